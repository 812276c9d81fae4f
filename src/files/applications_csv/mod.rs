//! `alloggi import applications FILE.csv`: the online portal's export, one row per person.
//!
//! The whole file is read and every row checked first, with the domain's own validators, so
//! that all the errors come out together as `riga N: campo: motivo`. Only a file without errors
//! is written, and then in a single store transaction: every new application, or none.
//! Applications whose `id_domanda` is already stored are skipped, so importing the same file
//! again adds nothing.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::io::Read;

use chrono::NaiveDate;

use crate::domain::application::Channel;
use crate::domain::call::Call;
use crate::domain::command::{Command, Context, NewApplication};
use crate::domain::contact::{Address, Contact};
use crate::domain::error::DomainError;
use crate::domain::fiscal_code::PersonFiscalCode;
use crate::domain::household::{
    Citizenship, ComuneTie, Condition, Declaration, Household, MAX_MEMBERS, Member, Relation,
    StampDuty,
};
use crate::domain::money::Money;
use crate::domain::time::{Timestamp, parse_date, parse_datetime_rome};
use crate::store::{Store, StoreError};

/// One problem in the file, at a 1-based line of the file (the header is line 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: usize,
    /// The column concerned, or `intestazione`, `file`, `riga`, `nucleo`, `domanda` for wider
    /// problems.
    pub field: String,
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "riga {}: {}: {}", self.line, self.field, self.reason)
    }
}

impl std::error::Error for RowError {}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportSummary {
    pub imported: usize,
    pub already_present: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file has errors: nothing was imported.
    #[error("{} errori nel file: nessuna domanda importata", .0.len())]
    Rows(Vec<RowError>),
    #[error("nessun bando attivo: caricare o attivare un bando prima di importare le domande")]
    NoActiveCall,
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("errore di lettura del file: {0}")]
    Io(#[from] std::io::Error),
}

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
        errs.push(1, "file", format!("lettura non riuscita: {e}"));
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
        Ok(true) => Header::parse(&record, lines.of(&record), &mut errs),
        Ok(false) => {
            errs.push(
                1,
                "intestazione",
                "il file è vuoto: manca la riga di intestazione",
            );
            None
        }
        Err(e) => {
            errs.push(1, "file", format!("lettura non riuscita: {e}"));
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
                if let Some(row) = parse_record(&record, line, &header, call, &mut errs) {
                    rows.push(row);
                }
            }
            Err(e) => {
                // Reading from memory with `flexible` cannot fail; stay safe anyway.
                let line = e.position().map_or(1, |p| lines.at(p.byte()));
                errs.push(line, "file", format!("lettura non riuscita: {e}"));
                break;
            }
        }
    }

    let applications = assemble(rows, &mut errs);
    if errs.is_empty() {
        Ok(applications)
    } else {
        Err(errs.finish())
    }
}

/// Imports the portal's export into the active call: all the new applications, or none.
pub fn import_applications(
    store: &Store,
    mut reader: impl Read,
    ctx: &Context,
) -> Result<ImportSummary, ImportError> {
    let call = store.active_call()?.ok_or(ImportError::NoActiveCall)?;
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes)?;
    let parsed = parse_applications(bytes.as_slice(), &call).map_err(ImportError::Rows)?;

    let mut summary = ImportSummary::default();
    let mut commands = Vec::new();
    let mut lines = Vec::new();
    for app in parsed {
        let known = match &app.new.external_id {
            Some(external) => store.application_by_external_id(external)?.is_some(),
            None => false,
        };
        if known {
            summary.already_present += 1;
            continue;
        }
        lines.push(app.line);
        commands.push((Command::ReceiveApplication(Box::new(app.new)), ctx.clone()));
    }
    if commands.is_empty() {
        return Ok(summary);
    }
    match store.execute_all(&commands) {
        Ok(_) => {
            summary.imported = commands.len();
            Ok(summary)
        }
        Err(StoreError::Batch {
            error: DomainError::NoActiveCall,
            ..
        }) => Err(ImportError::NoActiveCall),
        Err(StoreError::Batch { index, error }) => {
            let line = lines.get(index).copied().unwrap_or(1);
            Err(ImportError::Rows(vec![refusal(line, &error)]))
        }
        Err(other) => Err(other.into()),
    }
}

/// A command the store refused, told at the line of its applicant.
fn refusal(line: usize, error: &DomainError) -> RowError {
    let (field, reason) = match error {
        DomainError::Invalid { field, reason } => (column_of(field).to_string(), reason.clone()),
        DomainError::DuplicateExternalId(_) => ("id_domanda".to_string(), error.to_string()),
        DomainError::FiscalCode(e) => ("codice_fiscale".to_string(), e.to_string()),
        DomainError::OutsideWindowNeedsOverride => ("data_invio".to_string(), error.to_string()),
        other => ("domanda".to_string(), other.to_string()),
    };
    RowError {
        line,
        field,
        reason,
    }
}

/// The column of the file that holds a field the domain names.
fn column_of(domain_field: &str) -> &str {
    match domain_field {
        "marca_da_bollo" => Col::MarcaBollo.name(),
        other => other,
    }
}

// ---- columns ------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    IdDomanda,
    Relazione,
    CodiceFiscale,
    Cognome,
    Nome,
    DataNascita,
    Invalidita,
    Accompagnamento,
    Reddito,
    DataInvio,
    Email,
    Telefono,
    Indirizzo,
    Cap,
    Comune,
    Provincia,
    Cittadinanza,
    LegameComune,
    Isee,
    AnniResidenza,
    SuperficieMq,
    Condizioni,
    MarcaBollo,
    DataMarcaBollo,
    EsenzioneBollo,
    Documenti,
}

