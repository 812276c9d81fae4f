//! The housing stock as the screens and the command line read it.

use chrono::NaiveDate;

use super::{Office, OfficeError};
use crate::domain::stock::{AreaBands, Dwelling, DwellingCode, DwellingFilter};

impl Office {
    pub fn dwelling(&self, code: &DwellingCode) -> Result<Option<Dwelling>, OfficeError> {
        Ok(self.store.dwelling(code)?)
    }

    /// The dwellings `filter` keeps on `today`, in code order; the size band is the active
    /// call's.
    pub fn dwellings(
        &self,
        filter: &DwellingFilter,
        today: NaiveDate,
    ) -> Result<Vec<Dwelling>, OfficeError> {
        let bands = self.area_bands()?;
        let mut dwellings = self.store.dwellings(filter.state)?;
        dwellings.retain(|d| filter.matches(d, today, &bands));
        Ok(dwellings)
    }

    /// The area bands of the active call, the default ones without an active call.
    pub fn area_bands(&self) -> Result<AreaBands, OfficeError> {
        Ok(self
            .store
            .active_call()?
            .map(|call| call.params.area_bands)
            .unwrap_or_default())
    }
}
