//! The job queue: background work (imports, later SLA timers, workflow timeouts, exports)
//! kept in the database, so any number of `relais` processes share it without a broker.
//!
//! A runner claims a ready job (queued and due, or running with a lease that ran out because
//! its process died) and holds it under a lease (`locked_by`, `locked_until`) that it renews
//! while it works. Claiming is atomic: PostgreSQL `FOR UPDATE SKIP LOCKED`, SQLite a write
//! transaction (`BEGIN IMMEDIATE`) with a conditional UPDATE, so two runners never hold the
//! same job. Every later write of a runner (progress, completion, failure) is conditional on
//! still holding the lease: a runner whose lease was taken over changes nothing.
//!
//! Audit: enqueueing is recorded (who asked for what) and so is the outcome (done or failed);
//! claims, lease renewals and progress are bookkeeping, not recorded.

use crate::{Actor, Change, Db, Result, StoreError, audit::record, db::BeginWrite, db::on_pool};
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use serde_json::{Value, json};
use sqlx::types::Json;
use uuid::Uuid;

/// Attempts before a job that keeps failing (or keeps losing its runner) is given up.
pub const DEFAULT_MAX_ATTEMPTS: i32 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Queued,
    Running,
    Done,
    Failed,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }

    fn parse(s: &str) -> JobState {
        match s {
            "running" => Self::Running,
            "done" => Self::Done,
            "failed" => Self::Failed,
            _ => Self::Queued,
        }
    }

    /// Done or failed: nothing will happen to the job any more.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Done | Self::Failed)
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct JobRow {
    tenant_id: Uuid,
    id: Uuid,
    kind: String,
    payload: Json<Value>,
    state: String,
    progress_done: i64,
    progress_total: Option<i64>,
    attempts: i32,
    max_attempts: i32,
    run_after: DateTime<Utc>,
    locked_by: Option<String>,
    locked_until: Option<DateTime<Utc>>,
    error: Option<String>,
    result: Option<Json<Value>>,
    created_by: Option<Uuid>,
    created_at: DateTime<Utc>,
    started_at: Option<DateTime<Utc>>,
    finished_at: Option<DateTime<Utc>>,
    updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Job {
    pub tenant_id: Uuid,
    pub id: Uuid,
    pub kind: String,
    pub payload: Value,
    pub state: JobState,
    /// Units of work done, of `progress_total` when known.
    pub progress_done: i64,
    pub progress_total: Option<i64>,
    /// Times a runner took the job (a retry or a resumption after a crash counts).
    pub attempts: i32,
    pub max_attempts: i32,
    pub run_after: DateTime<Utc>,
    pub locked_by: Option<String>,
    pub locked_until: Option<DateTime<Utc>>,
    /// The message of the last failure.
    pub error: Option<String>,
    /// What the handler returned when done (counts, file hashes…).
    pub result: Option<Value>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

impl From<JobRow> for Job {
    fn from(r: JobRow) -> Self {
        Job {
            tenant_id: r.tenant_id,
            id: r.id,
            kind: r.kind,
            payload: r.payload.0,
            state: JobState::parse(&r.state),
            progress_done: r.progress_done,
            progress_total: r.progress_total,
            attempts: r.attempts,
            max_attempts: r.max_attempts,
            run_after: r.run_after,
            locked_by: r.locked_by,
            locked_until: r.locked_until,
            error: r.error,
            result: r.result.map(|j| j.0),
            created_by: r.created_by,
            created_at: r.created_at,
            started_at: r.started_at,
            finished_at: r.finished_at,
            updated_at: r.updated_at,
        }
    }
}

impl Job {
    /// Done of total as a whole percentage, when the total is known.
    pub fn percent(&self) -> Option<i64> {
        self.progress_total
            .filter(|t| *t > 0)
            .map(|t| (self.progress_done.clamp(0, t) * 100) / t)
            .or_else(|| (self.state == JobState::Done).then_some(100))
    }
}

const COLUMNS: &str =
    "tenant_id, id, kind, payload, state, progress_done, progress_total, attempts,
    max_attempts, run_after, locked_by, locked_until, error, result, created_by, created_at,
    started_at, finished_at, updated_at";

/// A job held by one runner until `until`. Every write about the job goes through it.
#[derive(Debug, Clone)]
pub struct Lease {
    pub tenant_id: Uuid,
    pub job_id: Uuid,
    pub worker: String,
}

/// The lease is no longer this runner's (it ran out and another runner took the job, or
/// the job was finished meanwhile): stop without writing.
pub const LEASE_LOST: &str = "job-lease-lost";

/// A new job, ready at once (or at `run_after`).
#[derive(Debug, Clone)]
pub struct NewJob<'a> {
    pub kind: &'a str,
    pub payload: Value,
    pub run_after: Option<DateTime<Utc>>,
    pub max_attempts: i32,
}

impl<'a> NewJob<'a> {
    pub fn new(kind: &'a str, payload: Value) -> Self {
        Self {
            kind,
            payload,
            run_after: None,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
        }
    }
}

/// The INSERT of a job, for [`enqueue`] and for stores that queue a job in the same
/// transaction as their own write.
macro_rules! insert_job {
    ($tx:expr, $actor:expr, $id:expr, $job:expr) => {{
        let actor: &$crate::Actor = $actor;
        let job: &$crate::jobs::NewJob<'_> = $job;
        let now = chrono::Utc::now();
        sqlx::query(
            "INSERT INTO jobs (tenant_id, id, kind, payload, state, progress_done, attempts, max_attempts,
                run_after, created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, 'queued', 0, 0, $5, $6, $7, $8, $8)",
        )
        .bind(actor.tenant_id)
        .bind($id)
        .bind(job.kind)
        .bind(sqlx::types::Json(&job.payload))
        .bind(job.max_attempts.max(1))
        .bind(job.run_after.unwrap_or(now))
        .bind(actor.account_id)
        .bind(now)
        .execute(&mut *$tx)
        .await?;
        $crate::audit::record!(
            $tx,
            actor,
            $crate::Change::new(
                "job.enqueue",
                "job",
                $id,
                serde_json::json!({"kind": job.kind, "payload": job.payload})
            )
        );
    }};
}
pub(crate) use insert_job;

