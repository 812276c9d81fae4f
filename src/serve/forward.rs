//! A subcommand typed while the database's server runs: sent to the server, which runs it as
//! the caller; what it prints is copied here and its exit code becomes ours. The files it names
//! are read and written here, as the caller, when the server asks.

use std::collections::HashMap;
use std::io::{self, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use super::protocol::{
    ClientFrame, FileMode, FileOp, KeyFault, KeyText, ReadKind, RunHello, ServerFrame, read_frame,
    write_frame,
};
use crate::cli::seam::LocalFile;

/// Said when the server went away before the command ended.
pub const INTERRUPTED: &str = "il servizio della console si è interrotto durante il comando: \
                               controllare se il comando ha avuto effetto (per esempio nel \
                               registro di controllo) prima di ripeterlo";

/// A connection to the server of the database in `db`, when one answers.
pub fn server_stream(db: &Path) -> Option<UnixStream> {
    UnixStream::connect(super::socket_path(db)).ok()
}

/// Runs the command of `argv` inside the server at the other end of `stream`, and ends this
/// process with the command's exit code.
pub fn run(
    stream: UnixStream,
    argv: Vec<String>,
    on_behalf_of: Option<String>,
) -> Result<(), String> {
    let cwd = std::env::current_dir()
        .map(|dir| dir.to_string_lossy().into_owned())
        .unwrap_or_default();
    let hello = RunHello {
        version: super::protocol::version(),
        argv,
        cwd,
        stdout_is_terminal: io::IsTerminal::is_terminal(&io::stdout()),
        stderr_is_terminal: io::IsTerminal::is_terminal(&io::stderr()),
        on_behalf_of,
    };
    let reader = stream
        .try_clone()
        .map_err(|e| format!("connessione al servizio della console non riuscita: {e}"))?;
    let writer = Arc::new(Mutex::new(stream));
    spawn_interrupts(writer.clone());
    send(&writer, &ClientFrame::Run(hello))
        .map_err(|e| format!("connessione al servizio della console non riuscita: {e}"))?;
    let code = serve_until_exit(reader, &writer);
    let _ = io::stdout().flush();
    std::process::exit(i32::from(code));
}

fn send(writer: &Mutex<UnixStream>, frame: &ClientFrame) -> io::Result<()> {
    let mut stream = writer.lock().unwrap_or_else(PoisonError::into_inner);
    write_frame(&mut *stream, frame)
}

/// Copies the output, answers the server's file requests, and returns the exit code.
fn serve_until_exit(mut reader: UnixStream, writer: &Mutex<UnixStream>) -> u8 {
    let mut writing: HashMap<PathBuf, Result<LocalFile, io::Error>> = HashMap::new();
    loop {
        let frame = match read_frame::<ServerFrame>(&mut reader) {
            Ok(Some(frame)) => frame,
            Ok(None) | Err(_) => {
                let _ = io::stdout().flush();
                eprintln!("errore: {INTERRUPTED}");
                return 1;
            }
        };
        let answered = match frame {
            ServerFrame::Stdout(bytes) => {
                if let Err(e) = io::stdout().lock().write_all(&bytes) {
                    // As the command would end when its own reader went away (`| head`).
                    if e.kind() == io::ErrorKind::BrokenPipe {
                        std::process::exit(141);
                    }
                }
                Ok(())
            }
            ServerFrame::Stderr(bytes) => {
                let _ = io::stdout().flush();
                let _ = io::stderr().lock().write_all(&bytes);
                Ok(())
            }
            ServerFrame::Exit(code) => return code,
            ServerFrame::ReadFile { path, kind } => match kind {
                ReadKind::Whole => send_file(writer, Path::new(&path)),
                ReadKind::PrivateKey => send_key(writer, Path::new(&path), true),
                ReadKind::SharedKey => send_key(writer, Path::new(&path), false),
            },
            ServerFrame::File(op) => send(writer, &answer(file_op(op))),
            ServerFrame::WriteFile {
                path,
                mode,
                append,
                bytes,
                last,
            } => {
                let path = PathBuf::from(path);
                let done = if append {
                    append_file(&path, &bytes)
                } else {
                    write_piece(&mut writing, &path, mode, &bytes, last)
                };
                if last {
                    send(writer, &answer(done))
                } else {
                    Ok(())
                }
            }
            // A console's frames: not for a command.
            ServerFrame::Output(_) | ServerFrame::Closed { .. } => Ok(()),
        };
        if answered.is_err() {
            eprintln!("errore: {INTERRUPTED}");
            return 1;
        }
    }
}

fn answer(done: io::Result<()>) -> ClientFrame {
    match done {
        Ok(()) => ClientFrame::FileDone,
        Err(e) => failed(&e),
    }
}

/// An error as it travels: the kind, for the server to word it as locally, and the Italian
/// reason.
fn failed(e: &io::Error) -> ClientFrame {
    ClientFrame::FileFailed {
        kind: format!("{:?}", e.kind()),
        message: crate::files::reasons::io_reason(e),
    }
}

/// Sends the file the server asked for, in pieces.
fn send_file(writer: &Mutex<UnixStream>, path: &Path) -> io::Result<()> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => return send(writer, &failed(&e)),
    };
    let mut pieces = bytes.chunks(super::protocol::FILE_CHUNK).peekable();
    if pieces.peek().is_none() {
        return send(
            writer,
            &ClientFrame::FileChunk {
                bytes: Vec::new(),
                last: true,
            },
        );
    }
    while let Some(piece) = pieces.next() {
        send(
            writer,
            &ClientFrame::FileChunk {
                bytes: piece.to_vec(),
                last: pieces.peek().is_none(),
            },
        )?;
    }
    Ok(())
}

