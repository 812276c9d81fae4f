//! The columns of the portal's export and the header row that places them.

use super::errors::{Errors, NOT_UTF8};
use crate::files::text::BOM;

/// The column of the file that holds a field the domain names.
pub(super) fn column_of(domain_field: &str) -> &str {
    match domain_field {
        "marca_da_bollo" => Col::MarcaBollo.name(),
        other => other,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Col {
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

pub(super) const COLUMNS: usize = 26;

impl Col {
    pub(super) const ALL: [Col; COLUMNS] = [
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

    pub(super) fn name(self) -> &'static str {
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

    pub(super) fn index(self) -> usize {
        self as usize
    }

    pub(super) fn from_name(name: &str) -> Option<Col> {
        Col::ALL.into_iter().find(|c| c.name() == name)
    }

    /// Filled only on the applicant's row.
    pub(super) fn applicant_only(self) -> bool {
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
    pub(super) fn required_in_header(self) -> bool {
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

pub(super) struct Header {
    /// Position of each known column in the file, by `Col::index`.
    pub(super) positions: [Option<usize>; COLUMNS],
    /// The header cells as written (trimmed), to name a cell by its column.
    pub(super) names: Vec<String>,
}

impl Header {
    pub(super) fn parse(
        record: &csv::ByteRecord,
        line: usize,
        errs: &mut Errors,
    ) -> Option<Header> {
        let before = errs.len();
        let mut positions = [None; COLUMNS];
        let mut names = Vec::with_capacity(record.len());
        for (i, raw) in record.iter().enumerate() {
            let Ok(text) = std::str::from_utf8(raw) else {
                errs.push(line, format!("colonna {}", i + 1), NOT_UTF8);
                names.push(String::new());
                continue;
            };
            let written = text.trim_start_matches(BOM).trim();
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

    pub(super) fn label(&self, position: usize) -> String {
        match self.names.get(position) {
            Some(name) if !name.is_empty() => name.clone(),
            _ => format!("colonna {}", position + 1),
        }
    }
}
