//! `/accessibility`: the accessibility statement.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::routing::get;

use super::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/accessibility", get(accessibility))
}

#[derive(Template, WebTemplate)]
#[template(path = "accessibility.html")]
struct AccessibilityPage;

async fn accessibility() -> AccessibilityPage {
    AccessibilityPage
}
