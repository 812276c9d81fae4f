//! CSV injection (CWE-1236): names that a spreadsheet would run as formulas are imported as
//! they are, and every CSV the product writes shows them as text. The protocol pattern of a call
//! file admits only letters, digits and `/ - _ .` around its fields.

use std::path::Path;

use alloggi::domain::ApplicationId;
use alloggi::domain::money::Money;
use alloggi::domain::points::Points;
use alloggi::domain::ranking::RankRow;
use alloggi::files::applications_csv::parse_applications;
use alloggi::files::call_toml;
use alloggi::files::csv_cell::{is_inert, text_cell};
use alloggi::files::ranking_export::{Audience, write_csv};
use proptest::prelude::*;

/// Surnames that spreadsheets take for formulas, as the campaign imported them.
const FORMULAS: [&str; 5] = [
    "=HYPERLINK(\"http://x\",\"clic\")",
    "=1+1",
    "+cmd|' /C calc'!A0",
    "-1+1",
    "@SUM(1+1)",
];

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The example applications with the surname of the first applicants replaced by `FORMULAS`.
fn applications_with_formulas() -> String {
    let text = fixture("domande-esempio.csv");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let relation = headers.iter().position(|h| h == "relazione").unwrap();
    let surname = headers.iter().position(|h| h == "cognome").unwrap();
    let mut out = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    out.write_record(&headers).unwrap();
    let mut formulas = FORMULAS.iter();
    for record in reader.records() {
        let record = record.unwrap();
        let mut fields: Vec<String> = record.iter().map(str::to_string).collect();
        if fields[relation] == "richiedente"
            && let Some(formula) = formulas.next()
        {
            fields[surname] = (*formula).to_string();
        }
        out.write_record(&fields).unwrap();
    }
    assert!(formulas.next().is_none(), "fewer applicants than formulas");
    String::from_utf8(out.into_inner().unwrap()).unwrap()
}

fn row(index: usize, applicant: String, fiscal_code: String) -> RankRow {
    RankRow {
        position: Some(u32::try_from(index + 1).unwrap()),
        application: ApplicationId(u64::try_from(index + 1).unwrap()),
        protocol: format!("2024/{:06}", index + 1),
        applicant,
        fiscal_code,
        admitted: true,
        total: Points(1250),
        subjective: Points(1400),
        objective: Points(-150),
        isee: Money::parse("4.227,13").unwrap(),
        members: 2,
        tied: false,
        settled: None,
        criteria: vec![
            ("anziani".into(), Points(1400)),
            ("sovraffollamento".into(), Points(-150)),
        ],
    }
}

#[test]
fn imported_formulas_come_out_as_text_in_the_internal_list() {
    let call = call_toml::bando_2024().unwrap();
    let parsed = parse_applications(applications_with_formulas().as_bytes(), &call)
        .unwrap_or_else(|errors| panic!("{errors:?}"));
    let rows: Vec<RankRow> = parsed
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let applicant = p.new.household.applicant();
            row(i, applicant.full_name(), applicant.fiscal_code.to_string())
        })
        .collect();
    // The importer keeps the names as written: only the writer can make them harmless.
    for (formula, row) in FORMULAS.iter().zip(&rows) {
        assert!(row.applicant.starts_with(formula), "{}", row.applicant);
    }

    let mut out = Vec::new();
    write_csv(&mut out, &rows, Audience::Internal).unwrap();
    let written = String::from_utf8(out).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(written.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), rows.len());
    for (record, row) in records.iter().zip(&rows) {
        for cell in record {
            assert!(is_inert(cell), "{cell:?} in {written}");
        }
        assert_eq!(&record[2], text_cell(&row.applicant).as_ref());
    }
    for (formula, record) in FORMULAS.iter().zip(&records) {
        assert_eq!(
            record[2].strip_prefix('\''),
            Some(row_name(formula, &rows)),
            "{written}"
        );
    }
    // Numbers the product formats itself stay numbers, negative ones included.
    assert_eq!(&records[0][7], "-1,5", "{written}");
    assert_eq!(&records[0][8], "4.227,13", "{written}");
}

