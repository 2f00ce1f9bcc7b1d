//! Importing persons from CSV files as French spreadsheets export them: UTF-8 (with or
//! without BOM) or Windows-1252, `;`, `,` or tab, quoted fields (RFC 4180). Pure functions:
//! the web layer keeps the uploaded file on disk and reads it a row at a time with [`scan`]
//! (the upload's check) and [`open`] (from any `Read` it opens: memory bounded by a chunk
//! and a row, not by the file), shows [`suggest_mapping`] on the mapping screen, the dry
//! run's [`tally`] (counts and rejected rows), and offers [`rejected_csv`] for download; the
//! background job stores the rows [`check`] accepts, a batch at a time. [`read`],
//! [`decode`] and [`dry_run`] do the same on bytes in memory.
//!
//! No row is silently dropped: every data row of the file ends up exactly once in
//! [`Report::accepted`] or [`Report::rejected`] (with at least one reason). A file that cannot
//! be read as a table (broken encoding, unterminated quote, inconsistent columns) is refused
//! as a whole with an [`ImportError`] naming its line.

use crate::{
    Email, csv,
    error::Invalid,
    people::{self, PersonIdentity, Phone, PostalAddress},
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

#[path = "import_stream.rs"]
mod stream;
pub use stream::{
    CharSource, Checked, Decoder, ReadError, RecordReader, Rows, Scan, StrChars, Tally, check,
    detect_encoding, open, scan, tally,
};

/// Every message id this module produces: its own `import-…` ids and the people rules' ids
/// that can appear as a rejection reason.
pub const IMPORT_CODES: &[&str] = &[
    // The file as a whole.
    "import-invalid-encoding",
    "import-not-csv",
    "import-binary-file",
    "import-empty-file",
    "import-no-rows",
    "import-missing-header",
    "import-unterminated-quote",
    "import-column-count",
    "import-mapping-width",
    "import-mapping-missing",
    "import-mapping-duplicate",
    "import-vcard-no-colon",
    "import-vcard-outside",
    "import-vcard-nested",
    "import-vcard-unclosed",
    "import-vcard-version",
    "import-vcard-encoding",
    // A row.
    "import-empty-row",
    "person-invalid-given-name",
    "person-invalid-family-name",
    "person-invalid-birth-date",
    "person-invalid-email",
    "person-invalid-phone",
    "person-invalid-address-lines",
    "person-invalid-postcode",
    "person-invalid-city",
    "person-invalid-country",
    "person-invalid-tag",
];

/// Why a file is refused as a whole. [`ImportError::code`] is the message id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("byte {offset} (line {line}) is neither UTF-8 nor Windows-1252")]
    Encoding { offset: usize, line: usize },
    #[error("this is a spreadsheet workbook (xlsx, ods), not a CSV file")]
    NotCsv,
    #[error("this file is not text (a picture, a PDF, a program?)")]
    Binary,
    #[error("the file is empty")]
    Empty,
    #[error("the file has a header but no rows")]
    NoRows,
    #[error("line {line}: the header row is empty")]
    MissingHeader { line: usize },
    #[error("line {line}: a quoted field is never closed")]
    UnterminatedQuote { line: usize },
    #[error("line {line}: {actual} columns where the header has {expected}")]
    ColumnCount {
        line: usize,
        expected: usize,
        actual: usize,
    },
    #[error("the mapping has {actual} columns, the file {expected}")]
    MappingWidth { expected: usize, actual: usize },
    #[error("no column is mapped to {0}")]
    MappingMissing(Target),
    #[error("several columns are mapped to {0}")]
    MappingDuplicate(Target),
    #[error("card {card}, line {line}: {problem:?}")]
    Vcard {
        card: usize,
        line: usize,
        problem: crate::vcard::VcardProblem,
    },
}

