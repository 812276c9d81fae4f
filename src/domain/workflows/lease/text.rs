//! The lease's words: event names for filters and audit lines.

use crate::domain::event::EventKind;
use crate::domain::time::{format_date, format_ts_date, format_ts_time};

/// In lifecycle order; part of `EVENT_KIND_NAMES`.
pub(crate) const EVENT_NAMES: [&str; 5] = [
    "contratto_pronto",
    "appuntamento_firma_prenotato",
    "contratto_firmato",
    "isee_inquilino_registrato",
    "canone_aggiornato",
];

pub(super) fn kind_name(kind: &EventKind) -> Option<&'static str> {
    use EventKind::*;
    Some(match kind {
        ContractReadied { .. } => "contratto_pronto",
        SigningBooked { .. } => "appuntamento_firma_prenotato",
        LeaseSigned { .. } => "contratto_firmato",
        TenantIseeRecorded { .. } => "isee_inquilino_registrato",
        RentChanged { .. } => "canone_aggiornato",
        _ => return None,
    })
}

pub(super) fn summary(kind: &EventKind) -> Option<String> {
    use EventKind::*;
    Some(match kind {
        ContractReadied { dwelling, on, .. } => format!(
            "contratto di locazione dell'alloggio {dwelling} pronto per la firma dal {}",
            format_date(*on)
        ),
        SigningBooked {
            dwelling,
            appointment,
            ..
        } => format!(
            "appuntamento {} per la firma del contratto dell'alloggio {dwelling} il {} alle {} ({})",
            appointment.booking_number,
            format_ts_date(appointment.slot.at),
            format_ts_time(appointment.slot.at),
            appointment.slot.place
        ),
        LeaseSigned { lease, .. } => format!(
            "contratto n. {} firmato il {} per l'alloggio {}: decorrenza {}, canone mensile {} € \
             (tabella {}), deposito {} €",
            lease.number,
            format_date(lease.signed_on),
            lease.dwelling,
            format_date(lease.starts_on),
            lease.rent.monthly.format_plain(),
            lease.rent.version,
            lease.deposit.format_plain()
        ),
        TenantIseeRecorded { isee, .. } => format!(
            "ISEE dell'inquilino {} €, valido fino al {}",
            isee.isee.format_plain(),
            format_date(isee.valid_until)
        ),
        RentChanged { change, .. } => format!("canone dal {}", change.describe()),
        _ => return None,
    })
}
