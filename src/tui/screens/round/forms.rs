//! The Assegnazioni screen's forms: the round opened, an offer's deadline, an applicant
//! excluded for requirements lost, a reply recorded, a warning, an exclusion, a decree.

use chrono::{Days, NaiveDate};

use super::{REPLY_DAYS, WINDOW_DAYS, texts};
use crate::domain::ApplicationId;
use crate::domain::command::{Command, OfferReply};
use crate::domain::stock::{DwellingCode, ExclusionCause, Placement};
use crate::domain::time::{format_date, parse_date};
use crate::office::ON_DECREE;
use crate::tui::form::{self, Field, Form, Outcome, Purpose};
use crate::tui::strings as s;

/// What a form of this screen produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoundOutcome {
    /// The round to preview, then open: the call named, or the active one.
    Open {
        call: Option<String>,
        opens_on: NaiveDate,
        closes_on: NaiveDate,
    },
    /// An offer with the requirements confirmed again today.
    Offer {
        id: ApplicationId,
        dwelling: DwellingCode,
        deadline: NaiveDate,
        done: String,
    },
    /// A command to run, said with `done` once through.
    Execute { command: Command, done: String },
    /// An unjustified refusal: it excludes, so it is confirmed first.
    Unjustified {
        command: Command,
        done: String,
        lines: [String; 2],
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum RoundPurpose {
    Open,
    Offer {
        id: ApplicationId,
        dwelling: DwellingCode,
        protocol: String,
    },
    Exclude {
        id: ApplicationId,
        protocol: String,
        /// The causes offered, in order.
        causes: Vec<ExclusionCause>,
    },
    Reply {
        id: ApplicationId,
        protocol: String,
        applicant: String,
        dwelling: String,
    },
    Warn {
        id: ApplicationId,
        protocol: String,
    },
    Decree {
        id: ApplicationId,
    },
}

fn date(value: &str) -> Result<NaiveDate, String> {
    parse_date(value).map_err(|e| e.to_string())
}

fn later(day: NaiveDate, days: u64) -> NaiveDate {
    day.checked_add_days(Days::new(days)).unwrap_or(day)
}

/// A line shown, not typed.
fn shown(label: &'static str, text: String) -> Field {
    Field::choice(label, vec![text], 0)
}

fn applicant(place: &Placement) -> Field {
    shown(
        texts::FIELD_APPLICANT,
        texts::applicant_choice(place.position, &place.applicant, &place.protocol),
    )
}

/// The window opened: the active call, from today for the usual days.
pub fn open_round(active_call: Option<&str>, today: NaiveDate) -> Form {
    Form::new(
        texts::FORM_OPEN,
        RoundPurpose::Open,
        vec![
            Field::text(texts::FIELD_CALL, active_call.unwrap_or_default()),
            Field::text(texts::FIELD_FROM, &format_date(today))
                .required()
                .check(form::date),
            Field::text(texts::FIELD_TO, &format_date(later(today, WINDOW_DAYS)))
                .required()
                .check(form::date),
        ],
    )
}

/// The offer of `dwelling` to `place`, replying within the usual days unless changed.
pub fn offer(place: &Placement, dwelling: &DwellingCode, today: NaiveDate) -> Form {
    let mut form = Form::new(
        texts::FORM_OFFER,
        RoundPurpose::Offer {
            id: place.application,
            dwelling: dwelling.clone(),
            protocol: place.protocol.clone(),
        },
        vec![
            shown(texts::FIELD_DWELLING, dwelling.to_string()),
            applicant(place),
            Field::text(
                texts::FIELD_DEADLINE,
                &format_date(later(today, REPLY_DAYS)),
            )
            .required()
            .check(form::date),
        ],
    );
    form.focus = 2;
    form
}

/// `place` excluded for the requirements it no longer meets, with the reason.
pub fn requirements_lost(place: &Placement) -> Form {
    exclusion(
        place,
        texts::FORM_LOST,
        vec![ExclusionCause::RequisitiPersi],
    )
}

/// `place` excluded from the round: the causes a caseworker decides (an unjustified refusal
/// is a reply).
pub fn exclude(place: &Placement) -> Form {
    let causes = ExclusionCause::ALL
        .into_iter()
        .filter(|c| *c != ExclusionCause::RifiutoIngiustificato)
        .collect();
    exclusion(place, texts::FORM_EXCLUDE, causes)
}

fn exclusion(place: &Placement, title: &'static str, causes: Vec<ExclusionCause>) -> Form {
    let labels = causes.iter().map(|c| c.label().to_string()).collect();
    let mut form = Form::new(
        title,
        RoundPurpose::Exclude {
            id: place.application,
            protocol: place.protocol.clone(),
            causes,
        },
        vec![
            applicant(place),
            Field::choice(texts::FIELD_CAUSE, labels, 0),
            Field::text(texts::FIELD_REASON, "").required(),
        ],
    );
    form.focus = 1;
    form
}

/// The reply to the offer `place` holds: accepted, or refused with a reason.
pub fn reply(place: &Placement) -> Form {
    let dwelling = place
        .dwelling()
        .map(ToString::to_string)
        .unwrap_or_default();
    let mut form = Form::new(
        texts::FORM_REPLY,
        RoundPurpose::Reply {
            id: place.application,
            protocol: place.protocol.clone(),
            applicant: place.applicant.clone(),
            dwelling: dwelling.clone(),
        },
        vec![
            applicant(place),
            shown(texts::FIELD_DWELLING, dwelling),
            Field::choice(
                texts::FIELD_REPLY,
                vec![
                    texts::REPLY_ACCEPT.to_string(),
                    texts::REPLY_JUSTIFIED.to_string(),
                    texts::REPLY_UNJUSTIFIED.to_string(),
                ],
                0,
            ),
            Field::text(texts::FIELD_REASON, ""),
        ],
    );
    form.focus = 2;
    form
}

/// The formal warning after a missed reply, with a new deadline or the call's.
pub fn warn(place: &Placement) -> Form {
    let mut deadline = Field::text(texts::FIELD_NEW_DEADLINE, "").check(form::date);
    deadline.hint = Some(texts::WARN_DEFAULT_HINT.to_string());
    let mut form = Form::new(
        texts::FORM_WARN,
        RoundPurpose::Warn {
            id: place.application,
            protocol: place.protocol.clone(),
        },
        vec![applicant(place), deadline],
    );
    form.focus = 1;
    form
}

/// The decree on the day given, today unless changed; its message is previewed next.
pub fn decree(place: &Placement, today: NaiveDate) -> Form {
    let dwelling = place
        .dwelling()
        .map(ToString::to_string)
        .unwrap_or_default();
    let mut form = Form::new(
        texts::FORM_DECREE,
        RoundPurpose::Decree {
            id: place.application,
        },
        vec![
            applicant(place),
            shown(texts::FIELD_DWELLING, dwelling),
            Field::text(texts::FIELD_DECREE_ON, &format_date(today))
                .required()
                .check(form::date),
        ],
    );
    form.focus = 2;
    form
}

impl Purpose for RoundPurpose {
    fn build(&self, form: &Form) -> Result<Outcome, String> {
        let field = |label: &'static str| move |why: String| s::field_error(label, &why);
        let outcome = match self {
            RoundPurpose::Open => RoundOutcome::Open {
                call: form.optional(0),
                opens_on: date(form.value(1)).map_err(field(texts::FIELD_FROM))?,
                closes_on: date(form.value(2)).map_err(field(texts::FIELD_TO))?,
            },
            RoundPurpose::Offer {
                id,
                dwelling,
                protocol,
            } => RoundOutcome::Offer {
                id: *id,
                dwelling: dwelling.clone(),
                deadline: date(form.value(2)).map_err(field(texts::FIELD_DEADLINE))?,
                done: texts::offered(dwelling.as_str(), protocol),
            },
            RoundPurpose::Exclude {
                id,
                protocol,
                causes,
            } => {
                let cause = causes
                    .get(form.chosen(1))
                    .copied()
                    .unwrap_or(ExclusionCause::RequisitiPersi);
                RoundOutcome::Execute {
                    command: Command::ExcludeCandidate {
                        id: *id,
                        cause,
                        reason: form.value(2).to_string(),
                    },
                    done: texts::excluded(protocol, cause.label()),
                }
            }
            RoundPurpose::Reply {
                id,
                protocol,
                applicant,
                dwelling,
            } => {
                let reply = match form.chosen(2) {
                    0 => OfferReply::Accept,
                    1 => OfferReply::RefuseJustified,
                    _ => OfferReply::RefuseUnjustified,
                };
                let reason = form.value(3).to_string();
                if reply != OfferReply::Accept && reason.is_empty() {
                    return Err(s::field_error(
                        texts::FIELD_REASON,
                        texts::REASON_FOR_REFUSAL,
                    ));
                }
                let command = Command::ReplyToOffer {
                    id: *id,
                    reply,
                    reason,
                };
                match reply {
                    OfferReply::Accept => RoundOutcome::Execute {
                        command,
                        done: texts::replied_accept(protocol),
                    },
                    OfferReply::RefuseJustified => RoundOutcome::Execute {
                        command,
                        done: texts::replied_justified(protocol),
                    },
                    OfferReply::RefuseUnjustified => RoundOutcome::Unjustified {
                        command,
                        done: texts::replied_unjustified(protocol),
                        lines: texts::unjustified_lines(applicant, dwelling),
                    },
                }
            }
            RoundPurpose::Warn { id, protocol } => RoundOutcome::Execute {
                command: Command::WarnCandidate {
                    id: *id,
                    deadline: form
                        .optional(1)
                        .map(|d| date(&d))
                        .transpose()
                        .map_err(field(texts::FIELD_NEW_DEADLINE))?,
                },
                done: texts::warned(protocol),
            },
            // The decree fires its message: previewed, then committed with it.
            RoundPurpose::Decree { id } => {
                return Ok(Outcome::Step {
                    command: Command::DecreeAssignment {
                        id: *id,
                        decree_on: date(form.value(2)).map_err(field(texts::FIELD_DECREE_ON))?,
                    },
                    fires: Some(ON_DECREE),
                });
            }
        };
        Ok(Outcome::Screen(Box::new(outcome)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::stock::{Needs, Offer, Standing};

    fn place() -> Placement {
        Placement {
            call: "B".into(),
            position: 3,
            application: ApplicationId(7),
            protocol: "2025/000007".into(),
            applicant: "Rossi Maria".into(),
            needs: Needs {
                size: 2,
                step_free: false,
            },
            standing: Standing::Proposta {
                offer: Offer {
                    dwelling: DwellingCode::parse("FM-002").unwrap(),
                    made_on: NaiveDate::from_ymd_opt(2025, 9, 1).unwrap(),
                    deadline: NaiveDate::from_ymd_opt(2025, 9, 11).unwrap(),
                    out_of_order: None,
                },
            },
            refusals: Vec::new(),
            rechecked_on: None,
        }
    }

    #[test]
    fn a_refusal_without_its_reason_is_refused_by_the_form() {
        let mut form = reply(&place());
        form.fields[2].choice = 1;
        let error = form.submit().unwrap_err();
        assert!(error.contains(texts::REASON_FOR_REFUSAL), "{error}");
        form.fields[3].input = form.fields[3].input.clone().with_value("salute".into());
        assert!(form.submit().is_ok());
    }

    #[test]
    fn an_acceptance_needs_no_reason() {
        let mut form = reply(&place());
        let Ok(Outcome::Screen(outcome)) = form.submit() else {
            panic!("an acceptance builds");
        };
        let outcome = outcome.downcast::<RoundOutcome>().unwrap();
        assert!(matches!(
            *outcome,
            RoundOutcome::Execute {
                command: Command::ReplyToOffer {
                    reply: OfferReply::Accept,
                    ..
                },
                ..
            }
        ));
    }
}
