//! Reads a call's point table (ruleset, DOMAIN.md §4) from its TOML file. Keys are Italian: the
//! file is written by the office from the Comune's regulation. Every error names the file and
//! the line of the criterion, band or key at fault.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::{Spanned, Value};

use crate::domain::DomainError;
use crate::domain::household::{Condition, MAX_MEMBERS};
use crate::domain::money::Money;
use crate::domain::points::Points;
use crate::domain::ruleset::{
    Band, Block, Criterion, HouseholdPredicate, Measure, Rule, Ruleset, RulesetIssue, TieBreak,
};

use super::text::line_of;

/// A point-table file that could not be used, with the place to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {reason}")]
pub struct RulesFileError {
    pub file: String,
    /// 1-based; 0 when the file could not be read at all.
    pub line: usize,
    pub reason: String,
}

/// The example table shipped in `fixtures/rules/`, embedded so that demo data needs no files.
pub const ESEMPIO_MARCHE: &str = include_str!("../../fixtures/rules/esempio-marche.toml");

pub fn esempio_marche() -> Result<Ruleset, RulesFileError> {
    parse("fixtures/rules/esempio-marche.toml", ESEMPIO_MARCHE)
}

pub fn load(path: &Path) -> Result<Ruleset, RulesFileError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| RulesFileError {
        file: file.clone(),
        line: 0,
        reason: format!("impossibile leggere il file: {}", io_reason(&e)),
    })?;
    parse(&file, &text)
}

pub fn parse(file_name: &str, text: &str) -> Result<Ruleset, RulesFileError> {
    let error = |offset: usize, reason: String| RulesFileError {
        file: file_name.to_string(),
        line: line_of(text, offset),
        reason,
    };
    let raw: RulesFile = toml::from_str(text).map_err(|e| {
        let offset = e.span().map(|s| s.start).unwrap_or(0);
        error(offset, italian(e.message()))
    })?;
    let (ruleset, places) = build(raw).map_err(|f| error(f.at, f.reason))?;
    ruleset.validate().map_err(|issue| {
        let offset = places.offset_of(&issue);
        error(offset, issue.reason)
    })?;
    Ok(ruleset)
}

// ---------------------------------------------------------------------------------------------
// The file as written. Every value that can be wrong on its own keeps its span.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    nome: Spanned<String>,
    #[serde(default)]
    esempio: bool,
    spareggio: Option<Vec<Spanned<String>>>,
    tetti: Option<CapsFile>,
    #[serde(default)]
    criterio: Vec<Spanned<CriterionFile>>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "una tabella [tetti] con soggettivo e oggettivo"
)]
struct CapsFile {
    soggettivo: Option<Spanned<Value>>,
    oggettivo: Option<Spanned<Value>>,
}

/// Every key any `tipo` may use: which ones belong to which `tipo` is checked after reading, so
/// that a misplaced key is named with its line instead of a generic serde message.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "un criterio [[criterio]]")]
struct CriterionFile {
    codice: String,
    descrizione: String,
    blocco: Spanned<String>,
    gruppo: Option<Spanned<String>>,
    tipo: Spanned<String>,
    misura: Option<Spanned<String>>,
    fasce: Option<Spanned<Vec<Spanned<BandFile>>>>,
    condizioni: Option<Spanned<Vec<Spanned<String>>>>,
    punti: Option<Spanned<Value>>,
    punti_per_unita: Option<Spanned<Value>>,
    tetto: Option<Spanned<Value>>,
    predicato: Option<Spanned<String>>,
    eta: Option<Spanned<i64>>,
    minori_min: Option<Spanned<i64>>,
    minori_max: Option<Spanned<i64>>,
    componenti: Option<Spanned<i64>>,
    percentuale_min: Option<Spanned<i64>>,
    percentuale_max: Option<Spanned<i64>>,
    accompagnamento: Option<Spanned<bool>>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "una fascia { da = …, a = …, punti = … }"
)]
struct BandFile {
    da: Option<Spanned<Value>>,
    a: Option<Spanned<Value>>,
    punti: Spanned<Value>,
}

