//! One request for pagoPA as it is sent, and what its answer means for the notice: the same
//! for a sync from the office and for an offline bundle sent from a connected machine, which
//! carries the request whole because it has no database to build it from.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::client::{CreateOutcome, GpdClient, ReadOutcome, UpdateOutcome};
use super::model::{MonthlyNotice, NoticeError, PaymentPosition};
use super::settle::{Settled, settle};
use crate::domain::Application;
use crate::domain::rent::{GpdOutcome, RentNotice};
use crate::domain::time::{rome_date, start_of_day_rome};
use crate::messages::config::Creditor;
use crate::store::GpdRequest;

/// How long one request waits out a 429 or a server error before it is left for later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Patience {
    pub retries: u32,
    /// A longer wait is not waited: the request is left.
    pub longest_wait: std::time::Duration,
}

impl Patience {
    /// The office's sync: many requests in flight, so a wait holds up only its own.
    pub const SYNC: Patience = Patience {
        retries: 3,
        longest_wait: std::time::Duration::from_secs(60),
    };
    /// A bundle sent one request at a time while someone waits at the connected machine:
    /// a short 429 is waited, a failing server is not (the bundle is simply sent again).
    pub const BUNDLE: Patience = Patience {
        retries: 3,
        longest_wait: std::time::Duration::from_secs(10),
    };
}

/// A request for pagoPA, whole: what a bundle carries, in the bundle's Italian names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "richiesta")]
pub enum GpdCall {
    /// Create and publish the position.
    #[serde(rename = "crea")]
    Create {
        #[serde(rename = "posizione")]
        position: PaymentPosition,
    },
    /// Tell pagoPA the notice was paid at the counter.
    #[serde(rename = "pagato_allo_sportello")]
    ReportPayment {
        #[serde(rename = "numero_avviso")]
        notice_number: String,
        #[serde(rename = "pagato_il")]
        paid_on: NaiveDate,
    },
    /// Cancel the position of a notice folded into a repayment plan.
    #[serde(rename = "annulla")]
    Cancel,
}

impl GpdCall {
    /// What `notice` asks of pagoPA for `request`; `tenant`'s applicant pays it.
    pub fn for_notice(
        request: GpdRequest,
        notice: &RentNotice,
        creditor: &Creditor,
        tenant: &Application,
    ) -> Result<GpdCall, NoticeError> {
        Ok(match request {
            GpdRequest::Create => GpdCall::Create {
                position: PaymentPosition::monthly(&MonthlyNotice {
                    org_fiscal_code: &creditor.fiscal_code,
                    iupd: &notice.iupd,
                    iuv: notice.notice.iuv(),
                    payer_fiscal_code: tenant.applicant_fiscal_code(),
                    payer_name: &tenant.applicant_name(),
                    creditor_name: &creditor.name,
                    amount: notice.amount,
                    description: &notice.description,
                    due_date: notice.due,
                    iban: &creditor.iban,
                    category: &creditor.taxonomy,
                })?,
            },
            GpdRequest::ReportPayment => GpdCall::ReportPayment {
                notice_number: notice.notice.as_str().to_string(),
                paid_on: notice
                    .payment
                    .as_ref()
                    .map(|p| p.paid_on)
                    .unwrap_or_else(|| rome_date(notice.issued_at)),
            },
            GpdRequest::Cancel => GpdCall::Cancel,
        })
    }
}

