//! Who may do what: four roles, each allowing what the one below it allows and more, and the
//! table that gives users and groups their role.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// A caseworker's role, from the least to the most allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads only.
    Consultazione,
    /// Intake, review, appointments, messages.
    Operatore,
    /// Admission and exclusion, score adjustments, objection decisions, ranking publication.
    Responsabile,
    /// Calls, point tables, restore, the sender's settings, the roles.
    Amministratore,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Consultazione,
        Role::Operatore,
        Role::Responsabile,
        Role::Amministratore,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Role::Consultazione => "consultazione",
            Role::Operatore => "operatore",
            Role::Responsabile => "responsabile",
            Role::Amministratore => "amministratore",
        }
    }

    /// Whether this role may do what `needed` allows.
    pub fn allows(self, needed: Role) -> bool {
        self >= needed
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which role each user and group has. Without a table every user is `amministratore`, as a
/// single-user office has always been; with one, a user named in neither list has the
/// table's default, and with no default no role at all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Roles {
    pub table: Option<RoleTable>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoleTable {
    pub users: BTreeMap<String, Role>,
    pub groups: BTreeMap<String, Role>,
    /// The role of a user the table does not name, if any.
    pub default: Option<Role>,
}

impl Roles {
    /// No table: everyone is `amministratore`.
    pub fn everyone_administrator() -> Roles {
        Roles { table: None }
    }

    pub fn from_table(table: RoleTable) -> Roles {
        Roles { table: Some(table) }
    }

    /// The highest role `user` has in person or through any of `groups`; `None` when the table
    /// names them nowhere and gives no default.
    pub fn role_of(&self, user: &str, groups: &[String]) -> Option<Role> {
        let Some(table) = &self.table else {
            return Some(Role::Amministratore);
        };
        let named = table
            .users
            .get(user)
            .into_iter()
            .chain(groups.iter().filter_map(|g| table.groups.get(g)))
            .max()
            .copied();
        named.or(table.default)
    }
}

/// Why a request is refused: «serve il ruolo responsabile: rossi è operatore».
pub fn refusal(user: &str, has: Option<Role>, needed: Role) -> String {
    match has {
        Some(role) => format!("serve il ruolo {needed}: {user} è {role}"),
        None => format!(
            "serve il ruolo {needed}: {user} non ha alcun ruolo nel file dei ruoli (chiedere \
             all'amministratore di aggiungerlo)"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Roles {
        Roles::from_table(RoleTable {
            users: BTreeMap::from([("rossi".to_string(), Role::Operatore)]),
            groups: BTreeMap::from([
                ("casa".to_string(), Role::Responsabile),
                ("ospiti".to_string(), Role::Consultazione),
            ]),
            default: None,
        })
    }

    #[test]
    fn the_highest_role_of_a_user_and_their_groups_wins() {
        let roles = table();
        assert_eq!(roles.role_of("rossi", &[]), Some(Role::Operatore));
        let groups = ["ospiti".to_string(), "casa".to_string()];
        assert_eq!(roles.role_of("rossi", &groups), Some(Role::Responsabile));
        assert_eq!(
            roles.role_of("verdi", &groups[..1]),
            Some(Role::Consultazione)
        );
    }

    #[test]
    fn without_a_table_everyone_administers_and_without_a_default_a_stranger_has_no_role() {
        assert_eq!(
            Roles::everyone_administrator().role_of("chiunque", &[]),
            Some(Role::Amministratore)
        );
        assert_eq!(table().role_of("verdi", &[]), None);
        let mut with_default = table();
        if let Some(t) = &mut with_default.table {
            t.default = Some(Role::Consultazione);
        }
        assert_eq!(
            with_default.role_of("verdi", &[]),
            Some(Role::Consultazione)
        );
    }

    #[test]
    fn a_refusal_names_the_role_needed_and_the_one_held() {
        assert_eq!(
            refusal("rossi", Some(Role::Operatore), Role::Responsabile),
            "serve il ruolo responsabile: rossi è operatore"
        );
        assert!(refusal("verdi", None, Role::Consultazione).contains("non ha alcun ruolo"));
    }
}
