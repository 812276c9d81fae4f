#![allow(dead_code)]
//! A local stand-in for IO's services API (`/api/v1` behind APIM), for tests and benches.
//!
//! It checks requests against the IO contract with its own code, written from the contract and
//! not from the crate's validators, so a test against it proves something about the client and
//! about the messages the crate builds. It runs its own tokio runtime on its own thread, so a
//! synchronous test can use it as well as an async one, and it works as an HTTP proxy too
//! (requests in absolute form), which lets a test show that `HTTP_PROXY` is honoured.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};
use yaml_rust2::{Yaml, YamlLoader};

const KEY_HEADER: &str = "ocp-apim-subscription-key";
const SENDER_SERVICE_ID: &str = "01STANDINSERVICE000000000";
const MAX_BODY_BYTES: usize = 1 << 20;

/// What the stand-in does beyond the contract's rules.
#[derive(Debug, Clone)]
pub struct StandInConfig {
    /// The only subscription key accepted.
    pub key: String,
    /// `(calls, window)`: a sliding-window limit over every endpoint, like APIM's
    /// `rate-limit-by-key`. Only admitted requests count.
    pub rate: Option<(u32, Duration)>,
    /// The delay a 429 names; `None` = the time until the oldest admitted request leaves the
    /// window, rounded up to whole seconds.
    pub retry_after_secs: Option<u64>,
    /// Fiscal codes without an IO profile: profile → 404.
    pub not_found: Vec<String>,
    /// Fiscal codes that turned the service off: profile → 200 `sender_allowed: false`.
    pub not_allowed: Vec<String>,
    /// Fiscal codes whose messages end up REJECTED instead of PROCESSED.
    pub rejected_status: Vec<String>,
    /// Fiscal codes whose message POST is answered only after `slow_delay`; the message is
    /// created at once all the same, as on the real server where a timeout is ambiguous.
    pub slow: Vec<String>,
    pub slow_delay: Duration,
    /// Every message POST is answered after this delay (the message created at once), as a
    /// distant server would.
    pub latency: Duration,
    /// `(fiscal code, status)`: profile, message and status requests for that fiscal code get
    /// this status with a ProblemJson body (after the body is validated); nothing is created.
    pub fail_with: Vec<(String, u16)>,
    /// How many status reads answer ACCEPTED before the final status.
    pub accepted_polls: u32,
}

impl Default for StandInConfig {
    fn default() -> Self {
        StandInConfig {
            key: "chiave-di-prova".to_string(),
            rate: None,
            retry_after_secs: None,
            not_found: Vec::new(),
            not_allowed: Vec::new(),
            rejected_status: Vec::new(),
            slow: Vec::new(),
            slow_delay: Duration::from_secs(2),
            latency: Duration::ZERO,
            fail_with: Vec::new(),
            accepted_polls: 1,
        }
    }
}

/// One request as it arrived, with the status it was answered.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: String,
    /// The path only, also when the request came in absolute form through a proxy.
    pub path: String,
    /// The `Host` header (or the authority of an absolute-form request).
    pub host: Option<String>,
    pub user_agent: Option<String>,
    /// The body, when it was JSON.
    pub body: Option<Value>,
    /// The body's bytes as received.
    pub raw_body: Vec<u8>,
    pub status: u16,
    pub at: Instant,
}

pub struct StandIn {
    addr: SocketAddr,
    inner: Arc<Inner>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

struct Inner {
    config: StandInConfig,
    state: Mutex<Recorder>,
    ids: AtomicU64,
}

#[derive(Default)]
struct Recorder {
    requests: Vec<RecordedRequest>,
    created: Vec<Created>,
    admitted: VecDeque<Instant>,
}

struct Created {
    id: String,
    fiscal_code: String,
    body: Value,
    created_at: String,
    polls: u32,
}

/// What is recorded of a request besides its body.
struct Arrival {
    method: Method,
    path: String,
    host: Option<String>,
    user_agent: Option<String>,
    at: Instant,
}

/// A response before it is turned into HTTP, plus how long to hold it.
struct Reply {
    status: StatusCode,
    body: Value,
    problem: bool,
    headers: Vec<(&'static str, String)>,
    delay: Option<Duration>,
}

impl Reply {
    fn json(status: StatusCode, body: Value) -> Reply {
        Reply {
            status,
            body,
            problem: false,
            headers: Vec::new(),
            delay: None,
        }
    }

