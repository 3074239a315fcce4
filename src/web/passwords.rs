//! Password checks and hashes take a core each for tens of milliseconds
//! (Argon2id), so they queue for a few places: however many sign-ins
//! arrive at once, the other cores keep serving the public, and nobody's
//! sign-in holds a database connection while it waits or hashes.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::AppError;

/// The longest a sign-in waits for its turn before it is answered 503 with
/// `Retry-After`.
pub const WAIT: Duration = Duration::from_secs(5);

/// The places for password work.
#[derive(Debug, Clone)]
pub struct PasswordWork {
    places: Arc<Semaphore>,
}

impl PasswordWork {
    /// `places` checks or hashes at once (at least one).
    pub fn new(places: usize) -> PasswordWork {
        PasswordWork {
            places: Arc::new(Semaphore::new(places.max(1))),
        }
    }

    /// One place for each core but one (one on a machine of one or two
    /// cores), so that a burst of sign-ins always leaves a core to the
    /// public.
    pub fn for_this_machine() -> PasswordWork {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        PasswordWork::new(cores.saturating_sub(1))
    }

    /// Waits up to [`WAIT`] for a place, held until the permit is dropped.
    pub async fn enter(&self) -> Result<OwnedSemaphorePermit, AppError> {
        match tokio::time::timeout(WAIT, self.places.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            // Timed out, or (never: it is not closed) the semaphore closed.
            _ => Err(AppError::Busy(
                "Too many people are signing in at this moment. Nothing was checked: \
                 wait a few seconds, then try again.",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::PasswordWork;

    #[tokio::test(start_paused = true)]
    async fn a_sign_in_waits_for_a_place_and_is_refused_after_the_wait() {
        let work = PasswordWork::new(1);
        let held = work.enter().await.expect("the one place");
        let refused = work.enter().await;
        assert!(
            matches!(refused, Err(crate::web::AppError::Busy(_))),
            "a second sign-in waits {:?}, then is refused",
            super::WAIT
        );
        drop(held);
        assert!(work.enter().await.is_ok(), "the place is free again");
    }

    #[test]
    fn there_is_always_at_least_one_place() {
        assert_eq!(PasswordWork::new(0).places.available_permits(), 1);
        assert!(PasswordWork::for_this_machine().places.available_permits() >= 1);
    }
}
