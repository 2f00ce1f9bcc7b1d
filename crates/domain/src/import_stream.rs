//! Reading an import file a chunk at a time: the same rules as the in-memory functions of
//! [`super`] (which are written on top of these), in memory bounded by a chunk and a row,
//! not by the file. A file of a million rows is read by the upload, the dry run and the job
//! from any [`Read`] the caller opens (the file store's file), one row at a time.
//!
//! The domain still does no I/O of its own: the caller hands a reader over; a failure of
//! that reader comes back as [`ReadError::Io`].

use super::{
    Encoding, Format, ImportError, ImportedPerson, Mapping, Record, RejectedRow, WINDOWS_1252_HIGH,
    check_row, fit_row, sniff_delimiter,
};
use chrono::NaiveDate;
use std::io::{self, Read, Seek, SeekFrom};

/// Bytes read from the reader at a time.
const CHUNK: usize = 64 * 1024;

/// Why a file could not be read: its content, or the reader under it.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error("reading the file: {0}")]
    Io(#[from] io::Error),
}

/// For readers that cannot fail (bytes in memory).
pub(super) fn in_memory(e: ReadError) -> ImportError {
    match e {
        ReadError::Import(e) => e,
        // A `&[u8]` reader never fails.
        ReadError::Io(e) => unreachable!("reading bytes in memory: {e}"),
    }
}

/// `read`, retried when interrupted.
fn read_some<R: Read>(r: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match r.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            other => return other,
        }
    }
}

