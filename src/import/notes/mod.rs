//! Reads scrutiny-meeting notes in the format offices publish them in today
//! (the demo record's source, `tests/fixtures/`): a title line, a Question / Brief Summary of Evidence
//! / Decision of PCC table whose cells hold HTML fragments and whose rows are
//! split across pages, then a numbered Action list. The result is a draft for
//! a person to check: text the importer cannot place is kept in `unplaced`,
//! never dropped.
//!
//! The rules, for the person who meets a record they do not fit:
//! - A row whose question cell is empty continues the question before it;
//!   a question cell starts a new question when it begins "N." or "N)".
//! - Each `•` (or `<li>`) starts an evidence bullet; a `<ul>` inside an entry
//!   holds its children. A cell's `<p>` text outside lists is a plain item.
//! - A page break cuts cells: a continuation row that opens with plain text
//!   (a `<p>`), or with an unbulleted entry in lower case, goes on with the
//!   last, deepest item; everything after it is added after that item.
//! - Lists whose bullets the extraction lost, and sub-lists whose `</ul>` it
//!   lost, are split by the cautious rules written at `read_list`.
//! - Lines that are neither rows, rules (`---`, `|--|`), the Action heading
//!   nor numbered actions go to `unplaced` as text.

use crate::domain::decision::Decision;
use crate::domain::outline::{Item, MAX_DEPTH, Marker, Outline};
use chrono::NaiveDate;
use serde::Serialize;

/// A meeting record read from published notes, to become a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportedRecord {
    /// The topic as a person writes it, e.g. "Stalking".
    pub topic: String,
    /// The day the meeting was held.
    pub held_on: NaiveDate,
    /// The kind of meeting, e.g. "Scrutiny meeting".
    pub kind: String,
    /// The questions, in the order of the table.
    pub questions: Vec<ImportedQuestion>,
    /// The actions, in the order listed.
    pub actions: Vec<ImportedAction>,
    /// Source text the importer could not place, in source order, to be
    /// shown flagged in the draft.
    pub unplaced: Vec<String>,
    /// The SHA-256 of the text read, in hexadecimal: the same notes
    /// imported again are known by it.
    pub source_sha256: String,
    /// What the text was read as.
    pub shape: super::Shape,
    /// When and where the meeting was held, and who was there.
    pub details: ImportedDetails,
    /// The lines read as the notes' layout, whose words are not stored as
    /// text: the title line (read as the topic, kind and date), the table's
    /// header row and the heading of the actions.
    pub layout: Vec<String>,
}

/// One row of the notes' table, with the rows that continue it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportedQuestion {
    /// The number the notes gave the question.
    pub number: u32,
    /// The question, without its number.
    pub text: Outline,
    /// The brief summary of evidence.
    pub evidence: Outline,
    /// The PCC's decision, when the notes record one.
    pub decision: Option<Decision>,
    /// The reason the notes give for the decision, if any.
    pub rationale: String,
}

/// One numbered action.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportedAction {
    /// The number the notes gave the action.
    pub number: u32,
    /// What is to be done, as one line of text.
    pub text: String,
    /// Who is to do it, where the notes say.
    pub owner: String,
    /// When by, where the notes say.
    pub due_on: Option<NaiveDate>,
}

/// The meeting's details, where the notes give them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportedDetails {
    pub starts_at: Option<chrono::NaiveTime>,
    pub place: String,
    pub attendees: Vec<crate::domain::record::Person>,
    pub apologies: Vec<crate::domain::record::Person>,
}

