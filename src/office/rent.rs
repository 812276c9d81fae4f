//! Rent at the office: the rules loaded, a tenant's account, counter payments, the reminder
//! before the due day and the message after it, the arrears list and what the office decides
//! on arrears. Batches commit in chunks, each one transaction with its messages.

use std::sync::atomic::{AtomicBool, Ordering};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Office, OfficeError};
use crate::domain::notice::NoticeNumber;
use crate::domain::rent::{
    GpdOutcome, InnocentCause, Ledger, Month, PaymentChannel, RentNotice, RentRules, Tenancy,
};
use crate::domain::time::rome_date;
use crate::domain::{ApplicationId, Command, Context};
use crate::messages::Values;

/// The message of a month's notice.
pub const ON_RENT_ISSUED: &str = "avviso_canone";
/// The reminder before the due day.
pub const ON_RENT_DUE_SOON: &str = "avviso_canone_scadenza";
/// The message after the due day.
pub const ON_RENT_OVERDUE: &str = "canone_mancato_pagamento";

/// Notices committed per transaction: progress is reported after each chunk, and an
/// interruption takes effect between chunks.
pub const RENT_CHUNK: usize = 250;

/// How a batch over notices went, as running totals.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RentBatch {
    pub total: usize,
    pub done: usize,
    /// Commands that went through (with their message, when the batch sends one).
    pub committed: usize,
    /// Refused by the rules, nothing written: already done, or no longer applicable.
    pub skipped: usize,
    pub first_skip: Option<String>,
    pub finished: bool,
    pub interrupted: bool,
}

/// A tenant's account: every notice, the ledger, and the office's record of arrears.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantAccount {
    pub id: ApplicationId,
    pub notices: Vec<RentNotice>,
    pub ledger: Ledger,
    pub tenancy: Option<Tenancy>,
    /// The ISEE on file for the rent's yearly update, if the tenant supplied one.
    #[serde(default)]
    pub isee: Option<crate::domain::lease::TenantIsee>,
}

/// One line of the arrears list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArrearsRow {
    pub id: ApplicationId,
    pub protocol: String,
    pub tenant: String,
    pub ledger: Ledger,
    /// Flagged for the decadenza procedure on that day.
    pub flagged: Option<NaiveDate>,
    /// What suspends the decadenza procedure, if anything.
    pub suspension: Option<String>,
}

impl Office {
    pub fn save_rent_rules(&self, ctx: &Context, rules: RentRules) -> Result<(), OfficeError> {
        self.execute(
            ctx,
            &Command::SaveRentRules {
                rules: Box::new(rules),
            },
        )?;
        Ok(())
    }

    /// Every lease in force in `month` gets its notice: number from the Comune's segregation
    /// code and the counter, due on the rules' day, with the IO message carrying its payment
    /// data and the creation queued for pagoPA, a chunk of leases per transaction. A lease
    /// already issued for the month is skipped, so running it twice adds nothing.
    pub fn issue_rent_month(
        &self,
        ctx: &Context,
        month: Month,
        stop: &AtomicBool,
        progress: &mut dyn FnMut(&RentBatch),
    ) -> Result<RentBatch, OfficeError> {
        let creditor = self.comune()?.creditor().map_err(OfficeError::NoComune)?;
        let segregation: u8 = creditor.segregation_code.parse().map_err(|_| {
            OfficeError::NoComune(format!(
                "codice di segregazione «{}» non valido",
                creditor.segregation_code
            ))
        })?;
        let rules = self.rent_rules_required(month.day(28))?;
        let due = month.day(rules.terms.due_day);
        let commands: Vec<Command> = self
            .leases()?
            .into_iter()
            .filter(|lease| Month::of(lease.starts_on) <= month)
            .map(|lease| Command::IssueRent {
                id: lease.application,
                month,
                lease: lease.number.to_string(),
                rent: lease.rent_on(month.first_day()),
                due,
                segregation,
                description: format!("canone di locazione dell'alloggio {}", lease.dwelling),
            })
            .collect();
        self.rent_steps(ctx, &commands, Some(ON_RENT_ISSUED), stop, progress)
    }