impl ImportError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Encoding { .. } => "import-invalid-encoding",
            Self::NotCsv => "import-not-csv",
            Self::Binary => "import-binary-file",
            Self::Empty => "import-empty-file",
            Self::NoRows => "import-no-rows",
            Self::MissingHeader { .. } => "import-missing-header",
            Self::UnterminatedQuote { .. } => "import-unterminated-quote",
            Self::ColumnCount { .. } => "import-column-count",
            Self::MappingWidth { .. } => "import-mapping-width",
            Self::MappingMissing(_) => "import-mapping-missing",
            Self::MappingDuplicate(_) => "import-mapping-duplicate",
            Self::Vcard { problem, .. } => problem.code(),
        }
    }

    /// The line of the file the error is about, when there is one (1-based).
    pub fn line(&self) -> Option<usize> {
        match self {
            Self::Encoding { line, .. }
            | Self::MissingHeader { line }
            | Self::UnterminatedQuote { line }
            | Self::ColumnCount { line, .. }
            | Self::Vcard { line, .. } => Some(*line),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Encoding

/// The encoding a file was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    Utf8,
    /// UTF-8 with a byte order mark (Excel's "CSV UTF-8").
    Utf8Bom,
    /// UTF-16 little-endian with a byte order mark (Excel's "Unicode text").
    Utf16Le,
    Windows1252,
}

/// Windows-1252 from 0x80 to 0x9F (the rest is Latin-1); `None` for the five undefined bytes.
const WINDOWS_1252_HIGH: [Option<char>; 32] = [
    Some('\u{20AC}'),
    None,
    Some('\u{201A}'),
    Some('\u{0192}'),
    Some('\u{201E}'),
    Some('\u{2026}'),
    Some('\u{2020}'),
    Some('\u{2021}'),
    Some('\u{02C6}'),
    Some('\u{2030}'),
    Some('\u{0160}'),
    Some('\u{2039}'),
    Some('\u{0152}'),
    None,
    Some('\u{017D}'),
    None,
    None,
    Some('\u{2018}'),
    Some('\u{2019}'),
    Some('\u{201C}'),
    Some('\u{201D}'),
    Some('\u{2022}'),
    Some('\u{2013}'),
    Some('\u{2014}'),
    Some('\u{02DC}'),
    Some('\u{2122}'),
    Some('\u{0161}'),
    Some('\u{203A}'),
    Some('\u{0153}'),
    None,
    Some('\u{017E}'),
    Some('\u{0178}'),
];

/// The text of a file: UTF-8 (a BOM is removed), UTF-16LE with a BOM, else Windows-1252. A
/// file with a UTF-8 BOM must be valid UTF-8; NUL bytes and the five bytes Windows-1252
/// leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) are refused with their offset and line.
/// (The same rules as [`detect_encoding`] and [`Decoder`], which read a chunk at a time.)
pub fn decode(bytes: &[u8]) -> Result<(String, Encoding), ImportError> {
    let encoding = detect_encoding(bytes).map_err(stream::in_memory)?;
    let text = Decoder::new(bytes, encoding)
        .rest()
        .map_err(stream::in_memory)?;
    Ok((text, encoding))
}

impl Encoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Utf8 => "utf8",
            Self::Utf8Bom => "utf8_bom",
            Self::Utf16Le => "utf16_le",
            Self::Windows1252 => "windows1252",
        }
    }

    /// The inverse of [`Encoding::as_str`].
    pub fn parse(s: &str) -> Option<Encoding> {
        [Self::Utf8, Self::Utf8Bom, Self::Utf16Le, Self::Windows1252]
            .into_iter()
            .find(|e| e.as_str() == s)
    }
}

// ---------------------------------------------------------------------------------------
// Reading a whole file

/// The kinds of file the import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Csv,
    Vcard,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Vcard => "vcard",
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "csv" => Some(Self::Csv),
            "vcard" => Some(Self::Vcard),
            _ => None,
        }
    }
}

/// An uploaded file read as a table of rows to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub format: Format,
    pub encoding: Encoding,
    pub table: Table,
    /// The mapping a format imposes (vCard: its properties have fixed meanings); `None`:
    /// the person importing chooses it (CSV).
    pub fixed_mapping: Option<Mapping>,
}

