//! What a screen is handed when it acts: the console's services, without the `App`.
//!
//! Through its [`Ctx`] a screen reads the clock, the keymap and the application rows; says
//! things on the status line; opens forms, checks and message previews; asks for a case to be
//! opened or another screen shown; asks for work off the UI thread (`ask`, answered later in
//! its `on_reply`); and runs steps. A step's consequences for the other screens are not done
//! in place: they are recorded as [`Change`]s, which the console hands to every screen once
//! the acting one has returned.

mod firing;

use std::sync::Arc;

use chrono::NaiveDate;

pub use firing::{
    BatchJob, ON_INTEGRATION, ON_ISSUE_FEE, ON_REGISTER, ON_REMIND_FEE, ranking_template,
};

use super::actions::Action;
use super::app::{Effect, Overlay, PublishedVersion};
use super::data::{RankingData, Row};
use super::form::Form;
use super::keymap::{Context, Keymap};
use super::messaging::{BatchRun, Messaging, PreviewState};
use super::rows::Rows;
use super::screens::ScreenId;
use super::search::{Entry, SearchIndex};
use crate::domain::time::{Timestamp, rome_date};
use crate::domain::{ApplicationId, Command};
use crate::store::Store;

/// Work a screen asks for off the UI thread; the answer comes back to it as a [`Reply`].
pub enum Request {
    /// The search index over the rows given.
    BuildIndex(Vec<Entry>),
    /// The active call's ranking: versions, live order, open objections.
    LoadRanking,
    /// One published version of a call's ranking.
    LoadRankingVersion { call: String, number: u32 },
}

/// The answer to a [`Request`].
pub enum Reply {
    Index(Arc<SearchIndex>),
    Ranking(Result<RankingData, String>),
    /// A published version of call `call`'s ranking, with its rows.
    RankingVersion {
        call: String,
        number: u32,
        result: Result<Option<PublishedVersion>, String>,
    },
}

/// Something that changed which screens other than the acting one may show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The rows arrived (their count so far while they load).
    RowsLoaded,
    RowsProgress,
    /// An application changed; its row is already current.
    Application(ApplicationId),
    /// A protocol number was given: the search must learn it.
    Registered,
    /// A step was committed, or the case closed: the lists of calls, appointments and the
    /// ranking are read again where they show.
    Step,
    /// The outbox changed.
    Outbox,
    /// The background sender is at work; `done` once a drain ended.
    Sender {
        line: String,
        done: bool,
    },
    /// A version of call `call`'s ranking was published.
    Published {
        call: String,
        number: u32,
    },
    /// A batch of messages stopped.
    BatchDone,
}

/// Where the console goes once the acting screen has returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    OpenCase(ApplicationId),
    Go(ScreenId),
}

/// The console's services, lent to one screen for one call.
pub struct Ctx<'a> {
    /// The screen acting, to which its requests are answered.
    pub(in crate::tui) me: ScreenId,
    /// The screen on the terminal.
    pub(in crate::tui) shown: ScreenId,
    pub(in crate::tui) store: &'a Store,
    pub(in crate::tui) keymap: &'a Keymap,
    pub(in crate::tui) actor: &'a str,
    pub(in crate::tui) clock: &'a (dyn Fn() -> Timestamp + Send),
    pub(in crate::tui) seeds: &'a (dyn Fn() -> Result<u64, String> + Send),
    pub(in crate::tui) size: (u16, u16),
    pub(in crate::tui) rows: &'a mut Rows,
    pub(in crate::tui) messaging: &'a Messaging,
    pub(in crate::tui) overlay: &'a mut Option<Overlay>,
    pub(in crate::tui) status: &'a mut Option<(String, bool)>,
    pub(in crate::tui) effects: &'a mut Vec<Effect>,
    pub(in crate::tui) changes: &'a mut Vec<Change>,
    pub(in crate::tui) batch: &'a mut Option<BatchRun>,
    pub(in crate::tui) nav: &'a mut Option<Nav>,
}

