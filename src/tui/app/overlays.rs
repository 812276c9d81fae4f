//! The windows over the screen: help, the command palette, forms with their discard question,
//! and the check of a step before it commits. What a form produces goes to the screen shown,
//! which opened it, unless it is a step the console runs the same for every screen.

use super::{App, OnYes, Overlay, Question};
use crate::tui::actions::Action;
use crate::tui::context::{Refusal, Report};
use crate::tui::form::Outcome;
use crate::tui::keymap::{Context, key_label};
use crate::tui::messaging::WithdrawQueued;
use crate::tui::strings as s;

impl App {
    pub(super) fn on_help(&mut self, action: Action) {
        let Some(Overlay::Help(help)) = &mut self.overlay else {
            return;
        };
        let list = &mut help.list;
        match action {
            Action::Cancel => self.overlay = None,
            Action::Up => list.offset = list.offset.saturating_sub(1),
            Action::Down => list.offset = list.offset.saturating_add(1),
            Action::PageUp => list.offset = list.offset.saturating_sub(10),
            Action::PageDown => list.offset = list.offset.saturating_add(10),
            _ => {}
        }
    }

    /// Every action the current screen offers now, with its context: the global ones, then
    /// the screen's own, for the palette.
    pub fn screen_actions(&self) -> Vec<(Context, Action)> {
        let context = Context::Screen(self.screen);
        let screen = self.screens.get(self.screen);
        let view = self.view();
        let mut actions: Vec<(Context, Action)> = Context::Global
            .actions()
            .into_iter()
            .map(|a| (Context::Global, a))
            .collect();
        actions.extend(
            context
                .actions()
                .into_iter()
                .filter(|a| screen.available(*a, &view))
                .map(|a| (context, a)),
        );
        actions
    }

