//! The lease in the store: the signature written with its audit entry, found again after the
//! database is reopened, carried by a backup byte for byte, and checked against the dwelling
//! and the audit log.

use alloggi::domain::Context;
use alloggi::domain::stock::{DwellingCode, DwellingState};
use alloggi::domain::time::rome_date;
use alloggi::messages::ComuneConfig;
use alloggi::office::{LeaseSigning, NO_RENT_RULES, Office};

use crate::common;

use common::assignment::{decreed_office, save_example_rent_rules};

fn today() -> chrono::NaiveDate {
    rome_date(chrono::Utc::now())
}

fn signing(number: &str) -> LeaseSigning {
    LeaseSigning {
        number: number.into(),
        signed_on: today(),
        starts_on: None,
        signatory: Some("Bianchi Carla".into()),
    }
}

#[test]
fn without_rent_rules_in_force_the_signature_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (office, id, _) = decreed_office(dir.path());
    let ctx = Context::new("mrossi", chrono::Utc::now());
    let err = office
        .sign_lease(&ctx, id, &signing("ERAP-1"))
        .expect_err("refused")
        .to_string();
    assert_eq!(err, NO_RENT_RULES);
    assert_eq!(office.contract_file(id).unwrap(), None);
}

#[test]
fn a_signed_lease_survives_reopening_and_a_backup() {
    let dir = tempfile::tempdir().unwrap();
    let id = {
        let (office, id, _) = decreed_office(dir.path());
        save_example_rent_rules(&office);
        let ctx = Context::new("mrossi", chrono::Utc::now());
        let lease = office
            .sign_lease(&ctx, id, &signing("ERAP-2025/0042"))
            .expect("signed");
        assert_eq!(lease.rent.version, "esempio-2025");
        assert_eq!(
            lease.deposit.cents(),
            lease.rent.monthly.cents() * 3,
            "{lease:?}"
        );
        assert!(lease.rent.steps[0].text.contains("= 249,60 €"), "{lease:?}");
        let err = office
            .sign_lease(&ctx, id, &signing("ERAP-2025/0043"))
            .expect_err("signed once")
            .to_string();
        assert!(err.contains("già firmato"), "{err}");
        id
    };
    common::wait_released(dir.path());

    let office = Office::new(common::open(dir.path()), Ok(ComuneConfig::example()));
    let file = office
        .contract_file(id)
        .unwrap()
        .expect("the contract file");
    let lease = file.lease.expect("the lease");
    assert_eq!(lease.number.as_str(), "ERAP-2025/0042");
    assert_eq!(lease.signatory, "Bianchi Carla");
    assert_eq!(lease.starts_on, today());
    assert_eq!(office.leases().unwrap(), vec![lease.clone()]);
    let home = DwellingCode::parse("FM-002").unwrap();
    assert_eq!(
        office.dwelling(&home).unwrap().unwrap().state,
        DwellingState::Locato
    );
    let report = office.check().expect("check");
    assert!(report.is_ok(), "{:?}", report.problems);

    let mut first_export = Vec::new();
    office.store().export(&mut first_export).expect("export");
    let text = String::from_utf8(first_export.clone()).unwrap();
    assert!(text.contains("{\"lease\":"), "no lease line");
    let copy = tempfile::tempdir().unwrap();
    let restored = common::open(copy.path());
    let counts = restored
        .restore(|| Ok(std::io::Cursor::new(first_export.clone())))
        .expect("restore");
    assert_eq!(counts.leases, 1);
    let mut second_export = Vec::new();
    restored.export(&mut second_export).expect("export");
    assert_eq!(first_export, second_export);
    assert_eq!(
        restored.contract_file(id).unwrap().and_then(|f| f.lease),
        Some(lease)
    );
    let report = restored.check().expect("check");
    assert!(report.is_ok(), "{:?}", report.problems);
}

#[test]
fn check_names_a_lease_changed_behind_the_audit_log() {
    let dir = tempfile::tempdir().unwrap();
    {
        let (office, id, _) = decreed_office(dir.path());
        save_example_rent_rules(&office);
        let ctx = Context::new("mrossi", chrono::Utc::now());
        office
            .sign_lease(&ctx, id, &signing("ERAP-7"))
            .expect("signed");
    }
    common::wait_released(dir.path());
    {
        let db = common::raw(dir.path());
        let tree = db.open_tree("leases").unwrap();
        let (key, value) = tree.iter().next().unwrap().unwrap();
        let text = String::from_utf8(value.to_vec())
            .unwrap()
            .replace("ERAP-7", "ERAP-8");
        tree.insert(key, text.as_bytes()).unwrap();
        db.flush().unwrap();
    }
    common::wait_released(dir.path());
    let office = Office::new(common::open(dir.path()), Err("nessun Comune".into()));
    let problems = office.check().expect("check").problems;
    assert!(
        problems
            .iter()
            .any(|p| p.contains("contratto della domanda") && p.contains("lease.number")),
        "{problems:?}"
    );
}
