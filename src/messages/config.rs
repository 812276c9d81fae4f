//! The Comune's own values used in the messages (name, counter, web pages, creditor), read
//! from a TOML file written by the office. Keys are Italian; every error names file and line.

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::placeholders::{PLACEHOLDERS, ValueKind, ValueSource};
use super::values::{Value, Values, parse_url};
use crate::domain::fiscal_code::OrgFiscalCode;
use crate::domain::iban::{parse_italian_iban, parse_segregation_code, parse_taxonomy};
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
    /// The creditor's pagoPA keys, each checked when present; `creditor()` says which are
    /// missing. Optional, so a file written for IO alone still loads.
    pub creditor_keys: CreditorKeys,
    /// The file the values came from, for `creditor()`'s messages.
    pub origin: String,
}

/// `[ente_creditore]` keys the pagoPA notices (GPD) need beside `codice_fiscale`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CreditorKeys {
    pub segregation_code: Option<String>,
    pub iban: Option<String>,
    pub taxonomy: Option<String>,
    pub name: Option<String>,
}

/// Who the monthly pagoPA notices are paid to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Creditor {
    /// 11 digits, check digit verified.
    pub fiscal_code: String,
    /// 2 digits assigned by pagoPA, first of every IUV.
    pub segregation_code: String,
    /// Italian IBAN, mod-97 verified, no spaces.
    pub iban: String,
    /// pagoPA taxonomy code, e.g. `9/0101108TS/`.
    pub taxonomy: String,
    /// Shown to the payer as the creditor: «Comune di Fermo» unless the file says otherwise.
    pub name: String,
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
    #[serde(default)]
    codice_segregazione: Option<Spanned<String>>,
    #[serde(default)]
    iban: Option<Spanned<String>>,
    #[serde(default)]
    tassonomia: Option<Spanned<String>>,
    #[serde(default)]
    nome: Option<Spanned<String>>,
}

