//! Events: the facts commands cause, and the audit's stored vocabulary (`tipo`). Every variant
//! belongs to one workflow (`EventKind::workflow`), which names, summarises and applies it;
//! this module only routes. The variants stay declared here, grouped by workflow: their serde
//! names are the stored format of every audit log.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::application::{
    Application, ApplicationId, DocumentStatus, ExclusionReason, IntegrationRequest, Protocol,
};
use super::appointment::{Appointment, AppointmentId, Slot};
use super::call::Call;
use super::contact::Contact;
use super::fee::FeeNotice;
use super::fiscal_code::PersonFiscalCode;
use super::household::Member;
use super::lease::{Lease, RentChange, TenantIsee};
use super::objection::Adjustment;
use super::ranking::RankingKind;
use super::rent::{
    GpdOutcome, InnocentArrears, Month, PaymentChannel, RentNotice, RentRules, RepaymentPlan,
};
use super::ruleset::Ruleset;
use super::stock::{Dwelling, DwellingCode, DwellingState, ExclusionCause, Offer, Round};
use super::time::Timestamp;
use super::verification::CheckItem;
use super::workflows::Workflow;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "tipo")]
pub enum EventKind {
    // ---- calls ----
    CallSaved {
        call: Box<Call>,
    },
    CallActivated {
        code: String,
    },
    CallPublished {
        code: String,
    },
    InterestedAdded {
        call: String,
        fiscal_codes: Vec<String>,
    },
    InterestedRemoved {
        call: String,
        fiscal_code: String,
    },

    // ---- agenda ----
    AppointmentBooked {
        appointment: Box<Appointment>,
    },
    AppointmentRescheduled {
        id: AppointmentId,
        slot: Slot,
        #[serde(default)]
        application: Option<ApplicationId>,
    },
    AppointmentCancelled {
        id: AppointmentId,
        #[serde(default)]
        application: Option<ApplicationId>,
    },

    // ---- intake ----
    ApplicationReceived {
        application: Box<Application>,
    },
    ApplicationRegistered {
        id: ApplicationId,
        protocol: Protocol,
        #[serde(default)]
        late_override: bool,
    },

    // ---- review ----
    ReviewStarted {
        id: ApplicationId,
    },
    IntegrationRequested {
        id: ApplicationId,
        request: IntegrationRequest,
    },
    IntegrationReceived {
        id: ApplicationId,
        documents: Vec<String>,
    },
    DocumentRecorded {
        id: ApplicationId,
        code: String,
        status: DocumentStatus,
    },
    Admitted {
        id: ApplicationId,
        /// The access requirements not verified at admission, admitted by waiver.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        unverified: Vec<String>,
        /// The responsabile's reason for the waiver.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        waiver: Option<String>,
    },
    Excluded {
        id: ApplicationId,
        reason: ExclusionReason,
    },
    Reinstated {
        id: ApplicationId,
    },
    /// The admission taken back to the review; the reason is the event's.
    AdmissionRevoked {
        id: ApplicationId,
    },
    /// The notice of the grounds for refusal sent (art. 10-bis); its note is the event's reason.
    RefusalNoticeSent {
        id: ApplicationId,
        reason: ExclusionReason,
        deadline: chrono::NaiveDate,
    },
    ObservationsReceived {
        id: ApplicationId,
        received_on: chrono::NaiveDate,
        text: String,
    },
    /// The exclusion decided after the notice, for its cause; the note is the event's reason.
    ExclusionConfirmed {
        id: ApplicationId,
        reason: ExclusionReason,
    },
    /// The notice taken back; the reason is the event's.
    RefusalNoticeWithdrawn {
        id: ApplicationId,
    },
    ContactUpdated {
        id: ApplicationId,
        contact: Contact,
    },
    MemberAdded {
        id: ApplicationId,
        member: Box<Member>,
    },
    MemberRemoved {
        id: ApplicationId,
        fiscal_code: PersonFiscalCode,
    },
    ItemVerified {
        id: ApplicationId,
        item: CheckItem,
        verified: bool,
    },

    // ---- fees ----
    FeeIssued {
        id: ApplicationId,
        fee: Box<FeeNotice>,
    },
    FeePaid {
        id: ApplicationId,
        paid_on: NaiveDate,
    },
    FeeReminded {
        id: ApplicationId,
    },

