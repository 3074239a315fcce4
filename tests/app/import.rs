//! Importing notes in the published format: the command, the upload page,
//! nothing lost, bad files refused.

use std::collections::HashMap;
use std::process::{Command, Stdio};

use crate::common::{TestApp, id_in};

const BIN: &str = env!("CARGO_BIN_EXE_scrutiny");
const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/scrutiny-notes-stalking-2024-12-03.txt"
);

fn fixture() -> Vec<u8> {
    std::fs::read(FIXTURE).expect("fixture")
}

/// Words as a reader counts them: letters and digits, punctuation at the
/// ends and list numbers (1–99) left out.
fn words(text: &str) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for raw in text.split_whitespace() {
        let word = raw.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
        let list_number = word.len() <= 2 && word.chars().all(|c| c.is_ascii_digit());
        if !word.is_empty() && !list_number {
            *counts.entry(word).or_insert(0) += 1;
        }
    }
    counts
}

/// The source's words: tags, bullets, table rules, the header row and the
/// title line are layout, not text.
fn source_words(source: &str) -> HashMap<String, usize> {
    let mut text = String::new();
    let mut in_tag = false;
    for c in source.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if in_tag => {}
            '•' | '|' => text.push(' '),
            _ => text.push(c),
        }
    }
    let body: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with("NOTES - ") && !l.starts_with("Question\tBrief Summary"))
        .filter(|l| l.trim() != "Action")
        .collect();
    words(&body.join("\n"))
}

#[tokio::test]
async fn an_import_makes_a_draft_that_loses_no_word() {
    let app = TestApp::new().await;
    let record = scrutiny::import::parse_file(&fixture()).expect("parses");
    let mut tx = app.pool.begin().await.expect("tx");
    let draft = scrutiny::import::create_draft(&mut tx, &record, None, false, None)
        .await
        .expect("draft");
    tx.commit().await.expect("commit");
    assert_eq!((draft.questions, draft.actions, draft.unplaced), (4, 1, 0));
    assert_eq!(draft.slug.as_str(), "2024-12-03-stalking");
    let status: String = sqlx::query_scalar("select status::text from meeting")
        .fetch_one(&app.pool)
        .await
        .expect("status");
    assert_eq!(status, "draft");
    assert_eq!(
        app.visitor().get("/meetings/2024-12-03-stalking").await.status,
        404,
        "a draft is not public"
    );

    let stored: String = sqlx::query_scalar(
        "select concat_ws(' ',
            (select string_agg(body, ' ') from question),
            (select string_agg(evidence_text, ' ') from question),
            (select string_agg(case value when 'assured' then 'Assured' else value end, ' ') from decision),
            (select string_agg(body, ' ') from action),
            (select string_agg(unplaced_text, ' ') from meeting))",
    )
    .fetch_one(&app.pool)
    .await
    .expect("text");
    let (source, stored) = (
        source_words(&String::from_utf8(fixture()).expect("utf-8")),
        words(&stored),
    );
    let missing: Vec<_> = source
        .iter()
        .filter(|(w, n)| stored.get(*w).copied().unwrap_or(0) < **n)
        .map(|(w, n)| format!("{w} ×{n} (stored {})", stored.get(w).copied().unwrap_or(0)))
        .collect();
    assert!(missing.is_empty(), "words lost: {missing:?}");
    assert!(
        source.values().sum::<usize>() > 1_500,
        "the count covers the whole record"
    );
    assert!(crate::common::evidence_bullets(&app.pool).await >= 30);
}

#[tokio::test]
async fn importing_the_same_notes_twice_creates_nothing_unless_replacing_a_draft() {
    let app = TestApp::new().await;
    let record = scrutiny::import::parse_file(&fixture()).expect("parses");
    let mut tx = app.pool.begin().await.expect("tx");
    let first = scrutiny::import::create_draft(&mut tx, &record, None, false, None)
        .await
        .expect("draft");
    tx.commit().await.expect("commit");
    let mut tx = app.pool.begin().await.expect("tx");
    let again = scrutiny::import::create_draft(&mut tx, &record, None, false, None).await;
    assert_eq!(
        again.unwrap_err().to_string(),
        format!(
            "these notes were imported already, as /staff/meetings/{}; nothing was created",
            first.meeting_id
        )
    );
    drop(tx);
    // Other notes at the same address.
    let other = String::from_utf8(fixture())
        .expect("utf-8")
        .replace("Cleveland", "Durham");
    let other = scrutiny::import::parse_file(other.as_bytes()).expect("parses");
    let mut tx = app.pool.begin().await.expect("tx");
    let taken = scrutiny::import::create_draft(&mut tx, &other, None, false, None).await;
    assert!(
        taken
            .unwrap_err()
            .to_string()
            .contains("2024-12-03-stalking exists already")
    );
    drop(tx);
    let mut tx = app.pool.begin().await.expect("tx");
    let replaced = scrutiny::import::create_draft(&mut tx, &record, None, true, None)
        .await
        .expect("replaced");
    tx.commit().await.expect("commit");
    assert_ne!(replaced.meeting_id, first.meeting_id);
    let meetings: i64 = sqlx::query_scalar("select count(*) from meeting")
        .fetch_one(&app.pool)
        .await
        .expect("n");
    assert_eq!(meetings, 1);

    // A published record is never replaced.
    let published = TestApp::with_demo().await;
    let mut tx = published.pool.begin().await.expect("tx");
    let refused = scrutiny::import::create_draft(&mut tx, &record, None, true, None).await;
    assert!(refused.unwrap_err().to_string().contains("cannot be replaced"));
}

