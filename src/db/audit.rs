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
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Entries newest first, for one record and/or one account if given.
pub async fn list(
    conn: &mut PgConnection,
    meeting_id: Option<i64>,
    account_id: Option<i64>,
    limit: i64,
    offset: i64,
) -> super::Result<Vec<AuditLine>> {
    let mut tx = super::planned_for_parameters(conn).await?;
    let lines = sqlx::query_as!(
        AuditLine,
        r#"select l.id, l.at, l.account_id, a.email as "email?", l.meeting_id, m.topic as "topic?",
                  l.action, l.entity, l.entity_id, l.before, l.after
           from audit_log l
           left join account a on a.id = l.account_id
           left join meeting m on m.id = l.meeting_id
           where ($1::bigint is null or l.meeting_id = $1) and ($2::bigint is null or l.account_id = $2)
           order by l.id desc limit $3 offset $4"#,
        meeting_id,
        account_id,
        limit,
        offset
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(lines)
}
