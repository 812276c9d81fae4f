//! `check`'s comparison of the records with the audit log: the log's events replayed from an
//! empty database (`domain::replay`) must give back every record kept, field by field. A
//! record changed behind the log — an edited backup line, a tree written by hand — is named.
//! `restore` runs `check`, so a backup whose records disagree with its log is refused.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;

use super::audit_index::decode_entry;
use super::check::IntegrityReport;
use super::workflows::assignment::{PLACEMENTS, ROUNDS};
use super::workflows::lease::LEASES;
use super::workflows::rent::{RENT_NOTICES, RENT_RULES, TENANCIES};
use super::workflows::stock::DWELLINGS;
use super::{Store, StoreError, keys};
use crate::domain::lease::ContractFile;
use crate::domain::publication::RankingHeader;
use crate::domain::rent::{RentNotice, RentRules, Tenancy};
use crate::domain::replay::{QueuedMessage, World, differences};
use crate::domain::stock::{Dwelling, Placement, Round};
use crate::messages::outbox::OutboxEntry;

impl Store {
    pub(super) fn check_replay(&self, report: &mut IntegrityReport) -> Result<(), StoreError> {
        let mut world = World::default();
        for item in self.tree(keys::AUDIT).iter() {
            let (key, value) = item?;
            let (seq, event) = match decode_entry(&key, &value) {
                Ok(entry) => entry,
                Err(e) => {
                    report.problems.push(format!(
                        "registro: {e}; i dati non sono confrontabili con il registro"
                    ));
                    return Ok(());
                }
            };
            if let Err(e) = world.apply(&event) {
                report.problems.push(format!(
                    "registro: la voce {seq} ({}) non si applica ai dati che la precedono ({e}); \
                     i dati non sono confrontabili con il registro",
                    event.kind_name()
                ));
                return Ok(());
            }
        }
        let stored = self.stored_world()?;
        report
            .problems
            .extend(differences(&world, &stored).iter().map(ToString::to_string));
        Ok(())
    }

    /// The records as kept. One that does not decode is left out, so it reads as missing;
    /// the part that owns it reports it as unreadable too.
    fn stored_world(&self) -> Result<World, StoreError> {
        let active: Option<Option<String>> = self.get_json(keys::META, keys::META_ACTIVE_CALL)?;
        Ok(World {
            applications: self
                .decoded(keys::APPLICATIONS, |app: &crate::domain::Application| {
                    app.id
                })?,
            calls: self.decoded(keys::CALLS, |call: &crate::domain::Call| call.code.clone())?,
            active_call: active.flatten(),
            interested: self.decoded_by_key(keys::INTERESTED)?,
            appointments: self.decoded(
                keys::APPOINTMENTS,
                |appointment: &crate::domain::appointment::Appointment| appointment.id,
            )?,
            rulesets: self.decoded_by_key(keys::RULESETS)?,
            rankings: self.decoded(keys::RANKINGS, |header: &RankingHeader| {
                (header.call.clone(), header.number)
            })?,
            messages: self
                .decoded(keys::OUTBOX, |entry: &OutboxEntry| entry.id.0)?
                .into_iter()
                .map(|(id, entry)| {
                    let message = QueuedMessage {
                        template: entry.template,
                        title: entry.title,
                        fiscal_code: entry.addressee.fiscal_code,
                        application: entry.application,
                        queued_at: entry.queued_at,
                        queued_by: entry.queued_by,
                    };
                    (id, message)
                })
                .collect(),
            dwellings: self.decoded(DWELLINGS, |d: &Dwelling| d.code.clone())?,
            rounds: self.decoded(ROUNDS, |round: &Round| round.call.clone())?,
            placements: self.decoded(PLACEMENTS, |p: &Placement| p.application)?,
            contracts: self.decoded(LEASES, |c: &ContractFile| c.application)?,
            rent_rules: self.decoded(RENT_RULES, |rules: &RentRules| rules.version.clone())?,
            rent_notices: self.decoded(RENT_NOTICES, |notice: &RentNotice| {
                (notice.tenancy, notice.month)
            })?,
            tenancies: self.decoded(TENANCIES, |tenancy: &Tenancy| tenancy.id)?,
        })
    }

    /// Every readable record of `tree`, under the key `key_of` gives it.
    fn decoded<K: Ord, V: DeserializeOwned>(
        &self,
        tree: &'static str,
        key_of: impl Fn(&V) -> K,
    ) -> Result<BTreeMap<K, V>, StoreError> {
        let mut found = BTreeMap::new();
        for item in self.tree(tree).iter() {
            let (_, value) = item?;
            if let Ok(record) = serde_json::from_slice::<V>(&value) {
                found.insert(key_of(&record), record);
            }
        }
        Ok(found)
    }

    /// Every readable record of `tree`, under its key as text (a call's code).
    fn decoded_by_key<V: DeserializeOwned>(
        &self,
        tree: &'static str,
    ) -> Result<BTreeMap<String, V>, StoreError> {
        let mut found = BTreeMap::new();
        for item in self.tree(tree).iter() {
            let (key, value) = item?;
            if let (Ok(key), Ok(record)) = (
                String::from_utf8(key.to_vec()),
                serde_json::from_slice::<V>(&value),
            ) {
                found.insert(key, record);
            }
        }
        Ok(found)
    }
}
