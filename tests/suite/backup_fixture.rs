//! A backup written by schema 5, kept as a file: the layout of stored and exported JSON is a
//! promise to every office's existing backups and databases. The demo at a fixed day and seed
//! must still export to these very bytes, and the file must restore and export unchanged.

use crate::common;

use alloggi::demo::{DemoOptions, add_ranking, populate_on};
use chrono::NaiveDate;
use common::open;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/backup/demo-schema5.jsonl"
);

fn demo_export() -> Vec<u8> {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path());
    let options = DemoOptions {
        applications: 40,
        seed: 5,
    };
    let day = NaiveDate::from_ymd_opt(2025, 3, 3).expect("day");
    populate_on(&store, &options, day, &mut |_, _| {}).expect("demo");
    add_ranking(&store, options.seed).expect("ranking");
    let mut out = Vec::new();
    store.export(&mut out).expect("export");
    out
}

/// When the demo changes on purpose, the fixture follows it: run this test once with
/// `ALLOGGI_RIGENERA_FIXTURE=1`, which writes the demo's export over the file, and review the
/// diff before committing it.
#[test]
fn the_demo_exports_to_the_bytes_of_the_schema_5_fixture() {
    let actual = demo_export();
    if std::env::var_os("ALLOGGI_RIGENERA_FIXTURE").is_some() {
        std::fs::write(FIXTURE, &actual).expect("fixture written");
    }
    let expected = std::fs::read(FIXTURE).expect("fixture");
    assert!(
        actual == expected,
        "the demo's export differs from {FIXTURE} ({} bytes against {})",
        actual.len(),
        expected.len()
    );
}

#[test]
fn the_schema_5_fixture_restores_checks_and_exports_unchanged() {
    let bytes = std::fs::read(FIXTURE).expect("fixture");
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path());
    let counts = store
        .restore(|| Ok::<_, std::io::Error>(&bytes[..]))
        .expect("restore");
    assert_eq!(counts.applications, 40);
    let report = store.check().expect("check");
    assert!(report.is_ok(), "{:?}", report.problems);
    let mut out = Vec::new();
    store.export(&mut out).expect("export");
    assert!(out == bytes, "restore → export changed the backup");
}
