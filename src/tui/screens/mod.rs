//! The console's screens. Each one lives in its own folder (its state, update, view, forms and
//! texts), implements [`Screen`], and is listed once in the registry below, in tab order: from
//! that line come its tab, its key for going there, its section of the keymap, its key bar, its
//! help and its palette entries.
//!
//! A screen never sees the `App`, nor the database: what it needs from the rest of the console
//! (the clock, the status line, forms and message previews, opening a case, requests to the
//! office) it asks of the [`Ctx`] it is handed, and what it shows it draws from a [`View`].

use std::any::Any;
use std::sync::Arc;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use tui_input::InputRequest;

use super::actions::Action;
use super::context::{Change, Ctx, Ticket};
use super::keymap::Context;
use super::search::SearchIndex;
use super::view::View;
use crate::office::Reply;

/// What the registry knows of a screen before any exists: the keymap reads it when it loads.
pub struct ScreenInfo {
    /// Its name in the tabs and the help's title.
    pub title: &'static str,
    /// The keymap section of its own actions.
    pub context: &'static str,
    /// The help's heading over its own keys.
    pub help_heading: &'static str,
    pub tab: Tab,
    /// Every action a keymap may bind in its section, in the order help and palette list them:
    /// its own, and shared ones it gives a meaning of its own (the cruscotto's Invio).
    pub actions: &'static [Action],
    /// The overlays' contexts it uses, whose keys its help lists after its own.
    pub help_contexts: &'static [Context],
}

/// How a screen is reached.
pub enum Tab {
    /// A tab of its own, and the global action that shows it: keymap identifier and text.
    Own {
        goto: &'static str,
        text: &'static str,
    },
    /// Opened from other screens; the header marks the tab of the screen named.
    Under(ScreenId),
}

/// Where Esc leads from a screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Back {
    /// The screen dealt with it (closed its search, say).
    Stay,
    /// To the first tab.
    Home,
    /// To the screen given.
    To(ScreenId),
}

/// One screen of the console. Every method but `on_action` and `draw` has a default that does
/// nothing, so a screen writes only what it does.
pub trait Screen {
    /// The screen is about to be shown (its tab was chosen): read what it shows.
    fn enter(&mut self, _ctx: &mut Ctx) {}

    /// One of its actions, or a shared one it gives a meaning (Invio, the arrows).
    fn on_action(&mut self, action: Action, ctx: &mut Ctx);

    /// Esc, when no batch is running.
    fn back(&mut self, _ctx: &mut Ctx) -> Back {
        Back::Home
    }

    /// Whether keys go to a text it is taking (a search): they are read in `ricerca` then.
    fn typing(&self) -> bool {
        false
    }

    /// A key of the `ricerca` context while it is typing.
    fn on_search(&mut self, _action: Action, _ctx: &mut Ctx) {}

    /// A key no binding claims while it is typing; true when it took it.
    fn type_text(&mut self, _request: InputRequest, _ctx: &mut Ctx) -> bool {
        false
    }

    /// Whether one of its actions can be done now: the key bar and the palette leave the
    /// others out, and the key does nothing.
    fn available(&self, _action: Action, _view: &View) -> bool {
        true
    }

    /// The key bar, in order: its own actions and the shared ones worth a reminder.
    fn key_bar(&self) -> Vec<Action>;

    /// A form it opened was filled in: what the form's purpose produced for it.
    fn on_form(&mut self, _outcome: Box<dyn Any>, _ctx: &mut Ctx) {}

    /// The office's reply to a request it asked with `ticket`; true when what it shows
    /// changed. A reply it no longer waits for (a newer request replaced it) is dropped.
    fn on_reply(&mut self, _ticket: Ticket, _reply: Reply, _ctx: &mut Ctx) -> bool {
        false
    }

    /// A search index it asked for is built; true when what it shows changed.
    fn on_index(&mut self, _index: Arc<SearchIndex>, _ctx: &mut Ctx) -> bool {
        false
    }

    /// Something changed that it may show; true when what it shows changed.
    fn on_change(&mut self, _change: &Change, _ctx: &mut Ctx) -> bool {
        false
    }

    /// The terminal's size changed.
    fn on_resize(&mut self, _ctx: &mut Ctx) {}

    fn draw(&self, frame: &mut Frame, area: Rect, view: &View);

    /// The status line when nothing else is said; `None` leaves it to the keys being typed.
    fn status(&self, _view: &View, _width: usize) -> Option<Line<'static>> {
        None
    }

    /// A title line of its own, drawn instead of the header and the tabs.
    fn title_line(&self, _view: &View, _width: usize) -> Option<Line<'static>> {
        None
    }
}

/// Declares the screens: for each, its folder, its type and its identifier, in tab order.
macro_rules! registry {
    ($($module:ident :: $ty:ident => $id:ident),+ $(,)?) => {
        $(pub mod $module;)+

        /// Which screen.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ScreenId {
            $($id),+
        }

        impl ScreenId {
            /// Every screen, in the registry's order.
            pub const ALL: &'static [ScreenId] = &[$(ScreenId::$id),+];

            pub fn info(self) -> &'static ScreenInfo {
                match self {
                    $(ScreenId::$id => &$module::$ty::INFO,)+
                }
            }
        }

        /// One of each screen, with its state.
        #[derive(Default)]
        pub struct Screens {
            $(pub $module: $module::$ty,)+
        }

        impl Screens {
            pub fn get(&self, id: ScreenId) -> &dyn Screen {
                match id {
                    $(ScreenId::$id => &self.$module,)+
                }
            }

            pub fn get_mut(&mut self, id: ScreenId) -> &mut dyn Screen {
                match id {
                    $(ScreenId::$id => &mut self.$module,)+
                }
            }
        }
    };
}

registry! {
    dashboard::DashboardScreen => Dashboard,
    inbox::InboxScreen => Inbox,
    case::CaseScreen => Case,
    audit::AuditScreen => Audit,
    outbox::OutboxScreen => Outbox,
    agenda::AgendaScreen => Agenda,
    calls::CallsScreen => Calls,
    ranking::RankingScreen => Ranking,
    stock::StockScreen => Stock,
    round::RoundScreen => Round,
    contracts::ContractsScreen => Contracts,
    rent::RentScreen => Rent,
}

impl ScreenId {
    /// The screens with a tab, in order.
    pub fn tabs() -> impl Iterator<Item = ScreenId> {
        ScreenId::ALL
            .iter()
            .copied()
            .filter(|id| matches!(id.info().tab, Tab::Own { .. }))
    }

    /// The screen whose tab is marked while this one shows.
    pub fn tab(self) -> ScreenId {
        match self.info().tab {
            Tab::Own { .. } => self,
            Tab::Under(parent) => parent,
        }
    }

    /// The first tab: where Esc leads.
    pub fn home() -> ScreenId {
        ScreenId::tabs().next().unwrap_or(ScreenId::ALL[0])
    }
}
