//! Texts only the Bandi screen uses: its own actions' descriptions, then the rest.

use crate::tui::strings::{CALL_DOCUMENTS};

/// The help's heading over its keys.
pub const HELP_HEADING: &str = "Bandi";
/// The global action that shows it.
pub const GO_TO: &str = "bandi";

pub const NEW_CALL: &str = "nuovo bando";
pub const EDIT_CALL: &str = "modifica";
pub const ACTIVATE_CALL: &str = "rendi attivo";
pub const PUBLISH_CALL: &str = "pubblica";
pub const EDIT_DOCUMENT: &str = "documento";
pub const REMOVE_DOCUMENT: &str = "togli documento";
pub const IMPORT_INTERESTED: &str = "importa interessati";
pub const ADD_INTERESTED: &str = "aggiungi interessato";
pub const REMOVE_INTERESTED: &str = "togli interessato";
pub const NOTIFY_INTERESTED: &str = "avvisa nuovi interessati";

pub const SCREEN_CALLS: &str = "Bandi";

pub const CALLS_COLUMNS: [&str; 6] = [
    "Codice",
    "Titolo",
    "Finestra",
    "Stato",
    "Pubblicazione",
    "Interessati",
];

pub const CALL_ACTIVE: &str = "attivo";
pub const CALL_UNPUBLISHED: &str = "non pubblicato";

pub fn call_no_calls(new_key: &str) -> String {
    format!("nessun bando nel database: {new_key} ne crea uno")
}

pub const NO_CALL_SELECTED: &str = "nessun bando sotto il cursore";

pub fn call_published(date: &str) -> String {
    format!("pubblicato il {date}")
}

pub const CALL_DETERMINA: &str = "Determina";
pub const CALL_WINDOW: &str = "Finestra";
pub const CALL_DURATION: &str = "Durata massima";
pub const CALL_PROCEDURE_END: &str = "Fine procedura";
pub const CALL_STAMP_DUTY: &str = "Marca da bollo";
pub const CALL_FEE: &str = "Spese segreteria";
pub const CALL_INTEGRATION: &str = "Integrazione";
pub const CALL_OBJECTIONS: &str = "Opposizioni";
pub const CALL_ISEE_LIMIT: &str = "Limite ISEE";
pub const CALL_SINGLE_PERSON: &str = "Unipersonale";
pub const CALL_PROPERTY_SHARE: &str = "Quota proprietà";
pub const CALL_RANKING_VALIDITY: &str = "Graduatoria";
pub const CALL_REFERENCE: &str = "Riferimento";
pub const CALL_PROTOCOL: &str = "Protocollo";
pub const CALL_PUBLICATION: &str = "Pubblicazione";
pub const CALL_DOC_REQUIRED: &str = "obbligatorio";
pub const CALL_DOC_OPTIONAL: &str = "facoltativo";
pub const CALL_WINDOW_NOT_OPEN: &str = "non ancora aperta";
pub const CALL_WINDOW_OPEN: &str = "aperta";

/// Which lines of a scrolled list are shown, and the keys that scroll it.
pub fn call_section_range(from: usize, to: usize, total: usize, keys: &str) -> String {
    format!("{from}–{to} di {total} · {keys}")
}

pub fn call_window_span(opens: &str, closes: &str) -> String {
    format!("{opens} – {closes}")
}

pub fn call_days(n: u32) -> String {
    if n == 1 {
        "1 giorno".to_string()
    } else {
        format!("{n} giorni")
    }
}

pub fn call_years(n: u32) -> String {
    if n == 1 {
        "valida 1 anno".to_string()
    } else {
        format!("valida {n} anni")
    }
}

pub fn call_percent_increase(pct: u32, limit: &str) -> String {
    format!("+{pct}% ({limit})")
}

pub fn call_max_share(pct: u32) -> String {
    format!("al massimo {pct}%")
}