/// Queues a job in the actor's tenant.
pub async fn enqueue(db: &Db, actor: &Actor, job: &NewJob<'_>) -> Result<Uuid> {
    let id = relais_domain::new_id();
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        insert_job!(tx, actor, id, job);
        tx.commit().await?;
        Ok(id)
    })
}

/// A job of the tenant.
pub async fn get(db: &Db, tenant_id: Uuid, id: Uuid) -> Result<Option<Job>> {
    let sql = format!("SELECT {COLUMNS} FROM jobs WHERE tenant_id = $1 AND id = $2");
    on_pool!(db, |p| sqlx::query_as::<_, JobRow>(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(p)
    .await
    .map(|r| r.map(Job::from))
    .map_err(Into::into))
}

/// The tenant's jobs of one kind, newest first.
pub async fn list(db: &Db, tenant_id: Uuid, kind: &str, limit: i64) -> Result<Vec<Job>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM jobs WHERE tenant_id = $1 AND kind = $2 ORDER BY id DESC LIMIT $3"
    );
    on_pool!(db, |p| sqlx::query_as::<_, JobRow>(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(tenant_id)
    .bind(kind)
    .bind(limit.clamp(1, 500))
    .fetch_all(p)
    .await
    .map(|rows| rows.into_iter().map(Job::from).collect())
    .map_err(Into::into))
}

