//! Several files uploaded at once: a preview of what each was read as and
//! what will become of it, then a draft of each, in the order of their
//! meetings' dates, each in its own transaction, as `scrutiny import`
//! makes them from a folder.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::db::{meetings, pending_imports};
use crate::import::notes::ImportedRecord;
use crate::import::{self, DraftError, words};
use crate::web::auth::Staff;
use crate::web::extract::Form;
use crate::web::forms::Errors;
use crate::web::{AppError, AppState, filters};

/// One file of the upload, as the page shows it.
struct Row {
    file_name: String,
    /// What it was read as ("" when it was refused).
    read_as: String,
    /// The record it holds, in a line ("" when it was refused).
    record: String,
    /// What will become, or became, of it.
    outcome: String,
    /// The record it made, or was made before, if any.
    link: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/import/batch.html")]
struct BatchPage {
    staff: Staff,
    rows: Vec<Row>,
    /// The pending imports to create drafts of; empty once they are made.
    ids: String,
    ready: usize,
    /// Whether the drafts have been made (the page reports, not asks).
    done: bool,
    published_on: String,
    errors: Errors,
}

/// A file read: its pending import, name and record.
struct Read {
    id: i64,
    file_name: String,
    record: ImportedRecord,
    words: words::WordCount,
}

fn summary(read: &Read) -> String {
    format!(
        "{}, {}: {} questions, {} actions; {}",
        read.record.topic,
        filters::date_text(&read.record.held_on),
        read.record.questions.len(),
        read.record.actions.len(),
        read.words.summary()
    )
}

/// Keeps each file readable as pending and shows the preview of them all.
pub(super) async fn upload(
    state: &AppState,
    staff: Staff,
    files: Vec<(String, Vec<u8>)>,
) -> Result<Response, AppError> {
    let mut read = Vec::new();
    let mut refused = Vec::new();
    let mut tx = state.pool.begin().await?;
    for (file_name, bytes) in files {
        match import::read_source(&bytes).and_then(|text| Ok((import::read_notes(&text)?, text))) {
            Ok((record, text)) => {
                let id = pending_imports::add(&mut tx, staff.user.id, &file_name, &text).await?;
                let words = words::count(&text, &record);
                read.push(Read {
                    id,
                    file_name,
                    record,
                    words,
                });
            }
            Err(e) => refused.push(Row {
                file_name,
                read_as: String::new(),
                record: String::new(),
                outcome: format!("Cannot be imported: {e}"),
                link: None,
            }),
        }
    }
    tx.commit().await?;
    let page = preview(state, staff, read, refused, String::new(), Errors::default()).await?;
    Ok(page.into_response())
}

/// The preview of the files `read` (and `refused`), in date order.
async fn preview(
    state: &AppState,
    staff: Staff,
    mut read: Vec<Read>,
    refused: Vec<Row>,
    published_on: String,
    errors: Errors,
) -> Result<BatchPage, AppError> {
    read.sort_by(|a, b| (a.record.held_on, &a.file_name).cmp(&(b.record.held_on, &b.file_name)));
    let mut conn = state.pool.acquire().await?;
    let mut rows = Vec::new();
    let mut ids = Vec::new();
    for file in &read {
        let slug = import::slug_of(&file.record);
        let already = meetings::imported_from(&mut conn, &file.record.source_sha256).await?;
        let taken = meetings::at_slug(&mut conn, slug.as_str()).await?;
        let (outcome, link) = match (already, taken) {
            (Some(id), _) => (
                "Imported already: nothing will be created".to_owned(),
                Some(format!("/staff/meetings/{id}")),
            ),
            (None, Some(existing)) => (
                format!(
                    "A record with the address /meetings/{slug} exists already: nothing will be created \
                     (import this file on its own to replace a draft)"
                ),
                Some(format!("/staff/meetings/{}", existing.id)),
            ),
            (None, None) => {
                ids.push(file.id.to_string());
                ("A draft will be created".to_owned(), None)
            }
        };
        rows.push(Row {
            file_name: file.file_name.clone(),
            read_as: file.record.shape.name().to_owned(),
            record: summary(file),
            outcome,
            link,
        });
    }
    rows.extend(refused);
    Ok(BatchPage {
        staff,
        rows,
        ready: ids.len(),
        ids: ids.join(","),
        done: false,
        published_on,
        errors,
    })
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct BatchForm {
    #[serde(default)]
    ids: String,
    #[serde(default, rename = "published-on")]
    published_on: String,
}

/// Makes a draft of each pending file, in date order, and reports on each.
pub(super) async fn confirm(
    State(state): State<AppState>,
    staff: Staff,
    Form(body): Form<BatchForm>,
) -> Result<Response, AppError> {
    let mut read = Vec::new();
    {
        let mut conn = state.pool.acquire().await?;
        for id in body.ids.split(',').filter_map(|id| id.trim().parse::<i64>().ok()) {
            // Made already (the form sent twice), or not this account's.
            let Some(pending) = pending_imports::get(&mut conn, id, staff.user.id).await? else {
                continue;
            };
            let record =
                import::read_notes(&pending.source).map_err(|e| AppError::BadRequest(e.to_string()))?;
            let words = words::count(&pending.source, &record);
            read.push(Read {
                id,
                file_name: pending.file_name,
                record,
                words,
            });
        }
    }
    if read.is_empty() {
        return Err(AppError::BadRequest(
            "These files have been imported already, or their previews have expired: upload them again."
                .into(),
        ));
    }
    let mut errors = Errors::default();
    let published = super::published_on(&mut errors, &body.published_on);
    if !errors.is_empty() {
        let page = preview(
            &state,
            staff,
            read,
            Vec::new(),
            body.published_on.trim().to_owned(),
            errors,
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    read.sort_by(|a, b| (a.record.held_on, &a.file_name).cmp(&(b.record.held_on, &b.file_name)));
    let by = Some(staff.user.id);
    let mut rows = Vec::new();
    let mut created = 0;
    for file in read {
        let mut tx = state.pool.begin().await?;
        let slug = import::slug_of(&file.record);
        let (outcome, link) = match import::create_draft(&mut tx, &file.record, published, false, by).await {
            Ok(draft) => {
                pending_imports::remove(&mut tx, file.id).await?;
                tx.commit().await?;
                created += 1;
                ("A draft was created".to_owned(), Some(draft.address()))
            }
            Err(DraftError::AlreadyImported { id }) => {
                pending_imports::remove(&mut tx, file.id).await?;
                tx.commit().await?;
                (
                    "Imported already: nothing was created".to_owned(),
                    Some(format!("/staff/meetings/{id}")),
                )
            }
            Err(DraftError::Database(e)) => return Err(e.into()),
            Err(DraftError::Exists(_)) => (
                format!(
                    "A record with the address /meetings/{slug} exists already, so nothing was created: \
                     import this file on its own to replace a draft"
                ),
                None,
            ),
            Err(DraftError::NotReplaceable(_)) => (
                format!(
                    "The record /meetings/{slug} has been published or is with the PCC, so nothing was created"
                ),
                None,
            ),
        };
        rows.push(Row {
            file_name: file.file_name.clone(),
            read_as: file.record.shape.name().to_owned(),
            record: summary(&file),
            outcome,
            link,
        });
    }
    let page = BatchPage {
        staff,
        ready: created,
        rows,
        ids: String::new(),
        done: true,
        published_on: String::new(),
        errors: Errors::default(),
    };
    Ok(page.into_response())
}
