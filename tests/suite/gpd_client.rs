//! The GPD client against a local stand-in that checks every request with PagoPA's own
//! OpenAPI file: what each answer becomes, that a lost answer never makes a second position,
//! that 429 and pacing are honoured, and that the stand-in itself refuses what GPD refuses.

use crate::support::gpd_stand_in;

use std::time::{Duration, Instant};

use alloggi::domain::money::Money;
use alloggi::gpd::{
    CreateOutcome, GpdClient, GpdConfig, ListOutcome, MonthlyNotice, OptionStatus, PaymentPosition,
    PositionStatus, ReadOutcome, Settled, UpdateOutcome, settle,
};
use alloggi::io::{ApiKey, Pace};
use chrono::{NaiveDate, TimeZone, Utc};
use gpd_stand_in::{GpdStandIn, GpdStandInConfig};
use serde_json::{Value, json};

const ORG: &str = "01234567897";
const PAYER: &str = "RSSMRA80A01H501U";

fn config(stand_in: &GpdStandIn) -> GpdConfig {
    GpdConfig {
        base_url: stand_in.base_url(),
        key: ApiKey::new(stand_in.key()).unwrap(),
        request_timeout: Duration::from_secs(5),
        connect_timeout: Duration::from_secs(2),
        pace: None,
    }
}

fn client(stand_in: &GpdStandIn) -> GpdClient {
    GpdClient::new(config(stand_in)).unwrap()
}

/// The monthly notice `n` of one lease: IUPD and IUV unique per `n`.
fn position(n: u32, cents: u64) -> PaymentPosition {
    let iupd = format!("ALLOGGI-L{n}-2026-02");
    let iuv = format!("01{:013}{:02}", n, n % 93);
    PaymentPosition::monthly(&MonthlyNotice {
        org_fiscal_code: ORG,
        iupd: &iupd,
        iuv: &iuv,
        payer_fiscal_code: PAYER,
        payer_name: "Mario Rossi",
        creditor_name: "Comune di Fermo",
        amount: Money::from_cents(cents),
        description: "Canone di locazione febbraio 2026 - alloggio ERP via Roma 1",
        due_date: NaiveDate::from_ymd_opt(2026, 2, 28).unwrap(),
        iban: "IT60X0542811101000000123456",
        category: "9/0101108TS/",
    })
    .unwrap()
}

fn found(outcome: ReadOutcome) -> alloggi::gpd::PositionRead {
    match outcome {
        ReadOutcome::Found(read) => read,
        other => panic!("expected Found, got {other:?}"),
    }
}

#[tokio::test]
async fn created_position_is_payable_and_reads_back_the_same() {
    let stand_in = GpdStandIn::start(GpdStandInConfig::default());
    let client = client(&stand_in);
    let sent = position(1, 23_450);
    assert_eq!(client.create(ORG, &sent).await, CreateOutcome::Created);
    assert_eq!(stand_in.position_count(), 1);
    let held = stand_in.position(&sent.iupd).unwrap();
    assert_eq!(held.status, "VALID");
    // The body as GPD received it is the constructor's JSON, field for field.
    assert_eq!(held.body, serde_json::to_value(&sent).unwrap());
    let read = found(client.read(ORG, &sent.iupd).await);
    assert_eq!(read.status, PositionStatus::Valid);
    let option = read.option().unwrap();
    assert_eq!(
        option.nav.as_deref(),
        Some(format!("3{}", sent.payment_option[0].iuv).as_str())
    );
    assert_eq!(option.status, Some(OptionStatus::Unpaid));
    assert_eq!(settle(&sent, &read), Settled::Same);
    assert_eq!(
        client.read(ORG, "ALLOGGI-NESSUNA").await,
        ReadOutcome::NotFound
    );
}

