//! Texts only the Alloggi screen uses: its own actions' descriptions, then the rest.

use crate::domain::number::plural;
use crate::domain::stock::DwellingState;

/// The help's heading over its keys.
pub const HELP_HEADING: &str = "Alloggi";
/// The global action that shows it.
pub const GO_TO: &str = "alloggi";
pub const SCREEN_STOCK: &str = "Alloggi";

pub const NEW_DWELLING: &str = "nuovo";
pub const EDIT_DWELLING: &str = "modifica";
pub const CHANGE_STATE: &str = "stato";
pub const FILTER_SIZE: &str = "nucleo";
pub const FILTER_ACCESSIBLE: &str = "accessibili";
pub const FILTER_VACANCY: &str = "giorni";

/// The state tabs' names, plural as the mockup counts them.
pub fn state_tab(state: Option<DwellingState>) -> &'static str {
    match state {
        None => "Tutti",
        Some(DwellingState::Libero) => "Liberi",
        Some(DwellingState::InLavori) => "Lavori",
        Some(DwellingState::Proposto) => "Proposti",
        Some(DwellingState::Locato) => "Locati",
        Some(DwellingState::NonAssegnabile) => "Non assegnabili",
    }
}

/// The state in the table's narrow column.
pub fn state_short(state: DwellingState) -> &'static str {
    match state {
        DwellingState::NonAssegnabile => "non assegn.",
        other => other.label(),
    }
}

pub const COLUMNS: [&str; 9] = [
    "Codice",
    "Indirizzo",
    "Piano",
    "Asc",
    "m² ut.",
    "Vani",
    "Acc",
    "Stato",
    "Libero da",
];

pub use crate::tui::strings::{NO, YES, yes_no};
pub const NONE: &str = "—";

pub fn days(n: i64) -> String {
    format!("{n} gg")
}

pub const EMPTY_STOCK: &str = "Nessun alloggio nell'elenco.";
pub fn empty_stock_hint(key: &str) -> String {
    format!("Con {key} si aggiunge il primo.")
}
pub const EMPTY_FILTERED: &str = "Nessun alloggio con questi filtri.";
pub const LOADING: &str = "Lettura degli alloggi…";

pub const NO_FILTERS: &str = "nessun filtro";
pub fn filter_size(size: usize) -> String {
    if size >= super::LARGEST_SIZE {
        format!("per nuclei di {size} o più persone")
    } else {
        format!("per nuclei di {}", plural(size, "persona", "persone"))
    }
}
pub const FILTER_ACCESSIBLE_ON: &str = "solo accessibili";
pub fn filter_vacancy(days: i64) -> String {
    format!("libero da almeno {days} gg")
}
pub fn shown_count(shown: usize, total: usize) -> String {
    if shown == total {
        plural(total, "alloggio", "alloggi")
    } else {
        format!("{shown} di {}", plural(total, "alloggio", "alloggi"))
    }
}

/// The status line: the dwelling under the cursor.
pub fn selected_line(code: &str, address: &str, open_key: &str) -> String {
    format!("{code} · {address} · {open_key} apre la scheda")
}

// The card.
pub fn card_title(code: &str, state: &str) -> String {
    format!("Alloggio {code} · {state}")
}
pub fn card_back(key: &str) -> String {
    format!("{key} torna all'elenco")
}
pub const CARD_GONE: &str = "L'alloggio non è più fra quelli letti.";
pub const FIELD_CODE: &str = "Codice";
pub const FIELD_OWNER: &str = "Proprietà";
pub const FIELD_ADDRESS: &str = "Indirizzo";
pub const FIELD_STAIRCASE: &str = "Scala";
pub const FIELD_FLOOR: &str = "Piano";
pub const FIELD_LIFT: &str = "Ascensore";
pub const FIELD_NET_AREA: &str = "Superficie utile (m²)";
pub const FIELD_CONVENTIONAL_AREA: &str = "Superficie conv. (m²)";
pub const FIELD_ROOMS: &str = "Vani";
pub const FIELD_ACCESSIBLE: &str = "Senza barriere";
pub const FIELD_ENERGY_CLASS: &str = "Classe energetica";
pub const FIELD_YEAR_BUILT: &str = "Anno di costruzione";
pub const FIELD_ZONE: &str = "Zona";
pub const FIELD_STATE: &str = "Stato";
pub const FIELD_VACANT_SINCE: &str = "Libero dal";
pub const FIELD_VACANCY_DAYS: &str = "Giorni libero";
pub const FIELD_DWELLING: &str = "Alloggio";
pub const FIELD_NEW_STATE: &str = "Nuovo stato";
pub const FIELD_MIN_DAYS: &str = "Libero da almeno (giorni)";

pub const FORM_NEW_DWELLING: &str = "Nuovo alloggio";
pub const FORM_EDIT_DWELLING: &str = "Modifica l'alloggio";
pub const FORM_CHANGE_STATE: &str = "Cambia lo stato dell'alloggio";
pub const FORM_MIN_DAYS: &str = "Alloggi liberi da almeno… (vuoto: tutti)";

pub const FLOOR_FORMAT: &str = "un numero intero: 0 il piano terra, negativo sotto";
pub const ROOMS_FORMAT: &str = "un numero intero di vani";
pub const YEAR_FORMAT: &str = "un anno di quattro cifre, es. 1975";
pub const DAYS_FORMAT: &str = "un numero di giorni, es. 30";

pub fn added(code: &str) -> String {
    format!("alloggio {code} aggiunto")
}
pub fn changed(code: &str) -> String {
    format!("alloggio {code} modificato")
}
pub fn state_changed(code: &str, state: &str) -> String {
    format!("alloggio {code}: ora {state}")
}
pub fn cannot_change_state(code: &str, state: &str) -> String {
    format!(
        "l'alloggio {code} è {state}: lo stato lo cambiano la risposta alla proposta o il suo \
         ritiro"
    )
}
