//! Which addresses a client of a public service may talk to in clear. Fiscal codes, texts
//! and the API key travel in every request: `http://` is allowed only where nothing leaves
//! this computer, so a mistyped address fails at once instead of sending them over the
//! network. Shared by every client of an outside service (IO today, GPD next).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use std::time::Duration;

use reqwest::Url;
use reqwest::header::{ACCEPT, HeaderMap, HeaderName, HeaderValue};

use super::key::ApiKey;

/// PagoPA's services take the subscription key in this header, behind their API gateway.
const KEY_HEADER: &str = "ocp-apim-subscription-key";
const USER_AGENT: &str = concat!("alloggi/", env!("CARGO_PKG_VERSION"));

/// Why an HTTP client for a PagoPA service could not be made.
#[derive(Debug)]
pub enum HttpClientError {
    /// The key holds characters no header may carry.
    KeyHeader,
    Build(reqwest::Error),
}

/// The HTTP client of a PagoPA service (IO, GPD): the key in its header and kept out of debug
/// output, JSON, rustls, the timeouts, and no redirects (one would carry the key to another
/// host). Proxies come from HTTPS_PROXY/HTTP_PROXY/NO_PROXY, reqwest's default, as an office
/// network may require.
pub fn service_http_client(
    key: &ApiKey,
    request_timeout: Duration,
    connect_timeout: Duration,
) -> Result<reqwest::Client, HttpClientError> {
    let mut key = HeaderValue::from_str(key.expose()).map_err(|_| HttpClientError::KeyHeader)?;
    key.set_sensitive(true);
    let mut headers = HeaderMap::new();
    headers.insert(HeaderName::from_static(KEY_HEADER), key);
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    // Already installed (by an earlier client or by the application) is fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .tls_backend_rustls()
        .user_agent(USER_AGENT)
        .default_headers(headers)
        .timeout(request_timeout)
        .connect_timeout(connect_timeout.min(request_timeout))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(HttpClientError::Build)
}

/// Why `url` may not be used, or `Ok` when it is `https://`, or `http://` to this computer.
/// The caller adds the variable's name and the value to the message.
pub fn check_transport(url: &Url) -> Result<(), &'static str> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if url.host_str().is_some_and(stays_on_this_computer) => Ok(()),
        "http" => Err(CLEARTEXT_REFUSED),
        _ => Err("deve iniziare con https://"),
    }
}

/// A service's base URL as a setting gives it: http(s), a host, no credentials, no query or
/// fragment, and a transport `check_transport` allows. The caller adds the variable's name
/// and the value to the message.
pub fn parse_service_url(text: &str) -> Result<Url, &'static str> {
    let url = Url::parse(text.trim()).map_err(|_| "non è un indirizzo")?;
    if url.scheme() != "https" && url.scheme() != "http" {
        return Err("deve iniziare con https://");
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("manca il nome del server");
    }
    check_transport(&url)?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err("non deve contenere credenziali");
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("non deve contenere ? o #");
    }
    Ok(url)
}

pub const CLEARTEXT_REFUSED: &str = "http:// trasmette in chiaro la chiave e i codici fiscali: \
     è ammesso solo verso questo computer (127.0.0.1, localhost, [::1]); usare https://";

/// `host` as `Url::host_str` gives it: IPv4 already in dotted form (`127.1` becomes
/// `127.0.0.1`), IPv6 in brackets, names in lower case.
fn stays_on_this_computer(host: &str) -> bool {
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return v6.parse::<Ipv6Addr>().is_ok_and(|ip| is_loopback_v6(&ip));
    }
    if let Ok(v4) = host.parse::<Ipv4Addr>() {
        return v4.is_loopback();
    }
    let name = host.trim_end_matches('.').to_ascii_lowercase();
    // RFC 6761: `localhost` and its subdomains are this computer; `.invalid` names never
    // resolve, so only a proxy set up on purpose (as the tests do) can reach them.
    name == "localhost"
        || name.ends_with(".localhost")
        || name == "invalid"
        || name.ends_with(".invalid")
}

fn is_loopback_v6(ip: &Ipv6Addr) -> bool {
    ip.is_loopback()
        || ip
            .to_ipv4_mapped()
            .is_some_and(|v4| IpAddr::V4(v4).is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Result<(), &'static str> {
        check_transport(&Url::parse(text).unwrap())
    }

    #[test]
    fn http_is_refused_towards_other_computers() {
        for url in [
            "http://10.0.0.1/api/v1",
            "http://192.0.2.1/api/v1",
            "http://example.org/api/v1",
            "http://api.io.pagopa.it/api/v1",
            "http://localhost.example.org/",
            "http://127.0.0.1.example.org/",
            "http://[2001:db8::1]/",
            "http://[::ffff:10.0.0.1]/",
            "http://0.0.0.0/",
            "http://invalid.example.org/",
        ] {
            assert_eq!(check(url), Err(CLEARTEXT_REFUSED), "{url}");
        }
    }

    #[test]
    fn http_to_this_computer_and_https_anywhere_are_allowed() {
        for url in [
            "http://127.0.0.1:8080/api/v1",
            "http://127.1.2.3/",
            "http://localhost:9000/api/v1",
            "http://LOCALHOST./",
            "http://io.localhost/",
            "http://[::1]:8080/",
            "http://[::ffff:127.0.0.1]/",
            "http://io.invalid/api/v1",
            "https://api.io.pagopa.it/api/v1",
            "https://10.0.0.1/",
            "https://example.org/",
        ] {
            assert_eq!(check(url), Ok(()), "{url}");
        }
    }

    #[test]
    fn other_schemes_are_refused() {
        for url in ["ftp://127.0.0.1/", "file:///tmp/x", "ws://localhost/"] {
            assert!(check(url).is_err(), "{url}");
        }
    }
}
