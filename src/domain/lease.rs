//! The lease an assignee signs after the decree: its number, parties, dwelling, dates, terms,
//! deposit and the rent it was signed at with the computation behind it; and the file the
//! office keeps on its way, from the contract ready to the signing appointment to the
//! signature.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::application::ApplicationId;
use super::appointment::AppointmentId;
use super::error::DomainError;
use super::money::Money;
use super::stock::{DwellingCode, Placement, Standing};
use super::time::format_date;

/// What the appointment for the signature is for, as the citizen reads it.
pub const SIGNING_SUBJECT: &str = "la firma del contratto di locazione";

/// The longest lease number the agency gives.
pub const NUMBER_MAX: usize = 30;

/// A lease's number as the agency gives it: words a person can read, on one line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LeaseNumber(String);

impl LeaseNumber {
    pub fn parse(input: &str) -> Result<LeaseNumber, DomainError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(DomainError::invalid("numero", "mancante"));
        }
        if text.chars().count() > NUMBER_MAX {
            return Err(DomainError::invalid(
                "numero",
                format!("al massimo {NUMBER_MAX} caratteri"),
            ));
        }
        if text.chars().any(char::is_control) {
            return Err(DomainError::invalid(
                "numero",
                "caratteri di controllo non ammessi",
            ));
        }
        Ok(LeaseNumber(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for LeaseNumber {
    type Error = DomainError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        LeaseNumber::parse(&value)
    }
}

impl From<LeaseNumber> for String {
    fn from(number: LeaseNumber) -> String {
        number.0
    }
}

impl std::fmt::Display for LeaseNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Duration, tacit renewal and deposit: parameters of the rent rules (3, 3 and 3 by default;
/// 5 years in Veneto).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseTerms {
    pub duration_years: u8,
    pub renewal_years: u8,
    pub deposit_months: u8,
}

impl Default for LeaseTerms {
    fn default() -> Self {
        LeaseTerms {
            duration_years: 3,
            renewal_years: 3,
            deposit_months: 3,
        }
    }
}

impl LeaseTerms {
    /// Terms a lease can be signed on: at least a year, nothing past what a lease runs.
    pub fn validate(self) -> Result<LeaseTerms, DomainError> {
        if !(1..=30).contains(&self.duration_years) {
            return Err(DomainError::invalid("durata", "da 1 a 30 anni"));
        }
        if self.renewal_years > 30 {
            return Err(DomainError::invalid("rinnovo", "al massimo 30 anni"));
        }
        if self.deposit_months > 12 {
            return Err(DomainError::invalid("deposito", "al massimo 12 mensilità"));
        }
        Ok(self)
    }
}

/// One step of the rent's computation, with the amount it leads to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RentLine {
    pub text: String,
    pub amount: Money,
}

/// The monthly rent a lease is signed at, and how the rent rules gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RentFigures {
    /// The version of the rent rules in force on the signing day.
    pub version: String,
    /// The ISEE band: protezione, accesso, permanenza, decadenza.
    pub band: String,
    pub steps: Vec<RentLine>,
    pub monthly: Money,
}

impl From<super::rent::RentComputation> for RentFigures {
    fn from(computation: super::rent::RentComputation) -> RentFigures {
        RentFigures {
            version: computation.version,
            band: computation.band,
            steps: computation
                .steps
                .into_iter()
                .map(|step| RentLine {
                    text: step.text,
                    amount: step.amount,
                })
                .collect(),
            monthly: computation.rent,
        }
    }
}

/// A change of the rent during the lease, as the yearly update records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RentChange {
    pub on: NaiveDate,
    pub from: Money,
    pub to: Money,
    pub version: String,
    pub reason: String,
    /// The ISEE band of the new rent; empty on changes recorded before bands were kept.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub band: String,
    /// How the rules gave the new rent, step by step.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<RentLine>,
}

