//! The Canoni screen over two leases (FM-002 and FM-003, in force from 1 October 2025 at the
//! example rules' rent), drawn whole at 80×24: a month with no notice, the month issued after
//! its count is confirmed with the progress bar running, reminders within the days chosen, the
//! overdue told with the arrears flagged and listed longest first, a tenant's ledger, a counter
//! payment, the months changed with the arrows, and the month following a commit made
//! elsewhere; from the arrears or the ledger, morosità incolpevole and a repayment plan each
//! checked before they commit, the tenant's ISEE, and the yearly update listed before and
//! after then recorded; a refusal keeps what the form holds.

use std::sync::atomic::AtomicBool;

use crate::common;

use alloggi::domain::rent::{InnocentCause, Month, PaymentChannel};
use alloggi::domain::roles::Role;
use alloggi::domain::time::Timestamp;
use alloggi::domain::{ApplicationId, Context};
use alloggi::messages::outbox::OutboxTab;
use alloggi::office::{Office, Progress};
use alloggi::tui::app::{Msg, Overlay};
use alloggi::tui::perform;
use alloggi::tui::screens::ScreenId;
use common::assignment::{
    decree_on_round_day, ranked_office, save_example_rent_rules, sign_leases,
};
use common::console::Console;
use common::ts;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn month(text: &str) -> Month {
    Month::parse(text).expect("month")
}

/// The month's notices issued on its first day.
fn issue(office: &Office, text: &str) {
    let month = month(text);
    let day = month.first_day();
    let ctx = Context::new(
        "mrossi",
        alloggi::domain::time::start_of_day_rome(day) + chrono::Duration::hours(9),
    );
    office
        .issue_rent_month(&ctx, month, &AtomicBool::new(false), &mut |_| {})
        .expect("month issued");
}

/// Two leases in force from October 2025, set up further by `prepare`, then a console on the
/// Canoni screen whose clock says `now`.
fn console_with(
    prepare: impl FnOnce(&Office, &[ApplicationId]),
    now: Timestamp,
) -> (Console, Vec<ApplicationId>) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let office = ranked_office(dir.path());
    save_example_rent_rules(&office);
    let ids: Vec<ApplicationId> = decree_on_round_day(&office, &["FM-002", "FM-003"])
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    sign_leases(&office, &ids);
    prepare(&office, &ids);
    let mut console = Console::over_office(office, dir, now);
    console.char('\'');
    assert_eq!(console.app.screen, ScreenId::Rent);
    (console, ids)
}

/// The messages queued for the tenants `ids` with `template` (the demo's outbox holds one
/// of each message for other applications).
fn queued_with(console: &Console, ids: &[ApplicationId], template: &str) -> usize {
    console
        .office
        .outbox_page(OutboxTab::Queued, None, 10_000)
        .expect("outbox")
        .iter()
        .filter(|e| e.template == template && e.application.is_some_and(|a| ids.contains(&a)))
        .count()
}

fn question(console: &Console) -> Option<String> {
    match &console.app.overlay {
        Some(Overlay::Question(q)) => Some(q.text.clone()),
        _ => None,
    }
}

