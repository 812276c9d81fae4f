//! The demo run on a day writes nothing dated after that day: no audit event, publication or
//! objection (appointments are bookings and lie ahead by design).

use crate::common;

use alloggi::demo::{DemoOptions, add_ranking, populate_on};
use alloggi::domain::time::rome_date;
use chrono::NaiveDate;
use common::open;

#[test]
fn a_large_demo_publishes_its_ranking_before_the_day_it_is_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path());
    // Enough admitted applications that a minute per verification ran past midnight: 1.000
    // published the day after `today`, as 5.000 did in the issue.
    let options = DemoOptions {
        applications: 1_000,
        seed: 2024,
    };
    let today = NaiveDate::from_ymd_opt(2026, 12, 7).expect("day");
    let summary = populate_on(&store, &options, today, &mut |_, _| {}).expect("demo");
    assert_eq!(summary.intake.today, today);
    let ranking = add_ranking(&store, options.seed)
        .expect("ranking")
        .expect("admitted applications");

    let published = rome_date(ranking.header.published_at);
    assert!(published < today, "published on {published}, today {today}");
    let events = store.audit_events(0, usize::MAX).expect("audit");
    assert_eq!(events.len(), store.audit_len());
    let late: Vec<_> = events
        .iter()
        .filter(|(_, event)| rome_date(event.at) >= today)
        .map(|(seq, event)| (seq, event.at))
        .collect();
    assert!(
        late.is_empty(),
        "{} events on or after {today}: {:?}",
        late.len(),
        &late[..late.len().min(5)]
    );
    let code = store.active_call().expect("call").expect("active").code;
    let mut objections = 0;
    for app in store.call_applications(&code).expect("applications") {
        for objection in &app.objections {
            objections += 1;
            assert!(objection.received_on < today, "{objection:?}");
            assert!(rome_date(objection.recorded_at) < today, "{objection:?}");
            if let Some(decision) = &objection.decision {
                assert!(rome_date(decision.at) < today, "{objection:?}");
            }
        }
    }
    assert_eq!(objections, ranking.objections);
}

#[test]
fn a_demo_made_on_any_day_shows_its_procedure_under_way_that_day() {
    for today in [
        NaiveDate::from_ymd_opt(2026, 12, 6).expect("day"),
        NaiveDate::from_ymd_opt(2031, 2, 28).expect("day"),
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = open(dir.path());
        let options = DemoOptions {
            applications: 120,
            seed: 2024,
        };
        let summary = populate_on(&store, &options, today, &mut |_, _| {}).expect("demo");
        assert_eq!(summary.intake.today, today);
        let ranking = add_ranking(&store, options.seed)
            .expect("ranking")
            .expect("admitted applications");
        assert!(rome_date(ranking.header.published_at) < today);
        let call = store.active_call().expect("call").expect("active");
        // The window closed, the 210 days still run: «giorno 19x/210 · restano … giorni».
        assert!(call.closing_date() < today, "{}", call.closing_date());
        assert!(today < call.procedure_end(), "{}", call.procedure_end());
        assert!(
            call.determina
                .ends_with(&alloggi::domain::time::format_date(
                    rome_date(call.opens_at) - chrono::Days::new(6)
                ))
        );
        let last = store
            .audit_events(store.audit_len() as u64, 1)
            .expect("audit")
            .first()
            .map(|(_, event)| rome_date(event.at))
            .expect("an event");
        assert!(last < today, "{last}");
    }
}
