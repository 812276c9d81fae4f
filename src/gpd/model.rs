//! What alloggi sends to GPD and reads back, in GPD's JSON names: one debt position per
//! monthly notice, with one payment option and one transfer to the Comune's account.

use chrono::{DateTime, NaiveDate, NaiveTime, SecondsFormat, TimeZone, Utc};
use chrono_tz::Europe::Rome;
use serde::{Deserialize, Serialize};

use crate::domain::money::Money;
use crate::messages::text::{clean_line, utf16_len};

/// GPD's limit on `companyName`, `description` and `remittanceInformation`.
pub const MAX_TEXT: usize = 140;

/// `PaymentPositionModel` as alloggi fills it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentPosition {
    pub iupd: String,
    /// `F`: the payer is a person.
    #[serde(rename = "type")]
    pub kind: String,
    /// The payer's fiscal code.
    pub fiscal_code: String,
    pub full_name: String,
    /// The creditor.
    pub company_name: String,
    pub switch_to_expired: bool,
    pub payment_option: Vec<PaymentOption>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentOption {
    pub iuv: String,
    /// Euro cents, at least 1.
    pub amount: i64,
    pub description: String,
    /// `YYYY-MM-DDTHH:MM:SSZ`.
    pub due_date: String,
    pub is_partial_payment: bool,
    pub transfer: Vec<Transfer>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Transfer {
    pub id_transfer: String,
    /// The option's amount: one transfer takes all of it.
    pub amount: i64,
    pub organization_fiscal_code: String,
    pub remittance_information: String,
    /// The service's pagoPA taxonomy code, e.g. `9/0101108TS/`.
    pub category: String,
    pub iban: String,
}

/// The plain values of one monthly notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthlyNotice<'a> {
    pub org_fiscal_code: &'a str,
    pub iupd: &'a str,
    pub iuv: &'a str,
    pub payer_fiscal_code: &'a str,
    pub payer_name: &'a str,
    pub creditor_name: &'a str,
    pub amount: Money,
    pub description: &'a str,
    /// The last day to pay, in the Comune's calendar.
    pub due_date: NaiveDate,
    pub iban: &'a str,
    pub category: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoticeError {
    #[error("l'importo dell'avviso pagoPA deve essere di almeno 1 centesimo")]
    ZeroAmount,
    #[error("l'importo dell'avviso pagoPA è troppo grande")]
    AmountTooLarge,
    #[error("la scadenza {0} non è una data valida nell'ora italiana")]
    DueDate(NaiveDate),
}

impl PaymentPosition {
    /// The position of one monthly notice, payable at once: texts on one line and cut to
    /// GPD's 140 characters, due at 23:59:59 Rome time expressed in UTC.
    pub fn monthly(notice: &MonthlyNotice<'_>) -> Result<PaymentPosition, NoticeError> {
        if notice.amount.is_zero() {
            return Err(NoticeError::ZeroAmount);
        }
        let amount =
            i64::try_from(notice.amount.cents()).map_err(|_| NoticeError::AmountTooLarge)?;
        let description = gpd_text(notice.description);
        Ok(PaymentPosition {
            iupd: notice.iupd.trim().to_string(),
            kind: "F".to_string(),
            fiscal_code: notice.payer_fiscal_code.trim().to_string(),
            full_name: one_line(notice.payer_name),
            company_name: gpd_text(notice.creditor_name),
            switch_to_expired: false,
            payment_option: vec![PaymentOption {
                iuv: notice.iuv.trim().to_string(),
                amount,
                description: description.clone(),
                due_date: utc_text(end_of_day_in_rome(notice.due_date)?),
                is_partial_payment: false,
                transfer: vec![Transfer {
                    id_transfer: "1".to_string(),
                    amount,
                    organization_fiscal_code: notice.org_fiscal_code.trim().to_string(),
                    remittance_information: description,
                    category: notice.category.trim().to_string(),
                    iban: notice.iban.trim().to_string(),
                }],
            }],
        })
    }

    /// The one payment option alloggi sends.
    pub fn option(&self) -> Option<&PaymentOption> {
        self.payment_option.first()
    }
}

/// 23:59:59 of `date` in Rome, as an instant.
pub fn end_of_day_in_rome(date: NaiveDate) -> Result<DateTime<Utc>, NoticeError> {
    let local = date.and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default());
    Rome.from_local_datetime(&local)
        .earliest()
        .map(|at| at.with_timezone(&Utc))
        .ok_or(NoticeError::DueDate(date))
}

