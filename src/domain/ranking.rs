//! The order of the admitted applications: total score, then the call's tie-break chain, then a
//! draw by lot whose seed is recorded so that it can be replayed. Published versions are frozen.

use std::cmp::Ordering;
use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::application::{Application, ApplicationId, State};
use super::call::Call;
use super::money::Money;
use super::points::Points;
use super::ruleset::{Ruleset, TieBreak};
use super::scoring;
use super::time::rome_date;

/// What the order needs of one application: small, so that 100.000 sort fast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub id: ApplicationId,
    pub subjective: Points,
    pub objective: Points,
    pub isee: Money,
    pub members: u32,
    /// Registration day (Rome) and protocol; None sorts last.
    pub protocol: Option<(NaiveDate, i32, u32)>,
}

impl Entry {
    pub fn total(&self) -> Points {
        self.subjective + self.objective
    }

    /// The entry of an admitted application.
    pub fn of(application: &Application, call: &Call, ruleset: &Ruleset) -> Entry {
        let totals = scoring::totals(application, call, ruleset);
        let protocol = match (&application.protocol, application.registered_at) {
            (Some(p), Some(at)) => Some((rome_date(at), p.year, p.number)),
            _ => None,
        };
        Entry {
            id: application.id,
            subjective: totals.subjective,
            objective: totals.objective,
            isee: application.declaration.isee,
            members: u32::try_from(application.household.len()).unwrap_or(u32::MAX),
            protocol,
        }
    }
}

impl Settled {
    /// What settled the place, as the ranking's columns and the office's export say it.
    pub fn label(self) -> &'static str {
        match self {
            Settled::Chain { by } => by.label(),
            Settled::Lot => "sorteggio",
            Settled::Unresolved => "da sorteggiare",
        }
    }
}

impl RankRow {
    /// The mark beside the position: `=?` for a group the chain leaves equal and no draw has
    /// ordered yet, `=` for a total shared with another row.
    pub fn tie_mark(&self) -> &'static str {
        match self.settled {
            Some(Settled::Unresolved) => "=?",
            _ if self.tied => "=",
            _ => "",
        }
    }
}

/// The entries of the admitted applications among `applications`, scored on every core: the
/// one costly step of a ranking, so it is spread over the threads; in the input order.
pub fn entries(applications: &[Application], call: &Call, ruleset: &Ruleset) -> Vec<Entry> {
    use rayon::prelude::*;
    applications
        .par_iter()
        .filter(|application| application.state == State::Ammessa)
        .map(|application| Entry::of(application, call, ruleset))
        .collect()
}

/// How a place among equal totals was settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "da")]
pub enum Settled {
    Chain {
        by: TieBreak,
    },
    Lot,
    /// Equal on everything and no draw held yet: listed in id order.
    Unresolved,
}

/// One place of the order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub id: ApplicationId,
    /// 1-based.
    pub position: u32,
    /// Another entry has the same total: marked in the ranking.
    pub tied: bool,
    /// For a tied entry, the first link of the chain on which it differs from the entry before
    /// it of the same total (the first of such a run: from the one after it); `Lot` when only
    /// the draw separated them. None for an entry whose total no other has.
    pub settled: Option<Settled>,
}

/// The draw by lot: the seed, and the order it gave each group left equal by the whole chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draw {
    pub seed: u64,
    /// Each group in its drawn order, groups in ranking order.
    pub groups: Vec<Vec<ApplicationId>>,
}

