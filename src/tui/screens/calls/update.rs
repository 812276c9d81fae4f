//! What the Bandi's keys do: the forms of a call's fields, a document, interested citizens;
//! activation and publication; the import of interested citizens from a file.

use std::any::Any;
use std::path::Path;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::forms::{self, CallsOutcome};
use super::{
    ACTIVATE_CALL, ADD_INTERESTED, CallsScreen, EDIT_CALL, EDIT_DOCUMENT, IMPORT_INTERESTED,
    NEW_CALL, NOTIFY_INTERESTED, PUBLISH_CALL, REMOVE_DOCUMENT, REMOVE_INTERESTED, list_room,
};
use crate::domain::time::format_ts_date;
use crate::domain::{Call, Command};
use crate::files::interested_csv::{self, InterestedFileError};
use crate::tui::actions::Action;
use crate::tui::context::{Change, Ctx};
use crate::tui::list::ListCursor;
use crate::tui::messaging::Firing;
use crate::tui::screens::Screen;
use crate::tui::strings as s;
use crate::tui::view::View;
use super::texts;

/// The catalogue message that tells interested citizens about a call.
const PUBLICATION: &str = "pubblicazione_bando";

/// Lines around the Bandi screen's body: header and tabs, status line, key bar.
pub const CALLS_CHROME: u16 = 4;

impl Screen for CallsScreen {
    /// The screen is opened: read what it shows.
    fn enter(&mut self, ctx: &mut Ctx) {
        self.read(ctx);
    }

    fn on_action(&mut self, action: Action, ctx: &mut Ctx) {
        let body = ctx.table_height(CALLS_CHROME);
        let width = usize::from(ctx.size().0);
        // A Comune has a handful of calls: the page keys scroll the documents, which at 80×24
        // do not all fit, rather than the list.
        match action {
            Action::PageDown => return self.scroll_section(1, width, body),
            Action::PageUp => return self.scroll_section(-1, width, body),
            // The bad rows of an import stay while they are read; anything else puts the
            // documents back (a new import lists its own).
            _ => {
                if self.import_errors.take().is_some() {
                    self.section_scroll = 0;
                }
            }
        }
        let height = list_room(body);
        if let Some(delta) = ListCursor::step(action, height) {
            self.move_cursor(delta, height);
            return;
        }
        let Action::Screen(own) = action else {
            return;
        };
        if own == NEW_CALL {
            return ctx.open_form(forms::new_call());
        }
        let handled = matches!(
            own,
            EDIT_CALL
                | ACTIVATE_CALL
                | PUBLISH_CALL
                | EDIT_DOCUMENT
                | REMOVE_DOCUMENT
                | IMPORT_INTERESTED
                | ADD_INTERESTED
                | REMOVE_INTERESTED
                | NOTIFY_INTERESTED
        );
        if !handled {
            return;
        }
        // Read again rather than taken from the list: the form then starts from what is stored.
        let Some(call) = self.cursor_call(ctx) else {
            return;
        };
        let code = call.code.clone();
        match own {
            EDIT_CALL => ctx.open_form(forms::edit_call(&call)),
            ACTIVATE_CALL if self.is_active(&call) => {
                ctx.ok(texts::call_already_active(&code));
            }
            ACTIVATE_CALL => {
                let done = texts::call_activated(&code);
                if let Err(e) = run_call_step(Command::ActivateCall { code }, done, ctx) {
                    ctx.error(e);
                }
            }
            PUBLISH_CALL => publish_call(call, ctx),
            NOTIFY_INTERESTED => match call.published_at {
                Some(_) => ctx.show_preview(Firing::Interested {
                    code,
                    publish: false,
                    template: PUBLICATION.into(),
                }),
                None => {
                    let key = ctx.key_of(Action::Screen(PUBLISH_CALL));
                    ctx.error(texts::call_not_published(&code, &key));
                }
            },
            EDIT_DOCUMENT => ctx.open_form(forms::document_code(&call)),
            REMOVE_DOCUMENT if call.documents.is_empty() => {
                ctx.error(texts::NO_DOCUMENTS_TO_REMOVE.to_string());
            }
            REMOVE_DOCUMENT => ctx.open_form(forms::remove_document(&call)),
            IMPORT_INTERESTED => {
                let suggested = self.last_import.clone().unwrap_or_default();
                ctx.open_form(forms::import_interested(&code, &suggested));
            }
            ADD_INTERESTED => ctx.open_form(forms::add_interested(&code)),
            REMOVE_INTERESTED if self.interested == 0 => {
                ctx.error(s::NO_INTERESTED.to_string());
            }
            REMOVE_INTERESTED => ctx.open_form(forms::remove_interested(&code)),
            _ => {}
        }
    }

