//! Every event is named and worded by its own workflow, and the names keep their order.

use std::collections::BTreeSet;

use super::Workflow;
use crate::domain::application::{Application, ApplicationId, DocumentStatus};
use crate::domain::appointment::{AppointmentId, Slot};
use crate::domain::event::{EVENT_KIND_NAMES, Event, EventKind};
use crate::domain::fiscal_code::PersonFiscalCode;

/// The audit's filter vocabulary as it stood before the workflows were split: stored
/// filters and users' habits depend on these names and this order.
const HISTORICAL_NAMES: [&str; 37] = [
    "bando_salvato",
    "bando_attivato",
    "bando_pubblicato",
    "interessati_aggiunti",
    "interessato_rimosso",
    "appuntamento_prenotato",
    "appuntamento_spostato",
    "appuntamento_annullato",
    "domanda_ricevuta",
    "domanda_protocollata",
    "istruttoria_avviata",
    "integrazione_richiesta",
    "integrazione_ricevuta",
    "documento_registrato",
    "domanda_ammessa",
    "domanda_esclusa",
    "domanda_riammessa",
    "recapiti_modificati",
    "componente_aggiunto",
    "componente_rimosso",
    "verifica_registrata",
    "avviso_segreteria_emesso",
    "pagamento_registrato",
    "promemoria_pagamento",
    "messaggio_accodato",
    "messaggio_inviato",
    "messaggio_respinto",
    "messaggio_non_recapitabile",
    "messaggio_incerto",
    "messaggio_riaccodato",
    "messaggi_esportati",
    "regole_punteggio_salvate",
    "punteggio_rettificato",
    "opposizione_ricevuta",
    "opposizione_decisa",
    "graduatoria_pubblicata",
    "sorteggio_effettuato",
];

/// Names added since, each in its workflow's lifecycle order; the historical ones keep theirs.
const ADDED_NAMES: [&str; 31] = [
    "ammissione_revocata",
    "preavviso_rigetto_inviato",
    "osservazioni_ricevute",
    "esclusione_confermata",
    "preavviso_rigetto_ritirato",
    "messaggio_ritirato",
    "alloggio_aggiunto",
    "alloggio_modificato",
    "stato_alloggio_cambiato",
    "assegnazione_aperta",
    "requisiti_riverificati",
    "alloggio_proposto",
    "proposta_accettata",
    "proposta_rifiutata",
    "diffida_inviata",
    "escluso_da_assegnazione",
    "alloggio_assegnato",
    "contratto_pronto",
    "appuntamento_firma_prenotato",
    "contratto_firmato",
    "isee_inquilino_registrato",
    "canone_aggiornato",
    "regole_canone_caricate",
    "canone_emesso",
    "canone_esito_pagopa",
    "canone_pagato",
    "canone_in_scadenza_ricordato",
    "canone_scaduto_comunicato",
    "morosita_segnalata",
    "morosita_incolpevole",
    "piano_di_rientro",
];

const FIXTURE: &str = include_str!("../../../fixtures/backup/demo-schema5.jsonl");

