//! The nucleo familiare and what the applicant declares about it.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::error::DomainError;
use super::fiscal_code::PersonFiscalCode;
use super::money::Money;
use super::time::age_on;

/// The largest household the form accepts; larger ones are almost surely a data error.
pub const MAX_MEMBERS: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    Richiedente,
    Coniuge,
    /// Cohabiting partner or other cohabitant for at least two years.
    Convivente,
    Figlio,
    Genitore,
    Fratello,
    AltroParente,
    /// Dependent for IRPEF purposes without another tie.
    ACarico,
}

impl Relation {
    pub const ALL: [Relation; 8] = [
        Relation::Richiedente,
        Relation::Coniuge,
        Relation::Convivente,
        Relation::Figlio,
        Relation::Genitore,
        Relation::Fratello,
        Relation::AltroParente,
        Relation::ACarico,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Relation::Richiedente => "richiedente",
            Relation::Coniuge => "coniuge",
            Relation::Convivente => "convivente",
            Relation::Figlio => "figlio",
            Relation::Genitore => "genitore",
            Relation::Fratello => "fratello",
            Relation::AltroParente => "altro_parente",
            Relation::ACarico => "a_carico",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Relation::Richiedente => "richiedente",
            Relation::Coniuge => "coniuge",
            Relation::Convivente => "convivente",
            Relation::Figlio => "figlio/a",
            Relation::Genitore => "genitore",
            Relation::Fratello => "fratello/sorella",
            Relation::AltroParente => "altro parente",
            Relation::ACarico => "a carico IRPEF",
        }
    }

    pub fn parse(input: &str) -> Result<Relation, DomainError> {
        let wanted = input.trim().to_lowercase().replace([' ', '-'], "_");
        let wanted = match wanted.as_str() {
            "figlia" => "figlio",
            "sorella" => "fratello",
            other => other,
        };
        Relation::ALL
            .into_iter()
            .find(|r| r.code() == wanted)
            .ok_or_else(|| {
                DomainError::invalid(
                    "relazione",
                    format!(
                        "'{}' sconosciuta: usa {}",
                        input.trim(),
                        Relation::ALL.map(Relation::code).join(", ")
                    ),
                )
            })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub fiscal_code: PersonFiscalCode,
    pub surname: String,
    pub name: String,
    pub relation: Relation,
    pub birth_date: NaiveDate,
    /// Recognised invalidity, 0 when none.
    #[serde(default)]
    pub disability_pct: u8,
    /// Indennità di accompagnamento.
    #[serde(default)]
    pub accompaniment: bool,
    /// Cannot climb stairs: the household is offered dwellings reached without them. Written
    /// only when set, so members stored before it keep their bytes.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub motor_disability: bool,
    /// Yearly income, when declared.
    #[serde(default)]
    pub income: Option<Money>,
}

impl Member {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.surname, self.name)
    }

    pub fn validate(&self) -> Result<(), DomainError> {
        super::limits::check_name("cognome", &self.surname)?;
        super::limits::check_name("nome", &self.name)?;
        if self.surname.trim().is_empty() {
            return Err(DomainError::invalid("cognome", "mancante"));
        }
        if self.name.trim().is_empty() {
            return Err(DomainError::invalid("nome", "mancante"));
        }
        if self.disability_pct > 100 {
            return Err(DomainError::invalid(
                "invalidita",
                "percentuale tra 0 e 100",
            ));
        }
        if self.accompaniment && self.disability_pct < 100 {
            return Err(DomainError::invalid(
                "accompagnamento",
                "spetta solo con invalidità al 100%",
            ));
        }
        let (day, month) = self.fiscal_code.birth_day_month();
        let year = u32::try_from(self.birth_date.year().rem_euclid(100)).unwrap_or(u32::MAX);
        let year_matches = self.fiscal_code.birth_year_two_digits() == year;
        if day != self.birth_date.day() || month != self.birth_date.month() || !year_matches {
            return Err(DomainError::invalid(
                "data_nascita",
                format!(
                    "non corrisponde al codice fiscale {}",
                    self.fiscal_code.as_str()
                ),
            ));
        }
        Ok(())
    }
}

/// The household: the applicant first, then the other members; no person twice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<Member>", into = "Vec<Member>")]
pub struct Household {
    members: Vec<Member>,
}

impl TryFrom<Vec<Member>> for Household {
    type Error = DomainError;
    fn try_from(members: Vec<Member>) -> Result<Self, DomainError> {
        Household::new(members)
    }
}

impl From<Household> for Vec<Member> {
    fn from(h: Household) -> Self {
        h.members
    }
}

