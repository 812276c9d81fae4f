#![allow(dead_code)]
//! A local stand-in for pagoPA's GPD external API (`/gpd/debt-positions-service/v1`), for
//! tests and benches.
//!
//! The contract is PagoPA's own OpenAPI file, `gpd-openapi-external-v1.json` beside this file,
//! copied byte for byte from pagopa/pagopa-debt-position, `openapi/openapi_external_v1.json`,
//! commit 597562dd. It is read at start and every request is checked against it by a small
//! schema walker (paths, path and query parameters, bodies: `$ref`, types, `required`, `enum`,
//! lengths, `minimum`/`maximum`, items, formats and the patterns the file uses), not by rules
//! copied by hand, so a test against it proves the client sends what GPD accepts. Its own
//! answers are checked against the same file. Beyond the file it checks, as GPD does, that the
//! organisation's fiscal code is 11 digits with a valid check digit and that the transfers add
//! up to their option's amount.
//!
//! Positions live in memory; knobs add a rate limit, latency, slow IUPDs (answered late but
//! created at once, so a client timeout is ambiguous), a forced failure status, and payment
//! by the citizen as if in the app. It runs its own tokio runtime on its own thread, so
//! synchronous and async tests can both use it.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use chrono::{NaiveDate, Utc};
use serde_json::{Map, Value, json};

pub const BASE_PATH: &str = "/gpd/debt-positions-service/v1";
const KEY_HEADER: &str = "ocp-apim-subscription-key";
const MAX_BODY_BYTES: usize = 1 << 20;
const SPEC_FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/support/gpd-openapi-external-v1.json"
);

#[derive(Debug, Clone)]
pub struct GpdStandInConfig {
    /// The only subscription key accepted.
    pub key: String,
    /// `(calls, window)`: a sliding-window limit over every endpoint. Only admitted requests
    /// count.
    pub rate: Option<(u32, Duration)>,
    /// The delay a 429 names in `Retry-After`; `None` = until the oldest admitted request
    /// leaves the window, rounded up to whole seconds.
    pub retry_after_secs: Option<u64>,
    /// Every reply is held this long.
    pub latency: Duration,
    /// IUPDs whose creation is answered only after `slow_delay`; the position is created at
    /// once all the same.
    pub slow: Vec<String>,
    pub slow_delay: Duration,
}

impl Default for GpdStandInConfig {
    fn default() -> Self {
        GpdStandInConfig {
            key: "chiave-gpd-di-prova".to_string(),
            rate: None,
            retry_after_secs: None,
            latency: Duration::ZERO,
            slow: Vec::new(),
            slow_delay: Duration::from_secs(2),
        }
    }
}

/// A position as the stand-in holds it.
#[derive(Debug, Clone)]
pub struct Position {
    pub org: String,
    pub iupd: String,
    pub iuv: String,
    pub nav: String,
    /// The body as received.
    pub body: Value,
    /// VALID, DRAFT, INVALID, PAID.
    pub status: String,
    pub payment_date: Option<String>,
    pub inserted_date: String,
    serial: u64,
}

/// One request as it arrived, with the status it was answered.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub status: u16,
    /// The ProblemJson `detail`, or APIM's `message`, of an error reply.
    pub detail: Option<String>,
    pub at: Instant,
}

pub struct GpdStandIn {
    addr: SocketAddr,
    inner: Arc<Inner>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

struct Inner {
    config: GpdStandInConfig,
    spec: Spec,
    state: Mutex<Ledger>,
}

#[derive(Default)]
struct Ledger {
    positions: Vec<Position>,
    create_attempts: HashMap<String, u32>,
    admitted: VecDeque<Instant>,
    fail_with: Option<u16>,
    requests: Vec<RecordedRequest>,
    serial: u64,
}

struct Reply {
    status: StatusCode,
    body: Value,
    headers: Vec<(&'static str, String)>,
    delay: Option<Duration>,
}

impl Reply {
    fn json(status: StatusCode, body: Value) -> Reply {
        Reply {
            status,
            body,
            headers: Vec::new(),
            delay: None,
        }
    }

    /// GPD's ProblemJson.
    fn problem(status: StatusCode, title: &str, detail: &str) -> Reply {
        Reply::json(
            status,
            json!({ "title": title, "status": status.as_u16(), "detail": detail }),
        )
    }

    fn bad_request(detail: &str) -> Reply {
        Reply::problem(StatusCode::BAD_REQUEST, "BAD REQUEST", detail)
    }

