//! Full-text search as the back office uses it: persons by name (two words) and by e-mail
//! through `GET /api/v1/search`, the `/backoffice/search` page, and cases by reference
//! through the case list's `q` filter — each beside the store running the same search.
//! Every answer is checked: the person looked for is found.

use super::{Bench, encode, measure_http, report_ratio, report_raw, time_store, wrong};
use crate::Result;
use crate::client::{Call, Response};
use crate::persons_gen::person;
use relais_domain::search::Query;
use relais_store::case_views::{self, Filter, Sort, View};
use relais_store::search::{self as store_search, Scope};
use std::sync::Arc;

const NAME: &str = "search";
const TARGET: Option<&str> = Some("p95 ≤ 50 ms");

/// The person number the `i`-th request looks for: spread over the whole set.
fn target(i: u64, persons: u64) -> u64 {
    (i.wrapping_mul(7_919).wrapping_add(13)) % persons
}

fn json(r: &Response) -> std::result::Result<serde_json::Value, String> {
    if r.status != 200 {
        return Err(format!(
            "status {}: {}",
            r.status,
            r.text().chars().take(300).collect::<String>()
        ));
    }
    serde_json::from_slice(&r.body).map_err(|e| format!("not JSON: {e}"))
}

pub async fn run(bench: &mut Bench) -> Result<()> {
    super::cases::ensure(bench).await?;
    let seed = bench.scale.seed;
    let count = bench.persons.len() as u64;
    let n = bench.scale.requests;
    let ids = Arc::new(bench.persons.clone());
    let auth = bench.api_headers();
    let session = bench.session_headers();

    // Persons by name, through the API.
    let (a, i2) = (auth.clone(), ids.clone());
    let by_name = measure_http(
        bench,
        NAME,
        "GET /api/v1/search?q=<given family>&type=person, concurrency 1".into(),
        1,
        n,
        TARGET,
        move |i| {
            let p = person(seed, target(i, count));
            let mut call = Call::get(format!(
                "/api/v1/search?type=person&q={}",
                encode(&format!("{} {}", p.given_name, p.family_name))
            ));
            call.headers = a.clone();
            call
        },
        move |i, r| {
            let n = target(i, count);
            let p = person(seed, n);
            let v = json(r)?;
            let items = v["items"].as_array().cloned().unwrap_or_default();
            let title = format!("{} {}", p.given_name, p.family_name);
            let found_id = items
                .iter()
                .any(|it| it["id"] == i2[n as usize].to_string());
            let found_name = items.iter().any(|it| it["title"] == title.as_str());
            let truncated = v["truncated"].as_bool().unwrap_or(false);
            if found_name && (found_id || truncated || items.len() >= 50) {
                Ok(())
            } else {
                Err(format!(
                    "{title} (person {n}) not found: {} results",
                    items.len()
                ))
            }
        },
    )
    .await?;

    // The same searches, straight from the store.
    let tenant_id = bench.fixture.tenant_id;
    let db = bench.db.clone();
    let timings = time_store(n, |i| {
        let db = db.clone();
        async move {
            let p = person(seed, target(i, count));
            let q = Query::parse(&format!("{} {}", p.given_name, p.family_name))
                .map_err(|e| wrong(NAME, format!("query: {e:?}")))?;
            let r = store_search::search(&db, tenant_id, &q, Scope::Persons, 50).await?;
            if r.hits.is_empty() {
                return Err(wrong(NAME, "the store found nobody"));
            }
            Ok(())
        }
    })
    .await?;
    let raw = report_raw(
        bench,
        NAME,
        "raw: relais_store::search::search, same names, persons".into(),
        timings,
    )?;
    report_ratio(
        bench,
        NAME,
        "name search: API / raw (p50)".into(),
        by_name,
        raw,
    );

    // Persons by e-mail: exactly the one looked for, first.
    let (a, i2) = (auth.clone(), ids.clone());
    measure_http(
        bench,
        NAME,
        "GET /api/v1/search?q=<e-mail>, concurrency 1".into(),
        1,
        n,
        TARGET,
        move |i| {
            let p = person(seed, target(i, count));
            let mut call = Call::get(format!("/api/v1/search?q={}", encode(&p.email)));
            call.headers = a.clone();
            call
        },
        move |i, r| {
            let n = target(i, count);
            let v = json(r)?;
            if v["items"][0]["id"] == i2[n as usize].to_string() {
                Ok(())
            } else {
                Err(format!("person {n} is not the first result"))
            }
        },
    )
    .await?;

    // The page, persons and organisations together.
    let s = session.clone();
    measure_http(
        bench,
        NAME,
        "GET /backoffice/search?q=<given family> (page), concurrency 1".into(),
        1,
        n,
        TARGET,
        move |i| {
            let p = person(seed, target(i, count));
            let mut call = Call::get(format!(
                "/backoffice/search?q={}",
                encode(&format!("{} {}", p.given_name, p.family_name))
            ));
            call.headers = s.clone();
            call
        },
        move |i, r| {
            let p = person(seed, target(i, count));
            let text = r.text();
            if r.status == 200 && text.contains("<mark>") && text.contains(&p.family_name) {
                Ok(())
            } else {
                Err(format!("status {}, {} not marked", r.status, p.family_name))
            }
        },
    )
    .await?;

    // Cases by reference, through the case list's filter (API), and the same in the store.
    let recent = case_views::list(
        &bench.db,
        tenant_id,
        bench.fixture.admin_id,
        View::All,
        &Filter::default(),
        Sort::Newest,
        None,
        case_views::MAX_PAGE,
    )
    .await?;
    let references: Arc<Vec<String>> = Arc::new(recent.into_iter().map(|r| r.reference).collect());
    if references.is_empty() {
        return Err(wrong(NAME, "no case to look for"));
    }
    let (a, refs) = (auth.clone(), references.clone());
    let refs2 = references.clone();
    let by_reference = measure_http(
        bench,
        NAME,
        "GET /api/v1/cases?view=all&q=<reference>, concurrency 1".into(),
        1,
        n,
        TARGET,
        move |i| {
            let reference = &refs[i as usize % refs.len()];
            let mut call = Call::get(format!("/api/v1/cases?view=all&q={}", encode(reference)));
            call.headers = a.clone();
            call
        },
        move |i, r| {
            let reference = &refs2[i as usize % refs2.len()];
            let v = json(r)?;
            let items = v["items"].as_array().cloned().unwrap_or_default();
            if items.len() == 1 && items[0]["reference"] == reference.as_str() {
                Ok(())
            } else {
                Err(format!("{reference}: {} results", items.len()))
            }
        },
    )
    .await?;
    let admin = bench.fixture.admin_id;
    let timings = time_store(n, |i| {
        let (db, refs) = (db.clone(), references.clone());
        async move {
            let filter = Filter {
                reference: Some(refs[i as usize % refs.len()].clone()),
                ..Filter::default()
            };
            let rows = case_views::list(
                &db,
                tenant_id,
                admin,
                View::All,
                &filter,
                Sort::Newest,
                None,
                51,
            )
            .await?;
            if rows.len() != 1 {
                return Err(wrong(
                    NAME,
                    format!("{} cases for one reference", rows.len()),
                ));
            }
            Ok(())
        }
    })
    .await?;
    let raw = report_raw(
        bench,
        NAME,
        "raw: case_views::list, reference filter".into(),
        timings,
    )?;
    report_ratio(
        bench,
        NAME,
        "case by reference: API / raw (p50)".into(),
        by_reference,
        raw,
    );
    Ok(())
}
