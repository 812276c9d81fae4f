//! The console's state and its `update`: every key becomes an `Action` through the keymap, every
//! action a change of state or a command to the store. Slow reads arrive as `Msg`s from
//! background tasks; `update` never blocks on them. Drawing lives in `view`.

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tui_input::InputRequest;

use crate::domain::time::{Timestamp, rome_date};
use crate::domain::{ApplicationId, Command, Event, State};
use crate::store::{AuditFilter, Store};

mod agenda;
mod calls;
mod firing;
mod ranking;
mod review;

use super::agenda::AgendaScreen;
use super::calls::CallsScreen;
use super::data::{Case, Row, Summary};
use super::form::{Form, Outcome};
use super::inbox::Inbox;
use super::keymap::{Action, Context, Key, Keymap, Resolution};
use super::messaging::{BatchRun, Messaging, OutboxScreen, PreviewState};
use super::ranking::{RANKING_CHROME, RankingScreen};
use super::search::{Entry, SearchIndex};
use super::strings as s;
use super::theme::Theme;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Dashboard,
    Inbox,
    Case,
    Outbox,
    Audit,
    Agenda,
    Calls,
    Ranking,
}

impl Screen {
    /// The screens in tab order (the case is reached from a list, not by tab).
    pub const TABS: [Screen; 7] = [
        Screen::Dashboard,
        Screen::Inbox,
        Screen::Audit,
        Screen::Outbox,
        Screen::Agenda,
        Screen::Calls,
        Screen::Ranking,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Screen::Dashboard => s::SCREEN_DASHBOARD,
            Screen::Inbox => s::SCREEN_INBOX,
            Screen::Case => s::SCREEN_CASE,
            Screen::Outbox => s::SCREEN_OUTBOX,
            Screen::Audit => s::SCREEN_AUDIT,
            Screen::Agenda => s::SCREEN_AGENDA,
            Screen::Calls => s::SCREEN_CALLS,
            Screen::Ranking => s::SCREEN_RANKING,
        }
    }

    pub fn context(self) -> Context {
        match self {
            Screen::Dashboard => Context::Dashboard,
            Screen::Inbox => Context::Inbox,
            Screen::Case => Context::Case,
            Screen::Outbox => Context::Outbox,
            Screen::Audit => Context::Audit,
            Screen::Agenda => Context::Agenda,
            Screen::Calls => Context::Calls,
            Screen::Ranking => Context::Ranking,
        }
    }
}

/// Results of background work, and input.
pub enum Msg {
    Key(KeyEvent),
    Resize(u16, u16),
    Summary(Result<Summary, String>),
    RowsProgress(usize, usize),
    Rows(Result<Vec<Row>, String>),
    Index(Arc<SearchIndex>),
    /// A line from the background sender while it sends.
    SenderProgress(String),
    /// The sender's report once a drain ended: the outbox and the cases have changed.
    SenderDone(String),
    /// Work done that changes nothing on screen.
    Nothing,
    /// A batch being queued: how far it got; `finished` once it stopped.
    Batch(BatchUpdate),
    /// The Graduatoria screen's figures for the active call.
    Ranking(Result<super::data::RankingData, String>),
    /// A published version of call `call`'s ranking, with its rows.
    RankingVersion {
        call: String,
        number: u32,
        result: Result<Option<PublishedVersion>, String>,
    },
}

/// A published ranking as stored: its header and its rows.
pub type PublishedVersion = (
    crate::domain::publication::RankingHeader,
    Vec<crate::domain::ranking::RankRow>,
);

/// Progress of a batch of messages being queued, as the office reports it.
pub use crate::office::BatchProgress as BatchUpdate;

/// Work `update` asks the runtime to do off the UI thread.
pub enum Effect {
    /// The cruscotto's figures, with the appointments of the given day (the console's today).
    LoadSummary(chrono::NaiveDate),
    LoadRows,
    BuildIndex(Vec<Entry>),
    /// Queue one message per application, in chunks, reporting progress.
    QueueBatch(Box<firing::BatchJob>),
    /// Tell the background sender there is something to send.
    WakeSender,
    /// The active call's ranking: versions, live order, open objections.
    LoadRanking,
    /// One published version of a call's ranking.
    LoadRankingVersion {
        call: String,
        number: u32,
    },
}

pub struct ListState {
    pub query: tui_input::Input,
    pub cursor: usize,
    pub offset: usize,
}

