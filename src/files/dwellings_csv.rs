//! Reads the managing agency's register of dwellings: a CSV file separated by `;`, one
//! dwelling a row, under a header that names the columns (in any order).
//!
//! As for the portal's applications, a UTF-8 BOM, CRLF line ends, quoted cells and blank rows
//! are accepted, and the whole file is checked before anything is taken: every bad row comes
//! out as `file:line: campo: motivo`, and a file with one bad row gives no dwelling. Each row
//! is checked with the domain's own rules for a dwelling, so a file that passes here is refused
//! later only for what the stored dwellings say (a dwelling under an open offer).

use std::collections::HashMap;
use std::fmt;

use crate::domain::command::{Command, Context};
use crate::domain::limits;
use crate::domain::stock::{Area, Dwelling, DwellingCode, DwellingState, EnergyClass, Owner, Zone};
use crate::domain::time::parse_date;
use crate::domain::{DomainError, Snapshot};
use crate::messages::text::clean_line;

use super::applications_csv::lines::Lines;
use super::text::BOM;

/// A register larger than this is not a register: 16 MiB hold hundreds of thousands of rows.
pub const MAX_BYTES: usize = 16 * 1024 * 1024;

/// How much of a bad value is echoed back: enough to find it in the file.
const ECHO_CHARS: usize = 40;

/// The columns of the file, as the header names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Codice,
    Proprietario,
    Indirizzo,
    Scala,
    Piano,
    Ascensore,
    SuperficieUtile,
    SuperficieConvenzionale,
    Vani,
    Accessibile,
    ClasseEnergetica,
    Anno,
    Zona,
    Stato,
    LiberoDal,
}

impl Column {
    /// In the order the README and the example file give them.
    pub const ALL: [Column; 15] = [
        Column::Codice,
        Column::Proprietario,
        Column::Indirizzo,
        Column::Scala,
        Column::Piano,
        Column::Ascensore,
        Column::SuperficieUtile,
        Column::SuperficieConvenzionale,
        Column::Vani,
        Column::Accessibile,
        Column::ClasseEnergetica,
        Column::Anno,
        Column::Zona,
        Column::Stato,
        Column::LiberoDal,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Column::Codice => "codice",
            Column::Proprietario => "proprietario",
            Column::Indirizzo => "indirizzo",
            Column::Scala => "scala",
            Column::Piano => "piano",
            Column::Ascensore => "ascensore",
            Column::SuperficieUtile => "superficie_utile",
            Column::SuperficieConvenzionale => "superficie_convenzionale",
            Column::Vani => "vani",
            Column::Accessibile => "accessibile",
            Column::ClasseEnergetica => "classe_energetica",
            Column::Anno => "anno",
            Column::Zona => "zona",
            Column::Stato => "stato",
            Column::LiberoDal => "libero_dal",
        }
    }

    /// May be left empty, or out of the header altogether.
    fn optional(self) -> bool {
        matches!(
            self,
            Column::Scala
                | Column::ClasseEnergetica
                | Column::Anno
                | Column::Stato
                | Column::LiberoDal
        )
    }

    fn index(self) -> usize {
        self as usize
    }

    fn from_name(name: &str) -> Option<Column> {
        Column::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The column of a field as the domain names it in a refusal.
    fn of_domain_field(field: &str) -> Option<Column> {
        Some(match field {
            "codice" => Column::Codice,
            "proprietà" => Column::Proprietario,
            "indirizzo" => Column::Indirizzo,
            "scala" => Column::Scala,
            "piano" => Column::Piano,
            "superficie utile" => Column::SuperficieUtile,
            "superficie convenzionale" => Column::SuperficieConvenzionale,
            "vani" => Column::Vani,
            "classe energetica" => Column::ClasseEnergetica,
            "anno" => Column::Anno,
            "zona" => Column::Zona,
            "stato" => Column::Stato,
            "libero dal" => Column::LiberoDal,
            _ => return None,
        })
    }
}

/// One problem of the file, at a 1-based line (the header is line 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub file: String,
    pub line: usize,
    /// The column concerned, or `intestazione`, `file`, `riga` for wider problems.
    pub field: String,
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.file, self.line, self.field, self.reason
        )
    }
}

/// One dwelling of the file, with the line it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedDwelling {
    pub line: usize,
    pub dwelling: Dwelling,
}

/// Every problem of the file, gathered so that all come out together.
struct Errors<'a> {
    file: &'a str,
    rows: Vec<RowError>,
}

