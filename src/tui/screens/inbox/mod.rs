//! Domande: the applications in a table. The model here is which rows are in view (state
//! filter or deadline list, search, sort), the cursor and the multi-selection; only indices
//! move, the rows themselves are the console's (`Rows`) and never copied.

mod forms;
mod texts;
mod update;
mod view;

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::domain::{ApplicationId, State};
use crate::tui::actions::{
    ADMIT, Action, EXCLUDE, NEXT_FILTER, PREVIOUS_FILTER, REGISTER, REMIND_FEE, SEARCH,
    SEND_MESSAGE, START_REVIEW, ScreenAction,
};
use crate::office::StepsReport;
use crate::tui::context::Pending;
use crate::tui::data::Row;
use crate::tui::keymap::Context;
use crate::tui::list::ListCursor;
use crate::tui::rows::{ReviewList, Rows};
use crate::tui::search::{SearchIndex, SearchSession};

use super::{ScreenInfo, Tab};

pub use view::short_state;

/// Lines of chrome around the table: header, tabs, filters, rule, column titles, rule, status
/// line, key bar.
pub const INBOX_CHROME: u16 = 8;

pub const SELECT: ScreenAction = ScreenAction::new("seleziona", texts::SELECT);
pub const SELECT_ALL: ScreenAction = ScreenAction::new("seleziona_tutte", texts::SELECT_ALL);
pub const SORT: ScreenAction = ScreenAction::new("ordina", texts::SORT);
pub const REVERSE_SORT: ScreenAction = ScreenAction::new("inverti_ordine", texts::REVERSE_SORT);

impl InboxScreen {
    pub const INFO: ScreenInfo = ScreenInfo {
        title: texts::SCREEN_INBOX,
        context: "domande",
        help_heading: texts::HELP_HEADING,
        tab: Tab::Own {
            goto: "vai_domande",
            text: texts::GO_TO,
        },
        actions: &[
            Action::Screen(SEARCH),
            Action::Screen(SELECT),
            Action::Screen(SELECT_ALL),
            Action::Screen(NEXT_FILTER),
            Action::Screen(PREVIOUS_FILTER),
            Action::Screen(SORT),
            Action::Screen(REVERSE_SORT),
            Action::Screen(REGISTER),
            Action::Screen(START_REVIEW),
            Action::Screen(ADMIT),
            Action::Screen(EXCLUDE),
            Action::Screen(REMIND_FEE),
            Action::Screen(SEND_MESSAGE),
        ],
        help_contexts: &[Context::Search],
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Received,
    Protocol,
    Applicant,
    State,
}

impl SortKey {
    const ALL: [SortKey; 4] = [
        SortKey::Received,
        SortKey::Protocol,
        SortKey::Applicant,
        SortKey::State,
    ];

    pub fn label(self) -> &'static str {
        texts::SORT_LABELS[self as usize]
    }

    fn next(self) -> SortKey {
        let i = SortKey::ALL.iter().position(|k| *k == self).unwrap_or(0);
        SortKey::ALL[(i + 1) % SortKey::ALL.len()]
    }
}

/// What the inbox lists: every application, one state, or one deadline list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    All,
    State(State),
    List(ReviewList),
}

impl Filter {
    /// The state shown, when the filter is a state.
    pub fn state(self) -> Option<State> {
        match self {
            Filter::State(state) => Some(state),
            _ => None,
        }
    }

    pub fn list(self) -> Option<ReviewList> {
        match self {
            Filter::List(list) => Some(list),
            _ => None,
        }
    }
}

/// The filters shown as tabs: all, each state, then the deadline lists.
pub fn filters() -> Vec<Filter> {
    std::iter::once(Filter::All)
        .chain(State::ALL.into_iter().map(Filter::State))
        .chain(ReviewList::ALL.into_iter().map(Filter::List))
        .collect()
}

/// What Esc gives back when a search is abandoned.
#[derive(Debug, Clone)]
struct Saved {
    view: Vec<u32>,
    list: ListCursor,
}

pub struct Search {
    pub input: tui_input::Input,
    session: Option<SearchSession>,
    saved: Saved,
    /// Typing goes to the query; after Enter the results stay as the list until Esc.
    pub typing: bool,
}

