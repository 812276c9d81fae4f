//! The outbox: one entry per message to a citizen, and the states it moves through.
//!
//! queued → sending → sent | rejected | retry (at T) | uncertain | unreachable;
//! queued → exported (carried to a connected machine) → sent | rejected | uncertain;
//! queued | retry → withdrawn (by a caseworker, with a reason: never sent).
//! An entry is never sent twice by the program: only `queued` and a due `retry` are picked up,
//! and an entry found `sending` after a stop becomes `uncertain`, for a caseworker to decide.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::new_message::NewMessage;
use crate::domain::ApplicationId;
use crate::domain::time::{Timestamp, format_ts};

/// Why an entry is uncertain after a stop between its request and IO's answer.
pub const INTERRUPTED: &str = "invio interrotto: non si sa se IO l'abbia ricevuto";
/// Why an entry is unreachable: IO answered `sender_allowed: false`.
pub const SERVICE_TURNED_OFF: &str = "il cittadino ha disattivato i messaggi di questo servizio";
/// Why an entry is unreachable: IO answered 404 to the profile check.
pub const NO_IO_PROFILE: &str = "nessun profilo IO attivo per questo codice fiscale";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OutboxId(pub u64);

impl fmt::Display for OutboxId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "M{}", self.0)
    }
}

impl OutboxId {
    /// Accepts `M12` or `12`.
    pub fn parse(input: &str) -> Option<OutboxId> {
        let digits = input.trim().trim_start_matches(['M', 'm']);
        digits.parse().ok().map(OutboxId)
    }
}

/// What IO answered when asked about a sent message (`GET /messages/{fiscal_code}/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// ACCEPTED, THROTTLED, PROCESSED, REJECTED, FAILED, or NOT_FOUND when IO no longer knows it.
    pub status: String,
    #[serde(default)]
    pub read_status: Option<String>,
    pub checked_at: Timestamp,
}

impl Delivery {
    /// No further change is expected: polling stops.
    pub fn is_final(&self) -> bool {
        matches!(
            self.status.as_str(),
            "PROCESSED" | "REJECTED" | "FAILED" | "NOT_FOUND"
        )
    }

    pub fn label(&self) -> &'static str {
        match self.status.as_str() {
            "PROCESSED" if self.read_status.as_deref() == Some("READ") => "letto",
            "PROCESSED" => "consegnato",
            "ACCEPTED" => "accettato",
            "THROTTLED" => "in consegna",
            "REJECTED" => "rifiutato da IO",
            "FAILED" => "consegna fallita",
            "NOT_FOUND" => "scaduto su IO",
            _ => "stato sconosciuto",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "stato")]
pub enum OutboxState {
    Queued,
    /// The request may be on its way: never picked up again by the program.
    Sending {
        since: Timestamp,
    },
    /// `io_id` is None when a caseworker marked it sent without IO's id.
    Sent {
        io_id: Option<String>,
        at: Timestamp,
        #[serde(default)]
        delivery: Option<Delivery>,
    },
    /// IO refused it (400, 403, 404): nothing was created.
    Rejected {
        status: u16,
        detail: String,
        at: Timestamp,
    },
    /// Not sent, safe to send again from `at` on (rate limit, IO unreachable before sending).
    Retry {
        at: Timestamp,
        reason: String,
    },
    /// The request left and no answer came back: it may have been delivered.
    Uncertain {
        since: Timestamp,
        detail: String,
    },
    /// The citizen has no IO profile or blocked the service: to be reached another way.
    Unreachable {
        detail: String,
        at: Timestamp,
    },
    /// Written into an offline bundle, to be sent from a connected machine.
    Exported {
        bundle: String,
        at: Timestamp,
    },
    /// Taken back by a caseworker before it left: never sent, by the sender or in a bundle.
    Withdrawn {
        at: Timestamp,
        reason: String,
    },
}

/// The outbox tabs, in the order the console shows them. Each state belongs to one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum OutboxTab {
    Queued,
    Sent,
    Unreachable,
    Uncertain,
    Failed,
    Exported,
    Withdrawn,
}

impl OutboxTab {
    pub const ALL: [OutboxTab; 7] = [
        OutboxTab::Queued,
        OutboxTab::Sent,
        OutboxTab::Unreachable,
        OutboxTab::Uncertain,
        OutboxTab::Failed,
        OutboxTab::Exported,
        OutboxTab::Withdrawn,
    ];

