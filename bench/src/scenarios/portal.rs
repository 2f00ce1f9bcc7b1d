//! Portal pages as the public sees them: the home page with the catalogue.

use super::{Bench, wrong};
use crate::client::{Call, load};
use crate::report::{Measurement, Value};
use crate::{Result, stats};

const NAME: &str = "portal";

pub async fn run(bench: &mut Bench) -> Result<()> {
    let first = bench.call(&Call::get("/")).await?;
    if first.status != 200 || !first.text().contains("Bench") {
        return Err(wrong(NAME, format!("home page answered {}", first.status)));
    }
    let (timings, _) = load(
        bench.server.addr,
        1,
        bench.scale.requests,
        |_| Call::get("/"),
        crate::client::ok_status,
    )
    .await?;
    let latency = stats::latency(timings).ok_or_else(|| wrong(NAME, "no request ran"))?;
    bench.report.add(Measurement {
        scenario: NAME,
        what: "GET / (home page and catalogue), concurrency 1".into(),
        value: Value::Latency(latency),
        target: Some("p95 ≤ 50 ms"),
    });
    Ok(())
}
