//! Notes as PDF. The text comes from poppler's `pdftotext` (Debian's
//! poppler-utils), run as a child process with a time limit: it keeps the
//! columns of a table where they stand on the page (`-layout`), which the
//! pure-Rust readers do not, and a table is what published notes are.
//!
//! Lines that repeat at the top or foot of every page (the office's name, a
//! page number) are dropped; nothing else is. When the text holds the
//! notes' Question / Evidence / Decision table, its rows are put back
//! together across pages, cell by cell, from where their words stand, and
//! written as the text of published notes (one line a row, cells parted by
//! tabs, lists as HTML) for the notes reader. Any other PDF gives its text
//! in reading order, for the importer to keep.

use std::collections::HashSet;
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::notes::{is_action_heading, is_header_row};

mod blocks;

/// Longest a PDF may take to read.
const TIME_LIMIT: Duration = Duration::from_secs(60);

/// Most text a PDF may give: more than any notes hold.
const MAX_TEXT_BYTES: usize = 20 * 1024 * 1024;

/// Longest running head or foot, in characters.
const RUNNING_CHARS: usize = 100;

/// Lines at the top and at the foot of each page looked at for running
/// heads and feet.
const EDGE: usize = 3;

/// About how wide a column of laid-out text is, in points.
const POINTS_A_COLUMN: f64 = 6.0;

/// How near the page's width a line in mid-sentence may end and still be
/// taken to wrap, in characters: a proportional font's letters are wider
/// or narrower than the columns of the laid-out text.
const NEAR_MARGIN: usize = 12;

/// How far left of its heading a column's text may start, in characters.
const SLACK: usize = 2;

/// Why a PDF cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdfError {
    #[error(
        "reading a PDF needs pdftotext, which is not installed here (Debian's package poppler-utils): \
         install it, or import the Word document"
    )]
    NoExtractor,
    #[error("the PDF is protected by a password: save a copy without one, or import the Word document")]
    Encrypted,
    #[error(
        "the PDF has no text to read (it is a scan, or pictures of text): import the Word document, \
         or the notes as text"
    )]
    NoText,
    #[error(
        "the PDF cannot be read ({0}): save it again from the program that made it, or import the Word document"
    )]
    Unreadable(String),
    #[error("the PDF took longer than a minute to read, so it was given up: import the Word document")]
    TooSlow,
    #[error("the PDF holds more than 20 MB of text, more than any notes")]
    TooMuchText,
}

/// Whether `bytes` are a PDF (its header is within the first kilobyte).
pub fn is_pdf(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(1024)].windows(5).any(|w| w == b"%PDF-")
}

/// The text of a PDF: published notes as the notes reader reads them, any
/// other text in reading order.
pub fn to_text(bytes: &[u8]) -> Result<String, PdfError> {
    let laid_out = extract(bytes, Mode::Layout)?;
    if !laid_out.chars().any(char::is_alphanumeric) {
        return Err(PdfError::NoText);
    }
    let lines: Vec<String> = without_running_lines(&laid_out).into_iter().flatten().collect();
    if let Some(notes) = table_notes(&lines) {
        return Ok(notes);
    }
    if let Some(board) = board_table(&lines) {
        return Ok(board);
    }
    // Prose: its paragraphs as pdftotext finds them, without running ones.
    let mut pages = blocks::pages(&extract(bytes, Mode::Blocks)?);
    let texts: Vec<Vec<String>> = pages
        .iter()
        .map(|page| page.iter().map(|p| p.text.clone()).collect())
        .collect();
    for (page, drop) in pages.iter_mut().zip(running(&texts)) {
        let mut at = 0;
        page.retain(|_| {
            at += 1;
            !drop.contains(&(at - 1))
        });
    }
    Ok(blocks::text(&pages))
}

