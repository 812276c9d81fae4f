//! Rent: the rulesets by version, each tenancy's notices by month, the office's record of its
//! arrears, the notices by month for the lists, and the notices with work left for pagoPA
//! (the GPD outbox).

use std::io::Write;

use serde_json::value::RawValue;

use super::{Lines, Part, Record, Role, Tree, export_records};
use crate::domain::ApplicationId;
use crate::domain::command::{Needs, RentNoticeKeys};
use crate::domain::rent::{Month, RentNotice, RentRules, Tenancy};
use crate::domain::{Context, Snapshot};
use crate::store::backup::BackupCounts;
use crate::store::check::{IntegrityReport, KeySet, compare_sets};
use crate::store::tx::{Tx, TxResult};
use crate::store::{Store, StoreError, keys};

/// Rent rulesets: key the version, value `RentRules` as JSON. Primary data.
pub(crate) const RENT_RULES: &str = "rent_rules";
/// Notices: key the application id (8 bytes, big-endian) then the month (3 bytes), value the
/// `RentNotice` as JSON. Primary data.
pub(crate) const RENT_NOTICES: &str = "rent_notices";
/// The office's record of a tenancy's arrears: key the application id. Primary data.
pub(crate) const TENANCIES: &str = "tenancies";
/// Notices by month: the month then the application id; empty value. Derived.
pub(crate) const IDX_RENT_MONTH: &str = "idx_rent_month";
/// Notices with a request for pagoPA's GPD waiting: the request's kind (1 byte) then the
/// notice's key; empty value. Derived: what the next sync sends.
pub(crate) const IDX_GPD_PENDING: &str = "idx_gpd_pending";
/// Notices by notice number (numero avviso): key its 18 digits, value the notice's key.
/// Derived.
pub(crate) const IDX_RENT_NAV: &str = "idx_rent_nav";
/// The next base of a notice number, in `meta`; it only grows.
pub(crate) const META_NEXT_RENT_BASE: &[u8] = b"next_rent_base";

/// A request for pagoPA a notice is waiting for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum GpdRequest {
    /// Create and publish the position.
    Create = 1,
    /// Tell pagoPA the notice was paid at the counter.
    ReportPayment = 2,
    /// Cancel the position of a notice folded into a repayment plan.
    Cancel = 3,
}

impl GpdRequest {
    pub const ALL: [GpdRequest; 3] = [
        GpdRequest::Create,
        GpdRequest::ReportPayment,
        GpdRequest::Cancel,
    ];

    /// The requests `notice` waits for.
    pub fn of(notice: &RentNotice) -> impl Iterator<Item = GpdRequest> + '_ {
        // A request in an offline bundle waits for its receipt, not for a sync.
        let here = notice.exported.is_none();
        GpdRequest::ALL.into_iter().filter(move |request| {
            here && match request {
                GpdRequest::Create => notice.gpd.awaits_creation() && notice.is_open(),
                GpdRequest::ReportPayment => notice.awaits_report(),
                GpdRequest::Cancel => notice.awaits_cancel(),
            }
        })
    }

    pub fn prefix(self) -> [u8; 1] {
        [self as u8]
    }
}

pub(crate) fn notice_key(id: ApplicationId, month: Month) -> Vec<u8> {
    let mut key = id.0.to_be_bytes().to_vec();
    key.extend_from_slice(&month.key());
    key
}

pub(crate) fn decode_notice_key(key: &[u8]) -> Option<(ApplicationId, Month)> {
    let id = u64::from_be_bytes(key.get(..8)?.try_into().ok()?);
    Some((ApplicationId(id), Month::from_key(key.get(8..11)?)?))
}

pub(crate) fn month_key(month: Month, id: ApplicationId) -> Vec<u8> {
    let mut key = month.key().to_vec();
    key.extend_from_slice(&id.0.to_be_bytes());
    key
}

pub(crate) fn pending_key(request: GpdRequest, id: ApplicationId, month: Month) -> Vec<u8> {
    let mut key = request.prefix().to_vec();
    key.extend_from_slice(&notice_key(id, month));
    key
}

fn tenancy_key(id: ApplicationId) -> [u8; 8] {
    id.0.to_be_bytes()
}

pub(super) struct Rent;

