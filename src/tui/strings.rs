//! Every text the console shows, in one place: one wording to review, and a later locale costs a
//! file rather than a hunt. Text that comes from data is not here; it is cleaned in `view`.

use super::keymap::Action;

pub const APP: &str = "alloggi";
pub const TOO_SMALL: &str = "Finestra troppo piccola";
pub const LOADING_STORE: &str = "Apertura dell'archivio…";
pub const LOADING_SUMMARY: &str = "Lettura del bando…";
pub const LOADING_ROWS: &str = "Caricamento delle domande…";
pub const NO_CALL: &str = "Nessun bando attivo: caricarne uno con «alloggi call load FILE.toml»";
pub const LOADING_INDEX: &str = "Preparazione dell'indice di ricerca…";
pub const NO_ROWS: &str = "Nessuna domanda in questo elenco";
pub const NO_EVENTS: &str = "Nessun evento";
pub const NO_MATCH: &str = "Nessun risultato";

pub const SCREEN_DASHBOARD: &str = "Cruscotto";
pub const SCREEN_INBOX: &str = "Domande";
pub const SCREEN_CASE: &str = "Scheda";
pub const SCREEN_AUDIT: &str = "Registro";

pub const FILTER_ALL: &str = "Tutte";

pub const COL_PROTOCOL: &str = "Protocollo";
pub const COL_APPLICANT: &str = "Richiedente";
pub const COL_FISCAL_CODE: &str = "Codice fiscale";
pub const COL_STATE: &str = "Stato";
pub const COL_RECEIVED: &str = "Ricevuta";
pub const COL_CHANNEL: &str = "Canale";
pub const COL_HOUSEHOLD: &str = "Nucleo";
pub const COL_WHEN: &str = "Quando";
pub const COL_ACTOR: &str = "Operatore";
pub const COL_CASE: &str = "Domanda";
pub const COL_EVENT: &str = "Evento";
pub const NOT_REGISTERED: &str = "—";

pub const BOX_HOUSEHOLD: &str = "Nucleo";
pub const BOX_CONDITIONS: &str = "Condizioni";
pub const BOX_DOCUMENTS: &str = "Documenti";
pub const BOX_TIMELINE: &str = "Cronologia";
pub const BOX_CONTACT: &str = "Recapiti";
pub const BOX_HELP: &str = "Aiuto";
pub const BOX_PALETTE: &str = "Comandi";
pub const BOX_CONFIRM: &str = "Conferma";

pub const DASH_CALL: &str = "Bando";
pub const DASH_WINDOW: &str = "Finestra di presentazione";
pub const DASH_PROCEDURE: &str = "Procedimento (210 giorni)";
pub const DASH_STATES: &str = "Domande per stato";
pub const DASH_OVERDUE: &str = "Scadenze";
pub const DASH_TOTAL: &str = "Totale";

pub const SEARCH_PROMPT: &str = "Cerca (nome, codice fiscale, protocollo)";
pub const HELP_FILTER: &str = "filtra";
pub const PALETTE_PROMPT: &str = "Comando";
pub const DISCARD_QUESTION: &str = "Ci sono modifiche non salvate. Scartarle?";
pub const YES_NO: &str = "s sì · n no";
pub const REQUIRED: &str = "obbligatorio";

pub const FORM_CONTACT: &str = "Modifica recapiti";
pub const FORM_MEMBER: &str = "Aggiungi componente del nucleo";
pub const FORM_INTEGRATION: &str = "Richiesta di integrazione";
pub const FORM_ADMIT: &str = "Ammissione";
pub const FORM_EXCLUDE: &str = "Esclusione";
pub const FORM_REINSTATE: &str = "Riammissione in istruttoria";
pub const FORM_LATE: &str = "Protocollazione fuori termine";
pub const FORM_AUDIT_FILTER: &str = "Filtra il registro";

