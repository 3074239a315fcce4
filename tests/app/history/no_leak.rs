//! Issue 4's guarantee: nothing unpublished is ever visible to the public, in
//! any page, feed, export or error, whatever state its record is in; and
//! every public address shows what was published.

use sqlx::PgPool;

mod addresses;

use addresses::{Address, of, public_addresses, published_topics};

use crate::common::{
    Record, TestApp, edit_plan_entry, plan_entry, progress_note, unpublished_plan_entry, withdraw,
};
use crate::every_field::{self, corrected_fields, fields};

/// The marker of each record's unpublished text, by state.
const DRAFT: &str = "Aardvark";
const REVIEW: &str = "Bison";
const SENT_BACK: &str = "Emu";
const WITHDRAWN: &str = "Dingo";
/// A correction of the withdrawn record, never published.
const WITHDRAWN_CORRECTION: &str = "Jackal";
/// What is written into a correction of a published record, not yet
/// published: being drafted, with the PCC, sent back.
const CORRECTING: &str = "Capybara";
const CORRECTION_IN_REVIEW: &str = "Gecko";
const CORRECTION_SENT_BACK: &str = "Ferret";

/// The markers of published text: a record published once; a record's
/// first revision and the correction that replaced it; the published
/// revisions under the three corrections above.
const PUBLISHED: &str = "Quokka";
const FIRST_REVISION: &str = "Wombat";
const SECOND_REVISION: &str = "Walrus";
const UNDER_CORRECTION: [&str; 3] = ["Koala", "Moose", "Lynx"];

/// Text that is public without a new revision, by design: a progress note
/// on an action of a published record, and a forward-plan entry once staff
/// publish it. Each must show somewhere public.
const LIVE: [&str; 3] = ["Lemurnote", "Lemurplantopic", "Lemurplannote"];

/// Text staff typed that no publication step has released: an action added
/// straight to a published record (and its progress note), one added during
/// a correction, a forward-plan entry never published, and the changes to a
/// published entry that were saved but not published again.
const UNRELEASED: [&str; 12] = [
    "Lemuraction",
    "Lemurowner",
    "Lemurrevisit",
    "Lemurprogress",
    "Lemurcorrectionaction",
    "Lemurcorrectionowner",
    "Lemurcorrectionrevisit",
    "Lemurcorrectionprogress",
    "Okapiplantopic",
    "Okapiplannote",
    "Okapinewplantopic",
    "Okapinewplannote",
];

/// Every word no anonymous visitor may ever read, lower-case.
fn secrets() -> Vec<String> {
    let mut secrets = Vec::new();
    for marker in [DRAFT, REVIEW, SENT_BACK, WITHDRAWN] {
        secrets.extend(fields(marker));
    }
    for marker in [
        CORRECTING,
        CORRECTION_IN_REVIEW,
        CORRECTION_SENT_BACK,
        WITHDRAWN_CORRECTION,
    ] {
        secrets.extend(corrected_fields(marker));
    }
    for extra in ["unplaced", "import"] {
        secrets.push(format!("{DRAFT}{extra}"));
    }
    for marker in [SENT_BACK, CORRECTION_SENT_BACK] {
        secrets.push(format!("{marker}comment"));
    }
    secrets.extend(UNRELEASED.map(String::from));
    secrets.iter().map(|s| s.to_lowercase()).collect()
}

/// What search finds of the published record: its topic, questions,
/// evidence and rationales, and its actions by text and owner.
fn searchable() -> Vec<String> {
    let fields = ["topic", "question", "evidence", "rationale", "action", "owner"];
    of(PUBLISHED, &fields).iter().map(|s| s.to_lowercase()).collect()
}

/// The records, one in each state.
struct Records {
    draft: Record,
    review: Record,
    sent_back: Record,
    withdrawn: Record,
    published: Record,
    corrected: Record,
    /// Published, with a correction being drafted, with the PCC, sent back.
    under_correction: [Record; 3],
}

impl Records {
    fn all(&self) -> Vec<&Record> {
        let mut all = vec![
            &self.draft,
            &self.review,
            &self.sent_back,
            &self.withdrawn,
            &self.published,
            &self.corrected,
        ];
        all.extend(&self.under_correction);
        all
    }
}

