//! The calls workflow's words: event names for filters and audit lines.

use crate::domain::event::EventKind;

/// In lifecycle order; part of `EVENT_KIND_NAMES`.
pub(crate) const EVENT_NAMES: [&str; 5] = [
    "bando_salvato",
    "bando_attivato",
    "bando_pubblicato",
    "interessati_aggiunti",
    "interessato_rimosso",
];

pub(super) fn kind_name(kind: &EventKind) -> Option<&'static str> {
    use EventKind::*;
    Some(match kind {
        CallSaved { .. } => "bando_salvato",
        CallActivated { .. } => "bando_attivato",
        CallPublished { .. } => "bando_pubblicato",
        InterestedAdded { .. } => "interessati_aggiunti",
        InterestedRemoved { .. } => "interessato_rimosso",
        _ => return None,
    })
}

pub(super) fn summary(kind: &EventKind) -> Option<String> {
    use EventKind::*;
    Some(match kind {
        CallSaved { call } => format!("bando salvato: {}", call.title),
        CallActivated { code } => format!("bando attivo: {code}"),
        CallPublished { code } => format!("bando pubblicato: {code}"),
        InterestedAdded { call, fiscal_codes } => format!(
            "{} al bando {call}",
            crate::domain::number::plural(
                fiscal_codes.len(),
                "interessato aggiunto",
                "interessati aggiunti"
            )
        ),
        InterestedRemoved { call, fiscal_code } => {
            format!("interessato rimosso dal bando {call}: {fiscal_code}")
        }
        _ => return None,
    })
}
