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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands_with_dots() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1204), "1.204");
        assert_eq!(count(1_000_000), "1.000.000");
        assert_eq!(group_thousands(u64::MAX), "18.446.744.073.709.551.615");
    }
}
