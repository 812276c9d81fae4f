//! The Graduatoria screen (the live order and the published versions, publication with its
//! messages, exports) and the case's ranking steps: the score's adjustment shown with its effect
//! before it commits, an objection received and its decision.

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use super::{App, CheckState, Effect, Overlay, PublishedVersion, Screen};
use crate::domain::Command;
use crate::domain::objection::{Adjustment, adjustment_effect, check_adjustment};
use crate::domain::ranking::RankingKind;
use crate::domain::time::{format_date, rome_date};
use crate::files::ranking_export::{Audience, write_csv, write_notice};
use crate::tui::data::RankingData;
use crate::tui::form::Form;
use crate::tui::form::ranking::{ExportKind, RankingOutcome};
use crate::tui::keymap::{Action, Context};
use crate::tui::messaging::{Firing, PreviewState};
use crate::tui::ranking::{RANKING_CHROME, Shown};
use crate::tui::strings as s;
use crate::tui::view::clean;

impl App {
    pub(super) fn on_ranking(&mut self, action: Action) {
        let height = self.table_height(RANKING_CHROME);
        if let Some(delta) = App::move_in_list(action, height) {
            self.ranking.move_cursor(delta, height);
            return;
        }
        match action {
            Action::Open => {
                if let Some(id) = self.ranking.current().map(|r| r.application) {
                    self.open_case(id, Screen::Ranking);
                }
            }
            Action::Search if self.ranking.data.is_some() => self.ranking.start_search(),
            Action::Filter => self.ranking.next_filter(),
            Action::CycleVersion => {
                if let Some(number) = self.ranking.next_version() {
                    self.load_version(number);
                }
            }
            Action::PublishProvisional => self.prepare_publication(RankingKind::Provvisoria),
            Action::PublishDefinitive => self.prepare_publication(RankingKind::Definitiva),
            Action::ExportRanking => self.open_export(),
            _ => {}
        }
    }

    pub(super) fn on_ranking_search(&mut self, action: Action) {
        let height = self.table_height(RANKING_CHROME);
        if let Some(delta) = App::move_in_list(action, height) {
            self.ranking.move_cursor(delta, height);
            return;
        }
        match action {
            Action::Cancel => self.ranking.cancel_search(),
            Action::Confirm => match &mut self.ranking.search {
                Some(search) if !search.query().is_empty() => search.typing = false,
                _ => self.ranking.cancel_search(),
            },
            _ => {}
        }
    }

    /// The screen is opened, or something it shows changed: read it again off the UI thread.
    pub(super) fn enter_ranking(&mut self) {
        self.effects.push(Effect::LoadRanking);
    }

    fn load_version(&mut self, number: u32) {
        let Some(call) = self.ranking_call() else {
            return;
        };
        self.effects
            .push(Effect::LoadRankingVersion { call, number });
    }

    /// Code of the active call, as the screen last read it.
    fn ranking_call(&self) -> Option<String> {
        self.ranking
            .data
            .as_ref()
            .and_then(|d| d.call.as_ref())
            .map(|c| c.code.clone())
    }

    pub(super) fn on_ranking_data(&mut self, result: Result<RankingData, String>) -> bool {
        match result {
            Ok(data) => {
                self.ranking.set_data(data);
                let height = self.table_height(RANKING_CHROME);
                self.ranking.scroll_into_view(height);
                if let Shown::Version(number) = self.ranking.shown
                    && self.ranking.shown_header().is_none()
                {
                    self.load_version(number);
                }
            }
            Err(e) => self.set_error(e),
        }
        self.screen == Screen::Ranking
    }

    pub(super) fn on_ranking_version(
        &mut self,
        call: &str,
        number: u32,
        result: Result<Option<PublishedVersion>, String>,
    ) -> bool {
        if self.ranking_call().as_deref() != Some(call) {
            return false;
        }
        match result {
            Ok(Some((header, rows))) => self.ranking.set_version(header, rows),
            Ok(None) => self.set_error(s::ranking_version_missing(number)),
            Err(e) => self.set_error(e),
        }
        self.screen == Screen::Ranking
    }

    fn ranking_key(&self, context: Context, action: Action) -> String {
        self.keymap
            .first_key(context, action)
            .map(|k| crate::tui::keymap::key_label(&k))
            .unwrap_or_else(|| action.name().to_string())
    }

