//! Offline bundles for offices with no internet: the queued messages written to a file with a
//! checksum, sent from a connected machine that has no database, and receipts carried back.
//!
//! The receipts file is append-only JSON lines, written and synced before and after each
//! request: a line `in_invio` before, the outcome after. Sending the same bundle again resumes
//! where it stopped; an entry with `in_invio` and no outcome is recorded `incerto`, never sent
//! twice.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::Utc;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::client::{IoClient, ProfileOutcome, SubmitOutcome};
use crate::domain::time::Timestamp;
use crate::messages::NewMessage;
use crate::messages::outbox::{
    INTERRUPTED, NO_IO_PROFILE, OutboxEntry, OutboxId, SERVICE_TURNED_OFF,
};
use crate::store::{Outcome, Receipt};

const BUNDLE_FORMAT: &str = "alloggi-pacchetto-io";
const RECEIPTS_FORMAT: &str = "alloggi-ricevute-io";

#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("{path}: {detail}")]
    File { path: PathBuf, detail: String },
    #[error("{path}, riga {line}: {detail}")]
    Line {
        path: PathBuf,
        line: usize,
        detail: String,
    },
    #[error("{0}")]
    Stopped(String),
}

fn file_error(path: &Path, detail: impl ToString) -> BundleError {
    BundleError::File {
        path: path.to_path_buf(),
        detail: detail.to_string(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleEntry {
    pub id: OutboxId,
    /// The content hash of `messaggio`, as the outbox holds it.
    pub impronta: String,
    pub messaggio: NewMessage,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    pub formato: String,
    pub id: String,
    pub creato: Timestamp,
    pub voci: Vec<BundleEntry>,
    /// SHA-256 of the JSON of `voci`: a bundle damaged or edited on the way is refused.
    pub impronta: String,
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn entries_checksum(entries: &[BundleEntry]) -> String {
    sha256_hex(&serde_json::to_vec(entries).unwrap_or_default())
}

impl Bundle {
    /// A bundle of `entries`, named after its creation time and checksum.
    pub fn of(entries: &[OutboxEntry], now: Timestamp) -> Bundle {
        let voci: Vec<BundleEntry> = entries
            .iter()
            .map(|e| BundleEntry {
                id: e.id,
                impronta: e.content_hash.clone(),
                messaggio: e.message.clone(),
            })
            .collect();
        let impronta = entries_checksum(&voci);
        Bundle {
            formato: BUNDLE_FORMAT.into(),
            id: format!("P{}-{}", now.format("%Y%m%d%H%M%S"), &impronta[..8]),
            creato: now,
            voci,
            impronta,
        }
    }

    /// Writes the bundle to `path` through a temporary file beside it, synced, so that a
    /// crash never leaves half a bundle under the final name. Returns the temporary path
    /// still to be renamed by `publish`: the outbox marks the entries exported in between.
    pub fn write_pending(&self, path: &Path) -> Result<PathBuf, BundleError> {
        let pending = path.with_extension("parziale");
        let bytes = serde_json::to_vec_pretty(self).map_err(|e| file_error(path, e))?;
        // Fiscal codes and texts: the owner's only, and so is the final name after the rename.
        let mut file =
            crate::files::private::create_private(&pending).map_err(|e| file_error(&pending, e))?;
        file.write_all(&bytes)
            .and_then(|()| file.sync_all())
            .map_err(|e| file_error(&pending, e))?;
        Ok(pending)
    }

    pub fn publish(pending: &Path, path: &Path) -> Result<(), BundleError> {
        std::fs::rename(pending, path).map_err(|e| file_error(path, e))
    }

    /// Reads and verifies a bundle: format, checksum, and each entry's content hash.
    pub fn read(path: &Path) -> Result<Bundle, BundleError> {
        let bytes = std::fs::read(path).map_err(|e| file_error(path, e))?;
        let bundle: Bundle = serde_json::from_slice(&bytes)
            .map_err(|e| file_error(path, format!("pacchetto illeggibile: {e}")))?;
        if bundle.formato != BUNDLE_FORMAT {
            return Err(file_error(
                path,
                format!("formato «{}» sconosciuto", bundle.formato),
            ));
        }
        if entries_checksum(&bundle.voci) != bundle.impronta {
            return Err(file_error(
                path,
                "l'impronta del pacchetto non corrisponde: il file è stato alterato o danneggiato",
            ));
        }
        for entry in &bundle.voci {
            if entry.messaggio.content_hash() != entry.impronta {
                return Err(file_error(
                    path,
                    format!("il messaggio {} è stato alterato", entry.id),
                ));
            }
        }
        Ok(bundle)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "esito")]
enum ReceiptOutcome {
    InInvio,
    Inviato {
        id_io: String,
    },
    Respinto {
        stato: u16,
        dettaglio: String,
    },
    NonRaggiungibile {
        dettaglio: String,
    },
    Incerto {
        dettaglio: String,
    },
    /// Refused before anything was created (rate limit, no connection): sent again next run.
    NonPartito {
        dettaglio: String,
    },
}

/// Not `deny_unknown_fields`: serde does not support it together with `flatten`, and every
/// line, `esito` included, would be refused as unknown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct ReceiptLine {
    voce: OutboxId,
    impronta: String,
    #[serde(flatten)]
    esito: ReceiptOutcome,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReceiptsHeader {
    formato: String,
    pacchetto: String,
    impronta: String,
}

/// The receipts of one bundle, as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipts {
    pub bundle: String,
    pub bundle_checksum: String,
    pub receipts: Vec<Receipt>,
    /// Entries whose last line says nothing left: the bundle must be sent again for them.
    pub not_sent: usize,
}

impl Receipts {
    /// Reads a receipts file. An entry whose last line is `in_invio` (the sender stopped
    /// between the request and its answer) reads as uncertain.
    pub fn read(path: &Path) -> Result<Receipts, BundleError> {
        let (header, lines) = read_receipt_lines(path)?;
        let mut last: BTreeMap<OutboxId, ReceiptLine> = BTreeMap::new();
        for line in lines {
            last.insert(line.voce, line);
        }
        let mut pending = 0;
        let receipts = last
            .into_values()
            .filter(|line| {
                let not_sent = matches!(line.esito, ReceiptOutcome::NonPartito { .. });
                pending += usize::from(not_sent);
                !not_sent
            })
            .map(|line| Receipt {
                id: line.voce,
                content_hash: line.impronta,
                outcome: match line.esito {
                    ReceiptOutcome::InInvio => Outcome::Uncertain {
                        detail: INTERRUPTED.into(),
                    },
                    ReceiptOutcome::Inviato { id_io } => Outcome::Sent { io_id: id_io },
                    ReceiptOutcome::Respinto { stato, dettaglio } => Outcome::Rejected {
                        status: stato,
                        detail: dettaglio,
                    },
                    ReceiptOutcome::NonRaggiungibile { dettaglio } => {
                        Outcome::Unreachable { detail: dettaglio }
                    }
                    ReceiptOutcome::Incerto { dettaglio } => {
                        Outcome::Uncertain { detail: dettaglio }
                    }
                    // Filtered out above.
                    ReceiptOutcome::NonPartito { dettaglio } => Outcome::Retry {
                        at: Utc::now(),
                        reason: dettaglio,
                    },
                },
            })
            .collect();
        Ok(Receipts {
            bundle: header.pacchetto,
            bundle_checksum: header.impronta,
            receipts,
            not_sent: pending,
        })
    }
}

fn read_receipt_lines(path: &Path) -> Result<(ReceiptsHeader, Vec<ReceiptLine>), BundleError> {
    let file = File::open(path).map_err(|e| file_error(path, e))?;
    let mut lines = BufReader::new(file).lines();
    let bad = |line: usize, detail: String| BundleError::Line {
        path: path.to_path_buf(),
        line,
        detail,
    };
    let header = lines
        .next()
        .ok_or_else(|| bad(1, "file vuoto".into()))?
        .map_err(|e| bad(1, e.to_string()))?;
    let header: ReceiptsHeader = serde_json::from_str(&header)
        .map_err(|e| bad(1, format!("intestazione non valida: {e}")))?;
    if header.formato != RECEIPTS_FORMAT {
        return Err(bad(1, format!("formato «{}» sconosciuto", header.formato)));
    }
    let mut parsed = Vec::new();
    for (index, line) in lines.enumerate() {
        let number = index + 2;
        let line = line.map_err(|e| bad(number, e.to_string()))?;
        if line.trim().is_empty() {
            continue;
        }
        let receipt: ReceiptLine = serde_json::from_str(&line)
            .map_err(|e| bad(number, format!("ricevuta non valida: {e}")))?;
        parsed.push(receipt);
    }
    Ok((header, parsed))
}

/// Appends receipt lines, each synced before the next step.
struct ReceiptsWriter {
    file: File,
    path: PathBuf,
}

impl ReceiptsWriter {
    fn append(&mut self, line: &impl Serialize) -> Result<(), BundleError> {
        let mut bytes = serde_json::to_vec(line).map_err(|e| file_error(&self.path, e))?;
        bytes.push(b'\n');
        self.file
            .write_all(&bytes)
            .and_then(|()| self.file.sync_data())
            .map_err(|e| file_error(&self.path, e))
    }
}

/// What `send_bundle` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BundleReport {
    pub sent: usize,
    pub rejected: usize,
    pub unreachable: usize,
    pub uncertain: usize,
    /// Entries already receipted by an earlier run.
    pub already: usize,
    /// Entries left without a receipt (IO unreachable): sending the bundle again tries them.
    pub left: usize,
}

/// Sends `bundle` with `client`, writing receipts to `receipts_path`. Resumes an earlier run
/// of the same bundle; refuses a receipts file of another bundle.
pub async fn send_bundle(
    bundle: &Bundle,
    client: &IoClient,
    receipts_path: &Path,
    stop: &AtomicBool,
    progress: &(dyn Fn(&BundleReport, usize) + Sync),
) -> Result<BundleReport, BundleError> {
    let mut report = BundleReport::default();
    let mut done: BTreeMap<OutboxId, ReceiptOutcome> = BTreeMap::new();
    // An empty file is one a run created and left before writing its header: a new start.
    let started = std::fs::metadata(receipts_path)
        .map(|m| m.len() > 0)
        .unwrap_or(false);
    if started {
        let (header, lines) = read_receipt_lines(receipts_path)?;
        if header.pacchetto != bundle.id || header.impronta != bundle.impronta {
            return Err(file_error(
                receipts_path,
                format!(
                    "queste ricevute sono del pacchetto {}, non di {}: indicare un altro file",
                    header.pacchetto, bundle.id
                ),
            ));
        }
        for line in lines {
            if matches!(line.esito, ReceiptOutcome::NonPartito { .. }) {
                done.remove(&line.voce);
            } else {
                done.insert(line.voce, line.esito);
            }
        }
    }
    let file = crate::files::private::append_private(receipts_path)
        .map_err(|e| file_error(receipts_path, e))?;
    let mut writer = ReceiptsWriter {
        file,
        path: receipts_path.to_path_buf(),
    };
    if !started {
        writer.append(&ReceiptsHeader {
            formato: RECEIPTS_FORMAT.into(),
            pacchetto: bundle.id.clone(),
            impronta: bundle.impronta.clone(),
        })?;
    }
    let total = bundle.voci.len();
    for (index, entry) in bundle.voci.iter().enumerate() {
        if stop.load(Ordering::Relaxed) {
            report.left += total - index;
            break;
        }
        let line = |esito: ReceiptOutcome| ReceiptLine {
            voce: entry.id,
            impronta: entry.impronta.clone(),
            esito,
        };
        match done.get(&entry.id) {
            Some(ReceiptOutcome::InInvio) => {
                writer.append(&line(ReceiptOutcome::Incerto {
                    dettaglio: INTERRUPTED.into(),
                }))?;
                report.uncertain += 1;
                continue;
            }
            Some(_) => {
                report.already += 1;
                continue;
            }
            None => {}
        }
        let fiscal_code = entry.messaggio.fiscal_code.as_str();
        match retrying(|| client.profile(fiscal_code), profile_wait).await {
            ProfileOutcome::Allowed => {}
            ProfileOutcome::NotAllowed => {
                writer.append(&line(ReceiptOutcome::NonRaggiungibile {
                    dettaglio: SERVICE_TURNED_OFF.into(),
                }))?;
                report.unreachable += 1;
                continue;
            }
            ProfileOutcome::NotFound => {
                writer.append(&line(ReceiptOutcome::NonRaggiungibile {
                    dettaglio: NO_IO_PROFILE.into(),
                }))?;
                report.unreachable += 1;
                continue;
            }
            ProfileOutcome::Refused { status, detail } => {
                writer.append(&line(ReceiptOutcome::Respinto {
                    stato: status,
                    dettaglio: detail,
                }))?;
                report.rejected += 1;
                continue;
            }
            ProfileOutcome::Unauthorized { detail } => {
                return Err(BundleError::Stopped(format!(
                    "IO ha rifiutato la chiave (401): {detail}"
                )));
            }
            ProfileOutcome::RateLimited { .. } | ProfileOutcome::Failed { .. } => {
                report.left += 1;
                continue;
            }
        }
        writer.append(&line(ReceiptOutcome::InInvio))?;
        let answer = retrying(|| client.submit(&entry.messaggio), submit_wait).await;
        let esito = match answer {
            SubmitOutcome::Created { id } => {
                report.sent += 1;
                ReceiptOutcome::Inviato { id_io: id }
            }
            SubmitOutcome::Rejected { status, detail } => {
                report.rejected += 1;
                ReceiptOutcome::Respinto {
                    stato: status,
                    dettaglio: detail,
                }
            }
            SubmitOutcome::Uncertain { detail } => {
                report.uncertain += 1;
                ReceiptOutcome::Incerto { dettaglio: detail }
            }
            SubmitOutcome::Unauthorized { detail } => {
                writer.append(&line(ReceiptOutcome::NonPartito {
                    dettaglio: format!("chiave rifiutata (401): {detail}"),
                }))?;
                return Err(BundleError::Stopped(format!(
                    "IO ha rifiutato la chiave (401): {detail}. Il messaggio {} non è partito: \
                     correggere la chiave e inviare di nuovo il pacchetto",
                    entry.id
                )));
            }
            // Still refused after the retries: nothing was created, the next run tries again.
            SubmitOutcome::RateLimited { .. } => {
                report.left += 1;
                ReceiptOutcome::NonPartito {
                    dettaglio: "limite di richieste IO (429)".into(),
                }
            }
            SubmitOutcome::NotSent { detail } => {
                report.left += 1;
                ReceiptOutcome::NonPartito { dettaglio: detail }
            }
        };
        writer.append(&line(esito))?;
        progress(&report, total);
    }
    Ok(report)
}

/// How long to wait before repeating a profile check, or None to give up.
fn profile_wait(answer: &ProfileOutcome, attempt: u32) -> Option<std::time::Duration> {
    match answer {
        ProfileOutcome::RateLimited { retry_after } if attempt < 20 => Some(*retry_after),
        ProfileOutcome::Failed { .. } if attempt < 3 => {
            Some(std::time::Duration::from_secs(1 << attempt))
        }
        _ => None,
    }
}

/// Only what proves nothing was created is repeated.
fn submit_wait(answer: &SubmitOutcome, attempt: u32) -> Option<std::time::Duration> {
    match answer {
        SubmitOutcome::RateLimited { retry_after } if attempt < 20 => Some(*retry_after),
        SubmitOutcome::NotSent { .. } if attempt < 3 => {
            Some(std::time::Duration::from_secs(1 << attempt))
        }
        _ => None,
    }
}

async fn retrying<T, F, Fut>(mut call: F, wait: fn(&T, u32) -> Option<std::time::Duration>) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let mut attempt = 0;
    loop {
        let answer = call().await;
        match wait(&answer, attempt) {
            Some(pause) => {
                tokio::time::sleep(pause).await;
                attempt += 1;
            }
            None => return answer,
        }
    }
}

/// Writes every due entry of `store`'s outbox into a new bundle at `path` and marks them
/// exported, in that order of durability: the file is complete before the entries are marked,
/// and it takes its final name only once they are. Returns how many and the bundle's id.
pub fn export_queue(
    store: &crate::store::Store,
    path: &Path,
    ctx: &crate::domain::Context,
) -> Result<(usize, String), String> {
    let due = store
        .outbox_due(ctx.now, usize::MAX)
        .map_err(|e| e.to_string())?;
    if due.is_empty() {
        return Err("nessun messaggio in coda da esportare".into());
    }
    if path.exists() {
        return Err(format!(
            "{} esiste già: scegliere un altro nome, un pacchetto non si sovrascrive",
            path.display()
        ));
    }
    let bundle = Bundle::of(&due, ctx.now);
    let pending = bundle.write_pending(path).map_err(|e| e.to_string())?;
    let ids: Vec<OutboxId> = due.iter().map(|e| e.id).collect();
    if let Err(e) = store.outbox_mark_exported(&ids, &bundle.id, ctx) {
        // Nothing was marked: the file must not exist either, or it could be sent twice.
        let _ = std::fs::remove_file(&pending);
        return Err(e.to_string());
    }
    Bundle::publish(&pending, path).map_err(|e| {
        format!(
            "{e}. I messaggi risultano esportati nel pacchetto {}: il file completo è {}",
            bundle.id,
            pending.display()
        )
    })?;
    Ok((ids.len(), bundle.id))
}
