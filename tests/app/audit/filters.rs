//! The audit log's filters: by record, by the account that made the change,
//! and by a range of dates in London, kept from page to page; and what a
//! filter that cannot be read says.

use super::lines;
use crate::common::{RecordBuilder, TestApp};

/// Writes an entry of meeting `meeting` by `account` at `at` (UTC).
async fn entry(app: &TestApp, meeting: i64, account: i64, at: &str, reason: &str) {
    sqlx::query(
        "insert into audit_log (at, account_id, meeting_id, action, entity, entity_id, before, after)
         values ($1::timestamptz, $2, $3, 'withdraw', 'meeting', $3,
                 '{\"status\": \"published\"}', jsonb_build_object('status', 'withdrawn', 'reason', $4::text))",
    )
    .bind(at)
    .bind(account)
    .bind(meeting)
    .bind(reason)
    .execute(&app.pool)
    .await
    .expect("entry");
}

async fn account_id(app: &TestApp, email: &str) -> i64 {
    app.account(email, "staff").await;
    sqlx::query_scalar("select id from account where email = $1")
        .bind(email)
        .fetch_one(&app.pool)
        .await
        .expect("account")
}

/// The "What" of every line shown at `uri`.
async fn whats(app: &TestApp, uri: &str) -> Vec<String> {
    let mut admin = app.signed_in("admin").await;
    lines(&admin.get(uri).await).into_iter().map(|l| l.what).collect()
}

#[tokio::test]
async fn the_log_filters_by_record_by_account_and_by_london_dates() {
    let app = TestApp::new().await;
    let ann = account_id(&app, "ann@opcc.example").await;
    let bob = account_id(&app, "bob@opcc.example").await;
    let stalking = RecordBuilder::new("2025-06-01", "Stalking")
        .draft(&app.pool)
        .await;
    let custody = RecordBuilder::new("2025-06-02", "Custody").draft(&app.pool).await;
    // 23:30 on 30 June in London, then 00:30 on 1 July (BST is UTC+1).
    entry(&app, stalking.id, ann, "2025-06-30 22:30:00+00", "Late in June.").await;
    entry(&app, custody.id, bob, "2025-06-30 23:30:00+00", "Early in July.").await;
    let (june, july) = (
        "Record withdrawn: Late in June.",
        "Record withdrawn: Early in July.",
    );

    let by_record = whats(&app, &format!("/staff/audit?meeting={}", stalking.id)).await;
    assert!(by_record.contains(&june.to_owned()), "{by_record:?}");
    assert!(!by_record.contains(&july.to_owned()), "{by_record:?}");
    assert_eq!(whats(&app, &format!("/staff/audit?account={bob}")).await, [july]);
    assert_eq!(whats(&app, "/staff/audit?to=2025-06-30").await, [june]);
    assert_eq!(
        whats(&app, "/staff/audit?from=2025-06-30&to=2025-06-30").await,
        [june]
    );
    assert_eq!(
        whats(&app, "/staff/audit?from=2025-07-01&to=2025-07-01").await,
        [july]
    );

    let mut admin = app.signed_in("admin").await;
    let page = admin
        .get(&format!(
            "/staff/audit?account={ann}&from=2025-06-01&to=2025-06-30"
        ))
        .await;
    let shown = lines(&page);
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].who, "ann@opcc.example");
    assert_eq!(shown[0].record, "Stalking, 1 June 2025");
    for (id, label) in [
        ("meeting", "Record"),
        ("account", "Changed by"),
        ("from", "From (date, London time)"),
        ("to", "To (date, London time)"),
    ] {
        assert_eq!(
            page.texts(&format!("label[for='{id}']:not(.visually-hidden)")),
            [label]
        );
    }
    assert_eq!(page.texts("#account option[selected]"), ["ann@opcc.example"]);
    let html = page.html();
    let value = |id: &str| {
        let selector = scraper::Selector::parse(&format!("#{id}")).expect("selector");
        html.select(&selector)
            .next()
            .and_then(|e| e.value().attr("value"))
            .map(str::to_owned)
    };
    assert_eq!(value("from").as_deref(), Some("2025-06-01"));
    assert_eq!(value("to").as_deref(), Some("2025-06-30"));
}

