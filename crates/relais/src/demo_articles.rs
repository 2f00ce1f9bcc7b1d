//! The demo town's information pages: a few public knowledge articles, published, some shown
//! on a service page. Each is checked by the same rules as the admin form; the demo creates
//! only the slugs a tenant does not have yet.

use relais_domain::knowledge::ArticleInput;
use relais_store::{Actor, Db, knowledge, services};
use uuid::Uuid;

pub struct DemoArticle {
    pub tenant: &'static str,
    pub slug: &'static str,
    pub category: &'static str,
    pub title_fr: &'static str,
    pub title_en: &'static str,
    pub body_fr: &'static str,
    pub body_en: &'static str,
    /// Slugs of the services that show it ("Good to know").
    pub services: &'static [&'static str],
}

pub const ARTICLES: &[DemoArticle] = &[
    DemoArticle {
        tenant: "belleville",
        slug: "carte-identite-passeport",
        category: "etat-civil",
        title_fr: "Carte d'identité et passeport : comment faire",
        title_en: "Identity card and passport: how to apply",
        body_fr: "La mairie reçoit les demandes de carte d'identité et de passeport sur rendez-vous.\n\n## Avant le rendez-vous\n1. Faites une pré-demande en ligne sur [le site de l'ANTS](https://ants.gouv.fr/).\n2. Prenez rendez-vous avec la démarche « Rendez-vous pour une carte d'identité ou un passeport » (lien ci-dessous).\n3. Venez avec votre numéro de pré-demande.\n\n## À apporter\n- une photo d'identité de moins de six mois\n- un justificatif de domicile de moins d'un an\n- votre ancien titre, s'il y en a un\n\nLe titre est à retirer en personne, dans les trois mois.",
        body_en: "The town hall takes identity card and passport applications by appointment.\n\n## Before the appointment\n1. Fill in a pre-application online on [the ANTS website](https://ants.gouv.fr/).\n2. Book an appointment with the \"Appointment for an identity card or passport\" service (link below).\n3. Bring your pre-application number.\n\n## What to bring\n- an identity photo less than six months old\n- a proof of address less than a year old\n- your old document, if you have one\n\nThe document must be collected in person, within three months.",
        services: &["rdv-carte-identite"],
    },
    DemoArticle {
        tenant: "belleville",
        slug: "collecte-dechets",
        category: "proprete",
        title_fr: "Collecte des déchets et encombrants",
        title_en: "Waste and bulky items collection",
        body_fr: "Les ordures ménagères sont collectées le lundi et le jeudi, le tri sélectif le mercredi.\n\n## Encombrants\nLes encombrants sont enlevés sur rendez-vous, gratuitement, jusqu'à 3 m³ par passage. Déposez-les la veille au soir devant chez vous, sans gêner le passage.\n\n## Ce qui n'est pas pris\n- les gravats et déchets de chantier\n- les pneus\n- les produits dangereux (peintures, solvants) : apportez-les à la déchetterie.",
        body_en: "Household waste is collected on Mondays and Thursdays, recycling on Wednesdays.\n\n## Bulky items\nBulky items are removed by appointment, free of charge, up to 3 m³ at a time. Put them out in front of your home the evening before, without blocking the way.\n\n## What is not taken\n- rubble and building waste\n- tyres\n- hazardous products (paint, solvents): take them to the recycling centre.",
        services: &["encombrants"],
    },
    DemoArticle {
        tenant: "belleville",
        slug: "inscriptions-scolaires",
        category: "education",
        title_fr: "Rentrée scolaire : inscriptions et cantine",
        title_en: "",
        body_fr: "Les inscriptions pour la rentrée ont lieu de mars à mai.\n\nL'inscription à la cantine se fait en ligne ; le tarif dépend du quotient familial. Les menus sont affichés chaque semaine à l'entrée des écoles.\n\nUne question ? Écrivez-nous depuis la page [Contact](/contact).",
        body_en: "",
        services: &["inscription-cantine"],
    },
];

/// Creates and publishes the demo articles of one tenant, skipping the slugs it already has.
/// Returns how many were created.
pub async fn create(db: &Db, tenant_id: Uuid, tenant_slug: &str) -> Result<usize, String> {
    let actor = Actor::system(tenant_id, "demo");
    let mut created = 0;
    for a in ARTICLES.iter().filter(|a| a.tenant == tenant_slug) {
        let fail = |e: relais_store::StoreError| format!("demo article {}: {e}", a.slug);
        if knowledge::by_slug(db, tenant_id, a.slug)
            .await
            .map_err(fail)?
            .is_some()
        {
            continue;
        }
        let checked = input(a)
            .validate()
            .map_err(|e| format!("demo article {}: {e:?}", a.slug))?;
        let mut linked = Vec::new();
        for slug in a.services {
            if let Some(s) = services::by_slug(db, tenant_id, slug).await.map_err(fail)? {
                linked.push(s.id);
            }
        }
        let id = knowledge::create(db, &actor, &checked, &linked)
            .await
            .map_err(fail)?;
        knowledge::set_published(db, &actor, id, true)
            .await
            .map_err(fail)?;
        created += 1;
    }
    Ok(created)
}

fn input(a: &DemoArticle) -> ArticleInput {
    ArticleInput {
        slug: a.slug.into(),
        category: a.category.into(),
        visibility: "public".into(),
        title_fr: a.title_fr.into(),
        title_en: a.title_en.into(),
        body_fr: a.body_fr.into(),
        body_en: a.body_en.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_article_validates_and_names_a_demo_service() {
        for a in ARTICLES {
            input(a).validate().unwrap();
            for s in a.services {
                assert!(
                    super::super::catalogue::SERVICES
                        .iter()
                        .any(|d| d.tenant == a.tenant && d.path.ends_with(&format!("-{s}.json"))),
                    "{}: {s}",
                    a.slug
                );
            }
        }
    }
}
