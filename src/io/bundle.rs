//! Offline bundles for offices with no internet: the queued messages written to a file
//! authenticated with the key the two machines share (`bundle_key`), sent from a connected
//! machine that has no database, and receipts, authenticated with the same key, carried back.
//!
//! A bundle is `{"formato", "firma", "contenuto"}`: `firma` is the HMAC of the very bytes of
//! `contenuto` (its id, date and every entry, in order), so any change, removal, addition or
//! reordering is refused before anything is sent. The SHA-256 of those bytes is the bundle's
//! digest: the office records it on export, and the receipts name it.
//!
//! The receipts file is append-only JSON lines, written and synced before and after each
//! request: a line `in_invio` before, the outcome after. Sending the same bundle again resumes
//! where it stopped; an entry with `in_invio` and no outcome is recorded `incerto`, never sent
//! twice. Each line is `{"dati", "firma"}`, its MAC taken over the previous line's MAC and its
//! own bytes: a chain from the header, so no line can be edited, moved, dropped from the middle
//! or copied from another file. A line a crash left half written (the file does not end with a
//! line break) is dropped: it was written before its step, so nothing it would have said has
//! happened yet. What the file cannot show is lines removed from its end, or an older copy put
//! in its place: a bundle has one receipts file, kept where it was written until imported.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use super::bundle_gpd::{GpdEntry, GpdReceipt, GpdReceiptLine, GpdReceiptOutcome};
use super::bundle_key::BundleKey;
use super::client::{IoClient, ProfileOutcome, SubmitOutcome};
use crate::domain::time::Timestamp;
use crate::files::reasons::{io_reason, json};
use crate::gpd::request::Patience;
use crate::gpd::{Answer, GpdClient};
use crate::messages::NewMessage;
use crate::messages::outbox::{
    INTERRUPTED, NO_IO_PROFILE, OutboxEntry, OutboxId, SERVICE_TURNED_OFF,
};
use crate::store::{Outcome, Receipt};
use tokio::task::JoinSet;

const BUNDLE_FORMAT: &str = "alloggi-pacchetto-io-2";
const RECEIPTS_FORMAT: &str = "alloggi-ricevute-io-2";
/// The formats before authentication: only checksummed, which anyone could recompute.
const UNSIGNED_BUNDLE_FORMAT: &str = "alloggi-pacchetto-io";
const UNSIGNED_RECEIPTS_FORMAT: &str = "alloggi-ricevute-io";
/// What each MAC vouches for: a MAC of one kind is never valid as another.
const BUNDLE_MAC: &str = "alloggi-pacchetto-io-2/contenuto";
const RECEIPTS_HEADER_MAC: &str = "alloggi-ricevute-io-2/intestazione";
const RECEIPT_LINE_MAC: &str = "alloggi-ricevute-io-2/riga";
/// Requests for pagoPA in flight at once while a bundle is sent.
const GPD_IN_FLIGHT: usize = 8;

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
#[serde(deny_unknown_fields)]
pub struct BundleEntry {
    pub id: OutboxId,
    /// The content hash of `messaggio`, as the outbox holds it.
    pub impronta: String,
    pub messaggio: NewMessage,
}

/// A bundle's contents, as its MAC covers them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Contents {
    id: String,
    creato: Timestamp,
    voci: Vec<BundleEntry>,
    /// Requests for pagoPA's debt-position service; absent when there are none, so a bundle
    /// of messages alone is written as before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pagopa: Vec<GpdEntry>,
}

/// A bundle or receipts file as it is written: the format, the MAC, and what it covers.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope {
    formato: String,
    firma: String,
    contenuto: Box<RawValue>,
}

/// Only the format of a file, to tell an unsigned one from a damaged one.
#[derive(Deserialize)]
struct FormatProbe {
    formato: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    pub id: String,
    pub creato: Timestamp,
    pub voci: Vec<BundleEntry>,
    pub pagopa: Vec<GpdEntry>,
    /// SHA-256 of the signed contents: the office records it on export and receipts name it.
    pub impronta: String,
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

const UNSIGNED_BUNDLE: &str = "pacchetto senza firma, del formato precedente: non si può verificare \
     e non viene inviato. All'ufficio, rimettere in coda i suoi messaggi con «alloggi outbox \
     requeue» ed esportare un nuovo pacchetto con la chiave dei pacchetti";
const UNSIGNED_RECEIPTS: &str = "ricevute senza firma, del formato precedente: non si possono \
     verificare e non vengono registrate. Per i messaggi di quel pacchetto decidere uno per uno \
     con «alloggi outbox mark-sent» o «alloggi outbox requeue»";
const BAD_BUNDLE_MAC: &str = "la firma del pacchetto non corrisponde: il file è stato alterato, \
     oppure la chiave dei pacchetti non è quella dell'ufficio che lo ha esportato. Nessun \
     messaggio è stato inviato";

impl Bundle {
    /// A bundle of `entries`, named after its creation time and entries.
    pub fn of(
        entries: &[OutboxEntry],
        pagopa: Vec<GpdEntry>,
        now: Timestamp,
    ) -> Result<Bundle, String> {
        let voci: Vec<BundleEntry> = entries
            .iter()
            .map(|e| BundleEntry {
                id: e.id,
                impronta: e.content_hash.clone(),
                messaggio: e.message.clone(),
            })
            .collect();
        let entries_json = serde_json::to_vec(&(&voci, &pagopa)).map_err(|e| e.to_string())?;
        let id = format!(
            "P{}-{}",
            now.format("%Y%m%d%H%M%S"),
            &sha256_hex(&entries_json)[..8]
        );
        let mut bundle = Bundle {
            id,
            creato: now,
            voci,
            pagopa,
            impronta: String::new(),
        };
        bundle.impronta = sha256_hex(bundle.contents_json()?.as_bytes());
        Ok(bundle)
    }

