//! The point-table loader: the shipped example, every refused file with its exact line, and
//! properties of bands and points.

use std::path::{Path, PathBuf};

use alloggi::domain::household::Condition;
use alloggi::domain::points::Points;
use alloggi::domain::ruleset::{Band, Block, HouseholdPredicate, Measure, Rule, Ruleset, TieBreak};
use alloggi::files::ruleset_toml::{self as rules_file, RulesFileError};
use proptest::prelude::*;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules/esempio-marche.toml")
}

fn ok(text: &str) -> Ruleset {
    match rules_file::parse("prova.toml", text) {
        Ok(ruleset) => ruleset,
        Err(e) => panic!("refused: {e}\n{text}"),
    }
}

fn refused(text: &str) -> RulesFileError {
    match rules_file::parse("prova.toml", text) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e,
    }
}

/// Asserts the line and that the reason mentions every fragment.
#[track_caller]
fn assert_refused(text: &str, line: usize, fragments: &[&str]) {
    let e = refused(text);
    assert_eq!(e.file, "prova.toml");
    assert_eq!(e.line, line, "wrong line for: {e}");
    for fragment in fragments {
        assert!(
            e.reason.contains(fragment),
            "reason {:?} does not mention {fragment:?}",
            e.reason
        );
    }
}

fn points(text: &str) -> Points {
    Points::parse(text).unwrap_or_else(|e| panic!("{e}"))
}

// ---------------------------------------------------------------------------------------------
// The shipped example.