/// Fills `buf` as far as the reader goes; fewer bytes only at its end.
fn read_full<R: Read>(r: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match read_some(r, &mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

// ---------------------------------------------------------------------------------------
// UTF-16LE, a unit at a time

/// UTF-16LE decoding state across chunks: an odd byte, a high surrogate waiting for its pair.
#[derive(Default)]
struct Utf16 {
    odd: Option<u8>,
    high: Option<u16>,
}

impl Utf16 {
    /// Decodes `bytes` into `out`; `Err` on a lone surrogate or a NUL.
    fn push(&mut self, bytes: &[u8], out: &mut String) -> Result<(), ()> {
        let mut rest = bytes;
        if let Some(lo) = self.odd.take() {
            let Some((&hi, tail)) = rest.split_first() else {
                self.odd = Some(lo);
                return Ok(());
            };
            self.unit(u16::from_le_bytes([lo, hi]), out)?;
            rest = tail;
        }
        let mut pairs = rest.chunks_exact(2);
        for p in &mut pairs {
            self.unit(u16::from_le_bytes([p[0], p[1]]), out)?;
        }
        self.odd = pairs.remainder().first().copied();
        Ok(())
    }

    fn unit(&mut self, u: u16, out: &mut String) -> Result<(), ()> {
        let c = match (self.high.take(), u) {
            (None, 0xD800..=0xDBFF) => {
                self.high = Some(u);
                return Ok(());
            }
            (Some(h), 0xDC00..=0xDFFF) => {
                char::from_u32(0x10000 + ((u32::from(h) - 0xD800) << 10) + (u32::from(u) - 0xDC00))
                    .ok_or(())?
            }
            (Some(_), _) | (None, 0xDC00..=0xDFFF) => return Err(()),
            (None, u) => char::from_u32(u32::from(u)).ok_or(())?,
        };
        if c == '\0' {
            return Err(());
        }
        out.push(c);
        Ok(())
    }

    /// The end of the file: nothing may be left half read.
    fn finish(&self) -> Result<(), ()> {
        if self.odd.is_some() || self.high.is_some() {
            Err(())
        } else {
            Ok(())
        }
    }
}

/// The error of every broken UTF-16 file (as the whole-file decoder always said).
const UTF16_ERROR: ImportError = ImportError::Encoding { offset: 2, line: 1 };

// ---------------------------------------------------------------------------------------
// The encoding, found in one pass over the bytes

/// What a pass over a file's bytes found: enough to refuse it (empty, workbook, binary,
/// broken encoding) or to name its encoding, in the order the whole-file rules apply.
#[derive(Debug, Default)]
struct ByteFacts {
    prefix: Vec<u8>,
    all_whitespace: bool,
    nul_in_first_kilobyte: bool,
    /// (offset, line) of the first NUL byte.
    first_nul: Option<(usize, usize)>,
    /// (offset, line) of the first byte that is not UTF-8.
    first_not_utf8: Option<(usize, usize)>,
    /// (offset, line) of the first byte Windows-1252 leaves undefined.
    first_undefined: Option<(usize, usize)>,
    /// UTF-16LE (a byte order mark) and whether it decodes.
    utf16_ok: bool,
}

impl ByteFacts {
    fn utf16(&self) -> bool {
        self.prefix.starts_with(b"\xFF\xFE")
    }

    /// The encoding, or why the bytes cannot be text ([`super::decode`]'s rules).
    fn encoding(&self) -> Result<Encoding, ImportError> {
        if self.prefix.starts_with(b"PK\x03\x04") {
            return Err(ImportError::NotCsv);
        }
        if self.utf16() {
            return if self.utf16_ok {
                Ok(Encoding::Utf16Le)
            } else {
                Err(UTF16_ERROR)
            };
        }
        let error = |(offset, line)| ImportError::Encoding { offset, line };
        if let Some(at) = self.first_nul {
            return Err(error(at));
        }
        let bom = self.prefix.starts_with(b"\xEF\xBB\xBF");
        match self.first_not_utf8 {
            None if bom => Ok(Encoding::Utf8Bom),
            None => Ok(Encoding::Utf8),
            Some(at) if bom => Err(error(at)),
            Some(_) => match self.first_undefined {
                Some(at) => Err(error(at)),
                None => Ok(Encoding::Windows1252),
            },
        }
    }

    /// [`Self::encoding`] after the checks of a whole upload ([`super::read`]): empty,
    /// workbook, binary.
    fn upload_encoding(&self) -> Result<Encoding, ImportError> {
        if self.all_whitespace {
            return Err(ImportError::Empty);
        }
        if self.prefix.starts_with(b"PK\x03\x04") {
            return Err(ImportError::NotCsv);
        }
        if !self.utf16() && self.nul_in_first_kilobyte {
            return Err(ImportError::Binary);
        }
        self.encoding()
    }
}

/// One pass over the bytes of `r`, a chunk at a time.
fn byte_facts<R: Read>(mut r: R) -> io::Result<ByteFacts> {
    let mut buf = vec![0u8; CHUNK];
    let mut facts = ByteFacts {
        all_whitespace: true,
        utf16_ok: true,
        ..ByteFacts::default()
    };
    let mut prefix = [0u8; 4];
    let n = read_full(&mut r, &mut prefix)?;
    facts.prefix = prefix[..n].to_vec();
    let utf16 = facts.utf16();
    let mut utf16_state = Utf16::default();
    let mut scratch = String::new();
    // Bytes of a UTF-8 sequence cut by the end of the previous chunk.
    let mut carry: Vec<u8> = Vec::new();
    let mut joined: Vec<u8> = Vec::new();
    let (mut offset, mut newlines) = (0usize, 0usize);
    let mut first = true;
    loop {
        let chunk: &[u8] = if first {
            first = false;
            &prefix[..n]
        } else {
            let k = read_some(&mut r, &mut buf)?;
            if k == 0 {
                break;
            }
            &buf[..k]
        };
        if chunk.is_empty() {
            continue;
        }
        let lines_before = newlines;
        if utf16 {
            if facts.utf16_ok {
                // The byte order mark is not text.
                let text = if offset == 0 { &chunk[2..] } else { chunk };
                scratch.clear();
                facts.utf16_ok = utf16_state.push(text, &mut scratch).is_ok();
            }
            facts.all_whitespace &= chunk.iter().all(u8::is_ascii_whitespace);
            offset += chunk.len();
            continue;
        }
        for (i, &b) in chunk.iter().enumerate() {
            if !b.is_ascii_whitespace() {
                facts.all_whitespace = false;
            }
            match b {
                0 => {
                    if offset + i < 1024 {
                        facts.nul_in_first_kilobyte = true;
                    }
                    facts.first_nul.get_or_insert((offset + i, newlines + 1));
                }
                0x81 | 0x8D | 0x8F | 0x90 | 0x9D => {
                    facts
                        .first_undefined
                        .get_or_insert((offset + i, newlines + 1));
                }
                b'\n' => newlines += 1,
                _ => {}
            }
        }
        if facts.first_not_utf8.is_none() {
            joined.clear();
            joined.extend_from_slice(&carry);
            joined.extend_from_slice(chunk);
            let start = offset - carry.len();
            carry.clear();
            if let Err(e) = std::str::from_utf8(&joined) {
                let valid = e.valid_up_to();
                if e.error_len().is_none() {
                    carry.extend_from_slice(&joined[valid..]);
                } else {
                    let line =
                        1 + lines_before + joined[..valid].iter().filter(|&&b| b == b'\n').count();
                    facts.first_not_utf8 = Some((start + valid, line));
                }
            }
        }
        offset += chunk.len();
    }
    if utf16 && facts.utf16_ok {
        facts.utf16_ok = utf16_state.finish().is_ok();
    }
    if facts.first_not_utf8.is_none() && !carry.is_empty() {
        // A sequence cut by the end of the file; the carry holds no line break.
        facts.first_not_utf8 = Some((offset - carry.len(), newlines + 1));
    }
    Ok(facts)
}

/// The encoding of the bytes of `r` ([`super::decode`]'s rules), in one pass of bounded
/// memory.
pub fn detect_encoding<R: Read>(r: R) -> Result<Encoding, ReadError> {
    Ok(byte_facts(r)?.encoding()?)
}

// ---------------------------------------------------------------------------------------
// Characters, a chunk at a time

/// A source of characters for [`RecordReader`].
pub trait CharSource {
    type Error: From<ImportError>;
    fn next_char(&mut self) -> Result<Option<char>, Self::Error>;
}

/// The characters of a text in memory.
pub struct StrChars<'a>(pub std::str::Chars<'a>);

impl CharSource for StrChars<'_> {
    type Error = ImportError;
    fn next_char(&mut self) -> Result<Option<char>, ImportError> {
        Ok(self.0.next())
    }
}

