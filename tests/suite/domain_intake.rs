//! The intake commands — publication, interested citizens, counter appointments, verifications,
//! the secretarial fee — and protocol patterns, driven only through the pure `decide` +
//! `evolve` pair on snapshots built by hand (no store, no clock).

use crate::common;

use std::collections::BTreeSet;

use alloggi::domain::application::ExclusionReason;
use alloggi::domain::appointment::{AppointmentId, AppointmentState, Citizen, Slot};
use alloggi::domain::command::NewAppointment;
use alloggi::domain::fiscal_code::PersonFiscalCode;
use alloggi::domain::household::Condition;
use alloggi::domain::money::Money;
use alloggi::domain::notice::NoticeNumber;
use alloggi::domain::protocol::ProtocolPattern;
use alloggi::domain::time::{Timestamp, rome_date};
use alloggi::domain::verification::{CheckItem, Requirement};
use alloggi::domain::{
    ApplicationId, Call, Command, Context, DomainError, Event, EventKind, Snapshot, State, decide,
    evolve,
};
use chrono::{Duration, NaiveDate};
use common::*;
use proptest::prelude::*;

const ID: ApplicationId = ApplicationId(1);
const CODE: &str = "erp-2024";
const A1: AppointmentId = AppointmentId(1);

// ---- helpers ------------------------------------------------------------------------------

fn base_snapshot() -> Snapshot {
    snapshot_with_call(call())
}

fn snapshot_with_call(call: Call) -> Snapshot {
    Snapshot {
        active_call: Some(call.code.clone()),
        call: Some(call),
        next_application_id: 1,
        next_protocol_number: 1,
        next_appointment_id: 1,
        ..Snapshot::default()
    }
}

/// The 2024 call with a secretarial fee of `cents`.
fn call_with_fee(cents: u64) -> Call {
    Call {
        secretarial_fee: Money::from_cents(cents),
        ..call()
    }
}

/// Runs `command` through decide and evolve, panicking with the refusal if it is refused.
fn apply(snapshot: &mut Snapshot, command: &Command, ctx: &Context) -> Vec<Event> {
    let events = decide(snapshot, command, ctx)
        .unwrap_or_else(|e| panic!("{command:?} refused unexpectedly: {e}"));
    for event in &events {
        evolve(snapshot, event).unwrap_or_else(|e| panic!("evolve {event:?} failed: {e}"));
    }
    events
}

/// The refusal of `command`; panics if it is accepted.
fn refused(snapshot: &Snapshot, command: &Command, ctx: &Context) -> DomainError {
    match decide(snapshot, command, ctx) {
        Ok(events) => panic!("{command:?} accepted: {events:?}"),
        Err(e) => e,
    }
}

/// Field and reason of a `DomainError::Invalid`.
fn invalid(error: DomainError) -> (&'static str, String) {
    match error {
        DomainError::Invalid { field, reason } => (field, reason),
        other => panic!("expected DomainError::Invalid, got {other:?}"),
    }
}

fn single_event(events: &[Event]) -> &EventKind {
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].actor, ACTOR);
    assert_eq!(events[0].at, office_time());
    &events[0].kind
}

fn exclude_cmd() -> Command {
    Command::Exclude {
        id: ID,
        reason: ExclusionReason::RequisitoMancante,
        note: "residenza non verificata".to_string(),
    }
}

/// The complete application of `common::family()` (declaring `conditions`), driven into `state`
/// under `call`.
fn application_in(call: Call, conditions: &[Condition], state: State) -> Snapshot {
    let mut s = snapshot_with_call(call);
    let new = alloggi::domain::command::NewApplication {
        declaration: declaration(conditions),
        ..new_application(family())
    };
    let c = ctx();
    apply(&mut s, &Command::ReceiveApplication(Box::new(new)), &c);
    let path: Vec<Command> = match state {
        State::Ricevuta => vec![],
        State::Protocollata => vec![register(ID)],
        State::InIstruttoria => vec![register(ID), Command::StartReview { id: ID }],
        State::Esclusa => vec![register(ID), Command::StartReview { id: ID }, exclude_cmd()],
        State::Ammessa => vec![register(ID), Command::StartReview { id: ID }]
            .into_iter()
            .chain(verify_requirements(ID))
            .chain([Command::Admit {
                waiver: None,
                id: ID,
                note: String::new(),
            }])
            .collect(),
        State::IntegrazioneRichiesta => vec![
            register(ID),
            Command::StartReview { id: ID },
            Command::RequestIntegration {
                id: ID,
                documents: vec!["contratto_affitto".to_string()],
                deadline: None,
            },
        ],
    };
    for command in &path {
        apply(&mut s, command, &c);
    }
    assert_eq!(
        s.application.as_ref().map(|a| a.state),
        Some(state),
        "setup reached the wrong state"
    );
    s
}

fn registered() -> Snapshot {
    application_in(call_with_fee(2500), &[], State::Protocollata)
}

fn notice() -> NoticeNumber {
    NoticeNumber::aux3(1, 2_026_000_000_123).expect("notice number")
}

fn other_notice() -> NoticeNumber {
    NoticeNumber::aux3(1, 2_026_000_000_456).expect("notice number")
}

fn today() -> NaiveDate {
    rome_date(office_time())
}

fn issue_fee(amount: Option<u64>, due: NaiveDate) -> Command {
    Command::IssueFee {
        id: ID,
        notice: notice(),
        amount: amount.map(Money::from_cents),
        due,
    }
}

/// A registered application under a call with a 25,00 € fee, its notice issued today and due
/// in 30 days.
fn with_fee() -> Snapshot {
    let mut s = registered();
    apply(
        &mut s,
        &issue_fee(None, today() + Duration::days(30)),
        &ctx(),
    );
    s
}

fn pay(paid_on: NaiveDate) -> Command {
    Command::RecordPayment { id: ID, paid_on }
}

fn remind() -> Command {
    Command::RemindFee { id: ID }
}

fn verify(item: CheckItem, verified: bool, note: &str) -> Command {
    Command::Verify {
        id: ID,
        item,
        verified,
        note: note.to_string(),
    }
}

fn person(i: usize) -> PersonFiscalCode {
    five_applicants()[i].fiscal_code.clone()
}

fn add_interested(codes: &[PersonFiscalCode]) -> Command {
    Command::AddInterested {
        call: CODE.to_string(),
        fiscal_codes: codes.to_vec(),
    }
}

fn remove_interested(code: PersonFiscalCode) -> Command {
    Command::RemoveInterested {
        call: CODE.to_string(),
        fiscal_code: code,
    }
}

fn publish(code: &str) -> Command {
    Command::PublishCall {
        code: code.to_string(),
    }
}

