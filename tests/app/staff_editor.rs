//! Staff write a whole record through the real forms.

use crate::common::{RecordBuilder, TestApp, Visitor, id_in};

const MEETING: &[(&str, &str)] = &[
    ("topic", "Stalking"),
    ("held_on", "2024-12-03"),
    ("starts_at", "10:00"),
    ("place", "Police HQ, Middlesbrough"),
    ("kind", "Scrutiny meeting"),
    (
        "attendees",
        "Steve Turner, Police and Crime Commissioner\nMark Webster, Chief Constable",
    ),
    ("apologies", "Jo Bloggs, Head of Finance"),
    ("introduction", ""),
    ("version", ""),
];

const EVIDENCE: &str = "- The Force has a Stalking Action Plan.\n  - It has several workstreams.\n    A second paragraph of the same bullet.\n• Bullets may start with -, *, •, ◦ or \"1.\" and nest by indentation.";

/// Creates the meeting above through the form; returns its editor address.
async fn new_meeting(staff: &mut Visitor<'_>) -> String {
    let created = staff.post("/staff/meetings", MEETING).await;
    assert_eq!(created.status, 303, "{}", created.body);
    created.header("location").to_owned()
}

/// A draft on stalking written by `staff`, with `questions` (text,
/// evidence); returns its editor address and its question ids.
async fn draft(staff: &Visitor<'_>, questions: &[(&str, &str)]) -> (String, Vec<i64>) {
    let mut record = RecordBuilder::new("2024-12-03", "Stalking").by(staff.account_id());
    for (text, evidence) in questions {
        record = record.question(text).evidence(evidence);
    }
    let record = record.draft(&staff.app.pool).await;
    (format!("/staff/meetings/{}", record.id), record.questions)
}

