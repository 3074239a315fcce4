//! What the PCC's review compares: the record as the PCC last saw it, and
//! decisions whose question changed after they were made, which must be
//! confirmed (or changed) before the record is published.

use serde_json::json;
use sqlx::PgConnection;
use sqlx::types::Json;

use super::audit::{self, Entry};
use crate::domain::record::PublicRecord;

/// Keeps `seen`, the record as the PCC saw it when sending it back.
pub async fn remember_seen(
    conn: &mut PgConnection,
    meeting_id: i64,
    seen: &PublicRecord,
) -> super::Result<()> {
    let content = serde_json::to_value(seen).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query!(
        "update meeting set reviewed_content = $2 where id = $1",
        meeting_id,
        content
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Forgets what the PCC saw at an earlier review.
pub async fn forget_seen(conn: &mut PgConnection, meeting_id: i64) -> super::Result<()> {
    sqlx::query!(
        "update meeting set reviewed_content = null where id = $1",
        meeting_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// What the live record is compared with on the review page.
#[derive(Debug, Clone)]
pub struct Baseline {
    pub record: PublicRecord,
    /// Whether it is the record as the PCC sent it back (else the latest
    /// revision, which a correction corrects).
    pub sent_back: bool,
}

/// The record as the PCC saw it when they sent it back, else (for a
/// correction) the latest revision; `None` for a record the PCC has not
/// seen.
pub async fn baseline(conn: &mut PgConnection, meeting_id: i64) -> super::Result<Option<Baseline>> {
    let row = sqlx::query!(
        r#"select c.content as "content?: Json<PublicRecord>", c.content ? 'actions' as "frozen_actions?",
                  m.reviewed_content is not null as "sent_back!",
                  (select max(r.number) from revision r where r.meeting_id = m.id) as latest
           from meeting m
           cross join lateral (
               select coalesce(m.reviewed_content,
                               (select r.content from revision r where r.meeting_id = m.id order by r.number desc limit 1))
                      as content
           ) c
           where m.id = $1"#,
        meeting_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some((Some(content), frozen_actions, sent_back, latest)) =
        row.map(|r| (r.content, r.frozen_actions, r.sent_back, r.latest))
    else {
        return Ok(None);
    };
    // A revision published before actions were frozen keeps them beside it;
    // a snapshot of the live record always holds them.
    let record = super::public::decode(
        conn,
        content,
        frozen_actions.unwrap_or(true),
        meeting_id,
        latest.unwrap_or(0),
    )
    .await?;
    Ok(Some(Baseline { record, sent_back }))
}

/// A decision whose question changed after it was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unconfirmed {
    pub question_id: i64,
    /// The question's number now.
    pub number: i32,
    pub text_changed: bool,
    pub evidence_changed: bool,
    /// The question's text and evidence as they were when it was decided.
    pub decided_body: String,
    pub decided_evidence: String,
}

impl Unconfirmed {
    /// What changed, as the PCC reads it: "Question 2's evidence".
    pub fn what(&self) -> String {
        let part = match (self.text_changed, self.evidence_changed) {
            (true, true) => "text and evidence",
            (true, false) => "text",
            _ => "evidence",
        };
        format!("Question {}'s {part}", self.number)
    }
}

/// The decisions of a meeting whose question's text or evidence changed
/// after the decision was made or last confirmed, in question order. A save
/// that changed nothing is not a change.
pub async fn unconfirmed(conn: &mut PgConnection, meeting_id: i64) -> super::Result<Vec<Unconfirmed>> {
    sqlx::query_as!(
        Unconfirmed,
        r#"select q.id as question_id, q.position as number,
                  q.body <> d.question_body as "text_changed!",
                  q.evidence_text <> d.question_evidence as "evidence_changed!",
                  d.question_body as "decided_body!", d.question_evidence as "decided_evidence!"
           from question q join decision d on d.question_id = q.id
           where q.meeting_id = $1 and q.version <> d.question_version
             and (q.body <> d.question_body or q.evidence_text <> d.question_evidence)
           order by q.position"#,
        meeting_id
    )
    .fetch_all(conn)
    .await
}

/// The PCC confirms the decision on a question as it stands now: the same
/// decision and rationale, re-recorded for the question's current version,
/// with its audit row. False if the question has no decision.
pub async fn confirm(
    conn: &mut PgConnection,
    question_id: i64,
    meeting_id: i64,
    by: i64,
) -> super::Result<bool> {
    let Some(row) = sqlx::query!(
        r#"with old as (select question_version from decision where question_id = $1 for update)
           update decision d
           set question_version = q.version, question_body = q.body, question_evidence = q.evidence_text,
               decided_by = $2, decided_at = now()
           from question q, old
           where q.id = d.question_id and d.question_id = $1
           returning d.value, d.rationale, q.version, old.question_version as old_version"#,
        question_id,
        by
    )
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(false);
    };
    let before = json!({ "decision": row.value, "question_version": row.old_version });
    let after = json!({ "decision": row.value, "rationale": row.rationale, "question_version": row.version });
    let entry = Entry::change(
        Some(by),
        Some(meeting_id),
        "confirm",
        "question",
        question_id,
        Some(before),
        Some(after),
    );
    audit::record(conn, entry).await?;
    Ok(true)
}