/// 10:00 in Rome on 10/12/2024 (a Tuesday), eight days after `office_time()`.
fn slot_time() -> Timestamp {
    ts(2024, 12, 10, 9, 0, 0)
}

fn slot(at: Timestamp, place: &str) -> Slot {
    Slot {
        at,
        place: place.to_string(),
    }
}

fn new_appointment(at: Timestamp, place: &str, subject: &str) -> NewAppointment {
    NewAppointment {
        citizen: Citizen {
            fiscal_code: person(1),
            name: "  Verdi Giulia ".to_string(),
        },
        application: None,
        subject: subject.to_string(),
        slot: slot(at, place),
    }
}

fn book(at: Timestamp, place: &str) -> Command {
    Command::BookAppointment(Box::new(new_appointment(
        at,
        place,
        "presentare la domanda",
    )))
}

/// One booking, A1, at `slot_time()` at "Sportello 1".
fn booked() -> Snapshot {
    let mut s = base_snapshot();
    apply(&mut s, &book(slot_time(), "Sportello 1"), &ctx());
    s
}

fn reschedule(id: AppointmentId, at: Timestamp, place: &str) -> Command {
    Command::RescheduleAppointment {
        id,
        slot: slot(at, place),
    }
}

fn cancel(id: AppointmentId, reason: &str) -> Command {
    Command::CancelAppointment {
        id,
        reason: reason.to_string(),
    }
}

// ---- publication ----------------------------------------------------------------------------

#[test]
fn publishing_the_call_records_the_instant_of_publication() {
    let mut s = base_snapshot();
    assert_eq!(s.call.as_ref().unwrap().published_at, None);
    let events = apply(&mut s, &publish(CODE), &ctx());
    assert_eq!(
        single_event(&events),
        &EventKind::CallPublished {
            code: CODE.to_string()
        }
    );
    assert_eq!(events[0].kind_name(), "bando_pubblicato");
    assert_eq!(events[0].application_id(), None);
    assert_eq!(s.call.as_ref().unwrap().published_at, Some(office_time()));
}

#[test]
fn a_call_cannot_be_published_twice() {
    let mut s = base_snapshot();
    apply(&mut s, &publish(CODE), &ctx());
    let later = ctx_at(office_time() + Duration::days(3));
    let (field, reason) = invalid(refused(&s, &publish(CODE), &later));
    assert_eq!(field, "bando");
    assert!(reason.contains("già pubblicato il 02/12/2024"), "{reason}");
    // The first publication stands.
    assert_eq!(s.call.as_ref().unwrap().published_at, Some(office_time()));
}

#[test]
fn publishing_a_call_other_than_the_loaded_one_is_refused_as_unknown() {
    let s = base_snapshot();
    assert_eq!(
        refused(&s, &publish("erp-2099"), &ctx()),
        DomainError::UnknownCall("erp-2099".to_string())
    );
}

#[test]
fn publishing_a_call_that_does_not_exist_is_refused_as_unknown() {
    // What the store loads for a code it does not find: no call, though one is active.
    let s = Snapshot {
        call: None,
        ..base_snapshot()
    };
    assert_eq!(
        refused(&s, &publish("erp-2099"), &ctx()),
        DomainError::UnknownCall("erp-2099".to_string())
    );
}

#[test]
fn saving_a_new_version_of_a_published_call_keeps_its_publication() {
    let mut s = base_snapshot();
    apply(&mut s, &publish(CODE), &ctx());
    let mut new_version = call();
    new_version.title = "Bando ERP 2024 (rettifica)".to_string();
    assert_eq!(new_version.published_at, None);
    let later = ctx_at(office_time() + Duration::days(1));
    let events = apply(&mut s, &Command::SaveCall(Box::new(new_version)), &later);
    match &events[0].kind {
        EventKind::CallSaved { call } => {
            assert_eq!(call.published_at, Some(office_time()));
            assert_eq!(call.title, "Bando ERP 2024 (rettifica)");
        }
        other => panic!("expected CallSaved, got {other:?}"),
    }
    assert_eq!(s.call.as_ref().unwrap().published_at, Some(office_time()));
    // Still published: publishing again is refused.
    assert_eq!(invalid(refused(&s, &publish(CODE), &later)).0, "bando");
}

#[test]
fn saving_another_call_does_not_inherit_the_loaded_calls_publication() {
    let mut s = base_snapshot();
    apply(&mut s, &publish(CODE), &ctx());
    let mut other = call();
    other.code = "erp-2026".to_string();
    let events = apply(&mut s, &Command::SaveCall(Box::new(other)), &ctx());
    match &events[0].kind {
        EventKind::CallSaved { call } => assert_eq!(call.published_at, None),
        other => panic!("expected CallSaved, got {other:?}"),
    }
}

// ---- interested citizens ------------------------------------------------------------------

#[test]
fn adding_interested_citizens_lists_them_with_who_added_them_and_when() {
    let mut s = base_snapshot();
    let events = apply(&mut s, &add_interested(&[person(0), person(1)]), &ctx());
    assert_eq!(
        single_event(&events),
        &EventKind::InterestedAdded {
            call: CODE.to_string(),
            fiscal_codes: vec![
                person(0).as_str().to_string(),
                person(1).as_str().to_string()
            ],
        }
    );
    assert_eq!(events[0].kind_name(), "interessati_aggiunti");
    assert_eq!(
        s.interested.keys().cloned().collect::<BTreeSet<_>>(),
        BTreeSet::from([
            person(0).as_str().to_string(),
            person(1).as_str().to_string()
        ])
    );
    let entry = &s.interested[person(1).as_str()];
    assert_eq!(entry.fiscal_code, person(1));
    assert_eq!(entry.added_at, office_time());
    assert_eq!(entry.added_by, ACTOR);
}

#[test]
fn duplicates_inside_one_addition_collapse_to_one() {
    let s = base_snapshot();
    let events = decide(
        &s,
        &add_interested(&[person(2), person(2), person(3), person(2)]),
        &ctx(),
    )
    .expect("accepted");
    match single_event(&events) {
        EventKind::InterestedAdded { fiscal_codes, .. } => assert_eq!(
            fiscal_codes,
            &vec![
                person(2).as_str().to_string(),
                person(3).as_str().to_string()
            ]
        ),
        other => panic!("expected InterestedAdded, got {other:?}"),
    }
}

