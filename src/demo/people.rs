//! Households and the people in them: sizes, relations, ages, birthplaces and names that
//! hang together, each person with a fiscal code not given before.

use chrono::{Datelike, NaiveDate};
use rand::Rng;

use crate::domain::DomainError;
use crate::domain::fiscal_code::PersonFiscalCode;
use crate::domain::household::{Household, Member, Relation};
use crate::domain::money::Money;
use crate::store::StoreError;

use super::calendar::{add_days, add_years, age_on};
use super::lifecycle::Demo;
use super::random::{pick, weighted};
use super::tables::Community;
use super::{DemoError, FERMO};

/// A person before they get a fiscal code.
struct Person {
    surname: String,
    name: String,
    female: bool,
    birth: NaiveDate,
    place: &'static str,
}

/// Where a household comes from: Italy, or one of the communities of `fixtures/demo/` and the
/// country (Belfiore code) its foreign-born members share.
#[derive(Clone, Copy)]
pub(super) enum Origin {
    Italy,
    Abroad(&'static Community, &'static str),
}

impl Demo<'_> {
    pub(super) fn household(
        &mut self,
        received: NaiveDate,
    ) -> Result<(Household, Origin), DemoError> {
        let rng = &mut self.rng;
        let size = weighted(
            rng,
            &[
                (1usize, 30),
                (2, 24),
                (3, 18),
                (4, 14),
                (5, 7),
                (6, 4),
                (7, 2),
                (8, 1),
            ],
        );
        let origin = if rng.random_range(0..100u32) < 80 {
            Origin::Italy
        } else {
            let community = weighted(
                rng,
                &self
                    .tables
                    .communities
                    .iter()
                    .map(|c| (c, c.weight))
                    .collect::<Vec<_>>(),
            );
            Origin::Abroad(community, pick(rng, &community.places).as_str())
        };

        let mut relations = vec![Relation::Richiedente];
        let partner = size >= 2 && rng.random_bool(if size == 2 { 0.55 } else { 0.72 });
        if partner {
            relations.push(if rng.random_bool(0.6) {
                Relation::Coniuge
            } else {
                Relation::Convivente
            });
        }
        let mut parents = 0;
        while relations.len() < size {
            let roll = rng.random_range(0..100u32);
            relations.push(if roll < 84 {
                Relation::Figlio
            } else if roll < 91 && parents < 2 {
                parents += 1;
                Relation::Genitore
            } else if roll < 95 {
                Relation::Fratello
            } else if roll < 99 {
                Relation::AltroParente
            } else {
                Relation::ACarico
            });
        }
        let has_children = relations.contains(&Relation::Figlio);
        let applicant_age = if parents > 0 {
            rng.random_range(19..=58)
        } else if has_children {
            rng.random_range(21..=62)
        } else if size == 1 {
            match rng.random_range(0..100u32) {
                0..10 => rng.random_range(18..=29),
                10..60 => rng.random_range(30..=64),
                _ => rng.random_range(65..=90),
            }
        } else {
            rng.random_range(20..=88)
        };
        let applicant_female = rng.random_bool(0.55);

        let applicant = self.new_person(origin, None, applicant_female, applicant_age, received);
        let mut people: Vec<(Person, Relation)> = Vec::with_capacity(size);
        let mut father_surname = (!applicant_female).then(|| applicant.surname.clone());
        let mut mother_birth = applicant_female.then_some(applicant.birth);
        let mut youngest_parent = applicant.birth;
        let applicant_surname = applicant.surname.clone();
        people.push((applicant, Relation::Richiedente));

        for relation in relations.iter().skip(1).copied() {
            let person = match relation {
                Relation::Coniuge | Relation::Convivente => {
                    let same_sex = self.rng.random_bool(0.03);
                    let female = if same_sex {
                        applicant_female
                    } else {
                        !applicant_female
                    };
                    let gap = if female {
                        self.rng.random_range(-7..=2)
                    } else {
                        self.rng.random_range(-2..=7)
                    };
                    let age = (i64::from(applicant_age) + gap).clamp(18, 95) as u32;
                    // A partner from the same community, sometimes an Italian one.
                    let partner_origin = if self.rng.random_bool(0.8) {
                        origin
                    } else {
                        Origin::Italy
                    };
                    let person = self.new_person(partner_origin, None, female, age, received);
                    if !female && father_surname.is_none() {
                        father_surname = Some(person.surname.clone());
                    }
                    if female && mother_birth.is_none() {
                        mother_birth = Some(person.birth);
                    }
                    youngest_parent = youngest_parent.max(person.birth);
                    let relation = if same_sex {
                        Relation::Convivente
                    } else {
                        relation
                    };
                    people.push((person, relation));
                    continue;
                }
                Relation::Figlio => {
                    // Both parents at least 16 at the birth, the mother at most 46, children up
                    // to 30 still in the household, none born in the last two months.
                    let earliest = add_years(youngest_parent, 16).max(add_years(received, -30));
                    let mut latest = add_days(received, -60);
                    if let Some(mother) = mother_birth {
                        latest = latest.min(add_years(mother, 46));
                    }
                    if earliest <= latest {
                        let span = (latest - earliest).num_days();
                        let birth = add_days(earliest, self.rng.random_range(0..=span));
                        let female = self.rng.random_bool(0.49);
                        let surname = father_surname
                            .clone()
                            .unwrap_or_else(|| applicant_surname.clone());
                        let place = self.child_place(origin);
                        let name = self.first_name(origin, female, birth.year());
                        Some(Person {
                            surname,
                            name,
                            female,
                            birth,
                            place,
                        })
                    } else {
                        None
                    }
                }
                Relation::Genitore => {
                    let age = (applicant_age + self.rng.random_range(20..=38)).min(97);
                    let female = self.rng.random_bool(0.6);
                    let surname = (!female).then(|| applicant_surname.clone());
                    Some(self.new_person(origin, surname, female, age, received))
                }
                Relation::Fratello => {
                    // At least two years apart, so that siblings are never born months apart.
                    let gap = self.rng.random_range(2..=12);
                    let age = if self.rng.random_bool(0.5) || applicant_age < gap + 1 {
                        applicant_age + gap
                    } else {
                        applicant_age - gap
                    };
                    let female = self.rng.random_bool(0.5);
                    let surname = Some(applicant_surname.clone());
                    Some(self.new_person(origin, surname, female, age.min(95), received))
                }
                _ => None,
            };
            let (person, relation) = match person {
                Some(person) => (person, relation),
                // No plausible child for these parents: a relative lives with them instead.
                None => {
                    let age = self.rng.random_range(1..=90);
                    let female = self.rng.random_bool(0.5);
                    let surname = self.rng.random_bool(0.5).then(|| applicant_surname.clone());
                    let age = if relation == Relation::ACarico {
                        self.rng.random_range(3..=24)
                    } else {
                        age
                    };
                    let relation = if relation == Relation::ACarico {
                        Relation::ACarico
                    } else {
                        Relation::AltroParente
                    };
                    let person = self.new_person(origin, surname, female, age, received);
                    (person, relation)
                }
            };
            people.push((person, relation));
        }

        let mut members = Vec::with_capacity(people.len());
        for (index, (person, relation)) in people.into_iter().enumerate() {
            members.push(self.member(person, relation, index == 0, received)?);
        }
        let household = Household::new(members).map_err(StoreError::Domain)?;
        Ok((household, origin))
    }

    /// A person of `age` on `on`, born where their origin suggests.
    fn new_person(
        &mut self,
        origin: Origin,
        surname: Option<String>,
        female: bool,
        age: u32,
        on: NaiveDate,
    ) -> Person {
        let back = add_years(on, -(age as i32));
        let birth = add_days(back, -self.rng.random_range(1..=364));
        let tables = self.tables;
        let (surname_pick, place): (&str, &'static str) = match origin {
            Origin::Italy => {
                let place = match self.rng.random_range(0..100u32) {
                    0..45 => FERMO,
                    45..65 => pick(&mut self.rng, &tables.marche).as_str(),
                    65..97 => pick(&mut self.rng, &tables.italy).as_str(),
                    _ => pick(&mut self.rng, &tables.italians_abroad).as_str(),
                };
                (pick(&mut self.rng, &tables.surnames).as_str(), place)
            }
            Origin::Abroad(community, country) => {
                (pick(&mut self.rng, &community.surnames).as_str(), country)
            }
        };
        Person {
            surname: surname.unwrap_or_else(|| surname_pick.to_string()),
            name: self.first_name(origin, female, birth.year()),
            female,
            birth,
            place,
        }
    }

    fn first_name(&mut self, origin: Origin, female: bool, born: i32) -> String {
        let t = self.tables;
        let names: &[String] = match origin {
            Origin::Italy => {
                let classic = (born < 1975) != self.rng.random_bool(0.15);
                match (female, classic) {
                    (false, true) => &t.male_classic,
                    (false, false) => &t.male_modern,
                    (true, true) => &t.female_classic,
                    (true, false) => &t.female_modern,
                }
            }
            Origin::Abroad(community, _) if female => &community.female,
            Origin::Abroad(community, _) => &community.male,
        };
        pick(&mut self.rng, names).to_string()
    }

    /// Children of immigrant families are mostly born in Italy, here.
    fn child_place(&mut self, origin: Origin) -> &'static str {
        match origin {
            Origin::Italy => match self.rng.random_range(0..100u32) {
                0..75 => FERMO,
                75..90 => pick(&mut self.rng, &self.tables.marche).as_str(),
                _ => pick(&mut self.rng, &self.tables.italy).as_str(),
            },
            Origin::Abroad(_, country) => {
                if self.rng.random_bool(0.6) {
                    FERMO
                } else {
                    country
                }
            }
        }
    }

    fn member(
        &mut self,
        mut person: Person,
        relation: Relation,
        applicant: bool,
        received: NaiveDate,
    ) -> Result<Member, DemoError> {
        // Children move later, adults earlier: ages and the parents' 16 years stay true.
        let shift = if relation == Relation::Figlio { 1 } else { -1 };
        let fiscal_code = self.unique_code(&mut person, shift)?;
        let age = age_on(person.birth, received);
        let disability_odds = if age >= 75 {
            0.18
        } else if age >= 65 {
            0.10
        } else {
            0.03
        };
        let (disability_pct, accompaniment) = if self.rng.random_bool(disability_odds) {
            let pct = weighted(
                &mut self.rng,
                &[
                    (67u8, 4),
                    (70, 2),
                    (74, 3),
                    (75, 2),
                    (80, 3),
                    (90, 2),
                    (100, 5),
                ],
            );
            (pct, pct == 100 && self.rng.random_bool(0.5))
        } else {
            (0, false)
        };
        let income = if age >= 18 && (applicant || self.rng.random_bool(0.6)) {
            let cents = if age >= 67 {
                self.rng.random_range(500_000..1_800_000u64)
            } else if self.rng.random_bool(0.25) {
                0
            } else {
                // Skewed low: the product of two uniforms.
                let a = self.rng.random_range(0..2_200_000u64);
                let b = self.rng.random_range(0..1_000u64);
                a * b / 1_000
            };
            Some(Money::from_cents(cents))
        } else {
            None
        };
        Ok(Member {
            fiscal_code,
            surname: person.surname,
            name: person.name,
            relation,
            birth_date: person.birth,
            disability_pct,
            accompaniment,
            // Only the settled call's households: the current call's stay as they were.
            motor_disability: self.settled && disability_pct >= 74,
            income,
        })
    }

    /// The person's code, or an omocodia variant when it is already taken; if all eight are,
    /// the birth date moves by `shift` days and the search starts again.
    fn unique_code(
        &mut self,
        person: &mut Person,
        shift: i64,
    ) -> Result<PersonFiscalCode, DemoError> {
        for _ in 0..64 {
            let base = PersonFiscalCode::build(
                &person.surname,
                &person.name,
                person.birth,
                person.female,
                person.place,
            )
            .map_err(|e| StoreError::Domain(e.into()))?;
            for level in 0..=7u8 {
                let code = base.omocode_variant(level);
                let key: [u8; 16] = code.as_str().as_bytes().try_into().map_err(|_| {
                    StoreError::Domain(DomainError::Internal(format!(
                        "codice fiscale {} di lunghezza inattesa",
                        code.as_str()
                    )))
                })?;
                if self.codes.insert(key) {
                    return Ok(code);
                }
            }
            person.birth = add_days(person.birth, shift);
        }
        Err(StoreError::Domain(DomainError::Internal(
            "impossibile generare un codice fiscale non ancora usato".into(),
        ))
        .into())
    }
}
