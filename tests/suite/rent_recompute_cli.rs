//! The rent's yearly update from the command line, through the real binary on a database with
//! an applicant assigned FM-002 by decree and the lease signed today: the ISEE the tenant
//! supplied on file; the update previewed without writing, confirmed a chunk at a time, and a
//! second run changing nothing; the tenant without an ISEE on the canone oggettivo; the
//! month's notices before and after the update's day.

use alloggi::domain::ApplicationId;
use alloggi::domain::lease::Lease;
use alloggi::domain::rent::Month;
use alloggi::domain::time::rome_date;
use chrono::{Datelike, NaiveDate};

use crate::common;

use common::assignment::decreed_office;
use common::office_cli::{Office, fixture_arg};

fn decreed() -> (Office, ApplicationId, String) {
    let office = Office::new();
    let (open, id, protocol) = decreed_office(&office.path("db"));
    drop(open);
    common::wait_released(&office.path("db"));
    (office, id, protocol)
}

fn lease(office: &Office, id: ApplicationId) -> Lease {
    common::wait_released(&office.path("db"));
    let store = common::open(&office.path("db"));
    let lease = store
        .contract_file(id)
        .expect("contract file")
        .and_then(|f| f.lease)
        .expect("signed lease");
    drop(store);
    common::wait_released(&office.path("db"));
    lease
}

fn notice_amount(office: &Office, id: ApplicationId, month: Month) -> u64 {
    common::wait_released(&office.path("db"));
    let store = common::open(&office.path("db"));
    let notice = store
        .rent_notice(id, month)
        .expect("notice read")
        .expect("the month's notice");
    drop(store);
    common::wait_released(&office.path("db"));
    notice.amount.cents()
}

fn today() -> NaiveDate {
    rome_date(chrono::Utc::now())
}

fn ddmmyyyy(day: NaiveDate) -> String {
    day.format("%d/%m/%Y").to_string()
}

/// The first day of the month after next: the update's day, with a whole month before it
/// after the lease's start.
fn update_day() -> NaiveDate {
    Month::of(today()).next().next().first_day()
}

fn sign(office: &Office, protocol: &str) {
    office.ok(&["rent", "rules", &fixture_arg("rent/esempio.toml")]);
    office.ok(&[
        "contract",
        "sign",
        "--protocollo",
        protocol,
        "--numero",
        "L-2026-9",
        "--data",
        &ddmmyyyy(today()),
        "--comune",
        &fixture_arg("comune.toml"),
    ]);
}

fn recompute(office: &Office, confirm: bool) -> String {
    let day = ddmmyyyy(update_day());
    let mut args = vec!["rent", "recompute", "--dal", day.as_str()];
    if confirm {
        args.push("--conferma");
    }
    office.ok(&args)
}

#[test]
fn the_isee_goes_on_file_only_for_a_signed_lease_and_until_the_end_of_its_year() {
    let (office, id, protocol) = decreed();
    let before = office.fails(&[
        "rent",
        "isee",
        "--protocollo",
        &protocol,
        "--isee",
        "9.000,00",
    ]);
    assert!(before.contains("non ha un contratto firmato"), "{before}");
    sign(&office, &protocol);

    let expired = office.fails(&[
        "rent",
        "isee",
        "--protocollo",
        &protocol,
        "--isee",
        "9.000,00",
        "--valida-fino",
        &ddmmyyyy(today().pred_opt().expect("yesterday")),
    ]);
    assert!(expired.contains("scaduta"), "{expired}");
    let bad = office.fails(&["rent", "isee", "--protocollo", &protocol, "--isee", "nove"]);
    assert!(bad.contains("--isee"), "{bad}");
    assert!(lease(&office, id).isee.is_none(), "nothing recorded");

    let recorded = office.ok(&[
        "rent",
        "isee",
        "--protocollo",
        &protocol,
        "--isee",
        "9.000,00",
    ]);
    let year_end = NaiveDate::from_ymd_opt(today().year(), 12, 31).expect("31/12");
    assert!(
        recorded.contains(&format!("valido fino al {}", ddmmyyyy(year_end))),
        "{recorded}"
    );
    let isee = lease(&office, id).isee.expect("on file");
    assert_eq!(isee.isee.cents(), 900_000);
    assert_eq!(isee.valid_until, year_end);
    assert_eq!(isee.recorded_on, today());
    assert!(!isee.recorded_by.is_empty(), "who recorded it");
    let shown = office.ok(&["contract", "show", "--protocollo", &protocol]);
    assert!(shown.contains("ISEE presentato: 9.000,00 €"), "{shown}");
}

