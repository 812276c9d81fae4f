//! What the Graduatoria's keys do: move and search, switch version and filter, publish (the
//! message to every applicant previewed first), export a published version.

use std::any::Any;
use std::io::BufWriter;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use tui_input::InputRequest;

use super::forms::{self, Export, ExportKind};
use super::{
    CYCLE_VERSION, EXPORT_RANKING, PUBLISH_DEFINITIVE, PUBLISH_PROVISIONAL, RANKING_CHROME,
    RankingScreen, Shown,
};
use crate::domain::ranking::RankingKind;
use crate::domain::time::format_date;
use crate::files::ranking_export::{Audience, write_csv, write_notice};
use crate::office::{PublicationPreview, RankingExport, Reply, Request};
use crate::tui::actions::{Action, FILTER, SEARCH};
use crate::tui::app::Overlay;
use crate::tui::context::{Change, Ctx, Ticket};
use crate::tui::list::ListCursor;
use crate::tui::messaging::{Firing, PreviewState};
use crate::tui::screens::{Back, Screen};
use crate::tui::strings as s;
use crate::tui::view::{View, clean};
use super::texts;

impl Screen for RankingScreen {
    fn enter(&mut self, ctx: &mut Ctx) {
        self.read(ctx);
    }

    fn on_action(&mut self, action: Action, ctx: &mut Ctx) {
        let height = ctx.table_height(RANKING_CHROME);
        if let Some(delta) = ListCursor::step(action, height) {
            self.move_cursor(delta, height);
            return;
        }
        match action {
            Action::Open => {
                if let Some(id) = self.current().map(|r| r.application) {
                    ctx.open_case(id);
                }
            }
            Action::Screen(SEARCH) if self.data.is_some() => self.start_search(),
            Action::Screen(FILTER) => self.next_filter(),
            Action::Screen(CYCLE_VERSION) => {
                if let Some(number) = self.next_version() {
                    self.load_version(number, ctx);
                }
            }
            Action::Screen(PUBLISH_PROVISIONAL) => {
                self.prepare_publication(RankingKind::Provvisoria, ctx)
            }
            Action::Screen(PUBLISH_DEFINITIVE) => {
                self.prepare_publication(RankingKind::Definitiva, ctx)
            }
            Action::Screen(EXPORT_RANKING) => self.open_export(ctx),
            _ => {}
        }
    }

    fn back(&mut self, _ctx: &mut Ctx) -> Back {
        if self.search.is_some() {
            self.cancel_search();
            Back::Stay
        } else {
            Back::Home
        }
    }

    fn typing(&self) -> bool {
        RankingScreen::typing(self)
    }

    fn on_search(&mut self, action: Action, ctx: &mut Ctx) {
        let height = ctx.table_height(RANKING_CHROME);
        if let Some(delta) = ListCursor::step(action, height) {
            self.move_cursor(delta, height);
            return;
        }
        match action {
            Action::Cancel => self.cancel_search(),
            Action::Confirm => match &mut self.search {
                Some(search) if !search.query().is_empty() => search.typing = false,
                _ => self.cancel_search(),
            },
            _ => {}
        }
    }

    fn type_text(&mut self, request: InputRequest, _ctx: &mut Ctx) -> bool {
        if let Some(search) = &mut self.search {
            search.input.handle(request);
        }
        self.list.reset();
        self.rebuild_view();
        true
    }

    fn key_bar(&self) -> Vec<Action> {
        vec![
            Action::Screen(FILTER),
            Action::Screen(CYCLE_VERSION),
            Action::Screen(PUBLISH_PROVISIONAL),
            Action::Screen(PUBLISH_DEFINITIVE),
            Action::Screen(EXPORT_RANKING),
            Action::Screen(SEARCH),
            Action::Open,
            Action::Help,
        ]
    }

