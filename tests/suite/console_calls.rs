//! The Bandi screen, drawn whole on ratatui's TestBackend from a demo database at a fixed
//! instant: insta snapshots at 80×24 and 120×40, and the behaviour of its forms and keys.

use crate::common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use alloggi::demo::{DemoOptions, populate};
use alloggi::domain::call::DocumentTrigger;
use alloggi::domain::fiscal_code::PersonFiscalCode;
use alloggi::domain::time::{Timestamp, parse_datetime_rome};
use alloggi::messages::outbox::OutboxTab;
use alloggi::store::Store;
use alloggi::tui::app::Overlay;
use alloggi::tui::keymap::Keymap;
use alloggi::tui::screens::ScreenId;
use chrono::{NaiveDate, TimeZone, Utc};
use common::console::Console;
use crossterm::event::{KeyCode, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::style::Color;

const APPLICATIONS: usize = 60;
const CALL: &str = "erp-2024";

fn now() -> Timestamp {
    Utc.with_ymd_and_hms(2024, 12, 2, 9, 0, 0)
        .single()
        .expect("valid instant")
}

fn console(color: bool, size: (u16, u16)) -> Console {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = Store::open(&dir.path().join("db")).expect("open store");
    populate(
        &store,
        &DemoOptions {
            applications: APPLICATIONS,
            seed: 2024,
        },
        &mut |_, _| {},
    )
    .expect("demo data");
    Console::new(
        store,
        dir,
        Keymap::default_keymap().expect("default keymap"),
        color,
        size,
        Box::new(now),
    )
}

/// What the call tests read and do on the console beyond the shared harness.
trait CallsConsole {
    fn replace(&mut self, text: &str) -> &mut Self;
    fn form_error(&self) -> Option<String>;
    fn status(&self) -> String;
    fn interested(&self) -> BTreeSet<String>;
    fn publication_recipients(&self, before: &BTreeSet<String>) -> Vec<String>;
    fn outbox_ids(&self) -> BTreeSet<String>;
    fn outbox_total(&self) -> usize;
}

impl CallsConsole for Console {
    /// Empties the focused field and types `text` in it.
    fn replace(&mut self, text: &str) -> &mut Self {
        self.press(KeyCode::Char('u'), KeyModifiers::CONTROL)
            .typing(text)
    }

    fn form_error(&self) -> Option<String> {
        match &self.app.overlay {
            Some(Overlay::Form { form, .. }) => form.error.clone(),
            _ => None,
        }
    }

    fn status(&self) -> String {
        self.app
            .status
            .as_ref()
            .map(|(text, _)| text.clone())
            .unwrap_or_default()
    }

    fn interested(&self) -> BTreeSet<String> {
        self.store()
            .interested(CALL)
            .expect("interested")
            .into_keys()
            .collect()
    }

    /// Fiscal codes the publication message is queued for, leaving out the entries in `before`
    /// (the demo queues one of each catalogue message).
    fn publication_recipients(&self, before: &BTreeSet<String>) -> Vec<String> {
        self.store()
            .outbox_page(OutboxTab::Queued, None, usize::MAX)
            .expect("outbox")
            .into_iter()
            .filter(|e| e.template == "pubblicazione_bando" && !before.contains(&e.id.to_string()))
            .map(|e| e.addressee.fiscal_code)
            .collect()
    }

    fn outbox_ids(&self) -> BTreeSet<String> {
        self.store()
            .outbox_page(OutboxTab::Queued, None, usize::MAX)
            .expect("outbox")
            .into_iter()
            .map(|e| e.id.to_string())
            .collect()
    }

    fn outbox_total(&self) -> usize {
        self.store()
            .outbox_counts()
            .expect("outbox counts")
            .values()
            .sum()
    }
}

/// Only the 16 basic colours, so that a 16-colour terminal shows what was meant.
fn assert_sixteen_colours(buffer: &Buffer) {
    for cell in &buffer.content {
        for color in [cell.fg, cell.bg] {
            assert!(
                !matches!(color, Color::Rgb(..) | Color::Indexed(..)),
                "colour outside the 16 basic ones: {color:?}"
            );
        }
    }
}

fn assert_no_colour(buffer: &Buffer) {
    for cell in &buffer.content {
        assert!(
            matches!(cell.fg, Color::Reset) && matches!(cell.bg, Color::Reset),
            "a coloured cell with NO_COLOR: {cell:?}"
        );
    }
}

fn shoot(name: &str, size: (u16, u16), steps: impl Fn(&mut Console)) -> Console {
    let mut console = console(true, size);
    steps(&mut console);
    assert_sixteen_colours(&console.buffer());
    insta::assert_snapshot!(name, console.text());
    console
}

/// A second call, typed through both pages of the form.
fn create_call(console: &mut Console) {
    console.char('6').char('n');
    console
        .typing("erp-2026")
        .key(KeyCode::Enter)
        .typing("Bando ERP 2026")
        .key(KeyCode::Enter)
        .typing("Determina n. 210 del 02/02/2026")
        .key(KeyCode::Enter)
        .typing("01/03/2026 09:00")
        .key(KeyCode::Enter)
        .typing("30/04/2026 12:00")
        .key(KeyCode::Enter)
        .typing("180")
        .key(KeyCode::Enter)
        .key(KeyCode::Enter)
        .key(KeyCode::Enter);
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

fn code(surname: &str, name: &str, y: i32, m: u32, d: u32) -> PersonFiscalCode {
    let birth = NaiveDate::from_ymd_opt(y, m, d).expect("valid date");
    PersonFiscalCode::build(surname, name, birth, false, "D542").expect("fiscal code")
}

// ---- snapshots -------------------------------------------------------------------------------

#[test]
fn calls_screen_80x24() {
    let console = shoot("bandi_80x24", (80, 24), |c| {
        c.char('6');
    });
    assert_eq!(console.app.screen, ScreenId::Calls);
    let text = console.text();
    assert!(text.contains("▶ erp-2024"), "{text}");
    assert!(text.contains("attivo") && text.contains("non pubblicato"));
    assert!(
        text.contains("{anno}/{numero:6} → es. 2024/000001"),
        "{text}"
    );
}

#[test]
fn calls_screen_120x40() {
    let console = shoot("bandi_120x40", (120, 40), |c| {
        c.char('6');
    });
    let text = console.text();
    // Wide enough for the title column and every document.
    assert!(text.contains("Assegnazione di alloggi"));
    assert!(text.contains("contratto_affitto"), "{text}");
    assert!(text.contains("necessario per extra_ue"));
}

#[test]
fn calls_screen_without_colour() {
    let mut console = console(false, (80, 24));
    console.char('6');
    assert_no_colour(&console.buffer());
    assert!(console.text().contains("▶ erp-2024"));
}

#[test]
fn new_call_form_with_an_inline_error() {
    let console = shoot("bando_nuovo_errore", (80, 24), |c| {
        c.char('6').char('n').typing("ERP 2026");
    });
    assert!(console.text().contains("solo minuscole, cifre e '-'"));
}

#[test]
fn publication_preview() {
    let console = shoot("bando_anteprima_pubblicazione", (80, 24), |c| {
        c.char('6').char('P');
    });
    assert!(matches!(console.app.overlay, Some(Overlay::Preview(_))));
    assert!(console.text().contains("cittadini interessati"));
}

// ---- behaviour -------------------------------------------------------------------------------

#[test]
fn a_call_created_through_the_form_is_stored_without_documents() {
    let mut console = console(true, (80, 24));
    let audit_before = console.store().audit_len();
    create_call(&mut console);
    // The first page led to the second, with the defaults.
    assert!(console.text().contains("parametri"), "{}", console.text());
    console.save();
    assert!(console.app.overlay.is_none(), "{:?}", console.form_error());
    let call = console
        .store()
        .call("erp-2026")
        .expect("read")
        .expect("created");
    assert_eq!(call.title, "Bando ERP 2026");
    assert_eq!(call.max_duration_days, 180);
    assert_eq!(call.stamp_duty.cents(), 1_600);
    assert!(call.documents.is_empty());
    assert!(call.published_at.is_none());
    assert_eq!(call.params.integration_days, 10);
    assert_eq!(
        call.opens_at,
        parse_datetime_rome("01/03/2026 09:00").expect("instant")
    );
    // The closing minute is on time to its last second, as in the call file.
    assert_eq!(
        call.closes_at,
        parse_datetime_rome("30/04/2026 12:00:59").expect("instant")
    );
    assert_eq!(console.store().audit_len(), audit_before + 1);
    // The active call stays the one it was; the cursor goes to the new call.
    assert_eq!(
        console.store().active_call().expect("read").map(|c| c.code),
        Some(CALL.to_string())
    );
    assert_eq!(
        console.app.screens.calls.current().map(|c| c.code.as_str()),
        Some("erp-2026")
    );
    assert!(
        console.status().contains("erp-2026"),
        "{}",
        console.status()
    );
    // A second call with the same code is refused on the first page.
    create_call(&mut console);
    assert!(
        console
            .form_error()
            .is_some_and(|e| e.contains("esiste già")),
        "{:?}",
        console.form_error()
    );
}

#[test]
fn a_closing_before_the_opening_is_refused_on_the_first_page() {
    let mut console = console(true, (80, 24));
    console.char('6').char('e');
    // Focus starts on the title; the closing is three fields down.
    console
        .key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .replace("01/09/2024 00:00")
        .save();
    assert!(
        console
            .form_error()
            .is_some_and(|e| e.contains("deve seguire l'apertura")),
        "{:?}",
        console.form_error()
    );
}

#[test]
fn editing_the_integration_days_changes_only_them_with_one_audit_entry() {
    let mut console = console(true, (80, 24));
    let before = console.store().call(CALL).expect("read").expect("call");
    let audit_before = console.store().audit_len();
    console.char('6').char('e').save();
    // Second page: the integration days are its first field.
    console.replace("15").save();
    assert!(console.app.overlay.is_none(), "{:?}", console.form_error());
    let after = console.store().call(CALL).expect("read").expect("call");
    assert_eq!(after.params.integration_days, 15);
    let mut expected = before.clone();
    expected.params.integration_days = 15;
    assert_eq!(after, expected, "nothing else changed");
    assert_eq!(console.store().audit_len(), audit_before + 1);
    assert!(
        console
            .text()
            .lines()
            .any(|l| l.starts_with(" Integrazione ") && l.contains("15 giorni")),
        "{}",
        console.text()
    );
}

#[test]
fn an_invalid_parameter_is_shown_inline_and_nothing_is_saved() {
    let mut console = console(true, (80, 24));
    let audit_before = console.store().audit_len();
    console.char('6').char('e').save();
    // The protocol pattern, last field, without the year.
    console.key(KeyCode::BackTab).replace("{numero:6}").save();
    assert!(
        console.form_error().is_some_and(|e| e.contains("{anno}")),
        "{:?}",
        console.form_error()
    );
    assert_eq!(console.store().audit_len(), audit_before);
}

#[test]
fn adding_and_changing_a_document() {
    let mut console = console(true, (80, 24));
    console
        .char('6')
        .char('d')
        .typing("bando_firmato")
        .key(KeyCode::Enter);
    console
        .typing("Copia del bando firmato")
        .key(KeyCode::Tab)
        .key(KeyCode::Right)
        .key(KeyCode::Tab)
        .typing("invalidita, extra_ue")
        .save();
    assert!(console.app.overlay.is_none(), "{:?}", console.form_error());
    let call = console.store().call(CALL).expect("read").expect("call");
    let document = call.document("bando_firmato").expect("added");
    assert_eq!(document.title, "Copia del bando firmato");
    assert!(document.required);
    assert_eq!(
        document.needed_for,
        vec![DocumentTrigger::Invalidita, DocumentTrigger::ExtraUe]
    );
    assert!(console.status().contains("bando_firmato"));

    // An existing code opens with its values; an unknown trigger is refused inline.
    console.char('d').typing("domanda").key(KeyCode::Enter);
    let title = match &console.app.overlay {
        Some(Overlay::Form { form, .. }) => form.fields[1].value().to_string(),
        _ => String::new(),
    };
    assert!(title.starts_with("Domanda per la formazione"), "{title}");
    console
        .key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .typing("extraue");
    assert!(
        console
            .text()
            .contains("'extraue' sconosciuto: forse extra_ue?")
    );
    console.replace("").save();
    assert!(console.app.overlay.is_none(), "{:?}", console.form_error());

    // `x` removes a document by code.
    let count = console
        .store()
        .call(CALL)
        .expect("read")
        .expect("call")
        .documents
        .len();
    console
        .char('x')
        .typing("bando_firmato")
        .key(KeyCode::Enter);
    let call = console.store().call(CALL).expect("read").expect("call");
    assert_eq!(call.documents.len(), count - 1);
    assert!(call.document("bando_firmato").is_none());
}

#[test]
fn importing_the_example_file_adds_its_citizens() {
    let mut console = console(true, (80, 24));
    let path = fixture("interessati-esempio.csv");
    let path = if path.exists() {
        path
    } else {
        let own = console.dir.path().join("interessati.csv");
        let rows: Vec<String> = (1..=3)
            .map(|d| code("Esempio", "Mario", 1970, 1, d).as_str().to_string())
            .collect();
        std::fs::write(&own, format!("codice_fiscale\n{}\n", rows.join("\n"))).expect("write");
        own
    };
    let codes: BTreeSet<String> = alloggi::files::interested_csv::read(&path)
        .expect("a good file")
        .into_iter()
        .map(|c| c.as_str().to_string())
        .collect();
    let before = console.interested();
    let present = codes.intersection(&before).count();
    console
        .char('6')
        .char('i')
        .typing(&path.display().to_string())
        .key(KeyCode::Enter);
    assert!(console.app.overlay.is_none(), "{:?}", console.form_error());
    let after = console.interested();
    assert!(codes.is_subset(&after));
    assert_eq!(after.len(), before.len() + codes.len() - present);
    assert_eq!(
        console.status(),
        format!(
            "{} interessati aggiunti ({present} già presenti)",
            codes.len() - present
        )
    );
    assert_eq!(console.app.screens.calls.interested, after.len());
    // The same file again adds nobody.
    console.char('i').key(KeyCode::Enter);
    assert_eq!(console.interested(), after);
    assert_eq!(
        console.status(),
        format!("0 interessati aggiunti ({} già presenti)", codes.len())
    );
}

#[test]
fn a_file_with_a_bad_row_adds_nobody_and_names_every_bad_row() {
    let mut console = console(true, (80, 24));
    let good = code("Buono", "Mario", 1970, 1, 1);
    let other = code("Buono", "Mario", 1970, 1, 2);
    let path = console.dir.path().join("errati.csv");
    std::fs::write(
        &path,
        format!(
            "codice_fiscale;nome\n{};Mario\nRSSMRA;Mario\n{};Mario\n{};di nuovo\n",
            good.as_str(),
            other.as_str(),
            good.as_str()
        ),
    )
    .expect("write");
    let before = console.interested();
    let audit_before = console.store().audit_len();
    console
        .char('6')
        .char('i')
        .typing(&path.display().to_string())
        .key(KeyCode::Enter);
    assert_eq!(console.interested(), before, "nothing added");
    assert_eq!(console.store().audit_len(), audit_before);
    let error = console.form_error().expect("the form says why");
    assert!(error.contains("2 righe errate"), "{error}");
    assert!(error.contains("errati.csv:3:"), "{error}");
    // Esc closes at once and the whole list is on the screen, each row as file:line: reason.
    console.key(KeyCode::Esc);
    assert!(console.app.overlay.is_none());
    let text = console.text();
    assert!(text.contains("errati.csv:3:"), "{text}");
    assert!(text.contains("errati.csv:5:"), "{text}");
    assert!(text.contains("ripetuto, già alla riga 2"), "{text}");
    // Any other key puts the documents back.
    console.key(KeyCode::Down);
    assert!(
        console.text().contains("Documenti (11)"),
        "{}",
        console.text()
    );
    // The file is offered again for the retry.
    console.char('i');
    let offered = match &console.app.overlay {
        Some(Overlay::Form { form, .. }) => form.fields[0].value().to_string(),
        _ => String::new(),
    };
    assert_eq!(offered, path.display().to_string());
}

#[test]
fn adding_and_removing_one_interested_citizen() {
    let mut console = console(true, (80, 24));
    let citizen = code("Nuovo", "Carlo", 1966, 5, 17);
    let before = console.interested();
    console
        .char('6')
        .char('+')
        .typing("RSSMRA")
        .key(KeyCode::Enter);
    assert!(
        console.text().contains("lunghezza errata"),
        "{}",
        console.text()
    );
    console
        .replace(&citizen.as_str().to_lowercase())
        .key(KeyCode::Enter);
    assert!(console.app.overlay.is_none(), "{:?}", console.form_error());
    assert!(console.interested().contains(citizen.as_str()));
    assert_eq!(console.interested().len(), before.len() + 1);
    console
        .char('-')
        .typing(citizen.as_str())
        .key(KeyCode::Enter);
    assert_eq!(console.interested(), before);
}

#[test]
fn publishing_queues_one_message_per_interested_citizen_once() {
    let mut console = console(true, (80, 24));
    let interested = console.interested();
    assert!(!interested.is_empty(), "the demo has interested citizens");
    let queued_before = console.outbox_ids();
    let outbox_before = console.outbox_total();
    console.char('6').char('P').key(KeyCode::Enter);
    assert!(console.app.overlay.is_none());
    let call = console.store().call(CALL).expect("read").expect("call");
    assert_eq!(call.published_at, Some(now()));
    let recipients = console.publication_recipients(&queued_before);
    assert_eq!(recipients.len(), interested.len(), "exactly one each");
    assert_eq!(recipients.into_iter().collect::<BTreeSet<_>>(), interested);
    assert_eq!(console.outbox_total(), outbox_before + interested.len());
    assert!(console.text().contains("pubblicato il 02/12/2024"));

    // Publishing again is refused before any preview.
    let audit = console.store().audit_len();
    console.char('P');
    assert!(console.app.overlay.is_none());
    let (message, error) = console.app.status.clone().expect("a refusal");
    assert!(error && message.contains("già pubblicato"), "{message}");
    assert_eq!(console.store().audit_len(), audit);

    // A citizen added later is told with I; those told already are not told again.
    let late = code("Tardivo", "Mario", 1980, 3, 3);
    console.char('+').typing(late.as_str()).key(KeyCode::Enter);
    console.char('I').key(KeyCode::Enter);
    let recipients = console.publication_recipients(&queued_before);
    assert_eq!(recipients.len(), interested.len() + 1);
    assert!(recipients.contains(&late.as_str().to_string()));
}

#[test]
fn notifying_before_publication_is_refused() {
    let mut console = console(true, (80, 24));
    console.char('6').char('I');
    assert!(console.app.overlay.is_none());
    let (message, error) = console.app.status.clone().expect("a refusal");
    assert!(error && message.contains("non è pubblicato"), "{message}");
}

#[test]
fn escape_on_the_publication_preview_writes_nothing() {
    let mut console = console(true, (80, 24));
    let audit = console.store().audit_len();
    let outbox = console.outbox_total();
    console.char('6').char('P');
    assert!(matches!(console.app.overlay, Some(Overlay::Preview(_))));
    console.key(KeyCode::Esc);
    assert!(console.app.overlay.is_none());
    assert_eq!(console.store().audit_len(), audit);
    assert_eq!(console.outbox_total(), outbox);
    let call = console.store().call(CALL).expect("read").expect("call");
    assert!(call.published_at.is_none());
}

#[test]
fn activating_another_call_changes_the_header() {
    let mut console = console(true, (80, 24));
    create_call(&mut console);
    console.save();
    assert_eq!(
        console.app.screens.calls.current().map(|c| c.code.as_str()),
        Some("erp-2026")
    );
    console.char('a');
    assert_eq!(
        console.store().active_call().expect("read").map(|c| c.code),
        Some("erp-2026".to_string())
    );
    assert!(
        console
            .text()
            .lines()
            .next()
            .is_some_and(|l| l.contains("erp-2026"))
    );
    // Again: already active, nothing written.
    let audit = console.store().audit_len();
    console.char('a');
    assert_eq!(console.store().audit_len(), audit);
    // The cursor moves between the two calls.
    console.key(KeyCode::Down);
    assert_eq!(
        console.app.screens.calls.current().map(|c| c.code.as_str()),
        Some(CALL)
    );
    console.key(KeyCode::Up);
    assert_eq!(
        console.app.screens.calls.current().map(|c| c.code.as_str()),
        Some("erp-2026")
    );
}

#[test]
fn the_page_keys_scroll_the_documents_at_80x24() {
    let mut console = console(true, (80, 24));
    console.char('6');
    assert!(!console.text().contains("contratto_affitto"));
    // Titles are wrapped, never cut, so the last document is some pages down.
    let mut pages = 0;
    while !console.text().contains("contratto_affitto") && pages < 40 {
        console.key(KeyCode::PageDown);
        pages += 1;
    }
    assert!(
        console.text().contains("contratto_affitto"),
        "{}",
        console.text()
    );
    assert!(
        console.text().contains("delle ricevute di pagamento"),
        "the title whole, wrapped:\n{}",
        console.text()
    );
    assert!(!console.text().contains("✓ domanda"));
    for _ in 0..pages {
        console.key(KeyCode::PageUp);
    }
    assert!(console.text().contains("✓ domanda"), "{}", console.text());
}

#[test]
fn a_form_error_is_wrapped_under_its_field_not_cut() {
    let console = shoot("bando_errore_data_intero_80x24", (80, 24), |c| {
        c.char('6')
            .char('n')
            .typing("erp-2026")
            .key(KeyCode::Enter)
            .typing("Bando ERP 2026")
            .key(KeyCode::Enter)
            .typing("Determina n. 210 del 02/02/2026")
            .key(KeyCode::Enter)
            .typing("01/03/2026 25:00")
            .key(KeyCode::Enter);
    });
    let error = console.form_error();
    let text = console.text();
    // The whole hint of the date's format, on the lines under the field.
    let joined: String = text
        .lines()
        .map(|l| l.trim_matches(|c: char| c == '│' || c == ' '))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(joined.contains("usa gg/mm/aaaa hh:mm"), "{error:?}\n{text}");
    assert!(!text.contains("hh:…"), "{text}");
}
