//! `rent sync`: sends pagoPA what the notices wait for (creations, counter payments,
//! cancellations) and reads back the payments made through pagoPA. Outcomes are recorded in
//! chunks, each one transaction with its audit entries; a sync cut short (even by SIGKILL)
//! leaves the unrecorded creations pending, and the next sync's repeated creation is answered
//! 409, read back and settled: no position twice, none lost.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use tokio::task::JoinSet;

use super::client::{GpdClient, ListOutcome};
use super::request::{Answer, GpdCall, Patience, Tally, send};
use crate::domain::rent::{GpdOutcome, Month, PaymentChannel, RentNotice};
use crate::domain::time::rome_date;
use crate::domain::{ApplicationId, Command, Context};
use crate::messages::config::Creditor;
use crate::store::{GpdRequest, Store, StoreError};

/// Outcomes recorded per transaction.
const RECORD_CHUNK: usize = 100;
/// Requests in flight at once; the pacer keeps them within the agreed rate.
const IN_FLIGHT: usize = 8;
/// Reading payments back waits out a 429 this many times.
const RETRIES: u32 = 3;
/// How often a sync waiting for its turn looks at the stop flag.
const STOP_POLL: Duration = Duration::from_millis(50);
const STOPPED: &str = "interrotta: il resto alla prossima sincronizzazione";

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Positions created now.
    pub created: usize,
    /// Found already created (a 409 read back and identical): an earlier attempt's.
    pub settled: usize,
    pub uncertain: usize,
    /// Refused by pagoPA, or found different: a caseworker looks.
    pub refused: usize,
    /// Counter payments pagoPA was told of.
    pub reported: usize,
    /// Positions of notices folded into a plan, cancelled.
    pub cancelled: usize,
    /// Payments read back from pagoPA and recorded.
    pub paid: usize,
    /// Requests left for the next sync (pagoPA asked to wait, or the run was stopped).
    pub left: usize,
    /// What needs a caseworker, one line each.
    pub warnings: Vec<String>,
    /// Why the run ended early.
    pub stopped: Option<String>,
}

impl SyncReport {
    pub fn summary(&self) -> String {
        format!(
            "{} creati, {} già presenti e uguali, {} incerti, {} rifiutati, {} pagamenti allo sportello comunicati, {} annullati, {} pagamenti letti da pagoPA, {} rimandati",
            self.created,
            self.settled,
            self.uncertain,
            self.refused,
            self.reported,
            self.cancelled,
            self.paid,
            self.left
        )
    }
}

pub struct Syncer {
    store: Store,
    client: GpdClient,
    creditor: Arc<Creditor>,
    actor: String,
    time_limit: Option<Duration>,
}

impl Syncer {
    pub fn new(store: Store, client: GpdClient, creditor: Creditor, actor: &str) -> Syncer {
        Syncer {
            store,
            client,
            creditor: Arc::new(creditor),
            actor: actor.to_string(),
            time_limit: None,
        }
    }

    /// No request starts after `limit`; what is left waits for the next sync.
    pub fn with_time_limit(mut self, limit: Duration) -> Syncer {
        self.time_limit = Some(limit);
        self
    }

