//! Rent decided on snapshots built by hand: one notice per tenancy and month with numbers
//! that never repeat, payments, one reminder and one missed-payment message per notice, the
//! decadenza flag and what suspends it, and a repayment plan's instalments.

use std::collections::BTreeMap;

use chrono::{NaiveDate, TimeZone, Utc};

use crate::domain::application::{ApplicationId, State};
use crate::domain::command::{Command, Context, decide};
use crate::domain::error::DomainError;
use crate::domain::money::Money;
use crate::domain::rent::{
    GpdOutcome, GpdState, InnocentCause, Month, PaymentChannel, RentNotice, Tenancy,
};
use crate::domain::snapshot::{Snapshot, evolve};
use crate::domain::time::Timestamp;
use crate::domain::workflows::review::tests::application;

const ID: ApplicationId = ApplicationId(7);

fn at(year: i32, month: u32, day: u32) -> Timestamp {
    Utc.with_ymd_and_hms(year, month, day, 9, 0, 0).unwrap()
}

fn month(text: &str) -> Month {
    Month::parse(text).unwrap()
}

/// One tenancy's records as the store keeps them, and the counter.
struct Books {
    notices: BTreeMap<Month, RentNotice>,
    tenancy: Option<Tenancy>,
    next_base: u64,
}

impl Books {
    fn new() -> Books {
        Books {
            notices: BTreeMap::new(),
            tenancy: None,
            next_base: 1,
        }
    }

    fn run(&mut self, command: Command, now: Timestamp) -> Result<(), DomainError> {
        let mut app = application(State::Ammessa);
        app.id = ID;
        let mut snapshot = Snapshot {
            application: Some(app),
            rent_notices: self.notices.clone(),
            tenancy: self.tenancy.clone(),
            next_rent_base: self.next_base,
            ..Snapshot::default()
        };
        let events = decide(&snapshot, &command, &Context::new("op", now))?;
        for event in &events {
            evolve(&mut snapshot, event)?;
        }
        self.notices = snapshot.rent_notices;
        self.tenancy = snapshot.tenancy;
        self.next_base = snapshot.next_rent_base;
        Ok(())
    }

    fn issue(&mut self, text: &str, rent: u64, now: Timestamp) -> Result<(), DomainError> {
        let m = month(text);
        self.run(
            Command::IssueRent {
                id: ID,
                month: m,
                lease: "L-1".into(),
                rent: Money::from_cents(rent),
                due: m.day(15),
                segregation: 47,
                description: "canone dell'alloggio FM-001".into(),
            },
            now,
        )
    }
}

#[test]
fn a_month_is_issued_once_and_every_notice_takes_a_new_number() {
    let mut books = Books::new();
    books.issue("2026-01", 12_000, at(2026, 1, 2)).unwrap();
    let again = books.issue("2026-01", 12_000, at(2026, 1, 3)).unwrap_err();
    assert!(again.to_string().contains("già emesso"), "{again}");
    books.issue("2026-02", 12_000, at(2026, 2, 2)).unwrap();
    let numbers: Vec<&str> = books.notices.values().map(|n| n.notice.as_str()).collect();
    assert_eq!(numbers.len(), 2);
    assert_ne!(numbers[0], numbers[1]);
    assert!(numbers.iter().all(|n| n.starts_with("347")), "{numbers:?}");
    assert_eq!(books.next_base, 3);
    let first = &books.notices[&month("2026-01")];
    assert_eq!(first.iupd, "ALLOGGI-7-2026-01");
    assert_eq!(first.due, NaiveDate::from_ymd_opt(2026, 1, 15).unwrap());
    assert!(first.description.ends_with("gennaio 2026"), "{}", first.description);
}

#[test]
fn a_notice_due_in_the_past_is_refused() {
    let mut books = Books::new();
    let late = books.issue("2026-01", 12_000, at(2026, 1, 20)).unwrap_err();
    assert!(late.to_string().contains("già passato"), "{late}");
}

