//! Texts only the Bandi screen uses: its own actions' descriptions.

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
