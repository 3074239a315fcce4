//! The records tests start from. `RecordBuilder` writes a record with named
//! setters, in the style of docs.rs's `fake_release()`; `Correction` changes
//! a published record as the PCC's "Correct" button and the editor do; a few
//! helpers withdraw a record or add what lives beside records.
//!
//! This module (this file and `fixtures/correction.rs`) is the only code of
//! the tests that writes records, and every write goes through the
//! `scrutiny::db` functions the product itself uses, so a change to those
//! changes this module alone. Creating a meeting, question, action, decision,
//! document or progress note is each one call, in this file.

mod correction;

pub use correction::Correction;

use chrono::{DateTime, NaiveDate, Utc};
use scrutiny::db::actions::{self, ActionFields};
use scrutiny::db::documents::{self, Kind, NewDocument};
use scrutiny::db::meetings::{self, Details, Saved};
use scrutiny::db::{forward_plan, questions, records, workflow};
use scrutiny::domain::record::ActionStatus;
use scrutiny::domain::{Decision, Outline};
use sqlx::{PgConnection, PgPool};

/// A record to write: a meeting on a date about a topic, its questions
/// (each with evidence, a decision and a rationale), its actions (each with
/// an owner, due date, status, re-visit topic and progress notes) and its
/// files. Setters about a question or an action apply to the last one added.
///
/// ```ignore
/// let record = RecordBuilder::new("2024-12-03", "Stalking")
///     .question("Is stalking tackled?")
///     .evidence("- A plan.\n  - With parts.")
///     .decision(Decision::Assured)
///     .rationale("Clear evidence.")
///     .action("Report back.")
///     .owner("Chief Inspector")
///     .due_on("2025-06-01")
///     .publish(&app.pool)
///     .await;
/// ```
#[must_use = "a RecordBuilder writes nothing until .draft(), .in_review() or .publish()"]
pub struct RecordBuilder {
    held_on: NaiveDate,
    topic: String,
    by: Option<i64>,
    questions: Vec<NewQuestion>,
    actions: Vec<NewAction>,
    files: Vec<NewFile>,
    published_at: Option<DateTime<Utc>>,
}

struct NewQuestion {
    text: String,
    evidence: String,
    decision: Option<Decision>,
    rationale: String,
}

struct NewAction {
    fields: ActionFields,
    progress: Vec<(NaiveDate, String)>,
}

/// A text file to attach.
struct NewFile {
    title: String,
    file_name: String,
    text: String,
}

/// A record as written: its address, id, and the ids of its questions and
/// files in the order they were added.
#[derive(Debug, Clone)]
pub struct Record {
    pub slug: String,
    pub id: i64,
    pub questions: Vec<i64>,
    pub documents: Vec<i64>,
}

/// How far a record goes along its journey.
#[derive(Clone, Copy, PartialEq)]
enum Stage {
    Draft,
    InReview,
    Published,
}

impl RecordBuilder {
    /// A "Scrutiny meeting" held on `held_on` (YYYY-MM-DD) about `topic`,
    /// with nothing in it yet.
    pub fn new(held_on: &str, topic: &str) -> RecordBuilder {
        RecordBuilder {
            held_on: date(held_on),
            topic: topic.to_owned(),
            by: None,
            questions: Vec::new(),
            actions: Vec::new(),
            files: Vec::new(),
            published_at: None,
        }
    }

    /// Dates the first publication at the instant `at` (RFC 3339, e.g.
    /// "2024-07-10T23:30:00Z") rather than by the clock, so that a test can
    /// check how a fixed time is shown.
    pub fn published_at(mut self, at: &str) -> RecordBuilder {
        self.published_at = Some(at.parse().expect("an RFC 3339 time"));
        self
    }

    /// Writes as `account` (the author staff see on their dashboard);
    /// without it, a new staff account writes the record.
    pub fn by(mut self, account: i64) -> RecordBuilder {
        self.by = Some(account);
        self
    }

    /// Adds a question; `text` is an outline, as staff type it.
    pub fn question(mut self, text: &str) -> RecordBuilder {
        self.questions.push(NewQuestion {
            text: text.to_owned(),
            evidence: String::new(),
            decision: None,
            rationale: String::new(),
        });
        self
    }

    /// Adds the question most tests need: "What is the Force doing about
    /// {topic}?", with the evidence "- The Force has a plan.".
    pub fn sample_question(self) -> RecordBuilder {
        let text = format!("What is the Force doing about {}?", self.topic);
        self.question(&text).evidence("- The Force has a plan.")
    }