const COLUMNS: usize = 26;

impl Col {
    const ALL: [Col; COLUMNS] = [
        Col::IdDomanda,
        Col::Relazione,
        Col::CodiceFiscale,
        Col::Cognome,
        Col::Nome,
        Col::DataNascita,
        Col::Invalidita,
        Col::Accompagnamento,
        Col::Reddito,
        Col::DataInvio,
        Col::Email,
        Col::Telefono,
        Col::Indirizzo,
        Col::Cap,
        Col::Comune,
        Col::Provincia,
        Col::Cittadinanza,
        Col::LegameComune,
        Col::Isee,
        Col::AnniResidenza,
        Col::SuperficieMq,
        Col::Condizioni,
        Col::MarcaBollo,
        Col::DataMarcaBollo,
        Col::EsenzioneBollo,
        Col::Documenti,
    ];

    fn name(self) -> &'static str {
        match self {
            Col::IdDomanda => "id_domanda",
            Col::Relazione => "relazione",
            Col::CodiceFiscale => "codice_fiscale",
            Col::Cognome => "cognome",
            Col::Nome => "nome",
            Col::DataNascita => "data_nascita",
            Col::Invalidita => "invalidita",
            Col::Accompagnamento => "accompagnamento",
            Col::Reddito => "reddito",
            Col::DataInvio => "data_invio",
            Col::Email => "email",
            Col::Telefono => "telefono",
            Col::Indirizzo => "indirizzo",
            Col::Cap => "cap",
            Col::Comune => "comune",
            Col::Provincia => "provincia",
            Col::Cittadinanza => "cittadinanza",
            Col::LegameComune => "legame_comune",
            Col::Isee => "isee",
            Col::AnniResidenza => "anni_residenza",
            Col::SuperficieMq => "superficie_mq",
            Col::Condizioni => "condizioni",
            Col::MarcaBollo => "marca_bollo",
            Col::DataMarcaBollo => "data_marca_bollo",
            Col::EsenzioneBollo => "esenzione_bollo",
            Col::Documenti => "documenti",
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    fn from_name(name: &str) -> Option<Col> {
        Col::ALL.into_iter().find(|c| c.name() == name)
    }

    /// Filled only on the applicant's row.
    fn applicant_only(self) -> bool {
        !matches!(
            self,
            Col::IdDomanda
                | Col::Relazione
                | Col::CodiceFiscale
                | Col::Cognome
                | Col::Nome
                | Col::DataNascita
                | Col::Invalidita
                | Col::Accompagnamento
                | Col::Reddito
        )
    }

    /// The header must have it. The stamp-duty columns follow their own rule (see `Header`).
    fn required_in_header(self) -> bool {
        matches!(
            self,
            Col::IdDomanda
                | Col::Relazione
                | Col::CodiceFiscale
                | Col::Cognome
                | Col::Nome
                | Col::DataNascita
                | Col::DataInvio
                | Col::Indirizzo
                | Col::Cap
                | Col::Comune
                | Col::Cittadinanza
                | Col::LegameComune
                | Col::Isee
        )
    }
}

struct Header {
    /// Position of each known column in the file, by `Col::index`.
    positions: [Option<usize>; COLUMNS],
    /// The header cells as written (trimmed), to name a cell by its column.
    names: Vec<String>,
}

impl Header {
    fn parse(record: &csv::ByteRecord, line: usize, errs: &mut Errors) -> Option<Header> {
        let before = errs.len();
        let mut positions = [None; COLUMNS];
        let mut names = Vec::with_capacity(record.len());
        for (i, raw) in record.iter().enumerate() {
            let Ok(text) = std::str::from_utf8(raw) else {
                errs.push(line, format!("colonna {}", i + 1), NOT_UTF8);
                names.push(String::new());
                continue;
            };
            let written = text.trim_start_matches('\u{feff}').trim();
            names.push(written.to_string());
            if written.is_empty() {
                // Spreadsheets add trailing empty columns; a value under one is reported per row.
                continue;
            }
            match Col::from_name(&written.to_lowercase()) {
                Some(col) if positions[col.index()].is_some() => {
                    errs.push(line, written, "colonna ripetuta nell'intestazione");
                }
                Some(col) => positions[col.index()] = Some(i),
                None => errs.push(
                    line,
                    written,
                    format!(
                        "colonna sconosciuta; le colonne ammesse sono: {}",
                        Col::ALL.map(Col::name).join(", ")
                    ),
                ),
            }
        }
        let has = |col: Col| positions[col.index()].is_some();
        for col in Col::ALL {
            if col.required_in_header() && !has(col) {
                errs.push(
                    line,
                    col.name(),
                    "colonna obbligatoria mancante nell'intestazione",
                );
            }
        }
        if !has(Col::MarcaBollo) && !has(Col::EsenzioneBollo) {
            errs.push(
                line,
                Col::MarcaBollo.name(),
                "colonna mancante nell'intestazione: serve marca_bollo (con data_marca_bollo) \
                 oppure esenzione_bollo",
            );
        }
        for (present, missing) in [
            (Col::MarcaBollo, Col::DataMarcaBollo),
            (Col::DataMarcaBollo, Col::MarcaBollo),
        ] {
            if has(present) && !has(missing) {
                errs.push(
                    line,
                    missing.name(),
                    format!(
                        "colonna mancante nell'intestazione: va insieme a {}",
                        present.name()
                    ),
                );
            }
        }
        (errs.len() == before).then_some(Header { positions, names })
    }

