//! Two people editing one thing never silently overwrite each other: each
//! browser saves the version its page was fetched at, and a save from a page
//! fetched before someone else's save is refused with 409, the second
//! person's text kept in the form and shown beside what is saved now.
//!
//! Every save here is the form as the page printed it (its own token and
//! `version`), with only the typed fields changed.

use crate::common::{RecordBuilder, TestApp, TestResponse, Visitor};

/// The fields of the form posting to `action`, as a browser would send them
/// (buttons left out).
pub fn form_as_shown(page: &TestResponse, action: &str) -> Vec<(String, String)> {
    let html = page.html();
    let selector = |s: &str| scraper::Selector::parse(s).expect("selector");
    let form = html
        .select(&selector(&format!("form[action='{action}']")))
        .next()
        .unwrap_or_else(|| panic!("a form posting to {action}"));
    let mut fields = Vec::new();
    for field in form.select(&selector("input[name], textarea[name], select[name]")) {
        let element = field.value();
        let name = element.attr("name").unwrap_or_default().to_owned();
        let value = match element.name() {
            "textarea" => field.text().collect(),
            "select" => {
                let chosen = field
                    .select(&selector("option[selected]"))
                    .next()
                    .or_else(|| field.select(&selector("option")).next());
                chosen
                    .and_then(|o| o.value().attr("value"))
                    .unwrap_or_default()
                    .to_owned()
            }
            _ => element.attr("value").unwrap_or_default().to_owned(),
        };
        fields.push((name, value));
    }
    fields
}

/// `fields` with `name` set to `value`.
pub fn with(mut fields: Vec<(String, String)>, name: &str, value: &str) -> Vec<(String, String)> {
    let field = fields
        .iter_mut()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("the form has no field {name}"));
    field.1 = value.to_owned();
    fields
}

/// The value of field `name` in `fields`.
pub fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("the form has no field {name}"))
}

/// Posts `fields` exactly as given: the form's own token is among them.
pub async fn submit(visitor: &mut Visitor<'_>, action: &str, fields: &[(String, String)]) -> TestResponse {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    visitor.post_raw(action, &pairs).await
}

/// Alice saves once (so the thing is past its first version), then Alice and
/// Bob each fetch the edit page at `page_uri`; Alice saves `field` as
/// `alice`, then Bob saves it as `bob` from his copy. Returns Bob's answer.
async fn two_browsers(
    alice: &mut Visitor<'_>,
    bob: &mut Visitor<'_>,
    page_uri: &str,
    action: &str,
    name: &str,
    (alice_text, bob_text): (&str, &str),
) -> TestResponse {
    let first = form_as_shown(&alice.get(page_uri).await, action);
    let saved = submit(alice, action, &with(first, name, "A first edit")).await;
    assert_eq!(saved.status, 303, "the first save: {}", saved.body);

    let alices = form_as_shown(&alice.get(page_uri).await, action);
    let bobs = form_as_shown(&bob.get(page_uri).await, action);
    assert_eq!(field(&alices, "version"), field(&bobs, "version"));
    let saved = submit(alice, action, &with(alices, name, alice_text)).await;
    assert_eq!(saved.status, 303, "Alice's save: {}", saved.body);
    submit(bob, action, &with(bobs, name, bob_text)).await
}

/// The conflict page shows Bob's text and Alice's, keeps Bob's in the form,
/// and offers to save it over Alice's from the version saved now.
fn assert_both_shown(stale: &TestResponse, action: &str, name: &str, alice: &str, bob: &str) {
    assert_eq!(stale.status, 409, "{}", stale.body);
    let shown = stale.texts(".conflict").join(" ");
    assert!(shown.contains(alice), "what is saved now is shown: {shown}");
    assert!(shown.contains(bob), "Bob's text is shown: {shown}");
    let form = form_as_shown(stale, action);
    assert_eq!(field(&form, name), bob, "Bob's text is kept in the form");
}

/// Two staff accounts, signed in.
async fn alice_and_bob(app: &TestApp) -> (Visitor<'_>, Visitor<'_>) {
    (app.signed_in("staff").await, app.signed_in("staff").await)
}

