//! Governance-board notes: a table with a row for each item, headed with
//! a reference, the item, its discussion and the action with its owner.
//!
//! ```text
//! NOTES OF THE GOVERNANCE BOARD – 5 MARCH 2024
//! Ref | Item | Discussion | Action / Owner
//! 01 | Finance | <p>The budget is on track.</p><ul><li>Overtime is up.</li></ul> | Report on overtime by 30 June 2024 – Chief Finance Officer
//! 02 | Estates | The new custody suite opens in May.
//! ```
//!
//! The table comes as the notes reader's text does: a row a line, cells
//! parted by tabs (shown here as `|`), each cell text or HTML (a Word
//! document's table is written so). Each row with a reference or an item
//! becomes a question
//! (the item), its discussion the evidence, its action an action with the
//! owner and due date its own columns or its text give; a row with
//! neither continues the row before. The heading above the table is read
//! as minutes' is; lines after it are kept, unplaced.

use super::Shape;
use super::minutes::{headed, named_owner, owner_at_start};
use super::notes::{ImportedAction, ImportedQuestion, ImportedRecord, fragment_outline, fragment_text};
use crate::domain::fields::{MAX_ACTION_CHARS, MAX_NAME_CHARS};
use crate::domain::outline::{Item, Outline};

/// Where each column is, as the header row names them.
#[derive(Debug, Default)]
struct Columns {
    reference: Option<usize>,
    item: Option<usize>,
    discussion: usize,
    action: usize,
    owner: Option<usize>,
    due: Option<usize>,
}

/// `text` read as a governance board's table, if it has one.
pub fn read(text: &str) -> Option<ImportedRecord> {
    let text = text.trim_start_matches('\u{feff}');
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let (header, columns) = lines
        .iter()
        .enumerate()
        .find_map(|(at, line)| header(line).map(|columns| (at, columns)))?;
    let mut record = headed(text, &lines[..header], Shape::Board);
    record.layout.push(lines[header].to_owned());
    let mut rows: Vec<Vec<String>> = Vec::new();
    for line in &lines[header + 1..] {
        if line.trim().is_empty() {
            continue;
        }
        if !line.contains('\t') {
            record.unplaced.push(fragment_text(line));
            continue;
        }
        let cells: Vec<String> = line.split('\t').map(str::to_owned).collect();
        let cell = |at: Option<usize>| {
            at.and_then(|at| cells.get(at))
                .map(|c| fragment_text(c))
                .unwrap_or_default()
        };
        let opens = !cell(columns.reference).is_empty() || !cell(columns.item).is_empty();
        match rows.last_mut() {
            Some(row) if !opens => {
                for (at, more) in cells.into_iter().enumerate() {
                    if let Some(kept) = row.get_mut(at) {
                        kept.push('\n');
                        kept.push_str(&more);
                    }
                }
            }
            _ => rows.push(cells),
        }
    }
    if rows.is_empty() {
        return None;
    }
    for row in &rows {
        item(row, &columns, &mut record);
    }
    Some(record)
}

/// Whether `line` is a board table's header row, its cells parted by tabs.
pub(super) fn is_header(line: &str) -> bool {
    header(line).is_some()
}

/// The columns of a header row: a reference or an item, a discussion and
/// an action, in any order, perhaps with an owner and a due date.
fn header(line: &str) -> Option<Columns> {
    let cells: Vec<String> = line
        .split('\t')
        .map(|cell| fragment_text(cell).to_lowercase())
        .collect();
    if cells.len() < 3 {
        return None;
    }
    let find = |words: &[&str]| {
        cells
            .iter()
            .position(|cell| words.iter().any(|word| cell.starts_with(word)))
    };
    let columns = Columns {
        reference: find(&["ref", "no.", "number", "#"]),
        item: find(&["item", "subject", "topic", "title", "agenda"]),
        discussion: find(&["discussion", "summary", "update", "notes", "minute", "key points"])?,
        action: find(&["action", "actions", "decision"])?,
        owner: find(&["owner", "lead", "by whom", "responsible"]),
        due: find(&["due", "deadline", "by when", "date"]),
    };
    (columns.reference.is_some() || columns.item.is_some()).then_some(columns)
}