    /// The contents as written in the file and signed: the same bytes every time.
    fn contents_json(&self) -> Result<String, String> {
        let contents = Contents {
            id: self.id.clone(),
            creato: self.creato,
            voci: self.voci.clone(),
            pagopa: self.pagopa.clone(),
        };
        serde_json::to_string_pretty(&contents).map_err(|e| e.to_string())
    }

    /// The file's bytes, signed with `key`.
    pub fn sealed(&self, key: &BundleKey) -> Result<Vec<u8>, String> {
        let contents = self.contents_json()?;
        let firma = hex::encode(key.sign(BUNDLE_MAC, &[contents.as_bytes()]));
        let envelope = Envelope {
            formato: BUNDLE_FORMAT.into(),
            firma,
            contenuto: RawValue::from_string(contents).map_err(|e| e.to_string())?,
        };
        serde_json::to_vec_pretty(&envelope).map_err(|e| e.to_string())
    }

    /// Writes the bundle, signed with `key`, to `path` through a temporary file beside it,
    /// synced, so that a crash never leaves half a bundle under the final name. Returns the
    /// temporary path still to be renamed by `publish`: the outbox marks the entries exported
    /// in between.
    pub fn write_pending(
        &self,
        path: &Path,
        key: &BundleKey,
        files: &dyn ExportFiles,
    ) -> Result<PathBuf, BundleError> {
        let pending = path.with_extension("parziale");
        let bytes = self.sealed(key).map_err(|e| file_error(path, e))?;
        // Fiscal codes and texts: the owner's only, and so is the final name after the rename.
        // Never over an earlier one: a bundle whose rename failed may be the only copy.
        files.write_new_private(&pending, &bytes).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                file_error(
                    &pending,
                    "esiste già: è un pacchetto esportato in precedenza e non rinominato; \
                         rinominarlo o spostarlo, poi esportare di nuovo",
                )
            } else {
                file_error(&pending, io_reason(&e))
            }
        })?;
        Ok(pending)
    }

    pub fn publish(
        pending: &Path,
        path: &Path,
        files: &dyn ExportFiles,
    ) -> Result<(), BundleError> {
        files
            .rename(pending, path)
            .map_err(|e| file_error(path, io_reason(&e)))
    }

    /// Reads a bundle and verifies it with `key` before anything else: its MAC, then that no
    /// entry repeats and that each message matches its content hash.
    pub fn read(path: &Path, key: &BundleKey) -> Result<Bundle, BundleError> {
        let bytes = std::fs::read(path).map_err(|e| file_error(path, io_reason(&e)))?;
        let unreadable =
            |e: serde_json::Error| file_error(path, format!("pacchetto illeggibile: {}", json(&e)));
        let probe: FormatProbe = serde_json::from_slice(&bytes).map_err(unreadable)?;
        match probe.formato.as_deref() {
            Some(BUNDLE_FORMAT) => {}
            Some(UNSIGNED_BUNDLE_FORMAT) => return Err(file_error(path, UNSIGNED_BUNDLE)),
            Some(other) => {
                return Err(file_error(path, format!("formato «{other}» sconosciuto")));
            }
            None => {
                return Err(file_error(
                    path,
                    "non è un pacchetto di alloggi (manca «formato»)",
                ));
            }
        }
        let envelope: Envelope = serde_json::from_slice(&bytes).map_err(unreadable)?;
        let contents = envelope.contenuto.get();
        let signed = hex::decode(&envelope.firma)
            .ok()
            .is_some_and(|tag| key.verify(BUNDLE_MAC, &[contents.as_bytes()], &tag));
        if !signed {
            return Err(file_error(path, BAD_BUNDLE_MAC));
        }
        let parsed: Contents = serde_json::from_str(contents).map_err(unreadable)?;
        let bundle = Bundle {
            id: parsed.id,
            creato: parsed.creato,
            voci: parsed.voci,
            pagopa: parsed.pagopa,
            impronta: sha256_hex(contents.as_bytes()),
        };
        bundle.check_entries().map_err(|e| file_error(path, e))?;
        Ok(bundle)
    }

    /// No entry twice, and each message as its content hash says: an office never exports
    /// either, whatever a MAC says.
    fn check_entries(&self) -> Result<(), String> {
        let mut ids = BTreeSet::new();
        let mut hashes = BTreeSet::new();
        for entry in &self.voci {
            if !ids.insert(entry.id) {
                return Err(format!(
                    "il messaggio {} compare due volte: il pacchetto è rifiutato e nessun messaggio è stato inviato",
                    entry.id
                ));
            }
            if !hashes.insert(entry.impronta.as_str()) {
                return Err(format!(
                    "il messaggio {} ripete il contenuto di un altro messaggio del pacchetto: il pacchetto è rifiutato e nessun messaggio è stato inviato",
                    entry.id
                ));
            }
            if entry.messaggio.content_hash() != entry.impronta {
                return Err(format!("il messaggio {} è stato alterato", entry.id));
            }
        }
        let mut positions = BTreeSet::new();
        for entry in &self.pagopa {
            if !positions.insert(entry.iupd.as_str()) {
                return Err(format!(
                    "la posizione pagoPA {} compare due volte: il pacchetto è rifiutato e nulla è stato inviato",
                    entry.iupd
                ));
            }
        }
        Ok(())
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

impl ReceiptOutcome {
    /// Whether `self` may follow `before`, the entry's previous line, as `send_bundle` writes
    /// them: `inviato` only after `in_invio`, nothing after a final outcome.
    fn may_follow(&self, before: Option<&ReceiptOutcome>) -> bool {
        use ReceiptOutcome as R;
        match before {
            None | Some(R::NonPartito { .. }) => matches!(
                self,
                R::InInvio | R::Respinto { .. } | R::NonRaggiungibile { .. }
            ),
            Some(R::InInvio) => matches!(
                self,
                R::Inviato { .. } | R::Respinto { .. } | R::Incerto { .. } | R::NonPartito { .. }
            ),
            Some(_) => false,
        }
    }
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
    pacchetto: String,
    /// The digest of the bundle the receipts answer.
    impronta: String,
}

/// A receipt line as written: what it says and its MAC.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SignedLine {
    dati: Box<RawValue>,
    firma: String,
}

