//! The assignment round as the console and the command line ask for it: opening it with its
//! message to every applicant, the next applicant for a dwelling with the requirements to
//! check again, offers in ranking order, the round's state.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::steps::StepPreview;
use super::{Office, OfficeError};
use crate::domain::command::Command;
use crate::domain::money::Money;
use crate::domain::stock::{
    Assessment, Dwelling, DwellingCode, DwellingState, Placement, Round, assess,
};
use crate::domain::{ApplicationId, Context, Event};
use crate::messages::Values;
use crate::messages::outbox::OutboxId;

/// The catalogue message the opening of a round sends to every applicant in it.
pub const ON_OPEN_ASSIGNMENT: &str = "apertura_assegnazione";
/// The catalogue message a decree sends to the assignee.
pub const ON_DECREE: &str = "assegnazione_dettagli";

/// What opening a round wrote and queued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundOpened {
    pub round: Round,
    pub queued: Vec<OutboxId>,
    pub duplicates: usize,
}

/// What opening a round now would do, with nothing written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpeningPreview {
    pub round: Round,
    /// The message the first applicant in ranking order gets.
    pub first: Option<StepPreview>,
}

/// A round with every place in ranking order and the dwellings free to offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundView {
    pub round: Round,
    pub placements: Vec<Placement>,
    pub free: Vec<Dwelling>,
}

/// What the caseworker checks again before an offer: the limits in force today against what
/// the application declares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recheck {
    pub isee: Money,
    /// The limit in force today: the active call's, for the household's size.
    pub isee_limit: Money,
    pub household: usize,
    /// Residence or work in the Comune, as declared.
    pub tie: String,
}

/// The next applicant for a dwelling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextOffer {
    pub dwelling: Dwelling,
    pub chosen: Option<(Placement, Recheck)>,
    /// Passed over before the chosen one, with why, in ranking order.
    pub skipped: Vec<(Placement, String)>,
    pub more_skipped: usize,
    /// Why the dwelling cannot be offered at all.
    pub not_free: Option<String>,
}

/// The dwellings free today and whether each suits an applicant's household.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlacementView {
    pub placement: Placement,
    pub round: Round,
    pub dwelling: Option<Dwelling>,
    pub free: Vec<(Dwelling, String, bool)>,
}

impl Office {
    /// The call named; else the one with a round, the active call's or the latest opened when
    /// several have one.
    pub fn round_call(&self, call: Option<&str>) -> Result<String, OfficeError> {
        if let Some(call) = call {
            return Ok(call.to_string());
        }
        let rounds = self.store.rounds()?;
        let active = self.store.active_call()?.map(|c| c.code);
        rounds
            .iter()
            .find(|r| Some(&r.call) == active.as_ref())
            .or_else(|| rounds.iter().max_by_key(|r| r.opened_at))
            .map(|r| r.call.clone())
            .ok_or_else(|| OfficeError::Refused("nessuna assegnazione aperta".into()))
    }

    /// The call named, or the active one.
    fn call_or_active(&self, call: Option<&str>) -> Result<String, OfficeError> {
        match call {
            Some(call) => Ok(call.to_string()),
            None => self.store.active_call()?.map(|c| c.code).ok_or_else(|| {
                OfficeError::Refused("nessun bando attivo: indicare --bando".into())
            }),
        }
    }

    /// What opening call `call`'s round would do: the domain's checks, the round, and the
    /// message its first applicant gets.
    pub fn preview_opening(
        &self,
        ctx: &Context,
        call: Option<&str>,
        opens_on: NaiveDate,
        closes_on: NaiveDate,
    ) -> Result<OpeningPreview, OfficeError> {
        let code = self.call_or_active(call)?;
        let command = Command::OpenAssignment {
            call: code.clone(),
            opens_on,
            closes_on,
        };
        let after = self.store.dry_run(&command, ctx)?;
        let round = after
            .round
            .ok_or_else(|| OfficeError::Failed("assegnazione senza turno".into()))?;
        let order = self.order(ON_OPEN_ASSIGNMENT, Values::new())?;
        let places = self.store.round_places(&code, &round, &order)?;
        let first = places.into_iter().next().map(|(_, draft)| StepPreview {
            reachable: self.reachable(&draft.addressee.fiscal_code),
            duplicate_of: None,
            template: draft.template,
            title: draft.title,
            addressee: draft.addressee,
            message: draft.message,
        });
        Ok(OpeningPreview { round, first })
    }

    /// Opens call `call`'s round (the active call when none is named) and tells every
    /// applicant in it, in one transaction.
    pub fn open_assignment(
        &self,
        ctx: &Context,
        call: Option<&str>,
        opens_on: NaiveDate,
        closes_on: NaiveDate,
    ) -> Result<RoundOpened, OfficeError> {
        let code = self.call_or_active(call)?;
        let order = self.order(ON_OPEN_ASSIGNMENT, Values::new())?;
        let opened = self
            .store
            .open_assignment(&code, opens_on, closes_on, ctx, &order)?;
        Ok(RoundOpened {
            round: opened.round,
            queued: opened.queued,
            duplicates: opened.duplicates,
        })
    }

    /// Call `call`'s round with every place and the free dwellings.
    pub fn round_view(&self, call: Option<&str>) -> Result<RoundView, OfficeError> {
        let code = self.round_call(call)?;
        let round = self.store.round(&code)?.ok_or_else(|| {
            OfficeError::Refused(format!("nessuna assegnazione aperta per il bando {code}"))
        })?;
        Ok(RoundView {
            placements: self.store.placements(&code)?,
            free: self.store.dwellings(Some(DwellingState::Libero))?,
            round,
        })
    }

