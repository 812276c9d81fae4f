//! The part of the state a command needs, and `evolve`, which routes each event to its
//! workflow. The fields stay in one struct, grouped by the workflow that owns them, so that a
//! snapshot is built and read by field name; the store's part of each workflow loads and writes
//! its own fields (`store::workflows`).

use std::collections::BTreeMap;

use super::application::Application;
use super::appointment::{Appointment, AppointmentId};
use super::call::Call;
use super::error::DomainError;
use super::event::Event;
use super::interested::Interested;
use super::publication::RankingHeader;
use super::rent::{Month, RentNotice, RentRules, Tenancy};
use super::ruleset::Ruleset;
use super::stock::{Dwelling, DwellingCode, Placement, Round};

/// The part of the state a command needs, loaded by the store inside the command's transaction.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Snapshot {
    // ---- intake (review, fees and ranking act on this application too) ----
    pub application: Option<Application>,
    pub next_application_id: u64,
    /// Next free protocol number for the year of `Context::now` (Rome time).
    pub next_protocol_number: u32,
    /// An application with the same portal identifier already exists.
    pub external_id_taken: bool,

    // ---- calls ----
    /// The call the command concerns: named by it, the application's, or the active one.
    pub call: Option<Call>,
    pub active_call: Option<String>,
    /// The call's interested citizens by fiscal code, for the commands that need them.
    pub interested: BTreeMap<String, Interested>,

    // ---- agenda ----
    pub appointment: Option<Appointment>,
    pub next_appointment_id: u64,
    /// An active booking that already holds the command's place and instant.
    pub slot_taken: Option<AppointmentId>,

    // ---- ranking ----
    /// The call's point table, for the commands that need it.
    pub ruleset: Option<Ruleset>,
    /// The call's latest published ranking, for the commands that need it.
    pub ranking: Option<RankingHeader>,

    // ---- stock ----
    /// The dwellings the command names, by code, as stored (absent when new).
    pub dwellings: BTreeMap<DwellingCode, Dwelling>,

    // ---- assignment ----
    /// The round of the command's call, or of the application's placement.
    pub round: Option<Round>,
    /// The application's place in the round.
    pub placement: Option<Placement>,
    /// The admitted applicants of the call's definitive ranking, in its order, for a round
    /// about to open.
    pub round_order: Vec<crate::domain::ApplicationId>,

    // ---- lease ----
    /// The application's contract file, for the commands that need it.
    pub contract: Option<super::lease::ContractFile>,
    // ---- rent ----
    /// The rent ruleset of the version a command names, when loaded.
    pub rent_rules: Option<RentRules>,
    /// The application's rent notices the command needs, by month.
    pub rent_notices: BTreeMap<Month, RentNotice>,
    /// The next base of a notice number (never reused).
    pub next_rent_base: u64,
    /// The application's record of arrears.
    pub tenancy: Option<Tenancy>,
}

/// Applies one event to the snapshot. Events are facts already checked by `decide`, so an error
/// here means the stored state and the event disagree.
pub fn evolve(snapshot: &mut Snapshot, event: &Event) -> Result<(), DomainError> {
    event.kind.workflow().rules().evolve(snapshot, event)
}
