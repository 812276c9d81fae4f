//! A dwelling of the stock, as the agency's register describes it.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::DomainError;

use crate::domain::error::shown;

/// A floor area in hundredths of a square metre: the register gives areas to the cent of m²,
/// and the rent is computed from them to the cent of euro.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Area(u32);

impl Area {
    /// Larger areas are a typo: no public dwelling has 10.000 m².
    pub const MAX_M2: u32 = 9_999;

    pub const fn from_hundredths(hundredths: u32) -> Area {
        Area(hundredths)
    }

    pub const fn from_m2(m2: u32) -> Area {
        Area(m2 * 100)
    }

    pub const fn hundredths(self) -> u32 {
        self.0
    }

    /// Parses an area typed the Italian way: `52`, `52,5`, `52,50` (m², up to two decimals).
    pub fn parse(input: &str) -> Result<Area, DomainError> {
        let text = input
            .trim()
            .trim_end_matches("m²")
            .trim_end_matches("mq")
            .trim();
        let invalid = |why: &str| {
            DomainError::invalid(
                "superficie",
                format!("«{}» non valida: {why} (es. 52 o 52,50)", shown(input)),
            )
        };
        if text.is_empty() {
            return Err(invalid("mancante"));
        }
        let (whole, decimals) = match text.split_once(',') {
            Some((whole, decimals)) => (whole, decimals),
            None if text.contains('.') => return Err(invalid("usare la virgola per i decimali")),
            None => (text, ""),
        };
        if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid("servono cifre"));
        }
        if decimals.len() > 2 || !decimals.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid("al massimo due decimali"));
        }
        let whole: u32 = whole
            .parse()
            .ok()
            .filter(|m2| *m2 <= Area::MAX_M2)
            .ok_or_else(|| invalid("oltre 9.999 m²"))?;
        let mut hundredths: u32 = decimals.parse().unwrap_or(0);
        if decimals.len() == 1 {
            hundredths *= 10;
        }
        Ok(Area(whole * 100 + hundredths))
    }
}

impl fmt::Display for Area {
    /// `52,50 m²`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{:02} m²", self.0 / 100, self.0 % 100)
    }
}

/// The register's code of a dwelling: letters, digits and `-/.`, at most 20 characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DwellingCode(String);

impl DwellingCode {
    pub const MAX: usize = 20;

    pub fn parse(input: &str) -> Result<DwellingCode, DomainError> {
        let code = input.trim().to_uppercase();
        let fits = !code.is_empty()
            && code.chars().count() <= DwellingCode::MAX
            && code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | '.'));
        if fits {
            Ok(DwellingCode(code))
        } else {
            Err(DomainError::invalid(
                "codice",
                format!(
                    "«{}» non valido: da 1 a {} lettere, cifre o - / .",
                    shown(input),
                    DwellingCode::MAX
                ),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DwellingCode {
    type Error = DomainError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        DwellingCode::parse(&value)
    }
}

impl From<DwellingCode> for String {
    fn from(code: DwellingCode) -> String {
        code.0
    }
}

impl fmt::Display for DwellingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a dwelling stands: only a free one may be offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DwellingState {
    Libero,
    InLavori,
    Proposto,
    Locato,
    NonAssegnabile,
}

impl DwellingState {
    pub const ALL: [DwellingState; 5] = [
        DwellingState::Libero,
        DwellingState::InLavori,
        DwellingState::Proposto,
        DwellingState::Locato,
        DwellingState::NonAssegnabile,
    ];

    /// The word of the command line and of the import file.
    pub fn code(self) -> &'static str {
        match self {
            DwellingState::Libero => "libero",
            DwellingState::InLavori => "in-lavori",
            DwellingState::Proposto => "proposto",
            DwellingState::Locato => "locato",
            DwellingState::NonAssegnabile => "non-assegnabile",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DwellingState::Libero => "libero",
            DwellingState::InLavori => "in lavori",
            DwellingState::Proposto => "proposto",
            DwellingState::Locato => "locato",
            DwellingState::NonAssegnabile => "non assegnabile",
        }
    }

    pub fn parse(input: &str) -> Result<DwellingState, DomainError> {
        let word = input.trim().to_lowercase().replace(' ', "-");
        DwellingState::ALL
            .into_iter()
            .find(|state| state.code() == word)
            .ok_or_else(|| {
                DomainError::invalid(
                    "stato",
                    format!(
                        "«{}» non valido (ammessi: libero, in-lavori, proposto, locato, \
                         non-assegnabile)",
                        shown(input)
                    ),
                )
            })
    }
}

/// Who owns the dwelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Owner {
    Comune,
    /// The managing agency (ERAP, ACER, ALER, ATER).
    Ente,
}

impl Owner {
    pub fn parse(input: &str) -> Result<Owner, DomainError> {
        match input.trim().to_lowercase().as_str() {
            "comune" => Ok(Owner::Comune),
            "ente" | "erap" | "acer" | "aler" | "ater" => Ok(Owner::Ente),
            _ => Err(DomainError::invalid(
                "proprietà",
                format!("«{}» non valida (ammesse: comune, ente)", shown(input)),
            )),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Owner::Comune => "Comune",
            Owner::Ente => "ente gestore",
        }
    }
}

/// The zone the rent's €/m² depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Zone {
    Bassa,
    Media,
    Alta,
}

