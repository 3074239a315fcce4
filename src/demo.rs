//! The demo record: the real published notes of the Stalking scrutiny
//! meeting of 3 December 2024, loaded into a new, empty private database.

use anyhow::Context;
use sqlx::PgPool;

use crate::db::records::{self, NewMeeting};
use crate::domain::MeetingSlug;
use crate::import::notes::parse_notes;

/// The source notes, word for word as published.
pub const NOTES: &str = include_str!("../tests/fixtures/scrutiny-notes-stalking-2024-12-03.txt");

/// Whether the database holds nothing at all: no record, account or history.
pub async fn is_empty(pool: &PgPool) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select not exists (select 1 from meeting)
              and not exists (select 1 from account)
              and not exists (select 1 from audit_log) as "empty!""#
    )
    .fetch_one(pool)
    .await
}

/// Loads the demo record as published, in one transaction. Returns its slug.
pub async fn load(pool: &PgPool) -> anyhow::Result<MeetingSlug> {
    let notes = parse_notes(NOTES).context("the demo notes do not parse")?;
    let slug = MeetingSlug::new(notes.held_on, &notes.topic).context("the demo has no topic")?;
    let mut tx = pool.begin().await?;
    let meeting = NewMeeting {
        slug: &slug,
        topic: &notes.topic,
        held_on: notes.held_on,
        kind: &notes.kind,
    };
    let meeting_id = records::insert_meeting(&mut tx, meeting, None).await?;
    for question in &notes.questions {
        // Numbered in the order added, as in the source.
        let id = records::insert_question(&mut tx, meeting_id, &question.text, &question.evidence).await?;
        if let Some(decision) = question.decision {
            records::set_decision(&mut tx, id, decision, "", None).await?;
        }
    }
    for action in &notes.actions {
        let revisit = action.text.contains("re-visit").then_some(notes.topic.as_str());
        records::insert_action(
            &mut tx,
            meeting_id,
            i32::try_from(action.number)?,
            &action.text,
            revisit,
        )
        .await?;
    }
    records::publish(&mut tx, meeting_id, None, None).await?;
    tx.commit().await?;
    Ok(slug)
}
