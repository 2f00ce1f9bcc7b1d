//! Reads the public portal needs beside the cases' own module: how long a service's closed
//! cases took, whether a case already has an event of some kind (a survey is answered once),
//! and whether a document is already part of a case.

use crate::{Db, Result, db::on_pool};
use chrono::{DateTime, Utc};
use relais_domain::case::EventKind;
use uuid::Uuid;

/// Most closed cases looked at for processing times: the latest ones say how long it takes
/// now.
pub const PROCESSING_SAMPLE: i64 = 1000;

/// `(submitted_at, closed_at)` of the latest closed cases of a service that were decided
/// (accepted or refused; a withdrawal says nothing about how long processing takes), newest
/// first.
pub async fn processing_spans(
    db: &Db,
    tenant_id: Uuid,
    service_id: Uuid,
) -> Result<Vec<(DateTime<Utc>, DateTime<Utc>)>> {
    on_pool!(db, |p| sqlx::query_as::<_, (DateTime<Utc>, DateTime<Utc>)>(
        "SELECT submitted_at, closed_at FROM cases
         WHERE tenant_id = $1 AND service_id = $2 AND closed_at IS NOT NULL
           AND status_kind IN ('closed_accepted', 'closed_refused')
         ORDER BY closed_at DESC
         LIMIT $3"
    )
    .bind(tenant_id)
    .bind(service_id)
    .bind(PROCESSING_SAMPLE)
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

/// Whether the case's timeline holds an event of this kind.
pub async fn has_event(db: &Db, tenant_id: Uuid, case_id: Uuid, kind: EventKind) -> Result<bool> {
    let n: i64 = on_pool!(db, |p| sqlx::query_scalar(
        "SELECT COUNT(*) FROM case_events WHERE tenant_id = $1 AND case_id = $2 AND kind = $3"
    )
    .bind(tenant_id)
    .bind(case_id)
    .bind(kind.as_str())
    .fetch_one(p)
    .await)?;
    Ok(n > 0)
}

/// Whether a document is attached to any case already.
pub async fn document_in_a_case(db: &Db, tenant_id: Uuid, document_id: Uuid) -> Result<bool> {
    let n: i64 = on_pool!(db, |p| sqlx::query_scalar(
        "SELECT COUNT(*) FROM case_documents WHERE tenant_id = $1 AND document_id = $2"
    )
    .bind(tenant_id)
    .bind(document_id)
    .fetch_one(p)
    .await)?;
    Ok(n > 0)
}

/// An organisation a person may act for on the portal.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OrganisationOf {
    pub id: Uuid,
    pub name: String,
}

/// The organisations the person is a member or a representative of (their people record's
/// relationships), archived ones left out, by name.
pub async fn organisations_of(
    db: &Db,
    tenant_id: Uuid,
    person_id: Uuid,
) -> Result<Vec<OrganisationOf>> {
    on_pool!(db, |p| sqlx::query_as::<_, OrganisationOf>(
        "SELECT DISTINCT o.id, o.name, o.search_name FROM relationships r
         JOIN organisations o ON o.tenant_id = r.tenant_id AND o.id = r.to_organisation_id
         WHERE r.tenant_id = $1 AND r.person_id = $2
           AND r.kind IN ('member_of', 'represents') AND o.archived_at IS NULL
         ORDER BY o.search_name, o.id"
    )
    .bind(tenant_id)
    .bind(person_id)
    .fetch_all(p)
    .await
    .map_err(Into::into))
}
