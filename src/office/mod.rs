//! The office: the one place where a caseworker's request becomes commands, messages,
//! publications and reads. The console and the command line hand it plain values and get plain
//! values back (no sled, no terminal); only the office holds the store.
//!
//! - `steps`: a command alone, or with the IO message it fires, one by one or in batches;
//! - `publish`: a ranking published and every applicant told, a call published and its
//!   interested citizens told, with the previews shown before either;
//! - `outbox`: the caseworker's decisions on queued messages, offline bundles, the sender;
//! - `reads` and `queries`: what the screens and the reports read;
//! - `request`: every request as one value and its reply as another, for callers that send
//!   them off their thread (the console) or over a socket;
//! - `local`: the office served in the caller's process on tokio's blocking pool, which is how
//!   the console reaches it;
//! - `intake`, `ranking`, `archive`: the command line's jobs (imports, calls and their
//!   interested citizens, point tables and adjustments, backups and checks, demo data).

mod access;
mod access_log;
mod archive;
mod assignment;
mod caller;
mod error;
mod group_cache;
pub mod identity;
mod intake;
mod lease;
mod local;
mod news;
mod outbox;
mod publish;
mod queries;
mod ranking;
pub mod reads;
mod recompute;
mod rent;
mod request;
mod steps;
mod stock;

use std::path::Path;

/// Which audit entries a page of the log lists.
pub use crate::store::AuditFilter;
/// A draw by lot's seed, from the operating system.
pub use crate::store::lot::fresh_seed;
pub use crate::store::unsent::Unsent;
pub use access::{offer_role, required_role};
pub use access_log::{ACCESS_PAGE, AccessEntry, AccessPage, Channel};
pub use archive::Backup;
pub use assignment::{
    NextOffer, ON_DECREE, ON_OPEN_ASSIGNMENT, OpeningPreview, PlacementView, Recheck, RoundOpened,
    RoundView,
};
pub use caller::Caller;
pub use error::OfficeError;
pub use identity::Identity;
pub use intake::{CallSaved, Imported, InterestedAdded};
pub use lease::{
    ContractRow, ContractState, LeaseSigning, NO_RENT_RULES, ON_CONTRACT_READY, ON_SIGNING_BOOKED,
    SigningPreview, contract_ready_step, signing_step,
};
pub use local::{Local, Serve};
pub use news::News;
pub use outbox::{BundleExported, OutboxView, ReceiptsRecorded};
pub use publish::{
    InterestedPreview, InterestedTold, ON_PUBLISH_CALL, PublicationPreview, RankingPublished,
};
pub use queries::{AgendaDay, CASE_TIMELINE, CallsOverview, RankingExport};
pub use ranking::Adjusted;
pub use recompute::{RecomputePreview, RecomputeRow};
pub use rent::{
    ArrearsRow, LeaseAccount, NoticeStanding, ON_RENT_DUE_SOON, ON_RENT_ISSUED, ON_RENT_OVERDUE,
    REMIND_WITHIN_DAYS, RentBatch, RentBatchDone, RentBatchKind, RentMonthRow, RentMonthView,
    Tally, TenantAccount,
};
pub use request::{Progress, Reply, Request};
pub use steps::{
    Batch, BatchProgress, BatchStep, ON_REFUSAL_NOTICE, ON_REGISTER, Step, StepDone, StepPreview,
    StepsReport, message_of,
};
pub use stock::DwellingsImported;

use std::sync::Arc;

use crate::domain::roles::{Role, Roles};
use crate::messages::{Catalogue, ComuneConfig, Order, Template, Values};
use crate::store::Store;

/// The office of one database, with the Comune's values its messages are composed from. Clones
/// are cheap and share the open database, so one can serve another thread.
#[derive(Clone)]
pub struct Office {
    store: Store,
    /// The Comune's values, or why there are none (shown when a message cannot be composed).
    comune: Result<ComuneConfig, String>,
    /// Who may do what; without a roles file everyone may do everything.
    roles: Arc<Roles>,
    /// The users' groups, for the roles given by group.
    groups: Arc<group_cache::GroupCache>,
}

impl Office {
    pub fn new(store: Store, comune: Result<ComuneConfig, String>) -> Office {
        Office {
            store,
            comune,
            roles: Arc::new(Roles::everyone_administrator()),
            groups: Arc::default(),
        }
    }

    /// The roles `handle` checks every request against.
    pub fn set_roles(&mut self, roles: Roles) {
        self.roles = Arc::new(roles);
    }

    pub fn roles(&self) -> &Roles {
        &self.roles
    }

    /// The role of system user `user`, in person or through their groups (read from the
    /// system, so that a group change counts within a minute).
    pub fn role_of(&self, user: &str) -> Option<Role> {
        if self.roles.table.is_none() {
            return self.roles.role_of(user, &[]);
        }
        let groups = self.groups.groups(user, std::time::Instant::now(), |user| {
            Identity::of_name(user)
                .map(|identity| identity.groups)
                .unwrap_or_default()
        });
        self.roles.role_of(user, &groups)
    }

    /// Opens the database in `dir`, creating it when missing.
    pub fn open(dir: &Path, comune: Result<ComuneConfig, String>) -> Result<Office, OfficeError> {
        Ok(Office::new(Store::open(dir)?, comune))
    }

    /// Opens a database that must already exist: a mistyped folder must not silently become a
    /// new, empty database.
    pub fn open_existing(
        dir: &Path,
        comune: Result<ComuneConfig, String>,
    ) -> Result<Office, OfficeError> {
        Ok(Office::new(Store::open_existing(dir)?, comune))
    }

    /// The database's folder.
    pub fn path(&self) -> &Path {
        self.store.path()
    }

    /// The database itself, for the tests and tools that look behind the office; the console
    /// and the command line only send it requests.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The Comune's values, or why a message cannot be composed without them.
    pub fn comune(&self) -> Result<&ComuneConfig, OfficeError> {
        self.comune
            .as_ref()
            .map_err(|reason| OfficeError::NoComune(reason.clone()))
    }

    pub fn set_comune(&mut self, comune: Result<ComuneConfig, String>) {
        self.comune = comune;
    }

    /// The order for catalogue message `template` with the Comune's values and what the
    /// caseworker typed.
    fn order(&self, template: &str, typed: Values) -> Result<Order<'_>, OfficeError> {
        let config = self.comune()?;
        Ok(Order {
            template: template_named(template)?,
            config,
            typed,
            recipient: None,
        })
    }
}

/// Catalogue message `id`.
pub fn template_named(id: &str) -> Result<&'static Template, OfficeError> {
    Catalogue::builtin()
        .get(id)
        .ok_or_else(|| OfficeError::Refused(format!("messaggio «{id}» sconosciuto nel catalogo")))
}
