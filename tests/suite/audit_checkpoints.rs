//! Signed checkpoints of the audit log: `alloggi audit keygen`, `audit sign` and `audit verify
//! --checkpoints`, run as the office runs them. A checkpoint catches what the chain alone
//! cannot: a history rewritten with every hash and the head recomputed, or cut short.

use crate::common;

use alloggi::store::audit::entry_hash;
use common::office_cli::{Office, fixture_arg};
use serde_json::Value;

/// An office with the fixture's database, a signing key and one checkpoint of its last entry.
fn signed_office() -> Office {
    let office = Office::new();
    office.ok(&["restore", &fixture_arg("backup/demo-schema5.jsonl")]);
    office.ok(&["audit", "keygen", &office.arg("firma.key")]);
    sign(&office);
    office
}

fn sign(office: &Office) -> String {
    office.ok(&[
        "audit",
        "sign",
        "--chiave",
        &office.arg("firma.key"),
        "--checkpoint",
        &office.arg("checkpoint.jsonl"),
    ])
}

fn verify(office: &Office) -> std::process::Output {
    office.run(&[
        "audit",
        "verify",
        "--checkpoints",
        &office.arg("checkpoint.jsonl"),
        "--chiave-pubblica",
        &office.arg("firma.key.pub"),
    ])
}

fn verify_fails(office: &Office) -> String {
    let out = verify(office);
    assert_eq!(out.status.code(), Some(1), "{}", common::stdout(&out));
    common::stderr(&out)
}

fn mode(office: &Office, name: &str) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(office.path(name))
        .unwrap()
        .permissions()
        .mode()
        & 0o777
}

fn signed_seq(office: &Office) -> u64 {
    let text = std::fs::read_to_string(office.path("checkpoint.jsonl")).unwrap();
    let line: Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    line["voce"].as_u64().unwrap()
}

/// Rewrites the actor of audit entry `seq`, then every hash after it and the stored head, as
/// someone with write access to the database would: the chain stays whole.
fn rewrite_history_from(office: &Office, seq: u64) {
    rewrite_from(office, seq);
    common::wait_released(&office.path("db"));
}

fn rewrite_from(office: &Office, seq: u64) {
    let db = common::raw(&office.path("db"));
    let audit = db.open_tree("audit").unwrap();
    let mut prev: Option<String> = None;
    let mut last = (0u64, String::new());
    for item in audit.iter() {
        let (key, value) = item.unwrap();
        let mut entry: Value = serde_json::from_slice(&value).unwrap();
        let at = entry["seq"].as_u64().unwrap();
        if at == seq {
            entry["event"]["actor"] = Value::from("mrosso");
        }
        if at >= seq {
            let prev_hash = prev
                .clone()
                .unwrap_or_else(|| entry["prev"].as_str().unwrap().into());
            let event = serde_json::to_string(&entry["event"]).unwrap();
            let hash = entry_hash(&prev_hash, at, &event);
            let text = format!(
                "{{\"seq\":{at},\"prev\":\"{prev_hash}\",\"hash\":\"{hash}\",\"event\":{event}}}"
            );
            audit.insert(key, text.as_bytes()).unwrap();
            entry["hash"] = Value::from(hash);
        }
        prev = Some(entry["hash"].as_str().unwrap().to_string());
        last = (at, prev.clone().unwrap());
    }
    let head = format!("{{\"seq\":{},\"hash\":\"{}\"}}", last.0, last.1);
    db.open_tree("meta")
        .unwrap()
        .insert("audit_head", head.as_bytes())
        .unwrap();
    db.flush().unwrap();
}

/// Removes every audit entry after `keep` and points the stored head at it.
fn truncate_after(office: &Office, keep: u64) {
    truncate(office, keep);
    common::wait_released(&office.path("db"));
}

fn truncate(office: &Office, keep: u64) {
    let db = common::raw(&office.path("db"));
    let audit = db.open_tree("audit").unwrap();
    let kept: Value =
        serde_json::from_slice(&audit.get(keep.to_be_bytes()).unwrap().unwrap()).unwrap();
    for key in audit.range(keep.saturating_add(1).to_be_bytes()..).keys() {
        audit.remove(key.unwrap()).unwrap();
    }
    let head = format!(
        "{{\"seq\":{keep},\"hash\":\"{}\"}}",
        kept["hash"].as_str().unwrap()
    );
    db.open_tree("meta")
        .unwrap()
        .insert("audit_head", head.as_bytes())
        .unwrap();
    db.flush().unwrap();
}

#[test]
fn keys_are_private_and_never_overwritten() {
    let office = Office::new();
    let out = office.ok(&["audit", "keygen", &office.arg("firma.key")]);
    assert!(out.contains("firma.key.pub"), "{out}");
    assert_eq!(mode(&office, "firma.key"), 0o600);
    assert_eq!(mode(&office, "firma.key.pub"), 0o644);
    let key = std::fs::read(office.path("firma.key")).unwrap();
    let error = office.fails(&["audit", "keygen", &office.arg("firma.key")]);
    assert!(error.contains("esiste già"), "{error}");
    assert_eq!(std::fs::read(office.path("firma.key")).unwrap(), key);
}

