//! Rankings in the store, on a real database reopened where it matters: the point table, the
//! publication of frozen, numbered versions (rows, header, draw by lot, one IO message per
//! applicant, audit entries), objections and adjustments and what they may not touch, the
//! definitive ranking and what it closes, the replay of a draw, backups and the integrity
//! check. Every database lives in its own temporary directory.

use crate::common;

use std::path::Path;
use std::sync::OnceLock;

use alloggi::domain::application::ExclusionReason;
use alloggi::domain::household::{Condition, Member, Relation};
use alloggi::domain::money::Money;
use alloggi::domain::objection::Adjustment;
use alloggi::domain::points::Points;
use alloggi::domain::publication::RankingHeader;
use alloggi::domain::ranking::{Lot, RankRow, RankingKind, Settled, draw_lots};
use alloggi::domain::ruleset::{Ruleset, TieBreak};
use alloggi::domain::time::Timestamp;
use alloggi::domain::verification::{CheckItem, Requirement};
use alloggi::domain::{ApplicationId, Command, Context, DomainError, EventKind, State};
use alloggi::messages::outbox::{Compose, Draft, OutboxEntry, OutboxTab, Subject};
use alloggi::messages::{Catalogue, ComuneConfig, Order, Values};
use alloggi::store::{Published, SCHEMA_VERSION, Store, StoreError};
use common::*;

const CODE: &str = "erp-2024";
/// The seed every publication of these tests draws with.
const SEED: u64 = 0x5EED_2024;

/// Tree names as they stand on disk (schema 5), written out so that a rename is caught.
const RANKINGS: &str = "rankings";
const RANKING_ROWS: &str = "ranking_rows";

const A1: ApplicationId = ApplicationId(1);
const A2: ApplicationId = ApplicationId(2);
const A3: ApplicationId = ApplicationId(3);
const A4: ApplicationId = ApplicationId(4);
const A5: ApplicationId = ApplicationId(5);
const A6: ApplicationId = ApplicationId(6);
const A7: ApplicationId = ApplicationId(7);
const A8: ApplicationId = ApplicationId(8);
const A9: ApplicationId = ApplicationId(9);

const ADMITTED: [ApplicationId; 6] = [A1, A2, A3, A4, A5, A6];
const EXCLUDED: [ApplicationId; 2] = [A7, A8];
const IN_REVIEW: ApplicationId = A9;

// ---- the scenario --------------------------------------------------------------------------

/// What becomes of an application in the scenario.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fate {
    Admit,
    Exclude,
    Review,
}

struct Case {
    person: Member,
    /// ISEE in cents.
    isee: u64,
    years: u8,
    conditions: Vec<Condition>,
    /// Documents attached beyond the two required ones.
    documents: Vec<&'static str>,
    verify: Vec<CheckItem>,
    fate: Fate,
}

fn single(surname: &str, name: &str, birth: (i32, u32, u32), female: bool) -> Member {
    member(
        surname,
        name,
        date(birth.0, birth.1, birth.2),
        female,
        Relation::Richiedente,
    )
}

const ISEE: CheckItem = CheckItem::Requisito(Requirement::Isee);
const RESIDENCE: CheckItem = CheckItem::Requisito(Requirement::ResidenzaOLavoro);

/// Nine applicants, one person each, ids 1..=9 in this order. Under the example table, at the
/// reference date 14/11/2024:
///
/// | id | ISEE     | years | extra                        | total |
/// |----|----------|-------|------------------------------|-------|
/// | 1  | 3.000,00 | 6     | alloggio improprio verified  | 5+3+4 = 12 |
/// | 2  | 5.000,00 | 10    | ordine rilascio NOT verified | 4+5 = 9 |
/// | 3  | 8.000,00 | 6     | 34 years old (≤ 35)          | 2+3+1 = 6 |
/// | 4  | 8.000,00 | 6     |                              | 2+3 = 5 |
/// | 5  | 8.000,00 | 6     | 29 years old (≤ 35)          | 2+3+1 = 6 |
/// | 6  | 8.000,00 | 6     | nothing verified             | 0 |
/// | 7, 8 excluded; 9 left in review.
///
/// 3 and 5 are equal on the total, the ISEE and the objective points; their protocols have
/// the same day and differ only by number.
fn cases() -> Vec<Case> {
    let case = |person, isee, years, fate| Case {
        person,
        isee,
        years,
        conditions: Vec::new(),
        documents: Vec::new(),
        verify: vec![ISEE, RESIDENCE],
        fate,
    };
    vec![
        Case {
            conditions: vec![Condition::AlloggioImproprio],
            documents: vec!["condizione_alloggio"],
            verify: vec![
                ISEE,
                RESIDENCE,
                CheckItem::Condizione(Condition::AlloggioImproprio),
            ],
            ..case(applicant(), 300_000, 6, Fate::Admit)
        },
        Case {
            conditions: vec![Condition::OrdineRilascio],
            documents: vec!["ordine_rilascio"],
            ..case(other_applicant(), 500_000, 10, Fate::Admit)
        },
        case(
            single("Bruni", "Carla", (1990, 5, 6), true),
            800_000,
            6,
            Fate::Admit,
        ),
        case(
            single("Conti", "Paolo", (1968, 2, 11), false),
            800_000,
            6,
            Fate::Admit,
        ),
        case(
            single("Galli", "Sara", (1995, 9, 23), true),
            800_000,
            6,
            Fate::Admit,
        ),
        // Admission verifies every requirement: a short residence keeps Ferri behind Conti.
        Case {
            verify: Vec::new(),
            ..case(
                single("Ferri", "Luigi", (1960, 4, 2), false),
                800_000,
                1,
                Fate::Admit,
            )
        },
        case(
            single("Marini", "Elena", (1985, 8, 14), true),
            800_000,
            6,
            Fate::Exclude,
        ),
        case(
            single("Costa", "Bruno", (1970, 1, 9), false),
            800_000,
            6,
            Fate::Exclude,
        ),
        case(
            single("Greco", "Anna", (1988, 12, 1), true),
            800_000,
            6,
            Fate::Review,
        ),
    ]
}