    /// APIM's own error shape (401, 429, unknown route).
    fn apim(status: StatusCode, message: &str) -> Reply {
        Reply::json(
            status,
            json!({ "statusCode": status.as_u16(), "message": message }),
        )
    }

    fn detail(&self) -> Option<String> {
        self.body
            .get("detail")
            .or_else(|| self.body.get("message"))
            .and_then(Value::as_str)
            .map(str::to_string)
    }
}

impl GpdStandIn {
    /// Starts listening on 127.0.0.1 (a free port) and returns once it accepts connections.
    pub fn start(config: GpdStandInConfig) -> GpdStandIn {
        let inner = Arc::new(Inner {
            config,
            spec: Spec::load(),
            state: Mutex::new(Ledger::default()),
        });
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let app = Router::new().fallback(handle).with_state(inner.clone());
        let thread = std::thread::Builder::new()
            .name("gpd-stand-in".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("runtime of the GPD stand-in");
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                        .await
                        .expect("GPD stand-in: bind 127.0.0.1:0");
                    addr_tx
                        .send(listener.local_addr().expect("local address"))
                        .expect("report the address");
                    tokio::select! {
                        _ = axum::serve(listener, app).into_future() => {}
                        _ = stop_rx => {}
                    }
                });
                runtime.shutdown_timeout(Duration::from_millis(200));
            })
            .expect("thread of the GPD stand-in");
        let addr = addr_rx.recv().expect("GPD stand-in did not start");
        GpdStandIn {
            addr,
            inner,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT/gpd/debt-positions-service/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}{BASE_PATH}", self.addr)
    }

    pub fn key(&self) -> &str {
        &self.inner.config.key
    }

    /// Every later request (after the key and the contract are checked) is answered `status`
    /// with a ProblemJson, and changes nothing; `None` ends it.
    pub fn fail_with(&self, status: Option<u16>) {
        self.inner.lock().fail_with = status;
    }

    /// The citizen pays the position `iupd` in the app on `date` (`YYYY-MM-DDTHH:MM:SSZ`).
    pub fn pay(&self, iupd: &str, date: &str) {
        let mut state = self.inner.lock();
        let position = state
            .positions
            .iter_mut()
            .find(|p| p.iupd == iupd)
            .unwrap_or_else(|| panic!("GPD stand-in: no position {iupd} to pay"));
        position.status = "PAID".to_string();
        position.payment_date = Some(date.to_string());
    }

    pub fn positions(&self) -> Vec<Position> {
        self.inner.lock().positions.clone()
    }

    pub fn position(&self, iupd: &str) -> Option<Position> {
        self.inner
            .lock()
            .positions
            .iter()
            .find(|p| p.iupd == iupd)
            .cloned()
    }

    pub fn position_count(&self) -> usize {
        self.inner.lock().positions.len()
    }

    /// Creation requests for `iupd` that passed the key, the limit and the contract,
    /// whatever their answer (201, 409 or a forced failure).
    pub fn create_attempts(&self, iupd: &str) -> u32 {
        self.inner
            .lock()
            .create_attempts
            .get(iupd)
            .copied()
            .unwrap_or(0)
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.inner.lock().requests.clone()
    }

    /// Requests answered `status`.
    pub fn count(&self, status: u16) -> usize {
        self.inner
            .lock()
            .requests
            .iter()
            .filter(|r| r.status == status)
            .count()
    }

    /// The most requests that arrived within any interval `[t, t + window)`.
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

