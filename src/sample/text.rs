//! The sentences of sample records: questions as the PCC puts them,
//! evidence as the Force gives it (points under points), the PCC's
//! rationales and progress notes, made of the words in `words`.

use chrono::{Datelike, NaiveDate};
use rand::Rng;

use super::words::{
    ADJECTIVES, BODIES, COMPARATORS, GROUPS, NOUNS, PARTNERS, Topic, VERBS, any, phrase, skewed,
};
use crate::domain::Decision;
use crate::domain::outline::{Item, Outline};

/// Where things happen.
const AREAS: &[&str] = &[
    "Middlesbrough",
    "Hartlepool",
    "Redcar and Cleveland",
    "Stockton-on-Tees",
    "every district",
];

/// A question, now and then with points under it.
pub(super) fn question(rng: &mut impl Rng, topic: &Topic) -> Outline {
    let (verb, term) = (skewed(rng, VERBS), skewed(rng, topic.terms));
    let text = match rng.random_range(0..5) {
        0 => format!("What is the Force doing to {verb} {}?", phrase(rng, topic)),
        1 => format!(
            "In terms of {term} per 1,000 {}, how does the Force compare with {}, and what is being done to {verb} {}?",
            topic.offences,
            any(rng, COMPARATORS),
            phrase(rng, topic)
        ),
        2 => format!(
            "How does the Force make sure that its response to {term} is {} and {}?",
            skewed(rng, ADJECTIVES),
            skewed(rng, ADJECTIVES)
        ),
        3 => format!(
            "What assurance can the Force give the PCC that {} meets national guidance on {term}?",
            phrase(rng, topic)
        ),
        _ => return nested_question(rng, topic),
    };
    Outline {
        items: vec![Item::plain(text)],
    }
}

/// A question with sub-points, some with points of their own.
fn nested_question(rng: &mut impl Rng, topic: &Topic) -> Outline {
    let count = rng.random_range(2..=4);
    let points = (0..count)
        .map(|i| {
            let end = if i + 1 == count {
                "?"
            } else if i + 2 == count {
                "; and"
            } else {
                ";"
            };
            let point = Item::bullet(format!("{} {}{end}", skewed(rng, VERBS), phrase(rng, topic)));
            if rng.random_bool(0.25) {
                point.with_children(vec![Item::bullet(format!("including {}", phrase(rng, topic)))])
            } else {
                point
            }
        })
        .collect();
    let lead = format!("How will the Force, in its work on {}:", skewed(rng, topic.terms));
    Outline {
        items: vec![Item::plain(lead).with_children(points)],
    }
}

/// Three to seven points, at least one with sub-points, some of those with
/// sub-points of their own.
pub(super) fn evidence(rng: &mut impl Rng, topic: &Topic, held_on: NaiveDate) -> Outline {
    let count = rng.random_range(3..=7);
    let nested = rng.random_range(0..count);
    let deeper = rng.random_bool(0.5);
    let items = (0..count)
        .map(|i| {
            let item = Item::bullet(sentence(rng, topic, held_on));
            if i != nested && !rng.random_bool(0.3) {
                return item;
            }
            let children = (0..rng.random_range(1..=3))
                .map(|j| {
                    let child = Item::bullet(point(rng, topic, held_on));
                    if (i == nested && j == 0 && deeper) || rng.random_bool(0.1) {
                        child.with_children(vec![Item::bullet(point(rng, topic, held_on))])
                    } else {
                        child
                    }
                })
                .collect();
            item.with_children(children)
        })
        .collect();
    Outline { items }
}

/// A financial year before the meeting, as "2019/20".
fn year(rng: &mut impl Rng, held_on: NaiveDate) -> String {
    let start = held_on.year() - rng.random_range(1..=2);
    format!("{start}/{:02}", (start + 1) % 100)
}