    /// `P` / `D`: the checks the store will make, then the message the first applicant gets,
    /// with how many get it and what else happens (the draw, its seed). Enter publishes.
    fn prepare_publication(&mut self, kind: RankingKind) {
        let Some(code) = self.ranking_call() else {
            return self.set_error(s::NO_CALL.to_string());
        };
        if let Err(reason) = &self.messaging.config {
            return self.set_error(reason.clone());
        }
        // The office runs the publication's own checks first: a refusal shows before any
        // preview.
        let ctx = self.context_for_command();
        let candidate = match self.office().preview_publication(&ctx, &code, kind) {
            Ok(candidate) => candidate,
            Err(e) => return self.set_error(e.to_string()),
        };
        let Some(first) = &candidate.first else {
            return self.set_error(s::RANKING_EMPTY.to_string());
        };
        let groups = candidate.groups;
        let seed = match (self.seeds)() {
            Ok(seed) => seed,
            // Without ties nothing is drawn: the seed is recorded nowhere.
            Err(_) if groups == 0 => 0,
            Err(e) => return self.set_error(e),
        };
        let addressee = self.addressee_line(&first.addressee.name, &first.addressee.fiscal_code);
        let deadline = candidate.objection_deadline.map(format_date);
        let mut warnings = vec![s::publish_summary(
            kind.label(),
            candidate.number,
            candidate.admitted,
            candidate.rows - candidate.admitted,
            deadline.as_deref(),
        )];
        if candidate.pending > 0 {
            warnings.push(s::publish_pending(candidate.pending as usize));
        }
        if groups > 0 {
            warnings.push(s::publish_draw(groups, seed));
        }
        if candidate.example_ruleset {
            warnings.push(s::RULESET_EXAMPLE_LONG.to_string());
        }
        let note = Some(s::batch_recipients(
            candidate.rows,
            &clean(&first.addressee.name),
        ));
        let mut state = PreviewState::of(
            &first.title,
            addressee,
            &first.message,
            Firing::Ranking { code, kind, seed },
            note,
        );
        state.warnings = warnings;
        self.overlay = Some(Overlay::Preview(Box::new(state)));
    }

    /// Enter on the publication's preview: the version, its audit entries and one message per
    /// applicant, in one transaction; then the new version is shown.
    pub(super) fn publish_confirmed(&mut self, code: &str, kind: RankingKind, seed: u64) {
        let ctx = self.context_for_command();
        match self.office().publish_ranking(&ctx, code, kind, seed) {
            Ok(report) => {
                let header = &report.header;
                let mut text = s::ranking_published(
                    &header.title(),
                    report.queued.len(),
                    report.duplicates,
                    report.failed.len(),
                );
                if let Some((id, reason)) = report.failed.first() {
                    text.push_str(&format!(" ({id}: {reason})"));
                }
                self.status = Some((text, !report.failed.is_empty()));
                self.ranking.shown = Shown::Version(header.number);
                self.ranking.version = None;
                self.ranking.cursor = 0;
                self.ranking.offset = 0;
                self.enter_ranking();
                self.effects.push(Effect::LoadRankingVersion {
                    call: code.to_string(),
                    number: header.number,
                });
                self.load_summary();
                if self.audit.loaded {
                    self.audit.pages = vec![None];
                    self.load_audit_page(None);
                }
                self.outbox_changed();
            }
            Err(e) => self.set_error(e.to_string()),
        }
    }

    /// `e`: only a published version is exported, the one on screen.
    fn open_export(&mut self) {
        let (Some(code), Shown::Version(number)) = (self.ranking_call(), self.ranking.shown) else {
            let key = self.ranking_key(Context::Ranking, Action::CycleVersion);
            return self.set_error(s::export_only_published(&key));
        };
        let suggested = s::export_file_name(&code, number);
        self.open_form(Form::export_ranking(&code, number, &suggested));
    }

    fn export_ranking(&mut self, call: &str, number: u32, path: &Path, kind: ExportKind) {
        let office = self.office();
        let (header, rows) = match office.ranking_version(call, number) {
            Ok(Some(version)) => version,
            Ok(None) => return self.form_error(s::ranking_version_missing(number)),
            Err(e) => return self.form_error(e.to_string()),
        };
        let title = match office.call(call) {
            Ok(Some(c)) => c.title,
            Ok(None) => call.to_string(),
            Err(e) => return self.form_error(e.to_string()),
        };
        let shown = path.display().to_string();
        let file = match File::create(path) {
            Ok(file) => file,
            Err(e) => return self.form_error(s::cannot_write(&shown, &e.to_string())),
        };
        let out = BufWriter::new(file);
        let written = match kind {
            ExportKind::Public => write_csv(out, &rows, Audience::Public),
            ExportKind::Internal => write_csv(out, &rows, Audience::Internal),
            ExportKind::Notice => write_notice(out, &title, &header, &rows),
        };
        match written {
            Ok(()) => {
                self.overlay = None;
                self.status = Some((
                    s::ranking_exported(&shown, kind.label(), &header.title(), rows.len()),
                    false,
                ));
            }
            Err(e) => self.form_error(s::cannot_write(&shown, &e.to_string())),
        }
    }

