//! One application read from the command line: its case (the reading is recorded) and who
//! has read it.

use super::commands::context;
use crate::domain::lease::ContractFile;
use crate::domain::number::{count, plural};
use crate::domain::time::{format_date, format_ts, rome_date};
use crate::office::{ACCESS_PAGE, Caller, Channel, Office, PlacementView};

/// `alloggi show --protocollo P`: the application, its state and its history.
pub fn show(office: &Office, protocol: &str, actor: &Caller) -> Result<(), String> {
    let id = super::args::by_protocol(office, protocol)?.id;
    let case = office
        .open_case(&context(actor), id, Channel::CommandLine)?
        .ok_or_else(|| format!("nessuna domanda con protocollo «{}»", protocol.trim()))?;
    let app = &case.application;
    println!(
        "Domanda {} – {} ({})",
        protocol.trim(),
        app.applicant_name(),
        app.applicant_fiscal_code()
    );
    println!("Bando {}, stato: {}", app.call, app.state.label());
    if let Some(view) = office.placement_view(id)? {
        assignment(&view, rome_date(context(actor).now));
    }
    if let Some(file) = office.contract_file(id)? {
        contract(office, &file)?;
    }
    println!(
        "Storia ({}):",
        plural(case.events.len(), "evento", "eventi")
    );
    for (_, event) in &case.events {
        println!(
            "  {}  {}  {}",
            format_ts(event.at),
            event.who(),
            event.summary()
        );
    }
    Ok(())
}

/// The application's place in its round, the dwelling it holds, and the free dwellings with
/// whether each suits the household.
fn assignment(view: &PlacementView, today: chrono::NaiveDate) {
    let place = &view.placement;
    println!(
        "Assegnazione: posizione {}, {}",
        place.position,
        place.status_text(today)
    );
    if let Some(dwelling) = &view.dwelling {
        println!(
            "  alloggio {}: {}, piano {}, {}",
            dwelling.code, dwelling.address, dwelling.floor, dwelling.net_area
        );
    }
    if place.occupation_lapsed(today) {
        println!("  termine di occupazione scaduto: decadenza da decidere");
    }
    let adequate = view.free.iter().filter(|(_, _, fits)| *fits).count();
    println!(
        "  alloggi liberi: {} su {} adeguati al nucleo",
        adequate,
        view.free.len()
    );
    for (dwelling, why, _) in &view.free {
        println!("    {} {} — {why}", dwelling.code, dwelling.net_area);
    }
}

/// The «Contratto» block: the signed lease in full, or how far it has come.
fn contract(office: &Office, file: &ContractFile) -> Result<(), String> {
    match &file.lease {
        Some(lease) => {
            let dwelling = office.dwelling(&lease.dwelling)?;
            let mut lines = super::lease::lease_lines(lease, dwelling.as_ref()).into_iter();
            if let Some(first) = lines.next() {
                println!("Contratto: {}", first.trim_start_matches("Contratto "));
            }
            for line in lines {
                println!("{line}");
            }
        }
        None => {
            println!("Contratto: alloggio {}, non ancora firmato", file.dwelling);
            if let Some(on) = file.ready_on {
                println!("  pronto per la firma dal {}", format_date(on));
            }
            if let Some(id) = file.signing {
                println!("  appuntamento per la firma: {id}");
            }
        }
    }
    Ok(())
}

/// `alloggi accessi --protocollo P`: who opened the application, newest first.
pub fn accesses(office: &Office, protocol: &str) -> Result<(), String> {
    let id = super::args::by_protocol(office, protocol)?.id;
    let page = office.accesses(id)?;
    if page.total == 0 {
        println!(
            "Nessuna lettura registrata per la domanda {}.",
            protocol.trim()
        );
        return Ok(());
    }
    println!(
        "Letture della domanda {}: {}{}.",
        protocol.trim(),
        plural(page.total, "lettura", "letture"),
        if page.total > ACCESS_PAGE {
            format!(", le {} più recenti", count(ACCESS_PAGE))
        } else {
            String::new()
        }
    );
    for entry in &page.entries {
        let who = match &entry.on_behalf_of {
            Some(name) => format!("{} per conto di {name}", entry.actor),
            None => entry.actor.clone(),
        };
        println!(
            "  {}  {}  ({})",
            format_ts(entry.at),
            who,
            entry.channel.label()
        );
    }
    Ok(())
}
