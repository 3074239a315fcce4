//! Accounts and sign-in attempts.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use super::audit::{self, Entry};
use crate::domain::account::{Email, Role};

/// An account as the app uses it.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
    pub must_change_password: bool,
    pub disabled_at: Option<DateTime<Utc>>,
}

struct Row {
    id: i64,
    email: String,
    name: String,
    role: String,
    password_hash: String,
    must_change_password: bool,
    disabled_at: Option<DateTime<Utc>>,
}

impl From<Row> for Account {
    fn from(r: Row) -> Account {
        Account {
            id: r.id,
            email: r.email,
            name: r.name,
            // The database allows only the three codes.
            role: Role::from_code(&r.role).unwrap_or(Role::Staff),
            password_hash: r.password_hash,
            must_change_password: r.must_change_password,
            disabled_at: r.disabled_at,
        }
    }
}

/// What a new account needs; the password is already hashed.
pub struct NewAccount<'a> {
    pub email: &'a Email,
    pub name: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
    pub must_change_password: bool,
}

/// Creates an account, with its audit row; `None` if the email is taken.
pub async fn create(
    conn: &mut PgConnection,
    new: NewAccount<'_>,
    by: Option<i64>,
) -> super::Result<Option<i64>> {
    let id = sqlx::query_scalar!(
        "insert into account (email, name, role, password_hash, must_change_password)
         values ($1, $2, $3, $4, $5) on conflict (email) do nothing returning id",
        new.email.as_str(),
        new.name,
        new.role.code(),
        new.password_hash,
        new.must_change_password,
    )
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(id) = id {
        let after = serde_json::json!({ "email": new.email, "name": new.name, "role": new.role });
        audit::record(
            conn,
            Entry::change(by, None, "create", "account", id, None, Some(after)),
        )
        .await?;
    }
    Ok(id)
}

pub async fn by_email(conn: &mut PgConnection, email: &Email) -> super::Result<Option<Account>> {
    let row = sqlx::query_as!(
        Row,
        "select id, email, name, role, password_hash, must_change_password, disabled_at
         from account where email = $1",
        email.as_str()
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(Account::from))
}

pub async fn by_id(conn: &mut PgConnection, id: i64) -> super::Result<Option<Account>> {
    let row = sqlx::query_as!(
        Row,
        "select id, email, name, role, password_hash, must_change_password, disabled_at
         from account where id = $1",
        id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(Account::from))
}

/// Every account, by email.
pub async fn all(conn: &mut PgConnection) -> super::Result<Vec<Account>> {
    let rows = sqlx::query_as!(
        Row,
        "select id, email, name, role, password_hash, must_change_password, disabled_at
         from account order by email"
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(Account::from).collect())
}

/// Sets a new password hash; `must_change` asks for another at next sign-in.
/// The account's other sessions no longer sign it in (each is bound to the
/// hash); an administrator's reset deletes them too.
pub async fn set_password(
    conn: &mut PgConnection,
    id: i64,
    hash: &str,
    must_change: bool,
    by: Option<i64>,
) -> super::Result<()> {
    sqlx::query!(
        "update account set password_hash = $2, must_change_password = $3 where id = $1",
        id,
        hash,
        must_change
    )
    .execute(&mut *conn)
    .await?;
    let after = serde_json::json!({ "password": "changed", "must_change_password": must_change });
    audit::record(
        conn,
        Entry::change(by, None, "set_password", "account", id, None, Some(after)),
    )
    .await
}

/// Disables or re-enables an account. Either way its sessions are deleted:
/// disabling ends them, and re-enabling never brings back a session that
/// reached the store while the account was being disabled.
pub async fn set_disabled(
    conn: &mut PgConnection,
    id: i64,
    disabled: bool,
    by: Option<i64>,
) -> super::Result<()> {
    let before = sqlx::query_scalar!(
        "select disabled_at is not null as \"disabled!\" from account where id = $1 for update",
        id
    )
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query!(
        "update account set disabled_at = case when $2 then coalesce(disabled_at, now()) end where id = $1",
        id,
        disabled
    )
    .execute(&mut *conn)
    .await?;
    super::sessions::delete_for_account(conn, id).await?;
    let action = if disabled { "disable" } else { "enable" };
    let (before, after) = (
        serde_json::json!({ "disabled": before }),
        serde_json::json!({ "disabled": disabled }),
    );
    audit::record(
        conn,
        Entry::change(by, None, action, "account", id, Some(before), Some(after)),
    )
    .await
}

/// Changes an account's role.
pub async fn set_role(conn: &mut PgConnection, id: i64, role: Role, by: Option<i64>) -> super::Result<()> {
    let before = sqlx::query_scalar!("select role from account where id = $1 for update", id)
        .fetch_one(&mut *conn)
        .await?;
    sqlx::query!("update account set role = $2 where id = $1", id, role.code())
        .execute(&mut *conn)
        .await?;
    let (before, after) = (
        serde_json::json!({ "role": before }),
        serde_json::json!({ "role": role }),
    );
    audit::record(
        conn,
        Entry::change(by, None, "set_role", "account", id, Some(before), Some(after)),
    )
    .await
}

/// Counts a sign-in attempt before its password is checked, as a failure,
/// unless the account or the address already has `max_failures` failures
/// in the last `minutes`: atomically (migration 0019), so that parallel
/// guesses never get past the limit. The attempt's id, or `None` when it is
/// refused.
pub async fn begin_attempt(
    conn: &mut PgConnection,
    email: &str,
    address: &str,
    minutes: i32,
    max_failures: i32,
) -> super::Result<Option<i64>> {
    sqlx::query_scalar!(
        "select sign_in_attempt_begin($1, $2, $3, $4)",
        email,
        address,
        minutes,
        max_failures
    )
    .fetch_one(conn)
    .await
}

/// Marks an attempt as a sign-in that succeeded: it no longer counts
/// against the account or the address.
pub async fn attempt_succeeded(conn: &mut PgConnection, attempt: i64) -> super::Result<()> {
    sqlx::query!(
        "update sign_in_attempt set succeeded = true where id = $1",
        attempt
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Forgets an attempt whose password was never checked (the site was too
/// busy to check it): it is no guess.
pub async fn forget_attempt(conn: &mut PgConnection, attempt: i64) -> super::Result<()> {
    sqlx::query!("delete from sign_in_attempt where id = $1", attempt)
        .execute(conn)
        .await?;
    Ok(())
}

/// Removes the sign-in attempts older than `minutes`, which throttling no
/// longer counts: an index range.
pub async fn delete_attempts_before(conn: &mut PgConnection, minutes: i32) -> super::Result<u64> {
    let done = sqlx::query!(
        "delete from sign_in_attempt where at < now() - make_interval(mins => $1)",
        minutes
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