    fn key_bar(&self) -> Vec<Action> {
        vec![
            Action::Screen(NEW_CALL),
            Action::Screen(EDIT_CALL),
            Action::Screen(ACTIVATE_CALL),
            Action::Screen(PUBLISH_CALL),
            Action::Screen(EDIT_DOCUMENT),
            Action::Screen(IMPORT_INTERESTED),
            Action::Screen(ADD_INTERESTED),
            Action::Help,
        ]
    }

    fn on_form(&mut self, outcome: Box<dyn Any>, ctx: &mut Ctx) {
        let Ok(outcome) = outcome.downcast::<CallsOutcome>() else {
            return;
        };
        match *outcome {
            CallsOutcome::Parameters { call, new } => {
                if new {
                    match ctx.store().call(&call.code) {
                        Ok(None) => {}
                        Ok(Some(_)) => {
                            let key = ctx.key_of(Action::Screen(EDIT_CALL));
                            return ctx.form_or_status_error(texts::call_exists(&call.code, &key));
                        }
                        Err(e) => return ctx.form_or_status_error(e.to_string()),
                    }
                }
                let mut form = forms::call_parameters(call, new);
                // The first page's input lives on in this form: Esc asks before dropping it.
                form.dirty = true;
                ctx.open_form(form);
            }
            CallsOutcome::Document { call, code } => {
                ctx.open_form(forms::document(&call, &code));
            }
            CallsOutcome::Step { command, done } => {
                if let Command::SaveCall(call) = &command {
                    self.follow = Some(call.code.clone());
                }
                match run_call_step(command, done, ctx) {
                    Ok(()) => ctx.close_overlay(),
                    Err(e) => {
                        self.follow = None;
                        ctx.form_or_status_error(e);
                    }
                }
            }
            CallsOutcome::Import { call, path } => self.import_interested_file(&call, &path, ctx),
        }
    }

    /// A step committed while it shows: read what it shows again.
    fn on_change(&mut self, change: &Change, ctx: &mut Ctx) -> bool {
        if *change == Change::Step && ctx.is_shown() {
            self.read(ctx);
            return true;
        }
        false
    }

    fn draw(&self, frame: &mut Frame, area: Rect, view: &View) {
        super::view::draw(frame, area, self, view);
    }

    fn status(&self, view: &View, width: usize) -> Option<Line<'static>> {
        Some(super::view::status(self, view, width))
    }
}

impl CallsScreen {
    /// The calls, the active one and how many citizens each has interested.
    fn read(&mut self, ctx: &mut Ctx) {
        let calls = match ctx.store().calls() {
            Ok(calls) => calls,
            Err(e) => return ctx.error(e.to_string()),
        };
        let active = match ctx.store().active_call() {
            Ok(call) => call.map(|c| c.code),
            Err(e) => return ctx.error(e.to_string()),
        };
        let mut counts = Vec::with_capacity(calls.len());
        for call in &calls {
            match ctx.store().interested(&call.code) {
                Ok(interested) => counts.push(interested.len()),
                Err(e) => return ctx.error(e.to_string()),
            }
        }
        self.set_calls(calls, counts, active);
        let height = list_room(ctx.table_height(CALLS_CHROME));
        self.list.scroll_into_view(height);
    }

