//! Email alerts for the public (migration 0028): subscriptions by topic or
//! to every record, confirmed by a link (double opt-in), each message with
//! a link that stops them. The links' tokens are random and kept only as
//! their SHA-256; an address is deleted, with every message to it, when
//! its alerts are stopped.

use chrono::{DateTime, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};

/// Requests for alerts allowed per client address in [`WINDOW_MINUTES`].
pub const MAX_PER_ADDRESS: i64 = 10;
/// Requests for alerts allowed per email address in [`WINDOW_MINUTES`]:
/// nobody can have an address sent more than this many confirmations.
pub const MAX_PER_EMAIL: i64 = 3;
pub const WINDOW_MINUTES: i32 = 60;
/// How long a request waits to be confirmed before it is deleted.
pub const CONFIRM_DAYS: i32 = 7;

/// What a link's token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Confirm,
    Unsubscribe,
}

impl Purpose {
    fn code(self) -> &'static str {
        match self {
            Purpose::Confirm => "confirm",
            Purpose::Unsubscribe => "unsubscribe",
        }
    }
}

/// Someone's alerts: on one topic, or on every record (`topic_slug` none).
#[derive(Debug, Clone)]
pub struct Subscription {
    pub id: i64,
    pub email: String,
    pub topic_slug: Option<String>,
    pub topic: Option<String>,
    pub requested_at: DateTime<Utc>,
    pub confirmed_at: Option<DateTime<Utc>>,
}

impl Subscription {
    /// What the alerts are about, in words: "Stalking" or "every record".
    pub fn about(&self) -> &str {
        self.topic.as_deref().unwrap_or("every record")
    }
}

/// A new token: the text for the link, and what is kept of it.
fn new_token() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let hash = hash(&token);
    (token, hash)
}

fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Whether `text` can be a token as [`new_token`] makes them.
pub fn well_formed(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// Counts a request for alerts from `address` for `email` against both
/// limits, in the caller's transaction, and records it if both allow it.
/// False if either limit is reached (and nothing is recorded).
pub async fn allow_request(conn: &mut PgConnection, address: &str, email: &str) -> super::Result<bool> {
    let email_hash = hex::encode(Sha256::digest(email.as_bytes()));
    // One request at a time per address, then per email address (always
    // in that order), so that requests sent at once are counted in turn.
    sqlx::query!(
        "select pg_advisory_xact_lock(hashtextextended('alerts address ' || $1, 0))",
        address
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "select pg_advisory_xact_lock(hashtextextended('alerts email ' || $1, 0))",
        email_hash
    )
    .execute(&mut *conn)
    .await?;
    let counts = sqlx::query!(
        r#"select
             (select count(*) from alert_request
              where address = $1 and at > clock_timestamp() - make_interval(mins => $3)) as "address!",
             (select count(*) from alert_request
              where email_hash = $2 and at > clock_timestamp() - make_interval(mins => $3)) as "email!""#,
        address,
        email_hash,
        WINDOW_MINUTES,
    )
    .fetch_one(&mut *conn)
    .await?;
    if counts.address >= MAX_PER_ADDRESS || counts.email >= MAX_PER_EMAIL {
        return Ok(false);
    }
    sqlx::query!(
        "insert into alert_request (address, email_hash, at) values ($1, $2, clock_timestamp())",
        address,
        email_hash,
    )
    .execute(&mut *conn)
    .await?;
    Ok(true)
}

/// The subscription of `email` to `topic` (by its slug and name; none for
/// every record), made if there is none. Asking again for an unconfirmed
/// one starts its week again.
pub async fn request(
    conn: &mut PgConnection,
    email: &str,
    topic: Option<(&str, &str)>,
) -> super::Result<Subscription> {
    let (topic_slug, topic) = topic.unzip();
    sqlx::query_as!(
        Subscription,
        "insert into alert_subscription (email, topic_slug, topic) values ($1, $2, $3)
         on conflict (email, coalesce(topic_slug, '')) do update
             set topic = excluded.topic,
                 requested_at = case when alert_subscription.confirmed_at is null then now()
                                     else alert_subscription.requested_at end
         returning id, email, topic_slug, topic, requested_at, confirmed_at",
        email,
        topic_slug,
        topic,
    )
    .fetch_one(conn)
    .await
}

/// A new token for `purpose` on subscription `id`: the text for its link.
/// A new confirmation token replaces the one before.
pub async fn add_token(conn: &mut PgConnection, id: i64, purpose: Purpose) -> super::Result<String> {
    if purpose == Purpose::Confirm {
        sqlx::query!(
            "delete from alert_token where subscription_id = $1 and purpose = 'confirm'",
            id
        )
        .execute(&mut *conn)
        .await?;
    }
    let (token, hash) = new_token();
    sqlx::query!(
        "insert into alert_token (hash, subscription_id, purpose) values ($1, $2, $3)",
        hash,
        id,
        purpose.code(),
    )
    .execute(conn)
    .await?;
    Ok(token)
}

/// The subscription `token` is a `purpose` link of, if any (a confirmation
/// link only within [`CONFIRM_DAYS`]).
pub async fn by_token(
    conn: &mut PgConnection,
    token: &str,
    purpose: Purpose,
) -> super::Result<Option<Subscription>> {
    if !well_formed(token) {
        return Ok(None);
    }
    sqlx::query_as!(
        Subscription,
        "select s.id, s.email, s.topic_slug, s.topic, s.requested_at, s.confirmed_at
         from alert_token t join alert_subscription s on s.id = t.subscription_id
         where t.hash = $1 and t.purpose = $2
           and (t.purpose <> 'confirm' or t.created_at > now() - make_interval(days => $3))",
        hash(token),
        purpose.code(),
        CONFIRM_DAYS,
    )
    .fetch_optional(conn)
    .await
}

/// Confirms subscription `id` (once; its confirmation link is used up).
pub async fn confirm(conn: &mut PgConnection, id: i64) -> super::Result<()> {
    sqlx::query!(
        "update alert_subscription set confirmed_at = coalesce(confirmed_at, now()) where id = $1",
        id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "delete from alert_token where subscription_id = $1 and purpose = 'confirm'",
        id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes subscription `id`: its address, its tokens and every message
/// written to it, sent or not.
pub async fn remove(conn: &mut PgConnection, id: i64) -> super::Result<()> {
    sqlx::query!("delete from alert_subscription where id = $1", id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The confirmed subscriptions a record on the topic at `topic_slug` is
/// sent to: that topic's and every record's.
pub async fn confirmed_for(conn: &mut PgConnection, topic_slug: &str) -> super::Result<Vec<Subscription>> {
    sqlx::query_as!(
        Subscription,
        "select id, email, topic_slug, topic, requested_at, confirmed_at from alert_subscription
         where confirmed_at is not null and (topic_slug is null or topic_slug = $1)
         order by id",
        topic_slug,
    )
    .fetch_all(conn)
    .await
}

/// Deletes the alerts about meeting `meeting_id` not yet sent: a record
/// withdrawn before its alerts went is not sent to anyone after.
pub async fn cancel_unsent(conn: &mut PgConnection, meeting_id: i64) -> super::Result<u64> {
    let deleted = sqlx::query!(
        "delete from outbox where kind = 'alert' and meeting_id = $1 and sent_at is null",
        meeting_id
    )
    .execute(conn)
    .await?;
    Ok(deleted.rows_affected())
}

/// Deletes requests never confirmed within [`CONFIRM_DAYS`], and the
/// records of requests older than a day.
pub async fn sweep(pool: &PgPool) -> super::Result<u64> {
    let mut tx = pool.begin().await?;
    let unconfirmed = sqlx::query!(
        "delete from alert_subscription
         where confirmed_at is null and requested_at < now() - make_interval(days => $1)",
        CONFIRM_DAYS
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!("delete from alert_request where at < now() - interval '1 day'")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(unconfirmed.rows_affected())
}

/// A record as last published, as its alerts name it.
#[derive(Debug, Clone)]
pub struct Published {
    pub slug: String,
    pub kind: String,
    pub topic: String,
    pub topic_slug: String,
    pub held_on: chrono::NaiveDate,
    pub questions: i64,
    pub assured: i64,
    pub partly_assured: i64,
    pub not_assured: i64,
}

impl Published {
    /// Its questions and how they were decided, in words: "3 questions:
    /// 1 assured, 2 partly assured".
    pub fn summary(&self) -> String {
        let questions = match self.questions {
            1 => "1 question".to_owned(),
            n => format!("{n} questions"),
        };
        let decided: Vec<String> = [
            (self.assured, "assured"),
            (self.partly_assured, "partly assured"),
            (self.not_assured, "not assured"),
        ]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        if decided.is_empty() {
            questions
        } else {
            format!("{questions}: the Commissioner was {}", decided.join(", "))
        }
    }
}

/// Meeting `meeting_id` as its latest revision has it (whatever a
/// correction being drafted says), if it was ever published.
pub async fn published(conn: &mut PgConnection, meeting_id: i64) -> super::Result<Option<Published>> {
    sqlx::query_as!(
        Published,
        r#"select m.slug, coalesce(r.content->>'kind', '') as "kind!", r.topic, r.topic_slug, r.held_on,
                  t.questions as "questions!", t.assured as "assured!",
                  t.partly_assured as "partly_assured!", t.not_assured as "not_assured!"
           from revision r join meeting m on m.id = r.meeting_id
           cross join lateral (
               select count(*) as questions,
                      count(*) filter (where q->'decision'->>'value' = 'assured') as assured,
                      count(*) filter (where q->'decision'->>'value' = 'partly_assured') as partly_assured,
                      count(*) filter (where q->'decision'->>'value' = 'not_assured') as not_assured
               from jsonb_array_elements(coalesce(r.content->'questions', '[]')) q
           ) t
           where r.meeting_id = $1
           order by r.number desc limit 1"#,
        meeting_id
    )
    .fetch_optional(conn)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(questions: i64, assured: i64, partly_assured: i64, not_assured: i64) -> Published {
        Published {
            slug: "2025-02-11-road-safety".to_owned(),
            kind: "Scrutiny meeting".to_owned(),
            topic: "Road Safety".to_owned(),
            topic_slug: "road-safety".to_owned(),
            held_on: chrono::NaiveDate::from_ymd_opt(2025, 2, 11).expect("date"),
            questions,
            assured,
            partly_assured,
            not_assured,
        }
    }

    #[test]
    fn a_summary_names_each_decision_given_and_only_those() {
        assert_eq!(
            record(4, 2, 0, 1).summary(),
            "4 questions: the Commissioner was 2 assured, 1 not assured"
        );
        assert_eq!(
            record(1, 0, 1, 0).summary(),
            "1 question: the Commissioner was 1 partly assured"
        );
        assert_eq!(record(3, 0, 0, 0).summary(), "3 questions");
    }

    #[test]
    fn only_tokens_as_made_are_looked_up() {
        let (token, hash) = new_token();
        assert!(well_formed(&token));
        assert_eq!(hash, super::hash(&token));
        assert_eq!(hash.len(), 32);
        assert_ne!(new_token().0, token, "each is new");
        assert!(!well_formed(&token.to_uppercase()));
        assert!(!well_formed(&token[1..]));
        assert!(!well_formed("x'<script>"));
    }
}
