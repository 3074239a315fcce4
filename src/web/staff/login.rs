//! `/staff/login`, `/staff/logout` and `/staff/password`.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use crate::web::extract::{Form, Query};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

use crate::db::accounts::{self, Account};
use crate::domain::account::{Email, check_new_password};
use crate::web::auth::{AuthSession, Credentials, Staff, flash};
use crate::web::csrf::FormToken;
use crate::web::forms::Errors;
use crate::web::{AppError, AppState};

/// Failed sign-ins allowed per account or address in the window below
/// (Cyber Essentials: no more than 10 guesses in 5 minutes).
pub const MAX_FAILURES: i32 = 10;
/// The throttling window, in minutes.
pub const WINDOW_MINUTES: i32 = 5;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/login", get(login_page).post(login))
        .route("/staff/logout", axum::routing::post(logout))
        .route("/staff/password", get(password_page).post(change_password))
}

/// The client's address, for throttling: the connection's peer, or behind
/// our own reverse proxy the last `X-Forwarded-For` entry (the one it added;
/// earlier entries are the client's word and could be forged). An IPv6
/// address counts by its /64, the block one subscriber is given, so that
/// stepping through addresses of one's own block escapes nothing.
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let forwarded = state
            .behind_proxy
            .then(|| {
                parts
                    .headers
                    .get_all("x-forwarded-for")
                    .iter()
                    .next_back()?
                    .to_str()
                    .ok()?
                    .rsplit(',')
                    .next()
            })
            .flatten()
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(|a| {
                a.parse::<IpAddr>()
                    .map_or_else(|_| a.chars().take(64).collect(), throttle_key)
            });
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| throttle_key(c.0.ip()));
        Ok(ClientAddress(
            forwarded.or(peer).unwrap_or_else(|| "unknown".to_owned()),
        ))
    }
}

/// What throttling counts an address as: an IPv4 address itself (also when
/// it comes mapped into IPv6), an IPv6 address as its /64.
fn throttle_key(address: IpAddr) -> String {
    match address {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                let block = Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                format!("{block}/64")
            }
        },
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/login.html")]
struct LoginPage {
    csrf: String,
    email: String,
    next: String,
    errors: Errors,
    notice: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: Next,
}

#[derive(Debug, Default, Deserialize)]
struct LoginQuery {
    next: Option<Next>,
    signed_out: Option<String>,
}

/// Where to go after sign-in, as sent. It becomes a `Location` header,
/// which cannot hold a control character: one (even the line feed a form
/// field may otherwise hold) makes the form unreadable, a 400, rather than
/// a redirect that fails.
#[derive(Debug, Default)]
struct Next(String);

impl<'de> Deserialize<'de> for Next {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Next, D::Error> {
        let next = String::deserialize(deserializer)?;
        if next.chars().any(char::is_control) {
            return Err(serde::de::Error::custom("a control character in next"));
        }
        Ok(Next(next))
    }
}

/// Only addresses inside the staff area are followed after sign-in.
fn safe_next(next: &str) -> &str {
    let inside =
        (next == "/staff" || next.starts_with("/staff/")) && !next.contains("//") && !next.contains('\\');
    if inside { next } else { "/staff" }
}

async fn login_page(
    FormToken(csrf): FormToken,
    Query(query): Query<LoginQuery>,
) -> Result<LoginPage, AppError> {
    Ok(LoginPage {
        csrf,
        email: String::new(),
        next: safe_next(query.next.as_ref().map_or("/staff", |n| n.0.as_str())).to_owned(),
        errors: Errors::default(),
        notice: query.signed_out.map(|_| "You have signed out.".to_owned()),
    })
}

async fn login(
    State(state): State<AppState>,
    mut auth: AuthSession,
    FormToken(form_token): FormToken,
    ClientAddress(address): ClientAddress,
    Form(body): Form<LoginForm>,
) -> Result<Response, AppError> {
    let mut errors = Errors::default();
    let email = Email::parse(&body.email).map_err(|m| errors.add("email", m)).ok();
    if body.password.is_empty() {
        errors.add("password", "Enter your password");
    }
    let page = |errors: Errors, csrf: String| LoginPage {
        csrf,
        email: body.email.chars().take(254).collect(),
        next: safe_next(&body.next.0).to_owned(),
        errors,
        notice: None,
    };
    let Some(email) = email.filter(|_| errors.is_empty()) else {
        let csrf = form_token.clone();
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page(errors, csrf)).into_response());
    };
    // The guess is counted before the password is checked, atomically, and
    // no connection is held while it waits for its turn or is checked.
    let attempt = accounts::begin_attempt(
        &mut *state.pool.acquire().await?,
        email.as_str(),
        &address,
        WINDOW_MINUTES,
        MAX_FAILURES,
    )
    .await?;
    let Some(attempt) = attempt else {
        return Err(AppError::TooManyRequests {
            message: format!(
                "There have been too many failed sign-ins for this account or from this address. \
                 Wait {WINDOW_MINUTES} minutes, then try again."
            ),
            retry_after_secs: u64::from(WINDOW_MINUTES.unsigned_abs()) * 60,
        });
    };
    let creds = Credentials {
        email: email.clone(),
        password: body.password.clone(),
    };
    let Some(user) = check(&state, &auth, creds, attempt).await? else {
        errors.add("email", "The email address or password is not right");
        let csrf = form_token.clone();
        return Ok((StatusCode::UNAUTHORIZED, page(errors, csrf)).into_response());
    };
    // A new session id at sign-in (axum-login cycles it).
    auth.login(&user)
        .await
        .map_err(|e| AppError::Other(anyhow::anyhow!("sign-in: {e}")))?;
    // A new form token, and the sign-in time the lifetime counts from.
    crate::web::auth::signed_in(&auth.session, &user).await?;
    let next = if user.must_change_password {
        "/staff/password"
    } else {
        safe_next(&body.next.0)
    };
    Ok(Redirect::to(next).into_response())
}