impl RentChange {
    /// «gg/mm/aaaa: da X € a Y € (tabella V, fascia B): motivo», as the case and the lease
    /// say it after «dal».
    pub fn describe(&self) -> String {
        let band = if self.band.is_empty() {
            String::new()
        } else {
            format!(", fascia {}", self.band)
        };
        format!(
            "{}: da {} € a {} € (tabella {}{band}): {}",
            format_date(self.on),
            self.from.format_plain(),
            self.to.format_plain(),
            self.version,
            self.reason
        )
    }
}

/// The ISEE the tenant supplied for the yearly update of the rent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantIsee {
    pub isee: Money,
    /// The last day the attestation is valid: 31 December of its year.
    pub valid_until: NaiveDate,
    pub recorded_on: NaiveDate,
    pub recorded_by: String,
}

/// The tenant: the applicant who signs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tenant {
    /// Surname and name.
    pub name: String,
    pub fiscal_code: String,
}

/// A signed lease.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    pub number: LeaseNumber,
    pub application: ApplicationId,
    pub dwelling: DwellingCode,
    pub tenant: Tenant,
    pub household_size: usize,
    pub signed_on: NaiveDate,
    pub starts_on: NaiveDate,
    pub terms: LeaseTerms,
    pub rent: RentFigures,
    /// `terms.deposit_months` months of the monthly rent.
    pub deposit: Money,
    /// Who signed for the agency.
    pub signatory: String,
    /// In the order of their days; a later change on the same day corrects an earlier one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<RentChange>,
    /// The last ISEE the tenant supplied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isee: Option<TenantIsee>,
}

impl Lease {
    /// The day after the last of the first term: start plus the duration in years.
    pub fn ends_on(&self) -> NaiveDate {
        add_years(self.starts_on, self.terms.duration_years)
    }

    /// The end of the first tacit renewal.
    pub fn renewed_until(&self) -> NaiveDate {
        add_years(self.ends_on(), self.terms.renewal_years)
    }

    /// The monthly rent in force now: the last change's, or the one signed.
    pub fn current_rent(&self) -> Money {
        self.history.last().map_or(self.rent.monthly, |c| c.to)
    }

    /// The last change in force on `day`, if any.
    pub fn change_on(&self, day: NaiveDate) -> Option<&RentChange> {
        self.history.iter().rev().find(|c| c.on <= day)
    }

    /// The monthly rent in force on `day`: the last change by then, or the one signed.
    pub fn rent_on(&self, day: NaiveDate) -> Money {
        self.change_on(day).map_or(self.rent.monthly, |c| c.to)
    }

    /// The ISEE band of the rent in force on `day`.
    pub fn band_on(&self, day: NaiveDate) -> &str {
        self.change_on(day).map_or(&self.rent.band, |c| &c.band)
    }

    /// The version of the rent rules the rent in force on `day` was computed with.
    pub fn version_on(&self, day: NaiveDate) -> &str {
        self.change_on(day)
            .map_or(&self.rent.version, |c| &c.version)
    }

    /// The ISEE on file still valid on `day`.
    pub fn isee_on(&self, day: NaiveDate) -> Option<Money> {
        self.isee
            .as_ref()
            .filter(|isee| isee.valid_until >= day)
            .map(|isee| isee.isee)
    }
}

/// `months` months of `monthly`, or None past what an amount holds.
pub fn deposit(monthly: Money, months: u8) -> Option<Money> {
    monthly
        .cents()
        .checked_mul(u64::from(months))
        .map(Money::from_cents)
}

/// `day` plus `years` years; 29 February falls on 28 February of a common year.
pub fn add_years(day: NaiveDate, years: u8) -> NaiveDate {
    day.checked_add_months(Months::new(u32::from(years) * 12))
        .unwrap_or(NaiveDate::MAX)
}

