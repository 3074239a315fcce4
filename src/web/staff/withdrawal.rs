//! Withdrawing a published record, and reinstating a withdrawn one: the PCC
//! only, each on a page of its own that shows the record as the public reads
//! it and asks for a reason (`/staff/meetings/{id}/withdraw` and
//! `/staff/meetings/{id}/reinstate`).

use crate::web::extract::{Form, Path};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

use super::meetings::load;
use crate::db::ledger::{self, Entry};
use crate::db::meetings::Meeting;
use crate::db::records::{self, LatestRevision};
use crate::domain::MeetingStatus;
use crate::domain::record::PublicRecord;
use crate::web::auth::{Staff, flash};
use crate::web::forms::Errors;
use crate::web::outline_view::Step;
use crate::web::{AppError, AppState, alerts, filters, notify};

/// Routes for the PCC only.
pub fn pcc_router() -> Router<AppState> {
    Router::new()
        .route("/staff/meetings/{id}/withdraw", get(withdraw_page).post(withdraw))
        .route(
            "/staff/meetings/{id}/reinstate",
            get(reinstate_page).post(reinstate),
        )
}

/// Which of the two steps a page asks to confirm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Withdraw,
    Reinstate,
}

impl Change {
    /// Why a record that may not make this change now is refused.
    fn refused(self) -> AppError {
        AppError::Locked(
            match self {
                Change::Withdraw => "Only a published record can be withdrawn.",
                Change::Reinstate => "Only a withdrawn record can be reinstated.",
            }
            .into(),
        )
    }

    /// Whether the record may make this change now.
    fn allowed(self, meeting: &Meeting) -> Result<(), AppError> {
        let next = match self {
            Change::Withdraw => MeetingStatus::Withdrawn,
            Change::Reinstate => MeetingStatus::Published,
        };
        if meeting.published_before && meeting.status.may_become(next) {
            Ok(())
        } else {
            Err(self.refused())
        }
    }
}

/// The confirmation page: the record as the public reads (or read) it, its
/// withdrawals so far, and the reason field.
#[derive(Template, WebTemplate)]
#[template(path = "staff/withdrawal/confirm.html")]
struct ConfirmPage {
    staff: Staff,
    change: Change,
    meeting: Meeting,
    latest: LatestRevision,
    history: Vec<Entry>,
    reason: String,
    errors: Errors,
}

impl ConfirmPage {
    fn is_withdrawal(&self) -> bool {
        self.change == Change::Withdraw
    }

    fn record(&self) -> &PublicRecord {
        &self.latest.record
    }
}

async fn page(
    state: &AppState,
    staff: Staff,
    id: i64,
    change: Change,
    reason: String,
    errors: Errors,
) -> Result<ConfirmPage, AppError> {
    let mut conn = state.pool.acquire().await?;
    let meeting = load(&mut conn, id).await?;
    change.allowed(&meeting)?;
    let latest = records::latest_revision(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let history = ledger::withdrawals(&mut conn, id).await?;
    Ok(ConfirmPage {
        staff,
        change,
        meeting,
        latest,
        history,
        reason,
        errors,
    })
}

#[derive(Debug, Default, Deserialize)]
struct ReasonForm {
    #[serde(default)]
    reason: String,
}

async fn withdraw_page(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<ConfirmPage, AppError> {
    page(
        &state,
        staff,
        id,
        Change::Withdraw,
        String::new(),
        Errors::default(),
    )
    .await
}

async fn reinstate_page(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<ConfirmPage, AppError> {
    page(
        &state,
        staff,
        id,
        Change::Reinstate,
        String::new(),
        Errors::default(),
    )
    .await
}

async fn withdraw(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(body): Form<ReasonForm>,
) -> Result<Response, AppError> {
    confirm(state, staff, id, Change::Withdraw, body).await
}

async fn reinstate(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(body): Form<ReasonForm>,
) -> Result<Response, AppError> {
    confirm(state, staff, id, Change::Reinstate, body).await
}

/// Makes the change with the reason given, or shows the page again (422)
/// with the reason kept and the error beside it.
async fn confirm(
    state: AppState,
    staff: Staff,
    id: i64,
    change: Change,
    body: ReasonForm,
) -> Result<Response, AppError> {
    change.allowed(&load(&mut *state.pool.acquire().await?, id).await?)?;
    let mut errors = Errors::default();
    let reason = errors.text(
        "reason",
        "Reason",
        &body.reason,
        crate::domain::fields::MAX_REASON_CHARS,
        true,
    );
    if !errors.is_empty() {
        let page = page(&state, staff, id, change, body.reason, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let by = Some(staff.user.id);
    let mut tx = state.pool.begin().await?;
    let done = match change {
        Change::Withdraw => records::withdraw(&mut tx, id, by, &reason).await,
        Change::Reinstate => records::reinstate(&mut tx, id, by, &reason).await,
    };
    match done {
        // Someone was first: the write checks the row it locks.
        Err(sqlx::Error::RowNotFound) => return Err(change.refused()),
        other => other?,
    }
    let site = state.site.current();
    match change {
        Change::Withdraw => {
            let event = notify::Event::Withdrawn { reason: &reason };
            notify::record(&mut tx, &site, id, event, by).await?;
        }
        // Subscribers told of the withdrawal are told it is back.
        Change::Reinstate => {
            let change = alerts::Change::Reinstated { reason: &reason };
            alerts::tell_subscribers(&mut tx, &site, id, change).await?;
        }
    }
    tx.commit().await?;
    let message = match change {
        Change::Withdraw => "The record has been withdrawn. Its public address now gives the reason.",
        Change::Reinstate => {
            "The record has been reinstated. Its public page says when it was withdrawn and reinstated, and why."
        }
    };
    flash(&staff.session, message).await;
    Ok(Redirect::to(&format!("/staff/meetings/{id}")).into_response())
}
