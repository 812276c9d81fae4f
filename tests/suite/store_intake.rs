//! Intake in the store: every step that fires an IO message commits with it in one
//! transaction (or nothing is written), steps without a message write one audit entry,
//! publication to the interested citizens, counter appointments and their indexes, protocol
//! patterns and their race-free counter, backups, people shared by two applications, and the
//! upgrade from schema 3. Every database lives in its own temporary directory.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::OnceLock;

use alloggi::domain::appointment::{AppointmentId, AppointmentState, Citizen, Slot};
use alloggi::domain::command::NewAppointment;
use alloggi::domain::fiscal_code::PersonFiscalCode;
use alloggi::domain::household::Relation;
use alloggi::domain::money::Money;
use alloggi::domain::notice::NoticeNumber;
use alloggi::domain::protocol::ProtocolPattern;
use alloggi::domain::time::Timestamp;
use alloggi::domain::verification::{CheckItem, Requirement};
use alloggi::domain::{ApplicationId, Call, Command, DomainError, Event, State};
use alloggi::messages::outbox::{Compose, Draft, OutboxEntry, OutboxTab, Subject};
use alloggi::messages::{Catalogue, ComuneConfig, Order, Values};
use alloggi::store::{SCHEMA_VERSION, Store, StoreError};
use chrono::Duration;
use common::*;

const A1: ApplicationId = ApplicationId(1);
const A2: ApplicationId = ApplicationId(2);
const A3: ApplicationId = ApplicationId(3);
const CODE: &str = "erp-2024";
const PATTERN: &str = "ERP-{anno}-{numero:4}";

// ---- helpers ------------------------------------------------------------------------------

fn config() -> &'static ComuneConfig {
    static CONFIG: OnceLock<ComuneConfig> = OnceLock::new();
    CONFIG.get_or_init(ComuneConfig::example)
}

fn order(template_id: &str) -> Order<'static> {
    order_with(template_id, config())
}

fn order_with<'a>(template_id: &str, config: &'a ComuneConfig) -> Order<'a> {
    Order {
        template: Catalogue::builtin().get(template_id).expect("template"),
        config,
        typed: Values::new(),
        recipient: None,
    }
}

/// A message that can never be composed: forces the failure inside the transaction.
struct Refusing;

impl Compose for Refusing {
    fn compose(&self, _: &Subject<'_>) -> Result<Draft, String> {
        Err("valore «prova» mancante".to_string())
    }
}

/// The 2024 call, with a secretarial fee of 25,00 € and protocols written `ERP-2024-0001`.
fn intake_call() -> Call {
    let mut call = call();
    call.secretarial_fee = Money::from_cents(2500);
    call.params.protocol_pattern = ProtocolPattern::parse(PATTERN).expect("pattern");
    call
}

/// `intake_call()` and `n` received applications of one person each, ids 1..=n.
fn seed(store: &Store, n: usize) {
    run(store, Command::SaveCall(Box::new(intake_call())));
    for person in five_applicants().into_iter().take(n) {
        run(
            store,
            Command::ReceiveApplication(Box::new(new_application(household(vec![person])))),
        );
    }
}

fn backup(store: &Store) -> Vec<u8> {
    let mut out = Vec::new();
    store.export(&mut out).expect("export");
    out
}

fn outbox_total(store: &Store) -> usize {
    store.outbox_counts().expect("counts").values().sum()
}

fn queued(store: &Store) -> Vec<OutboxEntry> {
    store
        .outbox_page(OutboxTab::Queued, None, 1000)
        .expect("page")
}

/// The kinds of the audit entries written after the first `from`.
fn kinds_after(store: &Store, from: usize) -> Vec<&'static str> {
    store
        .audit_events(from as u64 + 1, 10_000)
        .expect("audit")
        .into_iter()
        .map(|(_, e)| e.kind_name())
        .collect()
}

fn assert_clean(store: &Store) {
    let report = store.check().expect("check");
    assert!(report.is_ok(), "{:?}", report.problems);
    assert!(store.verify_audit().unwrap().first_broken.is_none());
}

fn notice() -> NoticeNumber {
    NoticeNumber::aux3(1, 2_026_000_000_123).expect("notice number")
}

fn issue_fee(id: ApplicationId) -> Command {
    Command::IssueFee {
        id,
        notice: notice(),
        amount: None,
        due: date(2024, 12, 31),
    }
}

fn person(i: usize) -> PersonFiscalCode {
    five_applicants()[i].fiscal_code.clone()
}

fn add_interested(people: &[usize]) -> Command {
    Command::AddInterested {
        call: CODE.to_string(),
        fiscal_codes: people.iter().map(|i| person(*i)).collect(),
    }
}

/// Rome time 10:00 on 10/12/2024.
fn ten_oclock() -> Timestamp {
    ts(2024, 12, 10, 9, 0, 0)
}

fn book_for(
    citizen: usize,
    application: Option<ApplicationId>,
    at: Timestamp,
    place: &str,
) -> Command {
    Command::BookAppointment(Box::new(NewAppointment {
        citizen: Citizen {
            fiscal_code: person(citizen),
            name: String::new(),
        },
        application,
        subject: "presentare la domanda".to_string(),
        slot: Slot {
            at,
            place: place.to_string(),
        },
    }))
}

fn book(citizen: usize, at: Timestamp, place: &str) -> Command {
    book_for(citizen, None, at, place)
}

fn reschedule(id: u64, at: Timestamp, place: &str) -> Command {
    Command::RescheduleAppointment {
        id: AppointmentId(id),
        slot: Slot {
            at,
            place: place.to_string(),
        },
    }
}

fn cancel(id: u64) -> Command {
    Command::CancelAppointment {
        id: AppointmentId(id),
        reason: "rinuncia del cittadino".to_string(),
    }
}

fn ids_on(store: &Store, day: chrono::NaiveDate) -> Vec<u64> {
    store
        .appointments_on(day)
        .expect("day")
        .into_iter()
        .map(|a| a.id.0)
        .collect()
}

fn invalid_field(error: StoreError) -> &'static str {
    match error {
        StoreError::Domain(DomainError::Invalid { field, .. }) => field,
        other => panic!("expected an invalid field, got {other:?}"),
    }
}

/// Runs `command` with its message and checks what the one transaction wrote: the step's
/// audit entry and `messaggio_accodato`, and one outbox entry.
fn queue_step(store: &Store, command: &Command, template: &str, step: &str) -> OutboxEntry {
    queue_step_at(store, command, template, step, &ctx())
}

