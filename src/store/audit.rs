//! The append-only audit log: each entry carries the hash of the one before it, so that
//! altering, removing or reordering any entry breaks the chain from that point on.
//!
//! The hash covers the event's stored bytes, never a re-serialisation, so that adding a
//! field to an event type in a later version does not invalidate old entries.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use super::keys::hex;
use crate::domain::Event;

/// The `prev` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditHead {
    pub seq: u64,
    pub hash: String,
}

impl Default for AuditHead {
    fn default() -> Self {
        AuditHead {
            seq: 0,
            hash: GENESIS.to_string(),
        }
    }
}

/// An entry as stored: the event is kept as the exact JSON text that was hashed.
#[derive(Debug, Serialize, Deserialize)]
pub struct StoredEntry {
    pub seq: u64,
    pub prev: String,
    pub hash: String,
    pub event: Box<RawValue>,
}

impl StoredEntry {
    pub fn new(head: &AuditHead, event: &Event) -> Result<StoredEntry, serde_json::Error> {
        let seq = head.seq + 1;
        let event = RawValue::from_string(serde_json::to_string(event)?)?;
        let hash = entry_hash(&head.hash, seq, event.get());
        Ok(StoredEntry {
            seq,
            prev: head.hash.clone(),
            hash,
            event,
        })
    }

    pub fn decode_event(&self) -> Result<Event, serde_json::Error> {
        serde_json::from_str(self.event.get())
    }

    pub fn expected_hash(&self) -> String {
        entry_hash(&self.prev, self.seq, self.event.get())
    }
}

pub fn entry_hash(prev: &str, seq: u64, event_json: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(prev.as_bytes());
    hasher.update(b"|");
    hasher.update(seq.to_string().as_bytes());
    hasher.update(b"|");
    hasher.update(event_json.as_bytes());
    hex(&hasher.finalize())
}

/// The outcome of walking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditReport {
    pub entries: u64,
    /// Hash of the last entry: record it elsewhere to anchor the chain.
    pub head: String,
    pub first_broken: Option<Broken>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub seq: u64,
    pub reason: String,
}

/// Walks the entries (raw key, raw value) in order and checks every link.
pub fn verify<I>(entries: I, stored_head: Option<AuditHead>) -> AuditReport
where
    I: IntoIterator<Item = Result<(Vec<u8>, Vec<u8>), String>>,
{
    let mut previous = AuditHead::default();
    let mut count = 0u64;
    let broken = |seq: u64, reason: String, count: u64, head: &AuditHead| AuditReport {
        entries: count,
        head: head.hash.clone(),
        first_broken: Some(Broken { seq, reason }),
    };
    for item in entries {
        let expected_seq = previous.seq + 1;
        let (key, value) = match item {
            Ok(kv) => kv,
            Err(e) => {
                return broken(
                    expected_seq,
                    format!("lettura fallita: {e}"),
                    count,
                    &previous,
                );
            }
        };
        let key_seq = super::keys::decode_application_id(&key).map(|id| id.0);
        let entry: StoredEntry = match serde_json::from_slice(&value) {
            Ok(entry) => entry,
            Err(e) => {
                return broken(
                    key_seq.unwrap_or(expected_seq),
                    format!("voce illeggibile ({e})"),
                    count,
                    &previous,
                );
            }
        };
        if key_seq != Some(entry.seq) || entry.seq != expected_seq {
            return broken(
                expected_seq,
                format!(
                    "numerazione interrotta: attesa la voce {expected_seq}, trovata la {}",
                    entry.seq
                ),
                count,
                &previous,
            );
        }
        if entry.prev != previous.hash {
            return broken(
                entry.seq,
                "il collegamento alla voce precedente non corrisponde".into(),
                count,
                &previous,
            );
        }
        if entry.expected_hash() != entry.hash {
            return broken(
                entry.seq,
                "contenuto alterato: l'impronta SHA-256 non corrisponde".into(),
                count,
                &previous,
            );
        }
        if entry.decode_event().is_err() {
            return broken(entry.seq, "evento illeggibile".into(), count, &previous);
        }
        count += 1;
        previous = AuditHead {
            seq: entry.seq,
            hash: entry.hash,
        };
    }
    let stored = stored_head.unwrap_or_default();
    if stored.seq != previous.seq || stored.hash != previous.hash {
        let seq = previous.seq.max(stored.seq);
        return broken(
            seq,
            format!(
                "il registro termina alla voce {} ma l'ultima registrata è la {}: voci rimosse o aggiunte",
                previous.seq, stored.seq
            ),
            count,
            &previous,
        );
    }
    AuditReport {
        entries: count,
        head: previous.hash,
        first_broken: None,
    }
}
