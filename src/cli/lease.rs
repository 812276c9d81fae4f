//! `alloggi contract …`: the lease after the assignment decree — the contract ready and the
//! signing appointment, each with its message in one transaction; the signature with the rent
//! of the rules in force; the leases read back.

use super::ContractCommand;
use super::args::{by_protocol, date};
use super::commands::context;
use crate::domain::appointment::Slot;
use crate::domain::lease::Lease;
use crate::domain::number::plural;
use crate::domain::time::{format_date, parse_datetime_rome};
use crate::office::{
    Caller, LeaseSigning, Office, Step, StepDone, contract_ready_step, signing_step,
};

pub fn run(office: &Office, command: ContractCommand, actor: &Caller) -> Result<(), String> {
    let ctx = context(actor);
    match command {
        ContractCommand::Ready {
            protocollo,
            anteprima,
        } => {
            office.comune()?;
            let app = by_protocol(office, &protocollo)?;
            let step = contract_ready_step(app.id);
            if anteprima {
                return preview(office, &ctx, &step);
            }
            let done = office.step(&ctx, &step)?;
            println!("Contratto della domanda {protocollo} pronto per la firma.");
            queued(&done);
        }
        ContractCommand::Appointment {
            protocollo,
            quando,
            dove,
            anteprima,
        } => {
            office.comune()?;
            let app = by_protocol(office, &protocollo)?;
            let slot = Slot {
                at: instant(&quando)?,
                place: dove,
            };
            let step = signing_step(app.id, slot);
            if anteprima {
                return preview(office, &ctx, &step);
            }
            let done = office.step(&ctx, &step)?;
            let booked = done.events.iter().find_map(|e| match &e.kind {
                crate::domain::EventKind::SigningBooked { appointment, .. } => {
                    Some(appointment.clone())
                }
                _ => None,
            });
            if let Some(appointment) = booked {
                println!(
                    "Appuntamento {} per la firma del contratto della domanda {protocollo}: {} alle {}, {}.",
                    appointment.booking_number,
                    crate::domain::time::format_ts_date(appointment.slot.at),
                    crate::domain::time::format_ts_time(appointment.slot.at),
                    appointment.slot.place
                );
            }
            queued(&done);
        }
        ContractCommand::Sign {
            protocollo,
            numero,
            data,
            decorrenza,
            firmatario,
            anteprima,
        } => {
            let app = by_protocol(office, &protocollo)?;
            let signing = LeaseSigning {
                number: numero,
                signed_on: date("--data", &data)?,
                starts_on: decorrenza
                    .as_deref()
                    .map(|d| date("--decorrenza", d))
                    .transpose()?,
                signatory: firmatario,
            };
            if anteprima {
                let preview = office.preview_signing(&ctx, app.id, &signing)?;
                print_lease(office, &preview.lease, &protocollo)?;
                println!("\nAnteprima: nulla è stato scritto.");
                return Ok(());
            }
            let lease = office.sign_lease(&ctx, app.id, &signing)?;
            println!("Contratto firmato.");
            print_lease(office, &lease, &protocollo)?;
        }
        ContractCommand::Show { protocollo } => {
            let app = by_protocol(office, &protocollo)?;
            let file = office.contract_file(app.id)?;
            match file.as_ref().and_then(|f| f.lease.as_ref()) {
                Some(lease) => print_lease(office, lease, &protocollo)?,
                None => {
                    let Some(file) = file else {
                        return Err(format!(
                            "nessun contratto per la domanda {}",
                            protocollo.trim()
                        ));
                    };
                    println!(
                        "Contratto della domanda {} per l'alloggio {}: non ancora firmato.",
                        protocollo.trim(),
                        file.dwelling
                    );
                    if let Some(on) = file.ready_on {
                        println!("Pronto per la firma dal {}.", format_date(on));
                    }
                    if let Some(id) = file.signing {
                        println!("Appuntamento per la firma: {id}.");
                    }
                }
            }
        }
        ContractCommand::List => {
            let today = crate::domain::time::rome_date(ctx.now);
            let leases = office.leases()?;
            for lease in &leases {
                println!(
                    "{:<20} {:<10} {:<28} firmato {}  dal {} al {}  canone {} €",
                    lease.number.as_str(),
                    lease.dwelling.as_str(),
                    lease.tenant.name,
                    format_date(lease.signed_on),
                    format_date(lease.starts_on),
                    format_date(lease.ends_on()),
                    lease.rent_on(today).format_plain()
                );
            }
            println!(
                "{}.",
                plural(leases.len(), "contratto firmato", "contratti firmati")
            );
        }
    }
    Ok(())
}

