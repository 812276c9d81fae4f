//! The assignment rounds: one per call, and each applicant's place in it, with the indexes
//! that find an application's place and who holds a dwelling.

use std::io::Write;

use serde_json::value::RawValue;

use super::stock::{DWELLINGS, dwelling_key};
use super::{Lines, Part, Record, Role, Tree, export_records};
use crate::domain::command::Needs;
use crate::domain::ranking::{RankRow, RankingKind};
use crate::domain::stock::{Dwelling, DwellingCode, DwellingState, Placement, Round, Standing};
use crate::domain::{Application, ApplicationId, Context, DomainError, Snapshot};
use crate::store::backup::BackupCounts;
use crate::store::check::{IntegrityReport, KeyMap, compare_maps};
use crate::store::tx::{Tx, TxResult, abort};
use crate::store::{Store, StoreError, keys};

/// Rounds: key the call's code, value the `Round` as JSON. Primary data.
pub(crate) const ROUNDS: &str = "rounds";
/// Places in a round: key `placement_key` (call, position), value the `Placement` as JSON.
/// Primary data.
pub(crate) const PLACEMENTS: &str = "placements";
/// The place of an application: key the application's id, value its `placement_key`. Derived.
pub(crate) const IDX_PLACEMENT_APPLICATION: &str = "idx_placement_application";
/// Who holds a dwelling (offered, accepted or assigned): key the dwelling's code, value the
/// `placement_key`. Derived; one holder per dwelling.
pub(crate) const IDX_DWELLING_HOLDER: &str = "idx_dwelling_holder";

/// The places waiting for an offer, grouped by what adequacy looks at: key `waiting_key`
/// (call, household band, step-free need, position), value the codes of the dwellings refused,
/// each after a `0`. The next applicant for a dwelling is then the first entry of the groups
/// the dwelling suits, whatever the size of the round. Derived.
pub(crate) const IDX_ROUND_WAITING: &str = "idx_round_waiting";

/// The household bands: 1 to 5 people, and 6 or more.
pub(crate) const BANDS: u8 = 6;

/// Where the waiting places of call `call`, band `band` (1…6) and step-free need start.
pub(crate) fn waiting_prefix(call: &str, band: u8, step_free: bool) -> Vec<u8> {
    let mut key = placement_prefix(call);
    key.push(band);
    key.push(u8::from(step_free));
    key
}

pub(crate) fn waiting_key(placement: &Placement) -> Vec<u8> {
    let band = u8::try_from(placement.needs.size.clamp(1, usize::from(BANDS))).unwrap_or(BANDS);
    let mut key = waiting_prefix(&placement.call, band, placement.needs.step_free);
    key.extend_from_slice(&placement.position.to_be_bytes());
    key
}

pub(crate) fn waiting_value(placement: &Placement) -> Vec<u8> {
    let mut value = Vec::new();
    for refusal in &placement.refusals {
        value.push(0);
        value.extend_from_slice(refusal.dwelling.as_str().as_bytes());
    }
    value
}

/// Whether `waiting_value` names `code` among the dwellings refused.
pub(crate) fn refused(value: &[u8], code: &DwellingCode) -> bool {
    value
        .split(|b| *b == 0)
        .any(|c| c == code.as_str().as_bytes())
}

/// The call's code, `0`, the position big-endian: a round's places in ranking order.
pub(crate) fn placement_key(call: &str, position: u32) -> Vec<u8> {
    let mut key = placement_prefix(call);
    key.extend_from_slice(&position.to_be_bytes());
    key
}

pub(crate) fn placement_prefix(call: &str) -> Vec<u8> {
    let mut key = call.as_bytes().to_vec();
    key.push(0);
    key
}

pub(super) struct Assignment;

