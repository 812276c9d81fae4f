//! Texts only the Agenda uses: its own actions' descriptions.

pub const PREVIOUS_DAY: &str = "giorno prec.";
pub const NEXT_DAY: &str = "giorno succ.";
pub const TODAY: &str = "oggi";
pub const RESCHEDULE: &str = "sposta";
pub const CANCEL: &str = "disdici";
