//! Reads kept a few seconds per server, for what many pages read alike and may show that much
//! behind a write (the footer's operator, a commune's related products). A write can forget
//! them at once on its own server (the operator's save does); elsewhere, and for what nothing
//! forgets, they catch up when their copy ages out.

use std::{
    collections::HashMap,
    hash::Hash,
    sync::{
        Arc, PoisonError, RwLock,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

/// Up to `max` values by key, each fresh for `fresh` after it was read.
pub struct Kept<K, V> {
    slot: Arc<Slot<K, V>>,
    fresh: Duration,
    max: usize,
}

struct Slot<K, V> {
    kept: RwLock<HashMap<K, (Instant, V)>>,
    /// Bumped by `forget`: a read that began before a write must not put back what it read.
    generation: AtomicU64,
}

impl<K, V> Clone for Kept<K, V> {
    fn clone(&self) -> Self {
        Self {
            slot: self.slot.clone(),
            fresh: self.fresh,
            max: self.max,
        }
    }
}

impl<K: Eq + Hash, V: Clone> Kept<K, V> {
    pub fn new(fresh: Duration, max: usize) -> Self {
        Self {
            slot: Arc::new(Slot {
                kept: RwLock::new(HashMap::new()),
                generation: AtomicU64::new(0),
            }),
            fresh,
            max: max.max(1),
        }
    }

    /// The kept value for `key` while fresh, otherwise what `load` reads (then kept).
    pub async fn get_or_load<E, F>(&self, key: K, load: impl FnOnce() -> F) -> Result<V, E>
    where
        F: Future<Output = Result<V, E>>,
    {
        if let Some((at, v)) = self.read().get(&key)
            && at.elapsed() < self.fresh
        {
            return Ok(v.clone());
        }
        let generation = self.slot.generation.load(Ordering::Acquire);
        let v = load().await?;
        let mut kept = self
            .slot
            .kept
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if self.slot.generation.load(Ordering::Acquire) == generation {
            if kept.len() >= self.max && !kept.contains_key(&key) {
                // Bounded: the stale go first, and if none are, all of them.
                let fresh = self.fresh;
                kept.retain(|_, (at, _)| at.elapsed() < fresh);
                if kept.len() >= self.max {
                    kept.clear();
                }
            }
            kept.insert(key, (Instant::now(), v.clone()));
        }
        Ok(v)
    }

    /// After a write: the next reads go to the database.
    pub fn forget(&self) {
        let mut kept = self
            .slot
            .kept
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        self.slot.generation.fetch_add(1, Ordering::AcqRel);
        kept.clear();
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<K, (Instant, V)>> {
        self.slot
            .kept
            .read()
            .unwrap_or_else(PoisonError::into_inner)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.read().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loaded(v: u32) -> impl Future<Output = Result<u32, ()>> {
        std::future::ready(Ok(v))
    }

    #[tokio::test]
    async fn a_fresh_value_is_kept_and_a_forgotten_one_read_again() {
        let kept = Kept::new(Duration::from_secs(60), 8);
        assert_eq!(kept.get_or_load("a", || loaded(1)).await, Ok(1));
        assert_eq!(kept.get_or_load("a", || loaded(2)).await, Ok(1));
        assert_eq!(kept.get_or_load("b", || loaded(3)).await, Ok(3));
        kept.forget();
        assert_eq!(kept.get_or_load("a", || loaded(4)).await, Ok(4));
        // A failed read keeps nothing.
        assert_eq!(
            kept.get_or_load("c", || std::future::ready(Err(()))).await,
            Err(())
        );
        assert_eq!(kept.get_or_load("c", || loaded(5)).await, Ok(5));
    }

    #[tokio::test]
    async fn a_stale_value_is_read_again() {
        let kept = Kept::new(Duration::ZERO, 8);
        assert_eq!(kept.get_or_load((), || loaded(1)).await, Ok(1));
        assert_eq!(kept.get_or_load((), || loaded(2)).await, Ok(2));
    }

    #[tokio::test]
    async fn a_read_begun_before_a_write_is_not_kept() {
        let kept = Kept::new(Duration::from_secs(60), 8);
        let before = kept.clone();
        let read = kept.get_or_load("a", || async move {
            // The write lands while this read is on its way.
            before.forget();
            Ok::<_, ()>(1)
        });
        assert_eq!(read.await, Ok(1));
        assert_eq!(kept.get_or_load("a", || loaded(2)).await, Ok(2));
    }

    #[tokio::test]
    async fn no_more_than_max_keys_are_kept() {
        let kept = Kept::new(Duration::from_secs(60), 3);
        for key in 0..10 {
            kept.get_or_load(key, || loaded(key)).await.unwrap();
            assert!(kept.len() <= 3, "{} kept", kept.len());
        }
        // The newest is always kept.
        assert_eq!(kept.get_or_load(9, || loaded(0)).await, Ok(9));
    }
}
