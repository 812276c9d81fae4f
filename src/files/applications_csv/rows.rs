//! One row of the file: its cells decoded and the person it describes read.

use crate::domain::call::Call;
use crate::domain::contact::Contact;
use crate::domain::fiscal_code::PersonFiscalCode;
use crate::domain::household::{Declaration, Member, Relation};
use crate::domain::money::Money;
use crate::domain::time::{Timestamp, parse_date};

use super::applicant::parse_applicant;
use super::columns::{Col, Header};
use super::errors::{APPLICANT_ONLY, Errors, MISSING, NOT_UTF8};
use super::values::{optional, parse_percent, parse_yes_no};
use crate::domain::limits;

/// One row of the file with its cells decoded.
pub(super) struct Row<'a> {
    pub(super) line: usize,
    pub(super) cells: &'a [String],
    pub(super) header: &'a Header,
}

impl Row<'_> {
    /// The trimmed value of a column; empty when the column is absent.
    pub(super) fn get(&self, col: Col) -> &str {
        self.header.positions[col.index()]
            .and_then(|i| self.cells.get(i))
            .map_or("", |v| v.trim())
    }

    pub(super) fn required(&self, col: Col, errs: &mut Errors) -> Option<&str> {
        let value = self.get(col);
        if value.is_empty() {
            errs.push(self.line, col.name(), MISSING);
            None
        } else {
            Some(value)
        }
    }
}

/// What one row contributes to its application.
pub(super) struct PersonRow {
    pub(super) line: usize,
    /// None when `id_domanda` is missing or unusable (already reported).
    pub(super) id: Option<String>,
    /// None when the relation could not be read (already reported).
    pub(super) relation: Option<Relation>,
    pub(super) member: Option<Member>,
    /// Only on a valid applicant's row.
    pub(super) applicant: Option<ApplicantData>,
    /// No error on this row.
    pub(super) valid: bool,
}

pub(super) struct ApplicantData {
    pub(super) received_at: Timestamp,
    pub(super) contact: Contact,
    pub(super) declaration: Declaration,
    pub(super) documents: Vec<String>,
}

/// Decodes and reads one record; None for a blank row.
pub(super) fn parse_record(
    record: &csv::ByteRecord,
    line: usize,
    header: &Header,
    call: &Call,
    errs: &mut Errors,
) -> Option<PersonRow> {
    let before = errs.len();
    let mut cells = Vec::with_capacity(record.len());
    for (i, raw) in record.iter().enumerate() {
        if raw.len() > limits::CELL {
            // Told without the text, and read no further: its size alone refuses it.
            let chars = String::from_utf8_lossy(raw).chars().count();
            if chars > limits::CELL {
                errs.push(line, header.label(i), limits::too_long(chars, limits::CELL));
                cells.push(String::new());
                continue;
            }
        }
        match std::str::from_utf8(raw) {
            Ok(text) => cells.push(text.to_string()),
            Err(_) => {
                errs.push(line, header.label(i), NOT_UTF8);
                cells.push(String::new());
            }
        }
    }
    if errs.len() == before && cells.iter().all(|c| c.trim().is_empty()) {
        return None;
    }
    let width = header.names.len();
    // Extra empty cells at the end (a trailing ';') are harmless.
    let extra_values = cells
        .get(width..)
        .is_some_and(|extra| extra.iter().any(|c| !c.trim().is_empty()));
    if cells.len() < width || extra_values {
        errs.push(
            line,
            "riga",
            format!(
                "{} campi invece dei {width} dell'intestazione: controllare il separatore ';'",
                cells.len()
            ),
        );
    }
    for (i, cell) in cells.iter().enumerate().take(width) {
        if header.names.get(i).is_some_and(String::is_empty) && !cell.trim().is_empty() {
            errs.push(
                line,
                header.label(i),
                "valore in una colonna senza intestazione",
            );
        }
    }
    let row = Row {
        line,
        cells: &cells,
        header,
    };
    if errs.len() != before {
        // The cells cannot be trusted: keep the row only to mark its application as broken.
        let id = Some(row.get(Col::IdDomanda).to_string()).filter(|id| !id.is_empty());
        return Some(PersonRow {
            line,
            id,
            relation: None,
            member: None,
            applicant: None,
            valid: false,
        });
    }
    Some(parse_row(&row, call, errs))
}

const MAX_ID_LEN: usize = 64;

fn parse_row(row: &Row, call: &Call, errs: &mut Errors) -> PersonRow {
    let line = row.line;
    let before = errs.len();

    let id = row.required(Col::IdDomanda, errs).and_then(|id| {
        if id.chars().count() > MAX_ID_LEN || id.chars().any(char::is_control) {
            errs.push(
                line,
                Col::IdDomanda.name(),
                format!("al massimo {MAX_ID_LEN} caratteri, senza caratteri di controllo"),
            );
            None
        } else {
            Some(id.to_string())
        }
    });
    let relation = row
        .required(Col::Relazione, errs)
        .and_then(|v| errs.take_domain(line, Col::Relazione, Relation::parse(v)));
    let fiscal_code = row
        .required(Col::CodiceFiscale, errs)
        .and_then(|v| errs.take(line, Col::CodiceFiscale, PersonFiscalCode::parse(v)));
    let surname = row.required(Col::Cognome, errs).map(str::to_string);
    let name = row.required(Col::Nome, errs).map(str::to_string);
    let birth_date = row
        .required(Col::DataNascita, errs)
        .and_then(|v| errs.take(line, Col::DataNascita, parse_date(v)));
    let disability_pct = errs.take(
        line,
        Col::Invalidita,
        parse_percent(row.get(Col::Invalidita)),
    );
    let accompaniment = errs.take(
        line,
        Col::Accompagnamento,
        parse_yes_no(row.get(Col::Accompagnamento)),
    );
    let income = errs.take(
        line,
        Col::Reddito,
        optional(row.get(Col::Reddito), Money::parse),
    );

    let member = match (
        fiscal_code,
        surname,
        name,
        relation,
        birth_date,
        disability_pct,
        accompaniment,
        income,
    ) {
        (
            Some(fiscal_code),
            Some(surname),
            Some(name),
            Some(relation),
            Some(birth_date),
            Some(disability_pct),
            Some(accompaniment),
            Some(income),
        ) => {
            let member = Member {
                fiscal_code,
                surname,
                name,
                relation,
                birth_date,
                disability_pct,
                accompaniment,
                motor_disability: false,
                income,
            };
            match Member::validate(&member) {
                Ok(()) => Some(member),
                Err(e) => {
                    errs.domain(line, Col::CodiceFiscale.name(), &e);
                    None
                }
            }
        }
        _ => None,
    };

    let applicant = match relation {
        Some(Relation::Richiedente) => parse_applicant(row, call, errs),
        Some(_) => {
            for col in Col::ALL {
                if col.applicant_only() && !row.get(col).is_empty() {
                    errs.push(line, col.name(), APPLICANT_ONLY);
                }
            }
            None
        }
        // Unknown relation (already reported): whether the applicant's columns belong here
        // cannot be told.
        None => None,
    };

    PersonRow {
        line,
        id,
        relation,
        member,
        applicant,
        valid: errs.len() == before,
    }
}