/// Reads an uploaded file: its encoding ([`decode`]), then vCards when it starts with
/// `BEGIN:VCARD`, else a CSV table. A file with a NUL byte in its first kilobyte (and no
/// UTF-16 byte order mark) is not text; a file without data rows is refused too. The whole
/// table in memory: the web reads files with [`scan`] and [`open`] instead, a row at a time.
pub fn read(bytes: &[u8]) -> Result<Source, ImportError> {
    let mut rows = Vec::new();
    let scan = scan(std::io::Cursor::new(bytes), |r| rows.push(r)).map_err(stream::in_memory)?;
    Ok(Source {
        format: scan.format,
        encoding: scan.encoding,
        table: Table {
            delimiter: scan.delimiter,
            headers: scan.headers,
            rows,
        },
        fixed_mapping: scan.fixed_mapping,
    })
}

// ---------------------------------------------------------------------------------------
// Reading CSV

/// One record of the file: the line it starts on (1-based) and its fields, as written
/// (quotes removed, doubled quotes undone, line breaks inside quotes kept as `\n`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Record {
    pub line: usize,
    pub fields: Vec<String>,
}

impl Record {
    /// Every field blank.
    pub fn is_empty(&self) -> bool {
        self.fields.iter().all(|f| f.trim().is_empty())
    }
}

/// Splits `text` into records (RFC 4180, leniently: CRLF, LF or CR line ends; spaces before
/// an opening quote ignored; a quote inside an unquoted field kept as is). Blank lines at
/// the end of the file are not records; blank lines elsewhere are (empty rows).
pub fn read_records(text: &str, delimiter: char) -> Result<Vec<Record>, ImportError> {
    RecordReader::new(StrChars(text.chars()), delimiter).collect()
}

/// The delimiter of a file: the one of `;`, `,` and tab that splits the header into several
/// columns and the first lines into as many; `;` when in doubt (French spreadsheets use it,
/// since the comma is their decimal separator).
pub fn sniff_delimiter(text: &str) -> char {
    let head = match text.match_indices('\n').nth(20) {
        Some((i, _)) => &text[..i],
        None => text,
    };
    let mut best = (';', (false, 0, 0));
    for d in [';', ',', '\t'] {
        // A quote cut at the end of the sample: judge on the lines before it.
        let records = match read_records(head, d) {
            Ok(r) => r,
            Err(ImportError::UnterminatedQuote { line }) => {
                let cut = head
                    .split_inclusive('\n')
                    .take(line - 1)
                    .collect::<String>();
                read_records(&cut, d).unwrap_or_default()
            }
            Err(_) => Vec::new(),
        };
        let rows: Vec<_> = records.iter().filter(|r| !r.is_empty()).collect();
        let Some(width) = rows.first().map(|r| r.fields.len()) else {
            continue;
        };
        if width < 2 {
            continue;
        }
        let consistent = rows.iter().filter(|r| r.fields.len() == width).count();
        let score = (consistent == rows.len(), consistent, width);
        if score > best.1 {
            best = (d, score);
        }
    }
    best.0
}

/// A file read as a table: its delimiter, header and data rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table {
    pub delimiter: char,
    pub headers: Vec<String>,
    pub rows: Vec<Record>,
}

/// [`parse_table_with`] the delimiter [`sniff_delimiter`] finds.
pub fn parse_table(text: &str) -> Result<Table, ImportError> {
    parse_table_with(text, sniff_delimiter(text))
}

