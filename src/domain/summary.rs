//! One application as a list shows it: who, which state, since when, and whether something
//! needs a caseworker's eye. Derived from the application and its call, never edited by hand:
//! the store keeps one per application as a read model (see `store::summaries`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::application::{Application, ApplicationId, DocumentStatus, Protocol, State};
use super::call::{Call, Need};
use super::time::Timestamp;

/// The part of an application an inbox needs, small enough to hold for a million of them.
/// Stored as compact JSON: short field names, absent fields left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationSummary {
    pub id: ApplicationId,
    #[serde(rename = "p", default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<Protocol>,
    #[serde(rename = "n")]
    pub applicant_name: String,
    #[serde(rename = "cf")]
    pub applicant_fiscal_code: String,
    #[serde(rename = "s")]
    pub state: State,
    #[serde(rename = "r")]
    pub received_at: Timestamp,
    /// Received outside the window, or a document needed for a declared condition not in.
    #[serde(rename = "f", default, skip_serializing_if = "is_false")]
    pub flagged: bool,
    /// Members of the household, 255 for 255 or more.
    #[serde(rename = "h", default)]
    pub household: u8,
    /// The deadline of the pending integration request; only in `IntegrazioneRichiesta`.
    #[serde(rename = "d", default, skip_serializing_if = "Option::is_none")]
    pub integration_deadline: Option<NaiveDate>,
    /// The secretarial fee's last day, while its notice is unpaid.
    #[serde(rename = "fd", default, skip_serializing_if = "Option::is_none")]
    pub fee_due: Option<NaiveDate>,
}

fn is_false(value: &bool) -> bool {
    !*value
}

impl ApplicationSummary {
    /// The summary of `application`, whose call is `call` (`None` when the call is unknown:
    /// then no document can be found missing).
    pub fn of(application: &Application, call: Option<&Call>) -> ApplicationSummary {
        let condition_without_document = call.is_some_and(|call| {
            call.checklist(application).iter().any(|(doc, need)| {
                *need == Need::ForDeclaredCondition
                    && !matches!(
                        application.documents.get(&doc.code),
                        Some(DocumentStatus::Ricevuto { .. })
                    )
            })
        });
        ApplicationSummary {
            id: application.id,
            protocol: application.protocol.clone(),
            applicant_name: application.applicant_name(),
            applicant_fiscal_code: application.applicant_fiscal_code().to_string(),
            state: application.state,
            received_at: application.received_at,
            flagged: application.late || condition_without_document,
            household: u8::try_from(application.household.len()).unwrap_or(u8::MAX),
            integration_deadline: match application.state {
                State::IntegrazioneRichiesta => {
                    application.integration.as_ref().map(|i| i.deadline)
                }
                _ => None,
            },
            fee_due: application
                .fee
                .as_ref()
                .filter(|fee| !fee.is_paid())
                .map(|fee| fee.due),
        }
    }

