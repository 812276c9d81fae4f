//! The console harness shared by the console tests: an `App` asking an office over a store in a
//! temporary directory at a fixed instant, driven key by key with its requests served in line
//! (through the same `Serve::serve` the console's adapter calls off its thread), and drawn whole
//! on ratatui's TestBackend.
#![allow(dead_code)]

use alloggi::demo::{DemoOptions, populate};
use alloggi::domain::time::{Timestamp, start_of_day_rome};
use alloggi::domain::{Application, ApplicationId};
use alloggi::messages::ComuneConfig;
use alloggi::office::Office;
use alloggi::store::Store;
use alloggi::tui::app::{App, Msg};
use alloggi::tui::keymap::Keymap;
use alloggi::tui::messaging::Messaging;
use alloggi::tui::pool::Pool;
use alloggi::tui::theme::Theme;
use alloggi::tui::{perform, view};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use std::sync::Arc;

pub struct Console {
    pub app: App,
    /// What the console's requests are served by.
    pub office: Office,
    pub dir: tempfile::TempDir,
    /// The rows and index this console shares with those made `beside` it.
    pub pool: Arc<Pool>,
}

impl Console {
    /// A console for "mrossi" over `store`, kept in `dir`, with the example Comune's messaging
    /// and the IO sender off; settled.
    pub fn new(
        store: Store,
        dir: tempfile::TempDir,
        keymap: Keymap,
        color: bool,
        size: (u16, u16),
        clock: Box<dyn Fn() -> Timestamp + Send>,
    ) -> Console {
        let office = Office::new(store, Ok(ComuneConfig::example()));
        Console::over(office, dir, keymap, color, size, clock, Pool::new())
    }

    fn over(
        office: Office,
        dir: tempfile::TempDir,
        keymap: Keymap,
        color: bool,
        size: (u16, u16),
        clock: Box<dyn Fn() -> Timestamp + Send>,
        pool: Arc<Pool>,
    ) -> Console {
        let mut app = App::new(keymap, Theme { color }, "mrossi", clock, size, pool.clone());
        app.set_messaging(Messaging {
            config: Ok(ComuneConfig::example()),
            sender_off: Some("invio a IO non attivo in questa console".into()),
        });
        let mut console = Console {
            app,
            office,
            dir,
            pool,
        };
        console.settle();
        console
    }

    /// A console at 80×24, colours on, default keys, over `office`'s database (the office
    /// itself closed) kept in `dir`, its clock at `now`.
    pub fn over_office(office: Office, dir: tempfile::TempDir, now: Timestamp) -> Console {
        let store = office.store().clone();
        drop(office);
        Console::new(
            store,
            dir,
            Keymap::default_keymap().expect("default keymap"),
            true,
            (80, 24),
            Box::new(move || now),
        )
    }

    /// A second console of the same process, as a server runs them: the same office, the
    /// same clock and the same pool of rows and index.
    pub fn beside(&self) -> Console {
        let now = self.app.now();
        Console::over(
            self.office.clone(),
            tempfile::tempdir().expect("temporary directory"),
            Keymap::default_keymap().expect("default keymap"),
            true,
            self.app.size,
            Box::new(move || now),
            self.pool.clone(),
        )
    }

    /// Serves the requests the console sent, in line, until none is left.
    pub fn settle(&mut self) {
        loop {
            let effects = self.app.take_effects();
            if effects.is_empty() {
                return;
            }
            for effect in effects {
                let mut messages = Vec::new();
                perform(effect, &self.office, &mut |m| messages.push(m));
                for message in messages {
                    self.app.update(message);
                }
            }
        }
    }

    pub fn press(&mut self, code: KeyCode, modifiers: KeyModifiers) -> &mut Self {
        self.app.update(Msg::Key(KeyEvent::new(code, modifiers)));
        self.settle();
        self
    }

    pub fn key(&mut self, code: KeyCode) -> &mut Self {
        self.press(code, KeyModifiers::NONE)
    }

    pub fn char(&mut self, c: char) -> &mut Self {
        let modifiers = if c.is_uppercase() {
            KeyModifiers::SHIFT
        } else {
            KeyModifiers::NONE
        };
        self.press(KeyCode::Char(c), modifiers)
    }

    pub fn typing(&mut self, text: &str) -> &mut Self {
        for c in text.chars() {
            self.char(c);
        }
        self
    }

    pub fn save(&mut self) -> &mut Self {
        self.press(KeyCode::Char('s'), KeyModifiers::CONTROL)
    }

    pub fn buffer(&self) -> Buffer {
        let (width, height) = self.app.size;
        let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
        terminal
            .draw(|frame| view::draw(frame, &self.app))
            .expect("draw");
        terminal.backend().buffer().clone()
    }

    pub fn text(&self) -> String {
        let buffer = self.buffer();
        let width = usize::from(buffer.area.width);
        buffer
            .content
            .chunks(width)
            .map(|line| {
                let text: String = line.iter().map(|c| c.symbol()).collect();
                text.trim_end().to_string()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The office's database, for the tests to look behind the console.
    pub fn store(&self) -> &Store {
        self.office.store()
    }

    /// A console in colour over a demo of `applications` (seed 2024), its clock at 08:30 of the
    /// demo's today.
    pub fn demo(applications: usize, size: (u16, u16)) -> Console {
        let dir = tempfile::tempdir().expect("temporary directory");
        let store = Store::open(dir.path()).expect("open store");
        let options = DemoOptions {
            applications,
            seed: 2024,
        };
        let summary = populate(&store, &options, &mut |_, _| {}).expect("demo data");
        let now: Timestamp =
            start_of_day_rome(summary.intake.today) + chrono::Duration::minutes(8 * 60 + 30);
        Console::new(
            store,
            dir,
            Keymap::default_keymap().expect("default keymap"),
            true,
            size,
            Box::new(move || now),
        )
    }

    /// The first application of the inbox, in its order, that `pick` accepts.
    pub fn first_where(&self, pick: impl Fn(&Application) -> bool) -> ApplicationId {
        self.app
            .rows
            .iter()
            .filter_map(|row| self.store().application(row.id).ok().flatten())
            .find(|app| pick(app))
            .map(|app| app.id)
            .expect("a demo application fits")
    }
}
