//! The Assegnazioni screen on a call with a definitive ranking and seven dwellings, drawn whole
//! on ratatui's TestBackend on 1 September 2025 (or later, for deadlines passed): no round and
//! the form and preview that open it, the round in ranking order, the free dwellings, the
//! offer window with those skipped and the requirements to tick, replies, the decree with its
//! message, the overdue filter, and the round following commits from another console.

use crate::common;

use alloggi::domain::command::OfferReply;
use alloggi::domain::stock::{DwellingCode, ExclusionCause, Placement, Standing};
use alloggi::domain::time::Timestamp;
use alloggi::domain::{Command, Context, EventKind};
use alloggi::messages::outbox::OutboxTab;
use alloggi::office::Office;
use alloggi::tui::app::{Msg, Overlay};
use alloggi::tui::screens::ScreenId;
use common::assignment::{ranked_office, round_day};
use common::console::Console;
use common::{date, ts};
use crossterm::event::KeyCode;

fn code(text: &str) -> DwellingCode {
    DwellingCode::parse(text).expect("code")
}

/// The ranked call, set up further by `prepare` through the office, then a console on the
/// Assegnazioni screen at 80×24 whose clock says `now`.
fn console_with(prepare: impl FnOnce(&Office), now: Timestamp) -> Console {
    let dir = tempfile::tempdir().expect("temporary directory");
    let office = ranked_office(dir.path());
    prepare(&office);
    let mut console = Console::over_office(office, dir, now);
    console.char('9');
    assert_eq!(console.app.screen, ScreenId::Round);
    console
}

/// The round opened from 1 to 30 September 2025.
fn open_round(office: &Office) {
    office
        .open_assignment(&round_day(), None, date(2025, 9, 1), date(2025, 9, 30))
        .expect("round opened");
}

/// The round open, the console on its first day.
fn console() -> Console {
    console_with(open_round, round_day().now)
}

/// FM-002 offered to the first applicant it suits, requirements confirmed, on 1 September.
fn offer_first(office: &Office) -> Placement {
    let next = office.next_offer(None, &code("FM-002")).expect("next");
    let (first, _) = next.chosen.expect("someone fits FM-002");
    office
        .make_offer(
            &round_day(),
            first.application,
            &code("FM-002"),
            None,
            None,
            true,
        )
        .expect("offered");
    first
}

fn place_at(console: &Console, position: u32) -> Placement {
    console
        .office
        .round_view(None)
        .expect("round")
        .placements
        .into_iter()
        .find(|p| p.position == position)
        .expect("placed")
}

fn form_error(console: &Console) -> Option<String> {
    match &console.app.overlay {
        Some(Overlay::Form { form, .. }) => form.error.clone(),
        _ => None,
    }
}

fn form_values(console: &Console) -> Vec<String> {
    match &console.app.overlay {
        Some(Overlay::Form { form, .. }) => {
            form.fields.iter().map(|f| f.value().to_string()).collect()
        }
        _ => Vec::new(),
    }
}

fn queued(console: &Console) -> usize {
    console.office.outbox_counts().expect("counts")[&OutboxTab::Queued]
}

/// The free dwellings' pane with the cursor on the `n`th (from 0), then the offer window.
fn offer_window(console: &mut Console, n: usize) {
    console.char('l');
    for _ in 0..n {
        console.key(KeyCode::Down);
    }
    console.char('o');
    assert!(console.app.screens.round.offer.is_some(), "window open");
}

fn chosen_position(console: &Console) -> Option<u32> {
    console
        .app
        .screens
        .round
        .offer
        .as_ref()
        .and_then(|w| w.chosen())
        .map(|p| p.position)
}

