//! Reads a call (bando) from its TOML file. Keys are Italian: the file is written by the office.
//! Every error names the file and line.

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::domain::call::{CallParameters, DocumentSpec, DocumentTrigger};
use crate::domain::money::Money;
use crate::domain::protocol::ProtocolPattern;
use crate::domain::stock::{AreaBand, AreaBands};
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
    /// The least net area for 1, 2, 3, 4, 5 and 6 or more people, m².
    superfici_minime: Option<Spanned<Vec<u32>>>,
    /// The largest net area for 1 to 5 people, m²; six or more have none.
    superfici_massime: Option<Spanned<Vec<u32>>>,
    /// Days to reply to an offer of a dwelling.
    giorni_risposta_proposta: Option<Spanned<u32>>,
    /// Days to reply after the formal warning.
    giorni_diffida: Option<Spanned<u32>>,
    /// Days to sign the lease and occupy the dwelling after the decree.
    giorni_occupazione: Option<Spanned<u32>>,
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
        let days = |value: &Option<Spanned<u32>>, name: &str, default: u32| match value {
            None => Ok(default),
            Some(days) if (1..=365).contains(days.get_ref()) => Ok(*days.get_ref()),
            Some(days) => Err(error(
                days.span().start,
                format!("{name}: {} giorni fuori da 1…365", days.get_ref()),
            )),
        };
        let round = params.assignment_days;
        params.assignment_days = crate::domain::call::AssignmentDays {
            reply: days(
                &p.giorni_risposta_proposta,
                "giorni_risposta_proposta",
                round.reply,
            )?,
            warning: days(&p.giorni_diffida, "giorni_diffida", round.warning)?,
            occupation: days(
                &p.giorni_occupazione,
                "giorni_occupazione",
                round.occupation,
            )?,
        };
        if let Some(date) = &p.data_riferimento {
            params.reference_date = Some(
                parse_date(date.get_ref())
                    .map_err(|e| field(date, "data_riferimento", e.to_string()))?,
            );
        }
    }
    if let Some(p) = &raw.parametri {
        params.area_bands =
            area_bands(p, &params.area_bands).map_err(|(offset, reason)| error(offset, reason))?;
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

/// The area bands the call's `superfici_minime` and `superfici_massime` give, each defaulting
/// to `default`'s; an error with the offset of the list to fix.
fn area_bands(p: &ParamsFile, default: &AreaBands) -> Result<AreaBands, (usize, String)> {
    if p.superfici_minime.is_none() && p.superfici_massime.is_none() {
        return Ok(default.clone());
    }
    let mut bands: [AreaBand; 6] = std::array::from_fn(|i| default.for_size(i + 1));
    let mut at = 0;
    if let Some(minima) = &p.superfici_minime {
        at = minima.span().start;
        let values = minima.get_ref();
        if values.len() != 6 {
            return Err((
                at,
                format!(
                    "superfici_minime: servono 6 valori in m², per 1, 2, 3, 4, 5 e 6 o più \
                     persone (es. [30, 45, 54, 63, 80, 90]), non {}",
                    values.len()
                ),
            ));
        }
        for (band, min) in bands.iter_mut().zip(values) {
            band.min_m2 = *min;
        }
    }
    if let Some(maxima) = &p.superfici_massime {
        at = maxima.span().start;
        let values = maxima.get_ref();
        if values.len() != 5 {
            return Err((
                at,
                format!(
                    "superfici_massime: servono 5 valori in m², per 1, 2, 3, 4 e 5 persone \
                     (6 o più non hanno massimo; es. [44, 59, 68, 77, 95]), non {}",
                    values.len()
                ),
            ));
        }
        for (band, max) in bands.iter_mut().zip(values) {
            band.max_m2 = Some(*max);
        }
    }
    if let Some(zero) = bands.iter().position(|b| b.min_m2 == 0) {
        let offset = p.superfici_minime.as_ref().map_or(at, |m| m.span().start);
        return Err((
            offset,
            format!(
                "superfici_minime: il minimo per {} non può essere 0 m²",
                if zero == 0 {
                    "1 persona".to_string()
                } else {
                    format!("{} persone", zero + 1)
                }
            ),
        ));
    }
    AreaBands::new(bands).map_err(|e| (at, e.to_string()))
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

    /// The seed's call with `lines` added under `[parametri]`.
    fn with_parameters(lines: &str) -> String {
        BANDO_2024.replacen("[parametri]\n", &format!("[parametri]\n{lines}\n"), 1)
    }

    #[test]
    fn the_rounds_days_are_read_from_the_parameters_and_default_without_them() {
        assert_eq!(
            bando_2024().unwrap().params.assignment_days,
            crate::domain::call::AssignmentDays::default()
        );
        let text = with_parameters(
            "giorni_risposta_proposta = 15\ngiorni_diffida = 7\ngiorni_occupazione = 60",
        );
        let days = parse(&text, "bando.toml").unwrap().params.assignment_days;
        assert_eq!((days.reply, days.warning, days.occupation), (15, 7, 60));
        let error = parse(&with_parameters("giorni_diffida = 0"), "bando.toml").unwrap_err();
        assert!(error.reason.contains("giorni_diffida"), "{error}");
        assert!(error.line > 1, "{error}");
    }

    #[test]
    fn area_bands_are_read_from_the_parameters_and_default_without_them() {
        assert_eq!(
            bando_2024().unwrap().params.area_bands,
            AreaBands::default()
        );
        let text = with_parameters(
            "superfici_minime = [28, 40, 50, 60, 75, 85]\nsuperfici_massime = [45, 60, 70, 80, 100]",
        );
        assert_ne!(text, BANDO_2024);
        let bands = parse(&text, "bando.toml").unwrap().params.area_bands;
        assert_eq!(
            bands.for_size(1),
            AreaBand {
                min_m2: 28,
                max_m2: Some(45)
            }
        );
        assert_eq!(
            bands.for_size(5),
            AreaBand {
                min_m2: 75,
                max_m2: Some(100)
            }
        );
        assert_eq!(
            bands.for_size(9),
            AreaBand {
                min_m2: 85,
                max_m2: None
            }
        );
        // Only the maxima: the minima stay the call table's.
        let text = with_parameters("superfici_massime = [50, 60, 70, 80, 100]");
        let bands = parse(&text, "bando.toml").unwrap().params.area_bands;
        assert_eq!(
            bands.for_size(1),
            AreaBand {
                min_m2: 30,
                max_m2: Some(50)
            }
        );
        assert_eq!(
            bands.for_size(6),
            AreaBand {
                min_m2: 90,
                max_m2: None
            }
        );
    }

    #[test]
    fn wrong_area_bands_are_told_with_file_and_line() {
        let line_of_key =
            |text: &str, key: &str| text.lines().position(|l| l.starts_with(key)).unwrap() + 1;
        for (lines, key, words) in [
            (
                "superfici_minime = [30, 45, 54]",
                "superfici_minime",
                "servono 6 valori",
            ),
            (
                "superfici_massime = [44, 59, 68, 77, 95, 120]",
                "superfici_massime",
                "servono 5 valori",
            ),
            (
                "superfici_massime = [44, 59, 50, 77, 95]",
                "superfici_massime",
                "per 3 persone il massimo 50 m² è sotto il minimo 54 m²",
            ),
            (
                "superfici_minime = [0, 45, 54, 63, 80, 90]",
                "superfici_minime",
                "non può essere 0",
            ),
            (
                "superfici_minime = [30, -45, 54, 63, 80, 90]",
                "superfici_minime",
                "",
            ),
            ("superfici_minime = \"30\"", "superfici_minime", ""),
        ] {
            let text = with_parameters(lines);
            let error = parse(&text, "bando.toml").unwrap_err();
            assert_eq!(error.line, line_of_key(&text, key), "{lines}: {error}");
            assert!(
                error
                    .to_string()
                    .starts_with(&format!("bando.toml:{}: ", error.line))
            );
            assert!(error.reason.contains(words), "{lines}: {error}");
        }
    }
}
