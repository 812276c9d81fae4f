//! The rent's yearly update: every signed lease recomputed under the rules in force on a day,
//! from the ISEE the tenant supplied (none on file: the canone oggettivo). A preview lists
//! each rent before and after; the commit records the changes a chunk of leases per
//! transaction, and running it again changes nothing.

use std::sync::atomic::AtomicBool;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::rent::RentBatch;
use super::{Office, OfficeError};
use crate::domain::lease::{Lease, RentFigures};
use crate::domain::money::Money;
use crate::domain::rent::{RentInput, RentRules, compute};
use crate::domain::time::format_date;
use crate::domain::{ApplicationId, Command, Context};

/// One lease in the yearly update: its rent in force the day before and the new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecomputeRow {
    pub id: ApplicationId,
    pub protocol: String,
    pub tenant: String,
    pub band_before: String,
    pub rent_before: Money,
    /// The ISEE on file valid on the day; `None`: not supplied, the canone oggettivo.
    pub isee: Option<Money>,
    pub after: RentFigures,
    /// The new figures are the ones already in force: nothing to record.
    pub unchanged: bool,
}

/// What the yearly update from a day would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecomputePreview {
    pub from: NaiveDate,
    /// The version of the rules in force on `from`.
    pub version: String,
    pub rows: Vec<RecomputeRow>,
    /// Leases starting after `from`: their rent was computed at the signature.
    pub not_started: usize,
}

impl RecomputePreview {
    pub fn changed(&self) -> impl Iterator<Item = &RecomputeRow> {
        self.rows.iter().filter(|row| !row.unchanged)
    }

    pub fn unchanged(&self) -> usize {
        self.rows.iter().filter(|row| row.unchanged).count()
    }
}

impl Office {
    /// Every signed lease's rent from `from` under the rules in force then; nothing written.
    pub fn recompute_preview(&self, from: NaiveDate) -> Result<RecomputePreview, OfficeError> {
        let rules = self.rent_rules_required(from)?;
        let mut preview = RecomputePreview {
            from,
            version: rules.version.clone(),
            rows: Vec::new(),
            not_started: 0,
        };
        for lease in self.leases()? {
            if lease.starts_on > from {
                preview.not_started += 1;
                continue;
            }
            preview.rows.push(self.recompute_row(&rules, &lease, from)?);
        }
        Ok(preview)
    }

    fn recompute_row(
        &self,
        rules: &RentRules,
        lease: &Lease,
        from: NaiveDate,
    ) -> Result<RecomputeRow, OfficeError> {
        let dwelling = self.store.dwelling(&lease.dwelling)?.ok_or_else(|| {
            OfficeError::Refused(format!(
                "contratto n. {}: l'alloggio {} non è nell'elenco degli alloggi",
                lease.number, lease.dwelling
            ))
        })?;
        let protocol = self
            .store
            .application(lease.application)?
            .and_then(|app| app.protocol)
            .map_or_else(|| lease.application.to_string(), |p| p.to_string());
        let isee = lease.isee_on(from);
        let computation = compute(
            rules,
            &RentInput {
                isee,
                net_area: dwelling.net_area,
                zone: dwelling.zone,
                household_size: lease.household_size,
            },
        );
        let after = RentFigures::from(computation);
        let unchanged = lease.rent_on(from) == after.monthly
            && lease.band_on(from) == after.band
            && lease.version_on(from) == after.version;
        Ok(RecomputeRow {
            id: lease.application,
            protocol,
            tenant: lease.tenant.name.clone(),
            band_before: lease.band_on(from).to_string(),
            rent_before: lease.rent_on(from),
            isee,
            after,
            unchanged,
        })
    }

    /// Records the new rent of every lease the preview of `from` changes, a chunk per
    /// transaction, each change audited; a change already recorded is skipped.
    pub fn recompute_commit(
        &self,
        ctx: &Context,
        from: NaiveDate,
        stop: &AtomicBool,
        progress: &mut dyn FnMut(&RentBatch),
    ) -> Result<RentBatch, OfficeError> {
        let preview = self.recompute_preview(from)?;
        let commands: Vec<Command> = preview
            .changed()
            .map(|row| Command::ChangeRent {
                id: row.id,
                on: from,
                rent: row.after.clone(),
                reason: reason(from, row.isee),
            })
            .collect();
        self.rent_steps(ctx, &commands, None, stop, progress)
    }
}

/// Why the rent changed, as the lease's history shows it.
fn reason(from: NaiveDate, isee: Option<Money>) -> String {
    match isee {
        Some(isee) => format!(
            "aggiornamento annuale dal {}, ISEE {} €",
            format_date(from),
            isee.format_plain()
        ),
        None => format!(
            "aggiornamento annuale dal {}, ISEE non presentato: canone oggettivo",
            format_date(from)
        ),
    }
}