/// One event of every kind: those the demo's backup holds, and the others built here.
fn samples() -> Vec<EventKind> {
    let mut kinds: Vec<EventKind> = Vec::new();
    let mut seen = BTreeSet::new();
    for line in FIXTURE.lines() {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let Some(event) = value.get("audit").and_then(|a| a.get("event")) else {
            continue;
        };
        let event: Event = serde_json::from_value(event.clone()).expect("audit event");
        if seen.insert(event.kind_name()) {
            kinds.push(event.kind);
        }
    }
    let application: Application = kinds
        .iter()
        .find_map(|k| match k {
            EventKind::ApplicationReceived { application } => Some((**application).clone()),
            _ => None,
        })
        .expect("an application in the fixture");
    let id = ApplicationId(1);
    let at = application.received_at;
    let fiscal_code = PersonFiscalCode::parse("GLNMRT90R69D612J").expect("fiscal code");
    kinds.extend([
        EventKind::CallPublished { code: "b".into() },
        EventKind::InterestedRemoved {
            call: "b".into(),
            fiscal_code: fiscal_code.as_str().into(),
        },
        EventKind::AppointmentRescheduled {
            id: AppointmentId(1),
            slot: Slot {
                at,
                place: "Sportello".into(),
            },
            application: Some(id),
        },
        EventKind::DocumentRecorded {
            id,
            code: "isee".into(),
            status: DocumentStatus::Mancante,
        },
        EventKind::Reinstated { id },
        EventKind::AdmissionRevoked { id },
        EventKind::RefusalNoticeSent {
            id,
            reason: crate::domain::application::ExclusionReason::Altro,
            deadline: chrono::NaiveDate::from_ymd_opt(2025, 1, 10).unwrap(),
        },
        EventKind::ObservationsReceived {
            id,
            received_on: chrono::NaiveDate::from_ymd_opt(2025, 1, 8).unwrap(),
            text: "x".into(),
        },
        EventKind::ExclusionConfirmed {
            id,
            reason: crate::domain::application::ExclusionReason::Altro,
        },
        EventKind::RefusalNoticeWithdrawn { id },
        EventKind::ContactUpdated {
            id,
            contact: application.contact.clone(),
        },
        EventKind::MemberAdded {
            id,
            member: Box::new(application.household.members()[0].clone()),
        },
        EventKind::MemberRemoved { id, fiscal_code },
        EventKind::FeeReminded { id },
        EventKind::MessageSent {
            outbox: 1,
            io_id: None,
            application: Some(id),
        },
        EventKind::MessageRejected {
            outbox: 1,
            status: 400,
            detail: "x".into(),
            application: None,
        },
        EventKind::MessageUnreachable {
            outbox: 1,
            detail: "x".into(),
            application: None,
        },
        EventKind::MessageUncertain {
            outbox: 1,
            detail: "x".into(),
            application: None,
        },
        EventKind::MessageRequeued {
            outbox: 1,
            application: None,
        },
        EventKind::MessageWithdrawn {
            outbox: 1,
            application: None,
        },
        EventKind::MessagesExported {
            bundle: "p".into(),
            outbox: vec![1],
        },
        EventKind::LotsDrawn {
            call: "b".into(),
            number: 1,
            seed: 7,
            groups: vec![vec![id]],
        },
    ]);
    let dwelling = crate::domain::stock::adequacy::tests::dwelling(
        50,
        crate::domain::stock::DwellingState::Libero,
    );
    kinds.extend([
        EventKind::DwellingAdded {
            dwelling: Box::new(dwelling.clone()),
        },
        EventKind::DwellingChanged {
            dwelling: Box::new(dwelling.clone()),
        },
        EventKind::DwellingStateChanged {
            code: dwelling.code.clone(),
            from: crate::domain::stock::DwellingState::Libero,
            to: crate::domain::stock::DwellingState::InLavori,
        },
    ]);
    let day = chrono::NaiveDate::from_ymd_opt(2025, 9, 1).unwrap();
    let offer = crate::domain::stock::Offer {
        dwelling: dwelling.code.clone(),
        made_on: day,
        deadline: day,
        out_of_order: None,
    };
    kinds.extend([
        EventKind::AssignmentOpened {
            round: Box::new(crate::domain::stock::Round {
                call: "b".into(),
                ranking: 2,
                opens_on: day,
                closes_on: day,
                opened_at: at,
                opened_by: "mrossi".into(),
                candidates: 1,
            }),
            placed: vec![id],
        },
        EventKind::RequirementsConfirmed { id },
        EventKind::OfferMade { id, offer },
        EventKind::OfferAccepted {
            id,
            dwelling: dwelling.code.clone(),
        },
        EventKind::OfferRefused {
            id,
            dwelling: dwelling.code.clone(),
            justified: true,
        },
        EventKind::CandidateWarned { id, deadline: day },
        EventKind::CandidateExcluded {
            id,
            cause: crate::domain::stock::ExclusionCause::MancataRisposta,
            freed: None,
        },
        EventKind::AssignmentDecreed {
            id,
            dwelling: dwelling.code.clone(),
            decree_on: day,
            occupy_by: day,
        },
    ]);
    let appointment = kinds
        .iter()
        .find_map(|kind| match kind {
            EventKind::AppointmentBooked { appointment } => Some(appointment.clone()),
            _ => None,
        })
        .expect("a booking in the fixture");
    let lease = crate::domain::lease::Lease {
        number: crate::domain::lease::LeaseNumber::parse("ERAP-1").unwrap(),
        application: id,
        dwelling: dwelling.code.clone(),
        tenant: crate::domain::lease::Tenant {
            name: "Rossi Maria".into(),
            fiscal_code: "RSSMRA80A41D542X".into(),
        },
        household_size: 1,
        signed_on: day,
        starts_on: day,
        terms: crate::domain::lease::LeaseTerms::default(),
        rent: crate::domain::lease::RentFigures {
            version: "esempio".into(),
            band: "accesso".into(),
            steps: Vec::new(),
            monthly: crate::domain::money::Money::from_cents(4_000),
        },
        deposit: crate::domain::money::Money::from_cents(12_000),
        signatory: "mrossi".into(),
        history: Vec::new(),
        isee: None,
    };
    kinds.extend([
        EventKind::ContractReadied {
            id,
            dwelling: dwelling.code.clone(),
            on: day,
        },
        EventKind::SigningBooked {
            id,
            dwelling: dwelling.code,
            appointment,
        },
        EventKind::LeaseSigned {
            id,
            lease: Box::new(lease),
        },
        EventKind::TenantIseeRecorded {
            id,
            isee: crate::domain::lease::TenantIsee {
                isee: crate::domain::money::Money::from_cents(1_234_567),
                valid_until: day,
                recorded_on: day,
                recorded_by: "mrossi".into(),
            },
        },
        EventKind::RentChanged {
            id,
            change: Box::new(crate::domain::lease::RentChange {
                on: day,
                from: crate::domain::money::Money::from_cents(4_000),
                to: crate::domain::money::Money::from_cents(24_960),
                version: "esempio".into(),
                reason: "aggiornamento annuale: ISEE non presentato".into(),
                band: "ISEE non presentato".into(),
                steps: Vec::new(),
            }),
        },
    ]);
    kinds.extend(rent_samples());
    kinds
}

