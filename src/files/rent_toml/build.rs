//! From the file to the domain: the rent rules, and where each key sits to place the issues
//! `RentRules::validate` finds.

use std::collections::BTreeMap;

use toml::{Spanned, Value};

use crate::domain::DomainError;
use crate::domain::money::Money;
use crate::domain::rent::{BandFormula, LeaseTerms, Percent, RentBand, RentRules, ZoneRates};
use crate::domain::time::parse_date;

use super::shape::{BandFile, RentFile};
use super::{Fault, fault};

/// The offset of every key the file sets, by its dotted name (`fasce[2].isee_fino_a`).
pub(super) struct Places(BTreeMap<String, usize>);

impl Places {
    /// The key's own offset, else that of the nearest enclosing key or table, else the start.
    pub(super) fn offset_of(&self, key: &str) -> usize {
        let mut key = key;
        loop {
            if let Some(at) = self.0.get(key) {
                return *at;
            }
            match key.rfind(['.', '[']) {
                Some(cut) => key = &key[..cut],
                None => return 0,
            }
        }
    }

    fn note<T>(&mut self, key: impl Into<String>, value: &Spanned<T>) {
        self.0.insert(key.into(), value.span().start);
    }
}

pub(super) fn build(raw: RentFile) -> Result<(RentRules, Places), Fault> {
    let mut places = Places(BTreeMap::new());
    let name = raw.nome.get_ref().trim().to_string();
    if name.is_empty() {
        return Err(fault(
            raw.nome.span().start,
            "nome: manca il nome delle regole",
        ));
    }
    places.note("versione", &raw.versione);
    let date = quoted(
        &raw.in_vigore_dal,
        "in_vigore_dal",
        "la data",
        "\"01/10/2026\"",
    )?;
    let effective_from = parse_date(date).map_err(|e| {
        fault(
            raw.in_vigore_dal.span().start,
            format!("in_vigore_dal: {e}"),
        )
    })?;
    places.note("canone_minimo", &raw.canone_minimo);
    let minimum = money(&raw.canone_minimo, "canone_minimo")?;
    let single_person_reduction = match &raw.riduzione_una_persona {
        Some(value) => {
            places.note("riduzione_una_persona", value);
            Some(percent(value, "riduzione_una_persona")?)
        }
        None => None,
    };
    places.note("euro_mq", &raw.euro_mq);
    let table = raw.euro_mq.get_ref();
    let mut rate = |key: &str, value: &Spanned<Value>| {
        let key = format!("euro_mq.{key}");
        places.note(key.clone(), value);
        money(value, &key)
    };
    let rates = ZoneRates {
        bassa: rate("bassa", &table.bassa)?,
        media: rate("media", &table.media)?,
        alta: rate("alta", &table.alta)?,
    };
    let mut bands = Vec::with_capacity(raw.fasce.len());
    for (index, spanned) in raw.fasce.iter().enumerate() {
        bands.push(band(index, spanned, &mut places)?);
    }
    let terms = terms(&raw, &mut places)?;
    let rules = RentRules {
        name,
        version: raw.versione.get_ref().trim().to_string(),
        example: raw.esempio,
        effective_from,
        rates,
        bands,
        minimum,
        single_person_reduction,
        terms,
    };
    Ok((rules, places))
}

