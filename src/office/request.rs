//! Every request the office serves as one value, and its reply as another: what the console
//! hands to its background work (a request leaves as an effect, its reply comes back as a
//! message) and what a server will read from a socket. `Office::handle` answers each with the
//! office's method of the same name.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::access_log::Channel;
use super::lease::ContractRow;
use super::reads::{Case, CaseVersion, RankingData, Row, Summary};
use super::recompute::RecomputePreview;
use super::rent::{
    ArrearsRow, LeaseAccount, RentBatch, RentBatchDone, RentBatchKind, RentMonthView, TenantAccount,
};
use super::{
    AgendaDay, Batch, BatchProgress, BundleExported, CallsOverview, InterestedAdded,
    InterestedPreview, InterestedTold, LeaseSigning, NextOffer, Office, OfficeError,
    OpeningPreview, OutboxView, PlacementView, PublicationPreview, RankingExport, RankingPublished,
    RoundOpened, RoundView, SigningPreview, Step, StepDone, StepPreview, StepsReport,
};
use crate::domain::fiscal_code::PersonFiscalCode;
use crate::domain::interested::Interested;
use crate::domain::lease::{ContractFile, Lease};
use crate::domain::notice::NoticeNumber;
use crate::domain::publication::RankingHeader;
use crate::domain::ranking::{Entry, RankRow, RankingKind};
use crate::domain::rent::{Month, RentNotice};
use crate::domain::roles::refusal;
use crate::domain::stock::{Dwelling, DwellingCode, DwellingFilter};
use crate::domain::time::Timestamp;
use crate::domain::{Application, ApplicationId, Call, Command, Context, Event};
use crate::messages::outbox::{OutboxEntry, OutboxId, OutboxTab};
use crate::store::AuditFilter;

