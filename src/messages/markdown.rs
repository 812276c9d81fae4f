//! Putting values into markdown without changing its structure: a name with `*` or `_` must
//! not turn the rest of the paragraph bold, an address with `[` must not open a link.

/// Characters that may start or end inline markdown (emphasis, code, links, HTML, entities,
/// tables, strikethrough); CommonMark lets any of them be escaped with a backslash.
const INLINE_SPECIAL: &[char] = &['\\', '`', '*', '_', '[', ']', '<', '>', '#', '|', '~', '&'];

/// Escapes a one-line text value (see `text::clean_line`). At the start of a line, characters
/// that would open a list, a heading or a setext underline are escaped too.
pub fn escape_text(value: &str, at_line_start: bool) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    if at_line_start {
        let digits = value.chars().take_while(char::is_ascii_digit).count();
        let mut chars = value.chars();
        match chars.next() {
            Some(c @ ('-' | '+' | '=')) => {
                out.push('\\');
                out.push(c);
                push_escaped(&mut out, chars.as_str());
                return out;
            }
            // "1. " or "1) " would start an ordered list.
            Some(_) if digits > 0 => {
                let rest = &value[digits..];
                if let Some(c @ ('.' | ')')) = rest.chars().next() {
                    out.push_str(&value[..digits]);
                    out.push('\\');
                    out.push(c);
                    push_escaped(&mut out, &rest[1..]);
                    return out;
                }
            }
            _ => {}
        }
    }
    push_escaped(&mut out, value);
    out
}

fn push_escaped(out: &mut String, s: &str) {
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        // An underscore between letters or digits never starts emphasis in CommonMark, and
        // leaving it alone keeps e-mail addresses and codes readable.
        let intraword = c == '_'
            && i > 0
            && chars[i - 1].is_alphanumeric()
            && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
        if INLINE_SPECIAL.contains(&c) && !intraword {
            out.push('\\');
        }
        out.push(c);
    }
}

/// A checked https address (see `values::parse_url`) as a link destination: parentheses are
/// percent-encoded so that `)` cannot close the link early.
pub fn link_destination(url: &str) -> String {
    url.replace('(', "%28").replace(')', "%29")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_characters_are_escaped() {
        assert_eq!(escape_text("Rossi", false), "Rossi");
        assert_eq!(
            escape_text("*Anna* _B_ [x](y) `c` <b> #1 a|b ~s~ &amp; \\", false),
            "\\*Anna\\* \\_B\\_ \\[x\\](y) \\`c\\` \\<b\\> \\#1 a\\|b \\~s\\~ \\&amp; \\\\"
        );
        // Inside a line a leading dash or number is plain text.
        assert_eq!(escape_text("- 1. x", false), "- 1. x");
        assert_eq!(
            escape_text("D'Amico-Pèrez «🏠»", false),
            "D'Amico-Pèrez «🏠»"
        );
        assert_eq!(
            escape_text("uff_casa@pec.it FM_0412 _x_ a__b c_", false),
            "uff_casa@pec.it FM_0412 \\_x\\_ a\\_\\_b c\\_"
        );
    }

    #[test]
    fn block_starters_are_escaped_at_line_start() {
        assert_eq!(escape_text("- voce", true), "\\- voce");
        assert_eq!(escape_text("+ voce", true), "\\+ voce");
        assert_eq!(escape_text("===", true), "\\===");
        assert_eq!(escape_text("---", true), "\\---");
        assert_eq!(escape_text("12. voce", true), "12\\. voce");
        assert_eq!(escape_text("3) voce *x*", true), "3\\) voce \\*x\\*");
        assert_eq!(escape_text("# titolo", true), "\\# titolo");
        assert_eq!(escape_text("> citazione", true), "\\> citazione");
        assert_eq!(escape_text("2024/000123", true), "2024/000123");
        assert_eq!(escape_text("", true), "");
    }

    #[test]
    fn parentheses_do_not_close_a_link() {
        assert_eq!(
            link_destination("https://example.it/a_(b)"),
            "https://example.it/a_%28b%29"
        );
    }
}
