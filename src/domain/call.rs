//! The call (bando): its window, duration, fees, documents and the parameters the law leaves to the Comune.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::application::Application;
use super::error::DomainError;
use super::money::Money;
use super::protocol::ProtocolPattern;
use super::stock::AreaBands;
use super::time::{Timestamp, rome_date};

/// What makes an optional document necessary for one application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentTrigger {
    /// Non-EU citizen: residence permit.
    ExtraUe,
    /// Tie to the Comune through work rather than residence.
    LavoroNelComune,
    /// Declared ISEE of zero.
    IseeZero,
    /// A household member with a recognised disability.
    Invalidita,
    AlloggioImproprio,
    AlloggioAntigienico,
    AlloggioInadeguato,
    SistemazionePrecaria,
    OrdineRilascio,
}

impl DocumentTrigger {
    /// The trigger a declared condition sets off, when the call asks a document for it.
    pub fn for_condition(condition: super::household::Condition) -> Option<DocumentTrigger> {
        use super::household::Condition;
        match condition {
            Condition::AlloggioImproprio => Some(DocumentTrigger::AlloggioImproprio),
            Condition::SistemazionePrecaria => Some(DocumentTrigger::SistemazionePrecaria),
            Condition::OrdineRilascio => Some(DocumentTrigger::OrdineRilascio),
            Condition::AlloggioAntigienico => Some(DocumentTrigger::AlloggioAntigienico),
            Condition::AlloggioInadeguato => Some(DocumentTrigger::AlloggioInadeguato),
            Condition::CoabitazioneParenti | Condition::CoabitazioneNonParenti => None,
        }
    }

    pub fn applies_to(self, application: &Application) -> bool {
        use super::household::{Citizenship, ComuneTie};
        use DocumentTrigger::*;
        let declaration = &application.declaration;
        match self {
            ExtraUe => matches!(
                declaration.citizenship,
                Citizenship::ExtraUeLungoPeriodo | Citizenship::ExtraUePermessoBiennale
            ),
            LavoroNelComune => declaration.tie == ComuneTie::Lavoro,
            IseeZero => declaration.isee == Money::from_cents(0),
            Invalidita => application
                .household
                .members()
                .iter()
                .any(|m| m.disability_pct > 0),
            AlloggioImproprio => declaration.has(super::household::Condition::AlloggioImproprio),
            AlloggioAntigienico => {
                declaration.has(super::household::Condition::AlloggioAntigienico)
            }
            AlloggioInadeguato => declaration.has(super::household::Condition::AlloggioInadeguato),
            SistemazionePrecaria => {
                declaration.has(super::household::Condition::SistemazionePrecaria)
            }
            OrdineRilascio => declaration.has(super::household::Condition::OrdineRilascio),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentSpec {
    /// Stable short code, used in imports and integration requests.
    pub code: String,
    pub title: String,
    pub required: bool,
    /// Optional documents become necessary when any of these applies.
    #[serde(default)]
    pub needed_for: Vec<DocumentTrigger>,
}

/// Why a document is on an application's checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Required,
    ForDeclaredCondition,
    Optional,
}

impl Need {
    pub fn label(self) -> &'static str {
        match self {
            Need::Required => "obbligatorio",
            Need::ForDeclaredCondition => "necessario per una condizione dichiarata",
            Need::Optional => "facoltativo",
        }
    }
}

/// Values the regulation leaves to each Comune; defaults from DOMAIN.md.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallParameters {
    #[serde(default = "default_integration_days")]
    pub integration_days: u32,
    #[serde(default = "default_objection_days")]
    pub objection_days: u32,
    #[serde(default = "default_isee_limit")]
    pub isee_limit: Money,
    #[serde(default = "default_single_person_increase")]
    pub single_person_isee_increase_pct: u32,
    #[serde(default = "default_property_share")]
    pub max_property_share_pct: u32,
    #[serde(default = "default_ranking_validity")]
    pub ranking_validity_years: u32,
    /// Date at which ages and conditions are assessed; the closing date when absent.
    #[serde(default)]
    pub reference_date: Option<NaiveDate>,
    /// How protocol numbers given under this call are written.
    #[serde(default)]
    pub protocol_pattern: ProtocolPattern,
    /// An exclusion of an application under review goes through the notice of the grounds
    /// for refusal (L. 241/1990 art. 10-bis). A Comune that treats its call as a competitive
    /// procedure, which the article exempts, turns it off. Written only when off, so calls
    /// stored before it keep their bytes.
    #[serde(default = "default_refusal_notice", skip_serializing_if = "is_true")]
    pub refusal_notice: bool,
    /// Days the citizen has to send observations after the notice.
    #[serde(
        default = "default_refusal_notice_days",
        skip_serializing_if = "is_default_refusal_notice_days"
    )]
    pub refusal_notice_days: u32,
    /// The net areas suited to each household size, for the assignment of dwellings. Written
    /// only when not the default, so calls stored before it keep their bytes.
    #[serde(default, skip_serializing_if = "is_default_bands")]
    pub area_bands: AreaBands,
    /// The days of the assignment round. Written only when not the default.
    #[serde(default, skip_serializing_if = "AssignmentDays::is_default")]
    pub assignment_days: AssignmentDays,
}

