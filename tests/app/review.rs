//! The PCC decides and publishes: review, decisions, publication,
//! correction, withdrawal; and the roles that guard them.

mod changes;

use crate::common::{RecordBuilder, TestApp, Visitor};

/// A record on road safety with two undecided questions and one action.
fn road_safety() -> RecordBuilder {
    RecordBuilder::new("2025-02-11", "Road Safety")
        .question("Are speed cameras working?")
        .evidence("- Bullet one.")
        .question("Is enforcement enough?")
        .evidence("- Bullet one.")
        .action("Report back in six months.")
        .owner("Chief Inspector")
        .due_on("2025-08-11")
}

/// `road_safety()` written by a new staff account and sent to the PCC: the
/// staff member, the meeting id and its question ids.
async fn sent_to_the_pcc(app: &TestApp) -> (Visitor<'_>, i64, Vec<i64>) {
    let staff = app.signed_in("staff").await;
    let record = road_safety().by(staff.account_id()).in_review(&app.pool).await;
    (staff, record.id, record.questions)
}

/// The meeting's status as stored, read as text whatever the column's type.
async fn status(app: &TestApp, id: i64) -> String {
    sqlx::query_scalar("select status::text from meeting where id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("status")
}

async fn decide_all(pcc: &mut Visitor<'_>, questions: &[i64]) {
    for q in questions {
        let decided = pcc
            .post(
                &format!("/staff/questions/{q}/decision"),
                &[
                    ("decision", "partly_assured"),
                    ("rationale", "Progress, not yet results."),
                ],
            )
            .await;
        assert_eq!(decided.status, 303, "{}", decided.body);
    }
}

#[tokio::test]
async fn staff_send_a_draft_to_the_pcc_and_cannot_edit_it_then() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let empty = RecordBuilder::new("2025-01-01", "Empty")
        .by(staff.account_id())
        .draft(&app.pool)
        .await;
    let refused = staff
        .post(&format!("/staff/meetings/{}/submit", empty.id), &[])
        .await;
    assert_eq!(refused.status, 422);
    assert_eq!(
        refused.texts(".error-summary a"),
        ["Add at least one question before sending the record to the PCC"]
    );

    let record = road_safety().by(staff.account_id()).draft(&app.pool).await;
    let (id, questions) = (record.id, record.questions);
    let editor = staff.get(&format!("/staff/meetings/{id}")).await;
    assert_eq!(
        editor.texts("form[action$='/submit'] button"),
        ["Send to the PCC"]
    );
    assert_eq!(
        staff
            .post(&format!("/staff/meetings/{id}/submit"), &[])
            .await
            .status,
        303
    );
    assert_eq!(status(&app, id).await, "in_review");
    let edit = staff
        .post(
            &format!("/staff/questions/{}", questions[0]),
            &[("text", "Changed?"), ("evidence", ""), ("version", "1")],
        )
        .await;
    assert_eq!(edit.status, 409);
    assert!(edit.body.contains("with the PCC"));
    let dashboard = staff.get("/staff").await;
    assert_eq!(dashboard.texts("#with-pcc + ul a"), ["Road Safety"]);
}

