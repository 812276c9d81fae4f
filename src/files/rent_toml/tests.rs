use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;
use crate::domain::money::Money;
use crate::domain::rent::{BandFormula, LeaseTerms, Percent, RentBand, ZoneRates};
use crate::domain::time::format_date;

/// A small valid ruleset; the error tests change one line of it. Lines:
///  1 nome, 2 versione, 3 in_vigore_dal, 4 canone_minimo, 5 riduzione_una_persona,
///  7 [euro_mq], 8 bassa, 9 media, 10 alta,
/// 12 [[fasce]] 13 nome 14 isee_fino_a 15 quota_isee,
/// 17 [[fasce]] 18 nome 19 isee_fino_a 20 quota_canone_oggettivo,
/// 22 [[fasce]] 23 nome 24 quota_canone_oggettivo 25 decadenza,
/// 27 [contratto] 28 durata_anni, 30 [riscossione] 31 giorno_scadenza.
const BASE: &str = r#"nome = "Prova"
versione = "prova-2026"
in_vigore_dal = "01/10/2026"
canone_minimo = "40,00"
riduzione_una_persona = "10"

[euro_mq]
bassa = "4,00"
media = "4,80"
alta = "5,60"

[[fasce]]
nome = "protezione"
isee_fino_a = "7.620,00"
quota_isee = "15"

[[fasce]]
nome = "accesso"
isee_fino_a = "20.217,01"
quota_canone_oggettivo = "50"

[[fasce]]
nome = "decadenza"
quota_canone_oggettivo = "125"
decadenza = true

[contratto]
durata_anni = 3

[riscossione]
giorno_scadenza = 15
"#;

fn cents(c: u64) -> Money {
    Money::from_cents(c)
}

fn pct(bp: u32) -> Percent {
    Percent::from_basis_points(bp)
}

/// BASE with one piece of text replaced, which must be there.
fn with(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "{from}");
    BASE.replacen(from, to, 1)
}

/// The line and the reason of the error a text gives.
fn refused(text: &str) -> (usize, String) {
    let error = parse("canone.toml", text).expect_err("the text must be refused");
    assert_eq!(error.file, "canone.toml");
    assert_eq!(
        error.to_string(),
        format!("canone.toml:{}: {}", error.line, error.reason)
    );
    (error.line, error.reason)
}

#[test]
fn the_example_holds_the_exact_figures_of_the_domain() {
    let rules = esempio().expect("the example parses");
    let expected = RentRules {
        name: "Esempio — canone ERP (schema Emilia-Romagna, DAL 15/2015)".into(),
        version: "esempio-2026".into(),
        example: true,
        effective_from: NaiveDate::from_ymd_opt(2026, 10, 1).expect("a date"),
        rates: ZoneRates {
            bassa: cents(400),
            media: cents(480),
            alta: cents(560),
        },
        bands: vec![
            RentBand {
                name: "protezione".into(),
                isee_up_to: Some(cents(762_000)),
                formula: BandFormula::IseeShare(pct(1_500)),
                decadenza: false,
            },
            RentBand {
                name: "accesso".into(),
                isee_up_to: Some(cents(2_021_701)),
                formula: BandFormula::ObjectiveShare(pct(5_000)),
                decadenza: false,
            },
            RentBand {
                name: "permanenza".into(),
                isee_up_to: Some(cents(2_830_430)),
                formula: BandFormula::ObjectiveShare(pct(10_000)),
                decadenza: false,
            },
            RentBand {
                name: "decadenza".into(),
                isee_up_to: None,
                formula: BandFormula::ObjectiveShare(pct(12_500)),
                decadenza: true,
            },
        ],
        minimum: cents(4_000),
        single_person_reduction: Some(pct(1_000)),
        terms: LeaseTerms {
            duration_years: 3,
            renewal_years: 3,
            deposit_months: 3,
            due_day: 15,
            arrears_months: 3,
        },
    };
    assert_eq!(rules, expected);
}

