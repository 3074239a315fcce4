//! The live record staff edit, and its publication as a frozen revision.

use sqlx::PgConnection;

use super::audit::{self, Entry};
use super::ledger::{self, Event};
use crate::domain::record::{
    AgreedAction, Imported, Person, PublicDecision, PublicDocument, PublicQuestion, PublicRecord,
    content_hash,
};
use crate::domain::slug::topic_slug;
use crate::domain::{Decision, MeetingSlug, MeetingStatus, Outline};

/// The live record as the public would see it if it were published now.
pub async fn load_live(conn: &mut PgConnection, meeting_id: i64) -> super::Result<PublicRecord> {
    let m = sqlx::query!(
        "select slug, topic, held_on, starts_at, place, kind, introduction, imported_at, original_published_on
         from meeting where id = $1",
        meeting_id
    )
    .fetch_one(&mut *conn)
    .await?;
    let people = sqlx::query!(
        "select name, role, present from attendee where meeting_id = $1 order by present desc, position",
        meeting_id
    )
    .fetch_all(&mut *conn)
    .await?;
    let questions = sqlx::query!(
        r#"select q.id, q.position, q.body, q.evidence_text, d.value as "decision?", d.rationale as "rationale?", d.decided_at as "decided_at?"
           from question q left join decision d on d.question_id = q.id
           where q.meeting_id = $1 order by q.position"#,
        meeting_id
    )
    .fetch_all(&mut *conn)
    .await?;
    let documents = sqlx::query!(
        r#"select d.id, d.title, d.url, d.content_type, d.byte_size, q.position as "question_number?"
           from document d left join question q on q.id = d.question_id
           where d.meeting_id = $1 and not d.removed order by q.position nulls first, d.id"#,
        meeting_id
    )
    .fetch_all(&mut *conn)
    .await?;
    let actions = sqlx::query!(
        r#"select number as "number!", body, owner, due_on, revisit_topic
           from action where meeting_id = $1 and not removed order by number"#,
        meeting_id
    )
    .fetch_all(&mut *conn)
    .await?;
    let (attendees, apologies): (Vec<_>, Vec<_>) = people.into_iter().partition(|p| p.present);
    Ok(PublicRecord {
        slug: MeetingSlug::parse(&m.slug)
            .ok_or_else(|| sqlx::Error::Decode(format!("bad slug {}", m.slug).into()))?,
        topic: m.topic,
        held_on: m.held_on,
        starts_at: m.starts_at,
        place: m.place,
        kind: m.kind,
        introduction: m.introduction,
        imported: m.imported_at.map(|imported_at| Imported {
            imported_at,
            original_published_on: m.original_published_on,
        }),
        attendees: attendees
            .into_iter()
            .map(|p| Person {
                name: p.name,
                role: p.role,
            })
            .collect(),
        apologies: apologies
            .into_iter()
            .map(|p| Person {
                name: p.name,
                role: p.role,
            })
            .collect(),
        questions: questions
            .into_iter()
            .map(|q| PublicQuestion {
                number: q.position as u32,
                text: parse_stored(&q.body),
                evidence: parse_stored(&q.evidence_text),
                decision: q
                    .decision
                    .as_deref()
                    .and_then(Decision::from_code)
                    .map(|value| PublicDecision {
                        value,
                        rationale: q.rationale.unwrap_or_default(),
                        // Only an import leaves a decision without a time.
                        from_original_notes: q.decided_at.is_none(),
                        decided_at: q.decided_at,
                    }),
            })
            .collect(),
        documents: documents
            .into_iter()
            .map(|d| PublicDocument {
                href: d.url.unwrap_or_else(|| format!("/documents/{}", d.id)),
                id: d.id,
                title: d.title,
                question_number: d.question_number.map(|n| n as u32),
                content_type: d.content_type,
                byte_size: d.byte_size,
            })
            .collect(),
        actions: actions
            .into_iter()
            .map(|a| AgreedAction {
                number: a.number as u32,
                text: a.body,
                owner: a.owner,
                due_on: a.due_on,
                revisit_topic: a.revisit_topic,
            })
            .collect(),
    })
}

/// An outline as stored. What is stored was accepted by the parser when it
/// was saved, so it parses; text written some other way that does not is
/// kept whole, as one paragraph, rather than lost.
fn parse_stored(text: &str) -> Outline {
    Outline::parse(text).unwrap_or_else(|_| Outline {
        items: vec![crate::domain::outline::Item::plain(text.to_owned())],
    })
}

