//! The PCC sees what they publish: the whole record under review, drawn as
//! the public page draws it; what changed since they last saw it, marked
//! word by word; decisions whose question changed after them, to confirm
//! before publication; and a preview of any draft for staff.

use scrutiny::domain::Decision;

use super::{decide_all, road_safety, sent_to_the_pcc, status};
use crate::common::{Correction, RecordBuilder, TestApp, Visitor};

/// Saves question `id` as staff do in the editor.
async fn edit_question(app: &TestApp, staff: &mut Visitor<'_>, id: i64, text: &str, evidence: &str) {
    let version: i32 = sqlx::query_scalar("select version from question where id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("version");
    let fields = [
        ("text", text),
        ("evidence", evidence),
        ("version", &version.to_string()),
    ];
    let saved = staff.post(&format!("/staff/questions/{id}"), &fields).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
}

/// `road_safety()` decided by the PCC, sent back, then changed by staff
/// with `change` and sent to the PCC again.
async fn sent_back_and_changed<'a>(
    app: &'a TestApp,
    change: impl AsyncFnOnce(&mut Visitor<'a>, &[i64]),
) -> (Visitor<'a>, i64, Vec<i64>) {
    let (mut staff, id, questions) = sent_to_the_pcc(app).await;
    let mut pcc = app.signed_in("pcc").await;
    decide_all(&mut pcc, &questions).await;
    let back = pcc
        .post(
            &format!("/staff/meetings/{id}/send-back"),
            &[("comment", "Add the second bullet.")],
        )
        .await;
    assert_eq!(back.status, 303);
    change(&mut staff, &questions).await;
    let sent = staff.post(&format!("/staff/meetings/{id}/submit"), &[]).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    (pcc, id, questions)
}

#[tokio::test]
async fn publish_is_refused_while_a_decision_needs_confirming() {
    let app = TestApp::new().await;
    let (mut pcc, id, questions) = sent_back_and_changed(&app, async |staff, questions| {
        let evidence = "- Bullet one.\n- Bullet two.";
        edit_question(&app, staff, questions[1], "Is enforcement enough?", evidence).await;
    })
    .await;

    let review = pcc.get(&format!("/staff/review/{id}")).await;
    assert_eq!(review.texts("#decide-1 .needs-confirming"), Vec::<String>::new());
    let marked = review.texts("#decide-2 .needs-confirming p").join(" ");
    assert!(
        marked.starts_with("Needs confirming Question 2's evidence changed after your decision."),
        "{marked}"
    );
    assert_eq!(review.texts("#decide-2 .needs-confirming ins"), ["Bullet two."]);
    let refused = pcc.post(&format!("/staff/meetings/{id}/publish"), &[]).await;
    assert_eq!(refused.status, 422);
    assert_eq!(
        refused.texts(".error-summary a"),
        ["Question 2's evidence changed after its decision: confirm or change the decision"]
    );
    assert_eq!(status(&app, id).await, "in_review");

    let confirmed = pcc
        .post(&format!("/staff/questions/{}/confirm", questions[1]), &[])
        .await;
    assert_eq!(confirmed.status, 303, "{}", confirmed.body);
    let review = pcc.get(&format!("/staff/review/{id}")).await;
    assert_eq!(review.texts(".needs-confirming"), Vec::<String>::new());
    let published = pcc.post(&format!("/staff/meetings/{id}/publish"), &[]).await;
    assert_eq!(published.status, 303, "{}", published.body);
    assert_eq!(status(&app, id).await, "published");
    let audited: (String, serde_json::Value) = sqlx::query_as(
        "select action, after from audit_log where entity = 'question' and entity_id = $1 order by id desc limit 1",
    )
    .bind(questions[1])
    .fetch_one(&app.pool)
    .await
    .expect("audit");
    assert_eq!(audited.0, "confirm");
    assert_eq!(audited.1["decision"], "partly_assured");
}

#[tokio::test]
async fn a_changed_decision_needs_no_confirming_and_a_save_that_changes_nothing_is_no_change() {
    let app = TestApp::new().await;
    let (mut pcc, id, questions) = sent_back_and_changed(&app, async |staff, questions| {
        edit_question(
            &app,
            staff,
            questions[0],
            "Are speed cameras working?",
            "- Bullet one.",
        )
        .await;
        edit_question(
            &app,
            staff,
            questions[1],
            "Is enforcement enough now?",
            "- Bullet one.",
        )
        .await;
    })
    .await;
    let review = pcc.get(&format!("/staff/review/{id}")).await;
    assert_eq!(
        review.texts(".needs-confirming-summary a"),
        ["Question 2's text changed after its decision"]
    );
    let decided = pcc
        .post(
            &format!("/staff/questions/{}/decision", questions[1]),
            &[("decision", "assured")],
        )
        .await;
    assert_eq!(decided.status, 303);
    let published = pcc.post(&format!("/staff/meetings/{id}/publish"), &[]).await;
    assert_eq!(published.status, 303, "{}", published.body);
}

#[tokio::test]
async fn the_review_page_marks_what_changed_since_the_pcc_sent_the_record_back() {
    let app = TestApp::new().await;
    let (mut pcc, id, _) = sent_back_and_changed(&app, async |staff, questions| {
        let text = "Are mobile speed cameras working?";
        edit_question(&app, staff, questions[0], text, "- Bullet one.").await;
    })
    .await;

    let review = pcc.get(&format!("/staff/review/{id}")).await;

    let notice = review.texts(".changes-notice").join(" ");
    assert!(
        notice.contains("Changed since you last saw it (when you sent it back)"),
        "{notice}"
    );
    assert_eq!(review.texts(".record-under-review tr#question-1 ins"), ["mobile"]);
    assert_eq!(review.texts(".record-under-review del"), Vec::<String>::new());
    assert_eq!(
        review.texts(".record-under-review tr#question-2 ins"),
        Vec::<String>::new()
    );
    assert_eq!(
        review.texts(".record-under-review td.col-decision strong"),
        ["Partly assured", "Partly assured"]
    );
    assert_eq!(
        review.texts(".record-under-review #actions + table td[data-label=Owner]"),
        ["Chief Inspector"]
    );
}

#[tokio::test]
async fn a_correction_under_review_is_marked_against_the_revision_it_corrects() {
    let app = TestApp::new().await;
    let record = RecordBuilder::new("2024-12-03", "Stalking")
        .sample_question()
        .decision(Decision::Assured)
        .publish(&app.pool)
        .await;
    let id = Correction::of(&record.slug)
        .evidence("- The Force has a written plan.")
        .draft(&app.pool)
        .await;
    let mut staff = app.signed_in("staff").await;
    assert_eq!(
        staff
            .post(&format!("/staff/meetings/{id}/submit"), &[])
            .await
            .status,
        303
    );
    let mut pcc = app.signed_in("pcc").await;

    let review = pcc.get(&format!("/staff/review/{id}")).await;

    let notice = review.texts(".changes-notice").join(" ");
    assert!(
        notice.contains("(the published revision it corrects)"),
        "{notice}"
    );
    assert_eq!(
        review.texts(".record-under-review td.col-evidence ins"),
        ["written"]
    );
    assert_eq!(
        review.texts(".needs-confirming-summary a"),
        ["Question 1's evidence changed after its decision"]
    );
}

#[tokio::test]
async fn staff_and_the_pcc_preview_a_draft_exactly_as_its_public_page_will_be() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let record = road_safety()
        .decision(Decision::Assured)
        .document("Speed data", "speed.txt", "Numbers.")
        .by(staff.account_id())
        .draft(&app.pool)
        .await;
    let editor = staff.get(&format!("/staff/meetings/{}", record.id)).await;
    let link = format!("a[href='/staff/meetings/{}/preview']", record.id);
    assert_eq!(editor.texts(&link), ["Preview as the public will see it"]);

    let preview = staff.get(&format!("/staff/meetings/{}/preview", record.id)).await;

    assert_eq!(preview.status, 200);
    assert!(
        preview
            .texts(".preview-banner")
            .join(" ")
            .starts_with("Preview: not published.")
    );
    assert!(preview.body.contains(r#"<meta name="robots" content="noindex">"#));
    assert_eq!(preview.texts("h1"), ["Road Safety"]);
    assert_eq!(preview.texts("del, ins"), Vec::<String>::new());
    let mut pcc = app.signed_in("pcc").await;
    assert_eq!(
        pcc.get(&format!("/staff/meetings/{}/preview", record.id))
            .await
            .status,
        200
    );
    assert_eq!(
        app.get(&format!("/staff/meetings/{}/preview", record.id))
            .await
            .status,
        303
    );

    // Published as it stands, the public page draws the record the same.
    assert_eq!(
        staff
            .post(&format!("/staff/meetings/{}/submit", record.id), &[])
            .await
            .status,
        303
    );
    let other =
        sqlx::query_scalar::<_, i64>("select id from question where meeting_id = $1 and position = 1")
            .bind(record.id)
            .fetch_one(&app.pool)
            .await
            .expect("question");
    let decided = pcc
        .post(
            &format!("/staff/questions/{other}/decision"),
            &[("decision", "not_assured")],
        )
        .await;
    assert_eq!(decided.status, 303);
    let preview = staff.get(&format!("/staff/meetings/{}/preview", record.id)).await;
    assert_eq!(
        pcc.post(&format!("/staff/meetings/{}/publish", record.id), &[])
            .await
            .status,
        303
    );
    let public = app.get(&format!("/meetings/{}", record.slug)).await;
    let part = |page: &crate::common::TestResponse, selector: &str| {
        let selector = scraper::Selector::parse(selector).expect("selector");
        page.html()
            .select(&selector)
            .map(|e| e.html())
            .collect::<Vec<_>>()
    };
    for selector in ["h1", "table.record", "table.actions", "ul.documents", "p.kind"] {
        assert_eq!(part(&preview, selector), part(&public, selector), "{selector}");
        assert_eq!(part(&public, selector).len(), 1, "{selector}");
    }
}