/// With no round, the screen says so and `a` opens the form: the active call, from today for
/// 30 days; saved, the first applicant's message is previewed with how many get it; Enter
/// opens the round and queues one message each.
#[test]
fn with_no_round_the_form_previews_the_opening_then_opens_it() {
    let mut console = console_with(|_| {}, round_day().now);
    let screen = console.text();
    assert!(screen.contains("Nessuna assegnazione aperta"), "{screen}");
    insta::assert_snapshot!("assegnazioni_nessuna_80x24", screen);

    console.char('a');
    assert_eq!(
        form_values(&console),
        ["erp-2024", "01/09/2025", "01/10/2025"]
    );
    insta::assert_snapshot!("assegnazioni_apertura_80x24", console.text());

    let before = queued(&console);
    console.save();
    assert!(
        matches!(console.app.overlay, Some(Overlay::Preview(_))),
        "the message is previewed"
    );
    assert_eq!(queued(&console), before, "a preview writes nothing");
    let preview = console.text();
    assert!(preview.contains("26 destinatari"), "{preview}");
    insta::assert_snapshot!("assegnazioni_apertura_anteprima_80x24", preview);

    console.key(KeyCode::Enter);
    assert_eq!(queued(&console), before + 26);
    assert_eq!(console.app.screens.round.places().len(), 26);
    assert!(console.text().contains("Graduatoria 26"));
}

/// A refusal of the domain (the window closing before it opens) shows under the form, which
/// keeps what was typed.
#[test]
fn a_refused_opening_keeps_what_was_typed() {
    let mut console = console_with(|_| {}, round_day().now);
    console.char('a').key(KeyCode::Tab).key(KeyCode::Tab);
    for _ in 0..10 {
        console.key(KeyCode::Backspace);
    }
    console.typing("15/08/2025").save();
    let error = form_error(&console).expect("refused");
    assert!(
        error.contains("la chiusura viene prima dell'apertura"),
        "{error}"
    );
    assert_eq!(
        form_values(&console),
        ["erp-2024", "01/09/2025", "15/08/2025"]
    );
    assert!(console.office.round_view(None).is_err(), "nothing opened");
}

/// The round in ranking order: position, protocol, applicant, household, standing with the
/// days left to reply; the counts over it.
#[test]
fn the_round_in_ranking_order_with_its_counts() {
    let mut console = console_with(
        |office| {
            open_round(office);
            offer_first(office);
        },
        round_day().now,
    );
    let screen = console.text();
    assert!(screen.contains("proposta FM-002 (10 gg)"), "{screen}");
    assert!(screen.contains("in attesa 25 · proposte 1"), "{screen}");
    insta::assert_snapshot!("assegnazioni_80x24", screen);

    console.char('l');
    let screen = console.text();
    assert!(screen.contains("[Alloggi liberi 5]"), "{screen}");
    assert!(
        !screen.contains("FM-002"),
        "offered, no longer free: {screen}"
    );
    insta::assert_snapshot!("assegnazioni_liberi_80x24", screen);
}

/// The offer window for FM-001 (40 m²): the applicants before the first it suits, each with
/// why; the requirements to tick. Invio offers only once all three are ticked; the offer
/// records the requirements confirmed and the offer, with the deadline typed.
#[test]
fn the_offer_window_names_the_skipped_and_offers_once_the_requirements_are_ticked() {
    let mut console = console();
    offer_window(&mut console, 0);
    let window = console.app.screens.round.offer.clone().expect("window");
    assert!(!window.next.skipped.is_empty(), "{window:?}");
    let screen = console.text();
    assert!(
        screen.contains("Saltati in ordine di graduatoria"),
        "{screen}"
    );
    assert!(screen.contains("troppo"), "{screen}");
    assert!(screen.contains("[ ] ISEE dichiarato"), "{screen}");
    insta::assert_snapshot!("assegnazioni_proposta_80x24", screen);

    console.key(KeyCode::Enter);
    assert!(console.app.overlay.is_none(), "no offer before the checks");
    assert!(console.text().contains("spuntare i tre requisiti"));

    console.char(' ').char(' ').char(' ');
    assert!(
        console
            .app
            .screens
            .round
            .offer
            .as_ref()
            .expect("window")
            .all_ticked()
    );
    console.key(KeyCode::Enter);
    assert_eq!(form_values(&console)[2], "11/09/2025", "ten days to reply");
    for _ in 0..10 {
        console.key(KeyCode::Backspace);
    }
    let seq = console.office.audit_head_seq().expect("audit head");
    console.typing("15/09/2025").save();

    assert!(console.app.screens.round.offer.is_none(), "window closed");
    let chosen = window.chosen().expect("chosen");
    let events: Vec<EventKind> = console
        .store()
        .audit_events(seq + 1, 10)
        .expect("audit")
        .into_iter()
        .map(|(_, e)| e.kind)
        .collect();
    assert!(
        matches!(
            events.as_slice(),
            [EventKind::RequirementsConfirmed { id }, EventKind::OfferMade { id: offered, offer }]
                if *id == chosen.application && *offered == chosen.application
                    && offer.deadline == date(2025, 9, 15)
        ),
        "{events:?}"
    );
    assert!(matches!(
        place_at(&console, chosen.position).standing,
        Standing::Proposta { .. }
    ));
}

