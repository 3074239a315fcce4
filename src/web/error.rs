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
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Database(sqlx::Error::PoolTimedOut | sqlx::Error::Io(_)) => {
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
