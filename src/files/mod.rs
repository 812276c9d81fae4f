//! The readers and writers of the files the office exchanges with the outside: the portal's
//! applications CSV, a call's TOML, a ruleset's TOML, the rent rules' TOML, the list of
//! interested citizens and the ranking exports. Each checks a whole file and names every fault
//! as `file:line`, in Italian; nothing here writes to the store except the import of
//! applications, all or nothing.

pub mod applications_csv;
pub mod call_toml;
pub mod checkpoint;
pub mod csv_cell;
pub mod dwellings_csv;
pub mod interested_csv;
pub mod key_file;
pub mod private;
pub mod ranking_export;
pub mod reasons;
pub mod rent_toml;
pub mod roles_toml;
pub mod ruleset_toml;
pub mod text;