fn queue_step_at(
    store: &Store,
    command: &Command,
    template: &str,
    step: &str,
    ctx: &alloggi::domain::Context,
) -> OutboxEntry {
    let audit_before = store.audit_len();
    let outbox_before = outbox_total(store);
    let (events, entry) = store
        .execute_and_queue(Some(command), None, ctx, &order(template))
        .unwrap_or_else(|e| panic!("{command:?} with {template}: {e}"));
    let kinds: Vec<&str> = events.iter().map(Event::kind_name).collect();
    assert_eq!(kinds, vec![step, "messaggio_accodato"]);
    assert_eq!(
        kinds_after(store, audit_before),
        vec![step, "messaggio_accodato"]
    );
    assert_eq!(store.audit_len(), audit_before + 2);
    assert_eq!(outbox_total(store), outbox_before + 1);
    assert_eq!(entry.template, template);
    assert_eq!(entry.state, alloggi::messages::outbox::OutboxState::Queued);
    assert_eq!(entry.queued_by, ACTOR);
    entry
}

/// `command` with a message that cannot be composed: refused, and nothing written.
fn refused_with_nothing_written(
    store: &Store,
    command: &Command,
    compose: &dyn Compose,
) -> StoreError {
    let before = backup(store);
    let audit_before = store.audit_len();
    let outbox_before = outbox_total(store);
    let error = store
        .execute_and_queue(Some(command), None, &ctx(), compose)
        .expect_err("the message cannot be composed");
    assert!(matches!(error, StoreError::Message(_)), "{error:?}");
    assert_eq!(store.audit_len(), audit_before);
    assert_eq!(outbox_total(store), outbox_before);
    assert_eq!(
        backup(store),
        before,
        "the step was written without its message"
    );
    error
}

/// Runs `command` alone and checks it wrote one audit entry of kind `kind` and no message.
fn one_audit_entry(store: &Store, command: &Command, kind: &str) {
    let audit_before = store.audit_len();
    let outbox_before = outbox_total(store);
    run(store, command.clone());
    assert_eq!(kinds_after(store, audit_before), vec![kind]);
    assert_eq!(outbox_total(store), outbox_before);
}

// ---- 1. each step that fires a message -----------------------------------------------------

#[test]
fn registering_queues_presa_in_carico_with_the_patterned_protocol_in_one_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let entry = {
        let store = open(dir.path());
        seed(&store, 1);

        let mut broken = config().clone();
        broken.urls.application = String::new();
        let error = refused_with_nothing_written(
            &store,
            &register(A1),
            &order_with("presa_in_carico", &broken),
        );
        assert!(error.to_string().contains("url_domanda"), "{error}");
        refused_with_nothing_written(&store, &register(A1), &Refusing);
        assert_eq!(
            store.application(A1).unwrap().unwrap().state,
            State::Ricevuta
        );

        let entry = queue_step(
            &store,
            &register(A1),
            "presa_in_carico",
            "domanda_protocollata",
        );
        assert!(
            entry.message.content.markdown.contains("ERP-2024-0001"),
            "{}",
            entry.message.content.markdown
        );
        assert_eq!(entry.application, Some(A1));
        assert_eq!(
            entry.addressee.fiscal_code,
            applicant().fiscal_code.as_str()
        );
        entry
    };

    let store = open(dir.path());
    let app = store.application(A1).unwrap().unwrap();
    assert_eq!(app.state, State::Protocollata);
    assert_eq!(app.protocol.unwrap().text, "ERP-2024-0001");
    assert_eq!(store.outbox_entry(entry.id).unwrap(), Some(entry));
    assert_eq!(
        kinds_after(&store, 0),
        vec![
            "bando_salvato",
            "bando_attivato",
            "domanda_ricevuta",
            "domanda_protocollata",
            "messaggio_accodato"
        ]
    );
    assert_clean(&store);
}

#[test]
fn requesting_an_integration_queues_its_message_with_the_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let request = Command::RequestIntegration {
        id: A1,
        documents: vec!["contratto_affitto".to_string()],
        deadline: None,
    };
    let entry = {
        let store = open(dir.path());
        seed(&store, 1);
        run(&store, register(A1));
        run(&store, Command::StartReview { id: A1 });

        refused_with_nothing_written(&store, &request, &Refusing);
        assert_eq!(
            store.application(A1).unwrap().unwrap().state,
            State::InIstruttoria
        );

        let entry = queue_step(
            &store,
            &request,
            "richiesta_integrazione",
            "integrazione_richiesta",
        );
        // Ten days from 02/12/2024.
        assert!(
            entry.message.content.markdown.contains("12/12/2024"),
            "{}",
            entry.message.content.markdown
        );
        assert_eq!(entry.application, Some(A1));
        entry
    };

    let store = open(dir.path());
    let app = store.application(A1).unwrap().unwrap();
    assert_eq!(app.state, State::IntegrazioneRichiesta);
    assert_eq!(app.integration.unwrap().deadline, date(2024, 12, 12));
    assert_eq!(store.outbox_entry(entry.id).unwrap(), Some(entry));
    assert_clean(&store);
}

#[test]
fn booking_queues_the_confirmation_to_the_citizen_with_the_booking_number() {
    let dir = tempfile::tempdir().unwrap();
    let command = book(2, ten_oclock(), "Ufficio Casa, Via Mazzini 4");
    let entry = {
        let store = open(dir.path());
        seed(&store, 0);

        let mut broken = config().clone();
        broken.urls.appointments = String::new();
        let error = refused_with_nothing_written(
            &store,
            &command,
            &order_with("appuntamento_domanda", &broken),
        );
        assert!(error.to_string().contains("url_appuntamenti"), "{error}");
        refused_with_nothing_written(&store, &command, &Refusing);
        assert_eq!(store.appointment(AppointmentId(1)).unwrap(), None);

        let entry = queue_step(
            &store,
            &command,
            "appuntamento_domanda",
            "appuntamento_prenotato",
        );
        let body = &entry.message.content.markdown;
        assert!(body.contains("2024-000001"), "{body}");
        assert!(body.contains("10/12/2024"), "{body}");
        assert!(body.contains("10:00"), "{body}");
        assert!(body.contains("Ufficio Casa, Via Mazzini 4"), "{body}");
        assert!(body.contains("presentare la domanda"), "{body}");
        // A citizen without an application: the message is addressed to them, about no case.
        assert_eq!(entry.addressee.fiscal_code, person(2).as_str());
        assert_eq!(entry.application, None);
        entry
    };

    let store = open(dir.path());
    let appointment = store
        .appointment(AppointmentId(1))
        .unwrap()
        .expect("booked");
    assert_eq!(appointment.booking_number, "2024-000001");
    assert!(appointment.is_active());
    assert_eq!(store.outbox_entry(entry.id).unwrap(), Some(entry));
    assert_eq!(ids_on(&store, date(2024, 12, 10)), vec![1]);
    assert_clean(&store);
}

