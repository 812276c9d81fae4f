//! Scheda domanda: one application, with where it stands and every step it can take now. It is
//! opened from the other screens (Invio on a row) and Esc returns to the one it came from.

mod decisions;
mod forms;
mod review;
mod score;
mod texts;
mod update;
mod view;

use super::contracts::{self, ContractSteps};
use super::{ScreenId, ScreenInfo, Tab};
use crate::domain::{ApplicationId, Command};
use crate::office::{LeaseAccount, OfficeError, PlacementView, Request};
use crate::domain::ranking::Entry;
use crate::tui::actions::{
    ADMIT, Action, BOOK_APPOINTMENT, EXCLUDE, REGISTER, REMIND_FEE, SEND_MESSAGE, START_REVIEW,
    ScreenAction,
};
use crate::tui::context::{Awaiting, Ctx};
use crate::tui::data::Case;
use crate::tui::keymap::Context;

pub const REQUEST_INTEGRATION: ScreenAction =
    ScreenAction::new("richiedi_integrazione", texts::REQUEST_INTEGRATION);
pub const RECEIVE_INTEGRATION: ScreenAction =
    ScreenAction::new("integrazione_ricevuta", texts::RECEIVE_INTEGRATION);
pub const REINSTATE: ScreenAction = ScreenAction::new("riammetti", texts::REINSTATE);
pub const REVOKE_ADMISSION: ScreenAction =
    ScreenAction::new("revoca_ammissione", texts::REVOKE_ADMISSION);
pub const NOTIFY_REFUSAL: ScreenAction =
    ScreenAction::new("preavviso_rigetto", texts::NOTIFY_REFUSAL);
pub const RECORD_OBSERVATIONS: ScreenAction =
    ScreenAction::new("registra_osservazioni", texts::RECORD_OBSERVATIONS);
pub const CONFIRM_EXCLUSION: ScreenAction =
    ScreenAction::new("conferma_esclusione", texts::CONFIRM_EXCLUSION);
pub const WITHDRAW_NOTICE: ScreenAction =
    ScreenAction::new("ritira_preavviso", texts::WITHDRAW_NOTICE);
pub const ADJUST_SCORE: ScreenAction =
    ScreenAction::new("rettifica_punteggio", texts::ADJUST_SCORE);
pub const FILE_OBJECTION: ScreenAction =
    ScreenAction::new("registra_opposizione", texts::FILE_OBJECTION);
pub const DECIDE_OBJECTION: ScreenAction =
    ScreenAction::new("decidi_opposizione", texts::DECIDE_OBJECTION);
pub const EDIT_CONTACT: ScreenAction = ScreenAction::new("modifica_recapiti", texts::EDIT_CONTACT);
pub const ADD_MEMBER: ScreenAction = ScreenAction::new("aggiungi_componente", texts::ADD_MEMBER);
pub const REMOVE_MEMBER: ScreenAction =
    ScreenAction::new("rimuovi_componente", texts::REMOVE_MEMBER);
pub const RECORD_DOCUMENT: ScreenAction =
    ScreenAction::new("registra_documento", texts::RECORD_DOCUMENT);
pub const VERIFY: ScreenAction = ScreenAction::new("verifica", texts::VERIFY);
pub const ISSUE_FEE: ScreenAction = ScreenAction::new("emetti_avviso", texts::ISSUE_FEE);
pub const RECORD_PAYMENT: ScreenAction =
    ScreenAction::new("registra_pagamento", texts::RECORD_PAYMENT);

/// An open case and how far it is scrolled.
pub struct CaseState {
    pub data: Case,
    pub scroll: usize,
}

pub struct CaseScreen {
    pub current: Option<CaseState>,
    /// Where Esc returns.
    return_to: ScreenId,
    /// The admitted applications of the call, as the ranking orders them, read when the
    /// adjustment form opened: the check shows the position change against them.
    adjust_entries: Vec<Entry>,
    /// The case being read: to open, or read again.
    reading: Awaiting<Reading>,
    /// The entries read before the adjustment form of an application opens.
    adjusting: Awaiting<ApplicationId>,
    /// A booking checked before its message is previewed.
    booking: Awaiting<Command>,
    /// The open application's place in an assignment round, when it has one.
    pub placement: Option<PlacementView>,
    /// The place being read, for the application named.
    placing: Awaiting<ApplicationId>,
    /// The open application's signed lease and rent account, when it has a lease.
    pub lease: Option<LeaseAccount>,
    leasing: Awaiting<ApplicationId>,
    /// The contract's steps, as on the Contratti screen.
    contract: ContractSteps,
}

/// Why a case is being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    /// Application `id`, to be opened over screen `shown` (the one on the terminal when it was
    /// asked); Esc returns to `from`.
    Open {
        id: ApplicationId,
        from: ScreenId,
        shown: ScreenId,
    },
    /// Read again after a change, where it was scrolled.
    Reload,
}

impl Default for CaseScreen {
    fn default() -> Self {
        CaseScreen {
            current: None,
            return_to: ScreenId::Inbox,
            adjust_entries: Vec::new(),
            reading: Awaiting::default(),
            adjusting: Awaiting::default(),
            booking: Awaiting::default(),
            placement: None,
            placing: Awaiting::default(),
            lease: None,
            leasing: Awaiting::default(),
            contract: ContractSteps::default(),
        }
    }
}

