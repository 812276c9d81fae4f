//! The named values a message text may contain, `{name}`: what each one is, how a form asks
//! for it and where its value comes from. One table, so the catalogue, the form and the
//! renderer agree on every name.

use std::fmt;

/// What kind of value a placeholder holds: decides how it is typed in and how it is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueKind {
    Text,
    /// A calendar day, shown gg/mm/aaaa.
    Date,
    /// A time of day, shown hh:mm.
    Time,
    /// Euro, shown 1.234,56.
    Amount,
    /// pagoPA numero avviso.
    Notice,
    /// An https address.
    Url,
}

impl ValueKind {
    /// Italian description, for forms and error messages.
    pub fn label(self) -> &'static str {
        match self {
            ValueKind::Text => "un testo",
            ValueKind::Date => "una data (gg/mm/aaaa)",
            ValueKind::Time => "un'ora (hh:mm)",
            ValueKind::Amount => "un importo in euro (es. 1.234,56)",
            ValueKind::Notice => "un numero avviso pagoPA (18 cifre)",
            ValueKind::Url => "un indirizzo web https://",
        }
    }
}

impl fmt::Display for ValueKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Where a value comes from, so that a form asks only for what is not already known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueSource {
    /// The Comune's configuration file.
    Comune,
    /// The application or the call in the store.
    Case,
    /// Typed by the caseworker when preparing the message.
    Caseworker,
}

