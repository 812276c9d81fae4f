//! The store's own tree: the schema version, and the counters and markers the parts keep
//! under named keys (`keys::META_*`).

use std::io::Write;

use serde_json::value::RawValue;

use super::{Lines, Part, Record, Role, Tree, export_keyed};
use crate::store::backup::BackupCounts;
use crate::store::{Store, StoreError, keys};

pub(crate) const META: &str = "meta";

pub(super) struct Meta;

impl Part for Meta {
    fn trees(&self) -> &'static [Tree] {
        &[Tree {
            name: META,
            role: Role::Records,
        }]
    }

    fn lines(&self) -> &'static [Lines] {
        &[Lines {
            label: "meta",
            order: 10,
            keyed: true,
            export: Some(export),
            restore,
        }]
    }
}

/// Every named value but the schema version, which the backup's header carries. The lines are
/// not counted on the way out: an export reports its records.
fn export(
    store: &Store,
    out: &mut dyn Write,
    _counts: &mut BackupCounts,
) -> Result<(), StoreError> {
    export_keyed(store, out, META, "meta", Some(keys::META_SCHEMA))?;
    Ok(())
}

fn restore(
    key: Option<String>,
    value: &RawValue,
    counts: &mut BackupCounts,
) -> Result<Record, String> {
    let name = key.unwrap_or_default();
    if name.as_bytes() == keys::META_SCHEMA {
        return Err("lo schema va solo nell'intestazione".into());
    }
    serde_json::from_str::<serde_json::Value>(value.get()).map_err(|e| e.to_string())?;
    counts.meta += 1;
    Ok(Record::raw(META, name.into_bytes(), value))
}
