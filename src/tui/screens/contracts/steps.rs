//! The contract's steps, the same from the Contratti list and from the case: said ready and
//! booked for the signature (each message previewed), signed once the lease is shown.

use std::any::Any;

use chrono::NaiveDate;

use super::forms::{self, Signing};
use super::{APPOINTMENT, READY, SIGN, texts};
use crate::domain::Command;
use crate::office::{
    ContractRow, ContractState, ON_CONTRACT_READY, OfficeError, Request, SigningPreview,
};
use crate::tui::actions::Action;
use crate::tui::app::{CheckState, Overlay};
use crate::tui::context::{Awaiting, Ctx, Ticket};

/// A signature asked to be previewed, with the protocol its report names.
#[derive(Debug, Default)]
pub struct ContractSteps {
    signing: Awaiting<String>,
}

/// Whether `action`, one of the contract's steps, is allowed where the contract stands.
pub fn allows(action: Action, state: &ContractState) -> bool {
    match action {
        Action::Screen(READY) => may_ready(state),
        Action::Screen(APPOINTMENT) => may_book(state),
        Action::Screen(SIGN) => may_sign(state),
        _ => false,
    }
}

/// Whether `action` is one of the contract's steps.
pub fn is_step(action: Action) -> bool {
    matches!(
        action,
        Action::Screen(READY) | Action::Screen(APPOINTMENT) | Action::Screen(SIGN)
    )
}

impl ContractSteps {
    /// Takes `action` on `row`'s contract when its state allows it: the message previewed, or
    /// the form opened. False when `action` is not one of the contract's steps.
    pub fn act(&self, action: Action, row: &ContractRow, today: NaiveDate, ctx: &mut Ctx) -> bool {
        if !is_step(action) {
            return false;
        }
        if !allows(action, &row.state) {
            return true;
        }
        match action {
            Action::Screen(READY) => {
                ctx.fire_step(Command::ContractReady { id: row.id }, ON_CONTRACT_READY);
            }
            Action::Screen(APPOINTMENT) => ctx.open_form(forms::appointment(row)),
            _ => ctx.open_form(forms::sign(row, today)),
        }
        true
    }

    /// The signature form saved: the lease is asked for, to be shown before it is recorded.
    /// Any other outcome is handed back.
    pub fn on_form(&mut self, outcome: Box<dyn Any>, ctx: &mut Ctx) -> Result<(), Box<dyn Any>> {
        let Signing {
            id,
            protocol,
            signing,
        } = *outcome.downcast::<Signing>()?;
        let ticket = ctx.ask(Request::PreviewSigning { id, signing });
        self.signing.set(ticket, protocol);
        Ok(())
    }

    /// The lease a signature would record: shown with Yes to record it, or why not under the
    /// form. False when the reply is not the one awaited.
    pub fn on_preview(
        &mut self,
        ticket: Ticket,
        result: Result<SigningPreview, OfficeError>,
        ctx: &mut Ctx,
    ) -> bool {
        let Some(protocol) = self.signing.take(ticket) else {
            return false;
        };
        match result {
            Ok(SigningPreview { command, lease }) => {
                let form = ctx.take_form();
                ctx.show(Overlay::Check(Box::new(CheckState {
                    title: texts::CHECK_SIGN,
                    lines: super::view::lease_lines(&lease)
                        .into_iter()
                        .map(|line| (line, false))
                        .collect(),
                    command,
                    commit: texts::COMMIT_SIGN,
                    done: texts::signed_done(
                        lease.number.as_str(),
                        &protocol,
                        &lease.rent.monthly.format_plain(),
                    ),
                    warning: false,
                    form,
                })));
            }
            Err(OfficeError::Refused(why)) => ctx.form_or_status_error(why),
            Err(e) => ctx.form_or_status_error(e.to_string()),
        }
        true
    }
}

/// The contract is said ready once, before anything else.
fn may_ready(state: &ContractState) -> bool {
    matches!(state, ContractState::ToPrepare)
}

/// The signature is booked once the contract is ready; booked again to move it.
fn may_book(state: &ContractState) -> bool {
    matches!(
        state,
        ContractState::Ready { .. } | ContractState::Booked { .. }
    )
}

fn may_sign(state: &ContractState) -> bool {
    !matches!(state, ContractState::Signed { .. })
}
