//! The messages to subscribers of alerts: the link that confirms them, and
//! an alert for each record published, corrected, withdrawn or reinstated
//! on their topic. Each has its own link that stops the alerts, in its body
//! and in its `List-Unsubscribe` header (`mail::email` adds the RFC 8058
//! headers).

use askama::Template;
use sqlx::PgConnection;

use crate::db::alerts::{self, Purpose, Subscription};
use crate::db::outbox::{self, Kind, NewMessage, Subscriber};
use crate::domain::site::Site;
use crate::web::filters;

/// A new link that stops `subscription`'s alerts, for one message.
async fn unsubscribe_link(
    conn: &mut PgConnection,
    site: &Site,
    subscription: &Subscription,
) -> crate::db::Result<String> {
    let token = alerts::add_token(conn, subscription.id, Purpose::Unsubscribe).await?;
    Ok(format!("{}/alerts/unsubscribe/{token}", site.public_url))
}

/// A message to a subscriber of alerts, and the link in it that stops them
/// (sent as its `List-Unsubscribe` header too).
struct ToSubscriber<'a> {
    subscription: &'a Subscription,
    kind: Kind,
    subject: String,
    bodies: (String, String),
    meeting_id: Option<i64>,
    unsubscribe: &'a str,
}

async fn write(conn: &mut PgConnection, m: ToSubscriber<'_>) -> crate::db::Result<()> {
    let message = NewMessage {
        kind: m.kind,
        recipient: m.subscription.email.clone(),
        subject: m.subject.chars().take(300).collect(),
        body_text: m.bodies.0,
        body_html: m.bodies.1,
        meeting_id: m.meeting_id,
    };
    let subscriber = Subscriber {
        subscription_id: m.subscription.id,
        unsubscribe_url: m.unsubscribe,
    };
    outbox::add_to(conn, &message, Some(subscriber)).await?;
    Ok(())
}

fn render(e: askama::Error) -> sqlx::Error {
    sqlx::Error::Protocol(format!("a message could not be written: {e}"))
}

#[derive(Template)]
#[template(path = "mail/alert_confirm.txt")]
struct ConfirmText<'a> {
    m: &'a ConfirmMail<'a>,
}

#[derive(Template)]
#[template(path = "mail/alert_confirm.html")]
struct ConfirmHtml<'a> {
    m: &'a ConfirmMail<'a>,
}

struct ConfirmMail<'a> {
    site: &'a Site,
    s: &'a Subscription,
    link: String,
    days: i32,
    unsubscribe: &'a str,
}

/// Writes the message with the link that confirms `subscription`, in the
/// caller's transaction (a new link: the one sent before no longer works).
pub async fn confirmation(
    conn: &mut PgConnection,
    site: &Site,
    subscription: &Subscription,
) -> crate::db::Result<()> {
    let confirm = alerts::add_token(conn, subscription.id, Purpose::Confirm).await?;
    let unsubscribe = unsubscribe_link(conn, site, subscription).await?;
    let mail = ConfirmMail {
        site,
        s: subscription,
        link: format!("{}/alerts/confirm/{confirm}", site.public_url),
        days: alerts::CONFIRM_DAYS,
        unsubscribe: &unsubscribe,
    };
    let message = ToSubscriber {
        subscription,
        kind: Kind::AlertConfirm,
        subject: format!("Confirm your email alerts: {}", subscription.about()),
        bodies: (
            ConfirmText { m: &mail }.render().map_err(render)?,
            ConfirmHtml { m: &mail }.render().map_err(render)?,
        ),
        meeting_id: None,
        unsubscribe: &unsubscribe,
    };
    write(conn, message).await
}

/// What happened to a published record, as its alerts say.
#[derive(Debug, Clone, Copy)]
pub enum Change<'a> {
    /// Revision `number` was published: the first, or a correction for `reason`.
    Published { number: i32, reason: Option<&'a str> },
    /// The record was withdrawn, for `reason`.
    Withdrawn { reason: &'a str },
    /// The withdrawn record was put back, for `reason`.
    Reinstated { reason: &'a str },
}

#[derive(Template)]
#[template(path = "mail/alert.txt")]
struct AlertText<'a> {
    m: &'a AlertMail<'a>,
}

#[derive(Template)]
#[template(path = "mail/alert.html")]
struct AlertHtml<'a> {
    m: &'a AlertMail<'a>,
}

struct AlertMail<'a> {
    site: &'a Site,
    what: &'static str,
    record: &'a alerts::Published,
    /// How its questions were decided, for a publication.
    summary: Option<String>,
    said: Option<&'a str>,
    said_label: &'static str,
    link: String,
    link_label: &'static str,
    /// What the subscriber asked alerts on.
    about: String,
    unsubscribe: &'a str,
}

/// Writes the alerts `change` of meeting `meeting_id` causes, in the
/// caller's transaction: one to each confirmed subscriber of its topic
/// (as last published) or of every record. A withdrawal first deletes the
/// record's alerts not yet sent, and its own alert holds nothing of the
/// record but its title. Returns how many were written.
pub async fn tell_subscribers(
    conn: &mut PgConnection,
    site: &Site,
    meeting_id: i64,
    change: Change<'_>,
) -> crate::db::Result<usize> {
    if matches!(change, Change::Withdrawn { .. }) {
        alerts::cancel_unsent(conn, meeting_id).await?;
    }
    let Some(record) = alerts::published(conn, meeting_id).await? else {
        return Ok(0);
    };
    let subscriptions = alerts::confirmed_for(conn, &record.topic_slug).await?;
    if subscriptions.is_empty() {
        return Ok(0);
    }
    let title = format!(
        "{}: {}, {}",
        record.kind,
        record.topic,
        filters::date_text(&record.held_on)
    );
    let link = format!("{}/meetings/{}", site.public_url, record.slug);
    let (subject, what, summary, said, said_label, link_label) = match change {
        Change::Published { number: 1, .. } => (
            format!("New record: {title}"),
            "A record of a scrutiny meeting has been published.",
            Some(record.summary()),
            None,
            "",
            "Read the record",
        ),
        Change::Published { reason, .. } => (
            format!("Record corrected: {title}"),
            "A correction of a record of a scrutiny meeting has been published.",
            Some(record.summary()),
            reason,
            "The reason for the correction",
            "Read the corrected record",
        ),
        Change::Withdrawn { reason } => (
            format!("Record withdrawn: {title}"),
            "A record of a scrutiny meeting has been withdrawn from the public site.",
            None,
            Some(reason),
            "The reason",
            "Read the notice of its withdrawal",
        ),
        Change::Reinstated { reason } => (
            format!("Record reinstated: {title}"),
            "A withdrawn record of a scrutiny meeting is back on the public site.",
            Some(record.summary()),
            Some(reason),
            "The reason",
            "Read the record",
        ),
    };
    for subscription in &subscriptions {
        let unsubscribe = unsubscribe_link(conn, site, subscription).await?;
        let mail = AlertMail {
            site,
            what,
            record: &record,
            summary: summary.clone(),
            said,
            said_label,
            link: link.clone(),
            link_label,
            about: subscription.about().to_owned(),
            unsubscribe: &unsubscribe,
        };
        let message = ToSubscriber {
            subscription,
            kind: Kind::Alert,
            subject: subject.clone(),
            bodies: (
                AlertText { m: &mail }.render().map_err(render)?,
                AlertHtml { m: &mail }.render().map_err(render)?,
            ),
            meeting_id: Some(meeting_id),
            unsubscribe: &unsubscribe,
        };
        write(conn, message).await?;
    }
    Ok(subscriptions.len())
}
