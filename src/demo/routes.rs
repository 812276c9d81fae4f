//! The paths an application takes through the state machine, and its next step waiting in
//! the queue.

use std::cmp::Ordering;

/// The steps after receipt; each maps to one or more commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Step {
    Register,
    Review,
    Request,
    ReceiveIntegration,
    RecordDocuments,
    Admit,
    Exclude,
    Reinstate,
}

/// Which path through the state machine an application takes, decided at receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Route {
    Received,
    Registered,
    Reviewed,
    ReviewedIntegrated,
    Integration,
    Admitted,
    AdmittedIntegrated,
    AdmittedDocuments,
    Excluded,
    ExcludedEarly,
    ExcludedIntegration,
    ReinstatedAdmitted,
    ReinstatedOpen,
}

impl Route {
    pub(super) fn steps(self) -> &'static [Step] {
        use Step::*;
        match self {
            Route::Received => &[],
            Route::Registered => &[Register],
            Route::Reviewed => &[Register, Review],
            Route::ReviewedIntegrated => &[Register, Review, Request, ReceiveIntegration],
            Route::Integration => &[Register, Review, Request],
            Route::Admitted => &[Register, Review, Admit],
            Route::AdmittedIntegrated => &[Register, Review, Request, ReceiveIntegration, Admit],
            Route::AdmittedDocuments => &[Register, Review, RecordDocuments, Admit],
            Route::Excluded => &[Register, Review, Exclude],
            Route::ExcludedEarly => &[Register, Exclude],
            Route::ExcludedIntegration => &[Register, Review, Request, Exclude],
            Route::ReinstatedAdmitted => &[
                Register,
                Review,
                Request,
                Exclude,
                Reinstate,
                RecordDocuments,
                Admit,
            ],
            Route::ReinstatedOpen => &[Register, Review, Request, Exclude, Reinstate],
        }
    }

    /// Routes that ask for documents need at least one missing.
    pub(super) fn needs_missing_documents(self) -> bool {
        matches!(
            self,
            Route::Integration
                | Route::ExcludedIntegration
                | Route::ReinstatedAdmitted
                | Route::ReinstatedOpen
        )
    }
}

pub(super) const LATE: u8 = 1;
pub(super) const DECLARED_OVER_LIMIT: u8 = 2;
/// The notice of the grounds for refusal was sent: the exclusion is now its confirmation.
pub(super) const NOTICE_SENT: u8 = 4;

/// An application of the current chunk waiting for its next step.
pub(super) struct Pending {
    /// Simulated instant of the next step, seconds since the epoch.
    pub(super) at: i64,
    pub(super) id: u32,
    pub(super) route: Route,
    /// Index of the next step in `route.steps()`.
    pub(super) step: u8,
    /// Index in `ExclusionReason::ALL`.
    pub(super) reason: u8,
    pub(super) flags: u8,
    /// The caseworker the application is assigned to.
    pub(super) actor: u8,
    /// Missing documents, as bits over the call's document list.
    pub(super) missing: u32,
    pub(super) requested_at: i64,
}

impl PartialEq for Pending {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.id) == (other.at, other.id)
    }
}

impl Eq for Pending {}

impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Pending {
    /// Reversed, so that the max-heap yields the earliest step; the id makes the order total.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.at, other.id).cmp(&(self.at, self.id))
    }
}
