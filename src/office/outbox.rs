//! The outbox as the caseworker handles it: a message put back in the queue or recorded as
//! sent, with a reason; the queue carried to a connected machine in a bundle and its receipts
//! brought back; what the outbox holds; and the sender that drains it.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{Office, OfficeError};
use crate::domain::Context;
use crate::domain::rent::GpdOutcome;
use crate::domain::time::Timestamp;
use crate::gpd::GpdCall;
use crate::io::bundle::NoticeKey;
use crate::io::bundle_gpd::{GpdEntry, GpdReceipt};
use crate::io::worker::{Worker, WorkerConfig};
use crate::io::{BundleKey, IoClient};
use crate::messages::outbox::{OutboxEntry, OutboxId, OutboxTab};
use crate::store::GpdRequest;
use crate::store::outbox::Receipt;

/// A tab of the outbox: how many entries each tab holds, and the newest entries of one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxView {
    pub counts: BTreeMap<OutboxTab, usize>,
    /// Newest first.
    pub entries: Vec<OutboxEntry>,
}

/// The queue written to an offline bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleExported {
    pub messages: usize,
    /// Requests for pagoPA (creations, counter payments, cancellations).
    #[serde(default)]
    pub pagopa: usize,
    /// The bundle's id, which its receipts name.
    pub bundle: String,
}

impl BundleExported {
    /// «3 messaggi», «3 messaggi e 2 richieste per pagoPA», «2 richieste per pagoPA».
    pub fn what(&self) -> String {
        use crate::domain::number::plural;
        let messages = plural(self.messages, "messaggio", "messaggi");
        let pagopa = plural(self.pagopa, "richiesta per pagoPA", "richieste per pagoPA");
        match (self.messages, self.pagopa) {
            (_, 0) => messages,
            (0, _) => pagopa,
            _ => format!("{messages} e {pagopa}"),
        }
    }
}

/// How an import of a bundle's receipts went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptsRecorded {
    pub applied: usize,
    /// Already recorded by an earlier import of the same receipts.
    pub unchanged: usize,
    /// Receipts of requests for pagoPA recorded on their notices.
    #[serde(default)]
    pub pagopa_applied: usize,
    /// Receipts of requests for pagoPA already recorded, or settled by a sync meanwhile.
    #[serde(default)]
    pub pagopa_unchanged: usize,
}

impl Office {
    /// Puts message `id` back in the queue, with a reason: an uncertain one is sent again.
    pub fn requeue(
        &self,
        ctx: &Context,
        id: OutboxId,
        reason: &str,
    ) -> Result<OutboxEntry, OfficeError> {
        Ok(self.store.outbox_requeue(id, reason, ctx)?)
    }

    /// Withdraws queued message `id`, with a reason: it is never sent.
    pub fn withdraw(
        &self,
        ctx: &Context,
        id: OutboxId,
        reason: &str,
    ) -> Result<OutboxEntry, OfficeError> {
        Ok(self.store.outbox_withdraw(id, reason, ctx)?)
    }

    /// Records message `id` as sent, with a reason and IO's id when the caseworker has it.
    pub fn mark_sent(
        &self,
        ctx: &Context,
        id: OutboxId,
        reason: &str,
        io_id: Option<String>,
    ) -> Result<OutboxEntry, OfficeError> {
        Ok(self.store.outbox_mark_sent(id, reason, io_id, ctx)?)
    }

    /// Writes every due message into a new bundle at `path`, signed with `key`, and marks them
    /// exported: the file is complete before they are marked, and takes its name only once
    /// they are.
    pub fn export_bundle(
        &self,
        ctx: &Context,
        path: &Path,
        key: &BundleKey,
    ) -> Result<BundleExported, OfficeError> {
        self.export_bundle_to(ctx, path, key, &crate::io::bundle::LocalFiles)
    }

    /// As [`Office::export_bundle`], the bundle written among `files`: the caller's own when
    /// the command runs inside the console server, which never opens them itself.
    pub fn export_bundle_to(
        &self,
        ctx: &Context,
        path: &Path,
        key: &BundleKey,
        files: &dyn crate::io::bundle::ExportFiles,
    ) -> Result<BundleExported, OfficeError> {
        let pagopa = self.gpd_requests_to_export()?;
        let exported = crate::io::bundle::export_queue(&self.store, path, key, ctx, files, pagopa)
            .map_err(OfficeError::Refused)?;
        Ok(BundleExported {
            messages: exported.messages,
            pagopa: exported.pagopa,
            bundle: exported.bundle,
        })
    }

