//! The Assegnazioni screen on a call with a definitive ranking and seven dwellings, drawn whole
//! on ratatui's TestBackend on 1 September 2025: the round, the free dwellings, the offer
//! window with its checklist, replies, the decree's message, the overdue filter, and the
//! opening of the round from its form.

use crate::common;

use alloggi::tui::keymap::Keymap;
use alloggi::tui::screens::ScreenId;
use common::assignment::{ranked_office, round_day};
use common::console::Console;
use crossterm::event::KeyCode;

/// The console on the Assegnazioni screen over the ranked call, at 80×24, on the round's day.
fn console() -> Console {
    let dir = tempfile::tempdir().expect("temporary directory");
    let office = ranked_office(dir.path());
    let store = office.store().clone();
    drop(office);
    let now = round_day().now;
    let mut console = Console::new(
        store,
        dir,
        Keymap::default_keymap().expect("default keymap"),
        true,
        (80, 24),
        Box::new(move || now),
    );
    console.char('9');
    console
}

#[test]
fn explore() {
    let mut console = console();
    assert_eq!(console.app.screen, ScreenId::Round);
    println!("{}", console.text());
    console.char('a');
    println!("{}", console.text());
    console.save();
    println!("{}", console.text());
    console.key(KeyCode::Enter);
    println!("{}", console.text());
    console.char('l');
    println!("{}", console.text());
    console.key(KeyCode::Down);
    console.char('o');
    println!("{}", console.text());
    panic!();
}
