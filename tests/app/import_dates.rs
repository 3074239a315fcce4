//! Truthful dates of imported records: the record says it was imported,
//! when, and when its original notes were first published (or that this is
//! not known); its decisions are as recorded in the notes of the meeting,
//! never dated by the import's clock.

use std::process::{Command, Stdio};

use scrutiny::domain::london;

use crate::common::{RecordBuilder, TestApp, TestResponse, Visitor, id_in};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/scrutiny-notes-stalking-2024-12-03.txt"
);
const SLUG: &str = "/meetings/2024-12-03-stalking";

/// Today in London, as the site writes dates.
fn today() -> String {
    london::today().format("%-d %B %Y").to_string()
}

/// Uploads the fixture; returns the preview and the address its form
/// confirms to.
async fn preview(staff: &mut Visitor<'_>) -> (TestResponse, String) {
    let fixture = std::fs::read(FIXTURE).expect("fixture");
    let preview = staff.upload("/staff/import", &[], ("notes.txt", &fixture)).await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    let action = preview
        .html()
        .select(&scraper::Selector::parse("form[action^='/staff/import/']").expect("selector"))
        .next()
        .and_then(|f| f.value().attr("action"))
        .expect("confirm form")
        .to_owned();
    (preview, action)
}

/// Imports the fixture through the preview, saying its notes were first
/// published on `published_on`; then staff send it to the PCC, who
/// publishes it as it was imported.
async fn import_and_publish(app: &TestApp, published_on: &str) {
    let mut staff = app.signed_in("staff").await;
    let (_, action) = preview(&mut staff).await;
    let created = staff.post(&action, &[("published-on", published_on)]).await;
    assert_eq!(created.status, 303, "{}", created.body);
    let id = id_in(created.header("location"));
    let editor = staff.get(created.header("location")).await;
    let note = editor.texts(".import-note");
    let said = format!("Imported on {} from notes originally published on", today());
    assert!(note[0].starts_with(&said), "staff see it too: {note:?}");
    let sent = staff.post(&format!("/staff/meetings/{id}/submit"), &[]).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let mut pcc = app.signed_in("pcc").await;
    // The notes give a decision on question 1 only; the PCC decides the rest.
    let undecided: Vec<i64> = sqlx::query_scalar(
        "select q.id from question q left join decision d on d.question_id = q.id
         where q.meeting_id = $1 and d.question_id is null order by q.position",
    )
    .bind(id)
    .fetch_all(&app.pool)
    .await
    .expect("questions");
    for q in undecided {
        let decided = pcc
            .post(
                &format!("/staff/questions/{q}/decision"),
                &[("decision", "partly_assured")],
            )
            .await;
        assert_eq!(decided.status, 303, "{}", decided.body);
    }
    let published = pcc.post(&format!("/staff/meetings/{id}/publish"), &[]).await;
    assert_eq!(published.status, 303, "{}", published.body);
}

async fn json(app: &TestApp, uri: &str) -> serde_json::Value {
    serde_json::from_str(&app.get(uri).await.body).expect("JSON")
}

#[tokio::test]
async fn an_imported_record_says_when_it_was_imported_and_when_its_notes_were_first_published() {
    let app = TestApp::new().await;
    import_and_publish(&app, "2024-12-05").await;

    let page = app.get(SLUG).await;
    let note = format!(
        "Imported on {} from notes originally published on 5 December 2024",
        today()
    );
    assert_eq!(page.texts(".import-note"), std::slice::from_ref(&note));
    let record = json(&app, &format!("{SLUG}.json")).await;
    assert_eq!(record["import_note"], note.as_str());
    assert_eq!(record["imported"]["original_published_on"], "2024-12-05");
    assert!(record["imported"]["imported_at"].is_string());
}

