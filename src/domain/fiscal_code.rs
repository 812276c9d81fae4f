//! Codice fiscale of persons (16 characters) and of organisations (11 digits).
//!
//! A value of these types is always valid: it can only be obtained through
//! `parse` or `build`, and deserialisation goes through `parse` too.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Month letters, January to December.
const MONTH_LETTERS: &[u8; 12] = b"ABCDEHLMPRST";
/// Omocodia letters standing for the digits 0 to 9.
const OMOCODE_LETTERS: &[u8; 10] = b"LMNPQRSTUV";
/// 0-based positions of the digits that omocodia may turn into letters, left to right.
const OMOCODE_POSITIONS: [usize; 7] = [6, 7, 9, 10, 12, 13, 14];
/// Check-character values of A..Z (and of 0..9, which count as A..J) at odd positions.
const ODD_VALUES: [u32; 26] = [
    1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
];

const EXPECT_LETTER: &str = "una lettera";
const EXPECT_DIGIT_OR_OMOCODE: &str = "una cifra o una lettera tra L e V (esclusa O)";
const EXPECT_MONTH: &str = "una lettera del mese (A B C D E H L M P R S T)";
const EXPECT_DIGIT: &str = "una cifra";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FiscalCodeError {
    #[error("codice fiscale mancante")]
    Empty,
    #[error("lunghezza errata: {found} caratteri invece di {expected}")]
    Length { expected: usize, found: usize },
    #[error("carattere non valido '{found}' in posizione {position}: atteso {expected}")]
    BadChar {
        position: usize,
        found: char,
        expected: &'static str,
    },
    #[error("carattere di controllo errato: atteso {expected}, trovato {found}")]
    CheckChar { expected: char, found: char },
    #[error("giorno di nascita non valido: {day}")]
    BadDay { day: u32 },
    #[error(
        "data di nascita inesistente: 29 febbraio di un anno «{year:02}» non bisestile in nessun secolo; controllare giorno, mese e anno"
    )]
    NotLeapYear { year: u32 },
    #[error("cifra di controllo errata: attesa {expected}, trovata {found}")]
    CheckDigit { expected: char, found: char },
    #[error("cognome o nome senza lettere")]
    BadName,
    #[error("codice catastale del comune non valido")]
    BadBelfiore,
}

/// What each of the 16 positions of a person's code may hold.
#[derive(Clone, Copy)]
enum Slot {
    Letter,
    DigitOrOmocode,
    Month,
}

const LAYOUT: [Slot; 16] = {
    use Slot::{DigitOrOmocode as D, Letter as L, Month as M};
    [L, L, L, L, L, L, D, D, M, D, D, L, D, D, D, L]
};

impl Slot {
    fn accepts(self, c: char) -> bool {
        match self {
            Slot::Letter => c.is_ascii_uppercase(),
            Slot::DigitOrOmocode => c.is_ascii_digit() || omocode_value(c).is_some(),
            Slot::Month => month_of_letter(c).is_some(),
        }
    }

    fn expected(self) -> &'static str {
        match self {
            Slot::Letter => EXPECT_LETTER,
            Slot::DigitOrOmocode => EXPECT_DIGIT_OR_OMOCODE,
            Slot::Month => EXPECT_MONTH,
        }
    }
}

fn omocode_value(c: char) -> Option<u32> {
    let b = u8::try_from(c).ok()?;
    let i = OMOCODE_LETTERS.iter().position(|&l| l == b)?;
    u32::try_from(i).ok()
}

/// Digit value of a digit or of its omocodia letter.
fn digit_value(c: char) -> Option<u32> {
    c.to_digit(10).or_else(|| omocode_value(c))
}

fn month_of_letter(c: char) -> Option<u32> {
    let b = u8::try_from(c).ok()?;
    let i = MONTH_LETTERS.iter().position(|&l| l == b)?;
    u32::try_from(i + 1).ok()
}

