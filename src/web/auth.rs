//! Signing in: accounts checked with Argon2id, sessions in PostgreSQL
//! (axum-login over tower-sessions), and the role check of every staff route.
//!
//! A session ends after [`IDLE_TIMEOUT_MINUTES`] without a request, and
//! [`MAX_LIFETIME_HOURS`] after sign-in however active it is. Only sign-in
//! makes a session: an anonymous visitor has none (the sign-in form's token
//! is a cookie of its own, `csrf::FormToken`).

use axum::extract::{FromRequestParts, OriginalUri, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_login::{AuthManagerLayer, AuthManagerLayerBuilder, AuthUser, AuthnBackend};
use sqlx::PgPool;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, Session, SessionManagerLayer};

use super::{AppError, AppState};
use crate::db::accounts::{self, Account};
use crate::db::sessions::{self, PgSessionStore};
use crate::domain::account::{Email, Permission};

/// How long a session lasts without a request.
pub const IDLE_TIMEOUT_MINUTES: i64 = 120;
/// How long a session lasts after sign-in, however active it is.
pub const MAX_LIFETIME_HOURS: i64 = 12;

/// The session cookie's name: with `secure`, the `__Host-` prefix, which a
/// browser accepts only from HTTPS, with `Path=/` and no `Domain` (so no
/// other site on a sibling domain can set or shadow it).
pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-scrutiny_session"
    } else {
        "scrutiny_session"
    }
}

impl AuthUser for Account {
    type Id = i64;

    fn id(&self) -> i64 {
        self.id
    }

    // A new password ends every other session of the account.
    fn session_auth_hash(&self) -> &[u8] {
        self.password_hash.as_bytes()
    }
}

/// What a sign-in form gives.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub email: Email,
    pub password: String,
}

/// Accounts in PostgreSQL, as axum-login's backend.
#[derive(Debug, Clone)]
pub struct Accounts {
    pool: PgPool,
}

/// Why checking a sign-in failed (not a wrong password: that is `None`).
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Task(#[from] tokio::task::JoinError),
}

// Compared against when the email is unknown, so that a wrong email takes
// as long as a wrong password.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| password_auth::generate_hash("not a password of anyone's"));

impl AuthnBackend for Accounts {
    type User = Account;
    type Credentials = Credentials;
    type Error = AuthError;

    /// The connection is given back before the password is checked, so a
    /// sign-in holds one only for the account's row.
    async fn authenticate(&self, creds: Credentials) -> Result<Option<Account>, AuthError> {
        let account = {
            let mut conn = self.pool.acquire().await?;
            accounts::by_email(&mut conn, &creds.email).await?
        };
        let hash = account.as_ref().map(|a| a.password_hash.clone());
        let matches = tokio::task::spawn_blocking(move || {
            let hash = hash.as_deref().unwrap_or(DUMMY_HASH.as_str());
            password_auth::verify_password(creds.password.as_bytes(), hash).is_ok()
        })
        .await?;
        Ok(account.filter(|a| matches && a.disabled_at.is_none()))
    }

    async fn get_user(&self, id: &i64) -> Result<Option<Account>, AuthError> {
        let mut conn = self.pool.acquire().await?;
        // A disabled account is signed out on its next request.
        Ok(accounts::by_id(&mut conn, *id)
            .await?
            .filter(|a| a.disabled_at.is_none()))
    }
}

impl From<axum_login::Error<Accounts>> for AppError {
    fn from(e: axum_login::Error<Accounts>) -> AppError {
        match e {
            // A pool timeout stays a 503, not a 500.
            axum_login::Error::Backend(AuthError::Database(e)) => AppError::Database(e),
            other => AppError::Other(anyhow::anyhow!("sign-in: {other}")),
        }
    }
}

/// axum-login's session, for our backend.
pub type AuthSession = axum_login::AuthSession<Accounts>;

