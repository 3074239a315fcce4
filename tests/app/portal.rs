//! `/topics`, `/actions` and `/accessibility`.

use scrutiny::domain::Decision;
use scrutiny::domain::record::ActionStatus;

use crate::common::{RecordBuilder, TestApp, withdraw};

pub fn attr(page: &crate::common::TestResponse, selector: &str, name: &str) -> Vec<String> {
    let selector = scraper::Selector::parse(selector).expect("selector");
    page.html()
        .select(&selector)
        .filter_map(|e| e.value().attr(name).map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn a_topic_page_shows_its_records_over_time_with_a_chart_and_the_same_table() {
    let app = TestApp::new().await;
    let first = |date| {
        RecordBuilder::new(date, "Stalking")
            .question("One?")
            .decision(Decision::NotAssured)
            .question("Two?")
            .decision(Decision::PartlyAssured)
    };
    first("2022-11-01").publish(&app.pool).await;
    RecordBuilder::new("2024-12-03", "Stalking")
        .question("One?")
        .decision(Decision::Assured)
        .question("Two?")
        .decision(Decision::Assured)
        .question("Three?")
        .publish(&app.pool)
        .await;
    RecordBuilder::new("2024-05-01", "Road Safety")
        .question("What is the Force doing about roads?")
        .evidence("- The Force has a plan.")
        .decision(Decision::Assured)
        .publish(&app.pool)
        .await;
    let gone = first("2023-06-01").publish(&app.pool).await;
    withdraw(&app.pool, &gone.slug, "Published in error").await;

    let page = app.get("/topics/stalking").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.texts("h1"), ["Stalking"]);
    assert_eq!(
        page.texts(".trend-table tbody th"),
        ["1 November 2022", "3 December 2024"]
    );
    assert_eq!(
        page.texts(".trend-table tbody tr:first-child td"),
        ["2", "0", "1", "1", "0"]
    );
    assert_eq!(
        page.texts(".trend-table tbody tr:last-child td"),
        ["3", "2", "0", "0", "1"]
    );
    // The chart: an image with a title and a description of every meeting.
    assert_eq!(
        page.texts("svg[role=img] > title"),
        ["Decisions on Stalking at each meeting"]
    );
    let desc = page.texts("svg[role=img] > desc").join(" ");
    assert!(
        desc.contains("1 November 2022: 2 questions: 1 partly assured, 1 not assured"),
        "{desc}"
    );
    assert!(
        desc.contains("3 December 2024: 3 questions: 2 assured, 1 no decision recorded"),
        "{desc}"
    );
    assert_eq!(page.texts("svg rect.seg").len(), 4);
    assert_eq!(
        attr(&page, "svg[role=img]", "aria-labelledby"),
        ["trend-title trend-desc"]
    );
    assert_eq!(
        page.texts(".record-list h3"),
        ["Stalking, 3 December 2024", "Stalking, 1 November 2022"]
    );
    assert!(
        !page.body.contains("2023"),
        "a withdrawn record is not on the topic"
    );

    assert_eq!(app.get("/topics/no-such-topic").await.status, 404);
    assert_eq!(app.get("/topics/Bad%20Slug").await.status, 404);
    let index = app.get("/topics").await;
    assert_eq!(
        index.texts(".topics tbody td[data-label=Topic]"),
        ["Road Safety", "Stalking"]
    );
}

#[tokio::test]
async fn records_and_lists_link_to_their_topic() {
    let app = TestApp::with_demo().await;
    let record = app.get("/meetings/2024-12-03-stalking").await;
    assert_eq!(attr(&record, "main a[href='/topics/stalking']", "href").len(), 1);
    for uri in ["/meetings", "/"] {
        let list = app.get(uri).await;
        assert_eq!(
            list.texts(".record-list a[href='/topics/stalking']"),
            ["Stalking over time"],
            "{uri}"
        );
    }
}

#[tokio::test]
async fn the_actions_page_lists_published_actions_with_filters() {
    let app = TestApp::new().await;
    RecordBuilder::new("2024-12-03", "Stalking")
        .question("Q?")
        .action("Report on the helpline.")
        .owner("Chief Inspector")
        .due_on("2020-01-31")
        .action("Train every officer.")
        .owner("Head of Training")
        .due_on("2099-01-31")
        .status(ActionStatus::InProgress)
        .action("Publish the plan.")
        .owner("Chief Inspector")
        .due_on("2020-03-01")
        .status(ActionStatus::Done)
        .publish(&app.pool)
        .await;
    RecordBuilder::new("2025-01-01", "Draft")
        .question("Q?")
        .action("A draft's action.")
        .owner("Nobody")
        .due_on("2020-01-01")
        .draft(&app.pool)
        .await;

    let all = app.get("/actions").await;
    assert_eq!(all.status, 200);
    assert_eq!(all.texts("h2#results"), ["3 actions"]);
    assert!(!all.body.contains("draft's action"));
    assert_eq!(
        attr(&all, "td[data-label=Record] a", "href"),
        [
            "/meetings/2024-12-03-stalking#action-1",
            "/meetings/2024-12-03-stalking#action-2",
            "/meetings/2024-12-03-stalking#action-3"
        ]
    );
    assert_eq!(all.texts(".overdue"), ["Overdue"]);
    assert_eq!(
        all.texts("#owner option"),
        ["Anyone", "Chief Inspector", "Head of Training"]
    );
    let overdue = app.get("/actions?overdue=1").await;
    assert_eq!(
        overdue.texts("td[data-label=Action]"),
        ["1. Report on the helpline."]
    );
    let owner = app.get("/actions?owner=Chief+Inspector").await;
    assert_eq!(owner.texts("h2#results"), ["2 actions"]);
    let status = app.get("/actions?status=in_progress").await;
    assert_eq!(status.texts("td[data-label=Owner]"), ["Head of Training"]);
    assert_eq!(status.texts("#status option[selected]"), ["In progress"]);
    assert_eq!(app.get("/actions?status=maybe").await.status, 400);
    assert_eq!(
        app.get("/actions?page=7").await.texts("h2#results"),
        ["3 actions"]
    );
}

#[tokio::test]
async fn every_topic_filter_takes_the_topic_as_written_in_any_case_or_its_slug() {
    let app = TestApp::new().await;
    RecordBuilder::new("2024-12-03", "Violence Against Women & Girls")
        .question("Is the helpline answered?")
        .action("Report on the helpline.")
        .owner("Chief Inspector")
        .due_on("2099-01-31")
        .publish(&app.pool)
        .await;
    RecordBuilder::new("2024-11-05", "Road Safety")
        .question("Is the helpline for drivers answered?")
        .action("Count the speed cameras.")
        .owner("Chief Inspector")
        .due_on("2099-01-31")
        .publish(&app.pool)
        .await;

    for topic in [
        "Violence+Against+Women+%26+Girls",
        "violence+against+women+%26+girls",
        "VIOLENCE-AGAINST-WOMEN-GIRLS",
        "violence-against-women-girls",
    ] {
        let meetings = app.get(&format!("/meetings?topic={topic}")).await;
        assert_eq!(
            meetings.texts(".record-list time"),
            ["3 December 2024"],
            "{topic}"
        );
        assert_eq!(
            meetings.texts("#topic option[selected]"),
            ["Violence Against Women & Girls"],
            "{topic}"
        );
        let search = app.get(&format!("/search?q=helpline&topic={topic}")).await;
        assert_eq!(search.texts("h2#results"), ["1 record found"], "{topic}");
        let actions = app.get(&format!("/actions?topic={topic}")).await;
        assert_eq!(actions.texts("h2#results"), ["1 action"], "{topic}");
        assert_eq!(
            actions.texts("td[data-label=Action]"),
            ["1. Report on the helpline."],
            "{topic}"
        );
        assert_eq!(
            actions.texts("#topic option[selected]"),
            ["Violence Against Women & Girls"],
            "{topic}"
        );
    }
    let both = app.get("/actions?topic=Road+Safety&owner=Chief+Inspector").await;
    assert_eq!(
        both.texts("td[data-label=Action]"),
        ["1. Count the speed cameras."]
    );
    assert_eq!(app.get("/actions").await.texts("h2#results"), ["2 actions"]);
    let none = app.get("/actions?topic=Fraud").await;
    assert_eq!(
        (none.status.as_u16(), none.texts("h2#results")),
        (200, vec!["0 actions".to_owned()])
    );
}

#[tokio::test]
async fn the_home_page_has_one_search_box_and_record_links_say_which_meeting() {
    let app = TestApp::with_demo().await;
    RecordBuilder::new("2023-06-01", "Stalking")
        .sample_question()
        .publish(&app.pool)
        .await;

    let home = app.get("/").await;
    assert_eq!(
        home.texts("form[role=search]").len(),
        1,
        "one search form on the home page"
    );
    assert_eq!(home.texts("h1").len(), 1);
    assert_ne!(
        home.texts("h1"),
        ["Scrutiny records"],
        "the heading does not repeat the site's name"
    );

    // Elsewhere the header's search box has a label people can see.
    let list = app.get("/meetings").await;
    assert_eq!(list.texts("label[for=site-search]"), ["Search records"]);
    assert!(list.texts("label[for=site-search].visually-hidden").is_empty());
    // Two records on one topic: each link is named by its meeting, not
    // "Stalking" twice.
    for uri in ["/meetings", "/", "/search?q=stalking"] {
        let page = app.get(uri).await;
        let names = attr(&page, "h3 a[href^='/meetings/']", "aria-label");
        assert_eq!(
            names,
            ["Stalking, 3 December 2024", "Stalking, 1 June 2023"],
            "{uri}"
        );
    }
}

#[tokio::test]
async fn the_accessibility_statement_names_the_standard_and_how_to_report_a_problem() {
    let app = TestApp::new().await;
    let page = app.get("/accessibility").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.texts("h1"), ["Accessibility statement"]);
    let text = page.texts("main").join(" ");
    assert!(
        text.contains("Web Content Accessibility Guidelines version 2.2 AA standard"),
        "{text}"
    );
    assert!(
        page.texts("h2")
            .iter()
            .any(|h| h.starts_with("Reporting accessibility problems"))
    );
    assert!(page.body.contains("axe-core") && page.body.contains("320"));
    for uri in ["/", "/meetings", "/accessibility", "/no-such-page"] {
        let page = app.get(uri).await;
        let links = attr(&page, "footer a", "href");
        for href in ["/accessibility", "/data", "/feed.atom"] {
            assert!(
                links.iter().any(|l| l == href),
                "{uri} links {href} in its footer"
            );
        }
    }
}
