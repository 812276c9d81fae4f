//! The demo's housing stock: 40 dwellings in seven public-housing buildings of Fermo, most of
//! them let, some free (vacant for a while), two under works and one not assignable. Their
//! net areas cover every household band, and the step-free ones (ground floor, lift, no
//! barriers) serve households with a motor disability.

use chrono::NaiveDate;

use super::calendar::add_days;
use crate::domain::stock::{Area, Dwelling, DwellingCode, DwellingState, EnergyClass, Owner, Zone};
use crate::store::StoreError;

pub const DWELLINGS: usize = 40;

/// A building: its number in the codes, address, year, lift, rent zone, energy class, owner.
struct Building {
    number: u8,
    address: &'static str,
    year: u16,
    lift: bool,
    zone: Zone,
    class: EnergyClass,
    owner: Owner,
}

const BUILDINGS: [Building; 7] = [
    Building {
        number: 1,
        address: "Via Ottorino Respighi 14, Fermo",
        year: 1978,
        lift: false,
        zone: Zone::Media,
        class: EnergyClass::F,
        owner: Owner::Ente,
    },
    Building {
        number: 2,
        address: "Via Salvo D'Acquisto 8, Fermo",
        year: 1986,
        lift: true,
        zone: Zone::Media,
        class: EnergyClass::D,
        owner: Owner::Ente,
    },
    Building {
        number: 3,
        address: "Viale Trento 121, Fermo",
        year: 1969,
        lift: false,
        zone: Zone::Alta,
        class: EnergyClass::G,
        owner: Owner::Comune,
    },
    Building {
        number: 4,
        address: "Via Fratelli Rosselli 22, Lido di Fermo",
        year: 2009,
        lift: true,
        zone: Zone::Bassa,
        class: EnergyClass::B,
        owner: Owner::Ente,
    },
    Building {
        number: 5,
        address: "Contrada Santa Petronilla 45, Fermo",
        year: 2016,
        lift: true,
        zone: Zone::Bassa,
        class: EnergyClass::A2,
        owner: Owner::Ente,
    },
    Building {
        number: 6,
        address: "Via Leti 7, Fermo",
        year: 1955,
        lift: false,
        zone: Zone::Alta,
        class: EnergyClass::E,
        owner: Owner::Comune,
    },
    Building {
        number: 7,
        address: "Via Giacomo Matteotti 60, Casabianca di Fermo",
        year: 1992,
        lift: true,
        zone: Zone::Bassa,
        class: EnergyClass::C,
        owner: Owner::Ente,
    },
];

/// How a dwelling stands when the stock is recorded: let, free since so many days before
/// the recording, under works, not assignable.
#[derive(Clone, Copy)]
enum Kept {
    Let,
    FreeFor(i64),
    Works,
    Unassignable,
}

