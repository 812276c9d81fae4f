//! Full logical backup as JSON lines. Records are written as the exact bytes stored, so that
//! export → restore → export is byte-identical and the audit hashes survive the trip.
//! Indexes, counters and summaries are not written: restore rebuilds them from the records.
//! Each part of the store declares its kinds of line, how it writes and reads them and what it
//! rebuilds (`workflows`); this module frames the file and runs them in the file's order.

use std::collections::HashMap;
use std::fmt;
use std::io::{BufRead, Write};

use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::workflows::{self, Lines, Record};
use super::{SCHEMA_VERSION, Store, StoreError, keys};

const FORMAT: &str = "alloggi-backup";

/// The oldest schema whose backups this version restores. The lines have not changed since
/// schema 1: later schemas only add indexes, which restore rebuilds.
const OLDEST_RESTORABLE_SCHEMA: u32 = 1;

#[derive(Deserialize)]
struct Header {
    formato: String,
    schema: u32,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct BackupCounts {
    pub meta: usize,
    pub calls: usize,
    pub applications: usize,
    pub audit_entries: usize,
    pub messages: usize,
    pub appointments: usize,
    pub interested_lists: usize,
    pub rulesets: usize,
    pub rankings: usize,
    pub access_entries: usize,
    pub dwellings: usize,
    pub rounds: usize,
    pub placements: usize,
    pub leases: usize,
    pub rent_rules: usize,
    pub rent_notices: usize,
    pub tenancies: usize,
}

impl Store {
    pub fn export(&self, out: &mut impl Write) -> Result<BackupCounts, StoreError> {
        let mut counts = BackupCounts::default();
        writeln!(
            out,
            "{{\"formato\":\"{FORMAT}\",\"schema\":{}}}",
            self.schema_version()?
        )?;
        let out: &mut dyn Write = out;
        for lines in workflows::lines() {
            if let Some(export) = lines.export {
                export(self, out, &mut counts)?;
            }
        }
        out.flush()?;
        Ok(counts)
    }

    /// Loads a backup into this database, which must be empty. The file is checked whole
    /// before anything is written; if writing fails half-way, the database is emptied again.
    pub fn restore<R: BufRead>(
        &self,
        mut open: impl FnMut() -> std::io::Result<R>,
    ) -> Result<BackupCounts, StoreError> {
        if !self.is_empty() {
            return Err(StoreError::NotEmpty);
        }
        let counts = self.read_backup(open()?, |_| Ok(()))?;
        // Marks the database as half-restored until the end, so that a crash or kill part-way
        // leaves a database that refuses to open instead of one that looks normal.
        self.tree(keys::META)
            .insert(keys::META_RESTORE_IN_PROGRESS, b"true".as_slice())?;
        self.flush()?;
        let written = self.read_backup(open()?, |record| {
            self.tree(record.tree).insert(record.key, record.value)?;
            Ok(())
        });
        let outcome = written.and_then(|counts| {
            self.rebuild_indexes()?;
            self.flush()?;
            let audit = self.verify_audit()?;
            if let Some(broken) = audit.first_broken {
                // The header stands where the schema key would: audit lines follow the meta,
                // call and application lines, one per entry in order.
                let before_audit = 1 + counts.meta + counts.calls + counts.applications;
                let seq = usize::try_from(broken.seq).unwrap_or(usize::MAX);
                return Err(StoreError::Backup {
                    line: before_audit.saturating_add(seq),
                    detail: format!(
                        "registro di controllo non valido alla voce {}: {}",
                        broken.seq, broken.reason
                    ),
                });
            }
            let integrity = self.check()?;
            if !integrity.is_ok() {
                return Err(StoreError::Backup {
                    line: 0,
                    detail: format!(
                        "dati incoerenti dopo il ripristino: {}",
                        integrity.problems.join("; ")
                    ),
                });
            }
            self.tree(keys::META)
                .remove(keys::META_RESTORE_IN_PROGRESS)?;
            self.flush()?;
            Ok(counts)
        });
        if outcome.is_err() {
            // The restore's own error is the one to report; a failed cleanup leaves the marker,
            // and the marker makes the next open refuse the folder.
            if let Err(cleanup) = self.clear_all() {
                tracing::error!("pulizia dopo un ripristino fallito non riuscita: {cleanup}");
            }
        }
        outcome.map(|_| counts)
    }