/// A caseworker's request. Reads need no context; writes are dated and signed by the context
/// `Office::handle` is given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Request {
    // ---- reads ----
    Summary {
        day: NaiveDate,
    },
    /// Every inbox row; reports `Progress::Rows`.
    Rows,
    Row {
        id: ApplicationId,
    },
    /// The rows of several applications just changed.
    RowsOf {
        ids: Vec<ApplicationId>,
    },
    Case {
        id: ApplicationId,
    },
    RankingData,
    RankingVersion {
        call: String,
        number: u32,
    },
    RankingEntries {
        call: String,
    },
    /// A published version with its call's title, to be written to a file.
    RankingExport {
        call: String,
        number: u32,
    },
    AuditPage {
        before: Option<u64>,
        limit: usize,
        filter: AuditFilter,
    },
    ApplicationByProtocol {
        protocol: String,
    },
    CallsOverview,
    Call {
        code: String,
    },
    Interested {
        call: String,
    },
    AgendaDay {
        day: NaiveDate,
    },
    OutboxView {
        tab: OutboxTab,
        limit: usize,
    },
    IoProfileAllowed {
        fiscal_code: String,
    },
    /// The dwellings a filter keeps on a day.
    Dwellings {
        filter: DwellingFilter,
        day: NaiveDate,
    },
    Dwelling {
        code: DwellingCode,
    },
    /// A call's assignment round: the named call's, or the only one open.
    RoundView {
        call: Option<String>,
    },
    NextOffer {
        call: Option<String>,
        dwelling: DwellingCode,
    },
    PlacementView {
        id: ApplicationId,
    },
    /// An assignee's contract file: ready, booked for the signature, signed.
    ContractFile {
        id: ApplicationId,
    },
    /// Every signed lease.
    Leases,
    /// Every assignee by decree with their contract's state.
    Contracts,
    /// A month of rent as it stands on `day`, the reminder reaching `within` days ahead.
    RentMonth {
        month: Month,
        day: NaiveDate,
        within: u32,
    },
    /// Every tenancy in arrears on `day`, the longest first.
    Arrears {
        day: NaiveDate,
    },
    /// A tenant's notices, payments and balance on `day`.
    TenantAccount {
        id: ApplicationId,
        day: NaiveDate,
    },
    /// Application `id`'s signed lease with its account on `day`.
    LeaseAccount {
        id: ApplicationId,
        day: NaiveDate,
    },
    /// How many notices a rent batch would touch on `day`.
    RentBatchCount {
        kind: RentBatchKind,
        day: NaiveDate,
    },
    /// Every signed lease's rent before and after the yearly update from `from`.
    RecomputePreview {
        from: NaiveDate,
    },
    // ---- previews: nothing is written ----
    PreviewStep(Step),
    PreviewInterested {
        call: String,
        publish: bool,
        template: String,
    },
    PreviewPublication {
        call: String,
        kind: RankingKind,
    },
    PreviewOpening {
        call: Option<String>,
        opens_on: NaiveDate,
        closes_on: NaiveDate,
    },
    // ---- writes ----
    Execute(Command),
    /// A command from a form opened on the application at version `seen`: refused when the
    /// application changed since. Answered as `Execute`.
    ExecuteSeen {
        command: Command,
        seen: CaseVersion,
    },
    Step(Step),
    /// A step whose form was opened on the application at version `seen`, its message
    /// previewed: refused when the application changed since. Answered as `Step`.
    StepSeen {
        step: Step,
        seen: CaseVersion,
    },
    RunSteps(Vec<Command>),
    /// Reports `Progress::Batch`; stops between chunks when asked.
    Batch(Batch),
    TellInterested {
        call: String,
        publish: bool,
        template: String,
    },
    AddInterested {
        call: String,
        fiscal_codes: Vec<PersonFiscalCode>,
    },
    PublishRanking {
        call: String,
        kind: RankingKind,
        seed: u64,
    },
    Requeue {
        id: OutboxId,
        reason: String,
    },
    Withdraw {
        id: OutboxId,
        reason: String,
    },
    MarkSent {
        id: OutboxId,
        reason: String,
        io_id: Option<String>,
    },
    OpenAssignment {
        call: Option<String>,
        opens_on: NaiveDate,
        closes_on: NaiveDate,
    },
    /// An offer, with the requirements confirmed again today when `confirmed`.
    MakeOffer {
        id: ApplicationId,
        dwelling: DwellingCode,
        deadline: Option<NaiveDate>,
        out_of_order: Option<String>,
        confirmed: bool,
    },
    /// The lease an assignee's signature would record, at the rent of the rules in force, and
    /// the command that records it: nothing written.
    PreviewSigning {
        id: ApplicationId,
        signing: LeaseSigning,
    },
    /// Reports `Progress::Rent`; stops between chunks when asked.
    RentBatch(RentBatchKind),
    /// A payment at the counter of the notice numbered `nav`.
    CounterPayment {
        nav: String,
        paid_on: NaiveDate,
    },
    /// The key is named by its file, read by the office: a key never travels in a request.
    ExportBundle {
        path: PathBuf,
        key_file: Option<PathBuf>,
    },
}

