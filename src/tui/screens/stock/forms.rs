//! The Alloggi screen's forms: a dwelling added or changed, its state changed with a reason,
//! and the days a dwelling must have been empty to be listed.

use chrono::NaiveDate;

use super::texts;
use crate::domain::DomainError;
use crate::domain::command::Command;
use crate::domain::stock::{
    Area, Dwelling, DwellingCode, DwellingState, EnergyClass, Owner, Zone,
};
use crate::domain::time::{format_date, parse_date};
use crate::tui::form::{Field, Form, Outcome, Purpose};
use crate::tui::strings as s;

/// What a form of this screen produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StockOutcome {
    /// A dwelling added (`new`) or changed: one `SaveDwellings`.
    Save { dwelling: Box<Dwelling>, new: bool },
    /// A state changed by hand.
    ChangeState(Command),
    /// The vacancy filter: None lists every dwelling.
    MinVacancy(Option<i64>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum StockPurpose {
    Save { new: bool },
    ChangeState(DwellingCode),
    MinVacancy,
}

/// The states a dwelling may be added in: «proposto» comes from an offer only.
const NEW_STATES: [DwellingState; 4] = [
    DwellingState::Libero,
    DwellingState::InLavori,
    DwellingState::Locato,
    DwellingState::NonAssegnabile,
];

/// The states a caseworker may set by hand.
pub const HAND_STATES: [DwellingState; 3] = [
    DwellingState::Libero,
    DwellingState::InLavori,
    DwellingState::NonAssegnabile,
];

const OWNERS: [Owner; 2] = [Owner::Comune, Owner::Ente];
const ZONES: [Zone; 3] = [Zone::Bassa, Zone::Media, Zone::Alta];

/// The fields of the dwelling form, by position.
mod at {
    pub const CODE: usize = 0;
    pub const OWNER: usize = 1;
    pub const ADDRESS: usize = 2;
    pub const STAIRCASE: usize = 3;
    pub const FLOOR: usize = 4;
    pub const LIFT: usize = 5;
    pub const NET_AREA: usize = 6;
    pub const CONVENTIONAL_AREA: usize = 7;
    pub const ROOMS: usize = 8;
    pub const ACCESSIBLE: usize = 9;
    pub const ENERGY_CLASS: usize = 10;
    pub const YEAR_BUILT: usize = 11;
    pub const ZONE: usize = 12;
    pub const STATE: usize = 13;
    pub const VACANT_SINCE: usize = 14;
}

/// The reason of a domain refusal, without the field it names (the form shows the label).
fn reason(error: DomainError) -> String {
    match error {
        DomainError::Invalid { reason, .. } => reason,
        other => other.to_string(),
    }
}

fn code(value: &str) -> Result<(), String> {
    DwellingCode::parse(value).map(|_| ()).map_err(reason)
}

fn area(value: &str) -> Result<(), String> {
    Area::parse(value).map(|_| ()).map_err(reason)
}

fn energy_class(value: &str) -> Result<(), String> {
    EnergyClass::parse(value).map(|_| ()).map_err(reason)
}

fn floor(value: &str) -> Result<i8, String> {
    value
        .trim()
        .parse()
        .map_err(|_| texts::FLOOR_FORMAT.to_string())
}

fn rooms(value: &str) -> Result<u8, String> {
    value
        .trim()
        .parse()
        .map_err(|_| texts::ROOMS_FORMAT.to_string())
}

fn year(value: &str) -> Result<u16, String> {
    value
        .trim()
        .parse()
        .map_err(|_| texts::YEAR_FORMAT.to_string())
}

fn days(value: &str) -> Result<i64, String> {
    value
        .trim()
        .parse()
        .ok()
        .filter(|days| *days >= 0)
        .ok_or_else(|| texts::DAYS_FORMAT.to_string())
}

fn date(value: &str) -> Result<(), String> {
    parse_date(value).map(|_| ()).map_err(|e| e.to_string())
}

/// A choice between no and yes, on `value`.
fn yes_no(label: &'static str, value: bool) -> Field {
    let options = vec![texts::NO.to_string(), texts::YES.to_string()];
    Field::choice(label, options, usize::from(value))
}

fn area_text(area: Area) -> String {
    let hundredths = area.hundredths();
    match hundredths % 100 {
        0 => (hundredths / 100).to_string(),
        rest => format!("{},{rest:02}", hundredths / 100),
    }
}

/// The form that adds a dwelling: free, vacant since today.
pub fn new_dwelling(today: NaiveDate) -> Form {
    let mut fields = dwelling_fields(None);
    if let Some(field) = fields.get_mut(at::VACANT_SINCE) {
        field.input = field.input.clone().with_value(format_date(today));
    }
    Form::new(
        texts::FORM_NEW_DWELLING,
        StockPurpose::Save { new: true },
        fields,
    )
}

/// The form that changes `dwelling`: its code and state stay (the state has a step of its own).
pub fn edit_dwelling(dwelling: &Dwelling) -> Form {
    let mut form = Form::new(
        texts::FORM_EDIT_DWELLING,
        StockPurpose::Save { new: false },
        dwelling_fields(Some(dwelling)),
    );
    form.focus = at::OWNER;
    form
}

fn dwelling_fields(dwelling: Option<&Dwelling>) -> Vec<Field> {
    let text = |f: fn(&Dwelling) -> String| dwelling.map(f).unwrap_or_default();
    let code = match dwelling {
        // The code is what the dwelling is found by: shown, not typed.
        Some(d) => Field::choice(texts::FIELD_CODE, vec![d.code.to_string()], 0),
        None => Field::text(texts::FIELD_CODE, "").required().check(code),
    };
    let owner = dwelling.map_or(Owner::Comune, |d| d.owner);
    let zone = dwelling.map_or(Zone::Media, |d| d.zone);
    let state = match dwelling {
        Some(d) => Field::choice(texts::FIELD_STATE, vec![d.state.label().to_string()], 0),
        None => Field::choice(
            texts::FIELD_STATE,
            NEW_STATES.iter().map(|s| s.label().to_string()).collect(),
            0,
        ),
    };
    vec![
        code,
        Field::choice(
            texts::FIELD_OWNER,
            OWNERS.iter().map(|o| o.label().to_string()).collect(),
            OWNERS.iter().position(|o| *o == owner).unwrap_or(0),
        ),
        Field::text(texts::FIELD_ADDRESS, &text(|d| d.address.clone())).required(),
        Field::text(
            texts::FIELD_STAIRCASE,
            &text(|d| d.staircase.clone().unwrap_or_default()),
        ),
        Field::text(texts::FIELD_FLOOR, &text(|d| d.floor.to_string()))
            .required()
            .check(|v| floor(v).map(|_| ())),
        yes_no(texts::FIELD_LIFT, dwelling.is_some_and(|d| d.lift)),
        Field::text(texts::FIELD_NET_AREA, &text(|d| area_text(d.net_area)))
            .required()
            .check(area),
        Field::text(
            texts::FIELD_CONVENTIONAL_AREA,
            &text(|d| area_text(d.conventional_area)),
        )
        .required()
        .check(area),
        Field::text(texts::FIELD_ROOMS, &text(|d| d.rooms.to_string()))
            .required()
            .check(|v| rooms(v).map(|_| ())),
        yes_no(texts::FIELD_ACCESSIBLE, dwelling.is_some_and(|d| d.accessible)),
        Field::text(
            texts::FIELD_ENERGY_CLASS,
            &text(|d| d.energy_class.map(|c| c.label().to_string()).unwrap_or_default()),
        )
        .check(energy_class),
        Field::text(
            texts::FIELD_YEAR_BUILT,
            &text(|d| d.year_built.map(|y| y.to_string()).unwrap_or_default()),
        )
        .check(|v| year(v).map(|_| ())),
        Field::choice(
            texts::FIELD_ZONE,
            ZONES.iter().map(|z| z.label().to_string()).collect(),
            ZONES.iter().position(|z| *z == zone).unwrap_or(1),
        ),
        state,
        Field::text(
            texts::FIELD_VACANT_SINCE,
            &text(|d| d.vacant_since.map(format_date).unwrap_or_default()),
        )
        .check(date),
    ]
}

/// The form that changes a dwelling's state by hand, with a reason.
pub fn change_state(dwelling: &Dwelling) -> Form {
    let which = format!(
        "{} · {} · {}",
        dwelling.code,
        crate::tui::view::fit(&crate::tui::view::clean(&dwelling.address), 30),
        dwelling.state.label()
    );
    // The first state it is not in already.
    let first = HAND_STATES
        .iter()
        .position(|s| *s != dwelling.state)
        .unwrap_or(0);
    let mut form = Form::new(
        texts::FORM_CHANGE_STATE,
        StockPurpose::ChangeState(dwelling.code.clone()),
        vec![
            Field::choice(texts::FIELD_DWELLING, vec![which], 0),
            Field::choice(
                texts::FIELD_NEW_STATE,
                HAND_STATES.iter().map(|s| s.label().to_string()).collect(),
                first,
            ),
            Field::text(s::FIELD_REASON, "").required(),
        ],
    );
    form.focus = 1;
    form
}

/// The vacancy filter's form: the days typed, or empty for no filter.
pub fn min_vacancy(current: Option<i64>) -> Form {
    let value = current.map(|d| d.to_string()).unwrap_or_default();
    Form::new(
        texts::FORM_MIN_DAYS,
        StockPurpose::MinVacancy,
        vec![Field::text(texts::FIELD_MIN_DAYS, &value).check(|v| days(v).map(|_| ()))],
    )
}

impl Purpose for StockPurpose {
    fn build(&self, form: &Form) -> Result<Outcome, String> {
        let outcome = match self {
            StockPurpose::Save { new } => StockOutcome::Save {
                dwelling: Box::new(dwelling(form, *new)?),
                new: *new,
            },
            StockPurpose::ChangeState(code) => {
                let state = HAND_STATES
                    .get(form.chosen(1))
                    .copied()
                    .unwrap_or(DwellingState::Libero);
                StockOutcome::ChangeState(Command::ChangeDwellingState {
                    code: code.clone(),
                    state,
                    reason: form.value(2).to_string(),
                })
            }
            StockPurpose::MinVacancy => StockOutcome::MinVacancy(match form.optional(0) {
                Some(value) => {
                    Some(days(&value).map_err(|e| s::field_error(texts::FIELD_MIN_DAYS, &e))?)
                }
                None => None,
            }),
        };
        Ok(Outcome::Screen(Box::new(outcome)))
    }
}

/// The dwelling the form describes; the domain checks the rest when it is saved.
fn dwelling(form: &Form, new: bool) -> Result<Dwelling, String> {
    let field = |label: &'static str| move |why: String| s::field_error(label, &why);
    let optional = |i: usize| form.optional(i);
    let state = if new {
        NEW_STATES
            .get(form.chosen(at::STATE))
            .copied()
            .unwrap_or(DwellingState::Libero)
    } else {
        DwellingState::parse(form.value(at::STATE)).map_err(reason)?
    };
    Ok(Dwelling {
        code: DwellingCode::parse(form.value(at::CODE))
            .map_err(|e| field(texts::FIELD_CODE)(reason(e)))?,
        owner: OWNERS
            .get(form.chosen(at::OWNER))
            .copied()
            .unwrap_or(Owner::Comune),
        address: form.value(at::ADDRESS).to_string(),
        staircase: optional(at::STAIRCASE),
        floor: floor(form.value(at::FLOOR)).map_err(field(texts::FIELD_FLOOR))?,
        lift: form.chosen(at::LIFT) == 1,
        net_area: Area::parse(form.value(at::NET_AREA))
            .map_err(|e| field(texts::FIELD_NET_AREA)(reason(e)))?,
        conventional_area: Area::parse(form.value(at::CONVENTIONAL_AREA))
            .map_err(|e| field(texts::FIELD_CONVENTIONAL_AREA)(reason(e)))?,
        rooms: rooms(form.value(at::ROOMS)).map_err(field(texts::FIELD_ROOMS))?,
        accessible: form.chosen(at::ACCESSIBLE) == 1,
        energy_class: optional(at::ENERGY_CLASS)
            .map(|v| EnergyClass::parse(&v))
            .transpose()
            .map_err(|e| field(texts::FIELD_ENERGY_CLASS)(reason(e)))?,
        year_built: optional(at::YEAR_BUILT)
            .map(|v| year(&v))
            .transpose()
            .map_err(field(texts::FIELD_YEAR_BUILT))?,
        zone: ZONES
            .get(form.chosen(at::ZONE))
            .copied()
            .unwrap_or(Zone::Media),
        state,
        vacant_since: optional(at::VACANT_SINCE)
            .map(|v| parse_date(&v))
            .transpose()
            .map_err(|e| field(texts::FIELD_VACANT_SINCE)(e.to_string()))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn areas_are_shown_as_typed_the_italian_way() {
        assert_eq!(area_text(Area::from_hundredths(5_200)), "52");
        assert_eq!(area_text(Area::from_hundredths(5_205)), "52,05");
        assert_eq!(area_text(Area::from_hundredths(5_250)), "52,50");
    }

    #[test]
    fn a_form_saved_unchanged_gives_back_the_dwelling_it_was_opened_on() {
        let dwelling = Dwelling {
            code: DwellingCode::parse("FM-0112").unwrap(),
            owner: Owner::Ente,
            address: "Via Mazzini 12".into(),
            staircase: Some("B".into()),
            floor: -1,
            lift: true,
            net_area: Area::from_hundredths(5_250),
            conventional_area: Area::from_hundredths(6_010),
            rooms: 3,
            accessible: true,
            energy_class: Some(EnergyClass::C),
            year_built: Some(1975),
            zone: Zone::Alta,
            state: DwellingState::InLavori,
            vacant_since: NaiveDate::from_ymd_opt(2024, 10, 1),
        };
        let form = edit_dwelling(&dwelling);
        assert_eq!(super::dwelling(&form, false), Ok(dwelling));
    }
}
