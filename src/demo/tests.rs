//! The demo is reproducible, plausible and accepted by every check of the store.

use std::collections::HashSet;

use super::*;
use crate::domain::fiscal_code::PersonFiscalCode;
use crate::domain::household::Relation;
use crate::domain::time::age_on;
use crate::domain::{Application, Event};

fn populated(n: usize, seed: u64) -> (tempfile::TempDir, Store, DemoSummary) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let summary = populate(
        &store,
        &DemoOptions {
            applications: n,
            seed,
        },
        &mut |_, _| {},
    )
    .unwrap();
    (dir, store, summary)
}

fn export(store: &Store) -> Vec<u8> {
    let mut out = Vec::new();
    store.export(&mut out).unwrap();
    out
}

fn all_applications(store: &Store) -> Vec<Application> {
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let page = store.applications_page(after, 500).unwrap();
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        all.extend(page);
    }
    all
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let (_a, first, _) = populated(40, 5);
    let (_b, second, _) = populated(40, 5);
    let (_c, other, _) = populated(40, 6);
    let bytes = export(&first);
    assert_eq!(bytes, export(&second));
    assert_ne!(bytes, export(&other));
}

#[test]
fn every_state_present_and_store_consistent() {
    let mut calls = Vec::new();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let summary = populate(
        &store,
        &DemoOptions {
            applications: 300,
            seed: 2024,
        },
        &mut |done, total| calls.push((done, total)),
    )
    .unwrap();
    assert_eq!(summary.applications, 300);
    for state in State::ALL {
        assert!(
            summary.per_state[&state] > 0,
            "{state} assente: {summary:?}"
        );
    }
    assert_eq!(summary.per_state.values().sum::<usize>(), 300);
    assert_eq!(summary.events, store.audit_len());
    let report = store.check().unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
    assert_eq!(report.applications, 300);
    let audit = store.verify_audit().unwrap();
    assert!(audit.first_broken.is_none(), "{audit:?}");
    assert_eq!(calls.last(), Some(&(300, 300)));
    assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0));
}

#[test]
fn timeline_is_plausible_and_chronological() {
    let (_dir, store, _) = populated(300, 11);
    let call = store.active_call().unwrap().unwrap();
    let events: Vec<(u64, Event)> = store.audit_events(1, usize::MAX).unwrap();
    assert!(
        events.windows(2).all(|w| w[0].1.at <= w[1].1.at),
        "registro non in ordine di tempo"
    );
    let mut late = 0;
    for app in all_applications(&store) {
        if app.late {
            late += 1;
            assert!(app.received_at > call.closes_at);
            assert!(app.received_at < call.closes_at + chrono::TimeDelta::days(5));
        } else {
            assert!(call.is_within_window(app.received_at));
        }
        if let Some(registered) = app.registered_at {
            assert!(registered > app.received_at);
            assert!(registered - app.received_at < chrono::TimeDelta::days(9));
        }
        if let Some(decision) = &app.decision {
            let date = rome_date(decision.at);
            assert!(date > call.closing_date(), "{app:?}");
            assert!(date < call.procedure_end(), "{app:?}");
            if decision.admitted {
                assert!(app.missing_documents(&call).is_empty());
            }
        }
        if app.state == State::IntegrazioneRichiesta {
            let request = app.integration.as_ref().unwrap();
            assert!(!request.documents.is_empty());
            assert_eq!(request.documents, app.missing_documents(&call));
        }
    }
    assert_eq!(late, 3);
}

#[test]
fn codes_parse_and_never_repeat() {
    let (_dir, store, _) = populated(300, 3);
    let mut seen = HashSet::new();
    let mut some_code = None;
    let mut members = 0;
    for app in all_applications(&store) {
        let applicant = app.household.applicant();
        assert!(age_on(applicant.birth_date, rome_date(app.received_at)) >= 18);
        for member in app.household.members() {
            members += 1;
            let code = member.fiscal_code.as_str();
            let parsed = PersonFiscalCode::parse(code).unwrap();
            assert_eq!(parsed.as_str(), code);
            assert!(seen.insert(code.to_string()), "{code} ripetuto");
            some_code = Some(member.fiscal_code.clone());
            assert!(member.birth_date < rome_date(app.received_at));
            if member.accompaniment {
                assert_eq!(member.disability_pct, 100);
            }
            if member.relation == Relation::Figlio {
                assert!(age_on(applicant.birth_date, member.birth_date) >= 16);
            }
        }
        app.declaration.validate(app.household.len()).unwrap();
    }
    assert!(members > 600, "{members} componenti per 300 domande");
    // The store's index agrees: each person is in exactly one application.
    let code = some_code.unwrap();
    assert_eq!(store.applications_with_person(&code).unwrap().len(), 1);
}