/// Why a text cannot be imported as notes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// The text is empty or blank.
    #[error("the file is empty")]
    Empty,
    /// No line before the table reads like "NOTES - … (TOPIC) - date".
    #[error(
        "no title line was found: the notes should begin with a line such as \
         \"NOTES - SCRUTINY MEETING (STALKING) - 3 DECEMBER 2024\""
    )]
    MissingTitle,
    /// The title line names no topic in brackets.
    #[error(
        "the title line \"{title}\" does not give the topic in brackets, as in \
         \"NOTES - SCRUTINY MEETING (STALKING) - 3 DECEMBER 2024\""
    )]
    TitleWithoutTopic { title: String },
    /// The title line does not end with a readable date.
    #[error("the title line \"{title}\" does not end with a date such as \"3 DECEMBER 2024\"")]
    TitleWithoutDate { title: String },
    /// There is no Question / Evidence / Decision header row.
    #[error(
        "this is not in the format of published notes: no table headed \"Question\", \
         \"Brief Summary of Evidence\" and \"Decision of PCC\" was found"
    )]
    MissingTable,
    /// The table holds no question.
    #[error("the table of the notes holds no question")]
    NoQuestions,
}

/// Reads notes in the published format. Never panics; fails only when the
/// text is not recognisably such notes.
pub fn parse_notes(text: &str) -> Result<ImportedRecord, ImportError> {
    let text = text.trim_start_matches('\u{feff}');
    if text.trim().is_empty() {
        return Err(ImportError::Empty);
    }
    let lines: Vec<&str> = text.lines().collect();
    let header = lines.iter().position(|line| is_table_header(line));
    let before_table = &lines[..header.unwrap_or(lines.len())];
    let title = before_table
        .iter()
        .position(|line| is_title(line))
        .ok_or(ImportError::MissingTitle)?;
    let header = header.ok_or(ImportError::MissingTable)?;
    let (topic, kind, held_on) = read_title(lines[title].trim())?;

    let mut reading = Reading::default();
    for (index, line) in before_table.iter().enumerate() {
        if index != title {
            reading.stray(line);
        }
    }
    let mut layout = vec![lines[title].to_owned(), lines[header].to_owned()];
    let mut in_actions = false;
    for line in &lines[header + 1..] {
        if carries_no_text(line) {
            continue;
        }
        if is_action_heading(line) {
            layout.push((*line).to_owned());
            in_actions = true;
        } else if in_actions {
            reading.action_line(line);
        } else {
            reading.table_line(line);
        }
    }
    if reading.questions.is_empty() {
        return Err(ImportError::NoQuestions);
    }
    let mut record = reading.into_record(topic, kind, held_on);
    record.source_sha256 = super::sha256_hex(text);
    record.layout = layout;
    Ok(record)
}

/// What has been read of the notes so far, line by line.
#[derive(Default)]
struct Reading {
    questions: Vec<ReadQuestion>,
    actions: Vec<ImportedAction>,
    unplaced: Vec<String>,
}

struct ReadQuestion {
    number: u32,
    text: Vec<Item>,
    evidence: Vec<Item>,
    decision: Option<Decision>,
}

impl Reading {
    fn stray(&mut self, fragment: &str) {
        self.keep(fragment_text(fragment));
    }

    fn keep(&mut self, text: String) {
        if !text.is_empty() {
            self.unplaced.push(text);
        }
    }

    fn table_line(&mut self, line: &str) {
        let Some(cells) = table_cells(line) else {
            return self.stray(line);
        };
        let mut cells = cells.into_iter();
        let question = cells.next().unwrap_or_default();
        let evidence = cells.next().unwrap_or_default();
        let decision = fragment_text(cells.next().unwrap_or_default());

        let mut text = read_fragment(question);
        let number = take_number(&mut text);
        match (number, self.questions.last_mut()) {
            (None, _) if text.is_empty() => {}
            (None, Some(current)) => merge(&mut current.text, text),
            (number, _) => self.questions.push(ReadQuestion {
                number: number.unwrap_or(self.questions.len() as u32 + 1),
                text: to_items(text),
                evidence: Vec::new(),
                decision: None,
            }),
        }
        match self.questions.last_mut() {
            Some(current) => {
                merge(&mut current.evidence, read_fragment(evidence));
                match Decision::from_label(&decision) {
                    Some(found) if current.decision.is_none() => current.decision = Some(found),
                    _ => self.unplaced.extend(Some(decision).filter(|d| !d.is_empty())),
                }
            }
            // Evidence before any question has nowhere to go.
            None => {
                self.stray(evidence);
                self.keep(decision);
            }
        }
        for extra in cells {
            self.stray(extra);
        }
    }

