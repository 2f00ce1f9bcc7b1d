//! Latency statistics: nearest-rank percentiles over every timed request.

use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Latency {
    pub count: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

/// The smallest sample such that at least `p`% of the samples are at or below it.
fn nearest_rank(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// `None` for no samples: a percentile of nothing is not zero.
pub fn latency(mut samples: Vec<Duration>) -> Option<Latency> {
    if samples.is_empty() {
        return None;
    }
    samples.sort_unstable();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    Some(Latency {
        count: samples.len(),
        p50_ms: ms(nearest_rank(&samples, 50.0)),
        p95_ms: ms(nearest_rank(&samples, 95.0)),
        p99_ms: ms(nearest_rank(&samples, 99.0)),
        max_ms: ms(*samples.last().unwrap_or(&Duration::ZERO)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(v: &[u64]) -> Vec<Duration> {
        v.iter().map(|&m| Duration::from_millis(m)).collect()
    }

    #[test]
    fn percentiles_use_nearest_rank() {
        let l = latency(ms(&(1..=100).rev().collect::<Vec<_>>())).unwrap();
        assert_eq!(
            (l.p50_ms, l.p95_ms, l.p99_ms, l.max_ms),
            (50.0, 95.0, 99.0, 100.0)
        );
        assert_eq!(l.count, 100);
    }

    #[test]
    fn one_sample_is_every_percentile_and_none_is_none() {
        let l = latency(ms(&[7])).unwrap();
        assert_eq!((l.p50_ms, l.p99_ms), (7.0, 7.0));
        assert!(latency(Vec::new()).is_none());
    }
}
