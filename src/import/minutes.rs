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

use chrono::{NaiveDate, NaiveTime};

use super::Shape;
use super::notes::{ImportedAction, ImportedDetails, ImportedQuestion, ImportedRecord, collapse};
use crate::domain::Decision;
use crate::domain::fields::{
    MAX_ACTION_CHARS, MAX_KIND_CHARS, MAX_NAME_CHARS, MAX_PLACE_CHARS, MAX_RATIONALE_CHARS, MAX_TOPIC_CHARS,
};
use crate::domain::outline::{Item, Outline};
use crate::domain::record::Person;

/// Fewest agenda items that make a text minutes.
const FEWEST_ITEMS: usize = 2;

/// Longest agenda item title.
const TITLE_CHARS: usize = 150;

/// Words that say a line of the heading names the meeting.
const MEETING_WORDS: [&str; 9] = [
    "board",
    "meeting",
    "committee",
    "panel",
    "scrutiny",
    "forum",
    "group",
    "minutes",
    "session",
];

/// Words that say a line of the heading is a place.
const PLACE_WORDS: [&str; 16] = [
    "room",
    "headquarters",
    "hq",
    "hall",
    "office",
    "offices",
    "centre",
    "center",
    "building",
    "house",
    "chamber",
    "suite",
    "teams",
    "zoom",
    "online",
    "virtual",
];

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
    let held_on = heading(lines, &mut record);
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

/// Reads the heading's lines (before the first item) into `record`:
/// the topic, time, place and people; returns the date. Lines it does
/// not read are kept unplaced.
fn heading(lines: &[&str], record: &mut ImportedRecord) -> Option<NaiveDate> {
    let mut held_on = None;
    let mut section: Option<Section> = None;
    // Whether a blank line has been seen since the section's last line:
    // a Word document or a PDF parts every line so.
    let mut after_blank = false;
    // The meeting's name: the first line that names a meeting, else the
    // first line that is no date, place or list of people.
    let names_meeting = |line: &&str| {
        let (name, _) = name_and_date(line);
        names_a_meeting(name) && section_heading(line.trim()).is_none()
    };
    let name_at = lines.iter().position(names_meeting);
    for (at, line) in lines.iter().enumerate() {
        let text = collapse(line);
        if Some(at) == name_at {
            let (name, date) = name_and_date(&text);
            if let Some(date) = date {
                held_on = super::unrecognised::first_date(&[date]);
                record.details.starts_at = time_in(date);
            }
            let (kind, topic) = kind_and_topic(&meeting_name(name));
            if let Some(kind) = kind {
                record.kind = kind.chars().take(MAX_KIND_CHARS).collect();
            }
            record.topic = topic.chars().take(MAX_TOPIC_CHARS).collect();
            record.layout.push(text);
            continue;
        }
        if text.is_empty() {
            after_blank = true;
            continue;
        }
        if let Some((found, rest)) = section_heading(&text) {
            section = Some(found);
            after_blank = false;
            record.layout.push(text.clone());
            people(found, rest, record);
            continue;
        }
        // After a blank line, only a line that names a person and their
        // role goes on with the list.
        if after_blank && !is_person_and_role(&text) {
            section = None;
        }
        after_blank = false;
        if let Some(found) = section {
            people(found, &text, record);
            continue;
        }
        let date = super::unrecognised::first_date(&[text.as_str()]);
        if date.is_some() && held_on.is_none() {
            held_on = date;
            record.details.starts_at = time_in(&text);
            if let Some(place) = place_after_time(&text) {
                record.details.place = place;
            }
            record.layout.push(text);
            continue;
        }
        if record.details.place.is_empty() && is_place(&text) {
            record.details.place = place_of(&text).chars().take(MAX_PLACE_CHARS).collect();
            if record.details.starts_at.is_none() {
                record.details.starts_at = time_in(&text);
            }
            record.layout.push(text);
            continue;
        }
        if name_at.is_none() && record.topic.is_empty() && text.chars().count() <= MAX_TOPIC_CHARS.min(100) {
            record.topic = meeting_name(&text);
            record.layout.push(text);
            continue;
        }
        record.unplaced.push(text);
    }
    held_on
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Present,
    Apologies,
}

