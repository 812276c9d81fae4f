//! The previous call's assignment round, opened a week after its definitive ranking: the housing
//! stock recorded, the round opened with its message to every admitted applicant, the first
//! `LEASED` in order assigned by decree within weeks (their leases and rent are `tenancies`'),
//! and offers made in the last eight weeks in ranking order as `Store::next_for` chooses, so
//! that every standing shows on the day: waiting,
//! offered with days left, offered past the deadline, warned, accepted with the decree to
//! come, refused with a reason (waiting again), refused without one (excluded), excluded for
//! requirements lost, assigned by decree with its message queued, and one assignee past the
//! term to occupy.

use chrono::{Duration, NaiveDate};

use super::ACTORS;
use super::calendar::{HOUR, add_days, is_working_day, next_working_day, rome_local};
use super::{sent, stock};
use crate::domain::command::OfferReply;
use crate::domain::stock::{DwellingCode, DwellingState, ExclusionCause};
use crate::domain::time::Timestamp;
use crate::domain::{ApplicationId, Call, Command, Context};
use crate::messages::{Catalogue, ComuneConfig, Order, Values};
use crate::store::{Store, StoreError};

/// Days after the definitive ranking the stock is recorded and the round opens.
const STOCK_DAYS_AFTER: i64 = 2;
const OPEN_DAYS_AFTER: i64 = 7;
/// Days the round stays open after the day eight weeks before today.
const ROUND_DAYS: i64 = 180;
const RECENT_DAYS_BEFORE: i64 = 56;
/// Assignees by decree a few weeks after the opening, who sign their leases.
pub const LEASED: usize = 8;
/// Days after the opening of their offers, acceptances and decrees.
const EARLY_OFFER_DAYS: i64 = 1;
const EARLY_ACCEPT_DAYS: i64 = 4;
const EARLY_DECREE_DAYS: i64 = 8;

/// The catalogue messages of the opening and of a decree.
const ON_OPEN: &str = "apertura_assegnazione";
const ON_DECREE: &str = "assegnazione_dettagli";

/// Who was offered which dwelling; None when nobody could be.
type Offered = Option<(ApplicationId, DwellingCode)>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundSummary {
    pub call: String,
    pub opened_on: NaiveDate,
    pub dwellings: usize,
    pub candidates: u32,
    pub offers: usize,
    pub decrees: usize,
    /// Messages queued: the opening's to every applicant (sent since), the decrees'.
    pub messages: usize,
    pub events: usize,
    /// The early assignees, with the day of their decree, in ranking order.
    pub leased: Vec<(ApplicationId, NaiveDate)>,
}

/// The working day on or before `today - days`.
fn office_day(today: NaiveDate, days: i64) -> NaiveDate {
    let mut day = add_days(today, -days);
    for _ in 0..10 {
        if is_working_day(day) {
            break;
        }
        day = add_days(day, -1);
    }
    day
}

/// Instants in office hours, always after the previous one.
struct Clock {
    today: NaiveDate,
    last: Option<Timestamp>,
}

impl Clock {
    fn on(&mut self, days_before: i64) -> Context {
        let day = office_day(self.today, days_before);
        let mut at = rome_local(day, 9 * HOUR);
        if let Some(last) = self.last {
            at = at.max(last + Duration::minutes(7));
        }
        self.last = Some(at);
        Context {
            actor: ACTORS[(days_before as usize) % ACTORS.len()].to_string(),
            on_behalf_of: None,
            now: at,
        }
    }
}

struct Round<'a> {
    store: &'a Store,
    call: &'a Call,
    clock: Clock,
    config: ComuneConfig,
    summary: RoundSummary,
}

impl Round<'_> {
    fn order(&self, template: &str) -> Result<Order<'_>, StoreError> {
        let template = Catalogue::builtin()
            .get(template)
            .ok_or_else(|| StoreError::Message(format!("modello {template} assente")))?;
        Ok(Order {
            template,
            config: &self.config,
            typed: Values::new(),
            recipient: None,
        })
    }

    fn execute(&mut self, command: Command, days_before: i64) -> Result<(), StoreError> {
        let ctx = self.clock.on(days_before);
        self.summary.events += self.store.execute(&command, &ctx)?.len();
        Ok(())
    }

    /// The first free dwelling (`preferred` first) someone may be offered, and who, as
    /// `next_for` chooses in ranking order.
    fn next(
        &self,
        preferred: Option<&DwellingCode>,
    ) -> Result<Option<(ApplicationId, DwellingCode)>, StoreError> {
        let mut free = self.store.dwellings(Some(DwellingState::Libero))?;
        free.sort_by_key(|d| (Some(&d.code) != preferred, d.code.clone()));
        for dwelling in free {
            let next =
                self.store
                    .next_for(&self.call.code, &dwelling, &self.call.params.area_bands)?;
            if let Some(chosen) = next.chosen {
                return Ok(Some((chosen.application, dwelling.code)));
            }
        }
        Ok(None)
    }

    /// Requirements checked again and the offer made, the same day, to the next in order.
    fn offer(
        &mut self,
        days_before: i64,
        preferred: Option<&DwellingCode>,
    ) -> Result<Offered, StoreError> {
        let Some((id, code)) = self.next(preferred)? else {
            return Ok(None);
        };
        let ctx = self.clock.on(days_before);
        let commands = vec![
            (Command::ConfirmRequirements { id }, ctx.clone()),
            (
                Command::MakeOffer {
                    id,
                    dwelling: code.clone(),
                    deadline: None,
                    out_of_order: None,
                },
                ctx,
            ),
        ];
        self.summary.events += self.store.execute_all(&commands)?.len();
        self.summary.offers += 1;
        Ok(Some((id, code)))
    }

    fn reply(
        &mut self,
        offer: &Offered,
        reply: OfferReply,
        reason: &str,
        days_before: i64,
    ) -> Result<(), StoreError> {
        if let Some((id, _)) = offer {
            let id = *id;
            let command = Command::ReplyToOffer {
                id,
                reply,
                reason: reason.to_string(),
            };
            self.execute(command, days_before)?;
        }
        Ok(())
    }

    /// The decree, with «Dettagli della tua assegnazione» queued in the same transaction;
    /// returns the message queued.
    fn decree(
        &mut self,
        offer: &Offered,
        days_before: i64,
    ) -> Result<Option<crate::messages::outbox::OutboxId>, StoreError> {
        let Some((id, _)) = offer else {
            return Ok(None);
        };
        let id = *id;
        let ctx = self.clock.on(days_before);
        let command = Command::DecreeAssignment {
            id,
            decree_on: office_day(self.clock.today, days_before),
        };
        let order = self.order(ON_DECREE)?;
        let (events, entry) =
            self.store
                .execute_and_queue(Some(&command), Some(id), &ctx, &order)?;
        self.summary.events += events.len();
        self.summary.decrees += 1;
        self.summary.messages += 1;
        Ok(Some(entry.id))
    }
}

