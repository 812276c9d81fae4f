//! What the command line prints. A value from a file — a name, a point table's title, an
//! import error quoting a cell — never reaches the terminal with its control characters (an
//! escape sequence could recolour it, hide lines or rewrite the title); and a list of errors
//! shows its first `LISTED` entries and counts the rest, so a file with a million bad rows
//! does not flood the terminal.

use std::fmt::Display;

use crate::domain::number::count;

/// How many entries of a list of errors are printed one by one.
pub const LISTED: usize = 100;

/// The text with every control character but the line break shown as '�'.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c == '\n' || !c.is_control() {
                c
            } else {
                '\u{FFFD}'
            }
        })
        .collect()
}

/// Prints one line of `text` on standard output, cleaned. A reader that went away (`alloggi
/// outbox list | head`) ends the program quietly, as SIGPIPE ends other tools, instead of a
/// panic.
pub fn line(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{}", printable(text)) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(141);
        }
        ::std::eprintln!("errore: impossibile scrivere sull'uscita standard: {e}");
        std::process::exit(1);
    }
}

/// The first `LISTED` entries, one a line, then how many more there are.
pub fn capped<T: Display>(entries: &[T]) -> String {
    let mut lines: Vec<String> = entries.iter().take(LISTED).map(T::to_string).collect();
    if entries.len() > LISTED {
        lines.push(format!(
            "… e altri {} non mostrati ({} in tutto)",
            count(entries.len() - LISTED),
            count(entries.len())
        ));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_never_reach_the_terminal() {
        assert_eq!(
            printable("Rossi\u{1b}[2J\u{7}\0 Mario\r\nriga"),
            "Rossi\u{FFFD}[2J\u{FFFD}\u{FFFD} Mario\u{FFFD}\nriga"
        );
        assert_eq!(printable("è già «così»"), "è già «così»");
        assert!(!printable("\u{9b}31m").contains('\u{9b}'));
    }

    #[test]
    fn a_long_list_shows_its_first_hundred_and_counts_the_rest() {
        let rows: Vec<String> = (1..=2_500).map(|n| format!("riga {n}")).collect();
        let text = capped(&rows);
        assert_eq!(text.lines().count(), LISTED + 1);
        assert!(text.starts_with("riga 1\n"));
        assert!(text.contains("riga 100\n") && !text.contains("riga 101\n"));
        assert!(
            text.ends_with("… e altri 2.400 non mostrati (2.500 in tutto)"),
            "{text}"
        );
        assert_eq!(capped(&rows[..3]), "riga 1\nriga 2\nriga 3");
    }
}
