//! The IO API key (`Ocp-Apim-Subscription-Key`): where it is read from, and a type that never
//! prints it, so it cannot end up in a log, an error or a screen by accident.

use std::fmt;
use std::path::{Path, PathBuf};

/// Variable holding the key itself.
pub const KEY_ENV: &str = "ALLOGGI_IO_API_KEY";
/// Variable holding the path of a file that contains the key.
pub const KEY_FILE_ENV: &str = "ALLOGGI_IO_API_KEY_FILE";

/// The subscription key of the Comune's IO service.
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

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "nessuna chiave IO: impostare {KEY_ENV} con la chiave oppure {KEY_FILE_ENV} con il percorso di un file che la contiene (permessi 600)"
    )]
    Missing,
    #[error("il file della chiave IO «{}» non esiste", .0.display())]
    NotFound(PathBuf),
    #[error("«{}» non è un file regolare: indicare in {KEY_FILE_ENV} il file della chiave IO", .0.display())]
    NotRegular(PathBuf),
    #[error(
        "i permessi {mode:04o} di «{path}» sono troppo aperti: la chiave IO non deve essere leggibile da gruppo o altri (chmod 600 {path})",
        path = .path.display()
    )]
    TooOpen { path: PathBuf, mode: u32 },
    #[error("il file della chiave IO «{}» è vuoto", .0.display())]
    Empty(PathBuf),
    #[error("il file della chiave IO «{}» è troppo grande per contenere solo la chiave", .0.display())]
    TooLarge(PathBuf),
    #[error("il file della chiave IO «{}» non è testo UTF-8", .0.display())]
    NotText(PathBuf),
    #[error("impossibile leggere il file della chiave IO «{}»: {source}", .path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The key from `ALLOGGI_IO_API_KEY`, else from the file named by `ALLOGGI_IO_API_KEY_FILE`.
pub fn key_from_env() -> Result<ApiKey, KeyError> {
    let value = std::env::var(KEY_ENV).ok();
    let file = std::env::var_os(KEY_FILE_ENV)
        .filter(|p| !p.is_empty())
        .map(PathBuf::from);
    load_key(value, file.as_deref())
}

/// A non-empty value (the environment variable) wins; otherwise the file, which must be a
/// regular file readable only by its owner, as ssh demands of a private key: a key that other
/// accounts on the machine can read lets them write to citizens in the Comune's name.
pub fn load_key(env_value: Option<String>, file: Option<&Path>) -> Result<ApiKey, KeyError> {
    if let Some(key) = env_value.and_then(ApiKey::new) {
        return Ok(key);
    }
    match file {
        Some(path) => read_key_file(path),
        None => Err(KeyError::Missing),
    }
}

fn read_key_file(path: &Path) -> Result<ApiKey, KeyError> {
    use crate::files::key_file::{Fault, read_private};
    let path_buf = || path.to_path_buf();
    let text = read_private(path).map_err(|fault| match fault {
        Fault::NotFound => KeyError::NotFound(path_buf()),
        Fault::NotRegular => KeyError::NotRegular(path_buf()),
        Fault::TooOpen(mode) => KeyError::TooOpen {
            path: path_buf(),
            mode,
        },
        Fault::TooLarge => KeyError::TooLarge(path_buf()),
        Fault::NotText => KeyError::NotText(path_buf()),
        Fault::Read(source) => KeyError::Read {
            path: path_buf(),
            source,
        },
    })?;
    ApiKey::new(text).ok_or_else(|| KeyError::Empty(path_buf()))
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
        assert!(matches!(err, KeyError::Missing));
        let text = err.to_string();
        assert!(text.contains("ALLOGGI_IO_API_KEY "), "{text}");
        assert!(text.contains("ALLOGGI_IO_API_KEY_FILE"), "{text}");
        assert!(matches!(
            load_key(Some(String::new()), None),
            Err(KeyError::Missing)
        ));
    }

    #[test]
    fn missing_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chiave");
        assert!(matches!(
            load_key(None, Some(&path)),
            Err(KeyError::NotFound(_))
        ));
    }

    #[test]
    fn directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            load_key(None, Some(dir.path())),
            Err(KeyError::NotRegular(_))
        ));
    }

    #[test]
    fn empty_file_is_refused() {
        let file = key_file(" \n\n", 0o600);
        assert!(matches!(
            load_key(None, Some(file.path())),
            Err(KeyError::Empty(_))
        ));
    }

    #[test]
    fn oversized_file_is_refused() {
        let file = key_file(&"k".repeat(5000), 0o600);
        assert!(matches!(
            load_key(None, Some(file.path())),
            Err(KeyError::TooLarge(_))
        ));
    }

    #[cfg(unix)]
    #[test]
    fn readable_by_group_or_others_is_refused_like_ssh() {
        for mode in [0o644, 0o640, 0o604, 0o660, 0o602, 0o620, 0o610, 0o601] {
            let file = key_file("chiave", mode);
            let err = load_key(None, Some(file.path())).unwrap_err();
            assert!(
                matches!(err, KeyError::TooOpen { mode: m, .. } if m == mode),
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
            Err(KeyError::TooOpen { .. })
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
