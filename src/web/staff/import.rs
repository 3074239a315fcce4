//! `/staff/import`: upload notes, see what will be created, then create the
//! draft. The file is read once; its text waits in `pending_import` between
//! the preview and the confirmation.

mod batch;

use crate::web::extract::{Form, Multipart, Path};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use serde::Deserialize;

use crate::db::{meetings, pending_imports};
use crate::domain::Outline;
use crate::import::notes::ImportedRecord;
use crate::import::words::{self, WordCount};
use crate::import::{self, DraftError, MAX_IMPORT_BYTES, Shape};
use crate::web::auth::{Staff, flash};
use crate::web::forms::Errors;
use crate::web::outline_view::Step;
use crate::web::{AppError, AppState, filters};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/staff/import",
            get(upload_page)
                .post(upload)
                .layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES + 1024 * 1024)),
        )
        .route("/staff/import/{id}", post(confirm))
        .route("/staff/import/batch", post(batch::confirm))
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/import/upload.html")]
struct UploadPage {
    staff: Staff,
    errors: Errors,
}

async fn upload_page(staff: Staff) -> UploadPage {
    UploadPage {
        staff,
        errors: Errors::default(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/import/preview.html")]
struct PreviewPage {
    staff: Staff,
    pending_id: i64,
    file_name: String,
    record: ImportedRecord,
    slug: String,
    /// The record that has the draft's address already, if any.
    existing: Option<meetings::AtSlug>,
    /// The record imported from the same notes before, if any.
    already: Option<i64>,
    /// How many of the file's words the draft keeps.
    words: WordCount,
    /// The date of the original notes as typed, kept when it is refused.
    published_on: String,
    errors: Errors,
}

impl PreviewPage {
    fn steps<'a>(&self, outline: &'a Outline) -> Vec<Step<'a>> {
        crate::web::outline_view::steps(outline)
    }
}

/// Most files one upload may hold.
const MAX_FILES: usize = 200;

/// The uploaded files' names and bytes, in the order sent (one, empty and
/// nameless, when none was chosen): at most [`MAX_IMPORT_BYTES`] together.
async fn read_files(Multipart(mut multipart): Multipart) -> Result<Vec<(String, Vec<u8>)>, AppError> {
    let unreadable = |_| AppError::BadRequest("The upload could not be read. Try again.".into());
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut total = 0;
    while let Some(mut field) = multipart.next_field().await.map_err(unreadable)? {
        if field.name() != Some("file") {
            continue;
        }
        if files.len() == MAX_FILES {
            return Err(AppError::BadRequest(format!(
                "At most {MAX_FILES} files can be imported at once."
            )));
        }
        let name = field.file_name().unwrap_or_default().chars().take(255).collect();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
            total += chunk.len();
            if total > MAX_IMPORT_BYTES {
                return Err(AppError::TooLarge);
            }
            bytes.extend_from_slice(&chunk);
        }
        files.push((name, bytes));
    }
    if files.is_empty() {
        files.push((String::new(), Vec::new()));
    }
    Ok(files)
}

async fn upload(
    State(state): State<AppState>,
    staff: Staff,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let mut files = read_files(multipart).await?;
    if files.len() > 1 {
        return batch::upload(&state, staff, files).await;
    }
    let (file_name, bytes) = files.pop().unwrap_or_default();
    let parsed = import::read_source(&bytes).and_then(|text| Ok((import::read_notes(&text)?, text)));
    let (record, text) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => {
            let mut errors = Errors::default();
            errors.add("file", format!("{file_name} cannot be imported: {e}"));
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, UploadPage { staff, errors }).into_response());
        }
    };
    let mut tx = state.pool.begin().await?;
    let pending_id = pending_imports::add(&mut tx, staff.user.id, &file_name, &text).await?;
    tx.commit().await?;
    let page = Preview {
        pending_id,
        file_name,
        words: words::count(&text, &record),
        record,
        published_on: String::new(),
    };
    Ok(preview(&state, staff, page, Errors::default())
        .await?
        .into_response())
}

