//! IO's services API played on this computer, the stand-in the integration tests use, for
//! trying `alloggi outbox send` without IO (`scripts/trials/kill-send.sh` starts it):
//!
//! ```text
//! cargo run --release --example io-stand-in -- --url-file URL --created CREATED [--latency-ms 100]
//! ```
//!
//! Once it accepts connections it writes its base URL (for `ALLOGGI_IO_BASE_URL`) to the url
//! file; the key it accepts is `chiave-di-prova`. On SIGTERM or Ctrl+C it writes each message
//! created, one JSON body a line as received, to the created file, and exits.

#[path = "../tests/support/io_stand_in.rs"]
mod io_stand_in;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use io_stand_in::{StandIn, StandInConfig};

struct Options {
    url_file: PathBuf,
    created: PathBuf,
    latency: Duration,
}

fn options() -> Result<Options, String> {
    let mut url_file = None;
    let mut created = None;
    let mut latency = Duration::ZERO;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg}: manca il valore"));
        match arg.as_str() {
            "--url-file" => url_file = Some(PathBuf::from(value()?)),
            "--created" => created = Some(PathBuf::from(value()?)),
            "--latency-ms" => {
                let ms = value()?;
                let ms: u64 = ms
                    .parse()
                    .map_err(|_| format!("--latency-ms «{ms}»: millisecondi"))?;
                latency = Duration::from_millis(ms);
            }
            other => return Err(format!("opzione sconosciuta «{other}»")),
        }
    }
    Ok(Options {
        url_file: url_file.ok_or("manca --url-file FILE")?,
        created: created.ok_or("manca --created FILE")?,
        latency,
    })
}

fn run(options: Options) -> Result<(), String> {
    let stand_in = StandIn::start(StandInConfig {
        latency: options.latency,
        ..StandInConfig::default()
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        use tokio::signal::unix::{SignalKind, signal};
        let mut terminate = signal(SignalKind::terminate()).map_err(|e| e.to_string())?;
        std::fs::write(&options.url_file, stand_in.base_url()).map_err(|e| e.to_string())?;
        tokio::select! {
            _ = terminate.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
        Ok::<(), String>(())
    })?;
    let mut out = std::io::BufWriter::new(
        std::fs::File::create(&options.created).map_err(|e| e.to_string())?,
    );
    for (_, body) in stand_in.created() {
        writeln!(out, "{body}").map_err(|e| e.to_string())?;
    }
    out.flush().map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    match options().and_then(run) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("io-stand-in: {message}");
            ExitCode::from(1)
        }
    }
}
