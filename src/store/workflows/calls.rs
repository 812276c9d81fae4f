//! Calls and the citizens interested in each; the active call's code is in `meta`.

use std::collections::BTreeMap;
use std::io::Write;

use serde_json::value::RawValue;

use super::{Lines, Part, Record, Role, Tree, export_keyed, export_records};
use crate::domain::command::Needs;
use crate::domain::interested::Interested;
use crate::domain::{Call, Context, Snapshot};
use crate::store::backup::BackupCounts;
use crate::store::check::IntegrityReport;
use crate::store::tx::{Tx, TxResult};
use crate::store::{Store, StoreError, keys};

/// Calls: key the call's code, value the `Call` as JSON. Primary data.
pub(crate) const CALLS: &str = "calls";
/// Citizens interested in a call: key the call's code, value its whole list as JSON, so that
/// publishing reads it inside its transaction. Primary data.
pub(crate) const INTERESTED: &str = "interested";

pub(super) struct Calls;

impl Part for Calls {
    fn trees(&self) -> &'static [Tree] {
        &[
            Tree {
                name: CALLS,
                role: Role::Records,
            },
            Tree {
                name: INTERESTED,
                role: Role::Records,
            },
        ]
    }

    fn lines(&self) -> &'static [Lines] {
        &[
            Lines {
                label: "call",
                order: 20,
                keyed: false,
                export: Some(export_calls),
                restore: restore_call,
            },
            Lines {
                label: "interested",
                order: 70,
                keyed: true,
                export: Some(export_interested),
                restore: restore_interested,
            },
        ]
    }

    /// The call the command concerns: named by it, else the application's, else the active one.
    fn load(
        &self,
        tx: &Tx,
        needs: &Needs,
        _ctx: &Context,
        snapshot: &mut Snapshot,
    ) -> TxResult<()> {
        let active_call: Option<String> =
            tx.get_json(tx.tree(keys::META), keys::META, keys::META_ACTIVE_CALL)?;
        let code = needs
            .call
            .map(str::to_string)
            .or_else(|| snapshot.application.as_ref().map(|a| a.call.clone()))
            .or_else(|| active_call.clone())
            .filter(|_| !needs.without_call);
        let call: Option<Call> = match code {
            Some(code) => tx.get_json(tx.tree(CALLS), CALLS, code.as_bytes())?,
            None => None,
        };
        snapshot.interested = match (&call, needs.interested) {
            (Some(call), true) => tx
                .get_json(tx.tree(INTERESTED), INTERESTED, call.code.as_bytes())?
                .unwrap_or_default(),
            _ => Default::default(),
        };
        snapshot.call = call;
        snapshot.active_call = active_call;
        Ok(())
    }

    fn write(&self, tx: &Tx, before: &Snapshot, after: &Snapshot, _ctx: &Context) -> TxResult<()> {
        if after.call != before.call
            && let Some(call) = &after.call
        {
            tx.put_json(tx.tree(CALLS), call.code.as_bytes(), call)?;
        }
        if after.active_call != before.active_call {
            tx.put_json(
                tx.tree(keys::META),
                keys::META_ACTIVE_CALL,
                &after.active_call,
            )?;
        }
        if after.interested != before.interested
            && let Some(call) = &after.call
        {
            tx.put_json(tx.tree(INTERESTED), call.code.as_bytes(), &after.interested)?;
        }
        Ok(())
    }

    /// The active call exists.
    fn check(&self, store: &Store, report: &mut IntegrityReport) -> Result<(), StoreError> {
        let active: Option<Option<String>> = store.get_json(keys::META, keys::META_ACTIVE_CALL)?;
        if let Some(code) = active.flatten()
            && !store.calls()?.iter().any(|call| call.code == code)
        {
            report
                .problems
                .push(format!("il bando attivo '{code}' non esiste"));
        }
        Ok(())
    }
}

fn export_calls(
    store: &Store,
    out: &mut dyn Write,
    counts: &mut BackupCounts,
) -> Result<(), StoreError> {
    counts.calls += export_records(store, out, CALLS, "call")?;
    Ok(())
}

fn restore_call(
    _key: Option<String>,
    value: &RawValue,
    counts: &mut BackupCounts,
) -> Result<Record, String> {
    let call: Call =
        serde_json::from_str(value.get()).map_err(|e| format!("bando non valido: {e}"))?;
    counts.calls += 1;
    Ok(Record::raw(CALLS, call.code.into_bytes(), value))
}

fn export_interested(
    store: &Store,
    out: &mut dyn Write,
    counts: &mut BackupCounts,
) -> Result<(), StoreError> {
    counts.interested_lists += export_keyed(store, out, INTERESTED, "interested", None)?;
    Ok(())
}

fn restore_interested(
    key: Option<String>,
    value: &RawValue,
    counts: &mut BackupCounts,
) -> Result<Record, String> {
    serde_json::from_str::<BTreeMap<String, Interested>>(value.get())
        .map_err(|e| format!("elenco degli interessati non valido: {e}"))?;
    counts.interested_lists += 1;
    Ok(Record::raw(
        INTERESTED,
        key.unwrap_or_default().into_bytes(),
        value,
    ))
}
