//! `/accessibility`: the accessibility statement.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::routing::get;

use super::{AppState, filters};

pub fn router() -> Router<AppState> {
    Router::new().route("/accessibility", get(accessibility))
}

#[derive(Template, WebTemplate)]
#[template(path = "accessibility.html")]
struct AccessibilityPage {
    site: std::sync::Arc<crate::domain::site::Site>,
}

async fn accessibility() -> AccessibilityPage {
    AccessibilityPage {
        site: super::site::current(),
    }
}
