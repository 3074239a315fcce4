//! The blocks written as the text of published notes, or as plain text
//! when the document has no table.

use super::*;

/// Writes the blocks as the text of published notes.
pub(super) fn write_notes(blocks: Vec<Block>) -> Result<String, DocxError> {
    let is_table = |block: &Block| matches!(block, Block::Table(_));
    let is_notes =
        |block: &Block| matches!(block, Block::Table(rows) if rows.iter().any(|r| reads_as_header(r)));
    let Some(at) = blocks
        .iter()
        .position(is_notes)
        .or_else(|| blocks.iter().position(is_table))
    else {
        return Ok(write_text(blocks));
    };
    let mut blocks = blocks.into_iter();
    let mut opening: Vec<Paragraph> = blocks.by_ref().take(at).flat_map(Block::paragraphs).collect();
    let Some(Block::Table(rows)) = blocks.next() else {
        return Err(DocxError::NoTable);
    };
    let header = rows.iter().position(|row| reads_as_header(row)).unwrap_or(0);
    let mut rows = rows.into_iter();
    opening.extend(rows.by_ref().take(header).flat_map(row_paragraphs));

    let mut notes = Notes::default();
    notes.opening(&opening);
    let header = rows.next().unwrap_or_default();
    notes.width = width(&header);
    notes.header = cell_texts(&header).join("\t");
    notes.lines.push(notes.header.clone());
    for row in rows {
        notes.row(&row);
    }
    for block in blocks {
        match block {
            Block::Paragraph(paragraph) => notes.paragraph(&paragraph),
            Block::Table(rows) => notes.later_table(&rows),
        }
    }
    let mut text = notes.lines.join("\n");
    text.push('\n');
    Ok(text)
}

/// A document with no table, as plain text for the importer to keep: a
/// paragraph a line, a blank line between paragraphs, and each list's
/// entries together, indented by level, with their bullet or number.
pub(super) fn write_text(blocks: Vec<Block>) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut in_list = false;
    for paragraph in blocks.into_iter().flat_map(Block::paragraphs) {
        let text = one_line(&paragraph.text, false);
        if text.is_empty() {
            continue;
        }
        match &paragraph.list {
            Some(entry) => {
                if !in_list && !lines.is_empty() {
                    lines.push(String::new());
                }
                let marker = entry.label.as_deref().unwrap_or("•");
                lines.push(format!("{}{marker} {text}", "    ".repeat(entry.level)));
            }
            None => {
                if !lines.is_empty() {
                    lines.push(String::new());
                }
                lines.push(text);
            }
        }
        in_list = paragraph.list.is_some();
    }
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

#[derive(Default)]
pub(super) struct Notes {
    lines: Vec<String>,
    header: String,
    /// Grid columns of the notes table.
    width: usize,
    in_actions: bool,
    /// The number of the last action.
    action: u32,
    /// The list level of the last action given by a list paragraph.
    action_level: Option<usize>,
}

impl Notes {
    pub(super) fn opening(&mut self, paragraphs: &[Paragraph]) {
        let texts: Vec<String> = paragraphs
            .iter()
            .map(|paragraph| one_line(&paragraph.text, false))
            .filter(|text| !text.is_empty())
            .collect();
        let Some(title) = texts.iter().position(|text| is_title(text)) else {
            self.lines.extend(texts.iter().map(|text| escape(text)));
            return;
        };
        self.lines.extend(texts[..title].iter().map(|text| escape(text)));
        // A title set over two or three paragraphs ("…(STALKING)" then
        // "3 DECEMBER 2024") is one title line.
        let mut line = texts[title].clone();
        let mut next = title + 1;
        while next < texts.len() && next <= title + 2 && !line.ends_with(|c: char| c.is_ascii_digit()) {
            line.push(' ');
            line.push_str(&texts[next]);
            next += 1;
        }
        self.lines.push(line);
        self.lines.extend(texts[next..].iter().map(|text| escape(text)));
    }

    pub(super) fn row(&mut self, row: &[Cell]) {
        if row.len() == 1 {
            // A row of one cell (a heading across the table) is no question.
            let text = cell_texts(row).join(" ");
            self.lines
                .extend(Some(escape(&text)).filter(|text| !text.is_empty()));
            return;
        }
        let mut cells = Vec::new();
        for cell in row {
            cells.push(cell_html(&cell.paragraphs));
            cells.extend((1..cell.span).map(|_| String::new()));
        }
        if cells.iter().any(|cell| !cell.is_empty()) {
            self.lines.push(cells.join("\t"));
        }
    }

    pub(super) fn paragraph(&mut self, paragraph: &Paragraph) {
        let text = one_line(&paragraph.text, self.in_actions);
        if text.is_empty() {
            return;
        }
        if is_action_heading(&text) {
            self.in_actions = true;
            self.lines.push(text);
            return;
        }
        let listed = paragraph.list.as_ref().map(|entry| entry.level);
        match listed {
            Some(level) if self.in_actions && self.action_level.is_none_or(|last| level <= last) => {
                self.action_level = Some(level);
                self.action += 1;
                let line = format!("{}\t{}", self.action, escape(&one_line(&text, false)));
                self.lines.push(line);
            }
            _ => {
                if self.in_actions {
                    self.action = typed_number(&text).unwrap_or(self.action);
                }
                self.lines.push(escape(&text));
            }
        }
    }

    pub(super) fn later_table(&mut self, rows: &[Row]) {
        let heading = |row: &Row| cell_texts(row).iter().any(|text| is_action_heading(text));
        let continues = !self.in_actions
            && self.width >= 3
            && rows.iter().map(|row| width(row)).max() == Some(self.width)
            && !rows.first().is_some_and(heading);
        for row in rows {
            if continues {
                // A table split in two may repeat its header row.
                if !(reads_as_header(row) && cell_texts(row).join("\t") == self.header) {
                    self.row(row);
                }
            } else {
                self.action_row(row);
            }
        }
    }

