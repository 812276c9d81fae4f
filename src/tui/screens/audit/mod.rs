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
use crate::store::AuditFilter;
use crate::tui::actions::{Action, FILTER, ScreenAction};
use crate::tui::context::{Change, Ctx};
use crate::tui::keymap::Context;
use crate::tui::list::ListCursor;
use crate::tui::view::View;

use super::{Screen, ScreenInfo, Tab};
use forms::FilterOutcome;

/// Lines around the audit table.
pub const AUDIT_CHROME: u16 = 7;

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
            self.load_page(None, ctx);
        }
    }

    fn on_action(&mut self, action: Action, ctx: &mut Ctx) {
        let cursor = &mut self.list.cursor;
        match action {
            Action::Up if *cursor == 0 && self.pages.len() > 1 => {
                self.page_back(ctx);
                self.list.cursor = self.page.len().saturating_sub(1);
            }
            Action::Up => *cursor = cursor.saturating_sub(1),
            Action::Down if *cursor + 1 >= self.page.len() => self.page_forward(ctx),
            Action::Down => *cursor += 1,
            Action::PageDown => self.page_forward(ctx),
            Action::PageUp => self.page_back(ctx),
            Action::Top => {
                self.pages.truncate(1);
                self.load_page(None, ctx);
            }
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
                self.pages = vec![None];
                self.load_page(None, ctx);
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
        let FilterOutcome { case, mut filter } = *outcome;
        let mut label = String::new();
        if let Some(protocol) = case {
            label = protocol.to_string();
            match ctx.store().application_by_protocol(&protocol) {
                Ok(Some(app)) => filter.case = Some(app.id),
                Ok(None) => return ctx.form_error(texts::case_not_found(&label)),
                Err(e) => return ctx.error(e.to_string()),
            }
        }
        ctx.close_overlay();
        self.filter = filter;
        self.case_label = label;
        self.pages = vec![None];
        self.load_page(None, ctx);
    }

    /// A step was recorded: the log is read again from its newest page, once it was opened.
    fn on_change(&mut self, change: &Change, ctx: &mut Ctx) -> bool {
        match change {
            Change::Application(_) | Change::Published { .. } if self.loaded => {
                self.pages = vec![None];
                self.load_page(None, ctx);
                ctx.is_shown()
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
    /// The next (older) page, if there is one; the list stays as it is at the end of the log.
    fn page_forward(&mut self, ctx: &mut Ctx) {
        let Some(before) = self.page.last().map(|(seq, _)| Some(*seq)) else {
            return;
        };
        let limit = ctx.table_height(AUDIT_CHROME);
        match ctx.store().audit_page(before, limit, &self.filter) {
            Ok(page) if !page.is_empty() => {
                self.pages.push(before);
                self.page = page;
                self.list.cursor = 0;
            }
            Ok(_) => {}
            Err(e) => ctx.error(e.to_string()),
        }
    }

    fn page_back(&mut self, ctx: &mut Ctx) {
        if self.pages.len() > 1 {
            self.pages.pop();
            let before = self.pages.last().copied().flatten();
            self.load_page(before, ctx);
        }
    }

    fn load_page(&mut self, before: Option<u64>, ctx: &mut Ctx) {
        let limit = ctx.table_height(AUDIT_CHROME);
        match ctx.store().audit_page(before, limit, &self.filter) {
            Ok(page) => {
                self.page = page;
                self.list.cursor = 0;
                self.loaded = true;
            }
            Err(e) => ctx.error(e.to_string()),
        }
    }
}