#[test]
fn a_signed_checkpoint_verifies() {
    let office = signed_office();
    assert_eq!(mode(&office, "checkpoint.jsonl"), 0o600);
    let out = verify(&office);
    common::assert_ok(&out);
    let said = common::stdout(&out);
    assert!(said.contains("Checkpoint confermati"), "{said}");
    // A second night appends a second checkpoint.
    sign(&office);
    let text = std::fs::read_to_string(office.path("checkpoint.jsonl")).unwrap();
    assert_eq!(text.lines().count(), 2);
    common::assert_ok(&verify(&office));
}

#[test]
fn a_history_rewritten_with_its_hashes_recomputed_fails_at_the_checkpoint() {
    let office = signed_office();
    let seq = signed_seq(&office);
    rewrite_history_from(&office, 5);
    // The chain alone cannot tell: every link and the head were recomputed.
    office.ok(&["audit", "verify"]);
    let error = verify_fails(&office);
    assert!(
        error.contains(&format!("checkpoint alla riga 1 (voce {seq})")),
        "{error}"
    );
    assert!(error.contains("riscritto"), "{error}");
}

#[test]
fn entries_removed_below_a_checkpoint_fail_it() {
    let office = signed_office();
    let seq = signed_seq(&office);
    truncate_after(&office, seq - 3);
    office.ok(&["audit", "verify"]);
    let error = verify_fails(&office);
    assert!(
        error.contains(&format!("checkpoint alla riga 1 (voce {seq})")),
        "{error}"
    );
    assert!(error.contains("non esiste più"), "{error}");
}

#[test]
fn a_tampered_checkpoint_or_another_key_fails() {
    let office = signed_office();
    let path = office.path("checkpoint.jsonl");
    let signed = std::fs::read_to_string(&path).unwrap();
    let mut line: Value = serde_json::from_str(signed.trim()).unwrap();
    let seq = line["voce"].as_u64().unwrap();
    line["voce"] = Value::from(seq - 1);
    std::fs::write(&path, serde_json::to_string(&line).unwrap() + "\n").unwrap();
    let error = verify_fails(&office);
    assert!(
        error.contains(&format!("checkpoint alla riga 1 (voce {})", seq - 1)),
        "{error}"
    );
    assert!(error.contains("firma non valida"), "{error}");

    std::fs::write(&path, &signed).unwrap();
    common::assert_ok(&verify(&office));
    office.ok(&["audit", "keygen", &office.arg("altra.key")]);
    let out = office.run(&[
        "audit",
        "verify",
        "--checkpoints",
        &office.arg("checkpoint.jsonl"),
        "--chiave-pubblica",
        &office.arg("altra.key.pub"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let error = common::stderr(&out);
    assert!(error.contains("chiave diversa"), "{error}");
}

#[test]
fn a_broken_chain_is_never_signed() {
    let office = signed_office();
    let before = std::fs::read(office.path("checkpoint.jsonl")).unwrap();
    {
        let db = common::raw(&office.path("db"));
        let audit = db.open_tree("audit").unwrap();
        let key = 7u64.to_be_bytes();
        let value = String::from_utf8(audit.get(key).unwrap().unwrap().to_vec()).unwrap();
        audit
            .insert(
                key,
                value
                    .replacen("\"actor\":\"", "\"actor\":\"x", 1)
                    .as_bytes(),
            )
            .unwrap();
        db.flush().unwrap();
    }
    common::wait_released(&office.path("db"));
    let error = office.fails(&[
        "audit",
        "sign",
        "--chiave",
        &office.arg("firma.key"),
        "--checkpoint",
        &office.arg("checkpoint.jsonl"),
    ]);
    assert!(error.contains("alterato alla voce 7"), "{error}");
    assert!(error.contains("Nessun checkpoint firmato"), "{error}");
    assert_eq!(
        std::fs::read(office.path("checkpoint.jsonl")).unwrap(),
        before
    );
}

#[test]
fn a_signing_key_readable_by_others_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let office = Office::new();
    office.ok(&["restore", &fixture_arg("backup/demo-schema5.jsonl")]);
    office.ok(&["audit", "keygen", &office.arg("firma.key")]);
    std::fs::set_permissions(
        office.path("firma.key"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let error = office.fails(&[
        "audit",
        "sign",
        "--chiave",
        &office.arg("firma.key"),
        "--checkpoint",
        &office.arg("checkpoint.jsonl"),
    ]);
    assert!(error.contains("troppo aperti"), "{error}");
    assert!(!office.path("checkpoint.jsonl").exists());
}
