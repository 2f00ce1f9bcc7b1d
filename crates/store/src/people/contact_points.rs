//! Contact points (e-mail addresses, phone numbers, postal addresses) of persons and of
//! organisations: the same rules and the same audit for both, in tables of their own
//! (`person_emails`, `organisation_emails`, …). Adding or removing one counts as an update
//! of its owner (`updated_at`) and rewrites its search document in the same transaction.

use super::{AddressPoint, EmailPoint, PhonePoint};
use crate::{
    Actor, Change, Db, Result, StoreError,
    audit::record,
    db::{BeginWrite, on_pool},
    search::{index_organisations, index_persons},
};
use chrono::Utc;
use relais_domain::{
    Email,
    people::{Phone, PostalAddress},
};
use serde_json::json;
use uuid::Uuid;

/// Rewrites the owner's search document in an open transaction.
macro_rules! reindex {
    ($tx:expr, $tenant:expr, $owner:expr) => {
        match $owner {
            Owner::Person(id) => index_persons!($tx, $tenant, &[id]),
            Owner::Organisation(id) => index_organisations!($tx, $tenant, &[id]),
        }
    };
}

/// Whose contact point it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Person(Uuid),
    Organisation(Uuid),
}

/// The three kinds of contact points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Point {
    Email,
    Phone,
    Address,
}

impl Owner {
    pub fn id(self) -> Uuid {
        match self {
            Self::Person(id) | Self::Organisation(id) => id,
        }
    }

    /// The audit log's target kind.
    fn kind(self) -> &'static str {
        match self {
            Self::Person(_) => "person",
            Self::Organisation(_) => "organisation",
        }
    }

    fn owners(self) -> &'static str {
        match self {
            Self::Person(_) => "persons",
            Self::Organisation(_) => "organisations",
        }
    }

    fn column(self) -> &'static str {
        match self {
            Self::Person(_) => "person_id",
            Self::Organisation(_) => "organisation_id",
        }
    }

    fn table(self, point: Point) -> &'static str {
        match (self, point) {
            (Self::Person(_), Point::Email) => "person_emails",
            (Self::Person(_), Point::Phone) => "person_phones",
            (Self::Person(_), Point::Address) => "person_addresses",
            (Self::Organisation(_), Point::Email) => "organisation_emails",
            (Self::Organisation(_), Point::Phone) => "organisation_phones",
            (Self::Organisation(_), Point::Address) => "organisation_addresses",
        }
    }

    fn added(self, point: Point) -> &'static str {
        match (self, point) {
            (Self::Person(_), Point::Email) => "person.email.add",
            (Self::Person(_), Point::Phone) => "person.phone.add",
            (Self::Person(_), Point::Address) => "person.address.add",
            (Self::Organisation(_), Point::Email) => "organisation.email.add",
            (Self::Organisation(_), Point::Phone) => "organisation.phone.add",
            (Self::Organisation(_), Point::Address) => "organisation.address.add",
        }
    }

    fn removed(self) -> &'static str {
        match self {
            Self::Person(_) => "person.contact.remove",
            Self::Organisation(_) => "organisation.contact.remove",
        }
    }
}

/// A value to add: the columns after the owner's, and what the audit log keeps of it.
struct NewPoint {
    point: Point,
    columns: &'static str,
    values: Vec<String>,
    summary: serde_json::Value,
}

async fn add(db: &Db, actor: &Actor, owner: Owner, new: NewPoint) -> Result<Uuid> {
    let id = relais_domain::new_id();
    let table = owner.table(new.point);
    let column = owner.column();
    let marks: Vec<String> = (0..new.values.len())
        .map(|i| format!("${}", i + 5))
        .collect();
    let insert = format!(
        "INSERT INTO {table} (tenant_id, id, {column}, created_at, {}) VALUES ($1, $2, $3, $4, {})",
        new.columns,
        marks.join(", ")
    );
    let exists = format!(
        "UPDATE {} SET updated_at = $3 WHERE tenant_id = $1 AND id = $2",
        owner.owners()
    );
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let now = Utc::now();
        let touched = sqlx::query(sqlx::AssertSqlSafe(exists.clone()))
            .bind(actor.tenant_id)
            .bind(owner.id())
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if touched == 0 {
            return Err(StoreError::NotFound);
        }
        let mut q = sqlx::query(sqlx::AssertSqlSafe(insert.clone()))
            .bind(actor.tenant_id)
            .bind(id)
            .bind(owner.id())
            .bind(now);
        for v in &new.values {
            q = q.bind(v);
        }
        q.execute(&mut *tx).await?;
        record!(
            tx,
            actor,
            Change::new(
                owner.added(new.point),
                owner.kind(),
                owner.id(),
                new.summary.clone()
            )
        );
        reindex!(tx, actor.tenant_id, owner);
        tx.commit().await?;
        Ok(id)
    })
}

