//! The descriptive fields of a service (slug, titles, category, channels, who may file), and
//! their rules: the admin pages and the demo catalogue both validate through here.

use crate::Invalid;

/// Channels a service may be offered on, in the order pages show them.
pub const CHANNELS: [&str; 7] = [
    "portal", "email", "phone", "counter", "letter", "chat", "open311",
];
/// The channels an agent files a case on for someone (the portal, chat and Open311 file
/// their own).
pub const STAFF_CHANNELS: [&str; 4] = ["phone", "counter", "letter", "email"];
/// Who may file a case of the service.
pub const WHO_MAY_FILE: [&str; 3] = ["anyone", "signed_in", "organisations"];

/// Lowercase letters, digits and single hyphens, 2 to 64 characters, starting with a letter.
pub fn is_slug(s: &str) -> bool {
    (2..=64).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && !s.ends_with('-')
        && !s.contains("--")
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The descriptive fields of a service. `validate` trims them, puts the channels in the
/// canonical order, and names every field that is wrong with its message id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceMeta {
    pub slug: String,
    pub category: String,
    pub audience: String,
    pub channels: Vec<String>,
    pub who_may_file: String,
    pub title_fr: String,
    pub title_en: String,
    pub description_fr: String,
    pub description_en: String,
}

/// One line of text: no control character, at most `max` characters.
fn line(s: &str, max: usize, required: bool) -> bool {
    (!required || !s.is_empty()) && s.chars().count() <= max && !s.chars().any(char::is_control)
}

/// Free text: line breaks and tabs allowed.
fn text(s: &str, max: usize) -> bool {
    s.chars().count() <= max
        && !s
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

impl ServiceMeta {
    pub fn validate(&self) -> Result<ServiceMeta, Vec<Invalid>> {
        let t = |s: &str| s.trim().to_owned();
        let clean = ServiceMeta {
            slug: t(&self.slug),
            category: t(&self.category),
            audience: t(&self.audience),
            channels: CHANNELS
                .iter()
                .filter(|c| self.channels.iter().any(|x| x == *c))
                .map(|c| (*c).to_owned())
                .collect(),
            who_may_file: t(&self.who_may_file),
            title_fr: t(&self.title_fr),
            title_en: t(&self.title_en),
            description_fr: t(&self.description_fr),
            description_en: t(&self.description_en),
        };
        let mut errors = Vec::new();
        let mut check = |ok: bool, field: &'static str, code: &'static str| {
            if !ok {
                errors.push(Invalid::new(field, code));
            }
        };
        check(is_slug(&clean.slug), "slug", "catalogue-invalid-slug");
        check(
            line(&clean.title_fr, 200, true),
            "title_fr",
            "catalogue-invalid-title",
        );
        check(
            line(&clean.title_en, 200, false),
            "title_en",
            "catalogue-invalid-title-en",
        );
        check(
            text(&clean.description_fr, 5000),
            "description_fr",
            "catalogue-invalid-description",
        );
        check(
            text(&clean.description_en, 5000),
            "description_en",
            "catalogue-invalid-description",
        );
        check(
            line(&clean.category, 80, true),
            "category",
            "catalogue-invalid-category",
        );
        check(
            line(&clean.audience, 80, false),
            "audience",
            "catalogue-invalid-audience",
        );
        let unknown_channel = self
            .channels
            .iter()
            .any(|c| !CHANNELS.contains(&c.as_str()));
        check(
            !clean.channels.is_empty() && !unknown_channel,
            "channels",
            "catalogue-invalid-channels",
        );
        check(
            WHO_MAY_FILE.contains(&clean.who_may_file.as_str()),
            "who_may_file",
            "catalogue-invalid-who",
        );
        if errors.is_empty() {
            Ok(clean)
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> ServiceMeta {
        ServiceMeta {
            slug: "acte-naissance".into(),
            category: "État civil".into(),
            audience: "citoyens".into(),
            channels: vec!["counter".into(), "portal".into()],
            who_may_file: "anyone".into(),
            title_fr: " Acte de naissance ".into(),
            title_en: String::new(),
            description_fr: "Ligne 1\nLigne 2".into(),
            description_en: String::new(),
        }
    }

    #[test]
    fn cleans_and_orders() {
        let m = valid().validate().unwrap();
        assert_eq!(m.title_fr, "Acte de naissance");
        assert_eq!(m.channels, vec!["portal", "counter"]);
    }

    #[test]
    fn names_each_wrong_field() {
        let bad = ServiceMeta {
            slug: "Bad Slug".into(),
            channels: vec!["fax".into(), "portal".into()],
            who_may_file: "everyone".into(),
            title_fr: "x\u{7}".into(),
            category: String::new(),
            ..valid()
        };
        let fields: Vec<_> = bad
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            ["slug", "title_fr", "category", "channels", "who_may_file"]
        );
        assert!(
            ServiceMeta {
                channels: vec![],
                ..valid()
            }
            .validate()
            .is_err()
        );
    }

    #[test]
    fn slugs() {
        for ok in ["ab", "acte-naissance", "a1"] {
            assert!(is_slug(ok), "{ok}");
        }
        for bad in ["a", "1a", "a-", "a--b", "A", "é", &"a".repeat(65)] {
            assert!(!is_slug(bad), "{bad}");
        }
    }
}
