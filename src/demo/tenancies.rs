//! The leases of the previous call's first assignees and a year of their rent, through the
//! office's own steps: the example rent rules loaded, contract ready, signing appointment and
//! signature; then each month the notices issued on the first working day, created on pagoPA
//! the same morning, paid through pagoPA (some at the counter) before the due day, and the
//! tenants who did not pay told after it. One tenant stops paying and is flagged for the
//! decadenza at the third month, one agrees a repayment plan over two unpaid months, one has
//! lost the job and the *morosità incolpevole* recorded. The current month's notices are
//! issued and open. Every message is sent as the outbox worker would have sent it.

use std::sync::atomic::AtomicBool;

use chrono::{Duration, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::calendar::{HOUR, MINUTE, add_days, is_working_day, next_working_day, rome_local};
use super::{ACTORS, DemoError, sent};
use crate::domain::appointment::Slot;
use crate::domain::command::Command;
use crate::domain::rent::{GpdOutcome, InnocentCause, Month, PaymentChannel, RentRules};
use crate::domain::time::Timestamp;
use crate::domain::{ApplicationId, Context};
use crate::files::rent_toml;
use crate::messages::ComuneConfig;
use crate::messages::outbox::OutboxId;
use crate::office::{LeaseSigning, Office, OfficeError, contract_ready_step, signing_step};
use crate::store::{Store, StoreError};

/// Its own stream: the same seed gives the same payments.
const SEED_SALT: u64 = 0x2025_0000_CA9E_0001;
/// Working days from the decree to the contract ready, and from then to the signature.
const READY_DAYS: i64 = 2;
const SIGNING_DAYS: i64 = 6;
/// Where the contracts are signed.
const SIGNING_PLACE: &str = "Ufficio Casa, via Mazzini 4 — stanza 2";
/// Payments at the counter instead of pagoPA, in percent.
const COUNTER_PERCENT: u32 = 15;
/// Instalments of the repayment plan.
const PLAN_INSTALMENTS: u8 = 4;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RentSummary {
    pub leases: usize,
    /// The first month with notices and the current one, issued and open.
    pub first_month: Month,
    pub current_month: Month,
    pub notices: usize,
    pub paid: usize,
    pub paid_at_counter: usize,
    /// Flagged for the decadenza, with a plan, with *morosità incolpevole*.
    pub flagged: ApplicationId,
    pub plan: ApplicationId,
    pub innocent: ApplicationId,
    pub events: usize,
}

/// What a tenant does with the month's notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Conduct {
    Pays,
    /// Stops paying from this many months before the current one.
    StopsFrom(u32),
    /// Leaves unpaid the notices from the first to the second number of months before the
    /// current one.
    Skips(u32, u32),
}

/// The rules the demo's leases are computed with: the shipped example, in force from the
/// 1st of October before the first signature, under a version of its own.
fn rules(first_signature: NaiveDate) -> Result<RentRules, DemoError> {
    let mut rules = rent_toml::esempio().map_err(|e| {
        DemoError::Store(StoreError::Message(format!(
            "regole del canone: {}",
            e.reason
        )))
    })?;
    let year = Month::of(first_signature).year();
    let october = |year: u16| Month::new(year, 10).map(Month::first_day);
    let from = october(year)
        .filter(|day| *day <= first_signature)
        .or_else(|| october(year.saturating_sub(1)))
        .unwrap_or(first_signature);
    rules.effective_from = from;
    rules.version = format!("esempio-demo-{}", Month::of(from).year());
    rules.example = true;
    Ok(rules)
}

/// The working day on or before `day`.
fn working_on_or_before(day: NaiveDate) -> NaiveDate {
    let mut day = day;
    for _ in 0..10 {
        if is_working_day(day) {
            break;
        }
        day = add_days(day, -1);
    }
    day
}

