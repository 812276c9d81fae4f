//! Tree names and key layouts. Integers are big-endian so that sled's byte order is numeric order.

use chrono::NaiveDate;

use crate::domain::appointment::AppointmentId;
use crate::domain::time::{Timestamp, rome_date};
use crate::domain::{ApplicationId, State};

// Tree names are declared by the store part that owns each tree (`workflows`); the names
// the store's modules use are re-exported here.
pub(crate) use super::workflows::agenda::{APPOINTMENTS, IDX_APPOINTMENT_SLOT};
pub(crate) use super::workflows::calls::{CALLS, INTERESTED};
pub(crate) use super::workflows::intake::{
    APPLICATIONS, COUNT_STATE, IDX_EXTERNAL, IDX_FISCAL_CODE, IDX_PROTOCOL, IDX_STATE, SUMMARIES,
    SUMMARIES_PENDING,
};
pub(crate) use super::workflows::log::{AUDIT, IDX_AUDIT_APPLICATION};
pub(crate) use super::workflows::messages::{
    IDX_OUTBOX_HASH, IDX_OUTBOX_STATE, IO_PROFILES, OUTBOX,
};
pub(crate) use super::workflows::meta::META;
pub(crate) use super::workflows::ranking::{RANKING_ROWS, RANKINGS, RULESETS};

/// Position of a tree in the registry's list: the one place both the store and its
/// transactions learn the order of the trees from. Names are the parts' constants, so every
/// lookup resolves (a test checks it).
pub fn index_of(name: &str) -> usize {
    super::workflows::tree_names()
        .iter()
        .position(|n| *n == name)
        .unwrap_or(0)
}

pub const META_SCHEMA: &[u8] = b"schema_version";
pub const META_ACTIVE_CALL: &[u8] = b"active_call";
pub const META_NEXT_APPLICATION: &[u8] = b"next_application_id";
pub const META_AUDIT_HEAD: &[u8] = b"audit_head";
pub const META_NEXT_OUTBOX: &[u8] = b"next_outbox_id";
pub const META_NEXT_APPOINTMENT: &[u8] = b"next_appointment_id";
/// Present only while a restore is writing; a database that still has it is half-restored.
pub const META_RESTORE_IN_PROGRESS: &[u8] = b"restore_in_progress";

/// The number of a call's latest published ranking, in `META`.
pub fn ranking_latest(call: &str) -> Vec<u8> {
    format!("ranking_latest/{call}").into_bytes()
}

/// A call's code, a zero byte (codes never hold one), then the version number: a prefix scan by
/// code lists the call's versions in order.
pub fn ranking(call: &str, number: u32) -> Vec<u8> {
    let mut key = ranking_prefix(call);
    key.extend_from_slice(&number.to_be_bytes());
    key
}

pub fn ranking_prefix(call: &str) -> Vec<u8> {
    let mut key = call.as_bytes().to_vec();
    key.push(0);
    key
}

/// What the office exported in an offline bundle (`store::outbox::BundleRecord`), in `META`.
pub fn bundle_record(bundle: &str) -> Vec<u8> {
    format!("bundle/{bundle}").into_bytes()
}

pub fn protocol_counter(year: i32) -> Vec<u8> {
    format!("protocol_next/{year}").into_bytes()
}

pub fn application(id: ApplicationId) -> [u8; 8] {
    id.0.to_be_bytes()
}

pub fn decode_application_id(bytes: &[u8]) -> Option<ApplicationId> {
    let array: [u8; 8] = bytes.try_into().ok()?;
    Some(ApplicationId(u64::from_be_bytes(array)))
}

/// Fiscal code then id, so a prefix scan finds every application a person is in.
pub fn fiscal_code(code: &str, id: ApplicationId) -> Vec<u8> {
    let mut key = code.as_bytes().to_vec();
    key.extend_from_slice(&id.0.to_be_bytes());
    key
}

/// A protocol's text, as given at registration.
pub fn protocol(text: &str) -> Vec<u8> {
    text.as_bytes().to_vec()
}

pub fn state(state: State, id: ApplicationId) -> [u8; 9] {
    let mut key = [0u8; 9];
    key[0] = state.tag();
    key[1..].copy_from_slice(&id.0.to_be_bytes());
    key
}

/// `state/` then the state's tag in decimal (`state/1` for `ricevuta`): printable, so that an
/// error about a counter names it readably.
pub fn state_count(state: State) -> Vec<u8> {
    format!("state/{}", state.tag()).into_bytes()
}

