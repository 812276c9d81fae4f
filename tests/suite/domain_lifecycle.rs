//! The application lifecycle and the rules of the call, driven only through the pure
//! `decide` + `evolve` pair on snapshots built by hand (no store, no clock).

use crate::common;

use alloggi::domain::application::{Channel, DocumentStatus, ExclusionReason};
use alloggi::domain::call::{CallParameters, DocumentSpec, Need};
use alloggi::domain::command::NewApplication;
use alloggi::domain::contact::{Address, Contact};
use alloggi::domain::household::{Condition, Household, Member, Relation, adequate_area_m2};
use alloggi::domain::time::Timestamp;
use alloggi::domain::verification::{CheckItem, Requirement, Verification};
use alloggi::domain::workflows::review::exclusion_contradiction;
use alloggi::domain::{
    ApplicationId, Command, Context, DomainError, Event, EventKind, Protocol, Snapshot, State,
    decide, evolve,
};
use chrono::Duration;
use common::*;
use proptest::prelude::*;

const ID: ApplicationId = ApplicationId(1);

// ---- helpers ------------------------------------------------------------------------------

fn base_snapshot() -> Snapshot {
    Snapshot {
        application: None,
        call: Some(call()),
        active_call: Some("erp-2024".to_string()),
        next_application_id: 1,
        next_protocol_number: 1,
        external_id_taken: false,
        ..Snapshot::default()
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

fn receive_cmd(new: NewApplication) -> Command {
    Command::ReceiveApplication(Box::new(new))
}

/// Received, with every access requirement already found verified (by hand: admission needs
/// it, and most of these tests are about something else).
fn received(new: NewApplication) -> Snapshot {
    let mut s = base_snapshot();
    apply(&mut s, &receive_cmd(new), &ctx());
    let app = s.application.as_mut().expect("received");
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
    s
}

fn state_of(s: &Snapshot) -> State {
    s.application.as_ref().expect("application loaded").state
}

fn register() -> Command {
    Command::RegisterApplication {
        id: ID,
        override_reason: None,
    }
}

fn start_review() -> Command {
    Command::StartReview { id: ID }
}

fn request_integration(codes: &[&str]) -> Command {
    Command::RequestIntegration {
        id: ID,
        documents: codes.iter().map(|c| c.to_string()).collect(),
        deadline: None,
    }
}

fn receive_integration() -> Command {
    Command::ReceiveIntegration {
        id: ID,
        documents: None,
    }
}

fn admit() -> Command {
    Command::Admit {
        waiver: None,
        id: ID,
        note: String::new(),
    }
}

fn exclude() -> Command {
    Command::Exclude {
        id: ID,
        reason: ExclusionReason::RequisitoMancante,
        note: "residenza non verificata".to_string(),
    }
}

fn revoke() -> Command {
    Command::RevokeAdmission {
        id: ID,
        reason: "residenza risultata fittizia".to_string(),
    }
}

fn reinstate() -> Command {
    Command::Reinstate {
        id: ID,
        reason: "ricorso accolto".to_string(),
    }
}

/// A complete application (all required documents, no conditions) driven into `state`.
fn snapshot_in(state: State) -> Snapshot {
    let mut s = received(new_application(family()));
    let c = ctx();
    let path: Vec<Command> = match state {
        State::Ricevuta => vec![],
        State::Protocollata => vec![register()],
        State::InIstruttoria => vec![register(), start_review()],
        State::IntegrazioneRichiesta => vec![
            register(),
            start_review(),
            request_integration(&["contratto_affitto"]),
        ],
        State::Ammessa => vec![register(), start_review(), admit()],
        State::Esclusa => vec![register(), start_review(), exclude()],
    };
    for command in &path {
        apply(&mut s, command, &c);
    }
    assert_eq!(state_of(&s), state, "setup reached the wrong state");
    s
}

/// The lifecycle commands, each with the state it moves the application to.
fn lifecycle_commands() -> Vec<(&'static str, Command, State)> {
    vec![
        ("register", register(), State::Protocollata),
        ("start_review", start_review(), State::InIstruttoria),
        (
            "request_integration",
            request_integration(&["contratto_affitto"]),
            State::IntegrazioneRichiesta,
        ),
        (
            "receive_integration",
            receive_integration(),
            State::InIstruttoria,
        ),
        ("admit", admit(), State::Ammessa),
        ("exclude", exclude(), State::Esclusa),
        ("reinstate", reinstate(), State::InIstruttoria),
        ("revoke_admission", revoke(), State::InIstruttoria),
    ]
}

/// The one command that performs each edge of `State::can_become`.
fn command_for_edge(from: State, to: State) -> Option<&'static str> {
    use State::*;
    match (from, to) {
        (Ricevuta, Protocollata) => Some("register"),
        (Protocollata, InIstruttoria) => Some("start_review"),
        (InIstruttoria, IntegrazioneRichiesta) => Some("request_integration"),
        (IntegrazioneRichiesta, InIstruttoria) => Some("receive_integration"),
        (InIstruttoria, Ammessa) => Some("admit"),
        (Protocollata | InIstruttoria | IntegrazioneRichiesta, Esclusa) => Some("exclude"),
        (Esclusa, InIstruttoria) => Some("reinstate"),
        (Ammessa, InIstruttoria) => Some("revoke_admission"),
        _ => None,
    }
}

fn invalid_field<T: std::fmt::Debug>(result: Result<T, DomainError>) -> &'static str {
    match result {
        Err(DomainError::Invalid { field, .. }) => field,
        other => panic!("expected DomainError::Invalid, got {other:?}"),
    }
}

fn invalid_reason<T: std::fmt::Debug>(result: Result<T, DomainError>) -> String {
    match result {
        Err(DomainError::Invalid { reason, .. }) => reason,
        other => panic!("expected DomainError::Invalid, got {other:?}"),
    }
}

fn with_new(f: impl FnOnce(&mut NewApplication)) -> NewApplication {
    let mut new = new_application(family());
    f(&mut new);
    new
}

fn receive_result(new: NewApplication, ctx: &Context) -> Result<Vec<Event>, DomainError> {
    decide(&base_snapshot(), &receive_cmd(new), ctx)
}

fn received_late_flag(received_at: Timestamp) -> bool {
    let new = with_new(|n| n.received_at = received_at);
    let events = receive_result(new, &ctx()).expect("received");
    match &events[0].kind {
        EventKind::ApplicationReceived { application } => application.late,
        other => panic!("unexpected event {other:?}"),
    }
}

// ---- the state machine ----------------------------------------------------------------------

#[test]
fn can_become_has_exactly_the_documented_edges() {
    let edges: Vec<(State, State)> = State::ALL
        .into_iter()
        .flat_map(|a| State::ALL.into_iter().map(move |b| (a, b)))
        .filter(|(a, b)| a.can_become(*b))
        .collect();
    assert_eq!(edges.len(), 10, "edges: {edges:?}");
    for (from, to) in &edges {
        assert!(
            command_for_edge(*from, *to).is_some(),
            "edge {from:?} → {to:?} has no command"
        );
    }
    for state in State::ALL {
        assert!(!state.can_become(state), "{state:?} loops on itself");
        assert_eq!(State::from_tag(state.tag()), Some(state));
    }
    assert!(
        !State::Ammessa.can_become(State::Esclusa),
        "admission is final"
    );
}

