//! `/staff/settings`: the office's own site. What an admin sets appears in
//! the header and footer, the accessibility statement, open data, the feed
//! and the calendar, on every instance; bad input is refused field by field.

use std::sync::Arc;

use axum::body::Body;
use axum::http::Request;

use crate::cache::within_a_second;
use crate::common::{TestApp, TestResponse, Visitor, answer, plan_entry};

const OFFICE: &str = "Office of the Police and Crime Commissioner for Cleveland";
const PUBLIC: &str = "https://scrutiny.cleveland.example.org";

/// The version the settings form carries.
fn version(page: &TestResponse) -> String {
    let html = page.html();
    let selector = scraper::Selector::parse("input[name=version]").expect("selector");
    html.select(&selector)
        .next()
        .and_then(|input| input.value().attr("value"))
        .expect("a version field")
        .to_owned()
}

async fn save(admin: &mut Visitor<'_>, fields: &[(&str, &str)]) -> TestResponse {
    let form = admin.get("/staff/settings").await;
    assert_eq!(form.status, 200, "{}", form.body);
    let version = version(&form);
    let mut all = vec![("version", version.as_str())];
    all.extend_from_slice(fields);
    admin.post("/staff/settings", &all).await
}

const CLEVELAND: [(&str, &str); 7] = [
    ("office_name", OFFICE),
    ("force_area", "Cleveland"),
    ("contact_email", "PCC@Cleveland.example.org"),
    ("contact_phone", "01642 301653"),
    (
        "postal_address",
        "Steve Turner\r\nPO Box 70\r\nMiddlesbrough TS8 9EH",
    ),
    ("public_url", "https://scrutiny.cleveland.example.org/"),
    ("accessibility_checked_on", "2026-11-28"),
];

