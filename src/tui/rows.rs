//! The call's applications as the console holds them: one row each, read once when the console
//! starts and kept current after every step. The cruscotto counts them, the inbox lists them,
//! the audit log shows their protocols. Counts per state and per deadline are kept with the
//! rows, so that no frame scans 100.000 of them.

use std::collections::BTreeMap;
use std::ops::Deref;

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

/// The rows in id order; they read as a slice of `Row`.
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

#[derive(Debug, Default)]
pub struct Rows {
    rows: Vec<Row>,
    /// False until the first read has arrived.
    pub loaded: bool,
    /// Rows per state: the tabs show them on every frame.
    per_state: BTreeMap<State, usize>,
    /// Integration deadlines and unpaid fees' last days, kept with the rows for the same reason.
    integration_days: DayCounts,
    fee_days: DayCounts,
}

impl Deref for Rows {
    type Target = [Row];

    fn deref(&self) -> &[Row] {
        &self.rows
    }
}

impl Rows {
    pub fn set(&mut self, rows: Vec<Row>) {
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
    }

    pub fn row(&self, index: u32) -> Option<&Row> {
        self.rows.get(usize::try_from(index).ok()?)
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

    /// A row read again: in place of the application's row, or added in id order for an
    /// application not listed yet (arrived in another console). Says where it went.
    pub fn put(&mut self, row: Row) -> Placed {
        match self.rows.binary_search_by_key(&row.id, |r| r.id) {
            Ok(_) => {
                self.replace(row);
                Placed::Replaced
            }
            Err(at) => {
                *self.per_state.entry(row.state).or_default() += 1;
                self.integration_days.add(row.integration_deadline);
                self.fee_days.add(row.fee_due);
                let placed = if at == self.rows.len() {
                    Placed::Added
                } else {
                    Placed::Shifted
                };
                self.rows.insert(at, row);
                placed
            }
        }
    }

    /// A changed application's row, in place: the lists built on positions stay valid.
    pub fn replace(&mut self, row: Row) {
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

    /// How the applications `ids` stand, as far as their rows tell, for the messages offered
    /// first: a flagged row (a declared condition's document not in) counts as missing
    /// documents.
    pub fn standings(&self, ids: &[ApplicationId]) -> Vec<Standing> {
        ids.iter()
            .filter_map(|id| self.position_of(*id).and_then(|at| self.rows.get(at)))
            .map(|row| Standing {
                state: row.state,
                documents_missing: row.flagged,
                fee_unpaid: row.fee_due.is_some(),
            })
            .collect()
    }

    /// Entries for the search index, row for row.
    pub fn search_entries(&self) -> Vec<super::search::Entry> {
        self.rows
            .iter()
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
}
