//! `alloggi rent …`: the rent rules, the month's notices and their sync with pagoPA, counter
//! payments, reminders, missed payments, a tenant's account and the office's decisions on
//! arrears.

use std::sync::atomic::AtomicBool;

use chrono::{Datelike, NaiveDate};

use super::RentCommand;
use super::args::{by_protocol, date};
use super::commands::context;
use super::progress::Progress;
use crate::domain::money::Money;
use crate::domain::notice::NoticeNumber;
use crate::domain::number::plural;
use crate::domain::rent::{GpdState, InnocentCause, Month, PaymentChannel, RentNotice};
use crate::domain::time::{format_date, rome_date};
use crate::messages::text::clean_line;
use crate::office::{Caller, Office, RentBatch};

pub fn run(office: &Office, command: RentCommand, actor: &Caller) -> Result<(), String> {
    let ctx = context(actor);
    let today = rome_date(ctx.now);
    match command {
        RentCommand::Rules { file, controlla } => rules(office, &file, controlla, &ctx)?,
        RentCommand::Issue { mese } => {
            let month = Month::parse(&mese).map_err(|e| format!("--mese: {e}"))?;
            let stop = AtomicBool::new(false);
            let progress = Progress::bar(&format!("Avvisi di {}", month.label()), 0);
            let batch = office
                .issue_rent_month(&ctx, month, &stop, &mut |b| progress.set(b.done, b.total))?;
            drop(progress);
            println!(
                "Avvisi del canone di {}: {}, {} già prima.",
                month.label(),
                plural(batch.committed, "emesso", "emessi"),
                plural(batch.skipped, "emesso", "emessi")
            );
            if batch.committed > 0 {
                println!(
                    "Messaggi «Hai un nuovo avviso di pagamento» accodati; le posizioni saranno create su pagoPA con «alloggi rent sync»."
                );
            }
        }
        RentCommand::Sync { durata_massima } => sync(office, actor, &durata_massima)?,
        RentCommand::Remind { entro } => {
            office.comune()?;
            let stop = AtomicBool::new(false);
            let progress = Progress::bar("Promemoria di scadenza", 0);
            let batch =
                office.remind_rent(&ctx, entro, &stop, &mut |b| progress.set(b.done, b.total))?;
            drop(progress);
            println!(
                "Avvisi in scadenza entro {}: {} accodati «Hai un pagamento in scadenza».",
                plural(entro as usize, "giorno", "giorni"),
                batch.committed
            );
            skipped_line(&batch);
        }
        RentCommand::Overdue => {
            office.comune()?;
            let stop = AtomicBool::new(false);
            let progress = Progress::bar("Avvisi scaduti", 0);
            let (batch, flagged) =
                office.tell_rent_overdue(&ctx, &stop, &mut |b| progress.set(b.done, b.total))?;
            drop(progress);
            println!(
                "Avvisi scaduti senza pagamento: {} accodati «Pagamento non effettuato».",
                batch.committed
            );
            skipped_line(&batch);
            for row in &flagged {
                println!(
                    "Segnalata per la decadenza: {} {} ({} mensilità, {} €).",
                    row.protocol,
                    clean_line(&row.tenant),
                    row.ledger.months_in_arrears,
                    row.ledger.arrears.format_plain()
                );
            }
        }
        RentCommand::Paid { avviso, data } => {
            let nav = NoticeNumber::parse(&avviso).map_err(|e| format!("--avviso: {e}"))?;
            let paid_on = date("--data", &data)?;
            let notice = office.record_counter_payment(&ctx, &nav, paid_on)?;
            println!(
                "Avviso {} ({} €, canone di {}) pagato il {}: pagoPA sarà informato alla prossima sincronizzazione (alloggi rent sync).",
                notice.notice.grouped(),
                notice.amount.format_plain(),
                notice.month.label(),
                format_date(paid_on)
            );
        }
        RentCommand::Show { protocollo } => {
            let app = by_protocol(office, &protocollo)?;
            let account = office.tenant_account(app.id, today)?;
            println!(
                "Conto del canone di {} ({}).",
                clean_line(&app.applicant_name()),
                protocollo.trim()
            );
            for notice in &account.notices {
                println!("{}", notice_line(notice, today));
            }
            let l = &account.ledger;
            println!(
                "Emesso {} €, pagato {} €, scaduto e non pagato {} € ({} mensilità), da pagare non ancora scaduto {} €.",
                l.issued.format_plain(),
                l.paid.format_plain(),
                l.arrears.format_plain(),
                l.months_in_arrears,
                l.current.format_plain()
            );
            if let Some(tenancy) = &account.tenancy {
                if let Some((on, months)) = tenancy.flagged {
                    println!(
                        "Segnalata per la decadenza il {} ({months} mensilità).",
                        format_date(on)
                    );
                }
                if let Some(why) = tenancy.suspension() {
                    println!("Decadenza sospesa: {why}.");
                }
            }
        }
        RentCommand::Requeue { pacchetto, motivo } => {
            let back = office.requeue_bundled_gpd(&ctx, pacchetto.trim(), &motivo)?;
            println!(
                "{} del pacchetto {}: di nuovo in attesa per la prossima sincronizzazione o il prossimo pacchetto.",
                plural(back, "richiesta per pagoPA", "richieste per pagoPA"),
                pacchetto.trim()
            );
        }
        RentCommand::Arrears => {
            let rows = office.arrears(today)?;
            if rows.is_empty() {
                println!("Nessun canone scaduto e non pagato.");
            }
            for row in rows {
                println!(
                    "{:>3} mesi  {:>10} €  {:<14} {:<28} {}",
                    row.ledger.months_in_arrears,
                    row.ledger.arrears.format_plain(),
                    row.protocol,
                    clean_line(&row.tenant).chars().take(28).collect::<String>(),
                    match (&row.suspension, row.flagged) {
                        (Some(why), _) => format!("sospesa: {why}"),
                        (None, Some(on)) =>
                            format!("segnalata per la decadenza il {}", format_date(on)),
                        (None, None) => String::new(),
                    }
                );
            }
        }
        RentCommand::Innocent {
            protocollo,
            causa,
            documenti,
        } => {
            let app = by_protocol(office, &protocollo)?;
            let cause = InnocentCause::parse(&causa).map_err(|e| format!("--causa: {e}"))?;
            office.record_innocent_arrears(&ctx, app.id, cause, &documenti)?;
            println!(
                "Morosità incolpevole riconosciuta per {} ({}): la decadenza non parte.",
                protocollo.trim(),
                cause.label()
            );
        }
        RentCommand::Isee {
            protocollo,
            isee,
            valida_fino,
        } => {
            let app = by_protocol(office, &protocollo)?;
            let amount = Money::parse(&isee).map_err(|e| format!("--isee: {e}"))?;
            let valid_until = match valida_fino {
                Some(text) => date("--valida-fino", &text)?,
                None => end_of_year(today),
            };
            office.record_tenant_isee(&ctx, app.id, amount, valid_until)?;
            println!(
                "ISEE di {} € registrato per {} ({}), valido fino al {}: vale per l'aggiornamento del canone (alloggi rent recompute).",
                amount.format_plain(),
                clean_line(&app.applicant_name()),
                protocollo.trim(),
                format_date(valid_until)
            );
        }
        RentCommand::Recompute { dal, conferma } => {
            let from = date("--dal", &dal)?;
            super::recompute::run(office, &ctx, from, conferma)?;
        }
        RentCommand::Plan {
            protocollo,
            rate,
            dal,
        } => {
            let app = by_protocol(office, &protocollo)?;
            let from = dal
                .as_deref()
                .map(|m| Month::parse(m).map_err(|e| format!("--dal: {e}")))
                .transpose()?;
            let tenancy = office.agree_repayment_plan(&ctx, app.id, rate, from)?;
            if let Some(plan) = tenancy.plan {
                println!(
                    "Piano di rientro per {}: {} € in {} rate da {} € sugli avvisi da {} in poi; gli avvisi scaduti passano nel piano e saranno annullati su pagoPA.",
                    protocollo.trim(),
                    plan.total.format_plain(),
                    plan.instalments,
                    plan.instalment.format_plain(),
                    plan.from.label()
                );
            }
        }
    }
    Ok(())
}