    /// Puts back to wait, with `reason`, the requests for pagoPA that bundle `bundle` carries
    /// (a bundle lost on its way): safe, as every GPD request may be repeated. Refused when no
    /// notice waits for that bundle.
    pub fn requeue_bundled_gpd(
        &self,
        ctx: &Context,
        bundle: &str,
        reason: &str,
    ) -> Result<usize, OfficeError> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(OfficeError::Refused(
                "--motivo: indicare perché le richieste tornano in attesa".into(),
            ));
        }
        let commands: Vec<Command> = self
            .store
            .rent_notices_all()?
            .into_iter()
            .filter(|n| n.exported.as_ref().is_some_and(|c| c.bundle == bundle))
            .map(|n| Command::RecordGpdOutcome {
                id: n.tenancy,
                month: n.month,
                outcome: GpdOutcome::Returned {
                    reason: reason.to_string(),
                },
            })
            .collect();
        if commands.is_empty() {
            return Err(OfficeError::Refused(format!(
                "nessuna richiesta per pagoPA attende il pacchetto {bundle}"
            )));
        }
        let mut back = 0;
        for chunk in commands.chunks(250) {
            back += self.store.run_rent_steps(chunk, ctx, None)?.done.len();
        }
        Ok(back)
    }

    /// What sends the notices' requests to pagoPA and reads back their payments.
    pub fn gpd_syncer(
        &self,
        client: crate::gpd::GpdClient,
        creditor: crate::messages::config::Creditor,
        actor: &str,
    ) -> crate::gpd::Syncer {
        crate::gpd::Syncer::new(self.store.clone(), client, creditor, actor)
    }

    pub fn rent_rules(&self) -> Result<Vec<RentRules>, OfficeError> {
        Ok(self.store.rent_rules()?)
    }

    /// The ruleset in force on `day`.
    pub fn rent_rules_on(&self, day: NaiveDate) -> Result<Option<RentRules>, OfficeError> {
        Ok(self.store.rent_rules_on(day)?)
    }

    /// The ruleset in force on `day`, or why there is none.
    pub fn rent_rules_required(&self, day: NaiveDate) -> Result<RentRules, OfficeError> {
        self.rent_rules_on(day)?.ok_or_else(|| {
            OfficeError::Refused(format!(
                "nessuna tabella dei canoni in vigore il {}: caricarla con «alloggi rent rules FILE.toml»",
                crate::domain::time::format_date(day)
            ))
        })
    }

    pub fn tenant_account(
        &self,
        id: ApplicationId,
        today: NaiveDate,
    ) -> Result<TenantAccount, OfficeError> {
        let notices = self.store.rent_notices_of(id)?;
        Ok(TenantAccount {
            id,
            ledger: Ledger::of(&notices, today),
            notices,
            tenancy: self.store.tenancy(id)?,
            isee: self
                .store
                .contract_file(id)?
                .and_then(|file| file.lease)
                .and_then(|lease| lease.isee),
        })
    }

    /// The notice with that number, or why it cannot be found.
    pub fn rent_notice_by_number(&self, nav: &NoticeNumber) -> Result<RentNotice, OfficeError> {
        self.store
            .rent_notice_by_number(nav.as_str())?
            .ok_or_else(|| {
                OfficeError::Refused(format!(
                    "nessun avviso del canone con numero {}",
                    nav.grouped()
                ))
            })
    }

    /// A payment at the counter or by bank transfer: recorded here, and queued for pagoPA so
    /// that the notice is not paid twice.
    pub fn record_counter_payment(
        &self,
        ctx: &Context,
        nav: &NoticeNumber,
        paid_on: NaiveDate,
    ) -> Result<RentNotice, OfficeError> {
        let notice = self.rent_notice_by_number(nav)?;
        self.execute(
            ctx,
            &Command::RecordRentPayment {
                id: notice.tenancy,
                month: notice.month,
                paid_on,
                channel: PaymentChannel::Sportello,
            },
        )?;
        self.store
            .rent_notice(notice.tenancy, notice.month)?
            .ok_or_else(|| OfficeError::Failed("avviso scomparso dopo il pagamento".into()))
    }

    /// The open notices due within `days` of today and not yet reminded.
    pub fn rent_due_soon(
        &self,
        today: NaiveDate,
        days: u32,
    ) -> Result<Vec<RentNotice>, OfficeError> {
        Ok(self
            .store
            .rent_notices_all()?
            .into_iter()
            .filter(|n| n.is_due_within(today, days) && n.reminded_at.is_none())
            .collect())
    }

    /// The open notices past due whose tenant was not yet told.
    pub fn rent_overdue_untold(&self, today: NaiveDate) -> Result<Vec<RentNotice>, OfficeError> {
        Ok(self
            .store
            .rent_notices_all()?
            .into_iter()
            .filter(|n| n.is_late(today) && n.overdue_told_at.is_none())
            .collect())
    }

    /// *Hai un pagamento in scadenza* to every open notice due within `days`, once each.
    pub fn remind_rent(
        &self,
        ctx: &Context,
        days: u32,
        stop: &AtomicBool,
        progress: &mut dyn FnMut(&RentBatch),
    ) -> Result<RentBatch, OfficeError> {
        let notices = self.rent_due_soon(rome_date(ctx.now), days)?;
        let commands: Vec<Command> = notices
            .iter()
            .map(|n| Command::RemindRent {
                id: n.tenancy,
                month: n.month,
            })
            .collect();
        self.rent_steps(ctx, &commands, Some(ON_RENT_DUE_SOON), stop, progress)
    }

    /// *Pagamento non effettuato* to every notice past due, once each; then each tenancy
    /// whose unpaid months reached the threshold is flagged for decadenza, unless something
    /// suspends it.
    pub fn tell_rent_overdue(
        &self,
        ctx: &Context,
        stop: &AtomicBool,
        progress: &mut dyn FnMut(&RentBatch),
    ) -> Result<(RentBatch, Vec<ArrearsRow>), OfficeError> {
        let today = rome_date(ctx.now);
        let notices = self.rent_overdue_untold(today)?;
        let commands: Vec<Command> = notices
            .iter()
            .map(|n| Command::TellRentOverdue {
                id: n.tenancy,
                month: n.month,
            })
            .collect();
        let told = self.rent_steps(ctx, &commands, Some(ON_RENT_OVERDUE), stop, progress)?;
        if told.interrupted {
            return Ok((told, Vec::new()));
        }
        let threshold = self
            .rent_rules_on(today)?
            .map(|rules| rules.terms.arrears_months)
            .unwrap_or(crate::domain::rent::LeaseTerms::default().arrears_months);
        let mut flagged = Vec::new();
        for row in self.arrears(today)? {
            if row.flagged.is_none()
                && row.suspension.is_none()
                && row.ledger.months_in_arrears >= u32::from(threshold)
            {
                self.execute(
                    ctx,
                    &Command::FlagArrears {
                        id: row.id,
                        months: row.ledger.months_in_arrears,
                    },
                )?;
                flagged.push(row);
            }
        }
        Ok((told, flagged))
    }

    /// Every tenancy with notices past due, the longest arrears first.
    pub fn arrears(&self, today: NaiveDate) -> Result<Vec<ArrearsRow>, OfficeError> {
        let mut by_tenancy: std::collections::BTreeMap<ApplicationId, Vec<RentNotice>> =
            std::collections::BTreeMap::new();
        for notice in self.store.rent_notices_all()? {
            by_tenancy.entry(notice.tenancy).or_default().push(notice);
        }
        let mut rows = Vec::new();
        for (id, notices) in by_tenancy {
            let ledger = Ledger::of(&notices, today);
            if ledger.months_in_arrears == 0 {
                continue;
            }
            let tenancy = self.store.tenancy(id)?;
            let app = self.store.application(id)?;
            rows.push(ArrearsRow {
                id,
                protocol: app
                    .as_ref()
                    .and_then(|a| a.protocol.as_ref())
                    .map(ToString::to_string)
                    .unwrap_or_else(|| id.to_string()),
                tenant: app.as_ref().map(|a| a.applicant_name()).unwrap_or_default(),
                ledger,
                flagged: tenancy.as_ref().and_then(|t| t.flagged.map(|(on, _)| on)),
                suspension: tenancy.as_ref().and_then(Tenancy::suspension),
            });
        }
        rows.sort_by(|a, b| {
            b.ledger
                .months_in_arrears
                .cmp(&a.ledger.months_in_arrears)
                .then(b.ledger.arrears.cmp(&a.ledger.arrears))
                .then(a.id.cmp(&b.id))
        });
        Ok(rows)
    }

    pub fn record_innocent_arrears(
        &self,
        ctx: &Context,
        id: ApplicationId,
        cause: InnocentCause,
        evidence: &str,
    ) -> Result<(), OfficeError> {
        self.execute(
            ctx,
            &Command::RecordInnocentArrears {
                id,
                cause,
                evidence: evidence.to_string(),
            },
        )?;
        Ok(())
    }

    /// A repayment plan over the arrears past due today, its instalments on the notices from
    /// the month after the last one issued (or `from`).
    pub fn agree_repayment_plan(
        &self,
        ctx: &Context,
        id: ApplicationId,
        instalments: u8,
        from: Option<Month>,
    ) -> Result<Tenancy, OfficeError> {
        let from = match from {
            Some(month) => month,
            None => self
                .store
                .rent_notices_of(id)?
                .iter()
                .map(|n| n.month)
                .max()
                .map(Month::next)
                .unwrap_or_else(|| Month::of(rome_date(ctx.now)).next()),
        };
        self.execute(
            ctx,
            &Command::AgreeRepaymentPlan {
                id,
                instalments,
                from,
            },
        )?;
        self.store
            .tenancy(id)?
            .ok_or_else(|| OfficeError::Failed("piano registrato ma non ritrovato".into()))
    }

    /// Runs `commands` chunk by chunk, each chunk one transaction with each command's message
    /// (when `template` is given); what the rules refuse is skipped and counted, so running a
    /// batch again resumes it.
    pub(crate) fn rent_steps(
        &self,
        ctx: &Context,
        commands: &[Command],
        template: Option<&str>,
        stop: &AtomicBool,
        progress: &mut dyn FnMut(&RentBatch),
    ) -> Result<RentBatch, OfficeError> {
        let order = template.map(|t| self.order(t, Values::new())).transpose()?;
        let mut batch = RentBatch {
            total: commands.len(),
            ..RentBatch::default()
        };
        for chunk in commands.chunks(RENT_CHUNK) {
            if stop.load(Ordering::Relaxed) {
                batch.interrupted = true;
                break;
            }
            let done = self.store.run_rent_steps(
                chunk,
                ctx,
                order
                    .as_ref()
                    .map(|o| o as &dyn crate::messages::outbox::Compose),
            )?;
            batch.done += chunk.len();
            batch.committed += done.done.len();
            batch.skipped += done.refused.len();
            if batch.first_skip.is_none()
                && let Some((id, why)) = done.refused.first()
            {
                batch.first_skip = Some(format!("{id}: {why}"));
            }
            progress(&batch);
        }
        batch.finished = true;
        Ok(batch)
    }
}

