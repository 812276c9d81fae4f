//! Working days in Italy: the counter is closed on Sundays and on the national holidays, so
//! no appointment is proposed on them.

use chrono::{Datelike, NaiveDate, Weekday};

/// Easter Sunday of `year` in the Gregorian calendar (the anonymous Gregorian algorithm).
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

/// One of the national holidays with a fixed date that Italy has kept for decades (Saint
/// Francis, restored from 2026, is not among them).
pub fn is_fixed_holiday(day: NaiveDate) -> bool {
    matches!(
        (day.month(), day.day()),
        (1, 1)
            | (1, 6)
            | (4, 25)
            | (5, 1)
            | (6, 2)
            | (8, 15)
            | (11, 1)
            | (12, 8)
            | (12, 25)
            | (12, 26)
    )
}

/// A national holiday of the Italian Republic: the fixed ones and Easter Monday.
pub fn is_national_holiday(day: NaiveDate) -> bool {
    let fixed = is_fixed_holiday(day);
    // Saint Francis (4 October) is a national holiday again from 2026.
    let saint_francis = day.year() >= 2026 && (day.month(), day.day()) == (10, 4);
    let easter_monday = easter_sunday(day.year()).and_then(|easter| easter.succ_opt()) == Some(day);
    fixed || saint_francis || easter_monday
}

/// Neither a Sunday nor a national holiday.
pub fn is_working_day(day: NaiveDate) -> bool {
    day.weekday() != Weekday::Sun && !is_national_holiday(day)
}

/// `day` itself when the counter is open then, otherwise the first working day after it.
pub fn next_working_day(day: NaiveDate) -> NaiveDate {
    let mut day = day;
    // At most a few days in a row are closed (Christmas, Saint Stephen, a Sunday).
    for _ in 0..7 {
        if is_working_day(day) {
            break;
        }
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn easter_falls_on_the_known_sundays() {
        for (year, month, day) in [
            (2019, 4, 21),
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2038, 4, 25),
        ] {
            assert_eq!(easter_sunday(year), Some(date(year, month, day)), "{year}");
        }
    }

    #[test]
    fn national_holidays_are_the_fixed_days_and_easter_monday() {
        for day in [
            date(2025, 1, 1),
            date(2025, 1, 6),
            date(2025, 4, 21),
            date(2025, 4, 25),
            date(2025, 5, 1),
            date(2025, 6, 2),
            date(2025, 8, 15),
            date(2025, 11, 1),
            date(2025, 12, 8),
            date(2025, 12, 25),
            date(2025, 12, 26),
            date(2026, 4, 6),
            date(2026, 10, 4),
        ] {
            assert!(is_national_holiday(day), "{day}");
            assert!(!is_working_day(day), "{day}");
        }
        for day in [
            date(2025, 4, 22),
            date(2025, 10, 4),
            date(2025, 3, 19),
            date(2026, 4, 21),
        ] {
            assert!(!is_national_holiday(day), "{day}");
        }
    }

    #[test]
    fn sundays_and_holidays_move_to_the_next_working_day() {
        // A Monday stays; a Sunday becomes the Monday; Saturdays are working days.
        assert_eq!(next_working_day(date(2024, 12, 2)), date(2024, 12, 2));
        assert_eq!(next_working_day(date(2024, 12, 1)), date(2024, 12, 2));
        assert_eq!(next_working_day(date(2024, 11, 30)), date(2024, 11, 30));
        // Christmas and Saint Stephen.
        assert_eq!(next_working_day(date(2025, 12, 25)), date(2025, 12, 27));
        // Easter Sunday and Monday.
        assert_eq!(next_working_day(date(2025, 4, 20)), date(2025, 4, 22));
        // 1 November 2026 is a Sunday, 2 November a working Monday.
        assert_eq!(next_working_day(date(2026, 11, 1)), date(2026, 11, 2));
        // Sunday 7 December 2025, then the Immaculate Conception on the Monday.
        assert_eq!(next_working_day(date(2025, 12, 7)), date(2025, 12, 9));
    }
}