/// Reads a file whose first record is the header. Every non-empty row must have as many
/// columns as the header (empty trailing fields beyond it, which some spreadsheets write,
/// are dropped); the first one that does not is an error naming its line.
pub fn parse_table_with(text: &str, delimiter: char) -> Result<Table, ImportError> {
    let mut records = read_records(text, delimiter)?.into_iter();
    let header = records.next().ok_or(ImportError::Empty)?;
    if header.is_empty() {
        return Err(ImportError::MissingHeader { line: header.line });
    }
    let headers: Vec<String> = header.fields.iter().map(|h| h.trim().to_owned()).collect();
    let expected = headers.len();
    let mut rows = Vec::new();
    for mut r in records {
        fit_row(&mut r, expected)?;
        rows.push(r);
    }
    Ok(Table {
        delimiter,
        headers,
        rows,
    })
}

/// A data row against a header of `expected` columns: empty trailing fields beyond it are
/// dropped; a non-empty row of another width is an error naming its line.
fn fit_row(r: &mut Record, expected: usize) -> Result<(), ImportError> {
    if !r.is_empty() {
        while r.fields.len() > expected && r.fields.last().is_some_and(|f| f.trim().is_empty()) {
            r.fields.pop();
        }
        if r.fields.len() != expected {
            return Err(ImportError::ColumnCount {
                line: r.line,
                expected,
                actual: r.fields.len(),
            });
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Mapping

/// What a column of the file becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    GivenName,
    FamilyName,
    /// `dd/mm/yyyy` or `yyyy-mm-dd`.
    BirthDate,
    /// Several columns may be e-mails.
    Email,
    /// Several columns may be phones ("Téléphone", "Portable").
    Phone,
    /// Several columns may be address lines ("Adresse", "Complément d'adresse").
    Street,
    Postcode,
    City,
    Country,
    /// Tags separated by `,` or `|`; several columns may be tags.
    Tags,
    Ignore,
}

impl Target {
    pub const ALL: [Target; 11] = [
        Target::GivenName,
        Target::FamilyName,
        Target::BirthDate,
        Target::Email,
        Target::Phone,
        Target::Street,
        Target::Postcode,
        Target::City,
        Target::Country,
        Target::Tags,
        Target::Ignore,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::GivenName => "given_name",
            Self::FamilyName => "family_name",
            Self::BirthDate => "birth_date",
            Self::Email => "email",
            Self::Phone => "phone",
            Self::Street => "street",
            Self::Postcode => "postcode",
            Self::City => "city",
            Self::Country => "country",
            Self::Tags => "tags",
            Self::Ignore => "ignore",
        }
    }

    /// Whether several columns may map to it.
    pub fn repeatable(self) -> bool {
        matches!(
            self,
            Self::Email | Self::Phone | Self::Street | Self::Tags | Self::Ignore
        )
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Target {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or(Invalid::new("target", "import-mapping-missing"))
    }
}

/// One entry per column of the file; `None` is not mapped (ignored, like
/// [`Target::Ignore`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    pub columns: Vec<Option<Target>>,
}

impl Mapping {
    /// A mapping fit for a file with `width` columns: the given and family names mapped,
    /// single-valued targets at most once.
    pub fn check(&self, width: usize) -> Result<(), ImportError> {
        if self.columns.len() != width {
            return Err(ImportError::MappingWidth {
                expected: width,
                actual: self.columns.len(),
            });
        }
        for t in Target::ALL {
            let n = self.columns.iter().filter(|c| **c == Some(t)).count();
            if n > 1 && !t.repeatable() {
                return Err(ImportError::MappingDuplicate(t));
            }
            if n == 0 && matches!(t, Target::GivenName | Target::FamilyName) {
                return Err(ImportError::MappingMissing(t));
            }
        }
        Ok(())
    }
}

/// Header names (folded: lowercase, no accents, punctuation as spaces) and their targets.
const HEADER_NAMES: &[(&str, Target)] = &[
    ("prenom", Target::GivenName),
    ("prenoms", Target::GivenName),
    ("premier prenom", Target::GivenName),
    ("first name", Target::GivenName),
    ("firstname", Target::GivenName),
    ("given name", Target::GivenName),
    ("forename", Target::GivenName),
    ("nom", Target::FamilyName),
    ("nom de famille", Target::FamilyName),
    ("nom d usage", Target::FamilyName),
    ("nom de naissance", Target::FamilyName),
    ("nom patronymique", Target::FamilyName),
    ("last name", Target::FamilyName),
    ("lastname", Target::FamilyName),
    ("family name", Target::FamilyName),
    ("surname", Target::FamilyName),
    ("date de naissance", Target::BirthDate),
    ("date naissance", Target::BirthDate),
    ("naissance", Target::BirthDate),
    ("ne le", Target::BirthDate),
    ("nee le", Target::BirthDate),
    ("ne e le", Target::BirthDate),
    ("birth date", Target::BirthDate),
    ("birthdate", Target::BirthDate),
    ("date of birth", Target::BirthDate),
    ("dob", Target::BirthDate),
    ("birthday", Target::BirthDate),
    ("courriel", Target::Email),
    ("adresse courriel", Target::Email),
    ("mel", Target::Email),
    ("mail", Target::Email),
    ("e mail", Target::Email),
    ("email", Target::Email),
    ("adresse mail", Target::Email),
    ("adresse e mail", Target::Email),
    ("adresse email", Target::Email),
    ("adresse electronique", Target::Email),
    ("email address", Target::Email),
    ("e mail address", Target::Email),
    ("telephone", Target::Phone),
    ("tel", Target::Phone),
    ("n telephone", Target::Phone),
    ("n de telephone", Target::Phone),
    ("numero de telephone", Target::Phone),
    ("telephone fixe", Target::Phone),
    ("tel fixe", Target::Phone),
    ("fixe", Target::Phone),
    ("portable", Target::Phone),
    ("telephone portable", Target::Phone),
    ("tel portable", Target::Phone),
    ("mobile", Target::Phone),
    ("telephone mobile", Target::Phone),
    ("gsm", Target::Phone),
    ("phone", Target::Phone),
    ("phone number", Target::Phone),
    ("mobile phone", Target::Phone),
    ("cell", Target::Phone),
    ("cell phone", Target::Phone),
    ("adresse", Target::Street),
    ("adresse postale", Target::Street),
    ("rue", Target::Street),
    ("voie", Target::Street),
    ("numero et voie", Target::Street),
    ("complement", Target::Street),
    ("complement d adresse", Target::Street),
    ("complement adresse", Target::Street),
    ("adresse ligne", Target::Street),
    ("address", Target::Street),
    ("street", Target::Street),
    ("street address", Target::Street),
    ("address line", Target::Street),
    ("code postal", Target::Postcode),
    ("cp", Target::Postcode),
    ("postcode", Target::Postcode),
    ("post code", Target::Postcode),
    ("postal code", Target::Postcode),
    ("zip", Target::Postcode),
    ("zip code", Target::Postcode),
    ("zipcode", Target::Postcode),
    ("ville", Target::City),
    ("commune", Target::City),
    ("localite", Target::City),
    ("city", Target::City),
    ("town", Target::City),
    ("pays", Target::Country),
    ("country", Target::Country),
    ("etiquette", Target::Tags),
    ("etiquettes", Target::Tags),
    ("mots cles", Target::Tags),
    ("tag", Target::Tags),
    ("tags", Target::Tags),
    ("labels", Target::Tags),
];

fn header_target(header: &str) -> Option<Target> {
    let folded = people::fold(header);
    let find = |name: &str| {
        HEADER_NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| *t)
    };
    find(&folded).or_else(|| {
        // "Téléphone 2", "Adresse ligne 1", "E-mail (2)".
        let base = folded.trim_end_matches(|c: char| c.is_ascii_digit() || c == ' ');
        (base != folded).then(|| find(base)).flatten()
    })
}

