//! Dates and instants. Instants are kept in UTC; people read and type them
//! in Europe/Rome local time. Nothing here reads the clock: "now" is a parameter.

use chrono::{
    DateTime, Datelike, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc,
};
use chrono_tz::{Europe::Rome, Tz};

pub type Timestamp = DateTime<Utc>;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("data mancante")]
    Empty,
    #[error("data non valida '{0}': usa gg/mm/aaaa")]
    Invalid(String),
    #[error("data inesistente: {0}")]
    Nonexistent(String),
    #[error("data e ora non valide '{0}': usa gg/mm/aaaa hh:mm")]
    InvalidDateTime(String),
    #[error("ora inesistente per il cambio dell'ora legale: {0}")]
    DstGap(String),
}

pub fn to_rome(ts: Timestamp) -> DateTime<Tz> {
    ts.with_timezone(&Rome)
}

/// "gg/mm/aaaa".
pub fn format_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// Date in Rome, "gg/mm/aaaa".
pub fn format_ts_date(ts: Timestamp) -> String {
    format_date(rome_date(ts))
}

/// Time in Rome, "hh:mm".
pub fn format_ts_time(ts: Timestamp) -> String {
    to_rome(ts).format("%H:%M").to_string()
}

/// Date and time in Rome, "gg/mm/aaaa hh:mm".
pub fn format_ts(ts: Timestamp) -> String {
    to_rome(ts).format("%d/%m/%Y %H:%M").to_string()
}

/// Accepts "gg/mm/aaaa", "g/m/aaaa" and ISO "aaaa-mm-gg".
pub fn parse_date(s: &str) -> Result<NaiveDate, DateError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(DateError::Empty);
    }
    let (y, m, d) = date_fields(t).ok_or_else(|| DateError::Invalid(t.to_string()))?;
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| DateError::Nonexistent(t.to_string()))
}

/// Accepts "gg/mm/aaaa hh:mm", "gg/mm/aaaa hh:mm:ss" and "gg/mm/aaaa" (midnight), in Rome time.
/// In the autumn hour that occurs twice the earlier instant is taken.
pub fn parse_datetime_rome(s: &str) -> Result<Timestamp, DateError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(DateError::Empty);
    }
    let invalid = || DateError::InvalidDateTime(t.to_string());
    let mut parts = t.split_whitespace();
    let date_part = parts.next().ok_or_else(invalid)?;
    let time_part = parts.next();
    if parts.next().is_some() {
        return Err(invalid());
    }
    let date = match parse_date(date_part) {
        Ok(d) => d,
        Err(DateError::Nonexistent(_)) => return Err(DateError::Nonexistent(t.to_string())),
        Err(_) => return Err(invalid()),
    };
    let time = match time_part {
        None => NaiveTime::MIN,
        Some(tp) => time_fields(tp).ok_or_else(invalid)?,
    };
    match Rome.from_local_datetime(&date.and_time(time)) {
        LocalResult::Single(dt) => Ok(dt.with_timezone(&Utc)),
        LocalResult::Ambiguous(earlier, _) => Ok(earlier.with_timezone(&Utc)),
        LocalResult::None => Err(DateError::DstGap(t.to_string())),
    }
}

/// First instant of a day in Rome.
pub fn start_of_day_rome(d: NaiveDate) -> Timestamp {
    rome_instant(d.and_time(NaiveTime::MIN), false)
}

/// 23:59:59 of a day in Rome: deadlines end then.
pub fn end_of_day_rome(d: NaiveDate) -> Timestamp {
    let last_second = NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN);
    rome_instant(d.and_time(last_second), true)
}

/// Calendar date in Rome at an instant.
pub fn rome_date(ts: Timestamp) -> NaiveDate {
    // Rome is one or two hours ahead of UTC; when both offsets give the same day (all but two
    // hours of each day) the time-zone lookup, the costly part when ranking 100.000
    // applications, is not needed.
    let winter = (ts + chrono::Duration::hours(1)).date_naive();
    let summer = (ts + chrono::Duration::hours(2)).date_naive();
    if winter == summer {
        winter
    } else {
        to_rome(ts).date_naive()
    }
}

/// Calendar days from today (in Rome) to the deadline: 0 on the day itself, negative once past.
pub fn days_until(deadline: NaiveDate, now: Timestamp) -> i64 {
    deadline.signed_duration_since(rome_date(now)).num_days()
}

