//! Signed checkpoints of the audit log, and the ed25519 key files that sign and verify them.
//!
//! A checkpoint signs one entry of the log: its sequence number and its hash, which through the
//! chain commits to every entry before it (the first one included, so a checkpoint of another
//! database never matches). The office keeps the checkpoint file and the signing key away from
//! the database: whoever can rewrite the database and recompute the chain still cannot make an
//! entry that a checkpoint signed say something else, nor remove it.
//!
//! Files: the signing key is one line of 64 hexadecimal digits (the ed25519 secret), mode 0600;
//! the public key, beside it as `FILE.pub`, the same for the public key; the checkpoint file
//! one JSON object per line, appended to.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use chrono::SecondsFormat;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

use super::{key_file, private};
use crate::domain::time::Timestamp;

const FORMAT: &str = "alloggi-checkpoint";

#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    #[error("«{}» esiste già: una chiave non viene mai sovrascritta (indicare un altro file)", .0.display())]
    Exists(PathBuf),
    #[error("impossibile scrivere «{}»: {}", .path.display(), super::reasons::io_reason(.source))]
    Write { path: PathBuf, source: io::Error },
    #[error("impossibile leggere «{}»: {}", .path.display(), super::reasons::io_reason(.source))]
    Read { path: PathBuf, source: io::Error },
    #[error(
        "i permessi {mode:04o} di «{path}» sono troppo aperti: la chiave di firma non deve essere leggibile da gruppo o altri (chmod 600 {path})",
        path = .path.display()
    )]
    TooOpen { path: PathBuf, mode: u32 },
    #[error("«{}» non contiene una chiave {what} ed25519 valida (attese 64 cifre esadecimali su una riga)", .path.display())]
    NotAKey { path: PathBuf, what: &'static str },
    /// The system's random generator failed; the text says so.
    #[error("{0}")]
    Random(String),
}

/// Why a checkpoint does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Signed with a key other than the trusted one.
    UnknownKey,
    /// The signature does not match the checkpoint's content.
    BadSignature,
}

/// One signed entry of the audit log, as a line of the checkpoint file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub formato: String,
    /// The entry's sequence number.
    pub voce: u64,
    /// The entry's hash.
    pub impronta: String,
    /// When it was signed, RFC 3339 UTC, exactly as signed.
    pub firmato_il: String,
    /// The signer's public key, hex: to tell which key signed, never to trust it.
    pub chiave: String,
    /// The ed25519 signature of `message`, hex.
    pub firma: String,
}

impl Checkpoint {
    pub fn sign(key: &SigningKey, seq: u64, hash: &str, at: Timestamp) -> Checkpoint {
        let at = at.to_rfc3339_opts(SecondsFormat::Secs, true);
        let signature = key.sign(&message(seq, hash, &at));
        Checkpoint {
            formato: FORMAT.to_string(),
            voce: seq,
            impronta: hash.to_string(),
            firmato_il: at,
            chiave: hex::encode(key.verifying_key().as_bytes()),
            firma: hex::encode(signature.to_bytes()),
        }
    }

    /// The signature holds and was made by `trusted`.
    pub fn verify(&self, trusted: &VerifyingKey) -> Result<(), Fault> {
        if key_file::unhex::<32>(&self.chiave).as_ref() != Some(trusted.as_bytes()) {
            return Err(Fault::UnknownKey);
        }
        let signature = key_file::unhex::<64>(&self.firma)
            .map(|bytes| Signature::from_bytes(&bytes))
            .ok_or(Fault::BadSignature)?;
        trusted
            .verify(
                &message(self.voce, &self.impronta, &self.firmato_il),
                &signature,
            )
            .map_err(|_| Fault::BadSignature)
    }

    /// Reads one line of a checkpoint file.
    pub fn parse(line: &str) -> Result<Checkpoint, String> {
        let checkpoint: Checkpoint = serde_json::from_str(line)
            .map_err(|e| format!("riga illeggibile ({})", super::reasons::json(&e)))?;
        if checkpoint.formato != FORMAT {
            return Err(format!("formato '{}' sconosciuto", checkpoint.formato));
        }
        // What is signed is these fields on separate lines: only the shapes the signer writes
        // are read, so the signed text means one thing.
        if key_file::unhex::<32>(&checkpoint.impronta).is_none()
            || checkpoint.impronta != checkpoint.impronta.trim()
        {
            return Err("impronta non valida: attese 64 cifre esadecimali".into());
        }
        if chrono::DateTime::parse_from_rfc3339(&checkpoint.firmato_il).is_err() {
            return Err(format!(
                "data della firma «{}» non valida",
                checkpoint.firmato_il
            ));
        }
        Ok(checkpoint)
    }
}

