//! Rent's words: event names for filters and audit lines.

use crate::domain::event::EventKind;
use crate::domain::rent::{GpdOutcome, PaymentChannel};
use crate::domain::time::format_date;

/// In lifecycle order; part of `EVENT_KIND_NAMES`.
pub(crate) const EVENT_NAMES: [&str; 9] = [
    "regole_canone_caricate",
    "canone_emesso",
    "canone_esito_pagopa",
    "canone_pagato",
    "canone_in_scadenza_ricordato",
    "canone_scaduto_comunicato",
    "morosita_segnalata",
    "morosita_incolpevole",
    "piano_di_rientro",
];

pub(super) fn kind_name(kind: &EventKind) -> Option<&'static str> {
    use EventKind::*;
    Some(match kind {
        RentRulesSaved { .. } => "regole_canone_caricate",
        RentIssued { .. } => "canone_emesso",
        RentGpdRecorded { .. } => "canone_esito_pagopa",
        RentPaid { .. } => "canone_pagato",
        RentReminded { .. } => "canone_in_scadenza_ricordato",
        RentOverdueTold { .. } => "canone_scaduto_comunicato",
        ArrearsFlagged { .. } => "morosita_segnalata",
        InnocentArrearsRecorded { .. } => "morosita_incolpevole",
        RepaymentPlanAgreed { .. } => "piano_di_rientro",
        _ => return None,
    })
}

pub(super) fn summary(kind: &EventKind) -> Option<String> {
    use EventKind::*;
    Some(match kind {
        RentRulesSaved { rules } => format!(
            "regole dei canoni «{}» (versione {}) caricate, in vigore dal {}",
            rules.name,
            rules.version,
            format_date(rules.effective_from)
        ),
        RentIssued { notice, .. } => format!(
            "avviso del canone di {} emesso: {} €, scadenza {}, avviso {}",
            notice.month.label(),
            notice.amount.format_plain(),
            format_date(notice.due),
            notice.notice.grouped()
        ),
        RentGpdRecorded { month, outcome, .. } => format!(
            "avviso del canone di {}: {}",
            month.label(),
            match outcome {
                GpdOutcome::Published => "creato su pagoPA".to_string(),
                GpdOutcome::Uncertain { reason } => format!("esito incerto su pagoPA ({reason})"),
                GpdOutcome::Refused { reason } => format!("rifiutato da pagoPA ({reason})"),
                GpdOutcome::Exported { bundle } => format!("nel pacchetto {bundle} per pagoPA"),
                GpdOutcome::Returned { reason } => {
                    format!("tornato dal pacchetto senza esito, da inviare di nuovo ({reason})")
                }
                GpdOutcome::PaymentReported => "pagamento comunicato a pagoPA".to_string(),
                GpdOutcome::Cancelled => "annullato su pagoPA".to_string(),
            }
        ),
        RentPaid {
            month,
            paid_on,
            channel,
            ..
        } => format!(
            "canone di {} pagato il {} ({})",
            month.label(),
            format_date(*paid_on),
            match channel {
                PaymentChannel::PagoPa => "pagoPA",
                PaymentChannel::Sportello => "allo sportello",
            }
        ),
        RentReminded { month, .. } => {
            format!("ricordata la scadenza del canone di {}", month.label())
        }
        RentOverdueTold { month, .. } => {
            format!("comunicato il mancato pagamento del canone di {}", month.label())
        }
        ArrearsFlagged { months, .. } => format!(
            "morosità di {months} mensilità: segnalata per la decadenza"
        ),
        InnocentArrearsRecorded { innocent, .. } => format!(
            "morosità incolpevole: {} ({})",
            innocent.cause.label(),
            innocent.evidence
        ),
        RepaymentPlanAgreed { plan, .. } => format!(
            "piano di rientro: {} € in {} rate dal canone di {}",
            plan.total.format_plain(),
            plan.instalments,
            plan.from.label()
        ),
        _ => return None,
    })
}
