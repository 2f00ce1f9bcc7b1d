//! The job queue and its runner: claims are exclusive, a lease that ran out (its process
//! died) is taken again and resumed, failures are recorded with their message, retried with
//! backoff, then given up.

use crate::common::TestApp;
use chrono::{Duration, Utc};
use relais_store::{
    Actor, StoreError,
    jobs::{self, JobState, LEASE_LOST, Lease, NewJob},
};
use relais_web::jobs::{
    JobContext, JobError, JobFuture, JobHandler, Outcome, Registry, Runner, RunnerConfig,
};
use serde_json::json;
use std::sync::{Arc, Mutex};
use uuid::Uuid;

/// Records which job ran, and fails when its payload asks.
struct Recorder {
    ran: Arc<Mutex<Vec<Uuid>>>,
}

impl JobHandler for Recorder {
    fn kind(&self) -> &'static str {
        "test.record"
    }
    fn run<'a>(&'a self, cx: &'a JobContext) -> JobFuture<'a> {
        Box::pin(async move {
            // Yield so that runners interleave.
            tokio::task::yield_now().await;
            if let Ok(mut ran) = self.ran.lock() {
                ran.push(cx.job.id);
            }
            cx.progress(1, Some(1)).await?;
            match cx.job.payload["fail"].as_str() {
                Some("fatal") => Err(JobError::Fatal("the input file is gone".into())),
                Some("retry") => Err(JobError::Retry("database away for a moment".into())),
                _ => Ok(json!({"ok": true})),
            }
        })
    }
}

fn runner(app: &TestApp, ran: &Arc<Mutex<Vec<Uuid>>>) -> Runner {
    let mut registry = Registry::default();
    registry.add(Recorder { ran: ran.clone() });
    Runner::new(app.state.clone(), registry, RunnerConfig::default())
}

fn actor(app: &TestApp, slug: &str) -> Actor {
    Actor::system(app.tenant(slug), "test")
}

async fn enqueue(app: &TestApp, slug: &str, payload: serde_json::Value) -> Uuid {
    jobs::enqueue(
        &app.db,
        &actor(app, slug),
        &NewJob::new("test.record", payload),
    )
    .await
    .expect("enqueue")
}

#[tokio::test]
async fn two_runners_never_run_the_same_job() {
    let app = TestApp::new().await;
    let mut ids = Vec::new();
    for i in 0..30 {
        let slug = if i % 2 == 0 { "alpha" } else { "beta" };
        ids.push(enqueue(&app, slug, json!({"n": i})).await);
    }
    let ran = Arc::new(Mutex::new(Vec::new()));
    let (a, b) = (runner(&app, &ran), runner(&app, &ran));
    assert_ne!(a.worker(), b.worker());
    let (na, nb) = tokio::join!(a.run_until_idle(), b.run_until_idle());
    assert_eq!(na.unwrap() + nb.unwrap(), 30);
    let mut ran = ran.lock().unwrap().clone();
    ran.sort();
    ids.sort();
    assert_eq!(ran, ids, "each job ran exactly once");
    for id in &ids {
        let job = match jobs::get(&app.db, app.tenant("alpha"), *id).await.unwrap() {
            Some(j) => j,
            None => jobs::get(&app.db, app.tenant("beta"), *id)
                .await
                .unwrap()
                .expect("the job is in one of the tenants"),
        };
        assert_eq!(job.state, JobState::Done);
        assert_eq!(job.attempts, 1);
        assert_eq!(job.result, Some(json!({"ok": true})));
    }
}

