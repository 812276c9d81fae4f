//! From the file to the domain: the ruleset, and where each criterion and band starts.

use std::collections::BTreeMap;

use toml::Spanned;

use crate::domain::household::{Condition, MAX_MEMBERS};
use crate::domain::ruleset::{
    Band, Block, Criterion, HouseholdPredicate, Measure, Rule, Ruleset, RulesetIssue, TieBreak,
};

use super::shape::{CriterionFile, Kind, PREDICATE_KEYS, PREDICATES, RulesFile};
use super::values::{bound, count, percent, points, required_points};
use super::{Fault, fault};

/// Where each criterion and band starts, to place the issues `Ruleset::validate` finds.
pub(super) struct Places {
    criteria: Vec<(usize, Vec<usize>)>,
}

impl Places {
    pub(super) fn offset_of(&self, issue: &RulesetIssue) -> usize {
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

pub(super) fn build(raw: RulesFile) -> Result<(Ruleset, Places), Fault> {
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
