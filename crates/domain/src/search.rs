//! Full-text search of persons and organisations: the pure half.
//!
//! A [`Document`] is what search knows of a person or an organisation: its names, e-mail
//! addresses, phone numbers, SIRET and postal addresses, as fields. It yields *terms*, short
//! keys the store puts in a full-text index (SQLite FTS5 or a PostgreSQL GIN index; both only
//! see opaque keys, so they find exactly the same documents):
//!
//! | key | for |
//! |---|---|
//! | `w` + word | every folded word (names, e-mail pieces, address, postcode, city) |
//! | `s` + stem | the light French stem of a name or address word, when it differs |
//! | `d` + word with one letter deleted | typo tolerance on names (4 to 20 letters) |
//! | `m` + encoded e-mail | a whole e-mail address, for prefixes such as `h_lef@mair` |
//! | `t` + digits | a phone number in E.164 without its `+` |
//! | `k` + digits | a SIRET |
//!
//! A [`Query`] turns what was typed into an [`Expr`] over those keys, one expression per
//! [`MatchKind`] (exact words only, then prefixes, stems, one typo): the store asks for the
//! strict one first and widens only while it has fewer results than asked. Then [`score`]
//! checks each document found against the query (the index may over-approximate), ranks it
//! and says which part of which field matched, for highlighting.
//!
//! Typo tolerance uses deletion neighbourhoods (two words are within one edit, insertion,
//! deletion, substitution or transposition of neighbours, only if they share a key among
//! themselves and their one-letter deletions), so it needs no trigram extension and behaves
//! the same on both databases.

use crate::error::{Invalid, Result};
use serde::{Deserialize, Serialize};

mod stem;
pub use stem::stem;

/// Longest query, in characters.
pub const MAX_QUERY_CHARS: usize = 100;
/// Most words in a query.
pub const MAX_QUERY_WORDS: usize = 8;
/// The version of the terms a document yields. Raise it whenever [`Document::terms`]
/// changes: the store re-indexes documents of an older version at start.
pub const INDEX_VERSION: i32 = 1;

/// Shortest word that a prefix may extend ("ma" finds "Martin"; "m" alone does not).
const PREFIX_MIN_CHARS: usize = 2;
/// Words (of letters only) between these lengths tolerate one typo.
const FUZZY_MIN_CHARS: usize = 4;
const FUZZY_MAX_CHARS: usize = 20;

// ---------------------------------------------------------------------------------------
// Folding

/// What a character becomes once folded.
enum Folded {
    /// A combining accent: dropped, the word goes on ("e" + U+0301 is "e").
    Mark,
    /// Not a letter or digit: ends the word.
    Separator,
    Text(&'static str),
    Char(char),
}

fn fold_char(c: char) -> Folded {
    if ('\u{300}'..='\u{36f}').contains(&c) {
        return Folded::Mark;
    }
    let s = match c {
        'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'ç' | 'ć' | 'č' => "c",
        'ď' | 'đ' => "d",
        'é' | 'è' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'ğ' => "g",
        'î' | 'ï' | 'í' | 'ì' | 'ī' | 'ı' => "i",
        'ł' => "l",
        'ñ' | 'ń' | 'ň' => "n",
        'ô' | 'ö' | 'ó' | 'ò' | 'õ' | 'ø' | 'ō' | 'ő' => "o",
        'ř' => "r",
        'ś' | 'š' | 'ş' => "s",
        'ť' => "t",
        'ù' | 'û' | 'ü' | 'ú' | 'ū' | 'ů' | 'ű' => "u",
        'ÿ' | 'ý' => "y",
        'ź' | 'ż' | 'ž' => "z",
        'œ' => "oe",
        'æ' => "ae",
        'ß' => "ss",
        c if c.is_alphanumeric() => return Folded::Char(c),
        _ => return Folded::Separator,
    };
    Folded::Text(s)
}

/// A word of a text, folded, with where it is in the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    pub folded: String,
    /// Byte range in the original text.
    pub start: usize,
    pub end: usize,
    /// For each original character of the word: (folded length so far, original byte end).
    steps: Vec<(usize, usize)>,
}

