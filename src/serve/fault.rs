//! A console made to panic on purpose, so that the tests can show a panic closes that console
//! alone. The switch exists in debug builds only (those the tests run): in a release build
//! `Fault::for_console` is always off, so nothing a user does can reach it.
//!
//! Chosen by an environment variable of the server naming the `--operatore` of the console to
//! break, rather than by a hidden key: a client cannot set the server's environment, so even in
//! a debug build one console cannot break another's, and the other consoles of the same server
//! (other names) keep running, which is what the tests need to watch.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::protocol::Hello;

/// The server's variable naming the console to break (debug builds only).
pub const PANIC_VAR: &str = "ALLOGGI_PROVA_PANICO";

/// Armed by a key of the chosen console; its terminal panics at the next frame it sends.
#[derive(Clone)]
pub struct Fault(Option<Arc<AtomicBool>>);

impl Fault {
    /// On for the console whose client gave the name in [`PANIC_VAR`], in debug builds only.
    pub fn for_console(hello: &Hello) -> Fault {
        #[cfg(debug_assertions)]
        {
            let chosen = std::env::var(PANIC_VAR)
                .ok()
                .filter(|name| !name.is_empty());
            if chosen.is_some() && chosen == hello.on_behalf_of {
                return Fault(Some(Arc::new(AtomicBool::new(false))));
            }
        }
        let _ = hello;
        Fault(None)
    }

    pub fn arm(&self) {
        if let Some(armed) = &self.0 {
            armed.store(true, Ordering::SeqCst);
        }
    }

    /// Panics once when armed: disarmed first, so the frame written while the console unwinds
    /// (ratatui shows the cursor again) does not panic a second time and abort the server.
    pub fn strike(&self) {
        if let Some(armed) = &self.0
            && armed.swap(false, Ordering::SeqCst)
        {
            panic!("guasto provocato per prova ({PANIC_VAR})");
        }
    }
}
