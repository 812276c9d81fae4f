//! Files and folders holding personal data (ISEE, disability, fiscal codes: GDPR art. 9) are
//! readable by their owner only, whatever the umask: every writer of such a file goes through
//! here. Public files (the public ranking CSV, the albo text) do not: they are public by law.
//!
//! On systems without Unix permissions these helpers only create the files.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

/// Mode of a private file: read and write for the owner only.
pub const FILE_MODE: u32 = 0o600;
/// Mode of a private folder: the owner only may list it, enter it and create in it.
pub const DIR_MODE: u32 = 0o700;

/// The umask the program was started with, before `private_by_default`.
static STARTING_UMASK: std::sync::OnceLock<u32> = std::sync::OnceLock::new();

/// Makes every file and folder this process creates private unless it says otherwise: the
/// database's own files included, which sled creates as it grows and never chmods. Called
/// first thing in `main`.
pub fn private_by_default() {
    #[cfg(unix)]
    {
        let before = rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
        let _ = STARTING_UMASK.set(before.as_raw_mode() & 0o777);
    }
}

/// Creates (or truncates) `path` for writing with the usual mode under the umask the program
/// was started with: for the files that are public by law (the public ranking, the albo text).
pub fn create_public(path: &Path) -> io::Result<File> {
    let file = File::create(path)?;
    make_public(&file)?;
    Ok(file)
}

/// Gives `file` the usual mode under the umask the program was started with.
pub fn make_public(file: &File) -> io::Result<()> {
    #[cfg(unix)]
    if let Some(umask) = STARTING_UMASK.get() {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o666 & !umask))?;
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

/// Creates (or truncates) `path` for writing, readable by its owner only.
pub fn create_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    open_private(path, &mut options)
}

/// Opens `path` for appending, creating it if needed, readable by its owner only.
pub fn append_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    open_private(path, &mut options)
}

/// Creates `path` for writing, readable by its owner only, refusing a file that already exists
/// (`ErrorKind::AlreadyExists`): checked by the system in the same step that creates it.
pub fn create_new_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    open_private(path, &mut options)
}

fn open_private(path: &Path, options: &mut OpenOptions) -> io::Result<File> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(FILE_MODE);
    }
    let file = options.open(path)?;
    // The mode given on creation does not touch a file that already existed.
    restrict_file(&file)?;
    Ok(file)
}

#[cfg(unix)]
fn restrict_file(file: &File) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(FILE_MODE))
}

#[cfg(not(unix))]
fn restrict_file(_file: &File) -> io::Result<()> {
    Ok(())
}

/// Creates the folder `path` with mode 0700 when it does not exist (its missing parents are
/// created under the process's umask, private too after `private_by_default`). An existing
/// folder keeps its mode: see `too_open`.
pub fn create_private_dir(path: &Path) -> io::Result<()> {
    if path.is_dir() {
        return Ok(());
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(DIR_MODE);
    }
    match builder.create(path) {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists && path.is_dir() => Ok(()),
        other => other,
    }
}

/// Sets 0600 on every file and 0700 on every subfolder inside `dir` (not on `dir` itself):
/// for the files a library wrote there with the umask's mode. Symbolic links are left alone.
pub fn restrict_contents(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let kind = entry.file_type()?;
            let path = entry.path();
            if kind.is_dir() {
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(DIR_MODE))?;
                restrict_contents(&path)?;
            } else if kind.is_file() {
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(FILE_MODE))?;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// The mode of the existing folder `dir` when group or others may read, write or enter it.
pub fn too_open(dir: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let metadata = std::fs::metadata(dir).ok().filter(|m| m.is_dir())?;
        let mode = metadata.permissions().mode() & 0o7777;
        (mode & 0o077 != 0).then_some(mode)
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        None
    }
}

/// The warning printed at start for a database folder others can reach, with the fix.
pub fn too_open_warning(dir: &Path, mode: u32) -> String {
    let shown = dir.display();
    format!(
        "attenzione: la cartella del database «{shown}» ha permessi {mode:04o}: altri utenti di \
         questo computer possono leggerne i dati personali. Per riservarla al proprio utente: \
         chmod 700 {shown}"
    )
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn an_existing_file_is_made_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.csv");
        std::fs::write(&path, "x").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        drop(create_private(&path).unwrap());
        assert_eq!(mode(&path), 0o600);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666)).unwrap();
        drop(append_private(&path).unwrap());
        assert_eq!(mode(&path), 0o600);
    }

    #[test]
    fn a_new_private_file_never_replaces_an_existing_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chiave");
        drop(create_new_private(&path).unwrap());
        assert_eq!(mode(&path), 0o600);
        std::fs::write(&path, "prima").unwrap();
        let err = create_new_private(&path).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "prima");
    }

    #[test]
    fn a_new_folder_is_private_and_an_open_one_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("a").join("db");
        create_private_dir(&new).unwrap();
        assert_eq!(mode(&new), 0o700);
        assert_eq!(too_open(&new), None);
        std::fs::set_permissions(&new, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(too_open(&new), Some(0o755));
        // Left as it is: changing it is the owner's decision.
        create_private_dir(&new).unwrap();
        assert_eq!(mode(&new), 0o755);
    }
}
