//! One sample record, planned in full before anything is written: the
//! meeting, its questions with nested evidence and the PCC's decisions, the
//! actions agreed and what later happened to them, and whether the record
//! is later corrected or withdrawn. A plan depends only on the seed, its
//! stream number, its topic and date, and today: the same arguments give
//! the same record.

use chrono::{Days, NaiveDate, NaiveTime};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::text::{evidence, progress_note, question, rationale, sentence};
use super::words::{self, RANKS, Topic, VERBS, any, capital, phrase, skewed};
use crate::db::actions::ActionFields;
use crate::db::meetings::Details;
use crate::domain::Decision;
use crate::domain::outline::{Item, Outline};
use crate::domain::record::{ActionStatus, Person, ProgressNote};

/// A record to write.
#[derive(Debug, Clone)]
pub struct Plan {
    pub details: Details,
    /// Three to eight.
    pub questions: Vec<PlannedQuestion>,
    /// None to four.
    pub actions: Vec<PlannedAction>,
    pub correction: Option<PlannedCorrection>,
    /// The reason it is withdrawn, if it is.
    pub withdrawal: Option<String>,
}

/// A question, its evidence (two or three levels deep) and the decision.
#[derive(Debug, Clone)]
pub struct PlannedQuestion {
    pub text: Outline,
    pub evidence: Outline,
    pub decision: Decision,
    pub rationale: String,
}

/// An action as agreed (open), and its progress since.
#[derive(Debug, Clone)]
pub struct PlannedAction {
    pub agreed: ActionFields,
    /// Oldest first, none after today.
    pub progress: Vec<ProgressNote>,
    /// Its status once the notes are written.
    pub status: ActionStatus,
}

/// A correction: question `question` (an index) gets new evidence and,
/// sometimes, a new decision, published with `reason`.
#[derive(Debug, Clone)]
pub struct PlannedCorrection {
    pub question: usize,
    pub evidence: Outline,
    pub decision: Option<(Decision, String)>,
    pub reason: String,
}

/// About one record in twenty is corrected.
const CORRECTED: f64 = 0.05;
/// About one record in a hundred is withdrawn.
const WITHDRAWN: f64 = 0.01;

impl Plan {
    /// The record of stream `stream` of `seed`: a meeting about `topic` on
    /// `held_on`, with what happened to it up to `today`.
    pub fn new(seed: u64, stream: u64, topic: &Topic, held_on: NaiveDate, today: NaiveDate) -> Plan {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stream);
        let rng = &mut rng;
        // Drawn first, so that which records are corrected or withdrawn does
        // not change with the dates.
        let (corrected, withdrawn) = (rng.random_bool(CORRECTED), rng.random_bool(WITHDRAWN));
        let questions: Vec<_> = (0..rng.random_range(3..=8))
            .map(|_| planned_question(rng, topic, held_on))
            .collect();
        let actions = (0..rng.random_range(0..=4))
            .map(|_| planned_action(rng, topic, held_on, today))
            .collect();
        let correction = corrected.then(|| planned_correction(rng, topic, held_on, &questions));
        let withdrawal = withdrawn.then(|| withdrawal_reason(rng));
        Plan {
            details: details(rng, topic, held_on),
            questions,
            actions,
            correction,
            withdrawal,
        }
    }
}

fn details(rng: &mut impl Rng, topic: &Topic, held_on: NaiveDate) -> Details {
    let person = |role: &str, rng: &mut _| Person {
        name: words::name(rng),
        role: role.to_owned(),
    };
    let chief = any(rng, &["Chief Constable", "Deputy Chief Constable"]);
    let lead = format!("{}, lead for {}", any(rng, RANKS), topic.name.to_lowercase());
    let mut attendees = vec![
        person("Police and Crime Commissioner", rng),
        person(chief, rng),
        person(&lead, rng),
        person("OPCC Head of Scrutiny", rng),
    ];
    const AWAY: &[&str] = &[
        "Assistant Chief Constable",
        "Chief Finance Officer",
        "Head of Corporate Communications",
    ];
    let apologies = (0..rng.random_range(0..=2))
        .map(|_| person(any(rng, AWAY), rng))
        .collect();
    if rng.random_bool(0.3) {
        attendees.push(person("Independent member of the scrutiny panel", rng));
    }
    let hour = any(rng, &["10:00", "13:30", "14:00", "09:30"]);
    Details {
        topic: topic.name.to_owned(),
        held_on,
        starts_at: NaiveTime::parse_from_str(hour, "%H:%M").ok(),
        place: any(rng, words::PLACES).to_owned(),
        kind: "Scrutiny meeting".to_owned(),
        introduction: format!(
            "The Police and Crime Commissioner holds the Chief Constable to account for {} in public. \
             The questions were sent to the Force in advance; this record gives the evidence the Force \
             presented and the PCC's decision on each.",
            topic.name.to_lowercase()
        ),
        attendees,
        apologies,
    }
}

