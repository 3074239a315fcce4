//! Withdrawing a published record: the PCC only.

use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Form, Router};
use serde::Deserialize;

use super::meetings::{editor_with_errors, load};
use crate::db::records;
use crate::domain::MeetingStatus;
use crate::web::auth::{Staff, flash};
use crate::web::forms::{Errors, form};
use crate::web::{AppError, AppState};

/// Routes for the PCC only.
pub fn pcc_router() -> Router<AppState> {
    Router::new().route("/staff/meetings/{id}/withdraw", post(withdraw))
}

#[derive(Debug, Default, Deserialize)]
struct WithdrawForm {
    #[serde(default, rename = "withdraw-reason")]
    reason: String,
}

async fn withdraw(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    body: Result<Form<WithdrawForm>, FormRejection>,
) -> Result<Response, AppError> {
    let body = form(body)?;
    let meeting = load(&mut *state.pool.acquire().await?, id).await?;
    if !meeting.published_before || !meeting.status.may_become(MeetingStatus::Withdrawn) {
        return Err(AppError::Locked(
            "Only a published record can be withdrawn.".into(),
        ));
    }
    let mut errors = Errors::default();
    let reason = errors.text("withdraw-reason", "Reason", &body.reason, 2_000, true);
    if !errors.is_empty() {
        return editor_with_errors(&state, staff, meeting, errors).await;
    }
    let mut tx = state.pool.begin().await?;
    records::withdraw(&mut tx, id, Some(staff.user.id), &reason).await?;
    tx.commit().await?;
    flash(
        &staff.session,
        "The record has been withdrawn. Its public address now gives the reason.",
    )
    .await;
    Ok(Redirect::to(&format!("/staff/meetings/{id}")).into_response())
}