    /// `g`, `o`, `O` in a case.
    pub(super) fn ranking_from_case(&mut self, action: Action) {
        let Some(case) = &self.case else {
            return;
        };
        let data = &case.data;
        let application = &data.application;
        let id = application.id;
        let form = match action {
            Action::AdjustScore => {
                let (Some(call), Some(ruleset)) = (&data.call, &data.ruleset) else {
                    return self.set_error(s::NO_RULESET.to_string());
                };
                // The other admitted applications, for the position the change leads to.
                let entries = match self.office().ranking_entries(&call.code) {
                    Ok(entries) => entries,
                    Err(e) => return self.set_error(e.to_string()),
                };
                let form = Form::adjust_score(application, ruleset, data.score.as_ref());
                self.adjust_entries = entries;
                form
            }
            Action::FileObjection => Form::file_objection(id, rome_date(self.now())),
            Action::DecideObjection => match data.application.open_objection() {
                Some((index, objection)) => Form::decide_objection(id, index, objection),
                None => return,
            },
            _ => return,
        };
        self.open_form(form);
    }

    pub(super) fn on_ranking_outcome(&mut self, outcome: RankingOutcome) {
        match outcome {
            RankingOutcome::Export {
                call,
                number,
                path,
                kind,
            } => self.export_ranking(&call, number, &path, kind),
            RankingOutcome::Adjust {
                id,
                adjustment,
                reason,
            } => self.check_adjustment(id, adjustment, reason),
            RankingOutcome::Step { command, done } => match self.execute(&command) {
                Ok(()) => {
                    self.overlay = None;
                    self.status = Some((done, false));
                }
                Err(e) => self.form_error(e),
            },
        }
    }

    /// The adjustment's effect on the total and the position, shown before it commits.
    fn check_adjustment(
        &mut self,
        id: crate::domain::ApplicationId,
        adjustment: Adjustment,
        reason: String,
    ) {
        let Some(case) = self.case.as_ref().filter(|c| c.data.application.id == id) else {
            return;
        };
        let data = &case.data;
        let (Some(call), Some(ruleset)) = (&data.call, &data.ruleset) else {
            return self.form_error(s::NO_RULESET.to_string());
        };
        let application = &data.application;
        if let Err(e) = check_adjustment(application, Some(ruleset), &adjustment) {
            return self.form_error(e.to_string());
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
                    Some(p) => s::check_override(criterion, &label, *p, computed),
                    None => s::check_back_to_computed(criterion, &label, computed),
                }
            }
            Adjustment::Condition { condition, present } => {
                s::check_condition(condition.label(), *present)
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
                s::check_case(&protocol, &clean(&application.applicant_name())),
                false,
            ),
            (what, false),
            (s::check_reason(&clean(&reason)), false),
            (String::new(), false),
            (
                s::check_total(effect.before.total(), effect.after.total(), delta),
                delta.0 != 0,
            ),
            (
                s::check_blocks(
                    effect.before.subjective,
                    effect.after.subjective,
                    effect.before.objective,
                    effect.after.objective,
                ),
                false,
            ),
            (
                s::check_position(effect.position_before, effect.position_after),
                moved,
            ),
        ];
        let Some(Overlay::Form { form, .. }) = self.overlay.take() else {
            return;
        };
        self.overlay = Some(Overlay::Check(Box::new(CheckState {
            title: s::BOX_CHECK_ADJUST,
            lines,
            command: Command::AdjustScore {
                id,
                adjustment,
                reason,
            },
            done: s::SCORE_ADJUSTED.to_string(),
            form,
        })));
    }

    /// Yes commits the checked step; No, or a refusal, returns to its form.
    pub(super) fn on_check(&mut self, action: Action) {
        let Some(Overlay::Check(check)) = self.overlay.take() else {
            return;
        };
        let check = *check;
        match action {
            Action::Yes => match self.execute(&check.command) {
                Ok(()) => {
                    self.adjust_entries = Vec::new();
                    self.status = Some((check.done, false));
                }
                Err(e) => {
                    let mut form = check.form;
                    form.error = Some(e);
                    self.open_form(form);
                }
            },
            Action::No => self.open_form(check.form),
            _ => self.overlay = Some(Overlay::Check(Box::new(check))),
        }
    }
}
