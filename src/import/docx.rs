//! Reads notes kept as a Word document (.docx) into the text of published
//! notes, for [`parse_notes`](crate::import::notes::parse_notes) to read by
//! the same rules as a published page: a Word file is notes too, and nothing
//! in it may be lost on the way to the draft. A .docx is a zip
//! of XML parts; this reads `word/document.xml` (the body), and, when there,
//! `word/numbering.xml` and `word/styles.xml` (which paragraphs are in
//! lists, and how those are numbered) and `word/_rels/document.xml.rels`
//! (the addresses of links).
//!
//! What becomes what, for the person who meets a document that does not fit:
//! - The notes table is the first table with a Question / Evidence / Decision
//!   header row, or else the first table. The paragraphs before it, and the
//!   rows above its header, come first, one line each; the first that starts
//!   "NOTES" is the title line, joined with the next one or two when it does
//!   not yet end with the date.
//! - Each row below the header is one line of tab-separated cells. A cell's
//!   paragraphs become `<p>…</p>`; its list paragraphs become `•` entries of
//!   a `<ul>`, each deeper level a nested `<ul>`; a numbered paragraph at a
//!   list's first level is a `<p>` that starts with its number ("2. How…"),
//!   as the published questions are. A row of one cell is a line of its own.
//! - After the table each paragraph is a line. After a paragraph "Action" or
//!   "Actions", list paragraphs become "N\ttext" lines numbered in order, and
//!   typed "1\tThat…" lines keep their number. A later table as wide as the
//!   notes table goes on with its rows; any other later table is read as
//!   actions, a row each.
//! - No text is dropped: a text box's text joins its paragraph, a nested
//!   table's its cell, and a link's address follows its text, as
//!   `parse_notes` shows the address of a published link. Deleted and
//!   moved-away text of tracked changes is not part of the document.

use quick_xml::XmlVersion;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;
use std::collections::HashMap;
use std::io::{Cursor, Read};
use zip::ZipArchive;

use super::notes::{is_action_heading, is_header_row, is_title};
use zip::result::ZipError;

/// Most bytes one part of the document may expand to when unzipped.
pub const MAX_ENTRY_BYTES: u64 = MAX_ENTRY_MIB << 20;
/// Most bytes the parts read may expand to together.
pub const MAX_TOTAL_BYTES: u64 = 64 << 20;
/// Most entries the zip may list; Word writes a few dozen.
pub const MAX_ENTRIES: usize = 10_000;
/// Most paragraphs, table cells and tables the body may hold: a few bytes
/// of XML each, so a body within [`MAX_ENTRY_BYTES`] could hold millions.
pub const MAX_BLOCKS: usize = 200_000;

const MAX_ENTRY_MIB: u64 = 50;

/// The start of an OLE compound file: a Word 97–2003 .doc, or a .docx that
/// Word has encrypted with a password.
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

const WORD_NAMESPACES: [&str; 2] = [
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
];
const COMPATIBILITY_NAMESPACE: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";
const MATH_NAMESPACE: &str = "http://schemas.openxmlformats.org/officeDocument/2006/math";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Space {
    Word,
    Compatibility,
    Math,
    Other,
}

/// Word's list levels, `w:ilvl` 0 to 8.
const LEVELS: usize = 9;

/// Why a .docx could not be read; each message says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocxError {
    /// The file has no bytes.
    #[error("the file is empty: choose the Word document (.docx) of the notes")]
    Empty,
    /// A Word 97–2003 document, or one locked with a password.
    #[error(
        "this is an older Word document (.doc) or one locked with a password: open it in Word, save it \
         as a Word Document (.docx) without a password, and import that"
    )]
    OldOrLocked,
    /// The file is not a zip, so not a .docx.
    #[error(
        "this is not a Word document (.docx): save the notes from Word as a Word Document (.docx), or \
         import the published notes as text"
    )]
    NotZip,
    /// A zip without `word/document.xml`.
    #[error(
        "this zip file is not a Word document: it has no word/document.xml. Save the notes from Word \
         as a Word Document (.docx) and import that"
    )]
    NotWord,
    /// A part, or the parts read together, expand past the limits, or the
    /// zip lists more than [`MAX_ENTRIES`] entries, or the body holds more
    /// than [`MAX_BLOCKS`] paragraphs, cells and tables.
    #[error(
        "the Word document is too large to import: it unpacks to more than {MAX_ENTRY_MIB} MiB, or \
         holds more than {MAX_ENTRIES} files or {MAX_BLOCKS} paragraphs and cells. Copy the notes \
         into a new Word document, save it as a .docx and import that"
    )]
    TooLarge,
    /// The zip could not be unpacked: damaged, encrypted, or compressed in a
    /// way Word does not use.
    #[error(
        "the Word document could not be unpacked ({0}): open it in Word, save it again as a Word \
         Document (.docx), and import that"
    )]
    Damaged(String),
    /// `word/document.xml` is not the XML of a Word document.
    #[error(
        "the text of the Word document is damaged ({0}): open it in Word, save it again as a Word \
         Document (.docx), and import that"
    )]
    BadXml(String),
    /// The document holds no table.
    #[error(
        "the Word document has no table: the notes should be in a table headed \"Question\", \
         \"Brief Summary of Evidence\" and \"Decision of PCC\""
    )]
    NoTable,
}

/// Reads a Word document of notes as the text of published notes, for
/// [`parse_notes`](crate::import::notes::parse_notes). Never panics, and
/// stops unpacking a part as soon as it passes the limits above.
pub fn docx_to_notes(bytes: &[u8]) -> Result<String, DocxError> {
    let parts = unzip(bytes)?;
    let mut numbering = Numbering::default();
    numbering.read_numbering(parts.numbering.as_deref().unwrap_or_default());
    numbering.read_styles(parts.styles.as_deref().unwrap_or_default());
    let links = parts.links.as_deref().map(read_links).unwrap_or_default();
    let blocks = read_body(&parts.document, &mut numbering, &links)?;
    write_notes(blocks)
}

struct Parts {
    document: String,
    numbering: Option<String>,
    styles: Option<String>,
    links: Option<String>,
}

fn unzip(bytes: &[u8]) -> Result<Parts, DocxError> {
    if bytes.is_empty() {
        return Err(DocxError::Empty);
    }
    if bytes.starts_with(&OLE_MAGIC) {
        return Err(DocxError::OldOrLocked);
    }
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|_| DocxError::NotZip)?;
    if archive.len() > MAX_ENTRIES {
        return Err(DocxError::TooLarge);
    }
    let mut budget = MAX_TOTAL_BYTES;
    let document = read_entry(&mut archive, "word/document.xml", &mut budget)?.ok_or(DocxError::NotWord)?;
    let numbering = read_entry(&mut archive, "word/numbering.xml", &mut budget)?;
    let styles = read_entry(&mut archive, "word/styles.xml", &mut budget)?;
    let links = read_entry(&mut archive, "word/_rels/document.xml.rels", &mut budget)?;
    Ok(Parts {
        document,
        numbering,
        styles,
        links,
    })
}

/// One part of the zip as text, or `None` when there is no such part.
fn read_entry(
    archive: &mut ZipArchive<Cursor<&[u8]>>,
    name: &str,
    budget: &mut u64,
) -> Result<Option<String>, DocxError> {
    let mut entry = match archive.by_name(name) {
        Ok(entry) => entry,
        Err(ZipError::FileNotFound) => return Ok(None),
        Err(error) => return Err(DocxError::Damaged(error.to_string())),
    };
    let limit = MAX_ENTRY_BYTES.min(*budget);
    // The declared size refuses an honest bomb at once; a lying one is
    // stopped by the bounded read, before more than the limit is held.
    if entry.size() > limit {
        return Err(DocxError::TooLarge);
    }
    let mut bytes = Vec::new();
    let read = (&mut entry).take(limit + 1).read_to_end(&mut bytes);
    if bytes.len() as u64 > limit {
        return Err(DocxError::TooLarge);
    }
    read.map_err(|error| DocxError::Damaged(error.to_string()))?;
    *budget -= bytes.len() as u64;
    let text = String::from_utf8(bytes).map_err(|_| DocxError::BadXml(format!("{name} is not UTF-8")))?;
    Ok(Some(text))
}

/// A paragraph as read: its text, and its place in a list if it is in one.
#[derive(Debug, Default)]
struct Paragraph {
    text: String,
    list: Option<ListEntry>,
}