impl Request {
    /// The request's name, for the log.
    pub fn name(&self) -> &'static str {
        match self {
            Request::Summary { .. } => "summary",
            Request::Rows => "rows",
            Request::Row { .. } => "row",
            Request::RowsOf { .. } => "rows_of",
            Request::Case { .. } => "case",
            Request::RankingData => "ranking_data",
            Request::RankingVersion { .. } => "ranking_version",
            Request::RankingEntries { .. } => "ranking_entries",
            Request::RankingExport { .. } => "ranking_export",
            Request::AuditPage { .. } => "audit_page",
            Request::ApplicationByProtocol { .. } => "application_by_protocol",
            Request::CallsOverview => "calls_overview",
            Request::Call { .. } => "call",
            Request::Interested { .. } => "interested",
            Request::AgendaDay { .. } => "agenda_day",
            Request::OutboxView { .. } => "outbox_view",
            Request::IoProfileAllowed { .. } => "io_profile_allowed",
            Request::Dwellings { .. } => "dwellings",
            Request::Dwelling { .. } => "dwelling",
            Request::RoundView { .. } => "round_view",
            Request::NextOffer { .. } => "next_offer",
            Request::PlacementView { .. } => "placement_view",
            Request::ContractFile { .. } => "contract_file",
            Request::Leases => "leases",
            Request::Contracts => "contracts",
            Request::RentMonth { .. } => "rent_month",
            Request::Arrears { .. } => "arrears",
            Request::TenantAccount { .. } => "tenant_account",
            Request::LeaseAccount { .. } => "lease_account",
            Request::RentBatchCount { .. } => "rent_batch_count",
            Request::RecomputePreview { .. } => "recompute_preview",
            Request::RentBatch(_) => "rent_batch",
            Request::CounterPayment { .. } => "counter_payment",
            Request::PreviewSigning { .. } => "preview_signing",
            Request::PreviewOpening { .. } => "preview_opening",
            Request::OpenAssignment { .. } => "open_assignment",
            Request::MakeOffer { .. } => "make_offer",
            Request::PreviewStep(_) => "preview_step",
            Request::PreviewInterested { .. } => "preview_interested",
            Request::PreviewPublication { .. } => "preview_publication",
            Request::Execute(_) => "execute",
            Request::ExecuteSeen { .. } => "execute_seen",
            Request::Step(_) => "step",
            Request::StepSeen { .. } => "step_seen",
            Request::RunSteps(_) => "run_steps",
            Request::Batch(_) => "batch",
            Request::TellInterested { .. } => "tell_interested",
            Request::AddInterested { .. } => "add_interested",
            Request::PublishRanking { .. } => "publish_ranking",
            Request::Requeue { .. } => "requeue",
            Request::Withdraw { .. } => "withdraw",
            Request::MarkSent { .. } => "mark_sent",
            Request::ExportBundle { .. } => "export_bundle",
        }
    }

    /// Whether the request changes the database (or writes a file): such a request is never
    /// dropped for a newer one, and the console says it is saving rather than reading.
    pub fn writes(&self) -> bool {
        matches!(
            self,
            Request::Execute(_)
                | Request::ExecuteSeen { .. }
                | Request::Step(_)
                | Request::StepSeen { .. }
                | Request::RunSteps(_)
                | Request::Batch(_)
                | Request::TellInterested { .. }
                | Request::AddInterested { .. }
                | Request::PublishRanking { .. }
                | Request::Requeue { .. }
                | Request::Withdraw { .. }
                | Request::MarkSent { .. }
                | Request::ExportBundle { .. }
                | Request::OpenAssignment { .. }
                | Request::MakeOffer { .. }
                | Request::RentBatch(_)
                | Request::CounterPayment { .. }
        )
    }
}

/// What a long request reports while it runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Progress {
    /// Inbox rows read so far, of the total.
    Rows(usize, usize),
    Batch(BatchProgress),
    /// A rent batch's running totals.
    Rent(RentBatch),
}

/// The reply to each request, variant for variant.
// A reply is built once and moved once per request: boxing its larger variants would buy
// nothing but noise at every match.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reply {
    Summary(Result<Summary, OfficeError>),
    Rows(Result<Vec<Row>, OfficeError>),
    Row(Result<Option<Row>, OfficeError>),
    RowsOf(Result<Vec<Row>, OfficeError>),
    Case(Result<Option<Case>, OfficeError>),
    RankingData(Result<RankingData, OfficeError>),
    RankingVersion(Result<Option<(RankingHeader, Vec<RankRow>)>, OfficeError>),
    RankingEntries(Result<Vec<Entry>, OfficeError>),
    RankingExport(Result<Option<RankingExport>, OfficeError>),
    AuditPage(Result<Vec<(u64, Event)>, OfficeError>),
    ApplicationByProtocol(Result<Option<Application>, OfficeError>),
    CallsOverview(Result<CallsOverview, OfficeError>),
    Call(Result<Option<Call>, OfficeError>),
    Interested(Result<BTreeMap<String, Interested>, OfficeError>),
    AgendaDay(Result<AgendaDay, OfficeError>),
    OutboxView(Result<OutboxView, OfficeError>),
    IoProfileAllowed(Result<Option<Timestamp>, OfficeError>),
    Dwellings(Result<Vec<Dwelling>, OfficeError>),
    Dwelling(Result<Option<Dwelling>, OfficeError>),
    RoundView(Result<RoundView, OfficeError>),
    NextOffer(Result<NextOffer, OfficeError>),
    PlacementView(Result<Option<PlacementView>, OfficeError>),
    ContractFile(Result<Option<ContractFile>, OfficeError>),
    Leases(Result<Vec<Lease>, OfficeError>),
    Contracts(Result<Vec<ContractRow>, OfficeError>),
    RentMonth(Result<RentMonthView, OfficeError>),
    Arrears(Result<Vec<ArrearsRow>, OfficeError>),
    TenantAccount(Result<TenantAccount, OfficeError>),
    LeaseAccount(Result<Option<LeaseAccount>, OfficeError>),
    RentBatchCount(Result<usize, OfficeError>),
    RecomputePreview(Result<RecomputePreview, OfficeError>),
    RentBatch(Result<RentBatchDone, OfficeError>),
    CounterPayment(Result<RentNotice, OfficeError>),
    PreviewSigning(Result<SigningPreview, OfficeError>),
    PreviewOpening(Result<OpeningPreview, OfficeError>),
    OpenAssignment(Result<RoundOpened, OfficeError>),
    PreviewStep(Result<StepPreview, OfficeError>),
    PreviewInterested(Result<Option<InterestedPreview>, OfficeError>),
    PreviewPublication(Result<PublicationPreview, OfficeError>),
    Execute(Result<Vec<Event>, OfficeError>),
    Step(Result<StepDone, OfficeError>),
    RunSteps(StepsReport),
    Batch(BatchProgress),
    TellInterested(Result<InterestedTold, OfficeError>),
    AddInterested(Result<InterestedAdded, OfficeError>),
    PublishRanking(Result<RankingPublished, OfficeError>),
    Requeue(Result<OutboxEntry, OfficeError>),
    Withdraw(Result<OutboxEntry, OfficeError>),
    MarkSent(Result<OutboxEntry, OfficeError>),
    ExportBundle(Result<BundleExported, OfficeError>),
}

