//! Rankings in the store: each call's point table, the live order computed from the records,
//! and the publication of frozen, numbered versions with their messages, in one transaction.

use sha2::{Digest, Sha256};

use super::error::StoreError;
use super::keys;
use super::tx::{Tx, TxResult, abort};
use super::unsent::Unsent;
use super::{Store, audit::AuditHead};
use crate::domain::publication::{
    RankingHeader, check_publication, objection_deadline, under_review, with_open_objection,
};
use crate::domain::ranking::{Lot, RankRow, Ranking, RankingKind, entries, rank, rows};
use crate::domain::ruleset::Ruleset;
use crate::domain::{Application, ApplicationId, Call, Context, DomainError, Event, EventKind};
use crate::messages::outbox::{Compose, Draft, OutboxId, Subject};

/// The order of a call's applications as the records stand now, not published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveRanking {
    pub call: Call,
    pub ruleset: Ruleset,
    pub ranking: Ranking,
    pub rows: Vec<RankRow>,
    /// Applications still under review, so not in it.
    pub pending: u32,
    /// Applications with an objection still to decide.
    pub open_objections: std::collections::BTreeSet<crate::domain::ApplicationId>,
}

/// What a publication would freeze now, having passed its checks: the call's versions so far,
/// its records and their order. Nothing is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub versions: Vec<RankingHeader>,
    pub applications: Vec<Application>,
    pub live: LiveRanking,
}

impl Candidate {
    /// The number the version would get.
    pub fn number(&self) -> u32 {
        self.versions
            .last()
            .map_or(1, |v| v.number.saturating_add(1))
    }
}

/// What a publication wrote and queued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub header: RankingHeader,
    pub queued: Vec<OutboxId>,
    /// Applicants whose identical message was already queued.
    pub duplicates: usize,
}

/// How many times a publication is recomputed when the records change under it.
const PUBLISH_ATTEMPTS: usize = 3;

impl Store {
    /// The point table of call `code`.
    pub fn ruleset(&self, code: &str) -> Result<Option<Ruleset>, StoreError> {
        self.get_json(keys::RULESETS, code.as_bytes())
    }

    /// Every application of call `code`, in id order.
    pub fn call_applications(&self, code: &str) -> Result<Vec<Application>, StoreError> {
        let mut found = Vec::new();
        for item in self.tree(keys::APPLICATIONS).iter() {
            let (key, value) = item?;
            let app: Application = serde_json::from_slice(&value)
                .map_err(|e| StoreError::corrupt(keys::APPLICATIONS, &key, e))?;
            if app.call == code {
                found.push(app);
            }
        }
        Ok(found)
    }

    /// The published versions of call `code`, oldest first.
    pub fn ranking_versions(&self, code: &str) -> Result<Vec<RankingHeader>, StoreError> {
        self.tree(keys::RANKINGS)
            .scan_prefix(keys::ranking_prefix(code))
            .map(|item| {
                let (key, value) = item?;
                serde_json::from_slice(&value)
                    .map_err(|e| StoreError::corrupt(keys::RANKINGS, &key, e))
            })
            .collect()
    }

    /// Version `number` of call `code`'s ranking with its rows, as published.
    pub fn ranking_version(
        &self,
        code: &str,
        number: u32,
    ) -> Result<Option<(RankingHeader, Vec<RankRow>)>, StoreError> {
        let key = keys::ranking(code, number);
        let Some(header) = self.get_json::<RankingHeader>(keys::RANKINGS, &key)? else {
            return Ok(None);
        };
        let rows = self
            .get_json::<Vec<RankRow>>(keys::RANKING_ROWS, &key)?
            .ok_or_else(|| StoreError::corrupt(keys::RANKING_ROWS, &key, "righe mancanti"))?;
        Ok(Some((header, rows)))
    }

