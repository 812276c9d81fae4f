//! Rent at the office: the rules loaded, a tenant's account, counter payments, the reminder
//! before the due day and the message after it, the arrears list and what the office decides
//! on arrears. Batches commit in chunks, each one transaction with its messages.

use std::sync::atomic::{AtomicBool, Ordering};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Office, OfficeError};
use crate::domain::notice::NoticeNumber;
use crate::domain::rent::{
    InnocentCause, Ledger, Month, PaymentChannel, RentNotice, RentRules, Tenancy,
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
