//! Subscription keys of PagoPA's services (`Ocp-Apim-Subscription-Key`): where they are read
//! from, and a type that never prints them, so a key cannot end up in a log, an error or a
//! screen by accident. IO and GPD read theirs the same way, each from its own variables.

use std::fmt;
use std::path::{Path, PathBuf};

/// Variable holding the IO key itself.
pub const KEY_ENV: &str = "ALLOGGI_IO_API_KEY";
/// Variable holding the path of a file that contains the IO key.
pub const KEY_FILE_ENV: &str = "ALLOGGI_IO_API_KEY_FILE";

/// Which service a key is for and the two variables it may come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyVars {
    /// How the messages name the key: «la chiave IO».
    pub service: &'static str,
    /// Variable holding the key itself.
    pub value: &'static str,
    /// Variable holding the path of a file that contains the key.
    pub file: &'static str,
}

/// The variables of the IO key.
pub const IO_KEY: KeyVars = KeyVars {
    service: "IO",
    value: KEY_ENV,
    file: KEY_FILE_ENV,
};

/// A subscription key of one of PagoPA's services.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// The key is trimmed; an empty key is refused because it would only earn a 401 later.
    pub fn new(key: impl Into<String>) -> Option<ApiKey> {
        let key = key.into();
        let trimmed = key.trim();
        if trimmed.is_empty() {
            None
        } else {
            Some(ApiKey(trimmed.to_string()))
        }
    }

    /// The key in clear, for the request header only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(***)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// A key that could not be read, with the variables that name it.
#[derive(Debug, thiserror::Error)]
#[error("{}", describe(.vars, .fault))]
pub struct KeyError {
    pub vars: KeyVars,
    pub fault: KeyFault,
}

#[derive(Debug)]
pub enum KeyFault {
    Missing,
    NotFound(PathBuf),
    NotRegular(PathBuf),
    TooOpen {
        path: PathBuf,
        mode: u32,
    },
    Empty(PathBuf),
    TooLarge(PathBuf),
    NotText(PathBuf),
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl KeyError {
    fn new(vars: KeyVars, fault: KeyFault) -> KeyError {
        KeyError { vars, fault }
    }
}

fn describe(vars: &KeyVars, fault: &KeyFault) -> String {
    let KeyVars {
        service,
        value,
        file,
    } = vars;
    match fault {
        KeyFault::Missing => format!(
            "nessuna chiave {service}: impostare {value} con la chiave oppure {file} con il percorso di un file che la contiene (permessi 600)"
        ),
        KeyFault::NotFound(path) => format!(
            "il file della chiave {service} «{}» non esiste",
            path.display()
        ),
        KeyFault::NotRegular(path) => format!(
            "«{}» non è un file regolare: indicare in {file} il file della chiave {service}",
            path.display()
        ),
        KeyFault::TooOpen { path, mode } => format!(
            "i permessi {mode:04o} di «{path}» sono troppo aperti: la chiave {service} non deve essere leggibile da gruppo o altri (chmod 600 {path})",
            path = path.display()
        ),
        KeyFault::Empty(path) => format!(
            "il file della chiave {service} «{}» è vuoto",
            path.display()
        ),
        KeyFault::TooLarge(path) => format!(
            "il file della chiave {service} «{}» è troppo grande per contenere solo la chiave",
            path.display()
        ),
        KeyFault::NotText(path) => format!(
            "il file della chiave {service} «{}» non è testo UTF-8",
            path.display()
        ),
        KeyFault::Read { path, source } => format!(
            "impossibile leggere il file della chiave {service} «{}»: {source}",
            path.display()
        ),
    }
}

/// The IO key from `ALLOGGI_IO_API_KEY`, else from the file named by `ALLOGGI_IO_API_KEY_FILE`.
pub fn key_from_env() -> Result<ApiKey, KeyError> {
    key_from_vars(IO_KEY)
}

/// The key from `vars.value`, else from the file named by `vars.file`.
pub fn key_from_vars(vars: KeyVars) -> Result<ApiKey, KeyError> {
    let value = std::env::var(vars.value).ok();
    let file = std::env::var_os(vars.file)
        .filter(|p| !p.is_empty())
        .map(PathBuf::from);
    load_key_for(vars, value, file.as_deref())
}

/// The IO key from the variable's value or the file; see `load_key_for`.
pub fn load_key(env_value: Option<String>, file: Option<&Path>) -> Result<ApiKey, KeyError> {
    load_key_for(IO_KEY, env_value, file)
}

/// A non-empty value (the environment variable) wins; otherwise the file, which must be a
/// regular file readable only by its owner, as ssh demands of a private key: a key that other
/// accounts on the machine can read lets them act in the Comune's name.
pub fn load_key_for(
    vars: KeyVars,
    env_value: Option<String>,
    file: Option<&Path>,
) -> Result<ApiKey, KeyError> {
    if let Some(key) = env_value.and_then(ApiKey::new) {
        return Ok(key);
    }
    match file {
        Some(path) => read_key_file(path).map_err(|fault| KeyError::new(vars, fault)),
        None => Err(KeyError::new(vars, KeyFault::Missing)),
    }
}

fn read_key_file(path: &Path) -> Result<ApiKey, KeyFault> {
    use crate::files::key_file::{Fault, read_private};
    let path_buf = || path.to_path_buf();
    let text = read_private(path).map_err(|fault| match fault {
        Fault::NotFound => KeyFault::NotFound(path_buf()),
        Fault::NotRegular => KeyFault::NotRegular(path_buf()),
        Fault::TooOpen(mode) => KeyFault::TooOpen {
            path: path_buf(),
            mode,
        },
        Fault::TooLarge => KeyFault::TooLarge(path_buf()),
        Fault::NotText => KeyFault::NotText(path_buf()),
        Fault::Read(source) => KeyFault::Read {
            path: path_buf(),
            source,
        },
    })?;
    ApiKey::new(text).ok_or_else(|| KeyFault::Empty(path_buf()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn key_file(content: &str, mode: u32) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(content.as_bytes()).unwrap();
        file.flush().unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(file.path(), std::fs::Permissions::from_mode(mode)).unwrap();
        }
        #[cfg(not(unix))]
        let _ = mode;
        file
    }

    #[test]
    fn debug_and_display_hide_the_key() {
        let key = ApiKey::new("segreto-123").unwrap();
        assert_eq!(format!("{key:?}"), "ApiKey(***)");
        assert_eq!(format!("{key}"), "***");
        assert_eq!(key.expose(), "segreto-123");
        let wrapped = Some(key);
        assert!(!format!("{wrapped:?}").contains("segreto"));
    }

    #[test]
    fn env_value_wins_and_is_trimmed() {
        let file = key_file("dal-file\n", 0o600);
        let key = load_key(Some("  dalla-variabile \n".into()), Some(file.path())).unwrap();
        assert_eq!(key.expose(), "dalla-variabile");
    }

    #[test]
    fn blank_env_value_falls_back_to_the_file() {
        let file = key_file("  dal-file\n", 0o600);
        let key = load_key(Some("   ".into()), Some(file.path())).unwrap();
        assert_eq!(key.expose(), "dal-file");
        let key = load_key(None, Some(file.path())).unwrap();
        assert_eq!(key.expose(), "dal-file");
    }

    #[test]
    fn no_key_at_all_names_both_variables() {
        let err = load_key(None, None).unwrap_err();
        assert!(matches!(err.fault, KeyFault::Missing));
        let text = err.to_string();
        assert!(text.contains("ALLOGGI_IO_API_KEY "), "{text}");
        assert!(text.contains("ALLOGGI_IO_API_KEY_FILE"), "{text}");
        assert!(matches!(
            load_key(Some(String::new()), None),
            Err(KeyError {
                fault: KeyFault::Missing,
                ..
            })
        ));
    }

    #[test]
    fn missing_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chiave");
        assert!(matches!(
            load_key(None, Some(&path)),
            Err(KeyError {
                fault: KeyFault::NotFound(_),
                ..
            })
        ));
    }

