//! Relais benchmarks: a seeded data generator and load/latency scenarios run against a real
//! `relais serve` process over loopback, each beside the raw database doing the same work.
//!
//! One run: [`Options`] are checked, a fresh database is created ([`target`]), a tenant with
//! a staff account is seeded ([`fixture`]), the server binary is started on it
//! ([`server`]), then every selected [`scenarios::Scenario`] adds its measurements to a
//! [`report::Report`], printed as a table and written as JSON.

pub mod cases_gen;
pub mod client;
pub mod fixture;
pub mod persons_gen;
pub mod report;
pub mod scenarios;
pub mod server;
pub mod stats;
pub mod target;

use std::path::PathBuf;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum BenchError {
    /// Nonsense parameters: the run does not start.
    #[error("{0}")]
    Usage(String),
    #[error("database: {0}")]
    Store(#[from] relais_store::StoreError),
    #[error("server: {0}")]
    Server(String),
    /// A scenario got a wrong answer (a benchmark of a broken feature measures nothing).
    #[error("scenario {scenario}: {message}")]
    Check {
        scenario: &'static str,
        message: String,
    },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T> = std::result::Result<T, BenchError>;

/// Sizes of the generated data set.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub persons: u64,
    pub cases: u64,
    /// Number of timed requests per latency measurement.
    pub requests: u64,
    pub seed: u64,
    /// Rows of the import scenario's CSV file.
    pub import_rows: u64,
}

impl Scale {
    pub fn check(&self) -> Result<()> {
        if self.persons == 0 {
            return Err(BenchError::Usage("--persons must be at least 1".into()));
        }
        if self.cases == 0 {
            return Err(BenchError::Usage("--cases must be at least 1".into()));
        }
        if self.requests == 0 {
            return Err(BenchError::Usage("--requests must be at least 1".into()));
        }
        if self.import_rows == 0 {
            return Err(BenchError::Usage("--import-rows must be at least 1".into()));
        }
        // Person numbers are the last eight digits of their phone: beyond, phones repeat.
        if self.persons + 2 * self.import_rows > 90_000_000 {
            return Err(BenchError::Usage(
                "--persons + 2 × --import-rows must stay under 90,000,000".into(),
            ));
        }
        Ok(())
    }
}

/// Everything a run needs, as the command line gave it.
#[derive(Debug, Clone)]
pub struct Options {
    pub scale: Scale,
    pub scenarios: Vec<scenarios::Scenario>,
    pub database: target::DatabaseChoice,
    /// The `relais` binary to start; defaults to the one beside this binary.
    pub server_bin: PathBuf,
    pub work_dir: PathBuf,
    pub json: Option<PathBuf>,
}

/// Runs every selected scenario and returns the report (already printed by the caller).
pub async fn run(options: &Options) -> Result<report::Report> {
    options.scale.check()?;
    if !options.server_bin.is_file() {
        return Err(BenchError::Usage(format!(
            "server binary {} not found: build it first (cargo build --release -p relais -p relais-bench)",
            options.server_bin.display()
        )));
    }
    let database = target::BenchDatabase::open(&options.database, &options.work_dir).await?;
    let result = run_on(options, &database).await;
    database.finish().await;
    result
}

async fn run_on(options: &Options, database: &target::BenchDatabase) -> Result<report::Report> {
    let fixture = fixture::Fixture::create(&database.db).await?;
    let server = server::Server::start(
        &options.server_bin,
        &database.url,
        &options.work_dir.join("server-data"),
    )
    .await?;
    let mut bench = scenarios::Bench {
        db: database.db.clone(),
        backend: database.backend_name(),
        fixture,
        server,
        scale: options.scale,
        report: report::Report::new(database.backend_name(), options.scale),
        persons: Vec::new(),
        services: Vec::new(),
        agents: Vec::new(),
        cases_generated: false,
    };
    let (idle, _) = bench.server.memory()?;
    bench.report.add(report::Measurement {
        scenario: "memory",
        what: "resident memory of the server, idle after start".into(),
        value: report::Value::Bytes { bytes: idle },
        target: Some("≤ 50 MB"),
    });
    for scenario in &options.scenarios {
        scenario.run(&mut bench).await?;
    }
    let (_, peak) = bench.server.memory()?;
    bench.report.add(report::Measurement {
        scenario: "memory",
        what: "peak resident memory of the server over the run".into(),
        value: report::Value::Bytes { bytes: peak },
        target: None,
    });
    bench.server.stop().await;
    Ok(bench.report)
}