impl Reply {
    /// The reply to `request` when it may not be served, saying why.
    pub fn refused(request: &Request, reason: String) -> Reply {
        let no = || OfficeError::Refused(reason.clone());
        match request {
            Request::Summary { .. } => Reply::Summary(Err(no())),
            Request::Rows => Reply::Rows(Err(no())),
            Request::Row { .. } => Reply::Row(Err(no())),
            Request::RowsOf { .. } => Reply::RowsOf(Err(no())),
            Request::Case { .. } => Reply::Case(Err(no())),
            Request::RankingData => Reply::RankingData(Err(no())),
            Request::RankingVersion { .. } => Reply::RankingVersion(Err(no())),
            Request::RankingEntries { .. } => Reply::RankingEntries(Err(no())),
            Request::RankingExport { .. } => Reply::RankingExport(Err(no())),
            Request::AuditPage { .. } => Reply::AuditPage(Err(no())),
            Request::ApplicationByProtocol { .. } => Reply::ApplicationByProtocol(Err(no())),
            Request::CallsOverview => Reply::CallsOverview(Err(no())),
            Request::Call { .. } => Reply::Call(Err(no())),
            Request::Interested { .. } => Reply::Interested(Err(no())),
            Request::AgendaDay { .. } => Reply::AgendaDay(Err(no())),
            Request::OutboxView { .. } => Reply::OutboxView(Err(no())),
            Request::IoProfileAllowed { .. } => Reply::IoProfileAllowed(Err(no())),
            Request::Dwellings { .. } => Reply::Dwellings(Err(no())),
            Request::Dwelling { .. } => Reply::Dwelling(Err(no())),
            Request::RoundView { .. } => Reply::RoundView(Err(no())),
            Request::NextOffer { .. } => Reply::NextOffer(Err(no())),
            Request::PlacementView { .. } => Reply::PlacementView(Err(no())),
            Request::ContractFile { .. } => Reply::ContractFile(Err(no())),
            Request::Leases => Reply::Leases(Err(no())),
            Request::Contracts => Reply::Contracts(Err(no())),
            Request::RentMonth { .. } => Reply::RentMonth(Err(no())),
            Request::Arrears { .. } => Reply::Arrears(Err(no())),
            Request::TenantAccount { .. } => Reply::TenantAccount(Err(no())),
            Request::LeaseAccount { .. } => Reply::LeaseAccount(Err(no())),
            Request::RentBatchCount { .. } => Reply::RentBatchCount(Err(no())),
            Request::RecomputePreview { .. } => Reply::RecomputePreview(Err(no())),
            Request::RentBatch(_) => Reply::RentBatch(Err(no())),
            Request::CounterPayment { .. } => Reply::CounterPayment(Err(no())),
            Request::PreviewSigning { .. } => Reply::PreviewSigning(Err(no())),
            Request::PreviewOpening { .. } => Reply::PreviewOpening(Err(no())),
            Request::OpenAssignment { .. } => Reply::OpenAssignment(Err(no())),
            Request::MakeOffer { .. } => Reply::Execute(Err(no())),
            Request::PreviewStep(_) => Reply::PreviewStep(Err(no())),
            Request::PreviewInterested { .. } => Reply::PreviewInterested(Err(no())),
            Request::PreviewPublication { .. } => Reply::PreviewPublication(Err(no())),
            Request::Execute(_) | Request::ExecuteSeen { .. } => Reply::Execute(Err(no())),
            Request::Step(_) | Request::StepSeen { .. } => Reply::Step(Err(no())),
            Request::RunSteps(commands) => Reply::RunSteps(StepsReport {
                done: Vec::new(),
                done_without_application: 0,
                refused: commands.len(),
                first_refusal: Some(reason),
            }),
            Request::Batch(batch) => Reply::Batch(BatchProgress {
                failed: batch.ids.len(),
                finished: true,
                error: Some(reason),
                ..BatchProgress::default()
            }),
            Request::TellInterested { .. } => Reply::TellInterested(Err(no())),
            Request::AddInterested { .. } => Reply::AddInterested(Err(no())),
            Request::PublishRanking { .. } => Reply::PublishRanking(Err(no())),
            Request::Requeue { .. } => Reply::Requeue(Err(no())),
            Request::MarkSent { .. } => Reply::MarkSent(Err(no())),
            Request::Withdraw { .. } => Reply::Withdraw(Err(no())),
            Request::ExportBundle { .. } => Reply::ExportBundle(Err(no())),
        }
    }
}

