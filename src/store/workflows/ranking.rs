//! Point tables and published rankings. A version is written by the store's publication
//! (`store::ranking`) and never rewritten; the latest version's number is in `meta`.

use std::io::Write;

use serde_json::value::RawValue;

use super::{Lines, Part, Record, Role, Tree, export_keyed, write_raw};
use crate::domain::command::Needs;
use crate::domain::publication::RankingHeader;
use crate::domain::ranking::RankRow;
use crate::domain::ruleset::Ruleset;
use crate::domain::{Context, Snapshot};
use crate::store::backup::BackupCounts;
use crate::store::check::IntegrityReport;
use crate::store::ranking::digest;
use crate::store::tx::{Tx, TxResult};
use crate::store::{Store, StoreError, keys};

/// Each call's point table: key the call's code, value the `Ruleset` as JSON. Primary data.
pub(crate) const RULESETS: &str = "rulesets";
/// Published rankings without their rows: key `ranking(call, number)`, value the
/// `RankingHeader` as JSON. Primary data, never rewritten.
pub(crate) const RANKINGS: &str = "rankings";
/// The rows of each published ranking: key `ranking(call, number)`, value the whole row list as
/// JSON, whose SHA-256 is the header's digest. Primary data, never rewritten.
pub(crate) const RANKING_ROWS: &str = "ranking_rows";

pub(super) struct Ranking;

impl Part for Ranking {
    fn trees(&self) -> &'static [Tree] {
        &[
            Tree {
                name: RULESETS,
                role: Role::Records,
            },
            Tree {
                name: RANKINGS,
                role: Role::Records,
            },
            Tree {
                name: RANKING_ROWS,
                role: Role::Records,
            },
        ]
    }

    fn lines(&self) -> &'static [Lines] {
        &[
            Lines {
                label: "ruleset",
                order: 80,
                keyed: true,
                export: Some(export_rulesets),
                restore: restore_ruleset,
            },
            Lines {
                label: "ranking",
                order: 90,
                keyed: false,
                export: Some(export_rankings),
                restore: restore_ranking,
            },
            // Written by `export_rankings`, each after its header.
            Lines {
                label: "ranking_rows",
                order: 91,
                keyed: true,
                export: None,
                restore: restore_rows,
            },
        ]
    }

    /// The point table and the latest ranking of the call the calls part loaded.
    fn load(
        &self,
        tx: &Tx,
        needs: &Needs,
        _ctx: &Context,
        snapshot: &mut Snapshot,
    ) -> TxResult<()> {
        snapshot.ruleset = match (&snapshot.call, needs.ruleset) {
            (Some(call), true) => tx.get_json(tx.tree(RULESETS), RULESETS, call.code.as_bytes())?,
            _ => None,
        };
        snapshot.ranking = match (&snapshot.call, needs.ranking) {
            (Some(call), true) => latest_ranking(tx, &call.code)?,
            _ => None,
        };
        Ok(())
    }

    fn write(&self, tx: &Tx, before: &Snapshot, after: &Snapshot, _ctx: &Context) -> TxResult<()> {
        if after.ruleset != before.ruleset
            && let (Some(ruleset), Some(call)) = (&after.ruleset, &after.call)
        {
            tx.put_json(tx.tree(RULESETS), call.code.as_bytes(), ruleset)?;
        }
        Ok(())
    }

    /// Every published version has its rows, unchanged since publication, and each call's
    /// latest-version marker names its last version.
    fn check(&self, store: &Store, report: &mut IntegrityReport) -> Result<(), StoreError> {
        let mut latest: std::collections::BTreeMap<String, u32> = Default::default();
        for item in store.tree(RANKINGS).iter() {
            let (key, value) = item?;
            let header: RankingHeader = match serde_json::from_slice(&value) {
                Ok(header) => header,
                Err(e) => {
                    report
                        .problems
                        .push(format!("graduatoria {} illeggibile: {e}", keys::hex(&key)));
                    continue;
                }
            };
            let name = format!("graduatoria n. {} del bando {}", header.number, header.call);
            match store.tree(RANKING_ROWS).get(&key)? {
                None => report.problems.push(format!("{name}: righe mancanti")),
                Some(rows) if digest(&rows) != header.digest => report
                    .problems
                    .push(format!("{name}: righe diverse da quelle pubblicate")),
                Some(_) => {}
            }
            latest.insert(header.call.clone(), header.number);
        }
        for (code, number) in latest {
            let marker: Option<u32> = store.get_json(keys::META, &keys::ranking_latest(&code))?;
            if marker != Some(number) {
                report.problems.push(format!(
                    "bando {code}: l'ultima graduatoria è la n. {number}, il contatore dice {marker:?}"
                ));
            }
        }
        Ok(())
    }
}