#[test]
fn the_month_is_issued_after_its_count_is_confirmed_with_a_progress_bar() {
    let (mut console, ids) = console_with(|_, _| {}, ts(2025, 10, 1, 9, 0, 0));
    let empty = console.text();
    assert!(empty.contains("Nessun avviso per ottobre 2025"), "{empty}");
    insta::assert_snapshot!("canoni_vuoto_80x24", empty);

    console.char('e');
    let asked = question(&console).expect("asked first");
    assert!(asked.contains("ottobre 2025: 2 contratti"), "{asked}");
    insta::assert_snapshot!("canoni_emissione_domanda_80x24", console.text());
    assert!(
        console
            .office
            .store()
            .rent_notices_all()
            .expect("notices")
            .is_empty()
    );

    // Yes, served by hand to see the progress on its way.
    console.app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('s'),
        KeyModifiers::NONE,
    )));
    assert!(console.app.batch.is_some(), "the progress bar shows");
    let mut progressed = 0;
    for effect in console.app.take_effects() {
        let mut messages = Vec::new();
        perform(effect, &console.office, &mut |m| messages.push(m));
        for message in messages {
            if matches!(message, Msg::Progress(_, Progress::Rent(_))) {
                progressed += 1;
            }
            console.app.update(message);
        }
    }
    console.settle();
    assert!(progressed >= 1, "progress reported");
    assert!(console.app.batch.is_none(), "the bar is gone once done");
    assert_eq!(
        console
            .office
            .store()
            .rent_notices_all()
            .expect("notices")
            .len(),
        2
    );
    assert_eq!(queued_with(&console, &ids, "avviso_canone"), 2);
    let screen = console.text();
    assert!(screen.contains("fatti 2, saltati 0"), "{screen}");
    assert!(
        screen.contains("2 avvisi · 0 pagati · 2 da pagare"),
        "{screen}"
    );
    insta::assert_snapshot!("canoni_80x24", screen);
}

#[test]
fn reminders_go_to_the_notices_due_within_the_days_chosen() {
    let (mut console, ids) = console_with(
        |office, _| issue(office, "2025-10"),
        ts(2025, 10, 10, 9, 0, 0),
    );
    console.char('s');
    assert!(matches!(console.app.overlay, Some(Overlay::Form { .. })));
    console.save();
    let asked = question(&console).expect("asked first");
    assert!(
        asked.contains("2 avvisi in scadenza entro 7 giorni"),
        "{asked}"
    );
    console.char('s');
    assert_eq!(queued_with(&console, &ids, "avviso_canone_scadenza"), 2);
    let notices = console.office.store().rent_notices_all().expect("notices");
    assert!(notices.iter().all(|n| n.reminded_at.is_some()));
    assert!(
        console.text().contains("in scadenza · avvisato"),
        "{}",
        console.text()
    );

    // Nothing left to remind: said, not asked.
    console.char('s').save();
    assert!(question(&console).is_none());
}

#[test]
fn the_overdue_are_told_and_the_arrears_flagged_then_listed_longest_first() {
    let (mut console, ids) = console_with(
        |office, ids| {
            for m in ["2025-10", "2025-11", "2025-12"] {
                issue(office, m);
            }
            // The second tenant paid October at the counter: two months behind, not three.
            let notice = office
                .store()
                .rent_notice(ids[1], month("2025-10"))
                .expect("read")
                .expect("issued");
            office
                .record_counter_payment(
                    &Context::new("mrossi", ts(2025, 10, 14, 9, 0, 0)),
                    &notice.notice,
                    chrono::NaiveDate::from_ymd_opt(2025, 10, 14).expect("day"),
                )
                .expect("paid");
        },
        ts(2025, 12, 20, 9, 0, 0),
    );
    console.char('m');
    let asked = question(&console).expect("asked first");
    assert!(asked.contains("5 avvisi scaduti"), "{asked}");
    console.char('s');
    assert_eq!(queued_with(&console, &ids, "canone_mancato_pagamento"), 5);
    let screen = console.text();
    assert!(screen.contains("segnalati per decadenza 1"), "{screen}");
    let flagged = console.office.store().tenancy(ids[0]).expect("read");
    assert!(flagged.and_then(|t| t.flagged).is_some());

    console.char('M');
    let arrears = console.text();
    assert!(arrears.contains("decadenza dal 20/12/2025"), "{arrears}");
    let first = arrears.find("decadenza dal").expect("flagged shown");
    let second = arrears.rfind("   2 ").expect("two months shown");
    assert!(first < second, "the longest arrears first:\n{arrears}");
    insta::assert_snapshot!("canoni_morosita_80x24", arrears);

    console.key(KeyCode::Enter);
    let ledger = console.text();
    assert!(ledger.contains("Estratto conto"), "{ledger}");
    assert!(ledger.contains("arretrato 120,00 € (3 mesi)"), "{ledger}");
    insta::assert_snapshot!("canoni_estratto_80x24", ledger);
    console.key(KeyCode::Esc);
    assert!(console.app.screens.rent.ledger.is_none());
}

