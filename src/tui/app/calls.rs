//! The Bandi screen's forms: a call's fields, a document, interested citizens.

use std::path::Path;

use super::{App, Overlay};
use crate::domain::time::format_ts_date;
use crate::domain::{Call, Command};
use crate::files::interested_csv::{self, InterestedFileError};
use crate::tui::calls::list_room;
use crate::tui::form::Form;
use crate::tui::form::calls::CallsOutcome;
use crate::tui::keymap::{Action, Context};
use crate::tui::messaging::Firing;
use crate::tui::strings as s;

/// The catalogue message that tells interested citizens about a call.
const PUBLICATION: &str = "pubblicazione_bando";

/// Lines around the Bandi screen's body: header and tabs, status line, key bar.
pub const CALLS_CHROME: u16 = 4;

impl App {
    pub(super) fn on_calls(&mut self, action: Action) {
        let body = self.table_height(CALLS_CHROME);
        let width = usize::from(self.size.0);
        // A Comune has a handful of calls: the page keys scroll the documents, which at 80×24
        // do not all fit, rather than the list.
        match action {
            Action::PageDown => return self.calls.scroll_section(1, width, body),
            Action::PageUp => return self.calls.scroll_section(-1, width, body),
            // The bad rows of an import stay while they are read; anything else puts the
            // documents back (a new import lists its own).
            _ => {
                if self.calls.import_errors.take().is_some() {
                    self.calls.section_scroll = 0;
                }
            }
        }
        let height = list_room(body);
        if let Some(delta) = App::move_in_list(action, height) {
            self.calls.move_cursor(delta, height);
            return;
        }
        if action == Action::NewCall {
            return self.open_form(Form::new_call());
        }
        let handled = matches!(
            action,
            Action::EditCall
                | Action::ActivateCall
                | Action::PublishCall
                | Action::EditDocument
                | Action::RemoveDocument
                | Action::ImportInterested
                | Action::AddInterested
                | Action::RemoveInterested
                | Action::NotifyInterested
        );
        if !handled {
            return;
        }
        // Read again rather than taken from the list: the form then starts from what is stored.
        let Some(call) = self.cursor_call() else {
            return;
        };
        let code = call.code.clone();
        match action {
            Action::EditCall => self.open_form(Form::edit_call(&call)),
            Action::ActivateCall if self.calls.is_active(&call) => {
                self.status = Some((s::call_already_active(&code), false));
            }
            Action::ActivateCall => {
                let done = s::call_activated(&code);
                if let Err(e) = self.run_call_step(Command::ActivateCall { code }, done) {
                    self.set_error(e);
                }
            }
            Action::PublishCall => self.publish_call(call),
            Action::NotifyInterested => match call.published_at {
                Some(_) => self.show_preview(Firing::Interested {
                    code,
                    publish: false,
                    template: PUBLICATION.into(),
                }),
                None => {
                    let key = self.calls_key(Action::PublishCall);
                    self.set_error(s::call_not_published(&code, &key));
                }
            },
            Action::EditDocument => self.open_form(Form::document_code(&call)),
            Action::RemoveDocument if call.documents.is_empty() => {
                self.set_error(s::NO_DOCUMENTS_TO_REMOVE.to_string());
            }
            Action::RemoveDocument => self.open_form(Form::remove_document(&call)),
            Action::ImportInterested => {
                let suggested = self.calls.last_import.clone().unwrap_or_default();
                self.open_form(Form::import_interested(&code, &suggested));
            }
            Action::AddInterested => self.open_form(Form::add_interested(&code)),
            Action::RemoveInterested if self.calls.interested == 0 => {
                self.set_error(s::NO_INTERESTED.to_string());
            }
            Action::RemoveInterested => self.open_form(Form::remove_interested(&code)),
            _ => {}
        }
    }

    /// The screen is opened, or a step was committed while it is shown: read what it shows.
    pub(super) fn enter_calls(&mut self) {
        let calls = match self.store.calls() {
            Ok(calls) => calls,
            Err(e) => return self.set_error(e.to_string()),
        };
        let active = match self.store.active_call() {
            Ok(call) => call.map(|c| c.code),
            Err(e) => return self.set_error(e.to_string()),
        };
        let mut counts = Vec::with_capacity(calls.len());
        for call in &calls {
            match self.store.interested(&call.code) {
                Ok(interested) => counts.push(interested.len()),
                Err(e) => return self.set_error(e.to_string()),
            }
        }
        self.calls.set_calls(calls, counts, active);
        let height = list_room(self.table_height(CALLS_CHROME));
        self.calls.scroll_into_view(height);
    }

