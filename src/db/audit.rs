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
