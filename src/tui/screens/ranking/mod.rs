//! Graduatoria: the active call's live order or one of its published versions, the filter and
//! search over its rows, and the cursor; the publications and the exports.

mod forms;
mod texts;
mod update;
mod view;

use crate::domain::publication::RankingHeader;
use crate::domain::ranking::{RankRow, RankingKind};
use crate::tui::actions::{Action, FILTER, SEARCH, ScreenAction};
use crate::tui::context::Awaiting;
use crate::tui::data::RankingData;
use crate::tui::keymap::Context;
use crate::tui::list::ListCursor;

use super::{ScreenInfo, Tab};

pub use forms::ExportKind;
use forms::Export;

pub const CYCLE_VERSION: ScreenAction = ScreenAction::new("versione", texts::CYCLE_VERSION);
pub const PUBLISH_PROVISIONAL: ScreenAction =
    ScreenAction::new("pubblica_provvisoria", texts::PUBLISH_PROVISIONAL);
pub const PUBLISH_DEFINITIVE: ScreenAction =
    ScreenAction::new("pubblica_definitiva", texts::PUBLISH_DEFINITIVE);
pub const EXPORT_RANKING: ScreenAction =
    ScreenAction::new("esporta_graduatoria", texts::EXPORT_RANKING);

impl RankingScreen {
    pub const INFO: ScreenInfo = ScreenInfo {
        title: texts::SCREEN_RANKING,
        context: "graduatoria",
        help_heading: texts::SCREEN_RANKING,
        tab: Tab::Own {
            goto: "vai_graduatoria",
            text: texts::GO_TO,
        },
        actions: &[
            Action::Screen(SEARCH),
            Action::Screen(FILTER),
            Action::Screen(CYCLE_VERSION),
            Action::Screen(PUBLISH_PROVISIONAL),
            Action::Screen(PUBLISH_DEFINITIVE),
            Action::Screen(EXPORT_RANKING),
        ],
        help_contexts: &[Context::Search, Context::Preview, Context::Form],
    };
}

/// Lines around the ranking's table: header and tabs, the version line, the counts and
/// warnings, the filters, the column titles, status line, key bar.
pub const RANKING_CHROME: u16 = 8;

/// Which order the screen shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Shown {
    /// The order the records give now, not published.
    #[default]
    Live,
    /// A published version, by number.
    Version(u32),
}

/// Which rows the table lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RankFilter {
    #[default]
    All,
    Admitted,
    Excluded,
    /// Rows sharing their total with another.
    Tied,
    /// Applications with an objection still to decide.
    Objection,
}

impl RankFilter {
    pub const ALL: [RankFilter; 5] = [
        RankFilter::All,
        RankFilter::Admitted,
        RankFilter::Excluded,
        RankFilter::Tied,
        RankFilter::Objection,
    ];
}

/// The search typed with `/`: protocol or name, as written.
#[derive(Debug, Default)]
pub struct RankSearch {
    pub input: tui_input::Input,
    /// Keys go to the query; Enter stops typing and keeps the filter.
    pub typing: bool,
}

impl RankSearch {
    pub fn query(&self) -> &str {
        self.input.value().trim()
    }
}

#[derive(Debug, Default)]
pub struct RankingScreen {
    /// What was last read; None until the first load arrives.
    pub data: Option<RankingData>,
    pub shown: Shown,
    /// The published version shown, with its rows, when `shown` names one.
    pub version: Option<(RankingHeader, Vec<RankRow>)>,
    pub filter: RankFilter,
    pub search: Option<RankSearch>,
    /// Indices into the shown rows that pass the filter and the search.
    pub view: Vec<usize>,
    pub list: ListCursor,
    /// The replies it waits for: the figures, a version, a publication's preview, an export.
    reading: Awaiting<()>,
    reading_version: Awaiting<(String, u32)>,
    publishing: Awaiting<(String, RankingKind)>,
    exporting: Awaiting<Export>,
}

impl RankingScreen {
    /// The rows of the order shown: the live one, or the published version once read.
    pub fn rows(&self) -> &[RankRow] {
        match self.shown {
            Shown::Live => self.data.as_ref().map_or(&[], |d| d.live.as_slice()),
            Shown::Version(n) => match &self.version {
                Some((header, rows)) if header.number == n => rows,
                _ => &[],
            },
        }
    }