    fn on_form(&mut self, outcome: Box<dyn Any>, ctx: &mut Ctx) {
        if let Ok(export) = outcome.downcast::<Export>() {
            let request = Request::RankingExport {
                call: export.call.clone(),
                number: export.number,
            };
            self.exporting.set(ctx.ask(request), *export);
        }
    }

    fn on_reply(&mut self, ticket: Ticket, reply: Reply, ctx: &mut Ctx) -> bool {
        match reply {
            Reply::RankingData(result) if self.reading.take(ticket).is_some() => {
                match result {
                    Ok(data) => {
                        self.set_data(data);
                        let height = ctx.table_height(RANKING_CHROME);
                        self.list.scroll_into_view(height);
                        if let Shown::Version(number) = self.shown
                            && self.shown_header().is_none()
                        {
                            self.load_version(number, ctx);
                        }
                    }
                    Err(e) => ctx.error(e.to_string()),
                }
                ctx.is_shown()
            }
            Reply::RankingVersion(result) => {
                let Some((call, number)) = self.reading_version.take(ticket) else {
                    return false;
                };
                // The active call changed meanwhile: its versions are other ones.
                if self.call().as_deref() != Some(call.as_str()) {
                    return false;
                }
                match result {
                    Ok(Some((header, rows))) => self.set_version(header, rows),
                    Ok(None) => ctx.error(texts::ranking_version_missing(number)),
                    Err(e) => ctx.error(e.to_string()),
                }
                ctx.is_shown()
            }
            Reply::PreviewPublication(result) => {
                let Some((code, kind)) = self.publishing.take(ticket) else {
                    return false;
                };
                match result {
                    Ok(preview) => show_publication(code, kind, &preview, ctx),
                    Err(e) => ctx.error(e.to_string()),
                }
                true
            }
            Reply::RankingExport(result) => {
                let Some(export) = self.exporting.take(ticket) else {
                    return false;
                };
                match result {
                    Ok(Some(version)) => export_ranking(&export, &version, ctx),
                    Ok(None) => ctx.form_error(texts::ranking_version_missing(export.number)),
                    Err(e) => ctx.form_error(e.to_string()),
                }
                true
            }
            _ => false,
        }
    }

    fn on_change(&mut self, change: &Change, ctx: &mut Ctx) -> bool {
        match change {
            Change::Step if ctx.is_shown() => {
                self.read(ctx);
                false
            }
            // A publication: the new version is shown.
            Change::Published { call, number } => {
                self.shown = Shown::Version(*number);
                self.version = None;
                self.list.reset();
                self.read(ctx);
                self.ask_version(call.clone(), *number, ctx);
                ctx.is_shown()
            }
            _ => false,
        }
    }

    fn on_resize(&mut self, ctx: &mut Ctx) {
        self.list.scroll_into_view(ctx.table_height(RANKING_CHROME));
    }

    fn draw(&self, frame: &mut Frame, area: Rect, view: &View) {
        super::view::draw(frame, area, self, view);
    }

    fn status(&self, view: &View, width: usize) -> Option<Line<'static>> {
        Some(super::view::status(self, view, width))
    }
}

impl RankingScreen {
    /// Asks for the active call's figures: versions, live order, open objections.
    fn read(&mut self, ctx: &mut Ctx) {
        self.reading.set(ctx.ask(Request::RankingData), ());
    }

    fn load_version(&mut self, number: u32, ctx: &mut Ctx) {
        let Some(call) = self.call() else {
            return;
        };
        self.ask_version(call, number, ctx);
    }

    fn ask_version(&mut self, call: String, number: u32, ctx: &mut Ctx) {
        let request = Request::RankingVersion {
            call: call.clone(),
            number,
        };
        self.reading_version.set(ctx.ask(request), (call, number));
    }

    /// Code of the active call, as the screen last read it.
    fn call(&self) -> Option<String> {
        self.data
            .as_ref()
            .and_then(|d| d.call.as_ref())
            .map(|c| c.code.clone())
    }