    pub async fn run(
        &self,
        stop: &AtomicBool,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<SyncReport, StoreError> {
        // Waits for a sync already running on this database (the console server's periodic
        // one while a `rent sync` runs inside it): never two at once, so nothing is sent twice.
        let turn = self.store.gpd_sync_turn();
        let _turn = tokio::select! {
            // A free turn is taken first: a stop already set is then seen as before.
            biased;
            turn = turn.lock() => turn,
            () = until_set(stop) => {
                return Ok(SyncReport {
                    stopped: Some(STOPPED.into()),
                    ..SyncReport::default()
                });
            }
        };
        let started = Instant::now();
        let mut report = SyncReport::default();
        let mut pending: Vec<(GpdRequest, RentNotice)> = Vec::new();
        for request in GpdRequest::ALL {
            for notice in self.store.gpd_pending(request, usize::MAX)? {
                pending.push((request, notice));
            }
        }
        let total = pending.len();
        let mut queue = pending.into_iter();
        let mut tasks: JoinSet<((ApplicationId, Month), Answer)> = JoinSet::new();
        let mut outcomes: Vec<(Command, Tally)> = Vec::new();
        let mut handled = 0;
        loop {
            let over_time = self
                .time_limit
                .is_some_and(|limit| started.elapsed() >= limit);
            let stopping = stop.load(Ordering::Relaxed) || over_time;
            if stopping && report.stopped.is_none() {
                report.stopped = Some(if over_time {
                    "tempo massimo raggiunto: il resto alla prossima sincronizzazione".into()
                } else {
                    STOPPED.into()
                });
            }
            while !stopping && tasks.len() < IN_FLIGHT {
                let Some((request, notice)) = queue.next() else {
                    break;
                };
                let Some(payer) = self.store.application(notice.tenancy)? else {
                    report.warnings.push(format!(
                        "avviso {}: domanda {} non trovata",
                        notice.notice.grouped(),
                        notice.tenancy
                    ));
                    continue;
                };
                let client = self.client.clone();
                let org = self.creditor.fiscal_code.clone();
                let key = (notice.tenancy, notice.month);
                let label = notice.notice.grouped();
                let iupd = notice.iupd.clone();
                let call = match GpdCall::for_notice(request, &notice, &self.creditor, &payer) {
                    Ok(call) => call,
                    Err(e) => {
                        outcomes.push((
                            record(
                                key,
                                GpdOutcome::Refused {
                                    reason: e.to_string(),
                                },
                            ),
                            Tally::Refused,
                        ));
                        handled += 1;
                        continue;
                    }
                };
                tasks.spawn(async move {
                    (
                        key,
                        send(&client, &org, &iupd, &call, &label, Patience::SYNC).await,
                    )
                });
            }
            let Some(joined) = tasks.join_next().await else {
                break;
            };
            handled += 1;
            match joined {
                Ok((key, Answer::Record(outcome, tally))) => {
                    outcomes.push((record(key, outcome), tally));
                }
                Ok((_, Answer::Left(warning))) => {
                    report.left += 1;
                    report.warnings.extend(warning);
                }
                Err(e) => report.warnings.push(format!("richiesta interrotta: {e}")),
            }
            if outcomes.len() >= RECORD_CHUNK {
                self.record(&mut outcomes, &mut report)?;
            }
            progress(handled, total);
        }
        self.record(&mut outcomes, &mut report)?;
        report.left += queue.len();
        if report.stopped.is_none() {
            self.read_payments(&mut report).await?;
        }
        Ok(report)
    }

    fn context(&self) -> Context {
        Context::new(self.actor.clone(), Utc::now())
    }

    /// Records the outcomes gathered, in one transaction.
    fn record(
        &self,
        outcomes: &mut Vec<(Command, Tally)>,
        report: &mut SyncReport,
    ) -> Result<(), StoreError> {
        if outcomes.is_empty() {
            return Ok(());
        }
        let commands: Vec<Command> = outcomes.iter().map(|(c, _)| c.clone()).collect();
        let done = self
            .store
            .run_rent_steps(&commands, &self.context(), None)?;
        let refused: BTreeSet<ApplicationId> = done.refused.iter().map(|(id, _)| *id).collect();
        for (command, tally) in outcomes.drain(..) {
            if command
                .application_id()
                .is_some_and(|id| refused.contains(&id))
            {
                continue;
            }
            match tally {
                Tally::Created => report.created += 1,
                Tally::Settled => report.settled += 1,
                Tally::Uncertain => report.uncertain += 1,
                Tally::Refused => report.refused += 1,
                Tally::Reported => report.reported += 1,
                Tally::Cancelled => report.cancelled += 1,
            }
        }
        for (id, why) in done.refused {
            report.warnings.push(format!("domanda {id}: {why}"));
        }
        Ok(())
    }

    /// Payments made through pagoPA since the oldest open notice was issued.
    async fn read_payments(&self, report: &mut SyncReport) -> Result<(), StoreError> {
        let open: Vec<RentNotice> = self
            .store
            .rent_notices_all()?
            .into_iter()
            .filter(|n| {
                n.is_open() && matches!(n.gpd, crate::domain::rent::GpdState::Published { .. })
            })
            .collect();
        let Some(from) = open.iter().map(|n| rome_date(n.issued_at)).min() else {
            return Ok(());
        };
        let wanted: BTreeSet<(ApplicationId, Month)> =
            open.iter().map(|n| (n.tenancy, n.month)).collect();
        let today = rome_date(Utc::now());
        let mut page = 0;
        let mut payments = Vec::new();
        let mut waits = 0;
        loop {
            match self
                .client
                .paid_between(&self.creditor.fiscal_code, from, today, page)
                .await
            {
                ListOutcome::Page(found) => {
                    for position in &found.positions {
                        let Some((id, month)) = RentNotice::parse_iupd(&position.iupd) else {
                            continue;
                        };
                        if !wanted.contains(&(id, month)) {
                            continue;
                        }
                        let paid_on = position.paid_on().and_then(gpd_day).unwrap_or(today);
                        payments.push(Command::RecordRentPayment {
                            id,
                            month,
                            paid_on,
                            channel: PaymentChannel::PagoPa,
                        });
                    }
                    if !found.has_more() {
                        break;
                    }
                    page += 1;
                }
                // Asked to wait: the same page again, as a request of the queue would be.
                ListOutcome::RetryLater { after }
                    if waits < RETRIES && after <= Patience::SYNC.longest_wait =>
                {
                    waits += 1;
                    tokio::time::sleep(after).await;
                }
                ListOutcome::RetryLater { .. } | ListOutcome::Failed { .. } => {
                    report.warnings.push(
                        "lettura dei pagamenti da pagoPA non riuscita: si riprova alla prossima sincronizzazione"
                            .into(),
                    );
                    break;
                }
            }
        }
        for chunk in payments.chunks(RECORD_CHUNK) {
            let done = self.store.run_rent_steps(chunk, &self.context(), None)?;
            report.paid += done.done.len();
        }
        Ok(())
    }
}

fn record((id, month): (ApplicationId, Month), outcome: GpdOutcome) -> Command {
    Command::RecordGpdOutcome { id, month, outcome }
}

async fn until_set(flag: &AtomicBool) {
    while !flag.load(Ordering::Relaxed) {
        tokio::time::sleep(STOP_POLL).await;
    }
}

/// The day of a date-time pagoPA gives, in Rome; a date-time without a zone is taken as Rome's.
fn gpd_day(text: &str) -> Option<NaiveDate> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(rome_date(at.with_timezone(&Utc)));
    }
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|t| t.date())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payment_days_are_read_in_rome() {
        assert_eq!(
            gpd_day("2026-03-14T23:30:00Z"),
            NaiveDate::from_ymd_opt(2026, 3, 15)
        );
        assert_eq!(
            gpd_day("2026-03-14T10:00:00"),
            NaiveDate::from_ymd_opt(2026, 3, 14)
        );
    }
}
