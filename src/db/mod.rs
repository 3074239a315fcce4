//! Small async functions over a connection or a transaction. Each write that
//! touches several rows takes a transaction and writes its audit row in it.

pub mod accounts;
pub mod actions;
pub mod alerts;
pub mod archive;
pub mod audit;
pub mod dashboard;
pub mod documents;
pub mod forward_plan;
pub mod ledger;
pub mod meetings;
pub mod notices;
pub mod outbox;
pub mod pending_imports;
pub mod public;
pub mod questions;
pub mod records;
pub mod review;
pub mod sessions;
pub mod site;
mod status;
pub mod workflow;

/// The database's own errors, passed up with `?`.
pub type Result<T, E = sqlx::Error> = std::result::Result<T, E>;

/// A transaction on `conn` in which every statement is planned for its own
/// parameters. Statements are prepared once per connection, and PostgreSQL
/// may then keep one generic plan for all parameters; a list's optional
/// filters (`$1 is null or topic_slug = $1`) have no good one, and a plan
/// kept from unfiltered lists would walk the whole archive for a rare topic.
/// Every other statement keeps its plan: planning every one afresh was half
/// of PostgreSQL's work on a record page.
pub async fn planned_for_parameters(
    conn: &mut sqlx::PgConnection,
) -> Result<sqlx::Transaction<'_, sqlx::Postgres>> {
    use sqlx::Connection;
    let mut tx = conn.begin().await?;
    sqlx::query("set local plan_cache_mode = force_custom_plan")
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

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
