//! Which dwellings a list shows: by state, by the household size they suit, accessible only,
//! empty for at least some days.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::adequacy::{AreaBands, Needs, assess};
use super::dwelling::{Dwelling, DwellingState};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DwellingFilter {
    pub state: Option<DwellingState>,
    /// Suited by area to a household of this many people.
    pub size: Option<usize>,
    pub accessible_only: bool,
    /// Empty for at least these days.
    pub min_vacancy_days: Option<i64>,
}

impl DwellingFilter {
    pub fn matches(&self, dwelling: &Dwelling, today: NaiveDate, bands: &AreaBands) -> bool {
        self.state.is_none_or(|state| dwelling.state == state)
            && (!self.accessible_only || dwelling.accessible)
            && self.min_vacancy_days.is_none_or(|days| {
                dwelling
                    .vacancy_days(today)
                    .is_some_and(|vacant| vacant >= days)
            })
            && self.size.is_none_or(|size| {
                let band = bands.for_size(size);
                let m2 = dwelling.net_area.hundredths();
                m2 >= band.min_m2 * 100 && band.max_m2.is_none_or(|max| m2 <= max * 100)
            })
    }

    /// Whether the filter keeps every dwelling.
    pub fn is_empty(&self) -> bool {
        *self == DwellingFilter::default()
    }
}

/// Whether `dwelling`'s area suits `size` people: a band check that ignores the state.
pub fn suits_size(dwelling: &Dwelling, size: usize, bands: &AreaBands) -> bool {
    let mut free = dwelling.clone();
    free.state = DwellingState::Libero;
    assess(
        &free,
        Needs {
            size,
            step_free: false,
        },
        bands,
    )
    .is_adequate()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::stock::adequacy::tests::dwelling;

    #[test]
    fn each_criterion_keeps_only_what_it_names() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        let bands = AreaBands::default();
        let mut d = dwelling(50, DwellingState::Libero);
        d.vacant_since = NaiveDate::from_ymd_opt(2026, 1, 9);
        assert!(DwellingFilter::default().matches(&d, today, &bands));
        let by_state = DwellingFilter {
            state: Some(DwellingState::InLavori),
            ..DwellingFilter::default()
        };
        assert!(!by_state.matches(&d, today, &bands));
        let two = DwellingFilter {
            size: Some(2),
            ..DwellingFilter::default()
        };
        assert!(two.matches(&d, today, &bands));
        assert!(suits_size(&d, 2, &bands));
        let one = DwellingFilter {
            size: Some(1),
            ..DwellingFilter::default()
        };
        assert!(!one.matches(&d, today, &bands));
        let accessible = DwellingFilter {
            accessible_only: true,
            ..DwellingFilter::default()
        };
        assert!(!accessible.matches(&d, today, &bands));
        let vacant = |days| DwellingFilter {
            min_vacancy_days: Some(days),
            ..DwellingFilter::default()
        };
        assert!(vacant(60).matches(&d, today, &bands));
        assert!(!vacant(61).matches(&d, today, &bands));
    }
}
