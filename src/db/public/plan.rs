//! The forward plan as the public sees it: the entries as staff last
//! published them, and the re-visit actions agreed in published records.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;

/// Where an entry of the forward plan comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum PlanSource {
    /// Planned by staff on the forward plan; its id.
    Planned(i64),
    /// A "re-visit" action of a published record: the record and action.
    Revisit { slug: String, number: i32 },
}

/// A topic on the forward plan.
#[derive(Debug, Clone)]
pub struct PlanItem {
    pub topic: String,
    /// `None` for a re-visit action with no due date yet.
    pub planned_on: Option<NaiveDate>,
    pub note: String,
    pub source: PlanSource,
    /// When the entry last changed (for calendar clients).
    pub changed_at: DateTime<Utc>,
}

/// The forward plan from `today` on: what staff planned, and the re-visit
/// actions of published records that are not done (by the index of those,
/// migration 0016), soonest first, undated re-visits last.
pub async fn forward_plan(conn: &mut PgConnection, today: NaiveDate) -> super::Result<Vec<PlanItem>> {
    let rows = sqlx::query!(
        r#"select f.id as "id!", f.published_topic as "topic!", f.published_on as planned_on, f.published_note as "note!",
                  null::text as slug, null::int as number, f.published_at as "changed_at!"
           from forward_plan f where f.published_at is not null and f.published_on >= $1
           union all
           select a.action_id, a.revisit_topic, a.due_on, ra.body, a.slug, a.number, p.published_at
           from public_action a
           join revision_action ra on ra.revision_id = a.revision_id and ra.number = a.number
           join public_record p on p.meeting_id = a.meeting_id
           where a.revisit_topic is not null and a.status <> 'done' and (a.due_on is null or a.due_on >= $1)
           order by 3 nulls last, 2, 1"#,
        today
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| PlanItem {
            source: match (r.slug, r.number) {
                (Some(slug), Some(number)) => PlanSource::Revisit { slug, number },
                _ => PlanSource::Planned(r.id),
            },
            topic: r.topic,
            planned_on: r.planned_on,
            note: r.note,
            changed_at: r.changed_at,
        })
        .collect())
}
