//! What several subcommands read from their arguments the same way: a case by its protocol,
//! a day by its flag.

use chrono::NaiveDate;

use crate::domain::Application;
use crate::domain::time::parse_date;
use crate::office::Office;

/// The application with protocol `text`, or why there is none.
pub(super) fn by_protocol(office: &Office, text: &str) -> Result<Application, String> {
    office
        .application_by_protocol(text.trim())?
        .ok_or_else(|| format!("nessuna domanda con protocollo «{}»", text.trim()))
}

/// The day `text` given with `flag`, or the reason naming the flag.
pub(super) fn date(flag: &str, text: &str) -> Result<NaiveDate, String> {
    parse_date(text).map_err(|e| format!("{flag}: {e}"))
}
