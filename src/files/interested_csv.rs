//! Reads the list of citizens interested in a call: a CSV file with one codice fiscale per line.
//!
//! The first column is the code; further columns, separated by `;` or `,`, are ignored (the
//! office's spreadsheet may carry names or notes). An optional header `codice_fiscale`, blank
//! lines, a UTF-8 BOM and CRLF line ends are accepted. All or nothing: a file with one bad row
//! gives no codes, and the error lists every bad row as `file:line: motivo`.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use crate::domain::fiscal_code::PersonFiscalCode;
use crate::messages::text::clean_line;

use super::text::strip_bom;

/// The header's only recognised column name (case-insensitive).
const HEADER: &str = "codice_fiscale";

/// How much of a bad value is echoed back: enough to find it in the file.
const ECHO_CHARS: usize = 40;

/// One bad row, at a 1-based line of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub file: String,
    pub line: usize,
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.reason)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InterestedFileError {
    #[error("impossibile leggere {file}: {reason}")]
    Read { file: String, reason: String },
    #[error("{file}: nessun codice fiscale nel file")]
    Empty { file: String },
    /// Every bad row, in line order; no code was taken.
    #[error("{} righe errate in {file}: nessun codice importato", rows.len())]
    Rows { file: String, rows: Vec<RowError> },
}

/// Reads and checks the file at `path`.
pub fn read(path: &Path) -> Result<Vec<PersonFiscalCode>, InterestedFileError> {
    let name = path.display().to_string();
    let text = super::text::read_text(path).map_err(|reason| InterestedFileError::Read {
        file: name.clone(),
        reason,
    })?;
    parse(&name, &text)
}

/// Checks the text of a file called `name` (used in the error lines); codes in file order.
pub fn parse(name: &str, text: &str) -> Result<Vec<PersonFiscalCode>, InterestedFileError> {
    let text = strip_bom(text);
    let mut codes = Vec::new();
    // Code → the line it first appeared on.
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut rows = Vec::new();
    let mut first_content = true;
    for (index, raw) in text.split('\n').enumerate() {
        let line = index + 1;
        if is_blank(raw) {
            continue;
        }
        let first = first_column(raw.strip_suffix('\r').unwrap_or(raw));
        let header = first_content && first.eq_ignore_ascii_case(HEADER);
        first_content = false;
        if header {
            continue;
        }
        let mut bad = |reason: String| {
            rows.push(RowError {
                file: name.to_string(),
                line,
                reason,
            })
        };
        if first.is_empty() {
            bad("codice fiscale mancante nella prima colonna".to_string());
            continue;
        }
        match PersonFiscalCode::parse(&first.to_uppercase()) {
            Ok(code) => match seen.get(code.as_str()) {
                Some(earlier) => bad(format!(
                    "{} ripetuto, già alla riga {earlier}",
                    code.as_str()
                )),
                None => {
                    seen.insert(code.as_str().to_string(), line);
                    codes.push(code);
                }
            },
            Err(e) => bad(format!(
                "«{}» non è un codice fiscale valido: {e}",
                echo(first)
            )),
        }
    }
    if !rows.is_empty() {
        return Err(InterestedFileError::Rows {
            file: name.to_string(),
            rows,
        });
    }
    if codes.is_empty() {
        return Err(InterestedFileError::Empty {
            file: name.to_string(),
        });
    }
    Ok(codes)
}

/// The first field, trimmed and without the quotes a spreadsheet may add.
fn first_column(line: &str) -> &str {
    let field = line.split([';', ',']).next().unwrap_or("").trim();
    field
        .strip_prefix('"')
        .and_then(|f| f.strip_suffix('"'))
        .unwrap_or(field)
        .trim()
}

