//! Demo data: a fictional town (public tenant) and a fictional company (private tenant), with
//! staff, teams, portal accounts, a published catalogue of services (`demo_catalogue.rs`) and
//! the town's information pages (`demo_articles.rs`).
//! Creating it twice changes nothing.

use relais_domain::{AccountKind, Email, Locale, Role, Slug, TenantKind};
use relais_store::{Actor, Db, accounts, teams, tenants};

#[path = "demo_catalogue.rs"]
pub mod catalogue;

#[path = "demo_articles.rs"]
pub mod articles;

pub const PASSWORD: &str = "relais-demo-2026";

pub struct DemoTenant {
    pub slug: &'static str,
    pub name: &'static str,
    pub kind: TenantKind,
    pub host: &'static str,
    pub staff: &'static [(&'static str, &'static str, Role)],
    pub teams: &'static [(&'static str, &'static [&'static str])],
    pub portal: &'static [(&'static str, &'static str)],
}

pub const TENANTS: [DemoTenant; 2] = [
    DemoTenant {
        slug: "belleville",
        name: "Ville de Belleville-sur-Loire",
        kind: TenantKind::Public,
        host: "belleville.localhost",
        staff: &[
            ("admin@belleville.example", "Amélie Durand", Role::Admin),
            (
                "supervisor@belleville.example",
                "Sébastien Morel",
                Role::Supervisor,
            ),
            ("agent@belleville.example", "Karim Benali", Role::Agent),
            ("viewer@belleville.example", "Claire Petit", Role::Viewer),
        ],
        teams: &[
            (
                "Accueil et état civil",
                &["supervisor@belleville.example", "agent@belleville.example"],
            ),
            ("Voirie et propreté", &["supervisor@belleville.example"]),
        ],
        portal: &[("camille.martin@example.org", "Camille Martin")],
    },
    DemoTenant {
        slug: "brioche",
        name: "Brioche & Cie",
        kind: TenantKind::Private,
        host: "brioche.localhost",
        staff: &[
            ("admin@brioche.example", "Nadia Lefèvre", Role::Admin),
            ("agent@brioche.example", "Thomas Girard", Role::Agent),
        ],
        teams: &[
            ("Service client", &["agent@brioche.example"]),
            ("Facturation", &[]),
        ],
        portal: &[("jean.dupont@example.org", "Jean Dupont")],
    },
];

pub async fn create(db: &Db) -> Result<(), String> {
    let hash = relais_web::auth::hash_password(PASSWORD.to_owned())
        .await
        .map_err(|e| format!("{e:?}"))?;
    for (i, t) in TENANTS.iter().enumerate() {
        if let Some(existing) = tenants::by_slug(db, t.slug)
            .await
            .map_err(|e| e.to_string())?
        {
            // An older data folder may predate the catalogue: fill in what is missing.
            catalogue::create(db, existing.id, t.slug).await?;
            articles::create(db, existing.id, t.slug).await?;
            continue;
        }
        let tenant = tenants::create(
            db,
            "demo",
            tenants::NewTenant {
                slug: Slug::parse(t.slug).map_err(|e| e.to_string())?,
                kind: t.kind,
                name: t.name.to_owned(),
                default_locale: Locale::Fr,
                hosts: vec![t.host.to_owned()],
                is_default: i == 0
                    && tenants::list(db)
                        .await
                        .map_err(|e| e.to_string())?
                        .iter()
                        .all(|t| !t.is_default),
            },
        )
        .await
        .map_err(|e| format!("demo tenant {}: {e}", t.slug))?;
        let actor = Actor::system(tenant.id, "demo");
        let mut ids = std::collections::HashMap::new();
        for (email, name, role) in t.staff {
            let a = new_account(
                db,
                &actor,
                AccountKind::Staff,
                email,
                name,
                Some(*role),
                &hash,
            )
            .await?;
            ids.insert(*email, a.id);
        }
        for (email, name) in t.portal {
            new_account(db, &actor, AccountKind::Portal, email, name, None, &hash).await?;
        }
        for (name, members) in t.teams {
            let team = teams::create(db, &actor, name)
                .await
                .map_err(|e| e.to_string())?;
            let members: Vec<_> = members.iter().filter_map(|m| ids.get(m).copied()).collect();
            teams::set_members(db, &actor, team.id, &members)
                .await
                .map_err(|e| e.to_string())?;
        }
        catalogue::create(db, tenant.id, t.slug).await?;
        articles::create(db, tenant.id, t.slug).await?;
    }
    Ok(())
}

async fn new_account(
    db: &Db,
    actor: &Actor,
    kind: AccountKind,
    email: &str,
    name: &str,
    role: Option<Role>,
    hash: &str,
) -> Result<accounts::Account, String> {
    accounts::create(
        db,
        actor,
        accounts::NewAccount {
            kind,
            email: Email::parse(email).map_err(|e| e.to_string())?,
            display_name: name.to_owned(),
            password_hash: Some(hash.to_owned()),
            role,
            locale: None,
        },
    )
    .await
    .map_err(|e| format!("demo account {email}: {e}"))
}

/// What to print once the demo is up.
pub fn banner(listen: &str) -> String {
    let port = listen.rsplit_once(':').map_or("8080", |(_, p)| p);
    let mut s = String::from("\nRelais is running with demo data.\n\n");
    for (i, t) in TENANTS.iter().enumerate() {
        let kind = match t.kind {
            TenantKind::Public => "public tenant (collectivité)",
            TenantKind::Private => "private tenant (company)",
        };
        s.push_str(&format!("  {} — {kind}\n", t.name));
        if i == 0 {
            s.push_str(&format!(
                "    open   http://{listen}/  (or http://{}:{port}/)\n",
                t.host
            ));
        } else {
            s.push_str(&format!("    open   http://{}:{port}/\n", t.host));
        }
        s.push_str(&format!(
            "    staff  http://{}:{port}/backoffice/login\n",
            t.host
        ));
        for (email, _, role) in t.staff {
            s.push_str(&format!("           {email:<32} ({role})\n"));
        }
        for (email, _) in t.portal {
            s.push_str(&format!("    portal {email}\n"));
        }
        s.push('\n');
    }
    s.push_str(&format!("  Every demo account's password: {PASSWORD}\n"));
    s.push_str("  (*.localhost names resolve to this machine in browsers.)\n");
    s
}
