//! `/topics` and `/topics/{topic}`: each topic across the years, with the
//! assurance trend as a chart and as a table.

use crate::web::extract::{Path, Query};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde::Deserialize;

use super::chart::{Chart, Tally};
use super::listing::{Pager, TOPIC_PAGE_SIZE, page_number, query};
use super::{AppError, AppState, filters};
use crate::db::public::records::Summary;
use crate::db::public::topics::{self, TopicLine};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/topics", get(index))
        .route("/topics/{topic}", get(show))
}

#[derive(Template, WebTemplate)]
#[template(path = "topics/index.html")]
struct IndexPage {
    topics: Vec<TopicLine>,
}

async fn index(State(state): State<AppState>) -> Result<IndexPage, AppError> {
    let mut conn = state.pool.acquire().await?;
    let topics = topics::topic_lines(&mut conn).await?;
    Ok(IndexPage { topics })
}

/// One meeting on the topic: its record and how its questions were decided.
struct Meeting {
    record: Summary,
    tally: Tally,
}

#[derive(Template, WebTemplate)]
#[template(path = "topics/show.html")]
struct ShowPage {
    /// The topic as a whole: its name as most recently written, how many
    /// records, the first and latest.
    line: TopicLine,
    /// The meetings on this page, oldest first.
    meetings: Vec<Meeting>,
    chart: Chart,
    pager: Pager,
}

impl ShowPage {
    /// The chart's description: each meeting in words.
    fn description(&self) -> String {
        let meetings: Vec<String> = self
            .meetings
            .iter()
            .map(|m| {
                format!(
                    "{}: {}",
                    filters::date_text(&m.record.held_on),
                    m.tally.describe()
                )
            })
            .collect();
        format!(
            "The share of questions at each meeting on {} that the Commissioner found assured, partly assured or not assured, oldest first. {}.",
            self.line.topic,
            meetings.join("; ")
        )
    }
}

/// Whether `text` can be a topic's address (`violence-against-women`).
fn is_topic_slug(text: &str) -> bool {
    text.len() <= 200
        && text
            .split('-')
            .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

#[derive(Debug, Default, Deserialize)]
struct ShowParams {
    page: Option<String>,
}

/// A topic's page: its most recent meetings (`TOPIC_PAGE_SIZE` a page,
/// newest page first), their decisions as a chart and a table.
async fn show(
    State(state): State<AppState>,
    Path(topic): Path<String>,
    params: Result<Query<ShowParams>, AppError>,
) -> Result<ShowPage, AppError> {
    if !is_topic_slug(&topic) {
        return Err(AppError::NotFound);
    }
    let page = page_number(&query(params)?.page)?;
    let mut conn = state.pool.acquire().await?;
    let found = topics::on_topic(&mut conn, &topic, TOPIC_PAGE_SIZE, (page - 1) * TOPIC_PAGE_SIZE)
        .await?
        .ok_or(AppError::NotFound)?;
    let meetings: Vec<Meeting> = found
        .records
        .into_iter()
        .rev()
        .map(|record| Meeting {
            tally: Tally::of(&record.decisions),
            record,
        })
        .collect();
    if meetings.is_empty() {
        // A page past the topic's last.
        return Err(AppError::NotFound);
    }
    let points: Vec<_> = meetings.iter().map(|m| (m.record.held_on, m.tally)).collect();
    Ok(ShowPage {
        pager: Pager::new(
            format!("/topics/{topic}"),
            page,
            found.line.records,
            TOPIC_PAGE_SIZE,
        ),
        line: found.line,
        chart: Chart::new(&points),
        meetings,
    })
}
