//! People and organisations: identities, contact points, tags, consents, relationships and
//! interactions. Every rule returns an [`Invalid`] whose code is a message id
//! (`person-invalid-…`, `organisation-invalid-…`) and whose field names the input.

use crate::{
    Email, Locale,
    error::{Invalid, Result},
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

pub mod custom_fields;
pub mod duplicates;
pub mod merge;
pub mod segments;
pub mod timeline;

fn text(s: &str, max: usize, field: &'static str, code: &'static str) -> Result<String> {
    let s = s.trim();
    let n = s.chars().count();
    if n == 0 || n > max || s.chars().any(char::is_control) {
        return Err(Invalid::new(field, code));
    }
    Ok(s.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Lowercase, accents removed, every run of other characters than letters and digits made
/// one space ("Hélène Lefèvre-Dupré" → "helene lefevre dupre"): one folding for search,
/// sorting, duplicates and tags.
pub use crate::search::fold;

/// The search key of a person: family name first, folded (the list is sorted on it).
pub fn person_search_name(given_name: &str, family_name: &str) -> String {
    fold(&format!("{family_name} {given_name}"))
}

// ---------------------------------------------------------------------------------------
// Identities

/// A person's identity as the back office edits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonIdentity {
    pub given_name: String,
    pub family_name: String,
    pub birth_date: Option<NaiveDate>,
    pub locale: Locale,
}

impl PersonIdentity {
    /// Checks every field and reports each problem, in the order of the form. `today` bounds
    /// the birth date (no birth in the future, none before 1900).
    pub fn parse(
        given_name: &str,
        family_name: &str,
        birth_date: Option<&str>,
        locale: &str,
        today: NaiveDate,
    ) -> std::result::Result<Self, Vec<Invalid>> {
        let mut errors = Vec::new();
        let given = text(given_name, 100, "given_name", "person-invalid-given-name")
            .map_err(|e| errors.push(e))
            .ok();
        let family = text(
            family_name,
            100,
            "family_name",
            "person-invalid-family-name",
        )
        .map_err(|e| errors.push(e))
        .ok();
        let birth = parse_birth_date(birth_date.unwrap_or(""), today)
            .map_err(|e| errors.push(e))
            .ok();
        let locale = match locale.trim() {
            "" => Some(Locale::Fr),
            l => l
                .parse::<Locale>()
                .map_err(|_| errors.push(Invalid::new("locale", "person-invalid-locale")))
                .ok(),
        };
        match (given, family, birth, locale) {
            (Some(given_name), Some(family_name), Some(birth_date), Some(locale))
                if errors.is_empty() =>
            {
                Ok(Self {
                    given_name,
                    family_name,
                    birth_date,
                    locale,
                })
            }
            _ => Err(errors),
        }
    }

    pub fn search_name(&self) -> String {
        person_search_name(&self.given_name, &self.family_name)
    }
}

/// A birth date as typed (`YYYY-MM-DD`, or `DD/MM/YYYY` as French people write it); empty
/// is none.
pub fn parse_birth_date(s: &str, today: NaiveDate) -> Result<Option<NaiveDate>> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let bad = || Invalid::new("birth_date", "person-invalid-birth-date");
    let date = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .map_err(|_| bad())?;
    let earliest = NaiveDate::from_ymd_opt(1900, 1, 1).expect("date");
    if date > today || date < earliest {
        return Err(bad());
    }
    Ok(Some(date))
}

/// An organisation's name: 1 to 200 characters.
pub fn organisation_name(s: &str) -> Result<String> {
    text(s, 200, "name", "organisation-invalid-name")
}

/// A SIRET (14 digits: the SIREN of the company and the number of the establishment), with
/// its Luhn check. Spaces are ignored. La Poste's establishments (SIREN 356 000 000) follow
/// their own rule (sum of the digits a multiple of 5).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Siret(String);

impl Siret {
    pub fn parse(s: &str) -> Result<Self> {
        let digits: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        let bad = || Invalid::new("siret", "organisation-invalid-siret");
        if digits.len() != 14 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        let ok = if digits.starts_with("356000000") && digits != "35600000000048" {
            digits
                .bytes()
                .map(|b| u32::from(b - b'0'))
                .sum::<u32>()
                .is_multiple_of(5)
        } else {
            luhn(&digits)
        };
        if ok { Ok(Self(digits)) } else { Err(bad()) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The SIREN: the company's nine first digits.
    pub fn siren(&self) -> &str {
        &self.0[..9]
    }
}

/// The Luhn check of a string of ASCII digits.
pub fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let d = d * 2;
                if d > 9 { d - 9 } else { d }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

impl TryFrom<String> for Siret {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self> {
        Self::parse(&s)
    }
}
impl From<Siret> for String {
    fn from(s: Siret) -> String {
        s.0
    }
}
impl fmt::Display for Siret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An optional SIRET as typed: empty is none.
pub fn optional_siret(s: &str) -> Result<Option<Siret>> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        Siret::parse(s).map(Some)
    }
}

// ---------------------------------------------------------------------------------------
// Contact points

/// A person's e-mail address (the account rules, with this module's message id).
pub fn person_email(s: &str) -> Result<Email> {
    Email::parse(s).map_err(|_| Invalid::new("email", "person-invalid-email"))
}

/// A phone number in E.164 (`+33612345678`), from any common French or international
/// writing (see [`crate::service::form::normalise_phone`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    pub fn parse(s: &str) -> Result<Self> {
        crate::service::form::normalise_phone(s)
            .map(Self)
            .ok_or(Invalid::new("phone", "person-invalid-phone"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Phone {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self> {
        Self::parse(&s)
    }
}
impl From<Phone> for String {
    fn from(p: Phone) -> String {
        p.0
    }
}
impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a search box text means as the beginning of a phone number in E.164, if it can be
/// one: `06 12` → `+33612`, `0033 6` → `+336`, `+44 20` → `+4420`. At least two digits.
pub fn phone_prefix(q: &str) -> Option<String> {
    let s: String = q
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '/' | '(' | ')' | '\u{a0}'))
        .collect();
    let (plus, digits) = match s.strip_prefix('+') {
        Some(rest) => (true, rest.to_owned()),
        None => (false, s.clone()),
    };
    if digits.len() < 2 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if let Some(full) = crate::service::form::normalise_phone(&s) {
        return Some(full);
    }
    if plus {
        Some(format!("+{digits}"))
    } else if let Some(rest) = digits.strip_prefix("00") {
        (!rest.is_empty()).then(|| format!("+{rest}"))
    } else {
        digits.strip_prefix('0').map(|rest| format!("+33{rest}"))
    }
}

/// A postal address in the French format (AFNOR NF Z10-011): up to four lines of at most 38
/// characters above the postcode and city, a five-digit postcode in France, the country as
/// its ISO 3166 code (`FR` by default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostalAddress {
    pub lines: Vec<String>,
    pub postcode: String,
    pub city: String,
    pub country: String,
}

