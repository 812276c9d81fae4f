//! Amounts in euro, held as whole cents so that sums are exact.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::number::group_thousands;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("importo mancante")]
    Empty,
    #[error("importo negativo non ammesso")]
    Negative,
    #[error("troppi decimali: al massimo 2")]
    TooManyDecimals,
    #[error("separatore delle migliaia mal posto")]
    MisplacedThousands,
    #[error("usa la virgola per i decimali (es. 1.234,56)")]
    UseComma,
    #[error("carattere non valido '{0}' nell'importo")]
    BadChar(char),
    #[error("importo incompleto: mancano cifre prima o dopo la virgola (es. 0,50)")]
    MissingDigits,
    #[error("importo troppo grande")]
    TooLarge,
}

/// An amount of money in euro cents.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(u64);

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_cents(c: u64) -> Self {
        Money(c)
    }

    pub const fn cents(self) -> u64 {
        self.0
    }

    /// None when the amount in cents would not fit.
    pub const fn from_euros(e: u64) -> Option<Self> {
        match e.checked_mul(100) {
            Some(c) => Some(Money(c)),
            None => None,
        }
    }

    pub fn checked_add(self, o: Money) -> Option<Money> {
        self.0.checked_add(o.0).map(Money)
    }

    pub fn saturating_add(self, o: Money) -> Money {
        Money(self.0.saturating_add(o.0))
    }

    pub fn checked_sub(self, o: Money) -> Option<Money> {
        self.0.checked_sub(o.0).map(Money)
    }

    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// Italian format without the currency sign, e.g. "1.234,56".
    pub fn format_plain(self) -> String {
        format!("{},{:02}", group_thousands(self.0 / 100), self.0 % 100)
    }

    /// Parses an amount typed the Italian way: "1.234,56", "1234,5", "16", "€ 16,00".
    pub fn parse(input: &str) -> Result<Money, MoneyError> {
        let s = input.trim();
        let s = if let Some(rest) = s.strip_prefix('€') {
            rest.trim_start()
        } else if let Some(rest) = s.strip_suffix('€') {
            rest.trim_end()
        } else {
            s
        };
        if s.is_empty() {
            return Err(MoneyError::Empty);
        }
        if s.contains('-') {
            return Err(MoneyError::Negative);
        }
        if let Some(c) = s
            .chars()
            .find(|c| !(c.is_ascii_digit() || *c == '.' || *c == ','))
        {
            return Err(MoneyError::BadChar(c));
        }

        let (int_part, dec_part) = match s.split_once(',') {
            Some((i, d)) => (i, Some(d)),
            None => (s, None),
        };
        if dec_part.is_some_and(|d| d.contains(',') || d.contains('.')) {
            return Err(MoneyError::MisplacedThousands);
        }

        let euro_digits = if int_part.contains('.') {
            let groups: Vec<&str> = int_part.split('.').collect();
            // "1234.56" or "16.5": an English decimal point, not a thousands separator.
            let english = match groups.as_slice() {
                [_, last] => dec_part.is_none() && (1..=2).contains(&last.len()),
                _ => false,
            };
            if english {
                return Err(MoneyError::UseComma);
            }
            let well_formed = match groups.split_first() {
                Some((first, rest)) => {
                    (1..=3).contains(&first.len()) && rest.iter().all(|g| g.len() == 3)
                }
                None => false,
            };
            if !well_formed {
                return Err(MoneyError::MisplacedThousands);
            }
            groups.concat()
        } else {
            int_part.to_string()
        };
        if euro_digits.is_empty() {
            return Err(MoneyError::MissingDigits);
        }

        let cents = match dec_part {
            None => 0,
            Some("") => return Err(MoneyError::MissingDigits),
            Some(d) if d.len() > 2 => return Err(MoneyError::TooManyDecimals),
            Some(d) => {
                let v = digits_value(d).ok_or(MoneyError::TooLarge)?;
                // "16,5" means 16,50.
                if d.len() == 1 { v * 10 } else { v }
            }
        };
        digits_value(&euro_digits)
            .and_then(|e| e.checked_mul(100))
            .and_then(|c| c.checked_add(cents))
            .map(Money)
            .ok_or(MoneyError::TooLarge)
    }
}

/// Value of a string of ASCII digits; None on overflow.
fn digits_value(digits: &str) -> Option<u64> {
    digits.bytes().try_fold(0u64, |acc, b| {
        acc.checked_mul(10)?
            .checked_add(u64::from(b.wrapping_sub(b'0')))
    })
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // pad so that width and alignment work in tables.
        f.pad(&format!("{} €", self.format_plain()))
    }
}

impl FromStr for Money {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Money::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(s: &str) -> Result<u64, MoneyError> {
        Money::parse(s).map(Money::cents)
    }

    #[test]
    fn display() {
        assert_eq!(Money::from_cents(0).to_string(), "0,00 €");
        assert_eq!(Money::from_cents(5).to_string(), "0,05 €");
        assert_eq!(Money::from_cents(1600).to_string(), "16,00 €");
        assert_eq!(Money::from_cents(123456).to_string(), "1.234,56 €");
        assert_eq!(Money::from_cents(100000).to_string(), "1.000,00 €");
        assert_eq!(Money::from_cents(123456789).to_string(), "1.234.567,89 €");
        assert_eq!(Money::from_cents(123456).format_plain(), "1.234,56");
        assert_eq!(
            Money::from_cents(u64::MAX).format_plain(),
            "184.467.440.737.095.516,15"
        );
        assert_eq!(format!("{:>10}", Money::from_cents(1600)), "   16,00 €");
    }

