//! `/actions`: every action of a published record, its owner, due date and
//! status, with filters for status, owner, topic and overdue; each links to
//! its record.

use crate::web::extract::Query;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde::Deserialize;

use super::listing::{ACTION_PAGE_SIZE, Pager, given, page_number, query, topic_filter};
use super::{AppError, AppState, filters};
use crate::db::public::actions::{self, ActionFilter, ListedAction};
use crate::db::public::topics;
use crate::domain::record::ActionStatus;

pub fn router() -> Router<AppState> {
    Router::new().route("/actions", get(index))
}

/// The query string, as typed.
#[derive(Debug, Default, Deserialize)]
pub(super) struct ActionParams {
    status: Option<String>,
    owner: Option<String>,
    overdue: Option<String>,
    topic: Option<String>,
    page: Option<String>,
}

impl ActionParams {
    /// The filter and page number, or why the address is not valid.
    pub(super) fn parse(&self) -> Result<(ActionFilter, i64), AppError> {
        let status = given(&self.status)
            .map(|s| {
                ActionStatus::from_code(s).ok_or_else(|| {
                    AppError::BadRequest(
                        "The status must be open, in_progress, done or carried_forward.".into(),
                    )
                })
            })
            .transpose()?;
        let filter = ActionFilter {
            status,
            owner: given(&self.owner).map(|o| o.chars().take(200).collect()),
            overdue: given(&self.overdue).is_some_and(|o| o != "0" && o != "false"),
            topic_slug: given(&self.topic).map(topic_filter),
        };
        Ok((filter, page_number(&self.page)?))
    }
}

/// Page `page` of a list of actions at `path`, its addresses carrying
/// `filter` (`/actions` and `/actions.json`).
pub(super) fn pager(path: &str, page: i64, total: i64, size: i64, filter: &ActionFilter) -> Pager {
    Pager::new(path, page, total, size)
        .with("status", filter.status.map(ActionStatus::code))
        .with("owner", filter.owner.as_deref())
        .with("overdue", filter.overdue.then_some("1"))
        .with("topic", filter.topic_slug.as_deref())
}

#[derive(Template, WebTemplate)]
#[template(path = "actions/index.html")]
struct IndexPage {
    actions: Vec<ListedAction>,
    total: i64,
    pager: Pager,
    filter: ActionFilter,
    owners: Vec<String>,
    topics: Vec<(String, String)>,
    statuses: [ActionStatus; 4],
}

impl IndexPage {
    fn is_filtered(&self) -> bool {
        self.filter != ActionFilter::default()
    }

    fn unknown_topic(&self) -> Option<&str> {
        super::listing::unknown_topic(self.filter.topic_slug.as_deref(), &self.topics)
    }
}

async fn index(
    State(state): State<AppState>,
    params: Result<Query<ActionParams>, AppError>,
) -> Result<IndexPage, AppError> {
    let (filter, page) = query(params)?.parse()?;
    let today = crate::domain::london::today();
    let mut conn = state.pool.acquire().await?;
    let offset = (page - 1) * ACTION_PAGE_SIZE;
    let (actions, total) = actions::actions(&mut conn, &filter, today, ACTION_PAGE_SIZE, offset).await?;
    let owners = actions::action_owners(&mut conn).await?;
    let topics = topics::topics(&mut conn).await?;
    Ok(IndexPage {
        actions,
        total,
        pager: pager("/actions", page, total, ACTION_PAGE_SIZE, &filter),
        filter,
        owners,
        topics,
        statuses: ActionStatus::ALL,
    })
}