pub fn call_reference_is_closing(date: &str) -> String {
    format!("{date} (chiusura)")
}

pub fn call_protocol_example(pattern: &str, example: &str) -> String {
    format!("{pattern} → es. {example}")
}

pub fn call_interested_citizens(n: usize) -> String {
    match n {
        0 => "nessun cittadino interessato".to_string(),
        1 => "1 cittadino interessato".to_string(),
        n => format!("{} cittadini interessati", crate::domain::number::count(n)),
    }
}

pub fn doc_needed_for(triggers: &str) -> String {
    format!("necessario per {triggers}")
}

pub fn call_documents_heading(n: usize) -> String {
    format!("{CALL_DOCUMENTS} ({n})")
}

pub const CALL_NO_DOCUMENTS: &str = "nessun documento";
pub const NO_DOCUMENTS_TO_REMOVE: &str = "il bando non ha documenti da togliere";
pub const CALL_IMPORT_ERRORS: &str = "Righe da correggere, nessun interessato importato";

/// The status line's hint about what the call under the cursor can do next.
pub fn call_hint_unpublished(key: &str, interested: usize) -> String {
    match interested {
        0 => format!("non pubblicato · {key} lo pubblica"),
        n => format!(
            "non pubblicato · {key} lo pubblica e avvisa {}",
            crate::domain::number::plural(n, "interessato", "interessati")
        ),
    }
}

pub fn call_hint_published(date: &str, key: &str) -> String {
    format!("pubblicato il {date} · {key} avvisa gli interessati aggiunti dopo")
}

pub const FORM_CALL_NEW: &str = "Nuovo bando (1/2): dati generali";
pub const FORM_CALL_EDIT: &str = "Modifica bando (1/2): dati generali";
pub const FORM_CALL_PARAMS: &str = "Bando (2/2): parametri";
pub const FORM_DOCUMENT_CODE: &str = "Documento del bando: codice";
pub const FORM_DOCUMENT_NEW: &str = "Nuovo documento del bando";
pub const FORM_DOCUMENT_EDIT: &str = "Modifica documento del bando";
pub const FORM_DOCUMENT_REMOVE: &str = "Togli un documento dal bando";
pub const FORM_INTERESTED_ADD: &str = "Aggiungi un cittadino interessato";
pub const FORM_INTERESTED_REMOVE: &str = "Togli un cittadino interessato";
pub const FORM_INTERESTED_IMPORT: &str = "Importa interessati da file CSV";
pub const FIELD_CALL_CODE: &str = "Codice";
pub const FIELD_CALL_TITLE: &str = "Titolo";
pub const FIELD_CALL_DETERMINA: &str = "Determina";
pub const FIELD_CALL_OPENS: &str = "Apertura (gg/mm/aaaa hh:mm)";
pub const FIELD_CALL_CLOSES: &str = "Chiusura (ultimo minuto)";
pub const FIELD_CALL_DURATION: &str = "Durata massima (giorni)";
pub const FIELD_CALL_STAMP_DUTY: &str = "Marca da bollo (€)";
pub const FIELD_CALL_FEE: &str = "Spese di segreteria (€)";
pub const FIELD_INTEGRATION_DAYS: &str = "Giorni per l'integrazione";
pub const FIELD_OBJECTION_DAYS: &str = "Giorni per le opposizioni";
pub const FIELD_ISEE_LIMIT: &str = "Limite ISEE (€)";
pub const FIELD_SINGLE_PERSON: &str = "Maggiorazione unipersonale %";
pub const FIELD_PROPERTY_SHARE: &str = "Quota massima di proprietà %";
pub const FIELD_RANKING_VALIDITY: &str = "Validità graduatoria (anni)";
pub const FIELD_REFERENCE_DATE: &str = "Riferimento (vuota: chiusura)";
pub const FIELD_PROTOCOL_PATTERN: &str = "Modello del protocollo";
pub const FIELD_DOCUMENT_CODE: &str = "Codice (nuovo o esistente)";
pub const FIELD_DOCUMENT_CODE_REMOVE: &str = "Codice del documento";
pub const FIELD_DOCUMENT_TITLE: &str = "Titolo";
pub const FIELD_DOCUMENT_REQUIRED: &str = "Obbligatorio";
pub const FIELD_DOCUMENT_NEEDED_FOR: &str = "Necessario per (codici)";
pub const FIELD_CSV_FILE: &str = "File CSV";
pub const CALL_NO: &str = "no";
pub const CALL_YES: &str = "sì";
pub const CALL_CODE_RULE: &str = "solo minuscole, cifre e '-', al massimo 32";
pub const DOCUMENT_CODE_RULE: &str = "solo minuscole, cifre, '_' e '-', al massimo 40";
pub const CLOSES_BEFORE_OPENS: &str = "la chiusura deve seguire l'apertura";
pub const CALL_WHOLE_DAYS: &str = "un numero intero di giorni, da 1 in su";
pub const CALL_WHOLE_YEARS: &str = "un numero intero di anni, da 1 in su";
pub const CALL_PERCENT: &str = "un numero intero da 0 a 100";