impl Search {
    pub fn query(&self) -> &str {
        self.input.value()
    }
}

pub struct InboxScreen {
    pub filter: Filter,
    /// The day the deadline lists are judged on; the console sets it from its clock.
    pub today: NaiveDate,
    pub sort: SortKey,
    pub descending: bool,
    /// Positions in the rows of those listed, in the order listed.
    pub view: Vec<u32>,
    pub list: ListCursor,
    pub selected: BTreeSet<ApplicationId>,
    pub search: Option<Search>,
    pub index: Option<Arc<SearchIndex>>,
    /// An application changed since the list was built (on the case screen, say): the list is
    /// built again when it shows.
    pub stale: bool,
    /// Steps sent on the applications chosen, waiting for the office.
    running: Pending<Running>,
}

/// Where a list of steps on the applications chosen stands.
#[derive(Debug)]
enum Running {
    /// The steps were sent; `registering` when they give protocol numbers.
    Steps { registering: bool },
    /// The steps were answered; the rows of those that went through are being read again.
    Rows {
        report: StepsReport,
        registering: bool,
    },
}

impl Default for InboxScreen {
    fn default() -> Self {
        InboxScreen {
            filter: Filter::All,
            today: NaiveDate::MIN,
            sort: SortKey::Received,
            descending: false,
            view: Vec::new(),
            list: ListCursor::default(),
            selected: BTreeSet::new(),
            search: None,
            index: None,
            stale: false,
            running: Pending::default(),
        }
    }
}

