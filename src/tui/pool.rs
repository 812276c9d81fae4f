//! What the consoles of one process hold once for all: the call's rows and the search index
//! over them. A console served by `alloggi serve` takes the rows another console already read
//! instead of reading 100.000 again, hands its changed rows to the pool and takes the pool's
//! rows back, and finds the index already built over the same rows; a console alone in its
//! process has a pool of its own.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use super::data::Row;
use super::rows::{Placed, Rows};
use super::search::SearchIndex;

#[derive(Default)]
pub struct Pool {
    /// The newest rows any console read, once they were read whole.
    rows: Mutex<Rows>,
    /// The last index built and the rows it was built over. Held while an index is built, so
    /// that consoles asking at once for the same rows wait for one build.
    index: Mutex<Option<(Rows, Arc<SearchIndex>)>>,
}

impl Pool {
    pub fn new() -> Arc<Pool> {
        Arc::new(Pool::default())
    }

    /// The rows, when some console has read them whole.
    pub fn rows(&self) -> Option<Rows> {
        let rows = self.rows.lock().unwrap_or_else(PoisonError::into_inner);
        rows.loaded.then(|| rows.clone())
    }

    /// Every row, as just read: they become the pool's, and the console takes them from it.
    pub fn set_rows(&self, read: Vec<Row>) -> Rows {
        let mut rows = self.rows.lock().unwrap_or_else(PoisonError::into_inner);
        rows.set(read);
        rows.clone()
    }

    /// Rows of changed or new applications, as just read: they take their place in the pool,
    /// and the console takes the pool's rows, with whatever other consoles changed meanwhile.
    /// Says how the console's rows moved: rows added at the end, or laid out anew, ask the
    /// lists built on positions to learn them. A console whose rows were never read whole only
    /// replaces those it has (the read under way brings the rest).
    pub fn put(&self, changed: Vec<Row>, own: &mut Rows) -> Placed {
        let mut rows = self.rows.lock().unwrap_or_else(PoisonError::into_inner);
        if !own.loaded {
            for row in changed {
                own.replace(row);
            }
            return Placed::Replaced;
        }
        if !rows.loaded {
            *rows = own.clone();
        }
        for row in changed {
            rows.put(row);
        }
        let placed = if !rows.same_layout(own) {
            Placed::Shifted
        } else if rows.len() != own.len() {
            Placed::Added
        } else {
            Placed::Replaced
        };
        *own = rows.clone();
        placed
    }

    /// The search index over `rows`: the one already built when it was built over these very
    /// rows, otherwise a new one, which then becomes the pool's.
    pub fn index(&self, rows: &Rows) -> Arc<SearchIndex> {
        let mut cached = self.index.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((over, index)) = cached.as_ref()
            && over.shares_with(rows)
        {
            return index.clone();
        }
        let started = Instant::now();
        let index = Arc::new(SearchIndex::new(rows.search_entries()));
        tracing::info!(
            ms = started.elapsed().as_secs_f64() * 1000.0,
            "indice di ricerca pronto"
        );
        *cached = Some((rows.clone(), index.clone()));
        index
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::State;
    use crate::tui::rows::tests::row;

    fn read(n: u64) -> Vec<Row> {
        (1..=n)
            .map(|i| row(i, &format!("Nome {i}"), State::Ricevuta))
            .collect()
    }

    #[test]
    fn a_second_console_takes_the_rows_the_first_read_and_shares_them() {
        let pool = Pool::new();
        assert!(pool.rows().is_none(), "nothing read yet");
        let first = pool.set_rows(read(1_000));
        let second = pool.rows().expect("the rows of the first");
        assert!(second.shares_with(&first));
        assert_eq!(second.len(), 1_000);
    }

    #[test]
    fn a_change_read_by_one_console_reaches_the_next_that_takes_the_rows() {
        let pool = Pool::new();
        let mut first = pool.set_rows(read(1_000));
        let mut second = pool.rows().expect("rows");
        pool.put(vec![row(10, "Cambiato", State::Ammessa)], &mut first);
        assert_eq!(first[9].name, "Cambiato");
        // The second console learns of it with its own next change.
        pool.put(vec![row(900, "Altro", State::Esclusa)], &mut second);
        assert_eq!(second[9].name, "Cambiato");
        assert_eq!(second[899].name, "Altro");
        assert_eq!(second.count_in(Some(State::Ammessa)), 1);
        assert!(second.shares_with(&pool.rows().expect("rows")));
    }

    #[test]
    fn consoles_over_the_same_rows_share_one_index() {
        let pool = Pool::new();
        let first = pool.set_rows(read(600));
        let second = pool.rows().expect("rows");
        let a = pool.index(&first);
        let b = pool.index(&second);
        assert!(Arc::ptr_eq(&a, &b));
        let mut changed = second.clone();
        pool.put(vec![row(5, "Nuovo", State::Protocollata)], &mut changed);
        let c = pool.index(&changed);
        assert!(!Arc::ptr_eq(&a, &c), "rows changed: a new index");
        assert_eq!(c.len(), 600);
    }

    #[test]
    fn a_console_still_loading_keeps_its_own_rows() {
        let pool = Pool::new();
        let mut own = Rows::default();
        pool.put(vec![row(1, "X", State::Ricevuta)], &mut own);
        assert!(!own.loaded);
        assert!(pool.rows().is_none());
    }
}
