//! The background job runner: claims jobs from the database (`relais_store::jobs`), runs the
//! handler registered for their kind, renews their lease while they run, and records the
//! outcome. Started by `serve` (so by `relais serve` and `relais demo`) with
//! `WebConfig::job_workers` workers; tests run it on demand with [`Runner::run_until_idle`].
//!
//! A handler is a [`JobHandler`] registered by kind in [`Registry::standard`]: to add a kind
//! (SLA timers, workflow timeouts, exports), write a handler and add it there. A handler
//! reports progress through its [`JobContext`], and must be resumable: after a crash the job
//! is run again from the start, with the progress it had recorded (see the person import,
//! which skips the batches already stored).

use crate::state::AppState;
use chrono::{Duration, Utc};
use relais_store::{
    Actor, StoreError,
    jobs::{self, Job, JobState, LEASE_LOST, Lease},
};
use serde_json::Value;
use std::{collections::HashMap, future::Future, pin::Pin, sync::Arc};
use tokio::sync::watch;

/// Why an attempt did not finish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobError {
    /// Worth another attempt later (the database was away, a file could not be read).
    Retry(String),
    /// Trying again cannot help (the job's input is gone or invalid).
    Fatal(String),
    /// The lease was taken over by another runner: stop without writing anything.
    LeaseLost,
}

impl From<StoreError> for JobError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Rule(LEASE_LOST) => JobError::LeaseLost,
            other => JobError::Retry(other.to_string()),
        }
    }
}

pub type JobFuture<'a> = Pin<Box<dyn Future<Output = Result<Value, JobError>> + Send + 'a>>;

/// Runs the jobs of one kind.
pub trait JobHandler: Send + Sync + 'static {
    fn kind(&self) -> &'static str;
    /// Does the work; the value returned is kept as the job's result.
    fn run<'a>(&'a self, cx: &'a JobContext) -> JobFuture<'a>;
}

/// What a handler gets: the application, the job, and its lease.
pub struct JobContext {
    pub state: AppState,
    pub job: Job,
    pub lease: Lease,
}

impl JobContext {
    /// Records `done` of `total` (also renewing nothing: the runner renews the lease).
    pub async fn progress(&self, done: i64, total: Option<i64>) -> Result<(), JobError> {
        jobs::progress(&self.state.db, &self.lease, done, total)
            .await
            .map_err(Into::into)
    }

    /// The actor of the job's writes in the audit log: the instance, on behalf of the job.
    pub fn actor(&self) -> Actor {
        Actor {
            tenant_id: self.job.tenant_id,
            account_id: None,
            label: format!("job {} ({})", self.job.id, self.job.kind),
            client_ip: None,
            request_id: None,
        }
    }
}

/// Handlers by kind.
#[derive(Clone, Default)]
pub struct Registry {
    handlers: HashMap<&'static str, Arc<dyn JobHandler>>,
}

impl Registry {
    /// Every kind this binary knows how to run.
    pub fn standard() -> Self {
        let mut r = Registry::default();
        r.add(crate::people::import::ImportJob);
        r.add(crate::automation::EventJob);
        r.add(crate::automation::TimeJob);
        r.add(crate::cases::webhooks::WebhookJob);
        r.add(crate::outbox::MailJob);
        r
    }

    pub fn add(&mut self, handler: impl JobHandler) {
        self.handlers.insert(handler.kind(), Arc::new(handler));
    }

    pub fn kinds(&self) -> Vec<&'static str> {
        let mut kinds: Vec<_> = self.handlers.keys().copied().collect();
        kinds.sort_unstable();
        kinds
    }
}

/// Settings of a runner.
#[derive(Debug, Clone)]
pub struct RunnerConfig {
    /// How long a claimed job stays this runner's without renewal; renewed every third.
    pub lease: Duration,
    /// Wait between looks at the queue when it was empty (an enqueue in this process
    /// wakes the runner at once).
    pub poll: std::time::Duration,
}

impl Default for RunnerConfig {
    fn default() -> Self {
        Self {
            lease: Duration::seconds(60),
            poll: std::time::Duration::from_secs(2),
        }
    }
}

/// One runner (a process may start several workers of it).
#[derive(Clone)]
pub struct Runner {
    state: AppState,
    registry: Arc<Registry>,
    config: RunnerConfig,
    worker: String,
}

/// What one pass of the runner did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Idle,
    Ran(JobState),
    /// The lease was lost or the process is stopping: the job was left to others.
    Left,
}

