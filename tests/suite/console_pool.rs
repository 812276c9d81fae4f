//! Consoles of one process (the consoles a server runs) hold the call's rows once: a console
//! that starts after another takes the rows it read, and a row one changes reaches the other.

use alloggi::domain::State;

use crate::common::console::Console;

#[test]
fn a_second_console_takes_the_rows_the_first_read_without_a_copy() {
    let first = Console::demo(40, (100, 30));
    let second = first.beside();
    assert!(second.app.rows.loaded);
    assert_eq!(second.app.rows.len(), first.app.rows.len());
    assert!(
        second.app.rows.shares_with(&first.app.rows),
        "the second console read its own rows"
    );
    // Both draw the same counts from them.
    for state in [State::Ricevuta, State::Protocollata, State::Ammessa] {
        assert_eq!(
            second.app.rows.count_in(Some(state)),
            first.app.rows.count_in(Some(state))
        );
    }
}

#[test]
fn a_row_changed_by_one_console_reaches_the_other_with_its_next_change() {
    let mut first = Console::demo(40, (100, 30));
    let mut second = first.beside();
    let one = first.app.rows[0].clone();
    let two = first.app.rows[1].clone();
    let mut changed = one.clone();
    changed.name = "Cambiato Primo".into();
    first.pool.put(vec![changed], &mut first.app.rows);
    let mut other = two.clone();
    other.name = "Cambiato Secondo".into();
    second.pool.put(vec![other], &mut second.app.rows);
    assert_eq!(second.app.rows[0].name, "Cambiato Primo");
    assert_eq!(second.app.rows[1].name, "Cambiato Secondo");
    let third = second.beside();
    assert!(third.app.rows.shares_with(&second.app.rows));
}
