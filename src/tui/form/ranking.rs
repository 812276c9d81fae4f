//! The ranking's forms: the export of a published version, and from the case the score's
//! adjustment, an objection received and its decision.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::{Field, Form, Outcome, Purpose, date};
use crate::domain::household::Condition;
use crate::domain::objection::{Adjustment, Objection};
use crate::domain::points::Points;
use crate::domain::ruleset::Ruleset;
use crate::domain::scoring::Score;
use crate::domain::time::{format_date, parse_date};
use crate::domain::verification::CheckItem;
use crate::domain::{Application, ApplicationId, Command};
use crate::tui::strings as s;

/// What an adjustment form offers: a criterion's points, or a condition found or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdjustTarget {
    Criterion(String),
    Condition { condition: Condition, present: bool },
}

/// Which list an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    /// For the albo: protocol, position, total, outcome; no name.
    Public,
    /// For the office: names and breakdown.
    Internal,
    /// The public list as text for the notice board.
    Notice,
}

impl ExportKind {
    pub const ALL: [ExportKind; 3] = [ExportKind::Public, ExportKind::Internal, ExportKind::Notice];

    pub fn label(self) -> &'static str {
        match self {
            ExportKind::Public => s::EXPORT_PUBLIC,
            ExportKind::Internal => s::EXPORT_INTERNAL,
            ExportKind::Notice => s::EXPORT_NOTICE,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RankingPurpose {
    Export {
        call: String,
        number: u32,
    },
    Adjust {
        id: ApplicationId,
        targets: Vec<AdjustTarget>,
    },
    FileObjection(ApplicationId),
    DecideObjection {
        id: ApplicationId,
        index: usize,
    },
}

/// What a form of the ranking produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RankingOutcome {
    Export {
        call: String,
        number: u32,
        path: PathBuf,
        kind: ExportKind,
    },
    /// An adjustment to show with its effect before it is committed.
    Adjust {
        id: ApplicationId,
        adjustment: Adjustment,
        reason: String,
    },
    /// A command and what the status line says once it is committed.
    Step { command: Command, done: String },
}

/// Columns a choice's text gets in the form window, less its longest label: the window is 78
/// wide, and borders, the label's margins, the focus mark and ‹ › take 11.
const CHOICE_ROOM: usize = 67;

fn choice_room(labels: &[&str]) -> usize {
    let longest = labels
        .iter()
        .map(|l| unicode_width::UnicodeWidthStr::width(*l) + 1)
        .max()
        .unwrap_or(0);
    CHOICE_ROOM.saturating_sub(longest)
}

fn points(value: &str) -> Result<(), String> {
    Points::parse(value).map(|_| ()).map_err(|e| e.to_string())
}

fn ranking(title: &'static str, purpose: RankingPurpose, fields: Vec<Field>) -> Form {
    Form::new(title, Purpose::Ranking(purpose), fields)
}

/// The criteria of the table, each with the points it gives now; then the conditions, each
/// with the findings that would change it.
fn adjust_targets(
    application: &Application,
    ruleset: &Ruleset,
    score: Option<&Score>,
) -> (Vec<AdjustTarget>, Vec<String>) {
    let mut targets = Vec::new();
    let mut options = Vec::new();
    for criterion in &ruleset.criteria {
        let line = score.and_then(|sc| sc.lines.iter().find(|l| l.criterion == criterion.id));
        let now = line.map(|l| l.points).unwrap_or_default();
        let text = match line.and_then(|l| l.overridden) {
            Some(_) => s::adjust_criterion_overridden(&criterion.id, &criterion.label, now),
            None => s::adjust_criterion(&criterion.id, &criterion.label, now),
        };
        options.push(crate::tui::view::fit(
            &crate::tui::view::clean(&text),
            choice_room(&[
                s::FIELD_ADJUST_TARGET,
                s::FIELD_ADJUST_POINTS,
                s::FIELD_REASON,
            ]),
        ));
        targets.push(AdjustTarget::Criterion(criterion.id.clone()));
    }
    for condition in Condition::ALL {
        let declared = application.declaration.has(condition);
        let verified = application
            .verifications
            .get(&CheckItem::Condizione(condition))
            .map(|v| v.verified);
        let recognised = declared && verified == Some(true);
        let refused = verified == Some(false);
        if !recognised {
            targets.push(AdjustTarget::Condition {
                condition,
                present: true,
            });
            options.push(s::adjust_condition(condition.label(), true));
        }
        if declared && !refused {
            targets.push(AdjustTarget::Condition {
                condition,
                present: false,
            });
            options.push(s::adjust_condition(condition.label(), false));
        }
    }
    (targets, options)
}

impl Form {
    /// A published version written to a file; `suggested` is the file offered.
    pub fn export_ranking(call: &str, number: u32, suggested: &str) -> Form {
        ranking(
            s::FORM_EXPORT_RANKING,
            RankingPurpose::Export {
                call: call.to_string(),
                number,
            },
            vec![
                Field::text(s::FIELD_EXPORT_FILE, suggested).required(),
                Field::choice(
                    s::FIELD_EXPORT_KIND,
                    ExportKind::ALL
                        .iter()
                        .map(|k| k.label().to_string())
                        .collect(),
                    0,
                ),
            ],
        )
    }