#[tokio::test]
async fn conflict_on_the_same_notice_settles_as_same() {
    let stand_in = GpdStandIn::start(GpdStandInConfig::default());
    let client = client(&stand_in);
    let sent = position(2, 23_450);
    assert_eq!(client.create(ORG, &sent).await, CreateOutcome::Created);
    assert_eq!(client.create(ORG, &sent).await, CreateOutcome::Exists);
    let read = found(client.read(ORG, &sent.iupd).await);
    assert_eq!(settle(&sent, &read), Settled::Same);
    assert_eq!(stand_in.position_count(), 1);
    assert_eq!(stand_in.create_attempts(&sent.iupd), 2);
}

#[tokio::test]
async fn conflict_on_another_notice_settles_as_different() {
    let stand_in = GpdStandIn::start(GpdStandInConfig::default());
    let client = client(&stand_in);
    let first = position(3, 23_450);
    assert_eq!(client.create(ORG, &first).await, CreateOutcome::Created);
    // Same IUPD, another amount: a clash a caseworker must see.
    let second = position(3, 19_900);
    assert_eq!(client.create(ORG, &second).await, CreateOutcome::Exists);
    let read = found(client.read(ORG, &second.iupd).await);
    assert_eq!(
        settle(&second, &read),
        Settled::Different {
            what: vec!["importo: inviato 199,00 €, trovato 234,50 €".to_string()]
        }
    );
    // Another IUPD reusing the IUV is refused too.
    let mut reused = position(4, 23_450);
    reused.payment_option[0].iuv = first.payment_option[0].iuv.clone();
    assert_eq!(client.create(ORG, &reused).await, CreateOutcome::Exists);
    assert_eq!(stand_in.position_count(), 1);
}

#[tokio::test]
async fn too_many_requests_is_honoured_by_every_later_request() {
    let stand_in = GpdStandIn::start(GpdStandInConfig {
        rate: Some((2, Duration::from_secs(1))),
        retry_after_secs: Some(1),
        ..GpdStandInConfig::default()
    });
    let client = client(&stand_in);
    assert_eq!(
        client.create(ORG, &position(10, 100)).await,
        CreateOutcome::Created
    );
    assert_eq!(
        client.create(ORG, &position(11, 100)).await,
        CreateOutcome::Created
    );
    let limited = client.create(ORG, &position(12, 100)).await;
    assert_eq!(
        limited,
        CreateOutcome::RetryLater {
            after: Duration::from_secs(1)
        }
    );
    assert_eq!(stand_in.position_count(), 2);
    // The next request waits out the pause by itself and gets through.
    let started = Instant::now();
    assert_eq!(
        client.create(ORG, &position(12, 100)).await,
        CreateOutcome::Created
    );
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(stand_in.count(429), 1);
}

#[tokio::test]
async fn pacing_keeps_a_batch_under_the_limit() {
    let stand_in = GpdStandIn::start(GpdStandInConfig {
        rate: Some((10, Duration::from_secs(1))),
        ..GpdStandInConfig::default()
    });
    let mut config = config(&stand_in);
    config.pace = Some(Pace {
        limit: 10,
        window: Duration::from_secs(1),
    });
    let client = GpdClient::new(config).unwrap();
    for n in 0..25 {
        assert_eq!(
            client.create(ORG, &position(100 + n, 100)).await,
            CreateOutcome::Created,
            "{n}"
        );
    }
    assert_eq!(stand_in.count(429), 0);
    assert_eq!(stand_in.position_count(), 25);
    assert!(stand_in.max_requests_in_any_window(Duration::from_secs(1)) < 10);
}

#[tokio::test]
async fn timeout_is_uncertain_and_a_retry_settles_without_a_duplicate() {
    let slow = position(20, 23_450);
    let stand_in = GpdStandIn::start(GpdStandInConfig {
        slow: vec![slow.iupd.clone()],
        slow_delay: Duration::from_secs(2),
        ..GpdStandInConfig::default()
    });
    let mut config = config(&stand_in);
    config.request_timeout = Duration::from_millis(300);
    let client = GpdClient::new(config).unwrap();
    match client.create(ORG, &slow).await {
        CreateOutcome::Uncertain { reason } => {
            assert!(reason.contains("entro 300 ms"), "{reason}");
            assert!(!reason.contains(stand_in.key()), "{reason}");
        }
        other => panic!("expected Uncertain, got {other:?}"),
    }
    // The position was created all the same: creating again answers 409, and the read-back
    // shows it is the notice sent.
    assert_eq!(stand_in.position_count(), 1);
    assert_eq!(client.create(ORG, &slow).await, CreateOutcome::Exists);
    let read = found(client.read(ORG, &slow.iupd).await);
    assert_eq!(settle(&slow, &read), Settled::Same);
    assert_eq!(stand_in.position_count(), 1);
    assert_eq!(stand_in.create_attempts(&slow.iupd), 2);
}

