//! Hearing what changed: a connection of its own listens on the channel the
//! database's triggers notify, for as long as the cache exists, connecting
//! again (with backoff) when the database goes away.
//!
//! Notices: a record's id (its pages and every archive page are stale),
//! `*` (archive pages), and `sync:INSTANCE:N`, an instance's own mark that
//! it has heard everything committed before it.

use std::sync::Weak;
use std::sync::atomic::Ordering;
use std::time::Duration;

use super::Inner;

/// The channel of migration 0013's triggers.
pub(super) const CHANNEL: &str = "scrutiny_public";

pub(super) fn sync_token(instance: &str, n: u64) -> String {
    format!("sync:{instance}:{n}")
}

/// What one notice means.
#[derive(Debug, PartialEq, Eq)]
enum Notice<'a> {
    Record(i64),
    Archive,
    Sync {
        instance: &'a str,
        n: u64,
    },
    /// Something this version does not know: treat everything as changed.
    Unknown,
}

fn notice(payload: &str) -> Notice<'_> {
    if payload == "*" {
        return Notice::Archive;
    }
    if let Some(rest) = payload.strip_prefix("sync:") {
        return match rest.split_once(':').map(|(i, n)| (i, n.parse::<u64>())) {
            Some((instance, Ok(n))) => Notice::Sync { instance, n },
            _ => Notice::Unknown,
        };
    }
    payload.parse().map_or(Notice::Unknown, Notice::Record)
}

impl Inner {
    fn hear(&self, payload: &str) {
        match notice(payload) {
            Notice::Record(id) => self.record_changed(id),
            Notice::Archive => self.archive_changed(),
            Notice::Sync { instance, n } => {
                if instance == self.instance {
                    let waiter = self.waiting.lock().ok().and_then(|mut w| w.remove(&n));
                    if let Some(waiter) = waiter {
                        let _ = waiter.send(());
                    }
                }
            }
            Notice::Unknown => self.everything_changed(),
        }
    }

    /// Connected or not: the cache is used only while connected, and
    /// whatever was kept may have missed a notice either way.
    fn set_listening(&self, listening: bool) {
        self.everything_changed();
        self.listening.store(listening, Ordering::Release);
        self.everything_changed();
    }
}

/// Listens until the cache is dropped.
pub(super) async fn listen(cache: Weak<Inner>) {
    loop {
        let options = || cache.upgrade().map(|c| (*c.pool.connect_options()).clone());
        let Some(mut listener) = crate::db::notices::listen(options, CHANNEL, "the page cache").await else {
            return;
        };
        match cache.upgrade() {
            Some(cache) => cache.set_listening(true),
            None => return,
        }
        loop {
            let heard = listener.try_recv().await;
            let Some(cache) = cache.upgrade() else { return };
            match heard {
                Ok(Some(notification)) => cache.hear(notification.payload()),
                // The connection was lost and made again: notices may have
                // been missed meanwhile.
                Ok(None) => {
                    tracing::warn!("the page cache's connection was lost and made again");
                    cache.everything_changed();
                }
                Err(e) => {
                    tracing::warn!(error = %e, "the page cache stopped hearing changes; serving without it");
                    cache.set_listening(false);
                    break;
                }
            }
        }
    }
}

/// Makes everything stale when the date changes in London: pages say what
/// is overdue and what is coming up.
pub(super) async fn new_days(cache: Weak<Inner>) {
    let mut today = crate::domain::london::today();
    let mut every_minute = tokio::time::interval(Duration::from_secs(60));
    loop {
        every_minute.tick().await;
        let Some(cache) = cache.upgrade() else { return };
        let now = crate::domain::london::today();
        if now != today {
            today = now;
            cache.everything_changed();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_name_a_record_the_archive_or_an_instance_mark() {
        assert_eq!(notice("42"), Notice::Record(42));
        assert_eq!(notice("*"), Notice::Archive);
        assert_eq!(
            notice(&sync_token("abc", 7)),
            Notice::Sync {
                instance: "abc",
                n: 7
            }
        );
        for odd in ["", "x", "sync:abc", "sync:abc:x", "4 2"] {
            assert_eq!(notice(odd), Notice::Unknown, "{odd}");
        }
    }
}
