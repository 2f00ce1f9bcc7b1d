//! What a portal account hears about, and when: one choice per kind of event.

/// The kinds of events mailed to a requester that the requester may hold back. The
/// acknowledgement of a filing is not one of them: the law requires it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotifyKind {
    /// A request moved to another step of its workflow.
    Status,
    /// The service wrote about a request.
    Message,
}

impl NotifyKind {
    pub const ALL: [NotifyKind; 2] = [NotifyKind::Status, NotifyKind::Message];

    pub fn as_str(self) -> &'static str {
        match self {
            NotifyKind::Status => "status",
            NotifyKind::Message => "message",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// When mail about a kind of event goes out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Delivery {
    #[default]
    Immediately,
    /// Held and sent together once a day.
    Daily,
    Never,
}

impl Delivery {
    pub const ALL: [Delivery; 3] = [Delivery::Immediately, Delivery::Daily, Delivery::Never];

    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::Immediately => "immediately",
            Delivery::Daily => "daily",
            Delivery::Never => "never",
        }
    }

    /// Unknown text is `None`: a form must say so, never fall back silently.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

/// How long the oldest held notification waits before its digest goes out.
pub const DIGEST_AFTER_HOURS: i64 = 24;

/// Whether an account's digest is due: its oldest held notification has waited a day.
pub fn digest_due(
    oldest_held: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
) -> bool {
    now - oldest_held >= chrono::Duration::hours(DIGEST_AFTER_HOURS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_deliveries_read_back_and_refuse_the_unknown() {
        for k in NotifyKind::ALL {
            assert_eq!(NotifyKind::parse(k.as_str()), Some(k));
        }
        for d in Delivery::ALL {
            assert_eq!(Delivery::parse(d.as_str()), Some(d));
        }
        assert_eq!(Delivery::parse("weekly"), None);
        assert_eq!(Delivery::parse(""), None);
        assert_eq!(NotifyKind::parse("acknowledgement"), None);
    }

    #[test]
    fn a_digest_waits_a_day_after_its_first_notification() {
        let t = chrono::Utc::now();
        assert!(!digest_due(t, t + chrono::Duration::hours(23)));
        assert!(digest_due(t, t + chrono::Duration::hours(24)));
    }
}
