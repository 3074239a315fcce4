//! The project's own `Path`, `Query`, `Form` and `Multipart` extractors, used instead of
//! axum's (which `clippy.toml` bans): they refuse what they cannot read
//! with the site's error page rather than axum's plain-text rejection, and
//! they refuse text PostgreSQL or a header could not hold before any
//! handler sees it ([`check`]: NUL, other control characters, invalid
//! UTF-8).

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::request::Parts;
use axum::http::{Method, header};
use serde::de::DeserializeOwned;

use super::AppError;

/// Where text came from, which decides the control characters it may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// An address (a path segment or the query string): no control
    /// character at all.
    Address,
    /// A form's body: tab, line feed and carriage return are allowed (a
    /// textarea sends them), no other control character.
    FormBody,
}

/// Whether `text` may be handed to a handler: no NUL, no control character
/// but those `source` allows. The one place the site refuses them.
pub fn check(text: &str, source: Source) -> Result<(), AppError> {
    let allowed = |c: char| source == Source::FormBody && matches!(c, '\t' | '\n' | '\r');
    if text.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(match source {
            Source::Address => {
                AppError::BadRequest("The address holds a control character, which no page accepts.".into())
            }
            Source::FormBody => AppError::BadForm(
                "The form holds a control character (such as NUL), which cannot be saved. Nothing was changed. \
                 Go back, remove it and try again."
                    .into(),
            ),
        });
    }
    Ok(())
}

/// Checks every name and value of `application/x-www-form-urlencoded`
/// text (a query string or a form body), percent-decoded, for valid UTF-8
/// and then with [`check`].
pub fn check_pairs(encoded: &[u8], source: Source) -> Result<(), AppError> {
    for piece in encoded.split(|&b| b == b'&') {
        let plus_as_space: Vec<u8> = piece.iter().map(|&b| if b == b'+' { b' ' } else { b }).collect();
        let decoded: Vec<u8> = percent_encoding::percent_decode(&plus_as_space).collect();
        let text = std::str::from_utf8(&decoded).map_err(|_| match source {
            Source::Address => AppError::BadRequest("The address holds text that is not valid UTF-8.".into()),
            Source::FormBody => {
                AppError::BadForm("The form holds text that is not valid UTF-8. Nothing was changed.".into())
            }
        })?;
        check(text, source)?;
    }
    Ok(())
}

/// Path parameters. One that cannot be read (`/staff/meetings/abc`, or
/// one holding a control character) names no page: 404.
#[derive(Debug, Clone, Copy, Default)]
pub struct Path<T>(pub T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let raw = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        for (_, value) in &raw {
            check(value, Source::Address).map_err(|_| AppError::NotFound)?;
        }
        #[allow(clippy::disallowed_types)]
        let path = axum::extract::Path::<T>::from_request_parts(parts, state).await;
        path.map(|p| Path(p.0)).map_err(|_| AppError::NotFound)
    }
}

/// The query string, deserialized: 400 if it cannot be read or holds a
/// control character.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AppError> {
        let query = parts.uri.query().unwrap_or_default();
        check_pairs(query.as_bytes(), Source::Address)?;
        serde_urlencoded::from_str(query)
            .map(Query)
            .map_err(|_| AppError::BadRequest("The address has a query string that cannot be read.".into()))
    }
}

/// A form: the body of a POST (`application/x-www-form-urlencoded`), or
/// the query string of a GET. 413 when the body is larger than the route
/// accepts, 400 when it cannot be read or holds a control character other
/// than tab, line feed or carriage return.
#[derive(Debug, Clone, Copy, Default)]
pub struct Form<T>(pub T);

const UNREADABLE_FORM: &str = "The form could not be read. Go back, reload the page and try again.";

impl<T, S> FromRequest<S> for Form<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        if matches!(*request.method(), Method::GET | Method::HEAD) {
            let query = request.uri().query().unwrap_or_default();
            check_pairs(query.as_bytes(), Source::Address)?;
            return serde_urlencoded::from_str(query)
                .map(Form)
                .map_err(|_| AppError::BadForm(UNREADABLE_FORM.into()));
        }
        let is_form = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(AppError::BadForm(UNREADABLE_FORM.into()));
        }
        let bytes = Bytes::from_request(request, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                AppError::TooLarge
            } else {
                AppError::BadForm(UNREADABLE_FORM.into())
            }
        })?;
        check_pairs(&bytes, Source::FormBody)?;
        serde_urlencoded::from_bytes(&bytes)
            .map(Form)
            .map_err(|_| AppError::BadForm(UNREADABLE_FORM.into()))
    }
}

/// A multipart form (an upload): 400 when the request is not one. Its
/// fields are read, and checked, by the handler.
#[allow(clippy::disallowed_types)] // The one place it is used.
pub struct Multipart(pub axum::extract::Multipart);

impl<S> FromRequest<S> for Multipart
where
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        #[allow(clippy::disallowed_types)]
        let multipart = axum::extract::Multipart::from_request(request, state).await;
        multipart
            .map(Multipart)
            .map_err(|_| AppError::BadForm("The upload could not be read. Try again.".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_refuse_every_control_character() {
        for bad in [
            "a%00b",
            "q=%00",
            "q=x&topic=%00",
            "q=%09",
            "q=%0A",
            "q=%7F",
            "q=%C2%80",
            "n%1Fame=x",
        ] {
            assert!(check_pairs(bad.as_bytes(), Source::Address).is_err(), "{bad}");
        }
        for good in [
            "",
            "q=stalking",
            "q=caf%C3%A9+%E2%80%94",
            "topic=a-b&page=2",
            "q=%25",
            "q=+",
        ] {
            assert!(check_pairs(good.as_bytes(), Source::Address).is_ok(), "{good}");
        }
    }

    #[test]
    fn forms_allow_tabs_and_line_ends_but_no_other_control_character() {
        assert!(check_pairs(b"text=a%0D%0Ab%09c", Source::FormBody).is_ok());
        for bad in ["text=%00", "text=a%1Bb", "text=%7F", "next=%0C"] {
            assert!(check_pairs(bad.as_bytes(), Source::FormBody).is_err(), "{bad}");
        }
    }

    #[test]
    fn invalid_utf8_is_refused() {
        assert!(check_pairs(b"q=%FF", Source::Address).is_err());
        assert!(check_pairs(b"q=%C3", Source::FormBody).is_err());
        assert!(check_pairs(b"q=%C3%A9", Source::FormBody).is_ok());
    }
}
