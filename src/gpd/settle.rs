//! After a 409 (or a creation whose answer was lost), the position GPD holds is compared with
//! the one alloggi sent: the same notice means the creation went through; anything else is a
//! clash a caseworker must look at.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Rome;

use super::model::{PaymentPosition, PositionRead};
use crate::domain::money::Money;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settled {
    /// GPD holds the notice alloggi sent: treat it as created.
    Same,
    /// GPD holds something else under this IUPD or IUV: a caseworker decides. `what` names
    /// each differing field, in Italian, with both values where they can be shown.
    Different { what: Vec<String> },
}

/// Compares what was sent with what was read back: IUPD, IUV, amount, due date and, when the
/// server reports it (GPD's read-back schema does not), the payer's fiscal code.
pub fn settle(sent: &PaymentPosition, read: &PositionRead) -> Settled {
    let mut what = Vec::new();
    if sent.iupd != read.iupd {
        what.push(format!(
            "identificativo della posizione (IUPD): inviato {}, trovato {}",
            sent.iupd, read.iupd
        ));
    }
    if let Some(read_code) = &read.fiscal_code
        && !read_code.eq_ignore_ascii_case(&sent.fiscal_code)
    {
        what.push("codice fiscale del pagatore".to_string());
    }
    match (sent.option(), read.option()) {
        (Some(sent_option), Some(read_option)) => {
            if read_option.iuv.as_deref() != Some(sent_option.iuv.as_str()) {
                what.push(format!(
                    "codice IUV: inviato {}, trovato {}",
                    sent_option.iuv,
                    read_option.iuv.as_deref().unwrap_or("nessuno")
                ));
            }
            if read_option.amount != Some(sent_option.amount) {
                what.push(format!(
                    "importo: inviato {}, trovato {}",
                    euro(Some(sent_option.amount)),
                    euro(read_option.amount)
                ));
            }
            if !same_instant(&sent_option.due_date, read_option.due_date.as_deref()) {
                what.push(format!(
                    "scadenza: inviata {}, trovata {}",
                    sent_option.due_date,
                    read_option.due_date.as_deref().unwrap_or("nessuna")
                ));
            }
        }
        (Some(_), None) => what.push("opzione di pagamento: assente su pagoPA".to_string()),
        (None, _) => what.push("opzione di pagamento: assente nella posizione inviata".to_string()),
    }
    if what.is_empty() {
        Settled::Same
    } else {
        Settled::Different { what }
    }
}

fn euro(cents: Option<i64>) -> String {
    match cents.and_then(|c| u64::try_from(c).ok()) {
        Some(c) => format!("{} €", Money::from_cents(c).format_plain()),
        None => match cents {
            Some(c) => format!("{c} centesimi"),
            None => "nessuno".to_string(),
        },
    }
}