fn import_command(
    data_dir: &std::path::Path,
    file: &std::path::Path,
    extra: &[&str],
) -> std::process::Output {
    Command::new(BIN)
        .arg("import")
        .arg(file)
        .args(extra)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("DATABASE_URL")
        .stdin(Stdio::null())
        .output()
        .expect("runs")
}

#[test]
fn the_import_command_prints_the_draft_address_and_creates_nothing_the_second_time() {
    let dir = tempfile::tempdir().expect("dir");
    let first = import_command(
        dir.path(),
        std::path::Path::new(FIXTURE),
        &["--published-on", "2024-12-05"],
    );
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(
        stdout.contains("Created a draft of 4 questions and 1 actions: /staff/meetings/"),
        "{stdout}"
    );
    assert!(
        stdout.contains("from notes originally published on 5 December 2024"),
        "{stdout}"
    );
    let again = import_command(dir.path(), std::path::Path::new(FIXTURE), &[]);
    assert!(again.status.success());
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(
        stdout.contains("imported already, as /staff/meetings/") && stdout.contains("nothing was created"),
        "{stdout}"
    );
    assert!(!stdout.contains("Created"), "{stdout}");
    let replaced = import_command(dir.path(), std::path::Path::new(FIXTURE), &["--replace-draft"]);
    assert!(
        replaced.status.success(),
        "{}",
        String::from_utf8_lossy(&replaced.stderr)
    );
}

#[test]
fn the_import_command_acts_as_the_account_given_and_refuses_one_it_does_not_know() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    let fixture = std::path::Path::new(FIXTURE);

    let unknown = import_command(&data, fixture, &["--as", "nobody@opcc.example"]);
    assert!(!unknown.status.success());
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    let said: Vec<&str> = stderr.lines().filter(|l| l.starts_with("scrutiny:")).collect();
    assert_eq!(said.len(), 1, "{stderr}");
    assert!(
        said[0].contains("no account has the email nobody@opcc.example"),
        "{stderr}"
    );

    let added = crate::cli::user_add(
        &data,
        "officer@opcc.example",
        "staff",
        "correct horse battery staple",
    );
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let imported = import_command(&data, fixture, &["--as", "Officer@OPCC.example"]);
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );

    let export = dir.path().join("export");
    let exported = Command::new(BIN)
        .arg("export")
        .arg(&export)
        .arg("--data-dir")
        .arg(&data)
        .env_remove("DATABASE_URL")
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    assert!(
        exported.status.success(),
        "{}",
        String::from_utf8_lossy(&exported.stderr)
    );
    let read = |name: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(export.join(name)).expect("file")).expect("json")
    };
    let accounts = read("accounts.json");
    let officer = accounts
        .as_array()
        .expect("accounts")
        .iter()
        .find(|a| a["email"] == "officer@opcc.example")
        .map(|a| a["id"].clone())
        .expect("the officer");
    let audit = read("audit_log.json");
    let created: Vec<&serde_json::Value> = audit
        .as_array()
        .expect("rows")
        .iter()
        .filter(|row| row["entity"] == "meeting" && row["action"] == "create")
        .collect();
    assert_eq!(created.len(), 1, "the first import created nothing: {created:?}");
    assert_eq!(
        created[0]["account_id"], officer,
        "the audit log names who imported"
    );
    let questions = audit
        .as_array()
        .expect("rows")
        .iter()
        .filter(|row| row["entity"] == "question")
        .collect::<Vec<_>>();
    assert!(!questions.is_empty());
    assert!(
        questions.iter().all(|row| row["account_id"] == officer),
        "{questions:?}"
    );
}