/// One point of evidence, as a sentence.
pub(super) fn sentence(rng: &mut impl Rng, topic: &Topic, held_on: NaiveDate) -> String {
    let term = skewed(rng, topic.terms);
    match rng.random_range(0..9) {
        0 => {
            let change = match rng.random_range(0..3) {
                0 => format!("up {}% on the year before", rng.random_range(2..40)),
                1 => format!("down {}% on the year before", rng.random_range(2..40)),
                _ => format!("in line with {}", any(rng, COMPARATORS)),
            };
            let n = rng.random_range(20..5_000);
            format!(
                "The Force recorded {n} {} in {}, {change}.",
                topic.offences,
                year(rng, held_on)
            )
        }
        1 => format!(
            "Work to {} {} is overseen by the {} board, which meets monthly.",
            skewed(rng, VERBS),
            phrase(rng, topic),
            topic.name.to_lowercase()
        ),
        2 => format!(
            "{}% of {} have completed training on {term}.",
            rng.random_range(40..100),
            any(rng, GROUPS)
        ),
        3 => format!(
            "A review of {} by {} in {} found {}.",
            phrase(rng, topic),
            any(rng, BODIES),
            held_on.year() - 1,
            finding(rng, topic)
        ),
        4 => format!(
            "The Force works with {} and {} to {} {term}.",
            skewed(rng, PARTNERS),
            any(rng, PARTNERS),
            skewed(rng, VERBS)
        ),
        5 => format!(
            "Officers use {term} to {} {}.",
            skewed(rng, VERBS),
            phrase(rng, topic)
        ),
        6 => format!(
            "Monthly data on {} is shared with the OPCC and published on the Force's website.",
            phrase(rng, topic)
        ),
        7 => format!(
            "The Force aims to {} {} by {}.",
            skewed(rng, VERBS),
            phrase(rng, topic),
            held_on.year() + 1
        ),
        _ => format!(
            "Work on {} is now {} in {}.",
            phrase(rng, topic),
            skewed(rng, ADJECTIVES),
            any(rng, AREAS)
        ),
    }
}

/// What a review found.
fn finding(rng: &mut impl Rng, topic: &Topic) -> String {
    match rng.random_range(0..3) {
        0 => format!("good practice in {}", phrase(rng, topic)),
        1 => format!("areas for improvement in {}", phrase(rng, topic)),
        _ => format!(
            "that {} needed to be more {}",
            skewed(rng, NOUNS),
            skewed(rng, ADJECTIVES)
        ),
    }
}

/// A shorter point, under a sentence.
fn point(rng: &mut impl Rng, topic: &Topic, held_on: NaiveDate) -> String {
    match rng.random_range(0..4) {
        0 => format!(
            "{} {} in {}.",
            rng.random_range(5..400),
            topic.offences,
            any(rng, AREAS)
        ),
        1 => format!(
            "{} in {}, against {} the year before.",
            rng.random_range(10..900),
            year(rng, held_on),
            rng.random_range(10..900)
        ),
        2 => format!("Plans to {} {}.", skewed(rng, VERBS), phrase(rng, topic)),
        _ => format!(
            "Including {} and {}.",
            skewed(rng, topic.terms),
            phrase(rng, topic)
        ),
    }
}

/// Why the PCC decided as they did.
pub(super) fn rationale(rng: &mut impl Rng, topic: &Topic, decision: Decision) -> String {
    match decision {
        Decision::Assured => format!(
            "The PCC was assured by the evidence of {} and a clear plan to {} {}.",
            phrase(rng, topic),
            skewed(rng, VERBS),
            phrase(rng, topic)
        ),
        Decision::PartlyAssured => format!(
            "The PCC was partly assured: {} has improved, but more is needed to {} {}. An update was requested.",
            phrase(rng, topic),
            skewed(rng, VERBS),
            phrase(rng, topic)
        ),
        Decision::NotAssured => format!(
            "The PCC was not assured: the Force could not show how it will {} {}.",
            skewed(rng, VERBS),
            phrase(rng, topic)
        ),
    }
}

/// A note of progress on an action.
pub(super) fn progress_note(rng: &mut impl Rng, topic: &Topic) -> String {
    match rng.random_range(0..4) {
        0 => format!("Update received: work on {} is on track.", phrase(rng, topic)),
        1 => format!("Data on {} shared with the OPCC.", phrase(rng, topic)),
        2 => format!(
            "Delayed while {} is reviewed; a new date has been agreed.",
            phrase(rng, topic)
        ),
        _ => format!("Discussed with {} at the monthly meeting.", any(rng, PARTNERS)),
    }
}
