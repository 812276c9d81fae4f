//! The office served inside the caller's process, off the caller's thread: the console hands a
//! request to [`Local`], which answers it on tokio's blocking pool and calls back with the
//! progress and the reply, so that the console's `update` never waits for the database.
//!
//! What answers is anything that [`Serve`]s requests: the office itself, or in the tests an
//! office that holds a request back until told.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use super::{Office, Progress, Reply, Request};
use crate::domain::Context;

/// A request served slower than this is logged at info level, where the office looks.
const SLOW_MS: f64 = 100.0;

/// Answers office requests, as [`Office::handle`] does.
pub trait Serve: Send + Sync {
    /// Serves `request` as `ctx`'s caseworker; `progress` hears from long requests, and `stop`
    /// ends a batch between chunks.
    fn serve(
        &self,
        ctx: &Context,
        request: Request,
        stop: &AtomicBool,
        progress: &mut dyn FnMut(Progress),
    ) -> Reply;
}

impl Serve for Office {
    fn serve(
        &self,
        ctx: &Context,
        request: Request,
        stop: &AtomicBool,
        progress: &mut dyn FnMut(Progress),
    ) -> Reply {
        self.handle(ctx, request, stop, progress)
    }
}

/// An office reached in the same process. Clones share it.
#[derive(Clone)]
pub struct Local {
    office: Arc<dyn Serve>,
}

impl Local {
    pub fn new(office: Arc<dyn Serve>) -> Local {
        Local { office }
    }

    /// Serves `request` on tokio's blocking pool: the caller returns at once, `progress` is
    /// called from the pool while it runs and `reply` once with the answer. Must be called
    /// inside a tokio runtime.
    pub fn send(
        &self,
        ctx: Context,
        request: Request,
        stop: Arc<AtomicBool>,
        mut progress: impl FnMut(Progress) + Send + 'static,
        reply: impl FnOnce(Reply) + Send + 'static,
    ) {
        let office = self.office.clone();
        tokio::task::spawn_blocking(move || {
            reply(serve_logged(&*office, &ctx, request, &stop, &mut progress));
        });
    }
}

/// Served on the caller's thread, for callers that wait anyway (the tests run the console's
/// requests in line so).
impl Serve for Local {
    fn serve(
        &self,
        ctx: &Context,
        request: Request,
        stop: &AtomicBool,
        progress: &mut dyn FnMut(Progress),
    ) -> Reply {
        serve_logged(&*self.office, ctx, request, stop, progress)
    }
}

/// Serves one request, logging how long it took: the slow reads of a large database show in
/// the log by name.
fn serve_logged(
    office: &dyn Serve,
    ctx: &Context,
    request: Request,
    stop: &AtomicBool,
    progress: &mut dyn FnMut(Progress),
) -> Reply {
    let name = request.name();
    let started = Instant::now();
    let reply = office.serve(ctx, request, stop, progress);
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    if ms >= SLOW_MS {
        tracing::info!(request = name, ms, "richiesta servita");
    } else {
        tracing::debug!(request = name, ms, "richiesta servita");
    }
    reply
}
