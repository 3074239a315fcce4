//! `/staff`: the actions a member of staff must chase, due within the next
//! two weeks or already overdue.

use crate::common::{RecordBuilder, TestApp};

/// The date `days` from today, as YYYY-MM-DD.
fn in_days(days: u64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Days::new(days)).to_string()
}

#[tokio::test]
async fn actions_due_in_13_days_are_listed_and_in_15_days_are_not() {
    let app = TestApp::new().await;
    RecordBuilder::new("2024-01-10", "Road Safety")
        .sample_question()
        .action("Report on speed cameras")
        .owner("Chief Inspector")
        .due_on(&in_days(13))
        .action("Review the casualty figures")
        .owner("Head of Roads Policing")
        .due_on(&in_days(15))
        .publish(&app.pool)
        .await;
    let mut staff = app.signed_in("staff").await;
    let dashboard = staff.get("/staff").await;
    let rows = dashboard.texts("#actions-due + table tbody tr");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].contains("Report on speed cameras"), "{rows:?}");
    assert!(!rows[0].contains("Overdue"), "{rows:?}");
    assert!(
        !dashboard.body.contains("Review the casualty figures"),
        "due in 15 days: not yet"
    );
}

/// The account's email, as the lists name an account with no name.
async fn email_of(app: &TestApp, account: i64) -> String {
    sqlx::query_scalar("select email from account where id = $1")
        .bind(account)
        .fetch_one(&app.pool)
        .await
        .expect("email")
}

#[tokio::test]
async fn a_colleagues_draft_and_a_correction_the_pcc_started_are_on_everyones_dashboard() {
    let app = TestApp::new().await;
    let mut me = app.signed_in("staff").await;
    let colleague = app.signed_in("staff").await;
    let mut pcc = app.signed_in("pcc").await;
    RecordBuilder::new("2024-03-01", "Mine")
        .by(me.account_id())
        .draft(&app.pool)
        .await;
    RecordBuilder::new("2024-04-01", "Theirs")
        .by(colleague.account_id())
        .draft(&app.pool)
        .await;
    let published = RecordBuilder::new("2024-05-01", "Custody")
        .by(colleague.account_id())
        .sample_question()
        .publish(&app.pool)
        .await;
    let corrected = pcc
        .post(&format!("/staff/meetings/{}/correct", published.id), &[])
        .await;
    assert_eq!(corrected.status, 303, "{}", corrected.body);

    let colleague_email = email_of(&app, colleague.account_id()).await;
    for (who, visitor) in [("staff", &mut me), ("the PCC", &mut pcc)] {
        let dashboard = visitor.get("/staff").await;
        let drafts = dashboard.texts("#drafts + ul > li");
        assert_eq!(drafts.len(), 3, "{who}: {drafts:?}");
        assert!(
            drafts
                .iter()
                .any(|d| d.starts_with("Theirs") && d.contains(&format!("by {colleague_email}"))),
            "{who}: {drafts:?}"
        );
        assert!(
            drafts
                .iter()
                .any(|d| d.starts_with("Custody") && d.contains("a correction of the published record")),
            "{who}: {drafts:?}"
        );
    }
    let mine = me.get("/staff").await.texts("#drafts + ul > li");
    assert!(
        mine[0].starts_with("Mine") && mine[0].contains("yours"),
        "mine first: {mine:?}"
    );
}

#[tokio::test]
async fn the_records_list_finds_every_record_by_stage_topic_year_author_and_words() {
    let app = TestApp::new().await;
    let mut me = app.signed_in("staff").await;
    let colleague = app.signed_in("staff").await;
    let mut pcc = app.signed_in("pcc").await;
    let (mine, theirs) = (me.account_id(), colleague.account_id());
    RecordBuilder::new("2023-03-01", "Violence Against Women & Girls")
        .by(mine)
        .question("Is the helpline answered within a minute?")
        .draft(&app.pool)
        .await;
    RecordBuilder::new("2024-04-01", "Road Safety")
        .by(theirs)
        .question("Q?")
        .evidence("- Speed cameras on the A19 were checked.")
        .in_review(&app.pool)
        .await;
    RecordBuilder::new("2024-05-01", "Custody")
        .by(theirs)
        .sample_question()
        .publish(&app.pool)
        .await;
    let corrected = RecordBuilder::new("2025-06-01", "Custody")
        .by(mine)
        .sample_question()
        .publish(&app.pool)
        .await;
    let started = pcc
        .post(&format!("/staff/meetings/{}/correct", corrected.id), &[])
        .await;
    assert_eq!(started.status, 303, "{}", started.body);
    RecordBuilder::new("2022-07-01", "Fraud")
        .sample_question()
        .publish(&app.pool)
        .await;
    crate::common::withdraw(&app.pool, "2022-07-01-fraud", "Published in error.").await;
    // As an import made from the command line is: nobody's in the app.
    sqlx::query("update meeting set created_by = null where slug = '2022-07-01-fraud'")
        .execute(&app.pool)
        .await
        .expect("imported");

    let found = |page: &crate::common::TestResponse| {
        page.texts("table.records td[data-label=Record] > a:first-child")
    };
    let all = me.get("/staff/records").await;
    assert_eq!(all.status, 200, "{}", all.body);
    assert_eq!(all.texts("h2#results"), ["5 records"]);
    assert_eq!(
        all.texts("table.records td[data-label=Stage]").len(),
        5,
        "every record, whatever its state"
    );
    for (stage, expected) in [
        ("draft", vec!["Violence Against Women & Girls, 1 March 2023"]),
        ("with_pcc", vec!["Road Safety, 1 April 2024"]),
        ("published", vec!["Custody, 1 May 2024"]),
        ("being_corrected", vec!["Custody, 1 June 2025"]),
        ("withdrawn", vec!["Fraud, 1 July 2022"]),
    ] {
        let page = me.get(&format!("/staff/records?stage={stage}")).await;
        assert_eq!(found(&page), expected, "{stage}");
    }
    let correcting = me.get("/staff/records?stage=being_corrected").await;
    assert_eq!(correcting.texts("td[data-label=Stage]"), ["Being corrected"]);

    let topic = me
        .get("/staff/records?topic=violence+against+women+%26+girls")
        .await;
    assert_eq!(found(&topic), ["Violence Against Women & Girls, 1 March 2023"]);
    let custody = me.get("/staff/records?topic=Custody&year=2024").await;
    assert_eq!(found(&custody), ["Custody, 1 May 2024"]);
    let by_colleague = me.get(&format!("/staff/records?author={theirs}")).await;
    assert_eq!(by_colleague.texts("h2#results"), ["2 records"]);
    assert_eq!(
        by_colleague.texts("td[data-label='Created by']"),
        [email_of(&app, theirs).await, email_of(&app, theirs).await]
    );
    let words = me.get("/staff/records?q=speed+CAMERAS").await;
    assert_eq!(
        found(&words),
        ["Road Safety, 1 April 2024"],
        "words in the evidence"
    );
    let question = me.get("/staff/records?q=helpline").await;
    assert_eq!(found(&question), ["Violence Against Women & Girls, 1 March 2023"]);
    let imported = me.get("/staff/records?stage=withdrawn").await;
    assert_eq!(imported.texts("td[data-label='Created by']"), ["Imported"]);

    assert_eq!(me.get("/staff/records?stage=lost").await.status, 400);
    assert_eq!(me.get("/staff/records?author=someone").await.status, 400);
    let beyond = me.get("/staff/records?page=9").await;
    assert_eq!(beyond.texts("h2#results"), ["5 records"]);
}