/// One dwelling: building (index), unit, staircase, floor, net m², rooms, no barriers, state.
type Unit = (usize, u8, &'static str, i8, u32, u8, bool, Kept);

const UNITS: [Unit; DWELLINGS] = [
    (0, 1, "A", 0, 42, 2, false, Kept::FreeFor(130)),
    (0, 2, "A", 0, 58, 3, false, Kept::FreeFor(50)),
    (0, 3, "A", 1, 64, 3, false, Kept::Let),
    (0, 4, "A", 1, 72, 4, false, Kept::FreeFor(75)),
    (0, 5, "B", 2, 64, 3, false, Kept::Let),
    (0, 6, "B", 3, 88, 5, false, Kept::Let),
    (1, 1, "A", 0, 38, 2, true, Kept::FreeFor(210)),
    (1, 2, "A", 1, 52, 3, false, Kept::FreeFor(95)),
    (1, 3, "A", 2, 61, 3, false, Kept::Let),
    (1, 4, "A", 3, 75, 4, false, Kept::FreeFor(110)),
    (1, 5, "B", 1, 84, 5, false, Kept::Let),
    (1, 6, "B", 4, 96, 5, false, Kept::Let),
    (2, 1, "", 1, 45, 2, false, Kept::Let),
    (2, 2, "", 2, 67, 4, false, Kept::Works),
    (2, 3, "", 3, 93, 5, false, Kept::FreeFor(160)),
    (2, 4, "", 4, 31, 1, false, Kept::Unassignable),
    (3, 1, "A", 0, 48, 2, true, Kept::Let),
    (3, 2, "A", 1, 56, 3, false, Kept::FreeFor(60)),
    (3, 3, "A", 2, 66, 3, false, Kept::FreeFor(35)),
    (3, 4, "B", 0, 74, 4, true, Kept::Let),
    (3, 5, "B", 2, 104, 6, false, Kept::FreeFor(45)),
    (3, 6, "B", 3, 40, 2, false, Kept::Let),
    (4, 1, "A", 0, 44, 2, true, Kept::Let),
    (4, 2, "A", 0, 62, 3, true, Kept::FreeFor(40)),
    (4, 3, "A", 1, 70, 4, true, Kept::Let),
    (4, 4, "A", 2, 82, 5, true, Kept::Let),
    (4, 5, "B", 1, 53, 3, true, Kept::FreeFor(80)),
    (4, 6, "B", 3, 91, 5, true, Kept::Let),
    (5, 1, "", 0, 36, 2, false, Kept::Let),
    (5, 2, "", 1, 59, 3, false, Kept::FreeFor(65)),
    (5, 3, "", 2, 78, 4, false, Kept::Works),
    (5, 4, "", 3, 47, 2, false, Kept::Let),
    (6, 1, "A", 0, 50, 2, false, Kept::FreeFor(20)),
    (6, 2, "A", 1, 65, 3, false, Kept::Let),
    (6, 3, "A", 2, 85, 5, false, Kept::FreeFor(140)),
    (6, 4, "A", 3, 34, 1, false, Kept::Let),
    (6, 5, "B", 1, 69, 4, false, Kept::FreeFor(25)),
    (6, 6, "B", 2, 99, 6, false, Kept::Let),
    (6, 7, "B", 0, 57, 3, true, Kept::Let),
    (6, 8, "B", 4, 76, 4, false, Kept::Let),
];

/// The stock as recorded on `recorded_on`.
pub fn dwellings(recorded_on: NaiveDate) -> Result<Vec<Dwelling>, StoreError> {
    UNITS
        .iter()
        .map(
            |&(building, unit, staircase, floor, m2, rooms, barrier_free, kept)| {
                let b = &BUILDINGS[building];
                let code = DwellingCode::parse(&format!("FM-{:02}-{unit:02}", b.number))
                    .map_err(StoreError::Domain)?;
                let (state, vacant_since) = match kept {
                    Kept::Let => (DwellingState::Locato, None),
                    Kept::FreeFor(days) => {
                        (DwellingState::Libero, Some(add_days(recorded_on, -days)))
                    }
                    Kept::Works => (DwellingState::InLavori, Some(add_days(recorded_on, -300))),
                    Kept::Unassignable => (
                        DwellingState::NonAssegnabile,
                        Some(add_days(recorded_on, -900)),
                    ),
                };
                Ok(Dwelling {
                    code,
                    owner: b.owner,
                    address: b.address.to_string(),
                    staircase: (!staircase.is_empty()).then(|| staircase.to_string()),
                    floor,
                    lift: b.lift,
                    net_area: Area::from_m2(m2),
                    // Walls, balconies and cellar share: about a fifth more.
                    conventional_area: Area::from_m2(m2 + m2 / 5),
                    rooms,
                    accessible: barrier_free,
                    energy_class: Some(b.class),
                    year_built: Some(b.year),
                    zone: b.zone,
                    state,
                    vacant_since,
                })
            },
        )
        .collect()
}