#[test]
fn a_booking_about_an_application_queues_a_message_filed_under_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    seed(&store, 1);
    let entry = queue_step(
        &store,
        &book_for(0, Some(A1), ten_oclock(), "Sportello 1"),
        "appuntamento_domanda",
        "appuntamento_prenotato",
    );
    assert_eq!(entry.application, Some(A1));
    let kinds: Vec<&str> = store
        .application_events(A1)
        .unwrap()
        .iter()
        .map(|(_, e)| e.kind_name())
        .collect();
    assert_eq!(
        kinds,
        vec![
            "domanda_ricevuta",
            "appuntamento_prenotato",
            "messaggio_accodato"
        ]
    );
}

#[test]
fn issuing_the_fee_queues_the_pagopa_notice_with_amount_and_number() {
    let dir = tempfile::tempdir().unwrap();
    let entry = {
        let store = open(dir.path());
        seed(&store, 1);
        run(&store, register(A1));

        refused_with_nothing_written(&store, &issue_fee(A1), &Refusing);
        assert_eq!(store.application(A1).unwrap().unwrap().fee, None);

        let entry = queue_step(
            &store,
            &issue_fee(A1),
            "avviso_segreteria",
            "avviso_segreteria_emesso",
        );
        let body = &entry.message.content.markdown;
        assert!(body.contains("25,00 €"), "{body}");
        assert!(body.contains("31/12/2024"), "{body}");
        assert!(body.contains("Mario Rossi"), "{body}");
        assert!(
            body.contains("spese di segreteria della domanda ERP-2024-0001"),
            "{body}"
        );
        let payment = entry
            .message
            .content
            .payment_data
            .clone()
            .expect("payment data");
        assert_eq!(payment.amount, 2500);
        assert_eq!(payment.notice_number, notice().as_str());
        assert!(entry.message.content.due_date.is_some());
        assert_eq!(entry.application, Some(A1));
        entry
    };

    let store = open(dir.path());
    let fee = store.application(A1).unwrap().unwrap().fee.expect("fee");
    assert_eq!(fee.amount, Money::from_cents(2500));
    assert_eq!(fee.notice, notice());
    assert_eq!(store.outbox_entry(entry.id).unwrap(), Some(entry));
    assert_clean(&store);
}

#[test]
fn reminding_the_fee_queues_the_reminder_and_records_it_on_the_fee() {
    let dir = tempfile::tempdir().unwrap();
    let when = ctx_at(ts(2024, 12, 20, 9, 0, 0));
    let remind = Command::RemindFee { id: A1 };
    let entry = {
        let store = open(dir.path());
        seed(&store, 1);
        run(&store, register(A1));
        run(&store, issue_fee(A1));

        refused_with_nothing_written(&store, &remind, &Refusing);
        assert!(
            store
                .application(A1)
                .unwrap()
                .unwrap()
                .fee
                .unwrap()
                .reminders
                .is_empty()
        );

        let entry = queue_step_at(
            &store,
            &remind,
            "avviso_segreteria_scadenza",
            "promemoria_pagamento",
            &when,
        );
        let body = &entry.message.content.markdown;
        assert!(body.contains("25,00 €"), "{body}");
        assert!(body.contains("31/12/2024"), "{body}");
        assert_eq!(
            entry
                .message
                .content
                .payment_data
                .as_ref()
                .map(|p| p.amount),
            Some(2500)
        );
        entry
    };

    let store = open(dir.path());
    let fee = store.application(A1).unwrap().unwrap().fee.expect("fee");
    assert_eq!(fee.reminders, vec![when.now]);
    assert_eq!(store.outbox_entry(entry.id).unwrap(), Some(entry));
    assert_clean(&store);
}

#[test]
fn a_second_identical_reminder_is_refused_as_a_duplicate_and_not_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    seed(&store, 1);
    run(&store, register(A1));
    run(&store, issue_fee(A1));
    let remind = Command::RemindFee { id: A1 };
    let first = queue_step_at(
        &store,
        &remind,
        "avviso_segreteria_scadenza",
        "promemoria_pagamento",
        &ctx_at(ts(2024, 12, 20, 9, 0, 0)),
    );
    let before = backup(&store);
    let error = store
        .execute_and_queue(
            Some(&remind),
            None,
            &ctx_at(ts(2024, 12, 27, 9, 0, 0)),
            &order("avviso_segreteria_scadenza"),
        )
        .expect_err("the same text again");
    assert!(
        matches!(error, StoreError::DuplicateMessage(id) if id == first.id),
        "{error:?}"
    );
    assert_eq!(backup(&store), before);
    assert_eq!(
        store
            .application(A1)
            .unwrap()
            .unwrap()
            .fee
            .unwrap()
            .reminders
            .len(),
        1
    );
}

// ---- 2. steps without a message --------------------------------------------------------------

#[test]
fn steps_without_a_message_write_one_audit_entry_and_no_outbox_entry() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    seed(&store, 1);
    run(&store, register(A1));
    run(&store, issue_fee(A1));
    run(&store, book(1, ten_oclock(), "Sportello 1"));
    run(
        &store,
        book(2, ten_oclock() + Duration::hours(1), "Sportello 1"),
    );
    let outbox_before = outbox_total(&store);

    one_audit_entry(
        &store,
        &Command::RecordPayment {
            id: A1,
            paid_on: date(2024, 12, 2),
        },
        "pagamento_registrato",
    );
    one_audit_entry(&store, &cancel(2), "appuntamento_annullato");
    one_audit_entry(&store, &add_interested(&[3, 4]), "interessati_aggiunti");
    one_audit_entry(
        &store,
        &Command::RemoveInterested {
            call: CODE.to_string(),
            fiscal_code: person(3),
        },
        "interessato_rimosso",
    );
    one_audit_entry(
        &store,
        &reschedule(1, ten_oclock() + Duration::days(1), "Sportello 2"),
        "appuntamento_spostato",
    );
    assert_eq!(outbox_total(&store), outbox_before);
    drop(store);

    let store = open(dir.path());
    let app = store.application(A1).unwrap().unwrap();
    assert_eq!(app.fee.unwrap().payment.unwrap().paid_on, date(2024, 12, 2));
    assert!(
        !store
            .appointment(AppointmentId(2))
            .unwrap()
            .unwrap()
            .is_active()
    );
    assert_eq!(
        store
            .appointment(AppointmentId(1))
            .unwrap()
            .unwrap()
            .slot
            .place,
        "Sportello 2"
    );
    assert_eq!(
        store
            .interested(CODE)
            .unwrap()
            .keys()
            .cloned()
            .collect::<Vec<_>>(),
        vec![person(4).as_str().to_string()]
    );
    assert_clean(&store);
}

