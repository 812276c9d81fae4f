//! The integration tests, one module per former test file.

mod backup_fixture;
mod cli;
mod console_agenda;
mod console_calls;
mod console_e2e;
mod console_ranking;
mod console_review;
mod console_screens;
mod domain_intake;
mod domain_lifecycle;
mod domain_scoring;
mod intake_cli;
mod io_client;
mod messages;
mod office;
mod outbox_cli;
mod outbox_store;
mod outbox_worker;
mod ranking_cli;
mod rules_file;
mod store;
mod store_audit_index;
mod store_counts;
mod store_intake;
mod store_ranking;
mod store_summaries;
