//! `/meetings.json` and `/actions.json`: the published records and their
//! actions as JSON lists, a page of 100 at a time, with the same filters
//! as `/meetings` and `/actions`, the totals, and every address absolute
//! (from the site's public address), so that a program can follow them.
//! A bad filter or page is answered in JSON too ([`JsonError`]).

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::db::public::actions::{self, ListedAction};
use crate::db::public::records::{self, Summary};
use crate::domain::Decision;
use crate::domain::record::{ActionStatus, ProgressNote};
use crate::web::actions::ActionParams;
use crate::web::error::JsonError;
use crate::web::extract::Query;
use crate::web::listing::{ListParams, Pager, query};
use crate::web::{AppError, AppState};

/// Items on one page of either list.
pub const JSON_PAGE_SIZE: i64 = 100;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/meetings.json", get(meetings))
        .route("/actions.json", get(actions))
}

/// One page of a list: its items, where it is, and the absolute addresses
/// of the pages beside it (null at either end).
#[derive(Serialize)]
struct ListJson<T> {
    total: i64,
    page: i64,
    pages: i64,
    per_page: i64,
    #[serde(rename = "self")]
    this: String,
    next: Option<String>,
    prev: Option<String>,
    items: Vec<T>,
}

impl<T> ListJson<T> {
    fn new(base: &str, pager: &Pager, total: i64, items: Vec<T>) -> ListJson<T> {
        let at = |page: i64| format!("{base}{}", pager.href(page));
        let page = pager.page;
        ListJson {
            total,
            page,
            pages: pager.pages,
            per_page: JSON_PAGE_SIZE,
            this: at(page),
            next: (page < pager.pages).then(|| at(page + 1)),
            prev: (page > 1).then(|| at((page - 1).min(pager.pages.max(1)))),
            items,
        }
    }
}

/// A published record in `/meetings.json`.
#[derive(Serialize)]
struct RecordItem {
    slug: String,
    topic: String,
    topic_slug: String,
    held_on: NaiveDate,
    revision: i32,
    published_at: DateTime<Utc>,
    /// Each question's decision, in order; null where none was recorded.
    decisions: Vec<Option<&'static str>>,
    address: String,
    json: String,
    csv: String,
    revisions: String,
    topic_address: String,
}

impl RecordItem {
    fn new(base: &str, r: Summary) -> RecordItem {
        let record = format!("{base}/meetings/{}", r.slug);
        RecordItem {
            json: format!("{record}.json"),
            csv: format!("{record}.csv"),
            revisions: format!("{record}/revisions"),
            topic_address: format!("{base}/topics/{}", r.topic_slug),
            address: record,
            decisions: r.decisions.iter().map(|d| d.map(Decision::code)).collect(),
            slug: r.slug,
            topic: r.topic,
            topic_slug: r.topic_slug,
            held_on: r.held_on,
            revision: r.revision,
            published_at: r.published_at,
        }
    }
}

async fn meetings(
    State(state): State<AppState>,
    params: Result<Query<ListParams>, AppError>,
) -> Result<Json<ListJson<RecordItem>>, JsonError> {
    let (filter, page) = query(params)?.parse()?;
    let mut conn = state.pool.acquire().await?;
    let offset = (page - 1) * JSON_PAGE_SIZE;
    let (found, total) = records::list(&mut conn, &filter, JSON_PAGE_SIZE, offset).await?;
    let site = crate::web::site::current();
    let base = site.public_url.as_str();
    let pager = Pager::new("/meetings.json", page, total, JSON_PAGE_SIZE).with_filter(&filter);
    let items = found.into_iter().map(|r| RecordItem::new(base, r)).collect();
    Ok(Json(ListJson::new(base, &pager, total, items)))
}

/// An action of a published record in `/actions.json`.
#[derive(Serialize)]
struct ActionItem {
    slug: String,
    topic: String,
    held_on: NaiveDate,
    number: i32,
    text: String,
    owner: String,
    due_on: Option<NaiveDate>,
    status: ActionStatus,
    overdue: bool,
    progress: Vec<ProgressNote>,
    address: String,
    record: String,
}

impl ActionItem {
    fn new(base: &str, a: ListedAction) -> ActionItem {
        let record = format!("{base}/meetings/{}", a.slug);
        ActionItem {
            address: format!("{record}#action-{}", a.number),
            record,
            slug: a.slug,
            topic: a.topic,
            held_on: a.held_on,
            number: a.number,
            text: a.text,
            owner: a.owner,
            due_on: a.due_on,
            status: a.status,
            overdue: a.overdue,
            progress: a.progress,
        }
    }
}

async fn actions(
    State(state): State<AppState>,
    params: Result<Query<ActionParams>, AppError>,
) -> Result<Json<ListJson<ActionItem>>, JsonError> {
    let (filter, page) = query(params)?.parse()?;
    let today = crate::domain::london::today();
    let mut conn = state.pool.acquire().await?;
    let offset = (page - 1) * JSON_PAGE_SIZE;
    let (found, total) = actions::actions(&mut conn, &filter, today, JSON_PAGE_SIZE, offset).await?;
    let site = crate::web::site::current();
    let base = site.public_url.as_str();
    let pager = crate::web::actions::pager("/actions.json", page, total, JSON_PAGE_SIZE, &filter);
    let items = found.into_iter().map(|a| ActionItem::new(base, a)).collect();
    Ok(Json(ListJson::new(base, &pager, total, items)))
}
