//! When the office acts: working hours on working days, after the previous step.

use chrono::NaiveDate;
use rand::Rng;

use crate::domain::time::rome_date;

use super::calendar::{
    HOUR, MINUTE, add_days, from_secs, is_working_day, next_working_day, rome_local,
};
use super::lifecycle::Demo;

impl Demo<'_> {
    /// Office hours, weekdays except national holidays.
    fn office_secs(&mut self) -> u32 {
        if self.rng.random_bool(0.7) {
            self.rng
                .random_range(8 * HOUR + 30 * MINUTE..13 * HOUR + 30 * MINUTE)
        } else {
            self.rng
                .random_range(14 * HOUR + 30 * MINUTE..17 * HOUR + 30 * MINUTE)
        }
    }

    /// An office instant on `date` or the first working day after it, strictly after `prev`.
    fn office_on(&mut self, date: NaiveDate, prev: i64) -> i64 {
        let mut day = next_working_day(date);
        for _ in 0..4 {
            let at = rome_local(day, self.office_secs()).timestamp();
            if at > prev {
                return at;
            }
            day = next_working_day(add_days(day, 1));
        }
        prev + 600
    }

    pub(super) fn office_after(&mut self, prev: i64, min_days: i64, max_days: i64) -> i64 {
        let days = self.rng.random_range(min_days..=max_days);
        let date = add_days(rome_date(from_secs(prev)), days);
        self.office_on(date, prev)
    }

    /// A working day between `from` and `to`, never before the day after `prev`.
    pub(super) fn office_between(&mut self, prev: i64, from: NaiveDate, to: NaiveDate) -> i64 {
        let from = from.max(add_days(rome_date(from_secs(prev)), 1));
        let to = if to < from { add_days(from, 3) } else { to };
        let span = (to - from).num_days();
        let date = add_days(from, self.rng.random_range(0..=span));
        self.office_on(date, prev)
    }

    /// The answer to an integration request, by its deadline.
    pub(super) fn within_deadline(&mut self, requested: i64) -> i64 {
        let requested_date = rome_date(from_secs(requested));
        let days = i64::from(self.call.params.integration_days.max(1));
        let mut day = add_days(requested_date, self.rng.random_range(1..=days));
        while !is_working_day(day) && day > requested_date {
            day = add_days(day, -1);
        }
        let at = rome_local(day, self.office_secs()).timestamp();
        if at > requested {
            at
        } else {
            requested + i64::from(self.rng.random_range(10 * MINUTE..90 * MINUTE))
        }
    }
}
