//! Automation rules (what `relais_domain::automation` checks and reads) and their runs: one
//! row per run of a rule on a case, unique per `run_key`, so that a rule never runs twice for
//! the same event or the same stay of a case in a status, whatever the number of processes.

use crate::{Actor, Change, Db, Result, StoreError, audit::record, db::BeginWrite, db::on_pool};
use chrono::{DateTime, Utc};
use relais_domain::automation::{Action, Conditions, Rule, Trigger};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

/// Cases one pass of a timed rule looks at, at most.
pub const TIMED_BATCH: i64 = 200;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct RuleRow {
    pub id: Uuid,
    pub name: String,
    pub trigger: String,
    pub delay_days: Option<i32>,
    pub conditions: String,
    pub actions: String,
    pub enabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl RuleRow {
    /// The rule as the domain reads it (`None` if what is stored cannot be read).
    pub fn rule(&self) -> Option<Rule> {
        Some(Rule {
            trigger: Trigger::parse(&self.trigger)?,
            delay_days: self.delay_days.map(i64::from),
            conditions: serde_json::from_str::<Conditions>(&self.conditions).ok()?,
            actions: serde_json::from_str::<Vec<Action>>(&self.actions).ok()?,
        })
    }
}

const COLUMNS: &str =
    "id, name, trigger, delay_days, conditions, actions, enabled, created_at, updated_at";

pub async fn list(db: &Db, tenant_id: Uuid) -> Result<Vec<RuleRow>> {
    on_pool!(db, |p| sqlx::query_as::<_, RuleRow>(sqlx::AssertSqlSafe(
        format!("SELECT {COLUMNS} FROM automation_rules WHERE tenant_id = $1 ORDER BY name, id")
    ))
    .bind(tenant_id)
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

pub async fn get(db: &Db, tenant_id: Uuid, id: Uuid) -> Result<Option<RuleRow>> {
    on_pool!(db, |p| sqlx::query_as::<_, RuleRow>(sqlx::AssertSqlSafe(
        format!("SELECT {COLUMNS} FROM automation_rules WHERE tenant_id = $1 AND id = $2")
    ))
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(p)
    .await
    .map_err(Into::into))
}

/// The enabled rules of one trigger.
pub async fn enabled(db: &Db, tenant_id: Uuid, trigger: Trigger) -> Result<Vec<RuleRow>> {
    on_pool!(db, |p| sqlx::query_as::<_, RuleRow>(sqlx::AssertSqlSafe(
        format!(
            "SELECT {COLUMNS} FROM automation_rules
         WHERE tenant_id = $1 AND trigger = $2 AND enabled ORDER BY name, id"
        )
    ))
    .bind(tenant_id)
    .bind(trigger.as_str())
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

/// Tenants with at least one enabled timed rule (the scheduler's work list).
pub async fn tenants_with_timed_rules(db: &Db) -> Result<Vec<Uuid>> {
    on_pool!(db, |p| sqlx::query_scalar::<_, Uuid>(
        "SELECT DISTINCT tenant_id FROM automation_rules
         WHERE enabled AND trigger IN ('waiting_days', 'idle_days')"
    )
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

/// Saves a rule (a new one when `id` is `None`); `Conflict` when the name is taken.
pub async fn save(
    db: &Db,
    actor: &Actor,
    id: Option<Uuid>,
    name: &str,
    rule: &Rule,
    enabled: bool,
) -> Result<Uuid> {
    let conditions =
        serde_json::to_string(&rule.conditions).map_err(|e| StoreError::Other(e.to_string()))?;
    let actions =
        serde_json::to_string(&rule.actions).map_err(|e| StoreError::Other(e.to_string()))?;
    let delay = rule.delay_days.and_then(|d| i32::try_from(d).ok());
    let now = Utc::now();
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let (rule_id, action) = match id {
            Some(id) => {
                let updated = sqlx::query(
                    "UPDATE automation_rules SET name = $3, trigger = $4, delay_days = $5,
                        conditions = $6, actions = $7, enabled = $8, updated_at = $9
                     WHERE tenant_id = $1 AND id = $2",
                )
                .bind(actor.tenant_id)
                .bind(id)
                .bind(name)
                .bind(rule.trigger.as_str())
                .bind(delay)
                .bind(&conditions)
                .bind(&actions)
                .bind(enabled)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                if updated.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                (id, "automation.update")
            }
            None => {
                let id = relais_domain::new_id();
                sqlx::query(
                    "INSERT INTO automation_rules (tenant_id, id, name, trigger, delay_days,
                        conditions, actions, enabled, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
                )
                .bind(actor.tenant_id)
                .bind(id)
                .bind(name)
                .bind(rule.trigger.as_str())
                .bind(delay)
                .bind(&conditions)
                .bind(&actions)
                .bind(enabled)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                (id, "automation.create")
            }
        };
        record!(
            tx,
            actor,
            Change::new(
                action,
                "automation_rule",
                rule_id,
                json!({"name": name, "trigger": rule.trigger.as_str(), "delay_days": delay,
                       "conditions": rule.conditions, "actions": rule.actions,
                       "enabled": enabled})
            )
        );
        tx.commit().await?;
        crate::settings::changed();
        Ok::<_, StoreError>(rule_id)
    })
}

pub async fn delete(db: &Db, actor: &Actor, id: Uuid) -> Result<()> {
    let before = get(db, actor.tenant_id, id)
        .await?
        .ok_or(StoreError::NotFound)?;
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        sqlx::query("DELETE FROM automation_runs WHERE tenant_id = $1 AND rule_id = $2")
            .bind(actor.tenant_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM automation_rules WHERE tenant_id = $1 AND id = $2")
            .bind(actor.tenant_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        record!(
            tx,
            actor,
            Change::new(
                "automation.delete",
                "automation_rule",
                id,
                json!({"name": before.name})
            )
        );
        tx.commit().await?;
        crate::settings::changed();
        Ok::<_, StoreError>(())
    })
}

/// Claims the run of a rule on a case for `run_key`: `true` if this caller is the first
/// (it then carries the actions out and calls [`finish_run`]), `false` if it ran already.
pub async fn claim_run(
    db: &Db,
    tenant_id: Uuid,
    rule_id: Uuid,
    case_id: Uuid,
    run_key: &str,
) -> Result<Option<Uuid>> {
    let id = relais_domain::new_id();
    let inserted: u64 = on_pool!(db, |p| {
        sqlx::query(
        "INSERT INTO automation_runs (tenant_id, id, rule_id, case_id, run_key, outcome, ran_at)
         VALUES ($1, $2, $3, $4, $5, 'started', $6)
         ON CONFLICT (tenant_id, rule_id, case_id, run_key) DO NOTHING"
    )
    .bind(tenant_id)
    .bind(id)
    .bind(rule_id)
    .bind(case_id)
    .bind(run_key)
    .bind(Utc::now())
    .execute(p)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok((inserted == 1).then_some(id))
}

/// Records what a claimed run did (`done`, `partial`, `refused`).
pub async fn finish_run(db: &Db, tenant_id: Uuid, run_id: Uuid, outcome: &str) -> Result<()> {
    on_pool!(db, |p| sqlx::query(
        "UPDATE automation_runs SET outcome = $3 WHERE tenant_id = $1 AND id = $2"
    )
    .bind(tenant_id)
    .bind(run_id)
    .bind(outcome)
    .execute(p)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Cases a timed rule may be due on: still being handled (waiting on the requester for
/// `waiting_days`), in their status since `entered_before` at the latest, and on which the
/// rule has not run since they entered it. Oldest first, [`TIMED_BATCH`] at most.
pub async fn timed_candidates(
    db: &Db,
    tenant_id: Uuid,
    rule_id: Uuid,
    trigger: Trigger,
    entered_before: DateTime<Utc>,
) -> Result<Vec<Uuid>> {
    let kinds = match trigger {
        Trigger::WaitingDays => "c.status_kind = 'waiting_requester'",
        _ => "c.status_kind IN ('open', 'waiting_requester', 'waiting_third_party')",
    };
    on_pool!(db, |p| sqlx::query_scalar::<_, Uuid>(sqlx::AssertSqlSafe(
        format!(
            "SELECT c.id FROM cases c
         WHERE c.tenant_id = $1 AND {kinds} AND c.status_entered_at <= $2
           AND NOT EXISTS (SELECT 1 FROM automation_runs r WHERE r.tenant_id = c.tenant_id
               AND r.rule_id = $3 AND r.case_id = c.id AND r.ran_at >= c.status_entered_at)
         ORDER BY c.status_entered_at, c.id LIMIT $4"
        )
    ))
    .bind(tenant_id)
    .bind(entered_before)
    .bind(rule_id)
    .bind(TIMED_BATCH)
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

/// How many times each rule ran, for the admin list.
pub async fn run_counts(db: &Db, tenant_id: Uuid) -> Result<Vec<(Uuid, i64)>> {
    on_pool!(db, |p| sqlx::query_as::<_, (Uuid, i64)>(
        "SELECT rule_id, COUNT(*) FROM automation_runs WHERE tenant_id = $1 GROUP BY rule_id"
    )
    .bind(tenant_id)
    .fetch_all(p)
    .await
    .map_err(Into::into))
}
