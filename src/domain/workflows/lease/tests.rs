//! The lease decided on snapshots built by hand: only for an applicant assigned by decree and
//! not yet signed, within the term to occupy; the signing appointment on the agenda; the
//! signature's dates, terms and deposit.

use chrono::{Duration, NaiveDate, TimeZone, Utc};

use super::NewLease;
use crate::domain::application::{ApplicationId, State};
use crate::domain::appointment::Slot;
use crate::domain::command::{Command, Context, decide};
use crate::domain::error::DomainError;
use crate::domain::event::{Event, EventKind};
use crate::domain::lease::{LeaseTerms, RentFigures, RentLine, SIGNING_SUBJECT};
use crate::domain::money::Money;
use crate::domain::snapshot::{Snapshot, evolve};
use crate::domain::stock::adequacy::tests::dwelling;
use crate::domain::stock::{DwellingCode, DwellingState, Needs, Placement, Standing};
use crate::domain::time::Timestamp;
use crate::domain::workflows::review::tests::application;
use crate::files::call_toml::bando_2024;

/// The decree's day, 1 September 2025, plus `offset` days, at 10:00 UTC.
fn day(offset: i64) -> Timestamp {
    Utc.with_ymd_and_hms(2025, 9, 1, 10, 0, 0).unwrap() + Duration::days(offset)
}

fn date(offset: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 9, 1).unwrap() + Duration::days(offset)
}

fn code() -> DwellingCode {
    DwellingCode::parse("FM-002").unwrap()
}

fn placement(standing: Standing) -> Placement {
    Placement {
        call: "erp-2024".into(),
        position: 1,
        application: ApplicationId(1),
        protocol: "2024/000001".into(),
        applicant: "Richiedente 1".into(),
        needs: Needs {
            size: 2,
            step_free: false,
        },
        standing,
        refusals: Vec::new(),
        rechecked_on: None,
    }
}

/// Assigned by decree today (offset 0), to occupy within 30 days.
fn assigned() -> Snapshot {
    let mut app = application(State::Ammessa);
    app.id = ApplicationId(1);
    let mut home = dwelling(52, DwellingState::Locato);
    home.code = code();
    Snapshot {
        call: bando_2024().ok(),
        application: Some(app),
        placement: Some(placement(Standing::Assegnato {
            dwelling: code(),
            decree_on: date(0),
            occupy_by: date(30),
        })),
        dwellings: [(code(), home)].into_iter().collect(),
        next_appointment_id: 7,
        ..Snapshot::default()
    }
}

fn new_lease(signed_on: NaiveDate) -> NewLease {
    NewLease {
        number: "ERAP-2025/0042".into(),
        signed_on,
        starts_on: None,
        signatory: None,
        terms: LeaseTerms::default(),
        rent: RentFigures {
            version: "esempio-2025".into(),
            band: "accesso".into(),
            steps: vec![RentLine {
                text: "canone oggettivo 52,00 m² × 4,80 €".into(),
                amount: Money::from_cents(24_960),
            }],
            monthly: Money::from_cents(12_480),
        },
    }
}

fn sign(signed_on: NaiveDate) -> Command {
    Command::SignLease {
        id: ApplicationId(1),
        lease: Box::new(new_lease(signed_on)),
    }
}

fn run(snapshot: &mut Snapshot, command: &Command, at: i64) -> Result<Vec<Event>, DomainError> {
    let events = decide(snapshot, command, &Context::new("mrossi", day(at)))?;
    for event in &events {
        evolve(snapshot, event)?;
    }
    Ok(events)
}

fn refused(snapshot: &Snapshot, command: &Command, at: i64) -> String {
    decide(snapshot, command, &Context::new("mrossi", day(at)))
        .expect_err("refused")
        .to_string()
}

fn slot(offset: i64) -> Slot {
    Slot {
        at: day(offset),
        place: "Ufficio Casa, piazza del Popolo 1".into(),
    }
}

#[test]
fn the_contract_is_ready_only_for_an_applicant_assigned_by_decree() {
    let ready = Command::ContractReady { id: ApplicationId(1) };
    let mut snapshot = assigned();
    run(&mut snapshot, &ready, 2).unwrap();
    let file = snapshot.contract.as_ref().unwrap();
    assert_eq!(file.ready_on, Some(date(2)));
    assert_eq!(file.dwelling, code());

    let mut waiting = assigned();
    waiting.placement = Some(placement(Standing::InAttesa));
    let why = refused(&waiting, &ready, 2);
    assert!(why.contains("segue il provvedimento di assegnazione"), "{why}");

    let mut outside = assigned();
    outside.placement = None;
    let why = refused(&outside, &ready, 2);
    assert!(why.contains("non ha un alloggio assegnato"), "{why}");
}

