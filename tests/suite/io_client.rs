//! The IO client against a local stand-in of IO: what each answer of the server becomes, and
//! that pacing, timeouts and proxies behave as the office needs.

use crate::support::io_stand_in;

use std::time::{Duration, Instant};

use alloggi::io::{
    ApiKey, ClientConfig, IoClient, Pace, ProfileOutcome, StatusOutcome, SubmitOutcome,
    key_from_env,
};
use alloggi::messages::{MessageContent, NewMessage, Payee, PaymentData};
use io_stand_in::{StandIn, StandInConfig};

const FC: &str = "RSSMRA80A01H501U";
const FC_OTHER: &str = "VRDLGU75C41F205X";
const KEY: &str = "chiave-di-prova";
const BODY: &str = "Gentile cittadina, gentile cittadino,\n\nla sua domanda di assegnazione di un alloggio di edilizia residenziale pubblica è stata ammessa in graduatoria.";
const FRONT_MATTER: &str = "it:\n  cta_1:\n    text: \"Vai al portale\"\n    action: \"iohandledlink://https://www.comune.example.it/pratiche\"\n  cta_2:\n    text: \"Chiama l'ufficio\"\n    action: \"iohandledlink://tel:0612345678\"\nen:\n  cta_1:\n    text: \"Go to portal\"\n    action: \"iohandledlink://https://www.comune.example.it/pratiche\"\n";

/// A change made to a valid message.
type Change = Box<dyn Fn(&mut NewMessage)>;
type Breach = (&'static str, Change);

fn message(fiscal_code: &str) -> NewMessage {
    NewMessage {
        fiscal_code: fiscal_code.to_string(),
        feature_level_type: "STANDARD".to_string(),
        content: MessageContent {
            subject: "Esito della domanda di alloggio".to_string(),
            markdown: BODY.to_string(),
            payment_data: None,
            due_date: None,
        },
    }
}

fn with_front_matter(yaml: &str) -> String {
    format!("---\n{yaml}---\n{BODY}")
}

fn paid(amount: u64, notice_number: &str) -> Option<PaymentData> {
    Some(PaymentData {
        amount,
        notice_number: notice_number.to_string(),
        invalid_after_due_date: false,
        payee: None,
    })
}

fn config(base_url: &str, key: &str) -> ClientConfig {
    ClientConfig {
        base_url: base_url.to_string(),
        key: ApiKey::new(key).unwrap(),
        request_timeout: Duration::from_secs(5),
        connect_timeout: Duration::from_secs(2),
        pace: None,
    }
}

fn client(stand_in: &StandIn) -> IoClient {
    IoClient::new(config(&stand_in.base_url(), KEY)).unwrap()
}

fn created_id(outcome: SubmitOutcome) -> String {
    match outcome {
        SubmitOutcome::Created { id } => id,
        other => panic!("expected Created, got {other:?}"),
    }
}

#[tokio::test]
async fn valid_message_is_created_and_recorded() {
    let stand_in = StandIn::start(StandInConfig::default());
    let message = message(FC);
    let id = created_id(client(&stand_in).submit(&message).await);
    assert_eq!(id.len(), 26);
    let created = stand_in.created();
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].0, id);
    assert_eq!(created[0].1, serde_json::to_value(&message).unwrap());
    let requests = stand_in.requests();
    // The stand-in received exactly the bytes the content hash is taken from.
    assert_eq!(requests[0].raw_body, message.to_json());
    assert_eq!(requests[0].method, "POST");
    assert_eq!(requests[0].path, "/api/v1/messages");
    let agent = requests[0].user_agent.clone().unwrap();
    assert_eq!(agent, format!("alloggi/{}", env!("CARGO_PKG_VERSION")));
}