/// The rent's events, as its commands cause them on one tenancy over four months.
fn rent_samples() -> Vec<EventKind> {
    use crate::domain::command::{Command, Context, decide};
    use crate::domain::rent::{GpdOutcome, InnocentCause, Month, PaymentChannel};
    use crate::domain::snapshot::{Snapshot, evolve};
    use chrono::TimeZone;

    let id = ApplicationId(7);
    let mut app = crate::domain::workflows::review::tests::application(
        crate::domain::application::State::Ammessa,
    );
    app.id = id;
    let mut snapshot = Snapshot {
        application: Some(app),
        next_rent_base: 1,
        ..Snapshot::default()
    };
    let mut kinds = Vec::new();
    let at = |m: u32, d: u32| chrono::Utc.with_ymd_and_hms(2026, m, d, 9, 0, 0).unwrap();
    let month = |m: &str| Month::parse(m).unwrap();
    let issue = |m: &str| Command::IssueRent {
        id,
        month: month(m),
        lease: "L-1".into(),
        rent: crate::domain::money::Money::from_cents(10_000),
        due: month(m).day(15),
        segregation: 47,
        description: "canone dell'alloggio FM-001".into(),
    };
    let rules = crate::files::rent_toml::esempio().expect("example rent rules");
    let steps = [
        (
            Command::SaveRentRules {
                rules: Box::new(rules),
            },
            at(1, 1),
        ),
        (issue("2026-01"), at(1, 1)),
        (
            Command::RecordGpdOutcome {
                id,
                month: month("2026-01"),
                outcome: GpdOutcome::Published,
            },
            at(1, 1),
        ),
        (
            Command::RemindRent {
                id,
                month: month("2026-01"),
            },
            at(1, 10),
        ),
        (
            Command::TellRentOverdue {
                id,
                month: month("2026-01"),
            },
            at(1, 20),
        ),
        (issue("2026-02"), at(2, 1)),
        (issue("2026-03"), at(3, 1)),
        (Command::FlagArrears { id, months: 3 }, at(3, 20)),
        (
            Command::RecordInnocentArrears {
                id,
                cause: InnocentCause::Licenziamento,
                evidence: "lettera di licenziamento".into(),
            },
            at(3, 20),
        ),
        (issue("2026-04"), at(4, 1)),
        (
            Command::RecordRentPayment {
                id,
                month: month("2026-04"),
                paid_on: at(4, 5).date_naive(),
                channel: PaymentChannel::Sportello,
            },
            at(4, 5),
        ),
        (
            Command::AgreeRepaymentPlan {
                id,
                instalments: 3,
                from: month("2026-05"),
            },
            at(4, 6),
        ),
    ];
    for (command, now) in steps {
        let events = decide(&snapshot, &command, &Context::new("op", now))
            .unwrap_or_else(|e| panic!("{command:?}: {e}"));
        for event in &events {
            evolve(&mut snapshot, event).expect("applied");
        }
        kinds.extend(events.into_iter().map(|event| event.kind));
    }
    kinds
}

#[test]
fn the_workflows_names_are_the_historical_vocabulary_in_its_order() {
    let historical: Vec<&str> = EVENT_KIND_NAMES
        .into_iter()
        .filter(|n| !ADDED_NAMES.contains(n))
        .collect();
    assert_eq!(historical, HISTORICAL_NAMES);
    assert_eq!(
        EVENT_KIND_NAMES.len(),
        HISTORICAL_NAMES.len() + ADDED_NAMES.len()
    );
    let unique: BTreeSet<_> = EVENT_KIND_NAMES.iter().collect();
    assert_eq!(unique.len(), EVENT_KIND_NAMES.len());
}

#[test]
fn every_event_is_named_and_told_by_its_own_workflow_only() {
    let samples = samples();
    let mut named = BTreeSet::new();
    for kind in &samples {
        let own = kind.workflow();
        let name = own.rules().kind_name(kind).expect("named by its workflow");
        assert!(own.event_names().contains(&name), "{name} not in {own:?}");
        assert!(own.rules().summary(kind).is_some(), "{name} has no summary");
        for other in Workflow::ALL.into_iter().filter(|w| *w != own) {
            assert_eq!(other.rules().kind_name(kind), None, "{name} in {other:?}");
            assert_eq!(other.rules().summary(kind), None, "{name} in {other:?}");
            assert_eq!(other.rules().application_id(kind), None, "{name}");
        }
        named.insert(name);
    }
    assert_eq!(
        named.len(),
        EVENT_KIND_NAMES.len(),
        "a kind without a sample"
    );
}
