//! Every save is in the audit log, as the admin reads it at `/staff/audit`:
//! who, what, and the before and after, which differ. One test per kind of
//! save, each made through the form a person uses.

use scrutiny::domain::Decision;
use serde_json::{Value, json};

use crate::common::{RecordBuilder, TestApp, TestResponse, Visitor};
use crate::conflicts::{form_as_shown, submit, with};

/// One line of the audit log as shown.
#[derive(Debug)]
struct Line {
    who: String,
    what: String,
    before: Option<Value>,
    after: Option<Value>,
}

/// The lines of the audit log page, newest first; `before` and `after` are
/// the JSON the page prints.
fn lines(page: &TestResponse) -> Vec<Line> {
    assert_eq!(page.status, 200, "{}", page.body);
    let selector = |s: &str| scraper::Selector::parse(s).expect("selector");
    let text = |e: scraper::ElementRef| {
        e.text()
            .collect::<Vec<_>>()
            .join(" ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let html = page.html();
    html.select(&selector("table.audit tbody tr"))
        .map(|row| {
            let cell = |label: &str| {
                row.select(&selector(&format!("td[data-label='{label}']")))
                    .next()
                    .map(text)
                    .unwrap_or_default()
            };
            let mut json = [None, None];
            for details in row.select(&selector("details")) {
                let summary = details.select(&selector("summary")).next().map(text);
                let pre: String = details
                    .select(&selector("pre"))
                    .next()
                    .map(|p| p.text().collect())
                    .unwrap_or_default();
                let value = serde_json::from_str(&pre).expect("the page prints JSON");
                match summary.as_deref() {
                    Some("Before") => json[0] = Some(value),
                    Some("After") => json[1] = Some(value),
                    other => panic!("an unexpected summary {other:?}"),
                }
            }
            let [before, after] = json;
            Line {
                who: cell("Who"),
                what: cell("What"),
                before,
                after,
            }
        })
        .collect()
}

/// The lines whose "What" is `what`, newest first, as an admin sees the
/// whole log.
async fn lines_for(app: &TestApp, what: &str) -> Vec<Line> {
    let mut admin = app.signed_in("admin").await;
    lines(&admin.get("/staff/audit").await)
        .into_iter()
        .filter(|l| l.what == what)
        .collect()
}

/// The one line whose "What" is `what`.
async fn the_line(app: &TestApp, what: &str) -> Line {
    let mut found = lines_for(app, what).await;
    assert_eq!(found.len(), 1, "one line {what:?}: {found:?}");
    found.remove(0)
}

/// The email address of `visitor`'s account, as the log names them.
async fn email(visitor: &Visitor<'_>) -> String {
    sqlx::query_scalar("select email from account where id = $1")
        .bind(visitor.account_id())
        .fetch_one(&visitor.app.pool)
        .await
        .expect("email")
}

/// Checks the line names `by` and shows a change: before and after differ.
async fn assert_by_with_a_change(line: &Line, by: &Visitor<'_>) {
    assert_eq!(line.who, email(by).await, "{line:?}");
    assert_ne!(line.before, line.after, "{line:?}");
}

/// The id of the only row of `table`.
async fn only_id(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(&format!("select id from {table}"))
        .fetch_one(&app.pool)
        .await
        .expect("one row")
}

/// Saves the form posting to `action` on the page `uri`, with `name` set to
/// `value`.
async fn save(visitor: &mut Visitor<'_>, uri: &str, action: &str, name: &str, value: &str) {
    let form = form_as_shown(&visitor.get(uri).await, action);
    let saved = submit(visitor, action, &with(form, name, value)).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
}

/// Presses the button of the form posting to `action` on the page `uri`.
async fn press(visitor: &mut Visitor<'_>, uri: &str, action: &str) -> TestResponse {
    let form = form_as_shown(&visitor.get(uri).await, action);
    submit(visitor, action, &form).await
}

/// A record sent to the PCC by `staff`, one question, one action.
async fn with_the_pcc(app: &TestApp, staff: &Visitor<'_>) -> crate::common::Record {
    RecordBuilder::new("2025-02-11", "Road Safety")
        .by(staff.account_id())
        .question("Are speed cameras working?")
        .evidence("- Bullet one.")
        .decision(Decision::Assured)
        .in_review(&app.pool)
        .await
}

#[tokio::test]
async fn a_role_change_is_audited_with_the_role_before_and_after() {
    let app = TestApp::new().await;
    app.account("officer@opcc.example", "staff").await;
    let officer: i64 = sqlx::query_scalar("select id from account where email = 'officer@opcc.example'")
        .fetch_one(&app.pool)
        .await
        .expect("id");
    let mut admin = app.signed_in("admin").await;
    let changed = admin
        .post(&format!("/staff/users/{officer}/role"), &[("role", "pcc")])
        .await;
    assert_eq!(changed.status, 303);
    let line = the_line(&app, &format!("set_role account {officer}")).await;
    assert_by_with_a_change(&line, &admin).await;
    assert_eq!(line.before, Some(json!({ "role": "staff" })));
    assert_eq!(line.after, Some(json!({ "role": "pcc" })));
}

#[tokio::test]
async fn a_password_reset_is_audited_without_the_password() {
    let app = TestApp::new().await;
    app.account("officer@opcc.example", "staff").await;
    let officer: i64 = sqlx::query_scalar("select id from account where email = 'officer@opcc.example'")
        .fetch_one(&app.pool)
        .await
        .expect("id");
    let mut admin = app.signed_in("admin").await;
    let reset = admin
        .post(&format!("/staff/users/{officer}/reset-password"), &[])
        .await;
    assert_eq!(reset.status, 303);
    let line = the_line(&app, &format!("set_password account {officer}")).await;
    assert_by_with_a_change(&line, &admin).await;
    let after = line.after.expect("after");
    assert_eq!(after["must_change_password"], true, "{after}");
    let hash: String = sqlx::query_scalar("select password_hash from account where id = $1")
        .bind(officer)
        .fetch_one(&app.pool)
        .await
        .expect("hash");
    assert!(!after.to_string().contains(&hash), "no password hash in the log");
}

#[tokio::test]
async fn a_meeting_details_save_is_audited() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let record = RecordBuilder::new("2024-12-03", "Stalking")
        .by(staff.account_id())
        .draft(&app.pool)
        .await;
    let uri = format!("/staff/meetings/{}", record.id);
    save(&mut staff, &uri, &uri, "place", "Police HQ, Middlesbrough").await;
    let line = the_line(&app, &format!("update meeting {}", record.id)).await;
    assert_by_with_a_change(&line, &staff).await;
    assert_eq!(line.before.expect("before")["details"]["place"], "");
    assert_eq!(
        line.after.expect("after")["details"]["place"],
        "Police HQ, Middlesbrough"
    );
}

#[tokio::test]
async fn a_question_save_is_audited() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let record = RecordBuilder::new("2024-12-03", "Stalking")
        .by(staff.account_id())
        .question("What is done?")
        .evidence("- Before.")
        .draft(&app.pool)
        .await;
    let uri = format!("/staff/questions/{}", record.questions[0]);
    save(&mut staff, &uri, &uri, "evidence", "- After.").await;
    let line = the_line(&app, &format!("update question {}", record.questions[0])).await;
    assert_by_with_a_change(&line, &staff).await;
    assert_eq!(line.before.expect("before")["evidence"], "- Before.");
    assert_eq!(line.after.expect("after")["evidence"], "- After.");
}

