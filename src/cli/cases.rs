//! One application read from the command line: its case (the reading is recorded) and who
//! has read it.

use super::commands::context;
use crate::domain::number::{count, plural};
use crate::domain::time::format_ts;
use crate::office::{ACCESS_PAGE, Caller, Channel, Office};

/// `alloggi show --protocollo P`: the application, its state and its history.
pub fn show(office: &Office, protocol: &str, actor: &Caller) -> Result<(), String> {
    let id = super::ranking::by_protocol(office, protocol)?.id;
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

/// `alloggi accessi --protocollo P`: who opened the application, newest first.
pub fn accesses(office: &Office, protocol: &str) -> Result<(), String> {
    let id = super::ranking::by_protocol(office, protocol)?.id;
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
