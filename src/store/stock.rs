//! Reads of the housing stock.

use super::workflows::stock::{DWELLINGS, IDX_DWELLING_STATE, dwelling_key, state_prefix};
use super::{Store, StoreError};
use crate::domain::stock::{Dwelling, DwellingCode, DwellingState};

impl Store {
    pub fn dwelling(&self, code: &DwellingCode) -> Result<Option<Dwelling>, StoreError> {
        self.get_json(DWELLINGS, dwelling_key(code))
    }

    /// Every dwelling in `state`, or every dwelling, in code order.
    pub fn dwellings(&self, state: Option<DwellingState>) -> Result<Vec<Dwelling>, StoreError> {
        let decode = |key: &[u8], value: &[u8]| {
            serde_json::from_slice::<Dwelling>(value)
                .map_err(|e| StoreError::corrupt(DWELLINGS, key, e))
        };
        let Some(state) = state else {
            return self
                .tree(DWELLINGS)
                .iter()
                .map(|item| {
                    let (key, value) = item?;
                    decode(&key, &value)
                })
                .collect();
        };
        let prefix = state_prefix(state);
        let mut found = Vec::new();
        for item in self.tree(IDX_DWELLING_STATE).scan_prefix(&prefix) {
            let (key, _) = item?;
            let code = &key[prefix.len()..];
            let value = self
                .tree(DWELLINGS)
                .get(code)?
                .ok_or_else(|| StoreError::corrupt(IDX_DWELLING_STATE, &key, "alloggio assente"))?;
            found.push(decode(code, &value)?);
        }
        Ok(found)
    }
}
