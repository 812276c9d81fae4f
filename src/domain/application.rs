//! One application and its lifecycle, an explicit state machine.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::contact::Contact;
use super::error::DomainError;
use super::fee::FeeNotice;
use super::household::{Declaration, Household};
use super::time::Timestamp;
use super::verification::{CheckItem, Verification};

pub use super::protocol::Protocol;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ApplicationId(pub u64);

impl fmt::Display for ApplicationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Ricevuta,
    Protocollata,
    InIstruttoria,
    IntegrazioneRichiesta,
    Ammessa,
    Esclusa,
}

impl State {
    pub const ALL: [State; 6] = [
        State::Ricevuta,
        State::Protocollata,
        State::InIstruttoria,
        State::IntegrazioneRichiesta,
        State::Ammessa,
        State::Esclusa,
    ];

    pub fn label(self) -> &'static str {
        match self {
            State::Ricevuta => "ricevuta",
            State::Protocollata => "protocollata",
            State::InIstruttoria => "in istruttoria",
            State::IntegrazioneRichiesta => "integrazione richiesta",
            State::Ammessa => "ammessa",
            State::Esclusa => "esclusa",
        }
    }

    /// Stable one-byte tag, used as the prefix of the state index.
    pub fn tag(self) -> u8 {
        match self {
            State::Ricevuta => 1,
            State::Protocollata => 2,
            State::InIstruttoria => 3,
            State::IntegrazioneRichiesta => 4,
            State::Ammessa => 5,
            State::Esclusa => 6,
        }
    }

    pub fn from_tag(tag: u8) -> Option<State> {
        State::ALL.into_iter().find(|s| s.tag() == tag)
    }

    /// The lifecycle: every transition the procedure allows, and no other.
    pub fn can_become(self, next: State) -> bool {
        use State::*;
        matches!(
            (self, next),
            (Ricevuta, Protocollata)
                | (Protocollata, InIstruttoria)
                | (InIstruttoria, IntegrazioneRichiesta)
                | (IntegrazioneRichiesta, InIstruttoria)
                | (InIstruttoria, Ammessa)
                | (
                    Protocollata | InIstruttoria | IntegrazioneRichiesta,
                    Esclusa
                )
                | (Esclusa | Ammessa, InIstruttoria)
        )
    }

    pub fn transition(self, next: State) -> Result<State, DomainError> {
        if self.can_become(next) {
            Ok(next)
        } else {
            Err(DomainError::IllegalTransition {
                from: self,
                to: next,
            })
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The Comune's online portal (SPID/CIE/CNS).
    Portale,
    /// Typed in at the counter.
    Sportello,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "stato")]
pub enum DocumentStatus {
    Ricevuto { at: Timestamp },
    Mancante,
    Respinto { note: String },
}

/// The notice of the grounds for refusal (L. 241/1990 art. 10-bis): the cause the office
/// means to exclude for, why, and until when the citizen may answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusalNotice {
    pub reason: ExclusionReason,
    pub note: String,
    pub sent_at: Timestamp,
    /// The last day for observations.
    pub deadline: chrono::NaiveDate,
    /// The citizen's observations, once received.
    #[serde(default)]
    pub observations: Option<Observations>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observations {
    pub received_on: chrono::NaiveDate,
    pub text: String,
}

