//! Follow-up actions: add, edit, delete, and dated progress notes. What was
//! agreed (text, owner, due date, re-visit topic) changes only in a draft,
//! and reaches the public when the PCC publishes it; an action's status and
//! progress notes are live, and may be updated on a published record too.

use crate::web::extract::{Form, Path};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use serde::Deserialize;
use sqlx::PgConnection;

use super::meetings::load;
use crate::db::actions::{self, Action, ActionFields};
use crate::db::meetings::{self, Meeting, Saved};
use crate::domain::MeetingStatus;
use crate::domain::record::ActionStatus;
use crate::web::auth::{Staff, flash};
use crate::web::forms::Errors;
use crate::web::{AppError, AppState, filters};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/meetings/{id}/actions/new", get(new))
        .route("/staff/meetings/{id}/actions", post(create))
        .route("/staff/actions/{id}", get(edit).post(update))
        .route("/staff/actions/{id}/delete", post(delete))
        .route("/staff/actions/{id}/progress", post(progress))
}

fn ensure_open(meeting: &Meeting) -> Result<(), AppError> {
    open(meeting.status)
}

fn open(status: MeetingStatus) -> Result<(), AppError> {
    if !status.actions_editable() {
        return Err(AppError::Locked(
            "This record has been withdrawn; its actions are closed.".into(),
        ));
    }
    Ok(())
}

/// Takes the record's row lock in the write's transaction and checks, on
/// the locked row, that its actions are still open; returns its status.
async fn lock_open(tx: &mut PgConnection, meeting_id: i64) -> Result<MeetingStatus, AppError> {
    let status = meetings::lock(tx, meeting_id).await?.ok_or(AppError::NotFound)?;
    open(status)?;
    Ok(status)
}

/// The error on a form that changes what was agreed in an action of a
/// record that is no longer a draft.
const AGREED: &str = "The record is not a draft: what was agreed (the action, owner, due date and topic to re-visit) \
                      changes only in a correction, which the PCC starts. The status can be changed now.";

/// Whether `new` changes what was agreed in `old`, not only the status.
fn changes_agreed(old: &ActionFields, new: &ActionFields) -> bool {
    old.body != new.body
        || old.owner != new.owner
        || old.due_on != new.due_on
        || old.revisit_topic != new.revisit_topic
}

#[derive(Debug, Clone, Default, Deserialize)]
struct ActionForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    due_on: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    revisit_topic: String,
    #[serde(default)]
    version: String,
}

impl ActionForm {
    fn parse(&self) -> Result<ActionFields, Errors> {
        let mut e = Errors::default();
        let body = e.text(
            "body",
            "Action",
            &self.body,
            crate::domain::fields::MAX_ACTION_CHARS,
            true,
        );
        let owner = e.text(
            "owner",
            "Owner",
            &self.owner,
            crate::domain::fields::MAX_NAME_CHARS,
            false,
        );
        let due_on = e.date("due_on", "Due date", &self.due_on, false);
        let revisit = e.text(
            "revisit_topic",
            "Topic to re-visit",
            &self.revisit_topic,
            200,
            false,
        );
        let status = ActionStatus::from_code(self.status.trim());
        if status.is_none() {
            e.add("status", "Choose a status");
        }
        match status {
            Some(status) if e.is_empty() => Ok(ActionFields {
                body,
                owner,
                due_on,
                status,
                revisit_topic: (!revisit.is_empty()).then_some(revisit),
            }),
            _ => Err(e),
        }
    }