#[tokio::test]
async fn each_contract_rule_broken_is_rejected_naming_the_field() {
    let stand_in = StandIn::start(StandInConfig::default());
    let client = client(&stand_in);
    let breaches: Vec<Breach> = vec![
        (
            "fiscal_code",
            Box::new(|m| m.fiscal_code = FC.to_lowercase()),
        ),
        (
            "fiscal_code",
            Box::new(|m| m.fiscal_code = FC[..15].to_string()),
        ),
        (
            "fiscal_code",
            Box::new(|m| m.fiscal_code = "RSSMRA80Z01H501U".into()),
        ),
        (
            "feature_level_type",
            Box::new(|m| m.feature_level_type = "PREMIUM".into()),
        ),
        (
            "content.subject",
            Box::new(|m| m.content.subject = "x".repeat(9)),
        ),
        (
            "content.subject",
            Box::new(|m| m.content.subject = "x".repeat(121)),
        ),
        // 61 emoji are 61 chars but 122 UTF-16 code units, as IO counts.
        (
            "content.subject",
            Box::new(|m| m.content.subject = "🏠".repeat(61)),
        ),
        (
            "content.markdown",
            Box::new(|m| m.content.markdown = "x".repeat(79)),
        ),
        (
            "content.markdown",
            Box::new(|m| m.content.markdown = "x".repeat(10_001)),
        ),
        (
            "content.markdown",
            Box::new(|m| m.content.markdown = "🏠".repeat(5_001)),
        ),
        (
            "payment_data.amount",
            Box::new(|m| m.content.payment_data = paid(0, "301011100007347557")),
        ),
        (
            "payment_data.amount",
            Box::new(|m| m.content.payment_data = paid(10_000_000_000, "301011100007347557")),
        ),
        (
            "payment_data.notice_number",
            Box::new(|m| m.content.payment_data = paid(100, "401011100007347557")),
        ),
        (
            "payment_data.notice_number",
            Box::new(|m| m.content.payment_data = paid(100, "30101110000734755")),
        ),
        (
            "payment_data.notice_number",
            Box::new(|m| m.content.payment_data = paid(100, "30101110000734755A")),
        ),
        (
            "payment_data.payee.fiscal_code",
            Box::new(|m| {
                m.content.payment_data = paid(100, "301011100007347557");
                if let Some(p) = m.content.payment_data.as_mut() {
                    p.payee = Some(Payee {
                        fiscal_code: "0123456789".into(),
                    });
                }
            }),
        ),
        (
            "content.due_date",
            Box::new(|m| m.content.due_date = Some("2025-03-30T23:59:59".into())),
        ),
        (
            "content.due_date",
            Box::new(|m| m.content.due_date = Some("2025-03-30 23:59:59Z".into())),
        ),
        (
            "content.due_date",
            Box::new(|m| m.content.due_date = Some("2025-13-30T23:59:59.000Z".into())),
        ),
        (
            "content.due_date",
            Box::new(|m| m.content.due_date = Some("30/03/2025".into())),
        ),
        (
            "content.markdown",
            Box::new(|m| {
                m.content.markdown = with_front_matter(&FRONT_MATTER.replace("en:", "de:"))
            }),
        ),
        (
            "content.markdown",
            Box::new(|m| {
                let it_only = FRONT_MATTER.split("en:").next().unwrap();
                m.content.markdown = with_front_matter(it_only);
            }),
        ),
        (
            "content.markdown",
            Box::new(|m| {
                m.content.markdown =
                    with_front_matter(&FRONT_MATTER.replace("iohandledlink://https://", "https://"))
            }),
        ),
        (
            "content.markdown",
            Box::new(|m| {
                m.content.markdown = with_front_matter(
                    &FRONT_MATTER.replace("iohandledlink://tel:", "iohandledlink://fax:"),
                )
            }),
        ),
        (
            "content.markdown",
            Box::new(|m| {
                let three = FRONT_MATTER.replace(
                    "en:",
                    "  cta_3:\n    text: \"Altro\"\n    action: \"iohandledlink://tel:06\"\nen:",
                );
                m.content.markdown = with_front_matter(&three);
            }),
        ),
        (
            "content.markdown",
            Box::new(|m| {
                m.content.markdown = with_front_matter(&FRONT_MATTER.replace("Go to portal", ""))
            }),
        ),
        (
            "content.markdown",
            Box::new(|m| {
                m.content.markdown = with_front_matter(
                    &FRONT_MATTER.replace("  cta_1:\n    text: \"Go", "  cta_2:\n    text: \"Go"),
                )
            }),
        ),
        (
            "content.markdown",
            Box::new(|m| m.content.markdown = format!("---\n{FRONT_MATTER}{BODY}")),
        ),
        (
            "content.markdown",
            Box::new(|m| m.content.markdown = with_front_matter("it: [unclosed\nen: x\n")),
        ),
    ];
    for (i, (field, breach)) in breaches.iter().enumerate() {
        let mut message = message(FC);
        breach(&mut message);
        match client.submit(&message).await {
            SubmitOutcome::Rejected {
                status: 400,
                detail,
            } => {
                assert!(
                    detail.contains(field),
                    "breach {i}: {field} not in {detail:?}"
                );
            }
            other => panic!("breach {i} ({field}): expected Rejected 400, got {other:?}"),
        }
    }
    assert!(stand_in.created().is_empty());
}