struct Tenancies<'a> {
    store: &'a Store,
    office: Office,
    today: NaiveDate,
    rng: ChaCha8Rng,
    /// The last outbox entry before this part: what it queues comes after.
    watermark: OutboxId,
    /// pagoPA payments waiting for the sync that reads them back.
    read_back: Vec<(Command, Context)>,
    summary: RentSummary,
}

impl Tenancies<'_> {
    fn ctx(&self, at: Timestamp) -> Context {
        Context {
            actor: ACTORS[1].to_string(),
            on_behalf_of: None,
            now: at,
        }
    }

    /// The messages this part queued up to `at`, sent as the worker sends them.
    fn send_queued(&mut self, at: Timestamp) -> Result<(), StoreError> {
        let ids: Vec<OutboxId> = self
            .store
            .outbox_due(at, usize::MAX)?
            .into_iter()
            .map(|entry| entry.id)
            .filter(|id| *id > self.watermark)
            .collect();
        sent::send(self.store, &ids, at)?;
        Ok(())
    }

    fn execute(&mut self, at: Timestamp, command: &Command) -> Result<(), OfficeError> {
        self.office.execute(&self.ctx(at), command)?;
        Ok(())
    }

    /// Contract ready, the appointment booked, and the signature on it; the lease runs from
    /// the first of the next month.
    fn sign(
        &mut self,
        index: usize,
        id: ApplicationId,
        decree_on: NaiveDate,
    ) -> Result<NaiveDate, DemoError> {
        let ready_on = next_working_day(add_days(decree_on, READY_DAYS));
        let ready_at = rome_local(ready_on, 9 * HOUR + (index as u32) * 10 * MINUTE);
        let ctx = self.ctx(ready_at);
        self.office.step(&ctx, &contract_ready_step(id))?;
        let signing_on = next_working_day(add_days(ready_on, SIGNING_DAYS));
        let slot_at = rome_local(signing_on, 9 * HOUR + (index as u32) * 30 * MINUTE);
        let slot = Slot {
            at: slot_at,
            place: SIGNING_PLACE.to_string(),
        };
        let ctx = self.ctx(ready_at + Duration::minutes(2));
        self.office.step(&ctx, &signing_step(id, slot))?;
        self.send_queued(ready_at + Duration::minutes(5))?;
        let starts_on = Month::of(signing_on).next().first_day();
        let signing = LeaseSigning {
            number: format!("L-{}/{}", Month::of(signing_on).year(), index + 1),
            signed_on: signing_on,
            starts_on: Some(starts_on),
            signatory: None,
        };
        self.office
            .sign_lease(&self.ctx(slot_at + Duration::minutes(20)), id, &signing)?;
        Ok(starts_on)
    }

    /// The month's notices issued on `day`, created on pagoPA the same morning.
    fn issue(&mut self, month: Month, day: NaiveDate) -> Result<(), DemoError> {
        let at = rome_local(day, 8 * HOUR + 30 * MINUTE);
        let stop = AtomicBool::new(false);
        let batch = self
            .office
            .issue_rent_month(&self.ctx(at), month, &stop, &mut |_| {})?;
        refused(batch.skipped, batch.first_skip)?;
        self.summary.notices += batch.committed;
        // As the sync records its outcomes: in one transaction.
        let synced = at + Duration::minutes(30);
        let outcomes: Vec<(Command, Context)> = self
            .store
            .rent_notices_all()?
            .into_iter()
            .filter(|notice| notice.month == month)
            .map(|notice| {
                let command = Command::RecordGpdOutcome {
                    id: notice.tenancy,
                    month,
                    outcome: GpdOutcome::Published,
                };
                (command, self.ctx(synced))
            })
            .collect();
        self.store.execute_all(&outcomes)?;
        self.send_queued(synced)?;
        Ok(())
    }

    /// The notice paid on a day between its issue and its due day, through pagoPA and read
    /// back the next morning, or at the counter and told to pagoPA.
    fn pay(&mut self, id: ApplicationId, month: Month) -> Result<(), DemoError> {
        let Some(notice) = self.store.rent_notice(id, month)? else {
            return Ok(());
        };
        let issued = crate::domain::time::rome_date(notice.issued_at);
        let last = notice.due.min(add_days(self.today, -2));
        if last <= issued {
            return Ok(());
        }
        let span = (last - issued).num_days();
        let paid_on = add_days(issued, self.rng.random_range(1..=span));
        if self.rng.random_range(0..100) < COUNTER_PERCENT && is_working_day(paid_on) {
            let at = rome_local(paid_on, 10 * HOUR + self.rng.random_range(0..3 * HOUR));
            self.office
                .record_counter_payment(&self.ctx(at), &notice.notice, paid_on)?;
            let command = Command::RecordGpdOutcome {
                id,
                month,
                outcome: GpdOutcome::PaymentReported,
            };
            self.execute(at + Duration::minutes(40), &command)?;
            self.summary.paid_at_counter += 1;
        } else {
            let at = rome_local(add_days(paid_on, 1), 6 * HOUR + 30 * MINUTE);
            let command = Command::RecordRentPayment {
                id,
                month,
                paid_on,
                channel: PaymentChannel::PagoPa,
            };
            self.read_back.push((command, self.ctx(at)));
        }
        self.summary.paid += 1;
        Ok(())
    }

    /// The payments pagoPA reported since the last time, recorded as the sync records them:
    /// in one transaction.
    fn record_read_back(&mut self) -> Result<(), StoreError> {
        let payments = std::mem::take(&mut self.read_back);
        if !payments.is_empty() {
            self.store.execute_all(&payments)?;
        }
        Ok(())
    }

    /// The tenants who did not pay told on the first working day after the due day; those at
    /// the threshold flagged, as `alloggi rent overdue` does. Never on or after today.
    fn tell_overdue(&mut self, due: NaiveDate) -> Result<Option<Timestamp>, DemoError> {
        let day = next_working_day(add_days(due, 1));
        if day >= self.today {
            return Ok(None);
        }
        let at = rome_local(day, 11 * HOUR);
        let stop = AtomicBool::new(false);
        let (batch, _) = self
            .office
            .tell_rent_overdue(&self.ctx(at), &stop, &mut |_| {})?;
        refused(batch.skipped, batch.first_skip)?;
        self.send_queued(at + Duration::minutes(5))?;
        Ok(Some(at))
    }
}

