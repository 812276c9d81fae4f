//! `alloggi check`: do the indexes, counters and summaries agree with the records?

use std::collections::{BTreeMap, BTreeSet};

use super::audit_index::{audit_seq, decode_entry};
use super::{Store, StoreError, keys};
use crate::domain::summary::ApplicationSummary;
use crate::domain::{Application, ApplicationId, Call, State};

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct IntegrityReport {
    pub applications: usize,
    pub problems: Vec<String>,
}

impl IntegrityReport {
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

pub(super) type KeySet = BTreeSet<Vec<u8>>;
pub(super) type KeyMap = BTreeMap<Vec<u8>, Vec<u8>>;

#[derive(Default)]
struct Expected {
    fiscal_code: KeySet,
    state: KeySet,
    per_state: BTreeMap<State, u64>,
    protocol: KeyMap,
    external: KeyMap,
    max_id: u64,
    max_protocol: BTreeMap<i32, u32>,
}

impl Store {
    pub fn check(&self) -> Result<IntegrityReport, StoreError> {
        let mut report = IntegrityReport::default();
        let mut expected = Expected::default();
        let calls: BTreeMap<String, Call> = self
            .calls()?
            .into_iter()
            .map(|c| (c.code.clone(), c))
            .collect();
        let mut summaries = 0usize;

        for item in self.tree(keys::APPLICATIONS).iter() {
            let (key, value) = item?;
            report.applications += 1;
            let app: Application = match serde_json::from_slice(&value) {
                Ok(app) => app,
                Err(e) => {
                    report.problems.push(format!(
                        "domanda con chiave {} illeggibile: {e}",
                        keys::hex(&key)
                    ));
                    continue;
                }
            };
            if keys::decode_application_id(&key) != Some(app.id) {
                report.problems.push(format!(
                    "domanda {} registrata sotto un'altra chiave",
                    app.id
                ));
            }
            if !calls.contains_key(&app.call) {
                report.problems.push(format!(
                    "domanda {}: bando '{}' inesistente",
                    app.id, app.call
                ));
            }
            expected.collect(&app);
            if self.check_summary(&mut report, &app, calls.get(&app.call))? {
                summaries += 1;
            }
        }

        compare_sets(
            &mut report,
            "codice fiscale",
            self.tree(keys::IDX_FISCAL_CODE),
            &expected.fiscal_code,
        )?;
        compare_sets(
            &mut report,
            "stato",
            self.tree(keys::IDX_STATE),
            &expected.state,
        )?;
        compare_maps(
            &mut report,
            "protocollo",
            self.tree(keys::IDX_PROTOCOL),
            &expected.protocol,
        )?;
        compare_maps(
            &mut report,
            "identificativo portale",
            self.tree(keys::IDX_EXTERNAL),
            &expected.external,
        )?;

        self.check_audit_index(&mut report)?;
        self.check_state_counts(&mut report, &expected.per_state)?;
        self.check_extra_summaries(&mut report, summaries)?;
        self.check_outbox(&mut report)?;
        self.check_appointments(&mut report)?;
        self.check_rankings(&mut report)?;

        let next_id: u64 = self
            .get_json(keys::META, keys::META_NEXT_APPLICATION)?
            .unwrap_or(1);
        if next_id <= expected.max_id {
            report.problems.push(format!(
                "contatore delle domande a {next_id}, ma esiste già la domanda #{}",
                expected.max_id
            ));
        }
        for (year, max) in &expected.max_protocol {
            let next: u32 = self
                .get_json(keys::META, &keys::protocol_counter(*year))?
                .unwrap_or(1);
            if next <= *max {
                report.problems.push(format!(
                    "contatore di protocollo {year} a {next}, ma il numero {max} è già assegnato: si rischia un doppione"
                ));
            }
        }
        let active: Option<Option<String>> = self.get_json(keys::META, keys::META_ACTIVE_CALL)?;
        if let Some(code) = active.flatten()
            && !calls.contains_key(&code)
        {
            report
                .problems
                .push(format!("il bando attivo '{code}' non esiste"));
        }
        Ok(report)
    }
}

impl Store {
    /// The outbox's state and content indexes against its entries, and its counter.
    fn check_outbox(&self, report: &mut IntegrityReport) -> Result<(), StoreError> {
        let mut states = KeySet::new();
        let mut hashes = KeyMap::new();
        let mut max_id = 0;
        for item in self.tree(keys::OUTBOX).iter() {
            let (key, value) = item?;
            let entry: crate::messages::outbox::OutboxEntry = match serde_json::from_slice(&value) {
                Ok(entry) => entry,
                Err(e) => {
                    report.problems.push(format!(
                        "messaggio con chiave {} illeggibile: {e}",
                        keys::hex(&key)
                    ));
                    continue;
                }
            };
            if entry.message.content_hash() != entry.content_hash {
                report.problems.push(format!(
                    "messaggio {}: il contenuto non corrisponde alla sua impronta",
                    entry.id
                ));
            }
            max_id = max_id.max(entry.id.0);
            states.insert(keys::outbox_state(entry.state.tag(), entry.id).to_vec());
            hashes.insert(
                entry.content_hash.into_bytes(),
                keys::outbox(entry.id).to_vec(),
            );
        }
        compare_sets(
            report,
            "stato dei messaggi",
            self.tree(keys::IDX_OUTBOX_STATE),
            &states,
        )?;
        compare_maps(
            report,
            "impronta dei messaggi",
            self.tree(keys::IDX_OUTBOX_HASH),
            &hashes,
        )?;
        let next: u64 = self
            .get_json(keys::META, keys::META_NEXT_OUTBOX)?
            .unwrap_or(1);
        if next <= max_id {
            report.problems.push(format!(
                "contatore dei messaggi a {next}, ma esiste già il messaggio M{max_id}"
            ));
        }
        Ok(())
    }
}

const AUDIT_INDEX: &str = "registro per domanda";

fn describe_audit_key(id: ApplicationId, seq: u64) -> String {
    format!("voce {seq} del registro (domanda {id})")
}

impl Store {
    /// Every audit entry about an application has its index key, and every index key points
    /// at an entry about that application. One pass over the log with a lookup per entry;
    /// the index is walked only when it holds more keys than the log accounts for.
    fn check_audit_index(&self, report: &mut IntegrityReport) -> Result<(), StoreError> {
        let index = self.tree(keys::IDX_AUDIT_APPLICATION);
        let mut found = 0usize;
        for item in self.tree(keys::AUDIT).iter() {
            let (key, value) = item?;
            let Some(seq) = audit_seq(&key) else {
                report.problems.push(format!(
                    "registro: chiave {} illeggibile, {AUDIT_INDEX} non verificabile",
                    keys::hex(&key)
                ));
                continue;
            };
            let event = match decode_entry(&key, &value) {
                Ok((_, event)) => event,
                Err(e) => {
                    report.problems.push(format!(
                        "registro: voce {seq} illeggibile, {AUDIT_INDEX} non verificabile ({e})"
                    ));
                    continue;
                }
            };
            let Some(id) = event.application_id() else {
                continue;
            };
            if index.contains_key(keys::audit_application(id, seq))? {
                found += 1;
            } else {
                report.problems.push(format!(
                    "indice {AUDIT_INDEX}: manca la {}",
                    describe_audit_key(id, seq)
                ));
            }
        }
        if index.len() == found {
            return Ok(());
        }
        for key in index.iter().keys() {
            let key = key?;
            let Some((id, seq)) = keys::decode_audit_application(&key) else {
                report.problems.push(format!(
                    "indice {AUDIT_INDEX}: voce {} illeggibile",
                    keys::hex(&key)
                ));
                continue;
            };
            let concerns = match self.tree(keys::AUDIT).get(keys::audit(seq))? {
                None => None,
                Some(value) => match decode_entry(&keys::audit(seq), &value) {
                    Ok((_, event)) => event.application_id(),
                    // Already reported by the pass over the log.
                    Err(_) => continue,
                },
            };
            if concerns != Some(id) {
                report.problems.push(format!(
                    "indice {AUDIT_INDEX}: {} senza evento corrispondente",
                    describe_audit_key(id, seq)
                ));
            }
        }
        Ok(())
    }
}

impl Store {
    /// Each state's counter against the records, like the state index: a fault in one of the
    /// two is reported once, against the one at fault. No key in the counters' tree but theirs.
    fn check_state_counts(
        &self,
        report: &mut IntegrityReport,
        per_state: &BTreeMap<State, u64>,
    ) -> Result<(), StoreError> {
        for state in State::ALL {
            let n = per_state.get(&state).copied().unwrap_or(0);
            let label = state.label();
            match self.stored_state_count(state) {
                Ok(Some(stored)) if stored == n => {}
                Ok(Some(stored)) => report.problems.push(format!(
                    "contatore dello stato '{label}' a {stored}, ma le domande in quello stato sono {n}"
                )),
                Ok(None) => report.problems.push(format!(
                    "contatore dello stato '{label}' mancante (le domande in quello stato sono {n})"
                )),
                Err(e) => report
                    .problems
                    .push(format!("contatore dello stato '{label}': {e}")),
            }
        }
        for key in self.tree(keys::COUNT_STATE).iter().keys() {
            let key = key?;
            if !State::ALL.iter().any(|s| *key == *keys::state_count(*s)) {
                report.problems.push(format!(
                    "contatori per stato: chiave {} sconosciuta",
                    keys::hex(&key)
                ));
            }
        }
        Ok(())
    }
}

impl Store {
    /// The stored summary of `app` is the one its record and call give. Returns whether there
    /// is one, readable or not.
    fn check_summary(
        &self,
        report: &mut IntegrityReport,
        app: &Application,
        call: Option<&Call>,
    ) -> Result<bool, StoreError> {
        let Some(value) = self.tree(keys::SUMMARIES).get(keys::application(app.id))? else {
            report
                .problems
                .push(format!("riepilogo della domanda {} mancante", app.id));
            return Ok(false);
        };
        match serde_json::from_slice::<ApplicationSummary>(&value) {
            Ok(stored) if stored == ApplicationSummary::of(app, call) => {}
            Ok(_) => report.problems.push(format!(
                "riepilogo della domanda {} diverso dalla domanda",
                app.id
            )),
            Err(e) => report.problems.push(format!(
                "riepilogo della domanda {} illeggibile: {e}",
                app.id
            )),
        }
        Ok(true)
    }

