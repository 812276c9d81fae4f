//! The assignment round on a real database: its opening tells every applicant in one
//! transaction; offers follow the ranking, with the skipped named; replies, the decree and its
//! message; backups carry the round whole; `check` sees a dwelling its holder disagrees with.

use crate::common;

use alloggi::domain::command::OfferReply;
use alloggi::domain::stock::{DwellingCode, DwellingState, Standing};
use alloggi::domain::{Command, Context};
use alloggi::messages::ComuneConfig;
use alloggi::messages::Values;
use alloggi::messages::outbox::OutboxTab;
use alloggi::office::{Office, Step};
use common::assignment::{ranked_office, round_day};
use common::{date, ts};

fn code(text: &str) -> DwellingCode {
    DwellingCode::parse(text).unwrap()
}

fn queued(office: &Office) -> usize {
    office.outbox_counts().expect("counts")[&OutboxTab::Queued]
}

fn open_round(office: &Office) -> alloggi::office::RoundOpened {
    office
        .open_assignment(&round_day(), None, date(2025, 9, 1), date(2025, 9, 30))
        .expect("opened")
}

/// FM-001 offered to the first applicant it suits, the requirements confirmed.
fn offer_fm001(office: &Office) -> alloggi::domain::stock::Placement {
    let (first, _) = office
        .next_offer(None, &code("FM-001"))
        .unwrap()
        .chosen
        .expect("someone fits 40 m²");
    office
        .make_offer(
            &round_day(),
            first.application,
            &code("FM-001"),
            None,
            None,
            true,
        )
        .expect("offered");
    first
}

/// What `check` reports once `tamper` has changed the closed database in `dir` behind the
/// store.
fn problems_after(dir: &std::path::Path, tamper: impl FnOnce(&sled::Db)) -> Vec<String> {
    {
        let db = common::raw(dir);
        tamper(&db);
        db.flush().unwrap();
    }
    common::wait_released(dir);
    let office = Office::new(common::open(dir), Err("nessun Comune".into()));
    office.check().expect("check").problems
}

fn assert_clean(office: &Office) {
    let report = office.check().expect("check");
    assert!(report.is_ok(), "{:?}", report.problems);
}

#[test]
fn opening_the_round_places_every_admitted_applicant_and_tells_each_in_one_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let office = ranked_office(dir.path());
    let call = office.active_call().unwrap().unwrap().code;
    let versions = office.ranking_versions(&call).unwrap();
    let admitted = versions.last().unwrap().admitted as usize;
    let (audit, before) = (office.store().audit_len(), queued(&office));

    let preview = office
        .preview_opening(&round_day(), None, date(2025, 9, 1), date(2025, 9, 30))
        .expect("preview");
    assert_eq!(preview.round.candidates as usize, admitted);
    let first = preview.first.expect("a first message");
    assert_eq!(first.title, "Apertura assegnazione alloggi");
    assert!(
        first.message.content.markdown.contains("Dal 01/09/2025")
            && first
                .message
                .content
                .markdown
                .contains("fino al 30/09/2025"),
        "{}",
        first.message.content.markdown
    );
    assert_eq!(
        (office.store().audit_len(), queued(&office)),
        (audit, before),
        "a preview writes nothing"
    );

    let opened = open_round(&office);

    assert_eq!(opened.queued.len(), admitted);
    assert_eq!(queued(&office), before + admitted);
    // The opening and one entry per message.
    assert_eq!(office.store().audit_len(), audit + 1 + admitted);
    let view = office.round_view(None).expect("round");
    let positions: Vec<u32> = view.placements.iter().map(|p| p.position).collect();
    assert_eq!(positions, (1..=admitted as u32).collect::<Vec<_>>());
    assert!(
        view.placements
            .iter()
            .all(|p| p.standing == Standing::InAttesa)
    );
    assert_eq!(view.free.len(), 6);

    let again = office
        .open_assignment(&round_day(), None, date(2025, 9, 1), date(2025, 9, 30))
        .unwrap_err();
    assert!(again.to_string().contains("già aperta"), "{again}");
    assert_eq!(queued(&office), before + admitted);
    assert_clean(&office);

    // Everything is on disk: the round survives a reopening.
    drop(office);
    let office = Office::new(common::open(dir.path()), Ok(ComuneConfig::example()));
    assert_eq!(office.round_view(None).unwrap().placements.len(), admitted);
    assert_clean(&office);
}

