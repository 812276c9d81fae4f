//! How alloggi reaches GPD: the subscription key, the base URL, the pace and the timeout, from
//! environment variables. The key is read as IO's is (the same code, other variables).

use std::time::Duration;

use crate::io::key::{ApiKey, KeyError, KeyVars, key_from_vars};
use crate::io::pace::{Pace, PaceError};
use crate::io::transport::parse_service_url;

pub const KEY_ENV: &str = "ALLOGGI_GPD_API_KEY";
pub const KEY_FILE_ENV: &str = "ALLOGGI_GPD_API_KEY_FILE";
pub const BASE_URL_ENV: &str = "ALLOGGI_GPD_BASE_URL";
pub const RATE_ENV: &str = "ALLOGGI_GPD_RITMO";
pub const TIMEOUT_ENV: &str = "ALLOGGI_GPD_TIMEOUT_MS";

/// The variables of the GPD key.
pub const GPD_KEY: KeyVars = KeyVars {
    service: "pagoPA (GPD)",
    value: KEY_ENV,
    file: KEY_FILE_ENV,
};

/// Production. The test environment is `https://api.uat.platform.pagopa.it/gpd/debt-positions-service/v1`.
pub const DEFAULT_BASE_URL: &str = "https://api.platform.pagopa.it/gpd/debt-positions-service/v1";
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(15_000);
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_millis(5_000);
const MAX_TIMEOUT_MS: u64 = 600_000;

/// GPD publishes no limit; ten requests a second keeps a month's notices of a Comune within
/// minutes without leaning on the service.
pub const DEFAULT_PACE: Pace = Pace {
    limit: 100,
    window: Duration::from_secs(10),
};

#[derive(Debug, thiserror::Error)]
pub enum GpdError {
    #[error("{BASE_URL_ENV} non valido «{value}»: {reason} (per esempio {DEFAULT_BASE_URL})")]
    BaseUrl { value: String, reason: &'static str },
    #[error(
        "{TIMEOUT_ENV} non valido «{0}»: indicare i millisecondi di attesa di una risposta, da 1 a {MAX_TIMEOUT_MS}"
    )]
    Timeout(String),
    #[error("i tempi di attesa per pagoPA (GPD) devono essere maggiori di zero")]
    ZeroTimeout,
    #[error(transparent)]
    Rate(#[from] PaceError),
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(
        "la chiave pagoPA (GPD) contiene caratteri non ammessi in un'intestazione HTTP: ricopiarla senza spazi né a capo interni"
    )]
    KeyHeader,
    #[error("impossibile preparare il collegamento con pagoPA (GPD): {0}")]
    Build(String),
}

/// Everything `GpdClient::new` needs. Debug never shows the key.
#[derive(Debug, Clone)]
pub struct GpdConfig {
    pub base_url: String,
    pub key: ApiKey,
    pub request_timeout: Duration,
    pub connect_timeout: Duration,
    pub pace: Option<Pace>,
}

impl GpdConfig {
    /// Production defaults.
    pub fn new(key: ApiKey) -> GpdConfig {
        GpdConfig {
            base_url: DEFAULT_BASE_URL.to_string(),
            key,
            request_timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            pace: Some(DEFAULT_PACE),
        }
    }

    /// The key from `ALLOGGI_GPD_API_KEY` or `ALLOGGI_GPD_API_KEY_FILE`, the rest from
    /// `ALLOGGI_GPD_BASE_URL`, `ALLOGGI_GPD_TIMEOUT_MS`, `ALLOGGI_GPD_RITMO`.
    pub fn from_env() -> Result<GpdConfig, GpdError> {
        let key = key_from_env()?;
        GpdConfig::from_lookup(key, |name| std::env::var(name).ok())
    }

    /// As `from_env` for everything but the key, with the variables read through `lookup`;
    /// empty values count as unset.
    pub fn from_lookup(
        key: ApiKey,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<GpdConfig, GpdError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let mut config = GpdConfig::new(key);
        if let Some(url) = get(BASE_URL_ENV) {
            check_base_url(&url)?;
            config.base_url = url.trim().to_string();
        }
        if let Some(text) = get(TIMEOUT_ENV) {
            let ms: u64 = text
                .trim()
                .parse()
                .map_err(|_| GpdError::Timeout(text.clone()))?;
            if ms == 0 || ms > MAX_TIMEOUT_MS {
                return Err(GpdError::Timeout(text));
            }
            config.request_timeout = Duration::from_millis(ms);
            config.connect_timeout = DEFAULT_CONNECT_TIMEOUT.min(config.request_timeout);
        }
        if let Some(rate) = get(RATE_ENV) {
            config.pace = Pace::parse_for(RATE_ENV, &rate)?;
        }
        Ok(config)
    }
}

/// The GPD key from its variables.
pub fn key_from_env() -> Result<ApiKey, KeyError> {
    key_from_vars(GPD_KEY)
}

