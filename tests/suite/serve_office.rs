//! The shared console as an office runs it under systemd: the socket outside the database's
//! folder (`ALLOGGI_SOCKET`), open to the caseworkers' group, and a service that never leaves
//! for idleness.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use alloggi::serve::client::{Connection, Said};
use alloggi::serve::protocol::{Hello, version};

use crate::common::CLEARED;
use crate::common::office_cli::Office;

const BIN: &str = env!("CARGO_BIN_EXE_alloggi");
const TIMEOUT: Duration = Duration::from_secs(20);

/// The primary group of the user running the tests, which the server may give its socket to.
fn own_group() -> (String, u32) {
    let output = Command::new("id").arg("-gn").output().expect("id runs");
    let name = String::from_utf8(output.stdout).unwrap().trim().to_string();
    let gid = Command::new("id").arg("-g").output().expect("id runs");
    let gid = String::from_utf8(gid.stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    (name, gid)
}

fn serve(office: &Office, socket: &Path, args: &[&str]) -> Child {
    let mut command = Command::new(BIN);
    command
        .arg("--db")
        .arg(office.path("db"))
        .arg("serve")
        .args(args)
        .env("XDG_STATE_HOME", office.path("state"))
        .env("XDG_CONFIG_HOME", office.path("config"))
        .env("XDG_DATA_HOME", office.path("data"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for name in CLEARED {
        command.env_remove(name);
    }
    command
        .env_remove("ALLOGGI_OPERATORE")
        .env_remove("ALLOGGI_COMUNE")
        .env("ALLOGGI_SOCKET", socket);
    command.spawn().expect("alloggi serve starts")
}

fn wait_for_socket(socket: &Path, child: &mut Child) {
    let started = Instant::now();
    while std::os::unix::net::UnixStream::connect(socket).is_err() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the server left before listening"
        );
        assert!(started.elapsed() < TIMEOUT, "the server never listened");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn hello() -> Hello {
    Hello {
        version: version(),
        width: 100,
        height: 30,
        term: Some("xterm-256color".into()),
        no_color: true,
        keymap: Vec::new(),
        on_behalf_of: None,
    }
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn office_with_demo() -> (Office, PathBuf) {
    let office = Office::new();
    office.ok(&["demo", "--domande", "5"]);
    let run = office.path("run");
    std::fs::create_dir(&run).unwrap();
    (office, run.join("console.sock"))
}

#[test]
fn an_office_service_listens_where_it_is_told_open_to_its_group_and_stays() {
    let (office, socket) = office_with_demo();
    let (group, gid) = own_group();
    let mut child = serve(
        &office,
        &socket,
        &["--inattivo", "1s", "--sempre", "--gruppo", &group],
    );
    wait_for_socket(&socket, &mut child);
    let server = Killed(child);
    let metadata = std::fs::metadata(&socket).unwrap();
    assert_eq!(metadata.permissions().mode() & 0o777, 0o660);
    assert_eq!(metadata.gid(), gid);
    assert!(
        !office.path("db").join("console.sock").exists(),
        "a second socket in the database's folder"
    );

    // A console reaches it through the same variable, and is drawn.
    let mut connection = Connection::connect(&socket, &hello()).expect("the console connects");
    connection.set_read_timeout(Some(TIMEOUT)).unwrap();
    match connection.receive() {
        Ok(Said::Output(bytes)) => assert!(!bytes.is_empty()),
        other => panic!("{other:?}"),
    }
    drop(connection);

    // Well past its idle time with nobody connected, it is still there.
    std::thread::sleep(Duration::from_secs(3));
    let mut server = server;
    assert!(server.0.try_wait().unwrap().is_none(), "the service left");
    assert!(socket.exists());
}

#[test]
fn a_group_that_does_not_exist_is_refused_before_any_socket_is_made() {
    let (office, socket) = office_with_demo();
    let child = serve(&office, &socket, &["--gruppo", "nessun-gruppo-così"]);
    let output = child.wait_with_output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("il gruppo di sistema «nessun-gruppo-così» non esiste"),
        "{stderr}"
    );
    assert!(!socket.exists(), "a socket was left behind");
}

#[test]
fn without_a_group_the_socket_named_elsewhere_is_the_owners_alone() {
    let (office, socket) = office_with_demo();
    let mut child = serve(&office, &socket, &["--inattivo", "10m"]);
    wait_for_socket(&socket, &mut child);
    let _server = Killed(child);
    let mode = std::fs::metadata(&socket).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{mode:o}");
}

/// The unit in `contrib/` starts the service with options the program accepts, names the
/// variables it reads, and gives the socket to the group its `Group=` names.
#[test]
fn the_systemd_unit_matches_the_command_line() {
    use clap::Parser;
    let unit = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("contrib/systemd/alloggi.service"),
    )
    .unwrap();
    let value = |key: &str| {
        unit.lines()
            .find_map(|line| line.strip_prefix(key))
            .unwrap_or_else(|| panic!("{key} missing"))
            .trim()
            .to_string()
    };
    let exec = value("ExecStart=");
    let args: Vec<&str> = exec.split_whitespace().collect();
    let cli = alloggi::cli::Cli::try_parse_from(&args).unwrap_or_else(|e| panic!("{exec}: {e}"));
    match cli.command {
        Some(alloggi::cli::Command::Serve { always, group, .. }) => {
            assert!(always, "an office service must not leave when idle");
            assert_eq!(group, Some(value("Group=")));
        }
        _ => panic!("{exec} does not serve"),
    }
    assert!(unit.contains("Environment=ALLOGGI_SOCKET=/run/alloggi/console.sock"));
    assert!(unit.contains("RuntimeDirectoryMode=0750"));
    assert!(unit.contains("StateDirectoryMode=0700"));
    let profile = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("contrib/systemd/alloggi.sh"),
    )
    .unwrap();
    assert!(profile.contains("export ALLOGGI_SOCKET=/run/alloggi/console.sock"));
}
