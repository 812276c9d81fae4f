//! Texts only the Graduatoria uses: its own actions' descriptions.

pub const CYCLE_VERSION: &str = "versione";
pub const PUBLISH_PROVISIONAL: &str = "pubblica provv.";
pub const PUBLISH_DEFINITIVE: &str = "pubblica def.";
pub const EXPORT_RANKING: &str = "esporta";
