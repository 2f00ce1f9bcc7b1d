//! vCard 3.0 (RFC 2426) and 4.0 (RFC 6350), read for the person import and written for
//! exports. 2.1 files (old phones) are read too: bare parameter types and quoted-printable
//! values with their charset.
//!
//! Reading: lines are unfolded (a line starting with a space or tab continues the previous
//! one), each content line is split into group, name, parameters and value, values are
//! unescaped (`\n`, `\,`, `\;`, `\\`), and the properties the import knows (FN, N, EMAIL,
//! TEL, ADR, BDAY, ORG, CATEGORIES) are kept. A file that does not parse is refused as a
//! whole with an [`ImportError::Vcard`] naming the card (1-based) and the line.
//!
//! Importing: [`table`] lays the cards out as a table with a fixed mapping, so that they go
//! through the same dry run, rejected-rows file and job as a CSV file.

use crate::import::{ImportError, Mapping, Record, Table, Target};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What is wrong with a vCard file; [`VcardProblem::code`] is the message id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum VcardProblem {
    /// A content line without a colon between its name and its value.
    NoColon,
    /// Something other than a blank line outside BEGIN:VCARD … END:VCARD.
    Outside,
    /// BEGIN:VCARD inside a card.
    Nested,
    /// A card never closed by END:VCARD.
    Unclosed,
    /// VERSION missing or not 2.1, 3.0 or 4.0.
    Version,
    /// A quoted-printable value or a charset that cannot be read.
    Encoding,
}

impl VcardProblem {
    pub fn code(self) -> &'static str {
        match self {
            Self::NoColon => "import-vcard-no-colon",
            Self::Outside => "import-vcard-outside",
            Self::Nested => "import-vcard-nested",
            Self::Unclosed => "import-vcard-unclosed",
            Self::Version => "import-vcard-version",
            Self::Encoding => "import-vcard-encoding",
        }
    }

    pub const ALL: [VcardProblem; 6] = [
        Self::NoColon,
        Self::Outside,
        Self::Nested,
        Self::Unclosed,
        Self::Version,
        Self::Encoding,
    ];
}

/// The properties of one card the import and export know.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Card {
    /// The line of its BEGIN:VCARD (1-based).
    pub line: usize,
    pub version: String,
    pub formatted_name: String,
    pub family_name: String,
    pub given_name: String,
    /// As written: `YYYYMMDD`, `YYYY-MM-DD`, possibly with a time, or `--MMDD`.
    pub birthday: String,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub addresses: Vec<Address>,
    pub organisations: Vec<String>,
    pub categories: Vec<String>,
}

/// ADR's components that a French address uses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Address {
    /// Street lines (the post office box, extended and street components).
    pub lines: Vec<String>,
    pub locality: String,
    pub postcode: String,
    pub country: String,
}

/// Whether a text looks like vCards (its first non-blank line is BEGIN:VCARD).
pub fn looks_like(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .lines()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| l.trim().eq_ignore_ascii_case("BEGIN:VCARD"))
}

/// One unfolded content line and the physical line it starts on.
struct Line {
    number: usize,
    text: String,
}

/// Joins folded lines (RFC 6350 §3.2), and quoted-printable soft line breaks (2.1: a value
/// ending with `=` continues on the next line).
fn unfold(text: &str) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::new();
    let mut qp_continues = false;
    for (i, raw) in text.trim_start_matches('\u{feff}').lines().enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(last) = out.last_mut() {
            if qp_continues {
                last.text.pop();
                last.text.push_str(raw);
                qp_continues = last.text.ends_with('=') && is_quoted_printable(&last.text);
                continue;
            }
            if let Some(rest) = raw.strip_prefix([' ', '\t']) {
                last.text.push_str(rest);
                qp_continues = last.text.ends_with('=') && is_quoted_printable(&last.text);
                continue;
            }
        }
        out.push(Line {
            number: i + 1,
            text: raw.to_owned(),
        });
        qp_continues = raw.ends_with('=') && is_quoted_printable(raw);
    }
    out
}

fn is_quoted_printable(line: &str) -> bool {
    line.split_once(':')
        .is_some_and(|(head, _)| head.to_ascii_uppercase().contains("QUOTED-PRINTABLE"))
}

/// A content line split: name (uppercase, group dropped), parameters (uppercase names,
/// values unquoted) and the raw value.
struct Property {
    name: String,
    params: Vec<(String, String)>,
    value: String,
}

