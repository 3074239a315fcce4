//! An entry of the audit log in words, as an administrator reads it: one
//! line saying what changed ("Question 2 evidence: 3 lines changed",
//! "Role of x@y changed from OPCC staff to Administrator"), and the fields
//! before and after, each as text. Every kind of entry the app writes has
//! its own line; any other falls back to its action and entity, with its
//! fields listed all the same.

use serde_json::{Map, Value};

mod fields;
#[cfg(test)]
mod tests;

use fields::{fields, flat, label, lines};

/// An entry of the audit log, with what the log knows of its subject now.
#[derive(Debug, Clone, Default)]
pub struct Entry<'a> {
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<i64>,
    pub before: Option<&'a Value>,
    pub after: Option<&'a Value>,
    /// For a question: its number now, if it still exists.
    pub question_number: Option<i32>,
    /// For an account: its email address.
    pub account_email: Option<&'a str>,
}

/// One field before and after, as lines of text (none when absent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub label: String,
    pub before: Vec<String>,
    pub after: Vec<String>,
}

impl Field {
    /// Whether it differs before and after.
    pub fn is_changed(&self) -> bool {
        self.before != self.after
    }
}

/// The entry in words: the line, then every field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Described {
    pub summary: String,
    pub fields: Vec<Field>,
}

/// Describes `entry`.
pub fn describe(entry: &Entry) -> Described {
    let (before, after) = (flat(entry.before), flat(entry.after));
    let fields = fields(&before, &after);
    let summary = summary(entry, &before, &after, &fields);
    Described { summary, fields }
}

/// A value's text, on one line.
fn one_line(map: &Map<String, Value>, key: &str) -> String {
    map.get(key).map(|v| lines(key, v).join("; ")).unwrap_or_default()
}

/// "x", "x and y", "x, y and z".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// "1 line", "3 lines".
fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// A name in quotes, cut short after 60 characters.
fn quoted(text: &str) -> String {
    let short: String = text.chars().take(60).collect();
    if short.len() < text.len() {
        format!("'{}…'", short.trim_end())
    } else {
        format!("'{short}'")
    }
}

fn summary(
    entry: &Entry,
    before: &Map<String, Value>,
    after: &Map<String, Value>,
    fields: &[Field],
) -> String {
    // What the entry names: its subject as it was after the change, or
    // before it for a deletion.
    let either = |key: &str| {
        let now = one_line(after, key);
        if now.is_empty() {
            one_line(before, key)
        } else {
            now
        }
    };
    let old = |key: &str| one_line(before, key);
    let new = |key: &str| one_line(after, key);
    match (entry.entity, entry.action) {
        ("meeting", action) => meeting(action, before, after, fields),
        ("revision", "publish") => {
            let reason = new("reason");
            if reason.is_empty() {
                format!("Published revision {}", new("number"))
            } else {
                format!("Published revision {}, a correction: {reason}", new("number"))
            }
        }
        ("question", action) => question(entry, action, before, after),
        ("action", action) => {
            let name = format!("Action {}", quoted(&old_or(&old("body"), &new("body"))));
            changed(&name, action, fields, &["body"])
        }
        ("action_progress", "create") => format!("Progress noted on action {}", new("action")),
        ("forward_plan", "publish") => format!("Forward plan entry {} published", quoted(&new("topic"))),
        ("forward_plan", "create") => format!(
            "Forward plan entry {} added for {}",
            quoted(&new("topic")),
            new("planned_on")
        ),
        ("forward_plan", action) => {
            let name = format!(
                "Forward plan entry {}",
                quoted(&old_or(&old("topic"), &new("topic")))
            );
            changed(&name, action, fields, &["note"])
        }
        ("document", "create") if !new("url").is_empty() => format!("Link {} added", quoted(&new("title"))),
        ("document", "create") => format!("Document {} added", quoted(&new("title"))),
        ("document", "delete") => format!("Document {} removed", quoted(&old("title"))),
        ("account", action) => {
            let email = entry
                .account_email
                .map(str::to_owned)
                .unwrap_or_else(|| either("email"));
            account(action, &email, before, after)
        }
        (entity, action) => fallback(entity, action, entry.entity_id),
    }
}

fn old_or(old: &str, new: &str) -> String {
    if old.is_empty() { new } else { old }.to_owned()
}

/// The line for a change to an action or a forward-plan entry: one short
/// field with its values, else which fields changed. `long` fields are
/// named, never quoted.
fn changed(name: &str, action: &str, fields: &[Field], long: &[&str]) -> String {
    match action {
        "create" => format!("{name} added"),
        "delete" => format!("{name} deleted"),
        "update" => {
            let changed: Vec<&Field> = fields.iter().filter(|f| f.is_changed()).collect();
            match changed[..] {
                [] => format!("{name} saved, nothing changed"),
                [f] if !long.iter().any(|k| label(k) == f.label) => format!(
                    "{name} {}: {} → {}",
                    f.label.to_lowercase(),
                    shown(&f.before),
                    shown(&f.after)
                ),
                _ => {
                    let names: Vec<String> = changed.iter().map(|f| f.label.to_lowercase()).collect();
                    format!("{name}: {} changed", and_list(&names))
                }
            }
        }
        other => format!("{name}: {}", other.replace('_', " ")),
    }
}