#[test]
fn bad_files_get_a_clear_message_a_failure_exit_and_create_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    let mut latin1 = fixture();
    latin1.extend_from_slice(b"\nCaf\xe9 \xa361\n");
    let mut huge = fixture();
    huge.resize(50 * 1024 * 1024 + 1, b' ');
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.txt", Vec::new(), "the file is empty"),
        ("blank.txt", b" \n\t\n".to_vec(), "the file is empty"),
        (
            "binary.txt",
            (0..=255u8).cycle().take(4096).collect(),
            "is not text",
        ),
        ("huge.txt", huge, "larger than 50 MB"),
    ];
    // Older notes saved as text on Windows are read as written.
    let read = scrutiny::import::parse_file(&latin1).expect("Windows-1252 is read");
    assert_eq!(read.unplaced, ["Café £61"]);
    for (name, bytes, message) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        let output = import_command(&data, &path, &[]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{name}");
        assert!(stderr.contains(message), "{name}: {stderr}");
        assert_eq!(
            stderr.matches(message).count(),
            1,
            "{name}: the reason once: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert_eq!(
            stderr.lines().filter(|l| l.starts_with("scrutiny:")).count(),
            1,
            "{name}: one line: {stderr}"
        );
    }
    assert!(
        !data.join("pg").exists(),
        "nothing was created: the store was never even opened"
    );
}

/// The address the import preview's form confirms to.
fn confirm_action(preview: &crate::common::TestResponse) -> String {
    let html = preview.html();
    html.select(&scraper::Selector::parse("form[action^='/staff/import/']").expect("selector"))
        .next()
        .and_then(|f| f.value().attr("action"))
        .expect("confirm form")
        .to_owned()
}

#[tokio::test]
async fn staff_upload_notes_see_a_preview_and_then_create_the_draft() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let page = staff.get("/staff/import").await;
    assert_eq!(page.status, 200);
    let preview = staff
        .upload("/staff/import", &[], ("notes.txt", &fixture()))
        .await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert_eq!(preview.texts("h1"), ["Preview: Stalking"]);
    assert_eq!(preview.texts("#questions"), ["4 questions"]);
    assert_eq!(preview.texts("td.col-decision")[0], "Assured");
    let meetings: i64 = sqlx::query_scalar("select count(*) from meeting")
        .fetch_one(&app.pool)
        .await
        .expect("n");
    assert_eq!(meetings, 0, "a preview creates nothing");

    let html = preview.html();
    let action = html
        .select(&scraper::Selector::parse("form[action^='/staff/import/']").expect("selector"))
        .next()
        .and_then(|f| f.value().attr("action"))
        .expect("confirm form")
        .to_owned();
    let created = staff.post(&action, &[("published-on", "unknown")]).await;
    assert_eq!(created.status, 303);
    let editor = staff.get(created.header("location")).await;
    assert_eq!(editor.texts("h1"), ["Stalking"]);
    assert_eq!(editor.texts(".editor-list > li").len(), 4);

    let existing = created.header("location").to_owned();
    // The same file again: the preview knows it, and nothing is made.
    let same = staff
        .upload("/staff/import", &[], ("again.txt", &fixture()))
        .await;
    assert!(
        same.texts(".notice p")
            .iter()
            .any(|t| t.starts_with("This file was imported already")),
        "{}",
        same.body
    );
    assert_eq!(same.attrs(".notice a", "href"), [existing.as_str()]);
    let refused = staff
        .post(&confirm_action(&same), &[("published-on", "unknown")])
        .await;
    assert_eq!(refused.status, 409);
    let message = &refused.texts(".error-summary a")[0];
    assert!(
        message.contains(&format!(
            "imported already, as {existing}, so nothing was created"
        )),
        "{message}"
    );

    // Other notes of the same meeting: the address is taken.
    let other = String::from_utf8(fixture())
        .expect("utf-8")
        .replace("Cleveland", "Durham");
    let second = staff
        .upload("/staff/import", &[], ("notes.txt", other.as_bytes()))
        .await;
    assert!(second.body.contains("exists already"));
    assert!(!second.body.contains("imported already"));
    let action = confirm_action(&second);
    assert_eq!(
        second.attrs("#replace a", "href"),
        [existing.as_str()],
        "the preview links to the existing draft"
    );
    assert_eq!(second.texts("label[for=replace-box]"), ["Replace the draft"]);
    let refused = staff.post(&action, &[("published-on", "unknown")]).await;
    assert_eq!(refused.status, 409);
    let message = &refused.texts(".error-summary a")[0];
    assert!(message.contains("exists already"), "{message}");
    assert!(
        message.contains("Open the existing draft") && message.contains("Replace the draft"),
        "{message}"
    );
    assert!(
        !refused.body.contains("--replace"),
        "no command-line flag on a web page"
    );
    assert_eq!(refused.attrs("#replace a", "href"), [existing.as_str()]);
    let replaced = staff
        .post(&action, &[("replace", "1"), ("published-on", "unknown")])
        .await;
    assert_eq!(replaced.status, 303);
    let meetings: i64 = sqlx::query_scalar("select count(*) from meeting")
        .fetch_one(&app.pool)
        .await
        .expect("n");
    assert_eq!(meetings, 1);

    let bad = staff
        .upload("/staff/import", &[], ("notes.txt", b"\x00\x01\x02binary"))
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.texts(".error-summary a")[0].contains("cannot be imported"));
}

