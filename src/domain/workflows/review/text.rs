//! The review workflow's words: event names for filters and audit lines.

use crate::domain::application::DocumentStatus;
use crate::domain::event::EventKind;
use crate::domain::time::format_date;

/// In lifecycle order; part of `EVENT_KIND_NAMES`.
pub(crate) const EVENT_NAMES: [&str; 16] = [
    "istruttoria_avviata",
    "integrazione_richiesta",
    "integrazione_ricevuta",
    "documento_registrato",
    "domanda_ammessa",
    "domanda_esclusa",
    "domanda_riammessa",
    "recapiti_modificati",
    "componente_aggiunto",
    "componente_rimosso",
    "verifica_registrata",
    "ammissione_revocata",
    "preavviso_rigetto_inviato",
    "osservazioni_ricevute",
    "esclusione_confermata",
    "preavviso_rigetto_ritirato",
];

pub(super) fn kind_name(kind: &EventKind) -> Option<&'static str> {
    use EventKind::*;
    Some(match kind {
        ReviewStarted { .. } => "istruttoria_avviata",
        IntegrationRequested { .. } => "integrazione_richiesta",
        IntegrationReceived { .. } => "integrazione_ricevuta",
        DocumentRecorded { .. } => "documento_registrato",
        Admitted { .. } => "domanda_ammessa",
        Excluded { .. } => "domanda_esclusa",
        Reinstated { .. } => "domanda_riammessa",
        ContactUpdated { .. } => "recapiti_modificati",
        MemberAdded { .. } => "componente_aggiunto",
        MemberRemoved { .. } => "componente_rimosso",
        ItemVerified { .. } => "verifica_registrata",
        AdmissionRevoked { .. } => "ammissione_revocata",
        RefusalNoticeSent { .. } => "preavviso_rigetto_inviato",
        ObservationsReceived { .. } => "osservazioni_ricevute",
        ExclusionConfirmed { .. } => "esclusione_confermata",
        RefusalNoticeWithdrawn { .. } => "preavviso_rigetto_ritirato",
        _ => return None,
    })
}

pub(super) fn summary(kind: &EventKind) -> Option<String> {
    use EventKind::*;
    Some(match kind {
        ReviewStarted { .. } => "istruttoria avviata".to_string(),
        IntegrationRequested { request, .. } => format!(
            "integrazione richiesta ({}, entro il {})",
            crate::domain::number::plural(request.documents.len(), "documento", "documenti"),
            format_date(request.deadline)
        ),
        IntegrationReceived { documents, .. } => {
            format!(
                "integrazione ricevuta ({})",
                crate::domain::number::plural(documents.len(), "documento", "documenti")
            )
        }
        DocumentRecorded { code, status, .. } => match status {
            DocumentStatus::Ricevuto { .. } => format!("documento ricevuto: {code}"),
            DocumentStatus::Mancante => format!("documento mancante: {code}"),
            DocumentStatus::Respinto { note } => {
                format!("documento respinto: {code} ({note})")
            }
        },
        Admitted {
            unverified, waiver, ..
        } => match waiver {
            Some(waiver) if !unverified.is_empty() => format!(
                "domanda ammessa in deroga, requisiti non verificati: {} ({waiver})",
                unverified.join(", ")
            ),
            _ => "domanda ammessa".to_string(),
        },
        Excluded { reason, .. } => format!("domanda esclusa: {}", reason.label()),
        Reinstated { .. } => "domanda riammessa in istruttoria".to_string(),
        AdmissionRevoked { .. } => "ammissione revocata: domanda di nuovo in istruttoria".to_string(),
        RefusalNoticeSent {
            reason, deadline, ..
        } => format!(
            "preavviso di rigetto (art. 10-bis): {}, osservazioni entro il {}",
            reason.label(),
            format_date(*deadline)
        ),
        ObservationsReceived { received_on, .. } => format!(
            "osservazioni al preavviso ricevute il {}",
            format_date(*received_on)
        ),
        ExclusionConfirmed { reason, .. } => format!(
            "esclusione confermata dopo il preavviso: {}",
            reason.label()
        ),
        RefusalNoticeWithdrawn { .. } => {
            "preavviso di rigetto ritirato: l'istruttoria prosegue".to_string()
        }
        ContactUpdated { .. } => "recapiti modificati".to_string(),
        MemberAdded { member, .. } => format!(
            "componente aggiunto: {} ({})",
            member.full_name(),
            member.relation.label()
        ),
        MemberRemoved { fiscal_code, .. } => {
            format!("componente rimosso: {}", fiscal_code.as_str())
        }
        ItemVerified { item, verified, .. } => format!(
            "{}: {}",
            item.label(),
            if *verified {
                "verificato"
            } else {
                "non verificato"
            }
        ),
        _ => return None,
    })
}
