//! Commands a caseworker issues: the root of the vocabulary. Every variant belongs to one
//! workflow (`Command::workflow`), which says what the command needs loaded and decides it;
//! `decide` here only routes. The variants stay declared here, grouped by workflow, because
//! the console, the command line, the demo and the tests build them by name.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::application::{ApplicationId, DocumentStatus, ExclusionReason};
use super::appointment::{AppointmentId, Slot};
use super::call::Call;
use super::contact::Contact;
use super::error::DomainError;
use super::fiscal_code::PersonFiscalCode;
use super::household::Member;
use super::lease::RentFigures;
use super::money::Money;
use super::notice::NoticeNumber;
use super::objection::Adjustment;
use super::rent::{GpdOutcome, InnocentCause, Month, PaymentChannel, RentRules};
use super::ruleset::Ruleset;
use super::stock::{Dwelling, DwellingCode, DwellingState, ExclusionCause};
use super::time::Timestamp;
use super::verification::{CheckItem, Finding};
use super::workflows::{Given, Workflow};

pub use super::event::{EVENT_KIND_NAMES, Event, EventKind};
pub use super::snapshot::{Snapshot, evolve};
pub use super::workflows::agenda::NewAppointment;
pub use super::workflows::intake::NewApplication;
pub use super::workflows::lease::NewLease;

/// Who acts and when; the clock is read by the caller, never here. `actor` is the system
/// user; `on_behalf_of` the name a shared account gave (`--operatore`), recorded beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Context {
    pub actor: String,
    #[serde(default)]
    pub on_behalf_of: Option<String>,
    pub now: Timestamp,
}

impl Context {
    /// `actor` acting in person at `now`.
    pub fn new(actor: impl Into<String>, now: Timestamp) -> Context {
        Context {
            actor: actor.into(),
            on_behalf_of: None,
            now,
        }
    }
}

