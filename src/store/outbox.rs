//! The outbox in the store. A message is queued in the same transaction as the command that
//! fires it and its audit entry; the sender's claims and outcomes, a caseworker's decisions and
//! offline bundles are transactions of their own. Every state change keeps the state index in
//! step; every change a citizen could notice (queued, sent, refused, uncertain, requeued) has
//! an audit entry.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sled::Transactional;

use super::tx::{Tx, TxResult, abort};
use super::workflows::rent::{RENT_NOTICES, notice_key};
use super::{Store, StoreError, flatten, keys};
use crate::domain::interested::Interested;
use crate::domain::rent::{GpdOutcome, Month, RentNotice};
use crate::domain::snapshot::Snapshot;
use crate::domain::time::Timestamp;
use crate::domain::{
    Application, ApplicationId, Call, Command, Context, DomainError, Event, EventKind,
};
use crate::messages::Recipient;
use crate::messages::outbox::{
    Compose, Delivery, Draft, INTERRUPTED, OutboxEntry, OutboxId, OutboxState, OutboxTab, Subject,
    TAG_QUEUED, TAG_RETRY, TAG_SENDING, TAG_SENT_PENDING,
};

/// What became of a claimed or exported entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent {
        io_id: String,
    },
    Rejected {
        status: u16,
        detail: String,
    },
    Unreachable {
        detail: String,
    },
    Uncertain {
        detail: String,
    },
    /// Not sent; may be sent from `at` on.
    Retry {
        at: Timestamp,
        reason: String,
    },
    /// Claimed but the request never left (the key was refused): back in the queue as it was.
    Unclaimed,
    Delivery(Delivery),
}

/// A message as it would be queued, and whether an identical one already is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    pub draft: Draft,
    pub duplicate_of: Option<OutboxId>,
}

/// The result of queueing one message for each of several applications.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchQueued {
    pub queued: Vec<OutboxId>,
    /// Applications whose identical message was already in the outbox: skipped.
    pub duplicates: Vec<ApplicationId>,
    /// Applications whose message could not be composed, with the reason.
    pub failed: Vec<(ApplicationId, String)>,
}

/// The result of telling a call's interested citizens.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InterestedQueued {
    /// The publication's events, when the call was published in the same transaction.
    pub events: Vec<Event>,
    pub queued: Vec<OutboxId>,
    /// Citizens whose identical message was already in the outbox: skipped.
    pub duplicates: usize,
}

/// How an import of receipts went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReceiptsApplied {
    pub applied: usize,
    /// Already recorded by an earlier import of the same receipts.
    pub unchanged: usize,
    /// Receipts of requests for pagoPA recorded on their notices.
    pub pagopa_applied: usize,
    /// Receipts of requests for pagoPA already recorded, or settled by a sync meanwhile.
    pub pagopa_unchanged: usize,
}

/// What the office put in an offline bundle, kept to judge its receipts: the digest of the
/// signed bundle, which its receipts must name, and its entries, the only ones they may speak
/// of. In `META` under `keys::bundle_record`, so a backup carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleRecord {
    pub impronta: String,
    pub voci: Vec<u64>,
    /// The pagoPA positions (IUPD) whose requests the bundle carries.
    #[serde(default)]
    pub posizioni: Vec<String>,
}

/// One receipt of an offline bundle, as `import-receipts` reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub id: OutboxId,
    pub content_hash: String,
    pub outcome: Outcome,
}

