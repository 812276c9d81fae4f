//! The demo's intake, added after the rest of the demo: citizens interested in the call,
//! counter appointments around "today", verifications on some applications in review and
//! secretarial-fee notices (paid, due soon, late).
//!
//! Everything goes through the caseworkers' commands, so the audit log tells it. The clock is
//! never read: `today` is given, and every instant is derived from it, never earlier than the
//! demo's last event, so the same seed and the same day give the same bytes and the audit log
//! stays in time order.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::calendar::{HOUR, MINUTE, add_days, is_working_day, next_working_day, rome_local};
use super::random::pick;
use super::tables::Tables;
use super::{ACTORS, FERMO};
use crate::domain::appointment::{Citizen, Slot};
use crate::domain::command::NewAppointment;
use crate::domain::fiscal_code::PersonFiscalCode;
use crate::domain::money::Money;
use crate::domain::notice::NoticeNumber;
use crate::domain::time::{Timestamp, rome_date};
use crate::domain::verification::{CheckItem, Requirement};
use crate::domain::{Application, ApplicationId, Call, Command, Context, EventKind, State};
use crate::store::{Store, StoreError};

/// Where the counter receives citizens.
pub const PLACE: &str = "Sportello ERP, Cortile delle Magnolie";

/// Days between the demo's last event and the earliest "today": the oldest fee notices are
/// issued six weeks before today (a little more around holidays), after that event.
const LEAD_DAYS: i64 = 60;

/// The amount when the call sets no secretarial fee (the 2024 call does not).
const DEMO_FEE_CENTS: u64 = 1_600;

/// pagoPA segregation code of the demo's notices.
const SEGREGATION: u8 = 1;

const INTERESTED_BATCHES: [usize; 3] = [12, 10, 8];

/// Fee notices by outcome: paid, due within five days, late, due later.
const FEES_PAID: usize = 6;
const FEES_DUE_SOON: usize = 5;
const FEES_LATE: usize = 4;
const FEES_LATER: usize = 5;

/// Applications in review whose requirements and conditions get verified; the last one has a
/// requirement found not met.
const VERIFIED_APPLICATIONS: usize = 4;
const NOT_VERIFIED_NOTE: &str =
    "attestazione ISEE scaduta: chiesta al richiedente quella in corso di validità";

/// The times (Rome, seconds after midnight) of the bookings: today, then the next working days.
const SLOTS: [&[u32]; 4] = [
    &[
        9 * HOUR,
        9 * HOUR + 40 * MINUTE,
        10 * HOUR + 20 * MINUTE,
        11 * HOUR,
    ],
    &[9 * HOUR, 10 * HOUR, 11 * HOUR + 30 * MINUTE],
    &[9 * HOUR + 30 * MINUTE, 10 * HOUR + 30 * MINUTE, 12 * HOUR],
    &[9 * HOUR, 11 * HOUR],
];
/// Today's booking that the citizen cancels (index into today's slots).
const CANCELLED_TODAY: usize = 2;
const CANCEL_REASON: &str = "il cittadino ha disdetto per telefono";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeSummary {
    /// The day the appointments and fee deadlines are arranged around.
    pub today: NaiveDate,
    pub interested: usize,
    pub appointments: usize,
    pub appointments_today: usize,
    pub cancelled: usize,
    pub verified_applications: usize,
    pub verifications: usize,
    pub fees: usize,
    pub fees_paid: usize,
    pub fees_due_soon: usize,
    pub fees_late: usize,
    /// Audit entries written.
    pub events: usize,
}

/// Instants for the commands: office hours of the day asked, but always after the previous
/// command, so that the audit log stays in time order whatever the calendar does.
struct Clock {
    last: Timestamp,
}

impl Clock {
    fn at(&mut self, day: NaiveDate, secs: u32) -> Timestamp {
        let at = rome_local(day, secs).max(self.last + chrono::Duration::minutes(3));
        self.last = at;
        at
    }
}

/// The working day on or before `day`: the office acts on working days.
fn office_day(mut day: NaiveDate) -> NaiveDate {
    for _ in 0..10 {
        if is_working_day(day) {
            break;
        }
        day = add_days(day, -1);
    }
    day
}

struct Plan {
    commands: Vec<(Command, Context)>,
    clock: Clock,
    today: NaiveDate,
}

