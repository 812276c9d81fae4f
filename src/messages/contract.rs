//! The rules IO applies to a `NewMessage` (CONTRACT.md §2–4), checked before a message is
//! queued: IO would refuse it with a 400, or worse accept it and show it broken.

use std::fmt;

use super::front_matter;
use super::new_message::NewMessage;
use super::text::utf16_len;
use super::values::MAX_AMOUNT_CENTS;

pub const SUBJECT_MIN: usize = 10;
pub const SUBJECT_MAX: usize = 120;
pub const MARKDOWN_MIN: usize = 80;
pub const MARKDOWN_MAX: usize = 10_000;
pub const FEATURE_LEVEL: &str = "STANDARD";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContractViolation {
    FiscalCode {
        value: String,
    },
    FeatureLevel {
        value: String,
    },
    /// Lengths in UTF-16 code units, as IO counts them.
    SubjectLength {
        length: usize,
    },
    MarkdownLength {
        length: usize,
    },
    FrontMatter {
        reason: String,
    },
    Amount {
        cents: u64,
    },
    NoticeNumber {
        value: String,
    },
    PayeeFiscalCode {
        value: String,
    },
    DueDate {
        value: String,
    },
}

impl ContractViolation {
    /// Too short or too long: the only refusals that depend on how much was typed.
    pub fn is_length(&self) -> bool {
        matches!(
            self,
            ContractViolation::SubjectLength { .. } | ContractViolation::MarkdownLength { .. }
        )
    }
}

impl fmt::Display for ContractViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ContractViolation::FiscalCode { value } => write!(
                f,
                "codice fiscale del destinatario «{value}» non valido: servono 16 caratteri maiuscoli nella forma del codice fiscale di una persona"
            ),
            ContractViolation::FeatureLevel { value } => write!(
                f,
                "tipo di messaggio «{value}» non ammesso: si inviano solo messaggi {FEATURE_LEVEL}"
            ),
            ContractViolation::SubjectLength { length } => write!(
                f,
                "l'oggetto è lungo {length} caratteri: IO ne accetta da {SUBJECT_MIN} a {SUBJECT_MAX}"
            ),
            ContractViolation::MarkdownLength { length } => write!(
                f,
                "il testo, pulsanti compresi, è lungo {length} caratteri: IO ne accetta da {MARKDOWN_MIN} a {MARKDOWN_MAX}"
            ),
            ContractViolation::FrontMatter { reason } => {
                write!(f, "intestazione dei pulsanti non valida: {reason}")
            }
            ContractViolation::Amount { cents } => write!(
                f,
                "importo di {cents} centesimi fuori dai limiti pagoPA: da 1 a {MAX_AMOUNT_CENTS} centesimi"
            ),
            ContractViolation::NoticeNumber { value } => write!(
                f,
                "numero avviso «{value}» non valido: servono 18 cifre, la prima tra 0 e 3"
            ),
            ContractViolation::PayeeFiscalCode { value } => write!(
                f,
                "codice fiscale dell'ente creditore «{value}» non valido: servono 11 cifre"
            ),
            ContractViolation::DueDate { value } => write!(
                f,
                "scadenza «{value}» non nella forma AAAA-MM-GGThh:mm:ss.sssZ"
            ),
        }
    }
}

impl std::error::Error for ContractViolation {}