/// `2026-01-31T22:59:59Z`: UTC with `Z`, whole seconds.
pub fn utc_text(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// One line without control characters, runs of spaces collapsed.
fn one_line(text: &str) -> String {
    clean_line(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// One line, cut on a character boundary to 140 UTF-16 units: GPD counts Java string length,
/// which is never less than the count of characters.
pub fn gpd_text(text: &str) -> String {
    let line = one_line(text);
    if utf16_len(&line) <= MAX_TEXT {
        return line;
    }
    let mut out = String::new();
    let mut used = 0;
    for c in line.chars() {
        used += c.len_utf16();
        if used > MAX_TEXT {
            break;
        }
        out.push(c);
    }
    out.trim_end().to_string()
}

/// `status` of a position as GPD reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PositionStatus {
    Draft,
    Published,
    Valid,
    Invalid,
    Expired,
    PartiallyPaid,
    Paid,
    Reported,
    /// A status this version does not know.
    #[serde(other)]
    Unknown,
}

impl PositionStatus {
    /// Money has reached (or is reaching) the Comune: the position can no longer be cancelled.
    pub fn is_paid(self) -> bool {
        matches!(
            self,
            PositionStatus::Paid | PositionStatus::PartiallyPaid | PositionStatus::Reported
        )
    }
}

/// `status` of a payment option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OptionStatus {
    #[serde(rename = "PO_UNPAID")]
    Unpaid,
    #[serde(rename = "PO_PAID")]
    Paid,
    #[serde(rename = "PO_PARTIALLY_REPORTED")]
    PartiallyReported,
    #[serde(rename = "PO_REPORTED")]
    Reported,
    #[serde(other)]
    Unknown,
}

/// A position read back (`PaymentPositionModelBaseResponse`): only what alloggi uses.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PositionRead {
    pub iupd: String,
    #[serde(default)]
    pub organization_fiscal_code: Option<String>,
    pub status: PositionStatus,
    #[serde(default)]
    pub payment_date: Option<String>,
    /// Not in GPD's read-back schema; compared only when a server sends it.
    #[serde(default)]
    pub fiscal_code: Option<String>,
    #[serde(default)]
    pub payment_option: Vec<OptionRead>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OptionRead {
    #[serde(default)]
    pub nav: Option<String>,
    #[serde(default)]
    pub iuv: Option<String>,
    #[serde(default)]
    pub amount: Option<i64>,
    #[serde(default)]
    pub due_date: Option<String>,
    #[serde(default)]
    pub payment_date: Option<String>,
    #[serde(default)]
    pub status: Option<OptionStatus>,
}

impl PositionRead {
    pub fn option(&self) -> Option<&OptionRead> {
        self.payment_option.first()
    }

    /// The payment date of the position, else of its option.
    pub fn paid_on(&self) -> Option<&str> {
        self.payment_date
            .as_deref()
            .or_else(|| self.option().and_then(|o| o.payment_date.as_deref()))
    }
}

/// One page of `GET …/debtpositions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PositionsPage {
    pub positions: Vec<PositionRead>,
    /// 0-based.
    pub page: u32,
    pub total_pages: u32,
    pub items_found: u32,
}

impl PositionsPage {
    /// Whether a later page exists.
    pub fn has_more(&self) -> bool {
        self.page + 1 < self.total_pages
    }
}

/// `PaymentPositionsInfo`, as it comes over the wire.
#[derive(Deserialize)]
pub(crate) struct PositionsInfo {
    pub payment_position_list: Vec<PositionRead>,
    pub page_info: PageInfo,
}

#[derive(Deserialize)]
pub(crate) struct PageInfo {
    pub page: u32,
    pub items_found: u32,
    pub total_pages: u32,
}

