//! The intake workflow's words: event names for filters and audit lines.

use crate::domain::event::EventKind;

/// In lifecycle order; part of `EVENT_KIND_NAMES`.
pub(crate) const EVENT_NAMES: [&str; 2] = ["domanda_ricevuta", "domanda_protocollata"];

pub(super) fn kind_name(kind: &EventKind) -> Option<&'static str> {
    use EventKind::*;
    Some(match kind {
        ApplicationReceived { .. } => "domanda_ricevuta",
        ApplicationRegistered { .. } => "domanda_protocollata",
        _ => return None,
    })
}

pub(super) fn summary(kind: &EventKind) -> Option<String> {
    use EventKind::*;
    Some(match kind {
        ApplicationReceived { application } => format!(
            "domanda ricevuta da {}{}",
            application.applicant_name(),
            if application.late {
                " (fuori termine)"
            } else {
                ""
            }
        ),
        ApplicationRegistered {
            protocol,
            late_override,
            ..
        } => format!(
            "protocollata {protocol}{}",
            if *late_override { " in deroga" } else { "" }
        ),
        _ => return None,
    })
}