#[test]
fn the_example_is_the_file_in_fixtures() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rent/esempio.toml");
    let loaded = load(&path).expect("the fixture loads");
    assert_eq!(Ok(loaded), esempio());
}

#[test]
fn omitted_terms_keep_the_defaults() {
    let text = with("[contratto]\ndurata_anni = 3\n", "")
        .replace("[riscossione]\ngiorno_scadenza = 15\n", "");
    let rules = parse("canone.toml", &text).expect("valid");
    assert_eq!(rules.terms, LeaseTerms::default());
    assert!(!rules.example, "esempio defaults to false");
    let text = with("durata_anni = 3", "durata_anni = 5\nmesi_deposito = 2");
    let terms = parse("canone.toml", &text).expect("valid").terms;
    assert_eq!((terms.duration_years, terms.deposit_months), (5, 2));
    assert_eq!(terms.renewal_years, 3);
}

#[test]
fn the_date_may_be_iso_text_too() {
    let text = with(r#""01/10/2026""#, r#""2026-10-01""#);
    let rules = parse("canone.toml", &text).expect("valid");
    assert_eq!(
        rules.effective_from,
        NaiveDate::from_ymd_opt(2026, 10, 1).expect("a date")
    );
}

#[test]
fn an_unknown_key_is_named_with_its_line() {
    assert_eq!(
        refused(&with("durata_anni = 3", "durata_ani = 3")),
        (
            28,
            "chiave 'durata_ani' sconosciuta (ammesse: durata_anni, rinnovo_anni, \
             mesi_deposito)"
                .into()
        )
    );
    let (line, reason) = refused(&with("riduzione_una_persona", "riduzione_single"));
    assert_eq!(line, 5);
    assert!(
        reason.starts_with("chiave 'riduzione_single' sconosciuta (ammesse: nome, versione"),
        "{reason}"
    );
    let (line, reason) = refused(&with("decadenza = true", "decadenze = true"));
    assert_eq!(line, 25);
    assert!(
        reason.starts_with("chiave 'decadenze' sconosciuta"),
        "{reason}"
    );
}

#[test]
fn bands_out_of_order_are_refused_at_the_limit() {
    assert_eq!(
        refused(&with("20.217,01", "7.000,00")),
        (
            19,
            "fascia «accesso», isee_fino_a: le fasce vanno in ordine di ISEE crescente".into()
        )
    );
    assert_eq!(
        refused(&with("20.217,01", "7.620,00")).0,
        19,
        "an equal limit is out of order too"
    );
}

#[test]
fn the_last_band_with_a_limit_is_refused() {
    let text = with(
        "nome = \"decadenza\"\n",
        "nome = \"decadenza\"\nisee_fino_a = \"30.000,00\"\n",
    );
    assert_eq!(
        refused(&text),
        (
            24,
            "fascia «decadenza», isee_fino_a: l'ultima fascia non ha limite: togliere \
             isee_fino_a"
                .into()
        )
    );
}

#[test]
fn a_middle_band_without_a_limit_is_refused_at_the_band() {
    let (line, reason) = refused(&with("isee_fino_a = \"20.217,01\"\n", ""));
    assert_eq!(line, 17, "the band's header");
    assert_eq!(
        reason,
        "fascia «accesso», isee_fino_a: mancante: solo l'ultima fascia è senza limite"
    );
}

#[test]
fn both_quota_keys_are_refused() {
    let text = with(
        "quota_canone_oggettivo = \"50\"\n",
        "quota_canone_oggettivo = \"50\"\nquota_isee = \"15\"\n",
    );
    assert_eq!(
        refused(&text),
        (
            21,
            "quota_isee e quota_canone_oggettivo insieme: una fascia ne indica una sola".into()
        )
    );
}

#[test]
fn a_band_without_quota_is_refused() {
    let (line, reason) = refused(&with("quota_isee = \"15\"\n", ""));
    assert_eq!(line, 12, "the band's header");
    assert!(
        reason.starts_with("manca la quota della fascia: scrivere quota_isee"),
        "{reason}"
    );
}

#[test]
fn a_repeated_band_name_is_refused() {
    assert_eq!(
        refused(&with("nome = \"accesso\"", "nome = \"protezione\"")),
        (
            18,
            "fascia «protezione», nome: fascia «protezione» ripetuta".into()
        )
    );
}

#[test]
fn a_file_without_bands_is_refused() {
    let start = BASE.find("[[fasce]]").expect("bands");
    let end = BASE.find("[contratto]").expect("contract");
    let text = format!("{}{}", &BASE[..start], &BASE[end..]);
    assert_eq!(refused(&text), (1, "fasce: nessuna fascia".into()));
}

#[test]
fn a_bad_amount_is_refused_with_the_italian_reason() {
    assert_eq!(
        refused(&with("\"40,00\"", "\"40.00\"")),
        (
            4,
            "canone_minimo: «40.00»: usa la virgola per i decimali (es. 1.234,56)".into()
        )
    );
    assert_eq!(
        refused(&with("\"4,80\"", "\"4,8 euro\"")),
        (
            9,
            "euro_mq.media: «4,8 euro»: carattere non valido ' ' nell'importo".into()
        )
    );
    assert_eq!(
        refused(&with("\"7.620,00\"", "\"7.620,001\"")),
        (
            14,
            "isee_fino_a: «7.620,001»: troppi decimali: al massimo 2".into()
        )
    );
}

#[test]
fn a_zero_amount_is_refused() {
    assert_eq!(
        refused(&with("\"4,80\"", "\"0,00\"")),
        (9, "euro_mq.media: deve essere maggiore di zero".into())
    );
    assert_eq!(
        refused(&with("\"40,00\"", "\"0\"")),
        (4, "canone_minimo: deve essere maggiore di zero".into())
    );
}

#[test]
fn a_value_written_without_quotes_is_told_how_to_write_it() {
    assert_eq!(
        refused(&with("\"40,00\"", "40")),
        (
            4,
            "canone_minimo: scrivere l'importo tra virgolette, es. \"4,80\" o \"7.620,00\"".into()
        )
    );
    assert_eq!(
        refused(&with("\"4,80\"", "4.80")),
        (
            9,
            "euro_mq.media: scrivere l'importo tra virgolette, es. \"4,80\" o \"7.620,00\"".into()
        )
    );
    assert_eq!(
        refused(&with("quota_isee = \"15\"", "quota_isee = 15")),
        (
            15,
            "quota_isee: scrivere la percentuale tra virgolette, es. \"15\" o \"12,5\"".into()
        )
    );
    assert_eq!(
        refused(&with("\"01/10/2026\"", "2026-10-01")),
        (
            3,
            "in_vigore_dal: scrivere la data tra virgolette, es. \"01/10/2026\"".into()
        )
    );
}

#[test]
fn a_bad_percentage_is_refused() {
    assert_eq!(
        refused(&with(
            "riduzione_una_persona = \"10\"",
            "riduzione_una_persona = \"12.5\""
        )),
        (
            5,
            "riduzione_una_persona: percentuale «12.5» non valida: usare la virgola per i \
             decimali (es. 15 o 12,5)"
                .into()
        )
    );
    assert_eq!(
        refused(&with(
            "riduzione_una_persona = \"10\"",
            "riduzione_una_persona = \"100\""
        )),
        (
            5,
            "riduzione_una_persona: percentuale fuori intervallo (maggiore di 0 e minore di \
             100 %)"
                .into()
        )
    );
    assert_eq!(
        refused(&with("quota_isee = \"15\"", "quota_isee = \"0\"")),
        (
            15,
            "fascia «protezione», quota_isee: percentuale fuori intervallo (maggiore di 0 e al \
             più 1000 %)"
                .into()
        )
    );
}

#[test]
fn a_due_day_past_the_28th_is_refused() {
    assert_eq!(
        refused(&with("giorno_scadenza = 15", "giorno_scadenza = 31")),
        (
            31,
            "riscossione.giorno_scadenza: 31 fuori intervallo (da 1 a 28)".into()
        )
    );
    assert_eq!(
        refused(&with("giorno_scadenza = 15", "giorno_scadenza = 300")),
        (
            31,
            "riscossione.giorno_scadenza: 300 fuori intervallo (da 1 a 28)".into()
        )
    );
    assert_eq!(
        refused(&with("durata_anni = 3", "durata_anni = -1")),
        (
            28,
            "contratto.durata_anni: -1 fuori intervallo (da 1 a 30)".into()
        )
    );
    assert_eq!(
        refused(&with("durata_anni = 3", "durata_anni = 0")),
        (
            28,
            "contratto.durata_anni: 0 fuori intervallo (da 1 a 30)".into()
        )
    );
}

#[test]
fn a_term_written_as_text_is_refused() {
    let (line, reason) = refused(&with("durata_anni = 3", "durata_anni = \"3\""));
    assert_eq!(line, 28);
    assert!(reason.starts_with("valore del tipo sbagliato"), "{reason}");
}

#[test]
fn a_missing_or_empty_version_is_refused() {
    let (line, reason) = refused(&with("versione = \"prova-2026\"\n", ""));
    assert_eq!(line, 1);
    assert_eq!(reason, "manca la chiave 'versione'");
    assert_eq!(
        refused(&with("\"prova-2026\"", "\"  \"")),
        (2, "versione: mancante".into())
    );
}

#[test]
fn a_missing_or_empty_name_is_refused() {
    assert_eq!(
        refused(&with("nome = \"Prova\"", "nome = \"\"")),
        (1, "nome: manca il nome delle regole".into())
    );
}

#[test]
fn a_bad_date_is_refused() {
    assert_eq!(
        refused(&with("01/10/2026", "31/09/2026")),
        (3, "in_vigore_dal: data inesistente: 31/09/2026".into())
    );
    assert_eq!(
        refused(&with("01/10/2026", "ottobre 2026")),
        (
            3,
            "in_vigore_dal: data non valida 'ottobre 2026': usa gg/mm/aaaa".into()
        )
    );
}

#[test]
fn a_toml_syntax_error_is_told_in_italian_with_its_line() {
    assert_eq!(
        refused(&with("alta = \"5,60\"", "alta = \"5,60")),
        (10, "testo non chiuso: manca il \" finale".into())
    );
}

#[test]
fn a_file_that_cannot_be_read_is_named_with_line_zero() {
    let error = load(Path::new("/nessuna/cartella/canone.toml")).expect_err("missing");
    assert_eq!(error.line, 0);
    assert_eq!(
        error.reason,
        "impossibile leggere il file: il file o la cartella non esiste"
    );
}

/// Writes rules out as the file format reads them, for the round trip.
fn write(rules: &RentRules) -> String {
    let text = |s: &str| toml::Value::String(s.to_string()).to_string();
    let money = |m: Money| text(&m.format_plain());
    let percent = |p: Percent| text(&p.label());
    let mut out = String::new();
    out += &format!("nome = {}\n", text(&rules.name));
    out += &format!("versione = {}\n", text(&rules.version));
    out += &format!("esempio = {}\n", rules.example);
    out += &format!(
        "in_vigore_dal = {}\n",
        text(&format_date(rules.effective_from))
    );
    out += &format!("canone_minimo = {}\n", money(rules.minimum));
    if let Some(reduction) = rules.single_person_reduction {
        out += &format!("riduzione_una_persona = {}\n", percent(reduction));
    }
    out += &format!(
        "[euro_mq]\nbassa = {}\nmedia = {}\nalta = {}\n",
        money(rules.rates.bassa),
        money(rules.rates.media),
        money(rules.rates.alta)
    );
    for band in &rules.bands {
        out += &format!("[[fasce]]\nnome = {}\n", text(&band.name));
        if let Some(limit) = band.isee_up_to {
            out += &format!("isee_fino_a = {}\n", money(limit));
        }
        out += &match band.formula {
            BandFormula::IseeShare(p) => format!("quota_isee = {}\n", percent(p)),
            BandFormula::ObjectiveShare(p) => {
                format!("quota_canone_oggettivo = {}\n", percent(p))
            }
        };
        out += &format!("decadenza = {}\n", band.decadenza);
    }
    let t = &rules.terms;
    out += &format!(
        "[contratto]\ndurata_anni = {}\nrinnovo_anni = {}\nmesi_deposito = {}\n",
        t.duration_years, t.renewal_years, t.deposit_months
    );
    out += &format!(
        "[riscossione]\ngiorno_scadenza = {}\nmesi_morosita = {}\n",
        t.due_day, t.arrears_months
    );
    out
}

fn trimmed_text() -> impl Strategy<Value = String> {
    "[A-Za-zàèé0-9 \"\\\\'—-]{1,20}".prop_filter("trimmed, not empty", |s| {
        !s.trim().is_empty() && s.trim() == s
    })
}

fn band_strategy() -> impl Strategy<Value = (bool, u32)> {
    (any::<bool>(), 1..=Percent::MAX_BASIS_POINTS)
}

prop_compose! {
    fn valid_rules()(
        name in trimmed_text(),
        version in trimmed_text(),
        example in any::<bool>(),
        day in 0i64..36_500,
        rates in (1u64..200_000, 1u64..200_000, 1u64..200_000),
        minimum in 1u64..1_000_000,
        reduction in proptest::option::of(1u32..10_000),
        bands in proptest::collection::vec((band_strategy(), 1u64..5_000_000), 1..6),
        first_decadenza in 0usize..7,
        terms in (1u8..=30, 0u8..=30, 0u8..=12, 1u8..=28, 1u8..=24),
    ) -> RentRules {
        let last = bands.len() - 1;
        let mut limit = 0u64;
        let bands = bands
            .into_iter()
            .enumerate()
            .map(|(index, ((on_isee, bp), step))| {
                limit += step;
                let share = Percent::from_basis_points(bp);
                RentBand {
                    name: format!("fascia {index}"),
                    isee_up_to: (index < last).then_some(Money::from_cents(limit)),
                    formula: if on_isee {
                        BandFormula::IseeShare(share)
                    } else {
                        BandFormula::ObjectiveShare(share)
                    },
                    decadenza: index >= first_decadenza,
                }
            })
            .collect();
        let start = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
        RentRules {
            name,
            version,
            example,
            effective_from: start + chrono::Duration::days(day),
            rates: ZoneRates {
                bassa: Money::from_cents(rates.0),
                media: Money::from_cents(rates.1),
                alta: Money::from_cents(rates.2),
            },
            bands,
            minimum: Money::from_cents(minimum),
            single_person_reduction: reduction.map(Percent::from_basis_points),
            terms: LeaseTerms {
                duration_years: terms.0,
                renewal_years: terms.1,
                deposit_months: terms.2,
                due_day: terms.3,
                arrears_months: terms.4,
            },
        }
    }
}

proptest! {
    /// Any rules that validate, written out and read back, are the same rules.
    #[test]
    fn valid_rules_survive_the_round_trip_through_the_file(rules in valid_rules()) {
        prop_assert_eq!(rules.validate(), Ok(()));
        let text = write(&rules);
        prop_assert_eq!(parse("canone.toml", &text), Ok(rules), "{}", text);
    }
}

#[test]
fn a_band_after_a_decadenza_band_must_be_of_decadenza_too() {
    let text = with(
        "quota_canone_oggettivo = \"50\"\n",
        "quota_canone_oggettivo = \"50\"\ndecadenza = true\n",
    )
    .replace(
        "decadenza = true\n\n[contratto]",
        "decadenza = false\n\n[contratto]",
    );
    assert_eq!(
        refused(&text),
        (
            26,
            "fascia «decadenza», decadenza: dopo una fascia di decadenza anche le seguenti \
             sono di decadenza"
                .into()
        )
    );
}
