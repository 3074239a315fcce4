//! The PCC's decision on each question of a record under review: recording
//! or changing it, and confirming it when the question changed after it was
//! made. Both are refused unless the record is with the PCC, checked on the
//! locked row in the write's transaction.

use crate::web::extract::{Form, Path};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use serde::Deserialize;

use super::meetings::load;
use super::review::{ensure_status, lock_status, review_page};
use crate::db::questions::{self, Question};
use crate::db::{review, workflow};
use crate::domain::{Decision, MeetingStatus};
use crate::web::auth::{Staff, flash};
use crate::web::forms::Errors;
use crate::web::{AppError, AppState};

/// Routes for the PCC only (merged into the review's).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/questions/{id}/decision", post(decide))
        .route("/staff/questions/{id}/confirm", post(confirm))
}

#[derive(Debug, Default, Deserialize)]
struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    rationale: String,
}

/// The question at `id` and its meeting's id, if the meeting is with the PCC.
async fn question_in_review(state: &AppState, id: i64) -> Result<Question, AppError> {
    let mut conn = state.pool.acquire().await?;
    let question = questions::get(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    let meeting = load(&mut conn, question.meeting_id).await?;
    ensure_status(&meeting, MeetingStatus::InReview, "with the PCC")?;
    Ok(question)
}

/// Back to the question on the review page.
fn to_question(question: &Question) -> Response {
    let to = format!(
        "/staff/review/{}#question-{}",
        question.meeting_id, question.position
    );
    Redirect::to(&to).into_response()
}

async fn decide(
    State(state): State<AppState>,
    staff: Staff,
    Path(question_id): Path<i64>,
    Form(body): Form<DecisionForm>,
) -> Result<Response, AppError> {
    let question = question_in_review(&state, question_id).await?;
    let n = question.position;
    let mut errors = Errors::default();
    let decision = Decision::from_code(body.decision.trim()).or_else(|| Decision::from_label(&body.decision));
    if decision.is_none() {
        let message = format!("Choose Assured, Partly assured or Not assured for question {n}");
        errors.add(&format!("decision-{n}"), message);
    }
    let rationale = errors.text(
        &format!("rationale-{n}"),
        "Rationale",
        &body.rationale,
        crate::domain::fields::MAX_RATIONALE_CHARS,
        false,
    );
    let Some(decision) = decision.filter(|_| errors.is_empty()) else {
        let page = review_page(&state, staff, question.meeting_id, errors, String::new()).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let mut tx = state.pool.begin().await?;
    lock_status(
        &mut tx,
        question.meeting_id,
        MeetingStatus::InReview,
        "with the PCC",
    )
    .await?;
    let by = Some(staff.user.id);
    workflow::decide(
        &mut tx,
        question.id,
        question.meeting_id,
        decision,
        &rationale,
        by,
    )
    .await?;
    tx.commit().await?;
    flash(&staff.session, format!("Question {n}: {}.", decision.label())).await;
    Ok(to_question(&question))
}

/// The PCC confirms a decision on a question that changed after it: the
/// same decision, now made on the question as it stands.
async fn confirm(
    State(state): State<AppState>,
    staff: Staff,
    Path(question_id): Path<i64>,
) -> Result<Response, AppError> {
    let question = question_in_review(&state, question_id).await?;
    let mut tx = state.pool.begin().await?;
    lock_status(
        &mut tx,
        question.meeting_id,
        MeetingStatus::InReview,
        "with the PCC",
    )
    .await?;
    if !review::confirm(&mut tx, question.id, question.meeting_id, staff.user.id).await? {
        let why = format!("Question {} has no decision to confirm.", question.position);
        return Err(AppError::Locked(why));
    }
    tx.commit().await?;
    let message = format!("Question {}: decision confirmed.", question.position);
    flash(&staff.session, message).await;
    Ok(to_question(&question))
}