impl Zone {
    pub fn parse(input: &str) -> Result<Zone, DomainError> {
        match input.trim().to_lowercase().as_str() {
            "bassa" => Ok(Zone::Bassa),
            "media" => Ok(Zone::Media),
            "alta" => Ok(Zone::Alta),
            _ => Err(DomainError::invalid(
                "zona",
                format!(
                    "«{}» non valida (ammesse: bassa, media, alta)",
                    shown(input)
                ),
            )),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Zone::Bassa => "bassa",
            Zone::Media => "media",
            Zone::Alta => "alta",
        }
    }
}

/// The energy performance class of the certificate (APE).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum EnergyClass {
    A4,
    A3,
    A2,
    A1,
    B,
    C,
    D,
    E,
    F,
    G,
}

impl EnergyClass {
    const ALL: [(EnergyClass, &'static str); 10] = [
        (EnergyClass::A4, "A4"),
        (EnergyClass::A3, "A3"),
        (EnergyClass::A2, "A2"),
        (EnergyClass::A1, "A1"),
        (EnergyClass::B, "B"),
        (EnergyClass::C, "C"),
        (EnergyClass::D, "D"),
        (EnergyClass::E, "E"),
        (EnergyClass::F, "F"),
        (EnergyClass::G, "G"),
    ];

    pub fn parse(input: &str) -> Result<EnergyClass, DomainError> {
        let word = input.trim().to_uppercase();
        EnergyClass::ALL
            .into_iter()
            .find(|(_, code)| *code == word)
            .map(|(class, _)| class)
            .ok_or_else(|| {
                DomainError::invalid(
                    "classe energetica",
                    format!("«{}» non valida (da A4 a G)", shown(input)),
                )
            })
    }

    pub fn label(self) -> &'static str {
        EnergyClass::ALL
            .into_iter()
            .find(|(class, _)| *class == self)
            .map_or("", |(_, code)| code)
    }
}

/// A dwelling of the stock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dwelling {
    pub code: DwellingCode,
    pub owner: Owner,
    pub address: String,
    pub staircase: Option<String>,
    /// 0 the ground floor, negative below it.
    pub floor: i8,
    pub lift: bool,
    /// Superficie utile: what adequacy and the rent are computed on.
    pub net_area: Area,
    pub conventional_area: Area,
    /// Vani.
    pub rooms: u8,
    /// Without architectural barriers.
    pub accessible: bool,
    pub energy_class: Option<EnergyClass>,
    pub year_built: Option<u16>,
    pub zone: Zone,
    pub state: DwellingState,
    /// The day it became vacant: vacancy days are counted from it.
    pub vacant_since: Option<NaiveDate>,
}

impl Dwelling {
    /// Whether someone who cannot climb stairs reaches it.
    pub fn step_free(&self) -> bool {
        self.accessible || self.floor == 0 || self.lift
    }

    /// Days empty as of `today`, for a dwelling not let.
    pub fn vacancy_days(&self, today: NaiveDate) -> Option<i64> {
        match self.state {
            DwellingState::Locato => None,
            _ => self
                .vacant_since
                .map(|since| (today - since).num_days().max(0)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn areas_are_read_the_italian_way_to_the_hundredth() {
        assert_eq!(Area::parse("52"), Ok(Area::from_hundredths(5_200)));
        assert_eq!(Area::parse("52,5"), Ok(Area::from_hundredths(5_250)));
        assert_eq!(Area::parse(" 52,05 m² "), Ok(Area::from_hundredths(5_205)));
        assert_eq!(Area::parse("9999,99"), Ok(Area::from_hundredths(999_999)));
        for bad in ["", "52.5", "52,555", "-3", "abc", "10000", ",5", "5,a"] {
            assert!(Area::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Area::from_hundredths(5_205).to_string(), "52,05 m²");
    }

    #[test]
    fn codes_states_zones_and_classes_are_read_and_refused_in_italian() {
        assert_eq!(
            DwellingCode::parse(" an-012/b ").map(|c| c.to_string()),
            Ok("AN-012/B".into())
        );
        assert!(DwellingCode::parse("").is_err());
        assert!(DwellingCode::parse("A B").is_err());
        assert!(DwellingCode::parse(&"A".repeat(21)).is_err());
        for state in DwellingState::ALL {
            assert_eq!(DwellingState::parse(state.code()), Ok(state));
        }
        assert_eq!(
            DwellingState::parse("Non assegnabile"),
            Ok(DwellingState::NonAssegnabile)
        );
        let err = DwellingState::parse("occupato").unwrap_err().to_string();
        assert!(err.contains("ammessi: libero"), "{err}");
        assert_eq!(Zone::parse("Media"), Ok(Zone::Media));
        assert!(Zone::parse("centro").is_err());
        assert_eq!(EnergyClass::parse("a4"), Ok(EnergyClass::A4));
        assert_eq!(EnergyClass::G.label(), "G");
        assert!(EnergyClass::parse("H").is_err());
        assert_eq!(Owner::parse("ERAP"), Ok(Owner::Ente));
    }

    #[test]
    fn vacancy_counts_from_the_day_it_was_left_and_not_once_let() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 3, d).unwrap_or_default();
        let mut dwelling =
            crate::domain::stock::adequacy::tests::dwelling(50, DwellingState::Libero);
        dwelling.vacant_since = Some(day(1));
        assert_eq!(dwelling.vacancy_days(day(11)), Some(10));
        dwelling.state = DwellingState::Locato;
        assert_eq!(dwelling.vacancy_days(day(11)), None);
    }
}
