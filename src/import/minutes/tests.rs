use super::heading::{kind_and_topic, name_and_date, place_of, time_in};
use super::item::{decided, list_marker};
use super::*;
use crate::domain::Decision;
use crate::domain::fields::MAX_ACTION_CHARS;
use crate::domain::outline::Marker;
use crate::domain::record::Person;
use chrono::NaiveTime;

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
    let record = read("SCRUTINY MEETING – ROAD SAFETY – 9 JULY 2024\n\n1. Speed\nText.\n\n2. Bikes\nText.\n")
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
