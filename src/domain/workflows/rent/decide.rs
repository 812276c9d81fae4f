//! Checks rent's commands.

use crate::domain::command::Command;
use crate::domain::error::DomainError;
use crate::domain::event::{Event, EventKind};
use crate::domain::money::Money;
use crate::domain::notice::NoticeNumber;
use crate::domain::rent::{
    GpdOutcome, GpdState, InnocentArrears, Ledger, Month, PaymentChannel, RentNotice,
    RepaymentPlan,
};
use crate::domain::time::{format_date, rome_date};
use crate::domain::workflows::Given;

/// A notice's reason is at most what pagoPA takes (140 characters).
const DESCRIPTION_MAX: usize = 140;
/// More instalments than five years of rent is not a plan.
const MAX_INSTALMENTS: u8 = 60;

pub(super) fn decide(given: &Given<'_>) -> Result<Vec<Event>, DomainError> {
    let snapshot = given.snapshot;
    let ctx = given.ctx;
    let today = rome_date(ctx.now);
    Ok(match given.command {
        Command::SaveRentRules { rules } => {
            rules
                .validate()
                .map_err(|issue| {
                    DomainError::invalid("regole", format!("{}: {}", issue.key, issue.reason))
                })?;
            if let Some(stored) = &snapshot.rent_rules {
                return Err(DomainError::invalid(
                    "versione",
                    if stored == rules.as_ref() {
                        format!("le regole «{}» sono già caricate, uguali", rules.version)
                    } else {
                        format!(
                            "la versione «{}» è già caricata con valori diversi: dare alle nuove regole una versione nuova",
                            rules.version
                        )
                    },
                ));
            }
            vec![given.event(EventKind::RentRulesSaved { rules: rules.clone() }, None)]
        }
        Command::IssueRent {
            id,
            month,
            lease,
            rent,
            due,
            segregation,
            description,
        } => {
            let app = given.application()?;
            if let Some(existing) = snapshot.rent_notices.get(month) {
                return Err(DomainError::invalid(
                    "mese",
                    format!(
                        "l'avviso del canone di {} è già emesso ({})",
                        month.label(),
                        existing.notice.grouped()
                    ),
                ));
            }
            if *due < today {
                return Err(DomainError::invalid(
                    "scadenza",
                    format!("il {} è già passato", format_date(*due)),
                ));
            }
            let instalment = snapshot
                .tenancy
                .as_ref()
                .and_then(|t| t.plan.as_ref())
                .filter(|plan| plan.from <= *month)
                .and_then(RepaymentPlan::next_instalment)
                .unwrap_or(Money::ZERO);
            let amount = rent
                .checked_add(instalment)
                .ok_or_else(|| DomainError::invalid("importo", "troppo grande"))?;
            if amount.is_zero() {
                return Err(DomainError::invalid("importo", "il canone è zero"));
            }
            let base = snapshot.next_rent_base.max(1);
            let notice = NoticeNumber::aux3(*segregation, base).map_err(|e| {
                DomainError::invalid("numero_avviso", format!("{e} (codice di segregazione {segregation:02}, progressivo {base})"))
            })?;
            let mut reason = format!("{} — {}", description.trim(), month.label());
            if instalment > Money::ZERO {
                reason.push_str(&format!(", con rata del piano di rientro di {} €", instalment.format_plain()));
            }
            let reason: String = reason
                .chars()
                .filter(|c| !c.is_control())
                .take(DESCRIPTION_MAX)
                .collect();
            let _ = app;
            vec![given.event(
                EventKind::RentIssued {
                    id: *id,
                    notice: Box::new(RentNotice {
                        tenancy: *id,
                        month: *month,
                        lease: lease.clone(),
                        iupd: RentNotice::iupd_for(*id, *month),
                        notice,
                        amount,
                        rent: *rent,
                        instalment,
                        due: *due,
                        description: reason,
                        issued_at: ctx.now,
                        issued_by: ctx.actor.clone(),
                        gpd: GpdState::Queued,
                        payment: None,
                        reminded_at: None,
                        overdue_told_at: None,
                        rescheduled: None,
                        exported: None,
                    }),
                },
                None,
            )]
        }
        Command::RecordGpdOutcome { id, month, outcome } => {
            let notice = notice(given, *month)?;
            let refused = |why: &str| Err(DomainError::invalid("pagopa", format!("avviso {}: {why}", notice.notice.grouped())));
            match outcome {
                GpdOutcome::Published if matches!(notice.gpd, GpdState::Published { .. }) => {
                    return refused("già creato su pagoPA");
                }
                GpdOutcome::Uncertain { .. } if !notice.gpd.awaits_creation() => {
                    return refused("non è in attesa di essere creato");
                }
                GpdOutcome::Exported { .. } => {
                    if let Some(carried) = &notice.exported {
                        return refused(&format!("è già nel pacchetto {}", carried.bundle));
                    }
                    if !notice.awaits_gpd() {
                        return refused("nessuna richiesta per pagoPA in attesa");
                    }
                }
                GpdOutcome::Returned { .. } if notice.exported.is_none() => {
                    return refused("non è in un pacchetto");
                }
                GpdOutcome::PaymentReported if !notice.awaits_report() => {
                    return refused("nessun pagamento allo sportello da comunicare");
                }
                GpdOutcome::Cancelled if !notice.awaits_cancel() => {
                    return refused("nessun annullamento da comunicare");
                }
                _ => {}
            }
            vec![given.event(
                EventKind::RentGpdRecorded {
                    id: *id,
                    month: *month,
                    outcome: outcome.clone(),
                },
                None,
            )]
        }
        Command::RecordRentPayment {
            id,
            month,
            paid_on,
            channel,
        } => {
            let notice = open_notice(given, *month)?;
            if *paid_on > today {
                return Err(DomainError::invalid("data", "la data del pagamento è nel futuro"));
            }
            if *channel == PaymentChannel::Sportello && *paid_on < rome_date(notice.issued_at) {
                return Err(DomainError::invalid("data", "precede l'emissione dell'avviso"));
            }
            vec![given.event(
                EventKind::RentPaid {
                    id: *id,
                    month: *month,
                    paid_on: *paid_on,
                    channel: *channel,
                },
                None,
            )]
        }
        Command::RemindRent { id, month } => {
            let notice = open_notice(given, *month)?;
            if notice.is_late(today) {
                return Err(DomainError::invalid(
                    "avviso",
                    format!("scaduto il {}: non è più in scadenza", format_date(notice.due)),
                ));
            }
            if notice.reminded_at.is_some() {
                return Err(DomainError::invalid("avviso", "scadenza già ricordata"));
            }
            vec![given.event(EventKind::RentReminded { id: *id, month: *month }, None)]
        }
        Command::TellRentOverdue { id, month } => {
            let notice = open_notice(given, *month)?;
            if !notice.is_late(today) {
                return Err(DomainError::invalid(
                    "avviso",
                    format!("scade il {}: non è ancora scaduto", format_date(notice.due)),
                ));
            }
            if notice.overdue_told_at.is_some() {
                return Err(DomainError::invalid("avviso", "mancato pagamento già comunicato"));
            }
            vec![given.event(EventKind::RentOverdueTold { id: *id, month: *month }, None)]
        }
        Command::FlagArrears { id, months } => {
            let tenancy = snapshot.tenancy.as_ref();
            if let Some((on, _)) = tenancy.and_then(|t| t.flagged) {
                return Err(DomainError::invalid(
                    "morosita",
                    format!("già segnalata per la decadenza il {}", format_date(on)),
                ));
            }
            if let Some(why) = tenancy.and_then(|t| t.suspension()) {
                return Err(DomainError::invalid("morosita", format!("sospesa: {why}")));
            }
            let ledger = Ledger::of(snapshot.rent_notices.values(), today);
            if ledger.months_in_arrears == 0 || ledger.months_in_arrears != *months {
                return Err(DomainError::invalid(
                    "morosita",
                    format!("mensilità non pagate oggi: {}", ledger.months_in_arrears),
                ));
            }
            vec![given.event(EventKind::ArrearsFlagged { id: *id, months: *months }, None)]
        }
        Command::RecordInnocentArrears { id, cause, evidence } => {
            let evidence = evidence.trim();
            if evidence.is_empty() {
                return Err(DomainError::invalid(
                    "documenti",
                    "indicare i documenti che provano la perdita di reddito",
                ));
            }
            if let Some(innocent) = snapshot.tenancy.as_ref().and_then(|t| t.innocent.as_ref()) {
                return Err(DomainError::invalid(
                    "morosita",
                    format!(
                        "morosità incolpevole già riconosciuta il {} ({})",
                        format_date(innocent.recorded_on),
                        innocent.cause.label()
                    ),
                ));
            }
            vec![given.event(
                EventKind::InnocentArrearsRecorded {
                    id: *id,
                    innocent: InnocentArrears {
                        cause: *cause,
                        evidence: evidence.to_string(),
                        recorded_on: today,
                        recorded_by: ctx.actor.clone(),
                    },
                },
                None,
            )]
        }
        Command::AgreeRepaymentPlan {
            id,
            instalments,
            from,
        } => {
            if !(2..=MAX_INSTALMENTS).contains(instalments) {
                return Err(DomainError::invalid(
                    "rate",
                    format!("da 2 a {MAX_INSTALMENTS}"),
                ));
            }
            if let Some(plan) = snapshot
                .tenancy
                .as_ref()
                .and_then(|t| t.plan.as_ref())
                .filter(|p| !p.is_complete())
            {
                return Err(DomainError::invalid(
                    "piano",
                    format!(
                        "c'è già un piano di rientro in corso dal {} ({} rate su {})",
                        format_date(plan.agreed_on),
                        plan.added,
                        plan.instalments
                    ),
                ));
            }
            let late: Vec<&RentNotice> = snapshot
                .rent_notices
                .values()
                .filter(|n| n.is_late(today))
                .collect();
            if late.is_empty() {
                return Err(DomainError::invalid("piano", "nessun canone scaduto da rateizzare"));
            }
            if let Some(last) = snapshot.rent_notices.keys().next_back()
                && *from <= *last
            {
                return Err(DomainError::invalid(
                    "dal",
                    format!(
                        "le rate vanno sugli avvisi non ancora emessi: dal {} in poi",
                        last.next()
                    ),
                ));
            }
            let total = late
                .iter()
                .fold(Money::ZERO, |sum, n| sum.saturating_add(n.amount));
            vec![given.event(
                EventKind::RepaymentPlanAgreed {
                    id: *id,
                    plan: RepaymentPlan {
                        total,
                        instalments: *instalments,
                        instalment: RepaymentPlan::split(total, *instalments),
                        from: *from,
                        added: 0,
                        agreed_on: today,
                        agreed_by: ctx.actor.clone(),
                    },
                    rescheduled: late.iter().map(|n| n.month).collect::<Vec<Month>>(),
                },
                None,
            )]
        }
        _ => return Err(given.misrouted()),
    })
}

fn notice<'a>(given: &Given<'a>, month: Month) -> Result<&'a RentNotice, DomainError> {
    given.application()?;
    given.snapshot.rent_notices.get(&month).ok_or_else(|| {
        DomainError::invalid(
            "mese",
            format!("nessun avviso del canone di {} per questo contratto", month.label()),
        )
    })
}

fn open_notice<'a>(given: &Given<'a>, month: Month) -> Result<&'a RentNotice, DomainError> {
    let notice = notice(given, month)?;
    if let Some(payment) = &notice.payment {
        return Err(DomainError::invalid(
            "avviso",
            format!("l'avviso {} risulta pagato il {}", notice.notice.grouped(), format_date(payment.paid_on)),
        ));
    }
    if notice.rescheduled.is_some() {
        return Err(DomainError::invalid(
            "avviso",
            format!("l'avviso {} è passato nel piano di rientro", notice.notice.grouped()),
        ));
    }
    Ok(notice)
}
