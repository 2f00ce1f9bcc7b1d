//! Fixed-window counters per client address and purpose, in memory. They slow down guessing
//! and form flooding; the account lockout (in the database) is what holds across processes.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

/// (purpose, client) → (start of the window, attempts in it)
type Windows = HashMap<(&'static str, String), (Instant, u32)>;

#[derive(Default)]
pub struct RateLimiter {
    windows: Mutex<Windows>,
}

impl RateLimiter {
    /// Counts one attempt; false when `limit` attempts were already made in `window`.
    pub fn allow(&self, purpose: &'static str, client: &str, limit: u32, window: Duration) -> bool {
        let now = Instant::now();
        let Ok(mut windows) = self.windows.lock() else {
            return true;
        };
        if windows.len() > 100_000 {
            windows.retain(|_, (start, _)| now.duration_since(*start) < window);
        }
        let entry = windows
            .entry((purpose, client.to_owned()))
            .or_insert((now, 0));
        if now.duration_since(entry.0) >= window {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_client_and_purpose() {
        let l = RateLimiter::default();
        let w = Duration::from_secs(60);
        assert!((0..3).all(|_| l.allow("login", "1.2.3.4", 3, w)));
        assert!(!l.allow("login", "1.2.3.4", 3, w));
        assert!(l.allow("login", "5.6.7.8", 3, w));
        assert!(l.allow("reset", "1.2.3.4", 3, w));
        assert!(l.allow("x", "a", 1, Duration::ZERO) && l.allow("x", "a", 1, Duration::ZERO));
    }
}
