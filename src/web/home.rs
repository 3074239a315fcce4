//! `/`: the latest published records.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;

use super::{AppError, AppState};
use crate::db::public::{self, ListFilter, Summary};

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
struct HomePage {
    latest: Vec<Summary>,
}

async fn home(State(state): State<AppState>) -> Result<HomePage, AppError> {
    let mut conn = state.pool.acquire().await?;
    let (latest, _) = public::list(&mut conn, &ListFilter::default(), 10, 0).await?;
    Ok(HomePage { latest })
}
