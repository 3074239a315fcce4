//! Staff write a whole record through the real forms.

mod actions;
mod documents;
mod meetings;
mod questions;

use crate::common::{RecordBuilder, Visitor};

/// The new-meeting form as staff fill it in.
const MEETING: &[(&str, &str)] = &[
    ("topic", "Stalking"),
    ("held_on", "2024-12-03"),
    ("starts_at", "10:00"),
    ("place", "Police HQ, Middlesbrough"),
    ("kind", "Scrutiny meeting"),
    (
        "attendees",
        "Steve Turner, Police and Crime Commissioner\nMark Webster, Chief Constable",
    ),
    ("apologies", "Jo Bloggs, Head of Finance"),
    ("introduction", ""),
    ("version", ""),
];

/// A draft on stalking written by `staff`, with `questions` (text,
/// evidence); returns its editor address and its question ids.
async fn draft(staff: &Visitor<'_>, questions: &[(&str, &str)]) -> (String, Vec<i64>) {
    let mut record = RecordBuilder::new("2024-12-03", "Stalking").by(staff.account_id());
    for (text, evidence) in questions {
        record = record.question(text).evidence(evidence);
    }
    let record = record.draft(&staff.app.pool).await;
    (format!("/staff/meetings/{}", record.id), record.questions)
}
