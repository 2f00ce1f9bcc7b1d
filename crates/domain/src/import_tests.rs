use super::*;
use proptest::prelude::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

// ---------------------------------------------------------------------------------------
// Encoding

#[test]
fn utf8_with_and_without_bom() {
    let (text, enc) = decode("\u{feff}Prénom;Nom\nHélène;Lefèvre\n".as_bytes()).unwrap();
    assert_eq!(enc, Encoding::Utf8Bom);
    assert!(text.starts_with("Prénom"));
    let (text, enc) = decode("Prénom;Nom\n".as_bytes()).unwrap();
    assert_eq!(enc, Encoding::Utf8);
    assert_eq!(text, "Prénom;Nom\n");
}

#[test]
fn windows_1252_e_acute_and_oe() {
    let bytes = b"Pr\xE9nom;Nom\nC\x9Cur;\x80 \x92\n";
    let (text, enc) = decode(bytes).unwrap();
    assert_eq!(enc, Encoding::Windows1252);
    assert_eq!(text, "Prénom;Nom\nCœur;€ \u{2019}\n");
}

#[test]
fn undefined_windows_1252_bytes_are_refused_with_offset_and_line() {
    for b in [0x81, 0x8D, 0x8F, 0x90, 0x9D] {
        let bytes = [b"Nom;Pr\xE9nom\nab".as_slice(), &[b], b"\n"].concat();
        let e = decode(&bytes).unwrap_err();
        assert_eq!(
            e,
            ImportError::Encoding {
                offset: 13,
                line: 2
            }
        );
        assert_eq!(e.code(), "import-invalid-encoding");
        assert_eq!(e.line(), Some(2));
    }
}

#[test]
fn broken_utf8_after_a_bom_and_nul_bytes_and_workbooks_are_refused() {
    let e = decode(b"\xEF\xBB\xBFNom\nH\xE9l\xE8ne\n").unwrap_err();
    assert_eq!(e, ImportError::Encoding { offset: 8, line: 2 });
    let e = decode(b"Nom\n\0x").unwrap_err();
    assert_eq!(e, ImportError::Encoding { offset: 4, line: 2 });
    assert_eq!(decode(b"PK\x03\x04rest").unwrap_err(), ImportError::NotCsv);
}

#[test]
fn utf16_le_with_bom() {
    let mut bytes = vec![0xFF, 0xFE];
    for u in "Prénom\tNom\r\n".encode_utf16() {
        bytes.extend(u.to_le_bytes());
    }
    assert_eq!(
        decode(&bytes).unwrap(),
        ("Prénom\tNom\r\n".to_owned(), Encoding::Utf16Le)
    );
}

// ---------------------------------------------------------------------------------------
// Reading

#[test]
fn delimiters_are_sniffed() {
    assert_eq!(
        sniff_delimiter("Nom;Prénom;Montant\nDupont;Jean;12,50\n"),
        ';'
    );
    assert_eq!(sniff_delimiter("Name,First name\nSmith,John\n"), ',');
    assert_eq!(sniff_delimiter("Nom\tPrénom\nDupont\tJean\n"), '\t');
    assert_eq!(
        sniff_delimiter("Nom,Adresse\nDupont,\"1; rue; Haute\"\nMartin,\"2; rue\"\n"),
        ','
    );
    assert_eq!(sniff_delimiter("Nom\nDupont\n"), ';');
    assert_eq!(sniff_delimiter(""), ';');
}

#[test]
fn both_delimiters_give_the_same_table() {
    let semi = parse_table("Prénom;Nom\r\nJean;Dupont\r\n").unwrap();
    let comma = parse_table("Prénom,Nom\nJean,Dupont").unwrap();
    assert_eq!(semi.delimiter, ';');
    assert_eq!(comma.delimiter, ',');
    assert_eq!(semi.headers, comma.headers);
    assert_eq!(semi.rows, comma.rows);
    assert_eq!(semi.rows[0].line, 2);
}

#[test]
fn quoted_fields_with_delimiters_quotes_and_newlines() {
    let text = "Nom;Adresse;Note\r\n\"Dupont\";\"1 rue Haute;\r\nBât. B\";\"dit \"\"Jo\"\"\"\r\nMartin;x;y\r\n";
    let t = parse_table(text).unwrap();
    assert_eq!(t.delimiter, ';');
    assert_eq!(t.rows.len(), 2);
    assert_eq!(
        t.rows[0].fields,
        strings(&["Dupont", "1 rue Haute;\nBât. B", "dit \"Jo\""])
    );
    assert_eq!(t.rows[0].line, 2);
    // The quoted newline moves the next record one line further.
    assert_eq!(t.rows[1].line, 4);
}