async fn records_in_every_state(pool: &PgPool) -> Records {
    let draft = every_field::draft(pool, "2025-02-01", DRAFT, 1).await;
    every_field::unplaced(pool, &draft, DRAFT).await;
    let review = every_field::draft(pool, "2025-02-02", REVIEW, 1).await;
    every_field::submit(pool, &review).await;
    let sent_back = every_field::draft(pool, "2025-02-03", SENT_BACK, 1).await;
    every_field::submit(pool, &sent_back).await;
    every_field::send_back(pool, &sent_back, &format!("{SENT_BACK}comment")).await;
    let withdrawn = every_field::draft(pool, "2024-11-05", WITHDRAWN, 1).await;
    every_field::publish(pool, &withdrawn, None).await;
    every_field::correct(pool, &withdrawn, WITHDRAWN_CORRECTION, 1).await;
    withdraw(pool, &withdrawn.slug, "Withdrawn: Ibexreason.").await;

    let published = every_field::draft(pool, "2024-06-04", PUBLISHED, 1).await;
    every_field::publish(pool, &published, None).await;
    every_field::live_action(pool, &published, "Lemur").await;
    let first_action: i64 = sqlx::query_scalar("select min(id) from action where meeting_id = $1")
        .bind(published.id)
        .fetch_one(pool)
        .await
        .expect("action");
    progress_note(pool, first_action, "2025-04-01", "Lemurnote").await;
    let plan = plan_entry(pool, "Lemurplantopic", "2099-01-01", "Lemurplannote").await;
    edit_plan_entry(pool, plan, "Okapiplantopic", "Okapiplannote").await;
    unpublished_plan_entry(pool, "Okapinewplantopic", "2099-02-01", "Okapinewplannote").await;

    let mut corrected = every_field::draft(pool, "2024-05-07", FIRST_REVISION, 1).await;
    every_field::publish(pool, &corrected, None).await;
    let added = every_field::correct(pool, &corrected, SECOND_REVISION, 1).await;
    corrected.documents.extend(added);
    every_field::submit(pool, &corrected).await;
    every_field::publish(pool, &corrected, Some("Corrected: Walrusreason.")).await;

    let mut under_correction = Vec::new();
    for (n, marker) in UNDER_CORRECTION.iter().enumerate() {
        let record = every_field::draft(pool, &format!("2024-0{}-01", n + 1), marker, 1).await;
        every_field::publish(pool, &record, None).await;
        under_correction.push(record);
    }
    let [being_drafted, in_review, sent_back_again] = &under_correction[..] else {
        unreachable!("three records")
    };
    every_field::correct(pool, being_drafted, CORRECTING, 1).await;
    every_field::live_action(pool, being_drafted, "Lemurcorrection").await;
    every_field::correct(pool, in_review, CORRECTION_IN_REVIEW, 1).await;
    every_field::submit(pool, in_review).await;
    every_field::correct(pool, sent_back_again, CORRECTION_SENT_BACK, 1).await;
    every_field::submit(pool, sent_back_again).await;
    let comment = format!("{CORRECTION_SENT_BACK}comment");
    every_field::send_back(pool, sent_back_again, &comment).await;
    Records {
        draft,
        review,
        sent_back,
        withdrawn,
        published,
        corrected,
        under_correction: under_correction.try_into().expect("three records"),
    }
}

#[tokio::test]
async fn nothing_unpublished_reaches_an_anonymous_visitor_at_any_address() {
    let app = TestApp::new().await;
    let records = records_in_every_state(&app.pool).await;
    let documents: Vec<i64> = sqlx::query_scalar("select id from document order by id")
        .fetch_all(&app.pool)
        .await
        .expect("documents");
    let secrets = secrets();

    let mut failures = Vec::new();
    let mut public = String::new();
    let addresses = public_addresses(&records, &documents);
    addresses::assert_every_public_route_is_asked(&addresses);
    for Address { uri, shows, echo } in addresses {
        let response = app.get(&uri).await;
        if echo.is_empty() {
            public.push_str(&response.body.to_lowercase());
        }

        if response.status.as_u16() >= 500 {
            failures.push(format!("{uri}: {}", response.status));
        }
        let mut seen = format!("{:?}\n{}", response.headers, response.body).to_lowercase();
        for echo in &echo {
            seen = seen.replace(echo.as_str(), "");
        }
        if let Some(word) = uri.strip_prefix("/search?q=") {
            // The page repeats the words searched for: what it found is
            // told by its count.
            let word = word.to_lowercase();
            let count = if secrets.contains(&word) {
                "0 records found"
            } else if searchable().contains(&word) {
                "1 record found"
            } else {
                ""
            };
            let found = response.texts("h2#results");
            if !count.is_empty() && found != [count] {
                failures.push(format!("{uri}: {found:?}"));
            }
        }
        for secret in &secrets {
            if seen.contains(secret.as_str()) {
                failures.push(format!("{uri} shows {secret}"));
            }
        }
        for shown in &shows {
            if !seen.contains(shown.as_str()) {
                failures.push(format!("{uri} does not show {shown}"));
            }
        }
    }
    for live in LIVE {
        if !public.contains(&live.to_lowercase()) {
            failures.push(format!("{live} is not public, though it is live by design"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn each_state_answers_with_its_own_status_and_only_published_files_are_served() {
    let app = TestApp::new().await;
    let r = records_in_every_state(&app.pool).await;
    let status = |uri: String| {
        let app = &app;
        async move { app.get(&uri).await.status.as_u16() }
    };

    let listed = app.get("/meetings").await.texts(".record-list h3");

    let mut topics = published_topics();
    topics.sort();
    let mut listed_sorted = listed.clone();
    listed_sorted.sort();
    assert_eq!(listed_sorted, topics, "{listed:?}");
    for hidden in [&r.draft, &r.review, &r.sent_back] {
        assert_eq!(
            status(format!("/meetings/{}", hidden.slug)).await,
            404,
            "{}",
            hidden.slug
        );
    }
    assert_eq!(status(format!("/meetings/{}", r.withdrawn.slug)).await, 410);
    for shown in [&r.published, &r.corrected]
        .into_iter()
        .chain(&r.under_correction)
    {
        assert_eq!(
            status(format!("/meetings/{}", shown.slug)).await,
            200,
            "{}",
            shown.slug
        );
    }
    // The published record's files are served, whole; every other file of
    // every record (unpublished, withdrawn, or added by a correction not yet
    // published) is not found.
    let published: Vec<i64> = [&r.published, &r.corrected]
        .into_iter()
        .chain(&r.under_correction)
        .flat_map(|record| record.documents.clone())
        .collect();
    for id in &r.published.documents {
        let file = app.get(&format!("/documents/{id}")).await;
        assert_eq!(file.status, 200, "/documents/{id}");
        assert!(
            ["Quokkafile", "Quokkaquestionfile"].contains(&file.body.as_str()),
            "{}",
            file.body
        );
    }
    let all: Vec<i64> = sqlx::query_scalar("select id from document where content is not null order by id")
        .fetch_all(&app.pool)
        .await
        .expect("documents");
    for id in all {
        let expected = if published.contains(&id) { 200 } else { 404 };
        assert_eq!(
            status(format!("/documents/{id}")).await,
            expected,
            "/documents/{id}"
        );
    }
}
