//! Likely duplicates among a tenant's active persons, for the review queue: pairs sharing an
//! e-mail address or a phone number (both stored normalised, found by SQL self-joins), and
//! pairs born the same day or living at the same postcode whose names are similar (the
//! groups come from SQL, the names are compared by
//! [`relais_domain::people::duplicates::likely_duplicate`]). Archived persons are left out.

use super::{MAX_PAGE, PersonSummary, SUMMARY_SELECT};
use crate::{Db, Result, db::on_pool};
use chrono::NaiveDate;
use relais_domain::people::duplicates::{PersonSnapshot, Reason, likely_duplicate};
use std::collections::{BTreeMap, HashMap, HashSet};
use uuid::Uuid;

/// Pairs of persons sharing one value of a contact table (`person_emails.email`,
/// `person_phones.e164`), each pair once.
async fn shared_contact_pairs(
    db: &Db,
    tenant_id: Uuid,
    table: &'static str,
    column: &'static str,
    limit: i64,
) -> Result<Vec<(Uuid, Uuid)>> {
    let sql = format!(
        "SELECT DISTINCT c1.person_id, c2.person_id
         FROM {table} c1
         JOIN {table} c2 ON c2.tenant_id = c1.tenant_id AND c2.{column} = c1.{column}
              AND c1.person_id < c2.person_id
         JOIN persons p1 ON p1.tenant_id = c1.tenant_id AND p1.id = c1.person_id
         JOIN persons p2 ON p2.tenant_id = c2.tenant_id AND p2.id = c2.person_id
         WHERE c1.tenant_id = $1 AND p1.archived_at IS NULL AND p2.archived_at IS NULL
         ORDER BY c1.person_id, c2.person_id
         LIMIT $2"
    );
    on_pool!(db, |p| sqlx::query_as::<_, (Uuid, Uuid)>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(tenant_id)
    .bind(limit)
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

/// A person of a group: id, given name, family name, birth date, and the group's key.
type Member = (Uuid, String, String, Option<NaiveDate>, String);

/// Active persons born on a day shared by another active person, by day.
async fn birth_date_groups(db: &Db, tenant_id: Uuid) -> Result<Vec<Member>> {
    let rows = on_pool!(db, |p| sqlx::query_as::<
        _,
        (Uuid, String, String, Option<NaiveDate>),
    >(
        "SELECT p.id, p.given_name, p.family_name, p.birth_date FROM persons p
         WHERE p.tenant_id = $1 AND p.archived_at IS NULL AND p.birth_date IN
               (SELECT q.birth_date FROM persons q
                WHERE q.tenant_id = $1 AND q.archived_at IS NULL AND q.birth_date IS NOT NULL
                GROUP BY q.birth_date HAVING COUNT(*) > 1)
         ORDER BY p.birth_date, p.id"
    )
    .bind(tenant_id)
    .fetch_all(p)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|(id, g, f, b)| {
            let key = b.map(|b| b.to_string()).unwrap_or_default();
            (id, g, f, b, key)
        })
        .collect())
}

/// Active persons with an address at a postcode (and country) shared by another active
/// person, by postcode.
async fn postcode_groups(db: &Db, tenant_id: Uuid) -> Result<Vec<Member>> {
    on_pool!(db, |p| sqlx::query_as::<_, Member>(
        "SELECT DISTINCT p.id, p.given_name, p.family_name, p.birth_date,
                a.country || ' ' || a.postcode AS key
         FROM person_addresses a
         JOIN persons p ON p.tenant_id = a.tenant_id AND p.id = a.person_id
         WHERE a.tenant_id = $1 AND p.archived_at IS NULL
           AND a.country || ' ' || a.postcode IN
               (SELECT b.country || ' ' || b.postcode FROM person_addresses b
                JOIN persons q ON q.tenant_id = b.tenant_id AND q.id = b.person_id
                WHERE b.tenant_id = $1 AND q.archived_at IS NULL
                GROUP BY b.country || ' ' || b.postcode HAVING COUNT(DISTINCT b.person_id) > 1)
         ORDER BY key, p.id"
    )
    .bind(tenant_id)
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

/// Pairs of a group whose names are similar enough for the domain rules, given what the
/// group shares (birth date, or postcode).
fn similar_pairs(members: Vec<Member>, by_postcode: bool, out: &mut Vec<(Uuid, Uuid, Reason)>) {
    let mut groups: BTreeMap<String, Vec<(Uuid, PersonSnapshot)>> = BTreeMap::new();
    for (id, given, family, birth, key) in members {
        let mut s = PersonSnapshot::new(&given, &family, birth);
        if by_postcode {
            s.postcodes.push(key.clone());
        }
        groups.entry(key).or_default().push((id, s));
    }
    for group in groups.values() {
        for (i, (a_id, a)) in group.iter().enumerate() {
            for (b_id, b) in &group[i + 1..] {
                if a_id == b_id {
                    continue;
                }
                if let Some(reason) = likely_duplicate(a, b) {
                    out.push((*a_id.min(b_id), *a_id.max(b_id), reason));
                }
            }
        }
    }
}

/// Summaries of the given persons of the tenant, by id.
async fn summaries(db: &Db, tenant_id: Uuid, ids: &[Uuid]) -> Result<HashMap<Uuid, PersonSummary>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let marks: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!(
        "{SUMMARY_SELECT} WHERE p.tenant_id = $1 AND p.id IN ({})",
        marks.join(", ")
    );
    let rows = on_pool!(db, |p| {
        let mut q =
            sqlx::query_as::<_, PersonSummary>(sqlx::AssertSqlSafe(sql.clone())).bind(tenant_id);
        for id in ids {
            q = q.bind(*id);
        }
        q.fetch_all(p).await
    })?;
    Ok(rows.into_iter().map(|r| (r.id, r)).collect())
}

/// Likely duplicates among the tenant's active persons, strongest reason first (a pair
/// appears once, with its strongest reason), then by the first person's name; `limit` pairs
/// at most (1 to [`MAX_PAGE`]).
pub async fn duplicate_candidates(
    db: &Db,
    tenant_id: Uuid,
    limit: i64,
) -> Result<Vec<(PersonSummary, PersonSummary, Reason)>> {
    let limit = limit.clamp(1, MAX_PAGE);
    let mut found: Vec<(Uuid, Uuid, Reason)> = Vec::new();
    for (a, b) in shared_contact_pairs(db, tenant_id, "person_emails", "email", limit).await? {
        found.push((a.min(b), a.max(b), Reason::SameEmail));
    }
    for (a, b) in shared_contact_pairs(db, tenant_id, "person_phones", "e164", limit).await? {
        found.push((a.min(b), a.max(b), Reason::SamePhone));
    }
    similar_pairs(birth_date_groups(db, tenant_id).await?, false, &mut found);
    similar_pairs(postcode_groups(db, tenant_id).await?, true, &mut found);
    // Each pair once, with its strongest reason.
    found.sort_by_key(|&(a, b, reason)| (reason, a, b));
    let mut seen = HashSet::new();
    found.retain(|&(a, b, _)| seen.insert((a, b)));
    let ids: Vec<Uuid> = found
        .iter()
        .flat_map(|&(a, b, _)| [a, b])
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut by_id = HashMap::new();
    for chunk in ids.chunks(500) {
        by_id.extend(summaries(db, tenant_id, chunk).await?);
    }
    let name = |s: &PersonSummary| {
        relais_domain::people::person_search_name(&s.given_name, &s.family_name)
    };
    let mut out: Vec<(PersonSummary, PersonSummary, Reason)> = found
        .into_iter()
        .filter_map(|(a, b, reason)| {
            let (a, b) = (by_id.get(&a)?.clone(), by_id.get(&b)?.clone());
            // The first of the pair by name.
            Some(if name(&b) < name(&a) {
                (b, a, reason)
            } else {
                (a, b, reason)
            })
        })
        .collect();
    out.sort_by(|x, y| {
        (x.2, name(&x.0), name(&x.1), x.0.id).cmp(&(y.2, name(&y.0), name(&y.1), y.0.id))
    });
    out.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(out)
}
