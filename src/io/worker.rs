//! The outbox worker: sends what is due, a batch of entries at a time, with a bounded number of
//! requests in flight. Each message is marked `sending` durably just before its request leaves
//! and its outcome recorded as soon as IO answers, so that at any moment at most `in_flight`
//! entries are `sending`: a process killed half-way leaves only those, which become `uncertain`
//! at the next start instead of being sent again. Only failures that prove nothing reached IO
//! (a 429, a connection never made, a profile check) are retried by the program.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::Utc;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::client::{IoClient, ProfileOutcome, StatusOutcome, SubmitOutcome};
use crate::domain::Context;
use crate::domain::time::Timestamp;
use crate::messages::outbox::{Delivery, NO_IO_PROFILE, OutboxEntry, OutboxId, SERVICE_TURNED_OFF};
use crate::store::{Outcome, Store, StoreError};

/// How often a wait looks at the stop flag and the time limit.
const HALT_POLL: Duration = Duration::from_millis(25);

#[derive(Debug, Clone, Copy)]
pub struct WorkerConfig {
    /// Entries read from the queue together; their citizens' profiles are checked together.
    pub batch: usize,
    /// Message requests in flight at most, and so the most entries ever `sending` at once.
    pub in_flight: usize,
    /// How long a message waits after a failure that proved nothing was sent.
    pub retry_delay: Duration,
    /// Sent messages whose delivery is asked at the end of a drain.
    pub delivery_checks: usize,
    /// How long a drain may go on. With a limit, retries falling due before it are waited
    /// for; without one, a drain ends as soon as nothing is due.
    pub time_limit: Option<Duration>,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            batch: 64,
            // IO allows 30 requests a second; 16 in flight keep up with answers taking half a
            // second each.
            in_flight: 16,
            retry_delay: Duration::from_secs(60),
            delivery_checks: 500,
            time_limit: None,
        }
    }
}

/// What one drain did. Each count is of messages, not of requests: a message retried three
/// times and then sent counts once, as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DrainReport {
    pub sent: usize,
    pub rejected: usize,
    pub unreachable: usize,
    pub uncertain: usize,
    /// Messages that could not leave and wait for a later attempt.
    pub retry_later: usize,
    /// Entries found `sending` at the start, now `uncertain`.
    pub recovered: usize,
    pub deliveries_checked: usize,
    /// Why sending stopped before the queue was empty (the key refused, say).
    pub stopped: Option<String>,
    /// The time limit ended the drain before the queue was empty.
    pub out_of_time: bool,
    /// Messages still waiting to be sent when the drain ended (queued or to retry).
    pub waiting: usize,
    /// Why the last message to retry could not leave.
    pub last_retry_reason: Option<String>,
    /// The messages `retry_later` counts.
    retrying: BTreeSet<OutboxId>,
}

impl DrainReport {
    pub fn handled(&self) -> usize {
        self.sent + self.rejected + self.unreachable + self.uncertain + self.retry_later
    }

    /// Messages were due and none of them could leave: all are still waiting.
    pub fn nothing_sent_while_due(&self) -> bool {
        self.sent == 0 && self.waiting > 0 && (self.retry_later > 0 || self.out_of_time)
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

    /// Counts what became of message `id`: a message counts once, by its latest outcome.
    fn count(&mut self, id: OutboxId, outcome: &Outcome) {
        let retrying = matches!(outcome, Outcome::Retry { .. });
        match outcome {
            Outcome::Sent { .. } => self.sent += 1,
            Outcome::Rejected { .. } => self.rejected += 1,
            Outcome::Unreachable { .. } => self.unreachable += 1,
            Outcome::Uncertain { .. } => self.uncertain += 1,
            Outcome::Retry { reason, .. } => {
                self.last_retry_reason = Some(reason.clone());
                self.retrying.insert(id);
            }
            Outcome::Unclaimed | Outcome::Delivery(_) => {}
        }
        if !retrying {
            self.retrying.remove(&id);
        }
        self.retry_later = self.retrying.len();
    }
}

/// When a drain must stop taking up new work: the caller's stop flag, or the time limit.
struct Halt<'a> {
    stop: &'a AtomicBool,
    deadline: Option<Instant>,
    /// Set once either holds, for the tasks sending messages to see.
    reached: Arc<AtomicBool>,
}

