//! The messages workflow's words: event names for filters and audit lines.

use crate::domain::event::EventKind;

/// In lifecycle order; part of `EVENT_KIND_NAMES`.
pub(crate) const EVENT_NAMES: [&str; 8] = [
    "messaggio_accodato",
    "messaggio_inviato",
    "messaggio_respinto",
    "messaggio_non_recapitabile",
    "messaggio_incerto",
    "messaggio_riaccodato",
    "messaggio_ritirato",
    "messaggi_esportati",
];

pub(super) fn kind_name(kind: &EventKind) -> Option<&'static str> {
    use EventKind::*;
    Some(match kind {
        MessageQueued { .. } => "messaggio_accodato",
        MessageSent { .. } => "messaggio_inviato",
        MessageRejected { .. } => "messaggio_respinto",
        MessageUnreachable { .. } => "messaggio_non_recapitabile",
        MessageUncertain { .. } => "messaggio_incerto",
        MessageRequeued { .. } => "messaggio_riaccodato",
        MessageWithdrawn { .. } => "messaggio_ritirato",
        MessagesExported { .. } => "messaggi_esportati",
        _ => return None,
    })
}

pub(super) fn summary(kind: &EventKind) -> Option<String> {
    use EventKind::*;
    Some(match kind {
        MessageQueued {
            outbox,
            title,
            fiscal_code,
            ..
        } => format!("→ IO: {title} accodato (M{outbox}, {fiscal_code})"),
        MessageSent {
            outbox,
            io_id: Some(io_id),
            ..
        } => format!("→ IO: M{outbox} inviato ✓ (id {io_id})"),
        MessageSent { outbox, .. } => format!("→ IO: M{outbox} segnato come inviato"),
        MessageRejected {
            outbox,
            status,
            detail,
            ..
        } => format!("→ IO: M{outbox} respinto ({status}: {detail})"),
        MessageUnreachable { outbox, detail, .. } => {
            format!("→ IO: M{outbox} non raggiungibile su IO ({detail})")
        }
        MessageUncertain { outbox, detail, .. } => {
            format!("→ IO: M{outbox} esito incerto ({detail})")
        }
        MessageRequeued { outbox, .. } => format!("→ IO: M{outbox} rimesso in coda"),
        MessageWithdrawn { outbox, .. } => format!("→ IO: M{outbox} ritirato, non sarà inviato"),
        MessagesExported { bundle, outbox } => format!(
            "→ IO: {} nel pacchetto {bundle}",
            crate::domain::number::plural(outbox.len(), "messaggio esportato", "messaggi esportati")
        ),
        _ => return None,
    })
}
