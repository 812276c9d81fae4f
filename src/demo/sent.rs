//! Messages of the past sent to IO as the outbox worker sends them: marked in flight, then
//! recorded with IO's id. A call of a year ago has long told its applicants.

use chrono::Duration;

use crate::domain::Context;
use crate::domain::time::Timestamp;
use crate::messages::outbox::OutboxId;
use crate::store::{Outcome, Store, StoreError};

/// Sends `ids`, queued at `queued_at`, a quarter of an hour later; returns the audit entries.
pub(super) fn send(
    store: &Store,
    ids: &[OutboxId],
    queued_at: Timestamp,
) -> Result<usize, StoreError> {
    if ids.is_empty() {
        return Ok(0);
    }
    let before = store.audit_len();
    let ctx = Context {
        actor: super::ACTORS[0].to_string(),
        on_behalf_of: None,
        now: queued_at + Duration::minutes(15),
    };
    let claimed = store.outbox_mark_sending(ids, &ctx)?;
    let outcomes: Vec<(OutboxId, Outcome)> = claimed
        .iter()
        .map(|entry| {
            let io_id = format!("01DEMO{:020}", entry.id.0);
            (entry.id, Outcome::Sent { io_id })
        })
        .collect();
    let ctx = Context {
        now: ctx.now + Duration::seconds(2),
        ..ctx
    };
    store.outbox_record(&outcomes, &ctx)?;
    Ok(store.audit_len().saturating_sub(before))
}