/// "Present", "In attendance:", "Apologies: A; B" and the rest of the line.
fn section_heading(text: &str) -> Option<(Section, &str)> {
    const HEADINGS: [(&str, Section); 7] = [
        ("apologies for absence", Section::Apologies),
        ("apologies", Section::Apologies),
        ("also present", Section::Present),
        ("in attendance", Section::Present),
        ("attendees", Section::Present),
        ("attending", Section::Present),
        ("present", Section::Present),
    ];
    let lower = text.to_ascii_lowercase();
    HEADINGS.iter().find_map(|(word, section)| {
        let rest = lower.strip_prefix(word)?;
        let rest = rest.strip_prefix(':').unwrap_or(rest);
        (rest.is_empty() || rest.starts_with(' ')).then(|| (*section, text[text.len() - rest.len()..].trim()))
    })
}

/// Adds the people `text` names ("A – Role; B, Role; Role: C") to the list
/// `section` says.
fn people(section: Section, text: &str, record: &mut ImportedRecord) {
    for part in text.split(';').map(str::trim).filter(|part| !part.is_empty()) {
        let mut person = person(part);
        if person.name.is_empty() {
            std::mem::swap(&mut person.name, &mut person.role);
        }
        let fits = |text: &str| text.chars().count() <= MAX_NAME_CHARS;
        if person.name.is_empty() || !fits(&person.name) || !fits(&person.role) {
            // No person: a line of text, kept.
            record.unplaced.push(part.to_owned());
            continue;
        }
        match section {
            Section::Present => record.details.attendees.push(person),
            Section::Apologies => record.details.apologies.push(person),
        }
    }
}

/// Whether `text` reads as one person and their role ("Name – Role",
/// "Role: Name", "Name, Role"), not as a place, a date or a sentence.
fn is_person_and_role(text: &str) -> bool {
    let person = person(text);
    let short = |part: &str| !part.is_empty() && part.split_whitespace().count() <= 8;
    short(&person.name)
        && short(&person.role)
        && !text.contains(';')
        && !text.ends_with('.')
        && !is_place(text)
        && super::unrecognised::first_date(&[text]).is_none()
}

fn person(text: &str) -> Person {
    let text = text.trim_end_matches(['.', ',', ':']);
    let pair = |name: &str, role: &str| Person {
        name: name.trim().to_owned(),
        role: role.trim().to_owned(),
    };
    for dash in [" – ", " — ", " - "] {
        if let Some((name, role)) = text.split_once(dash) {
            return pair(name, role);
        }
    }
    if let Some((role, name)) = text.split_once(": ") {
        return pair(name, role);
    }
    if let Some((name, role)) = text.split_once(", ") {
        return pair(name, role);
    }
    pair(text, "")
}

/// Whether `text` names a meeting ("Scrutiny Board", "Minutes of the
/// meeting").
fn names_a_meeting(text: &str) -> bool {
    let lower = text.to_lowercase();
    MEETING_WORDS
        .iter()
        .any(|word| lower.split(|c: char| !c.is_alphanumeric()).any(|w| w == *word))
        && super::unrecognised::first_date(&[text]).is_none()
}

/// A line parted into the meeting's name and, after a dash, its date:
/// "NOTES OF THE GOVERNANCE BOARD – 21 MAY 2024". A line with a date
/// elsewhere is all date.
fn name_and_date(text: &str) -> (&str, Option<&str>) {
    let dated = |part: &str| super::unrecognised::first_date(&[part]).is_some();
    if !dated(text) {
        return (text, None);
    }
    DASHES
        .iter()
        .find_map(|dash| {
            let (name, date) = text.rsplit_once(dash)?;
            (!dated(name) && dated(date)).then_some((name.trim(), Some(date.trim())))
        })
        .unwrap_or(("", Some(text)))
}

/// The kind of meeting and its topic, from a name such as "Scrutiny
/// meeting – Road Safety"; a name with no dash is all topic. Capitals
/// throughout are made title case ("STRATEGIC GOVERNANCE BOARD").
fn kind_and_topic(name: &str) -> (Option<String>, String) {
    let split = DASHES.iter().find_map(|dash| name.split_once(dash));
    match split {
        Some((kind, topic))
            if names_a_meeting(kind) && !names_a_meeting(topic) && !topic.trim().is_empty() =>
        {
            (
                Some(super::notes::sentence_case(kind.trim())),
                super::notes::title_case(topic.trim()),
            )
        }
        _ => (None, super::notes::title_case(name.trim())),
    }
}

