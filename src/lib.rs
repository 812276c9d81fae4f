//! alloggi: the caseworkers' console for a social-housing call (ERP sovvenzionata).
//!
//! Layers, from the inside out: `domain` (pure rules) ← `store` (sled) ← `office` (every
//! request of a caseworker) ← `cli` and `tui`.

pub mod cli;
pub mod demo;
pub mod domain;
pub mod files;
pub mod gpd;
pub mod io;
pub mod logging;
pub mod messages;
pub mod office;
pub mod serve;
pub mod store;
pub mod tui;