impl Plan {
    /// The next instant on the working day `days_before` today (or the last one before it).
    fn when(&mut self, days_before: i64) -> Timestamp {
        let day = office_day(add_days(self.today, -days_before));
        self.clock.at(day, 9 * HOUR)
    }

    fn push_at(&mut self, now: Timestamp, actor: usize, command: Command) {
        self.commands.push((
            command,
            Context {
                actor: ACTORS[actor % ACTORS.len()].to_string(),
                on_behalf_of: None,
                now,
            },
        ));
    }

    fn push(&mut self, days_before: i64, actor: usize, command: Command) -> Timestamp {
        let now = self.when(days_before);
        self.push_at(now, actor, command);
        now
    }

    /// A secretarial-fee notice for `app`, numbered after the application.
    fn issue_fee(
        &mut self,
        days_before: i64,
        app: &Application,
        amount: Option<Money>,
        due: NaiveDate,
    ) -> Result<Timestamp, StoreError> {
        let base = u64::try_from(self.today.year()).unwrap_or(2024) * 1_000_000_000 + app.id.0;
        let notice =
            NoticeNumber::aux3(SEGREGATION, base).map_err(|e| StoreError::Domain(e.into()))?;
        let command = Command::IssueFee {
            id: app.id,
            notice,
            amount,
            due,
        };
        Ok(self.push(days_before, actor_of(app.id), command))
    }

    fn add_interested(&mut self, days_before: i64, call: &Call, people: &[Person]) -> usize {
        if people.is_empty() {
            return 0;
        }
        let command = Command::AddInterested {
            call: call.code.clone(),
            fiscal_codes: people.iter().map(|p| p.0.clone()).collect(),
        };
        self.push(days_before, people.len(), command);
        people.len()
    }
}

fn actor_of(id: ApplicationId) -> usize {
    usize::try_from(id.0 % ACTORS.len() as u64).unwrap_or(0)
}

/// The day the intake is arranged around: `today`, or later when it is too close to `after`.
pub(super) fn today_for(after: Timestamp, today: Option<NaiveDate>) -> NaiveDate {
    let earliest = add_days(rome_date(after), LEAD_DAYS);
    today.map_or(earliest, |day| day.max(earliest))
}