#[test]
fn a_counter_payment_is_recorded_on_the_selected_notice() {
    let (mut console, ids) = console_with(
        |office, _| issue(office, "2025-10"),
        ts(2025, 10, 5, 9, 0, 0),
    );
    let selected = console
        .app
        .screens
        .rent
        .selected()
        .map(|r| r.notice.tenancy)
        .expect("cursor on a notice");
    assert_eq!(selected, ids[0]);
    console.char('P');
    insta::assert_snapshot!("canoni_sportello_80x24", console.text());
    console.save();
    assert!(console.app.overlay.is_none());
    let notice = console
        .office
        .store()
        .rent_notice(ids[0], month("2025-10"))
        .expect("read")
        .expect("issued");
    let payment = notice.payment.expect("paid");
    assert_eq!(payment.channel, PaymentChannel::Sportello);
    assert_eq!(
        payment.paid_on,
        chrono::NaiveDate::from_ymd_opt(2025, 10, 5).expect("day")
    );
    assert!(
        console.text().contains("sportello 05/10"),
        "{}",
        console.text()
    );
}

#[test]
fn the_arrows_change_month() {
    let (mut console, _) = console_with(
        |office, _| issue(office, "2025-10"),
        ts(2025, 10, 5, 9, 0, 0),
    );
    console.key(KeyCode::Right);
    let next = console.text();
    assert!(next.contains("novembre 2025 · 0 avvisi"), "{next}");
    console.key(KeyCode::Left).key(KeyCode::Left);
    assert!(
        console.text().contains("settembre 2025"),
        "{}",
        console.text()
    );
    console.key(KeyCode::Right);
    assert!(
        console.text().contains("ottobre 2025 · 2 avvisi"),
        "{}",
        console.text()
    );
}

#[test]
fn the_month_follows_a_payment_recorded_elsewhere() {
    let (mut console, ids) = console_with(
        |office, _| issue(office, "2025-10"),
        ts(2025, 10, 5, 9, 0, 0),
    );
    let seq = console.office.audit_head_seq().expect("audit head");
    let notice = console
        .office
        .store()
        .rent_notice(ids[1], month("2025-10"))
        .expect("read")
        .expect("issued");
    console
        .office
        .record_counter_payment(
            &Context::new("bianchi", ts(2025, 10, 5, 9, 0, 0)),
            &notice.notice,
            chrono::NaiveDate::from_ymd_opt(2025, 10, 4).expect("day"),
        )
        .expect("paid elsewhere");
    let news = console.office.news_since(seq).expect("news");
    console.app.update(Msg::Elsewhere(news));
    console.settle();
    let screen = console.text();
    assert!(screen.contains("1 pagati"), "{screen}");
    assert!(screen.contains("sportello 04/10"), "{screen}");
}

/// Both tenants three months behind on 20 December 2025, the console on the arrears.
fn in_arrears() -> (Console, Vec<ApplicationId>) {
    let (mut console, ids) = console_with(
        |office, _| {
            for m in ["2025-10", "2025-11", "2025-12"] {
                issue(office, m);
            }
        },
        ts(2025, 12, 20, 9, 0, 0),
    );
    console.char('M');
    (console, ids)
}

fn check_lines(console: &Console) -> Vec<String> {
    match &console.app.overlay {
        Some(Overlay::Check(check)) => check.lines.iter().map(|(l, _)| l.clone()).collect(),
        _ => Vec::new(),
    }
}

fn form_error(console: &Console) -> Option<String> {
    match &console.app.overlay {
        Some(Overlay::Form { form, .. }) => form.error.clone(),
        _ => None,
    }
}

fn form_value(console: &Console, field: usize) -> Option<String> {
    match &console.app.overlay {
        Some(Overlay::Form { form, .. }) => Some(form.value(field).to_string()),
        _ => None,
    }
}

