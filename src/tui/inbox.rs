//! The inbox's model: which rows are in view (state filter or deadline list, search, sort), the
//! cursor, the scroll offset and the multi-selection. Only indices move; rows are never copied.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::NaiveDate;

use crate::domain::{ApplicationId, State};

use super::data::Row;
use super::search::{SearchIndex, SearchSession};

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
        super::strings::SORT_LABELS[self as usize]
    }

    fn next(self) -> SortKey {
        let i = SortKey::ALL.iter().position(|k| *k == self).unwrap_or(0);
        SortKey::ALL[(i + 1) % SortKey::ALL.len()]
    }
}

/// The lists of applications past or near a deadline, after the state tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewList {
    /// Integration requested and its deadline past.
    Overdue,
    /// An unpaid fee not yet late.
    FeeDue,
    /// An unpaid fee past its last day.
    FeeLate,
}

impl ReviewList {
    pub const ALL: [ReviewList; 3] = [ReviewList::Overdue, ReviewList::FeeDue, ReviewList::FeeLate];

    pub fn label(self) -> &'static str {
        match self {
            ReviewList::Overdue => super::strings::LIST_OVERDUE,
            ReviewList::FeeDue => super::strings::LIST_FEE_DUE,
            ReviewList::FeeLate => super::strings::LIST_FEE_LATE,
        }
    }

    pub fn holds(self, row: &Row, today: NaiveDate) -> bool {
        match self {
            ReviewList::Overdue => row.integration_overdue(today),
            ReviewList::FeeDue => row.fee_pending(today),
            ReviewList::FeeLate => row.fee_late(today),
        }
    }

    /// The deadline the list is about, for the row's date column.
    pub fn deadline(self, row: &Row) -> Option<NaiveDate> {
        match self {
            ReviewList::Overdue => row.integration_deadline,
            ReviewList::FeeDue | ReviewList::FeeLate => row.fee_due,
        }
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

/// How many rows fall on each day, for counting those before or after a date without a scan.
#[derive(Debug, Default)]
struct DayCounts(BTreeMap<NaiveDate, usize>);

impl DayCounts {
    fn add(&mut self, day: Option<NaiveDate>) {
        if let Some(day) = day {
            *self.0.entry(day).or_default() += 1;
        }
    }

    fn remove(&mut self, day: Option<NaiveDate>) {
        if let Some(day) = day
            && let Some(n) = self.0.get_mut(&day)
        {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.0.remove(&day);
            }
        }
    }

    fn before(&self, day: NaiveDate) -> usize {
        self.0.range(..day).map(|(_, n)| n).sum()
    }

    fn from(&self, day: NaiveDate) -> usize {
        self.0.range(day..).map(|(_, n)| n).sum()
    }
}

/// What Esc gives back when a search is abandoned.
#[derive(Debug, Clone)]
struct Saved {
    view: Vec<u32>,
    cursor: usize,
    offset: usize,
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

pub struct Inbox {
    pub rows: Vec<Row>,
    pub loaded: bool,
    pub filter: Filter,
    /// The day the deadline lists are judged on; the console sets it from its clock.
    pub today: NaiveDate,
    pub sort: SortKey,
    pub descending: bool,
    pub view: Vec<u32>,
    pub cursor: usize,
    pub offset: usize,
    pub selected: BTreeSet<ApplicationId>,
    pub search: Option<Search>,
    pub index: Option<Arc<SearchIndex>>,
    /// Rows per state, kept with the rows: the tabs show them on every frame.
    per_state: BTreeMap<State, usize>,
    /// Integration deadlines and unpaid fees' last days, kept with the rows for the same reason.
    integration_days: DayCounts,
    fee_days: DayCounts,
}

impl Default for Inbox {
    fn default() -> Self {
        Inbox {
            rows: Vec::new(),
            loaded: false,
            filter: Filter::All,
            today: NaiveDate::MIN,
            sort: SortKey::Received,
            descending: false,
            view: Vec::new(),
            cursor: 0,
            offset: 0,
            selected: BTreeSet::new(),
            search: None,
            index: None,
            per_state: BTreeMap::new(),
            integration_days: DayCounts::default(),
            fee_days: DayCounts::default(),
        }
    }
}

impl Inbox {
    pub fn set_rows(&mut self, rows: Vec<Row>) {
        self.per_state.clear();
        self.integration_days = DayCounts::default();
        self.fee_days = DayCounts::default();
        for row in &rows {
            *self.per_state.entry(row.state).or_default() += 1;
            self.integration_days.add(row.integration_deadline);
            self.fee_days.add(row.fee_due);
        }
        self.rows = rows;
        self.loaded = true;
        self.rebuild_view();
    }

