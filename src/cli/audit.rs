//! `alloggi audit`: the chain walk, the signing key, and the signed checkpoints that prove no
//! entry up to each of them was changed or removed since.

use std::io::Write;
use std::path::Path;

use crate::domain::number::{count, plural};
use crate::files::checkpoint::{self, Checkpoint, Fault};
use crate::office::Office;

pub(super) fn keygen(file: &Path) -> Result<(), String> {
    let public = checkpoint::generate(file).map_err(|e| e.to_string())?;
    println!(
        "Chiave di firma scritta in {} (permessi 600).",
        file.display()
    );
    println!(
        "Chiave pubblica scritta in {}: conservarne una copia fuori da questa macchina, serve a «alloggi audit verify --chiave-pubblica».",
        public.display()
    );
    Ok(())
}

pub(super) fn sign(office: &Office, key: &Path, file: &Path) -> Result<(), String> {
    // Key and checkpoint file are the caller's: read and written through the seam.
    let key = checkpoint::read_signing_key_with(key, super::seam::read_private_key)
        .map_err(|e| e.to_string())?;
    let (seq, hash) = office.audit_head_to_sign()?;
    let signed = Checkpoint::sign(&key, seq, &hash, chrono::Utc::now());
    checkpoint::append_with(file, &signed, super::seam::append_private)
        .map_err(|e| e.to_string())?;
    println!(
        "Checkpoint firmato: voce {seq}, impronta {hash}, aggiunto a {}.",
        file.display()
    );
    Ok(())
}

/// The chain walk, then each checkpoint of `checkpoints` against the trusted public key.
pub(super) fn verify(office: &Office, checkpoints: Option<(&Path, &Path)>) -> Result<(), String> {
    let report = office.verify_audit()?;
    if let Some(broken) = report.first_broken {
        let _ = std::io::stdout().flush();
        return Err(format!(
            "registro di controllo alterato alla voce {}: {} ({} prima di essa)",
            broken.seq,
            broken.reason,
            plural(report.entries as usize, "voce integra", "voci integre")
        ));
    }
    println!(
        "Registro di controllo integro: {}.",
        plural(report.entries as usize, "voce", "voci")
    );
    println!("Impronta dell'ultima voce: {}", report.head);
    match checkpoints {
        Some((file, public)) => verify_checkpoints(office, file, public, report.entries),
        None => Ok(()),
    }
}

fn verify_checkpoints(
    office: &Office,
    file: &Path,
    public: &Path,
    entries: u64,
) -> Result<(), String> {
    let trusted = checkpoint::read_public_key_with(public, super::seam::read_shared_key)
        .map_err(|e| e.to_string())?;
    let lines = checkpoint::read_all_with(file, super::seam::read).map_err(|e| e.to_string())?;
    if lines.is_empty() {
        return Err(format!(
            "nessun checkpoint in {}: firmarne uno con «alloggi audit sign»",
            file.display()
        ));
    }
    let mut problems = Vec::new();
    let mut last_good: Option<Checkpoint> = None;
    for (line, read) in lines {
        let checkpoint = match read {
            Ok(checkpoint) => checkpoint,
            Err(detail) => {
                problems.push(format!("checkpoint alla riga {line}: {detail}"));
                continue;
            }
        };
        let name = format!("checkpoint alla riga {line} (voce {})", checkpoint.voce);
        match checkpoint.verify(&trusted) {
            Err(Fault::UnknownKey) => {
                problems.push(format!(
                    "{name}: firmato con una chiave diversa dalla chiave pubblica indicata"
                ));
                continue;
            }
            Err(Fault::BadSignature) => {
                problems.push(format!(
                    "{name}: firma non valida, il checkpoint è stato alterato"
                ));
                continue;
            }
            Ok(()) => {}
        }
        match office.audit_entry_hash(checkpoint.voce)? {
            None => problems.push(format!(
                "{name}: la voce firmata il {} non esiste più nel registro (voci rimosse)",
                checkpoint.firmato_il
            )),
            Some(hash) if hash != checkpoint.impronta => problems.push(format!(
                "{name}: la voce è diversa da quella firmata il {}, il registro è stato riscritto",
                checkpoint.firmato_il
            )),
            Some(_) => {
                if last_good.as_ref().is_none_or(|c| c.voce <= checkpoint.voce) {
                    last_good = Some(checkpoint);
                }
            }
        }
    }
    if !problems.is_empty() {
        let _ = std::io::stdout().flush();
        return Err(format!(
            "checkpoint non confermati dal registro:\n  {}",
            problems.join("\n  ")
        ));
    }
    if let Some(last) = last_good {
        println!(
            "Checkpoint confermati: l'ultimo firma la voce {} il {}.",
            last.voce, last.firmato_il
        );
        if entries > last.voce {
            println!(
                "{}",
                match entries - last.voce {
                    1 => "La voce successiva è protetta solo dalla catena di impronte.".to_string(),
                    n => format!(
                        "Le {} voci successive sono protette solo dalla catena di impronte.",
                        count(n as usize)
                    ),
                }
            );
        }
    }
    Ok(())
}
