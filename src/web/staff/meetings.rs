//! The record editor: `/staff/meetings/new` and `/staff/meetings/{id}`, the
//! meeting's own details, and the page that gathers its questions, actions
//! and documents.

use crate::web::extract::{Form, Path};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::NaiveTime;
use serde::Deserialize;
use sqlx::PgConnection;

use crate::db::actions::{self, Action};
use crate::db::documents::{self, Document};
use crate::db::meetings::{self, Details, Meeting, Saved};
use crate::db::questions::{self, Question};
use crate::domain::record::Person;
use crate::domain::{Decision, MeetingStatus};
use crate::web::auth::{Staff, flash};
use crate::web::forms::Errors;
use crate::web::{AppError, AppState, filters};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/meetings/new", get(new))
        .route("/staff/meetings", axum::routing::post(create))
        .route("/staff/meetings/{id}", get(show).post(update))
        .route(
            "/staff/meetings/{id}/unplaced/clear",
            axum::routing::post(clear_unplaced),
        )
}

/// The meeting at `id`, or 404.
pub async fn load(conn: &mut PgConnection, id: i64) -> Result<Meeting, AppError> {
    meetings::get(conn, id).await?.ok_or(AppError::NotFound)
}

/// Refuses changes to a record that is not a draft. A write checks again
/// with [`lock_editable`] in its own transaction.
pub fn ensure_editable(meeting: &Meeting) -> Result<(), AppError> {
    editable(meeting.status)
}

/// Takes the record's row lock in the write's transaction, after the whole
/// request has been read, and checks on the locked row that it is still a
/// draft: nothing lands on a record sent to the PCC or published while the
/// request was on its way.
pub async fn lock_editable(tx: &mut PgConnection, id: i64) -> Result<(), AppError> {
    editable(meetings::lock(tx, id).await?.ok_or(AppError::NotFound)?)
}

fn editable(status: MeetingStatus) -> Result<(), AppError> {
    match status {
        MeetingStatus::Draft => Ok(()),
        MeetingStatus::InReview => Err(AppError::Locked(
            "This record is with the PCC for review. It can be changed again if the PCC sends it back."
                .into(),
        )),
        MeetingStatus::Published => Err(AppError::Locked(
            "This record is published. A published record is changed by a correction, which the PCC starts. \
             Its actions can still be updated."
                .into(),
        )),
        MeetingStatus::Withdrawn => Err(AppError::Locked("This record has been withdrawn.".into())),
    }
}

/// The details form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DetailsForm {
    #[serde(default)]
    topic: String,
    #[serde(default)]
    held_on: String,
    #[serde(default)]
    starts_at: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    attendees: String,
    #[serde(default)]
    apologies: String,
    #[serde(default)]
    introduction: String,
    #[serde(default)]
    version: String,
}

/// People typed one a line, as "Name, Role".
fn people(errors: &mut Errors, field: &str, label: &str, text: &str) -> Vec<Person> {
    let text = errors.text(field, label, text, crate::domain::fields::MAX_PEOPLE_CHARS, false);
    let people: Vec<Person> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| match l.split_once(',') {
            Some((name, role)) => Person {
                name: name.trim().to_owned(),
                role: role.trim().to_owned(),
            },
            None => Person {
                name: l.to_owned(),
                role: String::new(),
            },
        })
        .collect();
    if people.len() > 200 {
        errors.add(field, format!("{label} can list at most 200 people"));
    } else if people
        .iter()
        .any(|p| p.name.is_empty() || p.name.chars().count() > 200)
    {
        errors.add(
            field,
            format!(
                "Each line of {} needs a name of at most 200 characters",
                label.to_lowercase()
            ),
        );
    }
    people
}

fn people_text(people: &[Person]) -> String {
    let lines: Vec<String> = people
        .iter()
        .map(|p| {
            if p.role.is_empty() {
                p.name.clone()
            } else {
                format!("{}, {}", p.name, p.role)
            }
        })
        .collect();
    lines.join("\n")
}

