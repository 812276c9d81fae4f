//! The catalogue of IO messages of the service "Alloggi sociali": one data file per message
//! in `catalogue/`, compiled in and checked when read, so that a wrong placeholder or button
//! is found by the tests and not by a citizen.

use std::sync::OnceLock;

use serde::Deserialize;
use toml::Spanned;

use super::front_matter::MAX_CTAS;
use super::placeholders::{
    AMOUNT, DUE_DATE, NOTICE_NUMBER, PlaceholderSpec, ValueKind, placeholder,
};
use super::template_text::{Segment, names, segments};
use super::text::utf16_len;
use super::values::{Values, parse_url};
use crate::files::text::line_of;

/// A button: the text in both languages IO shows, and the page it opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CtaSpec {
    pub text_it: String,
    pub text_en: String,
    /// An https address or one `{url_…}` placeholder.
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub id: String,
    /// Italian name shown in the console.
    pub title: String,
    /// The IO message subject.
    pub subject: String,
    /// Markdown with `{placeholder}`s, without the buttons.
    pub body: String,
    pub ctas: Vec<CtaSpec>,
    /// Who receives it, as the catalogue says.
    pub recipients: String,
    /// When to send it, as the catalogue says.
    pub when: String,
    /// The procedure event that calls for it, e.g. `domanda_protocollata`.
    pub event: String,
    /// Carries `payment_data` from `importo` and `numero_avviso`; IO then shows its own
    /// "Vedi Avviso" button.
    pub payment: bool,
    /// Carries `due_date`, the end of the day `scadenza` in Rome.
    pub due_date: bool,
    /// The Comune's own text, not one of the IO catalogue's: the preview says so.
    pub comune: bool,
}

impl Template {
    /// Every placeholder the message needs, in order of first use: subject, body, buttons,
    /// then those of the payment and of the due date.
    pub fn placeholders(&self) -> Vec<&'static PlaceholderSpec> {
        let texts = std::iter::once(self.subject.as_str())
            .chain(std::iter::once(self.body.as_str()))
            .chain(
                self.ctas
                    .iter()
                    .flat_map(|c| [c.text_it.as_str(), c.text_en.as_str(), c.url.as_str()]),
            );
        let mut wanted: Vec<&str> = texts.flat_map(|t| names(t).unwrap_or_default()).collect();
        if self.payment {
            wanted.extend([AMOUNT, NOTICE_NUMBER]);
        }
        if self.due_date {
            wanted.push(DUE_DATE);
        }
        let mut out: Vec<&'static PlaceholderSpec> = Vec::new();
        for spec in wanted.into_iter().filter_map(placeholder) {
            if !out.iter().any(|p| p.name == spec.name) {
                out.push(spec);
            }
        }
        out
    }

    /// The placeholders still without a value: what a form must ask.
    pub fn missing(&self, values: &Values) -> Vec<&'static PlaceholderSpec> {
        self.placeholders()
            .into_iter()
            .filter(|p| !values.contains(p.name))
            .collect()
    }

    pub fn has_buttons(&self) -> bool {
        !self.ctas.is_empty()
    }
}

/// The templates, in the catalogue's order, and the Comune's own beside them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalogue {
    templates: Vec<Template>,
    comune: Vec<Template>,
}

/// A catalogue file that cannot be used, with the place to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {reason}")]
pub struct CatalogueError {
    pub file: String,
    pub line: usize,
    pub reason: String,
}

macro_rules! builtin_files {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../catalogue/", $name)))),*]
    };
}

