//! Faults told in Italian: the system's reading errors and the messages of the TOML and JSON
//! parsers, which are English. Every reader of a file the office writes by hand or carries
//! between machines words its faults through here.

pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "il file o la cartella non esiste".into(),
        ErrorKind::PermissionDenied => "permesso negato".into(),
        ErrorKind::InvalidData => "il file non è testo UTF-8".into(),
        ErrorKind::IsADirectory => "è una cartella, non un file".into(),
        ErrorKind::NotADirectory => "una parte del percorso non è una cartella".into(),
        ErrorKind::AlreadyExists => "esiste già".into(),
        ErrorKind::StorageFull => "disco pieno".into(),
        ErrorKind::QuotaExceeded => "spazio disponibile esaurito (quota)".into(),
        ErrorKind::ReadOnlyFilesystem => "il disco è in sola lettura".into(),
        ErrorKind::CrossesDevices => "sposta tra dischi diversi: non ammesso".into(),
        ErrorKind::UnexpectedEof => "il file finisce a metà".into(),
        ErrorKind::FileTooLarge => "file troppo grande".into(),
        ErrorKind::InvalidFilename => "nome del file non valido".into(),
        // The system's own words are English: the number identifies the fault for a technician.
        _ => match e.raw_os_error() {
            Some(code) => format!("errore di sistema n. {code}"),
            None => e.to_string(),
        },
    }
}

/// An operating-system fault about a file, with its path: `dati.csv: il file o la cartella non esiste`.
pub fn io_fault(path: &std::path::Path, e: &std::io::Error) -> String {
    format!("{}: {}", path.display(), io_reason(e))
}

/// A TOML parser's message in Italian; the line is told apart, from the error's span.
pub fn toml(message: &str) -> String {
    if let Some(it) = serde_data(message) {
        return it;
    }
    let first = message.lines().next().unwrap_or("").trim();
    const SYNTAX: [(&str, &str); 12] = [
        ("duplicate key", "chiave ripetuta"),
        (
            "invalid basic string",
            "testo non chiuso: manca il \" finale",
        ),
        (
            "invalid multi-line basic string",
            "testo su più righe non chiuso",
        ),
        (
            "string values must be quoted",
            "i testi vanno tra virgolette",
        ),
        ("missing value", "manca il valore dopo '='"),
        ("unclosed array", "lista non chiusa: manca ']'"),
        (
            "unclosed inline table",
            "tabella in linea non chiusa: manca '}'",
        ),
        ("unclosed table", "intestazione non chiusa: manca ']'"),
        (
            "unclosed array table",
            "intestazione non chiusa: manca ']]'",
        ),
        (
            "missing comma between array elements",
            "manca la virgola tra gli elementi della lista",
        ),
        (
            "missing assignment between key-value pairs",
            "manca '=' dopo la chiave",
        ),
        ("key with no value", "chiave senza valore: manca '= valore'"),
    ];
    // The longest matching prefix wins: "unclosed array table" before "unclosed array".
    if let Some((_, it)) = SYNTAX
        .iter()
        .filter(|(en, _)| first.starts_with(en))
        .max_by_key(|(en, _)| en.len())
    {
        return (*it).to_string();
    }
    "sintassi TOML non valida".to_string()
}

/// A JSON reader's error in Italian, with its line and column: `riga 3, colonna 7: …`.
pub fn json(error: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let message = error.to_string();
    // serde_json appends " at line L column C"; the place is told in Italian instead.
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(m, _)| m);
    let reason = match error.classify() {
        Category::Eof => "il testo finisce a metà: file troncato?".to_string(),
        Category::Io => "lettura non riuscita".to_string(),
        // Our own checks speak Italian already and pass through.
        Category::Data => serde_data(message).unwrap_or_else(|| message.to_string()),
        Category::Syntax => json_syntax(message).to_string(),
    };
    format!(
        "riga {}, colonna {}: {reason}",
        error.line(),
        error.column()
    )
}

fn json_syntax(message: &str) -> &'static str {
    const SYNTAX: [(&str, &str); 10] = [
        ("expected value", "manca un valore"),
        ("expected `:`", "manca ':' dopo il nome"),
        ("expected `,` or `]`", "manca ',' o ']'"),
        ("expected `,` or `}`", "manca ',' o '}'"),
        ("trailing characters", "testo in più dopo la fine"),
        ("trailing comma", "virgola di troppo"),
        ("key must be a string", "il nome deve essere tra virgolette"),
        ("invalid escape", "sequenza con \\ non valida"),
        ("invalid number", "numero non valido"),
        (
            "control character",
            "carattere di controllo dentro un testo",
        ),
    ];
    SYNTAX
        .iter()
        .find(|(en, _)| message.starts_with(en))
        .map_or("JSON non valido", |(_, it)| it)
}

