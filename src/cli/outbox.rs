//! `alloggi outbox …`: sending to IO once (for cron), listing and resolving entries, and the
//! offline bundles of air-gapped offices.

use crate::office::Caller;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::progress::Progress;
use super::{BundleKeyArg, OutboxCommand};
use crate::domain::number::{count, plural};
use crate::io::bundle::{Bundle, BundleClients, Receipts, send_bundle};
use crate::io::{BundleKey, ClientConfig, IoClient, key_from_env};
use crate::messages::outbox::{OutboxId, OutboxTab};
use crate::office::Office;

/// `keygen`: a fresh bundle key in a new file, readable by its owner only.
pub fn keygen(file: &Path) -> Result<(), String> {
    BundleKey::create(file).map_err(|e| e.to_string())?;
    println!(
        "Chiave dei pacchetti creata in {} (permessi 600).",
        file.display()
    );
    println!(
        "Copiarla sulla macchina collegata per una via fidata e indicarla a export, send-bundle e \
         import-receipts con --chiave-pacchetto o con ALLOGGI_CHIAVE_PACCHETTO."
    );
    Ok(())
}

/// The bundle key named on the command line, read and checked where the caller is.
fn bundle_key(arg: &BundleKeyArg) -> Result<BundleKey, String> {
    BundleKey::from_file_with(arg.key_file.as_deref(), super::seam::read_private_key)
        .map_err(|e| e.to_string())
}

/// The subcommand that needs no database: sending a bundle from a connected machine. The
/// bundle is verified before the IO key is even read.
pub fn send_bundle_file(file: &Path, receipts: &Path, key: &BundleKeyArg) -> Result<(), String> {
    let key = bundle_key(key)?;
    let bundle = Bundle::read(file, &key).map_err(|e| e.to_string())?;
    // Each service's key is read only when the bundle carries something for it.
    let io = (!bundle.voci.is_empty()).then(client).transpose()?;
    let gpd = (!bundle.pagopa.is_empty())
        .then(|| {
            crate::gpd::GpdConfig::from_env()
                .and_then(crate::gpd::GpdClient::new)
                .map_err(|e| e.to_string())
        })
        .transpose()?;
    let runtime = runtime()?;
    let stop = interrupt_flag(&runtime);
    let progress = Progress::bar(
        &format!("Pacchetto {}", bundle.id),
        bundle.voci.len() + bundle.pagopa.len(),
    );
    let clients = BundleClients {
        io: io.as_ref(),
        gpd: gpd.as_ref(),
    };
    let report = runtime
        .block_on(send_bundle(
            &bundle,
            &key,
            clients,
            receipts,
            &stop,
            &|report, total| progress.set(report.sent + report.pagopa.done, total),
        ))
        .map_err(|e| e.to_string())?;
    drop(progress);
    if !bundle.voci.is_empty() {
        println!(
            "Pacchetto {} ({}): inviati {}, respinti {}, non raggiungibili {}, incerti {}, già inviati prima {}, da ritentare {}.",
            bundle.id,
            plural(bundle.voci.len(), "messaggio", "messaggi"),
            count(report.sent),
            count(report.rejected),
            count(report.unreachable),
            count(report.uncertain),
            count(report.already),
            count(report.left)
        );
    }
    if !bundle.pagopa.is_empty() {
        let gpd = &report.pagopa;
        println!(
            "Pacchetto {} ({}): riuscite {}, rifiutate {}, incerte {}, già fatte prima {}, da ritentare {}.",
            bundle.id,
            plural(
                bundle.pagopa.len(),
                "richiesta per pagoPA",
                "richieste per pagoPA"
            ),
            count(gpd.done),
            count(gpd.refused),
            count(gpd.uncertain),
            count(gpd.already),
            count(gpd.left)
        );
        for warning in &gpd.warnings {
            println!("Attenzione: {}", crate::messages::text::clean_line(warning));
        }
    }
    println!(
        "Ricevute in {}: portarle all'ufficio e registrarle con «alloggi outbox import-receipts».",
        receipts.display()
    );
    if report.left > 0 || report.pagopa.left > 0 {
        println!(
            "Per i messaggi da ritentare, ripetere lo stesso comando: nessuno viene inviato due volte."
        );
    }
    Ok(())
}

