//! The real binary run as an office runs it: a database and private configuration and log
//! folders in a temporary folder, no Comune file, no IO key, whatever the caller's environment.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_alloggi");

/// A file of `fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// A file of `fixtures/`, as a command-line argument.
pub fn fixture_arg(name: &str) -> String {
    fixture(name).to_str().unwrap().to_string()
}

/// An office: a database and private configuration and log folders, with no Comune file.
pub struct Office {
    root: tempfile::TempDir,
}

impl Office {
    pub fn new() -> Office {
        Office {
            root: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.root.path().join(name)
    }

    pub fn arg(&self, name: &str) -> String {
        self.path(name).to_str().unwrap().to_string()
    }

    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .arg("--db")
            .arg(self.path("db"))
            .args(args)
            .env("XDG_STATE_HOME", self.path("state"))
            .env("XDG_CONFIG_HOME", self.path("config"))
            .env("XDG_DATA_HOME", self.path("data"))
            .env("ALLOGGI_OPERATORE", "mrossi")
            .env_remove("ALLOGGI_DB")
            .env_remove("ALLOGGI_KEYMAP")
            .env_remove("ALLOGGI_COMUNE")
            .env_remove("ALLOGGI_IO_API_KEY")
            .env_remove("ALLOGGI_IO_API_KEY_FILE")
            .env_remove("ALLOGGI_CHIAVE_PACCHETTO")
            .env_remove("ALLOGGI_RUOLI")
            .env_remove("ALLOGGI_CONSOLE_CONDIVISA")
            .env_remove("ALLOGGI_SOCKET")
            .output()
            .expect("the binary runs")
    }

    /// Exit code 0; what went to stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        super::assert_ok(&out);
        super::stdout(&out)
    }

    /// Exit code 1 and what went to stderr.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{args:?}\nstdout: {}\nstderr: {}",
            super::stdout(&out),
            super::stderr(&out)
        );
        super::stderr(&out)
    }
}
