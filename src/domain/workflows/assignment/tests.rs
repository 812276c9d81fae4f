//! The round decided on snapshots built by hand: offers only after the requirements are
//! checked again, to an adequate free dwelling; replies, warnings, exclusions and the decree
//! with their deadlines; and, whatever the order of the steps, a dwelling held by one applicant
//! at a time.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, TimeZone, Utc};

use crate::domain::application::{ApplicationId, State};
use crate::domain::command::{Command, Context, OfferReply, decide};
use crate::domain::error::DomainError;
use crate::domain::event::Event;
use crate::domain::publication::RankingHeader;
use crate::domain::ranking::RankingKind;
use crate::domain::snapshot::{Snapshot, evolve};
use crate::domain::stock::adequacy::tests::dwelling;
use crate::domain::stock::{
    Dwelling, DwellingCode, DwellingState, ExclusionCause, Needs, Placement, Round, Standing,
};
use crate::domain::time::Timestamp;
use crate::domain::workflows::review::tests::application;
use crate::files::call_toml::bando_2024;

fn day(offset: i64) -> Timestamp {
    Utc.with_ymd_and_hms(2025, 9, 1, 10, 0, 0).unwrap() + Duration::days(offset)
}

fn date(offset: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 9, 1).unwrap() + Duration::days(offset)
}

fn code(text: &str) -> DwellingCode {
    DwellingCode::parse(text).unwrap()
}

fn home(text: &str, m2: u32) -> Dwelling {
    let mut d = dwelling(m2, DwellingState::Libero);
    d.code = code(text);
    d.vacant_since = Some(date(-100));
    d
}

/// The round's records, kept as the store keeps them, and the commands run on them.
struct World {
    placements: BTreeMap<ApplicationId, Placement>,
    dwellings: BTreeMap<DwellingCode, Dwelling>,
    round: Option<Round>,
    ranking: Option<RankingHeader>,
    /// The definitive ranking's admitted, for a round about to open.
    order: Vec<ApplicationId>,
}

impl World {
    /// Applicants with these household sizes, in ranking order, ids 1…; and the dwellings.
    fn new(sizes: &[usize], dwellings: Vec<Dwelling>) -> World {
        let round = Round {
            call: "erp-2024".into(),
            ranking: 2,
            opens_on: date(0),
            closes_on: date(30),
            opened_at: day(0),
            opened_by: "mrossi".into(),
            candidates: sizes.len() as u32,
        };
        let placements = sizes
            .iter()
            .enumerate()
            .map(|(i, size)| {
                let id = ApplicationId(i as u64 + 1);
                (
                    id,
                    Placement {
                        call: "erp-2024".into(),
                        position: i as u32 + 1,
                        application: id,
                        protocol: format!("2024/{:06}", i + 1),
                        applicant: format!("Richiedente {}", i + 1),
                        needs: Needs {
                            size: *size,
                            step_free: false,
                        },
                        standing: Standing::InAttesa,
                        refusals: Vec::new(),
                        rechecked_on: None,
                    },
                )
            })
            .collect();
        World {
            placements,
            dwellings: dwellings.into_iter().map(|d| (d.code.clone(), d)).collect(),
            round: Some(round),
            ranking: None,
            order: Vec::new(),
        }
    }

    fn snapshot(&self, id: ApplicationId) -> Snapshot {
        let mut app = application(State::Ammessa);
        app.id = id;
        Snapshot {
            call: bando_2024().ok(),
            application: Some(app),
            placement: self.placements.get(&id).cloned(),
            round: self.round.clone(),
            ranking: self.ranking.clone(),
            dwellings: self.dwellings.clone(),
            round_order: self.order.clone(),
            ..Snapshot::default()
        }
    }

    /// Decides `command` for application `id` on day `at`; on success keeps what it changed.
    fn run(&mut self, id: u64, command: Command, at: i64) -> Result<Vec<Event>, DomainError> {
        let id = ApplicationId(id);
        let mut snapshot = self.snapshot(id);
        let ctx = Context::new("mrossi", day(at));
        let events = decide(&snapshot, &command, &ctx)?;
        for event in &events {
            evolve(&mut snapshot, event)?;
        }
        if let Some(placement) = snapshot.placement {
            self.placements.insert(id, placement);
        }
        self.dwellings = snapshot.dwellings;
        Ok(events)
    }

    fn standing(&self, id: u64) -> &Standing {
        &self.placements[&ApplicationId(id)].standing
    }

    fn state(&self, text: &str) -> DwellingState {
        self.dwellings[&code(text)].state
    }

