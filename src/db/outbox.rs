//! The outbox: messages written in the caller's transaction, with the
//! change that causes them, then claimed and sent by `crate::mail`.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

/// Channel a new message is announced on, so that a sender wakes at once.
pub const CHANNEL: &str = "scrutiny_outbox";

/// What a message is about; each kind can be turned off by an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A record was sent to the PCC for review.
    ReviewRequested,
    /// The PCC sent a record back to draft with a comment.
    SentBack,
    /// A record was published for the first time.
    Published,
    /// A correction of a record was published.
    Corrected,
    /// A published record was withdrawn.
    Withdrawn,
    /// The day's actions due within 14 days or overdue.
    ActionDigest,
    /// To someone who asked for alerts: the link that confirms them.
    AlertConfirm,
    /// To someone who confirmed alerts: a record on their topic was
    /// published, corrected, withdrawn or put back.
    Alert,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::ReviewRequested,
        Kind::SentBack,
        Kind::Published,
        Kind::Corrected,
        Kind::Withdrawn,
        Kind::ActionDigest,
        Kind::AlertConfirm,
        Kind::Alert,
    ];

    /// The kinds sent to accounts, each of which an account can turn off
    /// (alerts to the public are stopped by the link in each).
    pub const ACCOUNT: [Kind; 6] = [
        Kind::ReviewRequested,
        Kind::SentBack,
        Kind::Published,
        Kind::Corrected,
        Kind::Withdrawn,
        Kind::ActionDigest,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Kind::ReviewRequested => "review_requested",
            Kind::SentBack => "sent_back",
            Kind::Published => "published",
            Kind::Corrected => "corrected",
            Kind::Withdrawn => "withdrawn",
            Kind::ActionDigest => "action_digest",
            Kind::AlertConfirm => "alert_confirm",
            Kind::Alert => "alert",
        }
    }

    pub fn from_code(code: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.code() == code)
    }

    /// The kind as the account page and the outbox name it.
    pub fn label(self) -> &'static str {
        match self {
            Kind::ReviewRequested => "A record is sent to the PCC for review",
            Kind::SentBack => "A record I worked on is sent back with a comment",
            Kind::Published => "A record I worked on is published",
            Kind::Corrected => "A correction of a record I worked on is published",
            Kind::Withdrawn => "A record I worked on is withdrawn",
            Kind::ActionDigest => "Each morning, the actions I own that are due within 14 days or overdue",
            Kind::AlertConfirm => "Public alerts: the link that confirms them",
            Kind::Alert => {
                "Public alert: a record on the topic was published, corrected, withdrawn or put back"
            }
        }
    }
}

/// A message to write.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub kind: Kind,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub meeting_id: Option<i64>,
}

/// Writes `message`, in the caller's transaction, and announces it (the
/// announcement is delivered only if the transaction commits).
pub async fn add(conn: &mut PgConnection, message: &NewMessage) -> super::Result<i64> {
    add_to(conn, message, None).await
}

/// To whom, and how they stop messages of a subscription to alerts.
#[derive(Debug, Clone, Copy)]
pub struct Subscriber<'a> {
    pub subscription_id: i64,
    /// Where a POST stops the alerts (RFC 8058 one-click).
    pub unsubscribe_url: &'a str,
}

/// As [`add`], `message` to a `subscriber` of alerts: deleted with their
/// subscription, and sent with `List-Unsubscribe` headers.
pub async fn add_to(
    conn: &mut PgConnection,
    message: &NewMessage,
    subscriber: Option<Subscriber<'_>>,
) -> super::Result<i64> {
    let id = sqlx::query_scalar!(
        "insert into outbox (kind, recipient, subject, body_text, body_html, meeting_id, subscription_id, unsubscribe_url)
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning id",
        message.kind.code(),
        message.recipient,
        message.subject,
        message.body_text,
        message.body_html,
        message.meeting_id,
        subscriber.map(|s| s.subscription_id),
        subscriber.map(|s| s.unsubscribe_url),
    )
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query!("select pg_notify($1, '')", CHANNEL)
        .execute(&mut *conn)
        .await?;
    Ok(id)
}

/// A message claimed for sending.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub attempts: i32,
    /// For an alert, where a POST stops them (RFC 8058).
    pub unsubscribe_url: Option<String>,
}

/// Claims up to `limit` messages due to be sent, holding each for
/// `lease_seconds`: another sender skips them meanwhile (and takes them up
/// if this one dies before it marks them).
pub async fn claim(pool: &PgPool, limit: i64, lease_seconds: f64) -> super::Result<Vec<Claimed>> {
    sqlx::query_as!(
        Claimed,
        "update outbox o set claimed_until = now() + make_interval(secs => $2)
         from (select id from outbox
               where sent_at is null and send_after <= now()
                 and (claimed_until is null or claimed_until < now())
               order by send_after, id
               limit $1
               for update skip locked) due
         where o.id = due.id
         returning o.id, o.recipient, o.subject, o.body_text, o.body_html, o.attempts, o.unsubscribe_url",
        limit,
        lease_seconds,
    )
    .fetch_all(pool)
    .await
}