/// pagoPA's limit on the creditor's name (`companyName`).
const MAX_CREDITOR_NAME: usize = 140;

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
        let c = &raw.ente_creditore;
        let checked = |value: &Option<Spanned<String>>,
                       what: &str,
                       check: fn(&str) -> Result<String, String>| {
            value
                .as_ref()
                .map(|v| check(v.get_ref()).map_err(|reason| field(v, what, reason)))
                .transpose()
        };
        let name = match &c.nome {
            Some(value) => {
                let name = text_field(value, "ente_creditore.nome")?;
                if crate::messages::text::utf16_len(&name) > MAX_CREDITOR_NAME {
                    return Err(field(
                        value,
                        "ente_creditore.nome",
                        format!("al massimo {MAX_CREDITOR_NAME} caratteri, come vuole pagoPA"),
                    ));
                }
                Some(name)
            }
            None => None,
        };
        let creditor_keys = CreditorKeys {
            segregation_code: checked(
                &c.codice_segregazione,
                "ente_creditore.codice_segregazione",
                parse_segregation_code,
            )?,
            iban: checked(&c.iban, "ente_creditore.iban", parse_italian_iban)?,
            taxonomy: checked(&c.tassonomia, "ente_creditore.tassonomia", parse_taxonomy)?,
            name,
        };
        Ok(ComuneConfig {
            comune: text_field(&raw.comune, "comune")?,
            service: text_field(&raw.servizio, "servizio")?,
            channel: text_field(&raw.canale, "canale")?,
            counter_name: text_field(&raw.sportello.nome, "sportello.nome")?,
            counter_address: text_field(&raw.sportello.indirizzo, "sportello.indirizzo")?,
            urls,
            payee_fiscal_code: payee.as_str().to_string(),
            send_payee: raw.ente_creditore.invia_ente_creditore,
            creditor_keys,
            origin: origin.to_string(),
        })
    }

    /// The creditor of the pagoPA notices, or which `[ente_creditore]` keys the file lacks.
    pub fn creditor(&self) -> Result<Creditor, String> {
        let keys = &self.creditor_keys;
        let missing: Vec<&str> = [
            ("codice_segregazione", keys.segregation_code.is_none()),
            ("iban", keys.iban.is_none()),
            ("tassonomia", keys.taxonomy.is_none()),
        ]
        .into_iter()
        .filter_map(|(key, absent)| absent.then_some(key))
        .collect();
        let (Some(segregation_code), Some(iban), Some(taxonomy)) =
            (&keys.segregation_code, &keys.iban, &keys.taxonomy)
        else {
            let listed = missing
                .iter()
                .map(|k| format!("«{k}»"))
                .collect::<Vec<_>>()
                .join(", ");
            let (noun, verb) = if missing.len() == 1 {
                ("la chiave", "manca")
            } else {
                ("le chiavi", "mancano")
            };
            return Err(format!(
                "{}: {verb} {noun} {listed} nella sezione [ente_creditore]: servono per gli avvisi pagoPA (GPD); vedere l'esempio in {EXAMPLE_FILE}",
                self.origin
            ));
        };
        Ok(Creditor {
            fiscal_code: self.payee_fiscal_code.clone(),
            segregation_code: segregation_code.clone(),
            iban: iban.clone(),
            taxonomy: taxonomy.clone(),
            name: keys
                .name
                .clone()
                .unwrap_or_else(|| format!("Comune di {}", self.comune)),
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
            creditor_keys: CreditorKeys::default(),
            origin: String::new(),
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

    /// The example without the pagoPA keys, as a file written for IO alone.
    fn without_creditor_keys() -> String {
        EXAMPLE
            .lines()
            .filter(|l| {
                !["codice_segregazione", "iban", "tassonomia"]
                    .iter()
                    .any(|k| l.starts_with(k))
                    && *l != "nome = \"Comune di Fermo\""
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_example_has_a_creditor() {
        let creditor = ComuneConfig::try_example().unwrap().creditor().unwrap();
        assert_eq!(
            creditor,
            Creditor {
                fiscal_code: "01234567897".into(),
                segregation_code: "01".into(),
                iban: "IT60X0542811101000000123456".into(),
                taxonomy: "9/0101108TS/".into(),
                name: "Comune di Fermo".into(),
            }
        );
    }

    #[test]
    fn a_file_without_the_pagopa_keys_loads_and_creditor_names_them() {
        let config = ComuneConfig::parse(&without_creditor_keys(), "comune.toml").unwrap();
        assert_eq!(config.creditor_keys, CreditorKeys::default());
        assert_eq!(
            config.creditor().unwrap_err(),
            "comune.toml: mancano le chiavi «codice_segregazione», «iban», «tassonomia» nella sezione [ente_creditore]: servono per gli avvisi pagoPA (GPD); vedere l'esempio in fixtures/comune.toml"
        );
        let text = with("iban", "");
        let config = ComuneConfig::parse(&text, "/etc/alloggi/comune.toml").unwrap();
        assert!(
            config.creditor().unwrap_err().starts_with(
                "/etc/alloggi/comune.toml: manca la chiave «iban» nella sezione [ente_creditore]"
            ),
            "{:?}",
            config.creditor()
        );
    }

    #[test]
    fn creditor_name_defaults_to_the_comune() {
        let text = EXAMPLE.replace("nome = \"Comune di Fermo\"\n", "");
        assert_ne!(text, EXAMPLE);
        let config = ComuneConfig::parse(&text, "c").unwrap();
        assert_eq!(config.creditor().unwrap().name, "Comune di Fermo");
        let text = EXAMPLE.replace(
            "nome = \"Comune di Fermo\"\n",
            "nome = \"Comune di Fermo - Servizio Casa\"\n",
        );
        let config = ComuneConfig::parse(&text, "c").unwrap();
        assert_eq!(
            config.creditor().unwrap().name,
            "Comune di Fermo - Servizio Casa"
        );
    }

    #[test]
    fn bad_creditor_keys_name_file_and_line() {
        let line = line_of_key("codice_segregazione");
        assert_eq!(
            reason(&with("codice_segregazione", "codice_segregazione = \"1\"")),
            format!(
                "comune.toml:{line}: ente_creditore.codice_segregazione: «1» non è un codice di segregazione: servono 2 cifre, tra virgolette (per esempio \"01\")"
            )
        );
        assert_eq!(
            reason(&with("codice_segregazione", "codice_segregazione = 1")),
            format!("comune.toml:{line}: valore del tipo sbagliato: serve un testo tra virgolette")
        );
        let line = line_of_key("iban");
        assert_eq!(
            reason(&with("iban", "iban = \"IT61X0542811101000000123456\"")),
            format!(
                "comune.toml:{line}: ente_creditore.iban: cifre di controllo errate: ricopiare l'IBAN dal documento della banca"
            )
        );
        assert_eq!(
            reason(&with("iban", "iban = \"DE89370400440532013000\"")),
            format!(
                "comune.toml:{line}: ente_creditore.iban: deve essere un IBAN italiano, che inizia con IT"
            )
        );
        let line = line_of_key("tassonomia");
        assert_eq!(
            reason(&with("tassonomia", "tassonomia = \"0101108TS\"")),
            format!(
                "comune.toml:{line}: ente_creditore.tassonomia: «0101108TS» non è un codice della tassonomia pagoPA: scriverlo come 9/0101108TS/ (9/, sette cifre, due lettere, /)"
            )
        );
        let line = EXAMPLE
            .lines()
            .position(|l| l == "nome = \"Comune di Fermo\"")
            .unwrap()
            + 1;
        let long = format!("nome = \"{}\"\n", "C".repeat(141));
        assert_eq!(
            reason(&EXAMPLE.replace("nome = \"Comune di Fermo\"\n", &long)),
            format!(
                "comune.toml:{line}: ente_creditore.nome: al massimo 140 caratteri, come vuole pagoPA"
            )
        );
        assert_eq!(
            reason(&EXAMPLE.replace("nome = \"Comune di Fermo\"\n", "nome = \" \"\n")),
            format!("comune.toml:{line}: ente_creditore.nome: valore mancante")
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
