//! Rules of handling a case in the back office: labels, the text of replies, notes and
//! rejection reasons, and canned responses with their variables (`{reference}`,
//! `{given_name}`…). Each error is a message id naming what is wrong.

/// Labels on one case at most.
pub const MAX_LABELS: usize = 20;
/// Characters in one label at most.
pub const MAX_LABEL_CHARS: usize = 40;
/// Characters in a reply or a note at most.
pub const MAX_MESSAGE_CHARS: usize = 10_000;
/// Characters in a document's rejection reason at most.
pub const MAX_REASON_CHARS: usize = 500;
/// Characters in a canned response's title at most.
pub const MAX_TITLE_CHARS: usize = 100;

/// Labels typed as a comma-separated list: each trimmed, blanks dropped, a label repeated
/// (whatever its case) kept once, in the order typed.
pub fn parse_labels(input: &str) -> Result<Vec<String>, &'static str> {
    let mut labels: Vec<String> = Vec::new();
    for raw in input.split(',') {
        let label = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if label.is_empty() {
            continue;
        }
        if label.chars().count() > MAX_LABEL_CHARS {
            return Err("label-too-long");
        }
        if label.chars().any(char::is_control) {
            return Err("label-invalid");
        }
        if !labels
            .iter()
            .any(|l| l.to_lowercase() == label.to_lowercase())
        {
            labels.push(label);
        }
    }
    if labels.len() > MAX_LABELS {
        return Err("labels-too-many");
    }
    Ok(labels)
}

/// A reply to the requester or an internal note: trimmed, required, bounded.
pub fn message_text(input: &str) -> Result<String, &'static str> {
    let text = input.trim();
    if text.is_empty() {
        Err("message-required")
    } else if text.chars().count() > MAX_MESSAGE_CHARS {
        Err("message-too-long")
    } else {
        Ok(text.replace("\r\n", "\n"))
    }
}

/// Why a document is rejected: the requester reads it, so it is required.
pub fn reject_reason(input: &str) -> Result<String, &'static str> {
    let text = input.trim();
    if text.is_empty() {
        Err("document-reason-required")
    } else if text.chars().count() > MAX_REASON_CHARS {
        Err("document-reason-too-long")
    } else {
        Ok(text.to_owned())
    }
}

/// The variables a canned response may use, in the order the editor lists them.
pub const VARIABLES: [&str; 6] = [
    "reference",
    "given_name",
    "family_name",
    "service",
    "agent_name",
    "organisation",
];

/// A canned response's title and body as typed.
pub fn canned_response(
    title: &str,
    body: &str,
) -> Result<(String, String), Vec<(&'static str, &'static str)>> {
    let mut errors = Vec::new();
    let title = title.trim();
    if title.is_empty() {
        errors.push(("title", "canned-title-required"));
    } else if title.chars().count() > MAX_TITLE_CHARS {
        errors.push(("title", "canned-title-too-long"));
    }
    let body = match message_text(body) {
        Ok(b) => Some(b),
        Err(code) => {
            errors.push(("body", code));
            None
        }
    };
    if body.as_deref().is_some_and(|b| variables_known(b).is_err()) {
        errors.push(("body", "canned-unknown-variable"));
    }
    match body {
        Some(body) if errors.is_empty() => Ok((title.to_owned(), body)),
        _ => Err(errors),
    }
}

/// The English title and text of a canned response: optional (an English reader then gets
/// the French one), but a text needs its title and follows the same rules as the French.
pub fn canned_english(
    title: &str,
    body: &str,
) -> Result<(String, String), Vec<(&'static str, &'static str)>> {
    if title.trim().is_empty() && body.trim().is_empty() {
        return Ok((String::new(), String::new()));
    }
    canned_response(title, body).map_err(|errors| {
        errors
            .into_iter()
            .map(|(field, code)| {
                (
                    if field == "title" {
                        "title_en"
                    } else {
                        "body_en"
                    },
                    code,
                )
            })
            .collect()
    })
}