impl Ctx<'_> {
    pub fn now(&self) -> Timestamp {
        (self.clock)()
    }

    /// The console's day in Rome.
    pub fn today(&self) -> NaiveDate {
        rome_date(self.now())
    }

    pub fn actor(&self) -> &str {
        self.actor
    }

    pub fn size(&self) -> (u16, u16) {
        self.size
    }

    /// Rows a table gets between `chrome` lines of header, titles and bars.
    pub fn table_height(&self, chrome: u16) -> usize {
        usize::from(self.size.1.saturating_sub(chrome)).max(1)
    }

    /// The store, until the console asks the office instead.
    pub fn store(&self) -> &Store {
        self.store
    }

    pub fn rows(&self) -> &Rows {
        self.rows
    }

    pub fn messaging(&self) -> &Messaging {
        self.messaging
    }

    /// Whether the acting screen is the one on the terminal.
    pub fn is_shown(&self) -> bool {
        self.me == self.shown
    }

    /// The first key of one of the acting screen's actions, as shown; its keymap name when no
    /// key is bound, so that a message can still say what to do.
    pub fn key_of(&self, action: Action) -> String {
        self.keymap
            .shown_key(Context::Screen(self.me), action)
            .unwrap_or_else(|| action.name().to_string())
    }

    /// A draw by lot's seed: the system's generator, or a test's value.
    pub fn seed(&self) -> Result<u64, String> {
        (self.seeds)()
    }

    pub fn ok(&mut self, message: String) {
        *self.status = Some((message, false));
    }

    /// A refusal or failure on the status line, logged.
    pub fn error(&mut self, message: String) {
        tracing::warn!(%message, "errore mostrato all'operatore");
        *self.status = Some((message, true));
    }

    /// A line on the status line that is a warning though the step went through.
    pub fn warn(&mut self, message: String) {
        *self.status = Some((message, true));
    }

    /// A report on the status line, marked as an error when `error`.
    pub fn report(&mut self, message: String, error: bool) {
        *self.status = Some((message, error));
    }

    pub fn open_form(&mut self, form: Form) {
        *self.overlay = Some(Overlay::Form {
            form,
            confirming: false,
        });
    }

    /// The open form, if a form is what is open.
    pub fn form_mut(&mut self) -> Option<&mut Form> {
        match self.overlay {
            Some(Overlay::Form { form, .. }) => Some(form),
            _ => None,
        }
    }

    /// Takes the open form away (to show a check of what it would do in its place).
    pub fn take_form(&mut self) -> Option<Form> {
        match self.overlay.take() {
            Some(Overlay::Form { form, .. }) => Some(form),
            other => {
                *self.overlay = other;
                None
            }
        }
    }

    /// A refusal shown under the open form's fields, which keep what was typed.
    pub fn form_error(&mut self, error: String) {
        if let Some(form) = self.form_mut() {
            form.error = Some(error);
        }
    }

    /// A refusal shown in the open form when there is one, else on the status line.
    pub fn form_or_status_error(&mut self, error: String) {
        if self.form_mut().is_some() {
            self.form_error(error);
        } else {
            self.error(error);
        }
    }

    /// Closes whatever window is open.
    pub fn close_overlay(&mut self) {
        *self.overlay = None;
    }

    pub fn show(&mut self, overlay: Overlay) {
        *self.overlay = Some(overlay);
    }

    /// A message shown for reading, as IO received it.
    pub fn show_message(&mut self, preview: PreviewState) {
        self.show(Overlay::Preview(Box::new(preview)));
    }

    /// Opens application `id`'s case once the acting screen has returned; Esc comes back.
    pub fn open_case(&mut self, id: ApplicationId) {
        *self.nav = Some(Nav::OpenCase(id));
    }

    /// Shows another screen once the acting one has returned.
    pub fn go(&mut self, screen: ScreenId) {
        *self.nav = Some(Nav::Go(screen));
    }

    /// Work off the UI thread; the answer comes to the acting screen's `on_reply`.
    pub fn ask(&mut self, request: Request) {
        self.effects.push(Effect::Ask(self.me, request));
    }

    /// The cruscotto's figures are read again, for the console's day.
    pub fn reload_summary(&mut self) {
        self.effects.push(Effect::LoadSummary(self.today()));
    }

    /// Tells the background sender there is something to send.
    pub fn wake_sender(&mut self) {
        self.effects.push(Effect::WakeSender);
    }

    /// Records a change for the other screens; the same change twice counts once.
    pub fn changed(&mut self, change: Change) {
        if !self.changes.contains(&change) {
            self.changes.push(change);
        }
    }

    /// Something in the outbox changed: the sender may have work, the screens reread.
    pub fn outbox_changed(&mut self) {
        self.changed(Change::Outbox);
        self.wake_sender();
    }

    /// Who does a step, and when.
    pub fn command_context(&self) -> crate::domain::Context {
        crate::domain::Context {
            actor: self.actor.to_string(),
            now: self.now(),
        }
    }

    /// Runs one command; its application's row follows, and the other screens learn of it.
    pub fn execute(&mut self, command: &Command) -> Result<(), String> {
        let ctx = self.command_context();
        self.store
            .execute(command, &ctx)
            .map_err(|e| e.to_string())?;
        if let Some(id) = command.application_id() {
            self.refresh_application(id);
        }
        // A new protocol number must become searchable: the index is rebuilt off the UI thread
        // from the rows as they are once the whole batch is done.
        if matches!(command, Command::RegisterApplication { .. }) && self.rows.loaded {
            self.changed(Change::Registered);
        }
        self.after_step();
        Ok(())
    }

    /// Runs one command and says so, or why not.
    pub fn run_one(&mut self, command: Command) {
        if let Err(e) = self.execute(&command) {
            self.error(e);
        } else {
            self.ok(super::strings::batch_done(1, 0, None));
        }
    }

    /// Application `id` changed: its row is read again, and the screens showing it learn it.
    pub fn refresh_application(&mut self, id: ApplicationId) {
        if let Ok(Some(application)) = self.store.application(id) {
            let call = self.store.call(&application.call).ok().flatten();
            self.rows.replace(Row::of(&application, call.as_ref()));
        }
        self.changed(Change::Application(id));
        // Until the rows are in, the cruscotto counts from the summary.
        if !self.rows.loaded {
            self.reload_summary();
        }
    }

    /// What a committed step changes beyond its application: the lists of calls and
    /// appointments and the ranking are read again where they show.
    pub fn after_step(&mut self) {
        self.changed(Change::Step);
    }
}
