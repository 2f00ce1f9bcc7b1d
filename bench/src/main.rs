//! `relais-bench`: runs the benchmark scenarios against a real `relais serve` process and
//! prints a table (Markdown, for BENCHMARKS.md) and optionally JSON.
//!
//! Build both binaries in release mode first:
//! `cargo build --release -p relais -p relais-bench && target/release/relais-bench --help`

use clap::Parser;
use relais_bench::{Options, Scale, scenarios::Scenario, target::DatabaseChoice};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "relais-bench", about = "Relais benchmarks (see BENCHMARKS.md)")]
struct Cli {
    /// Persons to generate.
    #[arg(long, default_value_t = 1_000_000)]
    persons: u64,
    /// Cases to generate.
    #[arg(long, default_value_t = 2_000_000)]
    cases: u64,
    /// Rows of the CSV file the import scenario uploads (default: as many as --persons).
    #[arg(long)]
    import_rows: Option<u64>,
    /// Timed requests per latency figure.
    #[arg(long, default_value_t = 1_000)]
    requests: u64,
    /// Seed of the data generator: the same seed gives the same data.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Small CI run: 10,000 persons, 10,000 cases, 100 requests per figure.
    #[arg(long)]
    small: bool,
    /// Comma-separated scenarios (default: all).
    #[arg(long, value_delimiter = ',')]
    scenarios: Vec<String>,
    /// Run on PostgreSQL: a new database is created on this server for the run and dropped
    /// afterwards (the URL's own database is only used to create it).
    #[arg(long, value_name = "URL")]
    postgres: Option<String>,
    /// Run on this existing database as it is (adds a `bench` tenant to it).
    #[arg(long, value_name = "URL", requires = "reuse_database")]
    database_url: Option<String>,
    /// Confirms that --database-url may be written to.
    #[arg(long)]
    reuse_database: bool,
    /// Folder for the SQLite file and the server's data (must not hold a previous run).
    #[arg(long)]
    work_dir: Option<PathBuf>,
    /// The relais binary to start (default: the one beside this binary).
    #[arg(long)]
    server_bin: Option<PathBuf>,
    /// Also write the report as JSON here.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Keep the work folder (the SQLite database, the server's data and log) after a
    /// successful run, to look into it; it is removed otherwise.
    #[arg(long)]
    keep: bool,
}

fn options(cli: Cli) -> Result<Options, String> {
    let mut scale = Scale {
        persons: cli.persons,
        cases: cli.cases,
        requests: cli.requests,
        seed: cli.seed,
        import_rows: cli.import_rows.unwrap_or(cli.persons),
    };
    if cli.small {
        scale.persons = 10_000;
        scale.cases = 10_000;
        scale.requests = 100;
        scale.import_rows = 10_000;
    }
    // Refuse nonsense sizes before anything is made (the work folder included).
    scale.check().map_err(|e| e.to_string())?;
    let scenarios = if cli.scenarios.is_empty() {
        Scenario::ALL.iter().map(|(_, s)| *s).collect()
    } else {
        cli.scenarios
            .iter()
            .map(|n| {
                Scenario::parse(n.trim()).ok_or_else(|| {
                    let known: Vec<&str> = Scenario::ALL.iter().map(|(n, _)| *n).collect();
                    format!("unknown scenario {n:?}; known: {}", known.join(", "))
                })
            })
            .collect::<Result<_, _>>()?
    };
    let database = match (cli.postgres, cli.database_url) {
        (Some(_), Some(_)) => return Err("give --postgres or --database-url, not both".into()),
        (Some(server_url), None) => DatabaseChoice::FreshPostgres { server_url },
        (None, Some(url)) => DatabaseChoice::Existing { url },
        (None, None) => DatabaseChoice::FreshSqlite,
    };
    let exe = std::env::current_exe().map_err(|e| format!("own path: {e}"))?;
    let server_bin = cli
        .server_bin
        .unwrap_or_else(|| exe.with_file_name("relais"));
    let work_dir = cli.work_dir.unwrap_or_else(|| {
        std::env::temp_dir().join(format!(
            "relais-bench-{}",
            chrono::Utc::now().format("%Y%m%d-%H%M%S")
        ))
    });
    if work_dir.exists()
        && std::fs::read_dir(&work_dir).is_ok_and(|mut entries| entries.next().is_some())
    {
        return Err(format!("--work-dir {} is not empty", work_dir.display()));
    }
    std::fs::create_dir_all(&work_dir).map_err(|e| format!("{}: {e}", work_dir.display()))?;
    Ok(Options {
        scale,
        scenarios,
        database,
        server_bin,
        work_dir,
        json: cli.json,
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let keep = cli.keep;
    let options = match options(cli) {
        Ok(o) => o,
        Err(message) => {
            eprintln!("relais-bench: {message}");
            return ExitCode::from(2);
        }
    };
    match relais_bench::run(&options).await {
        Ok(report) => {
            println!("{}", report.table());
            if let Some(path) = &options.json {
                let json = serde_json::to_string_pretty(&report).unwrap_or_default();
                if let Err(e) = std::fs::write(path, json) {
                    eprintln!("relais-bench: cannot write {}: {e}", path.display());
                    return ExitCode::from(1);
                }
            }
            if keep {
                eprintln!("relais-bench: kept {}", options.work_dir.display());
            } else {
                let _ = std::fs::remove_dir_all(&options.work_dir);
            }
            ExitCode::SUCCESS
        }
        Err(relais_bench::BenchError::Usage(message)) => {
            eprintln!("relais-bench: {message}");
            // Refused (an unreachable database…): leave no empty work folder behind.
            let _ = std::fs::remove_dir(&options.work_dir);
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("relais-bench: {e}");
            ExitCode::from(1)
        }
    }
}