/// The dashes that part a title's pieces.
const DASHES: [&str; 4] = [" – ", " — ", " - ", " -- "];

/// A place as a heading line gives it, without "Held at 1.30pm in":
/// "Held online (Teams)" → "Online (Teams)".
fn place_of(text: &str) -> String {
    let mut rest = text.trim();
    loop {
        let (word, after) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let lower = word.to_ascii_lowercase();
        let filler = matches!(
            lower.trim_end_matches([':', ',']),
            "held"
                | "at"
                | "in"
                | "on"
                | "via"
                | "venue"
                | "location"
                | "place"
                | "am"
                | "pm"
                | "a.m."
                | "p.m."
        );
        if (filler || time_in(word).is_some()) && !after.trim().is_empty() {
            rest = after.trim_start();
        } else {
            break;
        }
    }
    capitalised(rest.trim_end_matches('.'))
}

/// "Minutes of the Scrutiny Board" → "Scrutiny Board".
fn meeting_name(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let cut = ["minutes of the ", "minutes of ", "notes of the ", "notes of "]
        .iter()
        .find(|prefix| lower.starts_with(*prefix))
        .map_or(0, |prefix| prefix.len());
    text[cut..].trim().to_owned()
}

fn is_place(text: &str) -> bool {
    let lower = text.to_lowercase();
    let lower = lower
        .trim_start_matches("venue:")
        .trim_start_matches("location:")
        .trim_start();
    lower
        .split(|c: char| !c.is_alphanumeric())
        .any(|word| PLACE_WORDS.contains(&word))
}

/// The first time of day in `text`: "10.00am", "10am", "2.30 pm", "14:00".
fn time_in(text: &str) -> Option<NaiveTime> {
    let words: Vec<String> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .map(|word| word.to_lowercase())
        .collect();
    (0..words.len()).find_map(|at| {
        let word = words[at].trim_end_matches(['.', ')']);
        let (clock, half) = match word.strip_suffix("am").or_else(|| word.strip_suffix("pm")) {
            Some(clock) => (clock, Some(word.ends_with("pm"))),
            None => match words.get(at + 1).map(String::as_str) {
                Some("am" | "a.m." | "am.") => (word, Some(false)),
                Some("pm" | "p.m." | "pm.") => (word, Some(true)),
                _ => (word, None),
            },
        };
        let (hour, minute) = match clock.split_once(['.', ':']) {
            Some((hour, minute)) => (hour.parse::<u32>().ok()?, minute.parse::<u32>().ok()?),
            None if half.is_some() => (clock.parse::<u32>().ok()?, 0),
            None => return None,
        };
        let hour = match half {
            Some(true) if hour < 12 => hour + 12,
            Some(false) if hour == 12 => 0,
            Some(_) if hour > 12 => return None,
            _ => hour,
        };
        NaiveTime::from_hms_opt(hour, minute, 0)
    })
}

/// The place after the time on a line such as "Held on 5 March 2024 at
/// 10.00am, Conference Room 2, Police Headquarters".
fn place_after_time(text: &str) -> Option<String> {
    let (_, after) = text.split_once(", ")?;
    let place = after.trim().trim_end_matches('.');
    is_place(place).then(|| place.chars().take(MAX_PLACE_CHARS).collect())
}

