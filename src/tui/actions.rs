//! What a key can do. The shared actions (leaving, help, the palette, moving in a list, the
//! overlays' keys, going to a screen) mean the same everywhere; every other action belongs to a
//! screen, which declares it in its folder.
//!
//! An action has a keymap identifier (`esci`, `protocolla`) and a description shown in the key
//! bar, the help and the palette. The identifiers are fixed in code, here and in the screens;
//! the descriptions are text, in `strings` and in the screens' texts: translating them can never
//! break a user's `keymap.toml`.

use super::screens::{ScreenId, Tab};
use super::strings as s;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    Quit,
    Back,
    Help,
    Palette,
    /// Show a screen that has a tab: its identifier and text come from the screen.
    Go(ScreenId),
    NextScreen,
    PreviousScreen,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    Cancel,
    Confirm,
    Save,
    NextField,
    PreviousField,
    Yes,
    No,
    /// The status line's message whole, when it is cut.
    WholeStatus,
    /// In a message's preview: withdraw the identical message already queued.
    WithdrawQueued,
    /// One of a screen's own actions.
    Screen(ScreenAction),
}

/// An action a screen declares: its keymap identifier, and its description as text.
///
/// Screens declare them as constants and match on them (`Action::Screen(REGISTER)`); two
/// screens offering the same step share one constant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ScreenAction {
    pub id: &'static str,
    pub text: &'static str,
}

impl ScreenAction {
    pub const fn new(id: &'static str, text: &'static str) -> ScreenAction {
        ScreenAction { id, text }
    }
}

/// The keymap identifiers of the shared actions. Never translated: users' files name them.
const SHARED_IDS: [(Action, &str); 22] = [
    (Action::Quit, "esci"),
    (Action::Back, "indietro"),
    (Action::Help, "aiuto"),
    (Action::Palette, "comandi"),
    (Action::NextScreen, "schermata_successiva"),
    (Action::PreviousScreen, "schermata_precedente"),
    (Action::Up, "su"),
    (Action::Down, "giu"),
    (Action::PageUp, "pagina_su"),
    (Action::PageDown, "pagina_giu"),
    (Action::Top, "inizio"),
    (Action::Bottom, "fine"),
    (Action::Open, "apri"),
    (Action::Cancel, "annulla"),
    (Action::Confirm, "conferma"),
    (Action::Save, "salva"),
    (Action::NextField, "campo_successivo"),
    (Action::PreviousField, "campo_precedente"),
    (Action::Yes, "si"),
    (Action::No, "no"),
    (Action::WholeStatus, "messaggio_intero"),
    (Action::WithdrawQueued, "ritira_in_coda"),
];

/// The shared actions every screen's key context offers, before and after the tabs' actions.
const GLOBAL_BEFORE_TABS: [Action; 4] = [Action::Quit, Action::Back, Action::Help, Action::Palette];
const GLOBAL_AFTER_TABS: [Action; 10] = [
    Action::NextScreen,
    Action::PreviousScreen,
    Action::Up,
    Action::Down,
    Action::PageUp,
    Action::PageDown,
    Action::Top,
    Action::Bottom,
    Action::Open,
    Action::WholeStatus,
];

impl Action {
    /// The name used in keymap files.
    pub fn name(self) -> &'static str {
        match self {
            Action::Go(screen) => match screen.info().tab {
                Tab::Own { goto, .. } => goto,
                Tab::Under(_) => "?",
            },
            Action::Screen(action) => action.id,
            shared => SHARED_IDS
                .iter()
                .find(|(a, _)| *a == shared)
                .map(|(_, id)| *id)
                .unwrap_or("?"),
        }
    }

    /// What the action does, for help, palette and the key bar.
    pub fn description(self) -> &'static str {
        match self {
            Action::Go(screen) => match screen.info().tab {
                Tab::Own { text, .. } => text,
                Tab::Under(_) => "?",
            },
            Action::Screen(action) => action.text,
            shared => s::action_text(shared),
        }
    }

    /// The actions of the `globale` section: leaving, help, the palette, a key for each tab,
    /// moving between screens and in lists.
    pub fn global() -> Vec<Action> {
        let tabs = ScreenId::ALL
            .iter()
            .filter(|id| matches!(id.info().tab, Tab::Own { .. }))
            .map(|id| Action::Go(*id));
        GLOBAL_BEFORE_TABS
            .into_iter()
            .chain(tabs)
            .chain(GLOBAL_AFTER_TABS)
            .collect()
    }

    /// Every action a keymap can name: the shared ones, then each screen's own, once each.
    pub fn all() -> Vec<Action> {
        let mut all: Vec<Action> = Action::global();
        for (action, _) in SHARED_IDS {
            if !all.contains(&action) {
                all.push(action);
            }
        }
        for screen in ScreenId::ALL {
            for action in screen.info().actions {
                if !all.contains(action) {
                    all.push(*action);
                }
            }
        }
        all
    }
}