/// The example table, as shipped.
fn example() -> Ruleset {
    alloggi::files::ruleset_toml::esempio_marche().expect("the shipped example table is valid")
}

/// The example table whose chain stops at the ISEE: 3 and 5 are left to the lot.
fn isee_only() -> Ruleset {
    Ruleset {
        tie_breaks: vec![TieBreak::IseeMinore],
        ..example()
    }
}

/// The call, the example table then the ISEE-only chain, and the nine applications driven
/// through the commands (all at `office_time()`, so every protocol is of the same day).
fn seed(store: &Store) {
    run(store, Command::SaveCall(Box::new(call())));
    run(
        store,
        Command::SaveRuleset {
            call: CODE.to_string(),
            ruleset: Box::new(example()),
        },
    );
    for case in cases() {
        let mut new = new_application(household(vec![case.person.clone()]));
        new.declaration.isee = Money::from_cents(case.isee);
        new.declaration.residence_years = case.years;
        new.declaration.conditions = case.conditions.iter().copied().collect();
        new.documents
            .extend(case.documents.iter().map(|d| d.to_string()));
        let events = run(store, Command::ReceiveApplication(Box::new(new)));
        let id = events[0].application_id().expect("received");
        run(store, register(id));
        run(store, Command::StartReview { id });
        for item in &case.verify {
            run(
                store,
                Command::Verify {
                    id,
                    item: *item,
                    verified: true,
                    note: String::new(),
                },
            );
        }
        match case.fate {
            Fate::Admit => admit(store, id),
            Fate::Exclude => {
                run(
                    store,
                    Command::Exclude {
                        id,
                        reason: ExclusionReason::RequisitoMancante,
                        note: "residenza non dimostrata".to_string(),
                    },
                );
            }
            Fate::Review => {}
        }
    }
    // With the default chain the protocol number separates 3 and 5: no draw would be needed.
    let live = store.live_ranking(CODE, Lot::Pending).expect("live");
    assert!(live.ranking.unresolved.is_empty(), "{:?}", live.ranking);
    run(
        store,
        Command::SaveRuleset {
            call: CODE.to_string(),
            ruleset: Box::new(isee_only()),
        },
    );
}

fn config() -> &'static ComuneConfig {
    static CONFIG: OnceLock<ComuneConfig> = OnceLock::new();
    CONFIG.get_or_init(ComuneConfig::example)
}

fn order(kind: RankingKind) -> Order<'static> {
    Order {
        template: Catalogue::builtin()
            .get(alloggi::messages::ranking_template(kind))
            .expect("template"),
        config: config(),
        typed: Values::new(),
        recipient: None,
    }
}

/// A message that can never be composed.
struct Refusing;

impl Compose for Refusing {
    fn compose(&self, _: &Subject<'_>) -> Result<Draft, String> {
        Err("valore «prova» mancante".to_string())
    }
}

/// Rome time 10:00 on 10/12/2024: the provisional ranking. Objections until 09/01/2025.
fn published_at() -> Timestamp {
    ts(2024, 12, 10, 9, 0, 0)
}

/// Rome time 10:00 on the given day of the objection window and after.
fn at(y: i32, m: u32, d: u32) -> Context {
    ctx_at(ts(y, m, d, 9, 0, 0))
}

fn publish(store: &Store, kind: RankingKind, ctx: &Context) -> Published {
    store
        .publish_ranking(CODE, kind, SEED, ctx, &order(kind))
        .unwrap_or_else(|e| panic!("publication refused: {e}"))
}

fn publish_refused(store: &Store, kind: RankingKind, ctx: &Context) -> String {
    match store.publish_ranking(CODE, kind, SEED, ctx, &order(kind)) {
        Ok(p) => panic!("publication accepted: {:?}", p.header),
        Err(e) => e.to_string(),
    }
}

/// The first provisional version, published at `published_at()`.
fn seeded_and_published(dir: &Path) -> Store {
    let store = open(dir);
    seed(&store);
    publish(&store, RankingKind::Provvisoria, &ctx_at(published_at()));
    store
}

fn refused(store: &Store, command: Command, ctx: &Context) -> StoreError {
    match store.execute(&command, ctx) {
        Ok(events) => panic!("{command:?} accepted: {events:?}"),
        Err(e) => e,
    }
}

/// The reason of a refusal, which must be the domain's.
fn refusal(store: &Store, command: Command, ctx: &Context) -> String {
    let before = store.audit_len();
    let error = refused(store, command, ctx);
    assert!(
        matches!(error, StoreError::Domain(_)),
        "not a domain refusal: {error:?}"
    );
    assert_eq!(store.audit_len(), before, "a refusal writes nothing");
    error.to_string()
}

fn objection(id: ApplicationId, received_on: chrono::NaiveDate) -> Command {
    Command::FileObjection {
        id,
        received_on,
        text: "chiede il riesame del punteggio".to_string(),
    }
}

fn decide(id: ApplicationId, index: usize, accepted: bool, reason: &str) -> Command {
    Command::DecideObjection {
        id,
        index,
        accepted,
        reason: reason.to_string(),
    }
}

