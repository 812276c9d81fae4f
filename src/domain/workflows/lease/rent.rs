//! Checks the commands on a signed lease's rent: the tenant's ISEE on file and the rent's
//! changes, each kept in the lease's history.

use chrono::{Datelike, NaiveDate};

use crate::domain::appointment::validate_text;
use crate::domain::command::Command;
use crate::domain::error::DomainError;
use crate::domain::event::{Event, EventKind};
use crate::domain::lease::{Lease, RentChange, TenantIsee};
use crate::domain::time::{format_date, rome_date};
use crate::domain::workflows::Given;

/// The longest reason a rent change keeps.
pub const REASON_MAX: usize = 200;

pub(super) fn decide(given: &Given<'_>) -> Result<Vec<Event>, DomainError> {
    let today = rome_date(given.ctx.now);
    Ok(match given.command {
        Command::RecordTenantIsee {
            id,
            isee,
            valid_until,
        } => {
            let lease = signed(given)?;
            if *valid_until < today {
                return Err(DomainError::invalid(
                    "valida fino",
                    format!(
                        "l'attestazione ISEE è scaduta il {}: serve quella in corso di validità",
                        format_date(*valid_until)
                    ),
                ));
            }
            // An ISEE expires at the end of its year: one for next year is the furthest ahead.
            let furthest = NaiveDate::from_ymd_opt(today.year() + 1, 12, 31).unwrap_or(today);
            if *valid_until > furthest {
                return Err(DomainError::invalid(
                    "valida fino",
                    format!(
                        "un'attestazione ISEE vale fino al 31 dicembre del suo anno: al più tardi il {}",
                        format_date(furthest)
                    ),
                ));
            }
            if lease
                .isee
                .as_ref()
                .is_some_and(|on_file| on_file.isee == *isee && on_file.valid_until == *valid_until)
            {
                return Err(DomainError::invalid(
                    "ISEE",
                    format!(
                        "ISEE di {} € valido fino al {} già registrato",
                        isee.format_plain(),
                        format_date(*valid_until)
                    ),
                ));
            }
            vec![given.event(
                EventKind::TenantIseeRecorded {
                    id: *id,
                    isee: TenantIsee {
                        isee: *isee,
                        valid_until: *valid_until,
                        recorded_on: today,
                        recorded_by: given.ctx.actor.clone(),
                    },
                },
                None,
            )]
        }
        Command::ChangeRent {
            id,
            on,
            rent,
            reason,
        } => {
            let lease = signed(given)?;
            if *on < lease.starts_on {
                return Err(DomainError::invalid(
                    "dal",
                    format!(
                        "prima della decorrenza del contratto n. {}, il {}",
                        lease.number,
                        format_date(lease.starts_on)
                    ),
                ));
            }
            if let Some(last) = lease.history.last()
                && *on < last.on
            {
                return Err(DomainError::invalid(
                    "dal",
                    format!(
                        "prima dell'ultimo aggiornamento del canone, in vigore dal {}",
                        format_date(last.on)
                    ),
                ));
            }
            if rent.monthly.is_zero() {
                return Err(DomainError::invalid("canone", "canone mensile a zero"));
            }
            let version = validate_text("tabella dei canoni", &rent.version, 60)?;
            let band = validate_text("fascia", &rent.band, 60)?;
            let reason = validate_text("motivo", reason, REASON_MAX)?;
            let from = lease.rent_on(*on);
            if from == rent.monthly && lease.band_on(*on) == band && lease.version_on(*on) == version
            {
                return Err(DomainError::invalid(
                    "canone",
                    format!(
                        "il {} il canone è già di {} € (tabella {version}, fascia {band}): nulla da cambiare",
                        format_date(*on),
                        from.format_plain()
                    ),
                ));
            }
            vec![given.event(
                EventKind::RentChanged {
                    id: *id,
                    change: Box::new(RentChange {
                        on: *on,
                        from,
                        to: rent.monthly,
                        version,
                        reason,
                        band,
                        steps: rent.steps.clone(),
                    }),
                },
                None,
            )]
        }
        _ => return Err(given.misrouted()),
    })
}

/// The application's signed lease, or why the rent cannot follow it yet.
fn signed<'a>(given: &Given<'a>) -> Result<&'a Lease, DomainError> {
    given
        .snapshot
        .contract
        .as_ref()
        .and_then(|file| file.lease.as_ref())
        .ok_or_else(|| {
            let who = given
                .snapshot
                .application
                .as_ref()
                .and_then(|app| app.protocol.as_ref())
                .map_or_else(|| "la domanda".to_string(), |p| format!("la domanda {p}"));
            DomainError::invalid(
                "contratto",
                format!(
                    "{who} non ha un contratto firmato: ISEE e canone si registrano dopo la firma \
                     (alloggi contract sign)"
                ),
            )
        })
}
