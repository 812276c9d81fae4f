//! What each subcommand does: open the office, hand it the request, report in Italian.

use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};

use super::progress::Progress;
use super::{AuditCommand, CallCommand, Cli, Command, ImportCommand, OutboxCommand};
use crate::domain::number::{count, plural};
use crate::domain::roles::Roles;
use crate::domain::{Context, State};
use crate::files::reasons::{io_fault, io_reason};
use crate::files::{call_toml, roles_toml};
use crate::office::{Caller, Identity, Office, OfficeError};
use crate::{demo, tui};

pub fn run(cli: Cli) -> Result<(), String> {
    let identity = Identity::current()?;
    let console = tui::Options {
        keymap: tui::keymap::Choice::parse(cli.global.keymap.as_deref().unwrap_or("default")),
        comune: if cli.demo && cli.global.comune.is_none() {
            Ok(crate::messages::ComuneConfig::example())
        } else {
            comune_config(cli.global.comune.as_deref())
        },
        sender: sender_config(),
    };
    if cli.demo {
        // A database of invented people, made for the user alone: they may do everything.
        let actor = Caller::new(
            &identity,
            cli.global.operatore.as_deref(),
            &Roles::everyone_administrator(),
        );
        return run_demo_console(&actor, &console);
    }
    // Neither needs a database: the connected machine has none.
    match &cli.command {
        Some(Command::Outbox(OutboxCommand::SendBundle {
            file,
            receipts,
            chiave,
        })) => return super::outbox::send_bundle_file(file, receipts, chiave),
        Some(Command::Outbox(OutboxCommand::Keygen { file })) => {
            return super::outbox::keygen(file);
        }
        _ => {}
    }
    // A key is made away from any database.
    if let Some(Command::Audit(AuditCommand::Keygen { file })) = &cli.command {
        return super::audit::keygen(file);
    }
    let db = database_dir(cli.global.db.clone())?;
    // The roles are read from the system user, never from `--operatore`: a name given is
    // recorded beside the user, it does not raise their role.
    let roles = load_roles(cli.global.ruoli.as_deref(), &db)?;
    let actor = Caller::new(&identity, cli.global.operatore.as_deref(), &roles);
    actor.require(super::access::needed(cli.command.as_ref()))?;
    // Checked before anything creates the folder. Only a warning, and the mode is left as it
    // is: the folder may be shared on purpose (a group of caseworkers), which is the owner's
    // decision; a folder this program creates is 0700.
    if let Some(mode) = crate::files::private::too_open(&db) {
        eprintln!("{}", crate::files::private::too_open_warning(&db, mode));
    }
    crate::logging::init(&db);
    let comune = console.comune.clone();
    let with_roles = |mut office: Office| {
        office.set_roles(roles.clone());
        office
    };
    let open = |dir: &Path| {
        Office::open(dir, comune.clone())
            .map(with_roles)
            .map_err(String::from)
    };
    let open_existing = |dir: &Path| {
        Office::open_existing(dir, comune.clone())
            .map(with_roles)
            .map_err(String::from)
    };
    match cli.command {
        // Started on demand only when asked: subcommands do not go through the server yet,
        // and a server left waiting for its idle time would lock them out of the database.
        None if cli.global.condivisa || crate::serve::client::server_answers(&db) => {
            shared_console(&db, &cli.global, &console)
        }
        None => {
            let comune = comune.clone();
            let roles = roles.clone();
            let opener = Box::new(move || {
                let mut office = Office::open(&db, comune).map_err(String::from)?;
                office.set_roles(roles);
                Ok(office)
            });
            tui::run(opener, &actor, &console).map_err(|e| e.to_string())
        }
        Some(Command::Serve {
            idle,
            always,
            group,
        }) => crate::serve::server::run(
            open(&db)?,
            crate::serve::server::Settings {
                db: db.clone(),
                idle: (!always).then_some(idle),
                group,
                roles: roles.clone(),
                user: identity.name.clone(),
                comune: comune.clone(),
                sender: console.sender.clone(),
            },
        ),
        Some(Command::Demo { applications, seed }) => fill_demo(&open(&db)?, applications, seed),
        Some(Command::Import(ImportCommand::Applications { file })) => {
            import_applications(&open(&db)?, &file, &actor)
        }
        Some(Command::Call(CallCommand::Load { file, activate })) => {
            load_call(&open(&db)?, &file, activate, &actor)
        }
        Some(Command::Call(CallCommand::List)) => list_calls(&open_existing(&db)?),
        Some(Command::Call(CallCommand::Interested(command))) => {
            super::intake::interested(&open_existing(&db)?, command, &actor)
        }
        Some(Command::Call(CallCommand::Publish { code })) => {
            // Checked before the database is touched: without it nobody would be told.
            if let Err(reason) = &console.comune {
                return Err(reason.clone());
            }
            super::intake::publish(&open_existing(&db)?, code.as_deref(), &actor)
        }
        Some(Command::Review(command)) => super::review::run(&open_existing(&db)?, command, &actor),
        Some(Command::Ranking(command)) => {
            super::ranking::run(&open_existing(&db)?, command, &actor)
        }
        Some(Command::Appointments { giorno }) => {
            super::intake::appointments(&open_existing(&db)?, giorno.as_deref())
        }
        Some(Command::Show { protocollo }) => {
            super::cases::show(&open_existing(&db)?, &protocollo, &actor)
        }
        Some(Command::Access { protocollo }) => {
            super::cases::accesses(&open_existing(&db)?, &protocollo)
        }
        Some(Command::Export { file }) => export(&open_existing(&db)?, &file),
        Some(Command::Restore { file }) => restore(&db, &file, comune),
        Some(Command::Audit(AuditCommand::Verify {
            checkpoints,
            chiave_pubblica,
        })) => super::audit::verify(
            &open_existing(&db)?,
            checkpoints.as_deref().zip(chiave_pubblica.as_deref()),
        ),
        Some(Command::Audit(AuditCommand::Sign { chiave, checkpoint })) => {
            super::audit::sign(&open_existing(&db)?, &chiave, &checkpoint)
        }
        Some(Command::Audit(AuditCommand::Keygen { file })) => super::audit::keygen(&file),
        Some(Command::Check) => check(&open_existing(&db)?),
        Some(Command::Outbox(command)) => super::outbox::run(&open_existing(&db)?, command, &actor),
    }
}