/// The lease in full: parties, dwelling, dates, deposit, rent and how it was computed.
pub(super) fn lease_lines(
    lease: &Lease,
    dwelling: Option<&crate::domain::stock::Dwelling>,
) -> Vec<String> {
    let mut lines = vec![
        format!("Contratto n. {}", lease.number),
        format!(
            "  Conduttore: {} ({}), nucleo di {}",
            lease.tenant.name,
            lease.tenant.fiscal_code,
            plural(lease.household_size, "persona", "persone")
        ),
        format!("  Firmato per l'ente da: {}", lease.signatory),
    ];
    lines.push(match dwelling {
        Some(d) => format!(
            "  Alloggio {}: {}, piano {}, {}, zona {}",
            d.code,
            d.address,
            d.floor,
            d.net_area,
            d.zone.label()
        ),
        None => format!("  Alloggio {}", lease.dwelling),
    });
    lines.extend([
        format!(
            "  Firmato il {}; decorrenza {}, scadenza {} ({})",
            format_date(lease.signed_on),
            format_date(lease.starts_on),
            format_date(lease.ends_on()),
            plural(usize::from(lease.terms.duration_years), "anno", "anni")
        ),
        format!(
            "  Rinnovo tacito: {}, fino al {}",
            plural(usize::from(lease.terms.renewal_years), "anno", "anni"),
            format_date(lease.renewed_until())
        ),
        format!(
            "  Deposito cauzionale: {} € ({})",
            lease.deposit.format_plain(),
            plural(
                usize::from(lease.terms.deposit_months),
                "mensilità",
                "mensilità"
            )
        ),
        format!(
            "  Canone mensile: {} € (tabella {}, fascia {})",
            lease.rent.monthly.format_plain(),
            lease.rent.version,
            lease.rent.band
        ),
        "  Calcolo del canone:".to_string(),
    ]);
    for (n, step) in lease.rent.steps.iter().enumerate() {
        lines.push(format!("    {}. {}", n + 1, step.text));
    }
    if let Some(isee) = &lease.isee {
        lines.push(format!(
            "  ISEE presentato: {} €, valido fino al {} (registrato il {} da {})",
            isee.isee.format_plain(),
            format_date(isee.valid_until),
            format_date(isee.recorded_on),
            isee.recorded_by
        ));
    }
    if !lease.history.is_empty() {
        lines.push("  Aggiornamenti del canone:".to_string());
    }
    for change in &lease.history {
        lines.push(format!("    Dal {}", change.describe()));
        for (n, step) in change.steps.iter().enumerate() {
            lines.push(format!("      {}. {}", n + 1, step.text));
        }
    }
    lines
}

fn print_lease(office: &Office, lease: &Lease, protocol: &str) -> Result<(), String> {
    let dwelling = office.dwelling(&lease.dwelling)?;
    for (n, line) in lease_lines(lease, dwelling.as_ref()).iter().enumerate() {
        if n == 0 {
            println!("{line} — domanda {}", protocol.trim());
        } else {
            println!("{line}");
        }
    }
    Ok(())
}

fn preview(office: &Office, ctx: &crate::domain::Context, step: &Step) -> Result<(), String> {
    let preview = office.preview_step(ctx, step)?;
    println!(
        "Messaggio a {}: «{}»\n\n{}",
        preview.addressee.fiscal_code,
        preview.message.content.subject,
        preview.message.content.markdown
    );
    if let Some(of) = preview.duplicate_of {
        println!("\nUn messaggio identico è già in coda ({of}): non verrebbe accodato.");
    }
    println!("\nAnteprima: nulla è stato scritto.");
    Ok(())
}

fn queued(done: &StepDone) {
    println!("Messaggio IO {} accodato: «{}».", done.queued, done.title);
}

/// A day and a time: the time may not be left out.
fn instant(text: &str) -> Result<crate::domain::time::Timestamp, String> {
    if text.split_whitespace().count() != 2 {
        return Err(format!(
            "--quando: «{}» non valido: indicare giorno e ora, gg/mm/aaaa hh:mm",
            text.trim()
        ));
    }
    parse_datetime_rome(text).map_err(|e| format!("--quando: {e}"))
}