/// The mapping the screen proposes: each header recognised by its usual French or English
/// name, accents and case ignored; a single-valued target only for its first column.
pub fn suggest_mapping(headers: &[String]) -> Mapping {
    let mut columns: Vec<Option<Target>> = Vec::with_capacity(headers.len());
    for h in headers {
        let t = header_target(h).filter(|t| t.repeatable() || !columns.contains(&Some(*t)));
        columns.push(t);
    }
    Mapping { columns }
}

// ---------------------------------------------------------------------------------------
// Dry run

/// A row that passed every rule, ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportedPerson {
    pub line: usize,
    pub identity: PersonIdentity,
    pub emails: Vec<Email>,
    pub phones: Vec<Phone>,
    pub address: Option<PostalAddress>,
    pub tags: Vec<String>,
}

/// A row refused, with its values as read and why: (column name, message id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RejectedRow {
    pub line: usize,
    pub values: Vec<String>,
    pub reasons: Vec<(String, &'static str)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Report {
    pub accepted: Vec<ImportedPerson>,
    pub rejected: Vec<RejectedRow>,
}

/// A phone as found in a spreadsheet: a French number whose leading zero the spreadsheet
/// dropped (`612345678`) is read as `0612345678`.
fn import_phone(s: &str) -> crate::Result<Phone> {
    Phone::parse(s).or_else(|e| {
        let digits: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() == 9 && digits.chars().all(|c| c.is_ascii_digit()) {
            Phone::parse(&format!("0{digits}"))
        } else {
            Err(e)
        }
    })
}