impl ValueSource {
    pub fn label(self) -> &'static str {
        match self {
            ValueSource::Comune => "configurazione del Comune",
            ValueSource::Case => "pratica",
            ValueSource::Caseworker => "operatore",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PlaceholderSpec {
    pub name: &'static str,
    /// Italian, for a form field and for error messages.
    pub label: &'static str,
    pub kind: ValueKind,
    pub source: ValueSource,
}

const fn spec(
    name: &'static str,
    label: &'static str,
    kind: ValueKind,
    source: ValueSource,
) -> PlaceholderSpec {
    PlaceholderSpec {
        name,
        label,
        kind,
        source,
    }
}

use ValueKind::{Amount, Date, Notice, Text, Time, Url};
use ValueSource::{Case, Caseworker, Comune};

/// Every placeholder a template may use.
pub const PLACEHOLDERS: &[PlaceholderSpec] = &[
    // From the Comune's configuration.
    spec("comune", "Nome del Comune", Text, Comune),
    spec("servizio", "Nome del servizio", Text, Comune),
    spec("sportello", "Sportello per gli appuntamenti", Text, Comune),
    spec(
        "indirizzo_sportello",
        "Indirizzo dello sportello",
        Text,
        Comune,
    ),
    spec(
        "canale",
        "Canale per l'invio della modulistica",
        Text,
        Comune,
    ),
    spec("url_bando", "Pagina del bando", Url, Comune),
    spec("url_domanda", "Portale delle domande", Url, Comune),
    spec("url_graduatorie", "Pagina delle graduatorie", Url, Comune),
    spec("url_appuntamenti", "Pagina degli appuntamenti", Url, Comune),
    spec(
        "url_disdetta",
        "Pagina per disdire un appuntamento",
        Url,
        Comune,
    ),
    spec(
        "url_assegnazione",
        "Pagina sull'assegnazione degli alloggi",
        Url,
        Comune,
    ),
    spec(
        "url_contratto",
        "Pagina per scaricare il contratto",
        Url,
        Comune,
    ),
    spec(
        "url_firma",
        "Prenotazione della firma del contratto",
        Url,
        Comune,
    ),
    spec(
        "url_pagamenti",
        "Pagina di assistenza sui pagamenti",
        Url,
        Comune,
    ),
    // From the application or the call.
    spec("nome", "Nome del richiedente", Text, Case),
    spec("cognome", "Cognome del richiedente", Text, Case),
    spec("protocollo", "Numero di protocollo", Text, Case),
    spec("data_protocollo", "Data di protocollo", Date, Case),
    spec(
        "scadenza_integrazione",
        "Scadenza per l'integrazione dei documenti",
        Date,
        Case,
    ),
    spec(
        "documenti_integrazione",
        "Documenti chiesti con l'integrazione",
        Text,
        Case,
    ),
    spec(
        "motivo_rigetto",
        "Motivo ostativo all'accoglimento",
        Text,
        Case,
    ),
    spec(
        "scadenza_osservazioni",
        "Scadenza per le osservazioni al preavviso",
        Date,
        Case,
    ),
    spec(
        "data_apertura",
        "Apertura della presentazione delle domande",
        Date,
        Case,
    ),
    spec(
        "data_chiusura",
        "Chiusura della presentazione delle domande",
        Date,
        Case,
    ),
    // Typed by the caseworker.
    spec(
        "data_pubblicazione",
        "Data di pubblicazione del bando",
        Date,
        Caseworker,
    ),
    spec(
        "oggetto_appuntamento",
        "Oggetto dell'appuntamento",
        Text,
        Caseworker,
    ),
    spec(
        "numero_prenotazione",
        "Numero della prenotazione",
        Text,
        Caseworker,
    ),
    spec(
        "data_appuntamento",
        "Data dell'appuntamento",
        Date,
        Caseworker,
    ),
    spec(
        "ora_appuntamento",
        "Ora dell'appuntamento",
        Time,
        Caseworker,
    ),
    spec(
        "luogo_firma",
        "Luogo della firma del contratto",
        Text,
        Caseworker,
    ),
    spec("causale", "Causale del pagamento", Text, Caseworker),
    spec("importo", "Importo da pagare", Amount, Caseworker),
    spec("scadenza", "Scadenza del pagamento", Date, Caseworker),
    spec("numero_avviso", "Numero avviso pagoPA", Notice, Caseworker),
    spec(
        "data_assegnazione",
        "Data di assegnazione dell'alloggio",
        Date,
        Caseworker,
    ),
    spec(
        "indirizzo_alloggio",
        "Indirizzo dell'alloggio",
        Text,
        Caseworker,
    ),
    spec(
        "riferimento_alloggio",
        "Riferimento dell'alloggio (codice o scala e interno)",
        Text,
        Caseworker,
    ),
];

/// The placeholders a payment message needs for `payment_data`.
pub const AMOUNT: &str = "importo";
pub const NOTICE_NUMBER: &str = "numero_avviso";
/// The placeholder whose day becomes `due_date`.
pub const DUE_DATE: &str = "scadenza";

pub fn placeholder(name: &str) -> Option<&'static PlaceholderSpec> {
    PLACEHOLDERS.iter().find(|p| p.name == name)
}

/// A placeholder name: lowercase ASCII letters, digits and `_`, starting with a letter.
pub fn is_valid_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn names_are_unique_and_well_formed() {
        let mut seen = BTreeSet::new();
        for p in PLACEHOLDERS {
            assert!(is_valid_name(p.name), "{}", p.name);
            assert!(seen.insert(p.name), "{} twice", p.name);
            assert!(!p.label.is_empty());
        }
    }

    #[test]
    fn url_placeholders_are_urls_from_the_comune() {
        for p in PLACEHOLDERS {
            assert_eq!(
                p.name.starts_with("url_"),
                p.kind == ValueKind::Url,
                "{}",
                p.name
            );
        }
    }

    #[test]
    fn payment_placeholders_have_their_kinds() {
        assert_eq!(placeholder(AMOUNT).map(|p| p.kind), Some(ValueKind::Amount));
        assert_eq!(
            placeholder(NOTICE_NUMBER).map(|p| p.kind),
            Some(ValueKind::Notice)
        );
        assert_eq!(placeholder(DUE_DATE).map(|p| p.kind), Some(ValueKind::Date));
        assert!(placeholder("sconosciuto").is_none());
    }

    #[test]
    fn name_rule() {
        assert!(is_valid_name("url_bando"));
        assert!(is_valid_name("a1"));
        assert!(!is_valid_name(""));
        assert!(!is_valid_name("1a"));
        assert!(!is_valid_name("_a"));
        assert!(!is_valid_name("Nome"));
        assert!(!is_valid_name("nome cognome"));
    }
}
