//! The package: the zip's parts, read within limits, and the addresses
//! of the document's links.

use super::*;

/// The start of an OLE compound file: a Word 97–2003 .doc, or a .docx that
/// Word has encrypted with a password.
pub(super) const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

pub(super) struct Parts {
    pub(super) document: String,
    pub(super) numbering: Option<String>,
    pub(super) styles: Option<String>,
    pub(super) links: Option<String>,
}

pub(super) fn unzip(bytes: &[u8]) -> Result<Parts, DocxError> {
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
pub(super) fn read_entry(
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

/// The external addresses of the document's links, by relationship id.
pub(super) fn read_links(xml: &str) -> HashMap<String, String> {
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
