//! The demo catalogue: realistic services in French and English for the demo town (public
//! tenant) and the demo company (private tenant). Each service is one JSON file in
//! `crates/relais/demo/services/`, `{"meta": {…}, "definition": {…}}`, named
//! `<tenant>-<slug>.json` and embedded in the binary. Every file is validated as an imported
//! definition would be; one that does not validate is a bug and stops the demo with its path.

use relais_domain::service::{definition::ServiceDefinition, meta::ServiceMeta};
use relais_store::{Actor, Db, services};
use serde::Deserialize;
use uuid::Uuid;

/// One embedded service file.
pub struct DemoService {
    /// Slug of the demo tenant it belongs to.
    pub tenant: &'static str,
    /// Path of the file in the repository, for error messages.
    pub path: &'static str,
    pub json: &'static str,
}

macro_rules! service {
    ($tenant:literal, $slug:literal) => {
        DemoService {
            tenant: $tenant,
            path: concat!("crates/relais/demo/services/", $tenant, "-", $slug, ".json"),
            json: include_str!(concat!("../demo/services/", $tenant, "-", $slug, ".json")),
        }
    };
}

pub const SERVICES: &[DemoService] = &[
    service!("belleville", "acte-etat-civil"),
    service!("belleville", "signalement-voirie"),
    service!("belleville", "inscription-cantine"),
    service!("belleville", "stationnement-residentiel"),
    service!("belleville", "reservation-salle"),
    service!("belleville", "nuisances-sonores"),
    service!("belleville", "encombrants"),
    service!("belleville", "rdv-carte-identite"),
    service!("brioche", "reclamation-commande"),
    service!("brioche", "retour-remboursement"),
    service!("brioche", "question-facturation"),
    service!("brioche", "support-technique"),
    service!("brioche", "resiliation-contrat"),
    service!("brioche", "demande-devis"),
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    meta: FileMeta,
    definition: serde_json::Value,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileMeta {
    slug: String,
    category: String,
    audience: String,
    channels: Vec<String>,
    who_may_file: String,
    title_fr: String,
    title_en: String,
    description_fr: String,
    description_en: String,
}

/// A demo service ready to be stored: its descriptive fields and its validated definition.
pub struct Parsed {
    pub meta: services::Meta,
    pub definition: ServiceDefinition,
}

impl DemoService {
    /// Reads and validates the file; every error names the file and the place in it.
    pub fn parse(&self) -> Result<Parsed, String> {
        let fail = |what: String| format!("demo service {}: {what}", self.path);
        let file: File = serde_json::from_str(self.json).map_err(|e| fail(e.to_string()))?;
        let m = file.meta;
        let expected = self
            .path
            .rsplit('/')
            .next()
            .and_then(|name| name.strip_suffix(".json"))
            .and_then(|name| name.strip_prefix(self.tenant))
            .and_then(|name| name.strip_prefix('-'));
        if expected != Some(m.slug.as_str()) {
            return Err(fail(format!(
                "meta.slug: \"{}\" does not match the file name",
                m.slug
            )));
        }
        // The same rules as the admin pages.
        let m = ServiceMeta {
            slug: m.slug,
            category: m.category,
            audience: m.audience,
            channels: m.channels,
            who_may_file: m.who_may_file,
            title_fr: m.title_fr,
            title_en: m.title_en,
            description_fr: m.description_fr,
            description_en: m.description_en,
        }
        .validate()
        .map_err(|errors| {
            fail(
                errors
                    .iter()
                    .map(|e| format!("meta.{}: {}", e.field, e.code))
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })?;
        let definition =
            ServiceDefinition::from_json(&file.definition.to_string()).map_err(|errors| {
                fail(
                    errors
                        .iter()
                        .map(|e| format!("definition.{e}"))
                        .collect::<Vec<_>>()
                        .join("; "),
                )
            })?;
        Ok(Parsed {
            meta: services::Meta {
                slug: m.slug,
                category: m.category,
                audience: m.audience,
                channels: m.channels,
                who_may_file: m.who_may_file,
                title_fr: m.title_fr,
                title_en: m.title_en,
                description_fr: m.description_fr,
                description_en: m.description_en,
            },
            definition,
        })
    }
}

/// Creates and publishes the demo services of one tenant, skipping the slugs it already has
/// (so running the demo again, or on an older data folder, only fills what is missing).
/// Returns how many were created.
pub async fn create(db: &Db, tenant_id: Uuid, tenant_slug: &str) -> Result<usize, String> {
    // Check every file of the tenant before storing any.
    let parsed = SERVICES
        .iter()
        .filter(|s| s.tenant == tenant_slug)
        .map(DemoService::parse)
        .collect::<Result<Vec<_>, _>>()?;
    let actor = Actor::system(tenant_id, "demo");
    let mut created = 0;
    for p in parsed {
        let slug = &p.meta.slug;
        let fail = |e: relais_store::StoreError| format!("demo service {slug}: {e}");
        if services::by_slug(db, tenant_id, slug)
            .await
            .map_err(fail)?
            .is_some()
        {
            continue;
        }
        let definition = serde_json::to_value(&p.definition).map_err(|e| e.to_string())?;
        let service = services::create(db, &actor, &p.meta, &definition)
            .await
            .map_err(fail)?;
        services::publish(db, &actor, service.id)
            .await
            .map_err(fail)?;
        created += 1;
    }
    Ok(created)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_demo_service_parses_and_validates() {
        let mut slugs = HashSet::new();
        for s in SERVICES {
            let p = s.parse().unwrap_or_else(|e| panic!("{e}"));
            assert!(
                slugs.insert((s.tenant, p.meta.slug.clone())),
                "{}: duplicate slug",
                s.path
            );
        }
        let count = |tenant: &str| SERVICES.iter().filter(|s| s.tenant == tenant).count();
        assert_eq!(count("belleville"), 8, "public services");
        assert_eq!(count("brioche"), 6, "private services");
    }

    /// The catalogue promises more than validity: both languages everywhere, a withdraw by the
    /// requester, messages on acceptance and refusal, a demo team, and service levels.
    #[test]
    fn every_demo_service_is_complete() {
        let teams: HashSet<&str> = crate::demo::TENANTS
            .iter()
            .flat_map(|t| t.teams.iter().map(|(name, _)| *name))
            .collect();
        for s in SERVICES {
            let p = s.parse().unwrap();
            let json: serde_json::Value = serde_json::from_str(s.json).unwrap();
            check_texts(&json, s.path, "");
            let wf = &p.definition.workflow;
            let kinds: HashSet<_> = wf.statuses.iter().map(|st| st.kind.as_str()).collect();
            for kind in [
                "open",
                "waiting_requester",
                "closed_accepted",
                "closed_refused",
                "closed_withdrawn",
            ] {
                assert!(kinds.contains(kind), "{}: no {kind} status", s.path);
            }
            let status_kind = |id: &str| {
                wf.statuses
                    .iter()
                    .find(|st| st.id == id)
                    .map(|st| st.kind.as_str())
                    .unwrap()
            };
            assert_eq!(status_kind(&wf.initial), "open", "{}", s.path);
            let json_wf = &json["definition"]["workflow"]["transitions"];
            let transitions = json_wf.as_array().unwrap();
            let messages_into = |kind: &str| {
                transitions.iter().any(|t| {
                    status_kind(t["to"].as_str().unwrap()) == kind
                        && t["actions"]
                            .as_array()
                            .is_some_and(|a| a.iter().any(|a| a["type"] == "message_requester"))
                })
            };
            assert!(messages_into("closed_accepted"), "{}", s.path);
            assert!(messages_into("closed_refused"), "{}", s.path);
            assert!(
                transitions.iter().any(|t| t["by_requester"] == true
                    && status_kind(t["to"].as_str().unwrap()) == "closed_withdrawn"),
                "{}: no withdraw by the requester",
                s.path
            );
            assert!(
                transitions.iter().any(|t| t["roles"].is_array()),
                "{}: no transition with roles",
                s.path
            );
            let assigned: Vec<_> = transitions
                .iter()
                .flat_map(|t| t["actions"].as_array().into_iter().flatten())
                .filter(|a| a["type"] == "assign_team")
                .map(|a| a["team"].as_str().unwrap())
                .collect();
            assert!(!assigned.is_empty(), "{}: no assign_team", s.path);
            for team in assigned {
                assert!(teams.contains(team), "{}: unknown team {team}", s.path);
            }
            assert_eq!(p.definition.sla.targets.len(), 4, "{}", s.path);
            assert!(
                json.to_string().contains("show_if"),
                "{}: no condition",
                s.path
            );
        }
    }

    /// Every text object (`fr` beside other keys) has a non-blank English version too.
    fn check_texts(v: &serde_json::Value, file: &str, path: &str) {
        match v {
            serde_json::Value::Object(map) => {
                if let Some(fr) = map.get("fr") {
                    assert!(
                        fr.as_str().is_some_and(|s| !s.trim().is_empty()),
                        "{file}: {path}"
                    );
                    assert!(
                        map.get("en")
                            .and_then(|e| e.as_str())
                            .is_some_and(|s| !s.trim().is_empty()),
                        "{file}: {path}: no English"
                    );
                }
                for (k, v) in map {
                    check_texts(v, file, &format!("{path}.{k}"));
                }
            }
            serde_json::Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    check_texts(v, file, &format!("{path}[{i}]"));
                }
            }
            _ => {}
        }
    }
}