pub const FIELD_EMAIL: &str = "Email";
pub const FIELD_PHONE: &str = "Telefono";
pub const FIELD_STREET: &str = "Indirizzo";
pub const FIELD_POSTCODE: &str = "CAP";
pub const FIELD_MUNICIPALITY: &str = "Comune";
pub const FIELD_PROVINCE: &str = "Provincia";
pub const FIELD_FISCAL_CODE: &str = "Codice fiscale";
pub const FIELD_SURNAME: &str = "Cognome";
pub const FIELD_NAME: &str = "Nome";
pub const FIELD_RELATION: &str = "Relazione";
pub const FIELD_BIRTH_DATE: &str = "Data di nascita";
pub const FIELD_DISABILITY: &str = "Invalidità %";
pub const FIELD_DOCUMENTS: &str = "Documenti (codici)";
pub const FIELD_DEADLINE: &str = "Scadenza (gg/mm/aaaa)";
pub const FIELD_NOTE: &str = "Nota";
pub const FIELD_REASON: &str = "Motivo";
pub const FIELD_EXCLUSION: &str = "Causa di esclusione";
pub const FIELD_CASE: &str = "Domanda (protocollo)";
pub const FIELD_ACTOR: &str = "Operatore";
pub const FIELD_KIND: &str = "Tipo di evento";
pub const CHOICE_HINT: &str = "← → per scegliere";

pub const SORT_LABELS: [&str; 4] = ["ricevuta", "protocollo", "richiedente", "stato"];

pub fn selected(n: usize) -> String {
    format!("{} selezionate", crate::format::count(n))
}

pub fn batch_done(done: usize, refused: usize, first_error: Option<&str>) -> String {
    match first_error {
        None => format!("{} domande aggiornate", crate::format::count(done)),
        Some(error) => format!(
            "{} aggiornate, {} rifiutate: {error}",
            crate::format::count(done),
            crate::format::count(refused)
        ),
    }
}

pub fn saved(what: &str) -> String {
    format!("{what}: salvato")
}

pub fn too_small(width: u16, height: u16, min_width: u16, min_height: u16) -> String {
    format!("{TOO_SMALL}: {width}×{height} (servono almeno {min_width}×{min_height})")
}

pub fn rows_loading(done: usize, total: usize) -> String {
    format!(
        "{LOADING_ROWS} {}/{}",
        crate::format::count(done),
        crate::format::count(total)
    )
}

pub fn matches(n: usize) -> String {
    format!("{} risultati", crate::format::count(n))
}

pub fn window_open(days_left: i64) -> String {
    match days_left {
        0 => "aperta · chiude oggi".to_string(),
        1 => "aperta · chiude domani".to_string(),
        n => format!("aperta · chiude tra {n} giorni"),
    }
}

pub fn window_not_yet(days: i64) -> String {
    format!("non ancora aperta · apre tra {days} giorni")
}

pub const WINDOW_CLOSED: &str = "chiusa";

pub fn procedure_day(day: i64, days_left: i64) -> String {
    if days_left >= 0 {
        format!("giorno {day}/210 · restano {days_left} giorni")
    } else {
        format!("giorno {day}/210 · scaduto da {} giorni", -days_left)
    }
}

pub fn integration_overdue(n: usize) -> String {
    format!(
        "{} integrazioni scadute senza risposta",
        crate::format::count(n)
    )
}

pub fn integration_due_soon(n: usize) -> String {
    format!(
        "{} integrazioni in scadenza entro 3 giorni",
        crate::format::count(n)
    )
}

pub fn received_unregistered(n: usize) -> String {
    format!(
        "{} domande ricevute da protocollare",
        crate::format::count(n)
    )
}

pub const NOTHING_OVERDUE: &str = "nessuna scadenza superata";

pub fn age(years: u32) -> String {
    format!("{years}a")
}

pub fn integration_deadline(date: &str) -> String {
    format!("integrazione entro il {date}")
}

pub fn keys_hint(keys: &str, description: &str) -> String {
    format!("{keys} {description}")
}

pub fn field_error(label: &str, reason: &str) -> String {
    format!("{label}: {reason}")
}

pub fn unknown_document(code: &str) -> String {
    format!("documento '{code}' non previsto dal bando")
}

