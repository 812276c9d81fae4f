//! Who is asking, as the operating system knows them: the user name and groups of a uid. The
//! audit log and the roles rest on this, never on `$USER`, which anyone can set.

use serde::{Deserialize, Serialize};

/// A system user: name and the groups they belong to (the primary one included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub uid: u32,
    pub name: String,
    pub groups: Vec<String>,
}

impl Identity {
    /// The user this process runs as.
    pub fn current() -> Result<Identity, String> {
        Identity::of_uid(current_uid())
    }

    /// The user with `uid`, from the system's user and group databases.
    #[cfg(unix)]
    pub fn of_uid(uid: u32) -> Result<Identity, String> {
        let user = uzers::get_user_by_uid(uid).ok_or_else(|| {
            format!(
                "l'utente di sistema con uid {uid} non ha un nome: aggiungerlo al sistema \
                 (/etc/passwd o la directory dell'ente) prima di usare il programma"
            )
        })?;
        let name = user.name().to_string_lossy().into_owned();
        Ok(Identity {
            uid,
            groups: groups_of(&name, user.primary_group_id()),
            name,
        })
    }

    /// The user named `name`, if the system knows them; their groups decide their role.
    #[cfg(unix)]
    pub fn of_name(name: &str) -> Option<Identity> {
        let user = uzers::get_user_by_name(name)?;
        Some(Identity {
            uid: user.uid(),
            name: name.to_string(),
            groups: groups_of(name, user.primary_group_id()),
        })
    }

    #[cfg(not(unix))]
    pub fn of_uid(uid: u32) -> Result<Identity, String> {
        let name = std::env::var("USERNAME")
            .map_err(|_| "impossibile determinare l'utente di sistema".to_string())?;
        Ok(Identity {
            uid,
            name,
            groups: Vec::new(),
        })
    }

    #[cfg(not(unix))]
    pub fn of_name(_name: &str) -> Option<Identity> {
        None
    }
}

#[cfg(unix)]
fn current_uid() -> u32 {
    rustix::process::getuid().as_raw()
}

#[cfg(not(unix))]
fn current_uid() -> u32 {
    0
}

/// The names of the user's groups; a group without a name is left out (no role names it).
#[cfg(unix)]
fn groups_of(name: &str, primary: u32) -> Vec<String> {
    let mut groups: Vec<String> = uzers::get_user_groups(name, primary)
        .unwrap_or_default()
        .iter()
        .map(|group| group.name().to_string_lossy().into_owned())
        .collect();
    groups.sort();
    groups.dedup();
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(flag: &str) -> String {
        let out = std::process::Command::new("id")
            .arg(flag)
            .output()
            .expect("the id command runs");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    #[test]
    fn the_current_user_is_named_as_id_names_them() {
        let me = Identity::current().expect("the current user has a name");
        assert_eq!(me.name, id("-un"));
        assert_eq!(me.uid.to_string(), id("-u"));
        let mut groups: Vec<String> = id("-Gn").split_whitespace().map(String::from).collect();
        groups.sort();
        groups.dedup();
        assert_eq!(me.groups, groups);
        assert_eq!(Identity::of_name(&me.name), Some(me));
    }

    #[test]
    fn a_uid_without_a_user_is_refused_in_italian() {
        let err = Identity::of_uid(4_000_000_000).expect_err("no such user");
        assert!(err.contains("uid 4000000000"), "{err}");
    }
}
