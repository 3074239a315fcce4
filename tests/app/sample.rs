//! `scrutiny sample`: realistic published records, as the public reads them
//! and as `scrutiny verify` checks them.

use std::collections::HashSet;
use std::sync::Arc;

use scrutiny::sample::{self, Summary};
use sqlx::PgPool;

use crate::common::TestApp;

/// The default seed: its first thirty records include three corrected and
/// one withdrawn (a unit test of `scrutiny::sample` checks it).
const SEED: u64 = sample::DEFAULT_SEED;

async fn sample(pool: &PgPool, records: u32, seed: u64) -> Summary {
    sample::run(pool, records, seed, Arc::new(|_| {}))
        .await
        .expect("the sample is written")
}

/// The addresses of the records in `status`, by address.
async fn slugs(pool: &PgPool, status: &str) -> Vec<String> {
    sqlx::query_scalar("select slug from meeting where status = $1 order by slug")
        .bind(status)
        .fetch_all(pool)
        .await
        .expect("slugs")
}

#[tokio::test]
async fn thirty_sampled_records_are_published_and_listed() {
    let app = TestApp::new().await;
    let summary = sample(&app.pool, 30, SEED).await;
    assert_eq!(summary.records, 30);
    assert!(summary.corrected >= 1 && summary.withdrawn >= 1, "{summary:?}");
    let (published, withdrawn) = (
        slugs(&app.pool, "published").await,
        slugs(&app.pool, "withdrawn").await,
    );
    assert_eq!(published.len() + withdrawn.len(), 30);
    assert_eq!(withdrawn.len() as u32, summary.withdrawn);
    let list = app.get("/meetings").await;
    assert_eq!(list.texts("h2#results"), [format!("{} records", published.len())]);
    for slug in &withdrawn {
        assert_eq!(app.get(&format!("/meetings/{slug}")).await.status, 410, "{slug}");
    }
}

#[tokio::test]
async fn sampled_records_span_twenty_years_and_ten_topics() {
    let app = TestApp::new().await;
    sample(&app.pool, 30, SEED).await;
    let topics = app
        .get("/topics")
        .await
        .texts(".topics tbody td[data-label=Topic]");
    assert!(topics.len() >= 10, "{topics:?}");
    let years: HashSet<_> = slugs(&app.pool, "published")
        .await
        .iter()
        .map(|slug| slug[..4].to_owned())
        .collect();
    assert!(years.len() >= 10, "{years:?}");
    let this_year = chrono::Datelike::year(&scrutiny::domain::london::today());
    assert!(
        years
            .iter()
            .all(|y| (this_year - 20..=this_year).contains(&y.parse().expect("a year")))
    );
}

#[tokio::test]
async fn every_sampled_question_has_nested_evidence_and_a_decision() {
    let app = TestApp::new().await;
    sample(&app.pool, 30, SEED).await;
    let mut deepest = 0;
    for slug in slugs(&app.pool, "published").await {
        let page = app.get(&format!("/meetings/{slug}")).await;
        assert_eq!(page.status, 200, "{slug}");
        let questions = page.texts("td.col-question").len();
        assert!((3..=8).contains(&questions), "{slug}: {questions} questions");
        let decisions = page.texts("td.col-decision strong.decision");
        assert_eq!(decisions.len(), questions, "{slug}: a decision on every question");
        assert!(
            decisions
                .iter()
                .all(|d| ["Assured", "Partly assured", "Not assured"].contains(&d.as_str())),
            "{decisions:?}"
        );
        for n in 1..=questions {
            let nested = page.texts(&format!("#question-{n} td.col-evidence > ul > li > ul > li"));
            assert!(
                !nested.is_empty(),
                "{slug}: question {n}'s evidence is not nested"
            );
        }
        deepest += page.texts("td.col-evidence ul ul ul li").len();
    }
    assert!(deepest > 0, "some evidence is three levels deep");
}

#[tokio::test]
async fn sampled_actions_have_owners_due_dates_and_progress() {
    let app = TestApp::new().await;
    sample(&app.pool, 30, SEED).await;
    let actions = app.get("/actions").await;
    assert!(!actions.texts("td[data-label=Owner]").iter().any(String::is_empty));
    let statuses: HashSet<String> = sqlx::query_scalar("select status from action")
        .fetch_all(&app.pool)
        .await
        .expect("statuses")
        .into_iter()
        .collect();
    assert!(
        statuses.contains("done") && statuses.contains("in_progress"),
        "{statuses:?}"
    );
    let with_progress: Vec<String> = sqlx::query_scalar(
        "select distinct m.slug from action_progress p join action a on a.id = p.action_id
         join meeting m on m.id = a.meeting_id where m.status = 'published' order by 1",
    )
    .fetch_all(&app.pool)
    .await
    .expect("records with progress");
    let slug = with_progress.first().expect("a record with progress notes");
    let page = app.get(&format!("/meetings/{slug}")).await;
    assert!(!page.texts("ul.progress li").is_empty(), "{slug}");
}