impl ListState {
    fn new() -> ListState {
        ListState {
            query: tui_input::Input::default(),
            cursor: 0,
            offset: 0,
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
}

/// What the check window shows and commits.
pub struct CheckState {
    pub title: &'static str,
    /// Lines of what the step changes; `true` marks one to weigh (shown as a warning).
    pub lines: Vec<(String, bool)>,
    pub command: Command,
    /// What the status line says once committed.
    pub done: String,
    /// The form the step came from: back to it on No, or with the refusal under its fields.
    pub form: Form,
}

pub struct CaseState {
    pub data: Case,
    pub scroll: usize,
}

pub struct AuditState {
    pub filter: AuditFilter,
    /// The protocol typed in the filter, shown back as written.
    pub case_label: String,
    pub page: Vec<(u64, Event)>,
    pub cursor: usize,
    /// `before` of each page opened so far, for paging back.
    pub pages: Vec<Option<u64>>,
    pub loaded: bool,
}

pub struct App {
    store: Store,
    pub keymap: Keymap,
    pub theme: Theme,
    pub actor: String,
    clock: Box<dyn Fn() -> Timestamp + Send>,
    pub size: (u16, u16),
    pub screen: Screen,
    /// Where Back returns from the case.
    return_to: Screen,
    pub summary: Option<Summary>,
    pub rows_progress: Option<(usize, usize)>,
    pub inbox: Inbox,
    pub case: Option<CaseState>,
    pub audit: AuditState,
    pub overlay: Option<Overlay>,
    pub pending: Vec<Key>,
    pub status: Option<(String, bool)>,
    pub quit: bool,
    effects: Vec<Effect>,
    /// Rows changed in a way the search index must learn (a new protocol number).
    index_stale: bool,
    pub messaging: Messaging,
    pub outbox: OutboxScreen,
    pub batch: Option<BatchRun>,
    pub agenda: AgendaScreen,
    pub calls: CallsScreen,
    pub ranking: RankingScreen,
    /// Where the seed of a draw by lot comes from: the system's generator, or a test's value.
    seeds: Box<dyn Fn() -> Result<u64, String> + Send>,
    /// The admitted applications of the call, as the ranking orders them, read when the
    /// adjustment form opened: the check shows the position change against them.
    adjust_entries: Vec<crate::domain::ranking::Entry>,
}

/// Lines of chrome around the inbox table: header, tabs, filters, rule, column titles, rule,
/// status line, key bar.
pub const INBOX_CHROME: u16 = 8;
/// Lines around the audit table.
pub const AUDIT_CHROME: u16 = 7;
/// Lines around the outbox table: header, tabs, column titles, rule, sender line, status, keys.
pub const OUTBOX_CHROME: u16 = 7;

impl App {
    pub fn new(
        store: Store,
        keymap: Keymap,
        theme: Theme,
        actor: &str,
        clock: Box<dyn Fn() -> Timestamp + Send>,
        size: (u16, u16),
    ) -> App {
        let today = rome_date(clock());
        App {
            store,
            keymap,
            theme,
            actor: actor.to_string(),
            clock,
            size,
            screen: Screen::Dashboard,
            return_to: Screen::Inbox,
            summary: None,
            rows_progress: None,
            inbox: Inbox::default(),
            case: None,
            audit: AuditState {
                filter: AuditFilter::default(),
                case_label: String::new(),
                page: Vec::new(),
                cursor: 0,
                pages: vec![None],
                loaded: false,
            },
            overlay: None,
            pending: Vec::new(),
            status: None,
            quit: false,
            effects: vec![Effect::LoadSummary(today), Effect::LoadRows],
            index_stale: false,
            messaging: Messaging::default(),
            outbox: OutboxScreen::default(),
            batch: None,
            agenda: AgendaScreen::default(),
            calls: CallsScreen::default(),
            ranking: RankingScreen::default(),
            seeds: Box::new(crate::store::lot::fresh_seed),
            adjust_entries: Vec::new(),
        }
    }

    /// Where draws by lot take their seed (the tests fix it; the console asks the system).
    pub fn set_seed_source(&mut self, seeds: Box<dyn Fn() -> Result<u64, String> + Send>) {
        self.seeds = seeds;
    }

    /// The Comune's values and the sender's state, as the command line found them.
    pub fn set_messaging(&mut self, messaging: Messaging) {
        self.messaging = messaging;
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn now(&self) -> Timestamp {
        (self.clock)()
    }

    pub fn take_effects(&mut self) -> Vec<Effect> {
        if std::mem::take(&mut self.index_stale) {
            self.effects
                .push(Effect::BuildIndex(Inbox::search_entries(&self.inbox.rows)));
        }
        std::mem::take(&mut self.effects)
    }

    /// Asks for the cruscotto's figures again, for the console's day (today's appointments).
    fn load_summary(&mut self) {
        self.effects
            .push(Effect::LoadSummary(rome_date(self.now())));
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
            Some(Overlay::Check(_)) => Context::Confirm,
            None if self.screen == Screen::Inbox
                && self.inbox.search.as_ref().is_some_and(|s| s.typing) =>
            {
                Context::Search
            }
            None if self.screen == Screen::Ranking && self.ranking.typing() => Context::Search,
            None => self.screen.context(),
        }
    }

    pub fn table_height(&self, chrome: u16) -> usize {
        usize::from(self.size.1.saturating_sub(chrome)).max(1)
    }

    /// Applies one message; true when the screen must be redrawn.
    pub fn update(&mut self, msg: Msg) -> bool {
        match msg {
            Msg::Key(key) if key.kind != KeyEventKind::Release => self.on_key(key),
            Msg::Key(_) => false,
            Msg::Resize(width, height) => {
                self.size = (width, height);
                let height = self.table_height(INBOX_CHROME);
                self.inbox.scroll_into_view(height);
                let height = self.table_height(RANKING_CHROME);
                self.ranking.scroll_into_view(height);
                true
            }
            Msg::Summary(Ok(summary)) => {
                self.summary = Some(summary);
                true
            }
            Msg::Summary(Err(e)) | Msg::Rows(Err(e)) => {
                self.set_error(e);
                true
            }
            Msg::RowsProgress(done, total) => {
                self.rows_progress = Some((done, total));
                // Progress is shown only where rows are awaited.
                self.screen == Screen::Inbox
            }
            Msg::Rows(Ok(rows)) => {
                self.rows_progress = None;
                self.effects
                    .push(Effect::BuildIndex(Inbox::search_entries(&rows)));
                self.inbox.set_rows(rows);
                true
            }
            Msg::Index(index) => {
                let searching = self.inbox.search.is_some();
                self.inbox.set_index(index);
                searching
            }
            Msg::SenderProgress(line) => {
                self.outbox.sender = Some(line);
                self.screen == Screen::Outbox
            }
            Msg::SenderDone(line) => self.on_sender(line),
            Msg::Nothing => false,
            Msg::Batch(update) => self.on_batch(update),
            Msg::Ranking(result) => self.on_ranking_data(result),
            Msg::RankingVersion {
                call,
                number,
                result,
            } => self.on_ranking_version(&call, number, result),
        }
    }

    fn on_key(&mut self, event: KeyEvent) -> bool {
        let context = self.context();
        let key = Key::from_event(&event);
        match self.keymap.resolve(context, &self.pending, key) {
            Resolution::Action(action) => {
                self.pending.clear();
                self.status = None;
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

    /// Keys no binding claims go to the text being typed, where there is one.
    fn type_text(&mut self, context: Context, event: &KeyEvent) -> bool {
        let Some(request) = input_request(event) else {
            return false;
        };
        match context {
            Context::Search if self.screen == Screen::Ranking => {
                if let Some(search) = &mut self.ranking.search {
                    search.input.handle(request);
                }
                self.ranking.cursor = 0;
                self.ranking.offset = 0;
                self.ranking.rebuild_view();
                true
            }
            Context::Search => {
                if let Some(search) = &mut self.inbox.search {
                    search.input.handle(request);
                }
                self.inbox.refresh_search();
                true
            }
            Context::Help | Context::Palette => {
                if let Some(Overlay::Help(list) | Overlay::Palette(list)) = &mut self.overlay {
                    list.query.handle(request);
                    list.cursor = 0;
                    list.offset = 0;
                }
                true
            }
            Context::Form => {
                if let Some(Overlay::Form { form, .. }) = &mut self.overlay {
                    form.edit(request);
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
            Context::Search => self.on_search(action),
            Context::Preview => self.on_preview(action),
            _ => self.on_screen(action),
        }
    }

    fn on_screen(&mut self, action: Action) {
        match action {
            Action::Quit => self.quit = true,
            Action::Help => self.overlay = Some(Overlay::Help(ListState::new())),
            Action::Palette => self.overlay = Some(Overlay::Palette(ListState::new())),
            Action::GoDashboard => self.go(Screen::Dashboard),
            Action::GoInbox => self.go(Screen::Inbox),
            Action::GoAudit => self.go(Screen::Audit),
            Action::GoOutbox => self.go(Screen::Outbox),
            Action::GoAgenda => self.go(Screen::Agenda),
            Action::GoCalls => self.go(Screen::Calls),
            Action::GoRanking => self.go(Screen::Ranking),
            Action::Back if self.batch.is_some() => self.interrupt_batch(),
            Action::NextScreen | Action::PreviousScreen => {
                let here = Screen::TABS
                    .iter()
                    .position(|t| *t == self.screen)
                    .unwrap_or(0);
                let step = if action == Action::NextScreen { 1 } else { -1 };
                let next = (here as isize + step).rem_euclid(Screen::TABS.len() as isize);
                self.go(Screen::TABS[next as usize]);
            }
            Action::Back => self.back(),
            _ => match self.screen {
                Screen::Dashboard => {
                    if action == Action::Open {
                        self.go(Screen::Inbox);
                    }
                }
                Screen::Inbox => self.on_inbox(action),
                Screen::Case => self.on_case(action),
                Screen::Outbox => self.on_outbox(action),
                Screen::Audit => self.on_audit(action),
                Screen::Agenda => self.on_agenda(action),
                Screen::Calls => self.on_calls(action),
                Screen::Ranking => self.on_ranking(action),
            },
        }
    }

    fn go(&mut self, screen: Screen) {
        if screen == Screen::Audit && !self.audit.loaded {
            self.load_audit_page(None);
        }
        self.screen = screen;
        match screen {
            Screen::Outbox => self.refresh_outbox(),
            Screen::Agenda => self.enter_agenda(),
            Screen::Calls => self.enter_calls(),
            Screen::Ranking => self.enter_ranking(),
            _ => {}
        }
    }

    fn back(&mut self) {
        match self.screen {
            Screen::Case => {
                self.case = None;
                self.screen = self.return_to;
                self.after_step(None);
            }
            Screen::Inbox if self.inbox.search.is_some() => self.inbox.cancel_search(),
            Screen::Ranking if self.ranking.search.is_some() => self.ranking.cancel_search(),
            Screen::Inbox
            | Screen::Audit
            | Screen::Outbox
            | Screen::Agenda
            | Screen::Calls
            | Screen::Ranking => self.screen = Screen::Dashboard,
            Screen::Dashboard => {}
        }
    }

    fn move_in_list(action: Action, page: usize) -> Option<isize> {
        let page = page as isize;
        match action {
            Action::Up => Some(-1),
            Action::Down => Some(1),
            Action::PageUp => Some(-page),
            Action::PageDown => Some(page),
            Action::Top => Some(isize::MIN / 2),
            Action::Bottom => Some(isize::MAX / 2),
            _ => None,
        }
    }

    fn on_inbox(&mut self, action: Action) {
        self.inbox.today = rome_date(self.now());
        let height = self.table_height(INBOX_CHROME);
        if let Some(delta) = App::move_in_list(action, height) {
            self.inbox.move_cursor(delta, height);
            return;
        }
        match action {
            Action::Open => {
                if let Some(id) = self.inbox.current().map(|r| r.id) {
                    self.open_case(id, Screen::Inbox);
                }
            }
            Action::Search if self.inbox.loaded => self.inbox.start_search(),
            Action::Select => {
                self.inbox.toggle_selected();
                self.inbox.move_cursor(1, height);
            }
            Action::SelectAll => self.inbox.select_all(),
            Action::NextFilter => self.inbox.next_filter(1),
            Action::PreviousFilter => self.inbox.next_filter(-1),
            Action::Sort => self.inbox.cycle_sort(),
            Action::ReverseSort => self.inbox.reverse_sort(),
            Action::Register | Action::StartReview => {
                let targets = self.inbox.targets();
                let command = |id| match action {
                    Action::Register => Command::RegisterApplication {
                        id,
                        override_reason: None,
                    },
                    _ => Command::StartReview { id },
                };
                self.run_batch(targets.into_iter().map(command).collect());
            }
            Action::SendMessage => {
                let targets = self.inbox.targets();
                if !targets.is_empty() {
                    self.choose_template(super::messaging::Target::Batch(targets));
                }
            }
            Action::Admit | Action::Exclude | Action::RemindFee => self.on_review(action),
            _ => {}
        }
    }

    fn on_search(&mut self, action: Action) {
        if self.screen == Screen::Ranking {
            return self.on_ranking_search(action);
        }
        let height = self.table_height(INBOX_CHROME);
        if let Some(delta) = App::move_in_list(action, height) {
            self.inbox.move_cursor(delta, height);
            return;
        }
        match action {
            Action::Cancel => self.inbox.cancel_search(),
            Action::Confirm => {
                let empty = self
                    .inbox
                    .search
                    .as_ref()
                    .is_none_or(|s| s.query().is_empty());
                if empty {
                    self.inbox.cancel_search();
                } else if let Some(search) = &mut self.inbox.search {
                    search.typing = false;
                }
            }
            _ => {}
        }
    }

    pub fn open_case(&mut self, id: ApplicationId, from: Screen) {
        match Case::load(&self.store, id) {
            Ok(Some(data)) => {
                self.case = Some(CaseState { data, scroll: 0 });
                self.return_to = from;
                self.screen = Screen::Case;
            }
            Ok(None) => self.set_error(format!("domanda {} non trovata", id.0)),
            Err(e) => self.set_error(e.to_string()),
        }
    }

    fn reload_case(&mut self) {
        if let Some(id) = self.case.as_ref().map(|c| c.data.application.id) {
            let scroll = self.case.as_ref().map(|c| c.scroll).unwrap_or(0);
            match Case::load(&self.store, id) {
                Ok(Some(data)) => self.case = Some(CaseState { data, scroll }),
                Ok(None) => self.case = None,
                Err(e) => self.set_error(e.to_string()),
            }
        }
    }

    /// The case actions the application's state allows, in key-bar order.
    pub fn case_actions(&self) -> Vec<Action> {
        let Some(case) = &self.case else {
            return Vec::new();
        };
        let app = &case.data.application;
        let state = app.state;
        // Household and documents change only while the application is open.
        let open = !matches!(state, State::Ammessa | State::Esclusa);
        let fee_unpaid = app.fee.as_ref().is_some_and(|f| !f.is_paid());
        let mut actions = Vec::new();
        let allowed = [
            (Action::Register, state == State::Ricevuta),
            (Action::StartReview, state == State::Protocollata),
            (
                Action::RequestIntegration,
                state.can_become(State::IntegrazioneRichiesta),
            ),
            (
                Action::ReceiveIntegration,
                state == State::IntegrazioneRichiesta,
            ),
            (Action::Admit, state.can_become(State::Ammessa)),
            (Action::Exclude, state.can_become(State::Esclusa)),
            (Action::Reinstate, state == State::Esclusa),
            (
                Action::AdjustScore,
                state == State::Ammessa && case.data.ruleset.is_some(),
            ),
            (
                Action::FileObjection,
                matches!(state, State::Ammessa | State::Esclusa)
                    && case.data.application.open_objection().is_none()
                    && case.data.versions.last().is_some_and(|v| {
                        v.kind == crate::domain::ranking::RankingKind::Provvisoria
                    }),
            ),
            (
                Action::DecideObjection,
                case.data.application.open_objection().is_some(),
            ),
            (Action::EditContact, true),
            (Action::AddMember, true),
            (Action::RemoveMember, open && app.household.len() > 1),
            (Action::RecordDocument, open),
            (Action::Verify, state != State::Esclusa),
            (
                Action::IssueFee,
                app.protocol.is_some() && app.fee.is_none() && state != State::Esclusa,
            ),
            (Action::RecordPayment, fee_unpaid),
            (
                Action::RemindFee,
                fee_unpaid
                    && state != State::Esclusa
                    && app
                        .fee
                        .as_ref()
                        .is_some_and(|f| !f.is_late(rome_date(self.now()))),
            ),
            (Action::BookAppointment, true),
            (Action::SendMessage, true),
        ];
        for (action, ok) in allowed {
            if ok {
                actions.push(action);
            }
        }
        actions
    }

    fn on_case(&mut self, action: Action) {
        let Some(case) = &mut self.case else {
            return;
        };
        match action {
            Action::Up => case.scroll = case.scroll.saturating_sub(1),
            Action::Down => case.scroll = case.scroll.saturating_add(1),
            Action::PageUp => case.scroll = case.scroll.saturating_sub(10),
            Action::PageDown => case.scroll = case.scroll.saturating_add(10),
            Action::Top => case.scroll = 0,
            Action::Bottom => case.scroll = usize::MAX / 2,
            _ => {}
        }
        if !self.case_actions().contains(&action) {
            return;
        }
        let Some(case) = &self.case else {
            return;
        };
        let app = &case.data.application;
        let id = app.id;
        let form = match action {
            Action::Register if app.late => Some(Form::late_register(id)),
            Action::Register => {
                self.fire_step(
                    Command::RegisterApplication {
                        id,
                        override_reason: None,
                    },
                    firing::ON_REGISTER,
                );
                None
            }
            Action::SendMessage => {
                self.choose_template(super::messaging::Target::Case(id));
                None
            }
            Action::RemoveMember
            | Action::RecordDocument
            | Action::Verify
            | Action::IssueFee
            | Action::RecordPayment
            | Action::RemindFee => {
                self.on_review(action);
                None
            }
            Action::BookAppointment => {
                self.book_from_case(id);
                None
            }
            Action::AdjustScore | Action::FileObjection | Action::DecideObjection => {
                self.ranking_from_case(action);
                None
            }
            Action::StartReview => {
                self.run_one(Command::StartReview { id });
                None
            }
            Action::ReceiveIntegration => {
                self.run_one(Command::ReceiveIntegration { id });
                None
            }
            Action::RequestIntegration => {
                let (missing, known, days) = match &case.data.call {
                    Some(call) => (
                        app.missing_documents(call),
                        call.documents.iter().map(|d| d.code.clone()).collect(),
                        call.params.integration_days,
                    ),
                    None => (Vec::new(), Vec::new(), 10),
                };
                let deadline = rome_date(self.now()) + chrono::Days::new(u64::from(days));
                Some(Form::integration(id, &missing, known, deadline))
            }
            Action::Admit => Some(Form::admit(id)),
            Action::Exclude => Some(Form::exclude(id)),
            Action::Reinstate => Some(Form::reinstate(id)),
            Action::EditContact => Some(Form::contact(id, &app.contact)),
            Action::AddMember => Some(Form::member(id)),
            _ => None,
        };
        if let Some(form) = form {
            self.open_form(form);
        }
    }

    fn on_audit(&mut self, action: Action) {
        match action {
            Action::Up if self.audit.cursor == 0 && self.audit.pages.len() > 1 => {
                self.audit_page_back();
                self.audit.cursor = self.audit.page.len().saturating_sub(1);
            }
            Action::Up => self.audit.cursor = self.audit.cursor.saturating_sub(1),
            Action::Down if self.audit.cursor + 1 >= self.audit.page.len() => {
                self.audit_page_forward();
            }
            Action::Down => self.audit.cursor += 1,
            Action::PageDown => self.audit_page_forward(),
            Action::PageUp => self.audit_page_back(),
            Action::Top => {
                self.audit.pages.truncate(1);
                self.load_audit_page(None);
            }
            Action::Bottom => self.audit.cursor = self.audit.page.len().saturating_sub(1),
            Action::Open => {
                let id = self
                    .audit
                    .page
                    .get(self.audit.cursor)
                    .and_then(|(_, e)| e.application_id());
                if let Some(id) = id {
                    self.open_case(id, Screen::Audit);
                }
            }
            Action::Filter => {
                let kinds = crate::domain::command::EVENT_KIND_NAMES
                    .iter()
                    .map(|k| k.to_string())
                    .collect();
                let form = Form::audit_filter(
                    &self.audit.case_label,
                    self.audit.filter.actor.as_deref().unwrap_or(""),
                    self.audit.filter.kind.as_deref().unwrap_or(""),
                    kinds,
                );
                self.open_form(form);
            }
            Action::ClearFilter => {
                self.audit.filter = AuditFilter::default();
                self.audit.case_label.clear();
                self.audit.pages = vec![None];
                self.load_audit_page(None);
            }
            _ => {}
        }
    }

    /// The next (older) page, if there is one; the list stays as it is at the end of the log.
    fn audit_page_forward(&mut self) {
        let Some(before) = self.audit.page.last().map(|(seq, _)| Some(*seq)) else {
            return;
        };
        let limit = self.table_height(AUDIT_CHROME);
        match self.store.audit_page(before, limit, &self.audit.filter) {
            Ok(page) if !page.is_empty() => {
                self.audit.pages.push(before);
                self.audit.page = page;
                self.audit.cursor = 0;
            }
            Ok(_) => {}
            Err(e) => self.set_error(e.to_string()),
        }
    }

    fn audit_page_back(&mut self) {
        if self.audit.pages.len() > 1 {
            self.audit.pages.pop();
            let before = self.audit.pages.last().copied().flatten();
            self.load_audit_page(before);
        }
    }

    pub fn load_audit_page(&mut self, before: Option<u64>) {
        let limit = self.table_height(AUDIT_CHROME);
        match self.store.audit_page(before, limit, &self.audit.filter) {
            Ok(page) => {
                self.audit.page = page;
                self.audit.cursor = 0;
                self.audit.loaded = true;
            }
            Err(e) => self.set_error(e.to_string()),
        }
    }

    fn on_help(&mut self, action: Action) {
        let Some(Overlay::Help(list)) = &mut self.overlay else {
            return;
        };
        match action {
            Action::Cancel => self.overlay = None,
            Action::Up => list.offset = list.offset.saturating_sub(1),
            Action::Down => list.offset = list.offset.saturating_add(1),
            Action::PageUp => list.offset = list.offset.saturating_sub(10),
            Action::PageDown => list.offset = list.offset.saturating_add(10),
            _ => {}
        }
    }

    /// Every action the current screen offers, with its keys, for the palette and help.
    pub fn screen_actions(&self) -> Vec<(Context, Action)> {
        let context = self.screen.context();
        let mut actions: Vec<(Context, Action)> = Context::Global
            .actions()
            .iter()
            .map(|a| (Context::Global, *a))
            .collect();
        let own: Vec<Action> = if self.screen == Screen::Case {
            self.case_actions()
        } else {
            context.actions().to_vec()
        };
        actions.extend(own.into_iter().map(|a| (context, a)));
        actions
    }

    /// The palette's entries after its filter: (action, keys), best match first.
    pub fn palette_entries(&self, query: &str) -> Vec<(Action, String)> {
        let mut scored: Vec<(i64, usize, Action, String)> = self
            .screen_actions()
            .into_iter()
            .enumerate()
            .filter(|(_, (_, a))| *a != Action::Palette)
            .filter_map(|(i, (context, action))| {
                let text = format!("{} {}", action.description(), action.name());
                let score = text_score(&text, query)?;
                let keys = self
                    .keymap
                    .keys_for(context, action)
                    .iter()
                    .map(|k| super::keymap::key_label(k))
                    .collect::<Vec<_>>()
                    .join(" ");
                Some((score, i, action, keys))
            })
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().map(|(_, _, a, k)| (a, k)).collect()
    }

    fn on_palette(&mut self, action: Action) {
        let Some(Overlay::Palette(list)) = &mut self.overlay else {
            return;
        };
        let query = list.query.value().to_string();
        let entries = self.palette_entries(&query);
        let Some(Overlay::Palette(list)) = &mut self.overlay else {
            return;
        };
        match action {
            Action::Cancel => self.overlay = None,
            Action::Up => list.cursor = list.cursor.saturating_sub(1),
            Action::Down => list.cursor = (list.cursor + 1).min(entries.len().saturating_sub(1)),
            Action::Confirm => {
                let chosen = entries.get(list.cursor).map(|(a, _)| *a);
                self.overlay = None;
                if let Some(chosen) = chosen {
                    self.on_screen(chosen);
                }
            }
            _ => {}
        }
    }

    fn on_form(&mut self, action: Action) {
        let Some(Overlay::Form { form, confirming }) = &mut self.overlay else {
            return;
        };
        match action {
            Action::Cancel if form.dirty => *confirming = true,
            Action::Cancel => self.overlay = None,
            Action::NextField => form.next_field(1),
            Action::PreviousField => form.next_field(-1),
            Action::Confirm if !form.is_last_field() => form.next_field(1),
            Action::Confirm | Action::Save => self.submit_form(),
            _ => {}
        }
    }

    fn on_confirm(&mut self, action: Action) {
        if matches!(self.overlay, Some(Overlay::Check(_))) {
            return self.on_check(action);
        }
        let Some(Overlay::Form { confirming, .. }) = &mut self.overlay else {
            return;
        };
        match action {
            Action::Yes => self.overlay = None,
            Action::No => *confirming = false,
            _ => {}
        }
    }

    fn submit_form(&mut self) {
        let Some(Overlay::Form { form, .. }) = &mut self.overlay else {
            return;
        };
        let title = form.title;
        let purpose = form.purpose.clone();
        let outcome = match form.submit() {
            Ok(outcome) => outcome,
            Err(e) => {
                form.error = Some(e);
                return;
            }
        };
        match outcome {
            Outcome::Command(command) if firing::fires(&purpose).is_some() => {
                self.overlay = None;
                if let Some(template) = firing::fires(&purpose) {
                    self.fire_step(command, template);
                }
            }
            Outcome::Template { target, template } => self.after_template(target, &template),
            Outcome::MessageValues {
                target,
                template,
                typed,
            } => {
                self.overlay = None;
                self.open_preview(target, &template, typed);
            }
            Outcome::Requeue { id, reason } => self.requeue(id, &reason),
            Outcome::MarkSent { id, reason, io_id } => self.mark_sent(id, &reason, io_id),
            Outcome::ExportBundle(path) => self.export_bundle(&path),
            Outcome::Step {
                command,
                fires: Some(template),
            } => {
                self.overlay = None;
                self.fire_step(command, template);
            }
            Outcome::Steps(commands) => {
                self.overlay = None;
                self.run_batch(commands);
            }
            Outcome::Review(outcome) => self.on_review_outcome(outcome),
            Outcome::Calls(outcome) => self.on_calls_outcome(outcome),
            Outcome::Agenda(outcome) => self.on_agenda_outcome(outcome),
            Outcome::Ranking(outcome) => self.on_ranking_outcome(outcome),
            Outcome::Command(command)
            | Outcome::Step {
                command,
                fires: None,
            } => match self.execute(&command) {
                Ok(()) => {
                    self.overlay = None;
                    self.status = Some((s::saved(title), false));
                }
                Err(e) => self.form_error(e),
            },
            Outcome::AuditFilter { case, mut filter } => {
                let mut label = String::new();
                if let Some(protocol) = case {
                    label = protocol.to_string();
                    match self.store.application_by_protocol(&protocol) {
                        Ok(Some(app)) => filter.case = Some(app.id),
                        Ok(None) => return self.form_error(s::case_not_found(&label)),
                        Err(e) => {
                            self.set_error(e.to_string());
                            return;
                        }
                    }
                }
                self.overlay = None;
                self.audit.filter = filter;
                self.audit.case_label = label;
                self.audit.pages = vec![None];
                self.load_audit_page(None);
            }
        }
    }

    fn context_for_command(&self) -> crate::domain::Context {
        crate::domain::Context {
            actor: self.actor.clone(),
            now: self.now(),
        }
    }

    /// Runs one command; on success refreshes what shows the application.
    fn execute(&mut self, command: &Command) -> Result<(), String> {
        let ctx = self.context_for_command();
        self.store
            .execute(command, &ctx)
            .map_err(|e| e.to_string())?;
        if let Some(id) = command.application_id() {
            self.refresh_application(id);
        }
        // A new protocol number must become searchable: the index is rebuilt off the UI thread
        // from the rows as they are once the whole batch is done.
        if matches!(command, Command::RegisterApplication { .. }) && self.inbox.loaded {
            self.index_stale = true;
        }
        self.after_step(Some(command));
        Ok(())
    }

    fn run_one(&mut self, command: Command) {
        if let Err(e) = self.execute(&command) {
            self.set_error(e);
        } else {
            self.status = Some((s::batch_done(1, 0, None), false));
        }
    }

    /// Each command commits on its own: one refusal does not hold back the others, and the
    /// report says how many went through and why the first refusal happened.
    fn run_batch(&mut self, commands: Vec<Command>) {
        let mut done = 0;
        let mut refused = 0;
        let mut first_error = None;
        for command in &commands {
            match self.execute_step(command) {
                Ok(()) => {
                    done += 1;
                    if let Some(id) = command.application_id() {
                        self.inbox.selected.remove(&id);
                    }
                }
                Err(e) => {
                    refused += 1;
                    first_error.get_or_insert(e);
                }
            }
        }
        if done > 0 {
            self.inbox.rebuild_view();
        }
        let error = first_error.is_some();
        self.status = Some((s::batch_done(done, refused, first_error.as_deref()), error));
    }

    fn refresh_application(&mut self, id: ApplicationId) {
        if let Ok(Some(application)) = self.store.application(id) {
            let call = self.store.call(&application.call).ok().flatten();
            self.inbox.replace_row(Row::of(&application, call.as_ref()));
        }
        if self
            .case
            .as_ref()
            .is_some_and(|c| c.data.application.id == id)
        {
            self.reload_case();
        }
        if self.audit.loaded {
            self.audit.pages = vec![None];
            self.load_audit_page(None);
        }
        if !self.inbox.loaded {
            self.load_summary();
        }
    }

    fn open_form(&mut self, form: Form) {
        self.overlay = Some(Overlay::Form {
            form,
            confirming: false,
        });
    }

    /// A refusal shown under the open form's fields, which keep what was typed.
    fn form_error(&mut self, error: String) {
        if let Some(Overlay::Form { form, .. }) = &mut self.overlay {
            form.error = Some(error);
        }
    }

    fn set_error(&mut self, message: String) {
        tracing::warn!(%message, "errore mostrato all'operatore");
        self.status = Some((message, true));
    }

    /// Counts per state: from the rows once loaded (they follow every command), else the summary.
    pub fn counts(&self) -> Vec<(State, usize)> {
        State::ALL
            .into_iter()
            .map(|state| {
                let n = if self.inbox.loaded {
                    self.inbox.count_in(Some(state))
                } else {
                    self.summary
                        .as_ref()
                        .and_then(|s| s.counts.get(&state).copied())
                        .unwrap_or(0)
                };
                (state, n)
            })
            .collect()
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

/// A small fuzzy filter for short lists (palette, help): every query character in order,
/// case-insensitive; contiguous runs and word starts score higher. `None` when no match.
pub fn text_score(text: &str, query: &str) -> Option<i64> {
    let text: Vec<char> = text.to_lowercase().chars().collect();
    let mut score = 0;
    let mut at = 0;
    let mut previous: Option<usize> = None;
    for wanted in query.to_lowercase().chars().filter(|c| !c.is_whitespace()) {
        let found = text.get(at..)?.iter().position(|c| *c == wanted)? + at;
        score += 1;
        if previous.is_some_and(|p| p + 1 == found) {
            score += 4;
        }
        if found == 0 || !text[found - 1].is_alphanumeric() {
            score += 3;
        }
        previous = Some(found);
        at = found + 1;
    }
    Some(score)
}
