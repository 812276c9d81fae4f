//! A template and the values of one case become the `NewMessage` sent to IO. Values are
//! shown the Italian way, escaped so that they cannot change the markdown or the buttons, and
//! the result passes the contract checks or is not returned at all.

use std::fmt;

use super::case::Recipient;
use super::catalogue::Template;
use super::config::ComuneConfig;
use super::contract::{ContractViolation, FEATURE_LEVEL, check};
use super::front_matter::{self, ACTION_PREFIX, Cta, FrontMatter};
use super::markdown::{escape_text, link_destination};
use super::new_message::{MessageContent, NewMessage, Payee, PaymentData};
use super::placeholders::{
    AMOUNT, DUE_DATE, NOTICE_NUMBER, PlaceholderSpec, ValueKind, placeholder,
};
use super::template_text::{Segment, segments};
use super::text::clean_line;
use super::values::{Value, Values, parse_url};
use crate::domain::time::{end_of_day_rome, to_io_utc};

/// A button as the citizen sees it in the Italian app, for the preview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    pub text: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Id of the template.
    pub template: String,
    pub recipient: Recipient,
    /// Exactly what is sent.
    pub message: NewMessage,
    pub buttons: Vec<Button>,
    /// The markdown without the front matter, for the preview.
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessageError {
    MissingValue {
        name: String,
        label: String,
    },
    WrongKind {
        name: String,
        label: String,
        expected: ValueKind,
        found: ValueKind,
    },
    /// A value of the right kind that cannot be used, e.g. an address that is not https.
    InvalidValue {
        name: String,
        label: String,
        reason: String,
    },
    /// The template itself is malformed (never for the built-in catalogue, which is checked).
    Template {
        id: String,
        reason: String,
    },
    Contract(ContractViolation),
}

const NOT_QUEUED: &str = "il messaggio non è stato accodato";

impl fmt::Display for MessageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MessageError::MissingValue { name, label } => {
                write!(f, "manca il valore di «{name}» ({label}): {NOT_QUEUED}")
            }
            MessageError::WrongKind {
                name,
                label,
                expected,
                found,
            } => write!(
                f,
                "il valore di «{name}» ({label}) è {found}, serve {expected}: {NOT_QUEUED}"
            ),
            MessageError::InvalidValue {
                name,
                label,
                reason,
            } => write!(
                f,
                "valore di «{name}» ({label}) non valido: {reason}: {NOT_QUEUED}"
            ),
            MessageError::Template { id, reason } => {
                write!(f, "modello «{id}» non valido: {reason}: {NOT_QUEUED}")
            }
            MessageError::Contract(violation) => {
                write!(
                    f,
                    "il messaggio non rispetta le regole di IO: {violation}: {NOT_QUEUED}"
                )
            }
        }
    }
}

impl std::error::Error for MessageError {}

impl From<ContractViolation> for MessageError {
    fn from(v: ContractViolation) -> Self {
        MessageError::Contract(v)
    }
}

/// Renders a message for one recipient. The Comune's values come from `config`; `values`
/// adds the case's and the caseworker's and may override them.
pub fn render(
    template: &Template,
    recipient: &Recipient,
    values: &Values,
    config: &ComuneConfig,
) -> Result<Rendered, MessageError> {
    let values = config.values().merged(values);
    let texts = template_texts(template);
    for text in &texts {
        check_template_text(template, text)?;
    }
    // Every value is checked before any text is built, in the order the form shows them.
    for spec in template.placeholders() {
        lookup(&values, spec)?;
    }

    let subject = fill(template, &template.subject, &values, Target::Plain)?;
    let body = fill(template, &template.body, &values, Target::Markdown)?;
    let mut buttons = Vec::with_capacity(template.ctas.len());
    let mut front = FrontMatter::default();
    for cta in &template.ctas {
        let url = fill(template, &cta.url, &values, Target::Plain)?;
        let action = format!("{ACTION_PREFIX}{url}");
        let text_it = fill(template, &cta.text_it, &values, Target::Plain)?;
        front.it.push(Cta {
            text: text_it.clone(),
            action: action.clone(),
        });
        front.en.push(Cta {
            text: fill(template, &cta.text_en, &values, Target::Plain)?,
            action,
        });
        buttons.push(Button { text: text_it, url });
    }
    let markdown = if buttons.is_empty() {
        body.clone()
    } else {
        format!("{}{body}", front_matter::build(&front))
    };

    // `lookup` has checked every kind already; a mismatch here would be a bug in this file.
    let kind_error = || template_error(template, "valore di tipo inatteso".to_string());
    let payment_data = if template.payment {
        let Value::Amount(amount) = lookup(&values, spec_of(template, AMOUNT)?)? else {
            return Err(kind_error());
        };
        let Value::Notice(notice) = lookup(&values, spec_of(template, NOTICE_NUMBER)?)? else {
            return Err(kind_error());
        };
        Some(PaymentData {
            amount: amount.cents(),
            notice_number: notice.as_str().to_string(),
            // Paying late is still paying: the notice stays payable after the due date.
            invalid_after_due_date: false,
            payee: config.send_payee.then(|| Payee {
                fiscal_code: config.payee_fiscal_code.clone(),
            }),
        })
    } else {
        None
    };
    let due_date = if template.due_date {
        let Value::Date(day) = lookup(&values, spec_of(template, DUE_DATE)?)? else {
            return Err(kind_error());
        };
        Some(to_io_utc(end_of_day_rome(*day)))
    } else {
        None
    };

    let message = NewMessage {
        fiscal_code: recipient.fiscal_code.trim().to_string(),
        feature_level_type: FEATURE_LEVEL.to_string(),
        content: MessageContent {
            subject,
            markdown,
            payment_data,
            due_date,
        },
    };
    check(&message)?;
    Ok(Rendered {
        template: template.id.clone(),
        recipient: recipient.clone(),
        message,
        buttons,
        body,
    })
}