pub fn outbox(id: crate::messages::outbox::OutboxId) -> [u8; 8] {
    id.0.to_be_bytes()
}

pub fn decode_outbox_id(bytes: &[u8]) -> Option<crate::messages::outbox::OutboxId> {
    let array: [u8; 8] = bytes.try_into().ok()?;
    Some(crate::messages::outbox::OutboxId(u64::from_be_bytes(array)))
}

pub fn outbox_state(tag: u8, id: crate::messages::outbox::OutboxId) -> [u8; 9] {
    let mut key = [0u8; 9];
    key[0] = tag;
    key[1..].copy_from_slice(&id.0.to_be_bytes());
    key
}

pub fn appointment(id: AppointmentId) -> [u8; 8] {
    id.0.to_be_bytes()
}

pub fn decode_appointment_id(bytes: &[u8]) -> Option<AppointmentId> {
    let array: [u8; 8] = bytes.try_into().ok()?;
    Some(AppointmentId(u64::from_be_bytes(array)))
}

/// The Rome day as `aaaammgg`, so that a prefix scan yields one day's bookings.
pub fn appointment_day(day: NaiveDate) -> Vec<u8> {
    day.format("%Y%m%d").to_string().into_bytes()
}

/// Day, then the instant in seconds (offset so that sorting stays numeric), then the id.
pub fn appointment_slot(at: Timestamp, id: AppointmentId) -> Vec<u8> {
    let mut key = appointment_day(rome_date(at));
    let seconds = (at.timestamp() as u64) ^ (1 << 63);
    key.extend_from_slice(&seconds.to_be_bytes());
    key.extend_from_slice(&id.0.to_be_bytes());
    key
}

pub fn decode_appointment_slot(bytes: &[u8]) -> Option<AppointmentId> {
    let id = bytes.get(bytes.len().checked_sub(8)?..)?;
    decode_appointment_id(id)
}

/// The instant, then the place in lower case with spaces squeezed.
pub fn appointment_held(at: Timestamp, place: &str) -> Vec<u8> {
    let mut key = ((at.timestamp() as u64) ^ (1 << 63)).to_be_bytes().to_vec();
    let place = place.split_whitespace().collect::<Vec<_>>().join(" ");
    key.extend_from_slice(place.to_lowercase().as_bytes());
    key
}

pub fn audit(seq: u64) -> [u8; 8] {
    seq.to_be_bytes()
}

/// Application id then audit sequence number, so that a prefix scan yields one case's entries
/// in log order.
pub fn audit_application(id: ApplicationId, seq: u64) -> [u8; 16] {
    let mut key = [0u8; 16];
    key[..8].copy_from_slice(&id.0.to_be_bytes());
    key[8..].copy_from_slice(&seq.to_be_bytes());
    key
}

pub fn decode_audit_application(bytes: &[u8]) -> Option<(ApplicationId, u64)> {
    let (id, seq) = bytes.split_at_checked(8)?;
    let id = decode_application_id(id)?;
    let seq: [u8; 8] = seq.try_into().ok()?;
    Some((id, u64::from_be_bytes(seq)))
}

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tree_name_resolves_to_its_own_position() {
        for (position, name) in super::super::workflows::tree_names().iter().enumerate() {
            assert_eq!(index_of(name), position, "{name}");
        }
    }

    #[test]
    fn state_counter_keys_are_distinct_and_printable() {
        let keys: std::collections::BTreeSet<Vec<u8>> =
            State::ALL.into_iter().map(state_count).collect();
        assert_eq!(keys.len(), State::ALL.len());
        assert!(keys.iter().flatten().all(|b| b.is_ascii_graphic()));
        assert_eq!(state_count(State::Ricevuta), b"state/1");
    }

    #[test]
    fn audit_application_keys_round_trip_and_sort_by_case_then_sequence() {
        let key = audit_application(ApplicationId(7), 300);
        assert_eq!(
            decode_audit_application(&key),
            Some((ApplicationId(7), 300))
        );
        assert_eq!(decode_audit_application(&key[..15]), None);
        assert!(
            audit_application(ApplicationId(7), 300) < audit_application(ApplicationId(7), 301)
        );
        assert!(
            audit_application(ApplicationId(7), u64::MAX) < audit_application(ApplicationId(8), 1)
        );
    }
}
