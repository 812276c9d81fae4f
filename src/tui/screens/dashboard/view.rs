//! Cruscotto: the call's status at a glance. The call and its 210 days on top; below, the
//! counts per state beside the deadlines and the day's appointments at the counter.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::rows::ReviewList;
use crate::tui::strings as s;
use crate::tui::view::{View, call_phase, clean, fit, procedure_line, rule};
use crate::domain::State;
use crate::domain::time::{format_ts_date, format_ts_time, rome_date};
use crate::domain::number::count;
use super::texts;

/// Width of the left column (counts per state, messages) from 80 columns on.
const LEFT: u16 = 40;
/// Width of the labels of the call's lines on top.
const LABEL: usize = 26;

pub fn draw(frame: &mut Frame, area: Rect, view: &View) {
    let theme = view.theme;
    // A value too long for its line goes on under itself, aligned: the call's title, its
    // determina and the procedure's last day are never cut.
    let value_width = usize::from(area.width).saturating_sub(LABEL + 2).max(1);
    let labelled = |top: &mut Vec<Line<'static>>, text: &str, value: String| {
        for (i, part) in crate::tui::view::wrap(&value, value_width).into_iter().enumerate() {
            let head = if i == 0 { text } else { "" };
            top.push(Line::from(vec![
                Span::styled(format!(" {head:<LABEL$} "), theme.bold()),
                Span::raw(part),
            ]));
        }
    };
    let mut top = vec![rule(area.width, theme.border())];
    match view.summary {
        None => top.push(Line::from(format!(" {}", s::LOADING_SUMMARY))),
        Some(summary) => match &summary.call {
            None => top.push(Line::from(format!(" {}", s::NO_CALL))),
            Some(call) => {
                labelled(
                    &mut top,
                    texts::DASH_CALL,
                    format!("{} · {}", clean(&call.title), clean(&call.determina)),
                );
                labelled(
                    &mut top,
                    texts::DASH_WINDOW,
                    format!(
                        "{} – {} · {}",
                        format_ts_date(call.opens_at),
                        format_ts_date(call.closes_at),
                        call_phase(view).trim_start_matches("finestra ")
                    ),
                );
                labelled(&mut top, texts::DASH_PROCEDURE, procedure_line(view));
            }
        },
    }
    if let Some(others) = view.connected {
        let names: Vec<String> = others.iter().map(|name| clean(name)).collect();
        top.push(Line::from(Span::styled(
            format!(" {}", texts::connected(&names)),
            theme.bold(),
        )));
    }
    top.push(Line::default());
    let [head, columns] =
        Layout::vertical([Constraint::Length(top.len() as u16), Constraint::Fill(1)]).areas(area);
    let [left, right] =
        Layout::horizontal([Constraint::Length(LEFT), Constraint::Fill(1)]).areas(columns);
    frame.render_widget(Paragraph::new(fitted(top, head.width)), head);
    frame.render_widget(Paragraph::new(fitted(left_lines(view), left.width)), left);
    let right_lines = right_lines(view, usize::from(right.height));
    frame.render_widget(Paragraph::new(fitted(right_lines, right.width)), right);
}

/// Lines wider than the column lose their styles and are cut with '…'.
fn fitted(lines: Vec<Line<'static>>, width: u16) -> Vec<Line<'static>> {
    let width = usize::from(width);
    lines
        .into_iter()
        .map(|line| {
            if line.width() <= width {
                return line;
            }
            let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
            Line::from(fit(&text, width))
        })
        .collect()
}

/// Counts per state, then the outbox.
fn left_lines(view: &View) -> Vec<Line<'static>> {
    let theme = view.theme;
    let mut lines = vec![Line::from(Span::styled(
        format!(" {}", texts::DASH_STATES),
        theme.title(),
    ))];
    if view.summary.is_some() || view.rows.loaded {
        let counts = view.counts();
        for (state, n) in &counts {
            lines.push(Line::from(format!(
                "   {:<24}{:>10}",
                state.label(),
                count(*n)
            )));
        }
        let total: usize = counts.iter().map(|(_, n)| n).sum();
        lines.push(Line::from(Span::styled(
            format!("   {:<24}{:>10}", texts::DASH_TOTAL, count(total)),
            theme.bold(),
        )));
    }
    if let Some(summary) = view.summary {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            format!(" {}", texts::DASHBOARD_OUTBOX),
            theme.title(),
        )));
        use crate::messages::outbox::OutboxTab;
        // Queue and uncertain always show; the others only when they hold something.
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
                    count(summary.outbox.get(tab).copied().unwrap_or(0))
                )
            })
            .collect();
        // Two parts a line, so that the column stays narrow.
        for pair in parts.chunks(2) {
            lines.push(Line::from(format!("   {}", pair.join(" · "))));
        }
    }
    lines
}

