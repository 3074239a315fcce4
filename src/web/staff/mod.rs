//! `/staff`: where OPCC staff, the PCC and admins work. Every route here
//! checks the role on the server (`auth::require`), except sign-in itself.

mod account;
mod actions;
mod audit;
mod dashboard;
mod decisions;
mod documents;
mod forward_plan;
mod import;
mod login;
mod meetings;
mod preview;
mod questions;
mod records;
mod review;
mod settings;
mod users;
mod withdrawal;

use axum::Router;
use axum::middleware::from_fn_with_state;

pub(super) use login::{ClientAddress, WINDOW_MINUTES};

use super::AppState;
use super::auth::require;
use crate::domain::account::Permission;

/// Public downloads of a published record's files.
pub fn public_router() -> Router<AppState> {
    documents::public_router()
}

pub fn router() -> Router<AppState> {
    let writers = Router::new()
        .merge(dashboard::router())
        .merge(meetings::router())
        .merge(preview::router())
        .merge(import::router())
        .merge(review::writer_router())
        .merge(documents::staff_router())
        .merge(actions::router())
        .merge(forward_plan::router())
        .merge(questions::router())
        .merge(records::router())
        .route_layer(from_fn_with_state(Permission::Write, require));
    let pcc = Router::new()
        .merge(review::pcc_router())
        .merge(withdrawal::pcc_router())
        .route_layer(from_fn_with_state(Permission::Decide, require));
    let admins = Router::new()
        .merge(account::admin_router())
        .merge(users::router())
        .merge(audit::router())
        .merge(settings::router())
        .route_layer(from_fn_with_state(Permission::Administer, require));
    Router::new()
        .merge(login::router())
        .merge(account::router())
        .merge(writers)
        .merge(pcc)
        .merge(admins)
}
