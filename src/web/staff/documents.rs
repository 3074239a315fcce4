//! Documents: upload and links (staff), and downloads (staff, and the public
//! for documents of a published record).

use crate::web::extract::{Form, Multipart, Path};
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use super::meetings::{editor_with_errors, ensure_editable, load, lock_editable};
use crate::db::documents::{self, File, Kind, NewDocument};
use crate::web::auth::{Staff, flash};
use crate::web::cache::{self, Scope};
use crate::web::forms::Errors;
use crate::web::{AppError, AppState};

/// Largest file accepted.
pub use crate::domain::fields::MAX_FILE_BYTES;

/// File types accepted: extension, and the type its content must show.
const TYPES: &[(&str, &str)] = &[
    ("pdf", "application/pdf"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
];

/// Routes for staff (mounted behind the role check).
pub fn staff_router() -> Router<AppState> {
    Router::new()
        .route(
            "/staff/meetings/{id}/documents",
            post(upload).layer(DefaultBodyLimit::max(crate::web::MAX_BODY_BYTES)),
        )
        .route("/staff/meetings/{id}/links", post(add_link))
        .route("/staff/documents/{id}", get(staff_download))
        .route("/staff/documents/{id}/delete", post(delete))
}

/// The public download of a published record's file.
pub fn public_router() -> Router<AppState> {
    Router::new().route("/documents/{id}", get(public_download))
}

/// The content type of `bytes` if it is an accepted file called `name`.
pub fn check_file(name: &str, bytes: &[u8]) -> Result<&'static str, String> {
    let extension = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let Some(&(_, expected)) = TYPES.iter().find(|(e, _)| *e == extension) else {
        return Err("The file must be a PDF, DOCX, XLSX, PNG or JPEG".to_owned());
    };
    let found = infer::get(bytes).map(|t| t.mime_type());
    if found != Some(expected) {
        return Err(format!(
            "The file's content is not a {} file, whatever its name says",
            extension.to_uppercase()
        ));
    }
    Ok(expected)
}

struct Upload {
    title: String,
    question: String,
    file_name: String,
    bytes: Vec<u8>,
}

async fn read_upload(Multipart(mut multipart): Multipart) -> Result<Upload, AppError> {
    let mut upload = Upload {
        title: String::new(),
        question: String::new(),
        file_name: String::new(),
        bytes: Vec::new(),
    };
    let unreadable = |_| AppError::BadRequest("The upload could not be read. Try again.".into());
    while let Some(mut field) = multipart.next_field().await.map_err(unreadable)? {
        match field.name() {
            Some("title") => upload.title = field.text().await.map_err(unreadable)?,
            Some("question") => upload.question = field.text().await.map_err(unreadable)?,
            Some("file") => {
                upload.file_name = field.file_name().unwrap_or_default().to_owned();
                while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
                    if upload.bytes.len() + chunk.len() > MAX_FILE_BYTES {
                        return Err(AppError::TooLarge);
                    }
                    upload.bytes.extend_from_slice(&chunk);
                }
            }
            _ => {}
        }
    }
    Ok(upload)
}

/// The question id chosen, if it belongs to the meeting.
async fn question_of(state: &AppState, meeting_id: i64, chosen: &str) -> Result<Option<i64>, AppError> {
    let Ok(id) = chosen.trim().parse::<i64>() else {
        return Ok(None);
    };
    let question = crate::db::questions::get(&mut *state.pool.acquire().await?, id).await?;
    Ok(question.filter(|q| q.meeting_id == meeting_id).map(|q| q.id))
}

