//! Routing rules (per service: a team and how to pick its agent), agents' availability,
//! capacity and skills, and the workload figures the router and the supervisor board read.
//! The choice itself is `relais_domain::routing::pick`; this module reads its inputs and
//! writes its outcome.

use crate::{Actor, Change, Db, Result, StoreError, audit::record, db::BeginWrite, db::on_pool};
use chrono::{DateTime, Utc};
use relais_domain::routing::{Candidate, Strategy};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

/// Cases still being handled (the same text as the views' partial indexes).
const ACTIVE: &str = "status_kind IN ('open', 'waiting_requester', 'waiting_third_party')";

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct RuleRow {
    pub service_id: Uuid,
    pub team_id: Uuid,
    pub strategy: String,
    pub skill: Option<String>,
    pub last_assignee_id: Option<Uuid>,
    pub updated_at: DateTime<Utc>,
}

impl RuleRow {
    pub fn strategy(&self) -> Strategy {
        Strategy::parse(&self.strategy).unwrap_or(Strategy::TeamOnly)
    }
}

/// Every rule of the tenant.
pub async fn rules(db: &Db, tenant_id: Uuid) -> Result<Vec<RuleRow>> {
    on_pool!(db, |p| sqlx::query_as::<_, RuleRow>(
        "SELECT service_id, team_id, strategy, skill, last_assignee_id, updated_at
         FROM routing_rules WHERE tenant_id = $1"
    )
    .bind(tenant_id)
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

/// The rule of one service, if it has one.
pub async fn rule_for(db: &Db, tenant_id: Uuid, service_id: Uuid) -> Result<Option<RuleRow>> {
    on_pool!(db, |p| sqlx::query_as::<_, RuleRow>(
        "SELECT service_id, team_id, strategy, skill, last_assignee_id, updated_at
         FROM routing_rules WHERE tenant_id = $1 AND service_id = $2"
    )
    .bind(tenant_id)
    .bind(service_id)
    .fetch_optional(p)
    .await
    .map_err(Into::into))
}

/// Sets (or replaces) the rule of a service. The service and the team must be the actor's
/// tenant's (`NotFound` otherwise, nothing written).
pub async fn save_rule(
    db: &Db,
    actor: &Actor,
    service_id: Uuid,
    team_id: Uuid,
    strategy: Strategy,
    skill: Option<&str>,
) -> Result<()> {
    let before = rule_for(db, actor.tenant_id, service_id).await?;
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let found: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM services WHERE tenant_id = $1 AND id = $2)
                  + (SELECT COUNT(*) FROM teams WHERE tenant_id = $1 AND id = $3)",
        )
        .bind(actor.tenant_id)
        .bind(service_id)
        .bind(team_id)
        .fetch_one(&mut *tx)
        .await?;
        if found != 2 {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "INSERT INTO routing_rules (tenant_id, service_id, team_id, round_robin, strategy,
                skill, last_assignee_id, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, NULL, $7)
             ON CONFLICT (tenant_id, service_id) DO UPDATE SET team_id = $3, round_robin = $4,
                strategy = $5, skill = $6, updated_at = $7",
        )
        .bind(actor.tenant_id)
        .bind(service_id)
        .bind(team_id)
        .bind(strategy == Strategy::RoundRobin)
        .bind(strategy.as_str())
        .bind(skill)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await?;
        record!(
            tx,
            actor,
            Change::new(
                "routing.save",
                "service",
                service_id,
                json!({
                    "team_id": team_id, "strategy": strategy.as_str(), "skill": skill,
                    "before": before.as_ref().map(|b| json!({"team_id": b.team_id,
                        "strategy": b.strategy, "skill": b.skill})),
                })
            )
        );
        tx.commit().await?;
        crate::settings::changed();
        Ok::<_, StoreError>(())
    })
}

/// Removes the rule of a service (its cases then wait in the unassigned queue).
pub async fn delete_rule(db: &Db, actor: &Actor, service_id: Uuid) -> Result<()> {
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let deleted =
            sqlx::query("DELETE FROM routing_rules WHERE tenant_id = $1 AND service_id = $2")
                .bind(actor.tenant_id)
                .bind(service_id)
                .execute(&mut *tx)
                .await?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        record!(
            tx,
            actor,
            Change::new("routing.delete", "service", service_id, json!({}))
        );
        tx.commit().await?;
        crate::settings::changed();
        Ok::<_, StoreError>(())
    })
}

/// Remembers who got the rule's last case (round-robin goes on after them).
pub async fn record_pick(db: &Db, tenant_id: Uuid, service_id: Uuid, agent: Uuid) -> Result<()> {
    on_pool!(db, |p| {
        sqlx::query(
            "UPDATE routing_rules SET last_assignee_id = $3
             WHERE tenant_id = $1 AND service_id = $2",
        )
        .bind(tenant_id)
        .bind(service_id)
        .bind(agent)
        .execute(p)
        .await?;
        Ok::<_, StoreError>(())
    })
}

