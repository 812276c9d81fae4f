//! Durations typed on the command line: `90s`, `5m`, `1h`, `1m30s`, or plain seconds.

use std::time::Duration;

/// A day: a longer limit for one command is a typo.
const MAX: Duration = Duration::from_secs(24 * 3600);

/// Parses `text` for clap, answering in Italian.
pub fn parse(text: &str) -> Result<Duration, String> {
    let error = || {
        format!(
            "durata «{text}» non valida: indicare un numero seguito da s (secondi), m (minuti) o h (ore), per esempio 90s, 5m, 1h30m"
        )
    };
    let value = text.trim();
    if value.is_empty() {
        return Err(error());
    }
    if value.bytes().all(|b| b.is_ascii_digit()) {
        let seconds: u64 = value.parse().map_err(|_| error())?;
        return checked(Duration::from_secs(seconds)).ok_or_else(error);
    }
    let mut total = Duration::ZERO;
    let mut digits = String::new();
    for c in value.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c.to_ascii_lowercase() {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            _ => return Err(error()),
        };
        let amount: u64 = digits.parse().map_err(|_| error())?;
        digits.clear();
        total = amount
            .checked_mul(unit)
            .and_then(|s| total.checked_add(Duration::from_secs(s)))
            .ok_or_else(error)?;
    }
    if !digits.is_empty() {
        return Err(error());
    }
    checked(total).ok_or_else(error)
}

fn checked(duration: Duration) -> Option<Duration> {
    (!duration.is_zero() && duration <= MAX).then_some(duration)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_minutes_hours_and_combinations() {
        assert_eq!(parse("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse(" 2M "), Ok(Duration::from_secs(120)));
        assert_eq!(parse("45"), Ok(Duration::from_secs(45)));
    }

    #[test]
    fn nonsense_is_refused_in_italian() {
        for bad in [
            "",
            "0",
            "0s",
            "5x",
            "m",
            "5m3",
            "-5s",
            "1.5m",
            "25h",
            "99999999999999999999s",
        ] {
            let err = parse(bad).unwrap_err();
            assert!(
                err.contains("non valida") && err.contains("90s"),
                "{bad}: {err}"
            );
        }
    }
}