/// True once the deadline day has ended in Rome, i.e. after its whole 23:59:59 second.
/// Agrees with `days_until(..) < 0`.
pub fn is_past_deadline(deadline: NaiveDate, now: Timestamp) -> bool {
    rome_date(now) > deadline
}

/// Completed years; someone born on 29/02 turns a year older on 01/03 in common years.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> u32 {
    let mut years = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    u32::try_from(years).unwrap_or(0)
}

/// RFC 3339 in UTC with milliseconds and 'Z' (`YYYY-MM-DDTHH:MM:SS.sssZ`), the form the IO
/// documentation uses for `due_date`; finer fractions are truncated.
pub fn to_io_utc(ts: Timestamp) -> String {
    ts.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// Rome wall-clock time to an instant, for times we build ourselves (never an error).
fn rome_instant(local: NaiveDateTime, prefer_later: bool) -> Timestamp {
    match Rome.from_local_datetime(&local) {
        LocalResult::Single(dt) => dt.with_timezone(&Utc),
        LocalResult::Ambiguous(earlier, later) => {
            if prefer_later { later } else { earlier }.with_timezone(&Utc)
        }
        // Only in historical years with a midnight switch: read the time with the
        // offset in force just before the gap, i.e. shift it forward across the gap.
        LocalResult::None => {
            let before = local
                .checked_sub_signed(chrono::TimeDelta::days(1))
                .unwrap_or(local);
            let offset = Rome.offset_from_utc_datetime(&before).fix();
            let shift = chrono::TimeDelta::seconds(i64::from(offset.local_minus_utc()));
            local.checked_sub_signed(shift).unwrap_or(local).and_utc()
        }
    }
}

fn all_digits(s: &str, lengths: std::ops::RangeInclusive<usize>) -> bool {
    lengths.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

fn date_fields(s: &str) -> Option<(i32, u32, u32)> {
    let slash: Vec<&str> = s.split('/').collect();
    if let [d, m, y] = slash.as_slice() {
        if all_digits(d, 1..=2) && all_digits(m, 1..=2) && all_digits(y, 4..=4) {
            return Some((y.parse().ok()?, m.parse().ok()?, d.parse().ok()?));
        }
        return None;
    }
    let dash: Vec<&str> = s.split('-').collect();
    match dash.as_slice() {
        [y, m, d] if all_digits(y, 4..=4) && all_digits(m, 2..=2) && all_digits(d, 2..=2) => {
            Some((y.parse().ok()?, m.parse().ok()?, d.parse().ok()?))
        }
        _ => None,
    }
}

fn time_fields(s: &str) -> Option<NaiveTime> {
    let parts: Vec<&str> = s.split(':').collect();
    let (h, m, sec) = match parts.as_slice() {
        [h, m] => (*h, *m, "0"),
        [h, m, sec] if all_digits(sec, 2..=2) => (*h, *m, *sec),
        _ => return None,
    };
    if !all_digits(h, 1..=2) || !all_digits(m, 2..=2) {
        return None;
    }
    NaiveTime::from_hms_opt(h.parse().ok()?, m.parse().ok()?, sec.parse().ok()?)
}

#[cfg(test)]
mod rome_date_tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The shortcut agrees with the time-zone database at every instant from 1980 to 2100.
        #[test]
        fn rome_date_matches_the_time_zone(secs in 315_532_800i64..4_102_444_800) {
            let ts = chrono::DateTime::from_timestamp(secs, 0).unwrap_or_default();
            prop_assert_eq!(rome_date(ts), to_rome(ts).date_naive());
        }
    }

    /// Every quarter hour of a year with both clock changes.
    #[test]
    fn rome_date_matches_the_time_zone_through_2024() {
        let start = chrono::DateTime::from_timestamp(1_704_067_200, 0).unwrap_or_default();
        for quarter in 0..(366 * 96) {
            let ts = start + chrono::Duration::minutes(15 * quarter);
            assert_eq!(rome_date(ts), to_rome(ts).date_naive(), "{ts}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn utc(s: &str) -> Timestamp {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn end_and_start_of_day() {
        assert_eq!(
            to_io_utc(end_of_day_rome(date(2024, 11, 14))),
            "2024-11-14T22:59:59.000Z"
        );
        assert_eq!(
            to_io_utc(end_of_day_rome(date(2024, 7, 1))),
            "2024-07-01T21:59:59.000Z"
        );
        assert_eq!(
            to_io_utc(start_of_day_rome(date(2024, 11, 14))),
            "2024-11-13T23:00:00.000Z"
        );
        assert_eq!(
            to_io_utc(start_of_day_rome(date(2024, 7, 1))),
            "2024-06-30T22:00:00.000Z"
        );
        // Days with a DST change are 23 and 25 hours long.
        let spring = end_of_day_rome(date(2024, 3, 31)) - start_of_day_rome(date(2024, 3, 31));
        assert_eq!(spring.num_seconds(), 23 * 3600 - 1);
        let autumn = end_of_day_rome(date(2024, 10, 27)) - start_of_day_rome(date(2024, 10, 27));
        assert_eq!(autumn.num_seconds(), 25 * 3600 - 1);
    }

    #[test]
    fn historical_midnight_switch_does_not_panic() {
        // In 1966–1968 Italy switched to summer time at midnight (tz database).
        for d in [date(1966, 5, 22), date(1967, 5, 28), date(1968, 5, 26)] {
            let start = start_of_day_rome(d);
            assert_eq!(rome_date(start), d);
            assert!(start < end_of_day_rome(d));
        }
        // Extreme dates must not panic either.
        let _ = end_of_day_rome(NaiveDate::MAX);
        let _ = start_of_day_rome(NaiveDate::MIN);
    }

    #[test]
    fn formatting_in_rome() {
        let ts = utc("2024-11-14T22:59:59Z");
        assert_eq!(format_ts(ts), "14/11/2024 23:59");
        assert_eq!(format_ts_date(ts), "14/11/2024");
        assert_eq!(format_ts_time(ts), "23:59");
        // Late UTC evening is already the next day in Rome.
        let ts = utc("2024-07-01T22:30:00Z");
        assert_eq!(format_ts(ts), "02/07/2024 00:30");
        assert_eq!(to_rome(ts).format("%H:%M").to_string(), "00:30");
        assert_eq!(format_date(date(2024, 3, 5)), "05/03/2024");
        assert_eq!(
            to_io_utc(utc("2024-11-14T22:59:59.123+00:00")),
            "2024-11-14T22:59:59.123Z"
        );
        // Finer fractions are truncated, never rounded up into the next second.
        assert_eq!(
            to_io_utc(utc("2024-11-14T22:59:59.999900+00:00")),
            "2024-11-14T22:59:59.999Z"
        );
    }

    #[test]
    fn parse_date_forms() {
        assert_eq!(parse_date("14/11/2024"), Ok(date(2024, 11, 14)));
        assert_eq!(parse_date(" 5/3/2024 "), Ok(date(2024, 3, 5)));
        assert_eq!(parse_date("2024-03-05"), Ok(date(2024, 3, 5)));
        assert_eq!(parse_date("29/02/2024"), Ok(date(2024, 2, 29)));
    }

    #[test]
    fn parse_date_errors() {
        let e = parse_date("  ").unwrap_err();
        assert_eq!(e, DateError::Empty);
        assert_eq!(e.to_string(), "data mancante");
        for bad in [
            "14-11-2024",
            "14/11/24",
            "2024/11/14",
            "14/11/2024/1",
            "aa/bb/cccc",
            "2024-3-5",
            "14 11 2024",
            "+1/11/2024",
        ] {
            assert_eq!(
                parse_date(bad),
                Err(DateError::Invalid(bad.to_string())),
                "{bad}"
            );
        }
        assert_eq!(
            parse_date("14.11.2024").unwrap_err().to_string(),
            "data non valida '14.11.2024': usa gg/mm/aaaa"
        );
        let e = parse_date("29/02/2023").unwrap_err();
        assert_eq!(e, DateError::Nonexistent("29/02/2023".to_string()));
        assert_eq!(e.to_string(), "data inesistente: 29/02/2023");
        assert!(matches!(
            parse_date("31/04/2024"),
            Err(DateError::Nonexistent(_))
        ));
        assert!(matches!(
            parse_date("00/01/2024"),
            Err(DateError::Nonexistent(_))
        ));
        assert!(matches!(
            parse_date("2024-13-01"),
            Err(DateError::Nonexistent(_))
        ));
    }

    #[test]
    fn parse_datetime_forms() {
        assert_eq!(
            parse_datetime_rome("14/11/2024 23:59"),
            Ok(utc("2024-11-14T22:59:00Z"))
        );
        assert_eq!(
            parse_datetime_rome("14/11/2024 23:59:59"),
            Ok(utc("2024-11-14T22:59:59Z"))
        );
        assert_eq!(
            parse_datetime_rome(" 14/11/2024 "),
            Ok(utc("2024-11-13T23:00:00Z"))
        );
        assert_eq!(
            parse_datetime_rome("1/7/2024 9:05"),
            Ok(utc("2024-07-01T07:05:00Z"))
        );
        assert_eq!(
            parse_datetime_rome("2024-07-01 09:05"),
            Ok(utc("2024-07-01T07:05:00Z"))
        );
        // Ambiguous autumn hour: the earlier instant (still summer time).
        assert_eq!(
            parse_datetime_rome("27/10/2024 02:30"),
            Ok(utc("2024-10-27T00:30:00Z"))
        );
        // Just around the spring gap.
        assert_eq!(
            parse_datetime_rome("31/03/2024 01:59"),
            Ok(utc("2024-03-31T00:59:00Z"))
        );
        assert_eq!(
            parse_datetime_rome("31/03/2024 03:00"),
            Ok(utc("2024-03-31T01:00:00Z"))
        );
    }

    #[test]
    fn parse_datetime_errors() {
        assert_eq!(parse_datetime_rome(""), Err(DateError::Empty));
        let e = parse_datetime_rome("31/03/2024 02:30").unwrap_err();
        assert_eq!(e, DateError::DstGap("31/03/2024 02:30".to_string()));
        assert_eq!(
            e.to_string(),
            "ora inesistente per il cambio dell'ora legale: 31/03/2024 02:30"
        );
        for bad in [
            "14/11/2024 24:00",
            "14/11/2024 23:5",
            "14/11/2024 23",
            "14/11/2024 23:59 x",
            "14/11 23:59",
            "14/11/2024 23:59:60",
            "14/11/2024 ab:cd",
        ] {
            assert_eq!(
                parse_datetime_rome(bad),
                Err(DateError::InvalidDateTime(bad.to_string())),
                "{bad}"
            );
        }
        assert_eq!(
            parse_datetime_rome("14/11/2024 25:00")
                .unwrap_err()
                .to_string(),
            "data e ora non valide '14/11/2024 25:00': usa gg/mm/aaaa hh:mm"
        );
        assert_eq!(
            parse_datetime_rome("30/02/2024 10:00"),
            Err(DateError::Nonexistent("30/02/2024 10:00".to_string()))
        );
    }

    #[test]
    fn deadlines() {
        let deadline = date(2024, 11, 14);
        let last_second = utc("2024-11-14T22:59:59Z");
        assert!(!is_past_deadline(deadline, last_second));
        assert!(!is_past_deadline(deadline, utc("2024-11-14T22:59:59.999Z")));
        assert!(is_past_deadline(deadline, utc("2024-11-14T23:00:00Z")));
        assert_eq!(days_until(deadline, last_second), 0);
        assert_eq!(days_until(deadline, utc("2024-11-14T23:00:00Z")), -1);
        assert_eq!(days_until(deadline, utc("2024-11-13T23:00:00Z")), 0);
        assert_eq!(days_until(deadline, utc("2024-11-13T22:59:59Z")), 1);
        assert_eq!(days_until(deadline, utc("2024-10-15T10:00:00Z")), 30);
        // Summer: midnight in Rome is 22:00 UTC.
        let summer = date(2024, 7, 1);
        assert!(!is_past_deadline(summer, utc("2024-07-01T21:59:59Z")));
        assert!(is_past_deadline(summer, utc("2024-07-01T22:00:00Z")));
    }

    #[test]
    fn ages() {
        assert_eq!(age_on(date(1983, 11, 18), date(2024, 11, 17)), 40);
        assert_eq!(age_on(date(1983, 11, 18), date(2024, 11, 18)), 41);
        // Born on a leap day: older on 01/03 in common years, on 29/02 in leap years.
        let leap = date(2004, 2, 29);
        assert_eq!(age_on(leap, date(2022, 2, 28)), 17);
        assert_eq!(age_on(leap, date(2022, 3, 1)), 18);
        assert_eq!(age_on(leap, date(2024, 2, 28)), 19);
        assert_eq!(age_on(leap, date(2024, 2, 29)), 20);
        // Born on 28/02 or 01/03 around a leap day.
        assert_eq!(age_on(date(2000, 3, 1), date(2018, 2, 28)), 17);
        assert_eq!(age_on(date(2000, 3, 1), date(2018, 3, 1)), 18);
        assert_eq!(age_on(date(2000, 2, 28), date(2024, 2, 28)), 24);
        assert_eq!(age_on(leap, leap), 0);
        // A birth after the reference date is not a negative age.
        assert_eq!(age_on(date(2030, 1, 1), date(2024, 1, 1)), 0);
    }
}