impl Runner {
    pub fn new(state: AppState, registry: Registry, config: RunnerConfig) -> Self {
        let worker = format!(
            "{}-{}-{}",
            std::env::var("HOSTNAME").unwrap_or_else(|_| "relais".into()),
            std::process::id(),
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        Self {
            state,
            registry: Arc::new(registry),
            config,
            worker,
        }
    }

    /// The name under which this runner holds leases.
    pub fn worker(&self) -> &str {
        &self.worker
    }

    /// Claims one ready job and runs it to its outcome.
    pub async fn run_one(&self) -> Result<Outcome, StoreError> {
        let (_tx, stop) = watch::channel(false);
        self.run_one_until(stop).await
    }

    /// Runs jobs until none is ready (tests, tools). Jobs queued for later stay queued.
    pub async fn run_until_idle(&self) -> Result<usize, StoreError> {
        let mut n = 0;
        while self.run_one().await? != Outcome::Idle {
            n += 1;
        }
        Ok(n)
    }

    async fn run_one_until(&self, mut stop: watch::Receiver<bool>) -> Result<Outcome, StoreError> {
        let kinds = self.registry.kinds();
        let Some(job) =
            jobs::claim(&self.state.db, &self.worker, &kinds, self.config.lease).await?
        else {
            return Ok(Outcome::Idle);
        };
        let lease = Lease {
            tenant_id: job.tenant_id,
            job_id: job.id,
            worker: self.worker.clone(),
        };
        let cx = JobContext {
            state: self.state.clone(),
            job,
            lease: lease.clone(),
        };
        let actor = cx.actor();
        // A job whose runners keep dying (a crash it causes?) is given up, not retried forever.
        if cx.job.attempts > cx.job.max_attempts {
            let state = jobs::fail(&self.state.db, &lease, &actor, "job-interrupted", None).await?;
            return Ok(Outcome::Ran(state));
        }
        let Some(handler) = self.registry.handlers.get(cx.job.kind.as_str()).cloned() else {
            jobs::release(&self.state.db, &lease).await?;
            return Ok(Outcome::Left);
        };
        tracing::info!(job = %cx.job.id, kind = %cx.job.kind, attempt = cx.job.attempts, "job started");
        let result = {
            let work = handler.run(&cx);
            let renew = self.keep_lease(&lease);
            tokio::pin!(work, renew);
            tokio::select! {
                r = &mut work => Some(r),
                lost = &mut renew => Some(lost),
                _ = stop.wait_for(|s| *s) => None,
            }
        };
        let Some(result) = result else {
            jobs::release(&self.state.db, &lease).await?;
            tracing::info!(job = %lease.job_id, "job handed back: stopping");
            return Ok(Outcome::Left);
        };
        let outcome = match result {
            Ok(value) => match jobs::complete(&self.state.db, &lease, &actor, &value).await {
                Ok(()) => Outcome::Ran(JobState::Done),
                Err(StoreError::Rule(LEASE_LOST)) => Outcome::Left,
                Err(e) => return Err(e),
            },
            Err(JobError::LeaseLost) => Outcome::Left,
            Err(JobError::Retry(message)) => {
                let retry_at = Utc::now() + jobs::backoff(cx.job.attempts);
                self.failed(&lease, &actor, &message, Some(retry_at))
                    .await?
            }
            Err(JobError::Fatal(message)) => self.failed(&lease, &actor, &message, None).await?,
        };
        tracing::info!(job = %lease.job_id, ?outcome, "job ended");
        Ok(outcome)
    }

    async fn failed(
        &self,
        lease: &Lease,
        actor: &Actor,
        message: &str,
        retry_at: Option<chrono::DateTime<Utc>>,
    ) -> Result<Outcome, StoreError> {
        tracing::warn!(job = %lease.job_id, error = %message, "job attempt failed");
        match jobs::fail(&self.state.db, lease, actor, message, retry_at).await {
            Ok(state) => Ok(Outcome::Ran(state)),
            Err(StoreError::Rule(LEASE_LOST)) => Ok(Outcome::Left),
            Err(e) => Err(e),
        }
    }

    /// Renews the lease every third of its length; resolves only when it is lost.
    async fn keep_lease(&self, lease: &Lease) -> Result<Value, JobError> {
        let every = (self.config.lease / 3)
            .to_std()
            .unwrap_or(std::time::Duration::from_secs(20));
        loop {
            tokio::time::sleep(every).await;
            match jobs::renew(&self.state.db, lease, self.config.lease).await {
                Ok(()) => {}
                Err(StoreError::Rule(LEASE_LOST)) => return Err(JobError::LeaseLost),
                // The database is away for a moment: the next renewal may work.
                Err(e) => tracing::warn!(job = %lease.job_id, error = %e, "lease renewal failed"),
            }
        }
    }

    /// Works until `stop` turns true: runs ready jobs, sleeps when there are none (an
    /// enqueue in this process wakes it).
    pub async fn work(self, stop: watch::Receiver<bool>) {
        loop {
            if *stop.borrow() {
                return;
            }
            let outcome = self.run_one_until(stop.clone()).await;
            let idle = match outcome {
                Ok(Outcome::Idle) => true,
                Ok(_) => false,
                Err(e) => {
                    tracing::warn!(error = %e, "job runner: database error");
                    true
                }
            };
            if idle {
                let mut stop = stop.clone();
                tokio::select! {
                    _ = tokio::time::sleep(self.config.poll) => {}
                    _ = self.state.job_wakeup.notified() => {}
                    _ = stop.wait_for(|s| *s) => return,
                }
            }
        }
    }

    /// Starts `workers` workers; they stop when `stop` turns true.
    pub fn spawn(
        self,
        workers: usize,
        stop: watch::Receiver<bool>,
    ) -> Vec<tokio::task::JoinHandle<()>> {
        (0..workers)
            .map(|_| tokio::spawn(self.clone().work(stop.clone())))
            .collect()
    }
}

/// Tells the runners of this process that a job is ready (others find it at their next poll).
pub fn wake(state: &AppState) {
    state.job_wakeup.notify_waiters();
}