/// The receipts of one bundle, as read back and verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipts {
    pub bundle: String,
    /// The digest of the bundle they answer, which the office recorded on export.
    pub bundle_digest: String,
    pub receipts: Vec<Receipt>,
    /// Entries whose last line says nothing left: the bundle must be sent again for them.
    pub not_sent: usize,
    /// The receipts of the requests for pagoPA.
    pub pagopa: Vec<GpdReceipt>,
    /// Requests for pagoPA that did not go: once recorded they wait at the office again.
    pub pagopa_not_sent: usize,
}

/// A receipts line: a message's or a pagoPA request's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
enum AnyLine {
    Message(ReceiptLine),
    Gpd(GpdReceiptLine),
}

impl Receipts {
    /// Reads a receipts file and verifies every line with `key`. An entry whose last line is
    /// `in_invio` (the sender stopped between the request and its answer) reads as uncertain.
    pub fn read(path: &Path, key: &BundleKey) -> Result<Receipts, BundleError> {
        Receipts::read_with(path, key, |path| std::fs::read(path))
    }

    /// As [`Receipts::read`], the file's bytes given by `read`: the caller's own, when the
    /// command runs inside the console server.
    pub fn read_with(
        path: &Path,
        key: &BundleKey,
        read: impl FnOnce(&Path) -> std::io::Result<Vec<u8>>,
    ) -> Result<Receipts, BundleError> {
        let text = read(path)
            .and_then(|bytes| {
                String::from_utf8(bytes)
                    .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
            })
            .map_err(|e| file_error(path, io_reason(&e)))?;
        let chain = receipt_lines(path, &text, key)?;
        let mut last: BTreeMap<OutboxId, ReceiptLine> = BTreeMap::new();
        for line in chain.lines {
            last.insert(line.voce, line);
        }
        let mut gpd_last: BTreeMap<String, GpdReceiptOutcome> = BTreeMap::new();
        for line in chain.gpd_lines {
            gpd_last.insert(line.posizione, line.esito);
        }
        let pagopa_not_sent = gpd_last.values().filter(|o| !o.is_final()).count();
        let pagopa = gpd_last
            .into_iter()
            .map(|(iupd, esito)| GpdReceipt {
                iupd,
                outcome: esito.outcome(),
            })
            .collect();
        let mut pending = 0;
        let receipts = last
            .into_values()
            .filter_map(|line| {
                let outcome = match line.esito {
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
                    // Never left: still the office's to send.
                    ReceiptOutcome::NonPartito { .. } => {
                        pending += 1;
                        return None;
                    }
                };
                Some(Receipt {
                    id: line.voce,
                    content_hash: line.impronta,
                    outcome,
                })
            })
            .collect();
        Ok(Receipts {
            bundle: chain.header.pacchetto,
            bundle_digest: chain.header.impronta,
            receipts,
            not_sent: pending,
            pagopa,
            pagopa_not_sent,
        })
    }
}