/// Plain data, so that a command can cross a thread or a socket inside an office request; the
/// audit log records events, never commands, so this encoding is stored nowhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Command {
    // ---- calls: the call, its publication, its interested citizens ----
    SaveCall(Box<Call>),
    ActivateCall {
        code: String,
    },
    /// Publishes the call; its interested citizens are told in the same transaction.
    PublishCall {
        code: String,
    },
    AddInterested {
        call: String,
        fiscal_codes: Vec<PersonFiscalCode>,
    },
    RemoveInterested {
        call: String,
        fiscal_code: PersonFiscalCode,
    },

    // ---- agenda: counter appointments ----
    BookAppointment(Box<NewAppointment>),
    RescheduleAppointment {
        id: AppointmentId,
        slot: Slot,
    },
    CancelAppointment {
        id: AppointmentId,
        reason: String,
    },

    // ---- intake: applications received and registered ----
    ReceiveApplication(Box<NewApplication>),
    RegisterApplication {
        id: ApplicationId,
        /// Required when the application arrived outside the window.
        override_reason: Option<String>,
    },

    // ---- review: from the start of the review to admission or exclusion ----
    StartReview {
        id: ApplicationId,
    },
    RequestIntegration {
        id: ApplicationId,
        documents: Vec<String>,
        /// Defaults to today plus the call's integration days.
        deadline: Option<NaiveDate>,
    },
    /// The integration arrived: `documents` are those received (each one requested); None,
    /// every document requested.
    ReceiveIntegration {
        id: ApplicationId,
        documents: Option<Vec<String>>,
    },
    RecordDocument {
        id: ApplicationId,
        code: String,
        status: DocumentStatus,
    },
    Admit {
        id: ApplicationId,
        note: String,
        /// Why the application is admitted with access requirements not verified: the
        /// responsabile's waiver, recorded with the requirements it covers. Without it such an
        /// admission is refused.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        waiver: Option<String>,
    },
    Exclude {
        id: ApplicationId,
        reason: ExclusionReason,
        note: String,
    },
    Reinstate {
        id: ApplicationId,
        reason: String,
    },
    /// Tells the citizen the grounds the office means to exclude for (art. 10-bis): the cause
    /// and a note; the call's days for observations run from today.
    NotifyRefusalGrounds {
        id: ApplicationId,
        reason: ExclusionReason,
        note: String,
    },
    /// The citizen's observations on the notice, received on a day.
    RecordObservations {
        id: ApplicationId,
        received_on: chrono::NaiveDate,
        text: String,
    },
    /// Excludes for the notice's cause, once observations came or their time is over; the
    /// note says why the observations do not change it.
    ConfirmExclusion {
        id: ApplicationId,
        note: String,
    },
    /// The notice taken back, with a reason: the review goes on.
    WithdrawRefusalNotice {
        id: ApplicationId,
        reason: String,
    },
    /// Takes an admission back to the review, with a reason, while the call's ranking is not
    /// yet definitive.
    RevokeAdmission {
        id: ApplicationId,
        reason: String,
    },
    UpdateContact {
        id: ApplicationId,
        contact: Contact,
    },
    AddMember {
        id: ApplicationId,
        member: Box<Member>,
    },
    RemoveMember {
        id: ApplicationId,
        fiscal_code: PersonFiscalCode,
        reason: String,
    },
    /// Marks a requirement or a declared condition verified, or not (then with a note).
    Verify {
        id: ApplicationId,
        item: CheckItem,
        verified: bool,
        note: String,
    },
    /// Several findings on one application at once, committed together or not at all.
    VerifyItems {
        id: ApplicationId,
        findings: Vec<Finding>,
    },

    // ---- fees: secretarial-fee notices ----
    IssueFee {
        id: ApplicationId,
        notice: NoticeNumber,
        /// The call's secretarial fee when absent.
        amount: Option<Money>,
        due: NaiveDate,
    },
    RecordPayment {
        id: ApplicationId,
        paid_on: NaiveDate,
    },
    RemindFee {
        id: ApplicationId,
    },

    // ---- ranking: point tables, adjustments, objections ----
    /// Sets the point table of a call.
    SaveRuleset {
        call: String,
        ruleset: Box<Ruleset>,
    },
    /// Changes what an admitted application scores; the reason is required.
    AdjustScore {
        id: ApplicationId,
        adjustment: Adjustment,
        reason: String,
    },
    /// An objection to the provisional ranking, received on `received_on`.
    FileObjection {
        id: ApplicationId,
        received_on: NaiveDate,
        text: String,
    },
    DecideObjection {
        id: ApplicationId,
        /// Position in the application's objections.
        index: usize,
        accepted: bool,
        reason: String,
    },

    // ---- stock: the housing stock ----
    /// Adds dwellings and changes them, matched by code, all or none: an import of the
    /// agency's register or the console's form. A dwelling given as stored changes nothing.
    SaveDwellings {
        dwellings: Vec<Dwelling>,
    },
    /// A dwelling's state changed by hand (works, not assignable, free again), with a reason.
    ChangeDwellingState {
        code: DwellingCode,
        state: DwellingState,
        reason: String,
    },

    // ---- assignment: the round on the definitive ranking ----
    /// Opens the call's assignment round on its definitive ranking; every applicant in it is
    /// told in the same transaction.
    OpenAssignment {
        call: String,
        opens_on: NaiveDate,
        closes_on: NaiveDate,
    },
    /// The requirements checked again today against the limits in force (ISEE, household,
    /// residence), all found to hold: an offer may follow today.
    ConfirmRequirements {
        id: ApplicationId,
    },
    MakeOffer {
        id: ApplicationId,
        dwelling: DwellingCode,
        /// Today plus the call's reply days when absent.
        deadline: Option<NaiveDate>,
        /// Why the offer passes over applicants ahead who could have had it.
        out_of_order: Option<String>,
    },
    ReplyToOffer {
        id: ApplicationId,
        reply: OfferReply,
        /// Required for a refusal.
        reason: String,
    },
    /// The formal warning (diffida) after a reply deadline passed.
    WarnCandidate {
        id: ApplicationId,
        /// Today plus the call's warning days when absent.
        deadline: Option<NaiveDate>,
    },
    ExcludeCandidate {
        id: ApplicationId,
        cause: ExclusionCause,
        reason: String,
    },
    DecreeAssignment {
        id: ApplicationId,
        decree_on: NaiveDate,
    },

    // ---- lease: from the contract ready to its signature ----
    /// The contract is ready for the assignee's signature.
    ContractReady {
        id: ApplicationId,
    },
    /// An appointment on the agenda for the assignee to sign the contract.
    BookSigning {
        id: ApplicationId,
        slot: Slot,
    },
    SignLease {
        id: ApplicationId,
        lease: Box<NewLease>,
    },
    /// The ISEE the tenant supplied for the yearly update of the rent, on file until it
    /// expires.
    RecordTenantIsee {
        id: ApplicationId,
        isee: Money,
        valid_until: NaiveDate,
    },
    /// A new rent from `on`, as the rules in force then give it; the lease keeps the history.
    ChangeRent {
        id: ApplicationId,
        on: NaiveDate,
        rent: RentFigures,
        reason: String,
    },

    // ---- rent: rules, monthly notices, payments, arrears ----
    /// Loads a rent ruleset; a version already loaded is refused unless identical.
    SaveRentRules {
        rules: Box<RentRules>,
    },
    /// The month's notice of one tenancy: its number from the Comune's segregation code and
    /// the counter, and the rent with any instalment of a repayment plan.
    IssueRent {
        id: ApplicationId,
        month: Month,
        lease: String,
        rent: Money,
        due: NaiveDate,
        segregation: u8,
        /// What the notice pays, before the month: «canone di locazione dell'alloggio X».
        description: String,
    },
    /// What pagoPA's debt-position service answered for a notice.
    RecordGpdOutcome {
        id: ApplicationId,
        month: Month,
        outcome: GpdOutcome,
    },
    RecordRentPayment {
        id: ApplicationId,
        month: Month,
        paid_on: NaiveDate,
        channel: PaymentChannel,
    },
    RemindRent {
        id: ApplicationId,
        month: Month,
    },
    TellRentOverdue {
        id: ApplicationId,
        month: Month,
    },
    /// Arrears reached the threshold: the tenancy is flagged for the decadenza procedure.
    FlagArrears {
        id: ApplicationId,
        months: u32,
    },
    RecordInnocentArrears {
        id: ApplicationId,
        cause: InnocentCause,
        evidence: String,
    },
    /// The arrears past due today, spread over `instalments` notices from `from`.
    AgreeRepaymentPlan {
        id: ApplicationId,
        instalments: u8,
        from: Month,
    },
}

