//! The leases: each assignee's contract file (ready, signing appointment, signed lease) by
//! application, and the signed leases by dwelling.

use std::io::Write;

use serde_json::value::RawValue;

use super::assignment::placement_of;
use super::stock::{DWELLINGS, dwelling_key};
use super::{Lines, Part, Record, Role, Tree, export_records};
use crate::domain::command::Needs;
use crate::domain::lease::ContractFile;
use crate::domain::stock::{Dwelling, DwellingState, Standing};
use crate::domain::{ApplicationId, Context, Snapshot};
use crate::store::backup::BackupCounts;
use crate::store::check::{IntegrityReport, KeyMap, compare_maps};
use crate::store::tx::{Tx, TxResult};
use crate::store::{Store, StoreError, keys};

/// Contract files: key the application's id, value the `ContractFile` as JSON. Primary data.
pub(crate) const LEASES: &str = "leases";
/// Signed leases by dwelling: key the dwelling's code, value the application's id. Derived;
/// one signed lease per dwelling.
pub(crate) const IDX_LEASE_DWELLING: &str = "idx_lease_dwelling";

pub(super) struct Lease;

impl Part for Lease {
    fn trees(&self) -> &'static [Tree] {
        &[
            Tree {
                name: LEASES,
                role: Role::Records,
            },
            Tree {
                name: IDX_LEASE_DWELLING,
                role: Role::Derived,
            },
        ]
    }

    fn lines(&self) -> &'static [Lines] {
        &[Lines {
            label: "lease",
            order: 150,
            keyed: false,
            export: Some(export),
            restore,
        }]
    }

    fn load(
        &self,
        tx: &Tx,
        needs: &Needs,
        _ctx: &Context,
        snapshot: &mut Snapshot,
    ) -> TxResult<()> {
        if needs.contract
            && let Some(id) = needs.application
        {
            snapshot.contract = tx.get_json(tx.tree(LEASES), LEASES, &keys::application(id))?;
        }
        Ok(())
    }

    fn write(&self, tx: &Tx, before: &Snapshot, after: &Snapshot, _ctx: &Context) -> TxResult<()> {
        if after.contract == before.contract {
            return Ok(());
        }
        let Some(file) = &after.contract else {
            return Ok(());
        };
        let key = keys::application(file.application);
        tx.put_json(tx.tree(LEASES), &key, file)?;
        let signed_before = before.contract.as_ref().is_some_and(|f| f.lease.is_some());
        if let Some(lease) = &file.lease
            && !signed_before
        {
            tx.tree(IDX_LEASE_DWELLING)
                .insert(dwelling_key(&lease.dwelling), &key)?;
        }
        Ok(())
    }

    fn rebuild(&self, store: &Store) -> Result<(), StoreError> {
        for (key, value) in index_keys(store, &mut IntegrityReport::default())? {
            store.tree(IDX_LEASE_DWELLING).insert(key, value)?;
        }
        Ok(())
    }

    /// The index against the leases; each signed lease's dwelling let, and held by its
    /// tenant's decree.
    fn check(&self, store: &Store, report: &mut IntegrityReport) -> Result<(), StoreError> {
        let expected = index_keys(store, report)?;
        compare_maps(
            report,
            "contratti per alloggio",
            store.tree(IDX_LEASE_DWELLING),
            &expected,
        )?;
        for file in files(store)? {
            let Some(lease) = &file.lease else {
                continue;
            };
            let dwelling: Option<Dwelling> =
                store.get_json(DWELLINGS, dwelling_key(&lease.dwelling))?;
            match dwelling {
                None => report.problems.push(format!(
                    "contratto n. {}: l'alloggio {} non è nell'elenco",
                    lease.number, lease.dwelling
                )),
                Some(d) if d.state != DwellingState::Locato => report.problems.push(format!(
                    "contratto n. {}: l'alloggio {} risulta {} invece di locato",
                    lease.number,
                    lease.dwelling,
                    d.state.label()
                )),
                Some(_) => {}
            }
            let assigned = placement_of(store, file.application)?.is_some_and(|p| {
                matches!(&p.standing, Standing::Assegnato { dwelling, .. } if *dwelling == lease.dwelling)
            });
            if !assigned {
                report.problems.push(format!(
                    "contratto n. {}: la domanda {} non risulta assegnataria dell'alloggio {}",
                    lease.number, file.application, lease.dwelling
                ));
            }
        }
        Ok(())
    }
}

fn files(store: &Store) -> Result<Vec<ContractFile>, StoreError> {
    let mut found = Vec::new();
    for item in store.tree(LEASES).iter() {
        let (key, value) = item?;
        let file: ContractFile =
            serde_json::from_slice(&value).map_err(|e| StoreError::corrupt(LEASES, &key, e))?;
        if *key != keys::application(file.application) {
            return Err(StoreError::corrupt(
                LEASES,
                &key,
                format!("chiave diversa dalla domanda {}", file.application),
            ));
        }
        found.push(file);
    }
    Ok(found)
}

/// The dwelling index the signed leases call for; two leases of one dwelling are reported.
fn index_keys(store: &Store, report: &mut IntegrityReport) -> Result<KeyMap, StoreError> {
    let mut index = KeyMap::new();
    for file in files(store)? {
        if let Some(lease) = &file.lease {
            let key = dwelling_key(&lease.dwelling).to_vec();
            let value = keys::application(file.application).to_vec();
            if let Some(other) = index.insert(key, value)
                && other != keys::application(file.application)
            {
                report.problems.push(format!(
                    "l'alloggio {} ha più di un contratto firmato",
                    lease.dwelling
                ));
            }
        }
    }
    Ok(index)
}

/// Every contract file, in application order.
pub(crate) fn contract_files(store: &Store) -> Result<Vec<ContractFile>, StoreError> {
    files(store)
}

/// Application `id`'s contract file.
pub(crate) fn contract_of(
    store: &Store,
    id: ApplicationId,
) -> Result<Option<ContractFile>, StoreError> {
    store.get_json(LEASES, &keys::application(id))
}

fn export(store: &Store, out: &mut dyn Write, counts: &mut BackupCounts) -> Result<(), StoreError> {
    counts.leases += export_records(store, out, LEASES, "lease")?;
    Ok(())
}

fn restore(
    _key: Option<String>,
    value: &RawValue,
    counts: &mut BackupCounts,
) -> Result<Record, String> {
    let file: ContractFile =
        serde_json::from_str(value.get()).map_err(|e| format!("contratto non valido: {e}"))?;
    counts.leases += 1;
    Ok(Record::raw(
        LEASES,
        keys::application(file.application).to_vec(),
        value,
    ))
}
