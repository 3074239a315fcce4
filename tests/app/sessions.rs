//! Sessions: deleted with a disabled account, twelve hours at most after
//! sign-in, `__Host-` cookies over HTTPS, none for anonymous visitors,
//! swept when expired; form tokens in the body of uploads, and new at
//! sign-in.

use axum::body::Body;
use axum::http::Request;

use crate::common::{PASSWORD, RecordBuilder, TestApp, TestResponse, Visitor};

/// Sessions stored for `account`.
async fn sessions_of(app: &TestApp, account: i64) -> i64 {
    sqlx::query_scalar("select count(*) from session where account_id = $1")
        .bind(account)
        .fetch_one(&app.pool)
        .await
        .expect("count")
}

async fn all_sessions(app: &TestApp) -> i64 {
    sqlx::query_scalar("select count(*) from session")
        .fetch_one(&app.pool)
        .await
        .expect("count")
}

/// `uri` asked for with exactly `cookie`, as a browser that kept it would.
async fn get_with_cookie(app: &TestApp, cookie: &str, uri: &str) -> TestResponse {
    let request = Request::get(uri)
        .header("cookie", cookie)
        .body(Body::empty())
        .expect("request");
    app.request(request).await
}

/// The `Cookie` header `visitor` sends.
fn cookie_header(visitor: &Visitor<'_>) -> String {
    let request = visitor
        .build(Request::get("/"))
        .body(Body::empty())
        .expect("request");
    request.headers()["cookie"].to_str().expect("ascii").to_owned()
}

/// The `Set-Cookie` header of `response` for the cookie `name`.
fn set_cookie<'r>(response: &'r TestResponse, name: &str) -> Option<&'r str> {
    response
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
}

#[tokio::test]
async fn a_disabled_accounts_old_cookie_is_sent_to_sign_in_even_after_it_is_enabled_again() {
    let app = TestApp::new().await;
    let leaver = app.signed_in("staff").await;
    let (id, old_cookie) = (leaver.account_id(), cookie_header(&leaver));
    assert_eq!(get_with_cookie(&app, &old_cookie, "/staff").await.status, 200);
    let mut admin = app.signed_in("admin").await;

    let disabled = admin.post(&format!("/staff/users/{id}/disable"), &[]).await;
    assert_eq!(disabled.status, 303);
    assert_eq!(sessions_of(&app, id).await, 0, "disabling deletes the sessions");
    let refused = get_with_cookie(&app, &old_cookie, "/staff").await;
    assert_eq!(refused.status, 303);
    assert!(refused.header("location").starts_with("/staff/login"));

    let enabled = admin.post(&format!("/staff/users/{id}/enable"), &[]).await;
    assert_eq!(enabled.status, 303);
    let still = get_with_cookie(&app, &old_cookie, "/staff").await;
    assert_eq!(still.status, 303, "re-enabling brings no old session back");
    assert!(still.header("location").starts_with("/staff/login"));
}

#[tokio::test]
async fn a_password_reset_deletes_the_sessions_and_a_new_role_applies_to_them_at_once() {
    let app = TestApp::new().await;
    let mut officer = app.signed_in("staff").await;
    let id = officer.account_id();
    let mut admin = app.signed_in("admin").await;
    assert_eq!(officer.get("/staff/review").await.status, 403);

    // A role change keeps the session; the role is read on every request.
    let promoted = admin
        .post(&format!("/staff/users/{id}/role"), &[("role", "pcc")])
        .await;
    assert_eq!(promoted.status, 303);
    assert_eq!(officer.get("/staff/review").await.status, 200, "the PCC's queue");
    admin
        .post(&format!("/staff/users/{id}/role"), &[("role", "staff")])
        .await;
    assert_eq!(officer.get("/staff/review").await.status, 403, "demoted at once");

    let reset = admin
        .post(&format!("/staff/users/{id}/reset-password"), &[])
        .await;
    assert_eq!(reset.status, 303);
    assert_eq!(sessions_of(&app, id).await, 0, "a reset deletes the sessions");
    assert_eq!(officer.get("/staff").await.status, 303);
}

