//! `/search`: full-text search of published records only, ranked, with
//! escaped highlighted snippets, filters and pages; any text gets a page.

use scrutiny::db::public::records::ListFilter;
use scrutiny::db::public::search;
use scrutiny::domain::{Decision, SearchQuery};

use crate::common::{Correction, RecordBuilder, TestApp, withdraw};

/// A record on `topic` whose one question is "What is the Force doing about
/// {words}?", with the evidence "- The Force has a plan.".
fn about(date: &str, topic: &str, words: &str) -> RecordBuilder {
    RecordBuilder::new(date, topic)
        .question(&format!("What is the Force doing about {words}?"))
        .evidence("- The Force has a plan.")
}

#[tokio::test]
async fn stemming_finds_stalking_from_stalk_and_ranks_the_topic_match_first() {
    let app = TestApp::new().await;
    about("2024-03-05", "Road Safety", "stalking near schools")
        .publish(&app.pool)
        .await;
    about("2024-12-03", "Stalking", "stalking")
        .decision(Decision::Assured)
        .publish(&app.pool)
        .await;
    about("2024-06-01", "Burglary", "burglary")
        .publish(&app.pool)
        .await;
    let page = app.get("/search?q=stalk").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.texts(".search-results h3"), ["Stalking", "Road Safety"]);
    assert_eq!(page.texts("h2#results"), ["2 records found"]);
    assert!(
        page.texts(".search-results mark")
            .iter()
            .all(|m| m.to_lowercase().starts_with("stalk"))
    );
    assert!(!page.texts(".search-results mark").is_empty());
}

#[tokio::test]
async fn search_covers_questions_evidence_rationales_actions_and_topics() {
    let app = TestApp::new().await;
    RecordBuilder::new("2024-05-01", "Rural Crime")
        .question("How are burglaries investigated?")
        .evidence("- Helicopters patrol the moors.\n  - Nested evidence about tractors.")
        .decision(Decision::PartlyAssured)
        .rationale("Reassurance on response times was not given.")
        .action("Report on drone licensing.")
        .owner("Chief Inspector")
        .publish(&app.pool)
        .await;
    for (q, place) in [
        ("burglary", "question"),
        ("helicopter", "evidence"),
        ("tractor", "nested evidence"),
        ("reassure", "rationale"),
        ("drones", "action"),
        ("rural", "topic"),
    ] {
        let page = app.get(&format!("/search?q={q}")).await;
        assert_eq!(page.texts(".search-results h3"), ["Rural Crime"], "{place}: {q}");
    }
    let by_action = app.get("/search?q=drones").await;
    assert!(by_action.texts(".search-results .meta")[0].contains("1 matching action"));
    assert_eq!(by_action.texts(".search-results mark"), ["drone"]);
}

#[tokio::test]
async fn nothing_unpublished_is_ever_found() {
    let app = TestApp::new().await;
    RecordBuilder::new("2025-02-01", "Secret Topic")
        .question("A secret draft question?")
        .draft(&app.pool)
        .await;
    RecordBuilder::new("2025-02-02", "Other")
        .question("Hidden question?")
        .action("Investigate the confidential matter.")
        .draft(&app.pool)
        .await;
    let withdrawn = RecordBuilder::new("2024-01-01", "Withdrawn")
        .question("Zeppelins?")
        .publish(&app.pool)
        .await;
    withdraw(&app.pool, &withdrawn.slug, "Published in error").await;
    // A correction being drafted changes the live rows, not the revision.
    let corrected = RecordBuilder::new("2024-02-02", "Corrected")
        .question("Trains?")
        .publish(&app.pool)
        .await;
    Correction::of(&corrected.slug)
        .question("Unpublished wording about submarines?")
        .draft(&app.pool)
        .await;
    for q in ["secret", "hidden", "confidential", "zeppelin", "submarine"] {
        let page = app.get(&format!("/search?q={q}")).await;
        assert_eq!(page.status, 200, "{q}");
        assert_eq!(page.texts("h2#results"), ["0 records found"], "{q}");
    }
    assert_eq!(
        app.get("/search?q=trains").await.texts(".search-results h3"),
        ["Corrected"]
    );
}

