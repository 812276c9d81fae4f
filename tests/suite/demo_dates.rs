//! The demo run on a day writes nothing dated after that day: no audit event, publication or
//! objection (appointments are bookings and lie ahead by design).

use crate::common;

use alloggi::demo::{DemoOptions, add_ranking, populate_on, populate_with_history};
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

#[test]
fn a_demo_made_on_any_day_of_the_month_has_its_rent_up_to_that_day() {
    use alloggi::domain::rent::Ledger;
    // Before the due day, on the day after it, and at the start and end of a month.
    for today in [
        NaiveDate::from_ymd_opt(2026, 12, 7).expect("day"),
        NaiveDate::from_ymd_opt(2027, 3, 16).expect("day"),
        NaiveDate::from_ymd_opt(2027, 6, 1).expect("day"),
        NaiveDate::from_ymd_opt(2028, 1, 31).expect("day"),
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = open(dir.path());
        let options = DemoOptions {
            applications: 40,
            seed: 7,
        };
        let summary = populate_with_history(&store, &options, today, &mut |_, _| {}).expect("demo");
        let rent = summary.rent.expect("rent");
        assert!(rent.leases >= 6, "{today}");
        let notices = store.rent_notices_all().expect("notices");
        let of = |id| notices.iter().filter(move |n| n.tenancy == id);
        for id in [rent.flagged, rent.plan, rent.innocent] {
            assert!(of(id).count() >= 13, "{today}: {id}");
        }
        let flagged = store.tenancy(rent.flagged).expect("read").expect("tenancy");
        assert!(
            flagged.flagged.is_some_and(|(_, months)| months >= 3),
            "{today}"
        );
        assert!(Ledger::of(of(rent.flagged), today).months_in_arrears >= 3);
        let plan = store.tenancy(rent.plan).expect("read").expect("tenancy");
        assert!(plan.plan.is_some(), "{today}");
        let innocent = store
            .tenancy(rent.innocent)
            .expect("read")
            .expect("tenancy");
        assert!(innocent.innocent.is_some(), "{today}");
        assert!(
            notices
                .iter()
                .filter(|n| n.month == rent.current_month)
                .all(|n| n.is_open() && n.due >= today)
        );
        assert_eq!(
            notices
                .iter()
                .filter(|n| n.month == rent.current_month)
                .count(),
            rent.leases
        );
        let last = store
            .audit_events(1, usize::MAX)
            .expect("audit")
            .into_iter()
            .map(|(_, event)| rome_date(event.at))
            .max()
            .expect("an event");
        assert!(last < today, "{today}: {last}");
        let report = store.check().expect("check");
        assert!(report.is_ok(), "{today}: {:?}", report.problems);
    }
}