/// Adds the intake to a populated demo whose last event is at `after`, about the applications
/// up to `last_id` (the active call's: those of an earlier call follow them). Appointments and fee
/// deadlines are arranged around `today`, moved later when it is too close to `after`.
pub fn add(
    store: &Store,
    call: &Call,
    tables: &Tables,
    seed: u64,
    after: Timestamp,
    today: Option<NaiveDate>,
    last_id: ApplicationId,
) -> Result<IntakeSummary, StoreError> {
    let today = today_for(after, today);
    // Its own stream: the applications stay those of the seed whatever happens here.
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x1A7A_6E57_0000_0001);
    let mut plan = Plan {
        commands: Vec::new(),
        clock: Clock { last: after },
        today,
    };
    let mut summary = IntakeSummary {
        today,
        interested: 0,
        appointments: 0,
        appointments_today: 0,
        cancelled: 0,
        verified_applications: 0,
        verifications: 0,
        fees: 0,
        fees_paid: 0,
        fees_due_soon: 0,
        fees_late: 0,
        events: 0,
    };

    // A call may already have a list (the demo fills any database without applications).
    let listed = store.interested(&call.code)?;
    let mut people = interested_people(tables, &mut rng);
    people.retain(|(code, _)| !listed.contains_key(code.as_str()));
    let fee_apps = pick_applications(
        store,
        last_id,
        &[
            State::Protocollata,
            State::InIstruttoria,
            State::IntegrazioneRichiesta,
            State::Ammessa,
        ],
        FEES_PAID + FEES_DUE_SOON + FEES_LATE + FEES_LATER,
        &mut rng,
        |app| app.protocol.is_some() && app.fee.is_none(),
    )?;
    let in_review = pick_applications(
        store,
        last_id,
        &[State::InIstruttoria],
        VERIFIED_APPLICATIONS,
        &mut rng,
        |_| true,
    )?;
    let amount =
        (call.secretarial_fee == Money::from_cents(0)).then_some(Money::from_cents(DEMO_FEE_CENTS));
    let mut fees = fee_apps.iter();
    let (first, rest) = people.split_at(INTERESTED_BATCHES[0].min(people.len()));
    let (second, third) = rest.split_at(INTERESTED_BATCHES[1].min(rest.len()));

    // Six weeks before today, the first notices, due five days ago: some paid, some not.
    let mut paid = Vec::new();
    for app in fees.by_ref().take(FEES_PAID) {
        let issued = plan.issue_fee(42, app, amount, add_days(today, -5))?;
        paid.push((app.id, rome_date(issued)));
        summary.fees_paid += 1;
    }
    for app in fees.by_ref().take(FEES_LATE) {
        plan.issue_fee(42, app, amount, add_days(today, -5))?;
        summary.fees_late += 1;
    }
    summary.interested += plan.add_interested(30, call, first);
    for (n, app) in fees.by_ref().take(FEES_DUE_SOON).enumerate() {
        plan.issue_fee(28, app, amount, add_days(today, 1 + n as i64))?;
        summary.fees_due_soon += 1;
    }
    for (n, (id, issued_on)) in paid.iter().enumerate() {
        let now = plan.when(20);
        // Paid a few days after the notice, never after the day it is recorded.
        let paid_on = add_days(*issued_on, 2 + n as i64).min(rome_date(now));
        let command = Command::RecordPayment { id: *id, paid_on };
        plan.push_at(now, n, command);
    }
    summary.interested += plan.add_interested(20, call, second);

    // The findings of the review: everything verified, but for one requirement not met.
    for (n, app) in in_review.iter().enumerate() {
        let last = n + 1 == in_review.len();
        for item in app.check_items() {
            let not_met = last && item == CheckItem::Requisito(Requirement::Isee);
            let note = if not_met {
                NOT_VERIFIED_NOTE.to_string()
            } else {
                String::new()
            };
            let command = Command::Verify {
                id: app.id,
                item,
                verified: !not_met,
                note,
            };
            plan.push(12, n, command);
            summary.verifications += 1;
        }
        summary.verified_applications += 1;
    }

    let mut later = 0;
    for app in fees.by_ref().take(FEES_LATER) {
        plan.issue_fee(10, app, amount, add_days(today, 20))?;
        later += 1;
    }
    summary.fees = summary.fees_paid + summary.fees_late + summary.fees_due_soon + later;
    summary.interested += plan.add_interested(10, call, third);

    // The bookings, made in the last working days before today, for today and the next days.
    let citizens = booking_citizens(store, last_id, &people, &mut rng)?;
    let mut citizens = citizens.iter().cycle();
    let total_slots: usize = SLOTS.iter().map(|times| times.len()).sum();
    let mut day = today;
    let mut cancelled_at = None;
    for (offset, times) in SLOTS.iter().enumerate() {
        if offset > 0 {
            day = next_working_day(add_days(day, 1));
        }
        for (i, secs) in times.iter().enumerate() {
            let Some((citizen, application, subject)) = citizens.next() else {
                break;
            };
            let at = rome_local(day, *secs);
            let n = summary.appointments;
            let days_before = 6 - i64::try_from(n * 5 / total_slots).unwrap_or(0);
            let command = Command::BookAppointment(Box::new(NewAppointment {
                citizen: citizen.clone(),
                application: *application,
                subject: (*subject).to_string(),
                slot: Slot {
                    at,
                    place: PLACE.to_string(),
                },
            }));
            plan.push(days_before, n, command);
            summary.appointments += 1;
            if offset == 0 {
                summary.appointments_today += 1;
                if i == CANCELLED_TODAY {
                    cancelled_at = Some(at);
                }
            }
        }
    }

    let events = store.execute_all(&plan.commands)?;
    summary.events += events.len();

    let to_cancel = events.iter().find_map(|event| match &event.kind {
        EventKind::AppointmentBooked { appointment }
            if Some(appointment.slot.at) == cancelled_at =>
        {
            Some(appointment.id)
        }
        _ => None,
    });
    if let Some(id) = to_cancel {
        // The evening before: after every booking, before the appointment.
        let now = plan.clock.at(add_days(today, -1), 18 * HOUR);
        let ctx = Context {
            actor: ACTORS[1].to_string(),
            on_behalf_of: None,
            now,
        };
        let command = Command::CancelAppointment {
            id,
            reason: CANCEL_REASON.to_string(),
        };
        summary.events += store.execute(&command, &ctx)?.len();
        summary.cancelled += 1;
    }
    Ok(summary)
}

