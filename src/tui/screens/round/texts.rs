//! Texts only the Assegnazioni screen uses: its own actions' descriptions, then the rest.

use crate::domain::number::plural;

/// The help's heading over its keys.
pub const HELP_HEADING: &str = "Assegnazioni";
/// The global action that shows it.
pub const GO_TO: &str = "assegnazioni";
pub const SCREEN_ROUND: &str = "Assegnazioni";

pub const OPEN_ROUND: &str = "apri assegnazione";
pub const OFFER: &str = "proponi";
pub const REPLY: &str = "risposta";
pub const WARN: &str = "diffida";
pub const EXCLUDE_CANDIDATE: &str = "escludi";
pub const DECREE: &str = "decreto";
pub const OVERDUE: &str = "scadute";
pub const FREE_PANE: &str = "liberi";
pub const TICK: &str = "spunta";

/// The filter tabs.
pub const TAB_ALL: &str = "Graduatoria";
pub const TAB_OVERDUE: &str = "Scadute";
pub const TAB_FREE: &str = "Alloggi liberi";

/// The standings as the header counts them, in `standing_rank` order.
pub const COUNTED: [&str; 6] = [
    "in attesa",
    "proposte",
    "diffidati",
    "accettati",
    "assegnati",
    "esclusi",
];

pub const PLACE_COLUMNS: [&str; 5] = ["Pos", "Protocollo", "Richiedente", "Nucleo", "Stato"];
pub const FREE_COLUMNS: [&str; 6] = ["Codice", "Indirizzo", "Piano", "Asc", "m² ut.", "Libero da"];

/// Marks a household that needs a dwelling without stairs.
pub const STEP_FREE: &str = "♿";
/// Marks a reply or warning overdue, an occupation lapsed.
pub const LATE: &str = "!";
pub const NONE: &str = "—";
pub use crate::tui::strings::yes_no;

pub fn days(n: i64) -> String {
    format!("{n} gg")
}

pub fn round_line(call: &str, ranking: u32, opens: &str, closes: &str) -> String {
    format!("Bando {call} · graduatoria definitiva n. {ranking} · dal {opens} al {closes}")
}

pub const LOADING: &str = "Lettura dell'assegnazione…";
pub const NO_ROUND: &str = "Nessuna assegnazione aperta.";
pub fn no_round_hint(key: &str) -> String {
    format!("Con {key} si apre la finestra e si avvisano i richiedenti in graduatoria.")
}
pub const NO_PLACES: &str = "Nessun richiedente in questa assegnazione.";
pub const NO_OVERDUE: &str = "Nessuna risposta scaduta, nessuna occupazione scaduta.";
pub const NO_FREE: &str = "Nessun alloggio libero da proporre.";

/// The status line on an applicant.
pub fn place_line(position: u32, applicant: &str, dwelling: Option<&str>, key: &str) -> String {
    match dwelling {
        Some(code) => format!("{position}. {applicant} · alloggio {code} · {key} apre la domanda"),
        None => format!("{position}. {applicant} · {key} apre la domanda"),
    }
}
/// The status line on a free dwelling.
pub fn free_line(code: &str, address: &str, key: &str) -> String {
    format!("{code} · {address} · {key} proponi al primo adatto")
}

