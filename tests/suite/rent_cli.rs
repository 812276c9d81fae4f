//! Rent from the command line, through the real binary on a database with an applicant
//! assigned FM-002 by decree today: the rules loaded, the lease signed, a month's notice issued
//! once with its message, a counter payment; and, on notices of past months, one reminder and
//! one missed-payment message per notice, the decadenza flag at three months, morosità
//! incolpevole and a repayment plan.

use alloggi::domain::money::Money;
use alloggi::domain::rent::{Month, PaymentChannel};
use alloggi::domain::time::rome_date;
use alloggi::domain::{ApplicationId, Command, Context};
use alloggi::messages::outbox::{OutboxEntry, OutboxTab};
use alloggi::store::GpdRequest;

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

fn with_store<T>(office: &Office, read: impl FnOnce(&alloggi::store::Store) -> T) -> T {
    common::wait_released(&office.path("db"));
    let store = common::open(&office.path("db"));
    let value = read(&store);
    drop(store);
    common::wait_released(&office.path("db"));
    value
}

fn messages(office: &Office, id: ApplicationId, template: &str) -> Vec<OutboxEntry> {
    with_store(office, |store| {
        store
            .outbox_page(OutboxTab::Queued, None, 100_000)
            .expect("outbox")
            .into_iter()
            .filter(|e| e.application == Some(id) && e.template == template)
            .collect()
    })
}

fn today() -> chrono::NaiveDate {
    rome_date(chrono::Utc::now())
}

fn ddmmyyyy(day: chrono::NaiveDate) -> String {
    day.format("%d/%m/%Y").to_string()
}

fn sign(office: &Office, protocol: &str, comune: &str) {
    office.ok(&["rent", "rules", &fixture_arg("rent/esempio.toml")]);
    let signed = office.ok(&[
        "contract",
        "sign",
        "--protocollo",
        protocol,
        "--numero",
        "L-2026-7",
        "--data",
        &ddmmyyyy(today()),
        "--comune",
        comune,
    ]);
    assert!(signed.contains("Canone mensile"), "{signed}");
}

#[test]
fn a_month_is_issued_once_with_its_message_and_a_counter_payment_waits_for_pagopa() {
    let (office, id, protocol) = decreed();
    let comune = fixture_arg("comune.toml");
    sign(&office, &protocol, &comune);
    // Next month: its due day (the 15th) is never in the past.
    let month = Month::of(today()).next();
    let issued = office.ok(&[
        "rent",
        "issue",
        "--mese",
        &month.to_string(),
        "--comune",
        &comune,
    ]);
    assert!(issued.contains("1 emesso, 0 emessi già prima"), "{issued}");
    assert!(
        issued.contains("Hai un nuovo avviso di pagamento"),
        "{issued}"
    );
    let again = office.ok(&[
        "rent",
        "issue",
        "--mese",
        &month.to_string(),
        "--comune",
        &comune,
    ]);
    assert!(again.contains("0 emessi, 1 emesso già prima"), "{again}");

    let notice = with_store(&office, |store| store.rent_notice(id, month).unwrap())
        .expect("the month's notice");
    assert_eq!(notice.due, month.day(15));
    assert_eq!(notice.iupd, format!("ALLOGGI-{}-{month}", id.0));
    // «01» is the example Comune file's segregation code.
    assert!(
        notice.notice.as_str().starts_with("301"),
        "{}",
        notice.notice.as_str()
    );
    let told = messages(&office, id, "avviso_canone");
    assert_eq!(told.len(), 1, "one message for the month, not two");
    let payment = told[0]
        .message
        .content
        .payment_data
        .as_ref()
        .expect("the message carries the notice to pay");
    assert_eq!(payment.notice_number, notice.notice.as_str());
    assert_eq!(payment.amount, notice.amount.cents());
    assert_eq!(
        with_store(&office, |s| s.gpd_pending_count(GpdRequest::Create)),
        1,
        "the creation on pagoPA is queued"
    );

    let shown = office.ok(&["rent", "show", "--protocollo", &protocol]);
    assert!(shown.contains("da creare su pagoPA"), "{shown}");
    assert!(shown.contains(&notice.notice.grouped()), "{shown}");

    let paid = office.ok(&[
        "rent",
        "paid",
        "--avviso",
        &notice.notice.grouped(),
        "--data",
        &ddmmyyyy(today()),
    ]);
    assert!(paid.contains("pagato il"), "{paid}");
    let twice = office.fails(&[
        "rent",
        "paid",
        "--avviso",
        notice.notice.as_str(),
        "--data",
        &ddmmyyyy(today()),
    ]);
    assert!(twice.contains("risulta pagato"), "{twice}");
    let unknown = office.fails(&[
        "rent",
        "paid",
        "--avviso",
        "301000000000099999",
        "--data",
        "01/01/2026",
    ]);
    assert!(unknown.contains("avviso"), "{unknown}");
    let reminded = office.ok(&["rent", "remind", "--entro", "60", "--comune", &comune]);
    assert!(
        reminded.contains("0 accodati"),
        "a paid notice is not reminded: {reminded}"
    );
    assert!(office.ok(&["check"]).contains("coerenti"));
}

