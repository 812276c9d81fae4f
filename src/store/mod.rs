//! Persistence on sled: typed trees, secondary indexes, the hash-chained audit log.
//! One command is one transaction across every tree it touches, followed by a flush.

mod assignment;
pub mod audit;
mod audit_index;
mod backup;
mod check;
mod counts;
mod error;
mod intake;
pub(crate) mod keys;
mod lease;
pub mod lot;
pub mod outbox;
mod outbox_counts;
mod ranking;
mod rent;
mod replay;
mod stock;
mod summaries;
mod tx;
pub mod unsent;
mod workflows;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::de::DeserializeOwned;
use sled::Transactional;
use sled::transaction::TransactionError;

pub use assignment::{MAX_SKIPPED, NextFor};
pub use audit::AuditReport;
pub use audit_index::AuditFilter;
pub use check::IntegrityReport;
pub use error::StoreError;
pub use intake::SharedMember;
pub use outbox::{BatchQueued, InterestedQueued, Outcome, Preview, Receipt, ReceiptsApplied};
pub use ranking::{Candidate, LiveRanking, Published, compose_all};
pub use rent::StepsCommitted;
pub use workflows::access::{AccessEntry, AccessPage, Channel};
pub use workflows::rent::GpdRequest;

use crate::domain::fiscal_code::PersonFiscalCode;
use crate::domain::{Application, ApplicationId, Call, Command, Context, Event, State};
use tx::Tx;

/// Layout version of the stored values. Bump it with a migration in `migrate` when a change
/// cannot be absorbed by `#[serde(default)]` on a new field.
///
/// 1. The first layout.
/// 2. Adds `idx_audit_application`, the audit log indexed by application, built by the
///    migration from 1; and `count_state`, the number of applications in each state.
/// 3. Adds the IO outbox (`outbox`, its indexes, the IO profile cache). Nothing to convert: the
///    trees start empty; the bump keeps older versions, which know no outbox, off the database.
/// 4. Adds counter appointments (`appointments`, two indexes) and the citizens interested in a
///    call (`interested`); protocols carry their text. Nothing to convert: the new trees start
///    empty and a protocol stored without text reads as the default pattern wrote it.
/// 5. Adds rankings: each call's point table (`rulesets`) and its published versions
///    (`rankings`, `ranking_rows`); applications carry score overrides and objections. Nothing
///    to convert: the trees start empty and the new fields default to empty.
///
/// The state counters are not a migration step. `open` rebuilds them from the state index,
/// in one pass, whenever one of them is missing or unreadable (see `counts.rs`). One rule covers
/// a schema-1 database, a schema-2 database written before the counters existed, a new
/// database and one emptied by a failed restore. After that, every transaction that writes the
/// state index updates the counters too.
///
/// Nor are the application summaries, the console's read model (`summaries`): `open` rebuilds
/// them, in batches, when the tree is empty while applications exist (see `summaries.rs`), and
/// every transaction that writes an application writes its summary.
pub const SCHEMA_VERSION: u32 = 5;

/// The cache sled keeps in memory; its 1 GiB default is far more than a call needs.
const CACHE_BYTES: u64 = 64 * 1024 * 1024;

/// A handle on the database. Clones are cheap and share the same open database, so one can be
/// handed to another thread; the directory stays locked until the last clone is dropped.
#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    trees: Vec<sled::Tree>,
    path: PathBuf,
    /// Held by the handle recomputing summaries after a change of call, so that the clones'
    /// commands do not repeat the work meanwhile (see `summaries.rs`).
    settling: Arc<Mutex<()>>,
    /// Held by the outbox drain running: one at a time per database, since a drain starts by
    /// turning the entries it finds `sending` into `uncertain` — another's requests in flight.
    draining: Arc<tokio::sync::Mutex<()>>,
    /// Held by the pagoPA (GPD) sync running: one at a time per database, so the console
    /// server's periodic sync and a `rent sync` run inside it never send the same request twice.
    gpd_syncing: Arc<tokio::sync::Mutex<()>>,
}

