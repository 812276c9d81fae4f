//! Values of placeholders: parsed from what a caseworker types, kept typed, and shown the
//! Italian way.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use super::placeholders::{PlaceholderSpec, ValueKind};
use super::text::clean_line;
use crate::domain::money::Money;
use crate::domain::notice::NoticeNumber;
use crate::domain::time::{format_date, parse_date};

/// The largest amount pagoPA accepts, in cents.
pub const MAX_AMOUNT_CENTS: u64 = 9_999_999_999;
/// A text value longer than this is almost surely pasted by mistake, and would eat into the
/// message's length limit.
pub const MAX_TEXT_CHARS: usize = 500;
/// Browsers and IO handle longer addresses badly.
pub const MAX_URL_CHARS: usize = 2000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Value {
    Text(String),
    Date(NaiveDate),
    Time(NaiveTime),
    Amount(Money),
    Notice(NoticeNumber),
    Url(String),
}

impl Value {
    pub fn kind(&self) -> ValueKind {
        match self {
            Value::Text(_) => ValueKind::Text,
            Value::Date(_) => ValueKind::Date,
            Value::Time(_) => ValueKind::Time,
            Value::Amount(_) => ValueKind::Amount,
            Value::Notice(_) => ValueKind::Notice,
            Value::Url(_) => ValueKind::Url,
        }
    }

    /// As a citizen reads it: dates gg/mm/aaaa, times hh:mm, amounts 1.234,56 (the text
    /// supplies the € sign). Text is returned as given; escaping is the renderer's job.
    pub fn display(&self) -> String {
        match self {
            Value::Text(s) | Value::Url(s) => s.clone(),
            Value::Date(d) => format_date(*d),
            Value::Time(t) => t.format("%H:%M").to_string(),
            Value::Amount(m) => m.format_plain(),
            Value::Notice(n) => n.as_str().to_string(),
        }
    }
}

impl ValueKind {
    /// Reads a value typed in a form. The error is an Italian reason, for the form.
    pub fn parse(self, input: &str) -> Result<Value, String> {
        let s = input.trim();
        match self {
            ValueKind::Text => parse_text(s),
            ValueKind::Date => parse_date(s).map(Value::Date).map_err(|e| e.to_string()),
            ValueKind::Time => parse_time(s).map(Value::Time),
            ValueKind::Amount => parse_amount(s).map(Value::Amount),
            ValueKind::Notice => NoticeNumber::parse(s)
                .map(Value::Notice)
                .map_err(|e| e.to_string()),
            ValueKind::Url => parse_url(s).map(|()| Value::Url(s.to_string())),
        }
    }
}

fn parse_text(s: &str) -> Result<Value, String> {
    let cleaned = clean_line(s);
    if cleaned.is_empty() {
        return Err("valore mancante".to_string());
    }
    let chars = cleaned.chars().count();
    if chars > MAX_TEXT_CHARS {
        return Err(format!(
            "testo troppo lungo: {chars} caratteri, al massimo {MAX_TEXT_CHARS}"
        ));
    }
    Ok(Value::Text(cleaned))
}

fn parse_time(s: &str) -> Result<NaiveTime, String> {
    let bad = || format!("ora non valida «{s}»: usa hh:mm");
    let (h, m) = s.split_once(':').ok_or_else(bad)?;
    let digits = |p: &str, len: std::ops::RangeInclusive<usize>| {
        len.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(h, 1..=2) || !digits(m, 2..=2) {
        return Err(bad());
    }
    let hour = h.parse().map_err(|_| bad())?;
    let minute = m.parse().map_err(|_| bad())?;
    NaiveTime::from_hms_opt(hour, minute, 0).ok_or_else(|| format!("ora inesistente: {s}"))
}

fn parse_amount(s: &str) -> Result<Money, String> {
    let money = Money::parse(s).map_err(|e| e.to_string())?;
    if money.is_zero() {
        return Err("l'importo deve essere maggiore di zero".to_string());
    }
    if money.cents() > MAX_AMOUNT_CENTS {
        return Err(format!(
            "importo oltre il massimo pagoPA di {}",
            Money::from_cents(MAX_AMOUNT_CENTS)
        ));
    }
    Ok(money)
}

/// An https address that can go, unchanged, in a markdown link and in a CTA action.
pub fn parse_url(s: &str) -> Result<(), String> {
    let Some(rest) = s.strip_prefix("https://") else {
        return Err(format!("«{s}» non inizia con https://"));
    };
    if s.chars().count() > MAX_URL_CHARS {
        return Err(format!(
            "indirizzo troppo lungo: al massimo {MAX_URL_CHARS} caratteri"
        ));
    }
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    if rest[..host_end].is_empty() {
        return Err(format!("«{s}»: manca il nome del sito dopo https://"));
    }
    // RFC 3986 characters only: spaces, quotes and angle brackets would end the link early.
    if let Some(c) = s.chars().find(|c| !is_url_char(*c)) {
        return Err(format!(
            "«{}»: carattere non ammesso in un indirizzo web: {}",
            clean_line(s),
            describe_char(c)
        ));
    }
    Ok(())
}

fn is_url_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c)
}

fn describe_char(c: char) -> String {
    if c == ' ' {
        "spazio".to_string()
    } else if c.is_control() || c.is_whitespace() {
        format!("U+{:04X}", u32::from(c))
    } else {
        format!("«{c}»")
    }
}

/// Values by placeholder name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Values(BTreeMap<String, Value>);

impl Values {
    pub fn new() -> Self {
        Values::default()
    }