impl PostalAddress {
    pub const MAX_LINES: usize = 4;
    pub const MAX_LINE_CHARS: usize = 38;

    /// `lines` as typed in a text area (one line per line; empty lines dropped).
    pub fn parse(
        lines: &str,
        postcode: &str,
        city: &str,
        country: &str,
    ) -> std::result::Result<Self, Vec<Invalid>> {
        let mut errors = Vec::new();
        let lines: Vec<String> = lines
            .lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|l| !l.is_empty())
            .collect();
        if lines.is_empty()
            || lines.len() > Self::MAX_LINES
            || lines.iter().any(|l| {
                l.chars().count() > Self::MAX_LINE_CHARS || l.chars().any(char::is_control)
            })
        {
            errors.push(Invalid::new(
                "address_lines",
                "person-invalid-address-lines",
            ));
        }
        let country = match country.trim() {
            "" => "FR".to_owned(),
            c => c.to_ascii_uppercase(),
        };
        if country.len() != 2 || !country.chars().all(|c| c.is_ascii_uppercase()) {
            errors.push(Invalid::new("country", "person-invalid-country"));
        }
        let postcode: String = postcode.split_whitespace().collect();
        let postcode_ok = if country == "FR" {
            postcode.len() == 5 && postcode.chars().all(|c| c.is_ascii_digit())
        } else {
            (1..=10).contains(&postcode.len())
                && postcode
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-')
        };
        if !postcode_ok {
            errors.push(Invalid::new("postcode", "person-invalid-postcode"));
        }
        let city = text(city, 60, "city", "person-invalid-city").map_err(|e| errors.push(e));
        match city {
            Ok(city) if errors.is_empty() => Ok(Self {
                lines,
                postcode,
                city,
                country,
            }),
            _ => Err(errors),
        }
    }

    /// The address as it goes on an envelope: city in capitals, country line only abroad.
    pub fn formatted(&self) -> Vec<String> {
        let mut out = self.lines.clone();
        out.push(format!("{} {}", self.postcode, self.city.to_uppercase()));
        if self.country != "FR" {
            out.push(self.country.clone());
        }
        out
    }
}