/// What the preview shows: the file read, and what was typed of it.
struct Preview {
    pending_id: i64,
    file_name: String,
    record: ImportedRecord,
    words: WordCount,
    published_on: String,
}

async fn preview(
    state: &AppState,
    staff: Staff,
    Preview {
        pending_id,
        file_name,
        record,
        words,
        published_on,
    }: Preview,
    errors: Errors,
) -> Result<PreviewPage, AppError> {
    let slug = import::slug_of(&record).to_string();
    let mut conn = state.pool.acquire().await?;
    let existing = meetings::at_slug(&mut conn, &slug).await?;
    let already = meetings::imported_from(&mut conn, &record.source_sha256).await?;
    Ok(PreviewPage {
        staff,
        pending_id,
        file_name,
        record,
        slug,
        existing,
        already,
        words,
        published_on,
        errors,
    })
}

#[derive(Debug, Default, Deserialize)]
struct ConfirmForm {
    #[serde(default)]
    replace: Option<String>,
    #[serde(default, rename = "published-on")]
    published_on: String,
}

/// The date the original notes were published, as the form gives it: a
/// date, or "unknown"; it must be given.
pub(super) fn published_on(errors: &mut Errors, typed: &str) -> Option<NaiveDate> {
    if typed.trim().is_empty() {
        errors.add(
            "published-on",
            "Enter the date the original notes were published, or \"unknown\"",
        );
        return None;
    }
    import::parse_published_on(typed).unwrap_or_else(|message| {
        errors.add("published-on", format!("The date {message}"));
        None
    })
}

async fn confirm(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(body): Form<ConfirmForm>,
) -> Result<Response, AppError> {
    let pending = pending_imports::get(&mut *state.pool.acquire().await?, id, staff.user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let record = import::read_notes(&pending.source).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let mut errors = Errors::default();
    let published = published_on(&mut errors, &body.published_on);
    let page = Preview {
        pending_id: id,
        file_name: pending.file_name.clone(),
        words: words::count(&pending.source, &record),
        record,
        published_on: body.published_on.trim().to_owned(),
    };
    if !errors.is_empty() {
        let page = preview(&state, staff, page, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let mut tx = state.pool.begin().await?;
    let by = Some(staff.user.id);
    let draft = match import::create_draft(&mut tx, &page.record, published, body.replace.is_some(), by).await
    {
        Ok(draft) => draft,
        Err(DraftError::Database(e)) => return Err(e.into()),
        Err(e) => {
            drop(tx);
            // What staff can do here, in the form's words (the command
            // line's message names its flag).
            let slug = import::slug_of(&page.record);
            errors.add(
                "replace",
                match e {
                    DraftError::AlreadyImported { id } => format!(
                        "This file was imported already, as /staff/meetings/{id}, so nothing was created: \
                         open that record."
                    ),
                    DraftError::NotReplaceable(_) => format!(
                        "The record /meetings/{slug} has been published or is with the PCC, so an import cannot \
                         replace it; nothing was created. Open the existing record to correct it."
                    ),
                    _ => format!(
                        "A record with the address /meetings/{slug} exists already, so nothing was created. \
                         Open the existing draft, or choose \"Replace the draft\" to replace it with this import."
                    ),
                },
            );
            let page = preview(&state, staff, page, errors).await?;
            return Ok((StatusCode::CONFLICT, page).into_response());
        }
    };
    pending_imports::remove(&mut tx, id).await?;
    tx.commit().await?;
    let mut message = format!("The draft has been created from {}.", pending.file_name);
    if draft.unplaced > 0 {
        message.push_str(" Some text could not be placed: it is under \"Unplaced text\".");
    }
    flash(&staff.session, message).await;
    Ok(Redirect::to(&draft.address()).into_response())
}
