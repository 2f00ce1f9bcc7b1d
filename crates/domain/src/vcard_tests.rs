use super::*;
use crate::import::{self, ImportError, dry_run_table};
use crate::people::PostalAddress;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()
}

const V3: &str = "BEGIN:VCARD\r\n\
VERSION:3.0\r\n\
FN:Hélène Lefèvre\r\n\
N:Lefèvre;Hélène;;Mme;\r\n\
BDAY:1980-02-03\r\n\
EMAIL;TYPE=INTERNET,HOME:helene@example.fr\r\n\
TEL;TYPE=CELL:06 12 34 56 78\r\n\
TEL;TYPE=HOME:01 23 45 67 89\r\n\
item1.ADR;TYPE=HOME:;Bât. C;12 rue des Lilas\\, au fond;Paris;;75011;France\r\n\
ORG:Association des Lilas;Bureau\r\n\
CATEGORIES:bénévole,élue\r\n\
NOTE:Une note très longue qui est repliée sur plusieurs lignes pour vérifier le dé\r\n \
pliage des lignes\r\n\
END:VCARD\r\n";

const V4: &str = "BEGIN:VCARD\n\
VERSION:4.0\n\
FN:Jean Dupont\n\
N:Dupont;Jean;Pierre,Marie;;\n\
BDAY:19751224\n\
EMAIL;PREF=1:jean@example.fr\n\
EMAIL:mailto:j.dupont@example.com\n\
TEL;VALUE=uri;TYPE=\"voice,cell\":tel:+33-6-98-76-54-32;ext=12\n\
END:VCARD\n";

#[test]
fn version_3_properties_are_read() {
    let cards = parse(V3).unwrap();
    assert_eq!(cards.len(), 1);
    let c = &cards[0];
    assert_eq!(c.line, 1);
    assert_eq!(c.version, "3.0");
    assert_eq!(c.formatted_name, "Hélène Lefèvre");
    assert_eq!(
        (c.given_name.as_str(), c.family_name.as_str()),
        ("Hélène", "Lefèvre")
    );
    assert_eq!(c.birthday, "1980-02-03");
    assert_eq!(c.emails, ["helene@example.fr"]);
    assert_eq!(c.phones, ["06 12 34 56 78", "01 23 45 67 89"]);
    assert_eq!(
        c.addresses,
        [Address {
            lines: vec!["Bât. C".into(), "12 rue des Lilas, au fond".into()],
            locality: "Paris".into(),
            postcode: "75011".into(),
            country: "France".into(),
        }]
    );
    assert_eq!(c.organisations, ["Association des Lilas, Bureau"]);
    assert_eq!(c.categories, ["bénévole", "élue"]);
}

#[test]
fn version_4_uris_and_quoted_parameters_are_read() {
    let c = &parse(V4).unwrap()[0];
    assert_eq!(c.version, "4.0");
    assert_eq!(c.emails, ["jean@example.fr", "j.dupont@example.com"]);
    assert_eq!(c.phones, ["+33-6-98-76-54-32"]);
    assert_eq!(c.birthday, "19751224");
}

#[test]
fn folded_lines_are_joined_and_escapes_undone() {
    let text = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ma\r\n rie-Ch\r\n\tantal Durand\r\nN:Durand;Marie-Chantal\\;X;;;\r\nEND:VCARD\r\n";
    let c = &parse(text).unwrap()[0];
    assert_eq!(c.formatted_name, "Marie-Chantal Durand");
    // An escaped semicolon is part of the component, not a separator.
    assert_eq!(c.given_name, "Marie-Chantal;X");
}

#[test]
fn quoted_printable_with_charset_is_read() {
    let text = "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:Lef=E8vre;H=E9l=\r\n=E8ne\r\nFN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:H=C3=A9l=C3=A8ne Lef=C3=A8vre\r\nTEL;CELL:0612345678\r\nEND:VCARD\r\n";
    let c = &parse(text).unwrap()[0];
    assert_eq!(c.family_name, "Lefèvre");
    assert_eq!(c.given_name, "Hélène");
    assert_eq!(c.formatted_name, "Hélène Lefèvre");
    assert_eq!(c.phones, ["0612345678"]);
}

#[test]
fn broken_files_name_the_card_and_the_line() {
    let two = format!("{V4}BEGIN:VCARD\nVERSION:4.0\nFN Jean\nEND:VCARD\n");
    let e = parse(&two).unwrap_err();
    assert_eq!(
        e,
        ImportError::Vcard {
            card: 2,
            line: 12,
            problem: VcardProblem::NoColon
        }
    );
    assert_eq!(e.code(), "import-vcard-no-colon");
    assert_eq!(e.line(), Some(12));

    let unclosed = format!("{V4}BEGIN:VCARD\nVERSION:4.0\nFN:Jean\n");
    assert_eq!(
        parse(&unclosed).unwrap_err(),
        ImportError::Vcard {
            card: 2,
            line: 10,
            problem: VcardProblem::Unclosed
        }
    );
    let nested = "BEGIN:VCARD\nVERSION:3.0\nBEGIN:VCARD\nEND:VCARD\n";
    assert_eq!(
        parse(nested).unwrap_err(),
        ImportError::Vcard {
            card: 1,
            line: 3,
            problem: VcardProblem::Nested
        }
    );
    let outside = format!("{V4}FN:Stray\n");
    assert_eq!(
        parse(&outside).unwrap_err(),
        ImportError::Vcard {
            card: 2,
            line: 10,
            problem: VcardProblem::Outside
        }
    );
    let version = "BEGIN:VCARD\nVERSION:5.0\nFN:X\nEND:VCARD\n";
    assert_eq!(
        parse(version).unwrap_err(),
        ImportError::Vcard {
            card: 1,
            line: 1,
            problem: VcardProblem::Version
        }
    );
    let qp = "BEGIN:VCARD\nVERSION:2.1\nN;ENCODING=QUOTED-PRINTABLE:=ZZ\nEND:VCARD\n";
    assert_eq!(
        parse(qp).unwrap_err(),
        ImportError::Vcard {
            card: 1,
            line: 3,
            problem: VcardProblem::Encoding
        }
    );
}