/// Adds a question through the editor's form; returns its id.
async fn add_question(staff: &mut Visitor<'_>, editor: &str, text: &str, evidence: &str) -> i64 {
    let id = id_in(editor);
    let added = staff
        .post(
            &format!("/staff/meetings/{id}/questions"),
            &[("text", text), ("evidence", evidence)],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let page = staff.get(editor).await;
    let links = page.html();
    let selector = scraper::Selector::parse("a[href^='/staff/questions/']").expect("selector");
    let last = links
        .select(&selector)
        .next_back()
        .and_then(|a| a.value().attr("href"))
        .expect("an edit link");
    id_in(last)
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
    let bad = staff
        .post(
            "/staff/meetings",
            &[
                ("topic", &long),
                ("held_on", "2024-02-30"),
                ("starts_at", "25:99"),
                ("place", "Room\0 1"),
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
            "Place must not contain NUL characters",
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
async fn evidence_round_trips_exactly_and_the_preview_saves_nothing() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let (editor, _) = draft(&staff, &[]).await;
    let id = id_in(&editor);
    let text = "How can the PCC be assured that:\n- the Force understands the scale?\n- each OIC will:\n  - take robust action;";
    let preview = staff
        .post(
            &format!("/staff/meetings/{id}/questions"),
            &[("text", text), ("evidence", EVIDENCE), ("preview", "1")],
        )
        .await;
    assert_eq!(preview.status, 200);
    assert_eq!(preview.texts(".preview .col-evidence > ul > li").len(), 2);
    assert_eq!(
        preview.texts(".preview .col-evidence ul ul li p"),
        [
            "It has several workstreams.",
            "A second paragraph of the same bullet."
        ]
    );
    assert_eq!(
        preview.texts(".preview .col-question ul ul li"),
        ["take robust action;"]
    );
    assert!(
        preview.body.contains("take robust action;</textarea>"),
        "the typed text is kept"
    );
    let questions: i64 = sqlx::query_scalar("select count(*) from question")
        .fetch_one(&app.pool)
        .await
        .expect("n");
    assert_eq!(questions, 0, "a preview saves nothing");

    let question = add_question(&mut staff, &editor, text, EVIDENCE).await;
    let edit = staff.get(&format!("/staff/questions/{question}")).await;
    assert_eq!(
        edit.texts("textarea#evidence"),
        [EVIDENCE.split_whitespace().collect::<Vec<_>>().join(" ")]
    );
    let html = edit.html();
    let area = html
        .select(&scraper::Selector::parse("textarea#evidence").expect("s"))
        .next()
        .expect("textarea");
    assert_eq!(area.text().collect::<String>(), EVIDENCE, "exactly as typed");
    let bullets: i64 = sqlx::query_scalar("select count(*) from evidence")
        .fetch_one(&app.pool)
        .await
        .expect("n");
    assert_eq!(
        bullets, 3,
        "two top-level bullets and one nested, stored as a tree"
    );
}

#[tokio::test]
async fn outlines_too_deep_or_with_nul_are_refused() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let (editor, _) = draft(&staff, &[]).await;
    let id = id_in(&editor);
    let deep: String = (0..9)
        .map(|d| format!("{}- level {}\n", "  ".repeat(d), d + 1))
        .collect();
    let refused = staff
        .post(
            &format!("/staff/meetings/{id}/questions"),
            &[("text", "Q?"), ("evidence", &deep)],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert_eq!(
        refused.texts(".error-summary a"),
        ["Evidence is nested more than 8 levels deep at line 9"]
    );
    let nul = staff
        .post(
            &format!("/staff/meetings/{id}/questions"),
            &[("text", "Q\0?"), ("evidence", "")],
        )
        .await;
    assert_eq!(nul.status, 422);
    let empty = staff
        .post(
            &format!("/staff/meetings/{id}/questions"),
            &[("text", " "), ("evidence", "")],
        )
        .await;
    assert_eq!(empty.texts(".error-summary a"), ["Enter question"]);
}

#[tokio::test]
async fn questions_are_numbered_reordered_and_renumbered_on_delete() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let (editor, questions) = draft(&staff, &[("First?", ""), ("Second?", ""), ("Third?", "")]).await;
    let [first, _second, third] = questions[..] else {
        panic!("three questions")
    };
    assert_eq!(
        staff
            .post(&format!("/staff/questions/{third}/move"), &[("direction", "up")])
            .await
            .status,
        303
    );
    let order = staff
        .get(&editor)
        .await
        .texts(".editor-list > li > p:first-child");
    assert_eq!(
        order,
        ["Question 1. First?", "Question 2. Third?", "Question 3. Second?"]
    );
    assert_eq!(
        staff
            .post(&format!("/staff/questions/{first}/delete"), &[])
            .await
            .status,
        303
    );
    let order = staff
        .get(&editor)
        .await
        .texts(".editor-list > li > p:first-child");
    assert_eq!(order, ["Question 1. Third?", "Question 2. Second?"]);
}

#[tokio::test]
async fn a_stale_save_is_refused_with_409_and_both_texts_shown() {
    let app = TestApp::new().await;
    let mut alice = app.signed_in("staff").await;
    let mut bob = app.signed_in("staff").await;
    let (editor, questions) = draft(&alice, &[("What is done?", "- Original bullet.")]).await;
    let question = questions[0];
    let uri = format!("/staff/questions/{question}");
    // Both open the question at version 1.
    alice.get(&uri).await;
    bob.get(&uri).await;
    let saved = alice
        .post(
            &uri,
            &[
                ("text", "What is done?"),
                ("evidence", "- Alice's bullet."),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303);
    let stale = bob
        .post(
            &uri,
            &[
                ("text", "What is done?"),
                ("evidence", "- Bob's bullet."),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(stale.status, 409);
    assert!(stale.texts(".conflict pre")[0].contains("Bob's bullet."));
    assert!(stale.texts(".conflict pre")[1].contains("Alice's bullet."));
    assert!(
        stale.body.contains("- Bob&#39;s bullet.</textarea>")
            || stale.body.contains("- Bob&#x27;s bullet.</textarea>"),
        "Bob's text is kept in the form"
    );
    let stored: String = sqlx::query_scalar("select evidence_text from question")
        .fetch_one(&app.pool)
        .await
        .expect("q");
    assert_eq!(stored, "- Alice's bullet.", "nothing overwritten");
    // Saving again from the conflict page is a deliberate choice, and works.
    let again = bob
        .post(
            &uri,
            &[
                ("text", "What is done?"),
                ("evidence", "- Bob's bullet."),
                ("version", "2"),
            ],
        )
        .await;
    assert_eq!(again.status, 303);

    let meeting = id_in(&editor);
    let mut fields: Vec<(&str, &str)> = MEETING.iter().filter(|(k, _)| *k != "version").copied().collect();
    fields.push(("version", "1"));
    fields[0] = ("topic", "Stalking and harassment");
    assert_eq!(
        alice
            .post(&format!("/staff/meetings/{meeting}"), &fields)
            .await
            .status,
        303
    );
    fields[0] = ("topic", "Stalking offences");
    let stale = bob.post(&format!("/staff/meetings/{meeting}"), &fields).await;
    assert_eq!(stale.status, 409);
    assert!(
        stale
            .texts(".conflict td")
            .contains(&"Stalking and harassment".to_owned())
    );
    assert!(stale.body.contains("value=\"Stalking offences\""));
}

#[tokio::test]
async fn actions_have_owners_due_dates_statuses_and_progress_notes() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let (editor, _) = draft(&staff, &[]).await;
    let id = id_in(&editor);
    let fields = [
        ("body", "Re-visit the topic in a year."),
        ("owner", "OPCC"),
        ("due_on", "2025-12-03"),
        ("status", "open"),
    ];
    assert_eq!(
        staff
            .post(&format!("/staff/meetings/{id}/actions"), &fields)
            .await
            .status,
        303
    );
    let bad = staff
        .post(
            &format!("/staff/meetings/{id}/actions"),
            &[("body", ""), ("due_on", "2025-13-01"), ("status", "x")],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert_eq!(bad.texts(".error-summary a").len(), 3);
    let page = staff.get(&editor).await;
    assert_eq!(
        page.texts("#actions + table tbody td[data-label=Owner]"),
        ["OPCC"]
    );
    let action: i64 = sqlx::query_scalar("select id from action")
        .fetch_one(&app.pool)
        .await
        .expect("action");
    let note = staff
        .post(
            &format!("/staff/actions/{action}/progress"),
            &[("noted_on", "2025-03-01"), ("note", "Scheduled for December.")],
        )
        .await;
    assert_eq!(note.status, 303);
    let edit = staff.get(&format!("/staff/actions/{action}")).await;
    assert_eq!(
        edit.texts("ul.progress li"),
        ["1 March 2025 : Scheduled for December."]
    );
    let version: i32 = sqlx::query_scalar("select version from action")
        .fetch_one(&app.pool)
        .await
        .expect("v");
    let done = staff
        .post(
            &format!("/staff/actions/{action}"),
            &[
                ("body", "Re-visit the topic in a year."),
                ("owner", "OPCC"),
                ("due_on", "2025-12-03"),
                ("status", "done"),
                ("version", &version.to_string()),
            ],
        )
        .await;
    assert_eq!(done.status, 303);
    assert_eq!(staff.get(&editor).await.texts("td[data-label=Status]"), ["Done"]);
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
const PNG: &[u8] = &[
    0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R',
];

#[tokio::test]
async fn documents_are_checked_by_content_stored_and_downloaded() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let (editor, _) = draft(&staff, &[]).await;
    let id = id_in(&editor);
    let uri = format!("/staff/meetings/{id}/documents");
    let uploaded = staff
        .upload(&uri, &[("title", "Action plan")], ("plan.pdf", PDF))
        .await;
    assert_eq!(uploaded.status, 303, "{}", uploaded.body);
    let disguised = staff.upload(&uri, &[("title", "Fake")], ("image.pdf", PNG)).await;
    assert_eq!(disguised.status, 422);
    assert_eq!(
        disguised.texts(".error-summary a"),
        ["The file's content is not a PDF file, whatever its name says"]
    );
    let wrong_kind = staff
        .upload(&uri, &[("title", "Script")], ("run.exe", b"MZ\x90\x00"))
        .await;
    assert_eq!(wrong_kind.status, 422);
    let empty = staff
        .upload(&uri, &[("title", "Nothing")], ("empty.pdf", b""))
        .await;
    assert_eq!(empty.status, 422);

    let document: i64 = sqlx::query_scalar("select id from document")
        .fetch_one(&app.pool)
        .await
        .expect("document");
    let download = staff.get(&format!("/staff/documents/{document}")).await;
    assert_eq!(download.status, 200);
    assert_eq!(download.header("content-type"), "application/pdf");
    assert_eq!(
        download.header("content-disposition"),
        "attachment; filename=\"plan.pdf\"; filename*=UTF-8''plan.pdf"
    );
    assert_eq!(download.body.as_bytes(), PDF);
    // A draft's document is as unknown to the public as a missing one.
    let public = app.visitor().get(&format!("/documents/{document}")).await;
    assert_eq!(public.status, 404);
    assert_eq!(public.body, app.visitor().get("/documents/999999").await.body);

    let link = staff
        .post(
            &format!("/staff/meetings/{id}/links"),
            &[
                ("title", "Super-complaint report"),
                ("url", "https://www.gov.uk/report"),
            ],
        )
        .await;
    assert_eq!(link.status, 303);
    let bad = staff
        .post(
            &format!("/staff/meetings/{id}/links"),
            &[("title", "Bad"), ("url", "javascript:alert(1)")],
        )
        .await;
    assert_eq!(bad.status, 422);
    let page = staff.get(&editor).await;
    assert_eq!(page.texts("ul.documents li a").len(), 2);
}

#[tokio::test]
async fn oversized_uploads_are_refused() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let (editor, _) = draft(&staff, &[]).await;
    let mut big = PDF.to_vec();
    big.resize(20 * 1024 * 1024 + 1, b' ');
    let refused = staff
        .upload(
            &format!("/staff/meetings/{}/documents", id_in(&editor)),
            &[],
            ("big.pdf", &big),
        )
        .await;
    assert_eq!(refused.status, 413);
    let count: i64 = sqlx::query_scalar("select count(*) from document")
        .fetch_one(&app.pool)
        .await
        .expect("n");
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
    let whats = log.texts("td[data-label=What]");
    assert!(
        whats.iter().any(|w| w.starts_with("update question")),
        "{whats:?}"
    );
    assert!(whats.iter().any(|w| w.starts_with("create meeting")), "{whats:?}");
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