/// Largest day of a month; February allows 29 because the century is unknown.
fn max_day(month: u32) -> u32 {
    match month {
        2 => 29,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The real dates a code's day, month and two-digit year may stand for, one per century that
/// fits (the code does not say which).
fn possible_birth_dates(year: u32, month: u32, day: u32) -> impl Iterator<Item = NaiveDate> {
    [1800, 1900, 2000]
        .into_iter()
        .filter_map(move |century: i32| {
            let year = century + i32::try_from(year).ok()?;
            NaiveDate::from_ymd_opt(year, month, day)
        })
}

/// Fiscal code of a natural person: 16 uppercase characters, checked.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonFiscalCode(String);

impl PersonFiscalCode {
    /// Parses user input: surrounding spaces and lowercase are tolerated.
    pub fn parse(input: &str) -> Result<Self, FiscalCodeError> {
        let code = input.trim().to_uppercase();
        if code.is_empty() {
            return Err(FiscalCodeError::Empty);
        }
        let found = code.chars().count();
        if found != 16 {
            return Err(FiscalCodeError::Length {
                expected: 16,
                found,
            });
        }
        for (i, (c, slot)) in code.chars().zip(LAYOUT).enumerate() {
            if !slot.accepts(c) {
                return Err(FiscalCodeError::BadChar {
                    position: i + 1,
                    found: c,
                    expected: slot.expected(),
                });
            }
        }
        // From here on every character is ASCII, so byte slicing is safe.
        let candidate = PersonFiscalCode(code);
        let raw_day = candidate.raw_day();
        let (day, month) = candidate.birth_day_month();
        if !(1..=max_day(month)).contains(&day) {
            return Err(FiscalCodeError::BadDay { day: raw_day });
        }
        let year = candidate.birth_year_two_digits();
        if possible_birth_dates(year, month, day).next().is_none() {
            return Err(FiscalCodeError::NotLeapYear { year });
        }
        let (first15, last) = candidate.0.split_at(15);
        let found = last.chars().next().unwrap_or('?');
        match check_char(first15) {
            Some(expected) if expected == found => Ok(candidate),
            Some(expected) => Err(FiscalCodeError::CheckChar { expected, found }),
            // Unreachable after the layout check, reported as a wrong check character anyway.
            None => Err(FiscalCodeError::CheckChar {
                expected: '?',
                found,
            }),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Check character (CIN) of the first 15 characters of a code.
    pub fn check_char(first15: &str) -> Option<char> {
        check_char(first15)
    }

    /// Builds the code from personal data with the official algorithm (used for demo data).
    pub fn build(
        surname: &str,
        name: &str,
        birth: NaiveDate,
        female: bool,
        belfiore: &str,
    ) -> Result<Self, FiscalCodeError> {
        let surname = fold_letters(surname);
        let name = fold_letters(name);
        if surname.is_empty() || name.is_empty() {
            return Err(FiscalCodeError::BadName);
        }
        let belfiore = belfiore.trim().to_uppercase();
        let b = belfiore.as_bytes();
        let belfiore_ok =
            b.len() == 4 && b[0].is_ascii_uppercase() && b[1..].iter().all(|d| d.is_ascii_digit());
        if !belfiore_ok {
            return Err(FiscalCodeError::BadBelfiore);
        }

        let mut code = String::with_capacity(16);
        code.push_str(&surname_part(&surname));
        code.push_str(&name_part(&name));
        code.push_str(&format!("{:02}", birth.year().rem_euclid(100)));
        code.push(char::from(MONTH_LETTERS[birth.month0() as usize]));
        let day = birth.day() + if female { 40 } else { 0 };
        code.push_str(&format!("{day:02}"));
        code.push_str(&belfiore);
        let cin = check_char(&code).ok_or(FiscalCodeError::BadName)?;
        code.push(cin);
        // Re-validate so that a bug here can never produce an invalid value.
        Self::parse(&code)
    }

    /// True when the day field carries the +40 used for women.
    pub fn is_female(&self) -> bool {
        self.raw_day() > 40
    }

    /// Day (1–31) and month (1–12) of birth.
    pub fn birth_day_month(&self) -> (u32, u32) {
        let raw = self.raw_day();
        let day = if raw > 40 { raw - 40 } else { raw };
        let month = self.0.chars().nth(8).and_then(month_of_letter).unwrap_or(1);
        (day, month)
    }

    pub fn birth_year_two_digits(&self) -> u32 {
        self.digit_at(6) * 10 + self.digit_at(7)
    }

    /// Belfiore (cadastral) code of the birthplace, e.g. "D969".
    pub fn belfiore(&self) -> String {
        let mut out = String::with_capacity(4);
        out.push(self.0.chars().nth(11).unwrap_or('?'));
        for i in 12..15 {
            out.extend(char::from_digit(self.digit_at(i), 10));
        }
        out
    }

    /// The omocodia variant with the rightmost `level` substitutable digits
    /// turned into letters. It starts from the all-digit form, so the result
    /// depends only on the person; `level` 0 gives that canonical form and
    /// values above 7 count as 7.
    pub fn omocode_variant(&self, level: u8) -> Self {
        let mut chars: Vec<char> = self.0.chars().collect();
        for &i in &OMOCODE_POSITIONS {
            chars[i] = char::from_digit(self.digit_at(i), 10).unwrap_or('0');
        }
        for &i in OMOCODE_POSITIONS
            .iter()
            .rev()
            .take(usize::from(level.min(7)))
        {
            let d = self.digit_at(i) as usize;
            chars[i] = char::from(OMOCODE_LETTERS[d]);
        }
        let first15: String = chars[..15].iter().collect();
        match check_char(&first15) {
            Some(cin) => {
                let mut code = first15;
                code.push(cin);
                PersonFiscalCode(code)
            }
            None => self.clone(),
        }
    }

    /// Decoded digit at a 0-based position that holds a digit or omocodia letter.
    fn digit_at(&self, i: usize) -> u32 {
        self.0.chars().nth(i).and_then(digit_value).unwrap_or(0)
    }

    /// Day field as written (after omocodia decoding), including the +40 for women.
    fn raw_day(&self) -> u32 {
        self.digit_at(9) * 10 + self.digit_at(10)
    }
}

fn check_char(first15: &str) -> Option<char> {
    let bytes = first15.as_bytes();
    if bytes.len() != 15 || !bytes.iter().all(u8::is_ascii_alphanumeric) {
        return None;
    }
    let sum: u32 = bytes
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let b = b.to_ascii_uppercase();
            let index = if b.is_ascii_digit() {
                b - b'0'
            } else {
                b - b'A'
            };
            // Position i is 0-based, so even i is an odd (1st, 3rd, ...) position.
            if i % 2 == 0 {
                ODD_VALUES[usize::from(index)]
            } else {
                u32::from(index)
            }
        })
        .sum();
    let offset = u8::try_from(sum % 26).ok()?;
    Some(char::from(b'A' + offset))
}

/// Uppercase ASCII letters of a name, accents stripped; everything else dropped.
fn fold_letters(s: &str) -> Vec<char> {
    s.chars().filter_map(fold_letter).collect()
}

fn fold_letter(c: char) -> Option<char> {
    let folded = match c {
        'A'..='Z' => c,
        'a'..='z' => c.to_ascii_uppercase(),
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'A',
        'È' | 'É' | 'Ê' | 'Ë' | 'è' | 'é' | 'ê' | 'ë' => 'E',
        'Ì' | 'Í' | 'Î' | 'Ï' | 'ì' | 'í' | 'î' | 'ï' => 'I',
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'O',
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'ù' | 'ú' | 'û' | 'ü' => 'U',
        'Ç' | 'ç' => 'C',
        'Ñ' | 'ñ' => 'N',
        _ => return None,
    };
    Some(folded)
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'A' | 'E' | 'I' | 'O' | 'U')
}

/// Consonants, then vowels, then X padding, first three.
fn surname_part(letters: &[char]) -> String {
    let consonants = letters.iter().filter(|c| !is_vowel(**c));
    let vowels = letters.iter().filter(|c| is_vowel(**c));
    consonants
        .chain(vowels)
        .copied()
        .chain(std::iter::repeat('X'))
        .take(3)
        .collect()
}

/// Like the surname, but with more than three consonants take the 1st, 3rd and 4th.
fn name_part(letters: &[char]) -> String {
    let consonants: Vec<char> = letters.iter().copied().filter(|c| !is_vowel(*c)).collect();
    if consonants.len() > 3 {
        [consonants[0], consonants[2], consonants[3]]
            .iter()
            .collect()
    } else {
        surname_part(letters)
    }
}

impl fmt::Display for PersonFiscalCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

impl FromStr for PersonFiscalCode {
    type Err = FiscalCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for PersonFiscalCode {
    type Error = FiscalCodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<PersonFiscalCode> for String {
    fn from(code: PersonFiscalCode) -> String {
        code.0
    }
}

/// Fiscal code of an organisation (e.g. the Comune): 11 digits, Luhn check digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrgFiscalCode(String);

impl OrgFiscalCode {
    pub fn parse(input: &str) -> Result<Self, FiscalCodeError> {
        let code = input.trim();
        if code.is_empty() {
            return Err(FiscalCodeError::Empty);
        }
        let found = code.chars().count();
        if found != 11 {
            return Err(FiscalCodeError::Length {
                expected: 11,
                found,
            });
        }
        let mut digits = [0u32; 11];
        for (i, c) in code.chars().enumerate() {
            digits[i] = c.to_digit(10).ok_or(FiscalCodeError::BadChar {
                position: i + 1,
                found: c,
                expected: EXPECT_DIGIT,
            })?;
        }
        let sum: u32 = digits[..10]
            .iter()
            .enumerate()
            .map(|(i, &d)| {
                if i % 2 == 0 {
                    d
                } else if d * 2 > 9 {
                    d * 2 - 9
                } else {
                    d * 2
                }
            })
            .sum();
        let expected = (10 - sum % 10) % 10;
        if expected != digits[10] {
            return Err(FiscalCodeError::CheckDigit {
                expected: char::from_digit(expected, 10).unwrap_or('?'),
                found: char::from_digit(digits[10], 10).unwrap_or('?'),
            });
        }
        Ok(OrgFiscalCode(code.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OrgFiscalCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

impl FromStr for OrgFiscalCode {
    type Err = FiscalCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for OrgFiscalCode {
    type Error = FiscalCodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<OrgFiscalCode> for String {
    fn from(code: OrgFiscalCode) -> String {
        code.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn cf(s: &str) -> PersonFiscalCode {
        PersonFiscalCode::parse(s).unwrap()
    }

    fn same_person(a: &PersonFiscalCode, b: &PersonFiscalCode) -> bool {
        a.as_str()[..6] == b.as_str()[..6]
            && a.is_female() == b.is_female()
            && a.birth_day_month() == b.birth_day_month()
            && a.birth_year_two_digits() == b.birth_year_two_digits()
            && a.belfiore() == b.belfiore()
    }

    #[test]
    fn vectors_are_valid_and_decode() {
        let m = cf("RCCMNL83S18D969H");
        assert!(!m.is_female());
        assert_eq!(m.birth_day_month(), (18, 11));
        assert_eq!(m.birth_year_two_digits(), 83);
        assert_eq!(m.belfiore(), "D969");

        let f = cf("CNTCHR83T41D969D");
        assert!(f.is_female());
        assert_eq!(f.birth_day_month(), (1, 12));
        assert_eq!(f.birth_year_two_digits(), 83);
        assert_eq!(f.belfiore(), "D969");
    }

    #[test]
    fn parse_normalises_case_and_spaces() {
        let c = cf("  rccmnl83s18d969h \n");
        assert_eq!(c.as_str(), "RCCMNL83S18D969H");
        assert_eq!(c.to_string(), "RCCMNL83S18D969H");
        assert_eq!("RCCMNL83S18D969H".parse::<PersonFiscalCode>(), Ok(c));
    }

    #[test]
    fn check_char_function() {
        assert_eq!(PersonFiscalCode::check_char("RCCMNL83S18D969"), Some('H'));
        assert_eq!(PersonFiscalCode::check_char("CNTCHR83T41D969"), Some('D'));
        assert_eq!(PersonFiscalCode::check_char("RCCMNL83S18D96"), None);
        assert_eq!(PersonFiscalCode::check_char("RCCMNL83S18D96-"), None);
        assert_eq!(PersonFiscalCode::check_char("RCCMNL83S18D96à"), None);
    }

    #[test]
    fn errors_and_italian_messages() {
        let e = PersonFiscalCode::parse("   ").unwrap_err();
        assert_eq!(e, FiscalCodeError::Empty);
        assert_eq!(e.to_string(), "codice fiscale mancante");

        let e = PersonFiscalCode::parse("RCCMNL83S18D969").unwrap_err();
        assert_eq!(e.to_string(), "lunghezza errata: 15 caratteri invece di 16");

        let e = PersonFiscalCode::parse("RCCMN183S18D969H").unwrap_err();
        assert_eq!(
            e.to_string(),
            "carattere non valido '1' in posizione 6: atteso una lettera"
        );
        let e = PersonFiscalCode::parse("RCCMNL8OS18D969H").unwrap_err();
        assert_eq!(
            e,
            FiscalCodeError::BadChar {
                position: 8,
                found: 'O',
                expected: EXPECT_DIGIT_OR_OMOCODE
            }
        );
        let e = PersonFiscalCode::parse("RCCMNL83F18D969H").unwrap_err();
        assert_eq!(
            e.to_string(),
            "carattere non valido 'F' in posizione 9: atteso una lettera del mese (A B C D E H L M P R S T)"
        );
        // The first bad position is the one reported.
        let e = PersonFiscalCode::parse("1CCMNLXXF18D969H").unwrap_err();
        assert!(matches!(e, FiscalCodeError::BadChar { position: 1, .. }));
        let e = PersonFiscalCode::parse("RCCMNL83S18D969à").unwrap_err();
        assert!(matches!(
            e,
            FiscalCodeError::BadChar {
                position: 16,
                found: 'À',
                ..
            }
        ));

        let e = PersonFiscalCode::parse("RCCMNL83S18D969A").unwrap_err();
        assert_eq!(
            e,
            FiscalCodeError::CheckChar {
                expected: 'H',
                found: 'A'
            }
        );
        assert_eq!(
            e.to_string(),
            "carattere di controllo errato: atteso H, trovato A"
        );

        for (raw, first15) in [
            (0, "RCCMNL83S00D969"),
            (32, "RCCMNL83S32D969"),
            (40, "RCCMNL83S40D969"),
            (72, "RCCMNL83S72D969"),
            // 31 November and 30 February do not exist.
            (31, "RCCMNL83S31D969"),
            (70, "CNTCHR83B70D969"),
        ] {
            let code = format!("{first15}{}", check_char(first15).unwrap());
            let e = PersonFiscalCode::parse(&code).unwrap_err();
            assert_eq!(e, FiscalCodeError::BadDay { day: raw }, "{code}");
        }
        let code = format!("RCCMNL83S35D969{}", check_char("RCCMNL83S35D969").unwrap());
        assert_eq!(
            PersonFiscalCode::parse(&code).unwrap_err().to_string(),
            "giorno di nascita non valido: 35"
        );
        // 29 February is fine when the year is leap in some century (2000, 1984, 1904).
        for first15 in ["RCCMNL00B29D969", "RSSMRA84B29H501", "RSSMRA04B69H501"] {
            let code = format!("{first15}{}", check_char(first15).unwrap());
            assert!(PersonFiscalCode::parse(&code).is_ok(), "{code}");
        }
        // Neither 1881 nor 1981 nor 2081 is leap.
        let e = PersonFiscalCode::parse("RSSMRA81B29H501R").unwrap_err();
        assert_eq!(e, FiscalCodeError::NotLeapYear { year: 81 });
        assert!(e.to_string().contains("29 febbraio"), "{e}");
        let code = format!("RSSMRA01B69H501{}", check_char("RSSMRA01B69H501").unwrap());
        assert_eq!(
            PersonFiscalCode::parse(&code).unwrap_err(),
            FiscalCodeError::NotLeapYear { year: 1 }
        );
    }

    #[test]
    fn build_matches_vectors_and_rules() {
        let m = PersonFiscalCode::build("Ricci", "Manuel", date(1983, 11, 18), false, "D969");
        assert_eq!(m.unwrap().as_str(), "RCCMNL83S18D969H");
        let f = PersonFiscalCode::build("Conte", "Chiara", date(1983, 12, 1), true, "d969 ");
        assert_eq!(f.unwrap().as_str(), "CNTCHR83T41D969D");

        let code = |s: &str, n: &str| {
            PersonFiscalCode::build(s, n, date(2001, 1, 5), false, "A271")
                .unwrap()
                .as_str()[..6]
                .to_string()
        };
        // More than three consonants in the name: 1st, 3rd and 4th.
        assert_eq!(code("Rossi", "Gianfranco"), "RSSGFR");
        assert_eq!(code("Fo", "Al"), "FOXLAX");
        assert_eq!(code("D'Amico", "Niccolò"), "DMCNCL");
        assert_eq!(code("De Luca", "Ugo"), "DLCGUO");
        assert_eq!(code("Òà", "Èì"), "OAXEIX");

        let c = PersonFiscalCode::build("Rossi", "Ugo", date(2001, 1, 5), false, "A271").unwrap();
        assert_eq!(&c.as_str()[6..15], "01A05A271");
    }

    #[test]
    fn build_errors() {
        let e = PersonFiscalCode::build("'  ", "Ugo", date(2001, 1, 5), false, "A271").unwrap_err();
        assert_eq!(e, FiscalCodeError::BadName);
        assert_eq!(e.to_string(), "cognome o nome senza lettere");
        let e = PersonFiscalCode::build("Rossi", "", date(2001, 1, 5), false, "A271").unwrap_err();
        assert_eq!(e, FiscalCodeError::BadName);
        for bad in ["", "A27", "A2711", "1271", "AB71", "A27L"] {
            let e =
                PersonFiscalCode::build("Rossi", "Ugo", date(2001, 1, 5), false, bad).unwrap_err();
            assert_eq!(e, FiscalCodeError::BadBelfiore, "{bad}");
            assert_eq!(e.to_string(), "codice catastale del comune non valido");
        }
    }

    #[test]
    fn omocode_variants() {
        let base = cf("RCCMNL83S18D969H");
        assert_eq!(base.omocode_variant(0), base);
        let v1 = base.omocode_variant(1);
        assert_eq!(&v1.as_str()[..15], "RCCMNL83S18D96V");
        let v7 = base.omocode_variant(7);
        assert_eq!(&v7.as_str()[..15], "RCCMNLUPSMUDVSV");
        assert_eq!(base.omocode_variant(200), v7);
        // Decoding an omocode gives back the person, and variants are relative to the canonical form.
        let v7 = cf(v7.as_str());
        assert!(same_person(&base, &v7));
        assert_eq!(v7.omocode_variant(0), base);
        assert_eq!(v7.omocode_variant(1), v1);
    }

    #[test]
    fn every_single_substitution_is_rejected() {
        // Stronger than the property test below: on the allowed alphabet of every position
        // both check tables are injective, so one changed character always breaks the CIN.
        let alphabet: Vec<char> = ('A'..='Z').chain('0'..='9').collect();
        let base = cf("CNTCHR83T41D969D");
        for level in 0..=7 {
            let code = base.omocode_variant(level);
            for pos in 0..16 {
                for &c in &alphabet {
                    let mut chars: Vec<char> = code.as_str().chars().collect();
                    if chars[pos] == c {
                        continue;
                    }
                    chars[pos] = c;
                    let changed: String = chars.into_iter().collect();
                    assert!(PersonFiscalCode::parse(&changed).is_err(), "{changed}");
                }
            }
        }
    }

    #[test]
    fn serde_goes_through_validation() {
        let c = cf("RCCMNL83S18D969H");
        let s: String = c.clone().into();
        assert_eq!(s, "RCCMNL83S18D969H");
        assert_eq!(PersonFiscalCode::try_from(s), Ok(c.clone()));
        assert!(PersonFiscalCode::try_from("RCCMNL83S18D969A".to_string()).is_err());
        assert_eq!(serde_json::to_string(&c).unwrap(), "\"RCCMNL83S18D969H\"");
        assert_eq!(
            serde_json::from_str::<PersonFiscalCode>("\"rccmnl83s18d969h\"").unwrap(),
            c
        );
        assert!(serde_json::from_str::<PersonFiscalCode>("\"RCCMNL83S18D969A\"").is_err());
        assert!(serde_json::from_str::<OrgFiscalCode>("\"00743110158\"").is_err());
        let o = OrgFiscalCode::parse("00743110157").unwrap();
        assert_eq!(String::from(o.clone()), "00743110157");
        assert_eq!(OrgFiscalCode::try_from("00743110157".to_string()), Ok(o));
    }

    #[test]
    fn organisation_codes() {
        let o = OrgFiscalCode::parse(" 00743110157 ").unwrap();
        assert_eq!(o.as_str(), "00743110157");
        assert_eq!(o.to_string(), "00743110157");
        assert!("83000390019".parse::<OrgFiscalCode>().is_ok());

        assert_eq!(OrgFiscalCode::parse(""), Err(FiscalCodeError::Empty));
        let e = OrgFiscalCode::parse("0074311015").unwrap_err();
        assert_eq!(
            e,
            FiscalCodeError::Length {
                expected: 11,
                found: 10
            }
        );
        assert_eq!(e.to_string(), "lunghezza errata: 10 caratteri invece di 11");
        let e = OrgFiscalCode::parse("0074311O157").unwrap_err();
        assert_eq!(
            e.to_string(),
            "carattere non valido 'O' in posizione 8: atteso una cifra"
        );
        let e = OrgFiscalCode::parse("00743110158").unwrap_err();
        assert_eq!(
            e,
            FiscalCodeError::CheckDigit {
                expected: '7',
                found: '8'
            }
        );
        assert_eq!(
            e.to_string(),
            "cifra di controllo errata: attesa 7, trovata 8"
        );
    }

    fn name_strategy() -> impl Strategy<Value = String> {
        "[A-Za-zàèéìòùÀÈÉÌÒÙ][A-Za-zàèéìòùÀÈÉÌÒÙ' ]{0,20}"
    }

    fn person_strategy() -> impl Strategy<Value = PersonFiscalCode> {
        (
            name_strategy(),
            name_strategy(),
            0u64..36890,
            any::<bool>(),
            "[A-Z][0-9]{3}",
        )
            .prop_map(|(s, n, days, female, bel)| {
                let birth = date(1920, 1, 1) + chrono::Days::new(days);
                PersonFiscalCode::build(&s, &n, birth, female, &bel).unwrap()
            })
    }

    proptest! {
        #[test]
        fn built_codes_parse(
            s in name_strategy(),
            n in name_strategy(),
            days in 0u64..36890,
            female in any::<bool>(),
            bel in "[A-Z][0-9]{3}",
        ) {
            let birth = date(1920, 1, 1) + chrono::Days::new(days);
            prop_assert!(birth.year() <= 2020);
            let c = PersonFiscalCode::build(&s, &n, birth, female, &bel).unwrap();
            let parsed = PersonFiscalCode::parse(c.as_str()).unwrap();
            prop_assert_eq!(parsed.is_female(), female);
            prop_assert_eq!(parsed.birth_day_month(), (birth.day(), birth.month()));
            prop_assert_eq!(parsed.birth_year_two_digits() as i32, birth.year() % 100);
            prop_assert_eq!(parsed.belfiore(), bel);
        }

        #[test]
        fn single_change_is_rejected_or_same_person(
            c in person_strategy(),
            level in 0u8..=7,
            pos in 0usize..16,
            repl in prop::sample::select(('A'..='Z').chain('0'..='9').collect::<Vec<char>>()),
        ) {
            let code = c.omocode_variant(level);
            let mut chars: Vec<char> = code.as_str().chars().collect();
            prop_assume!(chars[pos] != repl);
            chars[pos] = repl;
            let changed: String = chars.into_iter().collect();
            if let Ok(other) = PersonFiscalCode::parse(&changed) {
                prop_assert!(same_person(&code, &other), "{} -> {}", code, other);
            }
        }

        #[test]
        fn every_accepted_code_has_a_real_birth_date(
            letters in "[A-Z]{6}",
            year in "[0-9LMNPQRSTUV]{2}",
            month in prop::sample::select(MONTH_LETTERS.to_vec()),
            day in "[0-7LMNPQRSTUV][0-9LMNPQRSTUV]",
            place in "[A-Z][0-9LMNPQRSTUV]{3}",
        ) {
            let first15 = format!("{letters}{year}{}{day}{place}", char::from(month));
            let code = format!("{first15}{}", check_char(&first15).unwrap());
            if let Ok(parsed) = PersonFiscalCode::parse(&code) {
                let (day, month) = parsed.birth_day_month();
                let real = [1800, 1900, 2000].into_iter().any(|century| {
                    let year = century + parsed.birth_year_two_digits() as i32;
                    NaiveDate::from_ymd_opt(year, month, day).is_some()
                });
                prop_assert!(real, "{} accepted without a real birth date", code);
            }
        }

        #[test]
        fn omocode_variants_parse_to_same_person(c in person_strategy(), level in 0u8..=7) {
            let v = c.omocode_variant(level);
            let parsed = PersonFiscalCode::parse(v.as_str()).unwrap();
            prop_assert!(same_person(&c, &parsed));
            prop_assert_eq!(parsed.omocode_variant(0), c.omocode_variant(0));
        }
    }
}
