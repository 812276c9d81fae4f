//! End to end: the real console binary in a real terminal (tmux), driven with keys and read back
//! from the screen. Needs `tmux` on the PATH (CI installs it); without it these tests fail.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// How long one expected screen may take to appear. Generous: CI has 2 cores and a debug build.
const TIMEOUT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(50);
/// Size of the demo database the console opens.
const APPLICATIONS: usize = 300;
/// Printed by the shell after the console exits, with its exit code.
const DONE: &str = "FINE-";

/// A private tmux server running the console in one 80×24 window; killed when dropped, panics
/// included, so no server outlives a failed test.
struct Console {
    socket: PathBuf,
    dir: tempfile::TempDir,
}

impl Console {
    fn start(width: u16, height: u16) -> Console {
        let dir = tempfile::tempdir().expect("temporary directory for the e2e test");
        let db = dir.path().join("db");
        let config = dir.path().join("config");
        let state = dir.path().join("state");
        for d in [&config, &state] {
            std::fs::create_dir_all(d).expect("creating the XDG directories");
        }
        let demo = Command::new(env!("CARGO_BIN_EXE_alloggi"))
            .arg("--db")
            .arg(&db)
            .args(["demo", "--applications", &APPLICATIONS.to_string()])
            .output()
            .expect("running `alloggi demo`");
        assert!(
            demo.status.success(),
            "`alloggi demo` failed: {}",
            String::from_utf8_lossy(&demo.stderr)
        );

        // A socket of its own, inside the temporary directory: removed with it.
        let socket = dir.path().join("tmux");
        let console = Console { socket, dir };
        // The console runs under a shell that reports its exit code and then stays, so the pane
        // (and what the terminal looks like after the console left) can still be read.
        let script = format!(
            "ALLOGGI_OPERATORE=mrossi XDG_CONFIG_HOME=\"$2\" XDG_STATE_HOME=\"$3\" \
             \"$0\" --db \"$1\"; echo {DONE}$?; exec sleep 600"
        );
        let size = (width.to_string(), height.to_string());
        let out = console.tmux_output(&[
            "new-session",
            "-d",
            "-x",
            &size.0,
            "-y",
            &size.1,
            "sh",
            "-c",
            &script,
            env!("CARGO_BIN_EXE_alloggi"),
            path_str(&db),
            path_str(&config),
            path_str(&state),
        ]);
        assert!(
            out.status.success(),
            "tmux new-session failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        console
    }

    fn tmux_output(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            // A private server, no user configuration, and nothing of the caller's tmux or
            // console settings leaking into the console's environment.
            .arg("-S")
            .arg(&self.socket)
            .args(["-f", "/dev/null"])
            .args(args)
            .env_remove("TMUX")
            .env_remove("ALLOGGI_KEYMAP")
            .env_remove("ALLOGGI_DB")
            .env_remove("ALLOGGI_LOG")
            .env_remove("NO_COLOR")
            .output()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot run tmux ({e}): these end-to-end tests need tmux on the PATH \
                     (apt-get install tmux; .ci/run installs it)"
                )
            })
    }

    fn tmux(&self, args: &[&str]) {
        let out = self.tmux_output(args);
        assert!(
            out.status.success(),
            "tmux {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Sends key names as tmux knows them (Down, Escape, Enter, q, …).
    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "0"];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    /// Types text literally, one key at a time.
    fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "0", "-l", text]);
    }

    fn resize(&self, width: u16, height: u16) {
        self.tmux(&[
            "resize-window",
            "-t",
            "0",
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
        ]);
    }

    fn screen(&self) -> String {
        let out = self.tmux_output(&["capture-pane", "-p", "-t", "0"]);
        assert!(
            out.status.success(),
            "tmux capture-pane failed (did the console's window close?): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Polls the screen until `done` holds on two captures in a row that are the same: the
    /// console sends a frame in several writes, and a capture can fall between two of them.
    /// Panics after `TIMEOUT` with the last screen and the console's log.
    fn wait_for(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        let mut previous = String::new();
        loop {
            let screen = self.screen();
            if done(&screen) && screen == previous {
                return screen;
            }
            previous = screen.clone();
            if started.elapsed() > TIMEOUT {
                let log =
                    std::fs::read_to_string(self.dir.path().join("state/alloggi/alloggi.log"))
                        .unwrap_or_else(|e| format!("(no log: {e})"));
                panic!(
                    "waited {TIMEOUT:?} for {what}; last screen:\n{}\n{screen}{}\nconsole log:\n{log}",
                    "─".repeat(80),
                    "─".repeat(80)
                );
            }
            std::thread::sleep(POLL);
        }
    }

    fn wait_for_text(&self, text: &str) -> String {
        self.wait_for(&format!("{text:?} on screen"), |s| s.contains(text))
    }

    /// Quits with `q` and checks the console left with code 0 and the terminal restored.
    fn quit(&self) {
        self.keys(&["q"]);
        let screen = self.wait_for_text(DONE);
        assert!(
            screen.contains(&format!("{DONE}0")),
            "the console exited with an error:\n{screen}"
        );
        assert!(
            !screen.contains("Protocollo")
                && !screen.contains("Domande per stato")
                && !screen.contains(" alloggi "),
            "the console's screen is still shown after it exited:\n{screen}"
        );
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        // Ignore failures: the server may already be gone, and a panic here would abort.
        let _ = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .arg("kill-server")
            .env_remove("TMUX")
            .output();
    }
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

fn dashboard_shown(screen: &str) -> bool {
    screen.starts_with(" alloggi")
        && screen.contains("Domande per stato")
        && screen.contains("Totale")
        && screen.contains(&APPLICATIONS.to_string())
}

/// The cursor position `n/total` that ends the inbox's status line (the lowest line ending so).
fn position(screen: &str) -> Option<(u32, u32)> {
    let number = |text: &str| text.replace('.', "").parse::<u32>().ok();
    screen.lines().rev().find_map(|line| {
        let last = line.trim_end().rsplit(' ').next()?;
        let (at, total) = last.split_once('/')?;
        Some((number(at)?, number(total)?))
    })
}

/// The position `n/300`.
fn at(n: u32) -> Option<(u32, u32)> {
    Some((n, u32::try_from(APPLICATIONS).expect("a small demo")))
}

/// The table rows under the header line "Protocollo  Richiedente …", up to the rule below them.
fn table_rows(screen: &str) -> Vec<String> {
    screen
        .lines()
        .skip_while(|line| !line.contains("Protocollo"))
        .skip(1)
        .take_while(|line| !line.starts_with('─'))
        .filter(|line| !line.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// The columns of a table row: separated by two or more spaces, the marker column dropped.
fn columns(row: &str) -> Vec<String> {
    row.trim_start_matches(['▶', ' '])
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

fn marked_row(screen: &str) -> Option<String> {
    table_rows(screen)
        .into_iter()
        .find(|row| row.starts_with('▶'))
}

#[test]
fn a_caseworker_session_from_dashboard_to_quit() {
    let console = Console::start(80, 24);
    console.wait_for("the dashboard", dashboard_shown);
    let screen = console.wait_for_text("mrossi");
    assert!(
        screen.lines().next().is_some_and(|l| l.contains("mrossi")),
        "the operator is shown on the first line:\n{screen}"
    );

    // Inbox: the table with its rows, cursor on the first.
    console.keys(&["2"]);
    let screen = console.wait_for("the inbox with its rows at 1/300", |s| {
        s.contains("Protocollo") && s.contains("Richiedente") && position(s) == at(1)
    });
    let rows = table_rows(&screen);
    assert!(rows.len() >= 10, "the table shows its rows:\n{screen}");
    assert!(
        rows[0].starts_with('▶'),
        "the cursor is on the first row:\n{screen}"
    );
    let third = rows[2].clone();

    // Two rows down: the marker and the position move together.
    console.keys(&["Down", "Down"]);
    let screen = console.wait_for("the position 3/300", |s| position(s) == at(3));
    assert_eq!(
        columns(&marked_row(&screen).expect("a marked row")),
        columns(&third),
        "the marker is on the third row:\n{screen}"
    );

    // Search for a surname in the table: the table filters as it is typed.
    let surname = rows
        .iter()
        .filter_map(|row| columns(row).get(1).cloned())
        .filter_map(|name| name.split(' ').next().map(str::to_string))
        .find(|surname| surname.chars().count() >= 5 && surname.chars().all(char::is_alphabetic))
        .expect("a surname of at least 5 letters in the first page");
    console.keys(&["/"]);
    console.type_text(&surname);
    console.wait_for(&format!("search results for {surname:?}"), |s| {
        s.contains(&format!(" / {surname}"))
            && table_rows(s)
                .first()
                .is_some_and(|row| row.starts_with('▶') && row.contains(&surname))
            && position(s).is_some_and(|(_, total)| (total as usize) < APPLICATIONS)
    });

    // Esc: the full table and the cursor come back.
    console.keys(&["Escape"]);
    let screen = console.wait_for("the full table back at 3/300", |s| {
        position(s) == at(3) && !s.contains(&format!(" / {surname}"))
    });
    assert_eq!(
        columns(&marked_row(&screen).expect("a marked row")),
        columns(&third),
        "the cursor is back on the third row:\n{screen}"
    );

    // Enter opens the case under the cursor.
    // The table may cut a long name with '…'; the case's title line has room for it.
    let name = columns(&third)[1].trim_end_matches('…').to_string();
    console.keys(&["Enter"]);
    let screen = console.wait_for("the case with Nucleo and Cronologia", |s| {
        s.contains("Nucleo") && s.contains("Cronologia")
    });
    assert!(
        screen.lines().next().is_some_and(|l| l.contains(&name)),
        "the case of {name:?} is open:\n{screen}"
    );

    console.keys(&["Escape"]);
    console.wait_for("the inbox again at 3/300", |s| {
        s.contains("Protocollo") && position(s) == at(3)
    });

    // Help lists the keys of this screen.
    console.keys(&["?"]);
    console.wait_for_text("Aiuto");
    // Typing filters the help: the inbox's search key is among its entries.
    console.keys(&["c", "e", "r", "c", "a"]);
    let screen = console.wait_for("the help filtered to the search key", |s| {
        s.contains("filtra: cerca")
    });
    assert!(
        screen
            .lines()
            .any(|l| l.contains("cerca") && l.contains('/')),
        "the help lists the search key:\n{screen}"
    );
    console.keys(&["Escape"]);
    console.wait_for("the help to close", |s| {
        !s.contains("Aiuto") && s.contains("Protocollo")
    });

    // The command palette.
    console.keys(&[":"]);
    console.wait_for_text("Comandi");
    console.keys(&["Escape"]);
    console.wait_for("the palette to close", |s| {
        !s.contains("Comandi") && position(s) == at(3)
    });

    console.quit();
}

#[test]
fn a_too_small_window_is_refused_and_redrawn_when_enlarged() {
    let console = Console::start(80, 24);
    console.wait_for("the dashboard", dashboard_shown);

    console.resize(60, 20);
    let screen = console.wait_for_text("Finestra troppo piccola");
    assert!(
        screen.contains("60×20"),
        "the message gives the size:\n{screen}"
    );
    assert!(
        !screen.contains("Domande per stato"),
        "nothing of the dashboard is left:\n{screen}"
    );

    console.resize(80, 24);
    console.wait_for("the dashboard drawn again", |s| {
        dashboard_shown(s) && !s.contains("Finestra troppo piccola")
    });

    console.quit();
}
