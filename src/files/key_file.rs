//! Key files kept outside the database — the IO key, the bundles' key, the audit log's signing
//! key — each a short line of text in a file only its owner may read, as ssh demands of a
//! private key: a key other accounts on the machine can read lets them act in the Comune's
//! name. One reader and one writer serve them all; each key words its own errors.

use std::io::{self, Read, Write};
use std::path::Path;

use rand::TryRngCore;

/// A key file is one line; anything much larger is not a key file.
pub const MAX_BYTES: u64 = 4096;

/// Why a key file cannot be read.
#[derive(Debug)]
pub enum Fault {
    NotFound,
    NotRegular,
    /// Readable by group or others: the mode found.
    TooOpen(u32),
    TooLarge,
    NotText,
    Read(io::Error),
}

/// The text of `path`, a regular file that only its owner may read.
pub fn read_private(path: &Path) -> Result<String, Fault> {
    read_key(path, true)
}

/// The text of `path`, a regular file meant to be shared, such as a public key.
pub fn read_shared(path: &Path) -> Result<String, Fault> {
    read_key(path, false)
}

/// The text of the key file `path`: [`read_private`] when `private`, else [`read_shared`].
pub fn read_key(path: &Path, private: bool) -> Result<String, Fault> {
    let fault = |e: io::Error| match e.kind() {
        io::ErrorKind::NotFound => Fault::NotFound,
        _ => Fault::Read(e),
    };
    // Checked before opening: opening a FIFO for reading would block.
    check(&std::fs::metadata(path).map_err(fault)?, private)?;
    let mut file = std::fs::File::open(path).map_err(fault)?;
    // Checked again on the open handle, in case the path was swapped in between.
    check(&file.metadata().map_err(fault)?, private)?;
    let mut bytes = Vec::new();
    Read::take(&mut file, MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(fault)?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(Fault::TooLarge);
    }
    String::from_utf8(bytes).map_err(|_| Fault::NotText)
}

fn check(metadata: &std::fs::Metadata, private: bool) -> Result<(), Fault> {
    if !metadata.is_file() {
        return Err(Fault::NotRegular);
    }
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::PermissionsExt;
        let mode = metadata.permissions().mode() & 0o7777;
        if mode & 0o077 != 0 {
            return Err(Fault::TooOpen(mode));
        }
    }
    #[cfg(not(unix))]
    let _ = private;
    Ok(())
}

/// Writes `line` to the new file `path`, readable by its owner only, and syncs it. An existing
/// file is refused (`ErrorKind::AlreadyExists`) by the system in the step that creates it: a
/// key is never overwritten.
pub fn write_new_private(path: &Path, line: &str) -> io::Result<()> {
    let mut file = super::private::create_new_private(path)?;
    writeln!(file, "{line}")?;
    file.sync_all()
}

/// Writes `line` to the new file `path`, readable by everyone (a public key is meant to be
/// copied around), and syncs it; an existing file is refused as by `write_new_private`.
pub fn write_new_shared(path: &Path, line: &str) -> io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    writeln!(file, "{line}")?;
    file.sync_all()
}

/// `N` bytes from the operating system's random generator.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], String> {
    let mut bytes = [0u8; N];
    rand::rngs::OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|e| format!("generatore casuale del sistema non disponibile: {e}"))?;
    Ok(bytes)
}

/// Exactly `N` bytes written as `2N` hexadecimal digits, surrounding blanks aside.
pub fn unhex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let mut bytes = [0u8; N];
    hex::decode_to_slice(text.trim(), &mut bytes).ok()?;
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_with(text: &str, mode: u32) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(text.as_bytes()).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(file.path(), std::fs::Permissions::from_mode(mode)).unwrap();
        }
        file
    }

    #[test]
    fn a_private_key_file_is_read_only_when_its_owner_alone_can_read_it() {
        assert_eq!(read_private(file_with("k\n", 0o600).path()).unwrap(), "k\n");
        #[cfg(unix)]
        assert!(matches!(
            read_private(file_with("k", 0o640).path()),
            Err(Fault::TooOpen(0o640))
        ));
        assert_eq!(read_shared(file_with("k", 0o644).path()).unwrap(), "k");
        assert!(matches!(
            read_private(Path::new("/nonexistent/k")),
            Err(Fault::NotFound)
        ));
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(read_private(dir.path()), Err(Fault::NotRegular)));
        let big = "0".repeat(MAX_BYTES as usize + 1);
        assert!(matches!(
            read_private(file_with(&big, 0o600).path()),
            Err(Fault::TooLarge)
        ));
        let latin1 = file_with("", 0o600);
        std::fs::write(latin1.path(), [0xE8]).unwrap();
        assert!(matches!(read_private(latin1.path()), Err(Fault::NotText)));
    }

    #[test]
    fn a_key_is_written_once_and_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chiave");
        write_new_private(&path, "abc").unwrap();
        let again = write_new_private(&path, "def").unwrap_err();
        assert_eq!(again.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(read_private(&path).unwrap(), "abc\n");
    }

    #[test]
    fn hex_spells_exactly_the_bytes_asked_for() {
        let bytes: [u8; 32] = random_bytes().unwrap();
        assert_eq!(
            unhex::<32>(&format!(" {}\n", hex::encode(bytes))),
            Some(bytes)
        );
        assert_eq!(unhex::<32>(&hex::encode([1u8; 31])), None);
        assert_eq!(unhex::<2>("+1ab"), None);
        assert_eq!(unhex::<2>("zz00"), None);
    }
}