#[test]
fn a_verification_is_stored_with_one_audit_entry_and_no_message() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = open(dir.path());
        seed(&store, 1);
        run(&store, register(A1));
        one_audit_entry(
            &store,
            &Command::Verify {
                id: A1,
                item: CheckItem::Requisito(Requirement::Isee),
                verified: false,
                note: "ISEE scaduto".to_string(),
            },
            "verifica_registrata",
        );
        assert_eq!(outbox_total(&store), 0);
    }
    let store = open(dir.path());
    let app = store.application(A1).unwrap().unwrap();
    let finding = &app.verifications[&CheckItem::Requisito(Requirement::Isee)];
    assert!(!finding.verified);
    assert_eq!(finding.note, "ISEE scaduto");
    assert_eq!(finding.by, ACTOR);
    assert_eq!(finding.at, office_time());
    assert_eq!(
        store
            .application_events(A1)
            .unwrap()
            .last()
            .map(|(_, e)| e.kind_name()),
        Some("verifica_registrata")
    );
    // And the backup carries it.
    let bytes = backup(&store);
    let target = tempfile::tempdir().unwrap();
    let restored = open(target.path());
    restored
        .restore(|| Ok(std::io::Cursor::new(bytes.clone())))
        .expect("restored");
    assert_eq!(backup(&restored), bytes);
    assert_clean(&restored);
}

#[test]
fn rescheduling_with_its_message_queues_a_new_confirmation() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    seed(&store, 0);
    let first = queue_step(
        &store,
        &book(1, ten_oclock(), "Sportello 1"),
        "appuntamento_domanda",
        "appuntamento_prenotato",
    );
    // 15:30 in Rome on 12/12/2024.
    let moved = ts(2024, 12, 12, 14, 30, 0);
    let second = queue_step(
        &store,
        &reschedule(1, moved, "Sportello 2"),
        "appuntamento_domanda",
        "appuntamento_spostato",
    );
    assert_ne!(first.id, second.id);
    let body = &second.message.content.markdown;
    assert!(body.contains("12/12/2024"), "{body}");
    assert!(body.contains("15:30"), "{body}");
    assert!(body.contains("Sportello 2"), "{body}");
    assert!(
        body.contains("2024-000001"),
        "the booking keeps its number: {body}"
    );
    assert_eq!(second.addressee.fiscal_code, person(1).as_str());
    assert_eq!(queued(&store).len(), 2);

    refused_with_nothing_written(
        &store,
        &reschedule(1, moved + Duration::hours(1), "Sportello 2"),
        &Refusing,
    );
    assert_eq!(
        store
            .appointment(AppointmentId(1))
            .unwrap()
            .unwrap()
            .slot
            .at,
        moved
    );
    assert_clean(&store);
}

// ---- 3. publication to the interested citizens ---------------------------------------------

#[test]
fn publishing_tells_every_interested_citizen_in_the_same_transaction() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = open(dir.path());
        seed(&store, 0);
        run(&store, add_interested(&[0, 1, 2]));
        let audit_before = store.audit_len();

        let report = store
            .queue_to_interested(CODE, true, &ctx(), &order("pubblicazione_bando"))
            .expect("published");
        assert_eq!(report.events.len(), 1);
        assert_eq!(report.events[0].kind_name(), "bando_pubblicato");
        assert_eq!(report.queued.len(), 3);
        assert_eq!(report.duplicates, 0);
        assert_eq!(
            kinds_after(&store, audit_before),
            vec![
                "bando_pubblicato",
                "messaggio_accodato",
                "messaggio_accodato",
                "messaggio_accodato"
            ]
        );
        assert_eq!(
            store.call(CODE).unwrap().unwrap().published_at,
            Some(office_time())
        );
        let entries = queued(&store);
        assert_eq!(entries.len(), 3);
        let addressees: BTreeSet<String> = entries
            .iter()
            .map(|e| e.addressee.fiscal_code.clone())
            .collect();
        assert_eq!(
            addressees,
            (0..3).map(|i| person(i).as_str().to_string()).collect()
        );
        for entry in &entries {
            assert_eq!(entry.template, "pubblicazione_bando");
            assert_eq!(entry.application, None);
            assert_eq!(entry.message.fiscal_code, entry.addressee.fiscal_code);
            let body = &entry.message.content.markdown;
            assert!(body.contains("Il 02/12/2024 è stato pubblicato"), "{body}");
            assert!(body.contains("Comune di Fermo"), "{body}");
        }
    }

    // Everything survives reopening; publishing again is refused and writes nothing.
    let store = open(dir.path());
    assert_eq!(outbox_total(&store), 3);
    let before = backup(&store);
    let later = ctx_at(office_time() + Duration::days(1));
    let error = store
        .queue_to_interested(CODE, true, &later, &order("pubblicazione_bando"))
        .expect_err("already published");
    assert_eq!(invalid_field(error), "bando");
    assert_eq!(backup(&store), before);
    let error = store
        .execute(
            &Command::PublishCall {
                code: CODE.to_string(),
            },
            &later,
        )
        .expect_err("already published");
    assert_eq!(invalid_field(error), "bando");
    assert_eq!(backup(&store), before);
    assert_clean(&store);
}