impl InboxScreen {
    pub fn current<'r>(&self, rows: &'r Rows) -> Option<&'r Row> {
        self.view.get(self.list.cursor).and_then(|i| rows.row(*i))
    }

    /// Rows under `filter` as of `today`.
    pub fn count_filter(rows: &Rows, filter: Filter, today: NaiveDate) -> usize {
        match filter {
            Filter::All => rows.count_in(None),
            Filter::State(state) => rows.count_in(Some(state)),
            Filter::List(list) => rows.count_list(list, today),
        }
    }

    fn passes_filter(&self, row: &Row) -> bool {
        match self.filter {
            Filter::All => true,
            Filter::State(state) => row.state == state,
            Filter::List(list) => list.holds(row, self.today),
        }
    }

    /// Recomputes the list from filter, search and sort, keeping the cursor on the same
    /// application; when it has left the list, on the row now at its place (the nearest).
    ///
    /// Rows keep their positions once loaded (a changed application's row is replaced where it
    /// is), so the position under the cursor names the same application before and after.
    pub fn rebuild_view(&mut self, rows: &Rows) {
        self.stale = false;
        let keep = self.view.get(self.list.cursor).copied();
        let place = self.list.cursor;
        let typed = self.search.as_ref().is_some_and(|s| !s.query().is_empty());
        if typed && self.search_waiting_for_index() {
            // No list that ignores the query: the results come when the index is ready.
            self.view.clear();
            self.list.cursor = 0;
            return;
        }
        let searched = self
            .search
            .as_ref()
            .and_then(|s| s.session.as_ref())
            .filter(|s| !s.query().is_empty());
        self.view = match searched {
            // Search results keep their ranking: best match first.
            Some(session) => session
                .hits()
                .iter()
                .map(|hit| hit.row)
                .filter(|i| rows.row(*i).is_some_and(|r| self.passes_filter(r)))
                .collect(),
            None => {
                let mut view: Vec<u32> = (0..rows.len())
                    .filter(|i| self.passes_filter(&rows[*i]))
                    .filter_map(|i| u32::try_from(i).ok())
                    .collect();
                self.sort_view(rows, &mut view);
                view
            }
        };
        self.list.cursor = keep
            .and_then(|k| self.view.iter().position(|i| *i == k))
            .unwrap_or(place);
        self.list.clamp(self.view.len());
    }

    fn sort_view(&self, rows: &Rows, view: &mut [u32]) {
        let row = |i: &u32| &rows[*i as usize];
        match self.sort {
            SortKey::Received => view.sort_by_key(|i| (row(i).received_at, row(i).id)),
            SortKey::Protocol => view.sort_by(|a, b| {
                let (ra, rb) = (row(a), row(b));
                // Unregistered applications after the registered ones.
                (ra.protocol.is_empty(), &ra.protocol, ra.id).cmp(&(
                    rb.protocol.is_empty(),
                    &rb.protocol,
                    rb.id,
                ))
            }),
            SortKey::Applicant => {
                view.sort_by(|a, b| (&row(a).name, row(a).id).cmp(&(&row(b).name, row(b).id)))
            }
            SortKey::State => view.sort_by_key(|i| (row(i).state, row(i).received_at, row(i).id)),
        }
        if self.descending {
            view.reverse();
        }
    }

    pub fn next_filter(&mut self, rows: &Rows, step: isize) {
        let all = filters();
        let here = all.iter().position(|f| *f == self.filter).unwrap_or(0);
        let len = all.len() as isize;
        let next = (here as isize + step).rem_euclid(len) as usize;
        self.filter = all[next];
        self.list.reset();
        self.rebuild_view(rows);
    }

    pub fn cycle_sort(&mut self, rows: &Rows) {
        self.sort = self.sort.next();
        self.rebuild_view(rows);
    }

    pub fn reverse_sort(&mut self, rows: &Rows) {
        self.descending = !self.descending;
        self.rebuild_view(rows);
    }

    /// Moves the cursor by `delta` rows, clamped, and scrolls so it stays within `height` rows.
    pub fn move_cursor(&mut self, delta: isize, height: usize) {
        self.list.move_by(delta, self.view.len(), height);
    }

    pub fn toggle_selected(&mut self, rows: &Rows) {
        if let Some(id) = self.current(rows).map(|r| r.id)
            && !self.selected.remove(&id)
        {
            self.selected.insert(id);
        }
    }

    /// Selects every row in view, or clears the selection when all of them already are.
    pub fn select_all(&mut self, rows: &Rows) {
        let ids: Vec<ApplicationId> = self
            .view
            .iter()
            .filter_map(|i| rows.row(*i).map(|r| r.id))
            .collect();
        if ids.iter().all(|id| self.selected.contains(id)) {
            self.selected.clear();
        } else {
            self.selected.extend(ids);
        }
    }

    /// The rows a batch action works on: the selection, or the row under the cursor.
    pub fn targets(&self, rows: &Rows) -> Vec<ApplicationId> {
        if self.selected.is_empty() {
            self.current(rows).map(|r| vec![r.id]).unwrap_or_default()
        } else {
            self.selected.iter().copied().collect()
        }
    }

    pub fn start_search(&mut self) {
        if let Some(search) = &mut self.search {
            search.typing = true;
            return;
        }
        self.search = Some(Search {
            input: tui_input::Input::default(),
            session: self.index.clone().map(SearchSession::new),
            saved: Saved {
                view: self.view.clone(),
                list: self.list,
            },
            typing: true,
        });
    }

    /// Applies the current query; called on every edit and when the index arrives.
    pub fn refresh_search(&mut self, rows: &Rows) {
        let Some(search) = &mut self.search else {
            return;
        };
        if search.session.is_none() {
            search.session = self.index.clone().map(SearchSession::new);
        }
        let query = search.input.value().to_string();
        if let Some(session) = &mut search.session {
            session.set_query(&query);
        }
        if query.is_empty() {
            let saved = search.saved.clone();
            self.view = saved.view;
            self.list = saved.list;
            return;
        }
        self.list.reset();
        self.rebuild_view(rows);
        self.list.cursor = 0;
    }

    /// Esc: back to the list and the row as they were before the search.
    pub fn cancel_search(&mut self) {
        if let Some(search) = self.search.take() {
            self.view = search.saved.view;
            self.list = search.saved.list;
        }
    }

    pub fn search_waiting_for_index(&self) -> bool {
        self.search.as_ref().is_some_and(|s| s.session.is_none())
    }

    pub fn set_index(&mut self, rows: &Rows, index: Arc<SearchIndex>) {
        self.index = Some(index);
        if self.search.is_some() {
            if let Some(search) = &mut self.search {
                search.session = None;
            }
            self.refresh_search(rows);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::rows::tests::{row, rows};

    fn inbox(rows: &Rows) -> InboxScreen {
        let mut inbox = InboxScreen::default();
        inbox.rebuild_view(rows);
        inbox
    }

    fn names(inbox: &InboxScreen, rows: &Rows) -> Vec<String> {
        inbox
            .view
            .iter()
            .filter_map(|i| rows.row(*i).map(|r| r.name.clone()))
            .collect()
    }

    fn type_query(inbox: &mut InboxScreen, rows: &Rows, query: &str) {
        if let Some(search) = &mut inbox.search {
            search.input = tui_input::Input::new(query.to_string());
        }
        inbox.refresh_search(rows);
    }

    #[test]
    fn a_query_typed_before_the_index_shows_nothing_until_it_arrives() {
        let rows = rows();
        let mut inbox = inbox(&rows);
        inbox.start_search();
        type_query(&mut inbox, &rows, "ross");
        assert!(inbox.view.is_empty(), "no list that ignores the query");
        assert!(inbox.search_waiting_for_index());
        let index = SearchIndex::new(rows.search_entries());
        inbox.set_index(&rows, Arc::new(index));
        assert_eq!(names(&inbox, &rows).len(), 2);
        assert!(
            names(&inbox, &rows)
                .iter()
                .all(|n| n.to_lowercase().contains("ross"))
        );
    }

    #[test]
    fn filters_sorting_and_selection_work_on_indices() {
        let rows = rows();
        let mut inbox = inbox(&rows);
        inbox.next_filter(&rows, 1);
        assert_eq!(inbox.filter, Filter::State(State::Ricevuta));
        assert_eq!(names(&inbox, &rows), ["Rossi Maria", "Rossetti Luca"]);
        inbox.sort = SortKey::Applicant;
        inbox.rebuild_view(&rows);
        assert_eq!(names(&inbox, &rows), ["Rossetti Luca", "Rossi Maria"]);
        inbox.reverse_sort(&rows);
        assert_eq!(names(&inbox, &rows), ["Rossi Maria", "Rossetti Luca"]);
        inbox.select_all(&rows);
        assert_eq!(inbox.targets(&rows), [ApplicationId(1), ApplicationId(3)]);
        inbox.select_all(&rows);
        assert!(inbox.selected.is_empty(), "a second select-all clears");
        assert_eq!(inbox.targets(&rows), [ApplicationId(1)], "then the cursor row");
        inbox.next_filter(&rows, -1);
        inbox.next_filter(&rows, -1);
        assert_eq!(
            inbox.filter,
            Filter::List(ReviewList::FeeLate),
            "filters wrap around"
        );
        for _ in 0..ReviewList::ALL.len() {
            inbox.next_filter(&rows, -1);
        }
        assert_eq!(inbox.filter, Filter::State(State::Esclusa));
    }

    #[test]
    fn the_deadline_lists_filter_by_the_day_given() {
        let day = |d| chrono::NaiveDate::from_ymd_opt(2025, 5, d).unwrap_or_default();
        let mut rows = rows();
        let mut late = row(1, "Rossi Maria", State::IntegrazioneRichiesta);
        late.integration_deadline = Some(day(9));
        late.fee_due = Some(day(8));
        rows.replace(late);
        let mut due = row(2, "Bianchi Anna", State::Ammessa);
        due.fee_due = Some(day(10));
        rows.replace(due);
        let today = day(10);
        let mut inbox = inbox(&rows);
        inbox.today = today;
        inbox.filter = Filter::List(ReviewList::FeeDue);
        inbox.rebuild_view(&rows);
        assert_eq!(names(&inbox, &rows), ["Bianchi Anna"]);
        // Paid: the row leaves the list and its count.
        rows.replace(row(2, "Bianchi Anna", State::Ammessa));
        inbox.rebuild_view(&rows);
        assert!(inbox.view.is_empty());
        assert_eq!(rows.count_list(ReviewList::FeeDue, today), 0);
    }

    #[test]
    fn the_cursor_stays_in_view_when_it_moves() {
        let rows = rows();
        let mut inbox = inbox(&rows);
        inbox.move_cursor(3, 2);
        assert_eq!((inbox.list.cursor, inbox.list.offset), (3, 2));
        inbox.move_cursor(-10, 2);
        assert_eq!((inbox.list.cursor, inbox.list.offset), (0, 0));
        inbox.move_cursor(isize::MAX / 2, 2);
        assert_eq!(inbox.list.cursor, 3, "clamped to the last row");
    }
}
