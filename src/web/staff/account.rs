//! `/staff/account`: one's own account, and which messages it is sent
//! (each kind can be turned off); `/staff/outbox` (admins): every message
//! written, whether it was sent, and each one to read, which is where
//! messages wait when no SMTP server is set.

use crate::web::extract::{Form, Path, Query};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

use crate::db::audit::{self, Entry};
use crate::db::outbox::{self, Kind, Listed, Message};
use crate::web::auth::{Staff, flash};
use crate::web::listing::{Pager, page_number};
use crate::web::{AppError, AppState, filters};

/// Messages on one page of the outbox.
const PAGE_SIZE: i64 = 50;

/// Routes for any signed-in account.
pub fn router() -> Router<AppState> {
    Router::new().route("/staff/account", get(account).post(save))
}

/// Routes for admins.
pub fn admin_router() -> Router<AppState> {
    Router::new()
        .route("/staff/outbox", get(outbox_list))
        .route("/staff/outbox/{id}", get(outbox_message))
}

/// A kind of message, and whether the account is sent it.
struct Choice {
    kind: Kind,
    on: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/account.html")]
struct AccountPage {
    staff: Staff,
    choices: Vec<Choice>,
}

async fn account(State(state): State<AppState>, staff: Staff) -> Result<AccountPage, AppError> {
    let off = outbox::notices_off(&mut *state.pool.acquire().await?, staff.user.id).await?;
    let choices = Kind::ACCOUNT
        .into_iter()
        .map(|kind| Choice {
            kind,
            on: !off.contains(&kind),
        })
        .collect();
    Ok(AccountPage { staff, choices })
}

/// The kinds ticked, each a field named by its code with the value "on".
#[derive(Debug, Default, Deserialize)]
struct Ticked {
    #[serde(flatten)]
    fields: std::collections::HashMap<String, String>,
}

async fn save(
    State(state): State<AppState>,
    staff: Staff,
    Form(ticked): Form<Ticked>,
) -> Result<Response, AppError> {
    let off: Vec<Kind> = Kind::ACCOUNT
        .into_iter()
        .filter(|kind| ticked.fields.get(kind.code()).is_none_or(|value| value != "on"))
        .collect();
    let mut tx = state.pool.begin().await?;
    let before = outbox::notices_off(&mut tx, staff.user.id).await?;
    if before != off {
        outbox::set_notices_off(&mut tx, staff.user.id, &off).await?;
        let codes = |kinds: &[Kind]| serde_json::json!(kinds.iter().map(|k| k.code()).collect::<Vec<_>>());
        let entry = Entry::change(
            Some(staff.user.id),
            None,
            "set_notices",
            "account",
            staff.user.id,
            Some(serde_json::json!({ "notices_off": codes(&before) })),
            Some(serde_json::json!({ "notices_off": codes(&off) })),
        );
        audit::record(&mut tx, entry).await?;
    }
    tx.commit().await?;
    flash(&staff.session, "Your choice of messages has been saved.").await;
    Ok(Redirect::to("/staff/account").into_response())
}

#[derive(Debug, Default, Deserialize)]
struct OutboxParams {
    page: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/outbox.html")]
struct OutboxPage {
    staff: Staff,
    messages: Vec<Listed>,
    total: i64,
    pager: Pager,
}

async fn outbox_list(
    State(state): State<AppState>,
    staff: Staff,
    Query(params): Query<OutboxParams>,
) -> Result<OutboxPage, AppError> {
    let page = page_number(&params.page)?;
    let (messages, total) = outbox::list(
        &mut *state.pool.acquire().await?,
        PAGE_SIZE,
        (page - 1) * PAGE_SIZE,
    )
    .await?;
    Ok(OutboxPage {
        staff,
        messages,
        total,
        pager: Pager::new("/staff/outbox", page, total, PAGE_SIZE),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/outbox_message.html")]
struct MessagePage {
    staff: Staff,
    message: Message,
}

async fn outbox_message(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<MessagePage, AppError> {
    let message = outbox::get(&mut *state.pool.acquire().await?, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(MessagePage { staff, message })
}

impl OutboxPage {
    fn status(&self, m: &Listed) -> String {
        status(m.sent_at, m.attempts, m.last_error.as_deref())
    }
}

impl MessagePage {
    fn status(&self) -> String {
        let m = &self.message;
        status(m.sent_at, m.attempts, m.last_error.as_deref())
    }
}

/// What became of a message, in words.
fn status(sent_at: Option<chrono::DateTime<chrono::Utc>>, attempts: i32, last_error: Option<&str>) -> String {
    match (sent_at, attempts, last_error) {
        (Some(_), _, _) => "Sent".to_owned(),
        (None, 0, _) => "Waiting to be sent".to_owned(),
        (None, n, Some(error)) => format!("Not sent yet: {n} tries failed, the last with “{error}”"),
        (None, n, None) => format!("Not sent yet: {n} tries"),
    }
}
