use crate::error::{Invalid, Result};
use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

/// Staff accounts work in the back office; portal accounts belong to the people served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountKind {
    Staff,
    Portal,
}

impl AccountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Staff => "staff",
            Self::Portal => "portal",
        }
    }
}

impl FromStr for AccountKind {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "staff" => Ok(Self::Staff),
            "portal" => Ok(Self::Portal),
            _ => Err(Invalid::new("kind", "invalid-account-kind")),
        }
    }
}

/// Roles of staff accounts, from most to least powerful.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Supervisor,
    Agent,
    Viewer,
}

/// What an actor may do. Handlers ask `role.can(permission)`; the matrix lives here only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Open the back office at all.
    UseBackOffice,
    /// Change anything (as opposed to read-only viewers).
    Write,
    /// Tenant settings and theme.
    ManageTenant,
    /// Create staff accounts, change roles, disable accounts, send password resets.
    ManageStaff,
    /// Create and rename teams, change their members.
    ManageTeams,
    /// Read the audit log.
    ReadAudit,
    /// Create, edit, publish and archive the services of the catalogue.
    ManageCatalogue,
    /// Merge two records of one person (irreversible: the history moves to the survivor).
    MergePersons,
    /// Create, change and delete segments (saved filters on persons); anyone in the back
    /// office can use them.
    ManageSegments,
    /// Define the custom fields of persons.
    ManageCustomFields,
    /// The supervisor board: everyone's workload, reassigning, agents' availability,
    /// capacity and skills.
    Supervise,
    /// Routing and automation rules (they act on every case of the tenant).
    ManageAutomation,
}

impl Permission {
    pub const ALL: [Permission; 12] = [
        Permission::UseBackOffice,
        Permission::Write,
        Permission::ManageTenant,
        Permission::ManageStaff,
        Permission::ManageTeams,
        Permission::ReadAudit,
        Permission::ManageCatalogue,
        Permission::MergePersons,
        Permission::ManageSegments,
        Permission::ManageCustomFields,
        Permission::Supervise,
        Permission::ManageAutomation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::UseBackOffice => "use-back-office",
            Self::Write => "write",
            Self::ManageTenant => "manage-tenant",
            Self::ManageStaff => "manage-staff",
            Self::ManageTeams => "manage-teams",
            Self::ReadAudit => "read-audit",
            Self::ManageCatalogue => "manage-catalogue",
            Self::MergePersons => "merge-persons",
            Self::ManageSegments => "manage-segments",
            Self::ManageCustomFields => "manage-custom-fields",
            Self::Supervise => "supervise",
            Self::ManageAutomation => "manage-automation",
        }
    }
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Supervisor, Role::Agent, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Supervisor => "supervisor",
            Self::Agent => "agent",
            Self::Viewer => "viewer",
        }
    }

    pub fn can(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Admin => true,
            Role::Supervisor => {
                matches!(
                    permission,
                    UseBackOffice
                        | Write
                        | ManageTeams
                        | ReadAudit
                        | MergePersons
                        | ManageSegments
                        | Supervise
                )
            }
            Role::Agent => matches!(permission, UseBackOffice | Write),
            Role::Viewer => matches!(permission, UseBackOffice),
        }
    }
}