/// Adds an e-mail address. The same address twice on one owner: `Conflict`; an owner of
/// another tenant: `NotFound`.
pub async fn add_email(db: &Db, actor: &Actor, owner: Owner, email: &Email) -> Result<Uuid> {
    let new = NewPoint {
        point: Point::Email,
        columns: "email",
        values: vec![email.as_str().to_owned()],
        summary: json!({"email": email.as_str()}),
    };
    add(db, actor, owner, new).await
}

/// Adds a phone number (E.164). The same number twice on one owner: `Conflict`.
pub async fn add_phone(db: &Db, actor: &Actor, owner: Owner, phone: &Phone) -> Result<Uuid> {
    let new = NewPoint {
        point: Point::Phone,
        columns: "e164",
        values: vec![phone.as_str().to_owned()],
        summary: json!({"phone": phone.as_str()}),
    };
    add(db, actor, owner, new).await
}

pub async fn add_address(
    db: &Db,
    actor: &Actor,
    owner: Owner,
    address: &PostalAddress,
) -> Result<Uuid> {
    let new = NewPoint {
        point: Point::Address,
        columns: "lines, postcode, city, country",
        values: vec![
            address.lines.join("\n"),
            address.postcode.clone(),
            address.city.clone(),
            address.country.clone(),
        ],
        summary: json!({"address": address.formatted()}),
    };
    add(db, actor, owner, new).await
}

/// Removes one contact point of the owner, whichever its kind, by its id. Not the owner's
/// (or not in this tenant): `NotFound`.
pub async fn remove(db: &Db, actor: &Actor, owner: Owner, point_id: Uuid) -> Result<()> {
    let column = owner.column();
    let deletes = [
        (Point::Email, "email", "email"),
        (Point::Phone, "e164", "phone"),
        (
            Point::Address,
            "lines || ' ' || postcode || ' ' || city",
            "address",
        ),
    ]
    .map(|(point, returning, name)| {
        (
            format!(
                "DELETE FROM {} WHERE tenant_id = $1 AND {column} = $2 AND id = $3 RETURNING {returning}",
                owner.table(point)
            ),
            name,
        )
    });
    let touch = format!(
        "UPDATE {} SET updated_at = $3 WHERE tenant_id = $1 AND id = $2",
        owner.owners()
    );
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let mut summary = None;
        for (sql, name) in &deletes {
            let gone: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone()))
                .bind(actor.tenant_id)
                .bind(owner.id())
                .bind(point_id)
                .fetch_optional(&mut *tx)
                .await?;
            if let Some(value) = gone {
                summary = Some(json!({ *name: value }));
                break;
            }
        }
        let Some(summary) = summary else {
            return Err(StoreError::NotFound);
        };
        sqlx::query(sqlx::AssertSqlSafe(touch.clone()))
            .bind(actor.tenant_id)
            .bind(owner.id())
            .bind(Utc::now())
            .execute(&mut *tx)
            .await?;
        record!(
            tx,
            actor,
            Change::new(owner.removed(), owner.kind(), owner.id(), summary)
        );
        reindex!(tx, actor.tenant_id, owner);
        tx.commit().await?;
        Ok(())
    })
}

/// The owner's contact points, each kind oldest first.
pub async fn list(
    db: &Db,
    tenant_id: Uuid,
    owner: Owner,
) -> Result<(Vec<EmailPoint>, Vec<PhonePoint>, Vec<AddressPoint>)> {
    let column = owner.column();
    let emails = format!(
        "SELECT id, email, created_at FROM {} WHERE tenant_id = $1 AND {column} = $2 ORDER BY created_at, id",
        owner.table(Point::Email)
    );
    let phones = format!(
        "SELECT id, e164, created_at FROM {} WHERE tenant_id = $1 AND {column} = $2 ORDER BY created_at, id",
        owner.table(Point::Phone)
    );
    let addresses = format!(
        "SELECT id, lines, postcode, city, country, created_at FROM {} WHERE tenant_id = $1 AND {column} = $2 ORDER BY created_at, id",
        owner.table(Point::Address)
    );
    on_pool!(db, |p| {
        let e = sqlx::query_as::<_, EmailPoint>(sqlx::AssertSqlSafe(emails.clone()))
            .bind(tenant_id)
            .bind(owner.id())
            .fetch_all(p)
            .await?;
        let ph = sqlx::query_as::<_, PhonePoint>(sqlx::AssertSqlSafe(phones.clone()))
            .bind(tenant_id)
            .bind(owner.id())
            .fetch_all(p)
            .await?;
        let a = sqlx::query_as::<_, AddressPoint>(sqlx::AssertSqlSafe(addresses.clone()))
            .bind(tenant_id)
            .bind(owner.id())
            .fetch_all(p)
            .await?;
        Ok((e, ph, a))
    })
}
