//! Builders shared by the integration tests: valid people, households, applications and
//! contexts at fixed instants. Nothing here reads the clock.
#![allow(dead_code)]

pub mod assignment;
pub mod console;
pub mod office_cli;
pub mod rules;

use std::collections::BTreeSet;

use alloggi::domain::application::Channel;
use alloggi::domain::command::NewApplication;
use alloggi::domain::contact::{Address, Contact};
use alloggi::domain::fiscal_code::PersonFiscalCode;
use alloggi::domain::household::{
    Citizenship, ComuneTie, Condition, Declaration, Household, Member, Relation, StampDuty,
};
use alloggi::domain::money::Money;
use alloggi::domain::time::Timestamp;
use alloggi::domain::{Call, Context};
use alloggi::files::call_toml::bando_2024;
use chrono::{NaiveDate, TimeZone, Utc};

/// Belfiore code of Fermo.
pub const FERMO: &str = "D542";

pub const ACTOR: &str = "mrossi";

/// A fixed UTC instant.
pub fn ts(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Timestamp {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s)
        .single()
        .expect("valid UTC instant")
}

/// Nine in the morning (UTC) of `day`.
pub fn ts_of(day: NaiveDate) -> Timestamp {
    day.and_hms_opt(9, 0, 0).unwrap().and_utc()
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// Inside the 2024 window (16/09/2024 → 14/11/2024 23:59:59 Rome).
pub fn in_window() -> Timestamp {
    ts(2024, 10, 1, 9, 30, 0)
}

/// After the window closed: when caseworkers act in the tests.
pub fn office_time() -> Timestamp {
    ts(2024, 12, 2, 9, 0, 0)
}

pub fn ctx_at(now: Timestamp) -> Context {
    Context {
        actor: ACTOR.to_string(),
        on_behalf_of: None,
        now,
    }
}

pub fn ctx() -> Context {
    ctx_at(office_time())
}

/// The seed's 2024 call, from the shipped fixture, with the notice of the grounds for refusal
/// off: these tests decide exclusions directly, as such a call does. The notice's own tests
/// turn it on (`call_with_refusal_notice`).
pub fn call() -> Call {
    let mut call = call_with_refusal_notice();
    call.params.refusal_notice = false;
    call
}

/// The seed's 2024 call exactly as shipped: exclusions under review go through the notice.
pub fn call_with_refusal_notice() -> Call {
    bando_2024().expect("fixtures/bando-2024.toml is valid")
}

pub fn cf(surname: &str, name: &str, birth: NaiveDate, female: bool) -> PersonFiscalCode {
    PersonFiscalCode::build(surname, name, birth, female, FERMO).expect("valid fiscal code")
}

pub fn member(
    surname: &str,
    name: &str,
    birth: NaiveDate,
    female: bool,
    relation: Relation,
) -> Member {
    Member {
        fiscal_code: cf(surname, name, birth, female),
        surname: surname.to_string(),
        name: name.to_string(),
        relation,
        birth_date: birth,
        disability_pct: 0,
        accompaniment: false,
        motor_disability: false,
        income: None,
    }
}

pub fn applicant() -> Member {
    member(
        "Rossi",
        "Mario",
        date(1980, 3, 15),
        false,
        Relation::Richiedente,
    )
}

pub fn spouse() -> Member {
    member("Bianchi", "Anna", date(1982, 7, 4), true, Relation::Coniuge)
}

pub fn child() -> Member {
    member("Rossi", "Luca", date(2012, 1, 20), false, Relation::Figlio)
}

/// Applicant with a different name, for a second application.
pub fn other_applicant() -> Member {
    member(
        "Verdi",
        "Giulia",
        date(1975, 11, 30),
        true,
        Relation::Richiedente,
    )
}

pub fn household(members: Vec<Member>) -> Household {
    Household::new(members).expect("valid household")
}

pub fn family() -> Household {
    household(vec![applicant(), spouse(), child()])
}

pub fn contact() -> Contact {
    Contact {
        email: Some("mario.rossi@example.it".to_string()),
        phone: Some("+39 0734 123456".to_string()),
        address: Address {
            street: "Via Roma 1".to_string(),
            postcode: "63900".to_string(),
            municipality: "Fermo".to_string(),
            province: "fm".to_string(),
        },
    }
}

pub fn declaration(conditions: &[Condition]) -> Declaration {
    Declaration {
        citizenship: Citizenship::Italiana,
        tie: ComuneTie::Residenza,
        isee: Money::from_cents(800_000),
        residence_years: 6,
        current_home_m2: None,
        conditions: conditions.iter().copied().collect::<BTreeSet<_>>(),
        stamp_duty: StampDuty::marca("01234567890123", date(2024, 9, 20)).expect("valid marca"),
    }
}

/// A complete application, with the two required documents attached.
pub fn new_application(household: Household) -> NewApplication {
    NewApplication {
        external_id: None,
        channel: Channel::Portale,
        received_at: in_window(),
        household,
        contact: contact(),
        declaration: declaration(&[]),
        documents: vec!["domanda".to_string(), "documento_identita".to_string()],
    }
}

/// A backup whose last line, an audit entry, is altered: a restore writes everything else and
/// then fails on the broken chain, which is what tests of a failed restore need.
pub fn with_broken_last_audit_entry(backup: &str) -> String {
    let mut lines: Vec<String> = backup.lines().map(str::to_string).collect();
    let last = lines.last_mut().expect("a backup has lines");
    assert!(last.starts_with("{\"audit\":"), "{last}");
    *last = last.replacen(ACTOR, "mrosso", 1);
    lines.join("\n") + "\n"
}

/// The state tags as stored on disk, written out so that a change of `State::tag` is caught.
pub fn stored_state_tag(state: alloggi::domain::State) -> u8 {
    use alloggi::domain::State;
    let tag = match state {
        State::Ricevuta => 1,
        State::Protocollata => 2,
        State::InIstruttoria => 3,
        State::IntegrazioneRichiesta => 4,
        State::Ammessa => 5,
        State::Esclusa => 6,
    };
    assert_eq!(
        state.tag(),
        tag,
        "state tags are part of the on-disk layout"
    );
    tag
}

// ---- the store, for the store tests --------------------------------------------------------

/// Tree names as they stand on disk: written out here so that a rename is caught by the tests.
pub const META: &str = "meta";
pub const APPLICATIONS: &str = "applications";
pub const CALLS: &str = "calls";
pub const AUDIT: &str = "audit";
pub const IDX_FISCAL_CODE: &str = "idx_fiscal_code";
pub const IDX_STATE: &str = "idx_state";
pub const IDX_AUDIT_APPLICATION: &str = "idx_audit_application";
pub const COUNT_STATE: &str = "count_state";
pub const SUMMARIES: &str = "summaries";
pub const SUMMARIES_PENDING: &str = "summaries_pending";

pub fn open(dir: &std::path::Path) -> alloggi::store::Store {
    open_result(dir).unwrap_or_else(|e| panic!("open {}: {e}", dir.display()))
}

/// sled lets go of a database's file lock a moment after its last handle is dropped (its
/// flusher thread holds it last), so a test reopening at once may find it still locked:
/// `attempt` is retried for up to two seconds while `locked` says so.
fn retry_while_locked<T, E>(
    mut attempt: impl FnMut() -> Result<T, E>,
    locked: impl Fn(&E) -> bool,
) -> Result<T, E> {
    for _ in 0..100 {
        match attempt() {
            Err(e) if locked(&e) => std::thread::sleep(std::time::Duration::from_millis(20)),
            other => return other,
        }
    }
    attempt()
}

/// `Store::open` after the test's own handles are gone: any error but the lingering lock.
pub fn open_result(
    dir: &std::path::Path,
) -> Result<alloggi::store::Store, alloggi::store::StoreError> {
    retry_while_locked(
        || alloggi::store::Store::open(dir),
        |e| matches!(e, alloggi::store::StoreError::Locked(_)),
    )
}

/// The database under the store, for tests that tamper with it or simulate older layouts.
pub fn raw(dir: &std::path::Path) -> sled::Db {
    retry_while_locked(
        || sled::open(dir),
        |e| e.to_string().contains("could not acquire lock"),
    )
    .expect("raw sled open")
}

/// Waits until this process no longer holds the database in `dir`, after its last `raw` handle
/// is dropped: sled's background threads close the locked file a little later, and a program
/// started before then finds the database in use (under load, long enough to fail a test).
/// Returns how many times it found the lock still held.
pub fn wait_released(dir: &std::path::Path) -> usize {
    use rustix::fs::{FlockOperation, flock};
    let file = std::fs::File::open(dir.join("db")).expect("the database's locked file");
    let started = std::time::Instant::now();
    let mut held = 0;
    while flock(&file, FlockOperation::NonBlockingLockExclusive).is_err() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "the database stayed locked"
        );
        held += 1;
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let _ = flock(&file, FlockOperation::Unlock);
    held
}