impl Errors<'_> {
    fn push(&mut self, line: usize, field: impl Into<String>, reason: impl Into<String>) {
        self.rows.push(RowError {
            file: self.file.to_string(),
            line,
            field: field.into(),
            reason: reason.into(),
        });
    }

    /// A domain refusal, under its own column when it names one.
    fn domain(&mut self, line: usize, fallback: Column, error: &DomainError) {
        match error {
            DomainError::Invalid { field, reason } => {
                let column = Column::of_domain_field(field).unwrap_or(fallback);
                self.push(line, column.name(), reason.clone());
            }
            other => self.push(line, fallback.name(), other.to_string()),
        }
    }
}

/// Reads and checks the bytes of the file called `name` (used in the error lines), against the
/// rules in force at `ctx` (a year built or a vacancy date in the future is refused).
pub fn parse(
    name: &str,
    bytes: &[u8],
    ctx: &Context,
) -> Result<Vec<ParsedDwelling>, Vec<RowError>> {
    let mut errs = Errors {
        file: name,
        rows: Vec::new(),
    };
    if bytes.len() > MAX_BYTES {
        errs.push(
            1,
            "file",
            format!(
                "troppo grande: al massimo {} MiB; dividere l'elenco in più file",
                MAX_BYTES / (1024 * 1024)
            ),
        );
        return Err(errs.rows);
    }
    if super::text::is_utf16(bytes) {
        errs.push(1, "file", super::text::UTF16);
        return Err(errs.rows);
    }
    let lines = Lines::new(bytes);
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    let mut header: Option<Header> = None;
    let mut dwellings: Vec<ParsedDwelling> = Vec::new();
    // Code → the line it first appeared on.
    let mut seen: HashMap<DwellingCode, usize> = HashMap::new();
    loop {
        match csv.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                // Reading from memory with `flexible` cannot fail; stay safe anyway.
                let line = e.position().map_or(1, |p| lines.at(p.byte()));
                errs.push(line, "file", "lettura non riuscita");
                break;
            }
        }
        let line = lines.of(&record);
        let Some(cells) = decode(&record, line, header.as_ref(), &mut errs) else {
            continue;
        };
        let Some(columns) = &header else {
            match Header::parse(&cells, line, &mut errs) {
                Some(parsed) => header = Some(parsed),
                // Nothing below a broken header can be read.
                None => return Err(errs.rows),
            }
            continue;
        };
        let Some(dwelling) = read_row(&cells, line, columns, ctx, &mut errs) else {
            continue;
        };
        match seen.get(&dwelling.code) {
            Some(earlier) => errs.push(
                line,
                Column::Codice.name(),
                format!("{} ripetuto, già alla riga {earlier}", dwelling.code),
            ),
            None => {
                seen.insert(dwelling.code.clone(), line);
                dwellings.push(ParsedDwelling { line, dwelling });
            }
        }
    }
    if header.is_none() {
        errs.push(
            1,
            "intestazione",
            format!(
                "il file è vuoto: manca la riga di intestazione ({})",
                Column::ALL.map(Column::name).join(";")
            ),
        );
    } else if dwellings.is_empty() && errs.rows.is_empty() {
        errs.push(1, "file", "nessun alloggio sotto l'intestazione");
    }
    if errs.rows.is_empty() {
        Ok(dwellings)
    } else {
        errs.rows.sort_by_key(|e| e.line);
        Err(errs.rows)
    }
}

/// The cells of a record as text; None for a blank row or one whose cells cannot be read
/// (reported).
fn decode(
    record: &csv::ByteRecord,
    line: usize,
    header: Option<&Header>,
    errs: &mut Errors,
) -> Option<Vec<String>> {
    let before = errs.rows.len();
    let label = |i: usize| header.map_or_else(|| format!("colonna {}", i + 1), |h| h.label(i));
    let mut cells = Vec::with_capacity(record.len());
    for (i, raw) in record.iter().enumerate() {
        if raw.len() > limits::CELL {
            // Told without the text: its size alone refuses it.
            let chars = String::from_utf8_lossy(raw).chars().count();
            if chars > limits::CELL {
                errs.push(line, label(i), limits::too_long(chars, limits::CELL));
                continue;
            }
        }
        match std::str::from_utf8(raw) {
            Ok(text) => cells.push(text.trim_start_matches(BOM).trim().to_string()),
            Err(_) => errs.push(line, label(i), super::text::NOT_UTF8),
        }
    }
    if errs.rows.len() != before || cells.iter().all(String::is_empty) {
        return None;
    }
    Some(cells)
}