#[tokio::test]
async fn the_pcc_reviews_decides_and_publishes() {
    let app = TestApp::new().await;
    let (_staff, id, questions) = sent_to_the_pcc(&app).await;

    let mut pcc = app.signed_in("pcc").await;
    let queue = pcc.get("/staff/review").await;
    assert_eq!(queue.texts("main ul a"), ["Road Safety"]);
    let review = pcc.get(&format!("/staff/review/{id}")).await;
    assert_eq!(review.texts("label[for=decision-1]"), ["Decision"]);
    assert_eq!(review.texts("label[for=rationale-1]"), ["Rationale"]);
    assert_eq!(
        review.texts("#decision-1 option"),
        ["Choose a decision", "Assured", "Partly assured", "Not assured"]
    );
    // Each question's form records the decision on that question.
    let actions: Vec<String> = questions
        .iter()
        .map(|q| format!("/staff/questions/{q}/decision"))
        .collect();
    assert_eq!(review.attrs("form.decision-form", "action"), actions);

    let bad = pcc
        .post(
            &format!("/staff/questions/{}/decision", questions[0]),
            &[("decision", "Maybe")],
        )
        .await;
    assert_eq!(bad.status, 422);
    pcc.post(
        &format!("/staff/questions/{}/decision", questions[0]),
        &[("decision", "assured"), ("rationale", "Clear evidence.")],
    )
    .await;

    let blocked = pcc.post(&format!("/staff/meetings/{id}/publish"), &[]).await;
    assert_eq!(blocked.status, 422);
    assert_eq!(blocked.texts(".error-summary a"), ["Question 2 has no decision"]);
    assert_eq!(
        app.visitor().get("/meetings/2025-02-11-road-safety").await.status,
        404
    );

    pcc.post(
        &format!("/staff/questions/{}/decision", questions[1]),
        &[("decision", "not_assured")],
    )
    .await;
    let published = pcc.post(&format!("/staff/meetings/{id}/publish"), &[]).await;
    assert_eq!(published.status, 303);
    assert_eq!(published.header("location"), format!("/staff/meetings/{id}"));
    assert_eq!(status(&app, id).await, "published");
    let told = pcc.get(&format!("/staff/meetings/{id}")).await;
    assert_eq!(
        told.texts(".notice p"),
        ["The record has been published: /meetings/2025-02-11-road-safety"]
    );
    let public = app.visitor().get("/meetings/2025-02-11-road-safety").await;
    assert_eq!(public.status, 200);
    assert_eq!(public.texts("td.col-decision strong"), ["Assured", "Not assured"]);
    assert!(public.body.contains("Clear evidence."));
    let revision: (i32, Option<i64>) = sqlx::query_as("select number, published_by from revision")
        .fetch_one(&app.pool)
        .await
        .expect("revision");
    assert_eq!(revision.0, 1);
    assert!(revision.1.is_some());
}

#[tokio::test]
async fn the_pcc_sends_a_record_back_with_a_comment_staff_see() {
    let app = TestApp::new().await;
    let (mut staff, id, _) = sent_to_the_pcc(&app).await;
    let mut pcc = app.signed_in("pcc").await;
    let empty = pcc
        .post(&format!("/staff/meetings/{id}/send-back"), &[("comment", "")])
        .await;
    assert_eq!(empty.status, 422);
    let back = pcc
        .post(
            &format!("/staff/meetings/{id}/send-back"),
            &[("comment", "Please add the cost figures.")],
        )
        .await;
    assert_eq!(back.status, 303);
    assert_eq!(status(&app, id).await, "draft");
    let dashboard = staff.get("/staff").await;
    assert!(
        dashboard
            .texts(".comment")
            .join(" ")
            .contains("Please add the cost figures.")
    );
    let editor = staff.get(&format!("/staff/meetings/{id}")).await;
    assert!(
        editor
            .texts(".notice")
            .join(" ")
            .contains("Please add the cost figures.")
    );
}

#[tokio::test]
async fn staff_cannot_decide_publish_correct_or_withdraw_whatever_they_post() {
    let app = TestApp::new().await;
    let (mut staff, id, questions) = sent_to_the_pcc(&app).await;
    let extra = [
        ("decision", "assured"),
        ("status", "published"),
        ("decided_by", "1"),
        ("published_at", "2020-01-01"),
        ("reason", "x"),
    ];
    for uri in [
        format!("/staff/questions/{}/decision", questions[0]),
        format!("/staff/meetings/{id}/publish"),
        format!("/staff/meetings/{id}/send-back"),
        format!("/staff/meetings/{id}/correct"),
        format!("/staff/meetings/{id}/withdraw"),
        "/staff/review".to_owned(),
    ] {
        assert_eq!(staff.post(&uri, &extra).await.status, 403, "{uri}");
    }
    assert_eq!(staff.get(&format!("/staff/review/{id}")).await.status, 403);
    let mut admin = app.signed_in("admin").await;
    assert_eq!(
        admin
            .post(&format!("/staff/meetings/{id}/publish"), &[])
            .await
            .status,
        403
    );
    assert_eq!(status(&app, id).await, "in_review");
    let decisions: i64 = sqlx::query_scalar("select count(*) from decision")
        .fetch_one(&app.pool)
        .await
        .expect("n");
    assert_eq!(decisions, 0);

    // The PCC's own form with extra fields: only the decision counts.
    let mut pcc = app.signed_in("pcc").await;
    decide_all(&mut pcc, &questions).await;
    let sneaky = [
        ("status", "withdrawn"),
        ("version", "99"),
        ("published_at", "2001-01-01"),
        ("decided_by", "1"),
    ];
    assert_eq!(
        pcc.post(&format!("/staff/meetings/{id}/publish"), &sneaky)
            .await
            .status,
        303
    );
    assert_eq!(status(&app, id).await, "published");
    let by_pcc: bool =
        sqlx::query_scalar("select bool_and(decided_by <> 1 or decided_by is null) from decision")
            .fetch_one(&app.pool)
            .await
            .expect("b");
    assert!(by_pcc);
    let year: f64 = sqlx::query_scalar("select extract(year from published_at)::float8 from revision")
        .fetch_one(&app.pool)
        .await
        .expect("y");
    assert!(year > 2020.0);
}

