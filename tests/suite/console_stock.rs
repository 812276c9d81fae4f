//! The Alloggi screen: the housing stock drawn whole on ratatui's TestBackend at a fixed
//! instant, its filters, a dwelling's card, the forms that add and change a dwelling and change
//! its state, the key bar by role, and the list following commits from another console.

use crate::common;

use alloggi::domain::roles::Role;
use alloggi::domain::stock::{
    Area, Dwelling, DwellingCode, DwellingState, EnergyClass, Owner, Zone,
};
use alloggi::domain::{Command, Context};
use alloggi::store::Store;
use alloggi::tui::app::{Msg, Overlay};
use alloggi::tui::keymap::Keymap;
use alloggi::tui::screens::ScreenId;
use chrono::NaiveDate;
use common::console::Console;
use common::*;
use crossterm::event::{KeyCode, KeyModifiers};
use ratatui::style::Color;

fn code(text: &str) -> DwellingCode {
    DwellingCode::parse(text).expect("code")
}

#[allow(clippy::too_many_arguments)]
fn dwelling(
    text: &str,
    address: &str,
    floor: i8,
    lift: bool,
    m2: u32,
    rooms: u8,
    accessible: bool,
    state: DwellingState,
    vacant_since: Option<NaiveDate>,
) -> Dwelling {
    Dwelling {
        code: code(text),
        owner: Owner::Comune,
        address: address.to_string(),
        staircase: None,
        floor,
        lift,
        net_area: Area::from_m2(m2),
        conventional_area: Area::from_m2(m2 + 8),
        rooms,
        accessible,
        energy_class: None,
        year_built: None,
        zone: Zone::Media,
        state,
        vacant_since,
    }
}

/// Five dwellings, given out of code order: free, free and accessible, under works, let, not
/// assignable. Today is 02/12/2024.
fn stock() -> Vec<Dwelling> {
    let mut mazzini = dwelling(
        "FM-0112",
        "Via Mazzini 12",
        2,
        true,
        52,
        3,
        false,
        DwellingState::Libero,
        Some(date(2024, 10, 16)),
    );
    mazzini.staircase = Some("B".to_string());
    mazzini.owner = Owner::Ente;
    mazzini.conventional_area = Area::from_hundredths(6_050);
    mazzini.net_area = Area::from_hundredths(5_250);
    mazzini.energy_class = Some(EnergyClass::D);
    mazzini.year_built = Some(1978);
    mazzini.zone = Zone::Alta;
    vec![
        dwelling(
            "FM-0203",
            "Via Campiglione 3, interno 7, palazzina ovest",
            4,
            false,
            71,
            4,
            false,
            DwellingState::InLavori,
            Some(date(2024, 11, 23)),
        ),
        mazzini,
        dwelling(
            "FM-0187",
            "Viale Trento 40",
            0,
            false,
            38,
            2,
            true,
            DwellingState::Libero,
            Some(date(2024, 8, 12)),
        ),
        dwelling(
            "FM-0300",
            "Corso Cavour 81",
            1,
            true,
            64,
            4,
            true,
            DwellingState::Locato,
            None,
        ),
        dwelling(
            "FM-0401",
            "Via Leopardi 5",
            3,
            false,
            90,
            5,
            false,
            DwellingState::NonAssegnabile,
            Some(date(2023, 5, 2)),
        ),
    ]
}

fn console_with(dwellings: Vec<Dwelling>) -> Console {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = Store::open(dir.path()).expect("open store");
    run(&store, Command::SaveCall(Box::new(call())));
    if !dwellings.is_empty() {
        run(&store, Command::SaveDwellings { dwellings });
    }
    let mut console = Console::new(
        store,
        dir,
        Keymap::default_keymap().expect("default keymap"),
        true,
        (80, 24),
        Box::new(office_time),
    );
    console.char('8');
    console
}

/// On the Alloggi screen over the five dwellings, at 80×24.
fn console() -> Console {
    console_with(stock())
}

fn codes_shown(console: &Console) -> Vec<String> {
    console
        .app
        .screens
        .stock
        .shown_dwellings()
        .map(|d| d.code.to_string())
        .collect()
}