#[tokio::test]
async fn a_session_twelve_hours_after_sign_in_is_refused_however_active() {
    let app = TestApp::new().await;
    let mut officer = app.signed_in("staff").await;
    let id = officer.account_id();
    assert_eq!(officer.get("/staff").await.status, 200);
    // Signed in 12 hours ago, and busy ever since: its idle expiry is far off.
    sqlx::query(
        "update session set signed_in_at = now() - interval '12 hours 1 minute',
                            expires_at = now() + interval '2 hours'
         where account_id = $1",
    )
    .bind(id)
    .execute(&app.pool)
    .await
    .expect("age the session");
    let refused = officer.get("/staff").await;
    assert_eq!(refused.status, 303);
    assert!(refused.header("location").starts_with("/staff/login"));
}

#[tokio::test]
async fn a_session_is_stored_to_expire_twelve_hours_after_sign_in_at_the_latest() {
    let app = TestApp::new().await;
    let mut officer = app.signed_in("staff").await;
    let id = officer.account_id();
    let within = "select expires_at > now() + interval '100 minutes'
                         and signed_in_at > now() - interval '1 minute'
                  from session where account_id = $1";
    let fresh: Option<bool> = sqlx::query_scalar(within)
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("expiry");
    assert_eq!(fresh, Some(true), "signed in now, two hours idle");
    // The sign-in time the session's data holds, 11 h 50 min ago.
    sqlx::query(
        "update session set data = jsonb_set(data, '{signed_in_at}',
                 to_jsonb(extract(epoch from now() - interval '11 hours 50 minutes')::bigint))
         where account_id = $1",
    )
    .bind(id)
    .execute(&app.pool)
    .await
    .expect("age the data");
    assert_eq!(officer.get("/staff").await.status, 200, "still within 12 hours");
    let capped: bool = sqlx::query_scalar(
        "select expires_at <= now() + interval '11 minutes' and signed_in_at < now() - interval '11 hours'
         from session where account_id = $1",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .expect("expiry");
    assert!(capped, "stored to expire at 12 hours, however active");
}

#[tokio::test]
async fn with_secure_cookies_the_cookies_are_host_prefixed_secure_and_for_the_whole_site() {
    let app = TestApp::with_secure_cookies().await;
    app.account("officer@opcc.example", "staff").await;
    let mut visitor = app.visitor();
    let page = visitor.get("/staff/login").await;
    let csrf = set_cookie(&page, "__Host-scrutiny_csrf").expect("the form's cookie");
    let signed_in = visitor.sign_in("officer@opcc.example", PASSWORD).await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    let session = set_cookie(&signed_in, "__Host-scrutiny_session").expect("the session cookie");
    for cookie in [csrf, session] {
        let attributes: Vec<&str> = cookie.split(';').map(str::trim).collect();
        assert!(attributes.contains(&"Secure"), "{cookie}");
        assert!(attributes.contains(&"Path=/"), "{cookie}");
        assert!(attributes.contains(&"HttpOnly"), "{cookie}");
        assert!(!cookie.contains("Domain="), "{cookie}");
    }
    assert_eq!(visitor.get("/staff").await.status, 200);

    // A cookie without the prefix, such as a sibling site could plant, is
    // not the form's token.
    let mut planted = app.visitor();
    let token = "ab".repeat(32);
    let request = planted
        .build(Request::post("/staff/login"))
        .header("cookie", format!("scrutiny_csrf={token}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "_csrf={token}&email=officer%40opcc.example&password=correct+horse+battery+staple"
        )))
        .expect("request");
    assert_eq!(planted.send(request).await.status, 403);
}

#[tokio::test]
async fn without_secure_cookies_the_cookies_keep_their_plain_names() {
    let app = TestApp::new().await;
    let mut visitor = app.visitor();
    let page = visitor.get("/staff/login").await;
    let csrf = set_cookie(&page, "scrutiny_csrf").expect("the form's cookie");
    assert!(!csrf.contains("Secure"), "{csrf}");
    app.account("officer@opcc.example", "staff").await;
    let signed_in = visitor.sign_in("officer@opcc.example", PASSWORD).await;
    let session = set_cookie(&signed_in, "scrutiny_session").expect("the session cookie");
    assert!(
        !session.contains("Secure") && session.contains("Max-Age="),
        "{session}"
    );
}

