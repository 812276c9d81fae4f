//! Assignment rounds in the store: the opening, which places every admitted applicant of the
//! definitive ranking and tells each of them in one transaction; the reads of a round; and the
//! choice of the next applicant for a dwelling, in ranking order.

use super::Store;
use super::audit::AuditHead;
use super::error::StoreError;
use super::keys;
use super::tx::abort;
use super::workflows::assignment::{
    BANDS, IDX_DWELLING_HOLDER, IDX_ROUND_WAITING, PLACEMENTS, ROUNDS, decode, placement_key,
    placement_of, placement_prefix, refused, waiting_prefix,
};
use crate::domain::ranking::RankingKind;
use crate::domain::stock::{
    AreaBands, Dwelling, DwellingCode, Needs, Placement, Round, Skip, assess, pass_over,
};
use crate::domain::{ApplicationId, Command, Context, DomainError, Event};
use crate::messages::outbox::{Compose, Draft, OutboxId, Subject};

/// How many times an opening is recomputed when the records change under it.
const OPEN_ATTEMPTS: usize = 3;

/// What opening a round wrote and queued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundOpened {
    pub round: Round,
    pub events: Vec<Event>,
    pub queued: Vec<OutboxId>,
    /// Applicants whose identical message was already queued.
    pub duplicates: usize,
}

/// The next applicant for a dwelling, with those passed over before them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextFor {
    pub chosen: Option<Placement>,
    pub skipped: Vec<(Placement, Skip)>,
    /// Passed over but not listed, past `MAX_SKIPPED`.
    pub more_skipped: usize,
}

/// The passed-over applicants a reply lists at most.
pub const MAX_SKIPPED: usize = 500;

/// The position a `placement_key` ends with.
fn position_of(key: &[u8]) -> u32 {
    key.len()
        .checked_sub(4)
        .and_then(|at| key.get(at..))
        .and_then(|bytes| <[u8; 4]>::try_from(bytes).ok())
        .map_or(0, u32::from_be_bytes)
}

impl Store {
    /// What `command` would leave, decided on the records as they are, with nothing written.
    pub fn dry_run(
        &self,
        command: &Command,
        ctx: &Context,
    ) -> Result<crate::domain::Snapshot, StoreError> {
        let before = self.transact(|tx| tx.snapshot(command, ctx))?;
        let events = crate::domain::decide(&before, command, ctx).map_err(StoreError::Domain)?;
        let mut after = before;
        for event in &events {
            crate::domain::evolve(&mut after, event).map_err(StoreError::Domain)?;
        }
        Ok(after)
    }

    pub fn round(&self, call: &str) -> Result<Option<Round>, StoreError> {
        self.get_json(ROUNDS, call.as_bytes())
    }

    pub fn rounds(&self) -> Result<Vec<Round>, StoreError> {
        self.tree(ROUNDS)
            .iter()
            .map(|item| {
                let (key, value) = item?;
                serde_json::from_slice(&value).map_err(|e| StoreError::corrupt(ROUNDS, &key, e))
            })
            .collect()
    }

    pub fn placement(&self, id: ApplicationId) -> Result<Option<Placement>, StoreError> {
        placement_of(self, id)
    }

    /// Every place of call `call`'s round, in ranking order.
    pub fn placements(&self, call: &str) -> Result<Vec<Placement>, StoreError> {
        self.tree(PLACEMENTS)
            .scan_prefix(placement_prefix(call))
            .map(|item| {
                let (key, value) = item?;
                decode(&key, &value)
            })
            .collect()
    }

    /// The place that holds `code`: offered, accepted or assigned.
    pub fn holder(&self, code: &DwellingCode) -> Result<Option<Placement>, StoreError> {
        let Some(key) = self
            .tree(IDX_DWELLING_HOLDER)
            .get(code.as_str().as_bytes())?
        else {
            return Ok(None);
        };
        match self.tree(PLACEMENTS).get(&key)? {
            Some(value) => decode(&key, &value).map(Some),
            None => Err(StoreError::corrupt(
                IDX_DWELLING_HOLDER,
                code.as_str().as_bytes(),
                "posto in assegnazione assente",
            )),
        }
    }

    /// The first applicant of call `call`'s round, in ranking order, who may be offered
    /// `dwelling`; those before them, with why each is passed over (the first `MAX_SKIPPED`,
    /// the rest counted). The waiting places are indexed by household band and step-free
    /// need, so the chosen one is the first entry of a few groups whatever the size of the
    /// round; the places before them are read only as far as they are listed.
    pub fn next_for(
        &self,
        call: &str,
        dwelling: &Dwelling,
        bands: &AreaBands,
    ) -> Result<NextFor, StoreError> {
        let prefix = placement_prefix(call);
        // The first waiting place of each group the dwelling suits; the lowest position wins.
        let mut chosen: Option<sled::IVec> = None;
        for band in 1..=BANDS {
            for step_free in [false, true] {
                let needs = Needs {
                    size: usize::from(band),
                    step_free,
                };
                if !assess(dwelling, needs, bands).is_adequate() {
                    continue;
                }
                for item in self
                    .tree(IDX_ROUND_WAITING)
                    .scan_prefix(waiting_prefix(call, band, step_free))
                {
                    let (key, value) = item?;
                    if refused(&value, &dwelling.code) {
                        continue;
                    }
                    if chosen
                        .as_ref()
                        .is_none_or(|best| position_of(&key) < position_of(best))
                    {
                        chosen = Some(key);
                    }
                    break;
                }
            }
        }
        let chosen = chosen.map(|key| placement_key(call, position_of(&key)));
        let end = match &chosen {
            Some(key) => key.to_vec(),
            None => {
                let mut end = prefix.clone();
                end.extend_from_slice(&u32::MAX.to_be_bytes());
                end.push(0);
                end
            }
        };
        let mut next = NextFor {
            chosen: None,
            skipped: Vec::new(),
            more_skipped: 0,
        };
        for item in self
            .tree(PLACEMENTS)
            .range(prefix.clone()..end)
            .take(MAX_SKIPPED)
        {
            let (key, value) = item?;
            let placement = decode(&key, &value)?;
            let why = pass_over(dwelling, &placement.candidate(), bands).ok_or_else(|| {
                StoreError::corrupt(
                    IDX_ROUND_WAITING,
                    &key,
                    "richiedente adatto assente dall'indice dei richiedenti in attesa",
                )
            })?;
            next.skipped.push((placement, why));
        }
        // Positions run from 1 without gaps: those before the chosen one are counted.
        let before = match &chosen {
            Some(key) => position_of(key).saturating_sub(1) as usize,
            None => self
                .round(call)?
                .map_or(0, |round| round.candidates as usize),
        };
        next.more_skipped = before.saturating_sub(next.skipped.len());
        if let Some(key) = chosen {
            let value = self
                .tree(PLACEMENTS)
                .get(&key)?
                .ok_or_else(|| StoreError::corrupt(IDX_ROUND_WAITING, &key, "posto assente"))?;
            next.chosen = Some(decode(&key, &value)?);
        }
        Ok(next)
    }