fn adjust(id: ApplicationId, criterion: &str, points: Option<i64>, reason: &str) -> Command {
    Command::AdjustScore {
        id,
        adjustment: Adjustment::Override {
            criterion: criterion.to_string(),
            points: points.map(Points::whole),
        },
        reason: reason.to_string(),
    }
}

fn version(store: &Store, number: u32) -> (RankingHeader, Vec<RankRow>) {
    store
        .ranking_version(CODE, number)
        .expect("read")
        .unwrap_or_else(|| panic!("version {number} missing"))
}

fn backup(store: &Store) -> Vec<u8> {
    let mut out = Vec::new();
    store.export(&mut out).expect("export");
    out
}

/// The backup lines of the published rankings, as written.
fn ranking_lines(backup: &[u8]) -> Vec<String> {
    String::from_utf8(backup.to_vec())
        .expect("utf-8")
        .lines()
        .filter(|l| l.starts_with("{\"ranking\":") || l.starts_with("{\"ranking_rows\":"))
        .map(str::to_string)
        .collect()
}

fn kinds_after(store: &Store, from: usize) -> Vec<&'static str> {
    store
        .audit_events(from as u64 + 1, 10_000)
        .expect("audit")
        .into_iter()
        .map(|(_, e)| e.kind_name())
        .collect()
}

fn queued(store: &Store) -> Vec<OutboxEntry> {
    store
        .outbox_page(OutboxTab::Queued, None, 1000)
        .expect("outbox")
}

/// Applications each queued message of `template` is about, sorted.
fn messaged(store: &Store, template: &str) -> Vec<ApplicationId> {
    let mut ids: Vec<ApplicationId> = queued(store)
        .into_iter()
        .filter(|e| e.template == template)
        .map(|e| {
            e.application
                .expect("a ranking message names its application")
        })
        .collect();
    ids.sort();
    ids
}

fn assert_clean(store: &Store) {
    let report = store.check().expect("check");
    assert!(report.is_ok(), "{:?}", report.problems);
    assert!(store.verify_audit().unwrap().first_broken.is_none());
}

fn ids(rows: &[RankRow]) -> Vec<ApplicationId> {
    rows.iter().map(|r| r.application).collect()
}

fn row(rows: &[RankRow], id: ApplicationId) -> &RankRow {
    rows.iter()
        .find(|r| r.application == id)
        .unwrap_or_else(|| panic!("{id} not in the rows"))
}

// ---- schema and point table ----------------------------------------------------------------

#[test]
fn a_new_database_is_at_schema_5() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    assert_eq!(SCHEMA_VERSION, 5);
    assert_eq!(store.schema_version().unwrap(), 5);
    drop(store);
    assert_eq!(open(dir.path()).schema_version().unwrap(), 5);
}

#[test]
fn the_point_table_is_saved_checked_and_needed_to_publish() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    run(&store, Command::SaveCall(Box::new(call())));
    assert!(store.ruleset(CODE).unwrap().is_none());

    // No table: no live order, no publication.
    let message = store
        .live_ranking(CODE, Lot::Pending)
        .expect_err("no table")
        .to_string();
    assert!(message.contains("tabella dei punteggi"), "{message}");
    let message = publish_refused(&store, RankingKind::Provvisoria, &ctx());
    assert!(message.contains("tabella dei punteggi"), "{message}");

    let before = store.audit_len();
    run(
        &store,
        Command::SaveRuleset {
            call: CODE.to_string(),
            ruleset: Box::new(example()),
        },
    );
    assert_eq!(kinds_after(&store, before), ["regole_punteggio_salvate"]);

    // The same table again changes nothing; a broken one is refused; an unknown call too.
    let same = refusal(
        &store,
        Command::SaveRuleset {
            call: CODE.to_string(),
            ruleset: Box::new(example()),
        },
        &ctx(),
    );
    assert!(same.contains("uguale"), "{same}");
    let mut broken = example();
    broken.tie_breaks = vec![TieBreak::IseeMinore, TieBreak::IseeMinore];
    let broken = refusal(
        &store,
        Command::SaveRuleset {
            call: CODE.to_string(),
            ruleset: Box::new(broken),
        },
        &ctx(),
    );
    assert!(broken.contains("ripetuto"), "{broken}");
    let unknown = refusal(
        &store,
        Command::SaveRuleset {
            call: "bando-inesistente".to_string(),
            ruleset: Box::new(example()),
        },
        &ctx(),
    );
    assert!(unknown.contains("bando-inesistente"), "{unknown}");

    // A table but nobody admitted: still nothing to publish.
    let message = publish_refused(&store, RankingKind::Provvisoria, &ctx());
    assert!(message.contains("nessuna domanda ammessa"), "{message}");
    assert!(store.ranking_versions(CODE).unwrap().is_empty());

    drop(store);
    let store = open(dir.path());
    assert_eq!(store.ruleset(CODE).unwrap(), Some(example()));
    assert_clean(&store);
}

// ---- publication ---------------------------------------------------------------------------

