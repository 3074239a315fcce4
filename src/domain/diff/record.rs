//! A whole record compared with its earlier version: its details, people,
//! questions (text, evidence, decision), documents and actions as agreed.

use chrono::{NaiveDate, NaiveTime};

use super::{
    ItemDiff, Line, Mark, Paired, Span, is_changed, lines, marked, outline, outline_changed, pair, whole,
    words,
};
use crate::domain::record::{
    AgreedAction, Person, PublicDecision, PublicDocument, PublicQuestion, PublicRecord,
};

/// A question compared: its text, evidence and decision.
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionDiff {
    /// Whether the whole question was removed or added.
    pub mark: Mark,
    /// Its number in the version it is from (the new one if kept).
    pub number: u32,
    pub text: Vec<ItemDiff>,
    pub evidence: Vec<ItemDiff>,
    /// The decision now (the old one for a removed question).
    pub decision: Option<PublicDecision>,
    /// The decision's wording, compared.
    pub decision_label: Vec<Span>,
    pub rationale: Vec<Span>,
}

impl QuestionDiff {
    /// Whether anything about the question changed.
    pub fn is_changed(&self) -> bool {
        self.mark != Mark::Same
            || outline_changed(&self.text)
            || outline_changed(&self.evidence)
            || is_changed(&self.decision_label)
            || is_changed(&self.rationale)
    }
}

/// The wording of a decision, or of its absence: a record imported from
/// notes that gave none says so, rather than that the PCC failed to decide.
pub fn decision_label(decision: Option<&PublicDecision>, from_notes: bool) -> &'static str {
    match decision {
        Some(d) => d.value.label(),
        None if from_notes => NO_DECISION_IN_NOTES,
        None => "No decision recorded",
    }
}

/// What an imported record's question without a decision says.
pub const NO_DECISION_IN_NOTES: &str = "No decision in the original notes";

fn question(
    old: Option<&PublicQuestion>,
    new: &PublicQuestion,
    mark: Mark,
    from_notes: bool,
) -> QuestionDiff {
    let rationale = |q: Option<&PublicQuestion>| {
        q.and_then(|q| q.decision.as_ref())
            .map_or("", |d| d.rationale.as_str())
            .to_owned()
    };
    let label = |q: Option<&PublicQuestion>| decision_label(q.and_then(|q| q.decision.as_ref()), from_notes);
    let (text, evidence, decision_label, rationale) = match (mark, old) {
        (Mark::Same, Some(old)) => (
            outline(&old.text, &new.text),
            outline(&old.evidence, &new.evidence),
            words(label(Some(old)), label(Some(new))),
            words(&rationale(Some(old)), &rationale(Some(new))),
        ),
        _ => (
            new.text.items.iter().map(|i| whole(i, mark)).collect(),
            new.evidence.items.iter().map(|i| whole(i, mark)).collect(),
            marked(mark, label(Some(new))),
            marked(mark, &rationale(Some(new))),
        ),
    };
    QuestionDiff {
        mark,
        number: new.number,
        text,
        evidence,
        decision: new.decision.clone(),
        decision_label,
        rationale,
    }
}

/// A document compared: kept, removed or added, as a whole.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentDiff {
    pub mark: Mark,
    pub document: PublicDocument,
}

/// A whole record compared with the version before it (`old`), or with
/// nothing (every span kept).
#[derive(Debug, Clone, PartialEq)]
pub struct RecordDiff {
    pub topic: Vec<Span>,
    pub kind: Vec<Span>,
    pub place: Vec<Span>,
    pub introduction: Vec<Span>,
    /// The old date and time, when they changed.
    pub held_on_before: Option<NaiveDate>,
    pub starts_at_before: Option<Option<NaiveTime>>,
    pub attendees: Vec<Line>,
    pub apologies: Vec<Line>,
    pub questions: Vec<QuestionDiff>,
    pub documents: Vec<DocumentDiff>,
    /// The actions as agreed, one line each.
    pub actions: Vec<Line>,
}

/// An agreed action as one line to compare: its number, text, owner, due
/// date and re-visit topic.
fn action_line(a: &AgreedAction) -> String {
    let mut line = format!("{}. {}", a.number, a.text);
    if !a.owner.is_empty() {
        line.push_str(&format!(" Owner: {}.", a.owner));
    }
    if let Some(due) = a.due_on {
        line.push_str(&format!(" Due: {}.", due.format("%-d %B %Y")));
    }
    if let Some(topic) = &a.revisit_topic {
        line.push_str(&format!(" Re-visit: {topic}."));
    }
    line
}

