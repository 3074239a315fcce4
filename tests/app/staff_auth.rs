//! Signing in, sessions, CSRF, roles and throttling, through the real router.

use crate::common::{PASSWORD, RecordBuilder, TestApp};

#[tokio::test]
async fn the_sign_in_page_has_labelled_fields_and_a_button() {
    let app = TestApp::new().await;
    let page = app.visitor().get("/staff/login").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.texts("label"), ["Email", "Password"]);
    assert_eq!(page.texts("form[action='/staff/login'] button"), ["Sign in"]);
}

#[tokio::test]
async fn staff_sign_in_reach_the_dashboard_and_sign_out() {
    let app = TestApp::new().await;
    app.account("officer@opcc.example", "staff").await;
    let mut visitor = app.visitor();
    let before = visitor.get("/staff").await;
    assert_eq!(before.status, 303);
    assert_eq!(before.header("location"), "/staff/login?next=%2Fstaff");

    let login_page = visitor.get("/staff/login").await;
    assert!(
        !login_page.header("set-cookie").starts_with("scrutiny_session="),
        "no session before sign-in"
    );
    let signed_in = visitor.sign_in("Officer@OPCC.example ", PASSWORD).await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    assert_eq!(signed_in.header("location"), "/staff");
    let cookie = signed_in.header("set-cookie");
    assert!(
        cookie.starts_with("scrutiny_session=")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );

    let dashboard = visitor.get("/staff").await;
    assert_eq!(dashboard.status, 200);
    assert_eq!(dashboard.texts("h1"), ["Dashboard"]);
    assert!(dashboard.texts("a").contains(&"New meeting".to_owned()));

    let out = visitor.post("/staff/logout", &[]).await;
    assert_eq!(out.status, 303);
    assert_eq!(visitor.get("/staff").await.status, 303, "signed out");
}

#[tokio::test]
async fn a_wrong_password_is_refused_with_a_message() {
    let app = TestApp::new().await;
    app.account("officer@opcc.example", "staff").await;
    let mut visitor = app.visitor();
    let wrong = visitor.sign_in("officer@opcc.example", "not the password").await;
    assert_eq!(wrong.status, 401);
    assert_eq!(
        wrong.texts(".error-summary li"),
        ["The email address or password is not right"]
    );
    assert_eq!(wrong.texts("input#email").len(), 1);
    assert!(
        wrong.body.contains("value=\"officer@opcc.example\""),
        "the email typed is kept"
    );
    let unknown = visitor.sign_in("nobody@opcc.example", PASSWORD).await;
    assert_eq!(unknown.status, 401);
    let empty = visitor.sign_in("", "").await;
    assert_eq!(empty.status, 422);
    assert_eq!(empty.texts(".error-summary a").len(), 2);
    assert_eq!(visitor.get("/staff").await.status, 303);
}

#[tokio::test]
async fn a_post_without_the_form_token_is_refused() {
    let app = TestApp::new().await;
    app.account("officer@opcc.example", "staff").await;
    let mut visitor = app.visitor();
    visitor.get("/staff/login").await;
    let fields = [("email", "officer@opcc.example"), ("password", PASSWORD)];
    let missing = visitor.post_raw("/staff/login", &fields).await;
    assert_eq!(missing.status, 403);
    assert_eq!(missing.texts("h1"), ["This form has expired"]);
    let forged = visitor
        .post_raw("/staff/login", &[("_csrf", "forged"), fields[0], fields[1]])
        .await;
    assert_eq!(forged.status, 403);
    assert_eq!(visitor.get("/staff").await.status, 303, "not signed in");
    let mut signed_in = app.signed_in("staff").await;
    let logout = signed_in.post_raw("/staff/logout", &[]).await;
    assert_eq!(logout.status, 403);
    assert_eq!(signed_in.get("/staff").await.status, 200, "still signed in");
}