#[test]
fn inconsistent_columns_name_the_line_and_counts() {
    let e = parse_table("Prénom;Nom;Ville\nJean;Dupont;Lyon\nMarie;Curie\n").unwrap_err();
    assert_eq!(
        e,
        ImportError::ColumnCount {
            line: 3,
            expected: 3,
            actual: 2
        }
    );
    assert_eq!(e.code(), "import-column-count");
    let e = parse_table("a;b\n1;2;3\n").unwrap_err();
    assert_eq!(
        e,
        ImportError::ColumnCount {
            line: 2,
            expected: 2,
            actual: 3
        }
    );
    // Empty trailing fields written by some spreadsheets are not a difference.
    let t = parse_table("a;b\n1;2;;\n").unwrap();
    assert_eq!(t.rows[0].fields, strings(&["1", "2"]));
}

#[test]
fn unterminated_quote_names_its_line() {
    let e = parse_table_with("Nom;Note\nDupont;ok\nMartin;\"pas fini\nsuite\n", ';').unwrap_err();
    assert_eq!(e, ImportError::UnterminatedQuote { line: 3 });
    assert_eq!(e.code(), "import-unterminated-quote");
}

#[test]
fn empty_file_and_header() {
    assert_eq!(parse_table("").unwrap_err(), ImportError::Empty);
    assert_eq!(parse_table("\r\n\r\n").unwrap_err(), ImportError::Empty);
    assert_eq!(
        parse_table(";;\na;b;c\n").unwrap_err(),
        ImportError::MissingHeader { line: 1 }
    );
}

#[test]
fn blank_lines_inside_are_rows_and_at_the_end_are_not() {
    let t = parse_table("a;b\n1;2\n\n;\n3;4\n\n\n").unwrap();
    let lines: Vec<usize> = t.rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, [2, 3, 4, 5]);
}

// ---------------------------------------------------------------------------------------
// Mapping

#[test]
fn header_suggestions_in_french() {
    let headers = strings(&[
        "Prénom",
        "NOM",
        "Date de naissance",
        "Courriel",
        "Téléphone",
        "Portable",
        "Adresse",
        "Complément d'adresse",
        "Code postal",
        "Ville",
        "Pays",
        "Étiquettes",
        "Remarques",
        "Nom",
    ]);
    use Target::*;
    assert_eq!(
        suggest_mapping(&headers).columns,
        [
            Some(GivenName),
            Some(FamilyName),
            Some(BirthDate),
            Some(Email),
            Some(Phone),
            Some(Phone),
            Some(Street),
            Some(Street),
            Some(Postcode),
            Some(City),
            Some(Country),
            Some(Tags),
            None,
            None,
        ]
    );
}

#[test]
fn header_suggestions_in_english() {
    let headers = strings(&[
        "First Name",
        "last_name",
        "Date of birth",
        "E-mail",
        "Email 2",
        "Phone number",
        "Address line 1",
        "ZIP code",
        "City",
        "Country",
        "Tags",
    ]);
    use Target::*;
    assert_eq!(
        suggest_mapping(&headers).columns,
        [
            Some(GivenName),
            Some(FamilyName),
            Some(BirthDate),
            Some(Email),
            Some(Email),
            Some(Phone),
            Some(Street),
            Some(Postcode),
            Some(City),
            Some(Country),
            Some(Tags),
        ]
    );
    assert_eq!(
        suggest_mapping(&strings(&["E-MAIL"])).columns,
        [Some(Email)]
    );
}

#[test]
fn mapping_checks() {
    use Target::*;
    let m = Mapping {
        columns: vec![Some(GivenName), Some(FamilyName)],
    };
    assert_eq!(m.check(2), Ok(()));
    assert_eq!(
        m.check(3),
        Err(ImportError::MappingWidth {
            expected: 3,
            actual: 2
        })
    );
    let m = Mapping {
        columns: vec![Some(GivenName), None],
    };
    assert_eq!(m.check(2), Err(ImportError::MappingMissing(FamilyName)));
    let m = Mapping {
        columns: vec![Some(GivenName), Some(FamilyName), Some(City), Some(City)],
    };
    assert_eq!(m.check(4), Err(ImportError::MappingDuplicate(City)));
    for t in Target::ALL {
        assert_eq!(t.as_str().parse::<Target>(), Ok(t));
    }
}