#[test]
fn telling_the_interested_again_reaches_only_those_added_since() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    seed(&store, 0);
    run(&store, add_interested(&[0, 1]));
    store
        .queue_to_interested(CODE, true, &ctx(), &order("pubblicazione_bando"))
        .expect("published");
    run(&store, add_interested(&[4]));
    let audit_before = store.audit_len();
    let later = ctx_at(office_time() + Duration::days(2));

    let report = store
        .queue_to_interested(CODE, false, &later, &order("pubblicazione_bando"))
        .expect("queued");
    assert!(report.events.is_empty(), "{:?}", report.events);
    assert_eq!(report.queued.len(), 1);
    assert_eq!(report.duplicates, 2);
    assert_eq!(
        kinds_after(&store, audit_before),
        vec!["messaggio_accodato"]
    );
    let entry = store.outbox_entry(report.queued[0]).unwrap().unwrap();
    assert_eq!(entry.addressee.fiscal_code, person(4).as_str());
    // The message still gives the day of publication, not the day it was queued.
    assert!(
        entry.message.content.markdown.contains("02/12/2024"),
        "{}",
        entry.message.content.markdown
    );
    assert_eq!(
        store.call(CODE).unwrap().unwrap().published_at,
        Some(office_time())
    );
    assert_eq!(outbox_total(&store), 3);
    assert_clean(&store);
}

#[test]
fn a_publication_whose_message_cannot_be_composed_publishes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    seed(&store, 0);
    run(&store, add_interested(&[0, 1]));
    let before = backup(&store);

    let mut broken = config().clone();
    broken.comune = String::new();
    let error = store
        .queue_to_interested(
            CODE,
            true,
            &ctx(),
            &order_with("pubblicazione_bando", &broken),
        )
        .expect_err("no Comune name");
    assert!(error.to_string().contains("comune"), "{error}");
    assert_eq!(backup(&store), before);
    assert!(
        store
            .queue_to_interested(CODE, true, &ctx(), &Refusing)
            .is_err()
    );
    assert_eq!(backup(&store), before);
    assert_eq!(store.call(CODE).unwrap().unwrap().published_at, None);
    assert_eq!(outbox_total(&store), 0);
}

#[test]
fn telling_the_interested_of_an_unpublished_or_unknown_call_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    seed(&store, 0);
    run(&store, add_interested(&[0]));
    let before = backup(&store);
    // Not published: the message has no day of publication to give.
    let error = store
        .queue_to_interested(CODE, false, &ctx(), &order("pubblicazione_bando"))
        .expect_err("not published");
    assert!(error.to_string().contains("data_pubblicazione"), "{error}");
    let error = store
        .queue_to_interested("erp-2099", false, &ctx(), &order("pubblicazione_bando"))
        .expect_err("unknown call");
    assert!(
        matches!(&error, StoreError::Domain(DomainError::UnknownCall(code)) if code == "erp-2099"),
        "{error:?}"
    );
    assert_eq!(backup(&store), before);
}

#[test]
fn interested_lists_are_kept_per_call() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    seed(&store, 0);
    let mut other = intake_call();
    other.code = "erp-2026".to_string();
    run(&store, Command::SaveCall(Box::new(other)));
    run(&store, add_interested(&[0, 1]));
    run(
        &store,
        Command::AddInterested {
            call: "erp-2026".to_string(),
            fiscal_codes: vec![person(1), person(2)],
        },
    );
    let listed =
        |code: &str| -> Vec<String> { store.interested(code).unwrap().keys().cloned().collect() };
    let sorted = |people: &[usize]| -> Vec<String> {
        people
            .iter()
            .map(|i| person(*i).as_str().to_string())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    };
    assert_eq!(listed(CODE), sorted(&[0, 1]));
    assert_eq!(listed("erp-2026"), sorted(&[1, 2]));
    let entry = &store.interested(CODE).unwrap()[person(0).as_str()];
    assert_eq!(entry.added_by, ACTOR);
    assert_eq!(entry.added_at, office_time());
    assert!(store.interested("erp-2099").unwrap().is_empty());
}

// ---- 4. appointments -------------------------------------------------------------------------

#[test]
fn a_days_appointments_are_listed_in_time_order_cancelled_ones_included() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    seed(&store, 1);
    // Booked out of order, Rome times 15:00, 09:00, 11:30 on 10/12, then 09:00 on 11/12.
    run(&store, book(0, ts(2024, 12, 10, 14, 0, 0), "Sportello 1"));
    run(&store, book(1, ts(2024, 12, 10, 8, 0, 0), "Sportello 1"));
    run(
        &store,
        book_for(0, Some(A1), ts(2024, 12, 10, 10, 30, 0), "Sportello 2"),
    );
    run(&store, book(2, ts(2024, 12, 11, 8, 0, 0), "Sportello 1"));
    // 00:30 on 11/12 in Rome is still 10/12 in UTC: it belongs to the 11th.
    run(&store, book(3, ts(2024, 12, 10, 23, 30, 0), "Sportello 1"));
    run(&store, cancel(1));

    assert_eq!(ids_on(&store, date(2024, 12, 10)), vec![2, 3, 1]);
    assert_eq!(ids_on(&store, date(2024, 12, 11)), vec![5, 4]);
    assert!(ids_on(&store, date(2024, 12, 9)).is_empty());
    let day = store.appointments_on(date(2024, 12, 10)).unwrap();
    assert!(matches!(
        day[2].state,
        AppointmentState::Annullato { ref reason, .. } if reason == "rinuncia del cittadino"
    ));
    assert_eq!(
        store
            .appointments_of(A1)
            .unwrap()
            .iter()
            .map(|a| a.id.0)
            .collect::<Vec<_>>(),
        vec![3]
    );
    assert_clean(&store);
}

#[test]
fn two_bookings_of_one_place_at_one_minute_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    seed(&store, 0);
    run(&store, book(0, ten_oclock(), "Sportello 1"));
    let before = backup(&store);

    for place in [
        "Sportello 1",
        "SPORTELLO 1",
        "  sportello    1 ",
        "Sportello  1",
    ] {
        let error = store
            .execute(&book(1, ten_oclock(), place), &ctx())
            .expect_err(place);
        match &error {
            StoreError::Domain(DomainError::Invalid { field, reason }) => {
                assert_eq!(*field, "quando");
                assert!(reason.contains("già occupato"), "{reason}");
                assert!(reason.contains("A1"), "{reason}");
            }
            other => panic!("{place:?}: expected a clash, got {other:?}"),
        }
        assert_eq!(backup(&store), before, "{place:?}");
    }

    // Another place at the same minute, or the same place a minute later, is free.
    run(&store, book(1, ten_oclock(), "Sportello 2"));
    run(
        &store,
        book(2, ten_oclock() + Duration::minutes(1), "Sportello 1"),
    );
    assert_eq!(ids_on(&store, date(2024, 12, 10)).len(), 3);
    assert_clean(&store);
}

