//! Minutes: the other shape offices publish their meetings' notes in.
//!
//! ```text
//! Scrutiny Board
//! Minutes of the meeting held on Tuesday 5 March 2024 at 10.00am
//! Conference Room 2, Police Headquarters
//!
//! Present
//! Steve Turner – Police and Crime Commissioner
//! Chief Constable: Mark Webster
//! Apologies: Deputy Chief Constable
//!
//! 1. Neighbourhood policing
//! The Chief Constable outlined the new model.
//! • Twelve new teams are in place.
//! Action: Chief Constable to report on response times by 30 June 2024.
//!
//! Item 2 – Stalking
//! …
//! ```
//!
//! The heading gives the meeting's name (the record's topic), date, time
//! and place; "Present", "In attendance" and "Apologies" list people as
//! "Name – Role", "Name, Role" or "Role: Name"; each numbered agenda item
//! (`1.`, `2`, `Item 3`, `Ref 04`, numbered in turn) becomes a question,
//! its title the question and its discussion the evidence, with "Action:"
//! lines (and "Agreed:" or "Resolved:" lines that name a date) as actions
//! with their owner and due date, and a "Decision:" line naming Assured,
//! Partly assured or Not assured as the PCC's decision. Lines of the
//! heading it does not read are kept, unplaced.
//!
//! `heading.rs` reads the heading (name, date, time, place, people);
//! `item.rs` an item's discussion (evidence, actions, the decision).

mod heading;
mod item;
#[cfg(test)]
mod tests;

use super::Shape;
use super::notes::{ImportedDetails, ImportedRecord, collapse};
use chrono::NaiveDate;

pub(super) use item::{item, named_owner, owner_at_start};

/// Fewest agenda items that make a text minutes.
const FEWEST_ITEMS: usize = 2;

/// Longest agenda item title.
const TITLE_CHARS: usize = 150;

/// `text` read as minutes, if it has numbered agenda items.
pub fn read(text: &str) -> Option<ImportedRecord> {
    let text = text.trim_start_matches('\u{feff}');
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let items = agenda(&lines);
    if items.len() < FEWEST_ITEMS {
        return None;
    }
    let mut record = headed(text, &lines[..items[0].0], Shape::Minutes);
    for (at, (start, number, title)) in items.iter().enumerate() {
        let end = items.get(at + 1).map_or(lines.len(), |next| next.0);
        item(*number, title, &lines[start + 1..end], &mut record);
        record.layout.push(lines[*start].to_owned());
    }
    Some(record)
}

/// A record of `shape` read from `text`, with what its heading's `lines`
/// (those before the first item) say: its name, date, time, place and
/// people.
pub(super) fn headed(text: &str, lines: &[&str], shape: Shape) -> ImportedRecord {
    let mut record = ImportedRecord {
        topic: String::new(),
        held_on: NaiveDate::MIN,
        kind: "Scrutiny meeting".to_owned(),
        questions: Vec::new(),
        actions: Vec::new(),
        unplaced: Vec::new(),
        source_sha256: super::sha256_hex(text),
        shape,
        details: ImportedDetails::default(),
        layout: Vec::new(),
    };
    let held_on = heading::heading(lines, &mut record);
    record.held_on = held_on.unwrap_or_else(crate::domain::london::today);
    if record.topic.is_empty() {
        record.topic = super::unrecognised::NO_TOPIC.to_owned();
    }
    record
}

/// The agenda items: each heading's line, number and title, numbered in
/// turn (so that a numbered list within an item is not taken for items).
fn agenda(lines: &[&str]) -> Vec<(usize, u32, String)> {
    let mut items: Vec<(usize, u32, String)> = Vec::new();
    for (at, line) in lines.iter().enumerate() {
        let after_blank = at == 0 || lines[at - 1].trim().is_empty();
        let Some((number, title)) = agenda_heading(line) else {
            continue;
        };
        let next = items.last().map(|(_, last, _)| last + 1);
        let in_turn = next.map_or(number <= 3, |next| number == next);
        if after_blank && in_turn {
            items.push((at, number, title));
        }
    }
    items
}

/// "1. Title", "1 Title", "Item 3 – Title", "Item 3: Title", "Ref 04 Title".
fn agenda_heading(line: &str) -> Option<(u32, String)> {
    let line = line.trim();
    let lower = line.to_ascii_lowercase();
    let rest = ["item ", "ref. ", "ref "]
        .iter()
        .find_map(|word| lower.starts_with(word).then(|| &line[word.len()..]))
        .unwrap_or(line)
        .trim_start();
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 || digits > 3 {
        return None;
    }
    let number: u32 = rest[..digits].parse().ok().filter(|n| *n > 0)?;
    let after = &rest[digits..];
    let title = after
        .trim_start_matches(['.', ')', ':'])
        .trim_start()
        .trim_start_matches(['–', '—', '-', ':'])
        .trim();
    let parted = after.starts_with(['.', ')', ':', ' ', '\t']);
    let heading = parted
        && !title.is_empty()
        && title.chars().count() <= TITLE_CHARS
        && title.starts_with(|c: char| c.is_alphabetic())
        && !title.ends_with(['.', ',', ';']);
    heading.then(|| (number, collapse(title)))
}