/// A tag: folded (lowercase, no accents), words joined by hyphens, 1 to 40 characters.
/// "  Élu Municipal " → "elu-municipal".
pub fn tag(s: &str) -> Result<String> {
    let t = fold(s).replace(' ', "-");
    let n = t.chars().count();
    if n == 0 || n > 40 {
        return Err(Invalid::new("tag", "person-invalid-tag"));
    }
    Ok(t)
}

// ---------------------------------------------------------------------------------------
// Consents

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConsentState {
    Given,
    Withdrawn,
}

impl ConsentState {
    pub const ALL: [ConsentState; 2] = [ConsentState::Given, ConsentState::Withdrawn];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Given => "given",
            Self::Withdrawn => "withdrawn",
        }
    }
}

impl FromStr for ConsentState {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or(Invalid::new(
                "consent_state",
                "person-invalid-consent-state",
            ))
    }
}

/// Where a consent was collected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConsentSource {
    Portal,
    Counter,
    Phone,
    Email,
    Letter,
    Import,
    Api,
}

impl ConsentSource {
    pub const ALL: [ConsentSource; 7] = [
        ConsentSource::Portal,
        ConsentSource::Counter,
        ConsentSource::Phone,
        ConsentSource::Email,
        ConsentSource::Letter,
        ConsentSource::Import,
        ConsentSource::Api,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Portal => "portal",
            Self::Counter => "counter",
            Self::Phone => "phone",
            Self::Email => "email",
            Self::Letter => "letter",
            Self::Import => "import",
            Self::Api => "api",
        }
    }
}

impl FromStr for ConsentSource {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or(Invalid::new(
                "consent_source",
                "person-invalid-consent-source",
            ))
    }
}

/// One change of a consent: the history keeps every one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentChange {
    /// What the consent is for, as a tag ("newsletter", "sms-reminders").
    pub purpose: String,
    pub state: ConsentState,
    pub source: ConsentSource,
    pub at: DateTime<Utc>,
}

