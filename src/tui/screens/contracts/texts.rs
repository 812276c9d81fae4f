//! Texts only the Contratti screen uses.

use crate::domain::number::plural;

pub const HELP_HEADING: &str = "Contratti";
pub const GO_TO: &str = "contratti";
pub const SCREEN_CONTRACTS: &str = "Contratti";

pub const READY: &str = "contratto pronto";
pub const APPOINTMENT: &str = "appuntamento firma";
pub const SIGN: &str = "firma contratto";

pub const COLUMNS: [&str; 5] = ["Protocollo", "Assegnatario", "Alloggio", "Decreto", "Contratto"];

pub const LOADING: &str = "Lettura dei contratti…";
pub const EMPTY: &str = "Nessun assegnatario con provvedimento: i contratti seguono il decreto.";
pub const NONE: &str = "—";

pub const TO_PREPARE: &str = "da preparare";
pub const READY_STATE: &str = "pronto";
pub fn booked(day: &str, time: &str) -> String {
    format!("appuntamento {day} {time}")
}
pub fn signed(number: &str) -> String {
    format!("firmato n. {number}")
}

pub fn counts_line(total: usize, to_prepare: usize, ready: usize, booked: usize, signed: usize) -> String {
    format!(
        "{} · {to_prepare} da preparare · {ready} pronti · {booked} con appuntamento · {signed} firmati",
        plural(total, "assegnatario", "assegnatari")
    )
}

pub fn selected_line(protocol: &str, assignee: &str, key: &str, signed: bool) -> String {
    if signed {
        format!("{protocol} · {assignee} · {key} contratto e calcolo del canone")
    } else {
        format!("{protocol} · {assignee} · {key} apre la domanda")
    }
}
pub fn lease_back(key: &str) -> String {
    format!("{key} torna all'elenco dei contratti")
}

// The lease shown whole.
pub fn lease_title(number: &str, protocol: &str) -> String {
    format!("Contratto n. {number} — domanda {protocol}")
}
pub const LEASE_GONE: &str = "Il contratto non è più nell'elenco.";
pub fn tenant_line(name: &str, fiscal_code: &str, size: usize) -> String {
    format!(
        "Conduttore: {name} ({fiscal_code}), nucleo di {}",
        plural(size, "persona", "persone")
    )
}
pub fn dwelling_line(code: &str, signatory: &str) -> String {
    format!("Alloggio {code} · firmato per l'ente da {signatory}")
}
pub fn dates_line(signed: &str, starts: &str, ends: &str, years: usize) -> String {
    format!(
        "Firmato il {signed}; decorrenza {starts}, scadenza {ends} ({})",
        plural(years, "anno", "anni")
    )
}
pub fn renewal_line(years: usize, until: &str, deposit: &str, months: usize) -> String {
    format!(
        "Rinnovo tacito {} fino al {until} · deposito {deposit} € ({months} mensilità)",
        plural(years, "anno", "anni")
    )
}
pub fn rent_line(monthly: &str, version: &str, band: &str) -> String {
    format!("Canone mensile {monthly} € · tabella {version}, fascia {band}")
}
pub const COMPUTATION: &str = "Calcolo del canone:";
pub fn change_line(on: &str, from: &str, to: &str, reason: &str) -> String {
    format!("Dal {on}: da {from} € a {to} € ({reason})")
}

// Forms.
pub const FORM_APPOINTMENT: &str = "Appuntamento per la firma";
pub const FORM_SIGN: &str = "Firma del contratto";
pub const FIELD_ASSIGNEE: &str = "Assegnatario";
pub const FIELD_WHEN: &str = "Quando";
pub const FIELD_WHERE: &str = "Dove";
pub const FIELD_NUMBER: &str = "Numero";
pub const FIELD_SIGNED_ON: &str = "Data";
pub const FIELD_STARTS_ON: &str = "Decorrenza";
pub const FIELD_SIGNATORY: &str = "Firmatario";
pub const WHEN_HINT: &str = "gg/mm/aaaa hh:mm";
pub const STARTS_HINT: &str = "vuoto: dalla firma";
pub const SIGNATORY_HINT: &str = "vuoto: il responsabile";

/// The window that shows the lease before its signature is recorded.
pub const CHECK_SIGN: &str = "Contratto da firmare";
pub const COMMIT_SIGN: &str = "registra la firma";

pub fn signed_done(number: &str, protocol: &str, rent: &str) -> String {
    format!("contratto n. {number} della domanda {protocol} firmato: canone {rent} € al mese")
}