impl Halt<'_> {
    fn reached(&self) -> bool {
        if self.reached.load(Ordering::Relaxed) {
            return true;
        }
        let now = self.stop.load(Ordering::Relaxed) || self.past_deadline();
        if now {
            self.reached.store(true, Ordering::Relaxed);
        }
        now
    }

    fn past_deadline(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d)
    }

    /// Returns once the drain must stop.
    async fn wait(&self) {
        while !self.reached() {
            tokio::time::sleep(HALT_POLL).await;
        }
    }
}

async fn until_set(flag: &AtomicBool) {
    while !flag.load(Ordering::Relaxed) {
        tokio::time::sleep(HALT_POLL).await;
    }
}

/// What waiting for retries came to, when nothing is due.
enum Retries {
    Waited,
    /// No retry is scheduled (or the drain has no time limit): the drain is over.
    None,
    /// The next retry falls due after the time limit.
    PastTheLimit,
}

/// What a task sending one message did.
enum Sent {
    /// The drain stopped, or a caseworker changed the entry, before it was marked: nothing left.
    NotClaimed,
    Answered(Outcome),
    /// IO refused the key (401): the entry is back in the queue as it was.
    KeyRefused {
        detail: String,
    },
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

    /// The same worker, stopping after `limit` at the latest.
    pub fn with_time_limit(mut self, limit: Duration) -> Worker {
        self.config.time_limit = Some(limit);
        self
    }

    fn ctx(&self) -> Context {
        Context {
            actor: self.actor.clone(),
            on_behalf_of: None,
            now: Utc::now(),
        }
    }

