//! The rows of one `id_domanda` gathered into an application: one applicant, at most one
//! spouse, no person twice, a household the domain accepts.

use std::collections::HashMap;

use crate::domain::application::Channel;
use crate::domain::command::NewApplication;
use crate::domain::household::{Household, MAX_MEMBERS, Relation};

use super::ParsedApplication;
use super::columns::Col;
use super::errors::Errors;
use super::rows::PersonRow;

/// Groups the rows by `id_domanda` (in order of first appearance) and builds each application.
pub(super) fn assemble(rows: Vec<PersonRow>, errs: &mut Errors) -> Vec<ParsedApplication> {
    let mut order: Vec<String> = Vec::new();
    let mut groups: HashMap<String, Vec<PersonRow>> = HashMap::new();
    for row in rows {
        let Some(id) = row.id.clone() else {
            continue;
        };
        let group = groups.entry(id.clone()).or_default();
        if group.is_empty() {
            order.push(id);
        }
        group.push(row);
    }
    let mut applications = Vec::new();
    for id in order {
        let Some(rows) = groups.remove(&id) else {
            continue;
        };
        if let Some(app) = assemble_one(&id, &rows, errs) {
            applications.push(app);
        }
    }
    applications
}

/// Rows of a relation that may appear once: every row after the first is an error pointing back
/// at the first. Returns all the rows with that relation.
fn report_repeated<'a>(
    rows: &'a [PersonRow],
    relation: Relation,
    errs: &mut Errors,
    message: impl Fn(usize) -> String,
) -> Vec<&'a PersonRow> {
    let found: Vec<&PersonRow> = rows
        .iter()
        .filter(|r| r.relation == Some(relation))
        .collect();
    if let [first, extras @ ..] = found.as_slice() {
        for extra in extras {
            errs.push(extra.line, Col::Relazione.name(), message(first.line));
        }
    }
    found
}

fn assemble_one(id: &str, rows: &[PersonRow], errs: &mut Errors) -> Option<ParsedApplication> {
    let first_line = rows.first()?.line;
    let before = errs.len();

    let applicants = report_repeated(rows, Relation::Richiedente, errs, |first| {
        format!("la domanda {id} ha già il richiedente alla riga {first}")
    });
    if applicants.is_empty() && rows.iter().all(|r| r.relation.is_some()) {
        errs.push(
            first_line,
            Col::Relazione.name(),
            format!("la domanda {id} non ha una riga con relazione richiedente"),
        );
    }
    report_repeated(rows, Relation::Coniuge, errs, |first| {
        format!("al massimo un coniuge: la domanda {id} lo ha già alla riga {first}")
    });
    if let Some(extra) = rows.get(MAX_MEMBERS) {
        errs.push(
            extra.line,
            Col::IdDomanda.name(),
            format!(
                "la domanda {id} ha {} componenti: al massimo {MAX_MEMBERS}",
                rows.len()
            ),
        );
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for row in rows {
        let Some(member) = &row.member else {
            continue;
        };
        let code = member.fiscal_code.as_str();
        match seen.get(code) {
            Some(first) => errs.push(
                row.line,
                Col::CodiceFiscale.name(),
                format!("{code} compare due volte nella domanda {id} (già alla riga {first})"),
            ),
            None => {
                seen.insert(code, row.line);
            }
        }
    }
    let applicant_row = applicants.first().copied();
    if let Some(row) = applicant_row
        && let Some(data) = &row.applicant
        && let Err(e) = data.declaration.validate(rows.len())
    {
        errs.domain(row.line, Col::Condizioni.name(), &e);
    }
    if errs.len() != before || rows.iter().any(|r| !r.valid) {
        return None;
    }

    let built = applicant_row.and_then(|applicant| {
        let data = applicant.applicant.as_ref()?;
        let mut members = vec![applicant.member.clone()?];
        for row in rows {
            if !std::ptr::eq(row, applicant) {
                members.push(row.member.clone()?);
            }
        }
        Some((applicant.line, data, members))
    });
    let Some((line, data, members)) = built else {
        // Unreachable when every row is valid; never let an application vanish silently.
        errs.push(
            first_line,
            "domanda",
            "righe della domanda non interpretabili",
        );
        return None;
    };
    let household = match Household::new(members) {
        Ok(household) => household,
        Err(e) => {
            errs.domain(line, "nucleo", &e);
            return None;
        }
    };
    Some(ParsedApplication {
        line,
        new: NewApplication {
            external_id: Some(id.to_string()),
            channel: Channel::Portale,
            received_at: data.received_at,
            household,
            contact: data.contact.clone(),
            declaration: data.declaration.clone(),
            documents: data.documents.clone(),
        },
    })
}