    /// Whether changing a call from `before` to `after` can change the summary of one of its
    /// applications. `of` reads the call only through its checklist, that is its documents;
    /// keep the two in step.
    pub fn call_change_matters(before: &Call, after: &Call) -> bool {
        before.documents != after.documents
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::domain::application::{Channel, IntegrationRequest};
    use crate::domain::call::DocumentTrigger;
    use crate::domain::contact::{Address, Contact};
    use crate::domain::fiscal_code::PersonFiscalCode;
    use crate::domain::household::{
        Citizenship, ComuneTie, Condition, Declaration, Household, Member, Relation, StampDuty,
    };
    use crate::domain::money::Money;
    use crate::files::call_toml::bando_2024;

    fn ts(d: u32, h: u32) -> Timestamp {
        Utc.with_ymd_and_hms(2024, 10, d, h, 0, 0)
            .single()
            .expect("valid instant")
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    fn member(surname: &str, name: &str, relation: Relation) -> Member {
        let birth = date(1975, 11, 30);
        Member {
            fiscal_code: PersonFiscalCode::build(surname, name, birth, true, "D542")
                .expect("valid fiscal code"),
            surname: surname.to_string(),
            name: name.to_string(),
            relation,
            birth_date: birth,
            disability_pct: 0,
            accompaniment: false,
            motor_disability: false,
            income: None,
        }
    }

    fn application(conditions: &[Condition]) -> Application {
        let household = Household::new(vec![
            member("Rossi", "Maria", Relation::Richiedente),
            member("Rossi", "Anna", Relation::Figlio),
        ])
        .expect("valid household");
        Application {
            id: ApplicationId(42),
            call: "erp-2024".to_string(),
            external_id: None,
            channel: Channel::Sportello,
            received_at: ts(1, 9),
            state: State::Ricevuta,
            protocol: None,
            registered_at: None,
            late: false,
            household,
            contact: Contact {
                email: None,
                phone: None,
                address: Address {
                    street: "Via Roma 1".to_string(),
                    postcode: "63900".to_string(),
                    municipality: "Fermo".to_string(),
                    province: "FM".to_string(),
                },
            },
            declaration: Declaration {
                citizenship: Citizenship::Italiana,
                tie: ComuneTie::Residenza,
                isee: Money::from_cents(800_000),
                residence_years: 6,
                current_home_m2: None,
                conditions: conditions.iter().copied().collect(),
                stamp_duty: StampDuty::marca("01234567890123", date(2024, 9, 20))
                    .expect("valid marca"),
            },
            documents: BTreeMap::new(),
            integration: None,
            decision: None,
            verifications: Default::default(),
            fee: None,
            score_overrides: BTreeMap::new(),
            objections: Vec::new(),
            conditions_recognised: Default::default(),
            refusal_notice: None,
        }
    }

    fn call() -> Call {
        bando_2024().expect("the shipped call is valid")
    }

    /// A document of the call asked only for a declared precarious lodging.
    fn precarious_document(call: &Call) -> String {
        call.documents
            .iter()
            .find(|d| {
                !d.required
                    && d.needed_for
                        .contains(&DocumentTrigger::SistemazionePrecaria)
            })
            .map(|d| d.code.clone())
            .expect("the 2024 call asks a document for a precarious lodging")
    }

    #[test]
    fn copies_what_the_list_shows() {
        let mut app = application(&[]);
        app.protocol = Some(Protocol::new(2024, 123));
        app.state = State::Protocollata;
        let summary = ApplicationSummary::of(&app, Some(&call()));
        assert_eq!(summary.id, ApplicationId(42));
        assert_eq!(summary.protocol, app.protocol);
        assert_eq!(summary.applicant_name, app.applicant_name());
        assert_eq!(summary.applicant_fiscal_code, app.applicant_fiscal_code());
        assert_eq!(summary.state, State::Protocollata);
        assert_eq!(summary.received_at, ts(1, 9));
        assert_eq!(summary.household, 2);
        assert!(!summary.flagged);
        assert_eq!(summary.integration_deadline, None);
    }

    #[test]
    fn a_late_application_is_flagged_with_or_without_its_call() {
        let mut app = application(&[]);
        app.late = true;
        assert!(ApplicationSummary::of(&app, Some(&call())).flagged);
        assert!(ApplicationSummary::of(&app, None).flagged);
    }

    #[test]
    fn a_declared_condition_without_its_document_is_flagged_until_the_document_is_in() {
        let call = call();
        let code = precarious_document(&call);
        let mut app = application(&[Condition::SistemazionePrecaria]);
        assert!(ApplicationSummary::of(&app, Some(&call)).flagged);
        // Without the call nothing is known to be missing.
        assert!(!ApplicationSummary::of(&app, None).flagged);
        app.documents.insert(
            code.clone(),
            DocumentStatus::Respinto {
                note: "illeggibile".to_string(),
            },
        );
        assert!(ApplicationSummary::of(&app, Some(&call)).flagged);
        app.documents
            .insert(code, DocumentStatus::Ricevuto { at: ts(2, 10) });
        assert!(!ApplicationSummary::of(&app, Some(&call)).flagged);
    }

    #[test]
    fn missing_required_documents_do_not_flag() {
        let call = call();
        assert!(call.documents.iter().any(|d| d.required));
        let app = application(&[]);
        assert!(app.documents.is_empty());
        assert!(!ApplicationSummary::of(&app, Some(&call)).flagged);
    }

    #[test]
    fn the_integration_deadline_shows_only_while_an_integration_is_pending() {
        let mut app = application(&[]);
        app.integration = Some(IntegrationRequest {
            documents: vec!["isee".to_string()],
            deadline: date(2024, 12, 12),
            requested_at: ts(2, 10),
        });
        app.state = State::IntegrazioneRichiesta;
        assert_eq!(
            ApplicationSummary::of(&app, None).integration_deadline,
            Some(date(2024, 12, 12))
        );
        app.state = State::InIstruttoria;
        assert_eq!(
            ApplicationSummary::of(&app, None).integration_deadline,
            None
        );
    }

    #[test]
    fn round_trips_through_compact_json() {
        let mut app = application(&[Condition::SistemazionePrecaria]);
        app.protocol = Some(Protocol::new(2024, 7));
        app.state = State::IntegrazioneRichiesta;
        app.integration = Some(IntegrationRequest {
            documents: vec![],
            deadline: date(2024, 12, 12),
            requested_at: ts(2, 10),
        });
        for summary in [
            ApplicationSummary::of(&app, Some(&call())),
            ApplicationSummary::of(&application(&[]), None),
        ] {
            let json = serde_json::to_string(&summary).expect("encodes");
            assert!(json.len() < 200, "{json}");
            let back: ApplicationSummary = serde_json::from_str(&json).expect("decodes");
            assert_eq!(back, summary, "{json}");
        }
        let plain = serde_json::to_string(&ApplicationSummary::of(&application(&[]), None))
            .expect("encodes");
        assert!(
            !plain.contains("\"p\"") && !plain.contains("\"f\""),
            "{plain}"
        );
        assert!(!plain.contains("\"d\""), "{plain}");
    }

    #[test]
    fn only_a_change_of_documents_matters_to_the_summaries() {
        let before = call();
        let mut after = before.clone();
        after.title = "Bando ERP 2024 (rettificato)".to_string();
        assert!(!ApplicationSummary::call_change_matters(&before, &after));
        after.documents.pop();
        assert!(ApplicationSummary::call_change_matters(&before, &after));
        let mut loosened = before.clone();
        if let Some(doc) = loosened.documents.iter_mut().find(|d| !d.required) {
            doc.needed_for.clear();
        }
        assert!(ApplicationSummary::call_change_matters(&before, &loosened));
    }
}