pub fn call_unknown_trigger(code: &str, known: &str) -> String {
    format!("'{code}' sconosciuto; usa: {known}")
}

pub fn call_trigger_guess(code: &str, guess: &str) -> String {
    format!("'{code}' sconosciuto: forse {guess}?")
}

pub fn call_exists(code: &str, edit_key: &str) -> String {
    format!("esiste già un bando con codice '{code}': per cambiarlo, {edit_key} sulla sua riga")
}

pub fn call_gone(code: &str) -> String {
    format!("il bando {code} non c'è più: elenco riletto")
}

pub fn call_published_alone(code: &str) -> String {
    format!("bando {code} pubblicato; nessun cittadino interessato da avvisare")
}

pub fn call_document_not_in_call(code: &str, known: &str) -> String {
    format!("'{code}' non è tra i documenti del bando: {known}")
}

pub fn call_saved(code: &str) -> String {
    format!("bando {code} salvato")
}

pub fn call_created(code: &str) -> String {
    format!("bando {code} creato")
}

pub fn call_activated(code: &str) -> String {
    format!("bando {code} ora attivo: la console lavora su questo")
}

pub fn call_already_active(code: &str) -> String {
    format!("il bando {code} è già quello attivo")
}

pub fn call_already_published(code: &str, date: &str, notify_key: &str) -> String {
    format!(
        "il bando {code} è già pubblicato dal {date}: {notify_key} avvisa solo gli interessati aggiunti dopo"
    )
}

pub fn call_not_published(code: &str, publish_key: &str) -> String {
    format!(
        "il bando {code} non è pubblicato: {publish_key} lo pubblica e avvisa tutti gli interessati"
    )
}

pub fn call_document_saved(code: &str, call: &str) -> String {
    format!("documento {code} salvato nel bando {call}")
}

pub fn call_document_removed(code: &str, call: &str) -> String {
    format!("documento {code} tolto dal bando {call}")
}

pub fn call_interested_added(code: &str, call: &str) -> String {
    format!("{code} aggiunto agli interessati del bando {call}")
}

pub fn call_interested_removed(code: &str, call: &str) -> String {
    format!("{code} tolto dagli interessati del bando {call}")
}

pub fn call_interested_imported(added: usize, present: usize) -> String {
    format!(
        "{} ({} già presenti)",
        crate::domain::number::plural(added, "interessato aggiunto", "interessati aggiunti"),
        crate::domain::number::count(present)
    )
}

pub fn call_import_refused(rows: usize, first: &str) -> String {
    let rows = if rows == 1 {
        "1 riga errata".to_string()
    } else {
        format!("{} righe errate", crate::domain::number::count(rows))
    };
    format!("{rows}, nulla importato (Esc: l'elenco completo) · {first}")
}
