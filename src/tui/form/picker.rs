//! A field that picks one entry of a list: typing filters it (a case-insensitive substring,
//! accents folded), ↑ ↓ move through what is left, and the form's Enter takes the entry under
//! the cursor.

use nucleo_matcher::chars;
use tui_input::{Input, InputRequest};

#[derive(Debug, Clone)]
pub struct PickEntry {
    pub text: String,
    /// The text as the filter compares it.
    folded: String,
    /// What the entry stands for, for the form's purpose (an index into its source list).
    pub value: usize,
    /// Offered first, as fitting what the list is opened on.
    pub fits: bool,
}

#[derive(Debug, Clone)]
pub struct Picker {
    entries: Vec<PickEntry>,
    pub query: Input,
    /// The position of the cursor among the entries the filter leaves.
    pub cursor: usize,
}

/// Lowercase with accents removed: «Attività» and «attivita» compare equal.
fn fold(text: &str) -> String {
    text.chars()
        .map(|c| chars::to_lower_case(chars::normalize(c)))
        .collect()
}

impl Picker {
    /// Entries in the order offered: (text, value, fits).
    pub fn new(entries: impl IntoIterator<Item = (String, usize, bool)>) -> Picker {
        Picker {
            entries: entries
                .into_iter()
                .map(|(text, value, fits)| PickEntry {
                    folded: fold(&text),
                    text,
                    value,
                    fits,
                })
                .collect(),
            query: Input::default(),
            cursor: 0,
        }
    }

    /// How many entries there are, filtered or not.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries the filter leaves, in the order offered.
    pub fn shown(&self) -> Vec<&PickEntry> {
        let query = fold(self.query.value().trim());
        self.entries
            .iter()
            .filter(|e| e.folded.contains(&query))
            .collect()
    }

    /// The value of the entry under the cursor; `None` when the filter leaves nothing.
    pub fn chosen(&self) -> Option<usize> {
        self.shown().get(self.cursor).map(|e| e.value)
    }

    /// Moves the cursor by `step`, staying on the first or last entry at the ends.
    pub(super) fn step(&mut self, step: isize) {
        let last = self.shown().len().saturating_sub(1);
        self.cursor = self.cursor.saturating_add_signed(step).min(last);
    }

    /// An edit of the filter; the cursor goes back to the first entry left. False when the
    /// filter did not change.
    pub(super) fn edit(&mut self, request: InputRequest) -> bool {
        let before = self.query.value().to_string();
        self.query.handle(request);
        if self.query.value() == before {
            return false;
        }
        self.cursor = 0;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picker() -> Picker {
        Picker::new([
            ("Richiesta di integrazione".to_string(), 5, true),
            ("Pubblicazione del bando".to_string(), 0, false),
            ("Attività conclusa".to_string(), 9, false),
        ])
    }

    fn typed(picker: &mut Picker, text: &str) {
        for c in text.chars() {
            picker.edit(InputRequest::InsertChar(c));
        }
    }

    #[test]
    fn the_filter_is_a_substring_whatever_the_case_and_accents() {
        let mut p = picker();
        typed(&mut p, "ATTIVITA");
        assert_eq!(p.chosen(), Some(9));
        let mut p = picker();
        typed(&mut p, "bAnDo");
        let shown: Vec<usize> = p.shown().iter().map(|e| e.value).collect();
        assert_eq!(shown, vec![0]);
        let mut p = picker();
        typed(&mut p, "zzz");
        assert!(p.shown().is_empty());
        assert_eq!(p.chosen(), None);
    }

    #[test]
    fn the_cursor_stays_within_what_is_shown_and_returns_to_the_first_on_typing() {
        let mut p = picker();
        p.step(1);
        assert_eq!(p.chosen(), Some(0));
        p.step(5);
        assert_eq!(p.chosen(), Some(9), "held on the last");
        p.step(-7);
        assert_eq!(p.chosen(), Some(5), "held on the first");
        p.step(2);
        typed(&mut p, "i");
        assert_eq!(p.cursor, 0);
        assert_eq!(p.chosen(), Some(5));
    }
}
