//! `/staff/settings`: an admin sets the office's name, force area, contact
//! details, public address, logo and the date of the last accessibility
//! check. Every save is audited and names the version it edits; a setting
//! the server was given (flag or environment variable) is shown, fixed.

use crate::web::extract::{Form, Multipart};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::db::meetings::Saved;
use crate::db::site::{self, Stored};
use crate::domain::account::Email;
use crate::domain::site::{
    MAX_ADDRESS_CHARS, MAX_LINE_CHARS, MAX_LOGO_BYTES, SiteFields, check_logo, check_phone, check_public_url,
};
use crate::web::auth::{Staff, flash};
use crate::web::forms::Errors;
use crate::web::{AppError, AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/settings", get(show).post(save))
        .route(
            "/staff/settings/logo",
            post(upload_logo).layer(DefaultBodyLimit::max(crate::web::MAX_BODY_BYTES)),
        )
        .route("/staff/settings/logo/delete", post(remove_logo))
}

#[derive(Debug, Clone, Default, Deserialize)]
struct SettingsForm {
    #[serde(default)]
    office_name: String,
    #[serde(default)]
    force_area: String,
    #[serde(default)]
    contact_email: String,
    #[serde(default)]
    contact_phone: String,
    #[serde(default)]
    postal_address: String,
    #[serde(default)]
    public_url: String,
    #[serde(default)]
    accessibility_checked_on: String,
    #[serde(default)]
    version: String,
}

impl SettingsForm {
    fn of(stored: &Stored) -> SettingsForm {
        let f = &stored.fields;
        SettingsForm {
            office_name: f.office_name.clone(),
            force_area: f.force_area.clone(),
            contact_email: f.contact_email.clone(),
            contact_phone: f.contact_phone.clone(),
            postal_address: f.postal_address.clone(),
            public_url: f.public_url.clone(),
            accessibility_checked_on: f
                .accessibility_checked_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
            version: stored.version.to_string(),
        }
    }