impl CaseScreen {
    pub const INFO: ScreenInfo = ScreenInfo {
        title: texts::SCREEN_CASE,
        context: "scheda",
        help_heading: texts::HELP_HEADING,
        tab: Tab::Under(ScreenId::Inbox),
        // In the key bar's order.
        actions: &[
            Action::Screen(crate::tui::screens::rent::ISEE),
            Action::Screen(contracts::READY),
            Action::Screen(contracts::APPOINTMENT),
            Action::Screen(contracts::SIGN),
            Action::Screen(REGISTER),
            Action::Screen(START_REVIEW),
            Action::Screen(REQUEST_INTEGRATION),
            Action::Screen(RECEIVE_INTEGRATION),
            Action::Screen(ADMIT),
            Action::Screen(EXCLUDE),
            Action::Screen(REINSTATE),
            Action::Screen(REVOKE_ADMISSION),
            Action::Screen(NOTIFY_REFUSAL),
            Action::Screen(RECORD_OBSERVATIONS),
            Action::Screen(CONFIRM_EXCLUSION),
            Action::Screen(WITHDRAW_NOTICE),
            Action::Screen(ADJUST_SCORE),
            Action::Screen(FILE_OBJECTION),
            Action::Screen(DECIDE_OBJECTION),
            Action::Screen(EDIT_CONTACT),
            Action::Screen(ADD_MEMBER),
            Action::Screen(REMOVE_MEMBER),
            Action::Screen(RECORD_DOCUMENT),
            Action::Screen(VERIFY),
            Action::Screen(ISSUE_FEE),
            Action::Screen(RECORD_PAYMENT),
            Action::Screen(REMIND_FEE),
            Action::Screen(BOOK_APPOINTMENT),
            Action::Screen(SEND_MESSAGE),
        ],
        help_contexts: &[Context::Form, Context::Confirm, Context::Preview],
    };

    /// Asks for application `id`, shown once read; Esc returns to `from`.
    pub fn open(&mut self, id: ApplicationId, from: ScreenId, ctx: &mut Ctx) {
        let ticket = ctx.ask(Request::Case { id });
        let shown = ctx.shown();
        self.reading.set(ticket, Reading::Open { id, from, shown });
        self.read_placement(id, ctx);
    }

    /// Asks where application `id` stands in an assignment round, if it is in one.
    fn read_placement(&mut self, id: ApplicationId, ctx: &mut Ctx) {
        self.placing
            .set(ctx.ask(Request::PlacementView { id }), id);
        let day = ctx.today();
        self.leasing
            .set(ctx.ask(Request::LeaseAccount { id, day }), id);
    }

    /// The lease read for the application shown, if it is the one read.
    pub fn lease_of(&self, id: ApplicationId) -> Option<&LeaseAccount> {
        self.lease.as_ref().filter(|l| l.lease.application == id)
    }

    /// A lease read: kept for the application it was read for.
    fn on_lease(
        &mut self,
        id: ApplicationId,
        result: Result<Option<LeaseAccount>, OfficeError>,
    ) -> bool {
        match result {
            Ok(lease) => {
                self.lease = lease.filter(|l| l.lease.application == id);
                true
            }
            // The case shows without its lease: the rest of it is what matters most.
            Err(e) => {
                tracing::warn!(error = %e, "contratto e canone non letti");
                false
            }
        }
    }

    /// The place read for the application shown, if it is the one read.
    pub fn placement_of(&self, id: ApplicationId) -> Option<&PlacementView> {
        self.placement
            .as_ref()
            .filter(|p| p.placement.application == id)
    }

    /// A place read: kept for the application it was read for.
    fn on_placement(
        &mut self,
        id: ApplicationId,
        result: Result<Option<PlacementView>, OfficeError>,
    ) -> bool {
        match result {
            Ok(placement) => {
                self.placement = placement.filter(|p| p.placement.application == id);
                true
            }
            // The case shows without its place: the rest of it is what matters most.
            Err(e) => {
                tracing::warn!(error = %e, "posto nell'assegnazione non letto");
                false
            }
        }
    }

    /// A form just opened on the case remembers the case as it stands, so that its step is
    /// refused if someone changes the case before it is saved.
    fn stamp_form(&self, ctx: &mut Ctx) {
        if let Some(case) = &self.current
            && let Some(form) = ctx.form_mut()
            && form.version.is_none()
        {
            form.version = Some(case.data.version());
        }
    }

    /// The open case read again, where it is scrolled when the reply comes.
    fn reload(&mut self, ctx: &mut Ctx) {
        if let Some(id) = self.current.as_ref().map(|c| c.data.application.id) {
            self.reading.set(ctx.ask(Request::Case { id }), Reading::Reload);
            self.read_placement(id, ctx);
        }
    }

    /// A case read: shown, or refreshed in place.
    fn on_case(
        &mut self,
        reading: Reading,
        result: Result<Option<Case>, OfficeError>,
        ctx: &mut Ctx,
    ) -> bool {
        match (reading, result) {
            (Reading::Open { from, shown, .. }, Ok(Some(data))) => {
                // The caseworker moved on while it was read: the case is not pushed on them.
                if ctx.shown() != shown {
                    return false;
                }
                self.current = Some(CaseState { data, scroll: 0 });
                self.return_to = from;
                ctx.go(ScreenId::Case);
                true
            }
            (Reading::Open { id, .. }, Ok(None)) => {
                ctx.error(format!("domanda {} non trovata", id.0));
                false
            }
            (Reading::Reload, Ok(Some(data))) => {
                let scroll = self
                    .current
                    .as_ref()
                    .filter(|c| c.data.application.id == data.application.id)
                    .map_or(0, |c| c.scroll);
                self.current = Some(CaseState { data, scroll });
                true
            }
            (Reading::Reload, Ok(None)) => {
                self.current = None;
                true
            }
            (_, Err(e)) => {
                ctx.error(e.to_string());
                false
            }
        }
    }
}
