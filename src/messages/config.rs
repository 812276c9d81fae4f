//! The Comune's own values used in the messages (name, counter, web pages, creditor), read
//! from a TOML file written by the office. Keys are Italian; every error names file and line.

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::placeholders::{PLACEHOLDERS, ValueKind, ValueSource};
use super::values::{Value, Values, parse_url};
use crate::domain::fiscal_code::OrgFiscalCode;
use crate::files::text::line_of;

/// The pages the messages link to. All https.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComuneUrls {
    /// The call: criteria and forms.
    pub call: String,
    /// The citizens' portal where applications are made and followed.
    pub application: String,
    pub rankings: String,
    /// Booking appointments at the counter.
    pub appointments: String,
    /// Cancelling an appointment.
    pub cancel_appointment: String,
    pub assignment: String,
    /// Downloading the lease.
    pub contract: String,
    /// Booking the signature of the lease.
    pub signature: String,
    pub payments: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComuneConfig {
    /// "Fermo", as in "nel Comune di Fermo".
    pub comune: String,
    pub service: String,
    /// How forms may be sent, completing "inviare la modulistica tramite …".
    pub channel: String,
    /// The counter, completing "prenotare un appuntamento presso …".
    pub counter_name: String,
    pub counter_address: String,
    pub urls: ComuneUrls,
    /// Fiscal code of the creditor of the pagoPA notices: 11 digits, check digit verified.
    pub payee_fiscal_code: String,
    /// Whether `payment_data.payee` is sent: only with the IO group ApiMessageWriteWithPayee,
    /// otherwise IO refuses the message.
    pub send_payee: bool,
}

