//! Texts only the Graduatoria uses: its own actions' descriptions, then the rest.

use crate::tui::strings::ranking_counts;

/// The global action that shows it.
pub const GO_TO: &str = "graduatoria";

pub const CYCLE_VERSION: &str = "versione";
pub const PUBLISH_PROVISIONAL: &str = "pubblica provv.";
pub const PUBLISH_DEFINITIVE: &str = "pubblica def.";
pub const EXPORT_RANKING: &str = "esporta";

pub const SCREEN_RANKING: &str = "Graduatoria";

pub const RANKING_COLUMNS: [&str; 9] = [
    "Pos.",
    "Protocollo",
    "Richiedente",
    "Totale",
    "Sogg.",
    "Ogg.",
    "ISEE",
    "Comp.",
    "Spareggio",
];

pub const LOADING_RANKING: &str = "Calcolo della graduatoria…";
pub const RANKING_LIVE: &str = "Graduatoria attuale, non pubblicata";
pub const RANKING_NO_ROWS: &str = "Nessuna domanda in questo elenco";
pub const RANKING_EMPTY: &str = "nessuna domanda da mettere in graduatoria";
pub const RANKING_SEARCH_PROMPT: &str = "Cerca (protocollo o nome)";
pub const RANK_EXCLUDED: &str = "esclusa";
pub const RANK_FILTER_ADMITTED: &str = "Ammesse";
pub const RANK_FILTER_EXCLUDED: &str = "Escluse";
pub const RANK_FILTER_TIED: &str = "Pari merito";
pub const RANK_FILTER_OBJECTION: &str = "Con opposizione";
pub const RULESET_EXAMPLE: &str = "tabella di ESEMPIO";

pub const RULESET_EXAMPLE_LONG: &str =
    "tabella di ESEMPIO: va sostituita con quella del regolamento comunale";

pub fn loading_version(number: u32) -> String {
    format!("Lettura della graduatoria n. {number}…")
}

/// "Graduatoria provvisoria n. 1 del 10/12/2024".
pub fn version_title(kind: &str, number: u32, date: &str) -> String {
    format!("Graduatoria {kind} n. {number} del {date}")
}

pub fn published_by(by: &str) -> String {
    format!("pubblicata da {by}")
}

pub fn objections_until(date: &str, open: bool) -> String {
    if open {
        format!("opposizioni fino al {date}")
    } else {
        format!("opposizioni chiuse il {date}")
    }
}

/// At the right of the version line: how many versions there are and the key that shows them.
pub fn versions_hint(versions: usize, key: &str) -> String {
    match versions {
        0 => "nessuna pubblicata".to_string(),
        1 => format!("1 pubblicata · {key} cambia"),
        n => format!("{n} pubblicate · {key} cambia"),
    }
}

pub fn ranking_version_missing(number: u32) -> String {
    format!("la graduatoria n. {number} non c'è nel database")
}

pub fn still_pending(n: usize) -> String {
    format!("{} in istruttoria", crate::domain::number::count(n))
}

pub fn were_pending(n: usize) -> String {
    match n {
        1 => "1 era in istruttoria".to_string(),
        n => format!("{} erano in istruttoria", crate::domain::number::count(n)),
    }
}

pub fn unresolved_ties(groups: usize) -> String {
    match groups {
        1 => "1 gruppo pari merito da sorteggiare".to_string(),
        n => format!(
            "{} gruppi pari merito da sorteggiare",
            crate::domain::number::count(n)
        ),
    }
}

pub fn drawn(groups: usize, seed: u64) -> String {
    match groups {
        1 => format!("sorteggio di 1 gruppo, seme {seed}"),
        n => format!(
            "sorteggio di {} gruppi, seme {seed}",
            crate::domain::number::count(n)
        ),
    }
}

pub fn objections_open(n: usize) -> String {
    match n {
        1 => "1 opposizione da decidere".to_string(),
        n => format!("{} opposizioni da decidere", crate::domain::number::count(n)),
    }
}

pub fn settled_by(how: &str) -> String {
    format!("spareggio: {how}")
}

/// What the publication writes, at the top of its warnings.
pub fn publish_summary(
    kind: &str,
    number: u32,
    admitted: usize,
    excluded: usize,
    deadline: Option<&str>,
) -> String {
    let mut text = format!(
        "Pubblica la graduatoria {kind} n. {number}: {}",
        ranking_counts(admitted, excluded)
    );
    if let Some(deadline) = deadline {
        text.push_str(&format!(" · opposizioni fino al {deadline}"));
    }
    text
}

pub fn publish_pending(n: usize) -> String {
    match n {
        1 => "1 domanda ancora in istruttoria non entra in graduatoria".to_string(),
        n => format!(
            "{} domande ancora in istruttoria non entrano in graduatoria",
            crate::domain::number::count(n)
        ),
    }
}

pub fn publish_draw(groups: usize, seed: u64) -> String {
    match groups {
        1 => format!(
            "1 gruppo a pari merito (=?) si ordina per sorteggio: seme {seed}, scritto nel registro"
        ),
        n => format!(
            "{} gruppi a pari merito (=?) si ordinano per sorteggio: seme {seed}, scritto nel registro",
            crate::domain::number::count(n)
        ),
    }
}

pub fn export_only_published(version_key: &str) -> String {
    format!("si esportano solo le graduatorie pubblicate: {version_key} sceglie una versione")
}

pub fn export_file_name(call: &str, number: u32) -> String {
    format!("graduatoria-{call}-n{number}.csv")
}

pub fn cannot_write(path: &str, error: &str) -> String {
    format!("{path}: impossibile scrivere: {error}")
}

pub fn ranking_exported(path: &str, what: &str, title: &str, rows: usize) -> String {
    format!(
        "{path}: {what} della {title}, {}",
        crate::domain::number::plural(rows, "riga", "righe")
    )
}

pub const FORM_EXPORT_RANKING: &str = "Esporta la graduatoria pubblicata";
pub const FIELD_EXPORT_FILE: &str = "File";
pub const FIELD_EXPORT_KIND: &str = "Elenco";
pub const EXPORT_PUBLIC: &str = "pubblico: protocollo, posizione, punteggio (CSV)";
pub const EXPORT_INTERNAL: &str = "interno: con nomi, solo per l'ufficio (CSV)";
pub const EXPORT_NOTICE: &str = "albo: testo da affiggere";

/// The publication is refused while some applicant cannot be told: how many, and the first.
pub fn publish_unsent(unsent: &crate::office::Unsent) -> String {
    let mut text = format!(
        "pubblicazione impossibile: il messaggio non si compone per {} richiedenti",
        crate::domain::number::count(unsent.total)
    );
    if let Some((id, reason)) = unsent.first.first() {
        text.push_str(&format!(" (domanda {id}: {reason})"));
    }
    text.push_str("; l'elenco con «alloggi ranking publish»");
    text
}
