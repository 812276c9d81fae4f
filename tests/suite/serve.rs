//! The shared console: the real `alloggi serve` against a temporary database, driven by test
//! clients that speak its protocol and read the screen back through a terminal emulator.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use alloggi::serve::client::{Connection, INTERRUPTED, Said};
use alloggi::serve::fault::PANIC_VAR;
use alloggi::serve::protocol::{ClientFrame, Hello, version};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::common::CLEARED;
use crate::common::office_cli::Office;

const BIN: &str = env!("CARGO_BIN_EXE_alloggi");
const WIDTH: u16 = 120;
const HEIGHT: u16 = 30;
const TIMEOUT: Duration = Duration::from_secs(20);

/// A server on a demo database; killed when dropped.
struct Server {
    office: Office,
    child: Child,
}

impl Server {
    fn start(idle: &str) -> Server {
        Server::start_with(idle, &[])
    }

    /// A server with `env` in its environment.
    fn start_with(idle: &str, env: &[(&str, &str)]) -> Server {
        let office = Office::new();
        office.ok(&["demo", "--domande", "40", "--solo-bando-corrente"]);
        let child = Server::spawn(&office, idle, env);
        let server = Server { office, child };
        server.wait_for_socket();
        server
    }

    fn spawn(office: &Office, idle: &str, env: &[(&str, &str)]) -> Child {
        let mut command = Command::new(BIN);
        command
            .arg("--db")
            .arg(office.path("db"))
            .args(["serve", "--inattivo", idle])
            .env("XDG_STATE_HOME", office.path("state"))
            .env("XDG_CONFIG_HOME", office.path("config"))
            .env("XDG_DATA_HOME", office.path("data"))
            .stdin(Stdio::null())
            .stdout(Stdio::null());
        for name in CLEARED {
            command.env_remove(name);
        }
        command
            .env_remove("ALLOGGI_OPERATORE")
            .env_remove("ALLOGGI_COMUNE")
            .env_remove(PANIC_VAR)
            .envs(env.iter().copied());
        command.spawn().expect("alloggi serve starts")
    }

    fn socket(&self) -> PathBuf {
        self.office.path("db").join("console.sock")
    }