/// The file is read here, on the caller's side; the office checks and saves the rules.
fn rules(
    office: &Office,
    file: &std::path::Path,
    only_check: bool,
    ctx: &crate::domain::Context,
) -> Result<(), String> {
    let name = file.display().to_string();
    let text = super::seam::read_text(file).map_err(|reason| {
        crate::files::rent_toml::RentFileError {
            file: name.clone(),
            line: 0,
            reason,
        }
        .to_string()
    })?;
    let rules = crate::files::rent_toml::parse(&name, &text).map_err(|e| e.to_string())?;
    let summary = format!(
        "«{}» versione {}, in vigore dal {}: {} fasce ({}), minimo {} €{}",
        rules.name,
        rules.version,
        format_date(rules.effective_from),
        rules.bands.len(),
        rules
            .bands
            .iter()
            .map(|b| b.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        rules.minimum.format_plain(),
        if rules.example {
            " (regole di ESEMPIO: vanno sostituite con quelle della Regione o del Comune)"
        } else {
            ""
        }
    );
    if only_check {
        println!("Regole valide {summary}.");
        return Ok(());
    }
    office.save_rent_rules(ctx, rules)?;
    println!("Regole dei canoni caricate: {summary}.");
    Ok(())
}

fn sync(office: &Office, actor: &Caller, time_limit: &str) -> Result<(), String> {
    let time_limit =
        super::duration::parse(time_limit).map_err(|e| format!("--durata-massima: {e}"))?;
    let creditor = office.comune()?.creditor()?;
    let config = crate::gpd::GpdConfig::from_env().map_err(|e| e.to_string())?;
    let client = crate::gpd::GpdClient::new(config).map_err(|e| e.to_string())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("avvio non riuscito: {e}"))?;
    let stop = std::sync::Arc::new(AtomicBool::new(false));
    let syncer = office
        .gpd_syncer(client, creditor, &actor.user)
        .with_time_limit(time_limit);
    let progress = Progress::bar("Sincronizzazione con pagoPA", 0);
    let report = runtime
        .block_on(syncer.run(&stop, &|done, total| progress.set(done, total)))
        .map_err(|e| e.to_string())?;
    drop(progress);
    println!("pagoPA: {}.", report.summary());
    for warning in &report.warnings {
        println!("Attenzione: {}", clean_line(warning));
    }
    if let Some(reason) = report.stopped {
        return Err(reason);
    }
    Ok(())
}