#[tokio::test]
async fn a_corrected_sample_record_has_a_second_revision_with_its_reason() {
    let app = TestApp::new().await;
    sample(&app.pool, 30, SEED).await;
    let corrected: Vec<(String, String)> = sqlx::query_as(
        "select m.slug, r.reason from revision r join meeting m on m.id = r.meeting_id
         where r.number = 2 and m.status = 'published' order by m.slug",
    )
    .fetch_all(&app.pool)
    .await
    .expect("corrections");
    let (slug, reason) = corrected.first().expect("a corrected record");
    let history = app.get(&format!("/meetings/{slug}/revisions")).await;
    assert_eq!(history.texts("table.revisions tbody tr").len(), 2, "{slug}");
    let rows = history.texts("table.revisions tbody tr").join(" ");
    assert!(rows.contains(reason.as_str()), "{reason} in {rows}");
}

#[tokio::test]
async fn the_sampled_archive_verifies() {
    let app = TestApp::new().await;
    let summary = sample(&app.pool, 30, SEED).await;
    let report = scrutiny::verify::verify(&app.pool).await.expect("it verifies");
    assert_eq!(report.revisions as u32, 30 + summary.corrected);
    assert_eq!(report.entries as u32, 30 + summary.corrected + summary.withdrawn);
}

#[tokio::test]
async fn a_second_sample_adds_records_at_new_addresses() {
    let app = TestApp::with_demo().await;
    sample(&app.pool, 10, SEED).await;
    let first: HashSet<String> = slugs(&app.pool, "published").await.into_iter().collect();
    sample(&app.pool, 10, SEED).await;
    let meetings: Vec<String> = sqlx::query_scalar("select slug from meeting")
        .fetch_all(&app.pool)
        .await
        .expect("slugs");
    assert_eq!(meetings.len(), 21, "the demo and twice ten");
    assert!(meetings.iter().all(|s| !s.ends_with("-2")), "{meetings:?}");
    assert!(first.iter().all(|s| meetings.contains(s)));
    scrutiny::verify::verify(&app.pool).await.expect("it verifies");
}

#[tokio::test]
async fn the_same_seed_gives_the_same_records() {
    let (one, two, other) = (TestApp::new().await, TestApp::new().await, TestApp::new().await);
    sample(&one.pool, 5, SEED).await;
    sample(&two.pool, 5, SEED).await;
    sample(&other.pool, 5, SEED + 1).await;
    /// The questions and their evidence, by record and number.
    async fn questions(pool: &PgPool) -> Vec<(String, String)> {
        sqlx::query_as(
            "select q.body, q.evidence_text from question q join meeting m on m.id = q.meeting_id
             order by m.slug, q.position",
        )
        .fetch_all(pool)
        .await
        .expect("questions")
    }
    assert_eq!(
        slugs(&one.pool, "published").await,
        slugs(&two.pool, "published").await
    );
    assert_eq!(questions(&one.pool).await, questions(&two.pool).await);
    assert_ne!(
        slugs(&one.pool, "published").await,
        slugs(&other.pool, "published").await
    );
    let (a, b) = (questions(&one.pool).await, questions(&other.pool).await);
    assert!(a.iter().all(|q| !b.contains(q)), "another seed, other words");
}

#[tokio::test]
async fn a_sampled_records_audit_log_tells_its_journey_by_staff_and_the_pcc() {
    let app = TestApp::new().await;
    sample(&app.pool, 5, SEED).await;
    let id: i64 = sqlx::query_scalar(
        "select m.id from meeting m where m.status = 'published'
         and (select count(*) from revision r where r.meeting_id = m.id) = 1 order by m.slug limit 1",
    )
    .fetch_one(&app.pool)
    .await
    .expect("a record published once");
    let mut admin = app.signed_in("admin").await;
    let page = admin.get(&format!("/staff/audit?meeting={id}")).await;
    let (who, what) = (
        page.texts("td[data-label=Who]"),
        page.texts("td[data-label=What] p.change"),
    );
    // Each step of the journey by the words the log gives it.
    let step = |what: &str| {
        [
            ("Record created: ", "create meeting"),
            ("Sent to the PCC", "status meeting"),
            ("Question ", "decide question"),
            ("Published revision ", "publish revision"),
        ]
        .into_iter()
        .find(|(start, kind)| {
            what.starts_with(start) && (*kind != "decide question" || what.contains(" decision: "))
        })
        .map(|(_, kind)| kind.to_owned())
    };
    let mut journey: Vec<(String, String)> = who
        .into_iter()
        .zip(what)
        .filter_map(|(who, what)| step(&what).map(|kind| (who, kind)))
        .collect();
    journey.reverse();
    journey.dedup();
    let (staff, pcc) = ("sample.staff@example.org", "sample.pcc@example.org");
    let expected = [
        (staff, "create meeting"),
        (staff, "status meeting"),
        (pcc, "decide question"),
        (pcc, "publish revision"),
    ];
    let expected: Vec<_> = expected
        .iter()
        .map(|(w, a)| (w.to_string(), a.to_string()))
        .collect();
    assert_eq!(journey, expected);
}

#[tokio::test]
async fn nobody_can_sign_in_as_the_sample_accounts() {
    let app = TestApp::new().await;
    sample(&app.pool, 1, SEED).await;
    for email in ["sample.staff@example.org", "sample.pcc@example.org"] {
        for password in ["!", "", "correct horse battery staple"] {
            let response = app.visitor().sign_in(email, password).await;
            assert_ne!(response.status, 303, "{email} signed in with {password:?}");
        }
    }
}
