//! `/staff/forward-plan`: staff add, change, publish and remove the topics
//! on the public forward plan. An entry reaches the public only when someone
//! publishes it, as it is then; a later change waits for the next publish.
//! Every change is audited; a save names the version it edits, so two people
//! never silently overwrite each other.

use crate::web::extract::{Form, Path};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::db::forward_plan::{self, PlanEntry, PlanFields};
use crate::db::meetings::Saved;
use crate::web::auth::{Staff, flash};
use crate::web::forms::Errors;
use crate::web::{AppError, AppState, filters};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/forward-plan", get(index).post(create))
        .route("/staff/forward-plan/{id}", get(edit).post(update))
        .route("/staff/forward-plan/{id}/publish", post(publish))
        .route("/staff/forward-plan/{id}/delete", post(delete))
}

#[derive(Debug, Clone, Default, Deserialize)]
struct PlanForm {
    #[serde(default)]
    topic: String,
    #[serde(default)]
    planned_on: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    version: String,
}

impl PlanForm {
    fn parse(&self) -> Result<PlanFields, Errors> {
        let mut e = Errors::default();
        let topic = e.text(
            "topic",
            "Topic",
            &self.topic,
            crate::domain::fields::MAX_TOPIC_CHARS,
            true,
        );
        let planned_on = e.date("planned_on", "Date", &self.planned_on, true);
        let note = e.text(
            "note",
            "Notes",
            &self.note,
            crate::domain::fields::MAX_REASON_CHARS,
            false,
        );
        match planned_on {
            Some(planned_on) if e.is_empty() => Ok(PlanFields {
                topic,
                planned_on,
                note,
            }),
            _ => Err(e),
        }
    }

    fn of(entry: &PlanEntry) -> PlanForm {
        PlanForm {
            topic: entry.fields.topic.clone(),
            planned_on: entry.fields.planned_on.to_string(),
            note: entry.fields.note.clone(),
            version: entry.version.to_string(),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/forward_plan/index.html")]
struct IndexPage {
    staff: Staff,
    entries: Vec<PlanEntry>,
    form: PlanForm,
    errors: Errors,
}

async fn index_page(
    state: &AppState,
    staff: Staff,
    form: PlanForm,
    errors: Errors,
) -> Result<IndexPage, AppError> {
    let entries = forward_plan::all(&mut *state.pool.acquire().await?).await?;
    Ok(IndexPage {
        staff,
        entries,
        form,
        errors,
    })
}

async fn index(State(state): State<AppState>, staff: Staff) -> Result<IndexPage, AppError> {
    index_page(&state, staff, PlanForm::default(), Errors::default()).await
}

async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Form(body): Form<PlanForm>,
) -> Result<Response, AppError> {
    let fields = match body.parse() {
        Ok(fields) => fields,
        Err(errors) => {
            let page = index_page(&state, staff, body, errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let mut tx = state.pool.begin().await?;
    forward_plan::add(&mut tx, &fields, staff.user.id).await?;
    tx.commit().await?;
    flash(
        &staff.session,
        format!(
            "{} has been added to the forward plan. It is not public until it is published.",
            fields.topic
        ),
    )
    .await;
    Ok(Redirect::to("/staff/forward-plan").into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/forward_plan/edit.html")]
struct EditPage {
    staff: Staff,
    entry: PlanEntry,
    form: PlanForm,
    errors: Errors,
    /// What is saved now, when someone else saved first.
    conflict: Option<PlanForm>,
    /// Whether a publish was refused because the entry changed after the
    /// person publishing had seen it.
    stale_publish: bool,
}

async fn load(state: &AppState, id: i64) -> Result<PlanEntry, AppError> {
    let mut conn = state.pool.acquire().await?;
    forward_plan::get(&mut conn, id).await?.ok_or(AppError::NotFound)
}

async fn edit(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<EditPage, AppError> {
    let entry = load(&state, id).await?;
    let form = PlanForm::of(&entry);
    Ok(EditPage {
        staff,
        entry,
        form,
        errors: Errors::default(),
        conflict: None,
        stale_publish: false,
    })
}

async fn update(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(mut body): Form<PlanForm>,
) -> Result<Response, AppError> {
    let entry = load(&state, id).await?;
    let (errors, conflict) = match body.parse() {
        Err(errors) => (errors, None),
        Ok(fields) => {
            let version = body.version.trim().parse().unwrap_or(-1);
            let mut tx = state.pool.begin().await?;
            let saved = forward_plan::update(&mut tx, id, version, &fields, staff.user.id).await?;
            tx.commit().await?;
            if saved == Saved::Saved {
                flash(&staff.session, format!("{} has been saved.", fields.topic)).await;
                return Ok(Redirect::to("/staff/forward-plan").into_response());
            }
            (Errors::default(), Some(PlanForm::of(&load(&state, id).await?)))
        }
    };
    let status = match conflict {
        Some(ref current) => {
            body.version = current.version.clone();
            StatusCode::CONFLICT
        }
        None => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let page = EditPage {
        staff,
        entry,
        form: body,
        errors,
        conflict,
        stale_publish: false,
    };
    Ok((status, page).into_response())
}

#[derive(Debug, Default, Deserialize)]
struct PublishForm {
    #[serde(default)]
    version: String,
}

/// Publishes an entry as the person publishing saw it: if it was saved
/// again meanwhile, nothing is published and they are shown what changed.
async fn publish(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(body): Form<PublishForm>,
) -> Result<Response, AppError> {
    let entry = load(&state, id).await?;
    let version = body.version.trim().parse().unwrap_or(-1);
    let mut tx = state.pool.begin().await?;
    let saved = forward_plan::publish(&mut tx, id, version, staff.user.id).await?;
    tx.commit().await?;
    if saved == Saved::Conflict {
        let current = load(&state, id).await?;
        let page = EditPage {
            staff,
            form: PlanForm::of(&current),
            entry: current,
            errors: Errors::default(),
            conflict: None,
            stale_publish: true,
        };
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    flash(
        &staff.session,
        format!("{} is published on the forward plan.", entry.fields.topic),
    )
    .await;
    Ok(Redirect::to("/staff/forward-plan").into_response())
}

async fn delete(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Redirect, AppError> {
    let mut tx = state.pool.begin().await?;
    let deleted = forward_plan::delete(&mut tx, id, staff.user.id).await?;
    tx.commit().await?;
    if !deleted {
        return Err(AppError::NotFound);
    }
    flash(
        &staff.session,
        "The entry has been removed from the forward plan.",
    )
    .await;
    Ok(Redirect::to("/staff/forward-plan"))
}
