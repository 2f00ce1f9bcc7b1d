//! Likely duplicates among a tenant's active persons, for the review queue: pairs sharing an
//! e-mail address or a phone number (both stored normalised, found by SQL self-joins), and
//! pairs born the same day or living at the same postcode whose names are similar (the
//! groups come from SQL, the names are compared by
//! [`relais_domain::people::duplicates::likely_duplicate`]). Archived persons and pairs
//! dismissed as "not a duplicate" are left out. The queue is ordered by reason (strongest
//! first), then by the pair's ids, and paged with a keyset cursor on that order.

use super::{MAX_PAGE, PersonSummary, SUMMARY_SELECT};
use crate::{Actor, Change, Db, Result, StoreError, audit::record, db::BeginWrite, db::on_pool};
use chrono::{NaiveDate, Utc};
use relais_domain::people::duplicates::{PersonSnapshot, Reason, likely_duplicate};
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};
use uuid::Uuid;

/// Where a page of the queue starts: after this pair (smaller id first) of this reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PairCursor {
    pub reason: Reason,
    pub first: Uuid,
    pub second: Uuid,
}

impl PairCursor {
    /// `<reason>.<id>.<id>`, as it goes in a link.
    pub fn encode(&self) -> String {
        format!("{}.{}.{}", self.reason.as_str(), self.first, self.second)
    }

    pub fn decode(s: &str) -> Option<Self> {
        let mut parts = s.split('.');
        let reason = parts.next()?;
        let reason = Reason::ALL.into_iter().find(|r| r.as_str() == reason)?;
        let first = Uuid::parse_str(parts.next()?).ok()?;
        let second = Uuid::parse_str(parts.next()?).ok()?;
        if parts.next().is_some() || first >= second {
            return None;
        }
        Some(Self {
            reason,
            first,
            second,
        })
    }

    fn key(&self) -> (Reason, Uuid, Uuid) {
        (self.reason, self.first, self.second)
    }
}

/// Not dismissed: the SQL condition on a pair `(a, b)` with `a < b`.
fn not_dismissed(a: &str, b: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM duplicate_dismissals d WHERE d.tenant_id = $1
            AND d.person_id = {a} AND d.other_person_id = {b})"
    )
}

/// Pairs of persons sharing one value of a contact table (`person_emails.email`,
/// `person_phones.e164`), each pair once, not dismissed, after `(after_a, after_b)` in id
/// order. `stronger` excludes pairs that a stronger reason already lists.
async fn shared_contact_pairs(
    db: &Db,
    tenant_id: Uuid,
    (table, column): (&'static str, &'static str),
    stronger: Option<(&'static str, &'static str)>,
    after: Option<(Uuid, Uuid)>,
    limit: i64,
) -> Result<Vec<(Uuid, Uuid)>> {
    let stronger = stronger
        .map(|(t, c)| {
            format!(
                "AND NOT EXISTS (SELECT 1 FROM {t} s1 JOIN {t} s2
                     ON s2.tenant_id = s1.tenant_id AND s2.{c} = s1.{c}
                     WHERE s1.tenant_id = $1 AND s1.person_id = c1.person_id AND s2.person_id = c2.person_id)"
            )
        })
        .unwrap_or_default();
    let sql = format!(
        "SELECT DISTINCT c1.person_id, c2.person_id
         FROM {table} c1
         JOIN {table} c2 ON c2.tenant_id = c1.tenant_id AND c2.{column} = c1.{column}
              AND c1.person_id < c2.person_id
         JOIN persons p1 ON p1.tenant_id = c1.tenant_id AND p1.id = c1.person_id
         JOIN persons p2 ON p2.tenant_id = c2.tenant_id AND p2.id = c2.person_id
         WHERE c1.tenant_id = $1 AND p1.archived_at IS NULL AND p2.archived_at IS NULL
           AND ($2 IS NULL OR (c1.person_id, c2.person_id) > ($2, $3))
           AND {}
           {stronger}
         ORDER BY c1.person_id, c2.person_id
         LIMIT $4",
        not_dismissed("c1.person_id", "c2.person_id")
    );
    on_pool!(db, |p| sqlx::query_as::<_, (Uuid, Uuid)>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(tenant_id)
    .bind(after.map(|a| a.0))
    .bind(after.map(|a| a.1))
    .bind(limit)
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

/// Whether two persons share an e-mail address or a phone number (then a stronger reason
/// lists them).
async fn share_contact(db: &Db, tenant_id: Uuid, a: Uuid, b: Uuid) -> Result<bool> {
    on_pool!(db, |p| sqlx::query_scalar::<_, bool>(
        "SELECT EXISTS (SELECT 1 FROM person_emails x JOIN person_emails y
                 ON y.tenant_id = x.tenant_id AND y.email = x.email
                 WHERE x.tenant_id = $1 AND x.person_id = $2 AND y.person_id = $3)
             OR EXISTS (SELECT 1 FROM person_phones x JOIN person_phones y
                 ON y.tenant_id = x.tenant_id AND y.e164 = x.e164
                 WHERE x.tenant_id = $1 AND x.person_id = $2 AND y.person_id = $3)"
    )
    .bind(tenant_id)
    .bind(a)
    .bind(b)
    .fetch_one(p)
    .await
    .map_err(Into::into))
}

