//! A rent ruleset: €/m² by zone, the bands by ISEE with their formula, the minimum rent, the
//! optional one-person reduction, and the regional terms of lease and collection.

use std::ops::RangeInclusive;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::DomainError;
use crate::domain::money::Money;
use crate::domain::stock::Zone;

/// A percentage in hundredths of a point: 1500 is 15 %, 1250 is 12,5 %.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Percent(u32);

impl Percent {
    /// 1000 % is beyond any rent rule: a larger figure is a typo.
    pub const MAX_BASIS_POINTS: u32 = 100_000;
    pub const HUNDRED: Percent = Percent(10_000);

    pub const fn from_basis_points(bp: u32) -> Percent {
        Percent(bp)
    }

    pub const fn basis_points(self) -> u32 {
        self.0
    }

    /// Reads a percentage written the Italian way: "15", "12,5", "12,25", also with "%" after.
    /// At most two decimals, never above 1000 %.
    pub fn parse(input: &str) -> Result<Percent, DomainError> {
        let text = input.trim().trim_end_matches('%').trim_end();
        let invalid = |why: &str| {
            let shown: String = input
                .trim()
                .chars()
                .filter(|c| !c.is_control())
                .take(20)
                .collect();
            DomainError::invalid(
                "percentuale",
                format!("«{shown}» non valida: {why} (es. 15 o 12,5)"),
            )
        };
        if text.is_empty() {
            return Err(invalid("mancante"));
        }
        let (whole, decimals) = match text.split_once(',') {
            Some(parts) => parts,
            None if text.contains('.') => return Err(invalid("usare la virgola per i decimali")),
            None => (text, ""),
        };
        if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid("servono cifre"));
        }
        if text.contains(',') && decimals.is_empty() {
            return Err(invalid("mancano le cifre dopo la virgola"));
        }
        if decimals.len() > 2 || !decimals.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid("al massimo due decimali"));
        }
        let too_large = || invalid("oltre 1000 %");
        let whole: u32 = whole
            .parse()
            .ok()
            .filter(|w| *w <= Percent::MAX_BASIS_POINTS / 100)
            .ok_or_else(too_large)?;
        let mut part: u32 = decimals.parse().unwrap_or(0);
        if decimals.len() == 1 {
            part *= 10;
        }
        let bp = whole * 100 + part;
        if bp > Percent::MAX_BASIS_POINTS {
            return Err(too_large());
        }
        Ok(Percent(bp))
    }

    /// Italian form: "15 %", "12,5 %", "12,25 %".
    pub fn label(self) -> String {
        let whole = self.0 / 100;
        let part = self.0 % 100;
        if part == 0 {
            format!("{whole} %")
        } else if part.is_multiple_of(10) {
            format!("{whole},{} %", part / 10)
        } else {
            format!("{whole},{part:02} %")
        }
    }
}

/// The canone oggettivo's rate, in cents per m² of net area a month, by zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoneRates {
    pub bassa: Money,
    pub media: Money,
    pub alta: Money,
}

impl ZoneRates {
    pub fn of(&self, zone: Zone) -> Money {
        match zone {
            Zone::Bassa => self.bassa,
            Zone::Media => self.media,
            Zone::Alta => self.alta,
        }
    }
}

/// How a band turns the household's ISEE or the canone oggettivo into a rent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BandFormula {
    /// A share of the yearly ISEE, divided by twelve months.
    IseeShare(Percent),
    /// A share of the canone oggettivo: 50 % is a 50 % discount, 100 % the full canone.
    ObjectiveShare(Percent),
}

/// One band by ISEE: households whose ISEE is at most `isee_up_to` (the last band has no upper
/// bound) pay by `formula`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RentBand {
    /// "protezione", "accesso", "permanenza", "decadenza".
    pub name: String,
    pub isee_up_to: Option<Money>,
    pub formula: BandFormula,
    /// Above the limit of continued eligibility: the tenant must leave, the canone oggettivo
    /// does not cap the rent meanwhile.
    pub decadenza: bool,
}

/// The regional terms of a lease and of collecting its rent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseTerms {
    pub duration_years: u8,
    /// Tacit renewal, in years.
    pub renewal_years: u8,
    /// The deposit, in months of rent.
    pub deposit_months: u8,
    /// The day of the month a notice falls due.
    pub due_day: u8,
    /// Months of unpaid rent that flag the tenancy for decadenza.
    pub arrears_months: u8,
}

