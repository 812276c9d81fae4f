//! Texts only the cruscotto uses.

/// The help's heading over its keys.
pub const HELP_HEADING: &str = "Cruscotto";
/// The global action that shows it.
pub const GO_TO: &str = "cruscotto";

pub const SCREEN_DASHBOARD: &str = "Cruscotto";
pub const DASH_CALL: &str = "Bando";
pub const DASH_WINDOW: &str = "Finestra di presentazione";
pub const DASH_PROCEDURE: &str = "Procedimento (210 giorni)";
pub const DASH_STATES: &str = "Domande per stato";
pub const DASH_OVERDUE: &str = "Scadenze";
pub const DASH_TOTAL: &str = "Totale";
pub const DASHBOARD_OUTBOX: &str = "Messaggi IO";
pub const DASH_FEES_DUE: &str = "avvisi da pagare";
pub const DASH_FEES_LATE: &str = "pagamenti scaduti";
pub const DASH_OVERDUE_ROW: &str = "integrazioni scadute";
pub const DASH_DUE_SOON_ROW: &str = "integrazioni entro 3 giorni";
pub const DASH_UNREGISTERED_ROW: &str = "ricevute da protocollare";
pub const DASH_TODAY: &str = "Appuntamenti di oggi";
pub const NO_APPOINTMENTS: &str = "nessun appuntamento";

pub fn more_appointments(n: usize) -> String {
    format!("… e altri {n}")
}

/// Who else is at a console of the shared server.
pub fn connected(others: &[String]) -> String {
    if others.is_empty() {
        "Collegati: nessun altro".to_string()
    } else {
        format!("Collegati: {}", others.join(", "))
    }
}