/// The applicant's full name that starts with `formula`.
fn row_name<'a>(formula: &str, rows: &'a [RankRow]) -> &'a str {
    rows.iter()
        .map(|r| r.applicant.as_str())
        .find(|name| name.starts_with(formula))
        .unwrap_or_else(|| panic!("{formula}"))
}

#[test]
fn a_protocol_or_fiscal_code_that_could_be_a_formula_is_neutralised_in_both_lists() {
    let mut rows = vec![row(0, "Rossi\u{1b}[31m Mario\u{7}".into(), "=1+1".into())];
    rows[0].protocol = "-2024/000001".into();
    for audience in [Audience::Public, Audience::Internal] {
        let mut out = Vec::new();
        write_csv(&mut out, &rows, audience).unwrap();
        let written = String::from_utf8(out).unwrap();
        assert!(written.contains("'-2024/000001"), "{written}");
        assert!(
            !written.chars().any(|c| c.is_control() && c != '\n'),
            "{written:?}"
        );
        if audience == Audience::Internal {
            assert!(written.contains(";'=1+1;"), "{written}");
            assert!(written.contains("Rossi [31m Mario "), "{written}");
        }
    }
}

#[test]
fn a_protocol_pattern_with_other_characters_is_refused_with_file_and_line() {
    let call = fixture("bando-2024.toml");
    for (pattern, shown) in [
        ("=0+{anno}{numero:6}", "'='"),
        ("{anno} {numero:6}", "' '"),
        ("{anno}/{numero:6}è", "'è'"),
        ("{anno};{numero:6}", "';'"),
        ("@{anno}/{numero:6}", "'@'"),
        ("{anno}/{numero:6}+1", "'+'"),
        ("{anno}\"{numero}", "'\"'"),
    ] {
        let text = with_pattern(&call, pattern);
        let line = text
            .lines()
            .position(|l| l.starts_with("modello_protocollo"))
            .unwrap()
            + 1;
        let error = call_toml::parse(&text, "bando.toml")
            .expect_err(pattern)
            .to_string();
        assert!(
            error.starts_with(&format!("bando.toml:{line}: modello_protocollo: ")),
            "{pattern}: {error}"
        );
        assert!(error.contains(shown), "{pattern}: {error}");
        assert!(error.contains("lettere, cifre"), "{pattern}: {error}");
    }
    for good in [
        "{anno}/{numero:6}",
        "ERP-{anno}_{numero:5}.a",
        "P{anno}.{numero}",
    ] {
        let text = with_pattern(&call, good);
        call_toml::parse(&text, "bando.toml").unwrap_or_else(|e| panic!("{good}: {e}"));
    }
}

/// The call file with its `modello_protocollo` line set to `pattern`.
fn with_pattern(call: &str, pattern: &str) -> String {
    let line = "modello_protocollo = \"{anno}/{numero:6}\"";
    assert!(call.contains(line), "the fixture sets the pattern");
    let value = toml::Value::String(pattern.to_string());
    call.replace(line, &format!("modello_protocollo = {value}"))
}

proptest! {
    #[test]
    fn a_written_cell_never_starts_a_formula_nor_holds_a_control_character(text in "\\PC*|[=+\\-@\\t\\r ][\\x00-\\x7f]{0,12}|.{0,20}") {
        let cell = text_cell(&text);
        prop_assert!(!cell.chars().any(char::is_control), "{:?}", cell);
        let first = cell.trim_start().chars().next();
        let plain_number = matches!(first, Some('+' | '-'))
            && cell.trim_start()[1..].chars().all(|c| c.is_ascii_digit() || c == ',' || c == '.');
        prop_assert!(
            plain_number || !matches!(first, Some('=' | '+' | '-' | '@' | '＝' | '＋' | '－' | '＠')),
            "{:?} -> {:?}", text, cell
        );
        prop_assert!(!text.starts_with(['\t', '\r']) || cell.starts_with('\''), "{:?}", cell);
        // Nothing is lost but the unprintable characters: the text stays readable.
        let added = cell.chars().count() - text.chars().count();
        prop_assert!(added == 0 || (added == 1 && cell.starts_with('\'')), "{:?} -> {:?}", text, cell);
    }
}
