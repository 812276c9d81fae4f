//! The console: ratatui over crossterm, in the Elm style. `app` holds the state and its
//! `update`, `view` draws it, `keymap` turns keys into actions. Each screen is a unit under
//! `screens`, listed once in its registry; it acts through the `context` it is handed. Input is
//! read on its own thread; everything that reads or writes the database is a request to the
//! office, served on tokio's blocking pool by the office's local adapter, whose progress and
//! reply come back as messages. The screen is redrawn only after a message changed something,
//! never on a timer.

pub mod actions;
pub mod app;
pub mod context;
pub mod data;
pub mod form;
pub mod keymap;
pub mod list;
pub mod messaging;
pub mod pool;
pub mod rows;
pub mod screens;
pub mod search;
pub mod strings;
pub mod theme;
pub mod view;

use std::io::{self, BufWriter, IsTerminal, Stdout, Write};
use std::sync::Arc;
use std::time::Instant;

use crossterm::event::{self, Event};
use crossterm::terminal::{
    BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::restore as restore_terminal;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use crate::office::{Local, Office, Serve};
use app::{App, Ask, Effect, Msg};

pub use view::{MIN_HEIGHT, MIN_WIDTH};

/// Restores the terminal when dropped, on every exit path; `start_terminal` also installs a
/// panic hook that restores it before the panic message is printed.
struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Frames are written whole: buffered (stdout alone would split them every 1 KiB) and wrapped in
/// a synchronized update, so a terminal never shows half a frame.
type Console = Terminal<CrosstermBackend<BufWriter<Stdout>>>;

/// What a console draws on: the local terminal, or a connection to a client's terminal.
pub type Screen<W> = Terminal<CrosstermBackend<W>>;

fn start_terminal() -> io::Result<(Console, TerminalGuard)> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        previous(info);
    }));
    let guard = TerminalGuard;
    enable_raw_mode()?;
    crossterm::execute!(io::stdout(), EnterAlternateScreen)?;
    let backend = CrosstermBackend::new(BufWriter::with_capacity(1 << 16, io::stdout()));
    Ok((Terminal::new(backend)?, guard))
}

fn draw<W: Write>(
    terminal: &mut Screen<W>,
    render: impl FnOnce(&mut ratatui::Frame),
) -> io::Result<()> {
    crossterm::queue!(terminal.backend_mut(), BeginSynchronizedUpdate)?;
    terminal.draw(render)?;
    let backend = terminal.backend_mut();
    crossterm::queue!(backend, EndSynchronizedUpdate)?;
    backend.flush()
}

pub struct Options {
    pub keymap: keymap::Choice,
    /// The Comune's values for composing messages, or why there are none.
    pub comune: Result<crate::messages::ComuneConfig, String>,
    /// How to reach IO, or why this console does not send.
    pub sender: Result<crate::io::ClientConfig, String>,
}

/// Opens the database; called after the first frame is on screen, so that a large database
/// never leaves the caseworker looking at a blank terminal.
pub type Opener = Box<dyn FnOnce() -> Result<Office, String>>;

/// Refuses to start a console whose output is not a terminal, before anything else happens.
pub fn require_terminal() -> io::Result<()> {
    if io::stdout().is_terminal() {
        Ok(())
    } else {
        Err(io::Error::other(
            "la console richiede un terminale: per i lavori non interattivi usare un sottocomando (alloggi --help)",
        ))
    }
}

pub fn run(open: Opener, actor: &crate::office::Caller, options: &Options) -> io::Result<()> {
    let started = Instant::now();
    // Refused before the terminal is touched, so the message is readable.
    let keymap = keymap::load(&options.keymap, keymap::user_file().as_deref())
        .map_err(|e| io::Error::other(format!("mappa dei tasti rifiutata: {e}")))?;
    require_terminal()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("alloggi-lavoro")
        .build()?;
    let result = runtime.block_on(event_loop(open, actor, keymap, options, started));
    // Loads still running are abandoned, not awaited: the user asked to leave.
    runtime.shutdown_background();
    result
}