impl CriterionFile {
    /// The keys that depend on `tipo` which the file sets, with the offset of their value.
    fn specific_keys(&self) -> Vec<(&'static str, usize)> {
        fn at<T>(value: &Option<Spanned<T>>) -> Option<usize> {
            value.as_ref().map(|v| v.span().start)
        }
        [
            ("misura", at(&self.misura)),
            ("fasce", at(&self.fasce)),
            ("condizioni", at(&self.condizioni)),
            ("punti", at(&self.punti)),
            ("punti_per_unita", at(&self.punti_per_unita)),
            ("tetto", at(&self.tetto)),
            ("predicato", at(&self.predicato)),
            ("eta", at(&self.eta)),
            ("minori_min", at(&self.minori_min)),
            ("minori_max", at(&self.minori_max)),
            ("componenti", at(&self.componenti)),
            ("percentuale_min", at(&self.percentuale_min)),
            ("percentuale_max", at(&self.percentuale_max)),
            ("accompagnamento", at(&self.accompagnamento)),
        ]
        .into_iter()
        .filter_map(|(key, offset)| offset.map(|o| (key, o)))
        .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Condizione,
    Fasce,
    PerUnita,
    Nucleo,
    Invalidita,
}

impl Kind {
    const ALL: [Kind; 5] = [
        Kind::Condizione,
        Kind::Fasce,
        Kind::PerUnita,
        Kind::Nucleo,
        Kind::Invalidita,
    ];

    fn code(self) -> &'static str {
        match self {
            Kind::Condizione => "condizione",
            Kind::Fasce => "fasce",
            Kind::PerUnita => "per_unita",
            Kind::Nucleo => "nucleo",
            Kind::Invalidita => "invalidita",
        }
    }

    fn keys(self) -> &'static [&'static str] {
        match self {
            Kind::Condizione => &["condizioni", "punti"],
            Kind::Fasce => &["misura", "fasce"],
            Kind::PerUnita => &["misura", "punti_per_unita", "tetto"],
            Kind::Nucleo => &[
                "predicato",
                "eta",
                "minori_min",
                "minori_max",
                "componenti",
                "punti",
            ],
            Kind::Invalidita => &[
                "percentuale_min",
                "percentuale_max",
                "accompagnamento",
                "punti",
            ],
        }
    }
}

const PREDICATES: [(&str, &[&str]); 5] = [
    ("tutti_almeno", &["eta"]),
    ("almeno_uno_almeno", &["eta"]),
    ("tutti_al_piu", &["eta"]),
    ("genitore_solo", &["minori_min", "minori_max"]),
    ("componenti_almeno", &["componenti"]),
];

/// The keys of `nucleo` that belong to one predicate or another.
const PREDICATE_KEYS: [&str; 4] = ["eta", "minori_min", "minori_max", "componenti"];

// ---------------------------------------------------------------------------------------------
// From the file to the domain.

/// What is wrong, at a byte offset of the text.
struct Fault {
    at: usize,
    reason: String,
}

fn fault(at: usize, reason: impl Into<String>) -> Fault {
    Fault {
        at,
        reason: reason.into(),
    }
}

/// Where each criterion and band starts, to place the issues `Ruleset::validate` finds.
struct Places {
    criteria: Vec<(usize, Vec<usize>)>,
}

impl Places {
    fn offset_of(&self, issue: &RulesetIssue) -> usize {
        match issue.criterion.and_then(|i| self.criteria.get(i)) {
            Some((criterion, bands)) => issue
                .band
                .and_then(|b| bands.get(b))
                .copied()
                .unwrap_or(*criterion),
            None => 0,
        }
    }
}

fn build(raw: RulesFile) -> Result<(Ruleset, Places), Fault> {
    let name = raw.nome.get_ref().trim().to_string();
    if name.is_empty() {
        return Err(fault(raw.nome.span().start, "manca il nome della tabella"));
    }
    let mut caps = BTreeMap::new();
    if let Some(tetti) = &raw.tetti {
        for (block, value) in [
            (Block::Soggettivo, &tetti.soggettivo),
            (Block::Oggettivo, &tetti.oggettivo),
        ] {
            if let Some(value) = value {
                let cap = points(value, block.code())?;
                if cap.0 <= 0 {
                    return Err(fault(
                        value.span().start,
                        format!("il tetto del blocco {} deve essere positivo", block.code()),
                    ));
                }
                caps.insert(block, cap);
            }
        }
    }
    let tie_breaks = match &raw.spareggio {
        None => TieBreak::DEFAULT_CHAIN.to_vec(),
        Some(list) => tie_break_chain(list)?,
    };
    let mut criteria = Vec::with_capacity(raw.criterio.len());
    let mut places = Places {
        criteria: Vec::with_capacity(raw.criterio.len()),
    };
    for spanned in &raw.criterio {
        let (criterion, bands) = criterion(spanned)?;
        criteria.push(criterion);
        places.criteria.push((spanned.span().start, bands));
    }
    let ruleset = Ruleset {
        name,
        example: raw.esempio,
        caps,
        criteria,
        tie_breaks,
    };
    Ok((ruleset, places))
}

