//! Text in no shape the importer knows. It is not refused: it becomes a
//! draft with no questions whose text is all kept as unplaced text, a
//! paragraph at a time and in order, for a person to place. The draft's
//! topic and date are read where the text gives them.

use chrono::{Datelike, NaiveDate};

use super::Shape;
use super::notes::{self, ImportError, ImportedRecord};
use crate::domain::fields::MAX_TOPIC_CHARS;

/// The topic of a draft whose text names none.
pub const NO_TOPIC: &str = "Imported notes";

/// Longest first line taken as the topic.
const TOPIC_CHARS: usize = 80;

/// Lines looked at for the meeting's date.
const DATE_LINES: usize = 40;

/// `text` (not empty) as a draft of unplaced text, not read as notes for
/// the reason `why`.
pub fn read(text: &str, why: &ImportError) -> ImportedRecord {
    let text = text.trim_start_matches('\u{feff}');
    let lines: Vec<&str> = text.lines().collect();
    let title = lines
        .iter()
        .find(|line| notes::is_title(line))
        .and_then(|line| notes::read_title(line.trim()).ok());
    let (topic, kind, held_on) = match title {
        Some((topic, kind, held_on)) => (topic, kind, Some(held_on)),
        None => (
            topic_of(&lines),
            "Scrutiny meeting".to_owned(),
            first_date(&lines),
        ),
    };
    ImportedRecord {
        topic,
        held_on: held_on.unwrap_or_else(crate::domain::london::today),
        kind,
        questions: Vec::new(),
        actions: Vec::new(),
        unplaced: paragraphs(text),
        source_sha256: super::sha256_hex(text),
        shape: Shape::Unrecognised {
            why: why.to_string(),
            dated_by_import: held_on.is_none(),
        },
        details: Default::default(),
        layout: Vec::new(),
    }
}

/// The first line with a letter, if it is short enough to be a heading.
fn topic_of(lines: &[&str]) -> String {
    let first = lines
        .iter()
        .map(|line| notes::collapse(line))
        .find(|line| line.chars().any(char::is_alphabetic))
        .unwrap_or_default();
    if first.chars().count() <= TOPIC_CHARS.min(MAX_TOPIC_CHARS) {
        first
    } else {
        NO_TOPIC.to_owned()
    }
}

/// The first date written in the first lines ("3 December 2024", "Tuesday
/// 3rd December 2024", "03/12/2024", "2024-12-03"), if it is a date a
/// meeting could have been held on: from 1900 to a year from today.
pub(crate) fn first_date(lines: &[&str]) -> Option<NaiveDate> {
    let latest = crate::domain::london::today() + chrono::Days::new(366);
    lines.iter().take(DATE_LINES).find_map(|line| {
        let words: Vec<&str> = line
            .split(|c: char| c.is_whitespace() || c == ',')
            .map(|word| word.trim_matches(|c: char| matches!(c, '.' | ';' | ':' | '(' | ')' | '"')))
            .filter(|word| !word.is_empty())
            .collect();
        (0..words.len()).find_map(|start| {
            [4, 3, 1].iter().find_map(|length| {
                let window = words.get(start..start + length)?;
                let date = notes::read_date(&window.join(" "))?;
                (date.year() >= 1900 && date <= latest).then_some(date)
            })
        })
    })
}

/// The text's paragraphs (runs of lines between blank lines), each with
/// its lines as they are, in order.
fn paragraphs(text: &str) -> Vec<String> {
    let mut paragraphs = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines().chain([""]) {
        if line.trim().is_empty() {
            if !current.is_empty() {
                paragraphs.push(current.join("\n"));
                current.clear();
            }
        } else {
            current.push(line.trim_end());
        }
    }
    paragraphs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::read_notes;

    const MINUTES: &str = "Minutes of the Scrutiny Board\n\nHeld on Tuesday 3rd December 2024 at 10am\n\
                           Present: PCC; Chief Constable\n\n1. Apologies\n   None were received.\n\n\n";

    #[test]
    fn text_in_no_known_shape_is_kept_whole_as_unplaced_paragraphs_with_its_topic_and_date() {
        let record = read_notes(MINUTES).expect("read");
        assert_eq!(record.topic, "Minutes of the Scrutiny Board");
        assert_eq!(
            record.held_on,
            NaiveDate::from_ymd_opt(2024, 12, 3).expect("date")
        );
        assert!(record.questions.is_empty() && record.actions.is_empty());
        assert_eq!(
            record.unplaced,
            [
                "Minutes of the Scrutiny Board",
                "Held on Tuesday 3rd December 2024 at 10am\nPresent: PCC; Chief Constable",
                "1. Apologies\n   None were received.",
            ]
        );
        let Shape::Unrecognised { why, dated_by_import } = &record.shape else {
            panic!("{:?}", record.shape);
        };
        assert!(why.contains("no title line"), "{why}");
        assert!(!dated_by_import);
        assert_eq!(record.source_sha256, crate::import::sha256_hex(MINUTES));
    }

    #[test]
    fn a_title_line_gives_the_topic_and_date_of_notes_without_their_table() {
        let record = read_notes("NOTES - SCRUTINY MEETING (STALKING) - 3 DECEMBER 2024\n\nJust prose.\n")
            .expect("read");
        assert_eq!(
            (record.topic.as_str(), record.kind.as_str()),
            ("Stalking", "Scrutiny meeting")
        );
        assert_eq!(
            record.held_on,
            NaiveDate::from_ymd_opt(2024, 12, 3).expect("date")
        );
        assert_eq!(
            record.unplaced,
            [
                "NOTES - SCRUTINY MEETING (STALKING) - 3 DECEMBER 2024",
                "Just prose."
            ]
        );
        assert!(
            matches!(&record.shape, Shape::Unrecognised { why, .. } if why.contains("not in the format"))
        );
    }

    #[test]
    fn text_with_no_date_is_dated_today_and_says_so_and_a_long_first_line_is_no_topic() {
        let long = "word ".repeat(30);
        let record = read_notes(&format!(
            "{long}\nOn 2/2/2 nothing; in 1850 or 31 February 2024 nothing.\n"
        ))
        .expect("read");
        assert_eq!(record.topic, NO_TOPIC);
        assert_eq!(record.held_on, crate::domain::london::today());
        assert!(matches!(
            record.shape,
            Shape::Unrecognised {
                dated_by_import: true,
                ..
            }
        ));
        assert_eq!(record.unplaced.len(), 1);
        assert_eq!(
            first_date(&["Held (03/12/2024)."]),
            NaiveDate::from_ymd_opt(2024, 12, 3)
        );
        assert_eq!(
            first_date(&["", "Date: 2024-12-03"]),
            NaiveDate::from_ymd_opt(2024, 12, 3)
        );
        assert_eq!(first_date(&["Meeting on 5 March 3024"]), None, "not a date yet");
    }

    #[test]
    fn only_an_empty_text_is_refused() {
        assert_eq!(read_notes(" \n\t\n").unwrap_err(), ImportError::Empty);
    }
}