    /// RFC 7807, as IO's functions answer.
    fn problem(status: StatusCode, title: &str, detail: &str) -> Reply {
        Reply {
            status,
            body: json!({
                "type": "about:blank",
                "title": title,
                "status": status.as_u16(),
                "detail": detail,
            }),
            problem: true,
            headers: Vec::new(),
            delay: None,
        }
    }

    /// APIM's own error shape (401, 429, unknown route).
    fn apim(status: StatusCode, message: &str) -> Reply {
        Reply::json(
            status,
            json!({ "statusCode": status.as_u16(), "message": message }),
        )
    }

    fn invalid(field: &str, reason: &str) -> Reply {
        Reply::problem(
            StatusCode::BAD_REQUEST,
            "Invalid message structure",
            &format!("value at [root.{field}] is not valid: {reason}"),
        )
    }
}

impl StandIn {
    /// Starts listening on 127.0.0.1 (a free port) and returns once it accepts connections.
    pub fn start(config: StandInConfig) -> StandIn {
        let inner = Arc::new(Inner {
            config,
            state: Mutex::new(Recorder::default()),
            ids: AtomicU64::new(0),
        });
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let app = Router::new().fallback(handle).with_state(inner.clone());
        let thread = std::thread::Builder::new()
            .name("io-stand-in".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("runtime of the IO stand-in");
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                        .await
                        .expect("IO stand-in: bind 127.0.0.1:0");
                    addr_tx
                        .send(listener.local_addr().expect("local address"))
                        .expect("report the address");
                    tokio::select! {
                        _ = axum::serve(listener, app).into_future() => {}
                        _ = stop_rx => {}
                    }
                });
                // Drops connections still open, e.g. a slow reply nobody waits for any more.
                runtime.shutdown_timeout(Duration::from_millis(200));
            })
            .expect("thread of the IO stand-in");
        let addr = addr_rx.recv().expect("IO stand-in did not start");
        StandIn {
            addr,
            inner,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/api/v1`, IO's base URL as served here.
    pub fn base_url(&self) -> String {
        format!("http://{}/api/v1", self.addr)
    }

    /// `http://127.0.0.1:PORT`, for use as an HTTP proxy.
    pub fn proxy_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.inner.lock().requests.clone()
    }

    /// Every message created, as `(id, body as received)`.
    pub fn created(&self) -> Vec<(String, Value)> {
        self.inner
            .lock()
            .created
            .iter()
            .map(|c| (c.id.clone(), c.body.clone()))
            .collect()
    }

    /// Requests whose path ends with `path_suffix` and that were answered `status`.
    pub fn count(&self, path_suffix: &str, status: u16) -> usize {
        self.inner
            .lock()
            .requests
            .iter()
            .filter(|r| r.path.ends_with(path_suffix) && r.status == status)
            .count()
    }

