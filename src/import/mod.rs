//! Bringing existing notes in: a file (published notes as text, or a Word
//! document) becomes a draft record for a person to check. Nothing in the
//! source is lost: text the parser cannot place is kept on the draft,
//! flagged.

pub mod batch;
pub mod board;
pub mod docx;
pub mod minutes;
pub mod notes;
pub mod pdf;
pub mod responses;
pub mod unrecognised;
pub mod words;

use chrono::NaiveDate;
use sqlx::PgConnection;

use crate::db::actions::{self, ActionFields};
use crate::db::audit::{self, Entry};
use crate::db::meetings::{self, Details};
use crate::db::{questions, workflow};
use crate::domain::MeetingSlug;
use crate::domain::record::ActionStatus;
use notes::{ImportError, ImportedRecord};

/// Largest file accepted.
pub const MAX_IMPORT_BYTES: usize = 50 * 1024 * 1024;

/// Why a file cannot be imported; each message says what is wrong.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is larger than 50 MB")]
    TooLarge,
    #[error(
        "the file is not text (it holds binary data): import notes saved as text, a Word (.docx) document or a PDF"
    )]
    Binary,
    // Transparent: the reason is said once, also where the whole chain of
    // causes is printed (the command line's one error line).
    #[error(transparent)]
    Word(#[from] docx::DocxError),
    #[error(transparent)]
    Pdf(#[from] pdf::PdfError),
    #[error(transparent)]
    Format(#[from] ImportError),
}

/// Reads a file's bytes as text to import: text, a Word document (whose
/// first table, if it has the three columns, is written as notes in the
/// published format) or a PDF.
pub fn read_source(bytes: &[u8]) -> Result<String, SourceError> {
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(SourceError::TooLarge);
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(SourceError::Empty);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Ok(docx::docx_to_notes(bytes)?);
    }
    if pdf::is_pdf(bytes) {
        return Ok(pdf::to_text(bytes)?);
    }
    let text = decode(bytes);
    let text = text.as_ref();
    let controls = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
        .count();
    if text.contains('\0') || controls > text.len() / 100 {
        return Err(SourceError::Binary);
    }
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text).to_owned())
}

/// The text of `bytes`: UTF-8; UTF-16 or UTF-8 with its byte-order mark
/// (Notepad's "Unicode"); or else Windows-1252, which Word and Notepad
/// save as "plain text" on a British Windows, so that "£" and "é" in older
/// notes are read as they were written.
fn decode(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return encoding.decode_without_bom_handling(&bytes[bom..]).0;
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0,
    }
}

/// Reads and parses a file.
pub fn parse_file(bytes: &[u8]) -> Result<ImportedRecord, SourceError> {
    Ok(read_notes(&read_source(bytes)?)?)
}

/// Reads notes in a shape the importer knows; text in none becomes a
/// record whose text is all kept unplaced, so that no readable text is
/// refused. Fails only for a text with nothing in it.
pub fn read_notes(text: &str) -> Result<ImportedRecord, ImportError> {
    match notes::parse_notes(text) {
        Err(ImportError::Empty) => Err(ImportError::Empty),
        Err(why) => Ok(responses::read(text)
            .or_else(|| board::read(text))
            .or_else(|| minutes::read(text))
            .unwrap_or_else(|| unrecognised::read(text, &why))),
        Ok(record) => Ok(record),
    }
}

/// What a text was read as.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum Shape {
    /// Notes in the published format: a title line, then a Question /
    /// Brief Summary of Evidence / Decision of PCC table.
    PublishedNotes,
    /// Minutes: a heading (the meeting, its date, time and place), who was
    /// present and who sent apologies, then numbered agenda items, each
    /// read as a question (its title) with its discussion as evidence and
    /// its "Action:" lines as actions.
    Minutes,
    /// A governance board's table: a row an item, with its reference, its
    /// discussion and its action and owner.
    Board,
    /// Question-and-response notes: "Question from the PCC:" and
    /// "Response:" pairs, each read as a question with its evidence.
    Questions,
    /// In no shape the importer knows, for the reason `why`: all of its
    /// text is unplaced. `dated_by_import` when no date was found in it,
    /// so that the record is dated by the day of the import.
    Unrecognised { why: String, dated_by_import: bool },
}

