//! What the case's keys do: scroll, and the steps its application's state allows.

use std::any::Any;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::score::ScoreOutcome;
use super::view::{self, Sheet};
use super::{
    ADD_MEMBER, ADJUST_SCORE, CONFIRM_EXCLUSION, CaseScreen, DECIDE_OBJECTION, NOTIFY_REFUSAL,
    RECORD_OBSERVATIONS, WITHDRAW_NOTICE, decisions, EDIT_CONTACT, FILE_OBJECTION,
    ISSUE_FEE, RECEIVE_INTEGRATION, RECORD_DOCUMENT, RECORD_PAYMENT, REINSTATE, REMOVE_MEMBER, REVOKE_ADMISSION,
    REQUEST_INTEGRATION, VERIFY, forms, texts,
};
use crate::domain::ranking::RankingKind;
use crate::domain::{Command, State};
use crate::tui::actions::{
    ADMIT, Action, BOOK_APPOINTMENT, EXCLUDE, REGISTER, REMIND_FEE, SEND_MESSAGE, START_REVIEW,
};
use crate::office::{ON_REGISTER, Reply};
use crate::tui::context::{Change, Ctx, Report, Ticket};
use crate::messages::fitting::Standing;
use crate::tui::messaging::Target;
use crate::tui::screens::agenda::{self, AgendaOutcome};
use crate::tui::screens::{contracts, rent};
use crate::tui::screens::{Back, Screen};
use crate::tui::view::View;

impl Screen for CaseScreen {
    fn on_action(&mut self, action: Action, ctx: &mut Ctx) {
        let Some(case) = &mut self.current else {
            return;
        };
        let own = match action {
            Action::Up => return case.scroll = case.scroll.saturating_sub(1),
            Action::Down => return case.scroll = case.scroll.saturating_add(1),
            Action::PageUp => return case.scroll = case.scroll.saturating_sub(10),
            Action::PageDown => return case.scroll = case.scroll.saturating_add(10),
            Action::Top => return case.scroll = 0,
            Action::Bottom => return case.scroll = usize::MAX / 2,
            Action::Screen(own) => own,
            _ => return,
        };
        // The contract's steps, as the Contratti screen takes them.
        if contracts::is_step(action) {
            if let Some(row) = &case.data.contract {
                let today = ctx.today();
                self.contract.act(action, row, today, ctx);
            }
            return self.stamp_form(ctx);
        }
        let app = &case.data.application;
        let id = app.id;
        let form = match own {
            REGISTER if app.late => Some(forms::late_register(id)),
            REGISTER => {
                ctx.fire_step(
                    Command::RegisterApplication {
                        id,
                        override_reason: None,
                    },
                    ON_REGISTER,
                );
                None
            }
            SEND_MESSAGE => {
                let standing = Standing::of(app, case.data.call.as_ref());
                ctx.choose_template(Target::Case(id), &[standing]);
                None
            }
            REMOVE_MEMBER | RECORD_DOCUMENT | VERIFY | ISSUE_FEE | RECORD_PAYMENT | REMIND_FEE => {
                self.review(own, ctx);
                None
            }
            BOOK_APPOINTMENT => {
                let fiscal_code = app.applicant_fiscal_code().to_string();
                let name = crate::tui::view::clean(&app.applicant_name());
                Some(agenda::book_for(id, &fiscal_code, &name, ctx))
            }
            ADJUST_SCORE | FILE_OBJECTION | DECIDE_OBJECTION => {
                self.score_step(own, ctx);
                None
            }
            START_REVIEW => {
                ctx.run_one(Command::StartReview { id });
                None
            }
            RECEIVE_INTEGRATION => {
                match forms::receive_integration(app, case.data.call.as_ref()) {
                    Some(form) => Some(form),
                    None => return ctx.error(texts::NO_INTEGRATION_PENDING.to_string()),
                }
            }
            REQUEST_INTEGRATION => match &case.data.call {
                Some(call) if !call.documents.is_empty() => {
                    let days = u64::from(call.params.integration_days);
                    let deadline = ctx.today() + chrono::Days::new(days);
                    Some(forms::integration(app, call, deadline))
                }
                _ => return ctx.error(texts::NO_CALL_DOCUMENTS.to_string()),
            },
            ADMIT => Some(forms::admit(app)),
            EXCLUDE => Some(forms::exclude(id)),
            REINSTATE => Some(forms::reinstate(id)),
            REVOKE_ADMISSION => Some(forms::revoke(id)),
            NOTIFY_REFUSAL => Some(decisions::refusal_notice(id)),
            RECORD_OBSERVATIONS => Some(decisions::observations(id, ctx.today())),
            CONFIRM_EXCLUSION => Some(decisions::confirm_exclusion(id)),
            WITHDRAW_NOTICE => Some(decisions::withdraw_notice(id)),
            EDIT_CONTACT => Some(forms::contact(id, &app.contact)),
            ADD_MEMBER => Some(forms::member(id)),
            // The field, not `lease_of`: the case is borrowed for the match.
            rent::ISEE => self.lease.as_ref().filter(|l| l.lease.application == id).map(|lease| {
                let protocol = app
                    .protocol
                    .as_ref()
                    .map_or_else(|| id.to_string(), ToString::to_string);
                rent::isee_form(&lease.account, &app.applicant_name(), &protocol, ctx.today())
            }),
            _ => None,
        };
        if let Some(form) = form {
            ctx.open_form(form);
        }
        self.stamp_form(ctx);
    }