    /// Every request the notices wait for pagoPA to get, whole, as a bundle carries it.
    fn gpd_requests_to_export(&self) -> Result<Vec<(NoticeKey, GpdEntry)>, OfficeError> {
        let mut entries = Vec::new();
        let mut creditor = None;
        for request in GpdRequest::ALL {
            for notice in self.store.gpd_pending(request, usize::MAX)? {
                let creditor = match &mut creditor {
                    Some(creditor) => creditor,
                    None => {
                        creditor.insert(self.comune()?.creditor().map_err(OfficeError::NoComune)?)
                    }
                };
                let label = notice.notice.grouped();
                let tenant = self.store.application(notice.tenancy)?.ok_or_else(|| {
                    OfficeError::Refused(format!(
                        "avviso {label}: domanda {} non trovata",
                        notice.tenancy
                    ))
                })?;
                let call = GpdCall::for_notice(request, &notice, creditor, &tenant)
                    .map_err(|e| OfficeError::Refused(format!("avviso {label}: {e}")))?;
                entries.push((
                    (notice.tenancy, notice.month),
                    GpdEntry {
                        ente: creditor.fiscal_code.clone(),
                        iupd: notice.iupd.clone(),
                        avviso: label,
                        call,
                    },
                ));
            }
        }
        Ok(entries)
    }

    /// Records the verified receipts of bundle `bundle`, whose digest they name as `digest`,
    /// all or none: the bundle must be one this office exported, with that digest, and each
    /// receipt one of its entries. Receipts already recorded change nothing, so importing twice
    /// is harmless.
    pub fn record_receipts(
        &self,
        ctx: &Context,
        bundle: &str,
        digest: &str,
        receipts: &[Receipt],
        pagopa: &[GpdReceipt],
    ) -> Result<ReceiptsRecorded, OfficeError> {
        let pagopa: Vec<(String, GpdOutcome)> = pagopa
            .iter()
            .map(|r| (r.iupd.clone(), r.outcome.clone()))
            .collect();
        let applied = self
            .store
            .bundle_apply_receipts(bundle, digest, receipts, &pagopa, ctx)?;
        Ok(ReceiptsRecorded {
            applied: applied.applied,
            unchanged: applied.unchanged,
            pagopa_applied: applied.pagopa_applied,
            pagopa_unchanged: applied.pagopa_unchanged,
        })
    }

    /// How many messages each tab of the outbox holds.
    pub fn outbox_counts(&self) -> Result<BTreeMap<OutboxTab, usize>, OfficeError> {
        Ok(self.store.outbox_counts()?)
    }

    /// The newest `limit` messages of `tab` older than `before`, newest first.
    pub fn outbox_page(
        &self,
        tab: OutboxTab,
        before: Option<OutboxId>,
        limit: usize,
    ) -> Result<Vec<OutboxEntry>, OfficeError> {
        Ok(self.store.outbox_page(tab, before, limit)?)
    }

    /// The counts of every tab and the newest `limit` messages of `tab`.
    pub fn outbox_view(&self, tab: OutboxTab, limit: usize) -> Result<OutboxView, OfficeError> {
        Ok(OutboxView {
            counts: self.outbox_counts()?,
            entries: self.outbox_page(tab, None, limit)?,
        })
    }

    /// When IO said this citizen may receive the service's messages, if it did.
    pub fn io_profile_allowed(&self, fiscal_code: &str) -> Result<Option<Timestamp>, OfficeError> {
        Ok(self.store.io_profile_allowed(fiscal_code)?)
    }

    /// Whether IO said this citizen may receive the service's messages; a failed read says no,
    /// as a preview only reports it.
    pub fn reachable(&self, fiscal_code: &str) -> bool {
        matches!(self.io_profile_allowed(fiscal_code), Ok(Some(_)))
    }

    /// The sender that drains this office's outbox through `client`, recording `actor`.
    pub fn sender(&self, client: IoClient, actor: &str) -> Worker {
        Worker::new(
            self.store.clone(),
            client,
            actor.to_string(),
            WorkerConfig::default(),
        )
    }
}