impl RefusalNotice {
    /// The exclusion may be decided: the citizen answered, or the time to answer is over.
    pub fn may_conclude(&self, today: chrono::NaiveDate) -> bool {
        self.observations.is_some() || today > self.deadline
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntegrationRequest {
    pub documents: Vec<String>,
    pub deadline: chrono::NaiveDate,
    pub requested_at: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExclusionReason {
    RequisitoMancante,
    DocumentiMancanti,
    IseeSuperiore,
    FalsaDichiarazione,
    DomandaTardiva,
    Altro,
}

impl ExclusionReason {
    pub const ALL: [ExclusionReason; 6] = [
        ExclusionReason::RequisitoMancante,
        ExclusionReason::DocumentiMancanti,
        ExclusionReason::IseeSuperiore,
        ExclusionReason::FalsaDichiarazione,
        ExclusionReason::DomandaTardiva,
        ExclusionReason::Altro,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ExclusionReason::RequisitoMancante => "requisito di accesso non posseduto",
            ExclusionReason::DocumentiMancanti => "documenti mancanti oltre la scadenza",
            ExclusionReason::IseeSuperiore => "ISEE superiore al limite",
            ExclusionReason::FalsaDichiarazione => "dichiarazione non veritiera",
            ExclusionReason::DomandaTardiva => "domanda fuori termine",
            ExclusionReason::Altro => "altro motivo",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub admitted: bool,
    #[serde(default)]
    pub reason: Option<ExclusionReason>,
    #[serde(default)]
    pub note: String,
    pub at: Timestamp,
    pub by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    pub id: ApplicationId,
    /// Code of the call it belongs to.
    pub call: String,
    /// Identifier given by the online portal; makes imports idempotent.
    #[serde(default)]
    pub external_id: Option<String>,
    pub channel: Channel,
    pub received_at: Timestamp,
    pub state: State,
    #[serde(default)]
    pub protocol: Option<Protocol>,
    #[serde(default)]
    pub registered_at: Option<Timestamp>,
    /// Received outside the submission window.
    #[serde(default)]
    pub late: bool,
    pub household: Household,
    pub contact: Contact,
    pub declaration: Declaration,
    #[serde(default)]
    pub documents: BTreeMap<String, DocumentStatus>,
    #[serde(default)]
    pub integration: Option<IntegrationRequest>,
    #[serde(default)]
    pub decision: Option<Decision>,
    /// The caseworker's finding on each requirement and declared condition.
    #[serde(default)]
    pub verifications: BTreeMap<CheckItem, Verification>,
    /// The secretarial fee's pagoPA notice, once issued.
    #[serde(default)]
    pub fee: Option<FeeNotice>,
    /// Points of a criterion set by hand, each with its reason.
    #[serde(default)]
    pub score_overrides: BTreeMap<String, super::scoring::ScoreOverride>,
    /// Objections to a provisional ranking, in the order received.
    #[serde(default)]
    pub objections: Vec<super::objection::Objection>,
    /// Conditions the household never declared, recognised later by a score adjustment with
    /// its reason (e.g. an accepted objection): the score says so.
    #[serde(default, skip_serializing_if = "std::collections::BTreeSet::is_empty")]
    pub conditions_recognised: std::collections::BTreeSet<super::household::Condition>,
    /// The notice of the grounds for refusal while it is open (art. 10-bis).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal_notice: Option<RefusalNotice>,
}

impl Application {
    pub fn applicant_name(&self) -> String {
        self.household.applicant().full_name()
    }

    pub fn applicant_fiscal_code(&self) -> &str {
        self.household.applicant().fiscal_code.as_str()
    }

    /// What there is to verify: every requirement, then each declared condition.
    pub fn check_items(&self) -> Vec<CheckItem> {
        super::verification::Requirement::ALL
            .into_iter()
            .map(CheckItem::Requisito)
            .chain(
                self.declaration
                    .conditions
                    .iter()
                    .map(|c| CheckItem::Condizione(*c)),
            )
            .collect()
    }

    /// The objection still to decide, with its index.
    pub fn open_objection(&self) -> Option<(usize, &super::objection::Objection)> {
        self.objections
            .iter()
            .enumerate()
            .find(|(_, o)| o.is_open())
    }

    /// Days until the pending integration request's deadline (negative once past).
    pub fn integration_days_left(&self, now: Timestamp) -> Option<i64> {
        self.integration
            .as_ref()
            .map(|r| super::time::days_until(r.deadline, now))
    }

    /// Documents the checklist needs that are not received.
    pub fn missing_documents(&self, call: &super::call::Call) -> Vec<String> {
        call.checklist(self)
            .into_iter()
            .filter(|(_, need)| *need != super::call::Need::Optional)
            .filter(|(doc, _)| {
                !matches!(
                    self.documents.get(&doc.code),
                    Some(DocumentStatus::Ricevuto { .. })
                )
            })
            .map(|(doc, _)| doc.code.clone())
            .collect()
    }
}
