//! pagoPA "numero avviso": 18 digits, `<aux digit>[<application code>]<IUV>`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

const LEN: usize = 18;
/// Bases of aux 3 numbers are 13 digits.
const BASE_LIMIT: u64 = 10_000_000_000_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoticeError {
    #[error("numero avviso mancante")]
    Empty,
    #[error("lunghezza errata: {found} cifre invece di 18")]
    Length { found: usize },
    #[error("carattere non valido '{found}' in posizione {position}: attesa una cifra")]
    BadChar { position: usize, found: char },
    #[error("prima cifra (aux digit) {0} non valida: attesa 0, 1, 2 o 3")]
    BadAux(u8),
    #[error("cifre di controllo errate: attese {expected:02}, trovate {found:02}")]
    CheckDigits { expected: u8, found: u8 },
    #[error("codice di segregazione o base fuori intervallo")]
    OutOfRange,
}

/// A valid numero avviso (18 ASCII digits, check digits verified where the layout has them).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NoticeNumber(String);

impl NoticeNumber {
    /// Accepts the number as printed, in groups separated by spaces.
    pub fn parse(input: &str) -> Result<Self, NoticeError> {
        let s: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if s.is_empty() {
            return Err(NoticeError::Empty);
        }
        let found = s.chars().count();
        if found != LEN {
            return Err(NoticeError::Length { found });
        }
        if let Some((i, c)) = s.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
            return Err(NoticeError::BadChar {
                position: i + 1,
                found: c,
            });
        }
        // All ASCII digits from here on, so byte slicing is safe.
        let aux = s.as_bytes()[0] - b'0';
        match aux {
            0 | 2 | 3 => {
                let expected = check_digits(&s[..16]);
                let found = u8::try_from(digits_value(&s[16..])).unwrap_or(u8::MAX);
                if expected != found {
                    return Err(NoticeError::CheckDigits { expected, found });
                }
            }
            1 => {}
            d => return Err(NoticeError::BadAux(d)),
        }
        Ok(NoticeNumber(s))
    }

    /// Builds an aux 3 number from a segregation code (0–99) and a 13-digit base.
    pub fn aux3(segregation: u8, base: u64) -> Result<Self, NoticeError> {
        if segregation > 99 || base >= BASE_LIMIT {
            return Err(NoticeError::OutOfRange);
        }
        let first16 = format!("3{segregation:02}{base:013}");
        let check = check_digits(&first16);
        Ok(NoticeNumber(format!("{first16}{check:02}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn aux_digit(&self) -> u8 {
        self.0
            .as_bytes()
            .first()
            .map_or(0, |b| b.wrapping_sub(b'0'))
    }

    /// Identificativo univoco di versamento: without the application code for aux 0.
    pub fn iuv(&self) -> &str {
        if self.aux_digit() == 0 {
            &self.0[3..]
        } else {
            &self.0[1..]
        }
    }

    /// Segregation code of an aux 3 number.
    pub fn segregation_code(&self) -> Option<u8> {
        if self.aux_digit() == 3 {
            u8::try_from(digits_value(&self.0[1..3])).ok()
        } else {
            None
        }
    }

    /// Groups of four digits, as printed on the notice: "0013 4000 0013 9008 08".
    pub fn grouped(&self) -> String {
        let mut out = String::with_capacity(LEN + LEN / 4);
        for (i, c) in self.0.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                out.push(' ');
            }
            out.push(c);
        }
        out
    }
}

/// (first 16 digits as a number) mod 93; 16 digits always fit in u64.
fn check_digits(first16: &str) -> u8 {
    u8::try_from(digits_value(first16) % 93).unwrap_or(u8::MAX)
}

/// Value of a string of at most 19 ASCII digits.
fn digits_value(digits: &str) -> u64 {
    digits.bytes().fold(0u64, |acc, b| {
        acc.wrapping_mul(10)
            .wrapping_add(u64::from(b.wrapping_sub(b'0')))
    })
}

impl fmt::Display for NoticeNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

