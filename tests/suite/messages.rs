//! The IO messages of the service "Alloggi sociali": the catalogue against the seed, the exact
//! JSON sent to IO for each message (snapshots), the buttons read back by a real YAML parser,
//! and the contract rules at their boundaries.

use crate::common;

use std::collections::BTreeMap;

use alloggi::domain::application::{Channel, IntegrationRequest, Protocol};
use alloggi::domain::fiscal_code::PersonFiscalCode;
use alloggi::domain::money::Money;
use alloggi::domain::notice::NoticeNumber;
use alloggi::domain::time::{Timestamp, end_of_day_rome, to_io_utc, to_rome};
use alloggi::domain::{Application, ApplicationId, State};
use alloggi::messages::contract::{is_io_timestamp, is_notice_number};
use alloggi::messages::text::{clean_line, utf16_len};
use alloggi::messages::{
    Catalogue, ComuneConfig, ContractViolation, CtaSpec, MessageContent, MessageError, NewMessage,
    PaymentData, Recipient, Template, Value, ValueKind, Values, case_values, check, render,
};
use chrono::{NaiveDate, NaiveTime, TimeZone, Timelike, Utc};
use common::{call, contact, date, declaration, family, in_window, office_time, ts};
use proptest::prelude::*;
use yaml_rust2::{Yaml, YamlLoader};

/// The seed's "Titolo del messaggio" of each message, in the seed's order.
const SEED: [(&str, &str); 15] = [
    ("pubblicazione_bando", "Pubblicato un nuovo bando"),
    ("appuntamento_domanda", "Il tuo appuntamento"),
    ("avviso_segreteria", "Hai un nuovo avviso di pagamento"),
    ("avviso_segreteria_scadenza", "Hai un pagamento in scadenza"),
    ("presa_in_carico", "La tua domanda è stata presa in carico"),
    ("richiesta_integrazione", "Richiesta di integrazione"),
    ("apertura_assegnazione", "Apertura assegnazione alloggi"),
    (
        "graduatoria_provvisoria",
        "Pubblicata la graduatoria provvisoria",
    ),
    (
        "graduatoria_definitiva",
        "Pubblicata la graduatoria definitiva",
    ),
    ("assegnazione_dettagli", "Dettagli della tua assegnazione"),
    ("contratto_firma", "Il contratto è pronto per la firma"),
    ("appuntamento_firma", "Il tuo appuntamento"),
    ("avviso_canone", "Hai un nuovo avviso di pagamento"),
    ("avviso_canone_scadenza", "Hai un pagamento in scadenza"),
    ("canone_mancato_pagamento", "Pagamento non effettuato"),
];

/// The messages whose seed button is "Vedi Avviso", i.e. IO's own payment button.
const PAYMENTS: [&str; 5] = [
    "avviso_segreteria",
    "avviso_segreteria_scadenza",
    "avviso_canone",
    "avviso_canone_scadenza",
    "canone_mancato_pagamento",
];

fn catalogue() -> &'static Catalogue {
    Catalogue::builtin()
}

fn template(id: &str) -> &'static Template {
    catalogue().get(id).unwrap()
}

/// Mario Rossi's application of the 2024 call: registered, with an integration request open.
fn application() -> Application {
    Application {
        id: ApplicationId(123),
        call: "erp-2024".to_string(),
        external_id: None,
        channel: Channel::Portale,
        received_at: in_window(),
        state: State::IntegrazioneRichiesta,
        protocol: Some(Protocol::new(2024, 123)),
        registered_at: Some(ts(2024, 10, 2, 8, 15, 0)),
        late: false,
        household: family(),
        contact: contact(),
        declaration: declaration(&[]),
        documents: BTreeMap::new(),
        integration: Some(IntegrationRequest {
            documents: vec!["invalidita".to_string()],
            deadline: date(2024, 12, 12),
            requested_at: office_time(),
        }),
        decision: None,
        verifications: BTreeMap::new(),
        fee: None,
        score_overrides: BTreeMap::new(),
        objections: Vec::new(),
        conditions_recognised: Default::default(),
        refusal_notice: None,
    }
}

fn recipient() -> Recipient {
    let recipient = Recipient::applicant(&application());
    // A real person's code, check character included, not only IO's shape.
    PersonFiscalCode::parse(&recipient.fiscal_code).unwrap();
    recipient
}