/// A citizen interested in the call: fiscal code and name.
type Person = (PersonFiscalCode, String);

fn interested_people(tables: &Tables, rng: &mut ChaCha8Rng) -> Vec<Person> {
    let total: usize = INTERESTED_BATCHES.iter().sum();
    let mut seen = HashSet::new();
    let mut people = Vec::with_capacity(total);
    // Bounded: a clash of codes is rare, and a few people fewer is no harm.
    for _ in 0..total * 4 {
        if people.len() == total {
            break;
        }
        let female = rng.random_bool(0.5);
        let born = rng.random_range(1950..=2002);
        let names = match (female, born < 1975) {
            (false, true) => &tables.male_classic,
            (false, false) => &tables.male_modern,
            (true, true) => &tables.female_classic,
            (true, false) => &tables.female_modern,
        };
        let name = pick(rng, names);
        let surname = pick(rng, &tables.surnames);
        let birth = NaiveDate::from_ymd_opt(born, 1, 1)
            .map(|d| add_days(d, rng.random_range(0..365)))
            .unwrap_or_default();
        let place = if rng.random_bool(0.6) {
            FERMO
        } else {
            pick(rng, &tables.marche)
        };
        let Ok(code) = PersonFiscalCode::build(surname, name, birth, female, place) else {
            continue;
        };
        if seen.insert(code.as_str().to_string()) {
            people.push((code, format!("{surname} {name}")));
        }
    }
    people
}

/// Up to `n` applications in `states` that satisfy `keep`, in a seeded order.
fn pick_applications(
    store: &Store,
    last_id: ApplicationId,
    states: &[State],
    n: usize,
    rng: &mut ChaCha8Rng,
    keep: impl Fn(&Application) -> bool,
) -> Result<Vec<Application>, StoreError> {
    let mut ids = Vec::new();
    for state in states {
        ids.extend(store.ids_in_state(*state)?);
    }
    ids.retain(|id| *id <= last_id);
    ids.sort();
    let mut keyed: Vec<(u64, ApplicationId)> = ids
        .into_iter()
        .map(|id| (rng.random::<u64>(), id))
        .collect();
    keyed.sort();
    let mut picked = Vec::new();
    for (_, id) in keyed {
        if picked.len() == n {
            break;
        }
        if let Some(app) = store.application(id)?
            && keep(&app)
        {
            picked.push(app);
        }
    }
    Ok(picked)
}

