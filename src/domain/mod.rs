//! The pure core: types that cannot hold bad data and the rules of the call.
//! Nothing here performs I/O or reads the clock; time always arrives as a parameter.
//!
//! Every change is a `Command` (`command`); `decide` checks it against a `Snapshot`
//! (`snapshot`) and returns the `Event`s it causes (`event`), `evolve` applies them. Those three
//! hold the vocabulary and only route: each command and event belongs to one workflow
//! (`workflows`: calls, agenda, intake, review, fees, messages, ranking), whose module decides
//! it, applies it and words it. The other modules are the types and rules the workflows use.

pub mod application;
pub mod appointment;
pub mod calendar;
pub mod call;
pub mod command;
pub mod contact;
pub mod error;
pub mod event;
pub mod fee;
pub mod fiscal_code;
pub mod household;
pub mod iban;
pub mod interested;
pub mod lease;
pub mod limits;
pub mod listing;
pub mod money;
pub mod notice;
pub mod number;
pub mod objection;
pub mod points;
pub mod protocol;
pub mod publication;
pub mod ranking;
pub mod rent;
pub mod replay;
pub mod roles;
pub mod ruleset;
pub mod scoring;
pub mod snapshot;
pub mod stock;
pub mod summary;
pub mod time;
pub mod verification;
pub mod workflows;

pub use application::{Application, ApplicationId, Protocol, State};
pub use call::Call;
pub use command::{Command, Context, Event, EventKind, Snapshot, decide, evolve};
pub use error::DomainError;
pub use workflows::Workflow;
