//! The heading of minutes, before the first agenda item: the meeting's
//! name (its kind and topic), date, time and place, and who was present
//! and who sent apologies.

use chrono::{NaiveDate, NaiveTime};

use crate::domain::fields::{MAX_KIND_CHARS, MAX_NAME_CHARS, MAX_PLACE_CHARS, MAX_TOPIC_CHARS};
use crate::domain::record::Person;
use crate::import::notes::{ImportedRecord, collapse};

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

/// Reads the heading's lines (before the first item) into `record`:
/// the topic, time, place and people; returns the date. Lines it does
/// not read are kept unplaced.
pub(super) fn heading(lines: &[&str], record: &mut ImportedRecord) -> Option<NaiveDate> {
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
                held_on = crate::import::unrecognised::first_date(&[date]);
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
        let date = crate::import::unrecognised::first_date(&[text.as_str()]);
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
        && crate::import::unrecognised::first_date(&[text]).is_none()
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
        && crate::import::unrecognised::first_date(&[text]).is_none()
}

/// A line parted into the meeting's name and, after a dash, its date:
/// "NOTES OF THE GOVERNANCE BOARD – 21 MAY 2024". A line with a date
/// elsewhere is all date.
pub(super) fn name_and_date(text: &str) -> (&str, Option<&str>) {
    let dated = |part: &str| crate::import::unrecognised::first_date(&[part]).is_some();
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
pub(super) fn kind_and_topic(name: &str) -> (Option<String>, String) {
    let split = DASHES.iter().find_map(|dash| name.split_once(dash));
    match split {
        Some((kind, topic))
            if names_a_meeting(kind) && !names_a_meeting(topic) && !topic.trim().is_empty() =>
        {
            (
                Some(crate::import::notes::sentence_case(kind.trim())),
                crate::import::notes::title_case(topic.trim()),
            )
        }
        _ => (None, crate::import::notes::title_case(name.trim())),
    }
}

/// The dashes that part a title's pieces.
const DASHES: [&str; 4] = [" – ", " — ", " - ", " -- "];

/// A place as a heading line gives it, without "Held at 1.30pm in":
/// "Held online (Teams)" → "Online (Teams)".
pub(super) fn place_of(text: &str) -> String {
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
    super::item::capitalised(rest.trim_end_matches('.'))
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
pub(super) fn time_in(text: &str) -> Option<NaiveTime> {
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