impl Tx<'_> {
    fn load_entry(&self, id: OutboxId) -> TxResult<OutboxEntry> {
        match self.get_json(self.tree(keys::OUTBOX), keys::OUTBOX, &keys::outbox(id))? {
            Some(entry) => Ok(entry),
            None => abort(StoreError::UnknownMessage(id)),
        }
    }

    /// Writes `entry`, moving its state index key when the state's tag changed.
    fn write_entry(&self, old_tag: Option<u8>, entry: &OutboxEntry) -> TxResult<()> {
        self.put_json(self.tree(keys::OUTBOX), &keys::outbox(entry.id), entry)?;
        let tag = entry.state.tag();
        if old_tag != Some(tag) {
            if let Some(old) = old_tag {
                self.tree(keys::IDX_OUTBOX_STATE)
                    .remove(&keys::outbox_state(old, entry.id))?;
            }
            self.tree(keys::IDX_OUTBOX_STATE)
                .insert(&keys::outbox_state(tag, entry.id), &[] as &[u8])?;
            super::outbox_counts::move_outbox_count(self, old_tag, tag)?;
        }
        Ok(())
    }

    fn audit_one(&self, ctx: &Context, reason: Option<String>, kind: EventKind) -> TxResult<Event> {
        let event = Event {
            actor: ctx.actor.clone(),
            on_behalf_of: ctx.on_behalf_of.clone(),
            at: ctx.now,
            reason,
            kind,
        };
        self.append_audit(std::slice::from_ref(&event))?;
        Ok(event)
    }

    /// The application `id` and its call, for composing a message with no command before it.
    fn load_case(
        &self,
        id: Option<ApplicationId>,
    ) -> TxResult<(Option<Application>, Option<Call>)> {
        let Some(id) = id else {
            return Ok((None, None));
        };
        let app: Option<Application> = self.get_json(
            self.tree(keys::APPLICATIONS),
            keys::APPLICATIONS,
            &keys::application(id),
        )?;
        let Some(app) = app else {
            return abort(StoreError::Domain(
                crate::domain::DomainError::UnknownApplication(id),
            ));
        };
        let call = self.get_json(self.tree(keys::CALLS), keys::CALLS, app.call.as_bytes())?;
        Ok((Some(app), call))
    }

    /// Runs `command` when given, then composes the message from the resulting case.
    fn command_then_compose(
        &self,
        command: Option<&Command>,
        application: Option<ApplicationId>,
        ctx: &Context,
        compose: &dyn Compose,
    ) -> TxResult<(Vec<Event>, Draft, Option<ApplicationId>)> {
        let (events, after) = match command {
            Some(command) => self.run_for_state(command, ctx)?,
            None => {
                let (application, call) = self.load_case(application)?;
                let after = Snapshot {
                    application,
                    call,
                    ..Snapshot::default()
                };
                (Vec::new(), after)
            }
        };
        let held = after
            .placement
            .as_ref()
            .and_then(|p| p.dwelling())
            .and_then(|code| after.dwellings.get(code));
        let subject = Subject {
            application: after.application.as_ref(),
            call: after.call.as_ref(),
            appointment: after.appointment.as_ref(),
            citizen: None,
            round: after.round.as_ref(),
            placement: after.placement.as_ref(),
            dwelling: held,
            rent_notice: command
                .and_then(Command::rent_month)
                .and_then(|month| after.rent_notices.get(&month)),
        };

        let draft = match compose.compose(&subject) {
            Ok(draft) => draft,
            Err(reason) => return abort(StoreError::Message(reason)),
        };
        let about = after
            .application
            .as_ref()
            .map(|a| a.id)
            .or_else(|| after.appointment.as_ref().and_then(|a| a.application));
        Ok((events, draft, about))
    }

    /// A step: its command when given, and its message queued, both audited; an identical
    /// message already queued refuses the whole.
    pub(super) fn step(
        &self,
        command: Option<&Command>,
        application: Option<ApplicationId>,
        ctx: &Context,
        compose: &dyn Compose,
    ) -> TxResult<(Vec<Event>, OutboxEntry)> {
        let (mut events, draft, app) =
            self.command_then_compose(command, application, ctx, compose)?;
        match self.queue_draft(draft, app, ctx)? {
            Ok((entry, event)) => {
                events.push(event);
                Ok((events, entry))
            }
            Err(existing) => abort(StoreError::DuplicateMessage(existing)),
        }
    }

    fn duplicate_of(&self, draft: &Draft) -> TxResult<Option<OutboxId>> {
        let hash = draft.message.content_hash();
        Ok(self
            .tree(keys::IDX_OUTBOX_HASH)
            .get(hash.as_bytes())?
            .and_then(|id| keys::decode_outbox_id(&id)))
    }

    /// Queues `draft`, or answers the id of the identical message already queued.
    pub(super) fn queue_draft(
        &self,
        draft: Draft,
        application: Option<ApplicationId>,
        ctx: &Context,
    ) -> TxResult<Result<(OutboxEntry, Event), OutboxId>> {
        if let Some(existing) = self.duplicate_of(&draft)? {
            return Ok(Err(existing));
        }
        let next: u64 = self
            .get_json(self.tree(keys::META), keys::META, keys::META_NEXT_OUTBOX)?
            .unwrap_or(1);
        let id = OutboxId(next);
        self.put_json(
            self.tree(keys::META),
            keys::META_NEXT_OUTBOX,
            &next.saturating_add(1),
        )?;
        let content_hash = draft.message.content_hash();
        let entry = OutboxEntry {
            id,
            template: draft.template,
            title: draft.title,
            application,
            addressee: draft.addressee,
            message: draft.message,
            content_hash,
            queued_at: ctx.now,
            queued_by: ctx.actor.clone(),
            state: OutboxState::Queued,
            attempts: 0,
            updated_at: ctx.now,
        };
        self.write_entry(None, &entry)?;
        self.tree(keys::IDX_OUTBOX_HASH)
            .insert(entry.content_hash.as_bytes(), &keys::outbox(id))?;
        let event = self.audit_one(
            ctx,
            None,
            EventKind::MessageQueued {
                outbox: id.0,
                template: entry.template.clone(),
                title: entry.title.clone(),
                fiscal_code: entry.addressee.fiscal_code.clone(),
                application,
            },
        )?;
        Ok(Ok((entry, event)))
    }

    /// Moves `entry` to `state`, with an audit entry when `event` is given.
    fn change_state(
        &self,
        mut entry: OutboxEntry,
        state: OutboxState,
        ctx: &Context,
        event: Option<(EventKind, Option<String>)>,
    ) -> TxResult<OutboxEntry> {
        let old_tag = entry.state.tag();
        entry.state = state;
        entry.updated_at = ctx.now;
        self.write_entry(Some(old_tag), &entry)?;
        if let Some((kind, reason)) = event {
            self.audit_one(ctx, reason, kind)?;
        }
        Ok(entry)
    }

    /// Applies `outcome` when `entry`'s state allows it; false when it does not (for
    /// instance a caseworker requeued the entry meanwhile), leaving it as it is.
    fn apply_outcome(
        &self,
        entry: OutboxEntry,
        outcome: &Outcome,
        ctx: &Context,
    ) -> TxResult<bool> {
        use OutboxState as S;
        let id = entry.id.0;
        let application = entry.application;
        let in_flight = matches!(entry.state, S::Sending { .. } | S::Exported { .. });
        let due = matches!(entry.state, S::Queued | S::Retry { .. });
        let (state, event) = match outcome {
            Outcome::Sent { io_id } if in_flight => (
                S::Sent {
                    io_id: Some(io_id.clone()),
                    at: ctx.now,
                    delivery: None,
                },
                Some(EventKind::MessageSent {
                    outbox: id,
                    io_id: Some(io_id.clone()),
                    application,
                }),
            ),
            Outcome::Rejected { status, detail } if in_flight || due => (
                S::Rejected {
                    status: *status,
                    detail: detail.clone(),
                    at: ctx.now,
                },
                Some(EventKind::MessageRejected {
                    outbox: id,
                    status: *status,
                    detail: detail.clone(),
                    application,
                }),
            ),
            Outcome::Unreachable { detail } if in_flight || due => (
                S::Unreachable {
                    detail: detail.clone(),
                    at: ctx.now,
                },
                Some(EventKind::MessageUnreachable {
                    outbox: id,
                    detail: detail.clone(),
                    application,
                }),
            ),
            Outcome::Uncertain { detail } if in_flight => (
                S::Uncertain {
                    since: ctx.now,
                    detail: detail.clone(),
                },
                Some(EventKind::MessageUncertain {
                    outbox: id,
                    detail: detail.clone(),
                    application,
                }),
            ),
            Outcome::Retry { at, reason } if due || matches!(entry.state, S::Sending { .. }) => (
                S::Retry {
                    at: *at,
                    reason: reason.clone(),
                },
                None,
            ),
            Outcome::Unclaimed if matches!(entry.state, S::Sending { .. }) => {
                let mut entry = entry;
                entry.attempts = entry.attempts.saturating_sub(1);
                self.change_state(entry, S::Queued, ctx, None)?;
                return Ok(true);
            }
            Outcome::Delivery(delivery) => match &entry.state {
                S::Sent {
                    io_id: Some(io_id),
                    at,
                    ..
                } => (
                    S::Sent {
                        io_id: Some(io_id.clone()),
                        at: *at,
                        delivery: Some(delivery.clone()),
                    },
                    None,
                ),
                _ => return Ok(false),
            },
            _ => return Ok(false),
        };
        self.change_state(entry, state, ctx, event.map(|kind| (kind, None)))?;
        Ok(true)
    }
}