pub(crate) fn check_base_url(text: &str) -> Result<reqwest::Url, GpdError> {
    parse_service_url(text).map_err(|reason| GpdError::BaseUrl {
        value: text.to_string(),
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::key::{KeyFault, load_key_for};

    fn key() -> ApiKey {
        ApiKey::new("chiave-gpd-segreta").unwrap()
    }

    fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn defaults_are_production() {
        let config = GpdConfig::from_lookup(key(), lookup(&[])).unwrap();
        assert_eq!(
            config.base_url,
            "https://api.platform.pagopa.it/gpd/debt-positions-service/v1"
        );
        assert_eq!(config.request_timeout, DEFAULT_TIMEOUT);
        assert_eq!(config.pace, Some(DEFAULT_PACE));
        assert!(!format!("{config:?}").contains("chiave-gpd-segreta"));
    }

    #[test]
    fn variables_override_the_defaults() {
        let config = GpdConfig::from_lookup(
            key(),
            lookup(&[
                (
                    BASE_URL_ENV,
                    "https://api.uat.platform.pagopa.it/gpd/debt-positions-service/v1",
                ),
                (TIMEOUT_ENV, "2500"),
                (RATE_ENV, "20/1"),
            ]),
        )
        .unwrap();
        assert!(config.base_url.contains("uat"));
        assert_eq!(config.request_timeout, Duration::from_millis(2500));
        assert_eq!(config.connect_timeout, Duration::from_millis(2500));
        assert_eq!(config.pace.unwrap().limit, 20);
        let config = GpdConfig::from_lookup(key(), lookup(&[(RATE_ENV, "off")])).unwrap();
        assert_eq!(config.pace, None);
    }

    #[test]
    fn bad_values_are_refused_naming_the_variable() {
        for url in [
            "http://api.platform.pagopa.it/gpd/debt-positions-service/v1",
            "ftp://example.org/",
            "api.platform.pagopa.it",
            "https://utente:pw@api.platform.pagopa.it/gpd",
            "https://api.platform.pagopa.it/gpd?x=1",
        ] {
            let err = GpdConfig::from_lookup(key(), lookup(&[(BASE_URL_ENV, url)])).unwrap_err();
            assert!(
                err.to_string()
                    .starts_with(&format!("ALLOGGI_GPD_BASE_URL non valido «{url}»")),
                "{err}"
            );
        }
        let err = GpdConfig::from_lookup(key(), lookup(&[(BASE_URL_ENV, "http://10.0.0.1/gpd")]))
            .unwrap_err();
        assert!(err.to_string().contains("in chiaro"), "{err}");
        for ms in ["0", "-1", "tanti", "600001"] {
            let err = GpdConfig::from_lookup(key(), lookup(&[(TIMEOUT_ENV, ms)])).unwrap_err();
            assert!(
                err.to_string()
                    .starts_with("ALLOGGI_GPD_TIMEOUT_MS non valido"),
                "{err}"
            );
        }
        let err = GpdConfig::from_lookup(key(), lookup(&[(RATE_ENV, "veloce")])).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("ALLOGGI_GPD_RITMO non valido «veloce»: indicare N/S"),
            "{err}"
        );
    }

    #[test]
    fn key_errors_name_the_gpd_variables_not_the_io_ones() {
        let err = load_key_for(GPD_KEY, None, None).unwrap_err();
        assert!(matches!(err.fault, KeyFault::Missing));
        let text = err.to_string();
        assert!(text.contains("nessuna chiave pagoPA (GPD)"), "{text}");
        assert!(text.contains("ALLOGGI_GPD_API_KEY "), "{text}");
        assert!(text.contains("ALLOGGI_GPD_API_KEY_FILE"), "{text}");
        assert!(!text.contains("IO_API_KEY"), "{text}");
    }

    #[cfg(unix)]
    #[test]
    fn key_file_must_be_owner_only_like_the_io_key() {
        use std::io::Write;
        use std::os::unix::fs::PermissionsExt;
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(b"chiave-gpd\n").unwrap();
        std::fs::set_permissions(file.path(), std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = load_key_for(GPD_KEY, None, Some(file.path())).unwrap_err();
        assert!(matches!(err.fault, KeyFault::TooOpen { mode: 0o644, .. }));
        assert!(
            err.to_string()
                .contains("la chiave pagoPA (GPD) non deve essere leggibile da gruppo o altri"),
            "{err}"
        );
        std::fs::set_permissions(file.path(), std::fs::Permissions::from_mode(0o600)).unwrap();
        let key = load_key_for(GPD_KEY, Some(" ".into()), Some(file.path())).unwrap();
        assert_eq!(key.expose(), "chiave-gpd");
        let dir = tempfile::tempdir().unwrap();
        let err = load_key_for(GPD_KEY, None, Some(dir.path())).unwrap_err();
        assert!(
            err.to_string()
                .contains("indicare in ALLOGGI_GPD_API_KEY_FILE il file della chiave pagoPA (GPD)"),
            "{err}"
        );
    }
}
