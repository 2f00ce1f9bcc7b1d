//! Links between cases of one tenant (related, duplicate of, parent of), read from either
//! side, and the merge of a duplicate into its main case. Each is one transaction with its
//! timeline events on both cases and its audit rows.

use crate::{
    Actor, Change, Db, Result, StoreError,
    audit::record,
    cases::{NewEvent, insert_event},
    db::{BeginWrite, on_pool},
    staff_notifications::notify_followers,
};
use chrono::Utc;
use relais_domain::{
    case::EventKind,
    collaboration::{LinkKind, LinkSide},
};
use serde_json::{Value, json};
use uuid::Uuid;

/// A link as one case sees it, with the other case.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LinkRow {
    pub kind: String,
    /// Whether the case asked about is the link's first case.
    pub first: bool,
    pub other_id: Uuid,
    pub other_reference: String,
    pub other_status: String,
    pub other_status_kind: String,
    pub other_service_id: Uuid,
    pub other_service_version: i32,
}

impl LinkRow {
    pub fn side(&self) -> LinkSide {
        LinkSide::seen_from(
            LinkKind::parse(&self.kind).unwrap_or(LinkKind::Related),
            self.first,
        )
    }
}

/// The links of a case, both ways, by the other case's reference.
pub async fn list(db: &Db, tenant_id: Uuid, case_id: Uuid) -> Result<Vec<LinkRow>> {
    on_pool!(db, |p| sqlx::query_as::<_, LinkRow>(
        "SELECT l.kind, l.case_id = $2 AS first, c.id AS other_id, c.reference AS other_reference,
                c.status AS other_status, c.status_kind AS other_status_kind,
                c.service_id AS other_service_id, c.service_version AS other_service_version
         FROM case_links l
         JOIN cases c ON c.tenant_id = l.tenant_id
              AND c.id = CASE WHEN l.case_id = $2 THEN l.other_case_id ELSE l.case_id END
         WHERE l.tenant_id = $1 AND (l.case_id = $2 OR l.other_case_id = $2)
         ORDER BY c.reference"
    )
    .bind(tenant_id)
    .bind(case_id)
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

/// Links `case_id` to `other_id` as `side` says ("this case is a duplicate of the other").
/// Refused: the same case (`case-link-self`), a pair already linked (`case-link-exists`);
/// `NotFound` when either case is not of the actor's tenant.
pub async fn add(
    db: &Db,
    actor: &Actor,
    case_id: Uuid,
    other_id: Uuid,
    side: LinkSide,
) -> Result<()> {
    if case_id == other_id {
        return Err(StoreError::Rule("case-link-self"));
    }
    let (kind, case_first) = side.stored();
    let (first, second) = if case_first {
        (case_id, other_id)
    } else {
        (other_id, case_id)
    };
    let now = Utc::now();
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let refs: Vec<(Uuid, String)> = sqlx::query_as(
            "SELECT id, reference FROM cases WHERE tenant_id = $1 AND id IN ($2, $3)",
        )
        .bind(actor.tenant_id)
        .bind(case_id)
        .bind(other_id)
        .fetch_all(&mut *tx)
        .await?;
        let reference = |id: Uuid| refs.iter().find(|(i, _)| *i == id).map(|(_, r)| r.clone());
        let (Some(this_ref), Some(other_ref)) = (reference(case_id), reference(other_id)) else {
            return Err(StoreError::NotFound);
        };
        let linked: Option<i64> = sqlx::query_scalar(
            "SELECT CAST(1 AS BIGINT) FROM case_links WHERE tenant_id = $1
               AND ((case_id = $2 AND other_case_id = $3) OR (case_id = $3 AND other_case_id = $2))",
        )
        .bind(actor.tenant_id)
        .bind(case_id)
        .bind(other_id)
        .fetch_optional(&mut *tx)
        .await?;
        if linked.is_some() {
            return Err(StoreError::Rule("case-link-exists"));
        }
        sqlx::query(
            "INSERT INTO case_links (tenant_id, case_id, other_case_id, kind, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(actor.tenant_id)
        .bind(first)
        .bind(second)
        .bind(kind.as_str())
        .bind(actor.account_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let other_side = LinkSide::seen_from(kind, !case_first);
        for (on, reference, seen) in [
            (case_id, &other_ref, side),
            (other_id, &this_ref, other_side),
        ] {
            let event = NewEvent::new(
                EventKind::Linked,
                json!({"reference": reference, "side": seen.as_str()}),
            );
            insert_event!(tx, actor, on, now, &event);
        }
        record!(
            tx,
            actor,
            Change::new(
                "case.link",
                "case",
                case_id,
                json!({"reference": this_ref, "other": other_ref, "side": side.as_str()})
            )
        );
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })
}

/// Removes the link between two cases of the actor's tenant (`NotFound` when there is none).
pub async fn remove(db: &Db, actor: &Actor, case_id: Uuid, other_id: Uuid) -> Result<()> {
    let now = Utc::now();
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let refs: Vec<(Uuid, String)> = sqlx::query_as(
            "SELECT id, reference FROM cases WHERE tenant_id = $1 AND id IN ($2, $3)",
        )
        .bind(actor.tenant_id)
        .bind(case_id)
        .bind(other_id)
        .fetch_all(&mut *tx)
        .await?;
        let deleted = sqlx::query(
            "DELETE FROM case_links WHERE tenant_id = $1
               AND ((case_id = $2 AND other_case_id = $3) OR (case_id = $3 AND other_case_id = $2))",
        )
        .bind(actor.tenant_id)
        .bind(case_id)
        .bind(other_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if deleted == 0 {
            return Err(StoreError::NotFound);
        }
        let reference = |id: Uuid| {
            refs.iter()
                .find(|(i, _)| *i == id)
                .map(|(_, r)| r.clone())
                .unwrap_or_default()
        };
        for (on, other) in [(case_id, other_id), (other_id, case_id)] {
            let event = NewEvent::new(EventKind::Unlinked, json!({"reference": reference(other)}));
            insert_event!(tx, actor, on, now, &event);
        }
        record!(
            tx,
            actor,
            Change::new(
                "case.unlink",
                "case",
                case_id,
                json!({"reference": reference(case_id), "other": reference(other_id)})
            )
        );
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })
}

/// The case a merged duplicate went into: `(id, reference)`.
pub async fn merged_into(
    db: &Db,
    tenant_id: Uuid,
    case_id: Uuid,
) -> Result<Option<(Uuid, String)>> {
    on_pool!(db, |p| sqlx::query_as::<_, (Uuid, String)>(
        "SELECT c.id, c.reference FROM case_merges m
         JOIN cases c ON c.tenant_id = m.tenant_id AND c.id = m.into_case_id
         WHERE m.tenant_id = $1 AND m.case_id = $2"
    )
    .bind(tenant_id)
    .bind(case_id)
    .fetch_optional(p)
    .await
    .map_err(Into::into))
}

/// The duplicates merged into a case: `(id, reference)`, oldest merge first.
pub async fn merged_from(db: &Db, tenant_id: Uuid, case_id: Uuid) -> Result<Vec<(Uuid, String)>> {
    on_pool!(db, |p| sqlx::query_as::<_, (Uuid, String)>(
        "SELECT c.id, c.reference FROM case_merges m
         JOIN cases c ON c.tenant_id = m.tenant_id AND c.id = m.case_id
         WHERE m.tenant_id = $1 AND m.into_case_id = $2
         ORDER BY m.merged_at, c.id"
    )
    .bind(tenant_id)
    .bind(case_id)
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

/// A merge to write: the duplicate (as the agent saw it) closed into the main case.
#[derive(Debug, Clone)]
pub struct Merge {
    pub duplicate_id: Uuid,
    pub expected_version: i64,
    pub into_id: Uuid,
    /// The closed status the duplicate takes (id, kind), with the labels of both statuses
    /// for the timeline (`{"fr": …, "en": …}`); `None` when it is already closed.
    pub close: Option<(String, String, Value, Value)>,
}

/// Merges a duplicate into its main case, all or nothing: the duplicate is closed, marked
/// merged and linked as a duplicate of the main case; its documents are attached to the main
/// case too; both timelines and the audit log say so. Refused: the same case
/// (`case-merge-self`), a duplicate already merged (`case-merge-already`), a main case
/// itself merged (`case-merge-into-merged`), a stale duplicate (`case-stale`); `NotFound`
/// when either case is not of the actor's tenant.
pub async fn merge(db: &Db, actor: &Actor, m: &Merge) -> Result<()> {
    if m.duplicate_id == m.into_id {
        return Err(StoreError::Rule("case-merge-self"));
    }
    let now = Utc::now();
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let refs: Vec<(Uuid, String, String)> = sqlx::query_as(
            "SELECT id, reference, status FROM cases WHERE tenant_id = $1 AND id IN ($2, $3)",
        )
        .bind(actor.tenant_id)
        .bind(m.duplicate_id)
        .bind(m.into_id)
        .fetch_all(&mut *tx)
        .await?;
        let find = |id: Uuid| refs.iter().find(|(i, _, _)| *i == id).cloned();
        let (Some((_, dup_ref, dup_status)), Some((_, into_ref, _))) =
            (find(m.duplicate_id), find(m.into_id))
        else {
            return Err(StoreError::NotFound);
        };
        let merged: Vec<Uuid> = sqlx::query_scalar(
            "SELECT case_id FROM case_merges WHERE tenant_id = $1 AND case_id IN ($2, $3)",
        )
        .bind(actor.tenant_id)
        .bind(m.duplicate_id)
        .bind(m.into_id)
        .fetch_all(&mut *tx)
        .await?;
        if merged.contains(&m.duplicate_id) {
            return Err(StoreError::Rule("case-merge-already"));
        }
        if merged.contains(&m.into_id) {
            return Err(StoreError::Rule("case-merge-into-merged"));
        }
        let (status, status_kind) = m.close.as_ref().map_or((None, None), |(s, k, _, _)| {
            (Some(s.clone()), Some(k.clone()))
        });
        let updated = sqlx::query(
            "UPDATE cases SET
                status = COALESCE($4, status),
                status_kind = COALESCE($5, status_kind),
                status_entered_at = CASE WHEN $4 IS NULL THEN status_entered_at ELSE $3 END,
                closed_at = COALESCE(closed_at, $3),
                next_timer_at = NULL,
                row_version = row_version + 1,
                updated_at = $3
             WHERE tenant_id = $1 AND id = $2 AND row_version = $6",
        )
        .bind(actor.tenant_id)
        .bind(m.duplicate_id)
        .bind(now)
        .bind(&status)
        .bind(&status_kind)
        .bind(m.expected_version)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::Rule("case-stale"));
        }
        sqlx::query(
            "INSERT INTO case_merges (tenant_id, case_id, into_case_id, merged_by, merged_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(actor.tenant_id)
        .bind(m.duplicate_id)
        .bind(m.into_id)
        .bind(actor.account_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "DELETE FROM case_links WHERE tenant_id = $1
               AND ((case_id = $2 AND other_case_id = $3) OR (case_id = $3 AND other_case_id = $2))",
        )
        .bind(actor.tenant_id)
        .bind(m.duplicate_id)
        .bind(m.into_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO case_links (tenant_id, case_id, other_case_id, kind, created_by, created_at)
             VALUES ($1, $2, $3, 'duplicate', $4, $5)",
        )
        .bind(actor.tenant_id)
        .bind(m.duplicate_id)
        .bind(m.into_id)
        .bind(actor.account_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        // The duplicate's documents are the main case's too (the duplicate keeps them).
        sqlx::query(
            "INSERT INTO case_documents (tenant_id, case_id, document_id, field_id)
             SELECT d.tenant_id, $3, d.document_id, NULL FROM case_documents d
             WHERE d.tenant_id = $1 AND d.case_id = $2
               AND NOT EXISTS (SELECT 1 FROM case_documents x WHERE x.tenant_id = d.tenant_id
                               AND x.case_id = $3 AND x.document_id = d.document_id)",
        )
        .bind(actor.tenant_id)
        .bind(m.duplicate_id)
        .bind(m.into_id)
        .execute(&mut *tx)
        .await?;
        let mut on_duplicate = Vec::new();
        if let Some((to, _, from_label, to_label)) = &m.close {
            on_duplicate.push(NewEvent::new(
                EventKind::StatusChanged,
                json!({"from": dup_status, "to": to, "transition": "merge",
                       "from_label": from_label, "to_label": to_label}),
            ));
        }
        on_duplicate.push(NewEvent::new(
            EventKind::Merged,
            json!({"into": into_ref, "into_id": m.into_id}),
        ));
        for event in &on_duplicate {
            insert_event!(tx, actor, m.duplicate_id, now, event);
            notify_followers!(tx, actor, m.duplicate_id, now, event);
        }
        let on_main = NewEvent::new(
            EventKind::Merged,
            json!({"from": dup_ref, "from_id": m.duplicate_id}),
        );
        insert_event!(tx, actor, m.into_id, now, &on_main);
        notify_followers!(tx, actor, m.into_id, now, &on_main);
        for (case_id, summary) in [
            (
                m.duplicate_id,
                json!({"reference": dup_ref, "into": into_ref}),
            ),
            (m.into_id, json!({"reference": into_ref, "from": dup_ref})),
        ] {
            record!(
                tx,
                actor,
                Change::new("case.merge", "case", case_id, summary)
            );
        }
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })
}
