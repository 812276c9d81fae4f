//! Forms for the steps that need typed input: fields with inline validation on every edit,
//! and what the form is for (its [`Purpose`]) building the result only from values that all
//! pass. Each screen keeps its forms in its folder; the forms of IO messages, which any screen
//! may open, are here.

mod picker;

pub use picker::{PickEntry, Picker};

use tui_input::{Input, InputRequest};

use crate::domain::Command;
use crate::domain::fiscal_code::PersonFiscalCode;
use crate::domain::time::parse_date;

use super::messaging::Target;
use super::rows::Rows;
use super::strings as s;
use crate::messages::fitting::{Standing, offer_order};
use crate::messages::{Catalogue, PlaceholderSpec, Values};

type Validator = Box<dyn Fn(&str) -> Result<(), String>>;

pub struct Field {
    pub label: &'static str,
    pub input: Input,
    /// For a choice: the options (shown label) and the chosen one; typing is then ignored.
    pub options: Vec<String>,
    pub choice: usize,
    pub required: bool,
    pub error: Option<String>,
    /// What the value typed found, shown under the field while it has no error.
    pub hint: Option<String>,
    /// For a checklist: its rows, ticked with Space; typing and ← → are then ignored.
    pub checklist: Option<Checklist>,
    /// For a pick from a list: typing filters it, ↑ ↓ move through it.
    pub picker: Option<Picker>,
    validator: Validator,
}

/// A list of rows to tick one by one with Space, moved through with ↑ ↓ like fields.
#[derive(Debug, Clone)]
pub struct Checklist {
    pub rows: Vec<CheckRow>,
    /// The row the cursor is on, and whether on that row's note.
    pub cursor: usize,
    pub on_note: bool,
    /// A row ticked "no" carries a note (a finding not verified says why).
    pub notes: bool,
}

#[derive(Debug, Clone)]
pub struct CheckRow {
    pub text: String,
    /// None: not decided yet (an item still to verify).
    pub ticked: Option<bool>,
    pub note: Input,
}

impl CheckRow {
    pub fn new(text: String, ticked: Option<bool>, note: &str) -> CheckRow {
        CheckRow {
            text,
            ticked,
            note: Input::new(note.to_string()),
        }
    }

    pub fn is_ticked(&self) -> bool {
        self.ticked == Some(true)
    }
}

impl Checklist {
    /// Where the cursor can stand: each row, and the note of a row ticked "no".
    pub fn positions(&self) -> Vec<(usize, bool)> {
        let mut positions = Vec::with_capacity(self.rows.len());
        for (i, row) in self.rows.iter().enumerate() {
            positions.push((i, false));
            if self.notes && row.ticked == Some(false) {
                positions.push((i, true));
            }
        }
        positions
    }

    fn position(&self) -> usize {
        self.positions()
            .iter()
            .position(|p| *p == (self.cursor, self.on_note))
            .unwrap_or(0)
    }

    /// Moves the cursor by `step` positions; false when that leaves the list.
    fn step(&mut self, step: isize) -> bool {
        let positions = self.positions();
        let next = self.position() as isize + step;
        match positions.get(usize::try_from(next).unwrap_or(usize::MAX)) {
            Some((row, on_note)) => {
                self.cursor = *row;
                self.on_note = *on_note;
                true
            }
            None => false,
        }
    }

    /// Space on a row: ticked becomes unticked and back; a row not decided becomes ticked.
    fn toggle(&mut self) {
        if let Some(row) = self.rows.get_mut(self.cursor) {
            row.ticked = Some(!row.is_ticked());
        }
    }

    pub fn ticked(&self) -> impl Iterator<Item = usize> + '_ {
        self.rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.is_ticked())
            .map(|(i, _)| i)
    }

    /// Why the list cannot be saved as it is: nothing ticked where something must be, or a
    /// row ticked "no" without its note.
    fn problem(&self, required: bool) -> Option<String> {
        if required && self.ticked().next().is_none() {
            return Some(s::TICK_ONE.to_string());
        }
        self.rows
            .iter()
            .find(|r| self.notes && r.ticked == Some(false) && r.note.value().trim().is_empty())
            .map(|r| s::note_needed(&r.text))
    }
}

