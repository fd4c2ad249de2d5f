//! Views computed from the records and kept for a moment, because they are read far more often
//! than the records change (the same list page asked for again and again, the home page's
//! counts). An entry is used only while no write has been committed through this process since
//! it was built, and for at most a few seconds (which bounds how stale a view can be when other
//! processes write to the same database). Nothing here is ever the source of truth.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// A cache of derived views of type `V`, keyed by strings that name the viewer's scope and the
/// question.
#[derive(Debug)]
pub struct ViewCache<V>(Arc<RwLock<HashMap<String, Entry<V>>>>);

/// The write count it was built at, when, and the view.
type Entry<V> = (u64, Instant, Arc<V>);

impl<V> Clone for ViewCache<V> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<V> Default for ViewCache<V> {
    fn default() -> Self {
        Self(Default::default())
    }
}

impl<V> ViewCache<V> {
    pub fn get(&self, key: &str, writes: u64, ttl: Duration) -> Option<Arc<V>> {
        let map = self.0.read().ok()?;
        let (w, at, view) = map.get(key)?;
        (*w == writes && at.elapsed() < ttl).then(|| view.clone())
    }

    pub fn put(&self, key: String, writes: u64, view: Arc<V>) {
        if let Ok(mut map) = self.0.write() {
            // Entries of older write counts are dead; drop them all rather than track ages.
            if map.len() >= 4_096 || map.values().next().is_some_and(|(w, ..)| *w != writes) {
                map.clear();
            }
            map.insert(key, (writes, Instant::now(), view));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_dies_with_any_write_or_its_time() {
        let c: ViewCache<u32> = ViewCache::default();
        let ttl = Duration::from_secs(60);
        c.put("k".into(), 7, Arc::new(1));
        assert_eq!(c.get("k", 7, ttl).as_deref(), Some(&1));
        assert!(c.get("k", 8, ttl).is_none(), "a write since it was built");
        assert!(c.get("k", 7, Duration::ZERO).is_none(), "older than the time allowed");
        assert!(c.get("other", 7, ttl).is_none());
        c.put("k2".into(), 8, Arc::new(2));
        assert!(c.get("k", 7, ttl).is_none(), "entries of an older write count are dropped");
    }
}
