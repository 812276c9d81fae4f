//! The Canoni screen's forms: the days the reminder reaches, a counter payment's day, the
//! office's decisions on a tenant's arrears and their ISEE, the day of the yearly update.

use chrono::{Datelike, NaiveDate};

use super::texts;
use crate::domain::money::Money;
use crate::domain::rent::{InnocentCause, Month, RepaymentPlan};
use crate::domain::time::{format_date, parse_date};
use crate::domain::{ApplicationId, Command};
use crate::office::{REMIND_WITHIN_DAYS, RentMonthRow, TenantAccount};
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
    /// A decision on arrears, shown with what it does before it commits.
    Check {
        title: &'static str,
        lines: Vec<(String, bool)>,
        command: Command,
        commit: &'static str,
        done: String,
    },
    /// A command saved as the form says it.
    Execute { command: Command, done: String },
    /// The yearly update from `from`: listed before and after, nothing written.
    Preview { from: NaiveDate },
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum RentPurpose {
    Remind,
    Counter {
        nav: String,
        month: String,
        tenant: String,
    },
    Innocent(Tenant),
    Plan {
        tenant: Tenant,
        /// The notices past due when the form opened, with their total.
        late: Vec<Month>,
        total: Money,
    },
    Isee(Tenant),
    Recompute,
}

/// Whose ledger a form was opened on.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Tenant {
    id: ApplicationId,
    name: String,
    protocol: String,
    /// Months in arrears and their amount, as the ledger showed them.
    months: u32,
    arrears: Money,
}

impl Tenant {
    fn of(account: &TenantAccount, name: &str, protocol: &str) -> Tenant {
        Tenant {
            id: account.id,
            name: crate::tui::view::clean(name),
            protocol: protocol.to_string(),
            months: account.ledger.months_in_arrears,
            arrears: account.ledger.arrears,
        }
    }

