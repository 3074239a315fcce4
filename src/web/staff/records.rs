//! `/staff/records`: every record, whatever its state, for staff to find
//! a colleague's draft, a correction the PCC started or an old record:
//! filtered by where it is, topic, year and author, and searched by words.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde::Deserialize;

use crate::db::dashboard::{self, RecordFilter, RecordLine, Stage};
use crate::domain::MeetingStatus;
use crate::web::auth::Staff;
use crate::web::extract::Query;
use crate::web::listing::{Pager, given, page_number, query, topic_filter, year_param};
use crate::web::{AppError, AppState, filters};

/// Records on one page of the list.
const PAGE_SIZE: i64 = 50;

/// Longest search taken, in characters.
const MAX_WORDS_CHARS: usize = 200;

pub fn router() -> Router<AppState> {
    Router::new().route("/staff/records", get(index))
}

/// The query string, as typed.
#[derive(Debug, Default, Deserialize)]
struct RecordParams {
    stage: Option<String>,
    topic: Option<String>,
    year: Option<String>,
    author: Option<String>,
    q: Option<String>,
    page: Option<String>,
}

/// The filter as asked for, before topics are matched to records'.
struct Asked {
    filter: RecordFilter,
    /// The topic's slug, as the address keeps it.
    topic_slug: Option<String>,
    page: i64,
}

impl RecordParams {
    fn parse(&self) -> Result<Asked, AppError> {
        let stage = given(&self.stage)
            .map(|s| {
                Stage::from_code(s).ok_or_else(|| {
                    AppError::BadRequest(
                        "The stage must be draft, with_pcc, published, being_corrected or withdrawn.".into(),
                    )
                })
            })
            .transpose()?;
        let year = year_param(&self.year)?;
        let author = given(&self.author)
            .map(|a| {
                a.parse::<i64>()
                    .map_err(|_| AppError::BadRequest("The author must be chosen from the list.".into()))
            })
            .transpose()?;
        let words = given(&self.q).map(|q| q.chars().take(MAX_WORDS_CHARS).collect::<String>());
        Ok(Asked {
            filter: RecordFilter {
                stage,
                topics: None,
                year,
                author,
                words: words.map(|w| w.trim().to_owned()),
            },
            topic_slug: given(&self.topic).map(topic_filter),
            page: page_number(&self.page)?,
        })
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/records.html")]
struct RecordsPage {
    staff: Staff,
    lines: Vec<RecordLine>,
    total: i64,
    pager: Pager,
    filter: RecordFilter,
    topic_slug: Option<String>,
    /// Each topic as written, with its slug.
    topics: Vec<(String, String)>,
    authors: Vec<(i64, String)>,
    stages: [Stage; 5],
}

impl RecordsPage {
    fn is_filtered(&self) -> bool {
        self.filter != RecordFilter::default() || self.topic_slug.is_some()
    }

    /// Where a record is, in words: a correction says so.
    fn where_is(&self, line: &RecordLine) -> &'static str {
        match (line.status, line.public) {
            (MeetingStatus::InReview, true) => "With the PCC (a correction)",
            (MeetingStatus::Draft, true) => "Being corrected",
            _ => line.stage.label(),
        }
    }
}

async fn index(
    State(state): State<AppState>,
    staff: Staff,
    params: Result<Query<RecordParams>, AppError>,
) -> Result<RecordsPage, AppError> {
    let Asked {
        mut filter,
        topic_slug,
        page,
    } = query(params)?.parse()?;
    let mut conn = state.pool.acquire().await?;
    let topics: Vec<(String, String)> = dashboard::record_topics(&mut conn)
        .await?
        .into_iter()
        .map(|topic| {
            let slug = topic_filter(&topic);
            (topic, slug)
        })
        .collect();
    if let Some(slug) = &topic_slug {
        let written = topics.iter().filter(|(_, s)| s == slug).map(|(t, _)| t.clone());
        filter.topics = Some(written.collect());
    }
    let (lines, total) = dashboard::records(&mut conn, &filter, PAGE_SIZE, (page - 1) * PAGE_SIZE).await?;
    let authors = dashboard::authors(&mut conn).await?;
    let mut shown_topics: Vec<(String, String)> = Vec::new();
    for (topic, slug) in topics {
        if !shown_topics.iter().any(|(_, s)| *s == slug) {
            shown_topics.push((topic, slug));
        }
    }
    Ok(RecordsPage {
        staff,
        lines,
        total,
        pager: Pager::new("/staff/records", page, total, PAGE_SIZE)
            .with("stage", filter.stage.map(Stage::code))
            .with("topic", topic_slug.as_deref())
            .with("year", filter.year)
            .with("author", filter.author)
            .with("q", filter.words.as_deref()),
        filter,
        topic_slug,
        topics: shown_topics,
        authors,
        stages: Stage::ALL,
    })
}