/// Laid-out lines of prose (a board's heading, above its table, which
/// pdftotext's blocks do not part from the table) as a Word document's
/// text reads, as `blocks::text` writes it. A line that wraps
/// joins the next. A line is taken to wrap when the next line's first
/// word would not have fitted after it, or, in mid-sentence, when it
/// nearly reaches the page's width or the next line goes on in lower
/// case. The width is that of the longest lines of text from the left
/// margin, leaving out the longest tenth (a row of dots to sign on, say).
fn prose(lines: &[String]) -> String {
    let mut lengths: Vec<usize> = lines
        .iter()
        .filter(|line| line.len() - line.trim_start().len() <= 8 && segments(line).len() == 1)
        .map(|line| line.trim_end().chars().count())
        .collect();
    lengths.sort_unstable();
    let width = lengths.get(lengths.len() * 9 / 10).copied().unwrap_or(0);
    let mut paragraphs: Vec<blocks::Paragraph> = Vec::new();
    let mut last_length = 0;
    for line in lines {
        let text = line.trim();
        if text.is_empty() {
            last_length = 0;
            continue;
        }
        let entry = bullet(text).is_some() || question_number(text).is_some();
        let first_word = text
            .split_whitespace()
            .next()
            .map_or(0, |word| word.chars().count());
        let mid_sentence = paragraphs
            .last()
            .is_some_and(|last| !last.text.ends_with(['.', ':', ';', '?', '!']));
        let wraps = last_length > 0
            && (last_length + 1 + first_word > width
                || (mid_sentence
                    && (last_length + 1 + first_word + NEAR_MARGIN > width
                        || text.starts_with(char::is_lowercase))));
        match paragraphs.last_mut() {
            Some(last) if wraps && !entry => join_wrapped(&mut last.text, text),
            _ => {
                let indent = line.chars().take_while(|c| c.is_whitespace()).count();
                paragraphs.push(blocks::Paragraph::new(
                    entry.then_some(indent as f64 * POINTS_A_COLUMN),
                    text,
                ));
            }
        }
        last_length = line.trim_end().chars().count();
    }
    blocks::text(&[paragraphs])
}

/// Adds a wrapped line's `text` to the line it runs on from: a word
/// broken at its hyphen at the end of a line is one word.
fn join_wrapped(last: &mut String, text: &str) {
    let broken = last.ends_with('-') && last[..last.len() - 1].ends_with(char::is_alphanumeric);
    if !broken {
        last.push(' ');
    }
    last.push_str(text);
}

/// The laid-out `lines` as a governance board's table (see `board`), if
/// they hold one: the heading as prose, then a line a row, its cells
/// parted by tabs (lists as HTML), put back together across pages; a row
/// opens where its reference (or, with no reference column, its item)
/// has text.
fn board_table(lines: &[String]) -> Option<String> {
    let tabbed = |line: &str| -> String {
        segments(line)
            .into_iter()
            .map(|(_, text)| text)
            .collect::<Vec<_>>()
            .join("\t")
    };
    let header = lines
        .iter()
        .position(|line| super::board::is_header(&tabbed(line)))?;
    let columns = |line: &str| -> Vec<usize> { segments(line).iter().map(|(start, _)| *start).collect() };
    let mut starts = columns(&lines[header]);
    let mut headings: Vec<String> = segments(&lines[header])
        .into_iter()
        .map(|(_, text)| text)
        .collect();
    let opener = {
        let cells: Vec<String> = headings.iter().map(|h| h.to_lowercase()).collect();
        let reference = cells
            .iter()
            .position(|cell| ["ref", "no.", "number", "#"].iter().any(|w| cell.starts_with(w)));
        reference.unwrap_or(0)
    };
    let mut rows: Vec<Vec<Vec<CellLine>>> = Vec::new();
    let mut after: Vec<String> = Vec::new();
    let mut blank_before = true;
    for line in &lines[header + 1..] {
        if !after.is_empty() {
            after.push(line.clone());
            continue;
        }
        if super::board::is_header(&tabbed(line)) {
            let repeated = columns(line);
            if repeated.len() == starts.len() {
                starts = repeated;
            }
            continue;
        }
        if line.trim().is_empty() {
            for cell in rows.last_mut().into_iter().flatten() {
                cell.push(CellLine::Blank);
            }
            blank_before = true;
            continue;
        }
        let parts = segments(line);
        // Text after a gap that starts left of the table, or runs across
        // its first column into the next, ends it.
        let outside = parts.first().is_some_and(|(start, text)| {
            *start + SLACK < starts[0]
                || starts
                    .get(1)
                    .is_some_and(|next| start + text.chars().count() > *next)
        });
        if blank_before && !rows.is_empty() && outside {
            after.push(line.clone());
            continue;
        }
        blank_before = false;
        let cells = in_columns(parts, &starts);
        if rows.is_empty() && cells[opener].is_empty() {
            // The rest of a heading that ran onto a second line.
            for (heading, parts) in headings.iter_mut().zip(&cells) {
                for (_, text) in parts {
                    heading.push(' ');
                    heading.push_str(text);
                }
            }
            continue;
        }
        if !cells[opener].is_empty() && (rows.is_empty() || opens_row(&cells[opener])) {
            rows.push(vec![Vec::new(); starts.len()]);
        }
        let Some(row) = rows.last_mut() else {
            continue;
        };
        extend_row(row, cells);
    }
    if rows.is_empty() {
        return None;
    }
    let mut text = prose(&lines[..header]);
    text.push_str(&headings.join("\t"));
    text.push('\n');
    for row in &rows {
        let cells: Vec<String> = row.iter().map(|cell| cell_html(cell)).collect();
        text.push_str(&cells.join("\t"));
        text.push('\n');
    }
    text.push('\n');
    text.push_str(&prose(&after));
    Some(text)
}