impl LeaseTerms {
    /// Each term with its key in the ruleset file and the values it admits.
    pub fn ranged(&self) -> [(&'static str, u8, RangeInclusive<u8>); 5] {
        [
            ("contratto.durata_anni", self.duration_years, 1..=30),
            ("contratto.rinnovo_anni", self.renewal_years, 0..=30),
            ("contratto.mesi_deposito", self.deposit_months, 0..=12),
            ("riscossione.giorno_scadenza", self.due_day, 1..=28),
            ("riscossione.mesi_morosita", self.arrears_months, 1..=24),
        ]
    }
}

impl Default for LeaseTerms {
    fn default() -> Self {
        LeaseTerms {
            duration_years: 3,
            renewal_years: 3,
            deposit_months: 3,
            due_day: 15,
            arrears_months: 3,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RentRules {
    pub name: String,
    /// Names the rules in every lease computed with them, e.g. "esempio-2026".
    pub version: String,
    /// Shipped as an example, to be replaced by the region's or Comune's own.
    pub example: bool,
    pub effective_from: NaiveDate,
    pub rates: ZoneRates,
    /// In increasing order of ISEE, the last without an upper bound.
    pub bands: Vec<RentBand>,
    pub minimum: Money,
    /// The reduction for a household of one person, applied after the band.
    pub single_person_reduction: Option<Percent>,
    pub terms: LeaseTerms,
}

/// What is wrong with a ruleset, and which key (dotted, as in the file) is at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesIssue {
    pub key: String,
    pub reason: String,
}

impl RulesIssue {
    fn new(key: impl Into<String>, reason: impl Into<String>) -> RulesIssue {
        RulesIssue {
            key: key.into(),
            reason: reason.into(),
        }
    }
}

impl RentRules {
    /// The band a known ISEE falls in.
    pub fn band_for(&self, isee: Money) -> Option<&RentBand> {
        self.bands
            .iter()
            .find(|band| band.isee_up_to.is_none_or(|limit| isee <= limit))
    }

    /// Checks what the file's shape cannot: the bands' order and bounds, the figures' ranges.
    pub fn validate(&self) -> Result<(), RulesIssue> {
        if self.version.trim().is_empty() {
            return Err(RulesIssue::new("versione", "mancante"));
        }
        for (key, rate) in [
            ("euro_mq.bassa", self.rates.bassa),
            ("euro_mq.media", self.rates.media),
            ("euro_mq.alta", self.rates.alta),
        ] {
            if rate.is_zero() {
                return Err(RulesIssue::new(key, "deve essere maggiore di zero"));
            }
        }
        if self.minimum.is_zero() {
            return Err(RulesIssue::new(
                "canone_minimo",
                "deve essere maggiore di zero",
            ));
        }
        let Some(last) = self.bands.last() else {
            return Err(RulesIssue::new("fasce", "nessuna fascia"));
        };
        let last_index = self.bands.len() - 1;
        if last.isee_up_to.is_some() {
            return Err(RulesIssue::new(
                format!("fasce[{last_index}].isee_fino_a"),
                "l'ultima fascia non ha limite: togliere isee_fino_a",
            ));
        }
        let mut previous: Option<Money> = None;
        for (index, band) in self.bands.iter().enumerate() {
            if band.name.trim().is_empty() {
                return Err(RulesIssue::new(format!("fasce[{index}].nome"), "mancante"));
            }
            if self.bands[..index].iter().any(|b| b.name == band.name) {
                return Err(RulesIssue::new(
                    format!("fasce[{index}].nome"),
                    format!("fascia «{}» ripetuta", band.name),
                ));
            }
            match (band.isee_up_to, index < last_index) {
                (None, true) => {
                    return Err(RulesIssue::new(
                        format!("fasce[{index}].isee_fino_a"),
                        "mancante: solo l'ultima fascia è senza limite",
                    ));
                }
                (Some(limit), _) => {
                    if previous.is_some_and(|p| limit <= p) {
                        return Err(RulesIssue::new(
                            format!("fasce[{index}].isee_fino_a"),
                            "le fasce vanno in ordine di ISEE crescente",
                        ));
                    }
                    previous = Some(limit);
                }
                (None, false) => {}
            }
            // Decadenza is everything above the limit of continued eligibility: a band above a
            // decadenza band cannot be anything else.
            if !band.decadenza && self.bands[..index].iter().any(|b| b.decadenza) {
                return Err(RulesIssue::new(
                    format!("fasce[{index}].decadenza"),
                    "dopo una fascia di decadenza anche le seguenti sono di decadenza",
                ));
            }
            let (share, share_key) = match band.formula {
                BandFormula::IseeShare(p) => (p, "quota_isee"),
                BandFormula::ObjectiveShare(p) => (p, "quota_canone_oggettivo"),
            };
            if share.basis_points() == 0 || share.basis_points() > Percent::MAX_BASIS_POINTS {
                return Err(RulesIssue::new(
                    format!("fasce[{index}].{share_key}"),
                    "percentuale fuori intervallo (maggiore di 0 e al più 1000 %)",
                ));
            }
        }
        if let Some(reduction) = self.single_person_reduction
            && (reduction.basis_points() == 0 || reduction >= Percent::HUNDRED)
        {
            return Err(RulesIssue::new(
                "riduzione_una_persona",
                "percentuale fuori intervallo (maggiore di 0 e minore di 100 %)",
            ));
        }
        for (key, value, range) in self.terms.ranged() {
            if !range.contains(&value) {
                return Err(RulesIssue::new(
                    key,
                    format!(
                        "{value} fuori intervallo (da {} a {})",
                        range.start(),
                        range.end()
                    ),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn percentages_are_read_the_italian_way() {
        assert_eq!(Percent::parse("15"), Ok(Percent::from_basis_points(1_500)));
        assert_eq!(
            Percent::parse("12,5"),
            Ok(Percent::from_basis_points(1_250))
        );
        assert_eq!(
            Percent::parse("12,25"),
            Ok(Percent::from_basis_points(1_225))
        );
        assert_eq!(
            Percent::parse(" 10 % "),
            Ok(Percent::from_basis_points(1_000))
        );
        assert_eq!(Percent::parse("0,05"), Ok(Percent::from_basis_points(5)));
        assert_eq!(
            Percent::parse("1000"),
            Ok(Percent::from_basis_points(100_000))
        );
    }

    #[test]
    fn bad_percentages_are_refused_in_italian() {
        let reason = |text: &str| match Percent::parse(text) {
            Err(DomainError::Invalid { field, reason }) => {
                assert_eq!(field, "percentuale");
                reason
            }
            other => panic!("{text}: {other:?}"),
        };
        assert_eq!(reason(""), "«» non valida: mancante (es. 15 o 12,5)");
        assert_eq!(
            reason("12.5"),
            "«12.5» non valida: usare la virgola per i decimali (es. 15 o 12,5)"
        );
        assert_eq!(
            reason("12,125"),
            "«12,125» non valida: al massimo due decimali (es. 15 o 12,5)"
        );
        assert_eq!(
            reason("12,"),
            "«12,» non valida: mancano le cifre dopo la virgola (es. 15 o 12,5)"
        );
        assert_eq!(
            reason("-5"),
            "«-5» non valida: servono cifre (es. 15 o 12,5)"
        );
        assert_eq!(
            reason(",5"),
            "«,5» non valida: servono cifre (es. 15 o 12,5)"
        );
        assert_eq!(
            reason("1000,01"),
            "«1000,01» non valida: oltre 1000 % (es. 15 o 12,5)"
        );
        assert_eq!(
            reason("99999999999"),
            "«99999999999» non valida: oltre 1000 % (es. 15 o 12,5)"
        );
    }

    proptest! {
        /// Every percentage the rules can hold reads back from its own label.
        #[test]
        fn a_percent_reads_back_from_its_label(bp in 0..=Percent::MAX_BASIS_POINTS) {
            let percent = Percent::from_basis_points(bp);
            prop_assert_eq!(Percent::parse(&percent.label()), Ok(percent));
        }

        /// Whatever is typed, the reader answers without panicking, and what it accepts is in
        /// range.
        #[test]
        fn any_text_is_read_or_refused(text in "[0-9,.% -]{0,12}") {
            if let Ok(percent) = Percent::parse(&text) {
                prop_assert!(percent.basis_points() <= Percent::MAX_BASIS_POINTS);
            }
        }
    }
}