/// The terms of the assignment round, in days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentDays {
    /// To reply to an offer.
    pub reply: u32,
    /// To reply after the formal warning (diffida).
    pub warning: u32,
    /// To sign the lease and occupy the dwelling after the decree.
    pub occupation: u32,
}

impl Default for AssignmentDays {
    fn default() -> AssignmentDays {
        AssignmentDays {
            reply: 10,
            warning: 10,
            occupation: 30,
        }
    }
}

impl AssignmentDays {
    fn is_default(&self) -> bool {
        *self == AssignmentDays::default()
    }
}

fn is_default_bands(bands: &AreaBands) -> bool {
    *bands == AreaBands::default()
}

fn default_refusal_notice() -> bool {
    true
}
fn is_true(value: &bool) -> bool {
    *value
}
fn default_refusal_notice_days() -> u32 {
    10
}
fn is_default_refusal_notice_days(days: &u32) -> bool {
    *days == default_refusal_notice_days()
}

fn default_integration_days() -> u32 {
    10
}
fn default_objection_days() -> u32 {
    30
}
fn default_isee_limit() -> Money {
    Money::from_cents(1_369_900)
}
fn default_single_person_increase() -> u32 {
    20
}
fn default_property_share() -> u32 {
    50
}
fn default_ranking_validity() -> u32 {
    2
}