// The offer window.
pub fn offer_title(code: &str) -> String {
    format!("Proposta dell'alloggio {code}")
}
pub fn dwelling_line(address: &str, floor: i8, lift: bool, area: &str, rooms: u8) -> String {
    let lift = if lift {
        "con ascensore"
    } else {
        "senza ascensore"
    };
    format!("{address} · piano {floor} {lift} · {area} · {rooms} vani")
}
pub fn not_offerable(why: &str) -> String {
    format!("Non proponibile: {why}.")
}
pub fn skipped_heading(n: usize) -> String {
    format!(
        "Saltati in ordine di graduatoria ({}):",
        plural(n, "richiedente", "richiedenti")
    )
}
pub fn more_skipped(n: usize) -> String {
    format!(
        "… e {} prima del primo adatto",
        plural(n, "altro saltato", "altri saltati")
    )
}
pub const NOBODY: &str = "Nessun richiedente in graduatoria per cui l'alloggio sia adeguato.";
pub fn chosen_line(position: u32, applicant: &str, protocol: &str, size: usize) -> String {
    format!(
        "Primo adatto: {position}. {applicant} ({protocol}) · nucleo di {}",
        plural(size, "persona", "persone")
    )
}
pub fn checks_heading(key: &str) -> String {
    format!("Requisiti da verificare di nuovo oggi, con i limiti in vigore ({key} spunta):")
}
pub fn check_isee(isee: &str, limit: &str) -> String {
    format!("ISEE dichiarato {isee} — limite {limit}")
}
pub fn check_household(size: usize) -> String {
    format!(
        "nucleo di {} come dichiarato",
        plural(size, "persona", "persone")
    )
}
pub fn deadline_line(date: &str) -> String {
    format!("Risposta entro il {date} (modificabile alla proposta)")
}
pub fn offer_keys(tick: &str, open: &str, exclude: &str, back: &str) -> String {
    format!("{tick} spunta · {open} proponi · {exclude} escludi per requisiti persi · {back} torna")
}
pub fn tick_all_first(key: &str) -> String {
    format!(
        "spuntare i tre requisiti con {key} prima della proposta; se uno non è più posseduto, \
         escludere il richiedente"
    )
}

// Forms.
pub const FORM_OPEN: &str = "Apertura dell'assegnazione";
pub const FORM_OFFER: &str = "Proposta dell'alloggio";
pub const FORM_LOST: &str = "Esclusione per requisiti non più posseduti";
pub const FORM_REPLY: &str = "Risposta alla proposta";
pub const FORM_WARN: &str = "Diffida";
pub const FORM_EXCLUDE: &str = "Esclusione dall'assegnazione";
pub const FORM_DECREE: &str = "Provvedimento di assegnazione";

pub const FIELD_CALL: &str = "Bando";
pub const FIELD_FROM: &str = "Dal";
pub const FIELD_TO: &str = "Al";
pub const FIELD_DWELLING: &str = "Alloggio";
pub const FIELD_APPLICANT: &str = "Richiedente";
pub const FIELD_DEADLINE: &str = "Risposta entro il";
pub const FIELD_CAUSE: &str = "Causa";
pub const FIELD_REASON: &str = "Motivo";
pub const FIELD_REPLY: &str = "Risposta";
pub const FIELD_NEW_DEADLINE: &str = "Nuova scadenza";
pub const FIELD_DECREE_ON: &str = "Data del provvedimento";

pub const REPLY_ACCEPT: &str = "accetta";
pub const REPLY_JUSTIFIED: &str = "rifiuto giustificato";
pub const REPLY_UNJUSTIFIED: &str = "rifiuto ingiustificato";
pub const REASON_FOR_REFUSAL: &str = "obbligatorio per un rifiuto";
pub const WARN_DEFAULT_HINT: &str = "vuoto: i giorni di diffida del bando";

pub fn applicant_choice(position: u32, applicant: &str, protocol: &str) -> String {
    format!("{position}. {applicant} ({protocol})")
}

// After a step.
pub fn offered(code: &str, protocol: &str) -> String {
    format!("alloggio {code} proposto alla domanda {protocol}")
}
pub fn replied_accept(protocol: &str) -> String {
    format!("proposta accettata dalla domanda {protocol}: segue il provvedimento")
}
pub fn replied_justified(protocol: &str) -> String {
    format!("rifiuto giustificato della domanda {protocol}: mantiene la posizione")
}
pub fn replied_unjustified(protocol: &str) -> String {
    format!("rifiuto ingiustificato della domanda {protocol}: esclusa dall'assegnazione")
}
pub fn warned(protocol: &str) -> String {
    format!("diffida registrata per la domanda {protocol}")
}
pub fn excluded(protocol: &str, cause: &str) -> String {
    format!("domanda {protocol} esclusa dall'assegnazione: {cause}")
}

// The check before an unjustified refusal.
pub const CHECK_UNJUSTIFIED: &str = "Rifiuto ingiustificato";
pub fn unjustified_lines(applicant: &str, code: &str) -> [String; 2] {
    [
        format!("{applicant} è escluso dall'assegnazione e dalla graduatoria (decadenza)."),
        format!("L'alloggio {code} torna libero per il prossimo in graduatoria."),
    ]
}
pub const COMMIT_UNJUSTIFIED: &str = "escludi";