    fn read_backup<R: BufRead>(
        &self,
        reader: R,
        mut sink: impl FnMut(Record) -> Result<(), StoreError>,
    ) -> Result<BackupCounts, StoreError> {
        let mut counts = BackupCounts::default();
        let mut lines = reader.lines();
        let bad = |line: usize, detail: String| StoreError::Backup { line, detail };
        let header = lines.next().ok_or_else(|| bad(1, "file vuoto".into()))??;
        let header: Header = serde_json::from_str(&header)
            .map_err(|e| bad(1, format!("intestazione non valida: {e}")))?;
        if header.formato != FORMAT {
            return Err(bad(1, format!("formato '{}' sconosciuto", header.formato)));
        }
        if !(OLDEST_RESTORABLE_SCHEMA..=SCHEMA_VERSION).contains(&header.schema) {
            return Err(bad(
                1,
                format!(
                    "schema {} non ripristinabile da questa versione (schemi da {OLDEST_RESTORABLE_SCHEMA} a {SCHEMA_VERSION})",
                    header.schema
                ),
            ));
        }
        // A repeated key would silently overwrite the earlier record.
        let mut seen: HashMap<(&'static str, Vec<u8>), usize> = HashMap::new();
        for (index, line) in lines.enumerate() {
            let number = index + 2;
            let line = line.map_err(|e| bad(number, format!("riga illeggibile: {e}")))?;
            if line.trim().is_empty() {
                continue;
            }
            let parsed: Line =
                serde_json::from_str(&line).map_err(|e| bad(number, e.to_string()))?;
            let record = to_record(parsed, &mut counts).map_err(|detail| bad(number, detail))?;
            if record.tree == keys::META && record.key == keys::META_RESTORE_IN_PROGRESS {
                return Err(bad(number, "chiave riservata".into()));
            }
            if let Some(first) = seen.insert((record.tree, record.key.clone()), number) {
                return Err(bad(
                    number,
                    format!("dato già presente alla riga {first} ({})", record.tree),
                ));
            }
            sink(record)?;
        }
        Ok(counts)
    }

    fn rebuild_indexes(&self) -> Result<(), StoreError> {
        for part in workflows::PARTS {
            part.rebuild(self)?;
        }
        Ok(())
    }

    fn clear_all(&self) -> Result<(), StoreError> {
        for &name in workflows::tree_names() {
            let tree = self.tree(name);
            for key in tree.iter().keys() {
                let key = key?;
                if name == keys::META
                    && (&*key == keys::META_SCHEMA || &*key == keys::META_RESTORE_IN_PROGRESS)
                {
                    continue;
                }
                tree.remove(key)?;
            }
        }
        // Back to what `open` leaves in a new database: every state counter, at zero.
        self.rebuild_state_counts()?;
        self.flush()?;
        self.tree(keys::META)
            .remove(keys::META_RESTORE_IN_PROGRESS)?;
        self.flush()
    }
}

/// One line of a backup: exactly one kind's field, and `value` for a keyed kind. The fields are
/// the registry's kinds; an unknown or repeated field is refused as serde refuses it.
struct Line {
    value: Option<Box<RawValue>>,
    fields: Vec<(&'static Lines, Field)>,
}

enum Field {
    Key(String),
    Raw(Box<RawValue>),
}

/// Every field a line may have: the kinds in the order of the file, `value` after the first.
fn field_names() -> &'static [&'static str] {
    static NAMES: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
        let mut names: Vec<&'static str> = workflows::lines().iter().map(|l| l.label).collect();
        names.insert(names.len().min(1), "value");
        names
    });
    &NAMES
}

impl<'de> Deserialize<'de> for Line {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(LineVisitor)
    }
}

struct LineVisitor;

impl<'de> Visitor<'de> for LineVisitor {
    type Value = Line;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("struct Line")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Line, A::Error> {
        let mut value: Option<Option<Box<RawValue>>> = None;
        let mut seen: Vec<&'static str> = Vec::new();
        let mut fields = Vec::new();
        while let Some(name) = map.next_key::<String>()? {
            if name == "value" {
                if value.is_some() {
                    return Err(de::Error::duplicate_field("value"));
                }
                value = Some(map.next_value()?);
                continue;
            }
            let Some(lines) = workflows::lines().iter().find(|l| l.label == name) else {
                return Err(de::Error::unknown_field(&name, field_names()));
            };
            if seen.contains(&lines.label) {
                return Err(de::Error::duplicate_field(lines.label));
            }
            seen.push(lines.label);
            // A null field counts as absent, as it always has.
            let field = if lines.keyed {
                map.next_value::<Option<String>>()?.map(Field::Key)
            } else {
                map.next_value::<Option<Box<RawValue>>>()?.map(Field::Raw)
            };
            if let Some(field) = field {
                fields.push((*lines, field));
            }
        }
        Ok(Line {
            value: value.flatten(),
            fields,
        })
    }
}

/// Validates one line by decoding it into its type, and keeps the original bytes to store.
fn to_record(line: Line, counts: &mut BackupCounts) -> Result<Record, String> {
    let Line { value, mut fields } = line;
    let keyed = fields.iter().any(|(lines, _)| lines.keyed);
    match (fields.pop(), fields.is_empty(), value) {
        (Some((lines, Field::Key(key))), true, Some(value)) if keyed => {
            (lines.restore)(Some(key), &value, counts)
        }
        (Some((lines, Field::Raw(raw))), true, None) if !keyed => {
            (lines.restore)(None, &raw, counts)
        }
        _ => Err(format!(
            "riga non riconosciuta: attesa una tra {}",
            workflows::lines()
                .iter()
                .map(|l| l.label)
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::Line;

    /// The registry's fields are refused as the derived struct of schema 5 refused them, so a
    /// bad line reads the same whatever version restores it.
    #[test]
    fn a_line_is_refused_as_it_always_was() {
        for (input, error) in [
            (
                "{\"sconosciuto\":1}",
                "unknown field `sconosciuto`, expected one of `meta`, `value`, `call`, \
                 `application`, `audit`, `outbox`, `appointment`, `interested`, `ruleset`, \
                 `ranking`, `ranking_rows`, `access`, `dwelling`, `round`, `placement`, \
                 `rent_rules`, `rent_notice`, `tenancy`, `lease` at line 1 column 14",
            ),
            (
                "{\"call\":1,\"call\":2}",
                "duplicate field `call` at line 1 column 16",
            ),
            (
                "{\"meta\":5,\"value\":1}",
                "invalid type: integer `5`, expected a string at line 1 column 9",
            ),
            (
                "\"x\"",
                "invalid type: string \"x\", expected struct Line at line 1 column 3",
            ),
        ] {
            let found = serde_json::from_str::<Line>(input)
                .err()
                .map(|e| e.to_string());
            assert_eq!(found.as_deref(), Some(error), "{input}");
        }
    }
}
