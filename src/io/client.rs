//! The client for IO's services API: check a citizen's profile, submit a message, read its
//! status. Each call answers with an outcome that says what the caller may safely do next;
//! above all, a submission whose fate is unknown is kept apart from one that surely did not
//! happen, because IO has no idempotency key and a blind retry can reach the citizen twice.

use std::time::{Duration, Instant as StdInstant};

use reqwest::header::{CONTENT_TYPE, HeaderMap, RETRY_AFTER};
use reqwest::{StatusCode, Url};
use serde::Deserialize;

use super::key::{ApiKey, KeyError};
use super::pace::{Instant, Pace, PaceError, Pacer, RATE_ENV};
use super::transport::{HttpClientError, parse_service_url, service_http_client};
use crate::messages::NewMessage;

pub const DEFAULT_BASE_URL: &str = "https://api.io.pagopa.it/api/v1";
pub const BASE_URL_ENV: &str = "ALLOGGI_IO_BASE_URL";
pub const TIMEOUT_ENV: &str = "ALLOGGI_IO_TIMEOUT_MS";
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(15_000);
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_millis(5_000);

const RATE_RETRY_HEADER: &str = "x-rate-limit-retry-after";
/// Used when a 429 names no delay.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(5);
/// A longer delay is not a real instruction; the caller can always ask again later.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);
/// Error bodies are short JSON; a gateway's HTML page is cut here.
const MAX_BODY_BYTES: usize = 64 * 1024;
const MAX_DETAIL_CHARS: usize = 300;
const MAX_TIMEOUT_MS: u64 = 600_000;

#[derive(Debug, thiserror::Error)]
pub enum IoError {
    #[error("{BASE_URL_ENV} non valido «{value}»: {reason} (per esempio {DEFAULT_BASE_URL})")]
    BaseUrl { value: String, reason: &'static str },
    #[error(
        "{TIMEOUT_ENV} non valido «{0}»: indicare i millisecondi di attesa di una risposta, da 1 a {MAX_TIMEOUT_MS}"
    )]
    Timeout(String),
    #[error("i tempi di attesa per IO devono essere maggiori di zero")]
    ZeroTimeout,
    #[error(transparent)]
    Rate(#[from] PaceError),
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(
        "la chiave IO contiene caratteri non ammessi in un'intestazione HTTP: ricopiarla senza spazi né a capo interni"
    )]
    KeyHeader,
    #[error("impossibile preparare il collegamento con IO: {0}")]
    Build(String),
}

#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub base_url: String,
    pub key: ApiKey,
    pub request_timeout: Duration,
    pub connect_timeout: Duration,
    pub pace: Option<Pace>,
}

impl ClientConfig {
    /// Defaults for IO in production: the real host, 15 s per request, IO's default limit.
    pub fn new(key: ApiKey) -> ClientConfig {
        ClientConfig {
            base_url: DEFAULT_BASE_URL.to_string(),
            key,
            request_timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            pace: Some(Pace::IO_DEFAULT),
        }
    }

    /// `ALLOGGI_IO_BASE_URL`, `ALLOGGI_IO_TIMEOUT_MS`, `ALLOGGI_IO_RATE` over the defaults.
    pub fn from_env(key: ApiKey) -> Result<ClientConfig, IoError> {
        ClientConfig::from_lookup(key, |name| std::env::var(name).ok())
    }

    /// As `from_env`, with the variables read through `lookup`; empty values count as unset.
    pub fn from_lookup(
        key: ApiKey,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<ClientConfig, IoError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let mut config = ClientConfig::new(key);
        if let Some(url) = get(BASE_URL_ENV) {
            parse_base_url(&url)?;
            config.base_url = url.trim().to_string();
        }
        if let Some(text) = get(TIMEOUT_ENV) {
            let ms: u64 = text
                .trim()
                .parse()
                .map_err(|_| IoError::Timeout(text.clone()))?;
            if ms == 0 || ms > MAX_TIMEOUT_MS {
                return Err(IoError::Timeout(text));
            }
            config.request_timeout = Duration::from_millis(ms);
            config.connect_timeout = DEFAULT_CONNECT_TIMEOUT.min(config.request_timeout);
        }
        if let Some(rate) = get(RATE_ENV) {
            config.pace = Pace::parse(&rate)?;
        }
        Ok(config)
    }
}