    pub(super) fn action_row(&mut self, row: &[Cell]) {
        let texts = cell_texts(row);
        let filled: Vec<&String> = texts.iter().filter(|text| !text.is_empty()).collect();
        if filled.is_empty() {
            return;
        }
        let typed = texts.first().and_then(|first| bare_number(first));
        let listed = row
            .first()
            .and_then(|cell| cell.paragraphs.first())
            .is_some_and(|paragraph| paragraph.list.is_some());
        let number = typed.or(listed.then_some(self.action + 1));
        let Some(number) = number else {
            match filled.iter().position(|text| is_action_heading(text)) {
                Some(at) => {
                    let others: Vec<&str> = filled
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| *i != at)
                        .map(|(_, text)| text.as_str())
                        .collect();
                    self.lines
                        .extend(Some(escape(&others.join(" "))).filter(|line| !line.is_empty()));
                    self.lines.push(filled[at].clone());
                    self.in_actions = true;
                }
                None => {
                    // Before the actions, a line without tabs is kept as
                    // text rather than read as a question's cells.
                    let separator = if self.in_actions { "\t" } else { " " };
                    let cells: Vec<&str> = filled.iter().map(|text| text.as_str()).collect();
                    self.lines.push(escape(&cells.join(separator)));
                }
            }
            return;
        };
        if !self.in_actions {
            // Numbered rows after the notes are the action list, as published.
            self.lines.push("Action".to_string());
            self.in_actions = true;
        }
        self.action = number;
        // A typed number is kept as typed ("2."), which parse_notes reads.
        let (number, rest) = match typed {
            Some(_) => (texts[0].clone(), &texts[1..]),
            None => (number.to_string(), &texts[..]),
        };
        let rest: Vec<&str> = rest
            .iter()
            .filter(|text| !text.is_empty())
            .map(String::as_str)
            .collect();
        self.lines.push(format!("{number}\t{}", escape(&rest.join("\t"))));
    }
}

/// The grid columns a row spans.
pub(super) fn width(row: &[Cell]) -> usize {
    row.iter().map(|cell| cell.span).sum()
}

/// Each cell's text on one line.
pub(super) fn cell_texts(row: &[Cell]) -> Vec<String> {
    let text = |cell: &Cell| {
        let texts = cell
            .paragraphs
            .iter()
            .map(|paragraph| one_line(&paragraph.text, false));
        texts
            .filter(|text| !text.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    row.iter().map(text).collect()
}

/// A cell as the HTML fragment the published notes hold.
pub(super) fn cell_html(paragraphs: &[Paragraph]) -> String {
    let mut html = String::new();
    // The Word levels of the lists open, outermost first.
    let mut open: Vec<usize> = Vec::new();
    for paragraph in paragraphs {
        let text = escape(&one_line(&paragraph.text, false));
        if text.is_empty() {
            continue;
        }
        let label = paragraph.list.as_ref().and_then(|entry| entry.label.as_deref());
        match &paragraph.list {
            Some(entry) if label.is_none() || entry.level > 0 => {
                while open.len() > 1 && open.last().is_some_and(|last| *last > entry.level) {
                    open.pop();
                    html.push_str(" </ul>");
                }
                match open.last() {
                    None => html.push_str("<ul style=\"list-style-type: none\">"),
                    Some(last) if *last < entry.level => html.push_str(" <ul>"),
                    Some(_) => {}
                }
                if open.last().is_none_or(|last| *last < entry.level) {
                    open.push(entry.level);
                }
                html.push_str(" • ");
            }
            _ => {
                close_lists(&mut html, &mut open);
                html.push_str("<p>");
            }
        }
        if let Some(label) = label {
            html.push_str(&escape(label));
            html.push(' ');
        }
        html.push_str(&text);
        if open.is_empty() {
            html.push_str("</p>");
        }
    }
    close_lists(&mut html, &mut open);
    html
}

pub(super) fn close_lists(html: &mut String, open: &mut Vec<usize>) {
    for _ in open.drain(..) {
        html.push_str(" </ul>");
    }
}

/// The text on one line: line breaks and other control characters become
/// spaces, and so do tabs unless `tabs`.
pub(super) fn one_line(text: &str, tabs: bool) -> String {
    let line: String = text
        .chars()
        .map(|c| {
            if c.is_control() && !(tabs && c == '\t') {
                ' '
            } else {
                c
            }
        })
        .collect();
    line.trim().to_string()
}

/// Text as HTML: `parse_notes` reads cells, actions and stray lines as HTML.
pub(super) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

// The title, the header row and the Action heading are recognised by the
// same rules as `parse_notes` uses, so that the text written is read back
// as meant.

pub(super) fn reads_as_header(row: &[Cell]) -> bool {
    is_header_row(cell_texts(row).iter().map(String::as_str))
}

/// "12" → 12, as a table's number column holds it ("12." and "12)" too).
pub(super) fn bare_number(text: &str) -> Option<u32> {
    let digits = text.trim().trim_end_matches(['.', ')']);
    let is_number = (1..=3).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit());
    digits.parse().ok().filter(|number| is_number && *number > 0)
}

/// The number of a typed "12\tThat…", "12. That…" or "12) That…".
pub(super) fn typed_number(text: &str) -> Option<u32> {
    let digits = text.len() - text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let numbered = text[digits..].starts_with(['\t', '.', ')']);
    bare_number(&text[..digits]).filter(|_| numbered)
}
