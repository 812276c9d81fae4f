//! The modes of the files the binary writes, run under umask 022 as on a usual workstation:
//! the database, the backup, the internal list, bundles, receipts and the log are the owner's
//! only; the public list and the albo text stay readable; a database folder others can reach is
//! reported at start.
#![cfg(unix)]

use crate::common;
use crate::support::io_stand_in::{StandIn, StandInConfig};

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_alloggi");

struct Office {
    root: tempfile::TempDir,
}

impl Office {
    fn path(&self, name: &str) -> PathBuf {
        self.root.path().join(name)
    }

    fn arg(&self, name: &str) -> String {
        self.path(name).to_str().unwrap().to_string()
    }

    /// The binary under umask 022, with a clean environment and private XDG folders.
    fn run(&self, args: &[&str], vars: &[(&str, &str)]) -> Output {
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg("umask 022; exec \"$@\"")
            .arg("sh")
            .arg(BIN)
            .arg("--db")
            .arg(self.path("db"))
            .args(args);
        for name in common::CLEARED {
            command.env_remove(name);
        }
        command
            .env("XDG_STATE_HOME", self.path("state"))
            .env("XDG_CONFIG_HOME", self.path("config"))
            .env("XDG_DATA_HOME", self.path("data"))
            .env("ALLOGGI_OPERATORE", "mrossi");
        for (name, value) in vars {
            command.env(name, value);
        }
        command.output().expect("the binary runs")
    }

    fn ok(&self, args: &[&str], vars: &[(&str, &str)]) -> Output {
        let out = self.run(args, vars);
        common::assert_ok(&out);
        out
    }
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o7777
}

/// Every file and folder below `dir`, with its mode.
fn modes_below(dir: &Path) -> Vec<(PathBuf, bool, u32)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let is_dir = path.is_dir();
        found.push((path.clone(), is_dir, mode(&path)));
        if is_dir {
            found.extend(modes_below(&path));
        }
    }
    found
}

fn assert_private_folder(dir: &Path) {
    assert_eq!(mode(dir), 0o700, "{}", dir.display());
    let inside = modes_below(dir);
    assert!(!inside.is_empty(), "{} is empty", dir.display());
    for (path, is_dir, found) in inside {
        let expected = if is_dir { 0o700 } else { 0o600 };
        assert_eq!(found, expected, "{}: {found:o}", path.display());
    }
}

#[test]
fn under_umask_022_every_file_with_personal_data_is_the_owners_only() {
    let office = Office {
        root: tempfile::tempdir().unwrap(),
    };
    let out = office.ok(&["demo", "--applications", "60", "--seed", "7"], &[]);
    assert!(
        common::stdout(&out).contains("Pubblicata la graduatoria provvisoria n. 1"),
        "{}",
        common::stdout(&out)
    );
    assert!(
        !common::stderr(&out).contains("chmod"),
        "{}",
        common::stderr(&out)
    );
    // What sled created while the program ran, and wrote while closing, is private too.
    assert_private_folder(&office.path("db"));
    office.ok(&["call", "list"], &[]);
    assert_private_folder(&office.path("db"));
    assert_private_folder(&office.path("state").join("alloggi"));
    assert!(office.path("state/alloggi/alloggi.log").is_file());

    office.ok(&["export", &office.arg("copia.jsonl")], &[]);
    assert_eq!(mode(&office.path("copia.jsonl")), 0o600);

    office.ok(
        &[
            "ranking",
            "export",
            "--version",
            "1",
            "--public",
            &office.arg("pubblico.csv"),
            "--internal",
            &office.arg("interno.csv"),
            "--albo",
            &office.arg("albo.txt"),
        ],
        &[],
    );
    assert_eq!(mode(&office.path("interno.csv")), 0o600);
    // Public by law: readable by everyone under this umask.
    assert_eq!(mode(&office.path("pubblico.csv")), 0o644);
    assert_eq!(mode(&office.path("albo.txt")), 0o644);

    // An internal list written over an existing, readable file becomes private as well.
    std::fs::set_permissions(
        office.path("pubblico.csv"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    office.ok(
        &[
            "ranking",
            "export",
            "--version",
            "1",
            "--internal",
            &office.arg("pubblico.csv"),
        ],
        &[],
    );
    assert_eq!(mode(&office.path("pubblico.csv")), 0o600);

    office.ok(&["outbox", "keygen", &office.arg("chiave-pacchetti")], &[]);
    assert_eq!(mode(&office.path("chiave-pacchetti")), 0o600);
    let key = office.arg("chiave-pacchetti");
    office.ok(
        &[
            "outbox",
            "export",
            &office.arg("pacchetto.json"),
            "--chiave-pacchetto",
            &key,
        ],
        &[],
    );
    assert_eq!(mode(&office.path("pacchetto.json")), 0o600);

    let stand_in = StandIn::start(StandInConfig::default());
    let base_url = stand_in.base_url();
    office.ok(
        &[
            "outbox",
            "send-bundle",
            &office.arg("pacchetto.json"),
            "--receipts",
            &office.arg("ricevute.jsonl"),
        ],
        &[
            ("ALLOGGI_CHIAVE_PACCHETTO", key.as_str()),
            ("ALLOGGI_IO_API_KEY", "chiave-di-prova"),
            ("ALLOGGI_IO_BASE_URL", base_url.as_str()),
        ],
    );
    assert!(!stand_in.created().is_empty());
    assert_eq!(mode(&office.path("ricevute.jsonl")), 0o600);
}

#[test]
fn a_database_folder_others_can_read_is_reported_and_left_as_it_is() {
    let office = Office {
        root: tempfile::tempdir().unwrap(),
    };
    office.ok(&["demo", "--applications", "5", "--seed", "7"], &[]);
    let db = office.path("db");

    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = office.ok(&["call", "list"], &[]);
    let err = common::stderr(&out);
    assert!(err.contains("attenzione"), "{err}");
    assert!(
        err.contains(&format!("chmod 700 {}", db.display())),
        "{err}"
    );
    assert!(err.contains("0755"), "{err}");
    assert_eq!(mode(&db), 0o755);

    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o700)).unwrap();
    let out = office.ok(&["call", "list"], &[]);
    assert!(
        !common::stderr(&out).contains("chmod"),
        "{}",
        common::stderr(&out)
    );
}