/// Reads one row (its cells, continuations joined) into `record`.
fn item(row: &[String], columns: &Columns, record: &mut ImportedRecord) {
    let cell = |at: Option<usize>| {
        at.and_then(|at| row.get(at))
            .map(String::as_str)
            .unwrap_or_default()
    };
    let text = |at: Option<usize>| {
        cell(at)
            .lines()
            .map(fragment_text)
            .filter(|line| !line.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let number = record.questions.len() as u32 + 1;
    let reference = text(columns.reference);
    let title = match text(columns.item) {
        title if !title.is_empty() => title,
        _ => format!("Item {reference}"),
    };
    // The reference is the row's number, as the notes gave it.
    if !reference.is_empty() {
        record.layout.push(reference);
    }
    // A row that continues the row above starts a paragraph of its own,
    // as a new paragraph in the cell would.
    let discussion: String = cell(Some(columns.discussion))
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            if line.trim_start().starts_with('<') {
                line.to_owned()
            } else {
                format!("<p>{line}</p>")
            }
        })
        .collect();
    record.questions.push(ImportedQuestion {
        number,
        text: Outline {
            items: vec![Item::plain(title)],
        },
        evidence: fragment_outline(&discussion),
        decision: None,
        rationale: String::new(),
    });
    let action = text(Some(columns.action));
    if action.is_empty() || action.eq_ignore_ascii_case("none") || action == "-" {
        if !action.is_empty() {
            record.layout.push(action);
        }
        return;
    }
    if action.chars().count() > MAX_ACTION_CHARS {
        record.unplaced.push(action);
        return;
    }
    let owner = match text(columns.owner) {
        owner if !owner.is_empty() => owner,
        _ => named_owner(&action)
            .or_else(|| owner_after_dash(&action))
            .or_else(|| owner_at_start(&action))
            .unwrap_or_default(),
    };
    let due = text(columns.due);
    let due_on = super::unrecognised::first_date(&[due.as_str()])
        .or_else(|| super::unrecognised::first_date(&[action.as_str()]));
    let owner = if owner.chars().count() <= MAX_NAME_CHARS {
        owner
    } else {
        String::new()
    };
    // An owner or date of their own columns is placed there, not lost.
    if columns.owner.is_some() && !owner.is_empty() && !action.contains(&owner) {
        record.layout.push(owner.clone());
    }
    if !due.is_empty() {
        record.layout.push(due);
    }
    record.actions.push(ImportedAction {
        number: record.actions.len() as u32 + 1,
        text: action,
        owner,
        due_on,
    });
}

/// "Report on overtime by 30 June – Chief Finance Officer" → the owner.
fn owner_after_dash(text: &str) -> Option<String> {
    let (_, owner) = ["–", "—", " - "].iter().find_map(|dash| text.rsplit_once(dash))?;
    let owner = owner.trim().trim_end_matches('.');
    let short = !owner.is_empty() && owner.split_whitespace().count() <= 6;
    (short && owner.starts_with(char::is_uppercase)).then(|| owner.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    const BOARD: &str = "\
NOTES OF THE GOVERNANCE BOARD
Tuesday 5 March 2024, Conference Room 2, Police Headquarters

Ref\tItem\tDiscussion\tAction / Owner
01\tFinance\t<p>The budget is on track.</p><ul><li>Overtime is up.</li></ul>\tReport on overtime by 30 June 2024 – Chief Finance Officer
\t\t<p>Reserves are as planned.</p>\t
02\tEstates\tThe new custody suite opens in May.\tNone

Date of next meeting: 4 June 2024
";

    #[test]
    fn each_row_is_a_question_with_its_discussion_and_action() {
        let record = read(BOARD).expect("a board's table");
        assert_eq!(record.shape, Shape::Board);
        assert_eq!(record.topic, "Governance Board");
        assert_eq!(record.held_on, NaiveDate::from_ymd_opt(2024, 3, 5).expect("date"));
        assert_eq!(record.questions.len(), 2);
        let finance = &record.questions[0];
        assert_eq!(finance.text.items[0].paragraphs, ["Finance"]);
        let evidence: Vec<&str> = finance
            .evidence
            .items
            .iter()
            .map(|i| i.paragraphs[0].as_str())
            .collect();
        assert_eq!(
            evidence,
            [
                "The budget is on track.",
                "Overtime is up.",
                "Reserves are as planned."
            ],
            "the row below with no reference continues it"
        );
        assert_eq!(record.actions.len(), 1, "None is no action");
        assert_eq!(record.actions[0].owner, "Chief Finance Officer");
        assert_eq!(record.actions[0].due_on, NaiveDate::from_ymd_opt(2024, 6, 30));
        assert_eq!(record.unplaced, ["Date of next meeting: 4 June 2024"]);
        let count = crate::import::words::count(BOARD, &record);
        assert!(count.all_kept(), "{:?}", count.missing);
    }

    #[test]
    fn owner_and_due_date_columns_are_read_when_the_table_has_them() {
        let text = "Board\n5 March 2024\n\nItem\tSummary\tAction\tOwner\tDue\n\
                    Finance\tOn track.\tReport on overtime\tCFO\t30/06/2024\n";
        let record = read(text).expect("a board's table");
        assert_eq!(record.actions[0].owner, "CFO");
        assert_eq!(record.actions[0].due_on, NaiveDate::from_ymd_opt(2024, 6, 30));
        let count = crate::import::words::count(text, &record);
        assert!(count.all_kept(), "{:?}", count.missing);
    }

    #[test]
    fn a_table_without_a_discussion_or_an_action_column_is_not_a_board() {
        assert!(read("Ref\tItem\tNotes\n01\tA\tB\n").is_none());
        assert!(read("Name\tRole\tAction\n").is_none());
        assert!(read("Question\tBrief Summary of Evidence\tDecision of PCC\n").is_none());
    }
}
