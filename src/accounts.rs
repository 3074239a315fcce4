//! Accounts from the command line: `scrutiny user add`, and the first
//! administrator of a new private database.

use std::io::{IsTerminal, Read};

use anyhow::{Context, bail};
use sqlx::PgPool;

use crate::db::accounts::{self, NewAccount};
use crate::domain::account::{Email, Role, check_new_password, one_time_password};

/// The email of the administrator made for a new private database.
pub const FIRST_ADMIN: &str = "admin@localhost";

/// Reads the new password: all of standard input when it is piped (one
/// trailing newline removed), else typed twice at a prompt without echo.
pub fn read_password() -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        let mut text = String::new();
        stdin
            .lock()
            .read_to_string(&mut text)
            .context("cannot read the password from standard input")?;
        let text = text.strip_suffix('\n').unwrap_or(&text);
        return Ok(text.strip_suffix('\r').unwrap_or(text).to_owned());
    }
    let first = rpassword::prompt_password("Password: ")?;
    let again = rpassword::prompt_password("Password again: ")?;
    if first != again {
        bail!("the two passwords are not the same");
    }
    Ok(first)
}

/// Creates an account; the password must meet the policy.
pub async fn add(pool: &PgPool, email: &str, role: &str, name: &str, password: &str) -> anyhow::Result<()> {
    let email = Email::parse(email).map_err(|m| anyhow::anyhow!("{m}"))?;
    let role = Role::from_code(role).context("the role must be staff, pcc or admin")?;
    check_new_password(password).map_err(|m| anyhow::anyhow!("{m}"))?;
    let password = password.to_owned();
    let hash = tokio::task::spawn_blocking(move || password_auth::generate_hash(password)).await?;
    let mut tx = pool.begin().await?;
    let new = NewAccount {
        email: &email,
        name,
        role,
        password_hash: &hash,
        must_change_password: false,
    };
    if accounts::create(&mut tx, new, None).await?.is_none() {
        bail!("there is already an account for {email}");
    }
    tx.commit().await?;
    Ok(())
}

/// Creates the first administrator with a random one-time password, which
/// must be changed at first sign-in. Returns the password.
pub async fn create_first_admin(pool: &PgPool) -> anyhow::Result<String> {
    let password = one_time_password();
    let for_hash = password.clone();
    let hash = tokio::task::spawn_blocking(move || password_auth::generate_hash(for_hash)).await?;
    let email = Email::parse(FIRST_ADMIN).map_err(|m| anyhow::anyhow!("{m}"))?;
    let mut tx = pool.begin().await?;
    let new = NewAccount {
        email: &email,
        name: "Administrator",
        role: Role::Admin,
        password_hash: &hash,
        must_change_password: true,
    };
    accounts::create(&mut tx, new, None)
        .await?
        .context("the first administrator exists already")?;
    tx.commit().await?;
    Ok(password)
}

/// The id of the enabled account at `email` that may write records, for a
/// command that acts as it (`scrutiny import --as EMAIL`).
pub async fn writer(conn: &mut sqlx::PgConnection, email: &str) -> anyhow::Result<i64> {
    let parsed = Email::parse(email).map_err(|why| anyhow::anyhow!("--as {email:?}: {why}"))?;
    let Some(account) = accounts::by_email(conn, &parsed).await? else {
        bail!(
            "no account has the email {}: give --as the email of a staff, PCC or admin account",
            parsed.as_str()
        );
    };
    if account.disabled_at.is_some() {
        bail!(
            "the account {} is disabled, so nothing can be done as it",
            parsed.as_str()
        );
    }
    if !account.role.may(crate::domain::account::Permission::Write) {
        bail!("the account {} may not write records", parsed.as_str());
    }
    Ok(account.id)
}