#[test]
fn every_allowed_transition_succeeds_through_its_command() {
    let commands = lifecycle_commands();
    let mut covered = 0;
    for from in State::ALL {
        for to in State::ALL.into_iter().filter(|to| from.can_become(*to)) {
            let name = command_for_edge(from, to).expect("every edge has a command");
            let (_, command, target) = commands
                .iter()
                .find(|(n, _, _)| *n == name)
                .expect("command listed");
            assert_eq!(*target, to);
            let mut s = snapshot_in(from);
            let c = ctx_at(office_time() + Duration::hours(1));
            let events = apply(&mut s, command, &c);
            assert_eq!(events.len(), 1, "{name} from {from:?}");
            assert_eq!(events[0].actor, ACTOR);
            assert_eq!(events[0].at, c.now);
            assert_eq!(events[0].application_id(), Some(ID));
            assert_eq!(state_of(&s), to, "{name} from {from:?}");
            covered += 1;
        }
    }
    assert_eq!(covered, 10);
}

/// Every (state, command) pair whose target is not reachable from the state is refused with
/// `IllegalTransition`, and no pair panics or leaves the lifecycle graph.
#[test]
fn every_disallowed_state_command_pair_is_an_illegal_transition() {
    let mut refused = 0;
    for from in State::ALL {
        for (name, command, target) in lifecycle_commands() {
            let s = snapshot_in(from);
            let result = decide(&s, &command, &ctx());
            if from.can_become(target) {
                // Reachable target: the command either performs the edge or (Reinstate
                // outside Esclusa) is still refused as an illegal transition.
                match result {
                    Ok(events) => {
                        let mut after = s.clone();
                        for event in &events {
                            evolve(&mut after, event).expect("evolve");
                        }
                        assert_eq!(state_of(&after), target, "{name} from {from:?}");
                    }
                    Err(DomainError::IllegalTransition { from: f, .. }) => {
                        assert_eq!(f, from, "{name}");
                        assert!(
                            command_for_edge(from, target) != Some(name),
                            "{name} refused on its own edge from {from:?}"
                        );
                    }
                    Err(e) => panic!("{name} from {from:?}: {e}"),
                }
            } else {
                assert_eq!(
                    result,
                    Err(DomainError::IllegalTransition { from, to: target }),
                    "{name} from {from:?}"
                );
                refused += 1;
            }
        }
    }
    // 6 states × 8 commands = 48 pairs; 6 × 8 − (pairs whose target is reachable).
    let reachable: usize = State::ALL
        .into_iter()
        .map(|from| {
            lifecycle_commands()
                .iter()
                .filter(|(_, _, t)| from.can_become(*t))
                .count()
        })
        .sum();
    assert_eq!(refused + reachable, 48);
    assert_eq!(
        refused, 26,
        "pairs refused because the target is unreachable"
    );
}

/// Strict form: a command performs only its own edge. StartReview and ReceiveIntegration only
/// check that InIstruttoria is reachable, so they also move an application out of Esclusa
/// (bypassing Reinstate and its mandatory reason), StartReview leaves IntegrazioneRichiesta
/// without the integration being received, and ReceiveIntegration works on a Protocollata
/// application that was never asked for anything.
#[test]
fn each_lifecycle_command_performs_only_its_own_edge() {
    let mut wrong = Vec::new();
    for from in State::ALL {
        for (name, command, target) in lifecycle_commands() {
            let own_edge = command_for_edge(from, target) == Some(name);
            let result = decide(&snapshot_in(from), &command, &ctx());
            match (own_edge, &result) {
                (true, Ok(_)) => {}
                (false, Err(DomainError::IllegalTransition { from: f, .. })) if *f == from => {}
                _ => wrong.push(format!("{name} from {from:?} → {result:?}")),
            }
        }
    }
    assert!(wrong.is_empty(), "wrong outcomes:\n{}", wrong.join("\n"));
}

/// Consequence of the bug above: an excluded application goes back into review without a
/// reason and keeps its exclusion decision.
#[test]
fn start_review_cannot_reinstate_an_excluded_application() {
    let s = snapshot_in(State::Esclusa);
    let result = decide(&s, &start_review(), &ctx());
    assert_eq!(
        result,
        Err(DomainError::IllegalTransition {
            from: State::Esclusa,
            to: State::InIstruttoria
        })
    );
}

#[test]
fn commands_on_another_application_are_refused() {
    let s = snapshot_in(State::Protocollata);
    let other = ApplicationId(99);
    let result = decide(&s, &Command::StartReview { id: other }, &ctx());
    assert_eq!(result, Err(DomainError::UnknownApplication(other)));
    let empty = base_snapshot();
    assert_eq!(
        decide(&empty, &start_review(), &ctx()),
        Err(DomainError::UnknownApplication(ID))
    );
}

#[test]
fn a_blank_actor_is_refused() {
    let s = snapshot_in(State::Ricevuta);
    let c = Context {
        actor: "   ".to_string(),
        on_behalf_of: None,
        now: office_time(),
    };
    assert_eq!(invalid_field(decide(&s, &register(), &c)), "operatore");
}

// ---- registration -----------------------------------------------------------------------------

#[test]
fn late_application_needs_an_override_reason_to_be_registered() {
    let late_at = call().closes_at + Duration::seconds(1);
    let s = received(with_new(|n| n.received_at = late_at));
    assert!(s.application.as_ref().unwrap().late);

    for reason in [None, Some(String::new()), Some("   ".to_string())] {
        let command = Command::RegisterApplication {
            id: ID,
            override_reason: reason.clone(),
        };
        assert_eq!(
            decide(&s, &command, &ctx()),
            Err(DomainError::OutsideWindowNeedsOverride),
            "reason {reason:?}"
        );
    }

    let mut s = s;
    let command = Command::RegisterApplication {
        id: ID,
        override_reason: Some("  ritardo del portale certificato  ".to_string()),
    };
    let events = apply(&mut s, &command, &ctx());
    assert_eq!(events.len(), 1);
    assert_eq!(
        events[0].reason.as_deref(),
        Some("ritardo del portale certificato")
    );
    assert_eq!(events[0].actor, ACTOR);
    assert_eq!(events[0].at, office_time());
    match &events[0].kind {
        EventKind::ApplicationRegistered { late_override, .. } => assert!(*late_override),
        other => panic!("unexpected {other:?}"),
    }
    assert!(events[0].summary().contains("in deroga"));
    assert_eq!(state_of(&s), State::Protocollata);
}

