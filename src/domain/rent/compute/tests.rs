//! Households worked by hand under the example rules of DOMAIN.md §8 (the same figures as
//! `fixtures/rent/esempio.toml`): €/m² bassa 4,00 / media 4,80 / alta 5,60; protezione ISEE ≤
//! 7.620,00 → 15 % of ISEE / 12; accesso ≤ 20.217,01 → 50 % of the canone oggettivo;
//! permanenza ≤ 28.304,30 → 100 %; decadenza above → 125 %, not capped; one person −10 %;
//! minimum 40,00.

use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;
use crate::domain::rent::{LeaseTerms, RentBand, ZoneRates};

fn example() -> RentRules {
    let band = |name: &str, up_to: Option<u64>, formula, decadenza| RentBand {
        name: name.into(),
        isee_up_to: up_to.map(Money::from_cents),
        formula,
        decadenza,
    };
    let pct = Percent::from_basis_points;
    RentRules {
        name: "Esempio".into(),
        version: "esempio-2026".into(),
        example: true,
        effective_from: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap_or_default(),
        rates: ZoneRates {
            bassa: Money::from_cents(400),
            media: Money::from_cents(480),
            alta: Money::from_cents(560),
        },
        bands: vec![
            band(
                "protezione",
                Some(762_000),
                BandFormula::IseeShare(pct(1_500)),
                false,
            ),
            band(
                "accesso",
                Some(2_021_701),
                BandFormula::ObjectiveShare(pct(5_000)),
                false,
            ),
            band(
                "permanenza",
                Some(2_830_430),
                BandFormula::ObjectiveShare(pct(10_000)),
                false,
            ),
            band(
                "decadenza",
                None,
                BandFormula::ObjectiveShare(pct(12_500)),
                true,
            ),
        ],
        minimum: Money::from_cents(4_000),
        single_person_reduction: Some(pct(1_000)),
        terms: LeaseTerms::default(),
    }
}

