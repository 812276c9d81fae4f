//! Bandi: the calls of the database, the one under the cursor in detail, and the steps on it
//! (parameters, documents, activation, publication, interested citizens).

mod forms;
mod texts;
mod update;
mod view;

use crate::domain::fiscal_code::PersonFiscalCode;
use crate::domain::{Call, Command};
use crate::tui::actions::{Action, ScreenAction};
use crate::tui::context::{Awaiting, Pending};
use crate::tui::list::ListCursor;
use crate::tui::view::wrap;

use super::{ScreenInfo, Tab};

pub const NEW_CALL: ScreenAction = ScreenAction::new("nuovo_bando", texts::NEW_CALL);
pub const EDIT_CALL: ScreenAction = ScreenAction::new("modifica_bando", texts::EDIT_CALL);
pub const ACTIVATE_CALL: ScreenAction = ScreenAction::new("attiva_bando", texts::ACTIVATE_CALL);
pub const PUBLISH_CALL: ScreenAction = ScreenAction::new("pubblica_bando", texts::PUBLISH_CALL);
pub const EDIT_DOCUMENT: ScreenAction =
    ScreenAction::new("documento_bando", texts::EDIT_DOCUMENT);
pub const REMOVE_DOCUMENT: ScreenAction =
    ScreenAction::new("rimuovi_documento", texts::REMOVE_DOCUMENT);
pub const IMPORT_INTERESTED: ScreenAction =
    ScreenAction::new("importa_interessati", texts::IMPORT_INTERESTED);
pub const ADD_INTERESTED: ScreenAction =
    ScreenAction::new("aggiungi_interessato", texts::ADD_INTERESTED);
pub const REMOVE_INTERESTED: ScreenAction =
    ScreenAction::new("rimuovi_interessato", texts::REMOVE_INTERESTED);
pub const NOTIFY_INTERESTED: ScreenAction =
    ScreenAction::new("avvisa_interessati", texts::NOTIFY_INTERESTED);

impl CallsScreen {
    pub const INFO: ScreenInfo = ScreenInfo {
        title: texts::SCREEN_CALLS,
        context: "bandi",
        help_heading: texts::HELP_HEADING,
        tab: Tab::Own {
            goto: "vai_bandi",
            text: texts::GO_TO,
        },
        actions: &[
            Action::Screen(NEW_CALL),
            Action::Screen(EDIT_CALL),
            Action::Screen(ACTIVATE_CALL),
            Action::Screen(PUBLISH_CALL),
            Action::Screen(EDIT_DOCUMENT),
            Action::Screen(REMOVE_DOCUMENT),
            Action::Screen(IMPORT_INTERESTED),
            Action::Screen(ADD_INTERESTED),
            Action::Screen(REMOVE_INTERESTED),
            Action::Screen(NOTIFY_INTERESTED),
        ],
        help_contexts: &[],
    };
}

#[derive(Debug, Default)]
pub struct CallsScreen {
    /// Newest window first.
    pub calls: Vec<Call>,
    /// Code of the active call.
    pub active: Option<String>,
    /// The first row shown moves when the list is taller than its room.
    pub list: ListCursor,
    /// Citizens interested in the call under the cursor.
    pub interested: usize,
    /// Citizens interested in each call, by position in `calls`.
    pub counts: Vec<usize>,
    /// The call the cursor goes to at the next reload (one just created).
    pub follow: Option<String>,
    /// The last file imported, offered again: after fixing a bad row the caseworker retries.
    pub last_import: Option<String>,
    /// The bad rows of the last refused import, with the call they were for; shown in the detail
    /// pane, where every row fits, while that call is under the cursor.
    pub import_errors: Option<(String, Vec<String>)>,
    /// First line shown of the detail's last section (documents, or the bad rows), which may be
    /// longer than its room at 80×24.
    pub section_scroll: usize,
    /// The list being read.
    reading: Awaiting<()>,
    /// The call under the cursor read again before one of its actions acts on it.
    acting: Awaiting<(ScreenAction, String)>,
    /// A new call's code looked up before its parameters' form opens.
    checking: Awaiting<Box<Call>>,
    /// The citizens already interested, read before an import adds the others.
    importing: Awaiting<(String, Vec<PersonFiscalCode>)>,
    /// Steps sent on a call, each with what to say once it went through.
    stepping: Pending<Stepping>,
}

/// A step on a call sent to the office.
#[derive(Debug)]
struct Stepping {
    command: Command,
    done: String,
}

impl CallsScreen {
    pub fn current(&self) -> Option<&Call> {
        self.calls.get(self.list.cursor)
    }

    pub fn is_active(&self, call: &Call) -> bool {
        self.active.as_deref() == Some(call.code.as_str())
    }