#[derive(Debug)]
struct ListEntry {
    level: usize,
    /// The number Word shows before the text ("1.", "a)"); `None` for a bullet.
    label: Option<String>,
}

#[derive(Debug, Default)]
struct Cell {
    paragraphs: Vec<Paragraph>,
    /// How many grid columns the cell spans.
    span: usize,
}

type Row = Vec<Cell>;

#[derive(Debug)]
enum Block {
    Paragraph(Paragraph),
    Table(Vec<Row>),
}

impl Block {
    fn paragraphs(self) -> Vec<Paragraph> {
        match self {
            Block::Paragraph(paragraph) => vec![paragraph],
            Block::Table(rows) => rows.into_iter().flat_map(row_paragraphs).collect(),
        }
    }
}

fn row_paragraphs(row: Row) -> impl Iterator<Item = Paragraph> {
    row.into_iter().flat_map(|cell| cell.paragraphs)
}

/// How Word numbers its lists, from `word/numbering.xml`, the paragraph
/// styles that make lists, from `word/styles.xml`, and the numbers given so
/// far. Each part is read as far as it goes: a damaged one only loses list
/// markers, never text.
#[derive(Debug, Default)]
struct Numbering {
    /// Style id → the list it puts paragraphs in.
    styles: HashMap<String, ListStyle>,
    /// `w:numId` → `w:abstractNumId`.
    lists: HashMap<String, String>,
    /// (`w:abstractNumId`, level) → that level's format.
    levels: HashMap<(String, usize), Level>,
    counters: HashMap<String, [Option<u32>; LEVELS]>,
}

#[derive(Debug, Default)]
struct ListStyle {
    based_on: Option<String>,
    list: Option<String>,
    level: Option<usize>,
    /// The level a built-in style's name gives: "List Bullet 2" is the
    /// second level, though Word gives it a list of its own.
    name_level: Option<usize>,
}

#[derive(Debug)]
struct Level {
    format: String,
    text: String,
    start: u32,
}

impl Numbering {
    fn read_numbering(&mut self, xml: &str) {
        let mut reader = NsReader::from_str(xml);
        reader.config_mut().expand_empty_elements = true;
        let (mut list, mut abstract_list, mut level) = (None, None, None);
        while let Ok(event) = reader.read_event() {
            match event {
                Event::Start(element) => match element.local_name().as_ref() {
                    "abstractNum" => abstract_list = attribute(&element, "abstractNumId"),
                    "num" => list = attribute(&element, "numId"),
                    "abstractNumId" => {
                        if let (Some(list), Some(value)) = (&list, attribute(&element, "val")) {
                            self.lists.insert(list.clone(), value);
                        }
                    }
                    "lvl" => level = attribute(&element, "ilvl").and_then(|l| l.parse::<usize>().ok()),
                    name @ ("start" | "numFmt" | "lvlText") => {
                        let (Some(id), Some(at), Some(value)) =
                            (&abstract_list, level, attribute(&element, "val"))
                        else {
                            continue;
                        };
                        let entry = self.levels.entry((id.clone(), at)).or_insert(Level {
                            format: "decimal".to_string(),
                            text: String::new(),
                            start: 0,
                        });
                        match name {
                            "start" => entry.start = value.parse().unwrap_or(0),
                            "numFmt" => entry.format = value,
                            _ => entry.text = value,
                        }
                    }
                    _ => {}
                },
                Event::End(element) => match element.local_name().as_ref() {
                    "abstractNum" => abstract_list = None,
                    "num" => list = None,
                    "lvl" => level = None,
                    _ => {}
                },
                Event::Eof => break,
                _ => {}
            }
        }
    }