/// Sends the key file the server asked for once it passes the checks `files::key_file` makes
/// of a key file here: the server cannot look at the file itself.
fn send_key(writer: &Mutex<UnixStream>, path: &Path, private: bool) -> io::Result<()> {
    use crate::files::key_file::{Fault, read_key};
    let frame = match read_key(path, private) {
        Ok(text) => ClientFrame::KeyFile(KeyText::new(text)),
        Err(fault) => ClientFrame::KeyRefused(match fault {
            Fault::NotFound => KeyFault::NotFound,
            Fault::NotRegular => KeyFault::NotRegular,
            Fault::TooOpen(mode) => KeyFault::TooOpen(mode),
            Fault::TooLarge => KeyFault::TooLarge,
            Fault::NotText => KeyFault::NotText,
            Fault::Read(e) => KeyFault::Read {
                kind: format!("{:?}", e.kind()),
                message: crate::files::reasons::io_reason(&e),
            },
        }),
    };
    send(writer, &frame)
}

fn file_op(op: FileOp) -> io::Result<()> {
    match op {
        FileOp::Exists { path } => {
            if Path::new(&path).exists() {
                Ok(())
            } else {
                Err(io::ErrorKind::NotFound.into())
            }
        }
        FileOp::Remove { path } => std::fs::remove_file(path),
        FileOp::Rename { from, to } => std::fs::rename(from, to),
    }
}

fn append_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = crate::files::private::append_private(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Adds a piece to the file being written at `path`; the last one puts it in place. The first
/// failure is kept and told at the end.
fn write_piece(
    writing: &mut HashMap<PathBuf, Result<LocalFile, io::Error>>,
    path: &Path,
    mode: FileMode,
    bytes: &[u8],
    last: bool,
) -> io::Result<()> {
    let entry = writing
        .entry(path.to_path_buf())
        .or_insert_with(|| LocalFile::create(path, mode));
    if let Ok(file) = entry
        && let Err(e) = file.write_all(bytes)
    {
        *entry = Err(e);
    }
    if !last {
        return Ok(());
    }
    match writing.remove(path) {
        Some(Ok(file)) => file.commit(),
        Some(Err(e)) => Err(e),
        None => Ok(()),
    }
}

/// Ctrl+C, SIGTERM and SIGHUP are told to the server, which stops the command as this process
/// would; a second one ends this process at once (the server finishes what is in flight).
/// Listening starts before the command is sent: a signal meanwhile is not lost.
fn spawn_interrupts(writer: Arc<Mutex<UnixStream>>) {
    use tokio::signal::unix::{SignalKind, signal};
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return;
    };
    let signals = {
        let _entered = runtime.enter();
        (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
        )
    };
    let (Ok(mut interrupt), Ok(mut terminate), Ok(mut hangup)) = signals else {
        return;
    };
    let spawned = std::thread::Builder::new()
        .name("alloggi-segnali".into())
        .spawn(move || {
            runtime.block_on(async move {
                let mut told = false;
                loop {
                    tokio::select! {
                        _ = interrupt.recv() => {}
                        _ = terminate.recv() => {}
                        _ = hangup.recv() => {}
                    }
                    if told {
                        let _ = io::stdout().flush();
                        eprintln!(
                            "Interrotto subito: il servizio della console completa le \
                             operazioni già in corso."
                        );
                        std::process::exit(130);
                    }
                    told = true;
                    let _ = send(&writer, &ClientFrame::Interrupt);
                }
            });
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "thread dei segnali non avviato");
    }
}
