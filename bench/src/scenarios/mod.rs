//! The scenarios a run can include. Each one measures through the server over loopback and,
//! where it makes sense, the raw database doing the same work in the same run (absolute
//! times drift on shared machines; the ratio is what we hold ourselves to).
//!
//! To add one: a module here, a variant of [`Scenario`], its name in [`Scenario::ALL`].

mod cases;
mod create;
mod import;
mod lists;
mod person;
mod persons;
mod portal;
mod search;

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
    /// Persons generated so far (requesters of generated cases), person `n` of the seed at
    /// index `n`.
    pub persons: Vec<uuid::Uuid>,
    /// The demo services, once published.
    pub services: Vec<crate::cases_gen::Service>,
    /// Staff the generated cases are assigned to (the bench admin first).
    pub agents: Vec<uuid::Uuid>,
    /// Whether the case generator has run.
    pub cases_generated: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// Generated persons and organisations.
    Persons,
    /// Generated cases with their timelines.
    Cases,
    /// Full-text search of persons, and cases by reference.
    Search,
    /// The 360° page of a person with 200 timeline entries.
    Person,
    /// The back office's case lists (mine, unassigned, SLA at risk, waiting, breached).
    Lists,
    /// Case creation through the JSON API, beside the store filing the same cases.
    Create,
    /// Public pages of the portal and a requester's "My requests".
    Portal,
    /// The CSV import of persons, through the pages and the job.
    Import,
}

impl Scenario {
    /// In the order a full run takes them (the data first).
    pub const ALL: &[(&str, Scenario)] = &[
        ("persons", Scenario::Persons),
        ("cases", Scenario::Cases),
        ("search", Scenario::Search),
        ("person", Scenario::Person),
        ("lists", Scenario::Lists),
        ("create", Scenario::Create),
        ("portal", Scenario::Portal),
        ("import", Scenario::Import),
    ];

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
            Scenario::Persons => persons::ensure(bench).await,
            Scenario::Cases => cases::ensure(bench).await,
            Scenario::Search => search::run(bench).await,
            Scenario::Person => person::run(bench).await,
            Scenario::Lists => lists::run(bench).await,
            Scenario::Create => create::run(bench).await,
            Scenario::Portal => portal::run(bench).await,
            Scenario::Import => import::run(bench).await,
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

    /// Headers of a state-changing page request: the session, a CSRF cookie and the same
    /// token in `X-CSRF-Token`, as the pages' forms send it.
    pub fn form_headers(&self) -> Vec<(&'static str, String)> {
        let token = "relais-bench-csrf-token-0123456789abcdef";
        vec![
            (
                "cookie",
                format!(
                    "relais_session={}; relais_csrf={token}",
                    self.fixture.session
                ),
            ),
            ("x-csrf-token", token.to_owned()),
        ]
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

/// Runs `total` HTTP calls at `concurrency` and adds their latency to the report.
#[allow(clippy::too_many_arguments)]
pub async fn measure_http<M, C>(
    bench: &mut Bench,
    scenario: &'static str,
    what: String,
    concurrency: usize,
    total: u64,
    target: Option<&'static str>,
    make: M,
    check: C,
) -> Result<crate::stats::Latency>
where
    M: Fn(u64) -> Call + Send + Sync + 'static,
    C: Fn(u64, &Response) -> std::result::Result<(), String> + Send + Sync + 'static,
{
    let (timings, _) =
        crate::client::load(bench.server.addr, concurrency, total, make, check).await?;
    let latency =
        crate::stats::latency(timings).ok_or_else(|| wrong(scenario, "no request ran"))?;
    bench.report.add(crate::report::Measurement {
        scenario,
        what,
        value: crate::report::Value::Latency(latency),
        target,
    });
    Ok(latency)
}

/// Adds the latency of store-level timings (the raw side) to the report.
pub fn report_raw(
    bench: &mut Bench,
    scenario: &'static str,
    what: String,
    timings: Vec<Duration>,
) -> Result<crate::stats::Latency> {
    let latency = crate::stats::latency(timings).ok_or_else(|| wrong(scenario, "no query ran"))?;
    bench.report.add(crate::report::Measurement {
        scenario,
        what,
        value: crate::report::Value::Latency(latency),
        target: None,
    });
    Ok(latency)
}

/// Adds `http / raw` of the p50s to the report (our overhead over the database).
pub fn report_ratio(
    bench: &mut Bench,
    scenario: &'static str,
    what: String,
    http: crate::stats::Latency,
    raw: crate::stats::Latency,
) {
    bench.report.add(crate::report::Measurement {
        scenario,
        what,
        value: crate::report::Value::Ratio {
            ratio: http.p50_ms / raw.p50_ms.max(0.001),
        },
        target: None,
    });
}

/// `s` for a query string.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
