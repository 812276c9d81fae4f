//! A score adjusted with its effect on the total and the position worked out first.

use serde::{Deserialize, Serialize};

use super::{Office, OfficeError};
use crate::domain::objection::{Adjustment, adjustment_effect};
use crate::domain::points::Points;
use crate::domain::ranking::entries;
use crate::domain::{ApplicationId, Command, Context};

/// What an adjustment did to the total and the place, when the call has a point table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adjusted {
    pub total_before: Points,
    pub total_after: Points,
    pub delta: Points,
    pub position_before: Option<u32>,
    pub position_after: Option<u32>,
    /// The blocks whose cap left part of the change out.
    #[serde(default)]
    pub absorbed: Vec<crate::domain::scoring::CapAbsorbed>,
}

impl Office {
    /// Adjusts application `id`'s score with a reason. The effect is worked out before the
    /// command, against the order as it stands; None without the call or its point table.
    pub fn adjust_score(
        &self,
        ctx: &Context,
        id: ApplicationId,
        adjustment: Adjustment,
        reason: String,
    ) -> Result<Option<Adjusted>, OfficeError> {
        let application = self.store.application(id)?.ok_or_else(|| {
            OfficeError::Refused(crate::domain::DomainError::UnknownApplication(id).to_string())
        })?;
        let call_code = &application.call;
        let effect = match (self.store.call(call_code)?, self.store.ruleset(call_code)?) {
            (Some(call), Some(ruleset)) => {
                let applications = self.store.call_applications(call_code)?;
                let entries = entries(&applications, &call, &ruleset);
                let effect =
                    adjustment_effect(&application, &adjustment, &entries, &call, &ruleset);
                Some(Adjusted {
                    total_before: effect.before.total(),
                    total_after: effect.after.total(),
                    delta: effect.delta(),
                    position_before: effect.position_before,
                    position_after: effect.position_after,
                    absorbed: effect.absorbed,
                })
            }
            _ => None,
        };
        let command = Command::AdjustScore {
            id,
            adjustment,
            reason,
        };
        self.execute(ctx, &command)?;
        Ok(effect)
    }
}
