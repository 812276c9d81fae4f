//! A subcommand forwarded by a client, run on the server's open office: as the user the system
//! says connected, with the server's roles; its output goes back over the connection and the
//! files it names are read and written by the client.

use std::io;
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, PoisonError};

use super::protocol::{
    ClientFrame, FileMode, FileOp, KeyFault, ReadKind, RunHello, ServerFrame, read_frame,
    write_frame,
};
use crate::cli::seam::Remote;
use crate::files::key_file::Fault;
use crate::office::{Identity, Office};

/// Runs `hello`'s command for the client at the other end of `stream` and sends its exit code.
pub fn run(
    stream: &UnixStream,
    hello: RunHello,
    office: &Office,
    sender: Result<crate::io::ClientConfig, String>,
) {
    let link = match Link::over(stream, sender) {
        Ok(link) => Arc::new(link),
        Err(e) => {
            tracing::info!(error = %e, "comando non avviato");
            return;
        }
    };
    let code = match ran(stream, &hello, office, link.clone()) {
        Ok(code) => code,
        Err(message) => {
            let _ = link.stderr(format!("errore: {message}\n").as_bytes());
            1
        }
    };
    let _ = link.send(&ServerFrame::Exit(code));
}

fn ran(
    stream: &UnixStream,
    hello: &RunHello,
    office: &Office,
    link: Arc<Link>,
) -> Result<u8, String> {
    hello.check_version()?;
    let credentials = rustix::net::sockopt::socket_peercred(stream)
        .map_err(|e| format!("impossibile sapere chi ha chiesto il comando: {e}"))?;
    let identity = Identity::of_uid(credentials.uid.as_raw())?;
    tracing::info!(
        user = %identity.name,
        command = ?hello.argv.get(1..).unwrap_or_default(),
        cwd = %hello.cwd,
        "comando dalla riga di comando"
    );
    let _entered = crate::cli::seam::enter(Some(link));
    let argv = hello.argv.clone();
    let on_behalf_of = hello.on_behalf_of.clone();
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        crate::cli::run_inside(office, argv, on_behalf_of, &identity)
    }))
    .map_err(|_| {
        tracing::error!("un comando si è interrotto per un errore interno");
        "il comando si è interrotto per un errore interno del servizio della console \
         (le console continuano): controllarne l'esito prima di ripeterlo"
            .to_string()
    })
}

/// The connection as the command sees it: output out, file answers and interrupts in.
struct Link {
    writer: Mutex<UnixStream>,
    answers: Mutex<Receiver<ClientFrame>>,
    interrupted: Arc<AtomicBool>,
    sender: Result<crate::io::ClientConfig, String>,
}

impl Link {
    fn over(
        stream: &UnixStream,
        sender: Result<crate::io::ClientConfig, String>,
    ) -> io::Result<Link> {
        let interrupted = Arc::new(AtomicBool::new(false));
        let (tx, rx) = channel();
        spawn_listener(stream.try_clone()?, tx, interrupted.clone())?;
        Ok(Link {
            writer: Mutex::new(stream.try_clone()?),
            answers: Mutex::new(rx),
            interrupted,
            sender,
        })
    }

    fn send(&self, frame: &ServerFrame) -> io::Result<()> {
        let mut stream = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        write_frame(&mut *stream, frame)
    }

    fn answer(&self, answers: &Receiver<ClientFrame>) -> io::Result<ClientFrame> {
        answers.recv().map_err(|_| gone())
    }

    fn file_op(&self, op: FileOp) -> io::Result<()> {
        let answers = self.answers.lock().unwrap_or_else(PoisonError::into_inner);
        self.send(&ServerFrame::File(op))?;
        match self.answer(&answers)? {
            ClientFrame::FileDone => Ok(()),
            ClientFrame::FileFailed { kind, message } => Err(client_error(&kind, message)),
            _ => Err(gone()),
        }
    }
}

fn gone() -> io::Error {
    io::Error::new(
        io::ErrorKind::BrokenPipe,
        "il programma che ha chiesto il comando si è scollegato",
    )
}

/// The path as it travels: the client's, as typed.
fn named(path: &Path) -> io::Result<String> {
    path.to_str().map(str::to_string).ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidFilename,
            "nome del file non valido (non UTF-8)",
        )
    })
}

/// The client's error, of the kind it had there, so it is worded as it would be locally.
fn client_error(kind: &str, message: String) -> io::Error {
    use io::ErrorKind::*;
    let kind = [
        NotFound,
        PermissionDenied,
        InvalidData,
        IsADirectory,
        NotADirectory,
        AlreadyExists,
        StorageFull,
        QuotaExceeded,
        ReadOnlyFilesystem,
        CrossesDevices,
        UnexpectedEof,
        FileTooLarge,
        InvalidFilename,
    ]
    .into_iter()
    .find(|known| format!("{known:?}") == kind)
    .unwrap_or(Other);
    io::Error::new(kind, message)
}

