//! One error type for every handler: a status and a page in the site's
//! layout. The client sees a plain message and a reference; the log gets the
//! cause.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("bad request: {0}")]
    BadRequest(String),
    /// A form or upload that cannot be read (or holds text no field
    /// accepts): 400, nothing changed.
    #[error("unreadable form: {0}")]
    BadForm(String),
    #[error("forbidden")]
    Forbidden,
    #[error("missing or wrong form token")]
    Csrf,
    #[error("request too large")]
    TooLarge,
    #[error("too many requests: {0}")]
    TooManyRequests(String),
    #[error("locked: {0}")]
    Locked(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: &'a str,
    reference: Option<String>,
}

impl AppError {
    fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) | AppError::BadForm(_) => StatusCode::BAD_REQUEST,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Locked(_) => StatusCode::CONFLICT,
            AppError::Database(sqlx::Error::Database(d)) if d.is_unique_violation() => StatusCode::CONFLICT,
            AppError::Database(sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_)) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            AppError::Database(_) | AppError::Other(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let (title, message, reference) = match &self {
            AppError::NotFound => (
                "Page not found",
                "There is no page at this address. If you typed it, check it; if you followed a link, the record may have moved.",
                None,
            ),
            AppError::BadRequest(why) => ("This address is not valid", why.as_str(), None),
            AppError::BadForm(why) => ("This form could not be read", why.as_str(), None),
            AppError::Forbidden => (
                "You cannot do this",
                "Your account's role does not allow this. Ask an administrator if you need it.",
                None,
            ),
            AppError::Csrf => (
                "This form has expired",
                "Nothing was changed. Go back, reload the page, and try again.",
                None,
            ),
            AppError::TooLarge => (
                "Too large",
                "What was sent is larger than this page accepts. Nothing was changed.",
                None,
            ),
            AppError::TooManyRequests(why) => ("Too many attempts", why.as_str(), None),
            AppError::Locked(why) => ("This record cannot be changed now", why.as_str(), None),
            AppError::Database(e) if status == StatusCode::CONFLICT => {
                tracing::warn!(error = %e, "a save met another at the same moment");
                (
                    "Someone else saved at the same moment",
                    "What you saved clashes with a save made at the same moment, so nothing was changed. \
                     Go back, reload the page to see what is saved now, and try again.",
                    None,
                )
            }
            _ if status == StatusCode::SERVICE_UNAVAILABLE => {
                let reference = uuid::Uuid::new_v4().simple().to_string()[..12].to_owned();
                tracing::error!(reference, error = ?anyhow::Error::new(self), "database unavailable");
                (
                    "Service unavailable",
                    "The records cannot be read just now. Please try again in a minute.",
                    Some(reference),
                )
            }
            _ => {
                let reference = uuid::Uuid::new_v4().simple().to_string()[..12].to_owned();
                tracing::error!(reference, error = ?self, "request failed");
                (
                    "Sorry, something went wrong",
                    "The error has been logged.",
                    Some(reference),
                )
            }
        };
        let page = ErrorPage {
            title,
            message,
            reference,
        };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, title.to_owned()).into_response(),
        }
    }
}

/// The answer to any address no route knows.
pub async fn not_found() -> AppError {
    AppError::NotFound
}