/// The arrears list with its first tenant chosen, and their id.
fn a_tenant_in_arrears_chosen() -> (Console, ApplicationId) {
    let (console, _) = in_arrears();
    let id = console
        .app
        .screens
        .rent
        .selected_arrears()
        .map(|r| r.id)
        .expect("a tenant in arrears");
    (console, id)
}

#[test]
fn morosita_incolpevole_is_recognised_from_the_arrears_after_its_check() {
    let (mut console, id) = a_tenant_in_arrears_chosen();
    console.char('i');
    assert!(
        console.app.screens.rent.ledger.is_some(),
        "the ledger opens under the form"
    );
    console.key(KeyCode::Right).key(KeyCode::Tab);
    console.typing("Lettera di licenziamento del 30/09/2025");
    insta::assert_snapshot!("canoni_incolpevole_modulo_80x24", console.text());

    console.save();
    let lines = check_lines(&console);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("riduzione dell'orario di lavoro")),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|l| l.contains("decadenza non parte")),
        "{lines:?}"
    );
    insta::assert_snapshot!("canoni_incolpevole_verifica_80x24", console.text());
    let tenancy = console.store().tenancy(id).expect("read");
    assert!(
        tenancy.and_then(|t| t.innocent).is_none(),
        "nothing written before the check is confirmed"
    );

    console.char('s');
    let innocent = console
        .store()
        .tenancy(id)
        .expect("read")
        .and_then(|t| t.innocent)
        .expect("recorded");
    assert_eq!(innocent.cause, InnocentCause::RiduzioneOrario);
    assert_eq!(innocent.evidence, "Lettera di licenziamento del 30/09/2025");
    assert_eq!(innocent.recorded_by, "mrossi");
    let ledger = console.text();
    assert!(
        ledger.contains("Decadenza sospesa: morosità incolpevole"),
        "{ledger}"
    );
    assert!(
        ledger.contains("morosità incolpevole di De Luca Gabriella riconosciuta"),
        "{ledger}"
    );
    insta::assert_snapshot!("canoni_incolpevole_fatto_80x24", ledger);

    // Again: the office refuses, and the form comes back as typed with the reason.
    console
        .char('i')
        .key(KeyCode::Tab)
        .typing("Altro documento")
        .save()
        .char('s');
    let refused = form_error(&console).expect("the form is back with the refusal");
    assert!(refused.contains("già riconosciuta"), "{refused}");
    assert_eq!(form_value(&console, 2).as_deref(), Some("Altro documento"));
}

#[test]
fn a_repayment_plan_is_agreed_after_its_check_and_a_refusal_keeps_the_form() {
    let (mut console, id) = a_tenant_in_arrears_chosen();
    console.char('r');
    assert_eq!(
        form_value(&console, 2).as_deref(),
        Some("2026-01"),
        "the month after the last notice"
    );
    // One instalment is no plan: the office says so, under the form as typed.
    console.typing("1").save();
    console.char('s');
    let refused = form_error(&console).expect("the form is back with the refusal");
    assert!(refused.contains("da 2 a 60"), "{refused}");
    assert_eq!(form_value(&console, 1).as_deref(), Some("1"));
    assert!(
        console
            .store()
            .tenancy(id)
            .expect("read")
            .and_then(|t| t.plan)
            .is_none()
    );
    insta::assert_snapshot!("canoni_piano_rifiutato_80x24", console.text());

    console.key(KeyCode::Backspace).typing("3").save();
    let lines = check_lines(&console);
    assert!(
        lines.iter().any(|l| l.contains("120,00 € (3 avvisi")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("3 rate da 40,00 €") && l.contains("gennaio 2026")),
        "{lines:?}"
    );
    insta::assert_snapshot!("canoni_piano_verifica_80x24", console.text());

    console.char('s');
    let plan = console
        .store()
        .tenancy(id)
        .expect("read")
        .and_then(|t| t.plan)
        .expect("agreed");
    assert_eq!(plan.instalments, 3);
    assert_eq!(plan.from, month("2026-01"));
    assert_eq!(plan.total.cents(), 12_000);
    let ledger = console.text();
    assert!(
        ledger.contains("Piano di rientro: 3 rate da 40,00 € dal gennaio 2026"),
        "{ledger}"
    );
    assert!(ledger.contains("in piano di rientro"), "{ledger}");
    insta::assert_snapshot!("canoni_piano_fatto_80x24", ledger);
}

