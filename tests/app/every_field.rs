//! Records with every field staff can type filled in, for the tests that
//! must see every table and every column used: the no-leak test, the
//! statement counts, export and restore. Each piece of text is
//! `{marker}{field}` ("Aardvarkplace"), so a page that shows one names the
//! record and the field it came from.
//!
//! `RecordBuilder` writes the questions, decisions, actions, progress notes
//! and files; this module adds what it has no setter for yet (the meeting's
//! details and people, links, documents on a question, imported text, a
//! send-back, a correction of every field), through the same `scrutiny::db`
//! functions the editor uses. These belong in `common::fixtures` once it
//! grows the setters.

use scrutiny::db::documents::{self, Kind, NewDocument};
use scrutiny::db::meetings::{self, Saved};
use scrutiny::db::{actions, pending_imports, questions, records, workflow};
use scrutiny::domain::record::{ActionStatus, Person};
use scrutiny::domain::{Decision, Outline};
use sqlx::{PgConnection, PgPool};

use crate::common::{Correction, Record, RecordBuilder, staff_id};

/// The meeting's own fields, frozen in each revision.
pub const DETAILS: [&str; 8] = [
    "topic",
    "place",
    "kind",
    "intro",
    "attendee",
    "attendeerole",
    "apology",
    "apologyrole",
];
/// A question's fields, frozen in each revision.
pub const QUESTION: [&str; 3] = ["question", "evidence", "rationale"];
/// Documents and links, frozen in each revision (the file's bytes are
/// served from the document row).
pub const DOCUMENTS: [&str; 7] = [
    "document",
    "filename",
    "file",
    "questiondocument",
    "questionfile",
    "link",
    "linkurl",
];
/// An action's fields and its progress notes.
pub const ACTIONS: [&str; 4] = ["action", "owner", "revisit", "progress"];

/// Every field of a record as written by [`draft`]: `{marker}{field}`.
pub fn fields(marker: &str) -> Vec<String> {
    DETAILS
        .iter()
        .chain(&QUESTION)
        .chain(&DOCUMENTS)
        .chain(&ACTIONS)
        .map(|field| format!("{marker}{field}"))
        .collect()
}

/// What a correction adds besides new text in every field: a question, and
/// an action with its owner.
pub const ADDED: [&str; 3] = ["secondquestion", "newaction", "newowner"];

/// The fields a correction rewrites: all but the progress notes, which are
/// live (the status and notes of a published action are not the draft's).
pub fn corrected_fields(marker: &str) -> Vec<String> {
    DETAILS
        .iter()
        .chain(&QUESTION)
        .chain(&DOCUMENTS)
        .chain(&ACTIONS[..3])
        .chain(&ADDED)
        .map(|field| format!("{marker}{field}"))
        .collect()
}

/// A draft on `held_on` with every field written, `size` of each repeated
/// thing: attendees, apologies, questions (each decided), actions (each
/// with two progress notes, the first a re-visit of a topic), stored files,
/// links and files on question 1.
pub async fn draft(pool: &PgPool, held_on: &str, marker: &str, size: usize) -> Record {
    let m = |field: &str| format!("{marker}{field}");
    let mut builder = RecordBuilder::new(held_on, &m("topic"));
    for _ in 0..size {
        builder = builder
            .question(&format!("{}?", m("question")))
            .evidence(&format!("- {}.\n  - {} too.", m("evidence"), m("evidence")))
            .decision(Decision::PartlyAssured)
            .rationale(&m("rationale"));
    }
    for i in 0..size {
        builder = builder
            .action(&m("action"))
            .owner(&m("owner"))
            .due_on("2099-06-01")
            .status(ActionStatus::InProgress)
            .progress("2025-01-02", &m("progress"))
            .progress("2025-01-03", &m("progress"));
        if i == 0 {
            builder = builder.revisit(&m("revisit"));
        }
    }
    for _ in 0..size {
        builder = builder.document(&m("document"), &format!("{}.txt", m("filename")), &m("file"));
    }
    let record = builder.draft(pool).await;
    let by = staff_id(pool).await;
    let mut tx = pool.begin().await.expect("tx");
    write_details(&mut tx, record.id, marker, size, by).await;
    let mut record = record;
    record
        .documents
        .extend(add_documents(&mut tx, &record, marker, size, false, by).await);
    tx.commit().await.expect("commit");
    record
}

