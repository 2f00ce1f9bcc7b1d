//! `relais`: one binary to serve, migrate, load demo data, manage accounts, back up and
//! restore.

mod config;
mod demo;

use clap::{Parser, Subcommand};
use config::{Config, Overrides};
use relais_domain::{AccountKind, Email, Locale, Password, Role, Slug, TenantKind};
use relais_store::{Actor, Db, accounts, tenants};
use std::{path::PathBuf, process::ExitCode};

#[derive(Parser)]
#[command(
    name = "relais",
    version,
    about = "Relais: citizen and customer relationship platform"
)]
struct Cli {
    /// TOML configuration file (see docs/CONFIGURATION.md).
    #[arg(long, global = true, env = "RELAIS_CONFIG")]
    config: Option<PathBuf>,
    /// Data folder [default: ./relais-data].
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, global = true)]
    listen: Option<String>,
    /// postgres://… to use PostgreSQL [default: SQLite in the data folder].
    #[arg(long, global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the application (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Create the demo tenants and accounts (if missing), then serve.
    Demo {
        /// Create the data and exit without serving.
        #[arg(long)]
        no_serve: bool,
    },
    /// Manage tenants.
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// Manage staff accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Write a consistent snapshot of the database and files into a new folder, while the
    /// server runs.
    Backup {
        /// Folder to create.
        #[arg(long)]
        to: PathBuf,
    },
    /// Restore a backup (stop the server first).
    Restore {
        /// Backup folder made by `relais backup`.
        #[arg(long)]
        from: PathBuf,
    },
}

#[derive(Subcommand)]
enum TenantCommand {
    /// Create a tenant.
    Create {
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name: String,
        /// public (collectivité) or private (company).
        #[arg(long)]
        kind: String,
        /// Host names that reach it (repeatable).
        #[arg(long)]
        host: Vec<String>,
        /// Serve it to hosts no tenant claims.
        #[arg(long)]
        default: bool,
    },
    /// List tenants.
    List,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a staff account; the password is read from standard input.
    Create {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// admin, supervisor, agent or viewer.
        #[arg(long, default_value = "agent")]
        role: String,
    },
    /// Set a new password for an account; read from standard input.
    ResetPassword {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        email: String,
        /// The account is a portal account rather than staff.
        #[arg(long)]
        portal: bool,
    },
}

/// Exit 2 for configuration and usage problems, 1 for everything else.
enum Failure {
    Config(String),
    Run(String),
}

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure::Run(e.to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let overrides = Overrides {
        data_dir: cli.data_dir.clone(),
        listen: cli.listen.clone(),
        database_url: cli.database_url.clone(),
    };
    let config = match Config::load(cli.config.as_ref(), overrides) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: configuration: {}", e.0);
            return ExitCode::from(2);
        }
    };
    init_logging(&config);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command.unwrap_or(Command::Serve), config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Config(e)) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
        Err(Failure::Run(e)) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(config: &Config) {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&config.log_level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if config.log_format == "json" {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .init();
    } else {
        builder.init();
    }
}

async fn open(config: &Config) -> Result<Db, Failure> {
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|e| Failure::Run(format!("data folder {}: {e}", config.data_dir.display())))?;
    let db = Db::connect(&config.database_url()).await?;
    let applied = db
        .migrate()
        .await
        .map_err(|e| Failure::Run(format!("migrations failed: {e}")))?;
    if !applied.is_empty() {
        tracing::info!(?applied, "migrations applied");
    }
    Ok(db)
}