#[test]
fn adding_citizens_already_listed_adds_only_the_new_ones() {
    let mut s = base_snapshot();
    apply(&mut s, &add_interested(&[person(0)]), &ctx());
    let later = ctx_at(office_time() + Duration::hours(2));
    let events = apply(&mut s, &add_interested(&[person(0), person(4)]), &later);
    match &events[0].kind {
        EventKind::InterestedAdded { fiscal_codes, .. } => {
            assert_eq!(fiscal_codes, &vec![person(4).as_str().to_string()]);
        }
        other => panic!("expected InterestedAdded, got {other:?}"),
    }
    assert_eq!(s.interested.len(), 2);
    // The citizen listed first keeps the instant they were added.
    assert_eq!(s.interested[person(0).as_str()].added_at, office_time());
    assert_eq!(s.interested[person(4).as_str()].added_at, later.now);
}

#[test]
fn adding_only_citizens_already_listed_is_refused() {
    let mut s = base_snapshot();
    apply(&mut s, &add_interested(&[person(0), person(1)]), &ctx());
    let (field, reason) = invalid(refused(
        &s,
        &add_interested(&[person(1), person(0), person(1)]),
        &ctx(),
    ));
    assert_eq!(field, "interessati");
    assert!(reason.contains("già tutti"), "{reason}");
}

#[test]
fn adding_an_empty_list_of_citizens_is_refused() {
    let (field, _) = invalid(refused(&base_snapshot(), &add_interested(&[]), &ctx()));
    assert_eq!(field, "interessati");
}

#[test]
fn interested_citizens_of_another_call_are_refused_as_unknown_call() {
    let s = base_snapshot();
    let add = Command::AddInterested {
        call: "erp-2099".to_string(),
        fiscal_codes: vec![person(0)],
    };
    assert_eq!(
        refused(&s, &add, &ctx()),
        DomainError::UnknownCall("erp-2099".to_string())
    );
    let remove = Command::RemoveInterested {
        call: "erp-2099".to_string(),
        fiscal_code: person(0),
    };
    assert_eq!(
        refused(&s, &remove, &ctx()),
        DomainError::UnknownCall("erp-2099".to_string())
    );
}

#[test]
fn removing_an_interested_citizen_takes_them_off_the_list() {
    let mut s = base_snapshot();
    apply(&mut s, &add_interested(&[person(0), person(1)]), &ctx());
    let events = apply(&mut s, &remove_interested(person(0)), &ctx());
    assert_eq!(
        single_event(&events),
        &EventKind::InterestedRemoved {
            call: CODE.to_string(),
            fiscal_code: person(0).as_str().to_string(),
        }
    );
    assert_eq!(events[0].kind_name(), "interessato_rimosso");
    assert!(!s.interested.contains_key(person(0).as_str()));
    assert!(s.interested.contains_key(person(1).as_str()));
}

#[test]
fn removing_a_citizen_who_is_not_listed_is_refused() {
    let mut s = base_snapshot();
    apply(&mut s, &add_interested(&[person(0)]), &ctx());
    let (field, reason) = invalid(refused(&s, &remove_interested(person(3)), &ctx()));
    assert_eq!(field, "interessati");
    assert!(reason.contains(person(3).as_str()), "{reason}");
    assert!(reason.contains("non è nell'elenco"), "{reason}");
    // Removed once, the second removal is refused too.
    apply(&mut s, &remove_interested(person(0)), &ctx());
    assert_eq!(
        invalid(refused(&s, &remove_interested(person(0)), &ctx())).0,
        "interessati"
    );
}

// ---- appointments ---------------------------------------------------------------------------

#[test]
fn booking_gives_the_next_id_a_booking_number_and_trimmed_texts() {
    let mut s = base_snapshot();
    s.next_appointment_id = 42;
    let command = Command::BookAppointment(Box::new(new_appointment(
        slot_time(),
        "  Sportello 1, Via Mazzini 4 ",
        "  presentare la domanda ",
    )));
    let events = apply(&mut s, &command, &ctx());
    let appointment = match single_event(&events) {
        EventKind::AppointmentBooked { appointment } => appointment.clone(),
        other => panic!("expected AppointmentBooked, got {other:?}"),
    };
    assert_eq!(events[0].kind_name(), "appuntamento_prenotato");
    assert_eq!(appointment.id, AppointmentId(42));
    assert_eq!(appointment.booking_number, "2024-000042");
    assert_eq!(appointment.call, CODE);
    assert_eq!(appointment.citizen.fiscal_code, person(1));
    assert_eq!(appointment.citizen.name, "Verdi Giulia");
    assert_eq!(appointment.application, None);
    assert_eq!(appointment.subject, "presentare la domanda");
    assert_eq!(appointment.slot.place, "Sportello 1, Via Mazzini 4");
    assert_eq!(appointment.slot.at, slot_time());
    assert_eq!(appointment.state, AppointmentState::Prenotato);
    assert_eq!(appointment.booked_at, office_time());
    assert_eq!(appointment.booked_by, ACTOR);
    assert_eq!(s.next_appointment_id, 43);
    assert_eq!(s.appointment.as_ref(), Some(&*appointment));
    assert!(events[0].summary().contains("2024-000042"));
    assert!(events[0].summary().contains("10/12/2024 alle 10:00"));
}

#[test]
fn a_booking_about_an_application_is_linked_to_it() {
    let mut s = registered();
    let mut new = new_appointment(slot_time(), "Sportello 1", "consegnare documenti");
    new.application = Some(ID);
    let events = apply(&mut s, &Command::BookAppointment(Box::new(new)), &ctx());
    assert_eq!(events[0].application_id(), Some(ID));
    assert_eq!(s.appointment.as_ref().unwrap().application, Some(ID));
}

#[test]
fn a_booking_about_an_unknown_application_is_refused() {
    let mut new = new_appointment(slot_time(), "Sportello 1", "consegnare documenti");
    new.application = Some(ApplicationId(9));
    assert_eq!(
        refused(
            &base_snapshot(),
            &Command::BookAppointment(Box::new(new)),
            &ctx()
        ),
        DomainError::UnknownApplication(ApplicationId(9))
    );
}

#[test]
fn booking_without_a_call_is_refused() {
    let s = Snapshot {
        call: None,
        active_call: None,
        ..base_snapshot()
    };
    assert_eq!(
        refused(&s, &book(slot_time(), "Sportello 1"), &ctx()),
        DomainError::NoActiveCall
    );
}

#[test]
fn booking_now_or_in_the_past_is_refused() {
    let s = base_snapshot();
    for at in [
        office_time(),
        office_time() - Duration::seconds(1),
        ts(2024, 1, 1, 9, 0, 0),
    ] {
        let (field, reason) = invalid(refused(&s, &book(at, "Sportello 1"), &ctx()));
        assert_eq!(field, "quando", "{at}");
        assert!(reason.contains("nel futuro"), "{reason}");
    }
    // One second later is bookable.
    assert!(
        decide(
            &s,
            &book(office_time() + Duration::seconds(1), "Sportello 1"),
            &ctx()
        )
        .is_ok()
    );
}