    /// Sets a value, replacing any earlier one.
    pub fn insert(&mut self, name: impl Into<String>, value: Value) {
        self.0.insert(name.into(), value);
    }

    /// Parses what was typed for a placeholder and sets it.
    pub fn insert_input(&mut self, spec: &PlaceholderSpec, input: &str) -> Result<(), String> {
        let value = spec.kind.parse(input)?;
        self.insert(spec.name, value);
        Ok(())
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(name)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    pub fn remove(&mut self, name: &str) -> Option<Value> {
        self.0.remove(name)
    }

    /// Adds the other values; where both have a name, the other's value wins.
    pub fn extend(&mut self, other: Values) {
        self.0.extend(other.0);
    }

    /// These values with `other` laid over them.
    pub fn merged(mut self, other: &Values) -> Values {
        self.0
            .extend(other.0.iter().map(|(k, v)| (k.clone(), v.clone())));
        self
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<(String, Value)> for Values {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        Values(iter.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn parses_each_kind_the_italian_way() {
        assert_eq!(
            ValueKind::Date.parse(" 14/11/2024 "),
            Ok(Value::Date(date(2024, 11, 14)))
        );
        assert_eq!(
            ValueKind::Time.parse("9:05"),
            Ok(Value::Time(NaiveTime::from_hms_opt(9, 5, 0).unwrap()))
        );
        assert_eq!(
            ValueKind::Amount.parse("1.234,56"),
            Ok(Value::Amount(Money::from_cents(123_456)))
        );
        assert_eq!(
            ValueKind::Notice.parse("0013 4000 0013 9008 08"),
            Ok(Value::Notice(
                NoticeNumber::parse("001340000013900808").unwrap()
            ))
        );
        assert_eq!(
            ValueKind::Url.parse(" https://www.comune.example.it/a?b=1 "),
            Ok(Value::Url(
                "https://www.comune.example.it/a?b=1".to_string()
            ))
        );
        assert_eq!(
            ValueKind::Text.parse("  Via Roma\n1  "),
            Ok(Value::Text("Via Roma 1".to_string()))
        );
    }

    #[test]
    fn refuses_with_italian_reasons() {
        let err = |k: ValueKind, s: &str| k.parse(s).unwrap_err();
        assert_eq!(err(ValueKind::Text, " \n\t "), "valore mancante");
        assert!(err(ValueKind::Text, &"a".repeat(501)).starts_with("testo troppo lungo: 501"));
        assert_eq!(
            err(ValueKind::Date, "2024/11/14"),
            "data non valida '2024/11/14': usa gg/mm/aaaa"
        );
        for bad in ["9", "9:5", "09:005", "ab:cd", "9.05", ":05", "+9:05"] {
            assert_eq!(
                err(ValueKind::Time, bad),
                format!("ora non valida «{bad}»: usa hh:mm")
            );
        }
        assert_eq!(err(ValueKind::Time, "24:00"), "ora inesistente: 24:00");
        assert_eq!(
            err(ValueKind::Amount, "0,00"),
            "l'importo deve essere maggiore di zero"
        );
        assert_eq!(
            err(ValueKind::Amount, "100.000.000,00"),
            "importo oltre il massimo pagoPA di 99.999.999,99 €"
        );
        assert_eq!(
            ValueKind::Amount.parse("99.999.999,99"),
            Ok(Value::Amount(Money::from_cents(MAX_AMOUNT_CENTS)))
        );
        assert_eq!(
            err(ValueKind::Amount, "12.5"),
            "usa la virgola per i decimali (es. 1.234,56)"
        );
        assert_eq!(
            err(ValueKind::Notice, "12345"),
            "lunghezza errata: 5 cifre invece di 18"
        );
        assert_eq!(
            err(ValueKind::Url, "http://www.comune.example.it"),
            "«http://www.comune.example.it» non inizia con https://"
        );
        assert_eq!(
            err(ValueKind::Url, "https:///pagina"),
            "«https:///pagina»: manca il nome del sito dopo https://"
        );
        assert_eq!(
            err(ValueKind::Url, "https://www.example.it/a b"),
            "«https://www.example.it/a b»: carattere non ammesso in un indirizzo web: spazio"
        );
        assert!(err(ValueKind::Url, "https://www.example.it/\"x").ends_with("«\"»"));
        assert!(err(ValueKind::Url, "https://www.example.it/<x>").ends_with("«<»"));
        assert!(err(ValueKind::Url, "https://www.example.it/è").ends_with("«è»"));
    }

    #[test]
    fn display_is_italian() {
        assert_eq!(Value::Date(date(2025, 3, 5)).display(), "05/03/2025");
        assert_eq!(
            Value::Time(NaiveTime::from_hms_opt(8, 30, 0).unwrap()).display(),
            "08:30"
        );
        assert_eq!(
            Value::Amount(Money::from_cents(123_456)).display(),
            "1.234,56"
        );
    }

    #[test]
    fn values_merge_with_the_later_winning() {
        let mut a = Values::new();
        a.insert("comune", Value::Text("Fermo".into()));
        a.insert("nome", Value::Text("Mario".into()));
        let mut b = Values::new();
        b.insert("nome", Value::Text("Anna".into()));
        let merged = a.clone().merged(&b);
        assert_eq!(merged.get("nome"), Some(&Value::Text("Anna".into())));
        assert_eq!(merged.get("comune"), Some(&Value::Text("Fermo".into())));
        a.extend(b);
        assert_eq!(a, merged);
        assert_eq!(a.len(), 2);
        assert!(a.contains("comune"));
        assert_eq!(a.remove("comune"), Some(Value::Text("Fermo".into())));
        assert!(!a.contains("comune"));
    }
}