    /// The settings, each optional: an empty field means "not set".
    fn parse(&self) -> Result<SiteFields, Errors> {
        let mut e = Errors::default();
        let office_name = e.text(
            "office_name",
            "The office's name",
            &self.office_name,
            MAX_LINE_CHARS,
            false,
        );
        let force_area = e.text(
            "force_area",
            "The force area",
            &self.force_area,
            MAX_LINE_CHARS,
            false,
        );
        let contact_email = e.text(
            "contact_email",
            "The email address",
            &self.contact_email,
            MAX_LINE_CHARS,
            false,
        );
        let contact_email = if contact_email.is_empty() {
            contact_email
        } else {
            Email::parse(&contact_email)
                .map(|email| email.as_str().to_owned())
                .unwrap_or_else(|message| {
                    e.add("contact_email", message);
                    contact_email
                })
        };
        let contact_phone = e.text(
            "contact_phone",
            "The phone number",
            &self.contact_phone,
            MAX_LINE_CHARS,
            false,
        );
        if !contact_phone.is_empty()
            && let Err(message) = check_phone(&contact_phone)
        {
            e.add("contact_phone", message);
        }
        let postal_address = e.text(
            "postal_address",
            "The postal address",
            &self.postal_address,
            MAX_ADDRESS_CHARS,
            false,
        );
        let public_url = if self.public_url.trim().is_empty() {
            String::new()
        } else {
            check_public_url(&self.public_url).unwrap_or_else(|message| {
                e.add("public_url", message);
                String::new()
            })
        };
        let accessibility_checked_on = e.date(
            "accessibility_checked_on",
            "The date of the last accessibility check",
            &self.accessibility_checked_on,
            false,
        );
        if let Some(date) = accessibility_checked_on
            && date > crate::domain::london::today()
        {
            e.add(
                "accessibility_checked_on",
                "The date of the last accessibility check must be today or earlier",
            );
        }
        if !e.is_empty() {
            return Err(e);
        }
        Ok(SiteFields {
            office_name,
            force_area,
            contact_email,
            contact_phone,
            postal_address: postal_address.replace("\r\n", "\n"),
            public_url,
            accessibility_checked_on,
        })
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/settings.html")]
struct SettingsPage {
    staff: Staff,
    site: std::sync::Arc<crate::domain::site::Site>,
    form: SettingsForm,
    errors: Errors,
    /// What the server was given: those settings are fixed here.
    given: SiteFields,
    /// The date of the last accessibility check the server was given.
    given_checked_on: String,
    /// Whether a logo is stored, and whether the server was given one.
    has_logo: bool,
    logo_given: bool,
    logo_error: Option<String>,
    /// Someone else saved first: what is saved now.
    conflict: bool,
}

async fn page(
    state: &AppState,
    staff: Staff,
    form: Option<SettingsForm>,
    errors: Errors,
) -> Result<SettingsPage, AppError> {
    let stored = site::get(&mut *state.pool.acquire().await?).await?;
    let given = state.site.given();
    Ok(SettingsPage {
        staff,
        site: state.site.current(),
        form: form.unwrap_or_else(|| SettingsForm::of(&stored)),
        errors,
        given: given.fields.clone(),
        given_checked_on: given
            .fields
            .accessibility_checked_on
            .map(|d| d.to_string())
            .unwrap_or_default(),
        has_logo: stored.logo.is_some(),
        logo_given: given.logo.is_some(),
        logo_error: None,
        conflict: false,
    })
}

async fn show(State(state): State<AppState>, staff: Staff) -> Result<SettingsPage, AppError> {
    page(&state, staff, None, Errors::default()).await
}

async fn save(
    State(state): State<AppState>,
    staff: Staff,
    Form(mut body): Form<SettingsForm>,
) -> Result<Response, AppError> {
    let fields = match body.parse() {
        Ok(fields) => fields,
        Err(errors) => {
            let page = page(&state, staff, Some(body), errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let version = body.version.trim().parse().unwrap_or(-1);
    let mut tx = state.pool.begin().await?;
    let saved = site::save(&mut tx, version, &fields, Some(staff.user.id)).await?;
    tx.commit().await?;
    if saved == Saved::Conflict {
        let current = site::get(&mut *state.pool.acquire().await?).await?;
        body.version = current.version.to_string();
        let mut page = page(&state, staff, Some(body), Errors::default()).await?;
        page.conflict = true;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    state.site.reload().await?;
    flash(
        &staff.session,
        "The settings have been saved. Every page now shows them.",
    )
    .await;
    Ok(Redirect::to("/staff/settings").into_response())
}

async fn upload_logo(
    State(state): State<AppState>,
    staff: Staff,
    Multipart(mut multipart): Multipart,
) -> Result<Response, AppError> {
    let unreadable = |_| AppError::BadRequest("The upload could not be read. Try again.".into());
    let mut bytes = Vec::new();
    'fields: while let Some(mut field) = multipart.next_field().await.map_err(unreadable)? {
        if field.name() != Some("file") {
            continue;
        }
        while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
            bytes.extend_from_slice(&chunk);
            // Enough to say it is too large; the rest is not read.
            if bytes.len() > MAX_LOGO_BYTES {
                break 'fields;
            }
        }
    }
    let kind = match check_logo(&bytes) {
        Ok(kind) => kind,
        Err(message) => {
            let mut page = page(&state, staff, None, Errors::default()).await?;
            page.logo_error = Some(message);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let mut tx = state.pool.begin().await?;
    site::set_logo(&mut tx, Some((kind, &bytes)), Some(staff.user.id)).await?;
    tx.commit().await?;
    state.site.reload().await?;
    flash(&staff.session, "The logo has been saved.").await;
    Ok(Redirect::to("/staff/settings").into_response())
}

async fn remove_logo(State(state): State<AppState>, staff: Staff) -> Result<Redirect, AppError> {
    let mut tx = state.pool.begin().await?;
    site::set_logo(&mut tx, None, Some(staff.user.id)).await?;
    tx.commit().await?;
    state.site.reload().await?;
    flash(&staff.session, "The logo has been removed.").await;
    Ok(Redirect::to("/staff/settings"))
}