    pub fn row(&self, index: u32) -> Option<&Row> {
        self.rows.get(usize::try_from(index).ok()?)
    }

    pub fn current(&self) -> Option<&Row> {
        self.view.get(self.cursor).and_then(|i| self.row(*i))
    }

    /// Rows are kept in id order, so a row is found by binary search.
    pub fn position_of(&self, id: ApplicationId) -> Option<usize> {
        self.rows.binary_search_by_key(&id, |r| r.id).ok()
    }

    pub fn count_in(&self, filter: Option<State>) -> usize {
        match filter {
            None => self.rows.len(),
            Some(state) => self.per_state.get(&state).copied().unwrap_or(0),
        }
    }

    /// Rows in a deadline list as of `today`.
    pub fn count_list(&self, list: ReviewList, today: NaiveDate) -> usize {
        match list {
            ReviewList::Overdue => self.integration_days.before(today),
            ReviewList::FeeDue => self.fee_days.from(today),
            ReviewList::FeeLate => self.fee_days.before(today),
        }
    }

    /// Rows under `filter` as of `today`.
    pub fn count_filter(&self, filter: Filter, today: NaiveDate) -> usize {
        match filter {
            Filter::All => self.count_in(None),
            Filter::State(state) => self.count_in(Some(state)),
            Filter::List(list) => self.count_list(list, today),
        }
    }

    fn passes_filter(&self, row: &Row) -> bool {
        match self.filter {
            Filter::All => true,
            Filter::State(state) => row.state == state,
            Filter::List(list) => list.holds(row, self.today),
        }
    }

    /// Recomputes the list from filter, search and sort, keeping the cursor on the same row.
    pub fn rebuild_view(&mut self) {
        let keep = self.view.get(self.cursor).copied();
        let typed = self.search.as_ref().is_some_and(|s| !s.query().is_empty());
        if typed && self.search_waiting_for_index() {
            // No list that ignores the query: the results come when the index is ready.
            self.view.clear();
            self.cursor = 0;
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
                .filter(|i| self.row(*i).is_some_and(|r| self.passes_filter(r)))
                .collect(),
            None => {
                let mut view: Vec<u32> = (0..self.rows.len())
                    .filter(|i| self.passes_filter(&self.rows[*i]))
                    .filter_map(|i| u32::try_from(i).ok())
                    .collect();
                self.sort_view(&mut view);
                view
            }
        };
        self.cursor = keep
            .and_then(|k| self.view.iter().position(|i| *i == k))
            .unwrap_or(0);
    }

    fn sort_view(&self, view: &mut [u32]) {
        let rows = &self.rows;
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

    pub fn next_filter(&mut self, step: isize) {
        let all = filters();
        let here = all.iter().position(|f| *f == self.filter).unwrap_or(0);
        let len = all.len() as isize;
        let next = (here as isize + step).rem_euclid(len) as usize;
        self.filter = all[next];
        self.cursor = 0;
        self.offset = 0;
        self.rebuild_view();
    }

    pub fn cycle_sort(&mut self) {
        self.sort = self.sort.next();
        self.rebuild_view();
    }

    pub fn reverse_sort(&mut self) {
        self.descending = !self.descending;
        self.rebuild_view();
    }

    /// Moves the cursor by `delta` rows, clamped, and scrolls so it stays within `height` rows.
    pub fn move_cursor(&mut self, delta: isize, height: usize) {
        if self.view.is_empty() {
            return;
        }
        let last = self.view.len() - 1;
        let target = (self.cursor as isize + delta).clamp(0, last as isize) as usize;
        self.cursor = target;
        self.scroll_into_view(height);
    }

    pub fn scroll_into_view(&mut self, height: usize) {
        self.offset = super::offset_showing(self.cursor, self.offset, height);
    }

    pub fn toggle_selected(&mut self) {
        if let Some(id) = self.current().map(|r| r.id)
            && !self.selected.remove(&id)
        {
            self.selected.insert(id);
        }
    }

    /// Selects every row in view, or clears the selection when all of them already are.
    pub fn select_all(&mut self) {
        let ids: Vec<ApplicationId> = self
            .view
            .iter()
            .filter_map(|i| self.row(*i).map(|r| r.id))
            .collect();
        if ids.iter().all(|id| self.selected.contains(id)) {
            self.selected.clear();
        } else {
            self.selected.extend(ids);
        }
    }

    /// The rows a batch action works on: the selection, or the row under the cursor.
    pub fn targets(&self) -> Vec<ApplicationId> {
        if self.selected.is_empty() {
            self.current().map(|r| vec![r.id]).unwrap_or_default()
        } else {
            self.selected.iter().copied().collect()
        }
    }

    pub fn replace_row(&mut self, row: Row) {
        if let Some(position) = self.position_of(row.id) {
            let old = &self.rows[position];
            if let Some(n) = self.per_state.get_mut(&old.state) {
                *n = n.saturating_sub(1);
            }
            self.integration_days.remove(old.integration_deadline);
            self.fee_days.remove(old.fee_due);
            *self.per_state.entry(row.state).or_default() += 1;
            self.integration_days.add(row.integration_deadline);
            self.fee_days.add(row.fee_due);
            self.rows[position] = row;
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
                cursor: self.cursor,
                offset: self.offset,
            },
            typing: true,
        });
    }

