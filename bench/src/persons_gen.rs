//! Seeded generator of persons and organisations: plausible French names, e-mail addresses,
//! mobile phones and postal addresses, written through the store's bulk path (the one the
//! CSV import job uses, `relais_store::imports::insert_persons`), so each person also gets
//! its contact points and its search document. The same generator writes the CSV file of
//! the import scenario.
//!
//! Person number `n` (0-based) of a seed is always the same person: scenarios rebuild the
//! one they look for with [`person`] instead of keeping a million of them in memory.

use crate::Result;
use chrono::NaiveDate;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use relais_domain::import::ImportedPerson;
use relais_domain::people::{PersonIdentity, Phone, PostalAddress};
use relais_domain::{Email, Locale};
use relais_store::{Actor, Db, imports, people};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Persons per transaction (the import job's batch size).
pub const BATCH: usize = 5_000;
/// At most this many organisations (one transaction each, as the back office makes them).
const MAX_ORGANISATIONS: u64 = 10_000;

const GIVEN: &[&str] = &[
    "Marie",
    "Jean",
    "Pierre",
    "Michel",
    "André",
    "Philippe",
    "Nathalie",
    "Isabelle",
    "Sylvie",
    "Catherine",
    "Françoise",
    "Martine",
    "Christine",
    "Alain",
    "Nicolas",
    "Christophe",
    "Patrick",
    "Daniel",
    "Stéphane",
    "Sébastien",
    "Julien",
    "Laurent",
    "Frédéric",
    "Éric",
    "David",
    "Thomas",
    "Camille",
    "Léa",
    "Manon",
    "Chloé",
    "Emma",
    "Inès",
    "Sarah",
    "Laura",
    "Julie",
    "Aurélie",
    "Céline",
    "Sandrine",
    "Valérie",
    "Véronique",
    "Anne",
    "Monique",
    "Jacqueline",
    "Hélène",
    "Élodie",
    "Mathilde",
    "Lucie",
    "Pauline",
    "Margaux",
    "Juliette",
    "Louise",
    "Alice",
    "Zoé",
    "Clara",
    "Jade",
    "Lina",
    "Rose",
    "Anaïs",
    "Océane",
    "Maëlys",
    "Lucas",
    "Hugo",
    "Louis",
    "Gabriel",
    "Arthur",
    "Raphaël",
    "Jules",
    "Adam",
    "Léo",
    "Nathan",
    "Théo",
    "Tom",
    "Enzo",
    "Mathis",
    "Noah",
    "Ethan",
    "Maxime",
    "Antoine",
    "Alexandre",
    "Romain",
    "Kévin",
    "Guillaume",
    "Benjamin",
    "Vincent",
    "Olivier",
    "Thierry",
    "Bruno",
    "Gérard",
    "Bernard",
    "Jacques",
    "René",
    "Yves",
    "Claude",
    "Dominique",
    "Pascal",
    "Didier",
    "Hervé",
    "Franck",
    "Fabrice",
    "Cédric",
    "Jérôme",
    "Mickaël",
    "Amandine",
    "Émilie",
    "Caroline",
    "Virginie",
    "Karine",
    "Nadia",
    "Fatima",
    "Mohamed",
    "Karim",
    "Yacine",
    "Samir",
    "Aïcha",
    "Yasmine",
    "Mehdi",
    "Rayan",
    "Bilal",
    "Amine",
    "Sofia",
    "Nour",
    "Ibrahim",
    "Moussa",
    "Aminata",
    "Mamadou",
    "Awa",
    "Fatou",
    "Kenza",
    "Lila",
    "Marius",
    "Victor",
    "Paul",
    "Sacha",
    "Baptiste",
    "Quentin",
    "Clément",
    "Florian",
    "Aurélien",
    "Damien",
    "Gaëlle",
    "Solène",
    "Bérénice",
    "Capucine",
    "Apolline",
    "Héloïse",
    "Eugénie",
    "Joséphine",
    "Noémie",
    "Agathe",
    "Clémence",
    "Constance",
    "Victoire",
    "Margot",
    "Ambre",
    "Lou",
    "Nina",
    "Mila",
    "Romane",
    "Éléonore",
    "Gaspard",
    "Édouard",
    "Augustin",
    "Côme",
    "Timothée",
    "Matthias",
    "Bastien",
    "Lilian",
    "Loïc",
    "Yann",
    "Gwenaël",
    "Erwan",
    "Maël",
    "Ronan",
    "Tristan",
    "Corentin",
    "Josiane",
    "Ginette",
    "Huguette",
    "Odette",
    "Simone",
    "Yvette",
    "Colette",
    "Paulette",
    "Denise",
    "Lucien",
    "Marcel",
    "Roger",
    "Raymond",
    "Henri",
    "Georges",
    "Maurice",
    "Fernand",
    "Albert",
];

const FAMILY: &[&str] = &[
    "Martin",
    "Bernard",
    "Thomas",
    "Petit",
    "Robert",
    "Richard",
    "Durand",
    "Dubois",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Lefebvre",
    "Leroy",
    "Roux",
    "David",
    "Bertrand",
    "Morel",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
    "Lefèvre",
    "Faure",
    "André",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "François",
    "Legrand",
    "Gauthier",
    "Garcia",
    "Perrin",
    "Robin",
    "Clément",
    "Morin",
    "Nicolas",
    "Henry",
    "Roussel",
    "Mathieu",
    "Gautier",
    "Masson",
    "Marchand",
    "Duval",
    "Denis",
    "Dumont",
    "Marie",
    "Lemaire",
    "Noël",
    "Meyer",
    "Dufour",
    "Meunier",
    "Brun",
    "Blanchard",
    "Giraud",
    "Joly",
    "Rivière",
    "Lucas",
    "Brunet",
    "Gaillard",
    "Barbier",
    "Arnaud",
    "Martinez",
    "Gérard",
    "Roche",
    "Renard",
    "Schmitt",
    "Roy",
    "Leroux",
    "Colin",
    "Vidal",
    "Caron",
    "Picard",
    "Roger",
    "Fabre",
    "Aubert",
    "Lemoine",
    "Renaud",
    "Dumas",
    "Lacroix",
    "Olivier",
    "Philippe",
    "Bourgeois",
    "Pierre",
    "Benoît",
    "Rey",
    "Leclerc",
    "Payet",
    "Rolland",
    "Leclercq",
    "Guillaume",
    "Lecomte",
    "Lopez",
    "Jean",
    "Dupuy",
    "Guillot",
    "Hubert",
    "Berger",
    "Carpentier",
    "Sanchez",
    "Dupuis",
    "Moulin",
    "Louis",
    "Deschamps",
    "Huet",
    "Vasseur",
    "Perez",
    "Boucher",
    "Fleury",
    "Royer",
    "Klein",
    "Jacquet",
    "Adam",
    "Paris",
    "Poirier",
    "Marty",
    "Aubry",
    "Guyot",
    "Carré",
    "Charles",
    "Renault",
    "Charpentier",
    "Ménard",
    "Maillard",
    "Baron",
    "Bertin",
    "Bailly",
    "Hervé",
    "Schneider",
    "Fernandez",
    "Le Gall",
    "Collet",
    "Léger",
    "Bouvier",
    "Julien",
    "Prévost",
    "Millet",
    "Perrot",
    "Daniel",
    "Le Roux",
    "Cousin",
    "Germain",
    "Breton",
    "Besson",
    "Langlois",
    "Rémy",
    "Le Goff",
    "Pelletier",
    "Lévêque",
    "Perrier",
    "Leblanc",
    "Barré",
    "Lebrun",
    "Marchal",
    "Weber",
    "Mallet",
    "Hamon",
    "Boulanger",
    "Jacob",
    "Monnier",
    "Michaud",
    "Rodriguez",
    "Guichard",
    "Gillet",
    "Étienne",
    "Grondin",
    "Poulain",
    "Tessier",
    "Chevallier",
    "Collin",
    "Chauvin",
    "Da Silva",
    "Bouchet",
    "Gay",
    "Lemaître",
    "Bénard",
    "Maréchal",
    "Humbert",
    "Reynaud",
    "Antoine",
    "Hoarau",
    "Perret",
    "Barthélemy",
    "Cordier",
    "Pichon",
    "Lejeune",
    "Gilbert",
    "Lamy",
    "Delaunay",
    "Pasquier",
    "Carlier",
    "Laporte",
    "Benali",
    "Haddad",
    "Diallo",
    "Traoré",
    "Nguyen",
    "Tran",
    "Ferreira",
    "Pereira",
    "Rodrigues",
    "Dos Santos",
    "Mendes",
    "Kaya",
    "Yilmaz",
    "Bensaïd",
    "Cherif",
    "Mansouri",
    "Belkacem",
    "Ouali",
    "Ndiaye",
    "Coulibaly",
    "Cissé",
    "Keita",
    "Camara",
    "Sow",
    "Ba",
    "Kone",
    "Diop",
    "Fofana",
    "Sylla",
    "Le Bihan",
    "Kerouac",
    "Le Floch",
    "Quéré",
    "Tanguy",
    "Guéguen",
    "Morvan",
    "Jaouen",
    "Abgrall",
    "Castel",
    "Marin",
    "Ollivier",
    "Poulet",
];

const STREET_KINDS: &[&str] = &[
    "rue",
    "rue",
    "rue",
    "avenue",
    "boulevard",
    "place",
    "impasse",
    "allée",
    "chemin",
    "quai",
];
const STREETS: &[&str] = &[
    "de la République",
    "Victor Hugo",
    "Jean Jaurès",
    "de la Paix",
    "Pasteur",
    "de la Gare",
    "du Général de Gaulle",
    "des Écoles",
    "du Moulin",
    "de l'Église",
    "des Lilas",
    "Gambetta",
    "Jules Ferry",
    "de la Liberté",
    "Voltaire",
    "du Château",
    "des Acacias",
    "Émile Zola",
    "du Stade",
    "des Tilleuls",
    "Carnot",
    "de Verdun",
    "Jean Moulin",
    "des Roses",
    "Anatole France",
    "de la Mairie",
    "du Marché",
    "Louis Pasteur",
    "des Peupliers",
    "de Belleville",
    "Saint-Michel",
    "Sainte-Anne",
    "des Vignes",
    "du Port",
    "de la Fontaine",
    "Marcel Pagnol",
    "Simone Veil",
    "Lucie Aubrac",
    "Olympe de Gouges",
    "Gustave Eiffel",
];
const CITIES: &[(&str, &str)] = &[
    ("75020", "Paris"),
    ("75011", "Paris"),
    ("75019", "Paris"),
    ("93100", "Montreuil"),
    ("93200", "Saint-Denis"),
    ("69003", "Lyon"),
    ("69100", "Villeurbanne"),
    ("13001", "Marseille"),
    ("13008", "Marseille"),
    ("31000", "Toulouse"),
    ("06000", "Nice"),
    ("44000", "Nantes"),
    ("67000", "Strasbourg"),
    ("34000", "Montpellier"),
    ("33000", "Bordeaux"),
    ("59000", "Lille"),
    ("35000", "Rennes"),
    ("51100", "Reims"),
    ("76600", "Le Havre"),
    ("42000", "Saint-Étienne"),
    ("83000", "Toulon"),
    ("38000", "Grenoble"),
    ("21000", "Dijon"),
    ("49000", "Angers"),
    ("30000", "Nîmes"),
    ("63000", "Clermont-Ferrand"),
    ("37000", "Tours"),
    ("87000", "Limoges"),
    ("80000", "Amiens"),
    ("57000", "Metz"),
    ("29200", "Brest"),
    ("64000", "Pau"),
    ("17000", "La Rochelle"),
    ("97400", "Saint-Denis"),
];
const TAGS: &[&str] = &[
    "newsletter",
    "quartier-nord",
    "benevole",
    "conseil-citoyen",
    "senior",
];

/// One generated person as plain text, the way a spreadsheet would hold it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub given_name: String,
    pub family_name: String,
    pub birth_date: NaiveDate,
    /// Unique per person of a seed (it carries the person's number).
    pub email: String,
    /// `06 12 34 56 78`, unique per person of a seed.
    pub phone: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub tags: Vec<&'static str>,
}