/// A booking to make: who, about which application, and why.
type Booking = (Citizen, Option<ApplicationId>, &'static str);

/// Who books, and why: applicants bringing the documents asked of them, applicants in review
/// with a question, citizens interested in the call without an application; taken in turn.
fn booking_citizens(
    store: &Store,
    last_id: ApplicationId,
    people: &[Person],
    rng: &mut ChaCha8Rng,
) -> Result<Vec<Booking>, StoreError> {
    let integration = pick_applications(
        store,
        last_id,
        &[State::IntegrazioneRichiesta],
        4,
        rng,
        |_| true,
    )?;
    // Someone with a declared condition has something to explain.
    let review = pick_applications(store, last_id, &[State::InIstruttoria], 4, rng, |app| {
        !app.declaration.conditions.is_empty()
    })?;
    let applicant = |app: &Application| Citizen {
        fiscal_code: app.household.applicant().fiscal_code.clone(),
        name: app.applicant_name(),
    };
    let mut pools: Vec<Vec<Booking>> = vec![
        integration
            .iter()
            .map(|app| {
                (
                    applicant(app),
                    Some(app.id),
                    "consegna dei documenti integrativi",
                )
            })
            .collect(),
        people
            .iter()
            .take(4)
            .map(|(code, name)| {
                (
                    Citizen {
                        fiscal_code: code.clone(),
                        name: name.clone(),
                    },
                    None,
                    "informazioni sul bando e sulla domanda",
                )
            })
            .collect(),
        review
            .iter()
            .map(|app| {
                (
                    applicant(app),
                    Some(app.id),
                    "chiarimenti sulle condizioni dichiarate",
                )
            })
            .collect(),
    ];
    for pool in &mut pools {
        pool.reverse();
    }
    let mut turns = Vec::new();
    while pools.iter().any(|p| !p.is_empty()) {
        for pool in &mut pools {
            if let Some(next) = pool.pop() {
                turns.push(next);
            }
        }
    }
    Ok(turns)
}

#[cfg(test)]
mod tests {
    use super::super::{DemoOptions, DemoSummary, populate, populate_on};
    use super::*;

    fn demo(today: Option<NaiveDate>) -> (tempfile::TempDir, Store, DemoSummary) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let options = DemoOptions {
            applications: 120,
            seed: 4,
        };
        let summary = match today {
            Some(day) => populate_on(&store, &options, day, &mut |_, _| {}),
            None => populate(&store, &options, &mut |_, _| {}),
        }
        .unwrap();
        (dir, store, summary)
    }

    fn all_applications(store: &Store) -> Vec<Application> {
        store.applications_page(None, usize::MAX).unwrap()
    }

    #[test]
    fn interested_appointments_fees_and_findings_around_today() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let (_dir, store, summary) = demo(Some(today));
        let intake = &summary.intake;
        assert_eq!(intake.today, today);
        let call = store.active_call().unwrap().unwrap();

        assert_eq!(intake.interested, 30);
        assert_eq!(store.interested(&call.code).unwrap().len(), 30);

        let booked_today = store.appointments_on(today).unwrap();
        assert_eq!(booked_today.len(), 4);
        assert_eq!(booked_today.iter().filter(|a| !a.is_active()).count(), 1);
        let mut all = 0;
        let mut day = today;
        for _ in 0..10 {
            let found = store.appointments_on(day).unwrap();
            assert!(
                found
                    .iter()
                    .all(|a| a.slot.place == PLACE && a.call == call.code)
            );
            all += found.len();
            day = add_days(day, 1);
        }
        assert_eq!((intake.appointments, all), (12, 12));
        assert_eq!(intake.cancelled, 1);

        let apps = all_applications(&store);
        let fees: Vec<_> = apps.iter().filter_map(|a| a.fee.as_ref()).collect();
        assert_eq!(fees.len(), 20);
        assert_eq!(intake.fees, 20);
        assert_eq!(fees.iter().filter(|f| f.is_paid()).count(), 6);
        assert_eq!(fees.iter().filter(|f| f.is_due_within(today, 5)).count(), 5);
        assert_eq!(fees.iter().filter(|f| f.is_late(today)).count(), 4);
        for fee in &fees {
            assert_eq!(fee.notice.aux_digit(), 3);
            assert_eq!(fee.amount, Money::from_cents(DEMO_FEE_CENTS));
        }

        assert_eq!(intake.verified_applications, VERIFIED_APPLICATIONS);
        // Admitted applications carry their requirements' verifications from the lifecycle.
        let verified: Vec<_> = apps
            .iter()
            .filter(|a| a.state != State::Ammessa && !a.verifications.is_empty())
            .collect();
        assert_eq!(verified.len(), VERIFIED_APPLICATIONS);
        let findings: usize = verified.iter().map(|a| a.verifications.len()).sum();
        assert_eq!(findings, intake.verifications);
        let not_met: Vec<_> = verified
            .iter()
            .flat_map(|a| a.verifications.values())
            .filter(|v| !v.verified)
            .collect();
        assert_eq!(not_met.len(), 1);
        assert_eq!(not_met[0].note, NOT_VERIFIED_NOTE);

        assert_eq!(summary.events, store.audit_len());
        let events = store.audit_events(1, usize::MAX).unwrap();
        assert!(events.windows(2).all(|w| w[0].1.at <= w[1].1.at));
        assert!(store.check().unwrap().is_ok());
        assert!(store.verify_audit().unwrap().first_broken.is_none());
    }

    #[test]
    fn without_a_day_the_intake_follows_the_demo_and_not_the_clock() {
        let (_dir, store, summary) = demo(None);
        let last_before_intake = store
            .audit_events(1, usize::MAX)
            .unwrap()
            .iter()
            .map(|(_, e)| e)
            .filter(|e| e.kind_name() == "messaggio_accodato")
            .map(|e| e.at)
            .max()
            .unwrap();
        assert_eq!(
            summary.intake.today,
            add_days(rome_date(last_before_intake), LEAD_DAYS)
        );
        assert_eq!(
            store.appointments_on(summary.intake.today).unwrap().len(),
            4
        );

        // A day too close to the demo's events moves later, so that the log stays in order.
        let (_dir, _store, early) = demo(Some(rome_date(last_before_intake)));
        assert_eq!(early.intake.today, summary.intake.today);
    }
}