    /// A criterion's points replaced (empty: back to the computed ones), or a condition found
    /// or not; always with a reason.
    pub fn adjust_score(
        application: &Application,
        ruleset: &Ruleset,
        score: Option<&Score>,
    ) -> Form {
        let (targets, options) = adjust_targets(application, ruleset, score);
        ranking(
            s::FORM_ADJUST_SCORE,
            RankingPurpose::Adjust {
                id: application.id,
                targets,
            },
            vec![
                Field::choice(s::FIELD_ADJUST_TARGET, options, 0),
                Field::text(s::FIELD_ADJUST_POINTS, "").check(points),
                Field::text(s::FIELD_REASON, "").required(),
            ],
        )
    }

    pub fn file_objection(id: ApplicationId, today: NaiveDate) -> Form {
        ranking(
            s::FORM_FILE_OBJECTION,
            RankingPurpose::FileObjection(id),
            vec![
                Field::text(s::FIELD_RECEIVED_ON, &format_date(today))
                    .required()
                    .check(date),
                Field::text(s::FIELD_OBJECTION_TEXT, "").required(),
            ],
        )
    }

    pub fn decide_objection(id: ApplicationId, index: usize, objection: &Objection) -> Form {
        let which = crate::tui::view::fit(
            &s::objection_choice(
                &format_date(objection.received_on),
                &crate::tui::view::clean(&objection.text),
            ),
            choice_room(&[s::FIELD_OBJECTION, s::FIELD_OUTCOME, s::FIELD_REASON]),
        );
        let mut form = ranking(
            s::FORM_DECIDE_OBJECTION,
            RankingPurpose::DecideObjection { id, index },
            vec![
                Field::choice(s::FIELD_OBJECTION, vec![which], 0),
                Field::choice(
                    s::FIELD_OUTCOME,
                    vec![s::OBJECTION_ACCEPTED.into(), s::OBJECTION_REJECTED.into()],
                    0,
                ),
                Field::text(s::FIELD_REASON, "").required(),
            ],
        );
        form.focus = 1;
        form
    }
}

impl RankingPurpose {
    pub(super) fn build(&self, form: &Form) -> Result<Outcome, String> {
        let outcome = match self {
            RankingPurpose::Export { call, number } => RankingOutcome::Export {
                call: call.clone(),
                number: *number,
                path: PathBuf::from(form.value(0)),
                kind: ExportKind::ALL
                    .get(form.fields.get(1).map_or(0, |f| f.choice))
                    .copied()
                    .unwrap_or(ExportKind::Public),
            },
            RankingPurpose::Adjust { id, targets } => {
                let target = targets
                    .get(form.fields.first().map_or(0, |f| f.choice))
                    .ok_or_else(|| s::field_error(s::FIELD_ADJUST_TARGET, s::REQUIRED))?;
                let typed = form.optional(1);
                let adjustment = match target {
                    AdjustTarget::Criterion(criterion) => Adjustment::Override {
                        criterion: criterion.clone(),
                        points: typed
                            .map(|p| Points::parse(&p))
                            .transpose()
                            .map_err(|e| s::field_error(s::FIELD_ADJUST_POINTS, &e.to_string()))?,
                    },
                    AdjustTarget::Condition { .. } if typed.is_some() => {
                        return Err(s::field_error(
                            s::FIELD_ADJUST_POINTS,
                            s::POINTS_ONLY_FOR_CRITERION,
                        ));
                    }
                    AdjustTarget::Condition { condition, present } => Adjustment::Condition {
                        condition: *condition,
                        present: *present,
                    },
                };
                RankingOutcome::Adjust {
                    id: *id,
                    adjustment,
                    reason: form.value(2).to_string(),
                }
            }
            RankingPurpose::FileObjection(id) => RankingOutcome::Step {
                command: Command::FileObjection {
                    id: *id,
                    received_on: parse_date(form.value(0)).map_err(|e| e.to_string())?,
                    text: form.value(1).to_string(),
                },
                done: s::OBJECTION_FILED.to_string(),
            },
            RankingPurpose::DecideObjection { id, index } => {
                let accepted = form.fields.get(1).map_or(0, |f| f.choice) == 0;
                RankingOutcome::Step {
                    command: Command::DecideObjection {
                        id: *id,
                        index: *index,
                        accepted,
                        reason: form.value(2).to_string(),
                    },
                    done: if accepted {
                        s::OBJECTION_DONE_ACCEPTED.to_string()
                    } else {
                        s::OBJECTION_DONE_REJECTED.to_string()
                    },
                }
            }
        };
        Ok(Outcome::Ranking(outcome))
    }
}
