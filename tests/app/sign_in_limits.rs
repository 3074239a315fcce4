//! The limits on signing in: a session ends after two hours without a
//! request, and failed sign-ins are throttled per account and per address,
//! whichever is reached first.

use crate::common::{PASSWORD, TestApp};

/// Moves every stored session `minutes` into the past, as if its browser
/// had made no request for that long.
async fn idle_for(app: &TestApp, minutes: i32) {
    sqlx::query("update session set expires_at = expires_at - make_interval(mins => $1)")
        .bind(minutes)
        .execute(&app.pool)
        .await
        .expect("age the sessions");
}

#[tokio::test]
async fn a_session_idle_for_just_under_two_hours_lives_and_just_over_is_signed_out() {
    let app = TestApp::new().await;
    let mut officer = app.signed_in("staff").await;
    assert_eq!(officer.get("/staff").await.status, 200);

    idle_for(&app, 119).await;
    let after_119 = officer.get("/staff").await;
    assert_eq!(
        after_119.status, 200,
        "idle for 1 hour 59 minutes: still signed in"
    );
    assert_eq!(after_119.texts("h1"), ["Dashboard"]);

    // That request was activity: the two hours start again from it.
    idle_for(&app, 121).await;
    let after_121 = officer.get("/staff").await;
    assert_eq!(after_121.status, 303, "idle for 2 hours 1 minute: signed out");
    assert_eq!(after_121.header("location"), "/staff/login?next=%2Fstaff");
}

#[tokio::test]
async fn failures_for_one_account_from_many_addresses_are_throttled() {
    let app = TestApp::new().await;
    app.account("pcc@opcc.example", "pcc").await;
    for n in 1..=10u8 {
        let mut attacker = app.visitor();
        attacker.address = ([192, 0, 2, n], 40000).into();
        let guess = attacker.sign_in("pcc@opcc.example", "guess guess guess").await;
        assert_eq!(guess.status, 401, "guess {n}");
    }
    // The 11th try, from an address never seen, with the right password.
    let mut eleventh = app.visitor();
    eleventh.address = ([198, 51, 100, 11], 40000).into();
    let throttled = eleventh.sign_in("pcc@opcc.example", PASSWORD).await;
    assert_eq!(throttled.status, 429);
    assert!(throttled.body.contains("too many failed sign-ins"));
    assert_eq!(eleventh.get("/staff").await.status, 303, "not signed in");
    // Another account from that address is not held back.
    app.account("officer@opcc.example", "staff").await;
    assert_eq!(
        eleventh.sign_in("officer@opcc.example", PASSWORD).await.status,
        303
    );
}

#[tokio::test]
async fn failures_from_one_address_for_many_accounts_are_throttled() {
    let app = TestApp::new().await;
    app.account("officer@opcc.example", "staff").await;
    let mut attacker = app.visitor();
    attacker.address = ([203, 0, 113, 9], 40000).into();
    for n in 1..=10 {
        let guess = attacker
            .sign_in(&format!("guess{n}@opcc.example"), "guess guess guess")
            .await;
        assert_eq!(guess.status, 401, "guess {n}");
    }
    // The 11th, for a real account never tried, with its right password.
    let throttled = attacker.sign_in("officer@opcc.example", PASSWORD).await;
    assert_eq!(throttled.status, 429);
    assert_eq!(attacker.get("/staff").await.status, 303, "not signed in");
    let mut elsewhere = app.visitor();
    elsewhere.address = ([203, 0, 113, 10], 40000).into();
    assert_eq!(
        elsewhere.sign_in("officer@opcc.example", PASSWORD).await.status,
        303
    );
}