#[test]
fn cards_go_through_the_people_rules_as_a_table() {
    let text = format!(
        "{V3}{V4}BEGIN:VCARD\nVERSION:3.0\nFN:Sans Courriel\nEMAIL:pas-une-adresse\nEND:VCARD\nBEGIN:VCARD\nVERSION:4.0\nFN:Cher\nEND:VCARD\n"
    );
    let cards = parse(&text).unwrap();
    let (table, mapping) = table(&cards);
    mapping.check(table.headers.len()).unwrap();
    let report = dry_run_table(&table, &mapping, today()).unwrap();
    assert_eq!(report.accepted.len() + report.rejected.len(), 4);
    let helene = &report.accepted[0];
    assert_eq!(
        helene.identity.birth_date,
        NaiveDate::from_ymd_opt(1980, 2, 3)
    );
    assert_eq!(helene.phones.len(), 2);
    let address = helene.address.as_ref().unwrap();
    assert_eq!(address.country, "FR");
    assert_eq!(address.city, "Paris");
    assert_eq!(helene.tags, ["benevole", "elue"]);
    let jean = &report.accepted[1];
    assert_eq!(jean.identity.given_name, "Jean");
    assert_eq!(jean.phones[0].as_str(), "+33698765432");
    // FN without N is split; a bad e-mail rejects the card with its column and line.
    let bad = &report.rejected[0];
    assert_eq!(bad.line, cards[2].line);
    assert_eq!(bad.reasons, [("EMAIL".to_owned(), "person-invalid-email")]);
    // A single name has no given name: rejected, not dropped.
    assert_eq!(report.rejected[1].reasons[0].1, "person-invalid-given-name");
}

#[test]
fn read_recognises_vcards_and_their_fixed_mapping() {
    let source = import::read(V3.as_bytes()).unwrap();
    assert_eq!(source.format, import::Format::Vcard);
    assert!(source.fixed_mapping.is_some());
    assert_eq!(source.table.rows.len(), 1);
}

fn contact() -> Contact {
    Contact {
        uid: "0190a5b2-0000-7000-8000-000000000001".into(),
        given_name: "Hélène".into(),
        family_name: "Lefèvre, dite; \"Léna\"".into(),
        birth_date: NaiveDate::from_ymd_opt(1980, 2, 3),
        emails: vec!["helene@example.fr".into()],
        phones: vec!["+33612345678".into(), "+33123456789".into()],
        addresses: vec![PostalAddress {
            lines: vec!["12 rue des Lilas".into(), "Bâtiment C, escalier 2".into()],
            postcode: "75011".into(),
            city: "Paris".into(),
            country: "FR".into(),
        }],
        organisations: vec!["Association des Lilas".into()],
        tags: vec!["benevole".into(), "elue".into()],
        revision: None,
    }
}

#[test]
fn export_round_trips_through_the_parser_in_both_versions() {
    for version in [Version::V3, Version::V4] {
        let text = write(&contact(), version);
        assert!(text.lines().all(|l| l.len() <= 76), "{text}");
        assert!(text.ends_with("END:VCARD\r\n"));
        let cards = parse(&text).unwrap();
        let c = &cards[0];
        assert_eq!(
            c.version,
            if version == Version::V4 { "4.0" } else { "3.0" }
        );
        assert_eq!(c.given_name, "Hélène");
        assert_eq!(c.family_name, "Lefèvre, dite; \"Léna\"");
        assert_eq!(c.emails, ["helene@example.fr"]);
        assert_eq!(c.phones, ["+33612345678", "+33123456789"]);
        assert_eq!(
            c.addresses[0].lines,
            ["12 rue des Lilas", "Bâtiment C, escalier 2"]
        );
        assert_eq!(c.organisations, ["Association des Lilas"]);
        assert_eq!(c.categories, ["benevole", "elue"]);
        let (table, mapping) = table(&cards);
        let report = dry_run_table(&table, &mapping, today()).unwrap();
        let p = &report.accepted[0];
        assert_eq!(p.identity.birth_date, NaiveDate::from_ymd_opt(1980, 2, 3));
        assert_eq!(p.address.as_ref().unwrap(), &contact().addresses[0]);
        assert_eq!(p.tags, ["benevole", "elue"]);
    }
}

#[test]
fn long_lines_are_folded_without_splitting_characters() {
    let mut c = contact();
    c.organisations = vec!["é".repeat(100)];
    let text = write(&c, Version::V4);
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "{line:?}");
    }
    assert_eq!(parse(&text).unwrap()[0].organisations, ["é".repeat(100)]);
}
