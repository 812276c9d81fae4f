//! The intake part of a command's transaction: the application and the counters it reads, the
//! record, its indexes, counters and summary it writes.

use std::collections::BTreeSet;

use chrono::Datelike;

use super::{
    APPLICATIONS, COUNT_STATE, IDX_EXTERNAL, IDX_FISCAL_CODE, IDX_PROTOCOL, IDX_STATE, SUMMARIES,
    SUMMARIES_PENDING,
};
use crate::domain::command::Needs;
use crate::domain::summary::ApplicationSummary;
use crate::domain::time::rome_date;
use crate::domain::{Application, ApplicationId, Call, Context, DomainError, Snapshot, State};
use crate::store::StoreError;
use crate::store::audit::AuditHead;
use crate::store::keys;
use crate::store::tx::{Tx, TxResult, abort};

pub(super) fn load(tx: &Tx, needs: &Needs, ctx: &Context, snapshot: &mut Snapshot) -> TxResult<()> {
    let meta = tx.tree(keys::META);
    snapshot.application = match needs.application {
        Some(id) => tx.get_json(tx.tree(APPLICATIONS), APPLICATIONS, &keys::application(id))?,
        None => None,
    };
    snapshot.next_application_id = tx
        .get_json(meta, keys::META, keys::META_NEXT_APPLICATION)?
        .unwrap_or(1);
    let year = rome_date(ctx.now).year();
    snapshot.next_protocol_number = tx
        .get_json(meta, keys::META, &keys::protocol_counter(year))?
        .unwrap_or(1);
    snapshot.external_id_taken = match needs.external_id {
        Some(ext) => tx.tree(IDX_EXTERNAL).get(ext.trim().as_bytes())?.is_some(),
        None => false,
    };
    Ok(())
}

pub(super) fn write(tx: &Tx, before: &Snapshot, after: &Snapshot, ctx: &Context) -> TxResult<()> {
    let meta = tx.tree(keys::META);
    if after.next_application_id != before.next_application_id {
        tx.put_json(
            meta,
            keys::META_NEXT_APPLICATION,
            &after.next_application_id,
        )?;
    }
    if after.next_protocol_number != before.next_protocol_number {
        let year = rome_date(ctx.now).year();
        tx.put_json(
            meta,
            &keys::protocol_counter(year),
            &after.next_protocol_number,
        )?;
    }
    if after.call != before.call
        && let (Some(old), Some(call)) = (&before.call, &after.call)
        && old.code == call.code
        && ApplicationSummary::call_change_matters(old, call)
    {
        mark_summaries_stale(tx, &call.code)?;
    }
    if after.application != before.application
        && let Some(app) = &after.application
    {
        let key = keys::application(app.id);
        if before.application.is_none() && tx.tree(APPLICATIONS).get(key)?.is_some() {
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
        tx.put_json(tx.tree(APPLICATIONS), &key, app)?;
        update_indexes(tx, before.application.as_ref(), app)?;
        write_summary(tx, app, after.call.as_ref())?;
    }
    Ok(())
}

/// Writes the summary of `app`, whose record this transaction has just written: the one
/// place a command writes the read model. `call` is the snapshot's, used when it is the
/// application's own call (it always is today); otherwise that call is read here.
fn write_summary(tx: &Tx, app: &Application, call: Option<&Call>) -> TxResult<()> {
    let loaded: Option<Call>;
    let call = match call {
        Some(call) if call.code == app.call => Some(call),
        _ => {
            loaded = tx.get_json(tx.tree(keys::CALLS), keys::CALLS, app.call.as_bytes())?;
            loaded.as_ref()
        }
    };
    tx.put_json(
        tx.tree(SUMMARIES),
        &keys::application(app.id),
        &ApplicationSummary::of(app, call),
    )
}

/// Records that the summaries of call `code`'s applications may be stale: the call's
/// documents changed. `Store::execute` recomputes them once this transaction has committed
/// (see `summaries.rs`). The token is the sequence number of this command's first audit
/// entry, so that no two changes share one.
fn mark_summaries_stale(tx: &Tx, code: &str) -> TxResult<()> {
    let head: AuditHead = tx
        .get_json(tx.tree(keys::META), keys::META, keys::META_AUDIT_HEAD)?
        .unwrap_or_default();
    tx.put_json(
        tx.tree(SUMMARIES_PENDING),
        code.as_bytes(),
        &head.seq.saturating_add(1),
    )
}

fn update_indexes(tx: &Tx, old: Option<&Application>, new: &Application) -> TxResult<()> {
    let codes = |app: &Application| -> BTreeSet<String> {
        app.household
            .members()
            .iter()
            .map(|m| m.fiscal_code.as_str().to_string())
            .collect()
    };
    let old_codes = old.map(codes).unwrap_or_default();
    let new_codes = codes(new);
    let fiscal_codes = tx.tree(IDX_FISCAL_CODE);
    for gone in old_codes.difference(&new_codes) {
        fiscal_codes.remove(keys::fiscal_code(gone, new.id))?;
    }
    for added in new_codes.difference(&old_codes) {
        fiscal_codes.insert(keys::fiscal_code(added, new.id), &[] as &[u8])?;
    }
    if old.map(|a| a.state) != Some(new.state) {
        index_state(tx, new.id, old.map(|a| a.state), new.state)?;
    }
    if let Some(protocol) = &new.protocol
        && old.and_then(|a| a.protocol.as_ref()) != Some(protocol)
    {
        let key = keys::protocol(&protocol.text);
        let protocols = tx.tree(IDX_PROTOCOL);
        if let Some(holder) = protocols.get(&key)?
            && keys::decode_application_id(&holder) != Some(new.id)
        {
            // Never give one protocol twice, whatever the pattern.
            return abort(StoreError::Domain(DomainError::invalid(
                "protocollo",
                format!("{protocol} è già assegnato a un'altra domanda"),
            )));
        }
        protocols.insert(key, &keys::application(new.id))?;
    }
    if old.is_none()
        && let Some(ext) = &new.external_id
    {
        tx.tree(IDX_EXTERNAL)
            .insert(ext.as_bytes(), &keys::application(new.id))?;
    }
    Ok(())
}

/// Moves application `id` from state `from` (`None` when it is new) to `to`, in the state
/// index and in the per-state counters: the one place that writes either, so the two stay
/// in step. A counter already at zero stays there; `check` reports it.
fn index_state(tx: &Tx, id: ApplicationId, from: Option<State>, to: State) -> TxResult<()> {
    if let Some(from) = from {
        tx.tree(IDX_STATE).remove(&keys::state(from, id))?;
        add_to_state_count(tx, from, -1)?;
    }
    tx.tree(IDX_STATE)
        .insert(&keys::state(to, id), &[] as &[u8])?;
    add_to_state_count(tx, to, 1)
}

fn add_to_state_count(tx: &Tx, state: State, delta: i64) -> TxResult<()> {
    let key = keys::state_count(state);
    let counts = tx.tree(COUNT_STATE);
    // `open` writes every counter, so a missing one is a counter at zero.
    let count: u64 = tx.get_json(counts, COUNT_STATE, &key)?.unwrap_or(0);
    tx.put_json(counts, &key, &count.saturating_add_signed(delta))
}