#[tokio::test]
async fn snippets_are_escaped_and_only_matches_are_marked() {
    let app = TestApp::new().await;
    let evidence = "- <script>alert(1)</script> The stalking unit <b>grew</b>.\n- Fish & chips < 5 stalking cases.\n- Text with \u{E000}fake\u{E001} markers about stalking.";
    RecordBuilder::new("2024-01-01", "Safety")
        .question("Question?")
        .evidence(evidence)
        .publish(&app.pool)
        .await;
    let page = app.get("/search?q=stalking").await;
    assert!(!page.body.contains("<script>alert"));
    assert!(!page.body.contains("<b>grew"));
    // ts_headline leaves out what looks like a tag; the rest is escaped.
    assert!(page.texts(".snippet")[0].contains("Fish & chips < 5 stalking cases."));
    assert!(
        page.body
            .contains("Fish &#38; chips &#60; 5 <mark>stalking</mark>")
    );
    let marks = page.texts(".snippet mark");
    assert!(
        !marks.is_empty() && marks.iter().all(|m| m == "stalking"),
        "{marks:?}"
    );
    assert!(!page.body.contains('\u{E000}') && !page.body.contains('\u{E001}'));
}

#[tokio::test]
async fn any_query_text_gets_a_page_never_a_500() {
    let app = TestApp::new().await;
    about("2024-12-03", "Stalking", "stalking")
        .publish(&app.pool)
        .await;
    let long = "stalking ".repeat(1_200);
    let queries = [
        "%22",
        "%27",
        "stalking%22",
        "-",
        "!",
        "%26%7C",
        "%27%3B%20drop%20table%20revision%3B--",
        "%3Cscript%3E",
        "a%3A*",
        "(((",
        "%5C",
        "or",
        "-stalking",
        "%22%22%20%22%22",
        "!!stalking",
        "stalking%20%3C-%3E%20plan",
        "%E2%80%8F",
        "%F0%9F%98%80",
    ];
    for q in queries
        .iter()
        .map(|q| q.to_string())
        .chain([long.replace(' ', "+")])
    {
        let page = app.get(&format!("/search?q={q}")).await;
        assert_eq!(page.status, 200, "{q:.40}");
        assert_eq!(page.texts("h1"), ["Search records"], "{q:.40}");
    }
    // Text no page accepts (a control character, bytes that are not
    // UTF-8) is refused at the edge, with the site's page.
    for q in ["%00", "stalk%00ing", "%09", "%FF%FE"] {
        let page = app.get(&format!("/search?q={q}")).await;
        assert_eq!(page.status, 400, "{q}");
        assert_eq!(page.texts("h1"), ["This address is not valid"], "{q}");
    }
    let cut = app.get(&format!("/search?q={}", long.replace(' ', "+"))).await;
    assert!(
        cut.texts(".notice")
            .join(" ")
            .contains("only its first 500 were searched")
    );
    assert_eq!(cut.texts(".search-results h3"), ["Stalking"]);
    let common = app.get("/search?q=the+and+of").await;
    assert!(common.body.contains("only very common words"));
}

#[tokio::test]
async fn the_empty_and_no_result_pages_say_what_to_do() {
    let app = TestApp::new().await;
    about("2024-12-03", "Stalking", "stalking")
        .publish(&app.pool)
        .await;
    let empty = app.get("/search").await;
    assert_eq!(empty.status, 200);
    assert_eq!(empty.texts("h2#results"), ["What you can search"]);
    assert!(empty.body.contains("Put a phrase in quotes"));
    let none = app.get("/search?q=kangaroo&year=2024").await;
    assert_eq!(none.texts("h2#results"), ["0 records found"]);
    assert!(none.body.contains("Check the spelling"));
    assert!(none.body.contains("Search again without the filters"));
    // The form keeps what was asked.
    assert_eq!(
        none.html()
            .select(&scraper::Selector::parse("#q").expect("sel"))
            .next()
            .and_then(|e| e.value().attr("value")),
        Some("kangaroo")
    );
}