fn money(text: &str) -> Money {
    Money::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// The rent of a household under the example rules.
fn rent(isee: Option<&str>, area: &str, zone: Zone, household_size: usize) -> RentComputation {
    let input = RentInput {
        isee: isee.map(money),
        net_area: Area::parse(area).unwrap_or_else(|e| panic!("{area}: {e}")),
        zone,
        household_size,
    };
    compute(&example(), &input)
}

/// Rent, band, canone oggettivo and number of steps; the last step always shows the rent.
fn check(c: &RentComputation, rent: &str, band: &str, objective: &str, steps: usize) {
    assert_eq!(c.rent, money(rent), "rent; steps: {:#?}", c.steps);
    assert_eq!(c.band, band, "band");
    assert_eq!(c.objective, money(objective), "canone oggettivo");
    assert_eq!(c.steps.len(), steps, "steps: {:#?}", c.steps);
    assert_eq!(c.steps.first().map(|s| s.amount), Some(c.objective));
    assert_eq!(c.steps.last().map(|s| s.amount), Some(c.rent));
    assert_eq!(c.version, "esempio-2026");
}

#[test]
fn protezione_at_its_limit() {
    // 60 m² × 4,80 = 288,00 €; 7.620,00 × 15 % = 1.143,00 € l'anno; / 12 = 95,25 €.
    let c = rent(Some("7.620,00"), "60", Zone::Media, 3);
    check(&c, "95,25", "protezione", "288,00", 3);
    assert!(!c.decadenza);
    assert_eq!(
        c.steps[1].text,
        "Fascia protezione (ISEE 7.620,00 € ≤ 7.620,00 €): 7.620,00 € × 15 % = 1.143,00 € l'anno"
    );
    assert_eq!(c.steps[2].text, "Diviso per 12 mesi: 95,25 €");
}

#[test]
fn accesso_one_cent_above_protezione() {
    // 60 m² × 4,80 = 288,00 €; ISEE 7.620,01 > 7.620,00: accesso, 288,00 × 50 % = 144,00 €.
    let c = rent(Some("7.620,01"), "60", Zone::Media, 3);
    check(&c, "144,00", "accesso", "288,00", 2);
    assert_eq!(
        c.steps[0].text,
        "Canone oggettivo: 60 m² × 4,80 €/m² (zona media) = 288,00 €"
    );
}

#[test]
fn accesso_at_its_limit_with_hundredths_of_m2() {
    // 52,37 m² × 4,80 = 251,376 → 251,38 €; 50 % = 125,69 €.
    let c = rent(Some("20.217,01"), "52,37", Zone::Media, 2);
    check(&c, "125,69", "accesso", "251,38", 2);
    assert_eq!(
        c.steps[0].text,
        "Canone oggettivo: 52,37 m² × 4,80 €/m² (zona media) = 251,38 €"
    );
}

#[test]
fn permanenza_one_cent_above_accesso() {
    // 52,37 m² × 4,80 = 251,376 → 251,38 €; ISEE 20.217,02: permanenza, 100 % = 251,38 €.
    let c = rent(Some("20.217,02"), "52,37", Zone::Media, 2);
    check(&c, "251,38", "permanenza", "251,38", 2);
}

#[test]
fn permanenza_at_its_limit_in_zona_bassa() {
    // 70 m² × 4,00 = 280,00 €; ISEE 28.304,30: permanenza, 100 % = 280,00 €.
    let c = rent(Some("28.304,30"), "70", Zone::Bassa, 4);
    check(&c, "280,00", "permanenza", "280,00", 2);
    assert!(!c.decadenza);
}

#[test]
fn decadenza_one_cent_above_permanenza_goes_over_the_canone_oggettivo() {
    // 70 m² × 5,60 = 392,00 €; ISEE 28.304,31: decadenza, 392,00 × 125 % = 490,00 €, not capped.
    let c = rent(Some("28.304,31"), "70", Zone::Alta, 4);
    check(&c, "490,00", "decadenza", "392,00", 2);
    assert!(c.decadenza);
    assert_eq!(
        c.steps[1].text,
        "Fascia decadenza (ISEE 28.304,31 € oltre l'ultimo limite): canone oggettivo 392,00 € × \
         125 % = 490,00 €"
    );
}

#[test]
fn decadenza_for_one_person_is_reduced_and_still_over_the_canone_oggettivo() {
    // 70 m² × 5,60 = 392,00 €; × 125 % = 490,00 €; one person × 90 % = 441,00 €, not capped.
    let c = rent(Some("50.000,00"), "70", Zone::Alta, 1);
    check(&c, "441,00", "decadenza", "392,00", 3);
    assert!(c.decadenza);
}

#[test]
fn isee_zero_pays_the_minimum() {
    // 60 m² × 4,80 = 288,00 €; 0,00 × 15 % = 0,00 €; / 12 = 0,00 €; minimum 40,00 €.
    let c = rent(Some("0"), "60", Zone::Media, 3);
    check(&c, "40,00", "protezione", "288,00", 4);
    assert_eq!(c.steps[3].text, "Sotto il canone minimo: 40,00 €");
}

#[test]
fn the_minimum_kicks_in_in_protezione() {
    // 55 m² × 4,00 = 220,00 €; 2.000,00 × 15 % = 300,00 €; / 12 = 25,00 € < 40,00: 40,00 €.
    let c = rent(Some("2.000,00"), "55", Zone::Bassa, 2);
    check(&c, "40,00", "protezione", "220,00", 4);
}

#[test]
fn the_twelfth_rounds_half_up() {
    // 60 m² × 4,80 = 288,00 €; 5.000,40 × 15 % = 750,06 €; / 12 = 62,505 → 62,51 €.
    let c = rent(Some("5.000,40"), "60", Zone::Media, 3);
    check(&c, "62,51", "protezione", "288,00", 3);
}

#[test]
fn the_half_of_an_odd_canone_rounds_half_up() {
    // 52,39 m² × 4,80 = 251,472 → 251,47 €; 50 % = 125,735 → 125,74 €.
    let c = rent(Some("15.000,00"), "52,39", Zone::Media, 3);
    check(&c, "125,74", "accesso", "251,47", 2);
}

#[test]
fn zona_alta_with_hundredths_of_m2() {
    // 52,37 m² × 5,60 = 293,272 → 293,27 €; accesso 50 % = 146,635 → 146,64 €.
    let c = rent(Some("10.000,00"), "52,37", Zone::Alta, 2);
    check(&c, "146,64", "accesso", "293,27", 2);
}

#[test]
fn one_person_reduction_above_the_minimum() {
    // 60 m² × 4,80 = 288,00 €; accesso 50 % = 144,00 €; one person × 90 % = 129,60 €.
    let c = rent(Some("12.000,00"), "60", Zone::Media, 1);
    check(&c, "129,60", "accesso", "288,00", 3);
    assert_eq!(
        c.steps[2].text,
        "Riduzione per nucleo di una persona (10 %): 144,00 € × 90 % = 129,60 €"
    );
}

#[test]
fn one_person_reduction_in_protezione_without_reaching_the_minimum() {
    // 40 m² × 4,00 = 160,00 €; 4.000,00 × 15 % = 600,00 €; / 12 = 50,00 €; × 90 % = 45,00 €.
    let c = rent(Some("4.000,00"), "40", Zone::Bassa, 1);
    check(&c, "45,00", "protezione", "160,00", 4);
}

#[test]
fn one_person_reduction_stops_at_the_minimum() {
    // 40 m² × 4,00 = 160,00 €; 3.500,00 × 15 % = 525,00 €; / 12 = 43,75 €;
    // × 90 % = 39,375 → 39,38 € < 40,00: 40,00 €.
    let c = rent(Some("3.500,00"), "40", Zone::Bassa, 1);
    check(&c, "40,00", "protezione", "160,00", 5);
    assert_eq!(c.steps[3].amount, money("39,38"));
}

#[test]
fn protezione_is_capped_at_the_canone_oggettivo_of_a_small_dwelling() {
    // 15,50 m² × 4,00 = 62,00 €; 7.600,00 × 15 % = 1.140,00 €; / 12 = 95,00 € > 62,00: 62,00 €.
    let c = rent(Some("7.600,00"), "15,50", Zone::Bassa, 2);
    check(&c, "62,00", "protezione", "62,00", 4);
    assert_eq!(c.steps[3].text, "Oltre il canone oggettivo: 62,00 €");
}

#[test]
fn a_canone_oggettivo_below_the_minimum_still_caps_the_rent() {
    // 8 m² × 4,00 = 32,00 €; 1.000,00 × 15 % = 150,00 €; / 12 = 12,50 € < 40,00: 40,00 €;
    // > 32,00: 32,00 € (at most the canone oggettivo comes last).
    let c = rent(Some("1.000,00"), "8", Zone::Bassa, 2);
    check(&c, "32,00", "protezione", "32,00", 5);
}

#[test]
fn without_isee_the_canone_oggettivo() {
    // 52,37 m² × 5,60 = 293,272 → 293,27 €; no ISEE: the canone oggettivo, 293,27 €.
    let c = rent(None, "52,37", Zone::Alta, 3);
    check(&c, "293,27", NO_ISEE, "293,27", 2);
    assert!(!c.decadenza);
    assert_eq!(
        c.steps[1].text,
        "ISEE non presentato: canone oggettivo = 293,27 €"
    );
}

#[test]
fn without_isee_one_person_pays_the_full_canone_oggettivo() {
    // 45 m² × 4,80 = 216,00 €; no ISEE: the canone oggettivo, with no one-person reduction.
    let c = rent(None, "45", Zone::Media, 1);
    check(&c, "216,00", NO_ISEE, "216,00", 2);
}

#[test]
fn without_the_reduction_in_the_rules_one_person_pays_the_band() {
    // 60 m² × 4,80 = 288,00 €; accesso 50 % = 144,00 €; no reduction in these rules.
    let mut rules = example();
    rules.single_person_reduction = None;
    let input = RentInput {
        isee: Some(money("12.000,00")),
        net_area: Area::from_m2(60),
        zone: Zone::Media,
        household_size: 1,
    };
    let c = compute(&rules, &input);
    check(&c, "144,00", "accesso", "288,00", 2);
}

fn any_input() -> impl Strategy<Value = RentInput> {
    (
        proptest::option::of(0u64..6_000_000),
        1u32..=30_000,
        prop_oneof![Just(Zone::Bassa), Just(Zone::Media), Just(Zone::Alta)],
        1usize..=8,
    )
        .prop_map(|(isee, area, zone, household_size)| RentInput {
            isee: isee.map(Money::from_cents),
            net_area: Area::from_hundredths(area),
            zone,
            household_size,
        })
}

proptest! {
    /// Under the example rules, the rent is at least the minimum whenever the canone oggettivo
    /// is; at most the canone oggettivo outside the decadenza band; never zero; and the steps
    /// start from the canone oggettivo and end on the rent.
    #[test]
    fn the_rent_keeps_the_example_bounds(input in any_input()) {
        let rules = example();
        let c = compute(&rules, &input);
        if c.objective >= rules.minimum {
            prop_assert!(c.rent >= rules.minimum, "{:?}", c);
        }
        if !c.decadenza {
            prop_assert!(c.rent <= c.objective, "{:?}", c);
        }
        prop_assert!(!c.rent.is_zero(), "{:?}", c);
        prop_assert_eq!(c.steps.first().map(|s| s.amount), Some(c.objective));
        prop_assert_eq!(c.steps.last().map(|s| s.amount), Some(c.rent));
    }

    /// Households that differ only in the ISEE, in the same band, pay more or the same with the
    /// higher ISEE (across bands the example is not monotonic: protezione at 7.620,00 may pay
    /// less than accesso at 7.620,01, or more).
    #[test]
    fn within_a_band_the_rent_never_falls_as_the_isee_rises(
        input in any_input(),
        a in 0u64..6_000_000,
        b in 0u64..6_000_000,
    ) {
        let rules = example();
        let (low, high) = (a.min(b), a.max(b));
        let at = |cents| compute(&rules, &RentInput { isee: Some(Money::from_cents(cents)), ..input });
        let (l, h) = (at(low), at(high));
        if l.band == h.band {
            prop_assert!(l.rent <= h.rent, "{:?} {:?}", l, h);
        }
    }
}
