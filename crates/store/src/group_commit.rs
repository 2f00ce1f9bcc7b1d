//! Group commit on SQLite: writes that arrive while another is being written wait at the
//! database's write gate, and whoever passes the gate next writes all of them in one
//! transaction, with one statement per table for the whole group where the kind of write
//! allows it.
//!
//! SQLite takes one writer at a time, and sqlx runs each SQLite connection on a thread of
//! its own: every statement is a round trip between threads, and every transaction pays
//! `BEGIN`, `COMMIT` and the copy of the pages it touched to the write-ahead log. The
//! writer is a queue; what it does per write sets the rate of every write behind it
//! (BENCHMARKS.md, case creation).
//!
//! A group is written in one transaction; if any write of it fails, the transaction is
//! rolled back and each write is made again alone, so one write's error never reaches
//! another's caller. Each caller's answer comes once the transaction holding its write is
//! committed. The group runs in a task of its own, so a caller that goes away (a closed
//! connection) cannot cut it short; a write still waiting when its caller goes away is not
//! made at all.

use crate::db::{WRITE_WAIT, write_gate};
use crate::{Result, StoreError};
use sqlx::{SqliteConnection, SqlitePool};
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::oneshot;

pub(crate) type Written<'c, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'c>>;

/// A kind of write that can be grouped.
pub(crate) trait Grouped: Send + Sync + Sized + 'static {
    type Output: Send + 'static;
    /// Makes this write alone, inside a transaction.
    fn write_one<'c>(&'c self, conn: &'c mut SqliteConnection) -> Written<'c, Self::Output>;
    /// Makes all these writes, inside one transaction; their outputs in the same order.
    fn write_all<'c>(
        group: &'c [&'c Self],
        conn: &'c mut SqliteConnection,
    ) -> Written<'c, Vec<Self::Output>>;
}

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

/// The writes waiting at a database's gate, by kind (a `Vec<Job<W>>` per `W`).
#[derive(Default)]
pub(crate) struct Waiting {
    by_kind: HashMap<TypeId, Box<dyn Any + Send>>,
}

impl Waiting {
    fn jobs<W: Grouped>(&mut self) -> Result<&mut Vec<Job<W>>> {
        self.by_kind
            .entry(TypeId::of::<W>())
            .or_insert_with(|| Box::new(Vec::<Job<W>>::new()))
            .downcast_mut::<Vec<Job<W>>>()
            .ok_or_else(|| StoreError::Other("group commit: a queue of the wrong kind".into()))
    }
}

#[cfg(test)]
impl Waiting {
    /// How many writes of kind `W` wait.
    pub(crate) fn len<W: Grouped>(&mut self) -> usize {
        self.jobs::<W>().map(|jobs| jobs.len()).unwrap_or(0)
    }
}

struct Job<W: Grouped> {
    number: u64,
    write: W,
    answer: oneshot::Sender<Result<W::Output>>,
}

/// Makes `write` in the next transaction of the database's writer, with whatever other
/// writes of its kind are waiting, and returns its output once that transaction is
/// committed.
pub(crate) async fn write<W: Grouped>(pool: &SqlitePool, write: W) -> Result<W::Output> {
    static NUMBERS: AtomicU64 = AtomicU64::new(0);
    let number = NUMBERS.fetch_add(1, Ordering::Relaxed);
    let gate = write_gate(pool);
    let (answer, answered) = oneshot::channel();
    lock(&gate.waiting).jobs::<W>()?.push(Job {
        number,
        write,
        answer,
    });
    match tokio::time::timeout(WRITE_WAIT, gate.lock.clone().lock_owned()).await {
        Ok(held) => {
            let group: Vec<Job<W>> = {
                let mut waiting = lock(&gate.waiting);
                let jobs = waiting.jobs::<W>()?;
                if jobs.iter().any(|job| job.number == number) {
                    std::mem::take(jobs)
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
            let jobs = waiting.jobs::<W>()?;
            if let Some(at) = jobs.iter().position(|job| job.number == number) {
                jobs.remove(at);
                return Err(StoreError::Other(
                    "the database is busy: nothing was written".into(),
                ));
            }
        }
    }
    answered
        .await
        .map_err(|_| StoreError::Other("the write was interrupted".into()))?
}

fn lock(waiting: &std::sync::Mutex<Waiting>) -> std::sync::MutexGuard<'_, Waiting> {
    waiting
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

async fn write_group<W: Grouped>(pool: &SqlitePool, counts: &Counts, group: Vec<Job<W>>) {
    if group.len() > 1 {
        let writes: Vec<&W> = group.iter().map(|job| &job.write).collect();
        match together(pool, &writes).await {
            Ok(outputs) if outputs.len() == group.len() => {
                counts.groups.fetch_add(1, Ordering::Relaxed);
                counts
                    .writes
                    .fetch_add(group.len() as u64, Ordering::Relaxed);
                for (job, output) in group.into_iter().zip(outputs) {
                    let _ = job.answer.send(Ok(output));
                }
                return;
            }
            Ok(_) => {
                // Cannot happen (write_all answers each write); written again to be sure.
                tracing::error!("group commit: a group answered the wrong number of writes");
            }
            Err(e) => {
                counts.rolled_back.fetch_add(1, Ordering::Relaxed);
                tracing::debug!(error = %e, writes = group.len(), "group rolled back; each write again alone");
            }
        }
    }
    for job in group {
        let result = alone(pool, &job.write).await;
        let _ = job.answer.send(result);
    }
}

async fn together<W: Grouped>(pool: &SqlitePool, writes: &[&W]) -> Result<Vec<W::Output>> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let outputs = W::write_all(writes, &mut tx).await?;
    tx.commit().await?;
    Ok(outputs)
}

async fn alone<W: Grouped>(pool: &SqlitePool, write: &W) -> Result<W::Output> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let output = write.write_one(&mut tx).await?;
    tx.commit().await?;
    Ok(output)
}
