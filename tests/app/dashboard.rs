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