/// The meeting's details and people, each `{marker}{field}`.
async fn write_details(conn: &mut PgConnection, id: i64, marker: &str, size: usize, by: i64) {
    let m = |field: &str| format!("{marker}{field}");
    let meeting = meetings::get(conn, id).await.expect("get").expect("meeting");
    let mut details = meeting.details.clone();
    details.topic = m("topic");
    details.place = m("place");
    details.kind = m("kind");
    details.introduction = m("intro");
    details.starts_at = "10:30:00".parse().ok();
    let people = |name: &str, role: &str| {
        (0..size)
            .map(|_| Person {
                name: m(name),
                role: m(role),
            })
            .collect()
    };
    details.attendees = people("attendee", "attendeerole");
    details.apologies = people("apology", "apologyrole");
    let saved = meetings::update(conn, id, meeting.version, &details, by).await;
    assert_eq!(saved.expect("details saved"), Saved::Saved);
}

/// Adds `size` links and `size` files on question 1 (and, for a correction,
/// stored files of the meeting); returns the stored files' ids.
async fn add_documents(
    conn: &mut PgConnection,
    record: &Record,
    marker: &str,
    size: usize,
    with_files: bool,
    by: i64,
) -> Vec<i64> {
    let m = |field: &str| format!("{marker}{field}");
    let (file_name, url) = (
        format!("{}.txt", m("filename")),
        format!("https://example.org/{}", m("linkurl")),
    );
    let (question_file, file) = (m("questionfile"), m("file"));
    let mut ids = Vec::new();
    for _ in 0..size {
        let link = NewDocument {
            meeting_id: record.id,
            question_id: None,
            title: &m("link"),
            kind: Kind::Link { url: &url },
        };
        documents::add(conn, link, by).await.expect("link");
        let on_question = NewDocument {
            meeting_id: record.id,
            question_id: record.questions.first().copied(),
            title: &m("questiondocument"),
            kind: Kind::File {
                file_name: &file_name,
                content_type: "text/plain",
                content: question_file.as_bytes(),
            },
        };
        ids.push(documents::add(conn, on_question, by).await.expect("document"));
        if with_files {
            let file = NewDocument {
                meeting_id: record.id,
                question_id: None,
                title: &m("document"),
                kind: Kind::File {
                    file_name: &file_name,
                    content_type: "text/plain",
                    content: file.as_bytes(),
                },
            };
            ids.push(documents::add(conn, file, by).await.expect("document"));
        }
    }
    ids
}

/// Imported text no one has placed yet, on a draft, and the notes of an
/// import its author has not confirmed.
pub async fn unplaced(pool: &PgPool, record: &Record, marker: &str) {
    let by = staff_id(pool).await;
    let mut tx = pool.begin().await.expect("tx");
    meetings::set_unplaced(&mut tx, record.id, &format!("{marker}unplaced"))
        .await
        .expect("unplaced");
    let source = format!("{marker}import");
    pending_imports::add(&mut tx, by, &format!("{marker}import.txt"), &source)
        .await
        .expect("pending import");
    tx.commit().await.expect("commit");
}

/// Sends the record to the PCC.
pub async fn submit(pool: &PgPool, record: &Record) {
    let by = staff_id(pool).await;
    let mut tx = pool.begin().await.expect("tx");
    assert!(workflow::submit(&mut tx, record.id, by).await.expect("submit"));
    tx.commit().await.expect("commit");
}

/// The PCC sends the record back to draft with `comment`.
pub async fn send_back(pool: &PgPool, record: &Record, comment: &str) {
    let by = staff_id(pool).await;
    let mut tx = pool.begin().await.expect("tx");
    let sent = workflow::send_back(&mut tx, record.id, comment, by).await;
    assert!(sent.expect("send back"));
    tx.commit().await.expect("commit");
}

/// Publishes the record's next revision (a correction gives a `reason`).
pub async fn publish(pool: &PgPool, record: &Record, reason: Option<&str>) {
    let mut tx = pool.begin().await.expect("tx");
    records::publish(&mut tx, record.id, None, reason)
        .await
        .expect("publish");
    tx.commit().await.expect("commit");
}

