//! Reads a call (bando) from its TOML file. Keys are Italian: the file is written by the office.
//! Every error names the file and line.

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::domain::call::{CallParameters, DocumentSpec, DocumentTrigger};
use crate::domain::money::Money;
use crate::domain::protocol::ProtocolPattern;
use crate::domain::time::{parse_date, parse_datetime_rome};
use crate::domain::{Call, DomainError};

use super::text::line_of;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CallFile {
    codice: String,
    titolo: String,
    determina: String,
    apertura: Spanned<String>,
    /// The last minute on time; the window ends at its 59th second.
    chiusura: Spanned<String>,
    durata_massima_giorni: u32,
    marca_da_bollo: Spanned<String>,
    #[serde(default)]
    diritti_segreteria: Option<Spanned<String>>,
    #[serde(default)]
    parametri: Option<ParamsFile>,
    documenti: Vec<DocumentFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ParamsFile {
    giorni_integrazione: Option<u32>,
    preavviso_rigetto: Option<bool>,
    giorni_preavviso_rigetto: Option<u32>,
    giorni_opposizione: Option<u32>,
    limite_isee: Option<Spanned<String>>,
    maggiorazione_isee_nucleo_unipersonale: Option<u32>,
    quota_massima_proprieta: Option<u32>,
    validita_graduatoria_anni: Option<u32>,
    data_riferimento: Option<Spanned<String>>,
    modello_protocollo: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DocumentFile {
    codice: String,
    titolo: String,
    obbligatorio: bool,
    #[serde(default)]
    necessario_per: Vec<DocumentTrigger>,
}

/// A call file that could not be used, with the place to fix.
#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}: {reason}")]
pub struct CallFileError {
    pub file: String,
    pub line: usize,
    pub reason: String,
}

pub fn load(path: &Path) -> Result<Call, CallFileError> {
    let text = super::text::read_text(path).map_err(|reason| CallFileError {
        file: path.display().to_string(),
        line: 0,
        reason,
    })?;
    parse(&text, &path.display().to_string())
}

pub fn parse(text: &str, file: &str) -> Result<Call, CallFileError> {
    let error = |offset: usize, reason: String| CallFileError {
        file: file.to_string(),
        line: line_of(text, offset),
        reason,
    };
    let raw: CallFile = toml::from_str(text).map_err(|e| {
        let offset = e.span().map(|s| s.start).unwrap_or(0);
        error(offset, crate::files::reasons::toml(e.message()))
    })?;
    let field = |value: &Spanned<String>, what: &str, reason: String| {
        error(value.span().start, format!("{what}: {reason}"))
    };
    let datetime = |value: &Spanned<String>, what: &str| {
        parse_datetime_rome(value.get_ref()).map_err(|e| field(value, what, e.to_string()))
    };
    let money = |value: &Spanned<String>, what: &str| {
        Money::parse(value.get_ref()).map_err(|e| field(value, what, e.to_string()))
    };

    let opens_at = datetime(&raw.apertura, "apertura")?;
    let closes_at = datetime(&raw.chiusura, "chiusura")? + chrono::Duration::seconds(59);
    let mut params = CallParameters::default();
    if let Some(p) = &raw.parametri {
        params.integration_days = p.giorni_integrazione.unwrap_or(params.integration_days);
        params.objection_days = p.giorni_opposizione.unwrap_or(params.objection_days);
        params.refusal_notice = p.preavviso_rigetto.unwrap_or(params.refusal_notice);
        params.refusal_notice_days = p
            .giorni_preavviso_rigetto
            .unwrap_or(params.refusal_notice_days);
        if let Some(limit) = &p.limite_isee {
            params.isee_limit = money(limit, "limite_isee")?;
        }
        params.single_person_isee_increase_pct = p
            .maggiorazione_isee_nucleo_unipersonale
            .unwrap_or(params.single_person_isee_increase_pct);
        params.max_property_share_pct = p
            .quota_massima_proprieta
            .unwrap_or(params.max_property_share_pct);
        params.ranking_validity_years = p
            .validita_graduatoria_anni
            .unwrap_or(params.ranking_validity_years);
        if let Some(date) = &p.data_riferimento {
            params.reference_date = Some(
                parse_date(date.get_ref())
                    .map_err(|e| field(date, "data_riferimento", e.to_string()))?,
            );
        }
    }
    if let Some(pattern) = raw
        .parametri
        .as_ref()
        .and_then(|p| p.modello_protocollo.as_ref())
    {
        params.protocol_pattern = ProtocolPattern::parse(pattern.get_ref())
            .map_err(|e| field(pattern, "modello_protocollo", e.to_string()))?;
    }
    let call = Call {
        code: raw.codice.trim().to_string(),
        title: raw.titolo.trim().to_string(),
        determina: raw.determina.trim().to_string(),
        opens_at,
        closes_at,
        max_duration_days: raw.durata_massima_giorni,
        stamp_duty: money(&raw.marca_da_bollo, "marca_da_bollo")?,
        secretarial_fee: match &raw.diritti_segreteria {
            Some(fee) => money(fee, "diritti_segreteria")?,
            None => Money::default(),
        },
        documents: raw
            .documenti
            .into_iter()
            .map(|d| DocumentSpec {
                code: d.codice.trim().to_string(),
                title: d.titolo.trim().to_string(),
                required: d.obbligatorio,
                needed_for: d.necessario_per,
            })
            .collect(),
        params,
        published_at: None,
    };
    call.validate()
        .map_err(|e: DomainError| error(0, e.to_string()))?;
    Ok(call)
}

/// The seed's 2024 call, shipped in `fixtures/` and embedded so that demo data needs no files.
pub const BANDO_2024: &str = include_str!("../../fixtures/bando-2024.toml");

pub fn bando_2024() -> Result<Call, CallFileError> {
    parse(BANDO_2024, "fixtures/bando-2024.toml")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_refusal_notice_is_on_for_ten_days_unless_the_file_says_otherwise() {
        let seed = bando_2024().unwrap();
        assert!(seed.params.refusal_notice);
        assert_eq!(seed.params.refusal_notice_days, 10);
        let off = BANDO_2024
            .replace("preavviso_rigetto = true", "preavviso_rigetto = false")
            .replace(
                "giorni_preavviso_rigetto = 10",
                "giorni_preavviso_rigetto = 15",
            );
        let call = parse(&off, "bando.toml").unwrap();
        assert!(!call.params.refusal_notice);
        assert_eq!(call.params.refusal_notice_days, 15);
        let zero = BANDO_2024.replace(
            "giorni_preavviso_rigetto = 10",
            "giorni_preavviso_rigetto = 0",
        );
        let error = parse(&zero, "bando.toml").unwrap_err();
        assert!(error.reason.contains("giorni_preavviso_rigetto"), "{error}");
    }
}