/// Days before the due day within which the reminder goes out, unless the caseworker says
/// otherwise.
pub const REMIND_WITHIN_DAYS: u32 = 7;

/// A batch over the month's notices the console runs with a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RentBatchKind {
    /// The month's notice to every lease in force.
    Issue { month: Month },
    /// The reminder to every open notice due within `days`.
    Remind { days: u32 },
    /// The message to every notice past due, then the arrears flagged.
    Overdue,
    /// The yearly update: every lease's new rent from `from` recorded.
    Recompute { from: NaiveDate },
}

/// How a rent batch ended, with the tenancies flagged for decadenza after the overdue one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RentBatchDone {
    pub batch: RentBatch,
    pub flagged: usize,
}

/// Where a notice of the month stands on the day it is looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum NoticeStanding {
    Paid,
    /// Folded into a repayment plan.
    Rescheduled,
    /// Past its due day and unpaid.
    Late,
    /// Due within the reminder's days.
    DueSoon,
    /// Not yet due.
    Open,
}

impl NoticeStanding {
    pub fn of(notice: &RentNotice, today: NaiveDate, within: u32) -> NoticeStanding {
        if notice.is_paid() {
            NoticeStanding::Paid
        } else if notice.rescheduled.is_some() {
            NoticeStanding::Rescheduled
        } else if notice.is_late(today) {
            NoticeStanding::Late
        } else if notice.is_due_within(today, within) {
            NoticeStanding::DueSoon
        } else {
            NoticeStanding::Open
        }
    }
}