#[tokio::test]
async fn concurrent_claims_are_exclusive() {
    let app = TestApp::new().await;
    for i in 0..40 {
        enqueue(&app, "alpha", json!({"n": i})).await;
    }
    let mut tasks = Vec::new();
    for w in 0..4 {
        let db = app.db.clone();
        tasks.push(tokio::spawn(async move {
            let mut got = Vec::new();
            while let Some(job) = jobs::claim(
                &db,
                &format!("w{w}"),
                &["test.record"],
                Duration::minutes(5),
            )
            .await
            .unwrap()
            {
                got.push(job.id);
            }
            got
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let n = all.len();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), n, "no job was claimed twice");
    assert_eq!(n, 40);
    // Nothing is left to claim while the leases hold, and other kinds are not claimed.
    assert!(
        jobs::claim(&app.db, "late", &["test.record"], Duration::minutes(5))
            .await
            .unwrap()
            .is_none()
    );
    enqueue(&app, "alpha", json!({})).await;
    assert!(
        jobs::claim(&app.db, "other", &["other.kind"], Duration::minutes(5))
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_crashed_lease_is_taken_again_and_the_dead_runner_can_write_nothing() {
    let app = TestApp::new().await;
    let id = enqueue(&app, "alpha", json!({})).await;
    // Runner A claims the job, then its process dies: its lease runs out (here at once).
    let claimed = jobs::claim(&app.db, "dead-runner", &["test.record"], Duration::zero())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claimed.id, id);
    let dead = Lease {
        tenant_id: app.tenant("alpha"),
        job_id: id,
        worker: "dead-runner".into(),
    };
    let ran = Arc::new(Mutex::new(Vec::new()));
    let b = runner(&app, &ran);
    assert_eq!(b.run_one().await.unwrap(), Outcome::Ran(JobState::Done));
    assert_eq!(ran.lock().unwrap().as_slice(), [id]);
    let job = jobs::get(&app.db, app.tenant("alpha"), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.state, JobState::Done);
    assert_eq!(job.attempts, 2, "the crashed attempt counts");
    // The dead runner, were it to wake up, changes nothing.
    let lost = jobs::progress(&app.db, &dead, 5, Some(5))
        .await
        .unwrap_err();
    assert!(matches!(lost, StoreError::Rule(LEASE_LOST)), "{lost:?}");
    let lost = jobs::complete(&app.db, &dead, &actor(&app, "alpha"), &json!({}))
        .await
        .unwrap_err();
    assert!(matches!(lost, StoreError::Rule(LEASE_LOST)));
    let lost = jobs::fail(&app.db, &dead, &actor(&app, "alpha"), "x", None)
        .await
        .unwrap_err();
    assert!(matches!(lost, StoreError::Rule(LEASE_LOST)));
    assert_eq!(
        jobs::get(&app.db, app.tenant("alpha"), id)
            .await
            .unwrap()
            .unwrap()
            .state,
        JobState::Done
    );
}

#[tokio::test]
async fn a_held_lease_is_not_taken() {
    let app = TestApp::new().await;
    enqueue(&app, "alpha", json!({})).await;
    jobs::claim(&app.db, "alive", &["test.record"], Duration::minutes(5))
        .await
        .unwrap()
        .unwrap();
    let ran = Arc::new(Mutex::new(Vec::new()));
    assert_eq!(runner(&app, &ran).run_one().await.unwrap(), Outcome::Idle);
    assert!(ran.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_failure_is_recorded_with_its_message() {
    let app = TestApp::new().await;
    let id = enqueue(&app, "beta", json!({"fail": "fatal"})).await;
    let ran = Arc::new(Mutex::new(Vec::new()));
    assert_eq!(
        runner(&app, &ran).run_one().await.unwrap(),
        Outcome::Ran(JobState::Failed)
    );
    let job = jobs::get(&app.db, app.tenant("beta"), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.state, JobState::Failed);
    assert_eq!(job.error.as_deref(), Some("the input file is gone"));
    assert!(job.finished_at.is_some());
    assert!(job.locked_by.is_none());
    let audit = relais_store::audit::list(
        &app.db,
        app.tenant("beta"),
        &relais_store::audit::Filter {
            action: Some("job.failed".into()),
            ..Default::default()
        },
        10,
    )
    .await
    .unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].target_id.as_deref(), Some(id.to_string().as_str()));
    assert_eq!(audit[0].summary.0["error"], "the input file is gone");
    // Not visible from the other tenant.
    assert!(
        jobs::get(&app.db, app.tenant("alpha"), id)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_transient_failure_is_retried_with_backoff_then_given_up() {
    let app = TestApp::new().await;
    let mut job = NewJob::new("test.record", json!({"fail": "retry"}));
    job.max_attempts = 2;
    let id = jobs::enqueue(&app.db, &actor(&app, "alpha"), &job)
        .await
        .unwrap();
    let ran = Arc::new(Mutex::new(Vec::new()));
    let r = runner(&app, &ran);
    let before = Utc::now();
    assert_eq!(r.run_one().await.unwrap(), Outcome::Ran(JobState::Queued));
    let job = jobs::get(&app.db, app.tenant("alpha"), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.error.as_deref(), Some("database away for a moment"));
    assert!(
        job.run_after >= before + jobs::backoff(1),
        "waits before the next attempt"
    );
    // Not ready yet: the runner finds nothing to do.
    assert_eq!(r.run_one().await.unwrap(), Outcome::Idle);
    assert_eq!(jobs::backoff(1), Duration::seconds(10));
    assert_eq!(jobs::backoff(2), Duration::seconds(20));
    assert_eq!(jobs::backoff(30), Duration::hours(1));
    // The time comes (moved here by hand), the second attempt fails too: given up.
    if let relais_store::Db::Sqlite(p) = &app.db {
        sqlx::query("UPDATE jobs SET run_after = $1")
            .bind(Utc::now())
            .execute(p)
            .await
            .unwrap();
    } else if let relais_store::Db::Postgres(p) = &app.db {
        sqlx::query("UPDATE jobs SET run_after = $1")
            .bind(Utc::now())
            .execute(p)
            .await
            .unwrap();
    }
    assert_eq!(r.run_one().await.unwrap(), Outcome::Ran(JobState::Failed));
    let job = jobs::get(&app.db, app.tenant("alpha"), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((job.state, job.attempts), (JobState::Failed, 2));
    assert_eq!(ran.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_runner_stopping_hands_its_job_back() {
    let app = TestApp::new().await;
    let id = enqueue(&app, "alpha", json!({})).await;
    let job = jobs::claim(&app.db, "stopping", &["test.record"], Duration::minutes(5))
        .await
        .unwrap()
        .unwrap();
    let lease = Lease {
        tenant_id: job.tenant_id,
        job_id: id,
        worker: "stopping".into(),
    };
    jobs::release(&app.db, &lease).await.unwrap();
    let job = jobs::get(&app.db, app.tenant("alpha"), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((job.state, job.attempts), (JobState::Queued, 0));
    let ran = Arc::new(Mutex::new(Vec::new()));
    assert_eq!(
        runner(&app, &ran).run_one().await.unwrap(),
        Outcome::Ran(JobState::Done)
    );
}
