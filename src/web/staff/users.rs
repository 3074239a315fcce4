//! `/staff/users` (admins): create accounts, change roles, disable, reset
//! passwords.
//!
//! Disabling an account, and resetting its password, delete its sessions
//! (re-enabling it brings none back). A change of role keeps them: the role
//! is read afresh on every request, so it applies from the account's next
//! request, and its holder is not signed out mid-work.

use crate::web::extract::{Form, Path};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::db::accounts::{self, Account, NewAccount};
use crate::db::sessions;
use crate::domain::account::{Email, Role, one_time_password};
use crate::web::auth::{Staff, flash};
use crate::web::forms::Errors;
use crate::web::{AppError, AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/users", get(index).post(create))
        .route("/staff/users/{id}/role", post(change_role))
        .route("/staff/users/{id}/disable", post(disable))
        .route("/staff/users/{id}/enable", post(enable))
        .route("/staff/users/{id}/reset-password", post(reset_password))
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/users.html")]
struct UsersPage {
    staff: Staff,
    accounts: Vec<Account>,
    roles: [Role; 3],
    errors: Errors,
    new: NewForm,
}

#[derive(Debug, Default, Deserialize)]
struct NewForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
}

async fn page(state: &AppState, staff: Staff, errors: Errors, new: NewForm) -> Result<UsersPage, AppError> {
    let mut conn = state.pool.acquire().await?;
    let accounts = accounts::all(&mut conn).await?;
    Ok(UsersPage {
        staff,
        accounts,
        roles: Role::ALL,
        errors,
        new,
    })
}

async fn index(State(state): State<AppState>, staff: Staff) -> Result<UsersPage, AppError> {
    page(
        &state,
        staff,
        Errors::default(),
        NewForm {
            role: "staff".into(),
            ..NewForm::default()
        },
    )
    .await
}

/// A new one-time password's hash, in its turn with sign-ins.
async fn hash(state: &AppState, password: String) -> Result<String, AppError> {
    let _place = state.passwords.enter().await?;
    tokio::task::spawn_blocking(move || password_auth::generate_hash(password))
        .await
        .map_err(|e| AppError::Other(e.into()))
}

async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Form(body): Form<NewForm>,
) -> Result<Response, AppError> {
    let mut errors = Errors::default();
    let email = Email::parse(&body.email).map_err(|m| errors.add("email", m)).ok();
    let name = errors.text(
        "name",
        "Name",
        &body.name,
        crate::domain::fields::MAX_NAME_CHARS,
        false,
    );
    let role = Role::from_code(&body.role);
    if role.is_none() {
        errors.add("role", "Choose a role");
    }
    let (Some(email), Some(role), true) = (email, role, errors.is_empty()) else {
        let page = page(&state, staff, errors, body).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let password = one_time_password();
    let password_hash = hash(&state, password.clone()).await?;
    let mut tx = state.pool.begin().await?;
    let new = NewAccount {
        email: &email,
        name: &name,
        role,
        password_hash: &password_hash,
        must_change_password: true,
    };
    if accounts::create(&mut tx, new, Some(staff.user.id))
        .await?
        .is_none()
    {
        errors.add("email", "There is already an account with this email address");
        drop(tx);
        let page = page(&state, staff, errors, body).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    tx.commit().await?;
    flash(
        &staff.session,
        format!(
            "Account created for {email}. Their one-time password is {password} — give it to them \
             privately; it is shown only this once, and must be changed at first sign-in."
        ),
    )
    .await;
    Ok(Redirect::to("/staff/users").into_response())
}

#[derive(Debug, Deserialize)]
struct RoleForm {
    #[serde(default)]
    role: String,
}

/// The account at `id`; an admin may not lock themselves out.
async fn other_account(state: &AppState, staff: &Staff, id: i64) -> Result<Account, AppError> {
    let mut conn = state.pool.acquire().await?;
    let account = accounts::by_id(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    if account.id == staff.user.id {
        return Err(AppError::BadRequest(
            "You cannot change your own role or disable your own account. Ask another administrator.".into(),
        ));
    }
    Ok(account)
}

async fn change_role(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(body): Form<RoleForm>,
) -> Result<Redirect, AppError> {
    let role = Role::from_code(&body.role).ok_or_else(|| AppError::BadRequest("Choose a role.".into()))?;
    let account = other_account(&state, &staff, id).await?;
    let mut tx = state.pool.begin().await?;
    accounts::set_role(&mut tx, id, role, Some(staff.user.id)).await?;
    tx.commit().await?;
    flash(
        &staff.session,
        format!("{} is now {}.", account.email, role.label()),
    )
    .await;
    Ok(Redirect::to("/staff/users"))
}

async fn set_disabled(state: AppState, staff: Staff, id: i64, disabled: bool) -> Result<Redirect, AppError> {
    let account = other_account(&state, &staff, id).await?;
    let mut tx = state.pool.begin().await?;
    accounts::set_disabled(&mut tx, id, disabled, Some(staff.user.id)).await?;
    tx.commit().await?;
    let what = if disabled {
        "disabled; their sessions have ended"
    } else {
        "enabled"
    };
    flash(
        &staff.session,
        format!("The account of {} is {what}.", account.email),
    )
    .await;
    Ok(Redirect::to("/staff/users"))
}

async fn disable(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Redirect, AppError> {
    set_disabled(state, staff, id, true).await
}

async fn enable(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Redirect, AppError> {
    set_disabled(state, staff, id, false).await
}

async fn reset_password(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Redirect, AppError> {
    let account = other_account(&state, &staff, id).await?;
    let password = one_time_password();
    let password_hash = hash(&state, password.clone()).await?;
    let mut tx = state.pool.begin().await?;
    accounts::set_password(&mut tx, id, &password_hash, true, Some(staff.user.id)).await?;
    sessions::delete_for_account(&mut tx, id).await?;
    tx.commit().await?;
    flash(
        &staff.session,
        format!(
            "The password of {} is reset; their sessions have ended. Their one-time password is {password} \
             — it is shown only this once.",
            account.email
        ),
    )
    .await;
    Ok(Redirect::to("/staff/users"))
}