    /// `P` / `D`: the office's checks of the publication, then the message the first applicant
    /// gets, with how many get it and what else happens (the draw, its seed). Enter publishes.
    fn prepare_publication(&mut self, kind: RankingKind, ctx: &mut Ctx) {
        let Some(code) = self.call() else {
            return ctx.error(s::NO_CALL.to_string());
        };
        if let Err(reason) = &ctx.messaging().config {
            return ctx.error(reason.clone());
        }
        // A refusal by the publication's own checks shows before any preview.
        let request = Request::PreviewPublication {
            call: code.clone(),
            kind,
        };
        self.publishing.set(ctx.ask(request), (code, kind));
    }

    /// `e`: only a published version is exported, the one on screen.
    fn open_export(&mut self, ctx: &mut Ctx) {
        let (Some(code), Shown::Version(number)) = (self.call(), self.shown) else {
            let key = ctx.key_of(Action::Screen(CYCLE_VERSION));
            return ctx.error(texts::export_only_published(&key));
        };
        let suggested = texts::export_file_name(&code, number);
        ctx.open_form(forms::export_ranking(&code, number, &suggested));
    }
}

/// The publication's preview as the office worked it out, with the seed of its draw.
fn show_publication(code: String, kind: RankingKind, preview: &PublicationPreview, ctx: &mut Ctx) {
    if !preview.unsent.is_empty() {
        return ctx.error(texts::publish_unsent(&preview.unsent));
    }
    let Some(first) = &preview.first else {
        return ctx.error(texts::RANKING_EMPTY.to_string());
    };
    let groups = preview.groups;
    let seed = match ctx.seed() {
        Ok(seed) => seed,
        // Without ties nothing is drawn: the seed is recorded nowhere.
        Err(_) if groups == 0 => 0,
        Err(e) => return ctx.error(e),
    };
    let addressee = ctx.addressee_line(
        &first.addressee.name,
        &first.addressee.fiscal_code,
        first.reachable,
    );
    let deadline = preview.objection_deadline.map(format_date);
    let mut warnings = vec![texts::publish_summary(
        kind.label(),
        preview.number,
        preview.admitted,
        preview.rows - preview.admitted,
        deadline.as_deref(),
    )];
    if preview.pending > 0 {
        warnings.push(texts::publish_pending(preview.pending as usize));
    }
    if groups > 0 {
        warnings.push(texts::publish_draw(groups, seed));
    }
    if preview.example_ruleset {
        warnings.push(texts::RULESET_EXAMPLE_LONG.to_string());
    }
    let note = Some(s::batch_recipients(
        preview.rows,
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
    ctx.show(Overlay::Preview(Box::new(state)));
}

/// Writes the version read to the file the form named.
fn export_ranking(export: &Export, version: &RankingExport, ctx: &mut Ctx) {
    let RankingExport {
        title,
        header,
        rows,
    } = version;
    let path = &export.path;
    let kind = export.kind;
    let shown = path.display().to_string();
    // The internal list names people: the owner's only; the others are public by law.
    let created = match kind {
        ExportKind::Internal => crate::files::private::create_private(path),
        ExportKind::Public | ExportKind::Notice => crate::files::private::create_public(path),
    };
    let file = match created {
        Ok(file) => file,
        Err(e) => return ctx.form_error(texts::cannot_write(&shown, &e.to_string())),
    };
    let out = BufWriter::new(file);
    let written = match kind {
        ExportKind::Public => write_csv(out, rows, Audience::Public),
        ExportKind::Internal => write_csv(out, rows, Audience::Internal),
        ExportKind::Notice => write_notice(out, title, header, rows),
    };
    match written {
        Ok(()) => {
            ctx.close_overlay();
            ctx.ok(texts::ranking_exported(
                &shown,
                kind.label(),
                &header.title(),
                rows.len(),
            ));
        }
        Err(e) => ctx.form_error(texts::cannot_write(&shown, &e.to_string())),
    }
}
