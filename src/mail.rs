//! Sending the outbox over SMTP with lettre: a task claims the messages
//! due (several instances share the work, see `db::outbox::claim`), sends
//! each, and marks it sent, or records the error and tries again later,
//! waiting twice as long each time. It wakes when a message is written
//! (PostgreSQL `NOTIFY`) and every few seconds besides. With no SMTP
//! server configured nothing is sent: the messages wait in the outbox,
//! which an admin reads at `/staff/outbox`. A relay whose certificate the
//! office's own authority signed is trusted when that authority is given
//! (`--smtp-ca-file`). Alerts to the public carry RFC 8058's one-click
//! `List-Unsubscribe` headers.

use std::sync::Arc;
use std::time::Duration;

use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::PgPool;
use tokio::sync::Notify;
use tokio::task::AbortHandle;

use crate::db::outbox::{self, CHANNEL, Claimed};

/// Messages claimed at a time.
const BATCH: i64 = 20;
/// How long a claimed message is held before another sender may take it.
const LEASE_SECONDS: f64 = 300.0;
/// How long a sender waits for the next notice before looking anyway.
const POLL: Duration = Duration::from_secs(5);
/// The wait before the first try again, doubled each time up to [`MOST_RETRY_SECONDS`].
const FIRST_RETRY_SECONDS: f64 = 2.0;
const MOST_RETRY_SECONDS: f64 = 3600.0;
/// The longest an SMTP exchange may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// How to send: the SMTP server's address and the sender's address.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `smtp://host:25` (plain), `smtp://user:password@host:587?tls=required`
    /// (STARTTLS) or `smtps://user:password@host:465` (TLS).
    pub smtp_url: String,
    /// The From address: `Office name <scrutiny@example.org>` or an address.
    pub from: String,
    /// A PEM file of the certificate authority that signed the SMTP
    /// server's certificate, when that is not a public one (an office's
    /// own mail relay): trusted besides the public authorities.
    pub ca_file: Option<std::path::PathBuf>,
}

/// Why the mail settings cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("--smtp-url is not an SMTP address ({0}): give one such as smtp://mail.example.org:25")]
    Url(String),
    #[error("--mail-from is not an email address ({0}): give one such as \"Office <scrutiny@example.org>\"")]
    From(String),
    #[error("--smtp-ca-file cannot be used: {0}")]
    Ca(String),
}

/// The sending tasks: they stop when this is dropped.
pub struct Sender {
    tasks: Vec<AbortHandle>,
}

impl Drop for Sender {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl Sender {
    /// Starts sending `pool`'s outbox as `settings` say. Call within a
    /// Tokio runtime.
    pub fn start(pool: PgPool, settings: &Settings) -> Result<Sender, SettingsError> {
        let transport = transport(settings)?;
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|e: lettre::address::AddressError| SettingsError::From(e.to_string()))?;
        let wake = Arc::new(Notify::new());
        let listening = tokio::spawn(hear(pool.clone(), wake.clone()));
        let sending = tokio::spawn(run(pool, transport, from, wake));
        Ok(Sender {
            tasks: vec![listening.abort_handle(), sending.abort_handle()],
        })
    }
}

