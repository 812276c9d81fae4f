//! `alloggi serve`: the one process that opens the database, listening on a Unix socket in its
//! folder. Each connection gets its own console (the same `App` and loop as a local one) on its
//! own thread, drawing into the connection at the client's size; the IO sender runs once for
//! all of them. The server leaves when no console has been connected for the idle time.

use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use tokio::sync::mpsc::UnboundedSender;

use super::fault::Fault;
use super::protocol::{ClientFrame, Hello, RunHello, ServerFrame, read_frame, write_frame};
use crate::domain::roles::{Role, Roles};
use crate::office::{Caller, Identity, Local, Office, Progress, Reply, Request, Serve};
use crate::tui::app::Msg;
use crate::tui::keymap::{self, Layer};
use crate::tui::{Channels, messaging, theme};

/// How long a client may take to say who it is.
const HELLO_TIMEOUT: Duration = Duration::from_secs(5);
/// A client that stops reading for this long is dropped rather than holding its console.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long news of a commit waits for others to be told with it.
const GATHER: Duration = Duration::from_millis(150);
/// How often the server looks whether it may leave.
const TICK: Duration = Duration::from_millis(200);

/// What the server was started with.
pub struct Settings {
    pub db: PathBuf,
    /// How long the server stays with no console connected; `None` for ever.
    pub idle: Option<Duration>,
    /// The system group whose members may connect besides the server's user.
    pub group: Option<String>,
    pub roles: Roles,
    /// The user the server runs as: the IO sender acts as them.
    pub user: String,
    pub comune: Result<crate::messages::ComuneConfig, String>,
    pub sender: Result<crate::io::ClientConfig, String>,
    /// The periodic pagoPA (GPD) sync: `None` when GPD is not configured.
    pub gpd: Option<Result<super::gpd::GpdSchedule, String>>,
}

/// What every console of the server shares.
struct Shared {
    office: Arc<Office>,
    sender: Result<crate::io::ClientConfig, String>,
    wake: Arc<tokio::sync::Notify>,
    handle: tokio::runtime::Handle,
    roles: Roles,
    comune: Result<crate::messages::ComuneConfig, String>,
    sender_off: Option<String>,
    /// The rows and search index every console holds, once.
    pool: Arc<crate::tui::pool::Pool>,
    /// Every console connected: where the sender's lines and the news go.
    consoles: Mutex<Vec<Seat>>,
    /// The number the next console is known by.
    next_seat: AtomicU64,
    /// The newest audit entry the consoles were told of.
    told: Mutex<u64>,
    /// Whether a commit is waiting to be told, and the news thread's wake-up.
    news_due: (Mutex<bool>, Condvar),
    /// How many consoles are connected, and since when that number last changed.
    connected: Mutex<(usize, Instant)>,
}

/// One connected console.
struct Seat {
    id: u64,
    /// Who is at it, as the others see them.
    name: String,
    tx: UnboundedSender<Msg>,
}

impl Shared {
    fn joined(&self) {
        let mut connected = self
            .connected
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *connected = (connected.0 + 1, Instant::now());
    }

    fn left(&self) {
        let mut connected = self
            .connected
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *connected = (connected.0.saturating_sub(1), Instant::now());
    }

    /// True once no console has been connected for `idle`; never without one.
    fn idle_for(&self, idle: Option<Duration>) -> bool {
        let Some(idle) = idle else {
            return false;
        };
        let connected = self
            .connected
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        connected.0 == 0 && connected.1.elapsed() >= idle
    }

    fn nobody(&self) -> bool {
        self.connected
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .0
            == 0
    }

    /// Hands a line of the sender to every console still connected.
    fn broadcast(&self, msg: Msg) {
        let mut consoles = self.consoles.lock().unwrap_or_else(PoisonError::into_inner);
        consoles.retain(|seat| {
            let copy = match &msg {
                Msg::SenderProgress(line) => Msg::SenderProgress(line.clone()),
                Msg::SenderDone(line) => Msg::SenderDone(line.clone()),
                _ => return true,
            };
            seat.tx.send(copy).is_ok()
        });
    }

    /// Something may have committed: the consoles are told within `GATHER`, with whatever
    /// else commits meanwhile. Twenty caseworkers saving once a second each would otherwise
    /// make every console read again twenty times a second.
    pub fn committed(&self) {
        let (due, wake) = &self.news_due;
        *due.lock().unwrap_or_else(PoisonError::into_inner) = true;
        wake.notify_one();
    }