#[tokio::test]
async fn server_errors_and_refused_connections_are_retried_later() {
    let stand_in = GpdStandIn::start(GpdStandInConfig::default());
    let client = client(&stand_in);
    stand_in.fail_with(Some(503));
    assert_eq!(
        client.create(ORG, &position(30, 100)).await,
        CreateOutcome::RetryLater {
            after: Duration::from_secs(30)
        }
    );
    assert!(matches!(
        client.read(ORG, "X").await,
        ReadOutcome::RetryLater { .. }
    ));
    stand_in.fail_with(None);
    assert_eq!(stand_in.position_count(), 0);
    assert_eq!(
        client.create(ORG, &position(30, 100)).await,
        CreateOutcome::Created
    );

    // Nothing listens there: the request never left.
    let mut closed = config(&stand_in);
    closed.base_url = "http://127.0.0.1:9/gpd/debt-positions-service/v1".into();
    let closed = GpdClient::new(closed).unwrap();
    assert!(matches!(
        closed.create(ORG, &position(31, 100)).await,
        CreateOutcome::RetryLater { .. }
    ));
}

#[tokio::test]
async fn bad_request_is_rejected_with_the_servers_detail() {
    let stand_in = GpdStandIn::start(GpdStandInConfig::default());
    let client = client(&stand_in);
    let mut bad = position(40, 100);
    bad.payment_option[0].description = "x".repeat(141);
    match client.create(ORG, &bad).await {
        CreateOutcome::Rejected { status, detail } => {
            assert_eq!(status, 400);
            assert!(
                detail.contains(
                    "body.paymentOption[0].description: length 141 exceeds maxLength 140"
                ),
                "{detail}"
            );
        }
        other => panic!("expected Rejected, got {other:?}"),
    }
    assert_eq!(stand_in.position_count(), 0);
}

#[tokio::test]
async fn wrong_key_is_rejected_and_never_shown() {
    let stand_in = GpdStandIn::start(GpdStandInConfig::default());
    let mut config = config(&stand_in);
    config.key = ApiKey::new("chiave-sbagliata-segreta").unwrap();
    let client = GpdClient::new(config).unwrap();
    let outcome = client.create(ORG, &position(50, 100)).await;
    match &outcome {
        CreateOutcome::Rejected {
            status: 401,
            detail,
        } => {
            assert!(detail.contains("invalid subscription key"), "{detail}");
        }
        other => panic!("expected 401, got {other:?}"),
    }
    assert!(!format!("{outcome:?} {client:?}").contains("chiave-sbagliata-segreta"));
    assert_eq!(
        client.invalidate(ORG, "X").await,
        UpdateOutcome::Rejected {
            status: 401,
            detail: "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.".into()
        }
    );
}

#[tokio::test]
async fn invalidate_cancels_repeats_safely_and_refuses_a_paid_position() {
    let stand_in = GpdStandIn::start(GpdStandInConfig::default());
    let client = client(&stand_in);
    let wrong = position(60, 100);
    assert_eq!(client.create(ORG, &wrong).await, CreateOutcome::Created);
    assert_eq!(
        client.invalidate(ORG, &wrong.iupd).await,
        UpdateOutcome::Done
    );
    assert_eq!(
        found(client.read(ORG, &wrong.iupd).await).status,
        PositionStatus::Invalid
    );
    // Again, as after a lost answer: GPD says 409, the read-back shows it is done.
    assert_eq!(
        client.invalidate(ORG, &wrong.iupd).await,
        UpdateOutcome::Done
    );

    let paid = position(61, 100);
    assert_eq!(client.create(ORG, &paid).await, CreateOutcome::Created);
    stand_in.pay(&paid.iupd, "2026-02-10T09:30:00Z");
    assert_eq!(
        client.invalidate(ORG, &paid.iupd).await,
        UpdateOutcome::AlreadyPaid
    );
    assert_eq!(stand_in.position(&paid.iupd).unwrap().status, "PAID");

    assert_eq!(
        client.invalidate(ORG, "ALLOGGI-NESSUNA").await,
        UpdateOutcome::NotFound
    );
}

