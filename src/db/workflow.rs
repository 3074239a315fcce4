//! The record's journey: draft → with the PCC → published, back to draft with
//! a comment, corrected, or withdrawn. Each step checks the status it starts
//! from in its UPDATE, so two people pressing buttons at once cannot skip a
//! step, and writes its audit row in the caller's transaction.

use serde_json::json;
use sqlx::PgConnection;

use super::audit::{self, Entry};
use crate::domain::Decision;
use crate::domain::MeetingStatus::{self, Draft, InReview, Published};

/// Moves a meeting from status `from` to `to`; false if it was not in `from`.
async fn step(
    conn: &mut PgConnection,
    meeting_id: i64,
    from: MeetingStatus,
    to: MeetingStatus,
    comment: Option<&str>,
    by: i64,
) -> super::Result<bool> {
    debug_assert!(
        from.may_become(to),
        "{from:?} → {to:?} is not a step of the journey"
    );
    let moved = sqlx::query!(
        "update meeting set status = $3, review_comment = coalesce($4, review_comment),
                version = version + 1, updated_at = now()
         where id = $1 and status = $2",
        meeting_id,
        from.code(),
        to.code(),
        comment
    )
    .execute(&mut *conn)
    .await?;
    if moved.rows_affected() == 0 {
        return Ok(false);
    }
    let (before, after) = (
        json!({ "status": from.code() }),
        json!({ "status": to.code(), "comment": comment }),
    );
    let entry = Entry::change(
        Some(by),
        Some(meeting_id),
        "status",
        "meeting",
        meeting_id,
        Some(before),
        Some(after),
    );
    audit::record(conn, entry).await?;
    Ok(true)
}

/// Staff send a draft to the PCC (any earlier comment is cleared).
pub async fn submit(conn: &mut PgConnection, meeting_id: i64, by: i64) -> super::Result<bool> {
    step(conn, meeting_id, Draft, InReview, Some(""), by).await
}

/// The PCC sends a record back to draft with a comment. The record as they
/// saw it is kept, so that their next review marks what changed since.
pub async fn send_back(
    conn: &mut PgConnection,
    meeting_id: i64,
    comment: &str,
    by: i64,
) -> super::Result<bool> {
    if !step(conn, meeting_id, InReview, Draft, Some(comment), by).await? {
        return Ok(false);
    }
    let seen = super::records::load_live(conn, meeting_id).await?;
    super::review::remember_seen(conn, meeting_id, &seen).await?;
    Ok(true)
}

/// The PCC starts a correction: the live record becomes a draft again while
/// its last revision stays public. What the PCC saw at an earlier review is
/// forgotten: the correction is compared with the revision it corrects.
pub async fn start_correction(conn: &mut PgConnection, meeting_id: i64, by: i64) -> super::Result<bool> {
    if !step(conn, meeting_id, Published, Draft, Some(""), by).await? {
        return Ok(false);
    }
    super::review::forget_seen(conn, meeting_id).await?;
    Ok(true)
}

/// Questions of a meeting that have no decision: their numbers.
pub async fn undecided(conn: &mut PgConnection, meeting_id: i64) -> super::Result<Vec<i32>> {
    sqlx::query_scalar!(
        "select q.position from question q left join decision d on d.question_id = q.id
         where q.meeting_id = $1 and d.question_id is null order by q.position",
        meeting_id
    )
    .fetch_all(conn)
    .await
}

/// The PCC records (or changes) the decision on a question, with the audit
/// row holding the decision before and after. An import records the
/// decision its notes give here too (`by` is then whoever imported them).
pub async fn decide(
    conn: &mut PgConnection,
    question_id: i64,
    meeting_id: i64,
    decision: Decision,
    rationale: &str,
    by: Option<i64>,
) -> super::Result<()> {
    let before = sqlx::query!(
        "select value, rationale from decision where question_id = $1",
        question_id
    )
    .fetch_optional(&mut *conn)
    .await?
    .map(|d| json!({ "decision": d.value, "rationale": d.rationale }));
    // The decision is made on the question as it stands now.
    sqlx::query!(
        "insert into decision (question_id, value, rationale, decided_by, question_version, question_body, question_evidence)
         select q.id, $2, $3, $4, q.version, q.body, q.evidence_text from question q where q.id = $1
         on conflict (question_id) do update
         set value = excluded.value, rationale = excluded.rationale,
             decided_by = excluded.decided_by, decided_at = now(),
             question_version = excluded.question_version, question_body = excluded.question_body,
             question_evidence = excluded.question_evidence",
        question_id,
        decision.code(),
        rationale,
        by,
    )
    .execute(&mut *conn)
    .await?;
    let after = json!({ "decision": decision.code(), "rationale": rationale });
    let entry = Entry::change(
        by,
        Some(meeting_id),
        "decide",
        "question",
        question_id,
        before,
        Some(after),
    );
    audit::record(conn, entry).await
}
