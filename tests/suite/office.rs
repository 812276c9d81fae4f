//! The office's combined steps on a real database: a command, its audit entry and its message
//! commit together or not at all; a refused step queues nothing; batches report what was done,
//! refused and skipped as a duplicate; publications tell everyone in the same transaction.

use crate::common;

use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;

use alloggi::domain::ranking::RankingKind;
use alloggi::domain::{ApplicationId, Command, EventKind, State};
use alloggi::messages::ComuneConfig;
use alloggi::messages::outbox::OutboxTab;
use alloggi::office::{Batch, BatchProgress, BatchStep, Office, OfficeError, Step};
use common::*;

const A1: ApplicationId = ApplicationId(1);
const A2: ApplicationId = ApplicationId(2);
const A3: ApplicationId = ApplicationId(3);

fn office_in(dir: &std::path::Path) -> Office {
    Office::new(open(dir), Ok(ComuneConfig::example()))
}

/// The 2024 call and `n` received applications, ids 1..=n.
fn seeded(dir: &std::path::Path, n: usize) -> Office {
    let office = office_in(dir);
    office
        .execute(&ctx(), &Command::SaveCall(Box::new(call())))
        .expect("call saved");
    for person in five_applicants().into_iter().take(n) {
        office
            .execute(
                &ctx(),
                &Command::ReceiveApplication(Box::new(new_application(household(vec![person])))),
            )
            .expect("received");
    }
    office
}

/// The audit length and the outbox's counts: what a refused request must leave as it was.
fn footprint(office: &Office) -> (usize, BTreeMap<OutboxTab, usize>) {
    (
        office.store().audit_len(),
        office.outbox_counts().expect("counts"),
    )
}

fn queued(office: &Office) -> usize {
    office.outbox_counts().expect("counts")[&OutboxTab::Queued]
}

fn registration(id: ApplicationId) -> Step {
    Step {
        command: Some(register(id)),
        application: None,
        template: "presa_in_carico".to_string(),
        typed: alloggi::messages::Values::new(),
    }
}

fn assert_clean(office: &Office) {
    let report = office.check().expect("check");
    assert!(report.is_ok(), "{:?}", report.problems);
    assert!(
        office
            .verify_audit()
            .expect("verify")
            .first_broken
            .is_none()
    );
}

// ---- one step and its message -----------------------------------------------------------

#[test]
fn a_step_and_its_message_commit_together_with_both_audit_entries() {
    let dir = tempfile::tempdir().unwrap();
    let office = seeded(dir.path(), 1);
    let audit = office.store().audit_len();

    let done = office.step(&ctx(), &registration(A1)).expect("step");

    assert_eq!(done.title, "Presa in carico della domanda");
    let kinds: Vec<&str> = done.events.iter().map(|e| e.kind_name()).collect();
    assert_eq!(done.events.len(), 2, "{kinds:?}");
    assert!(matches!(
        done.events.last().map(|e| &e.kind),
        Some(EventKind::MessageQueued { .. })
    ));
    assert_eq!(office.store().audit_len(), audit + 2);
    assert_eq!(queued(&office), 1);
    let application = office.application(A1).expect("read").expect("exists");
    assert_eq!(application.state, State::Protocollata);
    let entry = &office
        .outbox_page(OutboxTab::Queued, None, 10)
        .expect("page")[0];
    assert_eq!(entry.id, done.queued);
    assert_eq!(entry.application, Some(A1));
    // The protocol the step gave is in the message it queued.
    let protocol = application.protocol.expect("protocol").to_string();
    assert!(
        entry.message.content.markdown.contains(&protocol),
        "{}",
        entry.message.content.markdown
    );
    assert_clean(&office);
}

#[test]
fn a_refused_step_queues_nothing_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let office = seeded(dir.path(), 1);
    office.step(&ctx(), &registration(A1)).expect("first");
    let before = footprint(&office);

    // Registered already: the command is refused, so its message never leaves.
    let refused = office.step(&ctx(), &registration(A1)).unwrap_err();

    assert!(matches!(refused, OfficeError::Refused(_)), "{refused:?}");
    assert_eq!(footprint(&office), before);
    assert_clean(&office);
}