/// An applicant's reply to an offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OfferReply {
    Accept,
    /// For a serious documented reason: the position is kept.
    RefuseJustified,
    /// Exclusion from the ranking.
    RefuseUnjustified,
}

/// The rent notices of a tenancy a command acts on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RentNoticeKeys {
    #[default]
    None,
    One(Month),
    /// Every notice of the tenancy.
    All,
}

/// The dwellings a command acts on, which the store loads by code.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DwellingKeys<'a> {
    #[default]
    None,
    One(&'a DwellingCode),
    /// The dwellings a save carries, to compare with those stored.
    Of(&'a [Dwelling]),
}

impl<'a> DwellingKeys<'a> {
    pub fn codes(self) -> Vec<&'a DwellingCode> {
        match self {
            DwellingKeys::None => Vec::new(),
            DwellingKeys::One(code) => vec![code],
            DwellingKeys::Of(dwellings) => dwellings.iter().map(|d| &d.code).collect(),
        }
    }
}

/// What the store loads into the snapshot before a command is decided, as the command's
/// workflow declares it. The call the command concerns (named by it, else the application's,
/// else the active one) and the counters are always loaded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Needs<'a> {
    /// The application the command acts on.
    pub application: Option<ApplicationId>,
    /// The call the command names directly.
    pub call: Option<&'a str>,
    /// The appointment the command acts on.
    pub appointment: Option<AppointmentId>,
    /// The instant and place the command books, to look for a clash.
    pub slot: Option<&'a Slot>,
    /// The portal identifier of an arriving application, to look for a duplicate.
    pub external_id: Option<&'a str>,
    /// The call's list of interested citizens.
    pub interested: bool,
    /// The call's point table.
    pub ruleset: bool,
    /// The call's latest published ranking.
    pub ranking: bool,
    /// The dwellings the command acts on.
    pub dwellings: DwellingKeys<'a>,
    /// The application's place in its call's assignment round, with the round.
    pub placement: bool,
    /// The assignment round of the call the command names.
    pub round: bool,
    /// The application's contract file: the lease on its way, or signed.
    pub contract: bool,
    /// The application's rent notices.
    pub rent_notices: RentNoticeKeys,
    /// The application's record of arrears.
    pub tenancy: bool,
    /// The rent ruleset of that version, when loaded.
    pub rent_rules: Option<&'a str>,
    /// The counter of notice numbers.
    pub rent_counter: bool,
    /// The command decides nothing on a call: the store skips loading one (a month's rent
    /// notices are thousands of commands in a few transactions).
    pub without_call: bool,
}