/// `Err(name)` for the first `{name}` that is not one of [`VARIABLES`].
pub fn variables_known(template: &str) -> Result<(), String> {
    let blanks: Vec<(&str, &str)> = VARIABLES.iter().map(|v| (*v, "")).collect();
    fill(template, &blanks)
        .map(|_| ())
        .map_err(|FillError::Unknown(name)| name)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FillError {
    /// `{name}` is not a variable this call knows.
    Unknown(String),
}

/// Replaces each `{name}` by its value. A `{` without its `}` stays as typed; `{{` and `}}`
/// write one brace.
pub fn fill(template: &str, values: &[(&str, &str)]) -> Result<String, FillError> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
            continue;
        }
        if let Some(after) = tail.strip_prefix('}') {
            out.push('}');
            rest = after;
            continue;
        }
        let Some(end) = tail.find('}') else {
            out.push_str(tail);
            rest = "";
            break;
        };
        let name = &tail[1..end];
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit())
        {
            // Not a variable (a brace in prose): keep the text as it is.
            out.push('{');
            rest = &tail[1..];
            continue;
        }
        match values.iter().find(|(k, _)| *k == name) {
            Some((_, v)) => out.push_str(v),
            None => return Err(FillError::Unknown(name.to_owned())),
        }
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_trimmed_deduplicated_and_bounded() {
        assert_eq!(
            parse_labels(" urgent , Voirie,, urgent ,URGENT, rappel  client "),
            Ok(vec![
                "urgent".to_owned(),
                "Voirie".to_owned(),
                "rappel client".to_owned()
            ])
        );
        assert_eq!(parse_labels(""), Ok(vec![]));
        assert_eq!(parse_labels(&"x".repeat(41)), Err("label-too-long"));
        let many: Vec<String> = (0..21).map(|i| format!("l{i}")).collect();
        assert_eq!(parse_labels(&many.join(",")), Err("labels-too-many"));
        assert_eq!(parse_labels("a\u{7}b"), Err("label-invalid"));
    }

    #[test]
    fn the_english_text_is_optional_but_checked() {
        assert_eq!(canned_english(" ", ""), Ok((String::new(), String::new())));
        assert_eq!(
            canned_english("Receipt", " Hello {given_name} "),
            Ok(("Receipt".into(), "Hello {given_name}".into()))
        );
        assert_eq!(
            canned_english("", "Hello {first_name}"),
            Err(vec![
                ("title_en", "canned-title-required"),
                ("body_en", "canned-unknown-variable")
            ])
        );
    }

    #[test]
    fn messages_must_say_something() {
        assert_eq!(message_text("  \n "), Err("message-required"));
        assert_eq!(
            message_text(" Bonjour\r\nMerci "),
            Ok("Bonjour\nMerci".into())
        );
        assert_eq!(
            message_text(&"é".repeat(MAX_MESSAGE_CHARS + 1)),
            Err("message-too-long")
        );
        assert_eq!(reject_reason(" "), Err("document-reason-required"));
        assert_eq!(reject_reason(" Illisible "), Ok("Illisible".into()));
    }

    #[test]
    fn variables_are_filled_and_unknown_ones_named() {
        let values = [
            ("reference", "BEL-2026-7K3F9QX2"),
            ("given_name", "Camille"),
        ];
        assert_eq!(
            fill("Bonjour {given_name}, votre demande {reference}.", &values),
            Ok("Bonjour Camille, votre demande BEL-2026-7K3F9QX2.".into())
        );
        assert_eq!(
            fill("Bonjour {nom}", &values),
            Err(FillError::Unknown("nom".into()))
        );
        // Braces that are not variables stay as typed.
        assert_eq!(
            fill("{{reference}} { x } {A} fin {", &values),
            Ok("{reference} { x } {A} fin {".into())
        );
        assert_eq!(variables_known("{reference} {service}"), Ok(()));
        assert_eq!(variables_known("{prenom}"), Err("prenom".into()));
    }

    #[test]
    fn canned_responses_need_a_title_and_known_variables() {
        assert!(canned_response("Accusé", "Bonjour {given_name}").is_ok());
        assert_eq!(
            canned_response(" ", "Bonjour {prenom}"),
            Err(vec![
                ("title", "canned-title-required"),
                ("body", "canned-unknown-variable")
            ])
        );
    }
}
