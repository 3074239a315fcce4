//! Open data as CSV (RFC 4180: comma-separated, double-quoted where needed,
//! CRLF line ends; UTF-8 starting with a byte-order mark, see [`BOM`]; a
//! header row): `/meetings/{slug}.csv` (served by
//! `meetings::show`), `/meetings.csv` and `/actions.csv`; and `/data`, the
//! page that says what every field of the JSON and CSV means. The JSON
//! lists, `/meetings.json` and `/actions.json`, are in [`lists`].

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::Serialize;

use super::chart::Tally;
use super::{AppError, AppState};
use crate::db::public::RowStream;
use crate::db::public::actions;
use crate::db::public::records::{self, Published};

mod lists;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(lists::router())
        .route("/meetings.csv", get(meetings_csv))
        .route("/actions.csv", get(actions_csv))
        .route("/data", get(data))
}

/// The UTF-8 byte-order mark every CSV download starts with. Excel reads a
/// CSV without one in the machine's legacy code page, so "£61,528.57"
/// opens as "Â£61,528.57"; with it, Excel, LibreOffice, Numbers, pandas
/// and Python's `utf-8-sig` all read UTF-8. One file for everyone rather
/// than an `?excel=1` variant, as most people who download it open it in a
/// spreadsheet; `/data` says so, for programs that read it another way.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// `rows` as a CSV download named `filename`.
fn csv_response<T: Serialize>(
    filename: &str,
    rows: impl IntoIterator<Item = T>,
) -> Result<Response, AppError> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.to_vec());
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

/// How many rows go into each piece of a streamed download.
const ROWS_PER_PIECE: usize = 500;

/// `rows` (read by a task of their own, `db::public::RowStream`), each
/// made a CSV row by `row`, as a download named `filename` written as the
/// rows come: memory stays the same whatever the archive's size. A failure
/// after the first bytes ends the download early, as a broken connection,
/// never as a short file that looks whole.
fn csv_stream<T, R, F>(filename: &str, rows: RowStream<T>, row: F) -> Response
where
    T: Send + 'static,
    R: Serialize + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    let row = std::sync::Arc::new(row);
    let pieces = futures_util::stream::unfold((rows, true), move |(mut rows, first)| {
        let row = std::sync::Arc::clone(&row);
        async move {
            let mut writer = csv::WriterBuilder::new()
                .terminator(csv::Terminator::CRLF)
                .has_headers(first)
                .from_writer(if first { BOM.to_vec() } else { Vec::new() });
            let mut written = 0;
            while written < ROWS_PER_PIECE {
                let next = if written == 0 {
                    rows.recv().await
                } else {
                    rows.try_recv().ok()
                };
                match next {
                    Some(Ok(item)) => {
                        if let Err(e) = writer.serialize(row(item)) {
                            return Some((Err(std::io::Error::other(e)), (rows, false)));
                        }
                        written += 1;
                    }
                    Some(Err(e)) => {
                        tracing::error!(error = %e, "a download failed part way");
                        return Some((Err(std::io::Error::other(e)), (rows, false)));
                    }
                    None => break,
                }
            }
            if written == 0 {
                return None;
            }
            let piece = writer
                .into_inner()
                .map_err(|e| std::io::Error::other(e.to_string()));
            Some((piece.map(Bytes::from), (rows, false)))
        }
    });
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        Body::from_stream(pieces),
    )
        .into_response()
}

/// A timestamp as London's clock reads it, with its offset
/// ("2024-07-11T00:30:00+01:00"), so a spreadsheet shows the date people
/// in London would give it.
fn timestamp(at: DateTime<Utc>) -> String {
    crate::domain::london::local(at).to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// A text cell of a CSV download. A spreadsheet reads a cell that starts
/// with `=`, `+`, `-` or `@` (or a tab or carriage return before one) as a
/// formula, which can fetch addresses or run commands when the file is
/// opened: such a cell goes out with a leading `'` (OWASP's rule for CSV
/// injection), which spreadsheets take as "this is text". A cell that is
/// only a number ("-5", "+3.25") is left as it is: a spreadsheet reads it as
/// that number, and there is no formula in it. Every text field of every
/// CSV row is a `Cell`: this is the one place the rule is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Cell<S>(pub(super) S);

impl<S: AsRef<str>> Cell<S> {
    /// The text as written to the file.
    pub(super) fn neutralised(&self) -> std::borrow::Cow<'_, str> {
        let text = self.0.as_ref();
        let risky = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
        if risky && !is_plain_number(text) {
            format!("'{text}").into()
        } else {
            text.into()
        }
    }
}