// ---------------------------------------------------------------------------------------
// Dry run

const FILE: &str = "Prénom;Nom;Né le;Courriel;Téléphone;Portable;Adresse;CP;Ville;Étiquettes\r\n\
Hélène;Lefèvre;03/02/1980;Helene@Example.FR;01 23 45 67 89;612345678;\"12 rue des Lilas\nBât. C\";1000;Bourg-en-Bresse;Bénévole, élue|bénévole\r\n\
Jean;Dupont;;jean@;12;;;;;\r\n\
;;;;;;;;;\r\n\
\r\n\
Marie;Curie;1867-11-07;;;;;;;\r\n\
Paul;;2999-01-01;;;;;75001;;\r\n";

fn report() -> (Table, Report) {
    let table = parse_table(FILE).unwrap();
    let mapping = suggest_mapping(&table.headers);
    assert!(mapping.columns.iter().all(Option::is_some), "{mapping:?}");
    let report = dry_run(FILE, &mapping, today()).unwrap();
    (table, report)
}

#[test]
fn a_good_row_is_accepted_normalised() {
    let (_, report) = report();
    let p = &report.accepted[0];
    assert_eq!(p.line, 2);
    assert_eq!(p.identity.given_name, "Hélène");
    assert_eq!(p.identity.birth_date, NaiveDate::from_ymd_opt(1980, 2, 3));
    assert_eq!(p.emails[0].as_str(), "helene@example.fr");
    let phones: Vec<&str> = p.phones.iter().map(Phone::as_str).collect();
    assert_eq!(phones, ["+33123456789", "+33612345678"]);
    let address = p.address.as_ref().unwrap();
    assert_eq!(address.lines, ["12 rue des Lilas", "Bât. C"]);
    assert_eq!(address.postcode, "01000");
    assert_eq!(address.country, "FR");
    assert_eq!(p.tags, ["benevole", "elue"]);
    assert_eq!(report.accepted.len(), 1);
}

#[test]
fn bad_email_and_bad_phone_are_both_reasons() {
    let (_, report) = report();
    let r = &report.rejected[0];
    // The quoted newline of line 2 puts this row on line 4.
    assert_eq!(r.line, 4);
    assert_eq!(r.values[3], "jean@");
    assert_eq!(
        r.reasons,
        [
            ("Courriel".to_owned(), "person-invalid-email"),
            ("Téléphone".to_owned(), "person-invalid-phone"),
        ]
    );
}

#[test]
fn empty_rows_are_rejected_not_dropped() {
    let (_, report) = report();
    assert_eq!(report.rejected[1].line, 5);
    assert_eq!(report.rejected[2].line, 6);
    for r in &report.rejected[1..3] {
        assert_eq!(r.reasons, [(String::new(), "import-empty-row")]);
    }
}

#[test]
fn identity_and_address_reasons_name_their_columns() {
    let (_, report) = report();
    let r = &report.rejected[4];
    assert_eq!(r.line, 8);
    assert_eq!(
        r.reasons,
        [
            ("Nom".to_owned(), "person-invalid-family-name"),
            ("Né le".to_owned(), "person-invalid-birth-date"),
            ("Adresse".to_owned(), "person-invalid-address-lines"),
            ("Ville".to_owned(), "person-invalid-city"),
        ]
    );
    // Marie Curie, born before 1900: refused by the people rules.
    assert_eq!(
        report.rejected[3].reasons,
        [("Né le".to_owned(), "person-invalid-birth-date")]
    );
    assert_eq!(report.rejected.len(), 5);
}

#[test]
fn structural_errors_stop_the_dry_run() {
    let m = Mapping {
        columns: vec![Some(Target::GivenName), Some(Target::FamilyName)],
    };
    assert_eq!(
        dry_run("a;b\n1;2;3\n", &m, today()).unwrap_err().line(),
        Some(2)
    );
    assert_eq!(
        dry_run("a;b;c\n1;2;3\n", &m, today()).unwrap_err(),
        ImportError::MappingWidth {
            expected: 3,
            actual: 2
        }
    );
}

