//! Cruscotto: the call's status at a glance.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::super::app::App;
use super::super::strings as s;
use super::{clean, procedure_line, rule};
use crate::domain::State;
use crate::domain::time::{format_ts_date, rome_date};
use crate::format::count;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let theme = app.theme;
    let label = |text: &str| Span::styled(format!(" {text:<27}"), theme.bold());
    let mut lines = vec![rule(area.width, theme.border())];
    match app.summary.as_ref() {
        None => lines.push(Line::from(format!(" {}", s::LOADING_SUMMARY))),
        Some(summary) => match &summary.call {
            None => lines.push(Line::from(format!(" {}", s::NO_CALL))),
            Some(call) => {
                lines.push(Line::from(vec![
                    label(s::DASH_CALL),
                    Span::raw(format!(
                        "{} · {}",
                        clean(&call.title),
                        clean(&call.determina)
                    )),
                ]));
                lines.push(Line::from(vec![
                    label(s::DASH_WINDOW),
                    Span::raw(format!(
                        "{} – {} · {}",
                        format_ts_date(call.opens_at),
                        format_ts_date(call.closes_at),
                        super::call_phase(app).trim_start_matches("finestra ")
                    )),
                ]));
                lines.push(Line::from(vec![
                    label(s::DASH_PROCEDURE),
                    Span::raw(procedure_line(app)),
                ]));
            }
        },
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        format!(" {}", s::DASH_STATES),
        theme.title(),
    )));
    if app.summary.is_some() || app.inbox.loaded {
        let counts = app.counts();
        for (state, n) in &counts {
            lines.push(Line::from(format!(
                "   {:<26}{:>10}",
                state.label(),
                count(*n)
            )));
        }
        let total: usize = counts.iter().map(|(_, n)| n).sum();
        lines.push(Line::from(Span::styled(
            format!("   {:<26}{:>10}", s::DASH_TOTAL, count(total)),
            theme.bold(),
        )));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        format!(" {}", s::DASH_OVERDUE),
        theme.title(),
    )));
    if app.inbox.loaded {
        let today = rome_date(app.now());
        let (mut overdue, mut soon, mut unregistered) = (0, 0, 0);
        for row in &app.inbox.rows {
            if row.state == State::Ricevuta {
                unregistered += 1;
            }
            if let Some(deadline) = row.integration_deadline {
                let days = (deadline - today).num_days();
                if days < 0 {
                    overdue += 1;
                } else if days <= 3 {
                    soon += 1;
                }
            }
        }
        let mut any = false;
        for (n, text, warn) in [
            (overdue, s::integration_overdue(overdue), true),
            (soon, s::integration_due_soon(soon), false),
            (unregistered, s::received_unregistered(unregistered), false),
        ] {
            if n > 0 {
                any = true;
                let style = if warn { theme.error() } else { theme.warning() };
                lines.push(Line::from(Span::styled(format!("   ! {text}"), style)));
            }
        }
        if !any {
            lines.push(Line::from(format!("   {}", s::NOTHING_OVERDUE)));
        }
    } else {
        let text = match app.rows_progress {
            Some((done, total)) => s::rows_loading(done, total),
            None => s::LOADING_ROWS.to_string(),
        };
        lines.push(Line::from(Span::styled(format!("   {text}"), theme.dim())));
    }
    if let Some(summary) = &app.summary {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            format!(" {}", s::DASHBOARD_OUTBOX),
            theme.bold(),
        )));
        use crate::messages::outbox::OutboxTab;
        // Queue and uncertain always show; the others only when they hold something, so that
        // the line fits 80 columns.
        let parts: Vec<String> = OutboxTab::ALL
            .iter()
            .filter(|tab| {
                matches!(tab, OutboxTab::Queued | OutboxTab::Uncertain)
                    || summary.outbox.get(tab).copied().unwrap_or(0) > 0
            })
            .map(|tab| {
                format!(
                    "{} {}",
                    tab.label(),
                    crate::format::count(summary.outbox.get(tab).copied().unwrap_or(0))
                )
            })
            .collect();
        lines.push(Line::from(format!("   {}", parts.join(" · "))));
    }
    let width = usize::from(area.width);
    let lines: Vec<Line> = lines
        .into_iter()
        .map(|line| {
            if line.width() <= width {
                return line;
            }
            let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
            Line::from(super::fit(&text, width))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}