fn tie_break_chain(list: &[Spanned<String>]) -> Result<Vec<TieBreak>, Fault> {
    let mut chain = Vec::with_capacity(list.len());
    for (i, entry) in list.iter().enumerate() {
        let code = entry.get_ref().trim();
        let at = entry.span().start;
        if code == "sorteggio" {
            // The lot always closes the chain: writing it last is harmless, elsewhere it would
            // promise an order the ranking does not follow.
            if i + 1 == list.len() {
                break;
            }
            return Err(fault(
                at,
                "'sorteggio' chiude sempre la catena: scrivilo per ultimo o omettilo",
            ));
        }
        let tie = TieBreak::parse(code).ok_or_else(|| {
            fault(
                at,
                format!(
                    "spareggio '{code}' sconosciuto: usa {} (il sorteggio chiude sempre la catena)",
                    TieBreak::ALL.map(TieBreak::code).join(", ")
                ),
            )
        })?;
        if chain.contains(&tie) {
            return Err(fault(
                at,
                format!("spareggio '{}' ripetuto nella catena", tie.code()),
            ));
        }
        chain.push(tie);
    }
    Ok(chain)
}

/// One criterion, with the offsets of its bands (empty unless `fasce`).
fn criterion(spanned: &Spanned<CriterionFile>) -> Result<(Criterion, Vec<usize>), Fault> {
    let here = spanned.span().start;
    let raw = spanned.get_ref();
    let block_code = raw.blocco.get_ref().trim();
    let block = Block::ALL
        .into_iter()
        .find(|b| b.code() == block_code)
        .ok_or_else(|| {
            fault(
                raw.blocco.span().start,
                format!("blocco '{block_code}' sconosciuto: usa soggettivo o oggettivo"),
            )
        })?;
    let group = match &raw.gruppo {
        Some(g) if g.get_ref().trim().is_empty() => {
            return Err(fault(
                g.span().start,
                "gruppo vuoto: ometti la chiave se il criterio non è in un gruppo",
            ));
        }
        Some(g) => Some(g.get_ref().trim().to_string()),
        None => None,
    };
    let kind_code = raw.tipo.get_ref().trim();
    let kind = Kind::ALL
        .into_iter()
        .find(|k| k.code() == kind_code)
        .ok_or_else(|| {
            fault(
                raw.tipo.span().start,
                format!(
                    "tipo '{kind_code}' sconosciuto: usa {}",
                    Kind::ALL.map(Kind::code).join(", ")
                ),
            )
        })?;
    for (key, at) in raw.specific_keys() {
        if !kind.keys().contains(&key) {
            return Err(fault(
                at,
                format!(
                    "la chiave '{key}' non vale per un criterio di tipo '{}' (ammesse: {})",
                    kind.code(),
                    kind.keys().join(", ")
                ),
            ));
        }
    }
    let missing = |key: &str| {
        fault(
            here,
            format!(
                "manca la chiave '{key}', obbligatoria per il tipo '{}'",
                kind.code()
            ),
        )
    };
    let mut band_offsets = Vec::new();
    let rule = match kind {
        Kind::Condizione => {
            let Some(list) = &raw.condizioni else {
                return Err(missing("condizioni"));
            };
            let mut any_of = Vec::with_capacity(list.get_ref().len());
            for entry in list.get_ref() {
                let condition = Condition::parse(entry.get_ref())
                    .map_err(|e| fault(entry.span().start, e.to_string()))?;
                if any_of.contains(&condition) {
                    return Err(fault(
                        entry.span().start,
                        format!("condizione '{}' ripetuta", condition.code()),
                    ));
                }
                any_of.push(condition);
            }
            Rule::Condizione {
                any_of,
                points: required_points(&raw.punti, "punti", &missing)?,
            }
        }
        Kind::Fasce => {
            let measure = measure(&raw.misura, &missing)?;
            let Some(list) = &raw.fasce else {
                return Err(missing("fasce"));
            };
            let mut bands = Vec::with_capacity(list.get_ref().len());
            for band in list.get_ref() {
                band_offsets.push(band.span().start);
                let b = band.get_ref();
                bands.push(Band {
                    from: b.da.as_ref().map(|v| bound(measure, v, "da")).transpose()?,
                    to: b.a.as_ref().map(|v| bound(measure, v, "a")).transpose()?,
                    points: points(&b.punti, "punti")?,
                });
            }
            Rule::Fasce { measure, bands }
        }
        Kind::PerUnita => {
            let measure = measure(&raw.misura, &missing)?;
            let per_unit = required_points(&raw.punti_per_unita, "punti_per_unita", &missing)?;
            let Some(tetto) = &raw.tetto else {
                return Err(fault(
                    here,
                    "manca il tetto: un criterio 'per_unita' deve indicare il massimo con la \
                     chiave 'tetto' (es. tetto = 8)",
                ));
            };
            let cap = points(tetto, "tetto")?;
            if cap.0 <= 0 {
                return Err(fault(
                    tetto.span().start,
                    "il tetto deve essere maggiore di zero",
                ));
            }
            Rule::PerUnita {
                measure,
                per_unit,
                cap,
            }
        }
        Kind::Nucleo => Rule::Nucleo {
            predicate: predicate(raw, &missing)?,
            points: required_points(&raw.punti, "punti", &missing)?,
        },
        Kind::Invalidita => {
            let (Some(min), Some(max)) = (&raw.percentuale_min, &raw.percentuale_max) else {
                let key = if raw.percentuale_min.is_none() {
                    "percentuale_min"
                } else {
                    "percentuale_max"
                };
                return Err(missing(key));
            };
            Rule::Invalidita {
                min_pct: percent(min, "percentuale_min")?,
                max_pct: percent(max, "percentuale_max")?,
                accompaniment: raw.accompagnamento.as_ref().map(|a| *a.get_ref()),
                points: required_points(&raw.punti, "punti", &missing)?,
            }
        }
    };
    let criterion = Criterion {
        id: raw.codice.trim().to_string(),
        label: raw.descrizione.trim().to_string(),
        block,
        group,
        rule,
    };
    Ok((criterion, band_offsets))
}