#[tokio::test]
async fn mark_paid_records_the_date_once() {
    let stand_in = GpdStandIn::start(GpdStandInConfig::default());
    let client = client(&stand_in);
    let sent = position(70, 23_450);
    assert_eq!(client.create(ORG, &sent).await, CreateOutcome::Created);
    let nav = format!("3{}", sent.payment_option[0].iuv);
    let at = Utc.with_ymd_and_hms(2026, 2, 12, 10, 0, 0).unwrap();
    assert_eq!(client.mark_paid(ORG, &nav, at).await, UpdateOutcome::Done);
    let read = found(client.read(ORG, &sent.iupd).await);
    assert_eq!(read.status, PositionStatus::Paid);
    assert_eq!(read.paid_on(), Some("2026-02-12T10:00:00Z"));
    assert_eq!(read.option().unwrap().status, Some(OptionStatus::Paid));
    assert_eq!(
        client.mark_paid(ORG, &nav, at).await,
        UpdateOutcome::AlreadyPaid
    );
    assert_eq!(
        client.mark_paid(ORG, "301000000000099999", at).await,
        UpdateOutcome::NotFound
    );
    // A cancelled notice cannot be paid.
    let cancelled = position(71, 100);
    assert_eq!(client.create(ORG, &cancelled).await, CreateOutcome::Created);
    assert_eq!(
        client.invalidate(ORG, &cancelled.iupd).await,
        UpdateOutcome::Done
    );
    let nav = format!("3{}", cancelled.payment_option[0].iuv);
    assert!(matches!(
        client.mark_paid(ORG, &nav, at).await,
        UpdateOutcome::Rejected { status: 422, .. }
    ));
}

#[tokio::test]
async fn payments_of_a_period_come_in_pages_of_fifty() {
    let stand_in = GpdStandIn::start(GpdStandInConfig::default());
    let client = client(&stand_in);
    let mut expected = Vec::new();
    for n in 0..90 {
        let sent = position(200 + n, 100);
        assert_eq!(client.create(ORG, &sent).await, CreateOutcome::Created);
        match n % 3 {
            // Paid in February: listed.
            0 | 1 => {
                stand_in.pay(&sent.iupd, &format!("2026-02-{:02}T10:00:00Z", 1 + n % 28));
                expected.push(sent.iupd);
            }
            // Paid in March: outside the period.
            _ => stand_in.pay(&sent.iupd, "2026-03-05T10:00:00Z"),
        }
    }
    let unpaid = position(999, 100);
    assert_eq!(client.create(ORG, &unpaid).await, CreateOutcome::Created);

    let from = NaiveDate::from_ymd_opt(2026, 2, 1).unwrap();
    let to = NaiveDate::from_ymd_opt(2026, 2, 28).unwrap();
    let mut listed = Vec::new();
    let mut page = 0;
    loop {
        let ListOutcome::Page(result) = client.paid_between(ORG, from, to, page).await else {
            panic!("page {page} not read");
        };
        assert!(result.positions.len() <= 50);
        assert_eq!(result.total_pages, 2);
        listed.extend(result.positions.iter().map(|p| {
            assert_eq!(p.status, PositionStatus::Paid);
            p.iupd.clone()
        }));
        if !result.has_more() {
            break;
        }
        page += 1;
    }
    assert_eq!(page, 1);
    listed.sort();
    expected.sort();
    assert_eq!(listed, expected);
    // Every request the client made was within the contract (limit ≤ 50 among them).
    assert!(stand_in.requests().iter().all(|r| r.status < 400));
}

