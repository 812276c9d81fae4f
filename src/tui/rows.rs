//! The call's applications as the console holds them: one row each, read once when the console
//! starts and kept current after every step. The cruscotto counts them, the inbox lists them,
//! the audit log shows their protocols. Counts per state and per deadline are kept with the
//! rows, so that no frame scans 100.000 of them.

use std::collections::BTreeMap;
use std::ops::Index;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::domain::{ApplicationId, State};
use crate::messages::fitting::Standing;

use super::data::Row;

/// The lists of applications past or near a deadline.
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

/// How many rows fall on each day, for counting those before or after a date without a scan.
#[derive(Debug, Default, Clone)]
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

/// Where [`Rows::put`] put a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placed {
    /// In place of the application's row: positions stay valid.
    Replaced,
    /// After every other: positions stay valid, the lists must learn the new one.
    Added,
    /// Among the others, which moved: lists built on positions must be built again.
    Shifted,
}

/// Rows per chunk: a change copies one chunk, never the whole list.
const CHUNK: usize = 256;

/// The rows in id order, in chunks shared between copies: a copy of `Rows` costs a few
/// kilobytes whatever the number of rows, so the consoles of a server can hold the same rows,
/// and a changed row copies only its chunk. Every chunk but the last holds `CHUNK` rows, so a
/// position is found by division.
#[derive(Debug, Default, Clone)]
pub struct Rows {
    chunks: Vec<Arc<Vec<Row>>>,
    len: usize,
    /// Counts the layouts: a new one each time rows are read whole or one joins among the
    /// others. Two copies of the same layout hold each application at the same position.
    layout: u64,
    /// False until the first read has arrived.
    pub loaded: bool,
    /// Rows per state: the tabs show them on every frame.
    per_state: BTreeMap<State, usize>,
    /// Integration deadlines and unpaid fees' last days, kept with the rows for the same reason.
    integration_days: DayCounts,
    fee_days: DayCounts,
}

impl Index<usize> for Rows {
    type Output = Row;

    fn index(&self, position: usize) -> &Row {
        &self.chunks[position / CHUNK][position % CHUNK]
    }
}

