//! Importing persons (CSV and vCard) through the back office: upload, mapping, dry run,
//! job, progress, rejected rows. Bad files are refused with their line and change nothing;
//! no row is dropped; other tenants and viewers get nothing.

use crate::common::{TestApp, TestClient};
use axum::http::StatusCode;
use relais_store::{Actor, imports, jobs::JobState, people};
use uuid::Uuid;

/// A French spreadsheet's export: Windows-1252, `;`, a quoted field with a `;`, an invalid e-mail (row 4), an invalid phone (row 5), both (row 6), an empty row.
fn french_csv() -> Vec<u8> {
    let text = "Prénom;Nom;Courriel;Téléphone;Adresse;Code postal;Ville;Né le\r\n\
Hélène;Lefèvre;helene@example.fr;06 12 34 56 78;\"12 rue des Lilas; Bât. C\";75011;Paris;03/02/1980\r\n\
Jean;Dupont;jean@example.fr;612345679;;;;\r\n\
Zoé;Martin;zoe@;01 23 45 67 89;;;;\r\n\
Œdipe;Roi;oedipe@example.fr;12;;;;\r\n\
Luc;Faux;luc@;+33 9;;;;\r\n\
;;;;;;;\r\n\
Amélie;Poulain;amelie@example.fr;;;;;31/12/1999\r\n";
    text.chars()
        .map(|c| match c {
            'é' => 0xE9,
            'è' => 0xE8,
            'Œ' => 0x8C,
            'É' => 0xC9,
            'â' => 0xE2,
            'ç' => 0xE7,
            c if c.is_ascii() => c as u8,
            c => panic!("add {c} to the test encoder"),
        })
        .collect()
}

async fn agent(app: &TestApp, slug: &str) -> TestClient {
    let mut c = app.client(&format!("{slug}.test"));
    c.login_staff(&format!("agent@{slug}.test")).await;
    c
}

/// The id in a Location like /backoffice/people/import/{id}[/mapping][?…].
fn import_id(location: &str) -> Uuid {
    let rest = location
        .strip_prefix("/backoffice/people/import/")
        .unwrap_or_else(|| panic!("not an import page: {location}"));
    Uuid::parse_str(&rest[..36]).expect("import id")
}

/// The suggested mapping as the form posts it: the selected option of each select.
fn selected_mapping(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, part) in html.split("<select id=\"column-").enumerate().skip(1) {
        let select = &part[..part.find("</select>").unwrap()];
        let chosen = select
            .split("<option value=\"")
            .skip(1)
            .find(|o| o.contains("\" selected>"))
            .map(|o| o[..o.find('"').unwrap()].to_owned())
            .unwrap_or_default();
        out.push((format!("column-{}", i - 1), chosen));
    }
    out
}

async fn post_mapping(
    c: &mut TestClient,
    id: Uuid,
    mapping: &[(String, String)],
) -> crate::common::TestResponse {
    let pairs: Vec<(&str, &str)> = mapping
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    c.post_form(&format!("/backoffice/people/import/{id}/mapping"), &pairs)
        .await
}

/// Uploads the CSV and confirms the suggested mapping: the import is checked.
async fn checked_import(app: &TestApp, c: &mut TestClient, bytes: &[u8]) -> Uuid {
    let _ = app;
    let r = c
        .post_file("/backoffice/people/import", "file", "adherents.csv", bytes)
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let id = import_id(r.location().unwrap());
    let form = c
        .get(&format!("/backoffice/people/import/{id}/mapping"))
        .await;
    form.assert_status(StatusCode::OK);
    let r = post_mapping(c, id, &selected_mapping(&form.body)).await;
    r.assert_status(StatusCode::SEE_OTHER);
    id
}

