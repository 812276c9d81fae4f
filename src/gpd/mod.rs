//! pagoPA's GPD (Gestione Posizioni Debitorie): the monthly notices of a lease as debt
//! positions, the client of GPD's external API, its settings, and how a clash on creation is
//! settled. The queue of requests lives in the store (`GpdRequest`); `sync` drains it.

pub mod client;
pub mod model;
pub mod request;
pub mod settings;
pub mod settle;
pub mod sync;

pub use client::{CreateOutcome, GpdClient, ListOutcome, PAGE_LIMIT, ReadOutcome, UpdateOutcome};
pub use model::{
    MonthlyNotice, NoticeError, OptionRead, OptionStatus, PaymentOption, PaymentPosition,
    PositionRead, PositionStatus, PositionsPage, Transfer,
};
pub use request::{Answer, GpdCall, Tally};
pub use settings::{GpdConfig, GpdError};
pub use settle::{Settled, settle};
pub use sync::{SyncReport, Syncer};
