//! `/topics` and `/topics/{topic}`: each topic across the years, with the
//! assurance trend as a chart and as a table.

use crate::web::extract::Path;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;

use super::chart::{Chart, Tally};
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
    topic: String,
    meetings: Vec<Meeting>,
    chart: Chart,
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
            self.topic,
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

async fn show(State(state): State<AppState>, Path(topic): Path<String>) -> Result<ShowPage, AppError> {
    if !is_topic_slug(&topic) {
        return Err(AppError::NotFound);
    }
    let mut conn = state.pool.acquire().await?;
    let records = topics::on_topic(&mut conn, &topic).await?;
    // The topic as most recently written.
    let name = records.last().ok_or(AppError::NotFound)?.topic.clone();
    let meetings: Vec<Meeting> = records
        .into_iter()
        .map(|record| Meeting {
            tally: Tally::of(&record.decisions),
            record,
        })
        .collect();
    let points: Vec<_> = meetings.iter().map(|m| (m.record.held_on, m.tally)).collect();
    Ok(ShowPage {
        topic: name,
        chart: Chart::new(&points),
        meetings,
    })
}