/// What the office keeps of an assignee's lease on its way: the contract ready, the
/// appointment booked for the signature, the lease once signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractFile {
    pub application: ApplicationId,
    pub dwelling: DwellingCode,
    /// The last day the contract was announced ready for the signature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready_on: Option<NaiveDate>,
    /// The last appointment booked for the signature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing: Option<AppointmentId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease: Option<Lease>,
}

impl ContractFile {
    pub fn new(application: ApplicationId, dwelling: DwellingCode) -> ContractFile {
        ContractFile {
            application,
            dwelling,
            ready_on: None,
            signing: None,
            lease: None,
        }
    }
}

/// The assignment a lease follows: the decree's dwelling, day and term to sign and occupy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assigned<'a> {
    pub call: &'a str,
    pub dwelling: &'a DwellingCode,
    pub decree_on: NaiveDate,
    pub occupy_by: NaiveDate,
}

/// The assignment by decree of application `protocol` (its place in the round), with no lease
/// signed yet (its contract file): what every step of the lease needs.
pub fn lease_follows<'a>(
    protocol: &str,
    placement: Option<&'a Placement>,
    contract: Option<&ContractFile>,
    today: NaiveDate,
) -> Result<Assigned<'a>, DomainError> {
    let placement = placement.ok_or_else(|| {
        DomainError::invalid(
            "contratto",
            format!(
                "la domanda {protocol} non ha un alloggio assegnato: il contratto segue il \
                 provvedimento di assegnazione"
            ),
        )
    })?;
    let Standing::Assegnato {
        dwelling,
        decree_on,
        occupy_by,
    } = &placement.standing
    else {
        return Err(DomainError::invalid(
            "contratto",
            format!(
                "il richiedente è {}: il contratto segue il provvedimento di assegnazione",
                placement.status_text(today)
            ),
        ));
    };
    if let Some(lease) = contract.and_then(|c| c.lease.as_ref()) {
        return Err(DomainError::invalid(
            "contratto",
            format!(
                "contratto n. {} già firmato il {} per l'alloggio {}",
                lease.number,
                format_date(lease.signed_on),
                lease.dwelling
            ),
        ));
    }
    Ok(Assigned {
        call: &placement.call,
        dwelling,
        decree_on: *decree_on,
        occupy_by: *occupy_by,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn lease(starts_on: NaiveDate, terms: LeaseTerms) -> Lease {
        Lease {
            number: LeaseNumber::parse("ERAP-2025/0042").unwrap(),
            application: ApplicationId(1),
            dwelling: DwellingCode::parse("FM-001").unwrap(),
            tenant: Tenant {
                name: "Rossi Maria".into(),
                fiscal_code: "RSSMRA80A41D542X".into(),
            },
            household_size: 2,
            signed_on: starts_on,
            starts_on,
            terms,
            rent: RentFigures {
                version: "esempio-2025".into(),
                band: "accesso".into(),
                steps: Vec::new(),
                monthly: Money::from_cents(12_480),
            },
            deposit: Money::from_cents(37_440),
            signatory: "mrossi".into(),
            history: Vec::new(),
            isee: None,
        }
    }

    #[test]
    fn the_deposit_is_the_months_of_rent() {
        assert_eq!(
            deposit(Money::from_cents(12_480), 3),
            Some(Money::from_cents(37_440))
        );
        assert_eq!(deposit(Money::from_cents(12_480), 0), Some(Money::ZERO));
        assert_eq!(deposit(Money::from_cents(u64::MAX), 2), None);
    }

    #[test]
    fn the_lease_ends_its_duration_in_years_after_the_start_and_renews_for_its_renewal() {
        let l = lease(day(2025, 10, 1), LeaseTerms::default());
        assert_eq!(l.ends_on(), day(2028, 10, 1));
        assert_eq!(l.renewed_until(), day(2031, 10, 1));
        let veneto = lease(
            day(2024, 2, 29),
            LeaseTerms {
                duration_years: 5,
                renewal_years: 5,
                deposit_months: 3,
            },
        );
        assert_eq!(veneto.ends_on(), day(2029, 2, 28));
        assert_eq!(veneto.renewed_until(), day(2034, 2, 28));
    }

    #[test]
    fn the_rent_in_force_is_the_last_change() {
        let mut l = lease(day(2025, 10, 1), LeaseTerms::default());
        assert_eq!(l.current_rent(), Money::from_cents(12_480));
        l.history.push(RentChange {
            on: day(2026, 10, 1),
            from: Money::from_cents(12_480),
            to: Money::from_cents(13_000),
            version: "esempio-2026".into(),
            reason: "ISEE 2026".into(),
            band: "permanenza".into(),
            steps: Vec::new(),
        });
        assert_eq!(l.current_rent(), Money::from_cents(13_000));
    }

    #[test]
    fn the_rent_on_a_day_is_the_last_change_by_then_or_the_one_signed() {
        let mut l = lease(day(2025, 10, 1), LeaseTerms::default());
        let change = |on, cents, band: &str| RentChange {
            on,
            from: Money::from_cents(12_480),
            to: Money::from_cents(cents),
            version: "esempio-2026".into(),
            reason: "aggiornamento annuale".into(),
            band: band.into(),
            steps: Vec::new(),
        };
        l.history
            .push(change(day(2026, 10, 1), 13_000, "permanenza"));
        l.history
            .push(change(day(2027, 10, 1), 9_000, "protezione"));
        // A correction on the same day wins over the first.
        l.history.push(change(day(2027, 10, 1), 9_500, "accesso"));
        assert_eq!(l.rent_on(day(2026, 9, 30)), Money::from_cents(12_480));
        assert_eq!(l.band_on(day(2026, 9, 30)), "accesso");
        assert_eq!(l.version_on(day(2026, 9, 30)), "esempio-2025");
        assert_eq!(l.rent_on(day(2026, 10, 1)), Money::from_cents(13_000));
        assert_eq!(l.band_on(day(2027, 9, 30)), "permanenza");
        assert_eq!(l.rent_on(day(2027, 10, 1)), Money::from_cents(9_500));
        assert_eq!(l.band_on(day(2030, 1, 1)), "accesso");
    }

    #[test]
    fn the_isee_on_file_counts_until_it_expires() {
        let mut l = lease(day(2025, 10, 1), LeaseTerms::default());
        assert_eq!(l.isee_on(day(2026, 10, 1)), None);
        l.isee = Some(TenantIsee {
            isee: Money::from_cents(1_234_567),
            valid_until: day(2026, 12, 31),
            recorded_on: day(2026, 9, 1),
            recorded_by: "mrossi".into(),
        });
        assert_eq!(
            l.isee_on(day(2026, 12, 31)),
            Some(Money::from_cents(1_234_567))
        );
        assert_eq!(l.isee_on(day(2027, 1, 1)), None);
    }

    #[test]
    fn a_lease_number_is_short_readable_text() {
        assert_eq!(
            LeaseNumber::parse("  ERAP 12/2025 ").unwrap().as_str(),
            "ERAP 12/2025"
        );
        assert!(LeaseNumber::parse("  ").is_err());
        assert!(LeaseNumber::parse(&"x".repeat(31)).is_err());
        assert!(LeaseNumber::parse(&"x".repeat(30)).is_ok());
        assert!(LeaseNumber::parse("12\n34").is_err());
        assert!(serde_json::from_str::<LeaseNumber>("\"\"").is_err());
    }

    #[test]
    fn terms_outside_a_lease_are_refused() {
        assert!(LeaseTerms::default().validate().is_ok());
        let zero = LeaseTerms {
            duration_years: 0,
            ..LeaseTerms::default()
        };
        assert!(zero.validate().is_err());
        let deposit = LeaseTerms {
            deposit_months: 13,
            ..LeaseTerms::default()
        };
        assert!(deposit.validate().is_err());
    }
}