fn cursor_code(console: &Console) -> Option<String> {
    console
        .app
        .screens
        .stock
        .selected()
        .map(|d| d.code.to_string())
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

fn showing_form(console: &Console) -> bool {
    matches!(console.app.overlay, Some(Overlay::Form { .. }))
}

fn stored(console: &Console, text: &str) -> Dwelling {
    console
        .store()
        .dwelling(&code(text))
        .expect("read")
        .expect("stored")
}

/// Moves to the next field `n` times.
fn tab(console: &mut Console, n: usize) {
    for _ in 0..n {
        console.key(KeyCode::Tab);
    }
}

/// Code order whatever the order saved; every column; the count; the dwelling under the
/// cursor on the status line; vacancy days counted to today, none for the one let.
#[test]
fn the_stock_in_code_order_with_its_vacancy_days() {
    let console = console();
    assert_eq!(console.app.screen, ScreenId::Stock);
    assert_eq!(
        codes_shown(&console),
        ["FM-0112", "FM-0187", "FM-0203", "FM-0300", "FM-0401"]
    );
    let screen = console.text();
    assert!(
        screen.contains("47 gg"),
        "FM-0112 free since 16/10: {screen}"
    );
    insta::assert_snapshot!("alloggi_80x24", screen);
}

/// → moves through the state tabs, each counting what the other filters keep; the cursor
/// stays on its dwelling when it is still shown.
#[test]
fn the_state_filter_cycles_through_the_tabs() {
    let mut console = console();
    console.key(KeyCode::Down);
    assert_eq!(cursor_code(&console).as_deref(), Some("FM-0187"));
    console.key(KeyCode::Right);
    assert_eq!(codes_shown(&console), ["FM-0112", "FM-0187"]);
    assert_eq!(cursor_code(&console).as_deref(), Some("FM-0187"));
    insta::assert_snapshot!("alloggi_liberi_80x24", console.text());
    console.key(KeyCode::Right);
    assert_eq!(codes_shown(&console), ["FM-0203"]);
    console.key(KeyCode::Left).key(KeyCode::Left);
    assert_eq!(codes_shown(&console).len(), 5, "back to every state");
}

/// `c` steps the household size: 1, 2, 3… people; the list keeps the dwellings whose net
/// area suits that size (3 people: 54–68 m²).
#[test]
fn the_household_size_filter_keeps_the_dwellings_of_its_band() {
    let mut console = console();
    console.char('c');
    assert_eq!(console.app.screens.stock.filter.size, Some(1));
    assert_eq!(codes_shown(&console), ["FM-0187"], "30–44 m²");
    console.char('c').char('c');
    assert_eq!(codes_shown(&console), ["FM-0300"], "54–68 m²");
    insta::assert_snapshot!("alloggi_nucleo_3_80x24", console.text());
    for _ in 0..4 {
        console.char('c');
    }
    assert_eq!(console.app.screens.stock.filter.size, None, "6+, then off");
    assert_eq!(codes_shown(&console).len(), 5);
}

#[test]
fn the_accessible_filter_keeps_only_dwellings_without_barriers() {
    let mut console = console();
    console.char('a');
    assert_eq!(codes_shown(&console), ["FM-0187", "FM-0300"]);
    insta::assert_snapshot!("alloggi_accessibili_80x24", console.text());
    console.char('a');
    assert_eq!(codes_shown(&console).len(), 5);
}

/// `v` asks for the days; emptied, the filter goes. A dwelling let has no vacancy days.
#[test]
fn the_vacancy_filter_keeps_dwellings_empty_for_at_least_the_days_typed() {
    let mut console = console();
    console.char('v');
    assert!(showing_form(&console));
    console.typing("4x");
    console.save();
    assert!(showing_form(&console), "not a number: the form stays");
    console.key(KeyCode::Backspace).typing("5");
    console.save();
    assert!(!showing_form(&console));
    assert_eq!(console.app.screens.stock.filter.min_vacancy_days, Some(45));
    assert_eq!(codes_shown(&console), ["FM-0112", "FM-0187", "FM-0401"]);
    insta::assert_snapshot!("alloggi_liberi_da_45_80x24", console.text());
    console.char('v');
    console.press(KeyCode::Char('u'), KeyModifiers::CONTROL);
    console.save();
    assert_eq!(console.app.screens.stock.filter.min_vacancy_days, None);
    assert_eq!(codes_shown(&console).len(), 5);
}

/// Filters together, and none left: the list says so.
#[test]
fn filters_combine_and_say_when_nothing_is_left() {
    let mut console = console();
    console.char('a').char('c');
    assert_eq!(codes_shown(&console), ["FM-0187"]);
    console.char('c');
    assert!(codes_shown(&console).is_empty());
    let screen = console.text();
    assert!(
        screen.contains("Nessun alloggio con questi filtri."),
        "{screen}"
    );
}

/// Invio opens the card with every field of the register; Esc goes back to the list.
#[test]
fn the_card_shows_every_field_of_the_dwelling() {
    let mut console = console();
    console.key(KeyCode::Enter);
    let screen = console.text();
    for expected in [
        "ente gestore",
        "Via Mazzini 12",
        "52,50",
        "60,50",
        "D",
        "1978",
        "alta",
        "16/10/2024",
        "47 gg",
    ] {
        assert!(screen.contains(expected), "{expected}: {screen}");
    }
    insta::assert_snapshot!("alloggi_scheda_80x24", screen);
    console.key(KeyCode::Esc);
    assert_eq!(console.app.screen, ScreenId::Stock, "Esc closes the card");
    assert!(console.app.screens.stock.card.is_none());
    assert!(console.text().contains("FM-0401"));
}

#[test]
fn an_empty_stock_says_how_to_add_the_first_dwelling() {
    let console = console_with(Vec::new());
    insta::assert_snapshot!("alloggi_vuoto_80x24", console.text());
}

/// `n`: every field; a refusal of the domain shows in the form with what was typed kept; once
/// corrected, one `SaveDwellings` adds it and the cursor goes to it.
#[test]
fn a_new_dwelling_through_the_form_with_the_domain_refusal_shown_in_it() {
    let mut console = console();
    console.char('n');
    console.typing("fm-0150");
    tab(&mut console, 2);
    console.typing("Via Roma 1");
    tab(&mut console, 1);
    console.typing("A");
    tab(&mut console, 1);
    console.typing("1");
    tab(&mut console, 1);
    console.key(KeyCode::Right);
    tab(&mut console, 1);
    console.typing("48,5");
    tab(&mut console, 1);
    console.typing("55");
    tab(&mut console, 1);
    console.typing("3");
    tab(&mut console, 2);
    console.typing("b");
    tab(&mut console, 1);
    console.typing("1750");
    let audit_before = console.store().audit_len();
    console.save();
    let error = form_error(&console).expect("refused");
    assert!(error.contains("1750 fuori da 1800…2024"), "{error}");
    assert_eq!(console.store().audit_len(), audit_before, "nothing saved");
    let values = form_values(&console);
    assert_eq!(values[2], "Via Roma 1", "what was typed stays");
    assert_eq!(values[11], "1750");
    insta::assert_snapshot!("alloggi_nuovo_errore_80x24", console.text());

    console.press(KeyCode::Char('u'), KeyModifiers::CONTROL);
    console.typing("1962");
    console.save();
    assert!(!showing_form(&console), "{:?}", form_error(&console));
    let saved = stored(&console, "FM-0150");
    assert_eq!(saved.address, "Via Roma 1");
    assert_eq!(saved.staircase.as_deref(), Some("A"));
    assert_eq!(saved.floor, 1);
    assert!(saved.lift);
    assert_eq!(saved.net_area, Area::from_hundredths(4_850));
    assert_eq!(saved.energy_class, Some(EnergyClass::B));
    assert_eq!(saved.year_built, Some(1962));
    assert_eq!(saved.state, DwellingState::Libero);
    assert_eq!(saved.vacant_since, Some(date(2024, 12, 2)));
    assert_eq!(console.store().audit_len(), audit_before + 1, "one command");
    assert_eq!(cursor_code(&console).as_deref(), Some("FM-0150"));
    assert!(console.text().contains("alloggio FM-0150 aggiunto"));
}

/// A field the domain cannot read is refused as typed, in Italian, before anything is sent.
#[test]
fn a_field_typed_wrong_is_refused_under_it() {
    let mut console = console();
    console.char('n');
    tab(&mut console, 6);
    console.typing("48.5");
    let screen = console.text();
    assert!(screen.contains("usare la virgola per i"), "{screen}");
}

/// `e`: the form starts from the dwelling stored, its code and state fixed; the change is
/// saved on it.
#[test]
fn a_dwelling_changed_through_the_form() {
    let mut console = console();
    console.key(KeyCode::Down).key(KeyCode::Down);
    assert_eq!(cursor_code(&console).as_deref(), Some("FM-0203"));
    console.char('e');
    let values = form_values(&console);
    assert_eq!(values[0], "FM-0203");
    assert_eq!(values[6], "71");
    assert_eq!(values[13], "in lavori");
    // From the owner to the address.
    tab(&mut console, 1);
    console.press(KeyCode::Char('u'), KeyModifiers::CONTROL);
    console.typing("Via Campiglione 5");
    console.save();
    assert!(!showing_form(&console), "{:?}", form_error(&console));
    let saved = stored(&console, "FM-0203");
    assert_eq!(saved.address, "Via Campiglione 5");
    assert_eq!(saved.state, DwellingState::InLavori);
    assert_eq!(cursor_code(&console).as_deref(), Some("FM-0203"));
    assert!(console.text().contains("Via Campiglione 5"));
}

/// `s`: the state among libero, in lavori, non assegnabile; without a reason it is not sent.
#[test]
fn a_state_change_asks_for_a_reason() {
    let mut console = console();
    console.char('s');
    assert!(showing_form(&console));
    console.key(KeyCode::Right);
    let audit_before = console.store().audit_len();
    console.save();
    assert!(showing_form(&console));
    assert_eq!(console.store().audit_len(), audit_before);
    insta::assert_snapshot!("alloggi_stato_motivo_80x24", console.text());
    console.typing("infiltrazioni dal tetto");
    console.save();
    assert!(!showing_form(&console), "{:?}", form_error(&console));
    assert_eq!(
        stored(&console, "FM-0112").state,
        DwellingState::NonAssegnabile
    );
    assert_eq!(cursor_code(&console).as_deref(), Some("FM-0112"));
    let screen = console.text();
    assert!(screen.contains("non assegn."), "{screen}");
    assert!(
        screen.contains("alloggio FM-0112: ora non assegnabile"),
        "{screen}"
    );
}

/// A caseworker who may only read sees the steps dimmed in the key bar; filters stay lit.
#[test]
fn the_key_bar_dims_what_the_role_cannot_do() {
    let mut console = console();
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
    assert_ne!(colour_of(&console, "n nuovo"), Color::DarkGray);
    console.app.role = Some(Role::Consultazione);
    for step in ["n nuovo", "e modifica", "s stato"] {
        assert_eq!(colour_of(&console, step), Color::DarkGray, "{step}");
    }
    for filter in ["c nucleo", "a accessibili", "v giorni"] {
        assert_ne!(colour_of(&console, filter), Color::DarkGray, "{filter}");
    }
}

/// Another console adds a dwelling before the cursor's and changes one: the list is read
/// again and the cursor stays on its dwelling.
#[test]
fn the_list_follows_commits_elsewhere_keeping_the_cursor() {
    let mut console = console();
    console.key(KeyCode::Down).key(KeyCode::Down);
    assert_eq!(cursor_code(&console).as_deref(), Some("FM-0203"));
    let seq = console.office.audit_head_seq().expect("audit head");
    let ctx = Context {
        actor: "bianchi".to_string(),
        on_behalf_of: None,
        now: console.app.now(),
    };
    let added = dwelling(
        "FM-0001",
        "Piazza del Popolo 1",
        0,
        false,
        45,
        2,
        true,
        DwellingState::Libero,
        Some(date(2024, 11, 30)),
    );
    console
        .office
        .execute(
            &ctx,
            &Command::SaveDwellings {
                dwellings: vec![added],
            },
        )
        .expect("committed elsewhere");
    let news = console.office.news_since(seq).expect("news");
    console.app.update(Msg::Elsewhere(news));
    console.settle();
    assert_eq!(codes_shown(&console)[0], "FM-0001");
    assert_eq!(cursor_code(&console).as_deref(), Some("FM-0203"));
    assert_eq!(console.app.screens.stock.list.cursor, 3);
    assert!(console.text().contains("Piazza del Popolo 1"));
}

/// From the cruscotto, the palette finds the screen by its name.
#[test]
fn the_palette_leads_to_the_stock() {
    let mut console = console();
    console.char('1');
    assert_eq!(console.app.screen, ScreenId::Dashboard);
    console.char(':').typing("alloggi").key(KeyCode::Enter);
    assert_eq!(console.app.screen, ScreenId::Stock);
    assert!(console.text().contains("FM-0401"));
}