/// Every rule, in the order of the message's fields; the first violation is returned.
pub fn check(message: &NewMessage) -> Result<(), ContractViolation> {
    if !is_person_fiscal_code(&message.fiscal_code) {
        return Err(ContractViolation::FiscalCode {
            value: message.fiscal_code.clone(),
        });
    }
    if message.feature_level_type != FEATURE_LEVEL {
        return Err(ContractViolation::FeatureLevel {
            value: message.feature_level_type.clone(),
        });
    }
    let content = &message.content;
    let length = utf16_len(&content.subject);
    if !(SUBJECT_MIN..=SUBJECT_MAX).contains(&length) {
        return Err(ContractViolation::SubjectLength { length });
    }
    let length = utf16_len(&content.markdown);
    if !(MARKDOWN_MIN..=MARKDOWN_MAX).contains(&length) {
        return Err(ContractViolation::MarkdownLength { length });
    }
    if content.markdown.starts_with('\u{FEFF}') {
        return Err(ContractViolation::FrontMatter {
            reason: "il testo inizia con un BOM (U+FEFF)".to_string(),
        });
    }
    front_matter::parse(&content.markdown)
        .map_err(|reason| ContractViolation::FrontMatter { reason })?;
    if let Some(payment) = &content.payment_data {
        if !(1..=MAX_AMOUNT_CENTS).contains(&payment.amount) {
            return Err(ContractViolation::Amount {
                cents: payment.amount,
            });
        }
        if !is_notice_number(&payment.notice_number) {
            return Err(ContractViolation::NoticeNumber {
                value: payment.notice_number.clone(),
            });
        }
        if let Some(payee) = &payment.payee
            && !is_digits(&payee.fiscal_code, 11)
        {
            return Err(ContractViolation::PayeeFiscalCode {
                value: payee.fiscal_code.clone(),
            });
        }
    }
    if let Some(due) = &content.due_date
        && !is_io_timestamp(due)
    {
        return Err(ContractViolation::DueDate { value: due.clone() });
    }
    Ok(())
}

/// `^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$`:
/// the shape IO checks, without the check character.
pub fn is_person_fiscal_code(s: &str) -> bool {
    let b = s.as_bytes();
    let letter = |c: u8| c.is_ascii_uppercase();
    let digit = |c: u8| c.is_ascii_digit() || b"LMNPQRSTUV".contains(&c);
    let month = |c: u8| b"ABCDEHLMPRST".contains(&c);
    b.len() == 16
        && b[..6].iter().all(|&c| letter(c))
        && b[6..8].iter().all(|&c| digit(c))
        && month(b[8])
        && b[9..11].iter().all(|&c| digit(c))
        && letter(b[11])
        && b[12..15].iter().all(|&c| digit(c))
        && letter(b[15])
}

/// `^[0123][0-9]{17}$`.
pub fn is_notice_number(s: &str) -> bool {
    is_digits(s, 18) && matches!(s.as_bytes()[0], b'0'..=b'3')
}

/// `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`.
pub fn is_io_timestamp(s: &str) -> bool {
    const SHAPE: &[u8] = b"dddd-dd-ddTdd:dd:dd.dddZ";
    s.len() == SHAPE.len()
        && s.bytes().zip(SHAPE).all(|(c, &want)| {
            if want == b'd' {
                c.is_ascii_digit()
            } else {
                c == want
            }
        })
}