impl ConsentChange {
    /// `at` defaults to `now`; a consent cannot be dated in the future (a minute of clock
    /// skew aside).
    pub fn parse(
        purpose: &str,
        state: &str,
        source: &str,
        at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> std::result::Result<Self, Vec<Invalid>> {
        let mut errors = Vec::new();
        let purpose = tag(purpose)
            .map_err(|_| {
                errors.push(Invalid::new(
                    "consent_purpose",
                    "person-invalid-consent-purpose",
                ))
            })
            .ok();
        let state = state
            .parse::<ConsentState>()
            .map_err(|e| errors.push(e))
            .ok();
        let source = source
            .parse::<ConsentSource>()
            .map_err(|e| errors.push(e))
            .ok();
        let at = at.unwrap_or(now);
        if at > now + chrono::Duration::minutes(1) {
            errors.push(Invalid::new("consent_at", "person-invalid-consent-at"));
        }
        match (purpose, state, source) {
            (Some(purpose), Some(state), Some(source)) if errors.is_empty() => Ok(Self {
                purpose,
                state,
                source,
                at,
            }),
            _ => Err(errors),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Relationships

/// How a person is tied to another person or to an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelationshipKind {
    /// A person is a member (employee, adherent) of an organisation.
    MemberOf,
    /// A person acts for an organisation or for another person (legal representative).
    Represents,
    /// Two persons live in the same household.
    Household,
}

impl RelationshipKind {
    pub const ALL: [RelationshipKind; 3] = [
        RelationshipKind::MemberOf,
        RelationshipKind::Represents,
        RelationshipKind::Household,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MemberOf => "member_of",
            Self::Represents => "represents",
            Self::Household => "household",
        }
    }
}

impl FromStr for RelationshipKind {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or(Invalid::new(
                "relationship_kind",
                "person-invalid-relationship-kind",
            ))
    }
}

/// The other side of a relationship.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "lowercase")]
pub enum Party {
    Person(uuid::Uuid),
    Organisation(uuid::Uuid),
}

/// Which kinds go with which other side, and no one relates to themselves: member of an
/// organisation only, household between persons only, represents either.
pub fn check_relationship(
    kind: RelationshipKind,
    from_person: uuid::Uuid,
    to: Party,
) -> Result<()> {
    let bad = Invalid::new("relationship_target", "person-invalid-relationship-target");
    match (kind, to) {
        (_, Party::Person(id)) if id == from_person => Err(Invalid::new(
            "relationship_target",
            "person-relationship-self",
        )),
        (RelationshipKind::MemberOf, Party::Person(_)) => Err(bad),
        (RelationshipKind::Household, Party::Organisation(_)) => Err(bad),
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------
// Interactions

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Phone,
    Counter,
    Letter,
    Email,
}

impl Channel {
    pub const ALL: [Channel; 4] = [
        Channel::Phone,
        Channel::Counter,
        Channel::Letter,
        Channel::Email,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Phone => "phone",
            Self::Counter => "counter",
            Self::Letter => "letter",
            Self::Email => "email",
        }
    }
}

impl FromStr for Channel {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or(Invalid::new("channel", "person-invalid-channel"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Inbound,
    Outbound,
}

impl Direction {
    pub const ALL: [Direction; 2] = [Direction::Inbound, Direction::Outbound];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Inbound => "inbound",
            Self::Outbound => "outbound",
        }
    }
}

impl FromStr for Direction {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or(Invalid::new("direction", "person-invalid-direction"))
    }
}

/// A contact with a person, as an agent logs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewInteraction {
    pub channel: Channel,
    pub direction: Direction,
    /// 1 to 2,000 characters; line breaks kept.
    pub summary: String,
    /// Minutes, 0 to 1,440.
    pub duration_minutes: Option<i32>,
    /// The case it is about, by reference (cases arrive later).
    pub case_ref: Option<String>,
    pub at: DateTime<Utc>,
}

impl NewInteraction {
    pub fn parse(
        channel: &str,
        direction: &str,
        summary: &str,
        duration_minutes: &str,
        case_ref: &str,
        at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> std::result::Result<Self, Vec<Invalid>> {
        let mut errors = Vec::new();
        let channel = channel.parse::<Channel>().map_err(|e| errors.push(e)).ok();
        let direction = direction
            .parse::<Direction>()
            .map_err(|e| errors.push(e))
            .ok();
        let summary = summary.trim().replace("\r\n", "\n");
        let n = summary.chars().count();
        if n == 0
            || n > 2000
            || summary
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            errors.push(Invalid::new("summary", "person-invalid-summary"));
        }
        let duration_minutes = match duration_minutes.trim() {
            "" => None,
            d => match d.parse::<i32>() {
                Ok(m) if (0..=1440).contains(&m) => Some(m),
                _ => {
                    errors.push(Invalid::new("duration", "person-invalid-duration"));
                    None
                }
            },
        };
        let case_ref = match case_ref.trim() {
            "" => None,
            r if r.len() <= 64
                && r.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
            {
                Some(r.to_owned())
            }
            _ => {
                errors.push(Invalid::new("case_ref", "person-invalid-case-ref"));
                None
            }
        };
        let at = at.unwrap_or(now);
        if at > now + chrono::Duration::minutes(1) {
            errors.push(Invalid::new("at", "person-invalid-interaction-at"));
        }
        match (channel, direction) {
            (Some(channel), Some(direction)) if errors.is_empty() => Ok(Self {
                channel,
                direction,
                summary,
                duration_minutes,
                case_ref,
                at,
            }),
            _ => Err(errors),
        }
    }
}

