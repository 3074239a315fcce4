//! What a published record freezes and what stays live: the actions as
//! agreed and the documents are the revision's, changed only by a correction
//! the PCC publishes; an action's status and progress notes are live, shown
//! apart as "Progress since publication".

use scrutiny::db::documents::{self, Kind, NewDocument};
use scrutiny::domain::Decision;
use scrutiny::domain::record::ActionStatus;

use crate::common::{Correction, Record, RecordBuilder, TestApp, Visitor};
use crate::portal::attr;

const SLUG: &str = "2025-02-11-road-safety";

/// A published record with one action (with a progress note and a re-visit
/// topic) and one stored file.
async fn published(app: &TestApp) -> Record {
    RecordBuilder::new("2025-02-11", "Road Safety")
        .question("Are speed cameras working?")
        .evidence("- Bullet one.")
        .decision(Decision::Assured)
        .action("Report back in six months.")
        .owner("Chief Inspector")
        .due_on("2099-08-11")
        .revisit("Road safety again")
        .progress("2025-03-01", "Data requested.")
        .document("Camera report", "cameras.txt", "Camera bytes")
        .publish(&app.pool)
        .await
}

/// Attaches a stored file to the record's question 2; returns its id.
async fn question_file(app: &TestApp, record: &Record) -> i64 {
    let by = crate::common::staff_id(&app.pool).await;
    let mut tx = app.pool.begin().await.expect("tx");
    let file = NewDocument {
        meeting_id: record.id,
        question_id: Some(record.questions[1]),
        title: "Enforcement figures",
        kind: Kind::File {
            file_name: "figures.txt",
            content_type: "text/plain",
            content: b"Figures",
        },
    };
    let id = documents::add(&mut tx, file, by).await.expect("document");
    tx.commit().await.expect("commit");
    id
}

async fn action_of(app: &TestApp, meeting: i64) -> (i64, i32) {
    sqlx::query_as(
        "select id, version from action where meeting_id = $1 and not removed order by number limit 1",
    )
    .bind(meeting)
    .fetch_one(&app.pool)
    .await
    .expect("action")
}

/// The form fields of the action, with `changes` over what was agreed.
fn action_form<'a>(version: &'a str, changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("body", "Report back in six months."),
        ("owner", "Chief Inspector"),
        ("due_on", "2099-08-11"),
        ("status", "open"),
        ("revisit_topic", "Road safety again"),
        ("version", version),
    ];
    for (name, value) in changes {
        for field in fields.iter_mut().filter(|f| f.0 == *name) {
            field.1 = value;
        }
    }
    fields
}

/// What search finds for `words`, as the count of records it shows.
async fn found(app: &TestApp, words: &str) -> Vec<String> {
    app.get(&format!("/search?q={words}")).await.texts("h2#results")
}

/// Every public address that shows an action's agreed text.
async fn public_action_texts(app: &TestApp) -> String {
    let mut seen = String::new();
    for uri in [
        format!("/meetings/{SLUG}"),
        format!("/meetings/{SLUG}.json"),
        "/actions".to_owned(),
        "/actions.csv".to_owned(),
        "/forward-plan".to_owned(),
        "/forward-plan.ics".to_owned(),
    ] {
        let response = app.get(&uri).await;
        assert_eq!(response.status, 200, "{uri}");
        seen.push_str(&response.body);
    }
    seen
}

async fn correct(pcc: &mut Visitor<'_>, id: i64) {
    let started = pcc.post(&format!("/staff/meetings/{id}/correct"), &[]).await;
    assert_eq!(started.status, 303, "{}", started.body);
}

/// Staff send the correction to the PCC, who publishes it with `reason`.
async fn publish_correction(staff: &mut Visitor<'_>, pcc: &mut Visitor<'_>, id: i64, reason: &str) {
    let sent = staff.post(&format!("/staff/meetings/{id}/submit"), &[]).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let published = pcc
        .post(&format!("/staff/meetings/{id}/publish"), &[("reason", reason)])
        .await;
    assert_eq!(published.status, 303, "{}", published.body);
}