#[derive(sqlx::FromRow)]
struct CandidateRow {
    id: Uuid,
    role: Option<String>,
    disabled: bool,
    available: Option<bool>,
    capacity: Option<i32>,
    open_cases: i64,
}

/// The members of a team as the router sees them (availability, capacity, load, skills).
pub async fn candidates(db: &Db, tenant_id: Uuid, team_id: Uuid) -> Result<Vec<Candidate>> {
    let rows: Vec<CandidateRow> = on_pool!(db, |p| sqlx::query_as::<_, CandidateRow>(
        sqlx::AssertSqlSafe(format!(
            "SELECT a.id, a.role, a.disabled, v.available, v.capacity,
                (SELECT COUNT(*) FROM cases c WHERE c.tenant_id = a.tenant_id
                    AND c.assignee_id = a.id AND c.{ACTIVE}) AS open_cases
             FROM team_members m
             JOIN accounts a ON a.tenant_id = m.tenant_id AND a.id = m.account_id
             LEFT JOIN agent_availability v ON v.tenant_id = a.tenant_id AND v.account_id = a.id
             WHERE m.tenant_id = $1 AND m.team_id = $2 AND a.kind = 'staff'"
        ))
    )
    .bind(tenant_id)
    .bind(team_id)
    .fetch_all(p)
    .await)?;
    let skills = all_skills(db, tenant_id).await?;
    Ok(rows
        .into_iter()
        .map(|r| Candidate {
            id: r.id,
            available: r.available.unwrap_or(true),
            capacity: r.capacity.map(i64::from),
            open_cases: r.open_cases,
            skills: skills
                .iter()
                .filter(|(a, _)| *a == r.id)
                .map(|(_, s)| s.clone())
                .collect(),
            active: !r.disabled && r.role.as_deref().is_some_and(|role| role != "viewer"),
        })
        .collect())
}

async fn all_skills(db: &Db, tenant_id: Uuid) -> Result<Vec<(Uuid, String)>> {
    on_pool!(db, |p| sqlx::query_as::<_, (Uuid, String)>(
        "SELECT account_id, skill FROM agent_skills WHERE tenant_id = $1 ORDER BY skill"
    )
    .bind(tenant_id)
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

/// An agent's availability, capacity and skills.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Availability {
    pub available: bool,
    pub capacity: Option<i64>,
    pub skills: Vec<String>,
}

pub async fn availability(db: &Db, tenant_id: Uuid, account_id: Uuid) -> Result<Availability> {
    let row: Option<(bool, Option<i32>)> = on_pool!(db, |p| sqlx::query_as(
        "SELECT available, capacity FROM agent_availability
         WHERE tenant_id = $1 AND account_id = $2"
    )
    .bind(tenant_id)
    .bind(account_id)
    .fetch_optional(p)
    .await)?;
    let skills = on_pool!(db, |p| sqlx::query_scalar::<_, String>(
        "SELECT skill FROM agent_skills WHERE tenant_id = $1 AND account_id = $2 ORDER BY skill"
    )
    .bind(tenant_id)
    .bind(account_id)
    .fetch_all(p)
    .await)?;
    Ok(Availability {
        available: row.is_none_or(|(a, _)| a),
        capacity: row.and_then(|(_, c)| c).map(i64::from),
        skills,
    })
}

/// Sets whether an agent takes new cases (their own choice, or a supervisor's).
pub async fn set_available(
    db: &Db,
    actor: &Actor,
    account_id: Uuid,
    available: bool,
) -> Result<()> {
    let current = availability(db, actor.tenant_id, account_id).await?;
    write_availability(db, actor, account_id, available, current.capacity, None).await
}

/// Sets an agent's availability, capacity and skills (a supervisor's or an admin's change).
pub async fn set_availability(
    db: &Db,
    actor: &Actor,
    account_id: Uuid,
    available: bool,
    capacity: Option<i64>,
    skills: &[String],
) -> Result<()> {
    write_availability(db, actor, account_id, available, capacity, Some(skills)).await
}

async fn write_availability(
    db: &Db,
    actor: &Actor,
    account_id: Uuid,
    available: bool,
    capacity: Option<i64>,
    skills: Option<&[String]>,
) -> Result<()> {
    let before = availability(db, actor.tenant_id, account_id).await?;
    let capacity = capacity.and_then(|c| i32::try_from(c).ok());
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let staff: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM accounts WHERE tenant_id = $1 AND id = $2 AND kind = 'staff'",
        )
        .bind(actor.tenant_id)
        .bind(account_id)
        .fetch_one(&mut *tx)
        .await?;
        if staff == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "INSERT INTO agent_availability (tenant_id, account_id, available, capacity, updated_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (tenant_id, account_id) DO UPDATE SET available = $3, capacity = $4,
                updated_at = $5",
        )
        .bind(actor.tenant_id)
        .bind(account_id)
        .bind(available)
        .bind(capacity)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await?;
        if let Some(skills) = skills {
            sqlx::query("DELETE FROM agent_skills WHERE tenant_id = $1 AND account_id = $2")
                .bind(actor.tenant_id)
                .bind(account_id)
                .execute(&mut *tx)
                .await?;
            for skill in skills {
                sqlx::query(
                    "INSERT INTO agent_skills (tenant_id, account_id, skill) VALUES ($1, $2, $3)",
                )
                .bind(actor.tenant_id)
                .bind(account_id)
                .bind(skill)
                .execute(&mut *tx)
                .await?;
            }
        }
        record!(
            tx,
            actor,
            Change::new(
                "agent.availability",
                "account",
                account_id,
                json!({
                    "available": [before.available, available],
                    "capacity": [before.capacity, capacity],
                    "skills": skills.map(|s| json!([before.skills, s])),
                })
            )
        );
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })
}

