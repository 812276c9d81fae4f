//! Publications that tell people: a ranking published with one message per applicant, a call
//! published with one message per interested citizen, each in one transaction; and what the
//! caseworker is shown before either.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::steps::StepPreview;
use super::{Office, OfficeError};
use crate::domain::Context;
use crate::domain::publication::{RankingHeader, objection_deadline};
use crate::domain::ranking::{Lot, RankingKind};
use crate::messages::outbox::{OutboxId, Subject};
use crate::messages::{NewMessage, Recipient, Values};
use crate::store::compose_all;
use crate::store::unsent::Unsent;

/// The catalogue message a call's publication sends to every interested citizen.
pub const ON_PUBLISH_CALL: &str = "pubblicazione_bando";

/// What a ranking's publication wrote and queued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankingPublished {
    pub header: RankingHeader,
    pub queued: Vec<OutboxId>,
    /// Applicants whose identical message was already queued.
    pub duplicates: usize,
}

/// What publishing a ranking of `kind` now would do, having passed the publication's checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicationPreview {
    /// The number the version would get.
    pub number: u32,
    /// Rows in the order: admitted, then excluded.
    pub rows: usize,
    pub admitted: usize,
    /// Applications still under review, left out.
    pub pending: u32,
    /// Groups equal on the whole tie-break chain, to be drawn by lot.
    pub groups: usize,
    /// The point table is the shipped example, not the Comune's.
    pub example_ruleset: bool,
    /// Last day for objections, for a provisional ranking.
    pub objection_deadline: Option<NaiveDate>,
    /// The message the first applicant gets; None when the order is empty or some message
    /// does not compose.
    pub first: Option<StepPreview>,
    /// Applicants whose message does not compose: while any is listed, the publication is
    /// refused.
    pub unsent: Unsent,
}

/// What telling a call's interested citizens queued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterestedTold {
    /// The call was published in the same transaction.
    pub published: bool,
    pub queued: Vec<OutboxId>,
    /// Citizens whose identical message was already queued: skipped.
    pub duplicates: usize,
}

/// The message the first interested citizen of a call would get, and how many get it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterestedPreview {
    pub title: String,
    /// The first citizen's fiscal code: interested citizens are known by it alone.
    pub fiscal_code: String,
    pub message: NewMessage,
    pub recipients: usize,
    /// IO said the first citizen may receive the service's messages.
    pub reachable: bool,
}

impl Office {
    /// Publishes a new version of call `code`'s ranking and queues the catalogue message of
    /// `kind` for every applicant in it, in one transaction with the audit entries. Groups left
    /// equal are drawn by lot with `seed`.
    pub fn publish_ranking(
        &self,
        ctx: &Context,
        code: &str,
        kind: RankingKind,
        seed: u64,
    ) -> Result<RankingPublished, OfficeError> {
        let order = self.order(crate::messages::ranking_template(kind), Values::new())?;
        let published = self.store.publish_ranking(code, kind, seed, ctx, &order)?;
        Ok(RankingPublished {
            header: published.header,
            queued: published.queued,
            duplicates: published.duplicates,
        })
    }

    /// The publication's own checks, then what it would freeze and the message its first
    /// applicant would get, with nothing written: a refusal shows before any preview.
    pub fn preview_publication(
        &self,
        ctx: &Context,
        code: &str,
        kind: RankingKind,
    ) -> Result<PublicationPreview, OfficeError> {
        let candidate = self
            .store
            .ranking_candidate(code, kind, ctx.now, Lot::Pending)?;
        let number = candidate.number();
        let order = self.order(crate::messages::ranking_template(kind), Values::new())?;
        let unsent = compose_all(&candidate.applications, &candidate.live, &order)
            .err()
            .unwrap_or_default();
        let live = candidate.live;
        // The first message is shown only when every message composes.
        let first = match live.rows.first().filter(|_| unsent.is_empty()) {
            None => None,
            Some(first) => {
                let preview =
                    self.store
                        .preview_message(None, Some(first.application), ctx, &order)?;
                let reachable = self.reachable(&preview.draft.addressee.fiscal_code);
                Some(StepPreview {
                    template: preview.draft.template,
                    title: preview.draft.title,
                    addressee: preview.draft.addressee,
                    message: preview.draft.message,
                    duplicate_of: preview.duplicate_of,
                    reachable,
                })
            }
        };
        Ok(PublicationPreview {
            number,
            rows: live.rows.len(),
            admitted: live.rows.iter().filter(|r| r.admitted).count(),
            pending: live.pending,
            groups: live.ranking.unresolved.len(),
            example_ruleset: live.ruleset.example,
            objection_deadline: (kind == RankingKind::Provvisoria)
                .then(|| objection_deadline(&live.call, ctx.now)),
            first,
            unsent,
        })
    }

    /// Queues catalogue message `template` for every citizen interested in call `code`, in one
    /// transaction; with `publish`, the call's publication is in it too, so the call is
    /// published and everyone is told, or nothing happens. A citizen whose identical message is
    /// already queued is skipped: telling again reaches only those added since.
    pub fn tell_interested(
        &self,
        ctx: &Context,
        code: &str,
        publish: bool,
        template: &str,
    ) -> Result<InterestedTold, OfficeError> {
        let order = self.order(template, Values::new())?;
        let report = self.store.queue_to_interested(code, publish, ctx, &order)?;
        Ok(InterestedTold {
            published: !report.events.is_empty(),
            queued: report.queued,
            duplicates: report.duplicates,
        })
    }

    /// Publishes call `code` and tells its interested citizens, in one transaction.
    pub fn publish_call(&self, ctx: &Context, code: &str) -> Result<InterestedTold, OfficeError> {
        self.tell_interested(ctx, code, true, ON_PUBLISH_CALL)
    }

    /// The message the first citizen interested in call `code` would get (as if the call were
    /// published now, with `publish`), with how many get it; None when nobody is interested.
    pub fn preview_interested(
        &self,
        ctx: &Context,
        code: &str,
        publish: bool,
        template: &str,
    ) -> Result<Option<InterestedPreview>, OfficeError> {
        let interested = self.store.interested(code)?;
        let Some(first) = interested.keys().next().cloned() else {
            return Ok(None);
        };
        let order = self.order(template, Values::new())?;
        let mut call = self
            .store
            .call(code)?
            .ok_or_else(|| OfficeError::Refused(format!("bando '{code}' inesistente")))?;
        if publish && call.published_at.is_none() {
            call.published_at = Some(ctx.now);
        }
        let citizen = Recipient {
            fiscal_code: first,
            name: String::new(),
        };
        let subject = Subject {
            call: Some(&call),
            citizen: Some(&citizen),
            ..Default::default()
        };
        let rendered = order.render(&subject).map_err(OfficeError::Refused)?;
        let reachable = self.reachable(&citizen.fiscal_code);
        Ok(Some(InterestedPreview {
            reachable,
            title: order.template.title.clone(),
            fiscal_code: citizen.fiscal_code,
            message: rendered.message,
            recipients: interested.len(),
        }))
    }
}
