//! The records rebuilt from the audit log alone: every event, in order, applied through the
//! same `evolve` the commands use, to a world that holds every record at once. The store
//! compares the result with the records it keeps (`compare`), so a record changed behind
//! the log — an edited backup line, a sled tree written by hand — is named by record and field.
//!
//! What `evolve` does not determine is rebuilt here from the events that carry it: the header
//! of each published ranking (its rows are bound by the digest it carries) and the queued
//! messages' identity (who, which template, when; not their delivery state).

mod compare;

use std::collections::BTreeMap;

pub use compare::{Difference, differences};

use super::application::{Application, ApplicationId};
use super::appointment::{Appointment, AppointmentId};
use super::call::Call;
use super::error::DomainError;
use super::event::{Event, EventKind};
use super::interested::Interested;
use super::lease::ContractFile;
use super::publication::{RankingHeader, objection_deadline, under_review};
use super::ranking::{Draw, RankingKind};
use super::rent::{Month, RentNotice, RentRules, Tenancy};
use super::ruleset::Ruleset;
use super::snapshot::{Snapshot, evolve};
use super::stock::{Dwelling, DwellingCode, Placement, Round};
use super::time::Timestamp;
use super::workflows::Workflow;

/// Every record the audit log determines, by key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct World {
    pub applications: BTreeMap<ApplicationId, Application>,
    pub calls: BTreeMap<String, Call>,
    pub active_call: Option<String>,
    /// Each call's interested citizens, by call code then fiscal code.
    pub interested: BTreeMap<String, BTreeMap<String, Interested>>,
    pub appointments: BTreeMap<AppointmentId, Appointment>,
    /// Each call's point table, by call code.
    pub rulesets: BTreeMap<String, Ruleset>,
    /// Published ranking versions, by call code and number.
    pub rankings: BTreeMap<(String, u32), RankingHeader>,
    /// Messages entered in the outbox, by outbox number.
    pub messages: BTreeMap<u64, QueuedMessage>,
    pub dwellings: BTreeMap<DwellingCode, Dwelling>,
    /// Assignment rounds, by call code.
    pub rounds: BTreeMap<String, Round>,
    /// Places in the rounds, by application.
    pub placements: BTreeMap<ApplicationId, Placement>,
    /// Contract files, by application.
    pub contracts: BTreeMap<ApplicationId, ContractFile>,
    /// Rent rulesets, by version.
    pub rent_rules: BTreeMap<String, RentRules>,
    /// Rent notices, by tenancy and month.
    pub rent_notices: BTreeMap<(ApplicationId, Month), RentNotice>,
    /// The office's records of arrears, by tenancy.
    pub tenancies: BTreeMap<ApplicationId, Tenancy>,
}

/// What the audit log says of a message when it was queued.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct QueuedMessage {
    pub template: String,
    pub title: String,
    pub fiscal_code: String,
    pub application: Option<ApplicationId>,
    pub queued_at: Timestamp,
    pub queued_by: String,
}

impl World {
    /// The world the events build, in order from an empty database. An event that does not
    /// apply is named by its position (1-based, as the audit log's sequence numbers).
    pub fn replay<'e>(
        events: impl IntoIterator<Item = (u64, &'e Event)>,
    ) -> Result<World, (u64, DomainError)> {
        let mut world = World::default();
        for (seq, event) in events {
            world.apply(event).map_err(|e| (seq, e))?;
        }
        Ok(world)
    }