#[test]
fn a_provisional_ranking_is_numbered_ordered_drawn_told_and_audited_in_one_go() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    seed(&store);
    assert!(store.ranking_versions(CODE).unwrap().is_empty());
    let audit_before = store.audit_len();
    let outbox_before = queued(&store).len();

    let published = publish(&store, RankingKind::Provvisoria, &ctx_at(published_at()));
    assert_eq!(published.duplicates, 0);
    assert_eq!(published.queued.len(), 8);

    let header = &published.header;
    assert_eq!(header.call, CODE);
    assert_eq!(header.number, 1);
    assert_eq!(header.kind, RankingKind::Provvisoria);
    assert_eq!(header.published_at, published_at());
    assert_eq!(header.by, ACTOR);
    assert_eq!(header.ruleset, example().name);
    assert_eq!(header.objection_deadline, Some(date(2025, 1, 9)));
    assert_eq!(
        (header.admitted, header.excluded, header.pending),
        (6, 2, 1)
    );

    // The draw: 3 and 5, equal on everything the chain looks at, with the seed given.
    let draw = header.draw.clone().expect("a draw was needed");
    assert_eq!(draw.seed, SEED);
    assert_eq!(draw.groups.len(), 1);
    let mut group = draw.groups[0].clone();
    group.sort();
    assert_eq!(group, [A3, A5]);

    // Rows: the admitted by score, the drawn pair in the drawn order, then the excluded.
    let (stored, rows) = version(&store, 1);
    assert_eq!(&stored, header);
    let drawn = &draw.groups[0];
    assert_eq!(ids(&rows), [A1, A2, drawn[0], drawn[1], A4, A6, A7, A8]);
    let positions: Vec<Option<u32>> = rows.iter().map(|r| r.position).collect();
    assert_eq!(
        positions,
        [
            Some(1),
            Some(2),
            Some(3),
            Some(4),
            Some(5),
            Some(6),
            None,
            None
        ]
    );
    let totals: Vec<Points> = rows.iter().map(|r| r.total).collect();
    assert_eq!(
        totals,
        [1200, 900, 600, 600, 500, 250, 0, 0].map(Points).to_vec(),
        "{rows:#?}"
    );
    assert!(rows[..6].iter().all(|r| r.admitted));
    assert!(rows[6..].iter().all(|r| !r.admitted));
    for r in &rows[2..4] {
        assert!(r.tied, "{r:?}");
        assert_eq!(r.settled, Some(Settled::Lot), "{r:?}");
    }
    for r in rows[..2].iter().chain(&rows[4..]) {
        assert!(!r.tied, "{r:?}");
        assert_eq!(r.settled, None, "{r:?}");
    }
    assert_eq!(row(&rows, A1).subjective, Points::whole(8));
    assert_eq!(row(&rows, A1).objective, Points::whole(4));
    assert_eq!(row(&rows, A1).protocol, "2024/000001");
    assert_eq!(row(&rows, A1).applicant, "Rossi Mario");
    assert_eq!(row(&rows, A1).fiscal_code, applicant().fiscal_code.as_str());
    assert!(
        row(&rows, A1)
            .criteria
            .contains(&("alloggio_improprio".to_string(), Points::whole(4))),
        "{:?}",
        row(&rows, A1).criteria
    );
    // Declared but not verified: the order of release does not score.
    assert!(
        row(&rows, A2)
            .criteria
            .iter()
            .all(|(c, _)| c != "ordine_rilascio")
    );
    assert!(!ids(&rows).contains(&IN_REVIEW));

    // One message per applicant in the rows, none for the one in review.
    assert_eq!(queued(&store).len(), outbox_before + 8);
    let mut expected: Vec<ApplicationId> = ADMITTED.iter().chain(&EXCLUDED).copied().collect();
    expected.sort();
    assert_eq!(messaged(&store, "graduatoria_provvisoria"), expected);

    // The audit: the publication, the draw, then the messages, nothing else.
    let kinds = kinds_after(&store, audit_before);
    assert_eq!(
        kinds[..2],
        ["graduatoria_pubblicata", "sorteggio_effettuato"]
    );
    assert_eq!(kinds[2..], ["messaggio_accodato"; 8]);
    let events = store.audit_events(audit_before as u64 + 1, 2).unwrap();
    match &events[0].1.kind {
        EventKind::RankingPublished {
            call,
            number,
            kind,
            admitted,
            excluded,
            digest,
        } => {
            assert_eq!(
                (call.as_str(), *number, *kind, *admitted, *excluded),
                (CODE, 1, RankingKind::Provvisoria, 6, 2)
            );
            assert_eq!(digest, &header.digest);
        }
        other => panic!("{other:?}"),
    }
    match &events[1].1.kind {
        EventKind::LotsDrawn {
            number,
            seed,
            groups,
            ..
        } => assert_eq!((*number, *seed, groups), (1, SEED, &draw.groups)),
        other => panic!("{other:?}"),
    }
    assert_clean(&store);

    // Reopened: the same version, the same rows, the same list.
    drop(store);
    let store = open(dir.path());
    assert_eq!(version(&store, 1), (header.clone(), rows));
    assert_eq!(
        store.ranking_versions(CODE).unwrap(),
        std::slice::from_ref(header)
    );
    assert!(store.ranking_version(CODE, 2).unwrap().is_none());
    assert_clean(&store);
}

#[test]
fn a_ranking_whose_messages_cannot_be_composed_is_not_published() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    seed(&store);
    let audit_before = store.audit_len();
    let outbox_before = queued(&store).len();

    let refused = store
        .publish_ranking(
            CODE,
            RankingKind::Provvisoria,
            SEED,
            &ctx_at(published_at()),
            &Refusing,
        )
        .expect_err("a publication that cannot tell everyone is refused");

    let alloggi::store::StoreError::NotComposed(unsent) = &refused else {
        panic!("{refused:?}");
    };
    assert_eq!(unsent.total, 8, "every applicant in the order");
    assert!(
        unsent
            .first
            .iter()
            .all(|(_, reason)| reason.contains("prova"))
    );
    assert!(refused.to_string().contains("nulla è stato pubblicato"));
    assert_eq!(queued(&store).len(), outbox_before);
    assert_eq!(store.audit_len(), audit_before);
    drop(store);
    let store = open(dir.path());
    assert!(store.ranking_versions(CODE).unwrap().is_empty());
    assert_clean(&store);
}

