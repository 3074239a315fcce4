//! Nothing lost, measured. The words of the text read (runs of letters and
//! digits, case-folded, as a reader sees them: without the markup of the
//! table's cells) are counted against the words the draft keeps, placed
//! (topic, questions, evidence, decisions, actions, and the layout read
//! as such: the title line, the table's header row) or unplaced. The
//! preview and the command line show the count; a word of the text the
//! draft does not keep is named there.

use std::collections::HashMap;

use super::Shape;
use super::notes::{ImportedRecord, fragment_text};

/// Most words named as not kept.
const NAMED: usize = 20;

/// How many of a text's words a draft keeps.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WordCount {
    /// The words of the text read.
    pub source: usize,
    /// How many of them the draft keeps, placed or unplaced.
    pub kept: usize,
    /// Words of the text the draft keeps fewer of (the first few, in the
    /// text's order).
    pub missing: Vec<String>,
}

impl WordCount {
    /// "1,624 of 1,624 words placed or kept".
    pub fn summary(&self) -> String {
        format!(
            "{} of {} words placed or kept",
            grouped(self.kept),
            grouped(self.source)
        )
    }

    /// Whether every word of the text is kept.
    pub fn all_kept(&self) -> bool {
        self.kept == self.source
    }
}

/// A text's words: runs of letters and digits, case-folded.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
}

/// Counts the words of `source`, the text `record` was read from, that
/// `record` keeps.
pub fn count(source: &str, record: &ImportedRecord) -> WordCount {
    let visible = match record.shape {
        Shape::PublishedNotes | Shape::Board => {
            source.lines().map(fragment_text).collect::<Vec<_>>().join("\n")
        }
        // Plain text, kept as it is, markup and all, but for Word's "o"
        // bullets, which are no word.
        Shape::Minutes | Shape::Questions | Shape::Unrecognised { .. } => source
            .lines()
            .map(|line| {
                let text = line.trim_start();
                text.strip_prefix("o ")
                    .or_else(|| text.strip_prefix("o\t"))
                    .unwrap_or(line)
            })
            .collect::<Vec<_>>()
            .join("\n"),
    };
    let mut kept: HashMap<String, usize> = HashMap::new();
    let mut keep = |text: &str| {
        for word in words(text) {
            *kept.entry(word).or_default() += 1;
        }
    };
    for line in &record.layout {
        keep(&fragment_text(line));
    }
    keep(&record.details.place);
    for person in record.details.attendees.iter().chain(&record.details.apologies) {
        keep(&person.name);
        keep(&person.role);
    }
    for question in &record.questions {
        keep(&question.number.to_string());
        keep(&question.text.to_text());
        keep(&question.evidence.to_text());
        if let Some(decision) = question.decision {
            keep(decision.label());
        }
        keep(&question.rationale);
    }
    for action in &record.actions {
        keep(&action.number.to_string());
        keep(&action.text);
    }
    for text in &record.unplaced {
        keep(text);
    }
    let mut count = WordCount::default();
    for word in words(&visible) {
        count.source += 1;
        match kept.get_mut(&word) {
            Some(left) if *left > 0 => {
                *left -= 1;
                count.kept += 1;
            }
            _ if count.missing.len() < NAMED && !count.missing.contains(&word) => count.missing.push(word),
            _ => {}
        }
    }
    count
}

/// `n` with commas between thousands.
fn grouped(n: usize) -> String {
    crate::web::filters::grouped_text(i64::try_from(n).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::read_notes;

    const STALKING: &str = include_str!("../../tests/fixtures/scrutiny-notes-stalking-2024-12-03.txt");

    #[test]
    fn every_word_of_the_published_notes_is_placed_or_kept() {
        let record = read_notes(STALKING).expect("reads");
        let count = count(STALKING, &record);
        assert!(count.all_kept(), "{:?}", count.missing);
        assert!(
            count.source > 1_500,
            "the whole record is counted: {}",
            count.source
        );
        // Markup is not counted: no "style" or "ul" of the cells.
        assert!(!words(&STALKING.lines().map(fragment_text).collect::<String>()).any(|w| w == "style"));
    }

    #[test]
    fn a_word_the_draft_does_not_keep_is_counted_and_named() {
        let mut record = read_notes(STALKING).expect("reads");
        let evidence = &mut record.questions[1].evidence.items;
        let dropped = evidence.remove(0).paragraphs.join(" ");
        let count = count(STALKING, &record);
        assert!(!count.all_kept());
        assert_eq!(
            count.source - count.kept,
            words(&dropped).count(),
            "{dropped}: {:?}",
            count.missing
        );
        assert!(!count.missing.is_empty());
        assert!(
            count
                .missing
                .iter()
                .all(|w| dropped.to_lowercase().contains(w.as_str()))
        );
    }

    #[test]
    fn text_in_no_known_shape_is_counted_with_its_markup_and_kept_whole() {
        let text = "Minutes\n\n<p>Item 1: the bins.</p>\n";
        let record = read_notes(text).expect("reads");
        let count = count(text, &record);
        assert_eq!((count.kept, count.source), (7, 7));
        assert_eq!(count.summary(), "7 of 7 words placed or kept");
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(2314), "2,314");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }
}
