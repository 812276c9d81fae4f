//! Italian IBANs (`IT`, 27 characters), checked with the ISO 13616 mod-97 rule, and pagoPA's
//! taxonomy codes: the account and the service a pagoPA notice is paid to.

/// An Italian IBAN without spaces, in upper case, check digits verified.
pub fn parse_italian_iban(input: &str) -> Result<String, String> {
    let iban: String = input
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    if iban.is_empty() {
        return Err("IBAN mancante".to_string());
    }
    if !iban.starts_with("IT") {
        return Err("deve essere un IBAN italiano, che inizia con IT".to_string());
    }
    let count = iban.chars().count();
    if count != 27 {
        return Err(format!("lunghezza errata: {count} caratteri invece di 27"));
    }
    let b = iban.as_bytes();
    let shape = b[2..4].iter().all(u8::is_ascii_digit)
        && b[4].is_ascii_uppercase()
        && b[5..15].iter().all(u8::is_ascii_digit)
        && b[15..].iter().all(u8::is_ascii_alphanumeric);
    if !shape {
        return Err(
            "forma errata: IT, 2 cifre di controllo, una lettera (CIN), 10 cifre (ABI e CAB) e 12 caratteri del conto"
                .to_string(),
        );
    }
    if mod97(&iban) != 1 {
        return Err(
            "cifre di controllo errate: ricopiare l'IBAN dal documento della banca".to_string(),
        );
    }
    Ok(iban)
}

/// ISO 13616: the first four characters moved to the end, letters as 10–35, the number mod 97.
fn mod97(iban: &str) -> u32 {
    let (head, tail) = iban.split_at(4);
    tail.chars().chain(head.chars()).fold(0u32, |rest, c| {
        let value = c.to_digit(36).unwrap_or(0);
        if value >= 10 {
            (rest * 100 + value) % 97
        } else {
            (rest * 10 + value) % 97
        }
    })
}

/// `9/` + 7 digits (kind of body, area, type) + 2 letters (legal ground) + `/`, e.g.
/// `9/0101108TS/`: the «dati specifici di riscossione» pagoPA wants in every transfer.
pub fn parse_taxonomy(input: &str) -> Result<String, String> {
    let code = input.trim();
    let b = code.as_bytes();
    let ok = b.len() == 12
        && code.starts_with("9/")
        && b[2..9].iter().all(u8::is_ascii_digit)
        && b[9..11].iter().all(u8::is_ascii_uppercase)
        && b[11] == b'/';
    if ok {
        Ok(code.to_string())
    } else {
        Err(format!(
            "«{code}» non è un codice della tassonomia pagoPA: scriverlo come 9/0101108TS/ (9/, sette cifre, due lettere, /)"
        ))
    }
}

/// The two digits pagoPA assigned to the Comune, first of every IUV.
pub fn parse_segregation_code(input: &str) -> Result<String, String> {
    let code = input.trim();
    if code.len() == 2 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(code.to_string())
    } else {
        Err(format!(
            "«{code}» non è un codice di segregazione: servono 2 cifre, tra virgolette (per esempio \"01\")"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_ibans_are_normalised() {
        assert_eq!(
            parse_italian_iban("it60 x054 2811 1010 0000 0123 456").unwrap(),
            "IT60X0542811101000000123456"
        );
        assert_eq!(
            parse_italian_iban("IT42L1234512345123456789012").unwrap(),
            "IT42L1234512345123456789012"
        );
    }

    #[test]
    fn bad_ibans_are_refused_in_italian() {
        assert_eq!(
            parse_italian_iban("IT61X0542811101000000123456").unwrap_err(),
            "cifre di controllo errate: ricopiare l'IBAN dal documento della banca"
        );
        assert!(
            parse_italian_iban("DE89370400440532013000")
                .unwrap_err()
                .contains("italiano")
        );
        assert!(
            parse_italian_iban("IT60X054281110100000012345")
                .unwrap_err()
                .contains("26 caratteri")
        );
        assert!(
            parse_italian_iban("IT6XX0542811101000000123456")
                .unwrap_err()
                .starts_with("forma errata")
        );
        assert!(
            parse_italian_iban("IT60X05428111010000001234-6")
                .unwrap_err()
                .starts_with("forma errata")
        );
        assert_eq!(parse_italian_iban(" ").unwrap_err(), "IBAN mancante");
    }

    #[test]
    fn taxonomy_and_segregation_codes() {
        assert_eq!(parse_taxonomy(" 9/0101108TS/ ").unwrap(), "9/0101108TS/");
        for bad in [
            "0101108TS",
            "9/0101108TS",
            "9/010110TS/",
            "9/0101108ts/",
            "8/0101108TS/",
        ] {
            assert!(parse_taxonomy(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_segregation_code("01").unwrap(), "01");
        for bad in ["1", "001", "a1", ""] {
            assert!(parse_segregation_code(bad).is_err(), "{bad}");
        }
    }
}
