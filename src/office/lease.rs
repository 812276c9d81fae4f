//! The lease as the console and the command line ask for it: the steps that tell the
//! assignee the contract is ready and when to sign it, the signature with the rent computed
//! from the rules in force, and the leases read back.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::steps::Step;
use super::{Office, OfficeError};
use crate::domain::appointment::Slot;
use crate::domain::command::{Command, NewLease};
use crate::domain::lease::{ContractFile, Lease, LeaseTerms, RentFigures, lease_follows};
use crate::domain::money::Money;
use crate::domain::rent::{RentInput, compute};
use crate::domain::time::rome_date;
use crate::domain::{ApplicationId, Context, EventKind};
use crate::messages::Values;
use crate::store::{Store, StoreError};

/// The catalogue message that tells the assignee the contract is ready for the signature.
pub const ON_CONTRACT_READY: &str = "contratto_firma";
/// The catalogue message that gives the assignee the signing appointment.
pub const ON_SIGNING_BOOKED: &str = "appuntamento_firma";

/// What the refusal says when no rent rules are in force on the signing day.
pub const NO_RENT_RULES: &str =
    "nessuna tabella dei canoni in vigore: caricarla con alloggi rent rules FILE.toml";

/// A signature as the caseworker records it; the rent and the terms come from the rules.
/// A signature as it would be recorded: the lease, and the command that records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigningPreview {
    pub command: Command,
    pub lease: Lease,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseSigning {
    pub number: String,
    pub signed_on: NaiveDate,
    pub starts_on: Option<NaiveDate>,
    pub signatory: Option<String>,
}

/// The step that says the contract of application `id` is ready, with its message.
pub fn contract_ready_step(id: ApplicationId) -> Step {
    Step {
        command: Some(Command::ContractReady { id }),
        application: Some(id),
        template: ON_CONTRACT_READY.to_string(),
        typed: Values::new(),
    }
}

/// The step that books the signature of application `id`'s contract at `slot`, with its
/// message.
pub fn signing_step(id: ApplicationId, slot: Slot) -> Step {
    Step {
        command: Some(Command::BookSigning { id, slot }),
        application: Some(id),
        template: ON_SIGNING_BOOKED.to_string(),
        typed: Values::new(),
    }
}

impl Office {
    /// Records the signature of application `id`'s lease, at the rent the rules in force on
    /// the signing day give its household and dwelling, with their terms.
    pub fn sign_lease(
        &self,
        ctx: &Context,
        id: ApplicationId,
        signing: &LeaseSigning,
    ) -> Result<Lease, OfficeError> {
        let command = self.signing_command(ctx, id, signing)?;
        self.execute(ctx, &command)?
            .into_iter()
            .find_map(|event| match event.kind {
                EventKind::LeaseSigned { lease, .. } => Some(*lease),
                _ => None,
            })
            .ok_or_else(|| OfficeError::Failed("firma senza contratto".into()))
    }

    /// The lease [`Office::sign_lease`] would record now, and the command that records it:
    /// checked by the rules of the case, nothing written.
    pub fn preview_signing(
        &self,
        ctx: &Context,
        id: ApplicationId,
        signing: &LeaseSigning,
    ) -> Result<SigningPreview, OfficeError> {
        let command = self.signing_command(ctx, id, signing)?;
        let after = self.store.dry_run(&command, ctx)?;
        let lease = after
            .contract
            .and_then(|file| file.lease)
            .ok_or_else(|| OfficeError::Failed("firma senza contratto".into()))?;
        Ok(SigningPreview { command, lease })
    }

    /// The signature as a command: the rent the rules in force on the signing day give the
    /// household and the dwelling, with their terms.
    fn signing_command(
        &self,
        ctx: &Context,
        id: ApplicationId,
        signing: &LeaseSigning,
    ) -> Result<Command, OfficeError> {
        let application = self
            .store
            .application(id)?
            .ok_or_else(|| OfficeError::Refused(format!("domanda {id} inesistente")))?;
        let protocol = application
            .protocol
            .as_ref()
            .map_or_else(|| id.to_string(), ToString::to_string);
        let placement = self.store.placement(id)?;
        let contract = self.store.contract_file(id)?;
        let assigned = lease_follows(
            &protocol,
            placement.as_ref(),
            contract.as_ref(),
            rome_date(ctx.now),
        )
        .map_err(|e| OfficeError::Refused(e.to_string()))?;
        let dwelling = self.store.dwelling(assigned.dwelling)?.ok_or_else(|| {
            OfficeError::Refused(format!(
                "l'alloggio {} non è nell'elenco degli alloggi",
                assigned.dwelling
            ))
        })?;
        let rules = self
            .rent_rules_on(signing.signed_on)?
            .ok_or_else(|| OfficeError::Refused(NO_RENT_RULES.into()))?;
        let computation = compute(
            &rules,
            &RentInput {
                isee: Some(application.declaration.isee),
                net_area: dwelling.net_area,
                zone: dwelling.zone,
                household_size: application.household.members().len(),
            },
        );
        Ok(Command::SignLease {
            id,
            lease: Box::new(NewLease {
                number: signing.number.clone(),
                signed_on: signing.signed_on,
                starts_on: signing.starts_on,
                signatory: signing.signatory.clone(),
                terms: LeaseTerms {
                    duration_years: rules.terms.duration_years,
                    renewal_years: rules.terms.renewal_years,
                    deposit_months: rules.terms.deposit_months,
                },
                rent: RentFigures::from(computation),
            }),
        })
    }