#[tokio::test]
async fn filters_and_pages_narrow_the_results() {
    let app = TestApp::new().await;
    for day in 1..=25 {
        let topic = if day % 5 == 0 { "Stalking" } else { "Harassment" };
        let decision = if day == 10 {
            Decision::NotAssured
        } else {
            Decision::Assured
        };
        about(&format!("2024-01-{day:02}"), topic, "stalking and harassment")
            .decision(decision)
            .publish(&app.pool)
            .await;
    }
    about("2023-06-01", "Stalking", "stalking")
        .publish(&app.pool)
        .await;
    let first = app.get("/search?q=stalking").await;
    assert_eq!(first.texts("h2#results"), ["26 records found"]);
    assert_eq!(first.texts(".search-results > li").len(), 20);
    assert_eq!(first.texts(".pager li"), ["Page 1 of 2", "Next page"]);
    let second = app.get("/search?q=stalking&page=2").await;
    assert_eq!(second.texts(".search-results > li").len(), 6);
    let past = app.get("/search?q=stalking&page=5").await;
    assert_eq!(past.texts("h2#results"), ["26 records found"]);
    assert!(past.body.contains("There are no more results"));
    let topic = app.get("/search?q=stalking&topic=stalking").await;
    assert_eq!(topic.texts("h2#results"), ["6 records found"]);
    let year = app.get("/search?q=stalking&year=2023").await;
    assert_eq!(year.texts(".search-results time"), ["1 June 2023"]);
    let decision = app.get("/search?q=stalking&decision=not_assured").await;
    assert_eq!(decision.texts(".search-results time"), ["10 January 2024"]);
    assert_eq!(decision.texts("#decision option[selected]"), ["Not assured"]);
    for bad in ["year=abc", "decision=maybe", "page=0"] {
        assert_eq!(
            app.get(&format!("/search?q=stalking&{bad}")).await.status,
            400,
            "{bad}"
        );
    }
}

#[tokio::test]
async fn the_search_box_is_on_the_home_page_and_in_every_other_header() {
    let app = TestApp::with_demo().await;
    for uri in [
        "/meetings",
        "/meetings/2024-12-03-stalking",
        "/search?q=x",
        "/no-such-page",
    ] {
        let page = app.get(uri).await;
        let html = page.html();
        let header = scraper::Selector::parse("header form[role=search][action='/search'] input[name=q]")
            .expect("sel");
        assert_eq!(html.select(&header).count(), 1, "{uri}");
    }
    let home = app.get("/").await;
    let selector =
        scraper::Selector::parse("main form[action='/search'] input#home-search[name=q]").expect("sel");
    assert_eq!(home.html().select(&selector).count(), 1);
    assert_eq!(home.texts("label[for=home-search]"), ["Search the records"]);
    assert!(
        home.texts("header form[role=search]").is_empty(),
        "one search box on the home page"
    );
}

/// What search reads of each public record, as the database keeps it:
/// (record, revision) for every record the public may read.
async fn indexed(app: &TestApp) -> Vec<(i64, i64)> {
    sqlx::query_as("select meeting_id, revision_id from public_record order by 1")
        .fetch_all(&app.pool)
        .await
        .expect("search documents")
}

async fn public(app: &TestApp) -> Vec<(i64, i64)> {
    sqlx::query_as("select meeting_id, id from public_revision order by 1")
        .fetch_all(&app.pool)
        .await
        .expect("public revisions")
}