fn notice() -> NoticeNumber {
    NoticeNumber::aux3(1, 2_024_000_000_123).unwrap()
}

/// What the caseworker types for each message, as a form would parse it.
fn caseworker_values(id: &str) -> Values {
    let rent = id.contains("canone");
    let notice = notice();
    let typed: Vec<(&str, &str)> = vec![
        ("data_pubblicazione", "10/09/2024"),
        (
            "oggetto_appuntamento",
            if id == "appuntamento_firma" {
                "la firma del contratto di locazione"
            } else {
                "la presentazione della domanda di assegnazione di un alloggio sociale"
            },
        ),
        ("numero_prenotazione", "A-0042"),
        ("data_appuntamento", "08/10/2024"),
        ("ora_appuntamento", "10:30"),
        (
            "luogo_firma",
            "Ufficio Contratti, Piazza del Popolo 1, 63900 Fermo (FM)",
        ),
        (
            "causale",
            if rent {
                "canone di locazione di gennaio 2025"
            } else {
                "spese di segreteria della domanda 2024/000123"
            },
        ),
        ("importo", if rent { "1.087,50" } else { "16,00" }),
        ("scadenza", if rent { "31/01/2025" } else { "31/10/2024" }),
        ("numero_avviso", notice.as_str()),
        ("data_assegnazione", "01/03/2025"),
        (
            "indirizzo_alloggio",
            "Via dei Tigli 12, scala B, interno 4, 63900 Fermo (FM)",
        ),
        ("riferimento_alloggio", "FM-0412"),
    ];
    let mut values = Values::new();
    for (name, input) in typed {
        let spec = alloggi::messages::placeholder(name).unwrap();
        values.insert_input(spec, input).unwrap();
    }
    values
}

fn values_for(id: &str) -> Values {
    let config = ComuneConfig::example();
    let app = application();
    let mut values = case_values(&config, Some(&call()), Some(&app));
    values.extend(caseworker_values(id));
    values
}

fn render_builtin(id: &str) -> Result<alloggi::messages::Rendered, MessageError> {
    render(
        template(id),
        &recipient(),
        &values_for(id),
        &ComuneConfig::example(),
    )
}

/// Front matter as the app finds it: the npm `front-matter` regex, whose `^`/`$` also match at
/// JavaScript's other line terminators. Returns (yaml, body).
fn js_front_matter(markdown: &str) -> Option<(String, String)> {
    let mut lines = markdown.split_inclusive(['\n', '\r', '\u{2028}', '\u{2029}']);
    let first = lines.next()?;
    if first.trim_end_matches(['\n', '\r', '\u{2028}', '\u{2029}']) != "---" {
        return None;
    }
    let mut yaml = String::new();
    let mut consumed = first.len();
    for line in lines.by_ref() {
        consumed += line.len();
        let bare = line.trim_end_matches(['\n', '\r', '\u{2028}', '\u{2029}']);
        if bare.trim_end() == "---" || bare.trim_end() == "..." {
            return Some((yaml, markdown[consumed..].to_string()));
        }
        yaml.push_str(line);
    }
    None
}

fn yaml_ctas(markdown: &str) -> Yaml {
    let (yaml, _) = js_front_matter(markdown).expect("front matter");
    let docs = YamlLoader::load_from_str(&yaml).expect("YAML that parses");
    assert_eq!(docs.len(), 1);
    docs.into_iter().next().unwrap()
}

// ---------------------------------------------------------------- the catalogue

#[test]
fn the_catalogue_is_the_seed_in_order() {
    let ids: Vec<&str> = catalogue()
        .templates()
        .iter()
        .map(|t| t.id.as_str())
        .collect();
    assert_eq!(ids, SEED.map(|(id, _)| id));
    for (template, (_, title)) in catalogue().templates().iter().zip(SEED) {
        assert_eq!(template.subject, title, "{}", template.id);
        for text in [&template.body, &template.subject, &template.title] {
            assert!(!text.contains("Premium"), "{}", template.id);
            assert!(!text.contains("allegato"), "{}", template.id);
        }
        assert!(!template.title.is_empty());
        assert!(!template.recipients.is_empty());
        assert!(!template.when.is_empty());
        assert!(!template.event.is_empty());
        assert!(
            !template.body.contains('<'),
            "seed markers left in {}",
            template.id
        );
        assert!(!template.body.contains("(URL)"), "{}", template.id);
    }
}

