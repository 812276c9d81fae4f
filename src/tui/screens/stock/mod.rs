//! Alloggi: the housing stock in code order, filtered by state, by the household size it
//! suits, accessible only and empty for at least some days; a dwelling's card; the forms that
//! add and change a dwelling and change its state.

mod forms;
mod texts;
mod update;
mod view;

use std::collections::BTreeMap;

use crate::domain::stock::{Dwelling, DwellingCode, DwellingFilter, DwellingState};
use crate::tui::actions::{Action, NEXT_FILTER, PREVIOUS_FILTER, ScreenAction};
use crate::tui::context::Awaiting;
use crate::tui::keymap::Context;
use crate::tui::list::ListCursor;

use super::{ScreenInfo, Tab};

pub use forms::StockOutcome;

/// Lines around the table: header, tabs, state bar, filter line, rule, column titles, status,
/// keys.
pub const STOCK_CHROME: u16 = 8;

pub const NEW_DWELLING: ScreenAction = ScreenAction::new("nuovo_alloggio", texts::NEW_DWELLING);
pub const EDIT_DWELLING: ScreenAction =
    ScreenAction::new("modifica_alloggio", texts::EDIT_DWELLING);
pub const CHANGE_STATE: ScreenAction = ScreenAction::new("stato_alloggio", texts::CHANGE_STATE);
pub const FILTER_SIZE: ScreenAction = ScreenAction::new("filtro_nucleo", texts::FILTER_SIZE);
pub const FILTER_ACCESSIBLE: ScreenAction =
    ScreenAction::new("filtro_accessibili", texts::FILTER_ACCESSIBLE);
pub const FILTER_VACANCY: ScreenAction =
    ScreenAction::new("filtro_giorni_libero", texts::FILTER_VACANCY);

/// The largest household size the size filter names: six stands for six or more.
pub const LARGEST_SIZE: usize = 6;

impl StockScreen {
    pub const INFO: ScreenInfo = ScreenInfo {
        title: texts::SCREEN_STOCK,
        context: "alloggi",
        help_heading: texts::HELP_HEADING,
        tab: Tab::Own {
            goto: "vai_alloggi",
            text: texts::GO_TO,
        },
        actions: &[
            Action::Screen(NEW_DWELLING),
            Action::Screen(EDIT_DWELLING),
            Action::Screen(CHANGE_STATE),
            Action::Screen(NEXT_FILTER),
            Action::Screen(PREVIOUS_FILTER),
            Action::Screen(FILTER_SIZE),
            Action::Screen(FILTER_ACCESSIBLE),
            Action::Screen(FILTER_VACANCY),
        ],
        help_contexts: &[Context::Form],
    };
}

/// The stock as the filters other than the state keep it, and the state chosen among them.
#[derive(Debug, Default)]
pub struct StockScreen {
    /// Every criterion but the state, which is chosen among the dwellings read.
    pub filter: DwellingFilter,
    /// None: every state.
    pub state: Option<DwellingState>,
    /// What the office returned for `filter`, in code order.
    pub dwellings: Vec<Dwelling>,
    /// Of those, the ones in the chosen state: indexes into `dwellings`.
    pub shown: Vec<usize>,
    pub list: ListCursor,
    /// The dwelling whose card is open, kept by code across reloads.
    pub card: Option<DwellingCode>,
    /// Whether the stock was read at least once: an empty list says so only then.
    pub loaded: bool,
    /// A dwelling just saved: the cursor goes to it once the list is read again.
    follow: Option<DwellingCode>,
    reading: Awaiting<()>,
}

impl StockScreen {
    pub fn selected(&self) -> Option<&Dwelling> {
        self.shown
            .get(self.list.cursor)
            .and_then(|i| self.dwellings.get(*i))
    }

    pub fn shown_dwellings(&self) -> impl Iterator<Item = &Dwelling> {
        self.shown.iter().filter_map(|i| self.dwellings.get(*i))
    }

    /// The open card's dwelling, as last read.
    pub fn card_dwelling(&self) -> Option<&Dwelling> {
        let code = self.card.as_ref()?;
        self.dwellings.iter().find(|d| &d.code == code)
    }

    /// How many of the dwellings read are in each state.
    pub fn counts(&self) -> BTreeMap<DwellingState, usize> {
        let mut counts = BTreeMap::new();
        for dwelling in &self.dwellings {
            *counts.entry(dwelling.state).or_insert(0) += 1;
        }
        counts
    }

    /// The dwellings as just read; the cursor stays on its dwelling, or goes to the one just
    /// saved.
    pub fn load(&mut self, dwellings: Vec<Dwelling>) {
        let current = self.selected().map(|d| d.code.clone());
        self.dwellings = dwellings;
        self.loaded = true;
        let target = self.follow.take().or(current);
        self.show_state(target);
    }

    /// The state tab: `None` is every state, then each state in order.
    pub fn step_state(&mut self, step: isize) {
        let tabs = state_tabs();
        let here = tabs.iter().position(|t| *t == self.state).unwrap_or(0) as isize;
        let next = (here + step).rem_euclid(tabs.len() as isize) as usize;
        self.state = tabs[next];
        let current = self.selected().map(|d| d.code.clone());
        self.show_state(current);
    }

    /// Picks the dwellings of the state chosen, the cursor on `keep` when it is among them.
    fn show_state(&mut self, keep: Option<DwellingCode>) {
        let state = self.state;
        self.shown = self
            .dwellings
            .iter()
            .enumerate()
            .filter(|(_, d)| state.is_none_or(|s| d.state == s))
            .map(|(i, _)| i)
            .collect();
        let position = keep.and_then(|code| {
            self.shown
                .iter()
                .position(|i| self.dwellings.get(*i).is_some_and(|d| d.code == code))
        });
        match position {
            Some(at) => self.list.cursor = at,
            None => self.list.clamp(self.shown.len()),
        }
    }

    /// The household size filter's next value: none, 1, 2, …, 6 or more, none.
    pub fn step_size(&mut self) {
        self.filter.size = match self.filter.size {
            None => Some(1),
            Some(size) if size >= LARGEST_SIZE => None,
            Some(size) => Some(size + 1),
        };
    }

    pub fn move_cursor(&mut self, delta: isize, height: usize) {
        self.list.move_by(delta, self.shown.len(), height);
    }
}

/// The state tabs in order: every state, then each one.
pub fn state_tabs() -> Vec<Option<DwellingState>> {
    std::iter::once(None)
        .chain(DwellingState::ALL.into_iter().map(Some))
        .collect()
}