#[test]
fn nothing_goes_on_past_the_term_to_occupy() {
    let snapshot = assigned();
    for command in [
        Command::ContractReady { id: ApplicationId(1) },
        Command::BookSigning {
            id: ApplicationId(1),
            slot: slot(33),
        },
        sign(date(31)),
    ] {
        let why = refused(&snapshot, &command, 31);
        assert!(why.contains("scaduto il 01/10/2025"), "{why}");
        assert!(why.contains("decadenza"), "{why}");
    }
}

#[test]
fn the_signing_appointment_is_an_agenda_booking_with_the_agendas_number() {
    let mut snapshot = assigned();
    let book = Command::BookSigning {
        id: ApplicationId(1),
        slot: slot(5),
    };
    let events = run(&mut snapshot, &book, 1).unwrap();
    let EventKind::SigningBooked { appointment, .. } = &events[0].kind else {
        panic!("{events:?}");
    };
    assert_eq!(appointment.subject, SIGNING_SUBJECT);
    assert_eq!(appointment.booking_number, "2025-000007");
    assert_eq!(appointment.application, Some(ApplicationId(1)));
    assert_eq!(appointment.call, "erp-2024");
    assert_eq!(snapshot.next_appointment_id, 8);
    assert_eq!(snapshot.appointment.as_ref(), Some(&**appointment));
    assert_eq!(
        snapshot.contract.as_ref().unwrap().signing,
        Some(appointment.id)
    );
    assert_eq!(events[0].application_id(), Some(ApplicationId(1)));
}

#[test]
fn a_signing_appointment_in_the_past_nowhere_taken_or_after_the_term_is_refused() {
    let snapshot = assigned();
    let at = |slot| Command::BookSigning {
        id: ApplicationId(1),
        slot,
    };
    let why = refused(&snapshot, &at(slot(0)), 1);
    assert!(why.contains("nel futuro"), "{why}");
    let mut nowhere = slot(5);
    nowhere.place = "  ".into();
    let why = refused(&snapshot, &at(nowhere), 1);
    assert!(why.contains("luogo"), "{why}");
    let why = refused(&snapshot, &at(slot(31)), 1);
    assert!(why.contains("oltre il termine"), "{why}");
    let mut taken = assigned();
    taken.slot_taken = Some(crate::domain::appointment::AppointmentId(3));
    let why = refused(&taken, &at(slot(5)), 1);
    assert!(why.contains("già occupato"), "{why}");
}

#[test]
fn the_signature_records_the_lease_with_its_deposit_and_dates() {
    let mut snapshot = assigned();
    run(&mut snapshot, &sign(date(3)), 4).unwrap();
    let lease = snapshot.contract.unwrap().lease.unwrap();
    assert_eq!(lease.number.as_str(), "ERAP-2025/0042");
    assert_eq!(lease.starts_on, date(3));
    assert_eq!(lease.deposit, Money::from_cents(37_440));
    assert_eq!(lease.signatory, "mrossi");
    assert_eq!(lease.household_size, 1);
    assert_eq!(lease.dwelling, code());
    assert_eq!(lease.ends_on(), NaiveDate::from_ymd_opt(2028, 9, 4).unwrap());
    assert_eq!(snapshot.dwellings[&code()].state, DwellingState::Locato);
}

#[test]
fn a_second_signature_is_refused() {
    let mut snapshot = assigned();
    run(&mut snapshot, &sign(date(3)), 4).unwrap();
    let why = refused(&snapshot, &sign(date(4)), 4);
    assert!(why.contains("già firmato il 04/09/2025"), "{why}");
    for command in [
        Command::ContractReady { id: ApplicationId(1) },
        Command::BookSigning {
            id: ApplicationId(1),
            slot: slot(6),
        },
    ] {
        let why = refused(&snapshot, &command, 4);
        assert!(why.contains("già firmato"), "{why}");
    }
}

#[test]
fn the_signing_day_is_not_future_nor_before_the_decree() {
    let snapshot = assigned();
    let why = refused(&snapshot, &sign(date(5)), 4);
    assert!(why.contains("giorno futuro"), "{why}");
    let why = refused(&snapshot, &sign(date(-1)), 4);
    assert!(why.contains("prima del provvedimento"), "{why}");
    let mut early = new_lease(date(2));
    early.starts_on = Some(date(-2));
    let why = refused(
        &snapshot,
        &Command::SignLease {
            id: ApplicationId(1),
            lease: Box::new(early),
        },
        4,
    );
    assert!(why.contains("decorrenza"), "{why}");
}