/// serde's own messages, the same for every format: a missing, unknown or repeated field, a
/// value of the wrong type or not among those admitted.
fn serde_data(message: &str) -> Option<String> {
    let first = message.lines().next().unwrap_or("").trim();
    let quoted = |rest: &str| rest.split('`').next().unwrap_or("").to_string();
    if let Some(rest) = first.strip_prefix("unknown variant `") {
        let name = quoted(rest);
        let allowed: Vec<&str> = rest.split('`').skip(2).step_by(2).collect();
        return Some(if allowed.is_empty() {
            format!("valore '{name}' non ammesso")
        } else {
            format!(
                "valore '{name}' non ammesso (ammessi: {})",
                allowed.join(", ")
            )
        });
    }
    if let Some(rest) = first.strip_prefix("duplicate field `") {
        return Some(format!("chiave '{}' ripetuta", quoted(rest)));
    }
    if let Some(rest) = first.strip_prefix("invalid value: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, "altro"));
        return Some(format!(
            "valore non ammesso: trovato {}, atteso {}",
            type_words(found),
            type_words(expected)
        ));
    }
    if let Some(rest) = first.strip_prefix("invalid length ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, "altro"));
        return Some(format!("lunghezza {found} non ammessa, attesa {expected}"));
    }
    if let Some(rest) = first.strip_prefix("unknown field `") {
        let name = quoted(rest);
        // "…, expected one of `a`, `b`": the names are every other backtick-delimited piece.
        let allowed: Vec<&str> = rest.split('`').skip(2).step_by(2).collect();
        return Some(if allowed.is_empty() {
            format!("chiave '{name}' sconosciuta")
        } else {
            format!(
                "chiave '{name}' sconosciuta (ammesse: {})",
                allowed.join(", ")
            )
        });
    }
    if let Some(rest) = first.strip_prefix("missing field `") {
        return Some(format!("manca la chiave '{}'", quoted(rest)));
    }
    if let Some(rest) = first.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, "altro"));
        return Some(format!(
            "valore del tipo sbagliato: trovato {}, atteso {}",
            type_words(found),
            type_words(expected)
        ));
    }
    None
}

fn type_words(text: &str) -> String {
    const WORDS: [(&str, &str); 12] = [
        ("a string", "un testo tra virgolette"),
        ("a boolean", "true o false"),
        ("a sequence", "una lista [ … ]"),
        ("a map", "una tabella"),
        ("i64", "un numero intero"),
        ("floating point", "il numero decimale"),
        ("integer", "il numero intero"),
        ("string", "il testo"),
        ("boolean", "il valore"),
        ("sequence", "una lista"),
        ("map", "una tabella"),
        ("datetime", "la data"),
    ];
    WORDS
        .iter()
        .find(|(en, _)| text.starts_with(en))
        .map(|(en, it)| format!("{it}{}", &text[en.len()..]))
        .unwrap_or_else(|| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    enum Esito {
        Inviato,
        Respinto,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Riga {
        id: String,
        esito: Esito,
    }

    /// The reason, having checked that the place comes first.
    fn json_reason(text: &str) -> String {
        let told = json(&serde_json::from_str::<Riga>(text).unwrap_err());
        assert!(told.starts_with("riga 1, colonna "), "{told}");
        told.split_once(": ")
            .map(|(_, r)| r.to_string())
            .unwrap_or(told)
    }

    #[test]
    fn json_faults_are_told_in_italian_with_their_place() {
        assert_eq!(
            json_reason("{\"id\": \"M1\", \"esito\": "),
            "il testo finisce a metà: file troncato?"
        );
        assert_eq!(
            json_reason("{\"id\": \"M1\", \"esito\": \"Perso\"}"),
            "valore 'Perso' non ammesso (ammessi: Inviato, Respinto)"
        );
        assert_eq!(json_reason("{\"id\": \"M1\"}"), "manca la chiave 'esito'");
        assert_eq!(
            json_reason("{\"id\": \"M1\",, }"),
            "il nome deve essere tra virgolette"
        );
        assert_eq!(
            json_reason("{\"id\": \"M1\", \"esito\": \"Inviato\"} x"),
            "testo in più dopo la fine"
        );
    }

    #[test]
    fn toml_faults_are_told_in_italian() {
        assert_eq!(
            toml("unclosed table, expected `]`"),
            "intestazione non chiusa: manca ']'"
        );
        assert_eq!(toml("something new"), "sintassi TOML non valida");
        assert_eq!(
            toml("unknown variant `x`, expected `a` or `b`"),
            "valore 'x' non ammesso (ammessi: a, b)"
        );
    }
}