impl Store {
    /// Runs `command` (when given) and queues the message `compose` makes from the case it
    /// leaves, in one transaction with both audit entries: both happen or neither does. A
    /// message identical to one already in the outbox is refused.
    pub fn execute_and_queue(
        &self,
        command: Option<&Command>,
        application: Option<ApplicationId>,
        ctx: &Context,
        compose: &dyn Compose,
    ) -> Result<(Vec<Event>, OutboxEntry), StoreError> {
        let application = command.and_then(Command::application_id).or(application);
        let result = self.transact(|tx| tx.step(command, application, ctx, compose))?;
        self.settle_summaries();
        Ok(result)
    }

    /// `execute_and_queue`, only if nothing changed application `id`'s record since audit
    /// entry `seen` (a form opened on it, whose message was previewed); `Ok(Err(entry))` with
    /// the newest change when something did, and nothing is written.
    pub fn execute_and_queue_if_unchanged(
        &self,
        command: Option<&Command>,
        application: Option<ApplicationId>,
        ctx: &Context,
        compose: &dyn Compose,
        (id, seen): (ApplicationId, u64),
    ) -> Result<super::Unchanged<(Vec<Event>, OutboxEntry)>, StoreError> {
        let application = command.and_then(Command::application_id).or(application);
        let done =
            self.transact_if_unchanged(id, seen, |tx| tx.step(command, application, ctx, compose))?;
        if done.is_ok() {
            self.settle_summaries();
        }
        Ok(done)
    }