    fn offer(&mut self, id: u64, dwelling: &str, at: i64) -> Result<Vec<Event>, DomainError> {
        self.run(id, Command::ConfirmRequirements { id: ApplicationId(id) }, at)?;
        self.run(
            id,
            Command::MakeOffer {
                id: ApplicationId(id),
                dwelling: code(dwelling),
                deadline: None,
                out_of_order: None,
            },
            at,
        )
    }

    fn reply(&mut self, id: u64, reply: OfferReply, at: i64) -> Result<Vec<Event>, DomainError> {
        self.run(
            id,
            Command::ReplyToOffer {
                id: ApplicationId(id),
                reply,
                reason: "motivi di salute documentati".into(),
            },
            at,
        )
    }
}

fn refusal(result: Result<Vec<Event>, DomainError>) -> String {
    result.expect_err("refused").to_string()
}

#[test]
fn an_offer_needs_the_requirements_checked_again_that_day_and_an_adequate_free_dwelling() {
    let mut world = World::new(&[2, 5], vec![home("AN-1", 50), home("AN-2", 85)]);
    let offer = |dwelling: &str| Command::MakeOffer {
        id: ApplicationId(1),
        dwelling: code(dwelling),
        deadline: None,
        out_of_order: None,
    };
    let err = refusal(world.run(1, offer("AN-1"), 0));
    assert!(err.contains("verificati di nuovo oggi"), "{err}");
    world
        .run(1, Command::ConfirmRequirements { id: ApplicationId(1) }, 0)
        .unwrap();
    // Checked yesterday is not checked today.
    let err = refusal(world.run(1, offer("AN-1"), 1));
    assert!(err.contains("verificati di nuovo oggi"), "{err}");
    let err = refusal(world.run(1, offer("AN-2"), 0));
    assert!(err.contains("troppo grande"), "{err}");
    let err = refusal(world.run(1, offer("AN-9"), 0));
    assert!(err.contains("non è nell'elenco"), "{err}");

    world.run(1, offer("AN-1"), 0).unwrap();

    assert_eq!(world.state("AN-1"), DwellingState::Proposto);
    let Standing::Proposta { offer } = world.standing(1) else {
        panic!("{:?}", world.standing(1));
    };
    // The call's ten days to reply.
    assert_eq!(offer.deadline, date(10));
    // Nobody else is offered it, and the one offered gets no second offer.
    let err = refusal(world.offer(2, "AN-1", 0));
    assert!(err.contains("proposto"), "{err}");
    let err = refusal(world.offer(1, "AN-2", 0));
    assert!(err.contains("già"), "{err}");
}

#[test]
fn acceptance_then_the_decree_assigns_and_sets_the_term_to_occupy() {
    let mut world = World::new(&[2], vec![home("AN-1", 50)]);
    world.offer(1, "AN-1", 0).unwrap();
    let decree = |on| Command::DecreeAssignment {
        id: ApplicationId(1),
        decree_on: on,
    };
    let err = refusal(world.run(1, decree(date(3)), 3));
    assert!(err.contains("segue l'accettazione"), "{err}");
    world.reply(1, OfferReply::Accept, 2).unwrap();
    let err = refusal(world.run(1, decree(date(1)), 3));
    assert!(err.contains("prima dell'accettazione"), "{err}");

    world.run(1, decree(date(5)), 5).unwrap();

    assert_eq!(
        *world.standing(1),
        Standing::Assegnato {
            dwelling: code("AN-1"),
            decree_on: date(5),
            occupy_by: date(35),
        }
    );
    assert_eq!(world.state("AN-1"), DwellingState::Locato);
    assert_eq!(world.dwellings[&code("AN-1")].vacant_since, None);
    // Past the term, decadenza: the dwelling is free again, vacant from that day.
    let exclude = |cause| Command::ExcludeCandidate {
        id: ApplicationId(1),
        cause,
        reason: "contratto non firmato".into(),
    };
    let err = refusal(world.run(1, exclude(ExclusionCause::MancataOccupazione), 35));
    assert!(err.contains("scade il"), "{err}");
    world
        .run(1, exclude(ExclusionCause::MancataOccupazione), 36)
        .unwrap();
    assert_eq!(world.state("AN-1"), DwellingState::Libero);
    assert_eq!(world.dwellings[&code("AN-1")].vacant_since, Some(date(36)));
}