/// The console through the database's server, started when none answers.
fn shared_console(
    db: &Path,
    global: &super::GlobalArgs,
    console: &tui::Options,
) -> Result<(), String> {
    // Refused before anything starts, so the message is readable.
    let layers = tui::keymap::chosen_layers(&console.keymap, tui::keymap::user_file().as_deref())
        .map_err(|e| format!("mappa dei tasti rifiutata: {e}"))?;
    tui::keymap::over_default(layers.clone())
        .map_err(|e| format!("mappa dei tasti rifiutata: {e}"))?;
    tui::require_terminal().map_err(|e| e.to_string())?;
    let hello = crate::serve::protocol::Hello {
        version: crate::serve::protocol::version(),
        width: 0,
        height: 0,
        term: std::env::var("TERM").ok(),
        no_color: !tui::theme::Theme::from_env().color,
        keymap: layers
            .into_iter()
            .map(|layer| crate::serve::protocol::KeymapLayer {
                file: layer.file,
                text: layer.text,
            })
            .collect(),
        on_behalf_of: global.operatore.clone(),
    };
    // The server reads the same settings the console was given.
    let mut args = Vec::new();
    if let Some(roles) = &global.ruoli {
        args.extend(["--ruoli".into(), roles.clone().into_os_string()]);
    }
    if let Some(comune) = &global.comune {
        args.extend(["--comune".into(), comune.clone().into_os_string()]);
    }
    let start = crate::serve::client::Start {
        db: db.to_path_buf(),
        args,
    };
    crate::serve::client::run(&start, hello)
}

/// `--comune`, then `ALLOGGI_COMUNE` (both through clap), then the user's configuration folder.
fn comune_config(given: Option<&Path>) -> Result<crate::messages::ComuneConfig, String> {
    let path = match given {
        Some(path) => path.to_path_buf(),
        None => match directories::BaseDirs::new() {
            Some(dirs) => dirs.config_dir().join("alloggi").join("comune.toml"),
            None => return Err(crate::tui::strings::NO_COMUNE_CONFIG.to_string()),
        },
    };
    if given.is_none() && !path.exists() {
        return Err(crate::tui::strings::NO_COMUNE_CONFIG.to_string());
    }
    crate::messages::ComuneConfig::load(&path).map_err(|e| e.to_string())
}

/// The console sends by itself when a key is configured; otherwise it only queues.
fn sender_config() -> Result<crate::io::ClientConfig, String> {
    let key = crate::io::key_from_env()
        .map_err(|e| format!("invio a IO non attivo in questa console: {e}"))?;
    crate::io::ClientConfig::from_env(key).map_err(|e| e.to_string())
}