    #[test]
    fn directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            load_key(None, Some(dir.path())),
            Err(KeyError {
                fault: KeyFault::NotRegular(_),
                ..
            })
        ));
    }

    #[test]
    fn empty_file_is_refused() {
        let file = key_file(" \n\n", 0o600);
        assert!(matches!(
            load_key(None, Some(file.path())),
            Err(KeyError {
                fault: KeyFault::Empty(_),
                ..
            })
        ));
    }

    #[test]
    fn oversized_file_is_refused() {
        let file = key_file(&"k".repeat(5000), 0o600);
        assert!(matches!(
            load_key(None, Some(file.path())),
            Err(KeyError {
                fault: KeyFault::TooLarge(_),
                ..
            })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn readable_by_group_or_others_is_refused_like_ssh() {
        for mode in [0o644, 0o640, 0o604, 0o660, 0o602, 0o620, 0o610, 0o601] {
            let file = key_file("chiave", mode);
            let err = load_key(None, Some(file.path())).unwrap_err();
            assert!(
                matches!(err.fault, KeyFault::TooOpen { mode: m, .. } if m == mode),
                "{mode:o}: {err}"
            );
        }
        let file = key_file("chiave", 0o644);
        let text = load_key(None, Some(file.path())).unwrap_err().to_string();
        let shown = file.path().display().to_string();
        assert!(text.starts_with("i permessi 0644 di «"), "{text}");
        assert!(text.contains(&format!("(chmod 600 {shown})")), "{text}");
        assert!(text.contains("gruppo o altri"), "{text}");
    }

    #[cfg(unix)]
    #[test]
    fn owner_only_modes_are_accepted() {
        for mode in [0o600, 0o400, 0o700] {
            let file = key_file("chiave\n", mode);
            assert_eq!(
                load_key(None, Some(file.path())).unwrap().expose(),
                "chiave"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn symlink_is_judged_by_its_target() {
        let dir = tempfile::tempdir().unwrap();
        let target = key_file("chiave", 0o644);
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(target.path(), &link).unwrap();
        assert!(matches!(
            load_key(None, Some(&link)),
            Err(KeyError {
                fault: KeyFault::TooOpen { .. },
                ..
            })
        ));
    }

    #[test]
    fn errors_never_contain_the_key() {
        let file = key_file("segretissima", 0o644);
        if let Err(err) = load_key(None, Some(file.path())) {
            assert!(!err.to_string().contains("segretissima"));
            assert!(!format!("{err:?}").contains("segretissima"));
        }
    }
}