#[test]
fn a_cancelled_booking_frees_its_slot() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    seed(&store, 0);
    run(&store, book(0, ten_oclock(), "Sportello 1"));
    run(&store, cancel(1));
    run(&store, book(1, ten_oclock(), "sportello 1"));
    let listed = store.appointments_on(date(2024, 12, 10)).unwrap();
    assert_eq!(listed.len(), 2);
    assert!(!listed[0].is_active() || !listed[1].is_active());
    assert_eq!(listed.iter().filter(|a| a.is_active()).count(), 1);
    // The new booking now holds it.
    assert!(
        store
            .execute(&book(2, ten_oclock(), "Sportello 1"), &ctx())
            .is_err()
    );
    assert_clean(&store);
}

#[test]
fn rescheduling_moves_a_booking_between_days_and_frees_the_old_slot() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = open(dir.path());
        seed(&store, 0);
        run(&store, book(0, ten_oclock(), "Sportello 1"));
        run(&store, book(1, ts(2024, 12, 11, 9, 0, 0), "Sportello 1"));
        // Onto the other booking's slot: refused.
        let error = store
            .execute(
                &reschedule(1, ts(2024, 12, 11, 9, 0, 0), " sportello 1"),
                &ctx(),
            )
            .expect_err("held by A2");
        assert_eq!(invalid_field(error), "quando");

        run(
            &store,
            reschedule(1, ts(2024, 12, 12, 9, 0, 0), "Sportello 1"),
        );
        assert_eq!(ids_on(&store, date(2024, 12, 10)), Vec::<u64>::new());
        assert_eq!(ids_on(&store, date(2024, 12, 12)), vec![1]);
        // The old slot is free, the new one held.
        run(&store, book(2, ten_oclock(), "Sportello 1"));
        assert!(
            store
                .execute(&book(3, ts(2024, 12, 12, 9, 0, 0), "Sportello 1"), &ctx())
                .is_err()
        );
    }
    let store = open(dir.path());
    assert_eq!(ids_on(&store, date(2024, 12, 10)), vec![3]);
    assert_eq!(ids_on(&store, date(2024, 12, 11)), vec![2]);
    assert_eq!(ids_on(&store, date(2024, 12, 12)), vec![1]);
    assert_clean(&store);
}

#[test]
fn a_refused_booking_takes_no_id() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    seed(&store, 0);
    run(&store, book(0, ten_oclock(), "Sportello 1"));
    assert!(
        store
            .execute(&book(1, ten_oclock(), "Sportello 1"), &ctx())
            .is_err()
    );
    assert!(
        store
            .execute(&book(1, office_time(), "Sportello 1"), &ctx())
            .is_err()
    );
    run(&store, book(1, ten_oclock(), "Sportello 3"));
    assert_eq!(
        store
            .appointment(AppointmentId(2))
            .unwrap()
            .map(|a| a.booking_number),
        Some("2024-000002".to_string())
    );
}

// ---- 5. protocol numbers -----------------------------------------------------------------------

#[test]
fn registrations_under_a_pattern_are_found_by_their_text() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    seed(&store, 3);
    for id in [A2, A1, A3] {
        run(&store, register(id));
    }
    let text = |id| {
        store
            .application(id)
            .unwrap()
            .unwrap()
            .protocol
            .unwrap()
            .text
    };
    assert_eq!(text(A2), "ERP-2024-0001");
    assert_eq!(text(A1), "ERP-2024-0002");
    assert_eq!(text(A3), "ERP-2024-0003");
    let found = store
        .application_by_protocol(" ERP-2024-0002 ")
        .unwrap()
        .expect("found");
    assert_eq!(found.id, A1);
    assert_eq!(store.application_by_protocol("2024/000002").unwrap(), None);
    assert_clean(&store);
}

#[test]
fn concurrent_registrations_get_distinct_gap_free_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    run(&store, Command::SaveCall(Box::new(intake_call())));
    let receive: Vec<(Command, alloggi::domain::Context)> = (0..100)
        .map(|_| {
            (
                Command::ReceiveApplication(Box::new(new_application(family()))),
                ctx(),
            )
        })
        .collect();
    store.execute_all(&receive).expect("100 received");

    std::thread::scope(|scope| {
        for thread in 0..4u64 {
            let store = store.clone();
            scope.spawn(move || {
                for i in 1..=25 {
                    let id = ApplicationId(thread * 25 + i);
                    store
                        .execute(&register(id), &ctx())
                        .unwrap_or_else(|e| panic!("{id}: {e}"));
                }
            });
        }
    });

    let mut numbers = Vec::new();
    let mut texts = BTreeSet::new();
    for id in 1..=100 {
        let protocol = store
            .application(ApplicationId(id))
            .unwrap()
            .unwrap()
            .protocol
            .expect("registered");
        assert_eq!(protocol.year, 2024);
        assert_eq!(protocol.text, format!("ERP-2024-{:04}", protocol.number));
        assert_eq!(
            store
                .application_by_protocol(&protocol.text)
                .unwrap()
                .map(|a| a.id),
            Some(ApplicationId(id))
        );
        numbers.push(protocol.number);
        texts.insert(protocol.text);
    }
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=100).collect::<Vec<u32>>());
    assert_eq!(texts.len(), 100);
    assert_clean(&store);

    // The counter goes on from 101: never reused.
    run(
        &store,
        Command::ReceiveApplication(Box::new(new_application(family()))),
    );
    run(&store, register(ApplicationId(101)));
    assert_eq!(
        store
            .application(ApplicationId(101))
            .unwrap()
            .unwrap()
            .protocol
            .unwrap()
            .number,
        101
    );
}