/// The SMTP transport `settings` describe: the address's server, port,
/// credentials and TLS, trusting `ca_file`'s authority too if it is given.
fn transport(settings: &Settings) -> Result<AsyncSmtpTransport<Tokio1Executor>, SettingsError> {
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(&settings.smtp_url)
        .map_err(|e| SettingsError::Url(e.to_string()))?
        .timeout(Some(SMTP_TIMEOUT));
    if let Some(path) = &settings.ca_file {
        let ca = |why: String| SettingsError::Ca(format!("{}: {why}", path.display()));
        let pem = std::fs::read(path).map_err(|e| ca(e.to_string()))?;
        let authority = Certificate::from_pem(&pem).map_err(|e| ca(e.to_string()))?;
        let url = url::Url::parse(&settings.smtp_url).map_err(|e| SettingsError::Url(e.to_string()))?;
        let host = url.host_str().unwrap_or_default().to_owned();
        let parameters = TlsParameters::builder(host)
            .add_root_certificate(authority)
            .build_rustls()
            .map_err(|e| ca(e.to_string()))?;
        let mode = url
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        let tls = match (url.scheme(), mode.as_deref()) {
            ("smtps", _) => Tls::Wrapper(parameters),
            ("smtp", Some("required")) => Tls::Required(parameters),
            ("smtp", Some("opportunistic")) => Tls::Opportunistic(parameters),
            _ => {
                return Err(ca(
                    "it is for a server reached over TLS: give an smtps:// address, or add ?tls=required"
                        .to_owned(),
                ));
            }
        };
        builder = builder.tls(tls);
    }
    Ok(builder.build())
}

/// Wakes the sender whenever a message is written.
async fn hear(pool: PgPool, wake: Arc<Notify>) {
    loop {
        let options = || Some((*pool.connect_options()).clone());
        let Some(mut listener) = crate::db::notices::listen(options, CHANNEL, "the mail sender").await else {
            return;
        };
        // A notice, or the connection made again (one may have been
        // missed meanwhile): look either way.
        while listener.try_recv().await.is_ok() {
            wake.notify_one();
        }
    }
}

/// Sends what is due, then waits to be woken (or for [`POLL`]), for ever.
async fn run(pool: PgPool, transport: AsyncSmtpTransport<Tokio1Executor>, from: Mailbox, wake: Arc<Notify>) {
    loop {
        loop {
            let batch = match outbox::claim(&pool, BATCH, LEASE_SECONDS).await {
                Ok(batch) => batch,
                Err(e) => {
                    tracing::warn!(error = %e, "the mail sender cannot read the outbox");
                    break;
                }
            };
            if batch.is_empty() {
                break;
            }
            for message in batch {
                let outcome = match email(&from, &message) {
                    Ok(email) => transport.send(email).await.map(|_| ()).map_err(|e| e.to_string()),
                    Err(why) => Err(why),
                };
                let marked = match outcome {
                    Ok(()) => outbox::sent(&pool, message.id).await,
                    Err(why) => {
                        tracing::warn!(id = message.id, error = %why, "a message could not be sent; it will be tried again");
                        outbox::failed(&pool, message.id, &why, retry_in(message.attempts)).await
                    }
                };
                if let Err(e) = marked {
                    tracing::warn!(id = message.id, error = %e, "the mail sender cannot mark a message");
                }
            }
        }
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(POLL) => {}
        }
    }
}

/// Seconds to wait before trying again a message tried `attempts` times.
fn retry_in(attempts: i32) -> f64 {
    let doublings = attempts.clamp(0, 20);
    (FIRST_RETRY_SECONDS * 2f64.powi(doublings)).min(MOST_RETRY_SECONDS)
}

/// The email for `message`: plain text and HTML alternatives, with a
/// Message-ID made from the outbox row, so that a message sent again
/// after a crash is known as the same one.
fn email(from: &Mailbox, message: &Claimed) -> Result<Message, String> {
    let to: Mailbox = message
        .recipient
        .parse()
        .map_err(|e: lettre::address::AddressError| {
            format!("the address {} is not valid: {e}", message.recipient)
        })?;
    let host = from.email.domain();
    let mut builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(&message.subject)
        .message_id(Some(format!("<outbox-{}@{host}>", message.id)));
    if let Some(url) = &message.unsubscribe_url {
        builder = builder
            .header(ListUnsubscribe(format!("<{url}>")))
            .header(ListUnsubscribePost);
    }
    builder
        .multipart(MultiPart::alternative_plain_html(
            message.body_text.clone(),
            message.body_html.clone(),
        ))
        .map_err(|e| e.to_string())
}

