//! Every save is in the audit log, as the admin reads it at `/staff/audit`:
//! who, and what changed in words, with the fields before and after behind
//! it. One test per kind of save, each made through the form a person
//! uses; then the log's filters.

use scrutiny::domain::Decision;

use crate::common::{RecordBuilder, TestApp, TestResponse, Visitor};
use crate::conflicts::{form_as_shown, submit, with};

mod filters;

/// One field of an entry, before and after, as shown (empty when the
/// column is not shown).
#[derive(Debug, Clone, PartialEq)]
struct Field {
    label: String,
    before: String,
    after: String,
}

/// One line of the audit log as shown.
#[derive(Debug)]
struct Line {
    who: String,
    record: String,
    what: String,
    /// What opens its fields: "Before and after", "Details" (something
    /// added) or "As it was" (something removed).
    opens: String,
    /// The labels of the fields marked "(changed)".
    changed: Vec<String>,
    fields: Vec<Field>,
}

impl Line {
    /// The field labelled `label` (without its "(changed)" mark).
    fn field(&self, label: &str) -> &Field {
        self.fields
            .iter()
            .find(|f| f.label == label)
            .unwrap_or_else(|| panic!("no field {label:?}: {self:?}"))
    }
}

/// Text of an element, its whitespace collapsed; `<br>` as " / ".
fn text(e: scraper::ElementRef) -> String {
    let mut out = String::new();
    for node in e.descendants() {
        if let Some(t) = node.value().as_text() {
            out.push_str(t);
        } else if node.value().as_element().is_some_and(|el| el.name() == "br") {
            out.push_str(" / ");
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The lines of the audit log page, newest first.
fn lines(page: &TestResponse) -> Vec<Line> {
    assert_eq!(page.status, 200, "{}", page.body);
    let selector = |s: &str| scraper::Selector::parse(s).expect("selector");
    let html = page.html();
    html.select(&selector("table.audit > tbody > tr"))
        .map(|row| {
            let cell = |s: &str| row.select(&selector(s)).next().map(text).unwrap_or_default();
            let fields: Vec<Field> = row
                .select(&selector("table.change-fields tbody tr"))
                .map(|tr| {
                    let part = |s: &str| tr.select(&selector(s)).next().map(text).unwrap_or_default();
                    Field {
                        label: part("th").trim_end_matches(" (changed)").to_owned(),
                        before: part("td[data-label='Before']"),
                        after: part("td[data-label='After']"),
                    }
                })
                .collect();
            let changed = fields
                .iter()
                .zip(row.select(&selector("table.change-fields tbody th")))
                .filter(|(_, th)| text(*th).ends_with(" (changed)"))
                .map(|(f, _)| f.label.clone())
                .collect();
            Line {
                who: cell("td[data-label='Who']"),
                record: cell("td[data-label='Record']"),
                what: cell("td[data-label='What'] p.change"),
                opens: cell("td[data-label='What'] details > summary"),
                changed,
                fields,
            }
        })
        .collect()
}

/// The one line whose "What" is `what`.
async fn the_line(app: &TestApp, what: &str) -> Line {
    let mut admin = app.signed_in("admin").await;
    let all = lines(&admin.get("/staff/audit").await);
    let whats: Vec<String> = all.iter().map(|l| l.what.clone()).collect();
    let mut found: Vec<Line> = all.into_iter().filter(|l| l.what == what).collect();
    assert_eq!(found.len(), 1, "one line {what:?} among {whats:#?}");
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

/// Checks the line names `by` and `field` as shown before and after.
async fn assert_by(line: &Line, by: &Visitor<'_>, field: &str, before: &str, after: &str) {
    assert_eq!(line.who, email(by).await, "{line:?}");
    let shown = line.field(field);
    assert_eq!(
        (shown.before.as_str(), shown.after.as_str()),
        (before, after),
        "{line:?}"
    );
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
async fn a_role_change_says_whose_role_changed_from_what_to_what() {
    let app = TestApp::new().await;
    app.account("officer@opcc.example", "staff").await;
    let officer: i64 = sqlx::query_scalar("select id from account where email = 'officer@opcc.example'")
        .fetch_one(&app.pool)
        .await
        .expect("id");
    let mut admin = app.signed_in("admin").await;
    let changed = admin
        .post(&format!("/staff/users/{officer}/role"), &[("role", "admin")])
        .await;
    assert_eq!(changed.status, 303);
    let line = the_line(
        &app,
        "Role of officer@opcc.example changed from OPCC staff to Administrator",
    )
    .await;
    assert_by(&line, &admin, "Role", "OPCC staff", "Administrator").await;
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
    let line = the_line(
        &app,
        "Password of officer@opcc.example reset, to be changed at next sign-in",
    )
    .await;
    assert_by(&line, &admin, "Must change password at next sign-in", "", "Yes").await;
    let hash: String = sqlx::query_scalar("select password_hash from account where id = $1")
        .bind(officer)
        .fetch_one(&app.pool)
        .await
        .expect("hash");
    let page = admin.get("/staff/audit").await;
    assert!(!page.body.contains(&hash), "no password hash in the log");
}

#[tokio::test]
async fn a_meeting_date_change_says_the_date_changed_from_what_to_what() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let record = RecordBuilder::new("2024-12-03", "Stalking")
        .by(staff.account_id())
        .draft(&app.pool)
        .await;
    let uri = format!("/staff/meetings/{}", record.id);
    save(&mut staff, &uri, &uri, "held_on", "2024-12-04").await;
    let line = the_line(&app, "Meeting date changed").await;
    assert_by(
        &line,
        &staff,
        "Meeting date",
        "3 December 2024",
        "4 December 2024",
    )
    .await;
    assert_eq!(line.record, "Stalking, 4 December 2024");
    assert_eq!(
        line.field("Place"),
        &field("Place", "", ""),
        "unchanged, shown the same"
    );
}

fn field(label: &str, before: &str, after: &str) -> Field {
    Field {
        label: label.into(),
        before: before.into(),
        after: after.into(),
    }
}

#[tokio::test]
async fn an_evidence_change_counts_the_lines_changed() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let record = RecordBuilder::new("2024-12-03", "Stalking")
        .by(staff.account_id())
        .question("What is done?")
        .question("And then?")
        .evidence("- One.\n- Two.\n- Three.\n- Four.")
        .draft(&app.pool)
        .await;
    let uri = format!("/staff/questions/{}", record.questions[1]);
    let after = "- One.\n- 2.\n- 3.\n- Four.\n- Five.";
    save(&mut staff, &uri, &uri, "evidence", after).await;
    let line = the_line(&app, "Question 2 evidence: 3 lines changed").await;
    assert_by(
        &line,
        &staff,
        "Evidence",
        "- One. / - Two. / - Three. / - Four.",
        "- One. / - 2. / - 3. / - Four. / - Five.",
    )
    .await;
}

#[tokio::test]
async fn an_action_due_date_change_names_the_action_and_both_dates() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    RecordBuilder::new("2024-12-03", "Stalking")
        .by(staff.account_id())
        .action("Review training")
        .owner("Chief Inspector")
        .due_on("2025-03-03")
        .draft(&app.pool)
        .await;
    let id = only_id(&app, "action").await;
    let uri = format!("/staff/actions/{id}");
    save(&mut staff, &uri, &uri, "due_on", "2025-03-10").await;
    let line = the_line(
        &app,
        "Action 'Review training' due date: 3 March 2025 → 10 March 2025",
    )
    .await;
    assert_by(&line, &staff, "Due date", "3 March 2025", "10 March 2025").await;
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
    let line = the_line(&app, "Action 'Report back.' deleted").await;
    assert_by(&line, &staff, "Action text", "Report back.", "").await;
    assert_eq!(line.field("Owner").before, "Chief Inspector");
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
    let line = the_line(&app, "Document 'Action plan' removed").await;
    assert_by(&line, &staff, "Title", "Action plan", "").await;
    assert_eq!(line.opens, "As it was", "{line:?}");
    assert!(line.changed.is_empty(), "{line:?}");
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
    let line = the_line(&app, "Progress noted on action 1").await;
    assert_by(&line, &staff, "Note", "", "Data collected.").await;
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
    let added = the_line(&app, "Forward plan entry 'Rural crime' added for 1 March 2026").await;
    assert_by(&added, &staff, "Topic", "", "Rural crime").await;
    assert_eq!(added.opens, "Details", "nothing to compare: {added:?}");
    assert!(added.changed.is_empty(), "{added:?}");

    let uri = format!("/staff/forward-plan/{id}");
    save(&mut staff, &uri, &uri, "topic", "Rural and wildlife crime").await;
    let changed = the_line(
        &app,
        "Forward plan entry 'Rural crime' topic: Rural crime → Rural and wildlife crime",
    )
    .await;
    assert_by(
        &changed,
        &staff,
        "Topic",
        "Rural crime",
        "Rural and wildlife crime",
    )
    .await;
    assert_eq!(changed.opens, "Before and after", "{changed:?}");
    assert_eq!(changed.changed, ["Topic"], "{changed:?}");
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
    let first = the_line(&app, "Question 1 decision: Assured").await;
    assert_by(&first, &pcc, "Rationale", "", "Clear evidence.").await;
    let second = the_line(&app, "Question 1 decision: Assured → Not assured").await;
    assert_by(&second, &pcc, "Decision", "Assured", "Not assured").await;
    assert_eq!(second.field("Rationale").after, "On reflection, no.");
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
    let line = the_line(&app, "Sent to the PCC").await;
    assert_by(&line, &staff, "Status", "Draft", "With the PCC").await;
    assert_eq!(line.record, "Road Safety, 11 February 2025");
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
    let line = the_line(&app, "Sent back to staff by the PCC").await;
    assert_by(&line, &pcc, "Status", "With the PCC", "Draft").await;
    assert_eq!(line.field("Comment").after, "Add the costs.");
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
    let line = the_line(&app, "Published revision 1").await;
    assert_by(&line, &pcc, "Content fingerprint", "", &hash).await;
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
    let line = the_line(&app, "Correction started").await;
    assert_by(&line, &pcc, "Status", "Published", "Draft").await;
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
    let line = the_line(&app, "Record withdrawn: Published in error.").await;
    assert_by(&line, &pcc, "Status", "Published", "Withdrawn").await;
}

#[tokio::test]
async fn an_entry_of_an_unknown_kind_reads_as_its_action_and_fields() {
    let app = TestApp::new().await;
    sqlx::query(
        "insert into audit_log (action, entity, entity_id, before, after)
         values ('archive', 'old_widget', 5, null, '{\"shelf_life\": 3, \"kept\": true}')",
    )
    .execute(&app.pool)
    .await
    .expect("entry");
    let line = the_line(&app, "Archive old widget 5").await;
    assert_eq!(line.who, "System");
    assert_eq!(line.field("Shelf life"), &field("Shelf life", "", "3"));
    assert_eq!(line.field("Kept").after, "Yes");
}