#[tokio::test]
async fn the_whole_flow_from_upload_to_rejected_rows() {
    let app = TestApp::new().await;
    let mut c = agent(&app, "alpha").await;
    c.get("/backoffice/people")
        .await
        .assert_contains("href=\"/backoffice/people/import\"");

    // 1. Upload: read as Windows-1252 with `;`, kept in the file store.
    let r = c
        .post_file(
            "/backoffice/people/import",
            "file",
            "adhérents.csv",
            &french_csv(),
        )
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let id = import_id(r.location().unwrap());
    assert!(r.location().unwrap().ends_with("/mapping"));
    assert_eq!(
        app.count("persons").await,
        0,
        "nothing stored before the import"
    );

    // 2. Mapping screen, pre-filled from the headers, one labelled select per column.
    let form = c
        .get(&format!("/backoffice/people/import/{id}/mapping"))
        .await;
    form.assert_status(StatusCode::OK)
        .assert_contains("<label for=\"column-0\">Colonne A « Prénom »</label>")
        .assert_contains("Exemples : Hélène · Jean · Zoé")
        .assert_contains("Le fichier compte 7 lignes de données.");
    let mapping = selected_mapping(&form.body);
    let chosen: Vec<&str> = mapping.iter().map(|(_, v)| v.as_str()).collect();
    assert_eq!(
        chosen,
        [
            "given_name",
            "family_name",
            "email",
            "phone",
            "street",
            "postcode",
            "city",
            "birth_date"
        ]
    );

    // 3. Dry run: counts, and each rejected row with its row, column and reason.
    let r = post_mapping(&mut c, id, &mapping).await;
    r.assert_status(StatusCode::SEE_OTHER);
    let report = c.get(r.location().unwrap()).await;
    report
        .assert_status(StatusCode::OK)
        .assert_contains("Le fichier a été vérifié")
        .assert_contains("<dt>Lignes du fichier</dt><dd>7</dd>")
        .assert_contains("<dt>Lignes acceptées</dt><dd>3</dd>")
        .assert_contains("<dt>Lignes refusées</dt><dd>4</dd>")
        .assert_contains("Importer les 3 personnes acceptées");
    for (line, column, reason) in [
        (4, "Courriel", "adresse électronique"),
        (5, "Téléphone", "téléphone"),
        (6, "Courriel", "adresse électronique"),
        (6, "Téléphone", "téléphone"),
        (7, "", "Ligne vide"),
    ] {
        let row = format!(
            "<th scope=\"row\" data-label=\"Ligne\">{line}</th>\n      <td data-label=\"Colonne\">{column}</td>"
        );
        report.assert_contains(&row);
        let after = &report.body[report.body.find(&row).unwrap()..];
        let cell = &after[..after.find("</tr>").unwrap()];
        assert!(
            cell.to_lowercase().contains(&reason.to_lowercase()),
            "{line} {column}: {cell}"
        );
    }
    assert_eq!(app.count("persons").await, 0, "a dry run stores nobody");

    // The rejected rows can be downloaded already, with a reason column.
    let csv = c
        .get(&format!("/backoffice/people/import/{id}/rejected.csv"))
        .await;
    csv.assert_status(StatusCode::OK);
    assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
    assert!(
        csv.headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );

    // 4. Import: a job, a progress page that works without JavaScript.
    let r = c
        .post_form(&format!("/backoffice/people/import/{id}/start"), &[])
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let page = c.get(r.location().unwrap()).await;
    page.assert_status(StatusCode::OK)
        .assert_contains("L’import a démarré.")
        .assert_contains("<progress id=\"import-bar\" max=\"3\" value=\"0\">0 %</progress>")
        .assert_contains(&format!(
            "data-hx-get=\"/backoffice/people/import/{id}/progress\""
        ))
        .assert_contains(&format!(
            "<a href=\"/backoffice/people/import/{id}\">Actualiser"
        ));
    assert!(!page.body.contains("http-equiv=\"refresh\""));
    // Starting twice is refused.
    c.post_form(&format!("/backoffice/people/import/{id}/start"), &[])
        .await
        .assert_status(StatusCode::CONFLICT);

    assert_eq!(app.run_jobs().await, 1);

    // 5. Final counts; the polling fragment stops polling.
    let fragment = c
        .get(&format!("/backoffice/people/import/{id}/progress"))
        .await;
    fragment
        .assert_status(StatusCode::OK)
        .assert_contains("<progress id=\"import-bar\" max=\"3\" value=\"3\">100 %</progress>")
        .assert_contains("<dt>Personnes créées</dt><dd>3</dd>")
        .assert_contains("<dt>Lignes refusées</dt><dd>4</dd>");
    assert!(!fragment.body.contains("data-hx-get"));
    assert!(!fragment.body.contains("<html"), "a fragment, not a page");

    // No row dropped: accepted + rejected = total, and the persons are really there.
    let import = imports::get(&app.db, app.tenant("alpha"), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        import.accepted_rows.unwrap() + import.rejected_rows.unwrap(),
        import.total_rows.unwrap()
    );
    assert_eq!(import.total_rows, Some(7));
    assert_eq!(app.count("persons").await, 3);
    assert_eq!(
        imports::created_persons(&app.db, app.tenant("alpha"), id)
            .await
            .unwrap(),
        3
    );
    let found = people::search_persons(&app.db, app.tenant("alpha"), "helene", 10)
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].email.as_deref(), Some("helene@example.fr"));
    assert_eq!(found[0].phone.as_deref(), Some("+33612345678"));
    let record = people::person_record(&app.db, app.tenant("alpha"), found[0].id, None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.addresses[0].lines, "12 rue des Lilas; Bât. C");
    assert_eq!(record.person.birth_date.unwrap().to_string(), "1980-02-03");
    // Jean's phone lost its leading zero in the spreadsheet: read as 06…
    let jean = people::search_persons(&app.db, app.tenant("alpha"), "jean dupont", 10)
        .await
        .unwrap();
    assert_eq!(jean[0].phone.as_deref(), Some("+33612345679"));

    // 6. The rejected rows as CSV: the file's columns, guarded cells, a reason naming the
    // row and column in the reader's language; it reads back with one row per rejection.
    let csv = c
        .get(&format!("/backoffice/people/import/{id}/rejected.csv"))
        .await;
    let (text, _) = relais_domain::import::decode(csv.body.as_bytes()).unwrap();
    let table = relais_domain::import::parse_table(&text).unwrap();
    assert_eq!(table.headers.last().unwrap(), "Raison");
    assert_eq!(&table.headers[..3], ["Prénom", "Nom", "Courriel"]);
    assert_eq!(table.rows.len(), 4);
    assert_eq!(table.rows[0].fields[0], "Zoé");
    let reason = table.rows[0].fields.last().unwrap();
    assert!(reason.starts_with("ligne 4 — Courriel : "), "{reason}");
    assert!(
        table.rows[2]
            .fields
            .last()
            .unwrap()
            .contains("Téléphone : ")
    );
    // Luc's phone "+33 9" starts with + : guarded against formula injection.
    assert_eq!(table.rows[2].fields[3], "'+33 9");

    // The audit log has the import with its counts, and each batch.
    let audit = relais_store::audit::list(
        &app.db,
        app.tenant("alpha"),
        &relais_store::audit::Filter {
            action: Some("person.import".into()),
            ..Default::default()
        },
        10,
    )
    .await
    .unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].summary.0["counts"]["accepted"], 3);
    assert_eq!(audit[0].summary.0["counts"]["rejected"], 4);

    // The upload page lists it.
    c.get("/backoffice/people/import")
        .await
        .assert_contains("adhérents.csv")
        .assert_contains("Import terminé");
}

