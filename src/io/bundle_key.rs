//! The key the office's computer and the connected machine share to authenticate offline
//! bundles and their receipts (HMAC-SHA256): made once by `alloggi outbox keygen`, copied to
//! the other machine, kept readable by its owner only. Whoever lacks it can neither make a
//! bundle that `send-bundle` delivers nor receipts that the office records.

use std::fmt;
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::files::key_file;

/// Variable holding the path of the key file, when `--chiave-pacchetto` is not given.
pub const BUNDLE_KEY_ENV: &str = "ALLOGGI_CHIAVE_PACCHETTO";

const KEY_BYTES: usize = 32;

type HmacSha256 = Hmac<Sha256>;

/// A MAC's length in bytes.
pub const MAC_BYTES: usize = 32;

#[derive(Debug, thiserror::Error)]
pub enum BundleKeyError {
    #[error(
        "serve la chiave dei pacchetti: indicarne il file con --chiave-pacchetto FILE o con \
         {BUNDLE_KEY_ENV}. Se non c'è ancora, crearla con «alloggi outbox keygen FILE» e copiarne \
         il file sull'altra macchina, leggibile solo dal proprietario (permessi 600)"
    )]
    Missing,
    #[error(
        "il file della chiave dei pacchetti «{}» non esiste: crearla con «alloggi outbox keygen {}» \
         e copiarla sull'altra macchina",
        .0.display(), .0.display()
    )]
    NotFound(PathBuf),
    #[error("«{}» non è un file regolare: indicare il file della chiave dei pacchetti", .0.display())]
    NotRegular(PathBuf),
    #[error(
        "i permessi {mode:04o} di «{path}» sono troppo aperti: la chiave dei pacchetti non deve \
         essere leggibile da gruppo o altri (chmod 600 {path})",
        path = .path.display()
    )]
    TooOpen { path: PathBuf, mode: u32 },
    #[error(
        "«{}» non contiene una chiave dei pacchetti (64 cifre esadecimali): usare il file scritto \
         da «alloggi outbox keygen»",
        .0.display()
    )]
    Malformed(PathBuf),
    #[error(
        "impossibile leggere il file della chiave dei pacchetti «{}»: {}",
        .path.display(),
        crate::files::reasons::io_reason(.source)
    )]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "«{}» esiste già: una chiave non si sovrascrive, perché i pacchetti e le ricevute fatti \
         con quella non si potrebbero più verificare. Scegliere un altro nome",
        .0.display()
    )]
    Exists(PathBuf),
    #[error(
        "impossibile scrivere la chiave dei pacchetti in «{}»: {}",
        .path.display(),
        crate::files::reasons::io_reason(.source)
    )]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The system's random generator failed; the text says so.
    #[error("{0}")]
    Random(String),
}

/// The shared key. Never printed: `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct BundleKey([u8; KEY_BYTES]);

impl fmt::Debug for BundleKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BundleKey(***)")
    }
}

impl BundleKey {
    /// A fresh key from the operating system's random generator.
    pub fn generate() -> Result<BundleKey, BundleKeyError> {
        key_file::random_bytes()
            .map(BundleKey)
            .map_err(BundleKeyError::Random)
    }

    /// Writes a fresh key to the new file `path`, readable by its owner only; an existing file
    /// is left as it is and refused.
    pub fn create(path: &Path) -> Result<(), BundleKeyError> {
        let key = BundleKey::generate()?;
        key_file::write_new_private(path, &hex::encode(key.0)).map_err(|source| {
            if source.kind() == std::io::ErrorKind::AlreadyExists {
                BundleKeyError::Exists(path.to_path_buf())
            } else {
                BundleKeyError::Write {
                    path: path.to_path_buf(),
                    source,
                }
            }
        })
    }

    /// The key in the file given on the command line, else in the file `ALLOGGI_CHIAVE_PACCHETTO`
    /// names (clap reads both into `given`).
    pub fn from_file(given: Option<&Path>) -> Result<BundleKey, BundleKeyError> {
        BundleKey::from_file_with(given, key_file::read_private)
    }

    /// As [`BundleKey::from_file`], the file read and checked by `read`: by the caller, when
    /// the command runs inside the console server.
    pub fn from_file_with(
        given: Option<&Path>,
        read: impl FnOnce(&Path) -> Result<String, key_file::Fault>,
    ) -> Result<BundleKey, BundleKeyError> {
        match given.filter(|p| !p.as_os_str().is_empty()) {
            Some(path) => BundleKey::load_with(path, read),
            None => Err(BundleKeyError::Missing),
        }
    }

    /// Reads the key file `path`, which must be a regular file readable only by its owner, as
    /// for the IO key: anyone who can read it can make bundles and receipts the office trusts.
    pub fn load(path: &Path) -> Result<BundleKey, BundleKeyError> {
        BundleKey::load_with(path, key_file::read_private)
    }

