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
use super::publication::{RankingHeader, objection_deadline, under_review};
use super::ranking::{Draw, RankingKind};
use super::ruleset::Ruleset;
use super::snapshot::{Snapshot, evolve};
use super::stock::{Dwelling, DwellingCode};
use super::time::Timestamp;

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
    /// The housing stock, by code.
    pub dwellings: BTreeMap<DwellingCode, Dwelling>,
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
            dwellings: dwelling_of(&event.kind)
                .and_then(|code| self.dwellings.remove_entry(code))
                .into_iter()
                .collect(),
            ..Snapshot::default()
        };
        let outcome = evolve(&mut snapshot, event);
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
        self.dwellings.append(&mut snapshot.dwellings);
        outcome
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

/// The dwelling an event changes, when it is one already known.
fn dwelling_of(kind: &EventKind) -> Option<&DwellingCode> {
    match kind {
        EventKind::DwellingChanged { dwelling } => Some(&dwelling.code),
        EventKind::DwellingStateChanged { code, .. } => Some(code),
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