#[tokio::test]
async fn search_reads_only_the_current_revision_of_each_public_record() {
    let app = TestApp::new().await;
    let first = about("2024-03-05", "Fraud", "lemurold")
        .action("Lemuraction report")
        .owner("Head of Fraud")
        .publish(&app.pool)
        .await;
    let other = about("2024-04-05", "Custody", "lemurkept")
        .publish(&app.pool)
        .await;
    about("2024-05-05", "Drones", "lemurdraft").draft(&app.pool).await;
    assert_eq!(indexed(&app).await, public(&app).await);
    assert_eq!(indexed(&app).await.len(), 2, "the draft is not indexed");
    let found = |q: &'static str| {
        let app = &app;
        async move { app.get(&format!("/search?q={q}")).await.texts("h2#results") }
    };
    assert_eq!(
        found("lemuraction").await,
        ["1 record found"],
        "the actions' words too"
    );

    // A correction replaces the words searched: the old question's are
    // found no more, though its revision stays readable.
    Correction::of(&first.slug)
        .question("What is the Force doing about lemurnew?")
        .publish(&app.pool, "Wording.")
        .await;
    assert_eq!(indexed(&app).await, public(&app).await);
    assert_eq!(found("lemurnew").await, ["1 record found"]);
    assert_ne!(found("lemurold").await, ["1 record found"]);
    assert_eq!(
        found("lemuraction").await,
        ["1 record found"],
        "its actions as agreed"
    );

    // Withdrawn: not found; reinstated: found again.
    withdraw(&app.pool, &other.slug, "Published in error.").await;
    assert_eq!(indexed(&app).await, public(&app).await);
    assert_ne!(found("lemurkept").await, ["1 record found"]);
    crate::common::reinstate(&app.pool, &other.slug, "It was right.").await;
    assert_eq!(indexed(&app).await, public(&app).await);
    assert_eq!(found("lemurkept").await, ["1 record found"]);
}

/// A snippet is made from the paragraphs that match, wherever they are in
/// the record, also when the word is written otherwise than its stem
/// ("policies" for "policy", "hoping" for "hope").
#[tokio::test]
async fn a_snippet_shows_the_paragraph_that_matched_however_far_down() {
    let app = TestApp::new().await;
    let evidence = "- The unit met weekly.\n- Staffing was stable.\n- Training was completed.\n- Budgets were agreed.\n- Reports were on time.\n- The new policies on drones were adopted, hoping to cut response times.";
    RecordBuilder::new("2024-01-01", "Safety")
        .question("Question?")
        .evidence(evidence)
        .publish(&app.pool)
        .await;
    for (q, marked) in [("policy", "policies"), ("hope", "hoping")] {
        let page = app.get(&format!("/search?q={q}")).await;
        assert_eq!(page.texts(".snippet mark"), [marked], "{q}");
        assert!(
            !page.texts(".snippet")[0].contains("met weekly"),
            "{q}: {:?}",
            page.texts(".snippet")
        );
    }
}

/// The value of the field `#id` on `page`.
fn value_of(page: &crate::common::TestResponse, id: &str) -> Option<String> {
    let selector = scraper::Selector::parse(&format!("#{id}")).expect("sel");
    page.html()
        .select(&selector)
        .next()
        .and_then(|e| e.value().attr("value").map(str::to_owned))
}

#[tokio::test]
async fn a_date_range_finds_meetings_held_between_its_dates_on_every_page() {
    let app = TestApp::new().await;
    for day in 1..=22 {
        about(&format!("2024-01-{day:02}"), "Stalking", "stalking")
            .publish(&app.pool)
            .await;
    }
    about("2023-12-31", "Stalking", "stalking")
        .publish(&app.pool)
        .await;
    about("2024-02-01", "Stalking", "stalking")
        .publish(&app.pool)
        .await;

    let page = app.get("/search?q=stalking&from=2024-01-01&to=2024-01-31").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.texts("label[for=from]"), ["From"]);
    assert_eq!(page.texts("label[for=to]"), ["To"]);
    assert_eq!(value_of(&page, "from").as_deref(), Some("2024-01-01"));
    assert_eq!(page.texts("h2#results"), ["22 records found"]);
    let next = scraper::Selector::parse(".pager a[rel=next]").expect("sel");
    let href = page
        .html()
        .select(&next)
        .next()
        .and_then(|a| a.value().attr("href").map(str::to_owned))
        .expect("a next page");
    assert_eq!(href, "/search?q=stalking&from=2024-01-01&to=2024-01-31&page=2");
    let second = app.get(&href).await;
    assert_eq!(
        second.texts(".search-results time"),
        ["2 January 2024", "1 January 2024"]
    );

    // Both dates are included; either may be left open.
    let one_day = app.get("/search?q=stalking&from=2024-01-22&to=2024-01-22").await;
    assert_eq!(one_day.texts(".search-results time"), ["22 January 2024"]);
    let after = app.get("/search?q=stalking&from=2024-01-22").await;
    assert_eq!(
        after.texts(".search-results time"),
        ["1 February 2024", "22 January 2024"]
    );
    let before = app.get("/search?q=stalking&to=2024-01-01").await;
    assert_eq!(
        before.texts(".search-results time"),
        ["1 January 2024", "31 December 2023"]
    );
    // With a year, the dates within it.
    let year = app.get("/search?q=stalking&year=2024&to=2024-01-01").await;
    assert_eq!(year.texts(".search-results time"), ["1 January 2024"]);
}