impl Part for Rent {
    fn trees(&self) -> &'static [Tree] {
        &[
            Tree {
                name: RENT_RULES,
                role: Role::Records,
            },
            Tree {
                name: RENT_NOTICES,
                role: Role::Records,
            },
            Tree {
                name: TENANCIES,
                role: Role::Records,
            },
            Tree {
                name: IDX_RENT_MONTH,
                role: Role::Derived,
            },
            Tree {
                name: IDX_GPD_PENDING,
                role: Role::Derived,
            },
            Tree {
                name: IDX_RENT_NAV,
                role: Role::Derived,
            },
        ]
    }

    fn lines(&self) -> &'static [Lines] {
        &[
            Lines {
                label: "rent_rules",
                order: 140,
                keyed: false,
                export: Some(export),
                restore: restore_rules,
            },
            Lines {
                label: "rent_notice",
                order: 141,
                keyed: false,
                export: None,
                restore: restore_notice,
            },
            Lines {
                label: "tenancy",
                order: 142,
                keyed: false,
                export: None,
                restore: restore_tenancy,
            },
        ]
    }

    fn load(
        &self,
        tx: &Tx,
        needs: &Needs,
        _ctx: &Context,
        snapshot: &mut Snapshot,
    ) -> TxResult<()> {
        if let Some(version) = needs.rent_rules {
            snapshot.rent_rules =
                tx.get_json(tx.tree(RENT_RULES), RENT_RULES, version.as_bytes())?;
        }
        if needs.rent_counter {
            snapshot.next_rent_base = tx
                .get_json(tx.tree(keys::META), keys::META, META_NEXT_RENT_BASE)?
                .unwrap_or(1);
        }
        let Some(id) = needs.application else {
            return Ok(());
        };
        if needs.tenancy {
            snapshot.tenancy = tx.get_json(tx.tree(TENANCIES), TENANCIES, &tenancy_key(id))?;
        }
        match needs.rent_notices {
            RentNoticeKeys::None => {}
            RentNoticeKeys::One(month) => {
                if let Some(notice) = tx.get_json::<RentNotice>(
                    tx.tree(RENT_NOTICES),
                    RENT_NOTICES,
                    &notice_key(id, month),
                )? {
                    snapshot.rent_notices.insert(month, notice);
                }
            }
            RentNoticeKeys::All => {
                // Transactions cannot scan: the months come from the month index's sibling,
                // read month by month from the first notice the tenancy could have.
                let mut month = first_month(tx)?;
                let last = last_month(tx)?;
                while let (Some(m), Some(end)) = (month, last) {
                    if m > end {
                        break;
                    }
                    if let Some(notice) = tx.get_json::<RentNotice>(
                        tx.tree(RENT_NOTICES),
                        RENT_NOTICES,
                        &notice_key(id, m),
                    )? {
                        snapshot.rent_notices.insert(m, notice);
                    }
                    month = Some(m.next());
                }
            }
        }
        Ok(())
    }

    fn write(&self, tx: &Tx, before: &Snapshot, after: &Snapshot, _ctx: &Context) -> TxResult<()> {
        if let Some(rules) = &after.rent_rules
            && before.rent_rules.as_ref() != Some(rules)
        {
            tx.put_json(tx.tree(RENT_RULES), rules.version.as_bytes(), rules)?;
        }
        if after.next_rent_base != before.next_rent_base {
            tx.put_json(
                tx.tree(keys::META),
                META_NEXT_RENT_BASE,
                &after.next_rent_base,
            )?;
        }
        if let Some(tenancy) = &after.tenancy
            && before.tenancy.as_ref() != Some(tenancy)
        {
            tx.put_json(tx.tree(TENANCIES), &tenancy_key(tenancy.id), tenancy)?;
        }
        for (month, notice) in &after.rent_notices {
            let old = before.rent_notices.get(month);
            if old == Some(notice) {
                continue;
            }
            let key = notice_key(notice.tenancy, *month);
            tx.put_json(tx.tree(RENT_NOTICES), &key, notice)?;
            if old.is_none() {
                tx.tree(IDX_RENT_MONTH)
                    .insert(month_key(*month, notice.tenancy), &[] as &[u8])?;
                tx.tree(IDX_RENT_NAV)
                    .insert(notice.notice.as_str().as_bytes(), key.as_slice())?;
                extend_months(tx, *month)?;
            }
            let pending = tx.tree(IDX_GPD_PENDING);
            for request in GpdRequest::ALL {
                pending.remove(pending_key(request, notice.tenancy, *month))?;
            }
            for request in GpdRequest::of(notice) {
                pending.insert(pending_key(request, notice.tenancy, *month), &[] as &[u8])?;
            }
        }
        Ok(())
    }

    fn rebuild(&self, store: &Store) -> Result<(), StoreError> {
        let (months, pending, navs) = index_keys(store)?;
        for (nav, key) in navs {
            store.tree(IDX_RENT_NAV).insert(nav, key)?;
        }
        for key in months {
            store.tree(IDX_RENT_MONTH).insert(key, &[] as &[u8])?;
        }
        for key in pending {
            store.tree(IDX_GPD_PENDING).insert(key, &[] as &[u8])?;
        }
        Ok(())
    }

    fn check(&self, store: &Store, report: &mut IntegrityReport) -> Result<(), StoreError> {
        let (months, pending, navs) = index_keys(store)?;
        let mut stored_navs = std::collections::BTreeMap::new();
        for item in store.tree(IDX_RENT_NAV).iter() {
            let (nav, key) = item?;
            stored_navs.insert(nav.to_vec(), key.to_vec());
        }
        if stored_navs != navs {
            report.problems.push(
                "indice degli avvisi dei canoni per numero avviso: non corrisponde agli avvisi"
                    .to_string(),
            );
        }
        compare_sets(
            report,
            "avvisi dei canoni per mese",
            store.tree(IDX_RENT_MONTH),
            &months,
        )?;
        compare_sets(
            report,
            "richieste in attesa per pagoPA",
            store.tree(IDX_GPD_PENDING),
            &pending,
        )
    }
}