impl Command {
    /// The workflow the command belongs to: the one place that says so.
    pub fn workflow(&self) -> Workflow {
        use Command::*;
        match self {
            SaveCall(_)
            | ActivateCall { .. }
            | PublishCall { .. }
            | AddInterested { .. }
            | RemoveInterested { .. } => Workflow::Calls,
            BookAppointment(_) | RescheduleAppointment { .. } | CancelAppointment { .. } => {
                Workflow::Agenda
            }
            ReceiveApplication(_) | RegisterApplication { .. } => Workflow::Intake,
            StartReview { .. }
            | RequestIntegration { .. }
            | ReceiveIntegration { .. }
            | RecordDocument { .. }
            | Admit { .. }
            | Exclude { .. }
            | Reinstate { .. }
            | NotifyRefusalGrounds { .. }
            | RecordObservations { .. }
            | ConfirmExclusion { .. }
            | WithdrawRefusalNotice { .. }
            | RevokeAdmission { .. }
            | UpdateContact { .. }
            | AddMember { .. }
            | RemoveMember { .. }
            | Verify { .. }
            | VerifyItems { .. } => Workflow::Review,
            IssueFee { .. } | RecordPayment { .. } | RemindFee { .. } => Workflow::Fees,
            SaveRuleset { .. }
            | AdjustScore { .. }
            | FileObjection { .. }
            | DecideObjection { .. } => Workflow::Ranking,
            SaveDwellings { .. } | ChangeDwellingState { .. } => Workflow::Stock,
            OpenAssignment { .. }
            | ConfirmRequirements { .. }
            | MakeOffer { .. }
            | ReplyToOffer { .. }
            | WarnCandidate { .. }
            | ExcludeCandidate { .. }
            | DecreeAssignment { .. } => Workflow::Assignment,
            ContractReady { .. }
            | BookSigning { .. }
            | SignLease { .. }
            | RecordTenantIsee { .. }
            | ChangeRent { .. } => Workflow::Lease,
            SaveRentRules { .. }
            | IssueRent { .. }
            | RecordGpdOutcome { .. }
            | RecordRentPayment { .. }
            | RemindRent { .. }
            | TellRentOverdue { .. }
            | FlagArrears { .. }
            | RecordInnocentArrears { .. }
            | AgreeRepaymentPlan { .. } => Workflow::Rent,
        }
    }

    /// What the store must load for the command.
    pub fn needs(&self) -> Needs<'_> {
        self.workflow().rules().needs(self)
    }

    /// The application the command acts on, which the store loads into the snapshot.
    pub fn application_id(&self) -> Option<ApplicationId> {
        self.needs().application
    }

    /// The call the command names directly (other commands use the application's or the active call).
    pub fn call_code(&self) -> Option<&str> {
        self.needs().call
    }

    /// The month of the rent notice the command acts on.
    pub fn rent_month(&self) -> Option<Month> {
        match self.needs().rent_notices {
            RentNoticeKeys::One(month) => Some(month),
            _ => None,
        }
    }

    /// The appointment the command acts on, which the store loads into the snapshot.
    pub fn appointment_id(&self) -> Option<AppointmentId> {
        self.needs().appointment
    }

    /// The instant and place the command books, for the store to look for a clash.
    pub fn slot(&self) -> Option<&Slot> {
        self.needs().slot
    }
}

/// Checks `command` against `snapshot`; returns the events it causes or why it is refused.
pub fn decide(
    snapshot: &Snapshot,
    command: &Command,
    ctx: &Context,
) -> Result<Vec<Event>, DomainError> {
    if ctx.actor.trim().is_empty() {
        return Err(DomainError::invalid("operatore", "mancante"));
    }
    let plain = serde_json::to_value(command)
        .map_err(|e| DomainError::invalid("comando", e.to_string()))?;
    super::limits::check_all(&plain)?;
    let given = Given {
        snapshot,
        command,
        ctx,
    };
    command.workflow().rules().decide(&given)
}