/// Lower-case ASCII, accents dropped, other characters removed (for e-mail local parts).
fn ascii(s: &str) -> String {
    relais_domain::search::fold(s)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

/// Person number `n` of `seed`: always the same.
pub fn person(seed: u64, n: u64) -> Row {
    let mut rng = StdRng::seed_from_u64(seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let given = GIVEN[rng.gen_range(0..GIVEN.len())];
    let family = FAMILY[rng.gen_range(0..FAMILY.len())];
    let (postcode, city) = CITIES[rng.gen_range(0..CITIES.len())];
    let street = format!(
        "{} {} {}",
        rng.gen_range(1..=180),
        STREET_KINDS[rng.gen_range(0..STREET_KINDS.len())],
        STREETS[rng.gen_range(0..STREETS.len())]
    );
    let birth_date = NaiveDate::from_ymd_opt(1930, 1, 1)
        .unwrap_or_default()
        .checked_add_days(chrono::Days::new(rng.gen_range(0..(365 * 78))))
        .unwrap_or_default();
    let domain = [
        "exemple.fr",
        "courriel.fr",
        "mail.example",
        "laposte.example",
    ][rng.gen_range(0..4)];
    let mobile = if rng.gen_bool(0.7) { 6 } else { 7 };
    // Unique per person: the person's number in the last eight digits (seeds share them).
    let digits = format!("{:08}", n % 100_000_000);
    let phone = format!(
        "0{mobile} {} {} {} {}",
        &digits[0..2],
        &digits[2..4],
        &digits[4..6],
        &digits[6..8]
    );
    let tags = if rng.gen_bool(0.1) {
        vec![TAGS[rng.gen_range(0..TAGS.len())]]
    } else {
        Vec::new()
    };
    Row {
        given_name: given.to_owned(),
        family_name: family.to_owned(),
        birth_date,
        email: format!("{}.{}.{n}@{domain}", ascii(given), ascii(family)),
        phone,
        street,
        postcode: postcode.to_owned(),
        city: city.to_owned(),
        tags,
    }
}

impl Row {
    /// The person as the import's rules would accept it.
    pub fn imported(&self, line: usize) -> std::result::Result<ImportedPerson, String> {
        let emails = vec![Email::parse(&self.email).map_err(|e| format!("{}: {e:?}", self.email))?];
        let phones = vec![Phone::parse(&self.phone).map_err(|e| format!("{}: {e:?}", self.phone))?];
        Ok(ImportedPerson {
            line,
            identity: PersonIdentity {
                given_name: self.given_name.clone(),
                family_name: self.family_name.clone(),
                birth_date: Some(self.birth_date),
                locale: Locale::Fr,
            },
            emails,
            phones,
            address: Some(PostalAddress {
                lines: vec![self.street.clone()],
                postcode: self.postcode.clone(),
                city: self.city.clone(),
                country: "FR".into(),
            }),
            tags: self.tags.iter().map(|t| (*t).to_owned()).collect(),
        })
    }

    /// `prénom;nom;date de naissance;courriel;téléphone;adresse;code postal;ville;étiquettes`.
    pub fn csv_line(&self) -> String {
        format!(
            "{};{};{};{};{};{};{};{};{}\r\n",
            self.given_name,
            self.family_name,
            self.birth_date.format("%d/%m/%Y"),
            self.email,
            self.phone,
            self.street,
            self.postcode,
            self.city,
            self.tags.join(",")
        )
    }
}

pub const CSV_HEADER: &str =
    "Prénom;Nom;Date de naissance;Courriel;Téléphone;Adresse;Code postal;Ville;Étiquettes\r\n";

/// A CSV file of persons `first..first + count` of `seed`, as a spreadsheet exports it.
pub fn csv(seed: u64, first: u64, count: u64) -> Vec<u8> {
    let mut out = String::with_capacity(count as usize * 110 + CSV_HEADER.len());
    out.push_str(CSV_HEADER);
    for n in first..first + count {
        out.push_str(&person(seed, n).csv_line());
    }
    out.into_bytes()
}

/// What a generation wrote and how long it took.
pub struct Generated {
    /// Ids of persons `0..count`, in order.
    pub ids: Vec<Uuid>,
    /// Rows written in all tables (persons, e-mails, phones, addresses, tags, search
    /// documents).
    pub rows: u64,
    pub elapsed: Duration,
    pub organisations: u64,
    pub organisations_elapsed: Duration,
}

fn bad(message: String) -> crate::BenchError {
    crate::BenchError::Check {
        scenario: "persons",
        message,
    }
}

/// Writes persons `0..count` of `seed` in transactions of [`BATCH`], then one organisation
/// per hundred persons (at most [`MAX_ORGANISATIONS`]), each through the store.
pub async fn generate(db: &Db, tenant_id: Uuid, count: u64, seed: u64) -> Result<Generated> {
    let actor = Actor::system(tenant_id, "relais-bench");
    let started = Instant::now();
    let mut ids = Vec::with_capacity(count as usize);
    let mut rows = 0u64;
    let mut n = 0u64;
    while n < count {
        let size = (BATCH as u64).min(count - n);
        let batch: Vec<ImportedPerson> = (n..n + size)
            .map(|i| person(seed, i).imported(i as usize + 2))
            .collect::<std::result::Result<_, _>>()
            .map_err(bad)?;
        rows += batch.iter().map(|p| 5 + p.tags.len() as u64).sum::<u64>();
        ids.extend(imports::insert_persons(db, &actor, None, batch).await?);
        n += size;
    }
    let elapsed = started.elapsed();
    let organisations = (count / 100).clamp(1, MAX_ORGANISATIONS);
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(seed.wrapping_add(17));
    for i in 0..organisations {
        let kind = [
            "Association",
            "Boulangerie",
            "Cabinet",
            "Garage",
            "Comité",
            "Librairie",
        ][rng.gen_range(0..6)];
        let name = format!("{kind} {} {i}", FAMILY[rng.gen_range(0..FAMILY.len())]);
        people::create_organisation(db, &actor, &name, None).await?;
    }
    Ok(Generated {
        ids,
        rows,
        elapsed,
        organisations,
        organisations_elapsed: started.elapsed(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_number_gives_the_same_person_and_every_one_imports() {
        assert_eq!(person(7, 42), person(7, 42));
        assert_ne!(person(7, 42).email, person(7, 43).email);
        for n in 0..2_000 {
            let row = person(2026, n);
            row.imported(2).unwrap();
        }
    }

    #[test]
    fn the_csv_reads_back_as_the_same_persons() {
        let bytes = csv(3, 0, 50);
        let source = relais_domain::import::read(&bytes).unwrap();
        let mapping = relais_domain::import::suggest_mapping(&source.table.headers);
        let report = relais_domain::import::dry_run_table(
            &source.table,
            &mapping,
            chrono::Utc::now().date_naive(),
        )
        .unwrap();
        assert!(report.rejected.is_empty(), "{:?}", report.rejected);
        assert_eq!(report.accepted.len(), 50);
        assert_eq!(report.accepted[7], person(3, 7).imported(9).unwrap());
    }
}