fn refused(skipped: usize, first: Option<String>) -> Result<(), DemoError> {
    match (skipped, first) {
        (0, _) => Ok(()),
        (_, why) => Err(DemoError::Store(StoreError::Message(format!(
            "passo del canone rifiutato: {}",
            why.unwrap_or_default()
        )))),
    }
}

/// The month whose notice is open on `today`, due soon: this one until its due day, then the
/// next.
fn current_month(today: NaiveDate, due_day: u8) -> Month {
    let month = Month::of(today);
    if today <= month.day(due_day) {
        month
    } else {
        month.next()
    }
}

/// Leases for `assigned` (decreed on the day given, in ranking order) and their rent up to
/// the current month's notices, everything dated before `today`.
pub fn add(
    store: &Store,
    assigned: &[(ApplicationId, NaiveDate)],
    today: NaiveDate,
    seed: u64,
) -> Result<Option<RentSummary>, DemoError> {
    // A late tenant, a plan and an innocent arrears need three tenants, and a payer besides.
    let (Some(first), true) = (assigned.first(), assigned.len() >= 4) else {
        return Ok(None);
    };
    let before = store.audit_len();
    let watermark = store
        .outbox_due(Timestamp::MAX_UTC, usize::MAX)?
        .iter()
        .map(|e| e.id)
        .max()
        .unwrap_or(OutboxId(0));
    let office = Office::new(store.clone(), Ok(ComuneConfig::example()));
    let rules = rules(add_days(first.1, READY_DAYS))?;
    let due_day = rules.terms.due_day;
    let mut part = Tenancies {
        store,
        office,
        today,
        rng: ChaCha8Rng::seed_from_u64(seed ^ SEED_SALT),
        watermark,
        read_back: Vec::new(),
        summary: RentSummary {
            leases: 0,
            first_month: Month::MIN,
            current_month: current_month(today, due_day),
            notices: 0,
            paid: 0,
            paid_at_counter: 0,
            flagged: assigned[0].0,
            plan: assigned[1].0,
            innocent: assigned[2].0,
            events: 0,
        },
    };
    let loaded_at = rome_local(next_working_day(first.1), 8 * HOUR);
    part.office.save_rent_rules(&part.ctx(loaded_at), rules)?;

    let mut first_month = Month::MAX;
    for (index, (id, decree_on)) in assigned.iter().enumerate() {
        let starts_on = part.sign(index, *id, *decree_on)?;
        first_month = first_month.min(Month::of(starts_on));
        part.summary.leases += 1;
    }
    part.summary.first_month = first_month;
    let current = part.summary.current_month;
    let conduct = |id: ApplicationId| {
        if id == assigned[0].0 {
            // Three months unpaid at the notice two months ago: flagged after its due day,
            // whatever day of the month the demo is made.
            Conduct::Skips(4, 2)
        } else if id == assigned[1].0 {
            Conduct::Skips(9, 8)
        } else if id == assigned[2].0 {
            Conduct::StopsFrom(5)
        } else {
            Conduct::Pays
        }
    };
    let mut month = first_month;
    while month <= current {
        let back = months_between(month, current);
        let nominal = next_working_day(month.first_day());
        let issue_on = nominal.min(working_on_or_before(add_days(today, -1)));
        part.issue(month, issue_on)?;
        if month < current {
            for (id, _) in assigned {
                let pays = match conduct(*id) {
                    Conduct::Pays => true,
                    Conduct::StopsFrom(from) => back > from,
                    Conduct::Skips(from, to) => !(to..=from).contains(&back),
                };
                if pays {
                    part.pay(*id, month)?;
                }
            }
            part.record_read_back()?;
            let told = part.tell_overdue(month.day(due_day))?;
            if let Some(at) = told {
                // The plan over the months skipped, its instalments from the next notice; the
                // positions of the notices it folds cancelled on pagoPA.
                if let Conduct::Skips(_, to) = conduct(assigned[1].0)
                    && back == to
                {
                    let agreed_at = at + Duration::hours(3);
                    let id = assigned[1].0;
                    part.office.agree_repayment_plan(
                        &part.ctx(agreed_at),
                        id,
                        PLAN_INSTALMENTS,
                        None,
                    )?;
                    for notice in store.rent_notices_of(id)? {
                        if notice.awaits_cancel() {
                            let command = Command::RecordGpdOutcome {
                                id,
                                month: notice.month,
                                outcome: GpdOutcome::Cancelled,
                            };
                            part.execute(agreed_at + Duration::minutes(30), &command)?;
                        }
                    }
                }
                // The job lost: documented at the office after the second unpaid month.
                if let Conduct::StopsFrom(from) = conduct(assigned[2].0)
                    && back + 1 == from
                {
                    part.office.record_innocent_arrears(
                        &part.ctx(at + Duration::hours(4)),
                        assigned[2].0,
                        InnocentCause::Licenziamento,
                        "lettera di licenziamento per riduzione del personale e dichiarazione \
                         di immediata disponibilità al centro per l'impiego",
                    )?;
                }
            }
        }
        month = month.next();
    }
    part.summary.events = store.audit_len().saturating_sub(before);
    Ok(Some(part.summary))
}

/// Months from `from` to `to`, `from` not after `to`.
fn months_between(from: Month, to: Month) -> u32 {
    let index = |m: Month| u32::from(m.year()) * 12 + u32::from(m.number());
    index(to).saturating_sub(index(from))
}