#[test]
fn refuses_a_database_with_applications() {
    let (_dir, store, _) = populated(5, 1);
    let again = populate(
        &store,
        &DemoOptions {
            applications: 5,
            seed: 1,
        },
        &mut |_, _| {},
    );
    assert!(matches!(again, Err(DemoError::NotEmpty)));
    assert_eq!(store.application_count(), 5);
}

#[test]
fn refuses_too_many_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let result = populate(
        &store,
        &DemoOptions {
            applications: MAX_APPLICATIONS + 1,
            seed: 1,
        },
        &mut |_, _| {},
    );
    assert!(matches!(result, Err(DemoError::TooMany)));
    assert_eq!(
        DemoError::TooMany.to_string(),
        "al massimo 1.000.000 di domande"
    );
    assert!(store.is_empty());
}

#[test]
fn uses_the_active_call_when_there_is_one() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut call = bando_2024().unwrap();
    call.code = "erp-prova".into();
    let ctx = Context {
        actor: "mrossi".into(),
        on_behalf_of: None,
        now: call.opens_at,
    };
    store
        .execute(&Command::SaveCall(Box::new(call)), &ctx)
        .unwrap();
    let summary = populate(
        &store,
        &DemoOptions {
            applications: 20,
            seed: 9,
        },
        &mut |_, _| {},
    )
    .unwrap();
    assert_eq!(store.calls().unwrap().len(), 1);
    assert!(
        all_applications(&store)
            .iter()
            .all(|a| a.call == "erp-prova")
    );
    assert_eq!(summary.events + 2, store.audit_len());
}

#[test]
fn under_a_call_with_the_refusal_notice_exclusions_under_review_go_through_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut call = bando_2024().unwrap();
    call.code = "erp-preavviso".into();
    assert!(call.params.refusal_notice);
    let ctx = Context {
        actor: "mrossi".into(),
        on_behalf_of: None,
        now: call.opens_at,
    };
    store
        .execute(&Command::SaveCall(Box::new(call)), &ctx)
        .unwrap();
    populate(
        &store,
        &DemoOptions {
            applications: 200,
            seed: 3,
        },
        &mut |_, _| {},
    )
    .unwrap();
    let names: Vec<&str> = store
        .audit_events(1, store.audit_len())
        .unwrap()
        .iter()
        .map(|(_, e)| e.kind_name())
        .collect();
    assert!(
        names.contains(&"preavviso_rigetto_inviato"),
        "no notice sent"
    );
    assert!(
        names.contains(&"esclusione_confermata"),
        "no exclusion confirmed"
    );
    let report = store.check().unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
}

fn with_history(seed: u64, day: NaiveDate) -> (tempfile::TempDir, Store, DemoSummary) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let options = DemoOptions {
        applications: 40,
        seed,
    };
    let summary = populate_with_history(&store, &options, day, &mut |_, _| {}).unwrap();
    (dir, store, summary)
}

fn demo_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
}

#[test]
fn history_is_reproducible_for_a_seed_and_a_day() {
    let (_a, first, _) = with_history(5, demo_day());
    let (_b, second, _) = with_history(5, demo_day());
    assert_eq!(export(&first), export(&second));
}

#[test]
fn history_leaves_the_current_call_as_the_plain_demo_makes_it() {
    let (_a, plain, plain_summary) = {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let options = DemoOptions {
            applications: 40,
            seed: 5,
        };
        let summary = populate_on(&store, &options, demo_day(), &mut |_, _| {}).unwrap();
        (dir, store, summary)
    };
    let (_b, store, summary) = with_history(5, demo_day());
    let current = store.active_call().unwrap().unwrap();
    assert_eq!(Some(current.clone()), plain.active_call().unwrap());
    let apps = store.call_applications(&current.code).unwrap();
    let plain_apps = plain.call_applications(&current.code).unwrap();
    assert_eq!(apps.len(), 40);
    assert_eq!(apps, plain_apps, "the current call's applications changed");
    assert_eq!(summary.per_state, plain_summary.per_state);
    assert_eq!(summary.intake, plain_summary.intake);
    assert_eq!(summary.messages, plain_summary.messages);
    let (previous, round) = summary.previous.expect("the previous call");
    assert_eq!(store.calls().unwrap().len(), 2);
    assert_ne!(previous.code, current.code);
    assert_eq!(previous.applications, previous::APPLICATIONS);
    assert_eq!(round.call, previous.code);
    assert_eq!(summary.events, store.audit_len());
    // The current call's ranking comes after, as in the plain demo.
    let ranked = add_ranking(&store, 5).unwrap().unwrap();
    let plain_ranked = add_ranking(&plain, 5).unwrap().unwrap();
    assert_eq!(ranked.header.published_at, plain_ranked.header.published_at);
    assert_eq!(ranked.header.admitted, plain_ranked.header.admitted);
    let report = store.check().unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
    let audit = store.verify_audit().unwrap();
    assert!(audit.first_broken.is_none(), "{audit:?}");
}