/// Nothing but separators and spaces (a spreadsheet's empty row is `;;;`).
fn is_blank(line: &str) -> bool {
    line.chars()
        .all(|c| c.is_whitespace() || c == ';' || c == ',' || c == '"')
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
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    fn code(surname: &str, name: &str, y: i32, m: u32, d: u32, female: bool) -> PersonFiscalCode {
        let birth = NaiveDate::from_ymd_opt(y, m, d).unwrap();
        PersonFiscalCode::build(surname, name, birth, female, "D542").unwrap()
    }

    fn rows(error: InterestedFileError) -> Vec<String> {
        match error {
            InterestedFileError::Rows { rows, .. } => rows.iter().map(|r| r.to_string()).collect(),
            other => panic!("attese righe errate, trovato {other:?}"),
        }
    }

    #[test]
    fn reads_codes_with_header_bom_crlf_blank_lines_and_extra_columns() {
        let a = code("Rossi", "Mario", 1980, 3, 15, false);
        let b = code("Bianchi", "Anna", 1982, 7, 4, true);
        let c = code("Verdi", "Giulia", 1975, 11, 30, true);
        let text = format!(
            "\u{FEFF}Codice_Fiscale;nome\r\n{};Mario Rossi\r\n\r\n  {}  , Anna\n;;;\n\"{}\"\n",
            a.as_str().to_lowercase(),
            b.as_str(),
            c.as_str()
        );
        assert_eq!(parse("i.csv", &text).unwrap(), vec![a, b, c]);
    }

    #[test]
    fn every_bad_row_is_named_with_file_and_line() {
        let a = code("Rossi", "Mario", 1980, 3, 15, false);
        let mut wrong_check = a.as_str().to_string();
        wrong_check.replace_range(15..16, if a.as_str().ends_with('A') { "B" } else { "A" });
        let text = format!(
            "codice_fiscale\n{}\nRSSMRA\n{wrong_check}\n;Mario\n{}\n",
            a.as_str(),
            a.as_str().to_lowercase()
        );
        let lines = rows(parse("interessati.csv", &text).unwrap_err());
        assert_eq!(lines.len(), 4, "{lines:?}");
        assert_eq!(
            lines[0],
            "interessati.csv:3: «RSSMRA» non è un codice fiscale valido: lunghezza errata: 6 caratteri invece di 16"
        );
        assert!(
            lines[1].starts_with("interessati.csv:4: ")
                && lines[1].contains("carattere di controllo errato"),
            "{}",
            lines[1]
        );
        assert_eq!(
            lines[2],
            "interessati.csv:5: codice fiscale mancante nella prima colonna"
        );
        assert_eq!(
            lines[3],
            format!(
                "interessati.csv:6: {} ripetuto, già alla riga 2",
                a.as_str()
            )
        );
    }

    #[test]
    fn a_header_only_or_empty_file_is_an_error() {
        for text in [
            "",
            "\n\n",
            "codice_fiscale\n",
            "\u{FEFF}CODICE_FISCALE;nome\r\n;;\r\n",
        ] {
            assert_eq!(
                parse("vuoto.csv", text),
                Err(InterestedFileError::Empty {
                    file: "vuoto.csv".into()
                }),
                "{text:?}"
            );
        }
        assert_eq!(
            InterestedFileError::Empty {
                file: "vuoto.csv".into()
            }
            .to_string(),
            "vuoto.csv: nessun codice fiscale nel file"
        );
    }

    #[test]
    fn the_header_is_recognised_only_on_the_first_row() {
        let a = code("Rossi", "Mario", 1980, 3, 15, false);
        let text = format!("{}\ncodice_fiscale\n", a.as_str());
        let lines = rows(parse("f.csv", &text).unwrap_err());
        assert_eq!(lines.len(), 1);
        assert!(
            lines[0].starts_with("f.csv:2: «codice_fiscale»"),
            "{}",
            lines[0]
        );
    }

    #[test]
    fn control_characters_in_a_bad_value_never_reach_the_terminal() {
        let lines = rows(parse("f.csv", "\u{1b}[31mRSS\u{7}\n").unwrap_err());
        assert_eq!(lines.len(), 1);
        assert!(!lines[0].chars().any(char::is_control), "{:?}", lines[0]);
        let long = "X".repeat(500);
        let lines = rows(parse("f.csv", &long).unwrap_err());
        assert!(lines[0].chars().count() < 200, "{}", lines[0]);
    }

    #[test]
    fn the_shipped_fixtures_are_one_good_and_one_bad() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let good = read(&root.join("interessati-esempio.csv")).unwrap();
        assert_eq!(good.len(), 12);
        let bad = rows(read(&root.join("interessati-errati.csv")).unwrap_err());
        assert_eq!(bad.len(), 4, "{bad:?}");
    }

    fn valid_code() -> impl Strategy<Value = PersonFiscalCode> {
        (
            "[A-Za-z]{1,12}",
            "[A-Za-z]{1,12}",
            0u64..36_000,
            any::<bool>(),
            "[A-Z][0-9]{3}",
            0u8..=7,
        )
            .prop_map(|(surname, name, days, female, place, level)| {
                let birth = NaiveDate::from_ymd_opt(1920, 1, 1).unwrap() + chrono::Days::new(days);
                PersonFiscalCode::build(&surname, &name, birth, female, &place)
                    .unwrap()
                    .omocode_variant(level)
            })
    }

    proptest! {
        #[test]
        fn parse_never_panics(text in any::<String>()) {
            let _ = parse("f.csv", &text);
        }

        #[test]
        fn parse_never_panics_on_csv_like_text(
            text in "[\u{FEFF}A-Za-z0-9;,\"\r\n _àé\u{1b}]{0,200}"
        ) {
            let _ = parse("f.csv", &text);
        }

        #[test]
        fn a_file_of_valid_codes_round_trips(
            codes in proptest::collection::vec(valid_code(), 1..40),
            header in any::<bool>(),
            crlf in any::<bool>(),
            lower in any::<bool>(),
            extra in any::<bool>(),
        ) {
            let mut unique: Vec<PersonFiscalCode> = Vec::new();
            for code in codes {
                if !unique.contains(&code) {
                    unique.push(code);
                }
            }
            let end = if crlf { "\r\n" } else { "\n" };
            let mut text = String::new();
            if header {
                text.push_str("CODICE_FISCALE;note");
                text.push_str(end);
            }
            for code in &unique {
                let written = if lower { code.as_str().to_lowercase() } else { code.as_str().to_string() };
                text.push_str(&written);
                if extra {
                    text.push_str(";una nota, con virgola");
                }
                text.push_str(end);
            }
            prop_assert_eq!(parse("f.csv", &text).unwrap(), unique);
        }
    }
}
