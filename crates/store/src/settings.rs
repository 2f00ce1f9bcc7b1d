//! A count of this process's changes to the settings that requests read over and over: a
//! tenant and its host names, its business calendar, its services, its routing and
//! automation rules.
//!
//! The web layer keeps those reads for a moment rather than asking the database on every
//! request (at two thousand filings a second each read is a round trip to SQLite's
//! connection thread). A read kept under an older [`generation`] is stale: every write
//! function of this crate that changes such a setting calls [`changed`] once its
//! transaction is committed, so this process never serves a setting it has itself replaced.
//! Other processes learn of the change when their copy expires.

use std::sync::atomic::{AtomicU64, Ordering};

static GENERATION: AtomicU64 = AtomicU64::new(0);

/// The current generation: take it *before* reading, and keep what was read under it.
pub fn generation() -> u64 {
    GENERATION.load(Ordering::Acquire)
}

/// A setting was changed (after the commit).
pub fn changed() {
    GENERATION.fetch_add(1, Ordering::AcqRel);
}