/// The bytes signed: a fixed prefix, so that a signature made by this key for anything else
/// never reads as a checkpoint.
fn message(seq: u64, hash: &str, at: &str) -> Vec<u8> {
    format!("{FORMAT}\nvoce {seq}\nimpronta {hash}\nfirmato_il {at}\n").into_bytes()
}

/// Appends `checkpoint` as one line to `path`, created readable by its owner only.
pub fn append(path: &Path, checkpoint: &Checkpoint) -> Result<(), KeyFileError> {
    append_with(path, checkpoint, |path, bytes| {
        let mut file = private::append_private(path)?;
        file.write_all(bytes)?;
        file.sync_all()
    })
}

/// As [`append`], the line appended by `append_private`: by the caller, when the command runs
/// inside the console server.
pub fn append_with(
    path: &Path,
    checkpoint: &Checkpoint,
    append_private: impl FnOnce(&Path, &[u8]) -> io::Result<()>,
) -> Result<(), KeyFileError> {
    let write_error = |source| KeyFileError::Write {
        path: path.to_path_buf(),
        source,
    };
    let line = serde_json::to_string(checkpoint).map_err(|e| write_error(io::Error::other(e)))?;
    append_private(path, format!("{line}\n").as_bytes()).map_err(write_error)
}

/// A line of a checkpoint file: its number (from 1) and the checkpoint, or why it is unreadable.
pub type Line = (usize, Result<Checkpoint, String>);

/// Every non-blank line of a checkpoint file, read or not.
pub fn read_all(path: &Path) -> Result<Vec<Line>, KeyFileError> {
    let read_error = |source| KeyFileError::Read {
        path: path.to_path_buf(),
        source,
    };
    lines_of(path, File::open(path).map_err(read_error)?)
}

/// As [`read_all`], the file's bytes given by `read`: the caller's, when the command runs
/// inside the console server.
pub fn read_all_with(
    path: &Path,
    read: impl FnOnce(&Path) -> io::Result<Vec<u8>>,
) -> Result<Vec<Line>, KeyFileError> {
    let bytes = read(path).map_err(|source| KeyFileError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    lines_of(path, bytes.as_slice())
}

fn lines_of(path: &Path, file: impl io::Read) -> Result<Vec<Line>, KeyFileError> {
    let read_error = |source| KeyFileError::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut found = Vec::new();
    for (index, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(read_error)?;
        if !line.trim().is_empty() {
            found.push((index + 1, Checkpoint::parse(&line)));
        }
    }
    Ok(found)
}

/// The public key file that goes with the signing key `path`.
pub fn public_key_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(".pub");
    PathBuf::from(name)
}

/// Writes a new signing key to `path` (0600) and its public key to `FILE.pub` (0644); refuses
/// if either exists. Returns the public key's path.
pub fn generate(path: &Path) -> Result<PathBuf, KeyFileError> {
    let public = public_key_path(path);
    if public.exists() {
        return Err(KeyFileError::Exists(public));
    }
    let mut secret: [u8; 32] = key_file::random_bytes().map_err(KeyFileError::Random)?;
    let key = SigningKey::from_bytes(&secret);
    secret.fill(0);
    let write_error = |path: &Path, source: io::Error| match source.kind() {
        io::ErrorKind::AlreadyExists => KeyFileError::Exists(path.to_path_buf()),
        _ => KeyFileError::Write {
            path: path.to_path_buf(),
            source,
        },
    };
    key_file::write_new_private(path, &hex::encode(key.as_bytes()))
        .map_err(|e| write_error(path, e))?;
    if let Err(e) =
        key_file::write_new_shared(&public, &hex::encode(key.verifying_key().as_bytes()))
    {
        // Without its public half the key is of no use, and would block the next attempt.
        let _ = std::fs::remove_file(path);
        return Err(write_error(&public, e));
    }
    Ok(public)
}

