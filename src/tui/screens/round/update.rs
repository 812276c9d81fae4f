//! What the Assegnazioni keys do: move, filter, open the round, the offer window with its
//! checklist, replies, warnings, exclusions and decrees; the round follows every commit.

use std::any::Any;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::forms::{self, RoundOutcome};
use super::{
    CHECKS, DECREE, EXCLUDE_CANDIDATE, FREE_PANE, OFFER, OPEN_ROUND, OVERDUE, OfferWindow, Pane,
    REPLY, ROUND_CHROME, RoundScreen, TICK, WARN, texts,
};
use crate::domain::Command;
use crate::domain::stock::{DwellingCode, Standing};
use crate::office::{OfficeError, Reply, Request};
use crate::tui::actions::{Action, NEXT_FILTER, PREVIOUS_FILTER};
use crate::tui::app::{CheckState, Overlay};
use crate::tui::context::{Change, Ctx, Report, Ticket};
use crate::tui::list::ListCursor;
use crate::tui::messaging::Firing;
use crate::tui::screens::{Back, Screen};
use crate::tui::view::View;

impl Screen for RoundScreen {
    fn enter(&mut self, ctx: &mut Ctx) {
        self.read(ctx);
    }

    fn on_action(&mut self, action: Action, ctx: &mut Ctx) {
        if self.offer.is_some() {
            return self.on_offer_action(action, ctx);
        }
        let height = ctx.table_height(ROUND_CHROME);
        let today = ctx.today();
        if let Some(delta) = ListCursor::step(action, height) {
            match self.pane {
                Pane::Places => self.list.move_by(delta, self.shown.len(), height),
                Pane::Free => self.free_list.move_by(delta, self.free().len(), height),
            }
            return;
        }
        match action {
            Action::Screen(NEXT_FILTER) => self.step_tab(1, today),
            Action::Screen(PREVIOUS_FILTER) => self.step_tab(-1, today),
            Action::Screen(OVERDUE) => self.set_tab(Pane::Places, !self.overdue_only, today),
            Action::Screen(FREE_PANE) => {
                let pane = match self.pane {
                    Pane::Places => Pane::Free,
                    Pane::Free => Pane::Places,
                };
                self.set_tab(pane, self.overdue_only, today);
            }
            Action::Screen(OPEN_ROUND) if self.round.is_none() => {
                ctx.open_form(forms::open_round(ctx.active_call(), today));
            }
            Action::Open => match self.pane {
                Pane::Places => {
                    if let Some(place) = self.selected() {
                        ctx.open_case(place.application);
                    }
                }
                Pane::Free => self.ask_next(ctx),
            },
            Action::Screen(OFFER) => self.ask_next(ctx),
            Action::Screen(REPLY) => {
                if let Some(place) = self.selected().filter(|p| is_offered(&p.standing)) {
                    ctx.open_form(forms::reply(place));
                }
            }
            Action::Screen(WARN) => {
                if let Some(place) = self.selected().filter(|p| is_late_offer(p, today)) {
                    ctx.open_form(forms::warn(place));
                }
            }
            Action::Screen(EXCLUDE_CANDIDATE) => {
                if let Some(place) = self.selected().filter(|p| is_in_round(&p.standing)) {
                    ctx.open_form(forms::exclude(place));
                }
            }
            Action::Screen(DECREE) => {
                if let Some(place) = self
                    .selected()
                    .filter(|p| matches!(p.standing, Standing::Accettato { .. }))
                {
                    ctx.open_form(forms::decree(place, today));
                }
            }
            _ => {}
        }
    }

    /// Esc closes the offer window first.
    fn back(&mut self, _ctx: &mut Ctx) -> Back {
        if self.offer.take().is_some() {
            Back::Stay
        } else {
            Back::Home
        }
    }

    /// Each step needs an applicant (or a dwelling) it applies to.
    fn available(&self, action: Action, view: &View) -> bool {
        let today = view.today();
        if let Some(window) = &self.offer {
            return match action {
                Action::Screen(TICK) | Action::Open => window.chosen().is_some(),
                Action::Screen(EXCLUDE_CANDIDATE) => window.chosen().is_some(),
                // The list's own steps wait until the window is closed.
                Action::Screen(_) => false,
                _ => true,
            };
        }
        let place = self.selected();
        match action {
            Action::Screen(OPEN_ROUND) => self.loaded && self.round.is_none(),
            Action::Screen(OFFER) => self.selected_free().is_some(),
            Action::Screen(REPLY) => place.is_some_and(|p| is_offered(&p.standing)),
            Action::Screen(WARN) => place.is_some_and(|p| is_late_offer(p, today)),
            Action::Screen(EXCLUDE_CANDIDATE) => place.is_some_and(|p| is_in_round(&p.standing)),
            Action::Screen(DECREE) => {
                place.is_some_and(|p| matches!(p.standing, Standing::Accettato { .. }))
            }
            Action::Screen(OVERDUE | FREE_PANE | NEXT_FILTER | PREVIOUS_FILTER) => {
                self.round.is_some()
            }
            Action::Screen(TICK) => false,
            _ => true,
        }
    }