#[test]
fn a_protocol_text_already_given_to_another_application_is_refused() {
    // Two calls of one year whose patterns write two different numbers alike:
    // `{anno}{numero}-2` gives 1 as "20241-2", `{anno}1-{numero}` gives 2 as "20241-2".
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let mut first = call();
    first.code = "erp-2024-a".to_string();
    first.params.protocol_pattern = ProtocolPattern::parse("{anno}1-{numero}").expect("pattern");
    let mut second = call();
    second.code = "erp-2024-b".to_string();
    second.params.protocol_pattern = ProtocolPattern::parse("{anno}{numero}-2").expect("pattern");
    run(&store, Command::SaveCall(Box::new(first)));
    run(&store, Command::SaveCall(Box::new(second)));
    run(
        &store,
        Command::ActivateCall {
            code: "erp-2024-b".to_string(),
        },
    );
    run(
        &store,
        Command::ReceiveApplication(Box::new(new_application(family()))),
    );
    run(
        &store,
        Command::ActivateCall {
            code: "erp-2024-a".to_string(),
        },
    );
    run(
        &store,
        Command::ReceiveApplication(Box::new(new_application(household(
            vec![other_applicant()],
        )))),
    );
    assert_eq!(store.application(A1).unwrap().unwrap().call, "erp-2024-b");
    assert_eq!(store.application(A2).unwrap().unwrap().call, "erp-2024-a");

    run(&store, register(A1));
    assert_eq!(
        store
            .application(A1)
            .unwrap()
            .unwrap()
            .protocol
            .unwrap()
            .text,
        "20241-2"
    );
    let before = backup(&store);
    let error = store
        .execute(&register(A2), &ctx())
        .expect_err("20241-2 is taken");
    match &error {
        StoreError::Domain(DomainError::Invalid { field, reason }) => {
            assert_eq!(*field, "protocollo");
            assert!(reason.contains("20241-2"), "{reason}");
            assert!(reason.contains("già assegnato"), "{reason}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(
        backup(&store),
        before,
        "the refused registration wrote something"
    );
    assert_eq!(
        store.application(A2).unwrap().unwrap().state,
        State::Ricevuta
    );
    assert_eq!(
        store
            .application_by_protocol("20241-2")
            .unwrap()
            .map(|a| a.id),
        Some(A1)
    );
    assert_clean(&store);
}

// ---- 6. backups ------------------------------------------------------------------------------

/// A database with every intake record: a published call with interested citizens,
/// appointments (one moved, one cancelled), a fee-paying application and messages. (No
/// verification: see `a_verification_is_stored_with_one_audit_entry_and_no_message`.)
fn intake_database(store: &Store) {
    seed(store, 2);
    run(store, add_interested(&[2, 3, 4]));
    store
        .queue_to_interested(CODE, true, &ctx(), &order("pubblicazione_bando"))
        .expect("published");
    store
        .execute_and_queue(Some(&register(A1)), None, &ctx(), &order("presa_in_carico"))
        .expect("registered");
    store
        .execute_and_queue(
            Some(&issue_fee(A1)),
            None,
            &ctx(),
            &order("avviso_segreteria"),
        )
        .expect("fee");
    run(
        store,
        Command::RecordPayment {
            id: A1,
            paid_on: date(2024, 12, 2),
        },
    );
    store
        .execute_and_queue(
            Some(&book(2, ten_oclock(), "Sportello 1")),
            None,
            &ctx(),
            &order("appuntamento_domanda"),
        )
        .expect("booked");
    run(store, book_for(1, Some(A2), ten_oclock(), "Sportello 2"));
    run(store, book(3, ts(2024, 12, 11, 9, 0, 0), "Sportello 1"));
    run(
        store,
        reschedule(1, ts(2024, 12, 12, 9, 0, 0), "Sportello 1"),
    );
    run(store, cancel(3));
}

#[test]
fn export_restore_export_is_byte_identical_with_appointments_and_interested() {
    let source = tempfile::tempdir().unwrap();
    let store = open(source.path());
    intake_database(&store);
    assert_clean(&store);
    let bytes = backup(&store);
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with("{\"appointment\":"))
            .count(),
        3
    );
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with("{\"interested\":\"erp-2024\""))
            .count(),
        1
    );

    let target = tempfile::tempdir().unwrap();
    {
        let restored = open(target.path());
        let counts = restored
            .restore(|| Ok(std::io::Cursor::new(bytes.clone())))
            .expect("restored");
        assert_eq!(counts.appointments, 3);
        assert_eq!(counts.interested_lists, 1);
        assert_eq!(backup(&restored), bytes);
        assert_clean(&restored);
    }

    // Reopened, the restored database reads and books as the original did.
    let restored = open(target.path());
    assert_eq!(backup(&restored), bytes);
    assert_eq!(ids_on(&restored, date(2024, 12, 10)), vec![2]);
    assert_eq!(ids_on(&restored, date(2024, 12, 11)), vec![3]);
    assert_eq!(ids_on(&restored, date(2024, 12, 12)), vec![1]);
    assert_eq!(
        restored.interested(CODE).unwrap(),
        store.interested(CODE).unwrap()
    );
    assert_eq!(
        restored.call(CODE).unwrap().unwrap().published_at,
        Some(office_time())
    );
    // The held-slot index was rebuilt: A2's slot is taken, cancelled A3's is free.
    let error = restored
        .execute(&book(4, ten_oclock(), "sportello 2"), &ctx())
        .expect_err("held by A2");
    assert_eq!(invalid_field(error), "quando");
    run(&restored, book(4, ts(2024, 12, 11, 9, 0, 0), "Sportello 1"));
    assert_eq!(
        restored
            .appointment(AppointmentId(4))
            .unwrap()
            .map(|a| a.booking_number),
        Some("2024-000004".to_string())
    );
    assert_eq!(
        restored
            .application(A1)
            .unwrap()
            .unwrap()
            .protocol
            .unwrap()
            .text,
        "ERP-2024-0001"
    );
    assert_clean(&restored);
}

fn corrupt_held_index(dir: &Path, damage: impl FnOnce(&sled::Tree)) {
    let db = raw(dir);
    let held = db.open_tree(IDX_APPOINTMENT_HELD).unwrap();
    damage(&held);
    held.flush().unwrap();
    db.flush().unwrap();
}

#[test]
fn check_reports_a_missing_held_slot_entry() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = open(dir.path());
        intake_database(&store);
        assert_clean(&store);
    }
    corrupt_held_index(dir.path(), |held| {
        assert_eq!(held.len(), 2, "A1 and A2 hold a slot, cancelled A3 none");
        let first = held.iter().keys().next().unwrap().unwrap();
        held.remove(first).unwrap();
    });
    let store = open(dir.path());
    let report = store.check().expect("check");
    assert!(!report.is_ok());
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.contains("appuntamenti per luogo e ora") && p.contains("manca")),
        "{:?}",
        report.problems
    );
}

#[test]
fn check_reports_a_held_slot_entry_without_a_booking() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = open(dir.path());
        intake_database(&store);
    }
    corrupt_held_index(dir.path(), |held| {
        held.insert(b"not a slot", &9u64.to_be_bytes()).unwrap();
    });
    let store = open(dir.path());
    let report = store.check().expect("check");
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.contains("appuntamenti per luogo e ora") && p.contains("not a slot")),
        "{:?}",
        report.problems
    );
}