/// A receipts file, verified: its header, its lines, and the last MAC, which the next line
/// written continues from.
struct ReceiptChain {
    header: ReceiptsHeader,
    lines: Vec<ReceiptLine>,
    gpd_lines: Vec<GpdReceiptLine>,
    last_mac: Vec<u8>,
    /// Bytes of whole lines: what follows is a line a crash cut short.
    complete: u64,
}

const BAD_RECEIPT_MAC: &str = "la firma non corrisponde: le ricevute sono state alterate, \
     spostate o prese da un altro file, oppure la chiave dei pacchetti non è quella usata per \
     inviare";

fn read_receipt_lines(path: &Path, key: &BundleKey) -> Result<ReceiptChain, BundleError> {
    let text = std::fs::read_to_string(path).map_err(|e| file_error(path, io_reason(&e)))?;
    receipt_lines(path, &text, key)
}

/// The receipts file `path`, whose text is `text`, verified with `key`.
fn receipt_lines(path: &Path, text: &str, key: &BundleKey) -> Result<ReceiptChain, BundleError> {
    // Only whole lines: one a crash cut short was written before its step happened.
    let complete = text.rfind('\n').map_or(0, |end| end + 1);
    let mut lines = text[..complete].lines();
    let bad = |line: usize, detail: String| BundleError::Line {
        path: path.to_path_buf(),
        line,
        detail,
    };
    let first = lines.next().ok_or_else(|| bad(1, "file vuoto".into()))?;
    let probe: FormatProbe = serde_json::from_str(first)
        .map_err(|e| bad(1, format!("intestazione non valida: {}", json(&e))))?;
    match probe.formato.as_deref() {
        Some(RECEIPTS_FORMAT) => {}
        Some(UNSIGNED_RECEIPTS_FORMAT) => return Err(bad(1, UNSIGNED_RECEIPTS.into())),
        Some(other) => return Err(bad(1, format!("formato «{other}» sconosciuto"))),
        None => {
            return Err(bad(
                1,
                "non sono ricevute di alloggi (manca «formato»)".into(),
            ));
        }
    }
    let envelope: Envelope = serde_json::from_str(first)
        .map_err(|e| bad(1, format!("intestazione non valida: {}", json(&e))))?;
    let header_bytes = envelope.contenuto.get().as_bytes();
    let mut last_mac = hex::decode(&envelope.firma)
        .ok()
        .filter(|tag| key.verify(RECEIPTS_HEADER_MAC, &[header_bytes], tag))
        .ok_or_else(|| bad(1, BAD_RECEIPT_MAC.into()))?;
    let header: ReceiptsHeader = serde_json::from_slice(header_bytes)
        .map_err(|e| bad(1, format!("intestazione non valida: {}", json(&e))))?;
    let mut parsed = Vec::new();
    let mut states: BTreeMap<OutboxId, ReceiptOutcome> = BTreeMap::new();
    let mut gpd_parsed = Vec::new();
    let mut gpd_states: BTreeMap<String, GpdReceiptOutcome> = BTreeMap::new();
    for (index, line) in lines.enumerate() {
        let number = index + 2;
        if line.trim().is_empty() {
            continue;
        }
        let signed: SignedLine = serde_json::from_str(line)
            .map_err(|e| bad(number, format!("ricevuta non valida: {}", json(&e))))?;
        let bytes = signed.dati.get().as_bytes();
        last_mac = hex::decode(&signed.firma)
            .ok()
            .filter(|tag| key.verify(RECEIPT_LINE_MAC, &[&last_mac, bytes], tag))
            .ok_or_else(|| bad(number, BAD_RECEIPT_MAC.into()))?;
        let receipt = match serde_json::from_slice(bytes) {
            Ok(AnyLine::Message(receipt)) => receipt,
            Ok(AnyLine::Gpd(receipt)) => {
                if !receipt.esito.may_follow(gpd_states.get(&receipt.posizione)) {
                    return Err(bad(
                        number,
                        format!(
                            "la ricevuta della posizione pagoPA {} non può seguire le precedenti",
                            receipt.posizione
                        ),
                    ));
                }
                gpd_states.insert(receipt.posizione.clone(), receipt.esito.clone());
                gpd_parsed.push(receipt);
                continue;
            }
            Err(e) => return Err(bad(number, format!("ricevuta non valida: {}", json(&e)))),
        };
        if !receipt.esito.may_follow(states.get(&receipt.voce)) {
            return Err(bad(
                number,
                format!(
                    "la ricevuta del messaggio {} non può seguire le precedenti",
                    receipt.voce
                ),
            ));
        }
        states.insert(receipt.voce, receipt.esito.clone());
        parsed.push(receipt);
    }
    Ok(ReceiptChain {
        header,
        lines: parsed,
        gpd_lines: gpd_parsed,
        last_mac,
        complete: complete as u64,
    })
}

