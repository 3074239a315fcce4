//! `/`: the latest published records, what is coming up on the forward
//! plan, and the search box.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;

use super::{AppError, AppState, filters};
use crate::db::public::plan::{self, PlanItem};
use crate::db::public::records::{self, ListFilter, Summary};

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
struct HomePage {
    latest: Vec<Summary>,
    /// The next few dated entries of the forward plan.
    coming: Vec<PlanItem>,
}

/// Entries of the forward plan shown on the home page.
const COMING: usize = 5;

async fn home(State(state): State<AppState>) -> Result<HomePage, AppError> {
    let mut conn = state.pool.acquire().await?;
    let (latest, _) = records::list(&mut conn, &ListFilter::default(), 10, 0).await?;
    let plan = plan::forward_plan(&mut conn, crate::domain::london::today()).await?;
    let coming = plan
        .into_iter()
        .filter(|i| i.planned_on.is_some())
        .take(COMING)
        .collect();
    Ok(HomePage { latest, coming })
}
