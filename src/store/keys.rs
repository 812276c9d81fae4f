//! Tree names and key layouts. Integers are big-endian so that sled's byte order is numeric order.

use chrono::NaiveDate;

use crate::domain::appointment::AppointmentId;
use crate::domain::time::{Timestamp, rome_date};
use crate::domain::{ApplicationId, State};

pub const META: &str = "meta";
pub const CALLS: &str = "calls";
pub const APPLICATIONS: &str = "applications";
pub const IDX_FISCAL_CODE: &str = "idx_fiscal_code";
pub const IDX_PROTOCOL: &str = "idx_protocol";
pub const IDX_STATE: &str = "idx_state";
pub const IDX_EXTERNAL: &str = "idx_external";
pub const AUDIT: &str = "audit";
/// Audit entries by application: application id then sequence number, empty value.
/// Derived from the audit log (schema 2), never exported.
pub const IDX_AUDIT_APPLICATION: &str = "idx_audit_application";
/// How many applications are in each state: key `state_count(state)`, value the count as JSON.
/// Derived from `idx_state` and written in the same transactions; never exported. `Store::open`
/// rebuilds the whole tree when a counter is missing or unreadable.
pub const COUNT_STATE: &str = "count_state";
/// The inbox's read model: key `application(id)`, value the application's `ApplicationSummary`
/// as JSON. Derived from the records and written in the same transactions; never exported.
/// See `summaries.rs`.
pub const SUMMARIES: &str = "summaries";
/// Summaries known to be stale, to recompute: key a call's code (its applications' summaries)
/// or empty (every summary), value a token naming the change (see `summaries.rs`).
pub const SUMMARIES_PENDING: &str = "summaries_pending";

/// The IO outbox: key `outbox(id)`, value the `OutboxEntry` as JSON. Primary data: exported.
pub const OUTBOX: &str = "outbox";
/// Outbox entries by state: the state's tag then the id, empty value. Derived from `outbox`.
pub const IDX_OUTBOX_STATE: &str = "idx_outbox_state";
/// Outbox entries by content hash (hex), value the id: a second identical message to the same
/// citizen is refused. Derived from `outbox`.
pub const IDX_OUTBOX_HASH: &str = "idx_outbox_hash";
/// Citizens IO said may receive the service's messages: key the fiscal code, value the time of
/// the check. A cache: never exported, safe to empty.
pub const IO_PROFILES: &str = "io_profiles";

/// Counter appointments: key `appointment(id)`, value the `Appointment` as JSON. Primary data.
pub const APPOINTMENTS: &str = "appointments";
/// Appointments by Rome day and instant: `appointment_slot`, empty value. Derived from
/// `appointments`; cancelled appointments stay in it (the day view shows them struck out).
pub const IDX_APPOINTMENT_SLOT: &str = "idx_appointment_slot";
/// Active bookings by instant and place: `appointment_held`, value the appointment's id. Two
/// bookings may not hold one place at one instant. Derived from `appointments`.
pub const IDX_APPOINTMENT_HELD: &str = "idx_appointment_held";
/// Citizens interested in a call: key the call's code, value its whole list as JSON, so that
/// publishing reads it inside its transaction. Primary data.
pub const INTERESTED: &str = "interested";

/// Each call's point table: key the call's code, value the `Ruleset` as JSON. Primary data.
pub const RULESETS: &str = "rulesets";
/// Published rankings without their rows: key `ranking(call, number)`, value the
/// `RankingHeader` as JSON. Primary data, never rewritten.
pub const RANKINGS: &str = "rankings";
/// The rows of each published ranking: key `ranking(call, number)`, value the whole row list as
/// JSON, whose SHA-256 is the header's digest. Primary data, never rewritten.
pub const RANKING_ROWS: &str = "ranking_rows";

/// Every tree, in the order of `Tx`'s slice.
pub const ALL_TREES: [&str; 23] = [
    META,
    CALLS,
    APPLICATIONS,
    IDX_FISCAL_CODE,
    IDX_PROTOCOL,
    IDX_STATE,
    IDX_EXTERNAL,
    AUDIT,
    IDX_AUDIT_APPLICATION,
    COUNT_STATE,
    SUMMARIES,
    SUMMARIES_PENDING,
    OUTBOX,
    IDX_OUTBOX_STATE,
    IDX_OUTBOX_HASH,
    IO_PROFILES,
    APPOINTMENTS,
    IDX_APPOINTMENT_SLOT,
    IDX_APPOINTMENT_HELD,
    INTERESTED,
    RULESETS,
    RANKINGS,
    RANKING_ROWS,
];

/// Position of a tree in `ALL_TREES`: the one place both the store and its transactions
/// learn the order of the trees from. Names are this module's constants, so every lookup
/// resolves (a test checks it).
pub fn index_of(name: &str) -> usize {
    ALL_TREES.iter().position(|n| *n == name).unwrap_or(0)
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
        for (position, name) in ALL_TREES.iter().enumerate() {
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
