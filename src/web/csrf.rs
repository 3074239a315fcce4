//! Cross-site request forgery: every state-changing request must carry the
//! session's synchronizer token, as the form field `_csrf` (or, for file
//! uploads, in the form's query string). Without it: 403. Before that, a
//! browser's cross-site request is refused by its `Sec-Fetch-Site` or
//! `Origin` (tower-http's check), unless it comes from the public address.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;
use tower_sessions::Session;

use super::AppError;

const KEY: &str = "csrf";
/// The form field (and query parameter) that carries the token.
pub const FIELD: &str = "_csrf";
/// Largest request body read to find the token (uploads are larger, and
/// carry the token in the query string).
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

/// Refuses state-changing requests that a browser says come from another
/// site (same origin as `Host`, or the site's public address, is allowed).
pub fn origin_check(
    public_url: &str,
) -> tower_http::csrf::CsrfLayer<impl tower_http::csrf::ResponseForProtectionError<Body> + use<>> {
    let layer = tower_http::csrf::CsrfLayer::new();
    let layer = match layer.clone().add_trusted_origin(public_url) {
        Ok(trusted) => trusted,
        Err(e) => {
            tracing::warn!(error = %e, public_url, "the public address is not a valid origin");
            layer
        }
    };
    layer.with_rejection_response(|_: tower_http::csrf::ProtectionError| AppError::Csrf.into_response())
}

/// This session's token, made on first use.
pub async fn token(session: &Session) -> Result<String, AppError> {
    let existing: Option<String> = session.get(KEY).await.map_err(session_error)?;
    if let Some(token) = existing {
        return Ok(token);
    }
    let token = uuid::Uuid::new_v4().simple().to_string() + &uuid::Uuid::new_v4().simple().to_string();
    session.insert(KEY, &token).await.map_err(session_error)?;
    Ok(token)
}

fn session_error(e: tower_sessions::session::Error) -> AppError {
    AppError::Other(anyhow::anyhow!("session: {e}"))
}

fn field_of(pairs: &[u8]) -> Option<String> {
    form_urlencoded::parse(pairs)
        .find(|(k, _)| k == FIELD)
        .map(|(_, v)| v.into_owned())
}

/// Middleware: checks the token on every request that is not GET, HEAD or
/// OPTIONS.
pub async fn guard(session: Session, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let expected: Option<String> = session.get(KEY).await.ok().flatten();
    let (parts, body) = request.into_parts();
    let mut given = parts.uri.query().and_then(|q| field_of(q.as_bytes()));
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let body = if given.is_none() && is_form {
        match to_bytes(body, MAX_FORM_BYTES).await {
            Ok(bytes) => {
                given = field_of(&bytes);
                Body::from(bytes)
            }
            Err(_) => return AppError::TooLarge.into_response(),
        }
    } else {
        body
    };
    let valid = match (expected, given) {
        (Some(expected), Some(given)) => bool::from(expected.as_bytes().ct_eq(given.as_bytes())),
        _ => false,
    };
    if !valid {
        return AppError::Csrf.into_response();
    }
    next.run(Request::from_parts(parts, body)).await
}