/// A configuration file that cannot be used, with the place to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {reason}")]
pub struct ConfigError {
    pub file: String,
    /// 1-based; 0 when the file could not be read at all.
    pub line: usize,
    pub reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    comune: Spanned<String>,
    servizio: Spanned<String>,
    canale: Spanned<String>,
    sportello: SportelloFile,
    indirizzi_web: UrlsFile,
    ente_creditore: CreditorFile,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SportelloFile {
    nome: Spanned<String>,
    indirizzo: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UrlsFile {
    bando: Spanned<String>,
    domanda: Spanned<String>,
    graduatorie: Spanned<String>,
    appuntamenti: Spanned<String>,
    disdetta: Spanned<String>,
    assegnazione: Spanned<String>,
    contratto: Spanned<String>,
    firma: Spanned<String>,
    pagamenti: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreditorFile {
    codice_fiscale: Spanned<String>,
    #[serde(default)]
    invia_ente_creditore: bool,
}

/// The example shipped in `fixtures/`, compiled in for the demo.
pub const EXAMPLE: &str = include_str!("../../fixtures/comune.toml");
pub const EXAMPLE_FILE: &str = "fixtures/comune.toml";

impl ComuneConfig {
    pub fn load(path: &Path) -> Result<ComuneConfig, ConfigError> {
        let file = path.display().to_string();
        let text = crate::files::text::read_text(path).map_err(|reason| ConfigError {
            file: file.clone(),
            line: 0,
            reason,
        })?;
        ComuneConfig::parse(&text, &file)
    }

    /// `origin` names the file in errors.
    pub fn parse(text: &str, origin: &str) -> Result<ComuneConfig, ConfigError> {
        let error = |offset: usize, reason: String| ConfigError {
            file: origin.to_string(),
            line: line_of(text, offset),
            reason,
        };
        let raw: ConfigFile = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            error(offset, toml_reason(e.message()))
        })?;
        let field = |value: &Spanned<String>, what: &str, reason: String| {
            error(value.span().start, format!("{what}: {reason}"))
        };
        let text_field = |value: &Spanned<String>, what: &str| {
            let s = value.get_ref().trim();
            if s.is_empty() {
                return Err(field(value, what, "valore mancante".to_string()));
            }
            // The values end up in one line of a message.
            if s.chars().any(char::is_control) {
                return Err(field(
                    value,
                    what,
                    "deve stare su una riga, senza caratteri di controllo".to_string(),
                ));
            }
            Ok(s.to_string())
        };
        let url = |value: &Spanned<String>, what: &str| {
            let s = value.get_ref().trim();
            parse_url(s).map_err(|reason| field(value, what, reason))?;
            Ok(s.to_string())
        };
        let u = &raw.indirizzi_web;
        let urls = ComuneUrls {
            call: url(&u.bando, "indirizzi_web.bando")?,
            application: url(&u.domanda, "indirizzi_web.domanda")?,
            rankings: url(&u.graduatorie, "indirizzi_web.graduatorie")?,
            appointments: url(&u.appuntamenti, "indirizzi_web.appuntamenti")?,
            cancel_appointment: url(&u.disdetta, "indirizzi_web.disdetta")?,
            assignment: url(&u.assegnazione, "indirizzi_web.assegnazione")?,
            contract: url(&u.contratto, "indirizzi_web.contratto")?,
            signature: url(&u.firma, "indirizzi_web.firma")?,
            payments: url(&u.pagamenti, "indirizzi_web.pagamenti")?,
        };
        let creditor = &raw.ente_creditore.codice_fiscale;
        let payee = OrgFiscalCode::parse(creditor.get_ref()).map_err(|e| {
            field(
                creditor,
                "ente_creditore.codice_fiscale",
                format!("codice fiscale dell'ente non valido: {e}"),
            )
        })?;
        Ok(ComuneConfig {
            comune: text_field(&raw.comune, "comune")?,
            service: text_field(&raw.servizio, "servizio")?,
            channel: text_field(&raw.canale, "canale")?,
            counter_name: text_field(&raw.sportello.nome, "sportello.nome")?,
            counter_address: text_field(&raw.sportello.indirizzo, "sportello.indirizzo")?,
            urls,
            payee_fiscal_code: payee.as_str().to_string(),
            send_payee: raw.ente_creditore.invia_ente_creditore,
        })
    }

    /// `fixtures/comune.toml`, compiled in; the demo uses it. A test proves it loads.
    pub fn example() -> ComuneConfig {
        ComuneConfig::try_example().unwrap_or_else(|_| ComuneConfig::blank())
    }

    pub fn try_example() -> Result<ComuneConfig, ConfigError> {
        ComuneConfig::parse(EXAMPLE, EXAMPLE_FILE)
    }

    /// Only if the compiled-in example were broken (a test proves it is not): the texts are
    /// empty, so the messages that use them are refused instead of sent with wrong values.
    fn blank() -> ComuneConfig {
        let url = || "https://invalid".to_string();
        ComuneConfig {
            comune: String::new(),
            service: String::new(),
            channel: String::new(),
            counter_name: String::new(),
            counter_address: String::new(),
            urls: ComuneUrls {
                call: url(),
                application: url(),
                rankings: url(),
                appointments: url(),
                cancel_appointment: url(),
                assignment: url(),
                contract: url(),
                signature: url(),
                payments: url(),
            },
            payee_fiscal_code: "00000000000".to_string(),
            send_payee: false,
        }
    }

    /// The values of every placeholder that comes from the Comune.
    pub fn values(&self) -> Values {
        let mut values = Values::new();
        for spec in PLACEHOLDERS
            .iter()
            .filter(|p| p.source == ValueSource::Comune)
        {
            if let Some(s) = self.value_of(spec.name) {
                let value = match spec.kind {
                    ValueKind::Url => Value::Url(s.to_string()),
                    _ => Value::Text(s.to_string()),
                };
                values.insert(spec.name, value);
            }
        }
        values
    }

    fn value_of(&self, name: &str) -> Option<&str> {
        let u = &self.urls;
        Some(match name {
            "comune" => &self.comune,
            "servizio" => &self.service,
            "sportello" => &self.counter_name,
            "indirizzo_sportello" => &self.counter_address,
            "canale" => &self.channel,
            "url_bando" => &u.call,
            "url_domanda" => &u.application,
            "url_graduatorie" => &u.rankings,
            "url_appuntamenti" => &u.appointments,
            "url_disdetta" => &u.cancel_appointment,
            "url_assegnazione" => &u.assignment,
            "url_contratto" => &u.contract,
            "url_firma" => &u.signature,
            "url_pagamenti" => &u.payments,
            _ => return None,
        })
    }
}

/// toml's reason for a refused file, in Italian where the wording is known.
pub(crate) fn toml_reason(message: &str) -> String {
    let quoted = |s: &str| s.split('`').nth(1).unwrap_or("").to_string();
    let message = message.trim();
    if message.starts_with("missing field `") {
        format!("manca il campo «{}»", quoted(message))
    } else if message.starts_with("unknown field `") {
        format!("campo sconosciuto «{}»", quoted(message))
    } else if message.starts_with("duplicate key") {
        "chiave ripetuta".to_string()
    } else if let Some(rest) = message.strip_prefix("invalid type: ") {
        let expected = rest.split(", expected ").nth(1).unwrap_or("");
        let expected = match expected {
            "a string" => "un testo tra virgolette",
            "a boolean" => "true o false",
            "a sequence" => "un elenco",
            e if e.starts_with("struct") || e.starts_with("a map") => "una tabella",
            _ => "un altro tipo",
        };
        format!("valore del tipo sbagliato: serve {expected}")
    } else {
        crate::files::reasons::toml(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(text: &str) -> String {
        ComuneConfig::parse(text, "comune.toml")
            .unwrap_err()
            .to_string()
    }

    /// The example with one line replaced.
    fn with(line_start: &str, replacement: &str) -> String {
        let mut found = false;
        let out: Vec<String> = EXAMPLE
            .lines()
            .map(|l| {
                if !found && l.starts_with(line_start) {
                    found = true;
                    replacement.to_string()
                } else {
                    l.to_string()
                }
            })
            .collect();
        assert!(found, "{line_start}");
        out.join("\n")
    }

    fn line_of_key(key: &str) -> usize {
        EXAMPLE.lines().position(|l| l.starts_with(key)).unwrap() + 1
    }

    #[test]
    fn the_example_loads() {
        let config = ComuneConfig::try_example().unwrap();
        assert_eq!(ComuneConfig::example(), config);
        assert_eq!(config.comune, "Fermo");
        assert_eq!(config.service, "Alloggi sociali");
        assert_eq!(config.payee_fiscal_code.len(), 11);
        assert!(!config.send_payee);
        let values = config.values();
        let comune_names: Vec<&str> = PLACEHOLDERS
            .iter()
            .filter(|p| p.source == ValueSource::Comune)
            .map(|p| p.name)
            .collect();
        assert_eq!(
            values.iter().map(|(n, _)| n).collect::<Vec<_>>().len(),
            comune_names.len()
        );
        for name in comune_names {
            assert!(values.contains(name), "{name}");
        }
        assert_eq!(
            values.get("comune"),
            Some(&Value::Text("Fermo".to_string()))
        );
        for (name, value) in values.iter() {
            if let Value::Url(u) = value {
                assert!(u.starts_with("https://"), "{name}");
            }
        }
    }

    #[test]
    fn payee_flag_is_read() {
        let text = with("invia_ente_creditore", "invia_ente_creditore = true");
        assert!(ComuneConfig::parse(&text, "c").unwrap().send_payee);
        // Absent means false: sending it needs a permission most services lack.
        let text = with("invia_ente_creditore", "");
        assert!(!ComuneConfig::parse(&text, "c").unwrap().send_payee);
    }

    #[test]
    fn refusals_name_file_line_and_reason() {
        let line = line_of_key("graduatorie");
        assert_eq!(
            reason(&with(
                "graduatorie",
                "graduatorie = \"http://www.comune.example.it\""
            )),
            format!(
                "comune.toml:{line}: indirizzi_web.graduatorie: «http://www.comune.example.it» non inizia con https://"
            )
        );
        let line = line_of_key("codice_fiscale");
        assert_eq!(
            reason(&with("codice_fiscale", "codice_fiscale = \"01234567890\"")),
            format!(
                "comune.toml:{line}: ente_creditore.codice_fiscale: codice fiscale dell'ente non valido: cifra di controllo errata: attesa 7, trovata 0"
            )
        );
        assert_eq!(
            reason(&with("codice_fiscale", "codice_fiscale = \"1234\"")),
            format!(
                "comune.toml:{line}: ente_creditore.codice_fiscale: codice fiscale dell'ente non valido: lunghezza errata: 4 caratteri invece di 11"
            )
        );
        let line = line_of_key("comune =");
        assert_eq!(
            reason(&with("comune =", "comune = \"Fermo\"\nprovincia = \"FM\"")),
            format!("comune.toml:{}: campo sconosciuto «provincia»", line + 1)
        );
        assert_eq!(
            reason(&with("comune =", "comune = \"  \"")),
            format!("comune.toml:{line}: comune: valore mancante")
        );
        assert_eq!(
            reason(&with("comune =", "comune = 12")),
            format!("comune.toml:{line}: valore del tipo sbagliato: serve un testo tra virgolette")
        );
        assert_eq!(
            reason(&with("canale =", "")),
            "comune.toml:1: manca il campo «canale»"
        );
        let line = line_of_key("[sportello]");
        assert_eq!(
            reason(&with("indirizzo = ", "")),
            format!("comune.toml:{line}: manca il campo «indirizzo»")
        );
        let line = line_of_key("comune =");
        assert_eq!(
            reason(&with("comune =", "comune = \"Fermo")),
            format!("comune.toml:{line}: testo non chiuso: manca il \" finale")
        );
    }

    #[test]
    fn unreadable_file() {
        let err = ComuneConfig::load(Path::new("/nonexistent/comune.toml")).unwrap_err();
        assert_eq!(err.line, 0);
        assert!(
            err.to_string()
                .starts_with("/nonexistent/comune.toml:0: impossibile leggere il file: ")
        );
    }
}
