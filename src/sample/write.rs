//! Writing a planned record as staff and the PCC write one, step by step
//! through the same `db` functions as the editor (`web/staff/meetings.rs`,
//! `questions.rs`, `actions.rs`), the review (`review.rs`, `decisions.rs`)
//! and the withdrawal page (`withdrawal.rs`). Each page's step is one
//! transaction there; here the steps of one sitting share one: the record's
//! writing and publication, the progress noted on its actions later, its
//! correction, its withdrawal.

use anyhow::Context;
use sqlx::{PgConnection, PgPool};

use super::plan::{Plan, PlannedCorrection};
use crate::db::accounts::{self, NewAccount};
use crate::db::actions::{self, ActionFields};
use crate::db::meetings::{self, Saved};
use crate::db::{questions, records, review, workflow};
use crate::domain::account::{Email, Role};

/// The accounts sample records are written by: a member of staff and a
/// PCC, each disabled and with no password that any password matches, so
/// that nobody can sign in as them.
#[derive(Debug, Clone, Copy)]
pub struct Authors {
    pub staff: i64,
    pub pcc: i64,
}

/// Not a password hash: no password verifies against it.
const NO_PASSWORD: &str = "!";

/// The sample accounts, made on the first run.
pub async fn authors(pool: &PgPool) -> anyhow::Result<Authors> {
    Ok(Authors {
        staff: author(
            pool,
            "sample.staff@example.org",
            "Sample staff writer",
            Role::Staff,
        )
        .await?,
        pcc: author(pool, "sample.pcc@example.org", "Sample PCC", Role::Pcc).await?,
    })
}

async fn author(pool: &PgPool, email: &str, name: &str, role: Role) -> anyhow::Result<i64> {
    let email = Email::parse(email).map_err(|m| anyhow::anyhow!("{m}"))?;
    let mut tx = pool.begin().await?;
    if let Some(account) = accounts::by_email(&mut tx, &email).await? {
        return Ok(account.id);
    }
    let new = NewAccount {
        email: &email,
        name,
        role,
        password_hash: NO_PASSWORD,
        must_change_password: true,
    };
    let id = accounts::create(&mut tx, new, None)
        .await?
        .with_context(|| format!("the account {email} was made meanwhile: run again"))?;
    accounts::set_disabled(&mut tx, id, true, None).await?;
    tx.commit().await?;
    Ok(id)
}

/// How often a record is tried again when its address was taken meanwhile
/// (by someone else writing at the same moment).
const TRIES: usize = 3;