#[test]
fn booking_without_a_place_is_refused() {
    let s = base_snapshot();
    for place in ["", "   ", "\t"] {
        let (field, reason) = invalid(refused(&s, &book(slot_time(), place), &ctx()));
        assert_eq!(field, "luogo", "{place:?}");
        assert_eq!(reason, "mancante");
    }
    let (field, reason) = invalid(refused(&s, &book(slot_time(), "Sportello\n1"), &ctx()));
    assert_eq!(field, "luogo");
    assert!(reason.contains("controllo"), "{reason}");
}

#[test]
fn booking_a_place_and_instant_already_held_is_refused() {
    let s = Snapshot {
        slot_taken: Some(AppointmentId(7)),
        ..base_snapshot()
    };
    let (field, reason) = invalid(refused(&s, &book(slot_time(), "Sportello 1"), &ctx()));
    assert_eq!(field, "quando");
    assert!(reason.contains("già occupato"), "{reason}");
    assert!(reason.contains("A7"), "{reason}");
    assert!(reason.contains("10/12/2024 alle 10:00"), "{reason}");
}

#[test]
fn a_subject_longer_than_120_characters_is_refused() {
    let s = base_snapshot();
    let at_limit = "à".repeat(120);
    let command = Command::BookAppointment(Box::new(new_appointment(
        slot_time(),
        "Sportello 1",
        &at_limit,
    )));
    assert!(decide(&s, &command, &ctx()).is_ok(), "120 characters fit");
    let command = Command::BookAppointment(Box::new(new_appointment(
        slot_time(),
        "Sportello 1",
        &"à".repeat(121),
    )));
    let (field, reason) = invalid(refused(&s, &command, &ctx()));
    assert_eq!(field, "oggetto");
    assert!(reason.contains("120"), "{reason}");
    let command =
        Command::BookAppointment(Box::new(new_appointment(slot_time(), "Sportello 1", "  ")));
    assert_eq!(invalid(refused(&s, &command, &ctx())).0, "oggetto");
}

#[test]
fn a_zero_appointment_counter_is_an_internal_error_not_a_panic() {
    let s = Snapshot {
        next_appointment_id: 0,
        ..base_snapshot()
    };
    assert!(matches!(
        refused(&s, &book(slot_time(), "Sportello 1"), &ctx()),
        DomainError::Internal(_)
    ));
}

#[test]
fn rescheduling_moves_the_booking_and_keeps_its_number() {
    let mut s = booked();
    let number = s.appointment.as_ref().unwrap().booking_number.clone();
    let new_at = ts(2024, 12, 11, 14, 30, 0);
    let events = apply(&mut s, &reschedule(A1, new_at, " Sportello 2 "), &ctx());
    assert_eq!(
        single_event(&events),
        &EventKind::AppointmentRescheduled {
            id: A1,
            slot: slot(new_at, "Sportello 2"),
            application: None,
        }
    );
    assert_eq!(events[0].kind_name(), "appuntamento_spostato");
    let appointment = s.appointment.as_ref().unwrap();
    assert_eq!(appointment.slot, slot(new_at, "Sportello 2"));
    assert_eq!(appointment.booking_number, number);
    assert!(appointment.is_active());
    assert_eq!(s.next_appointment_id, 2, "moving a booking takes no new id");
}

#[test]
fn rescheduling_to_the_same_place_and_instant_is_refused() {
    let s = booked();
    for place in ["Sportello 1", "  Sportello 1  "] {
        let (field, reason) = invalid(refused(&s, &reschedule(A1, slot_time(), place), &ctx()));
        assert_eq!(field, "quando");
        assert!(reason.contains("già fissato"), "{reason}");
    }
}

#[test]
fn rescheduling_a_cancelled_appointment_is_refused() {
    let mut s = booked();
    apply(&mut s, &cancel(A1, "rinuncia"), &ctx());
    let (field, reason) = invalid(refused(
        &s,
        &reschedule(A1, ts(2024, 12, 11, 9, 0, 0), "Sportello 1"),
        &ctx(),
    ));
    assert_eq!(field, "appuntamento");
    assert!(reason.contains("A1 è già annullato"), "{reason}");
}

#[test]
fn rescheduling_an_unknown_appointment_is_refused() {
    let s = booked();
    let (field, reason) = invalid(refused(
        &s,
        &reschedule(AppointmentId(9), ts(2024, 12, 11, 9, 0, 0), "Sportello 1"),
        &ctx(),
    ));
    assert_eq!(field, "appuntamento");
    assert!(reason.contains("A9 inesistente"), "{reason}");
    // With nothing loaded at all.
    let (field, _) = invalid(refused(
        &base_snapshot(),
        &reschedule(A1, ts(2024, 12, 11, 9, 0, 0), "Sportello 1"),
        &ctx(),
    ));
    assert_eq!(field, "appuntamento");
}

#[test]
fn rescheduling_into_the_past_or_onto_a_held_slot_is_refused() {
    let s = booked();
    let (field, _) = invalid(refused(
        &s,
        &reschedule(A1, office_time() - Duration::hours(1), "Sportello 1"),
        &ctx(),
    ));
    assert_eq!(field, "quando");
    let held = Snapshot {
        slot_taken: Some(AppointmentId(3)),
        ..s
    };
    let (field, reason) = invalid(refused(
        &held,
        &reschedule(A1, ts(2024, 12, 11, 9, 0, 0), "Sportello 1"),
        &ctx(),
    ));
    assert_eq!(field, "quando");
    assert!(reason.contains("A3"), "{reason}");
}

#[test]
fn cancelling_records_the_reason_and_keeps_the_slot_on_record() {
    let mut s = booked();
    let events = apply(&mut s, &cancel(A1, "  impedimento del cittadino "), &ctx());
    assert_eq!(
        single_event(&events),
        &EventKind::AppointmentCancelled {
            id: A1,
            application: None
        }
    );
    assert_eq!(events[0].kind_name(), "appuntamento_annullato");
    assert_eq!(
        events[0].reason.as_deref(),
        Some("impedimento del cittadino")
    );
    let appointment = s.appointment.as_ref().unwrap();
    assert_eq!(
        appointment.state,
        AppointmentState::Annullato {
            at: office_time(),
            reason: "impedimento del cittadino".to_string()
        }
    );
    assert!(!appointment.is_active());
    assert_eq!(appointment.slot, slot(slot_time(), "Sportello 1"));
}

#[test]
fn cancelling_without_a_reason_is_refused() {
    let s = booked();
    for reason in ["", "   "] {
        assert_eq!(
            refused(&s, &cancel(A1, reason), &ctx()),
            DomainError::MissingReason
        );
    }
}

