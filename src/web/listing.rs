//! What the public lists share: their query strings (`ListParams` for the
//! records and search, a page number for every list) and the page sizes;
//! and how a record is asked for (`Format`).

use axum::extract::Query;
use axum::extract::rejection::QueryRejection;
use serde::Deserialize;

use super::AppError;
use crate::db::public::records::ListFilter;
use crate::domain::Decision;

/// Records on one page of the list and of search.
pub const RECORD_PAGE_SIZE: i64 = 20;

/// Actions on one page of `/actions`.
pub const ACTION_PAGE_SIZE: i64 = 50;

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
        let year = given(&self.year)
            .map(|y| y.parse::<i32>().ok().filter(|y| (1900..=9999).contains(y)))
            .map(|y| y.ok_or_else(|| AppError::BadRequest("The year must be a year such as 2024.".into())))
            .transpose()?;
        let decision = given(&self.decision)
            .map(|d| {
                Decision::from_code(d).ok_or_else(|| {
                    AppError::BadRequest(
                        "The decision must be assured, partly_assured or not_assured.".into(),
                    )
                })
            })
            .transpose()?;
        let topic_slug = given(&self.topic).map(|t| t.chars().take(200).collect());
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

/// The query string, or a 400 page saying it cannot be read.
pub(super) fn query<T>(query: Result<Query<T>, QueryRejection>) -> Result<T, AppError> {
    query
        .map(|Query(q)| q)
        .map_err(|_| AppError::BadRequest("The address has a query string that cannot be read.".into()))
}
