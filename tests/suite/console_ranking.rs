//! The Graduatoria screen and the ranking steps of the case, drawn whole on ratatui's
//! TestBackend at fixed instants over a call scored with the example table: the live order with
//! its ties, a published version, the score explained in the case, the adjustment checked before
//! it commits, objections, publication with its messages, and the export for the albo.

use crate::common;

use std::collections::BTreeSet;

use alloggi::domain::command::NewApplication;
use alloggi::domain::household::{Condition, Declaration, Member, Relation};
use alloggi::domain::money::Money;
use alloggi::domain::ranking::RankingKind;
use alloggi::domain::ruleset::TieBreak;
use alloggi::domain::time::Timestamp;
use alloggi::domain::verification::{CheckItem, Requirement};
use alloggi::domain::{ApplicationId, Command};
use alloggi::messages::outbox::OutboxTab;
use alloggi::messages::{Catalogue, ComuneConfig, Order, Values};
use alloggi::store::Store;
use alloggi::tui::app::Overlay;
use alloggi::tui::keymap::Keymap;
use alloggi::tui::screens::ScreenId;
use alloggi::tui::screens::ranking::Shown;
use chrono::NaiveDate;
use common::console::Console;
use common::*;
use crossterm::event::{KeyCode, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::style::Color;

const CALL: &str = "erp-2024";
/// The seed the console draws with in these tests.
const SEED: u64 = 20_241_212;

/// How the seed leaves the applications: decided, or still under review.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Admit,
    Exclude,
    Pending,
}

struct Applicant {
    surname: &'static str,
    name: &'static str,
    birth: NaiveDate,
    female: bool,
    others: Vec<Member>,
    isee_euro: u64,
    years: u8,
    /// Declared conditions, and whether the office verified each.
    conditions: Vec<(Condition, bool)>,
    outcome: Outcome,
}

fn person(surname: &'static str, name: &'static str, birth: NaiveDate, female: bool) -> Applicant {
    Applicant {
        surname,
        name,
        birth,
        female,
        others: Vec::new(),
        isee_euro: 8_000,
        years: 6,
        conditions: Vec::new(),
        outcome: Outcome::Admit,
    }
}

/// Eleven applications, in protocol order. Under the example table:
/// Ferri 19 (subjective capped at 15), Marino 15, Rossi 12 and Verdi 12 (equal on ISEE and
/// objective points: only the draw separates them), Galli 9, Bruni 8 and Conti 8 (the lower ISEE
/// first), Neri 7 (a condition declared, not verified); Colombo and Ricci excluded; Moretti still
/// under review.
fn applicants() -> Vec<Applicant> {
    vec![
        Applicant {
            others: vec![
                member("Bianchi", "Anna", date(1982, 7, 4), true, Relation::Coniuge),
                member("Rossi", "Luca", date(2012, 1, 20), false, Relation::Figlio),
            ],
            isee_euro: 3_000,
            years: 10,
            conditions: vec![(Condition::AlloggioAntigienico, true)],
            ..person("Rossi", "Mario", date(1980, 3, 15), false)
        },
        Applicant {
            isee_euro: 3_000,
            years: 10,
            conditions: vec![(Condition::AlloggioAntigienico, true)],
            ..person("Verdi", "Giulia", date(1975, 11, 30), true)
        },
        Applicant {
            isee_euro: 4_000,
            years: 6,
            ..person("Bruni", "Carla", date(1990, 5, 6), true)
        },
        Applicant {
            isee_euro: 5_000,
            years: 8,
            ..person("Conti", "Paolo", date(1968, 2, 11), false)
        },
        Applicant {
            isee_euro: 6_000,
            years: 4,
            conditions: vec![(Condition::OrdineRilascio, true)],
            ..person("Galli", "Sara", date(1995, 9, 23), true)
        },
        Applicant {
            isee_euro: 7_000,
            years: 6,
            conditions: vec![(Condition::AlloggioAntigienico, false)],
            ..person("Neri", "Carla", date(1990, 5, 12), true)
        },
        Applicant {
            others: vec![
                member("Costa", "Elena", date(1972, 4, 2), true, Relation::Coniuge),
                member("Marino", "Paolo", date(2010, 6, 1), false, Relation::Figlio),
                member("Marino", "Sofia", date(2013, 2, 8), true, Relation::Figlio),
                member(
                    "Marino",
                    "Marco",
                    date(2016, 10, 3),
                    false,
                    Relation::Figlio,
                ),
            ],
            isee_euro: 2_000,
            years: 20,
            conditions: vec![(Condition::CoabitazioneParenti, true)],
            ..person("Marino", "Luca", date(1970, 1, 10), false)
        },
        Applicant {
            others: vec![
                member(
                    "Ferri",
                    "Giorgio",
                    date(2012, 3, 3),
                    false,
                    Relation::Figlio,
                ),
                member("Ferri", "Lucia", date(2015, 8, 9), true, Relation::Figlio),
            ],
            isee_euro: 3_500,
            years: 16,
            conditions: vec![(Condition::AlloggioImproprio, true)],
            ..person("Ferri", "Anna", date(1985, 6, 1), true)
        },
        Applicant {
            outcome: Outcome::Exclude,
            ..person("Colombo", "Luca", date(1966, 12, 1), false)
        },
        Applicant {
            outcome: Outcome::Exclude,
            ..person("Ricci", "Elena", date(1988, 9, 14), true)
        },
        Applicant {
            outcome: Outcome::Pending,
            ..person("Moretti", "Franco", date(1959, 4, 22), false)
        },
    ]
}