/// Takes the next ready job of one of `kinds` (any tenant) for `worker`, leased for
/// `lease`: a queued job whose `run_after` has come, or a running job whose lease ran out
/// (its runner died), oldest first. `None` when nothing is ready.
pub async fn claim(db: &Db, worker: &str, kinds: &[&str], lease: Duration) -> Result<Option<Job>> {
    if kinds.is_empty() {
        return Ok(None);
    }
    let now = Utc::now();
    let kinds: Vec<String> = kinds.iter().map(|k| (*k).to_owned()).collect();
    let set = "state = 'running', locked_by = $1, locked_until = $2, attempts = attempts + 1,
               started_at = COALESCE(started_at, $3), updated_at = $3";
    let ready =
        "((state = 'queued' AND run_after <= $3) OR (state = 'running' AND locked_until < $3))";
    let row = match db {
        Db::Postgres(p) => {
            let sql = format!(
                "UPDATE jobs SET {set}
                 WHERE (tenant_id, id) = (
                     SELECT tenant_id, id FROM jobs
                     WHERE {ready} AND kind = ANY($4)
                     ORDER BY run_after, id LIMIT 1
                     FOR UPDATE SKIP LOCKED)
                 RETURNING {COLUMNS}"
            );
            sqlx::query_as::<_, JobRow>(sqlx::AssertSqlSafe(sql))
                .bind(worker)
                .bind(now + lease)
                .bind(now)
                .bind(&kinds)
                .fetch_optional(p)
                .await?
        }
        Db::Sqlite(p) => {
            // The write lock is taken at BEGIN: no other runner reads between the choice and
            // the UPDATE, whose WHERE repeats the readiness test anyway.
            let mut tx = p.begin_write().await?;
            let sql = format!(
                "UPDATE jobs SET {set}
                 WHERE (tenant_id, id) IN (
                     SELECT tenant_id, id FROM jobs
                     WHERE {ready} AND kind IN (SELECT value FROM json_each($4))
                     ORDER BY run_after, id LIMIT 1)
                   AND {ready}
                 RETURNING {COLUMNS}"
            );
            let row = sqlx::query_as::<_, JobRow>(sqlx::AssertSqlSafe(sql))
                .bind(worker)
                .bind(now + lease)
                .bind(now)
                .bind(serde_json::to_string(&kinds).map_err(|e| StoreError::Other(e.to_string()))?)
                .fetch_optional(&mut *tx)
                .await?;
            tx.commit().await?;
            row
        }
    };
    Ok(row.map(Job::from))
}

/// Keeps the lease for another `lease` from now. `Rule(LEASE_LOST)` when it is no longer
/// this runner's.
pub async fn renew(db: &Db, lease: &Lease, duration: Duration) -> Result<()> {
    let now = Utc::now();
    let n = on_pool!(db, |p| sqlx::query(
        "UPDATE jobs SET locked_until = $4, updated_at = $5
         WHERE tenant_id = $1 AND id = $2 AND locked_by = $3 AND state = 'running'"
    )
    .bind(lease.tenant_id)
    .bind(lease.job_id)
    .bind(&lease.worker)
    .bind(now + duration)
    .bind(now)
    .execute(p)
    .await?
    .rows_affected());
    if n == 1 {
        Ok(())
    } else {
        Err(StoreError::Rule(LEASE_LOST))
    }
}

/// The UPDATE of a job's progress under its lease, inside a transaction; `Rule(LEASE_LOST)`
/// (and the caller's transaction is to be dropped) when the lease is no longer held.
macro_rules! set_progress {
    ($tx:expr, $lease:expr, $done:expr, $total:expr) => {{
        let lease: &$crate::jobs::Lease = $lease;
        let n = sqlx::query(
            "UPDATE jobs SET progress_done = $4, progress_total = COALESCE($5, progress_total), updated_at = $6
             WHERE tenant_id = $1 AND id = $2 AND locked_by = $3 AND state = 'running'",
        )
        .bind(lease.tenant_id)
        .bind(lease.job_id)
        .bind(&lease.worker)
        .bind($done)
        .bind($total)
        .bind(chrono::Utc::now())
        .execute(&mut *$tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Err($crate::StoreError::Rule($crate::jobs::LEASE_LOST));
        }
    }};
}
pub(crate) use set_progress;