/// The same instant. A date-time read back without a zone is taken as UTC or as Rome time,
/// whichever matches: GPD's services do not all say which they mean.
fn same_instant(sent: &str, read: Option<&str>) -> bool {
    let Ok(sent) = DateTime::parse_from_rfc3339(sent).map(|d| d.with_timezone(&Utc)) else {
        return false;
    };
    let Some(read) = read.map(str::trim) else {
        return false;
    };
    if let Ok(at) = DateTime::parse_from_rfc3339(read) {
        return at.with_timezone(&Utc) == sent;
    }
    let Ok(naive) = NaiveDateTime::parse_from_str(read, "%Y-%m-%dT%H:%M:%S%.f") else {
        return false;
    };
    Utc.from_utc_datetime(&naive) == sent
        || Rome
            .from_local_datetime(&naive)
            .earliest()
            .is_some_and(|at| at.with_timezone(&Utc) == sent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gpd::model::{MonthlyNotice, OptionRead, OptionStatus, PositionStatus};
    use chrono::NaiveDate;

    fn sent() -> PaymentPosition {
        PaymentPosition::monthly(&MonthlyNotice {
            org_fiscal_code: "01234567897",
            iupd: "ALLOGGI-L7-2026-02",
            iuv: "01000000000001234",
            payer_fiscal_code: "RSSMRA80A01H501U",
            payer_name: "Mario Rossi",
            creditor_name: "Comune di Fermo",
            amount: Money::from_cents(23_450),
            description: "Canone febbraio 2026",
            due_date: NaiveDate::from_ymd_opt(2026, 2, 28).unwrap(),
            iban: "IT60X0542811101000000123456",
            category: "9/0101108TS/",
        })
        .unwrap()
    }

    /// What GPD would answer for `sent()`.
    fn read() -> PositionRead {
        PositionRead {
            iupd: "ALLOGGI-L7-2026-02".into(),
            organization_fiscal_code: Some("01234567897".into()),
            status: PositionStatus::Valid,
            payment_date: None,
            fiscal_code: None,
            payment_option: vec![OptionRead {
                nav: Some("301000000000001234".into()),
                iuv: Some("01000000000001234".into()),
                amount: Some(23_450),
                due_date: Some("2026-02-28T22:59:59Z".into()),
                payment_date: None,
                status: Some(OptionStatus::Unpaid),
            }],
        }
    }

    fn different(read: &PositionRead) -> Vec<String> {
        match settle(&sent(), read) {
            Settled::Different { what } => what,
            Settled::Same => panic!("expected Different"),
        }
    }

    #[test]
    fn the_same_notice_is_same() {
        assert_eq!(settle(&sent(), &read()), Settled::Same);
        // A paid or differently formatted read-back of the same notice is still the same.
        let mut paid = read();
        paid.status = PositionStatus::Paid;
        paid.fiscal_code = Some("rssmra80a01h501u".into());
        paid.payment_option[0].due_date = Some("2026-02-28T23:59:59+01:00".into());
        assert_eq!(settle(&sent(), &paid), Settled::Same);
    }

    #[test]
    fn due_date_without_zone_is_read_as_utc_or_rome() {
        for text in [
            "2026-02-28T22:59:59",
            "2026-02-28T23:59:59",
            "2026-02-28T22:59:59.000",
        ] {
            let mut r = read();
            r.payment_option[0].due_date = Some(text.into());
            assert_eq!(settle(&sent(), &r), Settled::Same, "{text}");
        }
        let mut r = read();
        r.payment_option[0].due_date = Some("2026-03-31T22:59:59".into());
        assert_eq!(different(&r).len(), 1);
    }

    #[test]
    fn each_difference_is_named_in_italian() {
        let mut r = read();
        r.payment_option[0].amount = Some(20_000);
        assert_eq!(
            different(&r),
            vec!["importo: inviato 234,50 €, trovato 200,00 €".to_string()]
        );
        let mut r = read();
        r.payment_option[0].iuv = Some("01000000000009999".into());
        assert_eq!(
            different(&r),
            vec!["codice IUV: inviato 01000000000001234, trovato 01000000000009999".to_string()]
        );
        let mut r = read();
        r.payment_option[0].due_date = Some("2026-03-31T21:59:59Z".into());
        assert!(different(&r)[0].starts_with("scadenza: inviata 2026-02-28T22:59:59Z"));
        let mut r = read();
        r.fiscal_code = Some("VRDLGU75C41F205X".into());
        assert_eq!(
            different(&r),
            vec!["codice fiscale del pagatore".to_string()]
        );
        let mut r = read();
        r.iupd = "ALLOGGI-L8-2026-02".into();
        assert!(different(&r)[0].starts_with("identificativo della posizione (IUPD)"));
        let mut r = read();
        r.payment_option.clear();
        assert_eq!(
            different(&r),
            vec!["opzione di pagamento: assente su pagoPA".to_string()]
        );
    }

    #[test]
    fn several_differences_are_all_named() {
        let mut r = read();
        r.payment_option[0].amount = None;
        r.payment_option[0].due_date = None;
        r.payment_option[0].iuv = None;
        let what = different(&r);
        assert_eq!(what.len(), 3, "{what:?}");
        assert!(what[1].ends_with("trovato nessuno"), "{what:?}");
        assert!(what[2].ends_with("trovata nessuna"), "{what:?}");
    }
}
