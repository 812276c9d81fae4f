//! A month's rent notice: the pagoPA debt position created for it, its payment, the messages
//! that reminded the tenant, and where it stands with pagoPA's GPD service.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::month::Month;
use crate::domain::ApplicationId;
use crate::domain::money::Money;
use crate::domain::notice::NoticeNumber;
use crate::domain::time::Timestamp;

/// How the notice stands with pagoPA's debt-position service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum GpdState {
    /// Waiting to be created on pagoPA.
    Queued,
    /// Created and payable on pagoPA.
    Published { at: Timestamp },
    /// Sent, but no answer came: the next sync asks again (a repeated creation is answered
    /// 409 and read back, so it cannot make a second position).
    Uncertain { since: Timestamp, reason: String },
    /// Refused by pagoPA, or a position with its code exists and differs: a caseworker looks.
    Refused { at: Timestamp, reason: String },
}

impl GpdState {
    pub fn label(&self) -> &'static str {
        match self {
            GpdState::Queued => "da creare su pagoPA",
            GpdState::Published { .. } => "su pagoPA",
            GpdState::Uncertain { .. } => "esito incerto",
            GpdState::Refused { .. } => "rifiutato da pagoPA",
        }
    }

    /// Still to be sent by the next sync.
    pub fn awaits_creation(&self) -> bool {
        matches!(self, GpdState::Queued | GpdState::Uncertain { .. })
    }
}

/// What pagoPA's debt-position service answered, as a sync records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum GpdOutcome {
    /// Created, or found identical after a 409.
    Published,
    Uncertain {
        reason: String,
    },
    Refused {
        reason: String,
    },
    /// The request the notice waits for (creation, counter payment, cancellation) was
    /// written to offline bundle `bundle`: its receipt settles it.
    Exported {
        bundle: String,
    },
    /// Back from a bundle unsent (or interrupted: every GPD request is safe to repeat): the
    /// request waits for the next sync or bundle again.
    Returned {
        reason: String,
    },
    /// pagoPA now knows of the counter payment.
    PaymentReported,
    /// pagoPA cancelled the position of a notice folded into a plan.
    Cancelled,
}

