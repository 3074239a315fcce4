//! `/staff/meetings/{id}/preview`: a record in any state, drawn exactly as
//! its public page will be if it is published now, on a staff address that
//! search engines are told not to index.

use crate::web::extract::Path;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;

use super::meetings::load;
use crate::db::meetings::Meeting;
use crate::db::{actions, records};
use crate::web::auth::Staff;
use crate::web::record_view::RecordView;
use crate::web::{AppError, AppState, filters};

/// Routes any writer may use.
pub fn router() -> Router<AppState> {
    Router::new().route("/staff/meetings/{id}/preview", get(preview))
}

/// The live record as the public would see it, under a banner saying it is
/// not published.
#[derive(Template, WebTemplate)]
#[template(path = "staff/meetings/preview.html")]
struct PreviewPage {
    meeting: Meeting,
    view: RecordView,
    /// Whether the previewer may review the record (the PCC).
    reviews: bool,
}

async fn preview(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<PreviewPage, AppError> {
    let mut conn = state.pool.acquire().await?;
    let meeting = load(&mut conn, id).await?;
    let record = records::load_live(&mut conn, id).await?;
    let actions = actions::of_meeting(&mut conn, id).await?;
    Ok(PreviewPage {
        meeting,
        view: RecordView::live(record, actions, None),
        reviews: staff.user.role.may(crate::domain::account::Permission::Decide),
    })
}