#[tokio::test]
async fn an_import_over_a_published_record_offers_to_open_it_not_to_replace_it() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let published = crate::common::RecordBuilder::new("2024-12-03", "Stalking")
        .sample_question()
        .publish(&app.pool)
        .await;

    let preview = staff
        .upload("/staff/import", &[], ("notes.txt", &fixture()))
        .await;

    assert_eq!(preview.status, 200, "{}", preview.body);
    let existing = format!("/staff/meetings/{}", published.id);
    assert_eq!(preview.attrs("#replace a", "href"), [existing.as_str()]);
    assert!(
        preview.texts("#replace-box").is_empty(),
        "no choice to replace a published record"
    );
    let action = preview.attrs("form[action^='/staff/import/']", "action")[0].clone();
    let refused = staff
        .post(&action, &[("replace", "1"), ("published-on", "unknown")])
        .await;
    assert_eq!(refused.status, 409);
    let message = &refused.texts(".error-summary a")[0];
    assert!(
        message.contains("has been published or is with the PCC"),
        "{message}"
    );
    assert!(!refused.body.contains("--replace"));
    let meetings: i64 = sqlx::query_scalar("select count(*) from meeting")
        .fetch_one(&app.pool)
        .await
        .expect("n");
    assert_eq!(meetings, 1, "nothing was created or replaced");
}

#[tokio::test]
async fn unplaced_text_is_flagged_on_the_draft_and_must_be_placed_before_review() {
    let app = TestApp::new().await;
    let mut source = String::from_utf8(fixture()).expect("utf-8");
    source = source.replacen("\nAction\n", "\n| stray cell | another stray cell |\nAction\n", 1);
    let record = scrutiny::import::parse_file(source.as_bytes()).expect("parses");
    assert!(!record.unplaced.is_empty(), "the stray row is not placed");
    let mut tx = app.pool.begin().await.expect("tx");
    let draft = scrutiny::import::create_draft(&mut tx, &record, None, false, None)
        .await
        .expect("draft");
    tx.commit().await.expect("commit");
    let mut staff = app.signed_in("staff").await;
    let editor = staff.get(&draft.address()).await;
    assert_eq!(editor.texts("#unplaced-title"), ["Unplaced text"]);
    assert!(editor.texts("#unplaced pre")[0].contains("stray cell"));
    let blocked = staff.post(&format!("{}/submit", draft.address()), &[]).await;
    assert_eq!(blocked.status, 422);
    assert!(blocked.texts(".error-summary a")[0].contains("unplaced"));
    assert_eq!(
        staff
            .post(&format!("{}/unplaced/clear", draft.address()), &[])
            .await
            .status,
        303
    );
    assert_eq!(
        staff
            .post(&format!("{}/submit", draft.address()), &[])
            .await
            .status,
        303
    );
    let _ = id_in(&draft.address());
}

/// A Word document: a title, the three-column table with two questions (the
/// first with nested evidence and a decision), then an action.
fn word_document() -> Vec<u8> {
    use std::io::Write;
    let p = |text: &str| format!("<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>");
    let item = |level: u8, text: &str| {
        format!(
            "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"{level}\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr>\
             <w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"
        )
    };
    let cell = |content: String| format!("<w:tc>{content}</w:tc>");
    let row = |cells: [String; 3]| format!("<w:tr>{}</w:tr>", cells.concat());
    let table = [
        row([
            cell(p("Question")),
            cell(p("Brief Summary of Evidence")),
            cell(p("Decision of PCC")),
        ]),
        row([
            cell(p("1. How is the Force tackling burglary?")),
            cell(
                item(0, "Burglary fell by 12%.")
                    + &item(1, "Most in Middlesbrough.")
                    + &item(0, "A new team started in May."),
            ),
            cell(p("Partly assured")),
        ]),
        row([
            cell(p("2. Are victims told of outcomes?")),
            cell(item(0, "Every victim gets a letter.")),
            cell(p("")),
        ]),
    ]
    .concat();
    let body = [
        p("NOTES - SCRUTINY MEETING (BURGLARY) - 14 JANUARY 2025"),
        format!("<w:tbl>{table}</w:tbl>"),
        p("Action"),
        p("1\tThat the Force reports burglary figures every quarter."),
    ]
    .concat();
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let types = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
                 <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
                 <Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>";
    let rels = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
                <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>";
    for (name, content) in [
        ("[Content_Types].xml", types),
        ("_rels/.rels", rels),
        ("word/document.xml", document.as_str()),
    ] {
        zip.start_file(name, options).expect("entry");
        zip.write_all(content.as_bytes()).expect("written");
    }
    zip.finish().expect("zip").into_inner()
}

