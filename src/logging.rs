//! Logs go to a file, never to the terminal the console draws on.

use std::path::{Path, PathBuf};

/// Log file directory: `$XDG_STATE_HOME/alloggi`, or the database directory when there is none.
fn log_dir(db_dir: &Path) -> PathBuf {
    directories::BaseDirs::new()
        .and_then(|dirs| dirs.state_dir().map(|d| d.join("alloggi")))
        .unwrap_or_else(|| db_dir.to_path_buf())
}

/// Starts file logging at the level in `ALLOGGI_LOG` (default `info`). Logging is a help, not a
/// duty: if the file cannot be opened the program runs without it.
pub fn init(db_dir: &Path) {
    let dir = log_dir(db_dir);
    // The log names applications and people: folder and file are the owner's only. The file
    // is created here, private, before the appender opens it for appending.
    if crate::files::private::create_private_dir(&dir).is_err()
        || crate::files::private::append_private(&dir.join("alloggi.log")).is_err()
    {
        return;
    }
    let appender = tracing_appender::rolling::never(&dir, "alloggi.log");
    let filter = tracing_subscriber::EnvFilter::try_from_env("ALLOGGI_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(appender)
        .with_ansi(false)
        .try_init();
}