    /// The evidence of the last question, as an outline.
    pub fn evidence(mut self, outline: &str) -> RecordBuilder {
        self.last_question().evidence = outline.to_owned();
        self
    }

    /// The PCC's decision on the last question.
    pub fn decision(mut self, decision: Decision) -> RecordBuilder {
        self.last_question().decision = Some(decision);
        self
    }

    /// The rationale of the decision on the last question.
    pub fn rationale(mut self, text: &str) -> RecordBuilder {
        self.last_question().rationale = text.to_owned();
        self
    }

    /// Adds an action, open, with no owner or due date, numbered after the
    /// last.
    pub fn action(mut self, text: &str) -> RecordBuilder {
        self.actions.push(NewAction {
            fields: ActionFields {
                body: text.to_owned(),
                owner: String::new(),
                due_on: None,
                status: ActionStatus::Open,
                revisit_topic: None,
            },
            progress: Vec::new(),
        });
        self
    }

    /// Who owns the last action.
    pub fn owner(mut self, owner: &str) -> RecordBuilder {
        self.last_action().fields.owner = owner.to_owned();
        self
    }

    /// When the last action is due (YYYY-MM-DD).
    pub fn due_on(mut self, due_on: &str) -> RecordBuilder {
        self.last_action().fields.due_on = Some(date(due_on));
        self
    }

    /// The status of the last action.
    pub fn status(mut self, status: ActionStatus) -> RecordBuilder {
        self.last_action().fields.status = status;
        self
    }

    /// Makes the last action a "re-visit" of `topic`, which puts the topic
    /// on the forward plan at the action's due date.
    pub fn revisit(mut self, topic: &str) -> RecordBuilder {
        self.last_action().fields.revisit_topic = Some(topic.to_owned());
        self
    }

    /// A dated progress note on the last action, written once the record is
    /// at its stage (on a published record: "progress since publication").
    pub fn progress(mut self, noted_on: &str, note: &str) -> RecordBuilder {
        let noted_on = date(noted_on);
        self.last_action().progress.push((noted_on, note.to_owned()));
        self
    }

    /// Attaches a stored text file named `file_name` holding `text`.
    pub fn document(mut self, title: &str, file_name: &str, text: &str) -> RecordBuilder {
        self.files.push(NewFile {
            title: title.to_owned(),
            file_name: file_name.to_owned(),
            text: text.to_owned(),
        });
        self
    }

    /// Writes the record as a draft, never sent to the PCC.
    pub async fn draft(self, pool: &PgPool) -> Record {
        self.write(pool, Stage::Draft).await
    }

    /// Writes the record and sends it to the PCC.
    pub async fn in_review(self, pool: &PgPool) -> Record {
        self.write(pool, Stage::InReview).await
    }

    /// Writes the record and publishes it: its first revision.
    pub async fn publish(self, pool: &PgPool) -> Record {
        self.write(pool, Stage::Published).await
    }

    fn last_question(&mut self) -> &mut NewQuestion {
        self.questions.last_mut().expect("a question() first")
    }

    fn last_action(&mut self) -> &mut NewAction {
        self.actions.last_mut().expect("an action() first")
    }

    async fn write(self, pool: &PgPool, stage: Stage) -> Record {
        let by = match self.by {
            Some(by) => by,
            None => staff_id(pool).await,
        };
        let mut tx = pool.begin().await.expect("tx");
        let details = Details {
            topic: self.topic.clone(),
            held_on: self.held_on,
            starts_at: None,
            place: String::new(),
            kind: "Scrutiny meeting".to_owned(),
            introduction: String::new(),
            attendees: Vec::new(),
            apologies: Vec::new(),
        };
        let (id, _) = meetings::create(&mut tx, &details, Some(by))
            .await
            .expect("meeting");
        let mut questions = Vec::new();
        for q in &self.questions {
            let question = add_question(&mut tx, id, &q.text, &q.evidence, by).await;
            if let Some(decision) = q.decision {
                decide(&mut tx, id, question, decision, &q.rationale, by).await;
            }
            questions.push(question);
        }
        let mut actions = Vec::new();
        for a in &self.actions {
            actions.push(
                actions::add(&mut tx, id, &a.fields, Some(by))
                    .await
                    .expect("action"),
            );
        }
        let mut documents = Vec::new();
        for file in &self.files {
            documents.push(add_file(&mut tx, id, file, by).await);
        }
        match stage {
            Stage::Draft => {}
            Stage::InReview => assert!(workflow::submit(&mut tx, id, by).await.expect("submit")),
            Stage::Published => {
                publish(&mut tx, id, None).await;
                if let Some(at) = self.published_at {
                    redate_revision(&mut tx, id, at).await;
                }
            }
        }
        for (a, action) in self.actions.iter().zip(&actions) {
            for (noted_on, note) in &a.progress {
                add_progress(&mut tx, *action, *noted_on, note, by).await;
            }
        }
        let slug = meetings::get(&mut tx, id)
            .await
            .expect("meeting")
            .expect("the meeting just written")
            .slug;
        tx.commit().await.expect("commit");
        Record {
            slug,
            id,
            questions,
            documents,
        }
    }
}

