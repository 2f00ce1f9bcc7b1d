//! Agents working together on cases: @mentions in internal notes, links between cases (read
//! from either side), and who may see a case.

use crate::Role;
use uuid::Uuid;

/// Mentions in one note at most.
pub const MAX_MENTIONS: usize = 20;

/// How long after their last look at a case a colleague still counts as having it open.
pub const OPEN_FOR_MINUTES: i64 = 10;
/// How long a look at a case is kept at all (the housekeeping forgets older ones).
pub const LOOK_KEPT_HOURS: i64 = 24;

/// The handles mentioned in a note, in the order written, each once (lowercase): `@` at the
/// start or after a character that is not part of a word (so `ana@example.org` is no
/// mention), then letters, digits, `.`, `_` or `-`; a final `.` or `-` is punctuation.
pub fn mentions(text: &str) -> Vec<String> {
    let part = |c: char| c.is_alphanumeric() || matches!(c, '.' | '_' | '-');
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<String> = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        if c != '@' || (i > 0 && part(chars[i - 1])) {
            continue;
        }
        let handle: String = chars[i + 1..].iter().take_while(|&&c| part(c)).collect();
        let handle = handle.trim_end_matches(['.', '-']).to_lowercase();
        if !handle.is_empty() && !out.contains(&handle) {
            out.push(handle);
        }
    }
    out
}

/// Whether `handle` (from [`mentions`]) names the staff member with this e-mail and display
/// name: the part of the e-mail before `@`, or the name, compared without case, accents or
/// punctuation (`@marie.dupont`, `@Marie-Dupont` and `@marie_dupont` all name "Marie Dupont").
pub fn handle_names(handle: &str, email: &str, display_name: &str) -> bool {
    let h = crate::search::fold(handle);
    if h.is_empty() {
        return false;
    }
    let local = email.split('@').next().unwrap_or("");
    h == crate::search::fold(local) || h == crate::search::fold(display_name)
}

/// The handle to type for a staff member: the part of their e-mail before `@`.
pub fn handle_of(email: &str) -> String {
    email.split('@').next().unwrap_or(email).to_lowercase()
}

/// Whether a staff member of `role` in `teams` may see the cases of a service routed to
/// `service_team`: supervisors and administrators everywhere, agents and viewers where the
/// service has no team or its team is theirs.
pub fn can_see(role: Role, teams: &[Uuid], service_team: Option<Uuid>) -> bool {
    match role {
        Role::Admin | Role::Supervisor => true,
        Role::Agent | Role::Viewer => service_team.is_none_or(|t| teams.contains(&t)),
    }
}

/// A link between two cases as stored: `case` is related to, a duplicate of, or the parent
/// of `other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    Related,
    Duplicate,
    Parent,
}

impl LinkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Related => "related",
            Self::Duplicate => "duplicate",
            Self::Parent => "parent",
        }
    }

    pub fn parse(s: &str) -> Option<LinkKind> {
        [Self::Related, Self::Duplicate, Self::Parent]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// A link as one case sees it (also what the agent picks in the form).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkSide {
    Related,
    DuplicateOf,
    DuplicatedBy,
    ParentOf,
    ChildOf,
}

impl LinkSide {
    /// What the agent may pick when linking this case to another.
    pub const CHOICES: [LinkSide; 5] = [
        Self::Related,
        Self::DuplicateOf,
        Self::DuplicatedBy,
        Self::ParentOf,
        Self::ChildOf,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Related => "related",
            Self::DuplicateOf => "duplicate_of",
            Self::DuplicatedBy => "duplicated_by",
            Self::ParentOf => "parent_of",
            Self::ChildOf => "child_of",
        }
    }

    pub fn parse(s: &str) -> Option<LinkSide> {
        Self::CHOICES.into_iter().find(|k| k.as_str() == s)
    }

    /// How to store "this case <side> other": `(kind, this case comes first)`.
    pub fn stored(self) -> (LinkKind, bool) {
        match self {
            Self::Related => (LinkKind::Related, true),
            Self::DuplicateOf => (LinkKind::Duplicate, true),
            Self::DuplicatedBy => (LinkKind::Duplicate, false),
            Self::ParentOf => (LinkKind::Parent, true),
            Self::ChildOf => (LinkKind::Parent, false),
        }
    }

    /// How a stored link reads from one of its cases (`first`: the link's `case`).
    pub fn seen_from(kind: LinkKind, first: bool) -> LinkSide {
        match (kind, first) {
            (LinkKind::Related, _) => Self::Related,
            (LinkKind::Duplicate, true) => Self::DuplicateOf,
            (LinkKind::Duplicate, false) => Self::DuplicatedBy,
            (LinkKind::Parent, true) => Self::ParentOf,
            (LinkKind::Parent, false) => Self::ChildOf,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_are_found_once_and_mail_addresses_are_not_mentions() {
        assert_eq!(
            mentions("Vu avec @marie.dupont et @Agent. Voir ana@example.org, (@agent) @-"),
            vec!["marie.dupont".to_owned(), "agent".to_owned()]
        );
        assert_eq!(mentions("@hélène: merci"), vec!["hélène".to_owned()]);
        assert!(mentions("rien @ signaler").is_empty());
    }

    #[test]
    fn a_handle_names_by_email_or_by_name() {
        assert!(handle_names(
            "marie.dupont",
            "mdupont@ville.fr",
            "Marie Dupont"
        ));
        assert!(handle_names("mdupont", "MDupont@ville.fr", "Marie Dupont"));
        assert!(handle_names(
            "helene-lefevre",
            "hl@ville.fr",
            "Hélène Lefèvre"
        ));
        assert!(!handle_names("marie", "mdupont@ville.fr", "Marie Dupont"));
        assert!(!handle_names("...", "x@ville.fr", ""));
        assert_eq!(handle_of("MDupont@ville.fr"), "mdupont");
    }

    #[test]
    fn who_sees_a_case() {
        let team = Uuid::from_u128(1);
        assert!(can_see(Role::Agent, &[team], Some(team)));
        assert!(!can_see(Role::Agent, &[], Some(team)));
        assert!(can_see(Role::Viewer, &[], None));
        assert!(can_see(Role::Supervisor, &[], Some(team)));
    }

    #[test]
    fn a_link_reads_both_ways() {
        for side in LinkSide::CHOICES {
            assert_eq!(LinkSide::parse(side.as_str()), Some(side));
            let (kind, first) = side.stored();
            assert_eq!(LinkSide::seen_from(kind, first), side);
            assert_eq!(LinkKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(
            LinkSide::seen_from(LinkKind::Parent, false),
            LinkSide::ChildOf
        );
        assert_eq!(LinkSide::parse("sibling"), None);
    }
}
