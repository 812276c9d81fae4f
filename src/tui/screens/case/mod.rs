//! Scheda domanda: one application, with where it stands and every step it can take now. It is
//! opened from the other screens (Invio on a row) and Esc returns to the one it came from.

mod forms;
mod review;
mod score;
mod texts;
mod update;
mod view;

use super::{ScreenId, ScreenInfo, Tab};
use crate::domain::ApplicationId;
use crate::domain::ranking::Entry;
use crate::tui::actions::{
    ADMIT, Action, BOOK_APPOINTMENT, EXCLUDE, REGISTER, REMIND_FEE, SEND_MESSAGE, START_REVIEW,
    ScreenAction,
};
use crate::tui::context::Ctx;
use crate::tui::data::Case;
use crate::tui::keymap::Context;

pub const REQUEST_INTEGRATION: ScreenAction =
    ScreenAction::new("richiedi_integrazione", texts::REQUEST_INTEGRATION);
pub const RECEIVE_INTEGRATION: ScreenAction =
    ScreenAction::new("integrazione_ricevuta", texts::RECEIVE_INTEGRATION);
pub const REINSTATE: ScreenAction = ScreenAction::new("riammetti", texts::REINSTATE);
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
}

impl Default for CaseScreen {
    fn default() -> Self {
        CaseScreen {
            current: None,
            return_to: ScreenId::Inbox,
            adjust_entries: Vec::new(),
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
            Action::Screen(REGISTER),
            Action::Screen(START_REVIEW),
            Action::Screen(REQUEST_INTEGRATION),
            Action::Screen(RECEIVE_INTEGRATION),
            Action::Screen(ADMIT),
            Action::Screen(EXCLUDE),
            Action::Screen(REINSTATE),
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

    /// Reads application `id` and shows it; Esc returns to `from`. False when it cannot be
    /// read (the status line says why).
    pub fn open(&mut self, id: ApplicationId, from: ScreenId, ctx: &mut Ctx) -> bool {
        match Case::load(ctx.store(), id) {
            Ok(Some(data)) => {
                self.current = Some(CaseState { data, scroll: 0 });
                self.return_to = from;
                true
            }
            Ok(None) => {
                ctx.error(format!("domanda {} non trovata", id.0));
                false
            }
            Err(e) => {
                ctx.error(e.to_string());
                false
            }
        }
    }

    /// The open case read again, where it was scrolled.
    fn reload(&mut self, ctx: &mut Ctx) {
        if let Some(id) = self.current.as_ref().map(|c| c.data.application.id) {
            let scroll = self.current.as_ref().map(|c| c.scroll).unwrap_or(0);
            match Case::load(ctx.store(), id) {
                Ok(Some(data)) => self.current = Some(CaseState { data, scroll }),
                Ok(None) => self.current = None,
                Err(e) => ctx.error(e.to_string()),
            }
        }
    }
}
