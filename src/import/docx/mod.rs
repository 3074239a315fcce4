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

mod body;
mod numbering;
mod package;
mod write;

use body::*;
use numbering::*;
use package::*;
use write::*;

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

/// The value of the attribute with this local name, whatever its prefix.
fn attribute(element: &BytesStart, name: &str) -> Option<String> {
    let found = element
        .attributes()
        .flatten()
        .find(|attribute| attribute.key.local_name().as_ref() == name)?;
    let value = found.normalized_value(XmlVersion::Implicit1_0).ok()?;
    Some(value.into_owned())
}

#[cfg(test)]
mod tests;
