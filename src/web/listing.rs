//! What the public lists share: their query strings (`ListParams` for the
//! records and search, a page number for every list), the page sizes and
//! the `Pager` that the `pager` macro (`templates/macros/pager.html`)
//! shows; and how a record is asked for (`Format`).

use std::fmt::Display;

use serde::Deserialize;

use super::AppError;
use super::extract::Query;
use crate::db::public::records::ListFilter;
use crate::domain::Decision;

/// Records on one page of the list and of search.
pub const RECORD_PAGE_SIZE: i64 = 20;

/// Actions on one page of `/actions`.
pub const ACTION_PAGE_SIZE: i64 = 50;

/// Meetings on a page of a topic: as many as its chart shows well.
pub const TOPIC_PAGE_SIZE: i64 = 40;

/// How a record is asked for: as a page or as open data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    Html,
    Json,
    Csv,
}

/// The list's query string, as typed; checked by `ListParams::parse`.
#[derive(Debug, Default, Deserialize)]
pub(super) struct ListParams {
    topic: Option<String>,
    year: Option<String>,
    decision: Option<String>,
    page: Option<String>,
}

impl ListParams {
    /// The filter and page number, or why the address is not valid.
    pub(super) fn parse(&self) -> Result<(ListFilter, i64), AppError> {
        let year = year_param(&self.year)?;
        let decision = given(&self.decision)
            .map(|d| {
                Decision::from_code(d).ok_or_else(|| {
                    AppError::BadRequest(
                        "The decision must be assured, partly_assured or not_assured.".into(),
                    )
                })
            })
            .transpose()?;
        let topic_slug = given(&self.topic).map(topic_filter);
        Ok((
            ListFilter {
                topic_slug,
                year,
                decision,
            },
            page_number(&self.page)?,
        ))
    }
}

/// The topic a filter asks for when no published record has it (a mistyped
/// or old address), so that the page can say so rather than list nothing.
pub(super) fn unknown_topic<'a>(topic_slug: Option<&'a str>, topics: &[(String, String)]) -> Option<&'a str> {
    topic_slug.filter(|wanted| !topics.iter().any(|(_, slug)| slug == wanted))
}

/// The slug a topic filter asks for: the topic as written, in any case
/// ("Violence Against Women & Girls"), or its slug
/// (`violence-against-women-girls`), which is its own slug. Text with no
/// letters or digits is kept as given (at most 200 characters), and so
/// matches nothing.
pub(super) fn topic_filter(topic: &str) -> String {
    crate::domain::slug::topic_slug(topic).unwrap_or_else(|| topic.chars().take(200).collect())
}

/// The `year` parameter: `None` when it is not given.
pub(super) fn year_param(value: &Option<String>) -> Result<Option<i32>, AppError> {
    given(value)
        .map(|y| y.parse::<i32>().ok().filter(|y| (1900..=9999).contains(y)))
        .map(|y| y.ok_or_else(|| AppError::BadRequest("The year must be a year such as 2024.".into())))
        .transpose()
}

/// A parameter's value, unless it is missing or blank.
pub(super) fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// The `page` parameter: 1 when it is not given.
pub(super) fn page_number(value: &Option<String>) -> Result<i64, AppError> {
    given(value)
        .map(|p| p.parse::<i64>().ok().filter(|p| (1..=100_000).contains(p)))
        .map(|p| p.ok_or_else(|| AppError::BadRequest("The page must be a number from 1.".into())))
        .transpose()
        .map(|p| p.unwrap_or(1))
}

/// The query string, or the 400 page `extract::Query` answers when it
/// cannot be read. (The public lists take `Result<Query<_>, AppError>` and
/// call this, as they did with axum's rejection: their bodies unchanged.)
pub(super) fn query<T>(query: Result<Query<T>, AppError>) -> Result<T, AppError> {
    query.map(|Query(q)| q)
}

/// Where a paged list is, and the address of each of its pages: the list's
/// own address and its other parameters, in order, then `page`.
#[derive(Debug, Clone)]
pub(super) struct Pager {
    /// The page shown, from 1.
    pub(super) page: i64,
    /// How many pages the list has (0 when it is empty).
    pub(super) pages: i64,
    /// The pages hold only the first of more items than can be paged (a
    /// search whose matches were not all counted).
    pub(super) first_of_more: bool,
    path: String,
    params: Vec<(&'static str, String)>,
}

impl Pager {
    /// Page `page` of a list of `total` items at `path`, `size` to a page.
    pub(super) fn new(path: impl Into<String>, page: i64, total: i64, size: i64) -> Pager {
        Pager {
            page,
            pages: (total + size - 1) / size,
            first_of_more: false,
            path: path.into(),
            params: Vec::new(),
        }
    }

    /// The same pager, its addresses carrying `name=value` when there is a
    /// value.
    pub(super) fn with(mut self, name: &'static str, value: Option<impl Display>) -> Pager {
        if let Some(value) = value {
            self.params.push((name, value.to_string()));
        }
        self
    }

    /// The same pager, saying whether its pages are only the first of more
    /// items than can be paged.
    pub(super) fn first_of_more(mut self, more: bool) -> Pager {
        self.first_of_more = more;
        self
    }

    /// The same pager, its addresses carrying the filters of the list of
    /// records.
    pub(super) fn with_filter(self, filter: &ListFilter) -> Pager {
        self.with("topic", filter.topic_slug.as_deref())
            .with("year", filter.year)
            .with("decision", filter.decision.map(Decision::code))
    }

    /// The address of page `page` of the same list.
    pub(super) fn href(&self, page: i64) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.extend_pairs(&self.params);
        query.append_pair("page", &page.to_string());
        format!("{}?{}", self.path, query.finish())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pager_keeps_the_other_parameters_in_order_and_encodes_them() {
        let pager = Pager::new("/search", 2, 41, 20)
            .with("q", Some("stalking & \"harassment\""))
            .with("topic", None::<&str>)
            .with("year", Some(2024));
        assert_eq!(pager.pages, 3);
        assert_eq!(
            pager.href(3),
            "/search?q=stalking+%26+%22harassment%22&year=2024&page=3"
        );
    }

    #[test]
    fn a_topic_filter_takes_the_topic_as_written_in_any_case_or_its_slug() {
        for written in [
            "Violence Against Women & Girls",
            "violence against women and girls",
            "violence-against-women-girls",
        ] {
            let expected = if written.contains(" and ") {
                "violence-against-women-and-girls"
            } else {
                "violence-against-women-girls"
            };
            assert_eq!(topic_filter(written), expected, "{written}");
        }
        assert_eq!(topic_filter("STALKING"), "stalking");
        assert_eq!(topic_filter("&&"), "&&");
    }

    #[test]
    fn a_list_of_no_items_has_no_pages() {
        assert_eq!(Pager::new("/meetings", 1, 0, 20).pages, 0);
        assert_eq!(Pager::new("/meetings", 1, 20, 20).pages, 1);
        assert_eq!(Pager::new("/meetings", 1, 21, 20).pages, 2);
    }
}