    /// The most requests that arrived within any interval `[t, t + window)`.
    /// `POST /messages` requests that arrived for `fiscal_code`, whatever their answer.
    pub fn posts_for(&self, fiscal_code: &str) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.method == "POST" && r.path.ends_with("/messages"))
            .filter(|r| {
                r.body
                    .as_ref()
                    .is_some_and(|b| b["fiscal_code"] == fiscal_code)
            })
            .count()
    }

    pub fn max_requests_in_any_window(&self, window: Duration) -> usize {
        let mut times: Vec<Instant> = self.inner.lock().requests.iter().map(|r| r.at).collect();
        times.sort();
        let mut best = 0;
        let mut start = 0;
        for end in 0..times.len() {
            while times[end] >= times[start] + window {
                start += 1;
            }
            best = best.max(end - start + 1);
        }
        best
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, Recorder> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn next_id(&self) -> String {
        let millis = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0);
        let serial = u128::from(self.ids.fetch_add(1, Ordering::Relaxed));
        let value = (millis << 80) | (serial << 16) | u128::from(std::process::id() as u16);
        ulid_text(value)
    }

    /// Everything but the slow reply's wait happens under one lock, so the limit, the
    /// records and the created messages agree with each other.
    fn answer(&self, arrival: Arrival, headers: &HeaderMap, body: &[u8]) -> Reply {
        let Arrival {
            method,
            path,
            host,
            user_agent,
            at,
        } = arrival;
        let mut state = self.lock();
        let mut reply = self.route(&mut state, &method, &path, headers, body, at);
        let remaining = match self.config.rate {
            Some((calls, window)) => {
                prune(&mut state.admitted, window, at);
                calls
                    .saturating_sub(state.admitted.len() as u32)
                    .to_string()
            }
            None => "1000000".to_string(),
        };
        reply.headers.push(("x-rate-limit-remaining", remaining));
        state.requests.push(RecordedRequest {
            method: method.to_string(),
            path,
            host,
            user_agent,
            body: serde_json::from_slice(body).ok(),
            raw_body: body.to_vec(),
            status: reply.status.as_u16(),
            at,
        });
        reply
    }

    fn route(
        &self,
        state: &mut Recorder,
        method: &Method,
        path: &str,
        headers: &HeaderMap,
        body: &[u8],
        at: Instant,
    ) -> Reply {
        match headers.get(KEY_HEADER).map(HeaderValue::as_bytes) {
            None => {
                return Reply::apim(
                    StatusCode::UNAUTHORIZED,
                    "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.",
                );
            }
            Some(key) if key != self.config.key.as_bytes() => {
                return Reply::apim(
                    StatusCode::UNAUTHORIZED,
                    "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.",
                );
            }
            Some(_) => {}
        }
        if let Some((calls, window)) = self.config.rate {
            prune(&mut state.admitted, window, at);
            if state.admitted.len() >= calls as usize {
                let seconds = self.config.retry_after_secs.unwrap_or_else(|| {
                    let free_at = state.admitted.front().map_or(at, |&first| first + window);
                    free_at
                        .saturating_duration_since(at)
                        .as_secs_f64()
                        .ceil()
                        .max(1.0) as u64
                });
                let mut reply = Reply::apim(
                    StatusCode::TOO_MANY_REQUESTS,
                    &format!("Rate limit is exceeded. Try again in {seconds} seconds."),
                );
                reply
                    .headers
                    .push(("x-rate-limit-retry-after", seconds.to_string()));
                return reply;
            }
            state.admitted.push_back(at);
        }

        let segments: Vec<&str> = match path.strip_prefix("/api/v1/") {
            Some(rest) => rest.split('/').collect(),
            None => Vec::new(),
        };
        match (method, segments.as_slice()) {
            (&Method::POST, ["profiles"]) => self.profile(body),
            (&Method::POST, ["messages"]) => self.submit(state, None, body),
            (&Method::POST, ["messages", fiscal_code]) => {
                self.submit(state, Some(fiscal_code), body)
            }
            (&Method::GET, ["messages", fiscal_code, id]) => self.status(state, fiscal_code, id),
            _ => Reply::apim(StatusCode::NOT_FOUND, "Resource not found"),
        }
    }

    fn configured_failure(&self, fiscal_code: &str) -> Option<Reply> {
        let (_, status) = self
            .config
            .fail_with
            .iter()
            .find(|(code, _)| code == fiscal_code)?;
        let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let (title, detail) = match status.as_u16() {
            403 => (
                "Recipient forbidden",
                "You are not allowed to send messages to this recipient",
            ),
            500 => ("Internal server error", "The message cannot be delivered."),
            _ => ("Error", "Configured failure"),
        };
        Some(Reply::problem(status, title, detail))
    }

    fn profile(&self, body: &[u8]) -> Reply {
        let fiscal_code = serde_json::from_slice::<Value>(body).ok().and_then(|v| {
            v.get("fiscal_code")
                .and_then(Value::as_str)
                .map(str::to_string)
        });
        let Some(fiscal_code) = fiscal_code.filter(|fc| is_fiscal_code(fc)) else {
            return Reply::problem(
                StatusCode::BAD_REQUEST,
                "Invalid FiscalCodePayload",
                "value at [root.fiscal_code] is not a valid fiscal code",
            );
        };
        if let Some(reply) = self.configured_failure(&fiscal_code) {
            return reply;
        }
        if self.config.not_found.contains(&fiscal_code) {
            return Reply::problem(
                StatusCode::NOT_FOUND,
                "Profile not found",
                "No user found for the provided fiscal code.",
            );
        }
        let allowed = !self.config.not_allowed.contains(&fiscal_code);
        Reply::json(
            StatusCode::OK,
            json!({ "sender_allowed": allowed, "preferred_languages": ["it_IT"] }),
        )
    }

    fn submit(&self, state: &mut Recorder, path_code: Option<&str>, body: &[u8]) -> Reply {
        let value: Value = match serde_json::from_slice(body) {
            Ok(value) => value,
            Err(err) => return Reply::invalid("", &format!("the body is not JSON ({err})")),
        };
        let fiscal_code = match check_new_message(path_code, &value) {
            Ok(fiscal_code) => fiscal_code,
            Err(reply) => return reply,
        };
        if let Some(reply) = self.configured_failure(&fiscal_code) {
            return reply;
        }
        if value.get("feature_level_type").and_then(Value::as_str) == Some("ADVANCED") {
            return Reply::problem(
                StatusCode::FORBIDDEN,
                "Forbidden",
                "You do not have enough permissions to send a Premium message",
            );
        }
        let id = self.next_id();
        state.created.push(Created {
            id: id.clone(),
            fiscal_code: fiscal_code.clone(),
            body: value,
            created_at: chrono::Utc::now()
                .format("%Y-%m-%dT%H:%M:%S%.3fZ")
                .to_string(),
            polls: 0,
        });
        let mut reply = Reply::json(StatusCode::CREATED, json!({ "id": id }));
        reply
            .headers
            .push(("location", format!("/api/v1/messages/{fiscal_code}/{id}")));
        if self.config.slow.contains(&fiscal_code) {
            reply.delay = Some(self.config.slow_delay);
        } else if !self.config.latency.is_zero() {
            reply.delay = Some(self.config.latency);
        }
        reply
    }

    fn status(&self, state: &mut Recorder, fiscal_code: &str, id: &str) -> Reply {
        if !is_fiscal_code(fiscal_code) {
            return Reply::problem(
                StatusCode::BAD_REQUEST,
                "Bad request",
                "value at [root.fiscal_code] is not a valid fiscal code",
            );
        }
        if let Some(reply) = self.configured_failure(fiscal_code) {
            return reply;
        }
        let Some(created) = state
            .created
            .iter_mut()
            .find(|c| c.id == id && c.fiscal_code == fiscal_code)
        else {
            return Reply::problem(
                StatusCode::NOT_FOUND,
                "Message not found",
                "No message found for the provided ID.",
            );
        };
        created.polls += 1;
        let status = if created.polls <= self.config.accepted_polls {
            "ACCEPTED"
        } else if self.config.rejected_status.contains(&created.fiscal_code) {
            "REJECTED"
        } else {
            "PROCESSED"
        };
        let feature_level = created
            .body
            .get("feature_level_type")
            .and_then(Value::as_str)
            .unwrap_or("STANDARD");
        Reply::json(
            StatusCode::OK,
            json!({
                "message": {
                    "id": created.id,
                    "fiscal_code": created.fiscal_code,
                    "created_at": created.created_at,
                    "sender_service_id": SENDER_SERVICE_ID,
                    "feature_level_type": feature_level,
                    "time_to_live": 3600,
                },
                "status": status,
            }),
        )
    }
}

