//! Messaggi: the outbox by state, newest first, with what the sender is doing; and the
//! caseworker's decisions on a message (requeue, mark sent, export for sending elsewhere).

mod forms;
mod texts;
mod update;
mod view;

use std::collections::BTreeMap;

use crate::messages::outbox::{OutboxEntry, OutboxTab};
use crate::tui::actions::{Action, NEXT_FILTER, PREVIOUS_FILTER, ScreenAction};
use crate::tui::context::{Awaiting, Pending};
use crate::tui::keymap::Context;
use crate::tui::list::ListCursor;

use super::{ScreenInfo, Tab};

/// Lines around the outbox table: header, tabs, column titles, rule, sender line, status, keys.
pub const OUTBOX_CHROME: u16 = 7;

/// Entries shown per tab: the newest ones; the command line lists more.
pub const OUTBOX_PAGE: usize = 500;

pub const REQUEUE: ScreenAction = ScreenAction::new("riaccoda", texts::REQUEUE);
pub const WITHDRAW: ScreenAction = ScreenAction::new("ritira", texts::WITHDRAW);
pub const MARK_SENT: ScreenAction = ScreenAction::new("segna_inviato", texts::MARK_SENT);
pub const EXPORT_BUNDLE: ScreenAction = ScreenAction::new("esporta_pacchetto", texts::EXPORT_BUNDLE);
pub const SEND_NOW: ScreenAction = ScreenAction::new("invia_ora", texts::SEND_NOW);

/// One page of the chosen tab, newest first.
pub struct OutboxScreen {
    pub tab: OutboxTab,
    pub counts: BTreeMap<OutboxTab, usize>,
    pub entries: Vec<OutboxEntry>,
    pub list: ListCursor,
    /// Something changed since the list was read: read it again when it is next shown.
    pub stale: bool,
    /// The sender's last report, one line.
    pub sender: Option<String>,
    /// The tab being read.
    reading: Awaiting<()>,
    /// Decisions sent, waiting for the office.
    deciding: Pending<Decision>,
}

/// A caseworker's decision on the outbox, as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Decision {
    Requeue,
    Withdraw,
    MarkSent,
    /// The queue exported to a bundle at this path, as typed.
    Export(String),
}

impl Default for OutboxScreen {
    fn default() -> Self {
        OutboxScreen {
            tab: OutboxTab::Queued,
            counts: BTreeMap::new(),
            entries: Vec::new(),
            list: ListCursor::default(),
            stale: true,
            sender: None,
            reading: Awaiting::default(),
            deciding: Pending::default(),
        }
    }
}

impl OutboxScreen {
    pub const INFO: ScreenInfo = ScreenInfo {
        title: texts::SCREEN_OUTBOX,
        context: "messaggi",
        help_heading: texts::HELP_HEADING,
        tab: Tab::Own {
            goto: "vai_messaggi",
            text: texts::GO_TO,
        },
        actions: &[
            Action::Screen(NEXT_FILTER),
            Action::Screen(PREVIOUS_FILTER),
            Action::Screen(REQUEUE),
            Action::Screen(WITHDRAW),
            Action::Screen(MARK_SENT),
            Action::Screen(EXPORT_BUNDLE),
            Action::Screen(SEND_NOW),
        ],
        help_contexts: &[Context::Preview, Context::Form],
    };

    pub fn selected(&self) -> Option<&OutboxEntry> {
        self.entries.get(self.list.cursor)
    }

    pub fn step_tab(&mut self, step: isize) {
        let all = OutboxTab::ALL;
        let here = all.iter().position(|t| *t == self.tab).unwrap_or(0) as isize;
        let next = (here + step).rem_euclid(all.len() as isize) as usize;
        self.tab = all[next];
        self.list.reset();
        self.stale = true;
    }

    pub fn move_cursor(&mut self, delta: isize, height: usize) {
        self.list.move_by(delta, self.entries.len(), height);
    }
}