/// Sessions and sign-in, as one layer. `secure` marks the cookie Secure, for
/// a site served over HTTPS.
pub fn layer(pool: PgPool, secure: bool) -> AuthManagerLayer<Accounts, PgSessionStore> {
    let lifetime = chrono::Duration::hours(MAX_LIFETIME_HOURS);
    let sessions = SessionManagerLayer::new(PgSessionStore::new(pool.clone(), lifetime))
        .with_name(cookie_name(secure))
        .with_secure(secure)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(time::Duration::minutes(
            IDLE_TIMEOUT_MINUTES,
        )));
    AuthManagerLayerBuilder::new(Accounts { pool }, sessions).build()
}

/// What sign-in adds to the session, after `AuthSession::login`: a new id
/// (also when someone was signed in already), a new form token (one seen
/// before sign-in is refused after it), the account and the time, from
/// which [`MAX_LIFETIME_HOURS`] count.
pub async fn signed_in(session: &Session, user: &Account) -> Result<(), AppError> {
    let failed = |e: tower_sessions::session::Error| AppError::Other(anyhow::anyhow!("sign-in: {e}"));
    session.cycle_id().await.map_err(failed)?;
    super::csrf::rotate(session).await?;
    session.insert(sessions::ACCOUNT, user.id).await.map_err(failed)?;
    let now = chrono::Utc::now().timestamp();
    session
        .insert(sessions::SIGNED_IN_AT, now)
        .await
        .map_err(failed)?;
    Ok(())
}

/// Sweeps what has expired: sessions past their expiry, and sign-in
/// attempts older than the throttling window. Each an index range; run by
/// the server every few minutes.
pub async fn sweep(pool: &PgPool) -> sqlx::Result<Swept> {
    let mut conn = pool.acquire().await?;
    Ok(Swept {
        sessions: sessions::delete_expired(&mut conn).await?,
        attempts: accounts::delete_attempts_before(&mut conn, super::staff::WINDOW_MINUTES).await?,
    })
}

/// What [`sweep`] removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub sessions: u64,
    pub attempts: u64,
}

/// The address of the sign-in page that comes back to `uri` afterwards.
pub fn login_redirect(uri: &axum::http::Uri) -> Response {
    let next = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/staff");
    let encoded: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
    Redirect::to(&format!("/staff/login?next={encoded}")).into_response()
}

/// Route middleware: anonymous users go to sign in; a signed-in account
/// whose role lacks `permission` gets 403; an account that must change its
/// password goes to do so.
pub async fn require(
    State(permission): State<Permission>,
    auth: AuthSession,
    OriginalUri(uri): OriginalUri,
    request: Request,
    next: Next,
) -> Response {
    let Some(user) = auth.user else {
        return login_redirect(&uri);
    };
    if user.must_change_password {
        return Redirect::to("/staff/password").into_response();
    }
    if !user.role.may(permission) {
        return AppError::Forbidden.into_response();
    }
    next.run(request).await
}

/// The signed-in account, the form token and any one-off message: what
/// every staff page needs.
pub struct Staff {
    pub user: Account,
    pub csrf: String,
    pub flash: Option<String>,
    pub session: Session,
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Staff, Response> {
        let auth = AuthSession::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let Some(user) = auth.user else {
            return Err(login_redirect(&parts.uri));
        };
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let csrf = super::csrf::token(&session)
            .await
            .map_err(IntoResponse::into_response)?;
        let flash = take_flash(&session).await;
        Ok(Staff {
            user,
            csrf,
            flash,
            session,
        })
    }
}

const FLASH: &str = "flash";

/// Leaves a message for the next page this session sees.
pub async fn flash(session: &Session, message: impl Into<String>) {
    if let Err(e) = session.insert(FLASH, message.into()).await {
        tracing::warn!(error = %e, "could not keep a message for the next page");
    }
}

async fn take_flash(session: &Session) -> Option<String> {
    session.remove::<String>(FLASH).await.ok().flatten()
}