    fn label(&self, position: usize) -> String {
        match self.names.get(position) {
            Some(name) if !name.is_empty() => name.clone(),
            _ => format!("colonna {}", position + 1),
        }
    }
}

const NOT_UTF8: &str = "testo non in UTF-8: salvare il file come «CSV UTF-8»";
const APPLICANT_ONLY: &str = "valorizzato solo sulla riga del richiedente";
const MISSING: &str = "mancante";

/// Line numbers of the file. The csv crate's own count runs one short after every CRLF line
/// end (the '\n' is counted with the following record), so lines are counted here from the
/// byte offset where each record starts.
struct Lines<'a> {
    bytes: &'a [u8],
    /// Byte offsets where the second, third, ... line begin.
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(bytes: &'a [u8]) -> Lines<'a> {
        let starts = bytes
            .iter()
            .enumerate()
            .filter(|&(i, b)| match b {
                b'\n' => true,
                // A lone CR (old Mac files) also ends a line; in CRLF the LF does.
                b'\r' => bytes.get(i + 1) != Some(&b'\n'),
                _ => false,
            })
            .map(|(i, _)| i + 1)
            .collect();
        Lines { bytes, starts }
    }

    /// 1-based line of the first character at or after `offset` that is not a line end.
    fn at(&self, offset: u64) -> usize {
        let mut offset = usize::try_from(offset).unwrap_or(usize::MAX);
        while matches!(self.bytes.get(offset), Some(b'\n' | b'\r')) {
            offset += 1;
        }
        self.starts.partition_point(|&start| start <= offset) + 1
    }

    fn of(&self, record: &csv::ByteRecord) -> usize {
        record.position().map_or(1, |p| self.at(p.byte()))
    }
}

// ---- errors -------------------------------------------------------------------------------

#[derive(Default)]
struct Errors(Vec<RowError>);

impl Errors {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn push(&mut self, line: usize, field: impl Into<String>, reason: impl Into<String>) {
        self.0.push(RowError {
            line,
            field: field.into(),
            reason: reason.into(),
        });
    }

    /// A domain refusal: its own field when it names one, else `fallback`.
    fn domain(&mut self, line: usize, fallback: &str, error: &DomainError) {
        match error {
            DomainError::Invalid { field, reason } => self.push(line, column_of(field), reason),
            other => self.push(line, fallback, other.to_string()),
        }
    }

    fn take<T, E: fmt::Display>(&mut self, line: usize, col: Col, r: Result<T, E>) -> Option<T> {
        r.map_err(|e| self.push(line, col.name(), e.to_string()))
            .ok()
    }

    fn take_domain<T>(&mut self, line: usize, col: Col, r: Result<T, DomainError>) -> Option<T> {
        r.map_err(|e| self.domain(line, col.name(), &e)).ok()
    }

    /// Sorted by line; errors of one line keep the order in which they were found.
    fn finish(mut self) -> Vec<RowError> {
        self.0.sort_by_key(|e| e.line);
        self.0
    }
}

// ---- rows ---------------------------------------------------------------------------------

/// One row of the file with its cells decoded.
struct Row<'a> {
    line: usize,
    cells: &'a [String],
    header: &'a Header,
}

