//! A meeting's details: the forms, the slug, invalid input, the audit log,
//! and what the public and a published record allow.

use super::{MEETING, draft};
use scrutiny::domain::Decision;

use crate::common::{RecordBuilder, TestApp, Visitor, id_in};

/// Creates `MEETING` through the form; returns its editor address.
async fn new_meeting(staff: &mut Visitor<'_>) -> String {
    let created = staff.post("/staff/meetings", MEETING).await;
    assert_eq!(created.status, 303, "{}", created.body);
    created.header("location").to_owned()
}

#[tokio::test]
async fn the_forms_carry_the_labels_people_rely_on() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let dashboard = staff.get("/staff").await;
    assert!(dashboard.texts("a.button").contains(&"New meeting".to_owned()));
    let new = staff.get("/staff/meetings/new").await;
    let labels = new.texts("label");
    for label in ["Topic", "Date"] {
        assert!(labels.contains(&label.to_owned()), "{label} in {labels:?}");
    }
    assert_eq!(new.texts("main form button"), ["Save"]);
    let (editor, _) = draft(&staff, &[]).await;
    let id = id_in(&editor);
    let question = staff.get(&format!("/staff/meetings/{id}/questions/new")).await;
    assert_eq!(question.texts("label"), ["Question", "Evidence"]);
    let action = staff.get(&format!("/staff/meetings/{id}/actions/new")).await;
    assert_eq!(
        action.texts("label"),
        ["Action", "Owner", "Due date", "Status", "Topic to re-visit"]
    );
}

#[tokio::test]
async fn staff_create_a_meeting_and_its_slug_comes_from_date_and_topic() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let editor = new_meeting(&mut staff).await;
    let page = staff.get(&editor).await;
    assert_eq!(page.texts("h1"), ["Stalking"]);
    assert!(page.body.contains("Mark Webster, Chief Constable"));
    let slug: String = sqlx::query_scalar("select slug from meeting where id = $1")
        .bind(id_in(&editor))
        .fetch_one(&app.pool)
        .await
        .expect("slug");
    assert_eq!(slug, "2024-12-03-stalking");
    let second = new_meeting(&mut staff).await;
    let slug: String = sqlx::query_scalar("select slug from meeting where id = $1")
        .bind(id_in(&second))
        .fetch_one(&app.pool)
        .await
        .expect("slug");
    assert_eq!(slug, "2024-12-03-stalking-2", "slugs stay unique");
    let dashboard = staff.get("/staff").await;
    assert_eq!(
        dashboard.texts("#drafts + ul a").len(),
        2,
        "my drafts are on my dashboard"
    );
}

