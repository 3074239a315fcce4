//! `/meetings` and `/meetings/{slug}`: published records, as pages and as
//! open data.

use crate::web::extract::{Path, Query};
use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::cache::{self, Scope};
use super::listing::{Format, ListParams, Pager, RECORD_PAGE_SIZE, query};
use super::record_view::RecordView;
use super::{AppError, AppState, filters, withdrawn};
use crate::db::ledger;
use crate::db::public::records::{ListFilter, Summary};
use crate::db::public::{records, topics};
use crate::domain::record::{PublicAction, PublicRecord};
use crate::domain::{Decision, MeetingSlug};

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(cache::archive_pages(Router::new().route("/meetings", get(index))))
        .route("/meetings/{slug}", get(show))
}

#[derive(Template, WebTemplate)]
#[template(path = "meetings/index.html")]
struct IndexPage {
    records: Vec<Summary>,
    total: i64,
    pager: Pager,
    filter: ListFilter,
    topics: Vec<(String, String)>,
    years: Vec<i32>,
    decisions: [Decision; 3],
}

impl IndexPage {
    fn is_filtered(&self) -> bool {
        self.filter != ListFilter::default()
    }

    fn unknown_topic(&self) -> Option<&str> {
        super::listing::unknown_topic(self.filter.topic_slug.as_deref(), &self.topics)
    }
}

async fn index(
    State(state): State<AppState>,
    params: Result<Query<ListParams>, AppError>,
) -> Result<IndexPage, AppError> {
    let (filter, page) = query(params)?.parse()?;
    let mut conn = state.pool.acquire().await?;
    let (records, total) = records::list(
        &mut conn,
        &filter,
        RECORD_PAGE_SIZE,
        (page - 1) * RECORD_PAGE_SIZE,
    )
    .await?;
    let topics = topics::topics(&mut conn).await?;
    let years = records::years(&mut conn).await?;
    Ok(IndexPage {
        records,
        total,
        pager: Pager::new("/meetings", page, total, RECORD_PAGE_SIZE).with_filter(&filter),
        filter,
        topics,
        years,
        decisions: Decision::ALL,
    })
}

/// A record's page: its current version, or one of its revisions.
#[derive(Template, WebTemplate)]
#[template(path = "meetings/show.html")]
pub(super) struct ShowPage {
    /// The revision shown, with its publication.
    pub(super) view: RecordView,
    /// Whether a later revision replaces this one.
    pub(super) superseded: bool,
    /// On a correction's revision page, the correction's reason: the record
    /// is then compared with the revision before.
    pub(super) changes_reason: Option<String>,
    /// Its withdrawals and reinstatements, oldest first (from the ledger).
    pub(super) withdrawals: Vec<ledger::Entry>,
}

impl ShowPage {
    fn revision(&self) -> i32 {
        self.view.publication.as_ref().map_or(0, |p| p.revision)
    }

    fn published_at(&self) -> DateTime<Utc> {
        self.view
            .publication
            .as_ref()
            .map_or_else(Utc::now, |p| p.published_at)
    }
}

/// What the page says of an imported record in place of its publication
/// date: "Imported on 1 December 2026 from notes originally published on 5
/// December 2024" (or "…; original publication date not known").
pub(super) fn import_note(record: &PublicRecord) -> Option<String> {
    let imported = record.imported.as_ref()?;
    let on = filters::date_text(&imported.imported_at);
    Some(match imported.original_published_on {
        Some(original) => format!(
            "Imported on {on} from notes originally published on {}",
            filters::date_text(&original)
        ),
        None => format!("Imported on {on} from earlier notes; original publication date not known"),
    })
}

/// The record as open data: `/meetings/{slug}.json`: the revision's record,
/// with its actions as agreed and each one's progress since publication.
/// Every address in it is absolute, from the site's public address.
#[derive(Serialize)]
struct RecordJson<'a> {
    #[serde(flatten)]
    record: &'a PublicRecord,
    address: String,
    links: Links,
    revision: i32,
    published_at: DateTime<Utc>,
    first_published_at: DateTime<Utc>,
    correction_reason: Option<&'a str>,
    /// For an imported record: when, and from notes of which date.
    #[serde(skip_serializing_if = "Option::is_none")]
    import_note: Option<String>,
    content_hash: &'a str,
}

/// The record's other addresses, absolute.
#[derive(Serialize)]
struct Links {
    record: String,
    json: String,
    csv: String,
    revisions: String,
    topic: String,
}

impl Links {
    fn new(base: &str, record: &PublicRecord) -> Links {
        let page = format!("{base}/meetings/{}", record.slug);
        Links {
            json: format!("{page}.json"),
            csv: format!("{page}.csv"),
            revisions: format!("{page}/revisions"),
            topic: format!(
                "{base}/topics/{}",
                crate::domain::slug::topic_slug(&record.topic).unwrap_or_default()
            ),
            record: page,
        }
    }
}

impl RecordJson<'_> {
    /// The JSON, its `actions` (the agreed ones of the record) replaced by
    /// the same actions with their progress, and the addresses of its
    /// stored documents (`/documents/{id}`) made absolute from `base`.
    fn finish(&self, actions: &[PublicAction], base: &str) -> Result<serde_json::Value, AppError> {
        let mut json = serde_json::to_value(self).map_err(anyhow::Error::from)?;
        json["actions"] = serde_json::to_value(actions).map_err(anyhow::Error::from)?;
        if let Some(documents) = json["documents"].as_array_mut() {
            for href in documents.iter_mut().filter_map(|d| d.get_mut("href")) {
                if let Some(path) = href.as_str().filter(|h| h.starts_with('/')) {
                    *href = format!("{base}{path}").into();
                }
            }
        }
        Ok(json)
    }
}

async fn show(State(state): State<AppState>, Path(slug): Path<String>) -> Result<Response, AppError> {
    let (slug, format) = if let Some(slug) = slug.strip_suffix(".json") {
        (slug, Format::Json)
    } else if let Some(slug) = slug.strip_suffix(".csv") {
        (slug, Format::Csv)
    } else {
        (slug.as_str(), Format::Html)
    };
    let slug = MeetingSlug::parse(slug).ok_or(AppError::NotFound)?;
    let mut conn = state.pool.acquire().await?;
    let Some(page) = records::page(&mut conn, &slug).await? else {
        return withdrawn::notice(&mut conn, &slug, format).await;
    };
    let (published, actions) = (page.published, page.actions);
    let scope = Scope::Record(published.meeting_id);
    let response = match format {
        Format::Html => ShowPage {
            withdrawals: if page.reinstated {
                ledger::withdrawals(&mut conn, published.meeting_id).await?
            } else {
                Vec::new()
            },
            view: RecordView::published(published, actions, None),
            superseded: false,
            changes_reason: None,
        }
        .into_response(),
        Format::Csv => super::open_data::record_csv(&published)?,
        Format::Json => {
            let site = super::site::current();
            Json(
                RecordJson {
                    record: &published.record,
                    address: format!("{}/meetings/{slug}", site.public_url),
                    links: Links::new(&site.public_url, &published.record),
                    revision: published.revision,
                    published_at: published.published_at,
                    first_published_at: published.first_published_at,
                    correction_reason: published.reason.as_deref(),
                    import_note: import_note(&published.record),
                    content_hash: &published.content_hash,
                }
                .finish(&actions, &site.public_url)?,
            )
            .into_response()
        }
    };
    Ok(cache::keep(scope, response))
}
