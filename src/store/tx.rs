//! Everything a command does inside its transaction: load the snapshot, decide, evolve,
//! write records, indexes, counters, summaries and audit entries.

use std::collections::BTreeSet;

use chrono::Datelike;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sled::transaction::{ConflictableTransactionError, TransactionalTree};

use super::audit::{AuditHead, StoredEntry};
use super::error::StoreError;
use super::keys;
use crate::domain::appointment::Appointment;
use crate::domain::publication::RankingHeader;
use crate::domain::summary::ApplicationSummary;
use crate::domain::time::rome_date;
use crate::domain::{
    Application, ApplicationId, Call, Command, Context, Event, Snapshot, State, decide, evolve,
};

pub(crate) type TxResult<T> = Result<T, ConflictableTransactionError<StoreError>>;

/// The transactional views of every tree, in the order of `keys::ALL_TREES`.
pub(crate) struct Tx<'a>(pub &'a [TransactionalTree]);

pub(super) fn abort<T>(error: StoreError) -> TxResult<T> {
    Err(ConflictableTransactionError::Abort(error))
}

fn encode<T: Serialize>(value: &T) -> TxResult<Vec<u8>> {
    serde_json::to_vec(value).or_else(|e| {
        abort(StoreError::Corrupt {
            tree: "-",
            key: "-".into(),
            detail: e.to_string(),
        })
    })
}

