//! Small async functions over a connection or a transaction. Each write that
//! touches several rows takes a transaction and writes its audit row in it.

pub mod accounts;
pub mod actions;
pub mod archive;
pub mod audit;
pub mod dashboard;
pub mod documents;
pub mod forward_plan;
pub mod ledger;
pub mod meetings;
pub mod pending_imports;
pub mod public;
pub mod questions;
pub mod records;
pub mod review;
pub mod sessions;
mod status;
pub mod workflow;

/// The database's own errors, passed up with `?`.
pub type Result<T, E = sqlx::Error> = std::result::Result<T, E>;

/// Whether the database holds nothing at all: no record, account or history.
pub async fn is_empty(conn: &mut sqlx::PgConnection) -> Result<bool> {
    sqlx::query_scalar!(
        r#"select not exists (select 1 from meeting)
              and not exists (select 1 from account)
              and not exists (select 1 from audit_log) as "empty!""#
    )
    .fetch_one(conn)
    .await
}
