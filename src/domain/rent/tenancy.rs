//! What the office decided about a tenant's arrears: the flag for the decadenza procedure,
//! arrears recognised as not the tenant's fault (morosità incolpevole), a repayment plan.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::month::Month;
use crate::domain::ApplicationId;
use crate::domain::error::DomainError;
use crate::domain::money::Money;

/// The causes of a proven loss of income that make arrears *incolpevole* (DM 14/5/2014).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum InnocentCause {
    Licenziamento,
    RiduzioneOrario,
    ContrattoNonRinnovato,
    CessazioneAttivita,
    MalattiaGrave,
    DecessoComponente,
}

impl InnocentCause {
    pub const ALL: [InnocentCause; 6] = [
        InnocentCause::Licenziamento,
        InnocentCause::RiduzioneOrario,
        InnocentCause::ContrattoNonRinnovato,
        InnocentCause::CessazioneAttivita,
        InnocentCause::MalattiaGrave,
        InnocentCause::DecessoComponente,
    ];

    pub fn code(self) -> &'static str {
        match self {
            InnocentCause::Licenziamento => "licenziamento",
            InnocentCause::RiduzioneOrario => "riduzione-orario",
            InnocentCause::ContrattoNonRinnovato => "contratto-non-rinnovato",
            InnocentCause::CessazioneAttivita => "cessazione-attivita",
            InnocentCause::MalattiaGrave => "malattia-grave",
            InnocentCause::DecessoComponente => "decesso",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            InnocentCause::Licenziamento => "perdita del lavoro per licenziamento",
            InnocentCause::RiduzioneOrario => "riduzione dell'orario di lavoro",
            InnocentCause::ContrattoNonRinnovato => "contratto a termine non rinnovato",
            InnocentCause::CessazioneAttivita => {
                "cessazione dell'attività professionale o d'impresa"
            }
            InnocentCause::MalattiaGrave => "malattia grave di un componente del nucleo",
            InnocentCause::DecessoComponente => "decesso di un componente del nucleo",
        }
    }

    pub fn parse(input: &str) -> Result<InnocentCause, DomainError> {
        let text = input.trim().to_lowercase();
        InnocentCause::ALL
            .into_iter()
            .find(|cause| cause.code() == text)
            .ok_or_else(|| {
                DomainError::invalid(
                    "causa",
                    format!(
                        "«{}» non ammessa: {}",
                        crate::domain::error::shown(input),
                        InnocentCause::ALL.map(|c| c.code()).join(", ")
                    ),
                )
            })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InnocentArrears {
    pub cause: InnocentCause,
    /// The documents that prove it, as the caseworker names them.
    pub evidence: String,
    pub recorded_on: NaiveDate,
    pub recorded_by: String,
}

/// Arrears spread over instalments added to the following notices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepaymentPlan {
    pub total: Money,
    pub instalments: u8,
    /// Each instalment; the last one takes the remainder of the division.
    pub instalment: Money,
    /// The month of the first notice carrying an instalment.
    pub from: Month,
    /// Instalments added to notices so far.
    pub added: u8,
    pub agreed_on: NaiveDate,
    pub agreed_by: String,
}

impl RepaymentPlan {
    /// The instalments of `total` over `count` notices: equal, the last taking the remainder.
    pub fn split(total: Money, count: u8) -> Money {
        Money::from_cents(total.cents() / u64::from(count.max(1)))
    }

    /// The instalment the next notice carries, `None` once all are added.
    pub fn next_instalment(&self) -> Option<Money> {
        if self.added >= self.instalments {
            return None;
        }
        if self.added + 1 == self.instalments {
            let before = self.instalment.cents() * u64::from(self.instalments - 1);
            return Some(Money::from_cents(self.total.cents().saturating_sub(before)));
        }
        Some(self.instalment)
    }

    pub fn is_complete(&self) -> bool {
        self.added >= self.instalments
    }
}

/// The office's record of one tenancy's arrears.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tenancy {
    pub id: ApplicationId,
    /// Flagged for the decadenza procedure on that day, with the months then in arrears.
    #[serde(default)]
    pub flagged: Option<(NaiveDate, u32)>,
    #[serde(default)]
    pub innocent: Option<InnocentArrears>,
    #[serde(default)]
    pub plan: Option<RepaymentPlan>,
}

impl Tenancy {
    pub fn new(id: ApplicationId) -> Tenancy {
        Tenancy {
            id,
            flagged: None,
            innocent: None,
            plan: None,
        }
    }

    /// Why the decadenza procedure does not start for these arrears, if something stops it.
    pub fn suspension(&self) -> Option<String> {
        if let Some(innocent) = &self.innocent {
            return Some(format!("morosità incolpevole: {}", innocent.cause.label()));
        }
        if let Some(plan) = self.plan.as_ref().filter(|p| !p.is_complete()) {
            return Some(format!(
                "piano di rientro in {} rate ({} addebitate)",
                plan.instalments, plan.added
            ));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(total: u64, count: u8) -> RepaymentPlan {
        RepaymentPlan {
            total: Money::from_cents(total),
            instalments: count,
            instalment: RepaymentPlan::split(Money::from_cents(total), count),
            from: Month::parse("2026-01").unwrap(),
            added: 0,
            agreed_on: NaiveDate::from_ymd_opt(2025, 12, 20).unwrap(),
            agreed_by: "op".into(),
        }
    }

    #[test]
    fn the_instalments_add_up_to_the_total_the_last_taking_the_remainder() {
        // 1.000,00 € in 3: 333,33 + 333,33 + 333,34.
        let mut p = plan(100_000, 3);
        let mut sum = 0;
        let mut seen = Vec::new();
        while let Some(instalment) = p.next_instalment() {
            sum += instalment.cents();
            seen.push(instalment.cents());
            p.added += 1;
        }
        assert_eq!(seen, [33_333, 33_333, 33_334]);
        assert_eq!(sum, 100_000);
        assert!(p.is_complete());
    }

    #[test]
    fn causes_parse_from_their_codes_only() {
        for cause in InnocentCause::ALL {
            assert_eq!(InnocentCause::parse(cause.code()).unwrap(), cause);
        }
        assert!(InnocentCause::parse("pigrizia").is_err());
    }
}
