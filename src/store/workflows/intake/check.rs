//! What `check` verifies of the applications: each record under its key and of an existing
//! call, the four indexes, the per-state counters, the summaries and the counters of ids and
//! protocol numbers.

use std::collections::BTreeMap;

use super::{
    APPLICATIONS, COUNT_STATE, IDX_EXTERNAL, IDX_FISCAL_CODE, IDX_PROTOCOL, IDX_STATE, SUMMARIES,
};
use crate::domain::summary::ApplicationSummary;
use crate::domain::{Application, Call, State};
use crate::store::check::{IntegrityReport, KeyMap, KeySet, compare_maps, compare_sets};
use crate::store::{Store, StoreError, keys};

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

pub(super) fn check(store: &Store, report: &mut IntegrityReport) -> Result<(), StoreError> {
    let mut expected = Expected::default();
    let calls: BTreeMap<String, Call> = store
        .calls()?
        .into_iter()
        .map(|c| (c.code.clone(), c))
        .collect();
    let mut summaries = 0usize;

    for item in store.tree(APPLICATIONS).iter() {
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
        if check_summary(store, report, &app, calls.get(&app.call))? {
            summaries += 1;
        }
    }

    compare_sets(
        report,
        "codice fiscale",
        store.tree(IDX_FISCAL_CODE),
        &expected.fiscal_code,
    )?;
    compare_sets(report, "stato", store.tree(IDX_STATE), &expected.state)?;
    compare_maps(
        report,
        "protocollo",
        store.tree(IDX_PROTOCOL),
        &expected.protocol,
    )?;
    compare_maps(
        report,
        "identificativo portale",
        store.tree(IDX_EXTERNAL),
        &expected.external,
    )?;

    check_state_counts(store, report, &expected.per_state)?;
    check_extra_summaries(store, report, summaries)?;

    let next_id: u64 = store
        .get_json(keys::META, keys::META_NEXT_APPLICATION)?
        .unwrap_or(1);
    if next_id <= expected.max_id {
        report.problems.push(format!(
            "contatore delle domande a {next_id}, ma esiste già la domanda #{}",
            expected.max_id
        ));
    }
    for (year, max) in &expected.max_protocol {
        let next: u32 = store
            .get_json(keys::META, &keys::protocol_counter(*year))?
            .unwrap_or(1);
        if next <= *max {
            report.problems.push(format!(
                "contatore di protocollo {year} a {next}, ma il numero {max} è già assegnato: si rischia un doppione"
            ));
        }
    }
    Ok(())
}

/// Each state's counter against the records, like the state index: a fault in one of the
/// two is reported once, against the one at fault. No key in the counters' tree but theirs.
fn check_state_counts(
    store: &Store,
    report: &mut IntegrityReport,
    per_state: &BTreeMap<State, u64>,
) -> Result<(), StoreError> {
    for state in State::ALL {
        let n = per_state.get(&state).copied().unwrap_or(0);
        let label = state.label();
        match store.stored_state_count(state) {
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
    for key in store.tree(COUNT_STATE).iter().keys() {
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

/// The stored summary of `app` is the one its record and call give. Returns whether there
/// is one, readable or not.
fn check_summary(
    store: &Store,
    report: &mut IntegrityReport,
    app: &Application,
    call: Option<&Call>,
) -> Result<bool, StoreError> {
    let Some(value) = store.tree(SUMMARIES).get(keys::application(app.id))? else {
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
    store: &Store,
    report: &mut IntegrityReport,
    found: usize,
) -> Result<(), StoreError> {
    report.problems.extend(store.pending_summaries()?);
    let tree = store.tree(SUMMARIES);
    if tree.len() == found {
        return Ok(());
    }
    let applications = store.tree(APPLICATIONS);
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
