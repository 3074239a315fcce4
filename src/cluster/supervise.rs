//! The supervisor of the server we started: it notices that PostgreSQL
//! died (the wrapper exits with it) and starts it again, with backoff,
//! logging why, until it is back or the cluster is stopped.

use std::process::Child;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{Launch, stop_child};

/// Our server's wrapper process, and the supervisor that starts it again
/// when PostgreSQL dies (killed, or by the OOM killer).
#[derive(Debug)]
pub(super) struct Server {
    shared: Arc<Shared>,
    supervisor: Option<std::thread::JoinHandle<()>>,
}

#[derive(Debug, Default)]
struct Shared {
    child: Mutex<Option<Child>>,
    stopping: AtomicBool,
}

/// How often the supervisor looks at the server.
const WATCH_EVERY: Duration = Duration::from_millis(250);
/// The first wait before a restart, doubled after each failed try up to
/// `MAX_BACKOFF`: the old server's backends must first notice that their
/// postmaster died and let go of its shared memory.
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
const MAX_BACKOFF: Duration = Duration::from_secs(30);

impl Server {
    /// Takes charge of `child`, started from `launch`; with `supervised`,
    /// starts it again whenever it dies.
    pub(super) fn watch(launch: Launch, child: Child, supervised: bool) -> Server {
        let shared = Arc::new(Shared {
            child: Mutex::new(Some(child)),
            stopping: AtomicBool::new(false),
        });
        let supervisor = supervised.then(|| {
            let shared = Arc::clone(&shared);
            std::thread::spawn(move || supervise(&launch, &shared))
        });
        Server { shared, supervisor }
    }

    /// Stops the supervisor first (so nothing starts again), then the
    /// server, and waits for both.
    pub(super) fn stop(mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        if let Some(supervisor) = self.supervisor.take() {
            let _ = supervisor.join();
        }
        let child = self.shared.child.lock().ok().and_then(|mut c| c.take());
        if let Some(child) = child {
            stop_child(child);
        }
    }
}

/// Watches our server until the cluster is stopped; whenever PostgreSQL has
/// exited without being asked to, starts it again.
fn supervise(launch: &Launch, shared: &Shared) {
    while !shared.stopping.load(Ordering::SeqCst) {
        std::thread::sleep(WATCH_EVERY);
        let exited = match shared.child.lock() {
            Ok(mut child) => match child.as_mut().map(Child::try_wait) {
                Some(Ok(Some(status))) => Some(status.to_string()),
                Some(Err(e)) => Some(e.to_string()),
                _ => None,
            },
            Err(_) => return,
        };
        if let Some(why) = exited {
            if shared.stopping.load(Ordering::SeqCst) {
                return;
            }
            tracing::error!(
                exit = %why,
                log = %launch.log.display(),
                "PostgreSQL stopped unexpectedly; starting it again"
            );
            restart(launch, shared);
        }
    }
}

/// Starts the server again, waiting longer after each failed try, until it
/// is back or the cluster is being stopped.
fn restart(launch: &Launch, shared: &Shared) {
    let mut backoff = FIRST_BACKOFF;
    let mut tries = 0u32;
    loop {
        if !pause(shared, backoff) {
            return;
        }
        tries += 1;
        match launch.start() {
            Ok(child) => {
                let mut slot = match shared.child.lock() {
                    Ok(slot) => slot,
                    Err(_) => return stop_child(child),
                };
                if shared.stopping.load(Ordering::SeqCst) {
                    drop(slot);
                    return stop_child(child);
                }
                if let Some(old) = slot.replace(child) {
                    drop(old);
                }
                tracing::info!(tries, "PostgreSQL is running again");
                return;
            }
            Err(e) => {
                backoff = (backoff * 2).min(MAX_BACKOFF);
                tracing::warn!(
                    tries,
                    retry_in = ?backoff,
                    error = %e,
                    "PostgreSQL did not start again; trying later"
                );
            }
        }
    }
}

/// Sleeps for `how_long` unless the cluster is stopped meanwhile; says
/// whether to go on.
fn pause(shared: &Shared, how_long: Duration) -> bool {
    let until = Instant::now() + how_long;
    while Instant::now() < until {
        if shared.stopping.load(Ordering::SeqCst) {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    !shared.stopping.load(Ordering::SeqCst)
}
