//! A template text split into literal parts and `{placeholder}`s. Braces have no other use
//! in the texts, so a stray one is an error rather than a literal.

use super::placeholders::is_valid_name;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment<'a> {
    Literal(&'a str),
    Placeholder(&'a str),
}

/// The segments of a text; the error is an Italian reason.
pub fn segments(text: &str) -> Result<Vec<Segment<'_>>, String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return Err("graffa chiusa «}» senza la graffa aperta".to_string());
        }
        if open > 0 {
            out.push(Segment::Literal(&rest[..open]));
        }
        let after = &rest[open + 1..];
        let Some(close) = after
            .find(['{', '}'])
            .filter(|&i| after[i..].starts_with('}'))
        else {
            return Err("graffa aperta «{» senza la graffa chiusa".to_string());
        };
        let name = &after[..close];
        if !is_valid_name(name) {
            return Err(format!(
                "«{{{name}}}» non è un nome valido: usa lettere minuscole, cifre e _"
            ));
        }
        out.push(Segment::Placeholder(name));
        rest = &after[close + 1..];
    }
    if !rest.is_empty() {
        out.push(Segment::Literal(rest));
    }
    Ok(out)
}

/// Placeholder names in order of first use.
pub fn names(text: &str) -> Result<Vec<&str>, String> {
    let mut out: Vec<&str> = Vec::new();
    for segment in segments(text)? {
        if let Segment::Placeholder(name) = segment
            && !out.contains(&name)
        {
            out.push(name);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::Segment::{Literal, Placeholder};
    use super::*;

    #[test]
    fn splits_literals_and_placeholders() {
        assert_eq!(
            segments("Dal {data} al {fine}.").unwrap(),
            vec![
                Literal("Dal "),
                Placeholder("data"),
                Literal(" al "),
                Placeholder("fine"),
                Literal(".")
            ]
        );
        assert_eq!(
            segments("{a}{b}").unwrap(),
            vec![Placeholder("a"), Placeholder("b")]
        );
        assert_eq!(segments("").unwrap(), vec![]);
        assert_eq!(segments("àè {x} 🏠").unwrap()[2], Literal(" 🏠"));
        assert_eq!(names("{a} {b} {a}").unwrap(), vec!["a", "b"]);
    }

    #[test]
    fn stray_braces_are_errors() {
        assert_eq!(
            segments("a } b").unwrap_err(),
            "graffa chiusa «}» senza la graffa aperta"
        );
        assert_eq!(
            segments("a {b").unwrap_err(),
            "graffa aperta «{» senza la graffa chiusa"
        );
        assert_eq!(
            segments("a {b {c}").unwrap_err(),
            "graffa aperta «{» senza la graffa chiusa"
        );
        assert_eq!(
            segments("{Nome}").unwrap_err(),
            "«{Nome}» non è un nome valido: usa lettere minuscole, cifre e _"
        );
        assert!(segments("{}").is_err());
        assert!(segments("{a b}").is_err());
    }
}
