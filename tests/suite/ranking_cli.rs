//! `alloggi ranking …` run as the office runs it: the real binary on a demo database in a
//! temporary folder. The public list names nobody (DOMAIN.md §6), the office's list does; the
//! draw replays; bad point tables are reported with file and line; objections, decisions and
//! adjustments go through from the command line and leave the published version as it was.

use crate::common;

use std::collections::BTreeSet;

use alloggi::domain::{Application, State};

use common::office_cli::{Office, fixture, fixture_arg};

/// What these tests ask of an office beyond running the binary.
trait RankingOffice {
    fn demo() -> Office;
    fn public_list(&self, name: &str) -> String;
    fn public_list_of(&self, version: u32, name: &str) -> String;
    fn applications(&self) -> Vec<Application>;
    fn published_on(&self) -> String;
}

impl RankingOffice for Office {
    /// The demo every test here starts from: 120 applications, seed 7, a provisional ranking.
    fn demo() -> Office {
        let office = Office::new();
        let out = office.ok(&["demo", "--applications", "120", "--seed", "7"]);
        assert!(
            out.contains("Pubblicata la graduatoria provvisoria n. 1"),
            "{out}"
        );
        office
    }

    /// `ranking export --version 1` of the public list, as written.
    fn public_list(&self, name: &str) -> String {
        self.public_list_of(1, name)
    }

    fn public_list_of(&self, version: u32, name: &str) -> String {
        let version = version.to_string();
        self.ok(&[
            "ranking",
            "export",
            "--version",
            &version,
            "--public",
            &self.arg(name),
        ]);
        std::fs::read_to_string(self.path(name)).unwrap()
    }

    /// Every application of the database, read from a full backup written by the binary.
    fn applications(&self) -> Vec<Application> {
        let file = self.arg("copia.jsonl");
        self.ok(&["export", &file]);
        std::fs::read_to_string(&file)
            .unwrap()
            .lines()
            .filter_map(|line| {
                let value: serde_json::Value = serde_json::from_str(line).unwrap();
                value.get("application").cloned()
            })
            .map(|app| serde_json::from_value(app).expect("an application line"))
            .collect()
    }

    /// The day version 1 was published, as `ranking versions` writes it (gg/mm/aaaa).
    fn published_on(&self) -> String {
        let listed = self.ok(&["ranking", "versions"]);
        let line = listed
            .lines()
            .find(|l| l.starts_with("n. 1 "))
            .unwrap_or_else(|| panic!("{listed}"));
        line.split_whitespace()
            .nth(3)
            .unwrap_or_else(|| panic!("{line}"))
            .to_string()
    }
}

/// A public row: protocol, position, score, outcome.
struct PublicRow {
    protocol: String,
    position: String,
    score: String,
    outcome: String,
}

/// The rows of a public list, checking that each has exactly the four fields.
fn public_rows(csv: &str) -> Vec<PublicRow> {
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("protocollo;posizione;punteggio;esito"));
    lines
        .map(|line| {
            assert!(
                !line.contains('"'),
                "nothing to quote in a public row: {line}"
            );
            let fields: Vec<&str> = line.split(';').collect();
            assert_eq!(fields.len(), 4, "{line}");
            PublicRow {
                protocol: fields[0].to_string(),
                position: fields[1].to_string(),
                score: fields[2].to_string(),
                outcome: fields[3].to_string(),
            }
        })
        .collect()
}

/// A score as the lists write it (`12`, `12,5`), in hundredths.
fn hundredths(score: &str) -> i64 {
    alloggi::domain::points::Points::parse(score)
        .unwrap_or_else(|e| panic!("{score}: {e}"))
        .0
}