#[test]
fn check_reports_a_held_slot_pointing_at_another_booking() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = open(dir.path());
        intake_database(&store);
    }
    corrupt_held_index(dir.path(), |held| {
        let first = held.iter().keys().next().unwrap().unwrap();
        held.insert(first, 3u64.to_be_bytes().to_vec()).unwrap();
    });
    let store = open(dir.path());
    let report = store.check().expect("check");
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.contains("appuntamenti per luogo e ora")),
        "{:?}",
        report.problems
    );
}

// ---- 7. people in two applications -----------------------------------------------------------

#[test]
fn a_person_in_two_applications_of_one_call_is_reported_for_both() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    run(&store, Command::SaveCall(Box::new(intake_call())));
    run(
        &store,
        Command::ReceiveApplication(Box::new(new_application(family()))),
    );
    let mut shared = spouse();
    shared.relation = Relation::Convivente;
    run(
        &store,
        Command::ReceiveApplication(Box::new(new_application(household(vec![
            other_applicant(),
            shared,
        ])))),
    );
    // A third application, in another call, with the same person.
    let mut other = intake_call();
    other.code = "erp-2026".to_string();
    run(&store, Command::SaveCall(Box::new(other)));
    run(
        &store,
        Command::ActivateCall {
            code: "erp-2026".to_string(),
        },
    );
    let mut third = spouse();
    third.relation = Relation::Richiedente;
    run(
        &store,
        Command::ReceiveApplication(Box::new(new_application(household(vec![third])))),
    );
    assert_eq!(store.application(A3).unwrap().unwrap().call, "erp-2026");
    run(&store, register(A2));

    let first = store.application(A1).unwrap().unwrap();
    let found = store.shared_members(&first).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].fiscal_code, spouse().fiscal_code.as_str());
    assert_eq!(found[0].name, "Bianchi Anna");
    assert_eq!(found[0].other, A2);
    assert_eq!(found[0].other_protocol, "ERP-2024-0001");

    let second = store.application(A2).unwrap().unwrap();
    let found = store.shared_members(&second).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].other, A1);
    assert_eq!(found[0].other_protocol, "", "A1 has no protocol yet");

    // Alone in its call: nothing to report.
    let third = store.application(A3).unwrap().unwrap();
    assert!(store.shared_members(&third).unwrap().is_empty());
}

#[test]
fn applications_with_different_people_share_no_member() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    seed(&store, 2);
    for id in [A1, A2] {
        let app = store.application(id).unwrap().unwrap();
        assert!(store.shared_members(&app).unwrap().is_empty());
    }
}

// ---- 8. the upgrade from schema 3 --------------------------------------------------------------

/// Rewrites `dir` as schema 3 left it: no intake trees, no appointment counter, protocols
/// stored without their text, applications without verifications or fee.
fn downgrade_to_schema_3(dir: &Path) {
    let db = raw(dir);
    for tree in [
        APPOINTMENTS,
        IDX_APPOINTMENT_SLOT,
        IDX_APPOINTMENT_HELD,
        INTERESTED,
    ] {
        db.drop_tree(tree).unwrap();
    }
    let meta = db.open_tree(META).unwrap();
    meta.insert("schema_version", &b"3"[..]).unwrap();
    meta.remove("next_appointment_id").unwrap();
    let applications = db.open_tree(APPLICATIONS).unwrap();
    for item in applications.iter() {
        let (key, value) = item.unwrap();
        let mut app: serde_json::Value = serde_json::from_slice(&value).unwrap();
        let object = app.as_object_mut().unwrap();
        object.remove("verifications");
        object.remove("fee");
        if let Some(protocol) = object.get_mut("protocol").and_then(|p| p.as_object_mut()) {
            assert!(protocol.remove("text").is_some());
        }
        applications
            .insert(key, serde_json::to_vec(&app).unwrap())
            .unwrap();
    }
    db.flush().unwrap();
}

#[test]
fn a_schema_3_database_opens_upgraded_to_the_current_schema() {
    const { assert!(SCHEMA_VERSION >= 4) };
    let dir = tempfile::tempdir().unwrap();
    {
        let store = open(dir.path());
        // The default pattern, as every protocol was written before schema 4.
        run(&store, Command::SaveCall(Box::new(call())));
        run(
            &store,
            Command::ReceiveApplication(Box::new(new_application(family()))),
        );
        run(&store, register(A1));
    }
    downgrade_to_schema_3(dir.path());
    {
        let db = raw(dir.path());
        let stored = db
            .open_tree(APPLICATIONS)
            .unwrap()
            .get(1u64.to_be_bytes())
            .unwrap()
            .unwrap();
        assert!(!String::from_utf8_lossy(&stored).contains("\"text\""));
    }

    let store = open(dir.path());
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let app = store.application(A1).unwrap().unwrap();
    let protocol = app.protocol.clone().unwrap();
    assert_eq!((protocol.year, protocol.number), (2024, 1));
    assert_eq!(protocol.text, "2024/000001");
    assert!(app.verifications.is_empty());
    assert_eq!(app.fee, None);
    assert_eq!(
        store
            .application_by_protocol("2024/000001")
            .unwrap()
            .map(|a| a.id),
        Some(A1)
    );
    assert!(store.interested(CODE).unwrap().is_empty());
    assert!(
        store
            .appointments_on(date(2024, 12, 10))
            .unwrap()
            .is_empty()
    );
    assert_clean(&store);

    // The new commands work on the upgraded database, the counters starting at 1.
    run(&store, book(1, ten_oclock(), "Sportello 1"));
    assert_eq!(
        store
            .appointment(AppointmentId(1))
            .unwrap()
            .map(|a| a.booking_number),
        Some("2024-000001".to_string())
    );
    run(&store, add_interested(&[2]));
    run(
        &store,
        Command::ReceiveApplication(Box::new(new_application(household(
            vec![other_applicant()],
        )))),
    );
    run(&store, register(A2));
    assert_eq!(
        store
            .application(A2)
            .unwrap()
            .unwrap()
            .protocol
            .unwrap()
            .text,
        "2024/000002"
    );
    assert_clean(&store);
    let counts: BTreeMap<_, _> = store.count_by_state().unwrap();
    assert_eq!(counts.get(&State::Protocollata), Some(&2));
}