#[test]
fn a_justified_refusal_keeps_the_place_an_unjustified_one_excludes_both_free_the_dwelling() {
    let mut world = World::new(&[2, 2], vec![home("AN-1", 50), home("AN-2", 52)]);
    world.offer(1, "AN-1", 0).unwrap();
    let err = refusal(world.run(
        1,
        Command::ReplyToOffer {
            id: ApplicationId(1),
            reply: OfferReply::RefuseJustified,
            reason: " ".into(),
        },
        1,
    ));
    assert_eq!(err, DomainError::MissingReason.to_string());
    world.reply(1, OfferReply::RefuseJustified, 1).unwrap();
    assert_eq!(*world.standing(1), Standing::InAttesa);
    assert_eq!(world.state("AN-1"), DwellingState::Libero);
    // Never offered again the dwelling refused; another one, yes.
    let err = refusal(world.offer(1, "AN-1", 2));
    assert!(err.contains("già rifiutato"), "{err}");
    world.offer(1, "AN-2", 2).unwrap();

    world.offer(2, "AN-1", 2).unwrap();
    world.reply(2, OfferReply::RefuseUnjustified, 3).unwrap();
    assert!(matches!(
        world.standing(2),
        Standing::Escluso {
            cause: ExclusionCause::RifiutoIngiustificato,
            ..
        }
    ));
    assert_eq!(world.state("AN-1"), DwellingState::Libero);
}

#[test]
fn no_reply_by_the_deadline_then_a_warning_then_exclusion_each_only_when_due() {
    let mut world = World::new(&[2], vec![home("AN-1", 50)]);
    world.offer(1, "AN-1", 0).unwrap();
    let warn = Command::WarnCandidate {
        id: ApplicationId(1),
        deadline: None,
    };
    let exclude = Command::ExcludeCandidate {
        id: ApplicationId(1),
        cause: ExclusionCause::MancataRisposta,
        reason: "nessuna risposta alla diffida".into(),
    };
    let err = refusal(world.run(1, warn.clone(), 10));
    assert!(err.contains("la diffida viene dopo"), "{err}");
    let err = refusal(world.run(1, exclude.clone(), 11));
    assert!(err.contains("segue una diffida"), "{err}");
    assert!(world.placements[&ApplicationId(1)].is_overdue(date(11)));

    world.run(1, warn.clone(), 11).unwrap();
    let Standing::Diffidato { deadline, .. } = world.standing(1) else {
        panic!("{:?}", world.standing(1));
    };
    assert_eq!(*deadline, date(21));
    let err = refusal(world.run(1, warn, 12));
    assert!(err.contains("già diffidato"), "{err}");
    let err = refusal(world.run(1, exclude.clone(), 21));
    assert!(err.contains("scade il"), "{err}");

    world.run(1, exclude, 22).unwrap();

    assert!(matches!(
        world.standing(1),
        Standing::Escluso {
            cause: ExclusionCause::MancataRisposta,
            ..
        }
    ));
    assert_eq!(world.state("AN-1"), DwellingState::Libero);
    // A reply after the warning, before the exclusion, still counts.
    let mut late = World::new(&[2], vec![home("AN-1", 50)]);
    late.offer(1, "AN-1", 0).unwrap();
    late.run(
        1,
        Command::WarnCandidate {
            id: ApplicationId(1),
            deadline: None,
        },
        11,
    )
    .unwrap();
    late.reply(1, OfferReply::Accept, 15).unwrap();
    assert!(matches!(late.standing(1), Standing::Accettato { .. }));
}