/// Appends receipt lines, each signed after the one before and synced before the next step.
struct ReceiptsWriter<'k> {
    file: File,
    path: PathBuf,
    key: &'k BundleKey,
    last_mac: Vec<u8>,
}

impl ReceiptsWriter<'_> {
    fn write_synced(&mut self, line: &impl Serialize) -> Result<(), BundleError> {
        let mut bytes = serde_json::to_vec(line).map_err(|e| file_error(&self.path, e))?;
        bytes.push(b'\n');
        self.file
            .write_all(&bytes)
            .and_then(|()| self.file.sync_data())
            .map_err(|e| file_error(&self.path, io_reason(&e)))
    }

    fn raw(&self, value: &impl Serialize) -> Result<Box<RawValue>, BundleError> {
        serde_json::value::to_raw_value(value).map_err(|e| file_error(&self.path, e))
    }

    fn header(&mut self, header: &ReceiptsHeader) -> Result<(), BundleError> {
        let dati = self.raw(header)?;
        let mac = self.key.sign(RECEIPTS_HEADER_MAC, &[dati.get().as_bytes()]);
        self.write_synced(&Envelope {
            formato: RECEIPTS_FORMAT.into(),
            firma: hex::encode(mac),
            contenuto: dati,
        })?;
        self.last_mac = mac.to_vec();
        Ok(())
    }

    fn append(&mut self, line: &impl Serialize) -> Result<(), BundleError> {
        let dati = self.raw(line)?;
        let mac = self
            .key
            .sign(RECEIPT_LINE_MAC, &[&self.last_mac, dati.get().as_bytes()]);
        self.write_synced(&SignedLine {
            dati,
            firma: hex::encode(mac),
        })?;
        self.last_mac = mac.to_vec();
        Ok(())
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
    pub pagopa: GpdBundleReport,
}

/// What `send_bundle` did with the requests for pagoPA.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GpdBundleReport {
    /// Created, counter payments told, positions cancelled (or found already so).
    pub done: usize,
    pub refused: usize,
    pub uncertain: usize,
    /// Receipted by an earlier run.
    pub already: usize,
    /// Not gone: sending the bundle again tries them, or the office's next sync.
    pub left: usize,
    /// What needs a caseworker, one line each.
    pub warnings: Vec<String>,
}

/// The services a bundle is sent to, each needed only when the bundle carries something for it.
#[derive(Clone, Copy, Default)]
pub struct BundleClients<'a> {
    pub io: Option<&'a IoClient>,
    pub gpd: Option<&'a GpdClient>,
}

