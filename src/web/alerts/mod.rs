//! Email alerts for the public: `/alerts` takes an email address and a
//! topic (or every record) and sends a link that confirms them; nothing
//! else is sent to the address until it is followed (double opt-in). Each
//! alert has a link that stops them, which also works as a POST alone
//! (RFC 8058 one-click, the one state-changing route without a form token:
//! its token in the address is its proof). `/privacy` says what is kept.
//!
//! The links open a page with a button rather than acting on a GET: mail
//! scanners follow links in messages, and must not confirm or stop alerts.

mod mail;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

pub use mail::{Change, tell_subscribers};

use super::AppError;
use super::AppState;
use super::staff::ClientAddress;
use crate::db::alerts::{self, Purpose};
use crate::db::outbox;
use crate::db::public::topics::{self, TopicLine};
use crate::domain::account::Email;
use crate::domain::site::Site;
use crate::web::csrf::FormToken;
use crate::web::extract::{Form, Path, Query};
use crate::web::forms::Errors;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/alerts", get(form).post(ask))
        .route("/alerts/requested", get(requested))
        .route("/alerts/confirm/{token}", get(confirm_page).post(confirm))
        .route(
            "/alerts/unsubscribe/{token}",
            get(unsubscribe_page).post(unsubscribe),
        )
}

/// The privacy notice, the same for everyone (kept by the page cache).
pub fn privacy_router() -> Router<AppState> {
    Router::new().route("/privacy", get(privacy))
}

#[derive(Template, WebTemplate)]
#[template(path = "alerts/form.html")]
struct FormPage {
    csrf: String,
    email: String,
    /// The topic chosen: its address, or empty for every record.
    topic: String,
    topics: Vec<TopicLine>,
    errors: Errors,
}

#[derive(Debug, Default, Deserialize)]
struct Chosen {
    topic: Option<String>,
}

async fn form(
    State(state): State<AppState>,
    FormToken(csrf): FormToken,
    Query(chosen): Query<Chosen>,
) -> Result<Response, AppError> {
    let topics = topics::topic_lines(&mut *state.pool.acquire().await?).await?;
    let topic = chosen
        .topic
        .filter(|slug| topics.iter().any(|t| &t.topic_slug == slug))
        .unwrap_or_default();
    let page = FormPage {
        csrf,
        email: String::new(),
        topic,
        topics,
        errors: Errors::default(),
    };
    Ok(private(page))
}

#[derive(Debug, Default, Deserialize)]
struct AskForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    topic: String,
}

/// The address and the topic (none: every record) asked for, or what is
/// wrong with them.
fn read<'t>(asked: &AskForm, topics: &'t [TopicLine]) -> Result<(Email, Option<&'t TopicLine>), Errors> {
    let mut errors = Errors::default();
    // As the sender will read it, too: an address it cannot send to would
    // wait in the outbox for ever.
    let email = Email::parse(&asked.email)
        .ok()
        .filter(|email| email.as_str().parse::<lettre::Address>().is_ok());
    if email.is_none() {
        errors.add("email", "Enter an email address like name@example.org");
    }
    let topic = match asked.topic.as_str() {
        "" => Some(None),
        slug => topics.iter().find(|t| t.topic_slug == slug).map(Some),
    };
    if topic.is_none() {
        errors.add("topic", "Choose a topic from the list, or every record");
    }
    match (email, topic) {
        (Some(email), Some(topic)) => Ok((email, topic)),
        _ => Err(errors),
    }
}

async fn ask(
    State(state): State<AppState>,
    FormToken(csrf): FormToken,
    ClientAddress(address): ClientAddress,
    Form(asked): Form<AskForm>,
) -> Result<Response, AppError> {
    let mut conn = state.pool.acquire().await?;
    let topics = topics::topic_lines(&mut conn).await?;
    drop(conn);
    let (email, topic) = match read(&asked, &topics) {
        Ok(read) => read,
        Err(errors) => {
            let page = FormPage {
                csrf,
                email: asked.email.chars().take(254).collect(),
                topic: String::new(),
                topics,
                errors,
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, private(page)).into_response());
        }
    };
    let site = state.site.current();
    let mut tx = state.pool.begin().await?;
    if !alerts::allow_request(&mut tx, &address, email.as_str()).await? {
        return Err(AppError::TooManyRequests {
            message: format!(
                "Alerts have been asked for too many times, from here or for that email address. Try again in an hour, or contact {}.",
                site.office_name
            ),
            retry_after_secs: 60 * alerts::WINDOW_MINUTES as u64,
        });
    }
    let subscription = alerts::request(
        &mut tx,
        email.as_str(),
        topic.map(|t| (t.topic_slug.as_str(), t.topic.as_str())),
    )
    .await?;
    mail::confirmation(&mut tx, &site, &subscription).await?;
    tx.commit().await?;
    Ok(Redirect::to("/alerts/requested").into_response())
}

