//! Reads for intake: the day's counter appointments, a call's interested citizens, people who
//! appear in two applications of one call. The appointment indexes' rebuild and check are the
//! agenda part's (`workflows/agenda.rs`).

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{Store, StoreError, keys};
use crate::domain::appointment::{Appointment, AppointmentId};
use crate::domain::interested::Interested;
use crate::domain::{Application, ApplicationId};

/// A member of one application who is also in another application of the same call.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SharedMember {
    pub fiscal_code: String,
    pub name: String,
    pub other: ApplicationId,
    /// The other application's protocol, or empty while it has none.
    pub other_protocol: String,
}

impl Store {
    pub fn appointment(&self, id: AppointmentId) -> Result<Option<Appointment>, StoreError> {
        self.get_json(keys::APPOINTMENTS, &keys::appointment(id))
    }

    /// Every booking of `day` (Rome), cancelled ones included, in time order.
    pub fn appointments_on(&self, day: NaiveDate) -> Result<Vec<Appointment>, StoreError> {
        let mut found = Vec::new();
        for item in self
            .tree(keys::IDX_APPOINTMENT_SLOT)
            .scan_prefix(keys::appointment_day(day))
        {
            let (key, _) = item?;
            let id = keys::decode_appointment_slot(&key).ok_or_else(|| {
                StoreError::corrupt(keys::IDX_APPOINTMENT_SLOT, &key, "chiave illeggibile")
            })?;
            match self.appointment(id)? {
                Some(appointment) => found.push(appointment),
                None => {
                    return Err(StoreError::corrupt(
                        keys::IDX_APPOINTMENT_SLOT,
                        &key,
                        format!("l'appuntamento {id} non esiste: eseguire alloggi check"),
                    ));
                }
            }
        }
        Ok(found)
    }

    /// The active bookings about one application, in time order.
    pub fn appointments_of(
        &self,
        application: ApplicationId,
    ) -> Result<Vec<Appointment>, StoreError> {
        let mut found = Vec::new();
        for item in self.tree(keys::APPOINTMENTS).iter() {
            let (key, value) = item?;
            let appointment: Appointment = serde_json::from_slice(&value)
                .map_err(|e| StoreError::corrupt(keys::APPOINTMENTS, &key, e))?;
            if appointment.application == Some(application) && appointment.is_active() {
                found.push(appointment);
            }
        }
        found.sort_by_key(|a| a.slot.at);
        Ok(found)
    }

    /// The citizens interested in call `code`, by fiscal code.
    pub fn interested(&self, code: &str) -> Result<BTreeMap<String, Interested>, StoreError> {
        Ok(self
            .get_json(keys::INTERESTED, code.as_bytes())?
            .unwrap_or_default())
    }

    /// Members of `application` who also appear in another application of its call: the same
    /// person may not be in two (DOMAIN.md §2), so the case view flags them.
    pub fn shared_members(
        &self,
        application: &Application,
    ) -> Result<Vec<SharedMember>, StoreError> {
        let mut shared = Vec::new();
        for member in application.household.members() {
            for other in self.applications_with_person(&member.fiscal_code)? {
                if other == application.id {
                    continue;
                }
                let Some(other_app) = self.application(other)? else {
                    continue;
                };
                if other_app.call != application.call {
                    continue;
                }
                shared.push(SharedMember {
                    fiscal_code: member.fiscal_code.as_str().to_string(),
                    name: member.full_name(),
                    other,
                    other_protocol: other_app.protocol.map(|p| p.text).unwrap_or_default(),
                });
            }
        }
        Ok(shared)
    }
}