#[tokio::test]
async fn anonymous_visitors_write_no_session_rows() {
    let app = TestApp::with_demo().await;
    let mut returning = app.visitor();
    for _ in 0..20 {
        assert_eq!(app.visitor().get("/staff/login").await.status, 200);
        assert_eq!(returning.get("/staff/login").await.status, 200);
    }
    for uri in [
        "/",
        "/meetings",
        "/meetings/2024-12-03-stalking",
        "/search?q=stalking",
        "/staff",
        "/staff/login?next=%2Fstaff%2Fusers",
    ] {
        returning.get(uri).await;
    }
    // A sign-in that fails, or a form with nothing in it, stores nothing either.
    assert_eq!(
        returning.sign_in("nobody@opcc.example", PASSWORD).await.status,
        401
    );
    assert_eq!(returning.sign_in("", "").await.status, 422);
    assert_eq!(all_sessions(&app).await, 0);
}

#[tokio::test]
async fn the_sign_in_forms_token_must_match_the_browsers_cookie() {
    let app = TestApp::new().await;
    app.account("officer@opcc.example", "staff").await;
    let mut visitor = app.visitor();
    let token = visitor.csrf().await;
    assert_eq!(visitor.cookie("scrutiny_csrf"), Some(token.as_str()));
    // The same token from a browser without the cookie is refused.
    let mut other = app.visitor();
    let fields = [
        ("_csrf", token.as_str()),
        ("email", "officer@opcc.example"),
        ("password", PASSWORD),
    ];
    assert_eq!(other.post_raw("/staff/login", &fields).await.status, 403);
    assert_eq!(visitor.post_raw("/staff/login", &fields).await.status, 303);
}

#[tokio::test]
async fn a_planted_token_not_of_the_sites_making_is_refused_and_replaced() {
    let app = TestApp::new().await;
    app.account("officer@opcc.example", "staff").await;
    // Tokens are 64 hexadecimal digits; a cookie holding anything else was
    // not made by the site (a sibling site or a script could plant one
    // chosen to match a form it sends).
    for planted in ["abc123".to_owned(), "z".repeat(64), "ab".repeat(31)] {
        let request = Request::post("/staff/login")
            .header("cookie", format!("scrutiny_csrf={planted}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "_csrf={planted}&email=officer%40opcc.example&password=correct+horse+battery+staple"
            )))
            .expect("request");
        assert_eq!(app.request(request).await.status, 403, "{planted}");

        let page = get_with_cookie(&app, &format!("scrutiny_csrf={planted}"), "/staff/login").await;
        let fresh = set_cookie(&page, "scrutiny_csrf").expect("a token of the site's making");
        assert!(!fresh.contains(&planted), "{fresh}");
        assert!(
            !page.body.contains(&planted),
            "the form does not carry the planted token"
        );
    }
}

#[tokio::test]
async fn a_token_seen_before_sign_in_is_refused_after_it() {
    let app = TestApp::new().await;
    app.account("officer@opcc.example", "staff").await;
    app.account("second@opcc.example", "staff").await;
    let mut visitor = app.visitor();
    let before = visitor.csrf().await;
    let fields = [("email", "officer@opcc.example"), ("password", PASSWORD)];
    let mut with_before = vec![("_csrf", before.as_str())];
    with_before.extend_from_slice(&fields);
    assert_eq!(visitor.post_raw("/staff/login", &with_before).await.status, 303);
    let out = visitor
        .post_raw("/staff/logout", &[("_csrf", before.as_str())])
        .await;
    assert_eq!(out.status, 403, "the token from before sign-in");
    assert_eq!(visitor.get("/staff").await.status, 200, "still signed in");

    // Signing in again (as someone else) in the same browser: the signed-in
    // session's token is refused after it too.
    let signed_in = visitor.csrf().await;
    assert_ne!(signed_in, before);
    let again = visitor.sign_in("second@opcc.example", PASSWORD).await;
    assert_eq!(again.status, 303);
    let out = visitor
        .post_raw("/staff/logout", &[("_csrf", signed_in.as_str())])
        .await;
    assert_eq!(out.status, 403, "the token from before the second sign-in");
    assert_eq!(visitor.post("/staff/logout", &[]).await.status, 303);
}