#[test]
fn a_published_version_is_unchanged_by_later_adjustments_objections_and_verifications() {
    let dir = tempfile::tempdir().unwrap();
    let store = seeded_and_published(dir.path());
    let (header, rows) = version(&store, 1);
    let rows_json = serde_json::to_vec(&rows).unwrap();
    let header_json = serde_json::to_vec(&header).unwrap();
    let lines_before = ranking_lines(&backup(&store));
    assert_eq!(lines_before.len(), 2);
    let live_before = store.live_ranking(CODE, Lot::Draw { seed: SEED }).unwrap();
    assert_eq!(live_before.rows, rows, "nothing changed yet");
    assert_eq!(row(&rows, A4).position, Some(5));

    // After publication: an objection accepted, an adjustment, a verification.
    let during = at(2024, 12, 12);
    run_at(&store, objection(A4, date(2024, 12, 11)), &during);
    run_at(&store, decide(A4, 0, true, "residenza dal 2004"), &during);
    run_at(
        &store,
        adjust(A4, "residenza", Some(8), "certificato anagrafico: 20 anni"),
        &during,
    );
    run_at(
        &store,
        Command::Verify {
            id: A2,
            item: CheckItem::Condizione(Condition::OrdineRilascio),
            verified: true,
            note: String::new(),
        },
        &during,
    );
    run_at(
        &store,
        Command::AdjustScore {
            id: A1,
            adjustment: Adjustment::Condition {
                condition: Condition::AlloggioImproprio,
                present: false,
            },
            reason: "sopralluogo: alloggio regolare".to_string(),
        },
        &during,
    );

    // Reopened: the version is as published, byte for byte.
    drop(store);
    let store = open(dir.path());
    let (header_after, rows_after) = version(&store, 1);
    assert_eq!(serde_json::to_vec(&rows_after).unwrap(), rows_json);
    assert_eq!(serde_json::to_vec(&header_after).unwrap(), header_json);
    assert_eq!(ranking_lines(&backup(&store)), lines_before);
    assert_eq!(store.ranking_versions(CODE).unwrap(), [header]);
    assert_clean(&store);

    // The live order moved: 4 now scores 2 + 8, 2 gained the order of release, 1 lost 4.
    let live = store.live_ranking(CODE, Lot::Pending).unwrap();
    assert_ne!(live.rows, rows);
    assert_eq!(row(&live.rows, A4).total, Points::whole(10));
    assert_eq!(row(&live.rows, A2).total, Points::whole(12));
    assert_eq!(row(&live.rows, A1).total, Points::whole(8));
    assert_eq!(ids(&live.rows)[..3], [A2, A4, A1]);
    assert_eq!(row(&live.rows, A4).position, Some(2));
    // The frozen rows still say what was published.
    assert_eq!(row(&rows_after, A4).total, Points::whole(5));
    assert_eq!(row(&rows_after, A4).position, Some(5));
}

fn run_at(store: &Store, command: Command, ctx: &Context) {
    store
        .execute(&command, ctx)
        .unwrap_or_else(|e| panic!("{command:?} refused: {e}"));
}

// ---- versions, definitive ------------------------------------------------------------------

#[test]
fn later_versions_are_new_numbers_and_the_definitive_one_waits_for_the_window_and_decisions() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    seed(&store);

    // Definitive before any provisional: refused.
    let message = publish_refused(&store, RankingKind::Definitiva, &at(2025, 3, 1));
    assert!(message.contains("provvisoria"), "{message}");

    publish(&store, RankingKind::Provvisoria, &ctx_at(published_at()));
    let first = version(&store, 1);
    run_at(&store, objection(A2, date(2024, 12, 11)), &at(2024, 12, 12));
    run_at(
        &store,
        adjust(A4, "residenza", Some(8), "certificato anagrafico"),
        &at(2024, 12, 12),
    );

    // A second provisional version: number 2, its own deadline, the first untouched.
    let second = publish(&store, RankingKind::Provvisoria, &at(2024, 12, 20));
    assert_eq!(second.header.number, 2);
    // Every applicant is accounted for: told again, or found already told. The provisional
    // message names no version, so today all eight count as already told and version 2
    // reaches nobody.
    assert_eq!(second.queued.len() + second.duplicates, 8);
    assert_eq!(second.header.objection_deadline, Some(date(2025, 1, 19)));
    assert_eq!(row(&version(&store, 2).1, A4).total, Points::whole(10));
    assert_eq!(version(&store, 1), first);
    let numbers: Vec<u32> = store
        .ranking_versions(CODE)
        .unwrap()
        .iter()
        .map(|v| v.number)
        .collect();
    assert_eq!(numbers, [1, 2]);

    // Definitive: not while the window of the latest provisional is open (its last day too)…
    let audit_before = store.audit_len();
    for day in [at(2025, 1, 15), at(2025, 1, 19)] {
        let message = publish_refused(&store, RankingKind::Definitiva, &day);
        assert!(message.contains("19/01/2025"), "{message}");
    }
    // …nor while an objection is open…
    let message = publish_refused(&store, RankingKind::Definitiva, &at(2025, 1, 25));
    assert!(
        message.contains("opposizioni ancora da decidere"),
        "{message}"
    );
    assert_eq!(store.audit_len(), audit_before, "a refusal writes nothing");
    assert_eq!(store.ranking_versions(CODE).unwrap().len(), 2);

    // …but after the deadline with every objection decided.
    run_at(
        &store,
        decide(A2, 0, false, "la condizione è già valutata"),
        &at(2025, 1, 25),
    );
    let outbox_before = queued(&store).len();
    let definitive = publish(&store, RankingKind::Definitiva, &at(2025, 1, 25));
    assert_eq!(definitive.header.number, 3);
    assert_eq!(definitive.header.kind, RankingKind::Definitiva);
    assert_eq!(definitive.header.objection_deadline, None);
    assert_eq!(definitive.queued.len(), 8);
    assert_eq!(queued(&store).len(), outbox_before + 8);
    let mut expected: Vec<ApplicationId> = ADMITTED.iter().chain(&EXCLUDED).copied().collect();
    expected.sort();
    assert_eq!(messaged(&store, "graduatoria_definitiva"), expected);

    // Once definitive: no more versions, no more objections or decisions.
    drop(store);
    let store = open(dir.path());
    for kind in [RankingKind::Provvisoria, RankingKind::Definitiva] {
        let message = publish_refused(&store, kind, &at(2025, 2, 1));
        assert!(message.contains("definitiva è già pubblicata"), "{message}");
    }
    let message = refusal(&store, objection(A1, date(2025, 1, 26)), &at(2025, 1, 26));
    assert!(message.contains("definitiva è già pubblicata"), "{message}");
    assert_eq!(store.ranking_versions(CODE).unwrap().len(), 3);
    assert_eq!(version(&store, 1), first);
    assert_clean(&store);
}