    /// The palette's entries after its filter: (action, keys), best match first.
    pub fn palette_entries(&self, query: &str) -> Vec<(Action, String)> {
        let mut scored: Vec<(i64, usize, Action, String)> = self
            .screen_actions()
            .into_iter()
            .enumerate()
            .filter(|(_, (_, a))| *a != Action::Palette)
            .filter_map(|(i, (context, action))| {
                let text = format!("{} {}", action.description(), action.name());
                let score = text_score(&text, query)?;
                let keys = self
                    .keymap
                    .keys_for(context, action)
                    .iter()
                    .map(|k| key_label(k))
                    .collect::<Vec<_>>()
                    .join(" ");
                Some((score, i, action, keys))
            })
            .collect();
        // Leaving is never what an empty filter offers first: Enter right after the palette
        // opens must not close the console.
        let quit_last = |a: &Action| *a == Action::Quit;
        scored.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then(quit_last(&a.2).cmp(&quit_last(&b.2)))
                .then(a.1.cmp(&b.1))
        });
        scored.into_iter().map(|(_, _, a, k)| (a, k)).collect()
    }

    pub(super) fn on_palette(&mut self, action: Action) {
        let Some(Overlay::Palette(palette)) = &self.overlay else {
            return;
        };
        let query = palette.query.value().to_string();
        let entries = self.palette_entries(&query);
        let Some(Overlay::Palette(palette)) = &mut self.overlay else {
            return;
        };
        let list = &mut palette.list;
        match action {
            Action::Cancel => self.overlay = None,
            Action::Up => list.cursor = list.cursor.saturating_sub(1),
            Action::Down => list.cursor = (list.cursor + 1).min(entries.len().saturating_sub(1)),
            Action::Confirm => {
                let chosen = entries.get(list.cursor).map(|(a, _)| *a);
                self.overlay = None;
                match chosen {
                    // Asked, as a quit from the palette may follow a mistyped filter.
                    Some(Action::Quit) => {
                        self.overlay = Some(Overlay::Question(Box::new(Question {
                            text: s::QUIT_QUESTION.to_string(),
                            yes: OnYes::Quit,
                        })))
                    }
                    Some(chosen) => self.on_screen(chosen),
                    None => {}
                }
            }
            _ => {}
        }
    }

    pub(super) fn on_form(&mut self, action: Action) {
        let Some(Overlay::Form { form, confirming }) = &mut self.overlay else {
            return;
        };
        match action {
            Action::Cancel if form.dirty => *confirming = true,
            Action::Cancel => self.overlay = None,
            Action::NextField => form.next_field(1),
            Action::PreviousField => form.next_field(-1),
            Action::Confirm if !form.is_last_field() => form.next_whole_field(),
            Action::Confirm | Action::Save => self.submit_form(),
            _ => {}
        }
    }

    pub(super) fn on_confirm(&mut self, action: Action) {
        if matches!(self.overlay, Some(Overlay::Check(_))) {
            return self.on_check(action);
        }
        if matches!(self.overlay, Some(Overlay::Question(_))) {
            return self.on_question(action);
        }
        let Some(Overlay::Form { confirming, .. }) = &mut self.overlay else {
            return;
        };
        match action {
            Action::Yes => self.overlay = None,
            Action::No => *confirming = false,
            _ => {}
        }
    }

    /// Yes does what the question asked; No closes it.
    fn on_question(&mut self, action: Action) {
        let Some(Overlay::Question(question)) = self.overlay.take() else {
            return;
        };
        match (action, question.yes) {
            (Action::Yes, OnYes::Quit) => self.quit = true,
            (Action::Yes, OnYes::Screen(outcome)) => {
                self.with_screen(self.screen, |screen, ctx| screen.on_form(outcome, ctx));
            }
            (Action::No, _) => {}
            (_, yes) => {
                self.overlay = Some(Overlay::Question(Box::new(Question {
                    text: question.text,
                    yes,
                })))
            }
        }
    }

    /// Yes commits the checked step; No, or a refusal, returns to its form.
    fn on_check(&mut self, action: Action) {
        let Some(Overlay::Check(check)) = self.overlay.take() else {
            return;
        };
        let check = *check;
        match action {
            Action::Yes => self.with_ctx(|ctx| {
                let report = Report {
                    refusal: match check.form {
                        Some(form) => Refusal::Reopen(Box::new(form)),
                        None => Refusal::Status,
                    },
                    warning: check.warning,
                    ..Report::status(check.done)
                };
                ctx.execute(check.command, report);
            }),
            Action::No => {
                self.overlay = check.form.map(|form| Overlay::Form {
                    form,
                    confirming: false,
                })
            }
            _ => self.overlay = Some(Overlay::Check(Box::new(check))),
        }
    }

    fn submit_form(&mut self) {
        let Some(Overlay::Form { form, .. }) = &mut self.overlay else {
            return;
        };
        let title = form.title;
        let outcome = match form.submit() {
            Ok(outcome) => outcome,
            Err(e) => {
                form.error = Some(e);
                return;
            }
        };
        self.with_screen(self.screen, |screen, ctx| match outcome {
            // The form stays until its message is shown: Esc on the message returns to it,
            // and a step refused for a change of the case since it opened reopens it.
            Outcome::Step {
                command,
                fires: Some(template),
            } => ctx.fire_step(command, template),
            Outcome::Template { target, template } => ctx.after_template(target, &template),
            Outcome::MessageValues {
                target,
                template,
                typed,
            } => {
                ctx.close_overlay();
                ctx.open_preview(target, &template, typed);
            }
            Outcome::Command(command)
            | Outcome::Step {
                command,
                fires: None,
            } => ctx.execute(command, Report::form(s::saved(title))),
            // Withdrawing a queued message is the same from any screen's preview.
            Outcome::Screen(outcome) => match outcome.downcast::<WithdrawQueued>() {
                Ok(withdraw) => ctx.withdraw_queued(*withdraw),
                Err(outcome) => screen.on_form(outcome, ctx),
            },
        });
    }
}

/// A small fuzzy filter for short lists (palette, help): every query character in order,
/// case-insensitive; contiguous runs and word starts score higher. `None` when no match.
pub fn text_score(text: &str, query: &str) -> Option<i64> {
    let text: Vec<char> = text.to_lowercase().chars().collect();
    let mut score = 0;
    let mut at = 0;
    let mut previous: Option<usize> = None;
    for wanted in query.to_lowercase().chars().filter(|c| !c.is_whitespace()) {
        let found = text.get(at..)?.iter().position(|c| *c == wanted)? + at;
        score += 1;
        if previous.is_some_and(|p| p + 1 == found) {
            score += 4;
        }
        if found == 0 || !text[found - 1].is_alphanumeric() {
            score += 3;
        }
        previous = Some(found);
        at = found + 1;
    }
    Some(score)
}
