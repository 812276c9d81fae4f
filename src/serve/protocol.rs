//! What travels on the console socket: frames of a big-endian u32 length and that many bytes of
//! JSON. The client opens with a [`Hello`]; then it sends keys and resizes and the server sends
//! the bytes to write to the terminal, and finally why the console closed.
//!
//! A subcommand forwarded to the server opens with a [`RunHello`] instead: the server runs it
//! and streams back its output and exit code, and asks the client for the files named on the
//! command line, which the client reads and writes as its own user.

use std::io::{self, Read, Write};

use crossterm::event::KeyEvent;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Raised whenever the frames change meaning; a client and a server agree only when both the
/// program's version and this number match.
pub const PROTOCOL: u32 = 3;

/// Larger frames are refused: a whole screen of output is far smaller.
pub const MAX_FRAME: usize = 4 << 20;

/// The version a client and a server must share.
pub fn version() -> String {
    format!("{}+{PROTOCOL}", env!("CARGO_PKG_VERSION"))
}

/// One keymap file over the default one, read by the client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeymapLayer {
    pub file: String,
    pub text: String,
}

/// The client's first frame: its version and its terminal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hello {
    pub version: String,
    pub width: u16,
    pub height: u16,
    pub term: Option<String>,
    pub no_color: bool,
    /// The keymap files chosen and the user's own, over the default one, in order.
    pub keymap: Vec<KeymapLayer>,
    /// The name given with `--operatore`, recorded «per conto di» beside the system user.
    pub on_behalf_of: Option<String>,
}

impl Hello {
    /// Refuses a client of another version, in Italian, saying what to do.
    pub fn check_version(&self) -> Result<(), String> {
        check_version(&self.version)
    }
}

fn check_version(theirs: &str) -> Result<(), String> {
    let ours = version();
    if theirs == ours {
        Ok(())
    } else {
        Err(format!(
            "versione del programma diversa da quella del servizio della console \
             (console {theirs}, servizio {ours}): chiudere tutte le console, attendere che il \
             servizio termini e riaprire la console",
        ))
    }
}

/// The first frame of a subcommand forwarded to the server: its arguments, as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunHello {
    pub version: String,
    /// Every argument, the program's name first.
    pub argv: Vec<String>,
    /// Where the client runs: relative file names are the client's, read and written there.
    pub cwd: String,
    pub stdout_is_terminal: bool,
    pub stderr_is_terminal: bool,
    /// The name given with `--operatore` or `ALLOGGI_OPERATORE` in the client's environment,
    /// which the arguments alone do not carry.
    pub on_behalf_of: Option<String>,
}

impl RunHello {
    /// Refuses a client of another version, as [`Hello::check_version`].
    pub fn check_version(&self) -> Result<(), String> {
        check_version(&self.version)
    }
}

/// How a file the server asks the client to write is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileMode {
    /// Personal data: readable by its owner only (0600).
    Private,
    /// Public by law: the usual mode under the client's umask.
    Public,
}

/// How a file the server asks the client for is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReadKind {
    /// Any file, whole.
    Whole,
    /// A key file only its owner may read: the client checks it as `files::key_file` does
    /// before anything of it travels.
    PrivateKey,
    /// A key file meant to be shared, such as a public key: regular and small.
    SharedKey,
}

/// The text of a key file on its way to the server: never printed, wiped when dropped.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyText(String);

impl KeyText {
    pub fn new(text: String) -> KeyText {
        KeyText(text)
    }

    /// The text, leaving nothing behind in the frame.
    pub fn take(mut self) -> String {
        std::mem::take(&mut self.0)
    }
}

impl std::fmt::Debug for KeyText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyText(***)")
    }
}

impl Drop for KeyText {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

/// Why the client refused a key file, as `files::key_file::Fault` says it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyFault {
    NotFound,
    NotRegular,
    TooOpen(u32),
    TooLarge,
    NotText,
    /// Any other failure: its `std::io::ErrorKind` by name and the Italian reason.
    Read {
        kind: String,
        message: String,
    },
}

/// What the server asks the client to do to one of its files, answered `FileDone` or
/// `FileFailed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileOp {
    /// Answered `FileDone` when something is there, `FileFailed` otherwise.
    Exists {
        path: String,
    },
    Remove {
        path: String,
    },
    Rename {
        from: String,
        to: String,
    },
}

