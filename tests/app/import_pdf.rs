//! Notes as PDF. The fixtures in `tests/fixtures/pdf/` were printed by
//! headless Chromium from HTML written by `make_the_pdf_fixtures` (run it
//! by hand with `--ignored` to make them again): the fixture's notes as an
//! office prints them from Word (bullets as characters, "o" for a
//! sub-point, a running head and foot, "Page N of M", table rows split
//! across pages), minutes in prose, a page with no text (as a scan has
//! none), and the notes locked with a password (by qpdf).

use scrutiny::domain::outline::{Item, Marker};
use scrutiny::import::notes::ImportedRecord;
use scrutiny::import::{Shape, parse_file};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/pdf");
const NOTES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/scrutiny-notes-stalking-2024-12-03.txt"
);
const BIN: &str = env!("CARGO_BIN_EXE_scrutiny");

fn pdf(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}/{name}")).expect("a PDF fixture")
}

fn text_record() -> ImportedRecord {
    parse_file(&std::fs::read(NOTES).expect("fixture")).expect("parses")
}

#[test]
fn notes_printed_to_pdf_import_as_the_record_of_their_text() {
    let bytes = pdf("stalking.pdf");
    let from_pdf = parse_file(&bytes).expect("reads");
    let from_text = text_record();
    assert_eq!(from_pdf.shape, Shape::PublishedNotes);
    assert_eq!(
        (&from_pdf.topic, &from_pdf.kind, from_pdf.held_on),
        (&from_text.topic, &from_text.kind, from_text.held_on)
    );
    assert_eq!(from_pdf.questions.len(), 4);
    for (pdf, text) in from_pdf.questions.iter().zip(&from_text.questions) {
        assert_eq!(pdf.number, text.number);
        assert_eq!(pdf.text, text.text, "question {}", text.number);
        assert_eq!(
            pdf.evidence, text.evidence,
            "evidence of question {}",
            text.number
        );
        assert_eq!(
            pdf.decision, text.decision,
            "decision of question {}",
            text.number
        );
    }
    assert_eq!(from_pdf.actions, from_text.actions);
    // The running head and foot and the page numbers were dropped, and
    // nothing else: nothing is left over.
    assert_eq!(from_pdf.unplaced, Vec::<String>::new());
    let text = scrutiny::import::read_source(&bytes).expect("text");
    assert!(
        !text.contains("OFFICIAL") && !text.contains("Page 2 of"),
        "{text}"
    );
    let count = scrutiny::import::words::count(&text, &from_pdf);
    assert!(count.all_kept(), "{:?}", count.missing);
    assert!(count.source > 1_500, "{}", count.source);
}

#[test]
fn minutes_as_pdf_are_read_item_by_item_over_their_pages() {
    let bytes = pdf("minutes.pdf");
    let record = parse_file(&bytes).expect("reads");
    assert_eq!(record.shape, Shape::Minutes);
    assert_eq!(record.topic, "Scrutiny Board");
    assert_eq!(
        record.held_on,
        chrono::NaiveDate::from_ymd_opt(2024, 3, 5).expect("date")
    );
    assert_eq!(record.details.place, "Conference Room 2, Police Headquarters");
    assert_eq!(record.details.attendees.len(), 3);
    let titles: Vec<String> = record
        .questions
        .iter()
        .map(|q| q.text.items[0].paragraphs.join(" "))
        .collect();
    assert_eq!(titles.len(), 8, "{titles:?}");
    assert_eq!(titles[0], "Apologies");
    assert_eq!(titles[7], "Item 8 of the agenda");
    let last = &record.questions[7].evidence.items;
    assert_eq!(last.len(), 3, "{last:?}");
    assert!(last[2].paragraphs[0].starts_with("Paragraph 3 of item 8. The Board heard"));
    assert_eq!(record.actions.len(), 1);
    assert_eq!(record.actions[0].owner, "Chief Constable");
    assert_eq!(
        record.actions[0].due_on,
        chrono::NaiveDate::from_ymd_opt(2024, 6, 30)
    );
    // The running head and foot and the page numbers, on every page, are
    // not the minutes' text; nothing else is left over.
    assert_eq!(record.unplaced, Vec::<String>::new());
    let text = scrutiny::import::read_source(&bytes).expect("text");
    for running in ["Page 1 of", "OFFICIAL", "for Cleveland"] {
        assert!(!text.contains(running), "{running}: {text}");
    }
    let count = scrutiny::import::words::count(&text, &record);
    assert!(count.all_kept(), "{:?}", count.missing);
}

