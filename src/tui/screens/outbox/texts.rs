//! Texts only the Messaggi screen uses: its own actions' descriptions, then the rest.

/// The help's heading over its keys.
pub const HELP_HEADING: &str = "Messaggi";
/// The global action that shows it.
pub const GO_TO: &str = "messaggi";

pub const REQUEUE: &str = "riprova";
pub const MARK_SENT: &str = "segna inviato";
pub const WITHDRAW: &str = "ritira";
pub const EXPORT_BUNDLE: &str = "esporta per invio esterno";
pub const SEND_NOW: &str = "invia ora";
pub const SCREEN_OUTBOX: &str = "Messaggi";
pub const FORM_REQUEUE: &str = "Rimetti in coda il messaggio";
pub const FORM_WITHDRAW: &str = "Ritira il messaggio: non sarà inviato";
pub const FORM_MARK_SENT: &str = "Segna il messaggio come inviato";
pub const FORM_EXPORT_BUNDLE: &str = "Esporta i messaggi in coda per l'invio esterno";
pub const FIELD_IO_ID: &str = "Id IO (se noto)";
pub const FIELD_BUNDLE_FILE: &str = "File del pacchetto";
pub const FIELD_BUNDLE_KEY_FILE: &str = "File della chiave dei pacchetti";
pub const OUTBOX_EMPTY: &str = "Nessun messaggio in questo stato.";
pub const OUTBOX_COLUMNS: [&str; 4] = ["Quando", "Destinatario", "Messaggio", "Stato"];

pub fn exported(what: &str, bundle: &str, path: &str) -> String {
    format!("esportati {what} nel pacchetto {bundle} ({path})")
}

pub const SENDING_REQUESTED: &str = "invio a IO avviato";

pub fn cannot(action: &str, id: &str, state: &str) -> String {
    format!("non si può {action} il messaggio {id}: è {state}")
}

pub fn cannot_withdraw(id: &str, why: &str) -> String {
    format!("non si può ritirare il messaggio {id}: {why}")
}

pub fn requeued(id: &str) -> String {
    format!("messaggio {id} rimesso in coda: sarà inviato di nuovo")
}

pub fn withdrawn(id: &str) -> String {
    format!("messaggio {id} ritirato: non sarà inviato")
}

pub fn marked_sent(id: &str) -> String {
    format!("messaggio {id} segnato come inviato")
}
