//! What every reader of a text file needs: the line of an offset, for `file:line` errors, and
//! the byte-order mark that spreadsheets put before «CSV UTF-8».

/// The byte-order mark as a character.
pub const BOM: char = '\u{FEFF}';

/// The text without one leading byte-order mark.
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix(BOM).unwrap_or(text)
}

/// 1-based line of a byte offset, for `file:line` errors.
pub fn line_of(text: &str, offset: usize) -> usize {
    // Counted on bytes, so that an offset inside a character is safe too.
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_offsets() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 4), 3);
        assert_eq!(line_of("a\nb", 99), 2);
        assert_eq!(line_of("è\nb", 1), 1);
    }

    #[test]
    fn one_bom_is_stripped() {
        assert_eq!(strip_bom("\u{feff}a;b"), "a;b");
        assert_eq!(strip_bom("a;b"), "a;b");
        assert_eq!(strip_bom("\u{feff}\u{feff}a"), "\u{feff}a");
    }
}