/// Records progress (`done` of `total`, the total unchanged when `None`).
pub async fn progress(db: &Db, lease: &Lease, done: i64, total: Option<i64>) -> Result<()> {
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        set_progress!(tx, lease, done, total);
        tx.commit().await?;
        Ok(())
    })
}

/// The job is done; `result` is kept for its page.
pub async fn complete(db: &Db, lease: &Lease, actor: &Actor, result: &Value) -> Result<()> {
    let now = Utc::now();
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let kind: Option<String> = sqlx::query_scalar(
            "UPDATE jobs SET state = 'done', result = $4, error = NULL, locked_by = NULL,
                locked_until = NULL, finished_at = $5, updated_at = $5,
                progress_done = COALESCE(progress_total, progress_done)
             WHERE tenant_id = $1 AND id = $2 AND locked_by = $3 AND state = 'running'
             RETURNING kind",
        )
        .bind(lease.tenant_id)
        .bind(lease.job_id)
        .bind(&lease.worker)
        .bind(Json(result))
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(kind) = kind else {
            return Err(StoreError::Rule(LEASE_LOST));
        };
        record!(
            tx,
            actor,
            Change::new(
                "job.done",
                "job",
                lease.job_id,
                json!({"kind": kind, "result": result})
            )
        );
        tx.commit().await?;
        Ok(())
    })
}

/// The attempt failed with `error`. With `retry_at`, the job is queued again for then
/// (unless its attempts are used up); otherwise, or when they are, it has failed for good.
/// Returns the state the job is left in.
pub async fn fail(
    db: &Db,
    lease: &Lease,
    actor: &Actor,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> Result<JobState> {
    let now = Utc::now();
    let error: String = error.chars().take(2000).collect();
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let row: Option<(String, i32, i32)> = sqlx::query_as(
            "SELECT kind, attempts, max_attempts FROM jobs
             WHERE tenant_id = $1 AND id = $2 AND locked_by = $3 AND state = 'running'",
        )
        .bind(lease.tenant_id)
        .bind(lease.job_id)
        .bind(&lease.worker)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((kind, attempts, max_attempts)) = row else {
            return Err(StoreError::Rule(LEASE_LOST));
        };
        let state = match retry_at {
            Some(_) if attempts < max_attempts => JobState::Queued,
            _ => JobState::Failed,
        };
        sqlx::query(
            "UPDATE jobs SET state = $3, error = $4, run_after = COALESCE($5, run_after),
                locked_by = NULL, locked_until = NULL, updated_at = $6,
                finished_at = CASE WHEN $3 = 'failed' THEN $6 ELSE NULL END
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(lease.tenant_id)
        .bind(lease.job_id)
        .bind(state.as_str())
        .bind(&error)
        .bind(retry_at)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if state == JobState::Failed {
            record!(
                tx,
                actor,
                Change::new(
                    "job.failed",
                    "job",
                    lease.job_id,
                    json!({"kind": kind, "attempts": attempts, "error": error})
                )
            );
        }
        tx.commit().await?;
        Ok(state)
    })
}

/// Gives the job back without counting the attempt (the process is stopping): another
/// runner may take it at once.
pub async fn release(db: &Db, lease: &Lease) -> Result<()> {
    let now = Utc::now();
    on_pool!(db, |p| sqlx::query(
        "UPDATE jobs SET state = 'queued', locked_by = NULL, locked_until = NULL,
            attempts = attempts - 1, run_after = $4, updated_at = $4
         WHERE tenant_id = $1 AND id = $2 AND locked_by = $3 AND state = 'running'"
    )
    .bind(lease.tenant_id)
    .bind(lease.job_id)
    .bind(&lease.worker)
    .bind(now)
    .execute(p)
    .await
    .map(|_| ())
    .map_err(Into::into))
}

/// The wait before attempt `attempts + 1` after a failure: 10 s, 20 s, 40 s… at most an
/// hour.
pub fn backoff(attempts: i32) -> Duration {
    let exponent = u32::try_from(attempts.clamp(1, 20) - 1).unwrap_or(0);
    Duration::seconds((10_i64 << exponent).min(3600))
}
