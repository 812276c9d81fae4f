//! What a screen is handed when it acts: the console's services, without the `App`.
//!
//! Through its [`Ctx`] a screen reads the clock, the keymap and the application rows; says
//! things on the status line; opens forms, checks and message previews; asks for a case to be
//! opened or another screen shown; asks the office (`ask`, answered later in its `on_reply`
//! with the same [`Ticket`]); and runs steps, whose replies the console deals with itself
//! ([`Then`]). A step's consequences for the other screens are not done in place: they are
//! recorded as [`Change`]s, which the console hands to every screen once the acting one has
//! returned.

mod firing;
mod then;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use chrono::NaiveDate;

pub use firing::{ON_INTEGRATION, ON_ISSUE_FEE, ON_REMIND_FEE};
pub(in crate::tui) use then::Then;
pub use then::{Refusal, Report};

use super::actions::Action;
use super::app::{Ask, Effect, Overlay};
use super::data::Row;
use super::form::Form;
use super::keymap::{Context, Keymap};
use super::messaging::{BatchRun, Messaging, PreviewState};
use super::pool::Pool;
use super::rows::{Placed, Rows};
use super::screens::ScreenId;
use crate::domain::time::{Timestamp, rome_date};
use crate::domain::{ApplicationId, Command};
use crate::office::{OfficeError, Request};

/// Names one request sent to the office; its progress and reply come back with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ticket(pub u64);

/// Who a request's reply goes to.
pub(in crate::tui) struct Waiter {
    /// The screen that asked (on whose behalf, for the console's own steps).
    pub by: ScreenId,
    /// None: the screen's own request, answered in its `on_reply`; else what the console does.
    pub then: Option<Then>,
    /// The request changes the database.
    pub writes: bool,
}

/// The newest read of the console's own data, by ticket.
#[derive(Debug, Default)]
pub(in crate::tui) struct Newest {
    pub summary: Option<Ticket>,
    pub rows: Option<Ticket>,
    /// Something committed elsewhere while the cruscotto was not shown: its figures are read
    /// again once it is.
    pub summary_stale: bool,
}

/// A reply a screen waits for, with what it needs to act on it. Asking again replaces it: the
/// earlier request's reply is stale then, and [`Awaiting::take`] does not hand it over, so it
/// never overwrites a newer view. For reads; a screen's writes are kept in [`Pending`].
#[derive(Debug)]
pub struct Awaiting<T> {
    waiting: Option<(Ticket, T)>,
}

impl<T> Default for Awaiting<T> {
    fn default() -> Self {
        Awaiting { waiting: None }
    }
}

impl<T> Awaiting<T> {
    /// Waits for `ticket`'s reply, instead of any other.
    pub fn set(&mut self, ticket: Ticket, then: T) {
        self.waiting = Some((ticket, then));
    }

    /// What the reply to `ticket` is for, when it is the one awaited.
    pub fn take(&mut self, ticket: Ticket) -> Option<T> {
        match self.waiting.take() {
            Some((awaited, then)) if awaited == ticket => Some(then),
            other => {
                self.waiting = other;
                None
            }
        }
    }

    pub fn is_waiting(&self) -> bool {
        self.waiting.is_some()
    }
}

/// Writes a screen sent and waits to hear about, each with what it needs to act on its reply:
/// none replaces another, as every write's outcome must be told.
#[derive(Debug)]
pub struct Pending<T> {
    waiting: Vec<(Ticket, T)>,
}

impl<T> Default for Pending<T> {
    fn default() -> Self {
        Pending {
            waiting: Vec::new(),
        }
    }
}

impl<T> Pending<T> {
    pub fn push(&mut self, ticket: Ticket, then: T) {
        self.waiting.push((ticket, then));
    }

    /// What the reply to `ticket` is for, when it is one of these.
    pub fn take(&mut self, ticket: Ticket) -> Option<T> {
        let at = self.waiting.iter().position(|(t, _)| *t == ticket)?;
        Some(self.waiting.remove(at).1)
    }
}

