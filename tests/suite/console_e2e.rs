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
    /// The console on a demo database of `APPLICATIONS` applications, operator from
    /// `ALLOGGI_OPERATORE`.
    fn start(width: u16, height: u16) -> Console {
        let dir = tempfile::tempdir().expect("temporary directory for the e2e test");
        let db = dir.path().join("db");
        let demo = alloggi(
            &db,
            &[
                "demo",
                "--applications",
                &APPLICATIONS.to_string(),
                "--solo-bando-corrente",
            ],
        );
        assert!(
            demo.status.success(),
            "`alloggi demo` failed: {}",
            String::from_utf8_lossy(&demo.stderr)
        );
        Console::launch(dir, width, height, &[("ALLOGGI_OPERATORE", "mrossi")], &[])
    }

    /// The console on the database `dir/db` (as prepared by the caller), with `env` set and
    /// `args` after `--db`.
    fn launch(
        dir: tempfile::TempDir,
        width: u16,
        height: u16,
        env: &[(&str, &str)],
        args: &[&str],
    ) -> Console {
        Console::launch_then(dir, (width, height), env, args, "exec sleep 600")
    }

    /// Like `launch`; once the console has exited and its code is shown, the shell runs
    /// `then` (`$0` is the binary, `$db` the database).
    fn launch_then(
        dir: tempfile::TempDir,
        (width, height): (u16, u16),
        env: &[(&str, &str)],
        args: &[&str],
        then: &str,
    ) -> Console {
        // A socket of its own, inside the temporary directory: removed with it.
        let socket = dir.path().join("tmux");
        let console = Console { socket, dir };
        let size = (width.to_string(), height.to_string());
        let mut command = vec!["new-session", "-d", "-x", &size.0, "-y", &size.1];
        let run = console.command(env, args, then);
        command.extend(run.iter().map(String::as_str));
        let out = console.tmux_output(&command);
        assert!(
            out.status.success(),
            "tmux new-session failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        console
    }

    /// Another console on the same database, in window 1 of the same tmux server, with `env`
    /// set and `args` after `--db`.
    fn open_second(&self, env: &[(&str, &str)], args: &[&str]) {
        let mut command = vec!["new-window", "-d", "-t", ":1"];
        let run = self.command(env, args, "exec sleep 600");
        command.extend(run.iter().map(String::as_str));
        self.tmux(&command);
    }

    /// What a tmux window runs: the console on `dir/db` through its server, with `env` set and
    /// `args` after `--db`, then `then` in the same shell.
    fn command(&self, env: &[(&str, &str)], args: &[&str], then: &str) -> Vec<String> {
        let dir = &self.dir;
        let db = dir.path().join("db");
        let config = dir.path().join("config");
        let state = dir.path().join("state");
        for d in [&config, &state] {
            std::fs::create_dir_all(d).expect("creating the XDG directories");
        }
        // The console runs under a shell that reports its exit code and then stays, so the pane
        // (and what the terminal looks like after the console left) can still be read.
        let script = format!(
            "db=\"$1\"; XDG_CONFIG_HOME=\"$2\"; XDG_STATE_HOME=\"$3\"; \
             export XDG_CONFIG_HOME XDG_STATE_HOME; shift 3; \
             \"$0\" --db \"$db\" \"$@\"; echo {DONE}$?; {then}"
        );
        let env: Vec<String> = env.iter().map(|(k, v)| format!("{k}={v}")).collect();
        // The console goes through its server, started on demand, as a shared office runs
        // it; the server leaves a second after the console, so that the commands run after it
        // find the database free.
        let mut command = vec!["env", "ALLOGGI_INATTIVO=1s", "ALLOGGI_CONSOLE_CONDIVISA=1"];
        command.extend(env.iter().map(String::as_str));
        command.extend([
            "sh",
            "-c",
            &script,
            env!("CARGO_BIN_EXE_alloggi"),
            path_str(&db),
            path_str(&config),
            path_str(&state),
        ]);
        command.extend_from_slice(args);
        command.into_iter().map(str::to_string).collect()
    }

    fn tmux_output(&self, args: &[&str]) -> Output {
        // A private server, no user configuration, and nothing of the caller's tmux or
        // console settings leaking into the console's environment.
        without_caller_settings(&mut Command::new("tmux"))
            .arg("-S")
            .arg(&self.socket)
            .args(["-f", "/dev/null"])
            .args(args)
            .env_remove("TMUX")
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
        self.keys_in("0", keys);
    }

    /// Sends keys to tmux target `target` (`:1` for the second console).
    fn keys_in(&self, target: &str, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", target];
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

    fn screen_of(&self, target: &str) -> String {
        let out = self.tmux_output(&["capture-pane", "-p", "-t", target]);
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
        self.wait_for_in("0", what, done)
    }

    /// `wait_for` on tmux target `target`.
    fn wait_for_in(&self, target: &str, what: &str, done: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        let mut previous = String::new();
        loop {
            let screen = self.screen_of(target);
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

/// Removes the caller's settings of alloggi from `command`'s environment: its own database,
/// keymap, log level, Comune, operator, and above all an IO key, with which the console would
/// send the queued messages for real.
fn without_caller_settings(command: &mut Command) -> &mut Command {
    for name in [
        "ALLOGGI_DB",
        "ALLOGGI_KEYMAP",
        "ALLOGGI_LOG",
        "ALLOGGI_COMUNE",
        "ALLOGGI_OPERATORE",
        "ALLOGGI_IO_API_KEY",
        "ALLOGGI_IO_API_KEY_FILE",
        "ALLOGGI_CHIAVE_PACCHETTO",
        "ALLOGGI_IO_BASE_URL",
    ] {
        command.env_remove(name);
    }
    command
}

/// Runs the real binary on database `db` with `args`, outside the console; while the
/// console's server is still leaving, the database is busy and the command is run again.
fn alloggi(db: &Path, args: &[&str]) -> Output {
    let started = Instant::now();
    loop {
        let out = without_caller_settings(&mut Command::new(env!("CARGO_BIN_EXE_alloggi")))
            .arg("--db")
            .arg(db)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("running `alloggi {}`: {e}", args.join(" ")));
        let busy = String::from_utf8_lossy(&out.stderr).contains("già aperto");
        if !busy || started.elapsed() > TIMEOUT {
            return out;
        }
        std::thread::sleep(POLL);
    }
}

/// Runs the real binary like `alloggi`, checks it succeeded and returns what it printed.
fn alloggi_ok(db: &Path, args: &[&str]) -> String {
    let out = alloggi(db, args);
    assert!(
        out.status.success(),
        "`alloggi {}` failed:\n{}{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
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

/// The example application the intake test takes from `ricevuta` to `ammessa`: sent on
/// 17/09/2024, inside the 2024 call's window, so registering it needs no override.
const APPLICANT: &str = "Rossi Mario";
const APPLICANT_ID: &str = "PORT-2024-000101";
const APPLICANT_CF: &str = "RSSMRA56C12D542J";
/// The document `APPLICANT` owes for the condition it declares (alloggio antigienico).
const OWED: &str = "condizione_alloggio";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// The example applications of `fixtures/domande-esempio.csv`, with `OWED` left out of
/// `APPLICANT`'s documents.
///
/// Every example application arrives with all the documents its checklist asks for, so the
/// integration form would open with no document prefilled, and the form refuses an empty list.
/// With one document owed the path is the real one: admission waits for that document, the
/// integration form is prefilled with it, and once it is received nothing is missing.
fn applications_owing_one_document() -> String {
    let text = std::fs::read_to_string(fixture("domande-esempio.csv"))
        .expect("reading fixtures/domande-esempio.csv");
    let mut changed = 0;
    let lines: Vec<String> = text
        .lines()
        .map(|line| {
            if line.starts_with(&format!("{APPLICANT_ID};richiedente;"))
                && let Some(kept) = line.strip_suffix(&format!(",{OWED}"))
            {
                changed += 1;
                kept.to_string()
            } else {
                line.to_string()
            }
        })
        .collect();
    assert_eq!(
        changed, 1,
        "the applicant row of {APPLICANT_ID} in fixtures/domande-esempio.csv ends with the \
         document {OWED}"
    );
    lines.join("\n") + "\n"
}

/// The case screen's title line: `protocol · name · fiscal code · state`.
fn case_title(screen: &str) -> &str {
    screen.lines().next().unwrap_or_default().trim()
}

/// The state at the end of the case's title line.
fn case_state(screen: &str) -> &str {
    case_title(screen).rsplit(" · ").next().unwrap_or_default()
}

/// The value shown after `label` on a form's line: the focus marker and frame left out.
fn field_value(screen: &str, label: &str) -> Option<String> {
    let line = screen.lines().find(|line| line.contains(label))?;
    let after = &line[line.find(label)? + label.len()..];
    let value = after
        .trim_start_matches(['*', '▶', ' '])
        .split('│')
        .next()?;
    Some(value.trim().to_string())
}

/// The text after `prefix` on the first line containing it, up to the next space.
fn word_after<'a>(screen: &'a str, prefix: &str) -> Option<&'a str> {
    let line = screen.lines().find(|line| line.contains(prefix))?;
    let after = &line[line.find(prefix)? + prefix.len()..];
    after.split_whitespace().next()
}

/// The message id in the status line "✓ <title>: messaggio M1 in coda per IO".
fn queued_id(screen: &str, title: &str) -> Option<String> {
    let line = screen
        .lines()
        .find(|line| line.contains(&format!("{title}: messaggio ")) && line.contains(" in coda"))?;
    word_after(line, "messaggio ").map(str::to_string)
}

/// The intake path on a fresh database with the example call and applications, by keys: open
/// a received application (2, / name, Enter, Enter), register it (p, preview, Enter), start the
/// review (i), ask for the owed document (d, Enter, Enter, preview, Enter), record it received
/// (r), admit (a, Enter). The two steps with a message queued exactly those two, for the
/// applicant, and the indexes and counters still agree with the data.
#[test]
fn intake_path_received_to_admitted_queues_the_two_messages() {
    let dir = tempfile::tempdir().expect("temporary directory for the e2e test");
    let db = dir.path().join("db");
    let run = |args: &[&str]| alloggi_ok(&db, args);
    run(&["call", "load", path_str(&fixture("bando-2024.toml"))]);
    let csv = dir.path().join("domande.csv");
    std::fs::write(&csv, applications_owing_one_document()).expect("writing the CSV");
    let imported = run(&["import", "applications", path_str(&csv)]);
    assert!(
        imported.contains("Importate"),
        "the import reports:\n{imported}"
    );

    let comune = fixture("comune.toml");
    let console = Console::launch(
        dir,
        80,
        24,
        &[],
        &["--comune", path_str(&comune), "--operatore", "e2e"],
    );
    console.wait_for("the dashboard of operator e2e", |s| {
        s.contains("Domande per stato") && case_title(s).ends_with("e2e")
    });

    // Inbox, then search the applicant by surname and open the one result.
    console.keys(&["2"]);
    console.wait_for("the inbox with the applicant", |s| {
        s.contains("Protocollo") && s.contains(APPLICANT) && position(s).is_some()
    });
    let surname = APPLICANT.split(' ').next().expect("a surname");
    console.keys(&["/"]);
    console.type_text(surname);
    console.wait_for(
        &format!("the search for {surname:?} with one result"),
        |s| {
            let rows = table_rows(s);
            s.contains(&format!(" / {surname}"))
                && rows.len() == 1
                && rows[0].starts_with('▶')
                && rows[0].contains(APPLICANT)
                && position(s) == Some((1, 1))
        },
    );
    console.keys(&["Enter"]);
    console.wait_for("the search results kept", |s| {
        !s.contains("Cerca (nome") && table_rows(s).len() == 1 && position(s) == Some((1, 1))
    });
    console.keys(&["Enter"]);
    let screen = console.wait_for("the case, received, owing a document", |s| {
        case_title(s).contains(APPLICANT) && case_state(s) == "ricevuta" && s.contains("Cronologia")
    });
    let owed = OWED.replace('_', " ");
    assert!(
        screen.contains(&format!("✗ {owed}")),
        "the case shows the document owed:\n{screen}"
    );
    assert!(
        case_title(&screen).contains(APPLICANT_CF),
        "the case of {APPLICANT_CF}:\n{screen}"
    );

    // p: the preview of «Presa in carico», with the protocol number about to be given.
    console.keys(&["p"]);
    let screen = console.wait_for("the preview of Presa in carico", |s| {
        s.contains("Messaggio IO · Presa in carico della domanda")
            && s.contains("Oggetto: La tua domanda è stata presa in carico")
            && s.contains("Il numero di protocollo è: ")
    });
    assert!(
        screen.contains(&format!("A: {APPLICANT} · {APPLICANT_CF}")),
        "the preview is addressed to the applicant:\n{screen}"
    );
    let protocol = word_after(&screen, "Il numero di protocollo è: ")
        .expect("a protocol number in the preview")
        .to_string();
    // Enter registers the application and queues the message together.
    console.keys(&["Enter"]);
    let screen = console.wait_for("the case registered", |s| {
        case_state(s) == "protocollata" && queued_id(s, "Presa in carico della domanda").is_some()
    });
    assert!(
        case_title(&screen).starts_with(&protocol),
        "the case has the protocol number the preview showed ({protocol}):\n{screen}"
    );
    let registered = queued_id(&screen, "Presa in carico della domanda").expect("checked above");

    // i: review starts, no message.
    console.keys(&["i"]);
    console.wait_for("the review started", |s| case_state(s) == "in istruttoria");

    // d: the integration form, the owed document ticked in the call's checklist, a deadline.
    console.keys(&["d"]);
    let screen = console.wait_for("the integration form", |s| {
        s.contains("Richiesta di integrazione")
            && s.lines().any(|line| {
                line.contains("[x]") && line.contains("Documentazione attestante l'alloggio")
            })
            && field_value(s, "Scadenza (gg/mm/aaaa)").is_some_and(|v| v.len() == 10)
    });
    let deadline = field_value(&screen, "Scadenza (gg/mm/aaaa)").expect("checked above");
    // Enter moves to the deadline, the last field; Enter there submits.
    console.keys(&["Enter"]);
    console.wait_for("the deadline field focused", |s| {
        s.lines()
            .any(|line| line.contains("Scadenza (gg/mm/aaaa)") && line.contains('▶'))
    });
    console.keys(&["Enter"]);
    console.wait_for("the preview of Richiesta di integrazione", |s| {
        s.contains("Messaggio IO · Richiesta di integrazione documentale")
            && s.contains("Oggetto: Richiesta di integrazione")
            && s.contains(&format!("entro il {deadline}"))
            && s.contains(&format!("A: {APPLICANT} · {APPLICANT_CF}"))
    });
    console.keys(&["Enter"]);
    let screen = console.wait_for("the integration requested", |s| {
        case_state(s).starts_with("integrazione richiesta")
            && queued_id(s, "Richiesta di integrazione documentale").is_some()
    });
    assert!(
        screen.contains(&format!("✗ {owed}")),
        "the owed document is still missing:\n{screen}"
    );
    let requested =
        queued_id(&screen, "Richiesta di integrazione documentale").expect("checked above");
    assert_ne!(registered, requested, "two different messages");

    // r: the documents requested, to tick; Space ticks the owed one, Ctrl+s saves.
    console.keys(&["r"]);
    console.wait_for("the documents requested", |s| {
        s.contains("┌ Integrazione ricevuta")
    });
    console.keys(&["Space", "C-s"]);
    console.wait_for("the documents received", |s| {
        case_state(s) == "in istruttoria"
            && s.contains(&format!("✓ {owed}"))
            && !s.contains(&format!("✗ {owed}"))
    });

    // a: the admission form (a note, its only field); Enter submits it. No requirement is
    // verified yet: the form stays, with the refusal naming what is missing.
    console.keys(&["a"]);
    console.wait_for("the admission form", |s| {
        s.contains("Ammissione") && s.contains("Nota")
    });
    console.keys(&["Enter"]);
    console.wait_for("the admission refused under the form", |s| {
        s.contains("Ammissione") && s.contains("requisiti non verificati")
    });
    console.keys(&["Escape"]);
    console.wait_for("the form closed", |s| !s.contains("Ammissione ─"));

    // v: the six access requirements ticked verified in one form, one save.
    console.keys(&["v"]);
    console.wait_for("the verification form", |s| {
        s.contains("┌ Verifica di requisiti")
    });
    console.keys(&["Space", "Space", "Space", "Space", "Space", "Space", "C-s"]);
    console.wait_for("the verification saved", |s| {
        !s.contains("┌ Verifica di requisiti")
    });

    console.keys(&["a"]);
    console.wait_for("the admission form", |s| {
        s.contains("Ammissione") && s.contains("Nota")
    });
    console.keys(&["Enter"]);
    let screen = console.wait_for("the case admitted", |s| {
        case_state(s) == "ammessa" && !s.contains("Ammissione ─")
    });
    assert!(
        case_title(&screen).starts_with(&protocol) && case_title(&screen).contains(APPLICANT),
        "the admitted case is the applicant's:\n{screen}"
    );

    console.quit();

    // The outbox holds the two messages, queued, for the applicant, and nothing else.
    let list = run(&["outbox", "list"]);
    let mut lines = list.lines();
    let counts = lines.next().unwrap_or_default();
    assert!(
        counts.starts_with("In coda 2 │"),
        "two messages queued:\n{list}"
    );
    let entries: Vec<Vec<&str>> = lines
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            line.split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect()
        })
        .collect();
    assert_eq!(entries.len(), 2, "exactly two messages listed:\n{list}");
    let mut messages: Vec<(&str, &str, &str, &str)> = entries
        .iter()
        .map(|e| match e.as_slice() {
            [id, _queued_at, fiscal_code, title, state] => (*id, *fiscal_code, *title, *state),
            _ => panic!("a message line with five columns: {e:?}\n{list}"),
        })
        .collect();
    messages.sort();
    let mut expected = vec![
        (
            registered.as_str(),
            APPLICANT_CF,
            "Presa in carico della domanda",
            "in coda",
        ),
        (
            requested.as_str(),
            APPLICANT_CF,
            "Richiesta di integrazione documentale",
            "in coda",
        ),
    ];
    expected.sort();
    assert_eq!(messages, expected, "the outbox:\n{list}");

    let check = run(&["check"]);
    assert!(
        check.contains("coerenti") && check.contains("ammessa 1"),
        "`alloggi check` is clean and counts the admission:\n{check}"
    );
}

/// A protocol `2026/000123`: the demo's year follows the day it is made.
fn is_protocol(column: &str) -> bool {
    matches!(column.split_once('/'), Some((year, number))
        if year.len() == 4 && number.len() == 6
            && year.chars().chain(number.chars()).all(|c| c.is_ascii_digit()))
}

/// The ranking rows on screen: the marker and the position, then the protocol.
fn ranking_rows(screen: &str) -> Vec<Vec<String>> {
    screen
        .lines()
        .map(columns)
        .filter(|cols| cols.iter().any(|c| is_protocol(c)))
        .collect()
}

#[test]
fn a_score_adjustment_from_the_ranking_leaves_the_published_version_as_it_was() {
    let console = Console::start(80, 24);
    console.wait_for("the dashboard", dashboard_shown);

    // The live order of the demo's call, then the published version n. 1.
    console.keys(&["7"]);
    console.wait_for("the live ranking", |s| {
        s.contains("Graduatoria attuale") && ranking_rows(s).len() >= 5
    });
    console.keys(&["v"]);
    console.wait_for("the published version n. 1", |s| {
        s.contains("provvisoria n. 1") && ranking_rows(s).len() >= 5
    });
    console.keys(&["v"]);
    let screen = console.wait_for("the live ranking again", |s| {
        s.contains("Graduatoria attuale") && ranking_rows(s).len() >= 5
    });
    let fifth = ranking_rows(&screen)[4].clone();
    let protocol = fifth
        .iter()
        .find(|c| is_protocol(c))
        .cloned()
        .expect("a protocol on the fifth row");

    // Its case, with the score; `g` adjusts the first criterion (ISEE) to 0 points.
    console.keys(&["Down", "Down", "Down", "Down", "Enter"]);
    console.wait_for("the case with its score", |s| {
        s.lines().next().is_some_and(|l| l.contains(&protocol)) && s.contains("Punteggio:")
    });
    console.keys(&["g"]);
    console.wait_for_text("Rettifica");
    console.keys(&["Enter"]);
    console.type_text("0");
    console.keys(&["Enter"]);
    console.type_text("ISEE ricalcolato dall'INPS");
    console.keys(&["Enter"]);
    let check = console.wait_for("the check with the score and position change", |s| {
        s.contains("Punteggio totale:") && s.contains("Posizione nella graduatoria attuale:")
    });
    assert!(
        check.contains(&protocol),
        "the check names the case:\n{check}"
    );
    console.keys(&["Enter"]);
    console.wait_for("the case again, the adjustment in its timeline", |s| {
        !s.contains("Posizione nella graduatoria attuale:") && s.contains("Punteggio:")
    });
    console.quit();

    let db = console.dir.path().join("db");
    let versions = alloggi_ok(&db, &["ranking", "versions"]);
    assert!(
        versions.contains("n. 1") && !versions.contains("n. 2"),
        "still one published version:\n{versions}"
    );
    // `check` compares every published version's rows with the digest taken at publication.
    let check = alloggi_ok(&db, &["check"]);
    assert!(!check.contains("righe diverse"), "{check}");
    // The commands above ran inside the console's server, which lingers its idle second after
    // the last of them: the database opens here once it has left.
    let started = std::time::Instant::now();
    let store = loop {
        match alloggi::store::Store::open_existing(&db) {
            Ok(store) => break store,
            Err(e) => assert!(
                started.elapsed() < std::time::Duration::from_secs(20),
                "the database stayed locked: {e}"
            ),
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let app = store
        .application_by_protocol(&protocol)
        .expect("readable")
        .expect("the adjusted application");
    let override_ = app.score_overrides.get("isee").expect("the ISEE override");
    assert_eq!(override_.points, alloggi::domain::points::Points::ZERO);
    assert_eq!(override_.reason, "ISEE ricalcolato dall'INPS");
    assert_eq!(override_.by, crate::common::system_user());
    let adjusted = store
        .application_events(app.id)
        .expect("the case's events")
        .iter()
        .filter(|(_, e)| e.kind_name() == "punteggio_rettificato")
        .count();
    assert_eq!(adjusted, 1, "one audit entry for the adjustment");
}

/// Two consoles on one database through its server: one registers an application from its
/// inbox, and the other's inbox shows the protocol number without a key pressed there.
#[test]
fn an_application_registered_in_one_console_appears_in_the_others_inbox() {
    let dir = tempfile::tempdir().expect("temporary directory for the e2e test");
    let db = dir.path().join("db");
    let run = |args: &[&str]| alloggi_ok(&db, args);
    run(&["call", "load", path_str(&fixture("bando-2024.toml"))]);
    let csv = dir.path().join("domande.csv");
    std::fs::write(&csv, applications_owing_one_document()).expect("writing the CSV");
    run(&["import", "applications", path_str(&csv)]);

    let console = Console::launch(dir, 80, 24, &[], &["--operatore", "rossi"]);
    console.wait_for("the dashboard of rossi", |s| {
        s.contains("Domande per stato") && s.contains("Collegati: nessun altro")
    });
    console.open_second(&[], &["--operatore", "bianchi"]);
    let other = ":1";
    console.wait_for_in(
        other,
        "the dashboard of bianchi, with rossi connected",
        |s| s.contains("Domande per stato") && s.contains("Collegati: rossi"),
    );
    console.wait_for("rossi told bianchi is connected", |s| {
        s.contains("Collegati: bianchi")
    });

    // Both on Domande, the same first row under the cursor: received, no protocol number.
    let unregistered = |s: &str| {
        marked_row(s)
            .map(|row| columns(&row))
            .filter(|c| c.first().is_some_and(|p| p == "—"))
    };
    console.keys_in(other, &["2"]);
    let screen = console.wait_for_in(other, "bianchi's inbox", |s| unregistered(s).is_some());
    let name = unregistered(&screen).expect("checked above")[1].clone();
    console.keys(&["2"]);
    console.wait_for("rossi's inbox on the same row", |s| {
        unregistered(s).is_some_and(|c| c[1] == name)
    });

    // rossi registers it: p, then yes.
    console.keys(&["p"]);
    console.wait_for_text("Protocollare");
    console.keys(&["Enter"]);
    let registered = |s: &str| {
        table_rows(s).into_iter().any(|row| {
            let c = columns(&row);
            c.len() > 2 && c[1] == name && is_protocol(&c[0])
        })
    };
    console.wait_for("the protocol number in rossi's inbox", registered);
    // Not a key to bianchi's console since it showed the row.
    let screen = console.wait_for_in(other, "the protocol number in bianchi's inbox", registered);
    assert!(
        screen.contains("Protocollata 1"),
        "the tab counts follow too:\n{screen}"
    );
}

/// Printed by the pane's shell as its prompt, once the console has exited (a space follows,
/// which a capture of the pane trims).
const PROMPT: &str = "PRONTO$";

/// The process of the server listening for `db`, as the system tells through its socket.
fn server_pid(db: &Path) -> rustix::process::Pid {
    let stream = std::os::unix::net::UnixStream::connect(db.join("console.sock"))
        .expect("the console's server answers");
    rustix::net::sockopt::socket_peercred(&stream)
        .expect("the server's credentials")
        .pid
}

#[test]
fn a_server_killed_under_a_console_in_a_terminal_leaves_it_restored_and_alloggi_works_again() {
    let dir = tempfile::tempdir().expect("temporary directory for the e2e test");
    let db = dir.path().join("db");
    alloggi_ok(
        &db,
        &[
            "demo",
            "--applications",
            &APPLICATIONS.to_string(),
            "--solo-bando-corrente",
        ],
    );
    // After the console, an interactive shell in the same terminal, as the user would have.
    let then =
        format!("ALLOGGI=\"$0\" DB=\"$db\" PS1='{PROMPT} '; export ALLOGGI DB PS1; exec sh -i");
    let console = Console::launch_then(
        dir,
        (80, 24),
        &[("ALLOGGI_OPERATORE", "mrossi")],
        &[],
        &then,
    );
    console.wait_for("the dashboard", dashboard_shown);
    console.keys(&["2"]);
    console.wait_for("the inbox at 1/300", |s| position(s) == at(1));

    let server = server_pid(&db);
    rustix::process::kill_process(server, rustix::process::Signal::KILL)
        .expect("SIGKILL to the server this test's console started");
    let screen = console.wait_for_text(PROMPT);
    assert!(
        screen.contains("il servizio della console si è interrotto"),
        "the interruption is told:\n{screen}"
    );
    assert!(
        screen.contains(&format!("{DONE}1")),
        "the console exited with code 1:\n{screen}"
    );
    assert!(
        !screen.contains("Protocollo") && !screen.contains("Domande per stato"),
        "the console's screen is gone:\n{screen}"
    );

    // The terminal is back in its normal mode: line editing and echo on.
    console.type_text(
        "printf 'MODO:%s\\n' \"$(stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e -icanon -e echo -e -echo | tr '\\n' ,)\"",
    );
    console.keys(&["Enter"]);
    let screen = console.wait_for_text("MODO:");
    assert!(
        screen.contains("MODO:icanon,echo,"),
        "the terminal is restored:\n{screen}"
    );

    // And the console opens again, with a new server.
    console.type_text("\"$ALLOGGI\" --db \"$DB\"; echo FINE-$?");
    console.keys(&["Enter"]);
    console.wait_for("the dashboard again", dashboard_shown);
    assert_ne!(server_pid(&db), server, "a new server");
    console.keys(&["q"]);
    let screen = console.wait_for_text(&format!("{DONE}0"));
    assert!(
        !screen.contains("Domande per stato"),
        "the console's screen is gone:\n{screen}"
    );
}

#[test]
fn the_demo_console_opens_on_its_own_database_and_quits() {
    let dir = tempfile::tempdir().expect("temporary directory for the e2e test");
    let db = dir.path().join("db");
    let console = Console::launch(dir, 80, 24, &[], &["--demo"]);
    // The current call's applications and the previous call's, whose round is in progress.
    let all = APPLICATIONS as u32 + 60;
    console.wait_for("the demo dashboard", |s| {
        s.contains("Domande per stato") && s.contains(&all.to_string())
    });
    assert!(
        !db.join("console.sock").exists(),
        "the demo opened no server for --db"
    );
    console.keys(&["2"]);
    console.wait_for("the inbox at 1/360", |s| position(s) == Some((1, all)));
    console.keys(&["9"]);
    let round = console.wait_for_text("graduatoria definitiva");
    assert!(!round.contains("Scadute 0"), "{round}");
    console.quit();
    assert!(!db.exists(), "the demo left --db untouched");
}

/// The templates of the messages waiting in the outbox of the database in `db`, with how many
/// of each.
fn queued_templates(db: &Path) -> std::collections::BTreeMap<String, usize> {
    crate::common::wait_released(db);
    let office = alloggi::office::Office::new(
        crate::common::open(db),
        Ok(alloggi::messages::ComuneConfig::example()),
    );
    let mut found = std::collections::BTreeMap::new();
    for entry in office
        .outbox_page(
            alloggi::messages::outbox::OutboxTab::Queued,
            None,
            1_000_000,
        )
        .expect("outbox")
    {
        *found.entry(entry.template).or_insert(0) += 1;
    }
    found
}

#[test]
fn an_assignment_round_from_the_window_to_the_decree_in_the_console() {
    let dir = tempfile::tempdir().expect("temporary directory for the e2e test");
    let db = dir.path().join("db");
    drop(crate::common::assignment::ranked_office(&db));
    let before = queued_templates(&db);
    let comune = fixture("comune.toml");
    let console = Console::launch(dir, 80, 24, &[], &["--comune", path_str(&comune)]);
    console.wait_for("the dashboard", |s| s.contains("Domande per stato"));

    // No round yet: the window is opened from the screen, its message previewed first.
    console.keys(&["9"]);
    console.wait_for_text("Nessuna assegnazione aperta");
    console.keys(&["a"]);
    console.wait_for_text("Apertura dell'assegnazione");
    console.keys(&["C-s"]);
    let preview = console.wait_for_text("Apertura assegnazione alloggi");
    assert!(preview.contains("destinatari"), "{preview}");
    console.keys(&["Enter"]);
    let round = console.wait_for_text("Graduatoria 26");
    assert!(round.contains("in attesa 26"), "{round}");

    // FM-002 to the first adequate applicant, the requirements ticked.
    let offer = |console: &Console| {
        console.keys(&["l"]);
        console.wait_for_text("[Alloggi liberi");
        // The second free dwelling, FM-002, wherever the cursor was left.
        console.keys(&["Up", "Up", "Up", "Up", "Up", "Down"]);
        console.wait_for("FM-002 under the cursor", |s| {
            s.lines().any(|l| l.starts_with("▶ FM-002"))
        });
        console.keys(&["o"]);
        console.wait_for_text("Primo adatto");
        console.keys(&["Space", "Space", "Space", "Enter"]);
        console.wait_for_text("Proposta dell'alloggio");
        console.keys(&["C-s"]);
        console.wait_for("the offer saved", |s| !s.contains("Risposta entro il"));
        console.keys(&["l"]);
        console.wait_for_text("[Graduatoria");
    };
    offer(&console);
    console.wait_for_text("proposta FM-002 (10 gg)");

    // The first refuses for a documented reason: the next applicant comes up for FM-002.
    console.keys(&["r"]);
    console.wait_for_text("Risposta alla proposta");
    console.keys(&["Right", "Tab"]);
    console.type_text("trasferimento di lavoro documentato");
    console.keys(&["C-s"]);
    console.wait_for_text("in attesa (rifiuto giustificato");
    offer(&console);
    let screen = console.wait_for("the second applicant offered FM-002", |s| {
        s.lines()
            .any(|l| l.contains("    2 ") && l.contains("proposta FM-002"))
    });
    assert!(
        screen.contains("in attesa (rifiuto giustificato"),
        "{screen}"
    );

    // The second accepts; the decree's message is previewed, then queued with the decree.
    console.keys(&["Down", "r"]);
    console.wait_for_text("Risposta alla proposta");
    console.keys(&["C-s"]);
    console.wait_for_text("accettato FM-002");
    console.keys(&["d"]);
    console.wait_for_text("Provvedimento di assegnazione");
    console.keys(&["C-s"]);
    let message = console.wait_for_text("Dettagli della tua assegnazione");
    assert!(message.contains("Via del Borgo 002"), "{message}");
    console.keys(&["Enter"]);
    console.wait_for_text("assegnato FM-002");
    console.quit();

    let mut added = queued_templates(&console.dir.path().join("db"));
    for (template, n) in &before {
        let now = added.entry(template.clone()).or_insert(0);
        *now = now.saturating_sub(*n);
    }
    added.retain(|_, n| *n > 0);
    assert_eq!(
        added,
        [
            ("apertura_assegnazione".to_string(), 26),
            ("assegnazione_dettagli".to_string(), 1)
        ]
        .into_iter()
        .collect(),
        "the outbox holds exactly the opening to everyone and the decree's message"
    );
}

/// The Canoni and Contratti screens end to end: FM-002 assigned by decree today; its contract
/// announced ready, the signature booked and the lease signed in *Contratti*; next month issued
/// in *Canoni* for it and for the tenant of FM-001 (signed today, last month's notice unpaid),
/// and created on the GPD stand-in by the console server's periodic sync; FM-002's notice paid
/// at the counter and so marked paid on pagoPA; the reminders; the overdue told. The outbox and
/// the stand-in hold exactly what they should.
#[test]
fn a_lease_from_the_decree_to_its_rent_in_the_console_and_on_pagopa() {
    use crate::support::gpd_stand_in::{GpdStandIn, GpdStandInConfig};
    use alloggi::domain::command::OfferReply;
    use alloggi::domain::money::Money;
    use alloggi::domain::rent::Month;
    use alloggi::domain::stock::DwellingCode;
    use alloggi::domain::time::{rome_date, start_of_day_rome};
    use alloggi::domain::{Command as Do, Context};

    let dir = tempfile::tempdir().expect("temporary directory for the e2e test");
    let db = dir.path().join("db");
    let (office, first, protocol) = crate::common::assignment::decreed_office(&db);
    crate::common::assignment::save_example_rent_rules(&office);
    let now = || Context::new("mrossi", chrono::Utc::now());
    let today = rome_date(now().now);
    // A second tenant, FM-001, signed today; last month's notice unpaid.
    let code = DwellingCode::parse("FM-001").expect("code");
    let (placement, _) = office
        .next_offer(None, &code)
        .expect("next")
        .chosen
        .expect("someone fits FM-001");
    let second = placement.application;
    office
        .make_offer(&now(), second, &code, None, None, true)
        .expect("offered");
    for command in [
        Do::ReplyToOffer {
            id: second,
            reply: OfferReply::Accept,
            reason: String::new(),
        },
        Do::DecreeAssignment {
            id: second,
            decree_on: today,
        },
    ] {
        office.execute(&now(), &command).expect("decreed");
    }
    office
        .sign_lease(
            &now(),
            second,
            &alloggi::office::LeaseSigning {
                number: "L-E2E-2".into(),
                signed_on: today,
                starts_on: None,
                signatory: None,
            },
        )
        .expect("signed");
    let last = Month::of(today).previous();
    office
        .execute(
            &Context::new(
                "mrossi",
                start_of_day_rome(last.first_day()) + chrono::Duration::hours(9),
            ),
            &Do::IssueRent {
                id: second,
                month: last,
                lease: "L-E2E-2".into(),
                rent: Money::from_cents(9_000),
                due: last.day(15),
                segregation: 1,
                description: "canone di locazione dell'alloggio FM-001".into(),
            },
        )
        .expect("last month's notice");
    drop(office);
    let before = queued_templates(&db);

    let comune = fixture("comune.toml");
    let stand_in = GpdStandIn::start(GpdStandInConfig::default());
    let base_url = stand_in.base_url();
    let console = Console::launch(
        dir,
        80,
        24,
        &[
            ("ALLOGGI_COMUNE", path_str(&comune)),
            ("ALLOGGI_GPD_BASE_URL", &base_url),
            ("ALLOGGI_GPD_API_KEY", stand_in.key()),
            ("ALLOGGI_GPD_RITMO", "off"),
            ("ALLOGGI_GPD_OGNI", "1s"),
        ],
        &["--comune", path_str(&comune)],
    );
    let eventually = |what: &str, done: &dyn Fn() -> bool| {
        let started = std::time::Instant::now();
        while !done() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "waited 30 s for {what} on the GPD stand-in"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    console.wait_for("the dashboard", |s| s.contains("Domande per stato"));

    // Contratti: FM-002's assignee under the cursor.
    console.keys(&["0"]);
    console.wait_for_text("da preparare");
    let under_cursor = |s: &str| {
        s.lines()
            .any(|l| l.starts_with("▶") && l.contains(protocol.as_str()))
    };
    for _ in 0..4 {
        if under_cursor(&console.screen_of("0")) {
            break;
        }
        console.keys(&["Down"]);
    }
    console.wait_for("FM-002's assignee under the cursor", under_cursor);
    console.keys(&["p"]);
    console.wait_for_text("Il contratto è pronto per la firma");
    console.keys(&["Enter"]);
    console.wait_for("the contract ready", |s| {
        s.lines()
            .any(|l| l.contains(protocol.as_str()) && l.contains("pronto"))
    });
    let when = format!(
        "{} 10:30",
        (today + chrono::Days::new(3)).format("%d/%m/%Y")
    );
    console.keys(&["a"]);
    console.wait_for_text("Dove");
    console.type_text(&when);
    console.keys(&["Tab"]);
    console.type_text("Ufficio Casa, piazza del Popolo 1, Fermo");
    console.keys(&["C-s"]);
    let preview = console.wait_for_text("Il tuo appuntamento");
    assert!(preview.contains("piazza del Popolo"), "{preview}");
    console.keys(&["Enter"]);
    console.wait_for("the signature booked", |s| {
        s.lines()
            .any(|l| l.contains(protocol.as_str()) && l.contains("appuntamento"))
    });
    console.keys(&["f"]);
    console.wait_for_text("Firmatario");
    console.type_text("L-E2E-1");
    console.keys(&["C-s"]);
    // The lease is shown, its rent computed, before the signature is recorded.
    let check = console.wait_for_text("Contratto da firmare");
    assert!(check.contains("Calcolo del canone"), "{check}");
    console.keys(&["s"]);
    console.wait_for_text("contratto n. L-E2E-1 della domanda");
    console.keys(&["Enter"]);
    let lease = console.wait_for_text("Contratto n. L-E2E-1");
    assert!(lease.contains("Calcolo del canone"), "{lease}");

    // Canoni: next month issued for both leases, after its count.
    console.keys(&["'"]);
    console.wait_for_text("Canoni");
    console.keys(&["Right"]);
    console.wait_for_text(&Month::of(today).next().label());
    console.keys(&["e"]);
    console.wait_for_text("2 contratti");
    console.keys(&["s"]);
    console.wait_for_text("fatti 2, saltati 0");
    // The server's periodic sync creates the three open notices on pagoPA.
    eventually("three positions", &|| stand_in.position_count() == 3);
    // FM-002's notice paid at the counter today.
    let fm002 = |s: &str| {
        s.lines()
            .any(|l| l.starts_with("▶") && l.contains("FM-002"))
    };
    for _ in 0..3 {
        if fm002(&console.screen_of("0")) {
            break;
        }
        console.keys(&["Down"]);
    }
    console.wait_for("FM-002's notice under the cursor", fm002);
    console.keys(&["P"]);
    console.wait_for_text("Pagato il");
    console.keys(&["C-s"]);
    console.wait_for_text("sportello");
    // Reminders within 60 days: FM-001's notice only, FM-002's is paid.
    console.keys(&["s"]);
    console.wait_for_text("giorni");
    console.keys(&["BSpace", "BSpace"]);
    console.type_text("60");
    console.keys(&["C-s"]);
    console.wait_for_text("1 avviso in scadenza");
    console.keys(&["s"]);
    console.wait_for_text("fatti 1, saltati 0");
    // The overdue: FM-001's last month.
    console.keys(&["m"]);
    console.wait_for_text("scadut");
    console.keys(&["s"]);
    console.wait_for_text("fatti 1, saltati 0");
    let next = Month::of(today).next();
    let fm002_iupd = format!("ALLOGGI-{}-{next}", first.0);
    eventually("FM-002's notice marked paid", &|| {
        stand_in
            .position(&fm002_iupd)
            .is_some_and(|p| p.status == "PAID")
    });
    console.quit();

    let db = console.dir.path().join("db");
    let mut added = queued_templates(&db);
    for (template, n) in &before {
        let now = added.entry(template.clone()).or_insert(0);
        *now = now.saturating_sub(*n);
    }
    added.retain(|_, n| *n > 0);
    assert_eq!(
        added,
        [
            ("appuntamento_firma".to_string(), 1),
            ("avviso_canone".to_string(), 2),
            ("avviso_canone_scadenza".to_string(), 1),
            ("canone_mancato_pagamento".to_string(), 1),
            ("contratto_firma".to_string(), 1),
        ]
        .into_iter()
        .collect(),
        "the outbox holds exactly the lease's two messages and the rent's four"
    );

    // pagoPA: one position per open notice, each created once; FM-002's paid.
    let positions = stand_in.positions();
    assert_eq!(positions.len(), 3, "one position per notice");
    for position in &positions {
        assert_eq!(
            stand_in.create_attempts(&position.iupd),
            1,
            "{}",
            position.iupd
        );
    }
    let paid: Vec<&str> = positions
        .iter()
        .filter(|p| p.status == "PAID")
        .map(|p| p.iupd.as_str())
        .collect();
    assert_eq!(paid, [fm002_iupd.as_str()]);
}
