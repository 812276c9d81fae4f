//! The ranking workflow's words: event names for filters and audit lines.

use crate::domain::event::EventKind;
use crate::domain::objection::Adjustment;
use crate::domain::time::format_date;

/// In lifecycle order; part of `EVENT_KIND_NAMES`.
pub(crate) const EVENT_NAMES: [&str; 6] = [
    "regole_punteggio_salvate",
    "punteggio_rettificato",
    "opposizione_ricevuta",
    "opposizione_decisa",
    "graduatoria_pubblicata",
    "sorteggio_effettuato",
];

pub(super) fn kind_name(kind: &EventKind) -> Option<&'static str> {
    use EventKind::*;
    Some(match kind {
        RulesetSaved { .. } => "regole_punteggio_salvate",
        ScoreAdjusted { .. } => "punteggio_rettificato",
        ObjectionFiled { .. } => "opposizione_ricevuta",
        ObjectionDecided { .. } => "opposizione_decisa",
        RankingPublished { .. } => "graduatoria_pubblicata",
        LotsDrawn { .. } => "sorteggio_effettuato",
        _ => return None,
    })
}

pub(super) fn summary(kind: &EventKind) -> Option<String> {
    use EventKind::*;
    Some(match kind {
        RulesetSaved { call, ruleset } => format!(
            "regole di punteggio del bando {call}: {} ({} criteri)",
            ruleset.name,
            ruleset.criteria.len()
        ),
        ScoreAdjusted { adjustment, .. } => match adjustment {
            Adjustment::Condition {
                condition,
                present: true,
            } => format!("punteggio rettificato: {} riconosciuta", condition.label()),
            Adjustment::Condition { condition, .. } => format!(
                "punteggio rettificato: {} non riconosciuta",
                condition.label()
            ),
            Adjustment::Override {
                criterion,
                points: Some(points),
            } => format!(
                "punteggio rettificato: {criterion} = {}",
                crate::domain::number::points_text(points)
            ),
            Adjustment::Override { criterion, .. } => {
                format!("punteggio rettificato: {criterion} torna al calcolo")
            }
        },
        ObjectionFiled {
            version,
            received_on,
            ..
        } => format!(
            "opposizione alla graduatoria n. {version} ricevuta il {}",
            format_date(*received_on)
        ),
        ObjectionDecided {
            index, accepted, ..
        } => format!(
            "opposizione {} {}",
            index + 1,
            if *accepted { "accolta" } else { "respinta" }
        ),
        RankingPublished {
            call,
            number,
            kind,
            admitted,
            excluded,
            ..
        } => format!(
            "graduatoria {} n. {number} del bando {call} pubblicata ({admitted} ammesse, {excluded} escluse)",
            kind.label()
        ),
        LotsDrawn {
            number,
            seed,
            groups,
            ..
        } => format!(
            "sorteggio per la graduatoria n. {number}: {} a pari merito, seme {seed}",
            crate::domain::number::plural(groups.len(), "gruppo", "gruppi")
        ),
        _ => return None,
    })
}
