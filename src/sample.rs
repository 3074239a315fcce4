//! `scrutiny sample --records N`: adds N realistic published records, for
//! benchmarks, load tests and tests that need an archive of some size.
//!
//! Each record is planned first (`plan`, its sentences from `text`, made of
//! the words in `words`), then written as staff and the PCC write one
//! (`write`): created, questions and actions added, sent to the PCC,
//! decided, published; progress noted on its actions afterwards; about one
//! in twenty corrected and about one in a hundred withdrawn. Every step calls the same `db` function the editor,
//! the review and the withdrawal pages call, so each revision is frozen,
//! hashed and entered in the ledger as a real one is, with its audit rows,
//! and `scrutiny verify` passes.
//!
//! The same seed gives the same records on the same day: a record's
//! content depends only on the seed and its place in the seed's sequence of
//! dates and topics. Dates and topics already used are skipped, so a second
//! run adds different records, never a second record at an address.

mod plan;
mod text;
mod words;
mod write;

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{Days, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sqlx::PgPool;

use crate::domain::MeetingSlug;
use plan::Plan;
use words::TOPICS;
use write::Authors;

/// The seed when none is given, so that two runs compare like with like.
/// Its first thirty records include three corrected and one withdrawn.
pub const DEFAULT_SEED: u64 = 20_241_211;

/// How many records are written at once, each in transactions of its own
/// on a connection of its own (the pool holds ten).
const WORKERS: usize = 6;

/// Meetings are held on any of the last twenty years of days.
const DAYS: u64 = 20 * 365 + 5;

/// How often progress is reported.
pub const PROGRESS_EVERY: u32 = 5_000;

/// What was added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub records: u32,
    pub corrected: u32,
    pub withdrawn: u32,
    pub questions: u32,
    pub actions: u32,
}

impl Summary {
    fn add(&mut self, other: &Summary) {
        self.records += other.records;
        self.corrected += other.corrected;
        self.withdrawn += other.withdrawn;
        self.questions += other.questions;
        self.actions += other.actions;
    }
}

/// How far a run has got.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    pub done: u32,
    pub of: u32,
    pub elapsed: Duration,
}

/// Reports progress every [`PROGRESS_EVERY`] records.
pub type OnProgress = Arc<dyn Fn(Progress) + Send + Sync>;

/// Adds `records` sample records made from `seed`, several at a time.
/// Records written before an error stay, each whole.
pub async fn run(pool: &PgPool, records: u32, seed: u64, on_progress: OnProgress) -> anyhow::Result<Summary> {
    let authors = write::authors(pool).await?;
    let today = crate::domain::london::today();
    let taken = taken_slugs(pool).await?;
    let slots = free_slots(seed, today, &taken, records as usize);
    let shared = Arc::new(Shared {
        pool: pool.clone(),
        authors,
        seed,
        sequence: Sequence::new(seed),
        today,
        slots,
        next: AtomicUsize::new(0),
        done: AtomicU32::new(0),
        started: Instant::now(),
        on_progress,
    });
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..WORKERS {
        workers.spawn(work(Arc::clone(&shared)));
    }
    let mut summary = Summary::default();
    // An error returns at once; dropping the set stops the other workers.
    while let Some(done) = workers.join_next().await {
        summary.add(&done.context("a sample worker failed")??);
    }
    Ok(summary)
}

/// What the workers share.
struct Shared {
    pool: PgPool,
    authors: Authors,
    seed: u64,
    sequence: Sequence,
    today: NaiveDate,
    /// The place of each record to write in the seed's sequence.
    slots: Vec<u64>,
    /// The next of `slots` to write.
    next: AtomicUsize,
    done: AtomicU32,
    started: Instant,
    on_progress: OnProgress,
}

/// Writes records until none is left; returns what it wrote.
async fn work(shared: Arc<Shared>) -> anyhow::Result<Summary> {
    let mut summary = Summary::default();
    loop {
        let Some(&k) = shared.slots.get(shared.next.fetch_add(1, Ordering::Relaxed)) else {
            return Ok(summary);
        };
        let (topic, held_on) = shared.sequence.slot(k, shared.today);
        let plan = Plan::new(shared.seed, k, &TOPICS[topic], held_on, shared.today);
        let slug = MeetingSlug::new(plan.details.held_on, &plan.details.topic);
        write::record(&shared.pool, shared.authors, &plan)
            .await
            .with_context(|| {
                format!(
                    "the sample record {} could not be written",
                    slug.map(|s| s.to_string()).unwrap_or_default()
                )
            })?;
        summary.add(&Summary {
            records: 1,
            corrected: u32::from(plan.correction.is_some()),
            withdrawn: u32::from(plan.withdrawal.is_some()),
            questions: plan.questions.len() as u32,
            actions: plan.actions.len() as u32,
        });
        let done = shared.done.fetch_add(1, Ordering::Relaxed) + 1;
        if done.is_multiple_of(PROGRESS_EVERY) {
            (shared.on_progress)(Progress {
                done,
                of: shared.slots.len() as u32,
                elapsed: shared.started.elapsed(),
            });
        }
    }
}