/// Runs a command that must be accepted, as the caseworker of `ctx()`.
pub fn run(
    store: &alloggi::store::Store,
    command: alloggi::domain::Command,
) -> Vec<alloggi::domain::Event> {
    store
        .execute(&command, &ctx())
        .unwrap_or_else(|e| panic!("{command:?} refused: {e}"))
}

pub fn register(id: alloggi::domain::ApplicationId) -> alloggi::domain::Command {
    alloggi::domain::Command::RegisterApplication {
        id,
        override_reason: None,
    }
}

pub fn exclude(id: alloggi::domain::ApplicationId) -> alloggi::domain::Command {
    alloggi::domain::Command::Exclude {
        id,
        reason: alloggi::domain::application::ExclusionReason::Altro,
        note: "rinuncia".to_string(),
    }
}

/// A value of the right kind for each placeholder the caseworker types; `day` tells two
/// otherwise identical messages apart.
pub fn caseworker_values(template_id: &str, day: &str) -> alloggi::messages::Values {
    let template = alloggi::messages::Catalogue::builtin()
        .get(template_id)
        .expect("template");
    let notice =
        alloggi::domain::notice::NoticeNumber::aux3(1, 2_026_000_000_123).expect("notice number");
    let mut values = alloggi::messages::Values::new();
    for spec in template.placeholders() {
        if spec.source != alloggi::messages::ValueSource::Caseworker {
            continue;
        }
        let input = match (spec.kind, spec.name) {
            (alloggi::messages::ValueKind::Date, _) => day,
            (alloggi::messages::ValueKind::Time, _) => "10:30",
            (alloggi::messages::ValueKind::Amount, _) => "16,00",
            (alloggi::messages::ValueKind::Notice, _) => notice.as_str(),
            (alloggi::messages::ValueKind::Url, _) => "https://www.comune.example.it/pagina",
            (alloggi::messages::ValueKind::Text, "numero_prenotazione") => "A-0042",
            (alloggi::messages::ValueKind::Text, "riferimento_alloggio") => "FM-0412",
            (alloggi::messages::ValueKind::Text, "indirizzo_alloggio") => {
                "Via dei Tigli 12, 63900 Fermo (FM)"
            }
            (alloggi::messages::ValueKind::Text, "luogo_firma") => {
                "Ufficio Contratti, Piazza del Popolo 1"
            }
            (alloggi::messages::ValueKind::Text, "causale") => "spese di segreteria della domanda",
            (alloggi::messages::ValueKind::Text, _) => "la presentazione della domanda",
        };
        values.insert(spec.name, spec.kind.parse(input).expect("valid input"));
    }
    values
}