#[test]
fn offers_follow_the_ranking_and_a_justified_refusal_passes_the_dwelling_to_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let office = ranked_office(dir.path());
    open_round(&office);
    let ctx = round_day();
    let home = code("FM-002");

    let next = office.next_offer(None, &home).expect("next");
    let (first, recheck) = next.chosen.clone().expect("someone fits 52 m²");
    assert_eq!(recheck.household, first.needs.size);
    assert!(first.needs.size == 2, "{first:?}");
    // Everyone before the chosen one is named, with why.
    assert_eq!(next.skipped.len() as u32, first.position - 1);
    assert!(
        next.skipped.iter().all(|(_, why)| why.contains("troppo")),
        "{:?}",
        next.skipped
    );

    // Without the requirements checked again today, no offer.
    let refused = office
        .make_offer(&ctx, first.application, &home, None, None, false)
        .unwrap_err();
    assert!(
        refused.to_string().contains("verificati di nuovo"),
        "{refused}"
    );
    // Someone further down needs a reason to go first.
    let later = office
        .round_view(None)
        .unwrap()
        .placements
        .into_iter()
        .find(|p| p.position > first.position && p.needs.size == 2)
        .expect("another household of two");
    let refused = office
        .make_offer(&ctx, later.application, &home, None, None, true)
        .unwrap_err();
    assert!(
        refused.to_string().contains("fuori ordine di graduatoria"),
        "{refused}"
    );

    office
        .make_offer(&ctx, first.application, &home, None, None, true)
        .expect("offered");
    assert_eq!(
        office.dwelling(&home).unwrap().unwrap().state,
        DwellingState::Proposto
    );
    let busy = office.next_offer(None, &home).unwrap();
    assert!(busy.not_free.unwrap().contains("tenuto da"), "busy");

    office
        .execute(
            &ctx,
            &Command::ReplyToOffer {
                id: first.application,
                reply: OfferReply::RefuseJustified,
                reason: "lavoro in altra città, documentato".into(),
            },
        )
        .expect("refused with reason");
    let next = office.next_offer(None, &home).unwrap();
    let (second, _) = next.chosen.expect("the next one");
    assert!(second.position > first.position);
    assert!(
        next.skipped
            .iter()
            .any(|(p, why)| p.application == first.application && why.contains("rifiutato")),
        "{:?}",
        next.skipped
    );
    office
        .make_offer(&ctx, second.application, &home, None, None, true)
        .expect("offered to the next");
    office
        .execute(
            &ctx,
            &Command::ReplyToOffer {
                id: second.application,
                reply: OfferReply::Accept,
                reason: String::new(),
            },
        )
        .expect("accepted");
    let before = queued(&office);
    let decree = Step {
        command: Some(Command::DecreeAssignment {
            id: second.application,
            decree_on: date(2025, 9, 3),
        }),
        application: Some(second.application),
        template: alloggi::office::ON_DECREE.into(),
        typed: Values::new(),
    };
    let later_ctx = Context::new("mrossi", ts(2025, 9, 3, 9, 0, 0));
    let done = office.step(&later_ctx, &decree).expect("decreed");

    assert_eq!(queued(&office), before + 1);
    let entry = office
        .outbox_page(OutboxTab::Queued, None, 1_000)
        .unwrap()
        .into_iter()
        .find(|e| e.id == done.queued)
        .expect("the decree's message");
    let text = &entry.message.content.markdown;
    assert!(
        text.contains("Dal 03/09/2025") && text.contains("Via del Borgo 002"),
        "{text}"
    );
    assert_eq!(
        office.dwelling(&home).unwrap().unwrap().state,
        DwellingState::Locato
    );
    let view = office.placement_view(second.application).unwrap().unwrap();
    assert!(matches!(
        view.placement.standing,
        Standing::Assegnato { occupy_by, .. } if occupy_by == date(2025, 10, 3)
    ));
    assert_clean(&office);
}

#[test]
fn a_backup_carries_the_stock_and_the_round_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let office = ranked_office(dir.path());
    open_round(&office);
    offer_fm001(&office);
    let mut first_export = Vec::new();
    office.store().export(&mut first_export).expect("export");
    let text = String::from_utf8(first_export.clone()).unwrap();
    assert!(text.contains("{\"dwelling\":") && text.contains("{\"round\":"));
    assert!(text.contains("{\"placement\":"));

    let copy = tempfile::tempdir().unwrap();
    let restored = common::open(copy.path());
    let counts = restored
        .restore(|| Ok(std::io::Cursor::new(first_export.clone())))
        .expect("restore");
    assert_eq!(counts.dwellings, 7);
    assert_eq!(counts.rounds, 1);
    let mut second_export = Vec::new();
    restored.export(&mut second_export).expect("export");
    assert_eq!(first_export, second_export);
    let report = restored.check().expect("check");
    assert!(report.is_ok(), "{:?}", report.problems);
}

#[test]
fn check_reports_a_dwelling_whose_state_its_holder_contradicts() {
    let dir = tempfile::tempdir().unwrap();
    {
        let office = ranked_office(dir.path());
        open_round(&office);
        offer_fm001(&office);
    }
    let problems = problems_after(dir.path(), |db| {
        let tree = db.open_tree("dwellings").unwrap();
        let value = tree.get("FM-001").unwrap().unwrap();
        let text = String::from_utf8(value.to_vec())
            .unwrap()
            .replace("\"proposto\"", "\"libero\"");
        tree.insert("FM-001", text.as_bytes()).unwrap();
    });
    assert!(
        problems
            .iter()
            .any(|p| p.contains("FM-001") && p.contains("libero")),
        "{problems:?}"
    );
}