    /// The first applicant in ranking order who may be offered dwelling `code`, with the
    /// requirements to check again and those passed over.
    pub fn next_offer(
        &self,
        call: Option<&str>,
        code: &DwellingCode,
    ) -> Result<NextOffer, OfficeError> {
        let round_call = self.round_call(call)?;
        let dwelling = self.store.dwelling(code)?.ok_or_else(|| {
            OfficeError::Refused(format!("alloggio {code} non nell'elenco degli alloggi"))
        })?;
        let call = self
            .store
            .call(&round_call)?
            .ok_or_else(|| OfficeError::Refused(format!("bando {round_call} inesistente")))?;
        if dwelling.state != DwellingState::Libero {
            let holder = self.store.holder(code)?;
            let why = match holder {
                Some(p) => format!(
                    "alloggio {}: tenuto da {} (posizione {})",
                    dwelling.state.label(),
                    p.applicant,
                    p.position
                ),
                None => format!("alloggio {}", dwelling.state.label()),
            };
            return Ok(NextOffer {
                dwelling,
                chosen: None,
                skipped: Vec::new(),
                more_skipped: 0,
                not_free: Some(why),
            });
        }
        let next = self
            .store
            .next_for(&round_call, &dwelling, &call.params.area_bands)?;
        let chosen = match next.chosen {
            Some(placement) => {
                let application =
                    self.store
                        .application(placement.application)?
                        .ok_or_else(|| {
                            OfficeError::Failed(format!(
                                "domanda {} assente",
                                placement.application
                            ))
                        })?;
                let household = application.household.members().len();
                // The limit in force today is the newest call's, the active one, not that of
                // the call the ranking came from.
                let in_force = self.store.active_call()?.unwrap_or_else(|| call.clone());
                let recheck = Recheck {
                    isee: application.declaration.isee,
                    isee_limit: in_force.isee_limit_for(household),
                    household,
                    tie: format!(
                        "{} nel Comune da {} anni",
                        application.declaration.tie.label(),
                        application.declaration.residence_years
                    ),
                };
                Some((placement, recheck))
            }
            None => None,
        };
        Ok(NextOffer {
            dwelling,
            chosen,
            skipped: next
                .skipped
                .into_iter()
                .map(|(p, why)| (p, why.reason()))
                .collect(),
            more_skipped: next.more_skipped,
            not_free: None,
        })
    }

    /// Offers dwelling `code` to application `id`, the requirements confirmed again today
    /// (`confirmed`) in the same transaction. An offer to other than the first applicant in
    /// ranking order who may have it needs `out_of_order`.
    pub fn make_offer(
        &self,
        ctx: &Context,
        id: ApplicationId,
        code: &DwellingCode,
        deadline: Option<NaiveDate>,
        out_of_order: Option<String>,
        confirmed: bool,
    ) -> Result<Vec<Event>, OfficeError> {
        let placement = self.store.placement(id)?.ok_or_else(|| {
            OfficeError::Refused("la domanda non è in un'assegnazione aperta".into())
        })?;
        let out_of_order = out_of_order.filter(|r| !r.trim().is_empty());
        if out_of_order.is_none() {
            let next = self.next_offer(Some(&placement.call), code)?;
            if let Some(why) = next.not_free {
                return Err(OfficeError::Refused(why));
            }
            match next.chosen {
                Some((first, _)) if first.application == id => {}
                Some((first, _)) => {
                    return Err(OfficeError::Refused(format!(
                        "fuori ordine di graduatoria: per l'alloggio {code} viene prima {} \
                         (posizione {}); per proporlo comunque indicare il motivo",
                        first.applicant, first.position
                    )));
                }
                None => {
                    let why = next
                        .skipped
                        .iter()
                        .find(|(p, _)| p.application == id)
                        .map(|(_, why)| why.clone())
                        .unwrap_or_else(|| "nessun richiedente adatto".into());
                    return Err(OfficeError::Refused(format!(
                        "l'alloggio {code} non può essere proposto a questo richiedente: {why}"
                    )));
                }
            }
        }
        let mut commands = Vec::new();
        if confirmed {
            commands.push(Command::ConfirmRequirements { id });
        }
        commands.push(Command::MakeOffer {
            id,
            dwelling: code.clone(),
            deadline,
            out_of_order,
        });
        self.execute_all(ctx, commands)
    }

    /// Application `id`'s place in its round, the dwelling it holds, and every free dwelling
    /// with whether it suits the household and why not.
    pub fn placement_view(&self, id: ApplicationId) -> Result<Option<PlacementView>, OfficeError> {
        let Some(placement) = self.store.placement(id)? else {
            return Ok(None);
        };
        let round = self.store.round(&placement.call)?.ok_or_else(|| {
            OfficeError::Failed(format!("assegnazione del bando {} assente", placement.call))
        })?;
        let bands = self
            .store
            .call(&placement.call)?
            .map(|c| c.params.area_bands)
            .unwrap_or_default();
        let dwelling = match placement.dwelling() {
            Some(code) => self.store.dwelling(code)?,
            None => None,
        };
        let free = self
            .store
            .dwellings(Some(DwellingState::Libero))?
            .into_iter()
            .map(|d| {
                let assessment = if placement.refusals.iter().any(|r| r.dwelling == d.code) {
                    None
                } else {
                    Some(assess(&d, placement.needs, &bands))
                };
                let (why, fits) = match assessment {
                    None => ("già rifiutato".to_string(), false),
                    Some(Assessment::Adequate) => ("adeguato".to_string(), true),
                    Some(other) => (other.reason(), false),
                };
                (d, why, fits)
            })
            .collect();
        Ok(Some(PlacementView {
            placement,
            round,
            dwelling,
            free,
        }))
    }
}