    pub(super) fn on_calls_outcome(&mut self, outcome: CallsOutcome) {
        match outcome {
            CallsOutcome::Parameters { call, new } => {
                if new {
                    match self.store.call(&call.code) {
                        Ok(None) => {}
                        Ok(Some(_)) => {
                            let key = self.calls_key(Action::EditCall);
                            return self.calls_form_error(s::call_exists(&call.code, &key));
                        }
                        Err(e) => return self.calls_form_error(e.to_string()),
                    }
                }
                let mut form = Form::call_parameters(call, new);
                // The first page's input lives on in this form: Esc asks before dropping it.
                form.dirty = true;
                self.open_form(form);
            }
            CallsOutcome::Document { call, code } => self.open_form(Form::document(&call, &code)),
            CallsOutcome::Step { command, done } => {
                if let Command::SaveCall(call) = &command {
                    self.calls.follow = Some(call.code.clone());
                }
                match self.run_call_step(command, done) {
                    Ok(()) => self.overlay = None,
                    Err(e) => {
                        self.calls.follow = None;
                        self.calls_form_error(e);
                    }
                }
            }
            CallsOutcome::Import { call, path } => self.import_interested_file(&call, &path),
        }
    }

    /// Runs `command` and says `done`; the header follows a change of the active call.
    fn run_call_step(&mut self, command: Command, done: String) -> Result<(), String> {
        self.execute(&command)?;
        if matches!(command, Command::SaveCall(_) | Command::ActivateCall { .. }) {
            self.load_summary();
        }
        self.status = Some((done, false));
        Ok(())
    }

    /// `P`: refused on a published call, whose citizens `I` tells instead; with nobody to tell,
    /// the publication alone.
    fn publish_call(&mut self, call: Call) {
        if let Some(at) = call.published_at {
            let key = self.calls_key(Action::NotifyInterested);
            return self.set_error(s::call_already_published(
                &call.code,
                &format_ts_date(at),
                &key,
            ));
        }
        match self.store.interested(&call.code) {
            Ok(interested) if interested.is_empty() => {
                let done = s::call_published_alone(&call.code);
                let command = Command::PublishCall { code: call.code };
                if let Err(e) = self.run_call_step(command, done) {
                    self.set_error(e);
                }
            }
            Ok(_) => self.show_preview(Firing::Interested {
                code: call.code,
                publish: true,
                template: PUBLICATION.into(),
            }),
            Err(e) => self.set_error(e.to_string()),
        }
    }

    /// All or nothing: one bad row and no code is added; every bad row is listed on the screen.
    fn import_interested_file(&mut self, call: &str, path: &Path) {
        self.calls.last_import = Some(path.display().to_string());
        self.calls.import_errors = None;
        let codes = match interested_csv::read(path) {
            Ok(codes) => codes,
            Err(InterestedFileError::Rows { rows, .. }) => {
                let lines: Vec<String> = rows.iter().map(|r| r.to_string()).collect();
                let first = lines.first().cloned().unwrap_or_default();
                self.calls_form_error(s::call_import_refused(lines.len(), &first));
                self.calls.import_errors = Some((call.to_string(), lines));
                self.calls.section_scroll = 0;
                // Nothing typed is lost on Esc (the path is offered again), and Esc shows the
                // whole list behind the form.
                if let Some(Overlay::Form { form, .. }) = &mut self.overlay {
                    form.dirty = false;
                }
                return;
            }
            Err(e) => return self.calls_form_error(e.to_string()),
        };
        let present = match self.store.interested(call) {
            Ok(interested) => codes
                .iter()
                .filter(|c| interested.contains_key(c.as_str()))
                .count(),
            Err(e) => return self.calls_form_error(e.to_string()),
        };
        let added = codes.len() - present;
        if added == 0 {
            // Nothing new: the store would refuse an empty addition, and there is nothing to do.
            self.overlay = None;
            self.status = Some((s::call_interested_imported(0, present), false));
            return;
        }
        let command = Command::AddInterested {
            call: call.to_string(),
            fiscal_codes: codes,
        };
        match self.run_call_step(command, s::call_interested_imported(added, present)) {
            Ok(()) => self.overlay = None,
            Err(e) => self.calls_form_error(e),
        }
    }

    /// The call under the cursor as stored now.
    fn cursor_call(&mut self) -> Option<Call> {
        let Some(code) = self.calls.current().map(|c| c.code.clone()) else {
            self.set_error(s::NO_CALL_SELECTED.to_string());
            return None;
        };
        match self.store.call(&code) {
            Ok(Some(call)) => Some(call),
            Ok(None) => {
                self.enter_calls();
                self.set_error(s::call_gone(&code));
                None
            }
            Err(e) => {
                self.set_error(e.to_string());
                None
            }
        }
    }

    /// A refusal shown in the open form, which stays open with what was typed.
    fn calls_form_error(&mut self, message: String) {
        if matches!(self.overlay, Some(Overlay::Form { .. })) {
            self.form_error(message);
        } else {
            self.set_error(message);
        }
    }

    /// The first key of a Bandi action, as the caseworker's keymap has it.
    fn calls_key(&self, action: Action) -> String {
        self.keymap
            .first_key(Context::Calls, action)
            .map(|k| crate::tui::keymap::key_label(&k))
            .unwrap_or_else(|| action.name().to_string())
    }
}
