//! Open data as CSV (RFC 4180: comma-separated, double-quoted where needed,
//! CRLF line ends; UTF-8; a header row): `/meetings/{slug}.csv` (served by
//! `meetings::show`), `/meetings.csv` and `/actions.csv`; and `/data`, the
//! page that says what every field of the JSON and CSV means.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::Serialize;

use super::chart::Tally;
use super::{AppError, AppState};
use crate::db::public::actions::{self, ActionFilter};
use crate::db::public::records::{self, Published};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/meetings.csv", get(meetings_csv))
        .route("/actions.csv", get(actions_csv))
        .route("/data", get(data))
}

/// `rows` as a CSV download named `filename`.
fn csv_response<T: Serialize>(
    filename: &str,
    rows: impl IntoIterator<Item = T>,
) -> Result<Response, AppError> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for row in rows {
        writer.serialize(row).map_err(anyhow::Error::new)?;
    }
    let body = writer.into_inner().map_err(|e| anyhow::anyhow!("csv: {e}"))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// A timestamp as London's clock reads it, with its offset
/// ("2024-07-11T00:30:00+01:00"), so a spreadsheet shows the date people
/// in London would give it.
fn timestamp(at: DateTime<Utc>) -> String {
    crate::domain::london::local(at).to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// One question of a record: a row of `/meetings/{slug}.csv`.
#[derive(Serialize)]
struct QuestionRow<'a> {
    slug: &'a str,
    topic: &'a str,
    held_on: NaiveDate,
    question_number: u32,
    question: String,
    evidence: String,
    decision: Option<&'static str>,
    decision_rationale: Option<&'a str>,
    decided_at: Option<String>,
    /// `original_notes` for a decision as recorded in imported notes,
    /// `pcc` for one the PCC recorded here; empty with no decision.
    decision_source: Option<&'static str>,
    revision: i32,
    published_at: String,
}

/// The record's questions, evidence and decisions as CSV.
pub fn record_csv(published: &Published) -> Result<Response, AppError> {
    let record = &published.record;
    let rows = record.questions.iter().map(|q| QuestionRow {
        slug: record.slug.as_str(),
        topic: &record.topic,
        held_on: record.held_on,
        question_number: q.number,
        question: q.text.to_text(),
        evidence: q.evidence.to_text(),
        decision: q.decision.as_ref().map(|d| d.value.code()),
        decision_rationale: q.decision.as_ref().map(|d| d.rationale.as_str()),
        decided_at: q.decision.as_ref().and_then(|d| d.decided_at).map(timestamp),
        decision_source: q.decision.as_ref().map(|d| match d.from_original_notes {
            true => "original_notes",
            false => "pcc",
        }),
        revision: published.revision,
        published_at: timestamp(published.published_at),
    });
    csv_response(&format!("{}.csv", record.slug), rows)
}

/// A published record: a row of `/meetings.csv`.
#[derive(Serialize)]
struct RecordRow {
    slug: String,
    address: String,
    topic: String,
    topic_slug: String,
    held_on: NaiveDate,
    kind: String,
    place: String,
    questions: usize,
    assured: usize,
    partly_assured: usize,
    not_assured: usize,
    no_decision: usize,
    actions: i64,
    revision: i32,
    published_at: String,
    first_published_at: String,
    correction_reason: Option<String>,
}

async fn meetings_csv(State(state): State<AppState>) -> Result<Response, AppError> {
    let mut conn = state.pool.acquire().await?;
    let records = records::all_records(&mut conn).await?;
    let rows = records.into_iter().map(|r| {
        let tally = Tally::of(&r.decisions);
        RecordRow {
            address: format!("/meetings/{}", r.slug),
            slug: r.slug,
            topic: r.topic,
            topic_slug: r.topic_slug,
            held_on: r.held_on,
            kind: r.kind,
            place: r.place,
            questions: tally.questions(),
            assured: tally.assured,
            partly_assured: tally.partly,
            not_assured: tally.not,
            no_decision: tally.none,
            actions: r.actions,
            revision: r.revision,
            published_at: timestamp(r.published_at),
            first_published_at: timestamp(r.first_published_at),
            correction_reason: r.correction_reason,
        }
    });
    csv_response("meetings.csv", rows)
}

/// An action of a published record: a row of `/actions.csv`.
#[derive(Serialize)]
struct ActionRow {
    slug: String,
    address: String,
    topic: String,
    held_on: NaiveDate,
    number: i32,
    text: String,
    owner: String,
    due_on: Option<NaiveDate>,
    status: &'static str,
    overdue: bool,
    progress: String,
}

async fn actions_csv(State(state): State<AppState>) -> Result<Response, AppError> {
    let mut conn = state.pool.acquire().await?;
    let today = crate::domain::london::today();
    let (actions, _) = actions::actions(&mut conn, &ActionFilter::default(), today, None, 0).await?;
    let rows = actions.into_iter().map(|a| ActionRow {
        address: format!("/meetings/{}#action-{}", a.slug, a.number),
        progress: a
            .progress
            .iter()
            .map(|p| format!("{}: {}", p.noted_on, p.note))
            .collect::<Vec<_>>()
            .join("\n"),
        slug: a.slug,
        topic: a.topic,
        held_on: a.held_on,
        number: a.number,
        text: a.text,
        owner: a.owner,
        due_on: a.due_on,
        status: a.status.code(),
        overdue: a.overdue,
    });
    csv_response("actions.csv", rows)
}

#[derive(Template, WebTemplate)]
#[template(path = "data.html")]
struct DataPage;

async fn data() -> DataPage {
    DataPage
}
