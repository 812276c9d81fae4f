//! The console's state and its `update`: every key becomes an `Action` through the keymap, and
//! goes to the overlay open, or to the screen shown. Whatever needs the database leaves as an
//! [`Effect`] asking the office, and its reply comes back as a [`Msg`] routed to whoever asked:
//! `update` never waits for it, so keys stay live while a slow read runs. Drawing lives in
//! `view`, each screen's in its folder under `screens`.

mod overlays;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tui_input::InputRequest;

use crate::domain::ApplicationId;
use crate::domain::time::Timestamp;
use crate::office::{Progress, Reply, Request};

use super::actions::Action;
use super::context::{Change, Ctx, Nav, Newest, Then, Ticket, Waiter};
use super::data::Summary;
use super::form::Form;
use super::keymap::{Context, Key, Keymap, Resolution};
use super::list::ListCursor;
use super::messaging::{BatchRun, Messaging, PreviewState};
use super::pool::Pool;
use super::rows::Rows;
use super::screens::{Back, Screen, ScreenId, Screens};
use super::search::SearchIndex;
use super::strings as s;
use super::theme::Theme;
use super::view::View;

pub use overlays::text_score;

/// Input, and what background work sends back.
// A message is built once and moved once, through the channel into `update`: boxing the
// office's reply would buy nothing but an allocation and a dereference at every match.
#[allow(clippy::large_enum_variant)]
pub enum Msg {
    Key(KeyEvent),
    Resize(u16, u16),
    /// How far request `ticket`, still running, got.
    Progress(Ticket, Progress),
    /// The office's reply to request `ticket`.
    Reply(Ticket, Reply),
    /// A search index built off the UI thread, for the screen that asked.
    Index(ScreenId, Arc<SearchIndex>),
    /// A line from the background sender while it sends.
    SenderProgress(String),
    /// The sender's report once a drain ended: the outbox and the cases have changed.
    SenderDone(String),
    /// Something was committed through the shared console's server (in another console, by
    /// its sender or a command): what it changed is read again.
    Elsewhere(crate::office::News),
    /// Who else is at a console of the shared server, as it changes.
    Connected(Vec<String>),
}

/// Work `update` asks the runtime to do off the UI thread.
// Built once and moved once, like a message.
#[allow(clippy::large_enum_variant)]
pub enum Effect {
    /// A request for the office; its progress and reply come back with its ticket.
    Ask(Ask),
    /// The search index over the rows given, for the screen named.
    BuildIndex(ScreenId, Rows, Arc<Pool>),
    /// Tell the background sender there is something to send.
    WakeSender,
}

/// A request on its way to the office: plain data, with who asks and when.
pub struct Ask {
    pub ticket: Ticket,
    pub context: crate::domain::Context,
    pub request: Request,
    /// Set to stop a batch between chunks.
    pub stop: Arc<AtomicBool>,
}

/// The filter typed in the help or the palette, and where its list stands.
pub struct ListState {
    pub query: tui_input::Input,
    pub list: ListCursor,
}

impl ListState {
    fn new() -> ListState {
        ListState {
            query: tui_input::Input::default(),
            list: ListCursor::default(),
        }
    }
}

pub enum Overlay {
    Help(ListState),
    Palette(ListState),
    Form {
        form: Form,
        /// Asking whether to discard unsaved input.
        confirming: bool,
    },
    Preview(Box<PreviewState>),
    /// A step shown with what it will change, before Enter commits it; No returns to its form.
    Check(Box<CheckState>),
    /// A yes-or-no question before something with a large effect.
    Question(Box<Question>),
}

/// A question, and what Yes does.
pub struct Question {
    pub text: String,
    pub yes: OnYes,
}

pub enum OnYes {
    /// The console closes.
    Quit,
    /// The screen shown is handed this, as if a form had produced it.
    Screen(Box<dyn std::any::Any>),
}