    /// Tells every console what was committed since they were last told, so that each reads
    /// again what it shows. The console that committed is told as well: its entries cannot be
    /// told apart from those of a commit made at the same time elsewhere, and reading a few
    /// rows twice costs little. Sending never waits for a console (the channels are
    /// unbounded).
    fn tell_news(&self) {
        let mut told = self.told.lock().unwrap_or_else(PoisonError::into_inner);
        let news = match self.office.news_since(*told) {
            Ok(news) => news,
            Err(e) => {
                tracing::warn!(error = %e, "novità dell'archivio non lette");
                return;
            }
        };
        if news.is_empty() {
            return;
        }
        *told = news.upto;
        let consoles = self.consoles.lock().unwrap_or_else(PoisonError::into_inner);
        for seat in consoles.iter() {
            let _ = seat.tx.send(Msg::Elsewhere(news.clone()));
        }
    }

    /// A console takes its seat; everyone learns who is connected.
    fn sit(&self, name: String, tx: UnboundedSender<Msg>) -> u64 {
        let id = self.next_seat.fetch_add(1, Ordering::Relaxed);
        let mut consoles = self.consoles.lock().unwrap_or_else(PoisonError::into_inner);
        consoles.push(Seat { id, name, tx });
        tell_who(&consoles);
        id
    }

    /// A console leaves its seat; the others learn it.
    fn stand(&self, id: u64) {
        let mut consoles = self.consoles.lock().unwrap_or_else(PoisonError::into_inner);
        consoles.retain(|seat| seat.id != id);
        tell_who(&consoles);
    }
}

/// A console's seat, left when dropped.
struct Seated<'a> {
    shared: &'a Shared,
    id: u64,
}

impl Drop for Seated<'_> {
    fn drop(&mut self) {
        self.shared.stand(self.id);
    }
}

/// Tells every console who else is connected, by name, in order.
fn tell_who(consoles: &[Seat]) {
    for seat in consoles {
        let mut others: Vec<String> = consoles
            .iter()
            .filter(|other| other.id != seat.id)
            .map(|other| other.name.clone())
            .collect();
        others.sort();
        others.dedup();
        let _ = seat.tx.send(Msg::Connected(others));
    }
}

/// The office as the server's consoles reach it: after each request that writes, every
/// console is told what changed.
struct Telling {
    shared: Arc<Shared>,
}

impl Serve for Telling {
    fn serve(
        &self,
        ctx: &crate::domain::Context,
        request: Request,
        stop: &AtomicBool,
        progress: &mut dyn FnMut(Progress),
    ) -> Reply {
        let writes = request.writes();
        let reply = self.shared.office.handle(ctx, request, stop, progress);
        if writes {
            self.shared.committed();
        }
        reply
    }
}

