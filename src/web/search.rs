//! `/search?q=`: full-text search of published records, ranked, each
//! result linking to the question that matched with its highlighted
//! snippet; the list's filters, a range of meeting dates (`from`, `to`) and
//! pages; "did you mean" when nothing matches. Any text gets a page: it is
//! read as words (`domain::SearchQuery`), cut to a length, and NUL and other
//! control characters are dropped. A date that is not one comes back beside
//! its field (422), as typed.

use crate::web::extract::Query;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use super::forms::Errors;
use super::listing::{ListParams, Pager, RECORD_PAGE_SIZE, query};
use super::{AppError, AppState, filters};
use crate::db::public::records::{self, ListFilter};
use crate::db::public::search::{self, Counted, Dates, Found, Hit, MARK_END, MARK_START};
use crate::db::public::topics;
use crate::domain::{Decision, SearchQuery};

/// Longest query searched, in characters; the rest is cut, with a notice.
pub const MAX_QUERY_CHARS: usize = 500;

pub fn router() -> Router<AppState> {
    Router::new().route("/search", get(search))
}

#[derive(Debug, Default, Deserialize)]
struct SearchParams {
    q: Option<String>,
    from: Option<String>,
    to: Option<String>,
    #[serde(flatten)]
    list: ListParams,
}

/// The query as searched, and whether it had to be cut.
fn clean(text: &str) -> (String, bool) {
    let text: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let text = text.trim();
    let cut = text.chars().count() > MAX_QUERY_CHARS;
    let kept: String = text.chars().take(MAX_QUERY_CHARS).collect();
    (kept.trim_end().to_owned(), cut)
}

/// A piece of a snippet: plain text, or a word the search matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub text: String,
    pub matched: bool,
}

/// Splits a snippet at the highlight markers. The template escapes each
/// piece and wraps the matched ones in `<mark>`, so no HTML from the
/// database is ever trusted.
pub fn pieces(snippet: &str) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    let mut matched = false;
    for part in snippet.split_inclusive([MARK_START, MARK_END]) {
        let (text, next) = match part.strip_suffix(MARK_START) {
            Some(text) => (text, Some(true)),
            None => match part.strip_suffix(MARK_END) {
                Some(text) => (text, Some(false)),
                None => (part, None),
            },
        };
        if !text.is_empty() {
            out.push(Piece {
                text: text.to_owned(),
                matched,
            });
        }
        matched = next.unwrap_or(matched);
    }
    out
}

/// The meeting dates asked for, as typed, and as dates once they are.
#[derive(Debug, Default)]
struct DateFields {
    from: String,
    to: String,
    dates: Dates,
    errors: Errors,
}

impl DateFields {
    fn parse(from: Option<&str>, to: Option<&str>) -> DateFields {
        let (from, to) = (from.unwrap_or_default().trim(), to.unwrap_or_default().trim());
        let mut errors = Errors::default();
        let dates = Dates {
            from: errors.date("from", "The from date", from, false),
            to: errors.date("to", "The to date", to, false),
        };
        if let (Some(first), Some(last)) = (dates.from, dates.to)
            && last < first
        {
            errors.add("to", "The to date must be the same as or after the from date");
        }
        DateFields {
            from: from.to_owned(),
            to: to.to_owned(),
            dates,
            errors,
        }
    }
}

/// A hit as the page shows it.
struct Shown {
    hit: Hit,
    snippet: Vec<Piece>,
}

#[derive(Template, WebTemplate)]
#[template(path = "search.html")]
struct SearchPage {
    q: String,
    cut: bool,
    dates: DateFields,
    found: Option<Found>,
    /// The query corrected, and its address, when nothing matched.
    suggestion: Option<(String, String)>,
    hits: Vec<Shown>,
    pager: Pager,
    filter: ListFilter,
    topics: Vec<(String, String)>,
    years: Vec<i32>,
    decisions: [Decision; 3],
}

impl SearchPage {
    fn is_filtered(&self) -> bool {
        self.filter != ListFilter::default() || !self.dates.from.is_empty() || !self.dates.to.is_empty()
    }

    /// How many of the newest matches are ranked by relevance.
    fn ranked(&self) -> i64 {
        crate::db::public::search::RANKED
    }
}

async fn search(
    State(state): State<AppState>,
    params: Result<Query<SearchParams>, AppError>,
) -> Result<Response, AppError> {
    let params = query(params)?;
    let (filter, page) = params.list.parse()?;
    let (q, cut) = clean(params.q.as_deref().unwrap_or_default());
    let dates = DateFields::parse(params.from.as_deref(), params.to.as_deref());
    let asked = SearchQuery::parse(&q);
    let mut conn = state.pool.acquire().await?;
    let found = if q.is_empty() || !dates.errors.is_empty() {
        None
    } else {
        let offset = (page - 1) * RECORD_PAGE_SIZE;
        Some(search::search(&mut conn, &asked, &filter, dates.dates, RECORD_PAGE_SIZE, offset).await?)
    };
    let suggestion = match &found {
        Some(f) if f.total == 0 && f.searchable => search::suggest(&mut conn, &asked, &filter, dates.dates)
            .await?
            .map(|text| {
                let href = address(1, &text, &filter, &dates);
                (text, href)
            }),
        _ => None,
    };
    let topics = topics::topics(&mut conn).await?;
    let years = records::years(&mut conn).await?;
    let hits = found.as_ref().map_or_else(Vec::new, |f| {
        f.hits
            .iter()
            .map(|hit| Shown {
                snippet: pieces(&hit.snippet),
                hit: hit.clone(),
            })
            .collect()
    });
    let pager = results_pager(page, found.as_ref(), &q, &filter, &dates);
    let status = if dates.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = SearchPage {
        q,
        cut,
        dates,
        found,
        suggestion,
        hits,
        pager,
        filter,
        topics,
        years,
        decisions: Decision::ALL,
    };
    Ok((status, page).into_response())
}