#[test]
fn a_bad_number_terms_or_rent_is_refused() {
    let snapshot = assigned();
    let with = |change: fn(&mut NewLease)| {
        let mut lease = new_lease(date(2));
        change(&mut lease);
        Command::SignLease {
            id: ApplicationId(1),
            lease: Box::new(lease),
        }
    };
    let why = refused(&snapshot, &with(|l| l.number = " ".into()), 4);
    assert!(why.contains("numero"), "{why}");
    let why = refused(&snapshot, &with(|l| l.number = "x".repeat(31)), 4);
    assert!(why.contains("30 caratteri"), "{why}");
    let why = refused(&snapshot, &with(|l| l.terms.duration_years = 0), 4);
    assert!(why.contains("durata"), "{why}");
    let why = refused(&snapshot, &with(|l| l.rent.monthly = Money::ZERO), 4);
    assert!(why.contains("canone"), "{why}");
    let why = refused(&snapshot, &with(|l| l.signatory = Some("a\u{7}b".into())), 4);
    assert!(why.contains("firmatario"), "{why}");
}

#[test]
fn the_signatory_given_signs_for_the_agency() {
    let mut snapshot = assigned();
    let mut lease = new_lease(date(2));
    lease.signatory = Some("  Bianchi Carla ".into());
    lease.starts_on = Some(date(10));
    run(
        &mut snapshot,
        &Command::SignLease {
            id: ApplicationId(1),
            lease: Box::new(lease),
        },
        4,
    )
    .unwrap();
    let lease = snapshot.contract.unwrap().lease.unwrap();
    assert_eq!(lease.signatory, "Bianchi Carla");
    assert_eq!(lease.starts_on, date(10));
}

#[test]
fn a_signed_lease_keeps_its_tenant_out_of_the_rounds_exclusions() {
    let mut snapshot = assigned();
    run(&mut snapshot, &sign(date(3)), 4).unwrap();
    let exclude = Command::ExcludeCandidate {
        id: ApplicationId(1),
        cause: crate::domain::stock::ExclusionCause::MancataOccupazione,
        reason: "non occupato".into(),
    };
    let why = refused(&snapshot, &exclude, 40);
    assert!(why.contains("contratto n. ERAP-2025/0042 firmato"), "{why}");
    let mut unsigned = assigned();
    unsigned.contract = None;
    assert!(decide(&unsigned, &exclude, &Context::new("mrossi", day(40))).is_ok());
}

/// Signed on the decree's day, starting then (1 September 2025).
fn signed() -> Snapshot {
    let mut snapshot = assigned();
    run(&mut snapshot, &sign(date(0)), 0).expect("signed");
    snapshot
}

fn record_isee(cents: u64, valid_until: NaiveDate) -> Command {
    Command::RecordTenantIsee {
        id: ApplicationId(1),
        isee: Money::from_cents(cents),
        valid_until,
    }
}

fn figures(band: &str, cents: u64) -> RentFigures {
    RentFigures {
        version: "esempio-2026".into(),
        band: band.into(),
        steps: vec![RentLine {
            text: "Canone oggettivo: 52,00 m² × 4,80 €/m² (zona media) = 249,60 €".into(),
            amount: Money::from_cents(24_960),
        }],
        monthly: Money::from_cents(cents),
    }
}

fn change(on: NaiveDate, band: &str, cents: u64) -> Command {
    Command::ChangeRent {
        id: ApplicationId(1),
        on,
        rent: figures(band, cents),
        reason: "aggiornamento annuale".into(),
    }
}

fn lease_of(snapshot: &Snapshot) -> &crate::domain::lease::Lease {
    snapshot
        .contract
        .as_ref()
        .and_then(|f| f.lease.as_ref())
        .expect("signed lease")
}

fn year_end(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 12, 31).unwrap()
}

