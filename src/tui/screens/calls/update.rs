//! What the Bandi's keys do: the forms of a call's fields, a document, interested citizens;
//! activation and publication; the import of interested citizens from a file.

use std::any::Any;
use std::path::Path;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::forms::{self, CallsOutcome};
use super::{
    ACTIVATE_CALL, ADD_INTERESTED, CallsScreen, EDIT_CALL, Stepping, EDIT_DOCUMENT, IMPORT_INTERESTED,
    NEW_CALL, NOTIFY_INTERESTED, PUBLISH_CALL, REMOVE_DOCUMENT, REMOVE_INTERESTED, list_room,
};
use std::collections::BTreeMap;

use crate::domain::fiscal_code::PersonFiscalCode;
use crate::domain::interested::Interested;
use crate::domain::time::format_ts_date;
use crate::domain::{Call, Command};
use crate::files::interested_csv::{self, InterestedFileError};
use crate::office::{Reply, Request};
use crate::tui::actions::{Action, ScreenAction};
use crate::tui::context::{Change, Ctx, Report, Ticket};
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
        let Some(code) = self.current().map(|c| c.code.clone()) else {
            return ctx.error(texts::NO_CALL_SELECTED.to_string());
        };
        let ticket = ctx.ask(Request::Call { code: code.clone() });
        self.acting.set(ticket, (own, code));
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
            // A new call's code must be free: it is looked up before the next page opens.
            CallsOutcome::Parameters { call, new: true } => {
                let ticket = ctx.ask(Request::Call {
                    code: call.code.clone(),
                });
                self.checking.set(ticket, call);
            }
            CallsOutcome::Parameters { call, new: false } => open_parameters(call, false, ctx),
            CallsOutcome::Document { call, code } => {
                ctx.open_form(forms::document(&call, &code));
            }
            CallsOutcome::Step { command, done } => {
                if let Command::SaveCall(call) = &command {
                    self.follow = Some(call.code.clone());
                }
                self.run_step(command, done, ctx);
            }
            CallsOutcome::Import { call, path } => self.import_interested_file(&call, &path, ctx),
        }
    }

    fn on_reply(&mut self, ticket: Ticket, reply: Reply, ctx: &mut Ctx) -> bool {
        match reply {
            Reply::CallsOverview(result) if self.reading.take(ticket).is_some() => {
                match result {
                    Ok(overview) => {
                        self.set_calls(overview.calls, overview.interested, overview.active);
                        let height = list_room(ctx.table_height(CALLS_CHROME));
                        self.list.scroll_into_view(height);
                    }
                    Err(e) => ctx.error(e.to_string()),
                }
                true
            }
            Reply::Call(result) => {
                if let Some((own, code)) = self.acting.take(ticket) {
                    match result {
                        Ok(Some(call)) => self.act(own, call, ctx),
                        Ok(None) => {
                            self.read(ctx);
                            ctx.error(texts::call_gone(&code));
                        }
                        Err(e) => ctx.error(e.to_string()),
                    }
                    return true;
                }
                let Some(call) = self.checking.take(ticket) else {
                    return false;
                };
                match result {
                    Ok(None) => open_parameters(call, true, ctx),
                    Ok(Some(_)) => {
                        let key = ctx.key_of(Action::Screen(EDIT_CALL));
                        ctx.form_or_status_error(texts::call_exists(&call.code, &key));
                    }
                    Err(e) => ctx.form_or_status_error(e.to_string()),
                }
                true
            }
            Reply::Interested(result) => {
                let Some((call, codes)) = self.importing.take(ticket) else {
                    return false;
                };
                match result {
                    Ok(interested) => self.add_imported(call, codes, &interested, ctx),
                    Err(e) => ctx.form_or_status_error(e.to_string()),
                }
                true
            }
            Reply::Execute(result) => {
                let Some(Stepping { command, done }) = self.stepping.take(ticket) else {
                    return false;
                };
                if result.is_err() && matches!(command, Command::SaveCall(_)) {
                    self.follow = None;
                }
                ctx.on_executed(&command, Report::form(done), result.map(|_| ()));
                true
            }
            _ => false,
        }
    }

    /// A step committed while it shows: read what it shows again.
    fn on_change(&mut self, change: &Change, ctx: &mut Ctx) -> bool {
        if *change == Change::Step && ctx.is_shown() {
            self.read(ctx);
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
    /// One of the actions on the call under the cursor, with the call as stored now.
    fn act(&mut self, own: ScreenAction, call: Call, ctx: &mut Ctx) {
        let code = call.code.clone();
        match own {
            EDIT_CALL => ctx.open_form(forms::edit_call(&call)),
            ACTIVATE_CALL if self.is_active(&call) => {
                ctx.ok(texts::call_already_active(&code));
            }
            ACTIVATE_CALL => {
                let done = texts::call_activated(&code);
                self.run_step(Command::ActivateCall { code }, done, ctx);
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

    /// Asks for the calls, the active one and how many citizens each has interested.
    fn read(&mut self, ctx: &mut Ctx) {
        self.reading.set(ctx.ask(Request::CallsOverview), ());
    }

    /// Sends a step on a call; once it went through the form it came from closes, the header
    /// follows a change of the active call and the status line says `done`.
    fn run_step(&mut self, command: Command, done: String, ctx: &mut Ctx) {
        let ticket = ctx.ask(Request::Execute(command.clone()));
        self.stepping.push(ticket, Stepping { command, done });
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
        // Only the citizens not yet interested are added: those already there are counted.
        let ticket = ctx.ask(Request::Interested {
            call: call.to_string(),
        });
        self.importing.set(ticket, (call.to_string(), codes));
    }

    /// The codes of an import, against the citizens already interested in `call`.
    fn add_imported(
        &mut self,
        call: String,
        codes: Vec<PersonFiscalCode>,
        interested: &BTreeMap<String, Interested>,
        ctx: &mut Ctx,
    ) {
        let present = codes
            .iter()
            .filter(|c| interested.contains_key(c.as_str()))
            .count();
        let added = codes.len() - present;
        if added == 0 {
            // Nothing new: the office would refuse an empty addition, and there is nothing to do.
            ctx.close_overlay();
            ctx.ok(texts::call_interested_imported(0, present));
            return;
        }
        let command = Command::AddInterested {
            call,
            fiscal_codes: codes,
        };
        self.run_step(command, texts::call_interested_imported(added, present), ctx);
    }
}

/// The parameters' page of a call's form; the first page's input lives on in it, so Esc asks
/// before dropping it.
fn open_parameters(call: Box<Call>, new: bool, ctx: &mut Ctx) {
    let mut form = forms::call_parameters(call, new);
    form.dirty = true;
    ctx.open_form(form);
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
    let done = texts::call_published_alone(&call.code);
    ctx.preview_interested(call.code, true, PUBLICATION.into(), done);
}