fn split_property(line: &str) -> Option<Property> {
    // The colon that ends the name and parameters: the first one outside double quotes.
    let mut in_quotes = false;
    let mut colon = None;
    for (i, c) in line.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            ':' if !in_quotes => {
                colon = Some(i);
                break;
            }
            _ => {}
        }
    }
    let colon = colon?;
    let (head, value) = (&line[..colon], &line[colon + 1..]);
    let mut parts = split_unquoted(head, ';').into_iter();
    let name = parts.next()?;
    let name = name
        .rsplit('.')
        .next()
        .unwrap_or(&name)
        .trim()
        .to_ascii_uppercase();
    if name.is_empty() {
        return None;
    }
    let params = parts
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (
                k.trim().to_ascii_uppercase(),
                v.trim().trim_matches('"').to_owned(),
            ),
            // 2.1: a bare type ("TEL;CELL:…").
            None => ("TYPE".to_owned(), p.trim().to_owned()),
        })
        .collect();
    Some(Property {
        name,
        params,
        value: value.to_owned(),
    })
}

fn split_unquoted(s: &str, sep: char) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut in_quotes = false;
    for c in s.chars() {
        if c == '"' {
            in_quotes = !in_quotes;
        }
        if c == sep && !in_quotes {
            out.push(String::new());
        } else if let Some(last) = out.last_mut() {
            last.push(c);
        }
    }
    out
}

/// Splits a value on `sep` where it is not escaped (escapes are kept, for [`unescape`]).
fn split_raw(value: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in value.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == sep {
            out.push(&value[start..i]);
            start = i + c.len_utf8();
        }
    }
    out.push(&value[start..]);
    out
}

/// Splits on `sep` where not escaped, and unescapes each part.
fn split_escaped(value: &str, sep: char) -> Vec<String> {
    split_raw(value, sep).into_iter().map(unescape).collect()
}

/// Undoes `\n`, `\,`, `\;` and `\\`.
fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            },
            c => out.push(c),
        }
    }
    out
}

/// Decodes a quoted-printable value, then its bytes in `charset` (UTF-8 by default;
/// ISO-8859-1 and Windows-1252 as Windows-1252).
fn quoted_printable(value: &str, charset: &str) -> Option<String> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' {
            let hex = bytes.get(i + 1..i + 3)?;
            let s = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(s, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    match charset.to_ascii_uppercase().as_str() {
        "" | "UTF-8" | "UTF8" => String::from_utf8(out).ok(),
        "ISO-8859-1" | "ISO-8859-15" | "LATIN1" | "WINDOWS-1252" | "CP1252" => {
            crate::import::decode(&out).ok().map(|(s, _)| s)
        }
        _ => None,
    }
}

