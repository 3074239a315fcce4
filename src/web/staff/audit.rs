//! `/staff/audit` (admins): every change, who, when, what, before and after;
//! filtered by record or by account.

use crate::web::extract::Query;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde::Deserialize;

use crate::db::audit::{self, AuditLine};
use crate::web::auth::Staff;
use crate::web::{AppError, AppState, filters};

/// Entries on one page.
const PAGE_SIZE: i64 = 50;

pub fn router() -> Router<AppState> {
    Router::new().route("/staff/audit", get(index))
}

#[derive(Debug, Default, Deserialize)]
struct Filter {
    meeting: Option<String>,
    account: Option<String>,
    page: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/audit.html")]
struct AuditPage {
    staff: Staff,
    lines: Vec<AuditLine>,
    meeting: Option<i64>,
    account: Option<i64>,
    page: i64,
    more: bool,
}

impl AuditPage {
    fn href(&self, page: &i64) -> String {
        let mut href = format!("/staff/audit?page={page}");
        if let Some(m) = self.meeting {
            href.push_str(&format!("&meeting={m}"));
        }
        if let Some(a) = self.account {
            href.push_str(&format!("&account={a}"));
        }
        href
    }
}

fn id(value: &Option<String>, what: &str) -> Result<Option<i64>, AppError> {
    match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| AppError::BadRequest(format!("The {what} must be a number."))),
    }
}

async fn index(
    State(state): State<AppState>,
    staff: Staff,
    Query(filter): Query<Filter>,
) -> Result<AuditPage, AppError> {
    let (meeting, account) = (id(&filter.meeting, "record")?, id(&filter.account, "account")?);
    let page = id(&filter.page, "page")?.unwrap_or(1).clamp(1, 1_000_000);
    let mut conn = state.pool.acquire().await?;
    let mut lines = audit::list(&mut conn, meeting, account, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE).await?;
    let more = lines.len() as i64 > PAGE_SIZE;
    lines.truncate(PAGE_SIZE as usize);
    Ok(AuditPage {
        staff,
        lines,
        meeting,
        account,
        page,
        more,
    })
}
