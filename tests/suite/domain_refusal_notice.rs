//! The notice of the grounds for refusal (L. 241/1990 art. 10-bis) through the pure `decide`
//! and `evolve` pair: notice → observations or deadline → exclusion confirmed, or the notice
//! withdrawn; and the direct exclusion it replaces, refused while the call's parameter is on.

use crate::common;

use alloggi::domain::application::ExclusionReason;
use alloggi::domain::command::NewApplication;
use alloggi::domain::time::rome_date;
use alloggi::domain::verification::{CheckItem, Requirement, Verification};
use alloggi::domain::{
    ApplicationId, Command, Context, DomainError, Event, EventKind, Snapshot, State, decide, evolve,
};
use chrono::{Days, Duration};
use common::*;

const ID: ApplicationId = ApplicationId(1);

fn apply(snapshot: &mut Snapshot, command: &Command, ctx: &Context) -> Vec<Event> {
    let events = decide(snapshot, command, ctx)
        .unwrap_or_else(|e| panic!("{command:?} refused unexpectedly: {e}"));
    for event in &events {
        evolve(snapshot, event).unwrap_or_else(|e| panic!("evolve {event:?} failed: {e}"));
    }
    events
}

fn refused(snapshot: &Snapshot, command: &Command, ctx: &Context) -> String {
    match decide(snapshot, command, ctx) {
        Ok(events) => panic!("{command:?} accepted: {events:?}"),
        Err(e) => e.to_string(),
    }
}

/// An application under review, every requirement verified, under the seed's call with the
/// notice `on` or off.
fn under_review(on: bool) -> Snapshot {
    let mut call = call_with_refusal_notice();
    call.params.refusal_notice = on;
    let mut s = Snapshot {
        call: Some(call),
        active_call: Some("erp-2024".to_string()),
        next_application_id: 1,
        next_protocol_number: 1,
        ..Snapshot::default()
    };
    let new: NewApplication = new_application(household(vec![applicant()]));
    apply(&mut s, &Command::ReceiveApplication(Box::new(new)), &ctx());
    let app = s.application.as_mut().unwrap();
    for requirement in Requirement::ALL {
        app.verifications.insert(
            CheckItem::Requisito(requirement),
            Verification {
                verified: true,
                note: String::new(),
                by: ACTOR.to_string(),
                at: office_time(),
            },
        );
    }
    for command in [
        Command::RegisterApplication {
            id: ID,
            override_reason: None,
        },
        Command::StartReview { id: ID },
    ] {
        apply(&mut s, &command, &ctx());
    }
    s
}

fn notify() -> Command {
    Command::NotifyRefusalGrounds {
        id: ID,
        reason: ExclusionReason::FalsaDichiarazione,
        note: "residenza dichiarata non risulta all'anagrafe".into(),
    }
}

fn exclude() -> Command {
    Command::Exclude {
        id: ID,
        reason: ExclusionReason::FalsaDichiarazione,
        note: "residenza dichiarata non risulta all'anagrafe".into(),
    }
}

fn confirm(note: &str) -> Command {
    Command::ConfirmExclusion {
        id: ID,
        note: note.into(),
    }
}

fn observations(on: chrono::NaiveDate) -> Command {
    Command::RecordObservations {
        id: ID,
        received_on: on,
        text: "allega certificato di residenza storico".into(),
    }
}

/// `days` after the office's usual instant.
fn later(days: i64) -> Context {
    ctx_at(office_time() + Duration::days(days))
}

fn state(s: &Snapshot) -> State {
    s.application.as_ref().unwrap().state
}

#[test]
fn with_the_step_on_a_direct_exclusion_under_review_is_refused_naming_it() {
    let s = under_review(true);
    let error = refused(&s, &exclude(), &ctx());
    assert!(error.contains("preavviso di rigetto"), "{error}");
    assert!(error.contains("10-bis"), "{error}");
}

#[test]
fn with_the_step_off_exclusion_works_as_before_and_no_notice_is_sent() {
    let mut s = under_review(false);
    let error = refused(&s, &notify(), &ctx());
    assert!(error.contains("non prevede il preavviso"), "{error}");
    apply(&mut s, &exclude(), &ctx());
    assert_eq!(state(&s), State::Esclusa);
}

