//! Texts only the case uses: its own actions' descriptions.

pub const REQUEST_INTEGRATION: &str = "chiedi documenti";
pub const RECEIVE_INTEGRATION: &str = "documenti ricevuti";
pub const REINSTATE: &str = "riammetti";
pub const ADJUST_SCORE: &str = "rettifica punteggio";
pub const FILE_OBJECTION: &str = "opposizione";
pub const DECIDE_OBJECTION: &str = "decidi opposizione";
pub const EDIT_CONTACT: &str = "recapiti";
pub const ADD_MEMBER: &str = "nuovo componente";
pub const REMOVE_MEMBER: &str = "togli componente";
pub const RECORD_DOCUMENT: &str = "documenti";
pub const VERIFY: &str = "verifica requisiti";
pub const ISSUE_FEE: &str = "avviso pagoPA";
pub const RECORD_PAYMENT: &str = "pagato";