#[tokio::test]
async fn a_word_document_is_imported_like_published_notes() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let preview = staff
        .upload("/staff/import", &[], ("notes.docx", &word_document()))
        .await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert_eq!(preview.texts("h1"), ["Preview: Burglary"]);
    assert_eq!(preview.texts("#questions"), ["2 questions"]);
    assert_eq!(
        preview.texts("td.col-decision"),
        ["Partly assured", "No decision recorded"]
    );
    assert_eq!(
        preview.texts("tbody tr:first-child td.col-evidence ul ul li"),
        ["Most in Middlesbrough."]
    );
    assert_eq!(
        preview.texts("ol.actions-preview li"),
        ["That the Force reports burglary figures every quarter."]
    );
}

#[test]
fn a_zip_bomb_disguised_as_word_is_refused_quickly() {
    use std::io::Write;
    let dir = tempfile::tempdir().expect("dir");
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("word/document.xml", options).expect("entry");
    let spaces = vec![b' '; 1 << 20];
    for _ in 0..100 {
        zip.write_all(&spaces).expect("written");
    }
    let bomb = zip.finish().expect("zip").into_inner();
    assert!(bomb.len() < 1 << 20, "small on disk");
    let path = dir.path().join("bomb.docx");
    std::fs::write(&path, bomb).expect("write");
    let output = import_command(&dir.path().join("data"), &path, &[]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("bomb.docx cannot be imported"), "{stderr}");
    assert!(!dir.path().join("data/pg").exists());
}

#[tokio::test]
async fn notes_larger_than_a_document_upload_still_import() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let mut notes = fixture();
    notes.resize(30 * 1024 * 1024, b' ');
    let preview = staff
        .upload("/staff/import", &[], ("long-notes.txt", &notes))
        .await;
    assert_eq!(
        preview.status, 200,
        "a 30 MB file is within the 50 MB the page promises"
    );
    assert_eq!(preview.texts("h1"), ["Preview: Stalking"]);
}

