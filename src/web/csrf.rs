//! Cross-site request forgery: every state-changing request must carry a
//! form token in its body, as the field `_csrf` (for an upload, the first
//! field of the multipart form); never in the address, which logs keep.
//! Without it: 403. Before that, a browser's cross-site request is refused
//! by its `Sec-Fetch-Site` or `Origin` (tower-http's check), unless it comes
//! from the public address.
//!
//! A session's token is kept in the session (a synchronizer token), made
//! anew at sign-in. A visitor with no session (the sign-in form) has no row
//! to keep one in: their token is a cookie of its own, which the form must
//! repeat (a double-submit cookie; `__Host-` prefixed over HTTPS, so no
//! sibling domain can plant one). It is accepted only while there is no
//! session, so a token seen before sign-in is refused after it.

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use subtle::ConstantTimeEq;
use tower_cookies::Cookies;
use tower_cookies::cookie::{Cookie, SameSite};
use tower_sessions::Session;

use super::{AppError, AppState};

const KEY: &str = "csrf";
/// The form field that carries the token.
pub const FIELD: &str = "_csrf";
/// Largest request body read to find the token (uploads are larger, and
/// carry the token in their first field).
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;
/// Most of an upload read to find its first field, the token.
const MAX_FIRST_FIELD_BYTES: usize = 16 * 1024;

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

/// The pre-session token's cookie: with `secure`, `__Host-` prefixed.
pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-scrutiny_csrf"
    } else {
        "scrutiny_csrf"
    }
}

fn new_token() -> String {
    uuid::Uuid::new_v4().simple().to_string() + &uuid::Uuid::new_v4().simple().to_string()
}

/// Whether `value` is a token as [`new_token`] makes them.
fn well_formed(value: &str) -> bool {
    value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit())
}

/// This session's token, made on first use.
pub async fn token(session: &Session) -> Result<String, AppError> {
    let existing: Option<String> = session.get(KEY).await.map_err(session_error)?;
    if let Some(token) = existing {
        return Ok(token);
    }
    rotate(session).await
}

/// Gives the session a new token, refusing the one before (at sign-in).
pub async fn rotate(session: &Session) -> Result<String, AppError> {
    let token = new_token();
    session.insert(KEY, &token).await.map_err(session_error)?;
    Ok(token)
}

fn session_error(e: tower_sessions::session::Error) -> AppError {
    AppError::Other(anyhow::anyhow!("session: {e}"))
}

/// Whether the request has a session in the store (reading it if need be).
async fn has_session(session: &Session) -> Result<bool, AppError> {
    session.get_value(KEY).await.map_err(session_error)?;
    Ok(session.id().is_some())
}

/// The token a form on this page must carry: the session's, or, with no
/// session (the sign-in form), the pre-session cookie's, set now if the
/// browser has none. Writes no session row.
pub struct FormToken(pub String);

impl FromRequestParts<AppState> for FormToken {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<FormToken, AppError> {
        let session = parts.extensions.get::<Session>().cloned();
        let cookies = parts.extensions.get::<Cookies>().cloned();
        let (Some(session), Some(cookies)) = (session, cookies) else {
            return Err(AppError::Other(anyhow::anyhow!("no session layer")));
        };
        if has_session(&session).await? {
            return token(&session).await.map(FormToken);
        }
        let name = cookie_name(state.secure_cookies);
        if let Some(existing) = cookies.get(name).filter(|c| well_formed(c.value())) {
            return Ok(FormToken(existing.value().to_owned()));
        }
        let token = new_token();
        let cookie = Cookie::build((name, token.clone()))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Strict)
            .secure(state.secure_cookies)
            .build();
        cookies.add(cookie);
        Ok(FormToken(token))
    }
}

/// The token the request must carry: the session's if it has one, else the
/// pre-session cookie's.
async fn expected(session: &Session, cookies: Option<&Cookies>, secure: bool) -> Option<String> {
    if has_session(session).await.ok()? {
        return session.get(KEY).await.ok().flatten();
    }
    let cookie = cookies?.get(cookie_name(secure))?;
    well_formed(cookie.value()).then(|| cookie.value().to_owned())
}

fn field_of(pairs: &[u8]) -> Option<String> {
    form_urlencoded::parse(pairs)
        .find(|(k, _)| k == FIELD)
        .map(|(_, v)| v.into_owned())
}

/// The token of a multipart form, which must be its first field, and the
/// body to hand on: the bytes read to find it, then the rest as it comes.
/// At most [`MAX_FIRST_FIELD_BYTES`] are read before the token is checked,
/// so an upload without one is refused before its file is read.
async fn first_field(content_type: &str, body: Body) -> Result<(Option<String>, Body), AppError> {
    let Ok(boundary) = multer::parse_boundary(content_type) else {
        return Ok((None, body));
    };
    let end_of_first = format!("\r\n--{boundary}");
    let mut stream = body.into_data_stream();
    let mut read = Vec::new();
    while read.len() <= MAX_FIRST_FIELD_BYTES && !contains(&read, end_of_first.as_bytes()) {
        match stream.next().await {
            Some(Ok(chunk)) => read.extend_from_slice(&chunk),
            Some(Err(_)) => {
                return Err(AppError::BadForm(
                    "The upload could not be read. Try again.".into(),
                ));
            }
            None => break,
        }
    }
    let read = Bytes::from(read);
    let token = token_in(read.clone(), boundary).await;
    let rest = futures_util::stream::once(async move { Ok::<_, axum::Error>(read) }).chain(stream);
    Ok((token, Body::from_stream(rest)))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The value of the `_csrf` field if it is the first field in `read`.
async fn token_in(read: Bytes, boundary: String) -> Option<String> {
    let once = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(read) });
    let mut multipart = multer::Multipart::new(once, boundary);
    let field = multipart.next_field().await.ok()??;
    if field.name() != Some(FIELD) {
        return None;
    }
    field.text().await.ok()
}

/// Middleware: checks the token on every request that is not GET, HEAD or
/// OPTIONS, but those to a route whose address holds its own proof
/// (`routes::token_in_address`: stopping alerts from a mail program).
/// `secure` says which pre-session cookie to read.
pub async fn guard(State(secure): State<bool>, session: Session, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let proof_in_address = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .is_some_and(|path| super::routes::token_in_address(path.as_str()));
    if proof_in_address {
        return next.run(request).await;
    }
    let cookies = request.extensions().get::<Cookies>().cloned();
    let expected = expected(&session, cookies.as_ref(), secure).await;
    let (parts, body) = request.into_parts();
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let (given, body) = if content_type.starts_with("application/x-www-form-urlencoded") {
        match to_bytes(body, MAX_FORM_BYTES).await {
            Ok(bytes) => (field_of(&bytes), Body::from(bytes)),
            Err(_) => return AppError::TooLarge.into_response(),
        }
    } else if content_type.starts_with("multipart/form-data") {
        match first_field(&content_type, body).await {
            Ok(found) => found,
            Err(e) => return e.into_response(),
        }
    } else {
        (None, body)
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
