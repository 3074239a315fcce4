//! Notes of every shape the importer reads (minutes, a governance board's
//! table, questions and responses, and text in no shape it knows), each
//! from a text file, a Word document and a PDF in `tests/fixtures/shapes/`:
//! each format reads as the same record, and keeps every word.
//!
//! The text files are written in the style of real published notes. The
//! Word documents and PDFs are made from them by `make_the_shape_fixtures`
//! (run it by hand with `--ignored`): each text is drawn as HTML, which
//! pandoc writes as Word (real lists and tables, not our own writer) and
//! headless Chromium prints as a PDF.

use scrutiny::import::notes::ImportedRecord;
use scrutiny::import::{Shape, parse_file, words};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/shapes");

fn read(name: &str) -> (ImportedRecord, String) {
    let bytes = std::fs::read(format!("{DIR}/{name}")).expect("a shape fixture");
    let record = parse_file(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    let source = scrutiny::import::read_source(&bytes).expect("source");
    (record, source)
}

/// What a person checks on the preview, one line each.
fn digest(record: &ImportedRecord) -> Vec<String> {
    let mut lines = vec![
        format!("shape: {}", record.shape.name()),
        match record.shape {
            Shape::Unrecognised {
                dated_by_import: true,
                ..
            } => {
                format!("{} – {} – dated by the import", record.kind, record.topic)
            }
            _ => format!("{} – {} – {}", record.kind, record.topic, record.held_on),
        },
        format!(
            "at {:?} in {:?}",
            record.details.starts_at.map(|t| t.to_string()),
            record.details.place
        ),
    ];
    for person in &record.details.attendees {
        lines.push(format!("present: {} ({})", person.name, person.role));
    }
    for person in &record.details.apologies {
        lines.push(format!("apologies: {} ({})", person.name, person.role));
    }
    for question in &record.questions {
        lines.push(format!(
            "Q{}: {} | {:?}",
            question.number,
            question.text.to_string().trim(),
            question.decision
        ));
        if !question.rationale.is_empty() {
            lines.push(format!("  because: {}", question.rationale));
        }
        for line in question.evidence.to_string().lines() {
            lines.push(format!("  {line}"));
        }
    }
    for action in &record.actions {
        lines.push(format!(
            "A{}: {} | {} | {:?}",
            action.number, action.text, action.owner, action.due_on
        ));
    }
    for line in &mut lines {
        let indent = line.len() - line.trim_start().len();
        *line = format!(
            "{}{}",
            &line[..indent],
            line.split_whitespace().collect::<Vec<_>>().join(" ")
        );
    }
    // Unplaced text, as its words in order: a Word document or a PDF may
    // part it into paragraphs differently.
    let unplaced: Vec<String> = record
        .unplaced
        .iter()
        .flat_map(|text| words::words(text))
        .collect();
    if !unplaced.is_empty() {
        lines.push(format!("unplaced: {}", unplaced.join(" ")));
    }
    lines
}

/// The record each shape's notes should read as, written out by hand in
/// `tests/fixtures/shapes-expected/<shape>.record` (the digest's lines),
/// beside the folder of notes rather than in it, which imports whole.
fn expected(shape: &str) -> Vec<String> {
    std::fs::read_to_string(format!("{DIR}-expected/{shape}.record"))
        .expect("the expected record")
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn each_shape_as_text_reads_as_the_record_a_person_would_make_of_it() {
    for shape in SHAPES {
        let (record, _) = read(&format!("{shape}.txt"));
        assert_eq!(digest(&record), expected(shape), "{shape}.txt");
    }
}

#[test]
fn each_shape_reads_the_same_from_word_and_from_pdf() {
    for shape in SHAPES {
        for format in ["docx", "pdf"] {
            let (record, _) = read(&format!("{shape}.{format}"));
            assert_eq!(digest(&record), expected(shape), "{shape}.{format}");
        }
    }
}

#[test]
fn every_word_of_every_shape_in_every_format_is_placed_or_kept() {
    for shape in SHAPES {
        for format in ["txt", "docx", "pdf"] {
            let name = format!("{shape}.{format}");
            let (record, source) = read(&name);
            let count = words::count(&source, &record);
            assert!(count.source > 100, "{name}: {}", count.summary());
            assert!(
                count.all_kept(),
                "{name}: {} {:?}",
                count.summary(),
                count.missing
            );
        }
    }
}

#[tokio::test]
async fn staff_preview_every_shape_in_every_format_at_once() {
    let app = crate::common::TestApp::new().await;
    let mut staff = app.signed_in("staff").await;
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for shape in SHAPES {
        for format in ["txt", "docx", "pdf"] {
            let name = format!("{shape}.{format}");
            files.push((
                name.clone(),
                std::fs::read(format!("{DIR}/{name}")).expect("fixture"),
            ));
        }
    }
    let uploads: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    let preview = staff.upload_files("/staff/import", &uploads).await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert_eq!(preview.texts("h1"), ["Preview of 12 files"]);
    let rows = preview.texts("table.batch tbody tr");
    assert_eq!(rows.len(), 12, "{rows:?}");
    for (shape, read_as) in [
        ("minutes", "minutes"),
        ("responses", "questions and responses"),
        ("board", "a governance board's table"),
        ("briefing", "text in no shape the importer knows"),
    ] {
        for format in ["txt", "docx", "pdf"] {
            let name = format!("{shape}.{format}");
            let row = rows
                .iter()
                .find(|row| row.starts_with(&name))
                .unwrap_or_else(|| panic!("{name} in {rows:?}"));
            assert!(row.contains(read_as), "{row}");
            let (kept, rest) = row
                .split_once(" words placed or kept")
                .and_then(|(before, _)| before.rsplit_once(" of "))
                .map(|(before, total)| {
                    (
                        before.rsplit(' ').next().unwrap_or_default().to_owned(),
                        total.to_owned(),
                    )
                })
                .unwrap_or_else(|| panic!("a word count in {row}"));
            assert_eq!(kept, rest, "{row}");
        }
    }
}

#[test]
fn the_folder_imports_as_one_draft_a_meeting_the_other_formats_refused_as_there_already() {
    let dir = tempfile::tempdir().expect("dir");
    let (ok, stdout, stderr) =
        crate::import::import_paths(&dir.path().join("data"), &[std::path::Path::new(DIR)]);
    assert!(
        !ok,
        "the formats after the first of a meeting are refused: {stdout}{stderr}"
    );
    let created: Vec<&str> = stdout.lines().filter(|l| l.contains("Created a draft")).collect();
    assert_eq!(created.len(), 4, "{stdout}");
    for line in &created {
        let (kept, total) = line
            .split_once(" words placed or kept")
            .and_then(|(before, _)| before.rsplit_once('(')?.1.split_once(" of "))
            .expect("a word count");
        assert_eq!(kept, total, "{line}");
    }
    let refused: Vec<&str> = stderr.lines().filter(|l| l.starts_with("scrutiny:")).collect();
    assert_eq!(refused.len(), 9, "{stderr}");
    assert!(
        refused[..8]
            .iter()
            .all(|l| l.contains("exists already; nothing was created")),
        "{stderr}"
    );
    assert_eq!(refused[8], "scrutiny: 8 of 12 files were not imported");
}

// Making the fixtures.

const SHAPES: [&str; 4] = ["minutes", "responses", "board", "briefing"];

/// A list entry's marker in the text files, its list and its level: "•"
/// first level, "o" second, each before a tab (as Word saves a list as
/// text) or, in a table's cell, spaces; "- " at the level its indentation
/// says; "1." numbered.
fn bullet(line: &str) -> Option<(&'static str, usize, &str)> {
    let level = 1 + (line.len() - line.trim_start().len()) / 4;
    let line = line.trim_start();
    if let Some(rest) = line.strip_prefix("- ") {
        return Some(("ul", level, rest.trim()));
    }
    for (marker, list, level) in [("•", "ul", 1), ("o", "ul", 2)] {
        if let Some(rest) = line.strip_prefix(marker).filter(|r| r.starts_with(['\t', ' '])) {
            return Some((list, level, rest.trim()));
        }
    }
    let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let rest = line[digits..].strip_prefix('.')?;
    // "1.  Title", with two spaces, is an agenda item's heading.
    let entry = rest.starts_with('\t') || (rest.starts_with(' ') && !rest.starts_with("  "));
    (digits > 0 && entry).then(|| ("ol", 1, rest.trim()))
}

/// How a list is drawn: as HTML lists (which pandoc writes as Word's
/// lists), or as Word prints a list to PDF, each entry a paragraph
/// indented by its level with its bullet or number as text.
#[derive(Clone, Copy, PartialEq)]
enum Lists {
    Html,
    Printed,
}

/// Lines of a cell or of the page as HTML: paragraphs, and lists nested
/// by their markers' levels.
fn blocks_html(lines: &[&str], lists: Lists) -> String {
    let mut html = String::new();
    let mut open: Vec<&str> = Vec::new();
    let mut numbers = 0;
    let close_to = |html: &mut String, open: &mut Vec<&str>, level: usize| {
        while open.len() > level {
            html.push_str(&format!("</li></{}>", open.pop().expect("open")));
        }
    };
    for line in lines {
        match (bullet(line), lists) {
            (Some((list, level, text)), Lists::Printed) => {
                numbers = if list == "ol" { numbers + 1 } else { 0 };
                let glyph = match (list, level) {
                    ("ol", _) => format!("{numbers}."),
                    (_, 1) => "•".to_owned(),
                    _ => "o".to_owned(),
                };
                html.push_str(&format!(
                    "<p style=\"padding-left:{}pt;text-indent:-14pt\">{glyph}&nbsp;&nbsp;&nbsp;{}</p>",
                    level * 16,
                    crate::import_pdf::escape(text)
                ));
            }
            (Some((list, level, text)), Lists::Html) => {
                if open.len() >= level {
                    close_to(&mut html, &mut open, level);
                    html.push_str("</li>");
                }
                while open.len() < level {
                    html.push_str(&format!("<{list}>"));
                    open.push(list);
                }
                html.push_str(&format!("<li>{}", crate::import_pdf::escape(text)));
            }
            (None, _) => {
                close_to(&mut html, &mut open, 0);
                numbers = 0;
                html.push_str(&format!("<p>{}</p>", crate::import_pdf::escape(line.trim())));
            }
        }
    }
    close_to(&mut html, &mut open, 0);
    html
}

/// A text fixture as the HTML of the document it was saved from: a line
/// that runs on joins its paragraph, rows parted by tabs are a table
/// (a row with no reference or item continues the row above).
fn text_html(text: &str, lists: Lists) -> String {
    let mut lines: Vec<String> = Vec::new();
    for line in text.lines().map(str::trim_end) {
        let runs_on = line.starts_with(char::is_lowercase)
            && lines.last().is_some_and(|last| {
                !last.is_empty() && !last.ends_with(['.', ':', ';', '?', '!']) && !last.contains('\t')
            });
        match lines.last_mut() {
            Some(last) if runs_on => {
                last.push(' ');
                last.push_str(line);
            }
            _ => lines.push(line.to_owned()),
        }
    }
    // A list's entry is saved as its marker and a tab; a row that
    // continues a cell starts with the empty cells' tabs.
    let is_row = |line: &str| line.contains('\t') && (bullet(line).is_none() || line.starts_with('\t'));
    let mut html = String::new();
    let mut at = 0;
    while at < lines.len() {
        if is_row(&lines[at]) {
            let mut rows: Vec<Vec<Vec<String>>> = Vec::new();
            while at < lines.len() && is_row(&lines[at]) {
                let cells: Vec<&str> = lines[at].split('\t').collect();
                let continues = !rows.is_empty() && cells.iter().take(2).all(|c| c.trim().is_empty());
                if !continues {
                    rows.push(vec![Vec::new(); cells.len()]);
                }
                let row = rows.last_mut().expect("a row");
                for (cell, text) in row.iter_mut().zip(cells) {
                    if !text.trim().is_empty() {
                        cell.push(text.trim().to_owned());
                    }
                }
                at += 1;
            }
            html.push_str("<table>");
            for (n, row) in rows.iter().enumerate() {
                let tag = if n == 0 { "th" } else { "td" };
                html.push_str("<tr>");
                for cell in row {
                    let lines: Vec<&str> = cell.iter().map(String::as_str).collect();
                    html.push_str(&format!("<{tag}>{}</{tag}>", blocks_html(&lines, lists)));
                }
                html.push_str("</tr>");
            }
            html.push_str("</table>");
            continue;
        }
        let start = at;
        while at < lines.len() && !lines[at].trim().is_empty() && !is_row(&lines[at]) {
            at += 1;
        }
        let block: Vec<&str> = lines[start..at].iter().map(String::as_str).collect();
        html.push_str(&blocks_html(&block, lists));
        if at == start {
            at += 1;
        }
    }
    html
}

#[test]
#[ignore = "writes tests/fixtures/shapes/*.docx and *.pdf with pandoc and Chromium; run by hand"]
fn make_the_shape_fixtures() {
    let dir = std::path::Path::new(DIR);
    for shape in SHAPES {
        let text = std::fs::read_to_string(dir.join(format!("{shape}.txt"))).expect("text");
        let html = tempfile::NamedTempFile::with_suffix(".html").expect("temp");
        let document = format!(
            "<!doctype html><html><head><meta charset=\"utf-8\"></head><body>{}</body></html>",
            text_html(&text, Lists::Html)
        );
        std::fs::write(html.path(), document).expect("write");
        let status = std::process::Command::new("pandoc")
            .args(["--from", "html", "--to", "docx", "--output"])
            .arg(dir.join(format!("{shape}.docx")))
            .arg(html.path())
            .status()
            .expect("pandoc runs");
        assert!(status.success());
        // A5, so that each runs over two pages or more, with a running
        // head and foot; the briefing is a page, printed plain.
        let body = format!(
            "<style>@page {{ size: A5; }}</style>{}",
            text_html(&text, Lists::Printed)
        );
        let page = if shape == "briefing" {
            format!(
                "<!doctype html><html><head><meta charset=\"utf-8\"><title>briefing</title></head><body>{body}</body></html>"
            )
        } else {
            crate::import_pdf::page(&body)
        };
        crate::import_pdf::print(&page, &dir.join(format!("{shape}.pdf")));
    }
}