impl FromStr for Role {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or(Invalid::new("role", "invalid-role"))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An e-mail address, trimmed and lowercased, in the shape `local@domain.tld`. Only what
/// can be checked without sending mail is checked.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(s: &str) -> Result<Self> {
        let s = s.trim().to_lowercase();
        let bad = || Invalid::new("email", "invalid-email");
        if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad());
        }
        let (local, domain) = s.rsplit_once('@').ok_or_else(bad)?;
        let domain_ok = domain.contains('.')
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.contains('@')
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
        if domain_ok && local_ok {
            Ok(Self(s))
        } else {
            Err(bad())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self> {
        Self::parse(&s)
    }
}
impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}
impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new password as typed: 12 to 256 characters, not only spaces. (Length is what makes a
/// password strong; composition rules only make people write them down.)
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 12;

    pub fn new(s: &str) -> Result<Self> {
        let n = s.chars().count();
        if n < Self::MIN_CHARS {
            return Err(Invalid::new("password", "password-too-short"));
        }
        if n > 256 {
            return Err(Invalid::new("password", "password-too-long"));
        }
        if s.trim().is_empty() {
            return Err(Invalid::new("password", "password-too-short"));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// A person's display name: trimmed, 1 to 120 characters, no control characters.
pub fn display_name(s: &str) -> Result<String> {
    let s = s.trim();
    let n = s.chars().count();
    if n == 0 || n > 120 || s.chars().any(char::is_control) {
        return Err(Invalid::new("display_name", "invalid-display-name"));
    }
    Ok(s.to_owned())
}

/// A team's name: trimmed, 1 to 80 characters, no control characters.
pub fn team_name(s: &str) -> Result<String> {
    let s = s.trim();
    let n = s.chars().count();
    if n == 0 || n > 80 || s.chars().any(char::is_control) {
        return Err(Invalid::new("name", "invalid-team-name"));
    }
    Ok(s.to_owned())
}

/// Repeated failed sign-ins lock an account for a while: it slows guessing without letting
/// an attacker lock someone out for long.
pub mod lockout {
    use chrono::{DateTime, Duration, Utc};

    pub const MAX_FAILURES: i32 = 5;
    pub const LOCK_MINUTES: i64 = 15;

    /// The lock to set after a failure that brings the count to `failures`, if any.
    pub fn lock_after_failure(failures: i32, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        (failures >= MAX_FAILURES).then(|| now + Duration::minutes(LOCK_MINUTES))
    }

    pub fn is_locked(locked_until: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
        locked_until.is_some_and(|until| until > now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse("  Camille.Martin@Example.ORG ")
                .unwrap()
                .as_str(),
            "camille.martin@example.org"
        );
        assert!(Email::parse("hélène@mairie.fr").is_ok());
        for bad in [
            "",
            "a",
            "a@b",
            "@b.fr",
            "a@.fr",
            "a@b..fr",
            "a b@c.fr",
            "a@-b.fr",
            ".a@b.fr",
            "a..b@c.fr",
            "a@b@c.fr",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords() {
        assert!(Password::new("short").is_err());
        assert!(Password::new("            ").is_err());
        assert!(Password::new("correct horse battery").is_ok());
        assert!(Password::new(&"x".repeat(257)).is_err());
        assert_eq!(
            format!("{:?}", Password::new("correct horse battery").unwrap()),
            "Password(***)"
        );
    }

    #[test]
    fn permission_matrix() {
        use Permission::*;
        for p in Permission::ALL {
            assert!(Role::Admin.can(p));
        }
        assert!(Role::Supervisor.can(ManageTeams) && Role::Supervisor.can(ReadAudit));
        assert!(!Role::Supervisor.can(ManageStaff) && !Role::Supervisor.can(ManageTenant));
        assert!(!Role::Supervisor.can(ManageCatalogue));
        assert!(
            Role::Agent.can(Write) && !Role::Agent.can(ManageTeams) && !Role::Agent.can(ReadAudit)
        );
        assert!(!Role::Agent.can(ManageCatalogue));
        assert!(Role::Supervisor.can(MergePersons) && Role::Supervisor.can(ManageSegments));
        assert!(!Role::Supervisor.can(ManageCustomFields));
        assert!(Role::Supervisor.can(Supervise) && !Role::Supervisor.can(ManageAutomation));
        assert!(!Role::Agent.can(Supervise) && !Role::Agent.can(ManageAutomation));
        assert!(
            !Role::Agent.can(MergePersons)
                && !Role::Agent.can(ManageSegments)
                && !Role::Agent.can(ManageCustomFields)
        );
        assert!(Role::Viewer.can(UseBackOffice));
        for p in [
            Write,
            ManageTenant,
            ManageStaff,
            ManageTeams,
            ReadAudit,
            ManageCatalogue,
            MergePersons,
            ManageSegments,
            ManageCustomFields,
        ] {
            assert!(!Role::Viewer.can(p), "viewer must not {p:?}");
        }
    }

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
        }
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn lockout_after_five_failures() {
        let now = chrono::Utc::now();
        assert_eq!(lockout::lock_after_failure(4, now), None);
        let until = lockout::lock_after_failure(5, now).unwrap();
        assert!(lockout::is_locked(Some(until), now));
        assert!(!lockout::is_locked(
            Some(until),
            until + chrono::Duration::seconds(1)
        ));
        assert!(!lockout::is_locked(None, now));
    }
}