/// Posts `body` as it is, bypassing the client, and returns `(status, detail)`.
fn post_raw(stand_in: &GpdStandIn, path: &str, body: &Value) -> (u16, String) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let _ = rustls::crypto::ring::default_provider().install_default();
    runtime.block_on(async {
        let response = reqwest::Client::new()
            .post(format!("{}{path}", stand_in.base_url()))
            .header("Ocp-Apim-Subscription-Key", stand_in.key())
            .header("Content-Type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        let detail = body["detail"]
            .as_str()
            .or(body["message"].as_str())
            .unwrap_or("")
            .to_string();
        (status, detail)
    })
}

#[test]
fn the_stand_in_refuses_what_the_contract_refuses() {
    let stand_in = GpdStandIn::start(GpdStandInConfig::default());
    let create = format!("/organizations/{ORG}/debtpositions?toPublish=true");
    let valid = serde_json::to_value(position(300, 100)).unwrap();
    type Breach = (&'static str, fn(&mut Value), &'static str);
    let breaches: &[Breach] = &[
        (
            "missing fiscalCode",
            |b| {
                b.as_object_mut().unwrap().remove("fiscalCode");
            },
            "body.fiscalCode: required field is missing",
        ),
        (
            "description of 141 characters",
            |b| b["paymentOption"][0]["description"] = json!("d".repeat(141)),
            "body.paymentOption[0].description: length 141 exceeds maxLength 140",
        ),
        (
            "amount 0",
            |b| b["paymentOption"][0]["amount"] = json!(0),
            "body.paymentOption[0].amount: 0 is below minimum 1",
        ),
        (
            "iban with spaces",
            |b| b["paymentOption"][0]["transfer"][0]["iban"] = json!("IT60 X054 2811 1010"),
            "body.paymentOption[0].transfer[0].iban: «IT60 X054 2811 1010» does not match ^[A-Za-z0-9]{1,35}$",
        ),
        (
            "type outside the enum",
            |b| b["type"] = json!("X"),
            "body.type: \"X\" is not one of [\"F\",\"G\"]",
        ),
        (
            "amount as a string",
            |b| b["paymentOption"][0]["amount"] = json!("100"),
            "body.paymentOption[0].amount: must be of type integer",
        ),
        (
            "due date without a zone",
            |b| b["paymentOption"][0]["dueDate"] = json!("2026-02-28 23:59"),
            "body.paymentOption[0].dueDate: «2026-02-28 23:59» is not an RFC 3339 date-time",
        ),
        (
            "transfer not adding up",
            |b| b["paymentOption"][0]["transfer"][0]["amount"] = json!(99),
            "paymentOption[0]: the transfers add up to 99, not to the amount 100",
        ),
    ];
    for (what, breach, expected) in breaches {
        let mut body = valid.clone();
        breach(&mut body);
        let (status, detail) = post_raw(&stand_in, &create, &body);
        assert_eq!(status, 400, "{what}: {detail}");
        assert_eq!(detail, *expected, "{what}");
    }
    assert_eq!(stand_in.position_count(), 0);

    // The organisation's fiscal code: 11 digits with a valid check digit.
    let (status, detail) = post_raw(
        &stand_in,
        "/organizations/01234567890/debtpositions?toPublish=true",
        &valid,
    );
    assert_eq!(status, 400);
    assert!(detail.contains("valid check digit"), "{detail}");
    // Unknown paths and query parameters.
    assert_eq!(post_raw(&stand_in, "/organizations", &valid).0, 404);
    assert_eq!(
        post_raw(&stand_in, &format!("{create}&publish=yes"), &valid),
        (400, "unknown query parameter «publish»".to_string())
    );
    assert_eq!(
        post_raw(
            &stand_in,
            &format!("/organizations/{ORG}/debtpositions?toPublish=si"),
            &valid
        ),
        (400, "toPublish: «si» is not true or false".to_string())
    );
    // The valid body, after all that, is accepted.
    assert_eq!(post_raw(&stand_in, &create, &valid).0, 201);
    assert_eq!(stand_in.position_count(), 1);
}