#[tokio::test]
async fn limits_are_inclusive_and_counted_in_utf16() {
    let stand_in = StandIn::start(StandInConfig::default());
    let client = client(&stand_in);
    let fits: Vec<Change> = vec![
        Box::new(|_| {}),
        Box::new(|m| m.fiscal_code = "RSSMRA80A01H50MU".into()), // omocodia letter
        Box::new(|m| m.content.subject = "x".repeat(10)),
        Box::new(|m| m.content.subject = "x".repeat(120)),
        Box::new(|m| m.content.subject = "🏠".repeat(60)),
        Box::new(|m| m.content.markdown = "x".repeat(80)),
        Box::new(|m| m.content.markdown = "x".repeat(10_000)),
        Box::new(|m| m.content.markdown = "🏠".repeat(40)),
        Box::new(|m| m.content.markdown = with_front_matter(FRONT_MATTER)),
        Box::new(|m| {
            let closed_with_dots = format!("---\n{FRONT_MATTER}...\n{BODY}");
            m.content.markdown = closed_with_dots;
        }),
        Box::new(|m| {
            m.content.payment_data = paid(1, "001011100007347557");
            m.content.due_date = Some("2025-03-30T23:59:59.000Z".into());
        }),
        Box::new(|m| {
            m.content.payment_data = paid(9_999_999_999, "301011100007347557");
            m.content.due_date = Some("2025-03-30T23:59:59Z".into());
        }),
    ];
    for (i, fit) in fits.iter().enumerate() {
        let mut message = message(FC);
        fit(&mut message);
        let outcome = client.submit(&message).await;
        assert!(
            matches!(outcome, SubmitOutcome::Created { .. }),
            "case {i}: {outcome:?}"
        );
    }
}

/// The client always puts the fiscal code in the body; the stand-in still enforces the rule
/// for the deprecated path form, checked here with a bare request.
#[tokio::test]
async fn fiscal_code_in_both_path_and_body_is_refused() {
    let stand_in = StandIn::start(StandInConfig::default());
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::builder().build().unwrap();
    let url = format!("{}/messages/{FC}", stand_in.base_url());
    let both = http
        .post(&url)
        .header("Ocp-Apim-Subscription-Key", KEY)
        .body(message(FC).to_json())
        .send()
        .await
        .unwrap();
    assert_eq!(both.status(), 400);
    let problem: serde_json::Value = both.json().await.unwrap();
    assert!(problem["detail"].as_str().unwrap().contains("fiscal_code"));
    let mut path_only = serde_json::to_value(message(FC)).unwrap();
    path_only.as_object_mut().unwrap().remove("fiscal_code");
    let created = http
        .post(&url)
        .header("Ocp-Apim-Subscription-Key", KEY)
        .json(&path_only)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"].to_str().unwrap().to_string();
    let id = created.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(location, format!("/api/v1/messages/{FC}/{id}"));
}

