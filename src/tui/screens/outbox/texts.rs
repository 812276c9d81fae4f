//! Texts only the Messaggi screen uses: its own actions' descriptions.

pub const REQUEUE: &str = "riprova";
pub const MARK_SENT: &str = "segna inviato";
pub const EXPORT_BUNDLE: &str = "esporta per invio esterno";
pub const SEND_NOW: &str = "invia ora";