#[tokio::test]
async fn an_upload_carries_its_token_as_the_first_field_of_its_body_not_in_its_address() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let record = RecordBuilder::new("2024-12-03", "Stalking")
        .by(staff.account_id())
        .draft(&app.pool)
        .await;
    let uri = format!("/staff/meetings/{}/documents", record.id);
    let pdf = (
        "plan.pdf",
        &b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"[..],
    );
    let token = staff.csrf().await;

    let in_the_address = staff
        .upload_raw(&format!("{uri}?_csrf={token}"), &[("title", "Plan")], pdf)
        .await;
    assert_eq!(in_the_address.status, 403, "the token in the query string");
    let not_first = staff
        .upload_raw(&uri, &[("title", "Plan"), ("_csrf", &token)], pdf)
        .await;
    assert_eq!(not_first.status, 403, "the token after another field");
    let absent = staff.upload_raw(&uri, &[("title", "Plan")], pdf).await;
    assert_eq!(absent.status, 403);
    let documents = "select count(*) from document";
    let count: i64 = sqlx::query_scalar(documents)
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(count, 0);

    let uploaded = staff.upload(&uri, &[("title", "Plan")], pdf).await;
    assert_eq!(uploaded.status, 303, "{}", uploaded.body);
    // Over a slow connection the token arrives over several reads.
    let fields = [("_csrf", token.as_str()), ("title", "Slow plan")];
    let slowly = staff.upload_in_pieces(&uri, &fields, pdf, 7).await;
    assert_eq!(slowly.status, 303, "{}", slowly.body);
    let count: i64 = sqlx::query_scalar(documents)
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(count, 2);
    let editor = staff.get(&format!("/staff/meetings/{}", record.id)).await;
    let actions = editor.html();
    let form = scraper::Selector::parse("form[enctype='multipart/form-data']").expect("selector");
    let first = scraper::Selector::parse("form[enctype='multipart/form-data'] > input:first-child")
        .expect("selector");
    let form = actions.select(&form).next().expect("the upload form");
    assert!(!form.value().attr("action").unwrap_or_default().contains("_csrf"));
    let hidden = actions.select(&first).next().expect("a first input");
    assert_eq!(hidden.value().attr("name"), Some("_csrf"));
}

#[tokio::test]
async fn the_import_form_carries_its_token_first_in_its_body() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let page = staff.get("/staff/import").await;
    let html = page.html();
    let form = scraper::Selector::parse("form[enctype='multipart/form-data']").expect("selector");
    let form = html.select(&form).next().expect("the import form");
    assert_eq!(form.value().attr("action"), Some("/staff/import"));
    let first = scraper::Selector::parse("input").expect("selector");
    let first = form.select(&first).next().expect("an input");
    assert_eq!(first.value().attr("name"), Some("_csrf"));
    let token = staff.csrf().await;
    let in_the_address = staff
        .upload_raw(&format!("/staff/import?_csrf={token}"), &[], ("notes.txt", b"x"))
        .await;
    assert_eq!(in_the_address.status, 403);
    let with_token = staff
        .upload("/staff/import", &[], ("notes.txt", b"\x00\x01\x02"))
        .await;
    assert_eq!(with_token.status, 422, "read, and refused on its content");
}

#[tokio::test]
async fn the_sweep_deletes_expired_sessions_and_old_sign_in_attempts_only() {
    let app = TestApp::new().await;
    let officer = app.signed_in("staff").await;
    sqlx::query(
        "insert into session (id, data, expires_at) values
             ('expired', '{}', now() - interval '1 minute'),
             ('live', '{}', now() + interval '1 hour')",
    )
    .execute(&app.pool)
    .await
    .expect("sessions");
    sqlx::query(
        "insert into sign_in_attempt (email, address, succeeded, at) values
             ('old@opcc.example', '10.0.0.9', false, now() - interval '6 minutes'),
             ('recent@opcc.example', '10.0.0.9', false, now() - interval '4 minutes')",
    )
    .execute(&app.pool)
    .await
    .expect("attempts");

    let swept = scrutiny::web::auth::sweep(&app.pool).await.expect("sweep");

    assert_eq!(
        swept,
        scrutiny::web::auth::Swept {
            sessions: 1,
            attempts: 1
        }
    );
    let ids: Vec<String> = sqlx::query_scalar("select id from session where account_id is null order by id")
        .fetch_all(&app.pool)
        .await
        .expect("ids");
    assert_eq!(ids, ["live"]);
    assert_eq!(
        sessions_of(&app, officer.account_id()).await,
        1,
        "a signed-in session stays"
    );
    let emails: Vec<String> = sqlx::query_scalar("select email from sign_in_attempt order by email")
        .fetch_all(&app.pool)
        .await
        .expect("emails");
    assert!(!emails.contains(&"old@opcc.example".to_owned()), "{emails:?}");
    assert!(emails.contains(&"recent@opcc.example".to_owned()), "{emails:?}");
}