#[test]
fn an_isee_on_file_gives_the_new_band_once_confirmed_and_the_notices_follow_the_day() {
    let (office, id, protocol) = decreed();
    let comune = fixture_arg("comune.toml");
    sign(&office, &protocol);
    let signed = lease(&office, id);
    assert_ne!(
        signed.rent.band, "permanenza",
        "the example needs another band"
    );
    // Valid on the update's day, whatever the month today.
    let valid_until = NaiveDate::from_ymd_opt(today().year() + 1, 12, 31).expect("31/12");
    office.ok(&[
        "rent",
        "isee",
        "--protocollo",
        &protocol,
        "--isee",
        "25.000,00",
        "--valida-fino",
        &ddmmyyyy(valid_until),
    ]);

    let preview = recompute(&office, false);
    assert!(preview.contains(&protocol), "{preview}");
    assert!(
        preview.contains(&format!("fascia {} → permanenza", signed.rent.band)),
        "{preview}"
    );
    assert!(
        preview.contains(&format!("{} € →", signed.rent.monthly.format_plain())),
        "{preview}"
    );
    assert!(preview.contains("ISEE 25.000,00 €"), "{preview}");
    assert!(
        preview.contains("1 canone da cambiare, 0 invariati"),
        "{preview}"
    );
    assert!(preview.contains("nulla è stato scritto"), "{preview}");
    assert!(
        lease(&office, id).history.is_empty(),
        "the preview writes nothing"
    );

    let confirmed = recompute(&office, true);
    assert!(confirmed.contains("1 registrato"), "{confirmed}");
    let changed = lease(&office, id);
    assert_eq!(changed.history.len(), 1);
    let change = &changed.history[0];
    assert_eq!(change.on, update_day());
    assert_eq!(change.from, signed.rent.monthly);
    assert_eq!(change.band, "permanenza");
    assert!(!change.steps.is_empty(), "the computation step by step");
    // The same canone oggettivo, now in the permanenza band.
    assert_eq!(change.steps[0].amount, signed.rent.steps[0].amount);
    assert_eq!(Some(change.to), change.steps.last().map(|s| s.amount));
    assert_ne!(change.to, signed.rent.monthly);

    let again = recompute(&office, true);
    assert!(
        again.contains("0 canoni da cambiare, 1 invariato"),
        "{again}"
    );
    assert!(again.contains("Nulla da registrare"), "{again}");
    assert_eq!(lease(&office, id).history.len(), 1, "twice changes nothing");

    let shown = office.ok(&["contract", "show", "--protocollo", &protocol]);
    assert!(
        shown.contains(&format!(
            "Dal {}: da {} € a {} € (tabella {}, fascia permanenza)",
            ddmmyyyy(update_day()),
            signed.rent.monthly.format_plain(),
            change.to.format_plain(),
            change.version
        )),
        "{shown}"
    );
    assert!(shown.contains("ISEE 25.000,00 €"), "{shown}");

    let before = Month::of(today()).next();
    let after = Month::of(update_day());
    for month in [before, after] {
        office.ok(&[
            "rent",
            "issue",
            "--mese",
            &month.to_string(),
            "--comune",
            &comune,
        ]);
    }
    assert_eq!(
        notice_amount(&office, id, before),
        signed.rent.monthly.cents()
    );
    assert_eq!(notice_amount(&office, id, after), change.to.cents());
    office.ok(&["check"]);
}

#[test]
fn without_an_isee_the_tenant_pays_the_canone_oggettivo_and_no_rules_no_update() {
    let (office, id, protocol) = decreed();
    sign(&office, &protocol);
    let signed = lease(&office, id);
    let none = office.fails(&["rent", "recompute", "--dal", "01/01/2020"]);
    assert!(
        none.contains("nessuna tabella dei canoni in vigore"),
        "{none}"
    );

    let preview = recompute(&office, false);
    assert!(preview.contains("«ISEE non presentato»"), "{preview}");
    assert!(preview.contains("→ ISEE non presentato"), "{preview}");
    assert!(
        lease(&office, id).history.is_empty(),
        "the preview writes nothing"
    );

    recompute(&office, true);
    let changed = lease(&office, id);
    let change = changed.history.last().expect("a change");
    assert_eq!(change.band, "ISEE non presentato");
    assert_eq!(
        change.to, signed.rent.steps[0].amount,
        "the canone oggettivo"
    );
    assert!(
        change.reason.contains("ISEE non presentato"),
        "{}",
        change.reason
    );
    assert_eq!(changed.rent_on(update_day()), change.to);
    assert_eq!(
        changed.rent_on(update_day().pred_opt().expect("the day before")),
        signed.rent.monthly
    );
    office.ok(&["check"]);
}
