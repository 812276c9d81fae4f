//! Numbers as an Italian reader writes them: thousands grouped with dots. Shared by amounts and
//! by the counts the console and the command line show.

/// `1234567` → `1.234.567`.
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let len = digits.len();
    let mut out = String::with_capacity(len + len / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (len - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// A count of things: `1204` → `1.204`.
pub fn count(n: usize) -> String {
    group_thousands(n as u64)
}

/// A count with its noun in Italian agreement: `plural(1, "domanda", "domande")` → `1 domanda`,
/// `plural(1204, …)` → `1.204 domande`. Zero takes the plural, as Italian does («0 domande»).
/// The words may be a whole phrase that agrees with the count («domanda aggiornata»).
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", count(n), if n == 1 { one } else { many })
}

/// Points as written after a number: «1 punto», «0,5 punti», «2 punti».
pub fn points_text(points: impl std::fmt::Display) -> String {
    let text = points.to_string();
    if text == "1" {
        "1 punto".to_string()
    } else {
        format!("{text} punti")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_agrees_with_the_count() {
        assert_eq!(plural(0, "domanda", "domande"), "0 domande");
        assert_eq!(plural(1, "domanda", "domande"), "1 domanda");
        assert_eq!(plural(2, "domanda", "domande"), "2 domande");
        assert_eq!(points_text(1), "1 punto");
        assert_eq!(points_text("0,5"), "0,5 punti");
        assert_eq!(
            plural(1204, "domanda aggiornata", "domande aggiornate"),
            "1.204 domande aggiornate"
        );
    }

    #[test]
    fn groups_thousands_with_dots() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1204), "1.204");
        assert_eq!(count(1_000_000), "1.000.000");
        assert_eq!(group_thousands(u64::MAX), "18.446.744.073.709.551.615");
    }
}