/// Serves consoles for `office` until idle. The socket is removed on the way out.
pub fn run(office: Office, settings: Settings) -> Result<(), String> {
    let path = super::socket_path(&settings.db);
    let listener = bind(&path, settings.group.as_deref())?;
    let inode = std::fs::metadata(&path).map(|m| m.ino()).ok();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("alloggi-servizio")
        .enable_all()
        .build()
        .map_err(|e| format!("impossibile avviare il servizio della console: {e}"))?;
    let wake = Arc::new(tokio::sync::Notify::new());
    let sender = match &settings.sender {
        Ok(config) => match crate::io::IoClient::new(config.clone()) {
            Ok(client) => Ok(office.sender(client, &settings.user)),
            Err(e) => Err(format!("invio a IO non attivo: {e}")),
        },
        Err(reason) => Err(reason.clone()),
    };
    let told = office.audit_head_seq().map_err(|e| e.to_string())?;
    let shared = Arc::new(Shared {
        office: Arc::new(office),
        sender: settings.sender.clone(),
        wake: wake.clone(),
        handle: runtime.handle().clone(),
        roles: settings.roles,
        comune: settings.comune,
        sender_off: sender.as_ref().err().cloned(),
        pool: crate::tui::pool::Pool::new(),
        consoles: Mutex::new(Vec::new()),
        next_seat: AtomicU64::new(0),
        told: Mutex::new(told),
        news_due: (Mutex::new(false), Condvar::new()),
        connected: Mutex::new((0, Instant::now())),
    });
    let stop = Arc::new(AtomicBool::new(false));
    {
        let _runtime = runtime.enter();
        if let Ok(worker) = sender {
            let news = shared.clone();
            crate::tui::spawn_sender(
                worker,
                wake,
                Arc::new(move |msg| {
                    // A drain ended: the message states it recorded are news.
                    let drained = matches!(msg, Msg::SenderDone(_));
                    news.broadcast(msg);
                    if drained {
                        news.committed();
                    }
                    true
                }),
            );
        }
        match settings.gpd {
            Some(Ok(schedule)) => {
                let news = shared.clone();
                let spawned = super::gpd::spawn(
                    shared.office.clone(),
                    schedule,
                    settings.user.clone(),
                    Arc::new(move || news.committed()),
                );
                if let Err(e) = spawned {
                    tracing::warn!("sincronizzazione con pagoPA non attiva: {e}");
                }
            }
            Some(Err(e)) => tracing::warn!("sincronizzazione con pagoPA non attiva: {e}"),
            None => {}
        }
        let stop = stop.clone();
        runtime.spawn(async move {
            stopped_by_signal().await;
            stop.store(true, Ordering::SeqCst);
        });
    }
    spawn_acceptor(listener, shared.clone());
    spawn_news(shared.clone());
    tracing::info!(socket = %path.display(), "servizio della console attivo");
    // Leaves when idle, when told to, or when the socket was removed or replaced (nobody can
    // connect any more: its folder was deleted, say).
    loop {
        std::thread::sleep(TICK);
        let ours = std::fs::metadata(&path).map(|m| m.ino()).ok() == inode;
        if stop.load(Ordering::SeqCst)
            || shared.idle_for(settings.idle)
            || (!ours && shared.nobody())
        {
            if ours {
                let _ = std::fs::remove_file(&path);
            }
            break;
        }
    }
    tracing::info!("servizio della console terminato");
    runtime.shutdown_background();
    Ok(())
}

async fn stopped_by_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) {
        (Ok(mut term), Ok(mut int)) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
        }
        _ => std::future::pending().await,
    }
}

/// Listens on `path`, readable and writable by the owner alone, or by `group` too. A socket left
/// by a server that died is replaced; one that answers means a server is already running.
fn bind(path: &Path, group: Option<&str>) -> Result<UnixListener, String> {
    // Resolved before anything is created: a mistyped group must not leave a socket behind.
    let group = group.map(group_id).transpose()?;
    if path.exists() {
        if UnixStream::connect(path).is_ok() {
            return Err(format!(
                "un servizio della console è già attivo per questo database ({})",
                path.display()
            ));
        }
        std::fs::remove_file(path).map_err(|e| {
            format!(
                "impossibile rimuovere il socket rimasto {}: {e}",
                path.display()
            )
        })?;
    }
    let listener = UnixListener::bind(path)
        .map_err(|e| format!("impossibile creare il socket {}: {e}", path.display()))?;
    let protect = |e: String| {
        let _ = std::fs::remove_file(path);
        format!("impossibile proteggere il socket {}: {e}", path.display())
    };
    let mode = match group {
        Some((name, gid)) => {
            std::os::unix::fs::chown(path, None, Some(gid)).map_err(|e| {
                protect(format!(
                    "non è stato possibile darlo al gruppo {name} ({e}): il servizio deve \
                     appartenere a quel gruppo"
                ))
            })?;
            0o660
        }
        None => 0o600,
    };
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(|e| protect(e.to_string()))?;
    Ok(listener)
}

/// The id of system group `name`, or why there is none.
fn group_id(name: &str) -> Result<(String, u32), String> {
    uzers::get_group_by_name(name)
        .map(|group| (name.to_string(), group.gid()))
        .ok_or_else(|| format!("il gruppo di sistema «{name}» non esiste (--gruppo)"))
}

/// Tells the consoles of the commits, gathered over `GATHER`, for as long as the server runs.
fn spawn_news(shared: Arc<Shared>) {
    let spawned = std::thread::Builder::new()
        .name("alloggi-notizie".into())
        .spawn(move || {
            loop {
                {
                    let (due, wake) = &shared.news_due;
                    let mut due = due.lock().unwrap_or_else(PoisonError::into_inner);
                    while !*due {
                        due = wake.wait(due).unwrap_or_else(PoisonError::into_inner);
                    }
                }
                std::thread::sleep(GATHER);
                *shared
                    .news_due
                    .0
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner) = false;
                shared.tell_news();
            }
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "thread delle novità non avviato");
    }
}