/// Whether a reference cell's text opens a row: a reference is short (a
/// number or a code), where a wrapped item title is words.
fn opens_row(parts: &[(usize, String)]) -> bool {
    parts
        .first()
        .is_some_and(|(_, text)| text.chars().count() <= 8 && text.chars().any(|c| c.is_ascii_digit()))
}

/// How `pdftotext` gives a PDF's text.
#[derive(Debug, Clone, Copy)]
enum Mode {
    /// Lines as they stand across the page, columns kept by spaces.
    Layout,
    /// Blocks, lines and words, with where each stands, as XHTML.
    Blocks,
}

/// Runs `pdftotext` on `bytes`.
fn extract(bytes: &[u8], mode: Mode) -> Result<String, PdfError> {
    let mut command = Command::new("pdftotext");
    command.arg(match mode {
        Mode::Layout => "-layout",
        Mode::Blocks => "-bbox-layout",
    });
    command
        .args(["-enc", "UTF-8", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => PdfError::NoExtractor,
        _ => PdfError::Unreadable(e.to_string()),
    })?;
    let (Some(mut stdin), Some(stdout), Some(stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        return Err(PdfError::Unreadable("pdftotext could not be started".into()));
    };
    let input = bytes.to_vec();
    // A PDF it cannot read is answered before all of it is written.
    let writer = std::thread::spawn(move || drop(stdin.write_all(&input)));
    let text = std::thread::spawn(move || read_capped(stdout, MAX_TEXT_BYTES));
    let messages = std::thread::spawn(move || read_capped(stderr, 64 * 1024));
    let deadline = Instant::now() + TIME_LIMIT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(PdfError::TooSlow);
            }
            Err(e) => return Err(PdfError::Unreadable(e.to_string())),
        }
    };
    let _ = writer.join();
    let (text, too_much) = text.join().unwrap_or_default();
    let (messages, _) = messages.join().unwrap_or_default();
    let messages = String::from_utf8_lossy(&messages);
    if messages.to_lowercase().contains("password") {
        return Err(PdfError::Encrypted);
    }
    if !status.success() {
        let reason = messages
            .lines()
            .rev()
            .map(str::trim)
            .find(|line| !line.is_empty())
            .unwrap_or("pdftotext failed")
            .chars()
            .take(200)
            .collect();
        return Err(PdfError::Unreadable(reason));
    }
    if too_much {
        return Err(PdfError::TooMuchText);
    }
    Ok(String::from_utf8_lossy(&text).into_owned())
}

