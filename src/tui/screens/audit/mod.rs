//! Registro: the audit log, newest first, a page at a time, with its filter; Invio opens the
//! case of an event.

mod forms;
mod texts;
mod view;

use std::any::Any;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::domain::Event;
use crate::office::{AuditFilter, Reply, Request};
use crate::tui::actions::{Action, FILTER, ScreenAction};
use crate::tui::context::{Awaiting, Change, Ctx, Ticket};
use crate::tui::keymap::Context;
use crate::tui::list::ListCursor;
use crate::tui::view::View;

use super::{Screen, ScreenInfo, Tab};
use forms::FilterOutcome;

/// Lines around the audit table, the two of the whole summary under it included.
pub const AUDIT_CHROME: u16 = 9;

/// Lines under the table for the whole summary of the event under the cursor, which the
/// table's column cuts.
pub const AUDIT_DETAIL: usize = 2;

pub const CLEAR_FILTER: ScreenAction = ScreenAction::new("azzera_filtri", texts::CLEAR_FILTER);

pub struct AuditScreen {
    pub filter: AuditFilter,
    /// The protocol typed in the filter, shown back as written.
    pub case_label: String,
    pub page: Vec<(u64, Event)>,
    /// The cursor in the page; the pages move rather than the rows.
    pub list: ListCursor,
    /// `before` of each page opened so far, for paging back.
    pub pages: Vec<Option<u64>>,
    pub loaded: bool,
    /// The page being read: paging quickly asks again, and only the last page asked is shown.
    reading: Awaiting<PageRead>,
    /// The protocol of a filter being looked up, with the filter it completes.
    finding: Awaiting<(String, AuditFilter)>,
}

/// A page being read: the pages opened once it is shown, and where the cursor goes on it.
/// The stack is set when the page arrives, so that a page asked and then replaced by another
/// leaves no trace.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PageRead {
    pages: Vec<Option<u64>>,
    /// The cursor on its last entry (going up past the top), else on its first.
    at_end: bool,
    /// A next (older) page: kept only when there is one, else the list stays as it is at the
    /// end of the log.
    forward: bool,
}

impl Default for AuditScreen {
    fn default() -> Self {
        AuditScreen {
            filter: AuditFilter::default(),
            case_label: String::new(),
            page: Vec::new(),
            list: ListCursor::default(),
            pages: vec![None],
            loaded: false,
            reading: Awaiting::default(),
            finding: Awaiting::default(),
        }
    }
}

impl AuditScreen {
    pub const INFO: ScreenInfo = ScreenInfo {
        title: texts::SCREEN_AUDIT,
        context: "registro",
        help_heading: texts::HELP_HEADING,
        tab: Tab::Own {
            goto: "vai_registro",
            text: texts::GO_TO,
        },
        actions: &[Action::Screen(FILTER), Action::Screen(CLEAR_FILTER)],
        help_contexts: &[Context::Form, Context::Confirm],
    };
}

impl Screen for AuditScreen {
    fn enter(&mut self, ctx: &mut Ctx) {
        if !self.loaded {
            self.load_page(ctx);
        }
    }

    fn on_action(&mut self, action: Action, ctx: &mut Ctx) {
        let cursor = &mut self.list.cursor;
        match action {
            Action::Up if *cursor == 0 && self.pages.len() > 1 => self.page_back(true, ctx),
            Action::Up => *cursor = cursor.saturating_sub(1),
            Action::Down if *cursor + 1 >= self.page.len() => self.page_forward(ctx),
            Action::Down => *cursor += 1,
            Action::PageDown => self.page_forward(ctx),
            Action::PageUp => self.page_back(false, ctx),
            Action::Top => self.load_page(ctx),
            Action::Bottom => *cursor = self.page.len().saturating_sub(1),
            Action::Open => {
                let id = self
                    .page
                    .get(*cursor)
                    .and_then(|(_, e)| e.application_id());
                if let Some(id) = id {
                    ctx.open_case(id);
                }
            }
            Action::Screen(FILTER) => {
                let kinds = crate::domain::command::EVENT_KIND_NAMES
                    .iter()
                    .map(|k| k.to_string())
                    .collect();
                let form = forms::audit_filter(
                    &self.case_label,
                    self.filter.actor.as_deref().unwrap_or(""),
                    self.filter.kind.as_deref().unwrap_or(""),
                    kinds,
                );
                ctx.open_form(form);
            }
            Action::Screen(CLEAR_FILTER) => {
                self.filter = AuditFilter::default();
                self.case_label.clear();
                self.load_page(ctx);
            }
            _ => {}
        }
    }