/// Three notices of past months, issued on their days: the one still due gets one reminder;
/// the two late ones one missed-payment message each, once; a third late month flags the
/// tenancy, unless the arrears are innocent; a plan folds the late notices.
#[test]
fn late_notices_are_told_once_flagged_at_three_months_and_folded_into_a_plan() {
    let (office, id, protocol) = decreed();
    let comune = fixture_arg("comune.toml");
    let current = Month::of(today());
    let months = [
        current.previous().previous().previous(),
        current.previous().previous(),
        current.previous(),
    ];
    with_store(&office, |store| {
        for month in months {
            let ctx = Context::new("mrossi", common::ts_of(month.first_day()));
            store
                .execute(
                    &Command::IssueRent {
                        id,
                        month,
                        lease: "L-2026-7".into(),
                        rent: Money::from_cents(17_280),
                        due: month.day(15),
                        segregation: 1,
                        description: "canone di locazione dell'alloggio FM-002".into(),
                    },
                    &ctx,
                )
                .expect("issued on its day");
        }
    });
    let told = office.ok(&["rent", "overdue", "--comune", &comune]);
    assert!(told.contains("3 accodati"), "{told}");
    assert!(told.contains("Segnalata per la decadenza"), "{told}");
    assert!(told.contains("3 mensilità"), "{told}");
    assert_eq!(messages(&office, id, "canone_mancato_pagamento").len(), 3);
    let again = office.ok(&["rent", "overdue", "--comune", &comune]);
    assert!(again.contains("0 accodati"), "once per notice: {again}");
    assert!(!again.contains("Segnalata"), "flagged once: {again}");
    assert_eq!(messages(&office, id, "canone_mancato_pagamento").len(), 3);

    let arrears = office.ok(&["rent", "arrears"]);
    assert!(arrears.contains(&protocol), "{arrears}");
    assert!(arrears.contains("518,40"), "3 × 172,80: {arrears}");
    assert!(arrears.contains("segnalata per la decadenza"), "{arrears}");

    let innocent = office.ok(&[
        "rent",
        "innocent",
        "--protocollo",
        &protocol,
        "--causa",
        "licenziamento",
        "--documenti",
        "lettera di licenziamento",
    ]);
    assert!(innocent.contains("la decadenza non parte"), "{innocent}");
    let bad = office.fails(&[
        "rent",
        "innocent",
        "--protocollo",
        &protocol,
        "--causa",
        "pigrizia",
        "--documenti",
        "x",
    ]);
    assert!(bad.contains("non ammessa"), "{bad}");

    let plan = office.ok(&["rent", "plan", "--protocollo", &protocol, "--rate", "3"]);
    assert!(plan.contains("518,40 € in 3 rate da 172,80 €"), "{plan}");
    assert!(
        plan.contains(&current.next().label()) || plan.contains(&current.label()),
        "{plan}"
    );
    let shown = office.ok(&["rent", "show", "--protocollo", &protocol]);
    assert!(shown.contains("nel piano di rientro"), "{shown}");
    assert!(shown.contains("0 mensilità"), "{shown}");
    let notices = with_store(&office, |s| s.rent_notices_of(id).unwrap());
    assert!(notices.iter().all(|n| n.rescheduled.is_some()));
    assert!(notices.iter().all(|n| {
        n.payment
            .as_ref()
            .is_none_or(|p| p.channel == PaymentChannel::PagoPa)
    }));
    assert!(office.ok(&["check"]).contains("coerenti"));
}
