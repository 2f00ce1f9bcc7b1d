//! The back office's working lists, as an agent opens them: "mine", "unassigned" and "SLA
//! at risk", first page newest first with the count of every view — the page and the JSON
//! API, beside the store running the same list and counts. Each answer is checked against
//! the store's: the same cases in the same order.

use super::{Bench, measure_http, report_ratio, report_raw, time_store, wrong};
use crate::Result;
use crate::client::Call;
use relais_store::case_views::{self, Filter, Sort, View};

const NAME: &str = "lists";
const TARGET: Option<&str> = Some("p95 ≤ 50 ms");
/// The page's size (`backoffice::list::PAGE`).
const PAGE: i64 = 50;

pub async fn run(bench: &mut Bench) -> Result<()> {
    super::cases::ensure(bench).await?;
    let tenant_id = bench.fixture.tenant_id;
    let admin = bench.fixture.admin_id;
    for view in [View::Mine, View::Unassigned, View::AtRisk] {
        let name = view.as_str();
        let expected = case_views::list(
            &bench.db,
            tenant_id,
            admin,
            view,
            &Filter::default(),
            Sort::Newest,
            None,
            PAGE,
        )
        .await?;
        if expected.is_empty() {
            return Err(wrong(
                NAME,
                format!("view {name} is empty: nothing to measure"),
            ));
        }
        let counts = case_views::counts(&bench.db, tenant_id, admin).await?;
        let count = counts
            .iter()
            .find(|(v, _)| *v == view)
            .map_or(0, |(_, n)| *n);
        if count < expected.len() as i64 {
            return Err(wrong(
                NAME,
                format!("view {name}: count {count} below its first page"),
            ));
        }
        let ids: Vec<String> = expected.iter().map(|r| r.id.to_string()).collect();
        let first_ref = expected[0].reference.clone();
        let last_ref = expected[expected.len() - 1].reference.clone();

        let session = bench.session_headers();
        let path = format!("/backoffice/cases?view={name}");
        let page = measure_http(
            bench,
            NAME,
            format!(
                "GET /backoffice/cases?view={name} (page of {PAGE} with view counts), concurrency 1"
            ),
            1,
            bench.scale.requests,
            TARGET,
            move |_| Call {
                headers: session.clone(),
                ..Call::get(&path)
            },
            move |_, r| {
                let text = r.text();
                if r.status == 200 && text.contains(&first_ref) && text.contains(&last_ref) {
                    Ok(())
                } else {
                    Err(format!(
                        "status {}, {first_ref} … {last_ref} not listed",
                        r.status
                    ))
                }
            },
        )
        .await?;

        let auth = bench.api_headers();
        let path = format!("/api/v1/cases?view={name}&limit={PAGE}");
        measure_http(
            bench,
            NAME,
            format!("GET /api/v1/cases?view={name}&limit={PAGE}, concurrency 1"),
            1,
            bench.scale.requests,
            TARGET,
            move |_| Call {
                headers: auth.clone(),
                ..Call::get(&path)
            },
            move |_, r| {
                let v: serde_json::Value =
                    serde_json::from_slice(&r.body).map_err(|e| format!("not JSON: {e}"))?;
                let got: Vec<String> = v["items"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .map(|i| i["id"].as_str().unwrap_or_default().to_owned())
                            .collect()
                    })
                    .unwrap_or_default();
                if r.status == 200 && got == ids {
                    Ok(())
                } else {
                    Err(format!(
                        "status {}, {} cases, not the store's {}",
                        r.status,
                        got.len(),
                        ids.len()
                    ))
                }
            },
        )
        .await?;

        let db = bench.db.clone();
        let timings = time_store(bench.scale.requests, |_| {
            let db = db.clone();
            async move {
                let rows = case_views::list(
                    &db,
                    tenant_id,
                    admin,
                    view,
                    &Filter::default(),
                    Sort::Newest,
                    None,
                    PAGE + 1,
                )
                .await?;
                case_views::counts(&db, tenant_id, admin).await?;
                if rows.is_empty() {
                    return Err(wrong(NAME, "empty list"));
                }
                Ok(())
            }
        })
        .await?;
        let raw = report_raw(
            bench,
            NAME,
            format!("raw: case_views::list + counts, view {name}"),
            timings,
        )?;
        report_ratio(
            bench,
            NAME,
            format!("view {name}: page / raw (p50)"),
            page,
            raw,
        );
    }
    Ok(())
}
