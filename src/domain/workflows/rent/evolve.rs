//! Applies rent's events to the snapshot.

use crate::domain::error::DomainError;
use crate::domain::event::{Event, EventKind};
use crate::domain::rent::{GpdOutcome, GpdState, InBundle, RentNotice, RentPayment, Rescheduled, Tenancy};
use crate::domain::snapshot::Snapshot;
use crate::domain::time::rome_date;
use crate::domain::workflows::misrouted_event;

pub(super) fn evolve(snapshot: &mut Snapshot, event: &Event) -> Result<(), DomainError> {
    match &event.kind {
        EventKind::RentRulesSaved { rules } => snapshot.rent_rules = Some((**rules).clone()),
        EventKind::RentIssued { id, notice } => {
            let base = notice_base(notice)?;
            snapshot.next_rent_base = snapshot.next_rent_base.max(base.saturating_add(1));
            if notice.instalment.cents() > 0 {
                let plan = snapshot
                    .tenancy
                    .as_mut()
                    .and_then(|t| t.plan.as_mut())
                    .ok_or_else(|| missing(event, "piano di rientro"))?;
                plan.added = plan.added.saturating_add(1);
            }
            snapshot.tenancy.get_or_insert_with(|| Tenancy::new(*id));
            snapshot.rent_notices.insert(notice.month, (**notice).clone());
        }
        EventKind::RentGpdRecorded { month, outcome, .. } => {
            let notice = notice_mut(snapshot, event, *month)?;
            // Any answer settles the bundle's request; only an export puts one in a bundle.
            notice.exported = None;
            match outcome {
                GpdOutcome::Published => notice.gpd = GpdState::Published { at: event.at },
                GpdOutcome::Uncertain { reason } => {
                    notice.gpd = GpdState::Uncertain {
                        since: event.at,
                        reason: reason.clone(),
                    }
                }
                GpdOutcome::Refused { reason } => {
                    notice.gpd = GpdState::Refused {
                        at: event.at,
                        reason: reason.clone(),
                    }
                }
                GpdOutcome::Exported { bundle } => {
                    notice.exported = Some(InBundle {
                        bundle: bundle.clone(),
                        at: event.at,
                    });
                }
                GpdOutcome::Returned { .. } => {}
                GpdOutcome::PaymentReported => {
                    if let Some(payment) = notice.payment.as_mut() {
                        payment.reported = true;
                    }
                }
                GpdOutcome::Cancelled => {
                    if let Some(rescheduled) = notice.rescheduled.as_mut() {
                        rescheduled.cancelled_on_gpd = true;
                    }
                }
            }
        }
        EventKind::RentPaid {
            month,
            paid_on,
            channel,
            ..
        } => {
            let notice = notice_mut(snapshot, event, *month)?;
            notice.payment = Some(RentPayment {
                paid_on: *paid_on,
                channel: *channel,
                recorded_at: event.at,
                recorded_by: event.actor.clone(),
                reported: false,
            });
        }
        EventKind::RentReminded { month, .. } => {
            notice_mut(snapshot, event, *month)?.reminded_at = Some(event.at);
        }
        EventKind::RentOverdueTold { month, .. } => {
            notice_mut(snapshot, event, *month)?.overdue_told_at = Some(event.at);
        }
        EventKind::ArrearsFlagged { id, months } => {
            tenancy(snapshot, *id).flagged = Some((rome_date(event.at), *months));
        }
        EventKind::InnocentArrearsRecorded { id, innocent } => {
            tenancy(snapshot, *id).innocent = Some(innocent.clone());
        }
        EventKind::RepaymentPlanAgreed {
            id,
            plan,
            rescheduled,
        } => {
            tenancy(snapshot, *id).plan = Some(plan.clone());
            for month in rescheduled {
                let notice = notice_mut(snapshot, event, *month)?;
                // A position never created on pagoPA has nothing to cancel there.
                let on_gpd = matches!(notice.gpd, GpdState::Published { .. });
                notice.rescheduled = Some(Rescheduled {
                    at: event.at,
                    cancelled_on_gpd: !on_gpd,
                });
            }
        }
        _ => return Err(misrouted_event(event)),
    }
    Ok(())
}

fn tenancy(snapshot: &mut Snapshot, id: crate::domain::ApplicationId) -> &mut Tenancy {
    snapshot.tenancy.get_or_insert_with(|| Tenancy::new(id))
}

fn notice_mut<'s>(
    snapshot: &'s mut Snapshot,
    event: &Event,
    month: crate::domain::rent::Month,
) -> Result<&'s mut RentNotice, DomainError> {
    snapshot
        .rent_notices
        .get_mut(&month)
        .ok_or_else(|| missing(event, "avviso del canone"))
}

fn missing(event: &Event, what: &str) -> DomainError {
    DomainError::Internal(format!("evento {} senza il suo {what}", event.kind_name()))
}

/// The progressive base inside the notice number: `3` + segregation (2) + base (13) + check (2).
fn notice_base(notice: &RentNotice) -> Result<u64, DomainError> {
    notice
        .notice
        .as_str()
        .get(3..16)
        .and_then(|digits| digits.parse().ok())
        .ok_or_else(|| {
            DomainError::Internal(format!(
                "numero avviso {} senza progressivo",
                notice.notice.as_str()
            ))
        })
}