#[test]
fn the_notice_sets_the_deadline_from_the_calls_days_and_keeps_the_review_open() {
    let mut s = under_review(true);
    s.call.as_mut().unwrap().params.refusal_notice_days = 15;
    let events = apply(&mut s, &notify(), &ctx());
    let expected = rome_date(office_time()) + Days::new(15);
    assert!(matches!(
        events[0].kind,
        EventKind::RefusalNoticeSent { deadline, reason: ExclusionReason::FalsaDichiarazione, .. }
            if deadline == expected
    ));
    assert_eq!(state(&s), State::InIstruttoria);
    let notice = s
        .application
        .as_ref()
        .unwrap()
        .refusal_notice
        .clone()
        .unwrap();
    assert_eq!(notice.deadline, expected);
    assert_eq!(notice.note, "residenza dichiarata non risulta all'anagrafe");
    // Once only, and nothing decides the application meanwhile.
    assert!(refused(&s, &notify(), &ctx()).contains("preavviso"));
    assert!(refused(&s, &exclude(), &ctx()).contains("preavviso"));
    let admit = Command::Admit {
        waiver: None,
        id: ID,
        note: String::new(),
    };
    assert!(refused(&s, &admit, &ctx()).contains("preavviso"));
}

#[test]
fn the_notice_needs_its_grounds_written() {
    let s = under_review(true);
    let blank = Command::NotifyRefusalGrounds {
        id: ID,
        reason: ExclusionReason::Altro,
        note: "  ".into(),
    };
    assert!(matches!(
        decide(&s, &blank, &ctx()),
        Err(DomainError::MissingReason)
    ));
}

#[test]
fn the_exclusion_waits_for_the_deadline_then_is_confirmed_with_the_notices_cause() {
    let mut s = under_review(true);
    apply(&mut s, &notify(), &ctx());
    let error = refused(&s, &confirm(""), &later(10));
    assert!(error.contains("attendere"), "{error}");
    let events = apply(&mut s, &confirm(""), &later(11));
    assert!(matches!(
        events[0].kind,
        EventKind::ExclusionConfirmed {
            reason: ExclusionReason::FalsaDichiarazione,
            ..
        }
    ));
    let app = s.application.as_ref().unwrap();
    assert_eq!(app.state, State::Esclusa);
    assert!(app.refusal_notice.is_none());
    assert_eq!(
        app.decision.as_ref().unwrap().reason,
        Some(ExclusionReason::FalsaDichiarazione)
    );
}

#[test]
fn observations_let_the_exclusion_be_decided_before_the_deadline_with_a_note() {
    let mut s = under_review(true);
    apply(&mut s, &notify(), &ctx());
    let today = rome_date(office_time());
    let tomorrow = today + Days::new(1);
    assert!(refused(&s, &observations(tomorrow), &ctx()).contains("futuro"));
    let before = today - Days::new(1);
    assert!(refused(&s, &observations(before), &ctx()).contains("precede"));
    apply(&mut s, &observations(tomorrow), &later(1));
    assert!(refused(&s, &observations(tomorrow), &later(1)).contains("già registrate"));
    let received = s
        .application
        .as_ref()
        .unwrap()
        .refusal_notice
        .as_ref()
        .unwrap()
        .observations
        .clone()
        .unwrap();
    assert_eq!(received.received_on, tomorrow);
    // Observations received: the decision must answer them.
    assert!(refused(&s, &confirm(" "), &later(2)).contains("osservazioni"));
    apply(
        &mut s,
        &confirm("il certificato conferma la residenza altrove"),
        &later(2),
    );
    assert_eq!(state(&s), State::Esclusa);
}

#[test]
fn a_withdrawn_notice_takes_the_review_back_where_it_was() {
    let mut s = under_review(true);
    let none = Command::WithdrawRefusalNotice {
        id: ID,
        reason: "x".into(),
    };
    assert!(refused(&s, &none, &ctx()).contains("nessun preavviso"));
    assert!(refused(&s, &confirm("x"), &ctx()).contains("nessun preavviso"));
    apply(&mut s, &notify(), &ctx());
    let blank = Command::WithdrawRefusalNotice {
        id: ID,
        reason: " ".into(),
    };
    assert!(matches!(
        decide(&s, &blank, &ctx()),
        Err(DomainError::MissingReason)
    ));
    let withdraw = Command::WithdrawRefusalNotice {
        id: ID,
        reason: "le osservazioni dimostrano la residenza".into(),
    };
    apply(&mut s, &withdraw, &later(3));
    let app = s.application.as_ref().unwrap();
    assert_eq!(app.state, State::InIstruttoria);
    assert!(app.refusal_notice.is_none());
    apply(
        &mut s,
        &Command::Admit {
            waiver: None,
            id: ID,
            note: String::new(),
        },
        &later(3),
    );
    assert_eq!(state(&s), State::Ammessa);
}