#[test]
fn a_message_already_queued_refuses_the_whole_step() {
    let dir = tempfile::tempdir().unwrap();
    let office = seeded(dir.path(), 1);
    let first = office.step(&ctx(), &registration(A1)).expect("first");
    // The same message again, alone: identical to the one the registration queued.
    let step = Step {
        command: None,
        application: Some(A1),
        template: "presa_in_carico".to_string(),
        typed: alloggi::messages::Values::new(),
    };
    let before = footprint(&office);

    match office.step(&ctx(), &step) {
        Err(OfficeError::Duplicate { of, message }) => {
            assert_eq!(of, first.queued);
            assert!(message.contains("già nella coda"), "{message}");
        }
        other => panic!("not refused as a duplicate: {other:?}"),
    }
    assert_eq!(footprint(&office), before);
}

#[test]
fn a_preview_shows_the_message_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let office = seeded(dir.path(), 1);
    let before = footprint(&office);

    let preview = office
        .preview_step(&ctx(), &registration(A1))
        .expect("preview");

    assert_eq!(preview.template, "presa_in_carico");
    assert_eq!(preview.duplicate_of, None);
    assert!(
        preview.addressee.name.contains("Rossi"),
        "{:?}",
        preview.addressee
    );
    assert_eq!(footprint(&office), before);
    assert_eq!(
        office.application(A1).unwrap().unwrap().state,
        State::Ricevuta
    );
    // What the preview showed is what the step queues.
    let done = office.step(&ctx(), &registration(A1)).expect("step");
    let entry = &office
        .outbox_page(OutboxTab::Queued, None, 1)
        .expect("page")[0];
    assert_eq!(entry.id, done.queued);
    assert_eq!(entry.message, preview.message);
}

#[test]
fn without_the_comunes_values_a_step_with_a_message_is_refused_and_run_step_goes_alone() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = seeded(dir.path(), 2);
    office.set_comune(Err("configurazione del Comune mancante".to_string()));
    let before = footprint(&office);

    let refused = office.step(&ctx(), &registration(A1)).unwrap_err();
    assert_eq!(
        refused,
        OfficeError::NoComune("configurazione del Comune mancante".to_string())
    );
    assert_eq!(footprint(&office), before);

    // A step run without a preview still goes through, without its message.
    let done = office.run_step(&ctx(), &register(A1)).expect("registered");
    assert_eq!(done, None);
    assert_eq!(queued(&office), 0);
    assert_eq!(
        office.application(A1).unwrap().unwrap().state,
        State::Protocollata
    );

    // With the values, the same kind of step queues its message.
    office.set_comune(Ok(ComuneConfig::example()));
    let done = office.run_step(&ctx(), &register(A2)).expect("registered");
    assert!(done.is_some());
    assert_eq!(queued(&office), 1);
}

// ---- many steps --------------------------------------------------------------------------

#[test]
fn a_list_of_steps_commits_each_on_its_own_and_reports_the_first_refusal() {
    let dir = tempfile::tempdir().unwrap();
    let office = seeded(dir.path(), 3);

    let report = office.run_steps(&ctx(), &[register(A1), register(A2), register(A1)]);

    assert_eq!(report.done, vec![A1, A2]);
    assert_eq!(report.done_count(), 2);
    assert_eq!(report.refused, 1);
    assert!(report.first_refusal.is_some());
    // Each registration queued its message with it; the refused one queued nothing.
    assert_eq!(queued(&office), 2);
    assert_eq!(
        office.application(A3).unwrap().unwrap().state,
        State::Ricevuta
    );
    assert_clean(&office);
}