/// The pages of the search for `q` with these filters and dates.
fn pager(page: i64, total: i64, q: &str, filter: &ListFilter, dates: &DateFields) -> Pager {
    let given = |v: &str| (!v.is_empty()).then(|| v.to_owned());
    Pager::new("/search", page, total, RECORD_PAGE_SIZE)
        .with("q", Some(q))
        .with_filter(filter)
        .with("from", given(&dates.from))
        .with("to", given(&dates.to))
}

/// The pages of the results `found` for `q` with these filters and dates:
/// as many as can be paged, and whether more than those match.
fn results_pager(
    page: i64,
    found: Option<&Found>,
    q: &str,
    filter: &ListFilter,
    dates: &DateFields,
) -> Pager {
    let total = found.map_or(0, Found::pageable);
    let more = found.is_some_and(|f| f.counted != Counted::Exactly);
    pager(page, total, q, filter, dates).first_of_more(more)
}

/// The address of page `page` of the search for `q` with these filters.
fn address(page: i64, q: &str, filter: &ListFilter, dates: &DateFields) -> String {
    pager(page, 0, q, filter, dates).href(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snippet_splits_into_plain_and_matched_pieces() {
        let snippet = format!("a {MARK_START}stalking{MARK_END} plan <b>{MARK_START}x{MARK_END}");
        let got = pieces(&snippet);
        let want = [
            ("a ", false),
            ("stalking", true),
            (" plan <b>", false),
            ("x", true),
        ];
        assert_eq!(
            got,
            want.map(|(text, matched)| Piece {
                text: text.into(),
                matched
            })
        );
        // A stray end marker does not start or end anything.
        assert_eq!(
            pieces(&format!("a{MARK_END}b"))
                .iter()
                .filter(|p| p.matched)
                .count(),
            0
        );
    }

    /// The results page of a search for "victims" that found `total`
    /// records, counted as `counted`, at page `page`: its text.
    fn results(total: i64, counted: Counted, page: i64) -> String {
        let hit = Hit {
            slug: "2024-12-03-stalking".into(),
            topic: "Stalking".into(),
            topic_slug: "stalking".into(),
            held_on: chrono::NaiveDate::from_ymd_opt(2024, 12, 3).expect("date"),
            revision: 1,
            decisions: vec![Some(Decision::Assured)],
            from_notes: false,
            question: Some(1),
            snippet: "support for victims".into(),
            matching_actions: 0,
        };
        let found = Found {
            hits: vec![hit.clone()],
            total,
            counted,
            searchable: true,
        };
        let dates = DateFields::default();
        let filter = ListFilter::default();
        let page = SearchPage {
            pager: results_pager(page, Some(&found), "victims", &filter, &dates),
            q: "victims".into(),
            cut: false,
            dates,
            found: Some(found),
            suggestion: None,
            hits: vec![Shown {
                snippet: pieces(&hit.snippet),
                hit,
            }],
            filter,
            topics: Vec::new(),
            years: Vec::new(),
            decisions: Decision::ALL,
        };
        let html = scraper::Html::parse_document(&page.render().expect("render"));
        html.root_element().text().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn the_pages_of_a_search_not_all_counted_say_they_are_the_first_of_more() {
        let words = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
        let counted = words(&results(41, Counted::Exactly, 1));
        assert!(counted.contains("41 records found"), "{counted}");
        assert!(counted.contains("Page 1 of 3"), "{counted}");
        for (total, counted, heading) in [
            (98_000, Counted::About, "About 98,000 records found"),
            (10_000, Counted::MoreThan, "More than 10,000 records found"),
        ] {
            let first = words(&results(total, counted, 1));
            assert!(first.contains(heading), "{first}");
            assert!(first.contains("Page 1 of the first 500"), "{first}");
            assert!(!first.contains("go no further"), "{first}");
            let last = words(&results(total, counted, 500));
            assert!(last.contains("Page 500 of the first 500"), "{last}");
            assert!(
                last.contains("The pages go no further than the first 10,000 results. To see older records, choose a year or a topic."),
                "{last}"
            );
            assert!(!last.contains("Next page"), "{last}");
        }
        let last_counted = words(&results(41, Counted::Exactly, 3));
        assert!(!last_counted.contains("go no further"), "{last_counted}");
    }

    #[test]
    fn a_query_is_cut_and_loses_control_characters() {
        assert_eq!(clean("  stalk\0ing  "), ("stalk ing".to_owned(), false));
        let (long, cut) = clean(&"é".repeat(10_000));
        assert!(cut);
        assert_eq!(long.chars().count(), MAX_QUERY_CHARS);
    }
}