/// `x` in the window excludes the chosen applicant for requirements lost, with the reason
/// typed, and the next applicant for the dwelling comes up.
#[test]
fn excluding_for_lost_requirements_brings_up_the_next_applicant() {
    let mut console = console();
    offer_window(&mut console, 1);
    let first = chosen_position(&console).expect("chosen");
    console.char('x').key(KeyCode::Tab);
    console.typing("ISEE 2025 oltre il limite").save();
    assert!(console.app.overlay.is_none(), "{:?}", form_error(&console));
    assert!(matches!(
        place_at(&console, first).standing,
        Standing::Escluso {
            cause: ExclusionCause::RequisitiPersi,
            ..
        }
    ));
    let next = chosen_position(&console).expect("the next comes up");
    assert!(next > first, "{next} after {first}");
}

/// A refusal asks its reason (the form keeps the choice); a justified one keeps the position,
/// and the dwelling's next offer goes to the next applicant.
#[test]
fn a_justified_refusal_then_the_next_offer_goes_to_the_next_applicant() {
    let mut console = console_with(
        |office| {
            open_round(office);
            offer_first(office);
        },
        round_day().now,
    );
    let first = place_at(&console, 1);
    assert!(matches!(first.standing, Standing::Proposta { .. }));
    console.char('r').key(KeyCode::Right).save();
    let error = form_error(&console).expect("a reason is asked");
    assert!(error.contains("obbligatorio per un rifiuto"), "{error}");
    insta::assert_snapshot!("assegnazioni_rifiuto_motivo_80x24", console.text());

    console
        .key(KeyCode::Tab)
        .typing("ricovero documentato")
        .save();
    assert!(console.app.overlay.is_none(), "{:?}", form_error(&console));
    let first = place_at(&console, 1);
    assert_eq!(first.standing, Standing::InAttesa);
    assert_eq!(first.refusals.len(), 1);
    assert!(first.refusals[0].justified);

    offer_window(&mut console, 1);
    assert_eq!(
        console
            .app
            .screens
            .round
            .offer
            .as_ref()
            .unwrap()
            .next
            .dwelling
            .code,
        code("FM-002")
    );
    let next = chosen_position(&console).expect("someone else");
    assert!(next > 1, "not offered again to the one who refused: {next}");
}

/// An unjustified refusal excludes: it is confirmed first, and No returns to the form.
#[test]
fn an_unjustified_refusal_is_confirmed_before_it_excludes() {
    let mut console = console_with(
        |office| {
            open_round(office);
            offer_first(office);
        },
        round_day().now,
    );
    console.char('r').key(KeyCode::Right).key(KeyCode::Right);
    console.key(KeyCode::Tab).typing("non interessato").save();
    assert!(matches!(console.app.overlay, Some(Overlay::Check(_))));
    assert!(console.text().contains("decadenza"));
    console.char('n');
    assert_eq!(
        form_values(&console)[3],
        "non interessato",
        "back to the form"
    );
    console.save().char('s');
    assert!(matches!(
        place_at(&console, 1).standing,
        Standing::Escluso {
            cause: ExclusionCause::RifiutoIngiustificato,
            ..
        }
    ));
}

/// `d` on an accepted offer: the decree's day, then its message previewed; Invio commits the
/// decree with exactly one «Dettagli della tua assegnazione» message.
#[test]
fn the_decree_previews_its_message_and_queues_exactly_one() {
    let mut console = console_with(
        |office| {
            open_round(office);
            let first = offer_first(office);
            office
                .execute(
                    &round_day(),
                    &Command::ReplyToOffer {
                        id: first.application,
                        reply: OfferReply::Accept,
                        reason: String::new(),
                    },
                )
                .expect("accepted");
        },
        round_day().now,
    );
    console.char('d');
    assert_eq!(form_values(&console)[2], "01/09/2025");
    let before = queued(&console);
    console.save();
    assert!(matches!(console.app.overlay, Some(Overlay::Preview(_))));
    assert_eq!(queued(&console), before, "a preview writes nothing");
    insta::assert_snapshot!("assegnazioni_decreto_anteprima_80x24", console.text());

    console.key(KeyCode::Enter);
    assert_eq!(queued(&console), before + 1);
    let newest = console
        .office
        .outbox_page(OutboxTab::Queued, None, 1)
        .expect("outbox");
    assert_eq!(newest[0].template, "assegnazione_dettagli");
    assert!(matches!(
        place_at(&console, 1).standing,
        Standing::Assegnato { .. }
    ));
}