fn document_for(condition: Condition) -> Option<&'static str> {
    match condition {
        Condition::AlloggioImproprio
        | Condition::AlloggioAntigienico
        | Condition::AlloggioInadeguato => Some("condizione_alloggio"),
        Condition::OrdineRilascio => Some("ordine_rilascio"),
        Condition::SistemazionePrecaria => Some("sistemazione_precaria"),
        _ => None,
    }
}

fn application(applicant: &Applicant) -> NewApplication {
    let mut members = vec![member(
        applicant.surname,
        applicant.name,
        applicant.birth,
        applicant.female,
        Relation::Richiedente,
    )];
    members.extend(applicant.others.iter().cloned());
    let conditions: Vec<Condition> = applicant.conditions.iter().map(|(c, _)| *c).collect();
    let mut new = new_application(household(members));
    new.declaration = Declaration {
        isee: Money::from_cents(applicant.isee_euro * 100),
        residence_years: applicant.years,
        ..declaration(&conditions)
    };
    for document in conditions.iter().filter_map(|c| document_for(*c)) {
        new.documents.push(document.to_string());
    }
    new
}

fn verify(store: &Store, id: ApplicationId, item: CheckItem) {
    run(
        store,
        Command::Verify {
            id,
            item,
            verified: true,
            note: String::new(),
        },
    );
}

/// The example table, with the protocol left out of the tie-break chain: two applications can
/// then stay equal on the whole chain, which only the draw orders.
fn ruleset() -> alloggi::domain::ruleset::Ruleset {
    let mut ruleset = alloggi::files::ruleset_toml::parse(
        "esempio-marche.toml",
        include_str!("../../fixtures/rules/esempio-marche.toml"),
    )
    .expect("the example table parses");
    ruleset.tie_breaks = vec![TieBreak::IseeMinore, TieBreak::PuntiOggettivi];
    ruleset
}

fn order(kind: RankingKind) -> Order<'static> {
    let config = Box::leak(Box::new(ComuneConfig::example()));
    Order {
        template: Catalogue::builtin()
            .get(alloggi::messages::ranking_template(kind))
            .expect("template"),
        config,
        typed: Values::new(),
        recipient: None,
    }
}