#[tokio::test]
async fn ten_failures_in_five_minutes_get_429_and_it_passes() {
    let app = TestApp::new().await;
    app.account("pcc@opcc.example", "pcc").await;
    let mut attacker = app.visitor();
    for _ in 0..10 {
        assert_eq!(
            attacker
                .sign_in("pcc@opcc.example", "guess guess guess")
                .await
                .status,
            401
        );
    }
    let throttled = attacker.sign_in("pcc@opcc.example", PASSWORD).await;
    assert_eq!(throttled.status, 429);
    assert!(throttled.body.contains("Wait 5 minutes"));
    // The window slides: once the failures are older than five minutes the
    // account signs in again; it is never locked for good.
    sqlx::query("update sign_in_attempt set at = at - interval '6 minutes'")
        .execute(&app.pool)
        .await
        .expect("age attempts");
    assert_eq!(attacker.sign_in("pcc@opcc.example", PASSWORD).await.status, 303);
}

#[tokio::test]
async fn failures_from_one_address_are_throttled_across_accounts() {
    let app = TestApp::new().await;
    let mut attacker = app.visitor();
    for n in 0..10 {
        attacker
            .sign_in(&format!("guess{n}@opcc.example"), "guess guess guess")
            .await;
    }
    assert_eq!(attacker.sign_in("another@opcc.example", "x").await.status, 429);
    let mut elsewhere = app.visitor();
    elsewhere.address = ([10, 0, 0, 2], 40000).into();
    assert_eq!(elsewhere.sign_in("another@opcc.example", "x").await.status, 401);
}

#[tokio::test]
async fn anonymous_users_are_sent_to_sign_in_and_wrong_roles_get_403() {
    let app = TestApp::new().await;
    let mut anonymous = app.visitor();
    for uri in [
        "/staff",
        "/staff/users",
        "/staff/audit",
        "/staff/meetings/new",
        "/staff/questions/1",
    ] {
        let response = anonymous.get(uri).await;
        assert_eq!(response.status, 303, "{uri}");
        assert!(
            response.header("location").starts_with("/staff/login?next="),
            "{uri}"
        );
    }
    let mut staff = app.signed_in("staff").await;
    for uri in ["/staff/users", "/staff/audit"] {
        assert_eq!(staff.get(uri).await.status, 403, "{uri}");
    }
    assert_eq!(
        staff
            .post("/staff/users", &[("email", "x@y.z"), ("role", "admin")])
            .await
            .status,
        403
    );
    let mut pcc = app.signed_in("pcc").await;
    assert_eq!(pcc.get("/staff/users").await.status, 403);
    let mut admin = app.signed_in("admin").await;
    assert_eq!(admin.get("/staff/users").await.status, 200);
    assert_eq!(admin.get("/staff/audit").await.status, 200);
}

#[tokio::test]
async fn security_headers_are_on_staff_pages_too() {
    let app = TestApp::new().await;
    let page = app.visitor().get("/staff/login").await;
    let csp = page.header("content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"));
    assert_eq!(page.header("x-content-type-options"), "nosniff");
    assert!(!page.header("referrer-policy").is_empty());
}

#[tokio::test]
async fn the_session_cookie_expires_when_idle_and_is_secure_when_set() {
    for secure in [false, true] {
        let app = if secure {
            TestApp::with_secure_cookies().await
        } else {
            TestApp::new().await
        };
        app.account("officer@opcc.example", "staff").await;
        let signed_in = app.visitor().sign_in("officer@opcc.example", PASSWORD).await;
        assert_eq!(signed_in.status, 303);
        let cookie = signed_in.header("set-cookie");
        assert!(cookie.contains("Max-Age="), "{cookie}");
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert_eq!(
            cookie.contains("Secure"),
            secure,
            "plain http for local use: {cookie}"
        );
    }
}

#[tokio::test]
async fn the_dashboard_lists_actions_due_and_overdue() {
    let app = TestApp::new().await;
    let three_days_ago = chrono::Utc::now().date_naive() - chrono::Days::new(3);
    RecordBuilder::new("2024-01-10", "Road Safety")
        .sample_question()
        .action("Report on speed cameras")
        .owner("Chief Inspector")
        .due_on(&three_days_ago.to_string())
        .publish(&app.pool)
        .await;
    let mut staff = app.signed_in("staff").await;
    let dashboard = staff.get("/staff").await;
    let rows = dashboard.texts("#actions-due + table tbody tr");
    assert_eq!(rows.len(), 1);
    assert!(
        rows[0].contains("Report on speed cameras") && rows[0].contains("Overdue"),
        "{rows:?}"
    );
}