#[test]
fn pdfs_that_cannot_be_read_are_refused_with_the_reason() {
    let refused = |bytes: &[u8]| parse_file(bytes).expect_err("refused").to_string();
    assert!(refused(&pdf("scanned.pdf")).contains("no text to read (it is a scan"));
    assert!(refused(&pdf("locked.pdf")).contains("protected by a password"));
    let mut cut = pdf("stalking.pdf");
    cut.truncate(600);
    let damaged = refused(&cut);
    assert!(damaged.starts_with("the PDF cannot be read ("), "{damaged}");
}

#[test]
fn the_import_command_reads_a_pdf_and_refuses_a_scan_in_one_line() {
    let dir = tempfile::tempdir().expect("dir");
    let output = std::process::Command::new(BIN)
        .arg("import")
        .arg(format!("{DIR}/stalking.pdf"))
        .arg(format!("{DIR}/scanned.pdf"))
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .env_remove("DATABASE_URL")
        .output()
        .expect("runs");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert!(!output.status.success());
    assert!(
        stdout.contains("stalking.pdf: Created a draft of 4 questions and 1 actions: /staff/meetings/"),
        "{stdout}"
    );
    let said: Vec<&str> = stderr.lines().filter(|l| l.starts_with("scrutiny:")).collect();
    assert_eq!(said.len(), 2, "{stderr}");
    assert!(said[0].ends_with("scanned.pdf cannot be imported: the PDF has no text to read (it is a scan, or pictures of text): import the Word document, or the notes as text"), "{stderr}");
    assert_eq!(said[1], "scrutiny: 1 of 2 files were not imported");
}

// Making the fixtures.

const STYLE: &str = "
@page { size: A4; margin: 22mm 16mm; @bottom-right { content: 'Page ' counter(page) ' of ' counter(pages); font: 9pt Arial, sans-serif; } }
body { font: 11pt Arial, sans-serif; margin: 0; }
.head { position: fixed; top: 0; left: 0; right: 0; text-align: center; font-size: 9pt; }
.foot { position: fixed; bottom: 0; left: 0; font-size: 9pt; }
main { padding: 12mm 0; box-decoration-break: clone; -webkit-box-decoration-break: clone; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #000; vertical-align: top; padding: 4pt 6pt; text-align: left; }
thead { display: table-header-group; }
tr { break-inside: auto; }
p { margin: 0 0 5pt; }
.sub { padding-left: 22pt; }
.actions td { border: none; }
";

pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// An outline as Word prints it: paragraphs, "•" bullets, "o" sub-points.
fn outline_html(items: &[Item], number: Option<u32>) -> String {
    let mut html = String::new();
    for (at, item) in items.iter().enumerate() {
        for (i, paragraph) in item.paragraphs.iter().enumerate() {
            let text = escape(paragraph);
            html.push_str(&match (item.marker, at, i, number) {
                (Marker::Plain, 0, 0, Some(n)) => format!("<p>{n}. {text}</p>"),
                (Marker::Plain, ..) => format!("<p>{text}</p>"),
                (_, _, 0, _) => format!("<p>•&nbsp;&nbsp;{text}</p>"),
                _ => format!("<p>{text}</p>"),
            });
        }
        for child in &item.children {
            html.push_str(&format!(
                "<p class=\"sub\">o&nbsp;&nbsp;{}</p>",
                escape(&child.paragraphs.join(" "))
            ));
        }
    }
    html
}

pub(crate) fn page(body: &str) -> String {
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>notes</title><style>{STYLE}</style></head>\
         <body><div class=\"head\">OFFICIAL</div><div class=\"foot\">Office of the Police and Crime Commissioner for Cleveland</div><main>{body}</main></body></html>"
    )
}

fn notes_html(record: &ImportedRecord) -> String {
    let mut body = String::from("<p>NOTES - SCRUTINY MEETING (STALKING) - 3 DECEMBER 2024</p>");
    body.push_str(
        "<table><colgroup><col style=\"width:30%\"><col style=\"width:52%\"><col style=\"width:18%\"></colgroup>\
         <thead><tr><th>Question</th><th>Brief Summary of Evidence</th><th>Decision of PCC</th></tr></thead><tbody>",
    );
    for q in &record.questions {
        body.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            outline_html(&q.text.items, Some(q.number)),
            outline_html(&q.evidence.items, None),
            q.decision.map(|d| d.label()).unwrap_or_default()
        ));
    }
    body.push_str("</tbody></table><p>&nbsp;</p><p>Action</p><table class=\"actions\">");
    for action in &record.actions {
        body.push_str(&format!(
            "<tr><td>{}</td><td>{}</td></tr>",
            action.number,
            escape(&action.text)
        ));
    }
    body.push_str("</table>");
    page(&body)
}

