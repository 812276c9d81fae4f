//! Reads a rent ruleset (canone, DOMAIN.md §8) from its TOML file. Keys are Italian: the file is
//! written by the office from the region's or Comune's rules. Amounts are Italian text
//! ("4,80", "7.620,00"), percentages too ("15", "12,5"), the day the rules take effect is
//! "gg/mm/aaaa". Every error names the file and the line of the key at fault.

mod build;
mod shape;
#[cfg(test)]
mod tests;

use std::path::Path;

use crate::domain::rent::{RentRules, RulesIssue};

use super::text::line_of;
use crate::files::reasons::toml as italian;
use build::build;
use shape::RentFile;

/// A rent ruleset file that could not be used, with the place to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {reason}")]
pub struct RentFileError {
    pub file: String,
    /// 1-based; 0 when the file could not be read at all.
    pub line: usize,
    pub reason: String,
}

/// The example rules shipped in `fixtures/rent/`, embedded so that demo data needs no files.
pub const ESEMPIO: &str = include_str!("../../fixtures/rent/esempio.toml");

pub fn esempio() -> Result<RentRules, RentFileError> {
    parse("fixtures/rent/esempio.toml", ESEMPIO)
}

pub fn load(path: &Path) -> Result<RentRules, RentFileError> {
    let file = path.display().to_string();
    let text = crate::files::text::read_text(path).map_err(|reason| RentFileError {
        file: file.clone(),
        line: 0,
        reason,
    })?;
    parse(&file, &text)
}

pub fn parse(file_name: &str, text: &str) -> Result<RentRules, RentFileError> {
    let error = |offset: usize, reason: String| RentFileError {
        file: file_name.to_string(),
        line: line_of(text, offset),
        reason,
    };
    let raw: RentFile = toml::from_str(text).map_err(|e| {
        let offset = e.span().map(|s| s.start).unwrap_or(0);
        error(offset, italian(e.message()))
    })?;
    let (rules, places) = build(raw).map_err(|f| error(f.at, f.reason))?;
    rules
        .validate()
        .map_err(|issue| error(places.offset_of(&issue.key), told(&issue, &rules)))?;
    Ok(rules)
}

/// The issue's reason after its key, a band named as the file names it:
/// `fascia «accesso», isee_fino_a: le fasce vanno in ordine di ISEE crescente`.
fn told(issue: &RulesIssue, rules: &RentRules) -> String {
    let band = issue
        .key
        .strip_prefix("fasce[")
        .and_then(|rest| rest.split_once(']'))
        .and_then(|(index, rest)| Some((index.parse::<usize>().ok()?, rest)));
    let place = match band {
        Some((index, rest)) => {
            let which = match rules.bands.get(index) {
                Some(b) if !b.name.trim().is_empty() => format!("fascia «{}»", b.name),
                _ => format!("fascia n. {}", index + 1),
            };
            match rest.strip_prefix('.') {
                Some(key) => format!("{which}, {key}"),
                None => which,
            }
        }
        None => issue.key.clone(),
    };
    format!("{place}: {}", issue.reason)
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
