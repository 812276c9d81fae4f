//! Contratti: every assignee by decree with where their contract stands (to prepare, ready,
//! booked for the signature, signed), the steps that tell them it is ready and when to sign,
//! each with its message previewed, the signature, and the signed lease with its rent
//! computed step by step.

mod forms;
mod steps;
mod texts;
mod update;
mod view;

use crate::domain::ApplicationId;
use crate::office::{ContractRow, ContractState};
use crate::tui::actions::{Action, ScreenAction};
use crate::tui::context::Awaiting;
use crate::tui::keymap::Context;
use crate::tui::list::ListCursor;

use super::{ScreenInfo, Tab};

pub use forms::Signing;
pub(in crate::tui) use steps::ContractSteps;
pub(in crate::tui) use steps::{allows, is_step};
pub(in crate::tui) use view::state_text;

/// Lines around the table: header, tabs, counts, rule, column titles, status, keys.
pub const CONTRACTS_CHROME: u16 = 7;

pub const READY: ScreenAction = ScreenAction::new("contratto_pronto", texts::READY);
pub const APPOINTMENT: ScreenAction =
    ScreenAction::new("appuntamento_firma", texts::APPOINTMENT);
pub const SIGN: ScreenAction = ScreenAction::new("firma_contratto", texts::SIGN);

impl ContractsScreen {
    pub const INFO: ScreenInfo = ScreenInfo {
        title: texts::SCREEN_CONTRACTS,
        context: "contratti",
        help_heading: texts::HELP_HEADING,
        tab: Tab::Own {
            goto: "vai_contratti",
            text: texts::GO_TO,
        },
        actions: &[
            Action::Screen(READY),
            Action::Screen(APPOINTMENT),
            Action::Screen(SIGN),
        ],
        help_contexts: &[Context::Form, Context::Preview],
    };
}

/// The assignees as last read, the cursor, and the lease shown whole.
#[derive(Debug, Default)]
pub struct ContractsScreen {
    pub rows: Vec<ContractRow>,
    pub loaded: bool,
    pub list: ListCursor,
    /// The application whose signed lease is shown whole.
    pub lease: Option<ApplicationId>,
    pub scroll: usize,
    reading: Awaiting<()>,
    steps: ContractSteps,
}

impl ContractsScreen {
    pub fn selected(&self) -> Option<&ContractRow> {
        self.rows.get(self.list.cursor)
    }

    /// The row whose lease is shown whole.
    pub fn shown_lease(&self) -> Option<&ContractRow> {
        let id = self.lease?;
        self.rows.iter().find(|r| r.id == id)
    }

    /// The rows as just read; the cursor stays on its assignee.
    pub fn load(&mut self, rows: Vec<ContractRow>) {
        let keep = self.selected().map(|r| r.id);
        self.rows = rows;
        self.loaded = true;
        match keep.and_then(|id| self.rows.iter().position(|r| r.id == id)) {
            Some(at) => self.list.cursor = at,
            None => self.list.clamp(self.rows.len()),
        }
    }

    /// How many stand each way: to prepare, ready, booked, signed.
    pub fn counts(&self) -> [usize; 4] {
        let mut counts = [0; 4];
        for row in &self.rows {
            counts[state_rank(&row.state)] += 1;
        }
        counts
    }
}

pub fn state_rank(state: &ContractState) -> usize {
    match state {
        ContractState::ToPrepare => 0,
        ContractState::Ready { .. } => 1,
        ContractState::Booked { .. } => 2,
        ContractState::Signed { .. } => 3,
    }
}
