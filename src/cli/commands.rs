//! What each subcommand does: open the office, hand it the request, report in Italian.

use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};

use super::progress::Progress;
use super::{AuditCommand, CallCommand, Cli, Command, ImportCommand, OutboxCommand, UnitsCommand};
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
    // A subcommand runs inside the database's server when one answers: the server holds the
    // database, and the consoles stay open meanwhile.
    if cli.command.is_some()
        && let Some(stream) = crate::serve::forward::server_stream(&db)
    {
        return crate::serve::forward::run(stream, command_args(), cli.global.operatore.clone());
    }
    // Through the server, started on demand, unless asked otherwise; a server already running
    // holds the database, so it is used even then. The server reads the roles and the
    // database: an office's caseworkers may not read its folder at all.
    if cli.command.is_none()
        && (cli.global.condivisa != Some(false) || crate::serve::client::server_answers(&db))
    {
        return shared_console(&db, &cli.global, &console);
    }
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
    let open = |dir: &Path, existing: bool| {
        let opened = if existing {
            Office::open_existing(dir, comune.clone())
        } else {
            Office::open(dir, comune.clone())
        };
        opened
            .map(|mut office| {
                office.set_roles(roles.clone());
                office
            })
            .map_err(String::from)
    };
    let command = match cli.command {
        None => {
            let comune = comune.clone();
            let roles = roles.clone();
            let opener = Box::new(move || {
                let mut office = Office::open(&db, comune).map_err(String::from)?;
                office.set_roles(roles);
                Ok(office)
            });
            return tui::run(opener, &actor, &console).map_err(|e| e.to_string());
        }
        Some(Command::Serve {
            idle,
            always,
            group,
            gpd_every,
        }) => {
            return crate::serve::server::run(
                open(&db, false)?,
                crate::serve::server::Settings {
                    db: db.clone(),
                    idle: (!always).then_some(idle),
                    group,
                    roles: roles.clone(),
                    user: identity.name.clone(),
                    comune: comune.clone(),
                    sender: console.sender.clone(),
                    gpd: crate::serve::gpd::schedule(&comune, gpd_every),
                },
            );
        }
        Some(Command::Restore { file }) => return restore(&db, &file, comune),
        Some(command) => command,
    };
    let office = open(&db, !creates_database(&command))?;
    dispatch(&office, command, &actor)
}

/// The arguments this process was started with, for the server to parse as it would.
fn command_args() -> Vec<String> {
    std::env::args_os()
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect()
}

/// The subcommands that may start a database from nothing; the others need one already made.
fn creates_database(command: &Command) -> bool {
    matches!(
        command,
        Command::Demo { .. }
            | Command::Import(_)
            | Command::Units(UnitsCommand::Import { .. })
            | Command::Call(CallCommand::Load { .. })
            | Command::Serve { .. }
            | Command::Restore { .. }
    )
}

/// Why a subcommand cannot run inside the server, if it cannot.
pub fn refused_inside(command: &Command) -> Option<String> {
    match command {
        Command::Restore { .. } => Some(
            "il ripristino ha bisogno del database chiuso: chiudere le console e fermare il \
             servizio della console, poi ripetere «alloggi restore»"
                .to_string(),
        ),
        Command::Serve { .. } => Some(
            "il servizio della console è già attivo per questo database: le console vi si \
             collegano con «alloggi» e i sottocomandi vi si eseguono da soli"
                .to_string(),
        ),
        _ => None,
    }
}

/// A subcommand run inside the console server for a client: `argv` parsed as this program
/// parses its own, as `identity` (told by the system, never by the client) with the server's
/// roles, on the server's open office, for `on_behalf_of` as the client was given it. Returns the exit code; what it prints goes to the
/// client through `seam`.
pub fn run_inside(
    office: &Office,
    argv: Vec<String>,
    on_behalf_of: Option<String>,
    identity: &Identity,
) -> u8 {
    let cli = match super::usage::localized(<Cli as clap::CommandFactory>::command())
        .try_get_matches_from(argv)
        .and_then(|matches| <Cli as clap::FromArgMatches>::from_arg_matches(&matches))
    {
        Ok(cli) => cli,
        Err(e) => {
            eprintln!("{}", super::usage::message(&e));
            return 2;
        }
    };
    let outcome = (|| {
        // The client's name, not one from the server's own environment.
        let on_behalf_of = on_behalf_of.as_deref();
        let command = cli
            .command
            .ok_or_else(|| "nessun sottocomando da eseguire".to_string())?;
        if let Some(reason) = refused_inside(&command) {
            return Err(reason);
        }
        let actor = Caller::new(identity, on_behalf_of, office.roles());
        actor.require_own_name()?;
        actor.require(super::access::needed(Some(&command)))?;
        dispatch(office, command, &actor)
    })();
    match outcome {
        Ok(()) => 0,
        Err(message) => {
            eprintln!("errore: {message}");
            1
        }
    }
}

