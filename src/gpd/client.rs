//! The client for GPD's external API: create, read, cancel and mark paid the Comune's debt
//! positions, and list the payments of a period. Each call answers with an outcome that says
//! what the caller may safely do next. Creation is safe to repeat: GPD refuses a second
//! position with the same IUPD or IUV (409), so after a timeout the caller creates again and,
//! on 409, reads the position back and compares it (`settle`).

use std::time::{Duration, Instant as StdInstant};

use chrono::{DateTime, NaiveDate, Utc};
use reqwest::header::{CONTENT_TYPE, RETRY_AFTER};
use reqwest::{StatusCode, Url};
use serde::de::DeserializeOwned;

use super::model::{PaymentPosition, PositionRead, PositionStatus, PositionsInfo, PositionsPage};
use super::settings::{GpdConfig, GpdError, check_base_url};
use crate::io::client::{clean, drain, error_chain, problem_text, read_capped, retry_after};
use crate::io::key::ApiKey;
use crate::io::pace::{Instant, Pacer};
use crate::io::transport::{HttpClientError, service_http_client};

const SERVICE: &str = "pagoPA (GPD)";
/// GPD's largest page.
pub const PAGE_LIMIT: u32 = 50;
/// After a 5xx without `Retry-After`: long enough for a restarting service.
const SERVER_ERROR_BACKOFF: Duration = Duration::from_secs(30);
/// After a failed connection: nothing was sent, the network may come back soon.
const CONNECT_BACKOFF: Duration = Duration::from_secs(10);
const MAX_DETAIL_CHARS: usize = 300;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreateOutcome {
    /// 201: the position exists and is payable.
    Created,
    /// 409: a position with this IUPD or IUV exists; read it back and `settle` it.
    Exists,
    /// 400, 401, 403, 404, 422 and other client errors: nothing created, asking again will
    /// not change the answer.
    Rejected { status: u16, detail: String },
    /// 429, 5xx, or no connection: ask again after `after` (a 429 also holds every request
    /// of this client for that long).
    RetryLater { after: Duration },
    /// Timeout or connection lost after sending, or a 201 whose body did not arrive: the
    /// position may exist. Create again: a 409 then settles it.
    Uncertain { reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadOutcome {
    Found(PositionRead),
    NotFound,
    RetryLater { after: Duration },
    Failed { reason: String },
}

/// The answer to `invalidate` and `mark_paid`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdateOutcome {
    /// Done now, or found already done (an earlier attempt that timed out).
    Done,
    /// 409: the citizen has paid; nothing changed.
    AlreadyPaid,
    NotFound,
    RetryLater {
        after: Duration,
    },
    Rejected {
        status: u16,
        detail: String,
    },
    /// The request may have been applied; ask again (both calls are safe to repeat).
    Uncertain {
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListOutcome {
    Page(PositionsPage),
    RetryLater { after: Duration },
    Failed { reason: String },
}

#[derive(Debug, Clone)]
pub struct GpdClient {
    http: reqwest::Client,
    base: Url,
    pacer: Pacer,
    request_timeout: Duration,
    /// Kept only to scrub it from any text a server echoes back.
    key: ApiKey,
}

/// A response, or why none came.
enum Exchange {
    Answer(reqwest::Response),
    /// The connection could not be made: nothing left this computer.
    NotSent(String),
    /// Sent, or perhaps sent, without a complete answer.
    Lost(String),
}

impl GpdClient {
    pub fn new(config: GpdConfig) -> Result<GpdClient, GpdError> {
        let base = check_base_url(&config.base_url)?;
        if config.request_timeout.is_zero() || config.connect_timeout.is_zero() {
            return Err(GpdError::ZeroTimeout);
        }
        let http = service_http_client(&config.key, config.request_timeout, config.connect_timeout)
            .map_err(|e| match e {
                HttpClientError::KeyHeader => GpdError::KeyHeader,
                HttpClientError::Build(e) => GpdError::Build(error_chain(&e)),
            })?;
        Ok(GpdClient {
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

    /// `POST /organizations/{org}/debtpositions?toPublish=true`.
    pub async fn create(&self, org: &str, position: &PaymentPosition) -> CreateOutcome {
        let mut url = self.endpoint(&["organizations", org, "debtpositions"]);
        url.query_pairs_mut().append_pair("toPublish", "true");
        let body = match serde_json::to_string(position) {
            Ok(body) => body,
            Err(e) => {
                return CreateOutcome::Rejected {
                    status: 0,
                    detail: format!("posizione non rappresentabile in JSON: {e}"),
                };
            }
        };
        let request = self
            .http
            .post(url)
            .header(CONTENT_TYPE, "application/json")
            .body(body);
        let mut response = match self.send("create", request).await {
            Exchange::Answer(response) => response,
            Exchange::NotSent(_) => {
                return CreateOutcome::RetryLater {
                    after: CONNECT_BACKOFF,
                };
            }
            Exchange::Lost(reason) => return CreateOutcome::Uncertain { reason },
        };
        let status = response.status();
        match status.as_u16() {
            201 => match read_capped(&mut response).await {
                Ok(_) => CreateOutcome::Created,
                Err(e) => CreateOutcome::Uncertain {
                    reason: format!(
                        "GPD ha risposto 201 ma la risposta si è interrotta: {}",
                        self.transport_detail(&e)
                    ),
                },
            },
            409 => {
                drain(&mut response).await;
                CreateOutcome::Exists
            }
            429 => CreateOutcome::RetryLater {
                after: self.rate_limited(&mut response).await,
            },
            400..=499 => CreateOutcome::Rejected {
                status: status.as_u16(),
                detail: self.error_detail(&mut response).await,
            },
            // A 5xx is retried: a position created meanwhile answers 409 and is settled.
            _ => CreateOutcome::RetryLater {
                after: self.server_error(&mut response).await,
            },
        }
    }

    /// `GET /organizations/{org}/debtpositions/{iupd}`.
    pub async fn read(&self, org: &str, iupd: &str) -> ReadOutcome {
        let url = self.endpoint(&["organizations", org, "debtpositions", iupd]);
        let mut response = match self.send("read", self.http.get(url)).await {
            Exchange::Answer(response) => response,
            Exchange::NotSent(reason) | Exchange::Lost(reason) => {
                return ReadOutcome::Failed { reason };
            }
        };
        let status = response.status();
        match status.as_u16() {
            200 => match self.json::<PositionRead>(&mut response).await {
                Ok(position) => ReadOutcome::Found(position),
                Err(reason) => ReadOutcome::Failed { reason },
            },
            404 => {
                drain(&mut response).await;
                ReadOutcome::NotFound
            }
            429 => ReadOutcome::RetryLater {
                after: self.rate_limited(&mut response).await,
            },
            500..=599 => ReadOutcome::RetryLater {
                after: self.server_error(&mut response).await,
            },
            _ => ReadOutcome::Failed {
                reason: self.status_detail(status, &mut response).await,
            },
        }
    }

    /// `POST /organizations/{org}/debtpositions/{iupd}/invalidate`. GPD answers 409 both for
    /// a paid position and for one already cancelled; the position is read back to tell them
    /// apart, so repeating a cancellation that timed out answers `Done`.
    pub async fn invalidate(&self, org: &str, iupd: &str) -> UpdateOutcome {
        let url = self.endpoint(&["organizations", org, "debtpositions", iupd, "invalidate"]);
        let outcome = self.update("invalidate", self.http.post(url)).await;
        if outcome != UpdateOutcome::AlreadyPaid {
            return outcome;
        }
        match self.read(org, iupd).await {
            ReadOutcome::Found(read) if read.status == PositionStatus::Invalid => {
                UpdateOutcome::Done
            }
            ReadOutcome::Found(read) if read.status.is_paid() => UpdateOutcome::AlreadyPaid,
            ReadOutcome::Found(read) => UpdateOutcome::Rejected {
                status: 409,
                detail: format!(
                    "GPD non annulla una posizione nello stato {:?}",
                    read.status
                ),
            },
            ReadOutcome::NotFound => UpdateOutcome::NotFound,
            ReadOutcome::RetryLater { after } => UpdateOutcome::RetryLater { after },
            ReadOutcome::Failed { reason } => UpdateOutcome::Uncertain {
                reason: format!(
                    "GPD ha risposto 409 all'annullamento e la rilettura non è riuscita: {reason}"
                ),
            },
        }
    }

    /// `POST /organizations/{org}/paymentoptions/paids/{nav}`: paid outside pagoPA on `date`.
    pub async fn mark_paid(&self, org: &str, nav: &str, date: DateTime<Utc>) -> UpdateOutcome {
        let url = self.endpoint(&["organizations", org, "paymentoptions", "paids", nav]);
        let body = serde_json::json!({ "paymentDate": super::model::utc_text(date) });
        let request = self
            .http
            .post(url)
            .header(CONTENT_TYPE, "application/json")
            .body(body.to_string());
        self.update("mark_paid", request).await
    }

    /// One page (0-based, 50 a page) of the positions PAID between `from` and `to`, both
    /// included. GPD's file speaks of 30-day spans: the caller asks month by month.
    pub async fn paid_between(
        &self,
        org: &str,
        from: NaiveDate,
        to: NaiveDate,
        page: u32,
    ) -> ListOutcome {
        let mut url = self.endpoint(&["organizations", org, "debtpositions"]);
        url.query_pairs_mut()
            .append_pair("status", "PAID")
            .append_pair("payment_date_from", &from.format("%Y-%m-%d").to_string())
            .append_pair("payment_date_to", &to.format("%Y-%m-%d").to_string())
            .append_pair("page", &page.to_string())
            .append_pair("limit", &PAGE_LIMIT.to_string());
        let mut response = match self.send("list", self.http.get(url)).await {
            Exchange::Answer(response) => response,
            Exchange::NotSent(reason) | Exchange::Lost(reason) => {
                return ListOutcome::Failed { reason };
            }
        };
        let status = response.status();
        match status.as_u16() {
            200 => match self.json::<PositionsInfo>(&mut response).await {
                Ok(info) => ListOutcome::Page(info.into()),
                Err(reason) => ListOutcome::Failed { reason },
            },
            429 => ListOutcome::RetryLater {
                after: self.rate_limited(&mut response).await,
            },
            500..=599 => ListOutcome::RetryLater {
                after: self.server_error(&mut response).await,
            },
            _ => ListOutcome::Failed {
                reason: self.status_detail(status, &mut response).await,
            },
        }
    }

    /// The common answers of invalidate and mark_paid.
    async fn update(
        &self,
        endpoint: &'static str,
        request: reqwest::RequestBuilder,
    ) -> UpdateOutcome {
        let mut response = match self.send(endpoint, request).await {
            Exchange::Answer(response) => response,
            Exchange::NotSent(_) => {
                return UpdateOutcome::RetryLater {
                    after: CONNECT_BACKOFF,
                };
            }
            Exchange::Lost(reason) => return UpdateOutcome::Uncertain { reason },
        };
        let status = response.status();
        match status.as_u16() {
            200 => {
                drain(&mut response).await;
                UpdateOutcome::Done
            }
            404 => {
                drain(&mut response).await;
                UpdateOutcome::NotFound
            }
            409 => {
                drain(&mut response).await;
                UpdateOutcome::AlreadyPaid
            }
            429 => UpdateOutcome::RetryLater {
                after: self.rate_limited(&mut response).await,
            },
            400..=499 => UpdateOutcome::Rejected {
                status: status.as_u16(),
                detail: self.error_detail(&mut response).await,
            },
            _ => UpdateOutcome::RetryLater {
                after: self.server_error(&mut response).await,
            },
        }
    }

    fn endpoint(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        // Segment by segment: a fiscal code or an IUPD can never change the path's shape.
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    /// Waits for the pacer, then sends. Logged without body, key or path.
    async fn send(&self, endpoint: &'static str, request: reqwest::RequestBuilder) -> Exchange {
        self.pacer.wait_turn().await;
        let started = StdInstant::now();
        let result = request.send().await;
        let elapsed_ms = started.elapsed().as_millis() as u64;
        match result {
            Ok(response) => {
                tracing::debug!(
                    endpoint,
                    status = response.status().as_u16(),
                    elapsed_ms,
                    "richiesta GPD"
                );
                Exchange::Answer(response)
            }
            Err(error) => {
                tracing::debug!(
                    endpoint,
                    connect = error.is_connect(),
                    timeout = error.is_timeout(),
                    elapsed_ms,
                    "richiesta GPD non completata"
                );
                let detail = self.transport_detail(&error);
                if error.is_connect() {
                    Exchange::NotSent(detail)
                } else {
                    Exchange::Lost(detail)
                }
            }
        }
    }

    async fn json<T: DeserializeOwned>(
        &self,
        response: &mut reqwest::Response,
    ) -> Result<T, String> {
        let bytes = read_capped(response)
            .await
            .map_err(|e| self.transport_detail(&e))?;
        serde_json::from_slice(&bytes).map_err(|e| {
            clean(
                &format!("GPD ha risposto 200 con un contenuto illeggibile: {e}"),
                MAX_DETAIL_CHARS,
                Some(&self.key),
            )
        })
    }

    /// The delay of a 429; every request of this client waits it out.
    async fn rate_limited(&self, response: &mut reqwest::Response) -> Duration {
        let after = retry_after(response.headers());
        self.pacer.pause_until(Instant::now() + after);
        drain(response).await;
        after
    }

    /// `Retry-After` of a 5xx, else a back-off.
    async fn server_error(&self, response: &mut reqwest::Response) -> Duration {
        let after = if response.headers().contains_key(RETRY_AFTER) {
            retry_after(response.headers())
        } else {
            SERVER_ERROR_BACKOFF
        };
        drain(response).await;
        after
    }

    async fn error_detail(&self, response: &mut reqwest::Response) -> String {
        match read_capped(response).await {
            Ok(bytes) => problem_text("GPD", &bytes, Some(&self.key)),
            Err(_) => "risposta di GPD senza dettagli".to_string(),
        }
    }

    async fn status_detail(&self, status: StatusCode, response: &mut reqwest::Response) -> String {
        let detail = self.error_detail(response).await;
        clean(
            &format!("GPD ha risposto {}: {detail}", status.as_u16()),
            MAX_DETAIL_CHARS,
            Some(&self.key),
        )
    }

    fn transport_detail(&self, error: &reqwest::Error) -> String {
        let what = if error.is_connect() {
            format!("connessione a {SERVICE} non riuscita")
        } else if error.is_timeout() {
            format!(
                "nessuna risposta completa da {SERVICE} entro {} ms",
                self.request_timeout.as_millis()
            )
        } else {
            format!("comunicazione con {SERVICE} interrotta")
        };
        clean(
            &format!("{what}: {}", error_chain(error)),
            MAX_DETAIL_CHARS,
            Some(&self.key),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(base: &str) -> GpdClient {
        let mut config = GpdConfig::new(ApiKey::new("chiave-gpd").unwrap());
        config.base_url = base.to_string();
        GpdClient::new(config).unwrap()
    }

    #[test]
    fn endpoints_are_built_segment_by_segment() {
        for base in [
            "https://gpd.example/gpd/debt-positions-service/v1",
            "https://gpd.example/gpd/debt-positions-service/v1/",
        ] {
            let client = client(base);
            assert_eq!(
                client
                    .endpoint(&[
                        "organizations",
                        "01234567897",
                        "debtpositions",
                        "A/../B?c#d"
                    ])
                    .as_str(),
                "https://gpd.example/gpd/debt-positions-service/v1/organizations/01234567897/debtpositions/A%2F..%2FB%3Fc%23d"
            );
        }
    }

    #[test]
    fn debug_hides_the_key() {
        let client = client("https://gpd.example/v1");
        let shown = format!("{client:?}");
        assert!(!shown.contains("chiave-gpd"), "{shown}");
    }

    #[test]
    fn key_with_a_newline_is_refused_without_showing_it() {
        let mut config = GpdConfig::new(ApiKey::new("abc\ndef").unwrap());
        config.base_url = "https://gpd.example/v1".into();
        let err = GpdClient::new(config).unwrap_err();
        assert!(matches!(err, GpdError::KeyHeader));
        assert!(!err.to_string().contains("abc"));
    }
}