/// Writes the whole story of `plan`.
pub async fn record(pool: &PgPool, by: Authors, plan: &Plan) -> anyhow::Result<()> {
    let mut tries = 0;
    let written = loop {
        tries += 1;
        match publish(pool, by, plan).await {
            Err(e) if tries < TRIES && is_unique_violation(&e) => continue,
            other => break other.context("publishing it failed")?,
        }
    };
    follow_up(pool, by, plan, &written)
        .await
        .context("noting progress failed")?;
    if let Some(correction) = &plan.correction {
        correct(pool, by, correction, &written)
            .await
            .context("correcting it failed")?;
    }
    if let Some(reason) = &plan.withdrawal {
        let mut tx = pool.begin().await?;
        records::withdraw(&mut tx, written.meeting, Some(by.pcc), reason).await?;
        tx.commit().await?;
    }
    Ok(())
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// The ids of a record as written.
struct Written {
    meeting: i64,
    questions: Vec<i64>,
    actions: Vec<i64>,
}

/// Staff write the record and send it to the PCC, who decides each
/// question and publishes it.
async fn publish(pool: &PgPool, by: Authors, plan: &Plan) -> sqlx::Result<Written> {
    let mut tx = pool.begin().await?;
    let (meeting, _) = meetings::create(&mut tx, &plan.details, Some(by.staff)).await?;
    let mut written = Written {
        meeting,
        questions: Vec::with_capacity(plan.questions.len()),
        actions: Vec::with_capacity(plan.actions.len()),
    };
    for q in &plan.questions {
        let (text, evidence) = (q.text.to_text(), q.evidence.to_text());
        written
            .questions
            .push(questions::add(&mut tx, meeting, &text, &evidence, Some(by.staff)).await?);
    }
    for a in &plan.actions {
        written
            .actions
            .push(actions::add(&mut tx, meeting, &a.agreed, Some(by.staff)).await?);
    }
    step(
        workflow::submit(&mut tx, meeting, by.staff).await?,
        "send it to the PCC",
    )?;
    for (q, &id) in plan.questions.iter().zip(&written.questions) {
        workflow::decide(&mut tx, id, meeting, q.decision, &q.rationale, Some(by.pcc)).await?;
    }
    records::publish(&mut tx, meeting, Some(by.pcc), None).await?;
    tx.commit().await?;
    Ok(written)
}

/// Later, staff note the actions' progress and change their status.
async fn follow_up(pool: &PgPool, by: Authors, plan: &Plan, written: &Written) -> sqlx::Result<()> {
    let changed: Vec<_> = plan
        .actions
        .iter()
        .zip(&written.actions)
        .filter(|(a, _)| !a.progress.is_empty() || a.status != a.agreed.status)
        .collect();
    if changed.is_empty() {
        return Ok(());
    }
    let mut tx = pool.begin().await?;
    for (a, &id) in changed {
        let action = actions::get(&mut tx, id).await?.ok_or(sqlx::Error::RowNotFound)?;
        for note in &a.progress {
            actions::add_progress(&mut tx, &action, note.noted_on, &note.note, by.staff).await?;
        }
        if a.status != a.agreed.status {
            let fields = ActionFields {
                status: a.status,
                ..a.agreed.clone()
            };
            // Each note took the action to its next version.
            let version = action.version + a.progress.len() as i32;
            saved(actions::update(&mut tx, id, version, &fields, by.staff).await?)?;
        }
    }
    tx.commit().await
}

/// The PCC starts a correction; staff correct a question's evidence and
/// send it back; the PCC confirms (or changes) the decision and publishes
/// the correction with its reason.
async fn correct(
    pool: &PgPool,
    by: Authors,
    correction: &PlannedCorrection,
    written: &Written,
) -> sqlx::Result<()> {
    let meeting = written.meeting;
    let question = *written
        .questions
        .get(correction.question)
        .ok_or(sqlx::Error::RowNotFound)?;
    let mut tx = pool.begin().await?;
    step(
        workflow::start_correction(&mut tx, meeting, by.pcc).await?,
        "start a correction",
    )?;
    let before = questions::get(&mut tx, question)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?;
    let evidence = correction.evidence.to_text();
    saved(
        questions::update(
            &mut tx,
            question,
            before.version,
            &before.body,
            &evidence,
            by.staff,
        )
        .await?,
    )?;
    step(
        workflow::submit(&mut tx, meeting, by.staff).await?,
        "send the correction to the PCC",
    )?;
    decide_again(&mut tx, by, correction, meeting, question).await?;
    records::publish(&mut tx, meeting, Some(by.pcc), Some(&correction.reason)).await?;
    tx.commit().await
}

/// The decision on a question whose evidence changed: a new one, or the
/// same one confirmed.
async fn decide_again(
    tx: &mut PgConnection,
    by: Authors,
    correction: &PlannedCorrection,
    meeting: i64,
    question: i64,
) -> sqlx::Result<()> {
    match &correction.decision {
        Some((decision, rationale)) => {
            workflow::decide(tx, question, meeting, *decision, rationale, Some(by.pcc)).await
        }
        None => step(
            review::confirm(tx, question, meeting, by.pcc).await?,
            "confirm the decision",
        ),
    }
}

/// A step of the journey the record was not in the state to take.
fn step(moved: bool, what: &str) -> sqlx::Result<()> {
    if moved {
        Ok(())
    } else {
        Err(sqlx::Error::Protocol(format!(
            "the sample record could not {what}"
        )))
    }
}

fn saved(saved: Saved) -> sqlx::Result<()> {
    step(saved == Saved::Saved, "be saved: its version changed")
}
