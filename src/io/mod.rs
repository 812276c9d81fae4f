//! The IO REST client, which addresses may be used in clear, request pacing, the API key, the outbox worker and offline bundles with their shared key.

pub mod bundle;
pub mod bundle_gpd;
pub mod bundle_key;
pub mod client;
pub mod key;
pub mod pace;
pub mod transport;
pub mod worker;

pub use bundle_key::{BUNDLE_KEY_ENV, BundleKey, BundleKeyError};
pub use client::{
    ClientConfig, DEFAULT_BASE_URL, IoClient, IoError, ProfileOutcome, StatusOutcome, SubmitOutcome,
};
pub use key::{
    ApiKey, IO_KEY, KeyError, KeyFault, KeyVars, key_from_env, key_from_vars, load_key,
    load_key_for,
};
pub use pace::{Pace, PaceError, Pacer};
