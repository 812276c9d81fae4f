//! Counter appointments: the bookings, their index by day and the places they hold.

use std::io::Write;

use serde_json::value::RawValue;

use super::{Lines, Part, Record, Role, Tree, export_records};
use crate::domain::appointment::Appointment;
use crate::domain::command::Needs;
use crate::domain::{Context, Snapshot};
use crate::store::backup::BackupCounts;
use crate::store::check::{IntegrityReport, KeyMap, KeySet, compare_maps, compare_sets};
use crate::store::tx::{Tx, TxResult, abort};
use crate::store::{Store, StoreError, keys};

/// Counter appointments: key `appointment(id)`, value the `Appointment` as JSON. Primary data.
pub(crate) const APPOINTMENTS: &str = "appointments";
/// Appointments by Rome day and instant: `appointment_slot`, empty value. Derived from
/// `appointments`; cancelled appointments stay in it (the day view shows them struck out).
pub(crate) const IDX_APPOINTMENT_SLOT: &str = "idx_appointment_slot";
/// Active bookings by instant and place: `appointment_held`, value the appointment's id. Two
/// bookings may not hold one place at one instant. Derived from `appointments`.
pub(crate) const IDX_APPOINTMENT_HELD: &str = "idx_appointment_held";

pub(super) struct Agenda;

impl Part for Agenda {
    fn trees(&self) -> &'static [Tree] {
        &[
            Tree {
                name: APPOINTMENTS,
                role: Role::Records,
            },
            Tree {
                name: IDX_APPOINTMENT_SLOT,
                role: Role::Derived,
            },
            Tree {
                name: IDX_APPOINTMENT_HELD,
                role: Role::Derived,
            },
        ]
    }

    fn lines(&self) -> &'static [Lines] {
        &[Lines {
            label: "appointment",
            order: 60,
            keyed: false,
            export: Some(export),
            restore,
        }]
    }

    fn load(
        &self,
        tx: &Tx,
        needs: &Needs,
        _ctx: &Context,
        snapshot: &mut Snapshot,
    ) -> TxResult<()> {
        snapshot.appointment = match needs.appointment {
            Some(id) => tx.get_json(tx.tree(APPOINTMENTS), APPOINTMENTS, &keys::appointment(id))?,
            None => None,
        };
        snapshot.next_appointment_id = tx
            .get_json(tx.tree(keys::META), keys::META, keys::META_NEXT_APPOINTMENT)?
            .unwrap_or(1);
        snapshot.slot_taken = match needs.slot {
            Some(slot) => tx
                .tree(IDX_APPOINTMENT_HELD)
                .get(keys::appointment_held(slot.at, &slot.place))?
                .and_then(|id| keys::decode_appointment_id(&id))
                .filter(|held| needs.appointment != Some(*held)),
            None => None,
        };
        Ok(())
    }

    fn write(&self, tx: &Tx, before: &Snapshot, after: &Snapshot, _ctx: &Context) -> TxResult<()> {
        if after.next_appointment_id != before.next_appointment_id {
            tx.put_json(
                tx.tree(keys::META),
                keys::META_NEXT_APPOINTMENT,
                &after.next_appointment_id,
            )?;
        }
        if after.appointment != before.appointment
            && let Some(appointment) = &after.appointment
        {
            write_appointment(tx, before.appointment.as_ref(), appointment)?;
        }
        Ok(())
    }

    fn rebuild(&self, store: &Store) -> Result<(), StoreError> {
        let (slots, held, _) = index_keys(store)?;
        for key in slots {
            store.tree(IDX_APPOINTMENT_SLOT).insert(key, &[] as &[u8])?;
        }
        for (key, id) in held {
            store.tree(IDX_APPOINTMENT_HELD).insert(key, id)?;
        }
        Ok(())
    }

    /// The appointment indexes against the bookings, and the counter.
    fn check(&self, store: &Store, report: &mut IntegrityReport) -> Result<(), StoreError> {
        let (slots, held, max_id) = index_keys(store)?;
        compare_sets(
            report,
            "appuntamenti per giorno",
            store.tree(IDX_APPOINTMENT_SLOT),
            &slots,
        )?;
        compare_maps(
            report,
            "appuntamenti per luogo e ora",
            store.tree(IDX_APPOINTMENT_HELD),
            &held,
        )?;
        let next: u64 = store
            .get_json(keys::META, keys::META_NEXT_APPOINTMENT)?
            .unwrap_or(1);
        if next <= max_id {
            report.problems.push(format!(
                "contatore degli appuntamenti a {next}, ma esiste già l'appuntamento A{max_id}"
            ));
        }
        Ok(())
    }
}

fn export(store: &Store, out: &mut dyn Write, counts: &mut BackupCounts) -> Result<(), StoreError> {
    counts.appointments += export_records(store, out, APPOINTMENTS, "appointment")?;
    Ok(())
}

fn restore(
    _key: Option<String>,
    value: &RawValue,
    counts: &mut BackupCounts,
) -> Result<Record, String> {
    let appointment: Appointment =
        serde_json::from_str(value.get()).map_err(|e| format!("appuntamento non valido: {e}"))?;
    counts.appointments += 1;
    Ok(Record::raw(
        APPOINTMENTS,
        keys::appointment(appointment.id).to_vec(),
        value,
    ))
}

/// Writes `new` and moves its index entries from where `old` had them.
fn write_appointment(tx: &Tx, old: Option<&Appointment>, new: &Appointment) -> TxResult<()> {
    let key = keys::appointment(new.id);
    if old.is_none() && tx.tree(APPOINTMENTS).get(key)?.is_some() {
        return abort(StoreError::corrupt(
            keys::META,
            keys::META_NEXT_APPOINTMENT,
            format!(
                "il contatore degli appuntamenti indica {}, già usato: eseguire alloggi check",
                new.id
            ),
        ));
    }
    tx.put_json(tx.tree(APPOINTMENTS), &key, new)?;
    let slots = tx.tree(IDX_APPOINTMENT_SLOT);
    let held = tx.tree(IDX_APPOINTMENT_HELD);
    if let Some(old) = old {
        slots.remove(keys::appointment_slot(old.slot.at, old.id))?;
        if old.is_active() {
            held.remove(keys::appointment_held(old.slot.at, &old.slot.place))?;
        }
    }
    slots.insert(keys::appointment_slot(new.slot.at, new.id), &[] as &[u8])?;
    if new.is_active() {
        held.insert(
            keys::appointment_held(new.slot.at, &new.slot.place),
            &keys::appointment(new.id),
        )?;
    }
    Ok(())
}

/// The index keys the bookings call for, and the highest id.
fn index_keys(store: &Store) -> Result<(KeySet, KeyMap, u64), StoreError> {
    let mut slots = KeySet::new();
    let mut held = KeyMap::new();
    let mut max_id = 0;
    for item in store.tree(APPOINTMENTS).iter() {
        let (key, value) = item?;
        let appointment: Appointment = serde_json::from_slice(&value)
            .map_err(|e| StoreError::corrupt(APPOINTMENTS, &key, e))?;
        max_id = max_id.max(appointment.id.0);
        slots.insert(keys::appointment_slot(appointment.slot.at, appointment.id));
        if appointment.is_active() {
            held.insert(
                keys::appointment_held(appointment.slot.at, &appointment.slot.place),
                keys::appointment(appointment.id).to_vec(),
            );
        }
    }
    Ok((slots, held, max_id))
}