impl Word {
    /// The original byte end of the shortest part of the word whose folded form has at
    /// least `folded_len` bytes: how much of the original a prefix match covers.
    fn end_of_prefix(&self, folded_len: usize) -> usize {
        self.steps
            .iter()
            .find(|(len, _)| *len >= folded_len)
            .map_or(self.end, |(_, end)| *end)
    }
}

/// The folded words of `text`, in order.
pub(crate) fn words(text: &str) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::new();
    let mut current: Option<Word> = None;
    for (at, c) in text.char_indices() {
        let end = at + c.len_utf8();
        for lower in c.to_lowercase() {
            match fold_char(lower) {
                Folded::Separator => out.extend(current.take()),
                Folded::Mark => {
                    if let Some(w) = current.as_mut() {
                        w.end = end;
                        if let Some(last) = w.steps.last_mut() {
                            last.1 = end;
                        }
                    }
                }
                folded => {
                    let w = current.get_or_insert_with(|| Word {
                        folded: String::new(),
                        start: at,
                        end,
                        steps: Vec::new(),
                    });
                    match folded {
                        Folded::Text(s) => w.folded.push_str(s),
                        Folded::Char(c) => w.folded.push(c),
                        Folded::Mark | Folded::Separator => {}
                    }
                    w.end = end;
                    match w.steps.last_mut() {
                        // Several lowercase characters from one original (İ): one step.
                        Some(last) if last.1 == end => last.0 = w.folded.len(),
                        _ => w.steps.push((w.folded.len(), end)),
                    }
                }
            }
        }
    }
    out.extend(current);
    out
}

/// Lowercase, accents removed, every run of other characters than letters and digits made
/// one space: the form in which names are searched and sorted ("Hélène Lefèvre-Dupré" →
/// "helene lefevre dupre"; decomposed accents too).
pub fn fold(s: &str) -> String {
    words(s)
        .into_iter()
        .map(|w| w.folded)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every string made from `word` by deleting one character, without repeats.
pub fn deletions(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let mut out: Vec<String> = (0..chars.len())
        .map(|i| {
            chars[..i]
                .iter()
                .chain(chars[i + 1..].iter())
                .collect::<String>()
        })
        .collect();
    out.dedup();
    out
}

fn fuzzy_eligible(word: &str) -> bool {
    let n = word.chars().count();
    (FUZZY_MIN_CHARS..=FUZZY_MAX_CHARS).contains(&n) && word.chars().all(char::is_alphabetic)
}

/// An e-mail address (or its beginning) as a single key: letters and digits stay, other
/// characters become two-letter escapes starting with `z` (and `z` itself `zz`), so that the
/// key of a prefix is a prefix of the key.
fn email_key(email: &str) -> String {
    let mut out = String::from("m");
    for c in email.chars().flat_map(char::to_lowercase) {
        match c {
            'z' => out.push_str("zz"),
            '@' => out.push_str("za"),
            '.' => out.push_str("zb"),
            '_' => out.push_str("zc"),
            '-' => out.push_str("zd"),
            '+' => out.push_str("ze"),
            c if c.is_ascii_alphanumeric() => out.push(c),
            c if c.is_ascii() => out.push_str(&format!("zf{:02x}", c as u32)),
            c if c.is_alphanumeric() => out.push(c),
            c => out.push_str(&format!("zg{:06x}", c as u32)),
        }
    }
    out
}

/// Does a search box text contain characters of an e-mail address that split words?
fn has_email_punctuation(raw: &str) -> bool {
    raw.contains(['@', '.', '_', '-', '+']) && raw.chars().any(char::is_alphanumeric)
}

// ---------------------------------------------------------------------------------------
// Documents

/// What a field of a document holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FieldKind {
    #[serde(rename = "g")]
    GivenName,
    #[serde(rename = "f")]
    FamilyName,
    #[serde(rename = "o")]
    OrganisationName,
    #[serde(rename = "e")]
    Email,
    #[serde(rename = "p")]
    Phone,
    #[serde(rename = "s")]
    Siret,
    #[serde(rename = "a")]
    Address,
}

/// The weight of a field in ranking: a match in a name beats one in an identifier (e-mail,
/// phone, SIRET), which beats one in an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldClass {
    Address,
    Identifier,
    Name,
}

