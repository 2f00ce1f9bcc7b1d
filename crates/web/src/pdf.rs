//! A minimal PDF writer for receipts and the documents workflows generate: pages of plain text in Helvetica (a standard font every
//! reader has, so nothing is embedded), encoded in WinAnsi so French accents print. Long
//! lines wrap; the text runs over as many A4 pages as it needs.

/// Lines of a receipt: a bold title, then body lines (an empty line is a gap).
pub struct Document {
    pub title: String,
    pub lines: Vec<String>,
}

const PAGE_WIDTH: u32 = 595;
const PAGE_HEIGHT: u32 = 842;
const MARGIN: u32 = 56;
const FONT_SIZE: u32 = 11;
const LEADING: u32 = 15;
/// Characters per line at 11 pt Helvetica within the margins (an average glyph is about
/// half the font size wide).
const WRAP: usize = 88;

/// A character in WinAnsiEncoding (Windows-1252), `?` when it has none.
fn win_ansi(c: char) -> u8 {
    match c as u32 {
        0x20..=0x7E => c as u8,
        0xA0..=0xFF => c as u32 as u8,
        _ => match c {
            '€' => 0x80,
            '‚' => 0x82,
            '„' => 0x84,
            '…' => 0x85,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            'œ' => 0x9C,
            'Œ' => 0x8C,
            '\u{202f}' => 0xA0,
            _ => b'?',
        },
    }
}

/// A PDF string literal: `(` and `)` and `\` escaped, every byte in WinAnsi.
fn literal(text: &str) -> Vec<u8> {
    let mut out = vec![b'('];
    for c in text.chars() {
        let b = win_ansi(c);
        if matches!(b, b'(' | b')' | b'\\') {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b')');
    out
}

/// Breaks a line at spaces so it fits; a word longer than a line is cut.
fn wrap(line: &str) -> Vec<String> {
    if line.chars().count() <= WRAP {
        return vec![line.to_owned()];
    }
    let mut out = Vec::new();
    let mut current = String::new();
    for word in line.split(' ') {
        let mut word = word.to_owned();
        while word.chars().count() > WRAP {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            let head: String = word.chars().take(WRAP).collect();
            word = word.chars().skip(WRAP).collect();
            out.push(head);
        }
        if current.chars().count() + word.chars().count() + 1 > WRAP && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(&word);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The content stream of one page.
fn page_stream(title: Option<&str>, lines: &[String]) -> Vec<u8> {
    let mut s = Vec::new();
    let top = PAGE_HEIGHT - MARGIN;
    s.extend_from_slice(format!("BT\n{MARGIN} {top} Td\n").as_bytes());
    if let Some(title) = title {
        s.extend_from_slice(b"/F2 16 Tf\n");
        s.extend_from_slice(&literal(title));
        s.extend_from_slice(format!(" Tj\n0 -{} Td\n", LEADING * 2).as_bytes());
    }
    s.extend_from_slice(format!("/F1 {FONT_SIZE} Tf\n{LEADING} TL\n").as_bytes());
    for line in lines {
        s.extend_from_slice(&literal(line));
        s.extend_from_slice(b" Tj T*\n");
    }
    s.extend_from_slice(b"ET\n");
    s
}

/// The bytes of the PDF file.
pub fn render(doc: &Document) -> Vec<u8> {
    let lines: Vec<String> = doc.lines.iter().flat_map(|l| wrap(l)).collect();
    let per_page = ((PAGE_HEIGHT - 2 * MARGIN) / LEADING) as usize;
    let first_page = per_page - 2;
    let mut pages: Vec<Vec<String>> = Vec::new();
    let mut rest = lines.as_slice();
    let mut capacity = first_page;
    loop {
        let n = rest.len().min(capacity);
        pages.push(rest[..n].to_vec());
        rest = &rest[n..];
        capacity = per_page;
        if rest.is_empty() {
            break;
        }
    }
    // Objects: 1 catalog, 2 page tree, 3 and 4 fonts, then a page and its stream per page.
    let mut objects: Vec<Vec<u8>> = Vec::new();
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    let kids: Vec<String> = (0..pages.len())
        .map(|i| format!("{} 0 R", 5 + 2 * i))
        .collect();
    objects.push(
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            kids.join(" "),
            pages.len()
        )
        .into_bytes(),
    );
    objects.push(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_vec(),
    );
    objects.push(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
            .to_vec(),
    );
    for (i, page) in pages.iter().enumerate() {
        let stream = page_stream((i == 0).then_some(doc.title.as_str()), page);
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] \
                 /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {} 0 R >>",
                6 + 2 * i
            )
            .into_bytes(),
        );
        let mut obj = format!("<< /Length {} >>\nstream\n", stream.len()).into_bytes();
        obj.extend_from_slice(&stream);
        obj.extend_from_slice(b"endstream");
        objects.push(obj);
    }
    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, obj) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(obj);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n", objects.len() + 1).as_bytes());
    out.extend_from_slice(b"0000000000 65535 f \n");
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn a_receipt_is_a_pdf_with_its_text() {
        let pdf = render(&Document {
            title: "Accusé de réception".into(),
            lines: vec!["Référence : BEL-2026-7K3F9QX2".into(), "(a) \\ b".into()],
        });
        assert!(pdf.starts_with(b"%PDF-1.4"));
        assert!(pdf.ends_with(b"%%EOF\n"));
        assert!(contains(&pdf, b"BEL-2026-7K3F9QX2"));
        // é in WinAnsi, and the parentheses and backslash escaped.
        assert!(contains(&pdf, b"Accus\xE9 de r\xE9ception"));
        assert!(contains(&pdf, b"(\\(a\\) \\\\ b)"));
    }

    #[test]
    fn the_cross_reference_table_points_at_each_object() {
        let pdf = render(&Document {
            title: "T".into(),
            lines: (0..200).map(|i| format!("line {i}")).collect(),
        });
        // Offsets count bytes: read the ASCII tail after the binary-marked header.
        let at = pdf
            .windows(10)
            .rposition(|w| w == b"startxref\n")
            .expect("startxref")
            + 10;
        let tail = String::from_utf8(pdf[at..].to_vec()).expect("ASCII tail");
        let start: usize = tail.lines().next().and_then(|s| s.parse().ok()).unwrap();
        assert!(pdf[start..].starts_with(b"xref\n"));
        let table = String::from_utf8(pdf[start..].to_vec()).expect("ASCII table");
        let entries: Vec<usize> = table
            .lines()
            .skip(3)
            .take_while(|l| l.ends_with(" n "))
            .map(|l| l[..10].parse().unwrap())
            .collect();
        assert!(entries.len() > 6, "several pages for 200 lines");
        for (i, offset) in entries.iter().enumerate() {
            assert!(
                pdf[*offset..].starts_with(format!("{} 0 obj", i + 1).as_bytes()),
                "object {}",
                i + 1
            );
        }
        assert!(contains(&pdf, b"/Count 5"));
    }

    #[test]
    fn long_lines_wrap_at_spaces() {
        let line = "mot ".repeat(60);
        let wrapped = wrap(line.trim());
        assert!(wrapped.len() > 1);
        assert!(wrapped.iter().all(|l| l.chars().count() <= WRAP));
        assert_eq!(wrapped.join(" "), line.trim());
        assert_eq!(wrap(&"x".repeat(200)).len(), 3);
    }
}