/// Freezes the live record as a new public revision and marks it published,
/// in the caller's transaction, with its audit row. Returns the revision
/// number. `reason` is required for every revision after the first.
pub async fn publish(
    conn: &mut PgConnection,
    meeting_id: i64,
    by: Option<i64>,
    reason: Option<&str>,
) -> super::Result<i32> {
    let record = load_live(conn, meeting_id).await?;
    let content = serde_json::to_value(&record).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let hash = content_hash(&content);
    let revision = sqlx::query!(
        r#"insert into revision (meeting_id, number, published_by, reason, topic, topic_slug, held_on, content, content_hash)
           select $1, coalesce(max(number), 0) + 1, $2, $3, $4, $5, $6, $7, $8 from revision where meeting_id = $1
           returning id, number"#,
        meeting_id,
        by,
        reason,
        record.topic,
        topic_slug(&record.topic).unwrap_or_default(),
        record.held_on,
        content,
        hash,
    )
    .fetch_one(&mut *conn)
    .await?;
    let number = revision.number;
    // The agreed actions, as rows beside the content (the same as its
    // `actions`), read from the staff's rows in this transaction.
    sqlx::query!(
        "insert into revision_action (revision_id, meeting_id, number, action_id, body, owner, due_on, revisit_topic)
         select $1, meeting_id, number, id, body, owner, due_on, revisit_topic
         from action where meeting_id = $2 and not removed",
        revision.id,
        meeting_id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "update meeting set status = 'published', version = version + 1, updated_at = now() where id = $1",
        meeting_id
    )
    .execute(&mut *conn)
    .await?;
    audit::record(
        conn,
        Entry {
            account_id: by,
            meeting_id: Some(meeting_id),
            action: "publish",
            entity: "revision",
            entity_id: Some(number.into()),
            before: None,
            after: Some(serde_json::json!({ "number": number, "reason": reason, "content_hash": hash })),
        },
    )
    .await?;
    let event = if number == 1 {
        Event::Publish
    } else {
        Event::Correct
    };
    ledger::append(conn, meeting_id, event, Some(number), &hash, reason.unwrap_or("")).await?;
    Ok(number)
}

/// Withdraws a published record, in the caller's transaction, with its audit
/// row: its public address then answers with a notice giving the date and
/// `reason`, and it leaves the lists and the feed. The revisions stay, as
/// they are immutable. A record never published, or already withdrawn, is
/// `RowNotFound`; a blank reason is `InvalidArgument`.
pub async fn withdraw(
    conn: &mut PgConnection,
    meeting_id: i64,
    by: Option<i64>,
    reason: &str,
) -> super::Result<()> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(sqlx::Error::InvalidArgument("a withdrawal needs a reason".into()));
    }
    let before = sqlx::query_scalar!(
        r#"with old as (select id, status from meeting where id = $1 for update)
           update meeting m
           set status = 'withdrawn', withdrawn_at = now(), withdrawn_reason = $2,
               version = version + 1, updated_at = now()
           from old
           where m.id = old.id and old.status <> 'withdrawn'
             and exists (select 1 from revision r where r.meeting_id = m.id)
           returning old.status"#,
        meeting_id,
        reason,
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(sqlx::Error::RowNotFound)?;
    audit::record(
        conn,
        Entry {
            account_id: by,
            meeting_id: Some(meeting_id),
            action: "withdraw",
            entity: "meeting",
            entity_id: Some(meeting_id),
            before: Some(serde_json::json!({ "status": before })),
            after: Some(serde_json::json!({ "status": MeetingStatus::Withdrawn.code(), "reason": reason })),
        },
    )
    .await?;
    let withdrawn = ledger::latest_content_hash(conn, meeting_id).await?;
    ledger::append(conn, meeting_id, Event::Withdraw, None, &withdrawn, reason).await?;
    Ok(())
}

/// Reinstates a withdrawn record, in the caller's transaction, with its
/// audit row and ledger entry: its latest revision is public again, and its
/// page tells of the withdrawal and the reinstatement with their reasons. A
/// record that is not withdrawn is `RowNotFound`; a blank reason is
/// `InvalidArgument`.
pub async fn reinstate(
    conn: &mut PgConnection,
    meeting_id: i64,
    by: Option<i64>,
    reason: &str,
) -> super::Result<()> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(sqlx::Error::InvalidArgument(
            "a reinstatement needs a reason".into(),
        ));
    }
    let withdrawn_reason = sqlx::query_scalar!(
        r#"with old as (select id, withdrawn_reason from meeting where id = $1 and status = 'withdrawn' for update)
           update meeting m
           set status = 'published', withdrawn_at = null, withdrawn_reason = null,
               version = version + 1, updated_at = now()
           from old where m.id = old.id
           returning old.withdrawn_reason as "reason!""#,
        meeting_id,
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(sqlx::Error::RowNotFound)?;
    audit::record(
        conn,
        Entry {
            account_id: by,
            meeting_id: Some(meeting_id),
            action: "reinstate",
            entity: "meeting",
            entity_id: Some(meeting_id),
            before: Some(serde_json::json!({
                "status": MeetingStatus::Withdrawn.code(),
                "withdrawn_reason": withdrawn_reason,
            })),
            after: Some(serde_json::json!({ "status": MeetingStatus::Published.code(), "reason": reason })),
        },
    )
    .await?;
    let reinstated = ledger::latest_content_hash(conn, meeting_id).await?;
    ledger::append(conn, meeting_id, Event::Reinstate, None, &reinstated, reason).await?;
    Ok(())
}

/// The latest revision of a record, as staff see it before withdrawing or
/// reinstating it.
#[derive(Debug, Clone)]
pub struct LatestRevision {
    pub number: i32,
    pub published_at: chrono::DateTime<chrono::Utc>,
    pub record: PublicRecord,
}

/// The latest revision of meeting `meeting_id`, whatever its status; `None`
/// if it was never published.
pub async fn latest_revision(
    conn: &mut PgConnection,
    meeting_id: i64,
) -> super::Result<Option<LatestRevision>> {
    let Some(row) = sqlx::query!(
        "select number, published_at, content from revision where meeting_id = $1 order by number desc limit 1",
        meeting_id
    )
    .fetch_optional(conn)
    .await?
    else {
        return Ok(None);
    };
    let record = serde_json::from_value(row.content).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    Ok(Some(LatestRevision {
        number: row.number,
        published_at: row.published_at,
        record,
    }))
}
