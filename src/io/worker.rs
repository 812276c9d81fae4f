//! The outbox worker: sends what is due, in batches. Each batch is marked `sending` durably
//! before its requests leave, so that a process stopped half-way leaves entries that become
//! `uncertain` at the next start instead of being sent again. Only failures that prove nothing
//! reached IO (a 429, a connection never made, a profile check) are retried by the program.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::Utc;
use tokio::task::JoinSet;

use super::client::{IoClient, ProfileOutcome, StatusOutcome, SubmitOutcome};
use crate::domain::Context;
use crate::domain::time::Timestamp;
use crate::messages::outbox::{Delivery, NO_IO_PROFILE, OutboxEntry, OutboxId, SERVICE_TURNED_OFF};
use crate::store::{Outcome, Store, StoreError};

#[derive(Debug, Clone, Copy)]
pub struct WorkerConfig {
    /// Entries claimed and sent together: one transaction before, one after.
    pub batch: usize,
    /// How long a message waits after a failure that proved nothing was sent.
    pub retry_delay: Duration,
    /// Sent messages whose delivery is asked at the end of a drain.
    pub delivery_checks: usize,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            batch: 64,
            retry_delay: Duration::from_secs(60),
            delivery_checks: 500,
        }
    }
}

/// What one drain did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DrainReport {
    pub sent: usize,
    pub rejected: usize,
    pub unreachable: usize,
    pub uncertain: usize,
    pub retry_later: usize,
    /// Entries found `sending` at the start, now `uncertain`.
    pub recovered: usize,
    pub deliveries_checked: usize,
    /// Why sending stopped before the queue was empty (the key refused, say).
    pub stopped: Option<String>,
}

impl DrainReport {
    pub fn handled(&self) -> usize {
        self.sent + self.rejected + self.unreachable + self.uncertain + self.retry_later
    }

    /// One Italian line for the command line and the console.
    pub fn summary(&self) -> String {
        let mut line = format!(
            "inviati {} · respinti {} · non raggiungibili {} · incerti {} · da riprovare {}",
            self.sent, self.rejected, self.unreachable, self.uncertain, self.retry_later
        );
        if self.recovered > 0 {
            line.push_str(&format!(
                " · {} invii interrotti resi incerti",
                self.recovered
            ));
        }
        if self.deliveries_checked > 0 {
            line.push_str(&format!(
                " · esiti di consegna aggiornati {}",
                self.deliveries_checked
            ));
        }
        line
    }
}

#[derive(Clone)]
pub struct Worker {
    store: Store,
    client: IoClient,
    actor: String,
    config: WorkerConfig,
}

impl Worker {
    pub fn new(store: Store, client: IoClient, actor: String, config: WorkerConfig) -> Worker {
        Worker {
            store,
            client,
            actor,
            config,
        }
    }

    fn ctx(&self) -> Context {
        Context {
            actor: self.actor.clone(),
            now: Utc::now(),
        }
    }