    fn action_line(&mut self, line: &str) {
        let (number, rest) = leading_number(line.trim_start(), true).unwrap_or((0, line));
        let mut cells = rest.split('\t').filter(|cell| !fragment_text(cell).is_empty());
        let text = fragment_text(cells.next().unwrap_or_default());
        match self.actions.last_mut() {
            _ if number > 0 => self.actions.push(ImportedAction {
                number,
                text,
                ..ImportedAction::default()
            }),
            // A wrapped action line continues the action before it.
            Some(last) if last.text.is_empty() || starts_lowercase(&text) => join(&mut last.text, &text),
            _ => self.keep(text),
        }
        for extra in cells {
            self.stray(extra);
        }
    }

    fn into_record(self, topic: String, kind: String, held_on: NaiveDate) -> ImportedRecord {
        let questions = self.questions.into_iter().map(|question| ImportedQuestion {
            number: question.number,
            text: Outline {
                items: limit_depth(question.text, 1),
            },
            evidence: Outline {
                items: limit_depth(question.evidence, 1),
            },
            decision: question.decision,
            rationale: String::new(),
        });
        ImportedRecord {
            topic,
            held_on,
            kind,
            questions: questions.collect(),
            actions: self.actions,
            unplaced: self.unplaced,
            source_sha256: String::new(),
            shape: super::Shape::PublishedNotes,
            details: ImportedDetails::default(),
            layout: Vec::new(),
        }
    }
}

/// The cells of a table row: tab-separated, or a `| a | b | c |` row left by
/// the PDF extraction.
fn table_cells(line: &str) -> Option<Vec<&str>> {
    if line.contains('\t') {
        return Some(line.split('\t').collect());
    }
    let inner = line.trim().strip_prefix('|')?.strip_suffix('|')?;
    let cells: Vec<&str> = inner.split('|').collect();
    // With any other count a `|` may belong to the text: not safe to place.
    (cells.len() == 3).then_some(cells)
}

fn is_table_header(line: &str) -> bool {
    is_header_row(line.split(['\t', '|']))
}

/// Whether these cells head the Question / Evidence / Decision table. The
/// Word reader asks the same of a table's first row, so that what it writes
/// is read back as meant.
pub(crate) fn is_header_row<'a>(cells: impl IntoIterator<Item = &'a str>) -> bool {
    let cells: Vec<String> = cells
        .into_iter()
        .map(|cell| cell.trim().to_lowercase())
        .filter(|cell| !cell.is_empty())
        .collect();
    cells.first().is_some_and(|first| first.starts_with("question"))
        && cells.iter().any(|cell| cell.contains("evidence"))
        && cells.iter().any(|cell| cell.contains("decision"))
}

/// Whether a line is the notes' title line ("NOTES - …").
pub(crate) fn is_title(line: &str) -> bool {
    let line = line.trim();
    line.get(..5)
        .is_some_and(|word| word.eq_ignore_ascii_case("notes"))
        && !line[5..].starts_with(char::is_alphanumeric)
}

/// Whether a line is the heading of the action list.
pub(crate) fn is_action_heading(line: &str) -> bool {
    let heading = line.trim().trim_end_matches(':');
    ["action", "actions", "action(s)"]
        .iter()
        .any(|word| heading.eq_ignore_ascii_case(word))
}

/// Blank lines, and the `---\t--` or `|--|---|--|` rules the extraction leaves.
fn carries_no_text(line: &str) -> bool {
    line.chars()
        .all(|c| c.is_whitespace() || matches!(c, '-' | '|' | ':' | '+' | '=' | '_'))
}

