//! Configuration: defaults, then a TOML file, then `RELAIS_…` environment variables, then
//! command-line flags. Every key is documented in docs/CONFIGURATION.md.

use figment::{
    Figment,
    providers::{Env, Format, Serialized, Toml},
};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Folder for the SQLite database, uploaded files and mail written to disk.
    pub data_dir: PathBuf,
    /// Address and port to listen on.
    pub listen: String,
    /// `postgres://…` for PostgreSQL; empty for SQLite in `data_dir`.
    pub database_url: String,
    /// The address the public uses, e.g. `https://grc.example.fr` (links in mail; `https`
    /// turns on secure cookies and HSTS). Empty: derived from the tenant's host names.
    pub public_url: String,
    /// `text` or `json`.
    pub log_format: String,
    /// A tracing filter such as `info` or `relais_web=debug,info`.
    pub log_level: String,
    pub session_idle_minutes: u32,
    pub session_lifetime_hours: u32,
    pub max_body_bytes: usize,
    /// Largest file the person import accepts (its upload route only).
    pub max_import_bytes: usize,
    /// Background job workers in this process; 0 runs no jobs here (another process does).
    pub job_workers: usize,
    /// Largest body of a portal page that takes files (all files of one post together).
    pub max_upload_bytes: usize,
    /// Read the client address from X-Forwarded-For (only behind a trusted reverse proxy).
    pub trust_proxy: bool,
    pub reset_link_minutes: u32,
    pub login_attempts_per_minute: u32,
    pub mail: MailConfig,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailConfig {
    /// Sender of outgoing mail.
    pub from: String,
    /// SMTP server; empty: mail is written as .eml files in `<data_dir>/mail`.
    pub smtp_host: String,
    pub smtp_port: u16,
    /// `starttls`, `tls` or `none`.
    pub smtp_tls: String,
    pub smtp_username: String,
    pub smtp_password: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("./relais-data"),
            listen: "127.0.0.1:8080".into(),
            database_url: String::new(),
            public_url: String::new(),
            log_format: "text".into(),
            log_level: "info".into(),
            session_idle_minutes: 60,
            session_lifetime_hours: 12,
            max_body_bytes: 2 * 1024 * 1024,
            max_import_bytes: 20 * 1024 * 1024,
            job_workers: 2,
            max_upload_bytes: 25 * 1024 * 1024,
            trust_proxy: false,
            reset_link_minutes: 30,
            login_attempts_per_minute: 10,
            mail: MailConfig {
                from: "Relais <noreply@localhost>".into(),
                smtp_host: String::new(),
                smtp_port: 587,
                smtp_tls: "starttls".into(),
                smtp_username: String::new(),
                smtp_password: String::new(),
            },
        }
    }
}

/// Flags that override the file and the environment.
#[derive(Debug, Default, Serialize)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
}

/// A configuration problem: one line naming the key and what it expects.
#[derive(Debug)]
pub struct ConfigError(pub String);

