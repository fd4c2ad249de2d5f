//! The one cache mechanism: answers read from the database (or computed from what it holds)
//! kept for a moment, because they are asked for far more often than the records change.
//!
//! An entry holds while no write has been committed through this process's [`crate::Db`] since
//! it was made (the caller passes [`crate::Db::write_count`]) and for at most the age the
//! caller allows. The age bounds how long a write by another process sharing the database can
//! go unseen. A memo holds at most a given number of entries; past it, it starts again. Nothing
//! in a memo is ever the source of truth: a miss reads the database.
//!
//! Used for the member list's and home page's views, API tokens, org names and the subtree
//! probe of the member list.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A bounded map whose entries die with any write through this process or with their age.
#[derive(Debug)]
pub struct Memo<K, V> {
    inner: Arc<Mutex<State<K, V>>>,
    max_entries: usize,
}

#[derive(Debug)]
struct State<K, V> {
    /// The write count the entries were made at; a newer one empties the memo.
    writes: u64,
    entries: HashMap<K, (Instant, V)>,
}

impl<K, V> Clone for Memo<K, V> {
    fn clone(&self) -> Self {
        Self { inner: Arc::clone(&self.inner), max_entries: self.max_entries }
    }
}

impl<K: Eq + Hash, V: Clone> Memo<K, V> {
    /// A memo of at most `max_entries` entries.
    pub fn new(max_entries: usize) -> Self {
        Self { inner: Arc::new(Mutex::new(State { writes: 0, entries: HashMap::new() })), max_entries }
    }

    /// The entry for `key`, if it was made at write count `writes` and is younger than
    /// `max_age`.
    pub fn get(&self, key: &K, writes: u64, max_age: Duration) -> Option<V> {
        let state = self.inner.lock().ok()?;
        if state.writes != writes {
            return None;
        }
        let (at, v) = state.entries.get(key)?;
        (at.elapsed() < max_age).then(|| v.clone())
    }

    /// Keeps `v` for `key`, made from a read that began at write count `writes`. A write
    /// committed since then makes the read possibly stale: the caller passes the count taken
    /// before reading, and an entry of an older count than the memo's is not kept.
    pub fn put(&self, key: K, writes: u64, v: V) {
        let Ok(mut state) = self.inner.lock() else { return };
        if writes < state.writes {
            return;
        }
        if writes > state.writes || state.entries.len() >= self.max_entries {
            state.entries.clear();
            state.writes = writes;
        }
        state.entries.insert(key, (Instant::now(), v));
    }

    /// Forgets everything (after a change the write count does not see, or at once after one
    /// that must be seen without waiting for the next read).
    pub fn clear(&self) {
        if let Ok(mut state) = self.inner.lock() {
            state.entries.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_dies_with_any_write_its_age_or_the_bound() {
        let m: Memo<&str, u32> = Memo::new(2);
        let long = Duration::from_secs(60);
        m.put("a", 7, 1);
        assert_eq!(m.get(&"a", 7, long), Some(1));
        assert_eq!(m.get(&"a", 8, long), None, "a write since it was made");
        assert_eq!(m.get(&"a", 7, Duration::ZERO), None, "older than allowed");
        assert_eq!(m.get(&"b", 7, long), None);
        m.put("b", 7, 2);
        m.put("c", 7, 3);
        assert_eq!((m.get(&"a", 7, long), m.get(&"c", 7, long)), (None, Some(3)), "past the bound it starts again");
        m.put("d", 9, 4);
        assert_eq!(m.get(&"c", 7, long), None, "entries of an older write count are gone");
        m.put("e", 8, 5);
        assert_eq!(m.get(&"e", 8, long), None, "a read older than the memo's entries is not kept");
        assert_eq!(m.get(&"d", 9, long), Some(4));
        m.clear();
        assert_eq!(m.get(&"d", 9, long), None);
    }
}
