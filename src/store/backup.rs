//! Full logical backup as JSON lines. Records are written as the exact bytes stored, so that
//! export → restore → export is byte-identical and the audit hashes survive the trip.
//! Indexes, counters and summaries are not written: restore rebuilds them from the records.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, Write};

use serde::Deserialize;
use serde_json::value::RawValue;

use super::audit::StoredEntry;
use super::{SCHEMA_VERSION, Store, StoreError, keys};
use crate::domain::appointment::Appointment;
use crate::domain::interested::Interested;
use crate::domain::publication::RankingHeader;
use crate::domain::ranking::RankRow;
use crate::domain::ruleset::Ruleset;
use crate::domain::{Application, Call};

const FORMAT: &str = "alloggi-backup";

/// The oldest schema whose backups this version restores. The lines have not changed since
/// schema 1: later schemas only add indexes, which restore rebuilds.
const OLDEST_RESTORABLE_SCHEMA: u32 = 1;

#[derive(Deserialize)]
struct Header {
    formato: String,
    schema: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    #[serde(default)]
    meta: Option<String>,
    #[serde(default)]
    value: Option<Box<RawValue>>,
    #[serde(default)]
    call: Option<Box<RawValue>>,
    #[serde(default)]
    application: Option<Box<RawValue>>,
    #[serde(default)]
    audit: Option<Box<RawValue>>,
    #[serde(default)]
    outbox: Option<Box<RawValue>>,
    #[serde(default)]
    appointment: Option<Box<RawValue>>,
    /// A call's code; its list of interested citizens is in `value`.
    #[serde(default)]
    interested: Option<String>,
    /// A call's code; its point table is in `value`.
    #[serde(default)]
    ruleset: Option<String>,
    /// A published ranking's header.
    #[serde(default)]
    ranking: Option<Box<RawValue>>,
    /// `code/number` of a published ranking; its rows, as stored, are in `value`.
    #[serde(default)]
    ranking_rows: Option<String>,
}

/// Where one backup line goes: tree, key and the bytes to store.
struct Record {
    tree: &'static str,
    key: Vec<u8>,
    value: Vec<u8>,
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
}