/// What a write made only if its application is unchanged since a version gives: its result,
/// or the newest audit entry (number and event) that changed the application.
pub type Unchanged<T> = Result<T, (u64, Event)>;

impl Store {
    /// The turn of an outbox drain: see `draining`.
    pub fn drain_turn(&self) -> Arc<tokio::sync::Mutex<()>> {
        self.draining.clone()
    }

    /// The turn of a pagoPA (GPD) sync: see `gpd_syncing`.
    pub fn gpd_sync_turn(&self) -> Arc<tokio::sync::Mutex<()>> {
        self.gpd_syncing.clone()
    }

    /// Opens (creating if needed) the database in `path`. A second opener gets `Locked`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        // Created 0700 before sled creates it with the umask's mode; an existing folder keeps
        // its mode (the console and the CLI warn when others can reach it).
        crate::files::private::create_private_dir(path)?;
        let db = sled::Config::new()
            .path(path)
            .cache_capacity(CACHE_BYTES)
            .open()
            .map_err(|e| match e {
                sled::Error::Io(io) if io.to_string().contains("could not acquire lock") => {
                    StoreError::Locked(path.to_path_buf())
                }
                other => StoreError::Sled(other),
            })?;
        // sled creates `conf`, `db`, `blobs/` and `snap.*` with the umask's mode. Files it adds
        // while open are inside the 0700 folder, and are restricted at the next open.
        if let Err(e) = crate::files::private::restrict_contents(path) {
            // A file system without Unix modes must not stop the office.
            tracing::warn!("permessi dei file del database non impostati: {e}");
        }
        let trees = workflows::tree_names()
            .iter()
            .map(|name| db.open_tree(name))
            .collect::<Result<Vec<_>, _>>()?;
        let store = Store {
            db,
            trees,
            path: path.to_path_buf(),
            settling: Arc::new(Mutex::new(())),
            draining: Arc::new(tokio::sync::Mutex::new(())),
            gpd_syncing: Arc::new(tokio::sync::Mutex::new(())),
        };
        store.check_schema()?;
        if store
            .tree(keys::META)
            .contains_key(keys::META_RESTORE_IN_PROGRESS)?
        {
            return Err(StoreError::RestoreInterrupted(path.to_path_buf()));
        }
        store.ensure_state_counts()?;
        store.ensure_outbox_counts()?;
        store.ensure_summaries()?;
        Ok(store)
    }

    /// Opens a database that must already exist: for commands that only read or export, where a
    /// mistyped folder must not silently become a new, empty database.
    pub fn open_existing(path: &Path) -> Result<Store, StoreError> {
        if !path.join("conf").is_file() {
            return Err(StoreError::Missing(path.to_path_buf()));
        }
        Store::open(path)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn tree(&self, name: &str) -> &sled::Tree {
        &self.trees[keys::index_of(name)]
    }

    fn check_schema(&self) -> Result<(), StoreError> {
        let meta = self.tree(keys::META);
        let found: Option<u32> = self.get_json(keys::META, keys::META_SCHEMA)?;
        match found {
            None => {
                meta.insert(
                    keys::META_SCHEMA,
                    serde_json::to_vec(&SCHEMA_VERSION).unwrap_or_default(),
                )?;
                self.db.flush()?;
            }
            Some(v) if v > SCHEMA_VERSION => {
                return Err(StoreError::SchemaTooNew {
                    found: v,
                    supported: SCHEMA_VERSION,
                });
            }
            Some(v) if v < SCHEMA_VERSION => {
                // A half-restored database is refused by `open`; it is not worth upgrading.
                if meta.contains_key(keys::META_RESTORE_IN_PROGRESS)? {
                    return Err(StoreError::RestoreInterrupted(self.path.clone()));
                }
                self.migrate(v)?
            }
            Some(_) => {}
        }
        Ok(())
    }

    /// Upgrades an older layout in place, one step after the other. Each step can be repeated:
    /// the version is recorded only once every step has been written, so an upgrade cut short
    /// starts again at the next open.
    ///
    /// The state counters are not a step here: `open` builds them afterwards, as it does for
    /// any database that lacks them (see `SCHEMA_VERSION`).
    fn migrate(&self, from: u32) -> Result<(), StoreError> {
        if from < 2 {
            // 1 → 2: index the audit log by application, in one pass over the log.
            let keys = self.rebuild_audit_index()?;
            tracing::info!("schema 2: indice del registro per domanda creato ({keys} voci)");
        }
        self.db.flush()?;
        self.tree(keys::META).insert(
            keys::META_SCHEMA,
            serde_json::to_vec(&SCHEMA_VERSION).unwrap_or_default(),
        )?;
        self.db.flush()?;
        Ok(())
    }

    pub fn schema_version(&self) -> Result<u32, StoreError> {
        Ok(self
            .get_json(keys::META, keys::META_SCHEMA)?
            .unwrap_or(SCHEMA_VERSION))
    }

    fn get_json<T: DeserializeOwned>(
        &self,
        tree: &'static str,
        key: &[u8],
    ) -> Result<Option<T>, StoreError> {
        match self.tree(tree).get(key)? {
            None => Ok(None),
            Some(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| StoreError::corrupt(tree, key, e)),
        }
    }

    /// Runs one command in one transaction and makes it durable before returning. A command
    /// that changed a call's documents then brings that call's summaries up to date (see
    /// `summaries.rs`).
    pub fn execute(&self, command: &Command, ctx: &Context) -> Result<Vec<Event>, StoreError> {
        let events = self.transact(|tx| tx.run(command, ctx))?;
        self.settle_summaries();
        Ok(events)
    }

    /// One transaction across every tree, then a flush: how every change is written.
    fn transact<T>(&self, work: impl Fn(&Tx) -> tx::TxResult<T>) -> Result<T, StoreError> {
        let value = self
            .trees
            .as_slice()
            .transaction(|trees| work(&Tx(trees)))
            .map_err(flatten)?;
        self.db.flush()?;
        Ok(value)
    }

    /// Runs `command` only if nothing changed application `id`'s record since audit entry
    /// `seen`; `Ok(Err(entry))` with the newest change when something did, and nothing is
    /// written.
    pub fn execute_if_unchanged(
        &self,
        command: &Command,
        ctx: &Context,
        id: ApplicationId,
        seen: u64,
    ) -> Result<Unchanged<Vec<Event>>, StoreError> {
        let done = self.transact_if_unchanged(id, seen, |tx| tx.run(command, ctx))?;
        if done.is_ok() {
            self.settle_summaries();
        }
        Ok(done)
    }

    /// Commits `work` only if nothing changed application `id`'s record since audit entry
    /// `seen`; `Ok(Err(entry))` with the newest change when something did, and nothing is
    /// written. The change is looked up outside the transaction (sled's cannot scan), and the
    /// transaction commits only while the audit head is still the one read then: every entry
    /// moves the head, so nothing can be recorded about the application in between. A head
    /// moved by another change looks again, a few times.
    fn transact_if_unchanged<T>(
        &self,
        id: ApplicationId,
        seen: u64,
        work: impl Fn(&Tx) -> tx::TxResult<T>,
    ) -> Result<Unchanged<T>, StoreError> {
        const ATTEMPTS: usize = 5;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let basis = self.audit_head_seq()?;
            if let Some(change) = self.changed_since(id, seen)? {
                return Ok(Err(change));
            }
            let done = self.transact(|tx| {
                let head: audit::AuditHead = tx
                    .get_json(tx.tree(keys::META), keys::META, keys::META_AUDIT_HEAD)?
                    .unwrap_or_default();
                if head.seq != basis {
                    return tx::abort(StoreError::Changed);
                }
                work(tx)
            });
            match done {
                Err(StoreError::Changed) if attempt < ATTEMPTS => continue,
                Err(e) => return Err(e),
                Ok(value) => return Ok(Ok(value)),
            }
        }
    }

    /// The newest audit entry after entry `seen` that changed application `id`'s record.
    /// Messages queued and delivered about it are not changes of the record (the sender
    /// records deliveries while a caseworker types).
    fn changed_since(
        &self,
        id: ApplicationId,
        seen: u64,
    ) -> Result<Option<(u64, Event)>, StoreError> {
        const PAGE: usize = 32;
        let filter = AuditFilter {
            case: Some(id),
            ..AuditFilter::default()
        };
        let mut before = None;
        loop {
            let page = self.audit_page(before, PAGE, &filter)?;
            for (seq, event) in &page {
                if *seq <= seen {
                    return Ok(None);
                }
                if event.kind.workflow() != crate::domain::workflows::Workflow::Messages {
                    return Ok(Some((*seq, event.clone())));
                }
            }
            match page.last() {
                Some((oldest, _)) if page.len() == PAGE => before = Some(*oldest),
                _ => return Ok(None),
            }
        }
    }

    /// The sequence number of the audit log's newest entry; 0 while it is empty.
    pub fn audit_head_seq(&self) -> Result<u64, StoreError> {
        let head: Option<audit::AuditHead> = self.get_json(keys::META, keys::META_AUDIT_HEAD)?;
        Ok(head.map(|h| h.seq).unwrap_or(0))
    }

    /// Runs several commands as one transaction: all of them take effect, or none does.
    pub fn execute_all(&self, commands: &[(Command, Context)]) -> Result<Vec<Event>, StoreError> {
        let events = self.transact(|tx| {
            let mut events = Vec::new();
            for (index, (command, ctx)) in commands.iter().enumerate() {
                match tx.run(command, ctx) {
                    Ok(mut e) => events.append(&mut e),
                    Err(sled::transaction::ConflictableTransactionError::Abort(
                        StoreError::Domain(error),
                    )) => {
                        return Err(sled::transaction::ConflictableTransactionError::Abort(
                            StoreError::Batch { index, error },
                        ));
                    }
                    Err(other) => return Err(other),
                }
            }
            Ok(events)
        })?;
        self.settle_summaries();
        Ok(events)
    }

    // ---- queries -------------------------------------------------------------------------

    pub fn application(&self, id: ApplicationId) -> Result<Option<Application>, StoreError> {
        self.get_json(keys::APPLICATIONS, &keys::application(id))
    }

    /// Applications in id order, starting after `after`.
    pub fn applications_page(
        &self,
        after: Option<ApplicationId>,
        limit: usize,
    ) -> Result<Vec<Application>, StoreError> {
        let tree = self.tree(keys::APPLICATIONS);
        let start = after.map(|id| id.0.saturating_add(1)).unwrap_or(0);
        tree.range(start.to_be_bytes()..)
            .take(limit)
            .map(|item| {
                let (key, value) = item?;
                serde_json::from_slice(&value)
                    .map_err(|e| StoreError::corrupt(keys::APPLICATIONS, &key, e))
            })
            .collect()
    }

    pub fn application_count(&self) -> usize {
        self.tree(keys::APPLICATIONS).len()
    }

    /// The application registered with protocol `text`, as written (`2024/000123`).
    pub fn application_by_protocol(&self, text: &str) -> Result<Option<Application>, StoreError> {
        let protocol = text.trim();
        match self
            .tree(keys::IDX_PROTOCOL)
            .get(keys::protocol(protocol))?
        {
            None => Ok(None),
            Some(id) => match keys::decode_application_id(&id) {
                Some(id) => self.application(id),
                None => Err(StoreError::corrupt(
                    keys::IDX_PROTOCOL,
                    &keys::protocol(protocol),
                    "id illeggibile",
                )),
            },
        }
    }

    pub fn application_by_external_id(
        &self,
        external_id: &str,
    ) -> Result<Option<ApplicationId>, StoreError> {
        Ok(self
            .tree(keys::IDX_EXTERNAL)
            .get(external_id.trim().as_bytes())?
            .and_then(|id| keys::decode_application_id(&id)))
    }

    /// Every application in which the person appears, as applicant or member.
    pub fn applications_with_person(
        &self,
        fiscal_code: &PersonFiscalCode,
    ) -> Result<Vec<ApplicationId>, StoreError> {
        let fiscal_code = fiscal_code.as_str();
        self.tree(keys::IDX_FISCAL_CODE)
            .scan_prefix(fiscal_code.as_bytes())
            .map(|item| {
                let (key, _) = item?;
                key.get(fiscal_code.len()..)
                    .and_then(keys::decode_application_id)
                    .ok_or_else(|| {
                        StoreError::corrupt(keys::IDX_FISCAL_CODE, &key, "chiave illeggibile")
                    })
            })
            .collect()
    }

    pub fn ids_in_state(&self, state: State) -> Result<Vec<ApplicationId>, StoreError> {
        self.tree(keys::IDX_STATE)
            .scan_prefix([state.tag()])
            .map(|item| {
                let (key, _) = item?;
                key.get(1..)
                    .and_then(keys::decode_application_id)
                    .ok_or_else(|| StoreError::corrupt(keys::IDX_STATE, &key, "chiave illeggibile"))
            })
            .collect()
    }

    pub fn active_call(&self) -> Result<Option<Call>, StoreError> {
        let code: Option<Option<String>> = self.get_json(keys::META, keys::META_ACTIVE_CALL)?;
        match code.flatten() {
            Some(code) => self.call(&code),
            None => Ok(None),
        }
    }

    pub fn call(&self, code: &str) -> Result<Option<Call>, StoreError> {
        self.get_json(keys::CALLS, code.as_bytes())
    }

    pub fn calls(&self) -> Result<Vec<Call>, StoreError> {
        self.tree(keys::CALLS)
            .iter()
            .map(|item| {
                let (key, value) = item?;
                serde_json::from_slice(&value)
                    .map_err(|e| StoreError::corrupt(keys::CALLS, &key, e))
            })
            .collect()
    }

    /// Audit events, oldest first, from sequence number `from` (1-based).
    pub fn audit_events(&self, from: u64, limit: usize) -> Result<Vec<(u64, Event)>, StoreError> {
        self.tree(keys::AUDIT)
            .range(keys::audit(from)..)
            .take(limit)
            .map(|item| {
                let (key, value) = item?;
                audit_index::decode_entry(&key, &value)
            })
            .collect()
    }

    pub fn audit_len(&self) -> usize {
        self.tree(keys::AUDIT).len()
    }

    /// Walks the whole audit chain.
    pub fn verify_audit(&self) -> Result<AuditReport, StoreError> {
        let head = self.get_json(keys::META, keys::META_AUDIT_HEAD)?;
        let entries = self.tree(keys::AUDIT).iter().map(|item| {
            item.map(|(k, v)| (k.to_vec(), v.to_vec()))
                .map_err(|e| e.to_string())
        });
        Ok(audit::verify(entries, head))
    }

    /// The hash entry `seq` of the audit log holds, if the entry is there and readable: what a
    /// signed checkpoint is compared with.
    pub fn audit_entry_hash(&self, seq: u64) -> Result<Option<String>, StoreError> {
        let key = keys::audit(seq);
        let Some(value) = self.tree(keys::AUDIT).get(key)? else {
            return Ok(None);
        };
        let entry: audit::StoredEntry = serde_json::from_slice(&value)
            .map_err(|e| StoreError::corrupt(keys::AUDIT, &key, e))?;
        Ok((entry.seq == seq).then_some(entry.hash))
    }

    /// True when nothing but the schema version has been written. The state counters do not
    /// count: `open` writes them, at zero, in a new database.
    pub fn is_empty(&self) -> bool {
        workflows::trees().all(|declared| {
            let tree = self.tree(declared.name);
            if declared.role == workflows::Role::Preset {
                true
            } else if declared.name == keys::META {
                tree.iter()
                    .keys()
                    .all(|k| k.map(|k| &*k == keys::META_SCHEMA).unwrap_or(false))
            } else {
                tree.is_empty()
            }
        })
    }

    pub fn size_on_disk(&self) -> Result<u64, StoreError> {
        Ok(self.db.size_on_disk()?)
    }

    pub fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }
}

fn flatten(error: TransactionError<StoreError>) -> StoreError {
    match error {
        TransactionError::Abort(e) => e,
        TransactionError::Storage(e) => StoreError::Sled(e),
    }
}