#[test]
fn the_example_table_loads_as_domain_section_4_states() {
    let table = rules_file::load(&fixture()).unwrap_or_else(|e| panic!("{e}"));
    assert!(table.example, "the shipped table must say it is an example");
    assert!(table.name.contains("Esempio"));
    assert_eq!(table.caps.get(&Block::Soggettivo), Some(&Points::whole(15)));
    assert_eq!(table.caps.get(&Block::Oggettivo), Some(&Points::whole(11)));
    assert_eq!(table.tie_breaks, TieBreak::DEFAULT_CHAIN.to_vec());

    let rule = |id: &str| {
        table
            .criterion(id)
            .unwrap_or_else(|| panic!("missing criterion {id}"))
    };

    let isee = rule("isee");
    assert_eq!(isee.block, Block::Soggettivo);
    let Rule::Fasce { measure, bands } = &isee.rule else {
        panic!("isee is not bands: {:?}", isee.rule)
    };
    assert_eq!(*measure, Measure::Isee);
    let band = |from: Option<i64>, to: i64, p: i64| Band {
        from,
        to: Some(to),
        points: Points::whole(p),
    };
    assert_eq!(
        bands,
        &vec![
            band(None, 350_000, 5),
            band(Some(350_001), 550_000, 4),
            band(Some(550_001), 750_000, 3),
            band(Some(750_001), 950_000, 2),
        ]
    );
    // Inclusive at the upper bound: ISEE 3.500,00 € scores 5.
    assert!(bands[0].contains(350_000) && !bands[1].contains(350_000));

    let residence = rule("residenza");
    assert_eq!(residence.block, Block::Soggettivo);
    assert_eq!(
        residence.rule,
        Rule::PerUnita {
            measure: Measure::AnniResidenza,
            per_unit: Points(50),
            cap: Points::whole(8),
        }
    );

    let nucleo = |id: &str, predicate: HouseholdPredicate, p: i64, group: Option<&str>| {
        let c = rule(id);
        assert_eq!(c.block, Block::Soggettivo, "{id}");
        assert_eq!(c.group.as_deref(), group, "{id}");
        assert_eq!(
            c.rule,
            Rule::Nucleo {
                predicate,
                points: Points::whole(p)
            },
            "{id}"
        );
    };
    nucleo(
        "anziani_65",
        HouseholdPredicate::TuttiAlmeno { age: 65 },
        3,
        Some("anziani"),
    );
    nucleo(
        "anziano_75",
        HouseholdPredicate::AlmenoUnoAlmeno { age: 75 },
        4,
        Some("anziani"),
    );
    nucleo(
        "giovani_35",
        HouseholdPredicate::TuttiAlPiu { age: 35 },
        1,
        None,
    );
    for (id, min, max, p) in [
        ("genitore_solo_1", 1, Some(1), 2),
        ("genitore_solo_2", 2, Some(2), 3),
        ("genitore_solo_3", 3, None, 4),
    ] {
        nucleo(id, HouseholdPredicate::GenitoreSolo { min, max }, p, None);
    }
    nucleo(
        "nucleo_numeroso",
        HouseholdPredicate::ComponentiAlmeno { members: 5 },
        1,
        None,
    );

    for (id, min_pct, max_pct, accompaniment, p) in [
        ("invalidita_67_99", 67, 99, None, 2),
        ("invalidita_100", 100, 100, None, 3),
        ("invalidita_100_accompagnamento", 100, 100, Some(true), 4),
    ] {
        let c = rule(id);
        assert_eq!(c.block, Block::Soggettivo, "{id}");
        assert_eq!(c.group.as_deref(), Some("invalidita"), "{id}");
        assert_eq!(
            c.rule,
            Rule::Invalidita {
                min_pct,
                max_pct,
                accompaniment,
                points: Points::whole(p)
            },
            "{id}"
        );
    }

    use Condition::*;
    for (id, any_of, p, group) in [
        (
            "alloggio_improprio",
            vec![AlloggioImproprio, SistemazionePrecaria],
            4,
            None,
        ),
        ("ordine_rilascio", vec![OrdineRilascio], 3, None),
        ("alloggio_antigienico", vec![AlloggioAntigienico], 2, None),
        ("alloggio_inadeguato", vec![AlloggioInadeguato], 2, None),
        (
            "coabitazione_parenti",
            vec![CoabitazioneParenti],
            1,
            Some("coabitazione"),
        ),
        (
            "coabitazione_non_parenti",
            vec![CoabitazioneNonParenti],
            2,
            Some("coabitazione"),
        ),
    ] {
        let c = rule(id);
        assert_eq!(c.block, Block::Oggettivo, "{id}");
        assert_eq!(c.group.as_deref(), group, "{id}");
        assert_eq!(
            c.rule,
            Rule::Condizione {
                any_of,
                points: Points::whole(p)
            },
            "{id}"
        );
    }

    // Nothing else: 12 subjective and 6 objective criteria.
    assert_eq!(table.criteria.len(), 18);
    let subjective = table
        .criteria
        .iter()
        .filter(|c| c.block == Block::Soggettivo)
        .count();
    assert_eq!(subjective, 12);
    assert_eq!(table.validate(), Ok(()));
}