impl Field {
    pub fn text(label: &'static str, value: &str) -> Field {
        Field {
            label,
            input: Input::new(value.to_string()),
            options: Vec::new(),
            choice: 0,
            required: false,
            error: None,
            hint: None,
            checklist: None,
            picker: None,
            validator: Box::new(|_| Ok(())),
        }
    }

    /// Rows ticked with Space; with `notes`, a row ticked "no" asks for a note.
    pub fn checklist(label: &'static str, rows: Vec<CheckRow>, notes: bool) -> Field {
        Field {
            checklist: Some(Checklist {
                rows,
                cursor: 0,
                on_note: false,
                notes,
            }),
            ..Field::text(label, "")
        }
    }

    pub fn is_checklist(&self) -> bool {
        self.checklist.is_some()
    }

    /// One entry of a list, found by typing; the field is required.
    pub fn picker(label: &'static str, picker: Picker) -> Field {
        Field {
            picker: Some(picker),
            ..Field::text(label, "").required()
        }
    }

    /// A field drawn as a list of its own (a checklist or a pick from a list).
    pub fn is_list(&self) -> bool {
        self.checklist.is_some() || self.picker.is_some()
    }

    pub fn required(mut self) -> Field {
        self.required = true;
        self
    }

    pub fn check(mut self, validator: impl Fn(&str) -> Result<(), String> + 'static) -> Field {
        self.validator = Box::new(validator);
        self
    }

    pub fn choice(label: &'static str, options: Vec<String>, choice: usize) -> Field {
        Field {
            options,
            choice,
            ..Field::text(label, "")
        }
    }

    pub fn is_choice(&self) -> bool {
        !self.options.is_empty()
    }

    pub fn value(&self) -> &str {
        if self.is_choice() {
            self.options
                .get(self.choice)
                .map(String::as_str)
                .unwrap_or("")
        } else {
            self.input.value().trim()
        }
    }

    fn validate(&mut self) -> bool {
        if let Some(checklist) = &self.checklist {
            self.error = checklist.problem(self.required);
            return self.error.is_none();
        }
        if let Some(picker) = &self.picker {
            self.error = picker.chosen().is_none().then(|| s::PICK_NONE.to_string());
            return self.error.is_none();
        }
        let value = self.value();
        self.error = if value.is_empty() {
            self.required.then(|| s::REQUIRED.to_string())
        } else {
            (self.validator)(value).err()
        };
        self.error.is_none()
    }
}

/// What a form is for, and so what it produces once every field is valid. Each screen's
/// forms have a purpose of their own.
pub trait Purpose {
    fn build(&self, form: &Form) -> Result<Outcome, String>;

    /// After an edit: what the values typed determine, filled from the applications in memory
    /// (a booking's name from its codice fiscale).
    fn complete(&mut self, _fields: &mut [Field], _rows: &Rows) {}
}

/// A form's result once every field is valid.
#[derive(Debug)]
pub enum Outcome {
    /// A step to commit; the status line says the form's title was saved.
    Command(Command),
    /// A step, and the catalogue message it fires (previewed before it commits).
    Step {
        command: Command,
        fires: Option<&'static str>,
    },
    /// The message chosen for a case or a batch: its values are asked next.
    Template { target: Target, template: String },
    /// What the caseworker typed for a message: its preview comes next.
    MessageValues {
        target: Target,
        template: String,
        typed: Values,
    },
    /// Something for the screen that opened the form, in its own type.
    Screen(Box<dyn std::any::Any>),
}

pub struct Form {
    pub title: &'static str,
    pub purpose: Box<dyn Purpose>,
    pub fields: Vec<Field>,
    pub focus: usize,
    pub dirty: bool,
    /// A refusal of the whole form (for example from the domain), shown under the fields.
    pub error: Option<String>,
    /// The case the form was opened on, as it stood then: its step is refused if the case
    /// changed since (someone else's step in another console).
    pub version: Option<crate::office::reads::CaseVersion>,
}