    // ---- messages ----
    /// An IO message entered the outbox (`outbox` is its number there).
    MessageQueued {
        outbox: u64,
        template: String,
        title: String,
        fiscal_code: String,
        #[serde(default)]
        application: Option<ApplicationId>,
    },
    /// IO accepted it (`io_id`), or a caseworker recorded it as sent (`io_id` None, with a reason).
    MessageSent {
        outbox: u64,
        #[serde(default)]
        io_id: Option<String>,
        #[serde(default)]
        application: Option<ApplicationId>,
    },
    MessageRejected {
        outbox: u64,
        status: u16,
        detail: String,
        #[serde(default)]
        application: Option<ApplicationId>,
    },
    MessageUnreachable {
        outbox: u64,
        detail: String,
        #[serde(default)]
        application: Option<ApplicationId>,
    },
    MessageUncertain {
        outbox: u64,
        detail: String,
        #[serde(default)]
        application: Option<ApplicationId>,
    },
    /// A caseworker put it back in the queue, with a reason.
    MessageRequeued {
        outbox: u64,
        #[serde(default)]
        application: Option<ApplicationId>,
    },
    /// A queued message taken back before it was sent; the reason says why.
    MessageWithdrawn {
        outbox: u64,
        #[serde(default)]
        application: Option<ApplicationId>,
    },
    /// Queued messages written into an offline bundle.
    MessagesExported {
        bundle: String,
        outbox: Vec<u64>,
    },

    // ---- ranking ----
    RulesetSaved {
        call: String,
        ruleset: Box<Ruleset>,
    },
    ScoreAdjusted {
        id: ApplicationId,
        adjustment: Adjustment,
    },
    /// The objection's text is the event's reason.
    ObjectionFiled {
        id: ApplicationId,
        version: u32,
        received_on: NaiveDate,
    },
    ObjectionDecided {
        id: ApplicationId,
        index: usize,
        accepted: bool,
    },
    /// A ranking version written: its rows are stored beside it, `digest` is their SHA-256.
    RankingPublished {
        call: String,
        number: u32,
        kind: RankingKind,
        admitted: u32,
        excluded: u32,
        digest: String,
    },
    /// A draw by lot for the groups the tie-break chain left equal: seed and result.
    LotsDrawn {
        call: String,
        number: u32,
        seed: u64,
        groups: Vec<Vec<ApplicationId>>,
    },

    // ---- stock ----
    DwellingAdded {
        dwelling: Box<Dwelling>,
    },
    DwellingChanged {
        dwelling: Box<Dwelling>,
    },
    /// The reason is the event's.
    DwellingStateChanged {
        code: DwellingCode,
        from: DwellingState,
        to: DwellingState,
    },

    // ---- assignment ----
    /// `placed`: the ranking's admitted applicants in its order, each placed in the round at
    /// their position (from 1).
    AssignmentOpened {
        round: Box<Round>,
        placed: Vec<ApplicationId>,
    },
    RequirementsConfirmed {
        id: ApplicationId,
    },
    /// An out-of-order offer's reason is the offer's.
    OfferMade {
        id: ApplicationId,
        offer: Offer,
    },
    OfferAccepted {
        id: ApplicationId,
        dwelling: DwellingCode,
    },
    /// The reason is the event's.
    OfferRefused {
        id: ApplicationId,
        dwelling: DwellingCode,
        justified: bool,
    },
    CandidateWarned {
        id: ApplicationId,
        deadline: NaiveDate,
    },
    /// The reason is the event's; `freed` the dwelling the applicant held.
    CandidateExcluded {
        id: ApplicationId,
        cause: ExclusionCause,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        freed: Option<DwellingCode>,
    },
    AssignmentDecreed {
        id: ApplicationId,
        dwelling: DwellingCode,
        decree_on: NaiveDate,
        occupy_by: NaiveDate,
    },

    // ---- lease ----
    ContractReadied {
        id: ApplicationId,
        dwelling: DwellingCode,
        on: NaiveDate,
    },
    /// The appointment is an agenda booking, written with the agenda's others.
    SigningBooked {
        id: ApplicationId,
        dwelling: DwellingCode,
        appointment: Box<Appointment>,
    },
    LeaseSigned {
        id: ApplicationId,
        lease: Box<Lease>,
    },
    TenantIseeRecorded {
        id: ApplicationId,
        isee: TenantIsee,
    },
    RentChanged {
        id: ApplicationId,
        change: Box<RentChange>,
    },

    // ---- rent ----
    RentRulesSaved {
        rules: Box<RentRules>,
    },
    RentIssued {
        id: ApplicationId,
        notice: Box<RentNotice>,
    },
    RentGpdRecorded {
        id: ApplicationId,
        month: Month,
        outcome: GpdOutcome,
    },
    RentPaid {
        id: ApplicationId,
        month: Month,
        paid_on: NaiveDate,
        channel: PaymentChannel,
    },
    RentReminded {
        id: ApplicationId,
        month: Month,
    },
    RentOverdueTold {
        id: ApplicationId,
        month: Month,
    },
    ArrearsFlagged {
        id: ApplicationId,
        months: u32,
    },
    InnocentArrearsRecorded {
        id: ApplicationId,
        innocent: InnocentArrears,
    },
    RepaymentPlanAgreed {
        id: ApplicationId,
        plan: RepaymentPlan,
        /// The notices folded into the plan, cancelled on pagoPA.
        rescheduled: Vec<Month>,
    },
}

