//! The Bandi screen's state: the calls of the database and the one under the cursor.

use crate::domain::Call;

#[derive(Debug, Default)]
pub struct CallsScreen {
    pub calls: Vec<Call>,
    pub active: Option<String>,
    pub cursor: usize,
    /// Citizens interested in the call under the cursor.
    pub interested: usize,
}