/// `--ruoli`, then `ALLOGGI_RUOLI` (both through clap), then `ruoli.toml` in the database's
/// folder. A file named on purpose must exist; without the default one everyone administers.
fn load_roles(given: Option<&Path>, db: &Path) -> Result<Roles, String> {
    let path = match given {
        Some(path) => path.to_path_buf(),
        None => db.join(ROLES_FILE),
    };
    if given.is_none() && !path.exists() {
        return Ok(Roles::everyone_administrator());
    }
    roles_toml::load(&path)
        .map(Roles::from_table)
        .map_err(|e| format!("file dei ruoli rifiutato: {e}"))
}

/// The roles file's name in the database's folder.
pub const ROLES_FILE: &str = "ruoli.toml";

/// Who acts, now.
pub(super) fn context(actor: &Caller) -> Context {
    actor.context(chrono::Utc::now())
}

/// `--db`, then `ALLOGGI_DB` (both through clap), then the XDG data directory.
fn database_dir(given: Option<PathBuf>) -> Result<PathBuf, String> {
    if let Some(dir) = given {
        return Ok(dir);
    }
    directories::BaseDirs::new()
        .map(|dirs| dirs.data_dir().join("alloggi"))
        .ok_or_else(|| {
            "impossibile determinare la cartella dati dell'utente: indicare --db CARTELLA"
                .to_string()
        })
}

fn run_demo_console(actor: &Caller, console: &tui::Options) -> Result<(), String> {
    let dir = tempfile::Builder::new()
        .prefix("alloggi-demo-")
        .tempdir()
        .map_err(|e| {
            format!(
                "impossibile creare la cartella temporanea: {}",
                io_reason(&e)
            )
        })?;
    crate::logging::init(dir.path());
    let office = Office::open(dir.path(), console.comune.clone())?;
    let progress = Progress::bar("Dati dimostrativi", 300);
    office.fill_demo(
        &demo::DemoOptions {
            applications: 300,
            seed: 2024,
        },
        today(),
        &mut |done, total| progress.set(done, total),
    )?;
    drop(progress);
    office.add_demo_ranking(2024)?;
    // The temporary folder outlives the console: it is removed when this function returns.
    tui::run(Box::new(move || Ok(office)), actor, console).map_err(|e| e.to_string())
}

fn fill_demo(office: &Office, applications: usize, seed: u64) -> Result<(), String> {
    let progress = Progress::bar("Dati dimostrativi", applications);
    let summary = office.fill_demo(
        &demo::DemoOptions { applications, seed },
        today(),
        &mut |done, total| progress.set(done, total),
    )?;
    drop(progress);
    println!(
        "Creato il database dimostrativo in {}: {}, {} nel registro.",
        office.path().display(),
        plural(summary.applications, "domanda", "domande"),
        plural(summary.events, "evento", "eventi")
    );
    for (state, n) in &summary.per_state {
        println!("  {:<24} {:>9}", state.label(), count(*n));
    }
    println!(
        "Messaggi IO in coda: {} (uno per ogni modello del catalogo).",
        count(summary.messages)
    );
    super::intake::print_demo_intake(&summary.intake);
    let ranking = office.add_demo_ranking(seed)?;
    super::ranking::print_demo_ranking(ranking.as_ref());
    Ok(())
}

/// The caseworker's today, in Rome: the demo arranges its appointments around it.
fn today() -> chrono::NaiveDate {
    crate::domain::time::rome_date(chrono::Utc::now())
}

fn import_applications(office: &Office, file: &Path, actor: &Caller) -> Result<(), String> {
    let reader = File::open(file).map_err(|e| cannot_open(file, &e))?;
    let progress = Progress::spinner("Importazione delle domande");
    let imported = office.import_applications(&context(actor), BufReader::new(reader));
    drop(progress);
    match imported {
        Ok(summary) => {
            println!(
                "{} {}; {}.",
                if summary.imported == 1 {
                    "Importata"
                } else {
                    "Importate"
                },
                plural(summary.imported, "domanda", "domande"),
                plural(
                    summary.already_present,
                    "già presente e lasciata invariata",
                    "già presenti e lasciate invariate"
                )
            );
            Ok(())
        }
        Err(OfficeError::Rows { rows, .. }) => {
            eprintln!("{}", super::output::capped(&rows));
            Err(format!(
                "importazione annullata, nessuna domanda importata: {} in {}",
                plural(rows.len(), "errore", "errori"),
                file.display()
            ))
        }
        Err(other) => Err(other.to_string()),
    }
}