async fn handle(State(inner): State<Arc<Inner>>, request: Request) -> Response {
    let at = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let headers = request.headers().clone();
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| request.uri().authority().map(|a| a.to_string()));
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let Ok(body) = to_bytes(request.into_body(), MAX_BODY_BYTES).await else {
        return into_response(Reply::problem(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Payload too large",
            "the body exceeds 1 MiB",
        ));
    };
    let arrival = Arrival {
        method,
        path,
        host,
        user_agent,
        at,
    };
    let reply = inner.answer(arrival, &headers, &body);
    if let Some(delay) = reply.delay {
        tokio::time::sleep(delay).await;
    }
    into_response(reply)
}

fn into_response(reply: Reply) -> Response {
    let content_type = if reply.problem {
        "application/problem+json"
    } else {
        "application/json"
    };
    let mut builder = Response::builder()
        .status(reply.status)
        .header(header::CONTENT_TYPE, content_type);
    for (name, value) in &reply.headers {
        builder = builder.header(*name, value.as_str());
    }
    builder
        .body(Body::from(reply.body.to_string()))
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

fn prune(admitted: &mut VecDeque<Instant>, window: Duration, now: Instant) {
    while admitted.front().is_some_and(|&first| first + window <= now) {
        admitted.pop_front();
    }
}

/// 26 characters of Crockford base32, like a ULID.
fn ulid_text(value: u128) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    (0..26)
        .map(|i| ALPHABET[((value >> (5 * (25 - i))) & 31) as usize] as char)
        .collect()
}

