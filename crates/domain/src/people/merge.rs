//! Merging two records of one person: which identity values the surviving record keeps.
//! Everything else (contact points, tags, consents, relationships, interactions, custom
//! values…) moves to the survivor; the store does that in one transaction.

use super::PersonIdentity;
use crate::error::Invalid;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Which record a kept value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    #[default]
    Survivor,
    Merged,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Survivor => "survivor",
            Self::Merged => "merged",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "" | "survivor" => Some(Self::Survivor),
            "merged" => Some(Self::Merged),
            _ => None,
        }
    }
}

/// The identity fields a merge chooses, in the order of the merge screen.
pub const IDENTITY_FIELDS: [&str; 4] = ["given_name", "family_name", "birth_date", "locale"];

/// For each identity field, the record whose value is kept (the survivor's by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IdentityChoice {
    pub given_name: Side,
    pub family_name: Side,
    pub birth_date: Side,
    pub locale: Side,
}

impl IdentityChoice {
    /// From the merge screen's radio buttons (`keep_<field>` = `survivor` | `merged`).
    pub fn parse(get: &dyn Fn(&str) -> String) -> Result<Self, Invalid> {
        let side = |field: &'static str| {
            Side::parse(get(&format!("keep_{field}")).trim())
                .ok_or(Invalid::new(field, "merge-invalid-choice"))
        };
        Ok(Self {
            given_name: side("given_name")?,
            family_name: side("family_name")?,
            birth_date: side("birth_date")?,
            locale: side("locale")?,
        })
    }

    /// From the API's list of fields to take from the merged record.
    pub fn from_merged_fields(fields: &[String]) -> Result<Self, Invalid> {
        let mut c = Self::default();
        for f in fields {
            match f.as_str() {
                "given_name" => c.given_name = Side::Merged,
                "family_name" => c.family_name = Side::Merged,
                "birth_date" => c.birth_date = Side::Merged,
                "locale" => c.locale = Side::Merged,
                _ => return Err(Invalid::new("keep_from_merged", "merge-invalid-choice")),
            }
        }
        Ok(c)
    }
}

/// The survivor's identity after the merge.
pub fn merged_identity(
    survivor: &PersonIdentity,
    merged: &PersonIdentity,
    choice: IdentityChoice,
) -> PersonIdentity {
    let pick = |side: Side| match side {
        Side::Survivor => survivor,
        Side::Merged => merged,
    };
    PersonIdentity {
        given_name: pick(choice.given_name).given_name.clone(),
        family_name: pick(choice.family_name).family_name.clone(),
        birth_date: pick(choice.birth_date).birth_date,
        locale: pick(choice.locale).locale,
    }
}

/// A record cannot be merged into itself.
pub fn check_pair(survivor: Uuid, merged: Uuid) -> Result<(), Invalid> {
    if survivor == merged {
        Err(Invalid::new("merged", "merge-same-person"))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Locale;
    use chrono::NaiveDate;

    #[test]
    fn identity_values_come_from_the_chosen_side() {
        let a = PersonIdentity {
            given_name: "Helene".into(),
            family_name: "Durand".into(),
            birth_date: None,
            locale: Locale::Fr,
        };
        let b = PersonIdentity {
            given_name: "Hélène".into(),
            family_name: "Durnad".into(),
            birth_date: NaiveDate::from_ymd_opt(1980, 2, 29),
            locale: Locale::En,
        };
        assert_eq!(merged_identity(&a, &b, IdentityChoice::default()), a);
        let get = |n: &str| {
            match n {
                "keep_given_name" | "keep_birth_date" => "merged",
                "keep_family_name" => "survivor",
                _ => "",
            }
            .to_owned()
        };
        let choice = IdentityChoice::parse(&get).unwrap();
        let kept = merged_identity(&a, &b, choice);
        assert_eq!(kept.given_name, "Hélène");
        assert_eq!(kept.family_name, "Durand");
        assert_eq!(kept.birth_date, b.birth_date);
        assert_eq!(kept.locale, Locale::Fr);
        assert_eq!(
            IdentityChoice::from_merged_fields(&["given_name".into(), "birth_date".into()])
                .unwrap(),
            choice
        );
        assert!(IdentityChoice::from_merged_fields(&["email".into()]).is_err());
        assert!(IdentityChoice::parse(&|_| "both".to_owned()).is_err());
        let id = crate::new_id();
        assert!(check_pair(id, id).is_err());
        assert!(check_pair(id, crate::new_id()).is_ok());
    }
}
