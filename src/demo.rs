//! The demo record: the real published notes of the Stalking scrutiny
//! meeting of 3 December 2024, loaded into a new, empty private database.

use anyhow::Context;
use sqlx::PgPool;

use crate::db::records;
use crate::domain::MeetingSlug;
use crate::import::notes::parse_notes;

/// The source notes, word for word as published.
pub const NOTES: &str = include_str!("../tests/fixtures/scrutiny-notes-stalking-2024-12-03.txt");

/// Loads the demo record as published, in one transaction, as an import
/// of notes whose original publication date is not known: its decisions
/// are as recorded in the notes. Returns its slug.
pub async fn load(pool: &PgPool) -> anyhow::Result<MeetingSlug> {
    let notes = parse_notes(NOTES).context("the demo notes do not parse")?;
    let mut tx = pool.begin().await?;
    // The date these notes were first published is not known here, and
    // the demo says so, as any import does.
    let draft = crate::import::create_draft(&mut tx, &notes, None, false, None).await?;
    records::publish(&mut tx, draft.meeting_id, None, None).await?;
    tx.commit().await?;
    Ok(draft.slug)
}
