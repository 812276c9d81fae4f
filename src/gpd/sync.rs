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

use super::client::{CreateOutcome, GpdClient, ListOutcome, ReadOutcome, UpdateOutcome};
use super::model::{MonthlyNotice, PaymentPosition};
use super::settle::{Settled, settle};
use crate::domain::rent::{GpdOutcome, Month, PaymentChannel, RentNotice};
use crate::domain::time::rome_date;
use crate::domain::{ApplicationId, Command, Context};
use crate::messages::config::Creditor;
use crate::store::{GpdRequest, Store, StoreError};

/// Outcomes recorded per transaction.
const RECORD_CHUNK: usize = 100;
/// Requests in flight at once; the pacer keeps them within the agreed rate.
const IN_FLIGHT: usize = 8;
/// A 429 or a server error is waited out this many times for one notice in a run.
const RETRIES: u32 = 3;
/// Longer waits are left to the next sync.
const LONGEST_WAIT: Duration = Duration::from_secs(60);

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

/// One request's answer, before it is recorded.
enum Done {
    Record(Command, Tally),
    Left(Option<String>),
}

#[derive(Clone, Copy)]
enum Tally {
    Created,
    Settled,
    Uncertain,
    Refused,
    Reported,
    Cancelled,
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
        let mut tasks: JoinSet<Done> = JoinSet::new();
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
                    "interrotta: il resto alla prossima sincronizzazione".into()
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
                let creditor = self.creditor.clone();
                let payer = (
                    payer.applicant_fiscal_code().to_string(),
                    payer.applicant_name(),
                );
                tasks
                    .spawn(async move { send(&client, &creditor, request, &notice, &payer).await });
            }
            let Some(joined) = tasks.join_next().await else {
                break;
            };
            handled += 1;
            match joined {
                Ok(Done::Record(command, tally)) => outcomes.push((command, tally)),
                Ok(Done::Left(warning)) => {
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
        loop {
            match self
                .client
                .paid_between(&self.creditor.fiscal_code, from, today, page)
                .await
            {
                ListOutcome::Page(found) => {
                    for position in &found.positions {
                        let Some((id, month)) = parse_iupd(&position.iupd) else {
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

/// One request to pagoPA and what to record of its answer.
async fn send(
    client: &GpdClient,
    creditor: &Creditor,
    request: GpdRequest,
    notice: &RentNotice,
    (payer_code, payer_name): &(String, String),
) -> Done {
    let org = creditor.fiscal_code.as_str();
    let outcome = |outcome: GpdOutcome| Command::RecordGpdOutcome {
        id: notice.tenancy,
        month: notice.month,
        outcome,
    };
    let refused = |reason: String| {
        Done::Record(
            outcome(GpdOutcome::Refused {
                reason: reason.chars().take(300).collect(),
            }),
            Tally::Refused,
        )
    };
    for _ in 0..RETRIES {
        let retry_after = match request {
            GpdRequest::Create => {
                let position = match PaymentPosition::monthly(&MonthlyNotice {
                    org_fiscal_code: org,
                    iupd: &notice.iupd,
                    iuv: notice.notice.iuv(),
                    payer_fiscal_code: payer_code,
                    payer_name,
                    creditor_name: &creditor.name,
                    amount: notice.amount,
                    description: &notice.description,
                    due_date: notice.due,
                    iban: &creditor.iban,
                    category: &creditor.taxonomy,
                }) {
                    Ok(position) => position,
                    Err(e) => return refused(e.to_string()),
                };
                match client.create(org, &position).await {
                    CreateOutcome::Created => {
                        return Done::Record(outcome(GpdOutcome::Published), Tally::Created);
                    }
                    CreateOutcome::Exists => match client.read(org, &notice.iupd).await {
                        ReadOutcome::Found(read) => match settle(&position, &read) {
                            Settled::Same => {
                                return Done::Record(
                                    outcome(GpdOutcome::Published),
                                    Tally::Settled,
                                );
                            }
                            Settled::Different { what } => {
                                return refused(format!(
                                    "su pagoPA esiste già una posizione {} diversa: {}",
                                    notice.iupd,
                                    what.join("; ")
                                ));
                            }
                        },
                        ReadOutcome::NotFound => {
                            return refused(format!(
                                "pagoPA rifiuta lo IUV {} come già usato da un'altra posizione",
                                notice.notice.iuv()
                            ));
                        }
                        ReadOutcome::RetryLater { after } => after,
                        ReadOutcome::Failed { reason } => {
                            return Done::Record(
                                outcome(GpdOutcome::Uncertain { reason }),
                                Tally::Uncertain,
                            );
                        }
                    },
                    CreateOutcome::Rejected { status, detail } => {
                        return refused(format!("risposta {status}: {detail}"));
                    }
                    CreateOutcome::RetryLater { after } => after,
                    CreateOutcome::Uncertain { reason } => {
                        return Done::Record(
                            outcome(GpdOutcome::Uncertain { reason }),
                            Tally::Uncertain,
                        );
                    }
                }
            }
            GpdRequest::ReportPayment => {
                let paid_on = notice
                    .payment
                    .as_ref()
                    .map(|p| p.paid_on)
                    .unwrap_or_else(|| rome_date(Utc::now()));
                match client
                    .mark_paid(org, notice.notice.as_str(), noon_in_rome(paid_on))
                    .await
                {
                    UpdateOutcome::Done => {
                        return Done::Record(outcome(GpdOutcome::PaymentReported), Tally::Reported);
                    }
                    UpdateOutcome::AlreadyPaid => {
                        return Done::Left(Some(format!(
                            "avviso {}: pagato allo sportello e anche su pagoPA — da rimborsare o compensare",
                            notice.notice.grouped()
                        )));
                    }
                    UpdateOutcome::NotFound => {
                        return Done::Left(Some(format!(
                            "avviso {}: pagoPA non lo conosce, il pagamento allo sportello non è comunicato",
                            notice.notice.grouped()
                        )));
                    }
                    UpdateOutcome::Rejected { status, detail } => {
                        return Done::Left(Some(format!(
                            "avviso {}: pagoPA rifiuta il pagamento allo sportello ({status}: {detail})",
                            notice.notice.grouped()
                        )));
                    }
                    UpdateOutcome::RetryLater { after } => after,
                    // Safe to repeat: the next sync asks again.
                    UpdateOutcome::Uncertain { .. } => return Done::Left(None),
                }
            }
            GpdRequest::Cancel => match client.invalidate(org, &notice.iupd).await {
                UpdateOutcome::Done | UpdateOutcome::NotFound => {
                    return Done::Record(outcome(GpdOutcome::Cancelled), Tally::Cancelled);
                }
                UpdateOutcome::AlreadyPaid => {
                    return Done::Left(Some(format!(
                        "avviso {}: pagato su pagoPA dopo essere entrato nel piano di rientro — da compensare nel piano",
                        notice.notice.grouped()
                    )));
                }
                UpdateOutcome::Rejected { status, detail } => {
                    return Done::Left(Some(format!(
                        "avviso {}: pagoPA rifiuta l'annullamento ({status}: {detail})",
                        notice.notice.grouped()
                    )));
                }
                UpdateOutcome::RetryLater { after } => after,
                UpdateOutcome::Uncertain { .. } => return Done::Left(None),
            },
        };
        if retry_after > LONGEST_WAIT {
            break;
        }
        tokio::time::sleep(retry_after).await;
    }
    Done::Left(None)
}

/// `ALLOGGI-<tenancy>-<aaaa-mm>`, as `RentNotice::iupd_for` writes it.
pub fn parse_iupd(iupd: &str) -> Option<(ApplicationId, Month)> {
    let rest = iupd.strip_prefix("ALLOGGI-")?;
    let (id, month) = rest.split_once('-')?;
    Some((ApplicationId(id.parse().ok()?), Month::parse(month).ok()?))
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

/// A counter payment's day as the instant pagoPA is told: midday in Rome.
fn noon_in_rome(day: NaiveDate) -> DateTime<Utc> {
    crate::domain::time::start_of_day_rome(day) + chrono::Duration::hours(12)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_iupd_names_its_tenancy_and_month() {
        let iupd = RentNotice::iupd_for(ApplicationId(42), Month::parse("2026-11").unwrap());
        assert_eq!(
            parse_iupd(&iupd),
            Some((ApplicationId(42), Month::parse("2026-11").unwrap()))
        );
        assert_eq!(parse_iupd("ALTRO-42-2026-11"), None);
        assert_eq!(parse_iupd("ALLOGGI-x-2026-11"), None);
    }

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
