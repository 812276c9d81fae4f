//! The shared console: one server per database (`alloggi serve`) runs a console per connection
//! over a Unix socket in the database folder; `alloggi` is then a thin client that sends its
//! keys and copies to its terminal the bytes the server draws.

pub mod client;
pub mod fault;
pub mod forward;
pub mod gpd;
mod inside;
pub mod protocol;
pub mod server;

use std::path::{Path, PathBuf};

/// The socket's name in the database folder.
pub const SOCKET: &str = "console.sock";

/// Names the socket when it cannot sit in the database's folder: an office whose service user
/// alone may enter that folder puts it where the caseworkers' group can reach it.
pub const SOCKET_VARIABLE: &str = "ALLOGGI_SOCKET";

/// Where the server of the database in `db` listens: `ALLOGGI_SOCKET` when set, otherwise
/// `console.sock` in the database's folder.
pub fn socket_path(db: &Path) -> PathBuf {
    match std::env::var_os(SOCKET_VARIABLE) {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => db.join(SOCKET),
    }
}
