//! Writing a question: its text and its evidence, each an outline, with a
//! server-rendered preview; delete and reorder.

use crate::web::extract::{Form, Path};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::meetings::{ensure_editable, load, lock_editable};
use crate::db::meetings::{Meeting, Saved};
use crate::db::questions::{self, Question};
use crate::domain::Outline;
use crate::domain::outline::OutlineError;
use crate::web::auth::{Staff, flash};
use crate::web::forms::Errors;
use crate::web::outline_view::Step;
use crate::web::{AppError, AppState, filters};

pub use crate::domain::fields::{MAX_EVIDENCE_CHARS, MAX_QUESTION_CHARS};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/meetings/{id}/questions/new", get(new))
        .route("/staff/meetings/{id}/questions", post(create))
        .route("/staff/questions/{id}", get(edit).post(update))
        .route("/staff/questions/{id}/delete", post(delete))
        .route("/staff/questions/{id}/move", post(shift))
}

#[derive(Debug, Clone, Default, Deserialize)]
struct QuestionForm {
    #[serde(default)]
    text: String,
    #[serde(default)]
    evidence: String,
    #[serde(default)]
    version: String,
    /// Present when the "Preview" button was pressed.
    #[serde(default)]
    preview: Option<String>,
}

/// A checked question: its text and evidence as typed, each of which parses
/// as an outline.
struct Checked {
    text: String,
    evidence_text: String,
}

fn outline(errors: &mut Errors, field: &str, label: &str, value: &str, max: usize) -> Option<Outline> {
    let value = errors.text(field, label, value, max, field == "text");
    if errors.get(field).is_some() {
        return None;
    }
    match Outline::parse(&value) {
        Ok(outline) => Some(outline),
        Err(OutlineError::TooDeep { line }) => {
            errors.add(
                field,
                format!("{label} is nested more than 8 levels deep at line {line}"),
            );
            None
        }
        Err(OutlineError::Nul { .. }) => {
            errors.add(field, format!("{label} must not contain NUL characters"));
            None
        }
    }
}

impl QuestionForm {
    fn check(&self) -> (Errors, Option<Outline>, Option<Outline>) {
        let mut errors = Errors::default();
        let text = outline(&mut errors, "text", "Question", &self.text, MAX_QUESTION_CHARS);
        let evidence = outline(
            &mut errors,
            "evidence",
            "Evidence",
            &self.evidence,
            MAX_EVIDENCE_CHARS,
        );
        (errors, text, evidence)
    }

    fn parse(&self) -> Result<Checked, Errors> {
        match self.check() {
            (errors, Some(_), Some(_)) if errors.is_empty() => Ok(Checked {
                text: self.text.trim_end().to_owned(),
                evidence_text: self.evidence.trim_end().to_owned(),
            }),
            (errors, _, _) => Err(errors),
        }
    }