#[tokio::test]
async fn a_date_that_is_not_one_is_shown_beside_its_field_as_typed() {
    let app = TestApp::new().await;
    about("2024-01-10", "Stalking", "stalking")
        .publish(&app.pool)
        .await;
    let page = app.get("/search?q=stalking&from=2024-02-30&to=soon").await;
    assert_eq!(page.status, 422);
    assert!(page.texts("title")[0].starts_with("Error: "));
    assert_eq!(page.texts("h1"), ["Search records"]);
    assert_eq!(
        page.texts("#from-error"),
        ["Error: The from date must be a real date, like 2024-12-03"]
    );
    assert_eq!(
        page.texts("#to-error"),
        ["Error: The to date must be a real date, like 2024-12-03"]
    );
    assert_eq!(page.texts(".error-summary a").len(), 2);
    assert_eq!(value_of(&page, "from").as_deref(), Some("2024-02-30"));
    assert_eq!(value_of(&page, "to").as_deref(), Some("soon"));
    assert_eq!(value_of(&page, "q").as_deref(), Some("stalking"));
    assert!(page.texts(".search-results").is_empty());

    let backwards = app.get("/search?q=stalking&from=2024-02-01&to=2024-01-01").await;
    assert_eq!(backwards.status, 422);
    assert_eq!(
        backwards.texts("#to-error"),
        ["Error: The to date must be the same as or after the from date"]
    );
}

#[tokio::test]
async fn a_result_links_to_the_question_that_matched_with_its_snippet() {
    let app = TestApp::new().await;
    let record = RecordBuilder::new("2024-12-03", "Stalking")
        .question("How is the budget spent?")
        .evidence("- Mostly on staff.")
        .question("Are drones used?")
        .evidence("- Two drones patrol the moors.")
        .question("How many drones are there?")
        .evidence("- Two drones, bought in 2023.")
        .question("Is the drone team trained?")
        .evidence("- Training on drones was given to pilots.")
        .publish(&app.pool)
        .await;
    about("2024-11-01", "Burglary", "drones over farms")
        .publish(&app.pool)
        .await;

    let page = app.get("/search?q=drones").await;
    assert_eq!(page.texts(".search-results h3"), ["Stalking", "Burglary"]);
    let links = scraper::Selector::parse(".search-results .found-in a").expect("sel");
    let found: Vec<(String, String)> = page
        .html()
        .select(&links)
        .map(|a| {
            let attr = |n| a.value().attr(n).unwrap_or_default().to_owned();
            (attr("href"), attr("aria-label"))
        })
        .collect();
    let question_2 = format!("/meetings/{}#question-2", record.slug);
    assert_eq!(
        found,
        [
            (question_2, "question 2 of Stalking, 3 December 2024".to_owned()),
            (
                "/meetings/2024-11-01-burglary#question-1".to_owned(),
                "question 1 of Burglary, 1 November 2024".to_owned()
            ),
        ]
    );
    // The snippet is the question's: not the budget of question 1.
    let snippet = &page.texts(".snippet")[0];
    assert!(snippet.contains("Two drones patrol the moors"), "{snippet}");
    assert!(!snippet.contains("budget"), "{snippet}");
    // The record page has the place linked to.
    let shown = app.get(&format!("/meetings/{}", record.slug)).await;
    assert!(shown.texts("tr#question-2 .question-text")[0].contains("Are drones used?"));

    // The question that holds every word comes before one that holds some.
    let both = app.get("/search?q=drones+training").await;
    assert_eq!(both.texts(".search-results .found-in"), ["Found in question 4"]);
    assert!(both.texts(".snippet")[0].contains("pilots"));
    // Words spread over questions: the first that holds one of them.
    let spread = app.get("/search?q=budget+patrol").await;
    assert_eq!(spread.texts(".search-results .found-in"), ["Found in question 1"]);
    // Only the topic matched: the record, no question.
    let topic = app.get("/search?q=burglary").await;
    assert_eq!(topic.texts(".search-results h3"), ["Burglary"]);
    assert!(topic.texts(".search-results .found-in").is_empty());
}