#[test]
fn payments_carry_payment_data_not_a_button() {
    for template in catalogue().templates() {
        let payment = PAYMENTS.contains(&template.id.as_str());
        assert_eq!(template.payment, payment, "{}", template.id);
        assert_eq!(template.due_date, payment, "{}", template.id);
        for cta in &template.ctas {
            assert_ne!(cta.text_it, "Vedi Avviso");
            assert_ne!(cta.text_it, "Vai ala graduatoria");
        }
        if payment {
            assert!(template.ctas.is_empty(), "{}", template.id);
            let names: Vec<&str> = template.placeholders().iter().map(|p| p.name).collect();
            for needed in ["importo", "numero_avviso", "scadenza"] {
                assert!(names.contains(&needed), "{} {needed}", template.id);
            }
        }
    }
}

#[test]
fn buttons_are_the_seeds() {
    let buttons: Vec<(&str, Vec<&str>)> = catalogue()
        .templates()
        .iter()
        .map(|t| {
            (
                t.id.as_str(),
                t.ctas
                    .iter()
                    .map(|c| c.text_it.as_str())
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, b)| !b.is_empty())
        .collect();
    assert_eq!(
        buttons,
        vec![
            ("appuntamento_domanda", vec!["Disdici appuntamento"]),
            ("richiesta_integrazione", vec!["Accedi al portale"]),
            ("apertura_assegnazione", vec!["Fai domanda"]),
            ("graduatoria_provvisoria", vec!["Vai alla graduatoria"]),
            ("graduatoria_definitiva", vec!["Vai alla graduatoria"]),
            ("appuntamento_firma", vec!["Disdici appuntamento"]),
        ]
    );
}

// ---------------------------------------------------------------- golden messages

#[test]
fn every_message_renders_to_its_golden_json() {
    for template in catalogue().templates() {
        let rendered = render_builtin(&template.id).unwrap();
        assert_eq!(check(&rendered.message), Ok(()), "{}", template.id);
        assert_eq!(rendered.template, template.id);
        assert_eq!(rendered.buttons.len(), template.ctas.len());
        assert!(rendered.message.content.markdown.ends_with(&rendered.body));
        assert!(!rendered.body.contains('{'), "{}", template.id);
        let json = serde_json::to_string_pretty(&rendered.message).unwrap();
        insta::assert_snapshot!(template.id.as_str(), json);
    }
}

#[test]
fn every_placeholder_of_a_message_is_known_before_it_is_sent() {
    // The Case values cover what the store knows; the rest is exactly what the form asks.
    let config = ComuneConfig::example();
    let known = case_values(&config, Some(&call()), Some(&application()));
    for template in catalogue().templates() {
        for spec in template.missing(&known) {
            assert_eq!(
                spec.source,
                alloggi::messages::ValueSource::Caseworker,
                "{} {}",
                template.id,
                spec.name
            );
        }
    }
}

#[test]
fn front_matter_parses_as_yaml_with_both_languages() {
    for template in catalogue().templates() {
        let rendered = render_builtin(&template.id).unwrap();
        let markdown = &rendered.message.content.markdown;
        if template.ctas.is_empty() {
            assert!(!markdown.starts_with("---"), "{}", template.id);
            assert!(js_front_matter(markdown).is_none());
            continue;
        }
        let doc = yaml_ctas(markdown);
        let top = doc.as_hash().unwrap();
        assert_eq!(top.len(), 2, "{}", template.id);
        for lang in ["it", "en"] {
            let ctas = doc[lang].as_hash().unwrap();
            assert_eq!(ctas.len(), template.ctas.len(), "{} {lang}", template.id);
            assert!(!doc[lang]["cta_1"].is_badvalue());
            assert_eq!(!doc[lang]["cta_2"].is_badvalue(), template.ctas.len() == 2);
            for (i, cta) in template.ctas.iter().enumerate() {
                let node = &doc[lang][format!("cta_{}", i + 1).as_str()];
                let text = node["text"].as_str().unwrap();
                let action = node["action"].as_str().unwrap();
                assert_eq!(
                    text,
                    if lang == "it" {
                        &cta.text_it
                    } else {
                        &cta.text_en
                    }
                );
                assert!(action.starts_with("iohandledlink://https://"), "{action}");
                assert_eq!(
                    action,
                    format!("iohandledlink://{}", rendered.buttons[i].url)
                );
            }
        }
        let (_, body) = js_front_matter(markdown).unwrap();
        assert_eq!(body, rendered.body);
    }
}

#[test]
fn payment_messages_carry_amount_notice_and_due_date() {
    let rendered = render_builtin("avviso_canone").unwrap();
    let payment = rendered.message.content.payment_data.unwrap();
    assert_eq!(payment.amount, 108_750);
    assert_eq!(payment.notice_number, notice().as_str());
    assert!(!payment.invalid_after_due_date);
    assert_eq!(payment.payee, None);
    // 31/01/2025 23:59:59 in Rome (UTC+1).
    assert_eq!(
        rendered.message.content.due_date.as_deref(),
        Some("2025-01-31T22:59:59.000Z")
    );
    assert!(rendered.body.contains("**Devi pagare:** 1.087,50 €"));
    assert!(rendered.body.contains("**Entro il:** 31/01/2025"));
    assert!(rendered.body.contains("intestato a Mario Rossi"));
}

#[test]
fn case_values_come_from_the_comune_the_call_and_the_application() {
    let config = ComuneConfig::example();
    let values = case_values(&config, Some(&call()), Some(&application()));
    let text = |s: &str| Some(Value::Text(s.to_string()));
    assert_eq!(values.get("nome").cloned(), text("Mario"));
    assert_eq!(values.get("cognome").cloned(), text("Rossi"));
    assert_eq!(values.get("protocollo").cloned(), text("2024/000123"));
    assert_eq!(values.get("comune").cloned(), text("Fermo"));
    assert_eq!(
        values.get("data_protocollo"),
        Some(&Value::Date(date(2024, 10, 2)))
    );
    assert_eq!(
        values.get("scadenza_integrazione"),
        Some(&Value::Date(date(2024, 12, 12)))
    );
    assert_eq!(
        values.get("data_apertura"),
        Some(&Value::Date(date(2024, 9, 16)))
    );
    assert_eq!(
        values.get("data_chiusura"),
        Some(&Value::Date(date(2024, 11, 14)))
    );

    let mut unregistered = application();
    unregistered.protocol = None;
    unregistered.registered_at = None;
    unregistered.integration = None;
    let values = case_values(&config, None, Some(&unregistered));
    for absent in [
        "protocollo",
        "data_protocollo",
        "scadenza_integrazione",
        "data_apertura",
    ] {
        assert!(!values.contains(absent), "{absent}");
    }
    let only_comune = case_values(&config, None, None);
    assert_eq!(only_comune, config.values());
}

// ---------------------------------------------------------------- the Comune's file

#[test]
fn the_shipped_comune_file_loads_from_disk() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/comune.toml");
    let loaded = ComuneConfig::load(&path).unwrap();
    // Only the name of the file, which creditor() quotes, differs from the compiled-in copy.
    assert_eq!(loaded.origin, path.display().to_string());
    let example = ComuneConfig::example();
    assert_eq!(
        ComuneConfig {
            origin: example.origin.clone(),
            ..loaded
        },
        example
    );
}