#[tokio::test]
async fn wrong_key_is_unauthorized_and_never_shown() {
    let stand_in = StandIn::start(StandInConfig::default());
    let wrong = "chiave-sbagliata-7f3a";
    let client = IoClient::new(config(&stand_in.base_url(), wrong)).unwrap();
    let submitted = client.submit(&message(FC)).await;
    assert!(
        matches!(&submitted, SubmitOutcome::Unauthorized { detail } if detail.contains("invalid subscription key")),
        "{submitted:?}"
    );
    let profile = client.profile(FC).await;
    assert!(
        matches!(profile, ProfileOutcome::Unauthorized { .. }),
        "{profile:?}"
    );
    let status = client.status(FC, "01ARZ3NDEKTSV4RRFFQ69G5FAV").await;
    assert!(matches!(status, StatusOutcome::Failed { .. }), "{status:?}");
    for shown in [
        format!("{submitted:?}"),
        format!("{profile:?}"),
        format!("{status:?}"),
        format!("{client:?}"),
    ] {
        assert!(!shown.contains(wrong), "{shown}");
        assert!(!shown.contains(KEY), "{shown}");
    }
    assert!(stand_in.created().is_empty());
    assert_eq!(stand_in.count("/messages", 401), 1);
}

#[tokio::test]
async fn profile_outcomes() {
    let stand_in = StandIn::start(StandInConfig {
        not_allowed: vec![FC_OTHER.into()],
        not_found: vec!["BNCGNN90E15L219K".into()],
        fail_with: vec![
            ("FRRLCU85T10F839N".into(), 403),
            ("CSTNNA70M41H501Z".into(), 500),
        ],
        ..StandInConfig::default()
    });
    let client = client(&stand_in);
    assert_eq!(client.profile(FC).await, ProfileOutcome::Allowed);
    assert_eq!(client.profile(FC_OTHER).await, ProfileOutcome::NotAllowed);
    assert_eq!(
        client.profile("BNCGNN90E15L219K").await,
        ProfileOutcome::NotFound
    );
    assert!(matches!(
        client.profile("FRRLCU85T10F839N").await,
        ProfileOutcome::Refused { status: 403, detail } if detail.contains("Recipient forbidden")
    ));
    assert!(matches!(
        client.profile("CSTNNA70M41H501Z").await,
        ProfileOutcome::Failed { detail } if detail.contains("500")
    ));
    assert!(matches!(
        client.profile("non-un-codice").await,
        ProfileOutcome::Refused { status: 400, .. }
    ));
    let profiles = stand_in.requests();
    assert_eq!(
        profiles[0].body,
        Some(serde_json::json!({ "fiscal_code": FC }))
    );
}

#[tokio::test]
async fn server_errors_on_submit_are_uncertain_or_rejected() {
    let stand_in = StandIn::start(StandInConfig {
        fail_with: vec![(FC.into(), 500), (FC_OTHER.into(), 403)],
        ..StandInConfig::default()
    });
    let client = client(&stand_in);
    let outcome = client.submit(&message(FC)).await;
    assert!(
        matches!(&outcome, SubmitOutcome::Uncertain { detail } if detail.contains("500")),
        "{outcome:?}"
    );
    let outcome = client.submit(&message(FC_OTHER)).await;
    assert!(
        matches!(&outcome, SubmitOutcome::Rejected { status: 403, detail } if detail.contains("Recipient forbidden")),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn rate_limited_with_the_servers_delay_then_paused() {
    let stand_in = StandIn::start(StandInConfig {
        rate: Some((3, Duration::from_secs(1))),
        retry_after_secs: Some(1),
        ..StandInConfig::default()
    });
    let client = client(&stand_in);
    for _ in 0..3 {
        assert_eq!(client.profile(FC).await, ProfileOutcome::Allowed);
    }
    assert_eq!(
        client.submit(&message(FC)).await,
        SubmitOutcome::RateLimited {
            retry_after: Duration::from_secs(1)
        }
    );
    assert!(stand_in.created().is_empty());
    // The 429 paused the client: the next request waits out the delay, then goes through.
    let started = Instant::now();
    assert_eq!(client.profile(FC).await, ProfileOutcome::Allowed);
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(stand_in.count("/messages", 429), 1);
    assert_eq!(stand_in.count("", 429), 1);
}

#[tokio::test]
async fn status_read_rate_limited_names_the_delay() {
    let stand_in = StandIn::start(StandInConfig {
        rate: Some((1, Duration::from_secs(10))),
        retry_after_secs: Some(7),
        ..StandInConfig::default()
    });
    let client = client(&stand_in);
    assert_eq!(client.profile(FC).await, ProfileOutcome::Allowed);
    assert_eq!(
        client.status(FC, "01ARZ3NDEKTSV4RRFFQ69G5FAV").await,
        StatusOutcome::RateLimited {
            retry_after: Duration::from_secs(7)
        }
    );
    assert!(client.pacer().paused_until().is_some());
}

#[tokio::test]
async fn slow_reply_is_uncertain_because_the_message_was_created() {
    let stand_in = StandIn::start(StandInConfig {
        slow: vec![FC.into()],
        slow_delay: Duration::from_secs(3),
        ..StandInConfig::default()
    });
    let mut config = config(&stand_in.base_url(), KEY);
    config.request_timeout = Duration::from_millis(300);
    let client = IoClient::new(config).unwrap();
    let started = Instant::now();
    let outcome = client.submit(&message(FC)).await;
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(
        matches!(&outcome, SubmitOutcome::Uncertain { detail } if detail.contains("300 ms")),
        "{outcome:?}"
    );
    // IO did create it: resending would message the citizen twice, hence Uncertain.
    let created = stand_in.created();
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].1["fiscal_code"], FC);
    // Other citizens are answered at once.
    assert!(matches!(
        client.submit(&message(FC_OTHER)).await,
        SubmitOutcome::Created { .. }
    ));
}