impl From<PositionsInfo> for PositionsPage {
    fn from(info: PositionsInfo) -> PositionsPage {
        PositionsPage {
            positions: info.payment_position_list,
            page: info.page_info.page,
            total_pages: info.page_info.total_pages,
            items_found: info.page_info.items_found,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice(description: &str, due: NaiveDate) -> MonthlyNotice<'_> {
        MonthlyNotice {
            org_fiscal_code: "01234567897",
            iupd: "ALLOGGI-L7-2026-02",
            iuv: "01000000000001234",
            payer_fiscal_code: "RSSMRA80A01H501U",
            payer_name: " Mario\n  Rossi ",
            creditor_name: "Comune di Fermo",
            amount: Money::from_cents(23_450),
            description,
            due_date: due,
            iban: "IT60X0542811101000000123456",
            category: "9/0101108TS/",
        }
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn monthly_position_has_one_option_and_one_transfer_of_the_whole_amount() {
        let position =
            PaymentPosition::monthly(&notice("Canone febbraio 2026", date(2026, 2, 28))).unwrap();
        let json = serde_json::to_value(&position).unwrap();
        assert_eq!(json["type"], "F");
        assert_eq!(json["fullName"], "Mario Rossi");
        assert_eq!(json["switchToExpired"], false);
        let option = &json["paymentOption"][0];
        assert_eq!(option["amount"], 23_450);
        assert_eq!(option["isPartialPayment"], false);
        assert_eq!(option["dueDate"], "2026-02-28T22:59:59Z");
        let transfer = &option["transfer"][0];
        assert_eq!(transfer["idTransfer"], "1");
        assert_eq!(transfer["amount"], 23_450);
        assert_eq!(transfer["organizationFiscalCode"], "01234567897");
        assert_eq!(transfer["remittanceInformation"], "Canone febbraio 2026");
        assert_eq!(transfer["category"], "9/0101108TS/");
        assert_eq!(json["paymentOption"].as_array().unwrap().len(), 1);
        assert_eq!(option["transfer"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn due_date_is_the_end_of_the_day_in_rome_in_utc() {
        // Winter: UTC+1; summer: UTC+2; the days of the clock changes too.
        for (day, expected) in [
            (date(2026, 1, 31), "2026-01-31T22:59:59Z"),
            (date(2026, 7, 31), "2026-07-31T21:59:59Z"),
            (date(2026, 3, 29), "2026-03-29T21:59:59Z"),
            (date(2026, 10, 25), "2026-10-25T22:59:59Z"),
            (date(2026, 12, 31), "2026-12-31T22:59:59Z"),
        ] {
            let position = PaymentPosition::monthly(&notice("Canone", day)).unwrap();
            assert_eq!(position.payment_option[0].due_date, expected, "{day}");
        }
    }

    #[test]
    fn texts_are_cut_to_140_on_character_boundaries_and_cleaned() {
        let long = "è".repeat(200);
        let position = PaymentPosition::monthly(&notice(&long, date(2026, 2, 28))).unwrap();
        let option = &position.payment_option[0];
        assert_eq!(option.description.chars().count(), 140);
        assert_eq!(
            option.transfer[0].remittance_information,
            option.description
        );
        // Emoji count twice in GPD's measure; none is split.
        let emoji = "🏠".repeat(100);
        let position = PaymentPosition::monthly(&notice(&emoji, date(2026, 2, 28))).unwrap();
        let text = &position.payment_option[0].description;
        assert_eq!(text.chars().count(), 70);
        assert_eq!(utf16_len(text), 140);
        let dirty = "Canone\r\nfebbraio\t2026\u{0}\u{1b}[31m";
        let position = PaymentPosition::monthly(&notice(dirty, date(2026, 2, 28))).unwrap();
        assert_eq!(
            position.payment_option[0].description,
            "Canone febbraio 2026[31m"
        );
        let creditor = "C".repeat(150);
        let mut n = notice("x", date(2026, 2, 28));
        n.creditor_name = &creditor;
        assert_eq!(
            PaymentPosition::monthly(&n).unwrap().company_name.len(),
            140
        );
    }

    #[test]
    fn zero_amount_is_refused() {
        let mut n = notice("Canone", date(2026, 2, 28));
        n.amount = Money::ZERO;
        assert_eq!(PaymentPosition::monthly(&n), Err(NoticeError::ZeroAmount));
        n.amount = Money::from_cents(u64::MAX);
        assert_eq!(
            PaymentPosition::monthly(&n),
            Err(NoticeError::AmountTooLarge)
        );
    }

    #[test]
    fn read_back_tolerates_unknown_statuses_and_missing_fields() {
        let read: PositionRead = serde_json::from_str(
            r#"{"iupd":"X","status":"SOMETHING_NEW","paymentOption":[{"nav":"3010","status":"PO_PAID","extra":1}]}"#,
        )
        .unwrap();
        assert_eq!(read.status, PositionStatus::Unknown);
        assert_eq!(read.option().unwrap().status, Some(OptionStatus::Paid));
        assert!(read.paid_on().is_none());
    }
}