fn template_texts(template: &Template) -> Vec<&str> {
    let mut texts = vec![template.subject.as_str(), template.body.as_str()];
    for cta in &template.ctas {
        texts.extend([cta.text_it.as_str(), cta.text_en.as_str(), cta.url.as_str()]);
    }
    texts
}

fn template_error(template: &Template, reason: String) -> MessageError {
    MessageError::Template {
        id: template.id.clone(),
        reason,
    }
}

fn check_template_text(template: &Template, text: &str) -> Result<(), MessageError> {
    for segment in segments(text).map_err(|r| template_error(template, r))? {
        if let Segment::Placeholder(name) = segment
            && placeholder(name).is_none()
        {
            return Err(template_error(
                template,
                format!("segnaposto «{{{name}}}» sconosciuto"),
            ));
        }
    }
    Ok(())
}

fn spec_of(template: &Template, name: &str) -> Result<&'static PlaceholderSpec, MessageError> {
    placeholder(name).ok_or_else(|| template_error(template, format!("manca «{name}»")))
}

/// The value of a placeholder, of the right kind and usable.
fn lookup<'v>(values: &'v Values, spec: &PlaceholderSpec) -> Result<&'v Value, MessageError> {
    let missing = || MessageError::MissingValue {
        name: spec.name.to_string(),
        label: spec.label.to_string(),
    };
    let value = values.get(spec.name).ok_or_else(missing)?;
    if value.kind() != spec.kind {
        return Err(MessageError::WrongKind {
            name: spec.name.to_string(),
            label: spec.label.to_string(),
            expected: spec.kind,
            found: value.kind(),
        });
    }
    match value {
        // A text with nothing printable would leave a gap in a sentence or an empty button.
        Value::Text(s) if clean_line(s).is_empty() => return Err(missing()),
        // Values built in code bypass `ValueKind::parse`; an address goes unescaped into links
        // and buttons, so it is checked again.
        Value::Url(u) => parse_url(u).map_err(|reason| MessageError::InvalidValue {
            name: spec.name.to_string(),
            label: spec.label.to_string(),
            reason,
        })?,
        _ => {}
    }
    Ok(value)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    /// Subject and button texts: one clean line.
    Plain,
    Markdown,
}

