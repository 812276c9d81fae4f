//! The Canoni screen's forms: the days the reminder reaches, a counter payment's day.

use chrono::NaiveDate;

use super::texts;
use crate::domain::time::{format_date, parse_date};
use crate::office::{REMIND_WITHIN_DAYS, RentMonthRow};
use crate::tui::form::{self, Field, Form, Outcome, Purpose};
use crate::tui::strings as s;

/// What a form of this screen produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RentOutcome {
    /// The reminder to the notices due within `days`: counted, then confirmed.
    Remind { days: u32 },
    /// A counter payment of the notice numbered `nav`.
    Counter {
        nav: String,
        paid_on: NaiveDate,
        month: String,
        tenant: String,
    },
    /// A batch confirmed: run it.
    Run(crate::office::RentBatchKind),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum RentPurpose {
    Remind,
    Counter {
        nav: String,
        month: String,
        tenant: String,
    },
}

fn days(value: &str) -> Result<(), String> {
    match value.trim().parse::<u32>() {
        Ok(n) if (1..=60).contains(&n) => Ok(()),
        _ => Err("un numero di giorni da 1 a 60".to_string()),
    }
}

pub fn remind() -> Form {
    Form::new(
        texts::FORM_REMIND,
        RentPurpose::Remind,
        vec![
            Field::text(texts::FIELD_DAYS, &REMIND_WITHIN_DAYS.to_string())
                .required()
                .check(days),
        ],
    )
}

/// The payment of `row`'s notice at the counter, today unless changed.
pub fn counter(row: &RentMonthRow, today: NaiveDate) -> Form {
    let month = row.notice.month.label();
    let mut form = Form::new(
        texts::FORM_COUNTER,
        RentPurpose::Counter {
            nav: row.notice.notice.as_str().to_string(),
            month: month.clone(),
            tenant: row.tenant.clone(),
        },
        vec![
            Field::choice(
                texts::FIELD_NOTICE,
                vec![format!(
                    "{} · {} · {} · {}",
                    row.notice.notice.grouped(),
                    month,
                    row.tenant,
                    row.notice.amount
                )],
                0,
            ),
            Field::text(texts::FIELD_PAID_ON, &format_date(today))
                .required()
                .check(form::date),
        ],
    );
    form.focus = 1;
    form
}

impl Purpose for RentPurpose {
    fn build(&self, form: &Form) -> Result<Outcome, String> {
        let outcome = match self {
            RentPurpose::Remind => RentOutcome::Remind {
                days: form
                    .value(0)
                    .trim()
                    .parse()
                    .map_err(|_| s::field_error(texts::FIELD_DAYS, "numero non valido"))?,
            },
            RentPurpose::Counter { nav, month, tenant } => RentOutcome::Counter {
                nav: nav.clone(),
                paid_on: parse_date(form.value(1))
                    .map_err(|e| s::field_error(texts::FIELD_PAID_ON, &e.to_string()))?,
                month: month.clone(),
                tenant: tenant.clone(),
            },
        };
        Ok(Outcome::Screen(Box::new(outcome)))
    }
}