    /// The message `execute_and_queue` would queue, exactly, with nothing written: the same
    /// transaction, abandoned at its end.
    pub fn preview_message(
        &self,
        command: Option<&Command>,
        application: Option<ApplicationId>,
        ctx: &Context,
        compose: &dyn Compose,
    ) -> Result<Preview, StoreError> {
        let application = command.and_then(Command::application_id).or(application);
        let outcome = self
            .trees
            .as_slice()
            .transaction(|trees| {
                let tx = Tx(trees);
                let (_, draft, _) = tx.command_then_compose(command, application, ctx, compose)?;
                let duplicate_of = tx.duplicate_of(&draft)?;
                abort::<()>(StoreError::Preview(Box::new(Preview {
                    draft,
                    duplicate_of,
                })))
            })
            .map_err(flatten);
        match outcome {
            Err(StoreError::Preview(preview)) => Ok(*preview),
            Err(other) => Err(other),
            Ok(()) => Err(StoreError::Message("anteprima non prodotta".into())),
        }
    }

    /// Queues one message for each application in `ids`, in one transaction. An application
    /// whose identical message is already queued is skipped, so a batch cut short can simply be
    /// run again; one whose message cannot be composed is reported and skipped.
    pub fn queue_batch(
        &self,
        ids: &[ApplicationId],
        ctx: &Context,
        compose: &dyn Compose,
    ) -> Result<BatchQueued, StoreError> {
        self.transact(|tx| {
            let mut report = BatchQueued::default();
            for id in ids {
                let (app, call) = tx.load_case(Some(*id))?;
                let subject = Subject {
                    application: app.as_ref(),
                    call: call.as_ref(),
                    ..Subject::default()
                };
                let draft = match compose.compose(&subject) {
                    Ok(draft) => draft,
                    Err(reason) => {
                        report.failed.push((*id, reason));
                        continue;
                    }
                };
                match tx.queue_draft(draft, Some(*id), ctx)? {
                    Ok((entry, _)) => report.queued.push(entry.id),
                    Err(_) => report.duplicates.push(*id),
                }
            }
            Ok(report)
        })
    }

    /// Queues `compose`'s message for every citizen interested in call `code`, in one
    /// transaction; with `publish`, the call's publication is in the same transaction, so the
    /// call is published and everyone is told, or nothing happens. A citizen whose identical
    /// message is already queued is skipped: sending again reaches only those added since.
    pub fn queue_to_interested(
        &self,
        code: &str,
        publish: bool,
        ctx: &Context,
        compose: &dyn Compose,
    ) -> Result<InterestedQueued, StoreError> {
        let result = self.transact(|tx| {
            let mut report = InterestedQueued::default();
            let (call, interested) = if publish {
                let command = Command::PublishCall {
                    code: code.to_string(),
                };
                let (events, after) = tx.run_for_state(&command, ctx)?;
                report.events = events;
                (after.call, after.interested)
            } else {
                let call: Option<Call> =
                    tx.get_json(tx.tree(keys::CALLS), keys::CALLS, code.as_bytes())?;
                let interested: std::collections::BTreeMap<String, Interested> = tx
                    .get_json(tx.tree(keys::INTERESTED), keys::INTERESTED, code.as_bytes())?
                    .unwrap_or_default();
                (call, interested)
            };
            let Some(call) = call else {
                return abort(StoreError::Domain(DomainError::UnknownCall(
                    code.to_string(),
                )));
            };
            for fiscal_code in interested.keys() {
                let citizen = Recipient {
                    fiscal_code: fiscal_code.clone(),
                    name: String::new(),
                };
                let subject = Subject {
                    call: Some(&call),
                    citizen: Some(&citizen),
                    ..Subject::default()
                };
                let draft = match compose.compose(&subject) {
                    Ok(draft) => draft,
                    // One template, one call: what fails for one fails for all.
                    Err(reason) => return abort(StoreError::Message(reason)),
                };
                match tx.queue_draft(draft, None, ctx)? {
                    Ok((entry, _)) => report.queued.push(entry.id),
                    Err(_) => report.duplicates += 1,
                }
            }
            Ok(report)
        })?;
        Ok(result)
    }