pub fn fiscal_code(value: &str) -> Result<(), String> {
    PersonFiscalCode::parse(value)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

pub fn date(value: &str) -> Result<(), String> {
    parse_date(value).map(|_| ()).map_err(|e| e.to_string())
}

impl Form {
    pub fn new(title: &'static str, purpose: impl Purpose + 'static, fields: Vec<Field>) -> Form {
        Form {
            title,
            purpose: Box::new(purpose),
            fields,
            focus: 0,
            dirty: false,
            error: None,
            version: None,
        }
    }

    /// The catalogue's messages to pick from, those fitting the applications' `standings`
    /// first.
    pub fn choose_template(target: Target, standings: &[Standing]) -> Form {
        let templates = Catalogue::builtin().templates();
        let ids: Vec<&str> = templates.iter().map(|t| t.id.as_str()).collect();
        let (order, leading) = offer_order(&ids, standings);
        let entries = order
            .into_iter()
            .enumerate()
            .filter_map(|(at, i)| templates.get(i).map(|t| (t.title.clone(), i, at < leading)));
        Form::new(
            s::FORM_CHOOSE_TEMPLATE,
            MessagePurpose::ChooseTemplate(target),
            vec![Field::picker(s::FIELD_TEMPLATE, Picker::new(entries))],
        )
    }

    /// A field per placeholder the caseworker must give, each checked by its kind.
    pub fn message_values(
        target: Target,
        template: String,
        specs: &[&'static PlaceholderSpec],
    ) -> Form {
        let fields = specs
            .iter()
            .map(|spec| {
                let kind = spec.kind;
                Field::text(spec.label, "")
                    .required()
                    .check(move |value| kind.parse(value).map(|_| ()))
            })
            .collect();
        Form::new(
            s::FORM_MESSAGE_VALUES,
            MessagePurpose::Values {
                target,
                template,
                placeholders: specs.iter().map(|spec| spec.name).collect(),
            },
            fields,
        )
    }

    pub fn focused(&self) -> Option<&Field> {
        self.fields.get(self.focus)
    }

    /// The next field; in a checklist, its next row first; in a pick from a list, the next
    /// entry.
    pub fn next_field(&mut self, step: isize) {
        let len = self.fields.len() as isize;
        if let Some(picker) = self
            .fields
            .get_mut(self.focus)
            .and_then(|f| f.picker.as_mut())
        {
            return picker.step(step);
        }
        if let Some(checklist) = self
            .fields
            .get_mut(self.focus)
            .and_then(|f| f.checklist.as_mut())
            && (checklist.step(step) || len == 1)
        {
            return;
        }
        if len > 0 {
            self.focus = (self.focus as isize + step).rem_euclid(len) as usize;
        }
    }

    /// The next field as a whole, past the rest of a checklist (Enter).
    pub fn next_whole_field(&mut self) {
        if !self.fields.is_empty() {
            self.focus = (self.focus + 1) % self.fields.len();
        }
    }

    pub fn is_last_field(&self) -> bool {
        self.focus + 1 >= self.fields.len()
    }

    /// An edit to the focused field: text for text fields, ← → for choices. Validated at once.
    pub fn edit(&mut self, request: InputRequest) {
        let Some(field) = self.fields.get_mut(self.focus) else {
            return;
        };
        if let Some(checklist) = &mut field.checklist {
            if checklist.on_note {
                let Some(row) = checklist.rows.get_mut(checklist.cursor) else {
                    return;
                };
                let before = row.note.value().to_string();
                row.note.handle(request);
                if row.note.value() == before {
                    return;
                }
            } else if request == InputRequest::InsertChar(' ') {
                // On to the next row, as selecting in a list does: a note asked for is next.
                checklist.toggle();
                checklist.step(1);
            } else {
                return;
            }
            self.dirty = true;
            self.error = None;
            field.error = None;
            return;
        }
        if let Some(picker) = &mut field.picker {
            // Filtering is looking, not input: Esc still closes at once.
            if picker.edit(request) {
                self.error = None;
                field.error = None;
            }
            return;
        }
        if field.is_choice() {
            let len = field.options.len();
            match request {
                InputRequest::GoToNextChar => field.choice = (field.choice + 1) % len,
                InputRequest::GoToPrevChar => field.choice = (field.choice + len - 1) % len,
                _ => return,
            }
            self.dirty = true;
        } else {
            let before = field.input.value().to_string();
            field.input.handle(request);
            if field.input.value() == before {
                return;
            }
            self.dirty = true;
        }
        self.error = None;
        field.validate();
    }

    /// Lets the form's purpose fill what the edit determines.
    pub fn complete(&mut self, rows: &Rows) {
        self.purpose.complete(&mut self.fields, rows);
    }

    /// Checks every field; on success gives what the form produces.
    pub fn submit(&mut self) -> Result<Outcome, String> {
        let mut first_invalid = None;
        for (i, field) in self.fields.iter_mut().enumerate() {
            if !field.validate() && first_invalid.is_none() {
                first_invalid = Some(i);
            }
        }
        if let Some(i) = first_invalid {
            self.focus = i;
            let field = &self.fields[i];
            return Err(s::field_error(
                field.label,
                field.error.as_deref().unwrap_or(""),
            ));
        }
        self.build()
    }

    /// Field `i`'s value, trimmed.
    pub fn value(&self, i: usize) -> &str {
        self.fields.get(i).map(Field::value).unwrap_or("")
    }

    /// Field `i`'s value, `None` when left empty.
    pub fn optional(&self, i: usize) -> Option<String> {
        Some(self.value(i).to_string()).filter(|v| !v.is_empty())
    }

    /// Field `i`'s checklist, when it is one.
    pub fn checklist(&self, i: usize) -> Option<&Checklist> {
        self.fields.get(i).and_then(|f| f.checklist.as_ref())
    }

    /// The value of the entry picked in field `i`, when it is a pick with an entry under its
    /// cursor.
    pub fn picked(&self, i: usize) -> Option<usize> {
        self.fields
            .get(i)
            .and_then(|f| f.picker.as_ref())
            .and_then(Picker::chosen)
    }

    /// The option chosen in field `i`.
    pub fn chosen(&self, i: usize) -> usize {
        self.fields.get(i).map(|f| f.choice).unwrap_or(0)
    }

    fn build(&self) -> Result<Outcome, String> {
        self.purpose.build(self)
    }
}

/// The forms of an IO message, which any screen may open.
#[derive(Debug, Clone, PartialEq, Eq)]
enum MessagePurpose {
    /// Which catalogue message to send; the entries stand for the catalogue's templates.
    ChooseTemplate(Target),
    /// The values the caseworker types for a message: one field per placeholder named.
    Values {
        target: Target,
        template: String,
        placeholders: Vec<&'static str>,
    },
}

impl Purpose for MessagePurpose {
    fn build(&self, form: &Form) -> Result<Outcome, String> {
        match self.clone() {
            MessagePurpose::ChooseTemplate(target) => {
                let template = form
                    .picked(0)
                    .and_then(|index| Catalogue::builtin().templates().get(index))
                    .map(|t| t.id.clone())
                    .ok_or_else(|| s::field_error(s::FIELD_TEMPLATE, s::REQUIRED))?;
                Ok(Outcome::Template { target, template })
            }
            MessagePurpose::Values {
                target,
                template,
                placeholders,
            } => {
                let mut typed = Values::new();
                for (i, name) in placeholders.iter().enumerate() {
                    let spec = crate::messages::placeholder(name)
                        .ok_or_else(|| format!("segnaposto sconosciuto: {name}"))?;
                    typed.insert_input(spec, form.value(i))?;
                }
                Ok(Outcome::MessageValues {
                    target,
                    template,
                    typed,
                })
            }
        }
    }
}
