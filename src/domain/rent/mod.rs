//! The rent of a social dwelling (canone, DOMAIN.md §8): the rules of a region or Comune,
//! versioned by the day they take effect, and the computation of one household's monthly rent
//! from its ISEE, step by step. Amounts are whole cents; every step rounds half up to the cent.

pub mod compute;
pub mod month;
pub mod notice;
pub mod rules;
pub mod tenancy;

pub use compute::{RentComputation, RentInput, RentStep, compute};
pub use month::Month;
pub use notice::{
    GpdOutcome, GpdState, InBundle, Ledger, PaymentChannel, RentNotice, RentPayment, Rescheduled,
};
pub use rules::{BandFormula, LeaseTerms, Percent, RentBand, RentRules, RulesIssue, ZoneRates};
pub use tenancy::{InnocentArrears, InnocentCause, RepaymentPlan, Tenancy};
