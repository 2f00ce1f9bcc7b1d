//! Knowledge articles: public or internal, by category; they feed the portal's information
//! pages (and later the chatbot). This module holds their rules: the typed fields checked
//! with one message id per wrong field, and the small text format of their bodies turned
//! into HTML by our own code, every character of the text escaped — no raw HTML ever
//! reaches a page.
//!
//! The format, line by line: a blank line ends a paragraph or a list; `## ` starts a heading
//! (`### ` a smaller one); `- ` or `* ` an item of a bulleted list; `1. ` (any number) an item
//! of a numbered list; any other line continues the paragraph. Inside text, `[words](url)` is
//! a link when the address starts with `https://`, `http://`, `mailto:` or `/` (anything else
//! stays as typed text).

use crate::service::meta::is_slug;

/// Longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 150;
/// Longest body, in characters.
pub const MAX_BODY_CHARS: usize = 20_000;
/// Longest category, in characters (a slug, like the catalogue's categories).
pub const MAX_CATEGORY_CHARS: usize = 64;

/// Who may read a published article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Everyone, on the portal's information pages.
    Public,
    /// Staff of the tenant only.
    Internal,
}

impl Visibility {
    pub const ALL: [Visibility; 2] = [Visibility::Public, Visibility::Internal];

    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Internal => "internal",
        }
    }

    pub fn parse(s: &str) -> Option<Visibility> {
        Visibility::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// An article's fields as typed in the form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArticleInput {
    pub slug: String,
    pub category: String,
    pub visibility: String,
    pub title_fr: String,
    pub title_en: String,
    pub body_fr: String,
    pub body_en: String,
}

/// An article's fields once checked: trimmed, the category lowercased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    pub slug: String,
    pub category: String,
    pub visibility: Visibility,
    pub title_fr: String,
    pub title_en: String,
    pub body_fr: String,
    pub body_en: String,
}

/// (field, message id) pairs, in the order of the form.
pub type Errors = Vec<(&'static str, &'static str)>;

fn no_control(s: &str) -> bool {
    !s.chars().any(char::is_control)
}

fn body_ok(s: &str) -> bool {
    s.chars().count() <= MAX_BODY_CHARS
        && !s
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
}

impl ArticleInput {
    /// Checks every field: French title and body required, English optional (but a body needs
    /// its title and the reverse).
    pub fn validate(&self) -> Result<Article, Errors> {
        let mut errors = Errors::new();
        let slug = self.slug.trim();
        if !is_slug(slug) {
            errors.push(("slug", "article-slug-invalid"));
        }
        let category = self.category.trim().to_lowercase();
        if category.is_empty() {
            errors.push(("category", "article-category-required"));
        } else if !is_slug(&category) || category.len() > MAX_CATEGORY_CHARS {
            errors.push(("category", "article-category-invalid"));
        }
        let visibility = Visibility::parse(self.visibility.trim());
        if visibility.is_none() {
            errors.push(("visibility", "article-visibility-invalid"));
        }
        let title_fr = self.title_fr.trim();
        if title_fr.is_empty() {
            errors.push(("title_fr", "article-title-required"));
        } else if title_fr.chars().count() > MAX_TITLE_CHARS || !no_control(title_fr) {
            errors.push(("title_fr", "article-title-too-long"));
        }
        let body_fr = self.body_fr.trim();
        if body_fr.is_empty() {
            errors.push(("body_fr", "article-body-required"));
        } else if !body_ok(body_fr) {
            errors.push(("body_fr", "article-body-too-long"));
        }
        let title_en = self.title_en.trim();
        let body_en = self.body_en.trim();
        if title_en.chars().count() > MAX_TITLE_CHARS || !no_control(title_en) {
            errors.push(("title_en", "article-title-too-long"));
        } else if title_en.is_empty() && !body_en.is_empty() {
            errors.push(("title_en", "article-english-title-required"));
        }
        if !body_ok(body_en) {
            errors.push(("body_en", "article-body-too-long"));
        } else if body_en.is_empty() && !title_en.is_empty() {
            errors.push(("body_en", "article-english-body-required"));
        }
        match visibility {
            Some(visibility) if errors.is_empty() => Ok(Article {
                slug: slug.to_owned(),
                category,
                visibility,
                title_fr: title_fr.to_owned(),
                title_en: title_en.to_owned(),
                body_fr: body_fr.replace("\r\n", "\n"),
                body_en: body_en.replace("\r\n", "\n"),
            }),
            _ => Err(errors),
        }
    }
}

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
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

/// Whether a link may point there: the web, mail, or a page of the same site (not `//host`).
fn safe_href(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    !url.is_empty()
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
        && (lower.starts_with("https://")
            || lower.starts_with("http://")
            || lower.starts_with("mailto:")
            || (url.starts_with('/') && !url.starts_with("//")))
}

/// One line of text with its `[words](url)` links, escaped.
fn inline(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let link = after.find("](").and_then(|mid| {
            let words = &after[..mid];
            let tail = &after[mid + 2..];
            let close = tail.find(')')?;
            let url = &tail[..close];
            (!words.is_empty() && !words.contains('[') && safe_href(url))
                .then(|| (words, url, open + 1 + mid + 2 + close + 1))
        });
        match link {
            Some((words, url, end)) => {
                out.push_str(&escape(&rest[..open]));
                let external = !url.starts_with('/');
                out.push_str(&format!(
                    "<a href=\"{}\"{}>{}</a>",
                    escape(url),
                    if external { " rel=\"noopener\"" } else { "" },
                    escape(words)
                ));
                rest = &rest[end..];
            }
            None => {
                out.push_str(&escape(&rest[..open + 1]));
                rest = &rest[open + 1..];
            }
        }
    }
    out.push_str(&escape(rest));
    out
}