/// The console in this process, on this terminal.
async fn event_loop(
    open: Opener,
    actor: &crate::office::Caller,
    keymap: keymap::Keymap,
    options: &Options,
    started: Instant,
) -> io::Result<()> {
    let (mut terminal, guard) = start_terminal()?;
    draw(&mut terminal, |frame| {
        view::draw_opening(frame, &actor.user)
    })?;
    tracing::info!(
        ms = started.elapsed().as_secs_f64() * 1000.0,
        "primo fotogramma"
    );
    let office = match open() {
        Ok(office) => office,
        Err(e) => {
            // The terminal is given back before the reason is printed.
            drop(guard);
            return Err(io::Error::other(e));
        }
    };
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let (input_tx, input) = tokio::sync::mpsc::unbounded_channel();
    spawn_input(input_tx);
    let size = terminal.size()?;
    let wake = Arc::new(tokio::sync::Notify::new());
    let sender_off = match &options.sender {
        Ok(config) => match crate::io::IoClient::new(config.clone()) {
            Ok(client) => {
                let news = tx.clone();
                spawn_sender(
                    office.sender(client, &actor.user),
                    wake.clone(),
                    Arc::new(move |msg| news.send(msg).is_ok()),
                );
                None
            }
            Err(e) => Some(format!("invio a IO non attivo: {e}")),
        },
        Err(reason) => Some(reason.clone()),
    };
    let app = new_app(
        keymap,
        theme::Theme::from_env(),
        actor,
        (size.width, size.height),
        messaging::Messaging {
            config: options.comune.clone(),
            sender_off,
        },
        pool::Pool::new(),
    );
    let office = Local::new(Arc::new(office));
    let channels = Channels { tx, rx, input };
    let result = console_loop(&mut terminal, app, &office, channels, &wake, || {
        tracing::info!(
            ms = started.elapsed().as_secs_f64() * 1000.0,
            "archivio aperto"
        )
    })
    .await;
    drop(guard);
    result
}

/// A console for `actor`, sized `size`, its first requests waiting in its effects.
pub fn new_app(
    keymap: keymap::Keymap,
    theme: theme::Theme,
    actor: &crate::office::Caller,
    size: (u16, u16),
    messaging: messaging::Messaging,
    pool: Arc<pool::Pool>,
) -> App {
    let mut app = App::new(
        keymap,
        theme,
        &actor.user,
        Box::new(chrono::Utc::now),
        size,
        pool,
    );
    app.set_caller(actor.on_behalf_of.clone(), actor.role);
    app.set_messaging(messaging);
    app
}

/// Where a console's messages come from: `input` carries the keys and resizes of its terminal
/// and ends when the terminal is gone; `tx`/`rx` carry the replies of the work it started.
pub struct Channels {
    pub tx: UnboundedSender<Msg>,
    pub rx: UnboundedReceiver<Msg>,
    pub input: UnboundedReceiver<Msg>,
}

impl Channels {
    /// Whatever is already queued, input first, without waiting.
    fn queued(&mut self) -> Option<Msg> {
        self.input.try_recv().or_else(|_| self.rx.try_recv()).ok()
    }
}

/// The one console loop, local or served: applies each message to `app`, starts the work it
/// asks for, redraws when something changed. Ends when the user leaves or the input ends.
pub async fn console_loop<W: Write>(
    terminal: &mut Screen<W>,
    mut app: App,
    office: &Local,
    mut channels: Channels,
    wake: &tokio::sync::Notify,
    first_drawn: impl FnOnce(),
) -> io::Result<()> {
    draw(terminal, |frame| view::draw(frame, &app))?;
    first_drawn();
    run_effects(app.take_effects(), office, &channels.tx, wake);
    loop {
        let msg = tokio::select! {
            msg = channels.input.recv() => msg,
            msg = channels.rx.recv() => msg,
        };
        let Some(msg) = msg else { break };
        let mut changed = apply(terminal, &mut app, msg)?;
        // Whatever else is already queued (held keys, progress) is applied before one redraw.
        while let Some(msg) = channels.queued() {
            changed |= apply(terminal, &mut app, msg)?;
        }
        if app.quit {
            break;
        }
        run_effects(app.take_effects(), office, &channels.tx, wake);
        if changed {
            draw(terminal, |frame| view::draw(frame, &app))?;
        }
    }
    Ok(())
}

/// Applies one message; a resize also resizes what is drawn on (a served console's size is
/// only known from its client).
fn apply<W: Write>(terminal: &mut Screen<W>, app: &mut App, msg: Msg) -> io::Result<bool> {
    if let Msg::Resize(width, height) = msg {
        terminal.resize(ratatui::layout::Rect::new(0, 0, width, height))?;
    }
    Ok(app.update(msg))
}

