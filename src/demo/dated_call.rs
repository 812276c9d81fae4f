//! The seed's call, moved to the day the demo is made: a demo started today shows a procedure
//! under way (window closed some months ago, ranking published, fees due), not one of 2024.

use chrono::{Datelike, NaiveDate, Timelike};

use super::calendar::{add_days, rome_local};
use crate::domain::call::Call;
use crate::domain::time::{format_date, rome_date, to_rome};

/// Day of the procedure that `today` is moved to: the demo's history (receipts, reviews,
/// decisions, then two months of fees before the provisional ranking and its objections) lies
/// behind it, and the procedure still has two weeks or more to run (a demo of 1.000
/// applications needs day 187).
const TARGET_DAY: i64 = 195;

/// Days before opening that the call was approved and saved.
pub(super) const DETERMINA_DAYS_BEFORE: i64 = 6;

/// `call` as is when `today` already falls inside its procedure (after the window, before the
/// last day); else moved by whole weeks, keeping the weekdays and Rome wall-clock times, so that
/// `today` is about day 195 of it. The code and the determina follow the new dates.
pub(super) fn dated(call: Call, today: NaiveDate) -> Call {
    let closing = call.closing_date();
    if today > closing && today < call.procedure_end() {
        return call;
    }
    let offset = (today - closing).num_days() - TARGET_DAY;
    // Whole weeks, rounded down: today lands on day 195 to 201.
    let weeks = offset.div_euclid(7);
    moved(call, weeks * 7)
}

pub(super) fn moved(mut call: Call, days: i64) -> Call {
    let shift = |at| {
        let local = to_rome(at);
        rome_local(
            add_days(rome_date(at), days),
            local.num_seconds_from_midnight(),
        )
    };
    let old_year = rome_date(call.opens_at).year();
    call.opens_at = shift(call.opens_at);
    call.closes_at = shift(call.closes_at);
    call.params.reference_date = call.params.reference_date.map(|d| add_days(d, days));
    let year = rome_date(call.opens_at).year();
    call.code = call.code.replace(&old_year.to_string(), &year.to_string());
    let approved = add_days(rome_date(call.opens_at), -DETERMINA_DAYS_BEFORE);
    call.determina = match call.determina.split_once(" del ") {
        Some((act, _)) => format!("{act} del {}", format_date(approved)),
        None => call.determina,
    };
    call
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::call_toml::bando_2024;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid day")
    }

    #[test]
    fn a_day_inside_the_procedure_keeps_the_call_as_it_is() {
        let call = bando_2024().expect("call");
        assert_eq!(dated(call.clone(), day(2025, 3, 3)), call);
    }

    #[test]
    fn a_later_day_moves_the_call_by_whole_weeks_into_its_procedure() {
        let call = bando_2024().expect("call");
        let today = day(2026, 12, 6);
        let moved = dated(call.clone(), today);
        let procedure_day = call_day(&moved, today);
        assert!((195..202).contains(&procedure_day), "{procedure_day}");
        assert_eq!(
            rome_date(moved.opens_at).weekday(),
            rome_date(call.opens_at).weekday()
        );
        assert_eq!(
            to_rome(moved.closes_at).time(),
            to_rome(call.closes_at).time()
        );
        assert_eq!(
            moved.closing_date() - rome_date(moved.opens_at),
            call.closing_date() - rome_date(call.opens_at)
        );
        assert_eq!(moved.code, "erp-2026");
        let approved = add_days(rome_date(moved.opens_at), -DETERMINA_DAYS_BEFORE);
        assert_eq!(
            moved.determina,
            format!("Determina n. 1514 del {}", format_date(approved))
        );
        assert!(today < moved.procedure_end());
        // An earlier day moves it back the same way.
        let early = dated(call, day(2023, 1, 10));
        assert!((195..202).contains(&call_day(&early, day(2023, 1, 10))));
    }

    fn call_day(call: &Call, today: NaiveDate) -> i64 {
        (today - call.closing_date()).num_days()
    }
}