/// On 15 September the offer of the 1st has been unanswered for four days: «Scadute» keeps
/// it alone, marked; `w` warns.
#[test]
fn the_overdue_filter_keeps_the_late_replies_and_w_warns() {
    let mut console = console_with(
        |office| {
            open_round(office);
            offer_first(office);
        },
        ts(2025, 9, 15, 9, 0, 0),
    );
    assert!(console.text().contains("Scadute 1"));
    console.char('s');
    assert_eq!(console.app.screens.round.shown.len(), 1);
    let screen = console.text();
    assert!(
        screen.contains("! proposta FM-002 scaduta il 11/09/2025"),
        "{screen}"
    );
    insta::assert_snapshot!("assegnazioni_scadute_80x24", screen);

    console.char('w').save();
    assert!(console.app.overlay.is_none(), "{:?}", form_error(&console));
    assert!(matches!(
        place_at(&console, 1).standing,
        Standing::Diffidato { .. }
    ));
}

/// A step committed in another console: the round is read again and the cursor stays on its
/// applicant.
#[test]
fn the_round_follows_commits_elsewhere_keeping_the_cursor() {
    let mut console = console();
    console.key(KeyCode::Down).key(KeyCode::Down);
    let kept = console
        .app
        .screens
        .round
        .selected()
        .expect("cursor")
        .application;
    let seq = console.office.audit_head_seq().expect("audit head");
    let elsewhere = Context::new("bianchi", console.app.now());
    let next = console
        .office
        .next_offer(None, &code("FM-002"))
        .expect("next");
    let (first, _) = next.chosen.expect("chosen");
    console
        .office
        .make_offer(
            &elsewhere,
            first.application,
            &code("FM-002"),
            None,
            None,
            true,
        )
        .expect("offered elsewhere");
    let news = console.office.news_since(seq).expect("news");
    console.app.update(Msg::Elsewhere(news));
    console.settle();
    assert!(console.text().contains("proposta FM-002"));
    assert_eq!(
        console.app.screens.round.selected().map(|p| p.application),
        Some(kept)
    );
}

/// Invio on an applicant opens the case, which shows its place: position, standing, the
/// dwelling held, and the free dwellings, those that suit the household first, with why.
#[test]
fn the_case_shows_its_place_in_the_round() {
    let mut console = console_with(
        |office| {
            open_round(office);
            offer_first(office);
        },
        round_day().now,
    );
    console.key(KeyCode::Enter);
    assert_eq!(console.app.screen, ScreenId::Case);
    let screen = console.text();
    assert!(
        screen.contains("Posizione 1 · proposta FM-002 (10 gg)"),
        "{screen}"
    );
    assert!(screen.contains("(10 gg) · Via del Borgo 002"), "{screen}");
    assert!(screen.contains("nessun alloggio libero adatto"), "{screen}");
    assert!(screen.contains("e 5 altri non adatti"), "{screen}");
    insta::assert_snapshot!("assegnazioni_scheda_80x24", screen);
}

/// A case with room shows why each free dwelling does not suit: the one-person household of
/// the 4th, at 100×40, sees FM-001 suit it and the others refused with their reason.
#[test]
fn the_case_names_why_the_other_free_dwellings_do_not_suit() {
    let mut console = console();
    console.app.update(Msg::Resize(100, 40));
    console.settle();
    for _ in 0..3 {
        console.key(KeyCode::Down);
    }
    console.key(KeyCode::Enter);
    let screen = console.text();
    assert!(screen.contains("Posizione 4 · in attesa"), "{screen}");
    assert!(
        screen.contains("liberi adatti al nucleo: FM-001 40,00 m²"),
        "{screen}"
    );
    assert!(
        screen.contains("✗ FM-002 52,00 m² · troppo grande"),
        "{screen}"
    );
}