    /// The header of the version shown, once read.
    pub fn shown_header(&self) -> Option<&RankingHeader> {
        match (self.shown, &self.version) {
            (Shown::Version(n), Some((header, _))) if header.number == n => Some(header),
            _ => None,
        }
    }

    pub fn current(&self) -> Option<&RankRow> {
        self.view.get(self.list.cursor).and_then(|i| self.rows().get(*i))
    }

    pub fn holds(&self, filter: RankFilter, row: &RankRow) -> bool {
        match filter {
            RankFilter::All => true,
            RankFilter::Admitted => row.admitted,
            RankFilter::Excluded => !row.admitted,
            RankFilter::Tied => row.tied,
            RankFilter::Objection => self
                .data
                .as_ref()
                .is_some_and(|d| d.open_objections.contains(&row.application)),
        }
    }

    pub fn count(&self, filter: RankFilter) -> usize {
        self.rows().iter().filter(|r| self.holds(filter, r)).count()
    }

    /// Recomputes the rows listed, keeping the cursor on the application it was on.
    pub fn rebuild_view(&mut self) {
        let before = self.current().map(|r| r.application);
        let query = self
            .search
            .as_ref()
            .map(|s| s.query().to_lowercase())
            .unwrap_or_default();
        let view: Vec<usize> = self
            .rows()
            .iter()
            .enumerate()
            .filter(|(_, row)| self.holds(self.filter, row))
            .filter(|(_, row)| {
                query.is_empty()
                    || row.protocol.to_lowercase().contains(&query)
                    || row.applicant.to_lowercase().contains(&query)
            })
            .map(|(i, _)| i)
            .collect();
        self.view = view;
        let rows = self.rows();
        self.list.cursor = before
            .and_then(|id| {
                self.view
                    .iter()
                    .position(|i| rows.get(*i).is_some_and(|r| r.application == id))
            })
            .unwrap_or(self.list.cursor)
            .min(self.view.len().saturating_sub(1));
    }

    pub fn set_data(&mut self, data: RankingData) {
        // A version that no longer exists (another database) falls back to the live order.
        if let Shown::Version(n) = self.shown
            && !data.versions.iter().any(|v| v.number == n)
        {
            self.shown = Shown::Live;
        }
        // A version of another call (the active one changed) is not shown for this one.
        if let (Some((header, _)), Some(call)) = (&self.version, &data.call)
            && header.call != call.code
        {
            self.version = None;
        }
        self.data = Some(data);
        self.rebuild_view();
    }

    pub fn set_version(&mut self, header: RankingHeader, rows: Vec<RankRow>) {
        self.version = Some((header, rows));
        self.rebuild_view();
    }

    /// Live → n. 1 → n. 2 → … → live. The version to read, if one is now shown and not held.
    pub fn next_version(&mut self) -> Option<u32> {
        let numbers: Vec<u32> = self
            .data
            .as_ref()
            .map(|d| d.versions.iter().map(|v| v.number).collect())
            .unwrap_or_default();
        self.shown = match self.shown {
            Shown::Live => numbers.first().copied().map_or(Shown::Live, Shown::Version),
            Shown::Version(n) => numbers
                .iter()
                .copied()
                .find(|v| *v > n)
                .map_or(Shown::Live, Shown::Version),
        };
        self.list.reset();
        self.rebuild_view();
        match self.shown {
            Shown::Version(n) if self.shown_header().is_none() => Some(n),
            _ => None,
        }
    }

    pub fn next_filter(&mut self) {
        let here = RankFilter::ALL
            .iter()
            .position(|f| *f == self.filter)
            .unwrap_or(0);
        self.filter = RankFilter::ALL[(here + 1) % RankFilter::ALL.len()];
        self.list.reset();
        self.rebuild_view();
    }

    pub fn move_cursor(&mut self, delta: isize, height: usize) {
        self.list.move_by(delta, self.view.len(), height);
    }

    pub fn start_search(&mut self) {
        match &mut self.search {
            Some(search) => search.typing = true,
            None => {
                self.search = Some(RankSearch {
                    input: tui_input::Input::default(),
                    typing: true,
                })
            }
        }
    }

    pub fn cancel_search(&mut self) {
        self.search = None;
        self.rebuild_view();
    }

    pub fn typing(&self) -> bool {
        self.search.as_ref().is_some_and(|s| s.typing)
    }
}