/// One notice of the month with its tenant, its lease's dwelling and band, and the months the
/// tenant is in arrears.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RentMonthRow {
    pub notice: RentNotice,
    pub standing: NoticeStanding,
    pub protocol: String,
    pub tenant: String,
    pub dwelling: String,
    pub band: String,
    pub months_in_arrears: u32,
}

/// Counts and amounts of one state in a month.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub count: usize,
    pub amount: crate::domain::money::Money,
}

impl Tally {
    fn add(&mut self, amount: crate::domain::money::Money) {
        self.count += 1;
        self.amount = self.amount.saturating_add(amount);
    }
}

/// A month of rent as the Canoni screen shows it: its notices and how they stand today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RentMonthView {
    pub month: Month,
    pub today: NaiveDate,
    pub within: u32,
    pub issued: Tally,
    pub paid: Tally,
    pub due_soon: Tally,
    pub late: Tally,
    /// Owed, late or not.
    pub open: Tally,
    /// Leases in force in the month without its notice yet.
    pub to_issue: usize,
    /// Notices still waiting to reach pagoPA.
    pub gpd_pending: usize,
    pub rows: Vec<RentMonthRow>,
}

impl Office {
    /// Month `month` as it stands on `today`: counts and amounts by state, and every notice
    /// with its tenant.
    pub fn rent_month(
        &self,
        month: Month,
        today: NaiveDate,
        within: u32,
    ) -> Result<RentMonthView, OfficeError> {
        let all = self.store.rent_notices_all()?;
        let leases = self.leases()?;
        // Grouped once: a month of 10.000 leases looks up each tenant's notices and lease.
        let mut by_tenancy: std::collections::BTreeMap<ApplicationId, Vec<&RentNotice>> =
            std::collections::BTreeMap::new();
        for notice in &all {
            by_tenancy.entry(notice.tenancy).or_default().push(notice);
        }
        let lease_of: std::collections::BTreeMap<ApplicationId, &crate::domain::lease::Lease> =
            leases.iter().map(|l| (l.application, l)).collect();
        let mut view = RentMonthView {
            month,
            today,
            within,
            issued: Tally::default(),
            paid: Tally::default(),
            due_soon: Tally::default(),
            late: Tally::default(),
            open: Tally::default(),
            to_issue: 0,
            gpd_pending: all.iter().filter(|n| n.gpd.awaits_creation()).count(),
            rows: Vec::new(),
        };
        for notice in all.iter().filter(|n| n.month == month) {
            let standing = NoticeStanding::of(notice, today, within);
            view.issued.add(notice.amount);
            match standing {
                NoticeStanding::Paid => view.paid.add(notice.amount),
                NoticeStanding::Late => {
                    view.late.add(notice.amount);
                    view.open.add(notice.amount);
                }
                NoticeStanding::DueSoon => {
                    view.due_soon.add(notice.amount);
                    view.open.add(notice.amount);
                }
                NoticeStanding::Open => view.open.add(notice.amount),
                NoticeStanding::Rescheduled => {}
            }
            let lease = lease_of.get(&notice.tenancy).copied();
            let own = by_tenancy
                .get(&notice.tenancy)
                .into_iter()
                .flatten()
                .copied();
            let ledger = Ledger::of(own, today);
            let app = self.store.application(notice.tenancy)?;
            view.rows.push(RentMonthRow {
                standing,
                protocol: app
                    .as_ref()
                    .and_then(|a| a.protocol.as_ref())
                    .map_or_else(|| notice.tenancy.to_string(), ToString::to_string),
                tenant: app.as_ref().map(|a| a.applicant_name()).unwrap_or_default(),
                dwelling: lease.map(|l| l.dwelling.to_string()).unwrap_or_default(),
                band: lease.map(|l| l.rent.band.clone()).unwrap_or_default(),
                months_in_arrears: ledger.months_in_arrears,
                notice: notice.clone(),
            });
        }
        view.to_issue = leases
            .iter()
            .filter(|l| Month::of(l.starts_on) <= month)
            .filter(|l| {
                !by_tenancy
                    .get(&l.application)
                    .is_some_and(|own| own.iter().any(|n| n.month == month))
            })
            .count();
        view.rows
            .sort_by(|a, b| a.notice.lease.cmp(&b.notice.lease));
        Ok(view)
    }