/// Reads and checks every row of `text` (see [`parse_table`]) with the people rules.
/// `today` bounds birth dates.
pub fn dry_run(text: &str, mapping: &Mapping, today: NaiveDate) -> Result<Report, ImportError> {
    let table = parse_table(text)?;
    dry_run_table(&table, mapping, today)
}

/// [`dry_run`] on a table already read.
pub fn dry_run_table(
    table: &Table,
    mapping: &Mapping,
    today: NaiveDate,
) -> Result<Report, ImportError> {
    let mut report = Report::default();
    for outcome in check_rows(table, mapping, today)? {
        match outcome {
            Ok(person) => report.accepted.push(person),
            Err(rejected) => report.rejected.push(rejected),
        }
    }
    Ok(report)
}

/// The rows of `table` checked one by one, in order, as [`dry_run_table`] does, without
/// holding them all: an import of a million rows keeps one batch in memory, not a million
/// persons.
pub fn check_rows<'a>(
    table: &'a Table,
    mapping: &'a Mapping,
    today: NaiveDate,
) -> Result<impl Iterator<Item = Result<ImportedPerson, RejectedRow>> + 'a, ImportError> {
    mapping.check(table.headers.len())?;
    Ok(table.rows.iter().map(move |row| {
        check_row(&table.headers, mapping, row, today).map_err(|reasons| RejectedRow {
            line: row.line,
            values: row.fields.clone(),
            reasons,
        })
    }))
}

