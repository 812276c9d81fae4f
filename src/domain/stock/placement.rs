//! An assignment round and where each applicant of its definitive ranking stands in it: the
//! offer they hold, the warning after a missed reply, the decree, the exclusion, the dwellings
//! they refused.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::adequacy::Needs;
use super::dwelling::DwellingCode;
use super::round::{Candidate, CandidateStatus};
use crate::domain::time::{Timestamp, format_date};
use crate::domain::{Application, ApplicationId};

/// A call's assignment round, opened on its definitive ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Round {
    pub call: String,
    /// The number of the definitive ranking the round follows.
    pub ranking: u32,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub opened_at: Timestamp,
    pub opened_by: String,
    /// Applicants in the round: the ranking's admitted ones.
    pub candidates: u32,
}

/// A dwelling offered, with the day to reply by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    pub dwelling: DwellingCode,
    pub made_on: NaiveDate,
    pub deadline: NaiveDate,
    /// Why the offer skips applicants ahead in the ranking who could have had it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub out_of_order: Option<String>,
}

/// Why an applicant left the round (decadenza).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExclusionCause {
    /// The requirements checked again before an offer no longer hold.
    RequisitiPersi,
    RifiutoIngiustificato,
    /// No reply by the deadline, nor after the formal warning.
    MancataRisposta,
    /// The dwelling not occupied within the term after the decree.
    MancataOccupazione,
}

impl ExclusionCause {
    pub const ALL: [ExclusionCause; 4] = [
        ExclusionCause::RequisitiPersi,
        ExclusionCause::RifiutoIngiustificato,
        ExclusionCause::MancataRisposta,
        ExclusionCause::MancataOccupazione,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ExclusionCause::RequisitiPersi => "requisiti",
            ExclusionCause::RifiutoIngiustificato => "rifiuto",
            ExclusionCause::MancataRisposta => "mancata-risposta",
            ExclusionCause::MancataOccupazione => "mancata-occupazione",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ExclusionCause::RequisitiPersi => "requisiti non più posseduti",
            ExclusionCause::RifiutoIngiustificato => "rifiuto ingiustificato",
            ExclusionCause::MancataRisposta => "nessuna risposta dopo la diffida",
            ExclusionCause::MancataOccupazione => "alloggio non occupato nel termine",
        }
    }

    pub fn parse(input: &str) -> Option<ExclusionCause> {
        let word = input.trim().to_lowercase();
        ExclusionCause::ALL.into_iter().find(|c| c.code() == word)
    }
}

/// Where an applicant stands in the round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "stato")]
pub enum Standing {
    /// May be offered the next adequate dwelling.
    InAttesa,
    Proposta {
        offer: Offer,
    },
    /// The deadline passed without a reply: a formal warning with a new deadline.
    Diffidato {
        offer: Offer,
        deadline: NaiveDate,
    },
    /// Accepted: the decree comes next.
    Accettato {
        offer: Offer,
        on: NaiveDate,
    },
    Assegnato {
        dwelling: DwellingCode,
        decree_on: NaiveDate,
        /// The lease signed and the dwelling occupied by then, or decadenza.
        occupy_by: NaiveDate,
    },
    Escluso {
        cause: ExclusionCause,
        on: NaiveDate,
    },
}

/// A refusal of an offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub dwelling: DwellingCode,
    pub on: NaiveDate,
    pub justified: bool,
}

/// An applicant of the round's ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placement {
    pub call: String,
    /// Position in the definitive ranking, from 1.
    pub position: u32,
    pub application: ApplicationId,
    pub protocol: String,
    /// Surname and name, for the lists.
    pub applicant: String,
    pub needs: Needs,
    pub standing: Standing,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refusals: Vec<Refusal>,
    /// The day the requirements were last checked again, for an offer that day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rechecked_on: Option<NaiveDate>,
}

impl Placement {
    /// The place of `application` at `position` (from 1) of call `call`'s new round: waiting.
    pub fn first(call: &str, position: u32, application: &Application) -> Placement {
        let members = application.household.members();
        Placement {
            call: call.to_string(),
            position,
            application: application.id,
            protocol: application
                .protocol
                .as_ref()
                .map_or_else(|| application.id.to_string(), ToString::to_string),
            applicant: application.applicant_name(),
            needs: Needs {
                size: members.len(),
                step_free: members.iter().any(|m| m.motor_disability),
            },
            standing: Standing::InAttesa,
            refusals: Vec::new(),
            rechecked_on: None,
        }
    }

    /// The offer held, open or accepted.
    pub fn offer(&self) -> Option<&Offer> {
        match &self.standing {
            Standing::Proposta { offer }
            | Standing::Diffidato { offer, .. }
            | Standing::Accettato { offer, .. } => Some(offer),
            _ => None,
        }
    }

    /// The dwelling the applicant holds: offered, accepted or assigned.
    pub fn dwelling(&self) -> Option<&DwellingCode> {
        match &self.standing {
            Standing::Assegnato { dwelling, .. } => Some(dwelling),
            _ => self.offer().map(|offer| &offer.dwelling),
        }
    }

    /// The reply or warning deadline passed by `today`.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        match &self.standing {
            Standing::Proposta { offer } => offer.deadline < today,
            Standing::Diffidato { deadline, .. } => *deadline < today,
            _ => false,
        }
    }

    /// Assigned, and the term to occupy passed by `today`: decadenza to decide.
    pub fn occupation_lapsed(&self, today: NaiveDate) -> bool {
        matches!(&self.standing, Standing::Assegnato { occupy_by, .. } if *occupy_by < today)
    }

    /// The applicant as the choice of the next offer sees them.
    pub fn candidate(&self) -> Candidate {
        Candidate {
            application: self.application,
            needs: self.needs,
            status: match self.standing {
                Standing::InAttesa => CandidateStatus::Waiting,
                Standing::Proposta { .. }
                | Standing::Diffidato { .. }
                | Standing::Accettato { .. } => CandidateStatus::Offered,
                Standing::Assegnato { .. } => CandidateStatus::Assigned,
                Standing::Escluso { .. } => CandidateStatus::Excluded,
            },
            refused: self.refusals.iter().map(|r| r.dwelling.clone()).collect(),
        }
    }

    /// The standing in a few Italian words, as of `today`.
    pub fn status_text(&self, today: NaiveDate) -> String {
        match &self.standing {
            Standing::InAttesa => match self.refusals.last() {
                Some(refusal) if refusal.justified => {
                    format!("in attesa (rifiuto giustificato {})", refusal.dwelling)
                }
                _ => "in attesa".into(),
            },
            Standing::Proposta { offer } => {
                let days = (offer.deadline - today).num_days();
                if days < 0 {
                    format!(
                        "proposta {} scaduta il {}",
                        offer.dwelling,
                        format_date(offer.deadline)
                    )
                } else {
                    format!("proposta {} ({days} gg)", offer.dwelling)
                }
            }
            Standing::Diffidato { offer, deadline } => format!(
                "diffidato ({}) entro il {}",
                offer.dwelling,
                format_date(*deadline)
            ),
            Standing::Accettato { offer, .. } => format!("accettato {}", offer.dwelling),
            Standing::Assegnato {
                dwelling,
                occupy_by,
                ..
            } => {
                if *occupy_by < today {
                    format!("assegnato {dwelling}: occupazione scaduta")
                } else {
                    format!("assegnato {dwelling}")
                }
            }
            Standing::Escluso { cause, .. } => format!("escluso: {}", cause.label()),
        }
    }
}