async fn upload(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let meeting = load(&mut *state.pool.acquire().await?, id).await?;
    ensure_editable(&meeting)?;
    let upload = read_upload(multipart).await?;
    let mut errors = Errors::default();
    let file_name = errors.text(
        "file",
        "The file name",
        &upload.file_name,
        crate::domain::fields::MAX_FILE_NAME_CHARS,
        false,
    );
    let content_type = if upload.bytes.is_empty() {
        errors.add("file", "Choose a file to upload");
        None
    } else {
        check_file(&file_name, &upload.bytes)
            .map_err(|m| errors.add("file", m))
            .ok()
    };
    let mut title = errors.text(
        "file-title",
        "Title",
        &upload.title,
        crate::domain::fields::MAX_TITLE_CHARS,
        false,
    );
    if title.is_empty() {
        title = file_name.clone();
    }
    let Some(content_type) = content_type.filter(|_| errors.is_empty()) else {
        return editor_with_errors(&state, staff, meeting, errors).await;
    };
    let question_id = question_of(&state, id, &upload.question).await?;
    let mut tx = state.pool.begin().await?;
    lock_editable(&mut tx, id).await?;
    let kind = Kind::File {
        file_name: &file_name,
        content_type,
        content: &upload.bytes,
    };
    documents::add(
        &mut tx,
        NewDocument {
            meeting_id: id,
            question_id,
            title: &title,
            kind,
        },
        staff.user.id,
    )
    .await?;
    tx.commit().await?;
    flash(&staff.session, format!("{title} has been uploaded.")).await;
    Ok(Redirect::to(&format!("/staff/meetings/{id}#documents")).into_response())
}

#[derive(Debug, Default, serde::Deserialize)]
struct LinkForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    question: String,
}

async fn add_link(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(body): Form<LinkForm>,
) -> Result<Response, AppError> {
    let meeting = load(&mut *state.pool.acquire().await?, id).await?;
    ensure_editable(&meeting)?;
    let mut errors = Errors::default();
    let title = errors.text(
        "link-title",
        "Title",
        &body.title,
        crate::domain::fields::MAX_TITLE_CHARS,
        true,
    );
    let url = errors.text(
        "link-url",
        "Address",
        &body.url,
        crate::domain::fields::MAX_LINK_CHARS,
        true,
    );
    if errors.get("link-url").is_none()
        && let Err(message) = crate::domain::fields::check_link(&url)
    {
        errors.add("link-url", message);
    }
    if !errors.is_empty() {
        return editor_with_errors(&state, staff, meeting, errors).await;
    }
    let question_id = question_of(&state, id, &body.question).await?;
    let mut tx = state.pool.begin().await?;
    lock_editable(&mut tx, id).await?;
    let new = NewDocument {
        meeting_id: id,
        question_id,
        title: &title,
        kind: Kind::Link { url: &url },
    };
    documents::add(&mut tx, new, staff.user.id).await?;
    tx.commit().await?;
    flash(&staff.session, format!("The link {title} has been added.")).await;
    Ok(Redirect::to(&format!("/staff/meetings/{id}#documents")).into_response())
}

async fn delete(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Redirect, AppError> {
    let document = documents::get(&mut *state.pool.acquire().await?, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let meeting = load(&mut *state.pool.acquire().await?, document.meeting_id).await?;
    ensure_editable(&meeting)?;
    let mut tx = state.pool.begin().await?;
    lock_editable(&mut tx, meeting.id).await?;
    documents::delete(&mut tx, &document, staff.user.id).await?;
    tx.commit().await?;
    flash(&staff.session, format!("{} has been removed.", document.title)).await;
    Ok(Redirect::to(&format!("/staff/meetings/{}#documents", meeting.id)))
}

/// A file as a download: its own type, and a safe file name.
fn download(file: File) -> Response {
    let ascii: String = file
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    // RFC 5987 `attr-char`: what a file name may keep as it is after `UTF-8''`.
    const ATTR_CHAR: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'!')
        .remove(b'#')
        .remove(b'$')
        .remove(b'&')
        .remove(b'+')
        .remove(b'-')
        .remove(b'.')
        .remove(b'^')
        .remove(b'_')
        .remove(b'`')
        .remove(b'|')
        .remove(b'~');
    let encoded = percent_encoding::utf8_percent_encode(&file.file_name, ATTR_CHAR);
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    let mut response = (StatusCode::OK, file.content).into_response();
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&file.content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

async fn staff_download(
    State(state): State<AppState>,
    _staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let file = documents::file(&mut *state.pool.acquire().await?, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(download(file))
}

async fn public_download(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let file = documents::public_file(&mut *state.pool.acquire().await?, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let scope = Scope::Record(file.meeting_id);
    Ok(cache::keep(scope, download(file)))
}
