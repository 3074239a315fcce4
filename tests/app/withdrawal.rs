//! Withdrawal is deliberate and reversible in the open: the PCC confirms it
//! on a page of its own that shows the record; a withdrawn record can be
//! reinstated by the PCC with a reason, which the ledger, the audit log and
//! the record's page all show; the 410 notice keeps the record's history.

use scrutiny::domain::london;

use crate::common::{Correction, Record, RecordBuilder, TestApp, reinstate, withdraw};

/// Today in London, as the site writes dates.
fn today() -> String {
    london::today().format("%-d %B %Y").to_string()
}

async fn published(app: &TestApp) -> Record {
    RecordBuilder::new("2024-12-03", "Stalking")
        .sample_question()
        .decision(scrutiny::domain::Decision::Assured)
        .publish(&app.pool)
        .await
}

#[tokio::test]
async fn withdraw_asks_for_confirmation_on_a_page_that_shows_the_record() {
    let app = TestApp::new().await;
    let record = published(&app).await;
    let mut pcc = app.signed_in("pcc").await;

    let editor = pcc.get(&format!("/staff/meetings/{}", record.id)).await;
    let link = format!("/staff/meetings/{}/withdraw", record.id);
    assert!(
        editor.body.contains(&format!("href=\"{link}\"")),
        "the editor links to it"
    );
    assert!(
        !editor.body.contains(&format!("action=\"{link}\"")),
        "no withdraw button there"
    );

    let page = pcc.get(&link).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(
        page.texts("h1"),
        ["Withdraw the record of Stalking, 3 December 2024"]
    );
    let facts = page.texts(".meeting-facts dd");
    assert_eq!(facts[0], "Tuesday 3 December 2024");
    assert!(facts[1].starts_with("Revision 1, published on"), "{facts:?}");
    assert!(page.texts("td.col-question")[0].contains("What is the Force doing about Stalking?"));
    assert_eq!(page.texts("td.col-decision"), ["Assured"]);
    assert!(page.texts(".notice")[0].contains("the public will see a notice"));
    assert_eq!(page.texts("label[for=reason]"), ["Reason"]);
    assert_eq!(
        app.get(&format!("/meetings/{}", record.slug)).await.status,
        200,
        "nothing yet"
    );
}

#[tokio::test]
async fn a_withdrawal_without_a_reason_comes_back_with_the_error_and_withdraws_nothing() {
    let app = TestApp::new().await;
    let record = published(&app).await;
    let mut pcc = app.signed_in("pcc").await;
    let uri = format!("/staff/meetings/{}/withdraw", record.id);

    let refused = pcc.post(&uri, &[("reason", "  ")]).await;
    assert_eq!(refused.status, 422);
    assert_eq!(refused.texts(".error-summary a"), ["Enter reason"]);
    assert_eq!(app.get(&format!("/meetings/{}", record.slug)).await.status, 200);

    let done = pcc.post(&uri, &[("reason", "It named a victim.")]).await;
    assert_eq!(done.status, 303);
    assert_eq!(app.get(&format!("/meetings/{}", record.slug)).await.status, 410);
    let again = pcc.get(&uri).await;
    assert_eq!(again.status, 409, "a withdrawn record cannot be withdrawn again");
}

#[tokio::test]
async fn the_pcc_reinstates_a_withdrawn_record_with_a_reason_and_its_page_says_so() {
    let app = TestApp::new().await;
    let record = published(&app).await;
    let mut pcc = app.signed_in("pcc").await;
    pcc.post(
        &format!("/staff/meetings/{}/withdraw", record.id),
        &[("reason", "It named a victim.")],
    )
    .await;
    let editor = pcc.get(&format!("/staff/meetings/{}", record.id)).await;
    let link = format!("/staff/meetings/{}/reinstate", record.id);
    assert!(
        editor.body.contains(&format!("href=\"{link}\"")),
        "the editor links to it"
    );
    let page = pcc.get(&link).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(
        page.texts("h1"),
        ["Reinstate the record of Stalking, 3 December 2024"]
    );
    let history = page.texts(".withdrawal-history li");
    assert_eq!(history.len(), 1, "{history:?}");
    assert!(
        history[0].starts_with(&format!("Withdrawn on {}", today())),
        "{history:?}"
    );
    assert!(history[0].ends_with("It named a victim."), "{history:?}");
    let blank = pcc.post(&link, &[("reason", "")]).await;
    assert_eq!(blank.status, 422);

    let done = pcc
        .post(&link, &[("reason", "The name was removed from the evidence.")])
        .await;
    assert_eq!(done.status, 303, "{}", done.body);

    let public = app.get(&format!("/meetings/{}", record.slug)).await;
    assert_eq!(public.status, 200);
    assert_eq!(
        public.texts(".withdrawal-notice"),
        [format!(
            "Withdrawn on {0} because it named a victim; reinstated on {0} because the name was removed from the evidence.",
            today()
        )]
    );
    let listed = app.get("/meetings").await;
    assert!(listed.body.contains(&record.slug), "back in the lists");
    let ledger: serde_json::Value = serde_json::from_str(&app.get("/ledger.json").await.body).expect("json");
    assert_eq!(ledger["entries"][0]["event"], "reinstate");
    assert_eq!(
        ledger["entries"][0]["reason"],
        "The name was removed from the evidence."
    );
    assert_eq!(ledger["entries"][1]["event"], "withdraw");
    let shown = app.get("/ledger").await;
    assert!(
        shown
            .body
            .contains("Reinstated: The name was removed from the evidence.")
    );
    let audited: i64 =
        sqlx::query_scalar("select count(*) from audit_log where action = 'reinstate' and meeting_id = $1")
            .bind(record.id)
            .fetch_one(&app.pool)
            .await
            .expect("audit");
    assert_eq!(audited, 1);
    scrutiny::verify::verify(&app.pool)
        .await
        .expect("the ledger is unbroken");
}

