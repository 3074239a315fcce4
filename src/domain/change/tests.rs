//! The audit log's words for every kind of entry.

use super::*;
use serde_json::json;

fn line(action: &str, entity: &str, before: Option<Value>, after: Option<Value>) -> Described {
    describe(&Entry {
        action,
        entity,
        entity_id: Some(7),
        before: before.as_ref(),
        after: after.as_ref(),
        question_number: Some(2),
        account_email: Some("x@y.example"),
    })
}

#[test]
fn evidence_changes_are_counted_in_lines() {
    let before = json!({ "text": "Why?", "evidence": "- One.\n- Two.\n- Three.\n- Four." });
    let after = json!({ "text": "Why?", "evidence": "- One.\n- 2.\n- 3.\n- Four.\n- Five." });
    let d = line("update", "question", Some(before), Some(after));
    assert_eq!(d.summary, "Question 2 evidence: 3 lines changed");
    let evidence = d.fields.iter().find(|f| f.label == "Evidence").expect("evidence");
    assert_eq!(evidence.after.len(), 5, "one line a bullet");
}

#[test]
fn an_action_with_one_short_field_changed_says_from_what_to_what() {
    let before = json!({ "body": "Review training", "owner": "", "due_on": "2025-03-03", "status": "open", "revisit_topic": null });
    let mut after = before.clone();
    after["due_on"] = json!("2025-03-10");
    let d = line("update", "action", Some(before.clone()), Some(after));
    assert_eq!(
        d.summary,
        "Action 'Review training' due date: 3 March 2025 → 10 March 2025"
    );
    let mut after = before.clone();
    after["owner"] = json!("Chief Inspector");
    after["status"] = json!("in_progress");
    let d = line("update", "action", Some(before), Some(after));
    assert_eq!(d.summary, "Action 'Review training': owner and status changed");
    let status = d.fields.iter().find(|f| f.label == "Status").expect("status");
    assert_eq!(
        (status.before.clone(), status.after.clone()),
        (vec!["Open".into()], vec!["In progress".into()])
    );
}