/// The `attr` of every element `selector` picks on the page.
/// `scrutiny import` with `paths` (files and folders), its stdout and stderr.
pub(crate) fn import_paths(data_dir: &std::path::Path, paths: &[&std::path::Path]) -> (bool, String, String) {
    let output = Command::new(BIN)
        .arg("import")
        .args(paths)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("DATABASE_URL")
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_folder_is_imported_in_date_order_a_line_a_file_and_a_second_run_creates_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    let notes = dir.path().join("notes");
    std::fs::create_dir_all(notes.join("older")).expect("dirs");
    let stalking = String::from_utf8(fixture()).expect("utf-8");
    let robbery = stalking.replace(
        "NOTES - SCRUTINY MEETING (STALKING) - 3 DECEMBER 2024",
        "NOTES - SCRUTINY MEETING (ROBBERY) - 5 MARCH 2023",
    );
    // Named so that the names' order is not the dates' order.
    std::fs::write(notes.join("a-stalking.txt"), &stalking).expect("write");
    std::fs::write(notes.join("older/z-robbery.txt"), &robbery).expect("write");
    std::fs::write(notes.join("binary.txt"), [0u8; 64]).expect("write");
    std::fs::write(notes.join("~$a-stalking.txt"), b"\x00\x01").expect("write");

    let (ok, stdout, stderr) = import_paths(&data, &[&notes]);
    assert!(!ok, "a file was refused: {stderr}");
    let created: Vec<&str> = stdout.lines().filter(|l| l.contains("Created a draft")).collect();
    assert_eq!(created.len(), 2, "{stdout}");
    assert!(
        created[0].starts_with(&format!("{}:", notes.join("older/z-robbery.txt").display())),
        "{stdout}"
    );
    assert!(
        created[1].starts_with(&format!("{}:", notes.join("a-stalking.txt").display())),
        "{stdout}"
    );
    let addresses: Vec<&str> = created
        .iter()
        .map(|l| {
            let address = l.split(": ").nth(2).expect("address");
            address.split(' ').next().expect("address")
        })
        .collect();
    for line in &created {
        let count = line.rsplit('(').next().expect("count");
        let (kept, of) = count.split_once(" of ").expect("a count");
        assert_eq!(kept, of.split(' ').next().expect("n"), "{line}");
        assert!(count.ends_with(" words placed or kept)"), "{line}");
    }
    assert!(
        addresses.iter().all(|a| a.starts_with("/staff/meetings/")),
        "{stdout}"
    );
    let said: Vec<&str> = stderr.lines().filter(|l| l.starts_with("scrutiny:")).collect();
    assert_eq!(
        said,
        [
            format!(
                "scrutiny: {} cannot be imported: the file is not text (it holds binary data): import notes saved as text, a Word (.docx) document or a PDF",
                notes.join("binary.txt").display()
            ),
            "scrutiny: 1 of 3 files were not imported".to_owned(),
        ],
        "{stderr}"
    );
    assert!(stderr.contains("import: reading 3 of 3"), "progress: {stderr}");

    // The refused file taken away, the folder again: nothing new, and
    // success, as every file is a draft.
    std::fs::remove_file(notes.join("binary.txt")).expect("remove");
    let (ok, stdout, stderr) = import_paths(&data, &[&notes]);
    assert!(ok, "{stderr}");
    assert!(!stdout.contains("Created"), "{stdout}");
    let again: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains("imported already"))
        .collect();
    assert_eq!(again.len(), 2, "{stdout}");
    for (line, address) in again.iter().zip(&addresses) {
        assert!(
            line.contains(&format!("as {address}; nothing was created")),
            "{stdout}"
        );
    }

    // Other notes at a draft's address are refused, not taken as imported.
    let other = dir.path().join("other.txt");
    std::fs::write(&other, stalking.replace("Cleveland", "Durham")).expect("write");
    let (ok, _, stderr) = import_paths(&data, &[&other]);
    assert!(!ok);
    let said: Vec<&str> = stderr.lines().filter(|l| l.starts_with("scrutiny:")).collect();
    assert_eq!(said.len(), 1, "{stderr}");
    assert!(said[0].contains("2024-12-03-stalking exists already"), "{stderr}");
}

#[test]
fn text_in_no_known_shape_becomes_a_draft_of_unplaced_text_not_a_refusal() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    let minutes = dir.path().join("minutes.txt");
    std::fs::write(
        &minutes,
        "Minutes of the parish council\n\nTuesday 5 March 2024\n\nItem 1: the bins.\n",
    )
    .expect("write");
    let undated = dir.path().join("undated.txt");
    std::fs::write(&undated, "Some notes\n\nNo date in them.\n").expect("write");
    let (ok, stdout, stderr) = import_paths(&data, &[&minutes, &undated]);
    assert!(ok, "{stderr}");
    let lines: Vec<&str> = stdout.lines().filter(|l| l.contains("Created a draft")).collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(
        lines[0].starts_with(&format!(
            "{}: Created a draft of 0 questions and 0 actions: /staff/meetings/",
            minutes.display()
        )) && lines[0].ends_with(
            "(13 of 13 words placed or kept; not in a shape the importer knows: its text is kept whole as unplaced text)"
        ),
        "{stdout}"
    );
    assert!(
        lines[1].ends_with("; no date was found in it, so the draft is dated today)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("5 pieces of text could not be placed"),
        "{stdout}"
    );
}