/// The files of `catalogue/`, in order.
pub const BUILTIN_FILES: &[(&str, &str)] = builtin_files![
    "01_pubblicazione_bando.toml",
    "02_appuntamento_domanda.toml",
    "03_avviso_segreteria.toml",
    "04_avviso_segreteria_scadenza.toml",
    "05_presa_in_carico.toml",
    "06_richiesta_integrazione.toml",
    "07_apertura_assegnazione.toml",
    "08_graduatoria_provvisoria.toml",
    "09_graduatoria_definitiva.toml",
    "10_assegnazione_dettagli.toml",
    "11_contratto_firma.toml",
    "12_appuntamento_firma.toml",
    "13_avviso_canone.toml",
    "14_avviso_canone_scadenza.toml",
    "15_canone_mancato_pagamento.toml",
];

/// The files of `messaggi-comune/`: messages the procedure needs that the IO catalogue has
/// none for, written by the Comune, in order.
pub const COMUNE_FILES: &[(&str, &str)] = &[(
    "01_preavviso_rigetto.toml",
    include_str!("../../messaggi-comune/01_preavviso_rigetto.toml"),
)];

impl Catalogue {
    /// The compiled-in catalogue. Its files are checked by a test, so an error cannot reach a
    /// release; should it happen anyway the catalogue is empty rather than the program stopped.
    pub fn builtin() -> &'static Catalogue {
        static BUILTIN: OnceLock<Catalogue> = OnceLock::new();
        BUILTIN.get_or_init(|| Catalogue::load_builtin().unwrap_or_default())
    }

    /// Reads the compiled-in files, reporting the first error.
    pub fn load_builtin() -> Result<Catalogue, CatalogueError> {
        let mut catalogue = Catalogue::from_files(BUILTIN_FILES)?;
        let own = Catalogue::from_files(COMUNE_FILES)?;
        for mut template in own.templates {
            if catalogue.get(&template.id).is_some() {
                return Err(CatalogueError {
                    file: format!("messaggi-comune/{}.toml", template.id),
                    line: 1,
                    reason: format!("id «{}» già usato dal catalogo IO", template.id),
                });
            }
            template.comune = true;
            catalogue.comune.push(template);
        }
        Ok(catalogue)
    }

    /// The Comune's own templates.
    pub fn comune_templates(&self) -> &[Template] {
        &self.comune
    }

    /// Reads catalogue files given as (file name, text). Names are `NN_<id>.toml`, numbered
    /// from 01 in order.
    pub fn from_files(files: &[(&str, &str)]) -> Result<Catalogue, CatalogueError> {
        let mut templates: Vec<Template> = Vec::with_capacity(files.len());
        for (index, (file, text)) in files.iter().enumerate() {
            let template = parse_template(text, file)?;
            let expected = format!("{:02}_{}.toml", index + 1, template.id);
            let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
            if name != expected {
                return Err(CatalogueError {
                    file: file.to_string(),
                    line: 1,
                    reason: format!(
                        "il file dovrebbe chiamarsi «{expected}» (posizione e id del messaggio)"
                    ),
                });
            }
            if templates.iter().any(|t| t.id == template.id) {
                return Err(CatalogueError {
                    file: file.to_string(),
                    line: 1,
                    reason: format!("id «{}» già usato", template.id),
                });
            }
            templates.push(template);
        }
        Ok(Catalogue {
            templates,
            comune: Vec::new(),
        })
    }

    pub fn templates(&self) -> &[Template] {
        &self.templates
    }

    /// A template of the catalogue or of the Comune's own.
    pub fn get(&self, id: &str) -> Option<&Template> {
        self.templates
            .iter()
            .chain(&self.comune)
            .find(|t| t.id == id)
    }

    /// The templates an event calls for.
    pub fn for_event<'a>(&'a self, event: &'a str) -> impl Iterator<Item = &'a Template> {
        self.templates.iter().filter(move |t| t.event == event)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TemplateFile {
    id: Spanned<String>,
    title: Spanned<String>,
    subject: Spanned<String>,
    event: Spanned<String>,
    recipients: Spanned<String>,
    when: Spanned<String>,
    payment: bool,
    due_date: bool,
    body: Spanned<String>,
    #[serde(default)]
    cta: Vec<CtaFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CtaFile {
    text_it: Spanned<String>,
    text_en: Spanned<String>,
    url: Spanned<String>,
}

/// Reads and checks one catalogue file.
pub fn parse_template(text: &str, file: &str) -> Result<Template, CatalogueError> {
    let error = |offset: usize, reason: String| CatalogueError {
        file: file.to_string(),
        line: line_of(text, offset),
        reason,
    };
    let raw: TemplateFile = toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        error(offset, super::config::toml_reason(e.message()))
    })?;
    let field = |value: &Spanned<String>, what: &str, reason: String| {
        error(value.span().start, format!("{what}: {reason}"))
    };
    // Line ends are normalised so that a checkout with CRLF gives the same messages.
    let clean = |value: &Spanned<String>| value.get_ref().replace("\r\n", "\n").trim().to_string();
    let required = |value: &Spanned<String>, what: &str| {
        let s = clean(value);
        if s.is_empty() {
            Err(field(value, what, "mancante".to_string()))
        } else {
            Ok(s)
        }
    };

    let id = required(&raw.id, "id")?;
    if !super::placeholders::is_valid_name(&id) {
        return Err(field(
            &raw.id,
            "id",
            "usa lettere minuscole, cifre e _".to_string(),
        ));
    }
    let event = required(&raw.event, "event")?;
    if !super::placeholders::is_valid_name(&event) {
        return Err(field(
            &raw.event,
            "event",
            "usa lettere minuscole, cifre e _".to_string(),
        ));
    }
    let subject = required(&raw.subject, "subject")?;
    check_inline_text(&subject).map_err(|r| field(&raw.subject, "subject", r))?;
    if names(&subject).is_ok_and(|n| n.is_empty()) {
        let len = utf16_len(&subject);
        if !(10..=120).contains(&len) {
            return Err(field(
                &raw.subject,
                "subject",
                format!("lungo {len} caratteri: IO ne accetta da 10 a 120"),
            ));
        }
    }
    let body = required(&raw.body, "body")?;
    check_body(&body).map_err(|r| field(&raw.body, "body", r))?;

    if raw.cta.len() > MAX_CTAS {
        return Err(error(
            raw.cta.get(MAX_CTAS).map_or(0, |c| c.text_it.span().start),
            format!("al massimo {MAX_CTAS} pulsanti"),
        ));
    }
    let mut ctas = Vec::with_capacity(raw.cta.len());
    for cta in &raw.cta {
        let text_it = required(&cta.text_it, "text_it")?;
        check_inline_text(&text_it).map_err(|r| field(&cta.text_it, "text_it", r))?;
        let text_en = required(&cta.text_en, "text_en")?;
        check_inline_text(&text_en).map_err(|r| field(&cta.text_en, "text_en", r))?;
        let url = required(&cta.url, "url")?;
        check_cta_url(&url).map_err(|r| field(&cta.url, "url", r))?;
        ctas.push(CtaSpec {
            text_it,
            text_en,
            url,
        });
    }

    Ok(Template {
        id,
        title: required(&raw.title, "title")?,
        subject,
        body,
        ctas,
        recipients: required(&raw.recipients, "recipients")?,
        when: required(&raw.when, "when")?,
        event,
        payment: raw.payment,
        due_date: raw.due_date,
        comune: false,
    })
}

