//! The case's ranking steps: the score's adjustment, shown with its effect on the total and the
//! position before it commits; an objection received, and its decision.

use chrono::NaiveDate;

use super::{ADJUST_SCORE, CaseScreen, DECIDE_OBJECTION, FILE_OBJECTION};
use crate::domain::household::Condition;
use crate::domain::objection::{Adjustment, Objection, adjustment_effect, check_adjustment};
use crate::domain::points::Points;
use crate::domain::ranking::Entry;
use crate::domain::ruleset::Ruleset;
use crate::domain::scoring::Score;
use crate::domain::time::{format_date, parse_date};
use crate::domain::verification::CheckItem;
use crate::domain::{Application, ApplicationId, Command};
use crate::tui::actions::ScreenAction;
use crate::tui::app::{CheckState, Overlay};
use crate::office::Request;
use crate::tui::context::{Ctx, Report};
use crate::tui::form::{Field, Form, Outcome, Purpose, date};
use crate::tui::strings as s;
use crate::tui::view::clean;
use super::texts;

/// What an adjustment form offers: a criterion's points, or a condition found or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdjustTarget {
    Criterion(String),
    Condition { condition: Condition, present: bool },
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum ScorePurpose {
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

/// What a form of the case's ranking steps produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScoreOutcome {
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

fn ranking(title: &'static str, purpose: ScorePurpose, fields: Vec<Field>) -> Form {
    Form::new(title, purpose, fields)
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
            Some(_) => texts::adjust_criterion_overridden(&criterion.id, &criterion.label, now),
            None => texts::adjust_criterion(&criterion.id, &criterion.label, now),
        };
        options.push(crate::tui::view::fit(
            &crate::tui::view::clean(&text),
            choice_room(&[
                texts::FIELD_ADJUST_TARGET,
                texts::FIELD_ADJUST_POINTS,
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

/// A criterion's points replaced (empty: back to the computed ones), or a condition found
/// or not; always with a reason.
fn adjust_score(
    application: &Application,
    ruleset: &Ruleset,
    score: Option<&Score>,
) -> Form {
    let (targets, options) = adjust_targets(application, ruleset, score);
    ranking(
        texts::FORM_ADJUST_SCORE,
        ScorePurpose::Adjust {
            id: application.id,
            targets,
        },
        vec![
            Field::choice(texts::FIELD_ADJUST_TARGET, options, 0),
            Field::text(texts::FIELD_ADJUST_POINTS, "").check(points),
            Field::text(s::FIELD_REASON, "").required(),
        ],
    )
}

fn file_objection(id: ApplicationId, today: NaiveDate) -> Form {
    ranking(
        texts::FORM_FILE_OBJECTION,
        ScorePurpose::FileObjection(id),
        vec![
            Field::text(texts::FIELD_RECEIVED_ON, &format_date(today))
                .required()
                .check(date),
            Field::text(texts::FIELD_OBJECTION_TEXT, "").required(),
        ],
    )
}

fn decide_objection(id: ApplicationId, index: usize, objection: &Objection) -> Form {
    let which = crate::tui::view::fit(
        &texts::objection_choice(
            &format_date(objection.received_on),
            &crate::tui::view::clean(&objection.text),
        ),
        choice_room(&[texts::FIELD_OBJECTION, texts::FIELD_OUTCOME, s::FIELD_REASON]),
    );
    let mut form = ranking(
        texts::FORM_DECIDE_OBJECTION,
        ScorePurpose::DecideObjection { id, index },
        vec![
            Field::choice(texts::FIELD_OBJECTION, vec![which], 0),
            Field::choice(
                texts::FIELD_OUTCOME,
                vec![texts::OBJECTION_ACCEPTED.into(), texts::OBJECTION_REJECTED.into()],
                0,
            ),
            Field::text(s::FIELD_REASON, "").required(),
        ],
    );
    form.focus = 1;
    form
}

impl Purpose for ScorePurpose {
    fn build(&self, form: &Form) -> Result<Outcome, String> {
        let outcome = match self {
            ScorePurpose::Adjust { id, targets } => {
                let target = targets
                    .get(form.fields.first().map_or(0, |f| f.choice))
                    .ok_or_else(|| s::field_error(texts::FIELD_ADJUST_TARGET, s::REQUIRED))?;
                let typed = form.optional(1);
                let adjustment = match target {
                    AdjustTarget::Criterion(criterion) => Adjustment::Override {
                        criterion: criterion.clone(),
                        points: typed
                            .map(|p| Points::parse(&p))
                            .transpose()
                            .map_err(|e| s::field_error(texts::FIELD_ADJUST_POINTS, &e.to_string()))?,
                    },
                    AdjustTarget::Condition { .. } if typed.is_some() => {
                        return Err(s::field_error(
                            texts::FIELD_ADJUST_POINTS,
                            texts::POINTS_ONLY_FOR_CRITERION,
                        ));
                    }
                    AdjustTarget::Condition { condition, present } => Adjustment::Condition {
                        condition: *condition,
                        present: *present,
                    },
                };
                ScoreOutcome::Adjust {
                    id: *id,
                    adjustment,
                    reason: form.value(2).to_string(),
                }
            }
            ScorePurpose::FileObjection(id) => ScoreOutcome::Step {
                command: Command::FileObjection {
                    id: *id,
                    received_on: parse_date(form.value(0)).map_err(|e| e.to_string())?,
                    text: form.value(1).to_string(),
                },
                done: texts::OBJECTION_FILED.to_string(),
            },
            ScorePurpose::DecideObjection { id, index } => {
                let accepted = form.fields.get(1).map_or(0, |f| f.choice) == 0;
                ScoreOutcome::Step {
                    command: Command::DecideObjection {
                        id: *id,
                        index: *index,
                        accepted,
                        reason: form.value(2).to_string(),
                    },
                    done: if accepted {
                        texts::OBJECTION_DONE_ACCEPTED.to_string()
                    } else {
                        texts::OBJECTION_DONE_REJECTED.to_string()
                    },
                }
            }
        };
        Ok(Outcome::Screen(Box::new(outcome)))
    }
}

impl CaseScreen {
    /// `g`, `o`, `O` in a case.
    pub(super) fn score_step(&mut self, own: ScreenAction, ctx: &mut Ctx) {
        let Some(case) = &self.current else {
            return;
        };
        let data = &case.data;
        let application = &data.application;
        let id = application.id;
        let form = match own {
            ADJUST_SCORE => {
                let (Some(call), Some(_)) = (&data.call, &data.ruleset) else {
                    return ctx.error(s::NO_RULESET.to_string());
                };
                // The other admitted applications, for the position the change leads to: the
                // form opens once they are read.
                let request = Request::RankingEntries {
                    call: call.code.clone(),
                };
                self.adjusting.set(ctx.ask(request), id);
                return;
            }
            FILE_OBJECTION => file_objection(id, ctx.today()),
            DECIDE_OBJECTION => match data.application.open_objection() {
                Some((index, objection)) => decide_objection(id, index, objection),
                None => return,
            },
            _ => return,
        };
        ctx.open_form(form);
    }

    /// The admitted applications of the case's call are read: the adjustment's form opens.
    pub(super) fn open_adjustment(&mut self, id: ApplicationId, entries: Vec<Entry>, ctx: &mut Ctx) {
        let Some(case) = self.current.as_ref().filter(|c| c.data.application.id == id) else {
            return;
        };
        let data = &case.data;
        let Some(ruleset) = &data.ruleset else {
            return ctx.error(s::NO_RULESET.to_string());
        };
        let form = adjust_score(&data.application, ruleset, data.score.as_ref());
        self.adjust_entries = entries;
        ctx.open_form(form);
    }

    pub(super) fn on_score_form(&mut self, outcome: ScoreOutcome, ctx: &mut Ctx) {
        match outcome {
            ScoreOutcome::Adjust {
                id,
                adjustment,
                reason,
            } => self.check_adjustment(id, adjustment, reason, ctx),
            ScoreOutcome::Step { command, done } => ctx.execute(command, Report::form(done)),
        }
    }

    /// The adjustment's effect on the total and the position, shown before it commits.
    fn check_adjustment(
        &mut self,
        id: ApplicationId,
        adjustment: Adjustment,
        reason: String,
        ctx: &mut Ctx,
    ) {
        let Some(case) = self.current.as_ref().filter(|c| c.data.application.id == id) else {
            return;
        };
        let data = &case.data;
        let (Some(call), Some(ruleset)) = (&data.call, &data.ruleset) else {
            return ctx.form_error(s::NO_RULESET.to_string());
        };
        let application = &data.application;
        if let Err(e) = check_adjustment(application, Some(ruleset), &adjustment) {
            return ctx.form_error(e.to_string());
        }
        let effect = adjustment_effect(
            application,
            &adjustment,
            &self.adjust_entries,
            call,
            ruleset,
        );
        let what = match &adjustment {
            Adjustment::Override { criterion, points } => {
                let line = data
                    .score
                    .as_ref()
                    .and_then(|sc| sc.lines.iter().find(|l| l.criterion == *criterion));
                let label = line.map(|l| clean(&l.label)).unwrap_or_default();
                let computed = line.map(|l| l.computed).unwrap_or_default();
                match points {
                    Some(p) => texts::check_override(criterion, &label, *p, computed),
                    None => texts::check_back_to_computed(criterion, &label, computed),
                }
            }
            Adjustment::Condition { condition, present } => {
                texts::check_condition(condition.label(), *present)
            }
        };
        let protocol = application
            .protocol
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_else(|| s::NOT_REGISTERED.to_string());
        let delta = effect.delta();
        let moved = effect.position_before != effect.position_after;
        let lines = vec![
            (
                texts::check_case(&protocol, &clean(&application.applicant_name())),
                false,
            ),
            (what, false),
            (texts::check_reason(&clean(&reason)), false),
            (String::new(), false),
            (
                texts::check_total(effect.before.total(), effect.after.total(), delta),
                delta.0 != 0,
            ),
            (
                texts::check_blocks(
                    effect.before.subjective,
                    effect.after.subjective,
                    effect.before.objective,
                    effect.after.objective,
                ),
                false,
            ),
        ];
        let mut lines = lines;
        for cap in &effect.absorbed {
            lines.push((cap.describe(), true));
        }
        lines.push((
            texts::check_position(effect.position_before, effect.position_after),
            moved,
        ));
        let Some(form) = ctx.take_form() else {
            return;
        };
        ctx.show(Overlay::Check(Box::new(CheckState {
            title: texts::BOX_CHECK_ADJUST,
            lines,
            command: Command::AdjustScore {
                id,
                adjustment,
                reason,
            },
            commit: s::CHECK_COMMIT,
            done: texts::SCORE_ADJUSTED.to_string(),
            warning: false,
            form: Some(form),
        })));
    }
}