fn measure(
    value: &Option<Spanned<String>>,
    missing: &impl Fn(&str) -> Fault,
) -> Result<Measure, Fault> {
    let Some(value) = value else {
        return Err(missing("misura"));
    };
    Measure::parse(value.get_ref()).ok_or_else(|| {
        fault(
            value.span().start,
            format!(
                "misura '{}' sconosciuta: usa {}",
                value.get_ref().trim(),
                Measure::ALL.map(Measure::code).join(", ")
            ),
        )
    })
}

fn predicate(
    raw: &CriterionFile,
    missing: &impl Fn(&str) -> Fault,
) -> Result<HouseholdPredicate, Fault> {
    let Some(value) = &raw.predicato else {
        return Err(missing("predicato"));
    };
    let code = value.get_ref().trim();
    let Some((_, keys)) = PREDICATES.iter().find(|(c, _)| *c == code) else {
        return Err(fault(
            value.span().start,
            format!(
                "predicato '{code}' sconosciuto: usa {}",
                PREDICATES.map(|(c, _)| c).join(", ")
            ),
        ));
    };
    for (key, at) in raw.specific_keys() {
        if PREDICATE_KEYS.contains(&key) && !keys.contains(&key) {
            return Err(fault(
                at,
                format!(
                    "la chiave '{key}' non vale per il predicato '{code}' (ammesse: {})",
                    keys.join(", ")
                ),
            ));
        }
    }
    fn required<'a>(
        value: &'a Option<Spanned<i64>>,
        key: &str,
        missing: &impl Fn(&str) -> Fault,
    ) -> Result<&'a Spanned<i64>, Fault> {
        value.as_ref().ok_or_else(|| missing(key))
    }
    let age = |key: &str| -> Result<u32, Fault> {
        let v = required(&raw.eta, key, missing)?;
        count(v, key, 0, 120, "un'età in anni tra 0 e 120")
    };
    Ok(match code {
        "tutti_almeno" => HouseholdPredicate::TuttiAlmeno { age: age("eta")? },
        "almeno_uno_almeno" => HouseholdPredicate::AlmenoUnoAlmeno { age: age("eta")? },
        "tutti_al_piu" => HouseholdPredicate::TuttiAlPiu { age: age("eta")? },
        "genitore_solo" => {
            let limit = u32::try_from(MAX_MEMBERS).unwrap_or(u32::MAX);
            let what = format!("un numero di minori tra 1 e {limit}");
            let min = required(&raw.minori_min, "minori_min", missing)?;
            HouseholdPredicate::GenitoreSolo {
                min: count(min, "minori_min", 1, limit, &what)?,
                max: raw
                    .minori_max
                    .as_ref()
                    .map(|max| count(max, "minori_max", 1, limit, &what))
                    .transpose()?,
            }
        }
        _ => {
            let limit = u32::try_from(MAX_MEMBERS).unwrap_or(u32::MAX);
            let members = required(&raw.componenti, "componenti", missing)?;
            HouseholdPredicate::ComponentiAlmeno {
                members: count(
                    members,
                    "componenti",
                    1,
                    limit,
                    &format!("un numero di persone tra 1 e {limit}"),
                )?,
            }
        }
    })
}