/// Parsed once; endpoint paths are appended segment by segment, so a fiscal code or an id
/// can never change the path's shape.
fn parse_base_url(text: &str) -> Result<Url, IoError> {
    parse_service_url(text).map_err(|reason| IoError::BaseUrl {
        value: text.to_string(),
        reason,
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileOutcome {
    /// The citizen uses IO and accepts messages from this service.
    Allowed,
    /// 200 with `sender_allowed: false`: the citizen turned this service off.
    NotAllowed,
    /// 404: not an IO user, or the inbox is disabled.
    NotFound,
    /// 429: not processed; every request of this client waits `retry_after` first.
    RateLimited { retry_after: Duration },
    /// 401: the key is wrong.
    Unauthorized { detail: String },
    /// 400, 403 and any other client error: asking again will not change the answer.
    Refused { status: u16, detail: String },
    /// Timeout, 5xx, connection: a read, safe to repeat.
    Failed { detail: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmitOutcome {
    Created {
        id: String,
    },
    /// 400, 403, 404 (and any other client error but 401 and 429): nothing was created.
    Rejected {
        status: u16,
        detail: String,
    },
    /// 429: not processed; every request of this client waits `retry_after` first.
    RateLimited {
        retry_after: Duration,
    },
    /// 401: nothing created, the key is wrong.
    Unauthorized {
        detail: String,
    },
    /// The connection could not be made, the request never left: safe to retry.
    NotSent {
        detail: String,
    },
    /// Timeout, 5xx, connection lost after sending, a 201 whose body is unreadable: the
    /// message may exist. Never retry automatically: that could message the citizen twice.
    Uncertain {
        detail: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusOutcome {
    /// `status` as IO names it: ACCEPTED, THROTTLED, PROCESSED, REJECTED, FAILED.
    Found {
        status: String,
        read_status: Option<String>,
        payment_status: Option<String>,
    },
    /// 404: unknown id, or a rejected message already expired.
    NotFound,
    RateLimited {
        retry_after: Duration,
    },
    Failed {
        detail: String,
    },
}

#[derive(Debug, Clone)]
pub struct IoClient {
    http: reqwest::Client,
    base: Url,
    pacer: Pacer,
    request_timeout: Duration,
    /// Kept only to scrub it from any text a server echoes back.
    key: ApiKey,
}

impl IoClient {
    pub fn new(config: ClientConfig) -> Result<IoClient, IoError> {
        let base = parse_base_url(&config.base_url)?;
        if config.request_timeout.is_zero() || config.connect_timeout.is_zero() {
            return Err(IoError::ZeroTimeout);
        }
        let http = service_http_client(&config.key, config.request_timeout, config.connect_timeout)
            .map_err(|e| match e {
                HttpClientError::KeyHeader => IoError::KeyHeader,
                HttpClientError::Build(e) => IoError::Build(error_chain(&e)),
            })?;
        Ok(IoClient {
            http,
            base,
            pacer: Pacer::new(config.pace),
            request_timeout: config.request_timeout,
            key: config.key,
        })
    }

    /// The pacer shared by every clone of this client.
    pub fn pacer(&self) -> &Pacer {
        &self.pacer
    }

    /// `POST {base}/profiles`: may the service write to this citizen?
    pub async fn profile(&self, fiscal_code: &str) -> ProfileOutcome {
        let url = self.endpoint(&["profiles"]);
        let body = serde_json::json!({ "fiscal_code": fiscal_code });
        let request = self
            .http
            .post(url)
            .header(CONTENT_TYPE, "application/json")
            .body(body.to_string());
        let mut response = match self.send("profiles", request).await {
            Ok(response) => response,
            Err(error) => {
                return ProfileOutcome::Failed {
                    detail: self.transport_detail(&error),
                };
            }
        };
        let status = response.status();
        match status.as_u16() {
            200 => {
                #[derive(Deserialize)]
                struct LimitedProfile {
                    sender_allowed: bool,
                }
                match read_capped(&mut response).await {
                    Ok(bytes) => match serde_json::from_slice::<LimitedProfile>(&bytes) {
                        Ok(profile) if profile.sender_allowed => ProfileOutcome::Allowed,
                        Ok(_) => ProfileOutcome::NotAllowed,
                        Err(_) => ProfileOutcome::Failed {
                            detail: "IO ha risposto 200 al controllo del profilo con un contenuto illeggibile".into(),
                        },
                    },
                    Err(error) => ProfileOutcome::Failed {
                        detail: self.transport_detail(&error),
                    },
                }
            }
            404 => {
                drain(&mut response).await;
                ProfileOutcome::NotFound
            }
            429 => ProfileOutcome::RateLimited {
                retry_after: self.rate_limited(&mut response).await,
            },
            401 => ProfileOutcome::Unauthorized {
                detail: self.error_detail(&mut response).await,
            },
            400..=499 => ProfileOutcome::Refused {
                status: status.as_u16(),
                detail: self.error_detail(&mut response).await,
            },
            _ => ProfileOutcome::Failed {
                detail: self.status_detail(status, &mut response).await,
            },
        }
    }

    /// `POST {base}/messages`, the fiscal code in the body as PagoPA recommends. The body is
    /// exactly `message.to_json()`, the bytes the content hash is taken from.
    pub async fn submit(&self, message: &NewMessage) -> SubmitOutcome {
        self.pacer.wait_turn().await;
        self.submit_now(message).await
    }

    /// As `submit`, for a caller that has already waited its turn with `pacer().wait_turn()`:
    /// the outbox worker marks a message as being sent between its turn and the request, so
    /// that nothing is marked while it still waits.
    pub async fn submit_now(&self, message: &NewMessage) -> SubmitOutcome {
        let url = self.endpoint(&["messages"]);
        let request = self
            .http
            .post(url)
            .header(CONTENT_TYPE, "application/json")
            .body(message.to_json());
        let mut response = match self.send_now("messages", request).await {
            Ok(response) => response,
            Err(error) if error.is_connect() => {
                return SubmitOutcome::NotSent {
                    detail: self.transport_detail(&error),
                };
            }
            Err(error) => {
                return SubmitOutcome::Uncertain {
                    detail: self.transport_detail(&error),
                };
            }
        };
        let status = response.status();
        match status.as_u16() {
            201 => {
                #[derive(Deserialize)]
                struct CreatedMessage {
                    id: String,
                }
                let bytes = match read_capped(&mut response).await {
                    Ok(bytes) => bytes,
                    Err(error) => {
                        return SubmitOutcome::Uncertain {
                            detail: format!(
                                "IO ha risposto 201 ma la risposta si è interrotta: {}",
                                self.transport_detail(&error)
                            ),
                        };
                    }
                };
                match serde_json::from_slice::<CreatedMessage>(&bytes) {
                    Ok(created) if is_plausible_id(&created.id) => {
                        SubmitOutcome::Created { id: created.id }
                    }
                    _ => SubmitOutcome::Uncertain {
                        detail: "IO ha risposto 201 (messaggio creato) ma senza un identificativo leggibile".into(),
                    },
                }
            }
            429 => SubmitOutcome::RateLimited {
                retry_after: self.rate_limited(&mut response).await,
            },
            401 => SubmitOutcome::Unauthorized {
                detail: self.error_detail(&mut response).await,
            },
            400..=499 => SubmitOutcome::Rejected {
                status: status.as_u16(),
                detail: self.error_detail(&mut response).await,
            },
            // 5xx: a gateway may answer after the function created the message.
            _ => SubmitOutcome::Uncertain {
                detail: self.status_detail(status, &mut response).await,
            },
        }
    }

    /// `GET {base}/messages/{fiscal_code}/{id}`.
    pub async fn status(&self, fiscal_code: &str, id: &str) -> StatusOutcome {
        let url = self.endpoint(&["messages", fiscal_code, id]);
        let request = self.http.get(url);
        let mut response = match self.send("messages/{id}", request).await {
            Ok(response) => response,
            Err(error) => {
                return StatusOutcome::Failed {
                    detail: self.transport_detail(&error),
                };
            }
        };
        let status = response.status();
        match status.as_u16() {
            200 => {
                #[derive(Deserialize)]
                struct MessageStatus {
                    status: Option<String>,
                    read_status: Option<String>,
                    payment_status: Option<String>,
                }
                let bytes = match read_capped(&mut response).await {
                    Ok(bytes) => bytes,
                    Err(error) => {
                        return StatusOutcome::Failed {
                            detail: self.transport_detail(&error),
                        };
                    }
                };
                match serde_json::from_slice::<MessageStatus>(&bytes) {
                    Ok(found) => StatusOutcome::Found {
                        // IO itself reports ACCEPTED while it holds no status yet.
                        status: found
                            .status
                            .map(|s| clean(&s, 40, None))
                            .unwrap_or_else(|| "ACCEPTED".to_string()),
                        read_status: found.read_status.map(|s| clean(&s, 40, None)),
                        payment_status: found.payment_status.map(|s| clean(&s, 40, None)),
                    },
                    Err(_) => StatusOutcome::Failed {
                        detail: "IO ha risposto 200 alla lettura dello stato con un contenuto illeggibile".into(),
                    },
                }
            }
            404 => {
                drain(&mut response).await;
                StatusOutcome::NotFound
            }
            429 => StatusOutcome::RateLimited {
                retry_after: self.rate_limited(&mut response).await,
            },
            _ => StatusOutcome::Failed {
                detail: self.status_detail(status, &mut response).await,
            },
        }
    }

    fn endpoint(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        // Always Ok for http(s) URLs, which parse_base_url guarantees.
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    /// Waits for the pacer, then sends.
    async fn send(
        &self,
        endpoint: &'static str,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, reqwest::Error> {
        self.pacer.wait_turn().await;
        self.send_now(endpoint, request).await
    }

    /// Sends at once. Logged without body, key or fiscal code.
    async fn send_now(
        &self,
        endpoint: &'static str,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, reqwest::Error> {
        let started = StdInstant::now();
        let result = request.send().await;
        let elapsed_ms = started.elapsed().as_millis() as u64;
        match &result {
            Ok(response) => tracing::debug!(
                endpoint,
                status = response.status().as_u16(),
                elapsed_ms,
                "richiesta IO"
            ),
            Err(error) => tracing::debug!(
                endpoint,
                connect = error.is_connect(),
                timeout = error.is_timeout(),
                elapsed_ms,
                "richiesta IO non completata"
            ),
        }
        result
    }

    /// Reads the delay of a 429 and makes every request of this client wait it out.
    async fn rate_limited(&self, response: &mut reqwest::Response) -> Duration {
        let retry_after = retry_after(response.headers());
        self.pacer.pause_until(Instant::now() + retry_after);
        drain(response).await;
        retry_after
    }

    async fn error_detail(&self, response: &mut reqwest::Response) -> String {
        match read_capped(response).await {
            Ok(bytes) => problem_text("IO", &bytes, Some(&self.key)),
            Err(_) => "risposta di IO senza dettagli".to_string(),
        }
    }

    async fn status_detail(&self, status: StatusCode, response: &mut reqwest::Response) -> String {
        let detail = self.error_detail(response).await;
        clean(
            &format!("IO ha risposto {}: {detail}", status.as_u16()),
            MAX_DETAIL_CHARS,
            Some(&self.key),
        )
    }

    fn transport_detail(&self, error: &reqwest::Error) -> String {
        let what = if error.is_connect() {
            "connessione a IO non riuscita".to_string()
        } else if error.is_timeout() {
            format!(
                "nessuna risposta completa da IO entro {} ms",
                self.request_timeout.as_millis()
            )
        } else {
            "comunicazione con IO interrotta".to_string()
        };
        clean(
            &format!("{what}: {}", error_chain(error)),
            MAX_DETAIL_CHARS,
            Some(&self.key),
        )
    }
}

/// `x-rate-limit-retry-after` (APIM's header, seconds), else `Retry-After` in seconds, else 5 s.
pub fn retry_after(headers: &HeaderMap) -> Duration {
    let seconds = |name: &str| -> Option<Duration> {
        let text = headers.get(name)?.to_str().ok()?.trim();
        let value: f64 = text.parse().ok()?;
        if value.is_finite() && value >= 0.0 {
            Some(Duration::from_secs_f64(
                value.min(MAX_RETRY_AFTER.as_secs_f64()),
            ))
        } else {
            None
        }
    };
    seconds(RATE_RETRY_HEADER)
        .or_else(|| seconds(RETRY_AFTER.as_str()))
        .unwrap_or(DEFAULT_RETRY_AFTER)
}

/// IO ids are ULIDs; anything else from a 201 is not trusted as an id to build paths with.
fn is_plausible_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

pub(crate) async fn read_capped(
    response: &mut reqwest::Response,
) -> Result<Vec<u8>, reqwest::Error> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = MAX_BODY_BYTES.saturating_sub(body.len());
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= MAX_BODY_BYTES {
            break;
        }
    }
    Ok(body)
}

/// Reads a small body to the end so the connection can be reused; its content is not needed.
pub(crate) async fn drain(response: &mut reqwest::Response) {
    let _ = read_capped(response).await;
}

/// `title: detail` of a ProblemJson, the `message` of an APIM error, or the text itself.
pub(crate) fn problem_text(service: &str, body: &[u8], key: Option<&ApiKey>) -> String {
    let text = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(map)) => {
            let field = |name: &str| {
                map.get(name)
                    .and_then(serde_json::Value::as_str)
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
            };
            match (field("title"), field("detail"), field("message")) {
                (Some(title), Some(detail), _) => format!("{title}: {detail}"),
                (Some(only), None, _) | (None, Some(only), _) | (None, None, Some(only)) => {
                    only.to_string()
                }
                (None, None, None) => String::from_utf8_lossy(body).into_owned(),
            }
        }
        _ => String::from_utf8_lossy(body).into_owned(),
    };
    let cleaned = clean(&text, MAX_DETAIL_CHARS, key);
    if cleaned.is_empty() {
        format!("risposta di {service} senza dettagli")
    } else {
        cleaned
    }
}

/// One line of at most `max_chars`, without control characters and without the key.
pub(crate) fn clean(text: &str, max_chars: usize, key: Option<&ApiKey>) -> String {
    let mut text: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if let Some(key) = key {
        text = text.replace(key.expose(), "***");
    }
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= max_chars {
        collapsed
    } else {
        let mut cut: String = collapsed
            .chars()
            .take(max_chars.saturating_sub(1))
            .collect();
        cut.push('…');
        cut
    }
}

/// The error and its causes, without the URL (which can hold a fiscal code).
pub(crate) fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current = Some(error);
    while let Some(err) = current {
        let mut text = err.to_string();
        if let Some(reqwest_error) = err.downcast_ref::<reqwest::Error>()
            && let Some(url) = reqwest_error.url()
        {
            text = text
                .replace(&format!(" for url ({url})"), "")
                .replace(url.as_str(), "");
        }
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = err.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn key() -> ApiKey {
        ApiKey::new("chiave-segreta").unwrap()
    }

    fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn config_defaults() {
        let config = ClientConfig::from_lookup(key(), lookup(&[])).unwrap();
        assert_eq!(config.base_url, DEFAULT_BASE_URL);
        assert_eq!(config.request_timeout, Duration::from_millis(15_000));
        assert_eq!(config.connect_timeout, Duration::from_millis(5_000));
        assert_eq!(config.pace, Some(Pace::IO_DEFAULT));
    }

    #[test]
    fn config_from_variables() {
        let config = ClientConfig::from_lookup(
            key(),
            lookup(&[
                (BASE_URL_ENV, "http://127.0.0.1:8080/api/v1/"),
                (TIMEOUT_ENV, "2000"),
                (RATE_ENV, "off"),
            ]),
        )
        .unwrap();
        assert_eq!(config.base_url, "http://127.0.0.1:8080/api/v1/");
        assert_eq!(config.request_timeout, Duration::from_millis(2000));
        assert_eq!(config.connect_timeout, Duration::from_millis(2000));
        assert_eq!(config.pace, None);
        let config =
            ClientConfig::from_lookup(key(), lookup(&[(RATE_ENV, "250/5"), (BASE_URL_ENV, " ")]))
                .unwrap();
        assert_eq!(config.pace.unwrap().limit, 250);
        assert_eq!(config.base_url, DEFAULT_BASE_URL);
    }

    #[test]
    fn config_refuses_bad_values_in_italian() {
        for url in [
            "ftp://io.example/api",
            "api.io.pagopa.it/api/v1",
            "https://",
            "https://utente:pw@api.io.pagopa.it/api/v1",
            "https://api.io.pagopa.it/api/v1?x=1",
        ] {
            let err = ClientConfig::from_lookup(key(), lookup(&[(BASE_URL_ENV, url)])).unwrap_err();
            assert!(matches!(err, IoError::BaseUrl { .. }), "{url}");
            assert!(
                err.to_string().contains("ALLOGGI_IO_BASE_URL non valido"),
                "{err}"
            );
        }
        for ms in ["0", "-5", "abc", "600001", "1.5"] {
            let err = ClientConfig::from_lookup(key(), lookup(&[(TIMEOUT_ENV, ms)])).unwrap_err();
            assert!(
                err.to_string().contains("ALLOGGI_IO_TIMEOUT_MS non valido"),
                "{ms}"
            );
        }
        let err = ClientConfig::from_lookup(key(), lookup(&[(RATE_ENV, "tanti")])).unwrap_err();
        assert!(err.to_string().contains("ALLOGGI_IO_RATE non valido"));
    }

    #[test]
    fn config_debug_hides_the_key() {
        let config = ClientConfig::new(key());
        assert!(!format!("{config:?}").contains("chiave-segreta"));
    }

    #[test]
    fn endpoints_are_built_segment_by_segment() {
        for base in ["https://io.example/api/v1", "https://io.example/api/v1/"] {
            let mut config = ClientConfig::new(key());
            config.base_url = base.to_string();
            let client = IoClient::new(config).unwrap();
            assert_eq!(
                client.endpoint(&["messages"]).as_str(),
                "https://io.example/api/v1/messages"
            );
            assert_eq!(
                client
                    .endpoint(&["messages", "AAA/../x", "id?x#y"])
                    .as_str(),
                "https://io.example/api/v1/messages/AAA%2F..%2Fx/id%3Fx%23y"
            );
        }
    }

    #[test]
    fn key_with_a_newline_inside_is_refused_without_showing_it() {
        let mut config = ClientConfig::new(ApiKey::new("abc\ndef").unwrap());
        config.base_url = "https://io.example/api/v1".into();
        let err = IoClient::new(config).unwrap_err();
        assert!(matches!(err, IoError::KeyHeader));
        assert!(!err.to_string().contains("abc"));
    }

    #[test]
    fn retry_after_prefers_apim_header_then_standard_then_default() {
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), Duration::from_secs(5));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("9"));
        assert_eq!(retry_after(&headers), Duration::from_secs(9));
        headers.insert(RATE_RETRY_HEADER, HeaderValue::from_static("3"));
        assert_eq!(retry_after(&headers), Duration::from_secs(3));
        headers.insert(RATE_RETRY_HEADER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers), Duration::from_secs(9));
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&headers), Duration::from_secs(5));
        headers.insert(RATE_RETRY_HEADER, HeaderValue::from_static("99999999"));
        assert_eq!(retry_after(&headers), MAX_RETRY_AFTER);
    }

    #[test]
    fn problem_text_prefers_title_and_detail() {
        let body = br#"{"type":"about:blank","title":"Invalid message structure","status":400,"detail":"value at [root.content.subject] is not valid"}"#;
        assert_eq!(
            problem_text("IO", body, None),
            "Invalid message structure: value at [root.content.subject] is not valid"
        );
        let apim =
            br#"{"statusCode":401,"message":"Access denied due to invalid subscription key."}"#;
        assert_eq!(
            problem_text("IO", apim, None),
            "Access denied due to invalid subscription key."
        );
        assert_eq!(
            problem_text("IO", b"", None),
            "risposta di IO senza dettagli"
        );
        assert_eq!(
            problem_text("IO", b"<html>\n<b>502</b>\r\n</html>", None),
            "<html> <b>502</b> </html>"
        );
    }

    #[test]
    fn detail_is_cut_stripped_and_never_holds_the_key() {
        let body = format!(
            r#"{{"title":"Errore","detail":"chiave chiave-segreta\u0000\u001b[31m rifiutata {}"}}"#,
            "x".repeat(1000)
        );
        let text = problem_text("IO", body.as_bytes(), Some(&key()));
        assert!(!text.contains("chiave-segreta"));
        assert!(text.contains("***"));
        assert!(!text.chars().any(char::is_control));
        assert_eq!(text.chars().count(), MAX_DETAIL_CHARS);
        assert!(text.ends_with('…'));
    }

    #[test]
    fn plausible_ids() {
        assert!(is_plausible_id("01BX9NSMKVXXS5PSP2FATZMYYY"));
        assert!(!is_plausible_id(""));
        assert!(!is_plausible_id("../../profiles"));
        assert!(!is_plausible_id(&"A".repeat(65)));
    }
}
