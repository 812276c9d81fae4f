use std::path::PathBuf;

use crate::domain::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "il database {} è già aperto da un altro processo di alloggi: chiudere l'altra sessione e riprovare",
        .0.display()
    )]
    Locked(PathBuf),
    #[error("{0}")]
    Domain(#[from] DomainError),
    #[error("comando {index} del lotto rifiutato: {error}")]
    Batch { index: usize, error: DomainError },
    #[error("errore del database: {0}")]
    Sled(#[from] sled::Error),
    #[error("dato illeggibile nell'archivio {tree} (chiave {key}): {detail}")]
    Corrupt {
        tree: &'static str,
        key: String,
        detail: String,
    },
    #[error(
        "il database usa lo schema {found}, questa versione di alloggi conosce fino allo schema {supported}: aggiornare alloggi"
    )]
    SchemaTooNew { found: u32, supported: u32 },
    #[error(
        "il database {} contiene un ripristino interrotto: cancellare la cartella e ripetere il ripristino",
        .0.display()
    )]
    RestoreInterrupted(PathBuf),
    #[error("il database {} non esiste: indicare la cartella giusta con --db", .0.display())]
    Missing(PathBuf),
    #[error("il database non è vuoto: il ripristino si fa solo in un database nuovo")]
    NotEmpty,
    /// `line` 0: the file as a whole, not one line of it.
    #[error("copia di sicurezza{}: {detail}", at_line(*.line))]
    Backup { line: usize, detail: String },
    #[error("errore di lettura/scrittura: {}", crate::files::reasons::io_reason(.0))]
    Io(#[from] std::io::Error),
    #[error("il messaggio {0} non esiste")]
    UnknownMessage(crate::messages::outbox::OutboxId),
    #[error("{0}")]
    Message(String),
    #[error(
        "un messaggio identico per lo stesso destinatario è già nella coda ({0}): non si invia due volte"
    )]
    DuplicateMessage(crate::messages::outbox::OutboxId),
    #[error("non si può {action} il messaggio {id}: è {state}")]
    MessageState {
        id: crate::messages::outbox::OutboxId,
        state: String,
        action: &'static str,
    },
    #[error("ricevute rifiutate, nulla è cambiato: {0}")]
    Receipt(String),
    #[error("i dati sono cambiati mentre si calcolava la graduatoria: riprovare")]
    Changed,
    /// A step that must tell everyone it concerns, refused because some messages do not compose.
    #[error("{}", crate::store::unsent::refusal(.0))]
    NotComposed(crate::store::unsent::Unsent),
    /// Carries a preview out of the transaction that built it; never shown.
    #[error("anteprima")]
    Preview(Box<crate::store::outbox::Preview>),
}

impl StoreError {
    pub(crate) fn corrupt(tree: &'static str, key: &[u8], detail: impl ToString) -> Self {
        StoreError::Corrupt {
            tree,
            key: String::from_utf8(key.to_vec()).unwrap_or_else(|_| crate::store::keys::hex(key)),
            detail: detail.to_string(),
        }
    }
}

fn at_line(line: usize) -> String {
    match line {
        0 => String::new(),
        n => format!(", riga {n}"),
    }
}
