//! `alloggi check`: do the indexes, counters and summaries agree with the records, and the
//! records with the audit log (`replay`)? Each part of the store says what it verifies
//! (`workflows`); this module runs them and holds the comparisons they share.

use std::collections::{BTreeMap, BTreeSet};

use super::{Store, StoreError, keys, workflows};

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

impl Store {
    pub fn check(&self) -> Result<IntegrityReport, StoreError> {
        let mut report = IntegrityReport::default();
        for part in workflows::PARTS {
            part.check(self, &mut report)?;
        }
        self.check_replay(&mut report)?;
        Ok(report)
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