/// Everything `from` gives, up to `cap` bytes kept (the rest read and
/// dropped, so that the writer never waits), and whether there was more.
fn read_capped(mut from: impl Read, cap: usize) -> (Vec<u8>, bool) {
    let (mut kept, mut more) = (Vec::new(), false);
    let mut buffer = [0u8; 64 * 1024];
    while let Ok(n) = from.read(&mut buffer) {
        if n == 0 {
            break;
        }
        let room = cap.saturating_sub(kept.len());
        kept.extend_from_slice(&buffer[..n.min(room)]);
        more |= n > room;
    }
    (kept, more)
}

/// The pages of `text` (parted by form feeds), without their running
/// lines (see `running`).
fn without_running_lines(text: &str) -> Vec<Vec<String>> {
    let mut pages: Vec<Vec<String>> = text
        .split('\u{c}')
        .map(|page| page.lines().map(str::to_owned).collect())
        .collect();
    // The last page ends with a form feed too.
    if pages
        .last()
        .is_some_and(|page| page.iter().all(|line| line.trim().is_empty()))
    {
        pages.pop();
    }
    let running = running(&pages);
    for (page, drop) in pages.iter_mut().zip(running) {
        let kept = std::mem::take(page)
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !drop.contains(i))
            .map(|(_, line)| line);
        page.extend(kept);
    }
    pages
}

/// For each page, where its running lines are: those that stand at the
/// top or the foot of every page, read with their numbers as any number
/// ("Page 2 of 6" repeats "Page 1 of 6"), and short: a paragraph of text
/// is not one, nor is a table's header row repeated on each page it runs
/// over. A single page has none.
fn running(pages: &[Vec<String>]) -> Vec<HashSet<usize>> {
    if pages.len() < 2 {
        return vec![HashSet::new(); pages.len()];
    }
    let key = |line: &str| -> String {
        line.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .collect()
    };
    let running = |line: &str| {
        let text = line.trim();
        !text.is_empty() && text.chars().count() <= RUNNING_CHARS && !is_table_header(line)
    };
    let edges = |page: &[String]| -> Vec<usize> {
        let filled: Vec<usize> = (0..page.len()).filter(|&i| running(&page[i])).collect();
        let mut at: Vec<usize> = filled.iter().take(EDGE).copied().collect();
        at.extend(filled.iter().rev().take(EDGE));
        at
    };
    let mut common: Option<HashSet<String>> = None;
    for page in pages {
        let keys: HashSet<String> = edges(page).into_iter().map(|i| key(&page[i])).collect();
        common = Some(match common {
            None => keys,
            Some(common) => common.intersection(&keys).cloned().collect(),
        });
    }
    let common = common.unwrap_or_default();
    pages
        .iter()
        .map(|page| {
            edges(page)
                .into_iter()
                .filter(|&i| common.contains(&key(&page[i])))
                .collect()
        })
        .collect()
}

/// A laid-out line's runs of text, parted by two spaces or more, each with
/// the column (in characters) it starts at.
fn segments(line: &str) -> Vec<(usize, String)> {
    let mut found: Vec<(usize, String)> = Vec::new();
    let mut spaces = usize::MAX;
    for (column, c) in line.chars().enumerate() {
        if c.is_whitespace() {
            spaces = spaces.saturating_add(1);
            continue;
        }
        match found.last_mut() {
            Some((_, text)) if spaces < 2 => {
                if spaces == 1 {
                    text.push(' ');
                }
                text.push(c);
            }
            _ => found.push((column, c.to_string())),
        }
        spaces = 0;
    }
    found
}

fn is_table_header(line: &str) -> bool {
    let segments = segments(line);
    is_header_row(segments.iter().map(|(_, text)| text.as_str()))
}

/// Whether a line holds only words of the table's headings.
fn is_header_tail(line: &str) -> bool {
    const WORDS: [&str; 8] = [
        "question",
        "questions",
        "brief",
        "summary",
        "of",
        "evidence",
        "decision",
        "pcc",
    ];
    let words: Vec<String> = line.split_whitespace().map(str::to_lowercase).collect();
    !words.is_empty() && words.iter().all(|word| WORDS.contains(&word.as_str()))
}

/// One line of a cell: its text and how far right of the column's start it
/// stands, or a blank line.
#[derive(Debug, Clone, PartialEq, Eq)]
enum CellLine {
    Text { indent: usize, text: String },
    Blank,
}

