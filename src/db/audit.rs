//! The audit log: every change, who, when, what, before and after.

use serde_json::Value;
use sqlx::PgConnection;

/// One change to record.
pub struct Entry<'a> {
    pub account_id: Option<i64>,
    pub meeting_id: Option<i64>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<i64>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl<'a> Entry<'a> {
    /// A change to one row.
    pub fn change(
        account_id: Option<i64>,
        meeting_id: Option<i64>,
        action: &'a str,
        entity: &'a str,
        entity_id: i64,
        before: Option<Value>,
        after: Option<Value>,
    ) -> Entry<'a> {
        Entry {
            account_id,
            meeting_id,
            action,
            entity,
            entity_id: Some(entity_id),
            before,
            after,
        }
    }
}

/// Writes `entry`, in the caller's transaction.
pub async fn record(conn: &mut PgConnection, entry: Entry<'_>) -> super::Result<()> {
    sqlx::query!(
        "insert into audit_log (account_id, meeting_id, action, entity, entity_id, before, after)
         values ($1, $2, $3, $4, $5, $6, $7)",
        entry.account_id,
        entry.meeting_id,
        entry.action,
        entry.entity,
        entry.entity_id,
        entry.before,
        entry.after,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// One entry of the audit log, as admins read it.
#[derive(Debug, Clone)]
pub struct AuditLine {
    pub id: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    pub account_id: Option<i64>,
    pub email: Option<String>,
    pub meeting_id: Option<i64>,
    pub topic: Option<String>,
    pub held_on: Option<chrono::NaiveDate>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    /// For a question: its number now, if it still exists.
    pub question_number: Option<i32>,
    /// For an account: its email address.
    pub account_email: Option<String>,
}

/// Which entries to read; `None` means any.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditFilter {
    pub meeting_id: Option<i64>,
    /// Who made the change.
    pub account_id: Option<i64>,
    /// Made at or after this instant.
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    /// Made before this instant.
    pub until: Option<chrono::DateTime<chrono::Utc>>,
}

/// Entries newest first that match `filter`, with what is known of each
/// one's record, question or account now. Each filter is an index range
/// (`audit_log_meeting`, `audit_log_account`, `audit_log_at`).
pub async fn list(
    conn: &mut PgConnection,
    filter: &AuditFilter,
    limit: i64,
    offset: i64,
) -> super::Result<Vec<AuditLine>> {
    let mut tx = super::planned_for_parameters(conn).await?;
    let lines = sqlx::query_as!(
        AuditLine,
        r#"select l.id, l.at, l.account_id, a.email as "email?", l.meeting_id, m.topic as "topic?",
                  m.held_on as "held_on?", l.action, l.entity, l.entity_id, l.before, l.after,
                  q.position as "question_number?", t.email as "account_email?"
           from audit_log l
           left join account a on a.id = l.account_id
           left join meeting m on m.id = l.meeting_id
           left join question q on l.entity = 'question' and q.id = l.entity_id
           left join account t on l.entity = 'account' and t.id = l.entity_id
           where ($1::bigint is null or l.meeting_id = $1) and ($2::bigint is null or l.account_id = $2)
             and ($3::timestamptz is null or l.at >= $3) and ($4::timestamptz is null or l.at < $4)
           order by l.at desc, l.id desc limit $5 offset $6"#,
        filter.meeting_id,
        filter.account_id,
        filter.from,
        filter.until,
        limit,
        offset
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(lines)
}

/// What the filters offer: every record (id, topic, date), newest meeting
/// first, and every account (id, email).
pub async fn choices(
    conn: &mut PgConnection,
) -> super::Result<(Vec<(i64, String, chrono::NaiveDate)>, Vec<(i64, String)>)> {
    let records = sqlx::query!("select id, topic, held_on from meeting order by held_on desc, topic, id")
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|r| (r.id, r.topic, r.held_on))
        .collect();
    let accounts = sqlx::query!("select id, email from account order by email")
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|a| (a.id, a.email))
        .collect();
    Ok((records, accounts))
}
