//! Follow-up actions: owners, due dates, statuses and progress notes.

use super::draft;
use crate::common::{RecordBuilder, TestApp, id_in, withdraw};

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

/// The action's saved body, status and version, and its progress notes.
async fn saved(app: &TestApp, action: i64) -> (String, String, i32, i64) {
    sqlx::query_as(
        "select body, status::text, version, (select count(*) from action_progress p where p.action_id = a.id)
         from action a where id = $1",
    )
    .bind(action)
    .fetch_one(&app.pool)
    .await
    .expect("action")
}

#[tokio::test]
async fn a_wrong_action_form_is_shown_again_with_its_errors_and_saves_nothing() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let (editor, _) = draft(&staff, &[]).await;
    let id = id_in(&editor);
    let new = staff.get(&format!("/staff/meetings/{id}/actions/new")).await;
    assert_eq!(
        new.texts("#status option[selected]"),
        ["Open"],
        "a new action is open"
    );

    // A good status does not let the other fields through.
    let no_body = staff
        .post(
            &format!("/staff/meetings/{id}/actions"),
            &[
                ("body", ""),
                ("owner", "OPCC"),
                ("due_on", "2025-12-03"),
                ("status", "open"),
            ],
        )
        .await;
    assert_eq!(no_body.status, 422);
    assert_eq!(no_body.texts(".error-summary a").len(), 1);
    let fields = [
        ("body", "Re-visit the topic in a year."),
        ("owner", "OPCC"),
        ("due_on", "2025-12-03"),
        ("status", "open"),
    ];
    let created = staff
        .post(&format!("/staff/meetings/{id}/actions"), &fields)
        .await;
    assert_eq!(created.status, 303);
    let action: i64 = sqlx::query_scalar("select id from action")
        .fetch_one(&app.pool)
        .await
        .expect("one action");
    let before = saved(&app, action).await;
    assert_eq!(before.2, 1);

    let emptied = staff
        .post(
            &format!("/staff/actions/{action}"),
            &[
                ("body", ""),
                ("owner", "OPCC"),
                ("due_on", "2025-12-03"),
                ("status", "done"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(emptied.status, 422);
    assert_eq!(emptied.texts(".error-summary a").len(), 1, "{}", emptied.body);
    // A version that is not one is no version: the save is refused, as one
    // made from an old page would be.
    let garbled = staff
        .post(
            &format!("/staff/actions/{action}"),
            &[
                ("body", "Re-visit the topic in a year."),
                ("owner", "OPCC"),
                ("due_on", "2025-12-03"),
                ("status", "done"),
                ("version", "x"),
            ],
        )
        .await;
    assert_eq!(garbled.status, 409, "{}", garbled.body);
    let no_note = staff
        .post(
            &format!("/staff/actions/{action}/progress"),
            &[("noted_on", "2025-03-01"), ("note", "")],
        )
        .await;
    assert_eq!(no_note.status, 422);
    assert_eq!(no_note.texts(".error-summary a").len(), 1, "{}", no_note.body);
    assert_eq!(saved(&app, action).await, before, "nothing was saved");
}

#[tokio::test]
async fn the_actions_of_a_withdrawn_record_are_closed_whatever_is_posted() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let record = RecordBuilder::new("2024-12-03", "Stalking")
        .question("What is the Force doing?")
        .evidence("- It has a plan.")
        .action("Report back in six months.")
        .owner("Chief Inspector")
        .due_on("2025-06-03")
        .publish(&app.pool)
        .await;
    withdraw(&app.pool, &record.slug, "Published in error.").await;
    let action: i64 = sqlx::query_scalar("select id from action")
        .fetch_one(&app.pool)
        .await
        .expect("one action");
    let before = saved(&app, action).await;
    let version = before.2.to_string();
    let good = [
        ("body", "Report back in six months."),
        ("owner", "Chief Inspector"),
        ("due_on", "2025-06-03"),
        ("status", "done"),
        ("version", version.as_str()),
    ];
    let bad = [("body", ""), ("status", "done"), ("version", version.as_str())];
    let posts: [(String, &[(&str, &str)]); 4] = [
        (format!("/staff/actions/{action}"), &good),
        (format!("/staff/actions/{action}"), &bad),
        (
            format!("/staff/actions/{action}/progress"),
            &[("noted_on", "2025-03-01"), ("note", "Done.")],
        ),
        (format!("/staff/actions/{action}/progress"), &[("note", "")]),
    ];
    for (uri, fields) in posts {
        let refused = staff.post(&uri, fields).await;
        assert_eq!(refused.status, 409, "{uri} {fields:?}");
        assert!(
            refused.body.contains("its actions are closed"),
            "{uri}: {}",
            refused.body
        );
    }
    assert_eq!(saved(&app, action).await, before, "nothing was saved");
}
