//! `/forward-plan`: the re-visit actions of published records, the staff
//! page that keeps the plan, and the iCalendar feed.

use scrutiny::domain::record::ActionStatus;

use crate::common::{RecordBuilder, TestApp};
use crate::portal::attr;

#[tokio::test]
async fn a_revisit_action_puts_its_topic_on_the_forward_plan_at_its_due_date() {
    let app = TestApp::new().await;
    RecordBuilder::new("2024-12-03", "Stalking")
        .question("Q?")
        .action("Re-visit the topic in a year's time.")
        .due_on("2099-12-03")
        .revisit("Stalking")
        .action("Re-visit when the review is done.")
        .revisit("Stalking reviews")
        .action("Re-visit, done already.")
        .due_on("2099-06-01")
        .status(ActionStatus::Done)
        .revisit("Finished")
        .publish(&app.pool)
        .await;
    RecordBuilder::new("2025-01-01", "Draft")
        .question("Q?")
        .action("Re-visit a draft.")
        .due_on("2099-01-01")
        .revisit("Draft topic")
        .draft(&app.pool)
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
    assert!(
        app.get("/forward-plan")
            .await
            .body
            .contains("Nothing is planned yet"),
        "not public until published"
    );
    let list = staff.get("/staff/forward-plan").await;
    assert_eq!(list.texts("td[data-label=Public] .tag"), ["Not published"]);
    let edit = attr(&list, "a[href^='/staff/forward-plan/']", "href").remove(0);
    let published = staff.post(&format!("{edit}/publish"), &[("version", "1")]).await;
    assert_eq!(published.status, 303, "{}", published.body);
    let public = app.get("/forward-plan").await;
    assert_eq!(public.texts(".plan td[data-label=Topic]"), ["Rural crime"]);
    assert_eq!(
        public.texts(".plan td[data-label=Notes]"),
        ["With the NFU; farms, quads"]
    );

    let stale = [
        ("topic", "Rural crime and wildlife"),
        ("planned_on", "2099-03-05"),
        ("note", ""),
        ("version", "2"),
    ];
    assert_eq!(staff.post(&edit, &stale).await.status, 303);
    let conflict = staff.post(&edit, &stale).await;
    assert_eq!(conflict.status, 409, "a second save of version 2 is refused");
    assert!(conflict.body.contains("Someone else saved this entry"));
    let public = app.get("/forward-plan").await;
    assert_eq!(
        (
            public.texts(".plan td[data-label=Date]"),
            public.texts(".plan td[data-label=Topic]")
        ),
        (vec!["4 March 2099".to_owned()], vec!["Rural crime".to_owned()]),
        "the public sees the entry as published until it is published again"
    );
    let list = staff.get("/staff/forward-plan").await;
    assert_eq!(
        list.texts("td[data-label=Public] .tag"),
        ["Changes not published"]
    );
    let old_page = staff.post(&format!("{edit}/publish"), &[("version", "2")]).await;
    assert_eq!(old_page.status, 409, "a publish from a page older than the save");
    assert!(old_page.body.contains("Nothing was published"));
    assert_eq!(
        app.get("/forward-plan").await.texts(".plan td[data-label=Topic]"),
        ["Rural crime"]
    );
    let republished = staff.post(&format!("{edit}/publish"), &[("version", "3")]).await;
    assert_eq!(republished.status, 303, "{}", republished.body);
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

    let audited: Vec<(String, Option<String>, Option<String>)> = sqlx::query_as(
        "select action, before->>'topic', after->>'topic' from audit_log where entity = 'forward_plan' order by id",
    )
    .fetch_all(&app.pool)
    .await
    .expect("audit");
    let (rural, wildlife) = (
        Some("Rural crime".to_owned()),
        Some("Rural crime and wildlife".to_owned()),
    );
    assert_eq!(
        audited,
        [
            ("create".to_owned(), None, rural.clone()),
            ("publish".to_owned(), None, rural.clone()),
            ("update".to_owned(), rural.clone(), wildlife.clone()),
            ("publish".to_owned(), rural.clone(), wildlife.clone()),
            ("delete".to_owned(), wildlife, None),
        ]
    );
}

