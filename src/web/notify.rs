//! Telling people what happened to a record: the messages a step of the
//! record's journey causes, written to the outbox in the step's own
//! transaction (so a step rolled back tells no one), each with plain-text
//! and HTML bodies rendered from `templates/mail/`, the office's name and
//! the absolute address of the page to open.

use askama::Template;
use sqlx::PgConnection;

use super::filters;
use crate::db::meetings;
use crate::db::outbox::{self, Kind, NewMessage};
use crate::domain::site::Site;

/// A step of a record's journey that people are told of.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// Staff sent the record to the PCC: the PCC is told.
    SentForReview,
    /// The PCC sent it back with `comment`: its authors are told.
    SentBack { comment: &'a str },
    /// The PCC published revision `number` (a correction after the first,
    /// with its `reason`): its authors are told.
    Published { number: i32, reason: Option<&'a str> },
    /// The PCC withdrew it, for `reason`: its authors are told.
    Withdrawn { reason: &'a str },
}

impl Event<'_> {
    fn kind(&self) -> Kind {
        match self {
            Event::SentForReview => Kind::ReviewRequested,
            Event::SentBack { .. } => Kind::SentBack,
            Event::Published { number: 1, .. } => Kind::Published,
            Event::Published { .. } => Kind::Corrected,
            Event::Withdrawn { .. } => Kind::Withdrawn,
        }
    }
}

#[derive(Template)]
#[template(path = "mail/record.txt")]
struct Text<'a> {
    m: &'a Mail<'a>,
}

#[derive(Template)]
#[template(path = "mail/record.html")]
struct Html<'a> {
    m: &'a Mail<'a>,
}

/// What both bodies of a message say.
struct Mail<'a> {
    site: &'a Site,
    kind: Kind,
    /// What happened, in a sentence.
    what: String,
    meeting: &'a meetings::Meeting,
    /// The PCC's comment or reason, if the step has one.
    said: Option<&'a str>,
    said_label: &'static str,
    /// The page to open, absolute.
    link: String,
    link_label: &'static str,
}

/// Writes the messages `event` on meeting `meeting_id` causes, in the
/// caller's transaction: one to each person to tell (the PCC, or the
/// record's authors but `by`) who has not turned that kind off, and for a
/// publication or withdrawal the public's alerts (`alerts::tell_subscribers`).
/// Returns how many staff messages were written.
pub async fn record(
    conn: &mut PgConnection,
    site: &Site,
    meeting_id: i64,
    event: Event<'_>,
    by: Option<i64>,
) -> crate::db::Result<usize> {
    let change = match event {
        Event::Published { number, reason } => Some(super::alerts::Change::Published { number, reason }),
        Event::Withdrawn { reason } => Some(super::alerts::Change::Withdrawn { reason }),
        Event::SentForReview | Event::SentBack { .. } => None,
    };
    if let Some(change) = change {
        super::alerts::tell_subscribers(conn, site, meeting_id, change).await?;
    }
    let kind = event.kind();
    let recipients = match event {
        Event::SentForReview => outbox::accounts_with_role(conn, "pcc", kind).await?,
        _ => outbox::authors(conn, meeting_id, by, kind).await?,
    };
    if recipients.is_empty() {
        return Ok(0);
    }
    let meeting = meetings::get(conn, meeting_id)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?;
    let title = format!(
        "{}: {}, {}",
        meeting.details.kind,
        meeting.details.topic,
        filters::date_text(&meeting.details.held_on)
    );
    let staff_page = format!("{}/staff/meetings/{meeting_id}", site.public_url);
    let public_page = format!("{}/meetings/{}", site.public_url, meeting.slug);
    let (subject, what, said, said_label, link, link_label) = match event {
        Event::SentForReview => (
            format!("For your review: {title}"),
            "A record has been sent to you for review and decision.".to_owned(),
            None,
            "",
            format!("{}/staff/review/{meeting_id}", site.public_url),
            "Review the record",
        ),
        Event::SentBack { comment } => (
            format!("Sent back: {title}"),
            "The PCC has sent a record you worked on back to draft, with a comment.".to_owned(),
            Some(comment),
            "The PCC's comment",
            staff_page,
            "Open the record",
        ),
        Event::Published { number: 1, .. } => (
            format!("Published: {title}"),
            "The PCC has published a record you worked on.".to_owned(),
            None,
            "",
            public_page,
            "Read the published record",
        ),
        Event::Published { number, reason } => (
            format!("Correction published: {title}"),
            format!("The PCC has published a correction (revision {number}) of a record you worked on."),
            reason,
            "The reason for the correction",
            public_page,
            "Read the corrected record",
        ),
        Event::Withdrawn { reason } => (
            format!("Withdrawn: {title}"),
            "The PCC has withdrawn a record you worked on from the public site.".to_owned(),
            Some(reason),
            "The reason",
            staff_page,
            "Open the record",
        ),
    };
    let mail = Mail {
        site,
        kind,
        what,
        meeting: &meeting,
        said,
        said_label,
        link,
        link_label,
    };
    let render = |e: askama::Error| sqlx::Error::Protocol(format!("a message could not be written: {e}"));
    let body_text = Text { m: &mail }.render().map_err(render)?;
    let body_html = Html { m: &mail }.render().map_err(render)?;
    for recipient in &recipients {
        let message = NewMessage {
            kind,
            recipient: recipient.clone(),
            subject: subject.chars().take(300).collect(),
            body_text: body_text.clone(),
            body_html: body_html.clone(),
            meeting_id: Some(meeting_id),
        };
        outbox::add(conn, &message).await?;
    }
    Ok(recipients.len())
}

