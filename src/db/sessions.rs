//! The session store: tower-sessions records kept in PostgreSQL.
//!
//! Written here rather than taken from tower-sessions-sqlx-store, because
//! that crate turns on sqlx's `time` feature, which makes every checked query
//! in the app decode dates as `time` types instead of chrono's.
//!
//! A signed-in session's data names its account ([`ACCOUNT`]) and when it
//! signed in ([`SIGNED_IN_AT`]); the store keeps both in columns too, so
//! that an account's sessions can be deleted by the account, and a session
//! ends a fixed time after sign-in however active it is.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

/// The key of the signed-in account's id in a session's data.
pub const ACCOUNT: &str = "account_id";
/// The key of the sign-in time (Unix seconds) in a session's data.
pub const SIGNED_IN_AT: &str = "signed_in_at";

/// Sessions in the `session` table; a signed-in one lasts at most
/// `lifetime` after sign-in.
#[derive(Debug, Clone)]
pub struct PgSessionStore {
    pool: PgPool,
    lifetime: chrono::Duration,
}

impl PgSessionStore {
    pub fn new(pool: PgPool, lifetime: chrono::Duration) -> PgSessionStore {
        PgSessionStore { pool, lifetime }
    }
}

/// Removes sessions past their expiry (idle, or their lifetime since sign-in,
/// which caps the expiry stored): an index range.
pub async fn delete_expired(conn: &mut PgConnection) -> sqlx::Result<u64> {
    let done = sqlx::query!("delete from session where expires_at < now()")
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// Ends every session of an account.
pub async fn delete_for_account(conn: &mut PgConnection, account_id: i64) -> sqlx::Result<u64> {
    let done = sqlx::query!("delete from session where account_id = $1", account_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

/// What the store keeps in columns beside a record's data.
struct Columns {
    account_id: Option<i64>,
    signed_in_at: Option<DateTime<Utc>>,
    expires_at: DateTime<Utc>,
}

impl PgSessionStore {
    fn columns(&self, record: &Record) -> Columns {
        let at = record.expiry_date;
        let idle = DateTime::from_timestamp(at.unix_timestamp(), at.nanosecond()).unwrap_or_else(Utc::now);
        let account_id = record.data.get(ACCOUNT).and_then(serde_json::Value::as_i64);
        let signed_in_at = record
            .data
            .get(SIGNED_IN_AT)
            .and_then(serde_json::Value::as_i64)
            .and_then(|t| DateTime::from_timestamp(t, 0));
        let expires_at = signed_in_at.map_or(idle, |t| idle.min(t + self.lifetime));
        Columns {
            account_id,
            signed_in_at,
            expires_at,
        }
    }
}

// The record's id (an i128) does not fit JSON: the data and the expiry are
// stored, and the id is the row's key.
fn data(record: &Record) -> session_store::Result<serde_json::Value> {
    serde_json::to_value(&record.data).map_err(backend)
}

#[async_trait]
impl SessionStore for PgSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        loop {
            let data = data(record)?;
            let columns = self.columns(record);
            let inserted = sqlx::query!(
                "insert into session (id, data, expires_at, account_id, signed_in_at)
                 values ($1, $2, $3, $4, $5) on conflict (id) do nothing",
                record.id.to_string(),
                data,
                columns.expires_at,
                columns.account_id,
                columns.signed_in_at,
            )
            .execute(&self.pool)
            .await
            .map_err(backend)?;
            if inserted.rows_affected() == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    // An update only: a session deleted while its request was on the way
    // (its account disabled, or it expired) stays deleted, rather than
    // coming back when the request ends.
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data = data(record)?;
        let columns = self.columns(record);
        sqlx::query!(
            "update session set data = $2, expires_at = $3, account_id = $4, signed_in_at = $5
             where id = $1",
            record.id.to_string(),
            data,
            columns.expires_at,
            columns.account_id,
            columns.signed_in_at,
        )
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let row = sqlx::query!(
            "select data, expires_at from session
             where id = $1 and expires_at > now()
               and (signed_in_at is null or signed_in_at > now() - make_interval(secs => $2))",
            id.to_string(),
            self.lifetime.num_seconds() as f64,
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        let Some(row) = row else { return Ok(None) };
        let expiry_date =
            time::OffsetDateTime::from_unix_timestamp(row.expires_at.timestamp()).map_err(backend)?;
        Ok(Some(Record {
            id: *id,
            data: serde_json::from_value(row.data).map_err(backend)?,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sqlx::query!("delete from session where id = $1", id.to_string())
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }
}
