//! The body, `word/document.xml`: paragraphs, lists, tables and links
//! read into blocks.

use super::*;

pub(super) const WORD_NAMESPACES: [&str; 2] = [
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
];
pub(super) const COMPATIBILITY_NAMESPACE: &str =
    "http://schemas.openxmlformats.org/markup-compatibility/2006";
pub(super) const MATH_NAMESPACE: &str = "http://schemas.openxmlformats.org/officeDocument/2006/math";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Space {
    Word,
    Compatibility,
    Math,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tag {
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
pub(super) struct OpenParagraph {
    text: String,
    pub(super) style: Option<String>,
    pub(super) list: Option<String>,
    pub(super) level: Option<usize>,
}

#[derive(Default)]
pub(super) struct OpenTable {
    rows: Vec<Row>,
    row: Row,
    cell: Cell,
}

impl OpenTable {
    pub(super) fn end_cell(&mut self) {
        let cell = std::mem::take(&mut self.cell);
        self.row.push(Cell {
            span: cell.span.max(1),
            ..cell
        });
    }

    pub(super) fn end_row(&mut self) {
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
pub(super) struct BodyReader<'a> {
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

pub(super) fn read_body(
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
    pub(super) fn start(&mut self, namespace: Space, name: &str, element: &BytesStart) {
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

    pub(super) fn word_start(&mut self, name: &str, element: &BytesStart) -> Tag {
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

    pub(super) fn end(&mut self) {
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

    pub(super) fn text(&mut self, text: &str) {
        if self.stack.last() == Some(&Tag::Text) {
            self.push_text(text);
        }
    }

    pub(super) fn reference(&mut self, reference: &BytesRef) -> Result<(), DocxError> {
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

    pub(super) fn push_text(&mut self, text: &str) {
        if let Some(paragraph) = &mut self.paragraph {
            paragraph.text.push_str(text);
        }
    }

    pub(super) fn end_link(&mut self) {
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

    pub(super) fn end_paragraph(&mut self) {
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

    pub(super) fn end_table(&mut self) {
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