/// The opening of the assignment to `ids`; with `step`, each after its fee's reminder.
fn batch(ids: &[ApplicationId], step: Option<BatchStep>) -> Batch {
    let template = match step {
        Some(BatchStep::RemindFee) => "avviso_segreteria_scadenza",
        None => "apertura_assegnazione",
    };
    Batch {
        ids: ids.to_vec(),
        template: template.to_string(),
        typed: caseworker_values(template, "30/12/2024"),
        step,
    }
}

fn run_batch(office: &Office, batch: &Batch) -> (BatchProgress, Vec<BatchProgress>) {
    let mut updates = Vec::new();
    let last = office.queue_batch(&ctx(), batch, &AtomicBool::new(false), &mut |u| {
        updates.push(u)
    });
    (last, updates)
}

#[test]
fn a_batch_reports_done_and_duplicates_and_running_it_again_resumes_it() {
    let dir = tempfile::tempdir().unwrap();
    let office = seeded(dir.path(), 3);
    let ids = [A1, A2, A3];

    let (first, updates) = run_batch(&office, &batch(&ids, None));

    assert!(first.finished && !first.interrupted, "{first:?}");
    assert_eq!((first.done, first.queued, first.duplicates), (3, 3, 0));
    assert_eq!((first.failed, first.error.as_deref()), (0, None));
    assert_eq!(updates.last().map(|u| u.done), Some(3));
    assert_eq!(queued(&office), 3);

    let (again, _) = run_batch(&office, &batch(&ids, None));
    assert_eq!((again.done, again.queued, again.duplicates), (3, 0, 3));
    assert_eq!(queued(&office), 3);
    assert_clean(&office);
}

#[test]
fn a_batch_whose_step_is_refused_reports_it_and_queues_nothing_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let office = seeded(dir.path(), 2);
    let before = footprint(&office);

    // No fee was ever issued: a reminder is refused, and so is its message.
    let (report, _) = run_batch(&office, &batch(&[A1, A2], Some(BatchStep::RemindFee)));

    assert_eq!((report.done, report.queued, report.failed), (2, 0, 2));
    let first = report.first_failure.expect("a reason");
    assert!(first.starts_with(&format!("{A1}: ")), "{first}");
    assert_eq!(footprint(&office), before);
}

#[test]
fn a_batch_stopped_before_it_starts_does_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let office = seeded(dir.path(), 2);
    let before = footprint(&office);

    let report = office.queue_batch(
        &ctx(),
        &batch(&[A1, A2], None),
        &AtomicBool::new(true),
        &mut |_| {},
    );

    assert!(report.interrupted && report.finished, "{report:?}");
    assert_eq!(report.done, 0);
    assert_eq!(footprint(&office), before);
}

// ---- publications ------------------------------------------------------------------------

#[test]
fn publishing_a_call_tells_its_interested_citizens_in_the_same_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let office = seeded(dir.path(), 0);
    let codes: Vec<_> = five_applicants()
        .into_iter()
        .take(3)
        .map(|m| m.fiscal_code)
        .collect();
    let code = call().code;
    let added = office
        .add_interested(&ctx(), &code, codes.clone())
        .expect("added");
    assert_eq!((added.added, added.already), (3, 0));
    let again = office.add_interested(&ctx(), &code, codes).expect("again");
    assert_eq!((again.added, again.already), (0, 3));

    let preview = office
        .preview_interested(&ctx(), &code, true, alloggi::office::ON_PUBLISH_CALL)
        .expect("preview")
        .expect("someone to tell");
    assert_eq!(preview.recipients, 3);
    assert_eq!(queued(&office), 0);

    let told = office.publish_call(&ctx(), &code).expect("published");
    assert!(told.published);
    assert_eq!((told.queued.len(), told.duplicates), (3, 0));
    assert!(office.call(&code).unwrap().unwrap().published_at.is_some());
    assert_eq!(queued(&office), 3);

    // Published already: refused, and nobody is told twice.
    let before = footprint(&office);
    assert!(office.publish_call(&ctx(), &code).is_err());
    assert_eq!(footprint(&office), before);
    assert_clean(&office);
}

