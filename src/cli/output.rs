//! What the command line prints. A value from a file — a name, a point table's title, an
//! import error quoting a cell — never reaches the terminal with its control characters (an
//! escape sequence could recolour it, hide lines or rewrite the title); and a list of errors
//! shows its first `LISTED` entries and counts the rest, so a file with a million bad rows
//! does not flood the terminal.

use std::fmt::Display;

/// The text with every control character but the line break, and every character that turns
/// the direction of the text (which can make a line read as something else), shown as '�'.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c != '\n' && (c.is_control() || turns_direction(c)) {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
}

/// Unicode's marks and overrides of text direction (the "Trojan Source" characters).
fn turns_direction(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Prints one line of `text` on standard output, cleaned. A reader that went away (`alloggi
/// outbox list | head`) ends the program quietly, as SIGPIPE ends other tools, instead of a
/// panic.
pub fn line(text: &str) {
    let written = super::seam::stdout(&format!("{}\n", printable(text)));
    if let Err(e) = written {
        // The server goes on with a forwarded command whose client left: it does not end.
        if super::seam::is_remote() {
            return;
        }
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(141);
        }
        ::std::eprintln!("errore: impossibile scrivere sull'uscita standard: {e}");
        std::process::exit(1);
    }
}

/// Prints one line of `text` on standard error, cleaned.
pub fn error_line(text: &str) {
    super::seam::stderr(&format!("{}\n", printable(text)));
}

/// The first hundred entries, one a line, then how many more there are.
pub fn capped<T: Display>(entries: &[T]) -> String {
    crate::domain::listing::first_lines(entries, entries.len())
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
        assert_eq!(printable("Rossi\u{202E}oiraM"), "Rossi\u{FFFD}oiraM");
        assert_eq!(printable("a\u{2066}b\u{2069}"), "a\u{FFFD}b\u{FFFD}");
    }
}
