use crate::{
    Actor, Change, Db, Result, StoreError, accounts::Account, audit::record, db::BeginWrite,
    db::on_pool,
};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Team {
    pub id: Uuid,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub member_count: i64,
}

pub async fn list(db: &Db, tenant_id: Uuid) -> Result<Vec<Team>> {
    on_pool!(db, |p| {
        sqlx::query_as::<_, Team>(
        "SELECT t.id, t.name, t.created_at,
                (SELECT COUNT(*) FROM team_members m WHERE m.tenant_id = t.tenant_id AND m.team_id = t.id) AS member_count
         FROM teams t WHERE t.tenant_id = $1 ORDER BY t.name"
    )
    .bind(tenant_id)
    .fetch_all(p)
    .await
    .map_err(Into::into)
    })
}

pub async fn get(db: &Db, tenant_id: Uuid, id: Uuid) -> Result<Option<Team>> {
    on_pool!(db, |p| {
        sqlx::query_as::<_, Team>(
        "SELECT t.id, t.name, t.created_at,
                (SELECT COUNT(*) FROM team_members m WHERE m.tenant_id = t.tenant_id AND m.team_id = t.id) AS member_count
         FROM teams t WHERE t.tenant_id = $1 AND t.id = $2"
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(p)
    .await
    .map_err(Into::into)
    })
}

pub async fn create(db: &Db, actor: &Actor, name: &str) -> Result<Team> {
    let id = relais_domain::new_id();
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        sqlx::query("INSERT INTO teams (tenant_id, id, name, created_at) VALUES ($1, $2, $3, $4)")
            .bind(actor.tenant_id)
            .bind(id)
            .bind(name)
            .bind(Utc::now())
            .execute(&mut *tx)
            .await?;
        record!(
            tx,
            actor,
            Change::new("team.create", "team", id, json!({"name": name}))
        );
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })?;
    get(db, actor.tenant_id, id)
        .await?
        .ok_or(StoreError::NotFound)
}

pub async fn rename(db: &Db, actor: &Actor, id: Uuid, name: &str) -> Result<()> {
    let before = get(db, actor.tenant_id, id)
        .await?
        .ok_or(StoreError::NotFound)?;
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        sqlx::query("UPDATE teams SET name = $3 WHERE tenant_id = $1 AND id = $2")
            .bind(actor.tenant_id)
            .bind(id)
            .bind(name)
            .execute(&mut *tx)
            .await?;
        record!(
            tx,
            actor,
            Change::new(
                "team.rename",
                "team",
                id,
                json!({"name": [before.name, name]})
            )
        );
        tx.commit().await?;
        Ok(())
    })
}

pub async fn delete(db: &Db, actor: &Actor, id: Uuid) -> Result<()> {
    let before = get(db, actor.tenant_id, id)
        .await?
        .ok_or(StoreError::NotFound)?;
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        // A service routed to the team goes back to the unassigned queue.
        sqlx::query("DELETE FROM routing_rules WHERE tenant_id = $1 AND team_id = $2")
            .bind(actor.tenant_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM teams WHERE tenant_id = $1 AND id = $2")
            .bind(actor.tenant_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        record!(
            tx,
            actor,
            Change::new(
                "team.delete",
                "team",
                id,
                json!({"name": before.name, "members": before.member_count})
            )
        );
        tx.commit().await?;
        Ok(())
    })
}

