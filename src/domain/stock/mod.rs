//! The housing stock: the dwellings a call assigns, what each is like, and which suit a
//! household. `dwelling` holds the record and its parts, `adequacy` the rule that says whether
//! a dwelling suits a household and why not, `round` the order in which the ranking's
//! applicants are offered a dwelling.

pub mod adequacy;
pub mod dwelling;
pub mod filter;
pub mod placement;
pub mod round;

pub use adequacy::{AreaBand, AreaBands, Assessment, Needs, assess};
pub use dwelling::{Area, Dwelling, DwellingCode, DwellingState, EnergyClass, Owner, Zone};
pub use filter::DwellingFilter;
pub use placement::{ExclusionCause, Offer, Placement, Refusal, Round, Standing};
pub use round::{Candidate, CandidateStatus, NextOffer, Skip, next_offer, pass_over};
