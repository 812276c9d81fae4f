//! Checks the stock's commands.

use std::collections::BTreeSet;

use crate::domain::command::Command;
use crate::domain::error::DomainError;
use crate::domain::event::{Event, EventKind};
use crate::domain::limits;
use crate::domain::stock::{Dwelling, DwellingState};
use crate::domain::time::rome_date;
use crate::domain::workflows::{Given, non_empty};

/// The most dwellings one import may carry.
pub(crate) const MAX_DWELLINGS_PER_SAVE: usize = 20_000;

pub(super) fn decide(given: &Given<'_>) -> Result<Vec<Event>, DomainError> {
    let snapshot = given.snapshot;
    Ok(match given.command {
        Command::SaveDwellings { dwellings } => {
            if dwellings.is_empty() {
                return Err(DomainError::invalid("alloggi", "nessun alloggio da salvare"));
            }
            if dwellings.len() > MAX_DWELLINGS_PER_SAVE {
                return Err(DomainError::invalid(
                    "alloggi",
                    format!("al massimo {MAX_DWELLINGS_PER_SAVE} alloggi per volta"),
                ));
            }
            let mut seen = BTreeSet::new();
            let mut events = Vec::new();
            for dwelling in dwellings {
                if !seen.insert(&dwelling.code) {
                    return Err(DomainError::invalid(
                        "codice",
                        format!("alloggio {} presente due volte", dwelling.code),
                    ));
                }
                let dwelling = valid(dwelling, given)?;
                match snapshot.dwellings.get(&dwelling.code) {
                    None if dwelling.state == DwellingState::Proposto => {
                        return Err(in_round(&dwelling, "un alloggio nuovo non può essere proposto"));
                    }
                    None => events.push(given.event(
                        EventKind::DwellingAdded {
                            dwelling: Box::new(dwelling),
                        },
                        None,
                    )),
                    Some(stored) if *stored == dwelling => {}
                    Some(stored) => {
                        if stored.state != dwelling.state
                            && (stored.state == DwellingState::Proposto
                                || dwelling.state == DwellingState::Proposto)
                        {
                            return Err(in_round(
                                &dwelling,
                                "lo stato «proposto» lo danno e lo tolgono le proposte dell'assegnazione",
                            ));
                        }
                        events.push(given.event(
                            EventKind::DwellingChanged {
                                dwelling: Box::new(dwelling),
                            },
                            None,
                        ));
                    }
                }
            }
            events
        }
        Command::ChangeDwellingState {
            code,
            state,
            reason,
        } => {
            let reason = non_empty(&Some(reason.clone())).ok_or(DomainError::MissingReason)?;
            let dwelling = snapshot.dwellings.get(code).ok_or_else(|| {
                DomainError::invalid("alloggio", format!("{code} non è nell'elenco degli alloggi"))
            })?;
            if !matches!(
                state,
                DwellingState::Libero | DwellingState::InLavori | DwellingState::NonAssegnabile
            ) {
                return Err(DomainError::invalid(
                    "stato",
                    format!(
                        "«{}» lo danno la proposta e il provvedimento di assegnazione",
                        state.label()
                    ),
                ));
            }
            if dwelling.state == DwellingState::Proposto {
                return Err(DomainError::invalid(
                    "stato",
                    format!(
                        "l'alloggio {code} ha una proposta aperta: prima la risposta o il suo ritiro"
                    ),
                ));
            }
            if dwelling.state == *state {
                return Err(DomainError::invalid(
                    "stato",
                    format!("l'alloggio {code} è già {}", state.label()),
                ));
            }
            vec![given.event(
                EventKind::DwellingStateChanged {
                    code: code.clone(),
                    from: dwelling.state,
                    to: *state,
                },
                Some(reason),
            )]
        }
        _ => return Err(given.misrouted()),
    })
}

fn in_round(dwelling: &Dwelling, why: &str) -> DomainError {
    DomainError::invalid("stato", format!("alloggio {}: {why}", dwelling.code))
}

/// A dwelling's fields within their bounds, text trimmed.
fn valid(dwelling: &Dwelling, given: &Given<'_>) -> Result<Dwelling, DomainError> {
    let mut dwelling = dwelling.clone();
    let code = &dwelling.code;
    let fail = |field: &'static str, why: String| {
        DomainError::invalid(field, format!("alloggio {code}: {why}"))
    };
    dwelling.address = dwelling.address.trim().to_string();
    if dwelling.address.is_empty() {
        return Err(fail("indirizzo", "mancante".into()));
    }
    limits::check_line("indirizzo", &dwelling.address, limits::ADDRESS)?;
    dwelling.staircase = dwelling
        .staircase
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    if let Some(staircase) = &dwelling.staircase {
        limits::check_line("scala", staircase, 10)?;
    }
    if !(-3..=40).contains(&dwelling.floor) {
        return Err(fail("piano", format!("{} fuori da -3…40", dwelling.floor)));
    }
    if !(1..=20).contains(&dwelling.rooms) {
        return Err(fail("vani", format!("{} fuori da 1…20", dwelling.rooms)));
    }
    if dwelling.net_area.hundredths() == 0 {
        return Err(fail("superficie utile", "zero".into()));
    }
    if dwelling.conventional_area.hundredths() == 0 {
        return Err(fail("superficie convenzionale", "zero".into()));
    }
    let today = rome_date(given.ctx.now);
    if let Some(year) = dwelling.year_built {
        let this_year = u16::try_from(chrono::Datelike::year(&today)).unwrap_or(u16::MAX);
        if !(1800..=this_year).contains(&year) {
            return Err(fail(
                "anno",
                format!("{year} fuori da 1800…{this_year}"),
            ));
        }
    }
    if dwelling.vacant_since.is_some_and(|since| since > today) {
        return Err(fail("libero dal", "data nel futuro".into()));
    }
    Ok(dwelling)
}
