//! Air-gapped offices and pagoPA: the requests the notices wait for (creations, counter
//! payments) travel in the offline bundle, are sent from a connected machine with no database
//! against the GPD stand-in, and their receipts bring the outcomes back. Each test looks at
//! what pagoPA holds AND at what the database recorded.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use alloggi::domain::rent::{GpdState, Month, PaymentChannel};
use alloggi::domain::{ApplicationId, Context};
use chrono::Utc;

use super::outbox_cli::KEY;
use super::rent_sync::{
    assert_published, at_office, issue_next_month, kill_once_created, notice,
    office_with_applications, pending,
};
use crate::common::office_cli::Office;
use crate::common::{self, CLEARED};
use crate::support::gpd_stand_in::{GpdStandIn, GpdStandInConfig};
use crate::support::io_stand_in::{StandIn, StandInConfig};

const BIN: &str = env!("CARGO_BIN_EXE_alloggi");

fn arg(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

fn office_ok(office: &Office, args: &[&str]) -> String {
    let out = at_office(office, args).output().expect("the binary runs");
    common::assert_ok(&out);
    common::stdout(&out)
}

/// What a connected machine reaches: pagoPA's GPD and IO (the demo office has messages
/// queued too, and they travel in the same bundle).
struct Net {
    gpd: GpdStandIn,
    io: StandIn,
}

impl Net {
    fn start(gpd: GpdStandInConfig) -> Net {
        Net {
            gpd: GpdStandIn::start(gpd),
            io: StandIn::start(StandInConfig::default()),
        }
    }
}

/// `send-bundle` on the connected machine: no database (the one named must not come to
/// exist), no Comune file, only the services' keys and addresses.
fn connected(office: &Office, net: &Net, bundle: &Path, receipts: &Path) -> Command {
    let nowhere = office.path("nessun-database");
    let mut command = Command::new(BIN);
    command
        .args(["outbox", "send-bundle", arg(bundle), "--ricevute"])
        .arg(receipts)
        .arg("--chiave-pacchetto")
        .arg(office.path("chiave"))
        .env("XDG_STATE_HOME", office.path("state-collegata"))
        .env("XDG_CONFIG_HOME", office.path("config-collegata"))
        .env("XDG_DATA_HOME", office.path("data-collegata"))
        .env("ALLOGGI_DB", &nowhere)
        .stdin(Stdio::null());
    for name in CLEARED {
        command.env_remove(name);
    }
    command
        .env("ALLOGGI_OPERATORE", common::ACTOR)
        .env("ALLOGGI_DB", &nowhere)
        .env("ALLOGGI_GPD_BASE_URL", net.gpd.base_url())
        .env("ALLOGGI_GPD_API_KEY", net.gpd.key())
        .env("ALLOGGI_GPD_RITMO", "1000/1")
        .env("ALLOGGI_IO_BASE_URL", net.io.base_url())
        .env("ALLOGGI_IO_API_KEY", KEY)
        .env("ALLOGGI_IO_TIMEOUT_MS", "10000");
    command
}

fn send(office: &Office, net: &Net, bundle: &Path, receipts: &Path) -> String {
    let out = connected(office, net, bundle, receipts)
        .output()
        .expect("the binary runs");
    common::assert_ok(&out);
    assert!(
        !office.path("nessun-database").exists(),
        "send-bundle opened a database"
    );
    common::stdout(&out)
}

fn keygen(office: &Office) {
    office_ok(office, &["outbox", "keygen", arg(&office.path("chiave"))]);
}

fn export(office: &Office, bundle: &Path) -> String {
    office_ok(
        office,
        &[
            "outbox",
            "export",
            arg(bundle),
            "--chiave-pacchetto",
            arg(&office.path("chiave")),
        ],
    )
}

fn import(office: &Office, receipts: &Path) -> String {
    office_ok(
        office,
        &[
            "outbox",
            "import-receipts",
            arg(receipts),
            "--chiave-pacchetto",
            arg(&office.path("chiave")),
        ],
    )
}

fn creations(stand_in: &GpdStandIn) -> usize {
    stand_in
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/debtpositions"))
        .count()
}

fn assert_checked(office: &Office) {
    let checked = office_ok(office, &["check"]);
    assert!(
        checked.starts_with("Indici e contatori coerenti"),
        "{checked}"
    );
}

/// An office of `n` tenancies with next month's notices issued, and a bundle key; the
/// database closed for the binary.
fn office_with_a_month(n: usize) -> (Office, Vec<ApplicationId>, Month) {
    let (office, store, ids) = office_with_applications(n);
    let month = issue_next_month(&store, &ids);
    drop(store);
    common::wait_released(&office.path("db"));
    keygen(&office);
    (office, ids, month)
}

#[test]
fn an_air_gapped_office_creates_its_notices_on_pagopa_through_a_bundle() {
    let (office, ids, month) = office_with_a_month(3);
    let net = Net::start(GpdStandInConfig::default());
    let stand_in = &net.gpd;
    let bundle = office.path("pacchetto.json");
    let receipts = office.path("ricevute.jsonl");

    let said = export(&office, &bundle);
    assert!(said.contains("3 richieste per pagoPA"), "{said}");
    let written = std::fs::read_to_string(&bundle).unwrap();
    assert_eq!(written.matches("\"richiesta\": \"crea\"").count(), 3);
    {
        let store = common::open(&office.path("db"));
        assert_eq!(
            pending(&store),
            0,
            "a bundled request still waits for a sync"
        );
        for id in &ids {
            let carried = notice(&store, *id, month).exported.expect("in the bundle");
            assert!(written.contains(&carried.bundle));
        }
    }
    common::wait_released(&office.path("db"));
    // The office's own sync leaves the bundled requests alone.
    let out = at_office(&office, &["rent", "sync"])
        .env("ALLOGGI_GPD_BASE_URL", stand_in.base_url())
        .env("ALLOGGI_GPD_API_KEY", stand_in.key())
        .output()
        .unwrap();
    common::assert_ok(&out);
    assert_eq!(creations(stand_in), 0);

    let said = send(&office, &net, &bundle, &receipts);
    assert!(said.contains("riuscite 3"), "{said}");
    assert_eq!(stand_in.position_count(), 3);
    // Sent again, it sends nothing.
    let said = send(&office, &net, &bundle, &receipts);
    assert!(said.contains("già fatte prima 3"), "{said}");
    assert_eq!(creations(stand_in), 3);

    let said = import(&office, &receipts);
    assert!(
        said.contains("Richieste per pagoPA: 3 registrate, 0 già registrate"),
        "{said}"
    );
    let said = import(&office, &receipts);
    assert!(
        said.contains("Richieste per pagoPA: 0 registrate, 3 già registrate"),
        "{said}"
    );
    {
        let store = common::open(&office.path("db"));
        for id in &ids {
            let notice = notice(&store, *id, month);
            assert_published(&notice);
            assert_eq!(notice.exported, None);
        }
        assert_eq!(pending(&store), 0);
    }
    common::wait_released(&office.path("db"));
    assert_checked(&office);
}

#[test]
fn a_counter_payment_goes_in_a_bundle_and_a_request_that_failed_comes_back_to_wait() {
    let (office, ids, month) = office_with_a_month(2);
    let net = Net::start(GpdStandInConfig::default());
    let stand_in = &net.gpd;
    let first = office.path("primo.json");
    let receipts = office.path("ricevute-primo.jsonl");
    export(&office, &first);
    // pagoPA answers every request with a server error: nothing goes.
    stand_in.fail_with(Some(500));
    let said = send(&office, &net, &first, &receipts);
    assert!(said.contains("da ritentare 2"), "{said}");
    let said = import(&office, &receipts);
    assert!(
        said.contains("2 richieste per pagoPA non sono partite"),
        "{said}"
    );
    {
        let store = common::open(&office.path("db"));
        assert_eq!(pending(&store), 2, "the unsent creations wait again");
        assert!(matches!(
            notice(&store, ids[0], month).gpd,
            GpdState::Queued
        ));
    }
    common::wait_released(&office.path("db"));

    stand_in.fail_with(None);
    let second = office.path("secondo.json");
    let receipts = office.path("ricevute-secondo.jsonl");
    let said = export(&office, &second);
    assert!(said.contains("2 richieste per pagoPA"), "{said}");
    send(&office, &net, &second, &receipts);
    import(&office, &receipts);
    assert_eq!(stand_in.position_count(), 2);

    // A payment at the counter: pagoPA is told of it through the next bundle.
    {
        let store = common::open(&office.path("db"));
        let ctx = Context::new(common::ACTOR.to_string(), Utc::now());
        let paid = alloggi::domain::Command::RecordRentPayment {
            id: ids[1],
            month,
            paid_on: alloggi::domain::time::rome_date(Utc::now()),
            channel: PaymentChannel::Sportello,
        };
        let done = store.run_rent_steps(&[paid], &ctx, None).unwrap();
        assert!(done.refused.is_empty(), "{:?}", done.refused);
    }
    common::wait_released(&office.path("db"));
    let third = office.path("terzo.json");
    let receipts = office.path("ricevute-terzo.jsonl");
    let said = export(&office, &third);
    assert!(said.contains("1 richiesta per pagoPA"), "{said}");
    let written = std::fs::read_to_string(&third).unwrap();
    assert!(written.contains("pagato_allo_sportello"), "{written}");
    let said = send(&office, &net, &third, &receipts);
    assert!(said.contains("riuscite 1"), "{said}");
    let iupd = alloggi::domain::rent::RentNotice::iupd_for(ids[1], month);
    let held = stand_in.position(&iupd).expect("the position");
    assert_eq!(
        held.status, "PAID",
        "pagoPA was not told of the counter payment"
    );
    import(&office, &receipts);
    {
        let store = common::open(&office.path("db"));
        let notice = notice(&store, ids[1], month);
        assert!(notice.payment.expect("paid").reported);
        assert_eq!(pending(&store), 0);
    }
    common::wait_released(&office.path("db"));
    assert_checked(&office);
}

#[test]
fn a_bundle_send_killed_midway_and_resumed_leaves_one_position_per_notice() {
    const NOTICES: usize = 40;
    let (office, ids, month) = office_with_a_month(NOTICES);
    // 40 ms a reply: the run takes more than a second.
    let net = Net::start(GpdStandInConfig {
        latency: Duration::from_millis(40),
        ..GpdStandInConfig::default()
    });
    let stand_in = &net.gpd;
    let bundle = office.path("pacchetto.json");
    let receipts = office.path("ricevute.jsonl");
    export(&office, &bundle);

    let mut child = connected(&office, &net, &bundle, &receipts)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("send-bundle starts");
    kill_once_created(&mut child, stand_in, 5);
    assert!(stand_in.position_count() < NOTICES);

    let said = send(&office, &net, &bundle, &receipts);
    assert!(said.contains("rifiutate 0"), "{said}");
    assert_eq!(stand_in.position_count(), NOTICES);
    let said = import(&office, &receipts);
    assert!(
        said.contains(&format!("Richieste per pagoPA: {NOTICES} registrate")),
        "{said}"
    );
    let store = common::open(&office.path("db"));
    for id in &ids {
        let notice = notice(&store, *id, month);
        assert_published(&notice);
        let attempts = stand_in.create_attempts(&notice.iupd);
        assert!((1..=2).contains(&attempts), "{}: {attempts}", notice.iupd);
    }
    assert_eq!(pending(&store), 0);
}

#[test]
fn a_bundle_whose_requests_were_changed_is_refused_before_any_request() {
    let (office, _, _) = office_with_a_month(1);
    let net = Net::start(GpdStandInConfig::default());
    let stand_in = &net.gpd;
    let bundle = office.path("pacchetto.json");
    export(&office, &bundle);
    let written = std::fs::read_to_string(&bundle).unwrap();
    let amount = "\"amount\": 12000";
    assert!(written.contains(amount), "{written}");
    std::fs::write(&bundle, written.replace(amount, "\"amount\": 1200")).unwrap();
    let out = connected(&office, &net, &bundle, &office.path("ricevute.jsonl"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = common::stderr(&out);
    assert!(
        stderr.contains("la firma del pacchetto non corrisponde"),
        "{stderr}"
    );
    assert!(stand_in.requests().is_empty());
}

#[test]
fn a_bundle_for_pagopa_needs_pagopas_key_on_the_connected_machine_and_says_so() {
    let (office, _, _) = office_with_a_month(1);
    let net = Net::start(GpdStandInConfig::default());
    let stand_in = &net.gpd;
    let bundle = office.path("pacchetto.json");
    export(&office, &bundle);
    let out = connected(&office, &net, &bundle, &office.path("ricevute.jsonl"))
        .env_remove("ALLOGGI_GPD_API_KEY")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = common::stderr(&out);
    assert!(stderr.contains("ALLOGGI_GPD_API_KEY"), "{stderr}");
    assert!(stand_in.requests().is_empty());
}

#[test]
fn the_ledger_says_a_notice_is_in_a_bundle() {
    let (office, ids, month) = office_with_a_month(1);
    export(&office, &office.path("pacchetto.json"));
    let store = common::open(&office.path("db"));
    let notice = notice(&store, ids[0], month);
    assert!(
        notice.gpd_label().starts_with("nel pacchetto P"),
        "{}",
        notice.gpd_label()
    );
}

#[test]
fn the_requests_of_a_lost_bundle_are_put_back_to_wait_and_the_sync_sends_them() {
    let (office, ids, month) = office_with_a_month(2);
    let net = Net::start(GpdStandInConfig::default());
    let bundle = office.path("perso.json");
    export(&office, &bundle);
    let bundle_id = {
        let store = common::open(&office.path("db"));
        notice(&store, ids[0], month)
            .exported
            .expect("in the bundle")
            .bundle
    };
    common::wait_released(&office.path("db"));

    let out = at_office(
        &office,
        &["rent", "requeue", "--pacchetto", "P0", "--motivo", "perso"],
    )
    .output()
    .unwrap();
    assert!(!out.status.success());
    assert!(
        common::stderr(&out).contains("nessuna richiesta per pagoPA attende il pacchetto P0"),
        "{}",
        common::stderr(&out)
    );
    let said = office_ok(
        &office,
        &[
            "rent",
            "requeue",
            "--pacchetto",
            &bundle_id,
            "--motivo",
            "chiavetta smarrita",
        ],
    );
    assert!(
        said.starts_with("2 richieste per pagoPA del pacchetto"),
        "{said}"
    );
    let out = at_office(&office, &["rent", "sync"])
        .env("ALLOGGI_GPD_BASE_URL", net.gpd.base_url())
        .env("ALLOGGI_GPD_API_KEY", net.gpd.key())
        .output()
        .unwrap();
    common::assert_ok(&out);
    assert_eq!(net.gpd.position_count(), 2);

    // The lost bundle turns up and is sent after all: its creations are found already made,
    // and its receipts change nothing the sync recorded.
    let receipts = office.path("ricevute.jsonl");
    let said = send(&office, &net, &bundle, &receipts);
    assert!(said.contains("riuscite 2"), "{said}");
    assert_eq!(net.gpd.position_count(), 2);
    let said = import(&office, &receipts);
    assert!(
        said.contains("Richieste per pagoPA: 0 registrate, 2 già registrate"),
        "{said}"
    );
    let store = common::open(&office.path("db"));
    for id in &ids {
        assert_published(&notice(&store, *id, month));
    }
}