/// What an answer means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// To record on the notice, and how a report counts it.
    Record(GpdOutcome, Tally),
    /// Nothing to record: the request waits for the next try, with why when a caseworker
    /// should know.
    Left(Option<String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tally {
    Created,
    Settled,
    Uncertain,
    Refused,
    Reported,
    Cancelled,
}

/// Sends `call` for position `iupd` of creditor `org`; `label` names the notice in warnings.
/// A 429 or a server error is waited out as `patience` allows; longer waits are left for later.
pub async fn send(
    client: &GpdClient,
    org: &str,
    iupd: &str,
    call: &GpdCall,
    label: &str,
    patience: Patience,
) -> Answer {
    let refused = |reason: String| {
        Answer::Record(
            GpdOutcome::Refused {
                reason: reason.chars().take(300).collect(),
            },
            Tally::Refused,
        )
    };
    let uncertain =
        |reason: String| Answer::Record(GpdOutcome::Uncertain { reason }, Tally::Uncertain);
    for _ in 0..patience.retries {
        let retry_after = match call {
            GpdCall::Create { position } => match client.create(org, position).await {
                CreateOutcome::Created => {
                    return Answer::Record(GpdOutcome::Published, Tally::Created);
                }
                CreateOutcome::Exists => match client.read(org, iupd).await {
                    ReadOutcome::Found(read) => match settle(position, &read) {
                        Settled::Same => {
                            return Answer::Record(GpdOutcome::Published, Tally::Settled);
                        }
                        Settled::Different { what } => {
                            return refused(format!(
                                "su pagoPA esiste già una posizione {iupd} diversa: {}",
                                what.join("; ")
                            ));
                        }
                    },
                    ReadOutcome::NotFound => {
                        let iuv = position.option().map_or("", |o| o.iuv.as_str());
                        return refused(format!(
                            "pagoPA rifiuta lo IUV {iuv} come già usato da un'altra posizione"
                        ));
                    }
                    ReadOutcome::RetryLater { after } => after,
                    ReadOutcome::Failed { reason } => return uncertain(reason),
                },
                CreateOutcome::Rejected { status, detail } => {
                    return refused(format!("risposta {status}: {detail}"));
                }
                CreateOutcome::RetryLater { after } => after,
                CreateOutcome::Uncertain { reason } => return uncertain(reason),
            },
            GpdCall::ReportPayment {
                notice_number,
                paid_on,
            } => match client
                .mark_paid(org, notice_number, noon_in_rome(*paid_on))
                .await
            {
                UpdateOutcome::Done => {
                    return Answer::Record(GpdOutcome::PaymentReported, Tally::Reported);
                }
                UpdateOutcome::AlreadyPaid => {
                    return Answer::Left(Some(format!(
                        "avviso {label}: pagato allo sportello e anche su pagoPA — da rimborsare o compensare"
                    )));
                }
                UpdateOutcome::NotFound => {
                    return Answer::Left(Some(format!(
                        "avviso {label}: pagoPA non lo conosce, il pagamento allo sportello non è comunicato"
                    )));
                }
                UpdateOutcome::Rejected { status, detail } => {
                    return Answer::Left(Some(format!(
                        "avviso {label}: pagoPA rifiuta il pagamento allo sportello ({status}: {detail})"
                    )));
                }
                UpdateOutcome::RetryLater { after } => after,
                // Safe to repeat: the next sync asks again.
                UpdateOutcome::Uncertain { .. } => return Answer::Left(None),
            },
            GpdCall::Cancel => match client.invalidate(org, iupd).await {
                UpdateOutcome::Done | UpdateOutcome::NotFound => {
                    return Answer::Record(GpdOutcome::Cancelled, Tally::Cancelled);
                }
                UpdateOutcome::AlreadyPaid => {
                    return Answer::Left(Some(format!(
                        "avviso {label}: pagato su pagoPA dopo essere entrato nel piano di rientro — da compensare nel piano"
                    )));
                }
                UpdateOutcome::Rejected { status, detail } => {
                    return Answer::Left(Some(format!(
                        "avviso {label}: pagoPA rifiuta l'annullamento ({status}: {detail})"
                    )));
                }
                UpdateOutcome::RetryLater { after } => after,
                UpdateOutcome::Uncertain { .. } => return Answer::Left(None),
            },
        };
        if retry_after > patience.longest_wait {
            break;
        }
        tokio::time::sleep(retry_after).await;
    }
    Answer::Left(None)
}

/// A counter payment's day as the instant pagoPA is told: midday in Rome.
fn noon_in_rome(day: NaiveDate) -> DateTime<Utc> {
    start_of_day_rome(day) + chrono::Duration::hours(12)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_is_written_with_its_request_named() {
        let call = GpdCall::ReportPayment {
            notice_number: "301000000000012345".into(),
            paid_on: NaiveDate::from_ymd_opt(2026, 11, 3).unwrap(),
        };
        let json = serde_json::to_value(&call).unwrap();
        assert_eq!(json["richiesta"], "pagato_allo_sportello");
        assert_eq!(json["numero_avviso"], "301000000000012345");
        assert_eq!(json["pagato_il"], "2026-11-03");
        assert_eq!(serde_json::from_value::<GpdCall>(json).unwrap(), call);
        let cancel = serde_json::to_value(GpdCall::Cancel).unwrap();
        assert_eq!(cancel, serde_json::json!({"richiesta": "annulla"}));
    }
}