/// What searching `q` finds on `app`'s archive, the site's way but with
/// matches estimated from `estimated_from` (the site's is 10,000), with
/// `filter` and `dates`.
async fn found(
    app: &TestApp,
    q: &str,
    filter: &ListFilter,
    dates: search::Dates,
    estimated_from: i64,
) -> (search::Counted, i64, usize) {
    let mut conn = app.pool.acquire().await.expect("connection");
    let found = search::search_estimating_from(
        &mut conn,
        &SearchQuery::parse(q),
        filter,
        dates,
        (20, 0),
        estimated_from,
    )
    .await
    .expect("search");
    (found.counted, found.total, found.hits.len())
}

#[tokio::test]
async fn common_words_are_estimated_from_the_statistics_only_when_nothing_filters_them() {
    use search::Counted::{About, Exactly};
    let app = TestApp::new().await;
    // Twelve records with "harassment"; eight with "stalking" too (the
    // four on stalking and the even days).
    for day in 1..=12 {
        let topic = if day <= 4 { "Stalking" } else { "Harassment" };
        let words = if day % 2 == 0 {
            "stalking and harassment"
        } else {
            "harassment"
        };
        about(&format!("2024-01-{day:02}"), topic, words)
            .publish(&app.pool)
            .await;
    }
    let all = ListFilter::default();
    let any = search::Dates::default();
    // Before PostgreSQL has gathered statistics, matches are counted.
    assert_eq!(found(&app, "harassment", &all, any, 5).await, (Exactly, 12, 12));
    sqlx::query("analyze public_record")
        .execute(&app.pool)
        .await
        .expect("analyze");
    assert_eq!(found(&app, "harassment", &all, any, 5).await, (About, 12, 12));
    assert_eq!(
        found(&app, "stalking harassment", &all, any, 5).await,
        (About, 8, 8)
    );
    // Below the number estimated from, counted.
    assert_eq!(
        found(&app, "stalking harassment", &all, any, 9).await,
        (Exactly, 8, 8)
    );
    // Not every word required, or a filter the statistics do not know:
    // counted.
    for q in [
        "stalking or harassment",
        "\"stalking and harassment\"",
        "harassment -burglary",
    ] {
        let (counted, _, _) = found(&app, q, &all, any, 5).await;
        assert_eq!(counted, Exactly, "{q}");
    }
    let topic = ListFilter {
        topic_slug: Some("stalking".into()),
        ..ListFilter::default()
    };
    assert_eq!(found(&app, "harassment", &topic, any, 1).await, (Exactly, 4, 4));
    let year = ListFilter {
        year: Some(2024),
        ..ListFilter::default()
    };
    assert_eq!(found(&app, "harassment", &year, any, 1).await, (Exactly, 12, 12));
    let dates = search::Dates {
        from: chrono::NaiveDate::from_ymd_opt(2024, 1, 11),
        to: None,
    };
    assert_eq!(found(&app, "harassment", &all, dates, 1).await, (Exactly, 2, 2));
}