impl Part for Assignment {
    fn trees(&self) -> &'static [Tree] {
        &[
            Tree {
                name: ROUNDS,
                role: Role::Records,
            },
            Tree {
                name: PLACEMENTS,
                role: Role::Records,
            },
            Tree {
                name: IDX_PLACEMENT_APPLICATION,
                role: Role::Derived,
            },
            Tree {
                name: IDX_DWELLING_HOLDER,
                role: Role::Derived,
            },
            Tree {
                name: IDX_ROUND_WAITING,
                role: Role::Derived,
            },
        ]
    }

    fn lines(&self) -> &'static [Lines] {
        &[
            Lines {
                label: "round",
                order: 120,
                keyed: false,
                export: Some(export_rounds),
                restore: restore_round,
            },
            Lines {
                label: "placement",
                order: 121,
                keyed: false,
                export: Some(export_placements),
                restore: restore_placement,
            },
        ]
    }

    fn load(
        &self,
        tx: &Tx,
        needs: &Needs,
        _ctx: &Context,
        snapshot: &mut Snapshot,
    ) -> TxResult<()> {
        if needs.placement
            && let Some(id) = needs.application
            && let Some(key) = tx
                .tree(IDX_PLACEMENT_APPLICATION)
                .get(keys::application(id))?
        {
            snapshot.placement = tx.get_json(tx.tree(PLACEMENTS), PLACEMENTS, &key)?;
        }
        let call = match (
            &snapshot.placement,
            needs.round.then_some(needs.call).flatten(),
        ) {
            (Some(placement), _) => Some(placement.call.clone()),
            (None, Some(call)) => Some(call.to_string()),
            (None, None) => None,
        };
        if let Some(call) = call {
            snapshot.round = tx.get_json(tx.tree(ROUNDS), ROUNDS, call.as_bytes())?;
        }
        // A round about to open: the admitted of the definitive ranking, in its order.
        if needs.round
            && snapshot.round.is_none()
            && let Some(header) = &snapshot.ranking
            && header.kind == RankingKind::Definitiva
        {
            let key = keys::ranking(&header.call, header.number);
            let rows: Vec<RankRow> = tx
                .get_json(tx.tree(keys::RANKING_ROWS), keys::RANKING_ROWS, &key)?
                .unwrap_or_default();
            snapshot.round_order = rows
                .iter()
                .filter(|row| row.admitted)
                .map(|row| row.application)
                .collect();
        }
        Ok(())
    }

    fn write(&self, tx: &Tx, before: &Snapshot, after: &Snapshot, _ctx: &Context) -> TxResult<()> {
        if after.round != before.round
            && let Some(round) = &after.round
        {
            tx.put_json(tx.tree(ROUNDS), round.call.as_bytes(), round)?;
            if before.round.is_none() {
                place_all(tx, round, &after.round_order)?;
            }
        }
        if after.placement != before.placement
            && let Some(placement) = &after.placement
        {
            write_placement(tx, before.placement.as_ref(), placement)?;
        }
        Ok(())
    }

    fn rebuild(&self, store: &Store) -> Result<(), StoreError> {
        let (applications, holders, waiting) = index_keys(store)?;
        for (key, value) in applications {
            store.tree(IDX_PLACEMENT_APPLICATION).insert(key, value)?;
        }
        for (key, value) in holders {
            store.tree(IDX_DWELLING_HOLDER).insert(key, value)?;
        }
        for (key, value) in waiting {
            store.tree(IDX_ROUND_WAITING).insert(key, value)?;
        }
        Ok(())
    }

    /// The indexes against the places; each held dwelling in the state holding gives it; each
    /// round with as many places as it counts.
    fn check(&self, store: &Store, report: &mut IntegrityReport) -> Result<(), StoreError> {
        let (applications, holders, waiting) = index_keys(store)?;
        compare_maps(
            report,
            "richiedenti in attesa di proposta",
            store.tree(IDX_ROUND_WAITING),
            &waiting,
        )?;
        compare_maps(
            report,
            "assegnazione per domanda",
            store.tree(IDX_PLACEMENT_APPLICATION),
            &applications,
        )?;
        compare_maps(
            report,
            "alloggi proposti o assegnati",
            store.tree(IDX_DWELLING_HOLDER),
            &holders,
        )?;
        for item in store.tree(PLACEMENTS).iter() {
            let (key, value) = item?;
            let placement = decode(&key, &value)?;
            let Some(code) = placement.dwelling() else {
                continue;
            };
            let expected = match placement.standing {
                Standing::Assegnato { .. } => DwellingState::Locato,
                _ => DwellingState::Proposto,
            };
            let dwelling: Option<Dwelling> = store.get_json(DWELLINGS, dwelling_key(code))?;
            match dwelling {
                None => report.problems.push(format!(
                    "l'alloggio {code} tenuto dalla domanda {} non è nell'elenco",
                    placement.application
                )),
                Some(d) if d.state != expected => report.problems.push(format!(
                    "l'alloggio {code} risulta {} ma la domanda {} lo tiene ({})",
                    d.state.label(),
                    placement.application,
                    expected.label()
                )),
                Some(_) => {}
            }
        }
        for item in store.tree(ROUNDS).iter() {
            let (key, value) = item?;
            let round: Round =
                serde_json::from_slice(&value).map_err(|e| StoreError::corrupt(ROUNDS, &key, e))?;
            let places = store
                .tree(PLACEMENTS)
                .scan_prefix(placement_prefix(&round.call))
                .count();
            if u32::try_from(places).ok() != Some(round.candidates) {
                report.problems.push(format!(
                    "assegnazione del bando {}: {} richiedenti attesi, {places} presenti",
                    round.call, round.candidates
                ));
            }
        }
        Ok(())
    }
}

pub(crate) fn decode(key: &[u8], value: &[u8]) -> Result<Placement, StoreError> {
    serde_json::from_slice(value).map_err(|e| StoreError::corrupt(PLACEMENTS, key, e))
}