#[test]
fn cancelling_twice_or_an_unknown_appointment_is_refused() {
    let mut s = booked();
    let (field, _) = invalid(refused(&s, &cancel(AppointmentId(2), "errore"), &ctx()));
    assert_eq!(field, "appuntamento");
    apply(&mut s, &cancel(A1, "errore"), &ctx());
    let (field, reason) = invalid(refused(&s, &cancel(A1, "di nuovo"), &ctx()));
    assert_eq!(field, "appuntamento");
    assert!(reason.contains("già annullato"), "{reason}");
}

#[test]
fn moving_or_cancelling_a_booking_about_an_application_names_it_in_the_event() {
    let mut s = registered();
    let mut new = new_appointment(slot_time(), "Sportello 1", "consegnare documenti");
    new.application = Some(ID);
    apply(&mut s, &Command::BookAppointment(Box::new(new)), &ctx());
    let events = apply(
        &mut s,
        &reschedule(A1, ts(2024, 12, 12, 9, 0, 0), "Sportello 1"),
        &ctx(),
    );
    assert_eq!(events[0].application_id(), Some(ID));
    let events = apply(&mut s, &cancel(A1, "rinuncia"), &ctx());
    assert_eq!(events[0].application_id(), Some(ID));
}

// ---- verifications ------------------------------------------------------------------------

#[test]
fn verifying_a_requirement_records_who_and_when() {
    let mut s = application_in(call(), &[], State::InIstruttoria);
    let item = CheckItem::Requisito(Requirement::Isee);
    let events = apply(&mut s, &verify(item, true, "  "), &ctx());
    assert_eq!(
        single_event(&events),
        &EventKind::ItemVerified {
            id: ID,
            item,
            verified: true
        }
    );
    assert_eq!(events[0].kind_name(), "verifica_registrata");
    assert_eq!(events[0].reason, None);
    let found = &s.application.as_ref().unwrap().verifications[&item];
    assert!(found.verified);
    assert_eq!(found.note, "");
    assert_eq!(found.by, ACTOR);
    assert_eq!(found.at, office_time());
}

#[test]
fn an_item_not_verified_needs_a_note_and_keeps_it() {
    let mut s = application_in(call(), &[], State::InIstruttoria);
    let item = CheckItem::Requisito(Requirement::ResidenzaOLavoro);
    assert_eq!(
        refused(&s, &verify(item, false, "   "), &ctx()),
        DomainError::MissingReason
    );
    let events = apply(
        &mut s,
        &verify(item, false, " residenza non risulta in anagrafe "),
        &ctx(),
    );
    assert_eq!(
        events[0].reason.as_deref(),
        Some("residenza non risulta in anagrafe")
    );
    let found = &s.application.as_ref().unwrap().verifications[&item];
    assert!(!found.verified);
    assert_eq!(found.note, "residenza non risulta in anagrafe");
}

#[test]
fn a_later_verification_of_the_same_item_replaces_the_earlier() {
    let mut s = application_in(call(), &[], State::InIstruttoria);
    let item = CheckItem::Requisito(Requirement::Cittadinanza);
    apply(&mut s, &verify(item, false, "permesso scaduto"), &ctx());
    let later = ctx_at(office_time() + Duration::days(2));
    apply(&mut s, &verify(item, true, "permesso rinnovato"), &later);
    let app = s.application.as_ref().unwrap();
    assert_eq!(app.verifications.len(), 1);
    assert!(app.verifications[&item].verified);
    assert_eq!(app.verifications[&item].at, later.now);
}

#[test]
fn verifying_a_declared_condition_is_accepted_and_an_undeclared_one_refused() {
    let mut s = application_in(call(), &[Condition::OrdineRilascio], State::InIstruttoria);
    apply(
        &mut s,
        &verify(CheckItem::Condizione(Condition::OrdineRilascio), true, ""),
        &ctx(),
    );
    let (field, reason) = invalid(refused(
        &s,
        &verify(
            CheckItem::Condizione(Condition::AlloggioAntigienico),
            true,
            "",
        ),
        &ctx(),
    ));
    assert_eq!(field, "voce");
    assert!(reason.contains("non è stata dichiarata"), "{reason}");
}

#[test]
fn every_requirement_can_be_verified_on_every_application() {
    let s = application_in(call(), &[], State::Protocollata);
    for requirement in Requirement::ALL {
        assert!(
            decide(
                &s,
                &verify(CheckItem::Requisito(requirement), true, ""),
                &ctx()
            )
            .is_ok(),
            "{requirement:?}"
        );
    }
}

#[test]
fn verifying_on_an_excluded_application_is_refused() {
    let s = application_in(call(), &[], State::Esclusa);
    assert!(matches!(
        refused(
            &s,
            &verify(CheckItem::Requisito(Requirement::Isee), true, ""),
            &ctx()
        ),
        DomainError::NotAllowedInState {
            state: State::Esclusa,
            ..
        }
    ));
}

#[test]
fn a_verified_application_round_trips_through_json() {
    let mut s = application_in(call(), &[Condition::OrdineRilascio], State::InIstruttoria);
    apply(
        &mut s,
        &verify(CheckItem::Requisito(Requirement::Isee), true, ""),
        &ctx(),
    );
    apply(
        &mut s,
        &verify(
            CheckItem::Condizione(Condition::OrdineRilascio),
            false,
            "ordine non allegato",
        ),
        &ctx(),
    );
    let app = s.application.clone().unwrap();
    let json = serde_json::to_string(&app).expect("an application encodes");
    let back: alloggi::domain::Application = serde_json::from_str(&json).expect("and decodes");
    assert_eq!(back, app);
}

#[test]
fn verifying_an_unknown_application_is_refused() {
    let s = application_in(call(), &[], State::InIstruttoria);
    let command = Command::Verify {
        id: ApplicationId(2),
        item: CheckItem::Requisito(Requirement::Isee),
        verified: true,
        note: String::new(),
    };
    assert_eq!(
        refused(&s, &command, &ctx()),
        DomainError::UnknownApplication(ApplicationId(2))
    );
}

// ---- the secretarial fee --------------------------------------------------------------------

