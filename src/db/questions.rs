//! Questions and their evidence, as staff edit them. Numbers are positions,
//! kept gapless: adding appends, deleting and moving renumber.

use serde_json::json;
use sqlx::PgConnection;

use super::audit::{self, Entry};
use super::meetings::Saved;

/// A question as stored: its text and its evidence as typed, each the one
/// source of the outline parsed from it, and its version.
#[derive(Debug, Clone)]
pub struct Question {
    pub id: i64,
    pub meeting_id: i64,
    pub position: i32,
    pub body: String,
    pub evidence_text: String,
    pub version: i32,
    pub decision: Option<String>,
}

/// The questions of a meeting, in order.
pub async fn of_meeting(conn: &mut PgConnection, meeting_id: i64) -> super::Result<Vec<Question>> {
    sqlx::query_as!(
        Question,
        r#"select q.id, q.meeting_id, q.position, q.body, q.evidence_text, q.version, d.value as "decision?"
           from question q left join decision d on d.question_id = q.id
           where q.meeting_id = $1 order by q.position"#,
        meeting_id
    )
    .fetch_all(conn)
    .await
}

pub async fn get(conn: &mut PgConnection, id: i64) -> super::Result<Option<Question>> {
    sqlx::query_as!(
        Question,
        r#"select q.id, q.meeting_id, q.position, q.body, q.evidence_text, q.version, d.value as "decision?"
           from question q left join decision d on d.question_id = q.id where q.id = $1"#,
        id
    )
    .fetch_optional(conn)
    .await
}

/// Marks the decision on question `id` as taken from imported notes: it
/// was not made in the app, so it keeps no time of its own (the import's
/// clock would be a false one). A decision the PCC records afterwards gets
/// its time again (`workflow::decide`).
pub async fn decision_from_notes(conn: &mut PgConnection, id: i64) -> super::Result<()> {
    sqlx::query!("update decision set decided_at = null where question_id = $1", id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Adds a question after the last one; returns its id.
pub async fn add(
    conn: &mut PgConnection,
    meeting_id: i64,
    body: &str,
    evidence_text: &str,
    by: Option<i64>,
) -> super::Result<i64> {
    // Lock the meeting so two additions do not take the same number.
    sqlx::query!("select id from meeting where id = $1 for update", meeting_id)
        .fetch_one(&mut *conn)
        .await?;
    let id = sqlx::query_scalar!(
        "insert into question (meeting_id, position, body, evidence_text)
         select $1, coalesce(max(position), 0) + 1, $2, $3 from question where meeting_id = $1
         returning id",
        meeting_id,
        body,
        evidence_text
    )
    .fetch_one(&mut *conn)
    .await?;
    let after = json!({ "text": body, "evidence": evidence_text });
    audit::record(
        conn,
        Entry::change(by, Some(meeting_id), "create", "question", id, None, Some(after)),
    )
    .await?;
    Ok(id)
}

/// Saves a question's text and evidence if `version` is still current.
pub async fn update(
    conn: &mut PgConnection,
    id: i64,
    version: i32,
    body: &str,
    evidence_text: &str,
    by: i64,
) -> super::Result<Saved> {
    let Some(before) = get(conn, id).await? else {
        return Ok(Saved::Conflict);
    };
    let updated = sqlx::query!(
        "update question set body = $3, evidence_text = $4, version = version + 1 where id = $1 and version = $2",
        id,
        version,
        body,
        evidence_text
    )
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() == 0 {
        return Ok(Saved::Conflict);
    }
    let b = json!({ "text": before.body, "evidence": before.evidence_text });
    let a = json!({ "text": body, "evidence": evidence_text });
    audit::record(
        conn,
        Entry::change(
            Some(by),
            Some(before.meeting_id),
            "update",
            "question",
            id,
            Some(b),
            Some(a),
        ),
    )
    .await?;
    Ok(Saved::Saved)
}

/// Deletes a question and renumbers the ones after it.
pub async fn delete(conn: &mut PgConnection, question: &Question, by: i64) -> super::Result<()> {
    sqlx::query!("set constraints all deferred")
        .execute(&mut *conn)
        .await?;
    // Its documents go with it, but for those a revision lists: they stay,
    // out of the draft, for that revision (see `documents::delete`).
    sqlx::query!(
        "update document d set removed = true
         where d.question_id = $1 and exists (select 1 from revision r where r.meeting_id = d.meeting_id
                                              and r.content->'documents' @> jsonb_build_array(jsonb_build_object('id', d.id)))",
        question.id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "delete from document where question_id = $1 and not removed",
        question.id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!("delete from question where id = $1", question.id)
        .execute(&mut *conn)
        .await?;
    sqlx::query!(
        "update question set position = position - 1 where meeting_id = $1 and position > $2",
        question.meeting_id,
        question.position
    )
    .execute(&mut *conn)
    .await?;
    let before =
        json!({ "number": question.position, "text": question.body, "evidence": question.evidence_text });
    let entry = Entry::change(
        Some(by),
        Some(question.meeting_id),
        "delete",
        "question",
        question.id,
        Some(before),
        None,
    );
    audit::record(conn, entry).await
}

/// Swaps a question with the one before (`up`) or after it. At either end,
/// nothing moves.
pub async fn shift(conn: &mut PgConnection, question: &Question, up: bool, by: i64) -> super::Result<()> {
    let other = if up {
        question.position - 1
    } else {
        question.position + 1
    };
    sqlx::query!("set constraints all deferred")
        .execute(&mut *conn)
        .await?;
    let moved = sqlx::query!(
        "update question set position = $3 where meeting_id = $1 and position = $2",
        question.meeting_id,
        other,
        question.position
    )
    .execute(&mut *conn)
    .await?;
    if moved.rows_affected() == 0 {
        return Ok(());
    }
    sqlx::query!(
        "update question set position = $2 where id = $1",
        question.id,
        other
    )
    .execute(&mut *conn)
    .await?;
    let (b, a) = (json!({ "number": question.position }), json!({ "number": other }));
    audit::record(
        conn,
        Entry::change(
            Some(by),
            Some(question.meeting_id),
            "move",
            "question",
            question.id,
            Some(b),
            Some(a),
        ),
    )
    .await
}