impl FieldKind {
    pub fn class(self) -> FieldClass {
        match self {
            Self::GivenName | Self::FamilyName | Self::OrganisationName => FieldClass::Name,
            Self::Email | Self::Phone | Self::Siret => FieldClass::Identifier,
            Self::Address => FieldClass::Address,
        }
    }

    /// As the API names it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::GivenName => "given_name",
            Self::FamilyName => "family_name",
            Self::OrganisationName => "name",
            Self::Email => "email",
            Self::Phone => "phone",
            Self::Siret => "siret",
            Self::Address => "address",
        }
    }

    fn is_name(self) -> bool {
        self.class() == FieldClass::Name
    }

    /// Words of names and addresses have a stem; e-mail pieces do not.
    fn stemmed(self) -> bool {
        matches!(self.class(), FieldClass::Name | FieldClass::Address)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Person,
    Organisation,
}

impl EntityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Person => "person",
            Self::Organisation => "organisation",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "person" => Some(Self::Person),
            "organisation" => Some(Self::Organisation),
            _ => None,
        }
    }
}

/// One field: what it is and its text as entered (phones in E.164).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field(pub FieldKind, pub String);

/// What search knows of a person or an organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub kind: EntityKind,
    pub fields: Vec<Field>,
}

/// A postal address on one line, as search shows it: "12 rue des Lilas, 44000 Nantes".
pub fn address_line(lines: &str, postcode: &str, city: &str, country: &str) -> String {
    let mut parts: Vec<String> = lines
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    parts.push(format!("{postcode} {city}").trim().to_owned());
    if !country.is_empty() && country != "FR" {
        parts.push(country.to_owned());
    }
    parts.join(", ")
}

impl Document {
    /// A person: names, then e-mail addresses, phone numbers (E.164) and addresses (see
    /// [`address_line`]).
    pub fn person(
        given_name: &str,
        family_name: &str,
        emails: &[String],
        phones: &[String],
        addresses: &[String],
    ) -> Self {
        let mut fields = vec![
            Field(FieldKind::GivenName, given_name.to_owned()),
            Field(FieldKind::FamilyName, family_name.to_owned()),
        ];
        fields.extend(emails.iter().map(|e| Field(FieldKind::Email, e.clone())));
        fields.extend(phones.iter().map(|p| Field(FieldKind::Phone, p.clone())));
        fields.extend(
            addresses
                .iter()
                .map(|a| Field(FieldKind::Address, a.clone())),
        );
        Self {
            kind: EntityKind::Person,
            fields,
        }
    }

    pub fn organisation(name: &str, siret: Option<&str>) -> Self {
        let mut fields = vec![Field(FieldKind::OrganisationName, name.to_owned())];
        fields.extend(siret.map(|s| Field(FieldKind::Siret, s.to_owned())));
        Self {
            kind: EntityKind::Organisation,
            fields,
        }
    }

    /// The fields as stored (JSON: `[["g","Hélène"],…]`).
    pub fn fields_json(&self) -> String {
        serde_json::to_string(&self.fields).unwrap_or_else(|_| "[]".to_owned())
    }

    /// A document back from its stored fields.
    pub fn from_stored(kind: EntityKind, fields_json: &str) -> Option<Self> {
        serde_json::from_str(fields_json)
            .ok()
            .map(|fields| Self { kind, fields })
    }

    fn values(&self, kind: FieldKind) -> impl Iterator<Item = &str> {
        self.fields
            .iter()
            .filter(move |f| f.0 == kind)
            .map(|f| f.1.as_str())
    }

    /// The name shown: "Given Family", or the organisation's name.
    pub fn title(&self) -> String {
        match self.kind {
            EntityKind::Person => format!(
                "{} {}",
                self.values(FieldKind::GivenName).next().unwrap_or_default(),
                self.values(FieldKind::FamilyName)
                    .next()
                    .unwrap_or_default()
            ),
            EntityKind::Organisation => self
                .values(FieldKind::OrganisationName)
                .next()
                .unwrap_or_default()
                .to_owned(),
        }
    }

    /// The order among equally ranked results: family then given name, folded.
    pub fn sort_key(&self) -> String {
        match self.kind {
            EntityKind::Person => fold(&format!(
                "{} {}",
                self.values(FieldKind::FamilyName)
                    .next()
                    .unwrap_or_default(),
                self.values(FieldKind::GivenName).next().unwrap_or_default()
            )),
            EntityKind::Organisation => fold(&self.title()),
        }
    }