#[test]
fn rejected_csv_has_a_reason_column_and_reads_back() {
    let (table, report) = report();
    let csv = rejected_csv(&report, &table.headers, ';', REASONS_COLUMN, reason_codes);
    assert!(csv.starts_with('\u{feff}'));
    let (text, _) = decode(csv.as_bytes()).unwrap();
    let back = parse_table(&text).unwrap();
    assert_eq!(back.headers.last().unwrap(), REASONS_COLUMN);
    assert_eq!(back.rows.len(), report.rejected.len());
    assert_eq!(
        back.rows[0].fields.last().unwrap(),
        "person-invalid-email; person-invalid-phone"
    );
    assert_eq!(back.rows[1].fields.len(), table.headers.len() + 1);
    assert_eq!(back.rows[1].fields.last().unwrap(), "import-empty-row");
    assert!(csv.contains("\r\n"));
}

#[test]
fn rejected_rows_are_guarded_against_formulas_and_import_back_as_they_were() {
    let text = "Prénom;Nom;Téléphone;Courriel\n=cmd|' /C calc'!A0;Dupont;+33 6 12 34 56 78;x@\n";
    let table = parse_table(text).unwrap();
    let mapping = suggest_mapping(&table.headers);
    let report = dry_run_table(&table, &mapping, today()).unwrap();
    assert_eq!(report.rejected.len(), 1);
    let csv = rejected_csv(&report, &table.headers, ';', "raison", reason_codes);
    assert!(
        csv.contains("\r\n'=cmd|' /C calc'!A0;Dupont;'+33 6 12 34 56 78;x@;"),
        "{csv}"
    );
    // Fixed by hand (the e-mail) and imported again: the guarded cells read as their values.
    let fixed = csv
        .replace(";x@;", ";x@example.fr;")
        .replace("'=cmd|' /C calc'!A0", "Jean");
    let (text, _) = decode(fixed.as_bytes()).unwrap();
    let back = parse_table(&text).unwrap();
    let report = dry_run_table(&back, &suggest_mapping(&back.headers), today()).unwrap();
    assert_eq!(report.rejected, []);
    assert_eq!(report.accepted[0].phones[0].as_str(), "+33612345678");
}

#[test]
fn every_import_code_is_listed() {
    let source = [include_str!("import.rs"), include_str!("vcard.rs")].concat();
    let mut used: Vec<&str> = source
        .split('"')
        .filter(|s| s.starts_with("import-") && !s.contains(' '))
        .collect();
    used.sort_unstable();
    used.dedup();
    let mut listed: Vec<&str> = IMPORT_CODES
        .iter()
        .copied()
        .filter(|c| c.starts_with("import-"))
        .collect();
    listed.sort_unstable();
    assert_eq!(used, listed);
}

// ---------------------------------------------------------------------------------------
// Properties

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("  ".to_owned()),
        "[a-zéœ ;,\"\n\r|-]{0,8}",
        Just("jean@example.fr".to_owned()),
        Just("06 12 34 56 78".to_owned()),
        Just("12/03/1990".to_owned()),
        Just("75011".to_owned()),
        Just("Hélène".to_owned()),
    ]
}

proptest! {
    #[test]
    fn every_row_ends_up_exactly_once(
        width in 2usize..6,
        rows in prop::collection::vec(prop::collection::vec(cell(), 6), 0..12),
        targets in prop::collection::vec(0usize..Target::ALL.len(), 6),
        delimiter in prop_oneof![Just(';'), Just(','), Just('\t')],
    ) {
        let headers: Vec<String> = (0..width).map(|i| format!("col{i}")).collect();
        let mut text = crate::csv::record(&headers, delimiter);
        let rows: Vec<Vec<String>> = rows.into_iter().map(|r| r[..width].to_vec()).collect();
        for r in &rows {
            text.push_str(&crate::csv::record(r, delimiter));
        }
        let table = parse_table_with(&text, delimiter).unwrap();
        let read: Vec<Vec<String>> = table.rows.iter().map(|r| r.fields.clone()).collect();
        // Rows are read back as written (formulas guarded, lone CRs inside quotes become
        // newlines).
        let written: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| crate::csv::guard_formula(c).replace("\r\n", "\n").replace('\r', "\n"))
                    .collect()
            })
            .collect();
        prop_assert_eq!(&read, &written);

        let mut columns: Vec<Option<Target>> =
            targets[..width].iter().map(|&i| Some(Target::ALL[i])).collect();
        columns[0] = Some(Target::GivenName);
        columns[1] = Some(Target::FamilyName);
        for i in 2..width {
            let t = columns[i].unwrap();
            if !t.repeatable() && columns[..i].contains(&Some(t)) {
                columns[i] = None;
            }
        }
        let mapping = Mapping { columns };
        let report = dry_run_table(&table, &mapping, today()).unwrap();
        let mut lines: Vec<usize> = report
            .accepted
            .iter()
            .map(|p| p.line)
            .chain(report.rejected.iter().map(|r| r.line))
            .collect();
        lines.sort_unstable();
        let expected: Vec<usize> = table.rows.iter().map(|r| r.line).collect();
        prop_assert_eq!(lines, expected);
        prop_assert_eq!(report.accepted.len() + report.rejected.len(), rows.len());
        for r in &report.rejected {
            prop_assert!(!r.reasons.is_empty());
            for (_, code) in &r.reasons {
                prop_assert!(IMPORT_CODES.contains(code), "{}", code);
            }
        }
        // The rejected file reads back with one row per rejected row.
        let rejected = rejected_csv(&report, &headers, delimiter, REASONS_COLUMN, reason_codes);
        let (back, _) = decode(rejected.as_bytes()).unwrap();
        prop_assert_eq!(parse_table_with(&back, delimiter).unwrap().rows.len(), report.rejected.len());
    }
}

