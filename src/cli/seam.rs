//! Where the command line's output goes and where the files named on it are read and written:
//! this process's own terminal and file system, or — for a subcommand forwarded to the
//! console server — the client's, through its connection. The server never touches a file the
//! caller named: the client reads and writes it as the caller.
//!
//! A forwarded command runs on its own thread of the server, which holds the connection in a
//! thread-local; a thread it starts carries it along with [`current`] and [`enter`].

use std::cell::RefCell;
use std::io::{self, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

pub use crate::serve::protocol::FileMode;

use crate::files::key_file;

/// The client of a forwarded command, as the command sees it.
pub trait Remote: Send + Sync {
    fn stdout(&self, bytes: &[u8]) -> io::Result<()>;
    fn stderr(&self, bytes: &[u8]) -> io::Result<()>;
    /// The whole file `path`, read by the client.
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;
    /// The text of the key file `path`, which the client checks as `files::key_file` does
    /// (regular, small, text and, when `private`, its owner's only) before sending it.
    fn read_key(&self, path: &Path, private: bool) -> Result<String, key_file::Fault>;
    /// Whether something is at `path` on the client's side.
    fn exists(&self, path: &Path) -> bool;
    fn remove(&self, path: &Path) -> io::Result<()>;
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()>;
    /// A piece of the file `path` for the client to write; the `last` one is answered.
    fn write(
        &self,
        path: &Path,
        mode: FileMode,
        append: bool,
        bytes: &[u8],
        last: bool,
    ) -> io::Result<()>;
    /// Set when the client is asked to stop, or goes away.
    fn interrupted(&self) -> Arc<AtomicBool>;
    /// The IO sender's settings of the server, for `outbox send`.
    fn sender(&self) -> Result<crate::io::ClientConfig, String>;
}

thread_local! {
    static REMOTE: RefCell<Option<Arc<dyn Remote>>> = const { RefCell::new(None) };
}

/// The client of the forwarded command running on this thread, if any.
pub fn current() -> Option<Arc<dyn Remote>> {
    REMOTE.with(|remote| remote.borrow().clone())
}

/// Runs the rest of this thread's work for `remote`'s client, until the guard is dropped.
pub fn enter(remote: Option<Arc<dyn Remote>>) -> Entered {
    let before = REMOTE.with(|slot| slot.replace(remote));
    Entered { before }
}

pub struct Entered {
    before: Option<Arc<dyn Remote>>,
}

impl Drop for Entered {
    fn drop(&mut self) {
        let before = self.before.take();
        REMOTE.with(|slot| slot.replace(before));
    }
}

/// Whether this command runs for a client through the server.
pub fn is_remote() -> bool {
    REMOTE.with(|remote| remote.borrow().is_some())
}

/// Writes `text` on standard output.
pub fn stdout(text: &str) -> io::Result<()> {
    match current() {
        Some(remote) => remote.stdout(text.as_bytes()),
        None => {
            let mut out = io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()
        }
    }
}

/// Writes `text` on standard error.
pub fn stderr(text: &str) {
    match current() {
        // A client gone hears nothing more.
        Some(remote) => {
            let _ = remote.stderr(text.as_bytes());
        }
        None => {
            let _ = io::stderr().lock().write_all(text.as_bytes());
        }
    }
}

/// The bytes of the file `path`.
pub fn read(path: &Path) -> io::Result<Vec<u8>> {
    match current() {
        Some(remote) => remote.read(path),
        None => std::fs::read(path),
    }
}

/// The text of the key file `path`, only its owner's (see `files::key_file::read_private`): the
/// checks are made where the file is, by the client of a forwarded command.
pub fn read_private_key(path: &Path) -> Result<String, key_file::Fault> {
    match current() {
        Some(remote) => remote.read_key(path, true),
        None => key_file::read_private(path),
    }
}

/// The text of the shared key file `path`, such as a public key (see `files::key_file`).
pub fn read_shared_key(path: &Path) -> Result<String, key_file::Fault> {
    match current() {
        Some(remote) => remote.read_key(path, false),
        None => key_file::read_shared(path),
    }
}

/// Whether something is at `path`.
pub fn exists(path: &Path) -> bool {
    match current() {
        Some(remote) => remote.exists(path),
        None => path.exists(),
    }
}

pub fn remove(path: &Path) -> io::Result<()> {
    match current() {
        Some(remote) => remote.remove(path),
        None => std::fs::remove_file(path),
    }
}

pub fn rename(from: &Path, to: &Path) -> io::Result<()> {
    match current() {
        Some(remote) => remote.rename(from, to),
        None => std::fs::rename(from, to),
    }
}

/// Writes `bytes` to the new private file `path`, synced; a file already there is refused
/// (`ErrorKind::AlreadyExists`) and left as it is.
pub fn write_new_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if is_remote() {
        if exists(path) {
            return Err(io::ErrorKind::AlreadyExists.into());
        }
        let mut file = create(path, FileMode::Private)?;
        file.write_all(bytes)?;
        return file.commit();
    }
    let mut file = crate::files::private::create_new_private(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// The files of whoever runs the command, for an exported bundle.
pub struct CallerFiles;

impl crate::io::bundle::ExportFiles for CallerFiles {
    fn exists(&self, path: &Path) -> bool {
        exists(path)
    }

    fn write_new_private(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        write_new_private(path, bytes)
    }

    fn remove(&self, path: &Path) -> io::Result<()> {
        remove(path)
    }

    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        rename(from, to)
    }
}

/// The text of the file `path`, or why it cannot be read, in Italian (see `files::text`).
pub fn read_text(path: &Path) -> Result<String, String> {
    let bytes = read(path).map_err(|e| {
        format!(
            "impossibile leggere il file: {}",
            crate::files::reasons::io_reason(&e)
        )
    })?;
    crate::files::text::decode(bytes)
}

/// A file being written: nothing shows under its name until [`NewFile::commit`].
pub trait NewFile: Write {
    /// Puts the whole file in place under its name, with its mode.
    fn commit(self: Box<Self>) -> io::Result<()>;
}

/// Starts writing the file `path` with `mode`: to a temporary file beside it, renamed in place
/// by `commit`, so that a failed write never leaves half a file.
pub fn create(path: &Path, mode: FileMode) -> io::Result<Box<dyn NewFile>> {
    match current() {
        Some(remote) => Ok(Box::new(RemoteFile {
            remote,
            path: path.to_path_buf(),
            mode,
            pending: Vec::with_capacity(crate::serve::protocol::FILE_CHUNK),
        })),
        None => Ok(Box::new(LocalFile::create(path, mode)?)),
    }
}

/// The local side of [`create`]: also what the client of a forwarded command does.
pub struct LocalFile {
    path: std::path::PathBuf,
    mode: FileMode,
    temp: io::BufWriter<tempfile::NamedTempFile>,
}

impl LocalFile {
    pub fn create(path: &Path, mode: FileMode) -> io::Result<LocalFile> {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        // `NamedTempFile` creates the file 0600, and the rename keeps it.
        let temp = tempfile::NamedTempFile::new_in(dir)?;
        Ok(LocalFile {
            path: path.to_path_buf(),
            mode,
            temp: io::BufWriter::new(temp),
        })
    }

    pub fn commit(self) -> io::Result<()> {
        let temp = self.temp.into_inner().map_err(|e| e.into_error())?;
        if self.mode == FileMode::Public {
            crate::files::private::make_public(temp.as_file())?;
        }
        temp.as_file().sync_all()?;
        temp.persist(&self.path).map_err(|e| e.error)?;
        Ok(())
    }
}

impl Write for LocalFile {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.temp.write(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.temp.flush()
    }
}

impl NewFile for LocalFile {
    fn commit(self: Box<Self>) -> io::Result<()> {
        LocalFile::commit(*self)
    }
}

/// Appends `bytes` to the private file `path`, creating it if needed.
pub fn append_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    match current() {
        Some(remote) => remote.write(path, FileMode::Private, true, bytes, true),
        None => {
            let mut file = crate::files::private::append_private(path)?;
            file.write_all(bytes)?;
            file.sync_all()
        }
    }
}

/// The client's file, sent in pieces as it is written.
struct RemoteFile {
    remote: Arc<dyn Remote>,
    path: std::path::PathBuf,
    mode: FileMode,
    pending: Vec<u8>,
}

impl Write for RemoteFile {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let chunk = crate::serve::protocol::FILE_CHUNK;
        let room = chunk - self.pending.len();
        let taken = bytes.len().min(room);
        self.pending.extend_from_slice(&bytes[..taken]);
        if self.pending.len() == chunk {
            self.remote
                .write(&self.path, self.mode, false, &self.pending, false)?;
            self.pending.clear();
        }
        Ok(taken)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl NewFile for RemoteFile {
    fn commit(self: Box<Self>) -> io::Result<()> {
        self.remote
            .write(&self.path, self.mode, false, &self.pending, true)
    }
}