/// A short value in a line: "none" when empty.
fn shown(lines: &[String]) -> String {
    if lines.is_empty() || lines.iter().all(String::is_empty) {
        "none".to_owned()
    } else {
        lines.join("; ")
    }
}

fn meeting(
    action: &str,
    before: &Map<String, Value>,
    after: &Map<String, Value>,
    fields: &[Field],
) -> String {
    let text = |map: &Map<String, Value>, key: &str| one_line(map, key);
    match action {
        "create" => format!(
            "Record created: {}, {}",
            text(after, "topic"),
            text(after, "held_on")
        ),
        "update" => {
            let names: Vec<String> = fields
                .iter()
                .filter(|f| f.is_changed() && f.label != "Address")
                .map(|f| f.label.to_lowercase().replace("meeting date", "date"))
                .collect();
            if names.is_empty() {
                "Meeting details saved, nothing changed".to_owned()
            } else {
                format!("Meeting {} changed", and_list(&names))
            }
        }
        "status" => match (text(before, "status").as_str(), text(after, "status").as_str()) {
            ("Draft", "With the PCC") => "Sent to the PCC".to_owned(),
            ("With the PCC", "Draft") => "Sent back to staff by the PCC".to_owned(),
            ("Published", "Draft") => "Correction started".to_owned(),
            (from, to) => format!("Status changed from {from} to {to}"),
        },
        "withdraw" => format!("Record withdrawn: {}", text(after, "reason")),
        "reinstate" => format!("Record reinstated: {}", text(after, "reason")),
        "import" => {
            let questions = after.get("questions").and_then(Value::as_u64).unwrap_or(0) as usize;
            let actions = after.get("actions").and_then(Value::as_u64).unwrap_or(0) as usize;
            let unplaced = after
                .get("unplaced")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            let mut line = format!(
                "Imported from notes: {}, {}",
                count(questions, "question"),
                count(actions, "action")
            );
            if unplaced > 0 {
                line.push_str(&format!(", {} not placed", count(unplaced, "passage")));
            }
            line
        }
        "clear_unplaced" => "Unplaced imported text cleared".to_owned(),
        "delete" => {
            let by = text(before, "replaced_by");
            let by = if by == "import" {
                "imported notes"
            } else {
                by.as_str()
            };
            format!("Draft {} deleted, replaced by {by}", text(before, "slug"))
        }
        other => fallback("meeting", other, None),
    }
}

fn question(entry: &Entry, action: &str, before: &Map<String, Value>, after: &Map<String, Value>) -> String {
    let text = |map: &Map<String, Value>, key: &str| one_line(map, key);
    let number = entry
        .question_number
        .map(|n| n.to_string())
        .unwrap_or_else(|| text(before, "number"));
    let name = if number.is_empty() {
        "A question since deleted".to_owned()
    } else {
        format!("Question {number}")
    };
    let raw = |map: &Map<String, Value>, key: &str| {
        map.get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    match action {
        "create" => format!("{name} added"),
        "delete" => format!("Question {} deleted", text(before, "number")),
        "move" => format!(
            "Question moved from {} to {}",
            text(before, "number"),
            text(after, "number")
        ),
        "update" => {
            let parts: Vec<String> = [("text", "text"), ("evidence", "evidence")]
                .iter()
                .filter_map(|(key, word)| {
                    let n = super::diff::changed_lines(&raw(before, key), &raw(after, key));
                    (n > 0).then(|| format!("{word}: {} changed", count(n, "line")))
                })
                .collect();
            if parts.is_empty() {
                format!("{name} saved, nothing changed")
            } else {
                format!("{name} {}", parts.join("; "))
            }
        }
        "decide" => {
            let (old, new) = (text(before, "decision"), text(after, "decision"));
            if old.is_empty() {
                format!("{name} decision: {new}")
            } else if old != new {
                format!("{name} decision: {old} → {new}")
            } else {
                format!("{name} decision rationale changed")
            }
        }
        "confirm" => format!("{name} decision confirmed: {}", text(after, "decision")),
        other => fallback("question", other, entry.entity_id),
    }
}

fn account(action: &str, email: &str, before: &Map<String, Value>, after: &Map<String, Value>) -> String {
    let text = |map: &Map<String, Value>, key: &str| one_line(map, key);
    match action {
        "create" => format!("Account {email} created as {}", text(after, "role")),
        "set_role" => format!(
            "Role of {email} changed from {} to {}",
            text(before, "role"),
            text(after, "role")
        ),
        "set_password" if after.get("must_change_password") == Some(&Value::Bool(true)) => {
            format!("Password of {email} reset, to be changed at next sign-in")
        }
        "set_password" => format!("Password of {email} changed"),
        "disable" => format!("Account {email} disabled"),
        "enable" => format!("Account {email} enabled"),
        "set_notices" => format!("Messages to {email} changed"),
        other => fallback("account", other, None),
    }
}

/// An entry of a kind this module does not know: "Archive widget 3".
fn fallback(entity: &str, action: &str, id: Option<i64>) -> String {
    let mut line = label(action);
    line.push(' ');
    line.push_str(&entity.replace('_', " "));
    if let Some(id) = id {
        line.push_str(&format!(" {id}"));
    }
    line
}
