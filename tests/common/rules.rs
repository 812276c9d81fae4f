//! The example point table of DOMAIN.md §4, written out in Rust so that the tests can score by
//! hand against it; a test checks it is the shipped `fixtures/rules/esempio-marche.toml`.

use std::collections::BTreeMap;

use alloggi::domain::household::Condition;
use alloggi::domain::points::Points;
use alloggi::domain::ruleset::{
    Band, Block, Criterion, HouseholdPredicate, Measure, Rule, Ruleset, TieBreak,
};

/// Whole points.
pub fn pts(points: i64) -> Points {
    Points::whole(points)
}

fn criterion(id: &str, label: &str, block: Block, group: Option<&str>, rule: Rule) -> Criterion {
    Criterion {
        id: id.to_string(),
        label: label.to_string(),
        block,
        group: group.map(str::to_string),
        rule,
    }
}

fn subjective(id: &str, label: &str, group: Option<&str>, rule: Rule) -> Criterion {
    criterion(id, label, Block::Soggettivo, group, rule)
}

fn objective(id: &str, label: &str, any_of: &[Condition], points: i64) -> Criterion {
    criterion(
        id,
        label,
        Block::Oggettivo,
        None,
        Rule::Condizione {
            any_of: any_of.to_vec(),
            points: pts(points),
        },
    )
}

/// A band of ISEE in cents, inclusive at both ends.
fn band(from: Option<i64>, to: i64, points: i64) -> Band {
    Band {
        from,
        to: Some(to),
        points: pts(points),
    }
}

fn nucleo(predicate: HouseholdPredicate, points: i64) -> Rule {
    Rule::Nucleo {
        predicate,
        points: pts(points),
    }
}

fn invalidita(min_pct: u8, max_pct: u8, accompaniment: Option<bool>, points: i64) -> Rule {
    Rule::Invalidita {
        min_pct,
        max_pct,
        accompaniment,
        points: pts(points),
    }
}

fn genitore_solo(min: u32, max: Option<u32>) -> HouseholdPredicate {
    HouseholdPredicate::GenitoreSolo { min, max }
}

/// DOMAIN.md §4's example: subjective block capped at 15, objective at 11, the default chain.
pub fn example_ruleset() -> Ruleset {
    use HouseholdPredicate::*;
    let criteria = vec![
        subjective(
            "isee",
            "ISEE del nucleo familiare",
            None,
            Rule::Fasce {
                measure: Measure::Isee,
                bands: vec![
                    band(None, 350_000, 5),
                    band(Some(350_001), 550_000, 4),
                    band(Some(550_001), 750_000, 3),
                    band(Some(750_001), 950_000, 2),
                ],
            },
        ),
        subjective(
            "residenza",
            "Residenza nel Comune, per ogni anno",
            None,
            Rule::PerUnita {
                measure: Measure::AnniResidenza,
                per_unit: Points(50),
                cap: pts(8),
            },
        ),
        subjective(
            "anziani_65",
            "Nucleo composto solo da persone di almeno 65 anni",
            Some("anziani"),
            nucleo(TuttiAlmeno { age: 65 }, 3),
        ),
        subjective(
            "anziano_75",
            "Almeno un componente di almeno 75 anni",
            Some("anziani"),
            nucleo(AlmenoUnoAlmeno { age: 75 }, 4),
        ),
        subjective(
            "giovani_35",
            "Nucleo composto solo da persone di non più di 35 anni",
            None,
            nucleo(TuttiAlPiu { age: 35 }, 1),
        ),
        subjective(
            "invalidita_67_99",
            "Componente con invalidità dal 67 % al 99 %",
            Some("invalidita"),
            invalidita(67, 99, None, 2),
        ),
        subjective(
            "invalidita_100",
            "Componente con invalidità al 100 %",
            Some("invalidita"),
            invalidita(100, 100, None, 3),
        ),
        subjective(
            "invalidita_100_accompagnamento",
            "Componente con invalidità al 100 % e indennità di accompagnamento",
            Some("invalidita"),
            invalidita(100, 100, Some(true), 4),
        ),
        subjective(
            "genitore_solo_1",
            "Genitore solo con 1 figlio minore a carico",
            None,
            nucleo(genitore_solo(1, Some(1)), 2),
        ),
        subjective(
            "genitore_solo_2",
            "Genitore solo con 2 figli minori a carico",
            None,
            nucleo(genitore_solo(2, Some(2)), 3),
        ),
        subjective(
            "genitore_solo_3",
            "Genitore solo con 3 o più figli minori a carico",
            None,
            nucleo(genitore_solo(3, None), 4),
        ),
        subjective(
            "nucleo_numeroso",
            "Nucleo di almeno 5 persone",
            None,
            nucleo(ComponentiAlmeno { members: 5 }, 1),
        ),
        objective(
            "alloggio_improprio",
            "Alloggio improprio da almeno 2 anni, o sistemazione precaria disposta dai servizi di assistenza pubblica",
            &[
                Condition::AlloggioImproprio,
                Condition::SistemazionePrecaria,
            ],
            4,
        ),
        objective(
            "ordine_rilascio",
            "Sfratto o ordine di rilascio dell'alloggio non dovuto a morosità",
            &[Condition::OrdineRilascio],
            3,
        ),
        objective(
            "alloggio_antigienico",
            "Alloggio antigienico",
            &[Condition::AlloggioAntigienico],
            2,
        ),
        objective(
            "alloggio_inadeguato",
            "Alloggio inadeguato (superficie sotto la tabella dei m² per il nucleo)",
            &[Condition::AlloggioInadeguato],
            2,
        ),
        objective(
            "coabitazione_parenti",
            "Coabitazione con altro nucleo familiare di parenti",
            &[Condition::CoabitazioneParenti],
            1,
        ),
        objective(
            "coabitazione_non_parenti",
            "Coabitazione con altro nucleo familiare non di parenti",
            &[Condition::CoabitazioneNonParenti],
            2,
        ),
    ];
    let mut criteria = criteria;
    for criterion in criteria.iter_mut() {
        if criterion.id.starts_with("coabitazione") {
            criterion.group = Some("coabitazione".to_string());
        }
    }
    Ruleset {
        name: "Esempio — tabella punteggi ERP (Marche)".to_string(),
        example: true,
        caps: BTreeMap::from([(Block::Soggettivo, pts(15)), (Block::Oggettivo, pts(11))]),
        criteria,
        tie_breaks: TieBreak::DEFAULT_CHAIN.to_vec(),
    }
}