/// The laid-out `lines` as published notes, if they hold the notes' table.
fn table_notes(lines: &[String]) -> Option<String> {
    let header = lines.iter().position(|line| is_table_header(line))?;
    let columns = |line: &str| -> Vec<usize> { segments(line).iter().map(|(start, _)| *start).collect() };
    // Where each column starts, as its heading says: each page lays its
    // columns out afresh.
    let mut starts = columns(&lines[header]);
    let mut notes: Vec<String> = lines[..header]
        .iter()
        .map(|line| line.trim().to_owned())
        .collect();
    notes.push("Question\tBrief Summary of Evidence\tDecision of PCC".to_owned());
    let mut rows: Vec<Vec<Vec<CellLine>>> = Vec::new();
    let mut before_rows: Vec<String> = Vec::new();
    let mut end = lines.len();
    // Under a header row (the first, or one repeated on a new page), the
    // rest of a heading that ran onto a second line ("Decision of / PCC").
    let mut under_header = true;
    for (at, line) in lines.iter().enumerate().skip(header + 1) {
        if is_action_heading(line) {
            end = at;
            break;
        }
        if is_table_header(line) {
            let repeated = columns(line);
            if repeated.len() == starts.len() {
                starts = repeated;
            }
            // A new page: the row runs on, not a new paragraph.
            for cell in rows.last_mut().into_iter().flatten() {
                while cell.last() == Some(&CellLine::Blank) {
                    cell.pop();
                }
            }
            under_header = true;
            continue;
        }
        if under_header && (is_header_tail(line) || line.trim().is_empty()) {
            continue;
        }
        under_header = under_header && line.trim().is_empty();
        if line.trim().is_empty() {
            for cell in rows.last_mut().into_iter().flatten() {
                cell.push(CellLine::Blank);
            }
            continue;
        }
        let cells = in_columns(segments(line), &starts);
        let opens_row = cells[0]
            .first()
            .and_then(|(_, text)| question_number(text))
            .is_some_and(|number| number == rows.len() + 1);
        if opens_row {
            rows.push(vec![Vec::new(); starts.len()]);
        }
        let Some(row) = rows.last_mut() else {
            before_rows.push(line.trim().to_owned());
            continue;
        };
        extend_row(row, cells);
    }
    if rows.is_empty() {
        return None;
    }
    notes.extend(before_rows);
    for row in &rows {
        let mut cells = row.iter();
        let question = cells.next().map(|c| cell_html(c)).unwrap_or_default();
        let evidence = cells.next().map(|c| cell_html(c)).unwrap_or_default();
        let decision: Vec<String> = cells
            .flat_map(|cell| cell.iter())
            .filter_map(|line| match line {
                CellLine::Text { text, .. } => Some(text.clone()),
                CellLine::Blank => None,
            })
            .collect();
        notes.push(format!("{question}\t{evidence}\t{}", escape(&decision.join(" "))));
    }
    // The actions: a number, then the text, as the notes give them.
    for line in &lines[end..] {
        let parts: Vec<String> = segments(line).into_iter().map(|(_, text)| text).collect();
        notes.push(parts.join("\t"));
    }
    Some(notes.join("\n"))
}

/// A laid-out line's runs of text, each in the column it starts under (a
/// little left of a column's heading is still under it), with how far
/// right of the column's start it stands.
fn in_columns(parts: Vec<(usize, String)>, starts: &[usize]) -> Vec<Vec<(usize, String)>> {
    let mut cells: Vec<Vec<(usize, String)>> = vec![Vec::new(); starts.len()];
    for (start, text) in parts {
        let column = starts.iter().rposition(|s| *s <= start + SLACK).unwrap_or(0);
        cells[column].push((start - starts[column].min(start), text));
    }
    cells
}