#[test]
fn the_embedded_example_is_the_file() {
    let embedded = rules_file::esempio_marche().unwrap_or_else(|e| panic!("{e}"));
    let loaded = rules_file::load(&fixture()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(embedded, loaded);
}

// ---------------------------------------------------------------------------------------------
// The format, accepted.

#[test]
fn points_bounds_and_keys_in_every_accepted_spelling() {
    let table = ok(r#"nome = "Prova"
spareggio = ["protocollo", "isee_minore", "sorteggio"]

[tetti]
soggettivo = "12,5"

[[criterio]]
codice = "isee_pct"
descrizione = "ISEE in percentuale del limite"
blocco = "soggettivo"
tipo = "fasce"
misura = "isee_percento_limite"
fasce = [
  { a = 50, punti = 0.5 },
  { da = "50,01", a = 75.5, punti = "1,25" },
  { da = 75.51, punti = 1 },
]

[[criterio]]
codice = "isee_euro"
descrizione = "ISEE in euro interi"
blocco = "soggettivo"
tipo = "fasce"
misura = "isee"

[[criterio.fasce]]
a = 3500
punti = 2

[[criterio.fasce]]
da = "3.500,01"
punti = 1

[[criterio]]
codice = "figli"
descrizione = "Per ogni minore"
blocco = "soggettivo"
tipo = "per_unita"
misura = "minori"
punti_per_unita = 0.25
tetto = "1,5"

[[criterio]]
codice = "genitore"
descrizione = "Genitore solo"
blocco = "soggettivo"
tipo = "nucleo"
predicato = "genitore_solo"
minori_min = 1
punti = 2

[[criterio]]
codice = "invalido"
descrizione = "Invalidità senza accompagnamento"
blocco = "soggettivo"
tipo = "invalidita"
percentuale_min = 100
percentuale_max = 100
accompagnamento = false
punti = 3
"#);
    assert!(!table.example);
    assert_eq!(
        table.tie_breaks,
        vec![TieBreak::Protocollo, TieBreak::IseeMinore]
    );
    assert_eq!(table.caps.get(&Block::Soggettivo), Some(&Points(1250)));
    assert_eq!(table.caps.get(&Block::Oggettivo), None);
    assert_eq!(
        table.criteria[0].rule,
        Rule::Fasce {
            measure: Measure::IseePercentoLimite,
            bands: vec![
                Band {
                    from: None,
                    to: Some(5000),
                    points: Points(50)
                },
                Band {
                    from: Some(5001),
                    to: Some(7550),
                    points: Points(125)
                },
                Band {
                    from: Some(7551),
                    to: None,
                    points: Points(100)
                },
            ],
        }
    );
    assert_eq!(
        table.criteria[1].rule,
        Rule::Fasce {
            measure: Measure::Isee,
            bands: vec![
                Band {
                    from: None,
                    to: Some(350_000),
                    points: Points(200)
                },
                Band {
                    from: Some(350_001),
                    to: None,
                    points: Points(100)
                },
            ],
        }
    );
    assert_eq!(
        table.criteria[2].rule,
        Rule::PerUnita {
            measure: Measure::Minori,
            per_unit: Points(25),
            cap: Points(150)
        }
    );
    assert_eq!(
        table.criteria[3].rule,
        Rule::Nucleo {
            predicate: HouseholdPredicate::GenitoreSolo { min: 1, max: None },
            points: Points(200)
        }
    );
    assert_eq!(
        table.criteria[4].rule,
        Rule::Invalidita {
            min_pct: 100,
            max_pct: 100,
            accompaniment: Some(false),
            points: Points(300)
        }
    );
}

#[test]
fn the_lot_alone_leaves_an_empty_chain() {
    let table = ok(r#"nome = "Prova"
spareggio = ["sorteggio"]

[[criterio]]
codice = "a"
descrizione = "A"
blocco = "oggettivo"
tipo = "condizione"
condizioni = ["alloggio_antigienico"]
punti = 2
"#);
    assert!(table.tie_breaks.is_empty());
}

#[test]
fn an_error_shows_as_file_line_reason() {
    let e = refused("nome = \"Prova\"\n\n[[criterio]]\ncodice = \"a\"\n");
    assert_eq!(e.to_string(), format!("prova.toml:3: {}", e.reason));
}

// ---------------------------------------------------------------------------------------------
// The required error cases, each at its exact line.

#[test]
fn unknown_condition_at_its_entry() {
    assert_refused(
        r#"nome = "Prova"

[[criterio]]
codice = "a"
descrizione = "A"
blocco = "oggettivo"
tipo = "condizione"
condizioni = [
  "alloggio_improprio",
  "alloggio_di_lusso",
]
punti = 2
"#,
        10,
        &["alloggio_di_lusso", "sconosciuta"],
    );
}

#[test]
fn overlapping_bands_at_the_second_band() {
    assert_refused(
        r#"nome = "Prova"

[[criterio]]
codice = "isee"
descrizione = "ISEE"
blocco = "soggettivo"
tipo = "fasce"
misura = "isee"
fasce = [
  { a = "3.500,00", punti = 5 },
  { da = "5.000,00", a = "7.000,00", punti = 3 },
  { da = "3.500,00", a = "5.500,00", punti = 4 },
]
"#,
        12,
        &["sovrapposta", "fascia 1"],
    );
}

#[test]
fn overlapping_bands_written_as_tables_at_their_header() {
    assert_refused(
        r#"nome = "Prova"

[[criterio]]
codice = "anni"
descrizione = "Anni"
blocco = "soggettivo"
tipo = "fasce"
misura = "anni_residenza"

[[criterio.fasce]]
da = 5
punti = 2

[[criterio.fasce]]
da = 1
a = 5
punti = 1
"#,
        14,
        &["sovrapposta"],
    );
}

#[test]
fn empty_band_at_its_line() {
    assert_refused(
        r#"nome = "Prova"

[[criterio]]
codice = "anni"
descrizione = "Anni"
blocco = "soggettivo"
tipo = "fasce"
misura = "anni_residenza"
fasce = [
  { da = 1, a = 4, punti = 1 },
  { da = 9, a = 5, punti = 2 },
]
"#,
        11,
        &["fascia vuota"],
    );
}

#[test]
fn negative_points_at_their_key() {
    let criterion = |punti: &str| {
        format!(
            "nome = \"Prova\"\n\n[[criterio]]\ncodice = \"a\"\ndescrizione = \"A\"\n\
             blocco = \"oggettivo\"\ntipo = \"condizione\"\n\
             condizioni = [\"alloggio_antigienico\"]\npunti = {punti}\n"
        )
    };
    assert_refused(&criterion("-1"), 9, &["negativ"]);
    assert_refused(&criterion("\"-0,5\""), 9, &["negativ"]);
    assert_refused(&criterion("-0.5"), 9, &["negativ"]);
    // In a band too.
    assert_refused(
        r#"nome = "Prova"

[[criterio]]
codice = "anni"
descrizione = "Anni"
blocco = "soggettivo"
tipo = "fasce"
misura = "anni_residenza"
fasce = [
  { a = 4, punti = 1 },
  { da = 5, punti = -2 },
]
"#,
        11,
        &["negativ"],
    );
}

#[test]
fn per_unit_without_cap_at_the_criterion() {
    assert_refused(
        r#"nome = "Prova"

# residenza
[[criterio]]
codice = "residenza"
descrizione = "Residenza"
blocco = "soggettivo"
tipo = "per_unita"
misura = "anni_residenza"
punti_per_unita = "0,5"
"#,
        4,
        &["manca il tetto"],
    );
    assert_refused(
        r#"nome = "Prova"

[[criterio]]
codice = "residenza"
descrizione = "Residenza"
blocco = "soggettivo"
tipo = "per_unita"
misura = "anni_residenza"
punti_per_unita = "0,5"
tetto = 0
"#,
        10,
        &["tetto"],
    );
}

#[test]
fn unknown_tipo_at_its_key() {
    assert_refused(
        r#"nome = "Prova"

[[criterio]]
codice = "a"
descrizione = "A"
blocco = "oggettivo"
tipo = "bonus"
punti = 2
"#,
        7,
        &["tipo 'bonus' sconosciuto", "condizione"],
    );
}

#[test]
fn unknown_misura_at_its_key() {
    assert_refused(
        r#"nome = "Prova"

[[criterio]]
codice = "a"
descrizione = "A"
blocco = "soggettivo"
tipo = "per_unita"
misura = "anni_lavoro"
punti_per_unita = 1
tetto = 3
"#,
        8,
        &["misura 'anni_lavoro' sconosciuta", "anni_residenza"],
    );
}

#[test]
fn unknown_predicato_at_its_key() {
    assert_refused(
        r#"nome = "Prova"

[[criterio]]
codice = "a"
descrizione = "A"
blocco = "soggettivo"
tipo = "nucleo"
predicato = "tutti_giovani"
eta = 30
punti = 1
"#,
        8,
        &["predicato 'tutti_giovani' sconosciuto", "tutti_al_piu"],
    );
}

const ONE_CRITERION: &str = r#"
[[criterio]]
codice = "a"
descrizione = "A"
blocco = "oggettivo"
tipo = "condizione"
condizioni = ["alloggio_antigienico"]
punti = 2
"#;

#[test]
fn unknown_tie_break_at_its_entry() {
    assert_refused(
        &format!(
            "nome = \"Prova\"\nspareggio = [\n  \"isee_minore\",\n  \"eta_maggiore\",\n]\n{ONE_CRITERION}"
        ),
        4,
        &["spareggio 'eta_maggiore' sconosciuto", "protocollo"],
    );
}

#[test]
fn lot_not_last_at_its_entry() {
    assert_refused(
        &format!(
            "nome = \"Prova\"\nspareggio = [\n  \"isee_minore\",\n  \"sorteggio\",\n  \"protocollo\",\n]\n{ONE_CRITERION}"
        ),
        4,
        &["sorteggio", "ultimo"],
    );
}

#[test]
fn repeated_tie_break_at_its_entry() {
    assert_refused(
        &format!(
            "nome = \"Prova\"\nspareggio = [\n  \"protocollo\",\n  \"protocollo\",\n]\n{ONE_CRITERION}"
        ),
        4,
        &["ripetuto"],
    );
}

#[test]
fn duplicate_code_at_the_second_criterion() {
    assert_refused(
        r#"nome = "Prova"

[[criterio]]
codice = "alloggio"
descrizione = "Antigienico"
blocco = "oggettivo"
tipo = "condizione"
condizioni = ["alloggio_antigienico"]
punti = 2

[[criterio]]
codice = "alloggio"
descrizione = "Inadeguato"
blocco = "oggettivo"
tipo = "condizione"
condizioni = ["alloggio_inadeguato"]
punti = 2
"#,
        11,
        &["'alloggio'", "ripetuto"],
    );
}

#[test]
fn group_across_blocks_at_the_second_criterion() {
    assert_refused(
        r#"nome = "Prova"

[[criterio]]
codice = "anziani"
descrizione = "Anziani"
blocco = "soggettivo"
gruppo = "misto"
tipo = "nucleo"
predicato = "tutti_almeno"
eta = 65
punti = 3

[[criterio]]
codice = "antigienico"
descrizione = "Antigienico"
blocco = "oggettivo"
gruppo = "misto"
tipo = "condizione"
condizioni = ["alloggio_antigienico"]
punti = 2
"#,
        13,
        &["'misto'", "blocchi diversi"],
    );
}

#[test]
fn toml_syntax_error_at_its_line() {
    assert_refused(
        "nome = \"Prova\"\n\n[[criterio]]\ncodice = \"a\ndescrizione = \"A\"\n",
        4,
        &["testo non chiuso"],
    );
    assert_refused(
        "nome = \"Prova\"\nesempio = true\nspareggio = [\"isee_minore\" \"protocollo\"]\n",
        3,
        &["virgola"],
    );
    assert_refused(
        "nome = \"Prova\"\nnome = \"Altra\"\n",
        2,
        &["chiave ripetuta"],
    );
}

#[test]
fn three_decimals_refused_at_their_key() {
    let criterion = |punti: &str| {
        format!(
            "nome = \"Prova\"\n\n[[criterio]]\ncodice = \"a\"\ndescrizione = \"A\"\n\
             blocco = \"oggettivo\"\ntipo = \"condizione\"\n\
             condizioni = [\"alloggio_antigienico\"]\npunti = {punti}\n"
        )
    };
    assert_refused(&criterion("\"0,125\""), 9, &["due decimali"]);
    assert_refused(&criterion("0.125"), 9, &["due decimali"]);
    assert_refused(&criterion("1.001"), 9, &["due decimali"]);
    // Two decimals, as float or text, are exact.
    for (text, hundredths) in [("0.1", 10), ("0.29", 29), ("\"2,75\"", 275), ("3", 300)] {
        let table = ok(&criterion(text));
        assert_eq!(
            table.criteria[0].rule,
            Rule::Condizione {
                any_of: vec![Condition::AlloggioAntigienico],
                points: Points(hundredths)
            }
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Further refusals.

#[test]
fn key_of_another_tipo_named_at_its_line() {
    assert_refused(
        r#"nome = "Prova"

[[criterio]]
codice = "a"
descrizione = "A"
blocco = "oggettivo"
tipo = "condizione"
condizioni = ["alloggio_antigienico"]
punti = 2
fasce = [ { a = 3, punti = 1 } ]
"#,
        10,
        &["'fasce'", "condizione"],
    );
    // A key of another predicate.
    assert_refused(
        r#"nome = "Prova"

[[criterio]]
codice = "a"
descrizione = "A"
blocco = "soggettivo"
tipo = "nucleo"
predicato = "tutti_almeno"
eta = 65
componenti = 3
punti = 1
"#,
        10,
        &["'componenti'", "tutti_almeno"],
    );
}

#[test]
fn unknown_keys_anywhere_named_at_their_line() {
    assert_refused(
        &format!("nome = \"Prova\"\nautore = \"io\"\n{ONE_CRITERION}"),
        2,
        &["'autore'", "sconosciuta"],
    );
    assert_refused(
        &format!("nome = \"Prova\"\n\n[tetti]\nsoggettivo = 15\ntotale = 20\n{ONE_CRITERION}"),
        5,
        &["'totale'"],
    );
    assert_refused(
        r#"nome = "Prova"

[[criterio]]
codice = "a"
descrizione = "A"
blocco = "oggettivo"
nota = "x"
tipo = "condizione"
condizioni = ["alloggio_antigienico"]
punti = 2
"#,
        7,
        &["'nota'"],
    );
    assert_refused(
        r#"nome = "Prova"

[[criterio]]
codice = "anni"
descrizione = "Anni"
blocco = "soggettivo"
tipo = "fasce"
misura = "anni_residenza"
fasce = [
  { a = 4, punti = 1 },
  { da = 5, fino = 9, punti = 2 },
]
"#,
        11,
        &["'fino'"],
    );
}

#[test]
fn missing_keys_at_the_criterion() {
    assert_refused(
        r#"nome = "Prova"

[[criterio]]
codice = "a"
descrizione = "A"
blocco = "oggettivo"
tipo = "condizione"
condizioni = ["alloggio_antigienico"]
"#,
        3,
        &["manca la chiave 'punti'"],
    );
    assert_refused(
        r#"nome = "Prova"

[[criterio]]
codice = "a"
blocco = "oggettivo"
tipo = "condizione"
condizioni = ["alloggio_antigienico"]
punti = 1
"#,
        3,
        &["manca la chiave 'descrizione'"],
    );
    assert_refused(
        "nome = \"Prova\"\n\n[[criterio]]\ncodice = \"a\"\ndescrizione = \"A\"\n\
         blocco = \"soggettivo\"\ntipo = \"fasce\"\nfasce = [ { punti = 1 } ]\n",
        3,
        &["manca la chiave 'misura'"],
    );
}

#[test]
fn issues_found_by_validate_at_the_criterion() {
    // Minimum above maximum: the domain check, placed on the criterion.
    assert_refused(
        r#"nome = "Prova"

[[criterio]]
codice = "a"
descrizione = "A"
blocco = "oggettivo"
tipo = "condizione"
condizioni = ["alloggio_antigienico"]
punti = 2

[[criterio]]
codice = "inv"
descrizione = "Invalidità"
blocco = "soggettivo"
tipo = "invalidita"
percentuale_min = 99
percentuale_max = 67
punti = 2
"#,
        11,
        &["invalidità"],
    );
    // A code with a space.
    assert_refused(
        &ONE_CRITERION
            .replace("codice = \"a\"", "codice = \"a b\"")
            .replacen('\n', "nome = \"Prova\"\n", 1),
        2,
        &["codice 'a b' non valido"],
    );
    assert_refused("nome = \"Prova\"\n", 1, &["nessun criterio"]);
    assert_refused(
        &format!("nome = \"  \"\n{ONE_CRITERION}"),
        1,
        &["manca il nome"],
    );
}

#[test]
fn wrong_values_at_their_key() {
    let base = |key: &str| {
        format!(
            "nome = \"Prova\"\n\n[[criterio]]\ncodice = \"a\"\ndescrizione = \"A\"\n\
             blocco = \"soggettivo\"\ntipo = \"invalidita\"\n{key}\npunti = 2\n"
        )
    };
    assert_refused(
        &base("percentuale_min = 150\npercentuale_max = 100"),
        8,
        &["percentuale_min", "1 e 100"],
    );
    assert_refused(
        &base("percentuale_min = 67\npercentuale_max = \"99\""),
        9,
        &["tipo sbagliato"],
    );
    assert_refused(
        &ONE_CRITERION
            .replace("oggettivo", "collettivo")
            .replacen('\n', "nome = \"Prova\"\n", 1),
        5,
        &["blocco 'collettivo' sconosciuto"],
    );
    assert_refused(
        &format!("nome = \"Prova\"\n\n[tetti]\nsoggettivo = 0\n{ONE_CRITERION}"),
        4,
        &["positivo"],
    );
    // A float is not an ISEE amount: money is written as text or whole euro.
    assert_refused(
        "nome = \"Prova\"\n\n[[criterio]]\ncodice = \"a\"\ndescrizione = \"A\"\n\
         blocco = \"soggettivo\"\ntipo = \"fasce\"\nmisura = \"isee\"\n\
         fasce = [\n  { a = 3500.5, punti = 1 },\n]\n",
        10,
        &["ISEE", "3.500,00"],
    );
    assert_refused(
        "nome = \"Prova\"\n\n[[criterio]]\ncodice = \"a\"\ndescrizione = \"A\"\n\
         blocco = \"soggettivo\"\ntipo = \"fasce\"\nmisura = \"isee\"\n\
         fasce = [\n  { a = \"3.500,001\", punti = 1 },\n]\n",
        10,
        &["decimali"],
    );
}

#[test]
fn an_unreadable_file_is_reported_at_line_0() {
    let missing = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules/non-esiste.toml");
    let e = rules_file::load(&missing).expect_err("no such file");
    assert_eq!(e.line, 0);
    assert!(e.reason.contains("non esiste"), "{}", e.reason);
    assert!(e.file.ends_with("non-esiste.toml"));
}

// ---------------------------------------------------------------------------------------------
// Properties.

/// A band as generated: bounds in whole years, points in hundredths.
type RawBand = (Option<i64>, Option<i64>, i64);

fn band_strategy() -> impl Strategy<Value = RawBand> {
    (
        proptest::option::of(0i64..40),
        proptest::option::of(0i64..40),
        0i64..1000,
    )
        .prop_map(|(a, b, p)| match (a, b) {
            (Some(a), Some(b)) => (Some(a.min(b)), Some(a.max(b)), p),
            other => (other.0, other.1, p),
        })
}

/// Independent of the loader: two inclusive ranges meet when the larger start is not after the
/// smaller end.
fn overlap(x: &RawBand, y: &RawBand) -> bool {
    let start = x.0.unwrap_or(i64::MIN).max(y.0.unwrap_or(i64::MIN));
    let end = x.1.unwrap_or(i64::MAX).min(y.1.unwrap_or(i64::MAX));
    start <= end
}

fn render_band(band: &RawBand, style: u8) -> String {
    // The same bound written as an integer, as text with a comma, or as a float.
    let bound = |key: &str, value: Option<i64>| match (value, style % 3) {
        (None, _) => String::new(),
        (Some(v), 0) => format!("{key} = {v}, "),
        (Some(v), 1) => format!("{key} = \"{v},00\", "),
        (Some(v), _) => format!("{key} = {v}.0, "),
    };
    format!(
        "  {{ {}{}punti = \"{},{:02}\" }},\n",
        bound("da", band.0),
        bound("a", band.1),
        band.2 / 100,
        band.2 % 100
    )
}

fn condition_with_points(punti: &str) -> String {
    format!(
        "nome = \"Prova\"\n\n[[criterio]]\ncodice = \"a\"\ndescrizione = \"A\"\n\
         blocco = \"oggettivo\"\ntipo = \"condizione\"\n\
         condizioni = [\"alloggio_antigienico\"]\npunti = {punti}\n"
    )
}

proptest! {
    #[test]
    fn bands_load_iff_none_overlap(
        bands in proptest::collection::vec(band_strategy(), 1..6),
        style in any::<u8>(),
    ) {
        let mut text = String::from(
            "nome = \"Prova\"\n\n[[criterio]]\ncodice = \"anni\"\ndescrizione = \"Anni\"\n\
             blocco = \"soggettivo\"\ntipo = \"fasce\"\nmisura = \"anni_residenza\"\nfasce = [\n",
        );
        for (i, band) in bands.iter().enumerate() {
            text.push_str(&render_band(band, style.wrapping_add(i as u8)));
        }
        text.push_str("]\n");
        let clash = (0..bands.len())
            .flat_map(|j| (0..j).map(move |i| (i, j)))
            .find(|&(i, j)| overlap(&bands[i], &bands[j]));
        match (rules_file::parse("prova.toml", &text), clash) {
            (Ok(table), None) => {
                let expected: Vec<Band> = bands
                    .iter()
                    .map(|b| Band {
                        from: b.0.map(|v| v * 100),
                        to: b.1.map(|v| v * 100),
                        points: Points(b.2),
                    })
                    .collect();
                prop_assert_eq!(
                    &table.criteria[0].rule,
                    &Rule::Fasce { measure: Measure::AnniResidenza, bands: expected }
                );
            }
            (Err(e), Some((_, second))) => {
                // The first clash is reported at the later band's line (bands start at line 10).
                prop_assert!(e.reason.contains("sovrapposta"), "{}", e);
                prop_assert_eq!(e.line, 10 + second);
            }
            (Ok(_), Some(pair)) => prop_assert!(false, "overlap {:?} accepted:\n{}", pair, text),
            (Err(e), None) => prop_assert!(false, "refused without overlap: {}\n{}", e, text),
        }
    }

    #[test]
    fn points_text_round_trips(hundredths in 0i64..=100_000) {
        let whole = hundredths / 100;
        let cents = hundredths % 100;
        for written in [
            format!("\"{whole},{cents:02}\""),
            format!("\"{whole}.{cents:02}\""),
            // As a TOML float too: no float arithmetic may creep in.
            format!("{whole}.{cents:02}"),
        ] {
            let table = rules_file::parse("prova.toml", &condition_with_points(&written))
                .map_err(|e| TestCaseError::fail(format!("{written}: {e}")))?;
            prop_assert_eq!(
                &table.criteria[0].rule,
                &Rule::Condizione {
                    any_of: vec![Condition::AlloggioAntigienico],
                    points: Points(hundredths),
                }
            );
        }
        prop_assert_eq!(Points(hundredths), points(&format!("{whole},{cents:02}")));
    }

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        let _ = rules_file::parse("prova.toml", &text);
    }

    #[test]
    fn a_damaged_example_never_panics(
        at in any::<prop::sample::Index>(),
        cut in 0usize..40,
        insert in "[\\[\\]{}=,\"'#a-z0-9. \n-]{0,12}",
    ) {
        let text = rules_file::ESEMPIO_MARCHE;
        let boundaries: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        let start = boundaries[at.index(boundaries.len())];
        let end = boundaries
            .iter()
            .copied()
            .find(|b| *b >= start + cut)
            .unwrap_or(text.len());
        let damaged = format!("{}{}{}", &text[..start], insert, &text[end..]);
        if let Err(e) = rules_file::parse("prova.toml", &damaged) {
            prop_assert!(e.line >= 1 && e.line <= damaged.lines().count() + 1, "{}", e);
        }
    }
}