const MINUTES: &str = "<h1>Minutes of the Scrutiny Board</h1>\
<p>Held on Tuesday 5 March 2024 at 10.00am, Conference Room 2, Police Headquarters</p>\
<p><b>Present:</b> Steve Turner – Police and Crime Commissioner; Mark Webster – Chief Constable; Jane Smith – Head of Governance</p>\
<h2>1. Apologies</h2><p>Apologies were received from the Deputy Chief Constable.</p>\
<h2>2. Neighbourhood policing</h2><p>The Chief Constable outlined the new neighbourhood model.</p>\
<ul><li>Twelve new teams are in place.</li><li>Response times have improved since October.</li></ul>\
<p>Action: the Chief Constable to report on response times by 30 June 2024.</p>";

/// Minutes long enough to run over pages: more items of prose.
fn minutes() -> String {
    let mut html = MINUTES.to_owned();
    for item in 3..=8 {
        html.push_str(&format!("<h2>{item}. Item {item} of the agenda</h2>"));
        for paragraph in 1..=3 {
            html.push_str(&format!(
                "<p>Paragraph {paragraph} of item {item}. The Board heard how the Force measures its work \
                 in this area, what has changed since the last meeting and what is planned for the year \
                 ahead, with figures for each district and the views of partners.</p>"
            ));
        }
    }
    html
}

pub(crate) fn print(html: &str, pdf: &std::path::Path) {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("page.html");
    std::fs::write(&file, html).expect("write");
    let status = std::process::Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", file.display()))
        .status()
        .expect("chromium runs");
    assert!(status.success());
}

#[test]
#[ignore = "writes tests/fixtures/pdf/*.pdf with Chromium and qpdf; run by hand"]
fn make_the_pdf_fixtures() {
    let dir = std::path::Path::new(DIR);
    std::fs::create_dir_all(dir).expect("dir");
    print(&notes_html(&text_record()), &dir.join("stalking.pdf"));
    print(&page(&minutes()), &dir.join("minutes.pdf"));
    // A scan is a picture of each page: no text at all.
    print(
        "<!doctype html><html><head><title>scan</title></head><body style=\"margin:0\">\
         <div style=\"width:160mm;height:220mm;background:#555\"></div></body></html>",
        &dir.join("scanned.pdf"),
    );
    let status = std::process::Command::new("qpdf")
        .args(["--encrypt", "user-password", "owner-password", "256", "--"])
        .arg(dir.join("stalking.pdf"))
        .arg(dir.join("locked.pdf"))
        .status()
        .expect("qpdf runs");
    assert!(status.success());
}

#[test]
fn without_pdftotext_a_pdf_is_refused_with_what_to_install() {
    let dir = tempfile::tempdir().expect("dir");
    let output = std::process::Command::new(BIN)
        .arg("import")
        .arg(format!("{DIR}/stalking.pdf"))
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .env_remove("DATABASE_URL")
        .env("PATH", dir.path())
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let said: Vec<&str> = stderr.lines().filter(|l| l.starts_with("scrutiny:")).collect();
    assert_eq!(said.len(), 1, "{stderr}");
    assert!(
        said[0].ends_with("stalking.pdf cannot be imported: reading a PDF needs pdftotext, which is not installed here (Debian's package poppler-utils): install it, or import the Word document"),
        "{stderr}"
    );
    assert!(!dir.path().join("data").exists(), "nothing was created");
}

#[tokio::test]
async fn staff_upload_a_pdf_and_see_it_read_as_published_notes() {
    let app = crate::common::TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let preview = staff
        .upload("/staff/import", &[], ("notes.pdf", &pdf("stalking.pdf")))
        .await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert_eq!(preview.texts("h1"), ["Preview: Stalking"]);
    assert_eq!(preview.texts("#questions"), ["4 questions"]);
    assert!(preview.body.contains("Read as: published notes"));
    assert!(preview.texts(".unplaced pre").is_empty());
    let scan = staff
        .upload("/staff/import", &[], ("scan.pdf", &pdf("scanned.pdf")))
        .await;
    assert_eq!(scan.status, 422);
    assert!(scan.texts(".error-summary a")[0].contains("no text to read"));
}