    /// The index keys of the document (see the module documentation), sorted, no repeats.
    pub fn terms(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for Field(kind, value) in &self.fields {
            match kind {
                FieldKind::Phone => out.push(format!("t{}", digits(value))),
                FieldKind::Siret => out.push(format!("k{}", digits(value))),
                FieldKind::Email => {
                    out.push(email_key(value));
                    out.extend(words(value).into_iter().map(|w| format!("w{}", w.folded)));
                }
                _ => {
                    for w in words(value) {
                        if kind.stemmed() {
                            let s = stem(&w.folded);
                            if s != w.folded {
                                out.push(format!("s{s}"));
                            }
                        }
                        if kind.is_name() && fuzzy_eligible(&w.folded) {
                            out.extend(deletions(&w.folded).into_iter().map(|d| format!("d{d}")));
                        }
                        out.push(format!("w{}", w.folded));
                    }
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

// ---------------------------------------------------------------------------------------
// Queries

/// How a query word matched a document word, worst first. The search widens in the
/// opposite order: exact words, then prefixes, stems and one typo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    Fuzzy,
    Stem,
    Prefix,
    Exact,
}

impl MatchKind {
    /// The search's steps, strictest first.
    pub const WIDENING: [MatchKind; 4] = [Self::Exact, Self::Prefix, Self::Stem, Self::Fuzzy];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fuzzy => "fuzzy",
            Self::Stem => "stem",
            Self::Prefix => "prefix",
            Self::Exact => "exact",
        }
    }
}

/// A condition on index keys, which the store writes in its database's query language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// Documents with this key (or, with `prefix`, a key starting with it).
    Key {
        key: String,
        prefix: bool,
    },
    All(Vec<Expr>),
    Any(Vec<Expr>),
}

impl Expr {
    fn key(key: String) -> Self {
        Self::Key { key, prefix: false }
    }

    fn prefix(key: String) -> Self {
        Self::Key { key, prefix: true }
    }

    fn any(mut items: Vec<Expr>) -> Self {
        items.dedup();
        if items.len() == 1 {
            items.remove(0)
        } else {
            Self::Any(items)
        }
    }

    fn all(mut items: Vec<Expr>) -> Self {
        if items.len() == 1 {
            items.remove(0)
        } else {
            Self::All(items)
        }
    }
}

/// One whitespace-separated part of the query: its folded words, all of which must match,
/// unless the part as typed starts an e-mail address of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Part {
    words: Vec<String>,
    /// Lowercase, when it has e-mail punctuation (`h_lef@`, `jean.dupont`).
    email: Option<String>,
}

impl Part {
    /// Typed with an `@`: an e-mail address or its beginning, not a name.
    fn is_address(&self) -> bool {
        self.email.as_deref().is_some_and(|e| e.contains('@'))
    }
}

/// What was typed in a search box, understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    parts: Vec<Part>,
    /// The whole query read as the beginning of a phone number: E.164 digits without `+`.
    phone: Option<String>,
    /// The whole query read as the beginning of a SIRET (9 to 14 digits).
    siret: Option<String>,
}

impl Query {
    /// Errors (field `q`): `search-empty`, `search-too-long`, `search-invalid` (control
    /// characters), `search-no-words` (nothing searchable, e.g. "%"),
    /// `search-too-many-words`.
    pub fn parse(q: &str) -> Result<Self> {
        let q = q.trim();
        if q.is_empty() {
            return Err(Invalid::new("q", "search-empty"));
        }
        if q.chars().count() > MAX_QUERY_CHARS {
            return Err(Invalid::new("q", "search-too-long"));
        }
        if q.chars().any(char::is_control) {
            return Err(Invalid::new("q", "search-invalid"));
        }
        let parts: Vec<Part> = q
            .split_whitespace()
            .map(|raw| Part {
                words: words(raw).into_iter().map(|w| w.folded).collect(),
                email: has_email_punctuation(raw).then(|| raw.to_lowercase()),
            })
            .filter(|p| !p.words.is_empty() || p.email.is_some())
            .collect();
        let phone = crate::people::phone_prefix(q).map(|p| digits(&p));
        let compact: String = q.chars().filter(|c| !matches!(c, ' ' | '.')).collect();
        let siret = ((9..=14).contains(&compact.len())
            && compact.chars().all(|c| c.is_ascii_digit()))
        .then_some(compact);
        if parts.is_empty() && phone.is_none() && siret.is_none() {
            return Err(Invalid::new("q", "search-no-words"));
        }
        if parts.iter().map(|p| p.words.len()).sum::<usize>() > MAX_QUERY_WORDS {
            return Err(Invalid::new("q", "search-too-many-words"));
        }
        Ok(Self {
            parts,
            phone,
            siret,
        })
    }

