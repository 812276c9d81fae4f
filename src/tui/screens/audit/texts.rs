//! Texts only the Registro uses: its own actions' descriptions.

pub const CLEAR_FILTER: &str = "azzera i filtri";
