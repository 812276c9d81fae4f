//! Messages that did not compose, for a step that must tell everyone it concerns: such a step
//! writes nothing, and the caseworker is shown who could not be told and why.

use serde::{Deserialize, Serialize};

use crate::domain::ApplicationId;
use crate::domain::listing::{LISTED, first_lines};
use crate::domain::number::count;

/// The applicants whose message did not compose: the first `LISTED` with the reason, and how
/// many in all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unsent {
    pub total: usize,
    pub first: Vec<(ApplicationId, String)>,
}

impl Unsent {
    pub fn push(&mut self, id: ApplicationId, reason: String) {
        self.total += 1;
        if self.first.len() < LISTED {
            self.first.push((id, reason));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }
}

/// The refusal's text: one line a failure, at most `LISTED`, then how many more.
pub fn refusal(unsent: &Unsent) -> String {
    let lines: Vec<String> = unsent
        .first
        .iter()
        .map(|(id, reason)| format!("  domanda {id}: {reason}"))
        .collect();
    format!(
        "nulla è stato pubblicato: il messaggio non si compone per {} destinatari\n{}",
        count(unsent.total),
        first_lines(&lines, unsent.total)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_the_first_hundred_and_counts_the_rest() {
        let mut unsent = Unsent::default();
        for n in 1..=151 {
            unsent.push(ApplicationId(n), "testo troppo lungo".into());
        }
        assert_eq!(unsent.total, 151);
        assert_eq!(unsent.first.len(), LISTED);
        let text = refusal(&unsent);
        assert!(text.contains("151 destinatari"), "{text}");
        assert_eq!(text.lines().filter(|l| l.contains("domanda")).count(), 100);
        assert!(
            text.ends_with("… e altri 51 non mostrati (151 in tutto)"),
            "{text}"
        );
    }
}