    /// The order of call `code` as the records stand now; `lot` says whether to draw.
    pub fn live_ranking(&self, code: &str, lot: Lot) -> Result<LiveRanking, StoreError> {
        let (call, ruleset) = self.call_and_ruleset(code)?;
        let applications = self.call_applications(code)?;
        Ok(live(call, ruleset, &applications, lot))
    }

    /// The order a publication of `kind` would freeze at `now`, once the publication's checks
    /// pass (`check_publication`); the records are read once.
    pub fn ranking_candidate(
        &self,
        code: &str,
        kind: RankingKind,
        now: crate::domain::time::Timestamp,
        lot: Lot,
    ) -> Result<Candidate, StoreError> {
        let (call, ruleset) = self.call_and_ruleset(code)?;
        let applications = self.call_applications(code)?;
        let versions = self.ranking_versions(code)?;
        check_publication(kind, &versions, &applications, now)?;
        let live = live(call, ruleset, &applications, lot);
        Ok(Candidate {
            versions,
            applications,
            live,
        })
    }

    fn call_and_ruleset(&self, code: &str) -> Result<(Call, Ruleset), StoreError> {
        let call = self
            .call(code)?
            .ok_or_else(|| StoreError::Domain(DomainError::UnknownCall(code.to_string())))?;
        let ruleset = self.ruleset(code)?.ok_or_else(|| {
            StoreError::Domain(DomainError::invalid(
                "graduatoria",
                format!(
                    "il bando {code} non ha una tabella dei punteggi: caricala con «alloggi ranking rules»"
                ),
            ))
        })?;
        Ok((call, ruleset))
    }

    /// Publishes a new version of call `code`'s ranking, of `kind`, and queues `compose`'s
    /// message to every applicant in it, in one transaction with the audit entries: the version
    /// is written and everyone is told, or nothing happens. Groups the tie-break chain leaves
    /// equal are drawn by lot with `seed`, recorded in the version and the audit log.
    pub fn publish_ranking(
        &self,
        code: &str,
        kind: RankingKind,
        seed: u64,
        ctx: &Context,
        compose: &dyn Compose,
    ) -> Result<Published, StoreError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.publish_once(code, kind, seed, ctx, compose) {
                Err(StoreError::Changed) if attempt < PUBLISH_ATTEMPTS => continue,
                other => return other,
            }
        }
    }

    fn publish_once(
        &self,
        code: &str,
        kind: RankingKind,
        seed: u64,
        ctx: &Context,
        compose: &dyn Compose,
    ) -> Result<Published, StoreError> {
        // The records are read outside the transaction (sled's cannot scan); the audit head
        // read here is checked inside it, so a change in between makes the attempt start over.
        let basis: AuditHead = self
            .get_json(keys::META, keys::META_AUDIT_HEAD)?
            .unwrap_or_default();
        let candidate = self.ranking_candidate(code, kind, ctx.now, Lot::Draw { seed })?;
        let number = candidate.number();
        let Candidate {
            applications, live, ..
        } = candidate;
        let rows_json = serde_json::to_vec(&live.rows)
            .map_err(|e| StoreError::corrupt(keys::RANKING_ROWS, b"-", e))?;
        let header = RankingHeader {
            call: code.to_string(),
            number,
            kind,
            published_at: ctx.now,
            by: ctx.actor.clone(),
            ruleset: live.ruleset.name.clone(),
            objection_deadline: (kind == RankingKind::Provvisoria)
                .then(|| objection_deadline(&live.call, ctx.now)),
            draw: live.ranking.draw.clone(),
            pending: live.pending,
            admitted: count(live.rows.iter().filter(|r| r.admitted)),
            excluded: count(live.rows.iter().filter(|r| !r.admitted)),
            digest: digest(&rows_json),
        };
        let mut events = vec![event(
            ctx,
            EventKind::RankingPublished {
                call: code.to_string(),
                number,
                kind,
                admitted: header.admitted,
                excluded: header.excluded,
                digest: header.digest.clone(),
            },
        )];
        if let Some(draw) = &header.draw {
            events.push(event(
                ctx,
                EventKind::LotsDrawn {
                    call: code.to_string(),
                    number,
                    seed: draw.seed,
                    groups: draw.groups.clone(),
                },
            ));
        }
        // Composed before anything is written: a publication that cannot tell every
        // applicant is refused whole, never published with some of them left untold.
        let drafts = compose_all(&applications, &live, compose).map_err(StoreError::NotComposed)?;
        self.transact(|tx| {
            let head: AuditHead = tx
                .get_json(tx.tree(keys::META), keys::META, keys::META_AUDIT_HEAD)?
                .unwrap_or_default();
            if head.seq != basis.seq || head.hash != basis.hash {
                return abort(StoreError::Changed);
            }
            write_version(tx, &header, &rows_json)?;
            tx.append_audit(&events)?;
            let mut report = Published {
                header: header.clone(),
                queued: Vec::new(),
                duplicates: 0,
            };
            for (id, draft) in &drafts {
                match tx.queue_draft(draft.clone(), Some(*id), ctx)? {
                    Ok((entry, _)) => report.queued.push(entry.id),
                    Err(_) => report.duplicates += 1,
                }
            }
            Ok(report)
        })
    }
}