fn count(value: &Spanned<i64>, key: &str, min: u32, max: u32, what: &str) -> Result<u32, Fault> {
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

fn percent(value: &Spanned<i64>, key: &str) -> Result<u8, Fault> {
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

fn required_points(
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
fn points(value: &Spanned<Value>, key: &str) -> Result<Points, Fault> {
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
fn bound(measure: Measure, value: &Spanned<Value>, key: &str) -> Result<i64, Fault> {
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

// ---------------------------------------------------------------------------------------------
// Places and messages.

fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "il file non esiste".into(),
        ErrorKind::PermissionDenied => "permesso negato".into(),
        ErrorKind::InvalidData => "il file non è testo UTF-8".into(),
        ErrorKind::IsADirectory => "è una cartella, non un file".into(),
        _ => format!("errore di sistema ({e})"),
    }
}

/// The TOML and serde messages are English: the office reads Italian. The common ones are
/// translated; the others keep the original detail after an Italian lead.
fn italian(message: &str) -> String {
    let first = message.lines().next().unwrap_or("").trim();
    let quoted = |rest: &str| rest.split('`').next().unwrap_or("").to_string();
    if let Some(rest) = first.strip_prefix("unknown field `") {
        let name = quoted(rest);
        // "…, expected one of `a`, `b`": the names are every other backtick-delimited piece.
        let allowed: Vec<&str> = rest.split('`').skip(2).step_by(2).collect();
        return if allowed.is_empty() {
            format!("chiave '{name}' sconosciuta")
        } else {
            format!(
                "chiave '{name}' sconosciuta (ammesse: {})",
                allowed.join(", ")
            )
        };
    }
    if let Some(rest) = first.strip_prefix("missing field `") {
        return format!("manca la chiave '{}'", quoted(rest));
    }
    if let Some(rest) = first.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, "altro"));
        return format!(
            "valore del tipo sbagliato: trovato {}, atteso {}",
            type_words(found),
            type_words(expected)
        );
    }
    const SYNTAX: [(&str, &str); 12] = [
        ("duplicate key", "chiave ripetuta"),
        (
            "invalid basic string",
            "testo non chiuso: manca il \" finale",
        ),
        (
            "invalid multi-line basic string",
            "testo su più righe non chiuso",
        ),
        (
            "string values must be quoted",
            "i testi vanno tra virgolette",
        ),
        ("missing value", "manca il valore dopo '='"),
        ("unclosed array", "lista non chiusa: manca ']'"),
        (
            "unclosed inline table",
            "tabella in linea non chiusa: manca '}'",
        ),
        ("unclosed table", "intestazione non chiusa: manca ']'"),
        (
            "unclosed array table",
            "intestazione non chiusa: manca ']]'",
        ),
        (
            "missing comma between array elements",
            "manca la virgola tra gli elementi della lista",
        ),
        (
            "missing assignment between key-value pairs",
            "manca '=' dopo la chiave",
        ),
        ("key with no value", "chiave senza valore: manca '= valore'"),
    ];
    // The longest matching prefix wins: "unclosed array table" before "unclosed array".
    if let Some((_, it)) = SYNTAX
        .iter()
        .filter(|(en, _)| first.starts_with(en))
        .max_by_key(|(en, _)| en.len())
    {
        return (*it).to_string();
    }
    format!("TOML non valido: {}", message.replace('\n', " ").trim())
}

fn type_words(text: &str) -> String {
    const WORDS: [(&str, &str); 12] = [
        ("a string", "un testo tra virgolette"),
        ("a boolean", "true o false"),
        ("a sequence", "una lista [ … ]"),
        ("a map", "una tabella"),
        ("i64", "un numero intero"),
        ("floating point", "il numero decimale"),
        ("integer", "il numero intero"),
        ("string", "il testo"),
        ("boolean", "il valore"),
        ("sequence", "una lista"),
        ("map", "una tabella"),
        ("datetime", "la data"),
    ];
    WORDS
        .iter()
        .find(|(en, _)| text.starts_with(en))
        .map(|(en, it)| format!("{it}{}", &text[en.len()..]))
        .unwrap_or_else(|| text.to_string())
}