/// The deadlines from the rows ("…" until they are loaded), then today's appointments in the
/// `height` lines there are.
fn right_lines(view: &View, height: usize) -> Vec<Line<'static>> {
    let theme = view.theme;
    let mut lines = vec![Line::from(Span::styled(
        format!(" {}", texts::DASH_OVERDUE),
        theme.title(),
    ))];
    let today = rome_date(view.now());
    let figures: Option<[usize; 5]> = view.rows.loaded.then(|| {
        let rows = view.rows;
        let soon = rows
            .iter()
            .filter(|r| {
                r.integration_deadline
                    .is_some_and(|d| d >= today && (d - today).num_days() <= 3)
            })
            .count();
        [
            rows.count_list(ReviewList::Overdue, today),
            soon,
            rows.count_list(ReviewList::FeeLate, today),
            rows.count_list(ReviewList::FeeDue, today),
            rows.count_in(Some(State::Ricevuta)),
        ]
    });
    // Each figure's style when it is not zero; None for one that needs no attention.
    let figure_rows = [
        (texts::DASH_OVERDUE_ROW, Some(theme.error())),
        (texts::DASH_DUE_SOON_ROW, Some(theme.warning())),
        (texts::DASH_FEES_LATE, Some(theme.error())),
        (texts::DASH_FEES_DUE, None),
        (texts::DASH_UNREGISTERED_ROW, Some(theme.warning())),
    ];
    for (i, (text, alert)) in figure_rows.iter().enumerate() {
        let n = figures.map(|f| f[i]);
        let shown = n.map(count).unwrap_or_else(|| "…".to_string());
        // "!" marks what needs attention also without colour.
        let (mark, style) = match alert {
            Some(style) if n.is_some_and(|n| n > 0) => ("!", *style),
            _ => (" ", Style::default()),
        };
        lines.push(Line::from(Span::styled(
            format!(" {mark} {text:<28}{shown:>6}"),
            style,
        )));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        format!(" {}", texts::DASH_TODAY),
        theme.title(),
    )));
    match view.summary {
        None => lines.push(Line::from(Span::styled("   …", theme.dim()))),
        Some(summary) if summary.today.is_empty() => lines.push(Line::from(Span::styled(
            format!("   {}", texts::NO_APPOINTMENTS),
            theme.dim(),
        ))),
        Some(summary) => {
            let room = height.saturating_sub(lines.len()).max(1);
            let shown = if summary.today.len() > room {
                room.saturating_sub(1)
            } else {
                summary.today.len()
            };
            for appointment in summary.today.iter().take(shown) {
                let who = if appointment.citizen.name.trim().is_empty() {
                    appointment.citizen.fiscal_code.as_str().to_string()
                } else {
                    clean(&appointment.citizen.name)
                };
                lines.push(Line::from(vec![
                    Span::styled(
                        format!("   {} ", format_ts_time(appointment.slot.at)),
                        theme.bold(),
                    ),
                    Span::raw(format!("{who} · {}", clean(&appointment.subject))),
                ]));
            }
            if shown < summary.today.len() {
                lines.push(Line::from(Span::styled(
                    format!("   {}", texts::more_appointments(summary.today.len() - shown)),
                    theme.dim(),
                )));
            }
        }
    }
    lines
}