/// A demo database with the example point table and nothing published.
fn demo_with_rules(dir: &std::path::Path) -> Office {
    let office = office_in(dir);
    office
        .fill_demo(
            &alloggi::demo::DemoOptions {
                applications: 60,
                seed: 7,
            },
            date(2025, 3, 3),
            &mut |_, _| {},
        )
        .expect("demo");
    let code = office.active_call().unwrap().expect("active call").code;
    office
        .execute(
            &ctx(),
            &Command::SaveRuleset {
                call: code,
                ruleset: Box::new(alloggi::files::ruleset_toml::esempio_marche().expect("example")),
            },
        )
        .expect("rules saved");
    office
}

#[test]
fn publishing_a_ranking_tells_every_applicant_and_its_preview_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let office = demo_with_rules(dir.path());
    let code = office.active_call().unwrap().unwrap().code;
    let later = ctx_at(ts(2025, 6, 2, 9, 0, 0));
    let before = footprint(&office);

    let preview = office
        .preview_publication(&later, &code, RankingKind::Provvisoria)
        .expect("preview");
    assert_eq!(preview.number, 1);
    assert!(preview.admitted > 0 && preview.rows >= preview.admitted);
    assert!(preview.objection_deadline.is_some());
    assert!(preview.first.is_some());
    assert_eq!(footprint(&office), before);

    let published = office
        .publish_ranking(&later, &code, RankingKind::Provvisoria, 11)
        .expect("published");

    assert_eq!(published.header.number, 1);
    assert!(preview.unsent.is_empty(), "{:?}", preview.unsent);
    assert_eq!(
        published.queued.len() + published.duplicates,
        preview.rows,
        "one message per applicant in the order"
    );
    assert_eq!(
        queued(&office),
        before.1[&OutboxTab::Queued] + published.queued.len()
    );
    assert_eq!(office.ranking_versions(&code).unwrap().len(), 1);
    assert_clean(&office);
}

#[test]
fn without_the_comunes_values_a_ranking_is_not_published() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = demo_with_rules(dir.path());
    office.set_comune(Err("nessun Comune".to_string()));
    let code = office.active_call().unwrap().unwrap().code;
    let before = footprint(&office);

    let refused = office
        .publish_ranking(
            &ctx_at(ts(2025, 6, 2, 9, 0, 0)),
            &code,
            RankingKind::Provvisoria,
            11,
        )
        .unwrap_err();

    assert_eq!(refused, OfficeError::NoComune("nessun Comune".to_string()));
    assert_eq!(footprint(&office), before);
    assert!(office.ranking_versions(&code).unwrap().is_empty());
}

#[test]
fn a_ranking_whose_messages_do_not_compose_is_not_published_and_its_preview_lists_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = demo_with_rules(dir.path());
    // IO takes at most 10.000 characters of text: no message naming this Comune composes.
    let mut comune = ComuneConfig::example();
    comune.comune = "F".repeat(20_000);
    office.set_comune(Ok(comune));
    let code = office.active_call().unwrap().unwrap().code;
    let later = ctx_at(ts(2025, 6, 2, 9, 0, 0));
    let before = footprint(&office);

    let preview = office
        .preview_publication(&later, &code, RankingKind::Provvisoria)
        .expect("preview");
    assert_eq!(preview.unsent.total, preview.rows, "{:?}", preview.unsent);
    assert!(preview.first.is_none());
    assert!(!preview.unsent.first[0].1.is_empty());

    let refused = office
        .publish_ranking(&later, &code, RankingKind::Provvisoria, 11)
        .unwrap_err();

    let OfficeError::Refused(message) = &refused else {
        panic!("{refused:?}");
    };
    assert!(message.contains("nulla è stato pubblicato"), "{message}");
    assert!(
        message.contains(&format!("per {} destinatari", preview.rows)),
        "{message}"
    );
    assert_eq!(footprint(&office), before);
    assert!(office.ranking_versions(&code).unwrap().is_empty());
    assert_clean(&office);
}

// ---- the outbox --------------------------------------------------------------------------