/// Where each column is in the file.
struct Header {
    positions: [Option<usize>; Column::ALL.len()],
    names: Vec<String>,
}

impl Header {
    fn parse(cells: &[String], line: usize, errs: &mut Errors) -> Option<Header> {
        let before = errs.rows.len();
        let mut positions = [None; Column::ALL.len()];
        for (i, written) in cells.iter().enumerate() {
            if written.is_empty() {
                // Spreadsheets add trailing empty columns; a value under one is reported per row.
                continue;
            }
            match Column::from_name(&written.to_lowercase()) {
                Some(column) if positions[column.index()].is_some() => {
                    errs.push(line, echo(written), "colonna ripetuta nell'intestazione");
                }
                Some(column) => positions[column.index()] = Some(i),
                None => errs.push(
                    line,
                    echo(written),
                    format!(
                        "colonna sconosciuta; le colonne ammesse sono: {}",
                        Column::ALL.map(Column::name).join(", ")
                    ),
                ),
            }
        }
        for column in Column::ALL {
            if !column.optional() && positions[column.index()].is_none() {
                errs.push(
                    line,
                    column.name(),
                    "colonna obbligatoria mancante nell'intestazione",
                );
            }
        }
        (errs.rows.len() == before).then(|| Header {
            positions,
            names: cells.to_vec(),
        })
    }

    fn label(&self, position: usize) -> String {
        match self.names.get(position) {
            Some(name) if !name.is_empty() => echo(name),
            _ => format!("colonna {}", position + 1),
        }
    }
}

/// One row read into a dwelling; None when anything is wrong (reported).
fn read_row(
    cells: &[String],
    line: usize,
    header: &Header,
    ctx: &Context,
    errs: &mut Errors,
) -> Option<Dwelling> {
    let before = errs.rows.len();
    let width = header.names.len();
    let extra_values = cells
        .get(width..)
        .is_some_and(|extra| extra.iter().any(|c| !c.is_empty()));
    if extra_values {
        errs.push(
            line,
            "riga",
            format!(
                "{} campi invece dei {width} dell'intestazione: controllare il separatore ';'",
                cells.len()
            ),
        );
        return None;
    }
    for (i, cell) in cells.iter().enumerate() {
        if header.names.get(i).is_some_and(String::is_empty) && !cell.is_empty() {
            errs.push(
                line,
                header.label(i),
                "valore in una colonna senza intestazione",
            );
        }
    }
    let get = |column: Column| -> &str {
        header.positions[column.index()]
            .and_then(|i| cells.get(i))
            .map_or("", String::as_str)
    };
    let mut field = |column: Column| -> Option<&str> {
        let value = get(column);
        if value.is_empty() && !column.optional() {
            errs.push(line, column.name(), "mancante");
            None
        } else {
            Some(value)
        }
    };
    let values: [Option<&str>; Column::ALL.len()] = Column::ALL.map(&mut field);
    let value = |column: Column| values[column.index()];

    let mut take = Taker { errs, line };
    let code = value(Column::Codice)
        .and_then(|v| take.take(Column::Codice, DwellingCode::parse(v).map_err(reason)));
    let owner = value(Column::Proprietario)
        .and_then(|v| take.take(Column::Proprietario, Owner::parse(v).map_err(reason)));
    let address = value(Column::Indirizzo).map(str::to_string);
    let staircase = value(Column::Scala).map(|v| Some(v.to_string()).filter(|s| !s.is_empty()));
    let floor = value(Column::Piano).and_then(|v| take.take(Column::Piano, parse_floor(v)));
    let lift = value(Column::Ascensore).and_then(|v| take.take(Column::Ascensore, parse_yes_no(v)));
    let net_area = value(Column::SuperficieUtile)
        .and_then(|v| take.take(Column::SuperficieUtile, Area::parse(v).map_err(reason)));
    let conventional_area = value(Column::SuperficieConvenzionale).and_then(|v| {
        take.take(
            Column::SuperficieConvenzionale,
            Area::parse(v).map_err(reason),
        )
    });
    let rooms = value(Column::Vani).and_then(|v| take.take(Column::Vani, parse_rooms(v)));
    let accessible =
        value(Column::Accessibile).and_then(|v| take.take(Column::Accessibile, parse_yes_no(v)));
    let energy_class = value(Column::ClasseEnergetica).and_then(|v| {
        take.take(
            Column::ClasseEnergetica,
            optional(v, |v| EnergyClass::parse(v).map_err(reason)),
        )
    });
    let year_built =
        value(Column::Anno).and_then(|v| take.take(Column::Anno, optional(v, parse_year)));
    let zone =
        value(Column::Zona).and_then(|v| take.take(Column::Zona, Zone::parse(v).map_err(reason)));
    let state = value(Column::Stato).and_then(|v| {
        take.take(
            Column::Stato,
            optional(v, |v| DwellingState::parse(v).map_err(reason))
                .map(|s| s.unwrap_or(DwellingState::Libero)),
        )
    });
    let vacant_since = value(Column::LiberoDal).and_then(|v| {
        take.take(
            Column::LiberoDal,
            optional(v, |v| parse_date(v).map_err(|e| e.to_string())),
        )
    });
    let errs = take.errs;
    if errs.rows.len() != before {
        return None;
    }
    let dwelling = Dwelling {
        code: code?,
        owner: owner?,
        address: address?,
        staircase: staircase?,
        floor: floor?,
        lift: lift?,
        net_area: net_area?,
        conventional_area: conventional_area?,
        rooms: rooms?,
        accessible: accessible?,
        energy_class: energy_class?,
        year_built: year_built?,
        zone: zone?,
        state: state?,
        vacant_since: vacant_since?,
    };
    if let Some(error) = domain_refusal(&dwelling, ctx) {
        errs.domain(line, Column::Codice, &error);
        return None;
    }
    Some(dwelling)
}