impl Drop for GpdStandIn {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn handle(State(inner): State<Arc<Inner>>, request: Request) -> Response {
    let at = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let query = request.uri().query().map(str::to_string);
    let headers = request.headers().clone();
    let Ok(body) = to_bytes(request.into_body(), MAX_BODY_BYTES).await else {
        return into_response(Reply::bad_request("the body exceeds 1 MiB"));
    };
    let reply = inner.answer(&method, &path, query.as_deref(), &headers, &body, at);
    if let Some(delay) = reply.delay {
        tokio::time::sleep(delay).await;
    }
    into_response(reply)
}

fn into_response(reply: Reply) -> Response {
    let mut builder = Response::builder()
        .status(reply.status)
        .header(header::CONTENT_TYPE, "application/json");
    for (name, value) in &reply.headers {
        builder = builder.header(*name, value.as_str());
    }
    builder
        .body(Body::from(reply.body.to_string()))
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

/// A request matched to an operation of the contract.
struct Operation<'a> {
    template: &'a str,
    op: &'a Value,
    path_params: HashMap<String, String>,
    query: HashMap<String, String>,
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, Ledger> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Everything but the reply's delay happens under one lock, so the limit, the records
    /// and the positions agree with each other.
    fn answer(
        &self,
        method: &Method,
        path: &str,
        query: Option<&str>,
        headers: &HeaderMap,
        body: &[u8],
        at: Instant,
    ) -> Reply {
        let mut state = self.lock();
        let mut reply = self.route(&mut state, method, path, query, headers, body, at);
        if reply.delay.is_none() && !self.config.latency.is_zero() {
            reply.delay = Some(self.config.latency);
        }
        state.requests.push(RecordedRequest {
            method: method.to_string(),
            path: path.to_string(),
            query: query.map(str::to_string),
            status: reply.status.as_u16(),
            detail: reply.detail(),
            at,
        });
        reply
    }

    #[allow(clippy::too_many_arguments)]
    fn route(
        &self,
        state: &mut Ledger,
        method: &Method,
        path: &str,
        query: Option<&str>,
        headers: &HeaderMap,
        body: &[u8],
        at: Instant,
    ) -> Reply {
        match headers.get(KEY_HEADER).map(HeaderValue::as_bytes) {
            Some(key) if key == self.config.key.as_bytes() => {}
            Some(_) => {
                return Reply::apim(
                    StatusCode::UNAUTHORIZED,
                    "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.",
                );
            }
            None => {
                return Reply::apim(
                    StatusCode::UNAUTHORIZED,
                    "Access denied due to missing subscription key.",
                );
            }
        }
        if let Some(reply) = self.rate_limited(state, at) {
            return reply;
        }
        let operation = match self.spec.operation(method, path, query) {
            Ok(operation) => operation,
            Err(reply) => return reply,
        };
        let body = match self.spec.check_request(&operation, headers, body) {
            Ok(body) => body,
            Err(detail) => return Reply::bad_request(&detail),
        };
        let org = operation
            .path_params
            .get("organizationfiscalcode")
            .cloned()
            .unwrap_or_default();
        if !is_org_fiscal_code(&org) {
            return Reply::bad_request(&format!(
                "organizationfiscalcode «{org}» is not 11 digits with a valid check digit"
            ));
        }
        let param = |name: &str| operation.path_params.get(name).cloned().unwrap_or_default();
        let reply = match (method.as_str(), operation.template) {
            ("POST", "/organizations/{organizationfiscalcode}/debtpositions") => {
                self.create(state, &org, &operation.query, body)
            }
            ("GET", "/organizations/{organizationfiscalcode}/debtpositions") => {
                self.list(state, &org, &operation.query)
            }
            ("GET", "/organizations/{organizationfiscalcode}/debtpositions/{iupd}") => {
                self.read(state, &org, &param("iupd"))
            }
            ("POST", "/organizations/{organizationfiscalcode}/debtpositions/{iupd}/invalidate") => {
                self.invalidate(state, &org, &param("iupd"))
            }
            ("POST", "/organizations/{organizationfiscalcode}/paymentoptions/paids/{nav}") => {
                self.mark_paid(state, &org, &param("nav"), body)
            }
            _ => Reply::problem(
                StatusCode::NOT_IMPLEMENTED,
                "NOT IMPLEMENTED",
                "the stand-in does not serve this operation",
            ),
        };
        // The stand-in's own answers must keep to the contract too (a forced failure need not).
        if state.fail_with.is_none()
            && let Err(detail) = self.spec.check_response(operation.op, &reply)
        {
            return Reply::problem(
                StatusCode::INTERNAL_SERVER_ERROR,
                "STAND-IN BREAKS THE CONTRACT",
                &detail,
            );
        }
        reply
    }

    fn rate_limited(&self, state: &mut Ledger, at: Instant) -> Option<Reply> {
        let (calls, window) = self.config.rate?;
        while state
            .admitted
            .front()
            .is_some_and(|&first| first + window <= at)
        {
            state.admitted.pop_front();
        }
        if state.admitted.len() < calls as usize {
            state.admitted.push_back(at);
            return None;
        }
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
        reply.headers.push(("retry-after", seconds.to_string()));
        Some(reply)
    }

    fn forced_failure(&self, state: &Ledger) -> Option<Reply> {
        let status = StatusCode::from_u16(state.fail_with?).ok()?;
        Some(Reply::problem(status, "FORCED", "failure set by the test"))
    }

    fn create(
        &self,
        state: &mut Ledger,
        org: &str,
        query: &HashMap<String, String>,
        body: Option<Value>,
    ) -> Reply {
        let Some(body) = body else {
            return Reply::bad_request("the body is required");
        };
        let iupd = body["iupd"].as_str().unwrap_or_default().to_string();
        *state.create_attempts.entry(iupd.clone()).or_insert(0) += 1;
        if let Some(reply) = self.forced_failure(state) {
            return reply;
        }
        let options = body["paymentOption"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let Some(option) = options.first() else {
            return Reply::bad_request("paymentOption: at least one payment option is required");
        };
        for (i, option) in options.iter().enumerate() {
            let amount = option["amount"].as_i64().unwrap_or(0);
            let transfers: i64 = option["transfer"]
                .as_array()
                .map(|t| t.iter().filter_map(|t| t["amount"].as_i64()).sum())
                .unwrap_or(0);
            if transfers != amount {
                return Reply::bad_request(&format!(
                    "paymentOption[{i}]: the transfers add up to {transfers}, not to the amount {amount}"
                ));
            }
        }
        let iuv = option["iuv"].as_str().unwrap_or_default().to_string();
        if state
            .positions
            .iter()
            .any(|p| p.org == org && (p.iupd == iupd || p.iuv == iuv))
        {
            return Reply::problem(
                StatusCode::CONFLICT,
                "CONFLICT",
                &format!(
                    "Debt Position [organizationFiscalCode={org}, iupd={iupd}] already exists"
                ),
            );
        }
        let published = query.get("toPublish").is_some_and(|v| v == "true");
        state.serial += 1;
        let position = Position {
            org: org.to_string(),
            iupd: iupd.clone(),
            nav: format!("3{iuv}"),
            iuv,
            body,
            status: if published { "VALID" } else { "DRAFT" }.to_string(),
            payment_date: None,
            inserted_date: now_text(),
            serial: state.serial,
        };
        let mut reply = Reply::json(StatusCode::CREATED, position_model(&position));
        if self.config.slow.contains(&iupd) {
            reply.delay = Some(self.config.slow_delay);
        }
        state.positions.push(position);
        reply
    }

    fn read(&self, state: &Ledger, org: &str, iupd: &str) -> Reply {
        if let Some(reply) = self.forced_failure(state) {
            return reply;
        }
        match state
            .positions
            .iter()
            .find(|p| p.org == org && p.iupd == iupd)
        {
            Some(position) => Reply::json(StatusCode::OK, base_response(position)),
            None => not_found(org, iupd),
        }
    }

    fn invalidate(&self, state: &mut Ledger, org: &str, iupd: &str) -> Reply {
        if let Some(reply) = self.forced_failure(state) {
            return reply;
        }
        let Some(position) = state
            .positions
            .iter_mut()
            .find(|p| p.org == org && p.iupd == iupd)
        else {
            return not_found(org, iupd);
        };
        if !matches!(position.status.as_str(), "VALID" | "DRAFT" | "PUBLISHED") {
            return Reply::problem(
                StatusCode::CONFLICT,
                "CONFLICT",
                &format!(
                    "Debt Position [iupd={iupd}] is not in invalidable state ({})",
                    position.status
                ),
            );
        }
        position.status = "INVALID".to_string();
        Reply::json(StatusCode::OK, position_model(position))
    }

    fn mark_paid(&self, state: &mut Ledger, org: &str, nav: &str, body: Option<Value>) -> Reply {
        if let Some(reply) = self.forced_failure(state) {
            return reply;
        }
        let Some(position) = state
            .positions
            .iter_mut()
            .find(|p| p.org == org && p.nav == nav)
        else {
            return Reply::problem(
                StatusCode::NOT_FOUND,
                "NOT FOUND",
                &format!("No payment option found for nav {nav}"),
            );
        };
        match position.status.as_str() {
            "PAID" | "PARTIALLY_PAID" | "REPORTED" => {
                return Reply::problem(
                    StatusCode::CONFLICT,
                    "CONFLICT",
                    &format!("Payment option [nav={nav}] already paid"),
                );
            }
            "VALID" | "PUBLISHED" => {}
            other => {
                return Reply::problem(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "UNPROCESSABLE",
                    &format!("Payment option [nav={nav}] is not in payable state ({other})"),
                );
            }
        }
        let date = body
            .as_ref()
            .and_then(|b| b["paymentDate"].as_str())
            .map(str::to_string)
            .unwrap_or_else(now_text);
        position.status = "PAID".to_string();
        position.payment_date = Some(date);
        let mut option = option_response(position);
        if let Some(map) = option.as_object_mut() {
            map.insert("paymentMethod".into(), json!("OTHER"));
        }
        Reply::json(StatusCode::OK, option)
    }

    fn list(&self, state: &Ledger, org: &str, query: &HashMap<String, String>) -> Reply {
        if let Some(reply) = self.forced_failure(state) {
            return reply;
        }
        let date = |name: &str| query.get(name).and_then(|v| v.parse::<NaiveDate>().ok());
        let due = (date("due_date_from"), date("due_date_to"));
        let paid = (date("payment_date_from"), date("payment_date_to"));
        if (due.0.is_some() || due.1.is_some()) && (paid.0.is_some() || paid.1.is_some()) {
            return Reply::bad_request(
                "The due dates interval is mutually exclusive with the payment dates interval",
            );
        }
        // One bound alone reaches 30 days, as GPD describes.
        let span = |(from, to): (Option<NaiveDate>, Option<NaiveDate>)| match (from, to) {
            (Some(f), Some(t)) => Some((f, t)),
            (Some(f), None) => Some((f, f + chrono::Days::new(30))),
            (None, Some(t)) => Some((t - chrono::Days::new(30), t)),
            (None, None) => None,
        };
        let due_span = span(due);
        let paid_span = span(paid);
        let day = |text: Option<&str>| {
            text.and_then(|t| t.get(..10))
                .and_then(|d| d.parse::<NaiveDate>().ok())
        };
        let within = |d: Option<NaiveDate>, (f, t): (NaiveDate, NaiveDate)| {
            d.is_some_and(|d| f <= d && d <= t)
        };
        let mut found: Vec<&Position> = state
            .positions
            .iter()
            .filter(|p| p.org == org)
            .filter(|p| query.get("status").is_none_or(|s| *s == p.status))
            .filter(|p| paid_span.is_none_or(|span| within(day(p.payment_date.as_deref()), span)))
            .filter(|p| {
                due_span.is_none_or(|span| {
                    within(day(p.body["paymentOption"][0]["dueDate"].as_str()), span)
                })
            })
            .collect();
        match query.get("orderby").map(String::as_str) {
            Some("IUPD") => found.sort_by(|a, b| a.iupd.cmp(&b.iupd)),
            _ => found.sort_by_key(|p| p.serial),
        }
        if query.get("ordering").is_none_or(|o| o == "DESC") {
            found.reverse();
        }
        let limit: usize = query
            .get("limit")
            .and_then(|v| v.parse().ok())
            .unwrap_or(10);
        let page: usize = query.get("page").and_then(|v| v.parse().ok()).unwrap_or(0);
        let limit = limit.max(1);
        let total_pages = found.len().div_ceil(limit);
        let items: Vec<Value> = found
            .iter()
            .skip(page * limit)
            .take(limit)
            .map(|p| base_response(p))
            .collect();
        Reply::json(
            StatusCode::OK,
            json!({
                "payment_position_list": items,
                "page_info": {
                    "page": page,
                    "limit": limit,
                    "items_found": items.len(),
                    "total_pages": total_pages,
                },
            }),
        )
    }
}

fn not_found(org: &str, iupd: &str) -> Reply {
    Reply::problem(
        StatusCode::NOT_FOUND,
        "NOT FOUND",
        &format!("Debt Position [organizationFiscalCode={org}, iupd={iupd}] not found"),
    )
}

fn now_text() -> String {
    Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// `PaymentPositionModel`: the body as received with the server's fields.
fn position_model(position: &Position) -> Value {
    let mut body = position.body.clone();
    if let Some(map) = body.as_object_mut() {
        map.insert("status".into(), json!(position.status));
        if let Some(date) = &position.payment_date {
            map.insert("paymentDate".into(), json!(date));
        }
        if let Some(Value::Array(options)) = map.get_mut("paymentOption") {
            for option in options {
                if let Some(option) = option.as_object_mut() {
                    let iuv = option.get("iuv").and_then(Value::as_str).unwrap_or("");
                    option.insert("nav".into(), json!(format!("3{iuv}")));
                }
            }
        }
    }
    body
}

/// `PaymentOptionModelResponse` of the position's first option.
fn option_response(position: &Position) -> Value {
    let option = &position.body["paymentOption"][0];
    let paid = position.status == "PAID";
    let mut out = json!({
        "nav": position.nav,
        "iuv": position.iuv,
        "organizationFiscalCode": position.org,
        "amount": option["amount"],
        "description": option["description"],
        "isPartialPayment": option["isPartialPayment"],
        "dueDate": option["dueDate"],
        "insertedDate": position.inserted_date,
        "status": if paid { "PO_PAID" } else { "PO_UNPAID" },
        "transfer": option["transfer"].as_array().map(|transfers| {
            transfers.iter().map(|t| json!({
                "organizationFiscalCode": t["organizationFiscalCode"],
                "idTransfer": t["idTransfer"],
                "amount": t["amount"],
                "remittanceInformation": t["remittanceInformation"],
                "category": t["category"],
                "iban": t["iban"],
                "status": "T_UNREPORTED",
            })).collect::<Vec<_>>()
        }).unwrap_or_default(),
    });
    if let (Some(map), Some(date)) = (out.as_object_mut(), &position.payment_date) {
        map.insert("paymentDate".into(), json!(date));
    }
    out
}

/// `PaymentPositionModelBaseResponse`, as a read answers.
fn base_response(position: &Position) -> Value {
    let mut out = json!({
        "iupd": position.iupd,
        "organizationFiscalCode": position.org,
        "type": position.body["type"],
        "companyName": position.body["companyName"],
        "insertedDate": position.inserted_date,
        "status": position.status,
        "paymentOption": [option_response(position)],
    });
    if let (Some(map), Some(date)) = (out.as_object_mut(), &position.payment_date) {
        map.insert("paymentDate".into(), json!(date));
    }
    out
}

/// 11 digits, the last one the check digit of the Italian rule (Luhn-like).
pub fn is_org_fiscal_code(text: &str) -> bool {
    let digits: Vec<u32> = text.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != 11 || text.len() != 11 {
        return false;
    }
    let sum: u32 = digits[..10]
        .iter()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 0 {
                d
            } else {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            }
        })
        .sum();
    (10 - sum % 10) % 10 == digits[10]
}

// ---- The contract, read from PagoPA's OpenAPI file. ----

struct Spec {
    doc: Value,
}

impl Spec {
    fn load() -> Spec {
        let text = std::fs::read_to_string(SPEC_FILE)
            .unwrap_or_else(|e| panic!("GPD stand-in: cannot read {SPEC_FILE}: {e}"));
        let doc: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("GPD stand-in: {SPEC_FILE} is not JSON: {e}"));
        // A pattern the walker cannot check would pass unnoticed: refuse to start instead.
        let mut patterns = Vec::new();
        collect_patterns(&doc, &mut patterns);
        for pattern in patterns {
            assert!(
                pattern_matches(&pattern, "").is_some(),
                "GPD stand-in: the contract uses the pattern {pattern:?}, which the walker does not know"
            );
        }
        Spec { doc }
    }

