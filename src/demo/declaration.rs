//! What an applicant declares and how to reach them: citizenship, tie to the Comune, ISEE,
//! housing conditions, stamp duty; address, e-mail and phone.

use chrono::{Datelike, NaiveDate};
use rand::Rng;

use crate::domain::contact::{Address, Contact};
use crate::domain::household::{
    Citizenship, ComuneTie, Condition, Declaration, Household, Member, StampDuty, adequate_area_m2,
};
use crate::domain::money::Money;
use crate::store::StoreError;

use super::calendar::{add_days, age_on};
use super::lifecycle::Demo;
use super::people::Origin;
use super::random::pick;
use super::{DemoError, FERMO};

/// Italian mobile prefixes, for the phone numbers.
const MOBILE_PREFIXES: [u32; 24] = [
    320, 328, 329, 331, 333, 334, 335, 338, 339, 340, 342, 345, 347, 348, 349, 351, 360, 366, 368,
    370, 380, 388, 389, 392,
];

impl Demo<'_> {
    pub(super) fn contact(&mut self, applicant: &Member) -> Contact {
        let street = pick(&mut self.rng, &self.tables.streets);
        let number = self.rng.random_range(1..=140u32);
        let email = self.rng.random_bool(0.55).then(|| {
            let local = format!(
                "{}.{}",
                ascii_lower(&applicant.name),
                ascii_lower(&applicant.surname)
            );
            if self.rng.random_bool(0.4) {
                format!(
                    "{local}{:02}@example.it",
                    applicant.birth_date.year().rem_euclid(100)
                )
            } else {
                format!("{local}@example.it")
            }
        });
        let phone = self.rng.random_bool(0.7).then(|| {
            let prefix = pick(&mut self.rng, &MOBILE_PREFIXES);
            let number = self.rng.random_range(1_000_000..10_000_000u32);
            format!("+39 {prefix} {number}")
        });
        Contact {
            email,
            phone,
            address: Address {
                street: format!("{street} {number}"),
                postcode: "63900".into(),
                municipality: "Fermo".into(),
                province: "FM".into(),
            },
        }
    }

    pub(super) fn declaration(
        &mut self,
        household: &Household,
        origin: Origin,
        received: NaiveDate,
    ) -> Result<Declaration, DemoError> {
        let applicant = household.applicant();
        let size = household.len();
        let age = age_on(applicant.birth_date, received);
        let born_abroad = applicant.fiscal_code.belfiore().starts_with('Z');
        let citizenship = match origin {
            Origin::Italy => Citizenship::Italiana,
            _ if !born_abroad || self.rng.random_bool(0.1) => Citizenship::Italiana,
            Origin::Abroad(community, _) if community.eu => Citizenship::Ue,
            Origin::Abroad(..) if self.rng.random_bool(0.65) => Citizenship::ExtraUeLungoPeriodo,
            Origin::Abroad(..) => Citizenship::ExtraUePermessoBiennale,
        };
        let tie = if self.rng.random_bool(0.08) {
            ComuneTie::Lavoro
        } else {
            ComuneTie::Residenza
        };
        let residence_years = match tie {
            ComuneTie::Lavoro => 0,
            ComuneTie::Residenza => {
                let cap = if born_abroad {
                    age.min(30)
                } else {
                    age.min(40)
                };
                if applicant.fiscal_code.belfiore() == FERMO && self.rng.random_bool(0.6) {
                    cap
                } else {
                    self.rng.random_range(0..=cap)
                }
            }
        };

        let limit = self.call.isee_limit_for(size).cents();
        let roll = self.rng.random_range(0..100u32);
        let isee = if roll < 5 {
            0
        } else if roll < 97 {
            // Half skewed low (product of two uniforms), half uniform below the limit.
            let limit = limit.max(1);
            let a = self.rng.random_range(0..limit);
            if self.rng.random_bool(0.5) {
                a * self.rng.random_range(0..limit) / limit
            } else {
                a
            }
        } else {
            limit + self.rng.random_range(100..150_000u64)
        };

        let adequate = adequate_area_m2(size);
        let mut conditions = std::collections::BTreeSet::new();
        for (condition, percent) in [
            (Condition::AlloggioImproprio, 4),
            (Condition::SistemazionePrecaria, 3),
            (Condition::OrdineRilascio, 8),
            (Condition::AlloggioAntigienico, 6),
            (Condition::AlloggioInadeguato, 12),
        ] {
            if self.rng.random_range(0..100u32) < percent {
                conditions.insert(condition);
            }
        }
        // The two kinds of sharing exclude each other.
        let sharing = self.rng.random_range(0..100u32);
        if sharing < 10 {
            conditions.insert(Condition::CoabitazioneParenti);
        } else if sharing < 15 {
            conditions.insert(Condition::CoabitazioneNonParenti);
        }
        let current_home_m2 = if conditions.contains(&Condition::AlloggioInadeguato) {
            let low = adequate.saturating_sub(25).max(14);
            Some(self.rng.random_range(low..adequate.max(low + 1)))
        } else if self.rng.random_bool(0.75) {
            Some(self.rng.random_range(adequate..=adequate + 50))
        } else {
            None
        };

        let stamp_duty = if self.rng.random_bool(0.95) {
            let bought = add_days(received, -self.rng.random_range(0..=20));
            let identifier = format!("01{:012}", self.rng.random_range(0..1_000_000_000_000u64));
            StampDuty::marca(&identifier, bought).map_err(StoreError::Domain)?
        } else {
            StampDuty::Esente {
                ground: pick(&mut self.rng, &self.tables.exemption_grounds).to_string(),
            }
        };
        Ok(Declaration {
            citizenship,
            tie,
            isee: Money::from_cents(isee),
            residence_years: u8::try_from(residence_years).unwrap_or(u8::MAX),
            current_home_m2,
            conditions,
            stamp_duty,
        })
    }
}

/// Lowercase ASCII letters only, for e-mail addresses ("D'Angelo" → "dangelo").
fn ascii_lower(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            'a'..='z' => Some(c),
            'A'..='Z' => Some(c.to_ascii_lowercase()),
            'à' | 'á' => Some('a'),
            'è' | 'é' => Some('e'),
            'ì' | 'í' => Some('i'),
            'ò' | 'ó' => Some('o'),
            'ù' | 'ú' => Some('u'),
            _ => None,
        })
        .collect()
}
