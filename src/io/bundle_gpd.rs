//! What an offline bundle carries for pagoPA's debt-position service: each request whole
//! (the connected machine has no database to build it from), and the receipt of each.
//!
//! Unlike a message, a GPD request is safe to repeat (a second creation is answered 409, read
//! back and settled), so a request a crash left `in_invio` is sent again on resume, and one
//! that comes back unsent waits at the office for the next sync or bundle.

use serde::{Deserialize, Serialize};

use crate::domain::rent::GpdOutcome;
use crate::gpd::{Answer, GpdCall, Tally};
use crate::messages::outbox::INTERRUPTED;

/// One request for pagoPA in a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GpdEntry {
    /// The creditor's fiscal code, as pagoPA's paths name it.
    pub ente: String,
    pub iupd: String,
    /// The notice number as the citizen reads it, to name the notice in warnings.
    pub avviso: String,
    #[serde(flatten)]
    pub call: GpdCall,
}

/// A receipt's outcome for a GPD request, in the receipts file's names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "esito")]
pub(super) enum GpdReceiptOutcome {
    InInvio,
    Pubblicata,
    /// A 409 read back and found identical: an earlier attempt created it.
    GiaPresente,
    PagamentoComunicato,
    Annullata,
    Rifiutata {
        dettaglio: String,
    },
    Incerta {
        dettaglio: String,
    },
    NonPartita {
        dettaglio: String,
    },
}

impl GpdReceiptOutcome {
    pub(super) fn of(answer: Answer) -> GpdReceiptOutcome {
        use GpdReceiptOutcome as R;
        match answer {
            Answer::Record(GpdOutcome::Published, Tally::Settled) => R::GiaPresente,
            Answer::Record(GpdOutcome::Published, _) => R::Pubblicata,
            Answer::Record(GpdOutcome::PaymentReported, _) => R::PagamentoComunicato,
            Answer::Record(GpdOutcome::Cancelled, _) => R::Annullata,
            Answer::Record(GpdOutcome::Refused { reason }, _) => R::Rifiutata { dettaglio: reason },
            Answer::Record(GpdOutcome::Uncertain { reason }, _) => R::Incerta { dettaglio: reason },
            Answer::Record(GpdOutcome::Exported { .. } | GpdOutcome::Returned { .. }, _)
            | Answer::Left(None) => R::NonPartita {
                dettaglio: "pagoPA non ha risposto in tempo: da inviare di nuovo".into(),
            },
            Answer::Left(Some(why)) => R::NonPartita { dettaglio: why },
        }
    }

    /// Settled: sending the bundle again leaves it alone.
    pub(super) fn is_final(&self) -> bool {
        !matches!(
            self,
            GpdReceiptOutcome::InInvio | GpdReceiptOutcome::NonPartita { .. }
        )
    }

    /// Whether this line may follow `before` for the same request: `in_invio` before every
    /// try, an answer after it, nothing after an answer.
    pub(super) fn may_follow(&self, before: Option<&GpdReceiptOutcome>) -> bool {
        match before {
            // Not tried at all (the run stopped, or pagoPA stopped answering) is said too.
            None | Some(GpdReceiptOutcome::NonPartita { .. }) => matches!(
                self,
                GpdReceiptOutcome::InInvio | GpdReceiptOutcome::NonPartita { .. }
            ),
            // A crash between the two lines: the request is tried again.
            Some(GpdReceiptOutcome::InInvio) => true,
            Some(_) => false,
        }
    }

    /// What the office records: an unsent or interrupted request goes back to wait.
    pub(super) fn outcome(&self) -> GpdOutcome {
        use GpdReceiptOutcome as R;
        match self {
            R::Pubblicata | R::GiaPresente => GpdOutcome::Published,
            R::PagamentoComunicato => GpdOutcome::PaymentReported,
            R::Annullata => GpdOutcome::Cancelled,
            R::Rifiutata { dettaglio } => GpdOutcome::Refused {
                reason: dettaglio.clone(),
            },
            R::Incerta { dettaglio } => GpdOutcome::Uncertain {
                reason: dettaglio.clone(),
            },
            R::NonPartita { dettaglio } => GpdOutcome::Returned {
                reason: dettaglio.clone(),
            },
            R::InInvio => GpdOutcome::Returned {
                reason: INTERRUPTED.into(),
            },
        }
    }
}

/// A receipts line for a GPD request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct GpdReceiptLine {
    pub(super) posizione: String,
    #[serde(flatten)]
    pub(super) esito: GpdReceiptOutcome,
}

/// The receipt of one GPD request, as the office records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GpdReceipt {
    pub iupd: String,
    pub outcome: GpdOutcome,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_written_and_read_back_as_the_same_outcome() {
        for (answer, outcome) in [
            (
                Answer::Record(GpdOutcome::Published, Tally::Created),
                GpdOutcome::Published,
            ),
            (
                Answer::Record(GpdOutcome::Published, Tally::Settled),
                GpdOutcome::Published,
            ),
            (
                Answer::Record(GpdOutcome::PaymentReported, Tally::Reported),
                GpdOutcome::PaymentReported,
            ),
            (
                Answer::Record(GpdOutcome::Cancelled, Tally::Cancelled),
                GpdOutcome::Cancelled,
            ),
            (
                Answer::Record(
                    GpdOutcome::Refused {
                        reason: "risposta 400".into(),
                    },
                    Tally::Refused,
                ),
                GpdOutcome::Refused {
                    reason: "risposta 400".into(),
                },
            ),
            (
                Answer::Left(Some("avviso 3: pagato due volte".into())),
                GpdOutcome::Returned {
                    reason: "avviso 3: pagato due volte".into(),
                },
            ),
        ] {
            let line = GpdReceiptLine {
                posizione: "ALLOGGI-7-2026-11".into(),
                esito: GpdReceiptOutcome::of(answer),
            };
            let json = serde_json::to_string(&line).unwrap();
            let read: GpdReceiptLine = serde_json::from_str(&json).unwrap();
            assert_eq!(read.esito.outcome(), outcome, "{json}");
        }
    }

    #[test]
    fn a_request_is_tried_after_in_invio_and_never_after_an_answer() {
        use GpdReceiptOutcome as R;
        assert!(R::InInvio.may_follow(None));
        assert!(!R::Pubblicata.may_follow(None));
        assert!(
            !R::Rifiutata {
                dettaglio: String::new()
            }
            .may_follow(None)
        );
        assert!(R::Pubblicata.may_follow(Some(&R::InInvio)));
        assert!(R::InInvio.may_follow(Some(&R::InInvio)));
        assert!(!R::InInvio.may_follow(Some(&R::Pubblicata)));
        assert!(R::InInvio.may_follow(Some(&R::NonPartita {
            dettaglio: String::new()
        })));
        assert!(!R::InInvio.is_final());
        assert!(R::GiaPresente.is_final());
    }
}