/// Where the money was paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaymentChannel {
    /// Through pagoPA, read back from it.
    PagoPa,
    /// At the counter or by bank transfer: pagoPA is told the notice is paid.
    Sportello,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RentPayment {
    pub paid_on: NaiveDate,
    pub channel: PaymentChannel,
    pub recorded_at: Timestamp,
    pub recorded_by: String,
    /// A counter payment that pagoPA has been told of.
    #[serde(default)]
    pub reported: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RentNotice {
    pub tenancy: ApplicationId,
    pub month: Month,
    /// The lease the rent is due under.
    pub lease: String,
    /// The position's unique identifier on pagoPA: `ALLOGGI-<tenancy>-<aaaa-mm>`.
    pub iupd: String,
    pub notice: NoticeNumber,
    /// What the notice asks: the rent and any instalment of a repayment plan.
    pub amount: Money,
    pub rent: Money,
    #[serde(default)]
    pub instalment: Money,
    /// Last day to pay, inclusive.
    pub due: NaiveDate,
    /// The notice's reason, as the message and the position say it.
    pub description: String,
    pub issued_at: Timestamp,
    pub issued_by: String,
    pub gpd: GpdState,
    #[serde(default)]
    pub payment: Option<RentPayment>,
    #[serde(default)]
    pub reminded_at: Option<Timestamp>,
    #[serde(default)]
    pub overdue_told_at: Option<Timestamp>,
    /// Folded into a repayment plan: the position is cancelled on pagoPA and the debt is paid
    /// by the plan's instalments.
    #[serde(default)]
    pub rescheduled: Option<Rescheduled>,
    /// The request for pagoPA the notice waits for travels in an offline bundle.
    #[serde(default)]
    pub exported: Option<InBundle>,
}

/// An offline bundle carrying a notice's request for pagoPA to a connected machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InBundle {
    pub bundle: String,
    pub at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rescheduled {
    pub at: Timestamp,
    /// pagoPA has cancelled the position.
    pub cancelled_on_gpd: bool,
}

impl RentNotice {
    pub fn iupd_for(tenancy: ApplicationId, month: Month) -> String {
        format!("ALLOGGI-{}-{month}", tenancy.0)
    }

    /// The tenancy and month an IUPD of `iupd_for` names.
    pub fn parse_iupd(iupd: &str) -> Option<(ApplicationId, Month)> {
        let rest = iupd.strip_prefix("ALLOGGI-")?;
        let (id, month) = rest.split_once('-')?;
        Some((ApplicationId(id.parse().ok()?), Month::parse(month).ok()?))
    }

    pub fn is_paid(&self) -> bool {
        self.payment.is_some()
    }

    /// Still owed: neither paid nor folded into a plan.
    pub fn is_open(&self) -> bool {
        !self.is_paid() && self.rescheduled.is_none()
    }

    /// Open after its last day.
    pub fn is_late(&self, today: NaiveDate) -> bool {
        self.is_open() && today > self.due
    }

    /// Open, not yet late, due within `days` of `today`.
    pub fn is_due_within(&self, today: NaiveDate, days: u32) -> bool {
        self.is_open()
            && self.due >= today
            && self.due <= today + chrono::Days::new(u64::from(days))
    }

    /// Some request for pagoPA waits, wherever it travels.
    pub fn awaits_gpd(&self) -> bool {
        (self.gpd.awaits_creation() && self.is_open())
            || self.awaits_report()
            || self.awaits_cancel()
    }

    /// Where the notice stands with pagoPA, as a caseworker reads it.
    pub fn gpd_label(&self) -> String {
        match &self.exported {
            Some(carried) => format!("nel pacchetto {}", carried.bundle),
            None => self.gpd.label().to_string(),
        }
    }

    /// pagoPA still has to be told of a counter payment.
    pub fn awaits_report(&self) -> bool {
        self.payment
            .as_ref()
            .is_some_and(|p| p.channel == PaymentChannel::Sportello && !p.reported)
            && matches!(self.gpd, GpdState::Published { .. })
    }

    /// pagoPA still has to cancel the position of a notice folded into a plan.
    pub fn awaits_cancel(&self) -> bool {
        self.rescheduled
            .as_ref()
            .is_some_and(|r| !r.cancelled_on_gpd)
            && matches!(self.gpd, GpdState::Published { .. })
    }
}

/// A tenant's account: what was asked, what was paid, and the months left unpaid.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ledger {
    pub issued: Money,
    pub paid: Money,
    /// Owed and past due.
    pub arrears: Money,
    /// Notices past due and unpaid.
    pub months_in_arrears: u32,
    /// Owed and not yet due.
    pub current: Money,
}

impl Ledger {
    pub fn of<'n>(notices: impl IntoIterator<Item = &'n RentNotice>, today: NaiveDate) -> Ledger {
        let mut ledger = Ledger::default();
        for notice in notices {
            if notice.rescheduled.is_some() {
                continue;
            }
            ledger.issued = ledger.issued.saturating_add(notice.amount);
            if notice.is_paid() {
                ledger.paid = ledger.paid.saturating_add(notice.amount);
            } else if notice.is_late(today) {
                ledger.arrears = ledger.arrears.saturating_add(notice.amount);
                ledger.months_in_arrears += 1;
            } else {
                ledger.current = ledger.current.saturating_add(notice.amount);
            }
        }
        ledger
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_iupd_names_its_tenancy_and_month() {
        let iupd = RentNotice::iupd_for(ApplicationId(42), Month::parse("2026-11").unwrap());
        assert_eq!(
            RentNotice::parse_iupd(&iupd),
            Some((ApplicationId(42), Month::parse("2026-11").unwrap()))
        );
        assert_eq!(RentNotice::parse_iupd("ALTRO-42-2026-11"), None);
        assert_eq!(RentNotice::parse_iupd("ALLOGGI-x-2026-11"), None);
    }
}
