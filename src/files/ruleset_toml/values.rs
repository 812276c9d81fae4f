//! The values of a criterion: counts, percentages, points and band bounds.

use toml::{Spanned, Value};

use crate::domain::DomainError;
use crate::domain::money::Money;
use crate::domain::points::Points;
use crate::domain::ruleset::Measure;

use super::{Fault, fault};

pub(super) fn count(
    value: &Spanned<i64>,
    key: &str,
    min: u32,
    max: u32,
    what: &str,
) -> Result<u32, Fault> {
    u32::try_from(*value.get_ref())
        .ok()
        .filter(|v| (min..=max).contains(v))
        .ok_or_else(|| {
            fault(
                value.span().start,
                format!("{key}: {} non valido, serve {what}", value.get_ref()),
            )
        })
}

pub(super) fn percent(value: &Spanned<i64>, key: &str) -> Result<u8, Fault> {
    u8::try_from(*value.get_ref())
        .ok()
        .filter(|v| (1..=100).contains(v))
        .ok_or_else(|| {
            fault(
                value.span().start,
                format!(
                    "{key}: {} non valido, serve una percentuale intera tra 1 e 100",
                    value.get_ref()
                ),
            )
        })
}

pub(super) fn required_points(
    value: &Option<Spanned<Value>>,
    key: &str,
    missing: &impl Fn(&str) -> Fault,
) -> Result<Points, Fault> {
    match value {
        Some(v) => points(v, key),
        None => Err(missing(key)),
    }
}

/// Points as written: `5`, `"0,5"` or `0.5`; never negative.
pub(super) fn points(value: &Spanned<Value>, key: &str) -> Result<Points, Fault> {
    let hundredths = hundredths(value, key)?;
    if hundredths < 0 {
        return Err(fault(
            value.span().start,
            format!(
                "punti negativi non ammessi ({key} = {})",
                Points(hundredths)
            ),
        ));
    }
    Ok(Points(hundredths))
}

/// A number with at most two decimals, in hundredths. A TOML float goes through its shortest
/// decimal text, so `0.5` is exactly 50 and `0.125` is refused rather than rounded.
fn hundredths(value: &Spanned<Value>, key: &str) -> Result<i64, Fault> {
    let at = value.span().start;
    let text = match value.get_ref() {
        Value::Integer(i) => i.to_string(),
        Value::Float(f) if f.is_finite() => f.to_string(),
        Value::String(s) => s.clone(),
        other => {
            return Err(fault(
                at,
                format!(
                    "{key}: atteso un numero (es. 4, 0.5 o \"0,5\"), trovato {}",
                    type_name(other)
                ),
            ));
        }
    };
    Points::parse(&text).map(|p| p.0).map_err(|e| {
        let reason = match e {
            DomainError::Invalid { reason, .. } => reason,
            other => other.to_string(),
        };
        fault(at, format!("{key}: {reason}"))
    })
}

/// A band bound in hundredths of the measure: cents for the ISEE, hundredths otherwise.
pub(super) fn bound(measure: Measure, value: &Spanned<Value>, key: &str) -> Result<i64, Fault> {
    let at = value.span().start;
    if measure == Measure::Isee {
        let cents = match value.get_ref() {
            Value::String(s) => Money::parse(s)
                .map_err(|e| fault(at, format!("{key}: '{}': {e}", s.trim())))
                .and_then(|m| {
                    i64::try_from(m.cents()).map_err(|_| fault(at, format!("{key}: troppo grande")))
                })?,
            Value::Integer(euro) if *euro < 0 => {
                return Err(fault(at, format!("{key}: l'ISEE non può essere negativo")));
            }
            Value::Integer(euro) => euro
                .checked_mul(100)
                .ok_or_else(|| fault(at, format!("{key}: troppo grande")))?,
            _ => {
                return Err(fault(
                    at,
                    format!(
                        "{key}: per l'ISEE scrivi l'importo tra virgolette (es. \"3.500,00\") o \
                         in euro interi (es. 3500)"
                    ),
                ));
            }
        };
        return Ok(cents);
    }
    let hundredths = hundredths(value, key)?;
    if hundredths < 0 {
        return Err(fault(
            at,
            format!("{key}: la misura '{}' non è mai negativa", measure.code()),
        ));
    }
    Ok(hundredths)
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::String(_) => "un testo",
        Value::Integer(_) => "un numero intero",
        Value::Float(_) => "un numero non finito",
        Value::Boolean(_) => "un valore vero/falso",
        Value::Datetime(_) => "una data",
        Value::Array(_) => "una lista",
        Value::Table(_) => "una tabella",
    }
}