impl Office {
    /// Serves one request as `ctx`'s caseworker; `progress` hears from long ones, and `stop`
    /// ends a batch between chunks.
    pub fn handle(
        &self,
        ctx: &Context,
        request: Request,
        stop: &AtomicBool,
        progress: &mut dyn FnMut(Progress),
    ) -> Reply {
        let needed = super::access::required_role(&request);
        let role = self.role_of(&ctx.actor);
        if !role.is_some_and(|role| role.allows(needed)) {
            return Reply::refused(&request, refusal(&ctx.actor, role, needed));
        }
        match request {
            Request::Summary { day } => Reply::Summary(self.summary(day)),
            Request::Rows => {
                Reply::Rows(self.rows(&mut |done, total| progress(Progress::Rows(done, total))))
            }
            Request::Row { id } => Reply::Row(self.row(id)),
            Request::RowsOf { ids } => Reply::RowsOf(self.rows_of(&ids)),
            Request::Case { id } => Reply::Case(self.open_case(ctx, id, Channel::Console)),
            Request::RankingData => Reply::RankingData(self.ranking_data()),
            Request::RankingVersion { call, number } => {
                Reply::RankingVersion(self.ranking_version(&call, number))
            }
            Request::RankingEntries { call } => Reply::RankingEntries(self.ranking_entries(&call)),
            Request::RankingExport { call, number } => {
                Reply::RankingExport(self.ranking_export(&call, number))
            }
            Request::AuditPage {
                before,
                limit,
                filter,
            } => Reply::AuditPage(self.audit_page(before, limit, &filter)),
            Request::ApplicationByProtocol { protocol } => {
                Reply::ApplicationByProtocol(self.application_by_protocol(&protocol))
            }
            Request::CallsOverview => Reply::CallsOverview(self.calls_overview()),
            Request::Call { code } => Reply::Call(self.call(&code)),
            Request::Interested { call } => Reply::Interested(self.interested(&call)),
            Request::AgendaDay { day } => Reply::AgendaDay(self.agenda_day(day)),
            Request::OutboxView { tab, limit } => Reply::OutboxView(self.outbox_view(tab, limit)),
            Request::IoProfileAllowed { fiscal_code } => {
                Reply::IoProfileAllowed(self.io_profile_allowed(&fiscal_code))
            }
            Request::Dwellings { filter, day } => Reply::Dwellings(self.dwellings(&filter, day)),
            Request::Dwelling { code } => Reply::Dwelling(self.dwelling(&code)),
            Request::RoundView { call } => Reply::RoundView(self.round_view(call.as_deref())),
            Request::NextOffer { call, dwelling } => {
                Reply::NextOffer(self.next_offer(call.as_deref(), &dwelling))
            }
            Request::PlacementView { id } => Reply::PlacementView(self.placement_view(id)),
            Request::ContractFile { id } => Reply::ContractFile(self.contract_file(id)),
            Request::Leases => Reply::Leases(self.leases()),
            Request::Contracts => Reply::Contracts(self.contracts()),
            Request::RentMonth { month, day, within } => {
                Reply::RentMonth(self.rent_month(month, day, within))
            }
            Request::Arrears { day } => Reply::Arrears(self.arrears(day)),
            Request::TenantAccount { id, day } => {
                Reply::TenantAccount(self.tenant_account(id, day))
            }
            Request::LeaseAccount { id, day } => Reply::LeaseAccount(self.lease_account(id, day)),
            Request::RentBatchCount { kind, day } => {
                Reply::RentBatchCount(self.rent_batch_count(kind, day))
            }
            Request::RecomputePreview { from } => {
                Reply::RecomputePreview(self.recompute_preview(from))
            }
            Request::RentBatch(kind) => {
                Reply::RentBatch(self.run_rent_batch(ctx, kind, stop, &mut |batch| {
                    progress(Progress::Rent(batch.clone()))
                }))
            }
            Request::CounterPayment { nav, paid_on } => Reply::CounterPayment(
                NoticeNumber::parse(&nav)
                    .map_err(|e| OfficeError::Refused(e.to_string()))
                    .and_then(|nav| self.record_counter_payment(ctx, &nav, paid_on)),
            ),
            Request::PreviewSigning { id, signing } => {
                Reply::PreviewSigning(self.preview_signing(ctx, id, &signing))
            }
            Request::PreviewOpening {
                call,
                opens_on,
                closes_on,
            } => Reply::PreviewOpening(self.preview_opening(
                ctx,
                call.as_deref(),
                opens_on,
                closes_on,
            )),
            Request::OpenAssignment {
                call,
                opens_on,
                closes_on,
            } => Reply::OpenAssignment(self.open_assignment(
                ctx,
                call.as_deref(),
                opens_on,
                closes_on,
            )),
            Request::MakeOffer {
                id,
                dwelling,
                deadline,
                out_of_order,
                confirmed,
            } => Reply::Execute(self.make_offer(
                ctx,
                id,
                &dwelling,
                deadline,
                out_of_order,
                confirmed,
            )),
            Request::PreviewStep(step) => Reply::PreviewStep(self.preview_step(ctx, &step)),
            Request::PreviewInterested {
                call,
                publish,
                template,
            } => Reply::PreviewInterested(self.preview_interested(ctx, &call, publish, &template)),
            Request::PreviewPublication { call, kind } => {
                Reply::PreviewPublication(self.preview_publication(ctx, &call, kind))
            }
            Request::Execute(command) => Reply::Execute(self.execute(ctx, &command)),
            Request::ExecuteSeen { command, seen } => {
                Reply::Execute(self.execute_seen(ctx, &command, seen))
            }
            Request::Step(step) => Reply::Step(self.step(ctx, &step)),
            Request::StepSeen { step, seen } => Reply::Step(self.step_seen(ctx, &step, seen)),
            Request::RunSteps(commands) => Reply::RunSteps(self.run_steps(ctx, &commands)),
            Request::Batch(batch) => Reply::Batch(
                self.queue_batch(ctx, &batch, stop, &mut |u| progress(Progress::Batch(u))),
            ),
            Request::TellInterested {
                call,
                publish,
                template,
            } => Reply::TellInterested(self.tell_interested(ctx, &call, publish, &template)),
            Request::AddInterested { call, fiscal_codes } => {
                Reply::AddInterested(self.add_interested(ctx, &call, fiscal_codes))
            }
            Request::PublishRanking { call, kind, seed } => {
                Reply::PublishRanking(self.publish_ranking(ctx, &call, kind, seed))
            }
            Request::Requeue { id, reason } => Reply::Requeue(self.requeue(ctx, id, &reason)),
            Request::Withdraw { id, reason } => Reply::Withdraw(self.withdraw(ctx, id, &reason)),
            Request::MarkSent { id, reason, io_id } => {
                Reply::MarkSent(self.mark_sent(ctx, id, &reason, io_id))
            }
            Request::ExportBundle { path, key_file } => Reply::ExportBundle(
                crate::io::BundleKey::from_file(key_file.as_deref())
                    .map_err(|e| OfficeError::Refused(e.to_string()))
                    .and_then(|key| self.export_bundle(ctx, &path, &key)),
            ),
        }
    }
}
