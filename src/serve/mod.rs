//! The shared console: one server per database (`alloggi serve`) runs a console per connection
//! over a Unix socket in the database folder; `alloggi` is then a thin client that sends its
//! keys and copies to its terminal the bytes the server draws.

pub mod client;
pub mod forward;
mod inside;
pub mod protocol;
pub mod server;

use std::path::{Path, PathBuf};

/// The socket's name in the database folder.
pub const SOCKET: &str = "console.sock";

/// Where the server of the database in `db` listens.
pub fn socket_path(db: &Path) -> PathBuf {
    db.join(SOCKET)
}