#[test]
fn a_requeue_of_a_queued_message_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let office = seeded(dir.path(), 1);
    let done = office.step(&ctx(), &registration(A1)).expect("step");
    let before = footprint(&office);

    let refused = office.requeue(&ctx(), done.queued, "di nuovo").unwrap_err();

    assert!(matches!(refused, OfficeError::Refused(_)), "{refused:?}");
    assert_eq!(footprint(&office), before);
}

#[test]
fn a_bundle_takes_the_queue_and_a_second_export_finds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let office = seeded(dir.path(), 2);
    office.step(&ctx(), &registration(A1)).expect("step");
    office.step(&ctx(), &registration(A2)).expect("step");
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("pacchetto.json");
    let key = alloggi::io::BundleKey::generate().expect("key");

    let exported = office.export_bundle(&ctx(), &path, &key).expect("exported");

    assert_eq!(exported.messages, 2);
    assert!(path.is_file());
    assert_eq!(queued(&office), 0);
    let counts = office.outbox_counts().unwrap();
    assert_eq!(counts[&OutboxTab::Exported], 2);
    let again = office
        .export_bundle(&ctx(), &out.path().join("altro.json"), &key)
        .unwrap_err();
    assert_eq!(
        again.to_string(),
        "nessun messaggio in coda da esportare, né richieste per pagoPA"
    );
}

#[test]
fn the_console_export_reads_the_key_from_the_file_it_names() {
    use alloggi::office::{Reply, Request};
    let dir = tempfile::tempdir().unwrap();
    let office = seeded(dir.path(), 1);
    office.step(&ctx(), &registration(A1)).expect("step");
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("pacchetto.json");
    let stop = AtomicBool::new(false);
    let export = |key_file| {
        office.handle(
            &ctx(),
            Request::ExportBundle {
                path: path.clone(),
                key_file,
            },
            &stop,
            &mut |_| {},
        )
    };

    let reply = export(None);
    let Reply::ExportBundle(Err(refused)) = reply else {
        panic!("{reply:?}");
    };
    assert!(
        refused.to_string().contains("alloggi outbox keygen"),
        "{refused}"
    );
    assert!(!path.exists());

    let key_file = out.path().join("chiave");
    alloggi::io::BundleKey::create(&key_file).expect("key");
    let reply = export(Some(key_file.clone()));
    let Reply::ExportBundle(Ok(exported)) = reply else {
        panic!("{reply:?}");
    };
    assert_eq!(exported.messages, 1);
    let key = alloggi::io::BundleKey::load(&key_file).expect("key");
    let bundle = alloggi::io::bundle::Bundle::read(&path, &key).expect("signed with it");
    assert_eq!(bundle.id, exported.bundle);
    assert_eq!(queued(&office), 0);
}

// ---- plain values -----------------------------------------------------------------------

#[test]
fn replies_and_errors_are_plain_values_that_survive_json() {
    let dir = tempfile::tempdir().unwrap();
    let office = seeded(dir.path(), 1);
    let done = office.step(&ctx(), &registration(A1)).expect("step");
    let json = serde_json::to_string(&done).expect("serialize");
    let back: alloggi::office::StepDone = serde_json::from_str(&json).expect("deserialize");
    assert_eq!(back, done);

    let error = office.step(&ctx(), &registration(A1)).unwrap_err();
    let json = serde_json::to_string(&error).expect("serialize");
    let back: OfficeError = serde_json::from_str(&json).expect("deserialize");
    assert_eq!(back, error);

    let case = office.case(A1).expect("read").expect("case");
    let json = serde_json::to_string(&case).expect("serialize");
    let back: alloggi::office::reads::Case = serde_json::from_str(&json).expect("deserialize");
    assert_eq!(back, case);
}

// ---- requests as values -----------------------------------------------------------------