impl Shape {
    /// The shape in words, as the preview and the command line name it.
    pub fn name(&self) -> &'static str {
        match self {
            Shape::PublishedNotes => {
                "published notes (a Question, Brief Summary of Evidence and Decision of PCC table)"
            }
            Shape::Minutes => "minutes (a heading, who was present, then numbered agenda items)",
            Shape::Board => "a governance board's table (reference, item, discussion, action and owner)",
            Shape::Questions => "questions and responses (\"Question from the PCC:\" and \"Response:\")",
            Shape::Unrecognised { .. } => "text in no shape the importer knows, kept whole as unplaced text",
        }
    }
}

/// The SHA-256 of `text`, in hexadecimal.
pub(crate) fn sha256_hex(text: &str) -> String {
    hex::encode(<sha2::Sha256 as sha2::Digest>::digest(text.as_bytes()))
}

/// Reads the date the original notes were published, as
/// `scrutiny import --published-on` and the import preview take it: a date
/// as YYYY-MM-DD, or "unknown" (or nothing) when it is not known, which is
/// `None`. A date after today (in London) cannot be a publication date.
pub fn parse_published_on(text: &str) -> Result<Option<NaiveDate>, String> {
    let text = text.trim();
    if text.is_empty() || text.eq_ignore_ascii_case("unknown") {
        return Ok(None);
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        format!("{text:?} is not a date: give it as YYYY-MM-DD, like 2024-12-05, or \"unknown\"")
    })?;
    if date > crate::domain::london::today() {
        return Err(format!(
            "{text} is in the future: the notes cannot have been published then"
        ));
    }
    if chrono::Datelike::year(&date) < 1900 {
        return Err(format!("{text} is too long ago to be a publication date"));
    }
    Ok(Some(date))
}

/// Why a draft was not created.
#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    #[error(
        "a record with the address {0} exists already; nothing was created (replace it only if it is a draft: --replace-draft)"
    )]
    Exists(String),
    #[error("the record {0} exists and is not a draft that was never published, so it cannot be replaced")]
    NotReplaceable(String),
    /// The same notes were imported before, as the meeting `id`.
    #[error("these notes were imported already, as /staff/meetings/{id}; nothing was created")]
    AlreadyImported { id: i64 },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// The draft made by an import.
#[derive(Debug, Clone)]
pub struct Draft {
    pub meeting_id: i64,
    pub slug: MeetingSlug,
    pub questions: usize,
    pub actions: usize,
    pub unplaced: usize,
}

impl Draft {
    /// The staff address of the draft.
    pub fn address(&self) -> String {
        format!("/staff/meetings/{}", self.meeting_id)
    }
}

/// The slug an imported record takes.
pub fn slug_of(record: &ImportedRecord) -> MeetingSlug {
    MeetingSlug::new(record.held_on, &record.topic)
        .unwrap_or_else(|| MeetingSlug::new(record.held_on, "meeting").expect("a fixed topic makes a slug"))
}