/// A good date does not let a missing topic or an overlong note through,
/// and a change whose version is not a number saves nothing.
#[tokio::test]
async fn a_plan_entry_is_checked_field_by_field_and_a_garbled_version_saves_nothing() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let long_note = "n".repeat(scrutiny::domain::fields::MAX_REASON_CHARS + 1);
    let refused = [
        (("", ""), "Enter topic"),
        (
            ("Rural crime", long_note.as_str()),
            "Notes must be 2000 characters or fewer",
        ),
    ];
    for ((topic, note), error) in refused {
        let fields = [("topic", topic), ("planned_on", "2099-03-04"), ("note", note)];
        let bad = staff.post("/staff/forward-plan", &fields).await;
        assert_eq!(bad.status, 422, "{error}");
        assert_eq!(bad.texts(".error-summary li"), [error]);
    }
    let entries = || async {
        sqlx::query_as::<_, (String, i32)>("select topic, version from forward_plan")
            .fetch_all(&app.pool)
            .await
            .expect("entries")
    };
    assert_eq!(entries().await, [], "nothing was added");

    let fields = [("topic", "Rural crime"), ("planned_on", "2099-03-04")];
    assert_eq!(staff.post("/staff/forward-plan", &fields).await.status, 303);
    let list = staff.get("/staff/forward-plan").await;
    let edit = attr(&list, "a[href^='/staff/forward-plan/']", "href").remove(0);
    let garbled = [
        ("topic", "Rural crime and wildlife"),
        ("planned_on", "2099-03-04"),
        ("version", "one"),
    ];
    let saved = staff.post(&edit, &garbled).await;
    assert_eq!(saved.status, 409, "{}", saved.body);
    assert_eq!(
        entries().await,
        [("Rural crime".to_owned(), 1)],
        "nothing saved over"
    );
    let published = staff
        .post(&format!("{edit}/publish"), &[("version", "one")])
        .await;
    assert_eq!(published.status, 409, "{}", published.body);
    assert!(
        app.get("/forward-plan")
            .await
            .body
            .contains("Nothing is planned yet"),
        "nothing was published"
    );
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
    let added = staff
        .post(
            "/staff/forward-plan",
            &[
                ("topic", "Rural crime"),
                ("planned_on", "2099-03-04"),
                ("note", note),
            ],
        )
        .await;
    assert_eq!(added.status, 303);
    let id: i64 = sqlx::query_scalar("select id from forward_plan")
        .fetch_one(&app.pool)
        .await
        .expect("entry");
    let published = staff
        .post(&format!("/staff/forward-plan/{id}/publish"), &[("version", "1")])
        .await;
    assert_eq!(published.status, 303);
    RecordBuilder::new("2024-12-03", "Stalking")
        .question("Q?")
        .action("Re-visit in a year.")
        .due_on("2099-12-03")
        .revisit("Stalking")
        .publish(&app.pool)
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
async fn staff_make_a_revisit_action_through_the_form_and_it_joins_the_plan_when_published() {
    let app = TestApp::new().await;
    let record = RecordBuilder::new("2024-12-03", "Stalking")
        .question("Q?")
        .draft(&app.pool)
        .await;
    let (slug, id) = (record.slug, record.id);
    let mut staff = app.signed_in("staff").await;
    let fields = [
        ("body", "Re-visit the topic in a year's time."),
        ("owner", "OPCC"),
        ("due_on", "2099-12-03"),
        ("status", "open"),
        ("revisit_topic", "Stalking"),
    ];
    let added = staff
        .post(&format!("/staff/meetings/{id}/actions"), &fields)
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let nothing = "Nothing is planned yet";
    assert!(app.get("/forward-plan").await.body.contains(nothing), "a draft's");
    publish(&app, id, None).await;
    let plan = app.get("/forward-plan").await;
    assert_eq!(plan.texts(".plan td[data-label=Date]"), ["3 December 2099"]);
    assert_eq!(
        attr(&plan, ".plan td a", "href"),
        [format!("/meetings/{slug}#action-1")]
    );
    // Cleared in a correction, it leaves the plan when that is published.
    let mut pcc = app.signed_in("pcc").await;
    pcc.post(&format!("/staff/meetings/{id}/correct"), &[]).await;
    let action: i64 = sqlx::query_scalar("select id from action")
        .fetch_one(&app.pool)
        .await
        .expect("action");
    let edit = staff.get(&format!("/staff/actions/{action}")).await;
    assert_eq!(attr(&edit, "#revisit_topic", "value"), ["Stalking"]);
    let cleared = [("revisit_topic", ""), ("version", "1")];
    let saved = staff
        .post(
            &format!("/staff/actions/{action}"),
            &[&fields[..4], &cleared[..]].concat(),
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert!(!app.get("/forward-plan").await.body.contains(nothing));
    publish(&app, id, Some("No re-visit after all.")).await;
    assert!(app.get("/forward-plan").await.body.contains(nothing));
}

/// Publishes meeting `id`'s next revision.
async fn publish(app: &TestApp, id: i64, reason: Option<&str>) {
    let mut tx = app.pool.begin().await.expect("tx");
    scrutiny::db::records::publish(&mut tx, id, None, reason)
        .await
        .expect("published");
    tx.commit().await.expect("commit");
}
