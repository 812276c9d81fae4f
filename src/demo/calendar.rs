//! Days and instants of the simulated calendar: working days and national holidays, Rome
//! wall-clock time.

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};

use crate::domain::time::{Timestamp, start_of_day_rome};

pub(super) const HOUR: u32 = 3600;
pub(super) const MINUTE: u32 = 60;

/// Receipts per day of the window: fewer at weekends, rushes at the start and at the end.
pub(super) fn window_day_weight(day: NaiveDate, open: NaiveDate, close: NaiveDate) -> u64 {
    let base = match day.weekday() {
        _ if is_holiday(day) => 5,
        Weekday::Sat => 7,
        Weekday::Sun => 4,
        _ => 20,
    };
    let to_close = (close - day).num_days();
    let from_open = (day - open).num_days();
    let rush = if to_close < 2 {
        30
    } else if to_close < 7 {
        20
    } else if from_open < 3 {
        15
    } else {
        10
    };
    base * rush
}

/// The demo's offices close on the fixed holidays only: its dates stay those it has always made.
pub(super) fn is_holiday(day: NaiveDate) -> bool {
    crate::domain::calendar::is_fixed_holiday(day)
}

pub(super) fn is_working_day(day: NaiveDate) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !is_holiday(day)
}

pub(super) fn next_working_day(mut day: NaiveDate) -> NaiveDate {
    for _ in 0..10 {
        if is_working_day(day) {
            break;
        }
        day = add_days(day, 1);
    }
    day
}

pub(super) fn add_days(day: NaiveDate, days: i64) -> NaiveDate {
    let delta = Days::new(days.unsigned_abs());
    let moved = if days >= 0 {
        day.checked_add_days(delta)
    } else {
        day.checked_sub_days(delta)
    };
    moved.unwrap_or(day)
}

pub(super) fn add_years(day: NaiveDate, years: i32) -> NaiveDate {
    let year = day.year() + years;
    NaiveDate::from_ymd_opt(year, day.month(), day.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, day.month(), 28))
        .unwrap_or(day)
}

pub(super) fn age_on(birth: NaiveDate, on: NaiveDate) -> u32 {
    crate::domain::time::age_on(birth, on)
}

/// Rome wall-clock time to an instant; in the spring gap the hour that does not exist is skipped.
pub(super) fn rome_local(day: NaiveDate, secs: u32) -> Timestamp {
    let time = NaiveTime::from_num_seconds_from_midnight_opt(secs.min(86_399), 0)
        .unwrap_or(NaiveTime::MIN);
    match chrono_tz::Europe::Rome
        .from_local_datetime(&day.and_time(time))
        .earliest()
    {
        Some(at) => at.with_timezone(&Utc),
        None => start_of_day_rome(day) + chrono::TimeDelta::seconds(i64::from(secs)),
    }
}

pub(super) fn from_secs(secs: i64) -> Timestamp {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}
