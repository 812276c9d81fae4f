//! The thin console: connects to the server of a database (starting it when none answers),
//! puts its own terminal in raw mode, sends keys and resizes, and copies what the server draws.

use std::io::{self, Read, Write};
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crossterm::event::{self, Event};

use super::protocol::{ClientFrame, Hello, ServerFrame, read_frame, write_frame};

/// Said when the server went away in the middle of a console.
pub const INTERRUPTED: &str = "il servizio della console si è interrotto: riaprire la console \
                               con alloggi (quanto già salvato non è perso)";

/// How long a server just started may take to answer.
const START_TIMEOUT: Duration = Duration::from_secs(30);
const START_POLL: Duration = Duration::from_millis(25);

/// What the server sends, as the client reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Said {
    Output(Vec<u8>),
    Closed { message: String, code: u8 },
}

/// A connection to a console server, after the hello.
pub struct Connection {
    stream: UnixStream,
}

impl Connection {
    /// Connects to the server listening on `socket` and introduces the console.
    pub fn connect(socket: &Path, hello: &Hello) -> io::Result<Connection> {
        Connection::over(UnixStream::connect(socket)?, hello)
    }

    fn over(stream: UnixStream, hello: &Hello) -> io::Result<Connection> {
        let mut connection = Connection { stream };
        connection.send(&ClientFrame::Hello(hello.clone()))?;
        Ok(connection)
    }

    pub fn send(&mut self, frame: &ClientFrame) -> io::Result<()> {
        write_frame(&mut self.stream, frame)
    }

    /// How long `receive` waits before it gives up; `None` waits for ever.
    pub fn set_read_timeout(&self, timeout: Option<std::time::Duration>) -> io::Result<()> {
        self.stream.set_read_timeout(timeout)
    }

    /// Bytes as they are, framed or not: for a client that goes away mid-frame.
    pub fn send_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.stream.write_all(bytes)
    }

    /// The next thing the server says; the end of the connection without a `Closed` frame is
    /// the server's interruption, told in Italian.
    pub fn receive(&mut self) -> Result<Said, String> {
        match read_frame::<ServerFrame>(&mut self.stream) {
            Ok(Some(ServerFrame::Output(bytes))) => Ok(Said::Output(bytes)),
            Ok(Some(ServerFrame::Closed { message, code })) => Ok(Said::Closed { message, code }),
            // A command's frames never come to a console: the server is not speaking to one.
            Ok(Some(
                ServerFrame::Stdout(_)
                | ServerFrame::Stderr(_)
                | ServerFrame::Exit(_)
                | ServerFrame::ReadFile { .. }
                | ServerFrame::File(_)
                | ServerFrame::WriteFile { .. },
            ))
            | Ok(None)
            | Err(_) => Err(INTERRUPTED.to_string()),
        }
    }

    /// A second handle on the same connection, for the thread that sends keys.
    pub fn try_clone(&self) -> io::Result<Connection> {
        Ok(Connection {
            stream: self.stream.try_clone()?,
        })
    }
}

/// How to start a server for a database when none answers.
pub struct Start {
    pub db: PathBuf,
    /// Passed on to the server as given to the console.
    pub args: Vec<std::ffi::OsString>,
}

/// The console of the database in `start.db`, through its server: to the end of the session.
pub fn run(start: &Start, mut hello: Hello) -> Result<(), String> {
    let (width, height) = crossterm::terminal::size()
        .map_err(|e| format!("impossibile leggere le dimensioni del terminale: {e}"))?;
    hello.width = width;
    hello.height = height;
    let mut connection = connect_or_start(start, &hello)?;
    let guard = RawTerminal::enter().map_err(|e| format!("terminale non utilizzabile: {e}"))?;
    spawn_keys(
        connection
            .try_clone()
            .map_err(|e| format!("connessione non utilizzabile: {e}"))?,
    );
    let mut stdout = io::stdout().lock();
    let outcome = loop {
        match connection.receive() {
            Ok(Said::Output(bytes)) => {
                if stdout
                    .write_all(&bytes)
                    .and_then(|()| stdout.flush())
                    .is_err()
                {
                    break Err("impossibile scrivere sul terminale".to_string());
                }
            }
            Ok(Said::Closed { message, code: 0 }) if message.is_empty() => break Ok(()),
            Ok(Said::Closed { message, .. }) => break Err(message),
            Err(interrupted) => break Err(interrupted),
        }
    };
    drop(stdout);
    drop(guard);
    outcome
}