/// Days from `day`, a working day or the next, to `today`.
fn days_before(today: NaiveDate, day: NaiveDate) -> i64 {
    (today - next_working_day(day)).num_days()
}

/// Records the stock and runs `call`'s round (its definitive ranking published on `ranked`)
/// up to the day before `today`.
pub fn add(
    store: &Store,
    call: &Call,
    ranked: NaiveDate,
    today: NaiveDate,
) -> Result<RoundSummary, StoreError> {
    let stock_before = days_before(today, add_days(ranked, STOCK_DAYS_AFTER));
    let open_before = days_before(today, add_days(ranked, OPEN_DAYS_AFTER));
    let mut round = Round {
        store,
        call,
        clock: Clock { today, last: None },
        config: ComuneConfig::example(),
        summary: RoundSummary {
            call: call.code.clone(),
            opened_on: office_day(today, open_before),
            dwellings: 0,
            candidates: 0,
            offers: 0,
            decrees: 0,
            messages: 0,
            events: 0,
            leased: Vec::new(),
        },
    };
    let dwellings = stock::dwellings(office_day(today, stock_before))?;
    round.summary.dwellings = dwellings.len();
    round.execute(Command::SaveDwellings { dwellings }, stock_before)?;

    let opens_on = round.summary.opened_on;
    let ctx = round.clock.on(open_before);
    let order = round.order(ON_OPEN)?;
    let closes_on = add_days(office_day(today, RECENT_DAYS_BEFORE), ROUND_DAYS);
    let opened = store.open_assignment(&call.code, opens_on, closes_on, &ctx, &order)?;
    round.summary.candidates = opened.round.candidates;
    round.summary.messages += opened.queued.len();
    round.summary.events += opened.events.len();
    round.summary.events += sent::send(store, &opened.queued, ctx.now)?;

    // The first in order offered, accepted and assigned within weeks: their messages long sent.
    let offer_before = days_before(today, add_days(opens_on, EARLY_OFFER_DAYS));
    let accept_before = days_before(today, add_days(opens_on, EARLY_ACCEPT_DAYS));
    let decree_before = days_before(today, add_days(opens_on, EARLY_DECREE_DAYS));
    let mut early = Vec::new();
    for _ in 0..LEASED {
        early.push(round.offer(offer_before, None)?);
    }
    for offer in &early {
        round.reply(offer, OfferReply::Accept, "", accept_before)?;
    }
    let decree_on = office_day(today, decree_before);
    for offer in &early {
        if let Some(queued) = round.decree(offer, decree_before)? {
            let at = round.clock.last.unwrap_or(ctx.now);
            round.summary.events += sent::send(store, &[queued], at)?;
        }
        if let Some((id, _)) = offer {
            round.summary.leased.push((*id, decree_on));
        }
    }

    // Assigned, and past the 30 days to occupy the dwelling by today.
    let lapsed = round.offer(54, None)?;
    round.reply(&lapsed, OfferReply::Accept, "", 51)?;
    round.decree(&lapsed, 48)?;
    // The next one in order no longer meets the requirements: excluded, the dwelling passes on.
    if let Some((id, _)) = round.next(None)? {
        let command = Command::ExcludeCandidate {
            id,
            cause: ExclusionCause::RequisitiPersi,
            reason: "ISEE in corso di validità superiore al limite in vigore alla verifica".into(),
        };
        round.execute(command, 47)?;
    }
    let unjustified = round.offer(47, None)?;
    round.reply(
        &unjustified,
        OfferReply::RefuseUnjustified,
        "rifiuto senza motivo documentato: preferisce restare nell'alloggio attuale",
        42,
    )?;
    let assigned = round.offer(40, None)?;
    round.reply(&assigned, OfferReply::Accept, "", 34)?;
    round.decree(&assigned, 26)?;
    let warned = round.offer(24, None)?;
    let accepted = round.offer(20, None)?;
    // Past the deadline, the warning not yet sent.
    round.offer(16, None)?;
    round.reply(&accepted, OfferReply::Accept, "", 15)?;
    let justified = round.offer(12, None)?;
    if let Some((id, _)) = warned {
        round.execute(Command::WarnCandidate { id, deadline: None }, 5)?;
    }
    round.reply(
        &justified,
        OfferReply::RefuseJustified,
        "certificato medico: il piano dell'alloggio non è adatto alle condizioni di salute",
        3,
    )?;
    // The refused dwelling goes to the next in order, who still has days to reply.
    round.offer(2, justified.as_ref().map(|(_, code)| code))?;
    Ok(round.summary)
}