fn band(index: usize, spanned: &Spanned<BandFile>, places: &mut Places) -> Result<RentBand, Fault> {
    let raw = spanned.get_ref();
    let key = |name: &str| format!("fasce[{index}].{name}");
    places.note(format!("fasce[{index}]"), spanned);
    places.note(key("nome"), &raw.nome);
    let isee_up_to = match &raw.isee_fino_a {
        Some(value) => {
            places.note(key("isee_fino_a"), value);
            Some(money(value, "isee_fino_a")?)
        }
        None => None,
    };
    let formula = match (&raw.quota_isee, &raw.quota_canone_oggettivo) {
        (Some(share), None) => {
            places.note(key("quota_isee"), share);
            BandFormula::IseeShare(percent(share, "quota_isee")?)
        }
        (None, Some(share)) => {
            places.note(key("quota_canone_oggettivo"), share);
            BandFormula::ObjectiveShare(percent(share, "quota_canone_oggettivo")?)
        }
        (Some(first), Some(second)) => {
            return Err(fault(
                first.span().start.max(second.span().start),
                "quota_isee e quota_canone_oggettivo insieme: una fascia ne indica una sola",
            ));
        }
        (None, None) => {
            return Err(fault(
                spanned.span().start,
                "manca la quota della fascia: scrivere quota_isee (percentuale dell'ISEE \
                 annuo, divisa per 12) o quota_canone_oggettivo (percentuale del canone \
                 oggettivo)",
            ));
        }
    };
    if let Some(decadenza) = &raw.decadenza {
        places.note(key("decadenza"), decadenza);
    }
    Ok(RentBand {
        name: raw.nome.get_ref().trim().to_string(),
        isee_up_to,
        formula,
        decadenza: raw.decadenza.as_ref().is_some_and(|d| *d.get_ref()),
    })
}

/// The terms of lease and collection; an omitted section or key keeps the default.
fn terms(raw: &RentFile, places: &mut Places) -> Result<LeaseTerms, Fault> {
    let mut terms = LeaseTerms::default();
    let mut set = |key: &str, value: &Option<Spanned<i64>>, slot: &mut u8| -> Result<(), Fault> {
        let Some(value) = value else {
            return Ok(());
        };
        places.note(key, value);
        let ranges = LeaseTerms::default().ranged();
        let range = ranges.iter().find(|(k, _, _)| *k == key).map(|(_, _, r)| r);
        *slot = u8::try_from(*value.get_ref()).map_err(|_| {
            let admitted = range
                .map(|r| format!(" (da {} a {})", r.start(), r.end()))
                .unwrap_or_default();
            fault(
                value.span().start,
                format!("{key}: {} fuori intervallo{admitted}", value.get_ref()),
            )
        })?;
        Ok(())
    };
    if let Some(contract) = &raw.contratto {
        let c = contract.get_ref();
        set(
            "contratto.durata_anni",
            &c.durata_anni,
            &mut terms.duration_years,
        )?;
        set(
            "contratto.rinnovo_anni",
            &c.rinnovo_anni,
            &mut terms.renewal_years,
        )?;
        set(
            "contratto.mesi_deposito",
            &c.mesi_deposito,
            &mut terms.deposit_months,
        )?;
    }
    if let Some(collection) = &raw.riscossione {
        let c = collection.get_ref();
        set(
            "riscossione.giorno_scadenza",
            &c.giorno_scadenza,
            &mut terms.due_day,
        )?;
        set(
            "riscossione.mesi_morosita",
            &c.mesi_morosita,
            &mut terms.arrears_months,
        )?;
    }
    Ok(terms)
}

fn money(value: &Spanned<Value>, key: &str) -> Result<Money, Fault> {
    let text = quoted(value, key, "l'importo", "\"4,80\" o \"7.620,00\"")?;
    Money::parse(text)
        .map_err(|e| fault(value.span().start, format!("{key}: «{}»: {e}", text.trim())))
}

fn percent(value: &Spanned<Value>, key: &str) -> Result<Percent, Fault> {
    let text = quoted(value, key, "la percentuale", "\"15\" o \"12,5\"")?;
    Percent::parse(text).map_err(|e| {
        let reason = match e {
            DomainError::Invalid { reason, .. } => reason,
            other => other.to_string(),
        };
        fault(value.span().start, format!("{key}: percentuale {reason}"))
    })
}

/// The text of a value that must be written between quotes: a bare number would lose the
/// Italian decimal comma, a bare TOML date is not the office's way of writing dates.
fn quoted<'a>(
    value: &'a Spanned<Value>,
    key: &str,
    what: &str,
    example: &str,
) -> Result<&'a str, Fault> {
    match value.get_ref() {
        Value::String(text) => Ok(text),
        _ => Err(fault(
            value.span().start,
            format!("{key}: scrivere {what} tra virgolette, es. {example}"),
        )),
    }
}