/// The addresses already in use.
async fn taken_slugs(pool: &PgPool) -> anyhow::Result<HashSet<String>> {
    let mut conn = pool.acquire().await?;
    let meetings = crate::db::archive::meetings(&mut conn).await?;
    Ok(meetings.into_iter().map(|(_, slug)| slug).collect())
}

/// The first `count` places of the seed's sequence whose date and topic
/// make an address not in `taken`. Once every date and topic is used (more
/// than 190,000 records), places are used again: the app then gives their
/// addresses a `-2`, as it does to any second meeting on a day and topic.
fn free_slots(seed: u64, today: NaiveDate, taken: &HashSet<String>, count: usize) -> Vec<u64> {
    let sequence = Sequence::new(seed);
    let mut slots = Vec::with_capacity(count);
    let mut k = 0;
    while slots.len() < count {
        let (topic, held_on) = sequence.slot(k, today);
        let slug = MeetingSlug::new(held_on, TOPICS[topic].name).map(|s| s.to_string());
        if k >= sequence.size || slug.is_none_or(|s| !taken.contains(&s)) {
            slots.push(k);
        }
        k += 1;
    }
    slots
}

/// The seed's sequence of dates and topics: a permutation of every pair of
/// a day of the last twenty years and a topic, so that no two places of it
/// share an address while there are pairs left.
#[derive(Debug, Clone, Copy)]
struct Sequence {
    size: u64,
    step: u64,
    start: u64,
}

impl Sequence {
    fn new(seed: u64) -> Sequence {
        let size = DAYS * TOPICS.len() as u64;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        // A stream no record uses.
        rng.set_stream(u64::MAX);
        let mut step = rng.random_range(size / 3..size);
        while gcd(step, size) != 1 {
            step += 1;
        }
        Sequence {
            size,
            step,
            start: rng.random_range(0..size),
        }
    }

    /// The topic (an index of `TOPICS`) and date of place `k`.
    fn slot(self, k: u64, today: NaiveDate) -> (usize, NaiveDate) {
        let pair = (u128::from(k % self.size) * u128::from(self.step) + u128::from(self.start))
            % u128::from(self.size);
        let pair = pair as u64;
        let topics = TOPICS.len() as u64;
        ((pair % topics) as usize, today - Days::new(pair / topics))
    }
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 1).expect("a date")
    }

    #[test]
    fn the_sequence_gives_every_day_and_topic_once() {
        let sequence = Sequence::new(DEFAULT_SEED);
        let pairs: HashSet<_> = (0..sequence.size).map(|k| sequence.slot(k, today())).collect();
        assert_eq!(pairs.len() as u64, sequence.size);
        let oldest = pairs.iter().map(|(_, d)| *d).min().expect("a date");
        assert_eq!(oldest, today() - Days::new(DAYS - 1));
    }

    #[test]
    fn the_first_records_spread_over_twenty_years_and_every_topic() {
        let sequence = Sequence::new(DEFAULT_SEED);
        let first: Vec<_> = (0..100).map(|k| sequence.slot(k, today())).collect();
        let topics: HashSet<_> = first.iter().map(|(t, _)| *t).collect();
        assert!(topics.len() >= 20, "{topics:?}");
        let years: HashSet<_> = first.iter().map(|(_, d)| chrono::Datelike::year(d)).collect();
        assert!(years.len() >= 15, "{years:?}");
    }

    #[test]
    fn the_default_seeds_first_thirty_records_include_corrected_and_withdrawn_ones() {
        let sequence = Sequence::new(DEFAULT_SEED);
        let plans: Vec<_> = free_slots(DEFAULT_SEED, today(), &HashSet::new(), 30)
            .into_iter()
            .map(|k| {
                let (topic, held_on) = sequence.slot(k, today());
                Plan::new(DEFAULT_SEED, k, &TOPICS[topic], held_on, today())
            })
            .collect();
        assert_eq!(plans.iter().filter(|p| p.correction.is_some()).count(), 3);
        assert_eq!(plans.iter().filter(|p| p.withdrawal.is_some()).count(), 1);
    }

    #[test]
    fn addresses_in_use_are_skipped() {
        let first = free_slots(1, today(), &HashSet::new(), 10);
        let taken: HashSet<_> = first
            .iter()
            .map(|&k| {
                let (topic, held_on) = Sequence::new(1).slot(k, today());
                MeetingSlug::new(held_on, TOPICS[topic].name)
                    .expect("slug")
                    .to_string()
            })
            .collect();
        let next = free_slots(1, today(), &taken, 10);
        assert!(next.iter().all(|k| !first.contains(k)), "{first:?} {next:?}");
    }
}
