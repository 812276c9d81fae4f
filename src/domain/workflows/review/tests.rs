//! The review's multi-item commands decided on a snapshot built by hand: a verification of
//! several items is one decision, and an integration answered in part marks only what came.

use std::collections::BTreeMap;

use chrono::{NaiveDate, TimeZone, Utc};

use crate::domain::application::{
    Application, ApplicationId, Channel, DocumentStatus, IntegrationRequest, State,
};
use crate::domain::command::{Command, Context, decide};
use crate::domain::contact::{Address, Contact};
use crate::domain::error::DomainError;
use crate::domain::event::{Event, EventKind};
use crate::domain::fiscal_code::PersonFiscalCode;
use crate::domain::household::{
    Citizenship, ComuneTie, Condition, Declaration, Household, Member, Relation, StampDuty,
};
use crate::domain::money::Money;
use crate::domain::snapshot::{Snapshot, evolve};
use crate::domain::time::Timestamp;
use crate::domain::verification::{CheckItem, Finding, Requirement};
use crate::files::call_toml::bando_2024;

const ID: ApplicationId = ApplicationId(7);

fn now() -> Timestamp {
    Utc.with_ymd_and_hms(2024, 11, 20, 10, 0, 0)
        .single()
        .expect("valid instant")
}

fn ctx() -> Context {
    Context {
        actor: "mrossi".to_string(),
        on_behalf_of: None,
        now: now(),
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

pub(crate) fn applicant() -> Member {
    let birth = date(1975, 11, 30);
    Member {
        fiscal_code: PersonFiscalCode::build("Rossi", "Maria", birth, true, "D542")
            .expect("valid fiscal code"),
        surname: "Rossi".to_string(),
        name: "Maria".to_string(),
        relation: Relation::Richiedente,
        birth_date: birth,
        disability_pct: 0,
        accompaniment: false,
        motor_disability: false,
        income: None,
    }
}

/// An application in `state` of the 2024 call, declaring precarious accommodation.
pub(crate) fn application(state: State) -> Application {
    Application {
        id: ID,
        call: "erp-2024".to_string(),
        external_id: None,
        channel: Channel::Sportello,
        received_at: Utc
            .with_ymd_and_hms(2024, 10, 1, 9, 0, 0)
            .single()
            .expect("valid instant"),
        state,
        protocol: None,
        registered_at: None,
        late: false,
        household: Household::new(vec![applicant()]).expect("valid household"),
        contact: Contact {
            email: None,
            phone: None,
            address: Address {
                street: "Via Roma 1".to_string(),
                postcode: "63900".to_string(),
                municipality: "Fermo".to_string(),
                province: "FM".to_string(),
            },
        },
        declaration: Declaration {
            citizenship: Citizenship::Italiana,
            tie: ComuneTie::Residenza,
            isee: Money::from_cents(800_000),
            residence_years: 6,
            current_home_m2: None,
            conditions: [Condition::SistemazionePrecaria].into_iter().collect(),
            stamp_duty: StampDuty::marca("01234567890123", date(2024, 9, 20))
                .expect("valid marca"),
        },
        documents: BTreeMap::new(),
        integration: None,
        refusal_notice: None,
        decision: None,
        verifications: Default::default(),
        fee: None,
        score_overrides: BTreeMap::new(),
        objections: Vec::new(),
        conditions_recognised: Default::default(),
    }
}

fn snapshot(application: Application) -> Snapshot {
    let call = bando_2024().expect("the shipped call is valid");
    Snapshot {
        active_call: Some(call.code.clone()),
        call: Some(call),
        application: Some(application),
        ..Snapshot::default()
    }
}

/// Decides `command`; on success applies its events, as the store does in one transaction.
fn run(snapshot: &mut Snapshot, command: &Command) -> Result<Vec<Event>, DomainError> {
    let events = decide(snapshot, command, &ctx())?;
    for event in &events {
        evolve(snapshot, event).expect("an event decided applies");
    }
    Ok(events)
}

fn finding(item: CheckItem, verified: bool, note: &str) -> Finding {
    Finding {
        item,
        verified,
        note: note.to_string(),
    }
}

fn verify(findings: Vec<Finding>) -> Command {
    Command::VerifyItems { id: ID, findings }
}

fn app(snapshot: &Snapshot) -> &Application {
    snapshot.application.as_ref().expect("application loaded")
}

// ---- VerifyItems ------------------------------------------------------------------------------

#[test]
fn every_item_is_recorded_by_one_decision_with_its_note() {
    let mut s = snapshot(application(State::InIstruttoria));
    let findings = vec![
        finding(CheckItem::Requisito(Requirement::Cittadinanza), true, ""),
        finding(
            CheckItem::Requisito(Requirement::Isee),
            false,
            "attestazione scaduta",
        ),
        finding(
            CheckItem::Condizione(Condition::SistemazionePrecaria),
            true,
            "",
        ),
    ];
    let events = run(&mut s, &verify(findings.clone())).expect("accepted");
    let recorded: Vec<(CheckItem, bool)> = events
        .iter()
        .map(|e| match &e.kind {
            EventKind::ItemVerified { id, item, verified } => {
                assert_eq!(*id, ID);
                (*item, *verified)
            }
            other => panic!("unexpected event {other:?}"),
        })
        .collect();
    let expected: Vec<(CheckItem, bool)> = findings.iter().map(|f| (f.item, f.verified)).collect();
    assert_eq!(recorded, expected);
    let verifications = &app(&s).verifications;
    assert_eq!(verifications.len(), 3);
    let isee = &verifications[&CheckItem::Requisito(Requirement::Isee)];
    assert!(!isee.verified);
    assert_eq!(isee.note, "attestazione scaduta");
    assert_eq!(isee.by, "mrossi");
    assert!(verifications[&CheckItem::Requisito(Requirement::Cittadinanza)].verified);
}

#[test]
fn an_empty_list_of_findings_is_refused() {
    let mut s = snapshot(application(State::InIstruttoria));
    let refused = run(&mut s, &verify(Vec::new())).expect_err("nothing to record");
    assert!(refused.to_string().contains("nessuna verifica"), "{refused}");
    assert!(app(&s).verifications.is_empty());
}

#[test]
fn an_item_given_twice_refuses_the_whole() {
    let mut s = snapshot(application(State::InIstruttoria));
    let item = CheckItem::Requisito(Requirement::Isee);
    let findings = vec![
        finding(CheckItem::Requisito(Requirement::Cittadinanza), true, ""),
        finding(item, true, ""),
        finding(item, false, "rivisto"),
    ];
    let refused = run(&mut s, &verify(findings)).expect_err("repeated item");
    assert!(refused.to_string().contains("due volte"), "{refused}");
    assert!(app(&s).verifications.is_empty(), "nothing recorded");
}

#[test]
fn one_refused_finding_refuses_the_whole() {
    let good = finding(CheckItem::Requisito(Requirement::Cittadinanza), true, "");
    // Not verified without saying why.
    let mut s = snapshot(application(State::InIstruttoria));
    let without_note = finding(CheckItem::Requisito(Requirement::Isee), false, "  ");
    let refused = run(&mut s, &verify(vec![good.clone(), without_note]))
        .expect_err("a finding without its note");
    assert!(matches!(refused, DomainError::MissingReason), "{refused}");
    assert!(app(&s).verifications.is_empty(), "nothing recorded");
    // A condition the household never declared.
    let undeclared = finding(CheckItem::Condizione(Condition::OrdineRilascio), true, "");
    let refused =
        run(&mut s, &verify(vec![good.clone(), undeclared])).expect_err("undeclared item");
    assert!(refused.to_string().contains("non è stata dichiarata"), "{refused}");
    assert!(app(&s).verifications.is_empty(), "nothing recorded");
    // An excluded application is verified no more.
    let mut s = snapshot(application(State::Esclusa));
    run(&mut s, &verify(vec![good])).expect_err("excluded");
    assert!(app(&s).verifications.is_empty());
}

// ---- ReceiveIntegration with the documents ticked ---------------------------------------------

/// Waiting for the integration of the call's first two documents.
fn awaiting_integration() -> (Snapshot, Vec<String>) {
    let mut application = application(State::IntegrazioneRichiesta);
    let call = bando_2024().expect("the shipped call is valid");
    let requested: Vec<String> = call.documents[..2].iter().map(|d| d.code.clone()).collect();
    for code in &requested {
        application
            .documents
            .insert(code.clone(), DocumentStatus::Mancante);
    }
    application.integration = Some(IntegrationRequest {
        documents: requested.clone(),
        deadline: date(2024, 11, 30),
        requested_at: now(),
    });
    (snapshot(application), requested)
}

fn receive(documents: Option<Vec<String>>) -> Command {
    Command::ReceiveIntegration { id: ID, documents }
}

#[test]
fn only_the_documents_ticked_are_received() {
    let (mut s, requested) = awaiting_integration();
    let events =
        run(&mut s, &receive(Some(vec![requested[0].clone()]))).expect("one of those requested");
    assert!(matches!(
        &events[..],
        [Event { kind: EventKind::IntegrationReceived { documents, .. }, .. }]
            if *documents == vec![requested[0].clone()]
    ));
    let app = app(&s);
    assert_eq!(app.state, State::InIstruttoria);
    assert!(matches!(
        app.documents.get(&requested[0]),
        Some(DocumentStatus::Ricevuto { .. })
    ));
    assert_eq!(
        app.documents.get(&requested[1]),
        Some(&DocumentStatus::Mancante),
        "not ticked, still missing"
    );
}

#[test]
fn a_document_not_requested_is_refused() {
    let (mut s, requested) = awaiting_integration();
    let call = bando_2024().expect("the shipped call is valid");
    let other = call
        .documents
        .iter()
        .map(|d| d.code.clone())
        .find(|code| !requested.contains(code))
        .expect("the call has a third document");
    let refused = run(&mut s, &receive(Some(vec![requested[0].clone(), other.clone()])))
        .expect_err("not requested");
    assert!(refused.to_string().contains(&other), "{refused}");
    let app = app(&s);
    assert_eq!(app.state, State::IntegrazioneRichiesta, "nothing changed");
    assert_eq!(
        app.documents.get(&requested[0]),
        Some(&DocumentStatus::Mancante)
    );
}

#[test]
fn an_empty_list_of_documents_received_is_refused() {
    let (mut s, requested) = awaiting_integration();
    let refused = run(&mut s, &receive(Some(Vec::new()))).expect_err("nothing ticked");
    assert!(refused.to_string().contains("almeno un documento"), "{refused}");
    let app = app(&s);
    assert_eq!(app.state, State::IntegrazioneRichiesta);
    assert!(
        requested
            .iter()
            .all(|code| app.documents.get(code) == Some(&DocumentStatus::Mancante))
    );
}

/// An application under review with every needed document in: only its requirements can stop
/// its admission.
fn complete_under_review() -> Snapshot {
    let mut snapshot = snapshot(application(State::InIstruttoria));
    let call = snapshot.call.clone().expect("call loaded");
    if let Some(app) = snapshot.application.as_mut() {
        for code in app.missing_documents(&call) {
            app.documents
                .insert(code, DocumentStatus::Ricevuto { at: now() });
        }
    }
    snapshot
}

fn admit(waiver: Option<&str>) -> Command {
    Command::Admit {
        id: ID,
        note: String::new(),
        waiver: waiver.map(str::to_string),
    }
}

fn all_requirements_verified(snapshot: &mut Snapshot) {
    let findings = Requirement::ALL
        .into_iter()
        .map(|r| finding(CheckItem::Requisito(r), true, ""))
        .collect();
    run(snapshot, &verify(findings)).expect("every requirement verified");
}

#[test]
fn admission_with_requirements_not_verified_is_refused_naming_them() {
    let mut snapshot = complete_under_review();
    for waiver in [None, Some("   ")] {
        let refused = run(&mut snapshot, &admit(waiver)).expect_err("refused");
        let text = refused.to_string();
        for requirement in Requirement::ALL {
            assert!(text.contains(requirement.label()), "{text}");
        }
        assert!(text.contains("in deroga"), "the way out is named: {text}");
    }
    assert_eq!(app(&snapshot).state, State::InIstruttoria);
}

#[test]
fn a_waiver_admits_and_records_the_requirements_it_covers_and_why() {
    let mut snapshot = complete_under_review();
    let events = run(&mut snapshot, &admit(Some("verifica anagrafica in corso presso l'ufficio")))
        .expect("admitted by waiver");
    let [event] = events.as_slice() else {
        panic!("one event: {events:?}");
    };
    let EventKind::Admitted { unverified, waiver, .. } = &event.kind else {
        panic!("an admission: {event:?}");
    };
    let labels: Vec<String> = Requirement::ALL.iter().map(|r| r.label().to_string()).collect();
    assert_eq!(unverified, &labels);
    assert_eq!(
        waiver.as_deref(),
        Some("verifica anagrafica in corso presso l'ufficio")
    );
    assert_eq!(app(&snapshot).state, State::Ammessa);
}

#[test]
fn with_every_requirement_verified_no_waiver_is_recorded() {
    let mut snapshot = complete_under_review();
    all_requirements_verified(&mut snapshot);
    let events = run(&mut snapshot, &admit(Some("superflua"))).expect("admitted");
    assert!(
        matches!(
            events.as_slice(),
            [Event { kind: EventKind::Admitted { unverified, waiver: None, .. }, .. }] if unverified.is_empty()
        ),
        "{events:?}"
    );
}