/// Records the error of a cell that could not be read, under its column.
struct Taker<'e, 'f> {
    errs: &'e mut Errors<'f>,
    line: usize,
}

impl Taker<'_, '_> {
    fn take<T>(&mut self, column: Column, result: Result<T, String>) -> Option<T> {
        result
            .map_err(|reason| self.errs.push(self.line, column.name(), reason))
            .ok()
    }
}

/// What the domain says of the dwelling alone, as if it were new. «Proposto» is the
/// assignment round's to give, and depends on what is stored: it is judged on import.
fn domain_refusal(dwelling: &Dwelling, ctx: &Context) -> Option<DomainError> {
    let mut alone = dwelling.clone();
    if alone.state == DwellingState::Proposto {
        alone.state = DwellingState::Libero;
    }
    let command = Command::SaveDwellings {
        dwellings: vec![alone],
    };
    crate::domain::decide(&Snapshot::default(), &command, ctx).err()
}

fn reason(error: DomainError) -> String {
    match error {
        DomainError::Invalid { reason, .. } => reason,
        other => other.to_string(),
    }
}

fn optional<T>(
    value: &str,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Result<Option<T>, String> {
    if value.is_empty() {
        Ok(None)
    } else {
        parse(value).map(Some)
    }
}

/// A whole number, negative below the ground floor.
fn parse_floor(value: &str) -> Result<i8, String> {
    let digits = value.strip_prefix('-').unwrap_or(value);
    if digits.is_empty() || digits.len() > 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "«{}» non è un numero intero (0 il piano terra, -1 il seminterrato)",
            echo(value)
        ));
    }
    value
        .parse::<i8>()
        .map_err(|_| format!("{} fuori da -3…40", echo(value)))
}

fn parse_rooms(value: &str) -> Result<u8, String> {
    if value.is_empty() || value.len() > 3 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("«{}» non è un numero intero di vani", echo(value)));
    }
    value
        .parse::<u8>()
        .map_err(|_| format!("{} fuori da 1…20", echo(value)))
}

fn parse_year(value: &str) -> Result<u16, String> {
    if value.len() != 4 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "«{}» non è un anno di quattro cifre (es. 1978)",
            echo(value)
        ));
    }
    value
        .parse::<u16>()
        .map_err(|_| format!("«{}» non è un anno", echo(value)))
}

/// `sì` / `si` / `no`, any case.
fn parse_yes_no(value: &str) -> Result<bool, String> {
    match value.to_lowercase().as_str() {
        "sì" | "si" => Ok(true),
        "no" => Ok(false),
        _ => Err(format!("«{}» non valido: scrivere sì o no", echo(value))),
    }
}

/// A bad value as it may be shown on a terminal: one clean line, shortened.
fn echo(value: &str) -> String {
    let clean = clean_line(value);
    if clean.chars().count() <= ECHO_CHARS {
        return clean;
    }
    let mut short: String = clean.chars().take(ECHO_CHARS).collect();
    short.push('…');
    short
}

#[cfg(test)]
mod tests;
