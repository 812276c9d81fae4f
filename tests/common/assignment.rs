//! A database with a call run to its definitive ranking and a small housing stock, for the
//! assignment round: built through the office, on dates of the demo's call.

use alloggi::domain::ranking::RankingKind;
use alloggi::domain::stock::{Area, Dwelling, DwellingCode, DwellingState, Owner, Zone};
use alloggi::domain::{Command, Context};
use alloggi::messages::ComuneConfig;
use alloggi::office::Office;

use super::{date, open, ts};

/// When the ranking is definitive and the round may open.
pub fn round_day() -> Context {
    Context::new("mrossi", ts(2025, 9, 1, 9, 0, 0))
}

/// The office on `dir`: the demo's call with 60 applications, its provisional ranking of
/// 2 June 2025 and its definitive ranking of 15 July 2025, and `stock()`.
pub fn ranked_office(dir: &std::path::Path) -> Office {
    let office = Office::new(open(dir), Ok(ComuneConfig::example()));
    office
        .fill_demo(
            &alloggi::demo::DemoOptions {
                applications: 60,
                seed: 7,
            },
            date(2025, 3, 3),
            &mut |_, _| {},
        )
        .expect("demo");
    let code = office.active_call().unwrap().expect("active call").code;
    let early = Context::new("mrossi", ts(2025, 5, 2, 9, 0, 0));
    office
        .execute(
            &early,
            &Command::SaveRuleset {
                call: code.clone(),
                ruleset: Box::new(alloggi::files::ruleset_toml::esempio_marche().expect("example")),
            },
        )
        .expect("rules saved");
    for (kind, when) in [
        (RankingKind::Provvisoria, ts(2025, 6, 2, 9, 0, 0)),
        (RankingKind::Definitiva, ts(2025, 7, 15, 9, 0, 0)),
    ] {
        office
            .publish_ranking(&Context::new("mrossi", when), &code, kind, 11)
            .expect("ranking published");
    }
    office
        .execute(&early, &Command::SaveDwellings { dwellings: stock() })
        .expect("stock saved");
    office
}

/// Six free dwellings, one for each household band, and one under works.
pub fn stock() -> Vec<Dwelling> {
    let dwelling = |code: &str, m2: u32, floor: i8, lift: bool| Dwelling {
        code: DwellingCode::parse(code).expect("code"),
        owner: Owner::Ente,
        address: format!("Via del Borgo {}, Fermo", &code[3..]),
        staircase: Some("A".into()),
        floor,
        lift,
        net_area: Area::from_m2(m2),
        conventional_area: Area::from_m2(m2 + 9),
        rooms: u8::try_from(m2 / 15).expect("rooms"),
        accessible: floor == 0,
        energy_class: None,
        year_built: Some(1985),
        zone: Zone::Media,
        state: DwellingState::Libero,
        vacant_since: Some(date(2025, 4, 1)),
    };
    let mut works = dwelling("FM-007", 70, 1, true);
    works.state = DwellingState::InLavori;
    vec![
        dwelling("FM-001", 40, 0, false),
        dwelling("FM-002", 52, 1, true),
        dwelling("FM-003", 60, 2, false),
        dwelling("FM-004", 70, 3, true),
        dwelling("FM-005", 88, 0, false),
        dwelling("FM-006", 100, 1, true),
        works,
    ]
}

/// `ranked_office` with the round opened today and FM-002 assigned by decree today to the
/// first applicant it suits, at the real clock (the binary reads it): that applicant's id and
/// protocol.
pub fn decreed_office(dir: &std::path::Path) -> (Office, alloggi::domain::ApplicationId, String) {
    use alloggi::domain::command::OfferReply;
    use alloggi::domain::time::rome_date;

    let office = ranked_office(dir);
    let now = || Context::new("mrossi", chrono::Utc::now());
    let today = rome_date(now().now);
    office
        .open_assignment(&now(), None, today, today + chrono::Days::new(30))
        .expect("round opened");
    let code = DwellingCode::parse("FM-002").expect("code");
    let (placement, _) = office
        .next_offer(None, &code)
        .expect("next")
        .chosen
        .expect("someone fits FM-002");
    let id = placement.application;
    office
        .make_offer(&now(), id, &code, None, None, true)
        .expect("offered");
    office
        .execute(
            &now(),
            &Command::ReplyToOffer {
                id,
                reply: OfferReply::Accept,
                reason: String::new(),
            },
        )
        .expect("accepted");
    office
        .execute(
            &now(),
            &Command::DecreeAssignment {
                id,
                decree_on: today,
            },
        )
        .expect("decreed");
    (office, id, placement.protocol)
}