/// The call, its table and the eleven applications, decided on 02/12/2024.
fn seed(store: &Store) {
    run(store, Command::SaveCall(Box::new(call())));
    run(
        store,
        Command::SaveRuleset {
            call: CALL.to_string(),
            ruleset: Box::new(ruleset()),
        },
    );
    for (i, applicant) in applicants().iter().enumerate() {
        let id = ApplicationId(i as u64 + 1);
        run(
            store,
            Command::ReceiveApplication(Box::new(application(applicant))),
        );
        run(store, register(id));
        run(store, Command::StartReview { id });
        match applicant.outcome {
            Outcome::Pending => continue,
            Outcome::Exclude => {
                run(store, exclude(id));
                continue;
            }
            Outcome::Admit => {}
        }
        verify(store, id, CheckItem::Requisito(Requirement::Isee));
        verify(
            store,
            id,
            CheckItem::Requisito(Requirement::ResidenzaOLavoro),
        );
        for (condition, verified) in &applicant.conditions {
            if *verified {
                verify(store, id, CheckItem::Condizione(*condition));
            }
        }
        admit(store, id);
    }
}

/// The provisional ranking published on 10/12/2024, with the draw of seed 42.
fn publish_provisional(store: &Store) {
    store
        .publish_ranking(
            CALL,
            RankingKind::Provvisoria,
            42,
            &ctx_at(ts(2024, 12, 10, 9, 0, 0)),
            &order(RankingKind::Provvisoria),
        )
        .expect("provisional ranking published");
}

/// Tuesday 03/12/2024, the day after the decisions.
fn live_day() -> Timestamp {
    ts(2024, 12, 3, 9, 0, 0)
}

/// Thursday 12/12/2024, inside the objection window of the provisional ranking.
fn window_day() -> Timestamp {
    ts(2024, 12, 12, 9, 0, 0)
}

fn console_at(size: (u16, u16), published: bool, now: fn() -> Timestamp) -> Console {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = Store::open(&dir.path().join("db")).expect("open store");
    seed(&store);
    if published {
        publish_provisional(&store);
    }
    let mut console = Console::new(
        store,
        dir,
        Keymap::default_keymap().expect("default keymap"),
        true,
        size,
        Box::new(now),
    );
    console.app.set_seed_source(Box::new(|| Ok(SEED)));
    console
}

/// On the Graduatoria screen, before any publication.
fn live(size: (u16, u16)) -> Console {
    let mut console = console_at(size, false, live_day);
    console.char('7');
    console
}

/// On the Graduatoria screen, in the objection window of the provisional ranking.
fn published(size: (u16, u16)) -> Console {
    let mut console = console_at(size, true, window_day);
    console.char('7');
    console
}

/// What the ranking tests read and do on the console beyond the shared harness.
trait RankingConsole {
    fn retype(&mut self, text: &str) -> &mut Self;
    fn open_row(&mut self, text: &str) -> &mut Self;
    fn status(&self) -> String;
    fn form_error(&self) -> Option<String>;
    fn outbox_total(&self) -> usize;
    fn queued_templates(&self) -> Vec<String>;
    fn line_of(&self, protocol: &str) -> String;
}

impl RankingConsole for Console {
    fn retype(&mut self, text: &str) -> &mut Self {
        self.press(KeyCode::Char('u'), KeyModifiers::CONTROL)
            .typing(text)
    }

    /// Finds `text` with `/` and opens the row found.
    fn open_row(&mut self, text: &str) -> &mut Self {
        self.char('/').typing(text).key(KeyCode::Enter);
        self.key(KeyCode::Enter);
        assert_eq!(self.app.screen, ScreenId::Case, "{}", self.text());
        self
    }

    fn status(&self) -> String {
        self.app
            .status
            .as_ref()
            .map(|(text, _)| text.clone())
            .unwrap_or_default()
    }

    fn form_error(&self) -> Option<String> {
        match &self.app.overlay {
            Some(Overlay::Form { form, .. }) => form.error.clone(),
            _ => None,
        }
    }

    fn outbox_total(&self) -> usize {
        self.store()
            .outbox_counts()
            .expect("outbox counts")
            .values()
            .sum()
    }

    fn queued_templates(&self) -> Vec<String> {
        self.store()
            .outbox_page(OutboxTab::Queued, None, usize::MAX)
            .expect("outbox")
            .into_iter()
            .map(|e| e.template)
            .collect()
    }