impl Store {
    pub fn export(&self, out: &mut impl Write) -> Result<BackupCounts, StoreError> {
        let mut counts = BackupCounts::default();
        writeln!(
            out,
            "{{\"formato\":\"{FORMAT}\",\"schema\":{}}}",
            self.schema_version()?
        )?;
        for item in self.tree(keys::META).iter() {
            let (key, value) = item?;
            if &*key == keys::META_SCHEMA {
                continue;
            }
            let name =
                std::str::from_utf8(&key).map_err(|e| StoreError::corrupt(keys::META, &key, e))?;
            write!(out, "{{\"meta\":")?;
            serde_json::to_writer(&mut *out, name)
                .map_err(|e| StoreError::corrupt(keys::META, &key, e))?;
            write_raw(out, ",\"value\":", &value)?;
        }
        for (tree, label, count) in [
            (keys::CALLS, "call", &mut counts.calls),
            (keys::APPLICATIONS, "application", &mut counts.applications),
            (keys::AUDIT, "audit", &mut counts.audit_entries),
            (keys::OUTBOX, "outbox", &mut counts.messages),
            (keys::APPOINTMENTS, "appointment", &mut counts.appointments),
        ] {
            for item in self.tree(tree).iter() {
                let (_, value) = item?;
                write_raw(out, &format!("{{\"{label}\":"), &value)?;
                *count += 1;
            }
        }
        for item in self.tree(keys::INTERESTED).iter() {
            let (key, value) = item?;
            let code = std::str::from_utf8(&key)
                .map_err(|e| StoreError::corrupt(keys::INTERESTED, &key, e))?;
            write!(out, "{{\"interested\":")?;
            serde_json::to_writer(&mut *out, code)
                .map_err(|e| StoreError::corrupt(keys::INTERESTED, &key, e))?;
            write_raw(out, ",\"value\":", &value)?;
            counts.interested_lists += 1;
        }
        for item in self.tree(keys::RULESETS).iter() {
            let (key, value) = item?;
            let code = std::str::from_utf8(&key)
                .map_err(|e| StoreError::corrupt(keys::RULESETS, &key, e))?;
            write!(out, "{{\"ruleset\":")?;
            serde_json::to_writer(&mut *out, code)
                .map_err(|e| StoreError::corrupt(keys::RULESETS, &key, e))?;
            write_raw(out, ",\"value\":", &value)?;
            counts.rulesets += 1;
        }
        for item in self.tree(keys::RANKINGS).iter() {
            let (key, value) = item?;
            let header: RankingHeader = serde_json::from_slice(&value)
                .map_err(|e| StoreError::corrupt(keys::RANKINGS, &key, e))?;
            write_raw(out, "{\"ranking\":", &value)?;
            let rows = self
                .tree(keys::RANKING_ROWS)
                .get(&key)?
                .ok_or_else(|| StoreError::corrupt(keys::RANKING_ROWS, &key, "righe mancanti"))?;
            write!(out, "{{\"ranking_rows\":")?;
            serde_json::to_writer(&mut *out, &format!("{}/{}", header.call, header.number))
                .map_err(|e| StoreError::corrupt(keys::RANKINGS, &key, e))?;
            write_raw(out, ",\"value\":", &rows)?;
            counts.rankings += 1;
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
        for item in self.tree(keys::APPLICATIONS).iter() {
            let (key, value) = item?;
            let app: Application = serde_json::from_slice(&value)
                .map_err(|e| StoreError::corrupt(keys::APPLICATIONS, &key, e))?;
            let id = keys::application(app.id);
            for member in app.household.members() {
                self.tree(keys::IDX_FISCAL_CODE).insert(
                    keys::fiscal_code(member.fiscal_code.as_str(), app.id),
                    &[] as &[u8],
                )?;
            }
            self.tree(keys::IDX_STATE)
                .insert(keys::state(app.state, app.id), &[] as &[u8])?;
            if let Some(protocol) = &app.protocol {
                self.tree(keys::IDX_PROTOCOL)
                    .insert(keys::protocol(&protocol.text), &id)?;
            }
            if let Some(ext) = &app.external_id {
                self.tree(keys::IDX_EXTERNAL).insert(ext.as_bytes(), &id)?;
            }
        }
        self.rebuild_audit_index()?;
        self.rebuild_outbox_indexes()?;
        self.rebuild_appointment_indexes()?;
        self.rebuild_state_counts()?;
        self.rebuild_summaries()?;
        Ok(())
    }

    fn clear_all(&self) -> Result<(), StoreError> {
        for name in keys::ALL_TREES {
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

fn write_raw(out: &mut impl Write, prefix: &str, value: &[u8]) -> Result<(), StoreError> {
    out.write_all(prefix.as_bytes())?;
    out.write_all(value)?;
    out.write_all(b"}\n")?;
    Ok(())
}

/// Validates one line by decoding it into its type, and keeps the original bytes to store.
fn to_record(line: Line, counts: &mut BackupCounts) -> Result<Record, String> {
    let raw_bytes = |raw: &RawValue| raw.get().as_bytes().to_vec();
    let Line {
        meta,
        value,
        call,
        application,
        audit,
        outbox,
        appointment,
        interested,
        ruleset,
        ranking,
        ranking_rows,
    } = line;
    let records = [
        call.is_some(),
        application.is_some(),
        audit.is_some(),
        outbox.is_some(),
        appointment.is_some(),
        interested.is_some(),
        meta.is_some(),
        ruleset.is_some(),
        ranking.is_some(),
        ranking_rows.is_some(),
    ]
    .into_iter()
    .filter(|present| *present)
    .count();
    let keyed =
        meta.is_some() || interested.is_some() || ruleset.is_some() || ranking_rows.is_some();
    if records != 1 || keyed != value.is_some() {
        return Err(
            "riga non riconosciuta: attesa una tra meta, call, application, audit, \
             outbox, appointment, interested, ruleset, ranking, ranking_rows"
                .into(),
        );
    }
    if let (Some(code), Some(value)) = (ruleset, &value) {
        serde_json::from_str::<Ruleset>(value.get())
            .map_err(|e| format!("tabella dei punteggi non valida: {e}"))?;
        counts.rulesets += 1;
        return Ok(Record {
            tree: keys::RULESETS,
            key: code.into_bytes(),
            value: raw_bytes(value),
        });
    }
    if let Some(raw) = ranking {
        let header: RankingHeader =
            serde_json::from_str(raw.get()).map_err(|e| format!("graduatoria non valida: {e}"))?;
        counts.rankings += 1;
        return Ok(Record {
            tree: keys::RANKINGS,
            key: keys::ranking(&header.call, header.number),
            value: raw_bytes(&raw),
        });
    }
    if let (Some(name), Some(value)) = (ranking_rows, &value) {
        let (code, number) = name
            .rsplit_once('/')
            .and_then(|(code, n)| Some((code, n.parse::<u32>().ok()?)))
            .ok_or_else(|| format!("righe di graduatoria '{name}': atteso codice/numero"))?;
        serde_json::from_str::<Vec<RankRow>>(value.get())
            .map_err(|e| format!("righe di graduatoria non valide: {e}"))?;
        return Ok(Record {
            tree: keys::RANKING_ROWS,
            key: keys::ranking(code, number),
            value: raw_bytes(value),
        });
    }
    if let (Some(name), Some(value)) = (meta, &value) {
        if name.as_bytes() == keys::META_SCHEMA {
            return Err("lo schema va solo nell'intestazione".into());
        }
        serde_json::from_str::<serde_json::Value>(value.get()).map_err(|e| e.to_string())?;
        counts.meta += 1;
        return Ok(Record {
            tree: keys::META,
            key: name.into_bytes(),
            value: raw_bytes(value),
        });
    }
    if let (Some(code), Some(value)) = (interested, &value) {
        serde_json::from_str::<BTreeMap<String, Interested>>(value.get())
            .map_err(|e| format!("elenco degli interessati non valido: {e}"))?;
        counts.interested_lists += 1;
        return Ok(Record {
            tree: keys::INTERESTED,
            key: code.into_bytes(),
            value: raw_bytes(value),
        });
    }
    if let Some(raw) = call {
        let call: Call =
            serde_json::from_str(raw.get()).map_err(|e| format!("bando non valido: {e}"))?;
        counts.calls += 1;
        return Ok(Record {
            tree: keys::CALLS,
            key: call.code.into_bytes(),
            value: raw_bytes(&raw),
        });
    }
    if let Some(raw) = application {
        let app: Application =
            serde_json::from_str(raw.get()).map_err(|e| format!("domanda non valida: {e}"))?;
        counts.applications += 1;
        return Ok(Record {
            tree: keys::APPLICATIONS,
            key: keys::application(app.id).to_vec(),
            value: raw_bytes(&raw),
        });
    }
    if let Some(raw) = audit {
        let entry: StoredEntry = serde_json::from_str(raw.get())
            .map_err(|e| format!("voce del registro non valida: {e}"))?;
        counts.audit_entries += 1;
        return Ok(Record {
            tree: keys::AUDIT,
            key: keys::audit(entry.seq).to_vec(),
            value: raw_bytes(&raw),
        });
    }
    if let Some(raw) = outbox {
        let entry: crate::messages::outbox::OutboxEntry =
            serde_json::from_str(raw.get()).map_err(|e| format!("messaggio non valido: {e}"))?;
        counts.messages += 1;
        return Ok(Record {
            tree: keys::OUTBOX,
            key: keys::outbox(entry.id).to_vec(),
            value: raw_bytes(&raw),
        });
    }
    match appointment {
        Some(raw) => {
            let appointment: Appointment = serde_json::from_str(raw.get())
                .map_err(|e| format!("appuntamento non valido: {e}"))?;
            counts.appointments += 1;
            Ok(Record {
                tree: keys::APPOINTMENTS,
                key: keys::appointment(appointment.id).to_vec(),
                value: raw_bytes(&raw),
            })
        }
        None => Err("riga vuota".into()),
    }
}
