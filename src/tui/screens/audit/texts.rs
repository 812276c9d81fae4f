//! Texts only the Registro uses: its own actions' descriptions, then the rest.

/// The help's heading over its keys.
pub const HELP_HEADING: &str = "Registro";
/// The global action that shows it.
pub const GO_TO: &str = "registro";

pub const CLEAR_FILTER: &str = "azzera i filtri";
pub const NO_EVENTS: &str = "Nessun evento";
pub const SCREEN_AUDIT: &str = "Registro";
pub const COL_WHEN: &str = "Quando";
pub const COL_ACTOR: &str = "Operatore";
pub const COL_CASE: &str = "Domanda";
pub const COL_EVENT: &str = "Evento";
pub const FORM_AUDIT_FILTER: &str = "Filtra il registro";
pub const FIELD_CASE: &str = "Domanda (protocollo)";
pub const FIELD_ACTOR: &str = "Operatore";
pub const FIELD_KIND: &str = "Tipo di evento";

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
