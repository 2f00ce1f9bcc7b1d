//! Cases on the web side: [`flow`] turns requests (portal, back office, API, timers) into
//! case changes, each checked against the case's own definition version and written in one
//! transaction with its timeline events and audit row.

pub mod access;
pub mod collaboration;
pub mod flow;
pub mod generated;
pub mod handling;
pub mod requester;
pub mod routing;
pub mod timers;
pub mod webhooks;