// ---- The contract's rules, written out by hand. ----

/// `^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$`
fn is_fiscal_code(text: &str) -> bool {
    let letter = |b: u8| b.is_ascii_uppercase();
    let digit = |b: u8| b.is_ascii_digit() || b"LMNPQRSTUV".contains(&b);
    let month = |b: u8| b"ABCDEHLMPRST".contains(&b);
    let b = text.as_bytes();
    b.len() == 16
        && b[0..6].iter().all(|&c| letter(c))
        && b[6..8].iter().all(|&c| digit(c))
        && month(b[8])
        && b[9..11].iter().all(|&c| digit(c))
        && letter(b[11])
        && b[12..15].iter().all(|&c| digit(c))
        && letter(b[15])
}

/// `^[0123][0-9]{17}$`
fn is_notice_number(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 18 && (b'0'..=b'3').contains(&b[0]) && b.iter().all(u8::is_ascii_digit)
}

/// `YYYY-MM-DDTHH:MM:SS(.s+)Z`, with the fields in range.
fn is_utc_timestamp(text: &str) -> bool {
    let b = text.as_bytes();
    if b.len() < 20 || !text.is_ascii() || !text.ends_with('Z') {
        return false;
    }
    let shape_ok = b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && [0..4, 5..7, 8..10, 11..13, 14..16, 17..19]
            .iter()
            .all(|r| b[r.clone()].iter().all(u8::is_ascii_digit));
    if !shape_ok {
        return false;
    }
    let fraction = &b[19..b.len() - 1];
    let fraction_ok = fraction.is_empty()
        || (fraction.len() >= 2
            && fraction[0] == b'.'
            && fraction[1..].iter().all(u8::is_ascii_digit));
    let number = |r: std::ops::Range<usize>| text[r].parse::<u32>().unwrap_or(99);
    fraction_ok
        && (1..=12).contains(&number(5..7))
        && (1..=31).contains(&number(8..10))
        && number(11..13) < 24
        && number(14..16) < 60
        && number(17..19) < 60
}

