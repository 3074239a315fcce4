//! The PCC's part: the review queue, the review page (the whole record as
//! the public will read it, marked with what changed since the PCC last saw
//! it), sending a record back, publishing and correcting (decisions are in
//! `decisions`, withdrawal in `withdrawal`). Staff may only send a draft to
//! the PCC.

use crate::web::extract::{Form, Path};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use sqlx::PgConnection;

use super::meetings::{editor_with_errors, load};
use crate::db::dashboard::{self, MeetingLine};
use crate::db::meetings::{self, Meeting};
use crate::db::review::{self, Unconfirmed};
use crate::db::{actions, questions, records, workflow};
use crate::domain::diff::{self, ItemDiff};
use crate::domain::record::PublicRecord;
use crate::domain::{Decision, MeetingStatus, Outline};
use crate::web::auth::{Staff, flash};
use crate::web::forms::Errors;
use crate::web::record_view::RecordView;
use crate::web::{AppError, AppState, filters, notify};

/// Routes any writer may use.
pub fn writer_router() -> Router<AppState> {
    Router::new().route("/staff/meetings/{id}/submit", post(submit))
}

/// Routes for the PCC only.
pub fn pcc_router() -> Router<AppState> {
    Router::new()
        .merge(super::decisions::router())
        .route("/staff/review", get(queue))
        .route("/staff/review/{id}", get(review))
        .route("/staff/meetings/{id}/send-back", post(send_back))
        .route("/staff/meetings/{id}/publish", post(publish))
        .route("/staff/meetings/{id}/correct", post(correct))
}