    fn later(&self, now: Timestamp, wait: Duration) -> Timestamp {
        now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::seconds(60))
    }

    /// Sends everything due, batch after batch, until the queue holds nothing due, `stop` is
    /// set, the time limit passes, or IO refuses the key; requests already in flight are
    /// waited for and recorded, nothing new leaves. Then asks IO about deliveries.
    /// `progress` is called after each batch with the running totals and what is still due.
    pub async fn drain(
        &self,
        stop: &AtomicBool,
        progress: &(dyn Fn(&DrainReport, usize) + Sync),
    ) -> Result<DrainReport, StoreError> {
        // Waits for a drain already running on this database (the console server's own sender
        // while a forwarded `outbox send` runs): never two at once, so nothing leaves twice.
        let turn = self.store.drain_turn();
        let _turn = tokio::select! {
            // A free turn is taken first: a stop already set is then seen as before.
            biased;
            turn = turn.lock() => turn,
            () = until_set(stop) => return Ok(DrainReport::default()),
        };
        let halt = Halt {
            stop,
            deadline: self.config.time_limit.map(|limit| Instant::now() + limit),
            reached: Arc::new(AtomicBool::new(false)),
        };
        let mut report = DrainReport {
            recovered: self.store.outbox_recover(&self.ctx())?,
            ..DrainReport::default()
        };
        // Counted once: recounting after every batch would scan the whole queue each time.
        // Messages queued during the drain are sent too, just not shown as remaining.
        let queued = self.store.outbox_queued_count()?;
        let mut beyond_limit = false;
        while !halt.reached() && report.stopped.is_none() {
            let now = Utc::now();
            let due = self.store.outbox_due(now, self.config.batch)?;
            if due.is_empty() {
                match self.wait_for_retry(&halt).await? {
                    Retries::Waited => continue,
                    Retries::None => break,
                    Retries::PastTheLimit => {
                        beyond_limit = true;
                        break;
                    }
                }
            }
            let ready = self.check_profiles(due, &mut report, &halt).await?;
            if report.stopped.is_some() || ready.is_empty() {
                continue;
            }
            self.submit_all(ready, &mut report, &halt).await?;
            progress(&report, queued.saturating_sub(report.handled()));
        }
        report.out_of_time = report.stopped.is_none()
            && !stop.load(Ordering::Relaxed)
            && (beyond_limit || halt.past_deadline());
        if report.stopped.is_none() && !halt.reached() {
            report.deliveries_checked = self.poll_deliveries_until(Some(&halt)).await?;
        }
        report.waiting = self.store.outbox_waiting_count()?;
        Ok(report)
    }

    /// With a time limit, waits for the next retry when it falls due before the limit.
    async fn wait_for_retry(&self, halt: &Halt<'_>) -> Result<Retries, StoreError> {
        let Some(deadline) = halt.deadline else {
            return Ok(Retries::None);
        };
        let Some(next) = self.store.outbox_next_retry()? else {
            return Ok(Retries::None);
        };
        // A little past the time itself: an entry is due from its time on, not before.
        let wait = (next - Utc::now()).to_std().unwrap_or_default() + Duration::from_millis(10);
        let wake_at = Instant::now() + wait;
        if wake_at > deadline {
            return Ok(Retries::PastTheLimit);
        }
        tokio::select! {
            () = tokio::time::sleep_until(wake_at) => {}
            () = halt.wait() => {}
        }
        Ok(Retries::Waited)
    }

    /// Asks IO, once per citizen, whether the service may write to them. Returns the entries
    /// to send; the others are recorded as unreachable, refused or to retry. Checks still
    /// waiting when the drain must stop are dropped: they are reads, and their entries simply
    /// stay in the queue.
    async fn check_profiles(
        &self,
        due: Vec<OutboxEntry>,
        report: &mut DrainReport,
        halt: &Halt<'_>,
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
        let mut outcomes = Vec::new();
        loop {
            let joined = tokio::select! {
                joined = tasks.join_next() => joined,
                () = halt.wait() => {
                    tasks.abort_all();
                    None
                }
            };
            let Some(joined) = joined else {
                break;
            };
            let Ok((fiscal_code, answer)) = joined else {
                continue;
            };
            let now = Utc::now();
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
                report.count(id, &outcome);
                outcomes.push((id, outcome.clone()));
            }
        }
        self.store.outbox_record(&outcomes, &self.ctx())?;
        if halt.reached() {
            // Nothing new leaves once the drain must stop.
            return Ok(Vec::new());
        }
        ready.sort();
        Ok(ready)
    }

    /// Sends the messages `ready`, at most `in_flight` at a time. Each task takes a slot, waits
    /// its turn with the pacer, marks its entry `sending`, sends, and records IO's answer
    /// before giving the slot back: so no more than `in_flight` entries are ever `sending`,
    /// and an entry is never marked while its request still waits.
    async fn submit_all(
        &self,
        ready: Vec<OutboxId>,
        report: &mut DrainReport,
        halt: &Halt<'_>,
    ) -> Result<(), StoreError> {
        let slots = Arc::new(Semaphore::new(self.config.in_flight.max(1)));
        let mut tasks = JoinSet::new();
        // Dropped before `tasks` when the drain itself is dropped: the slots close first, so no
        // request still waiting takes the slot an aborted one leaves and marks its message.
        let _close = CloseSlots(Arc::clone(&slots));
        for id in ready {
            let worker = self.clone();
            let slots = slots.clone();
            let halted = halt.reached.clone();
            tasks.spawn(async move { (id, worker.send_one(id, &slots, &halted).await) });
        }
        let mut failure = None;
        loop {
            let joined = tokio::select! {
                joined = tasks.join_next() => joined,
                // Sets the flag the tasks watch; they finish by themselves.
                () = halt.wait(), if !halt.reached.load(Ordering::Relaxed) => continue,
            };
            let Some(joined) = joined else {
                break;
            };
            let Ok((id, result)) = joined else {
                // A task that panicked may have sent: its entry stays `sending`, and becomes
                // `uncertain` at the next start.
                continue;
            };
            match result {
                Ok(Sent::Answered(outcome)) => report.count(id, &outcome),
                Ok(Sent::KeyRefused { detail }) => {
                    report.stopped = Some(format!(
                        "IO ha rifiutato la chiave (401): {detail}. I messaggi restano in coda"
                    ));
                    halt.reached.store(true, Ordering::Relaxed);
                    report.count(id, &Outcome::Unclaimed);
                }
                Ok(Sent::NotClaimed) => {}
                Err(error) => {
                    // The others still finish and record their answers first.
                    halt.reached.store(true, Ordering::Relaxed);
                    failure.get_or_insert(error);
                }
            }
        }
        match failure {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    /// Sends message `id` once a slot and the pacer allow it, unless the drain stops first.
    async fn send_one(
        &self,
        id: OutboxId,
        slots: &Semaphore,
        halted: &AtomicBool,
    ) -> Result<Sent, StoreError> {
        let _slot = tokio::select! {
            slot = slots.acquire() => match slot {
                Ok(slot) => slot,
                Err(_) => return Ok(Sent::NotClaimed),
            },
            () = until_set(halted) => return Ok(Sent::NotClaimed),
        };
        tokio::select! {
            () = self.client.pacer().wait_turn() => {}
            () = until_set(halted) => return Ok(Sent::NotClaimed),
        }
        if halted.load(Ordering::Relaxed) {
            return Ok(Sent::NotClaimed);
        }
        let Some(entry) = self
            .store
            .outbox_mark_sending(&[id], &self.ctx())?
            .into_iter()
            .next()
        else {
            return Ok(Sent::NotClaimed);
        };
        let answer = self.client.submit_now(&entry.message).await;
        let now = Utc::now();
        let outcome = match answer {
            SubmitOutcome::Created { id: io_id } => Outcome::Sent { io_id },
            SubmitOutcome::Rejected { status, detail } => Outcome::Rejected { status, detail },
            SubmitOutcome::RateLimited { retry_after } => Outcome::Retry {
                at: self.later(now, retry_after),
                reason: "limite di richieste IO raggiunto (429)".into(),
            },
            SubmitOutcome::Unauthorized { detail } => {
                self.store
                    .outbox_record(&[(id, Outcome::Unclaimed)], &self.ctx())?;
                return Ok(Sent::KeyRefused { detail });
            }
            SubmitOutcome::NotSent { detail } => Outcome::Retry {
                at: self.later(now, self.config.retry_delay),
                reason: format!("IO non raggiungibile, nulla è partito: {detail}"),
            },
            SubmitOutcome::Uncertain { detail } => Outcome::Uncertain { detail },
        };
        self.store
            .outbox_record(&[(id, outcome.clone())], &self.ctx())?;
        Ok(Sent::Answered(outcome))
    }

    /// Asks IO what became of sent messages whose delivery is not yet known.
    pub async fn poll_deliveries(&self) -> Result<usize, StoreError> {
        self.poll_deliveries_until(None).await
    }

    /// As `poll_deliveries`, asking nothing more once `halt` holds (a stop or the time limit).
    async fn poll_deliveries_until(&self, halt: Option<&Halt<'_>>) -> Result<usize, StoreError> {
        let awaiting = self
            .store
            .outbox_awaiting_delivery(self.config.delivery_checks)?;
        let mut outcomes = Vec::new();
        for chunk in awaiting.chunks(self.config.batch.max(1)) {
            if halt.is_some_and(Halt::reached) {
                break;
            }
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

/// A stop flag shared with whoever may interrupt a drain (Ctrl+C, the console's Esc).
pub fn stop_flag() -> Arc<AtomicBool> {
    Arc::new(AtomicBool::new(false))
}

/// Closes the request slots when dropped.
struct CloseSlots(Arc<Semaphore>);

impl Drop for CloseSlots {
    fn drop(&mut self) {
        self.0.close();
    }
}
