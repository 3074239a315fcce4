//! `/staff`: the team's drafts (mine first), records with the PCC,
//! recently published, and actions due or overdue.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use chrono::NaiveDate;

use crate::db::dashboard::{self, ActionDue, MeetingLine};
use crate::domain::MeetingStatus;
use crate::web::auth::Staff;
use crate::web::{AppError, AppState, filters};

/// Messages listed on the dashboard and the review queue.
pub(super) const NOTICES: i64 = 5;

pub fn router() -> Router<AppState> {
    Router::new().route("/staff", get(dashboard))
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/dashboard.html")]
struct DashboardPage {
    staff: Staff,
    drafts: Vec<MeetingLine>,
    in_review: Vec<MeetingLine>,
    published: Vec<MeetingLine>,
    actions: Vec<ActionDue>,
    today: NaiveDate,
    notices: Vec<crate::db::outbox::Notice>,
}

async fn dashboard(State(state): State<AppState>, staff: Staff) -> Result<DashboardPage, AppError> {
    let mut conn = state.pool.acquire().await?;
    let today = crate::domain::london::today();
    let lines = dashboard::dashboard_meetings(&mut conn, staff.user.id).await?;
    let (mut drafts, mut in_review, mut published) = (Vec::new(), Vec::new(), Vec::new());
    for line in lines {
        match line.status {
            MeetingStatus::Draft => drafts.push(line),
            MeetingStatus::InReview => in_review.push(line),
            MeetingStatus::Published | MeetingStatus::Withdrawn => published.push(line),
        }
    }
    let actions = dashboard::actions_due(&mut conn, today + chrono::Days::new(14)).await?;
    let notices = crate::db::outbox::notices(&mut conn, &staff.user.email, NOTICES).await?;
    Ok(DashboardPage {
        staff,
        drafts,
        in_review,
        published,
        actions,
        today,
        notices,
    })
}
