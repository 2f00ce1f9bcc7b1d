use crate::{metrics::Metrics, rate_limit::RateLimiter};
use relais_domain::service::definition::ServiceDefinition;
use relais_mail::Mailer;
use relais_store::{Db, StoreError, files::FileStore, services};
use std::{
    collections::HashMap,
    ops::Deref,
    sync::{Arc, RwLock},
};
use uuid::Uuid;

/// Settings of the web layer, filled by the binary from its configuration.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The address the public reaches (for links in mail, and `https` turns on secure cookies
    /// and HSTS). `None`: links use the request's own host when it is a known tenant host.
    pub public_url: Option<String>,
    /// Where the server listens, the fallback for links when nothing better is known.
    pub listen: String,
    /// A session ends after this long without activity…
    pub session_idle: chrono::Duration,
    /// …and after this long at most.
    pub session_lifetime: chrono::Duration,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Largest body of a portal page that takes files (the files of one post together).
    pub max_upload_bytes: usize,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_proxy: bool,
    /// How long a password reset link works.
    pub reset_link_lifetime: chrono::Duration,
    /// How long a sign-up link works.
    pub signup_link_lifetime: chrono::Duration,
    /// Sign-in attempts allowed per client address and minute.
    pub login_attempts_per_minute: u32,
    /// Largest file accepted by the person import, in bytes (its upload route only).
    pub max_import_bytes: usize,
    /// Background job workers `serve` starts in this process (0: this process runs no jobs).
    pub job_workers: usize,
}

impl WebConfig {
    pub fn secure(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            public_url: None,
            listen: "127.0.0.1:8080".into(),
            session_idle: chrono::Duration::minutes(60),
            session_lifetime: chrono::Duration::hours(12),
            max_body_bytes: 2 * 1024 * 1024,
            max_upload_bytes: 25 * 1024 * 1024,
            trust_proxy: false,
            reset_link_lifetime: chrono::Duration::minutes(30),
            signup_link_lifetime: chrono::Duration::hours(24),
            login_attempts_per_minute: 10,
            max_import_bytes: 20 * 1024 * 1024,
            job_workers: 2,
        }
    }
}

pub struct Inner {
    pub db: Db,
    pub files: FileStore,
    pub mailer: Mailer,
    pub config: WebConfig,
    pub metrics: Metrics,
    pub limiter: RateLimiter,
    /// Wakes this process's job runners when a job is queued (see `jobs::wake`).
    pub job_wakeup: tokio::sync::Notify,
    definitions: Definitions,
}

/// The service definitions read so far, by tenant, service and version. Only versions that
/// were published are kept: they never change afterwards (only a draft is edited), so every
/// filing, case page and list need not read and parse the same JSON again.
#[derive(Default)]
struct Definitions(RwLock<HashMap<(Uuid, Uuid, i32), Arc<ServiceDefinition>>>);

/// Definitions kept at most; beyond, the cache starts afresh (a tenant has tens of services
/// with a few versions each).
const DEFINITIONS_KEPT: usize = 4096;

impl Inner {
    /// The definition of a service's version, `None` if the tenant has no such version.
    pub async fn definition(
        &self,
        tenant_id: Uuid,
        service_id: Uuid,
        version: i32,
    ) -> Result<Option<Arc<ServiceDefinition>>, StoreError> {
        let key = (tenant_id, service_id, version);
        if let Some(found) = self
            .definitions
            .0
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(&key)
        {
            return Ok(Some(found.clone()));
        }
        let Some(stored) = services::version(&self.db, tenant_id, service_id, version).await?
        else {
            return Ok(None);
        };
        let definition: Arc<ServiceDefinition> = Arc::new(
            serde_json::from_value(stored.definition.0)
                .map_err(|e| StoreError::Other(format!("stored definition: {e}")))?,
        );
        if stored.state != "draft" {
            let mut kept = self
                .definitions
                .0
                .write()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            if kept.len() >= DEFINITIONS_KEPT {
                kept.clear();
            }
            kept.insert(key, definition.clone());
        }
        Ok(Some(definition))
    }
}

/// Shared by every request. Cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

impl AppState {
    pub fn new(db: Db, files: FileStore, mailer: Mailer, config: WebConfig) -> Self {
        Self(Arc::new(Inner {
            db,
            files,
            mailer,
            config,
            metrics: Metrics::default(),
            limiter: RateLimiter::default(),
            job_wakeup: tokio::sync::Notify::new(),
            definitions: Definitions::default(),
        }))
    }
}

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
