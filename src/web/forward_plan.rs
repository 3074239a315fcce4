//! `/forward-plan` and `/forward-plan.ics`: the topics the Commissioner means
//! to scrutinise, as staff plan them, with the re-visit actions of published
//! records at their due dates; as a page and as an iCalendar feed.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use chrono::Days;
use icalendar::{Calendar, Component, Event, EventLike};

use super::{AppError, AppState, filters};
use crate::db::public::plan::{self, PlanItem, PlanSource};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/forward-plan", get(page))
        .route("/forward-plan.ics", get(calendar))
}

#[derive(Template, WebTemplate)]
#[template(path = "forward_plan.html")]
struct PlanPage {
    dated: Vec<PlanItem>,
    undated: Vec<PlanItem>,
}

async fn page(State(state): State<AppState>) -> Result<PlanPage, AppError> {
    let mut conn = state.pool.acquire().await?;
    let items = plan::forward_plan(&mut conn, crate::domain::london::today()).await?;
    let (dated, undated) = items.into_iter().partition(|i| i.planned_on.is_some());
    Ok(PlanPage { dated, undated })
}

/// Text as iCalendar allows it: no control characters but tab and line
/// feed (the crate escapes those, and commas, semicolons and backslashes).
fn ical_text(text: &str) -> String {
    text.replace("\r\n", "\n")
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect()
}

/// The dated entries as all-day events. Each keeps its UID from one fetch to
/// the next, so a calendar updates it rather than adding it again.
fn ical(items: &[PlanItem], site: &crate::domain::site::Site) -> String {
    let base = &site.public_url;
    let mut calendar = Calendar::empty();
    calendar
        .append_property(("VERSION", "2.0"))
        .append_property(("PRODID", "-//OPCC//Scrutiny records//EN"))
        .append_property(("CALSCALE", "GREGORIAN"))
        .append_property(("METHOD", "PUBLISH"))
        .name(&ical_text(&format!(
            "Scrutiny forward plan: {}",
            site.office_name
        )));
    for item in items {
        let Some(date) = item.planned_on else { continue };
        let (uid, url, description) = match &item.source {
            PlanSource::Planned(id) => (
                format!("forward-plan-{id}@scrutiny"),
                format!("{base}/forward-plan"),
                item.note.clone(),
            ),
            PlanSource::Revisit { slug, number } => (
                format!("revisit-{slug}-{number}@scrutiny"),
                format!("{base}/meetings/{slug}"),
                format!(
                    "Re-visit agreed at a scrutiny meeting (record {slug}, action {number}): {}",
                    item.note
                ),
            ),
        };
        let mut event = Event::new();
        event
            .uid(&uid)
            .timestamp(item.changed_at)
            .summary(&ical_text(&format!("Scrutiny: {}", item.topic)))
            .starts(date)
            .ends(date + Days::new(1))
            .url(&url);
        if !description.is_empty() {
            event.description(&ical_text(&description));
        }
        calendar.push(event.done());
    }
    calendar.done().to_string()
}

async fn calendar(State(state): State<AppState>) -> Result<impl IntoResponse, AppError> {
    let mut conn = state.pool.acquire().await?;
    let items = plan::forward_plan(&mut conn, crate::domain::london::today()).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"forward-plan.ics\"",
            ),
        ],
        ical(&items, &super::site::current()),
    ))
}