#[tokio::test]
async fn an_action_save_is_audited() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    RecordBuilder::new("2024-12-03", "Stalking")
        .by(staff.account_id())
        .action("Report back.")
        .owner("Chief Inspector")
        .draft(&app.pool)
        .await;
    let id = only_id(&app, "action").await;
    let uri = format!("/staff/actions/{id}");
    save(&mut staff, &uri, &uri, "owner", "Superintendent").await;
    let line = the_line(&app, &format!("update action {id}")).await;
    assert_by_with_a_change(&line, &staff).await;
    assert_eq!(line.before.expect("before")["owner"], "Chief Inspector");
    assert_eq!(line.after.expect("after")["owner"], "Superintendent");
}

#[tokio::test]
async fn an_action_delete_is_audited_and_the_action_is_gone() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let record = RecordBuilder::new("2024-12-03", "Stalking")
        .by(staff.account_id())
        .action("Report back.")
        .owner("Chief Inspector")
        .draft(&app.pool)
        .await;
    let id = only_id(&app, "action").await;
    let page = staff.get(&format!("/staff/actions/{id}")).await;
    let action = format!("/staff/actions/{id}/delete");
    let deleted = submit(&mut staff, &action, &form_as_shown(&page, &action)).await;
    assert_eq!(deleted.status, 303);
    let editor = staff.get(&format!("/staff/meetings/{}", record.id)).await;
    assert!(
        editor.texts("#actions + table tbody tr").is_empty(),
        "the action is gone"
    );
    assert_eq!(staff.get(&format!("/staff/actions/{id}")).await.status, 404);
    let line = the_line(&app, &format!("delete action {id}")).await;
    assert_by_with_a_change(&line, &staff).await;
    assert_eq!(line.before.expect("before")["fields"]["body"], "Report back.");
    assert_eq!(line.after, None);
}

