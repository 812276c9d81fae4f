//! The read models of the screens, which the office reads (see `office::reads`).

pub use crate::office::reads::*;