#[tokio::test]
async fn only_the_pcc_reinstates_and_only_a_withdrawn_record() {
    let app = TestApp::new().await;
    let record = published(&app).await;
    let mut pcc = app.signed_in("pcc").await;
    let link = format!("/staff/meetings/{}/reinstate", record.id);
    assert_eq!(pcc.get(&link).await.status, 409, "it is not withdrawn");
    assert_eq!(pcc.post(&link, &[("reason", "Why not.")]).await.status, 409);
    withdraw(&app.pool, &record.slug, "Published by mistake.").await;
    let mut staff = app.signed_in("staff").await;
    assert_eq!(staff.get(&link).await.status, 403);
    assert_eq!(staff.post(&link, &[("reason", "Why not.")]).await.status, 403);
    assert_eq!(app.get(&format!("/meetings/{}", record.slug)).await.status, 410);
}

#[tokio::test]
async fn the_withdrawal_notice_keeps_the_record_s_revisions_and_earlier_withdrawals() {
    let app = TestApp::new().await;
    let record = published(&app).await;
    Correction::of(&record.slug)
        .question("What is the corrected question?")
        .publish(&app.pool, "A typing error.")
        .await;
    withdraw(&app.pool, &record.slug, "It named a victim.").await;
    reinstate(&app.pool, &record.slug, "The name was removed.").await;
    withdraw(&app.pool, &record.slug, "Published by mistake.").await;

    let notice = app.get(&format!("/meetings/{}", record.slug)).await;
    assert_eq!(notice.status, 410);
    assert_eq!(notice.texts(".withdrawal dd")[1], "Published by mistake.");
    assert_eq!(
        notice.texts(".withdrawal-story"),
        [format!(
            "Withdrawn on {0} because it named a victim; reinstated on {0} because the name was removed.",
            today()
        )]
    );
    let revisions = notice.texts(".withdrawn-revisions li");
    assert_eq!(revisions.len(), 2, "{revisions:?}");
    assert!(revisions[0].starts_with("Revision 2, published on"));
    assert!(revisions[0].ends_with("corrected because A typing error."));
    assert!(!notice.body.contains("What is the"), "no question text");

    let json: serde_json::Value =
        serde_json::from_str(&app.get(&format!("/meetings/{}.json", record.slug)).await.body).expect("json");
    let events: Vec<_> = json["history"]
        .as_array()
        .expect("history")
        .iter()
        .map(|e| e["event"].as_str().expect("event").to_owned())
        .collect();
    assert_eq!(events, ["withdraw", "reinstate", "withdraw"]);
}

#[tokio::test]
async fn the_feed_carries_the_hash_of_the_latest_ledger_entry() {
    let app = TestApp::new().await;
    let record = published(&app).await;
    withdraw(&app.pool, &record.slug, "Published by mistake.").await;
    reinstate(&app.pool, &record.slug, "It was right after all.").await;

    let ledger: serde_json::Value = serde_json::from_str(&app.get("/ledger.json").await.body).expect("json");
    let head = ledger["entries"][0]["entry_hash"]
        .as_str()
        .expect("hash")
        .to_owned();
    let body = app.get("/feed.atom").await.body;
    let feed = atom_syndication::Feed::read_from(body.as_bytes()).expect("Atom");
    let subtitle = feed.subtitle.expect("subtitle").value;
    assert!(
        subtitle.contains(&format!("Latest ledger entry: {head}")),
        "{subtitle}"
    );
    assert!(
        feed.links
            .iter()
            .any(|l| l.href.ends_with("/ledger.json") && l.rel == "related"),
        "{:?}",
        feed.links
    );
}

#[tokio::test]
async fn a_reinstatement_that_fails_part_way_leaves_the_record_withdrawn() {
    let app = TestApp::new().await;
    let record = published(&app).await;
    withdraw(&app.pool, &record.slug, "It named a victim.").await;
    // The audit row is written after the status: refusing it fails the step
    // after its first write.
    for statement in [
        "create function refuse_audit() returns trigger language plpgsql as $$ begin \
         if new.action = 'reinstate' then raise exception 'audit log unavailable'; end if; return new; end $$",
        "create trigger refuse_audit before insert on audit_log for each row execute function refuse_audit()",
    ] {
        sqlx::query(statement).execute(&app.pool).await.expect(statement);
    }
    let mut pcc = app.signed_in("pcc").await;
    let failed = pcc
        .post(
            &format!("/staff/meetings/{}/reinstate", record.id),
            &[("reason", "The name was removed.")],
        )
        .await;
    assert_eq!(failed.status, 500);
    assert_eq!(app.get(&format!("/meetings/{}", record.slug)).await.status, 410);
    let reinstatements: i64 =
        sqlx::query_scalar("select count(*) from ledger_entry where event = 'reinstate'")
            .fetch_one(&app.pool)
            .await
            .expect("ledger");
    assert_eq!(reinstatements, 0, "no ledger entry either");
}