#[tokio::test]
async fn a_cross_site_post_is_refused_even_with_a_token() {
    let app = TestApp::new().await;
    app.account("officer@opcc.example", "staff").await;
    let mut visitor = app.visitor();
    let token = visitor.csrf().await;
    let body = format!("_csrf={token}&email=officer%40opcc.example&password=correct+horse+battery+staple");
    let post = |origin: &str, site: &str| {
        visitor
            .build(axum::http::Request::post("/staff/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("host", "127.0.0.1:3000")
            .header("origin", origin)
            .header("sec-fetch-site", site)
            .body(axum::body::Body::from(body.clone()))
            .expect("request")
    };
    // The browser's session and token are right, but the form was posted
    // from another site.
    let (cross_site, same_origin) = (
        post("https://evil.example", "cross-site"),
        post("http://127.0.0.1:3000", "same-origin"),
    );
    let refused = visitor.send(cross_site).await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.texts("h1"), ["This form has expired"]);
    let signed_in = visitor.send(same_origin).await;
    assert_eq!(
        signed_in.status, 303,
        "the same request from the site itself signs in"
    );
}

#[tokio::test]
async fn behind_a_proxy_each_client_is_throttled_by_its_own_address() {
    let app = TestApp::new().await;
    for _ in 0..10 {
        sqlx::query(
            "insert into sign_in_attempt (email, address, succeeded) values ('a@b.c', '203.0.113.5', false)",
        )
        .execute(&app.pool)
        .await
        .expect("attempt");
    }
    let mut visitor = app.visitor();
    let token = visitor.csrf().await;
    // Every request reaches the app from the proxy's own address; the proxy
    // adds the client's as the last X-Forwarded-For entry.
    let request = |client: &str| {
        visitor
            .build(axum::http::Request::post("/staff/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-forwarded-for", format!("198.51.100.7, {client}"))
            .body(axum::body::Body::from(format!(
                "_csrf={token}&email=other%40opcc.example&password=wrong"
            )))
            .expect("request")
    };
    let (from_blocked, from_other) = (request("203.0.113.5"), request("203.0.113.6"));
    let behind_proxy = scrutiny::app(scrutiny::AppState {
        behind_proxy: true,
        ..scrutiny::AppState::new(app.pool.clone())
    });
    let send = |r| tower::ServiceExt::oneshot(behind_proxy.clone(), r);
    assert_eq!(
        send(from_blocked).await.expect("response").status(),
        429,
        "the client that failed ten times"
    );
    assert_eq!(
        send(from_other).await.expect("response").status(),
        401,
        "another client behind the same proxy"
    );
}

#[tokio::test]
async fn a_new_password_ends_the_accounts_other_sessions_and_keeps_this_one() {
    let app = TestApp::new().await;
    app.account("officer@opcc.example", "staff").await;
    let mut here = app.visitor();
    let mut elsewhere = app.visitor();
    for visitor in [&mut here, &mut elsewhere] {
        assert_eq!(
            visitor.sign_in("officer@opcc.example", PASSWORD).await.status,
            303
        );
        assert_eq!(visitor.get("/staff").await.status, 200);
    }

    let new = "a much longer new passphrase";
    let changed = here
        .post(
            "/staff/password",
            &[("current", PASSWORD), ("new", new), ("confirm", new)],
        )
        .await;
    assert_eq!(changed.status, 303, "{}", changed.body);

    assert_eq!(
        here.get("/staff").await.status,
        200,
        "this browser stays signed in"
    );
    let other = elsewhere.get("/staff").await;
    assert_eq!(other.status, 303, "the other browser is signed out");
    assert_eq!(other.header("location"), "/staff/login?next=%2Fstaff");
}