#[test]
fn the_demo_publishes_version_1_and_its_public_lists_name_nobody() {
    let office = Office::demo();
    let listed = office.ok(&["ranking", "versions"]);
    let first = listed.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("n. 1 ") && first.contains("provvisoria"),
        "{listed}"
    );
    assert_eq!(listed.lines().count(), 1, "{listed}");

    let out = office.ok(&[
        "ranking",
        "export",
        "--version",
        "1",
        "--public",
        &office.arg("pub.csv"),
        "--internal",
        &office.arg("int.csv"),
        "--albo",
        &office.arg("albo.txt"),
    ]);
    assert_eq!(out.lines().count(), 3, "{out}");
    let public = std::fs::read_to_string(office.path("pub.csv")).unwrap();
    let internal = std::fs::read_to_string(office.path("int.csv")).unwrap();
    let albo = std::fs::read_to_string(office.path("albo.txt")).unwrap();

    // Four fields, nothing else; the admitted first, at 1..=n with scores not increasing;
    // the excluded after them, without position or score.
    let rows = public_rows(&public);
    let admitted: Vec<&PublicRow> = rows.iter().filter(|r| r.outcome == "ammessa").collect();
    let excluded: Vec<&PublicRow> = rows.iter().filter(|r| r.outcome == "esclusa").collect();
    assert_eq!(
        admitted.len() + excluded.len(),
        rows.len(),
        "only two outcomes"
    );
    assert!(!admitted.is_empty() && !excluded.is_empty());
    assert!(
        rows[..admitted.len()]
            .iter()
            .all(|r| r.outcome == "ammessa"),
        "the admitted come first"
    );
    let positions: Vec<String> = admitted.iter().map(|r| r.position.clone()).collect();
    let expected: Vec<String> = (1..=admitted.len()).map(|n| n.to_string()).collect();
    assert_eq!(positions, expected);
    let scores: Vec<i64> = admitted.iter().map(|r| hundredths(&r.score)).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    for row in &excluded {
        assert_eq!((row.position.as_str(), row.score.as_str()), ("", ""));
    }
    let in_listing = format!("{} ammesse, {} escluse", admitted.len(), excluded.len());
    assert!(listed.contains(&in_listing), "{listed}\n{in_listing}");

    // The people of every application, from the database itself.
    let applications = office.applications();
    // The active call's: the demo's previous call has a ranking of its own.
    let call = &applications
        .iter()
        .find(|a| a.protocol.as_ref().map(|p| p.text.as_str()) == Some(rows[0].protocol.as_str()))
        .expect("the first row's application")
        .call;
    let ranked: Vec<&Application> = applications
        .iter()
        .filter(|a| &a.call == call && matches!(a.state, State::Ammessa | State::Esclusa))
        .collect();
    assert_eq!(ranked.len(), rows.len());
    let protocols: BTreeSet<&str> = rows.iter().map(|r| r.protocol.as_str()).collect();
    for app in &ranked {
        let protocol = app.protocol.as_ref().expect("protocolled").text.as_str();
        assert!(protocols.contains(protocol), "{protocol} not in the list");
    }
    let mut words = BTreeSet::new();
    let mut codes = BTreeSet::new();
    for app in &applications {
        for member in app.household.members() {
            words.insert(member.surname.clone());
            words.insert(member.name.clone());
            codes.insert(member.fiscal_code.as_str().to_string());
        }
    }
    assert!(codes.len() > 100, "{} people", codes.len());

    // No name as a field of the public list, no fiscal code anywhere in it.
    for row in &rows {
        for field in [&row.protocol, &row.position, &row.score, &row.outcome] {
            assert!(!words.contains(field), "name {field} in the public list");
        }
    }
    // Nor in the notice-board text: no name as a word or phrase, no fiscal code.
    let albo_words: BTreeSet<&str> = albo
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '.' | ':' | ';' | '(' | ')'))
        .filter(|w| !w.is_empty())
        .collect();
    for word in &words {
        if word.contains(' ') {
            assert!(!albo.contains(word.as_str()), "name {word} in the albo");
        } else {
            assert!(
                !albo_words.contains(word.as_str()),
                "name {word} in the albo"
            );
        }
    }
    for code in &codes {
        assert!(!public.contains(code.as_str()), "{code} in the public list");
        assert!(!albo.contains(code.as_str()), "{code} in the albo");
    }
    // The notice board lists the same protocols, and says why nothing else is there.
    for row in &rows {
        assert!(
            albo.contains(&row.protocol),
            "{} not in the albo",
            row.protocol
        );
    }
    assert!(albo.contains("GRADUATORIA PROVVISORIA N. 1"), "{albo}");
    assert!(albo.contains("art. 26"), "{albo}");

    // The office's list has the names and the fiscal codes.
    assert!(
        internal.starts_with("posizione;protocollo;richiedente;codice_fiscale;esito;"),
        "{internal}"
    );
    assert_eq!(internal.lines().count(), public.lines().count());
    for app in &ranked {
        assert!(
            internal.contains(app.applicant_fiscal_code()),
            "{} missing from the office's list",
            app.applicant_fiscal_code()
        );
        assert!(
            internal.contains(&app.applicant_name()),
            "{} missing from the office's list",
            app.applicant_name()
        );
    }
}