/// The dismissed pairs of the tenant.
async fn dismissed(db: &Db, tenant_id: Uuid) -> Result<HashSet<(Uuid, Uuid)>> {
    let rows = on_pool!(db, |p| sqlx::query_as::<_, (Uuid, Uuid)>(
        "SELECT person_id, other_person_id FROM duplicate_dismissals WHERE tenant_id = $1"
    )
    .bind(tenant_id)
    .fetch_all(p)
    .await)?;
    Ok(rows.into_iter().collect())
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

/// Likely duplicates among the tenant's active persons: the first page of the queue.
pub async fn duplicate_candidates(
    db: &Db,
    tenant_id: Uuid,
    limit: i64,
) -> Result<Vec<(PersonSummary, PersonSummary, Reason)>> {
    Ok(duplicate_queue(db, tenant_id, None, limit).await?.0)
}

/// A page of the queue of likely duplicates: strongest reason first (a pair appears once,
/// with its strongest reason), then by the pair's ids; `limit` pairs at most (1 to
/// [`MAX_PAGE`]) after `after`, and the cursor of the next page if there is one. In each
/// pair the first person is the first by name.
pub async fn duplicate_queue(
    db: &Db,
    tenant_id: Uuid,
    after: Option<PairCursor>,
    limit: i64,
) -> Result<(
    Vec<(PersonSummary, PersonSummary, Reason)>,
    Option<PairCursor>,
)> {
    let limit = limit.clamp(1, MAX_PAGE);
    let wanted = usize::try_from(limit).unwrap_or(1) + 1;
    let from = |reason: Reason| match after {
        Some(c) if c.reason == reason => Some(Some((c.first, c.second))),
        Some(c) if c.reason > reason => None,
        _ => Some(None),
    };
    let mut found: Vec<(Uuid, Uuid, Reason)> = Vec::new();
    if let Some(start) = from(Reason::SameEmail) {
        let pairs = shared_contact_pairs(
            db,
            tenant_id,
            ("person_emails", "email"),
            None,
            start,
            limit + 1,
        )
        .await?;
        found.extend(pairs.into_iter().map(|(a, b)| (a, b, Reason::SameEmail)));
    }
    if found.len() < wanted
        && let Some(start) = from(Reason::SamePhone)
    {
        let pairs = shared_contact_pairs(
            db,
            tenant_id,
            ("person_phones", "e164"),
            Some(("person_emails", "email")),
            start,
            limit + 1,
        )
        .await?;
        found.extend(pairs.into_iter().map(|(a, b)| (a, b, Reason::SamePhone)));
    }
    if found.len() < wanted {
        // Similar names: computed in Rust over the groups SQL gives, then the same order,
        // cursor and exclusions as above.
        let mut similar = Vec::new();
        similar_pairs(birth_date_groups(db, tenant_id).await?, false, &mut similar);
        similar_pairs(postcode_groups(db, tenant_id).await?, true, &mut similar);
        similar.sort_by_key(|&(a, b, reason)| (reason, a, b));
        let mut seen = HashSet::new();
        similar.retain(|&(a, b, _)| seen.insert((a, b)));
        let gone = dismissed(db, tenant_id).await?;
        for (a, b, reason) in similar {
            if found.len() >= wanted {
                break;
            }
            if after.is_some_and(|c| (reason, a, b) <= c.key())
                || gone.contains(&(a, b))
                || share_contact(db, tenant_id, a, b).await?
            {
                continue;
            }
            found.push((a, b, reason));
        }
    }
    let next = (found.len() > usize::try_from(limit).unwrap_or(0))
        .then(|| {
            found.truncate(usize::try_from(limit).unwrap_or(0));
            found.last().map(|&(first, second, reason)| PairCursor {
                reason,
                first,
                second,
            })
        })
        .flatten();
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
    let out = found
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
    Ok((out, next))
}

/// "Not a duplicate": the pair stops appearing in the queue. Both persons must be of the
/// actor's tenant (`NotFound` otherwise); dismissing a pair twice changes nothing.
pub async fn dismiss_duplicate(db: &Db, actor: &Actor, a: Uuid, b: Uuid) -> Result<()> {
    relais_domain::people::merge::check_pair(a, b).map_err(|e| StoreError::Rule(e.code))?;
    let (first, second) = (a.min(b), a.max(b));
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM persons WHERE tenant_id = $1 AND id IN ($2, $3)",
        )
        .bind(actor.tenant_id)
        .bind(first)
        .bind(second)
        .fetch_one(&mut *tx)
        .await?;
        if n != 2 {
            return Err(StoreError::NotFound);
        }
        let done: Option<Uuid> = sqlx::query_scalar(
            "SELECT person_id FROM duplicate_dismissals
             WHERE tenant_id = $1 AND person_id = $2 AND other_person_id = $3",
        )
        .bind(actor.tenant_id)
        .bind(first)
        .bind(second)
        .fetch_optional(&mut *tx)
        .await?;
        if done.is_some() {
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO duplicate_dismissals (tenant_id, person_id, other_person_id, dismissed_by, dismissed_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(actor.tenant_id)
        .bind(first)
        .bind(second)
        .bind(actor.account_id)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await?;
        record!(
            tx,
            actor,
            Change::new(
                "person.duplicate.dismiss",
                "person",
                first,
                json!({"not_a_duplicate_of": second})
            )
        );
        tx.commit().await?;
        Ok(())
    })
}
