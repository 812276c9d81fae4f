//! The applicant's contact data and address.

use serde::{Deserialize, Serialize};

use super::error::DomainError;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Address {
    pub street: String,
    pub postcode: String,
    pub municipality: String,
    #[serde(default)]
    pub province: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Contact {
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    pub address: Address,
}

impl Contact {
    /// Normalises blanks away and checks every field.
    pub fn normalized(self) -> Result<Contact, DomainError> {
        let email = non_blank(self.email);
        let phone = non_blank(self.phone);
        if let Some(email) = &email {
            validate_email(email)?;
        }
        if let Some(phone) = &phone {
            validate_phone(phone)?;
        }
        let address = Address {
            street: one_line(&self.address.street),
            postcode: self.address.postcode.trim().to_string(),
            municipality: self.address.municipality.trim().to_string(),
            province: self.address.province.trim().to_uppercase(),
        };
        if address.street.is_empty() {
            return Err(DomainError::invalid("indirizzo", "mancante"));
        }
        super::limits::check_line("indirizzo", &address.street, super::limits::ADDRESS)?;
        super::limits::check_line("comune", &address.municipality, super::limits::ADDRESS)?;
        if address.municipality.is_empty() {
            return Err(DomainError::invalid("comune", "mancante"));
        }
        if address.postcode.len() != 5 || !address.postcode.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DomainError::invalid("cap", "il CAP ha 5 cifre"));
        }
        if !address.province.is_empty()
            && (address.province.len() != 2
                || !address.province.bytes().all(|b| b.is_ascii_uppercase()))
        {
            return Err(DomainError::invalid(
                "provincia",
                "la sigla della provincia ha 2 lettere",
            ));
        }
        Ok(Contact {
            email,
            phone,
            address,
        })
    }
}

/// A street written on two lines in a form keeps its words, on one line.
fn one_line(text: &str) -> String {
    text.split(['\r', '\n', '\t'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn non_blank(value: Option<String>) -> Option<String> {
    value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// A deliberately modest check: one '@', a dotted domain, no spaces or control characters.
pub fn validate_email(email: &str) -> Result<(), DomainError> {
    let bad = || DomainError::invalid("email", format!("'{email}' non è un indirizzo valido"));
    if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let (local, domain) = email.split_once('@').ok_or_else(bad)?;
    if local.is_empty()
        || domain.contains('@')
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
    {
        return Err(bad());
    }
    Ok(())
}

/// Digits with an optional leading '+', spaces allowed; 6 to 15 digits as in E.164.
pub fn validate_phone(phone: &str) -> Result<(), DomainError> {
    let rest = phone.strip_prefix('+').unwrap_or(phone);
    let digits = rest.chars().filter(|c| c.is_ascii_digit()).count();
    let only_allowed = rest.chars().all(|c| c.is_ascii_digit() || c == ' ');
    if !only_allowed || !(6..=15).contains(&digits) {
        return Err(DomainError::invalid(
            "telefono",
            format!("'{phone}' non è un numero valido"),
        ));
    }
    Ok(())
}
