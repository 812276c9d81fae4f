//! Reads a call's point table (ruleset, DOMAIN.md §4) from its TOML file. Keys are Italian: the
//! file is written by the office from the Comune's regulation. Every error names the file and
//! the line of the criterion, band or key at fault.

mod build;
mod shape;
mod values;

use std::path::Path;

use crate::domain::ruleset::Ruleset;

use super::text::line_of;
use crate::files::reasons::toml as italian;
use build::build;
use shape::RulesFile;

/// A point-table file that could not be used, with the place to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {reason}")]
pub struct RulesFileError {
    pub file: String,
    /// 1-based; 0 when the file could not be read at all.
    pub line: usize,
    pub reason: String,
}

/// The example table shipped in `fixtures/rules/`, embedded so that demo data needs no files.
pub const ESEMPIO_MARCHE: &str = include_str!("../../../fixtures/rules/esempio-marche.toml");

pub fn esempio_marche() -> Result<Ruleset, RulesFileError> {
    parse("fixtures/rules/esempio-marche.toml", ESEMPIO_MARCHE)
}

pub fn load(path: &Path) -> Result<Ruleset, RulesFileError> {
    let file = path.display().to_string();
    let text = crate::files::text::read_text(path).map_err(|reason| RulesFileError {
        file: file.clone(),
        line: 0,
        reason,
    })?;
    parse(&file, &text)
}

pub fn parse(file_name: &str, text: &str) -> Result<Ruleset, RulesFileError> {
    let error = |offset: usize, reason: String| RulesFileError {
        file: file_name.to_string(),
        line: line_of(text, offset),
        reason,
    };
    let raw: RulesFile = toml::from_str(text).map_err(|e| {
        let offset = e.span().map(|s| s.start).unwrap_or(0);
        error(offset, italian(e.message()))
    })?;
    let (ruleset, places) = build(raw).map_err(|f| error(f.at, f.reason))?;
    ruleset.validate().map_err(|issue| {
        let offset = places.offset_of(&issue);
        error(offset, issue.reason)
    })?;
    Ok(ruleset)
}

/// What is wrong, at a byte offset of the text.
struct Fault {
    at: usize,
    reason: String,
}

fn fault(at: usize, reason: impl Into<String>) -> Fault {
    Fault {
        at,
        reason: reason.into(),
    }
}
