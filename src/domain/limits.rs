//! How long a text the office keeps may be. A surname of fifty megabytes is a broken file or
//! an attack, never a person: each kind of text has a bound, checked where it enters.

use super::error::DomainError;

/// A surname or a given name.
pub const NAME: usize = 100;
/// A street with its number, a municipality.
pub const ADDRESS: usize = 200;
/// The portal's identifier of an application.
pub const EXTERNAL_ID: usize = 100;
/// A cell of an imported file.
pub const CELL: usize = 1_000;
/// Any other text a command carries: a note, a reason, a call's description. IO itself takes
/// at most 10.000 characters of message text.
pub const ANY: usize = 10_000;

/// `text` has at most `max` characters.
pub fn check(field: &'static str, text: &str, max: usize) -> Result<(), DomainError> {
    // Bytes bound characters from above: the count is needed only near the bound.
    if text.len() <= max {
        return Ok(());
    }
    let chars = text.chars().count();
    if chars <= max {
        return Ok(());
    }
    Err(DomainError::invalid(field, too_long(chars, max)))
}

/// The reason a text over its bound is refused; the text itself is never echoed.
pub fn too_long(chars: usize, max: usize) -> String {
    format!(
        "testo troppo lungo: {} caratteri, al massimo {}",
        super::number::count(chars),
        super::number::count(max)
    )
}

/// A name as people write it: within `NAME`, on one line, with no control characters.
pub fn check_name(field: &'static str, text: &str) -> Result<(), DomainError> {
    check_line(field, text, NAME)
}

/// One line of at most `max` characters, with no control characters.
pub fn check_line(field: &'static str, text: &str, max: usize) -> Result<(), DomainError> {
    check(field, text, max)?;
    if text.chars().any(char::is_control) {
        return Err(DomainError::invalid(
            field,
            "caratteri di controllo non ammessi",
        ));
    }
    Ok(())
}

/// Every text in `value` (a command as plain data) is within `ANY`; the first that is not is
/// named by the field that holds it. A bound for the texts no rule of their own bounds,
/// present and future.
pub fn check_all(value: &serde_json::Value) -> Result<(), DomainError> {
    fn walk(value: &serde_json::Value, name: &str) -> Result<(), DomainError> {
        match value {
            serde_json::Value::String(text) => check("testo", text, ANY)
                .map_err(|e| DomainError::invalid("testo", format!("«{name}»: {}", reason(&e)))),
            serde_json::Value::Array(items) => items.iter().try_for_each(|item| walk(item, name)),
            serde_json::Value::Object(fields) => fields
                .iter()
                .try_for_each(|(field, item)| walk(item, field)),
            _ => Ok(()),
        }
    }
    walk(value, "testo")
}

fn reason(error: &DomainError) -> String {
    match error {
        DomainError::Invalid { reason, .. } => reason.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_text_over_its_bound_is_refused_without_echoing_it() {
        let long = "R".repeat(NAME + 1);
        let err = check_name("cognome", &long).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("101 caratteri, al massimo 100"), "{text}");
        assert!(!text.contains(&long));
        assert!(check_name("cognome", &"è".repeat(NAME)).is_ok());
        assert!(check_name("cognome", "Rossi\u{1b}[31m").is_err());
    }

    #[test]
    fn every_text_of_a_value_is_bounded_and_named() {
        let value = serde_json::json!({"ricevuta": {"note": ["ok", "x".repeat(ANY + 1)]}});
        let err = check_all(&value).unwrap_err();
        assert!(err.to_string().contains("note"), "{err}");
        assert!(check_all(&serde_json::json!({"note": "x".repeat(ANY)})).is_ok());
    }

    proptest! {
        #[test]
        fn the_bound_counts_characters_not_bytes(text in "\\PC{0,120}") {
            let chars = text.chars().count();
            prop_assert_eq!(check("campo", &text, 100).is_ok(), chars <= 100);
        }
    }
}
