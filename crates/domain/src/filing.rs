//! Rules of the public portal that need no I/O: what a file really is (from its first bytes,
//! never from its name or the browser's claim), whether a field accepts it, how its name is
//! kept, and the processing times shown to the public (median and 90th percentile of real
//! cases, never a promise).

use std::time::Duration;

/// Types the portal recognises from the content, with the first bytes that identify them.
/// Anything else is refused: a renamed program stays a program.
pub const KNOWN_TYPES: [&str; 7] = [
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/heic",
    "image/tiff",
];

/// What the bytes are, read from their signature; `None` for an empty file or a type the
/// portal does not take.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    let starts = |sig: &[u8]| bytes.starts_with(sig);
    if starts(b"%PDF-") {
        Some("application/pdf")
    } else if starts(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if starts(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() >= 12 && starts(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else if bytes.len() >= 12
        && &bytes[4..8] == b"ftyp"
        && matches!(&bytes[8..12], b"heic" | b"heix" | b"mif1" | b"heif")
    {
        Some("image/heic")
    } else if starts(b"II*\0") || starts(b"MM\0*") {
        Some("image/tiff")
    } else {
        None
    }
}

/// Whether `media_type` matches one of `accept` (`type/subtype` or `type/*`).
pub fn accepts(accept: &[String], media_type: &str) -> bool {
    accept.iter().any(|a| {
        a == media_type
            || a.strip_suffix("/*")
                .is_some_and(|family| media_type.split_once('/').is_some_and(|(f, _)| f == family))
    })
}

/// The `accept` attribute of a file input: the accepted types plus the usual extensions, so
/// the browser's file picker offers the right files (the server checks again).
pub fn accept_attribute(accept: &[String]) -> String {
    let mut out: Vec<String> = Vec::new();
    for a in accept {
        out.push(a.clone());
        let extensions: &[&str] = match a.as_str() {
            "application/pdf" => &[".pdf"],
            "image/jpeg" => &[".jpg", ".jpeg"],
            "image/png" => &[".png"],
            "image/heic" => &[".heic"],
            _ => &[],
        };
        out.extend(extensions.iter().map(|e| (*e).to_owned()));
    }
    out.join(",")
}

/// A file name as kept with the document: the last path segment, without control
/// characters or quotes, at most 120 characters; `document` when nothing is left.
pub fn clean_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | '|'))
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.');
    let mut out: String = trimmed.chars().take(120).collect();
    if out.trim().is_empty() {
        out = "document".to_owned();
    }
    out
}

/// Why an uploaded file is refused, as a message id.
pub fn check_upload(
    bytes: &[u8],
    accept: &[String],
    max_size_bytes: u64,
) -> Result<&'static str, &'static str> {
    if bytes.is_empty() {
        return Err("upload-empty");
    }
    if bytes.len() as u64 > max_size_bytes {
        return Err("upload-too-large");
    }
    let media_type = sniff(bytes).ok_or("upload-type-refused")?;
    if !accepts(accept, media_type) {
        return Err("upload-type-refused");
    }
    Ok(media_type)
}

/// Fewest closed cases before processing times are shown: below it, a median says little.
pub const MIN_CLOSED_CASES: usize = 10;

/// How long cases of a service usually take, from real closed cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcessingTimes {
    pub cases: usize,
    pub median: Duration,
    pub p90: Duration,
}

/// The `q`-quantile (0 < q ≤ 1) of sorted values by the nearest-rank method: the smallest
/// value with at least `q` of the values at or below it.
fn nearest_rank(sorted: &[Duration], q: f64) -> Duration {
    let n = sorted.len();
    let rank = ((q * n as f64).ceil() as usize).clamp(1, n);
    sorted[rank - 1]
}

/// Median and 90th percentile of these processing times; `None` with fewer than
/// [`MIN_CLOSED_CASES`].
pub fn processing_times(mut durations: Vec<Duration>) -> Option<ProcessingTimes> {
    if durations.len() < MIN_CLOSED_CASES {
        return None;
    }
    durations.sort_unstable();
    Some(ProcessingTimes {
        cases: durations.len(),
        median: nearest_rank(&durations, 0.5),
        p90: nearest_rank(&durations, 0.9),
    })
}

/// A duration as people say it: whole days from one day on (rounded up: "within 3 days"
/// must not be read as a promise the median breaks), hours below.
pub enum Span {
    Hours(u64),
    Days(u64),
}