/// `-5`, `+3.25`: an optional sign, digits, and optionally a point and
/// more digits; nothing else.
fn is_plain_number(text: &str) -> bool {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && digits(fraction)
}

impl<S: AsRef<str>> Serialize for Cell<S> {
    fn serialize<Z: serde::Serializer>(&self, serializer: Z) -> Result<Z::Ok, Z::Error> {
        serializer.serialize_str(&self.neutralised())
    }
}

/// One question of a record: a row of `/meetings/{slug}.csv`.
#[derive(Serialize)]
struct QuestionRow<'a> {
    slug: Cell<&'a str>,
    topic: Cell<&'a str>,
    held_on: NaiveDate,
    question_number: u32,
    question: Cell<String>,
    evidence: Cell<String>,
    decision: Option<&'static str>,
    decision_rationale: Option<Cell<&'a str>>,
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
        slug: Cell(record.slug.as_str()),
        topic: Cell(&record.topic),
        held_on: record.held_on,
        question_number: q.number,
        question: Cell(q.text.to_text()),
        evidence: Cell(q.evidence.to_text()),
        decision: q.decision.as_ref().map(|d| d.value.code()),
        decision_rationale: q.decision.as_ref().map(|d| Cell(d.rationale.as_str())),
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
    slug: Cell<String>,
    address: Cell<String>,
    topic: Cell<String>,
    topic_slug: Cell<String>,
    held_on: NaiveDate,
    kind: Cell<String>,
    place: Cell<String>,
    questions: usize,
    assured: usize,
    partly_assured: usize,
    not_assured: usize,
    no_decision: usize,
    actions: i64,
    revision: i32,
    published_at: String,
    first_published_at: String,
    correction_reason: Option<Cell<String>>,
}

async fn meetings_csv(State(state): State<AppState>) -> Result<Response, AppError> {
    let rows = records::all_records(state.pool.acquire().await?);
    // Read here, in the request: the rows are written after it returns.
    let base = super::site::current().public_url.clone();
    Ok(csv_stream("meetings.csv", rows, move |r| {
        let tally = Tally::of(&r.decisions);
        RecordRow {
            address: Cell(format!("{base}/meetings/{}", r.slug)),
            slug: Cell(r.slug),
            topic: Cell(r.topic),
            topic_slug: Cell(r.topic_slug),
            held_on: r.held_on,
            kind: Cell(r.kind),
            place: Cell(r.place),
            questions: tally.questions(),
            assured: tally.assured,
            partly_assured: tally.partly,
            not_assured: tally.not,
            no_decision: tally.none,
            actions: r.actions,
            revision: r.revision,
            published_at: timestamp(r.published_at),
            first_published_at: timestamp(r.first_published_at),
            correction_reason: r.correction_reason.map(Cell),
        }
    }))
}

/// An action of a published record: a row of `/actions.csv`.
#[derive(Serialize)]
struct ActionRow {
    slug: Cell<String>,
    address: Cell<String>,
    topic: Cell<String>,
    held_on: NaiveDate,
    number: i32,
    text: Cell<String>,
    owner: Cell<String>,
    due_on: Option<NaiveDate>,
    status: &'static str,
    overdue: bool,
    progress: Cell<String>,
}

