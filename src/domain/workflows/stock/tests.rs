//! The stock's commands: a save adds, changes or leaves alone; a state change needs a reason
//! and never touches what the assignment round holds.

use chrono::{TimeZone, Utc};

use crate::domain::command::{Command, Context};
use crate::domain::error::DomainError;
use crate::domain::event::EventKind;
use crate::domain::snapshot::{Snapshot, evolve};
use crate::domain::stock::adequacy::tests::dwelling;
use crate::domain::stock::{DwellingCode, DwellingState};

fn ctx() -> Context {
    Context::new("rossi", Utc.with_ymd_and_hms(2026, 3, 10, 9, 0, 0).unwrap())
}

fn code(text: &str) -> DwellingCode {
    DwellingCode::parse(text).unwrap()
}

fn decide(snapshot: &Snapshot, command: &Command) -> Result<Vec<EventKind>, DomainError> {
    crate::domain::decide(snapshot, command, &ctx())
        .map(|events| events.into_iter().map(|e| e.kind).collect())
}

fn stored(state: DwellingState) -> Snapshot {
    let d = dwelling(50, state);
    let mut snapshot = Snapshot::default();
    snapshot.dwellings.insert(d.code.clone(), d);
    snapshot
}

#[test]
fn a_save_adds_the_new_changes_the_changed_and_leaves_the_same_alone() {
    let mut same = dwelling(50, DwellingState::Libero);
    let mut other = dwelling(60, DwellingState::Libero);
    other.code = code("AN-002");
    let snapshot = stored(DwellingState::Libero);
    let kinds = decide(
        &snapshot,
        &Command::SaveDwellings {
            dwellings: vec![same.clone(), other.clone()],
        },
    )
    .unwrap();
    assert_eq!(
        kinds,
        vec![EventKind::DwellingAdded {
            dwelling: Box::new(other)
        }]
    );
    same.rooms = 4;
    let kinds = decide(
        &snapshot,
        &Command::SaveDwellings {
            dwellings: vec![same.clone()],
        },
    )
    .unwrap();
    assert_eq!(
        kinds,
        vec![EventKind::DwellingChanged {
            dwelling: Box::new(same)
        }]
    );
}

#[test]
fn a_save_refuses_a_code_twice_bad_fields_and_the_offered_state() {
    let d = dwelling(50, DwellingState::Libero);
    let save = |dwellings| Command::SaveDwellings { dwellings };
    let err = decide(&Snapshot::default(), &save(vec![d.clone(), d.clone()]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("presente due volte"), "{err}");
    let mut bad = d.clone();
    bad.address = "  ".into();
    assert!(decide(&Snapshot::default(), &save(vec![bad])).is_err());
    let mut bad = d.clone();
    bad.rooms = 0;
    assert!(decide(&Snapshot::default(), &save(vec![bad])).is_err());
    let mut bad = d.clone();
    bad.year_built = Some(2027);
    let err = decide(&Snapshot::default(), &save(vec![bad]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("2027"), "{err}");
    let mut bad = d.clone();
    bad.vacant_since = chrono::NaiveDate::from_ymd_opt(2026, 3, 11);
    assert!(decide(&Snapshot::default(), &save(vec![bad])).is_err());
    let offered = dwelling(50, DwellingState::Proposto);
    assert!(decide(&Snapshot::default(), &save(vec![offered])).is_err());
    // A dwelling under an open offer keeps its state whatever the register says.
    let err = decide(&stored(DwellingState::Proposto), &save(vec![d]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("proposto"), "{err}");
    assert!(decide(&Snapshot::default(), &save(vec![])).is_err());
}

#[test]
fn a_state_change_needs_a_reason_and_a_state_a_caseworker_may_give() {
    let change = |state, reason: &str| Command::ChangeDwellingState {
        code: code("AN-001"),
        state,
        reason: reason.into(),
    };
    let snapshot = stored(DwellingState::Libero);
    assert_eq!(
        decide(&snapshot, &change(DwellingState::InLavori, " ")),
        Err(DomainError::MissingReason)
    );
    for state in [DwellingState::Proposto, DwellingState::Locato] {
        assert!(decide(&snapshot, &change(state, "x")).is_err(), "{state:?}");
    }
    assert!(decide(&snapshot, &change(DwellingState::Libero, "x")).is_err());
    assert!(decide(&Snapshot::default(), &change(DwellingState::InLavori, "x")).is_err());
    assert!(
        decide(
            &stored(DwellingState::Proposto),
            &change(DwellingState::InLavori, "x")
        )
        .is_err()
    );
    let events = crate::domain::decide(
        &snapshot,
        &change(DwellingState::InLavori, "tetto da rifare"),
        &ctx(),
    )
    .unwrap();
    assert_eq!(events[0].reason.as_deref(), Some("tetto da rifare"));
}

#[test]
fn a_dwelling_freed_by_its_tenant_is_vacant_from_that_day() {
    let mut snapshot = stored(DwellingState::Locato);
    let events = crate::domain::decide(
        &snapshot,
        &Command::ChangeDwellingState {
            code: code("AN-001"),
            state: DwellingState::Libero,
            reason: "disdetta dell'inquilino".into(),
        },
        &ctx(),
    )
    .unwrap();
    for event in &events {
        evolve(&mut snapshot, event).unwrap();
    }
    let d = &snapshot.dwellings[&code("AN-001")];
    assert_eq!(d.state, DwellingState::Libero);
    assert_eq!(d.vacant_since, chrono::NaiveDate::from_ymd_opt(2026, 3, 10));
}