impl EventKind {
    /// The workflow the event belongs to: the one place that says so.
    pub fn workflow(&self) -> Workflow {
        use EventKind::*;
        match self {
            CallSaved { .. }
            | CallActivated { .. }
            | CallPublished { .. }
            | InterestedAdded { .. }
            | InterestedRemoved { .. } => Workflow::Calls,
            AppointmentBooked { .. }
            | AppointmentRescheduled { .. }
            | AppointmentCancelled { .. } => Workflow::Agenda,
            ApplicationReceived { .. } | ApplicationRegistered { .. } => Workflow::Intake,
            ReviewStarted { .. }
            | IntegrationRequested { .. }
            | IntegrationReceived { .. }
            | DocumentRecorded { .. }
            | Admitted { .. }
            | Excluded { .. }
            | Reinstated { .. }
            | AdmissionRevoked { .. }
            | RefusalNoticeSent { .. }
            | ObservationsReceived { .. }
            | ExclusionConfirmed { .. }
            | RefusalNoticeWithdrawn { .. }
            | ContactUpdated { .. }
            | MemberAdded { .. }
            | MemberRemoved { .. }
            | ItemVerified { .. } => Workflow::Review,
            FeeIssued { .. } | FeePaid { .. } | FeeReminded { .. } => Workflow::Fees,
            MessageQueued { .. }
            | MessageSent { .. }
            | MessageRejected { .. }
            | MessageUnreachable { .. }
            | MessageUncertain { .. }
            | MessageRequeued { .. }
            | MessageWithdrawn { .. }
            | MessagesExported { .. } => Workflow::Messages,
            RulesetSaved { .. }
            | ScoreAdjusted { .. }
            | ObjectionFiled { .. }
            | ObjectionDecided { .. }
            | RankingPublished { .. }
            | LotsDrawn { .. } => Workflow::Ranking,
            DwellingAdded { .. } | DwellingChanged { .. } | DwellingStateChanged { .. } => {
                Workflow::Stock
            }
            AssignmentOpened { .. }
            | RequirementsConfirmed { .. }
            | OfferMade { .. }
            | OfferAccepted { .. }
            | OfferRefused { .. }
            | CandidateWarned { .. }
            | CandidateExcluded { .. }
            | AssignmentDecreed { .. } => Workflow::Assignment,
            ContractReadied { .. }
            | SigningBooked { .. }
            | LeaseSigned { .. }
            | TenantIseeRecorded { .. }
            | RentChanged { .. } => Workflow::Lease,
            RentRulesSaved { .. }
            | RentIssued { .. }
            | RentGpdRecorded { .. }
            | RentPaid { .. }
            | RentReminded { .. }
            | RentOverdueTold { .. }
            | ArrearsFlagged { .. }
            | InnocentArrearsRecorded { .. }
            | RepaymentPlanAgreed { .. } => Workflow::Rent,
        }
    }
}

/// Every value `Event::kind_name` can return, in the order of the lifecycle, for filters: each
/// workflow's names, the workflows in `Workflow::ALL` order.
pub const EVENT_KIND_NAMES: [&str; kind_count()] = kind_names();

const fn kind_count() -> usize {
    let mut count = 0;
    let mut i = 0;
    while i < Workflow::ALL.len() {
        count += Workflow::ALL[i].event_names().len();
        i += 1;
    }
    count
}

const fn kind_names() -> [&'static str; kind_count()] {
    let mut names = [""; kind_count()];
    let mut next = 0;
    let mut i = 0;
    while i < Workflow::ALL.len() {
        let part = Workflow::ALL[i].event_names();
        let mut j = 0;
        while j < part.len() {
            names[next] = part[j];
            next += 1;
            j += 1;
        }
        i += 1;
    }
    names
}

/// A fact: what happened, who did it, when and why. The audit log is a chain of these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// The system user who acted.
    pub actor: String,
    /// The name given for a shared account, «per conto di» whom the user acted. Absent from
    /// entries written before it existed and from those by a user acting in person, so their
    /// stored bytes (and hashes) are as they always were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_behalf_of: Option<String>,
    pub at: Timestamp,
    #[serde(default)]
    pub reason: Option<String>,
    pub kind: EventKind,
}

impl Event {
    /// Who acted, as the audit log shows it: «rossi» or «ufficio per conto di Mario Rossi».
    pub fn who(&self) -> String {
        match &self.on_behalf_of {
            Some(name) => format!("{} per conto di {name}", self.actor),
            None => self.actor.clone(),
        }
    }

    pub fn application_id(&self) -> Option<ApplicationId> {
        self.kind.workflow().rules().application_id(&self.kind)
    }

    /// Stable machine name of the kind, for filters.
    pub fn kind_name(&self) -> &'static str {
        // Every workflow names each of its events; a test walks them all.
        self.kind
            .workflow()
            .rules()
            .kind_name(&self.kind)
            .unwrap_or("evento")
    }

    /// One Italian line for the audit log and the case timeline.
    pub fn summary(&self) -> String {
        let text = self
            .kind
            .workflow()
            .rules()
            .summary(&self.kind)
            .unwrap_or_default();
        match &self.reason {
            Some(reason) if !reason.is_empty() => format!("{text} — {reason}"),
            _ => text,
        }
    }
}