/// The example rent rules of DOMAIN.md §8, in force from 1 January 2025, saved in `office`.
pub fn save_example_rent_rules(office: &Office) {
    use alloggi::domain::money::Money;
    use alloggi::domain::rent::{BandFormula, LeaseTerms, Percent, RentBand, RentRules, ZoneRates};

    let band = |name: &str, up_to: Option<u64>, formula, decadenza| RentBand {
        name: name.into(),
        isee_up_to: up_to.map(Money::from_cents),
        formula,
        decadenza,
    };
    let rules = RentRules {
        name: "Esempio (schema DAL 15/2015)".into(),
        version: "esempio-2025".into(),
        example: true,
        effective_from: date(2025, 1, 1),
        rates: ZoneRates {
            bassa: Money::from_cents(400),
            media: Money::from_cents(480),
            alta: Money::from_cents(560),
        },
        bands: vec![
            band(
                "protezione",
                Some(762_000),
                BandFormula::IseeShare(Percent::from_basis_points(1_500)),
                false,
            ),
            band(
                "accesso",
                Some(2_021_701),
                BandFormula::ObjectiveShare(Percent::from_basis_points(5_000)),
                false,
            ),
            band(
                "permanenza",
                Some(2_830_430),
                BandFormula::ObjectiveShare(Percent::HUNDRED),
                false,
            ),
            band(
                "decadenza",
                None,
                BandFormula::ObjectiveShare(Percent::from_basis_points(12_500)),
                true,
            ),
        ],
        minimum: Money::from_cents(4_000),
        single_person_reduction: None,
        terms: LeaseTerms::default(),
    };
    office
        .save_rent_rules(&Context::new("mrossi", ts(2025, 1, 2, 9, 0, 0)), rules)
        .expect("rent rules saved");
}

/// The round opened on `round_day()` and each of `codes` offered to the first applicant it
/// suits, accepted and assigned by decree that day: their ids and protocols, in order.
pub fn decree_on_round_day(
    office: &Office,
    codes: &[&str],
) -> Vec<(alloggi::domain::ApplicationId, String)> {
    use alloggi::domain::command::OfferReply;

    let day = round_day();
    office
        .open_assignment(&day, None, date(2025, 9, 1), date(2025, 9, 30))
        .expect("round opened");
    let mut decreed = Vec::new();
    for text in codes {
        let code = DwellingCode::parse(text).expect("code");
        let (placement, _) = office
            .next_offer(None, &code)
            .expect("next")
            .chosen
            .expect("someone fits the dwelling");
        let id = placement.application;
        office
            .make_offer(&day, id, &code, None, None, true)
            .expect("offered");
        for command in [
            Command::ReplyToOffer {
                id,
                reply: OfferReply::Accept,
                reason: String::new(),
            },
            Command::DecreeAssignment {
                id,
                decree_on: date(2025, 9, 1),
            },
        ] {
            office
                .execute(&day, &command)
                .expect("accepted and decreed");
        }
        decreed.push((id, placement.protocol));
    }
    decreed
}

/// Leases signed on 5 September 2025 for `ids`, numbered L-2025-001…, in force from 1 October
/// 2025 at the example rules' rent.
pub fn sign_leases(office: &Office, ids: &[alloggi::domain::ApplicationId]) {
    let day = Context::new("mrossi", ts(2025, 9, 5, 9, 0, 0));
    for (n, id) in ids.iter().enumerate() {
        office
            .sign_lease(
                &day,
                *id,
                &alloggi::office::LeaseSigning {
                    number: format!("L-2025-{:03}", n + 1),
                    signed_on: date(2025, 9, 5),
                    starts_on: Some(date(2025, 10, 1)),
                    signatory: Some("Dirigente Settore Casa".into()),
                },
            )
            .expect("lease signed");
    }
}