fn utf16_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// Decodes a `NewMessage` as IO does; returns the recipient's fiscal code.
fn check_new_message(path_code: Option<&str>, value: &Value) -> Result<String, Reply> {
    let Some(object) = value.as_object() else {
        return Err(Reply::invalid("", "the body is not a JSON object"));
    };
    let body_code = match object.get("fiscal_code") {
        None => None,
        Some(Value::String(code)) if is_fiscal_code(code) => Some(code.clone()),
        Some(_) => return Err(Reply::invalid("fiscal_code", "not a valid fiscal code")),
    };
    if let Some(code) = path_code
        && !is_fiscal_code(code)
    {
        return Err(Reply::invalid(
            "fiscal_code",
            "not a valid fiscal code (path)",
        ));
    }
    let fiscal_code = match (path_code, body_code) {
        (Some(_), Some(_)) => {
            return Err(Reply::problem(
                StatusCode::BAD_REQUEST,
                "Bad parameters",
                "The fiscal_code parameter must be specified in the path or in the payload but not in both",
            ));
        }
        (None, None) => {
            return Err(Reply::problem(
                StatusCode::BAD_REQUEST,
                "Bad parameters",
                "The fiscal_code parameter must be specified in the path or in the payload",
            ));
        }
        (Some(code), None) => code.to_string(),
        (None, Some(code)) => code,
    };
    match object.get("feature_level_type") {
        None => {}
        Some(Value::String(level)) if level == "STANDARD" || level == "ADVANCED" => {}
        Some(_) => {
            return Err(Reply::invalid(
                "feature_level_type",
                "must be STANDARD or ADVANCED",
            ));
        }
    }
    if let Some(ttl) = object.get("time_to_live")
        && !ttl.as_u64().is_some_and(|t| (3600..=604_800).contains(&t))
    {
        return Err(Reply::invalid(
            "time_to_live",
            "must be an integer in 3600..=604800",
        ));
    }
    let Some(content) = object.get("content").and_then(Value::as_object) else {
        return Err(Reply::invalid("content", "missing or not an object"));
    };
    match content.get("subject") {
        Some(Value::String(subject)) if (10..=120).contains(&utf16_len(subject)) => {}
        Some(Value::String(subject)) => {
            return Err(Reply::invalid(
                "content.subject",
                &format!("length {} is outside 10..=120", utf16_len(subject)),
            ));
        }
        _ => return Err(Reply::invalid("content.subject", "missing or not a string")),
    }
    match content.get("markdown") {
        Some(Value::String(markdown)) if (80..=10_000).contains(&utf16_len(markdown)) => {
            if let Err(reason) = check_front_matter(markdown) {
                return Err(Reply::invalid(
                    "content.markdown",
                    &format!("front matter: {reason}"),
                ));
            }
        }
        Some(Value::String(markdown)) => {
            return Err(Reply::invalid(
                "content.markdown",
                &format!("length {} is outside 80..=10000", utf16_len(markdown)),
            ));
        }
        _ => {
            return Err(Reply::invalid(
                "content.markdown",
                "missing or not a string",
            ));
        }
    }
    if let Some(payment) = content.get("payment_data") {
        check_payment(payment)?;
    }
    match content.get("due_date") {
        None => {}
        Some(Value::String(date)) if is_utc_timestamp(date) => {}
        Some(_) => {
            return Err(Reply::invalid(
                "content.due_date",
                "must be YYYY-MM-DDTHH:MM:SS(.sss)Z",
            ));
        }
    }
    Ok(fiscal_code)
}

fn check_payment(payment: &Value) -> Result<(), Reply> {
    let Some(payment) = payment.as_object() else {
        return Err(Reply::invalid("content.payment_data", "not an object"));
    };
    if !payment
        .get("amount")
        .and_then(Value::as_u64)
        .is_some_and(|a| (1..=9_999_999_999).contains(&a))
    {
        return Err(Reply::invalid(
            "content.payment_data.amount",
            "must be an integer in 1..=9999999999",
        ));
    }
    if !payment
        .get("notice_number")
        .and_then(Value::as_str)
        .is_some_and(is_notice_number)
    {
        return Err(Reply::invalid(
            "content.payment_data.notice_number",
            "must match ^[0123][0-9]{17}$",
        ));
    }
    if payment
        .get("invalid_after_due_date")
        .is_some_and(|v| !v.is_boolean())
    {
        return Err(Reply::invalid(
            "content.payment_data.invalid_after_due_date",
            "must be a boolean",
        ));
    }
    if let Some(payee) = payment.get("payee") {
        let ok = payee
            .get("fiscal_code")
            .and_then(Value::as_str)
            .is_some_and(|c| c.len() == 11 && c.bytes().all(|b| b.is_ascii_digit()));
        if !ok {
            return Err(Reply::invalid(
                "content.payment_data.payee.fiscal_code",
                "must be 11 digits",
            ));
        }
    }
    Ok(())
}

