//! An audit entry's fields as text: their names as people read them, in
//! the order of the forms, and their values (dates, codes, people, notes)
//! as the site writes them.

use chrono::NaiveDate;
use serde_json::{Map, Value};

use super::Field;
use crate::domain::account::Role;
use crate::domain::record::ActionStatus;
use crate::domain::{Decision, MeetingStatus};

/// An object's keys, with those of a `details` or `fields` object inside it
/// brought up beside them (a meeting's details, a deleted action's fields).
pub(super) fn flat(value: Option<&Value>) -> Map<String, Value> {
    let mut out = Map::new();
    if let Some(Value::Object(map)) = value {
        for (key, value) in map {
            match value {
                Value::Object(inner) if key == "details" || key == "fields" => {
                    out.extend(inner.iter().map(|(k, v)| (k.clone(), v.clone())))
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
    }
    out
}

/// The order fields are shown in, as on the forms; others follow, by name.
const ORDER: [&str; 47] = [
    "topic",
    "held_on",
    "starts_at",
    "place",
    "kind",
    "introduction",
    "attendees",
    "apologies",
    "slug",
    "number",
    "text",
    "evidence",
    "decision",
    "rationale",
    "question_version",
    "body",
    "owner",
    "due_on",
    "status",
    "revisit_topic",
    "planned_on",
    "note",
    "noted_on",
    "action",
    "title",
    "url",
    "file_name",
    "content_type",
    "byte_size",
    "question_id",
    "email",
    "name",
    "role",
    "disabled",
    "password",
    "must_change_password",
    "comment",
    "reason",
    "withdrawn_reason",
    "content_hash",
    "questions",
    "actions",
    "unplaced",
    "unplaced_text",
    "original_published_on",
    "replaced_by",
    "progress",
];

/// Every key of either, in [`ORDER`], as a field.
pub(super) fn fields(before: &Map<String, Value>, after: &Map<String, Value>) -> Vec<Field> {
    let mut keys: Vec<&String> = after.keys().collect();
    keys.extend(before.keys().filter(|k| !after.contains_key(*k)));
    keys.sort_by_key(|k| {
        (
            ORDER.iter().position(|o| o == k).unwrap_or(ORDER.len()),
            k.as_str(),
        )
    });
    keys.into_iter()
        .map(|key| Field {
            label: label(key),
            before: before.get(key).map(|v| lines(key, v)).unwrap_or_default(),
            after: after.get(key).map(|v| lines(key, v)).unwrap_or_default(),
        })
        .collect()
}

/// A field's name as people read it.
pub(super) fn label(key: &str) -> String {
    let known = match key {
        "held_on" => "Meeting date",
        "starts_at" => "Start time",
        "kind" => "Kind of meeting",
        "slug" => "Address",
        "text" => "Question text",
        "body" => "Action text",
        "due_on" => "Due date",
        "revisit_topic" => "Re-visit topic",
        "planned_on" => "Planned for",
        "noted_on" => "Noted on",
        "action" => "Action number",
        "url" => "Link",
        "content_type" => "File type",
        "byte_size" => "Size in bytes",
        "question_id" => "Question (internal number)",
        "unplaced" | "unplaced_text" => "Unplaced imported text",
        "original_published_on" => "Originally published on",
        "must_change_password" => "Must change password at next sign-in",
        "content_hash" => "Content fingerprint",
        "withdrawn_reason" => "Reason for the withdrawal",
        "progress" => "Progress notes",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_owned();
    }
    let words = key.replace('_', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A value as lines of text: dates as the site writes them, codes as their
/// wording, people and notes one a line.
pub(super) fn lines(key: &str, value: &Value) -> Vec<String> {
    match value {
        Value::Null => Vec::new(),
        Value::Bool(b) => vec![if *b { "Yes" } else { "No" }.to_owned()],
        Value::Number(n) => vec![n.to_string()],
        Value::String(s) => s.lines().map(|line| word(key, line)).collect(),
        Value::Array(items) => items.iter().flat_map(|item| item_line(key, item)).collect(),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{}: {}", label(k), lines(k, v).join(" ")))
            .collect(),
    }
}

/// One element of a list: a person ("Name, Role"), a dated note, or text.
fn item_line(key: &str, item: &Value) -> Vec<String> {
    let text = |k: &str| item.get(k).and_then(Value::as_str).unwrap_or_default();
    match item {
        Value::Object(_) if item.get("name").is_some() => {
            let role = text("role");
            vec![if role.is_empty() {
                text("name").to_owned()
            } else {
                format!("{}, {role}", text("name"))
            }]
        }
        Value::Object(_) if item.get("note").is_some() => {
            vec![format!("{}: {}", date_word(text("noted_on")), text("note"))]
        }
        other => lines(key, other),
    }
}

/// A stored word as people read it, by what the field holds.
fn word(key: &str, text: &str) -> String {
    let code = match key {
        "held_on" | "due_on" | "planned_on" | "noted_on" | "original_published_on" => {
            return date_word(text);
        }
        "decision" => Decision::from_code(text).map(Decision::label),
        "role" => Role::from_code(text).map(Role::label),
        "status" => MeetingStatus::from_code(text)
            .map(MeetingStatus::label)
            .or_else(|| ActionStatus::from_code(text).map(ActionStatus::label)),
        _ => None,
    };
    code.unwrap_or(text).to_owned()
}

/// "2025-03-03" as "3 March 2025"; anything else as it is.
fn date_word(text: &str) -> String {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|d| d.format("%-d %B %Y").to_string())
        .unwrap_or_else(|_| text.to_owned())
}