/// The largest piece of a file in one frame: its JSON stays well under [`MAX_FRAME`].
pub const FILE_CHUNK: usize = 256 << 10;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClientFrame {
    Hello(Hello),
    Key(KeyEvent),
    Resize(u16, u16),
    Bye,
    /// Opens a forwarded subcommand.
    Run(RunHello),
    /// The client was asked to stop (Ctrl+C, SIGTERM, SIGHUP): the command stops as it would
    /// in the client's own process.
    Interrupt,
    /// A piece of the file the server asked for; the last one has `last` set.
    FileChunk {
        bytes: Vec<u8>,
        last: bool,
    },
    /// The file written or appended to as asked.
    FileDone,
    /// The text of the key file asked for, checked by the client.
    KeyFile(KeyText),
    /// Why the key file asked for was refused.
    KeyRefused(KeyFault),
    /// Why the file asked for could not be read or written; `kind` as `std::io::ErrorKind`
    /// names it, so the command words it as it would locally.
    FileFailed {
        kind: String,
        message: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ServerFrame {
    /// Bytes to copy to the terminal as they are.
    Output(Vec<u8>),
    /// The console closed: `message` (empty when the user left) for the user, `code` for the
    /// client's exit.
    Closed { message: String, code: u8 },
    /// What a forwarded command wrote on its standard output.
    Stdout(Vec<u8>),
    /// What a forwarded command wrote on its standard error.
    Stderr(Vec<u8>),
    /// The forwarded command ended with this exit code.
    Exit(u8),
    /// Asks the client for the contents of the file `path` (as typed, relative to the
    /// client's folder), answered with `FileChunk`s or `FileFailed`; a key file (`kind`) with
    /// `KeyFile` or `KeyRefused`.
    ReadFile { path: String, kind: ReadKind },
    /// Something else to do to a file of the client's.
    File(FileOp),
    /// A piece of a file to write at `path`: the client writes the pieces to a temporary file
    /// beside it and, at the `last`, renames it in place with `mode` and answers `FileDone` or
    /// `FileFailed`. With `append`, the pieces are added to the end of the file instead.
    WriteFile {
        path: String,
        mode: FileMode,
        append: bool,
        bytes: Vec<u8>,
        last: bool,
    },
}

/// Writes one frame and flushes it.
pub fn write_frame<T: Serialize>(writer: &mut impl Write, frame: &T) -> io::Result<()> {
    let body = serde_json::to_vec(frame).map_err(io::Error::other)?;
    if body.len() > MAX_FRAME {
        return Err(io::Error::other(format!(
            "messaggio di {} byte, oltre il massimo di {MAX_FRAME}",
            body.len()
        )));
    }
    let length = u32::try_from(body.len()).map_err(io::Error::other)?;
    let mut bytes = Vec::with_capacity(4 + body.len());
    bytes.extend_from_slice(&length.to_be_bytes());
    bytes.extend_from_slice(&body);
    writer.write_all(&bytes)?;
    writer.flush()
}

/// Reads one frame; `None` when the other end closed between frames.
pub fn read_frame<T: DeserializeOwned>(reader: &mut impl Read) -> io::Result<Option<T>> {
    let mut length = [0u8; 4];
    match reader.read_exact(&mut length) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let length = u32::from_be_bytes(length) as usize;
    if length > MAX_FRAME {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("messaggio di {length} byte, oltre il massimo di {MAX_FRAME}"),
        ));
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body)?;
    serde_json::from_slice(&body)
        .map(Some)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

    fn hello(version: String) -> Hello {
        Hello {
            version,
            width: 100,
            height: 30,
            term: Some("xterm-256color".into()),
            no_color: true,
            keymap: vec![KeymapLayer {
                file: "mia.toml".into(),
                text: "[inbox]\nesci = \"x\"\n".into(),
            }],
            on_behalf_of: Some("Bianchi".into()),
        }
    }

    #[test]
    fn frames_come_back_as_they_were_sent() {
        let sent = vec![
            ClientFrame::Hello(hello(version())),
            ClientFrame::Key(KeyEvent::new(KeyCode::Char('à'), KeyModifiers::CONTROL)),
            ClientFrame::Key(KeyEvent::new(KeyCode::F(5), KeyModifiers::SHIFT)),
            ClientFrame::Resize(120, 40),
            ClientFrame::Bye,
            ClientFrame::Run(RunHello {
                version: version(),
                argv: vec!["alloggi".into(), "check".into(), "è".into()],
                cwd: "/home/mrossi".into(),
                stdout_is_terminal: false,
                stderr_is_terminal: true,
                on_behalf_of: Some("Bianchi".into()),
            }),
            ClientFrame::Interrupt,
            ClientFrame::FileChunk {
                bytes: vec![0, 0xff, b';'],
                last: true,
            },
            ClientFrame::FileDone,
            ClientFrame::FileFailed {
                kind: "NotFound".into(),
                message: "file inesistente".into(),
            },
        ];
        let mut wire = Vec::new();
        for frame in &sent {
            write_frame(&mut wire, frame).unwrap();
        }
        let mut reader = wire.as_slice();
        let mut received = Vec::new();
        while let Some(frame) = read_frame::<ClientFrame>(&mut reader).unwrap() {
            received.push(frame);
        }
        assert_eq!(received, sent);

        let output = ServerFrame::Output(vec![0x1b, b'[', b'H', 0xff, 0]);
        let closed = ServerFrame::Closed {
            message: "console chiusa".into(),
            code: 1,
        };
        let mut wire = Vec::new();
        write_frame(&mut wire, &output).unwrap();
        write_frame(&mut wire, &closed).unwrap();
        let mut reader = wire.as_slice();
        assert_eq!(read_frame(&mut reader).unwrap(), Some(output));
        assert_eq!(read_frame(&mut reader).unwrap(), Some(closed));
        assert_eq!(read_frame::<ServerFrame>(&mut reader).unwrap(), None);
    }

    #[test]
    fn the_frames_of_a_forwarded_command_come_back_as_they_were_sent() {
        let sent = vec![
            ServerFrame::Stdout("Indici coerenti\n".into()),
            ServerFrame::Stderr(vec![0xc3, 0xa8, 0]),
            ServerFrame::ReadFile {
                path: "domande.csv".into(),
                kind: ReadKind::Whole,
            },
            ServerFrame::ReadFile {
                path: "firma.key".into(),
                kind: ReadKind::PrivateKey,
            },
            ServerFrame::File(FileOp::Rename {
                from: "p.parziale".into(),
                to: "p.json".into(),
            }),
            ServerFrame::WriteFile {
                path: "copia.jsonl".into(),
                mode: FileMode::Private,
                append: false,
                bytes: vec![1; FILE_CHUNK],
                last: false,
            },
            ServerFrame::WriteFile {
                path: "checkpoint".into(),
                mode: FileMode::Public,
                append: true,
                bytes: Vec::new(),
                last: true,
            },
            ServerFrame::Exit(2),
        ];
        let mut wire = Vec::new();
        for frame in &sent {
            write_frame(&mut wire, frame).unwrap();
        }
        let mut reader = wire.as_slice();
        let mut received = Vec::new();
        while let Some(frame) = read_frame::<ServerFrame>(&mut reader).unwrap() {
            received.push(frame);
        }
        assert_eq!(received, sent);
    }

    #[test]
    fn a_forwarded_command_of_another_version_is_refused_in_italian() {
        let run = |version: String| RunHello {
            version,
            argv: vec!["alloggi".into(), "check".into()],
            cwd: "/".into(),
            stdout_is_terminal: false,
            stderr_is_terminal: false,
            on_behalf_of: None,
        };
        assert_eq!(run(version()).check_version(), Ok(()));
        let err = run("0.0.1+1".into()).check_version().unwrap_err();
        assert!(err.contains("versione del programma diversa"), "{err}");
    }

    #[test]
    fn a_client_of_another_version_is_refused_in_italian() {
        assert_eq!(hello(version()).check_version(), Ok(()));
        let err = hello("0.0.1+1".into()).check_version().unwrap_err();
        assert!(err.contains("versione del programma diversa"), "{err}");
        assert!(err.contains("console 0.0.1+1"), "{err}");
        let other_protocol = format!("{}+{}", env!("CARGO_PKG_VERSION"), PROTOCOL + 1);
        assert!(hello(other_protocol).check_version().is_err());
    }

    #[test]
    fn an_oversized_frame_is_refused_before_it_is_read() {
        let mut wire = ((MAX_FRAME + 1) as u32).to_be_bytes().to_vec();
        wire.extend_from_slice(b"{}");
        let err = read_frame::<ServerFrame>(&mut wire.as_slice()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    }

    #[test]
    fn a_key_travels_whole_but_is_never_printed() {
        let frame = ClientFrame::KeyFile(KeyText::new("ab12segreto".into()));
        assert!(!format!("{frame:?}").contains("segreto"), "{frame:?}");
        let mut wire = Vec::new();
        write_frame(&mut wire, &frame).unwrap();
        let read = read_frame::<ClientFrame>(&mut wire.as_slice()).unwrap();
        match read {
            Some(ClientFrame::KeyFile(text)) => assert_eq!(text.take(), "ab12segreto"),
            other => panic!("{other:?}"),
        }
    }
}
