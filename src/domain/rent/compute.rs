//! One household's monthly rent under a ruleset, with every step written out in Italian so the
//! case and the lease can show how the figure was reached.

use serde::{Deserialize, Serialize};

use super::rules::{BandFormula, Percent, RentRules};
use crate::domain::money::Money;
use crate::domain::stock::{Area, Zone};

/// How every step rounds, as the lease states it.
pub const ROUNDING: &str = "ogni passaggio è arrotondato al centesimo, per eccesso dalla metà";

/// What the rent depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RentInput {
    /// The household's ISEE; `None` when the tenant did not supply it.
    pub isee: Option<Money>,
    pub net_area: Area,
    pub zone: Zone,
    pub household_size: usize,
}

/// One step of the computation and the amount it leaves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RentStep {
    pub text: String,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RentComputation {
    /// The ruleset's version.
    pub version: String,
    /// The band applied, or «ISEE non presentato».
    pub band: String,
    /// The canone oggettivo: net m² × the zone's rate.
    pub objective: Money,
    pub steps: Vec<RentStep>,
    /// The monthly rent.
    pub rent: Money,
    /// The ISEE is above the limit of continued eligibility.
    pub decadenza: bool,
}

/// The band name used when no ISEE is on file: the tenant pays the canone oggettivo.
pub const NO_ISEE: &str = "ISEE non presentato";

pub fn compute(rules: &RentRules, input: &RentInput) -> RentComputation {
    let rate = rules.rates.of(input.zone);
    let objective = Money::from_cents(round_div(
        u128::from(input.net_area.hundredths()) * u128::from(rate.cents()),
        100,
    ));
    let mut steps = vec![RentStep {
        text: format!(
            "Canone oggettivo: {} m² × {} €/m² (zona {}) = {} €",
            area_label(input.net_area),
            rate.format_plain(),
            input.zone.label(),
            objective.format_plain()
        ),
        amount: objective,
    }];
    let (band_name, capped, decadenza, mut rent) = match input.isee {
        None => {
            steps.push(RentStep {
                text: format!(
                    "{NO_ISEE}: canone oggettivo = {} €",
                    objective.format_plain()
                ),
                amount: objective,
            });
            (NO_ISEE.to_string(), true, false, objective)
        }
        Some(isee) => match rules.band_for(isee) {
            None => (NO_ISEE.to_string(), true, false, objective),
            Some(band) => {
                let bound = match band.isee_up_to {
                    Some(limit) => format!(
                        "ISEE {} € ≤ {} €",
                        isee.format_plain(),
                        limit.format_plain()
                    ),
                    None => format!("ISEE {} € oltre l'ultimo limite", isee.format_plain()),
                };
                let rent = match band.formula {
                    BandFormula::IseeShare(share) => {
                        let yearly = percent_of(isee, share);
                        steps.push(RentStep {
                            text: format!(
                                "Fascia {} ({bound}): {} € × {} = {} € l'anno",
                                band.name,
                                isee.format_plain(),
                                share.label(),
                                yearly.format_plain()
                            ),
                            amount: yearly,
                        });
                        let monthly = Money::from_cents(round_div(u128::from(yearly.cents()), 12));
                        steps.push(RentStep {
                            text: format!("Diviso per 12 mesi: {} €", monthly.format_plain()),
                            amount: monthly,
                        });
                        monthly
                    }
                    BandFormula::ObjectiveShare(share) => {
                        let rent = percent_of(objective, share);
                        steps.push(RentStep {
                            text: format!(
                                "Fascia {} ({bound}): canone oggettivo {} € × {} = {} €",
                                band.name,
                                objective.format_plain(),
                                share.label(),
                                rent.format_plain()
                            ),
                            amount: rent,
                        });
                        rent
                    }
                };
                (band.name.clone(), !band.decadenza, band.decadenza, rent)
            }
        },
    };
    // Without an ISEE the tenant pays the canone oggettivo as it is: the reduction is a benefit
    // of the bands.
    if input.isee.is_some()
        && input.household_size == 1
        && let Some(reduction) = rules.single_person_reduction
    {
        let kept = Percent::from_basis_points(
            Percent::HUNDRED.basis_points() - reduction.basis_points().min(10_000),
        );
        let reduced = percent_of(rent, kept);
        steps.push(RentStep {
            text: format!(
                "Riduzione per nucleo di una persona ({}): {} € × {} = {} €",
                reduction.label(),
                rent.format_plain(),
                kept.label(),
                reduced.format_plain()
            ),
            amount: reduced,
        });
        rent = reduced;
    }
    if rent < rules.minimum {
        rent = rules.minimum;
        steps.push(RentStep {
            text: format!("Sotto il canone minimo: {} €", rules.minimum.format_plain()),
            amount: rent,
        });
    }
    if capped && rent > objective {
        rent = objective;
        steps.push(RentStep {
            text: format!("Oltre il canone oggettivo: {} €", objective.format_plain()),
            amount: rent,
        });
    }
    RentComputation {
        version: rules.version.clone(),
        band: band_name,
        objective,
        steps,
        rent,
        decadenza,
    }
}

/// `amount × share`, rounded half up to the cent.
fn percent_of(amount: Money, share: Percent) -> Money {
    Money::from_cents(round_div(
        u128::from(amount.cents()) * u128::from(share.basis_points()),
        10_000,
    ))
}

/// `numerator / denominator`, rounded half up; saturates at the largest amount.
fn round_div(numerator: u128, denominator: u128) -> u64 {
    let rounded = (numerator + denominator / 2) / denominator;
    u64::try_from(rounded).unwrap_or(u64::MAX)
}

fn area_label(area: Area) -> String {
    let hundredths = area.hundredths();
    match hundredths % 100 {
        0 => (hundredths / 100).to_string(),
        part => format!("{},{part:02}", hundredths / 100),
    }
}

#[cfg(test)]
mod tests;