impl FromStr for NoticeNumber {
    type Err = NoticeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for NoticeNumber {
    type Error = NoticeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<NoticeNumber> for String {
    fn from(n: NoticeNumber) -> String {
        n.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const VECTOR: &str = "001340000013900808";

    /// Puts the right check digits on the first 16 digits.
    fn with_check(first16: &str) -> String {
        format!("{first16}{:02}", check_digits(first16))
    }

    #[test]
    fn vector_is_valid() {
        let n = NoticeNumber::parse(VECTOR).unwrap();
        assert_eq!(n.as_str(), VECTOR);
        assert_eq!(n.aux_digit(), 0);
        assert_eq!(n.iuv(), "340000013900808");
        assert_eq!(n.segregation_code(), None);
        assert_eq!(n.grouped(), "0013 4000 0013 9008 08");
        assert_eq!(n.to_string(), VECTOR);
        assert_eq!(NoticeNumber::parse(&n.grouped()), Ok(n.clone()));
        assert_eq!(NoticeNumber::parse(" 0013 4000 0013 9008 08 "), Ok(n));
    }

    #[test]
    fn every_aux_digit() {
        let a1 = NoticeNumber::parse("112345678901234567").unwrap();
        assert_eq!(a1.aux_digit(), 1);
        assert_eq!(a1.iuv(), "12345678901234567");

        let a2 = NoticeNumber::parse(&with_check("2123456789012345")).unwrap();
        assert_eq!(a2.aux_digit(), 2);
        assert_eq!(a2.iuv().len(), 17);

        let a3 = NoticeNumber::aux3(1, 1_234_567_890_123).unwrap();
        assert_eq!(a3.as_str(), with_check("3011234567890123"));
        assert_eq!(a3.aux_digit(), 3);
        assert_eq!(a3.iuv(), &a3.as_str()[1..]);
        assert_eq!(a3.segregation_code(), Some(1));
        assert_eq!(NoticeNumber::parse(a3.as_str()), Ok(a3));

        // The QR-code example seen in public code bases carries made-up check digits.
        assert_eq!(
            NoticeNumber::parse("399000012345678900"),
            Err(NoticeError::CheckDigits {
                expected: 90,
                found: 0
            })
        );
    }

    #[test]
    fn errors_with_italian_messages() {
        let e = NoticeNumber::parse("  ").unwrap_err();
        assert_eq!(e, NoticeError::Empty);
        assert_eq!(e.to_string(), "numero avviso mancante");

        let e = NoticeNumber::parse("00134000001390080").unwrap_err();
        assert_eq!(e, NoticeError::Length { found: 17 });
        assert_eq!(e.to_string(), "lunghezza errata: 17 cifre invece di 18");

        let e = NoticeNumber::parse("0013400000139008O8").unwrap_err();
        assert_eq!(
            e.to_string(),
            "carattere non valido 'O' in posizione 17: attesa una cifra"
        );

        let e = NoticeNumber::parse("401340000013900808").unwrap_err();
        assert_eq!(e, NoticeError::BadAux(4));
        assert_eq!(
            e.to_string(),
            "prima cifra (aux digit) 4 non valida: attesa 0, 1, 2 o 3"
        );

        let e = NoticeNumber::parse("001340000013900809").unwrap_err();
        assert_eq!(
            e,
            NoticeError::CheckDigits {
                expected: 8,
                found: 9
            }
        );
        assert_eq!(
            e.to_string(),
            "cifre di controllo errate: attese 08, trovate 09"
        );
        // Check digits above 92 can never be right.
        let e = NoticeNumber::parse("001340000013900899").unwrap_err();
        assert_eq!(
            e,
            NoticeError::CheckDigits {
                expected: 8,
                found: 99
            }
        );

        let e = NoticeNumber::aux3(100, 0).unwrap_err();
        assert_eq!(e, NoticeError::OutOfRange);
        assert_eq!(
            e.to_string(),
            "codice di segregazione o base fuori intervallo"
        );
        assert_eq!(
            NoticeNumber::aux3(0, BASE_LIMIT),
            Err(NoticeError::OutOfRange)
        );
        assert!(NoticeNumber::aux3(99, BASE_LIMIT - 1).is_ok());
    }

    #[test]
    fn serde_goes_through_validation() {
        let n = NoticeNumber::parse(VECTOR).unwrap();
        assert_eq!(serde_json::to_string(&n).unwrap(), format!("\"{VECTOR}\""));
        assert_eq!(
            serde_json::from_str::<NoticeNumber>(&format!("\"{VECTOR}\"")).unwrap(),
            n
        );
        assert!(serde_json::from_str::<NoticeNumber>("\"001340000013900809\"").is_err());
    }

    proptest! {
        #[test]
        fn aux3_round_trip(seg in 0u8..=99, base in 0u64..BASE_LIMIT) {
            let n = NoticeNumber::aux3(seg, base).unwrap();
            let parsed = NoticeNumber::parse(n.as_str()).unwrap();
            prop_assert_eq!(parsed.segregation_code(), Some(seg));
            prop_assert_eq!(&parsed, &n);
            prop_assert_eq!(NoticeNumber::parse(&n.grouped()), Ok(n));
        }

        /// A changed digit d·10^k shifts the number by a multiple of 10^k, which
        /// 93 = 3·31 cannot divide (gcd(10, 93) = 1 and |d| ≤ 9), so every single
        /// change in positions 2–18 is caught. Position 1 is the exception: turning
        /// the aux digit 3 into 1 gives an aux 1 number, which has no check at all.
        #[test]
        fn aux3_single_digit_changes(
            seg in 0u8..=99,
            base in 0u64..BASE_LIMIT,
            pos in 0usize..18,
            digit in 0u8..=9,
        ) {
            let n = NoticeNumber::aux3(seg, base).unwrap();
            let mut bytes = n.as_str().as_bytes().to_vec();
            prop_assume!(bytes[pos] != b'0' + digit);
            bytes[pos] = b'0' + digit;
            let changed = String::from_utf8(bytes).unwrap();
            let result = NoticeNumber::parse(&changed);
            if pos == 0 && digit == 1 {
                prop_assert!(result.is_ok());
            } else {
                prop_assert!(result.is_err(), "{} accepted", changed);
            }
        }

        /// 10·a + b → 10·b + a shifts the number by 9·(b − a)·10^k: never a multiple of 93.
        #[test]
        fn aux3_adjacent_swaps_in_base_are_caught(
            seg in 0u8..=99,
            base in 0u64..BASE_LIMIT,
            pos in 1usize..15,
        ) {
            let n = NoticeNumber::aux3(seg, base).unwrap();
            let mut bytes = n.as_str().as_bytes().to_vec();
            prop_assume!(bytes[pos] != bytes[pos + 1]);
            bytes.swap(pos, pos + 1);
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert!(NoticeNumber::parse(&changed).is_err());
        }
    }
}