    fn of(action: &Action) -> ActionForm {
        ActionForm {
            body: action.fields.body.clone(),
            owner: action.fields.owner.clone(),
            due_on: action.fields.due_on.map(|d| d.to_string()).unwrap_or_default(),
            status: action.fields.status.code().to_owned(),
            revisit_topic: action.fields.revisit_topic.clone().unwrap_or_default(),
            version: action.version.to_string(),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/actions/form.html")]
struct ActionPage {
    staff: Staff,
    meeting: Meeting,
    action: Option<Action>,
    form: ActionForm,
    errors: Errors,
    conflict: Option<ActionForm>,
    statuses: [ActionStatus; 4],
    today: NaiveDate,
}

impl ActionPage {
    fn build(staff: Staff, meeting: Meeting, action: Option<Action>, form: ActionForm) -> ActionPage {
        let today = crate::domain::london::today();
        ActionPage {
            staff,
            meeting,
            action,
            form,
            errors: Errors::default(),
            conflict: None,
            statuses: ActionStatus::ALL,
            today,
        }
    }

    fn form_action(&self) -> String {
        match &self.action {
            Some(a) => format!("/staff/actions/{}", a.id),
            None => format!("/staff/meetings/{}/actions", self.meeting.id),
        }
    }
}

async fn new(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<ActionPage, AppError> {
    let meeting = load(&mut *state.pool.acquire().await?, id).await?;
    super::meetings::ensure_editable(&meeting)?;
    let form = ActionForm {
        status: "open".into(),
        ..ActionForm::default()
    };
    Ok(ActionPage::build(staff, meeting, None, form))
}

async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(body): Form<ActionForm>,
) -> Result<Response, AppError> {
    let meeting = load(&mut *state.pool.acquire().await?, id).await?;
    super::meetings::ensure_editable(&meeting)?;
    let fields = match body.parse() {
        Ok(fields) => fields,
        Err(errors) => {
            let page = ActionPage {
                errors,
                ..ActionPage::build(staff, meeting, None, body)
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let mut tx = state.pool.begin().await?;
    super::meetings::lock_editable(&mut tx, id).await?;
    actions::add(&mut tx, id, &fields, Some(staff.user.id)).await?;
    tx.commit().await?;
    flash(&staff.session, "The action has been added.").await;
    Ok(Redirect::to(&format!("/staff/meetings/{id}#actions")).into_response())
}

async fn load_action(state: &AppState, id: i64) -> Result<(Action, Meeting), AppError> {
    let mut conn = state.pool.acquire().await?;
    let action = actions::get(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    let meeting = load(&mut conn, action.meeting_id).await?;
    Ok((action, meeting))
}

async fn edit(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<ActionPage, AppError> {
    let (action, meeting) = load_action(&state, id).await?;
    let form = ActionForm::of(&action);
    Ok(ActionPage::build(staff, meeting, Some(action), form))
}

async fn update(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(mut body): Form<ActionForm>,
) -> Result<Response, AppError> {
    let (action, meeting) = load_action(&state, id).await?;
    ensure_open(&meeting)?;
    let fields = match body.parse() {
        Ok(fields) => fields,
        Err(errors) => {
            let page = ActionPage {
                errors,
                ..ActionPage::build(staff, meeting, Some(action), body)
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let version = body.version.trim().parse().unwrap_or(-1);
    let mut tx = state.pool.begin().await?;
    let status = lock_open(&mut tx, meeting.id).await?;
    if !status.is_editable() && changes_agreed(&action.fields, &fields) {
        drop(tx);
        let mut errors = Errors::default();
        errors.add("body", AGREED);
        let page = ActionPage {
            errors,
            ..ActionPage::build(staff, meeting, Some(action), body)
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let saved = actions::update(&mut tx, id, version, &fields, staff.user.id).await?;
    tx.commit().await?;
    if saved == Saved::Conflict {
        let (current, meeting) = load_action(&state, id).await?;
        let current_form = ActionForm::of(&current);
        body.version = current_form.version.clone();
        let page = ActionPage {
            conflict: Some(current_form),
            ..ActionPage::build(staff, meeting, Some(current), body)
        };
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    flash(
        &staff.session,
        format!("Action {} has been saved.", action.number),
    )
    .await;
    Ok(Redirect::to(&format!("/staff/meetings/{}#actions", action.meeting_id)).into_response())
}

async fn delete(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Redirect, AppError> {
    let (action, meeting) = load_action(&state, id).await?;
    super::meetings::ensure_editable(&meeting)?;
    let mut tx = state.pool.begin().await?;
    super::meetings::lock_editable(&mut tx, meeting.id).await?;
    actions::delete(&mut tx, &action, staff.user.id).await?;
    tx.commit().await?;
    flash(
        &staff.session,
        format!("Action {} has been deleted.", action.number),
    )
    .await;
    Ok(Redirect::to(&format!("/staff/meetings/{}#actions", meeting.id)))
}

#[derive(Debug, Default, Deserialize)]
struct ProgressForm {
    #[serde(default)]
    noted_on: String,
    #[serde(default)]
    note: String,
}

async fn progress(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(body): Form<ProgressForm>,
) -> Result<Response, AppError> {
    let (action, meeting) = load_action(&state, id).await?;
    ensure_open(&meeting)?;
    let mut errors = Errors::default();
    let noted_on = errors.date("noted_on", "Date of the note", &body.noted_on, true);
    let note = errors.text(
        "note",
        "Progress note",
        &body.note,
        crate::domain::fields::MAX_ACTION_CHARS,
        true,
    );
    let Some(noted_on) = noted_on.filter(|_| errors.is_empty()) else {
        let form = ActionForm::of(&action);
        let page = ActionPage {
            errors,
            ..ActionPage::build(staff, meeting, Some(action), form)
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let mut tx = state.pool.begin().await?;
    lock_open(&mut tx, meeting.id).await?;
    actions::add_progress(&mut tx, &action, noted_on, &note, staff.user.id).await?;
    tx.commit().await?;
    flash(&staff.session, "The progress note has been added.").await;
    Ok(Redirect::to(&format!("/staff/actions/{id}")).into_response())
}