#[tokio::test]
async fn closed_port_is_not_sent() {
    // Bound but not listening: connections are refused, and while the socket lives no other
    // server (another test's stand-in) can take the port.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let port = socket.local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}/api/v1");
    let client = IoClient::new(config(&base, KEY)).unwrap();
    let outcome = client.submit(&message(FC)).await;
    assert!(
        matches!(&outcome, SubmitOutcome::NotSent { detail } if detail.starts_with("connessione a IO non riuscita")),
        "{outcome:?}"
    );
    assert!(!format!("{outcome:?}").contains(FC), "{outcome:?}");
    assert!(matches!(
        client.profile(FC).await,
        ProfileOutcome::Failed { .. }
    ));
    assert!(matches!(
        client.status(FC, "01ARZ3NDEKTSV4RRFFQ69G5FAV").await,
        StatusOutcome::Failed { .. }
    ));
    drop(socket);
}

#[tokio::test]
async fn status_moves_from_accepted_to_processed_or_rejected() {
    let stand_in = StandIn::start(StandInConfig {
        accepted_polls: 2,
        rejected_status: vec![FC_OTHER.into()],
        ..StandInConfig::default()
    });
    let client = client(&stand_in);
    let found = |status: &str| StatusOutcome::Found {
        status: status.to_string(),
        read_status: None,
        payment_status: None,
    };
    let id = created_id(client.submit(&message(FC)).await);
    assert_eq!(client.status(FC, &id).await, found("ACCEPTED"));
    assert_eq!(client.status(FC, &id).await, found("ACCEPTED"));
    assert_eq!(client.status(FC, &id).await, found("PROCESSED"));
    assert_eq!(client.status(FC, &id).await, found("PROCESSED"));
    let rejected = created_id(client.submit(&message(FC_OTHER)).await);
    assert_eq!(client.status(FC_OTHER, &rejected).await, found("ACCEPTED"));
    assert_eq!(client.status(FC_OTHER, &rejected).await, found("ACCEPTED"));
    assert_eq!(client.status(FC_OTHER, &rejected).await, found("REJECTED"));
    assert_eq!(
        client.status(FC, "01ARZ3NDEKTSV4RRFFQ69G5FAV").await,
        StatusOutcome::NotFound
    );
    // Another citizen's fiscal code with this id: not found either.
    assert_eq!(client.status(FC_OTHER, &id).await, StatusOutcome::NotFound);
    assert!(
        stand_in
            .requests()
            .iter()
            .any(|r| r.method == "GET" && r.path == format!("/api/v1/messages/{FC}/{id}"))
    );
}