fn spawn_acceptor(listener: UnixListener, shared: Arc<Shared>) {
    let spawned = std::thread::Builder::new()
        .name("alloggi-accoglienza".into())
        .spawn(move || {
            for stream in listener.incoming() {
                match stream {
                    Ok(stream) => spawn_connection(stream, shared.clone()),
                    Err(e) => tracing::error!(error = %e, "connessione non accettata"),
                }
            }
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "thread delle connessioni non avviato");
    }
}

fn spawn_connection(stream: UnixStream, shared: Arc<Shared>) {
    shared.joined();
    let thread_shared = shared.clone();
    let spawned = std::thread::Builder::new()
        .name("alloggi-console".into())
        .spawn(move || {
            connection(&stream, &thread_shared);
            thread_shared.left();
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "thread della console non avviato");
        shared.left();
    }
}

/// What a client opens with: a console, or a subcommand to run.
enum Opening {
    Console(Hello),
    Command(RunHello),
}

/// Runs one console or command to its end and tells its client how it ended. A panic in the
/// console closes this connection alone.
fn connection(stream: &UnixStream, shared: &Arc<Shared>) {
    let opening = match read_opening(stream) {
        Ok(opening) => opening,
        Err(e) => {
            tracing::info!(error = %e, "connessione chiusa prima di presentarsi");
            let _ = stream.shutdown(std::net::Shutdown::Both);
            return;
        }
    };
    let hello = match opening {
        Opening::Console(hello) => hello,
        Opening::Command(run) => {
            let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
            super::inside::run(stream, run, &shared.office, shared.sender.clone());
            let _ = stream.shutdown(std::net::Shutdown::Both);
            // Whatever the command committed, the consoles read again.
            shared.committed();
            return;
        }
    };
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        console(stream, hello, shared)
    }));
    let closed = match outcome {
        Ok(Ok(())) => ServerFrame::Closed {
            message: String::new(),
            code: 0,
        },
        Ok(Err(message)) => ServerFrame::Closed { message, code: 1 },
        Err(_) => {
            tracing::error!("una console si è interrotta per un errore interno");
            ServerFrame::Closed {
                message: "la console si è interrotta per un errore interno ed è stata chiusa \
                          (le altre console continuano): riaprirla con alloggi"
                    .to_string(),
                code: 1,
            }
        }
    };
    let mut writer = stream;
    let _ = write_frame(&mut writer, &closed);
    let _ = stream.shutdown(std::net::Shutdown::Both);
}

fn console(stream: &UnixStream, hello: Hello, shared: &Arc<Shared>) -> Result<(), String> {
    let failed = |e: io::Error| format!("connessione con la console interrotta: {e}");
    hello.check_version()?;
    let caller = caller_of(stream, &hello, &shared.roles)?;
    let layers = hello
        .keymap
        .iter()
        .map(|layer| Layer::new(layer.file.clone(), layer.text.clone()))
        .collect();
    let keymap =
        keymap::over_default(layers).map_err(|e| format!("mappa dei tasti rifiutata: {e}"))?;
    tracing::info!(user = %caller.user, term = ?hello.term, "console collegata");
    stream
        .set_write_timeout(Some(WRITE_TIMEOUT))
        .map_err(failed)?;
    let ended = Arc::new(AtomicBool::new(false));
    let fault = Fault::for_console(&hello);
    let writer = FrameWriter {
        stream: stream.try_clone().map_err(failed)?,
        pending: Vec::with_capacity(1 << 16),
        ended: ended.clone(),
        fault: fault.clone(),
    };
    let mut terminal = Terminal::with_options(
        CrosstermBackend::new(writer),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, hello.width, hello.height)),
        },
    )
    .map_err(failed)?;
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let (input_tx, input) = tokio::sync::mpsc::unbounded_channel();
    spawn_reader(stream.try_clone().map_err(failed)?, input_tx, fault);
    let name = caller
        .on_behalf_of
        .clone()
        .unwrap_or_else(|| caller.user.clone());
    // Left on every way out, a panic too.
    let _seat = Seated {
        shared,
        id: shared.sit(name, tx.clone()),
    };
    let app = crate::tui::new_app(
        keymap,
        theme::Theme {
            color: !hello.no_color,
        },
        &caller,
        (hello.width, hello.height),
        messaging::Messaging {
            config: shared.comune.clone(),
            sender_off: shared.sender_off.clone(),
        },
        shared.pool.clone(),
    );
    let channels = Channels { tx, rx, input };
    let office = Local::new(Arc::new(Telling {
        shared: shared.clone(),
    }));
    let result = shared.handle.block_on(crate::tui::console_loop(
        &mut terminal,
        app,
        &office,
        channels,
        &shared.wake,
        || {},
    ));

    // The terminal shows the cursor again as it is dropped; the client restores its own
    // terminal, and a client already gone would only turn that write into an error message.
    ended.store(true, Ordering::Relaxed);
    result.map_err(failed)?;
    tracing::info!(user = %caller.user, "console scollegata");
    Ok(())
}