// ---- objections ----------------------------------------------------------------------------

#[test]
fn objections_are_received_in_the_window_from_ranked_applications_one_open_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    seed(&store);

    // Before any publication.
    let message = refusal(&store, objection(A1, date(2024, 12, 2)), &ctx());
    assert!(
        message.contains("nessuna graduatoria pubblicata"),
        "{message}"
    );

    publish(&store, RankingKind::Provvisoria, &ctx_at(published_at()));
    let late = at(2025, 1, 11);
    // Received before the publication, after the deadline, or in the future.
    for (received, now) in [
        (date(2024, 12, 9), at(2024, 12, 12)),
        (date(2025, 1, 10), late.clone()),
    ] {
        let message = refusal(&store, objection(A1, received), &now);
        assert!(message.contains("fuori termine"), "{message}");
        assert!(message.contains("09/01/2025"), "{message}");
    }
    let message = refusal(&store, objection(A1, date(2024, 12, 13)), &at(2024, 12, 12));
    assert!(message.contains("futuro"), "{message}");
    // Not in the ranking: still under review.
    let message = refusal(
        &store,
        objection(IN_REVIEW, date(2024, 12, 11)),
        &at(2024, 12, 12),
    );
    assert!(
        message.contains("non è nella graduatoria n. 1"),
        "{message}"
    );
    // No text.
    let empty = Command::FileObjection {
        id: A1,
        received_on: date(2024, 12, 11),
        text: "  ".to_string(),
    };
    refusal(&store, empty, &at(2024, 12, 12));

    // The last day counts, recorded later; an excluded application may object too.
    let before = store.audit_len();
    run_at(&store, objection(A1, date(2025, 1, 9)), &late);
    run_at(&store, objection(A7, date(2024, 12, 10)), &at(2024, 12, 10));
    assert_eq!(
        kinds_after(&store, before),
        ["opposizione_ricevuta", "opposizione_ricevuta"]
    );
    let app = store.application(A1).unwrap().unwrap();
    assert_eq!(app.objections.len(), 1);
    assert_eq!(app.objections[0].version, 1);
    assert_eq!(app.objections[0].received_on, date(2025, 1, 9));
    assert_eq!(app.objections[0].text, "chiede il riesame del punteggio");
    assert!(app.objections[0].is_open());

    // A second one while the first is open.
    let message = refusal(&store, objection(A1, date(2025, 1, 8)), &late);
    assert!(
        message.contains("già un'opposizione da decidere"),
        "{message}"
    );

    // Decisions: a reason, an existing objection, only once.
    let error = refused(&store, decide(A1, 0, true, "   "), &late);
    assert!(
        matches!(error, StoreError::Domain(DomainError::MissingReason)),
        "{error:?}"
    );
    let message = refusal(&store, decide(A1, 3, true, "accolta"), &late);
    assert!(message.contains("non ha l'opposizione 4"), "{message}");
    let message = refusal(&store, decide(A9, 0, true, "accolta"), &late);
    assert!(message.contains("non ha l'opposizione 1"), "{message}");
    let before = store.audit_len();
    run_at(
        &store,
        decide(A1, 0, true, "documentazione completa"),
        &late,
    );
    assert_eq!(kinds_after(&store, before), ["opposizione_decisa"]);
    let message = refusal(&store, decide(A1, 0, false, "ripensamento"), &late);
    assert!(message.contains("già decisa"), "{message}");

    // Reopened: the decision is kept, with who and why; a new one may now be filed.
    drop(store);
    let store = open(dir.path());
    let app = store.application(A1).unwrap().unwrap();
    let decision = app.objections[0].decision.clone().expect("decided");
    assert!(decision.accepted);
    assert_eq!(decision.reason, "documentazione completa");
    assert_eq!(decision.by, ACTOR);
    run_at(&store, objection(A1, date(2025, 1, 9)), &late);
    assert_eq!(store.application(A1).unwrap().unwrap().objections.len(), 2);
    let kinds: Vec<&str> = store
        .application_events(A1)
        .unwrap()
        .iter()
        .map(|(_, e)| e.kind_name())
        .filter(|k| k.starts_with("opposizione"))
        .collect();
    assert_eq!(
        kinds,
        [
            "opposizione_ricevuta",
            "opposizione_decisa",
            "opposizione_ricevuta"
        ]
    );
    assert_clean(&store);
}