    // ---- the sender ------------------------------------------------------------------------

    /// Entries left `sending` by a process that stopped: the request may have reached IO, so
    /// they become `uncertain`, for a caseworker to decide. Run before sending anything.
    pub fn outbox_recover(&self, ctx: &Context) -> Result<usize, StoreError> {
        let stuck = self.outbox_ids_with_tag(TAG_SENDING, usize::MAX)?;
        if stuck.is_empty() {
            return Ok(0);
        }
        self.transact(|tx| {
            let mut count = 0;
            for id in &stuck {
                let entry = tx.load_entry(*id)?;
                if !matches!(entry.state, OutboxState::Sending { .. }) {
                    continue;
                }
                let detail = INTERRUPTED.to_string();
                tx.apply_outcome(entry, &Outcome::Uncertain { detail }, ctx)?;
                count += 1;
            }
            Ok(count)
        })
    }

    /// Up to `limit` entries the program may send at `now`, oldest first.
    pub fn outbox_due(&self, now: Timestamp, limit: usize) -> Result<Vec<OutboxEntry>, StoreError> {
        let mut due = Vec::new();
        for id in self.outbox_ids_with_tag(TAG_RETRY, usize::MAX)? {
            if let Some(entry) = self.outbox_entry(id)?
                && entry.state.is_due(now)
            {
                due.push(entry);
            }
        }
        for id in self.outbox_ids_with_tag(TAG_QUEUED, limit)? {
            if let Some(entry) = self.outbox_entry(id)? {
                due.push(entry);
            }
        }
        due.sort_by_key(|e| e.id);
        due.truncate(limit);
        Ok(due)
    }

    /// Marks the entries `ids` that are still due as `sending`, durably, before their requests
    /// leave; returns those marked. An entry a caseworker changed meanwhile is left out.
    pub fn outbox_mark_sending(
        &self,
        ids: &[OutboxId],
        ctx: &Context,
    ) -> Result<Vec<OutboxEntry>, StoreError> {
        self.transact(|tx| {
            let mut claimed = Vec::new();
            for id in ids {
                let mut entry = tx.load_entry(*id)?;
                if !entry.state.is_due(ctx.now) {
                    continue;
                }
                entry.attempts = entry.attempts.saturating_add(1);
                let entry =
                    tx.change_state(entry, OutboxState::Sending { since: ctx.now }, ctx, None)?;
                claimed.push(entry);
            }
            Ok(claimed)
        })
    }

    /// Records what became of several entries in one transaction; returns how many changed.
    pub fn outbox_record(
        &self,
        outcomes: &[(OutboxId, Outcome)],
        ctx: &Context,
    ) -> Result<usize, StoreError> {
        if outcomes.is_empty() {
            return Ok(0);
        }
        self.transact(|tx| {
            let mut changed = 0;
            for (id, outcome) in outcomes {
                let entry = tx.load_entry(*id)?;
                if tx.apply_outcome(entry, outcome, ctx)? {
                    changed += 1;
                } else {
                    tracing::warn!(
                        "messaggio {id}: esito {outcome:?} non applicabile allo stato attuale"
                    );
                }
            }
            Ok(changed)
        })
    }

    // ---- a caseworker's decisions ----------------------------------------------------------

    /// Puts entry `id` back in the queue, with a reason: an uncertain one is sent again.
    pub fn outbox_requeue(
        &self,
        id: OutboxId,
        reason: &str,
        ctx: &Context,
    ) -> Result<OutboxEntry, StoreError> {
        let reason = required_reason(reason)?;
        self.transact(|tx| {
            let entry = tx.load_entry(id)?;
            if !entry.state.can_requeue() {
                return abort(StoreError::MessageState {
                    id,
                    state: entry.state.label(),
                    action: "rimettere in coda",
                });
            }
            let application = entry.application;
            tx.change_state(
                entry,
                OutboxState::Queued,
                ctx,
                Some((
                    EventKind::MessageRequeued {
                        outbox: id.0,
                        application,
                    },
                    Some(reason.clone()),
                )),
            )
        })
    }

    /// Withdraws entry `id`, with a reason: it waits in the queue and is never sent. Checked
    /// inside the transaction, so a sender that picked it meanwhile either marked it in flight
    /// first (and the withdrawal is refused) or finds it withdrawn and leaves it.
    pub fn outbox_withdraw(
        &self,
        id: OutboxId,
        reason: &str,
        ctx: &Context,
    ) -> Result<OutboxEntry, StoreError> {
        let reason = required_reason(reason)?;
        self.transact(|tx| {
            let entry = tx.load_entry(id)?;
            if let Some(why) = entry.state.why_not_withdrawable() {
                return abort(StoreError::Message(format!(
                    "non si può ritirare il messaggio {id}: {why}"
                )));
            }
            let application = entry.application;
            tx.change_state(
                entry,
                OutboxState::Withdrawn {
                    at: ctx.now,
                    reason: reason.clone(),
                },
                ctx,
                Some((
                    EventKind::MessageWithdrawn {
                        outbox: id.0,
                        application,
                    },
                    Some(reason.clone()),
                )),
            )
        })
    }

