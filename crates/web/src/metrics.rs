//! Request counts and latency histograms per route, rendered in the Prometheus text format.

use std::{collections::BTreeMap, fmt::Write, sync::Mutex};

const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<(String, String), Histogram>>,
}

impl Metrics {
    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        if let Ok(mut r) = self.requests.lock() {
            *r.entry((method.to_owned(), route.to_owned(), status))
                .or_default() += 1;
        }
        if let Ok(mut l) = self.latency.lock() {
            let h = l.entry((method.to_owned(), route.to_owned())).or_default();
            for (i, bound) in BUCKETS.iter().enumerate() {
                if seconds <= *bound {
                    h.counts[i] += 1;
                }
            }
            h.count += 1;
            h.sum += seconds;
        }
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let esc = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
        out.push_str("# HELP relais_http_requests_total HTTP requests by route and status.\n");
        out.push_str("# TYPE relais_http_requests_total counter\n");
        if let Ok(r) = self.requests.lock() {
            for ((method, route, status), n) in r.iter() {
                let _ = writeln!(
                    out,
                    "relais_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {n}",
                    esc(method),
                    esc(route)
                );
            }
        }
        out.push_str("# HELP relais_http_request_duration_seconds Time to answer, by route.\n");
        out.push_str("# TYPE relais_http_request_duration_seconds histogram\n");
        if let Ok(l) = self.latency.lock() {
            for ((method, route), h) in l.iter() {
                let labels = format!("method=\"{}\",route=\"{}\"", esc(method), esc(route));
                for (i, bound) in BUCKETS.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "relais_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {}",
                        h.counts[i]
                    );
                }
                let _ = writeln!(
                    out,
                    "relais_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                    h.count
                );
                let _ = writeln!(
                    out,
                    "relais_http_request_duration_seconds_sum{{{labels}}} {}",
                    h.sum
                );
                let _ = writeln!(
                    out,
                    "relais_http_request_duration_seconds_count{{{labels}}} {}",
                    h.count
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_is_cumulative() {
        let m = Metrics::default();
        m.observe("GET", "/a", 200, 0.003);
        m.observe("GET", "/a", 200, 0.2);
        m.observe("GET", "/a", 500, 20.0);
        let text = m.render();
        assert!(
            text.contains(r#"relais_http_requests_total{method="GET",route="/a",status="200"} 2"#)
        );
        assert!(text.contains(
            r#"relais_http_request_duration_seconds_bucket{method="GET",route="/a",le="0.005"} 1"#
        ));
        assert!(text.contains(
            r#"relais_http_request_duration_seconds_bucket{method="GET",route="/a",le="0.25"} 2"#
        ));
        assert!(text.contains(
            r#"relais_http_request_duration_seconds_bucket{method="GET",route="/a",le="+Inf"} 3"#
        ));
        assert!(
            text.contains(
                r#"relais_http_request_duration_seconds_count{method="GET",route="/a"} 3"#
            )
        );
    }
}