/// Every kind of entry the app writes (`grep -rn "audit::" src`), shaped
/// as its writer shapes it, reads as a sentence of its own.
#[test]
fn every_kind_the_app_writes_has_its_own_words() {
    let details = json!({ "topic": "Stalking", "held_on": "2024-12-03", "place": "" });
    let action = json!({ "body": "Review training", "owner": "", "due_on": null, "status": "open" });
    let plan = json!({ "topic": "Rural crime", "planned_on": "2026-03-01", "note": "" });
    let cases = [
        (
            "create",
            "meeting",
            None,
            Some(json!({ "slug": "s", "details": details })),
        ),
        (
            "import",
            "meeting",
            None,
            Some(json!({ "questions": 4, "actions": 1, "unplaced": ["x"] })),
        ),
        (
            "delete",
            "meeting",
            Some(json!({ "slug": "2024-12-03-stalking", "replaced_by": "import" })),
            None,
        ),
        (
            "clear_unplaced",
            "meeting",
            Some(json!({ "unplaced_text": "x" })),
            None,
        ),
        (
            "status",
            "meeting",
            Some(json!({ "status": "published" })),
            Some(json!({ "status": "draft", "comment": "" })),
        ),
        (
            "reinstate",
            "meeting",
            Some(json!({ "status": "withdrawn" })),
            Some(json!({ "status": "published", "reason": "Back." })),
        ),
        (
            "publish",
            "revision",
            None,
            Some(json!({ "number": 2, "reason": "Typo.", "content_hash": "ab" })),
        ),
        (
            "create",
            "question",
            None,
            Some(json!({ "text": "Why?", "evidence": "" })),
        ),
        (
            "delete",
            "question",
            Some(json!({ "number": 3, "text": "Why?", "evidence": "" })),
            None,
        ),
        (
            "move",
            "question",
            Some(json!({ "number": 2 })),
            Some(json!({ "number": 1 })),
        ),
        (
            "confirm",
            "question",
            Some(json!({ "decision": "assured", "question_version": 1 })),
            Some(json!({ "decision": "assured", "rationale": "", "question_version": 2 })),
        ),
        (
            "decide",
            "question",
            Some(json!({ "decision": "assured", "rationale": "a" })),
            Some(json!({ "decision": "assured", "rationale": "b" })),
        ),
        ("create", "action", None, Some(action.clone())),
        (
            "create",
            "action_progress",
            None,
            Some(json!({ "action": 1, "noted_on": "2025-01-02", "note": "Begun" })),
        ),
        ("create", "forward_plan", None, Some(plan.clone())),
        ("publish", "forward_plan", None, Some(plan.clone())),
        ("delete", "forward_plan", Some(plan), None),
        (
            "create",
            "document",
            None,
            Some(json!({ "title": "Plan", "url": null, "file_name": "plan.pdf" })),
        ),
        (
            "create",
            "document",
            None,
            Some(json!({ "title": "Site", "url": "https://example.org", "file_name": null })),
        ),
        (
            "create",
            "account",
            None,
            Some(json!({ "email": "x@y.example", "name": "X", "role": "staff" })),
        ),
        (
            "set_password",
            "account",
            None,
            Some(json!({ "password": "changed", "must_change_password": false })),
        ),
        (
            "disable",
            "account",
            Some(json!({ "disabled": false })),
            Some(json!({ "disabled": true })),
        ),
        (
            "enable",
            "account",
            Some(json!({ "disabled": true })),
            Some(json!({ "disabled": false })),
        ),
    ];
    let got: Vec<String> = cases
        .into_iter()
        .map(|(action, entity, before, after)| line(action, entity, before, after).summary)
        .collect();
    assert_eq!(
        got,
        [
            "Record created: Stalking, 3 December 2024",
            "Imported from notes: 4 questions, 1 action, 1 passage not placed",
            "Draft 2024-12-03-stalking deleted, replaced by imported notes",
            "Unplaced imported text cleared",
            "Correction started",
            "Record reinstated: Back.",
            "Published revision 2, a correction: Typo.",
            "Question 2 added",
            "Question 3 deleted",
            "Question moved from 2 to 1",
            "Question 2 decision confirmed: Assured",
            "Question 2 decision rationale changed",
            "Action 'Review training' added",
            "Progress noted on action 1",
            "Forward plan entry 'Rural crime' added for 1 March 2026",
            "Forward plan entry 'Rural crime' published",
            "Forward plan entry 'Rural crime' deleted",
            "Document 'Plan' added",
            "Link 'Site' added",
            "Account x@y.example created as OPCC staff",
            "Password of x@y.example changed",
            "Account x@y.example disabled",
            "Account x@y.example enabled",
        ]
    );
}

#[test]
fn unknown_kinds_fall_back_to_their_action_and_fields() {
    let d = line(
        "archive",
        "widget",
        None,
        Some(json!({ "shelf_life": 3, "kept": true })),
    );
    assert_eq!(d.summary, "Archive widget 7");
    assert_eq!(d.fields[0].label, "Kept");
    assert_eq!(d.fields[0].after, ["Yes"]);
    assert_eq!(d.fields[1].label, "Shelf life");
    assert_eq!(d.fields[1].before, Vec::<String>::new());
}

#[test]
fn meeting_details_name_what_changed_and_list_people_one_a_line() {
    let before = json!({ "slug": "s", "details": { "held_on": "2024-12-03", "place": "", "attendees": [] } });
    let after = json!({ "slug": "t", "details": { "held_on": "2024-12-04", "place": "", "attendees": [{ "name": "Ann", "role": "Chair" }] } });
    let d = line("update", "meeting", Some(before), Some(after));
    assert_eq!(d.summary, "Meeting date and attendees changed");
    let date = d.fields.iter().find(|f| f.label == "Meeting date").expect("date");
    assert_eq!(date.after, ["4 December 2024"]);
    let people = d.fields.iter().find(|f| f.label == "Attendees").expect("people");
    assert_eq!(people.after, ["Ann, Chair"]);
}