    fn key_bar(&self) -> Vec<Action> {
        if self.offer.is_some() {
            return vec![
                Action::Screen(TICK),
                Action::Open,
                Action::Screen(EXCLUDE_CANDIDATE),
                Action::Back,
            ];
        }
        vec![
            Action::Open,
            Action::Screen(OPEN_ROUND),
            Action::Screen(OFFER),
            Action::Screen(REPLY),
            Action::Screen(WARN),
            Action::Screen(EXCLUDE_CANDIDATE),
            Action::Screen(DECREE),
            Action::Screen(OVERDUE),
            Action::Screen(FREE_PANE),
            Action::Help,
        ]
    }

    fn on_form(&mut self, outcome: Box<dyn Any>, ctx: &mut Ctx) {
        let Ok(outcome) = outcome.downcast::<RoundOutcome>() else {
            return;
        };
        match *outcome {
            RoundOutcome::Open {
                call,
                opens_on,
                closes_on,
            } => {
                let ticket = ctx.ask(Request::PreviewOpening {
                    call,
                    opens_on,
                    closes_on,
                });
                self.previewing.set(ticket, ());
            }
            RoundOutcome::Offer {
                id,
                dwelling,
                deadline,
                done,
            } => {
                let ticket = ctx.ask(Request::MakeOffer {
                    id,
                    dwelling: dwelling.clone(),
                    deadline: Some(deadline),
                    out_of_order: None,
                    confirmed: true,
                });
                // The command stands for the offer in what follows it: the row read again.
                let command = Command::MakeOffer {
                    id,
                    dwelling,
                    deadline: Some(deadline),
                    out_of_order: None,
                };
                self.offering.set(ticket, (command, done));
            }
            RoundOutcome::Execute { command, done } => ctx.execute(command, Report::form(done)),
            RoundOutcome::Unjustified {
                command,
                done,
                lines,
            } => {
                let form = ctx.take_form();
                let [excluded, freed] = lines;
                ctx.show(Overlay::Check(Box::new(CheckState {
                    title: texts::CHECK_UNJUSTIFIED,
                    lines: vec![(excluded, true), (freed, false)],
                    command,
                    commit: texts::COMMIT_UNJUSTIFIED,
                    done,
                    warning: false,
                    form,
                })));
            }
        }
    }

    fn on_reply(&mut self, ticket: Ticket, reply: Reply, ctx: &mut Ctx) -> bool {
        match reply {
            Reply::RoundView(result) => {
                if self.reading.take(ticket).is_none() {
                    return false;
                }
                match result {
                    Ok(round) => {
                        self.load(round, ctx.today());
                        let height = ctx.table_height(ROUND_CHROME);
                        self.list.scroll_into_view(height);
                        self.free_list.scroll_into_view(height);
                    }
                    Err(OfficeError::Refused(why)) => self.none(why),
                    Err(e) => ctx.error(e.to_string()),
                }
                true
            }
            Reply::NextOffer(result) => {
                let Some(code) = self.asking_next.take(ticket) else {
                    return false;
                };
                match result {
                    // The window opens anew, or shows the next applicant after an exclusion.
                    Ok(next) => {
                        let keep = self
                            .offer
                            .as_ref()
                            .filter(|w| w.next.dwelling.code == code && w.next == next);
                        if keep.is_none() {
                            self.offer = Some(OfferWindow::new(next));
                        }
                    }
                    Err(e) => ctx.error(e.to_string()),
                }
                true
            }
            Reply::PreviewOpening(result) => {
                if self.previewing.take(ticket).is_none() {
                    return false;
                }
                match result {
                    Ok(preview) => match preview.first {
                        Some(first) => {
                            let round = &preview.round;
                            let firing = Firing::Opening {
                                call: round.call.clone(),
                                opens_on: round.opens_on,
                                closes_on: round.closes_on,
                            };
                            ctx.show_step_preview(firing, round.candidates as usize, &first);
                        }
                        None => ctx.form_or_status_error(texts::NO_PLACES.to_string()),
                    },
                    Err(e) => ctx.form_or_status_error(e.to_string()),
                }
                true
            }
            Reply::Execute(result) => {
                let Some((command, done)) = self.offering.take(ticket) else {
                    return false;
                };
                if result.is_ok() {
                    self.offer = None;
                }
                ctx.on_executed(&command, Report::form(done), result.map(|_| ()));
                true
            }
            _ => false,
        }
    }

