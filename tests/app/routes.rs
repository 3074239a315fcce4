//! The route table (`scrutiny::web::routes::ROUTES`) is the router's, and
//! every route keeps out whoever may not use it: anonymous visitors are sent
//! to sign in, a role without the permission gets 403, and a state-changing
//! request without its form token, or from another site, gets 403.

use std::collections::BTreeSet;
use std::path::Path;

use axum::body::Body;
use axum::http::Request;
use scrutiny::domain::account::Permission;
use scrutiny::web::routes::{Access, Method, ROUTES, Route};

use crate::common::{RecordBuilder, TestApp, TestResponse, Visitor};

/// Every `.route("path", get(..).post(..))` in the router's source, as
/// (method, path).
fn routes_in_source() -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    let mut files = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web")];
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(
                std::fs::read_dir(&path)
                    .expect("dir")
                    .map(|e| e.expect("entry").path()),
            );
            continue;
        }
        let source = std::fs::read_to_string(&path).expect("source");
        let mut rest = source.as_str();
        while let Some(at) = rest.find(".route(") {
            rest = &rest[at + ".route(".len()..];
            let call = &rest[..closing_paren(rest)];
            let Some(open) = call.find('"') else { continue };
            let close = open + 1 + call[open + 1..].find('"').expect("a closed path literal");
            let route = &call[open + 1..close];
            for method in ["get", "post"] {
                if has_call(&call[close..], method) {
                    found.insert((method.to_uppercase(), route.to_owned()));
                }
            }
        }
    }
    found
}

/// Where the call whose arguments start `text` ends.
fn closing_paren(text: &str) -> usize {
    let mut depth = 1;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            return i;
        }
    }
    text.len()
}

/// Whether `text` calls the function `name` (`get(`, `.post(`, `routing::post(`).
fn has_call(text: &str, name: &str) -> bool {
    let pattern = format!("{name}(");
    text.match_indices(&pattern).any(|(i, _)| {
        text[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
    })
}

fn method_name(route: &Route) -> &'static str {
    match route.method {
        Method::Get => "GET",
        Method::Post => "POST",
    }
}

#[test]
fn the_route_table_lists_exactly_the_routes_the_router_serves() {
    let table: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|r| (method_name(r).to_owned(), r.path.to_owned()))
        .collect();
    assert_eq!(table.len(), ROUTES.len(), "no route is listed twice");
    let source = routes_in_source();
    let missing: Vec<_> = source.difference(&table).collect();
    let stale: Vec<_> = table.difference(&source).collect();
    assert!(missing.is_empty(), "served but not in ROUTES: {missing:?}");
    assert!(stale.is_empty(), "in ROUTES but not served: {stale:?}");
}

/// The route's address with its parameters filled in.
fn address(route: &Route) -> String {
    route
        .path
        .replace("{id}", "1")
        .replace("{slug}", "2024-12-03-stalking")
        .replace("{number}", "1")
        .replace("{topic}", "stalking")
        .replace("{name}", "site.css")
        .replace("{token}", &"0".repeat(64))
}

/// Sends `route` as `visitor`, with `token` as its form token (the first
/// field of an upload, a field of the form otherwise) and `origin` as the
/// browser's Origin header.
async fn send(
    visitor: &mut Visitor<'_>,
    route: &Route,
    token: Option<&str>,
    origin: Option<&str>,
) -> TestResponse {
    let uri = address(route);
    let request = match route.method {
        Method::Get => visitor.build(Request::get(&uri)),
        Method::Post if route.multipart => visitor
            .build(Request::post(&uri))
            .header("content-type", "multipart/form-data; boundary=x"),
        Method::Post => visitor
            .build(Request::post(&uri))
            .header("content-type", "application/x-www-form-urlencoded"),
    };
    let request = match origin {
        Some(origin) => request.header("origin", origin),
        None => request,
    };
    let body = match (route.method, route.multipart, token) {
        (Method::Post, false, Some(token)) => Body::from(format!("_csrf={token}")),
        (Method::Post, true, Some(token)) => Body::from(format!(
            "--x\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{token}\r\n--x--\r\n"
        )),
        (Method::Post, true, None) => Body::from("--x--\r\n"),
        _ => Body::empty(),
    };
    visitor.send(request.body(body).expect("request")).await
}

fn what(route: &Route) -> String {
    format!("{} {}", method_name(route), route.path)
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_sign_in_for_every_staff_route() {
    let app = TestApp::new().await;
    let mut anonymous = app.visitor();
    let token = anonymous.csrf().await;
    for route in ROUTES.iter().filter(|r| r.access != Access::Public) {
        let response = send(&mut anonymous, route, Some(&token), None).await;
        assert_eq!(response.status, 303, "{}: {}", what(route), response.body);
        assert!(
            response.header("location").starts_with("/staff/login"),
            "{} sends to {}",
            what(route),
            response.header("location")
        );
    }
}

#[tokio::test]
async fn every_role_without_the_permission_is_refused_every_route_that_needs_it() {
    let app = TestApp::new().await;
    let mut refused = 0;
    for role in ["staff", "pcc", "admin"] {
        let mut visitor = app.signed_in(role).await;
        let token = visitor.csrf().await;
        let granted = |permission: Permission| match permission {
            Permission::Write => true,
            Permission::Decide => role == "pcc",
            Permission::Administer => role == "admin",
        };
        for route in ROUTES {
            let Access::Role(permission) = route.access else {
                continue;
            };
            if granted(permission) {
                continue;
            }
            let response = send(&mut visitor, route, Some(&token), None).await;
            assert_eq!(
                response.status,
                403,
                "{role} on {}: {}",
                what(route),
                response.body
            );
            refused += 1;
        }
    }
    // Staff may not decide or administer, the PCC may not administer, and
    // admins may not decide: each of those routes is tried at least once.
    let (decide, administer) = (
        ROUTES
            .iter()
            .filter(|r| r.access == Access::Role(Permission::Decide))
            .count(),
        ROUTES
            .iter()
            .filter(|r| r.access == Access::Role(Permission::Administer))
            .count(),
    );
    assert_eq!(refused, 2 * decide + 2 * administer);
}

/// Someone who may use `route`, signed in as such.
async fn allowed<'a>(app: &'a TestApp, route: &Route) -> Visitor<'a> {
    match route.access {
        Access::Public => app.visitor(),
        Access::SignedIn | Access::Role(Permission::Write) => app.signed_in("staff").await,
        Access::Role(Permission::Decide) => app.signed_in("pcc").await,
        Access::Role(Permission::Administer) => app.signed_in("admin").await,
    }
}