    fn of(question: &Question) -> QuestionForm {
        QuestionForm {
            text: question.body.clone(),
            evidence: question.evidence_text.clone(),
            version: question.version.to_string(),
            preview: None,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/questions/form.html")]
struct QuestionPage {
    staff: Staff,
    meeting: Meeting,
    /// `None` for a new question.
    number: Option<i32>,
    action: String,
    form: QuestionForm,
    errors: Errors,
    preview: Option<(Outline, Outline)>,
    /// The question as saved now, when the user's save met someone else's.
    conflict: Option<QuestionForm>,
}

impl QuestionPage {
    fn steps<'a>(&self, outline: &'a Outline) -> Vec<Step<'a>> {
        crate::web::outline_view::steps(outline)
    }
}

/// The page again, with a preview or the problems found.
fn again(mut page: QuestionPage) -> Response {
    let (errors, text, evidence) = page.form.check();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page.preview = text.zip(evidence);
    page.errors = errors;
    (status, page).into_response()
}

async fn new(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<QuestionPage, AppError> {
    let meeting = load(&mut *state.pool.acquire().await?, id).await?;
    ensure_editable(&meeting)?;
    let action = format!("/staff/meetings/{id}/questions");
    let form = QuestionForm::default();
    Ok(QuestionPage {
        staff,
        meeting,
        number: None,
        action,
        form,
        errors: Errors::default(),
        preview: None,
        conflict: None,
    })
}

async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(body): Form<QuestionForm>,
) -> Result<Response, AppError> {
    let meeting = load(&mut *state.pool.acquire().await?, id).await?;
    ensure_editable(&meeting)?;
    let checked = match body.parse() {
        Ok(checked) if body.preview.is_none() => checked,
        _ => {
            let action = format!("/staff/meetings/{id}/questions");
            let page = QuestionPage {
                staff,
                meeting,
                number: None,
                action,
                form: body,
                errors: Errors::default(),
                preview: None,
                conflict: None,
            };
            return Ok(again(page));
        }
    };
    let mut tx = state.pool.begin().await?;
    lock_editable(&mut tx, id).await?;
    questions::add(
        &mut tx,
        id,
        &checked.text,
        &checked.evidence_text,
        Some(staff.user.id),
    )
    .await?;
    tx.commit().await?;
    flash(&staff.session, "The question has been added.").await;
    Ok(Redirect::to(&format!("/staff/meetings/{id}#questions")).into_response())
}

/// The question at `id` with its meeting, or 404.
async fn load_question(state: &AppState, id: i64) -> Result<(Question, Meeting), AppError> {
    let mut conn = state.pool.acquire().await?;
    let question = questions::get(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    let meeting = load(&mut conn, question.meeting_id).await?;
    Ok((question, meeting))
}

async fn edit(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<QuestionPage, AppError> {
    let (question, meeting) = load_question(&state, id).await?;
    ensure_editable(&meeting)?;
    let form = QuestionForm::of(&question);
    let (errors, text, evidence) = form.check();
    Ok(QuestionPage {
        staff,
        meeting,
        number: Some(question.position),
        action: format!("/staff/questions/{id}"),
        form,
        errors,
        preview: text.zip(evidence),
        conflict: None,
    })
}

async fn update(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(mut body): Form<QuestionForm>,
) -> Result<Response, AppError> {
    let (question, meeting) = load_question(&state, id).await?;
    ensure_editable(&meeting)?;
    let page = |staff, meeting, form, conflict| QuestionPage {
        staff,
        meeting,
        number: Some(question.position),
        action: format!("/staff/questions/{id}"),
        form,
        errors: Errors::default(),
        preview: None,
        conflict,
    };
    let checked = match body.parse() {
        Ok(checked) if body.preview.is_none() => checked,
        _ => return Ok(again(page(staff, meeting, body, None))),
    };
    let version = body.version.trim().parse().unwrap_or(-1);
    let mut tx = state.pool.begin().await?;
    lock_editable(&mut tx, meeting.id).await?;
    let saved = questions::update(
        &mut tx,
        id,
        version,
        &checked.text,
        &checked.evidence_text,
        staff.user.id,
    )
    .await?;
    tx.commit().await?;
    if saved == Saved::Conflict {
        let (current, meeting) = load_question(&state, id).await?;
        let current = QuestionForm::of(&current);
        body.version = current.version.clone();
        let mut response = again(page(staff, meeting, body, Some(current)));
        *response.status_mut() = StatusCode::CONFLICT;
        return Ok(response);
    }
    flash(
        &staff.session,
        format!("Question {} has been saved.", question.position),
    )
    .await;
    Ok(Redirect::to(&format!(
        "/staff/meetings/{}#question-{}",
        question.meeting_id, question.position
    ))
    .into_response())
}

async fn delete(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Redirect, AppError> {
    let (question, meeting) = load_question(&state, id).await?;
    ensure_editable(&meeting)?;
    let mut tx = state.pool.begin().await?;
    lock_editable(&mut tx, meeting.id).await?;
    questions::delete(&mut tx, &question, staff.user.id).await?;
    tx.commit().await?;
    flash(
        &staff.session,
        format!(
            "Question {} has been deleted; the questions after it are renumbered.",
            question.position
        ),
    )
    .await;
    Ok(Redirect::to(&format!("/staff/meetings/{}#questions", meeting.id)))
}

#[derive(Debug, Deserialize)]
struct MoveForm {
    #[serde(default)]
    direction: String,
}

async fn shift(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(body): Form<MoveForm>,
) -> Result<Redirect, AppError> {
    let up = match body.direction.as_str() {
        "up" => true,
        "down" => false,
        _ => return Err(AppError::BadRequest("Move a question up or down.".into())),
    };
    let (question, meeting) = load_question(&state, id).await?;
    ensure_editable(&meeting)?;
    let mut tx = state.pool.begin().await?;
    lock_editable(&mut tx, meeting.id).await?;
    questions::shift(&mut tx, &question, up, staff.user.id).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/staff/meetings/{}#questions", meeting.id)))
}
