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