    pub fn label(self) -> &'static str {
        match self {
            OutboxTab::Queued => "In coda",
            OutboxTab::Sent => "Inviati",
            OutboxTab::Unreachable => "Non raggiungibili",
            OutboxTab::Uncertain => "Incerti",
            OutboxTab::Failed => "Errori",
            OutboxTab::Exported => "Esportati",
            OutboxTab::Withdrawn => "Ritirati",
        }
    }

    /// A shorter label, for tab bars narrower than the full labels.
    pub fn short_label(self) -> &'static str {
        match self {
            OutboxTab::Unreachable => "Non raggiunti",
            other => other.label(),
        }
    }

    /// The index tags of the states shown in this tab.
    pub fn tags(self) -> &'static [u8] {
        match self {
            OutboxTab::Queued => &[TAG_QUEUED, TAG_SENDING, TAG_RETRY],
            OutboxTab::Sent => &[TAG_SENT_PENDING, TAG_SENT_FINAL],
            OutboxTab::Unreachable => &[TAG_UNREACHABLE],
            OutboxTab::Uncertain => &[TAG_UNCERTAIN],
            OutboxTab::Failed => &[TAG_REJECTED],
            OutboxTab::Exported => &[TAG_EXPORTED],
            OutboxTab::Withdrawn => &[TAG_WITHDRAWN],
        }
    }
}

pub const TAG_QUEUED: u8 = 1;
pub const TAG_SENDING: u8 = 2;
/// Sent, delivery status still to be learnt: what status polling walks.
pub const TAG_SENT_PENDING: u8 = 3;
pub const TAG_REJECTED: u8 = 4;
pub const TAG_RETRY: u8 = 5;
pub const TAG_UNCERTAIN: u8 = 6;
pub const TAG_UNREACHABLE: u8 = 7;
pub const TAG_EXPORTED: u8 = 8;
pub const TAG_SENT_FINAL: u8 = 9;
pub const TAG_WITHDRAWN: u8 = 10;
pub const ALL_TAGS: [u8; 10] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

impl OutboxState {
    /// Stable one-byte tag, the prefix of the outbox state index.
    pub fn tag(&self) -> u8 {
        match self {
            OutboxState::Queued => TAG_QUEUED,
            OutboxState::Sending { .. } => TAG_SENDING,
            OutboxState::Sent {
                io_id: Some(_),
                delivery,
                ..
            } if !delivery.as_ref().is_some_and(Delivery::is_final) => TAG_SENT_PENDING,
            OutboxState::Sent { .. } => TAG_SENT_FINAL,
            OutboxState::Rejected { .. } => TAG_REJECTED,
            OutboxState::Retry { .. } => TAG_RETRY,
            OutboxState::Uncertain { .. } => TAG_UNCERTAIN,
            OutboxState::Unreachable { .. } => TAG_UNREACHABLE,
            OutboxState::Exported { .. } => TAG_EXPORTED,
            OutboxState::Withdrawn { .. } => TAG_WITHDRAWN,
        }
    }

    /// Short Italian label for lists, e.g. "inviato · letto".
    pub fn label(&self) -> String {
        match self {
            OutboxState::Queued => "in coda".into(),
            OutboxState::Sending { .. } => "in invio".into(),
            OutboxState::Sent { io_id: None, .. } => "segnato inviato".into(),
            OutboxState::Sent {
                delivery: Some(d), ..
            } => format!("inviato · {}", d.label()),
            OutboxState::Sent { .. } => "inviato".into(),
            OutboxState::Rejected { status, .. } => format!("respinto ({status})"),
            OutboxState::Retry { at, .. } => format!("riprova {}", format_ts(*at)),
            OutboxState::Uncertain { .. } => "incerto ← decidi".into(),
            OutboxState::Unreachable { .. } => "non raggiungibile su IO".into(),
            OutboxState::Exported { .. } => "esportato".into(),
            OutboxState::Withdrawn { .. } => "ritirato".into(),
        }
    }

    /// The program may send it now.
    pub fn is_due(&self, now: Timestamp) -> bool {
        match self {
            OutboxState::Queued => true,
            OutboxState::Retry { at, .. } => *at <= now,
            _ => false,
        }
    }

    /// A caseworker may put it back in the queue, with a reason: everything that did not
    /// certainly reach IO, and what IO refused.
    pub fn can_requeue(&self) -> bool {
        matches!(
            self,
            OutboxState::Rejected { .. }
                | OutboxState::Retry { .. }
                | OutboxState::Uncertain { .. }
                | OutboxState::Unreachable { .. }
                | OutboxState::Exported { .. }
        )
    }

    /// A caseworker may withdraw it, with a reason: only while it waits here, never once it
    /// left or may have left (in flight, sent, exported, uncertain).
    pub fn can_withdraw(&self) -> bool {
        self.why_not_withdrawable().is_none()
    }