pub fn span(d: Duration) -> Span {
    let hours = d.as_secs().div_ceil(3600).max(1);
    if hours < 24 {
        Span::Hours(hours)
    } else {
        Span::Days(d.as_secs().div_ceil(86_400))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(n: u64) -> Duration {
        Duration::from_secs(n * 86_400)
    }

    #[test]
    fn files_are_known_by_their_content_not_their_name() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some("application/pdf"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some("image/png"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0]), Some("image/jpeg"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff(b"\0\0\0\x18ftypheic\0\0"), Some("image/heic"));
        assert_eq!(sniff(b"MZ\x90\0 a Windows program"), None);
        assert_eq!(sniff(b"#!/bin/sh\nrm -rf /"), None);
        assert_eq!(sniff(b"<html><script>"), None);
        assert_eq!(sniff(b""), None);
        assert_eq!(sniff(b"%PD"), None);
    }

    #[test]
    fn accept_lists_match_exact_types_and_families() {
        let accept = vec!["application/pdf".to_owned(), "image/*".to_owned()];
        assert!(accepts(&accept, "application/pdf"));
        assert!(accepts(&accept, "image/png"));
        assert!(!accepts(&accept, "text/plain"));
        assert!(!accepts(&["image/png".to_owned()], "image/jpeg"));
        assert!(!accepts(&["image/*".to_owned()], "imagex/png"));
        assert_eq!(
            accept_attribute(&accept),
            "application/pdf,.pdf,image/*".to_owned()
        );
    }

    #[test]
    fn uploads_are_refused_empty_oversize_or_of_another_type() {
        let pdf = vec!["application/pdf".to_owned()];
        assert_eq!(check_upload(b"", &pdf, 100), Err("upload-empty"));
        assert_eq!(
            check_upload(b"%PDF-1.4 0123456789", &pdf, 10),
            Err("upload-too-large")
        );
        assert_eq!(
            check_upload(b"\x89PNG\r\n\x1a\n", &pdf, 100),
            Err("upload-type-refused")
        );
        assert_eq!(
            check_upload(b"MZ renamed to a.pdf", &pdf, 100),
            Err("upload-type-refused")
        );
        assert_eq!(
            check_upload(b"%PDF-1.4", &pdf, 8),
            Ok("application/pdf"),
            "exactly the limit is allowed"
        );
    }

    #[test]
    fn file_names_lose_paths_and_control_characters() {
        assert_eq!(clean_file_name("C:\\Users\\me\\scan.pdf"), "scan.pdf");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("a\u{0}b\r\n\"c\".pdf"), "abc.pdf");
        assert_eq!(clean_file_name("..."), "document");
        assert_eq!(clean_file_name(""), "document");
        assert_eq!(clean_file_name(&"x".repeat(500)).chars().count(), 120);
    }

    #[test]
    fn processing_times_need_enough_cases() {
        assert_eq!(processing_times(vec![days(1); MIN_CLOSED_CASES - 1]), None);
        let times = processing_times((1..=10).map(days).collect()).unwrap();
        assert_eq!(times.cases, 10);
        assert_eq!(times.median, days(5));
        assert_eq!(times.p90, days(9));
    }

    #[test]
    fn percentiles_do_not_depend_on_order_and_are_ordered() {
        let mut values: Vec<Duration> = (0..57).map(|i| days((i * 37) % 23)).collect();
        let a = processing_times(values.clone()).unwrap();
        values.reverse();
        let b = processing_times(values.clone()).unwrap();
        assert_eq!(a, b);
        assert!(a.median <= a.p90);
        let max = values.iter().max().copied().unwrap();
        assert!(a.p90 <= max);
        // At least 90 % of the cases took no longer than the 90th percentile.
        let within = values.iter().filter(|d| **d <= a.p90).count();
        assert!(within * 10 >= values.len() * 9);
    }

    #[test]
    fn spans_round_up() {
        assert!(matches!(span(Duration::from_secs(60)), Span::Hours(1)));
        assert!(matches!(
            span(Duration::from_secs(5 * 3600 + 1)),
            Span::Hours(6)
        ));
        assert!(matches!(span(Duration::from_secs(86_400)), Span::Days(1)));
        assert!(matches!(span(Duration::from_secs(86_401)), Span::Days(2)));
    }
}