// ---------------------------------------------------------------------------------------
// Reading a chunk at a time

/// A reader that gives one byte per `read`: every chunk boundary the streaming reader can
/// meet (inside a UTF-8 sequence, between CR and LF, between two quotes, inside a BOM).
struct OneByte<'a>(&'a [u8]);

impl std::io::Read for OneByte<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match (self.0.split_first(), buf.first_mut()) {
            (Some((&b, rest)), Some(slot)) => {
                *slot = b;
                self.0 = rest;
                Ok(1)
            }
            _ => Ok(0),
        }
    }
}

/// Reads `bytes` with [`scan`] through a one-byte reader, rows kept.
fn scan_by_bytes(bytes: &[u8]) -> Result<(Scan, Vec<Record>), ImportError> {
    // `OneByte` cannot rewind: scan a reader that starts over on `seek`.
    struct Rewind<'a> {
        all: &'a [u8],
        now: OneByte<'a>,
    }
    impl std::io::Read for Rewind<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.now.read(buf)
        }
    }
    impl std::io::Seek for Rewind<'_> {
        fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
            assert_eq!(to, std::io::SeekFrom::Start(0));
            self.now = OneByte(self.all);
            Ok(0)
        }
    }
    let mut rows = Vec::new();
    let reader = Rewind {
        all: bytes,
        now: OneByte(bytes),
    };
    match scan(reader, |r| rows.push(r)) {
        Ok(s) => Ok((s, rows)),
        Err(ReadError::Import(e)) => Err(e),
        Err(ReadError::Io(e)) => panic!("{e}"),
    }
}

fn utf16(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend(u.to_le_bytes());
    }
    bytes
}

#[test]
fn a_byte_at_a_time_reads_as_the_whole_file_does() {
    let files: Vec<Vec<u8>> = vec![
        "\u{feff}Prénom;Nom\r\nHélène;\"Le\r\nfèvre \"\"dite\"\" 😀\"\r\n\r\nZoé;Ÿ\r\n\r\n".into(),
        b"Pr\xE9nom,Nom\rC\x9Cur,\x80 \x92\r\"a\"\"b\",c".to_vec(),
        utf16("Prénom\tNom\r\nHélène\t😀\r\n"),
        "Nom;Prénom\n\n\n;\nDupont;Jean\n\n\n".into(),
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Dupont;Jean;;;\r\nFN:Jean Dupont\r\nEND:VCARD\r\n"
            .to_vec(),
        // Refused files: each must be refused with the same error.
        b"Nom;Pr\xE9nom\nab\x81\n".to_vec(),
        b"\xEF\xBB\xBFNom\nH\xE9l\xE8ne\n".to_vec(),
        b"Nom\n\0x".to_vec(),
        b"Nom;Note\nDupont\nMartin;\"pas fini\nsuite\n".to_vec(),
        b"Nom;Note\nDupont;1\nMartin\n".to_vec(),
        "Prénom;Nom\nH\u{e9}".as_bytes()[..13].to_vec(),
        utf16("Nom\n")[..7].to_vec(),
        b"  \r\n".to_vec(),
        b"Nom;Prenom\r\n".to_vec(),
        b"PK\x03\x04".to_vec(),
    ];
    for bytes in files {
        let whole = read(&bytes);
        let streamed = scan_by_bytes(&bytes);
        match (whole, streamed) {
            (Ok(w), Ok((s, rows))) => {
                assert_eq!(
                    (s.format, s.encoding, s.delimiter, &s.headers, s.rows),
                    (
                        w.format,
                        w.encoding,
                        w.table.delimiter,
                        &w.table.headers,
                        w.table.rows.len()
                    ),
                    "{bytes:?}"
                );
                assert_eq!(rows, w.table.rows, "{bytes:?}");
                assert_eq!(s.fixed_mapping, w.fixed_mapping);
            }
            (Err(w), Err(s)) => assert_eq!(w, s, "{bytes:?}"),
            (w, s) => panic!("{bytes:?}: whole {w:?}, streamed {s:?}"),
        }
    }
}

