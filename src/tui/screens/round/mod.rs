//! Assegnazioni: the round on the definitive ranking, applicant by applicant in ranking order
//! with where each stands; the dwellings free to offer; the offer window that names the first
//! applicant a dwelling suits, those passed over and the requirements to check again; the
//! forms that open the round, record a reply, warn, exclude and decree.

mod forms;
mod texts;
mod update;
mod view;

use std::collections::BTreeMap;

use crate::domain::ApplicationId;
use crate::domain::stock::{Dwelling, DwellingCode, Placement, Standing};
use crate::office::{NextOffer, RoundView};
use crate::tui::actions::{Action, NEXT_FILTER, PREVIOUS_FILTER, ScreenAction};
use crate::tui::context::Awaiting;
use crate::tui::keymap::Context;
use crate::tui::list::ListCursor;

use super::{ScreenInfo, Tab};

pub use forms::RoundOutcome;

/// Lines around the table: header, tabs, round line, counts, filter tabs, rule, column
/// titles, status, keys.
pub const ROUND_CHROME: u16 = 9;

pub const OPEN_ROUND: ScreenAction = ScreenAction::new("apri_assegnazione", texts::OPEN_ROUND);
pub const OFFER: ScreenAction = ScreenAction::new("proponi", texts::OFFER);
pub const REPLY: ScreenAction = ScreenAction::new("risposta", texts::REPLY);
pub const WARN: ScreenAction = ScreenAction::new("diffida", texts::WARN);
pub const EXCLUDE_CANDIDATE: ScreenAction =
    ScreenAction::new("escludi_candidato", texts::EXCLUDE_CANDIDATE);
pub const DECREE: ScreenAction = ScreenAction::new("decreto", texts::DECREE);
pub const OVERDUE: ScreenAction = ScreenAction::new("filtro_scadute", texts::OVERDUE);
pub const FREE_PANE: ScreenAction = ScreenAction::new("alloggi_liberi", texts::FREE_PANE);
pub const TICK: ScreenAction = ScreenAction::new("spunta_requisito", texts::TICK);

/// Days to reply to an offer unless the caseworker changes them.
pub const REPLY_DAYS: u64 = 10;
/// Days a round stays open unless the caseworker changes them.
pub const WINDOW_DAYS: u64 = 30;

impl RoundScreen {
    pub const INFO: ScreenInfo = ScreenInfo {
        title: texts::SCREEN_ROUND,
        context: "assegnazioni",
        help_heading: texts::HELP_HEADING,
        tab: Tab::Own {
            goto: "vai_assegnazioni",
            text: texts::GO_TO,
        },
        actions: &[
            Action::Screen(OPEN_ROUND),
            Action::Screen(OFFER),
            Action::Screen(REPLY),
            Action::Screen(WARN),
            Action::Screen(EXCLUDE_CANDIDATE),
            Action::Screen(DECREE),
            Action::Screen(OVERDUE),
            Action::Screen(FREE_PANE),
            Action::Screen(TICK),
            Action::Screen(NEXT_FILTER),
            Action::Screen(PREVIOUS_FILTER),
        ],
        help_contexts: &[Context::Form, Context::Confirm, Context::Preview],
    };
}

/// Which list the screen shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Pane {
    /// The applicants in ranking order.
    #[default]
    Places,
    /// The dwellings free to offer.
    Free,
}

/// The requirements checked again before an offer, in the window's order.
pub const CHECKS: usize = 3;

/// The offer window: the next applicant for a dwelling and the requirements ticked so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferWindow {
    pub next: NextOffer,
    pub ticked: [bool; CHECKS],
    pub cursor: usize,
}

impl OfferWindow {
    pub fn new(next: NextOffer) -> OfferWindow {
        OfferWindow {
            next,
            ticked: [false; CHECKS],
            cursor: 0,
        }
    }

    pub fn all_ticked(&self) -> bool {
        self.ticked.iter().all(|t| *t)
    }

    pub fn chosen(&self) -> Option<&Placement> {
        self.next.chosen.as_ref().map(|(p, _)| p)
    }
}

/// The round as last read, the list shown and the offer window when one is open.
#[derive(Debug, Default)]
pub struct RoundScreen {
    pub round: Option<RoundView>,
    /// Why there is no round to show: the office's words.
    pub missing: Option<String>,
    /// Whether the round was read at least once.
    pub loaded: bool,
    pub pane: Pane,
    /// Only the replies and warnings overdue and the occupations lapsed.
    pub overdue_only: bool,
    /// The places shown: indexes into the round's places.
    pub shown: Vec<usize>,
    pub list: ListCursor,
    pub free_list: ListCursor,
    pub offer: Option<OfferWindow>,
    reading: Awaiting<()>,
    /// The next applicant asked for a dwelling.
    asking_next: Awaiting<DwellingCode>,
    /// The opening previewed, from its form.
    previewing: Awaiting<()>,
    /// An offer sent, with its command for what follows and what to say once through.
    offering: Awaiting<(crate::domain::Command, String)>,
}