/// The first and last months any notice was issued for, kept in `meta` so that a
/// transaction can walk a tenancy's notices without scanning.
const META_FIRST_RENT_MONTH: &[u8] = b"first_rent_month";
const META_LAST_RENT_MONTH: &[u8] = b"last_rent_month";

fn first_month(tx: &Tx) -> TxResult<Option<Month>> {
    tx.get_json(tx.tree(keys::META), keys::META, META_FIRST_RENT_MONTH)
}

fn last_month(tx: &Tx) -> TxResult<Option<Month>> {
    tx.get_json(tx.tree(keys::META), keys::META, META_LAST_RENT_MONTH)
}

fn extend_months(tx: &Tx, month: Month) -> TxResult<()> {
    if first_month(tx)?.is_none_or(|first| month < first) {
        tx.put_json(tx.tree(keys::META), META_FIRST_RENT_MONTH, &month)?;
    }
    if last_month(tx)?.is_none_or(|last| month > last) {
        tx.put_json(tx.tree(keys::META), META_LAST_RENT_MONTH, &month)?;
    }
    Ok(())
}

fn export(store: &Store, out: &mut dyn Write, counts: &mut BackupCounts) -> Result<(), StoreError> {
    counts.rent_rules += export_records(store, out, RENT_RULES, "rent_rules")?;
    counts.rent_notices += export_records(store, out, RENT_NOTICES, "rent_notice")?;
    counts.tenancies += export_records(store, out, TENANCIES, "tenancy")?;
    Ok(())
}

fn restore_rules(
    _key: Option<String>,
    value: &RawValue,
    counts: &mut BackupCounts,
) -> Result<Record, String> {
    let rules: RentRules = serde_json::from_str(value.get())
        .map_err(|e| format!("regole dei canoni non valide: {e}"))?;
    counts.rent_rules += 1;
    Ok(Record::raw(RENT_RULES, rules.version.into_bytes(), value))
}

fn restore_notice(
    _key: Option<String>,
    value: &RawValue,
    counts: &mut BackupCounts,
) -> Result<Record, String> {
    let notice: RentNotice = serde_json::from_str(value.get())
        .map_err(|e| format!("avviso del canone non valido: {e}"))?;
    counts.rent_notices += 1;
    Ok(Record::raw(
        RENT_NOTICES,
        notice_key(notice.tenancy, notice.month),
        value,
    ))
}

fn restore_tenancy(
    _key: Option<String>,
    value: &RawValue,
    counts: &mut BackupCounts,
) -> Result<Record, String> {
    let tenancy: Tenancy =
        serde_json::from_str(value.get()).map_err(|e| format!("locazione non valida: {e}"))?;
    counts.tenancies += 1;
    Ok(Record::raw(
        TENANCIES,
        tenancy_key(tenancy.id).to_vec(),
        value,
    ))
}

type NavIndex = std::collections::BTreeMap<Vec<u8>, Vec<u8>>;

/// The month index, the pending requests and the notice numbers the notices call for.
fn index_keys(store: &Store) -> Result<(KeySet, KeySet, NavIndex), StoreError> {
    let mut months = KeySet::new();
    let mut pending = KeySet::new();
    let mut navs = NavIndex::new();
    for item in store.tree(RENT_NOTICES).iter() {
        let (key, value) = item?;
        let notice: RentNotice = serde_json::from_slice(&value)
            .map_err(|e| StoreError::corrupt(RENT_NOTICES, &key, e))?;
        if *key != *notice_key(notice.tenancy, notice.month) {
            return Err(StoreError::corrupt(
                RENT_NOTICES,
                &key,
                format!("chiave diversa dall'avviso {}", notice.iupd),
            ));
        }
        months.insert(month_key(notice.month, notice.tenancy));
        navs.insert(notice.notice.as_str().as_bytes().to_vec(), key.to_vec());
        for request in GpdRequest::of(&notice) {
            pending.insert(pending_key(request, notice.tenancy, notice.month));
        }
    }
    Ok((months, pending, navs))
}
