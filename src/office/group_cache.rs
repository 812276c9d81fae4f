//! A user's system groups, remembered for a short while: with a roles file every request
//! needs them, and asking the system (possibly the authority's directory) for each keystroke's
//! reads of twenty consoles would cost more than the reads.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How long a user's groups are trusted: a change of groups counts within this time.
pub const GROUPS_KEPT: Duration = Duration::from_secs(60);

#[derive(Default)]
pub struct GroupCache {
    known: Mutex<HashMap<String, (Instant, Vec<String>)>>,
}

impl GroupCache {
    /// The groups of `user` as of `now`: remembered when asked within `GROUPS_KEPT`,
    /// otherwise asked of `lookup` again.
    pub fn groups(
        &self,
        user: &str,
        now: Instant,
        lookup: impl FnOnce(&str) -> Vec<String>,
    ) -> Vec<String> {
        let mut known = self.known.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((asked, groups)) = known.get(user)
            && now.saturating_duration_since(*asked) < GROUPS_KEPT
        {
            return groups.clone();
        }
        let groups = lookup(user);
        known.insert(user.to_string(), (now, groups.clone()));
        groups
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn groups_are_asked_once_a_minute_per_user() {
        let cache = GroupCache::default();
        let asked = Cell::new(0);
        let lookup = |groups: &[&str]| {
            asked.set(asked.get() + 1);
            groups.iter().map(|g| g.to_string()).collect::<Vec<_>>()
        };
        let start = Instant::now();
        assert_eq!(
            cache.groups("rossi", start, |_| lookup(&["casa"])),
            ["casa"]
        );
        let later = start + Duration::from_secs(59);
        assert_eq!(
            cache.groups("rossi", later, |_| lookup(&["altro"])),
            ["casa"]
        );
        assert_eq!(asked.get(), 1);
        assert_eq!(
            cache.groups("bianchi", later, |_| lookup(&[])),
            Vec::<String>::new()
        );
        assert_eq!(asked.get(), 2);
        // Past the minute, a change of groups counts.
        let past = start + GROUPS_KEPT;
        assert_eq!(
            cache.groups("rossi", past, |_| lookup(&["sistemi"])),
            ["sistemi"]
        );
        assert_eq!(asked.get(), 3);
    }
}
