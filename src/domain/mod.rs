//! The pure core: types that cannot hold bad data and the rules of the call.
//! Nothing here performs I/O or reads the clock; time always arrives as a parameter.

pub mod application;
pub mod appointment;
pub mod call;
pub mod command;
pub mod contact;
pub mod error;
pub mod fee;
pub mod fiscal_code;
pub mod household;
pub mod interested;
pub mod money;
pub mod notice;
pub mod number;
pub mod objection;
pub mod points;
pub mod protocol;
pub mod publication;
pub mod ranking;
pub mod ruleset;
pub mod scoring;
pub mod summary;
pub mod time;
pub mod verification;

pub use application::{Application, ApplicationId, Protocol, State};
pub use call::Call;
pub use command::{Command, Context, Event, EventKind, Snapshot, decide, evolve};
pub use error::DomainError;