fn known(name: &str) -> Result<&'static PlaceholderSpec, String> {
    placeholder(name).ok_or_else(|| format!("segnaposto «{{{name}}}» sconosciuto"))
}

/// Subject and button texts: one line, placeholders that are not addresses.
fn check_inline_text(text: &str) -> Result<(), String> {
    if text.contains('\n') {
        return Err("deve stare su una riga".to_string());
    }
    for name in names(text)? {
        if known(name)?.kind == ValueKind::Url {
            return Err(format!(
                "«{{{name}}}» è un indirizzo: va nell'url del pulsante o in un collegamento"
            ));
        }
    }
    Ok(())
}

/// Every link is `[testo]({url_…})`, and address placeholders appear only there, so the
/// addresses come from the Comune's checked configuration.
fn check_body(body: &str) -> Result<(), String> {
    if body.starts_with("---") {
        return Err("non può iniziare con --- (sarebbe letto come intestazione)".to_string());
    }
    let parts = segments(body)?;
    for (i, part) in parts.iter().enumerate() {
        match *part {
            Segment::Literal(text) => {
                if let Some(at) = text.find("](")
                    && (at + 2 != text.len()
                        || !matches!(parts.get(i + 1), Some(Segment::Placeholder(_))))
                {
                    return Err(
                        "ogni collegamento deve avere come indirizzo un segnaposto {url_…}"
                            .to_string(),
                    );
                }
            }
            Segment::Placeholder(name) => {
                let spec = known(name)?;
                let in_link = i > 0
                    && matches!(parts[i - 1], Segment::Literal(t) if t.ends_with("]("))
                    && matches!(parts.get(i + 1), Some(Segment::Literal(t)) if t.starts_with(')'));
                match (spec.kind == ValueKind::Url, in_link) {
                    (true, false) => {
                        return Err(format!(
                            "«{{{name}}}» è un indirizzo: usalo come [testo]({{{name}}})"
                        ));
                    }
                    (false, true) => {
                        return Err(format!(
                            "«{{{name}}}» non è un indirizzo e non può essere la destinazione di un collegamento"
                        ));
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(())
}

fn check_cta_url(url: &str) -> Result<(), String> {
    let parts = segments(url)?;
    match parts.as_slice() {
        [Segment::Placeholder(name)] => {
            if known(name)?.kind == ValueKind::Url {
                Ok(())
            } else {
                Err(format!("«{{{name}}}» non è un indirizzo"))
            }
        }
        [Segment::Literal(literal)] => parse_url(literal),
        _ => Err("usa un indirizzo https:// o un solo segnaposto {url_…}".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"id = "prova"
title = "Prova"
subject = "Oggetto di prova"
event = "evento_prova"
recipients = "Tutti."
when = "Sempre."
payment = false
due_date = false
body = '''
Testo per {nome}: [visita questo sito]({url_domanda}).
'''

[[cta]]
text_it = "Vai"
text_en = "Go"
url = "{url_domanda}"
"#;

    fn parse(text: &str) -> Result<Template, CatalogueError> {
        parse_template(text, "01_prova.toml")
    }

    fn reason(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    #[test]
    fn builtin_catalogue_loads() {
        let catalogue = Catalogue::load_builtin().unwrap();
        assert_eq!(catalogue.templates().len(), 15);
        let own = catalogue
            .get("preavviso_rigetto")
            .expect("the Comune's own notice");
        assert!(own.comune);
        assert!(catalogue.templates().iter().all(|t| !t.comune));
        assert_eq!(catalogue.comune_templates().len(), 1);
        assert_eq!(Catalogue::builtin(), &catalogue);
        assert!(catalogue.get("presa_in_carico").is_some());
        assert!(catalogue.get("inesistente").is_none());
        assert_eq!(
            catalogue
                .for_event("domanda_protocollata")
                .map(|t| t.id.as_str())
                .collect::<Vec<_>>(),
            ["presa_in_carico"]
        );
    }

    #[test]
    fn a_good_file() {
        let t = parse(GOOD).unwrap();
        assert_eq!(
            t.body,
            "Testo per {nome}: [visita questo sito]({url_domanda})."
        );
        assert_eq!(
            t.placeholders().iter().map(|p| p.name).collect::<Vec<_>>(),
            ["nome", "url_domanda"]
        );
        let mut t = t;
        t.payment = true;
        t.due_date = true;
        assert_eq!(
            t.placeholders().iter().map(|p| p.name).collect::<Vec<_>>(),
            [
                "nome",
                "url_domanda",
                "importo",
                "numero_avviso",
                "scadenza"
            ]
        );
        let mut values = Values::new();
        values.insert("nome", super::super::values::Value::Text("Anna".into()));
        assert_eq!(
            t.missing(&values)
                .iter()
                .map(|p| p.name)
                .collect::<Vec<_>>(),
            ["url_domanda", "importo", "numero_avviso", "scadenza"]
        );
    }

    #[test]
    fn errors_name_file_and_line() {
        assert_eq!(
            reason(&GOOD.replace("{nome}", "{ignoto}")),
            "01_prova.toml:9: body: segnaposto «{ignoto}» sconosciuto"
        );
        assert_eq!(
            reason(&GOOD.replace("({url_domanda})", "(https://x.it)")),
            "01_prova.toml:9: body: ogni collegamento deve avere come indirizzo un segnaposto {url_…}"
        );
        assert_eq!(
            reason(&GOOD.replace("per {nome}", "per {url_bando}")),
            "01_prova.toml:9: body: «{url_bando}» è un indirizzo: usalo come [testo]({url_bando})"
        );
        assert_eq!(
            reason(&GOOD.replace("({url_domanda}).", "({nome}).")),
            "01_prova.toml:9: body: «{nome}» non è un indirizzo e non può essere la destinazione di un collegamento"
        );
        assert_eq!(
            reason(&GOOD.replace("url = \"{url_domanda}\"", "url = \"http://x.it\"")),
            "01_prova.toml:16: url: «http://x.it» non inizia con https://"
        );
        assert_eq!(
            reason(&GOOD.replace("url = \"{url_domanda}\"", "url = \"{nome}\"")),
            "01_prova.toml:16: url: «{nome}» non è un indirizzo"
        );
        assert_eq!(
            reason(&GOOD.replace("text_en = \"Go\"", "text_en = \"{url_bando}\"")),
            "01_prova.toml:15: text_en: «{url_bando}» è un indirizzo: va nell'url del pulsante o in un collegamento"
        );
        assert_eq!(
            reason(&GOOD.replace("Oggetto di prova", "Breve")),
            "01_prova.toml:3: subject: lungo 5 caratteri: IO ne accetta da 10 a 120"
        );
        assert_eq!(
            reason(&GOOD.replace("title = \"Prova\"", "title = \" \"")),
            "01_prova.toml:2: title: mancante"
        );
        assert_eq!(
            reason(&GOOD.replace("payment = false", "payment = false\npremium = true")),
            "01_prova.toml:8: campo sconosciuto «premium»"
        );
        assert_eq!(
            reason(&GOOD.replace("due_date = false\n", "")),
            "01_prova.toml:1: manca il campo «due_date»"
        );
        let three = format!(
            "{GOOD}{}{}",
            &GOOD[GOOD.find("[[cta]]").unwrap()..],
            &GOOD[GOOD.find("[[cta]]").unwrap()..]
        );
        assert_eq!(reason(&three), "01_prova.toml:22: al massimo 2 pulsanti");
        assert_eq!(
            reason(&GOOD.replace("Testo per", "---\nTesto per")),
            "01_prova.toml:9: body: non può iniziare con --- (sarebbe letto come intestazione)"
        );
    }

    #[test]
    fn file_names_follow_the_order() {
        let ok = Catalogue::from_files(&[("catalogue/01_prova.toml", GOOD)]).unwrap();
        assert_eq!(ok.templates()[0].id, "prova");
        let err = Catalogue::from_files(&[("02_prova.toml", GOOD)]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "02_prova.toml:1: il file dovrebbe chiamarsi «01_prova.toml» (posizione e id del messaggio)"
        );
        let err =
            Catalogue::from_files(&[("01_prova.toml", GOOD), ("02_prova.toml", GOOD)]).unwrap_err();
        assert_eq!(err.to_string(), "02_prova.toml:1: id «prova» già usato");
    }
}