fn planned_question(rng: &mut impl Rng, topic: &Topic, held_on: NaiveDate) -> PlannedQuestion {
    let decision = match rng.random_range(0..20) {
        0..11 => Decision::Assured,
        11..17 => Decision::PartlyAssured,
        _ => Decision::NotAssured,
    };
    PlannedQuestion {
        text: question(rng, topic),
        evidence: evidence(rng, topic, held_on),
        decision,
        rationale: rationale(rng, topic, decision),
    }
}

fn planned_action(rng: &mut impl Rng, topic: &Topic, held_on: NaiveDate, today: NaiveDate) -> PlannedAction {
    let due_on = held_on + Days::new(rng.random_range(30..=365));
    let revisit = rng.random_bool(0.1);
    let body = if revisit {
        format!(
            "Re-visit {} at a future scrutiny meeting.",
            topic.name.to_lowercase()
        )
    } else {
        match rng.random_range(0..3) {
            0 => format!(
                "Provide the PCC with data on {} by {}.",
                phrase(rng, topic),
                due_on.format("%B %Y")
            ),
            1 => format!(
                "Share the findings of the review of {} with the OPCC.",
                phrase(rng, topic)
            ),
            _ => format!(
                "{} {} and report back to the PCC.",
                capital(skewed(rng, VERBS)),
                phrase(rng, topic)
            ),
        }
    };
    let rank = any(rng, RANKS);
    let owner = if rank.starts_with("OPCC") || rank.starts_with("Head") {
        rank.to_owned()
    } else {
        format!("{rank} {}", any(rng, words::SURNAMES))
    };
    let status = later_status(rng, due_on, today);
    PlannedAction {
        agreed: ActionFields {
            body,
            owner,
            due_on: Some(due_on),
            status: ActionStatus::Open,
            revisit_topic: revisit.then(|| topic.name.to_owned()),
        },
        progress: progress(rng, topic, held_on, due_on, today, status),
        status,
    }
}

/// Mostly done once due; open or in progress before.
fn later_status(rng: &mut impl Rng, due_on: NaiveDate, today: NaiveDate) -> ActionStatus {
    match (due_on < today, rng.random_range(0..20)) {
        (true, 0..13) => ActionStatus::Done,
        (true, 13..15) => ActionStatus::CarriedForward,
        (true, 15..18) | (false, 0..10) => ActionStatus::InProgress,
        _ => ActionStatus::Open,
    }
}

/// Dated notes between a week after the meeting and today (or a little
/// after the due date); none for a meeting of the last week.
fn progress(
    rng: &mut impl Rng,
    topic: &Topic,
    held_on: NaiveDate,
    due_on: NaiveDate,
    today: NaiveDate,
    status: ActionStatus,
) -> Vec<ProgressNote> {
    let first = held_on + Days::new(7);
    let last = today.min(due_on + Days::new(90));
    let count = match status {
        ActionStatus::Open => usize::from(rng.random_bool(0.3)),
        _ => rng.random_range(1..=3),
    };
    if first > last {
        return Vec::new();
    }
    let span = (last - first).num_days() as u64;
    let mut dates: Vec<_> = (0..count)
        .map(|_| first + Days::new(rng.random_range(0..=span)))
        .collect();
    dates.sort();
    let done = status == ActionStatus::Done;
    dates
        .iter()
        .enumerate()
        .map(|(i, &noted_on)| ProgressNote {
            noted_on,
            note: if done && i + 1 == dates.len() {
                "Completed: the report was presented to the PCC and published.".to_owned()
            } else {
                progress_note(rng, topic)
            },
        })
        .collect()
}