/// The text of a reader in a known encoding, decoded a chunk at a time (a UTF-8 byte order
/// mark is left out). Bytes the encoding refuses are an [`ImportError::Encoding`] with their
/// offset and line, as [`super::decode`] names them.
pub struct Decoder<R> {
    reader: R,
    encoding: Encoding,
    raw: Vec<u8>,
    /// Decoded text; `text[pos..]` is not read yet.
    text: String,
    pos: usize,
    /// Bytes of a UTF-8 sequence cut by the end of the previous chunk.
    carry: Vec<u8>,
    utf16: Utf16,
    offset: usize,
    newlines: usize,
    eof: bool,
}

impl<R: Read> Decoder<R> {
    pub fn new(reader: R, encoding: Encoding) -> Self {
        Decoder {
            reader,
            encoding,
            raw: vec![0u8; CHUNK],
            text: String::new(),
            pos: 0,
            carry: Vec::new(),
            utf16: Utf16::default(),
            offset: 0,
            newlines: 0,
            eof: false,
        }
    }

    fn error_at(&self, offset: usize, bytes_before: &[u8]) -> ImportError {
        let line = 1 + self.newlines + bytes_before.iter().filter(|&&b| b == b'\n').count();
        ImportError::Encoding { offset, line }
    }

    /// Decodes the next chunk after the unread text; `false` at the end of the reader.
    fn refill(&mut self) -> Result<bool, ReadError> {
        if self.eof {
            return Ok(false);
        }
        self.text.drain(..self.pos);
        self.pos = 0;
        let mut n = read_some(&mut self.reader, &mut self.raw)?;
        let mut start = 0;
        if self.offset == 0 && n > 0 {
            // The byte order mark: read it whole before deciding.
            let bom: &[u8] = match self.encoding {
                Encoding::Utf8Bom => b"\xEF\xBB\xBF",
                Encoding::Utf16Le => b"\xFF\xFE",
                _ => b"",
            };
            while n < bom.len() {
                match read_some(&mut self.reader, &mut self.raw[n..])? {
                    0 => break,
                    k => n += k,
                }
            }
            if self.raw[..n].starts_with(bom) {
                start = bom.len();
            }
        }
        if n == 0 {
            self.eof = true;
            return match self.encoding {
                Encoding::Utf16Le => match self.utf16.finish() {
                    Ok(()) => Ok(false),
                    Err(()) => Err(UTF16_ERROR.into()),
                },
                _ if !self.carry.is_empty() => {
                    Err(self.error_at(self.offset - self.carry.len(), b"").into())
                }
                _ => Ok(false),
            };
        }
        let chunk = &self.raw[start..n];
        let base = self.offset + start;
        match self.encoding {
            Encoding::Utf8 | Encoding::Utf8Bom => {
                let mut joined = std::mem::take(&mut self.carry);
                let carried = joined.len();
                joined.extend_from_slice(chunk);
                let valid_len = match std::str::from_utf8(&joined) {
                    Ok(_) => joined.len(),
                    // A sequence cut by the end of the chunk: kept for the next one.
                    Err(e) if e.error_len().is_none() => e.valid_up_to(),
                    Err(e) => {
                        let at = e.valid_up_to();
                        return Err(self.error_at(base - carried + at, &joined[..at]).into());
                    }
                };
                let Ok(valid) = std::str::from_utf8(&joined[..valid_len]) else {
                    return Err(self.error_at(base - carried, b"").into());
                };
                if let Some(nul) = valid.find('\0') {
                    return Err(self.error_at(base - carried + nul, &joined[..nul]).into());
                }
                self.text.push_str(valid);
                self.carry = joined[valid_len..].to_vec();
            }
            Encoding::Windows1252 => {
                self.text.reserve(chunk.len() + chunk.len() / 8);
                for (i, &b) in chunk.iter().enumerate() {
                    let c = match b {
                        0 => None,
                        0x80..=0x9F => WINDOWS_1252_HIGH[usize::from(b - 0x80)],
                        _ => Some(char::from(b)),
                    };
                    match c {
                        Some(c) => self.text.push(c),
                        None => return Err(self.error_at(base + i, &chunk[..i]).into()),
                    }
                }
            }
            Encoding::Utf16Le => {
                if self.utf16.push(chunk, &mut self.text).is_err() {
                    return Err(UTF16_ERROR.into());
                }
            }
        }
        self.newlines += self.raw[..n].iter().filter(|&&b| b == b'\n').count();
        self.offset += n;
        Ok(true)
    }

