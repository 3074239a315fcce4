//! Question-and-response notes: each question the PCC put, labelled, then
//! the Force's response, labelled.
//!
//! ```text
//! Scrutiny meeting – Stalking
//! Tuesday 3 December 2024, Conference Room 2, Police Headquarters
//!
//! Question from the PCC: How many officers have been trained?
//! Force response: 412 officers have completed the training.
//! • The rest will be trained by March.
//! PCC decision: Assured
//! Action: Head of Training to report on the rest by 31 March 2025.
//! ```
//!
//! A question is a line labelled "Question from the PCC:", "PCC
//! question:", "Question 2:", "Question:" or "Q3:", with any lines that run
//! on from it; its response starts at a line labelled "Response:", "Force
//! response:", "Response from the Force:", "Answer:" or "A:". The response
//! is read as an agenda item's discussion is (see `minutes`): evidence,
//! actions with owners and dates, and the PCC's decision. The heading is
//! read as minutes' is.

use super::Shape;
use super::minutes::{headed, item};
use super::notes::ImportedRecord;

/// `text` read as questions and responses, if it has a labelled question
/// and a labelled response.
pub fn read(text: &str) -> Option<ImportedRecord> {
    let text = text.trim_start_matches('\u{feff}');
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let starts: Vec<(usize, &str)> = lines
        .iter()
        .enumerate()
        .filter_map(|(at, line)| question(line).map(|rest| (at, rest)))
        .collect();
    if starts.is_empty() || !lines.iter().any(|line| response(line).is_some()) {
        return None;
    }
    let mut record = headed(text, &lines[..starts[0].0], Shape::Questions);
    for (n, (start, first)) in starts.iter().enumerate() {
        let end = starts.get(n + 1).map_or(lines.len(), |next| next.0);
        let block = &lines[start + 1..end];
        let answered = block.iter().position(|line| response(line).is_some());
        let (asked, mut body) = match answered {
            Some(at) => (&block[..at], block[at + 1..].to_vec()),
            None => (&[][..], block.to_vec()),
        };
        let mut text = first.to_string();
        for line in asked
            .iter()
            .map(|line| line.trim())
            .filter(|line| !line.is_empty())
        {
            text.push(' ');
            text.push_str(line);
        }
        record.layout.push(label(lines[*start], first));
        if let Some(at) = answered {
            let rest = response(block[at]).unwrap_or_default();
            record.layout.push(label(block[at], rest));
            body.insert(0, rest);
        }
        item(n as u32 + 1, &text, &body, &mut record);
    }
    Some(record)
}

/// The text of a line labelled as a question.
fn question(line: &str) -> Option<&str> {
    const LABELS: [&str; 5] = [
        "question from the pcc",
        "question from pcc",
        "pcc question",
        "question",
        "q",
    ];
    let rest = labelled(line, &LABELS)?;
    (!rest.is_empty()).then_some(rest)
}

/// The text of a line labelled as a response (perhaps none).
fn response(line: &str) -> Option<&str> {
    const LABELS: [&str; 6] = [
        "response from the force",
        "force response",
        "response",
        "reply",
        "answer",
        "a",
    ];
    labelled(line, &LABELS)
}

/// The rest of `line` after one of `labels`, an optional number, and a
/// colon (or a dash).
fn labelled<'a>(line: &'a str, labels: &[&str]) -> Option<&'a str> {
    let text = line.trim();
    let lower = text.to_ascii_lowercase();
    labels.iter().find_map(|label| {
        let rest = lower.strip_prefix(label)?;
        let rest = rest
            .trim_start()
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .trim_start();
        let rest = rest.strip_prefix([':', '–', '—'])?;
        Some(text[text.len() - rest.len()..].trim())
    })
}

/// The label of a labelled line: "Question from the PCC:".
fn label(line: &str, rest: &str) -> String {
    let line = line.trim();
    line[..line.len() - rest.len()].trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Decision;
    use chrono::NaiveDate;

    const NOTES: &str = "\
Scrutiny meeting – Stalking
Tuesday 3 December 2024, Conference Room 2, Police Headquarters

Question from the PCC: How many officers have been
trained to recognise stalking?
Force response: 412 officers have completed the training.
• The rest will be trained by March.
PCC decision: Assured
Action: Head of Training to report on the rest by 31 March 2025.

Question 2: Is every case reviewed?
Response:
Every case is reviewed by a supervisor within a day.
";

    #[test]
    fn each_question_is_read_with_its_response_decision_and_actions() {
        let record = read(NOTES).expect("questions and responses");
        assert_eq!(record.shape, Shape::Questions);
        assert_eq!(record.kind, "Scrutiny meeting");
        assert_eq!(record.topic, "Stalking");
        assert_eq!(
            record.held_on,
            NaiveDate::from_ymd_opt(2024, 12, 3).expect("date")
        );
        assert_eq!(record.details.place, "Conference Room 2, Police Headquarters");
        assert_eq!(record.questions.len(), 2);
        let first = &record.questions[0];
        assert_eq!(
            first.text.items[0].paragraphs,
            ["How many officers have been trained to recognise stalking?"]
        );
        let evidence: Vec<&str> = first
            .evidence
            .items
            .iter()
            .map(|i| i.paragraphs[0].as_str())
            .collect();
        assert_eq!(
            evidence,
            [
                "412 officers have completed the training.",
                "The rest will be trained by March."
            ]
        );
        assert_eq!(first.decision, Some(Decision::Assured));
        assert_eq!(record.actions.len(), 1);
        assert_eq!(record.actions[0].owner, "Head of Training");
        assert_eq!(record.actions[0].due_on, NaiveDate::from_ymd_opt(2025, 3, 31));
        let second = &record.questions[1];
        assert_eq!(second.text.items[0].paragraphs, ["Is every case reviewed?"]);
        assert_eq!(
            second.evidence.items[0].paragraphs,
            ["Every case is reviewed by a supervisor within a day."]
        );
        assert!(record.unplaced.is_empty(), "{:?}", record.unplaced);
        let count = crate::import::words::count(NOTES, &record);
        assert!(count.all_kept(), "{:?}", count.missing);
    }

    #[test]
    fn prose_about_questions_is_not_a_question_and_questions_need_a_response() {
        assert_eq!(question("Questions were asked about training."), None);
        assert_eq!(question("Question: "), None);
        assert_eq!(question("Q3: Why?"), Some("Why?"));
        assert_eq!(response("Answers will follow."), None);
        assert_eq!(response("A: Yes."), Some("Yes."));
        assert_eq!(read("Question: Why?\nBecause.\n"), None);
    }
}
