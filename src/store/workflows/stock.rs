//! The housing stock: the dwellings by code, and the same by state for the lists.

use std::io::Write;

use serde_json::value::RawValue;

use super::{Lines, Part, Record, Role, Tree, export_records};
use crate::domain::command::Needs;
use crate::domain::stock::{Dwelling, DwellingCode, DwellingState};
use crate::domain::{Context, Snapshot};
use crate::store::backup::BackupCounts;
use crate::store::check::{IntegrityReport, KeySet, compare_sets};
use crate::store::tx::{Tx, TxResult};
use crate::store::{Store, StoreError};

/// Dwellings: key the code, value the `Dwelling` as JSON. Primary data.
pub(crate) const DWELLINGS: &str = "dwellings";
/// Dwellings by state: the state's code, `0`, the dwelling's code; empty value. Derived from
/// `dwellings`.
pub(crate) const IDX_DWELLING_STATE: &str = "idx_dwelling_state";

pub(crate) fn dwelling_key(code: &DwellingCode) -> &[u8] {
    code.as_str().as_bytes()
}

pub(crate) fn state_key(state: DwellingState, code: &DwellingCode) -> Vec<u8> {
    let mut key = state_prefix(state);
    key.extend_from_slice(code.as_str().as_bytes());
    key
}

/// Where the dwellings of `state` start in `IDX_DWELLING_STATE`.
pub(crate) fn state_prefix(state: DwellingState) -> Vec<u8> {
    let mut key = state.code().as_bytes().to_vec();
    key.push(0);
    key
}

pub(super) struct Stock;

impl Part for Stock {
    fn trees(&self) -> &'static [Tree] {
        &[
            Tree {
                name: DWELLINGS,
                role: Role::Records,
            },
            Tree {
                name: IDX_DWELLING_STATE,
                role: Role::Derived,
            },
        ]
    }

    fn lines(&self) -> &'static [Lines] {
        &[Lines {
            label: "dwelling",
            order: 110,
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
        // The dwelling an applicant's place holds, for the round's replies and decrees.
        let held = snapshot
            .placement
            .as_ref()
            .and_then(|p| p.dwelling())
            .cloned();
        let mut codes: Vec<DwellingCode> = needs.dwellings.codes().into_iter().cloned().collect();
        codes.extend(held);
        for code in &codes {
            if let Some(dwelling) =
                tx.get_json::<Dwelling>(tx.tree(DWELLINGS), DWELLINGS, dwelling_key(code))?
            {
                snapshot.dwellings.insert(code.clone(), dwelling);
            }
        }
        Ok(())
    }

    fn write(&self, tx: &Tx, before: &Snapshot, after: &Snapshot, _ctx: &Context) -> TxResult<()> {
        for (code, dwelling) in &after.dwellings {
            let old = before.dwellings.get(code);
            if old == Some(dwelling) {
                continue;
            }
            tx.put_json(tx.tree(DWELLINGS), dwelling_key(code), dwelling)?;
            let index = tx.tree(IDX_DWELLING_STATE);
            if let Some(old) = old {
                index.remove(state_key(old.state, code))?;
            }
            index.insert(state_key(dwelling.state, code), &[] as &[u8])?;
        }
        Ok(())
    }

    fn rebuild(&self, store: &Store) -> Result<(), StoreError> {
        for key in index_keys(store)? {
            store.tree(IDX_DWELLING_STATE).insert(key, &[] as &[u8])?;
        }
        Ok(())
    }

    fn check(&self, store: &Store, report: &mut IntegrityReport) -> Result<(), StoreError> {
        let expected = index_keys(store)?;
        compare_sets(
            report,
            "alloggi per stato",
            store.tree(IDX_DWELLING_STATE),
            &expected,
        )
    }
}

fn export(store: &Store, out: &mut dyn Write, counts: &mut BackupCounts) -> Result<(), StoreError> {
    counts.dwellings += export_records(store, out, DWELLINGS, "dwelling")?;
    Ok(())
}

fn restore(
    _key: Option<String>,
    value: &RawValue,
    counts: &mut BackupCounts,
) -> Result<Record, String> {
    let dwelling: Dwelling =
        serde_json::from_str(value.get()).map_err(|e| format!("alloggio non valido: {e}"))?;
    counts.dwellings += 1;
    Ok(Record::raw(
        DWELLINGS,
        dwelling_key(&dwelling.code).to_vec(),
        value,
    ))
}

/// The state index the dwellings call for; a record stored under another key is reported by
/// the index disagreeing.
fn index_keys(store: &Store) -> Result<KeySet, StoreError> {
    let mut keys = KeySet::new();
    for item in store.tree(DWELLINGS).iter() {
        let (key, value) = item?;
        let dwelling: Dwelling =
            serde_json::from_slice(&value).map_err(|e| StoreError::corrupt(DWELLINGS, &key, e))?;
        if *key != *dwelling_key(&dwelling.code) {
            return Err(StoreError::corrupt(
                DWELLINGS,
                &key,
                format!("chiave diversa dal codice {}", dwelling.code),
            ));
        }
        keys.insert(state_key(dwelling.state, &dwelling.code));
    }
    Ok(keys)
}
