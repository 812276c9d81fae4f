//! The simulated office: receipts spread over the call's window in time order, and every later
//! step of an application run from a queue ordered by its simulated instant, one chunk of
//! applications per transaction.

use std::collections::{BTreeMap, BinaryHeap, HashSet};

use chrono::{Datelike, NaiveDate, Weekday};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::domain::application::{Channel, DocumentStatus, ExclusionReason};
use crate::domain::call::Need;
use crate::domain::command::NewApplication;
use crate::domain::time::{Timestamp, format_date, rome_date};
use crate::domain::verification::{CheckItem, Requirement};
use crate::domain::{Application, ApplicationId, Call, Command, Context, State};
use crate::store::Store;

use super::calendar::{
    HOUR, MINUTE, add_days, from_secs, is_holiday, rome_local, window_day_weight,
};
use super::random::{pick, weighted};
use super::routes::{DECLARED_OVER_LIMIT, LATE, NOTICE_SENT, Pending, Route, Step};
use super::tables::Tables;
use super::{ACTORS, CHUNK_APPLICATIONS, DemoError, DemoOptions};

/// The generator of one run: the call, the seeded stream and the chunk in progress.
pub(super) struct Demo<'a> {
    store: &'a Store,
    pub(super) call: &'a Call,
    pub(super) tables: &'static Tables,
    pub(super) rng: ChaCha8Rng,
    total: usize,
    /// Every fiscal code given in this run: the same person may not appear twice.
    pub(super) codes: HashSet<[u8; 16]>,
    queue: BinaryHeap<Pending>,
    batch: Vec<(Command, Context)>,
    pub(super) events: usize,
    received: usize,
    finished: usize,
    close_date: NaiveDate,
    /// Required document dropped when a route needs something missing.
    identity_document: Option<usize>,
    /// The id the store gives this run's first application.
    first_id: u64,
    /// Every application reviewed to a decision: a call whose procedure is over.
    pub(super) settled: bool,
}

impl<'a> Demo<'a> {
    pub(super) fn new(
        store: &'a Store,
        call: &'a Call,
        tables: &'static Tables,
        options: &DemoOptions,
    ) -> Self {
        let required: Vec<usize> = call
            .documents
            .iter()
            .enumerate()
            .filter(|(i, d)| d.required && *i < 32)
            .map(|(i, _)| i)
            .collect();
        let identity_document = call
            .documents
            .iter()
            .position(|d| d.code == "documento_identita" && d.required)
            .filter(|i| *i < 32)
            .or_else(|| required.last().copied());
        Demo {
            store,
            call,
            tables,
            rng: ChaCha8Rng::seed_from_u64(options.seed),
            total: options.applications,
            codes: HashSet::with_capacity(options.applications.saturating_mul(3)),
            queue: BinaryHeap::with_capacity(CHUNK_APPLICATIONS),
            batch: Vec::with_capacity(CHUNK_APPLICATIONS * 4),
            events: 0,
            received: 0,
            finished: 0,
            close_date: rome_date(call.closes_at),
            identity_document,
            first_id: 1,
            settled: false,
        }
    }

    /// A run after others, into a database whose next application id is `first_id`, where
    /// every application is decided and members with a serious disability have a motor one.
    pub(super) fn settled_after(mut self, first_id: u64) -> Self {
        self.first_id = first_id;
        self.settled = true;
        self
    }

    pub(super) fn run(&mut self, progress: &mut dyn FnMut(usize, usize)) -> Result<(), DemoError> {
        progress(0, self.total);
        let late = (self.total + 50) / 100;
        let on_time = self.total - late;
        let open_date = rome_date(self.call.opens_at);
        let mut days = Vec::new();
        let mut day = open_date;
        while day <= self.close_date {
            days.push((day, window_day_weight(day, open_date, self.close_date)));
            day = add_days(day, 1);
        }
        self.receive_days(&days, on_time, false, progress)?;
        let late_days: Vec<(NaiveDate, u64)> = [8, 4, 2, 1]
            .iter()
            .enumerate()
            .map(|(i, w)| (add_days(self.close_date, i as i64 + 1), *w))
            .collect();
        self.receive_days(&late_days, late, true, progress)?;
        self.finish_chunk(progress)
    }