fn single(surname: &str, name: &str, birth: NaiveDate, female: bool) -> Member {
    member(surname, name, birth, female, Relation::Richiedente)
}

/// Five applicants, five different citizens.
pub fn five_applicants() -> Vec<Member> {
    vec![
        applicant(),
        other_applicant(),
        single("Bruni", "Carla", date(1990, 5, 6), true),
        single("Conti", "Paolo", date(1968, 2, 11), false),
        single("Galli", "Sara", date(1995, 9, 23), true),
    ]
}

// ---- running the binary ----------------------------------------------------------------

pub fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Exit code 0, or a failure that shows what the program printed.
pub fn assert_ok(o: &std::process::Output) {
    assert_eq!(
        o.status.code(),
        Some(0),
        "stdout: {}\nstderr: {}",
        stdout(o),
        stderr(o)
    );
}

// ---- intake trees (schema 4) ---------------------------------------------------------------

/// The trees schema 4 added, as they stand on disk.
pub const APPOINTMENTS: &str = "appointments";
pub const IDX_APPOINTMENT_SLOT: &str = "idx_appointment_slot";
pub const IDX_APPOINTMENT_HELD: &str = "idx_appointment_held";
pub const INTERESTED: &str = "interested";

/// The verifications admission needs first: every access requirement, verified.
pub fn verify_requirements(id: alloggi::domain::ApplicationId) -> Vec<alloggi::domain::Command> {
    use alloggi::domain::verification::{CheckItem, Requirement};
    Requirement::ALL
        .into_iter()
        .map(|requirement| alloggi::domain::Command::Verify {
            id,
            item: CheckItem::Requisito(requirement),
            verified: true,
            note: String::new(),
        })
        .collect()
}

/// Verifies every access requirement, then admits.
pub fn admit(store: &alloggi::store::Store, id: alloggi::domain::ApplicationId) {
    for command in verify_requirements(id) {
        run(store, command);
    }
    run(
        store,
        alloggi::domain::Command::Admit {
            waiver: None,
            id,
            note: String::new(),
        },
    );
}

/// Variables of the environment the tests run in that would change what the binary does.
pub const CLEARED: &[&str] = &[
    "ALLOGGI_DB",
    "ALLOGGI_KEYMAP",
    "ALLOGGI_LOG",
    "ALLOGGI_IO_API_KEY",
    "ALLOGGI_IO_API_KEY_FILE",
    "ALLOGGI_CHIAVE_PACCHETTO",
    "ALLOGGI_RUOLI",
    "ALLOGGI_CONSOLE_CONDIVISA",
    "ALLOGGI_INATTIVO",
    "ALLOGGI_SOCKET",
    "ALLOGGI_IO_BASE_URL",
    "ALLOGGI_IO_TIMEOUT_MS",
    "ALLOGGI_IO_RATE",
    "ALLOGGI_GPD_API_KEY",
    "ALLOGGI_GPD_API_KEY_FILE",
    "ALLOGGI_GPD_BASE_URL",
    "ALLOGGI_GPD_TIMEOUT_MS",
    "ALLOGGI_GPD_RITMO",
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// The name the system gives the user running the tests: the binary records it as the actor
/// (`ALLOGGI_OPERATORE` goes beside it, «per conto di»).
pub fn system_user() -> String {
    let out = std::process::Command::new("id")
        .arg("-un")
        .output()
        .expect("id runs");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}