#[test]
fn a_bad_comune_file_is_refused_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("comune.toml");
    let example = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/comune.toml"),
    )
    .unwrap();
    let line_of = |key: &str| example.lines().position(|l| l.starts_with(key)).unwrap() + 1;
    let cases = [
        (
            example.replace("servizio = ", "sevizio = "),
            format!("{}: campo sconosciuto «sevizio»", line_of("servizio = ")),
        ),
        (
            example.replace("bando = \"https://", "bando = \"http://"),
            format!(
                "{}: indirizzi_web.bando: «http://www.comune.example.it/alloggi-sociali/bando-2024» non inizia con https://",
                line_of("bando = ")
            ),
        ),
        (
            example.replace("\"01234567897\"", "\"01234567898\""),
            format!(
                "{}: ente_creditore.codice_fiscale: codice fiscale dell'ente non valido: cifra di controllo errata: attesa 7, trovata 8",
                line_of("codice_fiscale = ")
            ),
        ),
        (
            example
                .lines()
                .filter(|l| !l.starts_with("canale = "))
                .collect::<Vec<_>>()
                .join("\n"),
            "1: manca il campo «canale»".to_string(),
        ),
    ];
    for (text, expected) in cases {
        std::fs::write(&path, text).unwrap();
        let err = ComuneConfig::load(&path).unwrap_err();
        assert_eq!(err.to_string(), format!("{}:{expected}", path.display()));
    }
}