    /// Records entry `id` as sent, with a reason (and IO's id when the caseworker has it).
    pub fn outbox_mark_sent(
        &self,
        id: OutboxId,
        reason: &str,
        io_id: Option<String>,
        ctx: &Context,
    ) -> Result<OutboxEntry, StoreError> {
        let reason = required_reason(reason)?;
        let io_id = io_id
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        self.transact(|tx| {
            let entry = tx.load_entry(id)?;
            if !entry.state.can_mark_sent() {
                return abort(StoreError::MessageState {
                    id,
                    state: entry.state.label(),
                    action: "segnare come inviato",
                });
            }
            let application = entry.application;
            tx.change_state(
                entry,
                OutboxState::Sent {
                    io_id: io_id.clone(),
                    at: ctx.now,
                    delivery: None,
                },
                ctx,
                Some((
                    EventKind::MessageSent {
                        outbox: id.0,
                        io_id: io_id.clone(),
                        application,
                    },
                    Some(reason.clone()),
                )),
            )
        })
    }

    // ---- offline bundles -------------------------------------------------------------------

    /// Marks `ids` exported in bundle `bundle`, whose signed contents have the SHA-256 `digest`,
    /// all of them or none: an entry no longer due (sent meanwhile, say) refuses the whole
    /// export, which is then simply repeated. What the bundle holds is recorded with them.
    pub fn outbox_mark_exported(
        &self,
        ids: &[OutboxId],
        bundle: &str,
        digest: &str,
        ctx: &Context,
    ) -> Result<(), StoreError> {
        self.bundle_mark_exported(ids, &[], bundle, digest, ctx)
    }

    /// As [`Store::outbox_mark_exported`], with the notices whose requests for pagoPA the
    /// bundle carries: each records the export as a command, in the same transaction.
    pub fn bundle_mark_exported(
        &self,
        ids: &[OutboxId],
        notices: &[(ApplicationId, Month)],
        bundle: &str,
        digest: &str,
        ctx: &Context,
    ) -> Result<(), StoreError> {
        let record = BundleRecord {
            impronta: digest.to_string(),
            voci: ids.iter().map(|id| id.0).collect(),
            posizioni: notices
                .iter()
                .map(|(id, month)| RentNotice::iupd_for(*id, *month))
                .collect(),
        };
        self.transact(|tx| {
            if tx
                .get_json::<BundleRecord>(
                    tx.tree(keys::META),
                    keys::META,
                    &keys::bundle_record(bundle),
                )?
                .is_some()
            {
                return abort(StoreError::Message(format!(
                    "un pacchetto {bundle} è già stato esportato: ripetere l'esportazione"
                )));
            }
            tx.put_json(tx.tree(keys::META), &keys::bundle_record(bundle), &record)?;
            for id in ids {
                let entry = tx.load_entry(*id)?;
                if !entry.state.is_due(ctx.now) {
                    return abort(StoreError::MessageState {
                        id: *id,
                        state: entry.state.label(),
                        action: "esportare",
                    });
                }
                tx.change_state(
                    entry,
                    OutboxState::Exported {
                        bundle: bundle.to_string(),
                        at: ctx.now,
                    },
                    ctx,
                    None,
                )?;
            }
            if !ids.is_empty() {
                tx.audit_one(
                    ctx,
                    None,
                    EventKind::MessagesExported {
                        bundle: bundle.to_string(),
                        outbox: ids.iter().map(|id| id.0).collect(),
                    },
                )?;
            }
            for (id, month) in notices {
                let exported = Command::RecordGpdOutcome {
                    id: *id,
                    month: *month,
                    outcome: GpdOutcome::Exported {
                        bundle: bundle.to_string(),
                    },
                };
                tx.run(&exported, ctx)?;
            }
            Ok(())
        })
    }

    /// Applies the receipts of bundle `bundle`, all or none. Receipts naming a bundle this
    /// office did not export, or whose `digest` is not the one it recorded, are refused; so is
    /// a receipt for an entry not in the bundle, or whose content differs from the entry's. A
    /// receipt already applied changes nothing, so importing twice is harmless.
    pub fn outbox_apply_receipts(
        &self,
        bundle: &str,
        digest: &str,
        receipts: &[Receipt],
        ctx: &Context,
    ) -> Result<ReceiptsApplied, StoreError> {
        self.bundle_apply_receipts(bundle, digest, receipts, &[], ctx)
    }