#[tokio::test]
async fn a_correction_stays_private_until_published_with_a_reason() {
    let app = TestApp::new().await;
    let (mut staff, id, questions) = sent_to_the_pcc(&app).await;
    let mut pcc = app.signed_in("pcc").await;
    decide_all(&mut pcc, &questions).await;
    pcc.post(&format!("/staff/meetings/{id}/publish"), &[]).await;

    let editor = pcc.get(&format!("/staff/meetings/{id}")).await;
    assert_eq!(editor.texts("form[action$='/correct'] button"), ["Correct"]);
    assert_eq!(
        pcc.post(&format!("/staff/meetings/{id}/correct"), &[])
            .await
            .status,
        303
    );
    assert_eq!(status(&app, id).await, "draft");
    let version: i32 = sqlx::query_scalar("select version from question where id = $1")
        .bind(questions[0])
        .fetch_one(&app.pool)
        .await
        .expect("v");
    let edit = staff
        .post(
            &format!("/staff/questions/{}", questions[0]),
            &[
                ("text", "Are the corrected cameras working?"),
                ("evidence", "- Corrected bullet."),
                ("version", &version.to_string()),
            ],
        )
        .await;
    assert_eq!(edit.status, 303);
    let public = app.visitor().get("/meetings/2025-02-11-road-safety").await;
    assert_eq!(public.status, 200, "the published version stays public");
    assert!(public.body.contains("Are speed cameras working?"));
    assert!(!public.body.contains("corrected cameras"));

    staff.post(&format!("/staff/meetings/{id}/submit"), &[]).await;
    let no_reason = pcc
        .post(&format!("/staff/meetings/{id}/publish"), &[("reason", "")])
        .await;
    assert_eq!(no_reason.status, 422);
    assert_eq!(
        no_reason.texts(".error-summary a"),
        [
            "Question 1's text and evidence changed after its decision: confirm or change the decision",
            "Enter reason"
        ]
    );
    let confirmed = pcc
        .post(&format!("/staff/questions/{}/confirm", questions[0]), &[])
        .await;
    assert_eq!(confirmed.status, 303);
    let done = pcc
        .post(
            &format!("/staff/meetings/{id}/publish"),
            &[("reason", "Question 1 was mistyped.")],
        )
        .await;
    assert_eq!(done.status, 303);
    let told = pcc.get(&format!("/staff/meetings/{id}")).await;
    assert_eq!(
        told.texts(".notice p"),
        ["The correction has been published: /meetings/2025-02-11-road-safety"]
    );
    let public = app.visitor().get("/meetings/2025-02-11-road-safety").await;
    assert!(public.body.contains("Are the corrected cameras working?"));
    assert!(
        public
            .texts(".meeting-facts dd")
            .iter()
            .any(|d| d.starts_with("Corrected on") && d.contains("Question 1 was mistyped."))
    );
    let revisions: i64 = sqlx::query_scalar("select count(*) from revision")
        .fetch_one(&app.pool)
        .await
        .expect("n");
    assert_eq!(revisions, 2);
}

#[tokio::test]
async fn the_pcc_withdraws_a_record_with_a_reason() {
    let app = TestApp::with_demo().await;
    let id: i64 = sqlx::query_scalar("select id from meeting")
        .fetch_one(&app.pool)
        .await
        .expect("id");
    let mut pcc = app.signed_in("pcc").await;
    let editor = pcc.get(&format!("/staff/meetings/{id}")).await;
    assert_eq!(editor.texts("a[href$='/withdraw']"), ["Withdraw this record"]);
    let confirm = pcc.get(&format!("/staff/meetings/{id}/withdraw")).await;
    assert_eq!(confirm.texts("form[action$='/withdraw'] button"), ["Withdraw"]);
    assert_eq!(confirm.texts("label[for=reason]"), ["Reason"]);
    let no_reason = pcc
        .post(&format!("/staff/meetings/{id}/withdraw"), &[("reason", " ")])
        .await;
    assert_eq!(no_reason.status, 422);
    assert_eq!(status(&app, id).await, "published");
    let withdrawn = pcc
        .post(
            &format!("/staff/meetings/{id}/withdraw"),
            &[("reason", "Published in error.")],
        )
        .await;
    assert_eq!(withdrawn.status, 303);
    assert_eq!(status(&app, id).await, "withdrawn");
    let public = app.visitor().get("/meetings/2024-12-03-stalking").await;
    assert_ne!(public.status, 200);
    assert!(!public.body.contains("Stalking Protection Orders"));
    assert!(
        !app.visitor()
            .get("/meetings")
            .await
            .body
            .contains("2024-12-03-stalking")
    );
}

