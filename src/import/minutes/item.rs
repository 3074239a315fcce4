//! An agenda item's discussion: evidence as an outline, "Action:" lines
//! and lists under an "Actions" heading as actions with their owners and
//! dates, and a "Decision:" line (with any reason) as the PCC's decision.

use crate::domain::Decision;
use crate::domain::fields::{MAX_ACTION_CHARS, MAX_NAME_CHARS, MAX_RATIONALE_CHARS};
use crate::domain::outline::{Item, Outline};
use crate::import::notes::{ImportedAction, ImportedQuestion, ImportedRecord};

/// Reads agenda item `number` (its `title` and `body` lines) into `record`.
pub(in crate::import) fn item(number: u32, title: &str, body: &[&str], record: &mut ImportedRecord) {
    let mut evidence: Vec<String> = Vec::new();
    let mut decision = None;
    let mut rationale = String::new();
    let mut in_action = false;
    // Under an "Actions" heading: each line an action.
    let mut action_list = false;
    for line in body {
        let text = line.trim();
        if text.is_empty() {
            in_action = false;
            evidence.push(String::new());
            continue;
        }
        if is_actions_heading(text) {
            action_list = true;
            in_action = false;
            record.layout.push(text.to_owned());
            continue;
        }
        if action_list {
            let (marker, rest) = list_marker(text);
            match record.actions.last_mut() {
                // An action run onto the next line.
                Some(last) if marker.is_empty() && in_action && rest.starts_with(char::is_lowercase) => {
                    last.text.push(' ');
                    last.text.push_str(rest);
                    if last.due_on.is_none() {
                        last.due_on = crate::import::unrecognised::first_date(&[last.text.as_str()]);
                    }
                }
                _ => {
                    action(rest, record);
                    if !marker.is_empty() {
                        record.layout.push(marker.to_owned());
                    }
                    in_action = true;
                }
            }
            continue;
        }
        if let Some((label, rest)) = labelled(text) {
            in_action = false;
            match label {
                Label::Decision => match decided(rest) {
                    Some((found, reason)) if decision.is_none() => {
                        decision = Some(found);
                        rationale = capitalised(reason);
                        record.layout.push(label_of(text, rest));
                    }
                    _ => evidence.push(text.to_owned()),
                },
                Label::Action => {
                    action(rest, record);
                    record.layout.push(label_of(text, rest));
                    in_action = true;
                }
                Label::Agreed => {
                    if crate::import::unrecognised::first_date(&[rest]).is_some() {
                        action(rest, record);
                        record.layout.push(label_of(text, rest));
                        in_action = true;
                    } else {
                        evidence.push(text.to_owned());
                    }
                }
            }
            continue;
        }
        match record.actions.last_mut() {
            // An action run onto the next line.
            Some(last) if in_action && text.starts_with(char::is_lowercase) => {
                last.text.push(' ');
                last.text.push_str(text);
                if last.due_on.is_none() {
                    last.due_on = crate::import::unrecognised::first_date(&[last.text.as_str()]);
                }
            }
            _ => {
                in_action = false;
                evidence.push(line.to_string());
            }
        }
    }
    let evidence = outline(&evidence).unwrap_or_else(|| {
        let kept = evidence.join("\n").trim().to_owned();
        if !kept.is_empty() {
            record.unplaced.push(kept);
        }
        Outline::default()
    });
    record.questions.push(ImportedQuestion {
        number,
        text: Outline {
            items: vec![Item::plain(title)],
        },
        evidence,
        decision,
        rationale,
    });
}

/// A decision's label and its reason, if it gives one: "Not assured – the
/// backlog is growing." → (Not assured, "The backlog is growing.").
pub(super) fn decided(text: &str) -> Option<(Decision, &str)> {
    let text = text.trim();
    if let Some(found) = Decision::from_label(text.trim_end_matches('.')) {
        return Some((found, ""));
    }
    [" – ", " — ", " - ", ": ", "; ", ". ", ", "]
        .iter()
        .find_map(|cut| {
            let (head, reason) = text.split_once(cut)?;
            Decision::from_label(head).map(|found| (found, reason.trim()))
        })
        .filter(|(_, reason)| reason.chars().count() <= MAX_RATIONALE_CHARS)
}

/// `text` with its first letter in capitals.
pub(super) fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A line that heads a list of actions: "Actions", "Actions agreed:",
/// "Summary of actions".
fn is_actions_heading(text: &str) -> bool {
    let lower = text.trim_end_matches([':', '.']).trim().to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "actions"
            | "action"
            | "actions agreed"
            | "agreed actions"
            | "summary of actions"
            | "action log"
            | "actions arising"
    )
}