#[tokio::test]
async fn the_pages_of_a_filtered_log_keep_its_filters() {
    let app = TestApp::new().await;
    let ann = account_id(&app, "ann@opcc.example").await;
    let bob = account_id(&app, "bob@opcc.example").await;
    let record = RecordBuilder::new("2025-06-01", "Stalking")
        .draft(&app.pool)
        .await;
    // Ann's changes fill a page and one more; Bob's exactly fill one.
    for n in 0..51 {
        let at = format!("2025-03-01 10:{:02}:00+00", n);
        entry(&app, record.id, ann, &at, &format!("Ann {n}.")).await;
        if n > 0 {
            entry(&app, record.id, bob, &at, &format!("Bob {n}.")).await;
        }
    }
    let mut admin = app.signed_in("admin").await;
    let first = admin
        .get(&format!("/staff/audit?account={ann}&from=2025-03-01"))
        .await;
    assert_eq!(lines(&first).len(), 50);
    assert_eq!(first.texts("form a[href='/staff/audit']"), ["Clear filters"]);
    let whole = admin.get("/staff/audit").await;
    assert!(
        whole.texts("form a[href='/staff/audit']").is_empty(),
        "nothing to clear"
    );
    let older = first.html();
    let selector = scraper::Selector::parse("a[rel='next']").expect("selector");
    let next = older
        .select(&selector)
        .next()
        .and_then(|a| a.value().attr("href"))
        .expect("a link to older changes")
        .to_owned();
    assert_eq!(next, format!("/staff/audit?account={ann}&from=2025-03-01&page=2"));
    let second = admin.get(&next).await;
    let whats: Vec<String> = lines(&second).into_iter().map(|l| l.what).collect();
    assert_eq!(
        whats,
        ["Record withdrawn: Ann 0."],
        "the oldest of Ann's, none of Bob's"
    );
    assert_eq!(second.texts("a[rel='prev']"), ["Newer changes"]);
    assert!(second.texts("a[rel='next']").is_empty(), "nothing older");
    let bobs = admin
        .get(&format!("/staff/audit?account={bob}&from=2025-03-01"))
        .await;
    assert_eq!(lines(&bobs).len(), 50);
    assert!(
        bobs.texts("a[rel='next']").is_empty(),
        "a page exactly full has nothing older"
    );
}

#[tokio::test]
async fn a_filter_that_cannot_be_read_is_told_beside_its_field() {
    let app = TestApp::new().await;
    let mut admin = app.signed_in("admin").await;
    for (uri, field, message) in [
        (
            "/staff/audit?from=2025-02-30",
            "from",
            "From must be a real date, like 2024-12-03",
        ),
        (
            "/staff/audit?to=yesterday",
            "to",
            "To must be a real date, like 2024-12-03",
        ),
        (
            "/staff/audit?from=2025-03-02&to=2025-03-01",
            "to",
            "To must be the same as or after From",
        ),
        (
            "/staff/audit?meeting=abc",
            "meeting",
            "Choose a record from the list",
        ),
        (
            "/staff/audit?account=1.5",
            "account",
            "Choose an account from the list",
        ),
    ] {
        let page = admin.get(uri).await;
        assert_eq!(page.status, 400, "{uri}");
        assert_eq!(
            page.texts(&format!("#{field}-error")),
            [format!("Error: {message}")],
            "{uri}"
        );
        assert_eq!(
            page.texts(".error-summary li a"),
            [message],
            "{uri}: the summary at the top"
        );
        assert!(page.texts("table.audit").is_empty(), "{uri}");
        assert_eq!(
            page.texts("form a[href='/staff/audit']"),
            ["Clear filters"],
            "{uri}: the way back to the whole log"
        );
    }
    let kept = admin.get("/staff/audit?from=2025-02-30").await;
    assert!(
        kept.body.contains("value=\"2025-02-30\""),
        "the text typed is kept"
    );
}