/// A page that holds someone's address or a link's token: kept by no
/// cache, and its address sent to no other site.
fn private(page: impl IntoResponse) -> Response {
    (
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        page,
    )
        .into_response()
}

/// A page of the alerts' journey: what happened, in a heading and words,
/// and perhaps a button.
#[derive(Template, WebTemplate)]
#[template(path = "alerts/step.html")]
struct StepPage {
    title: String,
    lead: String,
    /// The button's form: where it posts, its label, and its form token.
    button: Option<(String, &'static str, String)>,
}

async fn requested() -> Response {
    private(StepPage {
        title: "Check your email".to_owned(),
        lead: format!(
            "If the address you gave can receive email, a message is on its way to it with a link that starts your alerts. Nothing else is sent to it until that link is followed; the link works for {} days.",
            alerts::CONFIRM_DAYS
        ),
        button: None,
    })
}

/// A link whose token is not known (or has expired): 404, saying so.
fn unknown_link(what: &str) -> Response {
    let page = StepPage {
        title: "This link does not work".to_owned(),
        lead: what.to_owned(),
        button: None,
    };
    (StatusCode::NOT_FOUND, private(page)).into_response()
}

const UNKNOWN_CONFIRM: &str =
    "It has been used, has expired, or was not copied whole. Ask for alerts again to be sent a new one.";
const UNKNOWN_UNSUBSCRIBE: &str =
    "There are no alerts for it: they have been stopped already, or the link was not copied whole.";

async fn confirm_page(
    State(state): State<AppState>,
    FormToken(csrf): FormToken,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let found = alerts::by_token(&mut *state.pool.acquire().await?, &token, Purpose::Confirm).await?;
    let Some(subscription) = found else {
        return Ok(unknown_link(UNKNOWN_CONFIRM));
    };
    Ok(private(StepPage {
        title: "Confirm your email alerts".to_owned(),
        lead: format!(
            "Send an email to {} each time a record on {} is published, corrected, withdrawn or put back.",
            subscription.email,
            subscription.about()
        ),
        button: Some((format!("/alerts/confirm/{token}"), "Start my alerts", csrf)),
    }))
}

async fn confirm(State(state): State<AppState>, Path(token): Path<String>) -> Result<Response, AppError> {
    let mut tx = state.pool.begin().await?;
    let Some(subscription) = alerts::by_token(&mut tx, &token, Purpose::Confirm).await? else {
        return Ok(unknown_link(UNKNOWN_CONFIRM));
    };
    alerts::confirm(&mut tx, subscription.id).await?;
    tx.commit().await?;
    Ok(private(StepPage {
        title: "Your alerts have started".to_owned(),
        lead: format!(
            "{} will be sent an email each time a record on {} is published, corrected, withdrawn or put back. Each one has a link that stops them.",
            subscription.email,
            subscription.about()
        ),
        button: None,
    }))
}

async fn unsubscribe_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let found = alerts::by_token(&mut *state.pool.acquire().await?, &token, Purpose::Unsubscribe).await?;
    let Some(subscription) = found else {
        return Ok(unknown_link(UNKNOWN_UNSUBSCRIBE));
    };
    Ok(private(StepPage {
        title: "Stop your email alerts".to_owned(),
        lead: format!(
            "Stop the alerts on {} sent to {}, and delete that address.",
            subscription.about(),
            subscription.email
        ),
        // No form token: the link's own token is the proof (see `unsubscribe`).
        button: Some((
            format!("/alerts/unsubscribe/{token}"),
            "Stop my alerts",
            String::new(),
        )),
    }))
}

/// Stops the alerts of the link's subscription and deletes its address
/// and every message to it. A POST with nothing else (RFC 8058: a mail
/// program's "unsubscribe", with no cookie or form token) does it.
async fn unsubscribe(State(state): State<AppState>, Path(token): Path<String>) -> Result<Response, AppError> {
    let mut tx = state.pool.begin().await?;
    let Some(subscription) = alerts::by_token(&mut tx, &token, Purpose::Unsubscribe).await? else {
        return Ok(unknown_link(UNKNOWN_UNSUBSCRIBE));
    };
    alerts::remove(&mut tx, subscription.id).await?;
    tx.commit().await?;
    Ok(private(StepPage {
        title: "Your alerts have stopped".to_owned(),
        lead: format!(
            "No more alerts on {} will be sent, and the address they went to has been deleted.",
            subscription.about()
        ),
        button: None,
    }))
}

#[derive(Template, WebTemplate)]
#[template(path = "privacy.html")]
struct PrivacyPage {
    site: std::sync::Arc<Site>,
    confirm_days: i32,
    kept_days: i32,
}

async fn privacy() -> PrivacyPage {
    PrivacyPage {
        site: super::site::current(),
        confirm_days: alerts::CONFIRM_DAYS,
        kept_days: outbox::KEPT_DAYS,
    }
}