fn load_call(office: &Office, file: &Path, activate: bool, actor: &Caller) -> Result<(), String> {
    let call = call_toml::load(file).map_err(|e| e.to_string())?;
    let code = call.code.clone();
    let title = call.title.clone();
    let saved = office.save_call(&context(actor), call, activate)?;
    let state = if saved.active {
        "attivo"
    } else {
        "non attivo (usare --attiva per attivarlo)"
    };
    println!("Bando «{title}» ({code}) salvato, {state}.");
    Ok(())
}

fn list_calls(office: &Office) -> Result<(), String> {
    let overview = office.calls_overview()?;
    if overview.calls.is_empty() {
        println!("Nessun bando. Caricarne uno con: alloggi call load FILE.toml");
    }
    for (call, interested) in overview.calls.iter().zip(overview.interested) {
        let marker = if Some(&call.code) == overview.active.as_ref() {
            "*"
        } else {
            " "
        };
        println!(
            "{marker} {:<12} {}  ({} – {})  {}",
            call.code,
            call.title,
            crate::domain::time::format_ts(call.opens_at),
            crate::domain::time::format_ts(call.closes_at),
            super::intake::call_status(call, interested)
        );
    }
    Ok(())
}

/// Writes to a sibling temporary file and renames it, so a failed export never leaves half a file.
fn export(office: &Office, file: &Path) -> Result<(), String> {
    let dir = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // `NamedTempFile` creates the file 0600, and the rename keeps it: the backup holds every
    // personal datum of the office.
    let temp = tempfile::NamedTempFile::new_in(dir)
        .map_err(|e| format!("impossibile scrivere in {}", io_fault(dir, &e)))?;
    let mut writer = BufWriter::new(temp);
    let progress = Progress::spinner("Copia di sicurezza");
    let counts = office.export_backup(&mut writer)?;
    drop(progress);
    let temp = writer
        .into_inner()
        .map_err(|e| format!("scrittura non riuscita: {}", io_fault(file, e.error())))?;
    temp.as_file()
        .sync_all()
        .map_err(|e| format!("scrittura non riuscita: {}", io_fault(file, &e)))?;
    temp.persist(file)
        .map_err(|e| format!("impossibile salvare {}", io_fault(file, &e.error)))?;
    println!(
        "Esportati {}, {} e {} del registro in {}.",
        plural(counts.calls, "bando", "bandi"),
        plural(counts.applications, "domanda", "domande"),
        plural(counts.audit_entries, "voce", "voci"),
        file.display()
    );
    Ok(())
}

fn restore(
    db: &Path,
    file: &Path,
    comune: Result<crate::messages::ComuneConfig, String>,
) -> Result<(), String> {
    // Checked before the database folder is created.
    // A folder opens like a file on Unix: it is refused here, not halfway through the restore.
    if file.is_dir() {
        return Err(cannot_open(
            file,
            &std::io::Error::from(std::io::ErrorKind::IsADirectory),
        ));
    }
    File::open(file).map_err(|e| cannot_open(file, &e))?;
    let office = Office::open(db, comune)?;
    let open = || File::open(file).map(BufReader::new);
    let progress = Progress::spinner("Ripristino");
    let counts = office.restore_backup(open)?;
    drop(progress);
    println!(
        "Ripristinati {}, {} e {} del registro da {}.",
        plural(counts.calls, "bando", "bandi"),
        plural(counts.applications, "domanda", "domande"),
        plural(counts.audit_entries, "voce", "voci"),
        file.display()
    );
    Ok(())
}

fn check(office: &Office) -> Result<(), String> {
    let progress = Progress::spinner("Controllo di indici e contatori");
    let report = office.check()?;
    drop(progress);
    if report.is_ok() {
        let states: Vec<String> = office
            .count_by_state()?
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(s, n): (State, usize)| format!("{} {}", s.label(), count(n)))
            .collect();
        println!(
            "Indici e contatori coerenti: {} ({}).",
            plural(
                report.applications,
                "domanda controllata",
                "domande controllate"
            ),
            states.join(", ")
        );
        return Ok(());
    }
    eprintln!("{}", super::output::capped(&report.problems));
    Err(format!(
        "{} su {}",
        plural(
            report.problems.len(),
            "incoerenza trovata",
            "incoerenze trovate"
        ),
        plural(report.applications, "domanda", "domande")
    ))
}

fn cannot_open(file: &Path, e: &std::io::Error) -> String {
    format!("impossibile aprire {}", io_fault(file, e))
}
