//! The import checked on the shipped samples and on files broken on purpose.

use std::collections::BTreeSet;

use proptest::prelude::*;

use super::*;
use crate::domain::State;
use crate::domain::application::Channel;
use crate::domain::command::{Command, Context};
use crate::domain::fiscal_code::PersonFiscalCode;
use crate::domain::household::{Citizenship, ComuneTie, Condition, StampDuty};
use crate::domain::money::Money;
use crate::domain::time::parse_datetime_rome;
use crate::files::call_toml::bando_2024;
use crate::store::Store;

const SAMPLE: &str = include_str!("../../../fixtures/domande-esempio.csv");
const BAD: &str = include_str!("../../../fixtures/domande-errate.csv");

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn context(now: &str) -> Result<Context, Box<dyn std::error::Error>> {
    Ok(Context {
        actor: "operatore.test".into(),
        on_behalf_of: None,
        now: parse_datetime_rome(now)?,
    })
}

/// A store in a temporary directory with the 2024 call saved and active.
fn store_with_call() -> Result<(tempfile::TempDir, Store, Context), Box<dyn std::error::Error>> {
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