#[tokio::test]
async fn an_imported_decision_is_as_recorded_in_the_notes_of_the_meeting_with_no_time_of_its_own() {
    let app = TestApp::new().await;
    import_and_publish(&app, "2024-12-05").await;

    let page = app.get(SLUG).await;
    assert_eq!(
        page.texts("#question-1 .decision-source"),
        ["Decision as recorded in the original notes of the meeting on 3 December 2024"]
    );
    let record = json(&app, &format!("{SLUG}.json")).await;
    let decision = &record["questions"][0]["decision"];
    assert_eq!(decision["value"], "assured");
    assert_eq!(decision["decided_at"], serde_json::Value::Null);
    assert_eq!(decision["from_original_notes"], true);
    let by_the_pcc = &record["questions"][1]["decision"];
    assert!(
        by_the_pcc["decided_at"].is_string(),
        "the PCC's own decision keeps its time"
    );
    assert!(by_the_pcc.get("from_original_notes").is_none());
    assert!(page.texts("#question-2 .decision-source").is_empty());
    let csv = app.get(&format!("{SLUG}.csv")).await.body;
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let at = reader
        .headers()
        .expect("header")
        .iter()
        .position(|h| h == "decided_at")
        .expect("column");
    assert_eq!(&reader.records().next().expect("row").expect("csv")[at], "");
}

#[tokio::test]
async fn the_demo_is_an_import_whose_original_publication_date_is_not_known() {
    let app = TestApp::with_demo().await;
    let page = app.get(SLUG).await;
    assert_eq!(
        page.texts(".import-note"),
        [format!(
            "Imported on {} from earlier notes; original publication date not known",
            today()
        )]
    );
    assert_eq!(
        page.texts(".decision-source"),
        ["Decision as recorded in the original notes of the meeting on 3 December 2024"],
        "the notes decide question 1"
    );
    let record = json(&app, &format!("{SLUG}.json")).await;
    assert_eq!(
        record["imported"]["original_published_on"],
        serde_json::Value::Null
    );
    assert_eq!(
        record["questions"][0]["decision"]["decided_at"],
        serde_json::Value::Null
    );
}

#[tokio::test]
async fn a_date_the_preview_cannot_read_is_refused_with_the_text_kept() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let (preview, action) = preview(&mut staff).await;
    assert_eq!(
        preview.texts("label[for=published-on]"),
        ["Date the original notes were published"]
    );
    for (typed, message) in [
        ("5/12/2024", "is not a date"),
        ("2999-01-01", "is in the future"),
        ("", "Enter the date the original notes were published"),
    ] {
        let refused = staff.post(&action, &[("published-on", typed)]).await;
        assert_eq!(refused.status, 422, "{typed}");
        assert!(refused.texts(".error-summary a")[0].contains(message), "{typed}");
        let kept = refused
            .html()
            .select(&scraper::Selector::parse("input#published-on").expect("selector"))
            .next()
            .and_then(|i| i.value().attr("value").map(str::to_owned));
        assert_eq!(kept.as_deref(), Some(typed), "the text is kept");
    }
    let meetings: i64 = sqlx::query_scalar("select count(*) from meeting")
        .fetch_one(&app.pool)
        .await
        .expect("n");
    assert_eq!(meetings, 0, "nothing was created");
}

#[tokio::test]
async fn a_record_written_in_the_app_freezes_no_import_fields_so_older_revisions_keep_their_shape() {
    let app = TestApp::new().await;
    RecordBuilder::new("2025-01-07", "Knife crime")
        .sample_question()
        .decision(scrutiny::domain::Decision::Assured)
        .publish(&app.pool)
        .await;
    let content: serde_json::Value = sqlx::query_scalar("select content from revision")
        .fetch_one(&app.pool)
        .await
        .expect("content");
    assert!(content.get("imported").is_none(), "{content}");
    let decision = &content["questions"][0]["decision"];
    assert!(decision.get("from_original_notes").is_none(), "{decision}");
    assert!(
        decision["decided_at"].is_string(),
        "the PCC's decision keeps its time"
    );
    let page = app.get("/meetings/2025-01-07-knife-crime").await;
    assert!(page.texts(".import-note").is_empty());
    assert!(page.texts(".decision-source").is_empty());
}

#[test]
fn the_import_command_refuses_a_publication_date_it_cannot_read() {
    let dir = tempfile::tempdir().expect("dir");
    let output = Command::new(env!("CARGO_BIN_EXE_scrutiny"))
        .args(["import", FIXTURE, "--published-on", "2024-13-01", "--data-dir"])
        .arg(dir.path().join("data"))
        .env_remove("DATABASE_URL")
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("is not a date"), "{stderr}");
    assert!(!dir.path().join("data").exists(), "the store was never opened");
}