    fn wait_for_socket(&self) {
        let started = Instant::now();
        while std::os::unix::net::UnixStream::connect(self.socket()).is_err() {
            assert!(started.elapsed() < TIMEOUT, "the server never listened");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn client(&self) -> Client {
        Client::connect(self.socket())
    }

    /// Waits for the server to leave by itself.
    fn exits_within(&mut self, limit: Duration) -> bool {
        let started = Instant::now();
        while started.elapsed() < limit {
            if let Ok(Some(_)) = self.child.try_wait() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A console as a client sees it: what the server drew, through a terminal emulator.
struct Client {
    connection: Connection,
    screen: vt100::Parser,
}

impl Client {
    fn connect(socket: PathBuf) -> Client {
        Client::with_version(socket, version())
    }

    fn with_version(socket: PathBuf, version: String) -> Client {
        Client::hello(socket, version, None)
    }

    /// A console opened «per conto di» `name`, as the others see it.
    fn named(socket: PathBuf, name: &str) -> Client {
        Client::hello(socket, version(), Some(name.to_string()))
    }

    fn hello(socket: PathBuf, version: String, on_behalf_of: Option<String>) -> Client {
        let hello = Hello {
            version,
            width: WIDTH,
            height: HEIGHT,
            term: Some("xterm-256color".into()),
            no_color: true,
            keymap: Vec::new(),
            on_behalf_of,
        };
        let connection = Connection::connect(&socket, &hello).expect("the client connects");
        connection.set_read_timeout(Some(TIMEOUT)).unwrap();
        Client {
            connection,
            screen: vt100::Parser::new(HEIGHT.try_into().unwrap(), WIDTH.try_into().unwrap(), 0),
        }
    }

    fn key(&mut self, code: KeyCode) {
        self.press(code, KeyModifiers::NONE);
    }

    fn press(&mut self, code: KeyCode, modifiers: KeyModifiers) {
        self.connection
            .send(&ClientFrame::Key(KeyEvent::new(code, modifiers)))
            .expect("the key is sent");
    }

    fn typing(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    fn contents(&self) -> String {
        self.screen.screen().contents()
    }

    /// Reads what the server draws until the screen satisfies `done`.
    fn wait_for(&mut self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        while !done(&self.contents()) {
            assert!(
                started.elapsed() < TIMEOUT,
                "{what} never shown; the screen:\n{}",
                self.contents()
            );
            match self.connection.receive() {
                Ok(Said::Output(bytes)) => self.screen.process(&bytes),
                other => panic!("{what}: the server said {other:?}\n{}", self.contents()),
            }
        }
        self.contents()
    }

    fn wait_for_text(&mut self, text: &str) -> String {
        self.wait_for(text, |screen| screen.contains(text))
    }

    /// What the server says after the output, skipping any output.
    fn end(&mut self) -> Result<Said, String> {
        loop {
            match self.connection.receive()? {
                Said::Output(bytes) => self.screen.process(&bytes),
                closed => return Ok(closed),
            }
        }
    }
}

/// The rows of the Domande table: the lines holding a protocol number.
fn protocol_rows(screen: &str) -> Vec<String> {
    screen
        .lines()
        .filter(|line| line.split_whitespace().any(is_protocol))
        .map(|line| line.trim().to_string())
        .collect()
}

/// A protocol number: `2024/000012`.
fn is_protocol(word: &str) -> bool {
    let bytes = word.as_bytes();
    bytes.len() == 11
        && bytes[4] == b'/'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || b.is_ascii_digit())
}

fn open_inbox(client: &mut Client) -> Vec<String> {
    client.wait_for_text("Domande per stato");
    client.key(KeyCode::Char('2'));
    let screen = client.wait_for("the rows of Domande", |s| protocol_rows(s).len() >= 5);
    protocol_rows(&screen)
}

#[test]
fn the_socket_is_the_owners_alone() {
    let server = Server::start("10m");
    let mode = std::fs::metadata(server.socket())
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600, "{mode:o}");
    let folder = std::fs::metadata(server.office.path("db"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(folder, 0o700, "{folder:o}");
}

#[test]
fn two_consoles_share_one_server_and_see_the_same_rows() {
    let server = Server::start("10m");
    let mut first = server.client();
    let mut second = server.client();
    assert!(
        first
            .wait_for_text("Domande per stato")
            .contains("Domande per stato")
    );
    assert!(
        second
            .wait_for_text("Domande per stato")
            .contains("Domande per stato")
    );
    let rows_first = open_inbox(&mut first);
    let rows_second = open_inbox(&mut second);
    assert_eq!(rows_first, rows_second);
}

#[test]
fn a_client_dropped_mid_session_does_not_disturb_the_other() {
    let server = Server::start("10m");
    let mut staying = server.client();
    let mut leaving = server.client();
    staying.wait_for_text("Domande per stato");
    leaving.wait_for_text("Domande per stato");
    // Half a frame, then gone.
    leaving.connection.send_raw(&[0, 0, 0, 200, b'{']).unwrap();
    drop(leaving);
    let rows = open_inbox(&mut staying);
    assert!(rows.len() >= 5, "{rows:?}");
    // The console left is still served a new one.
    let mut again = server.client();
    assert!(open_inbox(&mut again).len() >= 5);
}

#[test]
fn a_server_killed_is_reported_to_its_clients_as_an_interruption() {
    let mut server = Server::start("10m");
    let mut client = server.client();
    client.wait_for_text("Domande per stato");
    server.child.kill().unwrap(); // SIGKILL
    let _ = server.child.wait();
    assert_eq!(client.end(), Err(INTERRUPTED.to_string()));
    assert!(INTERRUPTED.contains("il servizio della console si è interrotto"));
}

#[test]
fn a_client_of_another_version_is_refused_with_a_message() {
    let server = Server::start("10m");
    let mut client = Client::with_version(server.socket(), "0.0.1+1".into());
    match client.end() {
        Ok(Said::Closed { message, code }) => {
            assert_eq!(code, 1);
            assert!(
                message.contains("versione del programma diversa"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_server_leaves_after_its_idle_time_with_no_clients() {
    let mut server = Server::start("1s");
    {
        let mut client = server.client();
        client.wait_for_text("Domande per stato");
        client.key(KeyCode::Char('q'));
        let _ = client.end();
    }
    assert!(
        server.exits_within(Duration::from_secs(10)),
        "the server stayed"
    );
    assert!(!server.socket().exists(), "the socket was left behind");
}

#[test]
fn the_server_stays_while_a_client_is_connected() {
    let mut server = Server::start("1s");
    let mut client = server.client();
    client.wait_for_text("Domande per stato");
    assert!(
        !server.exits_within(Duration::from_secs(3)),
        "the server left a client"
    );
    assert!(open_inbox(&mut client).len() >= 5);
}

// ---- live: every console follows what the others commit ---------------------------------

/// A fiscal code in a row: sixteen letters and digits.
fn fiscal_code_in(line: &str) -> Option<String> {
    line.split_whitespace()
        .find(|w| {
            w.len() == 16
                && w.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        })
        .map(str::to_string)
}

/// The line of the screen holding `text`.
fn line_with(screen: &str, text: &str) -> Option<String> {
    screen
        .lines()
        .find(|l| l.contains(text))
        .map(str::to_string)
}

/// In Domande, on the received applications, the cursor moved to the first one inside the
/// call's window (no `!`): its fiscal code.
fn on_a_received_application(client: &mut Client) -> String {
    client.wait_for_text("Domande per stato");
    client.key(KeyCode::Char('2'));
    client.wait_for("the rows of Domande", |s| protocol_rows(s).len() >= 5);
    client.key(KeyCode::Right);
    let screen = client.wait_for("the received applications", |s| {
        s.lines()
            .any(|l| l.trim_start().starts_with('▶') && fiscal_code_in(l).is_some())
            && protocol_rows(s).is_empty()
    });
    let rows: Vec<&str> = screen
        .lines()
        .filter(|l| fiscal_code_in(l).is_some())
        .collect();
    let inside = rows
        .iter()
        .position(|l| !l.contains(" ! "))
        .expect("a received application inside the window");
    for _ in 0..inside {
        client.key(KeyCode::Down);
    }
    let code = fiscal_code_in(rows[inside]).expect("checked above");
    client.wait_for("the cursor on it", |s| {
        s.lines()
            .any(|l| l.trim_start().starts_with('▶') && l.contains(&code))
    });
    code
}

/// `p` on the row under the cursor, then yes: the application gets its protocol number.
fn register_under_cursor(client: &mut Client) {
    client.key(KeyCode::Char('p'));
    client.wait_for_text("Protocollare");
    client.key(KeyCode::Enter);
}

/// The dashboard's count of received applications, as its line shows it.
fn received_line(screen: &str) -> String {
    screen
        .lines()
        .find(|l| l.trim_start().starts_with("ricevuta "))
        .map(|l| l.chars().take(40).collect())
        .unwrap_or_default()
}

#[test]
fn an_application_registered_in_one_console_shows_in_the_others_inbox_without_a_key() {
    let server = Server::start("10m");
    let mut acting = server.client();
    let mut watching = server.client();
    let code = on_a_received_application(&mut acting);
    // The other console searches for it: its row, without a protocol number yet.
    watching.wait_for_text("Domande per stato");
    watching.key(KeyCode::Char('2'));
    watching.wait_for("the rows of Domande", |s| protocol_rows(s).len() >= 5);
    watching.key(KeyCode::Char('/'));
    for c in code.chars() {
        watching.key(KeyCode::Char(c));
    }
    let row = |s: &str| line_with(s, &code);
    watching.wait_for("the application found", |s| {
        row(s).is_some_and(|l| !l.split_whitespace().any(is_protocol))
    });

    register_under_cursor(&mut acting);
    acting.wait_for("the protocol in the acting console", |s| {
        row(s).is_none() || row(s).is_some_and(|l| l.split_whitespace().any(is_protocol))
    });
    // No key is sent to the watching console from here on.
    let screen = watching.wait_for("the protocol number in the other console", |s| {
        row(s).is_some_and(|l| l.split_whitespace().any(is_protocol))
    });
    assert!(
        row(&screen).is_some_and(|l| l.contains("Protocollata")),
        "{screen}"
    );
}

#[test]
fn ten_consoles_connected_one_commits_and_the_nine_others_follow() {
    let server = Server::start("10m");
    let mut acting = server.client();
    let mut others: Vec<Client> = (0..9).map(|_| server.client()).collect();
    let before: Vec<String> = others
        .iter_mut()
        .map(|c| received_line(&c.wait_for("the counts", |s| !received_line(s).is_empty())))
        .collect();
    assert!(before.iter().all(|l| !l.is_empty()), "{before:?}");
    on_a_received_application(&mut acting);
    register_under_cursor(&mut acting);
    let started = Instant::now();
    for (other, before) in others.iter_mut().zip(&before) {
        other.wait_for("the count of received applications to follow", |s| {
            received_line(s) != *before
        });
    }
    eprintln!(
        "nove console aggiornate in {} ms",
        started.elapsed().as_millis()
    );
}

#[test]
fn the_home_screen_shows_who_else_is_connected_as_consoles_join_and_leave() {
    let server = Server::start("10m");
    let mut rossi = Client::named(server.socket(), "rossi");
    rossi.wait_for_text("Collegati: nessun altro");
    let mut bianchi = Client::named(server.socket(), "bianchi");
    bianchi.wait_for_text("Collegati: rossi");
    rossi.wait_for_text("Collegati: bianchi");
    let mut verdi = Client::named(server.socket(), "verdi");
    verdi.wait_for_text("Collegati: bianchi, rossi");
    rossi.wait_for_text("Collegati: bianchi, verdi");
    bianchi.key(KeyCode::Char('q'));
    let _ = bianchi.end();
    rossi.wait_for_text("Collegati: verdi");
    verdi.wait_for_text("Collegati: rossi");
}

// ---- failures: clients leaving, a server killed, a console panicking -----------------------

/// From the dashboard: the first application of the inbox, its contact form saved with
/// `email`. Returns the protocol of that application.
fn save_email_of_first_case(client: &mut Client, email: &str) -> String {
    let rows = open_inbox(client);
    let protocol = rows[0]
        .split_whitespace()
        .find(|w| is_protocol(w))
        .expect("a protocol in the first row")
        .to_string();
    client.key(KeyCode::Enter);
    client.wait_for_text("Recapiti:");
    client.key(KeyCode::Char('e'));
    client.wait_for_text("Modifica recapiti");
    client.press(KeyCode::Char('u'), KeyModifiers::CONTROL);
    client.typing(email);
    client.press(KeyCode::Char('s'), KeyModifiers::CONTROL);
    let shown = format!("Recapiti: {email}");
    client.wait_for("the contact saved", |s| {
        s.contains(&shown) && s.contains("Modifica recapiti: salvato")
    });
    protocol
}

#[test]
fn ten_consoles_draw_and_one_leaving_mid_frame_leaves_the_others_answering() {
    let server = Server::start("10m");
    let mut clients: Vec<Client> = (0..10).map(|_| server.client()).collect();
    for client in &mut clients {
        client.wait_for_text("Domande per stato");
    }
    // The fourth sends the start of a frame (its length says 200 bytes, one arrives) and goes.
    let mut leaving = clients.remove(3);
    leaving.connection.send_raw(&[0, 0, 0, 200, b'{']).unwrap();
    drop(leaving);
    let mut seen = Vec::new();
    for client in &mut clients {
        seen.push(open_inbox(client));
    }
    assert!(seen.iter().all(|rows| rows.len() >= 5), "{seen:?}");
    assert!(
        seen.windows(2).all(|pair| pair[0] == pair[1]),
        "the consoles show the same rows: {seen:?}"
    );
    // And they keep answering: one row down each.
    for client in &mut clients {
        client.key(KeyCode::Down);
        client.wait_for("the cursor on row 2", |s| s.contains("2/40"));
    }
}

#[test]
fn a_server_killed_under_two_consoles_tells_both_and_a_new_one_has_what_was_saved() {
    let mut server = Server::start("10m");
    let mut saving = server.client();
    let mut watching = server.client();
    saving.wait_for_text("Domande per stato");
    watching.wait_for_text("Domande per stato");
    let email = "prima.del.guasto@example.it";
    let protocol = save_email_of_first_case(&mut saving, email);
    watching.key(KeyCode::Char('2'));
    watching.wait_for("the rows of Domande", |s| protocol_rows(s).len() >= 5);

    server.child.kill().unwrap(); // SIGKILL
    let _ = server.child.wait();
    assert_eq!(saving.end(), Err(INTERRUPTED.to_string()));
    assert_eq!(watching.end(), Err(INTERRUPTED.to_string()));

    // A new server over the socket the killed one left: the saved contact is there.
    server.child = Server::spawn(&server.office, "10m", &[]);
    server.wait_for_socket();
    let mut again = server.client();
    let rows = open_inbox(&mut again);
    assert!(rows[0].contains(&protocol), "{rows:?}");
    again.key(KeyCode::Enter);
    let screen = again.wait_for("the case with its contact", |s| {
        s.contains("Recapiti:") && s.contains(email)
    });
    assert!(screen.contains(&protocol), "{screen}");
    drop(again);
    server.child.kill().unwrap();
    let _ = server.child.wait();
    let shown = server.office.ok(&["show", "--protocollo", &protocol]);
    // Its audit entry too.
    assert!(shown.contains("recapiti modificati"), "{shown}");
}

#[test]
fn a_console_that_panics_is_closed_with_its_message_and_the_others_go_on() {
    let server = Server::start_with("10m", &[(PANIC_VAR, "guasto")]);
    let mut broken = Client::named(server.socket(), "guasto");
    let mut others = [server.client(), Client::named(server.socket(), "altro")];
    broken.wait_for_text("Domande per stato");
    for client in &mut others {
        client.wait_for_text("Domande per stato");
    }
    broken.key(KeyCode::Char('2'));
    match broken.end() {
        Ok(Said::Closed { message, code }) => {
            assert_eq!(code, 1);
            assert!(message.contains("errore interno"), "{message}");
            assert!(message.contains("le altre console continuano"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    for client in &mut others {
        assert!(open_inbox(client).len() >= 5);
    }
    // The server still takes new consoles.
    let mut new = server.client();
    assert!(open_inbox(&mut new).len() >= 5);
}

#[test]
fn without_the_variable_no_console_panics() {
    let server = Server::start("10m");
    let mut named = Client::named(server.socket(), "guasto");
    assert!(open_inbox(&mut named).len() >= 5);
}

/// A console saving the same case again and again, quickly, while another console commits
/// elsewhere: its own saves are never taken for a change by someone else.
#[test]
fn a_console_saving_its_case_again_and_again_is_never_refused_for_its_own_changes() {
    let server = Server::start("10m");
    let mut saving = server.client();
    let mut other = server.client();
    save_email_of_first_case(&mut saving, "prima@esempio.it");
    other.wait_for_text("Domande per stato");
    other.key(KeyCode::Char('2'));
    other.wait_for("the rows of Domande", |s| protocol_rows(s).len() >= 5);
    other.key(KeyCode::Down);
    other.key(KeyCode::Enter);
    other.wait_for_text("Recapiti:");
    for round in 0..8 {
        // The other console saves its own case meanwhile: news for everyone.
        other.key(KeyCode::Char('e'));
        other.wait_for_text("Modifica recapiti");
        other.press(KeyCode::Char('u'), KeyModifiers::CONTROL);
        other.typing(&format!("altro{round}@esempio.it"));
        other.press(KeyCode::Char('s'), KeyModifiers::CONTROL);

        let email = format!("giro{round}@esempio.it");
        saving.key(KeyCode::Char('e'));
        saving.wait_for_text("Modifica recapiti");
        saving.press(KeyCode::Char('u'), KeyModifiers::CONTROL);
        saving.typing(&email);
        saving.press(KeyCode::Char('s'), KeyModifiers::CONTROL);
        let shown = format!("Recapiti: {email}");
        let screen = saving.wait_for("the contact saved, or refused", |s| {
            (s.contains(&shown) && s.contains("Modifica recapiti: salvato"))
                || s.contains("modificata da")
        });
        assert!(
            !screen.contains("modificata da"),
            "round {round}: own change taken for another's:\n{screen}"
        );
        other.wait_for("the other's contact saved", |s| {
            s.contains(&format!("Recapiti: altro{round}@esempio.it"))
        });
    }
}

/// Four consoles, each on its own registered application, save their contacts at the same
/// moment, round after round: each save goes through, and none is taken for another's.
#[test]
fn consoles_saving_their_own_cases_at_once_never_refuse_each_other() {
    let server = Server::start("10m");
    let mut clients: Vec<Client> = (0..4).map(|_| server.client()).collect();
    let mut protocols = Vec::new();
    for (i, client) in clients.iter_mut().enumerate() {
        open_inbox(client);
        client.key(KeyCode::Right);
        client.key(KeyCode::Right);
        client.wait_for_text("[Protocollata");
        for _ in 0..i {
            client.key(KeyCode::Down);
        }
        client.key(KeyCode::Enter);
        let screen = client.wait_for_text("Recapiti:");
        let protocol = screen
            .split_whitespace()
            .find(|w| is_protocol(w))
            .expect("the case's protocol")
            .to_string();
        protocols.push(protocol);
    }
    let mut distinct = protocols.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 4, "{protocols:?}");
    for round in 0..4 {
        for (i, client) in clients.iter_mut().enumerate() {
            client.key(KeyCode::Char('e'));
            client.wait_for_text("Modifica recapiti");
            client.press(KeyCode::Char('u'), KeyModifiers::CONTROL);
            client.typing(&format!("c{i}.{round}@esempio.it"));
        }
        for client in clients.iter_mut() {
            client.press(KeyCode::Char('s'), KeyModifiers::CONTROL);
        }
        for (i, client) in clients.iter_mut().enumerate() {
            let shown = format!("Recapiti: c{i}.{round}@esempio.it");
            let screen = client.wait_for("saved or refused", |s| {
                (s.contains(&shown) && s.contains("Modifica recapiti: salvato"))
                    || s.contains("modificata da")
            });
            assert!(
                !screen.contains("modificata da"),
                "console {i} ({}), round {round}:\n{screen}",
                protocols[i]
            );
            assert!(
                screen.contains(&protocols[i]),
                "console {i} moved:\n{screen}"
            );
        }
    }
}