#[test]
fn requirements_lost_exclude_with_a_reason_and_the_round_opens_only_on_a_definitive_ranking() {
    let mut world = World::new(&[2], vec![home("AN-1", 50)]);
    let exclude = |reason: &str| Command::ExcludeCandidate {
        id: ApplicationId(1),
        cause: ExclusionCause::RequisitiPersi,
        reason: reason.into(),
    };
    assert_eq!(
        world.run(1, exclude(""), 0).unwrap_err(),
        DomainError::MissingReason
    );
    world.run(1, exclude("ISEE 2025 oltre il limite"), 0).unwrap();
    let err = refusal(world.offer(1, "AN-1", 0));
    assert!(err.contains("escluso"), "{err}");

    let open = Command::OpenAssignment {
        call: "erp-2024".into(),
        opens_on: date(0),
        closes_on: date(30),
    };
    let mut fresh = World::new(&[], vec![]);
    fresh.round = None;
    let err = refusal(fresh.run(1, open.clone(), 0));
    assert!(err.contains("graduatoria definitiva"), "{err}");
    let header = |kind| RankingHeader {
        call: "erp-2024".into(),
        number: 2,
        kind,
        published_at: day(-20),
        by: "mrossi".into(),
        ruleset: "esempio".into(),
        objection_deadline: None,
        draw: None,
        pending: 0,
        admitted: 3,
        excluded: 1,
        digest: String::new(),
    };
    fresh.ranking = Some(header(RankingKind::Provvisoria));
    assert!(fresh.run(1, open.clone(), 0).is_err());
    fresh.ranking = Some(header(RankingKind::Definitiva));
    let err = refusal(fresh.run(1, open.clone(), 0));
    assert!(err.contains("nessun ammesso"), "{err}");
    fresh.order = vec![ApplicationId(4), ApplicationId(2), ApplicationId(9)];
    let events = fresh.run(1, open.clone(), 0).unwrap();
    assert_eq!(events.len(), 1);
    let mut snapshot = fresh.snapshot(ApplicationId(1));
    evolve(&mut snapshot, &events[0]).unwrap();
    assert_eq!(snapshot.round.as_ref().map(|r| r.candidates), Some(3));
    fresh.round = snapshot.round;
    let err = refusal(fresh.run(1, open, 0));
    assert!(err.contains("già aperta"), "{err}");
}

/// One step of a random round.
#[derive(Debug, Clone)]
enum Step {
    Offer(u64, usize),
    Reply(u64, u8),
    Warn(u64),
    Exclude(u64, u8),
    Decree(u64),
    Wait(i64),
}

fn step() -> impl proptest::strategy::Strategy<Value = Step> {
    use proptest::prelude::*;
    prop_oneof![
        (1u64..=5, 0usize..4).prop_map(|(a, d)| Step::Offer(a, d)),
        (1u64..=5, 0u8..3).prop_map(|(a, r)| Step::Reply(a, r)),
        (1u64..=5).prop_map(Step::Warn),
        (1u64..=5, 0u8..3).prop_map(|(a, c)| Step::Exclude(a, c)),
        (1u64..=5).prop_map(Step::Decree),
        (1i64..15).prop_map(Step::Wait),
    ]
}

proptest::proptest! {
    /// Whatever the caseworkers try in whatever order, a dwelling is held by one applicant at
    /// most, in the state holding gives it, and a free dwelling is held by nobody.
    #[test]
    fn a_dwelling_is_never_offered_to_two_applicants_at_once(
        steps in proptest::collection::vec(step(), 1..60)
    ) {
        let codes = ["AN-1", "AN-2", "AN-3", "AN-4"];
        let mut world = World::new(
            &[1, 2, 2, 3, 4],
            vec![home(codes[0], 40), home(codes[1], 50), home(codes[2], 60), home(codes[3], 66)],
        );
        let mut today = 0;
        for step in steps {
            let _ = match step {
                Step::Offer(a, d) => world.offer(a, codes[d], today),
                Step::Reply(a, r) => world.reply(
                    a,
                    [OfferReply::Accept, OfferReply::RefuseJustified, OfferReply::RefuseUnjustified][usize::from(r)],
                    today,
                ),
                Step::Warn(a) => world.run(a, Command::WarnCandidate { id: ApplicationId(a), deadline: None }, today),
                Step::Exclude(a, c) => world.run(
                    a,
                    Command::ExcludeCandidate {
                        id: ApplicationId(a),
                        cause: [ExclusionCause::RequisitiPersi, ExclusionCause::MancataRisposta, ExclusionCause::MancataOccupazione][usize::from(c)],
                        reason: "motivo".into(),
                    },
                    today,
                ),
                Step::Decree(a) => world.run(a, Command::DecreeAssignment { id: ApplicationId(a), decree_on: date(today) }, today),
                Step::Wait(days) => {
                    today += days;
                    Ok(Vec::new())
                }
            };
            for code in codes {
                let holders: Vec<&Placement> = world
                    .placements
                    .values()
                    .filter(|p| p.dwelling().is_some_and(|d| d.as_str() == code))
                    .collect();
                proptest::prop_assert!(holders.len() <= 1, "{code} held by {holders:?}");
                let state = world.state(code);
                match holders.first().map(|p| &p.standing) {
                    None => proptest::prop_assert_eq!(state, DwellingState::Libero),
                    Some(Standing::Assegnato { .. }) => proptest::prop_assert_eq!(state, DwellingState::Locato),
                    Some(_) => proptest::prop_assert_eq!(state, DwellingState::Proposto),
                }
            }
        }
    }
}