// ---- adjustments ---------------------------------------------------------------------------

#[test]
fn adjustments_need_a_reason_an_admitted_application_and_a_known_criterion_and_are_audited() {
    let dir = tempfile::tempdir().unwrap();
    let store = seeded_and_published(dir.path());

    let error = refused(&store, adjust(A4, "residenza", Some(8), " "), &ctx());
    assert!(
        matches!(error, StoreError::Domain(DomainError::MissingReason)),
        "{error:?}"
    );
    for id in [A7, IN_REVIEW] {
        let message = refusal(&store, adjust(id, "residenza", Some(8), "prova"), &ctx());
        assert!(message.contains("solo le domande ammesse"), "{message}");
    }
    let message = refusal(&store, adjust(A4, "inesistente", Some(1), "prova"), &ctx());
    assert!(
        message.contains("'inesistente' non è nella tabella"),
        "{message}"
    );
    let message = refusal(
        &store,
        Command::AdjustScore {
            id: A4,
            adjustment: Adjustment::Override {
                criterion: "residenza".to_string(),
                points: Some(Points(-50)),
            },
            reason: "prova".to_string(),
        },
        &ctx(),
    );
    assert!(message.contains("negativi"), "{message}");
    // Nothing to take back yet.
    let message = refusal(&store, adjust(A4, "residenza", None, "prova"), &ctx());
    assert!(message.contains("non ha una rettifica"), "{message}");

    // Each accepted adjustment: exactly one audit entry, filed under its application.
    let accepted = [
        adjust(A4, "residenza", Some(8), "certificato anagrafico"),
        adjust(A4, "residenza", None, "rettifica errata"),
        Command::AdjustScore {
            id: A1,
            adjustment: Adjustment::Condition {
                condition: Condition::AlloggioImproprio,
                present: false,
            },
            reason: "sopralluogo: alloggio regolare".to_string(),
        },
    ];
    for command in accepted {
        let id = command.application_id().unwrap();
        let audit_before = store.audit_len();
        let own_before = store.application_events(id).unwrap().len();
        run(&store, command);
        assert_eq!(store.audit_len(), audit_before + 1);
        let own = store.application_events(id).unwrap();
        assert_eq!(own.len(), own_before + 1);
        let (seq, last) = own.last().unwrap();
        assert_eq!(*seq, store.audit_len() as u64);
        assert_eq!(last.kind_name(), "punteggio_rettificato");
        assert_eq!(last.application_id(), Some(id));
        assert!(last.reason.as_deref().is_some_and(|r| !r.is_empty()));
    }
    // The same value twice is refused.
    run(
        &store,
        adjust(A4, "residenza", Some(8), "certificato anagrafico"),
    );
    let message = refusal(&store, adjust(A4, "residenza", Some(8), "ancora"), &ctx());
    assert!(message.contains("vale già"), "{message}");

    drop(store);
    let store = open(dir.path());
    let live = store.live_ranking(CODE, Lot::Pending).unwrap();
    assert_eq!(row(&live.rows, A4).total, Points::whole(10));
    assert_eq!(row(&live.rows, A1).total, Points::whole(8));
    let app = store.application(A4).unwrap().unwrap();
    let adjusted = &app.score_overrides["residenza"];
    assert_eq!(adjusted.points, Points::whole(8));
    assert_eq!(adjusted.reason, "certificato anagrafico");
    assert_eq!(adjusted.by, ACTOR);
    assert_clean(&store);
}

// ---- draw ----------------------------------------------------------------------------------

#[test]
fn the_recorded_draw_replays_with_its_seed() {
    let dir = tempfile::tempdir().unwrap();
    let store = seeded_and_published(dir.path());
    drop(store);
    let store = open(dir.path());
    let (header, rows) = version(&store, 1);
    let draw = header.draw.expect("recorded");
    assert_eq!(draw.seed, SEED);
    assert_eq!(draw_lots(draw.seed, &draw.groups), draw.groups);
    // The groups in any order of their members give the same draw.
    let reversed: Vec<Vec<ApplicationId>> = draw
        .groups
        .iter()
        .map(|g| g.iter().rev().copied().collect())
        .collect();
    assert_eq!(draw_lots(draw.seed, &reversed), draw.groups);
    // The audit log holds the same seed and result.
    let logged = store
        .audit_events(1, 10_000)
        .unwrap()
        .into_iter()
        .find_map(|(_, e)| match e.kind {
            EventKind::LotsDrawn { seed, groups, .. } => Some((seed, groups)),
            _ => None,
        })
        .expect("sorteggio_effettuato");
    assert_eq!(logged, (SEED, draw.groups.clone()));
    // And the rows follow it.
    let drawn: Vec<ApplicationId> = rows
        .iter()
        .filter(|r| r.settled == Some(Settled::Lot))
        .map(|r| r.application)
        .collect();
    assert_eq!(drawn, draw.groups[0]);

    // Another seed may order them otherwise, never with other members.
    let mut other = draw_lots(SEED + 1, &draw.groups);
    other[0].sort();
    assert_eq!(other[0], [A3, A5]);
}

// ---- backup and check ----------------------------------------------------------------------

