//! Offline bundles run as the office runs them: `keygen`, `export` on the office's computer,
//! `send-bundle` on a connected machine with no database against the IO stand-in, and
//! `import-receipts` back at the office. Bundles and receipts are authenticated with the key
//! the two machines share: whoever lacks it can neither get a message sent nor a message
//! recorded as sent.

use super::outbox_cli::{
    KEY, Office, assert_fails, files_containing, kill_once_posted, list, listed,
};
use crate::common;
use crate::support::io_stand_in::{StandIn, StandInConfig};

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::Duration;

use alloggi::io::BundleKey;
use alloggi::io::bundle::{Bundle, BundleEntry};
use alloggi::messages::NewMessage;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const REFUSED_BUNDLE: &str = "la firma del pacchetto non corrisponde";
const REFUSED_RECEIPTS: &str = "la firma non corrisponde";

fn arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// A new bundle key made by `keygen` in the office's folder.
fn keygen(office: &Office, name: &str) -> PathBuf {
    let key = office.path(name);
    common::assert_ok(&office.run(&["outbox", "keygen", arg(&key)], &[]));
    key
}

fn export(office: &Office, bundle: &Path, key: &Path) -> Output {
    office.run(
        &[
            "outbox",
            "export",
            arg(bundle),
            "--chiave-pacchetto",
            arg(key),
        ],
        &[],
    )
}

/// `send-bundle` on the connected machine: no database (the one named does not exist and must
/// stay so), the IO key, and `key` for the bundle when given.
fn send_bundle(
    office: &Office,
    stand_in: &StandIn,
    bundle: &Path,
    receipts: &Path,
    key: Option<&Path>,
) -> Output {
    let base_url = stand_in.base_url();
    let nowhere = office.path("nessun-database");
    let mut args = vec![
        "outbox",
        "send-bundle",
        arg(bundle),
        "--receipts",
        arg(receipts),
    ];
    if let Some(key) = key {
        args.extend(["--chiave-pacchetto", arg(key)]);
    }
    let vars = [
        ("ALLOGGI_IO_API_KEY", KEY),
        ("ALLOGGI_IO_BASE_URL", base_url.as_str()),
        ("ALLOGGI_IO_TIMEOUT_MS", "10000"),
        ("ALLOGGI_DB", arg(&nowhere)),
    ];
    let out = office.bare(&args, &vars).output().expect("the binary runs");
    assert!(!nowhere.exists(), "send-bundle opened a database");
    out
}

fn import(office: &Office, receipts: &Path, key: &Path) -> Output {
    office.run(
        &[
            "outbox",
            "import-receipts",
            arg(receipts),
            "--chiave-pacchetto",
            arg(key),
        ],
        &[],
    )
}