impl Household {
    pub fn new(members: Vec<Member>) -> Result<Self, DomainError> {
        let Some(first) = members.first() else {
            return Err(DomainError::invalid("nucleo", "manca il richiedente"));
        };
        if first.relation != Relation::Richiedente {
            return Err(DomainError::invalid(
                "nucleo",
                "il primo componente deve essere il richiedente",
            ));
        }
        if members.len() > MAX_MEMBERS {
            return Err(DomainError::invalid(
                "nucleo",
                format!("al massimo {MAX_MEMBERS} componenti"),
            ));
        }
        let mut seen = BTreeSet::new();
        let mut spouses = 0;
        for (i, member) in members.iter().enumerate() {
            member.validate()?;
            if i > 0 && member.relation == Relation::Richiedente {
                return Err(DomainError::invalid(
                    "nucleo",
                    "un solo componente può essere il richiedente",
                ));
            }
            if member.relation == Relation::Coniuge {
                spouses += 1;
            }
            if !seen.insert(member.fiscal_code.as_str()) {
                return Err(DomainError::invalid(
                    "nucleo",
                    format!("{} compare due volte", member.fiscal_code.as_str()),
                ));
            }
        }
        if spouses > 1 {
            return Err(DomainError::invalid("nucleo", "al massimo un coniuge"));
        }
        Ok(Household { members })
    }

    pub fn members(&self) -> &[Member] {
        &self.members
    }

    pub fn applicant(&self) -> &Member {
        // `new` guarantees a first member.
        &self.members[0]
    }

    pub fn len(&self) -> usize {
        self.members.len()
    }

    pub fn is_empty(&self) -> bool {
        false
    }

    pub fn with_member(&self, member: Member) -> Result<Household, DomainError> {
        let mut members = self.members.clone();
        members.push(member);
        Household::new(members)
    }

    pub fn without_member(&self, fiscal_code: &PersonFiscalCode) -> Result<Household, DomainError> {
        if self.applicant().fiscal_code == *fiscal_code {
            return Err(DomainError::invalid(
                "nucleo",
                "il richiedente non può essere tolto dal nucleo",
            ));
        }
        let before = self.members.len();
        let members: Vec<Member> = self
            .members
            .iter()
            .filter(|m| m.fiscal_code != *fiscal_code)
            .cloned()
            .collect();
        if members.len() == before {
            return Err(DomainError::invalid(
                "nucleo",
                format!("{} non fa parte del nucleo", fiscal_code.as_str()),
            ));
        }
        Household::new(members)
    }

    pub fn ages_on(&self, date: NaiveDate) -> Vec<u32> {
        self.members
            .iter()
            .map(|m| age_on(m.birth_date, date))
            .collect()
    }

    pub fn minors_on(&self, date: NaiveDate) -> usize {
        self.ages_on(date).into_iter().filter(|a| *a < 18).count()
    }
}

/// Minimum usable floor area (m²) of a dwelling adequate for a household of `size` people.
pub fn adequate_area_m2(size: usize) -> u16 {
    match size {
        0 | 1 => 30,
        2 => 45,
        3 => 54,
        4 => 63,
        5 => 80,
        _ => 90,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Citizenship {
    Italiana,
    Ue,
    ExtraUeLungoPeriodo,
    ExtraUePermessoBiennale,
}

impl Citizenship {
    pub const ALL: [Citizenship; 4] = [
        Citizenship::Italiana,
        Citizenship::Ue,
        Citizenship::ExtraUeLungoPeriodo,
        Citizenship::ExtraUePermessoBiennale,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Citizenship::Italiana => "italiana",
            Citizenship::Ue => "ue",
            Citizenship::ExtraUeLungoPeriodo => "extra_ue_lungo_periodo",
            Citizenship::ExtraUePermessoBiennale => "extra_ue_permesso_biennale",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Citizenship::Italiana => "italiana",
            Citizenship::Ue => "UE",
            Citizenship::ExtraUeLungoPeriodo => "extra UE, soggiornante di lungo periodo",
            Citizenship::ExtraUePermessoBiennale => "extra UE, permesso almeno biennale",
        }
    }

    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let wanted = input.trim().to_lowercase();
        Citizenship::ALL
            .into_iter()
            .find(|c| c.code() == wanted)
            .ok_or_else(|| {
                DomainError::invalid(
                    "cittadinanza",
                    format!(
                        "'{}' sconosciuta: usa {}",
                        input.trim(),
                        Citizenship::ALL.map(Citizenship::code).join(", ")
                    ),
                )
            })
    }
}

/// How the applicant is tied to the Comune (access requirement).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComuneTie {
    Residenza,
    Lavoro,
}

impl ComuneTie {
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        match input.trim().to_lowercase().as_str() {
            "residenza" => Ok(ComuneTie::Residenza),
            "lavoro" => Ok(ComuneTie::Lavoro),
            other => Err(DomainError::invalid(
                "legame_comune",
                format!("'{other}' sconosciuto: usa residenza o lavoro"),
            )),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ComuneTie::Residenza => "residenza",
            ComuneTie::Lavoro => "lavoro",
        }
    }
}