    /// Reads ahead, without consuming, until the unread text holds `lines` line breaks
    /// after a first non-blank line, or the reader ends; returns that text.
    fn head(&mut self, lines: usize) -> Result<&str, ReadError> {
        loop {
            let unread = &self.text[self.pos..];
            let enough = unread.matches('\n').count() >= lines
                && unread
                    .split_inclusive('\n')
                    .find(|l| !l.trim().is_empty())
                    .is_some_and(|l| l.ends_with('\n'));
            if enough || !self.refill()? {
                return Ok(&self.text[self.pos..]);
            }
        }
    }

    /// The rest of the text, whole.
    pub fn rest(&mut self) -> Result<String, ReadError> {
        while self.refill()? {}
        let text = self.text.split_off(self.pos);
        self.text.clear();
        self.pos = 0;
        Ok(text)
    }
}

impl<R: Read> CharSource for Decoder<R> {
    type Error = ReadError;
    #[inline]
    fn next_char(&mut self) -> Result<Option<char>, ReadError> {
        loop {
            if let Some(c) = self.text[self.pos..].chars().next() {
                self.pos += c.len_utf8();
                return Ok(Some(c));
            }
            if !self.refill()? {
                return Ok(None);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Records, one at a time

/// The records of a text, one at a time, by [`super::read_records`]'s rules. Blank lines are
/// held back until a record follows them (blank lines at the end of the file are not
/// records), as a count: a run of them costs no memory.
pub struct RecordReader<S> {
    src: S,
    delimiter: char,
    peeked: Option<Option<char>>,
    line: usize,
    /// Blank lines read and not yet given: (line of the first, how many).
    blank: (usize, usize),
    /// A record read after blank lines, given once they are.
    queued: Option<Record>,
    done: bool,
}

impl<S: CharSource> RecordReader<S> {
    pub fn new(src: S, delimiter: char) -> Self {
        RecordReader {
            src,
            delimiter,
            peeked: None,
            line: 1,
            blank: (0, 0),
            queued: None,
            done: false,
        }
    }

    fn bump(&mut self) -> Result<Option<char>, S::Error> {
        match self.peeked.take() {
            Some(c) => Ok(c),
            None => self.src.next_char(),
        }
    }

    fn peek(&mut self) -> Result<Option<char>, S::Error> {
        if self.peeked.is_none() {
            self.peeked = Some(self.src.next_char()?);
        }
        Ok(self.peeked.flatten())
    }

    /// The next record as written and whether its line was blank; `None` at the end.
    fn raw(&mut self) -> Result<Option<(Record, bool)>, S::Error> {
        let mut fields = Vec::new();
        let mut field = String::new();
        let start = self.line;
        let mut quote_line = self.line;
        let (mut in_quotes, mut quoted, mut raw_empty) = (false, false, true);
        while let Some(c) = self.bump()? {
            if in_quotes {
                match c {
                    '"' if self.peek()? == Some('"') => {
                        self.bump()?;
                        field.push('"');
                    }
                    '"' => in_quotes = false,
                    '\r' if self.peek()? == Some('\n') => {}
                    '\r' | '\n' => {
                        self.line += 1;
                        field.push('\n');
                    }
                    c => field.push(c),
                }
                continue;
            }
            match c {
                '"' if !quoted && field.trim().is_empty() => {
                    field.clear();
                    in_quotes = true;
                    quoted = true;
                    quote_line = self.line;
                    raw_empty = false;
                }
                c if c == self.delimiter => {
                    fields.push(std::mem::take(&mut field));
                    quoted = false;
                    raw_empty = false;
                }
                '\r' | '\n' => {
                    if c == '\r' && self.peek()? == Some('\n') {
                        self.bump()?;
                    }
                    fields.push(field);
                    self.line += 1;
                    return Ok(Some((
                        Record {
                            line: start,
                            fields,
                        },
                        raw_empty,
                    )));
                }
                c => {
                    field.push(c);
                    raw_empty = false;
                }
            }
        }
        if in_quotes {
            return Err(ImportError::UnterminatedQuote { line: quote_line }.into());
        }
        if raw_empty {
            return Ok(None);
        }
        fields.push(field);
        Ok(Some((
            Record {
                line: start,
                fields,
            },
            false,
        )))
    }
}

impl<S: CharSource> Iterator for RecordReader<S> {
    type Item = Result<Record, S::Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.blank.1 > 0 && (self.queued.is_some() || self.done) {
                if self.done && self.queued.is_none() {
                    // Blank lines at the end are not records.
                    self.blank.1 = 0;
                    return None;
                }
                let line = self.blank.0;
                self.blank = (line + 1, self.blank.1 - 1);
                return Some(Ok(Record {
                    line,
                    fields: vec![String::new()],
                }));
            }
            if let Some(r) = self.queued.take() {
                return Some(Ok(r));
            }
            if self.done {
                return None;
            }
            match self.raw() {
                Err(e) => {
                    self.done = true;
                    self.blank.1 = 0;
                    return Some(Err(e));
                }
                Ok(None) => self.done = true,
                Ok(Some((r, true))) => {
                    if self.blank.1 == 0 {
                        self.blank.0 = r.line;
                    }
                    self.blank.1 += 1;
                }
                Ok(Some((r, false))) if self.blank.1 > 0 => self.queued = Some(r),
                Ok(Some((r, false))) => return Some(Ok(r)),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// An uploaded file, row by row

/// The data rows of an uploaded file, one at a time: CSV rows read from the reader as they
/// come, or vCards (address books, small: read whole) as the table they make. Each row is
/// checked for its width as [`super::parse_table_with`] does; the first error ends the rows.
pub struct Rows<R> {
    pub format: Format,
    pub encoding: Encoding,
    pub delimiter: char,
    pub headers: Vec<String>,
    /// The mapping a format imposes (vCard), as [`super::Source::fixed_mapping`].
    pub fixed_mapping: Option<Mapping>,
    inner: Inner<R>,
}

enum Inner<R> {
    Csv(RecordReader<Decoder<R>>),
    Cards(std::vec::IntoIter<Record>),
}

/// Opens a file whose encoding is known ([`detect_encoding`], or the import's record): its
/// format from its first lines, its delimiter sniffed on them ([`sniff_delimiter`]), its
/// header read. Rows come from the returned iterator.
pub fn open<R: Read>(reader: R, encoding: Encoding) -> Result<Rows<R>, ReadError> {
    let mut text = Decoder::new(reader, encoding);
    let head = text.head(21)?;
    if crate::vcard::looks_like(head) {
        let whole = text.rest()?;
        let cards = crate::vcard::parse(&whole)?;
        let (table, mapping) = crate::vcard::table(&cards);
        return Ok(Rows {
            format: Format::Vcard,
            encoding,
            delimiter: table.delimiter,
            headers: table.headers,
            fixed_mapping: Some(mapping),
            inner: Inner::Cards(table.rows.into_iter()),
        });
    }
    let delimiter = sniff_delimiter(head);
    let mut records = RecordReader::new(text, delimiter);
    let header = records.next().ok_or(ImportError::Empty)??;
    if header.is_empty() {
        return Err(ImportError::MissingHeader { line: header.line }.into());
    }
    Ok(Rows {
        format: Format::Csv,
        encoding,
        delimiter,
        headers: header.fields.iter().map(|h| h.trim().to_owned()).collect(),
        fixed_mapping: None,
        inner: Inner::Csv(records),
    })
}

impl<R: Read> Iterator for Rows<R> {
    type Item = Result<Record, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.inner {
            Inner::Cards(rows) => rows.next().map(Ok),
            Inner::Csv(records) => {
                let width = self.headers.len();
                Some(records.next()?.and_then(|mut r| {
                    fit_row(&mut r, width)?;
                    Ok(r)
                }))
            }
        }
    }
}

/// What the upload learns of a file read whole, one row at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    pub format: Format,
    pub encoding: Encoding,
    pub delimiter: char,
    pub headers: Vec<String>,
    /// The mapping a format imposes (vCard).
    pub fixed_mapping: Option<Mapping>,
    /// Data rows, empty ones included.
    pub rows: usize,
}

/// Reads an uploaded file whole by [`super::read`]'s rules, in memory bounded by a chunk and
/// a row: its bytes once for the encoding, then its rows. The same errors, in the same order
/// (a quote never closed is named before a row of the wrong width before it, as the
/// whole-file reader did). `each` sees every row.
pub fn scan<R: Read + Seek>(
    mut reader: R,
    mut each: impl FnMut(Record),
) -> Result<Scan, ReadError> {
    let encoding = byte_facts(&mut reader)?.upload_encoding()?;
    reader.seek(SeekFrom::Start(0))?;
    let mut rows = open(reader, encoding)?;
    let (mut count, mut width_error) = (0usize, None);
    for row in &mut rows {
        match row {
            Ok(r) => {
                count += 1;
                each(r);
            }
            Err(ReadError::Import(e @ ImportError::ColumnCount { .. })) => {
                width_error.get_or_insert(e);
            }
            Err(e) => return Err(e),
        }
    }
    if let Some(e) = width_error {
        return Err(e.into());
    }
    if count == 0 {
        return Err(ImportError::NoRows.into());
    }
    Ok(Scan {
        format: rows.format,
        encoding,
        delimiter: rows.delimiter,
        headers: rows.headers,
        fixed_mapping: rows.fixed_mapping,
        rows: count,
    })
}

// ---------------------------------------------------------------------------------------
// Checking rows as they come

/// Rows checked one by one ([`check`]).
pub struct Checked<I> {
    rows: I,
    headers: Vec<String>,
    mapping: Mapping,
    today: NaiveDate,
}

/// The rows checked one by one as they are read, as [`super::check_rows`] checks a table:
/// each comes out accepted or rejected, in order, none held back.
pub fn check<I, E>(
    rows: I,
    headers: Vec<String>,
    mapping: Mapping,
    today: NaiveDate,
) -> Result<Checked<I>, ImportError>
where
    I: Iterator<Item = Result<Record, E>>,
{
    mapping.check(headers.len())?;
    Ok(Checked {
        rows,
        headers,
        mapping,
        today,
    })
}

impl<I, E> Iterator for Checked<I>
where
    I: Iterator<Item = Result<Record, E>>,
{
    type Item = Result<Result<ImportedPerson, RejectedRow>, E>;

    fn next(&mut self) -> Option<Self::Item> {
        Some(self.rows.next()?.map(|row| {
            check_row(&self.headers, &self.mapping, &row, self.today).map_err(|reasons| {
                RejectedRow {
                    line: row.line,
                    values: row.fields,
                    reasons,
                }
            })
        }))
    }
}

/// A dry run's outcome kept in memory: the count of accepted rows and the rejected rows
/// (what the report and the rejected-rows file show), not the accepted persons.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tally {
    pub accepted: usize,
    pub rejected: Vec<RejectedRow>,
}

impl Tally {
    pub fn total(&self) -> usize {
        self.accepted + self.rejected.len()
    }
}

/// The dry run of an opened file: every row read and checked once, one at a time.
pub fn tally<R: Read>(
    rows: Rows<R>,
    mapping: Mapping,
    today: NaiveDate,
) -> Result<Tally, ReadError> {
    let headers = rows.headers.clone();
    let mut tally = Tally::default();
    for outcome in check(rows, headers, mapping, today)? {
        match outcome? {
            Ok(_) => tally.accepted += 1,
            Err(rejected) => tally.rejected.push(rejected),
        }
    }
    Ok(tally)
}