#[test]
fn the_tenants_isee_is_recorded_from_the_ledger_and_a_refusal_keeps_the_form() {
    let (mut console, ids) = console_with(
        |office, _| issue(office, "2025-10"),
        ts(2025, 10, 5, 9, 0, 0),
    );
    console.key(KeyCode::Enter);
    assert!(
        console.text().contains("ISEE non presentato"),
        "{}",
        console.text()
    );
    console.char('I');
    assert_eq!(form_value(&console, 2).as_deref(), Some("31/12/2025"));
    // Not an amount: said by the field, nothing sent.
    console.typing("dodici").save();
    assert!(matches!(console.app.overlay, Some(Overlay::Form { .. })));
    for _ in 0.."dodici".len() {
        console.key(KeyCode::Backspace);
    }
    // An attestation already expired: the office refuses, the form keeps both values.
    console.typing("12.500,00").key(KeyCode::Tab);
    for _ in 0.."31/12/2025".len() {
        console.key(KeyCode::Backspace);
    }
    console.typing("30/09/2025").save();
    let refused = form_error(&console).expect("refused under the form");
    assert!(refused.contains("scaduta"), "{refused}");
    assert_eq!(form_value(&console, 1).as_deref(), Some("12.500,00"));
    assert_eq!(form_value(&console, 2).as_deref(), Some("30/09/2025"));
    insta::assert_snapshot!("canoni_isee_rifiutato_80x24", console.text());

    for _ in 0.."30/09/2025".len() {
        console.key(KeyCode::Backspace);
    }
    console.typing("31/12/2025").save();
    assert!(console.app.overlay.is_none(), "the form closes once saved");
    let isee = console
        .store()
        .contract_file(ids[0])
        .expect("read")
        .and_then(|f| f.lease)
        .and_then(|l| l.isee)
        .expect("on file");
    assert_eq!(isee.isee.cents(), 1_250_000);
    assert_eq!(
        isee.valid_until,
        chrono::NaiveDate::from_ymd_opt(2025, 12, 31).expect("day")
    );
    let ledger = console.text();
    assert!(
        ledger.contains("ISEE 12.500,00 € valido fino al 31/12/2025"),
        "{ledger}"
    );
    assert!(
        ledger.contains("ISEE di 12.500,00 € registrato"),
        "{ledger}"
    );
    insta::assert_snapshot!("canoni_isee_80x24", ledger);
}

