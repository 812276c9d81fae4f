//! Texts only the inbox uses: its own actions' descriptions, then the rest.

use crate::tui::strings::{LOADING_ROWS, days_ago, in_days};

/// The help's heading over its keys.
pub const HELP_HEADING: &str = "Domande";
/// The global action that shows it.
pub const GO_TO: &str = "domande";

pub const SELECT: &str = "seleziona";
pub const SELECT_ALL: &str = "seleziona tutte";
pub const SORT: &str = "ordina";
pub const REVERSE_SORT: &str = "inverti ordine";

pub const LOADING_INDEX: &str = "Preparazione dell'indice di ricerca…";
pub const NO_ROWS: &str = "Nessuna domanda in questo elenco";
pub const SCREEN_INBOX: &str = "Domande";
pub const COL_PROTOCOL: &str = "Protocollo";
pub const COL_APPLICANT: &str = "Richiedente";
pub const COL_FISCAL_CODE: &str = "Codice fiscale";
pub const COL_STATE: &str = "Stato";
pub const COL_RECEIVED: &str = "Ricevuta";
pub const COL_HOUSEHOLD: &str = "Nucleo";
pub const SEARCH_PROMPT: &str = "Cerca (nome, codice fiscale, protocollo)";
pub const SORT_LABELS: [&str; 4] = ["ricevuta", "protocollo", "richiedente", "stato"];

pub fn selected(n: usize) -> String {
    format!("{} selezionate", crate::domain::number::count(n))
}

pub fn rows_loading(done: usize, total: usize) -> String {
    format!(
        "{LOADING_ROWS} {}/{}",
        crate::domain::number::count(done),
        crate::domain::number::count(total)
    )
}

pub const FORM_ADMIT_MANY: &str = "Ammissione delle domande scelte";
pub const FORM_EXCLUDE_MANY: &str = "Esclusione delle domande scelte";
pub const FORM_REMIND_WITHIN: &str = "Promemoria degli avvisi in scadenza";
pub const FIELD_WITHIN_DAYS: &str = "Entro quanti giorni";
pub const DAYS_RANGE: &str = "un numero di giorni da 0 a 365";

pub const NO_FEE_TO_REMIND: &str =
    "nessuna delle domande scelte ha un avviso non pagato e non ancora scaduto";

pub fn no_fee_due_within(days: u32) -> String {
    format!("nessun avviso non pagato in scadenza entro {days} giorni")
}

pub const COL_DEADLINE: &str = "Scadenza";

pub fn overdue_status(days: i64, protocol: &str) -> String {
    format!("integrazione scaduta {} ({protocol})", days_ago(days))
}

pub fn fee_due_status(due: &str, days_left: i64, protocol: &str) -> String {
    format!(
        "spese di segreteria entro il {due} · {} ({protocol})",
        in_days(days_left)
    )
}

pub fn fee_late_status(days: i64, protocol: &str) -> String {
    format!(
        "spese di segreteria non pagate, scadute {} ({protocol})",
        days_ago(days)
    )
}

/// «Avviare l'istruttoria di 12 domande?»: the step and how many applications it touches.
pub fn steps_question(step: &crate::domain::Command, count: usize) -> String {
    use crate::domain::Command;
    let what = if count == 1 {
        "1 domanda".to_string()
    } else {
        format!("{count} domande")
    };
    match step {
        Command::RegisterApplication { .. } => format!("Protocollare {what}?"),
        Command::StartReview { .. } => format!("Avviare l'istruttoria di {what}?"),
        Command::Admit { .. } => format!("Ammettere {what}?"),
        Command::Exclude { .. } => format!("Escludere {what}?"),
        _ => format!("Procedere su {what}?"),
    }
}
