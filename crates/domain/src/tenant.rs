use crate::error::{Invalid, Result};
use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

/// A public tenant is a collectivité (citizens); a private one a company (customers).
/// Only the wording of the UI depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TenantKind {
    Public,
    Private,
}

impl TenantKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Private => "private",
        }
    }
}

impl FromStr for TenantKind {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "public" => Ok(Self::Public),
            "private" => Ok(Self::Private),
            _ => Err(Invalid::new("kind", "invalid-tenant-kind")),
        }
    }
}

/// The languages of the interface. French is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    Fr,
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::Fr, Locale::En];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fr => "fr",
            Self::En => "en",
        }
    }

    /// The language's name in itself, as a language switch shows it.
    pub fn endonym(self) -> &'static str {
        match self {
            Self::Fr => "Français",
            Self::En => "English",
        }
    }
}

impl FromStr for Locale {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "fr" => Ok(Self::Fr),
            "en" => Ok(Self::En),
            _ => Err(Invalid::new("locale", "invalid-locale")),
        }
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A tenant's short name: lowercase ASCII letters, digits and inner hyphens, 2 to 40 long.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

impl Slug {
    pub fn parse(s: &str) -> Result<Self> {
        let ok = (2..=40).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-');
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(Invalid::new("slug", "invalid-slug"))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Slug {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self> {
        Self::parse(&s)
    }
}
impl From<Slug> for String {
    fn from(s: Slug) -> String {
        s.0
    }
}

/// A tenant's display name: trimmed, 2 to 120 characters, no control characters.
pub fn tenant_name(s: &str) -> Result<String> {
    let s = s.trim();
    let n = s.chars().count();
    if !(2..=120).contains(&n) || s.chars().any(char::is_control) {
        return Err(Invalid::new("name", "invalid-tenant-name"));
    }
    Ok(s.to_owned())
}

/// An IANA time zone name as the tenant enters it: `Area/City` shape. The full database is
/// not embedded; this refuses what can never be a zone.
pub fn time_zone(s: &str) -> Result<String> {
    let s = s.trim();
    let ok = s == "UTC"
        || (s.contains('/')
            && s.len() <= 64
            && s.split('/').all(|p| {
                !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "_-+".contains(c))
            }));
    if ok {
        Ok(s.to_owned())
    } else {
        Err(Invalid::new("time_zone", "invalid-time-zone"))
    }
}

/// A host name as found in a `Host` header, lowercased and without port.
pub fn host_name(s: &str) -> Result<String> {
    let s = s.trim().to_ascii_lowercase();
    let host = match s.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) && !h.ends_with(']') => h,
        _ => s.as_str(),
    };
    let ok = !host.is_empty()
        && host.len() <= 253
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
    if ok {
        Ok(host.to_owned())
    } else {
        Err(Invalid::new("host", "invalid-host"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(Slug::parse("belleville").is_ok());
        assert!(Slug::parse("brioche-et-cie").is_ok());
        for bad in [
            "",
            "a",
            "-x",
            "x-",
            "Belleville",
            "ville de",
            "é",
            &"x".repeat(41),
        ] {
            assert!(Slug::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn hosts_lose_their_port_and_case() {
        assert_eq!(
            host_name("Belleville.Localhost:8080").unwrap(),
            "belleville.localhost"
        );
        assert_eq!(host_name("127.0.0.1").unwrap(), "127.0.0.1");
        assert!(host_name("evil/host").is_err());
        assert!(host_name("").is_err());
    }

    #[test]
    fn time_zones() {
        assert!(time_zone("Europe/Paris").is_ok());
        assert!(time_zone("America/Argentina/Buenos_Aires").is_ok());
        assert!(time_zone("UTC").is_ok());
        assert!(time_zone("Paris").is_err());
        assert!(time_zone("Europe/<script>").is_err());
    }
}