    /// No summary without its application, and no marker of summaries left to recompute. The
    /// tree is walked only when it holds more keys than the applications account for.
    fn check_extra_summaries(
        &self,
        report: &mut IntegrityReport,
        found: usize,
    ) -> Result<(), StoreError> {
        report.problems.extend(self.pending_summaries()?);
        let tree = self.tree(keys::SUMMARIES);
        if tree.len() == found {
            return Ok(());
        }
        let applications = self.tree(keys::APPLICATIONS);
        for key in tree.iter().keys() {
            let key = key?;
            match keys::decode_application_id(&key) {
                None => report.problems.push(format!(
                    "riepiloghi: chiave {} illeggibile",
                    keys::hex(&key)
                )),
                Some(id) if !applications.contains_key(&key)? => report.problems.push(format!(
                    "riepilogo della domanda {id} senza domanda corrispondente"
                )),
                Some(_) => {}
            }
        }
        Ok(())
    }
}

impl Expected {
    fn collect(&mut self, app: &Application) {
        let id = keys::application(app.id).to_vec();
        for member in app.household.members() {
            self.fiscal_code
                .insert(keys::fiscal_code(member.fiscal_code.as_str(), app.id));
        }
        self.state.insert(keys::state(app.state, app.id).to_vec());
        *self.per_state.entry(app.state).or_default() += 1;
        if let Some(protocol) = &app.protocol {
            self.protocol
                .insert(keys::protocol(&protocol.text), id.clone());
            let max = self.max_protocol.entry(protocol.year).or_default();
            *max = (*max).max(protocol.number);
        }
        if let Some(ext) = &app.external_id {
            self.external.insert(ext.as_bytes().to_vec(), id);
        }
        self.max_id = self.max_id.max(app.id.0);
    }
}

fn describe(key: &[u8]) -> String {
    String::from_utf8(key.to_vec()).unwrap_or_else(|_| keys::hex(key))
}

pub(super) fn compare_sets(
    report: &mut IntegrityReport,
    name: &str,
    tree: &sled::Tree,
    expected: &KeySet,
) -> Result<(), StoreError> {
    let mut actual = KeySet::new();
    for key in tree.iter().keys() {
        actual.insert(key?.to_vec());
    }
    for missing in expected.difference(&actual) {
        report.problems.push(format!(
            "indice {name}: manca la voce {}",
            describe(missing)
        ));
    }
    for extra in actual.difference(expected) {
        report.problems.push(format!(
            "indice {name}: voce {} senza domanda corrispondente",
            describe(extra)
        ));
    }
    Ok(())
}

pub(super) fn compare_maps(
    report: &mut IntegrityReport,
    name: &str,
    tree: &sled::Tree,
    expected: &KeyMap,
) -> Result<(), StoreError> {
    let mut actual = KeyMap::new();
    for item in tree.iter() {
        let (k, v) = item?;
        actual.insert(k.to_vec(), v.to_vec());
    }
    for (key, id) in expected {
        match actual.get(key) {
            None => report
                .problems
                .push(format!("indice {name}: manca la voce {}", describe(key))),
            Some(found) if found != id => report.problems.push(format!(
                "indice {name}: la voce {} punta a un'altra domanda",
                describe(key)
            )),
            Some(_) => {}
        }
    }
    for key in actual.keys().filter(|k| !expected.contains_key(*k)) {
        report.problems.push(format!(
            "indice {name}: voce {} senza domanda corrispondente",
            describe(key)
        ));
    }
    Ok(())
}