#[tokio::test]
async fn pacing_keeps_every_window_under_the_server_limit() {
    let window = Duration::from_secs(1);
    let stand_in = StandIn::start(StandInConfig {
        rate: Some((20, window)),
        ..StandInConfig::default()
    });
    let mut config = config(&stand_in.base_url(), KEY);
    config.pace = Some(Pace { limit: 20, window });
    let client = IoClient::new(config).unwrap();
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for task in 0..10 {
        let client = client.clone();
        tasks.spawn(async move {
            let mut ok = 0;
            for _ in 0..10 {
                // Profiles and messages share the one budget, as on IO.
                let fine = if task % 2 == 0 {
                    client.profile(FC).await == ProfileOutcome::Allowed
                } else {
                    matches!(
                        client.submit(&message(FC)).await,
                        SubmitOutcome::Created { .. }
                    )
                };
                ok += usize::from(fine);
            }
            ok
        });
    }
    let mut ok = 0;
    while let Some(done) = tasks.join_next().await {
        ok += done.unwrap();
    }
    let elapsed = started.elapsed();
    assert_eq!(ok, 100);
    assert_eq!(stand_in.count("", 429), 0);
    assert_eq!(stand_in.requests().len(), 100);
    let max = stand_in.max_requests_in_any_window(window);
    assert!(max < 20, "{max} requests in one window");
    // 19 per 1.05 s: the last 5 of the 100 leave in the sixth window, at 5.25 s; much
    // later would waste the budget.
    assert!(elapsed >= Duration::from_millis(5_000), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(6_000), "{elapsed:?}");
}

const PROXY_CHILD_ENV: &str = "ALLOGGI_TEST_IO_PROXY_CHILD";

/// Proves the product path honours `HTTP_PROXY` from the environment: a child process, whose
/// configuration comes only from environment variables (key, base URL on the unresolvable host
/// `io.invalid`, proxy), reaches the stand-in acting as proxy, which records `Host: io.invalid`.
/// A child is used because environment variables are shared by every thread of a process.
#[test]
fn http_proxy_from_the_environment_is_honoured() {
    let stand_in = StandIn::start(StandInConfig::default());
    let mut child = std::process::Command::new(std::env::current_exe().unwrap());
    // The test's name as the harness knows it: its module path without the crate's name.
    let child_test = match module_path!().split_once("::") {
        Some((_, module)) => format!("{module}::proxy_child_sends_through_the_environment_proxy"),
        None => "proxy_child_sends_through_the_environment_proxy".to_string(),
    };
    child.args([
        child_test.as_str(),
        "--exact",
        "--ignored",
        "--test-threads=1",
    ]);
    for name in [
        "http_proxy",
        "https_proxy",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
        "REQUEST_METHOD",
        "ALLOGGI_IO_API_KEY_FILE",
    ] {
        child.env_remove(name);
    }
    let output = child
        .env("HTTP_PROXY", stand_in.proxy_url())
        .env(PROXY_CHILD_ENV, "1")
        .env("ALLOGGI_IO_API_KEY", KEY)
        .env("ALLOGGI_IO_BASE_URL", "http://io.invalid/api/v1")
        .env("ALLOGGI_IO_RATE", "off")
        .env("ALLOGGI_IO_TIMEOUT_MS", "5000")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("1 passed"), "{stdout}");
    let requests = stand_in.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(request.host.as_deref(), Some("io.invalid"));
    }
    assert_eq!(requests[0].path, "/api/v1/profiles");
    assert_eq!(requests[1].path, "/api/v1/messages");
    assert_eq!(stand_in.created().len(), 1);
}

#[test]
#[ignore = "run by http_proxy_from_the_environment_is_honoured in a child process"]
fn proxy_child_sends_through_the_environment_proxy() {
    if std::env::var_os(PROXY_CHILD_ENV).is_none() {
        return;
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let config = ClientConfig::from_env(key_from_env().unwrap()).unwrap();
        assert_eq!(config.base_url, "http://io.invalid/api/v1");
        let client = IoClient::new(config).unwrap();
        assert_eq!(client.profile(FC).await, ProfileOutcome::Allowed);
        assert!(matches!(
            client.submit(&message(FC)).await,
            SubmitOutcome::Created { .. }
        ));
    });
}