impl Tx<'_> {
    /// The transactional view of tree `name`, one of `keys`' constants.
    pub(super) fn tree(&self, name: &str) -> &TransactionalTree {
        &self.0[keys::index_of(name)]
    }
    fn meta(&self) -> &TransactionalTree {
        &self.0[keys::index_of(keys::META)]
    }
    fn calls(&self) -> &TransactionalTree {
        &self.0[keys::index_of(keys::CALLS)]
    }
    fn applications(&self) -> &TransactionalTree {
        &self.0[keys::index_of(keys::APPLICATIONS)]
    }
    fn idx_fiscal_code(&self) -> &TransactionalTree {
        &self.0[keys::index_of(keys::IDX_FISCAL_CODE)]
    }
    fn idx_protocol(&self) -> &TransactionalTree {
        &self.0[keys::index_of(keys::IDX_PROTOCOL)]
    }
    fn idx_state(&self) -> &TransactionalTree {
        &self.0[keys::index_of(keys::IDX_STATE)]
    }
    fn idx_external(&self) -> &TransactionalTree {
        &self.0[keys::index_of(keys::IDX_EXTERNAL)]
    }
    fn audit(&self) -> &TransactionalTree {
        &self.0[keys::index_of(keys::AUDIT)]
    }
    fn idx_audit_application(&self) -> &TransactionalTree {
        &self.0[keys::index_of(keys::IDX_AUDIT_APPLICATION)]
    }
    fn count_state(&self) -> &TransactionalTree {
        &self.0[keys::index_of(keys::COUNT_STATE)]
    }
    fn summaries(&self) -> &TransactionalTree {
        &self.0[keys::index_of(keys::SUMMARIES)]
    }
    fn summaries_pending(&self) -> &TransactionalTree {
        &self.0[keys::index_of(keys::SUMMARIES_PENDING)]
    }

    pub(super) fn get_json<T: DeserializeOwned>(
        &self,
        tree: &TransactionalTree,
        name: &'static str,
        key: &[u8],
    ) -> TxResult<Option<T>> {
        match tree.get(key)? {
            None => Ok(None),
            Some(bytes) => match serde_json::from_slice(&bytes) {
                Ok(value) => Ok(Some(value)),
                Err(e) => abort(StoreError::corrupt(name, key, e)),
            },
        }
    }

    pub(super) fn put_json<T: Serialize>(
        &self,
        tree: &TransactionalTree,
        key: &[u8],
        value: &T,
    ) -> TxResult<()> {
        tree.insert(key, encode(value)?)?;
        Ok(())
    }

    /// Runs one command: the whole of its effect, or an abort with the reason.
    pub fn run(&self, command: &Command, ctx: &Context) -> TxResult<Vec<Event>> {
        self.run_for_state(command, ctx).map(|(events, _)| events)
    }

    /// Like `run`, also returning the state the command left, which a message is composed from.
    pub fn run_for_state(
        &self,
        command: &Command,
        ctx: &Context,
    ) -> TxResult<(Vec<Event>, Snapshot)> {
        let before = self.snapshot(command, ctx)?;
        let events = match decide(&before, command, ctx) {
            Ok(events) => events,
            Err(e) => return abort(StoreError::Domain(e)),
        };
        let mut after = before.clone();
        for event in &events {
            if let Err(e) = evolve(&mut after, event) {
                return abort(StoreError::Domain(e));
            }
        }
        self.write_changes(&before, &after, ctx)?;
        self.append_audit(&events)?;
        Ok((events, after))
    }

    fn snapshot(&self, command: &Command, ctx: &Context) -> TxResult<Snapshot> {
        let application: Option<Application> = match command.application_id() {
            Some(id) => self.get_json(
                self.applications(),
                keys::APPLICATIONS,
                &keys::application(id),
            )?,
            None => None,
        };
        let active_call: Option<String> =
            self.get_json(self.meta(), keys::META, keys::META_ACTIVE_CALL)?;
        let call_code = command
            .call_code()
            .map(str::to_string)
            .or_else(|| application.as_ref().map(|a| a.call.clone()))
            .or_else(|| active_call.clone());
        let call: Option<Call> = match call_code {
            Some(code) => self.get_json(self.calls(), keys::CALLS, code.as_bytes())?,
            None => None,
        };
        let next_application_id = self
            .get_json(self.meta(), keys::META, keys::META_NEXT_APPLICATION)?
            .unwrap_or(1);
        let year = rome_date(ctx.now).year();
        let next_protocol_number = self
            .get_json(self.meta(), keys::META, &keys::protocol_counter(year))?
            .unwrap_or(1);
        let appointment = match command.appointment_id() {
            Some(id) => self.get_json(
                self.tree(keys::APPOINTMENTS),
                keys::APPOINTMENTS,
                &keys::appointment(id),
            )?,
            None => None,
        };
        let next_appointment_id = self
            .get_json(self.meta(), keys::META, keys::META_NEXT_APPOINTMENT)?
            .unwrap_or(1);
        let slot_taken = match command.slot() {
            Some(slot) => self
                .tree(keys::IDX_APPOINTMENT_HELD)
                .get(keys::appointment_held(slot.at, &slot.place))?
                .and_then(|id| keys::decode_appointment_id(&id))
                .filter(|held| command.appointment_id() != Some(*held)),
            None => None,
        };
        let interested = match (&call, command.needs().interested) {
            (Some(call), true) => self
                .get_json(
                    self.tree(keys::INTERESTED),
                    keys::INTERESTED,
                    call.code.as_bytes(),
                )?
                .unwrap_or_default(),
            _ => Default::default(),
        };
        let external_id_taken = match command {
            Command::ReceiveApplication(new) => match &new.external_id {
                Some(ext) => self.idx_external().get(ext.trim().as_bytes())?.is_some(),
                None => false,
            },
            _ => false,
        };
        let ruleset = match (&call, command.needs().ruleset) {
            (Some(call), true) => self.get_json(
                self.tree(keys::RULESETS),
                keys::RULESETS,
                call.code.as_bytes(),
            )?,
            _ => None,
        };
        let ranking = match (&call, command.needs().ranking) {
            (Some(call), true) => self.latest_ranking(&call.code)?,
            _ => None,
        };
        Ok(Snapshot {
            ruleset,
            ranking,
            application,
            appointment,
            next_appointment_id,
            slot_taken,
            interested,
            call,
            active_call,
            next_application_id,
            next_protocol_number,
            external_id_taken,
        })
    }

    /// The header of call `code`'s latest published ranking.
    pub(super) fn latest_ranking(&self, code: &str) -> TxResult<Option<RankingHeader>> {
        let latest: Option<u32> =
            self.get_json(self.meta(), keys::META, &keys::ranking_latest(code))?;
        match latest {
            Some(number) => self.get_json(
                self.tree(keys::RANKINGS),
                keys::RANKINGS,
                &keys::ranking(code, number),
            ),
            None => Ok(None),
        }
    }

    fn write_changes(&self, before: &Snapshot, after: &Snapshot, ctx: &Context) -> TxResult<()> {
        if after.ruleset != before.ruleset
            && let (Some(ruleset), Some(call)) = (&after.ruleset, &after.call)
        {
            self.put_json(self.tree(keys::RULESETS), call.code.as_bytes(), ruleset)?;
        }
        if after.call != before.call
            && let Some(call) = &after.call
        {
            self.put_json(self.calls(), call.code.as_bytes(), call)?;
            if let Some(old) = &before.call
                && old.code == call.code
                && ApplicationSummary::call_change_matters(old, call)
            {
                self.mark_summaries_stale(&call.code)?;
            }
        }
        if after.active_call != before.active_call {
            self.put_json(self.meta(), keys::META_ACTIVE_CALL, &after.active_call)?;
        }
        if after.next_application_id != before.next_application_id {
            self.put_json(
                self.meta(),
                keys::META_NEXT_APPLICATION,
                &after.next_application_id,
            )?;
        }
        if after.next_protocol_number != before.next_protocol_number {
            let year = rome_date(ctx.now).year();
            self.put_json(
                self.meta(),
                &keys::protocol_counter(year),
                &after.next_protocol_number,
            )?;
        }
        if after.next_appointment_id != before.next_appointment_id {
            self.put_json(
                self.meta(),
                keys::META_NEXT_APPOINTMENT,
                &after.next_appointment_id,
            )?;
        }
        if after.appointment != before.appointment
            && let Some(appointment) = &after.appointment
        {
            self.write_appointment(before.appointment.as_ref(), appointment)?;
        }
        if after.interested != before.interested
            && let Some(call) = &after.call
        {
            self.put_json(
                self.tree(keys::INTERESTED),
                call.code.as_bytes(),
                &after.interested,
            )?;
        }
        if after.application != before.application
            && let Some(app) = &after.application
        {
            let key = keys::application(app.id);
            if before.application.is_none() && self.applications().get(key)?.is_some() {
                // A counter behind the records: refuse rather than overwrite an application.
                return abort(StoreError::corrupt(
                    keys::META,
                    keys::META_NEXT_APPLICATION,
                    format!(
                        "il contatore delle domande indica {}, già usato: eseguire alloggi check",
                        app.id
                    ),
                ));
            }
            self.put_json(self.applications(), &keys::application(app.id), app)?;
            self.update_indexes(before.application.as_ref(), app)?;
            self.write_summary(app, after.call.as_ref())?;
        }
        Ok(())
    }

    /// Writes `new` and moves its index entries from where `old` had them.
    fn write_appointment(&self, old: Option<&Appointment>, new: &Appointment) -> TxResult<()> {
        let key = keys::appointment(new.id);
        if old.is_none() && self.tree(keys::APPOINTMENTS).get(key)?.is_some() {
            return abort(StoreError::corrupt(
                keys::META,
                keys::META_NEXT_APPOINTMENT,
                format!(
                    "il contatore degli appuntamenti indica {}, già usato: eseguire alloggi check",
                    new.id
                ),
            ));
        }
        self.put_json(self.tree(keys::APPOINTMENTS), &key, new)?;
        let slots = self.tree(keys::IDX_APPOINTMENT_SLOT);
        let held = self.tree(keys::IDX_APPOINTMENT_HELD);
        if let Some(old) = old {
            slots.remove(keys::appointment_slot(old.slot.at, old.id))?;
            if old.is_active() {
                held.remove(keys::appointment_held(old.slot.at, &old.slot.place))?;
            }
        }
        slots.insert(keys::appointment_slot(new.slot.at, new.id), &[] as &[u8])?;
        if new.is_active() {
            held.insert(
                keys::appointment_held(new.slot.at, &new.slot.place),
                &keys::appointment(new.id),
            )?;
        }
        Ok(())
    }

    /// Writes the summary of `app`, whose record this transaction has just written: the one
    /// place a command writes the read model. `call` is the snapshot's, used when it is the
    /// application's own call (it always is today); otherwise that call is read here.
    fn write_summary(&self, app: &Application, call: Option<&Call>) -> TxResult<()> {
        let loaded: Option<Call>;
        let call = match call {
            Some(call) if call.code == app.call => Some(call),
            _ => {
                loaded = self.get_json(self.calls(), keys::CALLS, app.call.as_bytes())?;
                loaded.as_ref()
            }
        };
        self.put_json(
            self.summaries(),
            &keys::application(app.id),
            &ApplicationSummary::of(app, call),
        )
    }

    /// Records that the summaries of call `code`'s applications may be stale: the call's
    /// documents changed. `Store::execute` recomputes them once this transaction has committed
    /// (see `summaries.rs`). The token is the sequence number of this command's first audit
    /// entry, so that no two changes share one.
    fn mark_summaries_stale(&self, code: &str) -> TxResult<()> {
        let head: AuditHead = self
            .get_json(self.meta(), keys::META, keys::META_AUDIT_HEAD)?
            .unwrap_or_default();
        self.put_json(
            self.summaries_pending(),
            code.as_bytes(),
            &head.seq.saturating_add(1),
        )
    }

    fn update_indexes(&self, old: Option<&Application>, new: &Application) -> TxResult<()> {
        let codes = |app: &Application| -> BTreeSet<String> {
            app.household
                .members()
                .iter()
                .map(|m| m.fiscal_code.as_str().to_string())
                .collect()
        };
        let old_codes = old.map(codes).unwrap_or_default();
        let new_codes = codes(new);
        for gone in old_codes.difference(&new_codes) {
            self.idx_fiscal_code()
                .remove(keys::fiscal_code(gone, new.id))?;
        }
        for added in new_codes.difference(&old_codes) {
            self.idx_fiscal_code()
                .insert(keys::fiscal_code(added, new.id), &[] as &[u8])?;
        }
        if old.map(|a| a.state) != Some(new.state) {
            self.index_state(new.id, old.map(|a| a.state), new.state)?;
        }
        if let Some(protocol) = &new.protocol
            && old.and_then(|a| a.protocol.as_ref()) != Some(protocol)
        {
            let key = keys::protocol(&protocol.text);
            if let Some(holder) = self.idx_protocol().get(&key)?
                && keys::decode_application_id(&holder) != Some(new.id)
            {
                // Never give one protocol twice, whatever the pattern.
                return abort(StoreError::Domain(crate::domain::DomainError::invalid(
                    "protocollo",
                    format!("{protocol} è già assegnato a un'altra domanda"),
                )));
            }
            self.idx_protocol()
                .insert(key, &keys::application(new.id))?;
        }
        if old.is_none()
            && let Some(ext) = &new.external_id
        {
            self.idx_external()
                .insert(ext.as_bytes(), &keys::application(new.id))?;
        }
        Ok(())
    }

    /// Moves application `id` from state `from` (`None` when it is new) to `to`, in the state
    /// index and in the per-state counters: the one place that writes either, so the two stay
    /// in step. A counter already at zero stays there; `check` reports it.
    fn index_state(&self, id: ApplicationId, from: Option<State>, to: State) -> TxResult<()> {
        if let Some(from) = from {
            self.idx_state().remove(&keys::state(from, id))?;
            self.add_to_state_count(from, -1)?;
        }
        self.idx_state()
            .insert(&keys::state(to, id), &[] as &[u8])?;
        self.add_to_state_count(to, 1)
    }

    fn add_to_state_count(&self, state: State, delta: i64) -> TxResult<()> {
        let key = keys::state_count(state);
        // `open` writes every counter, so a missing one is a counter at zero.
        let count: u64 = self
            .get_json(self.count_state(), keys::COUNT_STATE, &key)?
            .unwrap_or(0);
        self.put_json(
            self.count_state(),
            &key,
            &count.saturating_add_signed(delta),
        )
    }

    pub(super) fn append_audit(&self, events: &[Event]) -> TxResult<()> {
        let mut head: AuditHead = self
            .get_json(self.meta(), keys::META, keys::META_AUDIT_HEAD)?
            .unwrap_or_default();
        for event in events {
            let entry = match StoredEntry::new(&head, event) {
                Ok(entry) => entry,
                Err(e) => return abort(StoreError::corrupt(keys::AUDIT, b"-", e)),
            };
            self.put_json(self.audit(), &keys::audit(entry.seq), &entry)?;
            if let Some(id) = event.application_id() {
                self.idx_audit_application()
                    .insert(&keys::audit_application(id, entry.seq), &[] as &[u8])?;
            }
            head = AuditHead {
                seq: entry.seq,
                hash: entry.hash,
            };
        }
        self.put_json(self.meta(), keys::META_AUDIT_HEAD, &head)
    }
}