#[test]
fn the_fee_amount_defaults_to_the_calls_secretarial_fee() {
    let mut s = registered();
    let due = today() + Duration::days(30);
    let events = apply(&mut s, &issue_fee(None, due), &ctx());
    let fee = match single_event(&events) {
        EventKind::FeeIssued { id, fee } => {
            assert_eq!(*id, ID);
            fee.clone()
        }
        other => panic!("expected FeeIssued, got {other:?}"),
    };
    assert_eq!(events[0].kind_name(), "avviso_segreteria_emesso");
    assert_eq!(fee.amount, Money::from_cents(2500));
    assert_eq!(fee.notice, notice());
    assert_eq!(fee.due, due);
    assert_eq!(fee.reason, "spese di segreteria della domanda 2024/000001");
    assert_eq!(fee.issued_at, office_time());
    assert_eq!(fee.issued_by, ACTOR);
    assert_eq!(fee.payment, None);
    assert!(fee.reminders.is_empty());
    assert_eq!(s.application.as_ref().unwrap().fee.as_ref(), Some(&*fee));
    assert!(
        events[0].summary().contains("25,00 €"),
        "{}",
        events[0].summary()
    );
}

#[test]
fn an_explicit_fee_amount_overrides_the_calls() {
    let mut s = registered();
    apply(&mut s, &issue_fee(Some(1_050), today()), &ctx());
    let fee = s.application.as_ref().unwrap().fee.clone().unwrap();
    assert_eq!(fee.amount, Money::from_cents(1_050));
    assert_eq!(fee.due, today(), "due today is not in the past");
}

#[test]
fn a_zero_fee_is_refused_when_the_call_sets_none() {
    let s = application_in(call(), &[], State::Protocollata);
    assert_eq!(
        call().secretarial_fee,
        Money::ZERO,
        "the fixture sets no fee"
    );
    let due = today() + Duration::days(30);
    let (field, reason) = invalid(refused(&s, &issue_fee(None, due), &ctx()));
    assert_eq!(field, "importo");
    assert!(reason.contains("maggiore di zero"), "{reason}");
    let (field, _) = invalid(refused(&s, &issue_fee(Some(0), due), &ctx()));
    assert_eq!(field, "importo");
    // An explicit amount is enough.
    assert!(decide(&s, &issue_fee(Some(1_600), due), &ctx()).is_ok());
}

#[test]
fn a_fee_before_registration_is_refused() {
    let s = application_in(call_with_fee(2500), &[], State::Ricevuta);
    assert!(matches!(
        refused(&s, &issue_fee(None, today() + Duration::days(30)), &ctx()),
        DomainError::NotAllowedInState {
            state: State::Ricevuta,
            ..
        }
    ));
}

#[test]
fn a_fee_on_an_excluded_application_is_refused() {
    let s = application_in(call_with_fee(2500), &[], State::Esclusa);
    assert!(matches!(
        refused(&s, &issue_fee(None, today() + Duration::days(30)), &ctx()),
        DomainError::NotAllowedInState {
            state: State::Esclusa,
            ..
        }
    ));
}

#[test]
fn a_second_fee_notice_is_refused() {
    let s = with_fee();
    let command = Command::IssueFee {
        id: ID,
        notice: other_notice(),
        amount: Some(Money::from_cents(900)),
        due: today() + Duration::days(10),
    };
    let (field, reason) = invalid(refused(&s, &command, &ctx()));
    assert_eq!(field, "avviso");
    assert!(reason.contains(notice().as_str()), "{reason}");
    // Paid, still refused.
    let mut paid = s.clone();
    apply(&mut paid, &pay(today()), &ctx());
    assert_eq!(invalid(refused(&paid, &command, &ctx())).0, "avviso");
}

#[test]
fn a_fee_due_in_the_past_is_refused_by_the_rome_calendar() {
    let s = registered();
    let (field, reason) = invalid(refused(
        &s,
        &issue_fee(None, today() - Duration::days(1)),
        &ctx(),
    ));
    assert_eq!(field, "scadenza");
    assert!(reason.contains("passato"), "{reason}");
    // 23:30 UTC on 02/12 is already 03/12 in Rome: due 02/12 is in the past there.
    let night = ctx_at(ts(2024, 12, 2, 23, 30, 0));
    assert_eq!(
        invalid(refused(&s, &issue_fee(None, date(2024, 12, 2)), &night)).0,
        "scadenza"
    );
    assert!(decide(&s, &issue_fee(None, date(2024, 12, 3)), &night).is_ok());
}

#[test]
fn a_fee_on_an_unknown_application_is_refused() {
    let s = registered();
    let command = Command::IssueFee {
        id: ApplicationId(3),
        notice: notice(),
        amount: None,
        due: today(),
    };
    assert_eq!(
        refused(&s, &command, &ctx()),
        DomainError::UnknownApplication(ApplicationId(3))
    );
}

#[test]
fn recording_the_payment_marks_the_fee_paid() {
    let mut s = with_fee();
    let later = ctx_at(office_time() + Duration::days(5));
    let paid_on = today() + Duration::days(3);
    let events = apply(&mut s, &pay(paid_on), &later);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, EventKind::FeePaid { id: ID, paid_on });
    assert_eq!(events[0].kind_name(), "pagamento_registrato");
    let fee = s.application.as_ref().unwrap().fee.clone().unwrap();
    assert!(fee.is_paid());
    let payment = fee.payment.unwrap();
    assert_eq!(payment.paid_on, paid_on);
    assert_eq!(payment.recorded_at, later.now);
    assert_eq!(payment.recorded_by, ACTOR);
}

#[test]
fn a_payment_without_a_fee_is_refused() {
    let s = registered();
    let (field, reason) = invalid(refused(&s, &pay(today()), &ctx()));
    assert_eq!(field, "avviso");
    assert!(reason.contains("nessun avviso"), "{reason}");
}

#[test]
fn a_payment_recorded_twice_is_refused() {
    let mut s = with_fee();
    apply(&mut s, &pay(today()), &ctx());
    let (field, reason) = invalid(refused(&s, &pay(today()), &ctx()));
    assert_eq!(field, "avviso");
    assert!(reason.contains("già pagato"), "{reason}");
}

#[test]
fn a_payment_in_the_future_is_refused() {
    let s = with_fee();
    let (field, reason) = invalid(refused(&s, &pay(today() + Duration::days(1)), &ctx()));
    assert_eq!(field, "data_pagamento");
    assert!(reason.contains("futuro"), "{reason}");
    // Rome's today, not UTC's: at 23:30 UTC on 02/12 it is 03/12 in Rome.
    let night = ctx_at(ts(2024, 12, 2, 23, 30, 0));
    assert!(decide(&s, &pay(date(2024, 12, 3)), &night).is_ok());
}

#[test]
fn a_payment_before_the_notice_was_issued_is_refused() {
    let s = with_fee();
    let (field, reason) = invalid(refused(&s, &pay(today() - Duration::days(1)), &ctx()));
    assert_eq!(field, "data_pagamento");
    assert!(reason.contains("precede"), "{reason}");
    assert!(
        decide(&s, &pay(today()), &ctx()).is_ok(),
        "same day is fine"
    );
}

