//! What travels on the console socket: frames of a big-endian u32 length and that many bytes of
//! JSON. The client opens with a [`Hello`]; then it sends keys and resizes and the server sends
//! the bytes to write to the terminal, and finally why the console closed.

use std::io::{self, Read, Write};

use crossterm::event::KeyEvent;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Raised whenever the frames change meaning; a client and a server agree only when both the
/// program's version and this number match.
pub const PROTOCOL: u32 = 1;

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
        let ours = version();
        if self.version == ours {
            Ok(())
        } else {
            Err(format!(
                "versione del programma diversa da quella del servizio della console \
                 (console {}, servizio {ours}): chiudere tutte le console, attendere che il \
                 servizio termini e riaprire la console",
                self.version
            ))
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClientFrame {
    Hello(Hello),
    Key(KeyEvent),
    Resize(u16, u16),
    Bye,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ServerFrame {
    /// Bytes to copy to the terminal as they are.
    Output(Vec<u8>),
    /// The console closed: `message` (empty when the user left) for the user, `code` for the
    /// client's exit.
    Closed { message: String, code: u8 },
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
}