/// Adds a line's runs, by column, to the row's cells: a cell's runs on one
/// line are one line of the cell.
fn extend_row(row: &mut [Vec<CellLine>], cells: Vec<Vec<(usize, String)>>) {
    for (cell, parts) in row.iter_mut().zip(cells) {
        if let Some((indent, _)) = parts.first() {
            let text = parts
                .iter()
                .map(|(_, text)| text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            cell.push(CellLine::Text {
                indent: *indent,
                text,
            });
        }
    }
}

/// The number a question's first line opens with ("3. How…" → 3).
fn question_number(text: &str) -> Option<usize> {
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    let rest = &text[digits.len()..];
    let numbered =
        (1..=3).contains(&digits.len()) && (rest.starts_with(". ") || rest == "." || rest.starts_with(") "));
    numbered.then(|| digits.parse().ok()).flatten()
}

/// The rest of a line that opens with a bullet: a bullet character, a
/// dash, Word's "o" and "§" of its second and third levels, or the
/// private-use bullets of the Symbol and Wingdings fonts.
fn bullet(text: &str) -> Option<&str> {
    let mut chars = text.chars();
    let first = chars.next()?;
    let rest = chars.as_str();
    let glyph = matches!(
        first,
        '•' | '◦' | '▪' | '‣' | '●' | '§' | '-' | '–' | '*' | 'o' | '\u{f0b7}' | '\u{f0a7}'
    );
    (glyph && rest.starts_with(char::is_whitespace)).then(|| rest.trim_start())
}

/// A cell's lines as HTML the notes reader reads: paragraphs, and lists
/// of bullets one level deep (a bullet further right than the cell's first
/// is a sub-point of the one before). A line starts a paragraph after a
/// blank line, or after a sentence that ended short of the cell's width:
/// the line's first word would have fitted after it.
fn cell_html(lines: &[CellLine]) -> String {
    let extent = |line: &CellLine| match line {
        CellLine::Text { indent, text } => indent + text.chars().count(),
        CellLine::Blank => 0,
    };
    let width = lines.iter().map(extent).max().unwrap_or(0);
    // (level: None for a paragraph, Some(depth) for a bullet; text)
    let mut items: Vec<(Option<usize>, String)> = Vec::new();
    let mut first_bullet: Option<usize> = None;
    let mut fresh = true;
    let mut last_extent = 0;
    for line in lines {
        let CellLine::Text { indent, text } = line else {
            fresh = true;
            continue;
        };
        let first_word = text
            .split_whitespace()
            .next()
            .map_or(0, |word| word.chars().count());
        let ended_short = items
            .last()
            .is_some_and(|(_, last)| last.ends_with(['.', '?', '!', ':']))
            && last_extent + 1 + first_word <= width;
        last_extent = extent(line);
        if let Some(rest) = bullet(text) {
            let base = *first_bullet.get_or_insert(*indent);
            let depth = usize::from(*indent > base + 1);
            items.push((Some(depth), rest.to_owned()));
        } else if fresh || ended_short || items.is_empty() {
            items.push((None, text.clone()));
        } else if let Some((_, last)) = items.last_mut() {
            join_wrapped(last, text);
        }
        fresh = false;
    }
    let mut html = String::new();
    let mut open = 0;
    for (level, text) in &items {
        let want = level.map_or(0, |depth| depth + 1);
        while open > want {
            html.push_str("</li></ul>");
            open -= 1;
        }
        if open == want && want > 0 {
            html.push_str("</li>");
        }
        while open < want {
            html.push_str("<ul>");
            open += 1;
        }
        match level {
            None => html.push_str(&format!("<p>{}</p>", escape(text))),
            Some(_) => html.push_str(&format!("<li>{}", escape(text))),
        }
    }
    while open > 0 {
        html.push_str("</li></ul>");
        open -= 1;
    }
    html
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_owned).collect()
    }

    #[test]
    fn a_line_at_the_top_or_foot_of_every_page_is_dropped_and_nothing_else() {
        let text = "Office of the PCC      Stalking\nNOTES\nBody one\nPage 1 of 2\n\u{c}\
                    Office of the PCC      Stalking\n Question    Evidence    Decision\nBody two\nPage 2 of 2\n\u{c}";
        assert_eq!(
            without_running_lines(text),
            [
                lines("NOTES\nBody one"),
                lines(" Question    Evidence    Decision\nBody two")
            ]
        );
        // One page: nothing repeats.
        assert_eq!(
            without_running_lines("Page 1 of 1\nBody\n\u{c}"),
            [lines("Page 1 of 1\nBody")]
        );
    }

    #[test]
    fn segments_are_parted_by_two_spaces_or_more() {
        assert_eq!(
            segments(" 1. In terms of   The Force  considers    Assured"),
            [
                (1, "1. In terms of".to_owned()),
                (18, "The Force".to_owned()),
                (29, "considers".to_owned()),
                (42, "Assured".to_owned())
            ]
        );
    }

    const LAID_OUT: &str = "\
NOTES - SCRUTINY MEETING (STALKING) - 3 DECEMBER 2024

 Question                   Brief Summary of Evidence            Decision of
                                                                 PCC
 1. In terms of Stalking    • In terms of SPOs per 1000          Assured
 Protection Orders, how     stalking crimes, rates improved.
 is the Force doing?        • The Force considers SPOs:
                               o for every offence; and
                               o with its legal team.

 Does it consider one?      • There is a need for SPOs, domestic-
                            related and not, and for a long


 Question               Brief Summary of Evidence           Decision of PCC

                        time.
                        • Guidance is on the intranet.
 2. How can the PCC be  • The Force has governance &        Partly
 assured?               <oversight>.                        assured