    fn key_bar(&self) -> Vec<Action> {
        vec![
            Action::Open,
            Action::Screen(FILTER),
            Action::Screen(CLEAR_FILTER),
            Action::Back,
            Action::Help,
        ]
    }

    fn on_form(&mut self, outcome: Box<dyn Any>, ctx: &mut Ctx) {
        let Ok(outcome) = outcome.downcast::<FilterOutcome>() else {
            return;
        };
        let FilterOutcome { case, filter } = *outcome;
        match case {
            // The protocol is looked up first: the filter applies once it names a case.
            Some(protocol) => {
                let request = Request::ApplicationByProtocol {
                    protocol: protocol.clone(),
                };
                self.finding.set(ctx.ask(request), (protocol, filter));
            }
            None => self.apply_filter(filter, String::new(), ctx),
        }
    }

    fn on_reply(&mut self, ticket: Ticket, reply: Reply, ctx: &mut Ctx) -> bool {
        match reply {
            Reply::AuditPage(result) => {
                let Some(read) = self.reading.take(ticket) else {
                    return false;
                };
                let page = match result {
                    Ok(page) => page,
                    Err(e) => {
                        ctx.error(e.to_string());
                        return true;
                    }
                };
                if read.forward && page.is_empty() {
                    return false;
                }
                self.list.cursor = if read.at_end {
                    page.len().saturating_sub(1)
                } else {
                    0
                };
                self.page = page;
                self.pages = read.pages;
                self.loaded = true;
                ctx.is_shown()
            }
            Reply::ApplicationByProtocol(result) => {
                let Some((label, mut filter)) = self.finding.take(ticket) else {
                    return false;
                };
                match result {
                    Ok(Some(app)) => {
                        filter.case = Some(app.id);
                        self.apply_filter(filter, label, ctx);
                    }
                    Ok(None) => ctx.form_error(texts::case_not_found(&label)),
                    Err(e) => ctx.error(e.to_string()),
                }
                true
            }
            _ => false,
        }
    }

    /// A step was recorded: the log is read again from its newest page, once it was opened.
    fn on_change(&mut self, change: &Change, ctx: &mut Ctx) -> bool {
        match change {
            Change::Application(_) | Change::Told(..) | Change::Published { .. }
                if self.loaded =>
            {
                self.load_page(ctx);
                false
            }
            _ => false,
        }
    }

    fn draw(&self, frame: &mut Frame, area: Rect, view: &View) {
        view::draw(frame, area, self, view);
    }

    fn status(&self, view: &View, _width: usize) -> Option<Line<'static>> {
        Some(view::status(self, view))
    }
}

impl AuditScreen {
    /// The filter typed, with the protocol it names as typed: the log from its newest page.
    fn apply_filter(&mut self, filter: AuditFilter, label: String, ctx: &mut Ctx) {
        ctx.close_overlay();
        self.filter = filter;
        self.case_label = label;
        self.load_page(ctx);
    }

    /// Asks for the next (older) page.
    fn page_forward(&mut self, ctx: &mut Ctx) {
        let Some(before) = self.page.last().map(|(seq, _)| Some(*seq)) else {
            return;
        };
        let mut pages = self.pages.clone();
        pages.push(before);
        self.ask_page(pages, false, true, ctx);
    }

    /// Back to the newer page; `at_end` puts the cursor on its last entry.
    fn page_back(&mut self, at_end: bool, ctx: &mut Ctx) {
        if self.pages.len() > 1 {
            let mut pages = self.pages.clone();
            pages.pop();
            self.ask_page(pages, at_end, false, ctx);
        }
    }

    /// Asks for the newest page.
    fn load_page(&mut self, ctx: &mut Ctx) {
        self.ask_page(vec![None], false, false, ctx);
    }

    /// Asks for the page of entries older than the last of `pages`.
    fn ask_page(&mut self, pages: Vec<Option<u64>>, at_end: bool, forward: bool, ctx: &mut Ctx) {
        let request = Request::AuditPage {
            before: pages.last().copied().flatten(),
            limit: ctx.table_height(AUDIT_CHROME),
            filter: self.filter.clone(),
        };
        let read = PageRead {
            pages,
            at_end,
            forward,
        };
        self.reading.set(ctx.ask(request), read);
    }
}