#[test]
fn on_time_application_registers_without_reason() {
    let mut s = snapshot_in(State::Ricevuta);
    let events = apply(&mut s, &register(), &ctx());
    assert_eq!(events[0].reason, None);
    match &events[0].kind {
        EventKind::ApplicationRegistered { late_override, .. } => assert!(!*late_override),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn protocol_number_comes_from_the_snapshot_and_the_rome_year() {
    let mut s = snapshot_in(State::Ricevuta);
    s.next_protocol_number = 123;
    let c = ctx();
    let events = apply(&mut s, &register(), &c);
    let expected = Protocol::new(2024, 123);
    match &events[0].kind {
        EventKind::ApplicationRegistered { protocol, .. } => assert_eq!(*protocol, expected),
        other => panic!("unexpected {other:?}"),
    }
    let app = s.application.as_ref().unwrap();
    assert_eq!(app.protocol, Some(expected));
    assert_eq!(app.protocol.clone().unwrap().to_string(), "2024/000123");
    assert_eq!(app.registered_at, Some(c.now));
    assert_eq!(s.next_protocol_number, 124);
}

#[test]
fn protocol_year_is_the_year_in_rome_not_in_utc() {
    // 31/12/2024 23:30 UTC is 01/01/2025 00:30 in Rome.
    let mut s = snapshot_in(State::Ricevuta);
    s.next_protocol_number = 1;
    apply(&mut s, &register(), &ctx_at(ts(2024, 12, 31, 23, 30, 0)));
    assert_eq!(
        s.application.unwrap().protocol,
        Some(Protocol::new(2025, 1))
    );

    // 31/12/2024 22:30 UTC is still 23:30 on 31/12 in Rome.
    let mut s = snapshot_in(State::Ricevuta);
    apply(&mut s, &register(), &ctx_at(ts(2024, 12, 31, 22, 30, 0)));
    assert_eq!(s.application.unwrap().protocol.unwrap().year, 2024);
}

#[test]
fn a_zero_protocol_counter_is_an_internal_error_not_a_panic() {
    let mut s = snapshot_in(State::Ricevuta);
    s.next_protocol_number = 0;
    assert!(matches!(
        decide(&s, &register(), &ctx()),
        Err(DomainError::Internal(_))
    ));
}

// ---- integration requests -----------------------------------------------------------------

fn requested(
    s: &Snapshot,
    command: &Command,
    c: &Context,
) -> alloggi::domain::application::IntegrationRequest {
    let events = decide(s, command, c).expect("integration requested");
    match &events[0].kind {
        EventKind::IntegrationRequested { request, .. } => request.clone(),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn integration_deadline_defaults_to_rome_today_plus_call_days() {
    let s = snapshot_in(State::InIstruttoria);
    // 02/12/2024 09:00 UTC: today in Rome is 02/12, the call gives 10 days.
    let request = requested(&s, &request_integration(&["ordine_rilascio"]), &ctx());
    assert_eq!(request.deadline, date(2024, 12, 12));
    assert_eq!(request.requested_at, office_time());
    assert_eq!(request.documents, vec!["ordine_rilascio".to_string()]);

    // 02/12/2024 23:30 UTC is already 03/12 in Rome.
    let late_evening = ctx_at(ts(2024, 12, 2, 23, 30, 0));
    let request = requested(
        &s,
        &request_integration(&["ordine_rilascio"]),
        &late_evening,
    );
    assert_eq!(request.deadline, date(2024, 12, 13));

    // The number of days is the call's parameter, not a constant.
    let mut s15 = s.clone();
    s15.call.as_mut().unwrap().params.integration_days = 15;
    let request = requested(&s15, &request_integration(&["ordine_rilascio"]), &ctx());
    assert_eq!(request.deadline, date(2024, 12, 17));
}

#[test]
fn integration_with_explicit_deadline_marks_documents_missing() {
    let mut s = snapshot_in(State::InIstruttoria);
    let command = Command::RequestIntegration {
        id: ID,
        documents: vec!["ordine_rilascio".to_string(), "invalidita".to_string()],
        deadline: Some(date(2024, 12, 20)),
    };
    apply(&mut s, &command, &ctx());
    let app = s.application.as_ref().unwrap();
    assert_eq!(app.state, State::IntegrazioneRichiesta);
    let integration = app.integration.as_ref().expect("integration recorded");
    assert_eq!(integration.deadline, date(2024, 12, 20));
    assert_eq!(
        app.documents.get("ordine_rilascio"),
        Some(&DocumentStatus::Mancante)
    );
    assert_eq!(
        app.documents.get("invalidita"),
        Some(&DocumentStatus::Mancante)
    );

    let later = ctx_at(office_time() + Duration::days(3));
    let events = apply(&mut s, &receive_integration(), &later);
    match &events[0].kind {
        EventKind::IntegrationReceived { documents, .. } => {
            assert_eq!(documents.len(), 2);
        }
        other => panic!("unexpected {other:?}"),
    }
    let app = s.application.as_ref().unwrap();
    assert_eq!(app.state, State::InIstruttoria);
    assert_eq!(app.integration, None);
    assert_eq!(
        app.documents.get("ordine_rilascio"),
        Some(&DocumentStatus::Ricevuto { at: later.now })
    );
}

#[test]
fn integration_refusals() {
    let s = snapshot_in(State::InIstruttoria);

    let unknown = request_integration(&["ordine_rilascio", "passaporto"]);
    let reason = invalid_reason(decide(&s, &unknown, &ctx()));
    assert!(reason.contains("passaporto"), "{reason}");

    let empty = request_integration(&[]);
    assert_eq!(invalid_field(decide(&s, &empty, &ctx())), "documenti");

    let past = Command::RequestIntegration {
        id: ID,
        documents: vec!["ordine_rilascio".to_string()],
        deadline: Some(date(2024, 12, 1)),
    };
    assert_eq!(invalid_field(decide(&s, &past, &ctx())), "scadenza");

    // Today (in Rome) is not in the past.
    let today = Command::RequestIntegration {
        id: ID,
        documents: vec!["ordine_rilascio".to_string()],
        deadline: Some(date(2024, 12, 2)),
    };
    assert!(decide(&s, &today, &ctx()).is_ok());
    // At 23:30 UTC on 01/12 it is already 02/12 in Rome: 01/12 is past.
    let yesterday = Command::RequestIntegration {
        id: ID,
        documents: vec!["ordine_rilascio".to_string()],
        deadline: Some(date(2024, 12, 1)),
    };
    assert_eq!(
        invalid_field(decide(&s, &yesterday, &ctx_at(ts(2024, 12, 1, 23, 30, 0)))),
        "scadenza"
    );

    let mut no_call = s.clone();
    no_call.call = None;
    assert_eq!(
        decide(&no_call, &request_integration(&["ordine_rilascio"]), &ctx()),
        Err(DomainError::NoActiveCall)
    );
}

// ---- admission, exclusion, reinstatement ---------------------------------------------------

/// A household whose child has an invalidity, declaring an eviction order, without the two
/// documents these need.
fn needy_application() -> Snapshot {
    let mut kid = child();
    kid.disability_pct = 80;
    let new = NewApplication {
        declaration: declaration(&[Condition::OrdineRilascio]),
        ..new_application(household(vec![applicant(), spouse(), kid]))
    };
    let mut s = received(new);
    apply(&mut s, &register(), &ctx());
    apply(&mut s, &start_review(), &ctx());
    s
}

#[test]
fn admit_is_refused_while_condition_documents_are_missing() {
    let s = needy_application();
    let reason = invalid_reason(decide(&s, &admit(), &ctx()));
    assert!(reason.contains("invalidita"), "{reason}");
    assert!(reason.contains("ordine_rilascio"), "{reason}");
    assert!(!reason.contains("domanda"), "{reason}");
    assert_eq!(
        s.application.as_ref().unwrap().missing_documents(&call()),
        vec!["invalidita".to_string(), "ordine_rilascio".to_string()]
    );
}

#[test]
fn admit_is_refused_while_a_required_document_is_missing() {
    let new = with_new(|n| n.documents = vec!["domanda".to_string()]);
    let mut s = received(new);
    apply(&mut s, &register(), &ctx());
    apply(&mut s, &start_review(), &ctx());
    let reason = invalid_reason(decide(&s, &admit(), &ctx()));
    assert!(reason.contains("documento_identita"), "{reason}");

    // A rejected document does not count as received.
    let reject = Command::RecordDocument {
        id: ID,
        code: "documento_identita".to_string(),
        status: DocumentStatus::Respinto {
            note: "scaduto".to_string(),
        },
    };
    apply(&mut s, &reject, &ctx());
    assert!(decide(&s, &admit(), &ctx()).is_err());
}

#[test]
fn admit_succeeds_after_the_integration_is_received() {
    let mut s = needy_application();
    apply(
        &mut s,
        &request_integration(&["invalidita", "ordine_rilascio"]),
        &ctx(),
    );
    assert!(
        decide(&s, &admit(), &ctx()).is_err(),
        "still in integration"
    );
    let later = ctx_at(office_time() + Duration::days(5));
    apply(&mut s, &receive_integration(), &later);
    let command = Command::Admit {
        waiver: None,
        id: ID,
        note: "requisiti verificati".to_string(),
    };
    let events = apply(&mut s, &command, &later);
    assert_eq!(events[0].reason.as_deref(), Some("requisiti verificati"));
    let app = s.application.as_ref().unwrap();
    assert_eq!(app.state, State::Ammessa);
    let decision = app.decision.as_ref().expect("decision recorded");
    assert!(decision.admitted);
    assert_eq!(decision.by, ACTOR);
    assert_eq!(decision.at, later.now);
    assert_eq!(decision.note, "requisiti verificati");
    assert!(app.missing_documents(&call()).is_empty());
}

#[test]
fn exclude_for_other_reason_needs_a_note() {
    let s = snapshot_in(State::InIstruttoria);
    for note in ["", "   "] {
        let command = Command::Exclude {
            id: ID,
            reason: ExclusionReason::Altro,
            note: note.to_string(),
        };
        assert_eq!(
            decide(&s, &command, &ctx()),
            Err(DomainError::MissingReason)
        );
    }
    // Reasons from the list stand on their own, unless the data contradict them.
    let app = s.application.as_ref().unwrap();
    for reason in ExclusionReason::ALL
        .into_iter()
        .filter(|r| *r != ExclusionReason::Altro)
    {
        let command = Command::Exclude {
            id: ID,
            reason,
            note: String::new(),
        };
        if exclusion_contradiction(app, &call(), reason).is_none() {
            let events = decide(&s, &command, &ctx()).expect("excluded");
            assert_eq!(events[0].reason, None);
        } else {
            assert_eq!(
                invalid_field(decide(&s, &command, &ctx())),
                "nota",
                "{reason:?}"
            );
        }
    }
}

#[test]
fn an_exclusion_cause_the_data_contradict_needs_a_note_kept_in_the_event() {
    // ISEE 8,69 € against the call's limit.
    let new = with_new(|n| n.declaration.isee = alloggi::domain::money::Money::from_cents(869));
    let mut s = received(new);
    apply(&mut s, &register(), &ctx());
    apply(&mut s, &start_review(), &ctx());
    let app = s.application.as_ref().unwrap();
    let why = exclusion_contradiction(app, &call(), ExclusionReason::IseeSuperiore)
        .expect("ISEE within the limit contradicts the cause");
    assert!(why.contains("8,69"), "{why}");
    let bare = Command::Exclude {
        id: ID,
        reason: ExclusionReason::IseeSuperiore,
        note: "  ".to_string(),
    };
    let refusal = invalid_reason(decide(&s, &bare, &ctx()));
    assert!(refusal.contains("ISEE superiore al limite"), "{refusal}");
    assert!(refusal.contains("8,69"), "{refusal}");
    assert!(refusal.contains("nota"), "{refusal}");

    let noted = Command::Exclude {
        id: ID,
        reason: ExclusionReason::IseeSuperiore,
        note: "attestazione INPS rettificata: 21.400 €".to_string(),
    };
    let events = apply(&mut s, &noted, &ctx());
    assert_eq!(
        events[0].reason.as_deref(),
        Some("attestazione INPS rettificata: 21.400 €")
    );
    assert_eq!(state_of(&s), State::Esclusa);
    // A cause the data do not contradict needs no note.
    let new = with_new(|n| n.declaration.isee = alloggi::domain::money::Money::from_cents(869));
    let mut s = received(new);
    apply(&mut s, &register(), &ctx());
    let false_statement = Command::Exclude {
        id: ID,
        reason: ExclusionReason::FalsaDichiarazione,
        note: String::new(),
    };
    apply(&mut s, &false_statement, &ctx());
}

#[test]
fn admission_needs_every_access_requirement_verified_and_names_the_missing_ones() {
    let mut s = snapshot_in(State::InIstruttoria);
    let app = s.application.as_mut().unwrap();
    app.verifications.clear();
    app.verifications.insert(
        CheckItem::Requisito(Requirement::Cittadinanza),
        Verification {
            verified: true,
            note: String::new(),
            by: ACTOR.to_string(),
            at: office_time(),
        },
    );
    app.verifications.insert(
        CheckItem::Requisito(Requirement::Isee),
        Verification {
            verified: false,
            note: "attestazione scaduta".to_string(),
            by: ACTOR.to_string(),
            at: office_time(),
        },
    );
    let reason = invalid_reason(decide(&s, &admit(), &ctx()));
    assert!(reason.contains("requisiti non verificati"), "{reason}");
    for requirement in Requirement::ALL
        .into_iter()
        .filter(|r| *r != Requirement::Cittadinanza)
    {
        assert!(reason.contains(requirement.label()), "{reason}");
    }
    assert!(
        !reason.contains(Requirement::Cittadinanza.label()),
        "{reason}"
    );

    for requirement in Requirement::ALL {
        let verify = Command::Verify {
            id: ID,
            item: CheckItem::Requisito(requirement),
            verified: true,
            note: String::new(),
        };
        apply(&mut s, &verify, &ctx());
    }
    apply(&mut s, &admit(), &ctx());
    assert_eq!(state_of(&s), State::Ammessa);
}

#[test]
fn an_admission_is_revoked_with_a_reason_until_the_definitive_ranking() {
    use alloggi::domain::publication::RankingHeader;
    use alloggi::domain::ranking::RankingKind;

    let mut s = snapshot_in(State::Ammessa);
    let bare = Command::RevokeAdmission {
        id: ID,
        reason: " ".to_string(),
    };
    assert_eq!(decide(&s, &bare, &ctx()), Err(DomainError::MissingReason));

    let mut definitive = s.clone();
    definitive.ranking = Some(RankingHeader {
        call: "erp-2024".to_string(),
        number: 2,
        kind: RankingKind::Definitiva,
        published_at: office_time(),
        by: ACTOR.to_string(),
        ruleset: String::new(),
        objection_deadline: None,
        draw: None,
        pending: 0,
        admitted: 1,
        excluded: 0,
        digest: String::new(),
    });
    let reason = invalid_reason(decide(&definitive, &revoke(), &ctx()));
    assert!(reason.contains("definitiva"), "{reason}");

    let events = apply(&mut s, &revoke(), &ctx());
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind_name(), "ammissione_revocata");
    assert_eq!(
        events[0].reason.as_deref(),
        Some("residenza risultata fittizia")
    );
    assert!(events[0].summary().contains("ammissione revocata"));
    let app = s.application.as_ref().unwrap();
    assert_eq!(app.state, State::InIstruttoria);
    assert!(app.decision.is_none());
    // Back in review: it can be excluded now.
    apply(&mut s, &exclude(), &ctx());
}

#[test]
fn exclusion_and_reinstatement_events_carry_actor_time_and_reason() {
    let mut s = snapshot_in(State::IntegrazioneRichiesta);
    let when = ctx_at(ts(2025, 1, 10, 11, 0, 0));
    let command = Command::Exclude {
        id: ID,
        reason: ExclusionReason::Altro,
        note: " rinuncia scritta del richiedente ".to_string(),
    };
    let events = apply(&mut s, &command, &when);
    assert_eq!(events[0].actor, ACTOR);
    assert_eq!(events[0].at, when.now);
    assert_eq!(
        events[0].reason.as_deref(),
        Some("rinuncia scritta del richiedente")
    );
    let app = s.application.as_ref().unwrap();
    assert_eq!(app.state, State::Esclusa);
    assert_eq!(app.integration, None, "exclusion closes the integration");
    let decision = app.decision.as_ref().unwrap();
    assert!(!decision.admitted);
    assert_eq!(decision.reason, Some(ExclusionReason::Altro));
    assert_eq!(decision.by, ACTOR);

    for blank in ["", "  "] {
        let command = Command::Reinstate {
            id: ID,
            reason: blank.to_string(),
        };
        assert_eq!(decide(&s, &command, &when), Err(DomainError::MissingReason));
    }
    let later = Context {
        actor: "supervisore".to_string(),
        on_behalf_of: None,
        now: ts(2025, 1, 20, 8, 0, 0),
    };
    let events = apply(&mut s, &reinstate(), &later);
    assert_eq!(events[0].actor, "supervisore");
    assert_eq!(events[0].at, later.now);
    assert_eq!(events[0].reason.as_deref(), Some("ricorso accolto"));
    let app = s.application.as_ref().unwrap();
    assert_eq!(app.state, State::InIstruttoria);
    assert_eq!(app.decision, None);
}

#[test]
fn closed_applications_cannot_change_household_or_documents() {
    for state in [State::Ammessa, State::Esclusa] {
        let s = snapshot_in(state);
        let record = Command::RecordDocument {
            id: ID,
            code: "contratto_affitto".to_string(),
            status: DocumentStatus::Ricevuto { at: office_time() },
        };
        assert!(matches!(
            decide(&s, &record, &ctx()),
            Err(DomainError::NotAllowedInState { state: st, .. }) if st == state
        ));
        let add = Command::AddMember {
            id: ID,
            member: Box::new(member(
                "Rossi",
                "Sara",
                date(2015, 5, 5),
                true,
                Relation::Figlio,
            )),
        };
        assert!(matches!(
            decide(&s, &add, &ctx()),
            Err(DomainError::NotAllowedInState { .. })
        ));
    }
}

// ---- receiving an application ---------------------------------------------------------------

#[test]
fn window_bounds_are_inclusive_at_23_59_59_rome_on_closing_day() {
    let call = call();
    // 14/11/2024 23:59:59 in Rome (CET, UTC+1).
    assert_eq!(call.closes_at, ts(2024, 11, 14, 22, 59, 59));
    // 16/09/2024 00:00 in Rome (CEST, UTC+2).
    assert_eq!(call.opens_at, ts(2024, 9, 15, 22, 0, 0));

    assert!(!received_late_flag(ts(2024, 11, 14, 22, 59, 59)));
    assert!(received_late_flag(ts(2024, 11, 14, 23, 0, 0)));
    assert!(!received_late_flag(ts(2024, 9, 15, 22, 0, 0)));
    assert!(received_late_flag(ts(2024, 9, 15, 21, 59, 59)));

    assert!(call.is_within_window(call.opens_at));
    assert!(call.is_within_window(call.closes_at));
    assert!(!call.is_within_window(call.closes_at + Duration::seconds(1)));
    assert!(!call.is_within_window(call.opens_at - Duration::seconds(1)));
}

#[test]
fn received_application_gets_identity_and_normalised_contact() {
    let mut s = base_snapshot();
    s.next_application_id = 42;
    let new = with_new(|n| n.external_id = Some("  PORT-0042 ".to_string()));
    let events = apply(&mut s, &receive_cmd(new), &ctx());
    let app = s.application.as_ref().unwrap();
    assert_eq!(app.id, ApplicationId(42));
    assert_eq!(s.next_application_id, 43);
    assert_eq!(app.state, State::Ricevuta);
    assert_eq!(app.external_id.as_deref(), Some("PORT-0042"));
    assert_eq!(app.call, "erp-2024");
    assert_eq!(app.contact.address.province, "FM");
    assert_eq!(
        app.documents.get("domanda"),
        Some(&DocumentStatus::Ricevuto { at: in_window() })
    );
    assert!(!app.late);
    assert_eq!(app.protocol, None);
    assert_eq!(events[0].application_id(), Some(ApplicationId(42)));
}

#[test]
fn received_at_in_the_future_is_refused() {
    let c = ctx();
    let future = with_new(|n| n.received_at = c.now + Duration::seconds(1));
    assert_eq!(invalid_field(receive_result(future, &c)), "data_invio");
    let now = with_new(|n| n.received_at = c.now);
    assert!(receive_result(now, &c).is_ok());
}

#[test]
fn duplicate_external_id_is_refused() {
    let mut s = base_snapshot();
    s.external_id_taken = true;
    let new = with_new(|n| n.external_id = Some("PORT-7".to_string()));
    assert_eq!(
        decide(&s, &receive_cmd(new), &ctx()),
        Err(DomainError::DuplicateExternalId("PORT-7".to_string()))
    );
    // Without a portal id there is nothing to collide with.
    let counter = with_new(|n| n.channel = Channel::Sportello);
    assert!(decide(&s, &receive_cmd(counter), &ctx()).is_ok());
}

#[test]
fn unknown_document_on_submission_is_refused() {
    let new = with_new(|n| n.documents.push("passaporto".to_string()));
    let reason = invalid_reason(receive_result(new, &ctx()));
    assert!(reason.contains("passaporto"), "{reason}");
}

#[test]
fn receiving_without_a_call_is_refused() {
    let mut s = base_snapshot();
    s.call = None;
    assert_eq!(
        decide(&s, &receive_cmd(new_application(family())), &ctx()),
        Err(DomainError::NoActiveCall)
    );
}

#[test]
fn declaration_refusals_on_receipt() {
    let both = with_new(|n| {
        n.declaration = declaration(&[
            Condition::CoabitazioneParenti,
            Condition::CoabitazioneNonParenti,
        ])
    });
    assert_eq!(invalid_field(receive_result(both, &ctx())), "condizioni");

    let no_area = with_new(|n| n.declaration = declaration(&[Condition::AlloggioInadeguato]));
    assert_eq!(
        invalid_field(receive_result(no_area, &ctx())),
        "superficie_mq"
    );

    // Three people: 54 m² is adequate, 53 m² is not.
    let adequate = with_new(|n| {
        n.declaration = declaration(&[Condition::AlloggioInadeguato]);
        n.declaration.current_home_m2 = Some(54);
    });
    assert_eq!(
        invalid_field(receive_result(adequate, &ctx())),
        "superficie_mq"
    );
    let inadequate = with_new(|n| {
        n.declaration = declaration(&[Condition::AlloggioInadeguato]);
        n.declaration.current_home_m2 = Some(53);
    });
    assert!(receive_result(inadequate, &ctx()).is_ok());

    let d = declaration(&[Condition::AlloggioInadeguato]);
    assert!(d.validate(1).is_err());
}

#[test]
fn bad_contact_on_receipt_is_refused() {
    let new = with_new(|n| n.contact.address.postcode = "639".to_string());
    assert_eq!(invalid_field(receive_result(new, &ctx())), "cap");
}

// ---- household --------------------------------------------------------------------------------

#[test]
fn household_rules() {
    // The applicant comes first, and only once.
    assert_eq!(
        invalid_field(Household::new(vec![spouse(), applicant()])),
        "nucleo"
    );
    assert_eq!(invalid_field(Household::new(vec![])), "nucleo");
    let mut second_applicant = other_applicant();
    second_applicant.relation = Relation::Richiedente;
    assert_eq!(
        invalid_field(Household::new(vec![applicant(), second_applicant])),
        "nucleo"
    );

    // Nobody twice.
    let mut twin = applicant();
    twin.relation = Relation::Figlio;
    let reason = invalid_reason(Household::new(vec![applicant(), twin]));
    assert!(
        reason.contains(applicant().fiscal_code.as_str()),
        "{reason}"
    );

    // At most one spouse.
    let mut second_spouse = other_applicant();
    second_spouse.relation = Relation::Coniuge;
    assert_eq!(
        invalid_field(Household::new(vec![applicant(), spouse(), second_spouse])),
        "nucleo"
    );

    let h = family();
    assert_eq!(h.len(), 3);
    assert_eq!(h.applicant(), &applicant());
    assert_eq!(
        invalid_field(h.without_member(&applicant().fiscal_code)),
        "nucleo"
    );
    assert_eq!(
        invalid_field(h.without_member(&other_applicant().fiscal_code)),
        "nucleo"
    );
    let smaller = h.without_member(&child().fiscal_code).expect("removed");
    assert_eq!(smaller.len(), 2);
    assert!(
        h.with_member(spouse()).is_err(),
        "duplicate via with_member"
    );
}

#[test]
fn member_birth_date_must_match_the_fiscal_code() {
    let mut wrong_day = applicant();
    wrong_day.birth_date = date(1980, 3, 16);
    assert_eq!(
        invalid_field(Household::new(vec![wrong_day])),
        "data_nascita"
    );
    let mut wrong_month = applicant();
    wrong_month.birth_date = date(1980, 4, 15);
    assert_eq!(
        invalid_field(Household::new(vec![wrong_month])),
        "data_nascita"
    );
    let mut wrong_year = applicant();
    wrong_year.birth_date = date(1981, 3, 15);
    assert_eq!(
        invalid_field(Household::new(vec![wrong_year])),
        "data_nascita"
    );
    // A woman's code carries day + 40.
    let woman = spouse();
    assert!(woman.fiscal_code.is_female());
    assert!(Household::new(vec![applicant(), woman]).is_ok());
}

#[test]
fn accompaniment_needs_full_invalidity() {
    let mut m = child();
    m.disability_pct = 99;
    m.accompaniment = true;
    assert_eq!(
        invalid_field(Household::new(vec![applicant(), m.clone()])),
        "accompagnamento"
    );
    m.disability_pct = 100;
    assert!(Household::new(vec![applicant(), m.clone()]).is_ok());
    m.disability_pct = 101;
    m.accompaniment = false;
    assert_eq!(
        invalid_field(Household::new(vec![applicant(), m])),
        "invalidita"
    );
}

#[test]
fn member_names_are_required() {
    let mut m = child();
    m.name = "  ".to_string();
    assert_eq!(invalid_field(Household::new(vec![applicant(), m])), "nome");
    let mut m = child();
    m.surname = String::new();
    assert_eq!(
        invalid_field(Household::new(vec![applicant(), m])),
        "cognome"
    );
}

#[test]
fn adequate_area_table() {
    let table = [
        (1, 30),
        (2, 45),
        (3, 54),
        (4, 63),
        (5, 80),
        (6, 90),
        (7, 90),
        (12, 90),
    ];
    for (size, m2) in table {
        assert_eq!(adequate_area_m2(size), m2, "size {size}");
    }
}

#[test]
fn add_and_remove_member_through_commands() {
    let mut s = snapshot_in(State::InIstruttoria);
    let sara = member("Rossi", "Sara", date(2015, 5, 5), true, Relation::Figlio);
    let add = Command::AddMember {
        id: ID,
        member: Box::new(sara.clone()),
    };
    apply(&mut s, &add, &ctx());
    assert_eq!(s.application.as_ref().unwrap().household.len(), 4);
    assert!(decide(&s, &add, &ctx()).is_err(), "same person twice");

    let no_reason = Command::RemoveMember {
        id: ID,
        fiscal_code: sara.fiscal_code.clone(),
        reason: " ".to_string(),
    };
    assert_eq!(
        decide(&s, &no_reason, &ctx()),
        Err(DomainError::MissingReason)
    );
    let remove_applicant = Command::RemoveMember {
        id: ID,
        fiscal_code: applicant().fiscal_code,
        reason: "errore".to_string(),
    };
    assert_eq!(
        invalid_field(decide(&s, &remove_applicant, &ctx())),
        "nucleo"
    );
    let remove = Command::RemoveMember {
        id: ID,
        fiscal_code: sara.fiscal_code.clone(),
        reason: "trasferita".to_string(),
    };
    let events = apply(&mut s, &remove, &ctx());
    assert_eq!(events[0].reason.as_deref(), Some("trasferita"));
    assert_eq!(s.application.as_ref().unwrap().household.len(), 3);
}

// ---- contact -----------------------------------------------------------------------------------

fn contact_with(f: impl FnOnce(&mut Contact)) -> Result<Contact, DomainError> {
    let mut c = contact();
    f(&mut c);
    c.normalized()
}

#[test]
fn contact_normalisation() {
    let ok = contact_with(|c| {
        c.email = Some("  ".to_string());
        c.phone = Some(" 0734 123456 ".to_string());
        c.address.street = "  Via Roma 1 ".to_string();
    })
    .expect("valid");
    assert_eq!(ok.email, None);
    assert_eq!(ok.phone.as_deref(), Some("0734 123456"));
    assert_eq!(ok.address.street, "Via Roma 1");
    assert_eq!(ok.address.province, "FM");

    for cap in ["6390", "639000", "63A00", ""] {
        assert_eq!(
            invalid_field(contact_with(|c| c.address.postcode = cap.to_string())),
            "cap",
            "CAP {cap:?}"
        );
    }
    for email in [
        "mario.example.it",
        "mario@localhost",
        "@example.it",
        "mario rossi@example.it",
        "a@b@example.it",
        "mario@.example.it",
        "mario@example.it.",
    ] {
        assert_eq!(
            invalid_field(contact_with(|c| c.email = Some(email.to_string()))),
            "email",
            "email {email:?}"
        );
    }
    for phone in ["12345", "0734-123456", "+39 0734 12345678901", "tel 123456"] {
        assert_eq!(
            invalid_field(contact_with(|c| c.phone = Some(phone.to_string()))),
            "telefono",
            "phone {phone:?}"
        );
    }
    assert_eq!(
        invalid_field(contact_with(|c| c.address.street = "   ".to_string())),
        "indirizzo"
    );
    assert_eq!(
        invalid_field(contact_with(|c| c.address.municipality = String::new())),
        "comune"
    );
    assert_eq!(
        invalid_field(contact_with(|c| c.address.province = "FER".to_string())),
        "provincia"
    );
    let no_address = Contact {
        email: None,
        phone: None,
        address: Address::default(),
    };
    assert!(no_address.normalized().is_err());
}

#[test]
fn update_contact_command_normalises_and_refuses_bad_data() {
    let mut s = snapshot_in(State::Ammessa);
    let bad = Command::UpdateContact {
        id: ID,
        contact: Contact {
            email: Some("non-valida".to_string()),
            ..contact()
        },
    };
    assert_eq!(invalid_field(decide(&s, &bad, &ctx())), "email");
    let good = Command::UpdateContact {
        id: ID,
        contact: Contact {
            phone: None,
            ..contact()
        },
    };
    apply(&mut s, &good, &ctx());
    let app = s.application.as_ref().unwrap();
    assert_eq!(app.contact.phone, None);
    assert_eq!(app.contact.address.province, "FM");
}

// ---- the call ----------------------------------------------------------------------------------

fn call_error(f: impl FnOnce(&mut alloggi::domain::Call)) -> &'static str {
    let mut c = call();
    f(&mut c);
    invalid_field(c.validate())
}

#[test]
fn call_validation_refusals() {
    assert!(call().validate().is_ok());
    assert_eq!(call_error(|c| c.code = "ERP-2024".to_string()), "codice");
    assert_eq!(call_error(|c| c.code = String::new()), "codice");
    assert_eq!(call_error(|c| c.code = "erp_2024".to_string()), "codice");
    assert_eq!(call_error(|c| c.code = "a".repeat(33)), "codice");
    assert_eq!(call_error(|c| c.title = "  ".to_string()), "titolo");
    assert_eq!(call_error(|c| c.closes_at = c.opens_at), "chiusura");
    assert_eq!(
        call_error(|c| c.closes_at = c.opens_at - Duration::days(1)),
        "chiusura"
    );
    assert_eq!(
        call_error(|c| c.max_duration_days = 0),
        "durata_massima_giorni"
    );
    assert_eq!(
        call_error(|c| c.params.integration_days = 0),
        "giorni_integrazione"
    );
    assert_eq!(
        call_error(|c| c.params.max_property_share_pct = 101),
        "quota_massima_proprieta"
    );
    assert_eq!(
        call_error(|c| c.documents[1].title = " ".to_string()),
        "documenti"
    );
    assert_eq!(
        call_error(|c| c.documents.push(DocumentSpec {
            code: "domanda".to_string(),
            title: "Di nuovo".to_string(),
            required: false,
            needed_for: vec![],
        })),
        "documenti"
    );
    let mut longest = call();
    longest.code = "a".repeat(32);
    assert!(longest.validate().is_ok());
}

#[test]
fn save_call_validates_and_activates_the_first_call() {
    let empty = Snapshot::default();
    let command = Command::SaveCall(Box::new(call()));
    let events = decide(&empty, &command, &ctx()).expect("saved");
    assert_eq!(events.len(), 2);
    assert!(matches!(events[1].kind, EventKind::CallActivated { ref code } if code == "erp-2024"));
    let mut after = empty.clone();
    for e in &events {
        evolve(&mut after, e).unwrap();
    }
    assert_eq!(after.active_call.as_deref(), Some("erp-2024"));

    // With an active call, saving does not switch it.
    let events = decide(&base_snapshot(), &command, &ctx()).unwrap();
    assert_eq!(events.len(), 1);

    let mut bad = call();
    bad.max_duration_days = 0;
    assert!(decide(&empty, &Command::SaveCall(Box::new(bad)), &ctx()).is_err());

    let activate_unknown = Command::ActivateCall {
        code: "erp-2030".to_string(),
    };
    assert_eq!(
        decide(&base_snapshot(), &activate_unknown, &ctx()),
        Err(DomainError::UnknownCall("erp-2030".to_string()))
    );
}

#[test]
fn call_parameters_default_to_domain_values() {
    let p = CallParameters::default();
    assert_eq!(p.integration_days, 10);
    assert_eq!(p.objection_days, 30);
    assert_eq!(p.isee_limit.cents(), 1_369_900);
    assert_eq!(p.single_person_isee_increase_pct, 20);
    assert_eq!(p.max_property_share_pct, 50);
    assert_eq!(p.ranking_validity_years, 2);
    assert_eq!(p.reference_date, None);
    assert!(
        p.refusal_notice,
        "the notice of the grounds for refusal is on by default"
    );
    assert_eq!(p.refusal_notice_days, 10);
    assert_eq!(
        call_with_refusal_notice().params,
        p,
        "the seed's call uses the defaults"
    );
}

fn need_of(snapshot: &Snapshot, code: &str) -> Need {
    let call = snapshot.call.as_ref().unwrap();
    let app = snapshot.application.as_ref().unwrap();
    call.checklist(app)
        .into_iter()
        .find(|(doc, _)| doc.code == code)
        .map(|(_, need)| need)
        .unwrap_or_else(|| panic!("{code} not on the checklist"))
}

#[test]
fn checklist_needs_the_documents_of_declared_conditions() {
    let plain = snapshot_in(State::Ricevuta);
    assert_eq!(need_of(&plain, "domanda"), Need::Required);
    assert_eq!(need_of(&plain, "documento_identita"), Need::Required);
    assert_eq!(need_of(&plain, "ordine_rilascio"), Need::Optional);
    assert_eq!(need_of(&plain, "invalidita"), Need::Optional);
    assert_eq!(need_of(&plain, "altri_allegati"), Need::Optional);

    let needy = needy_application();
    assert_eq!(
        need_of(&needy, "ordine_rilascio"),
        Need::ForDeclaredCondition
    );
    assert_eq!(need_of(&needy, "invalidita"), Need::ForDeclaredCondition);
    assert_eq!(need_of(&needy, "condizione_alloggio"), Need::Optional);
    assert_eq!(need_of(&needy, "permesso_soggiorno"), Need::Optional);

    let work = received(with_new(|n| {
        n.declaration.tie = alloggi::domain::household::ComuneTie::Lavoro;
        n.declaration.citizenship = alloggi::domain::household::Citizenship::ExtraUeLungoPeriodo;
        n.declaration.isee = alloggi::domain::money::Money::from_cents(0);
    }));
    assert_eq!(
        need_of(&work, "dichiarazione_lavoro"),
        Need::ForDeclaredCondition
    );
    assert_eq!(
        need_of(&work, "permesso_soggiorno"),
        Need::ForDeclaredCondition
    );
    assert_eq!(need_of(&work, "isee_zero"), Need::ForDeclaredCondition);
}

#[test]
fn procedure_runs_210_days_from_the_closing_date() {
    let call = call();
    assert_eq!(call.closing_date(), date(2024, 11, 14));
    assert_eq!(call.reference_date(), date(2024, 11, 14));
    assert_eq!(call.procedure_end(), date(2025, 6, 12));
    assert_eq!(
        call.procedure_end(),
        date(2024, 11, 14) + chrono::Days::new(210)
    );

    assert_eq!(call.procedure_day(call.closes_at), None);
    assert_eq!(call.procedure_day(in_window()), None);
    // One second later it is 15/11 00:00:00 in Rome: day 1.
    assert_eq!(
        call.procedure_day(call.closes_at + Duration::seconds(1)),
        Some(1)
    );
    // 15/11 22:59:59 UTC is still 15/11 in Rome; a second later it is 16/11.
    assert_eq!(call.procedure_day(ts(2024, 11, 15, 22, 59, 59)), Some(1));
    assert_eq!(call.procedure_day(ts(2024, 11, 15, 23, 0, 0)), Some(2));
    // The last day of the procedure (12/06/2025, CEST).
    assert_eq!(call.procedure_day(ts(2025, 6, 12, 12, 0, 0)), Some(210));

    let mut with_reference = call.clone();
    with_reference.params.reference_date = Some(date(2024, 12, 31));
    assert_eq!(with_reference.reference_date(), date(2024, 12, 31));
}

// ---- property: random command sequences --------------------------------------------------

#[derive(Debug, Clone)]
enum Op {
    Register(bool),
    StartReview,
    RequestIntegration(Vec<usize>, Option<i64>),
    ReceiveIntegration,
    RecordDocument(usize, u8),
    Admit(bool),
    Exclude(usize, bool),
    Reinstate(bool),
    UpdateContact(bool),
    AddMember(usize),
    RemoveMember(usize, bool),
    OtherApplication,
}

const DOC_CODES: [&str; 5] = [
    "domanda",
    "documento_identita",
    "ordine_rilascio",
    "invalidita",
    "passaporto",
];

fn member_pool() -> Vec<Member> {
    let mut disabled = member(
        "Rossi",
        "Nonno",
        date(1940, 2, 2),
        false,
        Relation::Genitore,
    );
    disabled.disability_pct = 100;
    disabled.accompaniment = true;
    let mut bad_date = member(
        "Neri",
        "Paolo",
        date(1990, 6, 6),
        false,
        Relation::Convivente,
    );
    bad_date.birth_date = date(1990, 6, 7);
    let mut second_spouse = other_applicant();
    second_spouse.relation = Relation::Coniuge;
    vec![
        applicant(),
        spouse(),
        child(),
        disabled,
        bad_date,
        second_spouse,
    ]
}

fn op_strategy() -> impl Strategy<Value = Op> {
    prop_oneof![
        any::<bool>().prop_map(Op::Register),
        Just(Op::StartReview),
        (
            proptest::collection::vec(0..DOC_CODES.len(), 0..3),
            proptest::option::of(-3i64..20)
        )
            .prop_map(|(d, o)| Op::RequestIntegration(d, o)),
        Just(Op::ReceiveIntegration),
        (0..DOC_CODES.len(), 0u8..3).prop_map(|(d, s)| Op::RecordDocument(d, s)),
        any::<bool>().prop_map(Op::Admit),
        (0..ExclusionReason::ALL.len(), any::<bool>()).prop_map(|(r, n)| Op::Exclude(r, n)),
        any::<bool>().prop_map(Op::Reinstate),
        any::<bool>().prop_map(Op::UpdateContact),
        (0..6usize).prop_map(Op::AddMember),
        (0..6usize, any::<bool>()).prop_map(|(m, r)| Op::RemoveMember(m, r)),
        Just(Op::OtherApplication),
    ]
}

fn text(present: bool) -> String {
    if present {
        "motivazione".to_string()
    } else {
        "  ".to_string()
    }
}

fn to_command(op: &Op, now: Timestamp) -> Command {
    let pool = member_pool();
    match op {
        Op::Register(reason) => Command::RegisterApplication {
            id: ID,
            override_reason: reason.then(|| "deroga".to_string()),
        },
        Op::StartReview => start_review(),
        Op::RequestIntegration(docs, offset) => Command::RequestIntegration {
            id: ID,
            documents: docs.iter().map(|i| DOC_CODES[*i].to_string()).collect(),
            deadline: offset
                .map(|d| alloggi::domain::time::rome_date(now) + chrono::Duration::days(d)),
        },
        Op::ReceiveIntegration => receive_integration(),
        Op::RecordDocument(doc, status) => Command::RecordDocument {
            id: ID,
            code: DOC_CODES[*doc].to_string(),
            status: match status {
                0 => DocumentStatus::Ricevuto { at: now },
                1 => DocumentStatus::Mancante,
                _ => DocumentStatus::Respinto {
                    note: "illeggibile".to_string(),
                },
            },
        },
        Op::Admit(note) => Command::Admit {
            waiver: None,
            id: ID,
            note: text(*note),
        },
        Op::Exclude(reason, note) => Command::Exclude {
            id: ID,
            reason: ExclusionReason::ALL[*reason],
            note: text(*note),
        },
        Op::Reinstate(reason) => Command::Reinstate {
            id: ID,
            reason: text(*reason),
        },
        Op::UpdateContact(valid) => Command::UpdateContact {
            id: ID,
            contact: if *valid {
                contact()
            } else {
                Contact {
                    email: Some("x".to_string()),
                    ..contact()
                }
            },
        },
        Op::AddMember(i) => Command::AddMember {
            id: ID,
            member: Box::new(pool[*i].clone()),
        },
        Op::RemoveMember(i, reason) => Command::RemoveMember {
            id: ID,
            fiscal_code: pool[*i].fiscal_code.clone(),
            reason: text(*reason),
        },
        Op::OtherApplication => Command::StartReview {
            id: ApplicationId(2),
        },
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_command_sequences_stay_on_the_lifecycle_graph(
        late in any::<bool>(),
        ordine in any::<bool>(),
        ops in proptest::collection::vec((op_strategy(), 0u32..72), 1..40),
    ) {
        let call = call();
        let received_at = if late { call.closes_at + Duration::minutes(5) } else { in_window() };
        let new = NewApplication {
            received_at,
            declaration: declaration(if ordine { &[Condition::OrdineRilascio] } else { &[] }),
            ..new_application(family())
        };
        let mut s = received(new);
        let mut now = office_time();
        let mut protocol: Option<Protocol> = None;
        for (op, hours) in &ops {
            now += Duration::hours(i64::from(*hours));
            let c = ctx_at(now);
            let command = to_command(op, now);
            let from = state_of(&s);
            match decide(&s, &command, &c) {
                Ok(events) => {
                    for event in &events {
                        prop_assert_eq!(&event.actor, ACTOR);
                        prop_assert_eq!(event.at, now);
                        let step_from = state_of(&s);
                        let applied = evolve(&mut s, event);
                        prop_assert!(applied.is_ok(), "evolve refused a decided event {:?}: {:?}", event, applied);
                        let step_to = state_of(&s);
                        prop_assert!(
                            step_to == step_from || step_from.can_become(step_to),
                            "{:?} moved {:?} → {:?}", command, step_from, step_to
                        );
                    }
                }
                Err(e) => prop_assert!(
                    !matches!(e, DomainError::Internal(_)),
                    "{:?} caused an internal error: {}", command, e
                ),
            }
            let to = state_of(&s);
            prop_assert!(to == from || from.can_become(to), "{:?}: {:?} → {:?}", command, from, to);

            let app = s.application.as_ref().unwrap();
            // A protocol, once given, never changes.
            if let Some(p) = protocol {
                prop_assert_eq!(app.protocol.clone(), Some(p));
            }
            protocol = app.protocol.clone();
            prop_assert_eq!(app.protocol.is_some(), app.state != State::Ricevuta);
            match app.state {
                State::Ammessa => {
                    prop_assert!(app.decision.as_ref().is_some_and(|d| d.admitted));
                    prop_assert!(app.missing_documents(&call).is_empty());
                }
                State::Esclusa => {
                    prop_assert!(app.decision.as_ref().is_some_and(|d| !d.admitted));
                    prop_assert!(app.integration.is_none());
                }
                State::IntegrazioneRichiesta => prop_assert!(app.integration.is_some()),
                _ => {}
            }
            prop_assert_eq!(app.household.applicant(), &applicant());
        }
    }
}
