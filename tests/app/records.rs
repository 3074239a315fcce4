//! Published records with the parts the portal's tests need: several
//! questions with evidence and rationales, and actions with owners, due
//! dates and statuses.

use scrutiny::db::records;
use scrutiny::domain::{Decision, MeetingSlug, Outline};
use sqlx::PgPool;

/// A question: its text, evidence (an outline), decision and rationale.
pub struct Q<'a>(pub &'a str, pub &'a str, pub Option<Decision>, pub &'a str);

/// An action: text, owner, due date (YYYY-MM-DD or ""), status code, and
/// the topic it re-visits, if it is a "re-visit" action.
pub struct A<'a>(
    pub &'a str,
    pub &'a str,
    pub &'a str,
    pub &'a str,
    pub Option<&'a str>,
);

/// Creates a meeting with `questions` and `actions`; publishes it when
/// `publish`. Returns its slug and id.
pub async fn record(
    pool: &PgPool,
    date: &str,
    topic: &str,
    questions: &[Q<'_>],
    actions: &[A<'_>],
    publish: bool,
) -> (String, i64) {
    let held_on = date.parse().expect("date");
    let slug = MeetingSlug::new(held_on, topic).expect("slug");
    let mut tx = pool.begin().await.expect("tx");
    let id = crate::common::new_meeting(&mut tx, date, topic, None).await;
    for Q(text, evidence, decision, rationale) in questions {
        let text = Outline::parse(text).expect("question outline");
        let evidence = Outline::parse(evidence).expect("evidence outline");
        let question = crate::common::add_question(&mut tx, id, &text, &evidence).await;
        if let Some(decision) = decision {
            crate::common::decide(&mut tx, question, *decision, rationale, None).await;
        }
    }
    for A(text, owner, due_on, status, revisit) in actions {
        let action = crate::common::add_action(&mut tx, id, text, *revisit).await;
        let due_on: Option<chrono::NaiveDate> =
            (!due_on.is_empty()).then(|| due_on.parse().expect("due date"));
        sqlx::query("update action set owner = $2, due_on = $3, status = $4 where id = $1")
            .bind(action)
            .bind(owner)
            .bind(due_on)
            .bind(status)
            .execute(&mut *tx)
            .await
            .expect("action fields");
    }
    if publish {
        records::publish(&mut tx, id, None, None).await.expect("publish");
    }
    tx.commit().await.expect("commit");
    (slug.to_string(), id)
}

/// A published record about `topic` with one question decided `decision`.
pub async fn simple(
    pool: &PgPool,
    date: &str,
    topic: &str,
    words: &str,
    decision: Option<Decision>,
) -> String {
    let question = format!("What is the Force doing about {words}?");
    record(
        pool,
        date,
        topic,
        &[Q(&question, "- The Force has a plan.", decision, "")],
        &[],
        true,
    )
    .await
    .0
}

/// Withdraws a published record, as the PCC would.
pub async fn withdraw(pool: &PgPool, meeting_id: i64) {
    sqlx::query(
        "update meeting set status = 'withdrawn', withdrawn_at = now(), withdrawn_reason = 'Published in error' where id = $1",
    )
    .bind(meeting_id)
    .execute(pool)
    .await
    .expect("withdraw");
}