#[test]
fn backup_round_trip_keeps_versions_and_check_sees_rows_changed_behind_its_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = seeded_and_published(dir.path());
    run_at(&store, objection(A2, date(2024, 12, 11)), &at(2024, 12, 12));
    run_at(
        &store,
        adjust(A4, "residenza", Some(8), "certificato anagrafico"),
        &at(2024, 12, 12),
    );
    publish(&store, RankingKind::Provvisoria, &at(2024, 12, 20));
    assert_clean(&store);
    let bytes = backup(&store);
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(
        text.lines()
            .any(|l| l.starts_with("{\"ruleset\":\"erp-2024\""))
    );
    assert_eq!(
        ranking_lines(&bytes)
            .iter()
            .filter(|l| l.starts_with("{\"ranking_rows\":\"erp-2024/"))
            .count(),
        2
    );
    let versions = store.ranking_versions(CODE).unwrap();
    let first = version(&store, 1);
    let second = version(&store, 2);
    let ruleset = store.ruleset(CODE).unwrap();
    let objections = store.application(A2).unwrap().unwrap().objections;
    drop(store);

    let target = tempfile::tempdir().unwrap();
    let restored = open(target.path());
    let counts = restored
        .restore(|| Ok(std::io::Cursor::new(bytes.clone())))
        .expect("restored");
    assert_eq!((counts.rulesets, counts.rankings), (1, 2));
    assert_eq!(backup(&restored), bytes);
    assert_eq!(restored.ranking_versions(CODE).unwrap(), versions);
    assert_eq!(version(&restored, 1), first);
    assert_eq!(version(&restored, 2), second);
    assert_eq!(restored.ruleset(CODE).unwrap(), ruleset);
    assert_eq!(
        restored.application(A2).unwrap().unwrap().objections,
        objections
    );
    assert_clean(&restored);
    // The restored database goes on: the next version is 3.
    assert_eq!(
        publish(&restored, RankingKind::Provvisoria, &at(2024, 12, 21))
            .header
            .number,
        3
    );
    drop(restored);

    // Rows changed behind the store's back: `check` says which version.
    {
        let db = raw(dir.path());
        let tree = db.open_tree(RANKING_ROWS).unwrap();
        let key = ranking_key(CODE, 1);
        let stored = tree.get(&key).unwrap().expect("rows of version 1");
        let mut rows: serde_json::Value = serde_json::from_slice(&stored).unwrap();
        rows[0]["total"] = serde_json::json!(2000);
        tree.insert(&key, serde_json::to_vec(&rows).unwrap())
            .unwrap();
        assert!(db.open_tree(RANKINGS).unwrap().get(&key).unwrap().is_some());
        db.flush().unwrap();
    }
    let store = open(dir.path());
    let report = store.check().unwrap();
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert!(
        report.problems[0].contains("graduatoria n. 1 del bando erp-2024")
            && report.problems[0].contains("righe diverse"),
        "{:?}",
        report.problems
    );
    assert_eq!(row(&version(&store, 1).1, A1).total, Points(2000));
    drop(store);

    // Rows gone: said too.
    {
        let db = raw(dir.path());
        db.open_tree(RANKING_ROWS)
            .unwrap()
            .remove(ranking_key(CODE, 2))
            .unwrap();
        db.flush().unwrap();
    }
    let store = open(dir.path());
    let problems = store.check().unwrap().problems;
    assert!(
        problems
            .iter()
            .any(|p| p.contains("graduatoria n. 2") && p.contains("righe mancanti")),
        "{problems:?}"
    );
    drop(store);

    // The latest-version marker behind the last version: said too.
    {
        let db = raw(dir.path());
        db.open_tree(META)
            .unwrap()
            .insert(b"ranking_latest/erp-2024", b"1".as_slice())
            .unwrap();
        db.flush().unwrap();
    }
    let store = open(dir.path());
    let problems = store.check().unwrap().problems;
    assert!(
        problems
            .iter()
            .any(|p| p.contains("bando erp-2024") && p.contains("l'ultima graduatoria è la n. 2")),
        "{problems:?}"
    );
}

/// The stored key of a version: the call's code, a zero byte, the number big-endian.
fn ranking_key(code: &str, number: u32) -> Vec<u8> {
    let mut key = code.as_bytes().to_vec();
    key.push(0);
    key.extend_from_slice(&number.to_be_bytes());
    key
}

#[test]
fn the_live_order_leaves_ties_to_the_draw_until_publication() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    seed(&store);
    let pending = store.live_ranking(CODE, Lot::Pending).unwrap();
    assert_eq!(pending.pending, 1);
    let mut group = pending.ranking.unresolved.clone();
    assert_eq!(group.len(), 1);
    group[0].sort();
    assert_eq!(group[0], [A3, A5]);
    for id in [A3, A5] {
        assert_eq!(row(&pending.rows, id).settled, Some(Settled::Unresolved));
    }
    assert!(pending.ranking.draw.is_none());
    // Drawing with the publication's seed gives the order the publication will freeze.
    let drawn = store.live_ranking(CODE, Lot::Draw { seed: SEED }).unwrap();
    publish(&store, RankingKind::Provvisoria, &ctx_at(published_at()));
    let (header, rows) = version(&store, 1);
    assert_eq!(header.draw, drawn.ranking.draw);
    assert_eq!(rows, drawn.rows);
    let states: Vec<State> = store
        .call_applications(CODE)
        .unwrap()
        .iter()
        .map(|a| a.state)
        .collect();
    assert_eq!(states.iter().filter(|s| **s == State::Ammessa).count(), 6);
    assert_eq!(states.iter().filter(|s| **s == State::Esclusa).count(), 2);
}