#[test]
fn the_demo_draw_repeats_and_what_cannot_be_done_is_refused_in_italian() {
    let office = Office::demo();
    let out = office.ok(&["ranking", "draw", "--version", "1"]);
    assert!(
        out.contains("ripetuto con il seme") || out.contains("non ha richiesto sorteggi"),
        "{out}"
    );
    if out.contains("ripetuto") {
        assert!(out.contains("stesso esito"), "{out}");
    }

    let err = office.fails(&[
        "ranking",
        "export",
        "--version",
        "9",
        "--public",
        &office.arg("nove.csv"),
    ]);
    assert!(err.contains("non ha la graduatoria n. 9"), "{err}");
    assert!(!office.path("nove.csv").exists());
    let err = office.fails(&["ranking", "export", "--version", "1"]);
    assert!(err.contains("indicare almeno un file"), "{err}");
    let err = office.fails(&["ranking", "draw", "--version", "9"]);
    assert!(err.contains("non ha la graduatoria n. 9"), "{err}");

    // The demo's window is open and two of its objections wait for a decision.
    let err = office.fails(&[
        "ranking",
        "publish",
        "--definitiva",
        "--comune",
        &fixture_arg("comune.toml"),
    ]);
    assert!(
        err.contains("il termine per le opposizioni scade il")
            || err.contains("opposizioni ancora da decidere"),
        "{err}"
    );
    let listed = office.ok(&["ranking", "versions"]);
    assert_eq!(listed.lines().count(), 1, "{listed}");
}

#[test]
fn a_ranking_whose_messages_do_not_compose_is_refused_whole_from_the_command_line() {
    let office = Office::demo();
    let comune = std::fs::read_to_string(fixture("comune.toml"))
        .unwrap()
        .replace(
            "comune = \"Fermo\"",
            &format!("comune = \"{}\"", "F".repeat(20_000)),
        );
    std::fs::write(office.path("lungo.toml"), comune).unwrap();
    let queued_before = office.ok(&["outbox", "list"]);

    let err = office.fails(&[
        "ranking",
        "publish",
        "--provvisoria",
        "--comune",
        &office.arg("lungo.toml"),
    ]);

    assert!(err.contains("nulla è stato pubblicato"), "{err}");
    let listed = err.lines().filter(|l| l.contains("  domanda ")).count();
    assert!((1..=100).contains(&listed), "{listed} righe\n{err}");
    let versions = office.ok(&["ranking", "versions"]);
    assert_eq!(versions.lines().count(), 1, "{versions}");
    assert_eq!(office.ok(&["outbox", "list"]), queued_before);
    office.ok(&["check"]);
}