#[tokio::test]
async fn english_reasons_in_the_english_download() {
    let app = TestApp::new().await;
    let mut c = agent(&app, "alpha").await;
    c.get("/?lang=en").await;
    let id = checked_import(&app, &mut c, &french_csv()).await;
    let csv = c
        .get(&format!("/backoffice/people/import/{id}/rejected.csv"))
        .await;
    let (text, _) = relais_domain::import::decode(csv.body.as_bytes()).unwrap();
    let table = relais_domain::import::parse_table(&text).unwrap();
    assert_eq!(table.headers.last().unwrap(), "Reason");
    assert!(
        table.rows[0]
            .fields
            .last()
            .unwrap()
            .starts_with("row 4 — Courriel: ")
    );
}

#[tokio::test]
async fn bad_files_are_refused_with_their_line_and_nothing_is_kept() {
    let app = TestApp::new().await;
    let mut c = agent(&app, "alpha").await;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01".to_vec();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("vide.csv", Vec::new(), "Le fichier est vide."),
        ("blancs.csv", b"  \r\n\r\n".to_vec(), "Le fichier est vide."),
        ("photo.csv", png, "n’est pas du texte"),
        ("classeur.csv", b"PK\x03\x04\x14\0\0\0".to_vec(), "C’est un classeur"),
        (
            "casse.csv",
            b"Nom;Pr\xE9nom\nDupont;Jean\nMartin;Z\x81e\n".to_vec(),
            "Ce fichier n’est ni en UTF-8 ni en Windows-1252 (octet 32, ligne 3)",
        ),
        (
            "colonnes.csv",
            b"Nom;Prenom;Courriel\nDupont;Jean;j@example.fr\nMartin;Zoe\n".to_vec(),
            "Ligne 3 : 2 colonnes alors que la ligne d’en-têtes en a 3.",
        ),
        (
            "guillemet.csv",
            b"Nom;Prenom\nDupont;\"Jean\nMartin;Zoe\n".to_vec(),
            "Ligne 2 : un guillemet ouvert n’est jamais fermé.",
        ),
        ("entetes.csv", b"Nom;Prenom\r\n".to_vec(), "aucune ligne à importer"),
        (
            "contacts.vcf",
            b"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Jean Dupont\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:4.0\r\nN Martin;Zoe\r\nEND:VCARD\r\n".to_vec(),
            "Fiche 2, ligne 7 : une propriété doit avoir la forme NOM:valeur",
        ),
        (
            "ouverte.vcf",
            b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jean Dupont\r\n".to_vec(),
            "Fiche 1, ligne 1 : la fiche n’est jamais terminée par END:VCARD.",
        ),
    ];
    for (name, bytes, message) in cases {
        let r = c
            .post_file("/backoffice/people/import", "file", name, &bytes)
            .await;
        r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains(message)
            .assert_contains("aria-describedby=\"file-hint file-error\"")
            .assert_contains("id=\"file-error\"");
    }
    let r = c
        .post_file("/backoffice/people/import", "other", "x.csv", b"a;b\n1;2\n")
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Choisissez un fichier à importer.");
    assert_eq!(app.count("person_imports").await, 0);
    assert_eq!(app.count("persons").await, 0);
    assert!(
        !app.files_dir().exists() || std::fs::read_dir(app.files_dir()).unwrap().next().is_none(),
        "no file kept"
    );
}