    /// Why it can no longer be withdrawn, in Italian, when it cannot.
    pub fn why_not_withdrawable(&self) -> Option<&'static str> {
        Some(match self {
            OutboxState::Queued | OutboxState::Retry { .. } => return None,
            OutboxState::Sending { .. } => {
                "è in invio proprio ora: IO potrebbe averlo già ricevuto"
            }
            OutboxState::Sent { .. } => "è già stato inviato",
            OutboxState::Exported { .. } => {
                "è in un pacchetto per l'invio esterno: potrebbe essere già partito"
            }
            OutboxState::Uncertain { .. } => {
                "l'esito dell'invio è incerto: potrebbe essere già arrivato"
            }
            OutboxState::Rejected { .. } => "IO lo ha respinto: non è in coda",
            OutboxState::Unreachable { .. } => {
                "il cittadino non è raggiungibile su IO: non è in coda"
            }
            OutboxState::Withdrawn { .. } => "è già stato ritirato",
        })
    }

    /// A caseworker may record it as sent, with a reason: when only a person can know.
    pub fn can_mark_sent(&self) -> bool {
        matches!(
            self,
            OutboxState::Uncertain { .. } | OutboxState::Exported { .. }
        )
    }
}

/// Who the message is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Addressee {
    pub fiscal_code: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub id: OutboxId,
    /// Catalogue id and title at the time of queueing.
    pub template: String,
    pub title: String,
    #[serde(default)]
    pub application: Option<ApplicationId>,
    pub addressee: Addressee,
    /// Exactly what is sent: frozen when queued.
    pub message: NewMessage,
    pub content_hash: String,
    pub queued_at: Timestamp,
    pub queued_by: String,
    pub state: OutboxState,
    /// Requests that left for this entry (`POST /messages`).
    #[serde(default)]
    pub attempts: u32,
    /// When the state last changed.
    pub updated_at: Timestamp,
}

/// A message ready to queue: rendered and checked against the IO contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub template: String,
    pub title: String,
    pub addressee: Addressee,
    pub message: NewMessage,
}

/// Composes a message from a case as it stands inside the transaction that queues it (after
/// the command that fires it, so that a protocol number just given is in the text). The error
/// is the Italian reason the message cannot be sent, e.g. a placeholder without a value.
pub trait Compose: Sync {
    fn compose(&self, subject: &Subject<'_>) -> Result<Draft, String>;
}

/// What a message is about, as the transaction that queues it sees it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Subject<'a> {
    pub application: Option<&'a crate::domain::Application>,
    pub call: Option<&'a crate::domain::Call>,
    pub appointment: Option<&'a crate::domain::appointment::Appointment>,
    /// A citizen with no application, such as one interested in the call.
    pub citizen: Option<&'a super::case::Recipient>,
    /// The assignment round the message is about, the applicant's place in it and the
    /// dwelling that place holds.
    pub round: Option<&'a crate::domain::stock::Round>,
    pub placement: Option<&'a crate::domain::stock::Placement>,
    pub dwelling: Option<&'a crate::domain::stock::Dwelling>,
    /// The rent notice the message asks to pay.
    pub rent_notice: Option<&'a crate::domain::rent::RentNotice>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn at() -> Timestamp {
        Utc.with_ymd_and_hms(2024, 12, 2, 9, 0, 0).unwrap()
    }

    #[test]
    fn only_a_message_still_waiting_here_can_be_withdrawn() {
        assert!(OutboxState::Queued.can_withdraw());
        assert!(
            OutboxState::Retry {
                at: at(),
                reason: "429".into()
            }
            .can_withdraw()
        );
        let gone = [
            OutboxState::Sending { since: at() },
            OutboxState::Sent {
                io_id: Some("x".into()),
                at: at(),
                delivery: None,
            },
            OutboxState::Exported {
                bundle: "p".into(),
                at: at(),
            },
            OutboxState::Uncertain {
                since: at(),
                detail: "x".into(),
            },
            OutboxState::Withdrawn {
                at: at(),
                reason: "x".into(),
            },
        ];
        for state in gone {
            assert!(!state.can_withdraw(), "{state:?}");
            assert!(state.why_not_withdrawable().is_some_and(|w| !w.is_empty()));
        }
    }

    #[test]
    fn a_withdrawn_message_is_never_due_and_has_its_own_tab() {
        let withdrawn = OutboxState::Withdrawn {
            at: at(),
            reason: "errore".into(),
        };
        assert!(!withdrawn.is_due(at()));
        assert!(!withdrawn.can_requeue());
        assert!(!withdrawn.can_mark_sent());
        let tabs: Vec<_> = OutboxTab::ALL
            .into_iter()
            .filter(|t| t.tags().contains(&withdrawn.tag()))
            .collect();
        assert_eq!(tabs, [OutboxTab::Withdrawn]);
    }
}