#[test]
fn bad_point_tables_are_reported_with_file_and_line() {
    let office = Office::new();
    office.ok(&["call", "load", &fixture_arg("bando-2024.toml")]);
    let out = office.ok(&[
        "ranking",
        "rules",
        &fixture_arg("rules/esempio-marche.toml"),
        "--controlla",
    ]);
    assert!(out.contains("Tabella valida"), "{out}");
    assert!(out.contains("ESEMPIO"), "{out}");

    let bad = office.path("sovrapposte.toml");
    let text = "\
nome = \"Prova\"
spareggio = [\"isee_minore\"]

[[criterio]]
codice = \"isee\"
descrizione = \"ISEE del nucleo\"
blocco = \"soggettivo\"
tipo = \"fasce\"
misura = \"isee\"
fasce = [
  { a = \"3.500,00\", punti = 5 },
  { da = \"3.000,00\", a = \"5.500,00\", punti = 4 },
]
";
    std::fs::write(&bad, text).unwrap();
    let line = 1 + text.lines().position(|l| l.contains("3.000,00")).unwrap();
    let at = format!("{}:{line}: ", bad.display());
    for args in [vec!["--controlla"], vec![]] {
        let mut command = vec!["ranking", "rules", bad.to_str().unwrap()];
        command.extend(args);
        let err = office.fails(&command);
        assert!(err.contains(&at), "expected «{at}…»:\n{err}");
        assert!(err.contains("sovrapposta"), "{err}");
    }
    // Nothing was loaded: the live order still has no table.
    let err = office.fails(&["ranking", "show"]);
    assert!(err.contains("tabella dei punteggi"), "{err}");
}

#[test]
fn an_objection_its_decision_and_an_adjustment_go_through_from_the_command_line() {
    let office = Office::demo();
    let before = office.public_list("prima.csv");
    let rows = public_rows(&before);
    // The first of the list: the demo's objections come from further down.
    let protocol = rows[0].protocol.clone();
    assert_eq!(rows[0].outcome, "ammessa");
    let day = office.published_on();

    let out = office.ok(&[
        "ranking",
        "objection",
        "--protocollo",
        &protocol,
        "--data",
        &day,
        "--testo",
        "Chiede il riesame degli anni di residenza",
    ]);
    assert!(out.contains("Opposizione registrata"), "{out}");
    let err = office.fails(&[
        "ranking",
        "objection",
        "--protocollo",
        &protocol,
        "--data",
        &day,
        "--testo",
        "Di nuovo",
    ]);
    assert!(err.contains("già un'opposizione da decidere"), "{err}");
    let err = office.fails(&[
        "ranking",
        "objection",
        "--protocollo",
        "2024/999999",
        "--data",
        &day,
        "--testo",
        "Nessuno",
    ]);
    assert!(err.contains("nessuna domanda con protocollo"), "{err}");

    let err = office.fails(&[
        "ranking",
        "decide",
        "--protocollo",
        &protocol,
        "--accolta",
        "--motivo",
        " ",
    ]);
    assert!(err.contains("motivazione"), "{err}");
    let out = office.ok(&[
        "ranking",
        "decide",
        "--protocollo",
        &protocol,
        "--accolta",
        "--motivo",
        "certificato anagrafico",
    ]);
    assert!(out.contains("accolta"), "{out}");
    let err = office.fails(&[
        "ranking",
        "decide",
        "--protocollo",
        &protocol,
        "--respinta",
        "--motivo",
        "ripensamento",
    ]);
    assert!(err.contains("non ha opposizioni da decidere"), "{err}");

    let err = office.fails(&[
        "ranking",
        "adjust",
        "--protocollo",
        &protocol,
        "--criterio",
        "inesistente",
        "--punti",
        "1",
        "--motivo",
        "prova",
    ]);
    assert!(err.contains("non è nella tabella"), "{err}");
    let err = office.fails(&[
        "ranking",
        "adjust",
        "--protocollo",
        &protocol,
        "--criterio",
        "residenza",
        "--punti",
        "0,5",
        "--motivo",
        "",
    ]);
    assert!(err.contains("motivazione"), "{err}");
    let out = office.ok(&[
        "ranking",
        "adjust",
        "--protocollo",
        &protocol,
        "--criterio",
        "residenza",
        "--punti",
        "0,5",
        "--motivo",
        "opposizione accolta: residenza dal 2024",
    ]);
    assert!(out.contains("rettificato"), "{out}");

    // The published version is as it was.
    assert_eq!(office.public_list("dopo.csv"), before);

    // And the database says who did what, under the application.
    let store = common::open(&office.path("db"));
    let app = store
        .application_by_protocol(&protocol)
        .unwrap()
        .expect("the application");
    assert_eq!(app.objections.len(), 1);
    let decision = app.objections[0].decision.as_ref().expect("decided");
    assert!(decision.accepted);
    assert_eq!(decision.reason, "certificato anagrafico");
    assert_eq!(decision.by, common::system_user());
    let adjusted = &app.score_overrides["residenza"];
    assert_eq!(adjusted.points.0, 50);
    assert_eq!(adjusted.reason, "opposizione accolta: residenza dal 2024");
    let kinds: Vec<&str> = store
        .application_events(app.id)
        .unwrap()
        .iter()
        .map(|(_, e)| e.kind_name())
        .filter(|k| k.starts_with("opposizione") || k.starts_with("punteggio"))
        .collect();
    assert_eq!(
        kinds,
        [
            "opposizione_ricevuta",
            "opposizione_decisa",
            "punteggio_rettificato"
        ]
    );
    // The demo's call is dated for the day it is made: its code follows the year.
    let code = store.active_call().unwrap().unwrap().code;
    let live = store
        .live_ranking(&code, alloggi::domain::ranking::Lot::Pending)
        .unwrap();
    let row = live
        .rows
        .iter()
        .find(|r| r.protocol == protocol)
        .expect("still ranked");
    assert!(
        row.criteria
            .iter()
            .any(|(c, p)| c == "residenza" && p.0 == 50),
        "{row:?}"
    );
    let report = store.check().unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
}

#[test]
fn a_chain_that_leaves_ties_to_the_lot_gives_a_draw_that_replays_from_the_command_line() {
    let office = Office::demo();
    let first = office.public_list("v1-prima.csv");

    // The example table with an empty chain: every equal total is drawn by lot.
    let example = std::fs::read_to_string(fixture("rules/esempio-marche.toml")).unwrap();
    assert!(
        example.contains("\nspareggio = "),
        "the example sets its chain"
    );
    let table: String = example
        .lines()
        .map(|l| {
            if l.starts_with("spareggio = ") {
                "spareggio = []"
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(office.path("sorteggio.toml"), table).unwrap();
    let out = office.ok(&["ranking", "rules", &office.arg("sorteggio.toml")]);
    assert!(out.contains("spareggio sorteggio"), "{out}");

    let out = office.ok(&[
        "ranking",
        "publish",
        "--provvisoria",
        "--seme",
        "42",
        "--comune",
        &fixture_arg("comune.toml"),
    ]);
    assert!(
        out.contains("Pubblicata la graduatoria provvisoria n. 2"),
        "{out}"
    );
    assert!(out.contains("seme 42"), "{out}");

    let out = office.ok(&["ranking", "draw", "--version", "2"]);
    assert!(
        out.contains("graduatoria provvisoria n. 2 ripetuto con il seme 42: stesso esito"),
        "{out}"
    );
    let listed = office.ok(&["ranking", "versions"]);
    assert_eq!(listed.lines().count(), 2, "{listed}");
    assert!(
        listed.lines().nth(1).unwrap().contains("sorteggio seme 42"),
        "{listed}"
    );

    // Version 2's public list still has only the four fields; version 1's is as it was.
    let second = office.public_list_of(2, "v2.csv");
    assert!(!public_rows(&second).is_empty());
    assert_eq!(office.public_list("v1-dopo.csv"), first);
}

#[test]
fn a_condition_recognised_from_the_command_line_shows_the_change_of_score_and_place() {
    use alloggi::domain::household::Condition;
    use alloggi::domain::verification::CheckItem;

    let office = Office::demo();
    let app = office
        .applications()
        .into_iter()
        .find(|a| a.state == State::Ammessa && !a.declaration.has(Condition::AlloggioAntigienico))
        .expect("an admitted application without an unhealthy home");
    let protocol = app.protocol.as_ref().expect("registered").text.clone();
    let adjust = |extra: &[&str]| {
        let mut args = vec!["ranking", "adjust", "--protocollo", protocol.as_str()];
        args.extend_from_slice(extra);
        args.iter().map(|a| a.to_string()).collect::<Vec<String>>()
    };
    let run = |args: Vec<String>| office.ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let refused =
        |args: Vec<String>| office.fails(&args.iter().map(String::as_str).collect::<Vec<_>>());

    let out = run(adjust(&[
        "--condizione",
        "alloggio_antigienico",
        "--motivo",
        "sopralluogo ASL",
    ]));
    assert!(
        out.contains("rettificato: totale") && out.contains("posizione"),
        "{out}"
    );
    let err = refused(adjust(&[
        "--condizione",
        "alloggio_antigienico",
        "--motivo",
        "di nuovo",
    ]));
    assert!(err.contains("già riconosciuta"), "{err}");
    let err = refused(adjust(&["--condizione", "castello", "--motivo", "prova"]));
    assert!(err.contains("sconosciuta"), "{err}");
    let out = run(adjust(&[
        "--condizione",
        "alloggio_antigienico",
        "--non-riconosciuta",
        "--motivo",
        "verbale annullato",
    ]));
    assert!(out.contains("rettificato"), "{out}");

    let after = office
        .applications()
        .into_iter()
        .find(|a| a.id == app.id)
        .expect("the application");
    assert!(after.declaration.has(Condition::AlloggioAntigienico));
    let finding = &after.verifications[&CheckItem::Condizione(Condition::AlloggioAntigienico)];
    assert!(!finding.verified);
    assert_eq!(finding.note, "verbale annullato");
}

#[test]
fn an_adjustment_from_the_command_line_says_when_a_cap_absorbed_part_of_it() {
    let office = Office::demo();
    let app = office
        .applications()
        .into_iter()
        .find(|a| a.state == State::Ammessa)
        .expect("an admitted application");
    let protocol = app.protocol.as_ref().expect("registered").text.clone();
    // 50 points on ISEE alone take the subjective block past its cap of 15.
    let out = office.ok(&[
        "ranking",
        "adjust",
        "--protocollo",
        &protocol,
        "--criterio",
        "isee",
        "--punti",
        "50",
        "--motivo",
        "opposizione accolta: ISEE ricalcolato",
    ]);
    assert!(out.contains("rettificato: totale"), "{out}");
    assert!(out.contains("Tetto soggettive 15:"), "{out}");
    assert!(out.contains("assorbiti dal tetto"), "{out}");
}
