//! Applications, from their arrival on: the records, their indexes, the per-state counters and
//! the console's read model (the summaries). Review, fees and ranking change an application
//! through the snapshot this part loads and writes.

mod check;
mod tx;

use std::io::Write;

use serde_json::value::RawValue;

use super::{Lines, Part, Record, Role, Tree, export_records};
use crate::domain::command::Needs;
use crate::domain::{Application, Context, Snapshot};
use crate::store::backup::BackupCounts;
use crate::store::check::IntegrityReport;
use crate::store::tx::{Tx, TxResult};
use crate::store::{Store, StoreError, keys};

/// Applications: key `application(id)`, value the `Application` as JSON. Primary data.
pub(crate) const APPLICATIONS: &str = "applications";
/// Fiscal code then id, empty value: every application a person is in. Derived.
pub(crate) const IDX_FISCAL_CODE: &str = "idx_fiscal_code";
/// A protocol's text, value the id. Derived.
pub(crate) const IDX_PROTOCOL: &str = "idx_protocol";
/// A state's tag then the id, empty value. Derived.
pub(crate) const IDX_STATE: &str = "idx_state";
/// The portal's identifier, value the id. Derived.
pub(crate) const IDX_EXTERNAL: &str = "idx_external";
/// How many applications are in each state: key `state_count(state)`, value the count as JSON.
/// Derived from `idx_state` and written in the same transactions; never exported. `Store::open`
/// rebuilds the whole tree when a counter is missing or unreadable.
pub(crate) const COUNT_STATE: &str = "count_state";
/// The inbox's read model: key `application(id)`, value the application's `ApplicationSummary`
/// as JSON. Derived from the records and written in the same transactions; never exported.
/// See `summaries.rs`.
pub(crate) const SUMMARIES: &str = "summaries";
/// Summaries known to be stale, to recompute: key a call's code (its applications' summaries)
/// or empty (every summary), value a token naming the change (see `summaries.rs`).
pub(crate) const SUMMARIES_PENDING: &str = "summaries_pending";

pub(super) struct Intake;

impl Part for Intake {
    fn trees(&self) -> &'static [Tree] {
        &[
            Tree {
                name: APPLICATIONS,
                role: Role::Records,
            },
            Tree {
                name: IDX_FISCAL_CODE,
                role: Role::Derived,
            },
            Tree {
                name: IDX_PROTOCOL,
                role: Role::Derived,
            },
            Tree {
                name: IDX_STATE,
                role: Role::Derived,
            },
            Tree {
                name: IDX_EXTERNAL,
                role: Role::Derived,
            },
            Tree {
                name: COUNT_STATE,
                role: Role::Preset,
            },
            Tree {
                name: SUMMARIES,
                role: Role::Derived,
            },
            Tree {
                name: SUMMARIES_PENDING,
                role: Role::Derived,
            },
        ]
    }

    fn lines(&self) -> &'static [Lines] {
        &[Lines {
            label: "application",
            order: 30,
            keyed: false,
            export: Some(export),
            restore,
        }]
    }

    fn load(&self, tx: &Tx, needs: &Needs, ctx: &Context, snapshot: &mut Snapshot) -> TxResult<()> {
        tx::load(tx, needs, ctx, snapshot)
    }

    fn write(&self, tx: &Tx, before: &Snapshot, after: &Snapshot, ctx: &Context) -> TxResult<()> {
        tx::write(tx, before, after, ctx)
    }

    /// The indexes from the records, then the counters from the state index and the summaries.
    fn rebuild(&self, store: &Store) -> Result<(), StoreError> {
        for item in store.tree(APPLICATIONS).iter() {
            let (key, value) = item?;
            let app: Application = serde_json::from_slice(&value)
                .map_err(|e| StoreError::corrupt(APPLICATIONS, &key, e))?;
            let id = keys::application(app.id);
            for member in app.household.members() {
                store.tree(IDX_FISCAL_CODE).insert(
                    keys::fiscal_code(member.fiscal_code.as_str(), app.id),
                    &[] as &[u8],
                )?;
            }
            store
                .tree(IDX_STATE)
                .insert(keys::state(app.state, app.id), &[] as &[u8])?;
            if let Some(protocol) = &app.protocol {
                store
                    .tree(IDX_PROTOCOL)
                    .insert(keys::protocol(&protocol.text), &id)?;
            }
            if let Some(ext) = &app.external_id {
                store.tree(IDX_EXTERNAL).insert(ext.as_bytes(), &id)?;
            }
        }
        store.rebuild_state_counts()?;
        store.rebuild_summaries()?;
        Ok(())
    }

    fn check(&self, store: &Store, report: &mut IntegrityReport) -> Result<(), StoreError> {
        check::check(store, report)
    }
}

fn export(store: &Store, out: &mut dyn Write, counts: &mut BackupCounts) -> Result<(), StoreError> {
    counts.applications += export_records(store, out, APPLICATIONS, "application")?;
    Ok(())
}

fn restore(
    _key: Option<String>,
    value: &RawValue,
    counts: &mut BackupCounts,
) -> Result<Record, String> {
    let app: Application =
        serde_json::from_str(value.get()).map_err(|e| format!("domanda non valida: {e}"))?;
    counts.applications += 1;
    Ok(Record::raw(
        APPLICATIONS,
        keys::application(app.id).to_vec(),
        value,
    ))
}