pub(crate) fn read_title(title: &str) -> Result<(String, String, NaiveDate), ImportError> {
    let shown: String = title.chars().take(120).collect();
    let rest = title.get(5..).unwrap_or_default();
    let topic_range = rest.find('(').and_then(|open| {
        let close = rest.rfind(')').filter(|close| *close > open)?;
        Some((open, close))
    });
    let Some((open, close)) = topic_range.filter(|(open, close)| close > &(open + 1)) else {
        return Err(ImportError::TitleWithoutTopic { title: shown });
    };
    let topic = collapse(&rest[open + 1..close]);
    if topic.is_empty() {
        return Err(ImportError::TitleWithoutTopic { title: shown });
    }
    let held_on = read_date(trim_separators(&rest[close + 1..]))
        .ok_or(ImportError::TitleWithoutDate { title: shown })?;
    let kind = collapse(trim_separators(&rest[..open]));
    // The published titles all name the kind; a bare "NOTES (TOPIC)" is
    // taken to be the usual monthly meeting, for the person to correct.
    let kind = if kind.is_empty() {
        "Scrutiny meeting".to_string()
    } else {
        sentence_case(&kind)
    };
    Ok((title_case(&topic), kind, held_on))
}

fn trim_separators(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_whitespace() || matches!(c, '-' | '–' | '—' | ':'))
}

pub(crate) fn read_date(text: &str) -> Option<NaiveDate> {
    const WEEKDAYS: &str = "monday tuesday wednesday thursday friday saturday sunday";
    let mut words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|word| !word.is_empty())
        .collect();
    if words
        .first()
        .is_some_and(|word| WEEKDAYS.split(' ').any(|day| day == word.to_lowercase()))
    {
        words.remove(0);
    }
    let words: Vec<&str> = words.into_iter().map(strip_ordinal).collect();
    let date = words.join(" ");
    ["%d %B %Y", "%d %b %Y", "%d/%m/%Y", "%Y-%m-%d"]
        .iter()
        .find_map(|format| NaiveDate::parse_from_str(&date, format).ok())
}

/// "3rd" → "3".
fn strip_ordinal(word: &str) -> &str {
    let digits = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = word[digits.len()..].to_ascii_lowercase();
    let is_day = !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit());
    if is_day && ["st", "nd", "rd", "th"].contains(&suffix.as_str()) {
        digits
    } else {
        word
    }
}

// The titles are in capitals, which lose the case of acronyms; these are the
// ones that name topics and kinds in the published notes.
const ACRONYMS: [&str; 7] = ["PCC", "OPCC", "VAWG", "ASB", "DA", "CSE", "SPO"];

/// "VIOLENCE AGAINST WOMEN AND GIRLS" → "Violence Against Women and Girls";
/// text already in mixed case is kept as written.
pub(super) fn title_case(text: &str) -> String {
    const MINOR: [&str; 14] = [
        "a", "an", "and", "as", "at", "but", "by", "for", "in", "of", "on", "or", "the", "to",
    ];
    if text.chars().any(char::is_lowercase) {
        return text.to_string();
    }
    let words = text.split(' ').enumerate().map(|(index, word)| {
        let lower = word.to_lowercase();
        if index > 0 && MINOR.contains(&lower.as_str()) {
            lower
        } else {
            word.split('-').map(capitalise).collect::<Vec<_>>().join("-")
        }
    });
    words.collect::<Vec<_>>().join(" ")
}

/// "SCRUTINY MEETING" → "Scrutiny meeting"; mixed case is kept as written.
pub(super) fn sentence_case(text: &str) -> String {
    if text.chars().any(char::is_lowercase) {
        return text.to_string();
    }
    let words = text.split(' ').enumerate().map(|(index, word)| {
        if ACRONYMS.contains(&word) {
            word.to_string()
        } else if index == 0 {
            capitalise(word)
        } else {
            word.to_lowercase()
        }
    });
    words.collect::<Vec<_>>().join(" ")
}