#[tokio::test]
async fn bad_input_gets_422_with_the_input_kept_and_a_summary_linking_each_field() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let long = "x".repeat(201);
    // (A NUL is refused before any form is read: tests/app/hardening.rs.)
    let long_place = "y".repeat(301);
    let bad = staff
        .post(
            "/staff/meetings",
            &[
                ("topic", &long),
                ("held_on", "2024-02-30"),
                ("starts_at", "25:99"),
                ("place", &long_place),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    let summary: Vec<String> = bad.texts(".error-summary a");
    assert_eq!(
        summary,
        [
            "Topic must be 200 characters or fewer",
            "Date must be a real date, like 2024-12-03",
            "Time must be a time of day, like 14:30",
            "Place must be 300 characters or fewer",
        ]
    );
    let html = bad.html();
    let hrefs: Vec<&str> = html
        .select(&scraper::Selector::parse(".error-summary a").expect("selector"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(hrefs, ["#topic", "#held_on", "#starts_at", "#place"]);
    assert!(
        bad.body.contains(&format!("value=\"{long}\"")),
        "the user's text is kept"
    );
    assert!(bad.body.contains("value=\"2024-02-30\""));
    let count: i64 = sqlx::query_scalar("select count(*) from meeting")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(count, 0);
}

#[tokio::test]
async fn drafts_are_invisible_to_the_public() {
    let app = TestApp::new().await;
    let staff = app.signed_in("staff").await;
    draft(&staff, &[]).await;
    let mut public = app.visitor();
    let unknown = public.get("/meetings/2024-12-04-nothing").await;
    for uri in [
        "/meetings/2024-12-03-stalking",
        "/meetings/2024-12-03-stalking.json",
    ] {
        let response = public.get(uri).await;
        assert_eq!(response.status, 404, "{uri}");
        assert_eq!(response.body, unknown.body, "{uri}");
    }
    assert!(!public.get("/meetings").await.body.contains("Stalking"));
}

#[tokio::test]
async fn every_save_is_in_the_audit_log_with_before_and_after() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let (editor, questions) = draft(&staff, &[("Q?", "- Before.")]).await;
    let question = questions[0];
    staff
        .post(
            &format!("/staff/questions/{question}"),
            &[("text", "Q?"), ("evidence", "- After."), ("version", "1")],
        )
        .await;
    let row: (String, serde_json::Value, serde_json::Value, Option<i64>) = sqlx::query_as(
        "select action, before, after, account_id from audit_log where entity = 'question' and action = 'update'",
    )
    .fetch_one(&app.pool)
    .await
    .expect("audit row");
    assert_eq!(row.1["evidence"], "- Before.");
    assert_eq!(row.2["evidence"], "- After.");
    assert!(row.3.is_some(), "who");
    let mut admin = app.signed_in("admin").await;
    let log = admin
        .get(&format!("/staff/audit?meeting={}", id_in(&editor)))
        .await;
    assert_eq!(log.status, 200);
    let whats = log.texts("td[data-label=What] p.change");
    assert!(
        whats.iter().any(|w| w == "Question 1 evidence: 1 line changed"),
        "{whats:?}"
    );
    assert!(
        whats.iter().any(|w| w.starts_with("Record created: Stalking")),
        "{whats:?}"
    );
    assert!(log.body.contains("- After."));
    let officer: i64 = sqlx::query_scalar("select id from account where role = 'staff'")
        .fetch_one(&app.pool)
        .await
        .expect("officer");
    let by_officer = admin.get(&format!("/staff/audit?account={officer}")).await;
    let who = by_officer.texts("td[data-label=Who]");
    assert!(
        !who.is_empty() && who.iter().all(|w| w.starts_with("staff-")),
        "{who:?}"
    );
    let by_admin = admin.get("/staff/audit?account=999999").await;
    assert!(by_admin.texts("td[data-label=Who]").is_empty());
}

#[tokio::test]
async fn a_published_record_cannot_be_edited_in_place() {
    let app = TestApp::with_demo().await;
    let mut staff = app.signed_in("staff").await;
    let id: i64 = sqlx::query_scalar("select id from meeting")
        .fetch_one(&app.pool)
        .await
        .expect("id");
    let question: i64 = sqlx::query_scalar("select id from question order by position limit 1")
        .fetch_one(&app.pool)
        .await
        .expect("q");
    let refused = staff
        .post(
            &format!("/staff/questions/{question}"),
            &[("text", "Changed?"), ("evidence", ""), ("version", "1")],
        )
        .await;
    assert_eq!(refused.status, 409);
    assert_eq!(refused.texts("h1"), ["This record cannot be changed now"]);
    assert_eq!(
        staff
            .post(
                &format!("/staff/meetings/{id}/questions"),
                &[("text", "New?"), ("evidence", "")]
            )
            .await
            .status,
        409
    );
    let public = app.visitor().get("/meetings/2024-12-03-stalking").await;
    assert!(!public.body.contains("Changed?"));
}

/// `MEETING` with its attendees (and, if given, its topic) replaced.
fn meeting_with<'a>(attendees: &'a str, topic: Option<&'a str>) -> Vec<(&'a str, &'a str)> {
    MEETING
        .iter()
        .map(|&(name, value)| match name {
            "attendees" => (name, attendees),
            "topic" => (name, topic.unwrap_or(value)),
            _ => (name, value),
        })
        .collect()
}

#[tokio::test]
async fn attendees_are_checked_line_by_line_and_a_new_meeting_starts_as_a_scrutiny_meeting() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let new = staff.get("/staff/meetings/new").await;
    assert_eq!(new.attrs("#kind", "value"), ["Scrutiny meeting"]);

    let lines = |n: usize| {
        (1..=n)
            .map(|i| format!("Person {i}, Officer"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let (many, most) = (lines(201), lines(200));
    let (long, longest) = ("n".repeat(201), "n".repeat(200));
    let refused = [
        (many.as_str(), "Attendees can list at most 200 people"),
        (
            ", Chief Constable",
            "Each line of attendees needs a name of at most 200 characters",
        ),
        (
            long.as_str(),
            "Each line of attendees needs a name of at most 200 characters",
        ),
    ];
    for (attendees, error) in refused {
        let bad = staff
            .post("/staff/meetings", &meeting_with(attendees, None))
            .await;
        assert_eq!(bad.status, 422, "{attendees:.40}");
        assert_eq!(bad.texts(".error-summary a"), [error]);
    }
    // A good date does not let a missing topic through.
    let untitled = staff
        .post("/staff/meetings", &meeting_with("Jo Bloggs, OPCC", Some("")))
        .await;
    assert_eq!(untitled.status, 422);
    assert_eq!(untitled.texts(".error-summary a").len(), 1, "{}", untitled.body);
    let count: i64 = sqlx::query_scalar("select count(*) from meeting")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(count, 0, "nothing refused was saved");

    for attendees in [most.as_str(), longest.as_str()] {
        let saved = staff
            .post("/staff/meetings", &meeting_with(attendees, None))
            .await;
        assert_eq!(saved.status, 303, "{attendees:.40}: {}", saved.body);
    }

    // A version that is not one is no version: the save is refused, as one
    // made from an old page would be (the meeting is at version 1).
    let id: i64 = sqlx::query_scalar("select min(id) from meeting")
        .fetch_one(&app.pool)
        .await
        .expect("a meeting");
    let garbled: Vec<(&str, &str)> = meeting_with("Jo Bloggs, OPCC", Some("Renamed"))
        .into_iter()
        .map(|(name, value)| {
            if name == "version" {
                (name, "x")
            } else {
                (name, value)
            }
        })
        .collect();
    let refused = staff.post(&format!("/staff/meetings/{id}"), &garbled).await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    let topic: String = sqlx::query_scalar("select topic from meeting where id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .expect("topic");
    assert_eq!(topic, "Stalking");
}

#[tokio::test]
async fn the_editor_shows_each_questions_decision() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let record = RecordBuilder::new("2024-12-03", "Stalking")
        .by(staff.account_id())
        .question("What is the Force doing?")
        .evidence("- It has a plan.")
        .decision(Decision::PartlyAssured)
        .question("Is it enough?")
        .evidence("- Not yet.")
        .draft(&app.pool)
        .await;
    let editor = staff.get(&format!("/staff/meetings/{}", record.id)).await;
    assert_eq!(
        editor.texts(".editor-list .meta"),
        ["Partly assured", "No decision yet"]
    );
}