    fn back(&mut self, _ctx: &mut Ctx) -> Back {
        self.current = None;
        self.adjust_entries = Vec::new();
        Back::To(self.return_to)
    }

    /// The steps the application's state allows.
    fn available(&self, action: Action, view: &View) -> bool {
        let Action::Screen(own) = action else {
            return true;
        };
        let Some(case) = &self.current else {
            return false;
        };
        let app = &case.data.application;
        let state = app.state;
        // Household and documents change only while the application is open.
        let open = !matches!(state, State::Ammessa | State::Esclusa);
        let fee_unpaid = app.fee.as_ref().is_some_and(|f| !f.is_paid());
        let notice = app.refusal_notice.as_ref();
        match own {
            REGISTER => state == State::Ricevuta,
            START_REVIEW => state == State::Protocollata,
            REQUEST_INTEGRATION => state.can_become(State::IntegrazioneRichiesta),
            RECEIVE_INTEGRATION => state == State::IntegrazioneRichiesta,
            ADMIT => state.can_become(State::Ammessa) && notice.is_none(),
            EXCLUDE => state.can_become(State::Esclusa),
            REINSTATE => state == State::Esclusa,
            NOTIFY_REFUSAL => {
                state == State::InIstruttoria
                    && notice.is_none()
                    && case.data.call.as_ref().is_some_and(|c| c.params.refusal_notice)
            }
            RECORD_OBSERVATIONS => notice.is_some_and(|n| n.observations.is_none()),
            CONFIRM_EXCLUSION => notice.is_some_and(|n| n.may_conclude(view.today())),
            WITHDRAW_NOTICE => notice.is_some(),
            // Until the definitive ranking; the office refuses it after, with the reason.
            REVOKE_ADMISSION => state == State::Ammessa,
            ADJUST_SCORE => state == State::Ammessa && case.data.ruleset.is_some(),
            FILE_OBJECTION => {
                matches!(state, State::Ammessa | State::Esclusa)
                    && app.open_objection().is_none()
                    && case
                        .data
                        .versions
                        .last()
                        .is_some_and(|v| v.kind == RankingKind::Provvisoria)
            }
            DECIDE_OBJECTION => app.open_objection().is_some(),
            EDIT_CONTACT | ADD_MEMBER => true,
            REMOVE_MEMBER => open && app.household.len() > 1,
            RECORD_DOCUMENT => open,
            VERIFY => state != State::Esclusa,
            ISSUE_FEE => app.protocol.is_some() && app.fee.is_none() && state != State::Esclusa,
            RECORD_PAYMENT => fee_unpaid,
            REMIND_FEE => {
                fee_unpaid
                    && state != State::Esclusa
                    && app.fee.as_ref().is_some_and(|f| !f.is_late(view.today()))
            }
            BOOK_APPOINTMENT | SEND_MESSAGE => true,
            // The tenant's ISEE, for the rent's yearly update, once the lease is signed.
            rent::ISEE => self.lease_of(app.id).is_some(),
            // The contract's steps, once the decree assigned a dwelling.
            contracts::READY | contracts::APPOINTMENT | contracts::SIGN => case
                .data
                .contract
                .as_ref()
                .is_some_and(|row| contracts::allows(action, &row.state)),
            _ => false,
        }
    }