#[tokio::test]
async fn every_state_changing_route_refuses_a_request_without_its_token_or_from_another_site() {
    let app = TestApp::new().await;
    let mut tried = 0;
    for route in ROUTES.iter().filter(|r| r.needs_form_token()) {
        let mut visitor = allowed(&app, route).await;
        let token = visitor.csrf().await;
        let without = send(&mut visitor, route, None, None).await;
        assert_eq!(
            without.status,
            403,
            "{} without a token: {}",
            what(route),
            without.body
        );
        let wrong = send(&mut visitor, route, Some("not-the-token"), None).await;
        assert_eq!(wrong.status, 403, "{} with a wrong token", what(route));
        let elsewhere = send(&mut visitor, route, Some(&token), Some("https://evil.example")).await;
        assert_eq!(elsewhere.status, 403, "{} from another site", what(route));
        tried += 1;
    }
    assert!(tried > 30, "every state-changing route is tried ({tried})");
    assert!(ROUTES.iter().any(|r| r.multipart), "uploads are tried too");
}

#[tokio::test]
async fn only_stopping_alerts_needs_no_form_token_and_it_still_refuses_other_sites() {
    // The one-click stop of alerts (RFC 8058) is sent by mail programs,
    // with no cookie or form: its address's token is its proof. An unknown
    // token changes nothing (404), a browser on another site is refused.
    let exempt: Vec<String> = ROUTES
        .iter()
        .filter(|r| r.changes_state() && !r.needs_form_token())
        .map(what)
        .collect();
    assert_eq!(exempt, ["POST /alerts/unsubscribe/{token}"]);
    let app = TestApp::new().await;
    for route in ROUTES
        .iter()
        .filter(|r| !r.needs_form_token() && r.changes_state())
    {
        let mut visitor = app.visitor();
        let without = send(&mut visitor, route, None, None).await;
        assert_eq!(without.status, 404, "{}: {}", what(route), without.body);
        let elsewhere = send(&mut visitor, route, None, Some("https://evil.example")).await;
        assert_eq!(elsewhere.status, 403, "{} from another site", what(route));
    }
}

#[tokio::test]
async fn a_form_as_large_as_the_forms_limit_is_read_for_its_token() {
    // Forms may be up to 2 MB; the token check reads the whole body to find
    // the token, so a form of 1.5 MB is checked and then judged on its
    // fields (too long evidence: 422), not refused as too large (413).
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let record = RecordBuilder::new("2024-12-03", "Stalking")
        .by(staff.account_id())
        .question("What is the Force doing?")
        .draft(&app.pool)
        .await;
    let evidence = "- word ".repeat(1_500_000 / 7);
    let response = staff
        .post(
            &format!("/staff/meetings/{}/questions", record.id),
            &[
                ("text", "A long question?"),
                ("evidence", &evidence),
                ("version", ""),
            ],
        )
        .await;
    assert_eq!(
        response.status,
        422,
        "{}",
        &response.body[..response.body.len().min(300)]
    );
}

#[tokio::test]
async fn an_upload_without_its_token_is_refused_before_its_body_is_read() {
    // A large upload with no token is refused as such (403), not read into
    // memory first and refused as too large.
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let record = RecordBuilder::new("2024-12-03", "Stalking")
        .by(staff.account_id())
        .draft(&app.pool)
        .await;
    let mut body =
        b"--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.pdf\"\r\n\r\n%PDF-1.4\n"
            .to_vec();
    body.resize(3 * 1024 * 1024, b'a');
    body.extend_from_slice(b"\r\n--x--\r\n");
    let request = staff
        .build(Request::post(format!("/staff/meetings/{}/documents", record.id)))
        .header("content-type", "multipart/form-data; boundary=x")
        .body(Body::from(body))
        .expect("request");
    let response = staff.send(request).await;
    assert_eq!(response.status, 403, "{}", response.body);
}

#[tokio::test]
async fn a_form_sent_from_the_sites_public_address_is_accepted_behind_a_proxy() {
    // Behind a reverse proxy the Host the app sees is not the address the
    // browser used: the browser's Origin is the site's public address, and
    // that origin is trusted.
    let app = TestApp::new().await;
    let mut visitor = app.visitor();
    let token = visitor.csrf().await;
    let email = format!("staff-{}@example.org", uuid::Uuid::new_v4().simple());
    app.account(&email, "staff").await;
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("_csrf", &token)
        .append_pair("email", &email)
        .append_pair("password", crate::common::PASSWORD)
        .finish();
    let request = visitor
        .build(Request::post("/staff/login"))
        .header("host", "app.internal:8080")
        .header("origin", scrutiny::config::DEFAULT_PUBLIC_URL)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .expect("request");
    let response = visitor.send(request).await;
    assert_eq!(response.status, 303, "{}", response.body);
}
