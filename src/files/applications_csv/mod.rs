//! `alloggi import applications FILE.csv`: the online portal's export, one row per person.
//!
//! The whole file is read and every row checked first, with the domain's own validators, so
//! that all the errors come out together as `riga N: campo: motivo`. Only a file without errors
//! is written, and then in a single store transaction: every new application, or none.
//! Applications whose `id_domanda` is already stored are skipped, so importing the same file
//! again adds nothing.

mod applicant;
mod columns;
mod errors;
mod household;
mod import;
pub(crate) mod lines;
mod rows;
#[cfg(test)]
mod tests;
mod values;

use std::io::Read;

use crate::domain::call::Call;
use crate::domain::command::NewApplication;

use errors::Errors;
use lines::Lines;

pub use errors::RowError;
pub use import::{ImportError, ImportSummary, import_applications};

/// One application read from the file, ready to be received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedApplication {
    /// Line of the applicant's row.
    pub line: usize,
    pub new: NewApplication,
}

/// Reads and checks the whole file against `call`; returns every row error, in line order.
pub fn parse_applications(
    mut reader: impl Read,
    call: &Call,
) -> Result<Vec<ParsedApplication>, Vec<RowError>> {
    let mut errs = Errors::default();
    let mut bytes = Vec::new();
    if let Err(e) = reader.read_to_end(&mut bytes) {
        errs.push(
            1,
            "file",
            format!(
                "lettura non riuscita: {}",
                crate::files::reasons::io_reason(&e)
            ),
        );
        return Err(errs.finish());
    }
    if crate::files::text::is_utf16(&bytes) {
        errs.push(1, "file", crate::files::text::UTF16);
        return Err(errs.finish());
    }
    let lines = Lines::new(&bytes);
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes.as_slice());
    let mut record = csv::ByteRecord::new();

    let header = match csv.read_byte_record(&mut record) {
        Ok(true) => columns::Header::parse(&record, lines.of(&record), &mut errs),
        Ok(false) => {
            errs.push(
                1,
                "intestazione",
                "il file è vuoto: manca la riga di intestazione",
            );
            None
        }
        Err(_) => {
            // Reading from memory: only a malformed record can fail here.
            errs.push(1, "file", "lettura non riuscita".to_string());
            None
        }
    };
    let Some(header) = header else {
        return Err(errs.finish());
    };

    let mut rows = Vec::new();
    loop {
        match csv.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = lines.of(&record);
                if let Some(row) = rows::parse_record(&record, line, &header, call, &mut errs) {
                    rows.push(row);
                }
            }
            Err(e) => {
                // Reading from memory with `flexible` cannot fail; stay safe anyway.
                let line = e.position().map_or(1, |p| lines.at(p.byte()));
                errs.push(line, "file", "lettura non riuscita".to_string());
                break;
            }
        }
    }

    let applications = household::assemble(rows, &mut errs);
    if errs.is_empty() {
        Ok(applications)
    } else {
        Err(errs.finish())
    }
}