/// Reads every card of a file.
pub fn parse(text: &str) -> Result<Vec<Card>, ImportError> {
    let mut cards: Vec<Card> = Vec::new();
    let mut current: Option<Card> = None;
    let err = |card: usize, line: usize, problem: VcardProblem| ImportError::Vcard {
        card,
        line,
        problem,
    };
    for line in unfold(text) {
        let card_number = cards.len() + 1;
        if line.text.trim().is_empty() {
            continue;
        }
        let Some(prop) = split_property(&line.text) else {
            return Err(err(card_number, line.number, VcardProblem::NoColon));
        };
        let value_upper = prop.value.trim().to_ascii_uppercase();
        if prop.name == "BEGIN" && value_upper == "VCARD" {
            if current.is_some() {
                return Err(err(card_number, line.number, VcardProblem::Nested));
            }
            current = Some(Card {
                line: line.number,
                ..Card::default()
            });
            continue;
        }
        let Some(card) = current.as_mut() else {
            return Err(err(card_number, line.number, VcardProblem::Outside));
        };
        if prop.name == "END" && value_upper == "VCARD" {
            if !matches!(card.version.as_str(), "2.1" | "3.0" | "4.0") {
                return Err(err(card_number, card.line, VcardProblem::Version));
            }
            if let Some(done) = current.take() {
                cards.push(done);
            }
            continue;
        }
        let param = |name: &str| {
            prop.params
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let value = if param("ENCODING").is_some_and(|e| e.eq_ignore_ascii_case("QUOTED-PRINTABLE"))
        {
            quoted_printable(&prop.value, param("CHARSET").unwrap_or(""))
                .ok_or_else(|| err(card_number, line.number, VcardProblem::Encoding))?
        } else {
            prop.value.clone()
        };
        match prop.name.as_str() {
            "VERSION" => card.version = value.trim().to_owned(),
            "FN" => card.formatted_name = unescape(&value).trim().to_owned(),
            "N" => {
                let parts = split_raw(&value, ';');
                // Several values of a component ("Pierre,Marie") are joined with spaces.
                let component = |i: usize| {
                    parts.get(i).map_or(String::new(), |p| {
                        split_escaped(p, ',')
                            .iter()
                            .map(|s| s.trim())
                            .filter(|s| !s.is_empty())
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                };
                card.family_name = component(0);
                card.given_name = component(1);
            }
            "BDAY" => card.birthday = unescape(&value).trim().to_owned(),
            "EMAIL" => {
                let v = unescape(&value);
                let v = v.trim();
                let v = v.strip_prefix("mailto:").unwrap_or(v);
                if !v.is_empty() {
                    card.emails.push(v.to_owned());
                }
            }
            "TEL" => {
                let v = unescape(&value);
                let v = v.trim();
                let v = v.strip_prefix("tel:").unwrap_or(v);
                // A URI's parameters (";ext=12") are not part of the number.
                let v = v.split(';').next().unwrap_or(v).trim();
                if !v.is_empty() {
                    card.phones.push(v.to_owned());
                }
            }
            "ADR" => {
                let parts = split_escaped(&value, ';');
                let part = |i: usize| parts.get(i).map_or("", |s| s.trim());
                let lines: Vec<String> = [part(0), part(1), part(2)]
                    .into_iter()
                    .flat_map(|p| p.split('\n'))
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect();
                let address = Address {
                    lines,
                    locality: part(3).to_owned(),
                    postcode: part(5).to_owned(),
                    country: part(6).to_owned(),
                };
                if address != Address::default() {
                    card.addresses.push(address);
                }
            }
            "ORG" => {
                let name = split_escaped(&value, ';')
                    .into_iter()
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(", ");
                if !name.is_empty() {
                    card.organisations.push(name);
                }
            }
            "CATEGORIES" => card.categories.extend(
                split_escaped(&value, ',')
                    .into_iter()
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty()),
            ),
            _ => {}
        }
    }
    if let Some(card) = current {
        return Err(err(cards.len() + 1, card.line, VcardProblem::Unclosed));
    }
    Ok(cards)
}

/// A birthday as the people rules read it (`YYYY-MM-DD`): `19800203`, `1980-02-03` and
/// either with a time are; a date without a year (`--0203`) is left out.
fn birthday(s: &str) -> String {
    let date = s.split('T').next().unwrap_or("");
    if date.starts_with("--") {
        return String::new();
    }
    NaiveDate::parse_from_str(date, "%Y%m%d")
        .map(|d| d.to_string())
        .unwrap_or_else(|_| s.to_owned())
}

/// A country as written in an ADR ("France", "FR", "Belgique") as its ISO code when it
/// is one the import knows by name; otherwise as written (the address rules judge it).
fn country_code(s: &str) -> String {
    match crate::people::fold(s).as_str() {
        "france" => "FR".to_owned(),
        "belgique" | "belgium" => "BE".to_owned(),
        "suisse" | "switzerland" => "CH".to_owned(),
        "luxembourg" => "LU".to_owned(),
        "allemagne" | "germany" => "DE".to_owned(),
        "espagne" | "spain" => "ES".to_owned(),
        "italie" | "italy" => "IT".to_owned(),
        "royaume uni" | "united kingdom" => "GB".to_owned(),
        _ => s.to_owned(),
    }
}

/// The cards as a table for the import's dry run, and its mapping: one row per card (its
/// line is the BEGIN line), one column per property (several for repeated e-mails and
/// phones). A card with a formatted name but no N has the name split at its last space.
/// The first address is imported; organisations are shown but not imported.
pub fn table(cards: &[Card]) -> (Table, Mapping) {
    let emails = cards
        .iter()
        .map(|c| c.emails.len())
        .max()
        .unwrap_or(0)
        .max(1);
    let phones = cards
        .iter()
        .map(|c| c.phones.len())
        .max()
        .unwrap_or(0)
        .max(1);
    let numbered = |name: &str, n: usize| -> Vec<String> {
        (1..=n)
            .map(|i| {
                if i == 1 {
                    name.to_owned()
                } else {
                    format!("{name} {i}")
                }
            })
            .collect()
    };
    let mut headers: Vec<String> = vec![
        "FN".into(),
        "N (given)".into(),
        "N (family)".into(),
        "BDAY".into(),
    ];
    let mut columns = vec![
        None,
        Some(Target::GivenName),
        Some(Target::FamilyName),
        Some(Target::BirthDate),
    ];
    headers.extend(numbered("EMAIL", emails));
    columns.extend(std::iter::repeat_n(Some(Target::Email), emails));
    headers.extend(numbered("TEL", phones));
    columns.extend(std::iter::repeat_n(Some(Target::Phone), phones));
    headers.extend(
        [
            "ADR (street)",
            "ADR (postcode)",
            "ADR (locality)",
            "ADR (country)",
            "ORG",
            "CATEGORIES",
        ]
        .map(String::from),
    );
    columns.extend([
        Some(Target::Street),
        Some(Target::Postcode),
        Some(Target::City),
        Some(Target::Country),
        None,
        Some(Target::Tags),
    ]);
    let rows = cards
        .iter()
        .map(|c| {
            let (given, family) = if c.given_name.is_empty() && c.family_name.is_empty() {
                match c.formatted_name.rsplit_once(' ') {
                    Some((g, f)) => (g.trim().to_owned(), f.trim().to_owned()),
                    None => (String::new(), c.formatted_name.clone()),
                }
            } else {
                (c.given_name.clone(), c.family_name.clone())
            };
            let mut fields = vec![
                c.formatted_name.clone(),
                given,
                family,
                birthday(&c.birthday),
            ];
            fields.extend((0..emails).map(|i| c.emails.get(i).cloned().unwrap_or_default()));
            fields.extend((0..phones).map(|i| c.phones.get(i).cloned().unwrap_or_default()));
            let address = c.addresses.first().cloned().unwrap_or_default();
            fields.extend([
                address.lines.join("\n"),
                address.postcode,
                address.locality,
                country_code(&address.country),
                c.organisations.join(", "),
                c.categories.join(", "),
            ]);
            Record {
                line: c.line,
                fields,
            }
        })
        .collect();
    (
        Table {
            delimiter: ',',
            headers,
            rows,
        },
        Mapping { columns },
    )
}

// ---------------------------------------------------------------------------------------
// Writing

/// The vCard versions the export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Version {
    V3,
    V4,
}

impl Version {
    pub fn parse(s: &str) -> Option<Version> {
        match s.trim() {
            "3" | "3.0" => Some(Self::V3),
            "" | "4" | "4.0" => Some(Self::V4),
            _ => None,
        }
    }
}

/// What the export knows of a person.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contact {
    /// A stable id (the person's UUID), written as `UID:urn:uuid:…`.
    pub uid: String,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: Option<NaiveDate>,
    pub emails: Vec<String>,
    /// E.164.
    pub phones: Vec<String>,
    pub addresses: Vec<crate::people::PostalAddress>,
    pub organisations: Vec<String>,
    pub tags: Vec<String>,
    /// Last change, as `REV`.
    pub revision: Option<chrono::DateTime<chrono::Utc>>,
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends a content line folded at 75 octets (never inside a character), ending in CRLF.
fn push_line(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

/// One card.
pub fn write(contact: &Contact, version: Version) -> String {
    let mut out = String::new();
    let v4 = version == Version::V4;
    push_line(&mut out, "BEGIN:VCARD");
    push_line(&mut out, if v4 { "VERSION:4.0" } else { "VERSION:3.0" });
    let full = format!("{} {}", contact.given_name, contact.family_name);
    push_line(&mut out, &format!("FN:{}", escape(full.trim())));
    push_line(
        &mut out,
        &format!(
            "N:{};{};;;",
            escape(&contact.family_name),
            escape(&contact.given_name)
        ),
    );
    if let Some(d) = contact.birth_date {
        let text = if v4 {
            d.format("%Y%m%d")
        } else {
            d.format("%Y-%m-%d")
        };
        push_line(&mut out, &format!("BDAY:{text}"));
    }
    for e in &contact.emails {
        let head = if v4 { "EMAIL" } else { "EMAIL;TYPE=INTERNET" };
        push_line(&mut out, &format!("{head}:{}", escape(e)));
    }
    for p in &contact.phones {
        if v4 {
            push_line(&mut out, &format!("TEL;VALUE=uri:tel:{p}"));
        } else {
            push_line(&mut out, &format!("TEL:{p}"));
        }
    }
    for a in &contact.addresses {
        push_line(
            &mut out,
            &format!(
                "ADR:;;{};{};;{};{}",
                escape(&a.lines.join("\n")),
                escape(&a.city),
                escape(&a.postcode),
                escape(&a.country)
            ),
        );
    }
    for o in &contact.organisations {
        push_line(&mut out, &format!("ORG:{}", escape(o)));
    }
    if !contact.tags.is_empty() {
        let tags: Vec<String> = contact.tags.iter().map(|t| escape(t)).collect();
        push_line(&mut out, &format!("CATEGORIES:{}", tags.join(",")));
    }
    if !contact.uid.is_empty() {
        push_line(&mut out, &format!("UID:urn:uuid:{}", contact.uid));
    }
    if let Some(rev) = contact.revision {
        push_line(&mut out, &format!("REV:{}", rev.format("%Y%m%dT%H%M%SZ")));
    }
    push_line(&mut out, "END:VCARD");
    out
}

/// Several cards, one after the other (a `.vcf` file).
pub fn write_all<'a>(contacts: impl IntoIterator<Item = &'a Contact>, version: Version) -> String {
    contacts.into_iter().map(|c| write(c, version)).collect()
}

#[cfg(test)]
#[path = "vcard_tests.rs"]
mod tests;