    /// The operation `method path` names, with its parameters; 404 or 405 otherwise.
    fn operation(
        &self,
        method: &Method,
        path: &str,
        query: Option<&str>,
    ) -> Result<Operation<'_>, Reply> {
        let unknown = || Reply::apim(StatusCode::NOT_FOUND, "Resource not found");
        let rest = path.strip_prefix(BASE_PATH).ok_or_else(unknown)?;
        let segments: Vec<&str> = rest.split('/').skip(1).collect();
        let paths = self.doc["paths"].as_object().ok_or_else(unknown)?;
        let mut best: Option<(usize, &str, &Value, HashMap<String, String>)> = None;
        let mut path_known = false;
        for (template, item) in paths {
            let parts: Vec<&str> = template.split('/').skip(1).collect();
            if parts.len() != segments.len() {
                continue;
            }
            let mut params = HashMap::new();
            let fits = parts.iter().zip(&segments).all(|(part, segment)| {
                match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                    Some(name) => {
                        params.insert(name.to_string(), percent_decode(segment, false));
                        !segment.is_empty()
                    }
                    None => part == segment,
                }
            });
            if !fits {
                continue;
            }
            path_known = true;
            let Some(op) = item.get(method.as_str().to_ascii_lowercase()) else {
                continue;
            };
            // A literal segment wins over a parameter (`…/transfers` over `…/{iupd}`).
            let param_count = params.len();
            if best.as_ref().is_none_or(|(n, ..)| param_count < *n) {
                best = Some((param_count, template.as_str(), op, params));
            }
        }
        let Some((_, template, op, path_params)) = best else {
            return Err(if path_known {
                Reply::apim(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed")
            } else {
                unknown()
            });
        };
        let query = parse_query(query.unwrap_or(""));
        let operation = Operation {
            template,
            op,
            path_params,
            query,
        };
        self.check_parameters(&operation, paths.get(template))
            .map_err(|detail| Reply::bad_request(&detail))?;
        Ok(operation)
    }

    fn check_parameters(
        &self,
        operation: &Operation<'_>,
        item: Option<&Value>,
    ) -> Result<(), String> {
        let declared: Vec<&Value> = operation.op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(
                item.and_then(|i| i["parameters"].as_array())
                    .into_iter()
                    .flatten(),
            )
            .map(|p| self.resolve(p))
            .collect();
        for name in operation.query.keys() {
            let known = declared
                .iter()
                .any(|p| p["in"] == "query" && p["name"] == name.as_str());
            if !known {
                return Err(format!("unknown query parameter «{name}»"));
            }
        }
        for parameter in declared {
            let name = parameter["name"].as_str().unwrap_or_default();
            let value = match parameter["in"].as_str() {
                Some("path") => operation.path_params.get(name),
                Some("query") => operation.query.get(name),
                _ => continue,
            };
            let Some(value) = value else {
                if parameter["required"] == true {
                    return Err(format!("required parameter «{name}» is missing"));
                }
                continue;
            };
            let schema = self.resolve(&parameter["schema"]);
            let typed = match schema["type"].as_str() {
                Some("integer") => value
                    .parse::<i64>()
                    .map(Value::from)
                    .map_err(|_| format!("{name}: «{value}» is not an integer"))?,
                Some("boolean") => match value.as_str() {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    _ => return Err(format!("{name}: «{value}» is not true or false")),
                },
                _ => Value::String(value.clone()),
            };
            self.check(schema, &typed, name)?;
        }
        Ok(())
    }

    /// The JSON body, checked against the operation's request body; `None` when it has none.
    fn check_request(
        &self,
        operation: &Operation<'_>,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Option<Value>, String> {
        let Some(request_body) = operation.op.get("requestBody") else {
            return if body.is_empty() {
                Ok(None)
            } else {
                Err("this operation takes no body".to_string())
            };
        };
        if body.is_empty() {
            return if request_body["required"] == true {
                Err("the body is required".to_string())
            } else {
                Ok(None)
            };
        }
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !content_type.starts_with("application/json") {
            return Err(format!(
                "Content-Type «{content_type}» is not application/json"
            ));
        }
        let value: Value =
            serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
        let schema = &request_body["content"]["application/json"]["schema"];
        self.check(schema, &value, "body")?;
        Ok(Some(value))
    }

    fn check_response(&self, op: &Value, reply: &Reply) -> Result<(), String> {
        let declared = &op["responses"][reply.status.as_str()];
        if declared.is_null() {
            return Err(format!("status {} is not declared", reply.status.as_u16()));
        }
        match declared["content"]["application/json"].get("schema") {
            Some(schema) => self.check(schema, &reply.body, "response"),
            None => Ok(()),
        }
    }

    fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        let mut schema = schema;
        // A bounded walk: a loop of references in the file would otherwise never end.
        for _ in 0..16 {
            let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
                return schema;
            };
            let pointer = reference.strip_prefix('#').unwrap_or(reference);
            schema = self
                .doc
                .pointer(pointer)
                .unwrap_or_else(|| panic!("GPD stand-in: unresolved $ref {reference}"));
        }
        panic!("GPD stand-in: $ref chain too long");
    }

    /// `value` against `schema`; the error names the field, as `body.paymentOption[0].amount`.
    fn check(&self, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
        let schema = self.resolve(schema);
        if let Some(kind) = schema.get("type").and_then(Value::as_str) {
            let fits = match kind {
                "object" => value.is_object(),
                "array" => value.is_array(),
                "string" => value.is_string(),
                "integer" => value.is_i64() || value.is_u64(),
                "number" => value.is_number(),
                "boolean" => value.is_boolean(),
                "null" => value.is_null(),
                _ => true,
            };
            if !fits {
                return Err(format!("{at}: must be of type {kind}"));
            }
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
            && !allowed.contains(value)
        {
            return Err(format!(
                "{at}: {value} is not one of {}",
                Value::from(allowed.clone())
            ));
        }
        match value {
            Value::String(text) => self.check_string(schema, text, at),
            Value::Number(number) => check_number(schema, number, at),
            Value::Array(items) => self.check_array(schema, items, at),
            Value::Object(map) => self.check_object(schema, map, at),
            _ => Ok(()),
        }
    }

    fn check_string(&self, schema: &Value, text: &str, at: &str) -> Result<(), String> {
        let length = text.chars().count() as u64;
        if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
            && length > max
        {
            return Err(format!("{at}: length {length} exceeds maxLength {max}"));
        }
        if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
            && length < min
        {
            return Err(format!("{at}: length {length} is below minLength {min}"));
        }
        if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
            match pattern_matches(pattern, text) {
                Some(true) => {}
                Some(false) => return Err(format!("{at}: «{text}» does not match {pattern}")),
                None => return Err(format!("{at}: unknown pattern {pattern}")),
            }
        }
        match schema.get("format").and_then(Value::as_str) {
            Some("date-time") if chrono::DateTime::parse_from_rfc3339(text).is_err() => {
                Err(format!("{at}: «{text}» is not an RFC 3339 date-time"))
            }
            Some("date") if NaiveDate::parse_from_str(text, "%Y-%m-%d").is_err() => {
                Err(format!("{at}: «{text}» is not a date YYYY-MM-DD"))
            }
            _ => Ok(()),
        }
    }

    fn check_array(&self, schema: &Value, items: &[Value], at: &str) -> Result<(), String> {
        let count = items.len() as u64;
        if let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
            && count > max
        {
            return Err(format!("{at}: {count} items exceed maxItems {max}"));
        }
        if let Some(min) = schema.get("minItems").and_then(Value::as_u64)
            && count < min
        {
            return Err(format!("{at}: {count} items are below minItems {min}"));
        }
        if schema.get("uniqueItems") == Some(&Value::Bool(true)) {
            for (i, item) in items.iter().enumerate() {
                if items[..i].contains(item) {
                    return Err(format!("{at}[{i}]: repeats an earlier item"));
                }
            }
        }
        if let Some(item_schema) = schema.get("items") {
            for (i, item) in items.iter().enumerate() {
                self.check(item_schema, item, &format!("{at}[{i}]"))?;
            }
        }
        Ok(())
    }

    fn check_object(
        &self,
        schema: &Value,
        map: &Map<String, Value>,
        at: &str,
    ) -> Result<(), String> {
        for name in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !map.contains_key(name) {
                return Err(format!("{at}.{name}: required field is missing"));
            }
        }
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for (name, value) in map {
                if let Some(property) = properties.get(name) {
                    self.check(property, value, &format!("{at}.{name}"))?;
                }
            }
        }
        Ok(())
    }
}

