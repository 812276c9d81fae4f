//! The console. For now a single status screen over the store's queries; the full
//! keyboard console (inbox, case view, palette, help) builds on this guard, loop and keymap.

pub mod keymap;

use std::io::{self, IsTerminal};

use crossterm::event::{self, Event, KeyEventKind};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::domain::State;
use crate::domain::time::format_ts;
use crate::store::Store;
use keymap::{Action, Context, Keymap};

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
    // Refused before the terminal is touched, so the message is readable.
    let keymap = Keymap::default_keymap().map_err(io::Error::other)?;
    let status = Status::load(store, actor).map_err(io::Error::other)?;
    let mut terminal = ratatui::try_init()?;
    let _guard = TerminalGuard;
    loop {
        terminal.draw(|frame| draw(frame, &status, &keymap))?;
        // Blocks until input: the screen is redrawn only when something happens.
        if let Event::Key(key) = event::read()?
            && key.kind == KeyEventKind::Press
            && keymap.action(Context::Global, &key) == Some(Action::Quit)
        {
            return Ok(());
        }
    }
}

/// Text from data is stripped of control characters before it reaches the terminal.
fn clean(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).collect()
}

pub fn draw(frame: &mut Frame, status: &Status, keymap: &Keymap) {
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
    let quit = keymap.keys_for(Context::Global, Action::Quit).join("/");
    frame.render_widget(
        Paragraph::new(format!(" {quit} {}", Action::Quit.description())),
        footer,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn screen(width: u16, height: u16, status: &Status) -> Vec<String> {
        let keymap = Keymap::default_keymap().unwrap();
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal.draw(|f| draw(f, status, &keymap)).unwrap();
        let buffer = terminal.backend().buffer();
        (0..height)
            .map(|y| {
                (0..width)
                    .map(|x| buffer[(x, y)].symbol())
                    .collect::<String>()
                    .trim_end()
                    .to_string()
            })
            .collect()
    }

    fn status() -> Status {
        Status {
            actor: "mrossi\u{1b}[31m".into(),
            call: Some((
                "Bando ERP 2024".into(),
                "Determina n. 1514 del 10/09/2024".into(),
                "16/09/2024 00:00 – 14/11/2024 23:59".into(),
            )),
            counts: vec![(State::Ricevuta, 37), (State::Ammessa, 1204)],
            total: 1241,
        }
    }

    #[test]
    fn the_status_screen_at_80_by_24() {
        let lines = screen(80, 24, &status());
        assert_eq!(lines[0], " alloggi · operatore mrossi[31m");
        assert_eq!(lines[1], " Bando attivo: Bando ERP 2024");
        assert_eq!(
            lines[2],
            " Determina n. 1514 del 10/09/2024 · finestra 16/09/2024 00:00 – 14/11/2024 23:59"
        );
        assert_eq!(lines[4], " Domande: 1.241");
        assert_eq!(lines[5], "   ricevuta                       37");
        assert_eq!(lines[6], "   ammessa                     1.204");
        assert!(lines[7..23].iter().all(|l| l.is_empty()));
        assert_eq!(lines[23], " Ctrl+c/Esc/q esci dalla console");
    }

    #[test]
    fn below_80_by_24_it_says_the_window_is_too_small() {
        let lines = screen(79, 24, &status());
        assert_eq!(
            lines[0],
            "Finestra troppo piccola: 79×24 (servono almeno 80×24)"
        );
        assert!(lines[1..].iter().all(|l| l.is_empty()));
        assert_eq!(
            screen(80, 23, &status())[0],
            "Finestra troppo piccola: 80×23 (servono almeno 80×24)"
        );
    }

    #[test]
    fn without_an_active_call_it_says_how_to_load_one() {
        let status = Status {
            call: None,
            ..status()
        };
        let lines = screen(80, 24, &status);
        assert!(
            lines[1].contains("alloggi call load FILE.toml"),
            "{}",
            lines[1]
        );
    }
}
