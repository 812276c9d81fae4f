//! Cruscotto: the call's status at a glance, and the way in to the other screens.

mod texts;
mod view;

use ratatui::Frame;
use ratatui::layout::Rect;

use super::{Back, Screen, ScreenId, ScreenInfo, Tab};
use crate::tui::actions::Action;
use crate::tui::context::{Change, Ctx};
use crate::tui::view::View;

#[derive(Debug, Default)]
pub struct DashboardScreen;

impl DashboardScreen {
    pub const INFO: ScreenInfo = ScreenInfo {
        title: texts::SCREEN_DASHBOARD,
        context: "cruscotto",
        help_heading: texts::HELP_HEADING,
        tab: Tab::Own {
            goto: "vai_cruscotto",
            text: texts::GO_TO,
        },
        // Invio opens the list of applications.
        actions: &[Action::Open],
        help_contexts: &[],
    };
}

impl Screen for DashboardScreen {
    fn on_action(&mut self, action: Action, ctx: &mut Ctx) {
        if action == Action::Open {
            ctx.go(ScreenId::Inbox);
        }
    }

    fn back(&mut self, _ctx: &mut Ctx) -> Back {
        Back::Stay
    }

    fn key_bar(&self) -> Vec<Action> {
        vec![
            Action::Go(ScreenId::Inbox),
            Action::Go(ScreenId::Audit),
            Action::Go(ScreenId::Outbox),
            Action::Palette,
            Action::Help,
            Action::Quit,
        ]
    }

    /// The figures come from the summary and the rows; a drain changes the outbox's.
    fn on_change(&mut self, change: &Change, _ctx: &mut Ctx) -> bool {
        matches!(change, Change::Sender { done: true, .. })
    }

    fn draw(&self, frame: &mut Frame, area: Rect, view: &View) {
        view::draw(frame, area, view);
    }
}