async fn submit(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let meeting = load(&mut *state.pool.acquire().await?, id).await?;
    super::meetings::ensure_editable(&meeting)?;
    let count = questions::of_meeting(&mut *state.pool.acquire().await?, id)
        .await?
        .len();
    let mut errors = Errors::default();
    if count == 0 {
        errors.add(
            "questions",
            "Add at least one question before sending the record to the PCC",
        );
    }
    if !meeting.unplaced_text.trim().is_empty() {
        errors.add(
            "unplaced",
            "Move the unplaced imported text into the record, then mark it as placed",
        );
    }
    if !errors.is_empty() {
        return editor_with_errors(&state, staff, meeting, errors).await;
    }
    let mut tx = state.pool.begin().await?;
    if !workflow::submit(&mut tx, id, staff.user.id).await? {
        return Err(AppError::Locked("This record is no longer a draft.".into()));
    }
    let by = Some(staff.user.id);
    notify::record(
        &mut tx,
        &state.site.current(),
        id,
        notify::Event::SentForReview,
        by,
    )
    .await?;
    tx.commit().await?;
    flash(
        &staff.session,
        "The record has been sent to the PCC. It cannot be edited while it is with the PCC.",
    )
    .await;
    Ok(Redirect::to(&format!("/staff/meetings/{id}")).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/review/queue.html")]
struct QueuePage {
    staff: Staff,
    records: Vec<MeetingLine>,
    notices: Vec<crate::db::outbox::Notice>,
}

async fn queue(State(state): State<AppState>, staff: Staff) -> Result<QueuePage, AppError> {
    let lines = dashboard::dashboard_meetings(&mut *state.pool.acquire().await?, staff.user.id).await?;
    let records = lines
        .into_iter()
        .filter(|l| l.status == MeetingStatus::InReview)
        .collect();
    let notices = crate::db::outbox::notices(
        &mut *state.pool.acquire().await?,
        &staff.user.email,
        super::dashboard::NOTICES,
    )
    .await?;
    Ok(QueuePage {
        staff,
        records,
        notices,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/review/show.html")]
pub(super) struct ReviewPage {
    staff: Staff,
    meeting: Meeting,
    /// The whole record as the public will read it, marked with what
    /// changed since the PCC last saw it.
    view: RecordView,
    /// What the record is compared with: `Some(true)` the record as the PCC
    /// sent it back, `Some(false)` the published revision, `None` nothing.
    compared: Option<bool>,
    /// The id of each question, in the record's order.
    question_ids: Vec<i64>,
    /// Decisions whose question changed after they were made.
    unconfirmed: Vec<NeedsConfirming>,
    errors: Errors,
    reason: String,
    decisions: [Decision; 3],
}

impl ReviewPage {
    fn question_id(&self, index: &usize) -> i64 {
        self.question_ids.get(*index).copied().unwrap_or_default()
    }

    fn needs_confirming(&self, number: &u32) -> Option<&NeedsConfirming> {
        self.unconfirmed.iter().find(|u| u.number == *number as i32)
    }
}

/// The review page of meeting `id`, with `errors` from a form and the
/// reason typed for a correction.
pub(super) async fn review_page(
    state: &AppState,
    staff: Staff,
    id: i64,
    errors: Errors,
    reason: String,
) -> Result<ReviewPage, AppError> {
    let mut conn = state.pool.acquire().await?;
    let meeting = load(&mut conn, id).await?;
    let record = records::load_live(&mut conn, id).await?;
    let baseline = review::baseline(&mut conn, id).await?;
    let actions = actions::of_meeting(&mut conn, id).await?;
    let unconfirmed = review::unconfirmed(&mut conn, id).await?;
    let question_ids = questions::of_meeting(&mut conn, id)
        .await?
        .into_iter()
        .map(|q| q.id)
        .collect();
    Ok(ReviewPage {
        staff,
        meeting,
        compared: baseline.as_ref().map(|b| b.sent_back),
        unconfirmed: unconfirmed
            .into_iter()
            .map(|u| NeedsConfirming::new(u, &record))
            .collect(),
        view: RecordView::live(record, actions, baseline.as_ref().map(|b| &b.record)),
        question_ids,
        errors,
        reason,
        decisions: Decision::ALL,
    })
}

async fn review(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<ReviewPage, AppError> {
    review_page(&state, staff, id, Errors::default(), String::new()).await
}

/// Refuses a PCC action on a record not in `status`.
pub(super) fn ensure_status(meeting: &Meeting, status: MeetingStatus, what: &str) -> Result<(), AppError> {
    in_status(meeting.status, status, what)
}

/// Takes the record's row lock in the step's transaction and checks, on the
/// locked row, that it is still in `status`.
pub(super) async fn lock_status(
    tx: &mut PgConnection,
    id: i64,
    status: MeetingStatus,
    what: &str,
) -> Result<(), AppError> {
    let now = meetings::lock(tx, id).await?.ok_or(AppError::NotFound)?;
    in_status(now, status, what)
}

fn in_status(now: MeetingStatus, status: MeetingStatus, what: &str) -> Result<(), AppError> {
    if now == status {
        Ok(())
    } else {
        Err(AppError::Locked(format!(
            "Only a record {what} can be changed this way."
        )))
    }
}

#[derive(Debug, Default, Deserialize)]
struct CommentForm {
    #[serde(default)]
    comment: String,
}

async fn send_back(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(body): Form<CommentForm>,
) -> Result<Response, AppError> {
    let meeting = load(&mut *state.pool.acquire().await?, id).await?;
    ensure_status(&meeting, MeetingStatus::InReview, "with the PCC")?;
    let mut errors = Errors::default();
    let comment = errors.text(
        "comment",
        "Comment",
        &body.comment,
        crate::domain::fields::MAX_COMMENT_CHARS,
        true,
    );
    if !errors.is_empty() {
        let page = review_page(&state, staff, id, errors, String::new()).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let mut tx = state.pool.begin().await?;
    if workflow::send_back(&mut tx, id, &comment, staff.user.id).await? {
        let event = notify::Event::SentBack { comment: &comment };
        notify::record(&mut tx, &state.site.current(), id, event, Some(staff.user.id)).await?;
    }
    tx.commit().await?;
    flash(
        &staff.session,
        "The record has been sent back to draft with your comment.",
    )
    .await;
    Ok(Redirect::to("/staff/review").into_response())
}

#[derive(Debug, Default, Deserialize)]
struct ReasonForm {
    #[serde(default)]
    reason: String,
}

async fn publish(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(body): Form<ReasonForm>,
) -> Result<Response, AppError> {
    let meeting = load(&mut *state.pool.acquire().await?, id).await?;
    ensure_status(&meeting, MeetingStatus::InReview, "with the PCC")?;
    // Revision, status and audit row in one transaction: all or nothing;
    // what blocks publication is checked on the row it locks.
    let mut tx = state.pool.begin().await?;
    lock_status(&mut tx, id, MeetingStatus::InReview, "with the PCC").await?;
    let mut errors = blockers(&mut tx, id).await?;
    let reason = errors.text(
        "reason",
        "Reason",
        &body.reason,
        crate::domain::fields::MAX_REASON_CHARS,
        meeting.published_before,
    );
    if !errors.is_empty() {
        tx.rollback().await?;
        let page = review_page(&state, staff, id, errors, reason).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let reason = meeting.published_before.then_some(reason.as_str());
    let number = records::publish(&mut tx, id, Some(staff.user.id), reason).await?;
    let event = notify::Event::Published { number, reason };
    notify::record(&mut tx, &state.site.current(), id, event, Some(staff.user.id)).await?;
    tx.commit().await?;
    let what = if number > 1 {
        "The correction has been published"
    } else {
        "The record has been published"
    };
    flash(&staff.session, format!("{what}: /meetings/{}", meeting.slug)).await;
    Ok(Redirect::to(&format!("/staff/meetings/{id}")).into_response())
}

/// What stops meeting `id` being published: questions with no decision,
/// and decisions whose question changed after they were made.
async fn blockers(tx: &mut PgConnection, id: i64) -> Result<Errors, AppError> {
    let mut errors = Errors::default();
    for number in workflow::undecided(tx, id).await? {
        errors.add(
            &format!("decision-{number}"),
            format!("Question {number} has no decision"),
        );
    }
    for u in review::unconfirmed(tx, id).await? {
        errors.add(
            &format!("confirm-{}", u.number),
            format!(
                "{} changed after its decision: confirm or change the decision",
                u.what()
            ),
        );
    }
    Ok(errors)
}

async fn correct(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Redirect, AppError> {
    let meeting = load(&mut *state.pool.acquire().await?, id).await?;
    ensure_status(&meeting, MeetingStatus::Published, "that is published")?;
    let mut tx = state.pool.begin().await?;
    workflow::start_correction(&mut tx, id, staff.user.id).await?;
    tx.commit().await?;
    flash(
        &staff.session,
        "The record is a draft again for its correction. The published version stays public until the correction is published.",
    )
    .await;
    Ok(Redirect::to(&format!("/staff/meetings/{id}")))
}

/// A decision to confirm: what changed in its question since it was made,
/// marked against the question as it was decided.
struct NeedsConfirming {
    question_id: i64,
    number: i32,
    /// "Question 2's evidence".
    what: String,
    text: Option<Vec<ItemDiff>>,
    evidence: Option<Vec<ItemDiff>>,
}

impl NeedsConfirming {
    fn new(u: Unconfirmed, record: &PublicRecord) -> NeedsConfirming {
        let now = record.questions.iter().find(|q| q.number as i32 == u.number);
        let compare = |changed: bool, decided: &str, now: Option<&Outline>| {
            changed.then(|| diff::outline(&stored_outline(decided), now.unwrap_or(&Outline::default())))
        };
        NeedsConfirming {
            question_id: u.question_id,
            number: u.number,
            what: u.what(),
            text: compare(u.text_changed, &u.decided_body, now.map(|q| &q.text)),
            evidence: compare(u.evidence_changed, &u.decided_evidence, now.map(|q| &q.evidence)),
        }
    }
}

/// An outline as stored; text that does not parse is kept as one paragraph.
fn stored_outline(text: &str) -> Outline {
    Outline::parse(text).unwrap_or_else(|_| Outline {
        items: vec![crate::domain::outline::Item::plain(text.to_owned())],
    })
}