    fn read_styles(&mut self, xml: &str) {
        let mut reader = NsReader::from_str(xml);
        reader.config_mut().expand_empty_elements = true;
        let (mut style, mut in_list) = (None::<String>, false);
        while let Ok(event) = reader.read_event() {
            let element = match event {
                Event::Start(element) => element,
                Event::End(element) => {
                    match element.local_name().as_ref() {
                        "style" => style = None,
                        "numPr" => in_list = false,
                        _ => {}
                    }
                    continue;
                }
                Event::Eof => break,
                _ => continue,
            };
            match (element.local_name().as_ref(), &style) {
                ("style", _) => style = attribute(&element, "styleId"),
                ("numPr", Some(_)) => in_list = true,
                (name, Some(id)) => {
                    let Some(value) = attribute(&element, "val") else {
                        continue;
                    };
                    let entry = self.styles.entry(id.clone()).or_default();
                    match name {
                        "basedOn" => entry.based_on = Some(value),
                        "numId" if in_list => entry.list = Some(value),
                        "ilvl" if in_list => entry.level = value.parse().ok(),
                        "name" if value.to_ascii_lowercase().starts_with("list") => {
                            let digit = value.chars().last().and_then(|c| c.to_digit(10));
                            entry.name_level = digit.filter(|d| (2..=9).contains(d)).map(|d| d as usize - 1);
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
        }
    }

    /// The list and level of a paragraph: its own, or its style's (or the
    /// styles that style is based on).
    fn list_of(&self, paragraph: &OpenParagraph) -> Option<(String, usize)> {
        let (mut list, mut level) = (paragraph.list.clone(), paragraph.level);
        let mut from_style = false;
        let mut style = paragraph.style.as_deref();
        for _ in 0..10 {
            let Some(found) = style.and_then(|id| self.styles.get(id)) else {
                break;
            };
            if list.is_none() && found.list.is_some() {
                list = found.list.clone();
                from_style = true;
            }
            level = level.or(found.level);
            if from_style {
                level = level.or(found.name_level);
            }
            style = found.based_on.as_deref();
        }
        // List 0 is Word's way of taking a paragraph out of a list.
        let list = list.filter(|list| list != "0")?;
        Some((list, level.unwrap_or(0).min(LEVELS - 1)))
    }

    /// Counts the next paragraph of list `list` at `level`, and gives the
    /// number Word shows before it; `None` for a bullet.
    fn next(&mut self, list: &str, level: usize) -> Option<String> {
        let abstract_list = self.lists.get(list)?;
        let start = |at: usize| {
            let level = self.levels.get(&(abstract_list.clone(), at));
            level.map_or(0, |level| level.start)
        };
        let counters = self.counters.entry(list.to_string()).or_insert([None; LEVELS]);
        counters[level] = Some(counters[level].map_or(start(level), |n| n.saturating_add(1)));
        for deeper in &mut counters[level + 1..] {
            *deeper = None;
        }
        let this = self.levels.get(&(abstract_list.clone(), level))?;
        if matches!(this.format.as_str(), "bullet" | "none") {
            return None;
        }
        let mut label = String::new();
        let mut chars = this.text.chars().peekable();
        while let Some(c) = chars.next() {
            let placeholder = chars
                .peek()
                .and_then(|d| d.to_digit(10))
                .filter(|d| (1..=9).contains(d));
            match placeholder {
                Some(digit) if c == '%' => {
                    chars.next();
                    let at = digit as usize - 1;
                    let number = counters[at].unwrap_or_else(|| start(at));
                    let format = self.levels.get(&(abstract_list.clone(), at));
                    label.push_str(&format_number(
                        number,
                        format.map_or("decimal", |l| l.format.as_str()),
                    ));
                }
                _ => label.push(c),
            }
        }
        Some(label.trim().to_string()).filter(|label| !label.is_empty())
    }
}

fn format_number(number: u32, format: &str) -> String {
    fn letters(number: u32) -> String {
        // Word's letters: a…z, then aa…zz, bbb…
        let letter = char::from(b'a' + ((number.max(1) - 1) % 26) as u8);
        letter
            .to_string()
            .repeat(((number.max(1) - 1) / 26 + 1).min(10) as usize)
    }
    fn roman(mut number: u32) -> String {
        const VALUES: [u32; 13] = [1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1];
        const NUMERALS: [&str; 13] = [
            "m", "cm", "d", "cd", "c", "xc", "l", "xl", "x", "ix", "v", "iv", "i",
        ];
        let mut text = String::new();
        for (value, numeral) in VALUES.into_iter().zip(NUMERALS) {
            // Past a few thousand, Word's own numerals stop making sense too.
            while number >= value && text.len() < 40 {
                text.push_str(numeral);
                number -= value;
            }
        }
        text
    }
    match format {
        "lowerLetter" => letters(number),
        "upperLetter" => letters(number).to_uppercase(),
        "lowerRoman" => roman(number),
        "upperRoman" => roman(number).to_uppercase(),
        _ => number.to_string(),
    }
}

/// The external addresses of the document's links, by relationship id.
fn read_links(xml: &str) -> HashMap<String, String> {
    let mut links = HashMap::new();
    let mut reader = NsReader::from_str(xml);
    while let Ok(event) = reader.read_event() {
        match event {
            Event::Start(element) | Event::Empty(element)
                if element.local_name().as_ref() == "Relationship" =>
            {
                let external = attribute(&element, "TargetMode").is_some_and(|mode| mode == "External");
                if let (true, Some(id), Some(target)) =
                    (external, attribute(&element, "Id"), attribute(&element, "Target"))
                {
                    links.insert(id, target);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    links
}

/// The value of the attribute with this local name, whatever its prefix.
fn attribute(element: &BytesStart, name: &str) -> Option<String> {
    let found = element
        .attributes()
        .flatten()
        .find(|attribute| attribute.key.local_name().as_ref() == name)?;
    let value = found.normalized_value(XmlVersion::Implicit1_0).ok()?;
    Some(value.into_owned())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Paragraph,
    Properties,
    ListProperties,
    /// A run outside any paragraph, read as a paragraph of its own.
    LooseRun,
    Run,
    Text,
    Link,
    Table,
    Row,
    Cell,
    CellProperties,
    /// Text that is not the document's: a fallback copy, moved-away text.
    Skipped,
    Other,
}

#[derive(Default)]
struct OpenParagraph {
    text: String,
    style: Option<String>,
    list: Option<String>,
    level: Option<usize>,
}

#[derive(Default)]
struct OpenTable {
    rows: Vec<Row>,
    row: Row,
    cell: Cell,
}

impl OpenTable {
    fn end_cell(&mut self) {
        let cell = std::mem::take(&mut self.cell);
        self.row.push(Cell {
            span: cell.span.max(1),
            ..cell
        });
    }

    fn end_row(&mut self) {
        if !self.cell.paragraphs.is_empty() {
            self.end_cell();
        }
        let row = std::mem::take(&mut self.row);
        if !row.is_empty() {
            self.rows.push(row);
        }
    }
}

/// Gathers the body's paragraphs and tables from the XML events.
struct BodyReader<'a> {
    numbering: &'a mut Numbering,
    links: &'a HashMap<String, String>,
    blocks: Vec<Block>,
    stack: Vec<Tag>,
    skipped: usize,
    paragraph: Option<OpenParagraph>,
    /// Paragraphs open inside the open paragraph: text boxes.
    inner: usize,
    tables: Vec<OpenTable>,
    /// Open links: their address, and where their text starts.
    open_links: Vec<(Option<String>, usize)>,
    /// Paragraphs, cells (by the columns they span) and tables read.
    count: usize,
}

fn read_body(
    xml: &str,
    numbering: &mut Numbering,
    links: &HashMap<String, String>,
) -> Result<Vec<Block>, DocxError> {
    let mut reader = NsReader::from_str(xml);
    reader.config_mut().expand_empty_elements = true;
    let mut body = BodyReader {
        numbering,
        links,
        blocks: Vec::new(),
        stack: Vec::new(),
        skipped: 0,
        paragraph: None,
        inner: 0,
        tables: Vec::new(),
        open_links: Vec::new(),
        count: 0,
    };
    let mut root = None;
    loop {
        let (namespace, event) = reader
            .read_resolved_event()
            .map_err(|error| DocxError::BadXml(error.to_string()))?;
        let space = match namespace {
            ResolveResult::Bound(namespace) if WORD_NAMESPACES.contains(&namespace.0) => Space::Word,
            ResolveResult::Bound(namespace) if namespace.0 == COMPATIBILITY_NAMESPACE => Space::Compatibility,
            ResolveResult::Bound(namespace) if namespace.0 == MATH_NAMESPACE => Space::Math,
            _ => Space::Other,
        };
        match event {
            Event::Start(element) => {
                let name = element.local_name();
                root.get_or_insert((space, name.as_ref() == "document"));
                body.start(space, name.as_ref(), &element);
            }
            Event::End(_) => body.end(),
            Event::Text(text) => body.text(&text.xml10_content()),
            Event::CData(data) => body.text(&data.xml10_content()),
            Event::GeneralRef(reference) => body.reference(&reference)?,
            Event::Eof => break,
            _ => {}
        }
        if body.count > MAX_BLOCKS {
            return Err(DocxError::TooLarge);
        }
    }
    if root != Some((Space::Word, true)) {
        return Err(DocxError::BadXml(
            "word/document.xml holds no Word document".to_string(),
        ));
    }
    if !body.stack.is_empty() {
        return Err(DocxError::BadXml(
            "word/document.xml ends before its elements do".to_string(),
        ));
    }
    Ok(body.blocks)
}

impl BodyReader<'_> {
    fn start(&mut self, namespace: Space, name: &str, element: &BytesStart) {
        let (word, compatibility, math) = (
            namespace == Space::Word,
            namespace == Space::Compatibility,
            namespace == Space::Math,
        );
        let skip = (compatibility && name == "Fallback") || (word && name == "moveFrom");
        let tag = if self.skipped > 0 || skip {
            self.skipped += 1;
            Tag::Skipped
        } else if word || (math && matches!(name, "r" | "t")) {
            // An equation's runs hold text too.
            self.word_start(name, element)
        } else {
            Tag::Other
        };
        self.stack.push(tag);
    }

    fn word_start(&mut self, name: &str, element: &BytesStart) -> Tag {
        let parent = self.stack.last().copied();
        let in_run = matches!(parent, Some(Tag::Run | Tag::LooseRun));
        let outer = self.inner == 0;
        let in_table = self.paragraph.is_none() && !self.tables.is_empty();
        match name {
            "p" => {
                match self.paragraph {
                    Some(_) => {
                        self.inner += 1;
                        self.push_text(" ");
                    }
                    None => self.paragraph = Some(OpenParagraph::default()),
                }
                Tag::Paragraph
            }
            "pPr" if parent == Some(Tag::Paragraph) && outer => Tag::Properties,
            "numPr" if parent == Some(Tag::Properties) => Tag::ListProperties,
            "pStyle" if parent == Some(Tag::Properties) => {
                if let Some(paragraph) = &mut self.paragraph {
                    paragraph.style = attribute(element, "val");
                }
                Tag::Other
            }
            "numId" | "ilvl" if parent == Some(Tag::ListProperties) => {
                let value = attribute(element, "val");
                if let Some(paragraph) = &mut self.paragraph {
                    match name {
                        "numId" => paragraph.list = value,
                        _ => paragraph.level = value.and_then(|level| level.parse().ok()),
                    }
                }
                Tag::Other
            }
            "r" if self.paragraph.is_none() => {
                self.paragraph = Some(OpenParagraph::default());
                Tag::LooseRun
            }
            "r" => Tag::Run,
            "t" if in_run => Tag::Text,
            "tab" | "ptab" if in_run => {
                self.push_text("\t");
                Tag::Other
            }
            "br" | "cr" if in_run => {
                self.push_text(" ");
                Tag::Other
            }
            "noBreakHyphen" if in_run => {
                self.push_text("-");
                Tag::Other
            }
            "hyperlink" => {
                let address = attribute(element, "id").and_then(|id| self.links.get(&id).cloned());
                let at = self.paragraph.as_ref().map_or(0, |p| p.text.len());
                self.open_links.push((address, at));
                Tag::Link
            }
            "tbl" if self.paragraph.is_none() => {
                self.tables.push(OpenTable::default());
                Tag::Table
            }
            "tr" if in_table => Tag::Row,
            "tc" if in_table => Tag::Cell,
            "tcPr" if parent == Some(Tag::Cell) => Tag::CellProperties,
            "gridSpan" if parent == Some(Tag::CellProperties) => {
                let span = attribute(element, "val").and_then(|span| span.parse().ok());
                if let Some(table) = self.tables.last_mut() {
                    table.cell.span = span.unwrap_or(1).clamp(1, 64);
                }
                Tag::Other
            }
            _ => Tag::Other,
        }
    }

    fn end(&mut self) {
        match self.stack.pop() {
            Some(Tag::Skipped) => self.skipped -= 1,
            Some(Tag::Paragraph) if self.inner > 0 => {
                self.inner -= 1;
                self.push_text(" ");
            }
            Some(Tag::Paragraph | Tag::LooseRun) => self.end_paragraph(),
            Some(Tag::Link) => self.end_link(),
            Some(Tag::Cell) => {
                if let Some(table) = self.tables.last_mut() {
                    self.count += table.cell.span.max(1);
                    table.end_cell();
                }
            }
            Some(Tag::Row) => self.tables.last_mut().into_iter().for_each(OpenTable::end_row),
            Some(Tag::Table) => self.end_table(),
            _ => {}
        }
    }

    fn text(&mut self, text: &str) {
        if self.stack.last() == Some(&Tag::Text) {
            self.push_text(text);
        }
    }

    fn reference(&mut self, reference: &BytesRef) -> Result<(), DocxError> {
        if self.stack.last() != Some(&Tag::Text) {
            return Ok(());
        }
        let character = reference
            .resolve_char_ref()
            .map_err(|error| DocxError::BadXml(error.to_string()))?;
        match (character, quick_xml::escape::resolve_predefined_entity(reference)) {
            (Some(c), _) => self.push_text(c.encode_utf8(&mut [0; 4])),
            (None, Some(text)) => self.push_text(text),
            // Word declares no entities; an unknown one is kept as written.
            (None, None) => self.push_text(&format!("&{};", &**reference)),
        }
        Ok(())
    }

    fn push_text(&mut self, text: &str) {
        if let Some(paragraph) = &mut self.paragraph {
            paragraph.text.push_str(text);
        }
    }

    fn end_link(&mut self) {
        let (Some((Some(address), at)), Some(paragraph)) = (self.open_links.pop(), &mut self.paragraph)
        else {
            return;
        };
        let absolute = ["http://", "https://", "mailto:"]
            .iter()
            .any(|scheme| address.starts_with(scheme));
        let shown = paragraph
            .text
            .get(at..)
            .is_some_and(|text| text.contains(address.trim_start_matches("mailto:")));
        if absolute && !shown {
            paragraph.text.push_str(&format!(" ({address})"));
        }
    }

    fn end_paragraph(&mut self) {
        let Some(open) = self.paragraph.take() else {
            return;
        };
        self.inner = 0;
        self.count += 1;
        let list = self.numbering.list_of(&open).map(|(list, level)| ListEntry {
            level,
            label: self.numbering.next(&list, level),
        });
        let paragraph = Paragraph {
            text: open.text,
            list,
        };
        match self.tables.last_mut() {
            Some(table) => table.cell.paragraphs.push(paragraph),
            None => self.blocks.push(Block::Paragraph(paragraph)),
        }
    }

    fn end_table(&mut self) {
        let Some(mut table) = self.tables.pop() else {
            return;
        };
        table.end_row();
        self.count += 1;
        match self.tables.last_mut() {
            // A table in a cell: its text stays in that cell.
            Some(outer) => {
                let paragraphs = table.rows.into_iter().flat_map(row_paragraphs);
                outer.cell.paragraphs.extend(paragraphs);
            }
            None => self.blocks.push(Block::Table(table.rows)),
        }
    }
}

/// Writes the blocks as the text of published notes.
fn write_notes(blocks: Vec<Block>) -> Result<String, DocxError> {
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
fn write_text(blocks: Vec<Block>) -> String {
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
struct Notes {
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
    fn opening(&mut self, paragraphs: &[Paragraph]) {
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

    fn row(&mut self, row: &[Cell]) {
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

    fn paragraph(&mut self, paragraph: &Paragraph) {
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

    fn later_table(&mut self, rows: &[Row]) {
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

    fn action_row(&mut self, row: &[Cell]) {
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
fn width(row: &[Cell]) -> usize {
    row.iter().map(|cell| cell.span).sum()
}

/// Each cell's text on one line.
fn cell_texts(row: &[Cell]) -> Vec<String> {
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
fn cell_html(paragraphs: &[Paragraph]) -> String {
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

fn close_lists(html: &mut String, open: &mut Vec<usize>) {
    for _ in open.drain(..) {
        html.push_str(" </ul>");
    }
}

/// The text on one line: line breaks and other control characters become
/// spaces, and so do tabs unless `tabs`.
fn one_line(text: &str, tabs: bool) -> String {
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
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

// The title, the header row and the Action heading are recognised by the
// same rules as `parse_notes` uses, so that the text written is read back
// as meant.

fn reads_as_header(row: &[Cell]) -> bool {
    is_header_row(cell_texts(row).iter().map(String::as_str))
}

/// "12" → 12, as a table's number column holds it ("12." and "12)" too).
fn bare_number(text: &str) -> Option<u32> {
    let digits = text.trim().trim_end_matches(['.', ')']);
    let is_number = (1..=3).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit());
    digits.parse().ok().filter(|number| is_number && *number > 0)
}

/// The number of a typed "12\tThat…", "12. That…" or "12) That…".
fn typed_number(text: &str) -> Option<u32> {
    let digits = text.len() - text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let numbered = text[digits..].starts_with(['\t', '.', ')']);
    bare_number(&text[..digits]).filter(|_| numbered)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::decision::Decision;
    use crate::domain::outline::{Item, Marker};
    use crate::import::notes::{ImportError, ImportedAction, ImportedRecord, parse_notes};
    use chrono::NaiveDate;
    use proptest::prelude::*;
    use std::io::Write;
    use std::sync::OnceLock;
    use std::time::{Duration, Instant};
    use zip::write::SimpleFileOptions;
    use zip::{CompressionMethod, ZipWriter};

    const STALKING: &str = include_str!("../../tests/fixtures/scrutiny-notes-stalking-2024-12-03.txt");
    const TITLE: &str = "NOTES - SCRUTINY MEETING (STALKING) - 3 DECEMBER 2024";
    const HEADER: [&str; 3] = ["Question", "Brief Summary of Evidence", "Decision of PCC"];
    /// The lists of [`numbering`]: bullets at every level; "1.", "a)" then
    /// bullets; and a second list of that kind, counted apart.
    const BULLETS: u32 = 1;
    const NUMBERS: u32 = 2;
    const MORE_NUMBERS: u32 = 3;
    const LINK: &str = "https://example.org/plan.pdf";

    fn xml_text(text: &str) -> String {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    }

    fn run(text: &str) -> String {
        format!(r#"<w:r><w:t xml:space="preserve">{}</w:t></w:r>"#, xml_text(text))
    }

    fn para(text: &str) -> String {
        format!("<w:p>{}</w:p>", run(text))
    }

    fn listed(list: u32, level: usize, text: &str) -> String {
        format!(
            r#"<w:p><w:pPr><w:pStyle w:val="ListParagraph"/><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{list}"/></w:numPr></w:pPr>{}</w:p>"#,
            run(text)
        )
    }

    fn styled(style: &str, text: &str) -> String {
        format!(
            r#"<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{}</w:p>"#,
            run(text)
        )
    }

    fn table(rows: &[Vec<String>]) -> String {
        let columns = rows.iter().map(Vec::len).max().unwrap_or(1);
        let mut xml = String::from(r#"<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>"#);
        xml.push_str(&r#"<w:gridCol w:w="3000"/>"#.repeat(columns));
        xml.push_str("</w:tblGrid>");
        for row in rows {
            xml.push_str("<w:tr>");
            for cell in row {
                xml.push_str(r#"<w:tc><w:tcPr><w:tcW w:w="3000" w:type="dxa"/></w:tcPr>"#);
                // Word requires a paragraph in every cell.
                xml.push_str(if cell.is_empty() { "<w:p/>" } else { cell });
                xml.push_str("</w:tc>");
            }
            xml.push_str("</w:tr>");
        }
        xml.push_str("</w:tbl>");
        xml
    }

    fn header_row() -> Vec<String> {
        HEADER.iter().map(|cell| para(cell)).collect()
    }

    fn document(body: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="{COMPATIBILITY_NAMESPACE}" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:v="urn:schemas-microsoft-com:vml" mc:Ignorable="wps"><w:body>{body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>"#,
            WORD_NAMESPACES[0]
        )
    }

    fn numbering() -> String {
        let level = |at: usize, format: &str, text: &str| {
            format!(
                r#"<w:lvl w:ilvl="{at}"><w:start w:val="1"/><w:numFmt w:val="{format}"/><w:lvlText w:val="{text}"/><w:pPr><w:ind w:left="{}" w:hanging="360"/></w:pPr></w:lvl>"#,
                720 * (at + 1)
            )
        };
        let bullets: String = (0..LEVELS).map(|at| level(at, "bullet", "•")).collect();
        let numbers = level(0, "decimal", "%1.") + &level(1, "lowerLetter", "%2)");
        let numbers = numbers + &(2..LEVELS).map(|at| level(at, "bullet", "•")).collect::<String>();
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="{}"><w:abstractNum w:abstractNumId="0">{bullets}</w:abstractNum><w:abstractNum w:abstractNumId="1">{numbers}</w:abstractNum><w:num w:numId="{BULLETS}"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="{NUMBERS}"><w:abstractNumId w:val="1"/></w:num><w:num w:numId="{MORE_NUMBERS}"><w:abstractNumId w:val="1"/></w:num><w:num w:numId="4"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#,
            WORD_NAMESPACES[0]
        )
    }

    /// Word's built-in list styles, as Word defines them: "List Bullet 2"
    /// has a list of its own rather than a level; and a style based on one.
    fn styles() -> String {
        let style = |id: &str, name: &str, more: &str| {
            format!(
                r#"<w:style w:type="paragraph" w:styleId="{id}"><w:name w:val="{name}"/>{more}</w:style>"#
            )
        };
        let listed = |list: u32| {
            format!(
                r#"<w:basedOn w:val="Normal"/><w:pPr><w:numPr><w:numId w:val="{list}"/></w:numPr></w:pPr>"#
            )
        };
        let styles = [
            style("Normal", "Normal", ""),
            style(
                "ListParagraph",
                "List Paragraph",
                r#"<w:pPr><w:ind w:left="720"/></w:pPr>"#,
            ),
            style("ListBullet", "List Bullet", &listed(BULLETS)),
            style("ListBullet2", "List Bullet 2", &listed(4)),
            style("ListNumber", "List Number", &listed(MORE_NUMBERS)),
            style("ActionItem", "Action Item", r#"<w:basedOn w:val="ListNumber"/>"#),
        ];
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{}">{}</w:styles>"#,
            WORD_NAMESPACES[0],
            styles.concat()
        )
    }

    fn relationships() -> String {
        let base = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{base}/numbering" Target="numbering.xml"/><Relationship Id="rId2" Type="{base}/styles" Target="styles.xml"/><Relationship Id="rId9" Type="{base}/hyperlink" Target="{LINK}" TargetMode="External"/></Relationships>"#
        )
    }

    /// A minimal but valid package around the document's body.
    fn docx(body: &str) -> Vec<u8> {
        package(&[
            ("word/document.xml", document(body).as_bytes()),
            ("word/numbering.xml", numbering().as_bytes()),
            ("word/styles.xml", styles().as_bytes()),
            ("word/_rels/document.xml.rels", relationships().as_bytes()),
        ])
    }

    fn package(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let types = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>"#;
        let rels = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        let all = [
            ("[Content_Types].xml", types.as_bytes()),
            ("_rels/.rels", rels.as_bytes()),
        ];
        for (name, bytes) in all.iter().chain(parts) {
            zip.start_file(*name, options).expect("a zip entry");
            zip.write_all(bytes).expect("written");
        }
        zip.finish().expect("a zip").into_inner()
    }

    fn notes(body: &str) -> String {
        docx_to_notes(&docx(body)).expect("reads")
    }

    fn record(body: &str) -> ImportedRecord {
        parse_notes(&notes(body)).expect("imports")
    }

    /// A notes document: the title, the table (header and `rows`), then `after`.
    fn notes_body(rows: &[Vec<String>], after: &str) -> String {
        let mut table_rows = vec![header_row()];
        table_rows.extend_from_slice(rows);
        para(TITLE) + &table(&table_rows) + after
    }

    fn row(cells: [&str; 3]) -> Vec<String> {
        cells.iter().map(|cell| cell.to_string()).collect()
    }

    fn stalking() -> ImportedRecord {
        parse_notes(STALKING).expect("the fixture imports")
    }

    fn outline_paragraphs(items: &[Item], level: usize, xml: &mut String) {
        for item in items {
            let text = item.paragraphs.join(" ");
            match item.marker {
                Marker::Plain if level == 0 => xml.push_str(&para(&text)),
                _ => xml.push_str(&listed(BULLETS, level, &text)),
            }
            outline_paragraphs(&item.children, level + 1, xml);
        }
    }

    /// The fixture's notes as staff keep them in Word: the question numbers
    /// typed, the sub-points and evidence as bulleted lists, question 1's
    /// last bullet on a continuation row, and the action typed "1", tab, text.
    fn stalking_body() -> String {
        let mut rows = Vec::new();
        for question in stalking().questions {
            let mut text = String::new();
            let (first, rest) = question.text.items.split_first().expect("question text");
            text.push_str(&para(&format!(
                "{}. {}",
                question.number,
                first.paragraphs.join(" ")
            )));
            outline_paragraphs(rest, 0, &mut text);
            let mut evidence = question.evidence.items.clone();
            let carried = (question.number == 1).then(|| evidence.pop()).flatten();
            let mut evidence_xml = String::new();
            outline_paragraphs(&evidence, 0, &mut evidence_xml);
            let decision = question.decision.map(|d| para(d.label())).unwrap_or_default();
            rows.push(vec![text, evidence_xml, decision]);
            if let Some(carried) = carried {
                let mut carried_xml = String::new();
                outline_paragraphs(&[carried], 0, &mut carried_xml);
                rows.push(vec![String::new(), carried_xml, String::new()]);
            }
        }
        let action = &stalking().actions[0];
        let action = format!(
            "<w:p>{}<w:r><w:tab/></w:r>{}</w:p>",
            run(&action.number.to_string()),
            run(&action.text)
        );
        notes_body(&rows, &(para("Action") + &action))
    }

    /// The words of the document's text. The test documents part words
    /// between runs, so each run's text is split on its own.
    fn body_words(body: &str) -> Vec<String> {
        let mut words = Vec::new();
        for piece in body.split("<w:t").skip(1) {
            let (Some(start), Some(end)) = (piece.find('>'), piece.find("</w:t>")) else {
                continue;
            };
            let text = piece[start + 1..end]
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&");
            words.extend(text.split_whitespace().map(str::to_string));
        }
        words.sort();
        words
    }

    /// The words a reader of the notes text sees: no tags, no bullets.
    fn notes_words(notes: &str) -> Vec<String> {
        let mut visible = String::new();
        let mut in_tag = false;
        for c in notes.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => {
                    in_tag = false;
                    visible.push(' ');
                }
                _ if in_tag => {}
                '•' => visible.push(' '),
                c => visible.push(c),
            }
        }
        let visible = visible
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&");
        let mut words: Vec<String> = visible.split_whitespace().map(str::to_string).collect();
        words.sort();
        words
    }

    fn record_words(record: &ImportedRecord) -> Vec<String> {
        fn outline(items: &[Item], words: &mut Vec<String>) {
            for item in items {
                words.extend(
                    item.paragraphs
                        .iter()
                        .flat_map(|p| p.split_whitespace().map(str::to_string)),
                );
                outline(&item.children, words);
            }
        }
        let mut words = Vec::new();
        for question in &record.questions {
            words.push(format!("{}.", question.number));
            outline(&question.text.items, &mut words);
            outline(&question.evidence.items, &mut words);
            let decision = question
                .decision
                .iter()
                .flat_map(|d| d.label().split_whitespace());
            words.extend(decision.map(str::to_string));
        }
        for action in &record.actions {
            words.push(action.number.to_string());
            words.extend(action.text.split_whitespace().map(str::to_string));
        }
        words.extend(
            record
                .unplaced
                .iter()
                .flat_map(|text| text.split_whitespace().map(str::to_string)),
        );
        words.sort();
        words
    }

    /// The words of `from` that `within` lacks, counting repeats.
    fn missing(from: &[String], within: &[String]) -> Vec<String> {
        let mut left = within.to_vec();
        let mut missing = Vec::new();
        for word in from {
            match left.iter().position(|w| w == word) {
                Some(at) => {
                    left.swap_remove(at);
                }
                None => missing.push(word.clone()),
            }
        }
        missing
    }

    fn texts(items: &[Item]) -> Vec<String> {
        items.iter().map(|item| item.paragraphs.join(" / ")).collect()
    }

    fn bullet(text: &str) -> Item {
        Item {
            marker: Marker::Bullet,
            paragraphs: vec![text.to_string()],
            children: Vec::new(),
        }
    }

    #[test]
    fn the_stalking_notes_read_from_word_as_from_the_published_text() {
        let record = record(&stalking_body());

        assert_eq!(record.topic, "Stalking");
        assert_eq!(
            record.held_on,
            NaiveDate::from_ymd_opt(2024, 12, 3).expect("a date")
        );
        let numbers: Vec<u32> = record.questions.iter().map(|q| q.number).collect();
        assert_eq!(numbers, [1, 2, 3, 4]);
        let decisions: Vec<Option<Decision>> = record.questions.iter().map(|q| q.decision).collect();
        assert_eq!(decisions, [Some(Decision::Assured), None, None, None]);
        let counts: Vec<usize> = record.questions.iter().map(|q| q.evidence.items.len()).collect();
        assert_eq!(counts, [15, 16, 3, 3]);
        let training = &record.questions[2].evidence.items[1];
        assert_eq!(training.paragraphs, ["In terms of training and development:"]);
        assert_eq!(training.children.len(), 5);
        let each_oic = &record.questions[1].text.items[3];
        assert_eq!(each_oic.paragraphs, ["each OIC will:"]);
        assert_eq!(each_oic.children[1], bullet("correctly categorise cases; and"));
        assert_eq!(record.actions.len(), 1);
        assert!(
            record.actions[0]
                .text
                .starts_with("That the topic of Stalking be re-visited")
        );
        assert_eq!(record.unplaced, Vec::<String>::new());
        // The same record, read from other text.
        assert_ne!(record.source_sha256, stalking().source_sha256);
        let source_sha256 = stalking().source_sha256;
        assert_eq!(
            ImportedRecord {
                source_sha256,
                ..record
            },
            stalking()
        );
    }

    #[test]
    fn no_word_of_the_stalking_document_is_lost_or_added() {
        let body = stalking_body();
        let notes = notes(&body);
        let record = parse_notes(&notes).expect("imports");

        let words_in = body_words(&body);
        assert_eq!(notes_words(&notes), words_in);
        let structure: Vec<String> = [TITLE, &HEADER.join(" "), "Action"]
            .iter()
            .flat_map(|text| text.split_whitespace().map(str::to_string))
            .collect();
        let mut content = words_in.clone();
        for word in &structure {
            let at = content.iter().position(|w| w == word).expect("a structure word");
            content.remove(at);
        }
        assert_eq!(record_words(&record), content);
        // The count the preview shows says the same.
        let count = crate::import::words::count(&notes, &record);
        assert!(count.all_kept(), "{:?}", count.missing);
        assert_eq!(
            count.source,
            crate::import::words::words(&words_in.join(" ")).count()
        );
    }

    #[test]
    fn the_notes_text_has_the_published_shape() {
        let notes = notes(&stalking_body());

        let lines: Vec<&str> = notes.lines().collect();
        assert_eq!(lines[0], TITLE);
        assert_eq!(lines[1], HEADER.join("\t"));
        assert!(lines[2].starts_with("<p>1. In terms of Stalking Protection Orders"));
        assert!(lines[2].contains("\t<ul style=\"list-style-type: none\"> • In terms of"));
        assert!(lines[2].ends_with(" </ul>\t<p>Assured</p>"));
        assert!(lines[3].starts_with("\t<ul style=\"list-style-type: none\"> • Given that"));
        let question_two = lines[4].split('\t').next().unwrap_or_default();
        assert!(question_two.contains(" • each OIC will: <ul> • take robust action"));
        assert!(question_two.ends_with("pattern of behaviour? </ul> </ul>"));
        assert_eq!(lines[lines.len() - 2], "Action");
        assert!(lines[lines.len() - 1].starts_with("1\tThat the topic of Stalking"));
    }

    #[test]
    fn word_numbered_questions_and_actions_keep_their_numbers() {
        let rows = [
            row([&listed(NUMBERS, 0, "How many?"), &listed(BULLETS, 0, "Some."), ""]),
            row([
                &(listed(NUMBERS, 0, "How can the PCC be assured that:")
                    + &listed(NUMBERS, 1, "the Force understands?")
                    + &listed(NUMBERS, 1, "cases are linked?")),
                &listed(BULLETS, 0, "It does."),
                &para("Partly assured"),
            ]),
        ];
        let actions = para("Actions:")
            + &listed(MORE_NUMBERS, 0, "That a report be made.")
            + &listed(MORE_NUMBERS, 0, "That the topic be revisited")
            + &listed(MORE_NUMBERS, 1, "in a year's time.");

        let record = record(&notes_body(&rows, &actions));

        let numbers: Vec<u32> = record.questions.iter().map(|q| q.number).collect();
        assert_eq!(numbers, [1, 2]);
        assert_eq!(texts(&record.questions[0].text.items), ["How many?"]);
        let second = &record.questions[1].text.items;
        assert_eq!(second[0].marker, Marker::Plain);
        assert_eq!(
            texts(second),
            [
                "How can the PCC be assured that:",
                "a) the Force understands?",
                "b) cases are linked?"
            ]
        );
        assert_eq!(record.questions[1].decision, Some(Decision::PartlyAssured));
        let expected = [
            ImportedAction {
                number: 1,
                text: "That a report be made.".to_string(),
                ..ImportedAction::default()
            },
            ImportedAction {
                number: 2,
                text: "That the topic be revisited in a year's time.".to_string(),
                ..ImportedAction::default()
            },
        ];
        assert_eq!(record.actions, expected);
    }

    #[test]
    fn paragraphs_in_word_list_styles_are_lists() {
        let evidence = styled("ListBullet", "First.")
            + &styled("ListBullet2", "Under the first.")
            + &styled("ListBullet", "Second.");
        let actions = para("Actions") + &styled("ActionItem", "That A.") + &styled("ListNumber", "That B.");

        let record = record(&notes_body(&[row([&para("1. Why?"), &evidence, ""])], &actions));

        let first = Item {
            children: vec![bullet("Under the first.")],
            ..bullet("First.")
        };
        assert_eq!(record.questions[0].evidence.items, [first, bullet("Second.")]);
        let actions: Vec<(u32, &str)> = record
            .actions
            .iter()
            .map(|a| (a.number, a.text.as_str()))
            .collect();
        assert_eq!(actions, [(1, "That A."), (2, "That B.")]);
    }

    #[test]
    fn list_numbers_are_written_as_word_shows_them() {
        let shown = [
            format_number(12, "decimal"),
            format_number(28, "lowerLetter"),
            format_number(3, "upperLetter"),
            format_number(1994, "lowerRoman"),
            format_number(4, "upperRoman"),
            format_number(7, "ordinalTitle"),
        ];

        assert_eq!(shown, ["12", "bb", "C", "mcmxciv", "IV", "7"]);
    }

    #[test]
    fn an_action_table_after_the_notes_becomes_numbered_actions() {
        let rows = [row([&para("1. Why?"), &listed(BULLETS, 0, "Because."), ""])];
        let typed = para("Action")
            + &table(&[
                vec![para("1"), para("That a report be made.")],
                vec![para("2."), para("That the topic be revisited.")],
            ]);
        let numbered_without_heading = table(&[
            vec![listed(MORE_NUMBERS, 0, ""), para("That a report be made.")],
            vec![listed(MORE_NUMBERS, 0, ""), para("That the topic be revisited.")],
        ]);

        for after in [typed, numbered_without_heading] {
            let record = record(&notes_body(&rows, &after));

            let actions: Vec<(u32, &str)> = record
                .actions
                .iter()
                .map(|a| (a.number, a.text.as_str()))
                .collect();
            assert_eq!(
                actions,
                [(1, "That a report be made."), (2, "That the topic be revisited.")]
            );
            assert_eq!(record.unplaced, Vec::<String>::new());
        }
    }

    #[test]
    fn a_notes_table_split_in_two_reads_as_one() {
        let first = notes_body(
            &[row([&para("1. Why?"), &listed(BULLETS, 0, "Because."), ""])],
            "",
        );
        let second = table(&[
            header_row(),
            row(["", &listed(BULLETS, 0, "And more."), ""]),
            row([&para("2. How?"), &listed(BULLETS, 0, "Thus."), &para("Assured")]),
        ]);

        let record = record(&(first + &para("") + &second));

        assert_eq!(record.questions.len(), 2);
        assert_eq!(
            texts(&record.questions[0].evidence.items),
            ["Because.", "And more."]
        );
        assert_eq!(record.questions[1].decision, Some(Decision::Assured));
        assert_eq!(record.unplaced, Vec::<String>::new());
    }

    #[test]
    fn runs_tabs_breaks_and_markup_characters_read_as_word_shows_them() {
        let question = format!("<w:p>{}<w:r><w:tab/></w:r>{}</w:p>", run("1."), run("Why?"));
        let evidence = format!(
            "<w:p>{}{}{}<w:r><w:br/></w:r>{}</w:p>",
            run("• Fire & Res"),
            run("cue's plan: fewer than <5 > 3 <p>"),
            run(" &amp; ok"),
            run("second line")
        );
        let decision = format!("<w:p>{}{}</w:p>", run("Assu"), run("red"));

        let record = record(&notes_body(&[row([&question, &evidence, &decision])], ""));

        assert_eq!(texts(&record.questions[0].text.items), ["Why?"]);
        assert_eq!(
            texts(&record.questions[0].evidence.items),
            ["Fire & Rescue's plan: fewer than <5 > 3 <p> &amp; ok second line"]
        );
        assert_eq!(record.questions[0].decision, Some(Decision::Assured));
    }

    #[test]
    fn a_link_keeps_its_address_as_the_published_notes_do() {
        let evidence = format!(
            r#"<w:p>{}<w:hyperlink r:id="rId9">{}</w:hyperlink>{}</w:p>"#,
            run("See "),
            run("the plan"),
            run(".")
        );

        let record = record(&notes_body(&[row([&para("1. Why?"), &evidence, ""])], ""));

        assert_eq!(
            texts(&record.questions[0].evidence.items),
            [format!("See the plan ({LINK}).")]
        );
    }

    #[test]
    fn text_in_nested_tables_and_text_boxes_is_kept_once_and_deleted_text_is_not() {
        let text_box = |text: &str| format!("<w:txbxContent>{}</w:txbxContent>", para(text));
        let boxed = format!(
            "<w:p>{}<w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wps:txbx>{}</wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>{}</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>",
            run("Beside the box:"),
            text_box("boxed words"),
            text_box("boxed words")
        );
        let tracked = format!(
            r#"<w:p>{}<w:del w:id="1" w:author="A"><w:r><w:delText>struck out</w:delText></w:r></w:del><w:ins w:id="2" w:author="A">{}</w:ins><w:moveFrom w:id="3" w:author="A">{}</w:moveFrom><w:moveTo w:id="4" w:author="A">{}</w:moveTo></w:p>"#,
            run("Kept"),
            run(" added"),
            run(" moved"),
            run(" moved")
        );
        let nested = table(&[vec![para("inner one"), para("inner two")]]);
        let evidence = listed(BULLETS, 0, "Outer.") + &nested + &boxed + &tracked;

        let notes = notes(&notes_body(&[row([&para("1. Why?"), &evidence, ""])], ""));

        let words = notes_words(&notes);
        let count = |word: &str| words.iter().filter(|w| *w == word).count();
        assert_eq!((count("inner"), count("one"), count("two")), (2, 1, 1));
        assert_eq!((count("boxed"), count("Beside")), (1, 1));
        assert_eq!((count("Kept"), count("added"), count("moved")), (1, 1, 1));
        assert_eq!((count("struck"), count("out")), (0, 0));
    }

    #[test]
    fn text_outside_the_table_is_kept_for_the_person_to_place() {
        let body = para("Office of the PCC")
            + &notes_body(
                &[row([&para("1. Why?"), &listed(BULLETS, 0, "Because."), ""])],
                &(para("Page 2 of 3")
                    + &table(&[vec![para("Steve Turner"), para("PCC")]])
                    + &para("Action")
                    + &para("1\tThat a report be made.")
                    + &para("See the annex.")),
            );

        let record = record(&body);

        assert_eq!(
            record.unplaced,
            [
                "Office of the PCC",
                "Page 2 of 3",
                "Steve Turner PCC",
                "See the annex."
            ]
        );
        assert_eq!(record.actions.len(), 1);
    }

    #[test]
    fn a_title_set_over_two_paragraphs_is_one_title_line() {
        let rows = [
            vec![para("NOTES - SCRUTINY MEETING (STALKING)") + &para("Tuesday 3rd December 2024")],
            header_row(),
            row([&para("1. Why?"), &listed(BULLETS, 0, "Because."), ""]),
        ];

        let record = record(&(para("Cleveland") + &table(&rows)));

        assert_eq!(record.topic, "Stalking");
        assert_eq!(
            record.held_on,
            NaiveDate::from_ymd_opt(2024, 12, 3).expect("a date")
        );
        assert_eq!(record.unplaced, ["Cleveland"]);
    }

    #[test]
    fn an_empty_file_is_refused_as_empty() {
        assert_eq!(docx_to_notes(b""), Err(DocxError::Empty));
    }

    #[test]
    fn bytes_that_are_not_a_zip_are_refused_as_not_a_word_document() {
        let random: Vec<u8> = (0..4096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();

        for bytes in [&random[..], STALKING.as_bytes(), b"PK\x03\x04 truncated"] {
            assert_eq!(docx_to_notes(bytes), Err(DocxError::NotZip));
        }
        let message = DocxError::NotZip.to_string();
        assert!(message.contains("save the notes from Word as a Word Document (.docx)"));
    }

    #[test]
    fn an_old_or_locked_word_document_is_refused_with_what_to_do() {
        let mut bytes = OLE_MAGIC.to_vec();
        bytes.resize(1024, 0);

        let error = docx_to_notes(&bytes).expect_err("not a .docx");

        assert_eq!(error, DocxError::OldOrLocked);
        assert!(error.to_string().contains("without a password"));
    }

    #[test]
    fn a_zip_without_a_document_is_refused_as_not_word() {
        let bytes = package(&[("word/styles.xml", b"<w:styles/>")]);

        assert_eq!(docx_to_notes(&bytes), Err(DocxError::NotWord));
    }

    #[test]
    fn a_document_that_is_not_word_xml_is_refused_as_damaged() {
        let unclosed = document("<w:p><w:r><w:t>cut off").replace("</w:body></w:document>", "");
        let documents: [&[u8]; 5] = [
            b"{\"this is\": \"json\"}",
            b"<w:document><w:body></w:p></w:body></w:document>",
            b"<html><body><table><tr><td>Question</td></tr></table></body></html>",
            b"<w:document>\xff\xfe</w:document>",
            unclosed.as_bytes(),
        ];

        for document in documents {
            let bytes = package(&[("word/document.xml", document)]);
            let error = docx_to_notes(&bytes).expect_err("not Word XML");
            assert!(matches!(error, DocxError::BadXml(_)), "{error:?}");
        }
    }

    #[test]
    fn a_governance_boards_table_in_word_is_read_row_by_row() {
        let cells = |texts: [&str; 4]| -> Vec<String> { texts.iter().map(|text| para(text)).collect() };
        let mut discussion = cells([
            "01",
            "Finance",
            "The budget is on track.",
            "Report by 30 June 2024 – CFO",
        ]);
        discussion[2].push_str(&listed(BULLETS, 0, "Overtime is up."));
        let body = para("Governance Board")
            + &para("5 March 2024")
            + &table(&[
                cells(["Ref", "Item", "Discussion", "Action / Owner"]),
                discussion,
                cells(["02", "Estates", "The custody suite opens in May.", ""]),
            ]);

        let text = docx_to_notes(&docx(&body)).expect("text");
        let record = crate::import::read_notes(&text).expect("reads");

        assert_eq!(record.shape, crate::import::Shape::Board, "{text}");
        assert_eq!(record.questions.len(), 2);
        assert_eq!(record.questions[0].evidence.items.len(), 2, "{text}");
        assert_eq!(record.actions.len(), 1);
        assert_eq!(record.actions[0].owner, "CFO");
        assert!(record.unplaced.is_empty(), "{:?}", record.unplaced);
        let count = crate::import::words::count(&text, &record);
        assert!(count.all_kept(), "{:?}", count.missing);
    }

    #[test]
    fn a_document_without_a_table_is_its_text_a_paragraph_at_a_time() {
        let body = para(TITLE)
            + &para("Some minutes.")
            + &listed(BULLETS, 0, "First point.")
            + &listed(BULLETS, 1, "Under it.")
            + &para("After.");

        let text = docx_to_notes(&docx(&body)).expect("text");

        assert_eq!(
            text,
            format!("{TITLE}\n\nSome minutes.\n\n• First point.\n    • Under it.\n\nAfter.\n")
        );
        let record = crate::import::read_notes(&text).expect("kept");
        assert!(matches!(record.shape, crate::import::Shape::Unrecognised { .. }));
        assert_eq!(record.unplaced.len(), 4);
    }

    /// A document.xml of 200 MiB of spaces, deflated to a few hundred KiB,
    /// written a MiB at a time; built once for the tests that use it.
    fn bomb() -> &'static [u8] {
        static BOMB: OnceLock<Vec<u8>> = OnceLock::new();
        BOMB.get_or_init(|| {
            let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
            let options = SimpleFileOptions::default()
                .compression_method(CompressionMethod::Deflated)
                .compression_level(Some(1));
            zip.start_file("word/document.xml", options).expect("a zip entry");
            let spaces = vec![b' '; 1 << 20];
            for _ in 0..200 {
                zip.write_all(&spaces).expect("written");
            }
            zip.finish().expect("a zip").into_inner()
        })
    }

    /// Rewrites the uncompressed size a zip declares for `name`, in its local
    /// header and in the central directory.
    fn declare_size(zip: &mut [u8], name: &str, size: u32) {
        for (signature, at) in [(b"PK\x01\x02", 24), (b"PK\x03\x04", 22)] {
            let name_at = if at == 24 { 46 } else { 30 };
            let header = (0..zip.len() - name_at)
                .find(|&i| zip[i..].starts_with(signature) && zip[i + name_at..].starts_with(name.as_bytes()))
                .expect("the entry's header");
            zip[header + at..header + at + 4].copy_from_slice(&size.to_le_bytes());
        }
    }

    #[test]
    fn a_zip_bomb_is_refused_before_it_is_expanded() {
        let bytes = bomb();
        assert!(bytes.len() < 2 << 20);

        let started = Instant::now();
        let error = docx_to_notes(bytes).expect_err("too large");

        assert_eq!(error, DocxError::TooLarge);
        assert!(started.elapsed() < Duration::from_secs(2));
        assert!(error.to_string().contains("more than 50 MiB"));
    }

    #[test]
    fn a_zip_bomb_that_understates_its_size_is_stopped_while_reading() {
        let mut bytes = bomb().to_vec();
        declare_size(&mut bytes, "word/document.xml", 4096);

        let started = Instant::now();
        let error = docx_to_notes(&bytes).expect_err("stopped");

        // The zip reader stops an entry at its declared size.
        assert!(matches!(error, DocxError::Damaged(_)), "{error:?}");
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn a_zip_of_too_many_entries_is_refused() {
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
        for i in 0..=MAX_ENTRIES {
            zip.start_file(format!("{i}"), options).expect("a zip entry");
        }
        let bytes = zip.finish().expect("a zip").into_inner();

        assert_eq!(docx_to_notes(&bytes), Err(DocxError::TooLarge));
    }

    #[test]
    fn a_document_of_too_many_paragraphs_is_refused() {
        let body = notes_body(&[], &"<w:p/>".repeat(MAX_BLOCKS));

        assert_eq!(docx_to_notes(&docx(&body)), Err(DocxError::TooLarge));
    }

    fn paragraph() -> impl Strategy<Value = String> {
        let word = prop_oneof![
            "[a-z]{1,6}",
            prop::sample::select(vec!["Action", "NOTES", "&", "1", "2.", "Question", "Assured"])
                .prop_map(str::to_string),
        ];
        let text = prop::collection::vec(word, 0..5).prop_map(|words| words.join(" "));
        prop_oneof![
            text.clone().prop_map(|text| para(&text)),
            (0..LEVELS, 1..=3u32, text).prop_map(|(level, list, text)| listed(list, level, &text)),
        ]
    }

    fn cell() -> impl Strategy<Value = String> {
        prop::collection::vec(paragraph(), 0..3).prop_map(|cell| cell.concat())
    }

    fn block() -> impl Strategy<Value = String> {
        let rows = prop::collection::vec(prop::collection::vec(cell(), 1..5), 1..4);
        prop_oneof![3 => paragraph(), 1 => rows.prop_map(|rows| table(&rows))]
    }

    /// "2." and "2" are the same number, whether typed or read as one.
    fn plain_numbers(words: Vec<String>) -> Vec<String> {
        let plain = |word: String| match word.strip_suffix('.') {
            Some(number) if number.chars().all(|c| c.is_ascii_digit()) => number.to_string(),
            _ => word,
        };
        words.into_iter().map(plain).collect()
    }

    proptest! {
        #[test]
        fn any_bytes_are_read_without_panicking(
            bytes in prop_oneof![
                prop::collection::vec(any::<u8>(), 0..2048),
                prop::collection::vec(any::<u8>(), 0..2048).prop_map(|b| [&b"PK\x03\x04"[..], &b].concat()),
            ]
        ) {
            let _ = docx_to_notes(&bytes);
        }

        #[test]
        fn any_markup_in_a_document_is_read_without_panicking(
            parts in prop::collection::vec(
                prop::sample::select(vec![
                    "<w:p>", "</w:p>", "<w:r>", "</w:r>", "<w:t>", "</w:t>", "<w:tbl>", "</w:tbl>",
                    "<w:tr>", "</w:tr>", "<w:tc>", "</w:tc>", "<w:tab/>", "<w:br/>", "word", " ",
                    "<w:pPr><w:numPr><w:ilvl w:val=\"9\"/><w:numId w:val=\"2\"/></w:numPr></w:pPr>",
                    "<w:pPr><w:pStyle w:val=\"ListBullet2\"/></w:pPr>",
                    "<w:hyperlink r:id=\"rId9\">", "</w:hyperlink>", "<mc:Fallback>", "</mc:Fallback>",
                    "&amp;", "&#0;", "&#x1F600;", "&unknown;", "<w:tcPr><w:gridSpan w:val=\"99999\"/></w:tcPr>",
                ]),
                0..60,
            )
        ) {
            let _ = docx_to_notes(&docx(&parts.concat()));
        }

        #[test]
        fn every_word_of_any_document_is_in_its_notes(blocks in prop::collection::vec(block(), 0..12)) {
            let body = blocks.concat();
            match docx_to_notes(&docx(&body)) {
                Ok(notes) => {
                    prop_assert_eq!(missing(&body_words(&body), &notes_words(&notes)), Vec::<String>::new());
                }
                Err(error) => {
                    prop_assert_eq!(error, DocxError::NoTable);
                    prop_assert!(!body.contains("<w:tbl>"));
                }
            }
        }

        #[test]
        fn no_word_of_any_notes_document_is_lost_on_import(
            rows in prop::collection::vec(prop::collection::vec(cell(), 3), 0..5),
            after in prop::collection::vec(block(), 0..6),
        ) {
            let body = notes_body(&rows, &after.concat());
            let notes = docx_to_notes(&docx(&body)).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let record = match parse_notes(&notes) {
                Ok(record) => record,
                // A table whose question column is empty has no question
                // to read: refused with that message, so nothing is lost.
                Err(ImportError::NoQuestions) if rows.iter().all(|row| body_words(&row[0]).is_empty()) => {
                    return Ok(());
                }
                Err(e) => return Err(TestCaseError::fail(format!("{e} for {notes:?}"))),
            };
            // The title, the header and the Action heading are the
            // record's structure rather than its text.
            let structure = notes
                .lines()
                .filter(|line| *line == TITLE || *line == HEADER.join("\t") || is_action_heading(line));
            let mut kept = record_words(&record);
            kept.extend(structure.flat_map(|line| line.split_whitespace().map(str::to_string)));
            let lost = missing(&plain_numbers(body_words(&body)), &plain_numbers(kept));
            prop_assert_eq!(lost, Vec::<String>::new());
        }
    }
}
