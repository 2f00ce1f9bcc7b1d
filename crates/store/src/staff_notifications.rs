//! Staff notifications in the back office, and the agents who follow a case.
//!
//! A notification is written in the same transaction as what it tells: a mention with its
//! note (`CaseWrite::mentions`), news on a followed case (a message either way, a status
//! change, a merge) with its timeline event, for every follower but the one who did it.
//!
//! Only for staff who can still reach the case: a follower who left the team of its service
//! (or whose service went to another team) is told nothing more, and what they were told
//! before is no longer listed nor counted in their badge. The rule is
//! `relais_web::cases::access` (`relais_domain::collaboration::can_see`), written in SQL by
//! [`reaches!`] so each check is part of the one query that writes or reads.

use crate::{Actor, Change, Db, Result, StoreError, audit::record, db::BeginWrite, db::on_pool};
use chrono::{DateTime, Utc};
use relais_domain::case::EventKind;
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

/// Characters of a note or message kept in its notification.
pub const EXCERPT_CHARS: usize = 200;

/// What a notification tells.
pub const KINDS: [&str; 4] = ["mention", "message", "status", "merged"];

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Notification {
    pub id: Uuid,
    pub case_id: Uuid,
    pub reference: String,
    pub kind: String,
    pub actor_label: String,
    /// The note or message (cut), or for a status change the new status's label as
    /// `{"fr": …, "en": …}`.
    pub excerpt: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// The first [`EXCERPT_CHARS`] characters of a text, with `…` when cut.
pub fn excerpt(text: &str) -> String {
    let mut out: String = text.chars().take(EXCERPT_CHARS).collect();
    if text.chars().count() > EXCERPT_CHARS {
        out.push('…');
    }
    out
}

/// The notification kind and excerpt an event gives the case's followers, if any.
pub fn for_followers(
    kind: EventKind,
    body: Option<&str>,
    data: &Value,
) -> Option<(&'static str, String)> {
    match kind {
        EventKind::MessageFromRequester | EventKind::MessageToRequester => {
            Some(("message", excerpt(body.unwrap_or(""))))
        }
        EventKind::StatusChanged => Some((
            "status",
            data.get("to_label").filter(|l| l.is_object()).map_or_else(
                || json!({"fr": data.get("to")}).to_string(),
                Value::to_string,
            ),
        )),
        EventKind::Merged => Some((
            "merged",
            data.get("into")
                .or_else(|| data.get("from"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
        )),
        _ => None,
    }
}

/// The SQL condition "staff account `a` may reach case `c`" (both rows joined by the
/// query): supervisors and administrators reach every case of their tenant, agents and
/// viewers the cases of a service without a routing rule or routed to one of their teams.
/// The same rule as `relais_domain::collaboration::can_see`; a macro so that it goes into
/// `concat!` and the queries stay static text.
macro_rules! reaches {
    () => {
        "(a.role IN ('admin', 'supervisor')
          OR NOT EXISTS (SELECT 1 FROM routing_rules r
               WHERE r.tenant_id = c.tenant_id AND r.service_id = c.service_id
                 AND NOT EXISTS (SELECT 1 FROM team_members tm
                      WHERE tm.tenant_id = r.tenant_id AND tm.team_id = r.team_id
                        AND tm.account_id = a.id)))"
    };
}
pub(crate) use reaches;

/// Writes one notification inside the caller's transaction, if the account can reach the
/// case (a mention resolved just before someone moved the service writes nothing).
macro_rules! insert_notification {
    ($tx:expr, $tenant_id:expr, $account_id:expr, $case_id:expr, $kind:expr, $actor_label:expr,
     $excerpt:expr, $at:expr) => {{
        sqlx::query(concat!(
            "INSERT INTO staff_notifications (tenant_id, id, account_id, case_id, kind,
                actor_label, excerpt, created_at)
             SELECT $1, $2, $3, $4, $5, $6, $7, $8
             FROM cases c JOIN accounts a ON a.tenant_id = c.tenant_id AND a.id = $3
             WHERE c.tenant_id = $1 AND c.id = $4 AND ",
            $crate::staff_notifications::reaches!()
        ))
        .bind($tenant_id)
        .bind(relais_domain::new_id())
        .bind($account_id)
        .bind($case_id)
        .bind($kind)
        .bind($actor_label)
        .bind($excerpt)
        .bind($at)
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(crate) use insert_notification;

/// Tells the case's followers (but the actor) about `event`, inside the caller's
/// transaction, when it is news they follow.
macro_rules! notify_followers {
    ($tx:expr, $actor:expr, $case_id:expr, $at:expr, $event:expr) => {{
        let actor: &$crate::Actor = $actor;
        let event: &$crate::cases::NewEvent = $event;
        if let Some((kind, excerpt)) = $crate::staff_notifications::for_followers(
            event.kind,
            event.body.as_deref(),
            &event.data,
        ) {
            // Followers who can no longer reach the case are not told.
            let followers: Vec<uuid::Uuid> = sqlx::query_scalar(concat!(
                "SELECT f.account_id FROM case_followers f
                 JOIN cases c ON c.tenant_id = f.tenant_id AND c.id = f.case_id
                 JOIN accounts a ON a.tenant_id = f.tenant_id AND a.id = f.account_id
                 WHERE f.tenant_id = $1 AND f.case_id = $2 AND ",
                $crate::staff_notifications::reaches!()
            ))
            .bind(actor.tenant_id)
            .bind($case_id)
            .fetch_all(&mut *$tx)
            .await?;
            for follower in followers {
                if Some(follower) != actor.account_id {
                    $crate::staff_notifications::insert_notification!(
                        $tx,
                        actor.tenant_id,
                        follower,
                        $case_id,
                        kind,
                        &actor.label,
                        &excerpt,
                        $at
                    );
                }
            }
        }
    }};
}
pub(crate) use notify_followers;

/// The latest notifications of an account, newest first, leaving out those of cases it can
/// no longer reach.
pub async fn list(
    db: &Db,
    tenant_id: Uuid,
    account_id: Uuid,
    limit: i64,
) -> Result<Vec<Notification>> {
    on_pool!(db, |p| {
        sqlx::query_as::<_, Notification>(concat!(
            "SELECT n.id, n.case_id, c.reference, n.kind, n.actor_label, n.excerpt, n.created_at,
                n.read_at
         FROM staff_notifications n
         JOIN cases c ON c.tenant_id = n.tenant_id AND c.id = n.case_id
         JOIN accounts a ON a.tenant_id = n.tenant_id AND a.id = n.account_id
         WHERE n.tenant_id = $1 AND n.account_id = $2 AND ",
            reaches!(),
            "
         ORDER BY n.created_at DESC, n.id DESC
         LIMIT $3"
        ))
        .bind(tenant_id)
        .bind(account_id)
        .bind(limit.clamp(1, 500))
        .fetch_all(p)
        .await
        .map_err(Into::into)
    })
}

/// The account's unread notifications (the badge of the menu), but those of cases it can no
/// longer reach: one query on the account's index, each case found by its key.
pub async fn unread_count(db: &Db, tenant_id: Uuid, account_id: Uuid) -> Result<i64> {
    on_pool!(db, |p| sqlx::query_scalar::<_, i64>(concat!(
        "SELECT COUNT(*) FROM staff_notifications n
         JOIN cases c ON c.tenant_id = n.tenant_id AND c.id = n.case_id
         JOIN accounts a ON a.tenant_id = n.tenant_id AND a.id = n.account_id
         WHERE n.tenant_id = $1 AND n.account_id = $2 AND n.read_at IS NULL AND ",
        reaches!()
    ))
    .bind(tenant_id)
    .bind(account_id)
    .fetch_one(p)
    .await
    .map_err(Into::into))
}

/// Marks an account's notifications read: all of them, or those of one case.
pub async fn mark_read(
    db: &Db,
    tenant_id: Uuid,
    account_id: Uuid,
    case_id: Option<Uuid>,
) -> Result<u64> {
    on_pool!(db, |p| sqlx::query(
        "UPDATE staff_notifications SET read_at = $4
         WHERE tenant_id = $1 AND account_id = $2 AND read_at IS NULL
           AND ($3 IS NULL OR case_id = $3)"
    )
    .bind(tenant_id)
    .bind(account_id)
    .bind(case_id)
    .bind(Utc::now())
    .execute(p)
    .await
    .map(|r| r.rows_affected())
    .map_err(Into::into))
}

/// Whether the account follows the case.
pub async fn is_following(
    db: &Db,
    tenant_id: Uuid,
    case_id: Uuid,
    account_id: Uuid,
) -> Result<bool> {
    let found: Option<i64> = on_pool!(db, |p| {
        sqlx::query_scalar(
        "SELECT CAST(1 AS BIGINT) FROM case_followers WHERE tenant_id = $1 AND case_id = $2 AND account_id = $3"
    )
    .bind(tenant_id)
    .bind(case_id)
    .bind(account_id)
    .fetch_optional(p)
    .await
    })?;
    Ok(found.is_some())
}

/// Display names of the case's followers, alphabetically.
pub async fn followers(db: &Db, tenant_id: Uuid, case_id: Uuid) -> Result<Vec<String>> {
    on_pool!(db, |p| sqlx::query_scalar::<_, String>(
        "SELECT a.display_name FROM case_followers f
         JOIN accounts a ON a.tenant_id = f.tenant_id AND a.id = f.account_id
         WHERE f.tenant_id = $1 AND f.case_id = $2
         ORDER BY a.display_name"
    )
    .bind(tenant_id)
    .bind(case_id)
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

/// The signed-in staff member (the actor) starts or stops following a case of their tenant;
/// doing it twice changes nothing. `NotFound` for a case of another tenant.
pub async fn set_following(db: &Db, actor: &Actor, case_id: Uuid, follow: bool) -> Result<()> {
    let account_id = actor
        .account_id
        .ok_or(StoreError::Rule("follow-needs-account"))?;
    let now = Utc::now();
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let exists: Option<i64> = sqlx::query_scalar(
            "SELECT CAST(1 AS BIGINT) FROM cases WHERE tenant_id = $1 AND id = $2",
        )
        .bind(actor.tenant_id)
        .bind(case_id)
        .fetch_optional(&mut *tx)
        .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound);
        }
        let changed = if follow {
            sqlx::query(
                "INSERT INTO case_followers (tenant_id, case_id, account_id, created_at)
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind(actor.tenant_id)
            .bind(case_id)
            .bind(account_id)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
        } else {
            sqlx::query(
                "DELETE FROM case_followers WHERE tenant_id = $1 AND case_id = $2 AND account_id = $3",
            )
            .bind(actor.tenant_id)
            .bind(case_id)
            .bind(account_id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
        };
        if changed > 0 {
            record!(
                tx,
                actor,
                Change::new(
                    if follow {
                        "case.follow"
                    } else {
                        "case.unfollow"
                    },
                    "case",
                    case_id,
                    json!({})
                )
            );
        }
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })
}