#[tokio::test]
async fn an_actions_status_and_notes_are_live_and_shown_apart_from_what_was_agreed() {
    let app = TestApp::new().await;
    let record = published(&app).await;
    let (action, version) = action_of(&app, record.id).await;
    let mut staff = app.signed_in("staff").await;
    let version = version.to_string();

    let saved = staff
        .post(
            &format!("/staff/actions/{action}"),
            &action_form(&version, &[("status", "done")]),
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let noted = staff
        .post(
            &format!("/staff/actions/{action}/progress"),
            &[("noted_on", "2025-05-01"), ("note", "Report received.")],
        )
        .await;
    assert_eq!(noted.status, 303, "{}", noted.body);

    let page = app.get(&format!("/meetings/{SLUG}")).await;
    assert_eq!(
        page.texts("#action-1 td[data-label='Action as agreed']"),
        ["1. Report back in six months."]
    );
    let progress = page.prose("#action-1 td[data-label='Progress since publication'] li");
    assert_eq!(
        progress,
        ["1 March 2025: Data requested.", "1 May 2025: Report received."]
    );
    assert_eq!(page.texts("#action-1 .status"), [ActionStatus::Done.label()]);
    assert_eq!(page.texts("#action-1 .since").len(), 1, "the status is dated");
    let revisions: i64 = sqlx::query_scalar("select count(*) from revision")
        .fetch_one(&app.pool)
        .await
        .expect("revisions");
    assert_eq!(revisions, 1, "no new revision for progress");
    let audited: Vec<(String, String, String)> = sqlx::query_as(
        "select entity, coalesce(before->>'status', ''), coalesce(after->>'status', after->>'note')
         from audit_log where entity in ('action', 'action_progress') and action <> 'create' or entity = 'action_progress'
         order by id",
    )
    .fetch_all(&app.pool)
    .await
    .expect("audit");
    assert_eq!(
        audited,
        [
            ("action_progress".into(), String::new(), "Data requested.".into()),
            ("action".into(), "open".into(), "done".into()),
            ("action_progress".into(), String::new(), "Report received.".into()),
        ]
    );
}

#[tokio::test]
async fn what_was_agreed_in_a_published_action_is_not_changed_outside_a_correction() {
    let app = TestApp::new().await;
    let record = published(&app).await;
    let (action, version) = action_of(&app, record.id).await;
    let mut staff = app.signed_in("staff").await;
    let version = version.to_string();

    let form = staff.get(&format!("/staff/actions/{action}")).await;
    assert!(
        form.texts("textarea[name=body]").is_empty(),
        "no box for the agreed text"
    );
    assert_eq!(attr(&form, "input[name=body]", "type"), ["hidden"]);
    for (field, value) in [
        ("body", "Report back in a year."),
        ("owner", "Someone else"),
        ("due_on", "2100-01-01"),
        ("revisit_topic", "Another topic"),
    ] {
        let refused = staff
            .post(
                &format!("/staff/actions/{action}"),
                &action_form(&version, &[(field, value), ("status", "done")]),
            )
            .await;
        assert_eq!(refused.status, 422, "{field}");
        assert!(refused.body.contains("changes only in a correction"), "{field}");
        assert!(
            refused.prose(".unsaved dd").contains(&value.to_owned()),
            "{field}: the text typed is kept on the page"
        );
        assert_eq!(
            attr(&refused, "input[name=body]", "value"),
            ["Report back in six months."],
            "resubmitted, the form saves only the status"
        );
    }
    let stored: (String, String, String) =
        sqlx::query_as("select body, owner, status from action where id = $1")
            .bind(action)
            .fetch_one(&app.pool)
            .await
            .expect("action");
    assert_eq!(
        stored,
        (
            "Report back in six months.".into(),
            "Chief Inspector".into(),
            "open".into()
        ),
        "nothing saved, not even the status"
    );

    let new = staff
        .get(&format!("/staff/meetings/{}/actions/new", record.id))
        .await;
    assert_eq!(new.status, 409);
    let added = staff
        .post(
            &format!("/staff/meetings/{}/actions", record.id),
            &action_form("", &[("body", "A new action.")]),
        )
        .await;
    assert_eq!(added.status, 409);
    let count: i64 = sqlx::query_scalar("select count(*) from action")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(count, 1);
}

#[tokio::test]
async fn a_corrected_action_reaches_the_public_only_when_the_pcc_publishes_it() {
    let app = TestApp::new().await;
    let record = published(&app).await;
    let mut pcc = app.signed_in("pcc").await;
    correct(&mut pcc, record.id).await;
    let (action, version) = action_of(&app, record.id).await;
    let mut staff = app.signed_in("staff").await;
    let version = version.to_string();
    let edited = staff
        .post(
            &format!("/staff/actions/{action}"),
            &action_form(
                &version,
                &[
                    ("body", "Report on the inspection in a year."),
                    ("owner", "Superintendent Roe"),
                    ("revisit_topic", "Roads inspected"),
                ],
            ),
        )
        .await;
    assert_eq!(edited.status, 303, "{}", edited.body);
    let added = staff
        .post(
            &format!("/staff/meetings/{}/actions", record.id),
            &action_form(
                "",
                &[
                    ("body", "Publish the inspection findings."),
                    ("owner", "Inspector Doe"),
                    ("revisit_topic", ""),
                ],
            ),
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);

    let before = public_action_texts(&app).await;
    for unpublished in [
        "inspection",
        "Superintendent Roe",
        "Roads inspected",
        "Inspector Doe",
    ] {
        assert!(!before.contains(unpublished), "{unpublished} is public");
    }
    assert!(before.contains("Report back in six months."));
    assert_eq!(found(&app, "inspection").await, ["0 records found"]);

    publish_correction(&mut staff, &mut pcc, record.id, "The action was misrecorded.").await;
    let after = public_action_texts(&app).await;
    for published in [
        "Report on the inspection in a year.",
        "Superintendent Roe",
        "Roads inspected",
        "Publish the inspection findings.",
        "Inspector Doe",
    ] {
        assert!(after.contains(published), "{published} is not public");
    }
    assert_eq!(found(&app, "inspection").await, ["1 record found"]);
    let current = app.get(&format!("/meetings/{SLUG}")).await;
    assert!(!current.body.contains("Report back in six months."));
    let marked = app.get(&format!("/meetings/{SLUG}/revisions/2")).await;
    let removed = marked.texts(".action-changes del").join(" ");
    let added = marked.texts(".action-changes ins").join(" ");
    assert!(removed.contains("six months"), "{removed}");
    assert!(
        added.contains("inspection") && added.contains("Superintendent Roe"),
        "{added}"
    );
    assert!(added.contains("Publish the inspection findings."), "{added}");
    let first = app.get(&format!("/meetings/{SLUG}/revisions/1")).await;
    assert_eq!(
        first.texts("td[data-label='Action as agreed']"),
        ["1. Report back in six months."]
    );
    assert!(
        first
            .texts("th")
            .iter()
            .all(|h| h != "Progress since publication"),
        "an old revision shows nothing live"
    );
    assert!(!first.body.contains("Data requested."));
}

#[tokio::test]
async fn an_action_removed_in_a_correction_stays_public_until_the_correction_is_published() {
    let app = TestApp::new().await;
    let record = published(&app).await;
    let mut pcc = app.signed_in("pcc").await;
    correct(&mut pcc, record.id).await;
    let (action, _) = action_of(&app, record.id).await;
    let mut staff = app.signed_in("staff").await;
    let removed = staff.post(&format!("/staff/actions/{action}/delete"), &[]).await;
    assert_eq!(removed.status, 303, "{}", removed.body);
    assert_eq!(staff.get(&format!("/staff/actions/{action}")).await.status, 404);

    let page = app.get(&format!("/meetings/{SLUG}")).await;
    assert_eq!(
        page.texts("td[data-label='Action as agreed']"),
        ["1. Report back in six months."]
    );
    assert!(page.body.contains("Data requested."), "its progress too");

    publish_correction(&mut staff, &mut pcc, record.id, "Action 1 was not agreed.").await;
    let page = app.get(&format!("/meetings/{SLUG}")).await;
    assert!(page.body.contains("No actions were agreed."));
    let first = app.get(&format!("/meetings/{SLUG}/revisions/1")).await;
    assert_eq!(
        first.texts("td[data-label='Action as agreed']"),
        ["1. Report back in six months."]
    );
}

#[tokio::test]
async fn a_document_deleted_from_a_correction_draft_is_still_served_for_the_revision_that_lists_it() {
    let app = TestApp::new().await;
    let record = RecordBuilder::new("2025-02-11", "Road Safety")
        .question("Are speed cameras working?")
        .decision(Decision::Assured)
        .question("Is enforcement enough?")
        .decision(Decision::Assured)
        .document("Camera report", "cameras.txt", "Camera bytes")
        .publish(&app.pool)
        .await;
    let file = record.documents[0];
    // A file on question 2, added by a first correction; the second one
    // deletes the question, and its files with it.
    let on_question = question_file(&app, &record).await;
    Correction::of(SLUG).publish(&app.pool, "Figures added.").await;

    let mut pcc = app.signed_in("pcc").await;
    correct(&mut pcc, record.id).await;
    let mut staff = app.signed_in("staff").await;
    for deleted in [
        staff.post(&format!("/staff/documents/{file}/delete"), &[]).await,
        staff
            .post(&format!("/staff/questions/{}/delete", record.questions[1]), &[])
            .await,
    ] {
        assert_eq!(deleted.status, 303, "{}", deleted.body);
    }
    let editor = staff.get(&format!("/staff/meetings/{}", record.id)).await;
    assert!(!editor.body.contains("Camera report"), "gone from the draft");

    for (id, bytes) in [(file, "Camera bytes"), (on_question, "Figures")] {
        let served = app.get(&format!("/documents/{id}")).await;
        assert_eq!(served.status, 200, "/documents/{id} while the draft waits");
        assert_eq!(served.body, bytes);
    }
    let page = app.get(&format!("/meetings/{SLUG}")).await;
    assert!(page.body.contains("Camera report") && page.body.contains("Enforcement figures"));

    publish_correction(&mut staff, &mut pcc, record.id, "Wrong report.").await;
    let page = app.get(&format!("/meetings/{SLUG}")).await;
    assert!(!page.body.contains("Camera report"));
    let listed = app.get(&format!("/meetings/{SLUG}/revisions/2")).await;
    assert_eq!(
        attr(&listed, ".documents a", "href"),
        [format!("/documents/{file}"), format!("/documents/{on_question}")]
    );
    for id in [file, on_question] {
        assert_eq!(
            app.get(&format!("/documents/{id}")).await.status,
            200,
            "/documents/{id} is listed by revision 2"
        );
    }
}

#[tokio::test]
async fn a_revision_published_before_actions_were_frozen_in_it_shows_them_as_agreed() {
    let app = TestApp::new().await;
    let record = published(&app).await;
    Correction::of(&record.slug)
        .question("Are the speed cameras working now?")
        .publish(&app.pool, "The question as asked.")
        .await;
    // As revisions were written before the actions went into their content:
    // the actions as agreed only in `revision_action`.
    crate::ledger::tamper(
        &app,
        "update revision set content = content - 'actions' where number = 1",
    )
    .await;

    let first = app.get(&format!("/meetings/{}/revisions/1", record.slug)).await;
    assert_eq!(first.status, 200);
    assert_eq!(
        first.texts("table.actions td[data-label=Owner]"),
        ["Chief Inspector"]
    );
    // The correction changed the question only: its page, which compares
    // it with revision 1, marks no change to the actions.
    let second = app.get(&format!("/meetings/{}/revisions/2", record.slug)).await;
    assert_eq!(second.status, 200);
    assert!(second.texts("ins").join(" ").contains("now"), "{}", second.body);
    assert!(
        second.texts(".action-changes").is_empty(),
        "revision 1's actions are read from beside it: {:?}",
        second.texts(".action-changes li")
    );
}