/// Creates a draft from `record`, in the caller's transaction. When its slug
/// is taken, creates nothing (saying so when the record there was imported
/// from the same notes), unless `replace` and the existing record is a
/// draft never published, which is then deleted first. The draft keeps the
/// time of the import and `published_on`, the date its notes were first
/// published (`None`: not known); its decisions are dated by the meeting,
/// as recorded in the notes, not by the import's clock.
pub async fn create_draft(
    conn: &mut PgConnection,
    record: &ImportedRecord,
    published_on: Option<NaiveDate>,
    replace: bool,
    by: Option<i64>,
) -> Result<Draft, DraftError> {
    let slug = slug_of(record);
    let source = Some(record.source_sha256.as_str()).filter(|s| !s.is_empty());
    if let Some(source) = source.filter(|_| !replace)
        && let Some(id) = meetings::imported_from(conn, source).await?
    {
        return Err(DraftError::AlreadyImported { id });
    }
    if let Some(existing) = meetings::lock_by_slug(conn, slug.as_str()).await? {
        if !replace {
            return Err(DraftError::Exists(slug.to_string()));
        }
        if !existing.replaceable() {
            return Err(DraftError::NotReplaceable(slug.to_string()));
        }
        meetings::delete_unpublished(conn, existing.id, slug.as_str(), "import", by).await?;
    }
    let details = Details {
        topic: record.topic.clone(),
        held_on: record.held_on,
        starts_at: record.details.starts_at,
        place: record.details.place.clone(),
        kind: record.kind.clone(),
        introduction: String::new(),
        attendees: record.details.attendees.clone(),
        apologies: record.details.apologies.clone(),
    };
    let (meeting_id, created_slug) = meetings::create(conn, &details, by).await?;
    debug_assert_eq!(created_slug, slug.as_str(), "the slug was free");
    for question in &record.questions {
        let (text, evidence) = (question.text.to_text(), question.evidence.to_text());
        let id = questions::add(conn, meeting_id, &text, &evidence, by).await?;
        if let Some(decision) = question.decision {
            // As the source gives it; the PCC reviews it before publication.
            workflow::decide(conn, id, meeting_id, decision, &question.rationale, by).await?;
            questions::decision_from_notes(conn, id).await?;
        }
    }
    for action in &record.actions {
        let revisit = action.text.to_lowercase().contains("re-visit");
        let fields = ActionFields {
            body: action.text.clone(),
            owner: action.owner.clone(),
            due_on: action.due_on,
            status: ActionStatus::Open,
            revisit_topic: revisit.then(|| record.topic.clone()),
        };
        actions::add(conn, meeting_id, &fields, by).await?;
    }
    meetings::set_unplaced(conn, meeting_id, &record.unplaced.join("\n\n")).await?;
    meetings::set_imported(conn, meeting_id, published_on, source).await?;
    let after = serde_json::json!({
        "questions": record.questions.len(),
        "actions": record.actions.len(),
        "unplaced": record.unplaced,
        "original_published_on": published_on,
    });
    audit::record(
        conn,
        Entry::change(
            by,
            Some(meeting_id),
            "import",
            "meeting",
            meeting_id,
            None,
            Some(after),
        ),
    )
    .await?;
    Ok(Draft {
        meeting_id,
        slug,
        questions: record.questions.len(),
        actions: record.actions.len(),
        unplaced: record.unplaced.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn older_text_in_windows_1252_or_utf_16_is_read_as_written() {
        assert_eq!(
            read_source(b"Caf\xe9 \xa361.57 \x93quoted\x94\n").expect("read"),
            "Café £61.57 “quoted”\n"
        );
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Café £61\n".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(read_source(&utf16).expect("read"), "Café £61\n");
        // Binary is still refused.
        let binary = [0x00, 0x81, 0x8d, 0x01, 0x02, 0x03, 0x04];
        assert!(matches!(read_source(&binary), Err(SourceError::Binary)));
    }

    #[test]
    fn a_publication_date_is_a_past_date_or_unknown() {
        assert_eq!(
            parse_published_on("2024-12-05"),
            Ok(NaiveDate::from_ymd_opt(2024, 12, 5))
        );
        for unknown in ["unknown", "Unknown", "", "  "] {
            assert_eq!(parse_published_on(unknown), Ok(None), "{unknown:?}");
        }
        for bad in ["2024-13-01", "5/12/2024", "yesterday", "2999-01-01", "1066-10-14"] {
            assert!(parse_published_on(bad).is_err(), "{bad}");
        }
    }
}
