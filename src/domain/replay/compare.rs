//! The records the audit log rebuilds against the records kept, each difference named by
//! record and field.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;
use serde_json::Value;

use super::World;

/// How many fields are named for one record; the rest are counted.
const FIELDS_NAMED: usize = 5;

/// A record that does not match what the audit log says of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    /// The log creates it; it is not among the records.
    Missing { record: String },
    /// It is among the records; no event of the log creates it.
    Unlogged { record: String },
    /// The fields (paths in the stored JSON) whose values differ from the log's.
    Changed { record: String, fields: Vec<String> },
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Difference::Missing { record } => write!(
                f,
                "{record}: presente nel registro di controllo ma assente dai dati"
            ),
            Difference::Unlogged { record } => write!(
                f,
                "{record}: presente nei dati ma assente dal registro di controllo"
            ),
            Difference::Changed { record, fields } => {
                let named: Vec<&str> = fields
                    .iter()
                    .take(FIELDS_NAMED)
                    .map(String::as_str)
                    .collect();
                let more = fields.len().saturating_sub(FIELDS_NAMED);
                let list = if more > 0 {
                    format!("{} e altri {more}", named.join(", "))
                } else {
                    named.join(", ")
                };
                let (noun, verb) = if fields.len() == 1 {
                    ("il campo", "corrisponde")
                } else {
                    ("i campi", "corrispondono")
                };
                write!(
                    f,
                    "{record}: {noun} {list} non {verb} al registro di controllo"
                )
            }
        }
    }
}

/// Every record of `stored` that differs from `expected` (the log's), in the order of the
/// kinds of record, then by key.
pub fn differences(expected: &World, stored: &World) -> Vec<Difference> {
    let mut found = Vec::new();
    compare(&mut found, &expected.calls, &stored.calls, |code| {
        format!("bando {code}")
    });
    if expected.active_call != stored.active_call {
        found.push(Difference::Changed {
            record: "impostazioni".into(),
            fields: vec!["bando attivo".into()],
        });
    }
    compare(
        &mut found,
        &expected.applications,
        &stored.applications,
        |id| format!("domanda {id}"),
    );
    compare(
        &mut found,
        &expected.interested,
        &stored.interested,
        |code| format!("elenco degli interessati del bando {code}"),
    );
    compare(
        &mut found,
        &expected.appointments,
        &stored.appointments,
        |id| format!("appuntamento {id}"),
    );
    compare(&mut found, &expected.rulesets, &stored.rulesets, |code| {
        format!("tabella dei punteggi del bando {code}")
    });
    compare(
        &mut found,
        &expected.rankings,
        &stored.rankings,
        |(code, number)| format!("graduatoria n. {number} del bando {code}"),
    );
    compare(&mut found, &expected.messages, &stored.messages, |id| {
        format!("messaggio M{id}")
    });
    compare(&mut found, &expected.dwellings, &stored.dwellings, |code| {
        format!("alloggio {code}")
    });
    compare(&mut found, &expected.rounds, &stored.rounds, |code| {
        format!("assegnazione del bando {code}")
    });
    compare(&mut found, &expected.placements, &stored.placements, |id| {
        format!("posto in assegnazione della domanda {id}")
    });
    compare(&mut found, &expected.contracts, &stored.contracts, |id| {
        format!("contratto della domanda {id}")
    });
    compare(&mut found, &expected.rent_rules, &stored.rent_rules, |v| {
        format!("regole dei canoni {v}")
    });
    compare(
        &mut found,
        &expected.rent_notices,
        &stored.rent_notices,
        |(id, month)| format!("avviso del canone {month} della domanda {id}"),
    );
    compare(&mut found, &expected.tenancies, &stored.tenancies, |id| {
        format!("morosità della domanda {id}")
    });
    found
}

fn compare<K: Ord, V: PartialEq + Serialize>(
    found: &mut Vec<Difference>,
    expected: &BTreeMap<K, V>,
    stored: &BTreeMap<K, V>,
    name: impl Fn(&K) -> String,
) {
    for (key, want) in expected {
        match stored.get(key) {
            None => found.push(Difference::Missing { record: name(key) }),
            Some(have) if have != want => found.push(Difference::Changed {
                record: name(key),
                fields: changed_fields(want, have),
            }),
            Some(_) => {}
        }
    }
    for key in stored.keys().filter(|key| !expected.contains_key(*key)) {
        found.push(Difference::Unlogged { record: name(key) });
    }
}

/// The paths of the leaves that differ, as `household.members[1].surname`. Only records that
/// already differ get here, so the JSON trees are built for a few at most.
fn changed_fields<V: Serialize>(want: &V, have: &V) -> Vec<String> {
    let (Ok(want), Ok(have)) = (serde_json::to_value(want), serde_json::to_value(have)) else {
        return vec!["(intero record)".into()];
    };
    let mut paths = Vec::new();
    walk(&want, &have, String::new(), &mut paths);
    if paths.is_empty() {
        // Equal as JSON yet different as values: name the record as a whole.
        paths.push("(intero record)".into());
    }
    paths
}

fn walk(want: &Value, have: &Value, path: String, paths: &mut Vec<String>) {
    match (want, have) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for key in keys {
                let child = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => walk(x, y, child, paths),
                    _ => paths.push(child),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (index, (x, y)) in a.iter().zip(b).enumerate() {
                walk(x, y, format!("{path}[{index}]"), paths);
            }
        }
        (a, b) if a == b => {}
        _ => paths.push(if path.is_empty() {
            "(intero record)".into()
        } else {
            path
        }),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_changed_leaf_is_named_by_its_path() {
        let want = json!({"a": {"b": [1, {"c": "x"}]}, "d": 1});
        let have = json!({"a": {"b": [1, {"c": "y"}]}, "d": 1, "e": 2});
        assert_eq!(changed_fields(&want, &have), ["a.b[1].c", "e"]);
    }

    #[test]
    fn records_missing_and_unlogged_are_told_apart() {
        let mut expected = World {
            active_call: Some("erp".into()),
            ..World::default()
        };
        expected.interested.insert("erp".into(), Default::default());
        let mut stored = World::default();
        stored.interested.insert("altro".into(), Default::default());
        let found: Vec<String> = differences(&expected, &stored)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            found,
            [
                "impostazioni: il campo bando attivo non corrisponde al registro di controllo",
                "elenco degli interessati del bando erp: presente nel registro di controllo ma \
                 assente dai dati",
                "elenco degli interessati del bando altro: presente nei dati ma assente dal \
                 registro di controllo",
            ]
        );
    }
}