/// Sends `bundle` with `client`, writing receipts signed with `key` to `receipts_path`.
/// Resumes an earlier run of the same bundle; refuses a receipts file of another bundle, or one
/// whose lines `key` does not verify. Refuses a bundle with an entry twice before sending.
pub async fn send_bundle(
    bundle: &Bundle,
    key: &BundleKey,
    clients: BundleClients<'_>,
    receipts_path: &Path,
    stop: &AtomicBool,
    progress: &(dyn Fn(&BundleReport, usize) + Sync),
) -> Result<BundleReport, BundleError> {
    bundle.check_entries().map_err(BundleError::Stopped)?;
    if !bundle.voci.is_empty() && clients.io.is_none() {
        return Err(BundleError::Stopped(
            "il pacchetto contiene messaggi per IO ma IO non è configurato: nulla è stato inviato"
                .into(),
        ));
    }
    if !bundle.pagopa.is_empty() && clients.gpd.is_none() {
        return Err(BundleError::Stopped(
            "il pacchetto contiene richieste per pagoPA ma pagoPA (GPD) non è configurato: nulla è stato inviato"
                .into(),
        ));
    }
    let mut report = BundleReport::default();
    let mut done: BTreeMap<OutboxId, ReceiptOutcome> = BTreeMap::new();
    let mut gpd_done: BTreeMap<String, GpdReceiptOutcome> = BTreeMap::new();
    let mut last_mac = Vec::new();
    // A file without a whole first line is one a run created and left before its header was
    // written: a new start.
    let started = std::fs::read(receipts_path).is_ok_and(|bytes| bytes.contains(&b'\n'));
    let mut complete = 0;
    if started {
        let ReceiptChain {
            header,
            lines,
            gpd_lines,
            last_mac: last,
            complete: whole,
        } = read_receipt_lines(receipts_path, key)?;
        for line in gpd_lines {
            gpd_done.insert(line.posizione, line.esito);
        }
        last_mac = last;
        complete = whole;
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
        .map_err(|e| file_error(receipts_path, io_reason(&e)))?;
    // A line cut short by a crash goes: the next line starts where the whole ones end.
    file.set_len(complete)
        .map_err(|e| file_error(receipts_path, io_reason(&e)))?;
    let mut writer = ReceiptsWriter {
        file,
        path: receipts_path.to_path_buf(),
        key,
        last_mac,
    };
    if !started {
        writer.header(&ReceiptsHeader {
            pacchetto: bundle.id.clone(),
            impronta: bundle.impronta.clone(),
        })?;
    }
    let total = bundle.voci.len() + bundle.pagopa.len();
    for (index, entry) in bundle.voci.iter().enumerate() {
        let Some(client) = clients.io else {
            break;
        };
        if stop.load(Ordering::Relaxed) {
            report.left += bundle.voci.len() - index;
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
        match retrying(|| client.profile(fiscal_code), profile_wait, stop).await {
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
        let answer = retrying(|| client.submit(&entry.messaggio), submit_wait, stop).await;
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
    if let Some(client) = clients.gpd {
        send_gpd_entries(
            bundle,
            client,
            &gpd_done,
            &mut writer,
            &mut report,
            stop,
            &|r| progress(r, total),
        )
        .await?;
    }
    Ok(report)
}

/// Sends the bundle's requests for pagoPA, each written `in_invio` before and its answer
/// after; a request a crash interrupted is sent again, as every GPD request may be.
async fn send_gpd_entries(
    bundle: &Bundle,
    client: &GpdClient,
    done: &BTreeMap<String, GpdReceiptOutcome>,
    writer: &mut ReceiptsWriter<'_>,
    report: &mut BundleReport,
    stop: &AtomicBool,
    progress: &(dyn Fn(&BundleReport) + Sync),
) -> Result<(), BundleError> {
    let line = |entry: &GpdEntry, esito: GpdReceiptOutcome| GpdReceiptLine {
        posizione: entry.iupd.clone(),
        esito,
    };
    // Once pagoPA stops answering, or the run is stopped, the rest is written `non_partita`:
    // back at the office those requests wait again instead of staying in the bundle.
    let mut not_going: Option<&str> = None;
    // In the bundle's order, taken from the end.
    let mut queue: Vec<&GpdEntry> = Vec::new();
    for entry in bundle.pagopa.iter().rev() {
        if done
            .get(&entry.iupd)
            .is_some_and(GpdReceiptOutcome::is_final)
        {
            report.pagopa.already += 1;
        } else {
            queue.push(entry);
        }
    }
    // A few requests in flight, as the office's sync sends them: the pacer keeps to the rate.
    let mut tasks: JoinSet<(usize, Answer)> = JoinSet::new();
    let mut sent: Vec<&GpdEntry> = Vec::new();
    loop {
        while not_going.is_none() && tasks.len() < GPD_IN_FLIGHT {
            if stop.load(Ordering::Relaxed) {
                not_going = Some("invio interrotto: da inviare di nuovo");
                break;
            }
            let Some(entry) = queue.pop() else {
                break;
            };
            writer.append(&line(entry, GpdReceiptOutcome::InInvio))?;
            let index = sent.len();
            sent.push(entry);
            let client = client.clone();
            let entry = entry.clone();
            tasks.spawn(async move {
                let answer = crate::gpd::request::send(
                    &client,
                    &entry.ente,
                    &entry.iupd,
                    &entry.call,
                    &entry.avviso,
                    Patience::BUNDLE,
                )
                .await;
                (index, answer)
            });
        }
        let Some(joined) = tasks.join_next().await else {
            break;
        };
        let (entry, answer) = match joined {
            Ok((index, answer)) => (sent[index], answer),
            // A request that ended without an answer is tried again by the next send.
            Err(e) => {
                report
                    .pagopa
                    .warnings
                    .push(format!("richiesta interrotta: {e}"));
                continue;
            }
        };
        // pagoPA unreachable or failing: the rest would only wait the same way.
        if answer == Answer::Left(None) {
            not_going = Some("pagoPA non risponde: da inviare di nuovo più tardi");
        }
        let esito = GpdReceiptOutcome::of(answer);
        let tally = &mut report.pagopa;
        match &esito {
            GpdReceiptOutcome::Rifiutata { dettaglio } => {
                tally.refused += 1;
                tally
                    .warnings
                    .push(format!("avviso {}: {dettaglio}", entry.avviso));
            }
            GpdReceiptOutcome::Incerta { .. } => tally.uncertain += 1,
            GpdReceiptOutcome::NonPartita { dettaglio } => {
                tally.left += 1;
                tally.warnings.push(dettaglio.clone());
            }
            _ => tally.done += 1,
        }
        writer.append(&line(entry, esito))?;
        progress(report);
    }
    if let Some(why) = not_going {
        while let Some(entry) = queue.pop() {
            writer.append(&line(
                entry,
                GpdReceiptOutcome::NonPartita {
                    dettaglio: why.into(),
                },
            ))?;
            report.pagopa.left += 1;
        }
    }
    Ok(())
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

async fn retrying<T, F, Fut>(
    mut call: F,
    wait: fn(&T, u32) -> Option<std::time::Duration>,
    stop: &AtomicBool,
) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let mut attempt = 0;
    loop {
        let answer = call().await;
        let Some(pause) = wait(&answer, attempt) else {
            return answer;
        };
        // A stop during the pause gives up the retries: the answer so far is the outcome.
        let until = tokio::time::Instant::now() + pause;
        while tokio::time::Instant::now() < until {
            if stop.load(Ordering::Relaxed) {
                return answer;
            }
            let left = until - tokio::time::Instant::now();
            tokio::time::sleep(left.min(std::time::Duration::from_millis(25))).await;
        }
        attempt += 1;
    }
}

/// The files an exported bundle is written to: this machine's, or those of whoever runs the
/// command when it runs inside the console server.
pub trait ExportFiles {
    fn exists(&self, path: &Path) -> bool;
    /// Writes `bytes` to the new file `path`, readable by its owner only, and syncs it; an
    /// existing file is refused (`ErrorKind::AlreadyExists`).
    fn write_new_private(&self, path: &Path, bytes: &[u8]) -> std::io::Result<()>;
    fn remove(&self, path: &Path) -> std::io::Result<()>;
    fn rename(&self, from: &Path, to: &Path) -> std::io::Result<()>;
}

/// This machine's files, as this process sees them.
pub struct LocalFiles;

impl ExportFiles for LocalFiles {
    fn exists(&self, path: &Path) -> bool {
        path.exists()
    }

    fn write_new_private(&self, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        let mut file = crate::files::private::create_new_private(path)?;
        file.write_all(bytes)?;
        file.sync_all()
    }

    fn remove(&self, path: &Path) -> std::io::Result<()> {
        std::fs::remove_file(path)
    }

    fn rename(&self, from: &Path, to: &Path) -> std::io::Result<()> {
        std::fs::rename(from, to)
    }
}

/// Writes every due entry of `store`'s outbox into a new bundle at `path` among `files` and
/// marks them exported, in that order of durability: the file is complete before the entries
/// are marked, and it takes its final name only once they are. Returns how many and the
/// bundle's id.
pub fn export_queue(
    store: &crate::store::Store,
    path: &Path,
    key: &BundleKey,
    ctx: &crate::domain::Context,
    files: &dyn ExportFiles,
    pagopa: Vec<(NoticeKey, GpdEntry)>,
) -> Result<Exported, String> {
    let due = store
        .outbox_due(ctx.now, usize::MAX)
        .map_err(|e| e.to_string())?;
    if due.is_empty() && pagopa.is_empty() {
        return Err("nessun messaggio in coda da esportare, né richieste per pagoPA".into());
    }
    if files.exists(path) {
        return Err(format!(
            "{} esiste già: scegliere un altro nome, un pacchetto non si sovrascrive",
            path.display()
        ));
    }
    let (notices, pagopa): (Vec<NoticeKey>, Vec<GpdEntry>) = pagopa.into_iter().unzip();
    let bundle = Bundle::of(&due, pagopa, ctx.now)?;
    let pending = bundle
        .write_pending(path, key, files)
        .map_err(|e| e.to_string())?;
    let ids: Vec<OutboxId> = due.iter().map(|e| e.id).collect();
    if let Err(e) = store.bundle_mark_exported(&ids, &notices, &bundle.id, &bundle.impronta, ctx) {
        // Nothing was marked: the file must not exist either, or it could be sent twice.
        let _ = files.remove(&pending);
        return Err(e.to_string());
    }
    Bundle::publish(&pending, path, files).map_err(|e| {
        format!(
            "{e}. Messaggi e richieste per pagoPA risultano esportati nel pacchetto {}: il file completo è {}",
            bundle.id,
            pending.display()
        )
    })?;
    Ok(Exported {
        messages: ids.len(),
        pagopa: notices.len(),
        bundle: bundle.id,
    })
}

/// A notice, by its tenancy and month.
pub type NoticeKey = (crate::domain::ApplicationId, crate::domain::rent::Month);

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported {
    pub messages: usize,
    /// Requests for pagoPA.
    pub pagopa: usize,
    pub bundle: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> BundleKey {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chiave");
        std::fs::write(&path, format!("{}\n", hex::encode([byte; 32]))).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        BundleKey::load(&path).unwrap()
    }

    /// Receipts written by `ReceiptsWriter`, signed with `key`: a header then `lines`.
    fn receipts_file(key: &BundleKey, lines: &[(u64, ReceiptOutcome)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ricevute.jsonl");
        let mut writer = ReceiptsWriter {
            file: crate::files::private::append_private(&path).unwrap(),
            path: path.clone(),
            key,
            last_mac: Vec::new(),
        };
        writer
            .header(&ReceiptsHeader {
                pacchetto: "P1".into(),
                impronta: "ab".repeat(32),
            })
            .unwrap();
        for (id, esito) in lines {
            writer
                .append(&ReceiptLine {
                    voce: OutboxId(*id),
                    impronta: format!("impronta-{id}"),
                    esito: esito.clone(),
                })
                .unwrap();
        }
        dir
    }

    fn sent() -> ReceiptOutcome {
        ReceiptOutcome::Inviato {
            id_io: "01J00000000000000000000001".into(),
        }
    }

    #[test]
    fn a_line_a_crash_cut_short_is_dropped_and_the_next_starts_clean() {
        let key = key(1);
        let dir = receipts_file(&key, &[(1, ReceiptOutcome::InInvio), (1, sent())]);
        let path = dir.path().join("ricevute.jsonl");
        let whole = std::fs::read(&path).unwrap();
        // The second message's `in_invio` cut in the middle of its write.
        let mut cut = whole.clone();
        cut.extend_from_slice(br#"{"dati":{"voce":2,"impronta":"imp"#);
        std::fs::write(&path, &cut).unwrap();

        let chain = read_receipt_lines(&path, &key).unwrap();
        assert_eq!(chain.lines.len(), 2);
        assert_eq!(chain.complete, whole.len() as u64);
        let receipts = Receipts::read(&path, &key).unwrap();
        assert_eq!(receipts.receipts.len(), 1);
        assert_eq!(receipts.receipts[0].id, OutboxId(1));
    }

    #[test]
    fn signed_receipts_read_back_with_their_key_only() {
        let right = key(1);
        let dir = receipts_file(
            &right,
            &[
                (1, ReceiptOutcome::InInvio),
                (2, ReceiptOutcome::InInvio),
                (1, sent()),
            ],
        );
        let path = dir.path().join("ricevute.jsonl");
        let receipts = Receipts::read(&path, &right).unwrap();
        assert_eq!(receipts.bundle, "P1");
        assert_eq!(receipts.bundle_digest, "ab".repeat(32));
        let outcomes: Vec<(OutboxId, Outcome)> = receipts
            .receipts
            .into_iter()
            .map(|r| (r.id, r.outcome))
            .collect();
        assert_eq!(
            outcomes,
            vec![
                (
                    OutboxId(1),
                    Outcome::Sent {
                        io_id: "01J00000000000000000000001".into()
                    }
                ),
                (
                    OutboxId(2),
                    Outcome::Uncertain {
                        detail: INTERRUPTED.into()
                    }
                ),
            ]
        );
        let err = Receipts::read(&path, &key(2)).unwrap_err().to_string();
        assert!(err.contains("la firma non corrisponde"), "{err}");
    }

    #[test]
    fn a_signed_line_send_bundle_never_writes_is_refused() {
        let key = key(1);
        // Sent with no request before it; an outcome after a final one.
        for lines in [
            vec![(1, sent())],
            vec![
                (
                    1,
                    ReceiptOutcome::NonRaggiungibile {
                        dettaglio: NO_IO_PROFILE.into(),
                    },
                ),
                (1, ReceiptOutcome::InInvio),
            ],
            vec![(1, ReceiptOutcome::InInvio), (1, sent()), (1, sent())],
        ] {
            let dir = receipts_file(&key, &lines);
            let err = Receipts::read(&dir.path().join("ricevute.jsonl"), &key)
                .unwrap_err()
                .to_string();
            assert!(err.contains("non può seguire"), "{lines:?}: {err}");
        }
        // What a resumed run writes is accepted: a retry after `non_partito`, `incerto` after
        // an interrupted request.
        let dir = receipts_file(
            &key,
            &[
                (1, ReceiptOutcome::InInvio),
                (
                    1,
                    ReceiptOutcome::NonPartito {
                        dettaglio: "429".into(),
                    },
                ),
                (1, ReceiptOutcome::InInvio),
                (2, ReceiptOutcome::InInvio),
                (1, sent()),
                (
                    2,
                    ReceiptOutcome::Incerto {
                        dettaglio: INTERRUPTED.into(),
                    },
                ),
            ],
        );
        assert!(Receipts::read(&dir.path().join("ricevute.jsonl"), &key).is_ok());
    }

    #[test]
    fn a_bundle_reads_back_with_its_key_only() {
        let right = key(1);
        let bundle = Bundle::of(&[], Vec::new(), chrono::Utc::now()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pacchetto.json");
        std::fs::write(&path, bundle.sealed(&right).unwrap()).unwrap();
        assert_eq!(Bundle::read(&path, &right).unwrap(), bundle);
        let err = Bundle::read(&path, &key(2)).unwrap_err().to_string();
        assert!(
            err.contains("la firma del pacchetto non corrisponde"),
            "{err}"
        );
    }
}