#[tokio::test]
async fn a_failed_publication_leaves_the_record_as_it_was() {
    let app = TestApp::new().await;
    let (_staff, id, questions) = sent_to_the_pcc(&app).await;
    let mut pcc = app.signed_in("pcc").await;
    decide_all(&mut pcc, &questions).await;
    // The audit row is written last in the publication: make it fail.
    sqlx::query(
        "create function fail_publish() returns trigger language plpgsql as $$ begin \
         if new.action = 'publish' then raise exception 'audit log unavailable'; end if; return new; end $$",
    )
    .execute(&app.pool)
    .await
    .expect("function");
    sqlx::query(
        "create trigger fail_publish before insert on audit_log for each row execute function fail_publish()",
    )
    .execute(&app.pool)
    .await
    .expect("trigger");
    let failed = pcc.post(&format!("/staff/meetings/{id}/publish"), &[]).await;
    assert_eq!(failed.status, 500);
    assert!(failed.body.contains("reference"));
    assert_eq!(status(&app, id).await, "in_review");
    let revisions: i64 = sqlx::query_scalar("select count(*) from revision")
        .fetch_one(&app.pool)
        .await
        .expect("n");
    assert_eq!(revisions, 0);
    assert_eq!(
        app.visitor().get("/meetings/2025-02-11-road-safety").await.status,
        404
    );
}

/// While the record is with the PCC, staff are not offered its forms: each
/// page that would change it says why it cannot, before anything is typed,
/// and a form posted from an older page is refused the same way, even one
/// with mistakes in it.
#[tokio::test]
async fn a_record_with_the_pcc_offers_staff_no_form_to_change_it() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let record = road_safety().by(staff.account_id()).in_review(&app.pool).await;
    let (id, question) = (record.id, record.questions[0]);
    for uri in [
        format!("/staff/meetings/{id}/questions/new"),
        format!("/staff/questions/{question}"),
        format!("/staff/meetings/{id}/actions/new"),
    ] {
        let refused = staff.get(&uri).await;
        assert_eq!(refused.status, 409, "{uri}: {}", refused.body);
        assert_eq!(
            refused.texts("h1"),
            ["This record cannot be changed now"],
            "{uri}"
        );
        assert!(
            refused.body.contains("This record is with the PCC for review."),
            "{uri}"
        );
    }
    let empty = staff
        .post(
            &format!("/staff/meetings/{id}/questions"),
            &[("text", ""), ("evidence", "")],
        )
        .await;
    assert_eq!(empty.status, 409, "{}", empty.body);
}

#[tokio::test]
async fn a_pcc_step_on_a_record_not_at_its_stage_is_refused_and_changes_nothing() {
    let app = TestApp::new().await;
    let staff = app.signed_in("staff").await;
    let draft = road_safety().by(staff.account_id()).draft(&app.pool).await;
    let mut pcc = app.signed_in("pcc").await;
    let steps: [(String, &[(&str, &str)]); 4] = [
        (format!("/staff/meetings/{}/publish", draft.id), &[]),
        (
            format!("/staff/meetings/{}/send-back", draft.id),
            &[("comment", "More, please.")],
        ),
        (format!("/staff/meetings/{}/correct", draft.id), &[]),
        (
            format!("/staff/questions/{}/decision", draft.questions[0]),
            &[("decision", "assured"), ("rationale", "Clear.")],
        ),
    ];
    for (uri, form) in &steps {
        let refused = pcc.post(uri, form).await;
        assert_eq!(refused.status, 409, "{uri}: {}", refused.body);
        assert_eq!(
            refused.texts("h1"),
            ["This record cannot be changed now"],
            "{uri}"
        );
    }
    let (status, revisions, decisions): (String, i64, i64) = sqlx::query_as(
        "select m.status,
                (select count(*) from revision r where r.meeting_id = m.id),
                (select count(*) from decision d join question q on q.id = d.question_id where q.meeting_id = m.id)
         from meeting m where m.id = $1",
    )
    .bind(draft.id)
    .fetch_one(&app.pool)
    .await
    .expect("record");
    assert_eq!((status.as_str(), revisions, decisions), ("draft", 0, 0));
}
