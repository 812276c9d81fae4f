//! Roles: the roles file in the database folder (or named by `--ruoli`) gives each system user
//! and group a role; every office request and every subcommand needs one, and a caseworker
//! without it is refused in Italian with exit code 1, naming the role needed.

use crate::common;

use std::collections::BTreeMap;
use std::process::Command;
use std::sync::atomic::AtomicBool;

use alloggi::domain::ranking::RankingKind;
use alloggi::domain::roles::{Role, RoleTable, Roles};
use alloggi::office::{OfficeError, Reply, Request};
use common::office_cli::{Office, fixture_arg};

fn system_user() -> String {
    let out = Command::new("id").arg("-un").output().expect("id runs");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn primary_group() -> String {
    let out = Command::new("id").arg("-gn").output().expect("id runs");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A demo database, then a roles file in its folder.
fn demo_with_roles(roles: &str) -> Office {
    let office = Office::new();
    office.ok(&["demo", "--applications", "30", "--seed", "7"]);
    std::fs::write(office.path("db").join("ruoli.toml"), roles).expect("roles file");
    office
}

#[test]
fn an_operatore_is_refused_a_ranking_publication_in_italian() {
    let me = system_user();
    let office = demo_with_roles(&format!("[utenti]\n{me} = \"operatore\"\n"));
    let err = office.fails(&["ranking", "publish", "--provvisoria", "--seme", "1"]);
    assert!(
        err.contains(&format!("serve il ruolo responsabile: {me} è operatore")),
        "{err}"
    );
    // What an operatore does goes through.
    office.ok(&["ranking", "show", "--limite", "3"]);
    office.ok(&["outbox", "list"]);
}

#[test]
fn a_consultazione_user_reads_but_cannot_register_applications() {
    let me = system_user();
    let office = demo_with_roles(&format!("[utenti]\n{me} = \"consultazione\"\n"));
    let err = office.fails(&[
        "import",
        "applications",
        &fixture_arg("domande-esempio.csv"),
    ]);
    assert!(
        err.contains(&format!("serve il ruolo operatore: {me} è consultazione")),
        "{err}"
    );
    let err = office.fails(&["restore", &fixture_arg("domande-esempio.csv")]);
    assert!(err.contains("serve il ruolo amministratore"), "{err}");
    office.ok(&["call", "list"]);
    office.ok(&["check"]);
}

#[test]
fn an_amministratore_through_a_group_may_do_everything_and_the_highest_role_wins() {
    let me = system_user();
    let office = demo_with_roles(&format!(
        "[utenti]\n{me} = \"consultazione\"\n\n[gruppi]\n{} = \"amministratore\"\n",
        primary_group()
    ));
    office.ok(&["call", "load", &fixture_arg("bando-2024.toml")]);
    office.ok(&[
        "import",
        "applications",
        &fixture_arg("domande-esempio.csv"),
    ]);
}

#[test]
fn a_user_the_file_does_not_name_has_the_default_or_no_role() {
    let office = demo_with_roles("[utenti]\nqualcun-altro = \"amministratore\"\n");
    let err = office.fails(&["call", "list"]);
    assert!(err.contains("serve il ruolo consultazione"), "{err}");
    assert!(err.contains("non ha alcun ruolo"), "{err}");
    // `--operatore` names someone for the record; it does not lend their role.
    let err = office.fails(&["--operatore", "qualcun-altro", "call", "list"]);
    assert!(err.contains("non ha alcun ruolo"), "{err}");

    std::fs::write(
        office.path("db").join("ruoli.toml"),
        "predefinito = \"consultazione\"\n",
    )
    .expect("roles file");
    office.ok(&["call", "list"]);
    let err = office.fails(&["call", "load", &fixture_arg("bando-2024.toml")]);
    assert!(err.contains("serve il ruolo amministratore"), "{err}");
}

#[test]
fn a_wrong_roles_file_is_refused_with_its_place_and_one_can_be_named_elsewhere() {
    let me = system_user();
    let office = demo_with_roles(&format!("[utenti]\n{me} = \"capo\"\n"));
    let err = office.fails(&["call", "list"]);
    let place = format!("ruoli.toml:2:{}: ", me.chars().count() + 4);
    assert!(err.contains(&place), "{err}");
    assert!(err.contains("valore 'capo' non ammesso"), "{err}");

    // A file named with --ruoli is read instead of the folder's.
    let elsewhere = office.arg("altri-ruoli.toml");
    std::fs::write(&elsewhere, format!("[utenti]\n{me} = \"responsabile\"\n")).unwrap();
    office.ok(&["--ruoli", &elsewhere, "call", "list"]);
    let err = office.fails(&[
        "--ruoli",
        &elsewhere,
        "call",
        "load",
        &fixture_arg("bando-2024.toml"),
    ]);
    assert!(
        err.contains(&format!(
            "serve il ruolo amministratore: {me} è responsabile"
        )),
        "{err}"
    );
    // A file named on purpose must exist.
    let err = office.fails(&["--ruoli", &office.arg("manca.toml"), "call", "list"]);
    assert!(err.contains("file dei ruoli rifiutato"), "{err}");
}

#[test]
fn the_office_refuses_a_request_the_role_does_not_allow() {
    let dir = tempfile::tempdir().unwrap();
    let mut office =
        alloggi::office::Office::open(dir.path(), Err("nessun Comune".into())).unwrap();
    office.set_roles(Roles::from_table(RoleTable {
        users: BTreeMap::from([("mrossi".to_string(), Role::Operatore)]),
        groups: BTreeMap::new(),
        default: None,
    }));
    let stop = AtomicBool::new(false);
    let reply = office.handle(
        &common::ctx(),
        Request::PublishRanking {
            call: "erp-2024".into(),
            kind: RankingKind::Provvisoria,
            seed: 1,
        },
        &stop,
        &mut |_| {},
    );
    assert_eq!(
        reply,
        Reply::PublishRanking(Err(OfficeError::Refused(
            "serve il ruolo responsabile: mrossi è operatore".into()
        )))
    );
    // A read goes through.
    let reply = office.handle(&common::ctx(), Request::CallsOverview, &stop, &mut |_| {});
    assert!(matches!(reply, Reply::CallsOverview(Ok(_))), "{reply:?}");
}