fn check_number(schema: &Value, number: &serde_json::Number, at: &str) -> Result<(), String> {
    let Some(value) = number.as_f64() else {
        return Err(format!("{at}: {number} is not a number"));
    };
    if let Some(min) = schema.get("minimum").and_then(Value::as_f64)
        && value < min
    {
        return Err(format!("{at}: {number} is below minimum {min}"));
    }
    if let Some(max) = schema.get("maximum").and_then(Value::as_f64)
        && value > max
    {
        return Err(format!("{at}: {number} exceeds maximum {max}"));
    }
    let fits = match schema.get("format").and_then(Value::as_str) {
        Some("int32") => number.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
        Some("int64") => number.as_i64().is_some(),
        _ => true,
    };
    if fits {
        Ok(())
    } else {
        Err(format!("{at}: {number} does not fit its format"))
    }
}

fn collect_patterns(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(pattern)) = map.get("pattern") {
                out.push(pattern.clone());
            }
            map.values().for_each(|v| collect_patterns(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_patterns(v, out)),
        _ => {}
    }
}

/// The patterns the contract uses, checked by hand (no regex engine among the dependencies).
/// JSON Schema patterns are not anchored unless they say so. `None`: an unknown pattern.
fn pattern_matches(pattern: &str, text: &str) -> Option<bool> {
    let alnum_1_35 =
        |t: &str| (1..=35).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_alphanumeric());
    Some(match pattern {
        "^[A-Za-z0-9]{1,35}$" => alnum_1_35(text),
        "^$|^[A-Za-z0-9]{1,35}$" => text.is_empty() || alnum_1_35(text),
        // Two upper-case letters anywhere.
        "[A-Z]{2}" => text
            .as_bytes()
            .windows(2)
            .any(|w| w.iter().all(u8::is_ascii_uppercase)),
        // Java's \w (ASCII word), `*`, \h (horizontal space) or `-`, anywhere.
        "[\\w*\\h-]+" => text.chars().any(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '_' | '*' | '-' | ' ' | '\t' | '\u{a0}')
        }),
        _ => return None,
    })
}

fn parse_query(query: &str) -> HashMap<String, String> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(name, true), percent_decode(value, true))
        })
        .collect()
}

/// `%XX` decoded; `+` is a space only in a query.
fn percent_decode(text: &str, plus_is_space: bool) -> String {
    let bytes = text.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(high), Some(low)) => {
                    out.push((high * 16 + low) as u8);
                    i += 3;
                }
                _ => {
                    out.push(b'%');
                    i += 1;
                }
            },
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