/// A line's list marker ("1.", "2)", "•", "-") and the text after it.
pub(super) fn list_marker(text: &str) -> (&str, &str) {
    let digits = text.len() - text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let after = if digits > 0 && digits <= 3 {
        text[digits..].strip_prefix(['.', ')'])
    } else {
        text.strip_prefix(['•', '-', '–', '*', '·'])
    };
    match after {
        Some(rest) if rest.starts_with(char::is_whitespace) => {
            let marker = &text[..text.len() - rest.len()];
            (marker, rest.trim())
        }
        _ => ("", text),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Action,
    Agreed,
    Decision,
}

/// "Action: …", "Agreed – …", "Decision: …" and the rest of the line.
fn labelled(text: &str) -> Option<(Label, &str)> {
    const LABELS: [(&str, Label); 7] = [
        ("actions", Label::Action),
        ("action", Label::Action),
        ("agreed", Label::Agreed),
        ("resolved", Label::Agreed),
        ("pcc decision", Label::Decision),
        ("decision of pcc", Label::Decision),
        ("decision", Label::Decision),
    ];
    let lower = text.to_ascii_lowercase();
    LABELS.iter().find_map(|(word, label)| {
        let rest = lower.strip_prefix(word)?;
        let rest = rest.trim_start().strip_prefix([':', '–', '-'])?;
        Some((*label, text[text.len() - rest.len()..].trim()))
    })
}

/// The label part of a labelled line: "Action:".
fn label_of(text: &str, rest: &str) -> String {
    text[..text.len() - rest.len()].trim().to_owned()
}

/// Adds an action read from `text`: its owner ("Owner: X", "Lead: X", or
/// "X to …" at its start) and due date (the first date in it).
fn action(text: &str, record: &mut ImportedRecord) {
    if text.chars().count() > MAX_ACTION_CHARS {
        record.unplaced.push(text.to_owned());
        return;
    }
    let owner = named_owner(text)
        .or_else(|| owner_at_start(text))
        .filter(|owner| owner.chars().count() <= MAX_NAME_CHARS)
        .unwrap_or_default();
    record.actions.push(ImportedAction {
        number: record.actions.len() as u32 + 1,
        text: text.to_owned(),
        owner,
        due_on: crate::import::unrecognised::first_date(&[text]),
    });
}

pub(in crate::import) fn named_owner(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    ["owner:", "lead:", "owner -", "owner –"]
        .iter()
        .find_map(|label| {
            let at = lower.find(label)? + label.len();
            let owner = text[at..]
                .split([',', ';', ')', '('])
                .next()
                .unwrap_or_default()
                .trim()
                .trim_end_matches('.');
            (!owner.is_empty()).then(|| owner.to_owned())
        })
}

/// "Chief Constable to report…" → "Chief Constable".
pub(in crate::import) fn owner_at_start(text: &str) -> Option<String> {
    let (owner, _) = text.split_once(" to ")?;
    let owner = owner.trim();
    let owner = owner
        .strip_prefix("the ")
        .or_else(|| owner.strip_prefix("The "))
        .unwrap_or(owner);
    let short = owner.split_whitespace().count() <= 6;
    (short && owner.starts_with(char::is_uppercase) && !owner.contains(['.', ':'])).then(|| owner.to_owned())
}

/// An indented "o " or "§ " (Word's second and third bullets, typed or
/// saved as text with a space rather than a tab) as a bullet.
fn word_sub_point(line: &str) -> String {
    let text = line.trim_start();
    let indent = &line[..line.len() - text.len()];
    match text.strip_prefix("o ").or_else(|| text.strip_prefix("§ ")) {
        Some(rest) if !indent.is_empty() => format!("{indent}◦ {}", rest.trim_start()),
        _ => line.to_owned(),
    }
}

/// An item's discussion as an outline: lines run onto the next joined, a
/// paragraph or bullet a line.
fn outline(lines: &[String]) -> Option<Outline> {
    let mut joined: Vec<String> = Vec::new();
    let mut open = false;
    for line in lines {
        let text = word_sub_point(line.trim_end());
        let text = text.as_str();
        if text.trim().is_empty() {
            open = false;
            continue;
        }
        let starts_item = Outline::parse(text.trim()).is_ok_and(|o| {
            o.items
                .first()
                .is_some_and(|i| i.marker != crate::domain::outline::Marker::Plain)
        });
        match joined.last_mut() {
            Some(last) if open && !starts_item && !last.trim_end().ends_with(['.', ':', ';', '?', '!']) => {
                last.push(' ');
                last.push_str(text.trim());
            }
            _ => joined.push(text.to_owned()),
        }
        open = true;
    }
    Outline::parse(&joined.join("\n")).ok()
}
