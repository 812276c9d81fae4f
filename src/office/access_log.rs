//! The readings of a case: recorded when one is opened, listed for whoever looks after the
//! office's privacy.

use super::reads::Case;
use super::{Office, OfficeError};
use crate::domain::{ApplicationId, Context};
pub use crate::store::{AccessEntry, AccessPage, Channel};

/// How many readings `accesses` lists at most.
pub const ACCESS_PAGE: usize = 100;

/// A console reading repeated by the same person within this many minutes of the last one
/// recorded belongs to the same visit: a console reads an open case again after every change,
/// its own or another console's, and each would otherwise be a line. Every `alloggi show` is a
/// reading of its own.
pub const SAME_VISIT_MINUTES: i64 = 15;

impl Office {
    /// The case of `id`, its reading recorded first: a reading that cannot be recorded is not
    /// shown.
    pub fn open_case(
        &self,
        ctx: &Context,
        id: ApplicationId,
        channel: Channel,
    ) -> Result<Option<Case>, OfficeError> {
        if self.store.application(id)?.is_none() {
            return Ok(None);
        }
        let same_visit = self.store.newest_access(id)?.is_some_and(|last| {
            let since = ctx.now - last.at;
            channel == Channel::Console
                && last.actor == ctx.actor
                && last.on_behalf_of == ctx.on_behalf_of
                && last.channel == channel
                && since >= chrono::Duration::zero()
                && since < chrono::Duration::minutes(SAME_VISIT_MINUTES)
        });
        if !same_visit {
            self.store.record_access(
                id,
                &ctx.actor,
                ctx.on_behalf_of.as_deref(),
                ctx.now,
                channel,
            )?;
        }
        match channel {
            Channel::Console => self.case_recent(id),
            Channel::CommandLine => self.case(id),
        }
    }

    /// The newest readings of `id` (at most `ACCESS_PAGE`) and how many there are in all.
    pub fn accesses(&self, id: ApplicationId) -> Result<AccessPage, OfficeError> {
        Ok(self.store.accesses(id, ACCESS_PAGE)?)
    }
}