/// A CSV file of persons that never ends, and fails once `limit` bytes are read: reading it
/// whole before checking would fail, reading a row at a time does not.
struct Endless {
    served: usize,
    limit: usize,
    row: usize,
    pending: Vec<u8>,
}

impl std::io::Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.served >= self.limit {
            return Err(std::io::Error::other("read past the limit"));
        }
        if self.pending.is_empty() {
            self.pending = if self.row == 0 {
                "Prénom;Nom;Courriel\r\n".into()
            } else {
                format!("Zoé;Martin;zoe{}@example.fr\r\n", self.row).into()
            };
            self.row += 1;
        }
        let n = buf.len().min(self.pending.len());
        buf[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        self.served += n;
        Ok(n)
    }
}

#[test]
fn rows_are_checked_as_they_are_read_not_after_the_whole_file() {
    let file = Endless {
        served: 0,
        limit: 8 * 1024 * 1024,
        row: 0,
        pending: Vec::new(),
    };
    let rows = open(file, Encoding::Utf8).unwrap();
    let headers = rows.headers.clone();
    let mapping = suggest_mapping(&headers);
    let checked: Vec<_> = check(rows, headers, mapping, today())
        .unwrap()
        .take(20_000)
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(checked.len(), 20_000);
    let last = checked.last().unwrap().as_ref().unwrap();
    assert_eq!(
        (last.line, last.emails[0].as_str()),
        (20_001, "zoe20000@example.fr")
    );
}

#[test]
fn a_broken_row_in_the_middle_of_a_long_file_is_named_and_no_row_is_dropped() {
    // Windows-1252, longer than a chunk, read a byte at a time then as a whole.
    let mut text = "Prénom;Nom;Courriel;Téléphone\r\n".to_owned();
    for i in 1..=30_000 {
        if i == 17_000 {
            text.push_str("Hélène;Lefèvre;helene@;06 12 34 56 78\r\n");
        } else {
            text.push_str(&format!("Zoé;Cœur;z{i}@example.fr;\r\n"));
        }
    }
    let bytes: Vec<u8> = text
        .chars()
        .map(|c| match c {
            'œ' => 0x9C,
            c => u8::try_from(u32::from(c)).unwrap(),
        })
        .collect();
    assert!(bytes.len() > 10 * 64 * 1024);

    let (s, _) = scan_by_bytes(&bytes).unwrap();
    assert_eq!((s.encoding, s.rows), (Encoding::Windows1252, 30_000));
    let rows = open(OneByte(&bytes), s.encoding).unwrap();
    let mapping = suggest_mapping(&rows.headers);
    let t = tally(rows, mapping, today()).unwrap();
    assert_eq!(
        (t.accepted, t.rejected.len(), t.total()),
        (29_999, 1, 30_000)
    );
    let r = &t.rejected[0];
    assert_eq!(r.line, 17_001);
    assert_eq!(r.values, ["Hélène", "Lefèvre", "helene@", "06 12 34 56 78"]);
    assert_eq!(r.reasons, [("Courriel".to_owned(), "person-invalid-email")]);
    // The same as the whole-table dry run.
    let table = read(&bytes).unwrap().table;
    let report = dry_run_table(&table, &suggest_mapping(&table.headers), today()).unwrap();
    assert_eq!(report.accepted.len(), t.accepted);
    assert_eq!(report.rejected, t.rejected);
}

#[test]
fn encodings_round_trip_through_their_names() {
    for e in [
        Encoding::Utf8,
        Encoding::Utf8Bom,
        Encoding::Utf16Le,
        Encoding::Windows1252,
    ] {
        assert_eq!(Encoding::parse(e.as_str()), Some(e));
    }
    assert_eq!(Encoding::parse("latin1"), None);
}