/// Days ahead an action is due to be in the digest.
pub const DIGEST_DAYS: u64 = 14;

/// The London hour from which the day's digest is made.
const DIGEST_HOUR: u32 = 7;

/// How often each instance looks whether the day's digest is due.
const DIGEST_LOOK: std::time::Duration = std::time::Duration::from_secs(600);

/// An action as the digest lists it.
struct DigestLine {
    action: crate::db::outbox::DueAction,
    /// "3 days overdue", "due today", "due in 5 days".
    when: String,
    link: String,
}

/// What both bodies of a digest say.
struct Digest<'a> {
    site: &'a Site,
    today: chrono::NaiveDate,
    lines: &'a [&'a DigestLine],
    /// Sent to the office's contact address (all actions), not an owner.
    office: bool,
}

#[derive(Template)]
#[template(path = "mail/digest.txt")]
struct DigestText<'a> {
    d: &'a Digest<'a>,
}

#[derive(Template)]
#[template(path = "mail/digest.html")]
struct DigestHtml<'a> {
    d: &'a Digest<'a>,
}

/// Makes `today`'s digest of actions due within [`DIGEST_DAYS`] or
/// overdue, once across every instance (an advisory lock, and the day
/// recorded in `digest_day`, in one transaction): to each owner who is an
/// account (by name or email address) or whose owner text gives an email
/// address, their actions; to the office's contact address, all of them.
/// Returns the messages written, or `None` if the day's digest was made
/// already (or is being made by another instance).
pub async fn action_digest(
    pool: &sqlx::PgPool,
    site: &Site,
    today: chrono::NaiveDate,
) -> crate::db::Result<Option<usize>> {
    let mut tx = pool.begin().await?;
    if !outbox::claim_digest_day(&mut tx, today).await? {
        // Now, not when the connection is next used: the lock is the
        // transaction's, and another instance may be waiting for it.
        tx.rollback().await?;
        return Ok(None);
    }
    let by = today + chrono::Days::new(DIGEST_DAYS);
    let actions = outbox::due_actions(&mut tx, by).await?;
    let lines: Vec<DigestLine> = actions
        .into_iter()
        .map(|action| {
            let days = (action.due_on - today).num_days();
            let when = match days {
                ..-1 => format!("{} days overdue", -days),
                -1 => "1 day overdue".to_owned(),
                0 => "due today".to_owned(),
                1 => "due tomorrow".to_owned(),
                _ => format!("due in {days} days"),
            };
            let link = if action.public {
                format!("{}/meetings/{}#actions", site.public_url, action.slug)
            } else {
                format!("{}/staff/actions/{}", site.public_url, action.id)
            };
            DigestLine { action, when, link }
        })
        .collect();
    // Recipient → their lines, in the order of the digest.
    let mut to: std::collections::BTreeMap<String, (bool, Vec<&DigestLine>)> = Default::default();
    for line in &lines {
        let mut owners = outbox::accounts_named(&mut tx, &line.action.owner).await?;
        owners.extend(
            linkify::LinkFinder::new()
                .kinds(&[linkify::LinkKind::Email])
                .links(&line.action.owner)
                .map(|link| link.as_str().to_lowercase()),
        );
        owners.sort();
        owners.dedup();
        for owner in owners {
            to.entry(owner).or_default().1.push(line);
        }
    }
    let office = site.contact_email.trim().to_lowercase();
    if !office.is_empty() && !lines.is_empty() {
        to.insert(office, (true, lines.iter().collect()));
    }
    let render = |e: askama::Error| sqlx::Error::Protocol(format!("a message could not be written: {e}"));
    for (recipient, (office, mine)) in &to {
        let subject = match mine.len() {
            1 => format!("1 action due or overdue, {}", filters::date_text(&today)),
            n => format!("{n} actions due or overdue, {}", filters::date_text(&today)),
        };
        let digest = Digest {
            site,
            today,
            lines: mine,
            office: *office,
        };
        let message = NewMessage {
            kind: Kind::ActionDigest,
            recipient: recipient.clone(),
            subject,
            body_text: DigestText { d: &digest }.render().map_err(render)?,
            body_html: DigestHtml { d: &digest }.render().map_err(render)?,
            meeting_id: None,
        };
        outbox::add(&mut tx, &message).await?;
    }
    outbox::digest_made(&mut tx, today, to.len() as i32).await?;
    tx.commit().await?;
    Ok(Some(to.len()))
}

/// Makes each day's digest from [`DIGEST_HOUR`] in London, looking every
/// ten minutes; every instance runs it, and one makes each day's. Stops
/// when the returned handle is aborted.
pub fn start_daily_digest(pool: sqlx::PgPool, site: super::site::SiteSettings) -> tokio::task::AbortHandle {
    let task = tokio::spawn(async move {
        let mut every = tokio::time::interval(DIGEST_LOOK);
        loop {
            every.tick().await;
            let now = crate::domain::london::local(chrono::Utc::now());
            if chrono::Timelike::hour(&now) < DIGEST_HOUR {
                continue;
            }
            if let Err(e) = action_digest(&pool, &site.current(), now.date_naive()).await {
                tracing::warn!(error = %e, "the day's digest of actions could not be made; it will be tried again");
            }
        }
    });
    task.abort_handle()
}