    #[test]
    fn arithmetic() {
        assert_eq!(Money::from_euros(16), Some(Money::from_cents(1600)));
        assert_eq!(Money::from_euros(u64::MAX), None);
        let a = Money::from_cents(150);
        assert_eq!(a.checked_add(a), Some(Money::from_cents(300)));
        assert_eq!(Money::from_cents(u64::MAX).checked_add(a), None);
        assert_eq!(
            a.checked_sub(Money::from_cents(50)),
            Some(Money::from_cents(100))
        );
        assert_eq!(Money::ZERO.checked_sub(a), None);
        assert!(Money::default().is_zero());
    }

    #[test]
    fn parse_accepts_italian_forms() {
        assert_eq!(p("1234,56"), Ok(123456));
        assert_eq!(p("1.234,56"), Ok(123456));
        assert_eq!(p("1.234"), Ok(123400));
        assert_eq!(p("1.234.567,89"), Ok(123456789));
        assert_eq!(p("16"), Ok(1600));
        assert_eq!(p("16,5"), Ok(1650));
        assert_eq!(p("0,05"), Ok(5));
        assert_eq!(p(" € 16,00 "), Ok(1600));
        assert_eq!(p("€16"), Ok(1600));
        assert_eq!(p("16,00 €"), Ok(1600));
        assert_eq!(p("16€"), Ok(1600));
        assert_eq!(p("184467440737095516,15"), Ok(u64::MAX));
        assert_eq!("2,50".parse::<Money>(), Ok(Money::from_cents(250)));
    }

    #[test]
    fn parse_errors_with_italian_messages() {
        let cases: &[(&str, MoneyError, &str)] = &[
            ("", MoneyError::Empty, "importo mancante"),
            (" € ", MoneyError::Empty, "importo mancante"),
            ("-5", MoneyError::Negative, "importo negativo non ammesso"),
            (
                "€ -5,00",
                MoneyError::Negative,
                "importo negativo non ammesso",
            ),
            (
                "1,234",
                MoneyError::TooManyDecimals,
                "troppi decimali: al massimo 2",
            ),
            (
                "12.34.567",
                MoneyError::MisplacedThousands,
                "separatore delle migliaia mal posto",
            ),
            (
                "1234.567",
                MoneyError::MisplacedThousands,
                "separatore delle migliaia mal posto",
            ),
            (
                "1.2345,00",
                MoneyError::MisplacedThousands,
                "separatore delle migliaia mal posto",
            ),
            (
                "1,234,567",
                MoneyError::MisplacedThousands,
                "separatore delle migliaia mal posto",
            ),
            (
                "1.234.56",
                MoneyError::MisplacedThousands,
                "separatore delle migliaia mal posto",
            ),
            (
                ".123",
                MoneyError::MisplacedThousands,
                "separatore delle migliaia mal posto",
            ),
            (
                "1234.56",
                MoneyError::UseComma,
                "usa la virgola per i decimali (es. 1.234,56)",
            ),
            (
                "16.5",
                MoneyError::UseComma,
                "usa la virgola per i decimali (es. 1.234,56)",
            ),
            (
                "12a",
                MoneyError::BadChar('a'),
                "carattere non valido 'a' nell'importo",
            ),
            (
                "1 234",
                MoneyError::BadChar(' '),
                "carattere non valido ' ' nell'importo",
            ),
            (
                "+5",
                MoneyError::BadChar('+'),
                "carattere non valido '+' nell'importo",
            ),
            (
                "€5€",
                MoneyError::BadChar('€'),
                "carattere non valido '€' nell'importo",
            ),
            (
                ",50",
                MoneyError::MissingDigits,
                "importo incompleto: mancano cifre prima o dopo la virgola (es. 0,50)",
            ),
            (
                "16,",
                MoneyError::MissingDigits,
                "importo incompleto: mancano cifre prima o dopo la virgola (es. 0,50)",
            ),
            (
                "184467440737095516,16",
                MoneyError::TooLarge,
                "importo troppo grande",
            ),
            (
                "99999999999999999999999",
                MoneyError::TooLarge,
                "importo troppo grande",
            ),
        ];
        for (input, err, msg) in cases {
            let e = Money::parse(input).unwrap_err();
            assert_eq!(&e, err, "{input:?}");
            assert_eq!(e.to_string(), *msg, "{input:?}");
        }
    }

    #[test]
    fn serde_is_the_integer_of_cents() {
        let m = Money::from_cents(123456);
        assert_eq!(serde_json::to_string(&m).unwrap(), "123456");
        assert_eq!(serde_json::from_str::<Money>("123456").unwrap(), m);
    }

    proptest! {
        #[test]
        fn round_trip(c in 0u64..1_000_000_000_000_000) {
            let m = Money::from_cents(c);
            prop_assert_eq!(Money::parse(&m.format_plain()), Ok(m));
            prop_assert_eq!(Money::parse(&m.to_string()), Ok(m));
        }
    }
}