Action
 1       That the topic be re-visited
         in a year's time.
";

    #[test]
    fn the_table_is_put_back_together_cell_by_cell_across_pages() {
        let notes = table_notes(&lines(LAID_OUT)).expect("a table");
        let rows: Vec<&str> = notes.lines().collect();
        assert_eq!(rows[0], "NOTES - SCRUTINY MEETING (STALKING) - 3 DECEMBER 2024");
        assert_eq!(rows[2], "Question\tBrief Summary of Evidence\tDecision of PCC");
        assert_eq!(
            rows[3],
            "<p>1. In terms of Stalking Protection Orders, how is the Force doing?</p><p>Does it consider one?</p>\t\
             <ul><li>In terms of SPOs per 1000 stalking crimes, rates improved.</li>\
             <li>The Force considers SPOs:<ul><li>for every offence; and</li><li>with its legal team.</li></ul></li>\
             <li>There is a need for SPOs, domestic-related and not, and for a long time.</li>\
             <li>Guidance is on the intranet.</li></ul>\tAssured"
        );
        assert_eq!(
            rows[4],
            "<p>2. How can the PCC be assured?</p>\t<ul><li>The Force has governance &amp; &lt;oversight&gt;.</li></ul>\tPartly assured"
        );
        assert_eq!(
            rows[5..],
            ["Action", "1\tThat the topic be re-visited", "in a year's time."]
        );
    }

    #[test]
    fn laid_out_notes_read_as_published_notes() {
        let record =
            crate::import::read_notes(&table_notes(&lines(LAID_OUT)).expect("a table")).expect("reads");
        assert_eq!(record.shape, crate::import::Shape::PublishedNotes);
        assert_eq!(record.questions.len(), 2);
        assert_eq!(record.questions[0].evidence.items.len(), 4);
        assert_eq!(record.questions[0].evidence.items[1].children.len(), 2);
        assert_eq!(
            record.questions[1].decision,
            Some(crate::domain::decision::Decision::PartlyAssured)
        );
        assert_eq!(record.actions.len(), 1);
        assert_eq!(
            record.actions[0].text,
            "That the topic be re-visited in a year's time."
        );
        assert!(record.unplaced.is_empty(), "{:?}", record.unplaced);
    }

    #[test]
    fn text_without_the_table_is_not_read_as_a_table() {
        assert_eq!(table_notes(&lines("Minutes\n\n1. Apologies\n")), None);
        // The header, but no numbered question under it.
        assert_eq!(
            table_notes(&lines(" Question    Evidence    Decision\n text\n")),
            None
        );
    }

    #[test]
    fn a_number_opens_a_question_only_as_a_list_number() {
        assert_eq!(question_number("3. How"), Some(3));
        assert_eq!(question_number("12) Why"), Some(12));
        assert_eq!(question_number("1000 stalking"), None);
        assert_eq!(question_number("2024. The"), None);
        assert_eq!(question_number("Why"), None);
    }
}
