//! The secretarial fee: a pagoPA notice per application, its payment and its reminders.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::money::Money;
use super::notice::NoticeNumber;
use super::time::Timestamp;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    /// The day the citizen paid, as the receipt says.
    pub paid_on: NaiveDate,
    pub recorded_at: Timestamp,
    pub recorded_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeNotice {
    pub notice: NoticeNumber,
    pub amount: Money,
    /// Last day to pay, inclusive.
    pub due: NaiveDate,
    /// What it pays for, as the message says it.
    pub reason: String,
    pub issued_at: Timestamp,
    pub issued_by: String,
    #[serde(default)]
    pub payment: Option<Payment>,
    /// When each reminder was queued.
    #[serde(default)]
    pub reminders: Vec<Timestamp>,
}

impl FeeNotice {
    pub fn is_paid(&self) -> bool {
        self.payment.is_some()
    }

    /// Unpaid after its last day.
    pub fn is_late(&self, today: NaiveDate) -> bool {
        !self.is_paid() && today > self.due
    }

    /// Unpaid, not yet late, and due within `days` of `today`.
    pub fn is_due_within(&self, today: NaiveDate, days: u32) -> bool {
        !self.is_paid()
            && self.due >= today
            && self.due <= today + chrono::Days::new(u64::from(days))
    }
}
