//! The IO REST client, request pacing, the API key, the outbox worker and offline bundles.