fn check_row(
    headers: &[String],
    mapping: &Mapping,
    row: &Record,
    today: NaiveDate,
) -> Result<ImportedPerson, Vec<(String, &'static str)>> {
    if row.is_empty() {
        return Err(vec![(String::new(), "import-empty-row")]);
    }
    let cells = || {
        mapping
            .columns
            .iter()
            .zip(headers)
            .zip(&row.fields)
            .filter_map(|((t, h), v)| t.map(|t| (t, h, csv::unguard_formula(v.trim()).trim())))
    };
    let one = |target: Target| {
        cells()
            .find(|(t, ..)| *t == target)
            .map_or("", |(_, _, v)| v)
    };
    let name_of = |target: Target| {
        cells()
            .find(|(t, ..)| *t == target)
            .map_or_else(|| target.as_str().to_owned(), |(_, h, _)| h.clone())
    };
    let mut reasons: Vec<(String, &'static str)> = Vec::new();
    let mut push = |target: Target, e: Invalid| reasons.push((name_of(target), e.code));

    let identity = PersonIdentity::parse(
        one(Target::GivenName),
        one(Target::FamilyName),
        Some(one(Target::BirthDate)),
        "",
        today,
    )
    .map_err(|errors| {
        for e in errors {
            let target = match e.field {
                "given_name" => Target::GivenName,
                "family_name" => Target::FamilyName,
                _ => Target::BirthDate,
            };
            push(target, e);
        }
    })
    .ok();

    let (mut emails, mut phones, mut tags) = (Vec::new(), Vec::new(), Vec::new());
    let mut street = Vec::new();
    for (t, h, v) in cells() {
        match t {
            Target::Email if !v.is_empty() => match people::person_email(v) {
                Ok(e) if !emails.contains(&e) => emails.push(e),
                Ok(_) => {}
                Err(e) => reasons.push((h.clone(), e.code)),
            },
            Target::Phone if !v.is_empty() => match import_phone(v) {
                Ok(p) if !phones.contains(&p) => phones.push(p),
                Ok(_) => {}
                Err(e) => reasons.push((h.clone(), e.code)),
            },
            Target::Tags => {
                for part in v.split([',', '|']).filter(|p| !p.trim().is_empty()) {
                    match people::tag(part) {
                        Ok(tag) if !tags.contains(&tag) => tags.push(tag),
                        Ok(_) => {}
                        Err(e) => reasons.push((h.clone(), e.code)),
                    }
                }
            }
            Target::Street if !v.is_empty() => street.push(v),
            _ => {}
        }
    }

    let (postcode, city) = (one(Target::Postcode), one(Target::City));
    let address = if street.is_empty() && postcode.is_empty() && city.is_empty() {
        None
    } else {
        let country = one(Target::Country);
        // A French postcode whose leading zero the spreadsheet dropped ("1000" for Bourg).
        let postcode = if postcode.len() == 4
            && postcode.chars().all(|c| c.is_ascii_digit())
            && matches!(country.to_ascii_uppercase().as_str(), "" | "FR")
        {
            format!("0{postcode}")
        } else {
            postcode.to_owned()
        };
        PostalAddress::parse(&street.join("\n"), &postcode, city, country)
            .map_err(|errors| {
                for e in errors {
                    let target = match e.field {
                        "postcode" => Target::Postcode,
                        "city" => Target::City,
                        "country" => Target::Country,
                        _ => Target::Street,
                    };
                    reasons.push((name_of(target), e.code));
                }
            })
            .ok()
    };

    match identity {
        Some(identity) if reasons.is_empty() => Ok(ImportedPerson {
            line: row.line,
            identity,
            emails,
            phones,
            address,
            tags,
        }),
        _ => Err(reasons),
    }
}

// ---------------------------------------------------------------------------------------
// Writing CSV

/// The header of the extra column of [`rejected_csv`].
pub const REASONS_COLUMN: &str = "reasons";

/// The message ids of a rejected row's reasons, joined with "; " (the reasons column when
/// no language is at hand).
pub fn reason_codes(row: &RejectedRow) -> String {
    row.reasons
        .iter()
        .map(|(_, code)| *code)
        .collect::<Vec<_>>()
        .join("; ")
}

/// The rejected rows as a CSV file to download, fix and import again: the file's header
/// plus a reasons column (headed `reasons_header`) holding what `reasons` says of each row.
/// Written by [`csv::Writer`] (BOM, CRLF, formula guard; the import reads guarded cells
/// back as they were).
pub fn rejected_csv(
    report: &Report,
    headers: &[String],
    delimiter: char,
    reasons_header: &str,
    reasons: impl Fn(&RejectedRow) -> String,
) -> String {
    let mut w = csv::Writer::with_bom(delimiter);
    w.record(headers.iter().map(String::as_str).chain([reasons_header]));
    for row in &report.rejected {
        let reasons = reasons(row);
        // An empty row keeps the header's width.
        let values = (0..headers.len().max(row.values.len()))
            .map(|i| row.values.get(i).map_or("", String::as_str))
            .chain([reasons.as_str()]);
        w.record(values);
    }
    w.finish()
}

#[cfg(test)]
#[path = "import_tests.rs"]
mod tests;