/// Whether a server answers on the database's socket (the connection is dropped at once; the
/// server sees it end before its hello).
pub fn server_answers(db: &std::path::Path) -> bool {
    UnixStream::connect(super::socket_path(db)).is_ok()
}

/// Connects to the running server, or starts one and connects once it answers.
pub fn connect_or_start(start: &Start, hello: &Hello) -> Result<Connection, String> {
    let socket = super::socket_path(&start.db);
    if let Ok(stream) = UnixStream::connect(&socket) {
        return Connection::over(stream, hello).map_err(|e| cannot_connect(&socket, &e));
    }
    let stream = start_server(start, &socket)?;
    Connection::over(stream, hello).map_err(|e| cannot_connect(&socket, &e))
}

fn cannot_connect(socket: &Path, e: &io::Error) -> String {
    format!(
        "impossibile collegarsi al servizio della console ({}): {e}",
        socket.display()
    )
}

/// Starts `alloggi serve` for the database, detached from this terminal (its own process
/// group: closing the terminal does not stop it), and waits for its socket. What it printed,
/// when it could not start, is told.
fn start_server(start: &Start, socket: &Path) -> Result<UnixStream, String> {
    let failed = |reason: String| {
        format!(
            "impossibile avviare il servizio della console: {reason}. Per avviarlo a mano: \
             alloggi --db {} serve",
            start.db.display()
        )
    };
    let exe = std::env::current_exe().map_err(|e| failed(e.to_string()))?;
    // An unnamed file: gone with the last process holding it.
    let mut errors = tempfile::tempfile().map_err(|e| failed(e.to_string()))?;
    let mut child = Command::new(exe)
        .arg("--db")
        .arg(&start.db)
        .args(&start.args)
        .arg("serve")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(errors.try_clone().map_err(|e| failed(e.to_string()))?)
        .process_group(0)
        .spawn()
        .map_err(|e| failed(e.to_string()))?;
    let started = Instant::now();
    loop {
        if let Ok(stream) = UnixStream::connect(socket) {
            return Ok(stream);
        }
        if let Ok(Some(_)) = child.try_wait() {
            let mut said = String::new();
            let _ = io::Seek::rewind(&mut errors);
            let _ = errors.read_to_string(&mut said);
            let said = said.trim().trim_start_matches("errore:").trim();
            return Err(failed(if said.is_empty() {
                "il servizio è terminato subito".to_string()
            } else {
                said.to_string()
            }));
        }
        if started.elapsed() > START_TIMEOUT {
            return Err(failed(format!(
                "nessuna risposta dopo {} secondi",
                START_TIMEOUT.as_secs()
            )));
        }
        std::thread::sleep(START_POLL);
    }
}

/// The terminal in raw mode on the alternate screen, given back as it was when dropped.
struct RawTerminal;

impl RawTerminal {
    fn enter() -> io::Result<RawTerminal> {
        crossterm::terminal::enable_raw_mode()?;
        let guard = RawTerminal;
        crossterm::execute!(io::stdout(), crossterm::terminal::EnterAlternateScreen)?;
        Ok(guard)
    }
}

impl Drop for RawTerminal {
    fn drop(&mut self) {
        let _ = crossterm::execute!(
            io::stdout(),
            crossterm::terminal::EndSynchronizedUpdate,
            crossterm::cursor::Show,
            crossterm::terminal::LeaveAlternateScreen
        );
        let _ = crossterm::terminal::disable_raw_mode();
    }
}

/// Reads the terminal on its own thread and sends each key and resize to the server.
fn spawn_keys(mut connection: Connection) {
    let spawned = std::thread::Builder::new()
        .name("alloggi-tastiera".into())
        .spawn(move || {
            loop {
                let frame = match event::read() {
                    Ok(Event::Key(key)) => ClientFrame::Key(key),
                    Ok(Event::Resize(width, height)) => ClientFrame::Resize(width, height),
                    Ok(_) => continue,
                    Err(_) => ClientFrame::Bye,
                };
                let bye = frame == ClientFrame::Bye;
                if connection.send(&frame).is_err() || bye {
                    break;
                }
            }
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "thread della tastiera non avviato");
    }
}