    /// Runs every remaining step of the chunk's applications and commits them together.
    fn finish_chunk(&mut self, progress: &mut dyn FnMut(usize, usize)) -> Result<(), DemoError> {
        if self.finished == self.received {
            return Ok(());
        }
        while let Some(pending) = self.queue.pop() {
            self.advance(pending)?;
        }
        if !self.batch.is_empty() {
            self.events += self.store.execute_all(&self.batch)?.len();
            self.batch.clear();
        }
        self.finished = self.received;
        progress(self.finished, self.total);
        Ok(())
    }

    /// Spreads `count` receipts over `days` in proportion to their weights, in time order.
    fn receive_days(
        &mut self,
        days: &[(NaiveDate, u64)],
        count: usize,
        late: bool,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<(), DemoError> {
        let total_weight: u64 = days.iter().map(|(_, w)| w).sum();
        if count == 0 || total_weight == 0 {
            return Ok(());
        }
        let mut cumulative = 0u64;
        let mut assigned = 0usize;
        for &(day, weight) in days {
            cumulative += weight;
            // Cumulative rounding in integers: exact total, same result on every platform.
            let upto = (count as u128 * u128::from(cumulative) / u128::from(total_weight)) as usize;
            let today = upto - assigned;
            assigned = upto;
            let mut arrivals: Vec<(u32, Channel)> =
                (0..today).map(|_| self.arrival_time(day)).collect();
            arrivals.sort_unstable_by_key(|(secs, channel)| (*secs, *channel == Channel::Portale));
            for (secs, channel) in arrivals {
                let mut at = rome_local(day, secs);
                if !late {
                    at = at.max(self.call.opens_at).min(self.call.closes_at);
                }
                // Steps due before this receipt happen first, keeping the log chronological.
                while self.queue.peek().is_some_and(|p| p.at <= at.timestamp()) {
                    if let Some(pending) = self.queue.pop() {
                        self.advance(pending)?;
                    }
                }
                self.receive(at, channel, late)?;
                if self.received - self.finished >= CHUNK_APPLICATIONS {
                    self.finish_chunk(progress)?;
                }
            }
        }
        Ok(())
    }

    /// Time of day of one submission: the counter keeps the seed's opening hours, the portal is
    /// open day and night but used mostly in the daytime.
    fn arrival_time(&mut self, day: NaiveDate) -> (u32, Channel) {
        let counter = if is_holiday(day) {
            None
        } else {
            match day.weekday() {
                Weekday::Mon | Weekday::Wed | Weekday::Thu => Some((10 * HOUR, 13 * HOUR)),
                Weekday::Tue => Some((15 * HOUR + 30 * MINUTE, 17 * HOUR + 30 * MINUTE)),
                _ => None,
            }
        };
        if let Some((from, to)) = counter
            && self.rng.random_bool(0.3)
        {
            return (self.rng.random_range(from..to), Channel::Sportello);
        }
        let roll = self.rng.random_range(0..100u32);
        let secs = if roll < 75 {
            self.rng.random_range(8 * HOUR..20 * HOUR)
        } else if roll < 93 {
            self.rng.random_range(20 * HOUR..24 * HOUR)
        } else {
            self.rng.random_range(0..8 * HOUR)
        };
        (secs, Channel::Portale)
    }

    fn actor(&mut self) -> u8 {
        self.rng.random_range(0..ACTORS.len() as u8)
    }

    fn context(actor: u8, at: i64) -> Context {
        Context {
            actor: ACTORS[usize::from(actor) % ACTORS.len()].to_string(),
            on_behalf_of: None,
            now: from_secs(at),
        }
    }

    fn push(&mut self, command: Command, context: Context) {
        self.batch.push((command, context));
    }

    // ---- one application ------------------------------------------------------------------

    fn receive(
        &mut self,
        received_at: Timestamp,
        channel: Channel,
        late: bool,
    ) -> Result<(), DemoError> {
        // The store numbers applications in order of receipt, from `first_id` on.
        self.received += 1;
        let id = self.first_id - 1 + self.received as u64;
        let received_date = rome_date(received_at);
        let (household, origin) = self.household(received_date)?;
        let contact = self.contact(household.applicant());
        let declaration = self.declaration(&household, origin, received_date)?;
        let over_limit = declaration.isee > self.call.isee_limit_for(household.len());
        let mut app = Application {
            id: ApplicationId(id),
            call: self.call.code.clone(),
            external_id: (channel == Channel::Portale)
                .then(|| format!("{}/{:07}", self.call.code, id)),
            channel,
            received_at,
            state: State::Ricevuta,
            protocol: None,
            registered_at: None,
            late,
            household,
            contact,
            declaration,
            documents: BTreeMap::new(),
            integration: None,
            decision: None,
            verifications: BTreeMap::new(),
            fee: None,
            score_overrides: BTreeMap::new(),
            objections: Vec::new(),
            conditions_recognised: Default::default(),
            refusal_notice: None,
        };
        let (mut route, mut reason) = self.choose_route(over_limit, late);

        let mut attached: Vec<usize> = Vec::new();
        for (index, (doc, need)) in self.call.checklist(&app).into_iter().enumerate() {
            let attach = match need {
                Need::Required => true,
                // Bits stop at 32 documents: anything beyond is always attached.
                Need::ForDeclaredCondition => index >= 32 || self.rng.random_bool(0.7),
                Need::Optional => match doc.code.as_str() {
                    "contratto_affitto" => self.rng.random_bool(0.3),
                    "altri_allegati" => self.rng.random_bool(0.08),
                    _ => false,
                },
            };
            if attach {
                attached.push(index);
            }
        }
        let mut missing = self.missing_mask(&mut app, &attached);
        if route.needs_missing_documents() && missing == 0 {
            // A copy of the identity document that was missing or unreadable.
            if let Some(identity) = self.identity_document {
                attached.retain(|i| *i != identity);
                missing = self.missing_mask(&mut app, &attached);
            }
            if missing == 0 {
                if route == Route::Integration {
                    route = Route::Reviewed;
                } else {
                    route = Route::Excluded;
                    reason = ExclusionReason::RequisitoMancante;
                }
            }
        }
        if missing != 0 {
            route = match route {
                Route::Admitted if self.rng.random_bool(0.8) => Route::AdmittedIntegrated,
                Route::Admitted => Route::AdmittedDocuments,
                Route::Reviewed if self.rng.random_bool(0.3) => Route::ReviewedIntegrated,
                other => other,
            };
        }

        let new = NewApplication {
            external_id: app.external_id,
            channel,
            received_at,
            household: app.household,
            contact: app.contact,
            declaration: app.declaration,
            documents: attached
                .iter()
                .map(|i| self.call.documents[*i].code.clone())
                .collect(),
        };
        let clerk = self.actor();
        let at = received_at.timestamp();
        self.push(
            Command::ReceiveApplication(Box::new(new)),
            Self::context(clerk, at),
        );
        let mut flags = 0;
        if late {
            flags |= LATE;
        }
        if over_limit {
            flags |= DECLARED_OVER_LIMIT;
        }
        let pending = Pending {
            at,
            id: u32::try_from(id).unwrap_or(u32::MAX),
            route,
            step: 0,
            reason: ExclusionReason::ALL
                .iter()
                .position(|r| *r == reason)
                .unwrap_or(0) as u8,
            flags,
            actor: self.actor(),
            missing,
            requested_at: 0,
        };
        self.schedule_next(pending);
        Ok(())
    }

    /// Sets the attached documents on the local copy and returns the missing ones as bits.
    fn missing_mask(&self, app: &mut Application, attached: &[usize]) -> u32 {
        app.documents = attached
            .iter()
            .map(|i| {
                (
                    self.call.documents[*i].code.clone(),
                    DocumentStatus::Ricevuto {
                        at: app.received_at,
                    },
                )
            })
            .collect();
        app.missing_documents(self.call)
            .iter()
            .filter_map(|code| self.call.documents.iter().position(|d| &d.code == code))
            .filter(|i| *i < 32)
            .fold(0, |mask, i| mask | (1 << i))
    }

    fn choose_route(&mut self, over_limit: bool, late: bool) -> (Route, ExclusionReason) {
        use ExclusionReason::*;
        // Per mille; exclusions forced below (late, ISEE over the limit) bring Esclusa to ~8 %.
        let roll = self.rng.random_range(0..1000u32);
        let target = match roll {
            0..80 => State::Ricevuta,
            80..180 => State::Protocollata,
            180..400 => State::InIstruttoria,
            400..500 => State::IntegrazioneRichiesta,
            500..936 => State::Ammessa,
            _ => State::Esclusa,
        };
        let decided = matches!(
            target,
            State::IntegrazioneRichiesta | State::Ammessa | State::Esclusa
        );
        let target = if self.settled {
            settled(target, late)
        } else {
            target
        };
        let (target, reason) = if late && target != State::Ricevuta && self.rng.random_bool(0.5) {
            (State::Esclusa, DomandaTardiva)
        } else if over_limit && decided {
            (State::Esclusa, IseeSuperiore)
        } else if target == State::Esclusa {
            let reason = weighted(
                &mut self.rng,
                &[
                    (RequisitoMancante, 34),
                    (DocumentiMancanti, 32),
                    (IseeSuperiore, 12),
                    (FalsaDichiarazione, 10),
                    (Altro, 12),
                ],
            );
            (target, reason)
        } else {
            (target, Altro)
        };
        let route = match target {
            State::Ricevuta => Route::Received,
            State::Protocollata => Route::Registered,
            State::InIstruttoria => Route::Reviewed,
            State::IntegrazioneRichiesta => Route::Integration,
            State::Ammessa => Route::Admitted,
            State::Esclusa => match reason {
                DocumentiMancanti if self.rng.random_bool(0.15) => {
                    if self.rng.random_bool(0.6) || self.settled {
                        Route::ReinstatedAdmitted
                    } else {
                        Route::ReinstatedOpen
                    }
                }
                DocumentiMancanti => Route::ExcludedIntegration,
                DomandaTardiva if self.rng.random_bool(0.5) => Route::ExcludedEarly,
                _ => Route::Excluded,
            },
        };
        (route, reason)
    }

    /// Computes when the next step happens and queues it; nothing to do after the last one.
    fn schedule_next(&mut self, mut pending: Pending) {
        let steps = pending.route.steps();
        let Some(&step) = steps.get(usize::from(pending.step)) else {
            return;
        };
        let previous = pending
            .step
            .checked_sub(1)
            .and_then(|i| steps.get(usize::from(i)))
            .copied();
        let prev = pending.at;
        let close = self.close_date;
        pending.at = match step {
            Step::Register => self.office_after(prev, 0, 5),
            // The review starts once the window has closed.
            Step::Review => self.office_between(prev, add_days(close, 1), add_days(close, 55)),
            Step::Request => self.office_after(prev, 1, 10),
            Step::ReceiveIntegration => self.within_deadline(prev),
            Step::RecordDocuments => self.office_after(prev, 0, 7),
            Step::Reinstate => self.office_after(prev, 7, 30),
            // A late application excluded straight after registration, without a review.
            Step::Exclude if previous == Some(Step::Register) => self.office_after(prev, 5, 25),
            Step::Admit | Step::Exclude => {
                // Decisions fall in the weeks after the review (Dec–Feb for the seed's call);
                // an exclusion for missing documents waits for the deadline to pass.
                let mut from = add_days(close, 18);
                if step == Step::Exclude && pending.requested_at != 0 {
                    from = from.max(add_days(self.deadline(pending.requested_at), 1));
                }
                self.office_between(prev, from, add_days(close, 105))
            }
        };
        self.queue.push(pending);
    }

    fn deadline(&self, requested_at: i64) -> NaiveDate {
        add_days(
            rome_date(from_secs(requested_at)),
            i64::from(self.call.params.integration_days),
        )
    }

    fn advance(&mut self, mut pending: Pending) -> Result<(), DemoError> {
        let Some(&step) = pending.route.steps().get(usize::from(pending.step)) else {
            return Ok(());
        };
        let id = ApplicationId(u64::from(pending.id));
        let ctx = Self::context(pending.actor, pending.at);
        let reason = ExclusionReason::ALL
            .get(usize::from(pending.reason))
            .copied()
            .unwrap_or(ExclusionReason::Altro);
        match step {
            Step::Register => {
                let override_reason = (pending.flags & LATE != 0)
                    .then(|| pick(&mut self.rng, &self.tables.late_overrides).to_string());
                // Registration is the protocol clerk's job, whoever reviews later.
                let clerk = self.actor();
                self.push(
                    Command::RegisterApplication {
                        id,
                        override_reason,
                    },
                    Self::context(clerk, pending.at),
                );
            }
            Step::Review => self.push(Command::StartReview { id }, ctx),
            Step::Request => {
                pending.requested_at = pending.at;
                let documents = self.codes_of(pending.missing);
                self.push(
                    Command::RequestIntegration {
                        id,
                        documents,
                        deadline: None,
                    },
                    ctx,
                );
            }
            Step::ReceiveIntegration => self.push(
                Command::ReceiveIntegration {
                    id,
                    documents: None,
                },
                ctx,
            ),
            Step::RecordDocuments => {
                for code in self.codes_of(pending.missing) {
                    let status = DocumentStatus::Ricevuto { at: ctx.now };
                    let command = Command::RecordDocument { id, code, status };
                    self.push(command, ctx.clone());
                }
            }
            Step::Admit => {
                let note = if self.rng.random_bool(0.3) {
                    pick(&mut self.rng, &self.tables.admission_notes).to_string()
                } else {
                    String::new()
                };
                // Admission needs every access requirement verified first.
                for requirement in Requirement::ALL {
                    let verify = Command::Verify {
                        id,
                        item: CheckItem::Requisito(requirement),
                        verified: true,
                        note: String::new(),
                    };
                    self.push(verify, ctx.clone());
                }
                self.push(
                    Command::Admit {
                        id,
                        note,
                        waiver: None,
                    },
                    ctx,
                );
            }
            Step::Exclude if pending.flags & NOTICE_SENT != 0 => {
                let note = self.exclusion_note(reason, &pending);
                self.push(Command::ConfirmExclusion { id, note }, ctx);
            }
            // Under a call with the notice of the grounds for refusal (art. 10-bis), an
            // application under review is told first; the exclusion is confirmed once the days
            // for observations are over, and the step comes round again then.
            Step::Exclude if self.call.params.refusal_notice && under_review(&pending) => {
                let note = self.exclusion_note(reason, &pending);
                self.push(Command::NotifyRefusalGrounds { id, reason, note }, ctx);
                let days = i64::from(self.call.params.refusal_notice_days);
                pending.flags |= NOTICE_SENT;
                pending.at = self.office_after(pending.at, days + 1, days + 10);
                self.queue.push(pending);
                return Ok(());
            }
            Step::Exclude => {
                let note = self.exclusion_note(reason, &pending);
                self.push(Command::Exclude { id, reason, note }, ctx);
            }
            Step::Reinstate => {
                let reason = pick(&mut self.rng, &self.tables.reinstate_reasons).to_string();
                self.push(Command::Reinstate { id, reason }, ctx);
            }
        }
        pending.step += 1;
        self.schedule_next(pending);
        Ok(())
    }

    fn codes_of(&self, mask: u32) -> Vec<String> {
        self.call
            .documents
            .iter()
            .enumerate()
            .filter(|(i, _)| *i < 32 && mask & (1 << i) != 0)
            .map(|(_, d)| d.code.clone())
            .collect()
    }

    fn exclusion_note(&mut self, reason: ExclusionReason, pending: &Pending) -> String {
        use ExclusionReason::*;
        match reason {
            RequisitoMancante => {
                pick(&mut self.rng, &self.tables.access_requirement_notes).to_string()
            }
            DocumentiMancanti if pending.requested_at != 0 => format!(
                "integrazione richiesta il {} non pervenuta entro il {}",
                format_date(rome_date(from_secs(pending.requested_at))),
                format_date(self.deadline(pending.requested_at))
            ),
            DocumentiMancanti => "documentazione obbligatoria non presentata".to_string(),
            IseeSuperiore if pending.flags & DECLARED_OVER_LIMIT != 0 => {
                "ISEE dichiarato superiore al limite del bando".to_string()
            }
            IseeSuperiore => {
                "ISEE dell'attestazione INPS superiore al limite del bando".to_string()
            }
            FalsaDichiarazione => {
                pick(&mut self.rng, &self.tables.false_declaration_notes).to_string()
            }
            DomandaTardiva => "domanda pervenuta dopo la chiusura del bando".to_string(),
            Altro => pick(&mut self.rng, &self.tables.other_exclusion_notes).to_string(),
        }
    }
}

/// Where an application of a settled call ends: admitted or excluded, never still open.
fn settled(target: State, late: bool) -> State {
    match target {
        State::Ammessa | State::Esclusa => target,
        _ if late => State::Esclusa,
        _ => State::Ammessa,
    }
}

/// The application is under review when its next step comes: not just registered, nor waiting
/// for an integration.
fn under_review(pending: &Pending) -> bool {
    let previous = pending
        .step
        .checked_sub(1)
        .and_then(|i| pending.route.steps().get(usize::from(i)))
        .copied();
    !matches!(previous, None | Some(Step::Register) | Some(Step::Request))
}