    /// Replaces the list, keeping the cursor on the call it was on (or on `follow`).
    pub fn set_calls(&mut self, mut calls: Vec<Call>, counts: Vec<usize>, active: Option<String>) {
        let before = self.current().map(|c| c.code.clone());
        let keep = self.follow.take().or_else(|| before.clone());
        // Sorted together so that each count stays with its call.
        let mut rows: Vec<(Call, usize)> = calls.drain(..).zip(counts).collect();
        rows.sort_by(|a, b| {
            b.0.opens_at
                .cmp(&a.0.opens_at)
                .then_with(|| a.0.code.cmp(&b.0.code))
        });
        let (calls, counts) = rows.into_iter().unzip();
        self.calls = calls;
        self.counts = counts;
        self.active = active;
        self.list.cursor = keep
            .and_then(|code| self.calls.iter().position(|c| c.code == code))
            .unwrap_or(self.list.cursor)
            .min(self.calls.len().saturating_sub(1));
        self.interested = self.counts.get(self.list.cursor).copied().unwrap_or(0);
        if self.current().map(|c| &c.code) != before.as_ref() {
            self.section_scroll = 0;
        }
    }

    /// Moves the cursor by `delta` rows, keeping it within `height` visible rows.
    pub fn move_cursor(&mut self, delta: isize, height: usize) {
        let before = self.list.cursor;
        self.list.move_by(delta, self.calls.len(), height);
        if self.list.cursor != before {
            self.section_scroll = 0;
        }
        self.interested = self.counts.get(self.list.cursor).copied().unwrap_or(0);
    }
}

/// Width of one label-and-value cell of the parameters' grid: two at 80 columns, three at 120.
pub const CELL: usize = 39;
/// Label-and-value pairs in the grid.
pub const GRID_PAIRS: usize = 11;
/// Detail lines besides the grid and the scrolled section: title, determina, window, protocol,
/// publication, the section's heading.
const DETAIL_LINES: usize = 6;
/// Lines around the list's rows: column titles and rule above, rule below.
const LIST_CHROME: usize = 3;

/// Rows the list of calls may take in a body `body_height` lines tall: the rest is the detail
/// of the call under the cursor, which matters more (a Comune has a handful of calls).
pub fn list_room(body_height: usize) -> usize {
    (body_height.saturating_sub(14) / 2).max(2)
}

/// Where the screen's parts go; shared by the drawing and the keys that scroll.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Geometry {
    pub list_rows: usize,
    pub grid_columns: usize,
    /// Lines for the documents (or the bad rows of an import) under their heading.
    pub section_rows: usize,
}

impl CallsScreen {
    pub fn geometry(&self, width: usize, body_height: usize) -> Geometry {
        let list_rows = list_room(body_height).min(self.calls.len().max(1));
        let grid_columns = (width.saturating_sub(1) / CELL).max(1);
        let grid = GRID_PAIRS.div_ceil(grid_columns);
        Geometry {
            list_rows,
            grid_columns,
            section_rows: body_height
                .saturating_sub(
                    LIST_CHROME + list_rows + DETAIL_LINES + grid + self.title_lines(width) - 1,
                )
                .max(1),
        }
    }

    /// The bad rows of the last refused import, while their call is under the cursor.
    pub fn shown_import_errors(&self) -> Option<&[String]> {
        let (call, rows) = self.import_errors.as_ref()?;
        (self.current()?.code == *call).then_some(rows.as_slice())
    }

    /// The section's lines at `width`: each bad row wrapped (all of it is needed to fix the
    /// file), or each document with its title and need wrapped in their columns.
    pub fn section_lines(&self, width: usize) -> usize {
        match self.shown_import_errors() {
            Some(rows) => rows
                .iter()
                .map(|row| wrap(row, width.saturating_sub(4)).len())
                .sum(),
            None => self
                .current()
                .map_or(0, |c| view::document_rows(&c.documents, width).len()),
        }
    }

    /// The lines of the current call's code and title, wrapped at `width`: never cut.
    pub fn title_lines(&self, width: usize) -> usize {
        self.current()
            .map_or(1, |c| view::call_title(c, width).len().max(1))
    }

    /// The most the section can scroll: its last line at the bottom of its room.
    pub fn max_section_scroll(&self, width: usize, body_height: usize) -> usize {
        let room = self.geometry(width, body_height).section_rows;
        self.section_lines(width).saturating_sub(room)
    }

    /// Scrolls the section by `pages` of its room.
    pub fn scroll_section(&mut self, pages: isize, width: usize, body_height: usize) {
        let room = self.geometry(width, body_height).section_rows as isize;
        let max = self.max_section_scroll(width, body_height) as isize;
        self.section_scroll = (self.section_scroll as isize + pages * room).clamp(0, max) as usize;
    }
}
