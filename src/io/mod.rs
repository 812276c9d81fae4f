//! The IO REST client, which addresses may be used in clear, request pacing, the API key, the outbox worker and offline bundles with their shared key.

pub mod bundle;
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
pub use key::{ApiKey, KeyError, key_from_env, load_key};
pub use pace::{Pace, PaceError, Pacer};