    /// Opens call `code`'s round on its definitive ranking: a place for every admitted
    /// applicant, in ranking order, and `compose`'s message queued to each, in one
    /// transaction with the audit entries. A message that does not compose refuses the whole.
    pub fn open_assignment(
        &self,
        code: &str,
        opens_on: chrono::NaiveDate,
        closes_on: chrono::NaiveDate,
        ctx: &Context,
        compose: &dyn Compose,
    ) -> Result<RoundOpened, StoreError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.open_once(code, opens_on, closes_on, ctx, compose) {
                Err(StoreError::Changed) if attempt < OPEN_ATTEMPTS => continue,
                other => return other,
            }
        }
    }

    /// The places and messages an opening would write, read outside any transaction.
    pub fn round_places(
        &self,
        code: &str,
        round: &Round,
        compose: &dyn Compose,
    ) -> Result<Vec<(Placement, Draft)>, StoreError> {
        let (header, rows) = self.ranking_version(code, round.ranking)?.ok_or_else(|| {
            StoreError::corrupt(keys::RANKINGS, code.as_bytes(), "versione assente")
        })?;
        if header.kind != RankingKind::Definitiva {
            return Err(StoreError::Domain(DomainError::invalid(
                "bando",
                "la graduatoria non è definitiva",
            )));
        }
        let call = self.call(code)?;
        let mut places = Vec::new();
        let mut unsent = super::unsent::Unsent::default();
        for row in rows.iter().filter(|r| r.admitted) {
            let Some(application) = self.application(row.application)? else {
                unsent.push(row.application, "domanda non trovata nell'archivio".into());
                continue;
            };
            let position = u32::try_from(places.len() + 1).unwrap_or(u32::MAX);
            let placement = Placement::first(code, position, &application);
            let subject = Subject {
                application: Some(&application),
                call: call.as_ref(),
                round: Some(round),
                placement: Some(&placement),
                ..Subject::default()
            };
            match compose.compose(&subject) {
                Ok(draft) => places.push((placement, draft)),
                Err(reason) => unsent.push(application.id, reason),
            }
        }
        if !unsent.is_empty() {
            return Err(StoreError::NotComposed(unsent));
        }
        Ok(places)
    }

    fn open_once(
        &self,
        code: &str,
        opens_on: chrono::NaiveDate,
        closes_on: chrono::NaiveDate,
        ctx: &Context,
        compose: &dyn Compose,
    ) -> Result<RoundOpened, StoreError> {
        let basis: AuditHead = self
            .get_json(keys::META, keys::META_AUDIT_HEAD)?
            .unwrap_or_default();
        let command = Command::OpenAssignment {
            call: code.to_string(),
            opens_on,
            closes_on,
        };
        // The domain's checks first, on a dry run: a refusal costs no reading of the ranking.
        let preview = self.dry_run(&command, ctx)?;
        let round = preview.round.ok_or_else(|| {
            StoreError::Domain(DomainError::Internal("assegnazione senza turno".into()))
        })?;
        let places = self.round_places(code, &round, compose)?;
        if u32::try_from(places.len()).ok() != Some(round.candidates) {
            return Err(StoreError::Domain(DomainError::invalid(
                "graduatoria",
                format!(
                    "{} ammessi nella graduatoria, {} trovati: eseguire alloggi check",
                    round.candidates,
                    places.len()
                ),
            )));
        }
        self.transact(|tx| {
            let head: AuditHead = tx
                .get_json(tx.tree(keys::META), keys::META, keys::META_AUDIT_HEAD)?
                .unwrap_or_default();
            if head.seq != basis.seq || head.hash != basis.hash {
                return abort(StoreError::Changed);
            }
            let (mut events, after) = tx.run_for_state(&command, ctx)?;
            let Some(round) = after.round else {
                return abort(StoreError::Domain(DomainError::Internal(
                    "assegnazione senza turno".into(),
                )));
            };
            let mut opened = RoundOpened {
                round,
                events: Vec::new(),
                queued: Vec::new(),
                duplicates: 0,
            };
            for (placement, draft) in &places {
                match tx.queue_draft(draft.clone(), Some(placement.application), ctx)? {
                    Ok((entry, event)) => {
                        opened.queued.push(entry.id);
                        events.push(event);
                    }
                    Err(_) => opened.duplicates += 1,
                }
            }
            opened.events = events;
            Ok(opened)
        })
    }
}