impl RecordDiff {
    /// `new` compared with `old`; with no `old`, nothing is marked.
    pub fn new(old: Option<&PublicRecord>, new: &PublicRecord) -> RecordDiff {
        let old = old.unwrap_or(new);
        let from_notes = new.imported.is_some();
        let people = |p: &[Person]| -> Vec<String> {
            p.iter()
                .map(|p| {
                    if p.role.is_empty() {
                        p.name.clone()
                    } else {
                        format!("{}, {}", p.name, p.role)
                    }
                })
                .collect()
        };
        let questions = pair(&old.questions, &new.questions, |q| q.text.to_text())
            .into_iter()
            .map(|p| match p {
                Paired::Both(o, n) => question(Some(o), n, Mark::Same, from_notes),
                Paired::Removed(o) => question(None, o, Mark::Removed, from_notes),
                Paired::Added(n) => question(None, n, Mark::Added, from_notes),
            })
            .collect();
        let documents = pair(&old.documents, &new.documents, |d| {
            (d.title.clone(), d.href.clone())
        })
        .into_iter()
        .flat_map(|p| match p {
            Paired::Both(o, n) if (&o.title, &o.href) == (&n.title, &n.href) => vec![(Mark::Same, n)],
            Paired::Both(o, n) => vec![(Mark::Removed, o), (Mark::Added, n)],
            Paired::Removed(o) => vec![(Mark::Removed, o)],
            Paired::Added(n) => vec![(Mark::Added, n)],
        })
        .map(|(mark, d)| DocumentDiff {
            mark,
            document: d.clone(),
        })
        .collect();
        RecordDiff {
            topic: words(&old.topic, &new.topic),
            kind: words(&old.kind, &new.kind),
            place: words(&old.place, &new.place),
            introduction: words(&old.introduction, &new.introduction),
            held_on_before: (old.held_on != new.held_on).then_some(old.held_on),
            starts_at_before: (old.starts_at != new.starts_at).then_some(old.starts_at),
            attendees: lines(&people(&old.attendees), &people(&new.attendees)),
            apologies: lines(&people(&old.apologies), &people(&new.apologies)),
            questions,
            documents,
            actions: lines(
                &old.actions.iter().map(action_line).collect::<Vec<_>>(),
                &new.actions.iter().map(action_line).collect::<Vec<_>>(),
            ),
        }
    }

    /// Whether the actions as agreed changed.
    pub fn actions_changed(&self) -> bool {
        self.actions
            .iter()
            .any(|l| l.mark != Mark::Same || is_changed(&l.spans))
    }

    /// Whether anything at all changed.
    pub fn is_changed(&self) -> bool {
        let lines_changed = |l: &[Line]| l.iter().any(|l| l.mark != Mark::Same || is_changed(&l.spans));
        [&self.topic, &self.kind, &self.place, &self.introduction]
            .iter()
            .any(|s| is_changed(s))
            || self.held_on_before.is_some()
            || self.starts_at_before.is_some()
            || lines_changed(&self.attendees)
            || lines_changed(&self.apologies)
            || self.questions.iter().any(QuestionDiff::is_changed)
            || self.documents.iter().any(|d| d.mark != Mark::Same)
            || self.actions_changed()
    }
}

#[cfg(test)]
mod tests {
    use super::Mark::*;
    use super::*;
    use crate::domain::Outline;

    fn span(mark: Mark, text: &str) -> Span {
        Span {
            mark,
            text: text.to_owned(),
        }
    }

    fn record(question: &str, evidence: &str) -> PublicRecord {
        PublicRecord {
            slug: crate::domain::MeetingSlug::parse("2024-12-03-stalking").expect("slug"),
            topic: "Stalking".into(),
            held_on: "2024-12-03".parse().expect("date"),
            starts_at: None,
            place: String::new(),
            kind: "Scrutiny meeting".into(),
            introduction: String::new(),
            imported: None,
            attendees: Vec::new(),
            apologies: Vec::new(),
            questions: vec![PublicQuestion {
                number: 1,
                text: Outline::parse(question).expect("outline"),
                evidence: Outline::parse(evidence).expect("outline"),
                decision: None,
            }],
            documents: Vec::new(),
            actions: Vec::new(),
        }
    }

    #[test]
    fn a_record_compared_with_nothing_marks_nothing() {
        let r = record("Is it tackled?", "- A plan.");
        let diff = RecordDiff::new(None, &r);
        assert!(!diff.is_changed());
        assert_eq!(diff.topic, [span(Same, "Stalking")]);
        assert_eq!(
            diff.questions[0].decision_label,
            [span(Same, "No decision recorded")]
        );
    }

    #[test]
    fn a_changed_question_is_kept_and_marked_inside() {
        let (old, new) = (
            record("Is it tackled?", "- A plan."),
            record("Is it tackled?", "- A new plan."),
        );
        let diff = RecordDiff::new(Some(&old), &new);
        assert!(diff.is_changed());
        assert_eq!(diff.questions.len(), 1);
        let q = &diff.questions[0];
        assert_eq!(q.mark, Same);
        assert!(!outline_changed(&q.text));
        assert!(outline_changed(&q.evidence));
        let mut dated = new.clone();
        dated.held_on = "2024-12-04".parse().expect("date");
        assert_eq!(
            RecordDiff::new(Some(&new), &dated).held_on_before,
            Some(new.held_on)
        );
    }

    #[test]
    fn an_agreed_action_changed_by_a_correction_is_marked_word_by_word() {
        let agreed = |text: &str, owner: &str| AgreedAction {
            number: 1,
            text: text.into(),
            owner: owner.into(),
            due_on: "2025-06-01".parse().ok(),
            revisit_topic: None,
        };
        let mut old = record("Q?", "- E.");
        old.actions = vec![agreed("Report back in six months.", "Chief Inspector")];
        let mut new = old.clone();
        assert!(!RecordDiff::new(Some(&old), &new).actions_changed());
        new.actions = vec![agreed("Report back in a year.", "Chief Inspector")];
        let diff = RecordDiff::new(Some(&old), &new);
        assert!(diff.actions_changed() && diff.is_changed());
        let spans = &diff.actions[0].spans;
        assert!(
            spans
                .iter()
                .any(|s| s.mark == Removed && s.text.contains("six months"))
        );
        assert!(spans.iter().any(|s| s.mark == Added && s.text.contains("a year")));
        assert!(
            spans
                .iter()
                .any(|s| s.mark == Same && s.text.contains("Chief Inspector"))
        );
    }
}