// ---------------------------------------------------------------- refusals

#[test]
fn a_missing_value_stops_rendering_and_names_it() {
    let mut values = values_for("avviso_segreteria");
    values.remove("numero_avviso");
    let err = render(
        template("avviso_segreteria"),
        &recipient(),
        &values,
        &ComuneConfig::example(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        MessageError::MissingValue {
            name: "numero_avviso".to_string(),
            label: "Numero avviso pagoPA".to_string()
        }
    );
    assert_eq!(
        err.to_string(),
        "manca il valore di «numero_avviso» (Numero avviso pagoPA): il messaggio non è stato accodato"
    );

    let mut values = values_for("presa_in_carico");
    values.remove("protocollo");
    let err = render(
        template("presa_in_carico"),
        &recipient(),
        &values,
        &ComuneConfig::example(),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("manca il valore di «protocollo»")
    );
}

#[test]
fn a_value_of_the_wrong_kind_is_refused() {
    let mut values = values_for("avviso_segreteria");
    values.insert("scadenza", Value::Text("31/10/2024".to_string()));
    let err = render(
        template("avviso_segreteria"),
        &recipient(),
        &values,
        &ComuneConfig::example(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        MessageError::WrongKind {
            name: "scadenza".to_string(),
            label: "Scadenza del pagamento".to_string(),
            expected: ValueKind::Date,
            found: ValueKind::Text,
        }
    );
    assert_eq!(
        err.to_string(),
        "il valore di «scadenza» (Scadenza del pagamento) è un testo, serve una data (gg/mm/aaaa): il messaggio non è stato accodato"
    );
    assert!(
        ValueKind::Url
            .parse("http://www.comune.example.it")
            .is_err()
    );
    assert!(ValueKind::Amount.parse("sedici").is_err());
}

#[test]
fn a_bad_recipient_is_refused_by_the_contract() {
    let mut bad = recipient();
    bad.fiscal_code = "RSSMRA80A41H501".to_string();
    let err = render(
        template("presa_in_carico"),
        &bad,
        &values_for("presa_in_carico"),
        &ComuneConfig::example(),
    )
    .unwrap_err();
    assert!(matches!(
        err,
        MessageError::Contract(ContractViolation::FiscalCode { .. })
    ));
}

// ---------------------------------------------------------------- contract boundaries

fn message(subject: &str, markdown: &str) -> NewMessage {
    NewMessage {
        fiscal_code: "RSSMRA80A41H501U".to_string(),
        feature_level_type: "STANDARD".to_string(),
        content: MessageContent {
            subject: subject.to_string(),
            markdown: markdown.to_string(),
            payment_data: None,
            due_date: None,
        },
    }
}

const OK_SUBJECT: &str = "Oggetto valido";

fn ok_markdown() -> String {
    "m".repeat(80)
}

/// `units` UTF-16 code units, ending with emoji (2 units each) where possible.
fn text_of_units(units: usize, emoji: usize) -> String {
    let emoji = emoji.min(units / 2);
    format!("{}{}", "a".repeat(units - 2 * emoji), "🏠".repeat(emoji))
}

#[test]
fn subject_length_boundaries_in_utf16_units() {
    for emoji in [0, 1, 4] {
        for (units, ok) in [(9, false), (10, true), (120, true), (121, false)] {
            let subject = text_of_units(units, emoji);
            assert_eq!(utf16_len(&subject), units);
            let result = check(&message(&subject, &ok_markdown()));
            assert_eq!(result.is_ok(), ok, "{units} units, {emoji} emoji");
            if !ok {
                assert_eq!(
                    result,
                    Err(ContractViolation::SubjectLength { length: units })
                );
            }
        }
    }
    // Five emoji are 5 characters but 10 units: accepted; 9 are 18 units.
    assert!(check(&message(&"🏠".repeat(5), &ok_markdown())).is_ok());
    assert!(check(&message(&"🏠".repeat(61), &ok_markdown())).is_err());
    assert!(check(&message(&"🏠".repeat(60), &ok_markdown())).is_ok());
}

#[test]
fn markdown_length_boundaries_in_utf16_units() {
    for emoji in [0, 1, 40] {
        for (units, ok) in [(79, false), (80, true), (10_000, true), (10_001, false)] {
            let markdown = text_of_units(units, emoji);
            let result = check(&message(OK_SUBJECT, &markdown));
            assert_eq!(result.is_ok(), ok, "{units} units, {emoji} emoji");
            if !ok {
                assert_eq!(
                    result,
                    Err(ContractViolation::MarkdownLength { length: units })
                );
            }
        }
    }
    // 5000 emoji are 5000 characters but 10000 units; one more is too long.
    assert!(check(&message(OK_SUBJECT, &"🏠".repeat(5000))).is_ok());
    assert!(check(&message(OK_SUBJECT, &"🏠".repeat(5001))).is_err());
}

#[test]
fn the_front_matter_counts_towards_the_markdown_length() {
    let front = "---\nit:\n  cta_1:\n    text: \"Vai\"\n    action: \"iohandledlink://https://e.it\"\nen:\n  cta_1:\n    text: \"Go\"\n    action: \"iohandledlink://https://e.it\"\n---\n";
    let front_units = utf16_len(front);
    assert!(front_units > 80);
    // A body of one character is accepted only because the buttons make up the length.
    assert!(check(&message(OK_SUBJECT, &format!("{front}x"))).is_ok());
    let body = "b".repeat(10_000 - front_units);
    assert!(check(&message(OK_SUBJECT, &format!("{front}{body}"))).is_ok());
    assert_eq!(
        check(&message(OK_SUBJECT, &format!("{front}{body}b"))),
        Err(ContractViolation::MarkdownLength { length: 10_001 })
    );
}

#[test]
fn a_bare_https_action_is_refused() {
    let front = "---\nit:\n  cta_1:\n    text: \"Vai\"\n    action: \"https://www.comune.example.it\"\nen:\n  cta_1:\n    text: \"Go\"\n    action: \"iohandledlink://https://www.comune.example.it\"\n---\n";
    let result = check(&message(OK_SUBJECT, &format!("{front}{}", ok_markdown())));
    assert!(
        matches!(result, Err(ContractViolation::FrontMatter { ref reason }) if reason.contains("iohandledlink://https://")),
        "{result:?}"
    );
}

// ---------------------------------------------------------------- properties

/// Pieces that have broken YAML, markdown or the front matter somewhere.
fn nasty_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<char>().prop_map(String::from),
        prop::sample::select(vec![
            "\"", "\\", "\\\"", "\n", "\r\n", "\r", "---", "\n---\n", "...", "\n...\n", "*", "**",
            "_", "[", "]", "](", "(", ")", "`", "```", "#", "# ", "<", ">", "<b>", "|", "~",
            "&amp;", "{", "}", "{nome}", ":", ": ", "- ", "1. ", "'", "!", "%", "\u{0}", "\u{7}",
            "\u{1b}", "\u{7f}", "\u{85}", "\u{a0}", "\u{2028}", "\u{2029}", "\u{feff}", "\u{fffe}",
            "\u{ffff}", "\u{200b}", "🏠", "è", "\t", "  ", "=", "+", "@", "&",
        ])
        .prop_map(String::from),
    ]
}

