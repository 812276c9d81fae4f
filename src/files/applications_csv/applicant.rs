//! The applicant's row: date of sending, contact, declaration, stamp duty and documents.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use crate::domain::call::Call;
use crate::domain::contact::{Address, Contact};
use crate::domain::error::DomainError;
use crate::domain::household::{Citizenship, ComuneTie, Condition, Declaration, StampDuty};
use crate::domain::money::Money;
use crate::domain::time::{parse_date, parse_datetime_rome};

use super::columns::Col;
use super::errors::{Errors, MISSING};
use super::rows::{ApplicantData, Row};
use super::values::{MAX_AREA_M2, list, optional, parse_whole};

pub(super) fn parse_applicant(row: &Row, call: &Call, errs: &mut Errors) -> Option<ApplicantData> {
    let line = row.line;
    let received_at = row
        .required(Col::DataInvio, errs)
        .and_then(|v| errs.take(line, Col::DataInvio, parse_datetime_rome(v)));
    let contact = parse_contact(row, errs);
    let citizenship = row
        .required(Col::Cittadinanza, errs)
        .and_then(|v| errs.take_domain(line, Col::Cittadinanza, Citizenship::parse(v)));
    let tie = row
        .required(Col::LegameComune, errs)
        .and_then(|v| errs.take_domain(line, Col::LegameComune, ComuneTie::parse(v)));
    let isee = row
        .required(Col::Isee, errs)
        .and_then(|v| errs.take(line, Col::Isee, Money::parse(v)));
    let residence_years = errs.take(
        line,
        Col::AnniResidenza,
        optional(row.get(Col::AnniResidenza), |v| {
            parse_whole(v, 99).map(|n| u8::try_from(n).unwrap_or(u8::MAX))
        })
        .map(Option::unwrap_or_default),
    );
    let current_home_m2 = errs.take(
        line,
        Col::SuperficieMq,
        optional(row.get(Col::SuperficieMq), |v| {
            parse_whole(v, MAX_AREA_M2).map(|n| u16::try_from(n).unwrap_or(u16::MAX))
        }),
    );
    let conditions = parse_conditions(row, errs);
    let stamp_duty = parse_stamp_duty(row, errs);
    let documents = parse_documents(row, call, errs);

    Some(ApplicantData {
        received_at: received_at?,
        contact: contact?,
        declaration: Declaration {
            citizenship: citizenship?,
            tie: tie?,
            isee: isee?,
            residence_years: residence_years?,
            current_home_m2: current_home_m2?,
            conditions: conditions?,
            stamp_duty: stamp_duty?,
        },
        documents: documents?,
    })
}

/// Checks the contact with `Contact::normalized`. It stops at the first bad field, so each bad
/// field is reported, replaced by a harmless value and the check run again, to report them all.
fn parse_contact(row: &Row, errs: &mut Errors) -> Option<Contact> {
    let line = row.line;
    let street = row.required(Col::Indirizzo, errs);
    let postcode = row.required(Col::Cap, errs);
    let municipality = row.required(Col::Comune, errs);
    let mut failed = street.is_none() || postcode.is_none() || municipality.is_none();
    let text = |v: &str| Some(v.to_string()).filter(|v| !v.is_empty());
    let mut probe = Contact {
        email: text(row.get(Col::Email)),
        phone: text(row.get(Col::Telefono)),
        address: Address {
            street: street.unwrap_or("-").to_string(),
            postcode: postcode.unwrap_or("00000").to_string(),
            municipality: municipality.unwrap_or("-").to_string(),
            province: row.get(Col::Provincia).to_string(),
        },
    };
    for _ in 0..Col::ALL.len() {
        let error = match probe.clone().normalized() {
            Ok(contact) => return (!failed).then_some(contact),
            Err(error) => error,
        };
        errs.domain(line, Col::Indirizzo.name(), &error);
        failed = true;
        let DomainError::Invalid { field, .. } = error else {
            return None;
        };
        match field {
            "email" => probe.email = None,
            "telefono" => probe.phone = None,
            "indirizzo" => probe.address.street = "-".into(),
            "cap" => probe.address.postcode = "00000".into(),
            "comune" => probe.address.municipality = "-".into(),
            "provincia" => probe.address.province = String::new(),
            _ => return None,
        }
    }
    None
}

fn parse_conditions(row: &Row, errs: &mut Errors) -> Option<BTreeSet<Condition>> {
    let mut conditions = BTreeSet::new();
    let mut ok = true;
    for code in list(row.get(Col::Condizioni)) {
        match errs.take_domain(row.line, Col::Condizioni, Condition::parse(code)) {
            Some(condition) => {
                conditions.insert(condition);
            }
            None => ok = false,
        }
    }
    ok.then_some(conditions)
}

fn parse_stamp_duty(row: &Row, errs: &mut Errors) -> Option<StampDuty> {
    let line = row.line;
    let identifier = row.get(Col::MarcaBollo);
    let date = row.get(Col::DataMarcaBollo);
    let ground = row.get(Col::EsenzioneBollo);
    let stamp_given = !identifier.is_empty() || !date.is_empty();
    match (stamp_given, ground.is_empty()) {
        (false, true) => {
            errs.push(
                line,
                Col::MarcaBollo.name(),
                "mancante: indicare marca_bollo e data_marca_bollo, oppure esenzione_bollo",
            );
            None
        }
        (true, false) => {
            errs.push(
                line,
                Col::EsenzioneBollo.name(),
                "indicare la marca da bollo oppure l'esenzione, non entrambe",
            );
            None
        }
        (false, false) => Some(StampDuty::Esente {
            ground: ground.to_string(),
        }),
        (true, true) => {
            if identifier.is_empty() {
                errs.push(
                    line,
                    Col::MarcaBollo.name(),
                    "mancante: data_marca_bollo è indicata, l'identificativo della marca no",
                );
            }
            let date = if date.is_empty() {
                errs.push(line, Col::DataMarcaBollo.name(), MISSING);
                None
            } else {
                errs.take(line, Col::DataMarcaBollo, parse_date(date))
            };
            if identifier.is_empty() {
                return None;
            }
            // The identifier is checked even when the date is wrong, to report both.
            let stamp = errs.take_domain(
                line,
                Col::MarcaBollo,
                StampDuty::marca(identifier, date.unwrap_or(NaiveDate::MIN)),
            );
            date.and(stamp)
        }
    }
}

fn parse_documents(row: &Row, call: &Call, errs: &mut Errors) -> Option<Vec<String>> {
    let mut documents: Vec<String> = Vec::new();
    let mut ok = true;
    for code in list(row.get(Col::Documenti)) {
        match call
            .documents
            .iter()
            .find(|d| d.code.eq_ignore_ascii_case(code))
        {
            Some(doc) if documents.contains(&doc.code) => {}
            Some(doc) => documents.push(doc.code.clone()),
            None => {
                ok = false;
                errs.push(
                    row.line,
                    Col::Documenti.name(),
                    format!(
                        "documento '{code}' non previsto dal bando {}: usa {}",
                        call.code,
                        call.documents
                            .iter()
                            .map(|d| d.code.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
            }
        }
    }
    ok.then_some(documents)
}
