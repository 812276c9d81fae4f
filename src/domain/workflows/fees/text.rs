//! The fees workflow's words: event names for filters and audit lines.

use crate::domain::event::EventKind;
use crate::domain::time::format_date;

/// In lifecycle order; part of `EVENT_KIND_NAMES`.
pub(crate) const EVENT_NAMES: [&str; 3] = [
    "avviso_segreteria_emesso",
    "pagamento_registrato",
    "promemoria_pagamento",
];

pub(super) fn kind_name(kind: &EventKind) -> Option<&'static str> {
    use EventKind::*;
    Some(match kind {
        FeeIssued { .. } => "avviso_segreteria_emesso",
        FeePaid { .. } => "pagamento_registrato",
        FeeReminded { .. } => "promemoria_pagamento",
        _ => return None,
    })
}

pub(super) fn summary(kind: &EventKind) -> Option<String> {
    use EventKind::*;
    Some(match kind {
        FeeIssued { fee, .. } => format!(
            "avviso di pagamento {} di {} entro il {}",
            fee.notice.as_str(),
            fee.amount,
            format_date(fee.due)
        ),
        FeePaid { paid_on, .. } => {
            format!("spese di segreteria pagate il {}", format_date(*paid_on))
        }
        FeeReminded { .. } => "promemoria di pagamento".to_string(),
        _ => return None,
    })
}
