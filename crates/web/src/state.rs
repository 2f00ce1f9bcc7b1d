use crate::{metrics::Metrics, rate_limit::RateLimiter};
use relais_domain::service::definition::ServiceDefinition;
use relais_mail::Mailer;
use relais_store::{Db, StoreError, files::FileStore, routing, services};
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
    /// The tenant of each host name seen lately (`None`: no tenant, not even a default).
    pub tenants_by_host: Recent<String, Option<Arc<relais_store::tenants::Tenant>>>,
    /// Each tenant's business calendar.
    pub calendars: Recent<Uuid, Arc<relais_domain::service::calendar::BusinessCalendar>>,
    /// Services by tenant and slug (`None`: no such service).
    pub services_by_slug: Recent<(Uuid, String), Option<services::Service>>,
    /// Whether a service of a tenant has a routing rule (most filings need not read it).
    pub routed_services: Recent<(Uuid, Uuid), bool>,
    /// The enabled automation rules of a tenant and trigger.
    pub automation_rules: Recent<(Uuid, &'static str), Arc<Vec<relais_store::automation::RuleRow>>>,
}

/// Settings read lately, each kept for [`FRESH_FOR`] at most. Every request needs its
/// tenant, and every filing the service, the calendar and the automation rules: asking
/// SQLite for each is a round trip to a connection's thread, a good part of what a filing
/// costs at two thousand a second. A copy is dropped as soon as this process changes any
/// such setting (`relais_store::settings`); another process's change (a second server on
/// the same PostgreSQL database, a command-line tool) is seen once the copy expires.
pub struct Recent<K, V> {
    kept: RwLock<HashMap<K, Kept<V>>>,
}

struct Kept<V> {
    value: V,
    read_at: std::time::Instant,
    generation: u64,
}

/// How long a setting read from the database is used before it is read again.
pub const FRESH_FOR: std::time::Duration = std::time::Duration::from_secs(1);
/// Entries kept at most per kind; beyond, the copies start afresh (host names come from
/// clients, so their number must not grow without bound).
const RECENT_KEPT: usize = 1024;

impl<K, V> Default for Recent<K, V> {
    fn default() -> Self {
        Self {
            kept: RwLock::new(HashMap::new()),
        }
    }
}

impl<K: std::hash::Hash + Eq, V: Clone> Recent<K, V> {
    /// The copy of `key` if it is fresh, else what `read` returns, kept.
    pub async fn get_or_read<E, F: Future<Output = Result<V, E>>>(
        &self,
        key: K,
        read: impl FnOnce() -> F,
    ) -> Result<V, E> {
        // Taken before the read: a change committed meanwhile makes the copy stale.
        let generation = relais_store::settings::generation();
        if let Some(kept) = self
            .kept
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(&key)
            && kept.generation == generation
            && kept.read_at.elapsed() < FRESH_FOR
        {
            return Ok(kept.value.clone());
        }
        let value = read().await?;
        let mut kept = self
            .kept
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if kept.len() >= RECENT_KEPT {
            kept.clear();
        }
        kept.insert(
            key,
            Kept {
                value: value.clone(),
                read_at: std::time::Instant::now(),
                generation,
            },
        );
        Ok(value)
    }
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

impl Inner {
    /// A service of the tenant by its slug (read at most once a second: every filing
    /// through the API names its service so).
    pub async fn service_by_slug(
        &self,
        tenant_id: Uuid,
        slug: &str,
    ) -> Result<Option<services::Service>, StoreError> {
        self.services_by_slug
            .get_or_read((tenant_id, slug.to_owned()), || {
                services::by_slug(&self.db, tenant_id, slug)
            })
            .await
    }
}

impl Inner {
    /// The routing rule of a service, if it has one. Whether it has one is known from a
    /// recent read; the rule itself is read each time, as it holds the round-robin's turn.
    pub async fn routing_rule(
        &self,
        tenant_id: Uuid,
        service_id: Uuid,
    ) -> Result<Option<routing::RuleRow>, StoreError> {
        let routed = self
            .routed_services
            .get_or_read((tenant_id, service_id), || async {
                routing::rule_for(&self.db, tenant_id, service_id)
                    .await
                    .map(|rule| rule.is_some())
            })
            .await?;
        if routed {
            routing::rule_for(&self.db, tenant_id, service_id).await
        } else {
            Ok(None)
        }
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
            tenants_by_host: Recent::default(),
            calendars: Recent::default(),
            services_by_slug: Recent::default(),
            automation_rules: Recent::default(),
            routed_services: Recent::default(),
        }))
    }
}

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    async fn read(recent: &Recent<u8, usize>, reads: &AtomicUsize) -> usize {
        recent
            .get_or_read(1, || async {
                Ok::<_, ()>(reads.fetch_add(1, Ordering::SeqCst) + 1)
            })
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_setting_is_read_again_once_changed_here_or_once_expired() {
        let recent = Recent::default();
        let reads = AtomicUsize::new(0);
        assert_eq!(read(&recent, &reads).await, 1);
        // Kept: the database is not asked again.
        assert_eq!(read(&recent, &reads).await, 1);
        // This process changed a setting: read again at once.
        relais_store::settings::changed();
        assert_eq!(read(&recent, &reads).await, 2);
        // Another process may have: read again once the copy is older than FRESH_FOR.
        tokio::time::sleep(FRESH_FOR + std::time::Duration::from_millis(50)).await;
        assert_eq!(read(&recent, &reads).await, 3);
        // A failed read is not kept.
        let failed = recent
            .get_or_read(2, || async { Err::<usize, _>("down") })
            .await;
        assert_eq!(failed, Err("down"));
        assert_eq!(
            recent.get_or_read(2, || async { Ok::<_, &str>(7) }).await,
            Ok(7)
        );
    }
}
