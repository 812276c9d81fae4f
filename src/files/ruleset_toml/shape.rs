//! The file as written. Every value that can be wrong on its own keeps its span.

use serde::Deserialize;
use toml::{Spanned, Value};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RulesFile {
    pub(super) nome: Spanned<String>,
    #[serde(default)]
    pub(super) esempio: bool,
    pub(super) spareggio: Option<Vec<Spanned<String>>>,
    pub(super) tetti: Option<CapsFile>,
    #[serde(default)]
    pub(super) criterio: Vec<Spanned<CriterionFile>>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "una tabella [tetti] con soggettivo e oggettivo"
)]
pub(super) struct CapsFile {
    pub(super) soggettivo: Option<Spanned<Value>>,
    pub(super) oggettivo: Option<Spanned<Value>>,
}

/// Every key any `tipo` may use: which ones belong to which `tipo` is checked after reading, so
/// that a misplaced key is named with its line instead of a generic serde message.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "un criterio [[criterio]]")]
pub(super) struct CriterionFile {
    pub(super) codice: String,
    pub(super) descrizione: String,
    pub(super) blocco: Spanned<String>,
    pub(super) gruppo: Option<Spanned<String>>,
    pub(super) tipo: Spanned<String>,
    pub(super) misura: Option<Spanned<String>>,
    pub(super) fasce: Option<Spanned<Vec<Spanned<BandFile>>>>,
    pub(super) condizioni: Option<Spanned<Vec<Spanned<String>>>>,
    pub(super) punti: Option<Spanned<Value>>,
    pub(super) punti_per_unita: Option<Spanned<Value>>,
    pub(super) tetto: Option<Spanned<Value>>,
    pub(super) predicato: Option<Spanned<String>>,
    pub(super) eta: Option<Spanned<i64>>,
    pub(super) minori_min: Option<Spanned<i64>>,
    pub(super) minori_max: Option<Spanned<i64>>,
    pub(super) componenti: Option<Spanned<i64>>,
    pub(super) percentuale_min: Option<Spanned<i64>>,
    pub(super) percentuale_max: Option<Spanned<i64>>,
    pub(super) accompagnamento: Option<Spanned<bool>>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "una fascia { da = …, a = …, punti = … }"
)]
pub(super) struct BandFile {
    pub(super) da: Option<Spanned<Value>>,
    pub(super) a: Option<Spanned<Value>>,
    pub(super) punti: Spanned<Value>,
}

impl CriterionFile {
    /// The keys that depend on `tipo` which the file sets, with the offset of their value.
    pub(super) fn specific_keys(&self) -> Vec<(&'static str, usize)> {
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
pub(super) enum Kind {
    Condizione,
    Fasce,
    PerUnita,
    Nucleo,
    Invalidita,
}

impl Kind {
    pub(super) const ALL: [Kind; 5] = [
        Kind::Condizione,
        Kind::Fasce,
        Kind::PerUnita,
        Kind::Nucleo,
        Kind::Invalidita,
    ];

    pub(super) fn code(self) -> &'static str {
        match self {
            Kind::Condizione => "condizione",
            Kind::Fasce => "fasce",
            Kind::PerUnita => "per_unita",
            Kind::Nucleo => "nucleo",
            Kind::Invalidita => "invalidita",
        }
    }

    pub(super) fn keys(self) -> &'static [&'static str] {
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

pub(super) const PREDICATES: [(&str, &[&str]); 5] = [
    ("tutti_almeno", &["eta"]),
    ("almeno_uno_almeno", &["eta"]),
    ("tutti_al_piu", &["eta"]),
    ("genitore_solo", &["minori_min", "minori_max"]),
    ("componenti_almeno", &["componenti"]),
];

/// The keys of `nucleo` that belong to one predicate or another.
pub(super) const PREDICATE_KEYS: [&str; 4] = ["eta", "minori_min", "minori_max", "componenti"];