/// A date and time as a `datetime-local` input sends it (`2026-03-01T14:30`), read in the
/// tenant's offset from UTC; empty is none.
pub fn parse_local_datetime(
    s: &str,
    offset: chrono::FixedOffset,
    field: &'static str,
    code: &'static str,
) -> Result<Option<DateTime<Utc>>> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| Invalid::new(field, code))?;
    naive
        .and_local_timezone(offset)
        .single()
        .map(|d| Some(d.with_timezone(&Utc)))
        .ok_or(Invalid::new(field, code))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 6, 15).unwrap()
    }

    fn codes(errors: Vec<Invalid>) -> Vec<&'static str> {
        errors.into_iter().map(|e| e.code).collect()
    }

    #[test]
    fn folding() {
        assert_eq!(fold("  Hélène  LEFÈVRE-Dupré "), "helene lefevre dupre");
        assert_eq!(fold("Œuvre d'Ætna, Groß"), "oeuvre d aetna gross");
        assert_eq!(fold("Çà et là"), "ca et la");
        assert_eq!(fold("%_*"), "");
        assert_eq!(person_search_name("Hélène", "Martin"), "martin helene");
    }

    #[test]
    fn person_identity() {
        let p = PersonIdentity::parse(
            " Hélène ",
            "  de  La Tour ",
            Some("1980-02-29"),
            "en",
            today(),
        )
        .unwrap();
        assert_eq!(p.given_name, "Hélène");
        assert_eq!(p.family_name, "de La Tour");
        assert_eq!(p.birth_date, NaiveDate::from_ymd_opt(1980, 2, 29));
        assert_eq!(p.locale, Locale::En);
        assert_eq!(p.search_name(), "de la tour helene");
        let p = PersonIdentity::parse("A", "B", Some(""), "", today()).unwrap();
        assert_eq!((p.birth_date, p.locale), (None, Locale::Fr));
        let p = PersonIdentity::parse("A", "B", Some("29/02/1980"), "fr", today()).unwrap();
        assert_eq!(p.birth_date, NaiveDate::from_ymd_opt(1980, 2, 29));
    }

    #[test]
    fn person_identity_errors_in_form_order() {
        assert_eq!(
            codes(PersonIdentity::parse(" ", "", Some("2030-01-01"), "de", today()).unwrap_err()),
            [
                "person-invalid-given-name",
                "person-invalid-family-name",
                "person-invalid-birth-date",
                "person-invalid-locale"
            ]
        );
        let long = "x".repeat(101);
        assert!(PersonIdentity::parse(&long, "B", None, "fr", today()).is_err());
        assert!(PersonIdentity::parse("A\u{7}", "B", None, "fr", today()).is_err());
        for bad in [
            "1899-12-31",
            "1981-02-29",
            "2026-06-16",
            "yesterday",
            "31/13/1980",
        ] {
            assert_eq!(
                parse_birth_date(bad, today()).unwrap_err().code,
                "person-invalid-birth-date",
                "{bad}"
            );
        }
        assert_eq!(
            parse_birth_date("2026-06-15", today()).unwrap(),
            Some(today())
        );
    }

    #[test]
    fn siret_luhn() {
        // Real SIRETs (public registry).
        for ok in [
            "73282932000074",
            "732 829 320 00074",
            "35600000000048",
            "35600000049837",
        ] {
            assert!(Siret::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            Siret::parse("732 829 320 00074").unwrap().siren(),
            "732829320"
        );
        for bad in [
            "73282932000075",
            "7328293200007",
            "732829320000744",
            "7328293200007a",
            "",
        ] {
            assert_eq!(
                Siret::parse(bad).unwrap_err(),
                Invalid::new("siret", "organisation-invalid-siret"),
                "{bad}"
            );
        }
        assert!(luhn("79927398713") && !luhn("79927398710"));
        assert_eq!(optional_siret("  ").unwrap(), None);
        assert!(optional_siret("123").is_err());
    }

    #[test]
    fn organisation_names() {
        assert_eq!(
            organisation_name("  Les  Amis du Parc ").unwrap(),
            "Les Amis du Parc"
        );
        assert_eq!(
            organisation_name("").unwrap_err().code,
            "organisation-invalid-name"
        );
        assert!(organisation_name(&"x".repeat(201)).is_err());
    }

    #[test]
    fn phones_in_every_common_french_writing() {
        for input in [
            "06 12 34 56 78",
            "+33 6 12 34 56 78",
            "0033612345678",
            "06.12.34.56.78",
            "0612345678",
            "06-12-34-56-78",
            "+33 (0)6 12 34 56 78",
            "+33612345678",
            " 06 12 34 56 78 ",
        ] {
            assert_eq!(
                Phone::parse(input).unwrap().as_str(),
                "+33612345678",
                "{input}"
            );
        }
        assert_eq!(
            Phone::parse("0262 12 34 56").unwrap().as_str(),
            "+262262123456"
        );
        assert_eq!(
            Phone::parse("+44 20 7946 0958").unwrap().as_str(),
            "+442079460958"
        );
        for bad in [
            "",
            "06 12 34 56",
            "612345678",
            "phone",
            "06 12 34 56 7a",
            "+33 6 12",
        ] {
            assert_eq!(
                Phone::parse(bad).unwrap_err(),
                Invalid::new("phone", "person-invalid-phone"),
                "{bad}"
            );
        }
    }

    #[test]
    fn phone_prefixes() {
        assert_eq!(phone_prefix("06 12").as_deref(), Some("+33612"));
        assert_eq!(
            phone_prefix("06.12.34.56.78").as_deref(),
            Some("+33612345678")
        );
        assert_eq!(phone_prefix("0033 6").as_deref(), Some("+336"));
        assert_eq!(phone_prefix("+44 20").as_deref(), Some("+4420"));
        assert_eq!(phone_prefix("0"), None);
        assert_eq!(phone_prefix("martin"), None);
        assert_eq!(phone_prefix("12"), None);
    }

    #[test]
    fn emails() {
        assert_eq!(person_email(" A@B.FR ").unwrap().as_str(), "a@b.fr");
        assert_eq!(
            person_email("nope").unwrap_err(),
            Invalid::new("email", "person-invalid-email")
        );
    }

    #[test]
    fn postal_addresses() {
        let a = PostalAddress::parse(
            "12 rue  de la Paix\r\n\r\nBâtiment B\n",
            "75 002",
            "Paris",
            "",
        )
        .unwrap();
        assert_eq!(a.lines, ["12 rue de la Paix", "Bâtiment B"]);
        assert_eq!(a.postcode, "75002");
        assert_eq!(a.country, "FR");
        assert_eq!(
            a.formatted(),
            ["12 rue de la Paix", "Bâtiment B", "75002 PARIS"]
        );
        let abroad = PostalAddress::parse("1 Main St", "SW1A 1AA", "London", "gb").unwrap();
        assert_eq!(abroad.formatted().last().unwrap(), "GB");
        assert_eq!(
            codes(PostalAddress::parse("", "", "", "France").unwrap_err()),
            [
                "person-invalid-address-lines",
                "person-invalid-country",
                "person-invalid-postcode",
                "person-invalid-city"
            ]
        );
        assert_eq!(
            codes(PostalAddress::parse("1 rue", "7500A", "Paris", "FR").unwrap_err()),
            ["person-invalid-postcode"]
        );
        let too_long = "x".repeat(39);
        assert!(PostalAddress::parse(&too_long, "75002", "Paris", "FR").is_err());
        assert!(PostalAddress::parse("a\nb\nc\nd\ne", "75002", "Paris", "FR").is_err());
    }

    #[test]
    fn tags() {
        assert_eq!(tag("  Élu Municipal ").unwrap(), "elu-municipal");
        assert_eq!(tag("VIP").unwrap(), "vip");
        assert_eq!(
            tag(" !! ").unwrap_err(),
            Invalid::new("tag", "person-invalid-tag")
        );
        assert!(tag(&"a".repeat(41)).is_err());
    }

    #[test]
    fn consents() {
        let now = Utc.with_ymd_and_hms(2026, 6, 15, 10, 0, 0).unwrap();
        let c = ConsentChange::parse("Newsletter", "given", "counter", None, now).unwrap();
        assert_eq!(c.purpose, "newsletter");
        assert_eq!(
            (c.state, c.source, c.at),
            (ConsentState::Given, ConsentSource::Counter, now)
        );
        assert_eq!(
            codes(
                ConsentChange::parse(
                    "",
                    "maybe",
                    "pigeon",
                    Some(now + chrono::Duration::hours(1)),
                    now
                )
                .unwrap_err()
            ),
            [
                "person-invalid-consent-purpose",
                "person-invalid-consent-state",
                "person-invalid-consent-source",
                "person-invalid-consent-at"
            ]
        );
        for s in ConsentSource::ALL {
            assert_eq!(s.as_str().parse::<ConsentSource>().unwrap(), s);
        }
    }

    #[test]
    fn relationships() {
        let a = uuid::Uuid::now_v7();
        let b = uuid::Uuid::now_v7();
        use RelationshipKind::*;
        assert!(check_relationship(MemberOf, a, Party::Organisation(b)).is_ok());
        assert!(check_relationship(Represents, a, Party::Organisation(b)).is_ok());
        assert!(check_relationship(Represents, a, Party::Person(b)).is_ok());
        assert!(check_relationship(Household, a, Party::Person(b)).is_ok());
        assert_eq!(
            check_relationship(MemberOf, a, Party::Person(b))
                .unwrap_err()
                .code,
            "person-invalid-relationship-target"
        );
        assert!(check_relationship(Household, a, Party::Organisation(b)).is_err());
        assert_eq!(
            check_relationship(Household, a, Party::Person(a))
                .unwrap_err()
                .code,
            "person-relationship-self"
        );
        assert!("friend".parse::<RelationshipKind>().is_err());
        for k in RelationshipKind::ALL {
            assert_eq!(k.as_str().parse::<RelationshipKind>().unwrap(), k);
        }
    }

    #[test]
    fn interactions() {
        let now = Utc.with_ymd_and_hms(2026, 6, 15, 10, 0, 0).unwrap();
        let i = NewInteraction::parse(
            "phone",
            "inbound",
            " Asked about\r\nthe bins ",
            "12",
            " DOS-42 ",
            None,
            now,
        )
        .unwrap();
        assert_eq!(i.summary, "Asked about\nthe bins");
        assert_eq!(
            (i.duration_minutes, i.case_ref.as_deref(), i.at),
            (Some(12), Some("DOS-42"), now)
        );
        assert_eq!(
            codes(
                NewInteraction::parse(
                    "fax",
                    "sideways",
                    "",
                    "-1",
                    "a b",
                    Some(now + chrono::Duration::days(1)),
                    now
                )
                .unwrap_err()
            ),
            [
                "person-invalid-channel",
                "person-invalid-direction",
                "person-invalid-summary",
                "person-invalid-duration",
                "person-invalid-case-ref",
                "person-invalid-interaction-at"
            ]
        );
        assert!(
            NewInteraction::parse("letter", "outbound", &"x".repeat(2001), "", "", None, now)
                .is_err()
        );
        assert!(NewInteraction::parse("counter", "inbound", "ok", "1441", "", None, now).is_err());
        assert!(NewInteraction::parse("email", "outbound", "ok", "", "", None, now).is_ok());
    }

    #[test]
    fn local_datetimes() {
        let paris = chrono::FixedOffset::east_opt(3600).unwrap();
        let d = parse_local_datetime("2026-01-10T09:30", paris, "at", "x")
            .unwrap()
            .unwrap();
        assert_eq!(d, Utc.with_ymd_and_hms(2026, 1, 10, 8, 30, 0).unwrap());
        assert_eq!(parse_local_datetime("", paris, "at", "x").unwrap(), None);
        assert_eq!(
            parse_local_datetime("soon", paris, "at", "x")
                .unwrap_err()
                .code,
            "x"
        );
    }
}