pub fn audit_filters(case: &str, actor: &str, kind: &str) -> String {
    let mut parts = Vec::new();
    if !case.is_empty() {
        parts.push(format!("domanda {case}"));
    }
    if !actor.is_empty() {
        parts.push(format!("operatore {actor}"));
    }
    if !kind.is_empty() {
        parts.push(format!("tipo {kind}"));
    }
    if parts.is_empty() {
        "tutti gli eventi".to_string()
    } else {
        format!("filtro: {}", parts.join(" · "))
    }
}

pub fn case_not_found(protocol: &str) -> String {
    format!("nessuna domanda con protocollo {protocol}")
}

pub fn flags_legend() -> &'static str {
    "! fuori termine o condizione senza documento"
}

pub fn action_name(action: Action) -> &'static str {
    ACTIONS
        .iter()
        .find(|(a, _, _)| *a == action)
        .map(|(_, name, _)| *name)
        .unwrap_or("?")
}

pub fn action_description(action: Action) -> &'static str {
    ACTIONS
        .iter()
        .find(|(a, _, _)| *a == action)
        .map(|(_, _, description)| *description)
        .unwrap_or("?")
}

/// Every action, with its name in keymap files and its Italian description.
pub const ACTIONS: [(Action, &str, &str); 41] = [
    (Action::Quit, "esci", "esci"),
    (Action::Back, "indietro", "torna indietro"),
    (Action::Help, "aiuto", "aiuto"),
    (Action::Palette, "comandi", "comandi"),
    (Action::GoDashboard, "vai_cruscotto", "cruscotto"),
    (Action::GoInbox, "vai_domande", "domande"),
    (Action::GoAudit, "vai_registro", "registro"),
    (
        Action::NextScreen,
        "schermata_successiva",
        "schermata successiva",
    ),
    (
        Action::PreviousScreen,
        "schermata_precedente",
        "schermata precedente",
    ),
    (Action::Up, "su", "su"),
    (Action::Down, "giu", "giù"),
    (Action::PageUp, "pagina_su", "pagina su"),
    (Action::PageDown, "pagina_giu", "pagina giù"),
    (Action::Top, "inizio", "all'inizio"),
    (Action::Bottom, "fine", "alla fine"),
    (Action::Open, "apri", "apri"),
    (Action::Search, "cerca", "cerca"),
    (Action::Select, "seleziona", "seleziona"),
    (Action::SelectAll, "seleziona_tutte", "seleziona tutte"),
    (Action::NextFilter, "filtro_successivo", "stato succ."),
    (Action::PreviousFilter, "filtro_precedente", "stato prec."),
    (Action::Sort, "ordina", "ordina"),
    (Action::ReverseSort, "inverti_ordine", "inverti ordine"),
    (Action::Register, "protocolla", "protocolla"),
    (
        Action::StartReview,
        "avvia_istruttoria",
        "avvia istruttoria",
    ),
    (
        Action::RequestIntegration,
        "richiedi_integrazione",
        "chiedi documenti",
    ),
    (
        Action::ReceiveIntegration,
        "integrazione_ricevuta",
        "documenti ricevuti",
    ),
    (Action::Admit, "ammetti", "ammetti"),
    (Action::Exclude, "escludi", "escludi"),
    (Action::Reinstate, "riammetti", "riammetti"),
    (Action::EditContact, "modifica_recapiti", "recapiti"),
    (Action::AddMember, "aggiungi_componente", "nuovo componente"),
    (Action::Filter, "filtra", "filtra"),
    (Action::ClearFilter, "azzera_filtri", "azzera i filtri"),
    (Action::Cancel, "annulla", "annulla"),
    (Action::Confirm, "conferma", "conferma"),
    (Action::Save, "salva", "salva"),
    (Action::NextField, "campo_successivo", "campo successivo"),
    (
        Action::PreviousField,
        "campo_precedente",
        "campo precedente",
    ),
    (Action::Yes, "si", "sì"),
    (Action::No, "no", "no"),
];
