//! The database as a whole: a backup written and restored, the audit chain and the indexes
//! checked, demo data generated.

use std::io::{BufRead, Write};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Office, OfficeError};
use crate::demo::{DemoError, DemoOptions, DemoSummary, RankingSummary};
use crate::store::{AuditReport, IntegrityReport};

/// What a backup holds, as written or restored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backup {
    pub calls: usize,
    pub applications: usize,
    pub audit_entries: usize,
}

impl Office {
    /// Writes a full backup (JSON Lines) to `out`.
    pub fn export_backup(&self, out: &mut impl Write) -> Result<Backup, OfficeError> {
        let counts = self.store.export(out)?;
        Ok(Backup {
            calls: counts.calls,
            applications: counts.applications,
            audit_entries: counts.audit_entries,
        })
    }

    /// Loads a backup into this database, which must be empty; `open` opens the file, which is
    /// read twice (checked whole, then written).
    pub fn restore_backup<R: BufRead>(
        &self,
        open: impl FnMut() -> std::io::Result<R>,
    ) -> Result<Backup, OfficeError> {
        let counts = self.store.restore(open)?;
        Ok(Backup {
            calls: counts.calls,
            applications: counts.applications,
            audit_entries: counts.audit_entries,
        })
    }

    /// Walks the audit log's hash chain.
    pub fn verify_audit(&self) -> Result<AuditReport, OfficeError> {
        Ok(self.store.verify_audit()?)
    }

    /// The last entry of an intact audit log, (sequence, hash), to sign as a checkpoint. A
    /// broken or empty log is refused: a signature must never vouch for an altered history.
    pub fn audit_head_to_sign(&self) -> Result<(u64, String), OfficeError> {
        let report = self.store.verify_audit()?;
        if let Some(broken) = report.first_broken {
            return Err(OfficeError::Refused(format!(
                "registro di controllo alterato alla voce {}: {}. Nessun checkpoint firmato: \
                 verificare con «alloggi audit verify» e ripristinare da un backup integro",
                broken.seq, broken.reason
            )));
        }
        if report.entries == 0 {
            return Err(OfficeError::Refused(
                "registro di controllo vuoto: nessuna voce da firmare".into(),
            ));
        }
        Ok((report.entries, report.head))
    }

    /// The hash audit entry `seq` holds, if it is there.
    pub fn audit_entry_hash(&self, seq: u64) -> Result<Option<String>, OfficeError> {
        Ok(self.store.audit_entry_hash(seq)?)
    }

    /// Checks that the indexes, counters and summaries agree with the records, and the records
    /// with the audit log.
    pub fn check(&self) -> Result<IntegrityReport, OfficeError> {
        Ok(self.store.check()?)
    }

    /// Fills an empty database with demo applications, their intake arranged around `today`;
    /// `progress` gets (done, total).
    pub fn fill_demo(
        &self,
        options: &DemoOptions,
        today: NaiveDate,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<DemoSummary, OfficeError> {
        crate::demo::populate_on(&self.store, options, today, progress).map_err(demo_error)
    }

    /// As `fill_demo`, with the previous call, the housing stock and its assignment round
    /// (`alloggi demo`).
    pub fn fill_demo_with_history(
        &self,
        options: &DemoOptions,
        today: NaiveDate,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<DemoSummary, OfficeError> {
        crate::demo::populate_with_history(&self.store, options, today, progress)
            .map_err(demo_error)
    }

    /// Adds the active call's ranking to a filled demo; None when nobody is admitted.
    pub fn add_demo_ranking(&self, seed: u64) -> Result<Option<RankingSummary>, OfficeError> {
        crate::demo::add_ranking(&self.store, seed).map_err(demo_error)
    }
}

fn demo_error(error: DemoError) -> OfficeError {
    match error {
        DemoError::Store(e) => e.into(),
        DemoError::Office(e) => e,
        other => OfficeError::Refused(other.to_string()),
    }
}
