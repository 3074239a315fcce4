//! `/topics`, `/actions`, `/forward-plan` (and its staff page and calendar),
//! and `/accessibility`.

use scrutiny::domain::Decision;

use crate::common::TestApp;
use crate::records::{A, Q, record, simple, withdraw};

fn attr(page: &crate::common::TestResponse, selector: &str, name: &str) -> Vec<String> {
    let selector = scraper::Selector::parse(selector).expect("selector");
    page.html()
        .select(&selector)
        .filter_map(|e| e.value().attr(name).map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn a_topic_page_shows_its_records_over_time_with_a_chart_and_the_same_table() {
    let app = TestApp::new().await;
    let (assured, partly, not) = (
        Some(Decision::Assured),
        Some(Decision::PartlyAssured),
        Some(Decision::NotAssured),
    );
    let first = [Q("One?", "", not, ""), Q("Two?", "", partly, "")];
    record(&app.pool, "2022-11-01", "Stalking", &first, &[], true).await;
    let second = [
        Q("One?", "", assured, ""),
        Q("Two?", "", assured, ""),
        Q("Three?", "", None, ""),
    ];
    record(&app.pool, "2024-12-03", "Stalking", &second, &[], true).await;
    simple(&app.pool, "2024-05-01", "Road Safety", "roads", assured).await;
    let (_, gone) = record(&app.pool, "2023-06-01", "Stalking", &first, &[], true).await;
    withdraw(&app.pool, gone).await;

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
    let actions = [
        A(
            "Report on the helpline.",
            "Chief Inspector",
            "2020-01-31",
            "open",
            None,
        ),
        A(
            "Train every officer.",
            "Head of Training",
            "2099-01-31",
            "in_progress",
            None,
        ),
        A("Publish the plan.", "Chief Inspector", "2020-03-01", "done", None),
    ];
    record(
        &app.pool,
        "2024-12-03",
        "Stalking",
        &[Q("Q?", "", None, "")],
        &actions,
        true,
    )
    .await;
    let secret = [A("A draft's action.", "Nobody", "2020-01-01", "open", None)];
    record(
        &app.pool,
        "2025-01-01",
        "Draft",
        &[Q("Q?", "", None, "")],
        &secret,
        false,
    )
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
async fn a_revisit_action_puts_its_topic_on_the_forward_plan_at_its_due_date() {
    let app = TestApp::new().await;
    let actions = [
        A(
            "Re-visit the topic in a year's time.",
            "",
            "2099-12-03",
            "open",
            Some("Stalking"),
        ),
        A(
            "Re-visit when the review is done.",
            "",
            "",
            "open",
            Some("Stalking reviews"),
        ),
        A(
            "Re-visit, done already.",
            "",
            "2099-06-01",
            "done",
            Some("Finished"),
        ),
    ];
    record(
        &app.pool,
        "2024-12-03",
        "Stalking",
        &[Q("Q?", "", None, "")],
        &actions,
        true,
    )
    .await;
    let draft = [A(
        "Re-visit a draft.",
        "",
        "2099-01-01",
        "open",
        Some("Draft topic"),
    )];
    record(
        &app.pool,
        "2025-01-01",
        "Draft",
        &[Q("Q?", "", None, "")],
        &draft,
        false,
    )
    .await;
    let plan = app.get("/forward-plan").await;
    assert_eq!(plan.status, 200);
    assert_eq!(plan.texts(".plan td[data-label=Date]"), ["3 December 2099"]);
    assert_eq!(plan.texts(".plan td[data-label=Topic]"), ["Stalking"]);
    assert_eq!(
        attr(&plan, ".plan td a", "href"),
        ["/meetings/2024-12-03-stalking#action-1"]
    );
    assert!(plan.texts(".plan-undated li")[0].starts_with("Stalking reviews"));
    assert!(!plan.body.contains("Finished") && !plan.body.contains("Draft topic"));
}

#[tokio::test]
async fn staff_keep_the_forward_plan_and_every_change_is_audited() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let empty = staff
        .post(
            "/staff/forward-plan",
            &[("topic", ""), ("planned_on", "2099-02-30")],
        )
        .await;
    assert_eq!(empty.status, 422);
    assert_eq!(
        empty.texts(".error-summary li"),
        ["Enter topic", "Date must be a real date, like 2024-12-03"]
    );
    let added = staff
        .post(
            "/staff/forward-plan",
            &[
                ("topic", "Rural crime"),
                ("planned_on", "2099-03-04"),
                ("note", "With the NFU; farms, quads"),
            ],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let public = app.get("/forward-plan").await;
    assert_eq!(public.texts(".plan td[data-label=Topic]"), ["Rural crime"]);
    assert_eq!(
        public.texts(".plan td[data-label=Notes]"),
        ["With the NFU; farms, quads"]
    );

    let list = staff.get("/staff/forward-plan").await;
    let edit = attr(&list, "a[href^='/staff/forward-plan/']", "href").remove(0);
    let stale = [
        ("topic", "Rural crime and wildlife"),
        ("planned_on", "2099-03-05"),
        ("note", ""),
        ("version", "1"),
    ];
    assert_eq!(staff.post(&edit, &stale).await.status, 303);
    let conflict = staff.post(&edit, &stale).await;
    assert_eq!(conflict.status, 409, "a second save of version 1 is refused");
    assert!(conflict.body.contains("Someone else saved this entry"));
    assert_eq!(
        app.get("/forward-plan").await.texts(".plan td[data-label=Date]"),
        ["5 March 2099"]
    );
    assert_eq!(staff.post(&format!("{edit}/delete"), &[]).await.status, 303);
    assert!(
        app.get("/forward-plan")
            .await
            .body
            .contains("Nothing is planned yet")
    );

    let audited: Vec<String> =
        sqlx::query_scalar("select action from audit_log where entity = 'forward_plan' order by id")
            .fetch_all(&app.pool)
            .await
            .expect("audit");
    assert_eq!(audited, ["create", "update", "delete"]);
}

#[tokio::test]
async fn the_staff_forward_plan_needs_a_signed_in_writer_and_a_form_token() {
    let app = TestApp::new().await;
    let mut visitor = app.visitor();
    let page = visitor.get("/staff/forward-plan").await;
    assert_eq!(page.status, 303);
    assert!(page.header("location").starts_with("/staff/login"));
    let post = visitor
        .post(
            "/staff/forward-plan",
            &[("topic", "X"), ("planned_on", "2099-01-01")],
        )
        .await;
    assert_eq!(post.status, 303);
    assert!(
        post.header("location").starts_with("/staff/login"),
        "sent to sign in, not saved"
    );
    let mut staff = app.signed_in("staff").await;
    let forged = staff
        .post_raw(
            "/staff/forward-plan",
            &[("topic", "X"), ("planned_on", "2099-01-01")],
        )
        .await;
    assert_eq!(forged.status, 403);
    let count: i64 = sqlx::query_scalar("select count(*) from forward_plan")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(count, 0);
}

#[tokio::test]
async fn the_forward_plan_calendar_is_valid_icalendar() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let note = "Commas, semicolons; a back\\slash, and\r\na second line. Long text that goes on and on so that the line must be folded, with ünïcödé ✓ in it.";
    staff
        .post(
            "/staff/forward-plan",
            &[
                ("topic", "Rural crime"),
                ("planned_on", "2099-03-04"),
                ("note", note),
            ],
        )
        .await;
    let actions = [A(
        "Re-visit in a year.",
        "",
        "2099-12-03",
        "open",
        Some("Stalking"),
    )];
    record(
        &app.pool,
        "2024-12-03",
        "Stalking",
        &[Q("Q?", "", None, "")],
        &actions,
        true,
    )
    .await;

    let ics = app.get("/forward-plan.ics").await;
    assert_eq!(ics.status, 200);
    assert_eq!(ics.header("content-type"), "text/calendar; charset=utf-8");
    let body = &ics.body;
    assert!(body.starts_with("BEGIN:VCALENDAR\r\n") && body.ends_with("END:VCALENDAR\r\n"));
    assert_eq!(
        body.matches('\n').count(),
        body.matches("\r\n").count(),
        "every line ends CRLF"
    );
    for line in body.split("\r\n") {
        assert!(line.len() <= 75, "lines are folded at 75 octets: {line:?}");
    }
    let unfolded = body.replace("\r\n ", "");
    assert!(unfolded.contains("SUMMARY:Scrutiny: Rural crime\r\n"));
    assert!(unfolded.contains(r"DESCRIPTION:Commas\, semicolons\; a back\\slash\, and\na second line."));
    assert!(unfolded.contains("DTSTART;VALUE=DATE:20990304\r\n"));
    assert!(unfolded.contains("DTEND;VALUE=DATE:20990305\r\n"));
    assert!(unfolded.contains("SUMMARY:Scrutiny: Stalking\r\n"));
    assert!(unfolded.contains("PRODID:") && unfolded.contains("VERSION:2.0"));
    let unfolded_by_parser = icalendar::parser::unfold(body);
    let calendar = icalendar::parser::read_calendar(&unfolded_by_parser).expect("parses as iCalendar");
    let events: Vec<_> = calendar
        .components
        .iter()
        .filter(|c| c.name == "VEVENT")
        .collect();
    assert_eq!(events.len(), 2);
    for event in events {
        for required in ["UID", "DTSTAMP", "DTSTART", "SUMMARY"] {
            assert!(event.properties.iter().any(|p| p.name == required), "{required}");
        }
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