#[test]
fn a_reminder_only_before_the_due_day_and_once() {
    let mut books = Books::new();
    books.issue("2026-03", 9_000, at(2026, 3, 1)).unwrap();
    let remind = || Command::RemindRent {
        id: ID,
        month: month("2026-03"),
    };
    books.run(remind(), at(2026, 3, 10)).unwrap();
    let twice = books.run(remind(), at(2026, 3, 11)).unwrap_err();
    assert!(twice.to_string().contains("già ricordata"), "{twice}");
    let overdue = || Command::TellRentOverdue {
        id: ID,
        month: month("2026-03"),
    };
    let early = books.run(overdue(), at(2026, 3, 15)).unwrap_err();
    assert!(early.to_string().contains("non è ancora scaduto"), "{early}");
    books.run(overdue(), at(2026, 3, 16)).unwrap();
    let again = books.run(overdue(), at(2026, 3, 17)).unwrap_err();
    assert!(again.to_string().contains("già comunicato"), "{again}");
}

#[test]
fn a_paid_notice_is_neither_reminded_nor_paid_again() {
    let mut books = Books::new();
    books.issue("2026-04", 9_000, at(2026, 4, 1)).unwrap();
    let pay = |day| Command::RecordRentPayment {
        id: ID,
        month: month("2026-04"),
        paid_on: NaiveDate::from_ymd_opt(2026, 4, day).unwrap(),
        channel: PaymentChannel::Sportello,
    };
    let future = books.run(pay(20), at(2026, 4, 5)).unwrap_err();
    assert!(future.to_string().contains("futuro"), "{future}");
    books.run(pay(5), at(2026, 4, 5)).unwrap();
    assert!(
        !books.notices[&month("2026-04")].awaits_report(),
        "not yet on pagoPA"
    );
    let twice = books.run(pay(5), at(2026, 4, 6)).unwrap_err();
    assert!(twice.to_string().contains("pagato"), "{twice}");
    let remind = books
        .run(
            Command::RemindRent {
                id: ID,
                month: month("2026-04"),
            },
            at(2026, 4, 10),
        )
        .unwrap_err();
    assert!(remind.to_string().contains("pagato"), "{remind}");
}

/// Three months unpaid: flagged; innocent arrears recorded first: not flagged.
#[test]
fn arrears_are_flagged_unless_innocent() {
    let mut books = Books::new();
    for (m, day) in [("2026-01", 1), ("2026-02", 1), ("2026-03", 1)] {
        let mm: u32 = m[5..].parse().unwrap();
        books.issue(m, 10_000, at(2026, mm, day)).unwrap();
    }
    let today = at(2026, 3, 20);
    let wrong = books
        .run(Command::FlagArrears { id: ID, months: 2 }, today)
        .unwrap_err();
    assert!(wrong.to_string().contains("3"), "{wrong}");
    let mut innocent = Books {
        notices: books.notices.clone(),
        tenancy: books.tenancy.clone(),
        next_base: books.next_base,
    };
    innocent
        .run(
            Command::RecordInnocentArrears {
                id: ID,
                cause: InnocentCause::Licenziamento,
                evidence: "lettera di licenziamento del 10/12/2025".into(),
            },
            today,
        )
        .unwrap();
    let suspended = innocent
        .run(Command::FlagArrears { id: ID, months: 3 }, today)
        .unwrap_err();
    assert!(suspended.to_string().contains("incolpevole"), "{suspended}");
    books
        .run(Command::FlagArrears { id: ID, months: 3 }, today)
        .unwrap();
    assert!(books.tenancy.as_ref().unwrap().flagged.is_some());
}