/// Runs `command` on the open `office` as `actor`, here or inside the server alike.
fn dispatch(office: &Office, command: Command, actor: &Caller) -> Result<(), String> {
    match command {
        Command::Serve { .. } | Command::Restore { .. } => {
            Err(refused_inside(&command).unwrap_or_default())
        }
        Command::Demo {
            applications,
            seed,
            only_current,
        } => fill_demo(office, applications, seed, !only_current),
        Command::Import(ImportCommand::Applications { file }) => {
            import_applications(office, &file, actor)
        }
        Command::Call(CallCommand::Load { file, activate }) => {
            load_call(office, &file, activate, actor)
        }
        Command::Call(CallCommand::List) => list_calls(office),
        Command::Call(CallCommand::Interested(command)) => {
            super::intake::interested(office, command, actor)
        }
        Command::Call(CallCommand::Publish { code }) => {
            // Checked before the database is touched: without it nobody would be told.
            office.comune()?;
            super::intake::publish(office, code.as_deref(), actor)
        }
        Command::Review(command) => super::review::run(office, command, actor),
        Command::Units(command) => super::units::run(office, command, actor),
        Command::Ranking(command) => super::ranking::run(office, command, actor),
        Command::Assignment(command) => super::assignment::run(office, command, actor),
        Command::Contract(command) => super::lease::run(office, command, actor),
        Command::Rent(command) => super::rent::run(office, command, actor),
        Command::Appointments { giorno } => super::intake::appointments(office, giorno.as_deref()),
        Command::Show { protocollo } => super::cases::show(office, &protocollo, actor),
        Command::Access { protocollo } => super::cases::accesses(office, &protocollo),
        Command::Export { file } => export(office, &file),
        Command::Audit(AuditCommand::Verify {
            checkpoints,
            chiave_pubblica,
        }) => super::audit::verify(
            office,
            checkpoints.as_deref().zip(chiave_pubblica.as_deref()),
        ),
        Command::Audit(AuditCommand::Sign { chiave, checkpoint }) => {
            super::audit::sign(office, &chiave, &checkpoint)
        }
        Command::Audit(AuditCommand::Keygen { file }) => super::audit::keygen(&file),
        Command::Check => check(office),
        Command::Outbox(command) => super::outbox::run(office, command, actor),
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
    office.fill_demo_with_history(
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

fn fill_demo(
    office: &Office,
    applications: usize,
    seed: u64,
    previous: bool,
) -> Result<(), String> {
    let progress = Progress::bar("Dati dimostrativi", applications);
    let options = demo::DemoOptions { applications, seed };
    let mut report = |done, total| progress.set(done, total);
    let summary = if previous {
        office.fill_demo_with_history(&options, today(), &mut report)?
    } else {
        office.fill_demo(&options, today(), &mut report)?
    };
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
    if let Some((previous, round)) = &summary.previous {
        print_demo_previous(previous, round);
    }
    if let Some(rent) = &summary.rent {
        print_demo_rent(rent);
    }
    let ranking = office.add_demo_ranking(seed)?;
    super::ranking::print_demo_ranking(ranking.as_ref());
    Ok(())
}

/// The line `alloggi demo` adds about the leases and their rent.
fn print_demo_rent(rent: &demo::RentSummary) {
    println!(
        "Canoni: {}, avvisi dal {} al {} ({}, {} pagati di cui {} allo sportello; quelli di {} da pagare), \
         una morosità segnalata per la decadenza, un piano di rientro, una morosità incolpevole; \
         «alloggi rent arrears» le elenca.",
        plural(rent.leases, "contratto firmato", "contratti firmati"),
        rent.first_month,
        rent.current_month,
        count(rent.notices),
        count(rent.paid),
        count(rent.paid_at_counter),
        rent.current_month
    );
}

/// The lines `alloggi demo` adds about the previous call and its assignment round.
fn print_demo_previous(previous: &demo::PreviousSummary, round: &demo::RoundSummary) {
    println!(
        "Bando precedente {}: {} ({} ammesse, {} escluse), graduatoria definitiva n. {}.",
        previous.code,
        plural(previous.applications, "domanda", "domande"),
        count(previous.admitted),
        count(previous.excluded),
        previous.definitive
    );
    println!(
        "Alloggi: {}. Assegnazione del bando {} aperta il {}: {}, {}, {}; «alloggi assignment list» la mostra.",
        count(round.dwellings),
        round.call,
        crate::domain::time::format_date(round.opened_on),
        plural(
            usize::try_from(round.candidates).unwrap_or(usize::MAX),
            "richiedente",
            "richiedenti"
        ),
        plural(round.offers, "proposta", "proposte"),
        plural(round.decrees, "provvedimento", "provvedimenti")
    );
}

/// The caseworker's today, in Rome: the demo arranges its appointments around it.
fn today() -> chrono::NaiveDate {
    crate::domain::time::rome_date(chrono::Utc::now())
}

fn import_applications(office: &Office, file: &Path, actor: &Caller) -> Result<(), String> {
    let bytes = super::seam::read(file).map_err(|e| cannot_open(file, &e))?;
    let progress = Progress::spinner("Importazione delle domande");
    let imported = office.import_applications(&context(actor), bytes.as_slice());
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
    let name = file.display().to_string();
    let text = super::seam::read_text(file).map_err(|reason| {
        call_toml::CallFileError {
            file: name.clone(),
            line: 0,
            reason,
        }
        .to_string()
    })?;
    let call = call_toml::parse(&text, &name).map_err(|e| e.to_string())?;
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
/// The backup holds every personal datum of the office: the file is the owner's only.
fn export(office: &Office, file: &Path) -> Result<(), String> {
    let dir = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let new = super::seam::create(file, super::seam::FileMode::Private)
        .map_err(|e| format!("impossibile scrivere in {}", io_fault(dir, &e)))?;
    let mut writer = BufWriter::new(new);
    let progress = Progress::spinner("Copia di sicurezza");
    let counts = office.export_backup(&mut writer)?;
    drop(progress);
    let new = writer
        .into_inner()
        .map_err(|e| format!("scrittura non riuscita: {}", io_fault(file, e.error())))?;
    new.commit()
        .map_err(|e| format!("impossibile salvare {}", io_fault(file, &e)))?;
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