    /// The ranking's line of the application with `protocol`, as drawn.
    fn line_of(&self, protocol: &str) -> String {
        self.text()
            .lines()
            .find(|l| l.contains(protocol))
            .unwrap_or_default()
            .to_string()
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

fn snapshot(name: &str, console: &Console) {
    assert_sixteen_colours(&console.buffer());
    insta::assert_snapshot!(name, console.text());
}

const SMALL: (u16, u16) = (80, 24);
const LARGE: (u16, u16) = (120, 40);

// ---- snapshots -------------------------------------------------------------------------------

#[test]
fn live_ranking_80x24() {
    let console = live(SMALL);
    snapshot("graduatoria_attuale_80x24", &console);
    let text = console.text();
    assert!(
        text.contains("Graduatoria attuale, non pubblicata"),
        "{text}"
    );
    assert!(text.contains("tabella di ESEMPIO"), "{text}");
    assert!(text.contains("1 in istruttoria"), "{text}");
    assert!(
        text.contains("1 gruppo pari merito da sorteggiare"),
        "{text}"
    );
    // Rossi and Verdi wait for the draw; Bruni and Conti are split by the ISEE.
    assert!(console.line_of("2024/000001").contains("=?"), "{text}");
    assert!(console.line_of("2024/000002").contains("=?"), "{text}");
    assert!(console.line_of("2024/000003").contains(" = "), "{text}");
    assert!(console.line_of("2024/000009").contains("esclusa"), "{text}");
    assert!(
        console
            .line_of("2024/000008")
            .trim_start()
            .starts_with("▶    1")
    );
}

#[test]
fn live_ranking_120x40() {
    let console = live(LARGE);
    snapshot("graduatoria_attuale_120x40", &console);
    let text = console.text();
    assert!(
        console.line_of("2024/000003").contains("ISEE più basso"),
        "{text}"
    );
    assert!(
        console.line_of("2024/000001").contains("da sorteggiare"),
        "{text}"
    );
    assert!(text.contains("Spareggio"), "{text}");
}

#[test]
fn ranking_filtered_on_ties() {
    for (name, size) in [
        ("graduatoria_pari_merito_80x24", SMALL),
        ("graduatoria_pari_merito_120x40", LARGE),
    ] {
        let mut console = live(size);
        // Tutte → Ammesse → Escluse → Pari merito
        console.char('f').char('f').char('f');
        snapshot(name, &console);
        let text = console.text();
        assert!(text.contains("[Pari merito 4]"), "{text}");
        for protocol in ["2024/000001", "2024/000002", "2024/000003", "2024/000004"] {
            assert!(text.contains(protocol), "{text}");
        }
        assert!(!text.contains("2024/000008"), "{text}");
    }
}

#[test]
fn published_version() {
    for (name, size) in [
        ("graduatoria_pubblicata_80x24", SMALL),
        ("graduatoria_pubblicata_120x40", LARGE),
    ] {
        let mut console = published(size);
        console.char('v');
        assert_eq!(console.app.screens.ranking.shown, Shown::Version(1));
        snapshot(name, &console);
        let text = console.text();
        assert!(text.contains("Graduatoria provvisoria n. 1"), "{text}");
        assert!(text.contains("opposizioni fino al 09/01/2025"), "{text}");
        assert!(text.contains("sorteggio di 1 gruppo, seme 42"), "{text}");
        // The draw ordered the pair: no `=?` is left, and the tie says how it was settled.
        assert!(!text.contains("=?"), "{text}");
        // `v` again goes back to the live order.
        console.char('v');
        assert_eq!(console.app.screens.ranking.shown, Shown::Live);
    }
}

#[test]
fn case_with_its_score() {
    for (name, size) in [
        ("scheda_punteggio_80x24", SMALL),
        ("scheda_punteggio_120x40", LARGE),
    ] {
        let mut console = live(size);
        console.open_row("Ferri");
        snapshot(name, &console);
        // At 80×24 the wrapped lines scroll: the blocks come a few lines down.
        let mut text = console.text();
        for _ in 0..12 {
            console.key(KeyCode::Down);
            text.push_str(&console.text());
        }
        assert!(text.contains("Punteggio: 19"), "{text}");
        assert!(text.contains("Soggettive 15 (tetto 15)"), "{text}");
        assert!(text.contains("tetto applicato"), "{text}");
    }
}

#[test]
fn case_score_scrolls_at_80x24() {
    let mut console = live(SMALL);
    console.open_row("Neri");
    let mut seen = console.text();
    for _ in 0..12 {
        console.key(KeyCode::Down);
        seen.push_str(&console.text());
    }
    // The line of a declared condition not verified, the blocks, the total, the chain's values.
    assert!(seen.contains("? Alloggio antigienico"), "{seen}");
    assert!(seen.contains("Oggettive 0 (tetto 11)"), "{seen}");
    assert!(seen.contains("Totale 7"), "{seen}");
    assert!(seen.contains("Spareggio: ISEE 7.000,00 €"), "{seen}");
    assert!(
        seen.contains("domanda ammessa"),
        "the timeline follows: {seen}"
    );
}

#[test]
fn adjustment_confirmation() {
    for (name, size) in [
        ("rettifica_verifica_80x24", SMALL),
        ("rettifica_verifica_120x40", LARGE),
    ] {
        let mut console = live(size);
        console.open_row("Neri");
        // Voce: isee (the first); points 8; a reason.
        console
            .char('g')
            .key(KeyCode::Enter)
            .typing("8")
            .key(KeyCode::Enter)
            .typing("ISEE corretto dopo verifica INPS")
            .key(KeyCode::Enter);
        assert!(
            matches!(console.app.overlay, Some(Overlay::Check(_))),
            "{}",
            console.text()
        );
        snapshot(name, &console);
        let text = console.text();
        assert!(text.contains("Punteggio totale: 7 → 12 (+5)"), "{text}");
        assert!(
            text.contains("Posizione nella graduatoria attuale: 8ª → 5ª"),
            "{text}"
        );
    }
}

#[test]
fn publish_confirmation() {
    for (name, size) in [
        ("pubblica_provvisoria_80x24", SMALL),
        ("pubblica_provvisoria_120x40", LARGE),
    ] {
        let mut console = live(size);
        console.char('P');
        assert!(
            matches!(console.app.overlay, Some(Overlay::Preview(_))),
            "{}",
            console.text()
        );
        snapshot(name, &console);
        let text = console.text();
        assert!(
            text.contains("Pubblicata la graduatoria provvisoria"),
            "{text}"
        );
        assert!(text.contains("10 destinatari"), "{text}");
        assert!(
            text.contains("Pubblica la graduatoria provvisoria n. 1"),
            "{text}"
        );
        assert!(text.contains(&format!("seme {SEED}")), "{text}");
        assert!(text.contains("1 domanda ancora in istruttoria"), "{text}");
    }
}

// ---- behaviour -------------------------------------------------------------------------------

#[test]
fn enter_publishes_the_version_and_queues_one_message_per_applicant() {
    let mut console = live(SMALL);
    let before = console.outbox_total();
    let audit = console.store().audit_len();
    console.char('P').key(KeyCode::Enter);
    let versions = console.store().ranking_versions(CALL).expect("versions");
    assert_eq!(versions.len(), 1, "{}", console.status());
    let header = &versions[0];
    assert_eq!(header.kind, RankingKind::Provvisoria);
    assert_eq!(
        (header.admitted, header.excluded, header.pending),
        (8, 2, 1)
    );
    assert_eq!(header.draw.as_ref().map(|d| d.seed), Some(SEED));
    // One message per applicant in the ranking, admitted or excluded.
    assert_eq!(console.outbox_total(), before + 10);
    let templates = console.queued_templates();
    assert_eq!(
        templates
            .iter()
            .filter(|t| *t == "graduatoria_provvisoria")
            .count(),
        10
    );
    // The version, the draw and each message queued, in the audit log.
    assert_eq!(console.store().audit_len(), audit + 2 + 10);
    // The screen shows what was published.
    assert_eq!(console.app.screens.ranking.shown, Shown::Version(1));
    let text = console.text();
    assert!(text.contains("Graduatoria provvisoria n. 1"), "{text}");
    assert!(
        console.status().contains("10 messaggi accodati"),
        "{}",
        console.status()
    );
}

#[test]
fn esc_on_the_publication_writes_nothing() {
    let mut console = live(SMALL);
    let before = console.outbox_total();
    let audit = console.store().audit_len();
    console.char('P').key(KeyCode::Esc);
    assert!(console.app.overlay.is_none());
    assert!(
        console
            .store()
            .ranking_versions(CALL)
            .expect("versions")
            .is_empty()
    );
    assert_eq!(console.outbox_total(), before);
    assert_eq!(console.store().audit_len(), audit);
}

#[test]
fn the_definitive_ranking_waits_for_the_objection_window() {
    let mut console = published(SMALL);
    console.char('D');
    assert!(console.app.overlay.is_none());
    let status = console.status();
    assert!(
        status.contains("il termine per le opposizioni scade il 09/01/2025"),
        "{status}"
    );
    assert_eq!(
        console
            .store()
            .ranking_versions(CALL)
            .expect("versions")
            .len(),
        1
    );
}

#[test]
fn the_adjustment_commits_one_audit_entry_and_moves_the_application() {
    let mut console = live(SMALL);
    assert!(
        console.line_of("2024/000006").contains("   8 "),
        "{}",
        console.text()
    );
    let audit = console.store().audit_len();
    console.open_row("Neri");
    console
        .char('g')
        .key(KeyCode::Enter)
        .typing("8")
        .key(KeyCode::Enter)
        .typing("ISEE corretto dopo verifica INPS");
    // Esc on the check returns to the form, with what was typed; nothing is written.
    console.key(KeyCode::Enter).key(KeyCode::Esc);
    assert!(matches!(console.app.overlay, Some(Overlay::Form { .. })));
    assert_eq!(console.store().audit_len(), audit);
    console.key(KeyCode::Enter).key(KeyCode::Enter);
    assert!(console.app.overlay.is_none(), "{}", console.text());
    assert_eq!(console.store().audit_len(), audit + 1);
    let text = console.text();
    assert!(text.contains("Punteggio: 12"), "{text}");
    let neri = console
        .store()
        .application(ApplicationId(6))
        .expect("read")
        .expect("Neri");
    let adjusted = neri.score_overrides.get("isee").expect("the override");
    assert_eq!(adjusted.points.to_string(), "8");
    assert_eq!(adjusted.reason, "ISEE corretto dopo verifica INPS");
    // Back on the ranking, Neri is fifth.
    console.key(KeyCode::Esc);
    assert_eq!(console.app.screen, ScreenId::Ranking);
    console.key(KeyCode::Esc);
    let line = console.line_of("2024/000006");
    assert!(line.contains("   5 "), "{}", console.text());
    assert!(line.contains("12"), "{line}");
}

#[test]
fn a_refused_adjustment_stays_in_the_form() {
    let mut console = live(SMALL);
    console.open_row("Neri");
    let audit = console.store().audit_len();
    // Back to the computed points, where there is no adjustment to take back.
    console
        .char('g')
        .key(KeyCode::Enter)
        .key(KeyCode::Enter)
        .typing("nessuna rettifica")
        .key(KeyCode::Enter);
    let error = console.form_error().unwrap_or_default();
    assert!(
        error.contains("non ha una rettifica da togliere"),
        "{error}"
    );
    assert_eq!(console.store().audit_len(), audit);
}

#[test]
fn an_objection_recorded_then_decided_shows_in_the_case() {
    let mut console = published(LARGE);
    console.open_row("Conti");
    console
        .char('o')
        .key(KeyCode::Enter)
        .typing("Chiede il riconoscimento della coabitazione")
        .key(KeyCode::Enter);
    assert!(console.app.overlay.is_none(), "{:?}", console.form_error());
    let text = console.text();
    assert!(text.contains("Opposizioni (1)"), "{text}");
    assert!(
        text.contains("1. ricevuta il 12/12/2024 contro la graduatoria n. 1"),
        "{text}"
    );
    assert!(text.contains("opposizione da decidere"), "{text}");
    assert!(
        text.contains("«Chiede il riconoscimento della coabitazione»"),
        "{text}"
    );
    // The ranking lists it under «Con opposizione».
    console.key(KeyCode::Esc).key(KeyCode::Esc);
    for _ in 0..4 {
        console.char('f');
    }
    let text = console.text();
    assert!(text.contains("[Con opposizione 1]"), "{text}");
    assert!(text.contains("2024/000004"), "{text}");
    console.key(KeyCode::Enter);
    assert_eq!(console.app.screen, ScreenId::Case);
    // Accolta (offered first), then the reason.
    console
        .char('O')
        .key(KeyCode::Enter)
        .typing("documentata la coabitazione con i genitori")
        .key(KeyCode::Enter);
    assert!(console.app.overlay.is_none(), "{:?}", console.form_error());
    let text = console.text();
    assert!(
        text.contains("accolta il 12/12/2024 da mrossi: documentata la coabitazione"),
        "{text}"
    );
    assert!(
        text.contains("opposizione 1 accolta"),
        "the timeline: {text}"
    );
}

#[test]
fn export_writes_a_public_csv_without_names() {
    let mut console = published(SMALL);
    // On the live order there is nothing published to export.
    console.char('e');
    assert!(console.app.overlay.is_none());
    assert!(
        console.status().contains("solo le graduatorie pubblicate"),
        "{}",
        console.status()
    );
    let path = console.dir.path().join("albo.csv");
    console.char('v').char('e');
    console
        .retype(&path.display().to_string())
        .key(KeyCode::Enter)
        .key(KeyCode::Enter);
    assert!(console.app.overlay.is_none(), "{:?}", console.form_error());
    let csv = std::fs::read_to_string(&path).expect("exported file");
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("protocollo;posizione;punteggio;esito"));
    assert_eq!(csv.lines().count(), 11, "{csv}");
    assert!(csv.contains("2024/000008;1;19;ammessa"), "{csv}");
    assert!(csv.contains("2024/000009;;;esclusa"), "{csv}");
    for name in ["Rossi", "Verdi", "Ferri", "Colombo", "RSS"] {
        assert!(!csv.contains(name), "{name} in {csv}");
    }
    assert!(
        console.status().contains("albo.csv"),
        "{}",
        console.status()
    );
}

#[test]
fn search_and_filters_narrow_the_rows() {
    let mut console = live(SMALL);
    console.char('/').typing("verdi");
    let text = console.text();
    assert!(
        text.contains("2024/000002") && !text.contains("2024/000001"),
        "{text}"
    );
    console.key(KeyCode::Esc);
    assert!(console.text().contains("2024/000001"));
    // Escluse: no position, «esclusa».
    console.char('f').char('f');
    let text = console.text();
    assert!(text.contains("[Escluse 2]"), "{text}");
    let rows: BTreeSet<String> = ["2024/000009", "2024/000010"]
        .into_iter()
        .map(|p| console.line_of(p))
        .collect();
    assert!(rows.iter().all(|l| l.contains("esclusa")), "{rows:?}");
}

#[test]
fn the_keys_are_in_the_help() {
    let mut console = live(LARGE);
    for (filter, key, description) in [
        ("pubblica", "P", "pubblica provv."),
        ("pubblica", "D", "pubblica def."),
        ("versione", "v", "versione"),
        ("esporta", "e", "esporta"),
        ("filtra", "f", "filtra"),
    ] {
        console.char('?').typing(filter);
        let text = console.text();
        let listed = text
            .lines()
            .any(|l| l.contains(&format!("│   {key} ")) && l.contains(&format!(" {description} ")));
        assert!(listed, "{key} {description}: {text}");
        console.key(KeyCode::Esc);
    }
    console.open_row("Neri");
    let bar = console.text();
    assert!(bar.contains("g rettifica punteggio"), "{bar}");
}

// ---- nothing cut at 80×24 ------------------------------------------------------------------

/// The lines of the case's score box, from its title to its bottom border.
fn score_box(text: &str) -> Vec<String> {
    text.lines()
        .skip_while(|l| !l.contains("Punteggio:"))
        .skip(1)
        .take_while(|l| !l.starts_with('└'))
        .map(str::to_string)
        .collect()
}

#[test]
fn the_score_lines_wrap_at_80x24() {
    let mut console = live(SMALL);
    console.open_row("Ferri");
    snapshot("scheda_punteggio_a_capo_80x24", &console);
    let mut seen = console.text();
    for _ in 0..12 {
        console.key(KeyCode::Down);
        seen.push('\n');
        seen.push_str(&console.text());
    }
    let lines = score_box(&console.text());
    assert!(!lines.is_empty(), "{}", console.text());
    for line in score_box(&seen) {
        assert!(!line.contains('…'), "{line}\n{seen}");
    }
    // The criterion's label, whole over two lines of its column.
    assert!(
        seen.contains("Genitore solo con 2 figli minori a"),
        "{seen}"
    );
    assert!(seen.contains("carico"), "{seen}");
}

#[test]
fn who_verified_a_check_is_named_whole() {
    let mut console = live(SMALL);
    let neri = console
        .app
        .rows
        .iter()
        .find(|r| r.name.starts_with("Neri"))
        .map(|r| r.id)
        .expect("Neri");
    let context = alloggi::domain::Context {
        actor: "operatore".into(),
        on_behalf_of: None,
        now: live_day() - chrono::Duration::hours(1),
    };
    console
        .store()
        .execute(
            &Command::Verify {
                id: neri,
                item: CheckItem::Condizione(Condition::AlloggioAntigienico),
                verified: true,
                note: String::new(),
            },
            &context,
        )
        .expect("verified");
    console.open_row("Neri");
    snapshot("scheda_operatore_intero_80x24", &console);
    let text = console.text();
    assert!(text.contains("operatore 03/12"), "{text}");
    assert!(!text.contains("operato…"), "{text}");
}

/// 02/06/2025: Ferri Anna, born 01/06/1985, is 40 today and was 39 on the reference date.
fn after_a_birthday() -> Timestamp {
    ts(2025, 6, 2, 9, 0, 0)
}

#[test]
fn the_household_shows_the_age_on_the_reference_date_where_it_differs() {
    let mut console = console_at(SMALL, false, after_a_birthday);
    console.char('7');
    console.open_row("Ferri");
    snapshot("scheda_eta_riferimento_80x24", &console);
    let text = console.text();
    let anna: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("│ Ferri Anna"))
        .take(2)
        .collect();
    assert!(anna[0].contains("40a"), "{text}");
    assert!(anna[1].contains("(39a alla data di riferimento)"), "{text}");
    // Giorgio turned 13 in between too; Lucia's birthday is not between the two days.
    assert_eq!(
        text.matches("alla data di riferimento").count(),
        2,
        "{text}"
    );
    let lucia = text
        .lines()
        .skip_while(|l| !l.starts_with("│ Ferri Lucia"))
        .take(2)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(!lucia.contains("riferimento"), "{text}");
}

#[test]
fn the_adjustment_preview_says_when_a_cap_absorbs_the_change() {
    let mut console = live(SMALL);
    // Ferri's subjective lines sum to 16 against a cap of 15: ISEE from 5 to 8 adds nothing.
    console.open_row("Ferri");
    console
        .char('g')
        .key(KeyCode::Enter)
        .typing("8")
        .key(KeyCode::Enter)
        .typing("ISEE corretto dopo verifica INPS")
        .key(KeyCode::Enter);
    assert!(
        matches!(console.app.overlay, Some(Overlay::Check(_))),
        "{}",
        console.text()
    );
    snapshot("rettifica_tetto_80x24", &console);
    let text = console.text();
    assert!(text.contains("Punteggio totale: 19, invariato"), "{text}");
    let joined = text
        .lines()
        .map(|l| {
            l.trim_matches(|c: char| {
                c == '│' || c == ' ' || c == '┌' || c == '└' || c == '┐' || c == '┘'
            })
        })
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        joined.contains(
            "Tetto soggettive 15: +3 nelle voci, 0 nel punteggio · 3 punti assorbiti dal tetto"
        ),
        "{text}"
    );
}
