//! `/staff/audit` (admins): every change, who, when and what, in words
//! ("Question 2 evidence: 3 lines changed"), with the fields before and
//! after behind each; filtered by record, by account and by a range of
//! London dates.

use crate::web::extract::Query;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::db::audit::{self, AuditFilter, AuditLine};
use crate::domain::change::{self, Described};
use crate::domain::london;
use crate::web::auth::Staff;
use crate::web::forms::Errors;
use crate::web::listing::{Pager, given, page_number};
use crate::web::{AppError, AppState, filters};

/// Entries on one page.
const PAGE_SIZE: i64 = 50;

pub fn router() -> Router<AppState> {
    Router::new().route("/staff/audit", get(index))
}

/// The filters as typed, shown again in the form.
#[derive(Debug, Default, Deserialize)]
struct Params {
    meeting: Option<String>,
    account: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<String>,
}

impl Params {
    /// The filter, with the dates as typed; or each field's problem.
    fn parse(&self) -> Result<(AuditFilter, [Option<NaiveDate>; 2]), Errors> {
        let mut errors = Errors::default();
        let mut id = |field: &str, value: &Option<String>, message: &str| {
            let id = given(value).map(str::parse::<i64>).transpose();
            id.unwrap_or_else(|_| {
                errors.add(field, message);
                None
            })
        };
        let meeting_id = id("meeting", &self.meeting, "Choose a record from the list");
        let account_id = id("account", &self.account, "Choose an account from the list");
        let from = errors.date("from", "From", self.from.as_deref().unwrap_or_default(), false);
        let to = errors.date("to", "To", self.to.as_deref().unwrap_or_default(), false);
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            errors.add("to", "To must be the same as or after From");
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let filter = AuditFilter {
            meeting_id,
            account_id,
            from: from.map(london::start_of),
            until: to.and_then(|d| d.succ_opt()).map(london::start_of),
        };
        Ok((filter, [from, to]))
    }
}

/// An entry as shown: the line read, and it in words.
struct Shown {
    line: AuditLine,
    described: Described,
}

impl Shown {
    fn new(line: AuditLine) -> Shown {
        let described = change::describe(&change::Entry {
            action: &line.action,
            entity: &line.entity,
            entity_id: line.entity_id,
            before: line.before.as_ref(),
            after: line.after.as_ref(),
            question_number: line.question_number,
            account_email: line.account_email.as_deref(),
        });
        Shown { line, described }
    }

    /// Whether fields can differ: there was something before and after.
    fn compares(&self) -> bool {
        self.line.before.is_some() && self.line.after.is_some()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/audit.html")]
struct AuditPage {
    staff: Staff,
    entries: Vec<Shown>,
    params: Params,
    errors: Errors,
    filtered: bool,
    records: Vec<(i64, String, NaiveDate)>,
    accounts: Vec<(i64, String)>,
    pager: Pager,
    more: bool,
}

impl AuditPage {
    /// Whether the option `id` of the field `value` is the one chosen.
    fn chosen(&self, value: &Option<String>, id: &i64) -> bool {
        given(value) == Some(id.to_string().as_str())
    }
}

async fn index(
    State(state): State<AppState>,
    staff: Staff,
    Query(params): Query<Params>,
) -> Result<Response, AppError> {
    let page = page_number(&params.page)?;
    let mut conn = state.pool.acquire().await?;
    let (records, accounts) = audit::choices(&mut conn).await?;
    let (filter, errors, dates) = match params.parse() {
        Ok((filter, dates)) => (Some(filter), Errors::default(), dates),
        Err(errors) => (None, errors, [None, None]),
    };
    let mut lines = match &filter {
        Some(filter) => audit::list(&mut conn, filter, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE).await?,
        None => Vec::new(),
    };
    let more = lines.len() as i64 > PAGE_SIZE;
    lines.truncate(PAGE_SIZE as usize);
    // Only the pager's addresses are used: the log is not counted, and
    // `more` says whether there is an older page.
    let pager = Pager::new("/staff/audit", page, 0, PAGE_SIZE)
        .with("meeting", filter.as_ref().and_then(|f| f.meeting_id))
        .with("account", filter.as_ref().and_then(|f| f.account_id))
        .with("from", dates[0])
        .with("to", dates[1]);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let page = AuditPage {
        staff,
        entries: lines.into_iter().map(Shown::new).collect(),
        filtered: filter.is_some_and(|f| f != AuditFilter::default()) || !errors.is_empty(),
        params,
        errors,
        records,
        accounts,
        pager,
        more,
    };
    Ok((status, page).into_response())
}