    /// All or nothing: one bad row and no code is added; every bad row is listed on the screen.
    fn import_interested_file(&mut self, call: &str, path: &Path, ctx: &mut Ctx) {
        self.last_import = Some(path.display().to_string());
        self.import_errors = None;
        let codes = match interested_csv::read(path) {
            Ok(codes) => codes,
            Err(InterestedFileError::Rows { rows, .. }) => {
                let lines: Vec<String> = rows.iter().map(|r| r.to_string()).collect();
                let first = lines.first().cloned().unwrap_or_default();
                ctx.form_or_status_error(texts::call_import_refused(lines.len(), &first));
                self.import_errors = Some((call.to_string(), lines));
                self.section_scroll = 0;
                // Nothing typed is lost on Esc (the path is offered again), and Esc shows the
                // whole list behind the form.
                if let Some(form) = ctx.form_mut() {
                    form.dirty = false;
                }
                return;
            }
            Err(e) => return ctx.form_or_status_error(e.to_string()),
        };
        let present = match ctx.store().interested(call) {
            Ok(interested) => codes
                .iter()
                .filter(|c| interested.contains_key(c.as_str()))
                .count(),
            Err(e) => return ctx.form_or_status_error(e.to_string()),
        };
        let added = codes.len() - present;
        if added == 0 {
            // Nothing new: the store would refuse an empty addition, and there is nothing to do.
            ctx.close_overlay();
            ctx.ok(texts::call_interested_imported(0, present));
            return;
        }
        let command = Command::AddInterested {
            call: call.to_string(),
            fiscal_codes: codes,
        };
        match run_call_step(command, texts::call_interested_imported(added, present), ctx) {
            Ok(()) => ctx.close_overlay(),
            Err(e) => ctx.form_or_status_error(e),
        }
    }

    /// The call under the cursor as stored now.
    fn cursor_call(&mut self, ctx: &mut Ctx) -> Option<Call> {
        let Some(code) = self.current().map(|c| c.code.clone()) else {
            ctx.error(texts::NO_CALL_SELECTED.to_string());
            return None;
        };
        match ctx.store().call(&code) {
            Ok(Some(call)) => Some(call),
            Ok(None) => {
                self.read(ctx);
                ctx.error(texts::call_gone(&code));
                None
            }
            Err(e) => {
                ctx.error(e.to_string());
                None
            }
        }
    }
}

/// Runs `command` and says `done`; the header follows a change of the active call.
fn run_call_step(command: Command, done: String, ctx: &mut Ctx) -> Result<(), String> {
    ctx.execute(&command)?;
    if matches!(command, Command::SaveCall(_) | Command::ActivateCall { .. }) {
        ctx.reload_summary();
    }
    ctx.ok(done);
    Ok(())
}

/// `P`: refused on a published call, whose citizens `I` tells instead; with nobody to tell,
/// the publication alone.
fn publish_call(call: Call, ctx: &mut Ctx) {
    if let Some(at) = call.published_at {
        let key = ctx.key_of(Action::Screen(NOTIFY_INTERESTED));
        return ctx.error(texts::call_already_published(
            &call.code,
            &format_ts_date(at),
            &key,
        ));
    }
    match ctx.store().interested(&call.code) {
        Ok(interested) if interested.is_empty() => {
            let done = texts::call_published_alone(&call.code);
            let command = Command::PublishCall { code: call.code };
            if let Err(e) = run_call_step(command, done, ctx) {
                ctx.error(e);
            }
        }
        Ok(_) => ctx.show_preview(Firing::Interested {
            code: call.code,
            publish: true,
            template: PUBLICATION.into(),
        }),
        Err(e) => ctx.error(e.to_string()),
    }
}