/// Withdraws the record at `slug` with `reason`, as the PCC's "Withdraw"
/// button does.
pub async fn withdraw(pool: &PgPool, slug: &str, reason: &str) {
    let id = meeting_id(pool, slug).await;
    try_withdraw(pool, id, reason).await.expect("withdrawn");
}

/// Reinstates the withdrawn record at `slug` with `reason`, as the PCC's
/// "Reinstate" button does.
pub async fn reinstate(pool: &PgPool, slug: &str, reason: &str) {
    let id = meeting_id(pool, slug).await;
    let mut tx = pool.begin().await.expect("tx");
    records::reinstate(&mut tx, id, None, reason)
        .await
        .expect("reinstated");
    tx.commit().await.expect("commit");
}

/// Imports the published notes of the Stalking meeting of 3 December 2024
/// as a draft whose notes were first published on `published_on`
/// (YYYY-MM-DD), as `scrutiny import --published-on` does; returns its id.
pub async fn imported(pool: &PgPool, published_on: &str) -> i64 {
    let record = scrutiny::import::notes::parse_notes(scrutiny::demo::NOTES).expect("the notes parse");
    let mut tx = pool.begin().await.expect("tx");
    let draft = scrutiny::import::create_draft(&mut tx, &record, Some(date(published_on)), false, None)
        .await
        .expect("draft");
    tx.commit().await.expect("commit");
    draft.meeting_id
}

/// Tries to withdraw meeting `id` with `reason`: what the store answers.
pub async fn try_withdraw(pool: &PgPool, id: i64, reason: &str) -> sqlx::Result<()> {
    let mut tx = pool.begin().await.expect("tx");
    records::withdraw(&mut tx, id, None, reason).await?;
    tx.commit().await
}

/// Adds a dated progress note to action `id`, as staff do after publication.
pub async fn progress_note(pool: &PgPool, id: i64, noted_on: &str, note: &str) {
    let by = staff_id(pool).await;
    let mut tx = pool.begin().await.expect("tx");
    add_progress(&mut tx, id, date(noted_on), note, by).await;
    tx.commit().await.expect("commit");
}

/// Puts `topic` on the forward plan for `planned_on` and publishes it, as
/// staff do.
pub async fn plan_entry(pool: &PgPool, topic: &str, planned_on: &str, note: &str) -> i64 {
    let id = unpublished_plan_entry(pool, topic, planned_on, note).await;
    let by = staff_id(pool).await;
    let mut tx = pool.begin().await.expect("tx");
    let published = forward_plan::publish(&mut tx, id, 1, by).await;
    assert_eq!(published.expect("published"), Saved::Saved);
    tx.commit().await.expect("commit");
    id
}

/// Saves new text for forward-plan entry `id` (on its date), without
/// publishing it.
pub async fn edit_plan_entry(pool: &PgPool, id: i64, topic: &str, note: &str) {
    let by = staff_id(pool).await;
    let mut tx = pool.begin().await.expect("tx");
    let entry = forward_plan::get(&mut tx, id).await.expect("get").expect("entry");
    let fields = forward_plan::PlanFields {
        topic: topic.to_owned(),
        note: note.to_owned(),
        ..entry.fields
    };
    let saved = forward_plan::update(&mut tx, id, entry.version, &fields, by).await;
    assert_eq!(saved.expect("saved"), Saved::Saved);
    tx.commit().await.expect("commit");
}