impl DetailsForm {
    /// The details, or the problems with each field.
    fn parse(&self) -> Result<Details, Errors> {
        let mut e = Errors::default();
        let topic = e.text(
            "topic",
            "Topic",
            &self.topic,
            crate::domain::fields::MAX_TOPIC_CHARS,
            true,
        );
        let held_on = e.date("held_on", "Date", &self.held_on, true);
        let starts_at = match self.starts_at.trim() {
            "" => None,
            t => NaiveTime::parse_from_str(t, "%H:%M")
                .or_else(|_| NaiveTime::parse_from_str(t, "%H:%M:%S"))
                .map_or_else(
                    |_| {
                        e.add("starts_at", "Time must be a time of day, like 14:30");
                        None
                    },
                    Some,
                ),
        };
        let place = e.text(
            "place",
            "Place",
            &self.place,
            crate::domain::fields::MAX_PLACE_CHARS,
            false,
        );
        let mut kind = e.text(
            "kind",
            "Kind of meeting",
            &self.kind,
            crate::domain::fields::MAX_KIND_CHARS,
            false,
        );
        if kind.is_empty() {
            kind = "Scrutiny meeting".to_owned();
        }
        let attendees = people(&mut e, "attendees", "Attendees", &self.attendees);
        let apologies = people(&mut e, "apologies", "Apologies", &self.apologies);
        let introduction = e.text(
            "introduction",
            "Introduction",
            &self.introduction,
            crate::domain::fields::MAX_INTRODUCTION_CHARS,
            false,
        );
        match held_on {
            Some(held_on) if e.is_empty() => Ok(Details {
                topic,
                held_on,
                starts_at,
                place,
                kind,
                introduction,
                attendees,
                apologies,
            }),
            _ => Err(e),
        }
    }

    fn of(meeting: &Meeting) -> DetailsForm {
        let d = &meeting.details;
        DetailsForm {
            topic: d.topic.clone(),
            held_on: d.held_on.to_string(),
            starts_at: d
                .starts_at
                .map(|t| t.format("%H:%M").to_string())
                .unwrap_or_default(),
            place: d.place.clone(),
            kind: d.kind.clone(),
            attendees: people_text(&d.attendees),
            apologies: people_text(&d.apologies),
            introduction: d.introduction.clone(),
            version: meeting.version.to_string(),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/meetings/new.html")]
struct NewPage {
    staff: Staff,
    form: DetailsForm,
    errors: Errors,
}

async fn new(staff: Staff) -> NewPage {
    let form = DetailsForm {
        kind: "Scrutiny meeting".into(),
        ..DetailsForm::default()
    };
    NewPage {
        staff,
        form,
        errors: Errors::default(),
    }
}

/// How many more times a save is tried when the meeting's address was
/// taken by a save at the same moment; after that, the 409 page.
const SLUG_TRIES: u32 = 3;

/// Whether `e` is the unique index on meeting addresses refusing one.
fn is_slug_taken(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation() && d.constraint() == Some("meeting_slug_key"))
}

async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Form(body): Form<DetailsForm>,
) -> Result<Response, AppError> {
    let details = match body.parse() {
        Ok(details) => details,
        Err(errors) => {
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                NewPage {
                    staff,
                    form: body,
                    errors,
                },
            )
                .into_response());
        }
    };
    let mut tries = 0;
    let id = loop {
        let mut tx = state.pool.begin().await?;
        match meetings::create(&mut tx, &details, Some(staff.user.id)).await {
            Ok((id, _)) => {
                tx.commit().await?;
                break id;
            }
            // Another save took the address between the check for a free
            // one and this insert: try again (the transaction rolls back as
            // it is dropped), and the next free address is found.
            Err(e) if tries < SLUG_TRIES && is_slug_taken(&e) => tries += 1,
            Err(e) => return Err(e.into()),
        }
    };
    flash(
        &staff.session,
        "The meeting has been created. Now add its questions.",
    )
    .await;
    Ok(Redirect::to(&format!("/staff/meetings/{id}")).into_response())
}