    /// How many notices a batch would touch now: what the console asks to confirm.
    pub fn rent_batch_count(
        &self,
        kind: RentBatchKind,
        today: NaiveDate,
    ) -> Result<usize, OfficeError> {
        Ok(match kind {
            RentBatchKind::Issue { month } => {
                self.rent_month(month, today, REMIND_WITHIN_DAYS)?.to_issue
            }
            RentBatchKind::Remind { days } => self.rent_due_soon(today, days)?.len(),
            RentBatchKind::Overdue => self.rent_overdue_untold(today)?.len(),
            RentBatchKind::Recompute { from } => self.recompute_preview(from)?.changed().count(),
        })
    }

    /// Runs a rent batch, reporting after each chunk.
    pub fn run_rent_batch(
        &self,
        ctx: &Context,
        kind: RentBatchKind,
        stop: &AtomicBool,
        progress: &mut dyn FnMut(&RentBatch),
    ) -> Result<RentBatchDone, OfficeError> {
        Ok(match kind {
            RentBatchKind::Issue { month } => RentBatchDone {
                batch: self.issue_rent_month(ctx, month, stop, progress)?,
                flagged: 0,
            },
            RentBatchKind::Remind { days } => RentBatchDone {
                batch: self.remind_rent(ctx, days, stop, progress)?,
                flagged: 0,
            },
            RentBatchKind::Overdue => {
                let (batch, flagged) = self.tell_rent_overdue(ctx, stop, progress)?;
                RentBatchDone {
                    batch,
                    flagged: flagged.len(),
                }
            }
            RentBatchKind::Recompute { from } => RentBatchDone {
                batch: self.recompute_commit(ctx, from, stop, progress)?,
                flagged: 0,
            },
        })
    }
}

/// A signed lease with its tenant's account: what the case shows of both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseAccount {
    pub lease: crate::domain::lease::Lease,
    pub account: TenantAccount,
}

impl Office {
    /// Application `id`'s signed lease and account on `today`, when it has a lease.
    pub fn lease_account(
        &self,
        id: ApplicationId,
        today: NaiveDate,
    ) -> Result<Option<LeaseAccount>, OfficeError> {
        let Some(lease) = self.store.contract_file(id)?.and_then(|f| f.lease) else {
            return Ok(None);
        };
        Ok(Some(LeaseAccount {
            lease,
            account: self.tenant_account(id, today)?,
        }))
    }
}
