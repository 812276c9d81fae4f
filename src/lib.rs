//! alloggi: the caseworkers' console for a social-housing call (ERP sovvenzionata).
//!
//! Layers, from the inside out: `domain` (pure rules) ← `store` (sled) ← `office` (every
//! request of a caseworker) ← `cli` and `tui`.

pub mod bando_file;
pub mod cli;
pub mod demo;
pub mod domain;
pub mod format;
pub mod import;
pub mod interested_file;
pub mod io;
pub mod logging;
pub mod lot;
pub mod messages;
pub mod office;
pub mod ranking_export;
pub mod rules_file;
pub mod store;
pub mod tui;
