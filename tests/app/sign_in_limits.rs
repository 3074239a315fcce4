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

/// Guesses that arrive together, each from its own address: the throttle
/// lets exactly the limit through to a password check however they
/// interleave, and refuses the rest with 429 and `Retry-After`.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_guesses_at_once_get_exactly_ten_password_checks() {
    let app = TestApp::new().await;
    app.account("pcc@opcc.example", "pcc").await;
    let guesses = (0..100u8).map(|n| {
        let app = &app;
        async move {
            let mut attacker = app.visitor();
            attacker.address = ([192, 0, 2, n], 40000).into();
            // The sign-in page first, so that the guesses proper go together.
            let token = attacker.csrf().await;
            let fields = [
                ("_csrf", token.as_str()),
                ("email", "pcc@opcc.example"),
                ("password", "guess guess guess"),
            ];
            let answer = attacker.post_raw("/staff/login", &fields).await;
            (answer.status.as_u16(), answer.header("retry-after").to_owned())
        }
    });
    let answers = futures_util::future::join_all(guesses).await;

    let checked = answers.iter().filter(|(status, _)| *status == 401).count();
    let refused: Vec<_> = answers.iter().filter(|(status, _)| *status == 429).collect();
    assert_eq!(checked, 10, "password checks: {answers:?}");
    assert_eq!(refused.len(), 90, "{answers:?}");
    assert!(refused.iter().all(|(_, after)| after == "300"), "{refused:?}");
    let stored: i64 = sqlx::query_scalar("select count(*) from sign_in_attempt where email = $1")
        .bind("pcc@opcc.example")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(stored, 10, "one stored failure per password check");
}

#[tokio::test]
async fn an_ipv6_attacker_counts_as_one_address_across_their_slash_64() {
    let app = TestApp::new().await;
    app.account("officer@opcc.example", "staff").await;
    let in_block = |n: u16| -> std::net::SocketAddr {
        let ip = std::net::Ipv6Addr::new(0x2001, 0xdb8, 0x42, 0x7, n, 0xbeef, n, n);
        (ip, 40000).into()
    };
    for n in 1..=10u16 {
        let mut attacker = app.visitor();
        attacker.address = in_block(n);
        let guess = attacker
            .sign_in(&format!("guess{n}@opcc.example"), "guess guess guess")
            .await;
        assert_eq!(guess.status, 401, "guess {n}");
    }
    // A new address in the same /64, for an account never tried.
    let mut same_block = app.visitor();
    same_block.address = in_block(11);
    let throttled = same_block.sign_in("officer@opcc.example", PASSWORD).await;
    assert_eq!(throttled.status, 429, "{}", throttled.body);
    assert_eq!(throttled.header("retry-after"), "300");
    // The neighbouring /64 is someone else.
    let mut neighbour = app.visitor();
    neighbour.address = (
        std::net::Ipv6Addr::new(0x2001, 0xdb8, 0x42, 0x8, 0, 0, 0, 1),
        40000,
    )
        .into();
    assert_eq!(
        neighbour.sign_in("officer@opcc.example", PASSWORD).await.status,
        303
    );
}

#[tokio::test]
async fn a_sign_in_that_succeeds_is_no_failure() {
    let app = TestApp::new().await;
    app.account("officer@opcc.example", "staff").await;
    // Ten right passwords from one address use none of its ten failures.
    for n in 1..=10 {
        let mut officer = app.visitor();
        let signed_in = officer.sign_in("officer@opcc.example", PASSWORD).await;
        assert_eq!(signed_in.status, 303, "sign-in {n}");
    }
    let mut guesser = app.visitor();
    let wrong = guesser
        .sign_in("officer@opcc.example", "not the password at all")
        .await;
    assert_eq!(wrong.status, 401, "{}", wrong.body);
}