fn is_digits(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::new_message::{MessageContent, Payee, PaymentData};

    fn message() -> NewMessage {
        NewMessage {
            fiscal_code: "RSSMRA80A41H501U".to_string(),
            feature_level_type: "STANDARD".to_string(),
            content: MessageContent {
                subject: "Oggetto del messaggio".to_string(),
                markdown: "x".repeat(80),
                payment_data: None,
                due_date: None,
            },
        }
    }

    fn payment() -> PaymentData {
        PaymentData {
            amount: 1600,
            notice_number: "001340000013900808".to_string(),
            invalid_after_due_date: false,
            payee: None,
        }
    }

    #[test]
    fn a_valid_message_passes() {
        assert_eq!(check(&message()), Ok(()));
        let mut m = message();
        m.content.payment_data = Some(PaymentData {
            payee: Some(Payee {
                fiscal_code: "00743110157".to_string(),
            }),
            ..payment()
        });
        m.content.due_date = Some("2024-11-14T22:59:59.000Z".to_string());
        assert_eq!(check(&m), Ok(()));
    }

    #[test]
    fn each_rule_names_itself_and_the_value() {
        let refused = |change: &dyn Fn(&mut NewMessage)| {
            let mut m = message();
            change(&mut m);
            check(&m).unwrap_err().to_string()
        };
        assert_eq!(
            refused(&|m| m.fiscal_code = "rssmra80a41h501u".into()),
            "codice fiscale del destinatario «rssmra80a41h501u» non valido: servono 16 caratteri maiuscoli nella forma del codice fiscale di una persona"
        );
        assert_eq!(
            refused(&|m| m.feature_level_type = "ADVANCED".into()),
            "tipo di messaggio «ADVANCED» non ammesso: si inviano solo messaggi STANDARD"
        );
        assert_eq!(
            refused(&|m| m.content.subject = "Breve".into()),
            "l'oggetto è lungo 5 caratteri: IO ne accetta da 10 a 120"
        );
        assert_eq!(
            refused(&|m| m.content.markdown = "🏠".repeat(5001)),
            "il testo, pulsanti compresi, è lungo 10002 caratteri: IO ne accetta da 80 a 10000"
        );
        assert_eq!(
            refused(&|m| m.content.markdown = format!("\u{feff}{}", "x".repeat(80))),
            "intestazione dei pulsanti non valida: il testo inizia con un BOM (U+FEFF)"
        );
        assert_eq!(
            refused(&|m| m.content.markdown = format!("---\nit:\n---\n{}", "x".repeat(80))),
            "intestazione dei pulsanti non valida: lingua «it»: manca cta_1"
        );
        assert_eq!(
            refused(&|m| m.content.payment_data = Some(PaymentData {
                amount: 0,
                ..payment()
            })),
            "importo di 0 centesimi fuori dai limiti pagoPA: da 1 a 9999999999 centesimi"
        );
        assert_eq!(
            refused(&|m| m.content.payment_data = Some(PaymentData {
                notice_number: "401340000013900808".into(),
                ..payment()
            })),
            "numero avviso «401340000013900808» non valido: servono 18 cifre, la prima tra 0 e 3"
        );
        assert_eq!(
            refused(&|m| m.content.payment_data = Some(PaymentData {
                payee: Some(Payee {
                    fiscal_code: "0074311015".into()
                }),
                ..payment()
            })),
            "codice fiscale dell'ente creditore «0074311015» non valido: servono 11 cifre"
        );
        assert_eq!(
            refused(&|m| m.content.due_date = Some("2024-11-14T22:59:59Z".into())),
            "scadenza «2024-11-14T22:59:59Z» non nella forma AAAA-MM-GGThh:mm:ss.sssZ"
        );
    }

    #[test]
    fn amount_bounds() {
        for (cents, ok) in [
            (0, false),
            (1, true),
            (MAX_AMOUNT_CENTS, true),
            (MAX_AMOUNT_CENTS + 1, false),
        ] {
            let mut m = message();
            m.content.payment_data = Some(PaymentData {
                amount: cents,
                ..payment()
            });
            assert_eq!(check(&m).is_ok(), ok, "{cents}");
        }
    }

    #[test]
    fn shapes() {
        assert!(is_person_fiscal_code("RCCMNL83S18D969H"));
        assert!(is_person_fiscal_code("RCCMNLUPSMUDVSVH"));
        assert!(!is_person_fiscal_code("RCCMNL83F18D969H"));
        assert!(!is_person_fiscal_code("RCCMNL83S18D969"));
        assert!(!is_person_fiscal_code("RCCMNL83S18D969HX"));
        assert!(!is_person_fiscal_code("RCCMNL8OS18D969H"));
        assert!(!is_person_fiscal_code("RCCMNL83S18D96ÀH"));
        assert!(is_notice_number("301000000000000000"));
        assert!(!is_notice_number("401000000000000000"));
        assert!(!is_notice_number("30100000000000000"));
        assert!(!is_notice_number("３01000000000000000"));
        assert!(is_io_timestamp("2024-11-14T22:59:59.000Z"));
        assert!(!is_io_timestamp("2024-11-14T22:59:59.00Z"));
        assert!(!is_io_timestamp("2024-11-14 22:59:59.000Z"));
        assert!(!is_io_timestamp("2024-11-14T22:59:59.000+01:00"));
        assert!(!is_io_timestamp("２024-11-14T22:59:59.000Z"));
    }
}
