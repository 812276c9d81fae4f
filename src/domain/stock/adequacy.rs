//! Whether a dwelling suits a household: its net area within the band of the household's size
//! (a minimum from the call's table, a maximum against under-occupation), and for a household
//! with a member who cannot climb stairs, a dwelling reached without them.

use serde::{Deserialize, Serialize};

use super::dwelling::{Area, Dwelling, DwellingState};
use crate::domain::DomainError;
use crate::domain::household::adequate_area_m2;

/// The net areas suited to one household size, bounds included; no maximum for the largest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaBand {
    pub min_m2: u32,
    pub max_m2: Option<u32>,
}

/// The band of each household size: 1, 2, 3, 4, 5, and 6 or more people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaBands([AreaBand; 6]);

impl Default for AreaBands {
    /// The minimum of the call's table (30 / 45 / 54 / 63 / 80 / 90 m²) with the maxima of the
    /// example bands: 44 / 59 / 68 / 77 / 95 m², none for six or more.
    fn default() -> AreaBands {
        let maxima = [Some(44), Some(59), Some(68), Some(77), Some(95), None];
        AreaBands(std::array::from_fn(|i| AreaBand {
            min_m2: u32::from(adequate_area_m2(i + 1)),
            max_m2: maxima[i],
        }))
    }
}

impl AreaBands {
    /// Bands for 1 to 6+ people; each minimum at most its maximum.
    pub fn new(bands: [AreaBand; 6]) -> Result<AreaBands, DomainError> {
        for (i, band) in bands.iter().enumerate() {
            if band.max_m2.is_some_and(|max| max < band.min_m2) {
                return Err(DomainError::invalid(
                    "superfici per nucleo",
                    format!(
                        "per {} il massimo {} m² è sotto il minimo {} m²",
                        people(i + 1),
                        band.max_m2.unwrap_or_default(),
                        band.min_m2
                    ),
                ));
            }
        }
        Ok(AreaBands(bands))
    }

    /// The band of a household of `size` people (six and more share the last).
    pub fn for_size(&self, size: usize) -> AreaBand {
        self.0[size.clamp(1, 6) - 1]
    }
}

/// What adequacy looks at in a household.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Needs {
    pub size: usize,
    /// A member with a motor disability: the dwelling must be reached without stairs.
    pub step_free: bool,
}

/// Whether a dwelling suits a household, and when not, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Assessment {
    Adequate,
    /// Only a free dwelling may be offered.
    NotFree(DwellingState),
    TooSmall {
        area: Area,
        size: usize,
        min_m2: u32,
    },
    TooLarge {
        area: Area,
        size: usize,
        max_m2: u32,
    },
    /// Stairs without a lift, for a household that cannot climb them.
    NotStepFree {
        floor: i8,
    },
}

impl Assessment {
    pub fn is_adequate(&self) -> bool {
        matches!(self, Assessment::Adequate)
    }

    /// In Italian, for the case view and the round's skipped applicants.
    pub fn reason(&self) -> String {
        match self {
            Assessment::Adequate => "adeguato".into(),
            Assessment::NotFree(state) => format!("alloggio {}", state.label()),
            Assessment::TooSmall { area, size, min_m2 } => format!(
                "troppo piccolo: {area} per {} (minimo {min_m2} m²)",
                people(*size)
            ),
            Assessment::TooLarge { area, size, max_m2 } => format!(
                "troppo grande: {area} per {} (massimo {max_m2} m²)",
                people(*size)
            ),
            Assessment::NotStepFree { floor } => format!(
                "piano {floor} senza ascensore né accessibilità: nel nucleo c'è chi ha una \
                 disabilità motoria"
            ),
        }
    }
}

fn people(size: usize) -> String {
    match size {
        1 => "1 persona".into(),
        n => format!("{n} persone"),
    }
}