/// Housing conditions the applicant may declare (DOMAIN.md §4, objective block).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// Improper dwelling for at least two years.
    AlloggioImproprio,
    /// Precarious accommodation arranged by public assistance.
    SistemazionePrecaria,
    /// Eviction or release order not due to arrears.
    OrdineRilascio,
    AlloggioAntigienico,
    /// Current home below the m² table for the household.
    AlloggioInadeguato,
    CoabitazioneParenti,
    CoabitazioneNonParenti,
}

impl Condition {
    pub const ALL: [Condition; 7] = [
        Condition::AlloggioImproprio,
        Condition::SistemazionePrecaria,
        Condition::OrdineRilascio,
        Condition::AlloggioAntigienico,
        Condition::AlloggioInadeguato,
        Condition::CoabitazioneParenti,
        Condition::CoabitazioneNonParenti,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Condition::AlloggioImproprio => "alloggio_improprio",
            Condition::SistemazionePrecaria => "sistemazione_precaria",
            Condition::OrdineRilascio => "ordine_rilascio",
            Condition::AlloggioAntigienico => "alloggio_antigienico",
            Condition::AlloggioInadeguato => "alloggio_inadeguato",
            Condition::CoabitazioneParenti => "coabitazione_parenti",
            Condition::CoabitazioneNonParenti => "coabitazione_non_parenti",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Condition::AlloggioImproprio => "alloggio improprio",
            Condition::SistemazionePrecaria => "sistemazione precaria",
            Condition::OrdineRilascio => "ordine di rilascio",
            Condition::AlloggioAntigienico => "alloggio antigienico",
            Condition::AlloggioInadeguato => "alloggio inadeguato",
            Condition::CoabitazioneParenti => "coabitazione con parenti",
            Condition::CoabitazioneNonParenti => "coabitazione con non parenti",
        }
    }

    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let wanted = input.trim().to_lowercase();
        Condition::ALL
            .into_iter()
            .find(|c| c.code() == wanted)
            .ok_or_else(|| {
                DomainError::invalid(
                    "condizioni",
                    format!(
                        "'{}' sconosciuta: usa {}",
                        input.trim(),
                        Condition::ALL.map(Condition::code).join(", ")
                    ),
                )
            })
    }
}

/// The marca da bollo the application carries, or the ground for exemption.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "tipo")]
pub enum StampDuty {
    Marca { identifier: String, date: NaiveDate },
    Esente { ground: String },
}

impl StampDuty {
    /// The marca da bollo identifier is the 14-digit code printed on it.
    pub fn marca(identifier: &str, date: NaiveDate) -> Result<Self, DomainError> {
        let identifier = identifier.trim();
        if identifier.len() != 14 || !identifier.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DomainError::invalid(
                "marca_da_bollo",
                "l'identificativo della marca ha 14 cifre",
            ));
        }
        Ok(StampDuty::Marca {
            identifier: identifier.to_string(),
            date,
        })
    }
}

/// What the applicant declares on the form; each item is verified later by the caseworker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Declaration {
    pub citizenship: Citizenship,
    pub tie: ComuneTie,
    pub isee: Money,
    /// Years of residence in the Comune at the reference date.
    #[serde(default)]
    pub residence_years: u8,
    /// Usable floor area of the current home, when declared.
    #[serde(default)]
    pub current_home_m2: Option<u16>,
    #[serde(default)]
    pub conditions: BTreeSet<Condition>,
    pub stamp_duty: StampDuty,
}

impl Declaration {
    pub fn has(&self, condition: Condition) -> bool {
        self.conditions.contains(&condition)
    }

    pub fn validate(&self, household_size: usize) -> Result<(), DomainError> {
        if self.has(Condition::CoabitazioneParenti) && self.has(Condition::CoabitazioneNonParenti) {
            return Err(DomainError::invalid(
                "condizioni",
                "coabitazione con parenti e con non parenti si escludono",
            ));
        }
        if self.has(Condition::AlloggioInadeguato) {
            match self.current_home_m2 {
                None => {
                    return Err(DomainError::invalid(
                        "superficie_mq",
                        "serve la superficie dell'alloggio attuale per dichiararlo inadeguato",
                    ));
                }
                Some(m2) if m2 >= adequate_area_m2(household_size) => {
                    return Err(DomainError::invalid(
                        "superficie_mq",
                        format!(
                            "{m2} m² è adeguato per {household_size} persone (minimo {} m²)",
                            adequate_area_m2(household_size)
                        ),
                    ));
                }
                Some(_) => {}
            }
        }
        Ok(())
    }
}
