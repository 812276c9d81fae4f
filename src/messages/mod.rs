//! IO messages: the catalogue of seed `000_…` as data files, the Comune's own values, rendering
//! a case into an IO `NewMessage`, and the contract checks a message passes before it is queued.
//! Depends on `domain` only.

pub mod case;
pub mod catalogue;
pub mod config;
pub mod contract;
pub mod fitting;
pub mod front_matter;
pub mod markdown;
pub mod new_message;
pub mod order;
pub mod outbox;
pub mod placeholders;
pub mod render;
pub mod template_text;
pub mod text;
pub mod values;

pub use case::{Recipient, appointment_values, assignment_values, case_values};
pub use catalogue::{Catalogue, CatalogueError, CtaSpec, Template};
pub use config::{ComuneConfig, ComuneUrls, ConfigError};
pub use contract::{ContractViolation, check};
pub use new_message::{MessageContent, NewMessage, Payee, PaymentData};
pub use order::Order;
pub use placeholders::{PlaceholderSpec, ValueKind, ValueSource, placeholder};
pub use render::{Button, MessageError, Rendered, render};
pub use values::{Value, Values};

/// The catalogue message each kind of ranking publication sends to every applicant.
pub fn ranking_template(kind: crate::domain::ranking::RankingKind) -> &'static str {
    match kind {
        crate::domain::ranking::RankingKind::Provvisoria => "graduatoria_provvisoria",
        crate::domain::ranking::RankingKind::Definitiva => "graduatoria_definitiva",
    }
}