/// Adds `topic` to the forward plan for `planned_on`, not published.
pub async fn unpublished_plan_entry(pool: &PgPool, topic: &str, planned_on: &str, note: &str) -> i64 {
    let by = staff_id(pool).await;
    let fields = forward_plan::PlanFields {
        topic: topic.to_owned(),
        planned_on: date(planned_on),
        note: note.to_owned(),
    };
    let mut tx = pool.begin().await.expect("tx");
    let id = forward_plan::add(&mut tx, &fields, by).await.expect("plan entry");
    tx.commit().await.expect("commit");
    id
}

/// The id of the meeting at `slug`.
pub async fn meeting_id(pool: &PgPool, slug: &str) -> i64 {
    sqlx::query_scalar("select id from meeting where slug = $1")
        .bind(slug)
        .fetch_one(pool)
        .await
        .expect("meeting id")
}

/// A staff account to name as the author of changes; returns its id.
pub async fn staff_id(pool: &PgPool) -> i64 {
    let email = format!("staff-{}@example.org", uuid::Uuid::new_v4().simple());
    sqlx::query_scalar(
        "insert into account (email, role, password_hash) values ($1, 'staff', 'x') returning id",
    )
    .bind(email)
    .fetch_one(pool)
    .await
    .expect("account")
}

fn date(text: &str) -> NaiveDate {
    text.parse().expect("a date as YYYY-MM-DD")
}

/// Adds a question after the last: `text` and `evidence` are outlines,
/// stored as the editor prints them.
async fn add_question(conn: &mut PgConnection, meeting: i64, text: &str, evidence: &str, by: i64) -> i64 {
    let text = Outline::parse(text).expect("question outline").to_text();
    let evidence = Outline::parse(evidence).expect("evidence outline").to_text();
    questions::add(conn, meeting, &text, &evidence, Some(by))
        .await
        .expect("question")
}

async fn add_file(conn: &mut PgConnection, meeting_id: i64, file: &NewFile, by: i64) -> i64 {
    let document = NewDocument {
        meeting_id,
        question_id: None,
        title: &file.title,
        kind: Kind::File {
            file_name: &file.file_name,
            content_type: "text/plain",
            content: file.text.as_bytes(),
        },
    };
    documents::add(conn, document, by).await.expect("document")
}

async fn add_progress(conn: &mut PgConnection, action: i64, noted_on: NaiveDate, note: &str, by: i64) {
    let action = actions::get(conn, action).await.expect("get").expect("action");
    actions::add_progress(conn, &action, noted_on, note, by)
        .await
        .expect("progress note");
}

/// The PCC's decision on `question` of `meeting`.
async fn decide(
    conn: &mut PgConnection,
    meeting: i64,
    question: i64,
    decision: Decision,
    rationale: &str,
    by: i64,
) {
    workflow::decide(conn, question, meeting, decision, rationale, Some(by))
        .await
        .expect("decision");
}

/// Dates the revisions of meeting `id` at `at`, with the immutability
/// trigger off for the moment it takes (a revision is otherwise never
/// changed). The ledger keeps its own time.
async fn redate_revision(conn: &mut PgConnection, id: i64, at: DateTime<Utc>) {
    sqlx::query("alter table revision disable trigger revision_immutable")
        .execute(&mut *conn)
        .await
        .expect("trigger off");
    sqlx::query("update revision set published_at = $2 where meeting_id = $1")
        .bind(id)
        .bind(at)
        .execute(&mut *conn)
        .await
        .expect("redate");
    sqlx::query("alter table revision enable trigger revision_immutable")
        .execute(&mut *conn)
        .await
        .expect("trigger on");
}

/// Publishes meeting `id` as its next revision; a correction gives a
/// `reason`. Returns the revision's number.
async fn publish(conn: &mut PgConnection, id: i64, reason: Option<&str>) -> i32 {
    records::publish(conn, id, None, reason).await.expect("publish")
}

/// How many bullets the stored evidence of every question holds, at every
/// depth, read as the record is read when it is published.
pub async fn evidence_bullets(pool: &PgPool) -> usize {
    fn count(items: &[scrutiny::domain::outline::Item]) -> usize {
        items.iter().map(|item| 1 + count(&item.children)).sum()
    }
    let stored: Vec<String> = sqlx::query_scalar("select evidence_text from question")
        .fetch_all(pool)
        .await
        .expect("evidence");
    stored
        .iter()
        .map(|text| count(&Outline::parse(text).expect("stored evidence parses").items))
        .sum()
}