/// Checks the password of a counted attempt, in its turn; a sign-in that
/// succeeds is marked so, and an attempt whose password was never checked
/// (the site too busy, the database out of reach) is forgotten, as no guess.
async fn check(
    state: &AppState,
    auth: &AuthSession,
    creds: Credentials,
    attempt: i64,
) -> Result<Option<Account>, AppError> {
    let checked = match state.passwords.enter().await {
        Ok(_place) => auth.authenticate(creds).await.map_err(AppError::from),
        Err(busy) => Err(busy),
    };
    let user = match checked {
        Ok(user) => user,
        Err(e) => {
            if let Ok(mut conn) = state.pool.acquire().await {
                let _ = accounts::forget_attempt(&mut conn, attempt).await;
            }
            return Err(e);
        }
    };
    if user.is_some() {
        accounts::attempt_succeeded(&mut *state.pool.acquire().await?, attempt).await?;
    }
    Ok(user)
}

async fn logout(mut auth: AuthSession) -> Result<Redirect, AppError> {
    auth.logout()
        .await
        .map_err(|e| AppError::Other(anyhow::anyhow!("sign-out: {e}")))?;
    Ok(Redirect::to("/staff/login?signed_out=1"))
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/password.html")]
struct PasswordPage {
    staff: Staff,
    errors: Errors,
}

#[derive(Debug, Default, Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

async fn password_page(staff: Staff) -> PasswordPage {
    PasswordPage {
        staff,
        errors: Errors::default(),
    }
}

async fn change_password(
    State(state): State<AppState>,
    staff: Staff,
    mut auth: AuthSession,
    Form(body): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let mut errors = Errors::default();
    let place = state.passwords.enter().await?;
    let (hash, current) = (staff.user.password_hash.clone(), body.current.clone());
    let current_ok =
        tokio::task::spawn_blocking(move || password_auth::verify_password(current, &hash).is_ok())
            .await
            .map_err(|e| AppError::Other(e.into()))?;
    if !current_ok {
        errors.add("current", "Your current password is not right");
    }
    if let Err(message) = check_new_password(&body.new) {
        errors.add("new", message);
    } else if body.new != body.confirm {
        errors.add("confirm", "The two new passwords are not the same");
    } else if body.new == body.current {
        errors.add("new", "Choose a password different from the current one");
    }
    if !errors.is_empty() {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, PasswordPage { staff, errors }).into_response());
    }
    let new = body.new.clone();
    let hash = tokio::task::spawn_blocking(move || password_auth::generate_hash(new))
        .await
        .map_err(|e| AppError::Other(e.into()))?;
    drop(place);
    let mut tx = state.pool.begin().await?;
    accounts::set_password(&mut tx, staff.user.id, &hash, false, Some(staff.user.id)).await?;
    tx.commit().await?;
    // The session is bound to the password hash: sign in again with the new one.
    let mut user = staff.user.clone();
    user.password_hash = hash;
    user.must_change_password = false;
    auth.login(&user)
        .await
        .map_err(|e| AppError::Other(anyhow::anyhow!("sign-in: {e}")))?;
    flash(&staff.session, "Your password has been changed.").await;
    Ok(Redirect::to("/staff").into_response())
}

#[cfg(test)]
mod tests {
    use super::throttle_key;

    #[test]
    fn throttling_counts_ipv4_by_address_and_ipv6_by_its_slash_64() {
        let key = |a: &str| throttle_key(a.parse().expect("an address"));
        assert_eq!(key("203.0.113.9"), "203.0.113.9");
        assert_eq!(key("::ffff:203.0.113.9"), "203.0.113.9");
        assert_eq!(key("2001:db8:42:7:1:beef:1:1"), "2001:db8:42:7::/64");
        assert_eq!(key("2001:db8:42:7:ffff::2"), "2001:db8:42:7::/64");
        assert_ne!(key("2001:db8:42:8::1"), key("2001:db8:42:7::1"));
    }
}
