//! Leases in the store: each assignee's contract file, and every file for the lists.

use super::Store;
use super::error::StoreError;
use super::workflows::lease::{contract_files, contract_of};
use crate::domain::ApplicationId;
use crate::domain::lease::ContractFile;

impl Store {
    /// Application `id`'s contract file: ready, booked for the signature, or signed.
    pub fn contract_file(&self, id: ApplicationId) -> Result<Option<ContractFile>, StoreError> {
        contract_of(self, id)
    }

    /// Every contract file, in application order.
    pub fn contract_files(&self) -> Result<Vec<ContractFile>, StoreError> {
        contract_files(self)
    }
}
