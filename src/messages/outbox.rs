//! The outbox: one entry per message to a citizen, and the states it moves through.