fn skipped_line(batch: &RentBatch) {
    if batch.skipped > 0 {
        println!(
            "{} saltati{}.",
            batch.skipped,
            batch
                .first_skip
                .as_ref()
                .map(|why| format!(" (il primo: {why})"))
                .unwrap_or_default()
        );
    }
}

/// One notice on one line: month, number, amount, due day, and how it stands.
pub(super) fn notice_line(notice: &RentNotice, today: NaiveDate) -> String {
    let state = match (&notice.payment, &notice.rescheduled) {
        (Some(payment), _) => format!(
            "pagato il {}{}",
            format_date(payment.paid_on),
            match payment.channel {
                PaymentChannel::PagoPa => " (pagoPA)",
                PaymentChannel::Sportello => " (sportello)",
            }
        ),
        (None, Some(_)) => "nel piano di rientro".to_string(),
        (None, None) if notice.is_late(today) => "scaduto".to_string(),
        (None, None) => "da pagare".to_string(),
    };
    let gpd = match &notice.gpd {
        GpdState::Published { .. } if notice.exported.is_none() => String::new(),
        _ => format!(", {}", notice.gpd_label()),
    };
    format!(
        "{}  {}  {:>9} €  scad. {}  {state}{gpd}",
        notice.month,
        notice.notice.grouped(),
        notice.amount.format_plain(),
        format_date(notice.due)
    )
}

/// An ISEE attestation expires on 31 December of its year.
fn end_of_year(day: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(day.year(), 12, 31).unwrap_or(day)
}