#[derive(PartialEq)]
enum Open {
    Nothing,
    Paragraph,
    Bullets,
    Numbers,
}

fn close(out: &mut String, open: &mut Open) {
    match open {
        Open::Nothing => {}
        Open::Paragraph => out.push_str("</p>\n"),
        Open::Bullets => out.push_str("</ul>\n"),
        Open::Numbers => out.push_str("</ol>\n"),
    }
    *open = Open::Nothing;
}

/// The item text of a numbered line (`12. text`), if it is one.
fn numbered(line: &str) -> Option<&str> {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 3 {
        return None;
    }
    line[digits..].strip_prefix(". ")
}

/// The body as HTML: headings start at `<h2>` (the page's title is the `<h1>`), every
/// character of the text escaped, links only to safe addresses.
pub fn to_html(body: &str) -> String {
    let mut out = String::new();
    let mut open = Open::Nothing;
    for raw in body.lines() {
        let line = raw.trim();
        if line.is_empty() {
            close(&mut out, &mut open);
        } else if let Some(h) = line.strip_prefix("### ") {
            close(&mut out, &mut open);
            out.push_str(&format!("<h3>{}</h3>\n", inline(h.trim())));
        } else if let Some(h) = line.strip_prefix("## ").or_else(|| line.strip_prefix("# ")) {
            close(&mut out, &mut open);
            out.push_str(&format!("<h2>{}</h2>\n", inline(h.trim())));
        } else if let Some(item) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
            if open != Open::Bullets {
                close(&mut out, &mut open);
                out.push_str("<ul>\n");
                open = Open::Bullets;
            }
            out.push_str(&format!("<li>{}</li>\n", inline(item.trim())));
        } else if let Some(item) = numbered(line) {
            if open != Open::Numbers {
                close(&mut out, &mut open);
                out.push_str("<ol>\n");
                open = Open::Numbers;
            }
            out.push_str(&format!("<li>{}</li>\n", inline(item.trim())));
        } else {
            match open {
                Open::Paragraph => out.push('\n'),
                _ => {
                    close(&mut out, &mut open);
                    out.push_str("<p>");
                    open = Open::Paragraph;
                }
            }
            out.push_str(&inline(line));
        }
    }
    close(&mut out, &mut open);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ArticleInput {
        ArticleInput {
            slug: "carte-identite".into(),
            category: "etat-civil".into(),
            visibility: "public".into(),
            title_fr: " Refaire sa carte d'identité ".into(),
            title_en: String::new(),
            body_fr: "Prenez rendez-vous.".into(),
            body_en: String::new(),
        }
    }

    #[test]
    fn a_good_article_is_trimmed() {
        let a = input().validate().unwrap();
        assert_eq!(a.title_fr, "Refaire sa carte d'identité");
        assert_eq!(a.visibility, Visibility::Public);
    }

    #[test]
    fn every_wrong_field_is_named() {
        let errors = ArticleInput {
            slug: "Pas un slug".into(),
            category: String::new(),
            visibility: "secret".into(),
            title_fr: " ".into(),
            title_en: String::new(),
            body_fr: String::new(),
            body_en: "Hello".into(),
        }
        .validate()
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            [
                "slug",
                "category",
                "visibility",
                "title_fr",
                "body_fr",
                "title_en"
            ]
        );
        let mut long = input();
        long.body_fr = "a".repeat(MAX_BODY_CHARS + 1);
        assert_eq!(
            long.validate().unwrap_err(),
            vec![("body_fr", "article-body-too-long")]
        );
    }

    #[test]
    fn the_format_gives_headings_lists_paragraphs_and_links() {
        let html = to_html(
            "Intro line one\nline two\n\n## Pièces\n- un [justificatif](https://example.fr/a?b=1&c=2)\n- une photo\n\n1. venir\n2. signer\n### Après\n[contact](/contact)",
        );
        assert_eq!(
            html,
            "<p>Intro line one\nline two</p>\n<h2>Pièces</h2>\n<ul>\n<li>un <a href=\"https://example.fr/a?b=1&amp;c=2\" rel=\"noopener\">justificatif</a></li>\n<li>une photo</li>\n</ul>\n<ol>\n<li>venir</li>\n<li>signer</li>\n</ol>\n<h3>Après</h3>\n<p><a href=\"/contact\">contact</a></p>\n"
        );
    }

    #[test]
    fn no_markup_gets_through() {
        let html = to_html(
            "<script>alert(1)</script>\n- <b>x</b>\n[clic](javascript:alert(1)) [x](//evil.example) [y](\"><img src=x>)",
        );
        assert!(!html.contains("<script"));
        assert!(!html.contains("<b>"));
        assert!(!html.contains("<img"));
        assert!(!html.contains("href=\"javascript"));
        assert!(!html.contains("href=\"//"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("[clic](javascript:alert(1))"));
    }

    #[test]
    fn odd_brackets_do_not_break_the_text() {
        assert_eq!(to_html("a [b c](d e) [f"), "<p>a [b c](d e) [f</p>\n");
        assert_eq!(
            to_html("[a](/x)[b](/y)"),
            "<p><a href=\"/x\">a</a><a href=\"/y\">b</a></p>\n"
        );
    }
}