#[test]
fn a_request_as_a_value_gets_the_reply_of_the_method_it_names() {
    use alloggi::office::{Progress, Reply, Request};
    let dir = tempfile::tempdir().unwrap();
    let office = seeded(dir.path(), 3);
    let stop = AtomicBool::new(false);
    let mut heard = Vec::new();

    let reply = office.handle(&ctx(), Request::Step(registration(A1)), &stop, &mut |p| {
        heard.push(p)
    });
    let Reply::Step(Ok(done)) = reply else {
        panic!("{reply:?}");
    };
    assert_eq!(queued(&office), 1);

    let reply = office.handle(&ctx(), Request::Rows, &stop, &mut |p| heard.push(p));
    let Reply::Rows(Ok(rows)) = &reply else {
        panic!("{reply:?}");
    };
    assert_eq!(rows.len(), 3);
    assert!(
        matches!(heard.last(), Some(Progress::Rows(3, 3))),
        "{heard:?}"
    );

    let reply = office.handle(
        &ctx(),
        Request::Batch(batch(&[A1, A2, A3], None)),
        &stop,
        &mut |p| heard.push(p),
    );
    let Reply::Batch(report) = &reply else {
        panic!("{reply:?}");
    };
    assert_eq!(report.queued, 3);
    assert!(matches!(heard.last(), Some(Progress::Batch(_))));

    // Replies cross a socket as they are.
    let json = serde_json::to_string(&reply).expect("serialize");
    assert_eq!(
        serde_json::from_str::<Reply>(&json).expect("deserialize"),
        reply
    );
    let reply = office.handle(
        &ctx(),
        Request::Requeue {
            id: done.queued,
            reason: "di nuovo".into(),
        },
        &stop,
        &mut |_| {},
    );
    assert!(matches!(
        reply,
        Reply::Requeue(Err(OfficeError::Refused(_)))
    ));
}

/// Requests cross a socket as they are too: commands, typed values and the audit filter in
/// them come back equal.
#[test]
fn a_request_is_plain_data_that_round_trips() {
    use alloggi::office::{AuditFilter, Request};
    let requests = vec![
        Request::Step(registration(A1)),
        Request::Batch(batch(&[A1, A2], Some(BatchStep::RemindFee))),
        Request::Execute(Command::SaveCall(Box::new(call()))),
        Request::AuditPage {
            before: Some(7),
            limit: 20,
            filter: AuditFilter {
                case: Some(A2),
                actor: Some(ACTOR.to_string()),
                kind: Some("domanda_ammessa".to_string()),
            },
        },
        Request::RowsOf { ids: vec![A1, A3] },
        Request::RankingExport {
            call: "erp-2024".into(),
            number: 1,
        },
    ];
    for request in requests {
        let json = serde_json::to_string(&request).expect("serialize");
        let back: Request = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back, request, "{json}");
    }
}

/// The reads the console makes after a step: the rows of the cases changed, none for an id
/// that names no application; a version to export with its call's title, none when missing.
#[test]
fn the_rows_of_cases_just_changed_and_a_version_to_export() {
    use alloggi::office::{Reply, Request};
    let dir = tempfile::tempdir().unwrap();
    let office = seeded(dir.path(), 3);
    office.execute(&ctx(), &register(A2)).expect("registered");
    let stop = AtomicBool::new(false);
    let reply = office.handle(
        &ctx(),
        Request::RowsOf {
            ids: vec![A2, ApplicationId(99), A3],
        },
        &stop,
        &mut |_| {},
    );
    let Reply::RowsOf(Ok(rows)) = reply else {
        panic!("{reply:?}");
    };
    let ids: Vec<ApplicationId> = rows.iter().map(|r| r.id).collect();
    assert_eq!(ids, vec![A2, A3]);
    assert_eq!(rows[0].state, State::Protocollata);
    assert!(!rows[0].protocol.is_empty());
    assert!(rows[1].protocol.is_empty());

    let reply = office.handle(
        &ctx(),
        Request::RankingExport {
            call: call().code,
            number: 1,
        },
        &stop,
        &mut |_| {},
    );
    assert!(matches!(reply, Reply::RankingExport(Ok(None))), "{reply:?}");
}
