//! Follow-up actions: owners, due dates, statuses and progress notes.

use super::draft;
use crate::common::{TestApp, id_in};

#[tokio::test]
async fn actions_have_owners_due_dates_statuses_and_progress_notes() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let (editor, _) = draft(&staff, &[]).await;
    let id = id_in(&editor);
    let fields = [
        ("body", "Re-visit the topic in a year."),
        ("owner", "OPCC"),
        ("due_on", "2025-12-03"),
        ("status", "open"),
    ];
    assert_eq!(
        staff
            .post(&format!("/staff/meetings/{id}/actions"), &fields)
            .await
            .status,
        303
    );
    let bad = staff
        .post(
            &format!("/staff/meetings/{id}/actions"),
            &[("body", ""), ("due_on", "2025-13-01"), ("status", "x")],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert_eq!(bad.texts(".error-summary a").len(), 3);
    let page = staff.get(&editor).await;
    assert_eq!(
        page.texts("#actions + table tbody td[data-label=Owner]"),
        ["OPCC"]
    );
    let action: i64 = sqlx::query_scalar("select id from action")
        .fetch_one(&app.pool)
        .await
        .expect("action");
    let note = staff
        .post(
            &format!("/staff/actions/{action}/progress"),
            &[("noted_on", "2025-03-01"), ("note", "Scheduled for December.")],
        )
        .await;
    assert_eq!(note.status, 303);
    let edit = staff.get(&format!("/staff/actions/{action}")).await;
    assert_eq!(
        edit.texts("ul.progress li"),
        ["1 March 2025 : Scheduled for December."]
    );
    let version: i32 = sqlx::query_scalar("select version from action")
        .fetch_one(&app.pool)
        .await
        .expect("v");
    let done = staff
        .post(
            &format!("/staff/actions/{action}"),
            &[
                ("body", "Re-visit the topic in a year."),
                ("owner", "OPCC"),
                ("due_on", "2025-12-03"),
                ("status", "done"),
                ("version", &version.to_string()),
            ],
        )
        .await;
    assert_eq!(done.status, 303);
    assert_eq!(staff.get(&editor).await.texts("td[data-label=Status]"), ["Done"]);
}
