//! Plain-text helpers shared by the renderer and the contract checks.

/// Length as IO measures it: JavaScript's `String.length`, i.e. UTF-16 code units
/// (an emoji outside the BMP counts 2).
pub fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// One line of clean text: line breaks and tabs become spaces, other control characters and
/// characters YAML or JavaScript treat specially are dropped, and the ends are trimmed.
///
/// Values are inserted inline, so a line break would split a paragraph or, in the front
/// matter, end a YAML scalar. U+2028/U+2029 are line terminators for the JavaScript regex
/// IO uses to find the front matter; U+FEFF, U+FFFE and U+FFFF are not printable YAML.
pub fn clean_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // One break, one space.
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' | '\t' | '\u{0085}' | '\u{2028}' | '\u{2029}' => out.push(' '),
            '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_counts_emoji_twice() {
        assert_eq!(utf16_len("abc"), 3);
        assert_eq!(utf16_len("è"), 1);
        assert_eq!(utf16_len("€"), 1);
        assert_eq!(utf16_len("🏠"), 2);
        assert_eq!(utf16_len("🏠".repeat(3).as_str()), 6);
    }

    #[test]
    fn clean_line_keeps_one_line_of_printable_text() {
        assert_eq!(clean_line("  Via\r\nRoma\t1 "), "Via Roma 1");
        assert_eq!(clean_line("a\n\nb\r\rc"), "a  b  c");
        assert_eq!(clean_line("a\u{2028}b\u{2029}c\u{85}d"), "a b c d");
        assert_eq!(clean_line("a\u{0}b\u{7}c\u{7f}d\u{9b}e"), "abcde");
        assert_eq!(clean_line("\u{feff}a\u{fffe}\u{ffff}"), "a");
        assert_eq!(clean_line("«Pèrez» 🏠 \"x\" \\"), "«Pèrez» 🏠 \"x\" \\");
        assert_eq!(clean_line("\n\t "), "");
    }
}
