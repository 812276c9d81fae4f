//! The Canoni screen over two leases (FM-002 and FM-003, in force from 1 October 2025 at the
//! example rules' rent), drawn whole at 80×24: a month with no notice, the month issued after
//! its count is confirmed with the progress bar running, reminders within the days chosen, the
//! overdue told with the arrears flagged and listed longest first, a tenant's ledger, a counter
//! payment, the months changed with the arrows, and the month following a commit made
//! elsewhere.

use std::sync::atomic::AtomicBool;

use crate::common;

use alloggi::domain::rent::{Month, PaymentChannel};
use alloggi::domain::time::Timestamp;
use alloggi::domain::{ApplicationId, Context};
use alloggi::messages::outbox::OutboxTab;
use alloggi::office::{Office, Progress};
use alloggi::tui::app::{Msg, Overlay};
use alloggi::tui::keymap::Keymap;
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
    let store = office.store().clone();
    drop(office);
    let mut console = Console::new(
        store,
        dir,
        Keymap::default_keymap().expect("default keymap"),
        true,
        (80, 24),
        Box::new(move || now),
    );
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