#[tokio::test]
async fn the_preview_says_what_a_file_was_read_as_and_keeps_every_paragraph_of_text_it_does_not_know() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let minutes = "Minutes of the parish council\n\nTuesday 5 March 2024\n\nItem 1: the <b>bins</b>.\n";
    let preview = staff
        .upload("/staff/import", &[], ("minutes.txt", minutes.as_bytes()))
        .await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert_eq!(preview.texts("h1"), ["Preview: Minutes of the parish council"]);
    assert!(
        preview
            .body
            .contains("Read as: text in no shape the importer knows, kept whole as unplaced text."),
        "{}",
        preview.body
    );
    assert_eq!(
        preview.texts(".unplaced pre"),
        [
            "Minutes of the parish council",
            "Tuesday 5 March 2024",
            "Item 1: the <b>bins</b>."
        ]
    );
    let created = staff
        .post(&confirm_action(&preview), &[("published-on", "unknown")])
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let (held_on, unplaced): (chrono::NaiveDate, String) =
        sqlx::query_as("select held_on, unplaced_text from meeting")
            .fetch_one(&app.pool)
            .await
            .expect("meeting");
    assert_eq!(
        held_on,
        chrono::NaiveDate::from_ymd_opt(2024, 3, 5).expect("date")
    );
    assert_eq!(
        unplaced,
        "Minutes of the parish council\n\nTuesday 5 March 2024\n\nItem 1: the <b>bins</b>."
    );

    let fixture = staff
        .upload("/staff/import", &[], ("notes.txt", &fixture()))
        .await;
    assert!(
        fixture.body.contains("Read as: published notes"),
        "{}",
        fixture.body
    );
    let count = fixture.texts(".word-count");
    assert_eq!(count.len(), 1);
    let (kept, of) = count[0].split_once(" of ").expect("a count");
    assert_eq!(format!("{kept} of {kept} words placed or kept."), count[0]);
    assert!(
        of.replace(',', "")
            .split(' ')
            .next()
            .expect("n")
            .parse::<usize>()
            .expect("a number")
            > 1_500
    );
    assert_eq!(preview.texts(".word-count"), ["15 of 15 words placed or kept."]);
}

#[tokio::test]
async fn minutes_become_a_draft_with_their_details_people_items_and_actions() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let minutes = "Minutes of the Scrutiny Board\n\
                   Held on Tuesday 5 March 2024 at 2.30pm, Conference Room 2, Police Headquarters\n\n\
                   Present\nSteve Turner – Police and Crime Commissioner\nChief Constable: Mark Webster\n\
                   Apologies: Jane Smith, Head of Governance\n\n\
                   1. Neighbourhood policing\nThe new model began in October.\n• Twelve teams are in place.\n\
                   Action: Chief Constable to report on response times by 30 June 2024.\n\n\
                   2. Stalking\nThe action plan was discussed.\nDecision: Assured\n";
    let preview = staff
        .upload("/staff/import", &[], ("minutes.txt", minutes.as_bytes()))
        .await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert!(preview.body.contains("Read as: minutes"), "{}", preview.body);
    assert_eq!(preview.texts("#questions"), ["2 questions"]);
    let count = preview.texts(".word-count");
    let (kept, _) = count[0].split_once(" of ").expect("a count");
    assert_eq!(count[0], format!("{kept} of {kept} words placed or kept."));
    let created = staff
        .post(&confirm_action(&preview), &[("published-on", "unknown")])
        .await;
    assert_eq!(created.status, 303, "{}", created.body);

    let (topic, held_on, starts_at, place): (String, chrono::NaiveDate, Option<chrono::NaiveTime>, String) =
        sqlx::query_as("select topic, held_on, starts_at, place from meeting")
            .fetch_one(&app.pool)
            .await
            .expect("meeting");
    assert_eq!(topic, "Scrutiny Board");
    assert_eq!(
        held_on,
        chrono::NaiveDate::from_ymd_opt(2024, 3, 5).expect("date")
    );
    assert_eq!(starts_at, chrono::NaiveTime::from_hms_opt(14, 30, 0));
    assert_eq!(place, "Conference Room 2, Police Headquarters");
    let people: Vec<(String, String, bool)> =
        sqlx::query_as("select name, role, present from attendee order by present desc, position")
            .fetch_all(&app.pool)
            .await
            .expect("people");
    assert_eq!(
        people,
        [
            (
                "Steve Turner".to_owned(),
                "Police and Crime Commissioner".to_owned(),
                true
            ),
            ("Mark Webster".to_owned(), "Chief Constable".to_owned(), true),
            ("Jane Smith".to_owned(), "Head of Governance".to_owned(), false),
        ]
    );
    let questions: Vec<String> = sqlx::query_scalar("select body from question order by position")
        .fetch_all(&app.pool)
        .await
        .expect("questions");
    assert_eq!(questions, ["Neighbourhood policing", "Stalking"]);
    let decisions: Vec<String> = sqlx::query_scalar("select value::text from decision")
        .fetch_all(&app.pool)
        .await
        .expect("decisions");
    assert_eq!(decisions, ["assured"]);
    let (owner, due_on): (String, Option<chrono::NaiveDate>) =
        sqlx::query_as("select owner, due_on from action")
            .fetch_one(&app.pool)
            .await
            .expect("action");
    assert_eq!(owner, "Chief Constable");
    assert_eq!(due_on, chrono::NaiveDate::from_ymd_opt(2024, 6, 30));
    let editor = staff.get(created.header("location")).await;
    assert_eq!(editor.status, 200);
}