pub async fn members(db: &Db, tenant_id: Uuid, team_id: Uuid) -> Result<Vec<Uuid>> {
    on_pool!(db, |p| sqlx::query_scalar::<_, Uuid>(
        "SELECT account_id FROM team_members WHERE tenant_id = $1 AND team_id = $2"
    )
    .bind(tenant_id)
    .bind(team_id)
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

/// The teams an account belongs to.
pub async fn of_account(db: &Db, tenant_id: Uuid, account_id: Uuid) -> Result<Vec<Team>> {
    on_pool!(db, |p| {
        sqlx::query_as::<_, Team>(
        "SELECT t.id, t.name, t.created_at,
                (SELECT COUNT(*) FROM team_members m2 WHERE m2.tenant_id = t.tenant_id AND m2.team_id = t.id) AS member_count
         FROM teams t JOIN team_members m ON m.tenant_id = t.tenant_id AND m.team_id = t.id
         WHERE t.tenant_id = $1 AND m.account_id = $2 ORDER BY t.name"
    )
    .bind(tenant_id)
    .bind(account_id)
    .fetch_all(p)
    .await
    .map_err(Into::into)
    })
}

/// Replaces a team's members. Every id must be a staff account of the actor's tenant,
/// otherwise nothing changes (`NotFound`).
pub async fn set_members(db: &Db, actor: &Actor, team_id: Uuid, accounts: &[Uuid]) -> Result<()> {
    get(db, actor.tenant_id, team_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let before = members(db, actor.tenant_id, team_id).await?;
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        for account in accounts {
            let found: Option<Uuid> = sqlx::query_scalar(
                "SELECT id FROM accounts WHERE tenant_id = $1 AND id = $2 AND kind = 'staff'",
            )
            .bind(actor.tenant_id)
            .bind(account)
            .fetch_optional(&mut *tx)
            .await?;
            if found.is_none() {
                return Err(StoreError::NotFound);
            }
        }
        sqlx::query("DELETE FROM team_members WHERE tenant_id = $1 AND team_id = $2")
            .bind(actor.tenant_id)
            .bind(team_id)
            .execute(&mut *tx)
            .await?;
        for account in accounts {
            sqlx::query("INSERT INTO team_members (tenant_id, team_id, account_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(actor.tenant_id)
                .bind(team_id)
                .bind(account)
                .execute(&mut *tx)
                .await?;
        }
        let added: Vec<_> = accounts.iter().filter(|a| !before.contains(a)).collect();
        let removed: Vec<_> = before.iter().filter(|a| !accounts.contains(a)).collect();
        record!(
            tx,
            actor,
            Change::new(
                "team.members",
                "team",
                team_id,
                json!({"added": added, "removed": removed})
            )
        );
        tx.commit().await?;
        Ok(())
    })
}

/// Staff accounts with their team names, for the staff list.
pub async fn staff_with_teams(db: &Db, tenant_id: Uuid) -> Result<Vec<(Account, Vec<String>)>> {
    let accounts = crate::accounts::list(db, tenant_id, relais_domain::AccountKind::Staff).await?;
    let pairs: Vec<(Uuid, String)> = on_pool!(db, |p| {
        sqlx::query_as::<_, (Uuid, String)>(
        "SELECT m.account_id, t.name FROM team_members m JOIN teams t ON t.tenant_id = m.tenant_id AND t.id = m.team_id
         WHERE m.tenant_id = $1 ORDER BY t.name"
    )
    .bind(tenant_id)
    .fetch_all(p)
    .await
    })?;
    Ok(accounts
        .into_iter()
        .map(|a| {
            let names = pairs
                .iter()
                .filter(|(id, _)| *id == a.id)
                .map(|(_, n)| n.clone())
                .collect();
            (a, names)
        })
        .collect())
}

/// Replaces the teams of one staff account, in one transaction. Every team must belong to
/// the actor's tenant and the account must be one of its staff, otherwise nothing changes
/// (`NotFound`).
pub async fn set_account_teams(
    db: &Db,
    actor: &Actor,
    account_id: Uuid,
    team_ids: &[Uuid],
) -> Result<()> {
    let before: Vec<Uuid> = of_account(db, actor.tenant_id, account_id)
        .await?
        .into_iter()
        .map(|t| t.id)
        .collect();
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let account: Option<Uuid> = sqlx::query_scalar(
            "SELECT id FROM accounts WHERE tenant_id = $1 AND id = $2 AND kind = 'staff'",
        )
        .bind(actor.tenant_id)
        .bind(account_id)
        .fetch_optional(&mut *tx)
        .await?;
        if account.is_none() {
            return Err(StoreError::NotFound);
        }
        for team in team_ids {
            let found: Option<Uuid> =
                sqlx::query_scalar("SELECT id FROM teams WHERE tenant_id = $1 AND id = $2")
                    .bind(actor.tenant_id)
                    .bind(team)
                    .fetch_optional(&mut *tx)
                    .await?;
            if found.is_none() {
                return Err(StoreError::NotFound);
            }
        }
        sqlx::query("DELETE FROM team_members WHERE tenant_id = $1 AND account_id = $2")
            .bind(actor.tenant_id)
            .bind(account_id)
            .execute(&mut *tx)
            .await?;
        for team in team_ids {
            sqlx::query("INSERT INTO team_members (tenant_id, team_id, account_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(actor.tenant_id)
                .bind(team)
                .bind(account_id)
                .execute(&mut *tx)
                .await?;
        }
        let added: Vec<_> = team_ids.iter().filter(|t| !before.contains(t)).collect();
        let removed: Vec<_> = before.iter().filter(|t| !team_ids.contains(t)).collect();
        record!(
            tx,
            actor,
            Change::new(
                "account.teams",
                "account",
                account_id,
                json!({"added": added, "removed": removed})
            )
        );
        tx.commit().await?;
        Ok(())
    })
}

/// Every (team, account) membership of a tenant, for listing teams with their members in
/// one query.
pub async fn memberships(db: &Db, tenant_id: Uuid) -> Result<Vec<(Uuid, Uuid)>> {
    on_pool!(db, |p| {
        sqlx::query_as::<_, (Uuid, Uuid)>(
            "SELECT team_id, account_id FROM team_members WHERE tenant_id = $1
             ORDER BY team_id, account_id",
        )
        .bind(tenant_id)
        .fetch_all(p)
        .await
        .map_err(Into::into)
    })
}