/// 2 × 100,00 € late, in 3 instalments: 66,66 + 66,66 + 66,68 added to the next notices,
/// the late notices folded into the plan.
#[test]
fn a_plan_folds_the_late_notices_and_adds_its_instalments() {
    let mut books = Books::new();
    books.issue("2026-01", 10_000, at(2026, 1, 1)).unwrap();
    books.issue("2026-02", 10_000, at(2026, 2, 1)).unwrap();
    let today = at(2026, 2, 20);
    let too_early = books
        .run(
            Command::AgreeRepaymentPlan {
                id: ID,
                instalments: 3,
                from: month("2026-02"),
            },
            today,
        )
        .unwrap_err();
    assert!(too_early.to_string().contains("non ancora emessi"), "{too_early}");
    books
        .run(
            Command::AgreeRepaymentPlan {
                id: ID,
                instalments: 3,
                from: month("2026-03"),
            },
            today,
        )
        .unwrap();
    assert!(books.notices.values().all(|n| n.rescheduled.is_some()));
    let mut amounts = Vec::new();
    for (m, mm) in [("2026-03", 3), ("2026-04", 4), ("2026-05", 5), ("2026-06", 6)] {
        books.issue(m, 10_000, at(2026, mm, 1)).unwrap();
        amounts.push(books.notices[&month(m)].amount.cents());
    }
    assert_eq!(amounts, [16_666, 16_666, 16_668, 10_000]);
    assert!(books.tenancy.as_ref().unwrap().plan.as_ref().unwrap().is_complete());
}

#[test]
fn a_request_in_a_bundle_is_settled_by_its_receipt_or_comes_back_to_wait() {
    let mut books = Books::new();
    books.issue("2026-05", 9_000, at(2026, 5, 1)).unwrap();
    let gpd = |outcome: GpdOutcome| Command::RecordGpdOutcome {
        id: ID,
        month: month("2026-05"),
        outcome,
    };
    let exported = || {
        gpd(GpdOutcome::Exported {
            bundle: "P1".into(),
        })
    };
    let back = || {
        gpd(GpdOutcome::Returned {
            reason: "non partita".into(),
        })
    };
    let not_carried = books.run(back(), at(2026, 5, 2)).unwrap_err();
    assert!(not_carried.to_string().contains("non è in un pacchetto"), "{not_carried}");
    books.run(exported(), at(2026, 5, 2)).unwrap();
    let notice = &books.notices[&month("2026-05")];
    assert_eq!(notice.gpd_label(), "nel pacchetto P1");
    let twice = books.run(exported(), at(2026, 5, 2)).unwrap_err();
    assert!(twice.to_string().contains("già nel pacchetto P1"), "{twice}");

    // Back unsent: the creation waits again, and may go in another bundle.
    books.run(back(), at(2026, 5, 3)).unwrap();
    let notice = &books.notices[&month("2026-05")];
    assert_eq!(notice.exported, None);
    assert!(notice.gpd.awaits_creation());
    books.run(exported(), at(2026, 5, 3)).unwrap();

    // The receipt says created: published, out of the bundle, nothing left to send.
    books.run(gpd(GpdOutcome::Published), at(2026, 5, 4)).unwrap();
    let notice = &books.notices[&month("2026-05")];
    assert_eq!(notice.exported, None);
    assert!(matches!(notice.gpd, GpdState::Published { .. }));
    assert!(!notice.awaits_gpd());
    let nothing = books.run(exported(), at(2026, 5, 4)).unwrap_err();
    assert!(
        nothing.to_string().contains("nessuna richiesta per pagoPA"),
        "{nothing}"
    );

    // A counter payment is a new request: it travels in a bundle too.
    books
        .run(
            Command::RecordRentPayment {
                id: ID,
                month: month("2026-05"),
                paid_on: NaiveDate::from_ymd_opt(2026, 5, 5).unwrap(),
                channel: PaymentChannel::Sportello,
            },
            at(2026, 5, 5),
        )
        .unwrap();
    books.run(exported(), at(2026, 5, 5)).unwrap();
    books
        .run(gpd(GpdOutcome::PaymentReported), at(2026, 5, 6))
        .unwrap();
    let notice = &books.notices[&month("2026-05")];
    assert!(notice.payment.as_ref().is_some_and(|p| p.reported));
    assert!(!notice.awaits_gpd());
}
