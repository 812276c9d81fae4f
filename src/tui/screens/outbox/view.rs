//! Messaggi: the outbox by state, newest first, with what the sender is doing.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{OUTBOX_CHROME, OutboxScreen};
use crate::tui::view::{View, batch_line, clean, fit, pad, rule, tab_bar};
use unicode_width::UnicodeWidthStr;
use crate::domain::time::format_ts;
use crate::domain::number::count;
use crate::messages::outbox::OutboxTab;
use super::texts;

const WHEN: usize = 16;
const WHO: usize = 20;
const WHAT: usize = 28;

pub fn draw(frame: &mut Frame, area: Rect, outbox: &OutboxScreen, view: &View) {
    let theme = view.theme;
    let width = usize::from(area.width);
    let labels = |short: bool| -> Vec<(String, Style)> {
        OutboxTab::ALL
            .iter()
            .map(|tab| {
                let n = outbox.counts.get(tab).copied().unwrap_or(0);
                let name = if short { tab.short_label() } else { tab.label() };
                let style = if *tab == OutboxTab::Uncertain && n > 0 {
                    theme.warning()
                } else {
                    Style::default()
                };
                (format!("{name} {}", count(n)), style)
            })
            .collect()
    };
    let active = OutboxTab::ALL
        .iter()
        .position(|tab| *tab == outbox.tab)
        .unwrap_or(0);
    // Columns the bar takes with every tab: a space, the texts, separators and brackets.
    let full = |tabs: &[(String, Style)]| {
        1 + tabs.iter().map(|(t, _)| t.width()).sum::<usize>() + 3 * (tabs.len() - 1) + 2
    };
    let mut shown = labels(false);
    if full(&shown) > width {
        shown = labels(true);
    }
    let tabs = tab_bar(&shown, active, width, theme);
    let mut lines = vec![tabs];
    let state_width = width.saturating_sub(2 + WHEN + 2 + WHO + 2 + WHAT + 2);
    let [when, who, what, state] = texts::OUTBOX_COLUMNS;
    lines.push(Line::from(Span::styled(
        format!(
            "  {}  {}  {}  {}",
            pad(when, WHEN),
            pad(who, WHO),
            pad(what, WHAT),
            state
        ),
        theme.bold(),
    )));
    lines.push(rule(area.width, theme.border()));
    if outbox.entries.is_empty() {
        lines.push(Line::from(format!("  {}", texts::OUTBOX_EMPTY)));
    }
    let height = usize::from(view.size.1.saturating_sub(OUTBOX_CHROME)).max(1);
    for (i, entry) in outbox
        .entries
        .iter()
        .enumerate()
        .skip(outbox.list.offset)
        .take(height)
    {
        let is_cursor = i == outbox.list.cursor;
        let style = if is_cursor {
            theme.cursor()
        } else {
            Style::default()
        };
        lines.push(Line::from(Span::styled(
            format!(
                "{} {}  {}  {}  {}",
                if is_cursor { "▶" } else { " " },
                pad(&format_ts(entry.updated_at), WHEN),
                pad(&clean(&entry.addressee.name), WHO),
                pad(&clean(&entry.title), WHAT),
                pad(&clean(&entry.state.label()), state_width)
            ),
            style,
        )));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// The status line: a batch in progress with its bar, else what the sender last said.
pub fn status(outbox: &OutboxScreen, view: &View, width: usize) -> Line<'static> {
    if let Some(line) = batch_line(view, width) {
        return line;
    }
    let text = match (&outbox.sender, &view.messaging.sender_off) {
        (Some(line), _) => line.clone(),
        (None, Some(off)) => off.clone(),
        (None, None) => String::new(),
    };
    Line::from(Span::styled(
        format!(" {}", fit(&clean(&text), width.saturating_sub(2))),
        view.theme.dim(),
    ))
}