/// Something that changed which screens other than the acting one may show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The rows arrived (their count so far while they load).
    RowsLoaded,
    RowsProgress,
    /// An application changed; its row is already current.
    Application(ApplicationId),
    /// Another console's commit (or this one's, told back) changed an application, up to
    /// audit entry `.1`; its row is already current. What was read as of that entry is
    /// current too.
    Told(ApplicationId, u64),
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
    pub(in crate::tui) keymap: &'a Keymap,
    pub(in crate::tui) actor: &'a str,
    pub(in crate::tui) on_behalf_of: Option<&'a str>,
    pub(in crate::tui) clock: &'a (dyn Fn() -> Timestamp + Send),
    pub(in crate::tui) seeds: &'a (dyn Fn() -> Result<u64, String> + Send),
    pub(in crate::tui) size: (u16, u16),
    pub(in crate::tui) rows: &'a mut Rows,
    pub(in crate::tui) pool: &'a Arc<Pool>,
    pub(in crate::tui) messaging: &'a Messaging,
    pub(in crate::tui) overlay: &'a mut Option<Overlay>,
    pub(in crate::tui) status: &'a mut Option<(String, bool)>,
    pub(in crate::tui) effects: &'a mut Vec<Effect>,
    pub(in crate::tui) changes: &'a mut Vec<Change>,
    pub(in crate::tui) batch: &'a mut Option<BatchRun>,
    pub(in crate::tui) nav: &'a mut Option<Nav>,
    pub(in crate::tui) asked: &'a mut u64,
    pub(in crate::tui) waiting: &'a mut BTreeMap<Ticket, Waiter>,
    pub(in crate::tui) newest: &'a mut Newest,
    /// The active call's code, as the header last read it.
    pub(in crate::tui) active_call: Option<&'a str>,
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

    /// The active call's code, once the header's figures were read.
    pub fn active_call(&self) -> Option<&str> {
        self.active_call
    }

    pub fn size(&self) -> (u16, u16) {
        self.size
    }

    /// Rows a table gets between `chrome` lines of header, titles and bars.
    pub fn table_height(&self, chrome: u16) -> usize {
        usize::from(self.size.1.saturating_sub(chrome)).max(1)
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

    /// The screen on the terminal.
    pub fn shown(&self) -> ScreenId {
        self.shown
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

    /// Closes the form open, if a form is what is open: a reply arriving late leaves any other
    /// window alone.
    pub fn close_form(&mut self) {
        if self.form_mut().is_some() {
            self.close_overlay();
        }
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

    /// Sends `request` to the office as the console's caseworker, now; `then` None sends the
    /// reply to the acting screen's `on_reply`.
    fn request(&mut self, request: Request, then: Option<Then>, stop: Arc<AtomicBool>) -> Ticket {
        *self.asked += 1;
        let ticket = Ticket(*self.asked);
        self.waiting.insert(
            ticket,
            Waiter {
                by: self.me,
                then,
                writes: request.writes(),
            },
        );
        let context = self.command_context();
        self.effects.push(Effect::Ask(Ask {
            ticket,
            context,
            request,
            stop,
        }));
        ticket
    }

    /// Asks the office; the reply comes to the acting screen's `on_reply` with the ticket
    /// returned.
    pub fn ask(&mut self, request: Request) -> Ticket {
        self.request(request, None, Arc::default())
    }

    /// Sends a request whose reply the console deals with.
    pub(in crate::tui) fn send(&mut self, request: Request, then: Then) -> Ticket {
        self.request(request, Some(then), Arc::default())
    }

    /// Sends a request that `stop` can end early (a batch).
    pub(in crate::tui) fn send_stoppable(
        &mut self,
        request: Request,
        then: Then,
        stop: Arc<AtomicBool>,
    ) -> Ticket {
        self.request(request, Some(then), stop)
    }

    /// A search index over the rows as they are now, built off the UI thread (or taken from
    /// the pool, when another console built it over the same rows) for the acting screen's
    /// `on_index`.
    pub fn build_index(&mut self) {
        self.effects.push(Effect::BuildIndex(
            self.me,
            self.rows.clone(),
            self.pool.clone(),
        ));
    }

    /// The cruscotto's figures are read again, for the console's day.
    pub fn reload_summary(&mut self) {
        let day = self.today();
        let ticket = self.send(Request::Summary { day }, Then::Summary);
        self.newest.summary = Some(ticket);
    }

    /// Every application's row is read, with progress.
    pub(in crate::tui) fn load_rows(&mut self) {
        let ticket = self.send(Request::Rows, Then::Rows);
        self.newest.rows = Some(ticket);
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
            on_behalf_of: self.on_behalf_of.map(str::to_string),
            now: self.now(),
        }
    }

    /// Runs one command; once it went through, its application's row follows, the other
    /// screens learn of it and `report` says so, or where a refusal shows.
    /// A command from a form opened on a case carries the case's version as the form saw it,
    /// so that the office refuses it if someone changed the case since.
    pub fn execute(&mut self, command: Command, report: Report) {
        let seen = match &report.refusal {
            Refusal::Form => self.form_mut().and_then(|form| form.version),
            Refusal::Reopen(form) => form.version,
            Refusal::Status => None,
        }
        .filter(|seen| command.application_id() == Some(seen.id));
        let request = match seen {
            Some(seen) => Request::ExecuteSeen {
                command: command.clone(),
                seen,
            },
            None => Request::Execute(command.clone()),
        };
        self.send(
            request,
            Then::Execute {
                command: Box::new(command),
                report: Box::new(report),
            },
        );
    }

    /// Runs one command and says so on the status line, or why not.
    pub fn run_one(&mut self, command: Command) {
        self.execute(
            command,
            Report::status(super::strings::batch_done(1, 0, None)),
        );
    }

    /// What follows a command that went through: its application's row is read again, the
    /// header follows a change of the active call, and the other screens learn of it.
    pub fn executed(&mut self, command: &Command) {
        if let Some(id) = command.application_id() {
            let registered = matches!(command, Command::RegisterApplication { .. });
            self.refresh_applications(vec![id], registered);
        }
        if matches!(command, Command::SaveCall(_) | Command::ActivateCall { .. }) {
            self.reload_summary();
        }
        self.after_step();
    }

    /// Applications `ids` changed: their rows are read again, and once they are in the screens
    /// showing them learn it; `registered` when one was given its protocol number, which the
    /// search must learn.
    pub fn refresh_applications(&mut self, ids: Vec<ApplicationId>, registered: bool) {
        self.send(
            Request::RowsOf { ids: ids.clone() },
            Then::Refreshed {
                ids,
                registered,
                elsewhere: false,
            },
        );
    }

    /// Someone committed in another console of the shared server: the rows of the
    /// applications it changed (new ones too), the open case among them, the figures, the
    /// outbox and the lists shown are read again; cursors and selections stay where they are.
    pub(in crate::tui) fn elsewhere(&mut self, news: crate::office::News) {
        // The rows come with the news, read once for every console.
        if !news.applications.is_empty() {
            self.rows_read(Ok(news.rows), &[], news.registered);
            for (id, seq) in news.newest {
                self.changed(Change::Told(id, seq));
            }
        }
        // The figures show on the cruscotto alone (the header shows the active call, which
        // another console changes rarely): read again there, now or once it is shown.
        if self.shown == ScreenId::home() {
            self.reload_summary();
        } else {
            self.newest.summary_stale = true;
        }
        self.changed(Change::Outbox);
        self.after_step();
    }

    /// The rows of applications `ids` as just read: each replaces its old one, and the screens
    /// showing them learn it. A row that cannot be read stays as it was.
    pub fn rows_read(
        &mut self,
        rows: Result<Vec<Row>, OfficeError>,
        ids: &[ApplicationId],
        registered: bool,
    ) {
        match rows {
            Ok(rows) => match self.pool.put(rows, self.rows) {
                Placed::Replaced => {}
                // The lists and the search learn the rows added, or laid out anew, from the
                // rows as they now are.
                Placed::Added | Placed::Shifted => self.changed(Change::RowsLoaded),
            },
            Err(e) => tracing::warn!(error = %e, "righe delle domande non rilette"),
        }
        for id in ids {
            self.changed(Change::Application(*id));
        }
        // A new protocol number must become searchable: the index is rebuilt off the UI
        // thread from the rows as they are now.
        if registered && self.rows.loaded {
            self.changed(Change::Registered);
        }
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