    /// The documents that may match with every word matching at least as well as `widest`
    /// (the index may return more: [`score`] decides).
    pub fn expression(&self, widest: MatchKind) -> Expr {
        let prefixes = widest <= MatchKind::Prefix;
        let whole = |kind: char, value: &str| {
            if prefixes {
                Expr::prefix(format!("{kind}{value}"))
            } else {
                Expr::key(format!("{kind}{value}"))
            }
        };
        let mut alternatives = Vec::new();
        if let Some(phone) = &self.phone {
            alternatives.push(whole('t', phone));
        }
        if let Some(siret) = &self.siret {
            alternatives.push(whole('k', siret));
        }
        if !self.parts.is_empty() {
            let parts = self
                .parts
                .iter()
                .map(|part| {
                    let mut ways = Vec::new();
                    if !part.words.is_empty() {
                        // The words of an address (`dupont`, `exemple`, `fr`) are matched
                        // exactly: widening them to prefixes, stems and typos finds half the
                        // index (every `.fr`) and no better address.
                        let widest = if part.is_address() {
                            MatchKind::Exact
                        } else {
                            widest
                        };
                        ways.push(Expr::all(
                            part.words.iter().map(|w| word_expr(w, widest)).collect(),
                        ));
                    }
                    if let Some(email) = &part.email {
                        // Typed with its punctuation, the beginning of an address counts as
                        // exact (see `score`).
                        ways.push(Expr::prefix(email_key(email)));
                    }
                    Expr::any(ways)
                })
                .collect();
            alternatives.push(Expr::all(parts));
        }
        Expr::any(alternatives)
    }
}

/// The keys that find a document word matching `word` at least as well as `widest`.
fn word_expr(word: &str, widest: MatchKind) -> Expr {
    let mut keys = Vec::new();
    if widest <= MatchKind::Prefix && word.chars().count() >= PREFIX_MIN_CHARS {
        keys.push(Expr::prefix(format!("w{word}")));
    } else {
        keys.push(Expr::key(format!("w{word}")));
    }
    if widest <= MatchKind::Stem {
        let s = stem(word);
        keys.push(Expr::key(format!("s{s}")));
        keys.push(Expr::key(format!("w{s}")));
    }
    if widest <= MatchKind::Fuzzy && fuzzy_eligible(word) {
        keys.push(Expr::key(format!("d{word}")));
        for d in deletions(word) {
            keys.push(Expr::key(format!("d{d}")));
            keys.push(Expr::key(format!("w{d}")));
        }
    }
    Expr::any(keys)
}

// ---------------------------------------------------------------------------------------
// Scoring and highlighting

/// A piece of a shown text, `marked` when it matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    pub text: String,
    pub marked: bool,
}

/// A field with the parts that matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Highlighted {
    pub kind: FieldKind,
    pub segments: Vec<Segment>,
}

/// Segments as HTML: the text escaped, the matches in `<mark>`.
pub fn segments_html(segments: &[Segment]) -> String {
    let mut out = String::new();
    for s in segments {
        let text = html_escape(&s.text);
        if s.marked {
            out.push_str("<mark>");
            out.push_str(&text);
            out.push_str("</mark>");
        } else {
            out.push_str(&text);
        }
    }
    out
}

fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

impl Highlighted {
    pub fn text(&self) -> String {
        self.segments.iter().map(|s| s.text.as_str()).collect()
    }

    pub fn html(&self) -> String {
        segments_html(&self.segments)
    }
}

/// How well a document matches: the worst-matching query word first (so a document where
/// every word is exact beats one that needed a prefix), then the sum over the words.
/// Each word counts `kind × 3 + class`: exact > prefix > stem > typo, and for the same kind a
/// name beats an identifier, which beats an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rank {
    pub worst: u8,
    pub total: u32,
}

