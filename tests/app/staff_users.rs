//! `/staff/users`: an admin manages accounts.

use crate::common::{PASSWORD, TestApp};

/// The one-time password in the notice after creating or resetting.
fn one_time_password(notice: &str) -> String {
    let after = notice
        .split("one-time password is ")
        .nth(1)
        .expect("password shown");
    after.split_whitespace().next().expect("password").to_owned()
}

#[tokio::test]
async fn an_admin_creates_an_account_that_must_change_its_password() {
    let app = TestApp::new().await;
    let mut admin = app.signed_in("admin").await;
    let created = admin
        .post(
            "/staff/users",
            &[
                ("email", "New.Officer@opcc.example"),
                ("name", "New Officer"),
                ("role", "staff"),
            ],
        )
        .await;
    assert_eq!(created.status, 303);
    let page = admin.get("/staff/users").await;
    let notice = page.texts(".notice").join(" ");
    let password = one_time_password(&notice);
    assert!(page.body.contains("new.officer@opcc.example"));
    assert!(
        admin.get("/staff/users").await.texts(".notice").is_empty(),
        "shown only once"
    );

    let mut officer = app.visitor();
    let signed_in = officer.sign_in("new.officer@opcc.example", &password).await;
    assert_eq!(signed_in.header("location"), "/staff/password");
    assert_eq!(officer.get("/staff").await.header("location"), "/staff/password");
    let short = officer
        .post(
            "/staff/password",
            &[("current", &password), ("new", "short"), ("confirm", "short")],
        )
        .await;
    assert_eq!(short.status, 422);
    assert!(
        short
            .texts(".error-summary a")
            .iter()
            .any(|e| e.contains("at least 12 characters"))
    );
    let changed = officer
        .post(
            "/staff/password",
            &[("current", &password), ("new", PASSWORD), ("confirm", PASSWORD)],
        )
        .await;
    assert_eq!(changed.status, 303, "{}", changed.body);
    assert_eq!(
        officer.get("/staff").await.status,
        200,
        "still signed in after the change"
    );
}

#[tokio::test]
async fn disabling_an_account_ends_its_sessions() {
    let app = TestApp::new().await;
    app.account("leaver@opcc.example", "staff").await;
    let mut leaver = app.visitor();
    leaver.sign_in("leaver@opcc.example", PASSWORD).await;
    assert_eq!(leaver.get("/staff").await.status, 200);
    let id: i64 = sqlx::query_scalar("select id from account where email = 'leaver@opcc.example'")
        .fetch_one(&app.pool)
        .await
        .expect("id");
    let mut admin = app.signed_in("admin").await;
    assert_eq!(
        admin
            .post(&format!("/staff/users/{id}/disable"), &[])
            .await
            .status,
        303
    );
    assert_eq!(leaver.get("/staff").await.status, 303, "signed out");
    assert_eq!(
        app.visitor()
            .sign_in("leaver@opcc.example", PASSWORD)
            .await
            .status,
        401
    );
    assert_eq!(
        admin.post(&format!("/staff/users/{id}/enable"), &[]).await.status,
        303
    );
    assert_eq!(
        app.visitor()
            .sign_in("leaver@opcc.example", PASSWORD)
            .await
            .status,
        303
    );
}

#[tokio::test]
async fn an_admin_changes_a_role_and_resets_a_password() {
    let app = TestApp::new().await;
    app.account("officer@opcc.example", "staff").await;
    let id: i64 = sqlx::query_scalar("select id from account where email = 'officer@opcc.example'")
        .fetch_one(&app.pool)
        .await
        .expect("id");
    let mut officer = app.visitor();
    officer.sign_in("officer@opcc.example", PASSWORD).await;
    let mut admin = app.signed_in("admin").await;
    admin
        .post(&format!("/staff/users/{id}/role"), &[("role", "pcc")])
        .await;
    let role: String = sqlx::query_scalar("select role from account where id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("role");
    assert_eq!(role, "pcc");
    admin
        .post(&format!("/staff/users/{id}/reset-password"), &[])
        .await;
    let password = one_time_password(&admin.get("/staff/users").await.texts(".notice").join(" "));
    assert_eq!(
        officer.get("/staff").await.status,
        303,
        "a reset ends the old sessions"
    );
    assert_eq!(
        app.visitor()
            .sign_in("officer@opcc.example", PASSWORD)
            .await
            .status,
        401
    );
    assert_eq!(
        app.visitor()
            .sign_in("officer@opcc.example", &password)
            .await
            .header("location"),
        "/staff/password"
    );
    let audit = admin.get(&format!("/staff/audit?account={}", 0)).await;
    assert_eq!(audit.status, 200);
}

#[tokio::test]
async fn a_duplicate_or_bad_email_keeps_the_form() {
    let app = TestApp::new().await;
    app.account("taken@opcc.example", "staff").await;
    let mut admin = app.signed_in("admin").await;
    let taken = admin
        .post(
            "/staff/users",
            &[
                ("email", "taken@opcc.example"),
                ("name", "Kept Name"),
                ("role", "staff"),
            ],
        )
        .await;
    assert_eq!(taken.status, 422);
    assert_eq!(
        taken.texts(".error-summary a"),
        ["There is already an account with this email address"]
    );
    assert!(taken.body.contains("value=\"Kept Name\""));
    let bad = admin
        .post("/staff/users", &[("email", "not-an-email"), ("role", "king")])
        .await;
    assert_eq!(bad.status, 422);
    assert_eq!(bad.texts(".error-summary a").len(), 2);
}

#[tokio::test]
async fn an_admin_cannot_lock_themselves_out() {
    let app = TestApp::new().await;
    let mut admin = app.signed_in("admin").await;
    let id: i64 = sqlx::query_scalar("select id from account where role = 'admin'")
        .fetch_one(&app.pool)
        .await
        .expect("id");
    assert_eq!(
        admin
            .post(&format!("/staff/users/{id}/disable"), &[])
            .await
            .status,
        400
    );
    assert_eq!(
        admin
            .post(&format!("/staff/users/{id}/role"), &[("role", "staff")])
            .await
            .status,
        400
    );
    assert_eq!(admin.get("/staff/users").await.status, 200);
}