fn nasty_text() -> impl Strategy<Value = String> {
    prop::collection::vec(nasty_piece(), 0..24).prop_map(|pieces| pieces.concat())
}

fn probe_template() -> Template {
    Template {
        id: "prova".to_string(),
        title: "Prova".to_string(),
        subject: "Messaggio di prova".to_string(),
        body: "Gentile {nome} {cognome},\n\n{causale}\n\nQuesto testo serve a superare la lunghezza minima che IO richiede per il corpo di un messaggio: [visita questo sito]({url_domanda}).".to_string(),
        ctas: vec![
            CtaSpec {
                text_it: "{causale}".to_string(),
                text_en: "Pay {causale}".to_string(),
                url: "{url_domanda}".to_string(),
            },
            CtaSpec {
                text_it: "{nome}".to_string(),
                text_en: "{cognome}".to_string(),
                url: "{url_pagamenti}".to_string(),
            },
        ],
        recipients: String::new(),
        when: String::new(),
        event: "prova".to_string(),
        payment: false,
        due_date: false,
        comune: false,
    }
}

fn date_strategy() -> impl Strategy<Value = NaiveDate> {
    (0u64..365 * 80).prop_map(|days| date(2000, 1, 1) + chrono::Days::new(days))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_breaks_the_buttons_or_the_body(
        nome in nasty_text(),
        cognome in nasty_text(),
        causale in nasty_text(),
    ) {
        let template = probe_template();
        let mut values = Values::new();
        values.insert("nome", Value::Text(nome.clone()));
        values.insert("cognome", Value::Text(cognome.clone()));
        values.insert("causale", Value::Text(causale.clone()));
        match render(&template, &recipient(), &values, &ComuneConfig::example()) {
            Ok(rendered) => {
                let markdown = &rendered.message.content.markdown;
                let doc = yaml_ctas(markdown);
                prop_assert_eq!(doc.as_hash().map(|h| h.len()), Some(2));
                prop_assert_eq!(doc["it"]["cta_1"]["text"].as_str().map(String::from), Some(clean_line(&causale)));
                prop_assert_eq!(
                    doc["en"]["cta_1"]["text"].as_str().map(String::from),
                    Some(format!("Pay {}", clean_line(&causale)))
                );
                prop_assert_eq!(doc["it"]["cta_2"]["text"].as_str().map(String::from), Some(clean_line(&nome)));
                prop_assert_eq!(doc["en"]["cta_2"]["text"].as_str().map(String::from), Some(clean_line(&cognome)));
                for lang in ["it", "en"] {
                    for cta in ["cta_1", "cta_2"] {
                        let action = doc[lang][cta]["action"].as_str().unwrap_or("");
                        prop_assert!(action.starts_with("iohandledlink://https://"));
                    }
                    prop_assert!(doc[lang]["cta_3"].is_badvalue());
                }
                let (_, body) = js_front_matter(markdown).unwrap();
                prop_assert_eq!(&body, &rendered.body);
                // Values add no line: paragraphs, lists and headings stay those of the template.
                prop_assert_eq!(
                    body.split(['\n', '\r', '\u{2028}', '\u{2029}']).count(),
                    template.body.lines().count()
                );
                prop_assert!(body.lines().all(|l| l.trim() != "---"));
                prop_assert_eq!(check(&rendered.message), Ok(()));
            }
            Err(MessageError::Contract(violation)) => {
                prop_assert!(violation.is_length(), "{}", violation);
            }
            Err(MessageError::MissingValue { name, .. }) => {
                let given = match name.as_str() {
                    "nome" => &nome,
                    "cognome" => &cognome,
                    _ => &causale,
                };
                prop_assert!(clean_line(given).is_empty(), "{name}: {given:?}");
            }
            Err(other) => prop_assert!(false, "{}", other),
        }
    }

    #[test]
    fn subject_accepted_exactly_within_the_limits(
        pieces in prop::collection::vec(prop::sample::select(vec!["a", "è", "🏠", "€", " "]), 0..130)
    ) {
        let subject = pieces.concat();
        let units = utf16_len(&subject);
        let result = check(&message(&subject, &ok_markdown()));
        prop_assert_eq!(result.is_ok(), (10..=120).contains(&units));
    }

    #[test]
    fn markdown_accepted_exactly_within_the_limits(
        units_hint in prop_oneof![60usize..100, 9_960usize..10_040],
        emoji in 0usize..30,
    ) {
        let markdown = text_of_units(units_hint, emoji);
        let result = check(&message(OK_SUBJECT, &markdown));
        prop_assert_eq!(result.is_ok(), (80..=10_000).contains(&units_hint));
    }

    #[test]
    fn notice_numbers_follow_the_pattern(digits in "[0-9]{18}", len in 0usize..30, junk in "[^0-9]") {
        let expected = matches!(digits.as_bytes()[0], b'0'..=b'3');
        prop_assert_eq!(is_notice_number(&digits), expected);
        let mut m = message(OK_SUBJECT, &ok_markdown());
        m.content.payment_data = Some(PaymentData {
            amount: 1600,
            notice_number: digits.clone(),
            invalid_after_due_date: false,
            payee: None,
        });
        prop_assert_eq!(check(&m).is_ok(), expected);
        if !expected {
            prop_assert_eq!(check(&m), Err(ContractViolation::NoticeNumber { value: digits.clone() }));
        }
        let other_length: String = "3".repeat(len);
        prop_assert_eq!(is_notice_number(&other_length), len == 18);
        let with_junk = format!("{}{junk}", &digits[..17]);
        prop_assert!(!is_notice_number(&with_junk));
    }

    #[test]
    fn rendered_notices_and_amounts_pass(
        segregation in 0u8..100,
        base in 0u64..10_000_000_000_000,
        cents in 1u64..=9_999_999_999,
    ) {
        let notice = NoticeNumber::aux3(segregation, base).unwrap();
        let mut values = values_for("avviso_canone");
        values.insert("numero_avviso", Value::Notice(notice.clone()));
        values.insert("importo", Value::Amount(Money::from_cents(cents)));
        let rendered = render(template("avviso_canone"), &recipient(), &values, &ComuneConfig::example()).unwrap();
        let payment = rendered.message.content.payment_data.unwrap();
        prop_assert_eq!(payment.notice_number, notice.as_str());
        prop_assert_eq!(payment.amount, cents);
        let shown = format!("**Devi pagare:** {} €", Money::from_cents(cents).format_plain());
        prop_assert!(rendered.body.contains(&shown));
    }

    #[test]
    fn due_dates_are_the_end_of_the_day_in_rome(day in date_strategy()) {
        let mut values = values_for("avviso_segreteria");
        values.insert("scadenza", Value::Date(day));
        let rendered = render(template("avviso_segreteria"), &recipient(), &values, &ComuneConfig::example()).unwrap();
        let due = rendered.message.content.due_date.unwrap();
        prop_assert!(is_io_timestamp(&due));
        prop_assert_eq!(&due, &to_io_utc(end_of_day_rome(day)));
        let instant: Timestamp = chrono::DateTime::parse_from_rfc3339(&due).unwrap().with_timezone(&Utc);
        let local = to_rome(instant);
        prop_assert_eq!(local.date_naive(), day);
        prop_assert_eq!(local.time(), NaiveTime::from_hms_opt(23, 59, 59).unwrap());
    }

    #[test]
    fn io_timestamps_have_exactly_milliseconds_and_z(
        secs in 946_684_800i64..4_102_444_800,
        nanos in 0u32..1_000_000_000,
    ) {
        let instant = Utc.timestamp_opt(secs, nanos).single().unwrap();
        let formatted = to_io_utc(instant);
        prop_assert!(is_io_timestamp(&formatted), "{}", formatted);
        prop_assert_eq!(&formatted[20..23], format!("{:03}", instant.nanosecond() / 1_000_000));
        let mut m = message(OK_SUBJECT, &ok_markdown());
        m.content.due_date = Some(formatted.clone());
        prop_assert_eq!(check(&m), Ok(()));
        for wrong in [
            formatted.replace(".", ","),
            formatted.trim_end_matches('Z').to_string(),
            format!("{}+00:00", formatted.trim_end_matches('Z')),
            format!("{}Z", &formatted[..19]),
            formatted.replacen('T', " ", 1),
        ] {
            m.content.due_date = Some(wrong.clone());
            prop_assert_eq!(check(&m), Err(ContractViolation::DueDate { value: wrong }));
        }
    }
}