pub fn run(office: &Office, command: OutboxCommand, actor: &Caller) -> Result<(), String> {
    let ctx = super::commands::context(actor);
    match command {
        OutboxCommand::Send { durata_massima } => send(office, actor, durata_massima),
        OutboxCommand::List { stato, limite } => list(office, stato.as_deref(), limite),
        OutboxCommand::Requeue { id, motivo } => {
            let id = parse_id(&id)?;
            let entry = office.requeue(&ctx, id, &motivo)?;
            println!("Messaggio {} rimesso in coda: {}.", entry.id, entry.title);
            Ok(())
        }
        OutboxCommand::Withdraw { id, motivo } => {
            let id = parse_id(&id)?;
            let entry = office.withdraw(&ctx, id, &motivo)?;
            println!(
                "Messaggio {} ritirato: {}. Non sarà inviato.",
                entry.id, entry.title
            );
            Ok(())
        }
        OutboxCommand::MarkSent { id, motivo, id_io } => {
            let id = parse_id(&id)?;
            let entry = office.mark_sent(&ctx, id, &motivo, id_io)?;
            println!(
                "Messaggio {} segnato come inviato: {}.",
                entry.id, entry.title
            );
            Ok(())
        }
        OutboxCommand::Export { file, chiave } => export(office, &file, &chiave, actor),
        OutboxCommand::ImportReceipts { file, chiave } => {
            import_receipts(office, &file, &chiave, actor)
        }
        OutboxCommand::SendBundle { .. } | OutboxCommand::Keygen { .. } => {
            Err("questo comando non usa il database".into())
        }
    }
}

fn parse_id(input: &str) -> Result<OutboxId, String> {
    OutboxId::parse(input)
        .ok_or_else(|| format!("«{input}» non è il numero di un messaggio (es. M12 o 12)"))
}

fn client() -> Result<IoClient, String> {
    let key = key_from_env().map_err(|e| e.to_string())?;
    let config = ClientConfig::from_env(key).map_err(|e| e.to_string())?;
    IoClient::new(config).map_err(|e| e.to_string())
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("impossibile avviare il motore di invio: {e}"))
}

/// Ctrl+C, SIGTERM and SIGHUP stop after the requests in flight are recorded, never in the
/// middle of one.
/// Inside the console server the client's own signals arrive as the connection's interrupt:
/// the server's process-wide handlers are not touched.
fn interrupt_flag(runtime: &tokio::runtime::Runtime) -> Arc<AtomicBool> {
    if let Some(remote) = super::seam::current() {
        return remote.interrupted();
    }
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    // Listening from here on, before any request: a signal arriving meanwhile is not lost
    // (nor does it end the process the abrupt way).
    let _entered = runtime.enter();
    let mut signals = stop_signals();
    runtime.spawn(async move {
        if signals.arrived().await {
            flag.store(true, Ordering::Relaxed);
            // A second one means now: what is in flight stays "in invio" and becomes uncertain
            // at the next start, never sent twice.
            if signals.arrived().await {
                eprintln!("Interrotto subito: i messaggi in corso risulteranno incerti.");
                std::process::exit(130);
            }
        }
    });
    stop
}

fn send(office: &Office, actor: &Caller, time_limit: Duration) -> Result<(), String> {
    let client = match super::seam::current() {
        // Inside the console server: its own IO settings, as its background sender uses.
        Some(remote) => IoClient::new(remote.sender().map_err(|reason| {
            format!("invio a IO non attivo nel servizio della console: {reason}")
        })?)
        .map_err(|e| e.to_string())?,
        None => client()?,
    };
    let runtime = runtime()?;
    let stop = interrupt_flag(&runtime);
    let worker = office
        .sender(client, &actor.user)
        .with_time_limit(time_limit);
    let progress = Progress::bar("Invio a IO", 0);
    let report = runtime
        .block_on(worker.drain(&stop, &|report, remaining| {
            let handled = report.handled();
            progress.set(handled, handled + remaining);
        }))
        .map_err(|e| e.to_string())?;
    drop(progress);
    println!("Invio a IO: {}.", report.summary());
    if report.uncertain > 0 || report.recovered > 0 {
        println!(
            "Attenzione: i messaggi incerti non vengono reinviati da soli. Decidere con «alloggi outbox requeue» o «mark-sent», o dalla console."
        );
    }
    if let Some(reason) = report.stopped {
        return Err(reason);
    }
    if stop.load(Ordering::Relaxed) {
        println!("Interrotto: i messaggi non ancora inviati restano in coda.");
        return Err(format!(
            "invio interrotto: {} in coda; nessuno è rimasto a metà. Rilanciare «alloggi outbox send» per continuare",
            plural(report.waiting, "messaggio resta", "messaggi restano")
        ));
    }
    if report.out_of_time {
        println!(
            "Tempo massimo raggiunto ({}): {} in coda per l'invio successivo.",
            duration_text(time_limit),
            plural(report.waiting, "messaggio resta", "messaggi restano")
        );
    }
    if report.nothing_sent_while_due() {
        let why = report
            .last_retry_reason
            .as_deref()
            .map(|reason| format!(" (ultimo motivo: {reason})"))
            .unwrap_or_default();
        return Err(format!(
            "nessun messaggio è partito: {} in coda{why}. Riprovare più tardi con «alloggi outbox send»; se si ripete, verificare il collegamento con IO e il limite di richieste (ALLOGGI_IO_RATE)",
            plural(report.waiting, "messaggio resta", "messaggi restano")
        ));
    }
    Ok(())
}