fn capitalise(word: &str) -> String {
    if ACRONYMS.contains(&word) {
        return word.to_string();
    }
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first
            .to_uppercase()
            .chain(chars.flat_map(char::to_lowercase))
            .collect(),
        None => String::new(),
    }
}

/// "12. text" or "12) text" → (12, "text"); with `tab`, also "12\ttext".
/// A bare "12 text" is not a number: it may be "12 months of data…".
fn leading_number(text: &str, tab: bool) -> Option<(u32, &str)> {
    let digits = text.len() - text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 || digits > 3 {
        return None;
    }
    let rest = &text[digits..];
    let rest = match rest.strip_prefix(['.', ')']) {
        Some(rest) if rest.is_empty() || rest.starts_with(char::is_whitespace) => rest,
        _ if tab && rest.starts_with('\t') => rest,
        _ => return None,
    };
    let number = text[..digits].parse().ok().filter(|number| *number > 0)?;
    Some((number, rest.trim_start()))
}

fn take_number(pieces: &mut [Piece]) -> Option<u32> {
    let paragraph = pieces.first_mut()?.paragraphs.first_mut()?;
    let (number, rest) = leading_number(paragraph, false)?;
    *paragraph = rest.to_string();
    Some(number)
}

/// Adds a row's fragment to what the question already holds. The first piece
/// continues the last item (at its deepest level) when the page break cut it:
/// a fragment that opens with a paragraph rather than a list, or with a list
/// entry that has no bullet and starts in lower case.
fn merge(outline: &mut Vec<Item>, pieces: Vec<Piece>) {
    let mut pieces = pieces.into_iter().peekable();
    if let Some(last) = outline.last_mut()
        && let Some(first) = pieces.next_if(Piece::continues)
    {
        continue_item(deepest(last), first);
    }
    outline.extend(to_items(pieces.collect()));
}

fn deepest(item: &mut Item) -> &mut Item {
    match item.children.len() {
        0 => item,
        len => deepest(&mut item.children[len - 1]),
    }
}

fn continue_item(target: &mut Item, piece: Piece) {
    let mut paragraphs = piece.paragraphs.into_iter().filter(|p| !p.is_empty());
    if let Some(first) = paragraphs.next() {
        match target.paragraphs.last_mut() {
            // Mid-sentence: the same paragraph goes on.
            Some(last) if starts_lowercase(&first) || !last.ends_with(['.', '?', '!', ':']) => {
                join(last, &first)
            }
            _ => target.paragraphs.push(first),
        }
    }
    target.paragraphs.extend(paragraphs);
    target.children.extend(to_items(piece.children));
}

fn to_items(pieces: Vec<Piece>) -> Vec<Item> {
    let mut items = Vec::new();
    for piece in pieces {
        let children = to_items(piece.children);
        let paragraphs: Vec<String> = piece.paragraphs.into_iter().filter(|p| !p.is_empty()).collect();
        if paragraphs.is_empty() {
            items.extend(children);
        } else {
            let marker = if piece.plain {
                Marker::Plain
            } else {
                Marker::Bullet
            };
            items.push(Item {
                marker,
                paragraphs,
                children,
            });
        }
    }
    items
}

/// Lifts items nested deeper than the outline allows up to its deepest level.
fn limit_depth(items: Vec<Item>, depth: usize) -> Vec<Item> {
    let mut limited = Vec::new();
    for mut item in items {
        let children = std::mem::take(&mut item.children);
        if depth >= MAX_DEPTH {
            limited.push(item);
            limited.extend(limit_depth(children, depth));
        } else {
            item.children = limit_depth(children, depth + 1);
            limited.push(item);
        }
    }
    limited
}

fn join(paragraph: &mut String, more: &str) {
    if !paragraph.is_empty() && !more.is_empty() {
        paragraph.push(' ');
    }
    paragraph.push_str(more);
}