/// The CTA front matter as the IO app reads it: at the very start, `---` … `---` (or `...`),
/// YAML with `it` and `en`, each with `cta_1` and optionally `cta_2`, each with `text` and an
/// `iohandledlink://<http|https|sms|tel|mailto|copy>:…` action. No front matter is fine.
fn check_front_matter(markdown: &str) -> Result<(), String> {
    let text = markdown.strip_prefix('\u{feff}').unwrap_or(markdown);
    let mut lines = text.split('\n');
    if lines.next().map(|l| l.trim_end_matches('\r')) != Some("---") {
        return Ok(());
    }
    let mut yaml = String::new();
    let mut closed = false;
    for line in lines {
        let bare = line.trim_end();
        if bare == "---" || bare == "..." {
            closed = true;
            break;
        }
        yaml.push_str(line);
        yaml.push('\n');
    }
    if !closed {
        return Err("opened with --- but never closed".into());
    }
    let documents =
        YamlLoader::load_from_str(&yaml).map_err(|e| format!("not valid YAML ({e})"))?;
    let Some(Yaml::Hash(root)) = documents.first() else {
        return Err("not a YAML mapping".into());
    };
    for key in root.keys() {
        match key.as_str() {
            Some("it" | "en") => {}
            _ => return Err(format!("unexpected key {key:?}: only it and en")),
        }
    }
    for language in ["it", "en"] {
        let Some(Yaml::Hash(ctas)) = root.get(&Yaml::String(language.into())) else {
            return Err(format!("{language} missing or not a mapping"));
        };
        for key in ctas.keys() {
            match key.as_str() {
                Some("cta_1" | "cta_2") => {}
                _ => {
                    return Err(format!(
                        "{language}: unexpected key {key:?}: only cta_1 and cta_2"
                    ));
                }
            }
        }
        for name in ["cta_1", "cta_2"] {
            match ctas.get(&Yaml::String(name.into())) {
                None if name == "cta_2" => {}
                None => return Err(format!("{language}.cta_1 missing")),
                Some(cta) => check_cta(cta).map_err(|e| format!("{language}.{name}.{e}"))?,
            }
        }
    }
    Ok(())
}

fn check_cta(cta: &Yaml) -> Result<(), String> {
    let Yaml::Hash(fields) = cta else {
        return Err("not a mapping".into());
    };
    for key in fields.keys() {
        match key.as_str() {
            Some("text" | "action") => {}
            _ => return Err(format!("unexpected key {key:?}")),
        }
    }
    let text = fields
        .get(&Yaml::String("text".into()))
        .and_then(Yaml::as_str);
    if text.is_none_or(|t| t.trim().is_empty()) {
        return Err("text missing or empty".into());
    }
    let action = fields
        .get(&Yaml::String("action".into()))
        .and_then(Yaml::as_str)
        .ok_or("action missing")?;
    let prefix = "iohandledlink://";
    let rest = match action.get(..prefix.len()) {
        Some(head) if head.eq_ignore_ascii_case(prefix) => &action[prefix.len()..],
        _ => {
            return Err(format!(
                "action must start with {prefix} (found {action:?})"
            ));
        }
    };
    let (schema, value) = rest.split_once(':').unwrap_or(("", ""));
    let known = ["http", "https", "sms", "tel", "mailto", "copy"];
    if !known.iter().any(|k| k.eq_ignore_ascii_case(schema)) || value.is_empty() {
        return Err(format!(
            "action {action:?} has no http/https/sms/tel/mailto/copy target"
        ));
    }
    Ok(())
}