/// `90s`, `5m`, `1h30m`, as the option is typed.
fn duration_text(duration: Duration) -> String {
    let seconds = duration.as_secs();
    let (hours, minutes, seconds) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    let mut text = String::new();
    for (amount, unit) in [(hours, "h"), (minutes, "m"), (seconds, "s")] {
        if amount > 0 {
            text.push_str(&format!("{amount}{unit}"));
        }
    }
    if text.is_empty() {
        text.push_str("0s");
    }
    text
}

/// The signals that ask the program to stop.
struct StopSignals {
    #[cfg(unix)]
    listeners: Option<[tokio::signal::unix::Signal; 3]>,
}

/// Starts listening; needs a runtime entered.
fn stop_signals() -> StopSignals {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let listeners = match (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
        ) {
            (Ok(interrupt), Ok(terminate), Ok(hangup)) => Some([interrupt, terminate, hangup]),
            _ => None,
        };
        StopSignals { listeners }
    }
    #[cfg(not(unix))]
    StopSignals {}
}

impl StopSignals {
    /// True once one of them arrives; false if none can be listened to.
    async fn arrived(&mut self) -> bool {
        #[cfg(unix)]
        if let Some([interrupt, terminate, hangup]) = &mut self.listeners {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
                _ = hangup.recv() => {}
            }
            return true;
        }
        tokio::signal::ctrl_c().await.is_ok()
    }
}

fn tab_named(name: &str) -> Result<OutboxTab, String> {
    let wanted = name.trim().to_lowercase().replace(['-', '_'], " ");
    OutboxTab::ALL
        .into_iter()
        .find(|tab| tab.label().to_lowercase() == wanted)
        .ok_or_else(|| {
            let names: Vec<String> = OutboxTab::ALL
                .iter()
                .map(|t| t.label().to_lowercase().replace(' ', "-"))
                .collect();
            format!(
                "stato «{name}» sconosciuto: usare uno tra {}",
                names.join(", ")
            )
        })
}

fn list(office: &Office, state: Option<&str>, limit: usize) -> Result<(), String> {
    let counts = office.outbox_counts()?;
    let line: Vec<String> = OutboxTab::ALL
        .iter()
        .map(|tab| format!("{} {}", tab.label(), count(counts[tab])))
        .collect();
    println!("{}", line.join(" │ "));
    let tabs = match state {
        Some(name) => vec![tab_named(name)?],
        None => OutboxTab::ALL.to_vec(),
    };
    for tab in tabs {
        for entry in office.outbox_page(tab, None, limit)? {
            println!(
                "{:>7}  {}  {:<16}  {:<40}  {}",
                entry.id.to_string(),
                crate::domain::time::format_ts(entry.queued_at),
                entry.addressee.fiscal_code,
                entry.title,
                entry.state.label()
            );
        }
    }
    Ok(())
}

fn export(office: &Office, file: &Path, key: &BundleKeyArg, actor: &Caller) -> Result<(), String> {
    let key = bundle_key(key)?;
    let ctx = super::commands::context(actor);
    let exported = office.export_bundle_to(&ctx, file, &key, &super::seam::CallerFiles)?;
    println!(
        "{} {} nel pacchetto {} ({}).",
        if exported.messages == 1 {
            "Esportato"
        } else {
            "Esportati"
        },
        exported.what(),
        exported.bundle,
        file.display()
    );
    println!(
        "Da una macchina collegata, con la stessa chiave: alloggi outbox send-bundle {} --ricevute RICEVUTE --chiave-pacchetto CHIAVE",
        file.display()
    );
    Ok(())
}

fn import_receipts(
    office: &Office,
    file: &Path,
    key: &BundleKeyArg,
    actor: &Caller,
) -> Result<(), String> {
    let key = bundle_key(key)?;
    let receipts = Receipts::read_with(file, &key, super::seam::read)
        .map_err(|e| format!("ricevute rifiutate, nulla è cambiato: {e}"))?;
    let ctx = super::commands::context(actor);
    let applied = office.record_receipts(
        &ctx,
        &receipts.bundle,
        &receipts.bundle_digest,
        &receipts.receipts,
        &receipts.pagopa,
    )?;
    println!(
        "Ricevute del pacchetto {}: {} registrate, {} già registrate in precedenza.",
        receipts.bundle,
        count(applied.applied),
        count(applied.unchanged)
    );
    if !receipts.pagopa.is_empty() {
        println!(
            "Richieste per pagoPA: {} registrate, {} già registrate o sistemate nel frattempo.",
            count(applied.pagopa_applied),
            count(applied.pagopa_unchanged)
        );
    }
    if receipts.pagopa_not_sent > 0 {
        println!(
            "{}: tornano in attesa per la prossima sincronizzazione o il prossimo pacchetto.",
            plural(
                receipts.pagopa_not_sent,
                "richiesta per pagoPA non è partita",
                "richieste per pagoPA non sono partite"
            )
        );
    }
    if receipts.not_sent > 0 {
        println!(
            "{}: inviare di nuovo il pacchetto e registrare le nuove ricevute.",
            plural(
                receipts.not_sent,
                "messaggio non è partito",
                "messaggi non sono partiti"
            )
        );
    }
    Ok(())
}