/// A document that matches, ranked, with its highlights.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scored {
    pub rank: Rank,
    /// How the worst query word matched, and where.
    pub kind: MatchKind,
    pub class: FieldClass,
    /// The name shown, with matches marked.
    pub title: Vec<Segment>,
    /// Other fields that matched, in the document's order.
    pub matches: Vec<Highlighted>,
}

/// One query word (or whole-query alternative) matched in one place.
#[derive(Debug, Clone, Copy)]
struct Hit {
    kind: MatchKind,
    field: usize,
    start: usize,
    end: usize,
}

impl Hit {
    fn points(&self, doc: &Document) -> u8 {
        (self.kind as u8) * 3 + doc.fields[self.field].0.class() as u8
    }
}

/// The best matches of a folded query word among the words of the document: every
/// occurrence with the best points (all are highlighted), none if it does not match.
fn best_word_hits(word: &str, doc: &Document, doc_words: &[Vec<Word>]) -> Vec<Hit> {
    let word_stem = stem(word);
    let mut best: Vec<Hit> = Vec::new();
    for (i, (Field(kind, _), ws)) in doc.fields.iter().zip(doc_words).enumerate() {
        if matches!(kind, FieldKind::Phone | FieldKind::Siret) {
            continue;
        }
        for w in ws {
            let d = w.folded.as_str();
            let hit = |kind: MatchKind, end: usize| Hit {
                kind,
                field: i,
                start: w.start,
                end,
            };
            let found = if d == word {
                Some(hit(MatchKind::Exact, w.end))
            } else if word.chars().count() >= PREFIX_MIN_CHARS && d.starts_with(word) {
                Some(hit(MatchKind::Prefix, w.end_of_prefix(word.len())))
            } else if kind.stemmed() && stem(d) == word_stem {
                Some(hit(MatchKind::Stem, w.end))
            } else if kind.is_name()
                && fuzzy_eligible(word)
                && fuzzy_eligible(d)
                && crate::people::duplicates::within_one_edit(word, d)
            {
                Some(hit(MatchKind::Fuzzy, w.end))
            } else {
                None
            };
            if let Some(h) = found {
                let points = h.points(doc);
                match best.first().map(|b| b.points(doc)) {
                    Some(p) if p > points => {}
                    Some(p) if p == points => best.push(h),
                    _ => best = vec![h],
                }
            }
        }
    }
    best
}

/// The whole-value alternatives (phone, SIRET, e-mail prefix): the first field of `kind`
/// whose `normalised` value starts with `wanted`, marked up to `shown_len(wanted)` bytes.
fn value_hit(
    doc: &Document,
    kind: FieldKind,
    wanted: &str,
    normalised: impl Fn(&str) -> String,
    shown_end: impl Fn(&str, usize) -> usize,
) -> Option<Hit> {
    doc.fields.iter().enumerate().find_map(|(i, Field(k, v))| {
        let n = normalised(v);
        (*k == kind && n.starts_with(wanted)).then(|| Hit {
            kind: if n == wanted {
                MatchKind::Exact
            } else {
                MatchKind::Prefix
            },
            field: i,
            start: 0,
            end: shown_end(v, wanted.chars().count()),
        })
    })
}

/// Byte end of the first `n` digits of `value` (and whatever precedes them, such as `+`).
fn end_after_digits(value: &str, n: usize) -> usize {
    let mut seen = 0;
    for (at, c) in value.char_indices() {
        if c.is_ascii_digit() {
            seen += 1;
            if seen == n {
                return at + c.len_utf8();
            }
        }
    }
    value.len()
}

fn end_after_chars(value: &str, n: usize) -> usize {
    value
        .char_indices()
        .nth(n)
        .map_or(value.len(), |(at, _)| at)
}

fn rank_of(hits: &[Hit], doc: &Document) -> Option<Rank> {
    let points: Vec<u8> = hits.iter().map(|h| h.points(doc)).collect();
    Some(Rank {
        worst: *points.iter().min()?,
        total: points.iter().map(|&p| u32::from(p)).sum(),
    })
}