impl Row<'_> {
    /// The trimmed value of a column; empty when the column is absent.
    fn get(&self, col: Col) -> &str {
        self.header.positions[col.index()]
            .and_then(|i| self.cells.get(i))
            .map_or("", |v| v.trim())
    }

    fn required(&self, col: Col, errs: &mut Errors) -> Option<&str> {
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
struct PersonRow {
    line: usize,
    /// None when `id_domanda` is missing or unusable (already reported).
    id: Option<String>,
    /// None when the relation could not be read (already reported).
    relation: Option<Relation>,
    member: Option<Member>,
    /// Only on a valid applicant's row.
    applicant: Option<ApplicantData>,
    /// No error on this row.
    valid: bool,
}

struct ApplicantData {
    received_at: Timestamp,
    contact: Contact,
    declaration: Declaration,
    documents: Vec<String>,
}

/// Decodes and reads one record; None for a blank row.
fn parse_record(
    record: &csv::ByteRecord,
    line: usize,
    header: &Header,
    call: &Call,
    errs: &mut Errors,
) -> Option<PersonRow> {
    let before = errs.len();
    let mut cells = Vec::with_capacity(record.len());
    for (i, raw) in record.iter().enumerate() {
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

fn parse_applicant(row: &Row, call: &Call, errs: &mut Errors) -> Option<ApplicantData> {
    let line = row.line;
    let received_at = row
        .required(Col::DataInvio, errs)
        .and_then(|v| errs.take(line, Col::DataInvio, parse_datetime_rome(v)));
    let contact = parse_contact(row, errs);
    let citizenship = row
        .required(Col::Cittadinanza, errs)
        .and_then(|v| errs.take_domain(line, Col::Cittadinanza, Citizenship::parse(v)));
    let tie = row
        .required(Col::LegameComune, errs)
        .and_then(|v| errs.take_domain(line, Col::LegameComune, ComuneTie::parse(v)));
    let isee = row
        .required(Col::Isee, errs)
        .and_then(|v| errs.take(line, Col::Isee, Money::parse(v)));
    let residence_years = errs.take(
        line,
        Col::AnniResidenza,
        optional(row.get(Col::AnniResidenza), |v| {
            parse_whole(v, 99).map(|n| u8::try_from(n).unwrap_or(u8::MAX))
        })
        .map(Option::unwrap_or_default),
    );
    let current_home_m2 = errs.take(
        line,
        Col::SuperficieMq,
        optional(row.get(Col::SuperficieMq), |v| {
            parse_whole(v, MAX_AREA_M2).map(|n| u16::try_from(n).unwrap_or(u16::MAX))
        }),
    );
    let conditions = parse_conditions(row, errs);
    let stamp_duty = parse_stamp_duty(row, errs);
    let documents = parse_documents(row, call, errs);

    Some(ApplicantData {
        received_at: received_at?,
        contact: contact?,
        declaration: Declaration {
            citizenship: citizenship?,
            tie: tie?,
            isee: isee?,
            residence_years: residence_years?,
            current_home_m2: current_home_m2?,
            conditions: conditions?,
            stamp_duty: stamp_duty?,
        },
        documents: documents?,
    })
}

/// Checks the contact with `Contact::normalized`. It stops at the first bad field, so each bad
/// field is reported, replaced by a harmless value and the check run again, to report them all.
fn parse_contact(row: &Row, errs: &mut Errors) -> Option<Contact> {
    let line = row.line;
    let street = row.required(Col::Indirizzo, errs);
    let postcode = row.required(Col::Cap, errs);
    let municipality = row.required(Col::Comune, errs);
    let mut failed = street.is_none() || postcode.is_none() || municipality.is_none();
    let text = |v: &str| Some(v.to_string()).filter(|v| !v.is_empty());
    let mut probe = Contact {
        email: text(row.get(Col::Email)),
        phone: text(row.get(Col::Telefono)),
        address: Address {
            street: street.unwrap_or("-").to_string(),
            postcode: postcode.unwrap_or("00000").to_string(),
            municipality: municipality.unwrap_or("-").to_string(),
            province: row.get(Col::Provincia).to_string(),
        },
    };
    for _ in 0..Col::ALL.len() {
        let error = match probe.clone().normalized() {
            Ok(contact) => return (!failed).then_some(contact),
            Err(error) => error,
        };
        errs.domain(line, Col::Indirizzo.name(), &error);
        failed = true;
        let DomainError::Invalid { field, .. } = error else {
            return None;
        };
        match field {
            "email" => probe.email = None,
            "telefono" => probe.phone = None,
            "indirizzo" => probe.address.street = "-".into(),
            "cap" => probe.address.postcode = "00000".into(),
            "comune" => probe.address.municipality = "-".into(),
            "provincia" => probe.address.province = String::new(),
            _ => return None,
        }
    }
    None
}

fn parse_conditions(row: &Row, errs: &mut Errors) -> Option<BTreeSet<Condition>> {
    let mut conditions = BTreeSet::new();
    let mut ok = true;
    for code in list(row.get(Col::Condizioni)) {
        match errs.take_domain(row.line, Col::Condizioni, Condition::parse(code)) {
            Some(condition) => {
                conditions.insert(condition);
            }
            None => ok = false,
        }
    }
    ok.then_some(conditions)
}

fn parse_stamp_duty(row: &Row, errs: &mut Errors) -> Option<StampDuty> {
    let line = row.line;
    let identifier = row.get(Col::MarcaBollo);
    let date = row.get(Col::DataMarcaBollo);
    let ground = row.get(Col::EsenzioneBollo);
    let stamp_given = !identifier.is_empty() || !date.is_empty();
    match (stamp_given, ground.is_empty()) {
        (false, true) => {
            errs.push(
                line,
                Col::MarcaBollo.name(),
                "mancante: indicare marca_bollo e data_marca_bollo, oppure esenzione_bollo",
            );
            None
        }
        (true, false) => {
            errs.push(
                line,
                Col::EsenzioneBollo.name(),
                "indicare la marca da bollo oppure l'esenzione, non entrambe",
            );
            None
        }
        (false, false) => Some(StampDuty::Esente {
            ground: ground.to_string(),
        }),
        (true, true) => {
            if identifier.is_empty() {
                errs.push(
                    line,
                    Col::MarcaBollo.name(),
                    "mancante: data_marca_bollo è indicata, l'identificativo della marca no",
                );
            }
            let date = if date.is_empty() {
                errs.push(line, Col::DataMarcaBollo.name(), MISSING);
                None
            } else {
                errs.take(line, Col::DataMarcaBollo, parse_date(date))
            };
            if identifier.is_empty() {
                return None;
            }
            // The identifier is checked even when the date is wrong, to report both.
            let stamp = errs.take_domain(
                line,
                Col::MarcaBollo,
                StampDuty::marca(identifier, date.unwrap_or(NaiveDate::MIN)),
            );
            date.and(stamp)
        }
    }
}

fn parse_documents(row: &Row, call: &Call, errs: &mut Errors) -> Option<Vec<String>> {
    let mut documents: Vec<String> = Vec::new();
    let mut ok = true;
    for code in list(row.get(Col::Documenti)) {
        match call
            .documents
            .iter()
            .find(|d| d.code.eq_ignore_ascii_case(code))
        {
            Some(doc) if documents.contains(&doc.code) => {}
            Some(doc) => documents.push(doc.code.clone()),
            None => {
                ok = false;
                errs.push(
                    row.line,
                    Col::Documenti.name(),
                    format!(
                        "documento '{code}' non previsto dal bando {}: usa {}",
                        call.code,
                        call.documents
                            .iter()
                            .map(|d| d.code.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
            }
        }
    }
    ok.then_some(documents)
}

// ---- values -------------------------------------------------------------------------------

const MAX_AREA_M2: u32 = 9_999;

/// Comma-separated codes; blanks between commas are ignored.
fn list(value: &str) -> impl Iterator<Item = &str> {
    value.split(',').map(str::trim).filter(|c| !c.is_empty())
}

/// None for an empty cell, else the parsed value.
fn optional<T, E>(value: &str, parse: impl FnOnce(&str) -> Result<T, E>) -> Result<Option<T>, E> {
    if value.is_empty() {
        Ok(None)
    } else {
        parse(value).map(Some)
    }
}

/// A whole number from 0 to `max`.
fn parse_whole(value: &str, max: u32) -> Result<u32, String> {
    let value = value.trim();
    let bad = || format!("'{value}' non è un numero intero tra 0 e {max}");
    if value.is_empty() || value.len() > 6 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    match value.parse::<u32>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err(bad()),
    }
}

/// Invalidity percentage, 0 to 100; empty means 0 and a trailing '%' is tolerated.
fn parse_percent(value: &str) -> Result<u8, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(0);
    }
    let digits = value.strip_suffix('%').map_or(value, str::trim_end);
    parse_whole(digits, 100)
        .map(|n| u8::try_from(n).unwrap_or(u8::MAX))
        .map_err(|_| format!("'{value}' non è una percentuale intera tra 0 e 100"))
}

/// `si` / `sì` / `no`, any case; empty means no.
fn parse_yes_no(value: &str) -> Result<bool, String> {
    match value.trim().to_lowercase().as_str() {
        "" | "no" => Ok(false),
        "si" | "sì" => Ok(true),
        _ => Err(format!("'{}' non valido: usa si o no", value.trim())),
    }
}

// ---- applications -------------------------------------------------------------------------

/// Groups the rows by `id_domanda` (in order of first appearance) and builds each application.
fn assemble(rows: Vec<PersonRow>, errs: &mut Errors) -> Vec<ParsedApplication> {
    let mut order: Vec<String> = Vec::new();
    let mut groups: HashMap<String, Vec<PersonRow>> = HashMap::new();
    for row in rows {
        let Some(id) = row.id.clone() else {
            continue;
        };
        let group = groups.entry(id.clone()).or_default();
        if group.is_empty() {
            order.push(id);
        }
        group.push(row);
    }
    let mut applications = Vec::new();
    for id in order {
        let Some(rows) = groups.remove(&id) else {
            continue;
        };
        if let Some(app) = assemble_one(&id, &rows, errs) {
            applications.push(app);
        }
    }
    applications
}

/// Rows of a relation that may appear once: every row after the first is an error pointing back
/// at the first. Returns all the rows with that relation.
fn report_repeated<'a>(
    rows: &'a [PersonRow],
    relation: Relation,
    errs: &mut Errors,
    message: impl Fn(usize) -> String,
) -> Vec<&'a PersonRow> {
    let found: Vec<&PersonRow> = rows
        .iter()
        .filter(|r| r.relation == Some(relation))
        .collect();
    if let [first, extras @ ..] = found.as_slice() {
        for extra in extras {
            errs.push(extra.line, Col::Relazione.name(), message(first.line));
        }
    }
    found
}

fn assemble_one(id: &str, rows: &[PersonRow], errs: &mut Errors) -> Option<ParsedApplication> {
    let first_line = rows.first()?.line;
    let before = errs.len();

    let applicants = report_repeated(rows, Relation::Richiedente, errs, |first| {
        format!("la domanda {id} ha già il richiedente alla riga {first}")
    });
    if applicants.is_empty() && rows.iter().all(|r| r.relation.is_some()) {
        errs.push(
            first_line,
            Col::Relazione.name(),
            format!("la domanda {id} non ha una riga con relazione richiedente"),
        );
    }
    report_repeated(rows, Relation::Coniuge, errs, |first| {
        format!("al massimo un coniuge: la domanda {id} lo ha già alla riga {first}")
    });
    if let Some(extra) = rows.get(MAX_MEMBERS) {
        errs.push(
            extra.line,
            Col::IdDomanda.name(),
            format!(
                "la domanda {id} ha {} componenti: al massimo {MAX_MEMBERS}",
                rows.len()
            ),
        );
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for row in rows {
        let Some(member) = &row.member else {
            continue;
        };
        let code = member.fiscal_code.as_str();
        match seen.get(code) {
            Some(first) => errs.push(
                row.line,
                Col::CodiceFiscale.name(),
                format!("{code} compare due volte nella domanda {id} (già alla riga {first})"),
            ),
            None => {
                seen.insert(code, row.line);
            }
        }
    }
    let applicant_row = applicants.first().copied();
    if let Some(row) = applicant_row
        && let Some(data) = &row.applicant
        && let Err(e) = data.declaration.validate(rows.len())
    {
        errs.domain(row.line, Col::Condizioni.name(), &e);
    }
    if errs.len() != before || rows.iter().any(|r| !r.valid) {
        return None;
    }

    let built = applicant_row.and_then(|applicant| {
        let data = applicant.applicant.as_ref()?;
        let mut members = vec![applicant.member.clone()?];
        for row in rows {
            if !std::ptr::eq(row, applicant) {
                members.push(row.member.clone()?);
            }
        }
        Some((applicant.line, data, members))
    });
    let Some((line, data, members)) = built else {
        // Unreachable when every row is valid; never let an application vanish silently.
        errs.push(
            first_line,
            "domanda",
            "righe della domanda non interpretabili",
        );
        return None;
    };
    let household = match Household::new(members) {
        Ok(household) => household,
        Err(e) => {
            errs.domain(line, "nucleo", &e);
            return None;
        }
    };
    Some(ParsedApplication {
        line,
        new: NewApplication {
            external_id: Some(id.to_string()),
            channel: Channel::Portale,
            received_at: data.received_at,
            household,
            contact: data.contact.clone(),
            declaration: data.declaration.clone(),
            documents: data.documents.clone(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::State;
    use crate::files::call_toml::bando_2024;
    use proptest::prelude::*;

    const SAMPLE: &str = include_str!("../../../fixtures/domande-esempio.csv");
    const BAD: &str = include_str!("../../../fixtures/domande-errate.csv");

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn context(now: &str) -> Result<Context, Box<dyn std::error::Error>> {
        Ok(Context {
            actor: "operatore.test".into(),
            now: parse_datetime_rome(now)?,
        })
    }

    /// A store in a temporary directory with the 2024 call saved and active.
    fn store_with_call() -> Result<(tempfile::TempDir, Store, Context), Box<dyn std::error::Error>>
    {
        let dir = tempfile::tempdir()?;
        let store = Store::open(dir.path())?;
        let ctx = context("10/01/2025 09:00")?;
        store.execute(&Command::SaveCall(Box::new(bando_2024()?)), &ctx)?;
        Ok((dir, store, ctx))
    }

    fn parse(text: &str) -> Result<Vec<ParsedApplication>, Vec<RowError>> {
        let call = bando_2024().map_err(|e| {
            vec![RowError {
                line: 0,
                field: "bando".into(),
                reason: e.to_string(),
            }]
        })?;
        parse_applications(text.as_bytes(), &call)
    }

    fn errors_of(text: &str) -> Vec<RowError> {
        match parse(text) {
            Ok(apps) => panic!("expected errors, parsed {} applications", apps.len()),
            Err(errors) => errors,
        }
    }

    fn places(errors: &[RowError]) -> Vec<(usize, &str)> {
        errors.iter().map(|e| (e.line, e.field.as_str())).collect()
    }

    /// The sample's header and its first application (Rossi Mario, one person, line 2).
    fn header_and_rossi() -> String {
        SAMPLE.lines().take(2).collect::<Vec<_>>().join("\n") + "\n"
    }

    fn header() -> &'static str {
        SAMPLE.lines().next().unwrap_or_default()
    }

    #[test]
    fn sample_parses_into_eight_applications() -> TestResult {
        let apps = parse(SAMPLE).map_err(|e| format!("{e:?}"))?;
        assert_eq!(apps.len(), 8);
        let sizes: Vec<usize> = apps.iter().map(|a| a.new.household.len()).collect();
        assert_eq!(sizes, [1, 3, 4, 2, 1, 2, 2, 5]);
        let lines: Vec<usize> = apps.iter().map(|a| a.line).collect();
        assert_eq!(lines, [2, 3, 5, 10, 12, 13, 15, 17]);
        // The daughter on line 9 joins her mother's application started on line 3.
        let giulia = &apps[1].new;
        assert_eq!(giulia.household.applicant().name, "Giulia");
        assert_eq!(giulia.household.members()[2].name, "Sofia");
        assert_eq!(giulia.external_id.as_deref(), Some("PORT-2024-000102"));
        assert!(giulia.declaration.has(Condition::OrdineRilascio));
        assert_eq!(giulia.declaration.isee, Money::from_cents(512_035));
        let youssef = &apps[2].new;
        assert_eq!(
            youssef.declaration.citizenship,
            Citizenship::ExtraUeLungoPeriodo
        );
        assert_eq!(youssef.declaration.tie, ComuneTie::Lavoro);
        assert_eq!(youssef.declaration.current_home_m2, Some(40));
        let luca = &apps[3].new.household.members()[1];
        assert_eq!((luca.disability_pct, luca.accompaniment), (100, true));
        let ioana = &apps[4].new;
        assert!(ioana.declaration.isee.is_zero());
        assert!(matches!(
            ioana.declaration.stamp_duty,
            StampDuty::Esente { .. }
        ));
        assert_eq!(
            ioana.documents,
            ["domanda", "documento_identita", "isee_zero"]
        );
        assert!(apps.iter().all(|a| a.new.channel == Channel::Portale));
        Ok(())
    }

    #[test]
    fn sample_imports_fully() -> TestResult {
        let (_dir, store, ctx) = store_with_call()?;
        let summary = import_applications(&store, SAMPLE.as_bytes(), &ctx)?;
        assert_eq!(
            summary,
            ImportSummary {
                imported: 8,
                already_present: 0
            }
        );
        assert_eq!(store.application_count(), 8);
        let call = store.active_call()?.ok_or("no active call")?;
        let id = store
            .application_by_external_id("PORT-2024-000108")?
            .ok_or("108 missing")?;
        let app = store.application(id)?.ok_or("108 not stored")?;
        assert_eq!(app.state, State::Ricevuta);
        assert_eq!(app.household.len(), 5);
        assert!(!app.late, "14/11/2024 22:47 is inside the window");
        assert_eq!(app.call, call.code);
        assert_eq!(app.contact.address.postcode, "63900");
        assert_eq!(app.documents.len(), 4);
        for code in ["RSSMRA56C12D542J", "LCNTRS50B58A462Y", "CRRSFO17R59D542L"] {
            let person = PersonFiscalCode::parse(code)?;
            assert_eq!(store.applications_with_person(&person)?.len(), 1, "{code}");
        }
        Ok(())
    }

    #[test]
    fn importing_twice_adds_nothing() -> TestResult {
        let (_dir, store, ctx) = store_with_call()?;
        import_applications(&store, SAMPLE.as_bytes(), &ctx)?;
        let audit = store.audit_len();
        let again = import_applications(&store, SAMPLE.as_bytes(), &ctx)?;
        assert_eq!(
            again,
            ImportSummary {
                imported: 0,
                already_present: 8
            }
        );
        assert_eq!(store.audit_len(), audit);
        assert_eq!(store.application_count(), 8);
        Ok(())
    }

    #[test]
    fn a_file_with_new_and_known_applications_imports_only_the_new() -> TestResult {
        let (_dir, store, ctx) = store_with_call()?;
        import_applications(&store, header_and_rossi().as_bytes(), &ctx)?;
        let summary = import_applications(&store, SAMPLE.as_bytes(), &ctx)?;
        assert_eq!(
            summary,
            ImportSummary {
                imported: 7,
                already_present: 1
            }
        );
        assert_eq!(store.application_count(), 8);
        Ok(())
    }

    #[test]
    fn bad_file_reports_every_bad_row_and_imports_nothing() -> TestResult {
        let (_dir, store, ctx) = store_with_call()?;
        let audit = store.audit_len();
        let errors = match import_applications(&store, BAD.as_bytes(), &ctx) {
            Err(ImportError::Rows(errors)) => errors,
            other => return Err(format!("expected row errors, got {other:?}").into()),
        };
        assert_eq!(
            places(&errors),
            [
                (4, "codice_fiscale"),
                (5, "data_nascita"),
                (6, "condizioni"),
                (7, "isee"),
                (8, "relazione"),
            ]
        );
        assert_eq!(
            errors[0].to_string(),
            "riga 4: codice_fiscale: carattere di controllo errato: atteso S, trovato X"
        );
        assert_eq!(
            errors[1].to_string(),
            "riga 5: data_nascita: data inesistente: 31/02/1980"
        );
        assert!(errors[2].reason.starts_with("'alloggio_umido' sconosciuta"));
        assert_eq!(
            errors[3].reason,
            "valorizzato solo sulla riga del richiedente"
        );
        assert!(errors[4].reason.contains("PORT-2024-000205"));
        assert_eq!(store.application_count(), 0);
        assert_eq!(store.audit_len(), audit);
        Ok(())
    }

    #[test]
    fn refusal_by_the_store_imports_nothing_and_points_at_the_row() -> TestResult {
        let (_dir, store, _) = store_with_call()?;
        // On 01/10/2024 the applications sent later are "in the future": only the store,
        // which knows the clock of the command, can tell.
        let early = context("01/10/2024 12:00")?;
        let audit = store.audit_len();
        let errors = match import_applications(&store, SAMPLE.as_bytes(), &early) {
            Err(ImportError::Rows(errors)) => errors,
            other => return Err(format!("expected row errors, got {other:?}").into()),
        };
        assert_eq!(
            errors,
            [RowError {
                line: 5,
                field: "data_invio".into(),
                reason: "la data di ricezione è nel futuro".into(),
            }]
        );
        assert_eq!(store.application_count(), 0);
        assert_eq!(store.audit_len(), audit);
        Ok(())
    }

    #[test]
    fn no_active_call() -> TestResult {
        let dir = tempfile::tempdir()?;
        let store = Store::open(dir.path())?;
        let ctx = context("10/01/2025 09:00")?;
        assert!(matches!(
            import_applications(&store, SAMPLE.as_bytes(), &ctx),
            Err(ImportError::NoActiveCall)
        ));
        Ok(())
    }

    #[test]
    fn missing_required_column_is_one_error_on_the_header() {
        let text = SAMPLE.replacen(";isee;", ";isee_dichiarato;", 1);
        let errors = errors_of(&text);
        assert_eq!(places(&errors), [(1, "isee_dichiarato"), (1, "isee")]);
        assert!(errors[1].reason.contains("obbligatoria mancante"));

        let without = SAMPLE
            .lines()
            .map(|l| l.split(';').filter(|_| true).collect::<Vec<_>>())
            .map(|cells| {
                cells
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != 18)
                    .map(|(_, c)| *c)
                    .collect::<Vec<_>>()
                    .join(";")
            })
            .collect::<Vec<_>>()
            .join("\n");
        let errors = errors_of(&without);
        assert_eq!(places(&errors), [(1, "isee")]);
    }

    #[test]
    fn unknown_and_repeated_columns_are_named() {
        let text = format!("{};colore\n", header());
        let errors = errors_of(&text);
        assert_eq!(places(&errors), [(1, "colore")]);
        assert!(errors[0].reason.contains("colonna sconosciuta"));
        assert!(errors[0].reason.contains("id_domanda, relazione"));

        let text = format!("{};cognome\n", header());
        assert_eq!(places(&errors_of(&text)), [(1, "cognome")]);
    }

    #[test]
    fn stamp_columns_follow_their_rule() {
        let text = header().replace(";marca_bollo;data_marca_bollo;esenzione_bollo", ";x1;x2;x3");
        let errors = errors_of(&(text + "\n"));
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert!(fields.contains(&"marca_bollo"), "{errors:?}");
        let text = header().replace(";data_marca_bollo;", ";nota;");
        let errors = errors_of(&(text + "\n"));
        assert!(
            errors.iter().any(|e| e.field == "data_marca_bollo"),
            "{errors:?}"
        );
    }

    #[test]
    fn empty_file_and_header_only() {
        assert_eq!(places(&errors_of("")), [(1, "intestazione")]);
        assert_eq!(parse(&format!("{}\n", header())), Ok(Vec::new()));
    }

    #[test]
    fn bom_and_column_order_are_tolerated() -> TestResult {
        let with_bom = format!("\u{feff}{SAMPLE}");
        assert_eq!(parse(&with_bom).map_err(|e| format!("{e:?}"))?.len(), 8);
        // Reverse the column order of every line.
        let reversed = SAMPLE
            .lines()
            .map(|l| l.split(';').rev().collect::<Vec<_>>().join(";"))
            .collect::<Vec<_>>()
            .join("\r\n");
        let apps = parse(&reversed).map_err(|e| format!("{e:?}"))?;
        assert_eq!(apps, parse(SAMPLE).map_err(|e| format!("{e:?}"))?);
        Ok(())
    }

    #[test]
    fn blank_rows_are_skipped_and_lines_stay_exact() {
        let text = format!(
            "{}\n\n;;;;\n{}\n",
            header(),
            SAMPLE
                .lines()
                .nth(1)
                .unwrap_or_default()
                .replace("RSSMRA56C12D542J", "RSSMRA56C12D542K")
        );
        let errors = errors_of(&text);
        assert_eq!(places(&errors), [(4, "codice_fiscale")]);
    }

    #[test]
    fn crlf_line_ends_count_right() {
        // Excel writes CRLF; the csv crate's own line count would say 2 here.
        let text = BAD.lines().collect::<Vec<_>>().join("\r\n");
        let errors = errors_of(&text);
        assert_eq!(
            errors.iter().map(|e| e.line).collect::<Vec<_>>(),
            [4, 5, 6, 7, 8]
        );
    }

    #[test]
    fn quoted_multiline_cell_keeps_line_numbers_of_the_file() {
        let rossi = SAMPLE.lines().nth(1).unwrap_or_default();
        let multiline = rossi.replace(
            "Via Giacomo Leopardi 14",
            "\"Via Giacomo Leopardi 14\nint. 2\"",
        );
        let broken = SAMPLE
            .lines()
            .nth(2)
            .unwrap_or_default()
            .replace("25/07/1988", "25/07/88x");
        let text = format!("{}\n{multiline}\n{broken}\n", header());
        assert_eq!(places(&errors_of(&text)), [(4, "data_nascita")]);
    }

    #[test]
    fn household_problems_point_at_the_row() {
        let rossi = SAMPLE.lines().nth(1).unwrap_or_default();
        let member = |relation: &str, cf: &str, born: &str| {
            format!(
                "PORT-2024-000101;{relation};{cf};Rossi;Persona;{born}{}",
                ";".repeat(20)
            )
        };
        // Line 3: the applicant again; line 4: a second applicant row; line 5: wrong birth date.
        let text = format!(
            "{}\n{rossi}\n{}\n{rossi}\n{}\n",
            header(),
            member("coniuge", "RSSMRA56C12D542J", "12/03/1956"),
            member("figlio", "CRRTMS14B03D542R", "04/02/2014"),
        );
        let errors = errors_of(&text);
        assert_eq!(
            places(&errors),
            [
                (3, "codice_fiscale"),
                (4, "relazione"),
                (4, "codice_fiscale"),
                (5, "data_nascita")
            ]
        );
        assert_eq!(
            errors[0].reason,
            "RSSMRA56C12D542J compare due volte nella domanda PORT-2024-000101 (già alla riga 2)"
        );
        assert_eq!(
            errors[3].reason,
            "non corrisponde al codice fiscale CRRTMS14B03D542R"
        );
    }

    #[test]
    fn applicant_fields_are_all_checked() {
        let rossi = SAMPLE.lines().nth(1).unwrap_or_default();
        let bad = rossi
            .replace("mario.rossi56@libero.it", "mario.rossi56")
            .replace("0734 221845", "tel. 0734")
            .replace(";63900;", ";639;")
            .replace(";FM;", ";Fermo;")
            .replace("8.450,00", "8450.00")
            .replace(";32;52;", ";120;52,5;")
            .replace("01220713485926;16/09/2024;", "0122071348;16/09/2024;esente")
            .replace("condizione_alloggio", "planimetria");
        let text = format!("{}\n{bad}\n", header());
        let errors = errors_of(&text);
        let fields: BTreeSet<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        let expected: BTreeSet<&str> = [
            "email",
            "telefono",
            "cap",
            "provincia",
            "isee",
            "anni_residenza",
            "superficie_mq",
            "esenzione_bollo",
            "documenti",
        ]
        .into();
        assert_eq!(fields, expected, "{errors:?}");
        assert!(errors.iter().all(|e| e.line == 2));
    }

    #[test]
    fn declaration_is_checked_against_the_household() {
        // 52 m² is adequate for one person: "alloggio inadeguato" cannot be declared.
        let rossi = SAMPLE.lines().nth(1).unwrap_or_default();
        let text = format!(
            "{}\n{}\n",
            header(),
            rossi.replace("alloggio_antigienico", "alloggio_inadeguato")
        );
        let errors = errors_of(&text);
        assert_eq!(places(&errors), [(2, "superficie_mq")]);
        assert!(errors[0].reason.contains("adeguato per 1 persone"));
    }

    #[test]
    fn non_utf8_cells_are_reported() {
        let mut bytes = header_and_rossi().into_bytes();
        bytes.extend_from_slice(b"PORT-9;figlio;X;Ross\xe0;Anna;01/01/2000");
        bytes.extend_from_slice(";".repeat(20).as_bytes());
        bytes.push(b'\n');
        let call = bando_2024().ok();
        let errors = call
            .map(|c| parse_applications(bytes.as_slice(), &c))
            .and_then(Result::err)
            .unwrap_or_default();
        assert_eq!(places(&errors), [(3, "cognome")]);
    }

    proptest! {
        #[test]
        fn garbage_never_panics(text in "\\PC*") {
            prop_assert!(parse(&text).is_err());
        }

        #[test]
        fn garbage_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            if let Ok(call) = bando_2024() {
                prop_assert!(parse_applications(bytes.as_slice(), &call).is_err());
            }
        }

        #[test]
        fn garbage_rows_under_a_good_header_never_panic(
            rows in "[a-zA-Z0-9;,/: \"\n\r%€.-]{0,300}"
        ) {
            let _ = parse(&format!("{}\n{rows}", header()));
        }
    }
}
