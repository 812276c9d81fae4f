//! Faults told in Italian: the system's reading errors and the TOML parser's messages.

pub(super) fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "il file non esiste".into(),
        ErrorKind::PermissionDenied => "permesso negato".into(),
        ErrorKind::InvalidData => "il file non è testo UTF-8".into(),
        ErrorKind::IsADirectory => "è una cartella, non un file".into(),
        _ => format!("errore di sistema ({e})"),
    }
}

/// The TOML and serde messages are English: the office reads Italian. The common ones are
/// translated; the others keep the original detail after an Italian lead.
pub(super) fn italian(message: &str) -> String {
    let first = message.lines().next().unwrap_or("").trim();
    let quoted = |rest: &str| rest.split('`').next().unwrap_or("").to_string();
    if let Some(rest) = first.strip_prefix("unknown field `") {
        let name = quoted(rest);
        // "…, expected one of `a`, `b`": the names are every other backtick-delimited piece.
        let allowed: Vec<&str> = rest.split('`').skip(2).step_by(2).collect();
        return if allowed.is_empty() {
            format!("chiave '{name}' sconosciuta")
        } else {
            format!(
                "chiave '{name}' sconosciuta (ammesse: {})",
                allowed.join(", ")
            )
        };
    }
    if let Some(rest) = first.strip_prefix("missing field `") {
        return format!("manca la chiave '{}'", quoted(rest));
    }
    if let Some(rest) = first.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, "altro"));
        return format!(
            "valore del tipo sbagliato: trovato {}, atteso {}",
            type_words(found),
            type_words(expected)
        );
    }
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
    format!("TOML non valido: {}", message.replace('\n', " ").trim())
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