#[tokio::test]
async fn a_document_delete_is_audited_and_the_document_is_gone() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let record = RecordBuilder::new("2024-12-03", "Stalking")
        .by(staff.account_id())
        .document("Action plan", "plan.txt", "The plan.")
        .draft(&app.pool)
        .await;
    let id = record.documents[0];
    let editor = format!("/staff/meetings/{}", record.id);
    let action = format!("/staff/documents/{id}/delete");
    let deleted = press(&mut staff, &editor, &action).await;
    assert_eq!(deleted.status, 303);
    assert!(
        staff.get(&editor).await.texts("ul.documents li").is_empty(),
        "the document is gone"
    );
    assert_eq!(staff.get(&format!("/staff/documents/{id}")).await.status, 404);
    let line = the_line(&app, &format!("delete document {id}")).await;
    assert_by_with_a_change(&line, &staff).await;
    assert_eq!(line.before.expect("before")["title"], "Action plan");
    assert_eq!(line.after, None);
}

#[tokio::test]
async fn a_progress_note_is_audited() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    RecordBuilder::new("2024-12-03", "Stalking")
        .action("Report back.")
        .publish(&app.pool)
        .await;
    let id = only_id(&app, "action").await;
    let uri = format!("/staff/actions/{id}");
    let action = format!("/staff/actions/{id}/progress");
    save(&mut staff, &uri, &action, "note", "Data collected.").await;
    let note = only_id(&app, "action_progress").await;
    let line = the_line(&app, &format!("create action_progress {note}")).await;
    assert_by_with_a_change(&line, &staff).await;
    assert_eq!(line.before, None);
    assert_eq!(line.after.expect("after")["note"], "Data collected.");
}

#[tokio::test]
async fn a_forward_plan_entry_added_and_changed_is_audited() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let index = "/staff/forward-plan";
    let form = form_as_shown(&staff.get(index).await, index);
    let form = with(with(form, "topic", "Rural crime"), "planned_on", "2026-03-01");
    assert_eq!(submit(&mut staff, index, &form).await.status, 303);
    let id = only_id(&app, "forward_plan").await;
    let added = the_line(&app, &format!("create forward_plan {id}")).await;
    assert_by_with_a_change(&added, &staff).await;
    assert_eq!(added.before, None);
    assert_eq!(added.after.expect("after")["topic"], "Rural crime");

    let uri = format!("/staff/forward-plan/{id}");
    save(&mut staff, &uri, &uri, "topic", "Rural and wildlife crime").await;
    let changed = the_line(&app, &format!("update forward_plan {id}")).await;
    assert_by_with_a_change(&changed, &staff).await;
    assert_eq!(changed.before.expect("before")["topic"], "Rural crime");
    assert_eq!(changed.after.expect("after")["topic"], "Rural and wildlife crime");
}

#[tokio::test]
async fn a_decision_and_its_change_are_audited() {
    let app = TestApp::new().await;
    let staff = app.signed_in("staff").await;
    let record = RecordBuilder::new("2025-02-11", "Road Safety")
        .by(staff.account_id())
        .question("Are speed cameras working?")
        .in_review(&app.pool)
        .await;
    let question = record.questions[0];
    let mut pcc = app.signed_in("pcc").await;
    let action = format!("/staff/questions/{question}/decision");
    for (decision, rationale) in [
        ("assured", "Clear evidence."),
        ("not_assured", "On reflection, no."),
    ] {
        let page = pcc.get(&format!("/staff/review/{}", record.id)).await;
        let form = with(
            with(form_as_shown(&page, &action), "decision", decision),
            "rationale",
            rationale,
        );
        assert_eq!(submit(&mut pcc, &action, &form).await.status, 303);
    }
    let decided = lines_for(&app, &format!("decide question {question}")).await;
    assert_eq!(decided.len(), 2, "{decided:?}");
    let (second, first) = (&decided[0], &decided[1]);
    assert_by_with_a_change(first, &pcc).await;
    assert_eq!(first.before, None);
    assert_eq!(
        first.after,
        Some(json!({ "decision": "assured", "rationale": "Clear evidence." }))
    );
    assert_by_with_a_change(second, &pcc).await;
    assert_eq!(second.before, first.after);
    assert_eq!(
        second.after,
        Some(json!({ "decision": "not_assured", "rationale": "On reflection, no." }))
    );
}