fn assert_refused(out: &Output, says: &str) {
    assert_fails(out);
    let stderr = common::stderr(out);
    assert!(stderr.contains(says), "expected «{says}» in: {stderr}");
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A bundle's file as `export` writes it: the contents' exact bytes under their signature.
#[derive(Serialize, Deserialize)]
struct Envelope {
    formato: String,
    firma: String,
    contenuto: Box<RawValue>,
}

#[derive(Clone, Serialize, Deserialize)]
struct Contents {
    id: String,
    creato: Value,
    voci: Vec<BundleEntry>,
}

fn open_bundle(path: &Path) -> (String, Contents) {
    let envelope: Envelope = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let contents = serde_json::from_str(envelope.contenuto.get()).unwrap();
    (envelope.firma, contents)
}

/// The contents' bytes as `export` writes and signs them.
fn contents_bytes(contents: &Contents) -> String {
    serde_json::to_string_pretty(contents).unwrap()
}

fn write_bundle(path: &Path, firma: &str, contents: &Contents) {
    let envelope = Envelope {
        formato: "alloggi-pacchetto-io-2".into(),
        firma: firma.into(),
        contenuto: RawValue::from_string(contents_bytes(contents)).unwrap(),
    };
    std::fs::write(path, serde_json::to_vec_pretty(&envelope).unwrap()).unwrap();
}

/// A change made to a bundle's contents on the way.
type Edit = Box<dyn FnOnce(&mut Contents)>;

/// Entry `index`'s message changed by `change`, with the entry's content hash recomputed to
/// match, as anyone can.
fn rewrite_message(contents: &mut Contents, index: usize, change: impl FnOnce(&mut NewMessage)) {
    let entry = &mut contents.voci[index];
    change(&mut entry.messaggio);
    entry.impronta = entry.messaggio.content_hash();
}

/// A receipts file's lines, as written.
fn receipt_lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn write_lines(path: &Path, lines: &[String]) {
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

// ---- the key ----------------------------------------------------------------------------------------

#[test]
fn keygen_writes_an_owner_only_random_key_and_never_overwrites_a_file() {
    let office = Office::new();
    let key = office.path("chiave-pacchetti");
    let out = office.run(&["outbox", "keygen", arg(&key)], &[]);
    common::assert_ok(&out);
    assert!(
        common::stdout(&out).contains("permessi 600"),
        "{}",
        common::stdout(&out)
    );
    assert_eq!(mode(&key), 0o600);
    let text = std::fs::read_to_string(&key).unwrap();
    let digits = text.trim_end();
    assert_eq!(digits.len(), 64, "{text}");
    assert!(digits.chars().all(|c| c.is_ascii_hexdigit()), "{text}");
    assert!(!office.path("db").exists(), "keygen needs no database");

    let out = office.run(&["outbox", "keygen", arg(&key)], &[]);
    assert_refused(&out, "esiste già");
    assert_eq!(std::fs::read_to_string(&key).unwrap(), text);

    let document = office.path("documento.txt");
    std::fs::write(&document, "da non perdere").unwrap();
    assert_refused(
        &office.run(&["outbox", "keygen", arg(&document)], &[]),
        "esiste già",
    );
    assert_eq!(
        std::fs::read_to_string(&document).unwrap(),
        "da non perdere"
    );

    let other = keygen(&office, "altra-chiave");
    assert_ne!(
        std::fs::read_to_string(other).unwrap(),
        text,
        "keys are random"
    );

    let help = office.run(&["outbox", "keygen", "--help"], &[]);
    common::assert_ok(&help);
    let help = common::stdout(&help);
    let words: Vec<&str> = help.split_whitespace().collect();
    assert!(
        words.join(" ").contains("non viene mai sovrascritto"),
        "{help}"
    );
}

#[test]
fn without_the_right_key_nothing_is_exported_sent_or_recorded() {
    let office = Office::new();
    office.prepare(2);
    let stand_in = StandIn::start(StandInConfig::default());
    let bundle = office.path("pacchetto.json");
    let receipts = office.path("ricevute.jsonl");

    // No key at all: refused, with how to make one, and the queue is as it was.
    let out = office.run(&["outbox", "export", arg(&bundle)], &[]);
    assert_refused(&out, "alloggi outbox keygen");
    assert!(common::stderr(&out).contains("--chiave-pacchetto"));
    assert!(!bundle.exists());
    let (header, queued) = list(&office, "in-coda");
    assert_eq!(queued.len(), 2, "{header}");

    // A key others can read: refused like ssh refuses a private key.
    let open_key = keygen(&office, "chiave-aperta");
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&open_key, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    assert_refused(&export(&office, &bundle, &open_key), "chmod 600");
    assert!(!bundle.exists());

    // The key through the environment variable.
    let key = keygen(&office, "chiave-pacchetti");
    let out = office.run(
        &["outbox", "export", arg(&bundle)],
        &[("ALLOGGI_CHIAVE_PACCHETTO", arg(&key))],
    );
    common::assert_ok(&out);
    assert!(common::stdout(&out).contains("Esportati 2 messaggi"));

    // The connected machine without the key, or with another one: nothing leaves.
    let out = send_bundle(&office, &stand_in, &bundle, &receipts, None);
    assert_refused(&out, "alloggi outbox keygen");
    let other = keygen(&office, "altra-chiave");
    let out = send_bundle(&office, &stand_in, &bundle, &receipts, Some(&other));
    assert_refused(&out, REFUSED_BUNDLE);
    assert!(!receipts.exists());
    assert!(stand_in.requests().is_empty(), "{:?}", stand_in.requests());

    let out = send_bundle(&office, &stand_in, &bundle, &receipts, Some(&key));
    common::assert_ok(&out);
    assert_eq!(stand_in.created().len(), 2);

    // The office without the key, or with another one: nothing is recorded.
    let before = office.backup("copia-1.jsonl");
    let out = office.run(&["outbox", "import-receipts", arg(&receipts)], &[]);
    assert_refused(&out, "alloggi outbox keygen");
    assert_refused(&import(&office, &receipts, &other), REFUSED_RECEIPTS);
    assert_eq!(office.backup("copia-2.jsonl"), before);

    let out = import(&office, &receipts, &key);
    common::assert_ok(&out);
    let (header, _) = list(&office, "inviati");
    assert!(header.contains("Inviati 2"), "{header}");
}

// ---- bundles ----------------------------------------------------------------------------------------

#[test]
fn a_bundle_changed_on_the_way_is_refused_before_any_request() {
    let office = Office::new();
    let entries = office.prepare(3);
    let stand_in = StandIn::start(StandInConfig::default());
    let key = keygen(&office, "chiave-pacchetti");
    let bundle = office.path("pacchetto.json");
    common::assert_ok(&export(&office, &bundle, &key));

    let (firma, contents) = open_bundle(&bundle);
    // The edits below start from the very bytes `export` wrote.
    let copy = office.path("pacchetto-copia.json");
    write_bundle(&copy, &firma, &contents);
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        std::fs::read(&bundle).unwrap()
    );

    let stranger = entries[2].1.clone();
    let edits: Vec<(&str, Edit)> = vec![
        (
            "testo",
            Box::new(|c: &mut Contents| {
                rewrite_message(c, 0, |m| {
                    m.content.markdown = format!(
                        "{}\n\nRinnovare i dati su https://comune-alloggi.example.net/accesso",
                        m.content.markdown
                    );
                })
            }),
        ),
        (
            "destinatario",
            Box::new(move |c: &mut Contents| rewrite_message(c, 0, |m| m.fiscal_code = stranger)),
        ),
        (
            "doppione",
            Box::new(|c: &mut Contents| c.voci.push(c.voci[0].clone())),
        ),
        ("ordine", Box::new(|c: &mut Contents| c.voci.swap(0, 2))),
        (
            "tolto",
            Box::new(|c: &mut Contents| {
                c.voci.remove(1);
            }),
        ),
    ];
    for (name, edit) in edits {
        let edited = office.path(&format!("pacchetto-{name}.json"));
        let receipts = office.path(&format!("ricevute-{name}.jsonl"));
        let mut changed = contents.clone();
        edit(&mut changed);
        write_bundle(&edited, &firma, &changed);
        let out = send_bundle(&office, &stand_in, &edited, &receipts, Some(&key));
        assert_refused(&out, REFUSED_BUNDLE);
        assert!(!receipts.exists(), "{name}");
        assert!(
            stand_in.requests().is_empty(),
            "{name}: {:?}",
            stand_in.requests()
        );
    }

    // A signature recomputed as a checksum, the way the old bundles were protected.
    let mut changed = contents.clone();
    rewrite_message(&mut changed, 0, |m| m.content.subject.push('!'));
    let rehashed = office.path("pacchetto-rifirmato.json");
    write_bundle(
        &rehashed,
        &sha256_hex(contents_bytes(&changed).as_bytes()),
        &changed,
    );
    let receipts = office.path("ricevute-rifirmato.jsonl");
    let out = send_bundle(&office, &stand_in, &rehashed, &receipts, Some(&key));
    assert_refused(&out, REFUSED_BUNDLE);

    // A bundle of the old format, checksummed only: refused with what to do instead.
    let old = json!({
        "formato": "alloggi-pacchetto-io",
        "id": contents.id,
        "creato": contents.creato,
        "voci": contents.voci,
        "impronta": sha256_hex(&serde_json::to_vec(&contents.voci).unwrap()),
    });
    let unsigned = office.path("pacchetto-vecchio.json");
    std::fs::write(&unsigned, serde_json::to_vec_pretty(&old).unwrap()).unwrap();
    let out = send_bundle(&office, &stand_in, &unsigned, &receipts, Some(&key));
    assert_refused(&out, "formato precedente");
    assert!(common::stderr(&out).contains("alloggi outbox requeue"));
    assert!(!receipts.exists());
    assert!(stand_in.requests().is_empty(), "{:?}", stand_in.requests());

    // The genuine bundle goes, every message once.
    let receipts = office.path("ricevute.jsonl");
    let out = send_bundle(&office, &stand_in, &bundle, &receipts, Some(&key));
    common::assert_ok(&out);
    assert!(
        common::stdout(&out).contains("inviati 3"),
        "{}",
        common::stdout(&out)
    );
    assert_eq!(stand_in.created().len(), 3);
    for (_, code) in &entries {
        assert_eq!(stand_in.posts_for(code), 1);
    }
}

#[test]
fn a_bundle_with_an_entry_twice_is_refused_even_when_its_signature_holds() {
    let office = Office::new();
    office.prepare(2);
    let stand_in = StandIn::start(StandInConfig::default());
    let key_file = keygen(&office, "chiave-pacchetti");
    let bundle = office.path("pacchetto.json");
    common::assert_ok(&export(&office, &bundle, &key_file));

    // Made by whoever holds the key: the signature is valid.
    let key = BundleKey::load(&key_file).unwrap();
    let mut doubled = Bundle::read(&bundle, &key).unwrap();
    doubled.voci.push(doubled.voci[0].clone());
    let doubled_file = office.path("pacchetto-doppio.json");
    std::fs::write(&doubled_file, doubled.sealed(&key).unwrap()).unwrap();

    let receipts = office.path("ricevute.jsonl");
    let out = send_bundle(
        &office,
        &stand_in,
        &doubled_file,
        &receipts,
        Some(&key_file),
    );
    assert_refused(&out, "compare due volte");
    assert!(!receipts.exists());
    assert!(stand_in.requests().is_empty(), "{:?}", stand_in.requests());
}

// ---- receipts ---------------------------------------------------------------------------------------

#[test]
fn receipts_forged_or_edited_are_refused_whole_and_the_genuine_ones_recorded() {
    let office = Office::new();
    let entries = office.prepare(3);
    let refused_code = entries[2].1.clone();
    let stand_in = StandIn::start(StandInConfig {
        fail_with: vec![(refused_code, 403)],
        ..StandInConfig::default()
    });
    let key = keygen(&office, "chiave-pacchetti");
    let bundle = office.path("pacchetto.json");
    let receipts = office.path("ricevute.jsonl");
    common::assert_ok(&export(&office, &bundle, &key));
    let out = send_bundle(&office, &stand_in, &bundle, &receipts, Some(&key));
    common::assert_ok(&out);
    let text = common::stdout(&out);
    assert!(
        text.contains("inviati 2") && text.contains("respinti 1"),
        "{text}"
    );

    let (_, contents) = open_bundle(&bundle);
    let genuine = receipt_lines(&receipts);
    let header: Value = serde_json::from_str(&genuine[0]).unwrap();
    let digest = header["contenuto"]["impronta"].clone();
    assert_eq!(
        digest,
        Value::String(sha256_hex(contents_bytes(&contents).as_bytes()))
    );
    let invented = |entry: &BundleEntry, n: usize| {
        json!({
            "voce": entry.id,
            "impronta": entry.impronta,
            "esito": "inviato",
            "id_io": format!("01FALSO0000000000000000{n:03}"),
        })
    };
    let every_entry = |firma: &str| -> Vec<String> {
        contents
            .voci
            .iter()
            .enumerate()
            .map(|(n, entry)| json!({"dati": invented(entry, n), "firma": firma}).to_string())
            .collect()
    };

    let mut forgeries: Vec<(&str, Vec<String>, &str)> = Vec::new();
    // From the bundle alone, in the old format: every message "sent", with invented ids.
    let mut old = vec![
        json!({
            "formato": "alloggi-ricevute-io",
            "pacchetto": contents.id,
            "impronta": sha256_hex(&serde_json::to_vec(&contents.voci).unwrap()),
        })
        .to_string(),
    ];
    old.extend(
        contents
            .voci
            .iter()
            .enumerate()
            .map(|(n, entry)| invented(entry, n).to_string()),
    );
    forgeries.push(("vecchio-formato", old, "formato precedente"));
    // From the bundle alone, in the new format, with made-up signatures.
    let mut made_up = vec![
        json!({
            "formato": "alloggi-ricevute-io-2",
            "contenuto": {"pacchetto": contents.id, "impronta": digest},
            "firma": "00".repeat(32),
        })
        .to_string(),
    ];
    made_up.extend(every_entry(&"00".repeat(32)));
    forgeries.push(("inventate", made_up, REFUSED_RECEIPTS));
    // The genuine header, then invented lines.
    let mut spliced = vec![genuine[0].clone()];
    spliced.extend(every_entry(&"ab".repeat(32)));
    forgeries.push(("innestate", spliced, REFUSED_RECEIPTS));
    // The refusal edited into a send, its signature kept.
    let at = genuine
        .iter()
        .position(|l| l.contains(r#""esito":"respinto""#))
        .expect("a refusal");
    let line: Value = serde_json::from_str(&genuine[at]).unwrap();
    let dati = &line["dati"];
    let mut promoted = genuine.clone();
    promoted[at] = format!(
        r#"{{"dati":{},"firma":{}}}"#,
        json!({
            "voce": dati["voce"],
            "impronta": dati["impronta"],
            "esito": "inviato",
            "id_io": "01FALSO0000000000000000999",
        }),
        line["firma"]
    );
    forgeries.push(("respinto-inviato", promoted, REFUSED_RECEIPTS));
    // A line dropped from the middle: the chain breaks at the next one.
    let mut dropped = genuine.clone();
    dropped.remove(1);
    forgeries.push(("riga-tolta", dropped, REFUSED_RECEIPTS));
    // Two lines swapped.
    let mut swapped = genuine.clone();
    swapped.swap(1, 2);
    forgeries.push(("righe-scambiate", swapped, REFUSED_RECEIPTS));
    // A line cut short, as a full disk leaves it: told in Italian, with its place.
    let mut truncated = genuine.clone();
    let last = truncated.len() - 1;
    let half = truncated[last].len() / 2;
    truncated[last].truncate(half);
    forgeries.push(("troncate", truncated, "il testo finisce a metà"));

    let before = office.backup("copia-1.jsonl");
    for (name, lines, says) in forgeries {
        let forged = office.path(&format!("ricevute-{name}.jsonl"));
        write_lines(&forged, &lines);
        let out = import(&office, &forged, &key);
        assert_refused(&out, says);
        assert!(
            common::stderr(&out).contains("nulla è cambiato"),
            "{name}: {}",
            common::stderr(&out)
        );
        for english in ["EOF", "while parsing", "unknown variant", "expected"] {
            assert!(
                !common::stderr(&out).contains(english),
                "{name}: {}",
                common::stderr(&out)
            );
        }
        assert_eq!(office.backup("copia-2.jsonl"), before, "{name}");
    }
    let (header, _) = list(&office, "esportati");
    assert!(header.contains("Esportati 3"), "{header}");

    // The genuine lines, written back the same way as the forgeries, are recorded.
    let copy = office.path("ricevute-copia.jsonl");
    write_lines(&copy, &genuine);
    let out = import(&office, &copy, &key);
    common::assert_ok(&out);
    assert!(
        common::stdout(&out).contains("3 registrate, 0 già registrate"),
        "{}",
        common::stdout(&out)
    );
    let (header, sent) = list(&office, "inviati");
    assert!(header.contains("Inviati 2"), "{header}");
    assert!(header.contains("Errori 1"), "{header}");
    assert!(header.contains("Esportati 0"), "{header}");
    assert!(
        listed(&sent, entries[0].0) && listed(&sent, entries[1].0),
        "{sent:?}"
    );
}

// ---- the round trip -----------------------------------------------------------------------------------

#[test]
fn an_air_gapped_office_sends_through_a_bundle_and_its_receipts() {
    let office = Office::new();
    let entries = office.prepare(3);
    let stand_in = StandIn::start(StandInConfig::default());
    let key = keygen(&office, "chiave-pacchetti");
    let bundle = office.path("pacchetto.json");
    let receipts = office.path("ricevute.jsonl");

    let out = export(&office, &bundle, &key);
    common::assert_ok(&out);
    assert!(
        common::stdout(&out).contains("Esportati 3 messaggi"),
        "{}",
        common::stdout(&out)
    );
    assert!(bundle.is_file());
    let (header, lines) = list(&office, "esportati");
    assert!(header.contains("Esportati 3"), "{header}");
    assert!(header.contains("In coda 0"), "{header}");
    for (id, _) in &entries {
        assert!(listed(&lines, *id), "{lines:?}");
    }
    let again = office.path("pacchetto-2.json");
    let out = export(&office, &again, &key);
    assert_refused(&out, "nessun messaggio in coda");
    assert!(!again.exists());

    let out = send_bundle(&office, &stand_in, &bundle, &receipts, Some(&key));
    common::assert_ok(&out);
    assert!(
        common::stdout(&out).contains("inviati 3"),
        "{}",
        common::stdout(&out)
    );
    assert!(receipts.is_file());
    assert!(
        !office.path("data").exists(),
        "send-bundle opened a database"
    );
    assert_eq!(stand_in.created().len(), 3);
    assert!(files_containing(office.root.path(), KEY).is_empty());

    // Sent again with the same receipts: it resumes, and there is nothing left to send.
    let out = send_bundle(&office, &stand_in, &bundle, &receipts, Some(&key));
    common::assert_ok(&out);
    assert!(
        common::stdout(&out).contains("già inviati prima 3"),
        "{}",
        common::stdout(&out)
    );
    assert_eq!(stand_in.created().len(), 3);

    let out = import(&office, &receipts, &key);
    common::assert_ok(&out);
    assert!(
        common::stdout(&out).contains("3 registrate, 0 già registrate"),
        "{}",
        common::stdout(&out)
    );
    let (header, lines) = list(&office, "inviati");
    assert!(header.contains("Inviati 3"), "{header}");
    assert!(header.contains("Esportati 0"), "{header}");
    for (id, _) in &entries {
        assert!(listed(&lines, *id), "{lines:?}");
    }

    // Imported twice: nothing changes.
    let before = office.backup("copia-3.jsonl");
    let out = import(&office, &receipts, &key);
    common::assert_ok(&out);
    assert!(
        common::stdout(&out).contains("0 registrate, 3 già registrate"),
        "{}",
        common::stdout(&out)
    );
    assert_eq!(office.backup("copia-4.jsonl"), before);
    common::assert_ok(&office.run(&["check"], &[]));
}

#[test]
fn a_bundle_send_killed_midway_is_resumed_without_sending_twice() {
    let office = Office::new();
    let entries = office.prepare(2);
    let (first, first_code) = entries[0].clone();
    let (second, second_code) = entries[1].clone();
    let key = keygen(&office, "chiave-pacchetti");
    let bundle = office.path("pacchetto.json");
    let receipts = office.path("ricevute.jsonl");
    common::assert_ok(&export(&office, &bundle, &key));

    let slow = StandIn::start(StandInConfig {
        slow: vec![first_code.clone()],
        slow_delay: Duration::from_secs(5),
        ..StandInConfig::default()
    });
    let base_url = slow.base_url();
    let mut child = office
        .bare(
            &[
                "outbox",
                "send-bundle",
                arg(&bundle),
                "--receipts",
                arg(&receipts),
                "--chiave-pacchetto",
                arg(&key),
            ],
            &[
                ("ALLOGGI_IO_API_KEY", KEY),
                ("ALLOGGI_IO_BASE_URL", base_url.as_str()),
                ("ALLOGGI_IO_TIMEOUT_MS", "10000"),
            ],
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    kill_once_posted(&mut child, &slow, &first_code);
    assert_eq!(slow.created().len(), 1);

    let stand_in = StandIn::start(StandInConfig::default());
    let out = send_bundle(&office, &stand_in, &bundle, &receipts, Some(&key));
    common::assert_ok(&out);
    let text = common::stdout(&out);
    assert!(text.contains("inviati 1"), "{text}");
    assert!(text.contains("incerti 1"), "{text}");
    assert_eq!(stand_in.posts_for(&first_code), 0, "never sent twice");
    assert_eq!(stand_in.posts_for(&second_code), 1);

    let out = import(&office, &receipts, &key);
    common::assert_ok(&out);
    assert!(
        common::stdout(&out).contains("2 registrate, 0 già registrate"),
        "{}",
        common::stdout(&out)
    );
    let (_, uncertain) = list(&office, "incerti");
    assert!(listed(&uncertain, first), "{uncertain:?}");
    let (_, sent) = list(&office, "inviati");
    assert!(listed(&sent, second), "{sent:?}");
}