fn fill(
    template: &Template,
    text: &str,
    values: &Values,
    target: Target,
) -> Result<String, MessageError> {
    let mut out = String::with_capacity(text.len() + 64);
    for segment in segments(text).map_err(|r| template_error(template, r))? {
        match segment {
            Segment::Literal(s) => out.push_str(s),
            Segment::Placeholder(name) => {
                let Some(spec) = placeholder(name) else {
                    return Err(template_error(
                        template,
                        format!("segnaposto «{{{name}}}» sconosciuto"),
                    ));
                };
                let value = lookup(values, spec)?;
                let shown = match (value, target) {
                    (Value::Text(s), Target::Plain) => clean_line(s),
                    (Value::Text(s), Target::Markdown) => {
                        let at_line_start = out.is_empty() || out.ends_with('\n');
                        escape_text(&clean_line(s), at_line_start)
                    }
                    (Value::Url(u), Target::Markdown) => link_destination(u),
                    (other, _) => other.display(),
                };
                out.push_str(&shown);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Money;
    use crate::domain::notice::NoticeNumber;
    use crate::messages::catalogue::{Catalogue, CtaSpec};
    use chrono::NaiveDate;

    fn recipient() -> Recipient {
        Recipient {
            fiscal_code: "RSSMRA80A41H501U".to_string(),
            name: "Rossi Maria".to_string(),
        }
    }

    fn template(body: &str) -> Template {
        Template {
            id: "prova".to_string(),
            title: "Prova".to_string(),
            subject: "Oggetto di prova".to_string(),
            body: body.to_string(),
            ctas: vec![],
            recipients: String::new(),
            when: String::new(),
            event: "prova".to_string(),
            payment: false,
            due_date: false,
            comune: false,
        }
    }

    const PADDING: &str =
        "Questo testo serve solo a superare la lunghezza minima che IO richiede per il corpo.";

    fn values(pairs: &[(&str, Value)]) -> Values {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn values_are_escaped_in_markdown_and_plain_in_buttons() {
        let mut t = template(&format!("{{cognome}} e *{{nome}}*. {PADDING}"));
        t.ctas.push(CtaSpec {
            text_it: "Per {nome}".to_string(),
            text_en: "For {nome}".to_string(),
            url: "{url_domanda}".to_string(),
        });
        let v = values(&[
            ("nome", Value::Text("An*na \"la\" \\ [x]".into())),
            ("cognome", Value::Text("- Rossi".into())),
        ]);
        let r = render(&t, &recipient(), &v, &ComuneConfig::example()).unwrap();
        assert!(
            r.body
                .starts_with("\\- Rossi e *An\\*na \"la\" \\\\ \\[x\\]*.")
        );
        assert_eq!(r.buttons[0].text, "Per An*na \"la\" \\ [x]");
        assert!(
            r.message
                .content
                .markdown
                .contains("    text: \"Per An*na \\\"la\\\" \\\\ [x]\"\n")
        );
        assert!(r.message.content.markdown.ends_with(&r.body));
    }

    #[test]
    fn payment_and_due_date() {
        let mut t = template(&format!(
            "Paga {{importo}} € entro il {{scadenza}}. {PADDING}"
        ));
        t.payment = true;
        t.due_date = true;
        let v = values(&[
            ("importo", Value::Amount(Money::from_cents(123_456))),
            (
                "numero_avviso",
                Value::Notice(NoticeNumber::parse("001340000013900808").unwrap()),
            ),
            (
                "scadenza",
                Value::Date(NaiveDate::from_ymd_opt(2025, 7, 31).unwrap()),
            ),
        ]);
        let mut config = ComuneConfig::example();
        let r = render(&t, &recipient(), &v, &config).unwrap();
        assert!(r.body.starts_with("Paga 1.234,56 € entro il 31/07/2025."));
        let payment = r.message.content.payment_data.unwrap();
        assert_eq!(payment.amount, 123_456);
        assert_eq!(payment.notice_number, "001340000013900808");
        assert!(!payment.invalid_after_due_date);
        assert_eq!(payment.payee, None);
        // Summer time: 23:59:59 in Rome is 21:59:59 UTC.
        assert_eq!(
            r.message.content.due_date.as_deref(),
            Some("2025-07-31T21:59:59.000Z")
        );

        config.send_payee = true;
        let r = render(&t, &recipient(), &v, &config).unwrap();
        assert_eq!(
            r.message.content.payment_data.unwrap().payee,
            Some(Payee {
                fiscal_code: config.payee_fiscal_code.clone()
            })
        );
    }

    #[test]
    fn errors_name_the_placeholder() {
        let t = Catalogue::builtin().get("avviso_canone").unwrap();
        let err = render(t, &recipient(), &Values::new(), &ComuneConfig::example()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "manca il valore di «nome» (Nome del richiedente): il messaggio non è stato accodato"
        );
        let v = values(&[("importo", Value::Text("16".into()))]);
        let err = render(
            &template(&format!("{{importo}} {PADDING}")),
            &recipient(),
            &v,
            &ComuneConfig::example(),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "il valore di «importo» (Importo da pagare) è un testo, serve un importo in euro (es. 1.234,56): il messaggio non è stato accodato"
        );
        let v = values(&[("url_domanda", Value::Url("http://x.it".into()))]);
        let err = render(
            &template(&format!("[qui]({{url_domanda}}) {PADDING}")),
            &recipient(),
            &v,
            &ComuneConfig::example(),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "valore di «url_domanda» (Portale delle domande) non valido: «http://x.it» non inizia con https://: il messaggio non è stato accodato"
        );
        let err = render(
            &template("{ignoto}"),
            &recipient(),
            &Values::new(),
            &ComuneConfig::example(),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "modello «prova» non valido: segnaposto «{ignoto}» sconosciuto: il messaggio non è stato accodato"
        );
        let err = render(
            &template("Troppo breve."),
            &recipient(),
            &Values::new(),
            &ComuneConfig::example(),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "il messaggio non rispetta le regole di IO: il testo, pulsanti compresi, è lungo 13 caratteri: IO ne accetta da 80 a 10000: il messaggio non è stato accodato"
        );
    }

    #[test]
    fn a_blank_text_counts_as_missing() {
        let v = values(&[("nome", Value::Text(" \n\u{7} ".into()))]);
        let err = render(
            &template(&format!("{{nome}} {PADDING}")),
            &recipient(),
            &v,
            &ComuneConfig::example(),
        )
        .unwrap_err();
        assert!(matches!(err, MessageError::MissingValue { ref name, .. } if name == "nome"));
    }
}
