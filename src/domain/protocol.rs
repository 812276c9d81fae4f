//! The protocol number a registered application gets, and the pattern the office writes it in.
//! The number is sequential per year; the text is rendered once, at registration, so that a later
//! change of pattern never alters a number already given.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::error::DomainError;

/// The pattern used when a call sets none: `2024/000123`.
pub const DEFAULT_PATTERN: &str = "{anno}/{numero:6}";

/// A registered application's protocol: year, number and the text it was given as.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(from = "ProtocolRecord")]
pub struct Protocol {
    pub year: i32,
    pub number: u32,
    pub text: String,
}

/// The stored form; records written before patterns existed carry no text.
#[derive(Deserialize)]
struct ProtocolRecord {
    year: i32,
    number: u32,
    #[serde(default)]
    text: Option<String>,
}

impl From<ProtocolRecord> for Protocol {
    fn from(record: ProtocolRecord) -> Protocol {
        let text = record
            .text
            .unwrap_or_else(|| ProtocolPattern::default().render(record.year, record.number));
        Protocol {
            year: record.year,
            number: record.number,
            text,
        }
    }
}

impl Protocol {
    /// A protocol in the default pattern.
    pub fn new(year: i32, number: u32) -> Protocol {
        Protocol {
            year,
            number,
            text: ProtocolPattern::default().render(year, number),
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// How protocol numbers are written: `{anno}` for the year, `{numero}` or `{numero:N}` (zero
/// padded to N digits) for the number, anything else printed as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProtocolPattern(String);

impl Default for ProtocolPattern {
    fn default() -> Self {
        ProtocolPattern(DEFAULT_PATTERN.to_string())
    }
}

enum Piece<'a> {
    Literal(&'a str),
    Year,
    Number(usize),
}

impl ProtocolPattern {
    pub fn parse(input: &str) -> Result<ProtocolPattern, DomainError> {
        let pattern = input.trim();
        let pieces = pieces(pattern)?;
        let numbers = pieces
            .iter()
            .filter(|p| matches!(p, Piece::Number(_)))
            .count();
        if numbers != 1 {
            return Err(invalid("deve contenere {numero} una e una sola volta"));
        }
        let years = pieces.iter().filter(|p| matches!(p, Piece::Year)).count();
        if years != 1 {
            // The number starts again every year: without the year two numbers would collide.
            return Err(invalid(
                "deve contenere {anno} una e una sola volta: la numerazione riparte ogni anno",
            ));
        }
        if pattern.chars().count() > 40 {
            return Err(invalid("al massimo 40 caratteri"));
        }
        Ok(ProtocolPattern(pattern.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn render(&self, year: i32, number: u32) -> String {
        // Validated on construction: the pieces always parse.
        let Ok(pieces) = pieces(&self.0) else {
            return format!("{year}/{number:06}");
        };
        let mut out = String::new();
        for piece in pieces {
            match piece {
                Piece::Literal(text) => out.push_str(text),
                Piece::Year => out.push_str(&year.to_string()),
                Piece::Number(width) => out.push_str(&format!("{number:0width$}")),
            }
        }
        out
    }
}

fn invalid(reason: &str) -> DomainError {
    DomainError::invalid("modello_protocollo", reason)
}

fn pieces(pattern: &str) -> Result<Vec<Piece<'_>>, DomainError> {
    if pattern.is_empty() {
        return Err(invalid("mancante"));
    }
    let mut pieces = Vec::new();
    let mut rest = pattern;
    while !rest.is_empty() {
        match rest.find('{') {
            Some(0) => {
                let end = rest
                    .find('}')
                    .ok_or_else(|| invalid("una '{' senza la sua '}'"))?;
                let name = &rest[1..end];
                pieces.push(match name {
                    "anno" => Piece::Year,
                    "numero" => Piece::Number(1),
                    _ => match name.strip_prefix("numero:").map(str::parse::<usize>) {
                        Some(Ok(width @ 1..=9)) => Piece::Number(width),
                        _ => {
                            return Err(invalid(&format!(
                                "'{{{name}}}' sconosciuto: usa {{anno}}, {{numero}} o {{numero:N}} con N da 1 a 9"
                            )));
                        }
                    },
                });
                rest = &rest[end + 1..];
            }
            found => {
                let end = found.unwrap_or(rest.len());
                let literal = &rest[..end];
                if literal.contains('}') {
                    return Err(invalid("una '}' senza la sua '{'"));
                }
                if literal.chars().any(|c| c.is_control()) {
                    return Err(invalid("caratteri di controllo non ammessi"));
                }
                // The protocol goes into the public list, into file names and into messages:
                // nothing a spreadsheet could take for a formula (`=`, `+`, `@`), no separator
                // of a CSV (`;`, `,`), no space or quote.
                if let Some(bad) = literal.chars().find(|c| !protocol_literal(*c)) {
                    return Err(invalid(&format!(
                        "'{bad}' non ammesso: attorno a {{anno}} e {{numero}} solo lettere, cifre e / - _ . (senza spazi né accenti)"
                    )));
                }
                pieces.push(Piece::Literal(literal));
                rest = &rest[end..];
            }
        }
    }
    Ok(pieces)
}

/// What a pattern may hold around its fields.
fn protocol_literal(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.')
}

impl TryFrom<String> for ProtocolPattern {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, DomainError> {
        ProtocolPattern::parse(&value)
    }
}

impl From<ProtocolPattern> for String {
    fn from(pattern: ProtocolPattern) -> String {
        pattern.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_default_is_year_slash_six_digits() {
        assert_eq!(Protocol::new(2024, 123).to_string(), "2024/000123");
    }

    #[test]
    fn a_pattern_renders_year_and_padded_number() {
        let pattern = ProtocolPattern::parse("ERP-{anno}-{numero:4}").expect("valid");
        assert_eq!(pattern.render(2025, 7), "ERP-2025-0007");
        assert_eq!(pattern.render(2025, 123_456), "ERP-2025-123456");
        let plain = ProtocolPattern::parse("{numero}{anno}").expect("valid");
        assert_eq!(plain.render(2025, 42), "422025");
    }

    #[test]
    fn bad_patterns_are_refused_with_the_reason() {
        for (bad, why) in [
            ("", "mancante"),
            ("{anno}", "una e una sola"),
            ("{numero}", "riparte ogni anno"),
            ("{anno}{anno}{numero}", "riparte ogni anno"),
            ("{numero}/{numero}", "una e una sola"),
            ("{anno}/{num}", "sconosciuto"),
            ("{anno}/{numero:0}", "sconosciuto"),
            ("{anno}/{numero", "senza la sua"),
            ("anno}/{numero}", "senza la sua"),
            ("{numero}\u{7}", "controllo"),
            ("=0+{anno}{numero:6}", "'=' non ammesso"),
            ("{anno} {numero}", "' ' non ammesso"),
            ("{anno};{numero}", "solo lettere, cifre e / - _ ."),
        ] {
            let error = ProtocolPattern::parse(bad).expect_err(bad).to_string();
            assert!(error.contains(why), "{bad:?}: {error}");
        }
    }

    #[test]
    fn a_record_without_text_gets_the_default_pattern() {
        let protocol: Protocol =
            serde_json::from_str(r#"{"year":2024,"number":5}"#).expect("old record");
        assert_eq!(protocol.text, "2024/000005");
        let round: Protocol =
            serde_json::from_str(&serde_json::to_string(&protocol).expect("encode"))
                .expect("decode");
        assert_eq!(round, protocol);
    }

    proptest! {
        #[test]
        fn distinct_numbers_give_distinct_texts(a in 1u32..10_000_000, b in 1u32..10_000_000) {
            let pattern = ProtocolPattern::parse("P{anno}.{numero:5}").expect("valid");
            prop_assert_eq!(pattern.render(2024, a) == pattern.render(2024, b), a == b);
        }

        #[test]
        fn parse_never_panics(input in "\\PC{0,30}") {
            let _ = ProtocolPattern::parse(&input);
        }
    }
}