/// Whether to draw lots for the groups the chain leaves equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lot {
    /// Leave them in id order, marked `Unresolved`.
    Pending,
    Draw {
        seed: u64,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ranking {
    pub places: Vec<Place>,
    /// The draw held, when `Lot::Draw` met equal groups.
    pub draw: Option<Draw>,
    /// Groups still equal on everything (with `Lot::Pending`), in ranking order.
    pub unresolved: Vec<Vec<ApplicationId>>,
}

/// Orders `entries`: higher total first, then `chain`, then the lot.
pub fn rank(entries: &[Entry], chain: &[TieBreak], lot: Lot) -> Ranking {
    let links = dedup(chain);
    let mut order: Vec<Slot> = entries
        .iter()
        .enumerate()
        .map(|(index, e)| Slot::of(e, index, links.first().copied()))
        .collect();
    // The slots decide almost every comparison by themselves; the entries are read only when
    // the total and the first link tie. The id, then the input index, close the order, so that
    // it is total and does not depend on the order of the input.
    order.sort_unstable_by(|a, b| {
        a.head
            .cmp(&b.head)
            .then_with(|| compare_chain(&links, &entries[a.index], &entries[b.index]))
            .then(a.id.cmp(&b.id))
            .then(a.index.cmp(&b.index))
    });
    let equal_chain = |a: &Slot, b: &Slot| {
        a.head == b.head
            && compare_chain(&links, &entries[a.index], &entries[b.index]) == Ordering::Equal
    };

    let mut ranking = Ranking::default();
    let mut drawn = Vec::new();
    // Runs equal on the total and the whole chain: only the lot can order them.
    let mut start = 0;
    while start < order.len() {
        let end = run_end(&order, start, |a, b| equal_chain(a, b));
        if end - start > 1 {
            let ids: Vec<ApplicationId> = order[start..end]
                .iter()
                .map(|s| ApplicationId(s.id))
                .collect();
            match lot {
                Lot::Pending => ranking.unresolved.push(ids),
                Lot::Draw { .. } => drawn.push((start, ids)),
            }
        }
        start = end;
    }
    if let Lot::Draw { seed } = lot
        && !drawn.is_empty()
    {
        let groups: Vec<Vec<ApplicationId>> = drawn.iter().map(|(_, ids)| ids.clone()).collect();
        let result = draw_lots(seed, &groups);
        for ((start, _), drawn_ids) in drawn.iter().zip(&result) {
            reorder_run(&mut order[*start..*start + drawn_ids.len()], drawn_ids);
        }
        ranking.draw = Some(Draw {
            seed,
            groups: result,
        });
    }

    let first_difference = |a: &Slot, b: &Slot| -> Option<TieBreak> {
        match (links.first(), a.head == b.head) {
            // The first link's word differs: that link separates them.
            (Some(first), false) => Some(*first),
            _ => links.iter().copied().find(|link| {
                compare_on(*link, &entries[a.index], &entries[b.index]) != Ordering::Equal
            }),
        }
    };
    ranking.places = Vec::with_capacity(order.len());
    let mut start = 0;
    while start < order.len() {
        // Runs of equal total: their members are tied, and say what separated them.
        let end = run_end(&order, start, |a, b| a.head >> 64 == b.head >> 64);
        for at in start..end {
            let slot = &order[at];
            let settled = if end - start < 2 {
                None
            } else if matches!(lot, Lot::Pending)
                && ((at > start && equal_chain(slot, &order[at - 1]))
                    || (at + 1 < end && equal_chain(slot, &order[at + 1])))
            {
                // Every member of a group left equal waits for the draw, whatever its
                // neighbour.
                Some(Settled::Unresolved)
            } else {
                let neighbour = if at > start { at - 1 } else { at + 1 };
                Some(match first_difference(slot, &order[neighbour]) {
                    Some(by) => Settled::Chain { by },
                    None => Settled::Lot,
                })
            };
            ranking.places.push(Place {
                id: ApplicationId(slot.id),
                position: u32::try_from(at + 1).unwrap_or(u32::MAX),
                tied: end - start > 1,
                settled,
            });
        }
        start = end;
    }
    ranking
}

/// What the sort moves for one entry: small, so that 100.000 sort in milliseconds.
#[derive(Debug, Clone, Copy)]
struct Slot {
    /// The total (high half), then the first link of the chain (low half), each as a word
    /// that sorts ascending: one integer comparison decides most pairs.
    head: u128,
    id: u64,
    index: usize,
}

impl Slot {
    fn of(entry: &Entry, index: usize, first: Option<TieBreak>) -> Slot {
        let word = match first {
            None => 0,
            Some(TieBreak::IseeMinore) => entry.isee.cents(),
            Some(TieBreak::PuntiOggettivi) => more_first(entry.objective),
            Some(TieBreak::PuntiSoggettivi) => more_first(entry.subjective),
            Some(TieBreak::PiuComponenti) => !u64::from(entry.members),
            // Date and year; the number is compared on the entries when these tie. None last.
            Some(TieBreak::Protocollo) => entry.protocol.map_or(u64::MAX, |(date, year, _)| {
                (order_32(date.num_days_from_ce()) << 32) | order_32(year)
            }),
        };
        Slot {
            head: (u128::from(more_first(entry.total())) << 64) | u128::from(word),
            id: entry.id.0,
            index,
        }
    }
}

/// The chain without repeated links: a repeat decides nothing.
fn dedup(chain: &[TieBreak]) -> Vec<TieBreak> {
    let mut links = Vec::with_capacity(chain.len());
    for link in chain {
        if !links.contains(link) {
            links.push(*link);
        }
    }
    links
}

/// Which of two entries a link puts first.
fn compare_on(link: TieBreak, a: &Entry, b: &Entry) -> Ordering {
    match link {
        TieBreak::IseeMinore => a.isee.cmp(&b.isee),
        TieBreak::PuntiOggettivi => b.objective.cmp(&a.objective),
        TieBreak::PuntiSoggettivi => b.subjective.cmp(&a.subjective),
        TieBreak::PiuComponenti => b.members.cmp(&a.members),
        TieBreak::Protocollo => match (a.protocol, b.protocol) {
            (Some(a), Some(b)) => a.cmp(&b),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        },
    }
}

fn compare_chain(links: &[TieBreak], a: &Entry, b: &Entry) -> Ordering {
    links
        .iter()
        .map(|link| compare_on(*link, a, b))
        .find(|o| *o != Ordering::Equal)
        .unwrap_or(Ordering::Equal)
}

/// The end of the run starting at `start` whose slots are `same` as its first.
fn run_end(order: &[Slot], start: usize, same: impl Fn(&Slot, &Slot) -> bool) -> usize {
    let first = &order[start];
    order[start + 1..]
        .iter()
        .position(|s| !same(first, s))
        .map_or(order.len(), |n| start + 1 + n)
}

/// Puts a run (sorted by id) in the order the draw gave its ids.
fn reorder_run(run: &mut [Slot], drawn: &[ApplicationId]) {
    let sorted = run.to_vec();
    let mut used = vec![false; sorted.len()];
    let mut next = 0;
    for wanted in drawn {
        // The run is in id order: find the first unused slot with this id.
        let mut at = sorted.partition_point(|s| s.id < wanted.0);
        while at < sorted.len() && (used[at] || sorted[at].id != wanted.0) {
            at += 1;
        }
        if at < sorted.len() {
            used[at] = true;
            run[next] = sorted[at];
            next += 1;
        }
    }
}

/// Larger first, as an unsigned word that sorts ascending.
fn more_first(points: Points) -> u64 {
    !(points.0.cast_unsigned() ^ (1 << 63))
}

/// A 32-bit value as an unsigned word of the same order.
fn order_32(value: i32) -> u64 {
    u64::from(value.cast_unsigned() ^ (1 << 31))
}

/// The order a draw with `seed` gives `groups` (each listed in any order): the same seed and
/// the same groups always give the same result, so a recorded draw can be checked.
pub fn draw_lots(seed: u64, groups: &[Vec<ApplicationId>]) -> Vec<Vec<ApplicationId>> {
    // ChaCha8 is portable and documented: the same seed shuffles the same way on any machine
    // and with any later version of the crate, so a recorded draw can be replayed.
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    groups
        .iter()
        .map(|group| {
            let mut ids = group.clone();
            // Sorted first, so that the order the ids came in does not change the result.
            ids.sort_unstable();
            ids.shuffle(&mut rng);
            ids
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RankingKind {
    Provvisoria,
    Definitiva,
}

impl RankingKind {
    pub fn label(self) -> &'static str {
        match self {
            RankingKind::Provvisoria => "provvisoria",
            RankingKind::Definitiva => "definitiva",
        }
    }
}

/// One line of a published ranking: admitted applications with their place, excluded ones
/// without.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankRow {
    pub position: Option<u32>,
    pub application: ApplicationId,
    pub protocol: String,
    pub applicant: String,
    pub fiscal_code: String,
    pub admitted: bool,
    pub total: Points,
    pub subjective: Points,
    pub objective: Points,
    pub isee: Money,
    pub members: u32,
    pub tied: bool,
    pub settled: Option<Settled>,
    /// Points of each criterion that counted, for the office's export.
    pub criteria: Vec<(String, Points)>,
}

/// The rows of a ranking: the admitted in `ranking`'s order, then the excluded by protocol.
/// Applications of other calls, or still under review, are left out.
pub fn rows(
    applications: &[Application],
    call: &Call,
    ruleset: &Ruleset,
    ranking: &Ranking,
) -> Vec<RankRow> {
    let of_call = || applications.iter().filter(|a| a.call == call.code);
    let admitted: HashMap<ApplicationId, &Application> = of_call()
        .filter(|a| a.state == State::Ammessa)
        .map(|a| (a.id, a))
        .collect();
    let mut rows: Vec<RankRow> = ranking
        .places
        .iter()
        .filter_map(|place| {
            let application = admitted.get(&place.id)?;
            let score = scoring::score(application, call, ruleset);
            Some(RankRow {
                position: Some(place.position),
                tied: place.tied,
                settled: place.settled,
                total: score.total(),
                subjective: score.subjective.total,
                objective: score.objective.total,
                criteria: score
                    .lines
                    .into_iter()
                    .filter(|l| l.points != Points::ZERO)
                    .map(|l| (l.criterion, l.points))
                    .collect(),
                admitted: true,
                ..base_row(application)
            })
        })
        .collect();
    let mut excluded: Vec<&Application> = of_call().filter(|a| a.state == State::Esclusa).collect();
    excluded.sort_by(|a, b| protocol_text(a).cmp(protocol_text(b)).then(a.id.cmp(&b.id)));
    rows.extend(excluded.into_iter().map(base_row));
    rows
}

fn protocol_text(application: &Application) -> &str {
    application
        .protocol
        .as_ref()
        .map_or("", |p| p.text.as_str())
}

/// A row without place or points: what an excluded application shows.
fn base_row(application: &Application) -> RankRow {
    RankRow {
        position: None,
        application: application.id,
        protocol: protocol_text(application).to_string(),
        applicant: application.applicant_name(),
        fiscal_code: application.applicant_fiscal_code().to_string(),
        admitted: false,
        total: Points::ZERO,
        subjective: Points::ZERO,
        objective: Points::ZERO,
        isee: application.declaration.isee,
        members: u32::try_from(application.household.len()).unwrap_or(u32::MAX),
        tied: false,
        settled: None,
        criteria: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: u64, total: i64, isee: u64) -> Entry {
        Entry {
            id: ApplicationId(id),
            subjective: Points(total),
            objective: Points::ZERO,
            isee: Money::from_cents(isee),
            members: 1,
            protocol: None,
        }
    }

    #[test]
    fn keys_keep_the_order_of_what_they_encode() {
        let points = [i64::MIN, -150, -1, 0, 1, 150, i64::MAX].map(Points);
        for pair in points.windows(2) {
            assert!(more_first(pair[0]) > more_first(pair[1]), "{pair:?}");
        }
        let values = [i32::MIN, -1, 0, 1, 2024, i32::MAX];
        for pair in values.windows(2) {
            assert!(order_32(pair[0]) < order_32(pair[1]), "{pair:?}");
        }
    }

    #[test]
    fn nothing_to_rank_gives_an_empty_ranking() {
        let r = rank(&[], &TieBreak::DEFAULT_CHAIN, Lot::Draw { seed: 1 });
        assert_eq!(r, Ranking::default());
    }

    #[test]
    fn a_repeated_link_decides_nothing_more() {
        let entries = [entry(2, 100, 500), entry(1, 100, 700), entry(3, 200, 900)];
        let chain = [
            TieBreak::IseeMinore,
            TieBreak::IseeMinore,
            TieBreak::Protocollo,
        ];
        let r = rank(&entries, &chain, Lot::Pending);
        let ids: Vec<u64> = r.places.iter().map(|p| p.id.0).collect();
        assert_eq!(ids, [3, 2, 1]);
        assert_eq!(
            r.places[1].settled,
            Some(Settled::Chain {
                by: TieBreak::IseeMinore
            })
        );
        assert_eq!(r.places[0].settled, None);
    }

    #[test]
    fn repeated_ids_are_neither_lost_nor_doubled_by_the_draw() {
        let entries = [entry(5, 100, 1), entry(5, 100, 1), entry(4, 100, 1)];
        let r = rank(&entries, &[], Lot::Draw { seed: 3 });
        let mut ids: Vec<u64> = r.places.iter().map(|p| p.id.0).collect();
        ids.sort_unstable();
        assert_eq!(ids, [4, 5, 5]);
    }
}