    /// As [`Store::outbox_apply_receipts`], with the receipts of the bundle's requests for
    /// pagoPA (by IUPD): each is recorded on its notice while the notice waits for this
    /// bundle; one a sync settled meanwhile, or an earlier import recorded, changes nothing.
    pub fn bundle_apply_receipts(
        &self,
        bundle: &str,
        digest: &str,
        receipts: &[Receipt],
        pagopa: &[(String, GpdOutcome)],
        ctx: &Context,
    ) -> Result<ReceiptsApplied, StoreError> {
        self.transact(|tx| {
            let record: Option<BundleRecord> =
                tx.get_json(tx.tree(keys::META), keys::META, &keys::bundle_record(bundle))?;
            let Some(record) = record else {
                return abort(StoreError::Receipt(format!(
                    "il pacchetto {bundle} non risulta esportato da questo database con la firma: \
                     le ricevute non sono sue"
                )));
            };
            if record.impronta != digest {
                return abort(StoreError::Receipt(format!(
                    "le ricevute rispondono a un pacchetto {bundle} diverso da quello esportato \
                     (impronta diversa)"
                )));
            }
            let mut report = ReceiptsApplied::default();
            for receipt in receipts {
                if !record.voci.contains(&receipt.id.0) {
                    return abort(StoreError::Receipt(format!(
                        "il messaggio {} non è nel pacchetto {bundle}",
                        receipt.id
                    )));
                }
                let entry = tx.load_entry(receipt.id)?;
                if entry.content_hash != receipt.content_hash {
                    return abort(StoreError::Receipt(format!(
                        "la ricevuta del messaggio {} non corrisponde al messaggio esportato (contenuto diverso)",
                        receipt.id
                    )));
                }
                match &entry.state {
                    OutboxState::Exported { bundle: b, .. } if b == bundle => {
                        if !tx.apply_outcome(entry, &receipt.outcome, ctx)? {
                            return abort(StoreError::Receipt(format!(
                                "ricevuta del messaggio {} con un esito non ammesso",
                                receipt.id
                            )));
                        }
                        report.applied += 1;
                    }
                    state if already_recorded(state, &receipt.outcome) => report.unchanged += 1,
                    state => {
                        return abort(StoreError::Receipt(format!(
                            "il messaggio {} non è in attesa delle ricevute del pacchetto {bundle} (stato: {})",
                            receipt.id,
                            state.label()
                        )));
                    }
                }
            }
            for (iupd, outcome) in pagopa {
                let not_ours = || {
                    abort(StoreError::Receipt(format!(
                        "la posizione pagoPA {iupd} non è nel pacchetto {bundle}"
                    )))
                };
                if !record.posizioni.contains(iupd) {
                    return not_ours();
                }
                let Some((id, month)) = RentNotice::parse_iupd(iupd) else {
                    return not_ours();
                };
                let notice: Option<RentNotice> = tx.get_json(
                    tx.tree(RENT_NOTICES),
                    RENT_NOTICES,
                    &notice_key(id, month),
                )?;
                let waits = notice
                    .and_then(|n| n.exported)
                    .is_some_and(|carried| carried.bundle == bundle);
                if !waits {
                    report.pagopa_unchanged += 1;
                    continue;
                }
                let command = Command::RecordGpdOutcome {
                    id,
                    month,
                    outcome: outcome.clone(),
                };
                tx.run(&command, ctx)?;
                report.pagopa_applied += 1;
            }
            Ok(report)
        })
    }

    // ---- queries ---------------------------------------------------------------------------

    pub fn outbox_entry(&self, id: OutboxId) -> Result<Option<OutboxEntry>, StoreError> {
        self.get_json(keys::OUTBOX, &keys::outbox(id))
    }

    fn outbox_ids_with_tag(&self, tag: u8, limit: usize) -> Result<Vec<OutboxId>, StoreError> {
        self.tree(keys::IDX_OUTBOX_STATE)
            .scan_prefix([tag])
            .keys()
            .take(limit)
            .map(|key| {
                let key = key?;
                key.get(1..)
                    .and_then(keys::decode_outbox_id)
                    .ok_or_else(|| {
                        StoreError::corrupt(keys::IDX_OUTBOX_STATE, &key, "chiave illeggibile")
                    })
            })
            .collect()
    }

    /// How many entries wait in the queue (retries scheduled for later not included).
    pub fn outbox_queued_count(&self) -> Result<usize, StoreError> {
        let counts = self.outbox_tag_counts()?;
        Ok(usize::try_from(counts[&TAG_QUEUED]).unwrap_or(usize::MAX))
    }