async fn run(command: Command, config: Config) -> Result<(), Failure> {
    match command {
        Command::Serve => {
            let db = open(&config).await?;
            serve(&config, db, None).await
        }
        Command::Migrate => {
            let db = open(&config).await?;
            println!("database is up to date");
            db.close().await;
            Ok(())
        }
        Command::Demo { no_serve } => {
            let db = open(&config).await?;
            demo::create(&db).await?;
            if no_serve {
                println!("{}", demo::banner(&config.listen));
                return Ok(());
            }
            serve(&config, db, Some(demo::banner(&config.listen))).await
        }
        Command::Tenant(TenantCommand::Create {
            slug,
            name,
            kind,
            host,
            default,
        }) => {
            let db = open(&config).await?;
            let slug = Slug::parse(&slug).map_err(|_| {
                Failure::Config(format!(
                    "--slug {slug:?}: expected 2 to 40 lowercase letters, digits or hyphens"
                ))
            })?;
            let kind: TenantKind = kind.parse().map_err(|_| {
                Failure::Config(format!("--kind {kind:?}: expected public or private"))
            })?;
            let name = relais_domain::tenant::tenant_name(&name)
                .map_err(|_| Failure::Config("--name: expected 2 to 120 characters".into()))?;
            let hosts = host
                .iter()
                .map(|h| {
                    relais_domain::tenant::host_name(h)
                        .map_err(|_| Failure::Config(format!("--host {h:?}: expected a host name")))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let t = tenants::create(
                &db,
                "cli",
                tenants::NewTenant {
                    slug,
                    kind,
                    name,
                    default_locale: Locale::Fr,
                    hosts,
                    is_default: default,
                },
            )
            .await
            .map_err(|e| match e {
                relais_store::StoreError::Conflict => Failure::Run(
                    "a tenant with this slug, host or default flag exists already".into(),
                ),
                e => Failure::Run(e.to_string()),
            })?;
            println!("tenant {} created ({})", t.slug, t.id);
            Ok(())
        }
        Command::Tenant(TenantCommand::List) => {
            let db = open(&config).await?;
            for t in tenants::list(&db).await? {
                let hosts = tenants::hosts(&db, t.id).await?.join(", ");
                println!(
                    "{:<20} {:<8} {}{}  [{}]",
                    t.slug,
                    t.kind,
                    t.name,
                    if t.is_default { " (default)" } else { "" },
                    hosts
                );
            }
            Ok(())
        }
        Command::User(UserCommand::Create {
            tenant,
            email,
            name,
            role,
        }) => {
            let db = open(&config).await?;
            let tenant = tenants::by_slug(&db, &tenant)
                .await?
                .ok_or_else(|| Failure::Config(format!("--tenant {tenant:?}: no such tenant")))?;
            let email = Email::parse(&email).map_err(|_| {
                Failure::Config(format!("--email {email:?}: expected an e-mail address"))
            })?;
            let role: Role = role.parse().map_err(|_| {
                Failure::Config(format!(
                    "--role {role:?}: expected admin, supervisor, agent or viewer"
                ))
            })?;
            let name = relais_domain::account::display_name(&name)
                .map_err(|_| Failure::Config("--name: expected 1 to 120 characters".into()))?;
            let password = read_password()?;
            let hash = relais_web::auth::hash_password(password.expose().to_owned())
                .await
                .map_err(|e| Failure::Run(format!("{e:?}")))?;
            let account = accounts::create(
                &db,
                &Actor::system(tenant.id, "cli"),
                accounts::NewAccount {
                    kind: AccountKind::Staff,
                    email,
                    display_name: name,
                    password_hash: Some(hash),
                    role: Some(role),
                    locale: None,
                },
            )
            .await
            .map_err(|e| match e {
                relais_store::StoreError::Conflict => Failure::Run(
                    "a staff account with this e-mail exists already in this tenant".into(),
                ),
                e => Failure::Run(e.to_string()),
            })?;
            println!(
                "staff account {} created in {} ({})",
                account.email, tenant.slug, role
            );
            Ok(())
        }
        Command::User(UserCommand::ResetPassword {
            tenant,
            email,
            portal,
        }) => {
            let db = open(&config).await?;
            let tenant = tenants::by_slug(&db, &tenant)
                .await?
                .ok_or_else(|| Failure::Config(format!("--tenant {tenant:?}: no such tenant")))?;
            let kind = if portal {
                AccountKind::Portal
            } else {
                AccountKind::Staff
            };
            let account = accounts::find_by_email(&db, tenant.id, kind, &email)
                .await?
                .ok_or_else(|| {
                    Failure::Run(format!(
                        "no {} account {email} in {}",
                        kind.as_str(),
                        tenant.slug
                    ))
                })?;
            let password = read_password()?;
            let hash = relais_web::auth::hash_password(password.expose().to_owned())
                .await
                .map_err(|e| Failure::Run(format!("{e:?}")))?;
            accounts::set_password(
                &db,
                &Actor::system(tenant.id, "cli"),
                account.id,
                &hash,
                None,
            )
            .await?;
            println!(
                "password of {} changed; their sessions are closed",
                account.email
            );
            Ok(())
        }
        Command::Backup { to } => {
            let db = open(&config).await?;
            let manifest =
                relais_store::backup::create(&db, &config.database_url(), &config.files_dir(), &to)
                    .await?;
            println!(
                "backup written to {} ({} database, {} files)",
                to.display(),
                manifest.backend,
                manifest.files
            );
            Ok(())
        }
        Command::Restore { from } => {
            let manifest =
                relais_store::backup::restore(&config.database_url(), &config.files_dir(), &from)
                    .await?;
            println!(
                "restored the backup of {} ({} files)",
                manifest.created_at, manifest.files
            );
            Ok(())
        }
    }
}

/// A new password from standard input (prompted when it is a terminal), checked for length.
fn read_password() -> Result<Password, Failure> {
    use std::io::IsTerminal;
    let raw = if std::io::stdin().is_terminal() {
        rpassword::prompt_password("New password: ")?
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    };
    Password::new(&raw).map_err(|_| {
        Failure::Config(format!(
            "password: expected {} to 256 characters",
            Password::MIN_CHARS
        ))
    })
}

async fn serve(config: &Config, db: Db, banner: Option<String>) -> Result<(), Failure> {
    let mailer = config.mailer().map_err(Failure::Config)?;
    tracing::info!(mail = %mailer.describe(), "mail");
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .map_err(|e| Failure::Run(format!("cannot listen on {}: {e}", config.listen)))?;
    let files = relais_store::files::FileStore::new(config.files_dir());
    let state = relais_web::AppState::new(db.clone(), files, mailer, config.web());
    let backend = match db.backend() {
        relais_store::Backend::Sqlite => "SQLite",
        relais_store::Backend::Postgres => "PostgreSQL",
    };
    tracing::info!(listen = %config.listen, backend, data_dir = %config.data_dir.display(), "relais is serving");
    if let Some(banner) = banner {
        println!("{banner}");
    } else {
        println!("Relais is serving on http://{}/ ({backend})", config.listen);
    }
    relais_web::serve(state, listener, shutdown_signal()).await?;
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