/// Reads the terminal on a plain thread: crossterm's `read` blocks, and the loop must not.
fn spawn_input(tx: UnboundedSender<Msg>) {
    std::thread::Builder::new()
        .name("alloggi-tastiera".into())
        .spawn(move || {
            loop {
                let msg = match event::read() {
                    Ok(Event::Key(key)) => Msg::Key(key),
                    Ok(Event::Resize(width, height)) => Msg::Resize(width, height),
                    Ok(_) => continue,
                    Err(e) => {
                        tracing::error!(error = %e, "lettura del terminale interrotta");
                        break;
                    }
                };
                if tx.send(msg).is_err() {
                    break;
                }
            }
        })
        .map(|_| ())
        .unwrap_or_else(|e| tracing::error!(error = %e, "thread della tastiera non avviato"));
}

/// The background sender: drains the outbox when woken (a message was queued) and every
/// half minute, reporting each batch as a line to `news`, which says whether anyone still
/// listens.
pub fn spawn_sender(
    worker: crate::io::worker::Worker,
    wake: Arc<tokio::sync::Notify>,
    news: Arc<dyn Fn(Msg) -> bool + Send + Sync>,
) {
    tokio::spawn(async move {
        let stop = std::sync::atomic::AtomicBool::new(false);
        loop {
            let report = worker
                .drain(&stop, &|report, remaining| {
                    news(Msg::SenderProgress(strings::sending(
                        report.handled(),
                        remaining,
                    )));
                })
                .await;
            let line = match report {
                Ok(report) => {
                    if report.handled() == 0
                        && report.deliveries_checked == 0
                        && report.recovered == 0
                        && report.stopped.is_none()
                    {
                        None
                    } else {
                        Some(match report.stopped {
                            Some(reason) => reason,
                            None => strings::sent_report(&report.summary()),
                        })
                    }
                }
                Err(e) => Some(format!("invio a IO interrotto: {e}")),
            };
            if let Some(line) = line
                && !news(Msg::SenderDone(line))
            {
                break;
            }
            tokio::select! {
                _ = wake.notified() => {}
                _ = tokio::time::sleep(std::time::Duration::from_secs(30)) => {}
            }
        }
    });
}

/// Starts the work `update` asked for: requests go to the office through its local adapter,
/// which serves them on tokio's blocking pool; their progress and replies come back as
/// messages. Must be called inside a tokio runtime.
pub fn run_effects(
    effects: Vec<Effect>,
    office: &Local,
    tx: &UnboundedSender<Msg>,
    wake: &tokio::sync::Notify,
) {
    for effect in effects {
        match effect {
            Effect::WakeSender => wake.notify_one(),
            Effect::Ask(Ask {
                ticket,
                context,
                request,
                stop,
            }) => {
                let progress_tx = tx.clone();
                let reply_tx = tx.clone();
                office.send(
                    context,
                    request,
                    stop,
                    move |progress| {
                        let _ = progress_tx.send(Msg::Progress(ticket, progress));
                    },
                    move |reply| {
                        let _ = reply_tx.send(Msg::Reply(ticket, reply));
                    },
                );
            }
            Effect::BuildIndex(screen, rows, pool) => {
                let tx = tx.clone();
                tokio::task::spawn_blocking(move || {
                    let _ = tx.send(Msg::Index(screen, pool.index(&rows)));
                });
            }
        }
    }
}

/// Does one effect in line, through the same `Serve::serve` the adapter calls: every message
/// it yields (progress, then the reply) goes to `send`. For tests and tools that wait anyway.
pub fn perform(effect: Effect, office: &dyn Serve, send: &mut dyn FnMut(Msg)) {
    match effect {
        Effect::WakeSender => {}
        Effect::Ask(Ask {
            ticket,
            context,
            request,
            stop,
        }) => {
            let reply = office.serve(&context, request, &stop, &mut |progress| {
                send(Msg::Progress(ticket, progress))
            });
            send(Msg::Reply(ticket, reply));
        }
        Effect::BuildIndex(screen, rows, pool) => send(Msg::Index(screen, pool.index(&rows))),
    }
}