#[test]
fn timestamps_in_the_tests_are_fixed() {
    // The golden messages depend on no clock: two renders are identical.
    let a = render_builtin("avviso_segreteria").unwrap();
    let b = render_builtin("avviso_segreteria").unwrap();
    assert_eq!(a, b);
    assert_eq!(a.message.content_hash(), b.message.content_hash());
}

#[test]
fn the_integration_request_names_the_documents_asked_for_by_their_titles() {
    let mut app = application();
    if let Some(request) = app.integration.as_mut() {
        request.documents = vec!["invalidita".to_string(), "permesso_soggiorno".to_string()];
    }
    let config = ComuneConfig::example();
    let values = case_values(&config, Some(&call()), Some(&app));
    let rendered = render(
        template("richiesta_integrazione"),
        &recipient(),
        &values,
        &config,
    )
    .unwrap();
    let line = "Documenti richiesti: Copia delle certificazioni di invalidità o disabilità \
                rilasciata dalle autorità competenti; Copia del documento di soggiorno o della \
                richiesta di rinnovo.";
    assert!(
        rendered.body.lines().any(|l| l == line),
        "{}",
        rendered.body
    );
    // The seed's own text is still there, before the line.
    assert!(rendered.body.starts_with("Per elaborare la tua domanda"));
}