    fn load_with(
        path: &Path,
        read: impl FnOnce(&Path) -> Result<String, key_file::Fault>,
    ) -> Result<BundleKey, BundleKeyError> {
        use key_file::Fault;
        let path_buf = || path.to_path_buf();
        let mut text = read(path).map_err(|fault| match fault {
            Fault::NotFound => BundleKeyError::NotFound(path_buf()),
            Fault::NotRegular => BundleKeyError::NotRegular(path_buf()),
            Fault::TooOpen(mode) => BundleKeyError::TooOpen {
                path: path_buf(),
                mode,
            },
            Fault::TooLarge | Fault::NotText => BundleKeyError::Malformed(path_buf()),
            Fault::Read(source) => BundleKeyError::Read {
                path: path_buf(),
                source,
            },
        })?;
        let key = key_file::unhex(&text).map(BundleKey);
        zeroize::Zeroize::zeroize(&mut text);
        key.ok_or_else(|| BundleKeyError::Malformed(path_buf()))
    }

    fn mac(&self, label: &str, parts: &[&[u8]]) -> HmacSha256 {
        // Any length is a valid HMAC key: this cannot fail.
        let mut mac = match HmacSha256::new_from_slice(&self.0) {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC accepts keys of any length"),
        };
        // Each part after its length, so that no two different lists feed the same bytes.
        for part in std::iter::once(label.as_bytes()).chain(parts.iter().copied()) {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        mac
    }

    /// The MAC of `parts` under `label`, the kind of thing they are (a bundle, a receipt).
    pub fn sign(&self, label: &str, parts: &[&[u8]]) -> [u8; MAC_BYTES] {
        self.mac(label, parts).finalize().into_bytes().into()
    }

    /// Whether `tag` is the MAC of `parts` under `label`, compared in constant time.
    pub fn verify(&self, label: &str, parts: &[&[u8]], tag: &[u8]) -> bool {
        self.mac(label, parts).verify_slice(tag).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key_file(dir: &Path, content: &str, mode: u32) -> PathBuf {
        let path = dir.join("chiave");
        std::fs::write(&path, content).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        #[cfg(not(unix))]
        let _ = mode;
        path
    }

    #[test]
    fn a_created_key_reads_back_and_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chiave");
        BundleKey::create(&path).unwrap();
        let first = BundleKey::load(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.trim().len(), 64, "{text}");
        assert!(matches!(
            BundleKey::create(&path),
            Err(BundleKeyError::Exists(_))
        ));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
        assert_eq!(BundleKey::load(&path).unwrap(), first);
        let other = dir.path().join("altra");
        BundleKey::create(&other).unwrap();
        assert_ne!(BundleKey::load(&other).unwrap(), first, "keys are random");
    }

    #[test]
    fn debug_hides_the_key() {
        let key = BundleKey([7; KEY_BYTES]);
        assert_eq!(format!("{key:?}"), "BundleKey(***)");
    }

    #[test]
    fn no_key_says_how_to_make_one() {
        let text = BundleKey::from_file(None).unwrap_err().to_string();
        assert!(text.contains("alloggi outbox keygen"), "{text}");
        assert!(text.contains("--chiave-pacchetto"), "{text}");
        assert!(text.contains(BUNDLE_KEY_ENV), "{text}");
    }

    #[test]
    fn what_is_not_a_key_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        for content in [
            "",
            "abc",
            &"g".repeat(64),
            &"ab".repeat(31),
            &"ab".repeat(33),
        ] {
            let path = key_file(dir.path(), content, 0o600);
            assert!(
                matches!(BundleKey::load(&path), Err(BundleKeyError::Malformed(_))),
                "{content:?}"
            );
        }
        assert!(matches!(
            BundleKey::load(&dir.path().join("nessuna")),
            Err(BundleKeyError::NotFound(_))
        ));
        assert!(matches!(
            BundleKey::load(dir.path()),
            Err(BundleKeyError::NotRegular(_))
        ));
    }

    #[cfg(unix)]
    #[test]
    fn a_key_others_can_read_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        for mode in [0o644, 0o640, 0o604, 0o660] {
            let path = key_file(dir.path(), &"ab".repeat(32), mode);
            let err = BundleKey::load(&path).unwrap_err();
            assert!(
                matches!(err, BundleKeyError::TooOpen { mode: m, .. } if m == mode),
                "{mode:o}: {err}"
            );
            assert!(err.to_string().contains("chmod 600"), "{err}");
        }
        let path = key_file(dir.path(), &"ab".repeat(32), 0o400);
        assert!(BundleKey::load(&path).is_ok());
    }

    #[test]
    fn macs_depend_on_key_label_and_every_part() {
        let key = BundleKey([1; KEY_BYTES]);
        let other = BundleKey([2; KEY_BYTES]);
        let tag = key.sign("pacchetto", &[b"ab", b"c"]);
        assert!(key.verify("pacchetto", &[b"ab", b"c"], &tag));
        assert!(!other.verify("pacchetto", &[b"ab", b"c"], &tag));
        assert!(!key.verify("ricevuta", &[b"ab", b"c"], &tag));
        assert!(!key.verify("pacchetto", &[b"a", b"bc"], &tag));
        assert!(!key.verify("pacchetto", &[b"abc"], &tag));
        assert!(!key.verify("pacchetto", &[b"ab", b"c"], &tag[..31]));
    }
}