/// What the check window shows and commits.
pub struct CheckState {
    pub title: &'static str,
    /// Lines of what the step changes; `true` marks one to weigh (shown as a warning).
    pub lines: Vec<(String, bool)>,
    pub command: crate::domain::Command,
    /// What Yes does, for the window's key line.
    pub commit: &'static str,
    /// What the status line says once committed.
    pub done: String,
    /// Said as a warning though it went through (a step that left something undone).
    pub warning: bool,
    /// The form the step came from: back to it on No, or with the refusal under its fields.
    /// None for a step asked without a form: No then closes the window.
    pub form: Option<Form>,
}

pub struct App {
    pub keymap: Keymap,
    pub theme: Theme,
    pub actor: String,
    /// The name a shared account gave, recorded «per conto di» beside the actor.
    pub on_behalf_of: Option<String>,
    /// Who the header names: the actor, «per conto di» the name given if any.
    who: String,
    /// What the caseworker may do: the key bar marks the rest.
    pub role: Option<crate::domain::roles::Role>,
    clock: Box<dyn Fn() -> Timestamp + Send>,
    pub size: (u16, u16),
    /// The screen shown.
    pub screen: ScreenId,
    pub screens: Screens,
    pub summary: Option<Summary>,
    /// The call's applications, shared by the screens.
    pub rows: Rows,
    /// The rows and index shared with the other consoles of the process.
    pool: Arc<Pool>,
    pub rows_progress: Option<(usize, usize)>,
    pub overlay: Option<Overlay>,
    pub pending: Vec<Key>,
    pub status: Option<(String, bool)>,
    /// The status line's message is shown whole, over as many lines as it needs.
    pub status_open: bool,
    pub quit: bool,
    effects: Vec<Effect>,
    /// What a step changed, for the screens to learn once the acting one has returned.
    changes: Vec<Change>,
    nav: Option<Nav>,
    pub messaging: Messaging,
    pub batch: Option<BatchRun>,
    /// Where the seed of a draw by lot comes from: the system's generator, or a test's value.
    seeds: Box<dyn Fn() -> Result<u64, String> + Send>,
    /// The last ticket given to a request.
    asked: u64,
    /// The requests sent and not answered yet, and who their replies go to.
    waiting: BTreeMap<Ticket, Waiter>,
    /// The newest read of the console's own data: an older reply arriving late is dropped.
    newest: Newest,
    /// Who else is connected to the shared console's server; None in a console of its own.
    pub connected: Option<Vec<String>>,
}

impl App {
    /// A console for `actor`; its first requests (the cruscotto's figures, the rows) are
    /// waiting in its effects.
    pub fn new(
        keymap: Keymap,
        theme: Theme,
        actor: &str,
        clock: Box<dyn Fn() -> Timestamp + Send>,
        size: (u16, u16),
        pool: Arc<Pool>,
    ) -> App {
        let mut app = App {
            keymap,
            theme,
            actor: actor.to_string(),
            on_behalf_of: None,
            who: actor.to_string(),
            role: Some(crate::domain::roles::Role::Amministratore),
            clock,
            size,
            screen: ScreenId::home(),
            screens: Screens::default(),
            summary: None,
            rows: Rows::default(),
            pool,
            rows_progress: None,
            overlay: None,
            pending: Vec::new(),
            status: None,
            status_open: false,
            quit: false,
            effects: Vec::new(),
            changes: Vec::new(),
            nav: None,
            messaging: Messaging::default(),
            batch: None,
            seeds: Box::new(crate::office::fresh_seed),
            asked: 0,
            waiting: BTreeMap::new(),
            newest: Newest::default(),
            connected: None,
        };
        match app.pool.rows() {
            // Another console of the process read them: taken as they are.
            Some(rows) => {
                app.rows = rows;
                app.changes.push(Change::RowsLoaded);
                app.with_ctx(|ctx| ctx.reload_summary());
                app.settle();
            }
            None => app.with_ctx(|ctx| {
                ctx.reload_summary();
                ctx.load_rows();
            }),
        }
        app
    }