/// `List-Unsubscribe: <https://…>`: where a mail program stops an alert
/// (RFC 2369).
#[derive(Debug, Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(s.to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click`: that address
/// stops the alerts on a POST alone, with no page to read (RFC 8058).
#[derive(Debug, Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribePost)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tries_again_after_waits_that_double_up_to_an_hour() {
        assert_eq!(retry_in(0), 2.0);
        assert_eq!(retry_in(1), 4.0);
        assert_eq!(retry_in(5), 64.0);
        assert_eq!(retry_in(11), 3600.0);
        assert_eq!(retry_in(i32::MAX), 3600.0);
        assert_eq!(retry_in(-1), 2.0);
    }

    #[test]
    fn an_email_has_both_bodies_and_a_message_id_of_its_row() {
        let from: Mailbox = "Office <scrutiny@example.org>".parse().expect("from");
        let message = Claimed {
            id: 42,
            recipient: "pcc@example.org".to_owned(),
            subject: "For your review: Stalking".to_owned(),
            body_text: "Plain".to_owned(),
            body_html: "<p>Rich</p>".to_owned(),
            attempts: 0,
            unsubscribe_url: None,
        };
        let raw = String::from_utf8(email(&from, &message).expect("email").formatted()).expect("utf-8");
        assert!(raw.contains("Message-ID: <outbox-42@example.org>"), "{raw}");
        assert!(raw.contains("To: pcc@example.org"), "{raw}");
        assert!(raw.contains("Subject: For your review: Stalking"), "{raw}");
        assert!(raw.contains("text/plain") && raw.contains("text/html"), "{raw}");
        assert!(!raw.contains("List-Unsubscribe"), "only alerts have it: {raw}");
        let alert = Claimed {
            unsubscribe_url: Some("https://example.org/alerts/unsubscribe/ab12".to_owned()),
            ..message.clone()
        };
        let raw = String::from_utf8(email(&from, &alert).expect("email").formatted()).expect("utf-8");
        assert!(
            raw.contains("List-Unsubscribe: <https://example.org/alerts/unsubscribe/ab12>\r\n"),
            "{raw}"
        );
        assert!(
            raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"),
            "{raw}"
        );
        let bad = Claimed {
            recipient: "not an address".to_owned(),
            ..message
        };
        assert!(email(&from, &bad).unwrap_err().contains("not an address"));
    }

    #[tokio::test]
    async fn settings_that_cannot_be_used_say_why() {
        let pool = sqlx::PgPool::connect_lazy("postgres://localhost/none").expect("lazy");
        let bad_url = Settings {
            smtp_url: "ftp://example.org".to_owned(),
            from: "a@example.org".to_owned(),
            ca_file: None,
        };
        assert!(matches!(
            Sender::start(pool.clone(), &bad_url),
            Err(SettingsError::Url(_))
        ));
        let bad_from = Settings {
            smtp_url: "smtp://localhost:25".to_owned(),
            from: "nobody".to_owned(),
            ca_file: None,
        };
        assert!(matches!(
            Sender::start(pool.clone(), &bad_from),
            Err(SettingsError::From(_))
        ));
        let missing_ca = Settings {
            smtp_url: "smtp://localhost:587?tls=required".to_owned(),
            from: "a@example.org".to_owned(),
            ca_file: Some("/nowhere/ca.pem".into()),
        };
        let error = Sender::start(pool.clone(), &missing_ca).err().expect("refused");
        assert!(error.to_string().contains("/nowhere/ca.pem"), "{error}");
        let ca = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/smtp-tls/ca.pem");
        let plain_with_ca = Settings {
            smtp_url: "smtp://localhost:25".to_owned(),
            from: "a@example.org".to_owned(),
            ca_file: Some(ca.into()),
        };
        let error = Sender::start(pool, &plain_with_ca).err().expect("refused");
        assert!(error.to_string().contains("?tls=required"), "{error}");
    }
}
