//! Points of the ranking, held as whole hundredths so that halves add up exactly.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::error::DomainError;

/// A score in hundredths of a point: `Points(450)` is 4,50.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Points(pub i64);

impl Points {
    pub const ZERO: Points = Points(0);

    pub const fn whole(points: i64) -> Points {
        Points(points * 100)
    }

    pub const fn hundredths(self) -> i64 {
        self.0
    }

    /// `4`, `4,5` or `4,25`: written the way the point tables are.
    pub fn parse(input: &str) -> Result<Points, DomainError> {
        let text = input.trim();
        let invalid = |why: &str| DomainError::invalid("punti", format!("'{text}': {why}"));
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = match digits.split_once([',', '.']) {
            Some((w, f)) => (w, f),
            None => (digits, ""),
        };
        if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid("non è un numero (es. 4 o 0,5)"));
        }
        if fraction.len() > 2 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid("al massimo due decimali (es. 0,25)"));
        }
        if digits.contains([',', '.']) && fraction.is_empty() {
            return Err(invalid("mancano i decimali dopo la virgola"));
        }
        let whole: i64 = whole.parse().map_err(|_| invalid("troppo grande"))?;
        let fraction: i64 = format!("{fraction:0<2}").parse().unwrap_or(0);
        let value = whole
            .checked_mul(100)
            .and_then(|w| w.checked_add(fraction))
            .filter(|v| *v <= 1_000_000)
            .ok_or_else(|| invalid("troppo grande"))?;
        Ok(Points(if negative { -value } else { value }))
    }
}

impl std::ops::Add for Points {
    type Output = Points;
    fn add(self, other: Points) -> Points {
        Points(self.0.saturating_add(other.0))
    }
}

impl std::ops::Sub for Points {
    type Output = Points;
    fn sub(self, other: Points) -> Points {
        Points(self.0.saturating_sub(other.0))
    }
}

impl std::iter::Sum for Points {
    fn sum<I: Iterator<Item = Points>>(iter: I) -> Points {
        iter.fold(Points::ZERO, |a, b| a + b)
    }
}

impl fmt::Display for Points {
    /// `4`, `4,5`, `4,25`, `-1,5`: no trailing zeros, decimal comma.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let (whole, cents) = (abs / 100, abs % 100);
        let text = match cents {
            0 => format!("{sign}{whole}"),
            c if c % 10 == 0 => format!("{sign}{whole},{}", c / 10),
            c => format!("{sign}{whole},{c:02}"),
        };
        f.pad(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn halves_and_quarters_are_exact() {
        assert_eq!(Points::parse("0,5").map(|p| p.0), Ok(50));
        assert_eq!(Points::parse("0.25").map(|p| p.0), Ok(25));
        assert_eq!(Points::parse("4").map(|p| p.0), Ok(400));
        assert_eq!(Points::parse("-1,5").map(|p| p.0), Ok(-150));
        assert!(Points::parse("0,125").is_err());
        assert!(Points::parse("4,").is_err());
        assert!(Points::parse("").is_err());
        assert!(Points::parse("x").is_err());
    }

    #[test]
    fn display_drops_trailing_zeros() {
        assert_eq!(Points(450).to_string(), "4,5");
        assert_eq!(Points(425).to_string(), "4,25");
        assert_eq!(Points(400).to_string(), "4");
        assert_eq!(Points(5).to_string(), "0,05");
        assert_eq!(Points(-150).to_string(), "-1,5");
    }

    proptest! {
        #[test]
        fn display_parses_back(value in -1_000_000i64..=1_000_000) {
            let shown = Points(value).to_string();
            prop_assert_eq!(Points::parse(&shown).map(|p| p.0), Ok(value));
        }
    }
}
