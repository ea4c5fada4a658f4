//! The memory budget of photo decoding: a decoded photo takes up to ~100 MB, so only a few are
//! decoded at once (one per core by default) and the other uploads wait their turn, at most a
//! set time; past it they are answered 503 with `Retry-After` rather than piling up in memory.

use std::{sync::Arc, time::Duration};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

#[derive(Clone, Debug)]
pub struct DecodeBudget {
    slots: Arc<Semaphore>,
    wait: Duration,
}

impl DecodeBudget {
    pub fn new(slots: usize, wait: Duration) -> Self {
        DecodeBudget {
            slots: Arc::new(Semaphore::new(slots.max(1))),
            wait,
        }
    }

    /// A decoding slot, held until the permit is dropped; `None` when none freed up in time.
    pub async fn enter(&self) -> Option<OwnedSemaphorePermit> {
        tokio::time::timeout(self.wait, self.slots.clone().acquire_owned())
            .await
            .ok()?
            .ok()
    }

    /// The slots themselves (the tests hold them to fill the budget).
    pub fn slots(&self) -> &Arc<Semaphore> {
        &self.slots
    }
}