/// A correction of one question's evidence: a point given wrongly, or one
/// left out.
fn planned_correction(
    rng: &mut impl Rng,
    topic: &Topic,
    held_on: NaiveDate,
    questions: &[PlannedQuestion],
) -> PlannedCorrection {
    let question = rng.random_range(0..questions.len());
    let number = question + 1;
    let mut evidence = questions[question].evidence.clone();
    let fixed = Item::bullet(sentence(rng, topic, held_on));
    let reason = match (rng.random_range(0..3), evidence.items.first_mut()) {
        (0, Some(first)) => {
            first.paragraphs = fixed.paragraphs;
            format!(
                "Question {number}'s evidence gave the wrong figure for {}.",
                topic.offences
            )
        }
        (1, Some(first)) => {
            first.paragraphs = fixed.paragraphs;
            format!(
                "Question {number}'s evidence named the wrong partner; the Force asked for it to be corrected."
            )
        }
        _ => {
            evidence.items.push(fixed);
            format!("A point of question {number}'s evidence was left out when the notes were typed up.")
        }
    };
    let decision = rng.random_bool(0.3).then(|| {
        let decision = Decision::ALL[rng.random_range(0..Decision::ALL.len())];
        (decision, rationale(rng, topic, decision))
    });
    PlannedCorrection {
        question,
        evidence,
        decision,
        reason,
    }
}

fn withdrawal_reason(rng: &mut impl Rng) -> String {
    any(
        rng,
        &[
            "Published in error: the meeting was a private briefing.",
            "Withdrawn at the Force's request while a related case is before the court.",
            "It named a victim; a record without the name will be published.",
            "The record was of the wrong meeting; the right one will follow.",
        ],
    )
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::words::TOPICS;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a date")
    }

    fn plans() -> impl Iterator<Item = Plan> {
        let today = date(2025, 6, 1);
        (0..400u64).map(move |k| {
            let topic = &TOPICS[k as usize % TOPICS.len()];
            Plan::new(7, k, topic, today - Days::new(k * 17), today)
        })
    }

    #[test]
    fn the_same_seed_and_stream_plan_the_same_record() {
        let today = date(2025, 6, 1);
        let plan = |seed, stream| {
            format!(
                "{:?}",
                Plan::new(seed, stream, &TOPICS[0], date(2020, 3, 4), today)
            )
        };
        assert_eq!(plan(1, 5), plan(1, 5));
        assert_ne!(plan(1, 5), plan(1, 6));
        assert_ne!(plan(1, 5), plan(2, 5));
    }

    #[test]
    fn every_question_has_evidence_two_or_three_levels_deep_and_a_decision() {
        for plan in plans() {
            assert!((3..=8).contains(&plan.questions.len()));
            assert!(plan.actions.len() <= 4);
            for q in &plan.questions {
                assert!((2..=3).contains(&q.evidence.depth()), "{}", q.evidence);
                assert!(!q.rationale.is_empty());
            }
        }
        let deepest = plans()
            .flat_map(|p| p.questions)
            .filter(|q| q.evidence.depth() == 3)
            .count();
        assert!(deepest > 100, "{deepest}");
    }

    #[test]
    fn outlines_read_back_as_written() {
        for plan in plans() {
            for q in &plan.questions {
                for outline in [&q.text, &q.evidence] {
                    assert_eq!(&Outline::parse(&outline.to_text()).expect("parses"), outline);
                }
            }
        }
    }

    #[test]
    fn progress_is_dated_after_the_meeting_and_not_after_today() {
        let today = date(2025, 6, 1);
        for plan in plans() {
            for action in &plan.actions {
                let due = action.agreed.due_on.expect("a due date");
                assert!(due > plan.details.held_on);
                for note in &action.progress {
                    assert!(note.noted_on > plan.details.held_on && note.noted_on <= today);
                }
            }
        }
    }

    #[test]
    fn some_records_are_corrected_and_a_few_withdrawn() {
        let (corrected, withdrawn) = plans().fold((0, 0), |(c, w), p| {
            (
                c + usize::from(p.correction.is_some()),
                w + usize::from(p.withdrawal.is_some()),
            )
        });
        assert!((8..=40).contains(&corrected), "{corrected}");
        assert!((1..=12).contains(&withdrawn), "{withdrawn}");
    }
}