#[test]
fn the_previous_call_is_decided_ranked_for_good_and_in_a_round_with_every_standing() {
    use crate::domain::ranking::RankingKind;
    use crate::domain::stock::{DwellingState, ExclusionCause, Standing};
    let today = demo_day();
    let (_dir, store, summary) = with_history(2024, today);
    let (previous, round) = summary.previous.expect("the previous call");
    let call = store.call(&previous.code).unwrap().unwrap();
    assert_eq!(call.title, "Bando ERP 2025");
    assert_eq!(call.code, "erp-2025");
    let apps = store.call_applications(&call.code).unwrap();
    assert_eq!(apps.len(), 60);
    assert!(
        apps.iter()
            .all(|a| matches!(a.state, State::Ammessa | State::Esclusa))
    );
    assert!(
        apps.iter()
            .any(|a| a.household.members().iter().any(|m| m.motor_disability)),
        "no household with a motor disability"
    );
    assert!(
        apps.iter()
            .all(|a| a.objections.iter().all(|o| o.decision.is_some()))
    );
    let (header, _) = store
        .ranking_version(&call.code, previous.definitive)
        .unwrap()
        .unwrap();
    assert_eq!(header.kind, RankingKind::Definitiva);

    let dwellings = store.dwellings(None).unwrap();
    assert_eq!(dwellings.len(), 40);
    for state in [
        DwellingState::Libero,
        DwellingState::Locato,
        DwellingState::InLavori,
        DwellingState::NonAssegnabile,
        DwellingState::Proposto,
    ] {
        assert!(dwellings.iter().any(|d| d.state == state), "{state:?}");
    }
    assert!(dwellings.iter().any(|d| d.accessible));

    let places = store.placements(&call.code).unwrap();
    assert_eq!(places.len() as u32, round.candidates);
    let any = |what: &str, f: &dyn Fn(&crate::domain::stock::Placement) -> bool| {
        assert!(places.iter().any(f), "nobody {what}");
    };
    any("waiting", &|p| {
        p.standing == Standing::InAttesa && p.refusals.is_empty()
    });
    any("waiting after a justified refusal", &|p| {
        p.standing == Standing::InAttesa && p.refusals.iter().any(|r| r.justified)
    });
    any("offered with days left", &|p| {
        matches!(p.standing, Standing::Proposta { .. }) && !p.is_overdue(today)
    });
    any("offered past the deadline", &|p| {
        matches!(p.standing, Standing::Proposta { .. }) && p.is_overdue(today)
    });
    any("warned", &|p| {
        matches!(p.standing, Standing::Diffidato { .. })
    });
    any("accepted", &|p| {
        matches!(p.standing, Standing::Accettato { .. })
    });
    any("excluded for an unjustified refusal", &|p| {
        matches!(
            p.standing,
            Standing::Escluso {
                cause: ExclusionCause::RifiutoIngiustificato,
                ..
            }
        )
    });
    any("excluded for requirements lost", &|p| {
        matches!(
            p.standing,
            Standing::Escluso {
                cause: ExclusionCause::RequisitiPersi,
                ..
            }
        )
    });
    any("assigned", &|p| {
        matches!(p.standing, Standing::Assegnato { .. }) && !p.occupation_lapsed(today)
    });
    any("past the term to occupy", &|p| p.occupation_lapsed(today));
    assert_eq!(round.decrees, 2 + round::LEASED);
    // Each decree's «Dettagli della tua assegnazione» waits in the queue, beside the one of
    // the catalogue's tour; the round's opening messages went out long ago.
    let queued = store
        .outbox_page(crate::messages::outbox::OutboxTab::Queued, None, 100_000)
        .unwrap();
    let details = queued
        .iter()
        .filter(|e| e.template == "assegnazione_dettagli")
        .count();
    assert_eq!(details, 3);
    assert!(!queued.iter().any(|e| {
        e.template == "apertura_assegnazione"
            && e.application
                .is_some_and(|id| apps.iter().any(|a| a.id == id))
    }));
    // Nothing is dated on or after the day the demo is made for.
    let events = store.audit_events(1, usize::MAX).unwrap();
    assert!(events.iter().all(|(_, e)| rome_date(e.at) < today));
}