/// Does `doc` match `query`? If so, how well, and what to highlight.
pub fn score(query: &Query, doc: &Document) -> Option<Scored> {
    let doc_words: Vec<Vec<Word>> = doc.fields.iter().map(|f| words(&f.1)).collect();
    let mut ways: Vec<(Vec<Hit>, Vec<Hit>)> = Vec::new();
    for (wanted, kind) in [
        (&query.phone, FieldKind::Phone),
        (&query.siret, FieldKind::Siret),
    ] {
        if let Some(wanted) = wanted {
            ways.extend(
                value_hit(doc, kind, wanted, digits, end_after_digits).map(|h| (vec![h], vec![h])),
            );
        }
    }
    if !query.parts.is_empty() {
        let mut ranked = Vec::new();
        let mut shown = Vec::new();
        let mut every_part = true;
        for part in &query.parts {
            let by_words: Option<Vec<Vec<Hit>>> = (!part.words.is_empty())
                .then(|| {
                    part.words
                        .iter()
                        .map(|w| Some(best_word_hits(w, doc, &doc_words)).filter(|h| !h.is_empty()))
                        .collect()
                })
                .flatten();
            // What was typed, punctuation included, begins an e-mail address: as good as
            // an exact word, for each word of the part.
            let by_email = part.email.as_deref().and_then(|e| {
                value_hit(doc, FieldKind::Email, e, str::to_lowercase, end_after_chars).map(|h| {
                    Hit {
                        kind: MatchKind::Exact,
                        ..h
                    }
                })
            });
            let email_wins = |words: &[Vec<Hit>], e: &Hit| {
                words
                    .iter()
                    .map(|h| h[0].points(doc))
                    .min()
                    .is_none_or(|w| e.points(doc) >= w)
            };
            match (by_words, by_email) {
                (Some(w), Some(e)) if email_wins(&w, &e) => {
                    ranked.extend(std::iter::repeat_n(e, w.len()));
                    shown.push(e);
                }
                (Some(w), _) => {
                    ranked.extend(w.iter().map(|h| h[0]));
                    shown.extend(w.into_iter().flatten());
                }
                (None, Some(e)) => {
                    ranked.push(e);
                    shown.push(e);
                }
                (None, None) => {
                    every_part = false;
                    break;
                }
            }
        }
        if every_part {
            ways.push((ranked, shown));
        }
    }
    let best = ways
        .into_iter()
        .filter_map(|(ranked, shown)| rank_of(&ranked, doc).map(|r| (r, ranked, shown)))
        .max_by_key(|(r, _, _)| *r);
    let (rank, ranked, hits) = best?;
    let worst = ranked.iter().min_by_key(|h| h.points(doc))?;
    let marked = |field: usize| -> Vec<Segment> {
        let mut spans: Vec<(usize, usize)> = hits
            .iter()
            .filter(|h| h.field == field)
            .map(|h| (h.start, h.end))
            .collect();
        spans.sort();
        segments(&doc.fields[field].1, &spans)
    };
    let mut title = Vec::new();
    let mut matches = Vec::new();
    for (i, Field(kind, _)) in doc.fields.iter().enumerate() {
        if kind.is_name() {
            if !title.is_empty() {
                title.push(Segment {
                    text: " ".into(),
                    marked: false,
                });
            }
            title.extend(marked(i));
        } else if hits.iter().any(|h| h.field == i) {
            matches.push(Highlighted {
                kind: *kind,
                segments: marked(i),
            });
        }
    }
    Some(Scored {
        rank,
        kind: worst.kind,
        class: doc.fields[worst.field].0.class(),
        title,
        matches,
    })
}

/// `text` cut into segments, the sorted byte `spans` marked (overlaps merged).
fn segments(text: &str, spans: &[(usize, usize)]) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut at = 0;
    let push = |out: &mut Vec<Segment>, text: &str, marked: bool| {
        if text.is_empty() {
            return;
        }
        match out.last_mut() {
            Some(Segment { text: t, marked: m }) if *m == marked => t.push_str(text),
            _ => out.push(Segment {
                text: text.to_owned(),
                marked,
            }),
        }
    };
    for &(start, end) in spans {
        let start = start.max(at);
        if end <= start {
            continue;
        }
        push(&mut out, &text[at..start], false);
        push(&mut out, &text[start..end], true);
        at = end;
    }
    push(&mut out, &text[at..], false);
    out
}

#[cfg(test)]
mod tests;
