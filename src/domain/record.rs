//! The record as the public reads it. A publication freezes one of these as
//! an immutable revision (stored as JSON with a content hash); public pages
//! and open data are rendered from it, never from the tables staff edit.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Decision, MeetingSlug, Outline};

/// A published record, as frozen in a revision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicRecord {
    pub slug: MeetingSlug,
    pub topic: String,
    pub held_on: NaiveDate,
    pub starts_at: Option<NaiveTime>,
    pub place: String,
    pub kind: String,
    pub introduction: String,
    /// Set when the record was imported from notes published elsewhere
    /// first. Absent from revisions frozen before imports kept their dates,
    /// whose JSON (and so content hash) is unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imported: Option<Imported>,
    pub attendees: Vec<Person>,
    pub apologies: Vec<Person>,
    pub questions: Vec<PublicQuestion>,
    pub documents: Vec<PublicDocument>,
    /// The follow-up actions as agreed. Revisions published before actions
    /// were frozen have none here (their actions are kept beside them).
    #[serde(default)]
    pub actions: Vec<AgreedAction>,
}

/// A follow-up action as the PCC published it: what was agreed, by whom,
/// by when. Its status and progress are not part of it: they stay live.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgreedAction {
    pub number: u32,
    pub text: String,
    pub owner: String,
    pub due_on: Option<NaiveDate>,
    /// For a "re-visit" action: the topic it puts on the forward plan.
    pub revisit_topic: Option<String>,
}

/// Where an imported record came from, and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Imported {
    /// When the notes were imported into the app.
    pub imported_at: DateTime<Utc>,
    /// The date the original notes were first published; `None` when the
    /// person importing them did not know it.
    pub original_published_on: Option<NaiveDate>,
}

/// Someone who attended, or sent apologies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub name: String,
    pub role: String,
}

/// One question with its evidence and decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicQuestion {
    pub number: u32,
    pub text: Outline,
    pub evidence: Outline,
    pub decision: Option<PublicDecision>,
}

/// The PCC's decision on a question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicDecision {
    pub value: Decision,
    pub rationale: String,
    /// When the PCC recorded it in the app; `None` for a decision taken
    /// from imported notes.
    pub decided_at: Option<DateTime<Utc>>,
    /// Whether the decision is as recorded in the original notes of the
    /// meeting (an import), not made in the app. Absent (false) from older
    /// revisions.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub from_original_notes: bool,
}

/// A document attached to the record or to one question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicDocument {
    pub id: i64,
    pub title: String,
    /// The link, or the app's own download address for a stored file.
    pub href: String,
    pub question_number: Option<u32>,
    pub content_type: Option<String>,
    pub byte_size: Option<i64>,
}

/// Status of a follow-up action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    Open,
    InProgress,
    Done,
    CarriedForward,
}

impl ActionStatus {
    pub const ALL: [ActionStatus; 4] = [
        ActionStatus::Open,
        ActionStatus::InProgress,
        ActionStatus::Done,
        ActionStatus::CarriedForward,
    ];

    /// The value stored in the database and used in addresses.
    pub fn code(self) -> &'static str {
        match self {
            ActionStatus::Open => "open",
            ActionStatus::InProgress => "in_progress",
            ActionStatus::Done => "done",
            ActionStatus::CarriedForward => "carried_forward",
        }
    }

    /// The wording people read.
    pub fn label(self) -> &'static str {
        match self {
            ActionStatus::Open => "Open",
            ActionStatus::InProgress => "In progress",
            ActionStatus::Done => "Done",
            ActionStatus::CarriedForward => "Carried forward",
        }
    }

    pub fn from_code(code: &str) -> Option<ActionStatus> {
        ActionStatus::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// A follow-up action as the public reads it: the agreed action, frozen in
/// the revision, and its progress since publication (status and dated
/// notes), which staff keep up to date without a new revision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicAction {
    pub number: u32,
    pub text: String,
    pub owner: String,
    pub due_on: Option<NaiveDate>,
    pub status: ActionStatus,
    /// When the status last changed; `None` while it is as it was agreed.
    pub status_changed_on: Option<NaiveDate>,
    pub progress: Vec<ProgressNote>,
}

/// A dated note on an action's progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgressNote {
    pub noted_on: NaiveDate,
    pub note: String,
}

/// The SHA-256, in hex, of a revision's content as JSON with its keys in
/// order: what the revision and the ledger hold, and what `scrutiny verify`
/// recomputes.
pub fn content_hash(content: &serde_json::Value) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(content.to_string().as_bytes()))
}