    /// Applies the current query; called on every edit and when the index arrives.
    pub fn refresh_search(&mut self) {
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
            self.cursor = saved.cursor;
            self.offset = saved.offset;
            return;
        }
        self.cursor = 0;
        self.offset = 0;
        self.rebuild_view();
        self.cursor = 0;
    }

    /// Esc: back to the list and the row as they were before the search.
    pub fn cancel_search(&mut self) {
        if let Some(search) = self.search.take() {
            self.view = search.saved.view;
            self.cursor = search.saved.cursor;
            self.offset = search.saved.offset;
        }
    }

    pub fn search_waiting_for_index(&self) -> bool {
        self.search.as_ref().is_some_and(|s| s.session.is_none())
    }

    pub fn set_index(&mut self, index: Arc<SearchIndex>) {
        self.index = Some(index);
        if self.search.is_some() {
            if let Some(search) = &mut self.search {
                search.session = None;
            }
            self.refresh_search();
        }
    }

    /// Entries for the search index, row for row.
    pub fn search_entries(rows: &[Row]) -> Vec<super::search::Entry> {
        rows.iter()
            .map(|r| super::search::Entry {
                name: r.name.clone(),
                fiscal_code: r.fiscal_code.clone(),
                protocol: r.protocol.clone(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::Timestamp;
    use chrono::{TimeZone, Utc};

    fn row(id: u64, name: &str, state: State) -> Row {
        let received_at: Timestamp = Utc
            .timestamp_opt(1_726_000_000 + i64::try_from(id).unwrap_or(0) * 60, 0)
            .single()
            .unwrap_or_default();
        Row {
            id: ApplicationId(id),
            protocol: format!("2024/{id:06}"),
            name: name.to_string(),
            fiscal_code: format!("RSSMRA80A01D54{id:02}"),
            state,
            received_at,
            flagged: false,
            household: 1,
            integration_deadline: None,
            fee_due: None,
        }
    }

    fn inbox() -> Inbox {
        let mut inbox = Inbox::default();
        inbox.set_rows(vec![
            row(1, "Rossi Maria", State::Ricevuta),
            row(2, "Bianchi Anna", State::Ammessa),
            row(3, "Rossetti Luca", State::Ricevuta),
            row(4, "Verdi Paolo", State::Esclusa),
        ]);
        inbox
    }

    fn names(inbox: &Inbox) -> Vec<String> {
        inbox
            .view
            .iter()
            .filter_map(|i| inbox.row(*i).map(|r| r.name.clone()))
            .collect()
    }

    fn type_query(inbox: &mut Inbox, query: &str) {
        if let Some(search) = &mut inbox.search {
            search.input = tui_input::Input::new(query.to_string());
        }
        inbox.refresh_search();
    }

    #[test]
    fn a_query_typed_before_the_index_shows_nothing_until_it_arrives() {
        let mut inbox = inbox();
        inbox.start_search();
        type_query(&mut inbox, "ross");
        assert!(inbox.view.is_empty(), "no list that ignores the query");
        assert!(inbox.search_waiting_for_index());
        let index = SearchIndex::new(Inbox::search_entries(&inbox.rows));
        inbox.set_index(Arc::new(index));
        assert_eq!(names(&inbox).len(), 2);
        assert!(
            names(&inbox)
                .iter()
                .all(|n| n.to_lowercase().contains("ross"))
        );
    }

    #[test]
    fn filters_sorting_and_selection_work_on_indices() {
        let mut inbox = inbox();
        inbox.next_filter(1);
        assert_eq!(inbox.filter, Filter::State(State::Ricevuta));
        assert_eq!(names(&inbox), ["Rossi Maria", "Rossetti Luca"]);
        inbox.sort = SortKey::Applicant;
        inbox.rebuild_view();
        assert_eq!(names(&inbox), ["Rossetti Luca", "Rossi Maria"]);
        inbox.reverse_sort();
        assert_eq!(names(&inbox), ["Rossi Maria", "Rossetti Luca"]);
        inbox.select_all();
        assert_eq!(inbox.targets(), [ApplicationId(1), ApplicationId(3)]);
        inbox.select_all();
        assert!(inbox.selected.is_empty(), "a second select-all clears");
        assert_eq!(inbox.targets(), [ApplicationId(1)], "then the cursor row");
        inbox.next_filter(-1);
        inbox.next_filter(-1);
        assert_eq!(
            inbox.filter,
            Filter::List(ReviewList::FeeLate),
            "filters wrap around"
        );
        for _ in 0..ReviewList::ALL.len() {
            inbox.next_filter(-1);
        }
        assert_eq!(inbox.filter, Filter::State(State::Esclusa));
    }

    #[test]
    fn counts_per_state_follow_a_replaced_row() {
        let mut inbox = inbox();
        assert_eq!(inbox.count_in(Some(State::Ricevuta)), 2);
        inbox.replace_row(row(1, "Rossi Maria", State::Protocollata));
        assert_eq!(inbox.count_in(Some(State::Ricevuta)), 1);
        assert_eq!(inbox.count_in(Some(State::Protocollata)), 1);
        assert_eq!(inbox.count_in(None), 4);
        let scanned = inbox
            .rows
            .iter()
            .filter(|r| r.state == State::Ricevuta)
            .count();
        assert_eq!(inbox.count_in(Some(State::Ricevuta)), scanned);
    }

    #[test]
    fn the_deadline_lists_count_and_filter_by_the_day_given() {
        let day = |d| chrono::NaiveDate::from_ymd_opt(2025, 5, d).unwrap_or_default();
        let mut inbox = inbox();
        let mut late = row(1, "Rossi Maria", State::IntegrazioneRichiesta);
        late.integration_deadline = Some(day(9));
        late.fee_due = Some(day(8));
        inbox.replace_row(late);
        let mut due = row(2, "Bianchi Anna", State::Ammessa);
        due.fee_due = Some(day(10));
        inbox.replace_row(due);
        let today = day(10);
        assert_eq!(inbox.count_list(ReviewList::Overdue, today), 1);
        assert_eq!(
            inbox.count_list(ReviewList::FeeDue, today),
            1,
            "due today is not late"
        );
        assert_eq!(inbox.count_list(ReviewList::FeeLate, today), 1);
        assert_eq!(
            inbox.count_list(ReviewList::Overdue, day(9)),
            0,
            "the last day is on time"
        );
        inbox.today = today;
        inbox.filter = Filter::List(ReviewList::FeeDue);
        inbox.rebuild_view();
        assert_eq!(names(&inbox), ["Bianchi Anna"]);
        // Paid: the row leaves the list and its count.
        inbox.replace_row(row(2, "Bianchi Anna", State::Ammessa));
        inbox.rebuild_view();
        assert!(inbox.view.is_empty());
        assert_eq!(inbox.count_list(ReviewList::FeeDue, today), 0);
    }

    #[test]
    fn the_cursor_stays_in_view_when_it_moves() {
        let mut inbox = inbox();
        inbox.move_cursor(3, 2);
        assert_eq!((inbox.cursor, inbox.offset), (3, 2));
        inbox.move_cursor(-10, 2);
        assert_eq!((inbox.cursor, inbox.offset), (0, 0));
        inbox.move_cursor(isize::MAX / 2, 2);
        assert_eq!(inbox.cursor, 3, "clamped to the last row");
    }
}
