//! Writing CSV files for people to open in a spreadsheet (rejected rows of an import,
//! exports of persons and segments): RFC 4180 quoting, CRLF line ends, an optional UTF-8
//! byte order mark (so that Excel reads accents right), and a guard against formula
//! injection.
//!
//! Formula injection: a spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a
//! formula (and a tab or carriage return may hide such a start). A value typed by the
//! public (a name, a message) must never run on an agent's machine, so every such cell is
//! written with a leading `'`, which spreadsheets show as text and do not display. The
//! import reads such a cell back without its `'` ([`unguard_formula`]), so an exported or
//! rejected file can be imported again as is.

use std::borrow::Cow;

/// The delimiter French spreadsheets expect (the comma is their decimal separator).
pub const DEFAULT_DELIMITER: char = ';';

/// The first characters that make a spreadsheet read a cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `cell` made safe to open in a spreadsheet: prefixed with `'` when it starts with
/// `=`, `+`, `-`, `@`, a tab or a carriage return; otherwise unchanged.
pub fn guard_formula(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// The inverse of [`guard_formula`]: a cell read from a file without the `'` that guarded
/// it. A `'` before anything else is kept (it is the value).
pub fn unguard_formula(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => cell,
    }
}

/// Builds a CSV file record by record. Every cell goes through [`guard_formula`], then is
/// quoted when it holds the delimiter, a quote, a line break, or starts or ends with a
/// space.
///
/// ```
/// use relais_domain::csv::Writer;
/// let mut w = Writer::new(';');
/// w.record(["Nom", "Note"]);
/// w.record(["Dupont", "=1+1"]);
/// assert_eq!(w.finish(), "Nom;Note\r\nDupont;'=1+1\r\n");
/// ```
#[derive(Debug, Clone)]
pub struct Writer {
    out: String,
    delimiter: char,
}

impl Writer {
    pub fn new(delimiter: char) -> Self {
        Self {
            out: String::new(),
            delimiter,
        }
    }

    /// A writer whose output starts with a UTF-8 byte order mark.
    pub fn with_bom(delimiter: char) -> Self {
        Self {
            out: String::from('\u{feff}'),
            delimiter,
        }
    }

    pub fn delimiter(&self) -> char {
        self.delimiter
    }

    /// Appends one record ending in CRLF.
    pub fn record<I, S>(&mut self, fields: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let start = self.out.len();
        let mut count = 0;
        for (i, field) in fields.into_iter().enumerate() {
            if i > 0 {
                self.out.push(self.delimiter);
            }
            count += 1;
            let cell = guard_formula(field.as_ref());
            if cell.contains([self.delimiter, '"', '\r', '\n'])
                || cell.starts_with(' ')
                || cell.ends_with(' ')
            {
                self.out.push('"');
                self.out.push_str(&cell.replace('"', "\"\""));
                self.out.push('"');
            } else {
                self.out.push_str(&cell);
            }
        }
        if count <= 1 && self.out.len() == start {
            // No field or one empty field: quoted, or the line would read as blank.
            self.out.push_str("\"\"");
        }
        self.out.push_str("\r\n");
    }

    /// What was written so far, leaving the writer empty: lets a long export stream its
    /// body chunk by chunk.
    pub fn take(&mut self) -> String {
        std::mem::take(&mut self.out)
    }

    pub fn finish(self) -> String {
        self.out
    }
}

/// One record as a line ending in CRLF (see [`Writer::record`]).
pub fn record<I, S>(fields: I, delimiter: char) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut w = Writer::new(delimiter);
    w.record(fields);
    w.finish()
}

/// A whole file: a BOM, the header, then the rows.
pub fn file<H, R, S>(header: H, rows: R, delimiter: char) -> String
where
    H: IntoIterator<Item = S>,
    R: IntoIterator,
    R::Item: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut w = Writer::with_bom(delimiter);
    w.record(header);
    for row in rows {
        w.record(row);
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{decode, parse_table_with};

    #[test]
    fn formula_starts_are_prefixed_with_a_quote() {
        for cell in ["=SUM(A1)", "+33612345678", "-2", "@cmd", "\tx", "\r=1"] {
            assert_eq!(guard_formula(cell), format!("'{cell}"), "{cell:?}");
        }
        for cell in ["Dupont", "", " =x", "a=b", "'quoted", "12"] {
            assert_eq!(guard_formula(cell), cell, "{cell:?}");
        }
    }

    #[test]
    fn unguard_undoes_the_guard_only() {
        for cell in [
            "=SUM(A1)", "+33", "-2", "@cmd", "\tx", "Dupont", "", "'", "'a",
        ] {
            assert_eq!(unguard_formula(&guard_formula(cell)), cell, "{cell:?}");
        }
        assert_eq!(unguard_formula("'abc"), "'abc");
    }

    #[test]
    fn cells_are_guarded_then_quoted() {
        assert_eq!(
            record(["=HYPERLINK(\"http://x\";\"y\")", "a"], ';'),
            "\"'=HYPERLINK(\"\"http://x\"\";\"\"y\"\")\";a\r\n"
        );
        assert_eq!(record(["\t1", "b"], '\t'), "\"'\t1\"\tb\r\n");
        assert_eq!(
            record(["a b", " lead", "x\ny", "q\""], ','),
            "a b,\" lead\",\"x\ny\",\"q\"\"\"\r\n"
        );
    }

    #[test]
    fn a_lone_empty_field_is_not_a_blank_line() {
        assert_eq!(record([""], ';'), "\"\"\r\n");
        assert_eq!(record(Vec::<String>::new(), ';'), "\"\"\r\n");
        assert_eq!(record(["", ""], ';'), ";\r\n");
    }

    #[test]
    fn a_file_reads_back_with_the_import_reader() {
        let text = file(
            ["Nom", "Prénom", "Note"],
            [
                ["Dupont", "Hélène", "=2+3"],
                ["Martin", "Jean; Paul", "dit \"Jeannot\"\nau village"],
            ],
            DEFAULT_DELIMITER,
        );
        assert!(text.starts_with('\u{feff}'));
        let (decoded, _) = decode(text.as_bytes()).unwrap();
        let table = parse_table_with(&decoded, ';').unwrap();
        assert_eq!(table.headers, ["Nom", "Prénom", "Note"]);
        assert_eq!(table.rows[0].fields[2], "'=2+3");
        assert_eq!(unguard_formula(&table.rows[0].fields[2]), "=2+3");
        assert_eq!(table.rows[1].fields[1], "Jean; Paul");
        assert_eq!(table.rows[1].fields[2], "dit \"Jeannot\"\nau village");
    }

    #[test]
    fn take_streams_the_output() {
        let mut w = Writer::with_bom(',');
        w.record(["a"]);
        let first = w.take();
        w.record(["b"]);
        assert_eq!(format!("{first}{}", w.finish()), "\u{feff}a\r\nb\r\n");
    }
}