fn read_opening(stream: &UnixStream) -> io::Result<Opening> {
    stream.set_read_timeout(Some(HELLO_TIMEOUT))?;
    let mut reader = stream;
    let opening = match read_frame::<ClientFrame>(&mut reader)? {
        Some(ClientFrame::Hello(hello)) => Opening::Console(hello),
        Some(ClientFrame::Run(run)) => Opening::Command(run),
        _ => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "la console non si è presentata",
            ));
        }
    };
    stream.set_read_timeout(None)?;
    Ok(opening)
}

/// Who is at the other end, as the system tells: the uid of the peer process, never a name it
/// gave. A name given with `--operatore` is recorded beside it.
fn caller_of(stream: &UnixStream, hello: &Hello, roles: &Roles) -> Result<Caller, String> {
    let credentials = rustix::net::sockopt::socket_peercred(stream)
        .map_err(|e| format!("impossibile sapere chi ha aperto la console: {e}"))?;
    let identity = Identity::of_uid(credentials.uid.as_raw())?;
    let caller = Caller::new(&identity, hello.on_behalf_of.as_deref(), roles);
    caller.require(Role::Consultazione)?;
    caller.require_own_name()?;
    Ok(caller)
}

/// Keys and resizes from the client, as console messages, until it leaves.
fn spawn_reader(stream: UnixStream, input: UnboundedSender<Msg>, fault: Fault) {
    let spawned = std::thread::Builder::new()
        .name("alloggi-tasti".into())
        .spawn(move || {
            let mut reader = &stream;
            loop {
                let msg = match read_frame::<ClientFrame>(&mut reader) {
                    Ok(Some(ClientFrame::Key(key))) => {
                        fault.arm();
                        Msg::Key(key)
                    }
                    Ok(Some(ClientFrame::Resize(width, height))) => Msg::Resize(width, height),
                    Ok(Some(
                        ClientFrame::Hello(_)
                        | ClientFrame::Run(_)
                        | ClientFrame::Interrupt
                        | ClientFrame::FileChunk { .. }
                        | ClientFrame::FileDone
                        | ClientFrame::KeyFile(_)
                        | ClientFrame::KeyRefused(_)
                        | ClientFrame::FileFailed { .. },
                    )) => continue,
                    Ok(Some(ClientFrame::Bye)) | Ok(None) => break,
                    Err(e) => {
                        tracing::info!(error = %e, "console scollegata a metà");
                        break;
                    }
                };
                if input.send(msg).is_err() {
                    break;
                }
            }
            // Dropping `input` ends the console.
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "thread dei tasti non avviato");
    }
}

/// The terminal of a served console: what ratatui writes is kept until it flushes, then sent
/// as one `Output` frame.
struct FrameWriter {
    stream: UnixStream,
    pending: Vec<u8>,
    /// The console has ended: what is still written is dropped.
    ended: Arc<AtomicBool>,
    fault: Fault,
}

impl Write for FrameWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if !self.ended.load(Ordering::Relaxed) {
            self.pending.extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.ended.load(Ordering::Relaxed) || self.pending.is_empty() {
            return Ok(());
        }
        self.fault.strike();
        let output = ServerFrame::Output(std::mem::take(&mut self.pending));
        write_frame(&mut self.stream, &output)
    }
}