async fn actions_csv(State(state): State<AppState>) -> Result<Response, AppError> {
    let today = crate::domain::london::today();
    let rows = actions::all_actions(state.pool.acquire().await?, today);
    let base = super::site::current().public_url.clone();
    Ok(csv_stream("actions.csv", rows, move |a| ActionRow {
        address: Cell(format!("{base}/meetings/{}#action-{}", a.slug, a.number)),
        progress: Cell(
            a.progress
                .iter()
                .map(|p| format!("{}: {}", p.noted_on, p.note))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        slug: Cell(a.slug),
        topic: Cell(a.topic),
        held_on: a.held_on,
        number: a.number,
        text: Cell(a.text),
        owner: Cell(a.owner),
        due_on: a.due_on,
        status: a.status.code(),
        overdue: a.overdue,
    }))
}

#[derive(Template, WebTemplate)]
#[template(path = "data.html")]
struct DataPage {
    site: std::sync::Arc<crate::domain::site::Site>,
}

async fn data() -> DataPage {
    DataPage {
        site: super::site::current(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    #[derive(Serialize)]
    struct Line {
        n: usize,
        text: String,
    }

    fn rows(items: Vec<crate::db::Result<usize>>) -> RowStream<usize> {
        let (tx, rx) = tokio::sync::mpsc::channel(items.len().max(1));
        for item in items {
            tx.try_send(item).expect("room for every row");
        }
        rx
    }

    fn line(n: usize) -> Line {
        Line {
            n,
            text: format!("row, \"{n}\""),
        }
    }

    #[test]
    fn cells_a_spreadsheet_would_run_start_with_an_apostrophe() {
        let out = |s: &str| Cell(s).neutralised().into_owned();
        for risky in [
            "=HYPERLINK(\"x\")",
            "+1+cmd",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
            "- a bullet",
            "-",
            "+44 20 7946 0000",
        ] {
            assert_eq!(out(risky), format!("'{risky}"), "{risky:?}");
        }
        for safe in [
            "Stalking",
            "",
            "1+1",
            "a=b",
            " =1",
            "'=1",
            "-5",
            "+3.25",
            "-0.5",
            "2024-12-03",
        ] {
            assert_eq!(out(safe), safe, "{safe:?}");
        }
        for not_a_number in ["-5e3", "-.5", "-5.", "--5", "-5 officers"] {
            assert_eq!(out(not_a_number), format!("'{not_a_number}"), "{not_a_number:?}");
        }
    }

    #[tokio::test]
    async fn a_long_download_is_written_in_pieces_with_one_header_row() {
        let count = ROWS_PER_PIECE * 2 + 1;
        let response = csv_stream("lines.csv", rows((0..count).map(Ok).collect()), line);
        assert!(response.headers().get(header::CONTENT_LENGTH).is_none());
        let mut body = response.into_body();
        let (mut pieces, mut text) = (0, String::new());
        while let Some(frame) = body.frame().await {
            let data = frame.expect("no failure").into_data().expect("data");
            pieces += 1;
            text.push_str(std::str::from_utf8(&data).expect("UTF-8"));
        }
        assert_eq!(pieces, 3);
        let text = text
            .strip_prefix('\u{feff}')
            .expect("the first piece starts with the BOM");
        assert!(!text.contains('\u{feff}'), "only once");
        let lines: Vec<&str> = text.split_terminator("\r\n").collect();
        assert_eq!(lines.len(), count + 1);
        assert_eq!(lines[0], "n,text");
        assert_eq!(lines[1], "0,\"row, \"\"0\"\"\"");
        assert_eq!(
            lines[count],
            format!("{},\"row, \"\"{}\"\"\"", count - 1, count - 1)
        );
        assert_eq!(lines.iter().filter(|l| **l == "n,text").count(), 1);
    }

    #[tokio::test]
    async fn a_failure_part_way_breaks_the_download_rather_than_cutting_it_short() {
        let items = vec![Ok(1), Ok(2), Err(sqlx::Error::RowNotFound)];
        let response = csv_stream("lines.csv", rows(items), line);
        let collected = response.into_body().collect().await;
        assert!(collected.is_err(), "the body ends in an error");
    }
}