    /// Where draws by lot take their seed (the tests fix it; the console asks the system).
    pub fn set_seed_source(&mut self, seeds: Box<dyn Fn() -> Result<u64, String> + Send>) {
        self.seeds = seeds;
    }

    /// For whom the system user acts, and their role, as the command line found them.
    pub fn set_caller(
        &mut self,
        on_behalf_of: Option<String>,
        role: Option<crate::domain::roles::Role>,
    ) {
        self.who = match &on_behalf_of {
            Some(name) => format!("{} per conto di {name}", self.actor),
            None => self.actor.clone(),
        };
        self.on_behalf_of = on_behalf_of;
        self.role = role;
    }

    /// The Comune's values and the sender's state, as the command line found them.
    pub fn set_messaging(&mut self, messaging: Messaging) {
        self.messaging = messaging;
    }

    pub fn now(&self) -> Timestamp {
        (self.clock)()
    }

    /// Whether the caseworker's role allows `action`: the key bar marks the others.
    pub fn may(&self, action: crate::tui::actions::Action) -> bool {
        self.role
            .is_some_and(|role| role.allows(crate::tui::actions::role_needed(action)))
    }

    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    /// What the status line says while a request of the screen shown, or a step, is out.
    pub fn waiting(&self) -> Option<&'static str> {
        self.waiting
            .values()
            .filter(|w| match &w.then {
                None => w.by == self.screen,
                Some(then) => then.shown(),
            })
            .map(|w| if w.writes { s::SAVING } else { s::LOADING })
            // A write outweighs a read.
            .max_by_key(|text| *text == s::SAVING)
    }

    /// What the screens draw from.
    pub fn view(&self) -> View<'_> {
        View {
            theme: self.theme,
            keymap: &self.keymap,
            size: self.size,
            actor: &self.who,
            now: self.now(),
            summary: self.summary.as_ref(),
            rows: &self.rows,
            rows_progress: self.rows_progress,
            messaging: &self.messaging,
            batch: self.batch.as_ref(),
            screen: self.screen,
            connected: self.connected.as_deref(),
        }
    }

    /// The keymap context the next key is read in.
    pub fn context(&self) -> Context {
        match &self.overlay {
            Some(Overlay::Help(_)) => Context::Help,
            Some(Overlay::Palette(_)) => Context::Palette,
            Some(Overlay::Form {
                confirming: true, ..
            }) => Context::Confirm,
            Some(Overlay::Form { .. }) => Context::Form,
            Some(Overlay::Preview(_)) => Context::Preview,
            Some(Overlay::Check(_) | Overlay::Question(_)) => Context::Confirm,
            None if self.screens.get(self.screen).typing() => Context::Search,
            None => Context::Screen(self.screen),
        }
    }

    /// Lends the console's services to screen `me` (its replies go to it), beside the screens.
    fn parts(&mut self, me: ScreenId) -> (&mut Screens, Ctx<'_>) {
        let App {
            keymap,
            actor,
            on_behalf_of,
            clock,
            size,
            screen,
            screens,
            rows,
            pool,
            overlay,
            status,
            effects,
            changes,
            nav,
            messaging,
            batch,
            seeds,
            asked,
            waiting,
            newest,
            summary,
            ..
        } = self;
        let ctx = Ctx {
            me,
            shown: *screen,
            keymap,
            actor,
            on_behalf_of: on_behalf_of.as_deref(),
            clock: &**clock,
            seeds: &**seeds,
            size: *size,
            rows,
            pool,
            messaging,
            overlay,
            status,
            effects,
            changes,
            batch,
            nav,
            asked,
            waiting,
            newest,
            active_call: summary
                .as_ref()
                .and_then(|s| s.call.as_ref())
                .map(|c| c.code.as_str()),
        };
        (screens, ctx)
    }

    /// Runs `f` on screen `id` with its context, then lets every screen learn what changed.
    fn with_screen<T>(
        &mut self,
        id: ScreenId,
        f: impl FnOnce(&mut dyn Screen, &mut Ctx) -> T,
    ) -> T {
        let (screens, mut ctx) = self.parts(id);
        let result = f(screens.get_mut(id), &mut ctx);
        self.settle();
        result
    }

    /// Runs `f` with the console's services on behalf of the screen shown (an overlay's step).
    fn with_ctx<T>(&mut self, f: impl FnOnce(&mut Ctx) -> T) -> T {
        self.with_ctx_of(self.screen, f)
    }

    /// Runs `f` with the console's services on behalf of screen `me`.
    fn with_ctx_of<T>(&mut self, me: ScreenId, f: impl FnOnce(&mut Ctx) -> T) -> T {
        let (_, mut ctx) = self.parts(me);
        let result = f(&mut ctx);
        self.settle();
        result
    }

    /// Hands every change to every screen, then goes where the acting screen asked; true when
    /// the screen shown changed what it shows.
    fn settle(&mut self) -> bool {
        let mut redraw = false;
        while !self.changes.is_empty() {
            let changes = std::mem::take(&mut self.changes);
            for change in &changes {
                for id in ScreenId::ALL {
                    let (screens, mut ctx) = self.parts(*id);
                    let changed = screens.get_mut(*id).on_change(change, &mut ctx);
                    redraw |= changed && *id == self.screen;
                }
            }
        }
        if let Some(nav) = self.nav.take() {
            match nav {
                Nav::OpenCase(id) => self.open_case(id, self.screen),
                Nav::Go(screen) => self.go(screen),
            }
        }
        redraw
    }

    /// Applies one message; true when the screen must be redrawn.
    pub fn update(&mut self, msg: Msg) -> bool {
        let redraw = self.apply(msg);
        if self.screen == ScreenId::home() && self.newest.summary_stale {
            self.newest.summary_stale = false;
            self.with_ctx(|ctx| ctx.reload_summary());
        }
        redraw
    }

    fn apply(&mut self, msg: Msg) -> bool {
        match msg {
            Msg::Key(key) if key.kind != KeyEventKind::Release => self.on_key(key),
            Msg::Key(_) => false,
            Msg::Resize(width, height) => {
                self.size = (width, height);
                for id in ScreenId::ALL {
                    self.with_screen(*id, |screen, ctx| screen.on_resize(ctx));
                }
                true
            }
            Msg::Progress(ticket, progress) => self.on_progress(ticket, progress),
            Msg::Reply(ticket, reply) => self.on_reply(ticket, reply),
            Msg::Index(id, index) => {
                self.with_screen(id, |screen, ctx| screen.on_index(index, ctx))
            }
            Msg::SenderProgress(line) => {
                self.changes.push(Change::Sender { line, done: false });
                self.settle()
            }
            Msg::SenderDone(line) => {
                // A drain ended: what shows the outbox and the cases is read again, once.
                let (_, mut ctx) = self.parts(self.screen);
                ctx.changed(Change::Sender { line, done: true });
                ctx.reload_summary();
                self.settle()
            }
            Msg::Elsewhere(news) => {
                self.with_ctx(|ctx| ctx.elsewhere(news));
                true
            }
            Msg::Connected(others) => {
                self.connected = Some(others);
                self.screen == ScreenId::home()
            }
        }
    }

    /// How far a request got: the rows being read, a batch being queued.
    fn on_progress(&mut self, ticket: Ticket, progress: Progress) -> bool {
        let Some(waiter) = self.waiting.get(&ticket) else {
            return false;
        };
        match (&waiter.then, progress) {
            (Some(Then::Rows), Progress::Rows(done, total)) if self.newest.rows == Some(ticket) => {
                self.rows_progress = Some((done, total));
                self.changes.push(Change::RowsProgress);
                self.settle()
            }
            (Some(Then::Batch), Progress::Batch(update)) => {
                let me = waiter.by;
                self.with_ctx_of(me, |ctx| ctx.on_batch(update))
            }
            (Some(Then::RentBatch), Progress::Rent(update)) => {
                let me = waiter.by;
                self.with_ctx_of(me, |ctx| ctx.on_rent_progress(&update))
            }
            _ => false,
        }
    }

    /// The office answered: the reply goes to the screen that asked, or is the console's own.
    fn on_reply(&mut self, ticket: Ticket, reply: Reply) -> bool {
        let Some(waiter) = self.waiting.remove(&ticket) else {
            return false;
        };
        let Some(then) = waiter.then else {
            return self.with_screen(waiter.by, |screen, ctx| screen.on_reply(ticket, reply, ctx));
        };
        match (then, reply) {
            // A newer read of the same is on its way: this one is stale.
            (Then::Summary, _) if self.newest.summary != Some(ticket) => false,
            (Then::Rows, _) if self.newest.rows != Some(ticket) => false,
            (Then::Summary, Reply::Summary(Ok(summary))) => {
                self.summary = Some(summary);
                true
            }
            (Then::Rows, Reply::Rows(Ok(rows))) => {
                self.rows_progress = None;
                self.rows = self.pool.set_rows(rows);
                self.changes.push(Change::RowsLoaded);
                self.settle();
                true
            }
            (Then::Summary, Reply::Summary(Err(e))) | (Then::Rows, Reply::Rows(Err(e))) => {
                self.with_ctx(|ctx| ctx.error(e.to_string()));
                true
            }
            (then, reply) => self.with_ctx_of(waiter.by, |ctx| ctx.on_then(then, reply)),
        }
    }

    fn on_key(&mut self, event: KeyEvent) -> bool {
        let key = Key::from_event(&event);
        if self.too_small() {
            // Nothing is shown, so nothing may act unseen: only quitting, until the window
            // grows back.
            self.pending.clear();
            if self.keymap.resolve(Context::Global, &[], key) == Resolution::Action(Action::Quit) {
                self.quit = true;
            }
            return false;
        }
        let context = self.context();
        match self.keymap.resolve(context, &self.pending, key) {
            Resolution::Action(Action::WholeStatus) if self.status.is_some() => {
                self.pending.clear();
                self.status_open = true;
                true
            }
            Resolution::Action(action) => {
                self.pending.clear();
                self.status = None;
                self.status_open = false;
                self.perform(context, action);
                true
            }
            Resolution::Pending => {
                self.pending.push(key);
                false
            }
            Resolution::Unbound => {
                let had_pending = !self.pending.is_empty();
                self.pending.clear();
                self.type_text(context, &event) || had_pending
            }
        }
    }

    /// Below the size the screens are drawn at, only the notice is shown.
    fn too_small(&self) -> bool {
        self.size.0 < crate::tui::view::MIN_WIDTH || self.size.1 < crate::tui::view::MIN_HEIGHT
    }

    /// Keys no binding claims go to the text being typed, where there is one.
    fn type_text(&mut self, context: Context, event: &KeyEvent) -> bool {
        let Some(request) = input_request(event) else {
            return false;
        };
        match context {
            Context::Search => {
                self.with_screen(self.screen, |screen, ctx| screen.type_text(request, ctx))
            }
            Context::Help | Context::Palette => {
                if let Some(Overlay::Help(list) | Overlay::Palette(list)) = &mut self.overlay {
                    list.query.handle(request);
                    list.list.reset();
                }
                true
            }
            Context::Form => {
                if let Some(Overlay::Form { form, .. }) = &mut self.overlay {
                    form.edit(request);
                    form.complete(&self.rows);
                }
                true
            }
            _ => false,
        }
    }

    fn perform(&mut self, context: Context, action: Action) {
        match context {
            Context::Help => self.on_help(action),
            Context::Palette => self.on_palette(action),
            Context::Form => self.on_form(action),
            Context::Confirm => self.on_confirm(action),
            Context::Search => {
                self.with_screen(self.screen, |screen, ctx| screen.on_search(action, ctx));
            }
            Context::Preview => self.with_ctx(|ctx| ctx.on_preview(action)),
            Context::Global | Context::Screen(_) => self.on_screen(action),
        }
    }

    /// An action on the screen shown: the console's own, or the screen's.
    fn on_screen(&mut self, action: Action) {
        match action {
            Action::Quit => self.quit = true,
            Action::Help => self.overlay = Some(Overlay::Help(ListState::new())),
            Action::Palette => self.overlay = Some(Overlay::Palette(ListState::new())),
            Action::Go(screen) => self.go(screen),
            Action::Back if self.batch.is_some() => self.with_ctx(|ctx| ctx.interrupt_batch()),
            Action::NextScreen | Action::PreviousScreen => {
                let tabs: Vec<ScreenId> = ScreenId::tabs().collect();
                let here = tabs.iter().position(|t| *t == self.screen).unwrap_or(0);
                let step = if action == Action::NextScreen { 1 } else { -1 };
                let next = (here as isize + step).rem_euclid(tabs.len() as isize);
                self.go(tabs[next as usize]);
            }
            Action::Back => self.back(),
            _ => {
                let screen = self.screen;
                // A screen's step it does not offer now does nothing: its key bar hides it.
                if matches!(action, Action::Screen(_))
                    && !self.screens.get(screen).available(action, &self.view())
                {
                    return;
                }
                self.with_screen(screen, |screen, ctx| screen.on_action(action, ctx));
            }
        }
    }

    /// Shows `screen`, which reads what it shows.
    fn go(&mut self, screen: ScreenId) {
        self.screen = screen;
        self.with_screen(screen, |screen, ctx| screen.enter(ctx));
    }

    fn back(&mut self) {
        match self.with_screen(self.screen, |screen, ctx| screen.back(ctx)) {
            Back::Stay => {}
            Back::Home => self.screen = ScreenId::home(),
            Back::To(screen) => {
                self.screen = screen;
                self.changes.push(Change::Step);
                self.settle();
            }
        }
    }

    /// Asks for application `id`'s case, shown once read; Esc returns to `from`.
    pub fn open_case(&mut self, id: ApplicationId, from: ScreenId) {
        let (screens, mut ctx) = self.parts(ScreenId::Case);
        screens.case.open(id, from, &mut ctx);
        self.settle();
    }
}

/// Line-editing keys for text inputs; anything else is not text.
fn input_request(event: &KeyEvent) -> Option<InputRequest> {
    let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
    let alt = event.modifiers.contains(KeyModifiers::ALT);
    match event.code {
        KeyCode::Char(c) if !ctrl && !alt => Some(InputRequest::InsertChar(c)),
        KeyCode::Char('u') if ctrl => Some(InputRequest::DeleteLine),
        KeyCode::Char('w') if ctrl => Some(InputRequest::DeletePrevWord),
        KeyCode::Char('a') if ctrl => Some(InputRequest::GoToStart),
        KeyCode::Char('e') if ctrl => Some(InputRequest::GoToEnd),
        KeyCode::Backspace => Some(InputRequest::DeletePrevChar),
        KeyCode::Delete => Some(InputRequest::DeleteNextChar),
        KeyCode::Left => Some(InputRequest::GoToPrevChar),
        KeyCode::Right => Some(InputRequest::GoToNextChar),
        KeyCode::Home => Some(InputRequest::GoToStart),
        KeyCode::End => Some(InputRequest::GoToEnd),
        _ => None,
    }
}