    /// The form's first line: who it is about.
    fn field(&self) -> Field {
        Field::choice(
            texts::FIELD_TENANT,
            vec![texts::tenant_choice(&self.name, &self.protocol)],
            0,
        )
    }
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

fn money(value: &str) -> Result<(), String> {
    Money::parse(value).map(|_| ()).map_err(|e| e.to_string())
}

fn instalments(value: &str) -> Result<(), String> {
    value
        .trim()
        .parse::<u8>()
        .map(|_| ())
        .map_err(|_| texts::INSTALMENTS_NUMBER.to_string())
}

fn month(value: &str) -> Result<(), String> {
    Month::parse(value).map(|_| ()).map_err(|e| e.to_string())
}

/// Morosità incolpevole on the tenant of `account`: the cause, the documents that prove it.
pub fn innocent(account: &TenantAccount, name: &str, protocol: &str) -> Form {
    let tenant = Tenant::of(account, name, protocol);
    let mut form = Form::new(
        texts::FORM_INNOCENT,
        RentPurpose::Innocent(tenant.clone()),
        vec![
            tenant.field(),
            Field::choice(
                texts::FIELD_CAUSE,
                InnocentCause::ALL
                    .iter()
                    .map(|c| c.label().to_string())
                    .collect(),
                0,
            ),
            Field::text(texts::FIELD_EVIDENCE, "").required(),
        ],
    );
    form.focus = 1;
    form
}

/// A repayment plan of the tenant's arrears past due `today`: the instalments, and the first
/// month carrying one (the month after the last notice issued unless changed).
pub fn plan(account: &TenantAccount, name: &str, protocol: &str, today: NaiveDate) -> Form {
    let late: Vec<_> = account
        .notices
        .iter()
        .filter(|n| n.is_late(today))
        .collect();
    let total = late
        .iter()
        .fold(Money::ZERO, |sum, n| sum.saturating_add(n.amount));
    let from = account
        .notices
        .iter()
        .map(|n| n.month)
        .max()
        .map_or_else(|| Month::of(today).next(), Month::next);
    let tenant = Tenant::of(account, name, protocol);
    let mut form = Form::new(
        texts::FORM_PLAN,
        RentPurpose::Plan {
            tenant: tenant.clone(),
            late: late.iter().map(|n| n.month).collect(),
            total,
        },
        vec![
            tenant.field(),
            Field::text(texts::FIELD_INSTALMENTS, "")
                .required()
                .check(instalments),
            Field::text(texts::FIELD_FROM_MONTH, &from.to_string())
                .required()
                .check(month),
        ],
    );
    form.focus = 1;
    form
}

/// The tenant's ISEE for the rent's yearly update, valid until the end of this year unless
/// changed.
pub fn isee(account: &TenantAccount, name: &str, protocol: &str, today: NaiveDate) -> Form {
    let tenant = Tenant::of(account, name, protocol);
    let end_of_year = NaiveDate::from_ymd_opt(today.year(), 12, 31).unwrap_or(today);
    let mut form = Form::new(
        texts::FORM_ISEE,
        RentPurpose::Isee(tenant.clone()),
        vec![
            tenant.field(),
            Field::text(texts::FIELD_ISEE, "").required().check(money),
            Field::text(texts::FIELD_VALID_UNTIL, &format_date(end_of_year))
                .required()
                .check(form::date),
        ],
    );
    form.focus = 1;
    form
}

/// The day the yearly update takes effect: the first of the month shown unless changed.
pub fn recompute(from: NaiveDate) -> Form {
    Form::new(
        texts::FORM_RECOMPUTE,
        RentPurpose::Recompute,
        vec![
            Field::text(texts::FIELD_RECOMPUTE_FROM, &format_date(from))
                .required()
                .check(form::date),
        ],
    )
}

fn build_innocent(tenant: &Tenant, form: &Form) -> Result<RentOutcome, String> {
    let cause = InnocentCause::ALL
        .get(form.chosen(1))
        .copied()
        .ok_or_else(|| s::field_error(texts::FIELD_CAUSE, texts::CAUSE_UNKNOWN))?;
    let evidence = form.value(2).trim().to_string();
    let lines = vec![
        (
            texts::innocent_what(&tenant.name, &tenant.protocol, cause.label()),
            false,
        ),
        (texts::innocent_evidence(&evidence), false),
        (
            texts::innocent_effect(tenant.months, &tenant.arrears.to_string()),
            true,
        ),
    ];
    Ok(RentOutcome::Check {
        title: texts::FORM_INNOCENT,
        lines,
        command: Command::RecordInnocentArrears {
            id: tenant.id,
            cause,
            evidence,
        },
        commit: texts::COMMIT_INNOCENT,
        done: texts::innocent_done(&tenant.name),
    })
}

fn build_plan(
    tenant: &Tenant,
    late: &[Month],
    total: Money,
    form: &Form,
) -> Result<RentOutcome, String> {
    let instalments: u8 = form
        .value(1)
        .trim()
        .parse()
        .map_err(|_| s::field_error(texts::FIELD_INSTALMENTS, texts::INSTALMENTS_NUMBER))?;
    let from = Month::parse(form.value(2))
        .map_err(|e| s::field_error(texts::FIELD_FROM_MONTH, &e.to_string()))?;
    let instalment = RepaymentPlan::split(total, instalments);
    let months = match (late.first(), late.last()) {
        (Some(first), Some(last)) if first != last => {
            format!("{} – {}", first.label(), last.label())
        }
        (Some(first), _) => first.label(),
        _ => String::new(),
    };
    let lines = vec![
        (
            texts::plan_what(
                &tenant.name,
                &total.to_string(),
                &months,
                late.len(),
            ),
            false,
        ),
        (
            texts::plan_instalments(instalments, &instalment.to_string(), &from.label()),
            false,
        ),
        (texts::PLAN_RESCHEDULED.to_string(), true),
        (texts::PLAN_SUSPENDS.to_string(), false),
    ];
    Ok(RentOutcome::Check {
        title: texts::FORM_PLAN,
        lines,
        command: Command::AgreeRepaymentPlan {
            id: tenant.id,
            instalments,
            from,
        },
        commit: texts::COMMIT_PLAN,
        done: texts::plan_done(&tenant.name, instalments, &from.label()),
    })
}

fn build_isee(tenant: &Tenant, form: &Form) -> Result<RentOutcome, String> {
    let isee = Money::parse(form.value(1))
        .map_err(|e| s::field_error(texts::FIELD_ISEE, &e.to_string()))?;
    let valid_until = parse_date(form.value(2))
        .map_err(|e| s::field_error(texts::FIELD_VALID_UNTIL, &e.to_string()))?;
    Ok(RentOutcome::Execute {
        command: Command::RecordTenantIsee {
            id: tenant.id,
            isee,
            valid_until,
        },
        done: texts::isee_done(&isee.to_string(), &format_date(valid_until)),
    })
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
            RentPurpose::Innocent(tenant) => build_innocent(tenant, form)?,
            RentPurpose::Plan {
                tenant,
                late,
                total,
            } => build_plan(tenant, late, *total, form)?,
            RentPurpose::Isee(tenant) => build_isee(tenant, form)?,
            RentPurpose::Recompute => RentOutcome::Preview {
                from: parse_date(form.value(0))
                    .map_err(|e| s::field_error(texts::FIELD_RECOMPUTE_FROM, &e.to_string()))?,
            },
        };
        Ok(Outcome::Screen(Box::new(outcome)))
    }
}