#[test]
fn the_tenants_isee_is_kept_on_the_lease_with_the_day_and_who() {
    let mut snapshot = signed();
    run(&mut snapshot, &record_isee(1_234_567, year_end(2025)), 5).expect("recorded");
    let isee = lease_of(&snapshot).isee.clone().expect("on file");
    assert_eq!(isee.isee, Money::from_cents(1_234_567));
    assert_eq!(isee.valid_until, year_end(2025));
    assert_eq!(isee.recorded_on, date(5));
    assert_eq!(isee.recorded_by, "mrossi");
    // A new attestation replaces it.
    run(&mut snapshot, &record_isee(900_000, year_end(2026)), 6).expect("replaced");
    assert_eq!(
        lease_of(&snapshot).isee_on(year_end(2026)),
        Some(Money::from_cents(900_000))
    );
}

#[test]
fn an_isee_without_a_signed_lease_expired_too_far_ahead_or_repeated_is_refused() {
    let unsigned = assigned();
    let why = refused(&unsigned, &record_isee(100, year_end(2025)), 5);
    assert!(why.contains("non ha un contratto firmato"), "{why}");

    let mut snapshot = signed();
    let why = refused(&snapshot, &record_isee(100, date(4)), 5);
    assert!(why.contains("scaduta il 05/09/2025"), "{why}");
    let why = refused(
        &snapshot,
        &record_isee(100, NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()),
        5,
    );
    assert!(why.contains("31/12/2026"), "{why}");
    assert!(decide(
        &snapshot,
        &record_isee(100, year_end(2026)),
        &Context::new("mrossi", day(5))
    )
    .is_ok());
    run(&mut snapshot, &record_isee(100, year_end(2025)), 5).expect("recorded");
    let why = refused(&snapshot, &record_isee(100, year_end(2025)), 6);
    assert!(why.contains("già registrato"), "{why}");
}

#[test]
fn a_rent_change_is_kept_in_the_history_with_its_steps_and_the_rent_before() {
    let mut snapshot = signed();
    let october = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
    run(&mut snapshot, &change(october, "permanenza", 24_960), 5).expect("changed");
    let lease = lease_of(&snapshot);
    let last = lease.history.last().expect("a change");
    assert_eq!(last.on, october);
    assert_eq!(last.from, Money::from_cents(12_480));
    assert_eq!(last.to, Money::from_cents(24_960));
    assert_eq!(last.version, "esempio-2026");
    assert_eq!(last.band, "permanenza");
    assert_eq!(last.steps.len(), 1);
    assert_eq!(lease.rent_on(october.pred_opt().unwrap()), Money::from_cents(12_480));
    assert_eq!(lease.rent_on(october), Money::from_cents(24_960));
    // The same change again is refused: running the update twice changes nothing.
    let why = refused(&snapshot, &change(october, "permanenza", 24_960), 6);
    assert!(why.contains("nulla da cambiare"), "{why}");
    // A correction on the same day is kept, and is the rent from then on.
    run(&mut snapshot, &change(october, "accesso", 12_480), 6).expect("corrected");
    let lease = lease_of(&snapshot);
    assert_eq!(lease.history.len(), 2);
    assert_eq!(lease.history[1].from, Money::from_cents(24_960));
    assert_eq!(lease.rent_on(october), Money::from_cents(12_480));
}

#[test]
fn a_rent_change_without_a_lease_before_its_start_or_the_last_change_is_refused() {
    let unsigned = assigned();
    let october = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
    let why = refused(&unsigned, &change(october, "permanenza", 24_960), 5);
    assert!(why.contains("non ha un contratto firmato"), "{why}");

    let mut snapshot = signed();
    let why = refused(&snapshot, &change(date(-1), "permanenza", 24_960), 5);
    assert!(why.contains("prima della decorrenza"), "{why}");
    let why = refused(&snapshot, &change(october, "permanenza", 0), 5);
    assert!(why.contains("canone mensile a zero"), "{why}");
    let mut blank = change(october, "permanenza", 24_960);
    if let Command::ChangeRent { reason, .. } = &mut blank {
        reason.clear();
    }
    let why = refused(&snapshot, &blank, 5);
    assert!(why.contains("motivo"), "{why}");
    // The signed rent itself is no change.
    let mut same = change(date(0), "accesso", 12_480);
    if let Command::ChangeRent { rent, .. } = &mut same {
        rent.version = "esempio-2025".into();
    }
    let why = refused(&snapshot, &same, 5);
    assert!(why.contains("nulla da cambiare"), "{why}");

    run(&mut snapshot, &change(october, "permanenza", 24_960), 5).expect("changed");
    let why = refused(
        &snapshot,
        &change(october.pred_opt().unwrap(), "protezione", 4_000),
        6,
    );
    assert!(why.contains("prima dell'ultimo aggiornamento"), "{why}");
}