/// Whether `dwelling` suits a household with `needs`, by `bands`.
pub fn assess(dwelling: &Dwelling, needs: Needs, bands: &AreaBands) -> Assessment {
    if dwelling.state != DwellingState::Libero {
        return Assessment::NotFree(dwelling.state);
    }
    let band = bands.for_size(needs.size);
    let area = dwelling.net_area;
    if area < Area::from_m2(band.min_m2) {
        return Assessment::TooSmall {
            area,
            size: needs.size,
            min_m2: band.min_m2,
        };
    }
    if let Some(max_m2) = band.max_m2
        && area > Area::from_m2(max_m2)
    {
        return Assessment::TooLarge {
            area,
            size: needs.size,
            max_m2,
        };
    }
    if needs.step_free && !dwelling.step_free() {
        return Assessment::NotStepFree {
            floor: dwelling.floor,
        };
    }
    Assessment::Adequate
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::stock::dwelling::{DwellingCode, Owner, Zone};

    pub fn dwelling(m2: u32, state: DwellingState) -> Dwelling {
        Dwelling {
            code: DwellingCode::parse("AN-001").unwrap_or_else(|_| unreachable!()),
            owner: Owner::Ente,
            address: "Via Roma 1, Ancona".into(),
            staircase: None,
            floor: 2,
            lift: false,
            net_area: Area::from_m2(m2),
            conventional_area: Area::from_m2(m2 + 8),
            rooms: 3,
            accessible: false,
            energy_class: None,
            year_built: Some(1978),
            zone: Zone::Media,
            state,
            vacant_since: None,
        }
    }

    fn needs(size: usize) -> Needs {
        Needs {
            size,
            step_free: false,
        }
    }

    #[test]
    fn the_default_minimum_is_the_calls_table() {
        let bands = AreaBands::default();
        for size in 1..=8 {
            assert_eq!(
                bands.for_size(size).min_m2,
                u32::from(adequate_area_m2(size))
            );
        }
        assert_eq!(bands.for_size(0), bands.for_size(1));
    }

    #[test]
    fn every_size_at_below_and_above_each_bound() {
        let bands = AreaBands::default();
        let table = [
            (1, 30, Some(44)),
            (2, 45, Some(59)),
            (3, 54, Some(68)),
            (4, 63, Some(77)),
            (5, 80, Some(95)),
            (6, 90, None),
            (9, 90, None),
        ];
        for (size, min, max) in table {
            let at = |hundredths: u32| {
                let mut d = dwelling(0, DwellingState::Libero);
                d.net_area = Area::from_hundredths(hundredths);
                assess(&d, needs(size), &bands)
            };
            assert_eq!(at(min * 100), Assessment::Adequate, "{size} at {min}");
            assert!(
                matches!(at(min * 100 - 1), Assessment::TooSmall { min_m2, .. } if min_m2 == min),
                "{size} just under {min}"
            );
            match max {
                Some(max) => {
                    assert_eq!(at(max * 100), Assessment::Adequate, "{size} at {max}");
                    assert!(
                        matches!(at(max * 100 + 1), Assessment::TooLarge { max_m2, .. } if max_m2 == max),
                        "{size} just over {max}"
                    );
                }
                None => assert_eq!(at(500 * 100), Assessment::Adequate, "{size}: no maximum"),
            }
        }
    }

    #[test]
    fn only_a_free_dwelling_suits_anyone() {
        let bands = AreaBands::default();
        for state in DwellingState::ALL {
            let assessment = assess(&dwelling(50, state), needs(2), &bands);
            assert_eq!(
                assessment.is_adequate(),
                state == DwellingState::Libero,
                "{state:?}"
            );
        }
        assert_eq!(
            assess(&dwelling(50, DwellingState::InLavori), needs(2), &bands).reason(),
            "alloggio in lavori"
        );
    }

    #[test]
    fn a_household_that_cannot_climb_stairs_needs_a_lift_the_ground_floor_or_no_barriers() {
        let bands = AreaBands::default();
        let step_free = Needs {
            size: 2,
            step_free: true,
        };
        let upstairs = dwelling(50, DwellingState::Libero);
        let refused = assess(&upstairs, step_free, &bands);
        assert_eq!(refused, Assessment::NotStepFree { floor: 2 });
        assert!(refused.reason().contains("disabilità motoria"));
        assert!(assess(&upstairs, needs(2), &bands).is_adequate());
        let mut lift = upstairs.clone();
        lift.lift = true;
        let mut ground = upstairs.clone();
        ground.floor = 0;
        let mut accessible = upstairs.clone();
        accessible.accessible = true;
        for reachable in [lift, ground, accessible] {
            assert!(assess(&reachable, step_free, &bands).is_adequate());
        }
    }

    #[test]
    fn reasons_name_the_area_and_the_bound_in_italian() {
        let bands = AreaBands::default();
        let mut small = dwelling(0, DwellingState::Libero);
        small.net_area = Area::from_hundredths(4_250);
        assert_eq!(
            assess(&small, needs(2), &bands).reason(),
            "troppo piccolo: 42,50 m² per 2 persone (minimo 45 m²)"
        );
        assert_eq!(
            assess(&dwelling(90, DwellingState::Libero), needs(1), &bands).reason(),
            "troppo grande: 90,00 m² per 1 persona (massimo 44 m²)"
        );
    }

    #[test]
    fn bands_whose_maximum_is_under_their_minimum_are_refused() {
        let mut bands = AreaBands::default().0;
        bands[2].max_m2 = Some(50);
        let err = AreaBands::new(bands).unwrap_err().to_string();
        assert!(
            err.contains("per 3 persone il massimo 50 m² è sotto il minimo 54 m²"),
            "{err}"
        );
        assert!(AreaBands::new(AreaBands::default().0).is_ok());
    }
}