/// The header of call `code`'s latest published ranking.
fn latest_ranking(tx: &Tx, code: &str) -> TxResult<Option<RankingHeader>> {
    let latest: Option<u32> =
        tx.get_json(tx.tree(keys::META), keys::META, &keys::ranking_latest(code))?;
    match latest {
        Some(number) => tx.get_json(tx.tree(RANKINGS), RANKINGS, &keys::ranking(code, number)),
        None => Ok(None),
    }
}

fn export_rulesets(
    store: &Store,
    out: &mut dyn Write,
    counts: &mut BackupCounts,
) -> Result<(), StoreError> {
    counts.rulesets += export_keyed(store, out, RULESETS, "ruleset", None)?;
    Ok(())
}

fn restore_ruleset(
    key: Option<String>,
    value: &RawValue,
    counts: &mut BackupCounts,
) -> Result<Record, String> {
    serde_json::from_str::<Ruleset>(value.get())
        .map_err(|e| format!("tabella dei punteggi non valida: {e}"))?;
    counts.rulesets += 1;
    Ok(Record::raw(
        RULESETS,
        key.unwrap_or_default().into_bytes(),
        value,
    ))
}

/// Each header, then its rows keyed `code/number`.
fn export_rankings(
    store: &Store,
    out: &mut dyn Write,
    counts: &mut BackupCounts,
) -> Result<(), StoreError> {
    for item in store.tree(RANKINGS).iter() {
        let (key, value) = item?;
        let header: RankingHeader =
            serde_json::from_slice(&value).map_err(|e| StoreError::corrupt(RANKINGS, &key, e))?;
        write_raw(out, "{\"ranking\":", &value)?;
        let rows = store
            .tree(RANKING_ROWS)
            .get(&key)?
            .ok_or_else(|| StoreError::corrupt(RANKING_ROWS, &key, "righe mancanti"))?;
        write!(out, "{{\"ranking_rows\":")?;
        serde_json::to_writer(&mut *out, &format!("{}/{}", header.call, header.number))
            .map_err(|e| StoreError::corrupt(RANKINGS, &key, e))?;
        write_raw(out, ",\"value\":", &rows)?;
        counts.rankings += 1;
    }
    Ok(())
}

fn restore_ranking(
    _key: Option<String>,
    value: &RawValue,
    counts: &mut BackupCounts,
) -> Result<Record, String> {
    let header: RankingHeader =
        serde_json::from_str(value.get()).map_err(|e| format!("graduatoria non valida: {e}"))?;
    counts.rankings += 1;
    Ok(Record::raw(
        RANKINGS,
        keys::ranking(&header.call, header.number),
        value,
    ))
}

fn restore_rows(
    key: Option<String>,
    value: &RawValue,
    _counts: &mut BackupCounts,
) -> Result<Record, String> {
    let name = key.unwrap_or_default();
    let (code, number) = name
        .rsplit_once('/')
        .and_then(|(code, n)| Some((code, n.parse::<u32>().ok()?)))
        .ok_or_else(|| format!("righe di graduatoria '{name}': atteso codice/numero"))?;
    serde_json::from_str::<Vec<RankRow>>(value.get())
        .map_err(|e| format!("righe di graduatoria non valide: {e}"))?;
    Ok(Record::raw(
        RANKING_ROWS,
        keys::ranking(code, number),
        value,
    ))
}