#[tokio::test]
async fn a_second_save_of_the_meeting_details_from_an_old_page_is_refused() {
    let app = TestApp::new().await;
    let (mut alice, mut bob) = alice_and_bob(&app).await;
    let record = RecordBuilder::new("2024-12-03", "Stalking")
        .by(alice.account_id())
        .draft(&app.pool)
        .await;
    let uri = format!("/staff/meetings/{}", record.id);
    let texts = ("Police HQ, Middlesbrough", "Town Hall, Hartlepool");
    let stale = two_browsers(&mut alice, &mut bob, &uri, &uri, "place", texts).await;
    assert_both_shown(&stale, &uri, "place", texts.0, texts.1);
    let place: String = sqlx::query_scalar("select place from meeting")
        .fetch_one(&app.pool)
        .await
        .expect("place");
    assert_eq!(place, texts.0, "nothing overwritten");
    let again = submit(&mut bob, &uri, &form_as_shown(&stale, &uri)).await;
    assert_eq!(again.status, 303, "saving from the conflict page is deliberate");
}

#[tokio::test]
async fn a_second_save_of_a_question_from_an_old_page_is_refused() {
    let app = TestApp::new().await;
    let (mut alice, mut bob) = alice_and_bob(&app).await;
    let record = RecordBuilder::new("2024-12-03", "Stalking")
        .by(alice.account_id())
        .question("What is done?")
        .evidence("- Original bullet.")
        .draft(&app.pool)
        .await;
    let uri = format!("/staff/questions/{}", record.questions[0]);
    let texts = ("- Alice's bullet.", "- Bob's bullet.");
    let stale = two_browsers(&mut alice, &mut bob, &uri, &uri, "evidence", texts).await;
    assert_both_shown(&stale, &uri, "evidence", texts.0, texts.1);
    let evidence: String = sqlx::query_scalar("select evidence_text from question")
        .fetch_one(&app.pool)
        .await
        .expect("evidence");
    assert_eq!(evidence, texts.0, "nothing overwritten");
    let again = submit(&mut bob, &uri, &form_as_shown(&stale, &uri)).await;
    assert_eq!(again.status, 303, "saving from the conflict page is deliberate");
}

#[tokio::test]
async fn a_second_save_of_an_action_from_an_old_page_is_refused() {
    let app = TestApp::new().await;
    let (mut alice, mut bob) = alice_and_bob(&app).await;
    RecordBuilder::new("2024-12-03", "Stalking")
        .by(alice.account_id())
        .action("Report back.")
        .owner("Chief Inspector")
        .draft(&app.pool)
        .await;
    let id: i64 = sqlx::query_scalar("select id from action")
        .fetch_one(&app.pool)
        .await
        .expect("action");
    let uri = format!("/staff/actions/{id}");
    let texts = ("Superintendent Alice", "Inspector Bob");
    let stale = two_browsers(&mut alice, &mut bob, &uri, &uri, "owner", texts).await;
    assert_both_shown(&stale, &uri, "owner", texts.0, texts.1);
    let owner: String = sqlx::query_scalar("select owner from action")
        .fetch_one(&app.pool)
        .await
        .expect("owner");
    assert_eq!(owner, texts.0, "nothing overwritten");
    let again = submit(&mut bob, &uri, &form_as_shown(&stale, &uri)).await;
    assert_eq!(again.status, 303, "saving from the conflict page is deliberate");
}

#[tokio::test]
async fn a_second_save_of_a_forward_plan_entry_from_an_old_page_is_refused() {
    let app = TestApp::new().await;
    let (mut alice, mut bob) = alice_and_bob(&app).await;
    let id = crate::common::plan_entry(&app.pool, "Rural crime", "2026-03-01", "").await;
    let uri = format!("/staff/forward-plan/{id}");
    let texts = ("With the farming community.", "With the National Park.");
    let stale = two_browsers(&mut alice, &mut bob, &uri, &uri, "note", texts).await;
    assert_both_shown(&stale, &uri, "note", texts.0, texts.1);
    let note: String = sqlx::query_scalar("select note from forward_plan")
        .fetch_one(&app.pool)
        .await
        .expect("note");
    assert_eq!(note, texts.0, "nothing overwritten");
    let again = submit(&mut bob, &uri, &form_as_shown(&stale, &uri)).await;
    assert_eq!(again.status, 303, "saving from the conflict page is deliberate");
}
