//! The one rule every CSV the product writes follows for a cell of text that came from outside
//! (names, fiscal codes, protocols, criterion ids): a spreadsheet must show it, never run it.
//! A cell starting with `=`, `+`, `-`, `@`, tab or carriage return is read as a formula by Excel
//! and LibreOffice (CSV injection, CWE-1236); OWASP's remedy is a leading `'`, which they show
//! as text. Control characters are never written: each becomes a space, so the text stays
//! readable and a cell cannot break the row or hide a formula behind an invisible character.

use std::borrow::Cow;

/// What a formula can start with. The full-width forms are there because some spreadsheets
/// fold them to the ASCII ones on import.
const FORMULA_STARTS: [char; 10] = ['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'];

/// `text` as a CSV cell that a spreadsheet shows as written: control and bidirectional
/// formatting characters replaced by spaces, and a `'` in front when it could start a formula.
pub fn text_cell(text: &str) -> Cow<'_, str> {
    let cleaned: Cow<'_, str> = if text.chars().any(unprintable) {
        Cow::Owned(
            text.chars()
                .map(|c| if unprintable(c) { ' ' } else { c })
                .collect(),
        )
    } else {
        Cow::Borrowed(text)
    };
    if needs_quote(text, &cleaned) {
        Cow::Owned(format!("'{cleaned}"))
    } else {
        cleaned
    }
}

/// Whether `c` must not reach a file: C0 and C1 controls (tab, newline and carriage return
/// included) and the bidirectional overrides and isolates, which reorder what the reader sees.
fn unprintable(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether the cell could be taken for a formula. The first character is looked at both as it
/// came (a leading tab or carriage return, now a space) and after leading spaces, which some
/// imports trim before evaluating. A plain signed number (`-12`, `+1,5`, a lone `-`) is left
/// as it is: it calls nothing and a spreadsheet shows it as the number or dash it is.
fn needs_quote(original: &str, cleaned: &str) -> bool {
    if original.starts_with(['\t', '\r']) {
        return true;
    }
    let trimmed = cleaned.trim_start();
    let Some(first) = trimmed.chars().next() else {
        return false;
    };
    if !FORMULA_STARTS.contains(&first) {
        return false;
    }
    let plain_number = matches!(first, '+' | '-')
        && trimmed[first.len_utf8()..]
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.');
    !plain_number
}

/// Whether a written cell could still be read as a formula: what the tests check every cell
/// of every export against.
pub fn is_inert(cell: &str) -> bool {
    !cell.chars().any(unprintable) && !needs_quote(cell, cell)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_get_a_quote_and_plain_text_is_untouched() {
        for (input, output) in [
            ("=1+1", "'=1+1"),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-1+1", "'-1+1"),
            ("@SUM(1+1)", "'@SUM(1+1)"),
            ("\t=1", "' =1"),
            ("\rx", "' x"),
            ("  =1", "'  =1"),
            ("＝1+1", "'＝1+1"),
            ("Rossi Mario", "Rossi Mario"),
            ("D'Angelo Anna", "D'Angelo Anna"),
            ("Rossi\u{1b}[31m\u{7}", "Rossi [31m "),
            ("a\u{202E}b", "a b"),
            ("-12", "-12"),
            ("-1,5", "-1,5"),
            ("+3.000,00", "+3.000,00"),
            ("-", "-"),
            ("", ""),
        ] {
            assert_eq!(text_cell(input), output, "{input:?}");
            assert!(is_inert(&text_cell(input)), "{input:?}");
        }
    }
}