impl Config {
    pub fn load(file: Option<&PathBuf>, overrides: Overrides) -> Result<Config, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = file {
            if !path.exists() {
                return Err(ConfigError(format!(
                    "configuration file {} does not exist",
                    path.display()
                )));
            }
            figment = figment.merge(Toml::file(path));
        }
        // RELAIS_MAIL__SMTP_HOST sets mail.smtp_host.
        // RELAIS_CONFIG names the file itself; RELAIS_TEST_* belong to the test suites.
        let env = Env::prefixed("RELAIS_")
            .filter(|k| k != "config" && !k.as_str().to_ascii_lowercase().starts_with("test_"))
            .split("__");
        figment = figment.merge(env).merge(Serialized::defaults(overrides));
        let config: Config = figment.extract().map_err(|e| {
            let e = e
                .into_iter()
                .next()
                .map(|e| e.to_string())
                .unwrap_or_default();
            ConfigError(e.replace('\n', " "))
        })?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let bad = |key: &str, expected: &str, got: &str| {
            Err(ConfigError(format!("{key} = {got:?}: expected {expected}")))
        };
        if self.listen.parse::<std::net::SocketAddr>().is_err() {
            return bad(
                "listen",
                "an address and port such as 127.0.0.1:8080",
                &self.listen,
            );
        }
        if !self.database_url.is_empty()
            && !["postgres://", "postgresql://", "sqlite://", "sqlite:"]
                .iter()
                .any(|p| self.database_url.starts_with(p))
        {
            return bad(
                "database_url",
                "postgres://user@host/db, sqlite://path, or empty for SQLite in data_dir",
                &self.database_url,
            );
        }
        let public_ok = self.public_url.is_empty()
            || self.public_url.starts_with("http://")
            || self.public_url.starts_with("https://");
        if !public_ok {
            return bad(
                "public_url",
                "an http:// or https:// address",
                &self.public_url,
            );
        }
        if !["text", "json"].contains(&self.log_format.as_str()) {
            return bad("log_format", "text or json", &self.log_format);
        }
        if !["starttls", "tls", "none"].contains(&self.mail.smtp_tls.as_str()) {
            return bad(
                "mail.smtp_tls",
                "starttls, tls or none",
                &self.mail.smtp_tls,
            );
        }
        if self.session_idle_minutes == 0
            || self.session_lifetime_hours == 0
            || self.reset_link_minutes == 0
        {
            return Err(ConfigError("session_idle_minutes, session_lifetime_hours and reset_link_minutes: expected a number above 0".into()));
        }
        if self.max_body_bytes < 1024 {
            return bad(
                "max_body_bytes",
                "at least 1024",
                &self.max_body_bytes.to_string(),
            );
        }
        if self.max_import_bytes < 1024 {
            return bad(
                "max_import_bytes",
                "at least 1024",
                &self.max_import_bytes.to_string(),
            );
        }
        if self.job_workers > 64 {
            return bad("job_workers", "0 to 64", &self.job_workers.to_string());
        }
        if self.max_upload_bytes < 1024 {
            return bad(
                "max_upload_bytes",
                "at least 1024",
                &self.max_upload_bytes.to_string(),
            );
        }
        if self.login_attempts_per_minute == 0 {
            return bad("login_attempts_per_minute", "a number above 0", "0");
        }
        Ok(())
    }

    pub fn database_url(&self) -> String {
        if self.database_url.is_empty() {
            format!("sqlite://{}", self.data_dir.join("relais.db").display())
        } else {
            self.database_url.clone()
        }
    }

    pub fn files_dir(&self) -> PathBuf {
        self.data_dir.join("files")
    }

    pub fn web(&self) -> relais_web::WebConfig {
        relais_web::WebConfig {
            public_url: (!self.public_url.is_empty())
                .then(|| self.public_url.trim_end_matches('/').to_owned()),
            listen: self.listen.clone(),
            session_idle: chrono::Duration::minutes(self.session_idle_minutes.into()),
            session_lifetime: chrono::Duration::hours(self.session_lifetime_hours.into()),
            max_body_bytes: self.max_body_bytes,
            max_import_bytes: self.max_import_bytes,
            job_workers: self.job_workers,
            max_upload_bytes: self.max_upload_bytes,
            trust_proxy: self.trust_proxy,
            reset_link_lifetime: chrono::Duration::minutes(self.reset_link_minutes.into()),
            signup_link_lifetime: chrono::Duration::hours(24),
            login_attempts_per_minute: self.login_attempts_per_minute,
        }
    }

    pub fn mailer(&self) -> Result<relais_mail::Mailer, String> {
        let m = &self.mail;
        if m.smtp_host.is_empty() {
            return relais_mail::Mailer::to_files(self.data_dir.join("mail"), &m.from)
                .map_err(|e| format!("mail.from: {e}"));
        }
        let tls = match m.smtp_tls.as_str() {
            "tls" => relais_mail::Tls::Wrapper,
            "none" => relais_mail::Tls::None,
            _ => relais_mail::Tls::StartTls,
        };
        let settings = relais_mail::SmtpSettings {
            host: m.smtp_host.clone(),
            port: m.smtp_port,
            tls,
            username: (!m.smtp_username.is_empty()).then(|| m.smtp_username.clone()),
            password: (!m.smtp_password.is_empty()).then(|| m.smtp_password.clone()),
        };
        relais_mail::Mailer::smtp(&settings, &m.from).map_err(|e| format!("mail: {e}"))
    }
}

#[cfg(test)]
// figment's Jail returns its own large error type.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;

    #[test]
    fn defaults_need_nothing() {
        let c = Config::default();
        c.validate().unwrap();
        assert_eq!(c.database_url(), "sqlite://./relais-data/relais.db");
        assert_eq!(c.listen, "127.0.0.1:8080");
    }

    #[test]
    fn malformed_values_name_their_key() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("RELAIS_CONFIG", "elsewhere.toml");
            jail.set_env("RELAIS_TEST_DATABASE_URL", "postgres://x/y");
            assert!(
                Config::load(None, Overrides::default()).is_ok(),
                "RELAIS_CONFIG and RELAIS_TEST_* are not settings"
            );
            jail.set_env("RELAIS_LISTEN", "nowhere");
            let e = Config::load(None, Overrides::default()).unwrap_err();
            assert!(e.0.starts_with("listen = \"nowhere\""), "{}", e.0);
            jail.set_env("RELAIS_LISTEN", "127.0.0.1:9000");
            jail.set_env("RELAIS_MAX_BODY_BYTES", "lots");
            let e = Config::load(None, Overrides::default()).unwrap_err();
            assert!(
                e.0.to_lowercase().contains("max_body_bytes") && e.0.contains("RELAIS_"),
                "{}",
                e.0
            );
            Ok(())
        });
    }

    #[test]
    fn file_then_environment_then_flags() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("relais.toml", "listen = \"127.0.0.1:7000\"\nlog_format = \"json\"\n[mail]\nsmtp_host = \"smtp.example\"\n")?;
            jail.set_env("RELAIS_LOG_FORMAT", "text");
            jail.set_env("RELAIS_MAIL__SMTP_PORT", "2525");
            let c = Config::load(
                Some(&PathBuf::from("relais.toml")),
                Overrides {
                    listen: Some("127.0.0.1:7001".into()),
                    ..Default::default()
                },
            )
            .unwrap();
            assert_eq!(c.listen, "127.0.0.1:7001");
            assert_eq!(c.log_format, "text");
            assert_eq!(c.mail.smtp_host, "smtp.example");
            assert_eq!(c.mail.smtp_port, 2525);
            jail.create_file("bad.toml", "listen_port = 3\n")?;
            let e =
                Config::load(Some(&PathBuf::from("bad.toml")), Overrides::default()).unwrap_err();
            assert!(
                e.0.contains("listen_port"),
                "unknown keys are named: {}",
                e.0
            );
            Ok(())
        });
    }
}