/// The signing key in `path`, which only its owner may read.
pub fn read_signing_key(path: &Path) -> Result<SigningKey, KeyFileError> {
    read_signing_key_with(path, key_file::read_private)
}

/// As [`read_signing_key`], the file read and checked by `read`: by the caller, when the
/// command runs inside the console server.
pub fn read_signing_key_with(
    path: &Path,
    read: impl FnOnce(&Path) -> Result<String, key_file::Fault>,
) -> Result<SigningKey, KeyFileError> {
    let mut text = read(path).map_err(|fault| key_fault(path, "di firma", fault))?;
    let secret = key_file::unhex::<32>(&text);
    zeroize::Zeroize::zeroize(&mut text);
    let mut secret = secret.ok_or_else(|| not_a_key(path, "di firma"))?;
    let key = SigningKey::from_bytes(&secret);
    zeroize::Zeroize::zeroize(&mut secret);
    Ok(key)
}

/// The public key in `path`.
pub fn read_public_key(path: &Path) -> Result<VerifyingKey, KeyFileError> {
    read_public_key_with(path, key_file::read_shared)
}

/// As [`read_public_key`], the file read and checked by `read`.
pub fn read_public_key_with(
    path: &Path,
    read: impl FnOnce(&Path) -> Result<String, key_file::Fault>,
) -> Result<VerifyingKey, KeyFileError> {
    let text = read(path).map_err(|fault| key_fault(path, "pubblica", fault))?;
    key_file::unhex::<32>(&text)
        .and_then(|bytes| VerifyingKey::from_bytes(&bytes).ok())
        .ok_or_else(|| not_a_key(path, "pubblica"))
}

fn key_fault(path: &Path, what: &'static str, fault: key_file::Fault) -> KeyFileError {
    use key_file::Fault;
    match fault {
        Fault::TooOpen(mode) => KeyFileError::TooOpen {
            path: path.to_path_buf(),
            mode,
        },
        Fault::NotFound => KeyFileError::Read {
            path: path.to_path_buf(),
            source: io::Error::new(io::ErrorKind::NotFound, "il file non esiste"),
        },
        Fault::Read(source) => KeyFileError::Read {
            path: path.to_path_buf(),
            source,
        },
        Fault::NotRegular | Fault::TooLarge | Fault::NotText => not_a_key(path, what),
    }
}

fn not_a_key(path: &Path, what: &'static str) -> KeyFileError {
    KeyFileError::NotAKey {
        path: path.to_path_buf(),
        what,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> SigningKey {
        SigningKey::from_bytes(&[byte; 32])
    }

    #[test]
    fn a_checkpoint_verifies_with_its_key_only_and_unchanged() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-03-01T02:00:00Z")
            .map(|t| t.to_utc())
            .unwrap_or_default();
        let signed = Checkpoint::sign(&key(7), 12, &"ab".repeat(32), at);
        assert_eq!(signed.verify(&key(7).verifying_key()), Ok(()));
        assert_eq!(
            signed.verify(&key(8).verifying_key()),
            Err(Fault::UnknownKey)
        );
        let moved = Checkpoint {
            voce: 11,
            ..signed.clone()
        };
        assert_eq!(
            moved.verify(&key(7).verifying_key()),
            Err(Fault::BadSignature)
        );
        let line = serde_json::to_string(&signed).unwrap_or_default();
        assert_eq!(Checkpoint::parse(&line), Ok(signed));
    }

    #[test]
    fn a_line_with_fields_the_signer_never_writes_is_refused() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-03-01T02:00:00Z")
            .map(|t| t.to_utc())
            .unwrap_or_default();
        let signed = Checkpoint::sign(&key(7), 12, &"ab".repeat(32), at);
        let forged = Checkpoint {
            impronta: format!("{}\nvoce 13", "ab".repeat(32)),
            ..signed.clone()
        };
        let line = serde_json::to_string(&forged).unwrap_or_default();
        assert!(Checkpoint::parse(&line).unwrap_err().contains("impronta"));
        let late = Checkpoint {
            firmato_il: "ieri".into(),
            ..signed
        };
        let line = serde_json::to_string(&late).unwrap_or_default();
        assert!(
            Checkpoint::parse(&line)
                .unwrap_err()
                .contains("data della firma")
        );
    }
}