    /// Applies one event: builds the snapshot it needs from the world, runs `evolve`, stores
    /// what it left back.
    pub fn apply(&mut self, event: &Event) -> Result<(), DomainError> {
        match &event.kind {
            EventKind::RankingPublished { .. } | EventKind::LotsDrawn { .. } => {
                return self.publish(event);
            }
            EventKind::MessageQueued {
                outbox,
                template,
                title,
                fiscal_code,
                application,
            } => {
                self.messages.insert(
                    *outbox,
                    QueuedMessage {
                        template: template.clone(),
                        title: title.clone(),
                        fiscal_code: fiscal_code.clone(),
                        application: *application,
                        queued_at: event.at,
                        queued_by: event.actor.clone(),
                    },
                );
            }
            _ => {}
        }
        let in_stock = matches!(
            event.kind.workflow(),
            Workflow::Stock | Workflow::Assignment
        );
        let placement = event
            .application_id()
            .filter(|_| event.kind.workflow() == Workflow::Assignment)
            .and_then(|id| self.placements.remove(&id));
        let round_call = match (&event.kind, &placement) {
            (EventKind::AssignmentOpened { round, .. }, _) => Some(round.call.clone()),
            (_, Some(placement)) => Some(placement.call.clone()),
            _ => None,
        };
        if event.kind.workflow() == Workflow::Rent {
            return self.rent(event);
        }
        let contract = event
            .application_id()
            .filter(|_| event.kind.workflow() == Workflow::Lease)
            .and_then(|id| self.contracts.remove(&id));
        let call_code = call_of(&event.kind);
        let listed = call_code.and_then(|code| self.interested.remove(code));
        let had_list = listed.is_some();
        let mut snapshot = Snapshot {
            application: match &event.kind {
                EventKind::ApplicationReceived { .. } => None,
                _ => event
                    .application_id()
                    .and_then(|id| self.applications.remove(&id)),
            },
            call: call_code.and_then(|code| self.calls.remove(code)),
            active_call: self.active_call.clone(),
            interested: listed.unwrap_or_default(),
            appointment: appointment_of(&event.kind).and_then(|id| self.appointments.remove(&id)),
            ruleset: call_code.and_then(|code| self.rulesets.remove(code)),
            dwellings: if in_stock {
                std::mem::take(&mut self.dwellings)
            } else {
                BTreeMap::new()
            },
            round: round_call
                .as_ref()
                .and_then(|call| self.rounds.remove(call)),
            placement,
            contract,
            ..Snapshot::default()
        };
        let outcome = evolve(&mut snapshot, event);
        if in_stock {
            self.dwellings = std::mem::take(&mut snapshot.dwellings);
        }
        if let Some(round) = snapshot.round.take() {
            if let EventKind::AssignmentOpened { placed, .. } = &event.kind {
                self.place(&round, placed)?;
            }
            self.rounds.insert(round.call.clone(), round);
        }
        if let Some(placement) = snapshot.placement.take() {
            self.placements.insert(placement.application, placement);
        }
        if let Some(file) = snapshot.contract.take() {
            self.contracts.insert(file.application, file);
        }
        // Put back what was taken, changed or not, so that a failed event loses nothing.
        if let Some(app) = snapshot.application {
            self.applications.insert(app.id, app);
        }
        if let Some(call) = snapshot.call {
            self.calls.insert(call.code.clone(), call);
        }
        self.active_call = snapshot.active_call;
        if let Some(code) = call_code {
            // The store writes a call's list once a command changes it, and keeps it when it
            // empties; without a list, a change is a list that is no longer empty.
            if had_list || !snapshot.interested.is_empty() {
                self.interested
                    .insert(code.to_string(), snapshot.interested);
            }
            if let Some(ruleset) = snapshot.ruleset {
                self.rulesets.insert(code.to_string(), ruleset);
            }
        }
        if let Some(appointment) = snapshot.appointment {
            self.appointments.insert(appointment.id, appointment);
        }
        outcome
    }