#[test]
fn the_yearly_update_is_listed_before_and_after_then_recorded_once_confirmed() {
    let (mut console, ids) = console_with(
        |office, ids| {
            office
                .record_tenant_isee(
                    &Context::new("mrossi", ts(2025, 12, 1, 9, 0, 0)),
                    ids[0],
                    alloggi::domain::money::Money::from_cents(2_500_000),
                    chrono::NaiveDate::from_ymd_opt(2026, 12, 31).expect("day"),
                )
                .expect("ISEE on file");
        },
        ts(2025, 12, 20, 9, 0, 0),
    );
    let lease = |console: &Console, id| {
        console
            .store()
            .contract_file(id)
            .expect("read")
            .and_then(|f| f.lease)
            .expect("signed")
    };
    console.char('a');
    assert_eq!(form_value(&console, 0).as_deref(), Some("01/12/2025"));
    // No rules in force that day: the office says so, the form keeps the day.
    for _ in 0.."01/12/2025".len() {
        console.key(KeyCode::Backspace);
    }
    console.typing("01/01/2024").save();
    let refused = form_error(&console).expect("refused under the form");
    assert_eq!(form_value(&console, 0).as_deref(), Some("01/01/2024"));
    assert!(!refused.is_empty());

    for _ in 0.."01/01/2024".len() {
        console.key(KeyCode::Backspace);
    }
    console.typing("01/01/2026").save();
    let preview = console.text();
    assert!(
        preview.contains("Aggiornamento dei canoni dal 01/01/2026"),
        "{preview}"
    );
    assert!(preview.contains("ISEE 25.000,00 €"), "{preview}");
    assert!(preview.contains("→ permanenza"), "{preview}");
    insta::assert_snapshot!("canoni_aggiornamento_80x24", preview);
    assert!(
        lease(&console, ids[0]).history.is_empty(),
        "the list writes nothing"
    );

    console.char('a');
    let asked = question(&console).expect("asked first");
    assert!(asked.contains("dal 01/01/2026"), "{asked}");
    console.char('s');
    let changed = lease(&console, ids[0]);
    assert_eq!(changed.history.len(), 1);
    assert_eq!(
        changed.history[0].on,
        chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("day")
    );
    assert_eq!(changed.history[0].band, "permanenza");
    assert!(
        console.app.screens.rent.recompute.is_none(),
        "back to the month"
    );
    let screen = console.text();
    assert!(screen.contains("fatti "), "{screen}");
    assert!(screen.contains("saltati 0"), "{screen}");

    // Once recorded, the same update has nothing left to change; the form offers the day
    // last listed.
    console.char('a');
    assert_eq!(form_value(&console, 0).as_deref(), Some("01/01/2026"));
    console.save();
    assert!(
        console.text().contains("0 canoni da cambiare"),
        "{}",
        console.text()
    );
    console.char('a');
    assert!(question(&console).is_none(), "nothing to ask");
}

/// An operatore records the ISEE; what suspends the decadenza is the responsabile's: the key
/// bar dims it beforehand.
#[test]
fn the_key_bar_dims_the_decisions_on_arrears_for_an_operatore() {
    let (mut console, _) = in_arrears();
    let colour_of = |console: &Console, text: &str| {
        let buffer = console.buffer();
        let last = buffer.area.height - 1;
        let line: String = (0..buffer.area.width)
            .map(|x| buffer[(x, last)].symbol().to_string())
            .collect();
        let at = line.find(text).expect("in the key bar");
        let column = line[..at].chars().count() as u16;
        buffer[(column, last)].fg
    };
    console.app.role = Some(Role::Operatore);
    for step in ["i incolpevole", "r piano rientro", "m sollecito"] {
        assert_eq!(
            colour_of(&console, step),
            ratatui::style::Color::DarkGray,
            "{step}"
        );
    }
    assert_ne!(
        colour_of(&console, "I ISEE"),
        ratatui::style::Color::DarkGray
    );
}

/// The case of a tenant with a signed lease takes their ISEE too, with the Canoni form.
#[test]
fn the_tenants_isee_is_recorded_from_the_case() {
    let (mut console, ids) = console_with(|_, _| {}, ts(2025, 10, 5, 9, 0, 0));
    console.app.open_case(ids[1], ScreenId::Rent);
    console.settle();
    assert_eq!(console.app.screen, ScreenId::Case);
    console.char('I');
    assert!(matches!(console.app.overlay, Some(Overlay::Form { .. })));
    console.typing("8.000,00").save();
    assert!(console.app.overlay.is_none(), "the form closes once saved");
    let isee = console
        .store()
        .contract_file(ids[1])
        .expect("read")
        .and_then(|f| f.lease)
        .and_then(|l| l.isee)
        .expect("on file");
    assert_eq!(isee.isee.cents(), 800_000);
    let screen = console.text();
    assert!(screen.contains("ISEE di 8.000,00 € registrato"), "{screen}");
    insta::assert_snapshot!("canoni_isee_scheda_80x24", screen);
    // Where there is room, the «Contratto e canone» box shows it.
    console.app.update(Msg::Resize(100, 40));
    console.settle();
    let tall = console.text();
    assert!(
        tall.contains("ISEE dell'inquilino 8.000,00 €, valido fino al 31/12/2025"),
        "{tall}"
    );
}
