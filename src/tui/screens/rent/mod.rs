//! Canoni: a month of rent at a time (the arrows change it), its notices with where each
//! stands and the month's counts and amounts; the arrears list, the longest first; a tenant's
//! ledger; the batches that issue the month, remind before the due day and tell the overdue,
//! each counted and confirmed first, then run with a progress bar; a counter payment; the
//! office's decisions on a tenant's arrears (morosità incolpevole, a repayment plan) and their
//! ISEE, from the ledger; the rent's yearly update, listed before and after, then confirmed.

mod forms;
mod recompute;
mod texts;
mod update;
mod view;

use crate::domain::ApplicationId;
use crate::domain::rent::Month;
use crate::office::{
    ArrearsRow, RecomputePreview, RentBatchKind, RentMonthRow, RentMonthView, TenantAccount,
};
use crate::tui::actions::{Action, ScreenAction};
use crate::tui::context::Awaiting;
use crate::tui::keymap::Context;
use crate::tui::list::ListCursor;

use super::{ScreenInfo, Tab};

pub use forms::{RentOutcome, isee as isee_form};

/// Lines around the table: header, tabs, month line, amounts, pane tabs, rule, column titles,
/// status, keys.
pub const RENT_CHROME: u16 = 9;

pub const NEXT_MONTH: ScreenAction = ScreenAction::new("mese_successivo", texts::NEXT_MONTH);
pub const PREVIOUS_MONTH: ScreenAction =
    ScreenAction::new("mese_precedente", texts::PREVIOUS_MONTH);
pub const ARREARS_PANE: ScreenAction = ScreenAction::new("elenco_morosi", texts::ARREARS_PANE);
pub const ISSUE: ScreenAction = ScreenAction::new("emetti_mese", texts::ISSUE);
pub const REMIND: ScreenAction = ScreenAction::new("promemoria", texts::REMIND);
pub const OVERDUE: ScreenAction = ScreenAction::new("sollecito", texts::OVERDUE);
pub const COUNTER: ScreenAction = ScreenAction::new("pagato_sportello", texts::COUNTER);
pub const INNOCENT: ScreenAction = ScreenAction::new("morosita_incolpevole", texts::INNOCENT);
pub const PLAN: ScreenAction = ScreenAction::new("piano_rientro", texts::PLAN);
pub const ISEE: ScreenAction = ScreenAction::new("isee_inquilino", texts::ISEE);
pub const RECOMPUTE: ScreenAction = ScreenAction::new("aggiorna_canoni", texts::RECOMPUTE);

impl RentScreen {
    pub const INFO: ScreenInfo = ScreenInfo {
        title: texts::SCREEN_RENT,
        context: "canoni",
        help_heading: texts::HELP_HEADING,
        tab: Tab::Own {
            goto: "vai_canoni",
            text: texts::GO_TO,
        },
        actions: &[
            Action::Screen(NEXT_MONTH),
            Action::Screen(PREVIOUS_MONTH),
            Action::Screen(ARREARS_PANE),
            Action::Screen(ISSUE),
            Action::Screen(REMIND),
            Action::Screen(OVERDUE),
            Action::Screen(COUNTER),
            Action::Screen(INNOCENT),
            Action::Screen(PLAN),
            Action::Screen(ISEE),
            Action::Screen(RECOMPUTE),
        ],
        help_contexts: &[Context::Form, Context::Confirm],
    };
}

/// Which list the screen shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Pane {
    #[default]
    Month,
    Arrears,
}

/// What a key pressed on a list does once the tenant's ledger it opens is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerForm {
    Innocent,
    Plan,
    Isee,
}

/// The yearly update's before → after list, scrolled by rows.
#[derive(Debug)]
pub struct RecomputeView {
    pub preview: RecomputePreview,
    pub offset: usize,
}

/// The month shown, its notices and the arrears as last read, and the ledger open.
#[derive(Debug, Default)]
pub struct RentScreen {
    /// The month shown: the console's month until changed.
    pub month: Option<Month>,
    pub view: Option<RentMonthView>,
    pub arrears: Vec<ArrearsRow>,
    pub loaded: bool,
    pub pane: Pane,
    pub list: ListCursor,
    pub arrears_list: ListCursor,
    /// The ledger open: the tenant's account with their name and protocol.
    pub ledger: Option<(TenantAccount, String, String)>,
    /// The yearly update shown before it is recorded.
    pub recompute: Option<RecomputeView>,
    /// The day of the yearly update last listed: its form offers it again.
    recompute_from: Option<chrono::NaiveDate>,
    reading: Awaiting<()>,
    reading_arrears: Awaiting<()>,
    /// The ledger asked for: tenant, protocol, and the form to open over it once in.
    opening: Awaiting<(String, String, Option<LedgerForm>)>,
    previewing: Awaiting<()>,
    counting: Awaiting<RentBatchKind>,
    paying: Awaiting<(String, String)>,
}

impl RentScreen {
    pub fn rows(&self) -> &[RentMonthRow] {
        self.view.as_ref().map_or(&[], |v| v.rows.as_slice())
    }

    /// The notice under the cursor, on the month's list.
    pub fn selected(&self) -> Option<&RentMonthRow> {
        if self.pane != Pane::Month {
            return None;
        }
        self.rows().get(self.list.cursor)
    }

    pub fn selected_arrears(&self) -> Option<&ArrearsRow> {
        if self.pane != Pane::Arrears {
            return None;
        }
        self.arrears.get(self.arrears_list.cursor)
    }

    /// The tenant under the cursor, either list: id, name, protocol.
    pub fn selected_tenant(&self) -> Option<(ApplicationId, String, String)> {
        match self.pane {
            Pane::Month => self
                .selected()
                .map(|r| (r.notice.tenancy, r.tenant.clone(), r.protocol.clone())),
            Pane::Arrears => self
                .selected_arrears()
                .map(|r| (r.id, r.tenant.clone(), r.protocol.clone())),
        }
    }

    /// The month as just read; the cursor stays on its tenant.
    pub fn load(&mut self, view: RentMonthView) {
        let keep = self.selected().map(|r| r.notice.tenancy);
        let same_month = self.view.as_ref().is_some_and(|v| v.month == view.month);
        self.view = Some(view);
        self.loaded = true;
        let at = keep
            .filter(|_| same_month)
            .and_then(|id| self.rows().iter().position(|r| r.notice.tenancy == id));
        match at {
            Some(at) => self.list.cursor = at,
            None if same_month => self.list.clamp(self.rows().len()),
            None => self.list.reset(),
        }
    }

    pub fn load_arrears(&mut self, rows: Vec<ArrearsRow>) {
        let keep = self.arrears.get(self.arrears_list.cursor).map(|r| r.id);
        self.arrears = rows;
        match keep.and_then(|id| self.arrears.iter().position(|r| r.id == id)) {
            Some(at) => self.arrears_list.cursor = at,
            None => self.arrears_list.clamp(self.arrears.len()),
        }
    }
}