impl Default for CallParameters {
    fn default() -> Self {
        CallParameters {
            integration_days: default_integration_days(),
            objection_days: default_objection_days(),
            isee_limit: default_isee_limit(),
            single_person_isee_increase_pct: default_single_person_increase(),
            max_property_share_pct: default_property_share(),
            ranking_validity_years: default_ranking_validity(),
            reference_date: None,
            protocol_pattern: ProtocolPattern::default(),
            refusal_notice: default_refusal_notice(),
            refusal_notice_days: default_refusal_notice_days(),
            area_bands: AreaBands::default(),
            assignment_days: AssignmentDays::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Call {
    /// Short identifier chosen by the office, e.g. `erp-2024`.
    pub code: String,
    pub title: String,
    /// Reference of the act that approved the call, e.g. `Det. 1514 del 10/09/2024`.
    pub determina: String,
    pub opens_at: Timestamp,
    /// Inclusive: the last instant an application is on time.
    pub closes_at: Timestamp,
    pub max_duration_days: u32,
    pub stamp_duty: Money,
    #[serde(default)]
    pub secretarial_fee: Money,
    pub documents: Vec<DocumentSpec>,
    #[serde(default)]
    pub params: CallParameters,
    /// When the call was published; interested citizens are told then.
    #[serde(default)]
    pub published_at: Option<Timestamp>,
}

impl Call {
    /// Checks the invariants a call must satisfy before it is stored.
    pub fn validate(&self) -> Result<(), DomainError> {
        let code_ok = !self.code.is_empty()
            && self.code.len() <= 32
            && self
                .code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !code_ok {
            return Err(DomainError::invalid(
                "codice",
                "usa da 1 a 32 caratteri tra lettere minuscole, cifre e '-'",
            ));
        }
        if self.title.trim().is_empty() {
            return Err(DomainError::invalid("titolo", "mancante"));
        }
        if self.opens_at >= self.closes_at {
            return Err(DomainError::invalid(
                "chiusura",
                "la chiusura deve seguire l'apertura",
            ));
        }
        if self.max_duration_days == 0 {
            return Err(DomainError::invalid(
                "durata_massima_giorni",
                "deve essere maggiore di zero",
            ));
        }
        if self.params.integration_days == 0 {
            return Err(DomainError::invalid(
                "giorni_integrazione",
                "deve essere maggiore di zero",
            ));
        }
        if self.params.refusal_notice_days == 0 {
            return Err(DomainError::invalid(
                "giorni_preavviso_rigetto",
                "deve essere maggiore di zero",
            ));
        }
        if self.params.max_property_share_pct > 100 {
            return Err(DomainError::invalid(
                "quota_massima_proprieta",
                "è una percentuale tra 0 e 100",
            ));
        }
        let mut codes = BTreeSet::new();
        for doc in &self.documents {
            if doc.code.trim().is_empty() || doc.title.trim().is_empty() {
                return Err(DomainError::invalid(
                    "documenti",
                    "ogni documento ha codice e titolo",
                ));
            }
            if !codes.insert(doc.code.as_str()) {
                return Err(DomainError::invalid(
                    "documenti",
                    format!("codice '{}' ripetuto", doc.code),
                ));
            }
        }
        Ok(())
    }

    /// The ISEE limit for a household of `household_size`: one-person households get the
    /// call's increase (DOMAIN.md §2: 13.699,00 € + 20 % = 16.438,80 €), rounded down to the cent.
    pub fn isee_limit_for(&self, household_size: usize) -> Money {
        let base = self.params.isee_limit;
        if household_size != 1 {
            return base;
        }
        let pct = u128::from(self.params.single_person_isee_increase_pct);
        let cents = u128::from(base.cents()) * (100 + pct) / 100;
        Money::from_cents(u64::try_from(cents).unwrap_or(u64::MAX))
    }

    pub fn is_within_window(&self, at: Timestamp) -> bool {
        at >= self.opens_at && at <= self.closes_at
    }

    pub fn closing_date(&self) -> NaiveDate {
        rome_date(self.closes_at)
    }

    pub fn reference_date(&self) -> NaiveDate {
        self.params
            .reference_date
            .unwrap_or_else(|| self.closing_date())
    }

    /// The procedure runs from the closing of the window for `max_duration_days`.
    pub fn procedure_end(&self) -> NaiveDate {
        self.closing_date() + chrono::Days::new(u64::from(self.max_duration_days))
    }

    /// Day of the procedure (1 on the day after closing), or None while the window is open.
    pub fn procedure_day(&self, now: Timestamp) -> Option<i64> {
        if now <= self.closes_at {
            return None;
        }
        Some((rome_date(now) - self.closing_date()).num_days())
    }

    pub fn document(&self, code: &str) -> Option<&DocumentSpec> {
        self.documents.iter().find(|d| d.code == code)
    }

    /// The document checklist of one application: required, needed because of what it declares,
    /// and the remaining optional ones.
    pub fn checklist<'a>(&'a self, application: &Application) -> Vec<(&'a DocumentSpec, Need)> {
        self.documents
            .iter()
            .map(|doc| {
                let need = if doc.required {
                    Need::Required
                } else if doc.needed_for.iter().any(|t| t.applies_to(application)) {
                    Need::ForDeclaredCondition
                } else {
                    Need::Optional
                };
                (doc, need)
            })
            .collect()
    }
}