#[tokio::test]
async fn a_file_over_the_limit_is_refused_in_the_visitors_language() {
    let config = relais_web::WebConfig {
        max_import_bytes: 2048,
        ..Default::default()
    };
    let app = TestApp::with_config(config).await;
    let mut c = agent(&app, "alpha").await;
    let mut big = b"Nom;Prenom\n".to_vec();
    while big.len() < 3000 {
        big.extend_from_slice(b"Dupont;Jean\n");
    }
    let r = c
        .post_file("/backoffice/people/import", "file", "gros.csv", &big)
        .await;
    assert!(
        r.status == StatusCode::PAYLOAD_TOO_LARGE,
        "{}: {}",
        r.status,
        &r.body[..r.body.len().min(500)]
    );
    r.assert_contains("Mo");
    assert_eq!(app.count("person_imports").await, 0);
}

#[tokio::test]
async fn a_mapping_without_a_required_field_is_refused_on_the_form() {
    let app = TestApp::new().await;
    let mut c = agent(&app, "alpha").await;
    let r = c
        .post_file("/backoffice/people/import", "file", "a.csv", &french_csv())
        .await;
    let id = import_id(r.location().unwrap());
    let form = c
        .get(&format!("/backoffice/people/import/{id}/mapping"))
        .await;
    let mut mapping = selected_mapping(&form.body);
    mapping[1].1 = String::new();
    let r = post_mapping(&mut c, id, &mapping).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains(
            "Aucune colonne n’est associée à « Nom de famille », qui est obligatoire.",
        );
    // Two columns for the birth date.
    mapping[1].1 = "family_name".into();
    mapping[6].1 = "birth_date".into();
    post_mapping(&mut c, id, &mapping)
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Plusieurs colonnes sont associées à « Date de naissance »");
    // An unknown target is a bad request, not a silent "ignore".
    mapping[6].1 = "shoe_size".into();
    post_mapping(&mut c, id, &mapping)
        .await
        .assert_status(StatusCode::BAD_REQUEST);
    let import = imports::get(&app.db, app.tenant("alpha"), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(import.state, "uploaded");
}

#[tokio::test]
async fn a_long_report_is_paged() {
    let app = TestApp::new().await;
    let mut c = agent(&app, "alpha").await;
    let mut csv = String::from("Prénom;Nom;Courriel\n");
    for i in 0..120 {
        csv.push_str(&format!("P{i};N{i};pas-un-courriel-{i}\n"));
    }
    let id = checked_import(&app, &mut c, csv.as_bytes()).await;
    let page1 = c.get(&format!("/backoffice/people/import/{id}")).await;
    page1
        .assert_contains("page 1 / 3")
        .assert_contains(&format!("/backoffice/people/import/{id}?page=2#rejected"))
        .assert_contains("Aucune ligne n’est acceptée");
    assert!(!page1.body.contains("data-label=\"Ligne\">52<"));
    assert!(!page1.body.contains("/start\""), "nothing to start");
    let page3 = c
        .get(&format!("/backoffice/people/import/{id}?page=3"))
        .await;
    page3.assert_contains("data-label=\"Ligne\">121<");
    c.post_form(&format!("/backoffice/people/import/{id}/start"), &[])
        .await
        .assert_status(StatusCode::CONFLICT);
}

/// Every file below `dir`, recursively.
fn files_below(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in entries {
        let path = e.unwrap().path();
        if path.is_dir() {
            out.extend(files_below(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[tokio::test]
async fn a_file_of_many_chunks_is_read_row_by_row_and_no_row_is_dropped() {
    // Windows-1252, far longer than the 64 KiB the reader decodes at a time, with one bad
    // e-mail in the middle (file line 7,001) and a quoted line break near the end.
    let app = TestApp::new().await;
    let mut c = agent(&app, "alpha").await;
    let mut text = String::from("Prénom;Nom;Courriel;Adresse;Code postal;Ville\r\n");
    for i in 1..=12_000 {
        match i {
            7_000 => text.push_str("Hélène;Lefèvre;helene@;;;\r\n"),
            11_999 => text
                .push_str("Zoé;Cœur;z11999@example.fr;\"1 rue Haute\r\nBât. B\";75011;Paris\r\n"),
            i => text.push_str(&format!("Zoé;Cœur;z{i}@example.fr;;;\r\n")),
        }
    }
    let bytes: Vec<u8> = text
        .chars()
        .map(|c| match c {
            'œ' => 0x9C,
            c => u8::try_from(u32::from(c)).unwrap(),
        })
        .collect();
    assert!(bytes.len() > 5 * 64 * 1024);

    let r = c
        .post_file("/backoffice/people/import", "file", "long.csv", &bytes)
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let id = import_id(r.location().unwrap());
    let form = c
        .get(&format!("/backoffice/people/import/{id}/mapping"))
        .await;
    form.assert_status(StatusCode::OK)
        .assert_contains("Exemples : Zoé · Zoé · Zoé")
        .assert_contains("Le fichier compte 12000 lignes de données.");
    post_mapping(&mut c, id, &selected_mapping(&form.body))
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let import = imports::get(&app.db, app.tenant("alpha"), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            import.encoding.as_str(),
            import.total_rows,
            import.accepted_rows,
            import.rejected_rows
        ),
        ("windows1252", Some(12_000), Some(11_999), Some(1))
    );
    let report = c.get(&format!("/backoffice/people/import/{id}")).await;
    report.assert_contains(
        "<th scope=\"row\" data-label=\"Ligne\">7001</th>\n      <td data-label=\"Colonne\">Courriel</td>",
    );
    let csv = c
        .get(&format!("/backoffice/people/import/{id}/rejected.csv"))
        .await;
    csv.assert_status(StatusCode::OK)
        .assert_contains("Hélène;Lefèvre;helene@;;;;ligne 7001 — Courriel : ");

    // Only the file and the rejected rows are kept: no temporary file is left behind.
    let kept = files_below(&app.files_dir());
    assert_eq!(kept.len(), 2, "{kept:?}");
    assert!(kept.iter().all(|p| !p.to_string_lossy().contains(".tmp-")));

    c.post_form(&format!("/backoffice/people/import/{id}/start"), &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    assert_eq!(app.run_jobs().await, 1);
    assert_eq!(app.count("persons").await, 11_999);
    let import = imports::get(&app.db, app.tenant("alpha"), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            import.total_rows,
            import.accepted_rows,
            import.rejected_rows
        ),
        (Some(12_000), Some(11_999), Some(1))
    );
    assert_eq!(app.count("person_addresses").await, 1);
}

#[tokio::test]
async fn a_vcard_file_goes_through_the_same_dry_run_and_job() {
    let app = TestApp::new().await;
    let mut c = agent(&app, "alpha").await;
    let vcf = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lefèvre;Hélène;;;\r\nFN:Hélène Lefèvre\r\nTEL;TYPE=CELL:06 12 34 56 78\r\nEMAIL:helene@example.fr\r\nADR;TYPE=HOME:;;12 rue des Lilas;Paris;;75011;France\r\nCATEGORIES:bénévole\r\nEND:VCARD\r\n\
BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Jean Dupont\r\nEMAIL:jean@\r\nEND:VCARD\r\n";
    let r = c
        .post_file(
            "/backoffice/people/import",
            "file",
            "contacts.vcf",
            vcf.as_bytes(),
        )
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let id = import_id(r.location().unwrap());
    // No mapping screen: the report straight away.
    let report = c.get(r.location().unwrap()).await;
    report
        .assert_contains("<dt>Lignes acceptées</dt><dd>1</dd>")
        .assert_contains("<dt>Lignes refusées</dt><dd>1</dd>")
        .assert_contains("<th scope=\"row\" data-label=\"Ligne\">10</th>\n      <td data-label=\"Colonne\">EMAIL</td>");
    assert!(!report.body.contains("/mapping\""));
    c.post_form(&format!("/backoffice/people/import/{id}/start"), &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    app.run_jobs().await;
    let found = people::search_persons(&app.db, app.tenant("alpha"), "lefevre", 10)
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    let record = people::person_record(&app.db, app.tenant("alpha"), found[0].id, None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.phones[0].e164, "+33612345678");
    assert_eq!(record.addresses[0].country, "FR");
    assert_eq!(record.tags, ["benevole"]);
    let csv = c
        .get(&format!("/backoffice/people/import/{id}/rejected.csv"))
        .await;
    csv.assert_status(StatusCode::OK).assert_contains("jean@");
}

#[tokio::test]
async fn a_resumed_import_does_not_store_a_batch_twice() {
    let app = TestApp::new().await;
    let mut c = agent(&app, "alpha").await;
    let id = checked_import(&app, &mut c, &french_csv()).await;
    c.post_form(&format!("/backoffice/people/import/{id}/start"), &[])
        .await;
    let import = imports::get(&app.db, app.tenant("alpha"), id)
        .await
        .unwrap()
        .unwrap();
    // A first runner stores the first two accepted rows, then its process dies.
    let job = relais_store::jobs::claim(
        &app.db,
        "dead",
        &[imports::JOB_KIND],
        chrono::Duration::zero(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(Some(job.id), import.job_id);
    let lease = relais_store::jobs::Lease {
        tenant_id: app.tenant("alpha"),
        job_id: job.id,
        worker: "dead".into(),
    };
    let source = relais_domain::import::read(&french_csv()).unwrap();
    let report = relais_domain::import::dry_run_table(
        &source.table,
        &import.mapping.as_ref().unwrap().0,
        chrono::Utc::now().date_naive(),
    )
    .unwrap();
    let actor = Actor::system(app.tenant("alpha"), "dead runner");
    imports::insert_batch(
        &app.db,
        &lease,
        &actor,
        id,
        &imports::PersonBatch::new(report.accepted[..2].to_vec()),
        2,
    )
    .await
    .unwrap();
    assert_eq!(app.count("persons").await, 2);
    // Another runner takes the job over and stores only the rest.
    assert_eq!(app.run_jobs().await, 1);
    assert_eq!(app.count("persons").await, 3);
    let job = relais_store::jobs::get(&app.db, app.tenant("alpha"), job.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((job.state, job.attempts), (JobState::Done, 2));
    // The dead runner's next batch is refused and stores nothing.
    let e = imports::insert_batch(
        &app.db,
        &lease,
        &actor,
        id,
        &imports::PersonBatch::new(report.accepted[2..].to_vec()),
        3,
    )
    .await
    .unwrap_err();
    assert!(matches!(
        e,
        relais_store::StoreError::Rule(relais_store::jobs::LEASE_LOST)
    ));
    assert_eq!(app.count("persons").await, 3);
}

#[tokio::test]
async fn another_tenant_sees_nothing_of_an_import() {
    let app = TestApp::new().await;
    let mut alpha = agent(&app, "alpha").await;
    let id = checked_import(&app, &mut alpha, &french_csv()).await;
    let mut beta = agent(&app, "beta").await;
    for path in [
        format!("/backoffice/people/import/{id}"),
        format!("/backoffice/people/import/{id}/mapping"),
        format!("/backoffice/people/import/{id}/progress"),
        format!("/backoffice/people/import/{id}/rejected.csv"),
    ] {
        beta.get(&path).await.assert_status(StatusCode::NOT_FOUND);
    }
    beta.post_form(&format!("/backoffice/people/import/{id}/start"), &[])
        .await
        .assert_status(StatusCode::NOT_FOUND);
    beta.post_form(
        &format!("/backoffice/people/import/{id}/mapping"),
        &[("column-0", "given_name")],
    )
    .await
    .assert_status(StatusCode::NOT_FOUND);
    let list = beta.get("/backoffice/people/import").await;
    assert!(!list.body.contains(&id.to_string()));
    // The started job and its rejected rows stay alpha's.
    alpha
        .post_form(&format!("/backoffice/people/import/{id}/start"), &[])
        .await;
    app.run_jobs().await;
    beta.get(&format!("/backoffice/people/import/{id}/rejected.csv"))
        .await
        .assert_status(StatusCode::NOT_FOUND);
    let import = imports::get(&app.db, app.tenant("alpha"), id)
        .await
        .unwrap()
        .unwrap();
    assert!(
        relais_store::jobs::get(&app.db, app.tenant("beta"), import.job_id.unwrap())
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        imports::get(&app.db, app.tenant("beta"), id)
            .await
            .unwrap()
            .is_none()
    );
    let beta_persons = people::list_persons(&app.db, app.tenant("beta"), None, 10, true)
        .await
        .unwrap();
    assert!(beta_persons.is_empty());
}

#[tokio::test]
async fn a_viewer_cannot_import() {
    let app = TestApp::new().await;
    let mut agent_c = agent(&app, "alpha").await;
    let id = checked_import(&app, &mut agent_c, &french_csv()).await;
    let mut viewer = app.client("alpha.test");
    viewer.login_staff("viewer@alpha.test").await;
    viewer
        .get("/backoffice/people/import")
        .await
        .assert_status(StatusCode::FORBIDDEN);
    viewer
        .post_file("/backoffice/people/import", "file", "a.csv", &french_csv())
        .await
        .assert_status(StatusCode::FORBIDDEN);
    viewer
        .post_form(&format!("/backoffice/people/import/{id}/start"), &[])
        .await
        .assert_status(StatusCode::FORBIDDEN);
    viewer
        .get(&format!("/backoffice/people/import/{id}/rejected.csv"))
        .await
        .assert_status(StatusCode::FORBIDDEN);
    assert!(
        !viewer
            .get("/backoffice/people")
            .await
            .body
            .contains("/backoffice/people/import")
    );
    assert_eq!(app.count("person_imports").await, 1);
    let import = imports::get(&app.db, app.tenant("alpha"), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(import.state, "checked");
}

#[tokio::test]
async fn the_htmx_script_is_served_pinned() {
    let app = TestApp::new().await;
    let mut c = app.client("alpha.test");
    let r = c.get(relais_web::pages::HTMX_PATH).await;
    r.assert_status(StatusCode::OK);
    assert!(
        r.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(r.body.contains("htmx"));
}

/// A letters-only name unique to `i` ("Durbaa", "Durbab", …): names of digits are not
/// names, and typo tolerance only applies to letters.
fn bulk_name(i: usize) -> String {
    let mut s = String::from("Dur");
    let mut n = i;
    for _ in 0..4 {
        s.push((b'a' + (n % 26) as u8) as char);
        n /= 26;
    }
    s
}

#[tokio::test]
async fn every_imported_person_is_found_by_name_and_email_once_the_job_is_done() {
    let app = TestApp::new().await;
    let mut c = agent(&app, "alpha").await;
    const ROWS: usize = 1_500;
    let mut text = String::from("Prénom;Nom;Courriel;Téléphone\r\n");
    for i in 0..ROWS {
        text.push_str(&format!(
            "Camille;{};p{i}@exemple.fr;06 {:02} {:02} {:02} {:02}\r\n",
            bulk_name(i),
            10 + i / 1_000_000,
            (i / 10_000) % 100,
            (i / 100) % 100,
            i % 100
        ));
    }
    let id = checked_import(&app, &mut c, text.as_bytes()).await;
    let import = imports::get(&app.db, app.tenant("alpha"), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(import.accepted_rows, Some(ROWS as i64), "{import:?}");
    c.post_form(&format!("/backoffice/people/import/{id}/start"), &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    assert_eq!(app.run_jobs().await, 1);
    assert_eq!(app.count("persons").await, ROWS as i64);
    let tenant = app.tenant("alpha");
    for i in (0..ROWS).step_by(97).chain([ROWS - 1]) {
        let name = bulk_name(i);
        let email = format!("p{i}@exemple.fr");
        let by_name = people::search_persons(&app.db, tenant, &format!("camille {name}"), 1)
            .await
            .unwrap();
        assert_eq!(by_name.len(), 1, "{name}");
        assert_eq!(by_name[0].email.as_deref(), Some(email.as_str()));
        let by_email = people::search_persons(&app.db, tenant, &email, 1)
            .await
            .unwrap();
        assert_eq!(by_email.len(), 1, "{email}");
        assert_eq!(by_email[0].id, by_name[0].id);
        // One typo (a letter left out) still finds the person.
        let typo = name.replacen('u', "", 1);
        let fuzzy = people::search_persons(&app.db, tenant, &typo, 50)
            .await
            .unwrap();
        assert!(fuzzy.iter().any(|p| p.id == by_name[0].id), "{typo}");
    }
}

#[tokio::test]
async fn a_file_that_breaks_after_its_dry_run_fails_the_job_with_its_line_and_keeps_the_stored_batch()
 {
    // The job reads the file again on a thread of its own; an error there, past the first
    // batch, must reach the job (not hang it, not finish the import) with the line.
    let app = TestApp::new().await;
    let mut c = agent(&app, "alpha").await;
    let mut text = String::from("Prénom;Nom;Courriel\n");
    for i in 1..=16_000 {
        text.push_str(&format!("Zoé;Cœur;z{i}@example.fr\n"));
    }
    let id = checked_import(&app, &mut c, text.as_bytes()).await;
    let import = imports::get(&app.db, app.tenant("alpha"), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(import.accepted_rows, Some(16_000));
    // The stored file changes under the job: a byte no UTF-8 text holds, on line 15,901
    // (the fourth batch). The reader decodes 64 KiB ahead of the rows it hands over, so
    // the error comes while it reads the fourth batch, after it handed over the second.
    let path = app
        .files_dir()
        .join(&import.file_hash[..2])
        .join(&import.file_hash);
    let mut bytes = std::fs::read(&path).unwrap();
    let at = text.find("z15900@").unwrap();
    bytes[at] = 0xFF;
    std::fs::write(&path, &bytes).unwrap();
    c.post_form(&format!("/backoffice/people/import/{id}/start"), &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    app.run_jobs().await;

    let job_id = imports::get(&app.db, app.tenant("alpha"), id)
        .await
        .unwrap()
        .unwrap()
        .job_id
        .unwrap();
    let job = relais_store::jobs::get(&app.db, app.tenant("alpha"), job_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.state, JobState::Failed);
    let error = job.error.unwrap_or_default();
    assert!(error.contains("line 15901"), "{error}");
    // The batches handed over before the error were stored whole, and counted; the one
    // being read was not.
    assert_eq!(app.count("persons").await, 10_000);
    assert_eq!(job.progress_done, 10_000);
    // The agent is told, on the import's page, that it failed and that what was stored stays.
    c.get(&format!("/backoffice/people/import/{id}"))
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("L’import a échoué. Les personnes déjà enregistrées le restent");
}