/// Starts a correction of the published record and rewrites every field
/// with `marker` (the actions as agreed too, not their progress), adds a
/// question, an action and documents; nothing is published. Returns the ids of the stored files it added.
pub async fn correct(pool: &PgPool, record: &Record, marker: &str, size: usize) -> Vec<i64> {
    let m = |field: &str| format!("{marker}{field}");
    let (question, evidence) = (format!("{}?", m("question")), format!("- {}.", m("evidence")));
    Correction::of(&record.slug)
        .topic(&m("topic"))
        .introduction(&m("intro"))
        .question(&question)
        .evidence(&evidence)
        .decision(Decision::NotAssured, &m("rationale"))
        .add_question(&format!("{}?", m("secondquestion")))
        .document(&m("document"), &format!("{}.txt", m("filename")), &m("file"))
        .draft(pool)
        .await;
    let by = staff_id(pool).await;
    let mut tx = pool.begin().await.expect("tx");
    write_details(&mut tx, record.id, marker, size, by).await;
    let text = Outline::parse(&question).expect("outline").to_text();
    for id in record.questions.iter().skip(1) {
        let q = questions::get(&mut tx, *id)
            .await
            .expect("get")
            .expect("question");
        let saved = questions::update(&mut tx, q.id, q.version, &text, &evidence, by).await;
        assert_eq!(saved.expect("question saved"), Saved::Saved);
        let rationale = m("rationale");
        workflow::decide(
            &mut tx,
            q.id,
            record.id,
            Decision::NotAssured,
            &rationale,
            Some(by),
        )
        .await
        .expect("decision");
    }
    add_documents(&mut tx, record, marker, size, true, by).await;
    for action in actions::of_meeting(&mut tx, record.id).await.expect("actions") {
        let fields = actions::ActionFields {
            body: m("action"),
            owner: m("owner"),
            revisit_topic: action.fields.revisit_topic.as_ref().map(|_| m("revisit")),
            ..action.fields.clone()
        };
        let saved = actions::update(&mut tx, action.id, action.version, &fields, by).await;
        assert_eq!(saved.expect("action saved"), Saved::Saved);
    }
    let added = actions::ActionFields {
        body: m("newaction"),
        owner: m("newowner"),
        due_on: "2099-08-01".parse().ok(),
        status: ActionStatus::Open,
        revisit_topic: None,
    };
    actions::add(&mut tx, record.id, &added, Some(by))
        .await
        .expect("action");
    tx.commit().await.expect("commit");
    let files: Vec<i64> = sqlx::query_scalar(
        "select id from document where meeting_id = $1 and content is not null order by id",
    )
    .bind(record.id)
    .fetch_all(pool)
    .await
    .expect("documents");
    files
        .into_iter()
        .filter(|id| !record.documents.contains(id))
        .collect()
}

/// Takes the first action and the first document out of the record's
/// draft; the revisions that list them keep them.
pub async fn remove_first_action_and_document(pool: &PgPool, record: &Record) {
    let by = staff_id(pool).await;
    let mut tx = pool.begin().await.expect("tx");
    let action = actions::of_meeting(&mut tx, record.id).await.expect("actions")[0].clone();
    actions::delete(&mut tx, &action, by)
        .await
        .expect("action removed");
    let document = documents::of_meeting(&mut tx, record.id)
        .await
        .expect("documents")[0]
        .clone();
    documents::delete(&mut tx, &document, by)
        .await
        .expect("document removed");
    tx.commit().await.expect("commit");
}

/// Adds an action to a record, with a progress note, straight to the
/// store (the editor adds actions to drafts only); every piece of text
/// `{marker}{field}`. On a published record it stays unpublished until the
/// next revision.
pub async fn live_action(pool: &PgPool, record: &Record, marker: &str) {
    let m = |field: &str| format!("{marker}{field}");
    let by = staff_id(pool).await;
    let fields = actions::ActionFields {
        body: m("action"),
        owner: m("owner"),
        due_on: "2099-07-01".parse().ok(),
        status: ActionStatus::Open,
        revisit_topic: Some(m("revisit")),
    };
    let mut tx = pool.begin().await.expect("tx");
    let id = actions::add(&mut tx, record.id, &fields, Some(by))
        .await
        .expect("action");
    let action = actions::get(&mut tx, id).await.expect("get").expect("action");
    let noted_on = "2025-03-01".parse().expect("date");
    actions::add_progress(&mut tx, &action, noted_on, &m("progress"), by)
        .await
        .expect("progress note");
    tx.commit().await.expect("commit");
}
