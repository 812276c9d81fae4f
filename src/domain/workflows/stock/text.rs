//! The stock's words: event names for filters and audit lines.

use crate::domain::event::EventKind;

/// In lifecycle order; part of `EVENT_KIND_NAMES`.
pub(crate) const EVENT_NAMES: [&str; 3] = [
    "alloggio_aggiunto",
    "alloggio_modificato",
    "stato_alloggio_cambiato",
];

pub(super) fn kind_name(kind: &EventKind) -> Option<&'static str> {
    use EventKind::*;
    Some(match kind {
        DwellingAdded { .. } => "alloggio_aggiunto",
        DwellingChanged { .. } => "alloggio_modificato",
        DwellingStateChanged { .. } => "stato_alloggio_cambiato",
        _ => return None,
    })
}

pub(super) fn summary(kind: &EventKind) -> Option<String> {
    use EventKind::*;
    Some(match kind {
        DwellingAdded { dwelling } => format!(
            "alloggio {} aggiunto ({}, {})",
            dwelling.code,
            dwelling.address,
            dwelling.state.label()
        ),
        DwellingChanged { dwelling } => format!("alloggio {} modificato", dwelling.code),
        DwellingStateChanged { code, from, to } => format!(
            "alloggio {code}: da {} a {}",
            from.label(),
            to.label()
        ),
        _ => return None,
    })
}
