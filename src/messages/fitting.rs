//! Which catalogue messages fit an application as it stands, so that the caseworker finds them
//! first: the one its state calls for, then a fee reminder while a fee is unpaid.

use crate::domain::application::DocumentStatus;
use crate::domain::{Application, Call, State};

/// What about an application decides the messages that fit it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub state: State,
    /// Documents the call needs are not in (or an integration asked for them).
    pub documents_missing: bool,
    /// A secretarial-fee notice issued and not paid.
    pub fee_unpaid: bool,
}

impl Standing {
    /// The standing of `application`; without its call, only documents recorded as missing or
    /// rejected count as missing.
    pub fn of(application: &Application, call: Option<&Call>) -> Standing {
        let documents_missing = match call {
            Some(call) => !application.missing_documents(call).is_empty(),
            None => application
                .documents
                .values()
                .any(|d| !matches!(d, DocumentStatus::Ricevuto { .. })),
        };
        Standing {
            state: application.state,
            documents_missing,
            fee_unpaid: application.fee.as_ref().is_some_and(|f| !f.is_paid()),
        }
    }
}

/// The catalogue messages (by id) that fit `standing`, most pressing first.
pub fn fitting(standing: &Standing) -> Vec<&'static str> {
    let mut ids = match standing.state {
        State::Ricevuta => vec![],
        State::Protocollata => vec!["presa_in_carico"],
        State::InIstruttoria if standing.documents_missing => vec!["richiesta_integrazione"],
        State::InIstruttoria => vec![],
        State::IntegrazioneRichiesta => vec!["richiesta_integrazione"],
        // The outcome reaches an admitted applicant with the rankings, then the assignment.
        State::Ammessa => vec![
            "graduatoria_provvisoria",
            "graduatoria_definitiva",
            "apertura_assegnazione",
            "assegnazione_dettagli",
        ],
        // An exclusion is published with the rankings too.
        State::Esclusa => vec!["graduatoria_provvisoria", "graduatoria_definitiva"],
    };
    if standing.fee_unpaid && standing.state != State::Esclusa {
        ids.extend(["avviso_segreteria_scadenza", "avviso_segreteria"]);
    }
    ids
}

/// The order to offer the messages `ids` (in catalogue order) for applications standing as
/// `standings`: those fitting every one of them first, most pressing first; then the others in
/// catalogue order. Gives indexes into `ids`, and how many of them lead as fitting.
pub fn offer_order(ids: &[&str], standings: &[Standing]) -> (Vec<usize>, usize) {
    let mut fit: Vec<&str> = match standings.split_first() {
        Some((first, _)) => fitting(first),
        None => Vec::new(),
    };
    for standing in standings.iter().skip(1) {
        let these = fitting(standing);
        fit.retain(|id| these.contains(id));
    }
    let mut order: Vec<usize> = fit
        .iter()
        .filter_map(|wanted| ids.iter().position(|id| id == wanted))
        .collect();
    let leading = order.len();
    let rest: Vec<usize> = (0..ids.len()).filter(|i| !order.contains(i)).collect();
    order.extend(rest);
    (order, leading)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in catalogue's ids, in its order.
    fn catalogue_ids() -> Vec<&'static str> {
        crate::messages::Catalogue::builtin()
            .templates()
            .iter()
            .map(|t| t.id.as_str())
            .collect()
    }

    fn standing(state: State) -> Standing {
        Standing {
            state,
            documents_missing: false,
            fee_unpaid: false,
        }
    }

    /// The ids offered for `standings`, and how many lead as fitting.
    fn offer(standings: &[Standing]) -> (Vec<&'static str>, usize) {
        let ids = catalogue_ids();
        let (order, leading) = offer_order(&ids, standings);
        (order.into_iter().map(|i| ids[i]).collect(), leading)
    }

    #[test]
    fn every_fitting_message_is_in_the_catalogue() {
        let ids = catalogue_ids();
        for state in State::ALL {
            for documents_missing in [false, true] {
                for fee_unpaid in [false, true] {
                    let standing = Standing {
                        state,
                        documents_missing,
                        fee_unpaid,
                    };
                    for id in fitting(&standing) {
                        assert!(ids.contains(&id), "{id} is not in the catalogue");
                    }
                }
            }
        }
    }

    #[test]
    fn documents_missing_in_review_offer_the_integration_request_first() {
        let (offered, leading) = offer(&[Standing {
            documents_missing: true,
            ..standing(State::InIstruttoria)
        }]);
        assert_eq!(leading, 1);
        assert_eq!(offered[0], "richiesta_integrazione");
        // The others follow in catalogue order, each once.
        let mut rest = catalogue_ids();
        rest.retain(|id| *id != "richiesta_integrazione");
        assert_eq!(offered[1..], rest[..]);
    }

    #[test]
    fn a_review_with_every_document_in_has_nothing_first() {
        let (offered, leading) = offer(&[standing(State::InIstruttoria)]);
        assert_eq!(leading, 0);
        assert_eq!(offered, catalogue_ids());
    }

    #[test]
    fn an_admission_offers_the_outcome_messages_first() {
        let (offered, leading) = offer(&[standing(State::Ammessa)]);
        assert_eq!(
            offered[..leading],
            [
                "graduatoria_provvisoria",
                "graduatoria_definitiva",
                "apertura_assegnazione",
                "assegnazione_dettagli"
            ]
        );
    }

    #[test]
    fn an_unpaid_fee_offers_the_reminder_after_the_state_s_message() {
        let (offered, leading) = offer(&[Standing {
            documents_missing: true,
            fee_unpaid: true,
            ..standing(State::InIstruttoria)
        }]);
        assert_eq!(
            offered[..leading],
            [
                "richiesta_integrazione",
                "avviso_segreteria_scadenza",
                "avviso_segreteria"
            ]
        );
        assert_eq!(offered.len(), catalogue_ids().len());
    }

    #[test]
    fn a_batch_is_offered_first_what_fits_every_application() {
        let due = Standing {
            fee_unpaid: true,
            ..standing(State::InIstruttoria)
        };
        let waiting = Standing {
            fee_unpaid: true,
            ..standing(State::IntegrazioneRichiesta)
        };
        let (offered, leading) = offer(&[waiting, due]);
        assert_eq!(
            offered[..leading],
            ["avviso_segreteria_scadenza", "avviso_segreteria"]
        );
        let (offered, leading) = offer(&[standing(State::Protocollata), standing(State::Ammessa)]);
        assert_eq!(leading, 0);
        assert_eq!(offered, catalogue_ids());
    }

    #[test]
    fn nothing_known_offers_the_catalogue_as_it_is() {
        assert_eq!(offer(&[]), (catalogue_ids(), 0));
    }
}