impl Remote for Link {
    fn stdout(&self, bytes: &[u8]) -> io::Result<()> {
        self.send(&ServerFrame::Stdout(bytes.to_vec()))
    }

    fn stderr(&self, bytes: &[u8]) -> io::Result<()> {
        self.send(&ServerFrame::Stderr(bytes.to_vec()))
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        // One request at a time: its answers are not mixed with another's.
        let answers = self.answers.lock().unwrap_or_else(PoisonError::into_inner);
        self.send(&ServerFrame::ReadFile {
            path: named(path)?,
            kind: ReadKind::Whole,
        })?;
        let mut contents = Vec::new();
        loop {
            match self.answer(&answers)? {
                ClientFrame::FileChunk { bytes, last } => {
                    contents.extend_from_slice(&bytes);
                    if last {
                        return Ok(contents);
                    }
                }
                ClientFrame::FileFailed { kind, message } => {
                    return Err(client_error(&kind, message));
                }
                _ => return Err(gone()),
            }
        }
    }

    fn read_key(&self, path: &Path, private: bool) -> Result<String, Fault> {
        let answers = self.answers.lock().unwrap_or_else(PoisonError::into_inner);
        let kind = if private {
            ReadKind::PrivateKey
        } else {
            ReadKind::SharedKey
        };
        self.send(&ServerFrame::ReadFile {
            path: named(path).map_err(Fault::Read)?,
            kind,
        })
        .map_err(Fault::Read)?;
        match self.answer(&answers).map_err(Fault::Read)? {
            ClientFrame::KeyFile(text) => Ok(text.take()),
            ClientFrame::KeyRefused(fault) => Err(match fault {
                KeyFault::NotFound => Fault::NotFound,
                KeyFault::NotRegular => Fault::NotRegular,
                KeyFault::TooOpen(mode) => Fault::TooOpen(mode),
                KeyFault::TooLarge => Fault::TooLarge,
                KeyFault::NotText => Fault::NotText,
                KeyFault::Read { kind, message } => Fault::Read(client_error(&kind, message)),
            }),
            _ => Err(Fault::Read(gone())),
        }
    }

    fn exists(&self, path: &Path) -> bool {
        named(path)
            .and_then(|path| self.file_op(FileOp::Exists { path }))
            .is_ok()
    }

    fn remove(&self, path: &Path) -> io::Result<()> {
        self.file_op(FileOp::Remove { path: named(path)? })
    }

    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        self.file_op(FileOp::Rename {
            from: named(from)?,
            to: named(to)?,
        })
    }

    fn write(
        &self,
        path: &Path,
        mode: FileMode,
        append: bool,
        bytes: &[u8],
        last: bool,
    ) -> io::Result<()> {
        let answers = self.answers.lock().unwrap_or_else(PoisonError::into_inner);
        self.send(&ServerFrame::WriteFile {
            path: named(path)?,
            mode,
            append,
            bytes: bytes.to_vec(),
            last,
        })?;
        if !last {
            return Ok(());
        }
        match self.answer(&answers)? {
            ClientFrame::FileDone => Ok(()),
            ClientFrame::FileFailed { kind, message } => Err(client_error(&kind, message)),
            _ => Err(gone()),
        }
    }

    fn interrupted(&self) -> Arc<AtomicBool> {
        self.interrupted.clone()
    }

    fn sender(&self) -> Result<crate::io::ClientConfig, String> {
        self.sender.clone()
    }
}

/// Reads what the client says while its command runs: an interrupt sets the flag, answers go
/// to the command; the client leaving counts as an interrupt.
fn spawn_listener(
    stream: UnixStream,
    answers: Sender<ClientFrame>,
    interrupted: Arc<AtomicBool>,
) -> io::Result<()> {
    std::thread::Builder::new()
        .name("alloggi-comando".into())
        .spawn(move || {
            let mut reader = &stream;
            loop {
                match read_frame::<ClientFrame>(&mut reader) {
                    Ok(Some(ClientFrame::Interrupt)) => {
                        tracing::info!("comando interrotto dal suo programma");
                        interrupted.store(true, Ordering::Relaxed);
                    }
                    Ok(Some(frame)) => {
                        if answers.send(frame).is_err() {
                            break;
                        }
                    }
                    Ok(None) | Err(_) => {
                        interrupted.store(true, Ordering::Relaxed);
                        break;
                    }
                }
            }
        })
        .map(|_| ())
}