/// The message of every applicant in the live order, in its order; or who cannot be told.
pub fn compose_all(
    applications: &[Application],
    live: &LiveRanking,
    compose: &dyn Compose,
) -> Result<Vec<(ApplicationId, Draft)>, Unsent> {
    let by_id: std::collections::HashMap<_, _> = applications.iter().map(|a| (a.id, a)).collect();
    let mut drafts = Vec::with_capacity(live.rows.len());
    let mut unsent = Unsent::default();
    for row in &live.rows {
        let Some(app) = by_id.get(&row.application) else {
            unsent.push(row.application, "domanda non trovata nell'archivio".into());
            continue;
        };
        let subject = Subject {
            application: Some(app),
            call: Some(&live.call),
            ..Subject::default()
        };
        match compose.compose(&subject) {
            Ok(draft) => drafts.push((app.id, draft)),
            Err(reason) => unsent.push(app.id, reason),
        }
    }
    if unsent.is_empty() {
        Ok(drafts)
    } else {
        Err(unsent)
    }
}

fn write_version(tx: &Tx, header: &RankingHeader, rows_json: &[u8]) -> TxResult<()> {
    let key = keys::ranking(&header.call, header.number);
    if tx.tree(keys::RANKINGS).get(&key)?.is_some() {
        // A published version is never rewritten.
        return abort(StoreError::Changed);
    }
    tx.put_json(tx.tree(keys::RANKINGS), &key, header)?;
    tx.tree(keys::RANKING_ROWS).insert(key, rows_json)?;
    tx.put_json(
        tx.tree(keys::META),
        &keys::ranking_latest(&header.call),
        &header.number,
    )
}

fn live(call: Call, ruleset: Ruleset, applications: &[Application], lot: Lot) -> LiveRanking {
    let entries = entries(applications, &call, &ruleset);
    let ranking = rank(&entries, &ruleset.tie_breaks, lot);
    let rows = rows(applications, &call, &ruleset, &ranking);
    LiveRanking {
        call,
        ruleset,
        ranking,
        rows,
        pending: under_review(applications),
        open_objections: with_open_objection(applications),
    }
}

fn count<T>(items: impl Iterator<Item = T>) -> u32 {
    u32::try_from(items.count()).unwrap_or(u32::MAX)
}

/// SHA-256 of the stored rows, hex: `check` compares it with the rows it reads.
pub(super) fn digest(rows_json: &[u8]) -> String {
    keys::hex(&Sha256::digest(rows_json))
}

fn event(ctx: &Context, kind: EventKind) -> Event {
    Event {
        actor: ctx.actor.clone(),
        on_behalf_of: ctx.on_behalf_of.clone(),
        at: ctx.now,
        reason: None,
        kind,
    }
}
