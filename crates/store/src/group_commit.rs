//! Group commit on SQLite: writes that arrive while another is being written wait at the
//! database's write gate, and whoever passes the gate next writes all of them in one
//! transaction.
//!
//! SQLite takes one writer at a time, and each transaction pays a fixed price: `BEGIN` and
//! `COMMIT` each a hand-off to the connection's thread, and at the commit every page it
//! touched copied to the write-ahead log. Sixteen filings in one transaction share the
//! pages of the time-ordered indexes and the commit (BENCHMARKS.md, case creation).
//!
//! A write here is a function that may be run more than once: the group is written in one
//! transaction, and if any write of it fails, the transaction is rolled back and each write
//! runs again alone, so one write's error never reaches another's caller. Each caller's
//! answer comes once the transaction holding its write is committed. The group runs in a
//! task of its own, so a caller that goes away (a closed connection) cannot cut it short; a
//! write still waiting when its caller goes away is not run at all.

use crate::db::{WRITE_WAIT, write_gate};
use crate::{Result, StoreError};
use sqlx::{SqliteConnection, SqlitePool};
use std::any::Any;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::oneshot;

type Output = Box<dyn Any + Send>;
type Work = Box<
    dyn for<'c> Fn(
            &'c mut SqliteConnection,
        ) -> Pin<Box<dyn Future<Output = Result<Output>> + Send + 'c>>
        + Send
        + Sync,
>;

/// Transactions that held more than one write, and the writes they held.
#[derive(Debug, Default)]
pub struct Counts {
    groups: AtomicU64,
    writes: AtomicU64,
    rolled_back: AtomicU64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Groups {
    /// Transactions committed with more than one write.
    pub transactions: u64,
    /// The writes they held.
    pub writes: u64,
    /// Groups rolled back because one of their writes failed, then written one by one.
    pub rolled_back: u64,
}

impl Counts {
    pub(crate) fn read(&self) -> Groups {
        Groups {
            transactions: self.groups.load(Ordering::Relaxed),
            writes: self.writes.load(Ordering::Relaxed),
            rolled_back: self.rolled_back.load(Ordering::Relaxed),
        }
    }
}

/// The writes waiting at a database's gate.
#[derive(Default)]
pub(crate) struct Waiting {
    jobs: Vec<Job>,
}

struct Job {
    number: u64,
    work: Work,
    answer: oneshot::Sender<Result<Output>>,
}

/// Writes `work` in the next transaction of the database's writer, with whatever other
/// writes are waiting, and returns what it returned once that transaction is committed.
/// `work` runs inside the transaction and may run twice (see the module's comment): it must
/// not have effects outside the database.
pub(crate) async fn write<T, F>(pool: &SqlitePool, work: F) -> Result<T>
where
    T: Send + 'static,
    F: for<'c> Fn(&'c mut SqliteConnection) -> Pin<Box<dyn Future<Output = Result<T>> + Send + 'c>>
        + Send
        + Sync
        + 'static,
{
    static NUMBERS: AtomicU64 = AtomicU64::new(0);
    let number = NUMBERS.fetch_add(1, Ordering::Relaxed);
    let gate = write_gate(pool);
    let (answer, answered) = oneshot::channel();
    let work: Work = Box::new(move |conn| {
        let written = work(conn);
        Box::pin(async move { written.await.map(|t| Box::new(t) as Output) })
    });
    lock(&gate.waiting).jobs.push(Job {
        number,
        work,
        answer,
    });
    match tokio::time::timeout(WRITE_WAIT, gate.lock.clone().lock_owned()).await {
        Ok(held) => {
            let group: Vec<Job> = {
                let mut waiting = lock(&gate.waiting);
                if waiting.jobs.iter().any(|job| job.number == number) {
                    std::mem::take(&mut waiting.jobs)
                        .into_iter()
                        .filter(|job| !job.answer.is_closed())
                        .collect()
                } else {
                    // An earlier group took this write: its answer is there already, and
                    // the writes still waiting are their own callers' to lead.
                    Vec::new()
                }
            };
            if group.is_empty() {
                drop(held);
            } else {
                let (pool, counts) = (pool.clone(), gate.counts.clone());
                // A panic in a write ends the task and drops the answers: said below.
                let _ = tokio::spawn(async move {
                    write_group(&pool, &counts, group).await;
                    drop(held);
                })
                .await;
            }
        }
        Err(_) => {
            // Not written if still waiting; otherwise a group holds it and will answer.
            let mut waiting = lock(&gate.waiting);
            if let Some(at) = waiting.jobs.iter().position(|job| job.number == number) {
                waiting.jobs.remove(at);
                return Err(StoreError::Other(
                    "the database is busy: nothing was written".into(),
                ));
            }
        }
    }
    let output = answered
        .await
        .map_err(|_| StoreError::Other("the write was interrupted".into()))??;
    output
        .downcast::<T>()
        .map(|t| *t)
        .map_err(|_| StoreError::Other("a grouped write answered the wrong type".into()))
}

fn lock(waiting: &std::sync::Mutex<Waiting>) -> std::sync::MutexGuard<'_, Waiting> {
    waiting
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

async fn write_group(pool: &SqlitePool, counts: &Counts, group: Vec<Job>) {
    if group.len() > 1 {
        match together(pool, &group).await {
            Ok(outputs) => {
                counts.groups.fetch_add(1, Ordering::Relaxed);
                counts
                    .writes
                    .fetch_add(group.len() as u64, Ordering::Relaxed);
                for (job, output) in group.into_iter().zip(outputs) {
                    let _ = job.answer.send(Ok(output));
                }
                return;
            }
            Err(e) => {
                counts.rolled_back.fetch_add(1, Ordering::Relaxed);
                tracing::debug!(error = %e, writes = group.len(), "group rolled back; each write again alone");
            }
        }
    }
    for job in group {
        let result = alone(pool, &job.work).await;
        let _ = job.answer.send(result);
    }
}

async fn together(pool: &SqlitePool, group: &[Job]) -> Result<Vec<Output>> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let mut outputs = Vec::with_capacity(group.len());
    for job in group {
        outputs.push((job.work)(&mut tx).await?);
    }
    tx.commit().await?;
    Ok(outputs)
}

async fn alone(pool: &SqlitePool, work: &Work) -> Result<Output> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let output = work(&mut tx).await?;
    tx.commit().await?;
    Ok(output)
}