#[test]
fn a_payment_after_exclusion_is_still_recorded() {
    // The citizen paid; the office records it whatever became of the application.
    let mut s = application_in(call_with_fee(2500), &[], State::InIstruttoria);
    apply(
        &mut s,
        &issue_fee(None, today() + Duration::days(30)),
        &ctx(),
    );
    apply(&mut s, &exclude_cmd(), &ctx());
    apply(&mut s, &pay(today()), &ctx());
    assert!(
        s.application
            .as_ref()
            .unwrap()
            .fee
            .as_ref()
            .unwrap()
            .is_paid()
    );
}

#[test]
fn a_reminder_is_recorded_on_the_fee() {
    let mut s = with_fee();
    let first = ctx_at(office_time() + Duration::days(20));
    let events = apply(&mut s, &remind(), &first);
    assert_eq!(events[0].kind, EventKind::FeeReminded { id: ID });
    assert_eq!(events[0].kind_name(), "promemoria_pagamento");
    let second = ctx_at(office_time() + Duration::days(29));
    apply(&mut s, &remind(), &second);
    assert_eq!(
        s.application
            .as_ref()
            .unwrap()
            .fee
            .as_ref()
            .unwrap()
            .reminders,
        vec![first.now, second.now]
    );
}

#[test]
fn a_reminder_without_a_fee_is_refused() {
    let (field, reason) = invalid(refused(&registered(), &remind(), &ctx()));
    assert_eq!(field, "avviso");
    assert!(reason.contains("nessun avviso"), "{reason}");
}

#[test]
fn a_reminder_for_a_paid_fee_is_refused() {
    let mut s = with_fee();
    apply(&mut s, &pay(today()), &ctx());
    let (field, reason) = invalid(refused(&s, &remind(), &ctx()));
    assert_eq!(field, "avviso");
    assert!(reason.contains("già pagato"), "{reason}");
}

#[test]
fn a_reminder_after_the_due_day_is_refused_but_on_it_accepted() {
    let s = with_fee();
    let due = today() + Duration::days(30);
    // Midday in Rome on the due day, then midday the day after.
    let on_due = ctx_at(ts(2025, 1, 1, 11, 0, 0));
    assert_eq!(rome_date(on_due.now), due);
    assert!(decide(&s, &remind(), &on_due).is_ok());
    let after = ctx_at(ts(2025, 1, 2, 11, 0, 0));
    let (field, reason) = invalid(refused(&s, &remind(), &after));
    assert_eq!(field, "avviso");
    assert!(reason.contains("scaduto il 01/01/2025"), "{reason}");
}

#[test]
fn a_reminder_on_an_excluded_application_is_refused() {
    let mut s = application_in(call_with_fee(2500), &[], State::InIstruttoria);
    apply(
        &mut s,
        &issue_fee(None, today() + Duration::days(30)),
        &ctx(),
    );
    apply(&mut s, &exclude_cmd(), &ctx());
    assert!(matches!(
        refused(&s, &remind(), &ctx()),
        DomainError::NotAllowedInState {
            state: State::Esclusa,
            ..
        }
    ));
}

// ---- protocol patterns ---------------------------------------------------------------------

#[test]
fn registration_writes_the_protocol_in_the_calls_pattern() {
    let mut c = call();
    c.params.protocol_pattern = ProtocolPattern::parse("ERP-{anno}-{numero:4}").expect("pattern");
    let mut s = application_in(c, &[], State::Ricevuta);
    s.next_protocol_number = 7;
    let events = apply(&mut s, &register(ID), &ctx());
    match &events[0].kind {
        EventKind::ApplicationRegistered { protocol, .. } => {
            assert_eq!(protocol.year, 2024);
            assert_eq!(protocol.number, 7);
            assert_eq!(protocol.text, "ERP-2024-0007");
        }
        other => panic!("expected ApplicationRegistered, got {other:?}"),
    }
    assert_eq!(events[0].summary(), "protocollata ERP-2024-0007");
    let protocol = s.application.as_ref().unwrap().protocol.clone().unwrap();
    assert_eq!(protocol.to_string(), "ERP-2024-0007");
    assert_eq!(s.next_protocol_number, 8);
}

#[test]
fn without_a_pattern_the_protocol_is_year_slash_six_digits() {
    let mut s = application_in(call(), &[], State::Ricevuta);
    s.next_protocol_number = 123;
    apply(&mut s, &register(ID), &ctx());
    let protocol = s.application.as_ref().unwrap().protocol.clone().unwrap();
    assert_eq!(protocol.text, "2024/000123");
}

#[test]
fn the_fee_reason_names_the_protocol_as_the_pattern_wrote_it() {
    let mut c = call_with_fee(2500);
    c.params.protocol_pattern = ProtocolPattern::parse("ERP-{anno}-{numero:4}").expect("pattern");
    let mut s = application_in(c, &[], State::Protocollata);
    apply(&mut s, &issue_fee(None, today()), &ctx());
    assert_eq!(
        s.application.as_ref().unwrap().fee.as_ref().unwrap().reason,
        "spese di segreteria della domanda ERP-2024-0001"
    );
}

// ---- random sequences ------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Op {
    Register,
    StartReview,
    Exclude,
    Reinstate,
    Verify(usize, bool, bool),
    IssueFee(Option<u64>, i64, bool),
    RecordPayment(i64),
    RemindFee,
    Book(u32, u8, bool, bool),
    Reschedule(u64, u32, u8),
    Cancel(u64, bool),
    AddInterested(Vec<usize>),
    RemoveInterested(usize),
    Publish,
    OtherApplication,
}

const PLACES: [&str; 3] = ["Sportello 1", "  sportello 1 ", ""];

fn check_items() -> Vec<CheckItem> {
    Requirement::ALL
        .into_iter()
        .map(CheckItem::Requisito)
        .chain(Condition::ALL.into_iter().map(CheckItem::Condizione))
        .collect()
}

fn op_strategy() -> impl Strategy<Value = Op> {
    prop_oneof![
        Just(Op::Register),
        Just(Op::StartReview),
        Just(Op::Exclude),
        Just(Op::Reinstate),
        (0..check_items().len(), any::<bool>(), any::<bool>())
            .prop_map(|(i, v, n)| Op::Verify(i, v, n)),
        (
            proptest::option::weighted(0.7, prop_oneof![1 => Just(0u64), 4 => 1u64..10_000]),
            -3i64..40,
            any::<bool>()
        )
            .prop_map(|(a, d, n)| Op::IssueFee(a, d, n)),
        (-2i64..2).prop_map(Op::RecordPayment),
        Just(Op::RemindFee),
        (
            0u32..400,
            0u8..3,
            any::<bool>(),
            proptest::bool::weighted(0.2)
        )
            .prop_map(|(h, p, a, t)| Op::Book(h, p, a, t)),
        (0u64..3, 0u32..400, 0u8..3).prop_map(|(i, h, p)| Op::Reschedule(i, h, p)),
        (0u64..3, any::<bool>()).prop_map(|(i, r)| Op::Cancel(i, r)),
        proptest::collection::vec(0usize..5, 0..4).prop_map(Op::AddInterested),
        (0usize..5).prop_map(Op::RemoveInterested),
        Just(Op::Publish),
        Just(Op::OtherApplication),
    ]
}

