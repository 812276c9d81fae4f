//! Intake from outside: the online portal's applications, a call and its interested citizens.

use std::io::Read;

use serde::{Deserialize, Serialize};

use super::{Office, OfficeError};
use crate::domain::fiscal_code::PersonFiscalCode;
use crate::domain::{Call, Command, Context, EventKind};
use crate::files::applications_csv::{self, ImportError};

/// How an import of the portal's applications went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Imported {
    pub imported: usize,
    /// Already imported before (same portal id): left as they were.
    pub already_present: usize,
}

/// A call saved: whether it is the active one now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallSaved {
    pub active: bool,
}

/// Citizens added to a call's interested list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterestedAdded {
    pub added: usize,
    /// Already on the list: left as they were.
    pub already: usize,
}

impl Office {
    /// Imports the portal's export into the active call: all the new applications, or none.
    /// Rows with problems come back one by one in `OfficeError::Rows`.
    pub fn import_applications(
        &self,
        ctx: &Context,
        reader: impl Read,
    ) -> Result<Imported, OfficeError> {
        match applications_csv::import_applications(&self.store, reader, ctx) {
            Ok(summary) => Ok(Imported {
                imported: summary.imported,
                already_present: summary.already_present,
            }),
            Err(ImportError::Rows(rows)) => Err(OfficeError::Rows {
                summary: ImportError::Rows(rows.clone()).to_string(),
                rows: rows.iter().map(ToString::to_string).collect(),
            }),
            Err(ImportError::Store(e)) => Err(e.into()),
            Err(other) => Err(OfficeError::Refused(other.to_string())),
        }
    }

    /// Saves (or updates) `call`; with `activate` it also becomes the active call. The first
    /// call becomes active on its own: activating it again would only add noise to the audit
    /// log. Saving and activating commit together.
    pub fn save_call(
        &self,
        ctx: &Context,
        call: Call,
        activate: bool,
    ) -> Result<CallSaved, OfficeError> {
        let code = call.code.clone();
        let has_active = self.store.active_call()?.is_some();
        let mut commands = vec![Command::SaveCall(Box::new(call))];
        if activate && has_active {
            commands.push(Command::ActivateCall { code: code.clone() });
        }
        self.execute_all(ctx, commands)?;
        let active = self.store.active_call()?.map(|c| c.code) == Some(code);
        Ok(CallSaved { active })
    }

    /// Adds `codes` to the citizens interested in call `code`; those already there are
    /// counted and left as they were, so adding the same list twice is not a mistake.
    pub fn add_interested(
        &self,
        ctx: &Context,
        code: &str,
        codes: Vec<PersonFiscalCode>,
    ) -> Result<InterestedAdded, OfficeError> {
        let present = self.store.interested(code)?;
        let already = codes
            .iter()
            .filter(|c| present.contains_key(c.as_str()))
            .count();
        // The command refuses a list with nothing new.
        if already == codes.len() {
            return Ok(InterestedAdded { added: 0, already });
        }
        let command = Command::AddInterested {
            call: code.to_string(),
            fiscal_codes: codes,
        };
        let added = self
            .execute(ctx, &command)?
            .iter()
            .map(|e| match &e.kind {
                EventKind::InterestedAdded { fiscal_codes, .. } => fiscal_codes.len(),
                _ => 0,
            })
            .sum();
        Ok(InterestedAdded { added, already })
    }
}