impl Rows {
    pub fn set(&mut self, rows: Vec<Row>) {
        self.per_state.clear();
        self.integration_days = DayCounts::default();
        self.fee_days = DayCounts::default();
        for row in &rows {
            self.count(row);
        }
        self.len = rows.len();
        self.layout += 1;
        self.chunks = Vec::with_capacity(rows.len().div_ceil(CHUNK));
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            self.chunks
                .push(Arc::new(rows.by_ref().take(CHUNK).collect()));
        }
        self.loaded = true;
    }

    fn count(&mut self, row: &Row) {
        *self.per_state.entry(row.state).or_default() += 1;
        self.integration_days.add(row.integration_deadline);
        self.fee_days.add(row.fee_due);
    }

    fn uncount(&mut self, row: &Row) {
        if let Some(n) = self.per_state.get_mut(&row.state) {
            *n = n.saturating_sub(1);
        }
        self.integration_days.remove(row.integration_deadline);
        self.fee_days.remove(row.fee_due);
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn get(&self, position: usize) -> Option<&Row> {
        self.chunks.get(position / CHUNK)?.get(position % CHUNK)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Row> {
        self.chunks.iter().flat_map(|chunk| chunk.iter())
    }

    pub fn row(&self, index: u32) -> Option<&Row> {
        self.get(usize::try_from(index).ok()?)
    }

    /// Rows are kept in id order, so a row is found by binary search: of the chunk, then in
    /// it.
    pub fn position_of(&self, id: ApplicationId) -> Option<usize> {
        let chunk = self
            .chunks
            .partition_point(|chunk| chunk.last().is_some_and(|last| last.id < id));
        let at = self
            .chunks
            .get(chunk)?
            .binary_search_by_key(&id, |r| r.id)
            .ok()?;
        Some(chunk * CHUNK + at)
    }

    /// Whether an application has the same position in both.
    pub fn same_layout(&self, other: &Rows) -> bool {
        self.layout == other.layout
    }

    /// Whether the two hold the very same chunks: a copy nobody has changed since.
    pub fn shares_with(&self, other: &Rows) -> bool {
        self.chunks.len() == other.chunks.len()
            && self
                .chunks
                .iter()
                .zip(&other.chunks)
                .all(|(a, b)| Arc::ptr_eq(a, b))
    }

    pub fn count_in(&self, filter: Option<State>) -> usize {
        match filter {
            None => self.len,
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

    /// A row read again: in place of the application's row, or added in id order for an
    /// application not listed yet (arrived in another console). Says where it went.
    pub fn put(&mut self, row: Row) -> Placed {
        if let Some(position) = self.position_of(row.id) {
            // The same row again (another console put it first): its chunk stays shared.
            if self[position] != row {
                self.replace(row);
            }
            return Placed::Replaced;
        }
        self.count(&row);
        let last = self.chunks.last().and_then(|chunk| chunk.last());
        if last.is_none_or(|last| last.id < row.id) {
            match self.chunks.last_mut() {
                Some(chunk) if chunk.len() < CHUNK => Arc::make_mut(chunk).push(row),
                _ => self.chunks.push(Arc::new(vec![row])),
            }
            self.len += 1;
            return Placed::Added;
        }
        // Rare (ids are given in order): the chunks are laid out again around it.
        let mut rows: Vec<Row> = self.iter().cloned().collect();
        let at = rows.partition_point(|r| r.id < row.id);
        rows.insert(at, row);
        self.len = rows.len();
        self.layout += 1;
        self.chunks = rows
            .chunks(CHUNK)
            .map(|chunk| Arc::new(chunk.to_vec()))
            .collect();
        Placed::Shifted
    }

    /// A changed application's row, in place: the lists built on positions stay valid. Only
    /// its chunk is copied, and only when another copy still holds it.
    pub fn replace(&mut self, row: Row) {
        if let Some(position) = self.position_of(row.id) {
            let old = self[position].clone();
            self.uncount(&old);
            self.count(&row);
            if let Some(chunk) = self.chunks.get_mut(position / CHUNK)
                && let Some(slot) = Arc::make_mut(chunk).get_mut(position % CHUNK)
            {
                *slot = row;
            }
        }
    }

    /// How the applications `ids` stand, as far as their rows tell, for the messages offered
    /// first: a flagged row (a declared condition's document not in) counts as missing
    /// documents.
    pub fn standings(&self, ids: &[ApplicationId]) -> Vec<Standing> {
        ids.iter()
            .filter_map(|id| self.position_of(*id).and_then(|at| self.get(at)))
            .map(|row| Standing {
                state: row.state,
                documents_missing: row.flagged,
                fee_unpaid: row.fee_due.is_some(),
            })
            .collect()
    }

    /// Entries for the search index, row for row.
    pub fn search_entries(&self) -> Vec<super::search::Entry> {
        self.iter()
            .map(|r| super::search::Entry {
                name: r.name.clone(),
                fiscal_code: r.fiscal_code.clone(),
                protocol: r.protocol.clone(),
            })
            .collect()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::time::Timestamp;
    use chrono::{TimeZone, Utc};

    pub fn row(id: u64, name: &str, state: State) -> Row {
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

    pub fn rows() -> Rows {
        let mut rows = Rows::default();
        rows.set(vec![
            row(1, "Rossi Maria", State::Ricevuta),
            row(2, "Bianchi Anna", State::Ammessa),
            row(3, "Rossetti Luca", State::Ricevuta),
            row(4, "Verdi Paolo", State::Esclusa),
        ]);
        rows
    }

    #[test]
    fn counts_per_state_follow_a_replaced_row() {
        let mut rows = rows();
        assert_eq!(rows.count_in(Some(State::Ricevuta)), 2);
        rows.replace(row(1, "Rossi Maria", State::Protocollata));
        assert_eq!(rows.count_in(Some(State::Ricevuta)), 1);
        assert_eq!(rows.count_in(Some(State::Protocollata)), 1);
        assert_eq!(rows.count_in(None), 4);
        let scanned = rows.iter().filter(|r| r.state == State::Ricevuta).count();
        assert_eq!(rows.count_in(Some(State::Ricevuta)), scanned);
    }

    #[test]
    fn a_row_put_replaces_its_own_or_joins_in_id_order_with_its_counts() {
        let mut rows = rows();
        assert_eq!(
            rows.put(row(2, "Bianchi Anna", State::Esclusa)),
            Placed::Replaced
        );
        assert_eq!(rows.put(row(7, "Neri Ada", State::Ricevuta)), Placed::Added);
        assert_eq!(rows.position_of(ApplicationId(7)), Some(4));
        let mut rows = Rows::default();
        rows.set(vec![
            row(1, "Rossi Maria", State::Ricevuta),
            row(5, "Verdi Paolo", State::Esclusa),
        ]);
        assert_eq!(
            rows.put(row(3, "Neri Ada", State::Ricevuta)),
            Placed::Shifted
        );
        let ids: Vec<u64> = rows.iter().map(|r| r.id.0).collect();
        assert_eq!(ids, [1, 3, 5], "still in id order");
        assert_eq!(rows.count_in(Some(State::Ricevuta)), 2);
        assert_eq!(rows.count_in(None), 3);
    }

    #[test]
    fn the_deadline_lists_count_by_the_day_given() {
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
        assert_eq!(rows.count_list(ReviewList::Overdue, today), 1);
        assert_eq!(
            rows.count_list(ReviewList::FeeDue, today),
            1,
            "due today is not late"
        );
        assert_eq!(rows.count_list(ReviewList::FeeLate, today), 1);
        assert_eq!(
            rows.count_list(ReviewList::Overdue, day(9)),
            0,
            "the last day is on time"
        );
        // Paid: the row leaves the list's count.
        rows.replace(row(2, "Bianchi Anna", State::Ammessa));
        assert_eq!(rows.count_list(ReviewList::FeeDue, today), 0);
    }

    fn many(n: u64) -> Rows {
        let mut rows = Rows::default();
        // Ids with gaps, as a database with deleted drafts would give.
        rows.set(
            (1..=n)
                .map(|i| row(i * 3, &format!("Nome {i}"), State::Ricevuta))
                .collect(),
        );
        rows
    }

    #[test]
    fn rows_are_found_by_id_and_position_across_chunks() {
        let rows = many(1_000);
        assert_eq!(rows.len(), 1_000);
        for (position, expected) in rows.iter().enumerate() {
            assert_eq!(rows.position_of(expected.id), Some(position));
            assert_eq!(rows[position].id, expected.id);
            assert_eq!(rows.get(position).map(|r| r.id), Some(expected.id));
        }
        assert_eq!(rows.position_of(ApplicationId(4)), None, "an id in a gap");
        assert_eq!(
            rows.position_of(ApplicationId(3_003)),
            None,
            "past the last"
        );
        assert_eq!(rows.position_of(ApplicationId(0)), None);
        assert!(rows.get(1_000).is_none());
        assert!(rows.row(u32::MAX).is_none());
    }

    #[test]
    fn a_copy_shares_the_rows_until_one_changes_and_then_only_that_chunk_differs() {
        let original = many(1_000);
        let mut copy = original.clone();
        assert!(copy.shares_with(&original));
        copy.replace(row(3 * 600, "Cambiato", State::Ammessa));
        assert!(!copy.shares_with(&original));
        assert_eq!(original[599].name, "Nome 600", "the original is untouched");
        assert_eq!(copy[599].name, "Cambiato");
        let shared = copy
            .chunks
            .iter()
            .zip(&original.chunks)
            .filter(|(a, b)| Arc::ptr_eq(a, b))
            .count();
        assert_eq!(shared, copy.chunks.len() - 1, "only one chunk was copied");
        assert_eq!(copy.count_in(Some(State::Ammessa)), 1);
        assert_eq!(original.count_in(Some(State::Ammessa)), 0);
    }

    #[test]
    fn a_row_put_again_as_it_is_copies_nothing() {
        let original = many(1_000);
        let mut copy = original.clone();
        let same = original[599].clone();
        assert_eq!(copy.put(same), Placed::Replaced);
        assert!(
            copy.shares_with(&original),
            "an unchanged row copied its chunk"
        );
    }

    proptest::proptest! {
        /// Whatever the ids and the changes, the chunked rows read as the plain list would.
        #[test]
        fn chunked_rows_read_as_a_plain_list(
            ids in proptest::collection::btree_set(1u64..5_000, 0..700),
            changes in proptest::collection::vec((0usize..700, 0u8..3), 0..50),
        ) {
            let mut plain: Vec<Row> = ids
                .iter()
                .map(|id| row(*id, "Nome", State::Ricevuta))
                .collect();
            let mut rows = Rows::default();
            rows.set(plain.clone());
            let states = [State::Ricevuta, State::Ammessa, State::Esclusa];
            for (at, state) in changes {
                if let Some(old) = plain.get_mut(at) {
                    let changed = row(old.id.0, "Altro", states[usize::from(state)]);
                    *old = changed.clone();
                    rows.replace(changed);
                }
            }
            proptest::prop_assert_eq!(rows.len(), plain.len());
            for (position, expected) in plain.iter().enumerate() {
                proptest::prop_assert_eq!(&rows[position], expected);
                proptest::prop_assert_eq!(rows.position_of(expected.id), Some(position));
            }
            for state in states {
                let scanned = plain.iter().filter(|r| r.state == state).count();
                proptest::prop_assert_eq!(rows.count_in(Some(state)), scanned);
            }
        }
    }
}