impl RoundScreen {
    pub fn places(&self) -> &[Placement] {
        self.round.as_ref().map_or(&[], |r| r.placements.as_slice())
    }

    pub fn free(&self) -> &[Dwelling] {
        self.round.as_ref().map_or(&[], |r| r.free.as_slice())
    }

    pub fn shown_places(&self) -> impl Iterator<Item = &Placement> {
        let places = self.places();
        self.shown.iter().filter_map(move |i| places.get(*i))
    }

    /// The applicant under the cursor.
    pub fn selected(&self) -> Option<&Placement> {
        if self.pane != Pane::Places {
            return None;
        }
        self.shown
            .get(self.list.cursor)
            .and_then(|i| self.places().get(*i))
    }

    /// The free dwelling under the cursor.
    pub fn selected_free(&self) -> Option<&Dwelling> {
        if self.pane != Pane::Free {
            return None;
        }
        self.free().get(self.free_list.cursor)
    }

    /// How many places stand each way: waiting, offered, warned, accepted, assigned,
    /// excluded.
    pub fn counts(&self) -> BTreeMap<usize, usize> {
        let mut counts = BTreeMap::new();
        for place in self.places() {
            *counts.entry(standing_rank(&place.standing)).or_insert(0) += 1;
        }
        counts
    }

    /// The places whose reply or warning is overdue, or whose occupation lapsed.
    pub fn overdue_count(&self, today: chrono::NaiveDate) -> usize {
        self.places()
            .iter()
            .filter(|p| needs_action(p, today))
            .count()
    }

    /// The round as just read; the cursors stay on their applicant and dwelling.
    pub fn load(&mut self, round: RoundView, today: chrono::NaiveDate) {
        let current = self.selected_id();
        let free = self
            .free()
            .get(self.free_list.cursor)
            .map(|d| d.code.clone());
        self.round = Some(round);
        self.missing = None;
        self.loaded = true;
        self.show(current, today);
        let at = free.and_then(|code| self.free().iter().position(|d| d.code == code));
        match at {
            Some(at) => self.free_list.cursor = at,
            None => self.free_list.clamp(self.free().len()),
        }
    }

    /// No round to show, and why.
    pub fn none(&mut self, why: String) {
        self.round = None;
        self.missing = Some(why);
        self.loaded = true;
        self.shown.clear();
        self.list.reset();
        self.free_list.reset();
    }

    fn selected_id(&self) -> Option<ApplicationId> {
        self.shown
            .get(self.list.cursor)
            .and_then(|i| self.places().get(*i))
            .map(|p| p.application)
    }

    /// Picks the places the filter keeps, the cursor on `keep` when it is among them.
    pub fn show(&mut self, keep: Option<ApplicationId>, today: chrono::NaiveDate) {
        let overdue_only = self.overdue_only;
        self.shown = self
            .places()
            .iter()
            .enumerate()
            .filter(|(_, p)| !overdue_only || needs_action(p, today))
            .map(|(i, _)| i)
            .collect();
        let at = keep.and_then(|id| {
            self.shown
                .iter()
                .position(|i| self.places().get(*i).is_some_and(|p| p.application == id))
        });
        match at {
            Some(at) => self.list.cursor = at,
            None => self.list.clamp(self.shown.len()),
        }
    }

    /// The filter tab: every place, overdue ones, the free dwellings.
    pub fn step_tab(&mut self, step: isize, today: chrono::NaiveDate) {
        let here: isize = match (self.pane, self.overdue_only) {
            (Pane::Free, _) => 2,
            (Pane::Places, true) => 1,
            (Pane::Places, false) => 0,
        };
        match (here + step).rem_euclid(3) {
            0 => self.set_tab(Pane::Places, false, today),
            1 => self.set_tab(Pane::Places, true, today),
            _ => self.set_tab(Pane::Free, self.overdue_only, today),
        }
    }

    pub fn set_tab(&mut self, pane: Pane, overdue_only: bool, today: chrono::NaiveDate) {
        let keep = self.selected_id();
        self.pane = pane;
        self.overdue_only = overdue_only;
        self.show(keep, today);
    }
}

/// The order the header counts standings in.
pub fn standing_rank(standing: &Standing) -> usize {
    match standing {
        Standing::InAttesa => 0,
        Standing::Proposta { .. } => 1,
        Standing::Diffidato { .. } => 2,
        Standing::Accettato { .. } => 3,
        Standing::Assegnato { .. } => 4,
        Standing::Escluso { .. } => 5,
    }
}

/// A reply or warning overdue, or an occupation lapsed: something for the caseworker to do.
pub fn needs_action(place: &Placement, today: chrono::NaiveDate) -> bool {
    place.is_overdue(today) || place.occupation_lapsed(today)
}
