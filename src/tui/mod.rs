//! The console. For now a single status screen over the store's queries; the full
//! keyboard console (inbox, case view, palette, help) builds on this guard and loop.

use std::io::{self, IsTerminal};

use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::domain::State;
use crate::domain::time::format_ts;
use crate::store::Store;

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Restores the terminal when dropped, on every exit path; `ratatui::init` also installs a
/// panic hook that restores it before the panic message is printed.
struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        ratatui::restore();
    }
}

/// What the status screen shows, read once from the store.
pub struct Status {
    pub actor: String,
    pub call: Option<(String, String, String)>,
    pub counts: Vec<(State, usize)>,
    pub total: usize,
}

impl Status {
    pub fn load(store: &Store, actor: &str) -> Result<Status, crate::store::StoreError> {
        let call = store.active_call()?.map(|c| {
            (
                c.title.clone(),
                c.determina.clone(),
                format!("{} – {}", format_ts(c.opens_at), format_ts(c.closes_at)),
            )
        });
        Ok(Status {
            actor: actor.to_string(),
            call,
            counts: store.count_by_state()?.into_iter().collect(),
            total: store.application_count(),
        })
    }
}

pub fn run(store: &Store, actor: &str) -> io::Result<()> {
    if !io::stdout().is_terminal() {
        return Err(io::Error::other(
            "la console richiede un terminale: per i lavori non interattivi usare un sottocomando (alloggi --help)",
        ));
    }
    let status = Status::load(store, actor).map_err(io::Error::other)?;
    let mut terminal = ratatui::try_init()?;
    let _guard = TerminalGuard;
    loop {
        terminal.draw(|frame| draw(frame, &status))?;
        // Blocks until input: the screen is redrawn only when something happens.
        match event::read()? {
            Event::Key(key) if key.kind == KeyEventKind::Press => {
                let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
                match key.code {
                    KeyCode::Char('q') | KeyCode::Esc => return Ok(()),
                    KeyCode::Char('c') if ctrl => return Ok(()),
                    _ => {}
                }
            }
            _ => {}
        }
    }
}

/// Text from data is stripped of control characters before it reaches the terminal.
fn clean(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).collect()
}

pub fn draw(frame: &mut Frame, status: &Status) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let text = format!(
            "Finestra troppo piccola: {}×{} (servono almeno {MIN_WIDTH}×{MIN_HEIGHT})",
            area.width, area.height
        );
        frame.render_widget(Paragraph::new(text), area);
        return;
    }
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let mut lines = vec![Line::from(vec![
        Span::styled(" alloggi", bold),
        Span::raw(format!(" · operatore {}", clean(&status.actor))),
    ])];
    match &status.call {
        Some((title, determina, window)) => {
            lines.push(Line::from(format!(" Bando attivo: {}", clean(title))));
            lines.push(Line::from(format!(
                " {} · finestra {}",
                clean(determina),
                window
            )));
        }
        None => lines.push(Line::from(
            " Nessun bando attivo: caricarne uno con «alloggi call load FILE.toml»",
        )),
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        format!(" Domande: {}", crate::format::count(status.total)),
        bold,
    )));
    for (state, n) in &status.counts {
        lines.push(Line::from(format!(
            "   {:<24}{:>9}",
            state.label(),
            crate::format::count(*n)
        )));
    }
    let body = Rect {
        height: area.height.saturating_sub(1),
        ..area
    };
    frame.render_widget(Paragraph::new(lines), body);
    let footer = Rect {
        y: area.bottom().saturating_sub(1),
        height: 1,
        ..area
    };
    frame.render_widget(Paragraph::new(" q esci"), footer);
}