#[test]
fn the_round_s_first_assignees_hold_leases_with_a_year_of_rent() {
    use crate::domain::rent::{GpdState, Ledger, Month, PaymentChannel};
    let today = demo_day();
    let (_dir, store, summary) = with_history(2024, today);
    let rent = summary.rent.expect("the rent part");
    let leases: Vec<_> = store
        .contract_files()
        .unwrap()
        .into_iter()
        .filter_map(|file| file.lease)
        .collect();
    assert!(leases.len() >= 6, "{} leases", leases.len());
    assert_eq!(rent.leases, leases.len());
    let rules = store.rent_rules().unwrap();
    assert_eq!(rules.len(), 1);
    assert!(rules[0].example);
    assert_eq!(rules[0].version, "esempio-demo-2025");
    // Signed about a year before the demo day, each file with its contract ready and the
    // signing appointment booked.
    for lease in &leases {
        let days = (today - lease.signed_on).num_days();
        assert!((330..=420).contains(&days), "signed {days} days before");
        let file = store.contract_file(lease.application).unwrap().unwrap();
        assert!(file.ready_on.is_some() && file.signing.is_some());
    }
    let current = rent.current_month;
    assert_eq!(current, Month::of(today));
    let all = store.rent_notices_all().unwrap();
    assert_eq!(rent.notices, all.len());
    for lease in &leases {
        let mine: Vec<_> = all
            .iter()
            .filter(|n| n.tenancy == lease.application)
            .collect();
        // A notice for every month from the lease's start to the current one.
        assert!(mine.len() >= 13, "{} notices", mine.len());
        assert_eq!(mine.first().unwrap().month, Month::of(lease.starts_on));
        assert_eq!(mine.last().unwrap().month, current);
        assert!(mine.windows(2).all(|w| w[0].month.next() == w[1].month));
        let open = mine.last().unwrap();
        assert!(open.is_open() && open.due >= today && !open.is_late(today));
        assert!(
            mine.iter()
                .all(|n| matches!(n.gpd, GpdState::Published { .. }))
        );
        assert!(
            mine.iter()
                .all(|n| !n.awaits_report() && !n.awaits_cancel())
        );
    }
    let paid: Vec<_> = all.iter().filter_map(|n| n.payment.as_ref()).collect();
    assert_eq!(paid.len(), rent.paid);
    assert!(
        paid.len() * 10 > all.len() * 7,
        "{} of {}",
        paid.len(),
        all.len()
    );
    let counter = paid
        .iter()
        .filter(|p| p.channel == PaymentChannel::Sportello)
        .count();
    assert!(counter > 0 && counter * 4 < paid.len(), "{counter}");
    assert_eq!(counter, rent.paid_at_counter);

    let ledger = |id| Ledger::of(all.iter().filter(|n| n.tenancy == id), today);
    let flagged = store.tenancy(rent.flagged).unwrap().unwrap();
    assert_eq!(flagged.flagged.map(|(_, months)| months), Some(3));
    assert_eq!(ledger(rent.flagged).months_in_arrears, 3);
    assert!(
        all.iter()
            .filter(|n| n.tenancy == rent.flagged && n.is_late(today))
            .all(|n| n.overdue_told_at.is_some())
    );
    let plan = store.tenancy(rent.plan).unwrap().unwrap();
    let plan = plan.plan.expect("a repayment plan");
    assert_eq!(plan.added, plan.instalments);
    assert!(
        all.iter()
            .filter(|n| n.tenancy == rent.plan)
            .filter(|n| n.rescheduled.is_some())
            .count()
            == 2
    );
    assert_eq!(ledger(rent.plan).months_in_arrears, 0);
    let innocent = store.tenancy(rent.innocent).unwrap().unwrap();
    assert!(innocent.innocent.is_some() && innocent.flagged.is_none());
    assert!(ledger(rent.innocent).months_in_arrears >= 3);
    // Every payer but these three owes nothing past due.
    for lease in &leases {
        let id = lease.application;
        if ![rent.flagged, rent.plan, rent.innocent].contains(&id) {
            assert_eq!(ledger(id).months_in_arrears, 0, "{id}");
        }
    }
    let report = store.check().unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
    let audit = store.verify_audit().unwrap();
    assert!(audit.first_broken.is_none(), "{audit:?}");
}