/// A place for each application of `order`, at its position, in a round just opened.
fn place_all(tx: &Tx, round: &Round, order: &[ApplicationId]) -> TxResult<()> {
    for (index, id) in order.iter().enumerate() {
        if tx
            .tree(IDX_PLACEMENT_APPLICATION)
            .get(keys::application(*id))?
            .is_some()
        {
            return abort(StoreError::Domain(DomainError::invalid(
                "assegnazione",
                format!("la domanda {id} è già in un'altra assegnazione"),
            )));
        }
        let Some(application) = tx.get_json::<Application>(
            tx.tree(keys::APPLICATIONS),
            keys::APPLICATIONS,
            &keys::application(*id),
        )?
        else {
            return abort(StoreError::Domain(DomainError::UnknownApplication(*id)));
        };
        let position = u32::try_from(index + 1).unwrap_or(u32::MAX);
        write_placement(
            tx,
            None,
            &Placement::first(&round.call, position, &application),
        )?;
    }
    Ok(())
}

/// Writes `new` and moves its holder entry from where `old` had it.
pub(crate) fn write_placement(tx: &Tx, old: Option<&Placement>, new: &Placement) -> TxResult<()> {
    let key = placement_key(&new.call, new.position);
    tx.put_json(tx.tree(PLACEMENTS), &key, new)?;
    if old.is_none() {
        tx.tree(IDX_PLACEMENT_APPLICATION)
            .insert(&keys::application(new.application), key.as_slice())?;
    }
    let holders = tx.tree(IDX_DWELLING_HOLDER);
    if let Some(code) = old.and_then(Placement::dwelling) {
        holders.remove(dwelling_key(code))?;
    }
    if let Some(code) = new.dwelling() {
        holders.insert(dwelling_key(code), key.as_slice())?;
    }
    let waiting = tx.tree(IDX_ROUND_WAITING);
    if let Some(old) = old.filter(|old| old.standing == Standing::InAttesa) {
        waiting.remove(waiting_key(old))?;
    }
    if new.standing == Standing::InAttesa {
        waiting.insert(waiting_key(new), waiting_value(new))?;
    }
    Ok(())
}

/// The application index, the holders and the waiting places the places call for.
fn index_keys(store: &Store) -> Result<(KeyMap, KeyMap, KeyMap), StoreError> {
    let mut applications = KeyMap::new();
    let mut holders = KeyMap::new();
    let mut waiting = KeyMap::new();
    for item in store.tree(PLACEMENTS).iter() {
        let (key, value) = item?;
        let placement = decode(&key, &value)?;
        applications.insert(
            keys::application(placement.application).to_vec(),
            key.to_vec(),
        );
        if let Some(code) = placement.dwelling() {
            holders.insert(dwelling_key(code).to_vec(), key.to_vec());
        }
        if placement.standing == Standing::InAttesa {
            waiting.insert(waiting_key(&placement), waiting_value(&placement));
        }
    }
    Ok((applications, holders, waiting))
}

/// The place of application `id`, read outside a transaction.
pub(crate) fn placement_of(
    store: &Store,
    id: ApplicationId,
) -> Result<Option<Placement>, StoreError> {
    let Some(key) = store
        .tree(IDX_PLACEMENT_APPLICATION)
        .get(keys::application(id))?
    else {
        return Ok(None);
    };
    match store.tree(PLACEMENTS).get(&key)? {
        Some(value) => decode(&key, &value).map(Some),
        None => Err(StoreError::corrupt(
            IDX_PLACEMENT_APPLICATION,
            &keys::application(id),
            "posto in assegnazione assente",
        )),
    }
}

fn export_rounds(
    store: &Store,
    out: &mut dyn Write,
    counts: &mut BackupCounts,
) -> Result<(), StoreError> {
    counts.rounds += export_records(store, out, ROUNDS, "round")?;
    Ok(())
}

fn export_placements(
    store: &Store,
    out: &mut dyn Write,
    counts: &mut BackupCounts,
) -> Result<(), StoreError> {
    counts.placements += export_records(store, out, PLACEMENTS, "placement")?;
    Ok(())
}

fn restore_round(
    _key: Option<String>,
    value: &RawValue,
    counts: &mut BackupCounts,
) -> Result<Record, String> {
    let round: Round =
        serde_json::from_str(value.get()).map_err(|e| format!("assegnazione non valida: {e}"))?;
    counts.rounds += 1;
    Ok(Record::raw(ROUNDS, round.call.as_bytes().to_vec(), value))
}

fn restore_placement(
    _key: Option<String>,
    value: &RawValue,
    counts: &mut BackupCounts,
) -> Result<Record, String> {
    let placement: Placement = serde_json::from_str(value.get())
        .map_err(|e| format!("posto in assegnazione non valido: {e}"))?;
    counts.placements += 1;
    Ok(Record::raw(
        PLACEMENTS,
        placement_key(&placement.call, placement.position),
        value,
    ))
}