/// One staff member's load, for the supervisor board.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Workload {
    pub id: Uuid,
    pub display_name: String,
    pub role: Option<String>,
    pub disabled: bool,
    pub available: Option<bool>,
    pub capacity: Option<i32>,
    pub open_cases: i64,
    pub waiting_cases: i64,
    pub at_risk: i64,
    pub breached: i64,
}

/// Every active staff member who may hold cases, with their open cases, those waiting on the
/// requester, at risk and breached; by name.
pub async fn workload(db: &Db, tenant_id: Uuid) -> Result<Vec<Workload>> {
    on_pool!(db, |p| sqlx::query_as::<_, Workload>(sqlx::AssertSqlSafe(
        format!(
            "SELECT a.id, a.display_name, a.role, a.disabled, v.available, v.capacity,
            (SELECT COUNT(*) FROM cases c WHERE c.tenant_id = a.tenant_id AND c.assignee_id = a.id
                AND c.{ACTIVE}) AS open_cases,
            (SELECT COUNT(*) FROM cases c WHERE c.tenant_id = a.tenant_id AND c.assignee_id = a.id
                AND c.status_kind = 'waiting_requester') AS waiting_cases,
            (SELECT COUNT(*) FROM cases c WHERE c.tenant_id = a.tenant_id AND c.assignee_id = a.id
                AND c.{ACTIVE} AND c.sla_state = 'warning') AS at_risk,
            (SELECT COUNT(*) FROM cases c WHERE c.tenant_id = a.tenant_id AND c.assignee_id = a.id
                AND c.{ACTIVE} AND c.sla_state = 'breached') AS breached
         FROM accounts a
         LEFT JOIN agent_availability v ON v.tenant_id = a.tenant_id AND v.account_id = a.id
         WHERE a.tenant_id = $1 AND a.kind = 'staff' AND a.role <> 'viewer' AND NOT a.disabled
         ORDER BY a.display_name, a.id"
        )
    ))
    .bind(tenant_id)
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

/// Open cases by the age of their submission: `[< 1 day, 1–3 days, 3–7 days, 7–30 days,
/// 30 days and more]`, and how many have nobody assigned in each.
pub async fn backlog_by_age(
    db: &Db,
    tenant_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<(i64, i64)>> {
    let bounds = [
        now - chrono::Duration::days(1),
        now - chrono::Duration::days(3),
        now - chrono::Duration::days(7),
        now - chrono::Duration::days(30),
    ];
    // Bucket i holds submissions in (bounds[i], bounds[i-1]]; the last, everything older.
    let mut parts = Vec::new();
    for i in 0..5 {
        let newer = if i == 0 {
            "TRUE".to_owned()
        } else {
            format!("c.submitted_at <= ${}", i + 1)
        };
        let older = if i == 4 {
            "TRUE".to_owned()
        } else {
            format!("c.submitted_at > ${}", i + 2)
        };
        parts.push(format!("COUNT(CASE WHEN {newer} AND {older} THEN 1 END)"));
        parts.push(format!(
            "COUNT(CASE WHEN {newer} AND {older} AND c.assignee_id IS NULL THEN 1 END)"
        ));
    }
    let sql = format!(
        "SELECT {} FROM cases c WHERE c.tenant_id = $1 AND c.{ACTIVE}",
        parts.join(", ")
    );
    let values: Vec<i64> = on_pool!(db, |p| {
        use sqlx::Row;
        let row = sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .bind(tenant_id)
            .bind(bounds[0])
            .bind(bounds[1])
            .bind(bounds[2])
            .bind(bounds[3])
            .fetch_one(p)
            .await?;
        (0..10)
            .map(|i| row.try_get::<i64, _>(i))
            .collect::<std::result::Result<Vec<i64>, sqlx::Error>>()
    })?;
    let buckets = values.chunks(2).map(|c| (c[0], c[1])).collect();
    Ok(buckets)
}