#[test]
fn a_decree_refused_queues_nothing_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let office = ranked_office(dir.path());
    open_round(&office);
    let first = offer_fm001(&office);
    let before = (office.store().audit_len(), queued(&office));
    let decree = Step {
        command: Some(Command::DecreeAssignment {
            id: first.application,
            decree_on: date(2025, 9, 1),
        }),
        application: Some(first.application),
        template: alloggi::office::ON_DECREE.into(),
        typed: Values::new(),
    };

    // Offered, not yet accepted: the decree and its message are refused together.
    let refused = office.step(&round_day(), &decree).unwrap_err();

    assert!(
        refused.to_string().contains("segue l'accettazione"),
        "{refused}"
    );
    assert_eq!((office.store().audit_len(), queued(&office)), before);
    assert_eq!(
        office.dwelling(&code("FM-001")).unwrap().unwrap().state,
        DwellingState::Proposto
    );
}

#[test]
fn check_reports_a_place_missing_from_its_index() {
    let dir = tempfile::tempdir().unwrap();
    drop({
        let office = ranked_office(dir.path());
        open_round(&office);
        office
    });
    let problems = problems_after(dir.path(), |db| {
        let index = db.open_tree("idx_placement_application").unwrap();
        let (key, _) = index.first().unwrap().expect("a place indexed");
        index.remove(key).unwrap();
    });
    assert!(
        problems
            .iter()
            .any(|p| p.contains("assegnazione per domanda")),
        "{problems:?}"
    );
}

/// The store's choice through its index of waiting places is the domain's choice over the
/// whole round, for every dwelling, as the round moves on.
#[test]
fn the_indexed_choice_is_the_rounds_first_adequate_applicant() {
    let dir = tempfile::tempdir().unwrap();
    let office = ranked_office(dir.path());
    open_round(&office);
    let bands = alloggi::domain::stock::AreaBands::default();
    let agree = |office: &Office| {
        let view = office.round_view(None).unwrap();
        let candidates: Vec<_> = view.placements.iter().map(|p| p.candidate()).collect();
        for dwelling in &view.free {
            let expected = alloggi::domain::stock::next_offer(dwelling, &candidates, &bands)
                .expect("free")
                .chosen;
            let found = office.next_offer(None, &dwelling.code).unwrap();
            assert_eq!(
                found.chosen.map(|(p, _)| p.application),
                expected,
                "{}",
                dwelling.code
            );
            assert_eq!(
                found.skipped.len() + found.more_skipped,
                expected
                    .and_then(|id| view.placements.iter().position(|p| p.application == id))
                    .unwrap_or(view.placements.len()),
                "{}",
                dwelling.code
            );
        }
    };
    agree(&office);
    // Offers taken, one refused with reason (the refuser keeps the place), one excluded.
    for code_text in ["FM-002", "FM-003", "FM-005"] {
        let (first, _) = office
            .next_offer(None, &code(code_text))
            .unwrap()
            .chosen
            .expect("someone fits");
        office
            .make_offer(
                &round_day(),
                first.application,
                &code(code_text),
                None,
                None,
                true,
            )
            .expect("offered");
    }
    let holder = office.store().holder(&code("FM-002")).unwrap().unwrap();
    office
        .execute(
            &round_day(),
            &Command::ReplyToOffer {
                id: holder.application,
                reply: OfferReply::RefuseJustified,
                reason: "salute".into(),
            },
        )
        .unwrap();
    let holder = office.store().holder(&code("FM-003")).unwrap().unwrap();
    office
        .execute(
            &round_day(),
            &Command::ExcludeCandidate {
                id: holder.application,
                cause: alloggi::domain::stock::ExclusionCause::RequisitiPersi,
                reason: "ISEE oltre il limite".into(),
            },
        )
        .unwrap();
    agree(&office);
    assert_clean(&office);
}

/// Before an offer the ISEE is checked against the limit in force: the active call's, once a
/// newer call than the ranking's is active.
#[test]
fn the_requirements_are_checked_against_the_active_calls_limit() {
    let dir = tempfile::tempdir().unwrap();
    let office = ranked_office(dir.path());
    open_round(&office);
    let mut newer = common::call();
    newer.code = "erp-2026".into();
    newer.params.isee_limit = alloggi::domain::money::Money::from_cents(1_800_000);
    office
        .execute(&round_day(), &Command::SaveCall(Box::new(newer.clone())))
        .expect("newer call saved");
    office
        .execute(
            &round_day(),
            &Command::ActivateCall {
                code: newer.code.clone(),
            },
        )
        .expect("activated");

    let (chosen, recheck) = office
        .next_offer(None, &code("FM-002"))
        .unwrap()
        .chosen
        .expect("someone fits");

    assert_eq!(recheck.isee_limit, newer.isee_limit_for(chosen.needs.size));
}
