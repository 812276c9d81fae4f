//! Rent's reads, and the batches that issue a month's notices and send its messages: each
//! chunk one transaction holding the commands, their audit entries, the queued requests for
//! pagoPA and the IO messages.

use chrono::NaiveDate;

use super::workflows::rent::{
    GpdRequest, IDX_GPD_PENDING, IDX_RENT_MONTH, IDX_RENT_NAV, RENT_NOTICES, RENT_RULES, TENANCIES,
    decode_notice_key, notice_key,
};
use super::{Store, StoreError};
use crate::domain::rent::{Month, RentNotice, RentRules, Tenancy};
use crate::domain::{ApplicationId, Command, Context, DomainError};
use crate::messages::outbox::{Compose, OutboxId};

/// How a batch of steps went.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StepsCommitted {
    /// Commands that went through, each with its queued message when there was one.
    pub done: Vec<(ApplicationId, Option<OutboxId>)>,
    /// Commands refused by their rules (nothing written for them), with the reason.
    pub refused: Vec<(ApplicationId, DomainError)>,
}

impl Store {
    /// Runs `commands` in one transaction, each followed by the message `compose` makes from
    /// the case it leaves (when given). A command its rules refuse is skipped and reported, so
    /// a batch run again skips what it already did; a message that cannot be composed, or is
    /// already queued, aborts the whole transaction.
    pub fn run_rent_steps(
        &self,
        commands: &[Command],
        ctx: &Context,
        compose: Option<&dyn Compose>,
    ) -> Result<StepsCommitted, StoreError> {
        let committed = self.transact(|tx| {
            let mut report = StepsCommitted::default();
            for command in commands {
                let id = command.application_id().unwrap_or(ApplicationId(0));
                let outcome = match compose {
                    Some(compose) => tx
                        .step(Some(command), Some(id), ctx, compose)
                        .map(|(_, entry)| Some(entry.id)),
                    None => tx.run(command, ctx).map(|_| None),
                };
                match outcome {
                    Ok(queued) => report.done.push((id, queued)),
                    Err(sled::transaction::ConflictableTransactionError::Abort(
                        StoreError::Domain(e),
                    )) => report.refused.push((id, e)),
                    Err(other) => return Err(other),
                }
            }
            Ok(report)
        })?;
        Ok(committed)
    }

    pub fn rent_rules(&self) -> Result<Vec<RentRules>, StoreError> {
        let mut all = Vec::new();
        for item in self.tree(RENT_RULES).iter() {
            let (key, value) = item?;
            all.push(
                serde_json::from_slice(&value)
                    .map_err(|e| StoreError::corrupt(RENT_RULES, &key, e))?,
            );
        }
        Ok(all)
    }

    /// The ruleset in force on `day`: the latest to take effect by then.
    pub fn rent_rules_on(&self, day: NaiveDate) -> Result<Option<RentRules>, StoreError> {
        Ok(self
            .rent_rules()?
            .into_iter()
            .filter(|rules| rules.effective_from <= day)
            .max_by_key(|rules| rules.effective_from))
    }

    pub fn rent_notice(
        &self,
        id: ApplicationId,
        month: Month,
    ) -> Result<Option<RentNotice>, StoreError> {
        self.get_json(RENT_NOTICES, &notice_key(id, month))
    }

    /// The notice with that number (numero avviso).
    pub fn rent_notice_by_number(&self, nav: &str) -> Result<Option<RentNotice>, StoreError> {
        let Some(key) = self.tree(IDX_RENT_NAV).get(nav.as_bytes())? else {
            return Ok(None);
        };
        self.get_json(RENT_NOTICES, &key)
    }

    /// A tenancy's notices, by month.
    pub fn rent_notices_of(&self, id: ApplicationId) -> Result<Vec<RentNotice>, StoreError> {
        let mut notices = Vec::new();
        for item in self.tree(RENT_NOTICES).scan_prefix(id.0.to_be_bytes()) {
            let (key, value) = item?;
            notices.push(
                serde_json::from_slice(&value)
                    .map_err(|e| StoreError::corrupt(RENT_NOTICES, &key, e))?,
            );
        }
        Ok(notices)
    }

    /// The tenancies with a notice for `month`, in order of application.
    pub fn rent_tenancies_in(&self, month: Month) -> Result<Vec<ApplicationId>, StoreError> {
        let mut ids = Vec::new();
        for item in self.tree(IDX_RENT_MONTH).scan_prefix(month.key()) {
            let (key, _) = item?;
            if let Some(bytes) = key.get(3..11).and_then(|b| <[u8; 8]>::try_from(b).ok()) {
                ids.push(ApplicationId(u64::from_be_bytes(bytes)));
            }
        }
        Ok(ids)
    }

    /// Every notice, tenancy by tenancy and month by month.
    pub fn rent_notices_all(&self) -> Result<Vec<RentNotice>, StoreError> {
        let mut notices = Vec::new();
        for item in self.tree(RENT_NOTICES).iter() {
            let (key, value) = item?;
            notices.push(
                serde_json::from_slice(&value)
                    .map_err(|e| StoreError::corrupt(RENT_NOTICES, &key, e))?,
            );
        }
        Ok(notices)
    }

    /// Up to `limit` notices waiting for `request`, oldest tenancy first.
    pub fn gpd_pending(
        &self,
        request: GpdRequest,
        limit: usize,
    ) -> Result<Vec<RentNotice>, StoreError> {
        let mut notices = Vec::new();
        for item in self
            .tree(IDX_GPD_PENDING)
            .scan_prefix(request.prefix())
            .take(limit)
        {
            let (key, _) = item?;
            let Some((id, month)) = key.get(1..).and_then(decode_notice_key) else {
                return Err(StoreError::corrupt(
                    IDX_GPD_PENDING,
                    &key,
                    "chiave non valida",
                ));
            };
            if let Some(notice) = self.rent_notice(id, month)? {
                notices.push(notice);
            }
        }
        Ok(notices)
    }

    pub fn gpd_pending_count(&self, request: GpdRequest) -> usize {
        self.tree(IDX_GPD_PENDING)
            .scan_prefix(request.prefix())
            .count()
    }

    pub fn tenancy(&self, id: ApplicationId) -> Result<Option<Tenancy>, StoreError> {
        self.get_json(TENANCIES, &id.0.to_be_bytes())
    }

    pub fn tenancies(&self) -> Result<Vec<Tenancy>, StoreError> {
        let mut all = Vec::new();
        for item in self.tree(TENANCIES).iter() {
            let (key, value) = item?;
            all.push(
                serde_json::from_slice(&value)
                    .map_err(|e| StoreError::corrupt(TENANCIES, &key, e))?,
            );
        }
        Ok(all)
    }
}
