//! Notes uploaded at `/staff/import`, read and previewed, waiting for the
//! person who uploaded them to confirm the draft.

use sqlx::PgConnection;

/// A file waiting for confirmation.
#[derive(Debug, Clone)]
pub struct PendingImport {
    pub file_name: String,
    /// The file's text, as read once at upload.
    pub source: String,
}

/// Keeps an uploaded file's text for its preview; returns its id. Previews
/// older than a day are dropped as new ones come.
pub async fn add(
    conn: &mut PgConnection,
    account_id: i64,
    file_name: &str,
    source: &str,
) -> super::Result<i64> {
    let id = sqlx::query_scalar!(
        "insert into pending_import (account_id, file_name, source) values ($1, $2, $3) returning id",
        account_id,
        file_name,
        source
    )
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query!("delete from pending_import where created_at < now() - interval '1 day'")
        .execute(conn)
        .await?;
    Ok(id)
}

/// The file `id`, if `account_id` uploaded it.
pub async fn get(conn: &mut PgConnection, id: i64, account_id: i64) -> super::Result<Option<PendingImport>> {
    sqlx::query_as!(
        PendingImport,
        "select file_name, source from pending_import where id = $1 and account_id = $2",
        id,
        account_id
    )
    .fetch_optional(conn)
    .await
}

/// Forgets the file `id` once its draft is made.
pub async fn remove(conn: &mut PgConnection, id: i64) -> super::Result<()> {
    sqlx::query!("delete from pending_import where id = $1", id)
        .execute(conn)
        .await?;
    Ok(())
}