    /// How many entries wait to be sent: queued, and retries whenever they fall due.
    pub fn outbox_waiting_count(&self) -> Result<usize, StoreError> {
        let counts = self.outbox_tag_counts()?;
        Ok(usize::try_from(counts[&TAG_QUEUED] + counts[&TAG_RETRY]).unwrap_or(usize::MAX))
    }

    /// When the earliest retry falls due, if any entry waits for one.
    pub fn outbox_next_retry(&self) -> Result<Option<Timestamp>, StoreError> {
        let mut earliest = None;
        for id in self.outbox_ids_with_tag(TAG_RETRY, usize::MAX)? {
            if let Some(OutboxEntry {
                state: OutboxState::Retry { at, .. },
                ..
            }) = self.outbox_entry(id)?
                && earliest.is_none_or(|e| at < e)
            {
                earliest = Some(at);
            }
        }
        Ok(earliest)
    }

    /// How many entries each tab of the outbox holds, from the counters.
    pub fn outbox_counts(&self) -> Result<BTreeMap<OutboxTab, usize>, StoreError> {
        let per_tag = self.outbox_tag_counts()?;
        Ok(OutboxTab::ALL
            .into_iter()
            .map(|tab| {
                let n: u64 = tab.tags().iter().map(|t| per_tag[t]).sum();
                (tab, usize::try_from(n).unwrap_or(usize::MAX))
            })
            .collect())
    }

    /// The newest `limit` entries of `tab` older than `before`, newest first.
    pub fn outbox_page(
        &self,
        tab: OutboxTab,
        before: Option<OutboxId>,
        limit: usize,
    ) -> Result<Vec<OutboxEntry>, StoreError> {
        let tree = self.tree(keys::IDX_OUTBOX_STATE);
        let mut ids = Vec::new();
        for &tag in tab.tags() {
            let end = keys::outbox_state(tag, before.unwrap_or(OutboxId(u64::MAX)));
            let start = keys::outbox_state(tag, OutboxId(0));
            for key in tree.range(start..end).keys().rev().take(limit) {
                let key = key?;
                if let Some(id) = key.get(1..).and_then(keys::decode_outbox_id) {
                    ids.push(id);
                }
            }
        }
        ids.sort_unstable_by(|a, b| b.cmp(a));
        ids.truncate(limit);
        let mut entries = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(entry) = self.outbox_entry(id)? {
                entries.push(entry);
            }
        }
        Ok(entries)
    }

    /// Sent entries whose delivery is still to be learnt, oldest first.
    pub fn outbox_awaiting_delivery(&self, limit: usize) -> Result<Vec<OutboxEntry>, StoreError> {
        let mut entries = Vec::new();
        for id in self.outbox_ids_with_tag(TAG_SENT_PENDING, limit)? {
            if let Some(entry) = self.outbox_entry(id)? {
                entries.push(entry);
            }
        }
        Ok(entries)
    }

    /// IO said this citizen may receive the service's messages (when, if it did).
    pub fn io_profile_allowed(&self, fiscal_code: &str) -> Result<Option<Timestamp>, StoreError> {
        self.get_json(keys::IO_PROFILES, fiscal_code.as_bytes())
    }

    /// Remembers that IO allows messages to this citizen, so that later sends skip the check.
    pub fn record_io_profile_allowed(
        &self,
        fiscal_code: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let value = serde_json::to_vec(&at)
            .map_err(|e| StoreError::corrupt(keys::IO_PROFILES, fiscal_code.as_bytes(), e))?;
        self.tree(keys::IO_PROFILES)
            .insert(fiscal_code.as_bytes(), value)?;
        Ok(())
    }
}

fn required_reason(reason: &str) -> Result<String, StoreError> {
    let reason = reason.trim();
    if reason.is_empty() {
        Err(StoreError::Domain(
            crate::domain::DomainError::MissingReason,
        ))
    } else {
        Ok(reason.to_string())
    }
}

/// The receipt's outcome is what the entry already records (an earlier import).
fn already_recorded(state: &OutboxState, outcome: &Outcome) -> bool {
    match (state, outcome) {
        (OutboxState::Sent { io_id, .. }, Outcome::Sent { io_id: receipt }) => {
            io_id.as_deref() == Some(receipt.as_str())
        }
        (OutboxState::Rejected { status, .. }, Outcome::Rejected { status: s, .. }) => status == s,
        (OutboxState::Unreachable { .. }, Outcome::Unreachable { .. }) => true,
        (OutboxState::Uncertain { .. }, Outcome::Uncertain { .. }) => true,
        _ => false,
    }
}
