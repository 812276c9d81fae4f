//! alloggi: the caseworkers' console for a social-housing call (ERP sovvenzionata).
//!
//! Layers, from the inside out: `domain` (pure rules) ← `store` (sled) ← `cli` and `tui`.

pub mod domain;
pub mod store;