/// Marks message `id` sent.
pub async fn sent(pool: &PgPool, id: i64) -> super::Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "update outbox set sent_at = now(), claimed_until = null, attempts = attempts + 1, last_error = null
         where id = $1",
        id
    )
    .execute(&mut *tx)
    .await?;
    // Not if the message was deleted meanwhile (its alerts stopped).
    sqlx::query!(
        "insert into outbox_attempt (message_id) select id from outbox where id = $1",
        id
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Records a failed try to send message `id`, to be tried again after
/// `retry_in_seconds`.
pub async fn failed(pool: &PgPool, id: i64, error: &str, retry_in_seconds: f64) -> super::Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "update outbox set claimed_until = null, attempts = attempts + 1, last_error = $2,
                send_after = now() + make_interval(secs => $3)
         where id = $1",
        id,
        error,
        retry_in_seconds,
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "insert into outbox_attempt (message_id, error) select id, $2 from outbox where id = $1",
        id,
        error
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// A message as the outbox page lists it.
#[derive(Debug, Clone)]
pub struct Listed {
    pub id: i64,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub created_at: DateTime<Utc>,
    pub send_after: DateTime<Utc>,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// The newest messages, `limit` of them from `offset`, and how many there are.
pub async fn list(conn: &mut PgConnection, limit: i64, offset: i64) -> super::Result<(Vec<Listed>, i64)> {
    let total = sqlx::query_scalar!(r#"select count(*) as "n!" from outbox"#)
        .fetch_one(&mut *conn)
        .await?;
    let rows = sqlx::query_as!(
        Listed,
        "select id, kind, recipient, subject, created_at, send_after, attempts, last_error, sent_at
         from outbox order by created_at desc, id desc limit $1 offset $2",
        limit,
        offset,
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok((rows, total))
}

/// One message, whole, as an admin reads it.
#[derive(Debug, Clone)]
pub struct Message {
    pub id: i64,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub created_at: DateTime<Utc>,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
}

pub async fn get(conn: &mut PgConnection, id: i64) -> super::Result<Option<Message>> {
    sqlx::query_as!(
        Message,
        "select id, kind, recipient, subject, body_text, created_at, attempts, last_error, sent_at
         from outbox where id = $1",
        id
    )
    .fetch_optional(conn)
    .await
}

/// The enabled accounts with `role` that have not turned `kind` off: their
/// email addresses.
pub async fn accounts_with_role(
    conn: &mut PgConnection,
    role: &str,
    kind: Kind,
) -> super::Result<Vec<String>> {
    sqlx::query_scalar!(
        "select email from account
         where role = $1 and disabled_at is null and not (coalesce(notices_off, '{}') @> array[$2])
         order by email",
        role,
        kind.code(),
    )
    .fetch_all(conn)
    .await
}

/// The record's authors who want `kind`: the enabled accounts that changed
/// meeting `meeting_id` (as its audit log says), other than `but`.
pub async fn authors(
    conn: &mut PgConnection,
    meeting_id: i64,
    but: Option<i64>,
    kind: Kind,
) -> super::Result<Vec<String>> {
    sqlx::query_scalar!(
        "select a.email from account a
         where a.disabled_at is null and a.id is distinct from $2
           and not (coalesce(a.notices_off, '{}') @> array[$3])
           and a.role in ('staff', 'admin')
           and exists (select 1 from audit_log l where l.meeting_id = $1 and l.account_id = a.id)
         order by a.email",
        meeting_id,
        but,
        kind.code(),
    )
    .fetch_all(conn)
    .await
}

/// The kinds account `id` has turned off.
pub async fn notices_off(conn: &mut PgConnection, id: i64) -> super::Result<Vec<Kind>> {
    let codes = sqlx::query_scalar!(
        r#"select coalesce(notices_off, '{}') as "codes!" from account where id = $1"#,
        id
    )
    .fetch_one(conn)
    .await?;
    Ok(codes.iter().filter_map(|code| Kind::from_code(code)).collect())
}

/// Sets the kinds account `id` has turned off.
pub async fn set_notices_off(conn: &mut PgConnection, id: i64, off: &[Kind]) -> super::Result<()> {
    let codes: Vec<String> = off.iter().map(|kind| kind.code().to_owned()).collect();
    sqlx::query!("update account set notices_off = $2 where id = $1", id, &codes)
        .execute(conn)
        .await?;
    Ok(())
}

/// Advisory lock key of making the day's digest: one instance at a time.
const DIGEST_LOCK: i64 = 0x5343_5255_4449_4745; // "SCRUDIGE"

/// Claims the making of `day`'s digest, in the caller's transaction: false
/// if another instance is making it or it was made already. The claim is
/// undone if the transaction rolls back.
pub async fn claim_digest_day(conn: &mut PgConnection, day: chrono::NaiveDate) -> super::Result<bool> {
    let locked = sqlx::query_scalar!(
        r#"select pg_try_advisory_xact_lock($1) as "locked!""#,
        DIGEST_LOCK
    )
    .fetch_one(&mut *conn)
    .await?;
    if !locked {
        return Ok(false);
    }
    let claimed = sqlx::query_scalar!(
        "insert into digest_day (day) values ($1) on conflict do nothing returning day",
        day
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(claimed.is_some())
}

/// Records how many messages `day`'s digest made.
pub async fn digest_made(
    conn: &mut PgConnection,
    day: chrono::NaiveDate,
    messages: i32,
) -> super::Result<()> {
    sqlx::query!(
        "update digest_day set messages = $2 where day = $1",
        day,
        messages
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The enabled accounts that go by `owner` (their name or email address,
/// in any case) and want the digest: their email addresses.
pub async fn accounts_named(conn: &mut PgConnection, owner: &str) -> super::Result<Vec<String>> {
    sqlx::query_scalar!(
        "select email from account
         where disabled_at is null and not (coalesce(notices_off, '{}') @> array['action_digest'])
           and ((name <> '' and lower(name) = lower(btrim($1))) or email = lower(btrim($1)))
         order by email",
        owner
    )
    .fetch_all(conn)
    .await
}

/// An action in the digest.
#[derive(Debug, Clone)]
pub struct DueAction {
    pub id: i64,
    pub topic: String,
    pub held_on: chrono::NaiveDate,
    pub slug: String,
    /// Whether its record has a public revision.
    pub public: bool,
    pub number: i32,
    pub body: String,
    pub owner: String,
    pub due_on: chrono::NaiveDate,
}

/// The actions not yet done (open or in progress) due on or before `by`,
/// of records not withdrawn, soonest first.
pub async fn due_actions(conn: &mut PgConnection, by: chrono::NaiveDate) -> super::Result<Vec<DueAction>> {
    sqlx::query_as!(
        DueAction,
        r#"select a.id, m.topic, m.held_on, m.slug,
                  exists (select 1 from revision r where r.meeting_id = m.id) as "public!",
                  a.number as "number!", a.body, a.owner, a.due_on as "due_on!"
           from action a join meeting m on m.id = a.meeting_id
           where a.status in ('open', 'in_progress') and a.due_on is not null and a.due_on <= $1
             and m.status <> 'withdrawn' and not a.removed
           order by a.due_on, m.topic, a.number"#,
        by
    )
    .fetch_all(conn)
    .await
}

/// A message to someone, as their dashboard lists it.
#[derive(Debug, Clone)]
pub struct Notice {
    pub kind: String,
    pub subject: String,
    pub created_at: DateTime<Utc>,
    pub meeting_id: Option<i64>,
}

impl Notice {
    /// The staff page the message is about.
    pub fn href(&self) -> String {
        match (Kind::from_code(&self.kind), self.meeting_id) {
            (Some(Kind::ReviewRequested), Some(id)) => format!("/staff/review/{id}"),
            (_, Some(id)) => format!("/staff/meetings/{id}"),
            (_, None) => "/staff#actions-due".to_owned(),
        }
    }
}

/// The newest messages written to `email` in the last 30 days, sent or not.
pub async fn notices(conn: &mut PgConnection, email: &str, limit: i64) -> super::Result<Vec<Notice>> {
    sqlx::query_as!(
        Notice,
        "select kind, subject, created_at, meeting_id from outbox
         where recipient = $1 and created_at > now() - interval '30 days' and subscription_id is null
         order by created_at desc, id desc limit $2",
        email,
        limit
    )
    .fetch_all(conn)
    .await
}

/// How long a sent message is kept, for the outbox page and the dashboard.
pub const KEPT_DAYS: i32 = 90;

/// Deletes the messages sent more than [`KEPT_DAYS`] ago (and their tries):
/// messages hold people's addresses, kept no longer than they are of use.
/// Messages never sent are kept, for an admin to see what failed.
pub async fn sweep(pool: &PgPool) -> super::Result<u64> {
    let deleted = sqlx::query!(
        "delete from outbox where sent_at < now() - make_interval(days => $1)",
        KEPT_DAYS
    )
    .execute(pool)
    .await?;
    Ok(deleted.rows_affected())
}