fn starts_lowercase(text: &str) -> bool {
    text.starts_with(char::is_lowercase)
}

/// Whitespace (and control characters, which the outline refuses) collapsed.
pub(crate) fn collapse(text: &str) -> String {
    let words = text.split(|c: char| c.is_whitespace() || c.is_control());
    words
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A cell's fragment (HTML, or text with bullets) as an outline, as the
/// evidence of a question is read.
pub(crate) fn fragment_outline(html: &str) -> Outline {
    Outline {
        items: limit_depth(to_items(read_fragment(html)), 1),
    }
}

/// The visible words of a fragment, on one line, bullets removed.
pub(crate) fn fragment_text(html: &str) -> String {
    fn gather(pieces: &[Piece], words: &mut Vec<String>) {
        for piece in pieces {
            words.extend(piece.paragraphs.iter().filter(|p| !p.is_empty()).cloned());
            gather(&piece.children, words);
        }
    }
    let mut words = Vec::new();
    gather(&read_fragment(html), &mut words);
    words.join(" ")
}

/// A cell's fragment as a list of pieces, each to become an outline item.
fn read_fragment(html: &str) -> Vec<Piece> {
    let mut builder = Builder::new(true);
    builder.walk(&html::parse(html));
    normalise(builder.pieces)
}

/// An outline item being built from HTML.
struct Piece {
    /// Text outside any list: a plain paragraph.
    plain: bool,
    /// Introduced by a bullet character or an `<li>`.
    marked: bool,
    paragraphs: Vec<String>,
    children: Vec<Piece>,
}

impl Piece {
    fn continues(&self) -> bool {
        self.plain || (!self.marked && self.paragraphs.first().is_some_and(|p| starts_lowercase(p)))
    }

    fn sentences(&self) -> usize {
        let text = self.paragraphs.join(" ");
        let words: Vec<&str> = text.split(' ').collect();
        let ends = words
            .windows(2)
            .filter(|pair| pair[0].ends_with(['.', '?', '!']) && pair[1].starts_with(char::is_uppercase));
        ends.count() + self.paragraphs.len()
    }
}

/// Collapses whitespace and drops what holds no text, at every level.
fn normalise(pieces: Vec<Piece>) -> Vec<Piece> {
    let pieces = pieces.into_iter().map(|piece| Piece {
        paragraphs: piece
            .paragraphs
            .iter()
            .map(|p| collapse(p))
            .filter(|p| !p.is_empty())
            .collect(),
        children: normalise(piece.children),
        ..piece
    });
    pieces
        .filter(|p| !p.paragraphs.is_empty() || !p.children.is_empty())
        .collect()
}

fn is_bullet(c: char) -> bool {
    matches!(c, '•' | '◦' | '▪' | '‣' | '●')
}

/// Turns the HTML tree of one cell into pieces. At the top of a cell, text is
/// plain paragraphs; inside a list, text belongs to the entry being read.
struct Builder {
    top: bool,
    pieces: Vec<Piece>,
    /// Whether text goes on into the last piece.
    open: bool,
}

impl Builder {
    fn new(top: bool) -> Builder {
        Builder {
            top,
            pieces: Vec::new(),
            open: false,
        }
    }

    fn walk(&mut self, nodes: &[html::Node]) {
        for node in nodes {
            match node {
                html::Node::Text(text) => self.text(text),
                html::Node::Element(element) => self.element(element),
            }
        }
    }

    fn element(&mut self, element: &html::Element) {
        match element.name.as_str() {
            "ul" | "ol" => {
                let (items, escaped) = read_list(element);
                self.list(items, escaped);
            }
            "li" => {
                self.start(true);
                self.walk(&element.children);
                self.open = false;
            }
            "br" => self.paragraph_break(),
            "a" => {
                self.walk(&element.children);
                // The address is part of the record too; the outline keeps
                // links as text.
                if let Some(href) = element.shown_href() {
                    self.text(&format!(" ({href})"));
                }
            }
            name if html::is_block(name) => {
                self.paragraph_break();
                self.walk(&element.children);
                self.paragraph_break();
            }
            _ => self.walk(&element.children),
        }
    }

    fn text(&mut self, text: &str) {
        for (index, part) in text.split(is_bullet).enumerate() {
            if index > 0 {
                self.start(true);
            }
            if !part.trim().is_empty() && !self.open {
                self.start(false);
            }
            if self.open
                && let Some(paragraph) = self.pieces.last_mut().and_then(|p| p.paragraphs.last_mut())
            {
                paragraph.push_str(part);
            }
        }
    }

    fn start(&mut self, marked: bool) {
        let plain = self.top && !marked;
        self.pieces.push(Piece {
            plain,
            marked,
            paragraphs: vec![String::new()],
            children: Vec::new(),
        });
        self.open = true;
    }

    fn paragraph_break(&mut self) {
        if self.top {
            self.open = false;
        } else if let Some(piece) = self.pieces.last_mut() {
            piece.paragraphs.push(String::new());
        }
    }

    fn list(&mut self, items: Vec<Piece>, escaped: Vec<Piece>) {
        match self.pieces.last_mut() {
            Some(parent) if !self.top => {
                parent.children.extend(items);
                self.pieces.extend(escaped);
                self.paragraph_break();
            }
            _ => {
                self.pieces.extend(items);
                self.pieces.extend(escaped);
                self.open = false;
            }
        }
    }
}

/// A list's entries, and the entries that belong after it at the outer level.
fn read_list(list: &html::Element) -> (Vec<Piece>, Vec<Piece>) {
    let mut builder = Builder::new(false);
    builder.walk(&list.children);
    let mut items = normalise(builder.pieces);
    // The extraction lost the bullets of some lists (question 2's sub-points).
    // There, an entry ends only where the text plainly ends a clause: at "?"
    // or ";" (keeping a following "and"/"or"). Full stops are not used: a
    // bullet of evidence often holds several sentences, and a wrong split
    // would be worse for the person checking than a long bullet.
    if !items.iter().any(|item| item.marked) {
        items = items.into_iter().flat_map(split_clauses).collect();
    }
    // The extraction also lost every `</ul>`, so a sub-list seems to run to
    // the end of its cell. The entries of a sub-list are short, one sentence
    // each; from the first entry after the first that holds several
    // sentences, the entries are taken to be back at the outer level.
    let escaped = match items.iter().skip(1).position(|item| item.sentences() > 1) {
        Some(index) if !list.closed => items.split_off(index + 1),
        _ => Vec::new(),
    };
    (items, escaped)
}

fn split_clauses(piece: Piece) -> Vec<Piece> {
    let [paragraph] = piece.paragraphs.as_slice() else {
        return vec![piece];
    };
    let mut clauses = Vec::new();
    let mut clause = String::new();
    let mut words = paragraph.split(' ').peekable();
    while let Some(word) = words.next() {
        join(&mut clause, word);
        if word.ends_with(['?', ';']) && words.peek().is_some() {
            if let Some(conjunction) = words.next_if(|next| matches!(*next, "and" | "or")) {
                join(&mut clause, conjunction);
            }
            if words.peek().is_some() {
                clauses.push(std::mem::take(&mut clause));
            }
        }
    }
    clauses.push(clause);
    let last = clauses.len() - 1;
    let mut children = Some(piece.children);
    let pieces = clauses.into_iter().enumerate().map(|(at, clause)| Piece {
        plain: piece.plain,
        marked: false,
        paragraphs: vec![clause],
        children: if at == last {
            children.take().unwrap_or_default()
        } else {
            Vec::new()
        },
    });
    pieces.collect()
}

mod html;

#[cfg(test)]
mod tests;
