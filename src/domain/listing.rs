//! A long list of problems told to a person: the first hundred, one a line, then how many more.
//! A file with a million bad rows, or a publication that cannot reach thousands of applicants,
//! must not flood a terminal or a status line.

use std::fmt::Display;

use super::number::count;

/// How many entries are told one by one.
pub const LISTED: usize = 100;

/// The first `LISTED` of `entries`, one a line, then how many of `total` were left out.
/// `entries` may already be cut to `LISTED`: `total` counts them all.
pub fn first_lines<T: Display>(entries: &[T], total: usize) -> String {
    let mut lines: Vec<String> = entries.iter().take(LISTED).map(T::to_string).collect();
    let shown = lines.len();
    if total > shown {
        lines.push(format!(
            "… e altri {} non mostrati ({} in tutto)",
            count(total - shown),
            count(total)
        ));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_list_shows_its_first_hundred_and_counts_the_rest() {
        let rows: Vec<String> = (1..=2_500).map(|n| format!("riga {n}")).collect();
        let text = first_lines(&rows, rows.len());
        assert_eq!(text.lines().count(), LISTED + 1);
        assert!(text.starts_with("riga 1\n"));
        assert!(text.contains("riga 100\n") && !text.contains("riga 101\n"));
        assert!(
            text.ends_with("… e altri 2.400 non mostrati (2.500 in tutto)"),
            "{text}"
        );
        assert_eq!(first_lines(&rows[..3], 3), "riga 1\nriga 2\nriga 3");
        assert!(
            first_lines(&rows[..100], 151).ends_with("… e altri 51 non mostrati (151 in tutto)")
        );
    }
}
