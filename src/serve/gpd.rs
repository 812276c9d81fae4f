//! The server's periodic pagoPA (GPD) sync: what `rent sync` does, every `ALLOGGI_GPD_OGNI`,
//! when GPD is configured (a key and the Comune's creditor keys). Not configured, it never
//! runs and says nothing: an office without pagoPA notices has nothing to send.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use crate::gpd::{GpdClient, GpdConfig};
use crate::io::key::KeyFault;
use crate::messages::ComuneConfig;
use crate::messages::config::Creditor;
use crate::office::Office;

pub const EVERY_ENV: &str = "ALLOGGI_GPD_OGNI";
pub const DEFAULT_EVERY: &str = "15m";

/// What the periodic sync needs.
#[derive(Debug, Clone)]
pub struct GpdSchedule {
    pub config: GpdConfig,
    pub creditor: Creditor,
    pub every: Duration,
}

/// The schedule, when GPD is configured: `None` without a key or without creditor keys; an
/// error when it is configured but a setting is wrong, to be logged.
pub fn schedule(
    comune: &Result<ComuneConfig, String>,
    every: Duration,
) -> Option<Result<GpdSchedule, String>> {
    let key = match crate::gpd::settings::key_from_env() {
        Ok(key) => key,
        Err(e) if matches!(e.fault, KeyFault::Missing) => return None,
        Err(e) => return Some(Err(e.to_string())),
    };
    let creditor = comune.as_ref().ok()?.creditor().ok()?;
    Some(
        GpdConfig::from_lookup(key, |name| std::env::var(name).ok())
            .map(|config| GpdSchedule {
                config,
                creditor,
                every,
            })
            .map_err(|e| e.to_string()),
    )
}

/// Runs the sync now and then every `schedule.every`, on the current runtime, as `user`;
/// `committed` is called after a run that recorded something.
pub fn spawn(
    office: Arc<Office>,
    schedule: GpdSchedule,
    user: String,
    committed: Arc<dyn Fn() + Send + Sync>,
) -> Result<(), String> {
    let client = GpdClient::new(schedule.config.clone()).map_err(|e| e.to_string())?;
    tokio::spawn(async move {
        let stop = AtomicBool::new(false);
        loop {
            let syncer = office.gpd_syncer(client.clone(), schedule.creditor.clone(), &user);
            match syncer.run(&stop, &|_, _| {}).await {
                Ok(report) if report == crate::gpd::SyncReport::default() => {}
                Ok(report) => {
                    tracing::info!(esito = %report.summary(), "sincronizzazione con pagoPA");
                    for warning in &report.warnings {
                        tracing::warn!("pagoPA: {warning}");
                    }
                    committed();
                }
                Err(e) => tracing::warn!("sincronizzazione con pagoPA interrotta: {e}"),
            }
            tokio::time::sleep(schedule.every).await;
        }
    });
    Ok(())
}