    /// A rent event, with the tenancy's notices and record, the ruleset it names and the
    /// counter of notice numbers (rebuilt from the notices: it only grows).
    fn rent(&mut self, event: &Event) -> Result<(), DomainError> {
        let id = event.application_id();
        let rules_version = match &event.kind {
            EventKind::RentRulesSaved { rules } => Some(rules.version.clone()),
            _ => None,
        };
        let rent_notices: BTreeMap<Month, RentNotice> = match id {
            Some(id) => self
                .rent_notices
                .range((id, Month::MIN)..=(id, Month::MAX))
                .map(|((_, month), notice)| (*month, notice.clone()))
                .collect(),
            None => BTreeMap::new(),
        };
        let mut snapshot = Snapshot {
            rent_rules: rules_version
                .as_ref()
                .and_then(|version| self.rent_rules.get(version).cloned()),
            rent_notices,
            tenancy: id.and_then(|id| self.tenancies.get(&id).cloned()),
            ..Snapshot::default()
        };
        evolve(&mut snapshot, event)?;
        if let Some(rules) = snapshot.rent_rules {
            self.rent_rules.insert(rules.version.clone(), rules);
        }
        if let Some(tenancy) = snapshot.tenancy {
            self.tenancies.insert(tenancy.id, tenancy);
        }
        for (month, notice) in snapshot.rent_notices {
            self.rent_notices.insert((notice.tenancy, month), notice);
        }
        Ok(())
    }

    /// The places of a round just opened, as the store builds them from the applications.
    fn place(&mut self, round: &Round, placed: &[ApplicationId]) -> Result<(), DomainError> {
        for (index, id) in placed.iter().enumerate() {
            let application = self
                .applications
                .get(id)
                .ok_or(DomainError::UnknownApplication(*id))?;
            let position = u32::try_from(index + 1).unwrap_or(u32::MAX);
            self.placements
                .insert(*id, Placement::first(&round.call, position, application));
        }
        Ok(())
    }

    /// A published version's header, as the store's publication writes it: the event carries
    /// the counts and the rows' digest, the world at that moment the rest.
    fn publish(&mut self, event: &Event) -> Result<(), DomainError> {
        match &event.kind {
            EventKind::RankingPublished {
                call,
                number,
                kind,
                admitted,
                excluded,
                digest,
            } => {
                let known = self
                    .calls
                    .get(call)
                    .ok_or_else(|| DomainError::UnknownCall(call.clone()))?;
                let ruleset = self.rulesets.get(call).ok_or_else(|| {
                    DomainError::Internal(format!("graduatoria del bando {call} senza tabella"))
                })?;
                let of_call: Vec<Application> = self
                    .applications
                    .values()
                    .filter(|app| app.call == *call)
                    .cloned()
                    .collect();
                let header = RankingHeader {
                    call: call.clone(),
                    number: *number,
                    kind: *kind,
                    published_at: event.at,
                    by: event.actor.clone(),
                    ruleset: ruleset.name.clone(),
                    objection_deadline: (*kind == RankingKind::Provvisoria)
                        .then(|| objection_deadline(known, event.at)),
                    draw: None,
                    pending: under_review(&of_call),
                    admitted: *admitted,
                    excluded: *excluded,
                    digest: digest.clone(),
                };
                self.rankings.insert((call.clone(), *number), header);
                Ok(())
            }
            EventKind::LotsDrawn {
                call,
                number,
                seed,
                groups,
            } => {
                let header = self
                    .rankings
                    .get_mut(&(call.clone(), *number))
                    .ok_or_else(|| {
                        DomainError::Internal(format!(
                            "sorteggio per la graduatoria n. {number} del bando {call} non pubblicata"
                        ))
                    })?;
                header.draw = Some(Draw {
                    seed: *seed,
                    groups: groups.clone(),
                });
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

/// The call whose records an event changes, when it names one.
fn call_of(kind: &EventKind) -> Option<&str> {
    match kind {
        EventKind::CallSaved { call } => Some(&call.code),
        EventKind::CallPublished { code } => Some(code),
        EventKind::InterestedAdded { call, .. }
        | EventKind::InterestedRemoved { call, .. }
        | EventKind::RulesetSaved { call, .. } => Some(call),
        _ => None,
    }
}

/// The appointment an event changes, when it is an existing one.
fn appointment_of(kind: &EventKind) -> Option<AppointmentId> {
    match kind {
        EventKind::AppointmentRescheduled { id, .. }
        | EventKind::AppointmentCancelled { id, .. } => Some(*id),
        _ => None,
    }
}