    /// Every step it declares, less those the state does not allow; then Esc and help.
    fn key_bar(&self) -> Vec<Action> {
        let mut actions = Self::INFO.actions.to_vec();
        actions.push(Action::Back);
        actions.push(Action::Help);
        actions
    }

    fn on_form(&mut self, outcome: Box<dyn Any>, ctx: &mut Ctx) {
        // The signature, shown before it is recorded as on Contratti.
        let outcome = match self.contract.on_form(outcome, ctx) {
            Ok(()) => return,
            Err(outcome) => outcome,
        };
        // The tenant's ISEE, the same form as on Canoni.
        let outcome = match outcome.downcast::<rent::RentOutcome>() {
            Ok(outcome) => {
                if let rent::RentOutcome::Execute { command, done } = *outcome {
                    ctx.execute(command, Report::form(done));
                }
                return;
            }
            Err(outcome) => outcome,
        };
        let outcome = match outcome.downcast::<ScoreOutcome>() {
            Ok(outcome) => return self.on_score_form(*outcome, ctx),
            Err(outcome) => outcome,
        };
        let outcome = match outcome.downcast::<super::decisions::Exclusion>() {
            Ok(exclusion) => return self.check_exclusion(*exclusion, ctx),
            Err(outcome) => outcome,
        };
        // A booking made from the case: its day is not followed, the case stays in front.
        if let Ok(outcome) = outcome.downcast::<AgendaOutcome>() {
            let AgendaOutcome::Slot(command) = *outcome;
            if let Some(ticket) = agenda::book_or_move(command.clone(), ctx, |_| {}) {
                self.booking.set(ticket, command);
            }
        }
    }

    fn on_reply(&mut self, ticket: Ticket, reply: Reply, ctx: &mut Ctx) -> bool {
        match reply {
            Reply::Case(result) => match self.reading.take(ticket) {
                Some(reading) => self.on_case(reading, result, ctx),
                None => false,
            },
            Reply::RankingEntries(result) => {
                let Some(id) = self.adjusting.take(ticket) else {
                    return false;
                };
                match result {
                    Ok(entries) => self.open_adjustment(id, entries, ctx),
                    Err(e) => ctx.error(e.to_string()),
                }
                self.stamp_form(ctx);
                true
            }
            Reply::PlacementView(result) => match self.placing.take(ticket) {
                Some(id) => self.on_placement(id, result),
                None => false,
            },
            Reply::LeaseAccount(result) => match self.leasing.take(ticket) {
                Some(id) => self.on_lease(id, result),
                None => false,
            },
            Reply::PreviewSigning(result) => self.contract.on_preview(ticket, result, ctx),
            Reply::PreviewStep(result) => {
                let Some(command) = self.booking.take(ticket) else {
                    return false;
                };
                agenda::booking_checked(command, result, ctx);
                true
            }
            _ => false,
        }
    }

    fn on_change(&mut self, change: &Change, ctx: &mut Ctx) -> bool {
        match change {
            Change::Application(id)
                if self
                    .current
                    .as_ref()
                    .is_some_and(|c| c.data.application.id == *id) =>
            {
                self.reload(ctx);
                false
            }
            // Told of a commit already read (this console's own, told back): nothing to read.
            Change::Told(id, seq)
                if self.current.as_ref().is_some_and(|c| {
                    c.data.application.id == *id && c.data.version().seq < *seq
                }) =>
            {
                self.reload(ctx);
                false
            }
            Change::Sender { done: true, .. } if self.current.is_some() => {
                self.reload(ctx);
                false
            }
            _ => false,
        }
    }

    fn draw(&self, frame: &mut Frame, area: Rect, view: &View) {
        let placement = self
            .current
            .as_ref()
            .and_then(|c| self.placement_of(c.data.application.id));
        let lease = self
            .current
            .as_ref()
            .and_then(|c| self.lease_of(c.data.application.id));
        view::draw(
            frame,
            area,
            &Sheet::new(&self.current, view)
                .with_placement(placement)
                .with_lease(lease),
        );
    }

    fn title_line(&self, view: &View, width: usize) -> Option<Line<'static>> {
        Some(view::title(&Sheet::new(&self.current, view), width).unwrap_or_default())
    }
}
