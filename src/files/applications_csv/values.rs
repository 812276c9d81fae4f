//! The values of a cell: lists of codes, whole numbers, percentages, yes and no.

pub(super) const MAX_AREA_M2: u32 = 9_999;

/// Comma-separated codes; blanks between commas are ignored.
pub(super) fn list(value: &str) -> impl Iterator<Item = &str> {
    value.split(',').map(str::trim).filter(|c| !c.is_empty())
}

/// None for an empty cell, else the parsed value.
pub(super) fn optional<T, E>(
    value: &str,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Result<Option<T>, E> {
    if value.is_empty() {
        Ok(None)
    } else {
        parse(value).map(Some)
    }
}

/// A whole number from 0 to `max`.
pub(super) fn parse_whole(value: &str, max: u32) -> Result<u32, String> {
    let value = value.trim();
    let bad = || format!("'{value}' non è un numero intero tra 0 e {max}");
    if value.is_empty() || value.len() > 6 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    match value.parse::<u32>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err(bad()),
    }
}

/// Invalidity percentage, 0 to 100; empty means 0 and a trailing '%' is tolerated.
pub(super) fn parse_percent(value: &str) -> Result<u8, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(0);
    }
    let digits = value.strip_suffix('%').map_or(value, str::trim_end);
    parse_whole(digits, 100)
        .map(|n| u8::try_from(n).unwrap_or(u8::MAX))
        .map_err(|_| format!("'{value}' non è una percentuale intera tra 0 e 100"))
}

/// `si` / `sì` / `no`, any case; empty means no.
pub(super) fn parse_yes_no(value: &str) -> Result<bool, String> {
    match value.trim().to_lowercase().as_str() {
        "" | "no" => Ok(false),
        "si" | "sì" => Ok(true),
        _ => Err(format!("'{}' non valido: usa si o no", value.trim())),
    }
}