/// Reads agenda item `number` (its `title` and `body` lines) into `record`.
pub(super) fn item(number: u32, title: &str, body: &[&str], record: &mut ImportedRecord) {
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
                        last.due_on = super::unrecognised::first_date(&[last.text.as_str()]);
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
                    if super::unrecognised::first_date(&[rest]).is_some() {
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
                    last.due_on = super::unrecognised::first_date(&[last.text.as_str()]);
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
fn decided(text: &str) -> Option<(Decision, &str)> {
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
fn capitalised(text: &str) -> String {
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
fn list_marker(text: &str) -> (&str, &str) {
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
        due_on: super::unrecognised::first_date(&[text]),
    });
}

pub(super) fn named_owner(text: &str) -> Option<String> {
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
pub(super) fn owner_at_start(text: &str) -> Option<String> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::outline::Marker;

    const MINUTES: &str = "\
Police and Crime Commissioner for Cleveland
Minutes of the Scrutiny Board
Held on Tuesday 5 March 2024 at 10.00am, Conference Room 2, Police Headquarters

Present
Steve Turner – Police and Crime Commissioner
Chief Constable: Mark Webster
In attendance: Jane Smith, Head of Governance
Apologies: Deputy Chief Constable

1. Neighbourhood policing
The Chief Constable outlined the new
neighbourhood model, which began in October.
• Twelve new teams are in place.
    o Two more start in May.
• Response times have improved.
Action: Chief Constable to report on response times by 30 June 2024.
Decision: Partly assured

Item 2 – Stalking
1. The Force has a stalking action plan.
2. Training is under way.
Agreed: That the Board notes the report.
Resolved: the OPCC to re-visit the topic (Owner: Head of Governance) on 3 March 2025.
Action: Head of Governance to write to the
force about training.
";

    fn minutes() -> ImportedRecord {
        read(MINUTES).expect("minutes")
    }

    #[test]
    fn the_heading_gives_the_meeting_its_name_date_time_place_and_people() {
        let record = minutes();
        assert_eq!(record.shape, Shape::Minutes);
        assert_eq!(record.topic, "Scrutiny Board");
        assert_eq!(record.held_on, NaiveDate::from_ymd_opt(2024, 3, 5).expect("date"));
        assert_eq!(record.details.starts_at, NaiveTime::from_hms_opt(10, 0, 0));
        assert_eq!(record.details.place, "Conference Room 2, Police Headquarters");
        let names = |people: &[Person]| -> Vec<(String, String)> {
            people.iter().map(|p| (p.name.clone(), p.role.clone())).collect()
        };
        assert_eq!(
            names(&record.details.attendees),
            [
                (
                    "Steve Turner".to_owned(),
                    "Police and Crime Commissioner".to_owned()
                ),
                ("Mark Webster".to_owned(), "Chief Constable".to_owned()),
                ("Jane Smith".to_owned(), "Head of Governance".to_owned()),
            ]
        );
        assert_eq!(
            names(&record.details.apologies),
            [("Deputy Chief Constable".to_owned(), String::new())]
        );
        // The office's name is not read: it is kept.
        assert_eq!(record.unplaced, ["Police and Crime Commissioner for Cleveland"]);
    }

    #[test]
    fn each_agenda_item_is_a_question_with_its_discussion_actions_and_decision() {
        let record = minutes();
        assert_eq!(
            record.questions.len(),
            2,
            "a numbered list in an item is not an item"
        );
        let first = &record.questions[0];
        assert_eq!(first.text.items[0].paragraphs, ["Neighbourhood policing"]);
        let evidence = &first.evidence.items;
        assert_eq!(
            evidence[0].paragraphs,
            ["The Chief Constable outlined the new neighbourhood model, which began in October."]
        );
        assert_eq!(evidence[1].marker, Marker::Bullet);
        assert_eq!(evidence[1].children[0].paragraphs, ["Two more start in May."]);
        assert_eq!(evidence.len(), 3);
        assert_eq!(first.decision, Some(Decision::PartlyAssured));
        let second = &record.questions[1];
        assert_eq!(second.text.items[0].paragraphs, ["Stalking"]);
        assert_eq!(second.evidence.items.len(), 3, "{:?}", second.evidence);
        assert_eq!(second.decision, None);

        assert_eq!(record.actions.len(), 3);
        assert_eq!(
            record.actions[2].text,
            "Head of Governance to write to the force about training."
        );
        assert_eq!(record.actions[2].owner, "Head of Governance");
        assert_eq!(record.actions[0].owner, "Chief Constable");
        assert_eq!(record.actions[0].due_on, NaiveDate::from_ymd_opt(2024, 6, 30));
        assert_eq!(
            record.actions[1].text,
            "the OPCC to re-visit the topic (Owner: Head of Governance) on 3 March 2025."
        );
        assert_eq!(record.actions[1].owner, "Head of Governance");
        assert_eq!(record.actions[1].due_on, NaiveDate::from_ymd_opt(2025, 3, 3));
    }

    #[test]
    fn every_word_of_the_minutes_is_placed_or_kept() {
        let record = minutes();
        let count = crate::import::words::count(MINUTES, &record);
        assert!(count.all_kept(), "{:?}", count.missing);
    }

    #[test]
    fn agenda_headings_are_read_in_their_common_forms_and_prose_is_not() {
        let heading = agenda_heading;
        assert_eq!(heading("1. Apologies"), Some((1, "Apologies".to_owned())));
        assert_eq!(
            heading("2 Minutes of the last meeting"),
            Some((2, "Minutes of the last meeting".to_owned()))
        );
        assert_eq!(heading("Item 3 – Stalking"), Some((3, "Stalking".to_owned())));
        assert_eq!(heading("Item 4: Finance"), Some((4, "Finance".to_owned())));
        assert_eq!(heading("Ref 05 Estates"), Some((5, "Estates".to_owned())));
        assert_eq!(heading("1. The Force has a plan."), None, "a sentence");
        assert_eq!(heading("2024 figures"), None);
        assert_eq!(heading("12 months on"), Some((12, "months on".to_owned())));
        // In turn only: "12 months on" after item 2 is not item 12.
        let lines = ["1. One", "", "12 months on", "", "2. Two"];
        let items: Vec<u32> = agenda(&lines).iter().map(|(_, n, _)| *n).collect();
        assert_eq!(items, [1, 2]);
    }

    #[test]
    fn times_of_day_are_read_as_written() {
        let at = |text: &str| time_in(text).map(|t| t.format("%H:%M").to_string());
        assert_eq!(at("at 10.00am"), Some("10:00".to_owned()));
        assert_eq!(at("at 2.30 pm"), Some("14:30".to_owned()));
        assert_eq!(at("at 10am"), Some("10:00".to_owned()));
        assert_eq!(at("from 14:00"), Some("14:00".to_owned()));
        assert_eq!(at("12pm"), Some("12:00".to_owned()));
        assert_eq!(at("on 5 March 2024"), None);
    }

    #[test]
    fn what_cannot_be_a_person_or_an_action_is_kept_unplaced() {
        let long = "word ".repeat(60);
        let text = format!(
            "Board\n5 March 2024\n\nPresent: {long}\nApologies: Chief Constable:\n\n1. One\nAction: {}\n\n2. Two\n",
            "x".repeat(MAX_ACTION_CHARS + 1)
        );
        let record = read(&text).expect("minutes");
        assert!(record.details.attendees.is_empty());
        assert_eq!(record.details.apologies.len(), 1, "a role alone is the person");
        assert_eq!(record.details.apologies[0].name, "Chief Constable");
        assert!(record.actions.is_empty());
        assert_eq!(record.unplaced.len(), 2);
        assert!(record.unplaced[1].starts_with("xxx"));
    }

    #[test]
    fn letters_whose_lower_case_is_longer_or_shorter_do_not_shift_what_is_read() {
        // "ẞ" and the Kelvin sign "K" lower-case to fewer bytes: labels are
        // found in the text itself, not in a lower-cased copy of other length.
        let text = "Board \u{212a}ẞ\n5 March 2024\n\nPresent: ẞẞ – Chair\n\n1. One ẞ\n\
                    Action: ẞẞẞ (Owner: Head of ẞ) by 30 June 2024.\n\n2. Two\n";
        let record = read(text).expect("minutes");
        assert_eq!(record.details.attendees[0].name, "ẞẞ");
        assert_eq!(record.actions[0].text, "ẞẞẞ (Owner: Head of ẞ) by 30 June 2024.");
        assert_eq!(record.actions[0].owner, "Head of ẞ");
        assert!(crate::import::responses::read("Question: ẞẞ \u{212a}?\nResponse: ẞ yes.\n").is_some());
    }

    #[test]
    fn text_without_agenda_items_is_not_minutes() {
        assert_eq!(read("Some notes\n\nNo items.\n"), None);
        assert_eq!(read("Heading\n\n1. Only one item\nText.\n"), None);
    }

    #[test]
    fn a_title_line_gives_the_kind_and_topic_and_its_date_after_a_dash() {
        let record =
            read("SCRUTINY MEETING – ROAD SAFETY – 9 JULY 2024\n\n1. Speed\nText.\n\n2. Bikes\nText.\n")
                .expect("minutes");
        assert_eq!(record.kind, "Scrutiny meeting");
        assert_eq!(record.topic, "Road Safety");
        assert_eq!(record.held_on, NaiveDate::from_ymd_opt(2024, 7, 9).expect("date"));
        assert_eq!(
            kind_and_topic("Minutes – Finance"),
            (Some("Minutes".to_owned()), "Finance".to_owned())
        );
        assert_eq!(
            kind_and_topic("Audit Committee"),
            (None, "Audit Committee".to_owned())
        );
        assert_eq!(
            name_and_date("Board – 5 May 2024, 2pm"),
            ("Board", Some("5 May 2024, 2pm"))
        );
        assert_eq!(
            name_and_date("Held on 5 May 2024 – Room 2"),
            ("", Some("Held on 5 May 2024 – Room 2"))
        );
    }

    #[test]
    fn a_place_line_loses_held_at_and_its_time_which_is_read() {
        let record = read(
            "Audit Board\n5 May 2024\nHeld at 1.30pm in the Commissioner's Office, Stockton\n\n1. One\nText.\n\n2. Two\nText.\n",
        )
        .expect("minutes");
        assert_eq!(record.details.place, "The Commissioner's Office, Stockton");
        assert_eq!(record.details.starts_at, NaiveTime::from_hms_opt(13, 30, 0));
        assert_eq!(place_of("Held online (Teams)"), "Online (Teams)");
        assert_eq!(place_of("Venue: Room 4."), "Room 4");
        assert_eq!(place_of("Room 4"), "Room 4");
    }

    #[test]
    fn a_decision_may_give_its_reason_after_the_label() {
        assert_eq!(
            decided("Not assured – the backlog is growing."),
            Some((Decision::NotAssured, "the backlog is growing."))
        );
        assert_eq!(decided("Partly assured."), Some((Decision::PartlyAssured, "")));
        assert_eq!(
            decided("Assured; see the report"),
            Some((Decision::Assured, "see the report"))
        );
        assert_eq!(decided("Deferred to June"), None);
        let record = read(
            "Board\n5 May 2024\n\n1. One\nText.\nDecision: Not assured – the backlog is growing.\n\n2. Two\nDecision: Later\n",
        )
        .expect("minutes");
        assert_eq!(record.questions[0].decision, Some(Decision::NotAssured));
        assert_eq!(record.questions[0].rationale, "The backlog is growing.");
        assert_eq!(record.questions[1].decision, None);
        assert_eq!(record.questions[1].evidence.to_text(), "Decision: Later");
    }

    #[test]
    fn lines_under_an_actions_heading_are_actions() {
        let record = read(
            "Board\n5 May 2024\n\n1. One\nText.\n\n2. Two\nText.\n\nActions:\n1. Chief Constable to report by 30 June 2024.\n\
             2) Head of HR to write to staff,\nand to unions, by 31 July 2024.\n• The OPCC to publish the plan.\n",
        )
        .expect("minutes");
        let actions: Vec<(&str, &str, Option<NaiveDate>)> = record
            .actions
            .iter()
            .map(|a| (a.text.as_str(), a.owner.as_str(), a.due_on))
            .collect();
        assert_eq!(
            actions,
            [
                (
                    "Chief Constable to report by 30 June 2024.",
                    "Chief Constable",
                    NaiveDate::from_ymd_opt(2024, 6, 30)
                ),
                (
                    "Head of HR to write to staff, and to unions, by 31 July 2024.",
                    "Head of HR",
                    NaiveDate::from_ymd_opt(2024, 7, 31)
                ),
                ("The OPCC to publish the plan.", "OPCC", None),
            ]
        );
        assert_eq!(record.questions[1].evidence.to_text(), "Text.");
        assert_eq!(list_marker("12. x"), ("12.", "x"));
        assert_eq!(list_marker("2024. x"), ("", "2024. x"));
        assert_eq!(list_marker("-x"), ("", "-x"));
    }
}
