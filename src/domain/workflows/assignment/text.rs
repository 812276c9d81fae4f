//! The round's words: event names for filters and audit lines.

use crate::domain::event::EventKind;
use crate::domain::time::format_date;

/// In lifecycle order; part of `EVENT_KIND_NAMES`.
pub(crate) const EVENT_NAMES: [&str; 8] = [
    "assegnazione_aperta",
    "requisiti_riverificati",
    "alloggio_proposto",
    "proposta_accettata",
    "proposta_rifiutata",
    "diffida_inviata",
    "escluso_da_assegnazione",
    "alloggio_assegnato",
];

pub(super) fn kind_name(kind: &EventKind) -> Option<&'static str> {
    use EventKind::*;
    Some(match kind {
        AssignmentOpened { .. } => "assegnazione_aperta",
        RequirementsConfirmed { .. } => "requisiti_riverificati",
        OfferMade { .. } => "alloggio_proposto",
        OfferAccepted { .. } => "proposta_accettata",
        OfferRefused { .. } => "proposta_rifiutata",
        CandidateWarned { .. } => "diffida_inviata",
        CandidateExcluded { .. } => "escluso_da_assegnazione",
        AssignmentDecreed { .. } => "alloggio_assegnato",
        _ => return None,
    })
}

pub(super) fn summary(kind: &EventKind) -> Option<String> {
    use EventKind::*;
    Some(match kind {
        AssignmentOpened { round, .. } => format!(
            "assegnazione aperta per il bando {} (graduatoria n. {}, {} richiedenti) dal {} al {}",
            round.call,
            round.ranking,
            round.candidates,
            format_date(round.opens_on),
            format_date(round.closes_on)
        ),
        RequirementsConfirmed { .. } => {
            "requisiti verificati di nuovo: ISEE, nucleo e residenza confermati".into()
        }
        OfferMade { offer, .. } => {
            let order = if offer.out_of_order.is_some() {
                " fuori ordine di graduatoria"
            } else {
                ""
            };
            format!(
                "proposto l'alloggio {}{order}, risposta entro il {}",
                offer.dwelling,
                format_date(offer.deadline)
            )
        }
        OfferAccepted { dwelling, .. } => format!("proposta dell'alloggio {dwelling} accettata"),
        OfferRefused {
            dwelling,
            justified,
            ..
        } => format!(
            "proposta dell'alloggio {dwelling} rifiutata ({})",
            if *justified {
                "giustificato: mantiene la posizione"
            } else {
                "ingiustificato: escluso dalla graduatoria"
            }
        ),
        CandidateWarned { deadline, .. } => {
            format!("diffida a rispondere entro il {}", format_date(*deadline))
        }
        CandidateExcluded { cause, freed, .. } => match freed {
            Some(code) => format!(
                "escluso dall'assegnazione: {}; alloggio {code} di nuovo libero",
                cause.label()
            ),
            None => format!("escluso dall'assegnazione: {}", cause.label()),
        },
        AssignmentDecreed {
            dwelling,
            decree_on,
            occupy_by,
            ..
        } => format!(
            "assegnato l'alloggio {dwelling} con provvedimento del {}; occupazione entro il {}",
            format_date(*decree_on),
            format_date(*occupy_by)
        ),
        _ => return None,
    })
}