/// The editor: details, questions, actions and documents of one record.
#[derive(Template, WebTemplate)]
#[template(path = "staff/meetings/show.html")]
struct EditorPage {
    staff: Staff,
    meeting: Meeting,
    form: DetailsForm,
    errors: Errors,
    /// The record as saved now, when the user's save met someone else's.
    conflict: Option<DetailsForm>,
    questions: Vec<Question>,
    actions: Vec<Action>,
    documents: Vec<Document>,
}

impl EditorPage {
    fn decision_label(&self, code: &Option<String>) -> &'static str {
        code.as_deref()
            .and_then(Decision::from_code)
            .map_or("No decision yet", Decision::label)
    }

    fn details_action(&self) -> String {
        format!("/staff/meetings/{}", self.meeting.id)
    }

    fn first_line<'a>(&self, text: &'a str) -> &'a str {
        text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("")
    }
}

async fn editor(
    state: &AppState,
    staff: Staff,
    meeting: Meeting,
    form: DetailsForm,
    errors: Errors,
    conflict: Option<DetailsForm>,
) -> Result<EditorPage, AppError> {
    let mut conn = state.pool.acquire().await?;
    let questions = questions::of_meeting(&mut conn, meeting.id).await?;
    let actions = actions::of_meeting(&mut conn, meeting.id).await?;
    let documents = documents::of_meeting(&mut conn, meeting.id).await?;
    Ok(EditorPage {
        staff,
        meeting,
        form,
        errors,
        conflict,
        questions,
        actions,
        documents,
    })
}

/// The editor again with `errors` (from its upload or link forms): 422.
pub async fn editor_with_errors(
    state: &AppState,
    staff: Staff,
    meeting: Meeting,
    errors: Errors,
) -> Result<Response, AppError> {
    let form = DetailsForm::of(&meeting);
    let page = editor(state, staff, meeting, form, errors, None).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<EditorPage, AppError> {
    let meeting = load(&mut *state.pool.acquire().await?, id).await?;
    let form = DetailsForm::of(&meeting);
    editor(&state, staff, meeting, form, Errors::default(), None).await
}

async fn update(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(mut body): Form<DetailsForm>,
) -> Result<Response, AppError> {
    let meeting = load(&mut *state.pool.acquire().await?, id).await?;
    ensure_editable(&meeting)?;
    let details = match body.parse() {
        Ok(details) => details,
        Err(errors) => {
            let page = editor(&state, staff, meeting, body, errors, None).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let version = body.version.trim().parse().unwrap_or(-1);
    let mut tries = 0;
    let saved = loop {
        let mut tx = state.pool.begin().await?;
        lock_editable(&mut tx, id).await?;
        match meetings::update(&mut tx, id, version, &details, staff.user.id).await {
            Ok(saved) => {
                tx.commit().await?;
                break saved;
            }
            // A new date or topic whose address another save took just now.
            Err(e) if tries < SLUG_TRIES && is_slug_taken(&e) => tries += 1,
            Err(e) => return Err(e.into()),
        }
    };
    if saved == Saved::Conflict {
        // Nothing was saved: show what the user typed beside what is saved
        // now, with the form ready to save theirs over it deliberately.
        let meeting = load(&mut *state.pool.acquire().await?, id).await?;
        let current = DetailsForm::of(&meeting);
        body.version = current.version.clone();
        let page = editor(&state, staff, meeting, body, Errors::default(), Some(current)).await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    flash(&staff.session, "The meeting details have been saved.").await;
    Ok(Redirect::to(&format!("/staff/meetings/{id}")).into_response())
}

async fn clear_unplaced(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Redirect, AppError> {
    let meeting = load(&mut *state.pool.acquire().await?, id).await?;
    ensure_editable(&meeting)?;
    let mut tx = state.pool.begin().await?;
    lock_editable(&mut tx, id).await?;
    meetings::clear_unplaced(&mut tx, id, staff.user.id).await?;
    tx.commit().await?;
    flash(&staff.session, "The unplaced text has been marked as placed.").await;
    Ok(Redirect::to(&format!("/staff/meetings/{id}")))
}