#[tokio::test]
async fn the_office_an_admin_names_is_on_every_page_the_feed_and_the_calendar() {
    let app = TestApp::with_demo().await;
    plan_entry(&app.pool, "Rural crime", "2099-01-01", "").await;
    let before = app.get("/").await;
    assert!(
        before
            .body
            .contains("Office of the Police and Crime Commissioner")
    );
    assert!(!before.body.contains(OFFICE));
    let mut admin = app.signed_in("admin").await;

    let saved = save(&mut admin, &CLEVELAND).await;

    assert_eq!(saved.status, 303, "{}", saved.body);
    // The home page was kept in memory before: it is not served again.
    let home = app.get("/").await;
    assert_eq!(home.texts(".site-name .office-name"), [OFFICE]);
    let footer = home.prose(".site-footer address").join(" ");
    for expected in [
        "pcc@cleveland.example.org",
        "01642 301653",
        "PO Box 70",
        "Middlesbrough TS8 9EH",
    ] {
        assert!(footer.contains(expected), "{expected} in {footer}");
    }
    assert!(home.body.contains(r#"href="tel:01642301653""#));
    assert!(home.body.contains(r#"href="mailto:pcc@cleveland.example.org""#));
    assert!(home.prose(".site-footer").join(" ").contains("for Cleveland"));

    let statement = app.get("/accessibility").await.prose("main").join(" ");
    for expected in [
        "pcc@cleveland.example.org",
        "01642 301653",
        "Middlesbrough TS8 9EH",
        "last checked for accessibility on 28 November 2026",
        "contact Office of the Police and Crime Commissioner for Cleveland",
    ] {
        assert!(statement.contains(expected), "{expected} in {statement}");
    }
    let data = app.get("/data").await.prose("main").join(" ");
    assert!(
        data.contains(OFFICE) && data.contains(&format!("{PUBLIC}/meetings.csv")),
        "{data}"
    );

    let feed = app.get("/feed.atom").await.body;
    assert!(
        feed.contains(&format!("<title>Scrutiny records: {OFFICE}</title>")),
        "{feed}"
    );
    assert!(feed.contains(&format!("<name>{OFFICE}</name>")), "{feed}");
    assert!(
        feed.contains(&format!(r#"href="{PUBLIC}/meetings/2024-12-03-stalking""#)),
        "{feed}"
    );
    assert!(!feed.contains("127.0.0.1"), "{feed}");
    // iCalendar folds lines at 75 octets: unfold them to read.
    let calendar = app.get("/forward-plan.ics").await.body.replace("\r\n ", "");
    assert!(
        calendar.contains(&format!("Scrutiny forward plan: {OFFICE}")),
        "{calendar}"
    );
    assert!(
        calendar.contains(&format!("URL:{PUBLIC}/forward-plan")),
        "{calendar}"
    );

    let (account, after): (Option<i64>, serde_json::Value) = sqlx::query_as(
        "select account_id, after from audit_log where entity = 'site_settings' order by id desc limit 1",
    )
    .fetch_one(&app.pool)
    .await
    .expect("an audit row");
    assert_eq!(account, Some(admin.account_id()));
    assert_eq!(after["office_name"], OFFICE);
    assert_eq!(after["public_url"], PUBLIC, "kept without its trailing slash");
}

#[tokio::test]
async fn bad_settings_are_shown_beside_their_fields_and_nothing_is_saved() {
    let app = TestApp::new().await;
    let mut admin = app.signed_in("admin").await;

    let refused = save(
        &mut admin,
        &[
            ("office_name", "OPCC for Nowhere"),
            ("contact_email", "not an address"),
            ("contact_phone", "ring us"),
            ("public_url", "scrutiny.example.org"),
            ("accessibility_checked_on", "2999-01-01"),
        ],
    )
    .await;

    assert_eq!(refused.status, 422);
    let errors = refused.texts(".error-summary a");
    assert_eq!(errors.len(), 4, "{errors:?}");
    for field in [
        "contact_email",
        "contact_phone",
        "public_url",
        "accessibility_checked_on",
    ] {
        assert!(
            refused.body.contains(&format!(r#"id="{field}-error""#)),
            "{field} has its message"
        );
    }
    assert!(refused.body.contains(r#"value="ring us""#), "the text as typed");
    assert!(refused.texts("title")[0].starts_with("Error: "));
    let home = app.get("/").await;
    assert!(!home.body.contains("Nowhere"), "nothing saved");
}

#[tokio::test]
async fn a_save_from_a_form_someone_else_saved_first_overwrites_nothing() {
    let app = TestApp::new().await;
    let mut first = app.signed_in("admin").await;
    let form = first.get("/staff/settings").await;
    let stale = version(&form);
    assert_eq!(
        save(&mut first, &[("office_name", "First office")]).await.status,
        303
    );

    let late = first
        .post(
            "/staff/settings",
            &[("version", &stale), ("office_name", "Second office")],
        )
        .await;

    assert_eq!(late.status, 409);
    assert!(late.body.contains("Someone else saved the settings"));
    assert!(late.body.contains(r#"value="Second office""#), "their text kept");
    assert_eq!(app.get("/").await.texts(".office-name"), ["First office"]);
}

#[tokio::test]
async fn settings_saved_on_one_instance_are_shown_by_another_within_a_second() {
    let app = TestApp::new().await;
    let (other, _) = app.second_instance().await;
    assert_eq!(answer(&other, get("/")).await.status, 200);
    let mut admin = app.signed_in("admin").await;

    save(&mut admin, &[("office_name", OFFICE)]).await;

    let home = within_a_second(&other, "/", |r| r.body.contains(OFFICE)).await;
    assert_eq!(home.texts(".office-name"), [OFFICE]);
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).expect("request")
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

#[tokio::test]
async fn a_logo_is_checked_then_shown_in_the_header_until_it_is_removed() {
    let app = TestApp::new().await;
    let mut admin = app.signed_in("admin").await;
    let script = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;

    let refused = admin
        .upload("/staff/settings/logo", &[], ("logo.svg", script))
        .await;

    assert_eq!(refused.status, 422);
    assert!(refused.texts("#logo-file-error")[0].contains("<script>"));
    assert!(!app.get("/").await.body.contains("site-logo"));

    let saved = admin.upload("/staff/settings/logo", &[], ("logo.png", PNG)).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let home = app.get("/").await;
    let html = home.html();
    let selector = scraper::Selector::parse(".site-name img.site-logo").expect("selector");
    let src = html
        .select(&selector)
        .next()
        .and_then(|img| img.value().attr("src"))
        .expect("the logo in the header")
        .to_owned();
    let logo = app.get(&src).await;
    assert_eq!(logo.status, 200);
    assert_eq!(logo.header("content-type"), "image/png");
    assert!(logo.header("content-security-policy").contains("sandbox"));
    assert!(logo.header("cache-control").contains("immutable"));

    assert_eq!(admin.post("/staff/settings/logo/delete", &[]).await.status, 303);
    assert!(!app.get("/").await.body.contains("site-logo"));
    assert_eq!(app.get("/site/logo").await.status, 404);
    let kinds: Vec<String> =
        sqlx::query_scalar("select action from audit_log where entity = 'site_settings' order by id")
            .fetch_all(&app.pool)
            .await
            .expect("audit");
    assert_eq!(kinds, ["logo", "remove_logo"]);
}

#[tokio::test]
async fn settings_given_to_the_server_win_and_are_shown_fixed() {
    let app = TestApp::new().await;
    let given = scrutiny::web::site::Given {
        fields: scrutiny::domain::site::SiteFields {
            office_name: "Given office".into(),
            ..Default::default()
        },
        logo: Some((scrutiny::domain::site::LogoType::Png, Arc::from(PNG))),
        default_public_url: "http://127.0.0.1:4000".into(),
    };
    let state = scrutiny::AppState {
        site: scrutiny::web::site::SiteSettings::start(app.pool.clone(), given),
        ..scrutiny::AppState::new(app.pool.clone())
    };
    state.site.reload().await.expect("settings read");
    let router = scrutiny::app(state);
    sqlx::query("update site_settings set office_name = 'Stored office', contact_email = 'a@b.example'")
        .execute(&app.pool)
        .await
        .expect("stored");

    let home = within_a_second(&router, "/", |r| r.body.contains("a@b.example")).await;

    assert_eq!(home.texts(".office-name"), ["Given office"]);
    assert!(
        home.body.contains("a@b.example"),
        "a setting not given is the stored one"
    );
    assert_eq!(
        answer(&router, get("/site/logo?v=1"))
            .await
            .header("content-type"),
        "image/png"
    );
    let feed = answer(&router, get("/feed.atom")).await.body;
    assert!(
        feed.contains("http://127.0.0.1:4000/feed.atom"),
        "the default address: {feed}"
    );
}
