//! The scenarios a run can include. Each one measures through the server over loopback and,
//! where it makes sense, the raw database doing the same work in the same run (absolute
//! times drift on shared machines; the ratio is what we hold ourselves to).
//!
//! To add one: a module here, a variant of [`Scenario`], its name in [`Scenario::ALL`].

mod cases;
mod portal;

use crate::client::{Call, Client, Response};
use crate::{BenchError, Result, Scale, fixture::Fixture, report::Report, server::Server};
use relais_store::Db;
use std::future::Future;
use std::time::{Duration, Instant};

/// What every scenario gets: the database, the seeded tenant, the running server.
pub struct Bench {
    pub db: Db,
    pub backend: &'static str,
    pub fixture: Fixture,
    pub server: Server,
    pub scale: Scale,
    pub report: Report,
    /// Persons generated so far (requesters of generated cases).
    pub persons: Vec<uuid::Uuid>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// Public pages of the portal.
    Portal,
    /// Generated cases with their timelines.
    Cases,
}

impl Scenario {
    pub const ALL: &[(&str, Scenario)] =
        &[("portal", Scenario::Portal), ("cases", Scenario::Cases)];

    pub fn parse(name: &str) -> Option<Scenario> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
    }

    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, s)| *s == self)
            .map_or("?", |(n, _)| n)
    }

    pub async fn run(self, bench: &mut Bench) -> Result<()> {
        eprintln!("scenario {}", self.name());
        match self {
            Scenario::Portal => portal::run(bench).await,
            Scenario::Cases => cases::run(bench).await,
        }
    }
}

impl Bench {
    /// Headers that make a call come from the bench admin's browser session.
    pub fn session_headers(&self) -> Vec<(&'static str, String)> {
        vec![("cookie", format!("relais_session={}", self.fixture.session))]
    }

    /// Headers of an API call with the bench admin's token.
    pub fn api_headers(&self) -> Vec<(&'static str, String)> {
        vec![(
            "authorization",
            format!("Bearer {}", self.fixture.api_token),
        )]
    }

    /// One call outside any measurement, e.g. to check an answer or warm a cache.
    pub async fn call(&self, call: &Call) -> Result<Response> {
        Client::connect(self.server.addr).await?.send(call).await
    }
}

/// Times `n` runs of a store-level operation (the raw side of a comparison).
pub async fn time_store<F, Fut, T>(n: u64, mut op: F) -> Result<Vec<Duration>>
where
    F: FnMut(u64) -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let mut timings = Vec::with_capacity(n as usize);
    for i in 0..n {
        let t = Instant::now();
        op(i).await?;
        timings.push(t.elapsed());
    }
    Ok(timings)
}

/// A scenario's answer was wrong.
pub fn wrong(scenario: &'static str, message: impl Into<String>) -> BenchError {
    BenchError::Check {
        scenario,
        message: message.into(),
    }
}
