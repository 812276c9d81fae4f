//! A calendar month of rent, written `aaaa-mm` on the command line and in identifiers.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::domain::error::DomainError;

const MONTH_NAMES: [&str; 12] = [
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Month {
    year: u16,
    /// 1 to 12.
    month: u8,
}

impl Month {
    pub const MIN: Month = Month {
        year: 2000,
        month: 1,
    };
    pub const MAX: Month = Month {
        year: 2999,
        month: 12,
    };

    pub fn new(year: u16, month: u8) -> Option<Month> {
        ((1..=12).contains(&month) && (2000..=2999).contains(&year))
            .then_some(Month { year, month })
    }

    pub fn of(date: NaiveDate) -> Month {
        Month {
            year: u16::try_from(date.year()).unwrap_or(2000),
            month: u8::try_from(date.month()).unwrap_or(1),
        }
    }

    /// `aaaa-mm`, e.g. `2026-11`.
    pub fn parse(input: &str) -> Result<Month, DomainError> {
        let text = input.trim();
        let invalid = || {
            DomainError::invalid(
                "mese",
                format!(
                    "«{}» non valido: scrivere aaaa-mm (es. 2026-11)",
                    crate::domain::error::shown(text)
                ),
            )
        };
        let (year, month) = text.split_once('-').ok_or_else(invalid)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(invalid());
        }
        let year: u16 = year.parse().map_err(|_| invalid())?;
        let month: u8 = month.parse().map_err(|_| invalid())?;
        Month::new(year, month).ok_or_else(invalid)
    }

    pub fn year(self) -> u16 {
        self.year
    }

    pub fn number(self) -> u8 {
        self.month
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(i32::from(self.year), u32::from(self.month), 1)
            .unwrap_or(NaiveDate::MIN)
    }

    /// The `day`-th of the month; `day` is at most 28 in every ruleset, so it always exists.
    pub fn day(self, day: u8) -> NaiveDate {
        NaiveDate::from_ymd_opt(i32::from(self.year), u32::from(self.month), u32::from(day))
            .unwrap_or_else(|| self.first_day())
    }

    pub fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year.saturating_add(1),
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    pub fn previous(self) -> Month {
        if self.month == 1 {
            Month {
                year: self.year.saturating_sub(1),
                month: 12,
            }
        } else {
            Month {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    /// «novembre 2026».
    pub fn label(self) -> String {
        format!("{} {}", MONTH_NAMES[usize::from(self.month - 1)], self.year)
    }

    /// The key bytes, in calendar order.
    pub fn key(self) -> [u8; 3] {
        let [high, low] = self.year.to_be_bytes();
        [high, low, self.month]
    }

    pub fn from_key(bytes: &[u8]) -> Option<Month> {
        match bytes {
            [high, low, month] => Month::new(u16::from_be_bytes([*high, *low]), *month),
            _ => None,
        }
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl TryFrom<String> for Month {
    type Error = String;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Month::parse(&text).map_err(|e| e.to_string())
    }
}

impl From<Month> for String {
    fn from(month: Month) -> String {
        month.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn previous_crosses_the_year_and_undoes_next() {
        let january = Month::parse("2027-01").unwrap();
        assert_eq!(january.previous(), Month::parse("2026-12").unwrap());
        assert_eq!(january.previous().next(), january);
        assert_eq!(
            Month::parse("2026-11").unwrap().previous().to_string(),
            "2026-10"
        );
    }

    #[test]
    fn parses_and_prints_the_same() {
        let month = Month::parse("2026-11").unwrap();
        assert_eq!(month.to_string(), "2026-11");
        assert_eq!(month.label(), "novembre 2026");
        assert_eq!(month.next(), Month::parse("2026-12").unwrap());
        assert_eq!(
            Month::parse("2026-12").unwrap().next().to_string(),
            "2027-01"
        );
        assert_eq!(
            month.day(15),
            NaiveDate::from_ymd_opt(2026, 11, 15).unwrap()
        );
    }

    #[test]
    fn refuses_what_is_not_a_month() {
        for bad in [
            "", "2026", "2026-13", "2026-00", "26-11", "2026-1", "2026/11", "abcd-ef",
        ] {
            assert!(Month::parse(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn keys_sort_as_months(a in 2000u16..2999, am in 1u8..=12, b in 2000u16..2999, bm in 1u8..=12) {
            let (x, y) = (Month::new(a, am).unwrap(), Month::new(b, bm).unwrap());
            prop_assert_eq!(x.cmp(&y), x.key().cmp(&y.key()));
            prop_assert_eq!(Month::from_key(&x.key()), Some(x));
            prop_assert_eq!(Month::parse(&x.to_string()).unwrap(), x);
        }

        #[test]
        fn any_text_parses_or_is_refused_without_panic(text in ".{0,12}") {
            let _ = Month::parse(&text);
        }
    }
}