    /// A step committed, here or in another console: the round is read again where it
    /// shows (else once it is shown), and an open offer window asks again for its dwelling.
    fn on_change(&mut self, change: &Change, ctx: &mut Ctx) -> bool {
        if *change == Change::Step && ctx.is_shown() {
            self.read(ctx);
            if let Some(code) = self.offer.as_ref().map(|w| w.next.dwelling.code.clone()) {
                self.ask_for(code, ctx);
            }
        }
        false
    }

    fn on_resize(&mut self, ctx: &mut Ctx) {
        let height = ctx.table_height(ROUND_CHROME);
        self.list.scroll_into_view(height);
        self.free_list.scroll_into_view(height);
    }

    fn draw(&self, frame: &mut Frame, area: Rect, view: &View) {
        super::view::draw(frame, area, self, view);
    }

    fn status(&self, view: &View, width: usize) -> Option<Line<'static>> {
        Some(super::view::status(self, view, width))
    }
}

impl RoundScreen {
    /// The keys of the offer window: tick, offer, exclude; the rest does nothing there.
    fn on_offer_action(&mut self, action: Action, ctx: &mut Ctx) {
        let today = ctx.today();
        let Some(window) = self.offer.as_mut() else {
            return;
        };
        match action {
            Action::Up => window.cursor = window.cursor.saturating_sub(1),
            Action::Down => window.cursor = (window.cursor + 1).min(CHECKS - 1),
            Action::Screen(TICK) => {
                if let Some(tick) = window.ticked.get_mut(window.cursor) {
                    *tick = !*tick;
                }
                // The next requirement comes under the cursor.
                if window.ticked.get(window.cursor) == Some(&true) {
                    window.cursor = (window.cursor + 1).min(CHECKS - 1);
                }
            }
            Action::Open => {
                let Some(place) = window.chosen() else {
                    return;
                };
                if !window.all_ticked() {
                    let key = ctx.key_of(Action::Screen(TICK));
                    return ctx.error(texts::tick_all_first(&key));
                }
                let form = forms::offer(place, &window.next.dwelling.code, today);
                ctx.open_form(form);
            }
            Action::Screen(EXCLUDE_CANDIDATE) => {
                if let Some(place) = window.chosen() {
                    ctx.open_form(forms::requirements_lost(place));
                }
            }
            _ => {}
        }
    }

    /// Asks for the next applicant for the free dwelling under the cursor.
    fn ask_next(&mut self, ctx: &mut Ctx) {
        if let Some(code) = self.selected_free().map(|d| d.code.clone()) {
            self.ask_for(code, ctx);
        }
    }

    fn ask_for(&mut self, dwelling: DwellingCode, ctx: &mut Ctx) {
        let call = self.round.as_ref().map(|r| r.round.call.clone());
        let ticket = ctx.ask(Request::NextOffer {
            call,
            dwelling: dwelling.clone(),
        });
        self.asking_next.set(ticket, dwelling);
    }

    /// Asks for the round open: the active call's, or the latest opened (the previous call's,
    /// while the active one is still being ranked).
    fn read(&mut self, ctx: &mut Ctx) {
        self.reading.set(ctx.ask(Request::RoundView { call: None }), ());
    }
}

/// Holding an offer not yet answered.
fn is_offered(standing: &Standing) -> bool {
    matches!(
        standing,
        Standing::Proposta { .. } | Standing::Diffidato { .. }
    )
}

/// An offer whose reply is late and not yet warned about.
fn is_late_offer(place: &crate::domain::stock::Placement, today: chrono::NaiveDate) -> bool {
    matches!(place.standing, Standing::Proposta { .. }) && place.is_overdue(today)
}

/// Still in the round: neither excluded nor past the decree's term unchecked.
fn is_in_round(standing: &Standing) -> bool {
    !matches!(standing, Standing::Escluso { .. })
}
