//! Reads the roles file (`ruoli.toml`): which role each system user and group has. A file
//! that cannot be used is refused whole, with the place to fix: `ruoli.toml:4:12: …`.
//!
//! ```toml
//! predefinito = "consultazione"   # chi non è nominato; senza, nessun accesso
//!
//! [utenti]
//! rossi = "responsabile"
//!
//! [gruppi]
//! ufficio-casa = "operatore"
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::domain::roles::{Role, RoleTable};

use super::text::line_of;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RolesFile {
    #[serde(default)]
    predefinito: Option<Role>,
    #[serde(default)]
    utenti: BTreeMap<String, Role>,
    #[serde(default)]
    gruppi: BTreeMap<String, Role>,
}

/// A roles file that could not be used, with the place to fix (line and column from 1; 0
/// when the file could not be read at all).
#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}:{column}: {reason}")]
pub struct RolesFileError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub reason: String,
}

pub fn load(path: &Path) -> Result<RoleTable, RolesFileError> {
    let text = super::text::read_text(path).map_err(|reason| RolesFileError {
        file: path.display().to_string(),
        line: 0,
        column: 0,
        reason,
    })?;
    parse(&text, &path.display().to_string())
}

pub fn parse(text: &str, file: &str) -> Result<RoleTable, RolesFileError> {
    let raw: RolesFile = toml::from_str(text).map_err(|e| {
        let offset = e.span().map(|s| s.start).unwrap_or(0).min(text.len());
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        RolesFileError {
            file: file.to_string(),
            line: line_of(text, offset),
            column: text[line_start..offset].chars().count() + 1,
            reason: super::reasons::toml(e.message()),
        }
    })?;
    Ok(RoleTable {
        users: raw.utenti,
        groups: raw.gruppi,
        default: raw.predefinito,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_good_file_gives_users_groups_and_the_default() {
        let table = parse(
            "predefinito = \"consultazione\"\n\n[utenti]\nrossi = \"responsabile\"\n\n\
             [gruppi]\nufficio-casa = \"operatore\"\nsistemi = \"amministratore\"\n",
            "ruoli.toml",
        )
        .expect("a good file");
        assert_eq!(table.default, Some(Role::Consultazione));
        assert_eq!(table.users["rossi"], Role::Responsabile);
        assert_eq!(table.groups["ufficio-casa"], Role::Operatore);
        assert_eq!(table.groups["sistemi"], Role::Amministratore);
    }

    #[test]
    fn an_empty_file_names_nobody_and_gives_no_default() {
        assert_eq!(
            parse("", "ruoli.toml").expect("empty"),
            RoleTable::default()
        );
    }

    #[test]
    fn a_wrong_role_name_is_refused_with_file_line_and_column_in_italian() {
        let err = parse(
            "[utenti]\nrossi = \"responsabile\"\nbianchi = \"capo\"\n",
            "ruoli.toml",
        )
        .expect_err("no such role");
        let text = err.to_string();
        assert!(text.starts_with("ruoli.toml:3:11: "), "{text}");
        assert!(text.contains("valore 'capo' non ammesso"), "{text}");
        assert!(
            text.contains("operatore"),
            "the roles allowed are named: {text}"
        );
    }

    #[test]
    fn an_unknown_key_and_bad_syntax_are_refused_with_their_place() {
        let err = parse("[utente]\nrossi = \"operatore\"\n", "ruoli.toml").expect_err("typo");
        assert_eq!(err.line, 1, "{err}");
        let err = parse("[utenti]\nrossi = operatore\n", "ruoli.toml").expect_err("unquoted");
        assert_eq!((err.line, err.column), (2, 9), "{err}");
        assert!(err.reason.contains("virgolette"), "{err}");
    }
}