fn to_command(op: &Op, now: Timestamp) -> Command {
    let today = rome_date(now);
    let hour = |h: u32| now - Duration::hours(24) + Duration::hours(i64::from(h));
    match op {
        Op::Register => register(ID),
        Op::StartReview => Command::StartReview { id: ID },
        Op::Exclude => exclude_cmd(),
        Op::Reinstate => Command::Reinstate {
            id: ID,
            reason: "ricorso accolto".to_string(),
        },
        Op::Verify(i, verified, note) => Command::Verify {
            id: ID,
            item: check_items()[*i],
            verified: *verified,
            note: if *note {
                "visto".to_string()
            } else {
                String::new()
            },
        },
        Op::IssueFee(amount, days, other) => Command::IssueFee {
            id: ID,
            notice: if *other { other_notice() } else { notice() },
            amount: amount.map(Money::from_cents),
            due: today + Duration::days(*days),
        },
        Op::RecordPayment(days) => pay(today + Duration::days(*days)),
        Op::RemindFee => remind(),
        Op::Book(h, p, about, long) => {
            let subject = if *long {
                "x".repeat(121)
            } else {
                "presentare la domanda".to_string()
            };
            let mut new = new_appointment(hour(*h), PLACES[usize::from(*p)], &subject);
            new.application = about.then_some(ID);
            Command::BookAppointment(Box::new(new))
        }
        Op::Reschedule(id, h, p) => {
            reschedule(AppointmentId(*id), hour(*h), PLACES[usize::from(*p)])
        }
        Op::Cancel(id, reason) => {
            cancel(AppointmentId(*id), if *reason { "rinuncia" } else { " " })
        }
        Op::AddInterested(people) => {
            add_interested(&people.iter().map(|i| person(*i)).collect::<Vec<_>>())
        }
        Op::RemoveInterested(i) => remove_interested(person(*i)),
        Op::Publish => publish(CODE),
        Op::OtherApplication => Command::RemindFee {
            id: ApplicationId(2),
        },
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_intake_sequences_never_break_an_invariant(
        fee in prop_oneof![Just(0u64), Just(2500u64)],
        condition in any::<bool>(),
        taken in proptest::collection::vec(proptest::bool::weighted(0.2), 40),
        ops in proptest::collection::vec((op_strategy(), 0u32..72), 1..40),
    ) {
        let conditions: &[Condition] = if condition { &[Condition::OrdineRilascio] } else { &[] };
        let mut s = application_in(call_with_fee(fee), conditions, State::Ricevuta);
        let mut now = office_time();
        let mut model: BTreeSet<String> = BTreeSet::new();
        let mut was_paid = false;
        let mut issued: Option<NoticeNumber> = None;
        let mut reminders = 0usize;
        let mut published = false;
        for (step, (op, hours)) in ops.iter().enumerate() {
            now += Duration::hours(i64::from(*hours));
            let c = ctx_at(now);
            s.slot_taken = taken[step].then_some(AppointmentId(99));
            let command = to_command(op, now);
            match decide(&s, &command, &c) {
                Ok(events) => {
                    for event in &events {
                        prop_assert_eq!(&event.actor, ACTOR);
                        prop_assert_eq!(event.at, now);
                        let applied = evolve(&mut s, event);
                        prop_assert!(applied.is_ok(), "evolve refused a decided event {:?}: {:?}", event, applied);
                        match &event.kind {
                            EventKind::InterestedAdded { fiscal_codes, .. } => {
                                for code in fiscal_codes {
                                    prop_assert!(model.insert(code.clone()), "{} added twice", code);
                                }
                            }
                            EventKind::InterestedRemoved { fiscal_code, .. } => {
                                prop_assert!(model.remove(fiscal_code), "{} was not listed", fiscal_code);
                            }
                            EventKind::CallPublished { .. } => {
                                prop_assert!(!published, "published twice");
                                published = true;
                            }
                            EventKind::AppointmentBooked { appointment } => {
                                prop_assert!(appointment.slot.at > now);
                                prop_assert!(!appointment.slot.place.is_empty());
                                prop_assert!(appointment.subject.chars().count() <= 120);
                            }
                            EventKind::AppointmentRescheduled { slot, .. } => {
                                prop_assert!(slot.at > now);
                            }
                            _ => {}
                        }
                    }
                }
                Err(e) => prop_assert!(
                    !matches!(e, DomainError::Internal(_)),
                    "{:?} caused an internal error: {}", command, e
                ),
            }

            let interested: BTreeSet<String> = s.interested.keys().cloned().collect();
            prop_assert_eq!(&interested, &model);
            prop_assert_eq!(s.call.as_ref().unwrap().published_at.is_some(), published);
            let app = s.application.as_ref().unwrap();
            match (&issued, &app.fee) {
                // A notice, once issued, never changes nor disappears.
                (Some(notice), Some(fee)) => prop_assert_eq!(notice, &fee.notice),
                (Some(_), None) => prop_assert!(false, "the fee disappeared"),
                (None, Some(fee)) => {
                    prop_assert!(app.protocol.is_some(), "a fee before the protocol");
                    prop_assert!(!fee.amount.is_zero());
                    issued = Some(fee.notice.clone());
                }
                (None, None) => {}
            }
            if let Some(fee) = &app.fee {
                // A paid fee never becomes unpaid.
                prop_assert!(!was_paid || fee.is_paid(), "a paid fee became unpaid");
                was_paid = fee.is_paid();
                if let Some(payment) = &fee.payment {
                    prop_assert!(payment.paid_on >= rome_date(fee.issued_at));
                }
                prop_assert!(fee.reminders.len() >= reminders, "reminders went away");
                reminders = fee.reminders.len();
                prop_assert!(fee.reminders.windows(2).all(|w| w[0] <= w[1]));
            }
            for item in app.verifications.keys() {
                prop_assert!(app.check_items().contains(item), "{:?} was never declared", item);
            }
            if let Some(appointment) = &s.appointment {
                prop_assert!(appointment.id.0 < s.next_appointment_id);
            }
        }
    }
}
