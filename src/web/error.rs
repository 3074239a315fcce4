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
    #[error("too many requests: {message}")]
    TooManyRequests {
        message: String,
        /// When to try again, for `Retry-After`.
        retry_after_secs: u64,
    },
    /// Too much of one kind of work at once (sign-ins being checked):
    /// 503 with `Retry-After`, nothing done.
    #[error("busy: {0}")]
    Busy(&'static str),
    /// The database could not be reached for something other than a
    /// handler's own statement (the session store): 503 with `Retry-After`.
    #[error("unavailable: {0}")]
    Unavailable(&'static str),
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
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Busy(_) | AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Locked(_) => StatusCode::CONFLICT,
            AppError::Database(sqlx::Error::Database(d)) if d.is_unique_violation() => StatusCode::CONFLICT,
            AppError::Database(sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_)) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            AppError::Database(sqlx::Error::Database(d)) if d.code().is_some_and(|c| unavailable(&c)) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            AppError::Database(_) | AppError::Other(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// PostgreSQL's codes for a server that cannot do the work just now, not
/// for anything wrong with the request: class 08 (the connection broke),
/// class 53 (out of disk, memory or connections) and 57P01–57P03 (shutting
/// down, restarting, starting up).
fn unavailable(code: &str) -> bool {
    code.starts_with("08") || code.starts_with("53") || code.starts_with("57P")
}

/// How long a client should wait before it asks again, after a 503: the
/// pool or the sign-in queue was full just now, or PostgreSQL is restarting.
const RETRY_AFTER_UNAVAILABLE_SECS: u64 = 5;

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.respond(|status, explained| {
            let page = ErrorPage {
                title: explained.title,
                message: &explained.message,
                reference: explained.reference,
            };
            match page.render() {
                Ok(html) => (status, Html(html)).into_response(),
                Err(_) => (status, explained.title.to_owned()).into_response(),
            }
        })
    }
}

/// An error for a program reading JSON (`/meetings.json`, `/actions.json`):
/// the status, `Retry-After` and log of the page, and the same words as
/// `{"error": title, "message": …, "reference": …}`.
#[derive(Debug)]
pub struct JsonError(pub AppError);

impl From<AppError> for JsonError {
    fn from(e: AppError) -> JsonError {
        JsonError(e)
    }
}

impl From<sqlx::Error> for JsonError {
    fn from(e: sqlx::Error) -> JsonError {
        JsonError(e.into())
    }
}

impl IntoResponse for JsonError {
    fn into_response(self) -> Response {
        self.0.respond(|status, explained| {
            let body = serde_json::json!({
                "error": explained.title,
                "message": explained.message,
                "reference": explained.reference,
            });
            (status, axum::Json(body)).into_response()
        })
    }
}

/// What the client is told of a failure.
struct Explained {
    title: &'static str,
    message: String,
    /// For a failure of ours: the reference the log gives it.
    reference: Option<String>,
}

impl AppError {
    /// The answer `render` makes of this error, with `Retry-After` where
    /// the client should ask again later.
    fn respond(self, render: impl FnOnce(StatusCode, Explained) -> Response) -> Response {
        let status = self.status();
        let retry_after = match &self {
            AppError::TooManyRequests { retry_after_secs, .. } => Some(*retry_after_secs),
            _ if status == StatusCode::SERVICE_UNAVAILABLE => Some(RETRY_AFTER_UNAVAILABLE_SECS),
            _ => None,
        };
        let mut response = render(status, self.explain(status));
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }

    /// What the client is told, logged as its kind needs.
    fn explain(self, status: StatusCode) -> Explained {
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
            AppError::TooManyRequests { message, .. } => ("Too many attempts", message.as_str(), None),
            AppError::Busy(why) => {
                tracing::warn!(why, "busy: refused with 503");
                ("Busy just now", *why, None)
            }
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
                    "The records cannot be read or saved just now, and nothing was changed. \
                     Please try again in a minute.",
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
        Explained {
            title,
            message: message.to_owned(),
            reference,
        }
    }
}

/// The answer to any address no route knows.
pub async fn not_found() -> AppError {
    AppError::NotFound
}
