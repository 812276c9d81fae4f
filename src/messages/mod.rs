//! IO messages: the catalogue of seed `000_…` as data files, the Comune's own values, rendering
//! a case into an IO `NewMessage`, and the contract checks a message passes before it is queued.
//! Depends on `domain` only.

pub mod new_message;
pub mod outbox;

pub use new_message::{MessageContent, NewMessage, PaymentData, Payee};