#[tokio::test]
async fn sending_a_record_to_the_pcc_is_audited() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let record = RecordBuilder::new("2025-02-11", "Road Safety")
        .by(staff.account_id())
        .question("Are speed cameras working?")
        .draft(&app.pool)
        .await;
    let editor = format!("/staff/meetings/{}", record.id);
    let action = format!("{editor}/submit");
    let sent = press(&mut staff, &editor, &action).await;
    assert_eq!(sent.status, 303);
    let line = the_line(&app, &format!("status meeting {}", record.id)).await;
    assert_by_with_a_change(&line, &staff).await;
    assert_eq!(line.before.expect("before")["status"], "draft");
    assert_eq!(line.after.expect("after")["status"], "in_review");
}

#[tokio::test]
async fn sending_a_record_back_is_audited_with_the_comment() {
    let app = TestApp::new().await;
    let staff = app.signed_in("staff").await;
    let record = with_the_pcc(&app, &staff).await;
    let mut pcc = app.signed_in("pcc").await;
    let action = format!("/staff/meetings/{}/send-back", record.id);
    let page = pcc.get(&format!("/staff/review/{}", record.id)).await;
    let form = with(form_as_shown(&page, &action), "comment", "Add the costs.");
    assert_eq!(submit(&mut pcc, &action, &form).await.status, 303);
    // The newest of two: sent to the PCC, then back.
    let mut steps = lines_for(&app, &format!("status meeting {}", record.id)).await;
    assert_eq!(steps.len(), 2, "{steps:?}");
    let line = steps.remove(0);
    assert_by_with_a_change(&line, &pcc).await;
    assert_eq!(line.before.expect("before")["status"], "in_review");
    let after = line.after.expect("after");
    assert_eq!(after["status"], "draft");
    assert_eq!(after["comment"], "Add the costs.");
}

#[tokio::test]
async fn publishing_is_audited_with_the_revision_and_its_hash() {
    let app = TestApp::new().await;
    let staff = app.signed_in("staff").await;
    let record = with_the_pcc(&app, &staff).await;
    let mut pcc = app.signed_in("pcc").await;
    let action = format!("/staff/meetings/{}/publish", record.id);
    let page = pcc.get(&format!("/staff/review/{}", record.id)).await;
    assert_eq!(
        submit(&mut pcc, &action, &form_as_shown(&page, &action))
            .await
            .status,
        303
    );
    let hash: String = sqlx::query_scalar("select content_hash from revision")
        .fetch_one(&app.pool)
        .await
        .expect("revision");
    let line = the_line(&app, "publish revision 1").await;
    assert_by_with_a_change(&line, &pcc).await;
    let after = line.after.expect("after");
    assert_eq!(after["number"], 1);
    assert_eq!(after["content_hash"], hash.as_str());
}

#[tokio::test]
async fn starting_a_correction_is_audited() {
    let app = TestApp::new().await;
    let record = RecordBuilder::new("2025-02-11", "Road Safety")
        .sample_question()
        .publish(&app.pool)
        .await;
    let mut pcc = app.signed_in("pcc").await;
    let editor = format!("/staff/meetings/{}", record.id);
    let action = format!("{editor}/correct");
    let started = press(&mut pcc, &editor, &action).await;
    assert_eq!(started.status, 303);
    let line = the_line(&app, &format!("status meeting {}", record.id)).await;
    assert_by_with_a_change(&line, &pcc).await;
    assert_eq!(line.before.expect("before")["status"], "published");
    assert_eq!(line.after.expect("after")["status"], "draft");
}

#[tokio::test]
async fn a_withdrawal_is_audited_with_its_reason() {
    let app = TestApp::new().await;
    let record = RecordBuilder::new("2025-02-11", "Road Safety")
        .sample_question()
        .publish(&app.pool)
        .await;
    let mut pcc = app.signed_in("pcc").await;
    let editor = format!("/staff/meetings/{}", record.id);
    let action = format!("{editor}/withdraw");
    let form = form_as_shown(&pcc.get(&action).await, &action);
    let form = with(form, "reason", "Published in error.");
    assert_eq!(submit(&mut pcc, &action, &form).await.status, 303);
    let line = the_line(&app, &format!("withdraw meeting {}", record.id)).await;
    assert_by_with_a_change(&line, &pcc).await;
    assert_eq!(line.before.expect("before")["status"], "published");
    let after = line.after.expect("after");
    assert_eq!(after["status"], "withdrawn");
    assert_eq!(after["reason"], "Published in error.");
}
