//! What a run measured: one row per (scenario, metric), printed as a table and written as
//! JSON for BENCHMARKS.md and for comparing runs.

use crate::{Scale, stats::Latency};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Measurement {
    pub scenario: &'static str,
    /// What was measured, e.g. "GET / (catalogue), concurrency 1".
    pub what: String,
    #[serde(flatten)]
    pub value: Value,
    /// The target this figure is held to, in words ("p95 ≤ 50 ms"), if any.
    pub target: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Value {
    Latency(Latency),
    Rate {
        per_second: f64,
        count: u64,
    },
    Bytes {
        bytes: u64,
    },
    /// Through Relais over the raw database (1.0: no overhead).
    Ratio {
        ratio: f64,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub backend: &'static str,
    pub persons: u64,
    pub cases: u64,
    pub seed: u64,
    pub started_at: String,
    pub machine: String,
    pub measurements: Vec<Measurement>,
}

impl Report {
    pub fn new(backend: &'static str, scale: Scale) -> Report {
        Report {
            backend,
            persons: scale.persons,
            cases: scale.cases,
            seed: scale.seed,
            started_at: chrono::Utc::now().to_rfc3339(),
            machine: machine(),
            measurements: Vec::new(),
        }
    }

    pub fn add(&mut self, m: Measurement) {
        eprintln!("  {}", row(&m));
        self.measurements.push(m);
    }

    /// Markdown table, ready to paste into BENCHMARKS.md.
    pub fn table(&self) -> String {
        let mut out = format!(
            "{} — {} persons, {} cases, seed {} — {}\n\n| scenario | what | figure | target |\n|---|---|---|---|\n",
            self.backend, self.persons, self.cases, self.seed, self.machine
        );
        for m in &self.measurements {
            out.push_str(&format!("| {} |\n", row(m)));
        }
        out
    }
}

fn row(m: &Measurement) -> String {
    let figure = match &m.value {
        Value::Latency(l) => format!(
            "p50 {:.1} ms · p95 {:.1} ms · p99 {:.1} ms ({} requests)",
            l.p50_ms, l.p95_ms, l.p99_ms, l.count
        ),
        Value::Rate { per_second, count } => format!("{per_second:.0}/s ({count})"),
        Value::Bytes { bytes } => format!("{:.1} MB", *bytes as f64 / 1_048_576.0),
        Value::Ratio { ratio } => format!("{ratio:.2}×"),
    };
    format!(
        "{} | {} | {} | {}",
        m.scenario,
        m.what,
        figure,
        m.target.unwrap_or("")
    )
}

/// Cores and memory of this machine, from /proc where it exists.
fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem_gib = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0.0, |kib| kib as f64 / 1_048_576.0);
    format!("{cores} cores, {mem_gib:.0} GiB")
}