    fn later(&self, now: Timestamp, wait: Duration) -> Timestamp {
        now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::seconds(60))
    }

    /// Sends everything due, batch after batch, until the queue holds nothing due, `stop` is
    /// set (checked between batches), or IO refuses the key. Then asks IO about deliveries.
    /// `progress` is called after each batch with the running totals and what is still due.
    pub async fn drain(
        &self,
        stop: &AtomicBool,
        progress: &(dyn Fn(&DrainReport, usize) + Sync),
    ) -> Result<DrainReport, StoreError> {
        let mut report = DrainReport {
            recovered: self.store.outbox_recover(&self.ctx())?,
            ..DrainReport::default()
        };
        // Counted once: recounting after every batch would scan the whole queue each time.
        // Messages queued during the drain are sent too, just not shown as remaining.
        let queued = self.store.outbox_queued_count()?;
        while !stop.load(Ordering::Relaxed) && report.stopped.is_none() {
            let now = Utc::now();
            let due = self.store.outbox_due(now, self.config.batch)?;
            if due.is_empty() {
                break;
            }
            let ready = self.check_profiles(due, &mut report).await?;
            if report.stopped.is_some() || ready.is_empty() {
                continue;
            }
            let claimed = self.store.outbox_mark_sending(&ready, &self.ctx())?;
            self.submit_all(claimed, &mut report).await?;
            progress(&report, queued.saturating_sub(report.handled()));
        }
        if report.stopped.is_none() && !stop.load(Ordering::Relaxed) {
            report.deliveries_checked = self.poll_deliveries().await?;
        }
        Ok(report)
    }

    /// Asks IO, once per citizen, whether the service may write to them. Returns the entries
    /// to send; the others are recorded as unreachable, refused or to retry.
    async fn check_profiles(
        &self,
        due: Vec<OutboxEntry>,
        report: &mut DrainReport,
    ) -> Result<Vec<OutboxId>, StoreError> {
        let mut ready = Vec::new();
        // A citizen with several messages due is asked about once: the answer holds for all.
        let mut waiting: BTreeMap<String, Vec<OutboxId>> = BTreeMap::new();
        for entry in due {
            let fiscal_code = entry.addressee.fiscal_code.clone();
            if self.store.io_profile_allowed(&fiscal_code)?.is_some() {
                ready.push(entry.id);
            } else {
                waiting.entry(fiscal_code).or_default().push(entry.id);
            }
        }
        let mut tasks = JoinSet::new();
        for fiscal_code in waiting.keys().cloned() {
            let client = self.client.clone();
            tasks.spawn(async move {
                let answer = client.profile(&fiscal_code).await;
                (fiscal_code, answer)
            });
        }
        let now = Utc::now();
        let mut outcomes = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            let Ok((fiscal_code, answer)) = joined else {
                continue;
            };
            let ids = waiting.remove(&fiscal_code).unwrap_or_default();
            let outcome = match answer {
                ProfileOutcome::Allowed => {
                    self.store.record_io_profile_allowed(&fiscal_code, now)?;
                    ready.extend(ids);
                    continue;
                }
                ProfileOutcome::NotAllowed => Outcome::Unreachable {
                    detail: SERVICE_TURNED_OFF.into(),
                },
                ProfileOutcome::NotFound => Outcome::Unreachable {
                    detail: NO_IO_PROFILE.into(),
                },
                ProfileOutcome::RateLimited { retry_after } => Outcome::Retry {
                    at: self.later(now, retry_after),
                    reason: "limite di richieste IO raggiunto (429)".into(),
                },
                ProfileOutcome::Unauthorized { detail } => {
                    report.stopped = Some(format!(
                        "IO ha rifiutato la chiave (401): {detail}. Nessun messaggio è stato inviato"
                    ));
                    continue;
                }
                ProfileOutcome::Refused { status, detail } => Outcome::Rejected { status, detail },
                ProfileOutcome::Failed { detail } => Outcome::Retry {
                    at: self.later(now, self.config.retry_delay),
                    reason: format!("verifica del profilo non riuscita: {detail}"),
                },
            };
            for id in ids {
                count(report, &outcome);
                outcomes.push((id, outcome.clone()));
            }
        }
        self.store.outbox_record(&outcomes, &self.ctx())?;
        ready.sort();
        Ok(ready)
    }

    async fn submit_all(
        &self,
        claimed: Vec<OutboxEntry>,
        report: &mut DrainReport,
    ) -> Result<(), StoreError> {
        let mut tasks = JoinSet::new();
        for entry in claimed {
            let client = self.client.clone();
            tasks.spawn(async move { (entry.id, client.submit(&entry.message).await) });
        }
        let mut outcomes = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            let Ok((id, answer)) = joined else {
                // A task that panicked may have sent: its entry stays `sending`, and becomes
                // `uncertain` at the next start.
                continue;
            };
            let now = Utc::now();
            let outcome = match answer {
                SubmitOutcome::Created { id: io_id } => Outcome::Sent { io_id },
                SubmitOutcome::Rejected { status, detail } => Outcome::Rejected { status, detail },
                SubmitOutcome::RateLimited { retry_after } => Outcome::Retry {
                    at: self.later(now, retry_after),
                    reason: "limite di richieste IO raggiunto (429)".into(),
                },
                SubmitOutcome::Unauthorized { detail } => {
                    report.stopped = Some(format!(
                        "IO ha rifiutato la chiave (401): {detail}. I messaggi restano in coda"
                    ));
                    Outcome::Unclaimed
                }
                SubmitOutcome::NotSent { detail } => Outcome::Retry {
                    at: self.later(now, self.config.retry_delay),
                    reason: format!("IO non raggiungibile, nulla è partito: {detail}"),
                },
                SubmitOutcome::Uncertain { detail } => Outcome::Uncertain { detail },
            };
            count(report, &outcome);
            outcomes.push((id, outcome));
        }
        self.store.outbox_record(&outcomes, &self.ctx())?;
        Ok(())
    }

    /// Asks IO what became of sent messages whose delivery is not yet known.
    pub async fn poll_deliveries(&self) -> Result<usize, StoreError> {
        let awaiting = self
            .store
            .outbox_awaiting_delivery(self.config.delivery_checks)?;
        let mut outcomes = Vec::new();
        for chunk in awaiting.chunks(self.config.batch.max(1)) {
            let mut tasks = JoinSet::new();
            for entry in chunk {
                let Some(io_id) = sent_id(entry) else {
                    continue;
                };
                let client = self.client.clone();
                let fiscal_code = entry.addressee.fiscal_code.clone();
                let id = entry.id;
                tasks.spawn(async move { (id, client.status(&fiscal_code, &io_id).await) });
            }
            let mut limited = false;
            while let Some(joined) = tasks.join_next().await {
                let Ok((id, answer)) = joined else {
                    continue;
                };
                let checked_at = Utc::now();
                let delivery = match answer {
                    StatusOutcome::Found {
                        status,
                        read_status,
                        ..
                    } => Delivery {
                        status,
                        read_status,
                        checked_at,
                    },
                    StatusOutcome::NotFound => Delivery {
                        status: "NOT_FOUND".into(),
                        read_status: None,
                        checked_at,
                    },
                    StatusOutcome::RateLimited { .. } => {
                        limited = true;
                        continue;
                    }
                    StatusOutcome::Failed { .. } => continue,
                };
                outcomes.push((id, Outcome::Delivery(delivery)));
            }
            if limited {
                break;
            }
        }
        self.store.outbox_record(&outcomes, &self.ctx())
    }
}

fn sent_id(entry: &OutboxEntry) -> Option<String> {
    match &entry.state {
        crate::messages::outbox::OutboxState::Sent { io_id, .. } => io_id.clone(),
        _ => None,
    }
}

fn count(report: &mut DrainReport, outcome: &Outcome) {
    match outcome {
        Outcome::Sent { .. } => report.sent += 1,
        Outcome::Rejected { .. } => report.rejected += 1,
        Outcome::Unreachable { .. } => report.unreachable += 1,
        Outcome::Uncertain { .. } => report.uncertain += 1,
        Outcome::Retry { .. } => report.retry_later += 1,
        Outcome::Unclaimed | Outcome::Delivery(_) => {}
    }
}

/// A stop flag shared with whoever may interrupt a drain (Ctrl+C, the console's Esc).
pub fn stop_flag() -> Arc<AtomicBool> {
    Arc::new(AtomicBool::new(false))
}
