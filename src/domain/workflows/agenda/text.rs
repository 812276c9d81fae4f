//! The agenda's words: event names for filters and audit lines.

use crate::domain::event::EventKind;
use crate::domain::time::{format_ts_date, format_ts_time};

/// In lifecycle order; part of `EVENT_KIND_NAMES`.
pub(crate) const EVENT_NAMES: [&str; 3] = [
    "appuntamento_prenotato",
    "appuntamento_spostato",
    "appuntamento_annullato",
];

pub(super) fn kind_name(kind: &EventKind) -> Option<&'static str> {
    use EventKind::*;
    Some(match kind {
        AppointmentBooked { .. } => "appuntamento_prenotato",
        AppointmentRescheduled { .. } => "appuntamento_spostato",
        AppointmentCancelled { .. } => "appuntamento_annullato",
        _ => return None,
    })
}

pub(super) fn summary(kind: &EventKind) -> Option<String> {
    use EventKind::*;
    Some(match kind {
        AppointmentBooked { appointment } => format!(
            "appuntamento {} prenotato per il {} alle {} ({})",
            appointment.booking_number,
            format_ts_date(appointment.slot.at),
            format_ts_time(appointment.slot.at),
            appointment.citizen.fiscal_code.as_str()
        ),
        AppointmentRescheduled { id, slot, .. } => format!(
            "appuntamento {id} spostato al {} alle {}",
            format_ts_date(slot.at),
            format_ts_time(slot.at)
        ),
        AppointmentCancelled { id, .. } => format!("appuntamento {id} annullato"),
        _ => return None,
    })
}