#[tokio::test]
async fn question_and_response_notes_preview_as_questions_with_their_evidence_and_decisions() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let notes = "Scrutiny meeting – Stalking\nTuesday 3 December 2024\n\n\
                 Question from the PCC: How many officers have been trained?\n\
                 Force response: 412 officers have completed the training.\n\
                 PCC decision: Partly assured\n\n\
                 Question 2: Is every case reviewed?\nResponse: Every case is reviewed within a day.\n";
    let preview = staff
        .upload("/staff/import", &[], ("q-and-a.txt", notes.as_bytes()))
        .await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert!(
        preview.body.contains("Read as: questions and responses"),
        "{}",
        preview.body
    );
    assert_eq!(preview.texts("#questions"), ["2 questions"]);
    assert_eq!(
        preview.texts("td.col-decision"),
        ["Partly assured", "No decision recorded"]
    );
    assert!(preview.texts(".unplaced pre").is_empty());
    let count = preview.texts(".word-count");
    let (kept, _) = count[0].split_once(" of ").expect("a count");
    assert_eq!(count[0], format!("{kept} of {kept} words placed or kept."));
}

#[tokio::test]
async fn several_files_uploaded_at_once_are_previewed_then_made_drafts_in_date_order() {
    let app = TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let stalking = fixture();
    let robbery = String::from_utf8(fixture())
        .expect("utf-8")
        .replace(
            "NOTES - SCRUTINY MEETING (STALKING) - 3 DECEMBER 2024",
            "NOTES - SCRUTINY MEETING (ROBBERY) - 5 MARCH 2023",
        )
        .into_bytes();
    let minutes = b"Minutes of the Scrutiny Board\nHeld on 5 March 2022 at 10am\n\n1. Finance\nOn track.\n\n2. Estates\nOn time.\n";
    let preview = staff
        .upload_files(
            "/staff/import",
            &[
                ("stalking.txt", &stalking),
                ("binary.bin", &[0u8, 1, 2, 3]),
                ("robbery.txt", &robbery),
                ("minutes.txt", minutes),
            ],
        )
        .await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert_eq!(preview.texts("h1"), ["Preview of 4 files"]);
    let files: Vec<String> = preview.texts("table.batch tbody td:first-child");
    assert_eq!(
        files,
        ["minutes.txt", "robbery.txt", "stalking.txt", "binary.bin"],
        "in date order, the refused last"
    );
    let outcomes = preview.texts("table.batch td.outcome");
    assert_eq!(outcomes[..3], ["A draft will be created"; 3]);
    assert!(
        outcomes[3].starts_with("Cannot be imported: the file is not text"),
        "{outcomes:?}"
    );
    let meetings = || async {
        sqlx::query_scalar::<_, i64>("select count(*) from meeting")
            .fetch_one(&app.pool)
            .await
            .expect("n")
    };
    assert_eq!(meetings().await, 0, "a preview creates nothing");

    // A date that is not one: the preview again, with the message.
    let ids = preview.attrs("input[name=ids]", "value")[0].clone();
    let bad = staff
        .post("/staff/import/batch", &[("ids", &ids), ("published-on", "soon")])
        .await;
    assert_eq!(bad.status, 422);
    assert_eq!(bad.texts("h1"), ["Preview of 3 files"]);

    let done = staff
        .post(
            "/staff/import/batch",
            &[("ids", &ids), ("published-on", "unknown")],
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(done.texts("h1"), ["3 of 3 drafts created"]);
    assert_eq!(meetings().await, 3);
    let links = done.attrs("td.outcome a", "href");
    assert_eq!(links.len(), 3);
    let slugs: Vec<String> = sqlx::query_scalar("select slug from meeting order by id")
        .fetch_all(&app.pool)
        .await
        .expect("slugs");
    assert_eq!(
        slugs,
        [
            "2022-03-05-scrutiny-board",
            "2023-03-05-robbery",
            "2024-12-03-stalking"
        ],
        "made in date order"
    );

    // Sent again: nothing new.
    let again = staff
        .post(
            "/staff/import/batch",
            &[("ids", &ids), ("published-on", "unknown")],
        )
        .await;
    assert_eq!(again.status, 400);
    assert_eq!(meetings().await, 3);
    // The same files uploaded again: each known.
    let known = staff
        .upload_files(
            "/staff/import",
            &[("stalking.txt", &stalking), ("minutes.txt", minutes)],
        )
        .await;
    assert_eq!(
        known.texts("table.batch td.outcome"),
        [
            "Imported already: nothing will be created: open the record",
            "Imported already: nothing will be created: open the record"
        ]
    );
    assert!(
        known.texts("form[action='/staff/import/batch']").is_empty(),
        "nothing to create"
    );
}