    /// The ISEE the tenant of application `id` supplied, on the lease until `valid_until`.
    pub fn record_tenant_isee(
        &self,
        ctx: &Context,
        id: ApplicationId,
        isee: Money,
        valid_until: NaiveDate,
    ) -> Result<(), OfficeError> {
        self.execute(
            ctx,
            &Command::RecordTenantIsee {
                id,
                isee,
                valid_until,
            },
        )?;
        Ok(())
    }

    /// Application `id`'s contract file.
    pub fn contract_file(&self, id: ApplicationId) -> Result<Option<ContractFile>, OfficeError> {
        Ok(self.store.contract_file(id)?)
    }

    /// Every signed lease, in application order.
    pub fn leases(&self) -> Result<Vec<Lease>, OfficeError> {
        Ok(self
            .store
            .contract_files()?
            .into_iter()
            .filter_map(|file| file.lease)
            .collect())
    }
}

/// Where an assignee's contract stands, as the Contratti screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContractState {
    /// Decreed, the contract not yet said ready.
    ToPrepare,
    /// Said ready for the signature on that day.
    Ready { on: NaiveDate },
    /// The signature booked.
    Booked {
        at: crate::domain::time::Timestamp,
        place: String,
    },
    Signed {
        number: String,
        signed_on: NaiveDate,
    },
}

/// One assignee by decree and their contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractRow {
    pub id: ApplicationId,
    pub protocol: String,
    pub assignee: String,
    pub dwelling: crate::domain::stock::DwellingCode,
    pub decree_on: Option<NaiveDate>,
    pub state: ContractState,
    pub lease: Option<Lease>,
}

impl Office {
    /// Every assignee by decree, in every round, with their contract's state: the decrees
    /// first by date, then the leases signed without a placement still on record.
    pub fn contracts(&self) -> Result<Vec<ContractRow>, OfficeError> {
        use crate::domain::stock::Standing;
        let mut rows = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for round in self.store.rounds()? {
            for place in self.store.placements(&round.call)? {
                let Standing::Assegnato {
                    dwelling,
                    decree_on,
                    ..
                } = &place.standing
                else {
                    continue;
                };
                if !seen.insert(place.application) {
                    continue;
                }
                let file = self.store.contract_file(place.application)?;
                rows.push(ContractRow {
                    id: place.application,
                    protocol: place.protocol.clone(),
                    assignee: place.applicant.clone(),
                    dwelling: dwelling.clone(),
                    decree_on: Some(*decree_on),
                    state: contract_state(&self.store, file.as_ref())?,
                    lease: file.and_then(|f| f.lease),
                });
            }
        }
        for file in self.store.contract_files()? {
            if seen.contains(&file.application) {
                continue;
            }
            rows.push(undecreed_row(&self.store, file)?);
        }
        rows.sort_by(|a, b| a.decree_on.cmp(&b.decree_on).then(a.id.cmp(&b.id)));
        Ok(rows)
    }
}

/// Application `id`'s contract as the Contratti screen lists it: after its decree, or once a
/// contract file exists; None before.
pub fn contract_row(store: &Store, id: ApplicationId) -> Result<Option<ContractRow>, StoreError> {
    use crate::domain::stock::Standing;
    let file = store.contract_file(id)?;
    if let Some(place) = store.placement(id)?
        && let Standing::Assegnato {
            dwelling,
            decree_on,
            ..
        } = &place.standing
    {
        return Ok(Some(ContractRow {
            id,
            protocol: place.protocol.clone(),
            assignee: place.applicant.clone(),
            dwelling: dwelling.clone(),
            decree_on: Some(*decree_on),
            state: contract_state(store, file.as_ref())?,
            lease: file.and_then(|f| f.lease),
        }));
    }
    file.map(|file| undecreed_row(store, file)).transpose()
}

/// A contract file whose placement is no longer on record.
fn undecreed_row(store: &Store, file: ContractFile) -> Result<ContractRow, StoreError> {
    let app = store.application(file.application)?;
    Ok(ContractRow {
        id: file.application,
        protocol: app
            .as_ref()
            .and_then(|a| a.protocol.as_ref())
            .map_or_else(|| file.application.to_string(), ToString::to_string),
        assignee: app.as_ref().map(|a| a.applicant_name()).unwrap_or_default(),
        dwelling: file.dwelling.clone(),
        decree_on: None,
        state: contract_state(store, Some(&file))?,
        lease: file.lease,
    })
}

fn contract_state(store: &Store, file: Option<&ContractFile>) -> Result<ContractState, StoreError> {
    let Some(file) = file else {
        return Ok(ContractState::ToPrepare);
    };
    if let Some(lease) = &file.lease {
        return Ok(ContractState::Signed {
            number: lease.number.to_string(),
            signed_on: lease.signed_on,
        });
    }
    if let Some(id) = file.signing
        && let Some(appointment) = store.appointment(id)?
    {
        return Ok(ContractState::Booked {
            at: appointment.slot.at,
            place: appointment.slot.place,
        });
    }
    Ok(match file.ready_on {
        Some(on) => ContractState::Ready { on },
        None => ContractState::ToPrepare,
    })
}