// Steps more than one screen offers: one constant each, so that a keymap identifier always
// means one action.

pub const SEARCH: ScreenAction = ScreenAction::new("cerca", s::ACTION_SEARCH);
pub const FILTER: ScreenAction = ScreenAction::new("filtra", s::ACTION_FILTER);
pub const NEXT_FILTER: ScreenAction = ScreenAction::new("filtro_successivo", s::ACTION_NEXT_FILTER);
pub const PREVIOUS_FILTER: ScreenAction =
    ScreenAction::new("filtro_precedente", s::ACTION_PREVIOUS_FILTER);
pub const REGISTER: ScreenAction = ScreenAction::new("protocolla", s::ACTION_REGISTER);
pub const START_REVIEW: ScreenAction =
    ScreenAction::new("avvia_istruttoria", s::ACTION_START_REVIEW);
pub const ADMIT: ScreenAction = ScreenAction::new("ammetti", s::ACTION_ADMIT);
pub const EXCLUDE: ScreenAction = ScreenAction::new("escludi", s::ACTION_EXCLUDE);
pub const REMIND_FEE: ScreenAction = ScreenAction::new("sollecita_pagamento", s::ACTION_REMIND_FEE);
pub const SEND_MESSAGE: ScreenAction = ScreenAction::new("invia_messaggio", s::ACTION_SEND_MESSAGE);
pub const BOOK_APPOINTMENT: ScreenAction =
    ScreenAction::new("prenota_appuntamento", s::ACTION_BOOK_APPOINTMENT);

/// The least role whose caseworker may take `action`: the office refuses the others, and the
/// key bar marks them beforehand. Reading, moving and filtering need no more than consultazione.
pub fn role_needed(action: Action) -> crate::domain::roles::Role {
    use crate::domain::roles::Role;
    let Action::Screen(action) = action else {
        return Role::Consultazione;
    };
    match action.id {
        "nuovo_bando" | "modifica_bando" | "attiva_bando" | "pubblica_bando"
        | "documento_bando" | "rimuovi_documento" => Role::Amministratore,
        "ammetti"
        | "escludi"
        | "riammetti"
        | "revoca_ammissione"
        | "rettifica_punteggio"
        | "decidi_opposizione"
        | "pubblica_provvisoria"
        | "pubblica_definitiva"
        | "apri_assegnazione"
        | "escludi_candidato"
        | "decreto"
        | "sollecito"
        | "morosita_incolpevole"
        | "piano_rientro"
        | "aggiorna_canoni"
        | "contratto_pronto"
        | "appuntamento_firma"
        | "firma_contratto" => Role::Responsabile,
        "protocolla"
        | "avvia_istruttoria"
        | "sollecita_pagamento"
        | "invia_messaggio"
        | "prenota_appuntamento"
        | "sposta_appuntamento"
        | "annulla_appuntamento"
        | "importa_interessati"
        | "aggiungi_interessato"
        | "rimuovi_interessato"
        | "avvisa_interessati"
        | "richiedi_integrazione"
        | "integrazione_ricevuta"
        | "registra_opposizione"
        | "modifica_recapiti"
        | "aggiungi_componente"
        | "rimuovi_componente"
        | "registra_documento"
        | "verifica"
        | "emetti_avviso"
        | "registra_pagamento"
        | "riaccoda"
        | "segna_inviato"
        | "esporta_pacchetto"
        | "invia_ora"
        | "nuovo_alloggio"
        | "modifica_alloggio"
        | "stato_alloggio"
        | "proponi"
        | "risposta"
        | "diffida"
        | "emetti_mese"
        | "promemoria"
        | "pagato_sportello"
        | "isee_inquilino" => Role::Operatore,
        _ => Role::Consultazione,
    }
}
